//! The app driven as a user would: find widgets by label, click, read what is shown.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use super::PlannerApp;

fn harness() -> Harness<'static, PlannerApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(super::theme::install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), PlannerApp::new())
}

use eframe::egui;

/// Whether any widget's label contains `text` (the card and the stepper may both show it).
fn shows(h: &Harness<'static, PlannerApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Clicks "Previous event" until the as-of label shows `time`.
fn rewind_to(h: &mut Harness<'static, PlannerApp>, time: &str) {
    let wanted = format!("As of {time}");
    for _ in 0..100 {
        if h.query_by_label(&wanted).is_some() {
            return;
        }
        h.get_by_label("Previous event").click();
        h.run();
    }
    panic!("never reached {time}");
}

#[test]
fn demo_case_replays_to_antithrombin_then_argatroban() {
    let mut h = harness();
    h.run();
    // Opens at the last event of the CMAJ case, on argatroban.
    assert!(h.query_by_label("As of 2019-01-12T08:00").is_some());

    rewind_to(&mut h, "2019-01-07T03:05");
    assert!(shows(&h, "Switch to argatroban"), "DTI switch card");
    assert!(shows(&h, "2.7 mL/h"), "pump rate shown");

    rewind_to(&mut h, "2019-01-06T23:00");
    assert!(shows(&h, "Supplement antithrombin"), "antithrombin card");
    assert!(
        shows(&h, "(Thrombate III)) 1,500 units"),
        "vial-rounded dose in the headline"
    );
    assert!(shows(&h, "2,402 units"), "label-formula dose in the reasoning");

    // Stepping forward again reaches the switch.
    for _ in 0..2 {
        h.get_by_label("Next event").click();
        h.run();
    }
    assert!(h.query_by_label("As of 2019-01-07T03:05").is_some());
}

#[test]
fn stepper_shows_every_step_with_its_status() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    assert!(
        shows(&h, "weight 90.9 kg (actual, 2019-01-01T00:00)"),
        "patient values in the data-check step"
    );
    assert!(
        shows(&h, "Input warnings"),
        "the bolus above 10,000 units is flagged on the plan"
    );
    for title in [
        "1. Data check — met",
        "2. Recognise heparin resistance — met",
        "5. Antithrombin — met",
        "7. Monitoring plan — met",
    ] {
        assert!(h.query_by_label(title).is_some(), "missing step {title}");
    }
}

#[test]
fn plots_view_shows_time_series_and_scatter() {
    let mut h = harness();
    h.run();
    h.get_by_label("Plots").click();
    h.run();
    assert!(shows(&h, "aPTT (s)"));
    assert!(shows(&h, "Doses (heparin units/kg/h"));
    assert!(shows(&h, "Antithrombin (%) and platelets"));
    assert!(shows(&h, "aPTT vs anti-Xa, paired samples"));
    // The CMAJ case has no anti-Xa: no pairs at any time.
    assert!(shows(&h, "No aPTT/anti-Xa pairs yet"));
    h.get_by_label("Algorithm").click();
    h.run();
    assert!(shows(&h, "1. Data check — met"));
}

#[test]
fn predict_first_hides_the_advice_until_the_learner_chooses() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    h.get_by_label("Predict first").click();
    h.run();
    assert!(shows(&h, "What would you do now?"));
    assert!(
        !shows(&h, "2,402 units"),
        "the reasoning stays hidden before the choice"
    );
    h.get_by_label("Switch to argatroban").click();
    h.run();
    assert!(
        shows(&h, "The app advises: Supplement antithrombin"),
        "the verdict names the app's action"
    );
    assert!(shows(&h, "2,402 units"), "then the reasoning is revealed");
    // The next replay time asks again.
    h.get_by_label("Next event").click();
    h.run();
    assert!(shows(&h, "What would you do now?"));
}

#[test]
fn timeline_table_lists_events_up_to_the_replay_time() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    h.get_by_label("Timeline").click();
    h.run();
    assert!(shows(&h, "antithrombin concentrate (plasma-derived) 1,000 units"));
    assert!(
        !shows(&h, "argatroban infusion 1 mcg/kg/min"),
        "later events stay hidden"
    );
    assert!(shows(&h, "later event(s) hidden by the replay"));
}

#[test]
fn every_teaching_case_opens_from_the_menu() {
    let mut h = harness();
    h.run();
    for (i, (label, _, _)) in super::DEMO_CASES.iter().enumerate() {
        h.get_by_label("Open demo case…").click();
        h.run();
        h.get_by_label(label).click();
        h.run();
        let doc = h.state().document.as_ref().expect("a case is open");
        assert!(
            !doc.analysis.recommendation.rationale.is_empty(),
            "case {i} ({label}) has a plan"
        );
        assert!(h.state().status.is_none(), "case {i} ({label}): {:?}", h.state().status);
    }
}

fn open_demo(h: &mut Harness<'static, PlannerApp>, label: &str) {
    h.get_by_label("Open demo case…").click();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

/// Clicks a tab or a button by its label and runs the frame.
fn click(h: &mut Harness<'static, PlannerApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Types into the field with this label (as assistive technology sets a value) and runs the frame.
fn type_into(h: &mut Harness<'static, PlannerApp>, label: &str, text: &str) {
    h.get_by_label(label).set_text_value_accesskit(text);
    h.run();
}

fn doc<'a>(h: &'a Harness<'static, PlannerApp>) -> &'a super::Document {
    h.state().document.as_ref().expect("a case is open")
}

#[test]
fn an_invalid_weight_is_marked_at_the_field_and_save_is_refused() {
    let mut h = harness();
    h.run();
    click(&mut h, "Patient");
    type_into(&mut h, "Weight (kg)", "900");
    assert!(
        shows(&h, "✖ weight 900 kg is outside the accepted range"),
        "field error"
    );
    assert!(shows(&h, "Not applied: weight"), "the form says the value is not used");
    assert_eq!(
        doc(&h).case.patient.weight.kg.value(),
        90.9,
        "the engine keeps the valid weight"
    );
    click(&mut h, "Save");
    let status = h.state().status.clone().unwrap_or_default();
    assert!(
        status.starts_with("Save refused: fix the marked patient field first (weight:"),
        "{status}"
    );
    assert!(h.state().path_dialog.is_none(), "no save dialog for an invalid case");

    // A valid weight is applied at once and re-runs the analysis.
    type_into(&mut h, "Weight (kg)", "85");
    assert_eq!(doc(&h).case.patient.weight.kg.value(), 85.0);
    assert!(doc(&h).dirty, "the edit is unsaved");
    assert!(!shows(&h, "Not applied"));
}

#[test]
fn an_added_lab_row_appears_in_the_table_and_the_plot_data() {
    let mut h = harness();
    h.run();
    click(&mut h, "Timeline");
    h.get_by_label("Time (YYYY-MM-DDTHH:MM)")
        .set_text_value_accesskit("2019-01-12T09:30");
    type_into(&mut h, "Value", "61");
    assert!(shows(&h, "will record: aPTT 61 s"));
    click(&mut h, "Add event");
    let d = doc(&h);
    let x = anticoag_planner::model::ClinicalTime::constant(2019, 1, 12, 9, 30).hours_since(d.case.case_start);
    let points = super::plots::lab_points(d, anticoag_planner::model::LabKind::Aptt);
    assert_eq!(
        points.last().copied(),
        Some([x, 61.0]),
        "the new aPTT is the last plotted point"
    );
    assert!(
        h.query_by_label("As of 2019-01-12T09:30").is_some(),
        "the analysis moved to the new result"
    );
    assert!(shows(&h, "aPTT 61 s"), "the row is in the labs table");

    // A hard-limit value is refused at the form, with the allowed range.
    type_into(&mut h, "Value", "5000");
    assert!(shows(&h, "accepted range"));
    let before = doc(&h).case.events.len();
    click(&mut h, "Add event");
    assert_eq!(doc(&h).case.events.len(), before, "a refused row is not recorded");
}

#[test]
fn the_bypass_view_shows_resistance_with_the_dose_response() {
    let mut h = harness();
    h.run();
    open_demo(&mut h, "Teaching: bypass heparin resistance");
    click(&mut h, "Bypass");
    assert!(shows(&h, "Heparin resistance on bypass (R4)"), "HR finding");
    assert!(shows(&h, "Heparin dose-response (Bull)"), "dose-response plot");
    assert!(shows(&h, "Pre-bypass summary"));
    assert!(shows(&h, "Advice: Supplement antithrombin"), "AT advice for R4");
}

#[test]
fn dosing_tools_compute_antithrombin_and_highlight_the_current_rows() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    click(&mut h, "Dosing tools");
    // Latest AT 63%, protocol target 100%, 90.9 kg, recovery 1.4: (100 − 63) × 90.9 ÷ 1.4 = 2,402 units.
    assert!(shows(&h, "÷ 1.4 = 2,402 units"), "formula with the patient's values");
    type_into(&mut h, "Target (%)", "80");
    // (80 − 63) × 90.9 ÷ 1.4 = 1,104 units.
    assert!(shows(&h, "÷ 1.4 = 1,104 units"), "target is selectable");
    assert!(shows(&h, "▶"), "a table row is highlighted for the latest result");
    assert!(shows(&h, "HIT 4Ts score"));
}

#[test]
fn unsaved_edits_are_asked_about_before_another_case_replaces_them() {
    let mut h = harness();
    h.run();
    click(&mut h, "Patient");
    type_into(&mut h, "Weight (kg)", "88");
    open_demo(&mut h, "Teaching: pseudo-resistance");
    assert!(shows(&h, "Unsaved changes"), "the question is asked");
    click(&mut h, "Keep editing");
    assert_eq!(doc(&h).case.patient.weight.kg.value(), 88.0, "the edit is still there");
    open_demo(&mut h, "Teaching: pseudo-resistance");
    click(&mut h, "Discard changes");
    assert!(
        doc(&h).case.title.to_lowercase().contains("pseudo"),
        "{}",
        doc(&h).case.title
    );
}

#[test]
fn save_as_open_and_a_broken_file_leaves_the_case_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("saved.ron");
    let mut h = harness();
    h.run();
    click(&mut h, "Save as…");
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    click(&mut h, "Save to this file");
    assert!(path.exists(), "{:?}", h.state().status);
    assert!(!doc(&h).dirty);

    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(version: 1, title: \"x\",").expect("write");
    let title_before = doc(&h).case.title.clone();
    click(&mut h, "Open…");
    h.get_by_label("File path")
        .set_text_value_accesskit(&broken.display().to_string());
    h.run();
    click(&mut h, "Open this file");
    let status = h.state().status.clone().unwrap_or_default();
    assert!(
        status.starts_with("Not opened:") && status.contains("broken.ron:"),
        "{status}"
    );
    assert_eq!(doc(&h).case.title, title_before, "the open case is untouched");

    click(&mut h, "Open…");
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    click(&mut h, "Open this file");
    assert_eq!(doc(&h).path.as_deref(), Some(path.as_path()));
    assert_eq!(
        h.state().prefs.recent_files.first(),
        Some(&path),
        "remembered as recent"
    );
}

#[test]
fn unsaved_work_is_recovered_after_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recovery = dir.path().to_path_buf();
    let app = PlannerApp::with_preferences(super::Preferences::default(), Some(recovery.clone()));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(super::theme::install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    h.run();
    click(&mut h, "Patient");
    type_into(&mut h, "Weight (kg)", "77");
    assert!(recovery.join("recovery.ron").exists(), "autosaved");
    // The process dies here: the harness is dropped without saving.
    drop(h);

    let app = PlannerApp::with_preferences(super::Preferences::default(), Some(recovery.clone()));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(super::theme::install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    h.run();
    assert!(shows(&h, "Recover unsaved work?"));
    click(&mut h, "Recover");
    assert_eq!(
        doc(&h).case.patient.weight.kg.value(),
        77.0,
        "the unsaved weight is back"
    );
    assert!(doc(&h).dirty, "still unsaved until the user saves");
}

#[test]
fn every_view_renders_a_month_long_course() {
    let mut app = PlannerApp::new();
    app.open_generated(
        anticoag_planner::analysis::generate::ecmo_course(30),
        super::CentralView::Algorithm,
    );
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(super::theme::install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    h.run();
    for (_, label) in super::CentralView::ALL {
        click(&mut h, label);
        assert!(h.state().status.is_none(), "{label}: {:?}", h.state().status);
    }
    let d = doc(&h);
    assert_eq!(
        super::plots::lab_points(d, anticoag_planner::model::LabKind::AntiXa).len(),
        d.prepared.timeline.labs.anti_xa.all().len(),
        "every anti-Xa of the month is in the plot data"
    );
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

#[test]
fn every_screen_of_every_demo_case_follows_the_display_conventions() {
    let mut h = harness();
    h.run();
    for (label, _, _) in super::DEMO_CASES {
        open_demo(&mut h, label);
        for (_, view) in super::CentralView::ALL {
            click(&mut h, view);
            let text = screen_text(&h);
            assert!(text.len() > 200, "{label} / {view}: the screen has text");
            let problems = anticoag_planner::model::display_convention_problems(&text);
            assert!(problems.is_empty(), "{label} / {view}: {problems:?}");
        }
    }
}

#[test]
fn malformed_patient_fields_are_refused_at_the_field() {
    let mut h = harness();
    h.run();
    click(&mut h, "Patient");
    // (field, its name in messages, typed text, the refusal shown beside it)
    let cases = [
        ("Weight (kg)", "weight", "abc", "✖ 'abc' is not a number"),
        ("Weight (kg)", "weight", "1,000", "contains a comma"),
        ("Weight (kg)", "weight", "-70", "is negative"),
        ("Weight (kg)", "weight", "0", "0 kg is not a weight"),
        ("Weight (kg)", "weight", "NaN", "'NaN' is not a number"),
        ("Weight (kg)", "weight", "900", "outside the accepted range 0.3–350 kg"),
        ("Weight (kg)", "weight", "", "required: type a number"),
        ("Weight measured at", "weight date", "yesterday", "✖"),
        (
            "Baseline aPTT (s)",
            "baseline aPTT",
            "5000",
            "baseline aPTT 5,000 s is outside the accepted range",
        ),
        ("Baseline aPTT (s)", "baseline aPTT", "-1", "is negative"),
        ("CrCl (mL/min)", "CrCl", "inf", "'inf' is not a number"),
        ("CrCl (mL/min)", "CrCl", "-20", "is negative"),
    ];
    let valid = doc(&h).case.patient.clone();
    for (field, key, text, expected) in cases {
        let before = h.get_by_label(field).value().unwrap_or_default();
        type_into(&mut h, field, text);
        assert!(shows(&h, expected), "{field} = '{text}': expected '{expected}'");
        assert_eq!(
            doc(&h).case.patient,
            valid,
            "{field} = '{text}' must not reach the engine"
        );
        click(&mut h, "Save");
        let status = h.state().status.clone().unwrap_or_default();
        assert!(
            status.starts_with(&format!("Save refused: fix the marked patient field first ({key}:")),
            "{field} = '{text}': {status}"
        );
        // Put the valid value back before the next row.
        type_into(&mut h, field, &before);
        assert!(!shows(&h, "Not applied"), "{field}: restored");
    }
}

#[test]
fn editing_a_row_replaces_that_event_even_after_another_row_is_deleted() {
    let mut h = harness();
    h.run();
    click(&mut h, "Timeline");
    let before = doc(&h).case.events.len();
    // Edit the newest lab (the first "Edit" button), then delete another row before updating.
    h.get_all_by_label("Edit").next().expect("an Edit button").click();
    h.run();
    let editing = doc(&h).entry_form.editing.clone().expect("a row is being edited");
    // The second-newest lab: deleting it moves the edited (newest) lab's index.
    h.get_all_by_label("Delete").nth(1).expect("a Delete button").click();
    h.run();
    type_into(&mut h, "Value", "65");
    click(&mut h, "Update event");
    let d = doc(&h);
    assert_eq!(d.case.events.len(), before - 1, "one deleted, one replaced");
    assert!(!d.case.events.contains(&editing), "the edited event is gone");
    assert!(
        d.case.events.iter().any(|e| {
            let (kind, value, _) = anticoag_planner::io::event_fields(e.kind);
            e.time == editing.time && kind == anticoag_planner::io::event_fields(editing.kind).0 && value == 65.0
        }),
        "its replacement is at the same time: {:?}",
        d.case
            .events
            .iter()
            .filter(|e| e.time == editing.time)
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_4ts_scorer_and_the_patient_panel_agree() {
    let mut h = harness();
    h.run();
    click(&mut h, "Dosing tools");
    h.get_by_label("Thrombosis or other sequelae (your score)")
        .scroll_to_me();
    h.run();
    h.get_all_by_label("2").next().expect("a 4Ts radio").click();
    h.run();
    assert_eq!(doc(&h).case.patient.hit_thrombosis.points(), 2, "scored in the tool");
    click(&mut h, "Patient");
    // An unrelated edit in the panel must not undo the score.
    type_into(&mut h, "Weight (kg)", "91");
    assert_eq!(doc(&h).case.patient.hit_thrombosis.points(), 2);
    assert_eq!(doc(&h).case.patient.weight.kg.value(), 91.0);
}

/// Plot decimation keeps the shape a clinician reads (every extreme, time order) and bounds the points.
#[test]
fn plot_decimation_keeps_extremes_and_bounds_the_points() {
    use super::plots::decimate_min_max;
    // 90 days of q2h values with one deep dip and one spike.
    let mut points: Vec<[f64; 2]> = (0..1080)
        .map(|i| [f64::from(i) * 2.0, 60.0 + f64::from(i % 7)])
        .collect();
    points[500][1] = 12.0;
    points[777][1] = 190.0;
    let shown = decimate_min_max(&points, 100);
    assert!(shown.len() <= 200, "{} points", shown.len());
    assert!(
        shown.contains(&[1000.0, 12.0]) && shown.contains(&[1554.0, 190.0]),
        "extremes kept"
    );
    assert!(shown.windows(2).all(|w| w[0][0] < w[1][0]), "time order kept");
    assert_eq!(shown.first(), points.first());
    // Short series are drawn as they are.
    assert_eq!(decimate_min_max(&points[..150], 100), points[..150].to_vec());
    assert!(decimate_min_max(&[], 100).is_empty());
}
