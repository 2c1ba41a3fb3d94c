//! Time zones in the window (issue 22): a new case is on the workstation's zone unless another is
//! chosen, the case bar names a zone that is not the workstation's, and a time a clock change skipped
//! is refused by name in the draw row.

use anticoag_planner::model::{ClinicalTime, Zone};

use super::*;

/// The workstation's clock, pinned: 2026-03-29T08:00 UTC.
const NOW: ClinicalTime = ClinicalTime::constant(2026, 3, 29, 8, 0);

#[test]
fn a_new_case_takes_the_zone_chosen_and_refuses_a_time_the_clock_skipped() {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "New…");
    assert_eq!(
        h.get_by_label("Time zone (IANA, e.g. Europe/Paris)").value().as_deref(),
        Some("UTC"),
        "the workstation's zone by default"
    );
    type_into(&mut h, "Time zone (IANA, e.g. Europe/Paris)", "Europe/Paris");
    type_into(&mut h, "Weight (kg)", "80");
    type_into(&mut h, "Case start (YYYY-MM-DDTHH:MM)", "2026-03-28T20:00");
    click(&mut h, "Create case (Enter)");
    let paris = Zone::named("Europe/Paris").unwrap();
    assert_eq!(doc(&h).case().time_zone, paris);
    assert_eq!(doc(&h).case().case_start.to_string(), "2026-03-28T20:00");
    assert!(
        shows(&h, "times in Europe/Paris (this workstation: UTC)"),
        "{}",
        screen_text(&h)
    );
    click(&mut h, "Timeline");
    let before = doc(&h).case().events.len();
    type_into(&mut h, "Draw time", "2026-03-29T02:30");
    type_into(&mut h, "aPTT (s)", "40");
    click(&mut h, "Add draw (Enter)");
    assert_eq!(doc(&h).case().events.len(), before, "nothing added");
    assert!(
        shows(
            &h,
            "02:30 on 29 Mar 2026 does not exist in Europe/Paris: clocks went from 02:00 to 03:00"
        ),
        "{}",
        screen_text(&h)
    );
    // 03:30 exists: added, at 01:30 UTC.
    type_into(&mut h, "Draw time", "2026-03-29T03:30");
    type_into(&mut h, "aPTT (s)", "40");
    click(&mut h, "Add draw (Enter)");
    assert_eq!(doc(&h).case().events.len(), before + 1);
    let added = doc(&h).case().events.last().map(|e| e.time).unwrap();
    assert_eq!(added, ClinicalTime::constant(2026, 3, 29, 1, 30));
}

#[test]
fn an_unknown_zone_is_refused_in_the_new_case_dialog() {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "New…");
    type_into(&mut h, "Time zone (IANA, e.g. Europe/Paris)", "Paris");
    type_into(&mut h, "Weight (kg)", "80");
    click(&mut h, "Create case (Enter)");
    assert!(shows(&h, "time zone: unknown time zone 'Paris'"), "{}", screen_text(&h));
}

/// Found in review: "Now" filled in the workstation's wall clock, read as the case's (hours off), and the
/// entry stamps were written on the workstation's clock, which the file then refused to reopen.
#[test]
fn now_is_the_case_clock_and_a_saved_case_reopens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("paris.ron");
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "New…");
    type_into(&mut h, "Time zone (IANA, e.g. Europe/Paris)", "Europe/Paris");
    // The untouched start follows the zone: now on the Paris clock (08:00 UTC is 10:00 in Paris).
    assert_eq!(
        h.get_by_label("Case start (YYYY-MM-DDTHH:MM)").value().as_deref(),
        Some("2026-03-29T10:00")
    );
    type_into(&mut h, "Case start (YYYY-MM-DDTHH:MM)", "2026-03-29T06:00");
    type_into(&mut h, "Weight (kg)", "80");
    click(&mut h, "Create case (Enter)");
    click(&mut h, "Timeline");
    // The draw row's Now is the first "Now" on the screen.
    h.query_all_by_label("Now").next().expect("a Now button").click();
    h.run();
    assert_eq!(h.get_by_label("Draw time").value().as_deref(), Some("2026-03-29T10:00"));
    type_into(&mut h, "aPTT (s)", "40");
    click(&mut h, "Add draw (Enter)");
    let added = doc(&h).case().events.last().map(|e| e.time).expect("added");
    assert_eq!(added, NOW, "the draw is now, not two hours off");
    // Saved (with its entry stamp) and opened again.
    click(&mut h, "Save as…");
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(path.exists(), "saved");
    let again = anticoag_planner::io::load_case(&path, Zone::UTC).expect("the saved case reopens");
    assert_eq!(again.case.events.last().map(|e| e.time), Some(NOW));
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("\"2026-03-29T10:00+02:00\""), "{text}");
}

/// Issue 23: a fact changed during the course is recorded from now in the Patient view, read by the
/// advice from then on, and listed in the facts' history.
#[test]
fn a_fact_is_recorded_from_now_in_the_patient_view() {
    // The demo's last event is 2019-01-12T08:00; twenty minutes later.
    let now = ClinicalTime::constant(2019, 1, 12, 8, 20);
    // Tall enough for the whole Patient view (a click lands only on what is on screen).
    let mut app = demo_app();
    app.set_clock(anticoag_planner::app::Clock::Fixed(now));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 2000.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    h.run();
    click(&mut h, "Patient");
    assert!(shows(&h, "none: the values at the case start hold throughout"));
    click(&mut h, "Record renal replacement therapy from now");
    let last = doc(&h).case().events.last().cloned().expect("recorded");
    assert_eq!(last.time, now);
    assert_eq!(
        last.kind,
        anticoag_planner::model::EventKind::RrtFrom(anticoag_planner::model::RrtWord::Crrt)
    );
    assert!(
        shows(&h, "renal replacement therapy: crrt from then on"),
        "{}",
        screen_text(&h)
    );
    assert_eq!(
        doc(&h).analysis().patient.facts.rrt.value,
        anticoag_planner::model::Rrt::Crrt,
        "the advice at the new time reads it"
    );
    // A CrCl that is not a number is refused by name, nothing recorded.
    let before = doc(&h).case().events.len();
    type_into(&mut h, "New CrCl", "abc");
    click(&mut h, "Record creatinine clearance from now");
    assert_eq!(doc(&h).case().events.len(), before);
    assert!(shows(&h, "Not recorded: creatinine clearance"), "{}", screen_text(&h));
}

/// Issue 23 (case format 7): the setting is recorded from now in the Patient view; the advice from then on
/// follows that setting's protocol (the catalogue's default, said), and the Patient view names it.
#[test]
fn a_setting_recorded_from_now_changes_the_protocol_in_effect() {
    let now = ClinicalTime::constant(2019, 1, 12, 8, 20);
    let mut app = demo_app();
    app.set_clock(anticoag_planner::app::Clock::Fixed(now));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 2000.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    h.run();
    click(&mut h, "Patient");
    assert!(
        shows(&h, "VV-ECMO (protocol adult-ecmo) (from the case start)"),
        "{}",
        screen_text(&h)
    );
    assert_eq!(doc(&h).protocol().name, "adult-ecmo");
    // The form offers bypass first: an ECMO patient going to theatre.
    click(&mut h, "Record setting from now");
    let last = doc(&h).case().events.last().cloned().expect("recorded");
    assert_eq!(
        (last.time, last.kind),
        (
            now,
            anticoag_planner::model::EventKind::SettingFrom(anticoag_planner::model::Setting::Cpb)
        )
    );
    assert_eq!(doc(&h).protocol().name, "adult-cpb", "the bypass protocol from now on");
    assert!(doc(&h).analysis().cpb.is_some(), "the perfusionist's branch");
    assert!(
        doc(&h)
            .analysis()
            .warnings
            .iter()
            .any(|w| w.contains("the catalogue's default for it, adult-cpb, is used")),
        "{:?}",
        doc(&h).analysis().warnings
    );
    assert!(
        shows(&h, "cardiopulmonary bypass (protocol adult-cpb) since"),
        "{}",
        screen_text(&h)
    );
    // Undone, the case is on ECMO again with its own protocol.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(doc(&h).protocol().name, "adult-ecmo");
}
