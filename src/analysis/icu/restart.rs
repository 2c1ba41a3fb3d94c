//! No infusion running (clinical reference §5, rev 2): a full start for a patient with no infusion and
//! no stop in the last day, or the restart after an interruption, by the stop's reason — a nomogram hold
//! restarts at that row's rate; a procedure, another reason or none recorded restarts at the last rate
//! at which the monitoring assay was in range, without a bolus; bleeding is never restarted by the app;
//! a switch or the end of therapy gets no restart advice. The same for a stopped DTI.

use super::super::context::{Cx, Monitor, Reading};
use super::super::pairing::Level;
use super::super::timeline::{Segment, SegmentEnd};
use super::super::types::{Action, Due, HeparinExposure, Recommendation};
use super::super::{dti_switch, dti_titrate};
use super::ufh_card::{HEPARIN, bleeding_reason, hold_rec, set_rate, step_at, target_text};
use crate::dosing::ufh;
use crate::model::{ClinicalTime, StopReason, UnitsPerKgPerHour};

/// No infusion runs: restart after a recent stop, or start.
pub(super) fn no_infusion(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor) -> Recommendation {
    let gap = cx.p.resistance.new_course_after_gap_h.value.value();
    let recent_stop = cx
        .tl
        .last_stopped(cx.as_of)
        .filter(|s| s.end.is_some_and(|e| cx.as_of.hours_since(e) <= gap));
    match recent_stop {
        Some(seg) => {
            let reason = match seg.ended_by {
                Some(SegmentEnd::Stopped(r)) => r,
                _ => None,
            };
            if seg.drug().is_dti() {
                restart_dti(cx, seg, reason)
            } else {
                restart_heparin(cx, h, monitor, seg, reason)
            }
        }
        None => start_heparin(cx, h),
    }
}

/// The heparin rate of a segment per kg of dosing weight.
fn ufh_rate_of(cx: &Cx<'_>, seg: Segment) -> Option<UnitsPerKgPerHour> {
    seg.rate.heparin().map(|r| r.per_kg(cx.hkg()))
}

/// A stop whose reason rules out a restart by the app: switch, end of therapy, bleeding.
fn no_restart(cx: &mut Cx<'_>, drug: &'static str, end: ClinicalTime, reason: StopReason) -> Recommendation {
    let mut rec = Recommendation::new(Action::Measure, drug);
    match reason {
        StopReason::Switch => {
            rec.label = format!("No anticoagulant running: start the new one ({drug} was stopped to switch)");
            rec.rationale.push(say!(
                cx,
                "{drug} was stopped at {end} to switch anticoagulant and none is running: start the new anticoagulant; restart advice does not apply"
            ));
        }
        StopReason::End => {
            rec.action = Action::Continue;
            rec.label = "No anticoagulant (therapy ended)".to_owned();
            rec.rationale
                .push(say!(cx, "{drug} ended at {end} (end of therapy): no restart advice"));
        }
        _ => {
            rec.label = format!("Do not restart {drug}: call");
            rec.call_senior = true;
            rec.rationale.push(say!(
                cx,
                "{drug} was stopped at {end} for bleeding: do not restart — decide with the senior clinician once the bleeding is controlled"
            ));
            for test in ["aPTT", "platelets", "fibrinogen", "INR"] {
                cx.due(test, Due::Now, "stopped for bleeding");
            }
        }
    }
    rec.cite(
        "clinical reference §5 [rev 2]: restart after an interruption (CHEST perioperative guidance, Douketis 2022)",
    );
    rec
}

fn restart_heparin(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    seg: Segment,
    reason: Option<StopReason>,
) -> Recommendation {
    let end = seg.end.unwrap_or(cx.as_of);
    match reason {
        Some(r @ (StopReason::Switch | StopReason::End | StopReason::Bleeding)) => {
            return no_restart(cx, HEPARIN, end, r);
        }
        Some(StopReason::Hit) => {
            return dti_switch::switch_to_dti(
                cx,
                vec![say!(
                    cx,
                    "heparin was stopped at {end} for HIT: no heparin; start a direct thrombin inhibitor"
                )],
                vec!["clinical reference §5 [rev 2]".into()],
                Vec::new(),
            );
        }
        Some(StopReason::Hold) => {
            if let Some(rec) = after_a_hold(cx, h, monitor, seg) {
                return rec;
            }
        }
        Some(StopReason::Procedure | StopReason::Other) | None => {}
    }
    let (rate, basis) = last_in_range_rate(cx, h, monitor, seg);
    let mut rec = Recommendation::new(Action::AdjustUfh, HEPARIN);
    rec.label = "Restart heparin (no bolus)".to_owned();
    set_rate(cx, &mut rec, rate);
    if cx.explain {
        rec.target = target_text(cx);
    }
    let why = match reason {
        Some(StopReason::Procedure) => "for a procedure",
        Some(StopReason::Hold) => "for a hold (no timed hold row behind it)",
        Some(_) => "for another reason",
        None => "(reason not recorded)",
    };
    rec.rationale.push(say!(cx, "heparin was stopped at {end} {why}"));
    rec.rationale.push(basis);
    rec.rationale.push(say!(cx, "no bolus at a restart"));
    rec.caveats.push(say!(
        cx,
        "restart when the proceduralist has cleared it; if heparin was stopped for bleeding, do not restart — call"
    ));
    if reason.is_none() {
        rec.caveats.push(say!(
            cx,
            "reason not recorded: record why heparin was stopped (entry form, 'Why stopped')"
        ));
    }
    rec.cite(
        "clinical reference §5 [rev 2]: restart after an interruption (CHEST perioperative guidance, Douketis 2022)",
    );
    let recheck = cx.p.monitoring.ufh_recheck_h.value;
    cx.due(
        monitor.paired_test(),
        Due::At(cx.as_of.after_hours(recheck)),
        say!(cx, "{} h after the restart", recheck.shown()),
    );
    rec
}

/// The last rate at which the monitoring assay was in range, reduced per the table if a later result
/// was high; without one, the rate at the stop (reduced the same way).
fn last_in_range_rate(cx: &Cx<'_>, h: &HeparinExposure, monitor: Monitor, seg: Segment) -> (UnitsPerKgPerHour, String) {
    let readings = monitor.recent(cx, h.course_start, 64);
    let in_range = readings.iter().rev().find_map(|r| {
        (monitor.level(*r) == Level::InRange)
            .then(|| {
                cx.tl
                    .in_effect_at(r.time())
                    .and_then(|s| ufh_rate_of(cx, s))
                    .map(|rate| (*r, rate))
            })
            .flatten()
    });
    let (base, basis, from) = match in_range {
        Some((r, rate)) => (
            rate,
            say!(
                cx,
                "last rate with the {} in range: {rate} ({})",
                monitor.name(),
                monitor.reading_text(cx, r)
            ),
            r.time(),
        ),
        None => {
            let at_stop = ufh_rate_of(cx, seg).unwrap_or(cx.p.ufh.start.rate_units_per_kg_per_h);
            // No level has shown that a rate above the protocol's start maximum is needed: the
            // restart is then capped as a start is (found by the random-case property).
            let w = cx.heparin_weight.kg;
            match cx.p.ufh.start.rate_max_units_per_h {
                Some(max) if at_stop.for_weight(w) > max => {
                    let capped = ufh::start(cx.p, w).rate;
                    (
                        capped,
                        say!(
                            cx,
                            "no in-range result on record: the rate at the stop, {at_stop} ({}), capped at the protocol's start maximum {max} = {capped}",
                            at_stop.for_weight(w)
                        ),
                        seg.start,
                    )
                }
                _ => (
                    at_stop,
                    say!(cx, "no in-range result on record: the rate at the stop, {at_stop}"),
                    seg.start,
                ),
            }
        }
    };
    // A later high result reduces it per the table.
    let later_high = readings
        .iter()
        .rev()
        .find(|r| r.time() > from && monitor.level(**r) == Level::Above)
        .copied();
    match later_high.and_then(|r| reduce(cx, monitor, r, base)) {
        Some((rate, text)) => (rate, basis + &say!(cx, "; {text}")),
        None => (ufh::shown_rate(base), basis),
    }
}

/// `base` reduced by the nomogram row of a high reading.
fn reduce(cx: &Cx<'_>, monitor: Monitor, r: Reading, base: UnitsPerKgPerHour) -> Option<(UnitsPerKgPerHour, String)> {
    let (n, step) = step_at(cx, monitor, r, base)?;
    let row = n.rows.get(step.row_index)?;
    let minimum = cx.p.ufh.minimum_rate_units_per_kg_per_h.value;
    let reduced = ufh::shown_rate(base.stepped(row.rate_change_units_per_kg_per_h)).max(minimum.min(base));
    Some((
        reduced,
        say!(
            cx,
            "reduced to {reduced} for the later {} ({})",
            monitor.name(),
            step.row_text(n)
        ),
    ))
}

/// After a nomogram hold: restart at the row's rate when the hold is over (or keep holding).
fn after_a_hold(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, seg: Segment) -> Option<Recommendation> {
    let end = seg.end?;
    let current = ufh_rate_of(cx, seg)?;
    let before = monitor.recent(cx, h.course_start, 64);
    let trigger = before.iter().rev().find(|r| r.time() <= end).copied()?;
    let (n, step) = step_at(cx, monitor, trigger, current)?;
    let row = n.rows.get(step.row_index)?;
    if row.hold_min.value() == 0.0 {
        return None;
    }
    let minimum = cx.p.ufh.minimum_rate_units_per_kg_per_h.value;
    let restart = ufh::shown_rate(current.stepped(row.rate_change_units_per_kg_per_h)).max(minimum.min(current));
    let restart_at = end.after_minutes(row.hold_min);
    let row_text = step.row_text(n);
    let mut rec = if cx.as_of < restart_at {
        let left = crate::model::Minutes::new(restart_at.minutes_since(cx.as_of) as f64).unwrap_or(row.hold_min);
        hold_rec(cx, Some(left), Some(restart), false)
    } else {
        let mut r = Recommendation::new(Action::AdjustUfh, HEPARIN);
        r.label = "Restart heparin after the hold (no bolus)".to_owned();
        set_rate(cx, &mut r, restart);
        if cx.explain {
            r.target = target_text(cx);
        }
        r
    };
    rec.rationale.push(say!(
        cx,
        "heparin held at {end} for {} ({row_text}): restart at {restart} from {restart_at}",
        monitor.reading_text(cx, trigger)
    ));
    rec.cite(n.source.clone());
    let recheck = row.recheck_h;
    cx.due(
        monitor.paired_test(),
        Due::At(restart_at.max(cx.as_of).after_hours(recheck)),
        "after the restart: decides the next step",
    );
    Some(rec)
}

/// No infusion and no recent stop: the protocol's start, once the baseline labs are in.
fn start_heparin(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    let p = cx.p;
    let start = ufh::start(p, cx.hkg());
    let max_age = cx.max_age();
    let has_aptt = cx.patient.baseline_aptt.is_some() || cx.tl.labs.aptt.latest(cx.as_of).is_some();
    let has_platelets = cx.tl.labs.platelets.recent(cx.as_of, max_age).is_some();
    if !(has_aptt && has_platelets) {
        let mut rec = Recommendation::new(Action::Measure, HEPARIN);
        rec.label = "Measure baseline labs before starting heparin".to_owned();
        rec.rationale.push(say!(
            cx,
            "no anticoagulant is running: draw the baseline labs before starting"
        ));
        rec.alternatives.push(say!(
            cx,
            "when anticoagulation is indicated, the protocol start is {} = {} at {}",
            start.text,
            start.pump,
            p.ufh.concentration_label
        ));
        rec.cite(p.ufh.start.source.clone());
        if !has_aptt {
            cx.due("aPTT (baseline)", Due::Now, "control for ratio targets");
        }
        if !has_platelets {
            cx.due("platelets", Due::Now, "baseline before heparin");
        }
        return rec;
    }
    let recent_h = p.monitoring.ufh_recheck_h.value;
    let bolus_recently = h.hours_on_heparin.is_some()
        && cx
            .tl
            .heparin_units_between(cx.as_of.plus_hours(-recent_h.value()), cx.as_of)
            .value()
            > 0.0;
    let mut rec = Recommendation::new(Action::AdjustUfh, HEPARIN);
    rec.label = "Start heparin (when anticoagulation is indicated)".to_owned();
    set_rate(cx, &mut rec, start.rate);
    rec.target = target_text(cx);
    rec.rationale.push(say!(
        cx,
        "no heparin is running and none was stopped in the last {} h: the protocol start",
        p.resistance.new_course_after_gap_h.value.shown()
    ));
    rec.rationale.push(say!(
        cx,
        "protocol start: {} (dosing weight {})",
        start.text,
        cx.heparin_weight.describe()
    ));
    match start.bolus {
        Some(_) if cx.bleeding.high => {
            rec.rationale
                .push(say!(cx, "no start bolus: high bleeding risk ({})", bleeding_reason(cx)));
            rec.cite(p.bleeding_risk.source.clone());
        }
        Some(_) if bolus_recently => rec.rationale.push(say!(
            cx,
            "no start bolus: heparin was given in the last {} h",
            recent_h.shown()
        )),
        b => rec.bolus_units = b,
    }
    rec.rationale
        .push(say!(cx, "= {} at {}", start.rate_per_hour, p.ufh.concentration_label));
    rec.cite(p.ufh.start.source.clone());
    rec.cite(p.ufh.concentration_units_per_ml.source.clone());
    cx.due(
        "anti-Xa (with a paired aPTT)",
        Due::At(cx.as_of.after_hours(recent_h)),
        say!(cx, "{} h after the start", recent_h.shown()),
    );
    rec
}

/// A stopped DTI with no heparin after it: restart by the stop's reason.
fn restart_dti(cx: &mut Cx<'_>, seg: Segment, reason: Option<StopReason>) -> Recommendation {
    let drug = seg.drug().name();
    let end = seg.end.unwrap_or(cx.as_of);
    match reason {
        Some(r @ (StopReason::Switch | StopReason::End | StopReason::Bleeding)) => no_restart(cx, drug, end, r),
        Some(StopReason::Hold) => dti_titrate::after_stop(cx, seg),
        _ => {
            let mut rec = dti_titrate::restart_at_last_in_range(cx, seg);
            if rec.action != Action::Measure {
                let why = match reason {
                    Some(StopReason::Procedure) => "for a procedure",
                    Some(_) => "for another reason",
                    None => "(reason not recorded)",
                };
                rec.rationale.insert(0, say!(cx, "{drug} was stopped at {end} {why}"));
                rec.caveats.push(say!(
                    cx,
                    "restart when the proceduralist has cleared it; if it was stopped for bleeding, do not restart — call"
                ));
                if reason.is_none() {
                    rec.caveats
                        .push(say!(cx, "reason not recorded: record why {drug} was stopped"));
                }
            }
            rec
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{analyse, aptt, bolus, case_with, h, platelets, ufh_rate, xa};
    use super::super::super::{Action, Detail};
    use crate::model::{Event, StopReason};

    fn with_reason(mut c: crate::model::Case, at: i64, reason: StopReason) -> crate::model::Case {
        if let Some(e) = c
            .events
            .iter_mut()
            .find(|e| e.time == h(at) && e.kind.is_infusion_stop())
        {
            *e = Event::new(e.time, e.kind)
                .with_reason(Some(reason))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        c
    }

    #[test]
    fn a_procedure_stop_restarts_at_the_last_in_range_rate_without_a_bolus() {
        let c = case_with(vec![
            (0, platelets(250.0)),
            (0, bolus(6400.0)),
            (0, ufh_rate(18.0)),
            (6, xa(0.2)),
            (6, ufh_rate(19.0)),
            (12, xa(0.5)),
            (14, ufh_rate(0.0)),
        ]);
        let c = with_reason(c, 14, StopReason::Procedure);
        let r = analyse(&c, h(18), Detail::Explained).recommendation;
        assert_eq!(r.action, Action::AdjustUfh);
        assert!(r.label.starts_with("Restart heparin"), "{}", r.label);
        assert_eq!(
            r.rate.map(|x| x.value()),
            Some(19.0),
            "the rate with the anti-Xa in range"
        );
        assert!(r.bolus_units.is_none());
        assert!(r.caveats.iter().any(|c| c.contains("proceduralist")));
    }

    #[test]
    fn a_bleeding_stop_is_never_restarted_by_the_app() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.5)), (8, ufh_rate(0.0))]);
        let c = with_reason(c, 8, StopReason::Bleeding);
        let r = analyse(&c, h(10), Detail::Explained).recommendation;
        assert_eq!(r.action, Action::Measure);
        assert!(r.rate.is_none() && r.call_senior);
    }

    #[test]
    fn without_a_recent_stop_the_start_needs_the_baseline_labs() {
        let c = case_with(vec![(0, aptt(30.0))]);
        let a = analyse(&c, h(0), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Measure, "no platelet count yet");
        let c = case_with(vec![(0, aptt(30.0)), (0, platelets(230.0))]);
        let r = analyse(&c, h(0), Detail::Explained).recommendation;
        assert_eq!(r.action, Action::AdjustUfh);
        assert_eq!(r.bolus_units.map(|b| b.value()), Some(6400.0));
        assert_eq!(r.rate_change, None, "a start, not a change");
    }
}
