//! The heparin recommendation's parts, written once for every branch that gives one: continue, the
//! nomogram step (bolus capped or omitted, rate rounded, pump rate), a hold with its restart rate, and the
//! target shown on the card (the monitoring assay's, and the one heparin aPTT range).

use super::super::context::{Cx, Monitor, Reading};
use super::super::pairing::Level;
use super::super::types::{Action, Due, HeparinExposure, Recommendation};
use crate::dosing::ufh::{self, UfhStep};
use crate::dosing::{DoseRate, Rate, RateUnit};
use crate::model::{Minutes, UnitsPerKgPerHour};
use crate::protocol::Nomogram;

pub(super) const HEPARIN: &str = "unfractionated heparin";

/// The card's target line: the anti-Xa target and the heparin aPTT range.
pub(super) fn target_text(cx: &Cx<'_>) -> String {
    let t = cx.p.ufh.anti_xa_target.value;
    format!(
        "anti-Xa {}–{} units/mL; {}",
        t.low.shown(),
        t.high.shown(),
        cx.aptt_range.describe(cx.p)
    )
}

/// Sets the heparin rate, its pump rate and concentration on a recommendation.
pub(super) fn set_rate(cx: &Cx<'_>, rec: &mut Recommendation, rate: UnitsPerKgPerHour) {
    let rate = ufh::shown_rate(rate);
    let per_hour = rate.for_weight(cx.hkg());
    rec.rate = Some(DoseRate::Heparin(rate));
    rec.pump_ml_per_h = Some(per_hour.pump_rate(cx.p.ufh.concentration_units_per_ml.value));
    if cx.explain {
        rec.concentration = cx.p.ufh.concentration_label.clone();
    }
}

/// Continue the running heparin at its rate (per kg of the heparin dosing weight).
pub(super) fn continue_ufh(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    let mut rec = Recommendation::new(Action::Continue, HEPARIN);
    if let Some(per_kg) = h.current_rate_units_per_kg_per_h {
        set_rate(cx, &mut rec, per_kg);
        rec.rate_change = Some(Rate {
            value: 0.0,
            unit: RateUnit::UnitsPerKgPerHour,
        });
        // The running rate as it runs: its pump rate from the units/h, never from a rounded per-kg figure.
        if let Some(per_hour) = h.current_rate_units_per_h {
            rec.pump_ml_per_h = Some(per_hour.pump_rate(cx.p.ufh.concentration_units_per_ml.value));
            rec.rationale.push(say!(
                cx,
                "continue the running {per_hour} ({}) unchanged",
                ufh::shown_rate(per_kg)
            ));
        }
    }
    if cx.explain {
        rec.target = target_text(cx);
    }
    rec
}

/// A heparin hold: `hold` minutes (`None`: stop and call), then `restart` (`None`: decided on a repeat
/// result).
pub(super) fn hold_rec(
    cx: &mut Cx<'_>,
    hold: Option<Minutes>,
    restart: Option<UnitsPerKgPerHour>,
    call: bool,
) -> Recommendation {
    let mut rec = Recommendation::new(Action::HoldAnticoagulant, HEPARIN);
    rec.label = match hold {
        None => "Stop heparin and call".to_owned(),
        Some(_) => "Hold heparin".to_owned(),
    };
    rec.hold_minutes = hold;
    rec.call_senior = call || hold.is_none();
    if let Some(r) = restart {
        set_rate(cx, &mut rec, r);
    }
    if cx.explain {
        rec.target = target_text(cx);
    }
    rec
}

/// Where a bolus of the step may go: omitted with high bleeding risk (outside bypass) or at a restart,
/// else the capped amount, each said in the rationale.
fn bolus_of(cx: &Cx<'_>, step: &UfhStep, rec: &mut Recommendation) {
    let Some(b) = step.bolus else { return };
    if cx.bleeding.high {
        rec.rationale.push(say!(
            cx,
            "no bolus ({} by the nomogram): high bleeding risk ({})",
            b.given,
            bleeding_reason(cx)
        ));
        rec.cite(cx.p.bleeding_risk.source.clone());
        return;
    }
    rec.bolus_units = Some(b.given);
    if b.was_capped() {
        rec.rationale.push(say!(
            cx,
            "bolus calculated {} on {}, capped at {} ({})",
            b.calculated,
            step.dosing_weight,
            b.given,
            cx.p.ufh.bolus_cap.source
        ));
        rec.cite(cx.p.ufh.bolus_cap.source.clone());
    }
}

/// Why bleeding risk is high, in words.
pub(super) fn bleeding_reason(cx: &Cx<'_>) -> String {
    let mut why: Vec<String> = Vec::new();
    if cx.bleeding.flagged {
        why.push("flagged".to_owned());
    }
    why.extend(cx.bleeding.by_labs.iter().cloned());
    why.join(", ")
}

/// A nomogram step as a recommendation: continue, adjust (bolus and rate), or hold (with its restart
/// rate; a decrease that would pass the minimum rate is a hold with a call).
pub(super) fn apply_step(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    reading: Reading,
    nomogram: &Nomogram,
    step: &UfhStep,
) -> Recommendation {
    let p = cx.p;
    let row = step.row_text(nomogram);
    let mut rec = if step.hold_min.value() > 0.0 || step.floored_at_minimum {
        let hold = (step.hold_min.value() > 0.0).then_some(step.hold_min);
        let mut r = hold_rec(cx, hold, Some(step.new_rate), step.floored_at_minimum);
        if step.floored_at_minimum && hold.is_none() {
            r.hold_minutes = None;
        }
        r
    } else if step.is_no_change() {
        continue_ufh(cx, h)
    } else {
        let mut r = Recommendation::new(Action::AdjustUfh, HEPARIN);
        set_rate(cx, &mut r, step.new_rate);
        r.rate_change = Some(step.change);
        if cx.explain {
            r.target = target_text(cx);
        }
        r
    };
    // The reading already names its time ("anti-Xa 0.18 units/mL at 18:00 (0 h ago)"): said once (issue 29).
    rec.rationale
        .push(say!(cx, "{}: {row}", monitor.reading_text(cx, reading)));
    rec.cite(nomogram.source.clone());
    if !nomogram.validated {
        rec.caveats.push(say!(
            cx,
            "{} is an institutional adaptation, not a validated nomogram",
            nomogram.name
        ));
    }
    if step.floored_at_minimum {
        rec.rationale.push(say!(
            cx,
            "the row's decrease would go below the minimum rate {} (institutional, unvalidated): hold and call; restart at {}",
            p.ufh.minimum_rate_units_per_kg_per_h.value,
            step.new_rate
        ));
        rec.cite(p.ufh.minimum_rate_units_per_kg_per_h.source.clone());
    }
    if rec.action == Action::AdjustUfh {
        bolus_of(cx, step, &mut rec);
        rec.rationale.push(say!(
            cx,
            "new rate {} = {} on {} ({} → {}), pump {} at {}",
            step.new_rate,
            step.new_rate_per_hour,
            cx.heparin_weight.describe(),
            h.current_rate_units_per_kg_per_h
                .map_or(String::new(), |r| r.to_string()),
            step.new_rate,
            step.pump,
            p.ufh.concentration_label
        ));
    }
    if !step.is_no_change() {
        let due = cx.as_of.after_hours(step.recheck_h.plus(step.hold_min.in_hours()));
        cx.due(
            monitor.paired_test(),
            Due::At(due),
            "recheck per nomogram after the change",
        );
    }
    rec
}

/// The nomogram and the step for a reading at the running rate (`None` without a running rate or a row).
pub(super) fn step_for<'p>(
    cx: &Cx<'p>,
    h: &HeparinExposure,
    monitor: Monitor,
    reading: Reading,
) -> Option<(&'p Nomogram, UfhStep)> {
    step_at(cx, monitor, reading, h.current_rate_units_per_kg_per_h?)
}

/// The nomogram and the step for a reading at `current` (a stopped infusion's last rate at a restart).
pub(super) fn step_at<'p>(
    cx: &Cx<'p>,
    monitor: Monitor,
    reading: Reading,
    current: UnitsPerKgPerHour,
) -> Option<(&'p Nomogram, UfhStep)> {
    let p = cx.p;
    match reading {
        Reading::AntiXa(s) => {
            let n = &p.ufh.anti_xa_nomogram;
            ufh::nomogram_step(p, n, s.banded.value(), current, cx.hkg()).map(|st| (n, st))
        }
        Reading::Aptt(s) => {
            let n = &p.ufh.aptt_nomogram;
            let ratio = s.banded.value() / monitor.aptt.control.seconds.value();
            let mut step = ufh::nomogram_step(p, n, ratio, current, cx.hkg())?;
            // One range (§9 rev 2): a calibrated range decides "in range"; the ratio rows only step.
            let level = monitor.level(reading);
            let target = n.target_row;
            let wanted = match (level, step.row_index.cmp(&target)) {
                (Level::InRange, _) => Some(target),
                (Level::Below, std::cmp::Ordering::Equal | std::cmp::Ordering::Greater) => target.checked_sub(1),
                (Level::Above, std::cmp::Ordering::Equal | std::cmp::Ordering::Less) => Some(target + 1),
                _ => None,
            };
            if let Some(row) = wanted.and_then(|i| n.rows.get(i).map(|r| (i, r)))
                && row.0 != step.row_index
            {
                let value = row.1.to.map_or(row.1.from + 1.0, |to| (row.1.from + to) / 2.0);
                step = ufh::nomogram_step(p, n, value, current, cx.hkg())?;
            }
            Some((n, step))
        }
    }
}

/// A measure-first recommendation that carries the nomogram step for the running heparin (rate,
/// bolus, pump rate), or the running rate when escalation is not allowed.
pub(super) fn measure_with_step(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    reading: Option<Reading>,
    what: &str,
    escalate: bool,
) -> Recommendation {
    let mut rec = Recommendation::new(Action::Measure, HEPARIN);
    let step = reading.filter(|_| escalate).and_then(|r| step_for(cx, h, monitor, r));
    match step {
        Some((n, st)) if !st.is_no_change() && st.hold_min.value() == 0.0 => {
            rec.label = format!("Measure {what}; meanwhile heparin");
            set_rate(cx, &mut rec, st.new_rate);
            rec.rate_change = Some(st.change);
            if let (Some(b), false) = (st.bolus, cx.bleeding.high) {
                rec.bolus_units = Some(b.given);
            }
            rec.rationale.push(say!(
                cx,
                "meanwhile the nomogram step for the running heparin: {}",
                st.row_text(n)
            ));
            if st.bolus.is_some() && cx.bleeding.high {
                rec.rationale
                    .push(say!(cx, "no bolus: high bleeding risk ({})", bleeding_reason(cx)));
            }
            rec.cite(n.source.clone());
        }
        _ => {
            rec.label = format!("Measure {what}; continue heparin");
            if let Some(r) = h.current_rate_units_per_kg_per_h {
                set_rate(cx, &mut rec, r);
            }
        }
    }
    if cx.explain {
        rec.target = target_text(cx);
    }
    rec
}
