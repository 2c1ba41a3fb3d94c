//! The perfusionist's numbers (clinical reference §10, rev 2), typed and without a word of text. Bypass
//! heparin counts from the most recent bolus of at least 200 units/kg that has an ACT in the 60 min
//! before it (that ACT is the baseline); heparin before it — days of ICU infusion — is pre-bypass history,
//! not counted for R4 or the dose-response line. From there: the Bull line through the baseline and the
//! first ACT after the bolus, R4, the heparin sensitivity, the additional dose to the target ACT (and
//! whether it passes the caps), the residual heparin and what protamine would neutralise.

use super::super::timeline::{Bolus, InfusionRate, Sample, Timeline};
use crate::dosing::bypass::{DoseResponse, infusion_heparin_to_neutralise};
use crate::model::Anticoagulant;
use crate::model::{ClinicalTime, Kilograms, Seconds, Units, UnitsPerHour, UnitsPerKg};
use crate::protocol::Bypass;

/// What the protamine estimate neutralises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Neutralise {
    /// A running infusion: the protocol's fractions of the last hours' heparin.
    Infusion { rate: UnitsPerHour, units: Units },
    /// No infusion: the heparin still active by the dose-response line.
    Residual { per_kg: UnitsPerKg, units: Units },
}

impl Neutralise {
    pub fn units(self) -> Units {
        match self {
            Self::Infusion { units, .. } | Self::Residual { units, .. } => units,
        }
    }
}

/// Where bypass heparin began.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct BypassStart {
    pub bolus: Bolus,
    /// The ACT in the window before the bolus (`None`: the bolus had none; no line can be drawn).
    pub baseline: Option<Sample<Seconds>>,
    /// Heparin was infused within the protocol's hours before the baseline ACT.
    pub baseline_not_heparin_free: bool,
}

/// The numbers at one time.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BypassNumbers {
    pub start: Option<BypassStart>,
    /// The latest ACT before bypass heparin (the baseline when bypass has not begun).
    pub pre_bypass_act: Option<Sample<Seconds>>,
    /// ACTs after the bypass bolus, in order.
    pub after: Vec<Sample<Seconds>>,
    pub target: Seconds,
    /// Heparin given for bypass (from the bypass bolus on).
    pub cumulative: UnitsPerKg,
    pub line: Option<DoseResponse>,
    /// R4: ACT below target after at least the protocol's bypass dose.
    pub resistance: bool,
    pub low_sensitivity: Option<bool>,
    /// The dose the line calculates to the target, uncapped (information when above the cap).
    pub calculated: Option<UnitsPerKg>,
    /// The dose that may be given: the calculated dose when within the single and cumulative caps.
    pub additional: Option<UnitsPerKg>,
    /// The calculated dose passes a cap: the advice is antithrombin.
    pub beyond_cap: bool,
    pub residual: Option<UnitsPerKg>,
    pub neutralise: Option<Neutralise>,
}

impl BypassNumbers {
    /// The latest ACT after the bypass bolus.
    pub fn current(&self) -> Option<Sample<Seconds>> {
        self.after.last().copied()
    }

    /// The baseline ACT of the line.
    pub fn baseline(&self) -> Option<Sample<Seconds>> {
        match &self.start {
            Some(s) => s.baseline,
            None => self.pre_bypass_act,
        }
    }
}

/// Heparin given for bypass from `from` (inclusive) to `t`, per kg.
pub(super) fn bypass_per_kg(tl: &Timeline, weight: Kilograms, from: ClinicalTime, t: ClinicalTime) -> UnitsPerKg {
    tl.heparin_units_between(from.plus_minutes(-1), t).per_kg(weight)
}

/// The start of the current bypass session (clinical reference §14.7): the run of heparin boluses and ACTs
/// ending at the latest one with no gap over the protocol's hours, after `ended_at` (the latest protamine
/// given on bypass, which ends a session: neutralised heparin does not count).
pub(super) fn session_start(
    tl: &Timeline,
    as_of: ClinicalTime,
    ended_at: Option<ClinicalTime>,
    b: &Bypass,
) -> Option<ClinicalTime> {
    let gap = b.session_gap_h.value.value();
    let mut times: Vec<ClinicalTime> = tl
        .labs
        .act
        .until(as_of)
        .iter()
        .map(|a| a.time)
        .chain(tl.boluses().iter().map(|x| x.time).filter(|t| *t <= as_of))
        .filter(|t| ended_at.is_none_or(|e| *t > e))
        .collect();
    times.sort_unstable();
    let mut start = *times.last()?;
    for t in times.iter().rev().skip(1) {
        if start.hours_since(*t) > gap {
            break;
        }
        start = *t;
    }
    Some(start)
}

/// The bolus bypass heparin counts from: the first ≥ the protocol's bolus of the session with an ACT in
/// the window before it (a later top-up does not restart the count, §14.7); failing that, the first such
/// bolus without one.
fn bypass_start(
    tl: &Timeline,
    weight: Kilograms,
    as_of: ClinicalTime,
    session: Option<ClinicalTime>,
    b: &Bypass,
) -> Option<BypassStart> {
    let min = b.bypass_bolus_from_units_per_kg.value;
    let window = b.baseline_act_within_min.value.value() as i64;
    let acts = tl.labs.act.until(as_of);
    let big: Vec<Bolus> = tl
        .boluses()
        .iter()
        .filter(|x| x.time <= as_of && session.is_none_or(|s| x.time >= s) && x.units.per_kg(weight) >= min)
        .copied()
        .collect();
    let with_act = |bolus: &Bolus| {
        acts.iter()
            .rev()
            .find(|a| a.time <= bolus.time && bolus.time.minutes_since(a.time) <= window)
            .copied()
    };
    let chosen = big
        .iter()
        .find_map(|x| with_act(x).map(|a| (*x, Some(a))))
        .or_else(|| big.first().map(|x| (*x, None)))?;
    let (bolus, baseline) = chosen;
    let free_after = b.heparin_free_after_h.value.value();
    let not_free = baseline.is_some_and(|a| {
        tl.segments().iter().any(|s| {
            matches!(s.rate, InfusionRate::Ufh(_))
                && s.drug() == Anticoagulant::Heparin
                && s.start <= a.time
                && s.end.is_none_or(|e| a.time.hours_since(e) < free_after)
        })
    });
    Some(BypassStart {
        bolus,
        baseline,
        baseline_not_heparin_free: not_free,
    })
}

/// The numbers at `as_of` on the heparin dosing weight.
pub(super) fn assess(
    tl: &Timeline,
    weight: Kilograms,
    as_of: ClinicalTime,
    session_ended_at: Option<ClinicalTime>,
    b: &Bypass,
) -> BypassNumbers {
    let target = b.target_act_s.value;
    let session = session_start(tl, as_of, session_ended_at, b);
    let start = bypass_start(tl, weight, as_of, session, b);
    let acts = tl.labs.act.until(as_of);
    let pre_bypass_act = match &start {
        Some(s) => acts.iter().rev().find(|a| a.time <= s.bolus.time).copied(),
        None => acts.last().copied(),
    };
    let after: Vec<Sample<Seconds>> = match &start {
        Some(s) => acts.iter().filter(|a| a.time > s.bolus.time).copied().collect(),
        None => Vec::new(),
    };
    let from = start.map(|s| s.bolus.time);
    let per_kg_at = |t: ClinicalTime| from.map_or(UnitsPerKg::ZERO, |f| bypass_per_kg(tl, weight, f, t));
    let calibration = after.first().copied();
    let current = after.last().copied();
    let line = match (start.and_then(|s| s.baseline), calibration) {
        (Some(b0), Some(c1)) => DoseResponse::fit(b0.value, c1.value, per_kg_at(c1.time)),
        _ => None,
    };
    let cumulative = per_kg_at(as_of);
    let resistance = current.is_some_and(|c| per_kg_at(c.time) >= b.resistance_units_per_kg.value && c.value < target);
    let low_sensitivity = line.map(|l| l.slope < b.low_sensitivity_below_s_per_unit_per_kg.value);
    let calculated = match (line, current) {
        (Some(l), Some(c)) if c.value < target => Some(l.additional_to_target(c.value, target)),
        _ => None,
    };
    let room = b.max_cumulative_units_per_kg.value.minus_floored(cumulative);
    let beyond_cap = calculated.is_some_and(|x| x > b.max_additional_units_per_kg.value || x > room);
    let additional = calculated.filter(|_| !beyond_cap);
    // The line's residual, never more than the heparin given for bypass (the review: 527 units/kg
    // "remaining" of 520 given, extrapolated past the line's range): no more can remain than was given.
    let residual = match (line, current) {
        (Some(l), Some(c)) => Some(l.residual(c.value).min(per_kg_at(c.time))),
        _ => None,
    };
    let neutralise = match tl.ufh_rate(as_of) {
        Some(rate) => {
            let hours = tl.heparin_units_per_recent_hour(as_of, b.protamine.infusion_hour_fractions.len());
            Some(Neutralise::Infusion {
                rate,
                units: infusion_heparin_to_neutralise(&hours, &b.protamine.infusion_hour_fractions),
            })
        }
        None => residual.map(|per_kg| Neutralise::Residual {
            per_kg,
            units: per_kg.for_weight(weight),
        }),
    };
    BypassNumbers {
        start,
        pre_bypass_act,
        after,
        target,
        cumulative,
        line,
        resistance,
        low_sensitivity,
        calculated,
        additional,
        beyond_cap,
        residual,
        neutralise,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{act, bolus, case_in, h, ufh_rate};
    use super::*;
    use crate::model::Setting;
    use crate::protocol::Protocol;

    fn numbers(events: Vec<(i64, crate::model::EventKind)>, at: i64) -> BypassNumbers {
        let c = case_in(Setting::Cpb, events);
        let p = Protocol::builtin("adult-cpb").unwrap();
        let tl = Timeline::new(&c, c.patient.weight.kg);
        assess(&tl, c.patient.weight.kg, h(at), None, p.bypass.as_ref().unwrap())
    }

    #[test]
    fn the_bull_line_runs_through_the_baseline_and_the_first_act_after_heparin() {
        // 80 kg: 32,000 units = 400 units/kg; ACT 130 → 350 s: slope 0.55 s per units/kg.
        let n = numbers(vec![(0, act(130.0)), (1, bolus(32_000.0)), (2, act(350.0))], 2);
        let line = n.line.unwrap();
        assert!((line.slope.value() - 220.0 / 400.0).abs() < 1e-9);
        // (480 − 350) ÷ 0.55 = 236 units/kg more: above the 200 units/kg cap, so not given as heparin.
        assert!((n.calculated.unwrap().value() - 130.0 / 0.55).abs() < 1e-9);
        assert!(n.beyond_cap && n.additional.is_none());
        assert!((n.residual.unwrap().value() - 400.0).abs() < 1e-9);
        assert_eq!(n.low_sensitivity, Some(true), "0.55 < 1.3 s per units/kg");
        assert!(!n.resistance, "400 units/kg is below R4's 500");
    }

    #[test]
    fn r4_is_an_act_below_target_after_the_resistance_dose() {
        // 520 units/kg (41,600 units at 80 kg), ACT 420 s.
        let n = numbers(vec![(0, act(130.0)), (1, bolus(41_600.0)), (2, act(420.0))], 2);
        assert!(n.resistance);
        let at_target = numbers(vec![(0, act(130.0)), (1, bolus(41_600.0)), (2, act(500.0))], 2);
        assert!(!at_target.resistance);
        assert_eq!(at_target.additional, None);
    }

    #[test]
    fn without_heparin_the_last_act_is_the_baseline() {
        let n = numbers(vec![(0, act(120.0)), (1, act(125.0))], 1);
        assert_eq!(n.baseline().map(|s| s.value.value()), Some(125.0));
        assert!(n.after.is_empty() && n.line.is_none() && n.neutralise.is_none());
    }

    #[test]
    fn icu_heparin_before_the_bypass_bolus_is_history_not_bypass_heparin() {
        // 3 days at 18 units/kg/h (1,296 units/kg), stopped 2 h before the baseline ACT; then 400 units/kg.
        let n = numbers(
            vec![
                (0, ufh_rate(18.0)),
                (72, ufh_rate(0.0)),
                (74, act(130.0)),
                (75, bolus(32_000.0)),
                (76, act(400.0)),
            ],
            76,
        );
        assert!((n.cumulative.value() - 400.0).abs() < 1e-9, "{}", n.cumulative);
        assert!(!n.resistance);
        let start = n.start.unwrap();
        assert_eq!(start.baseline.map(|s| s.value.value()), Some(130.0));
        assert!(
            start.baseline_not_heparin_free,
            "heparin within 4 h before the baseline ACT"
        );
        // (480 − 400) ÷ (270 ÷ 400) = 118.5 units/kg.
        assert!((n.additional.unwrap().value() - 80.0 / 0.675).abs() < 1e-9);
    }
}
