//! One test per branch of the DTI titration and restart, on the shipped adult-icu protocol: 80 kg,
//! baseline aPTT 30 s, so the argatroban target is 1.5–3 × 30 = 45–90 s, bivalirudin's 1.5–2.5 × 30 =
//! 45–75 s, and the hold threshold min(3 × 30, 100) = 90 s; the titration margin is 0.2 × 30 = 6 s.
//! Pump rates: argatroban 1 mg/mL, rate × 80 kg × 60 ÷ 1000 mL/h (0.5 → 2.4); bivalirudin 0.5 mg/mL,
//! rate × 80 kg ÷ 0.5 mL/h (0.1 → 16). The aPTT is meaningful 2 h after a change (4 h for argatroban
//! with hepatic impairment).

use super::super::tests_support::{analyse, analyse_patient, aptt, argatroban, bivalirudin, case_with, h, ufh_rate};
use super::super::timeline::Timeline;
use super::super::{Action, Analysis, Detail, Due, Recommendation};
use super::*;
use crate::model::{Case, ClinicalTime, Event, EventKind, Minutes, StopReason};

const EPS: f64 = 1e-9;

fn explained(events: Vec<(i64, EventKind)>, at: ClinicalTime) -> Analysis {
    analyse(&case_with(events), at, Detail::Explained)
}

/// The case with the infusion stop at `at` recorded with `reason`.
fn stopped_for(events: Vec<(i64, EventKind)>, at: i64, reason: StopReason) -> Case {
    let mut c = case_with(events);
    let Some(e) = c
        .events
        .iter_mut()
        .find(|e| e.time == h(at) && e.kind.is_infusion_stop())
    else {
        panic!("no stop at {at} h");
    };
    *e = Event::new(e.time, e.kind)
        .with_reason(Some(reason))
        .unwrap_or_else(|e| panic!("{e}"));
    c
}

fn rate(r: &Recommendation) -> Option<f64> {
    r.rate.map(|x| x.value())
}

fn assert_close(got: Option<f64>, want: f64, what: &str) {
    let Some(v) = got else {
        panic!("{what}: none, expected {want}");
    };
    assert!((v - want).abs() < EPS, "{what}: {v}, expected {want}");
}

fn pump(r: &Recommendation) -> Option<f64> {
    r.pump_ml_per_h.map(|p| p.value())
}

/// The aPTT item of the monitoring plan: (when, why).
fn aptt_due(a: &Analysis) -> (Due, String) {
    let Some(m) = a.monitoring.iter().find(|m| m.test == "aPTT") else {
        panic!("no aPTT in {:?}", a.monitoring);
    };
    (m.due, m.reason.to_string())
}

fn says(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

// ---- titrate: no result yet, a stale result, no baseline ----

#[test]
fn no_aptt_since_the_change_measures_it_two_hours_after_the_change() {
    // The 60 s at 2 h belongs to the 0.5 rate; the change to 0.75 at 4 h has no aPTT yet.
    let a = explained(vec![(0, argatroban(0.5)), (2, aptt(60.0)), (4, argatroban(0.75))], h(5));
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Measure);
    assert_eq!(r.label, "Measure the aPTT; continue argatroban");
    assert_close(rate(r), 0.75, "the running rate continues");
    assert_close(r.rate_change.map(|c| c.value), 0.0, "no change");
    assert_close(pump(r), 3.6, "0.75 × 80 × 60 ÷ 1000");
    assert!(
        says(&r.rationale, "the aPTT is meaningful 2 h later"),
        "{:?}",
        r.rationale
    );
    assert_eq!(
        aptt_due(&a),
        (Due::At(h(6)), "2 h after the argatroban change".to_owned())
    );
}

#[test]
fn hepatic_impairment_delays_the_argatroban_recheck_to_four_hours_not_bivalirudins() {
    let c = case_with(vec![(0, argatroban(0.5)), (2, aptt(60.0)), (4, argatroban(0.75))]);
    let a = analyse_patient(&c, h(5), |p| p.hepatic_impairment = true);
    assert_eq!(
        aptt_due(&a),
        (Due::At(h(8)), "4 h after the argatroban change".to_owned())
    );
    let c = case_with(vec![(0, bivalirudin(0.1)), (2, aptt(60.0)), (4, bivalirudin(0.12))]);
    let a = analyse_patient(&c, h(5), |p| p.hepatic_impairment = true);
    assert_eq!(aptt_due(&a).0, Due::At(h(6)), "bivalirudin keeps the 2 h recheck");
}

#[test]
fn an_aptt_older_than_24_h_is_measured_now() {
    let events = || vec![(0, argatroban(0.5)), (3, aptt(60.0))];
    let a = explained(events(), h(28));
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Measure);
    assert_eq!(r.label, "Measure the aPTT; continue argatroban");
    assert_close(rate(r), 0.5, "the running rate continues");
    assert!(says(&r.rationale, "is older than 24 h"), "{:?}", r.rationale);
    assert_eq!(aptt_due(&a), (Due::Now, "stale".to_owned()));
    // 24 h old is still usable: in target.
    assert_eq!(explained(events(), h(27)).recommendation.action, Action::Continue);
}

#[test]
fn without_a_baseline_the_target_needs_data_and_95_s_is_not_held() {
    // With a baseline of 30 s, 95 s would be a hold; without one only > 100 s is acted on.
    let c = case_with(vec![(0, argatroban(0.5)), (3, aptt(95.0))]);
    let a = analyse_patient(&c, h(3), |p| p.baseline_aptt = None);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Measure);
    assert_eq!(r.label, "Enter the baseline aPTT; continue argatroban");
    assert_close(rate(r), 0.5, "the running rate continues");
    assert!(
        says(&r.rationale, "a multiple of the baseline aPTT, which is not entered"),
        "{:?}",
        r.rationale
    );
    assert!(
        a.monitoring
            .iter()
            .any(|m| m.test == "aPTT (baseline value: enter it)" && m.due == Due::Now),
        "{:?}",
        a.monitoring
    );
}

#[test]
fn without_a_baseline_an_aptt_above_100_s_still_stops_argatroban() {
    let c = case_with(vec![(0, argatroban(0.5)), (3, aptt(105.0))]);
    let a = analyse_patient(&c, h(3), |p| p.baseline_aptt = None);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Stop argatroban and call");
    assert!(r.call_senior && r.rate.is_none() && r.hold_minutes.is_none());
    assert!(
        r.rationale[0].contains("(no baseline aPTT: the absolute limit still applies)"),
        "{:?}",
        r.rationale
    );
    assert!(
        says(&r.rationale, "restart at 50% of the rate: 0.25 mcg/kg/min = 1.2 mL/h"),
        "{:?}",
        r.rationale
    );
    assert_eq!(r.after_hold.as_deref(), Some("aPTT in 2 h decides the restart"));
    assert_eq!(aptt_due(&a).0, Due::At(h(5)));
}

#[test]
fn without_a_baseline_a_bivalirudin_stop_gives_no_restart_rate() {
    let c = case_with(vec![(0, bivalirudin(0.1)), (3, aptt(105.0))]);
    let r = &analyse_patient(&c, h(3), |p| p.baseline_aptt = None).recommendation;
    assert_eq!(
        (r.action, r.label.as_str()),
        (Action::HoldAnticoagulant, "Stop bivalirudin and call")
    );
    assert!(r.call_senior);
    assert!(!says(&r.rationale, "restart at"), "{:?}", r.rationale);
}

// ---- titrate: before steady state ----

#[test]
fn an_early_aptt_that_is_not_high_is_repeated_at_steady_state() {
    // 40 s at 1 h would be +0.1 at steady state (45 − 40 ≤ 6 s); this early it changes nothing.
    let a = explained(vec![(0, argatroban(0.5)), (1, aptt(40.0))], h(1));
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Measure);
    assert_eq!(r.label, "Repeat the aPTT at steady state; continue argatroban");
    assert_close(rate(r), 0.5, "rate unchanged");
    assert_close(r.rate_change.map(|c| c.value), 0.0, "no change");
    assert!(says(&r.rationale, "not at steady state"), "{:?}", r.rationale);
    assert_eq!(
        aptt_due(&a),
        (Due::At(h(2)), "steady state after the change".to_owned())
    );
}

#[test]
fn an_early_high_aptt_is_acted_on_at_once() {
    // 95 s > 90 s at 1 h: hold 30 min, then 0.5 − 0.25 = 0.25 (= 1.2 mL/h).
    let a = explained(vec![(0, argatroban(0.5)), (1, aptt(95.0))], h(1));
    let r = &a.recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Hold argatroban");
    assert_eq!(r.hold_minutes.map(Minutes::value), Some(30.0));
    assert_close(rate(r), 0.25, "restart rate after the hold");
    assert_close(pump(r), 1.2, "pump");
    assert!(!r.call_senior);
    assert_eq!(
        aptt_due(&a),
        (Due::At(h(1).plus_minutes(150)), "2 h after the change".to_owned())
    );
}

#[test]
fn an_early_bivalirudin_aptt_above_the_target_is_acted_on_below_the_hold_threshold() {
    // 80 s > 75 s (target) but ≤ 90 s (hold): −20%, 0.1 → 0.08 mg/kg/h = 12.8 mL/h, no hold.
    let r = &explained(vec![(0, bivalirudin(0.1)), (1, aptt(80.0))], h(1)).recommendation;
    assert_eq!(r.action, Action::AdjustBivalirudin);
    assert_close(rate(r), 0.08, "−20%");
    assert_close(r.rate_change.map(|c| c.value), -0.02, "change");
    assert_close(pump(r), 12.8, "pump");
    assert_eq!(r.hold_minutes, None);
}

#[test]
fn an_early_aptt_above_100_s_is_held_even_inside_a_wide_bivalirudin_target() {
    // Baseline 45 s: target 1.5–2.5 × 45 = 67.5–112.5 s, but the hold threshold is min(3 × 45, 100) =
    // 100 s. 105 s at 1 h: hold 60 min, then −40%, 0.1 → 0.06 mg/kg/h = 9.6 mL/h.
    let c = case_with(vec![(0, bivalirudin(0.1)), (1, aptt(105.0))]);
    let a = analyse_patient(&c, h(1), |p| p.baseline_aptt = crate::model::Seconds::new(45.0).ok());
    let r = &a.recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Hold bivalirudin");
    assert_eq!(r.hold_minutes.map(Minutes::value), Some(60.0));
    assert_close(rate(r), 0.06, "then −40%");
    assert_close(pump(r), 9.6, "pump");
    assert_eq!(r.target, "aPTT 67.5–112.5 s (1.5–2.5 × baseline 45 s)");
    assert_eq!(aptt_due(&a).0, Due::At(h(4)), "2 h after the 60 min hold");
}

// ---- titrate → apply: the table step ----

#[test]
fn in_target_continues_exactly_the_running_rate_with_a_daily_aptt() {
    // 0.125 is kept as is, not rounded to 0.13 (that would be a change nobody asked for).
    // Read an hour after the draw: the daily aPTT is 24 h after the sample, not after now.
    let a = explained(vec![(0, argatroban(0.125)), (3, aptt(60.0))], h(4));
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Continue);
    assert_close(rate(r), 0.125, "exactly the running rate");
    assert_close(r.rate_change.map(|c| c.value), 0.0, "no change");
    assert_close(pump(r), 0.6, "0.125 × 4.8");
    assert_eq!(r.target, "aPTT 45–90 s (1.5–3 × baseline 30 s)");
    assert!(says(&r.rationale, "continue "), "{:?}", r.rationale);
    assert_eq!(aptt_due(&a), (Due::At(h(27)), "in range: daily".to_owned()));
}

#[test]
fn far_below_the_target_argatroban_goes_up_by_the_large_step() {
    // 45 − 38 = 7 s > 6 s: +0.25 (critically ill column), 0.5 → 0.75 = 3.6 mL/h. Drawn exactly 2 h
    // after the change: at steady state.
    let a = explained(vec![(0, argatroban(0.5)), (2, aptt(38.0))], h(2));
    let r = &a.recommendation;
    assert_eq!(r.action, Action::AdjustArgatroban);
    assert_close(rate(r), 0.75, "new rate");
    assert_close(r.rate_change.map(|c| c.value), 0.25, "change");
    assert_close(pump(r), 3.6, "pump");
    assert_eq!(r.concentration, "argatroban 250 mg in 250 mL (1 mg/mL)");
    assert!(!says(&r.caveats, "bivalirudin"), "{:?}", r.caveats);
    assert_eq!(aptt_due(&a), (Due::At(h(4)), "2 h after the change".to_owned()));
}

#[test]
fn just_below_the_target_argatroban_goes_up_by_the_small_step() {
    // 45 − 42 = 3 s ≤ 6 s: +0.1, 0.5 → 0.6 = 2.88 mL/h.
    let r = &explained(vec![(0, argatroban(0.5)), (3, aptt(42.0))], h(3)).recommendation;
    assert_eq!(r.action, Action::AdjustArgatroban);
    assert_close(rate(r), 0.6, "new rate");
    assert_close(pump(r), 2.88, "pump");
}

#[test]
fn bivalirudin_below_the_target_goes_up_20_percent_with_the_unvalidated_caveat() {
    // 36 s < 45 s: +20%, 0.1 → 0.12 mg/kg/h = 19.2 mL/h.
    let r = &explained(vec![(0, bivalirudin(0.1)), (3, aptt(36.0))], h(3)).recommendation;
    assert_eq!(r.action, Action::AdjustBivalirudin);
    assert_close(rate(r), 0.12, "new rate");
    assert_close(pump(r), 19.2, "pump");
    assert_eq!(r.concentration, "bivalirudin 250 mg in 500 mL (0.5 mg/mL)");
    assert!(
        says(
            &r.caveats,
            "bivalirudin titration table: institutional example, not validated"
        ),
        "{:?}",
        r.caveats
    );
}

#[test]
fn above_100_s_argatroban_stops_and_calls_with_a_restart_at_half() {
    let events = || vec![(0, argatroban(0.5)), (3, aptt(105.0))];
    let a = explained(events(), h(3));
    let r = &a.recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Stop argatroban and call");
    assert!(r.call_senior && r.rate.is_none() && r.hold_minutes.is_none());
    assert!(
        r.rationale[0].contains("aPTT > 100 s (absolute cap)"),
        "{:?}",
        r.rationale
    );
    assert!(
        says(&r.rationale, "restart at 50% of the rate: 0.25 mcg/kg/min = 1.2 mL/h"),
        "{:?}",
        r.rationale
    );
    assert_eq!(r.after_hold.as_deref(), Some("aPTT in 2 h decides the restart"));
    assert_eq!(
        aptt_due(&a),
        (Due::At(h(5)), "2 h after the stop: decides the restart".to_owned())
    );
    // Hepatic impairment: the decisive aPTT at 4 h.
    let a = analyse_patient(&case_with(events()), h(3), |p| p.hepatic_impairment = true);
    assert_eq!(
        a.recommendation.after_hold.as_deref(),
        Some("aPTT in 4 h decides the restart")
    );
    assert_eq!(aptt_due(&a).0, Due::At(h(7)));
}

#[test]
fn a_decrease_below_the_minimum_rate_holds_and_calls() {
    // 95 s: hold 30 min, −0.25 from 0.2 would be 0 < 0.1 minimum → restart at 0.1 (0.48 mL/h), call.
    let r = &explained(vec![(0, argatroban(0.2)), (3, aptt(95.0))], h(3)).recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Hold argatroban");
    assert_eq!(r.hold_minutes.map(Minutes::value), Some(30.0));
    assert!(r.call_senior);
    assert_close(rate(r), 0.1, "the minimum rate");
    assert_close(pump(r), 0.48, "pump");
    assert!(
        says(&r.rationale, "below the minimum rate 0.1 mcg/kg/min"),
        "{:?}",
        r.rationale
    );
}

#[test]
fn a_decrease_below_the_minimum_without_a_timed_hold_is_stop_and_call() {
    // Bivalirudin 0.02 (the minimum), 80 s: −20% = 0.016 < 0.02, and this row has no timed hold.
    let r = &explained(vec![(0, bivalirudin(0.02)), (3, aptt(80.0))], h(3)).recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Stop bivalirudin and call");
    assert_eq!(r.hold_minutes, None);
    assert!(r.call_senior);
    assert_close(rate(r), 0.02, "restart at the minimum");
    assert_close(pump(r), 3.2, "pump");
}

#[test]
fn at_a_small_rate_an_argatroban_increase_is_at_most_half_the_rate() {
    // 0.2 < 0.5: +0.25 is limited to +50% = +0.1 → 0.3 (1.44 mL/h).
    let r = &explained(vec![(0, argatroban(0.2)), (3, aptt(38.0))], h(3)).recommendation;
    assert_eq!(r.action, Action::AdjustArgatroban);
    assert_close(rate(r), 0.3, "limited increase");
    assert_close(pump(r), 1.44, "pump");
    assert!(
        says(
            &r.rationale,
            "at a rate below 0.5 mcg/kg/min an increase is at most +50%"
        ),
        "{:?}",
        r.rationale
    );
    assert!(r.sources.iter().any(|s| s.contains("at most +50% of the rate")));
}

#[test]
fn argatroban_is_capped_at_the_label_maximum() {
    // 9.9 + 0.25 = 10.15 → 10 mcg/kg/min (48 mL/h). A running 9.9 is above the soft maximum: it pauses the
    // advice unless confirmed (clinical reference §14.4).
    let mut c = case_with(vec![(0, argatroban(9.9)), (3, aptt(38.0))]);
    let paused = analyse(&c, h(3), Detail::Explained);
    assert_eq!(paused.recommendation.action, Action::Measure);
    assert!(paused.advice_paused.is_some());
    c.events[0].confirmed = true;
    let r = &analyse(&c, h(3), Detail::Explained).recommendation;
    assert_eq!(r.action, Action::AdjustArgatroban);
    assert_close(rate(r), 10.0, "the maximum");
    assert_close(pump(r), 48.0, "pump");
    assert!(
        says(&r.caveats, "capped at the maximum 10 mcg/kg/min (hard limit)"),
        "{:?}",
        r.caveats
    );
    assert!(
        r.sources
            .iter()
            .any(|s| &**s == "argatroban label: maximum 10 mcg/kg/min")
    );
}

// ---- after_stop: a stop for a high aPTT ----

/// Argatroban 0.5 stopped (hold) at 3 h for 105 s: the "> 100 s" row, no timed restart.
fn stopped_above_the_cap(more: Vec<(i64, EventKind)>) -> Case {
    let mut events = vec![(0, argatroban(0.5)), (3, aptt(105.0)), (3, argatroban(0.0))];
    events.extend(more);
    stopped_for(events, 3, StopReason::Hold)
}

#[test]
fn after_a_stop_argatroban_stays_stopped_until_an_aptt_is_below_the_upper_bound() {
    for (more, at) in [(vec![], h(4)), (vec![(5, aptt(95.0))], h(5))] {
        let a = analyse(&stopped_above_the_cap(more), at, Detail::Explained);
        let r = &a.recommendation;
        assert_eq!(r.action, Action::HoldAnticoagulant, "at {at}");
        assert_eq!(r.label, "Keep argatroban stopped and call");
        assert!(r.call_senior && r.rate.is_none());
        assert!(r.rationale[0].contains("no aPTT below 90 s since"), "{:?}", r.rationale);
        assert!(
            says(&r.rationale, "restart at 50% of the rate: 0.25 mcg/kg/min = 1.2 mL/h"),
            "{:?}",
            r.rationale
        );
        assert_eq!(aptt_due(&a).0, Due::At(at.plus_minutes(120)));
    }
}

#[test]
fn after_a_stop_an_aptt_below_the_upper_bound_restarts_argatroban_at_half() {
    let a = analyse(&stopped_above_the_cap(vec![(5, aptt(80.0))]), h(5), Detail::Explained);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::AdjustArgatroban);
    assert_eq!(r.label, "Restart argatroban at 50% (no bolus)");
    assert_close(rate(r), 0.25, "50% of 0.5");
    assert_close(pump(r), 1.2, "pump");
    assert!(r.bolus_units.is_none() && !r.call_senior);
    assert_eq!(aptt_due(&a), (Due::At(h(7)), "2 h after the restart".to_owned()));
}

#[test]
fn a_bivalirudin_restart_at_half_is_rounded_to_three_decimals() {
    // No aPTT behind the hold (no table row): 50% of 0.125 = 0.0625 → 0.063 mg/kg/h (10.08 mL/h).
    let c = stopped_for(
        vec![(0, bivalirudin(0.125)), (2, bivalirudin(0.0)), (3, aptt(70.0))],
        2,
        StopReason::Hold,
    );
    let r = &analyse(&c, h(3), Detail::Explained).recommendation;
    assert_eq!(r.action, Action::AdjustBivalirudin);
    assert_eq!(r.label, "Restart bivalirudin at 50% (no bolus)");
    assert_close(rate(r), 0.063, "rounded half up to 3 decimals");
    assert_close(pump(r), 10.08, "pump");
}

// ---- after_timed_hold: a stop for a row with a timed hold ----

/// Argatroban 1.0 stopped (hold) at 3 h for 95 s: hold 30 min, then 1.0 − 0.25 = 0.75 (3.6 mL/h).
fn held_30_min(rate: f64, more: Vec<(i64, EventKind)>) -> Case {
    let mut events = vec![(0, argatroban(rate)), (3, aptt(95.0)), (3, argatroban(0.0))];
    events.extend(more);
    stopped_for(events, 3, StopReason::Hold)
}

#[test]
fn during_a_timed_hold_argatroban_stays_held_for_the_minutes_left() {
    let a = analyse(&held_30_min(1.0, vec![]), h(3).plus_minutes(10), Detail::Explained);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Keep argatroban held");
    assert_eq!(r.hold_minutes.map(Minutes::value), Some(20.0), "30 − 10 min");
    assert_close(rate(r), 0.75, "the row's restart rate");
    assert_close(pump(r), 3.6, "pump");
    assert!(!r.call_senior);
    assert!(says(&r.rationale, "restart at 0.75 mcg/kg/min"), "{:?}", r.rationale);
    assert_eq!(aptt_due(&a).0, Due::At(h(5).plus_minutes(30)), "2 h after the restart");
    // A row floored at the minimum keeps its call: 0.2 − 0.25 → 0.1.
    let r = &analyse(&held_30_min(0.2, vec![]), h(3), Detail::Explained).recommendation;
    assert_eq!(r.label, "Keep argatroban held");
    assert!(r.call_senior);
    assert_close(rate(r), 0.1, "the minimum");
}

#[test]
fn after_a_timed_hold_argatroban_restarts_at_the_rows_rate() {
    let a = analyse(&held_30_min(1.0, vec![]), h(4), Detail::Explained);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::AdjustArgatroban);
    assert_eq!(r.label, "Restart argatroban after the hold (no bolus)");
    assert_close(rate(r), 0.75, "the row's rate");
    assert_eq!(r.hold_minutes, None);
    assert_eq!(aptt_due(&a).0, Due::At(h(6)));
    // Exactly when the 30 min are over, the restart is due.
    let r = &analyse(&held_30_min(1.0, vec![]), h(3).plus_minutes(30), Detail::Explained).recommendation;
    assert_eq!((r.action, r.hold_minutes), (Action::AdjustArgatroban, None));
}

#[test]
fn a_repeat_aptt_still_above_the_target_overrides_the_timed_hold() {
    // 95 s again at 4 h: stays stopped; the restart is 50% of 1.0 = 0.5, not the row's 0.75.
    let r = &analyse(&held_30_min(1.0, vec![(4, aptt(95.0))]), h(4), Detail::Explained).recommendation;
    assert_eq!(r.action, Action::HoldAnticoagulant);
    assert_eq!(r.label, "Keep argatroban stopped and call");
    assert!(r.call_senior && r.rate.is_none());
    assert!(
        says(&r.rationale, "restart at 50% of the rate: 0.5 mcg/kg/min = 2.4 mL/h"),
        "{:?}",
        r.rationale
    );
}

// ---- restart_at_last_in_range: a stop for a procedure ----

#[test]
fn after_a_procedure_argatroban_restarts_at_the_last_rate_in_target_at_steady_state() {
    // 60 s at 3 h on 0.5 (steady, in target); 70 s at 5 h on 0.75 only 1 h after the change; 40 s at
    // 6 h on 0.75 below the target: the restart is 0.5.
    let c = stopped_for(
        vec![
            (0, argatroban(0.5)),
            (3, aptt(60.0)),
            (4, argatroban(0.75)),
            (5, aptt(70.0)),
            (6, aptt(40.0)),
            (6, argatroban(0.0)),
        ],
        6,
        StopReason::Procedure,
    );
    let a = analyse(&c, h(8), Detail::Explained);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::AdjustArgatroban);
    assert_eq!(r.label, "Restart argatroban (no bolus)");
    assert_close(rate(r), 0.5, "the last rate in target");
    assert_close(pump(r), 2.4, "pump");
    assert!(r.bolus_units.is_none());
    assert_eq!(r.target, "aPTT 45–90 s (1.5–3 × baseline 30 s)");
    assert!(
        says(
            &r.rationale,
            "last rate with the aPTT in target: 0.5 mcg/kg/min (aPTT 60 s"
        ),
        "{:?}",
        r.rationale
    );
    assert_eq!(aptt_due(&a), (Due::At(h(10)), "2 h after the restart".to_owned()));
}

#[test]
fn with_no_aptt_in_target_on_record_the_restart_waits_for_an_aptt() {
    let c = stopped_for(
        vec![(0, argatroban(0.5)), (3, aptt(40.0)), (4, argatroban(0.0))],
        4,
        StopReason::Procedure,
    );
    for a in [
        analyse(&c, h(6), Detail::Explained),
        analyse_patient(&c, h(6), |p| p.baseline_aptt = None),
    ] {
        let r = &a.recommendation;
        assert_eq!(r.action, Action::Measure);
        assert_eq!(r.label, "Measure the aPTT before restarting argatroban");
        assert!(r.rate.is_none());
        assert_eq!(aptt_due(&a), (Due::Now, "before a restart".to_owned()));
    }
}

// ---- the entry points given a heparin segment, and the start threshold ----

/// The crate-internal context at `at` for a case, with its timeline and the shipped ICU protocol.
fn with_cx<T>(case: &Case, at: ClinicalTime, f: impl FnOnce(&mut Cx<'_>) -> T) -> T {
    let Ok(p) = crate::protocol::Protocol::builtin("adult-icu") else {
        panic!("the shipped protocols validate");
    };
    let tl = Timeline::new(case, case.patient.weight.kg);
    let mut cx = Cx::new(case, &tl, &p, at, Detail::Explained);
    f(&mut cx)
}

#[test]
fn a_heparin_segment_is_not_titrated_as_a_dti() {
    let c = case_with(vec![(0, ufh_rate(18.0)), (3, aptt(60.0)), (5, ufh_rate(0.0))]);
    with_cx(&c, h(4), |cx| {
        let Some(seg) = cx.tl.running(h(4)) else {
            panic!("heparin runs");
        };
        for r in [titrate(cx, seg), restart_at_last_in_range(cx, seg), after_stop(cx, seg)] {
            assert_eq!((r.action, r.rate), (Action::Measure, None));
        }
        assert!(cx.monitoring.is_empty(), "{:?}", cx.monitoring);
    });
}

#[test]
fn a_dti_starts_after_heparin_at_or_below_the_upper_bound_of_its_target() {
    let c = case_with(vec![]);
    with_cx(&c, h(0), |cx| {
        assert_eq!(start_at_or_below(cx, DtiDrug::Argatroban).value(), 90.0);
        assert_eq!(start_at_or_below(cx, DtiDrug::Bivalirudin).value(), 75.0);
    });
    let mut c = case_with(vec![]);
    c.patient.baseline_aptt = None;
    with_cx(&c, h(0), |cx| {
        assert_eq!(
            start_at_or_below(cx, DtiDrug::Argatroban).value(),
            100.0,
            "the hold ceiling"
        );
    });
}
