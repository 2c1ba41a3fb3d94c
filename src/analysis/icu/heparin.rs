//! Step 6 for running heparin (clinical reference §5, §9): titrate by the protocol's nomogram — unless
//! the latest result is missing, stale, drawn before the running rate or before steady state, falsely
//! low (hemolysis, icterus), or shows the coagulopathy pattern, which are answered here too. A low result
//! with suspected resistance goes down the antithrombin branch (step 5); a low result short of it is
//! under-dosing, titrated. The nomogram step is also what a "measure first" carries (rev 2: measuring
//! is not a reason to stop titrating).

use super::super::context::{Cx, Monitor, Reading};
use super::super::pairing::Level;
use super::super::types::{Action, Due, FindingCode, HeparinExposure, Recommendation};
use super::antithrombin;
use super::discordance::Pattern;
use super::recognise::Resistance;
use super::ufh_card::{apply_step, continue_ufh, step_for};
use crate::model::num;

/// Heparin running: escalate, hold, continue, or go down the resistance path.
pub(super) fn titrate_or_escalate(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    hr: Resistance,
    pattern: Pattern,
) -> Recommendation {
    let p = cx.p;
    let recheck = p.monitoring.ufh_recheck_h.value;
    let Some(reading) = pattern.reading else {
        if let Some(t) = super::data_check::stale_result(cx) {
            let what = say!(cx, "heparin result ({t})");
            return measure_stale(cx, h, &what, "anti-Xa (with a paired aPTT)");
        }
        antithrombin::not_applicable(cx, "no monitoring result yet");
        let change = cx.tl.last_ufh_rate_event(cx.as_of).unwrap_or(cx.as_of);
        let mut rec = continue_ufh(cx, h);
        rec.rationale.push(say!(
            cx,
            "no {} result since heparin started: measure {} h after the start or change before any change",
            monitor.name(),
            recheck.shown()
        ));
        rec.cite(p.monitoring.ufh_recheck_h.source.clone());
        let due = cx.due_at(change.after_hours(recheck));
        cx.due(monitor.paired_test(), due, "first level on heparin");
        return rec;
    };
    let max_age = cx.max_age();
    if cx.as_of.hours_since(reading.time()) > max_age.value() {
        let what = say!(cx, "{} ({})", monitor.name(), reading.time());
        return measure_stale(cx, h, &what, monitor.paired_test());
    }
    if pattern.code == Some(FindingCode::CoagulopathyDiscordance) {
        antithrombin::not_applicable(cx, "coagulopathy pattern: do not escalate");
        return coagulopathy(cx, h);
    }
    // A result drawn before the running rate began reflects the previous rate: wait for one at steady
    // state on this rate.
    if let Some(change) = cx.tl.last_ufh_rate_event(cx.as_of)
        && reading.time() < change
    {
        antithrombin::not_applicable(cx, "the latest result predates the running rate");
        let mut rec = continue_ufh(cx, h);
        rec.rationale.push(say!(
            cx,
            "the latest {} ({}) was drawn before the rate change at {}: it reflects the previous rate; measure {} h after the change",
            monitor.name(),
            reading.time(),
            change,
            recheck.shown()
        ));
        rec.cite(p.monitoring.ufh_recheck_h.source.clone());
        let due = cx.due_at(change.after_hours(recheck));
        cx.due(monitor.paired_test(), due, "steady state on the running rate");
        return rec;
    }
    if let Some(rec) = antithrombin::supplemented_assay_after_dose(cx, h, monitor, hr, pattern) {
        return rec;
    }
    let level = monitor.level(reading);
    if level == Level::Below {
        return below_target(cx, h, monitor, hr, pattern, reading);
    }
    antithrombin::not_applicable(cx, &say!(cx, "{} {}", monitor.name(), level.label()));
    nomogram(cx, h, monitor, reading, pattern)
}

/// The latest result is older than the protocol's lab age: measure before changing anything.
fn measure_stale(cx: &mut Cx<'_>, h: &HeparinExposure, what: &str, test: &'static str) -> Recommendation {
    antithrombin::not_applicable(cx, "latest result is stale");
    let mut rec = continue_ufh(cx, h);
    rec.action = Action::Measure;
    rec.label = "Measure first; continue heparin".to_owned();
    rec.rationale.push(say!(
        cx,
        "the latest {what} is older than {} h: measure before changing anything",
        num(cx.max_age().value(), 0)
    ));
    rec.cite(cx.p.monitoring.lab_max_age_h.source.clone());
    cx.due(test, Due::Now, "latest result is stale");
    rec
}

/// A low result: falsely low (interference), before steady state, resistance (step 5), or the
/// nomogram's increase (under-dosing).
fn below_target(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    hr: Resistance,
    pattern: Pattern,
    reading: Reading,
) -> Recommendation {
    let corroborated = pattern
        .pair
        .is_some_and(|pair| monitor.aptt.level(pair.aptt.banded) == Level::Below);
    let interfered = matches!(reading, Reading::AntiXa(_)) && cx.has_finding(FindingCode::AntiXaInterference);
    if interfered && !corroborated {
        antithrombin::not_applicable(cx, "anti-Xa may be falsely low");
        let mut rec = continue_ufh(cx, h);
        rec.rationale.insert(
            0,
            "anti-Xa is low but may be falsely low (hemolysis or icterus): do not escalate on it".to_owned(),
        );
        cx.due(
            "aPTT (paired with a repeat anti-Xa)",
            Due::Now,
            "check a low anti-Xa with interference",
        );
        return rec;
    }
    // Do not stack increases on a sample drawn before steady state.
    if let Some(change) = cx.tl.last_ufh_rate_event(cx.as_of) {
        let steady = cx.p.monitoring.ufh_recheck_h.value;
        if reading.time().hours_since(change) < steady.value() {
            antithrombin::not_applicable(cx, "the low result is before steady state");
            let due = cx.due_at(change.after_hours(steady));
            let mut rec = continue_ufh(cx, h);
            rec.action = Action::Measure;
            rec.label = "Repeat at steady state; continue heparin".to_owned();
            rec.rationale.push(say!(
                cx,
                "the low {} at {} was drawn {} h after the rate change at {} (< {} h): not at steady state; repeat before escalating, keep the running rate",
                monitor.name(),
                reading.time(),
                num(reading.time().hours_since(change), 1),
                change,
                steady.shown()
            ));
            rec.cite(cx.p.monitoring.ufh_recheck_h.source.clone());
            cx.due(monitor.paired_test(), due, "steady state after the rate change");
            return rec;
        }
    }
    if hr.is_suspected() {
        return antithrombin::resistance_path(cx, h, monitor, hr, pattern);
    }
    antithrombin::not_applicable(cx, "heparin resistance not suspected");
    let mut rec = nomogram(cx, h, monitor, reading, pattern);
    if hr.under_dosing {
        rec.rationale.insert(
            0,
            say!(
                cx,
                "below target on a dose short of resistance: under-dosing — titrate by the nomogram"
            ),
        );
    }
    rec
}

/// The nomogram step for the latest monitoring result, with the no-change row's recheck plan.
fn nomogram(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    reading: Reading,
    pattern: Pattern,
) -> Recommendation {
    let p = cx.p;
    let Some((n, step)) = step_for(cx, h, monitor, reading) else {
        let mut rec = continue_ufh(cx, h);
        rec.action = Action::Measure;
        rec.rationale
            .push(say!(cx, "no nomogram row applies to the latest result: measure again"));
        return rec;
    };
    let mut rec = apply_step(cx, h, monitor, reading, n, &step);
    if pattern.code == Some(FindingCode::PartialDiscordance) {
        rec.rationale.insert(
            0,
            say!(
                cx,
                "aPTT above its range with the anti-Xa in target: partial discordance — the anti-Xa decides"
            ),
        );
    }
    if pattern.code == Some(FindingCode::PseudoResistance) {
        rec.rationale.insert(
            0,
            say!(cx, "low aPTT with an adequate anti-Xa: pseudo-resistance — the anti-Xa decides; do not escalate on the aPTT"),
        );
    }
    if step.is_no_change() {
        let in_range_needed = p.monitoring.ufh_in_range_before_daily.value as usize;
        let last = monitor.recent(cx, h.course_start, in_range_needed);
        let all_in = last.len() == in_range_needed && last.iter().all(|r| monitor.level(*r) == Level::InRange);
        if all_in {
            cx.due(
                monitor.paired_test(),
                cx.due_at(reading.time().after_hours(p.monitoring.daily_interval_h.value)),
                say!(cx, "{in_range_needed} consecutive in range: daily"),
            );
        } else {
            cx.due(
                monitor.paired_test(),
                cx.due_at(reading.time().after_hours(step.recheck_h)),
                "recheck per nomogram",
            );
        }
        rec.rationale.push(say!(
            cx,
            "continue {} ({}) at {}",
            step.new_rate,
            step.new_rate_per_hour,
            p.ufh.concentration_label
        ));
    }
    rec
}

/// High aPTT with a low or in-range anti-Xa beyond partial discordance: do not escalate; INR and
/// fibrinogen, named with their units.
fn coagulopathy(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    let p = cx.p;
    let max_age = cx.max_age();
    let inr = cx.tl.labs.inr.recent(cx.as_of, max_age);
    let fib = cx.tl.labs.fibrinogen.recent(cx.as_of, max_age);
    let mut rec = continue_ufh(cx, h);
    rec.rationale.push(say!(
        cx,
        "high aPTT with a low or in-range anti-Xa: coagulopathy-type discordance — do not escalate heparin"
    ));
    rec.cite(p.discordance.patterns_source.clone());
    rec.caveats
        .push(say!(cx, "{}", p.discordance.coagulopathy_outcome_caveat.value));
    rec.alternatives.push(say!(
        cx,
        "look for DIC, factor deficiency, lupus anticoagulant or hemodilution"
    ));
    if let Some(s) = inr {
        rec.rationale.push(say!(cx, "INR {} at {}", s.value.shown(), s.time));
    }
    if let Some(s) = fib {
        rec.rationale.push(say!(cx, "fibrinogen {} at {}", s.value, s.time));
    }
    if inr.is_none() || fib.is_none() {
        rec.action = Action::Measure;
        rec.label = "Measure first; continue heparin".to_owned();
        let missing: Vec<&str> = [("INR", inr.is_none()), ("fibrinogen", fib.is_none())]
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(n, _)| n)
            .collect();
        rec.rationale.push(say!(
            cx,
            "measure {} (none in the last {} h)",
            missing.join(" and "),
            num(max_age.value(), 0)
        ));
        for test in missing {
            cx.due(test, Due::Now, "coagulopathy pattern");
        }
    }
    cx.due(
        "anti-Xa (with a paired aPTT)",
        cx.due_at(cx.as_of.after_hours(p.monitoring.ufh_recheck_h.value)),
        "follow the anti-Xa",
    );
    rec
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{analyse, aptt, case_with, fibrinogen, h, inr, ufh_rate, xa};
    use super::super::super::{Action, Detail, FindingCode};

    #[test]
    fn each_anti_xa_band_of_the_icu_nomogram() {
        // Michigan VTE: a low result increases, the target row continues, above it decreases; the hold
        // rows are the newest-result hold (tested in `hold`).
        let p = crate::protocol::Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        for row in p.ufh.anti_xa_nomogram.rows.iter().filter(|r| r.hold_min.value() == 0.0) {
            let value = row.to.map_or(row.from + 0.5, |to| (row.from + to) / 2.0);
            let c = case_with(vec![(0, ufh_rate(18.0)), (7, xa(value))]);
            let a = analyse(&c, h(7), Detail::Explained);
            let r = &a.recommendation;
            if row.is_no_change() {
                assert_eq!(r.action, Action::Continue, "{value}");
            } else {
                assert_eq!(r.action, Action::AdjustUfh, "{value}");
                let change = r.rate_change.map(|c| c.value).unwrap_or_default();
                assert!(
                    (change - row.rate_change_units_per_kg_per_h).abs() < 1e-9,
                    "{value}: {change}"
                );
                assert_eq!(r.bolus_units.is_some(), row.bolus_units_per_kg.value() > 0.0, "{value}");
                assert_eq!(r.hold_minutes, None, "adjust_* never carries a hold");
            }
        }
    }

    #[test]
    fn a_low_sample_before_steady_state_is_repeated_not_escalated() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (3, xa(0.1))]);
        let a = analyse(&c, h(3), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Measure);
        assert_eq!(
            a.recommendation.rate.map(|r| r.value()),
            Some(18.0),
            "the running rate is kept"
        );
        assert!(a.recommendation.bolus_units.is_none());
    }

    #[test]
    fn a_sample_drawn_before_the_rate_change_reflects_the_previous_rate() {
        // Anti-Xa at 6 h, the rate changed at 7 h: continue, recheck 6 h after the change.
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.5)), (7, ufh_rate(16.0))]);
        let a = analyse(&c, h(8), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Continue);
        let anti_xa = a.monitoring.iter().find(|m| m.test.starts_with("anti-Xa"));
        assert_eq!(anti_xa.map(|m| m.due.to_string()), Some("2025-01-01T13:00".to_owned()));
        assert!(
            a.recommendation
                .rationale
                .iter()
                .any(|l| l.contains("drawn before the rate change"))
        );
    }

    #[test]
    fn coagulopathy_below_the_hold_threshold_never_escalates() {
        // aPTT 85 s (2.8 × 30, above the range, below the hold at 90 s) with anti-Xa 0.1: coagulopathy.
        let c = case_with(vec![(0, ufh_rate(18.0)), (7, xa(0.1)), (7, aptt(85.0))]);
        let a = analyse(&c, h(7), Detail::Explained);
        assert!(a.has_finding(FindingCode::CoagulopathyDiscordance));
        assert_eq!(a.recommendation.action, Action::Measure, "INR and fibrinogen first");
        let c = case_with(vec![
            (0, ufh_rate(18.0)),
            (7, xa(0.1)),
            (7, aptt(85.0)),
            (7, inr(1.2)),
            (7, fibrinogen(3.0)),
        ]);
        let a = analyse(&c, h(7), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Continue);
        let text = a.recommendation.rationale.join("\n");
        assert!(
            text.contains("INR 1.2 at") && text.contains("fibrinogen 3 g/L at"),
            "{text}"
        );
    }
}
