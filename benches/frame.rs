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
use egui_kittest::kittest::Queryable;

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
    // Settle first (fonts, first layout, the back-test's background thread), then measure steady frames.
    for _ in 0..4 {
        h.step();
    }
    for _ in 0..600 {
        let doc = h.state().document().unwrap();
        if !matches!(doc.forecasting().backtest_until(doc.as_of()), Ok(None)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
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

/// The Plots view while the What if rate is dragged (issue 16): each frame the rate moves one keyboard
/// step (up, then down), so each frame re-predicts the forecast and redraws the anti-Xa plot with it.
#[divan::bench(args = [30, 90], sample_count = 30)]
fn frame_dragging_what_if(bencher: divan::Bencher, days: u32) {
    let mut h = harness(days, CentralView::Plots);
    h.get_by_role_and_label(egui::accesskit::Role::Slider, "what-if rate")
        .focus();
    h.step();
    let mut n = 0u32;
    bencher.bench_local(|| {
        n += 1;
        let key = if (n / 20).is_multiple_of(2) {
            egui::Key::ArrowRight
        } else {
            egui::Key::ArrowLeft
        };
        h.key_press(key);
        h.step();
    });
}

/// The unit board with 60 rows (issue 31: ≤ 4 ms a frame): 60 case files of 3-day courses, the board
/// told of no change (a tick that never rings), so that a frame is drawing alone.
#[divan::bench(sample_count = 30)]
fn frame_board_60_rows(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let course = ecmo_course(3);
    for i in 0..60 {
        let mut case = course.clone();
        case.title = format!("bed {i}");
        anticoag_planner::io::save_case(&dir.path().join(format!("bed{i:02}.ron")), &case).unwrap();
    }
    let mut app = PlannerApp::new();
    app.set_clock(anticoag_planner::app::Clock::Fixed(course.last_event_time().unwrap()));
    let zone = anticoag_planner::model::Zone::named("UTC").unwrap();
    let tick = anticoag_planner::board::watch::Tick::default();
    app.set_board(anticoag_planner::app::board_state::BoardState::with_source(
        dir.path().to_path_buf(),
        zone,
        Box::new(tick),
        "bench".to_owned(),
    ));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1920.0, 1080.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    for _ in 0..4 {
        h.step();
    }
    assert_eq!(h.state().board_rows().map(<[_]>::len), Some(60));
    bencher.bench_local(|| h.step());
}
