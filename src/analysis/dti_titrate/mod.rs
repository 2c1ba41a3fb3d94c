//! A running direct thrombin inhibitor (clinical reference §8, §5 rev 2): titration relative to the
//! patient's target, holds acted on at any time after a change (an aPTT above 3 × baseline or 100 s,
//! whichever is lower; above 100 s without a baseline), a target that needs the baseline aPTT, and the
//! restart after a stop.

use super::context::Cx;
use super::dti_switch::{dti_pump, dti_target, unreliable_baseline};
use super::timeline::{Sample, Segment};
use super::types::{Action, Due, Recommendation};
use crate::dosing::dti::{self, DtiBand, DtiTitration};
use crate::dosing::{DoseRate, Rate};
use crate::model::{Hours, Seconds, num};
use crate::protocol::DtiDrug;

/// The aPTT recheck after a change: 2 h (argatroban with hepatic impairment: the protocol's longer
/// interval).
fn recheck_h(cx: &Cx<'_>, drug: DtiDrug) -> Hours {
    if drug == DtiDrug::Argatroban && cx.hepatic.impaired {
        cx.p.argatroban.titration.above_cap_recheck_hepatic_h
    } else {
        cx.p.monitoring.dti_recheck_h.value
    }
}

/// The DTI hold threshold: 3 × baseline or 100 s, whichever is lower (100 s without a baseline).
fn hold_threshold(cx: &Cx<'_>) -> Seconds {
    let h = &cx.p.dti.hold_above;
    cx.case
        .patient
        .baseline_aptt
        .map_or(h.max_s, |b| h.ratio.of(b).min(h.max_s))
}

/// The aPTT at or below which a DTI may start after heparin that ran too high (HIT with a result at the
/// heparin hold threshold): the upper bound of the DTI target, or the hold ceiling without a baseline.
pub(super) fn start_at_or_below(cx: &Cx<'_>, drug: DtiDrug) -> Seconds {
    dti_target(cx, drug).map_or(cx.p.dti.hold_above.max_s, |t| t.high)
}

/// A DTI recommendation with its rate, pump rate and concentration.
fn with_rate(cx: &Cx<'_>, rec: &mut Recommendation, drug: DtiDrug, rate: DoseRate) {
    rec.rate = Some(rate);
    rec.pump_ml_per_h = dti_pump(cx, rate);
    rec.concentration = dti::section(cx.p, drug).concentration_label.to_owned();
}

/// On a DTI: titrate by the target once the aPTT is at steady state, and act on a high aPTT at once.
pub(super) fn titrate(cx: &mut Cx<'_>, seg: Segment) -> Recommendation {
    let Some(drug) = seg.drug().as_dti() else {
        return Recommendation::new(Action::Measure, seg.drug().name());
    };
    let Some(current) = seg.rate.dti_rate() else {
        return Recommendation::new(Action::Measure, drug.name());
    };
    let recheck = recheck_h(cx, drug);
    let latest = cx.tl.labs.aptt.latest(cx.as_of).filter(|s| s.time > seg.start);
    let Some(aptt) = latest else {
        let mut rec = continue_dti(cx, drug, current);
        rec.action = Action::Measure;
        rec.label = format!("Measure the aPTT; continue {}", drug.name());
        rec.rationale.push(say!(
            cx,
            "{} started or changed at {}: the aPTT is meaningful {} h later",
            drug.name(),
            seg.start,
            recheck.shown()
        ));
        rec.cite(cx.p.monitoring.dti_recheck_h.source.clone());
        let due = cx.due_at(seg.start.after_hours(recheck));
        cx.due(
            "aPTT",
            due,
            say!(cx, "{} h after the {} change", recheck.shown(), drug.name()),
        );
        return rec;
    };
    if cx.is_stale(aptt) {
        let mut rec = continue_dti(cx, drug, current);
        rec.action = Action::Measure;
        rec.label = format!("Measure the aPTT; continue {}", drug.name());
        rec.rationale.push(say!(
            cx,
            "latest aPTT ({}) is older than {} h",
            aptt.time,
            num(cx.max_age().value(), 0)
        ));
        cx.due("aPTT", Due::Now, "stale");
        return rec;
    }
    let value = aptt.banded;
    let high = value > hold_threshold(cx);
    let Some(target) = dti_target(cx, drug) else {
        return no_baseline(cx, drug, current, aptt, high);
    };
    let Some(baseline) = cx.patient.baseline_aptt else {
        return no_baseline(cx, drug, current, aptt, high);
    };
    let steady = aptt.time.hours_since(seg.start) >= cx.p.monitoring.dti_recheck_h.value.value();
    if !steady && !high && value <= target.high {
        let mut rec = continue_dti(cx, drug, current);
        rec.action = Action::Measure;
        rec.label = format!("Repeat the aPTT at steady state; continue {}", drug.name());
        rec.rationale.push(say!(
            cx,
            "aPTT {} at {} was drawn {} h after the change at {}: not at steady state; only a high aPTT is acted on this early",
            aptt.value,
            aptt.time,
            num(aptt.time.hours_since(seg.start), 1),
            seg.start
        ));
        let due = cx.due_at(seg.start.after_hours(recheck));
        cx.due("aPTT", due, "steady state after the change");
        return rec;
    }
    // The running rate carries its drug's own unit type: nothing is read back from a tag.
    let t = dti::titrate_dti(cx.p, value, current, &target, baseline);
    let Some(t) = t else {
        return Recommendation::new(Action::Measure, drug.name());
    };
    let mut rec = apply(cx, drug, current, &t, aptt, recheck);
    rec.target = target.describe();
    rec.caveats.extend(unreliable_baseline(cx));
    rec
}

fn continue_dti(cx: &Cx<'_>, drug: DtiDrug, current: DoseRate) -> Recommendation {
    let mut rec = Recommendation::new(Action::Continue, drug.name());
    with_rate(cx, &mut rec, drug, current);
    rec.rate_change = Some(Rate {
        value: 0.0,
        unit: current.unit(),
    });
    rec.cite(dti::section(cx.p, drug).titration_source.clone());
    rec
}

/// No baseline aPTT: the target cannot be set (needs data) — but an aPTT above 100 s is still held.
fn no_baseline(cx: &mut Cx<'_>, drug: DtiDrug, current: DoseRate, aptt: Sample<Seconds>, high: bool) -> Recommendation {
    if high {
        let mut rec = stop_and_call(cx, drug, current, None);
        rec.rationale.insert(
            0,
            say!(
                cx,
                "aPTT {} at {} is above {} (no baseline aPTT: the absolute limit still applies)",
                aptt.value,
                aptt.time,
                cx.p.dti.hold_above.max_s
            ),
        );
        rec.cite(cx.p.dti.hold_above.source.clone());
        return rec;
    }
    let mut rec = continue_dti(cx, drug, current);
    rec.action = Action::Measure;
    rec.label = format!("Enter the baseline aPTT; continue {}", drug.name());
    rec.rationale.push(say!(
        cx,
        "the {} target is a multiple of the baseline aPTT, which is not entered: titration needs data (aPTT {} at {})",
        drug.name(),
        aptt.value,
        aptt.time
    ));
    rec.cite(cx.p.dti.hold_above.source.clone());
    cx.due("aPTT (baseline value: enter it)", Due::Now, "the DTI target needs it");
    rec
}

/// Stop and call: no timed restart; the restart (at the protocol's fraction) once the aPTT is below the
/// upper bound.
fn stop_and_call(cx: &mut Cx<'_>, drug: DtiDrug, current: DoseRate, restart: Option<DoseRate>) -> Recommendation {
    let a = &cx.p.argatroban.titration;
    let recheck = recheck_h(cx, drug).max(a.above_cap_recheck_h);
    let mut rec = Recommendation::new(Action::HoldAnticoagulant, drug.name());
    rec.label = format!("Stop {} and call", drug.name());
    rec.call_senior = true;
    // Part of the headline: written in both levels of detail.
    rec.after_hold = Some(format!("aPTT in {} h decides the restart", recheck.shown()));
    rec.concentration = dti::section(cx.p, drug).concentration_label.to_owned();
    let restart = restart
        .or_else(|| (drug == DtiDrug::Argatroban).then(|| current.times_rounded(a.above_cap_restart_fraction.value())));
    if let Some(r) = restart {
        rec.rationale.push(say!(
            cx,
            "restart at {}% of the rate: {r}{} once the aPTT is below the upper bound (institutional, unvalidated)",
            num(a.above_cap_restart_fraction.value() * 100.0, 0),
            dti_pump(cx, r).map_or(String::new(), |p| format!(" = {p}"))
        ));
    }
    rec.cite(a.above_cap_source.clone());
    cx.due(
        "aPTT",
        Due::At(cx.as_of.after_hours(recheck)),
        say!(cx, "{} h after the stop: decides the restart", recheck.shown()),
    );
    rec
}

/// A titration step as a recommendation.
fn apply(
    cx: &mut Cx<'_>,
    drug: DtiDrug,
    current: DoseRate,
    t: &DtiTitration,
    aptt: Sample<Seconds>,
    recheck: Hours,
) -> Recommendation {
    let row = say!(cx, "aPTT {} at {}: {}", aptt.value, aptt.time, t.row_text);
    if t.stop_and_call {
        let mut rec = stop_and_call(cx, drug, current, t.restart_rate);
        rec.rationale.insert(0, row);
        return rec;
    }
    let Some(new_rate) = t.new_rate else {
        return Recommendation::new(Action::Measure, drug.name());
    };
    let mut rec = if t.hold_min.value() > 0.0 || t.floored_at_minimum {
        let mut r = Recommendation::new(Action::HoldAnticoagulant, drug.name());
        r.label = format!("Hold {}", drug.name());
        r.hold_minutes = (t.hold_min.value() > 0.0).then_some(t.hold_min);
        if r.hold_minutes.is_none() {
            r.label = format!("Stop {} and call", drug.name());
        }
        r.call_senior = t.floored_at_minimum;
        with_rate(cx, &mut r, drug, new_rate);
        r
    } else if t.band == DtiBand::InTarget {
        continue_dti(cx, drug, current)
    } else {
        let mut r = Recommendation::new(Action::adjust(drug.drug()), drug.name());
        with_rate(cx, &mut r, drug, new_rate);
        r.rate_change = t.change;
        r
    };
    rec.rationale.push(row);
    rec.cite(dti::section(cx.p, drug).titration_source.clone());
    if t.floored_at_minimum {
        let min = dti::section(cx.p, drug).minimum;
        rec.rationale.push(say!(
            cx,
            "the decrease would go below the minimum rate {min} (institutional, unvalidated): hold and call; restart at {new_rate}"
        ));
    }
    if t.increase_limited {
        rec.rationale.push(say!(
            cx,
            "at a rate below {} an increase is at most +{}%",
            cx.p.argatroban.titration.small_rate_below,
            num(
                cx.p.argatroban.titration.small_rate_max_increase_fraction.value() * 100.0,
                0
            )
        ));
        rec.cite(cx.p.argatroban.titration.small_rate_source.clone());
    }
    if t.capped_at_max {
        rec.caveats.push(say!(
            cx,
            "capped at the maximum {} (hard limit)",
            cx.p.argatroban.max_mcg_per_kg_per_min.value
        ));
        rec.cite(cx.p.argatroban.max_mcg_per_kg_per_min.source.clone());
    }
    if drug == DtiDrug::Bivalirudin && !cx.p.bivalirudin.titration_validated {
        rec.caveats.push(say!(
            cx,
            "bivalirudin titration table: institutional example, not validated"
        ));
    }
    if t.band == DtiBand::InTarget {
        rec.rationale.push(say!(
            cx,
            "continue {} = {}",
            current,
            rec.pump_ml_per_h.map_or("–".to_owned(), |p| p.to_string())
        ));
        let due = cx.due_at(aptt.time.after_hours(cx.p.monitoring.daily_interval_h.value));
        cx.due("aPTT", due, "in range: daily");
    } else {
        rec.rationale.push(say!(
            cx,
            "new rate {} ({}), pump {} at {}",
            new_rate,
            t.change.map_or(String::new(), |c| c.signed()),
            rec.pump_ml_per_h.map_or("–".to_owned(), |p| p.to_string()),
            dti::section(cx.p, drug).concentration_label
        ));
        cx.due(
            "aPTT",
            Due::At(cx.as_of.after_hours(recheck.plus(t.hold_min.in_hours()))),
            say!(cx, "{} h after the change", recheck.shown()),
        );
    }
    rec
}

/// The last rate at which the aPTT was in the DTI's target (at steady state), newest first.
fn last_in_range(cx: &Cx<'_>, drug: DtiDrug) -> Option<(DoseRate, Sample<Seconds>)> {
    let target = dti_target(cx, drug)?;
    let steady = cx.p.monitoring.dti_recheck_h.value.value();
    cx.tl.labs.aptt.until(cx.as_of).iter().rev().find_map(|s| {
        let v = s.banded;
        if v < target.low || v > target.high {
            return None;
        }
        let seg = cx.tl.in_effect_at(s.time).filter(|g| g.drug().as_dti() == Some(drug))?;
        (s.time.hours_since(seg.start) >= steady)
            .then(|| seg.rate.dti_rate().map(|r| (r, *s)))
            .flatten()
    })
}

/// After a stop for a procedure, another reason or none: restart at the last in-range rate, no bolus.
pub(super) fn restart_at_last_in_range(cx: &mut Cx<'_>, seg: Segment) -> Recommendation {
    let Some(drug) = seg.drug().as_dti() else {
        return Recommendation::new(Action::Measure, seg.drug().name());
    };
    let Some((rate, sample)) = last_in_range(cx, drug) else {
        let mut rec = Recommendation::new(Action::Measure, drug.name());
        rec.label = format!("Measure the aPTT before restarting {}", drug.name());
        rec.rationale.push(say!(
            cx,
            "no in-range aPTT on {} on record (or no baseline aPTT for the target): measure the aPTT and decide the restart with the physician",
            drug.name()
        ));
        rec.cite(dti::section(cx.p, drug).titration_source.clone());
        cx.due("aPTT", Due::Now, "before a restart");
        return rec;
    };
    let mut rec = Recommendation::new(Action::adjust(drug.drug()), drug.name());
    rec.label = format!("Restart {} (no bolus)", drug.name());
    with_rate(cx, &mut rec, drug, rate);
    rec.target = dti_target(cx, drug).map_or(String::new(), |t| t.describe());
    rec.rationale.push(say!(
        cx,
        "last rate with the aPTT in target: {rate} (aPTT {} at {})",
        sample.value,
        sample.time
    ));
    rec.cite(
        "clinical reference §5 [rev 2]: restart after an interruption (CHEST perioperative guidance, Douketis 2022)",
    );
    rec.cite(dti::section(cx.p, drug).titration_source.clone());
    let recheck = recheck_h(cx, drug);
    cx.due(
        "aPTT",
        Due::At(cx.as_of.after_hours(recheck)),
        say!(cx, "{} h after the restart", recheck.shown()),
    );
    rec
}

/// The table step for the aPTT that led to a hold stop: the latest aPTT drawn while the stopped rate ran.
fn step_behind_the_stop(
    cx: &Cx<'_>,
    drug: DtiDrug,
    seg: Segment,
    before: DoseRate,
) -> Option<(Sample<Seconds>, DtiTitration)> {
    let end = seg.end?;
    let aptt = cx.tl.labs.aptt.latest(end).filter(|s| s.time > seg.start)?;
    let target = dti_target(cx, drug)?;
    let baseline = cx.patient.baseline_aptt?;
    let value = aptt.banded;
    let t = dti::titrate_dti(cx.p, value, before, &target, baseline)?;
    Some((aptt, t))
}

/// A stop recorded as a table hold whose row has a timed hold: hold until it is over, then restart at
/// the row's rate (§5 rev 2, "nomogram hold → restart at that row's restart rate").
fn after_timed_hold(cx: &mut Cx<'_>, drug: DtiDrug, seg: Segment, before: DoseRate) -> Option<Recommendation> {
    let end = seg.end?;
    let (aptt, t) = step_behind_the_stop(cx, drug, seg, before)?;
    let restart = t.new_rate.filter(|_| !t.stop_and_call && t.hold_min.value() > 0.0)?;
    let restart_at = end.after_minutes(t.hold_min);
    let mut rec = if cx.as_of < restart_at {
        let left = crate::model::Minutes::new(restart_at.minutes_since(cx.as_of) as f64).unwrap_or(t.hold_min);
        let mut r = Recommendation::new(Action::HoldAnticoagulant, drug.name());
        r.label = format!("Keep {} held", drug.name());
        r.hold_minutes = Some(left);
        r.call_senior = t.floored_at_minimum;
        r
    } else {
        let mut r = Recommendation::new(Action::adjust(drug.drug()), drug.name());
        r.label = format!("Restart {} after the hold (no bolus)", drug.name());
        r
    };
    with_rate(cx, &mut rec, drug, restart);
    if let Some(target) = dti_target(cx, drug) {
        rec.target = target.describe();
    }
    rec.rationale.push(say!(
        cx,
        "{} held at {end} for aPTT {} at {} ({}): restart at {restart} from {restart_at}",
        drug.name(),
        aptt.value,
        aptt.time,
        t.row_text
    ));
    rec.cite(dti::section(cx.p, drug).titration_source.clone());
    let recheck = recheck_h(cx, drug);
    cx.due(
        "aPTT",
        Due::At(restart_at.max(cx.as_of).after_hours(recheck)),
        say!(cx, "{} h after the restart", recheck.shown()),
    );
    Some(rec)
}

/// After a stop for a high aPTT: a timed table hold restarts at the row's rate when it is over; the
/// "> 100 s" row restarts at the protocol's fraction once the aPTT is below the upper bound, and until
/// then it stays stopped.
pub(super) fn after_stop(cx: &mut Cx<'_>, seg: Segment) -> Recommendation {
    let Some(drug) = seg.drug().as_dti() else {
        return Recommendation::new(Action::Measure, seg.drug().name());
    };
    let end = seg.end.unwrap_or(cx.as_of);
    let Some(before) = seg.rate.dti_rate() else {
        return Recommendation::new(Action::Measure, drug.name());
    };
    let upper = dti_target(cx, drug).map_or(cx.p.dti.hold_above.max_s, |t| t.high);
    // A repeat aPTT after the stop that is still above the target keeps it stopped, whatever the clock.
    let repeat_high = cx
        .tl
        .labs
        .aptt
        .latest(cx.as_of)
        .is_some_and(|s| s.time > end && s.banded > upper);
    if !repeat_high && let Some(rec) = after_timed_hold(cx, drug, seg, before) {
        return rec;
    }
    let fraction = cx.p.argatroban.titration.above_cap_restart_fraction.value();
    let restart = before.times_rounded(fraction);
    let after = cx.tl.labs.aptt.latest(cx.as_of).filter(|s| s.time > end);
    match after {
        Some(s) if s.banded <= upper => {
            let mut rec = Recommendation::new(Action::adjust(drug.drug()), drug.name());
            rec.label = format!("Restart {} at {}% (no bolus)", drug.name(), num(fraction * 100.0, 0));
            with_rate(cx, &mut rec, drug, restart);
            rec.rationale.push(say!(
                cx,
                "{} stopped at {end} for a high aPTT; aPTT {} at {} is below {upper}: restart at {}% of {before}",
                drug.name(),
                s.value,
                s.time,
                num(fraction * 100.0, 0)
            ));
            rec.cite(cx.p.argatroban.titration.above_cap_source.clone());
            let recheck = recheck_h(cx, drug);
            cx.due(
                "aPTT",
                Due::At(cx.as_of.after_hours(recheck)),
                say!(cx, "{} h after the restart", recheck.shown()),
            );
            rec
        }
        _ => {
            let mut rec = stop_and_call(cx, drug, before, Some(restart));
            rec.label = format!("Keep {} stopped and call", drug.name());
            rec.rationale.insert(
                0,
                say!(
                    cx,
                    "{} stopped at {end} for a high aPTT: no aPTT below {upper} since",
                    drug.name()
                ),
            );
            rec
        }
    }
}

#[cfg(test)]
mod tests;
