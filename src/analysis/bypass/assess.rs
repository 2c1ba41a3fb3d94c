//! The perfusionist's numbers (clinical reference §10), typed and without a word of text: the baseline
//! and current ACT, the cumulative heparin, the Bull dose-response line through the baseline and the
//! first ACT after heparin, R4, the heparin sensitivity, the additional dose to the target ACT, the
//! residual heparin and what protamine would neutralise.

use super::super::timeline::{Sample, Timeline};
use crate::dosing::bypass::{DoseResponse, infusion_heparin_to_neutralise};
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

/// The numbers at one time.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BypassNumbers {
    /// First heparin of the case, if given by now.
    pub first_heparin: Option<ClinicalTime>,
    /// The last ACT at or before the first heparin (or the last ACT, before any heparin).
    pub baseline: Option<Sample<Seconds>>,
    /// ACTs after the first heparin, in order.
    pub after: Vec<Sample<Seconds>>,
    pub target: Seconds,
    pub cumulative: UnitsPerKg,
    pub line: Option<DoseResponse>,
    /// R4: ACT below target after at least the protocol's cumulative dose.
    pub resistance: bool,
    pub low_sensitivity: Option<bool>,
    pub additional: Option<UnitsPerKg>,
    pub residual: Option<UnitsPerKg>,
    pub neutralise: Option<Neutralise>,
}

impl BypassNumbers {
    /// The latest ACT after heparin.
    pub fn current(&self) -> Option<Sample<Seconds>> {
        self.after.last().copied()
    }
}

/// Cumulative heparin per kg given up to `t`.
pub(super) fn per_kg_at(tl: &Timeline, weight: Kilograms, t: ClinicalTime) -> UnitsPerKg {
    tl.cumulative_heparin_units(t).per_kg(weight)
}

/// The numbers at `as_of`.
pub(super) fn assess(tl: &Timeline, weight: Kilograms, as_of: ClinicalTime, b: &Bypass) -> BypassNumbers {
    let target = b.target_act_s.value;
    let first = tl.first_heparin().filter(|t| *t <= as_of);
    let acts = tl.labs.act.until(as_of);
    let baseline = match first {
        Some(f) => acts.iter().rev().find(|s| s.time <= f).copied(),
        None => acts.last().copied(),
    };
    let after: Vec<Sample<Seconds>> = match first {
        Some(f) => acts.iter().filter(|s| s.time > f).copied().collect(),
        None => Vec::new(),
    };
    let calibration = after.first().copied();
    let current = after.last().copied();
    let line = match (baseline, calibration) {
        (Some(b0), Some(c1)) => DoseResponse::fit(b0.value, c1.value, per_kg_at(tl, weight, c1.time)),
        _ => None,
    };
    let cumulative = per_kg_at(tl, weight, as_of);
    let resistance =
        current.is_some_and(|c| per_kg_at(tl, weight, c.time) >= b.resistance_units_per_kg.value && c.value < target);
    let low_sensitivity = line.map(|l| l.slope < b.low_sensitivity_below_s_per_unit_per_kg.value);
    let additional = match (line, current) {
        (Some(l), Some(c)) if c.value < target => Some(l.additional_to_target(c.value, target)),
        _ => None,
    };
    let residual = match (line, current) {
        (Some(l), Some(c)) => Some(l.residual(c.value)),
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
        first_heparin: first,
        baseline,
        after,
        target,
        cumulative,
        line,
        resistance,
        low_sensitivity,
        additional,
        residual,
        neutralise,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{act, bolus, case_in, h};
    use super::*;
    use crate::model::Setting;
    use crate::protocol::Protocol;

    fn numbers(events: Vec<(i64, crate::model::EventKind)>, at: i64) -> BypassNumbers {
        let c = case_in(Setting::Cpb, events);
        let p = Protocol::builtin("adult-cpb").unwrap();
        let tl = Timeline::new(&c);
        assess(&tl, c.patient.weight.kg, h(at), p.bypass.as_ref().unwrap())
    }

    #[test]
    fn the_bull_line_runs_through_the_baseline_and_the_first_act_after_heparin() {
        // 80 kg: 32,000 units = 400 units/kg; ACT 130 → 350 s: slope 0.55 s per units/kg.
        let n = numbers(vec![(0, act(130.0)), (1, bolus(32_000.0)), (2, act(350.0))], 2);
        let line = n.line.unwrap();
        assert!((line.slope.value() - 220.0 / 400.0).abs() < 1e-9);
        // (480 − 350) ÷ 0.55 = 236 units/kg more.
        assert!((n.additional.unwrap().value() - 130.0 / 0.55).abs() < 1e-9);
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
        assert_eq!(n.baseline.map(|s| s.value.value()), Some(125.0));
        assert!(n.after.is_empty() && n.line.is_none() && n.neutralise.is_none());
    }
}
