//! Nothing on screen can mislead (issue 12): a half-typed value pauses the advice, a future time is
//! refused, one target per drug, the danger above the action, the clipboard text.

use super::*;
use anticoag_planner::app::{Clock, StatusKind};
use anticoag_planner::model::ClinicalTime;
use anticoag_planner::present::chart::ChartData;

/// The top edge of the first widget whose label contains `text`.
fn top_of(h: &Harness<'static, PlannerApp>, text: &str) -> f32 {
    h.query_all_by_label_contains(text)
        .next()
        .unwrap_or_else(|| panic!("nothing shows '{text}'"))
        .rect()
        .min
        .y
}

#[test]
fn a_half_typed_weight_pauses_the_advice_and_nothing_is_computed_from_it() {
    let mut h = harness();
    h.run();
    assert!(shows(&h, "argatroban 0.5 mcg/kg/min = 2.73 mL/h"), "the advice before");
    assert!(
        shows(&h, "Weight 90.9 kg · heparin dosing weight 90.9 kg"),
        "the weights on the card"
    );
    click(&mut h, "Patient");
    type_into(&mut h, "Weight (kg)", "8,2");
    assert!(shows(&h, "ADVICE PAUSED: weight invalid"), "the paused banner");
    assert!(shows(&h, "Advice paused"), "the card's header says so");
    assert!(!shows(&h, "2.73 mL/h"), "no dose anywhere on the card while paused");
    assert_eq!(
        doc(&h).case().patient.weight.kg.value(),
        90.9,
        "the engine never saw 8,2"
    );

    // A valid number not yet applied (the user is still typing 82): no pause, nothing computed from it.
    type_into(&mut h, "Weight (kg)", "8");
    assert!(!shows(&h, "ADVICE PAUSED"));
    assert_eq!(
        doc(&h).case().patient.weight.kg.value(),
        90.9,
        "not applied before Enter"
    );

    commit_into(&mut h, "Weight (kg)", "82");
    assert_eq!(doc(&h).case().patient.weight.kg.value(), 82.0, "applied with Enter");
    assert!(shows(&h, "Weight 82 kg · heparin dosing weight 82 kg"));
    assert!(
        shows(&h, "argatroban 0.5 mcg/kg/min = 2.46 mL/h"),
        "the advice on the new weight"
    );
}

#[test]
fn the_entry_form_refuses_a_time_in_the_future() {
    let mut app = demo_app();
    // The last event of the demo is 2019-01-12T08:00; "now" is twenty minutes later.
    app.set_clock(Clock::Fixed(ClinicalTime::constant(2019, 1, 12, 8, 20)));
    let mut h = harness_of(app);
    h.run();
    click(&mut h, "Timeline");
    type_into(&mut h, "Event time", "2019-01-12T12:00");
    type_into(&mut h, "Value", "61");
    assert!(
        shows(&h, "2019-01-12T12:00 is in the future (now is 2019-01-12T08:20"),
        "the CSV import's message"
    );
    let before = doc(&h).case().events.len();
    click(&mut h, "Add event");
    assert_eq!(doc(&h).case().events.len(), before, "not recorded");
    assert!(
        h.query_by_label("As of 12 Jan 2019 12:00").is_none(),
        "the analysis did not jump ahead"
    );
    // Within the tolerance of a few minutes (an analyser's clock slightly ahead): accepted.
    type_into(&mut h, "Event time", "2019-01-12T08:24");
    assert!(shows(&h, "will record: aPTT 61 s"));
}

#[test]
fn on_argatroban_the_card_the_plot_band_and_the_tools_show_the_argatroban_target() {
    let mut h = harness();
    h.run();
    // The demo ends on argatroban: target 1.5–3 × the baseline 29 s.
    assert!(shows(&h, "Target: aPTT 43.5–87 s"), "the card's target");
    let d = doc(&h);
    let data = ChartData::gather(d.case(), d.prepared(), d.protocol(), d.as_of());
    let last = data.aptt_bands.last().expect("a band");
    assert_eq!((last.drug, last.low_s, last.high_s), ("argatroban", 43.5, 87.0));
    let heparin = data.aptt_bands.first().expect("the heparin band first");
    assert_eq!(heparin.drug, "unfractionated heparin");
    assert!(heparin.to_h <= last.from_h, "the bands do not overlap");
    click(&mut h, "Dosing tools");
    assert!(shows(&h, "Active anticoagulant at 12 Jan 2019 08:00: argatroban"));
    let highlighted: Vec<String> = h
        .query_all_by_label_contains("▶")
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect();
    assert!(!highlighted.is_empty(), "the argatroban row is highlighted");
    assert!(
        highlighted.iter().all(|l| !l.contains('%')),
        "no bivalirudin row (changes in %) is highlighted: {highlighted:?}"
    );
}

#[test]
fn the_danger_stands_above_the_action() {
    let mut h = harness();
    h.run();
    open_demo(&mut h, "Teaching: suspected HIT");
    assert!(
        shows(&h, "DANGER: HIT suspected (4Ts 8, high probability)"),
        "the HIT banner"
    );
    let action = doc(&h).analysis().recommendation.headline();
    assert!(
        top_of(&h, "DANGER: HIT") < top_of(&h, &action),
        "the banner is above the action"
    );

    // Platelets of 18 on ECMO (clinical reference §14.3): the danger banner, call now.
    open_demo(&mut h, "CMAJ 2019: heparin resistance on VV-ECMO");
    rewind_to(&mut h, "2019-01-06T23:00");
    assert!(shows(
        &h,
        "DANGER: platelets < 25 on ECMO: call now; consider platelet transfusion (platelets 18 × 10⁹/L)"
    ));
}

#[test]
fn the_copied_plan_carries_the_patient_the_weights_and_the_banner() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    let text = anticoag_planner::app::views::plan::copied_plan(doc(&h).analysis(), &doc(&h).case().title);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("Patient: CMAJ 2019"), "{text}");
    assert!(text.contains("Weight 90.9 kg · heparin dosing weight 90.9 kg"));
    let banner = text.find("DANGER: platelets < 25 on ECMO").expect("the banner");
    assert!(
        banner < text.find("RECOMMENDATION").expect("the plan"),
        "banner before the plan"
    );
    assert!(text.contains("FINDINGS:\n  ") && text.contains("Sources:"));
    // The button is at the end of the card: scroll it into view first.
    h.get_by_label("Copy plan").scroll_to_me();
    h.run();
    click(&mut h, "Copy plan");
    assert_eq!(h.state().status_kind(), Some(StatusKind::Success));
}

#[test]
fn a_weight_that_jumps_more_than_a_fifth_applies_only_once_confirmed() {
    let mut h = harness();
    h.run();
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "45");
    assert!(shows(
        &h,
        "ADVICE PAUSED: weight invalid (45 kg is 50% away from the weight in use, 90.9 kg"
    ));
    assert_eq!(
        doc(&h).case().patient.weight.kg.value(),
        90.9,
        "not applied unconfirmed"
    );
    click(&mut h, "Weight confirmed");
    assert_eq!(doc(&h).case().patient.weight.kg.value(), 45.0, "applied once confirmed");
    assert!(doc(&h).case().patient.weight_confirmed);
    assert!(!shows(&h, "ADVICE PAUSED"));
}
