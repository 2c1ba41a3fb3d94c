#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a panic is a failure"
)]
//! One full frame of the desktop app (layout and tessellation input, CPU only, no GPU) with a generated
//! ECMO course open, per view. Run: `cargo bench --bench frame`.

use anticoag_planner::analysis::generate::ecmo_course;
use anticoag_planner::app::theme::install_fonts;
use anticoag_planner::app::{CentralView, PlannerApp};
use eframe::egui;
use egui_kittest::Harness;

fn main() {
    divan::main();
}

fn harness(days: u32, view: CentralView) -> Harness<'static, PlannerApp> {
    let mut app = PlannerApp::new();
    app.open_generated(ecmo_course(days), view);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    // Settle first (fonts, first layout), then measure steady frames.
    for _ in 0..4 {
        h.step();
    }
    h
}

const VIEWS: [CentralView; 7] = [
    CentralView::Algorithm,
    CentralView::Plots,
    CentralView::Timeline,
    CentralView::Flowsheet,
    CentralView::Patient,
    CentralView::DosingTools,
    CentralView::Bypass,
];

#[divan::bench(args = VIEWS, sample_count = 30)]
fn frame_30_days(bencher: divan::Bencher, view: CentralView) {
    let mut h = harness(30, view);
    bencher.bench_local(|| h.step());
}

#[divan::bench(args = VIEWS, sample_count = 30)]
fn frame_90_days(bencher: divan::Bencher, view: CentralView) {
    let mut h = harness(90, view);
    bencher.bench_local(|| h.step());
}
