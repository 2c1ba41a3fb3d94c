//! The start screen and the teaching band (issue 28): the window starts with no patient, a teaching
//! case never passes for one, and closing a case goes back to the start.

use anticoag_planner::model::TEACHING_BAND;

use super::*;

#[test]
fn the_window_starts_on_the_start_screen_with_no_case_open() {
    let mut h = harness_of(PlannerApp::new());
    h.run();
    assert!(h.state().document().is_none(), "no patient is opened for the user");
    for label in ["New patient…", "Open a case file…", "Recent", "Teaching cases"] {
        assert!(shows(&h, label), "the start screen offers {label}");
    }
    assert!(shows(&h, "No recent files on this workstation"));
    assert!(!shows(&h, "Continue"), "no advice without a case");
    assert_eq!(h.state().title(), "anticoag-planner");
    // Every bundled case is a teaching case and is offered here.
    for (label, _, _) in DEMO_CASES {
        assert!(shows(&h, label), "{label} on the start screen");
    }
}

#[test]
fn a_teaching_case_carries_its_band_on_the_card_the_title_and_a_copy() {
    let mut h = harness_of(PlannerApp::new());
    h.run();
    click(&mut h, "Teaching: suspected HIT");
    let d = doc(&h);
    assert!(d.case().teaching);
    assert!(
        h.query_all_by_label(TEACHING_BAND).next().is_some(),
        "the band on the card: {}",
        screen_text(&h)
    );
    assert!(
        h.state()
            .title()
            .starts_with(&format!("anticoag-planner — {TEACHING_BAND} · ")),
        "{}",
        h.state().title()
    );
    let plan = anticoag_planner::app::views::plan::copied_plan(d.analysis(), &d.patient_line());
    assert!(
        plan.contains(&format!("Patient: {TEACHING_BAND} · HIT: platelets fall")),
        "{plan}"
    );
    // Predict first hides the advice, never the band.
    h.get_by_label("Predict first").click();
    h.run();
    assert!(h.query_all_by_label(TEACHING_BAND).next().is_some());
}

#[test]
fn a_new_patient_has_no_teaching_band_and_close_case_goes_back_to_the_start() {
    let mut h = harness_of(PlannerApp::new());
    h.run();
    click(&mut h, "New patient…");
    type_into(&mut h, "Weight (kg)", "80");
    type_into(&mut h, "Case start (YYYY-MM-DDTHH:MM)", "2026-03-28T20:00");
    click(&mut h, "Create case (Enter)");
    assert!(!doc(&h).case().teaching);
    assert!(!shows(&h, TEACHING_BAND), "a patient's case is never marked teaching");
    assert!(!h.state().title().contains("TEACHING"));
    // The new case is unsaved: closing asks first; discarding goes back to the start screen.
    click(&mut h, "Close case");
    assert!(shows(&h, "Closing the case will discard them"), "{}", screen_text(&h));
    click(&mut h, "Discard changes");
    assert!(h.state().document().is_none());
    assert!(shows(&h, "New patient…"));
}

#[test]
fn a_recent_file_opens_from_the_start_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bed-4.ron");
    std::fs::copy("tests/cases/under-dosed.ron", &path).expect("copied");
    let mut prefs = Preferences::default();
    prefs.remember_recent(&path);
    let mut h = harness_of(PlannerApp::with_preferences(prefs, None));
    h.run();
    assert!(
        shows(&h, &dir.path().display().to_string()),
        "the folder beside the name"
    );
    click(&mut h, "bed-4.ron");
    assert_eq!(doc(&h).path(), Some(path.as_path()));
    click(&mut h, "Close case");
    assert!(h.state().document().is_none(), "a saved case closes without asking");
    assert!(shows(&h, "bed-4.ron"), "and stays in Recent");
}
