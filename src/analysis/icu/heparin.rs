//! Step 6 for heparin: start it, continue it, or titrate it by the protocol's nomogram (clinical
//! reference §9) — unless the latest result is missing, stale, drawn before steady state, falsely low
//! (hemolysis, icterus), or shows the coagulopathy pattern, which are answered here too; a low result
//! with suspected resistance goes down the antithrombin branch (step 5).

use super::super::context::{Cx, Monitor, Reading};
use super::super::pairing::{Level, ufh_aptt_target};
use super::super::timeline::Agent;
use super::super::types::{Action, Due, FindingCode, HeparinExposure, Recommendation};
use super::antithrombin;
use super::discordance::Pattern;
use super::recognise::Resistance;
use crate::dosing::ufh::{self, dosing_weight};
use crate::dosing::{Rate, RateUnit};
use crate::model::{UnitsPerKgPerHour, num};

const HEPARIN: &str = "unfractionated heparin";

/// No infusion running: start heparin per protocol (or, after a stopped DTI, measure first).
pub(super) fn no_infusion(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    if let Some(rec) = after_stopped_dti(cx) {
        return rec;
    }
    let p = cx.p;
    let start = ufh::start(p, cx.weight);
    if cx.tl.first_heparin().is_none_or(|t| t > cx.as_of) {
        // Nothing given yet: the engine cannot know that anticoagulation is due now.
        let mut rec = Recommendation::new(Action::Measure, HEPARIN);
        rec.rationale.push(say!(
            cx,
            "no anticoagulant has been given yet: obtain baseline labs before starting"
        ));
        rec.alternatives.push(say!(
            cx,
            "when anticoagulation is indicated, the protocol start is {} = {} at {}",
            start.text,
            start.pump,
            p.ufh.concentration_label
        ));
        rec.cite(p.ufh.start.source.clone());
        if cx.case.patient.baseline_aptt.is_none() && cx.tl.labs.aptt.latest(cx.as_of).is_none() {
            cx.due("aPTT (baseline)", Due::Now, "control for ratio targets");
        }
        if cx.tl.labs.platelets.recent(cx.as_of, cx.max_age()).is_none() {
            cx.due("platelets", Due::Now, "baseline before heparin");
        }
        return rec;
    }
    let recent_bolus_h = p.monitoring.ufh_recheck_h.value;
    let bolus_recently = h.hours_on_heparin.is_some()
        && cx
            .tl
            .heparin_units_between(cx.as_of.plus_hours(-recent_bolus_h.value()), cx.as_of)
            .value()
            > 0.0;
    let mut rec = Recommendation::new(Action::AdjustUfh, HEPARIN);
    rec.rate = Some(Rate::ufh(start.rate));
    rec.rate_change = Some(Rate::ufh(start.rate));
    rec.pump_ml_per_h = Some(start.pump);
    rec.concentration = p.ufh.concentration_label.clone();
    rec.bolus_units = if bolus_recently { None } else { start.bolus };
    rec.target = describe_anti_xa_target(cx);
    rec.rationale
        .push(say!(cx, "no heparin infusion is running: start per protocol"));
    rec.rationale.push(say!(cx, "protocol start: {}", start.text));
    if bolus_recently {
        rec.rationale.push(say!(
            cx,
            "no start bolus: heparin was given in the last {} h",
            num(recent_bolus_h.value(), 0)
        ));
    }
    rec.rationale
        .push(say!(cx, "= {} at {}", start.rate_per_hour, p.ufh.concentration_label));
    rec.cite(p.ufh.start.source.clone());
    rec.cite(p.ufh.concentration_units_per_ml.source.clone());
    cx.due(
        "anti-Xa (with a paired aPTT)",
        Due::At(cx.as_of.after_hours(recent_bolus_h)),
        say!(cx, "{} h after the start", recent_bolus_h.shown()),
    );
    rec
}

/// A DTI was stopped and no heparin followed: measure the aPTT and decide on restarting.
fn after_stopped_dti(cx: &mut Cx<'_>) -> Option<Recommendation> {
    let last = cx
        .tl
        .last_segment_of(Agent::Argatroban, cx.as_of)
        .into_iter()
        .chain(cx.tl.last_segment_of(Agent::Bivalirudin, cx.as_of))
        .max_by_key(|s| s.start)?;
    let ufh_after = cx
        .tl
        .last_segment_of(Agent::Ufh, cx.as_of)
        .is_some_and(|u| u.start > last.start);
    if ufh_after {
        return None;
    }
    let mut rec = Recommendation::new(Action::Measure, last.agent().name());
    rec.rationale.push(say!(
        cx,
        "{} stopped at {}; no anticoagulant is running",
        last.agent().name(),
        last.end.map_or("?".to_owned(), |t| t.to_string())
    ));
    rec.rationale
        .push(say!(cx, "measure the aPTT and decide on restarting with the physician"));
    rec.cite(cx.p.argatroban.titration_source.clone());
    cx.due("aPTT", Due::Now, "DTI stopped");
    Some(rec)
}

/// "anti-Xa 0.3–0.7 units/mL".
fn describe_anti_xa_target(cx: &Cx<'_>) -> String {
    let t = cx.p.ufh.anti_xa_target.value;
    format!("anti-Xa {}–{} units/mL", t.low.shown(), t.high.shown())
}

/// A measure-first recommendation for the running heparin, with one test due.
fn measure_first(cx: &mut Cx<'_>, why: String, test: &'static str, due: Due, reason: &'static str) -> Recommendation {
    let mut rec = Recommendation::new(Action::Measure, HEPARIN);
    rec.rationale.push(why);
    cx.due(test, due, reason);
    rec
}

/// Heparin running: escalate, hold, continue, or go down the resistance path.
pub(super) fn titrate_or_escalate(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    hr: Resistance,
    pattern: Pattern,
) -> Recommendation {
    let p = cx.p;
    let Some(reading) = pattern.reading else {
        antithrombin::not_applicable(cx, "no monitoring result yet");
        let change = cx.tl.last_ufh_rate_event(cx.as_of).unwrap_or(cx.as_of);
        let due = cx.due_at(change.after_hours(p.monitoring.ufh_recheck_h.value));
        let why = say!(
            cx,
            "no {} result since heparin started: measure before any change",
            monitor.name()
        );
        let mut rec = measure_first(cx, why, "anti-Xa (with a paired aPTT)", due, "first level on heparin");
        rec.cite(p.monitoring.ufh_recheck_h.source.clone());
        return rec;
    };
    let max_age = cx.max_age();
    if cx.as_of.hours_since(reading.time()) > max_age.value() {
        antithrombin::not_applicable(cx, "latest result is stale");
        let why = say!(
            cx,
            "the latest {} ({}) is older than {} h",
            monitor.name(),
            reading.time(),
            num(max_age.value(), 0)
        ) + &say!(cx, ": measure before changing anything");
        let mut rec = measure_first(
            cx,
            why,
            "anti-Xa (with a paired aPTT)",
            Due::Now,
            "latest result is stale",
        );
        rec.cite(p.monitoring.lab_max_age_h.source.clone());
        return rec;
    }
    if pattern.code == Some(FindingCode::CoagulopathyDiscordance) {
        antithrombin::not_applicable(cx, "coagulopathy pattern: do not escalate");
        return coagulopathy(cx, h);
    }
    let Some(level) = pattern.level else {
        antithrombin::not_applicable(cx, "no target for the monitoring assay");
        let why = say!(cx, "no aPTT target: enter the baseline aPTT or measure anti-Xa");
        return measure_first(cx, why, "anti-Xa (with a paired aPTT)", Due::Now, "no usable target");
    };
    if level == Level::Below {
        return below_target(cx, h, monitor, hr, pattern, reading);
    }
    antithrombin::not_applicable(cx, &say!(cx, "{} {}", monitor.name(), level.label()));
    nomogram(cx, h, monitor, reading)
}

/// A low result: falsely low (interference), resistance (step 5), before steady state, or the
/// nomogram's increase.
fn below_target(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    hr: Resistance,
    pattern: Pattern,
    reading: Reading,
) -> Recommendation {
    let corroborated = pattern.pair.is_some_and(|pair| {
        ufh_aptt_target(cx.p, cx.case.patient.baseline_aptt).is_some_and(|t| pair.aptt.value < t.low)
    });
    let interfered = matches!(monitor, Monitor::AntiXa { .. }) && cx.has_finding(FindingCode::AntiXaInterference);
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
    if hr.suspected {
        return antithrombin::resistance_path(cx, h, monitor);
    }
    antithrombin::not_applicable(cx, "heparin resistance not suspected");
    // Do not stack increases on a sample drawn before steady state.
    if let Some(change) = cx.tl.last_ufh_rate_event(cx.as_of) {
        let steady = cx.p.monitoring.ufh_recheck_h.value;
        if reading.time().hours_since(change) < steady.value() {
            let due = cx.due_at(change.after_hours(steady));
            let why = say!(
                cx,
                "the low {} at {} was drawn less than {} h after the rate change at {}: repeat at steady state before escalating",
                monitor.name(),
                reading.time(),
                num(steady.value(), 0),
                change
            );
            let mut rec = Recommendation::new(Action::Measure, HEPARIN);
            rec.rationale.push(why);
            rec.cite(cx.p.monitoring.ufh_recheck_h.source.clone());
            cx.due(monitor.paired_test(), due, "steady state after the rate change");
            return rec;
        }
    }
    nomogram(cx, h, monitor, reading)
}

/// Continue the running heparin at its rate (per kg of dosing weight), with its pump rate.
pub(super) fn continue_ufh(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    let p = cx.p;
    let mut rec = Recommendation::new(Action::Continue, HEPARIN);
    if let Some(per_hour) = h.current_rate_units_per_h {
        let dw = dosing_weight(p, cx.weight);
        rec.rate = Some(Rate::ufh(per_hour.per_kg(dw)));
        rec.rate_change = Some(Rate {
            value: 0.0,
            unit: RateUnit::UnitsPerKgPerHour,
        });
        rec.pump_ml_per_h = Some(per_hour.pump_rate(p.ufh.concentration_units_per_ml.value));
    }
    if cx.explain {
        rec.concentration = p.ufh.concentration_label.clone();
        rec.target = describe_anti_xa_target(cx);
    }
    rec
}

/// The nomogram row for the latest monitoring result.
fn nomogram(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, reading: Reading) -> Recommendation {
    let p = cx.p;
    let (nomogram, value, value_text) = match (monitor, reading) {
        (_, Reading::AntiXa(s)) => (
            &p.ufh.anti_xa_nomogram,
            s.value.value(),
            say!(cx, "anti-Xa {}", s.value),
        ),
        (
            Monitor::Aptt {
                baseline: Some(base), ..
            },
            Reading::Aptt(s),
        ) => {
            let Some(ratio) = s.value.ratio_to(base) else {
                return no_nomogram_row(cx, say!(cx, "aPTT {}: the baseline {base} gives no ratio", s.value));
            };
            (
                &p.ufh.aptt_nomogram,
                ratio.value(),
                say!(cx, "aPTT {} = {} × control", s.value, ratio.shown()),
            )
        }
        (_, Reading::Aptt(s)) => {
            // A level needs a target, so a baseline: the caller has already answered this case.
            return no_nomogram_row(
                cx,
                say!(cx, "aPTT {}: no baseline aPTT, so no ratio to control", s.value),
            );
        }
    };
    let Some(per_hour) = h.current_rate_units_per_h else {
        // Titration is asked for only while heparin runs.
        return no_nomogram_row(cx, say!(cx, "{value_text}: no heparin infusion is running to titrate"));
    };
    let current = per_hour.per_kg(dosing_weight(p, cx.weight));
    let Some(step) = ufh::nomogram_step(p, nomogram, value, current, cx.weight) else {
        return no_nomogram_row(cx, say!(cx, "{value_text} is outside the nomogram"));
    };
    let mut rec = continue_ufh(cx, h);
    rec.rationale.push(say!(
        cx,
        "{value_text} at {}: {}",
        reading.time(),
        step.row_text(nomogram)
    ));
    rec.cite(nomogram.source.clone());
    if !nomogram.validated {
        rec.caveats.push(say!(
            cx,
            "{} is an institutional adaptation, not a validated nomogram",
            nomogram.name
        ));
    }
    if step.is_no_change() {
        no_change(cx, h, monitor, reading, &step, current, &mut rec);
        return rec;
    }
    rec.action = Action::AdjustUfh;
    rec.bolus_units = step.bolus;
    rec.hold_minutes = (step.hold_min.value() > 0.0).then_some(step.hold_min);
    rec.rate = Some(Rate::ufh(step.new_rate));
    rec.rate_change = Some(step.change);
    rec.pump_ml_per_h = Some(step.pump);
    rec.rationale.push(say!(
        cx,
        "new rate {} = {} on {} dosing weight ({} → {}), pump {} at {}",
        step.new_rate,
        step.new_rate_per_hour,
        step.dosing_weight,
        current,
        step.new_rate,
        step.pump,
        p.ufh.concentration_label
    ));
    if let Some(soft) = p.plausibility.ufh_rate_units_per_kg_per_h.soft_max
        && step.new_rate > soft
    {
        rec.caveats.push(say!(
            cx,
            "the new rate is above {} units/kg/h: consider heparin resistance work-up",
            num(soft.value(), 0)
        ));
    }
    let due = cx.as_of.after_hours(step.recheck_h.plus(step.hold_min.in_hours()));
    cx.due(
        monitor.paired_test(),
        Due::At(due),
        "recheck per nomogram after the change",
    );
    rec
}

/// No nomogram row applies (never with a validated, open-ended table and a running infusion): measure.
fn no_nomogram_row(_cx: &Cx<'_>, why: String) -> Recommendation {
    let mut rec = Recommendation::new(Action::Measure, HEPARIN);
    rec.rationale.push(why);
    rec
}

/// The nomogram's "no change" row: continue, and recheck per nomogram or daily after enough in range.
fn no_change(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    reading: Reading,
    step: &ufh::UfhStep,
    current: UnitsPerKgPerHour,
    rec: &mut Recommendation,
) {
    let p = cx.p;
    rec.rationale.push(say!(
        cx,
        "continue {current} ({}) at {}",
        h.current_rate_units_per_h.map_or(String::new(), |u| u.to_string()),
        p.ufh.concentration_label
    ));
    let in_range_needed = p.monitoring.ufh_in_range_before_daily.value as usize;
    let all_in = monitor
        .readings_until(cx.tl, cx.as_of)
        .last(in_range_needed)
        .is_some_and(|last| last.iter().all(|r| monitor.level(r) == Some(Level::InRange)));
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
}

/// High aPTT with a low or in-range anti-Xa: do not escalate; INR and fibrinogen.
fn coagulopathy(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    let p = cx.p;
    let max_age = cx.max_age();
    let inr = cx.tl.labs.inr.recent(cx.as_of, max_age);
    let fib = cx.tl.labs.fibrinogen.recent(cx.as_of, max_age);
    let mut rec = continue_ufh(cx, h);
    rec.rationale.push(say!(
        cx,
        "high aPTT with low or in-range anti-Xa: coagulopathy-type discordance — do not escalate heparin"
    ));
    rec.cite(p.discordance.patterns_source.clone());
    rec.caveats
        .push(say!(cx, "{}", p.discordance.coagulopathy_outcome_caveat.value));
    rec.alternatives.push(say!(
        cx,
        "look for DIC, factor deficiency, lupus anticoagulant or hemodilution"
    ));
    if inr.is_none() || fib.is_none() {
        rec.action = Action::Measure;
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
    } else {
        if let Some(s) = inr {
            rec.rationale
                .push(say!(cx, "{} at {}", num(s.value.value(), 2), s.time));
        }
        if let Some(s) = fib {
            rec.rationale
                .push(say!(cx, "{} at {}", num(s.value.value(), 2), s.time));
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
    use super::super::super::tests_support::{analyse, aptt, bolus, case_with, fibrinogen, h, inr, ufh_rate, xa};
    use super::super::super::{Action, Detail};

    #[test]
    fn no_heparin_yet_means_measure_first_with_the_start_as_an_alternative() {
        let c = case_with(vec![(0, aptt(30.0))]);
        let a = analyse(&c, h(0), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Measure);
        assert!(a.recommendation.alternatives[0].contains("protocol start"));
    }

    #[test]
    fn a_stopped_infusion_restarts_at_the_protocol_start_without_a_bolus_after_recent_heparin() {
        let c = case_with(vec![(0, bolus(5000.0)), (0, ufh_rate(18.0)), (3, ufh_rate(0.0))]);
        let a = analyse(&c, h(3), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::AdjustUfh);
        assert_eq!(a.recommendation.bolus_units, None, "heparin in the last 6 h");
    }

    #[test]
    fn each_anti_xa_band_of_the_icu_nomogram() {
        // Michigan VTE nomogram: < 0.2 bolus 80 + 1.5 (approximately; as shipped), 0.3–0.7 no change.
        let p = crate::protocol::Protocol::builtin("adult-icu").unwrap();
        for row in &p.ufh.anti_xa_nomogram.rows {
            let value = row.to.map_or(row.from + 0.5, |to| (row.from + to) / 2.0);
            let c = case_with(vec![(0, ufh_rate(18.0)), (7, xa(value))]);
            let a = analyse(&c, h(7), Detail::Explained);
            let r = &a.recommendation;
            if row.is_no_change() {
                assert_eq!(r.action, Action::Continue, "{value}");
            } else {
                assert_eq!(r.action, Action::AdjustUfh, "{value}");
                let change = r.rate_change.map(|c| c.value).unwrap();
                assert!(
                    (change - row.rate_change_units_per_kg_per_h).abs() < 1e-9,
                    "{value}: {change}"
                );
                assert_eq!(r.bolus_units.is_some(), row.bolus_units_per_kg.value() > 0.0, "{value}");
                assert_eq!(r.hold_minutes.is_some(), row.hold_min.value() > 0.0, "{value}");
            }
        }
    }

    #[test]
    fn a_low_sample_before_steady_state_is_repeated_not_escalated() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (3, xa(0.1))]);
        let a = analyse(&c, h(3), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Measure);
    }

    #[test]
    fn coagulopathy_measures_inr_and_fibrinogen_before_anything() {
        // aPTT 120 s (4 × 30) with anti-Xa 0.4: coagulopathy pattern.
        let c = case_with(vec![(0, ufh_rate(18.0)), (7, xa(0.4)), (7, aptt(120.0))]);
        let a = analyse(&c, h(7), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Measure);
        let c = case_with(vec![
            (0, ufh_rate(18.0)),
            (7, xa(0.4)),
            (7, aptt(120.0)),
            (7, inr(1.2)),
            (7, fibrinogen(3.0)),
        ]);
        let a = analyse(&c, h(7), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Continue);
    }
}
