//! Entry at the bedside (issue 13): a paired draw in one row and one Enter, all or nothing; a heparin
//! rate typed in mL/h; the kind picker's type-ahead; the flowsheet's flags; what is overdue by the clock.

use anticoag_planner::model::{ClinicalTime, EventKind, HeparinRate};

use super::*;

/// The demo's last event is 2019-01-12T08:00; twenty minutes later.
const NOW: ClinicalTime = ClinicalTime::constant(2019, 1, 12, 8, 20);

fn at_the_timeline() -> Harness<'static, PlannerApp> {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "Timeline");
    h
}

#[test]
fn a_paired_draw_is_one_row_and_one_enter() {
    let mut h = at_the_timeline();
    let before = doc(&h).case().events.len();
    // The clock alone: its most recent past occurrence (today 08:10).
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "61");
    type_into(&mut h, "anti-Xa (units/mL)", "0.35");
    h.key_press(egui::Key::Enter);
    h.run();
    let d = doc(&h);
    assert_eq!(d.case().events.len(), before + 2, "both results added by one Enter");
    let at = ClinicalTime::constant(2019, 1, 12, 8, 10);
    let added: Vec<EventKind> = d
        .case()
        .events
        .iter()
        .filter(|e| e.time == at)
        .map(|e| e.kind)
        .collect();
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(
        added
            .iter()
            .any(|k| matches!(k, EventKind::Aptt(s) if s.value() == 61.0))
    );
    assert!(
        added
            .iter()
            .any(|k| matches!(k, EventKind::AntiXa(x) if x.value() == 0.35))
    );
    assert!(
        shows(&h, "As of 12 Jan 2019 08:10"),
        "the analysis moved to the new draw"
    );
    assert!(shows(&h, "draw added: 2 result(s)"));
    // The row is cleared for the next draw, the time too (issue 28).
    assert_eq!(h.get_by_label("aPTT (s)").value().as_deref(), Some(""));
}

#[test]
fn one_bad_field_adds_nothing_and_is_named() {
    let mut h = at_the_timeline();
    let before = doc(&h).case().events.len();
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "61");
    type_into(&mut h, "anti-Xa (units/mL)", "0,35");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        doc(&h).case().events.len(),
        before,
        "nothing added, not even the good aPTT"
    );
    assert!(shows(&h, "not added: anti-Xa"), "the refused field is named");
    // A time in the future is refused the same way, by name.
    type_into(&mut h, "Draw time", "2019-01-12T09:00");
    type_into(&mut h, "anti-Xa (units/mL)", "0.35");
    click(&mut h, "Add draw (Enter)");
    assert_eq!(doc(&h).case().events.len(), before);
    assert!(shows(&h, "not added: time"), "{}", screen_text(&h));
}

/// Opens the kind picker and types into its filter.
fn find_kind(h: &mut Harness<'static, PlannerApp>, typed: &str) {
    click(h, "Kind");
    type_into(h, "Find a kind", typed);
}

#[test]
fn the_kind_picker_groups_labs_and_doses_and_filters_as_you_type() {
    let mut h = at_the_timeline();
    click(&mut h, "Kind");
    let exactly = |h: &Harness<'static, PlannerApp>, label: &str| h.query_by_label(label).is_some();
    assert!(exactly(&h, "Labs") && exactly(&h, "Doses"), "grouped");
    assert!(exactly(&h, "heparin bolus"));
    type_into(&mut h, "Find a kind", "bival");
    assert!(exactly(&h, "bivalirudin infusion rate"));
    assert!(!exactly(&h, "heparin bolus"), "filtered out");
    assert!(!exactly(&h, "Labs"), "no lab matches 'bival'");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        !shows(&h, "Find a kind"),
        "Enter picked the first match and closed the list"
    );
    assert!(screen_text(&h).contains("mg/kg/h"), "the unit follows the kind");
}

#[test]
fn a_heparin_rate_in_ml_per_hour_is_converted_at_the_protocol_bag() {
    let mut h = at_the_timeline();
    find_kind(&mut h, "heparin inf");
    h.key_press(egui::Key::Enter);
    h.run();
    click(&mut h, "Unit");
    click(&mut h, "mL/h");
    type_into(&mut h, "Event time", "2019-01-12T08:15");
    type_into(&mut h, "Value", "10");
    let bag = doc(&h).protocol().ufh.concentration_units_per_ml.value.value();
    let units_h = 10.0 * bag;
    // All three forms are shown before anything is recorded.
    assert!(shows(&h, "10 mL/h at"), "{}", screen_text(&h));
    assert!(shows(&h, "units/kg/h ="));
    h.key_press(egui::Key::Enter);
    h.run();
    let d = doc(&h);
    let event = d
        .case()
        .events
        .iter()
        .find(|e| e.time == ClinicalTime::constant(2019, 1, 12, 8, 15))
        .expect("the rate was recorded by Enter");
    assert_eq!(
        event.kind,
        EventKind::UfhInfusion(HeparinRate::UnitsPerHour(
            anticoag_planner::model::UnitsPerHour::new(units_h).expect("a rate")
        ))
    );
    let note = event.note.as_deref().unwrap_or_default();
    assert!(
        note.starts_with("entered as 10 mL/h at "),
        "the bag is recorded with the event: {note}"
    );
    // Issue 23: kept as typed, with the bag, for §14.4's "14 mL/h stays 14 mL/h".
    let entered = event.entered_as.expect("the rate as typed");
    assert_eq!(entered.ml_per_h.value(), 10.0);
    assert_eq!(entered.concentration_units_per_ml.value(), bag);
}

#[test]
fn the_flowsheet_flags_by_symbol_against_the_running_drug_and_the_thresholds() {
    let mut h = at_the_timeline();
    // On argatroban (target 43.5–87 s): an aPTT of 30 s is low; platelets 40 are below 50.
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "30");
    type_into(&mut h, "Platelets (× 10⁹/L)", "40");
    type_into(&mut h, "Fibrinogen (g/L)", "2.5");
    h.key_press(egui::Key::Enter);
    h.run();
    click(&mut h, "Flowsheet");
    assert!(shows(&h, "Draw time") && shows(&h, "units/mL"), "the columns");
    assert!(h.query_by_label("▼ 30").is_some(), "{}", screen_text(&h));
    assert!(h.query_by_label("▼ 40").is_some());
    assert!(h.query_by_label("2.5").is_some(), "a normal fibrinogen is not flagged");
    assert!(h.query_by_label("▼ 2.5").is_none());
    assert!(
        shows(&h, "08:10"),
        "the newest draw is the first row, its time as people read it"
    );
}

#[test]
fn the_card_says_what_is_overdue_against_a_fixed_clock() {
    // The demo's plan: aPTT due 2019-01-13T08:00.
    let mut h = harness_at(ClinicalTime::constant(2019, 1, 13, 10, 30));
    h.run();
    assert!(shows(&h, "Overdue now: aPTT (2 h 30 min late)"), "{}", screen_text(&h));
    assert!(shows(&h, "OVERDUE by 2 h 30 min: aPTT"));
    // Before it is due: due next, nothing overdue.
    let mut h = harness_at(ClinicalTime::constant(2019, 1, 12, 9, 0));
    h.run();
    assert!(shows(&h, "due in 23 h: aPTT"));
    assert!(!shows(&h, "Overdue now"));
    // The replay keeps its own time.
    click(&mut h, "Previous event");
    assert!(shows(&h, "Due times from the replay time"));
    // Two days after the last event the case is not compared with the clock.
    let mut h = harness_at(ClinicalTime::constant(2019, 1, 15, 9, 0));
    h.run();
    assert!(!shows(&h, "Overdue now"));
    assert!(shows(&h, "not overdue against the clock"));
}

/// Issue 16: "<0.1" in the draw's anti-Xa field records a result below the assay's limit; the timeline
/// and the flowsheet say "<0.1", never 0.1; "<" on another lab is refused with the reason.
#[test]
fn an_anti_xa_below_the_assay_limit_is_recorded_as_such() {
    let mut h = at_the_timeline();
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "anti-Xa (units/mL)", "<0.1");
    h.key_press(egui::Key::Enter);
    h.run();
    let at = ClinicalTime::constant(2019, 1, 12, 8, 10);
    assert!(
        doc(&h)
            .case()
            .events
            .iter()
            .any(|e| e.time == at && matches!(e.kind, EventKind::AntiXaBelow(x) if x.value() == 0.1)),
        "{}",
        screen_text(&h)
    );
    assert!(
        shows(&h, "anti-Xa <0.1 units/mL (below the assay's limit)"),
        "the timeline row"
    );
    click(&mut h, "Flowsheet");
    assert!(shows(&h, "<0.1"), "{}", screen_text(&h));
    click(&mut h, "Timeline");
    type_into(&mut h, "Draw time", "08:15");
    type_into(&mut h, "aPTT (s)", "<30");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(shows(&h, "for anti_xa in units/mL only"), "{}", screen_text(&h));
}

/// A draw's soft warnings are said when it is added (issue 21: the draw is checked against the
/// protocol's limits once, when it is parsed; its warnings were dropped).
#[test]
fn a_draw_above_a_soft_limit_is_added_with_its_warning() {
    let mut h = at_the_timeline();
    let before = doc(&h).case().events.len();
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "160");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(doc(&h).case().events.len(), before + 1, "a soft limit adds the result");
    let status = h.state().status().unwrap_or_default().to_owned();
    assert!(status.starts_with("draw added: 1 result(s)"), "{status}");
    assert!(
        status.contains("aPTT 160 s is above 150 s"),
        "the warning is said with it: {status}"
    );
    assert_eq!(
        h.state().status_kind(),
        Some(anticoag_planner::app::StatusKind::Warning)
    );
}
