#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The app driven as a user would: find widgets by label, click, read what is shown. One test binary
//! (every binary links eframe again), one module per area.

mod audit;
mod board;
mod clipboard;
mod editing;
mod entry;
mod files;
mod forecast;
mod key_path;
mod keyboard;
mod replay;
mod safety;
mod start;
mod themes;
mod time_zones;
mod views;

use anticoag_planner::app::theme::install_fonts;
use anticoag_planner::app::{CentralView, DEMO_CASES, Document, PlannerApp, Preferences};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

fn harness() -> Harness<'static, PlannerApp> {
    harness_of(demo_app())
}

/// The app with the CMAJ teaching case open, as the start screen's first teaching button opens it (the
/// window itself starts on the start screen: issue 28).
fn demo_app() -> PlannerApp {
    let mut app = PlannerApp::new();
    app.open_demo(0);
    app
}

/// The window of an app set up by the test (a recovery folder, a clock, a case opened from a file).
fn harness_of(app: PlannerApp) -> Harness<'static, PlannerApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app)
}

/// The app with its clock fixed at `now` (the wall clock would make a test depend on the day it runs).
fn harness_at(now: anticoag_planner::model::ClinicalTime) -> Harness<'static, PlannerApp> {
    let mut app = demo_app();
    app.set_clock(anticoag_planner::app::Clock::Fixed(now));
    harness_of(app)
}

/// Whether any widget's label contains `text` (the card and the stepper may both show it).
fn shows(h: &Harness<'static, PlannerApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Clicks "Previous event" until the as-of label shows `time` (ISO here, "6 Jan 2019 23:00" on screen).
fn rewind_to(h: &mut Harness<'static, PlannerApp>, time: &str) {
    let at = anticoag_planner::model::ClinicalTime::parse_in(time, anticoag_planner::model::Zone::UTC)
        .unwrap_or_else(|e| panic!("{time}: {e}"));
    let wanted = format!("As of {}", at.dated_for_people());
    for _ in 0..100 {
        if h.query_by_label(&wanted).is_some() {
            return;
        }
        h.get_by_label("Previous event").click();
        h.run();
    }
    panic!("never reached {time}");
}

fn open_demo(h: &mut Harness<'static, PlannerApp>, label: &str) {
    h.get_by_label("Teaching cases…").click();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

/// Clicks a tab or a button by its label and runs the frame.
fn click(h: &mut Harness<'static, PlannerApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Shows a view by its tab; the Bypass view outside the bypass setting is the "Pre-bypass review…" entry.
fn show_view(h: &mut Harness<'static, PlannerApp>, label: &str) {
    if label == "Bypass" && h.query_by_label("Bypass").is_none() {
        click(h, "Pre-bypass review…");
    } else {
        click(h, label);
    }
}

/// Types into the field with this label (as assistive technology sets a value) and runs the frame:
/// the field keeps the focus, so a patient field is checked but not applied.
fn type_into(h: &mut Harness<'static, PlannerApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).set_text_value_accesskit(text);
    h.run();
}

/// Types into the field and presses Enter: a patient field is applied.
fn commit_into(h: &mut Harness<'static, PlannerApp>, label: &str, text: &str) {
    type_into(h, label, text);
    h.key_press(egui::Key::Enter);
    h.run();
}

fn doc<'a>(h: &'a Harness<'static, PlannerApp>) -> &'a Document {
    h.state().document().expect("a case is open")
}

/// Every text the screen exposes (labels and field values), one per line.
fn screen_text(h: &Harness<'static, PlannerApp>) -> String {
    let by = egui_kittest::kittest::By::new()
        .predicate(|n| n.label().is_some() || n.value().is_some())
        .include_labels();
    h.query_all(by)
        .map(|n| {
            let node = n.accesskit_node();
            format!(
                "{} {}",
                node.label().unwrap_or_default(),
                node.value().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
