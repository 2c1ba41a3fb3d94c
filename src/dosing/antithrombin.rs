//! Antithrombin supplementation (clinical reference §6). The plasma-derived label formula DIVIDES by the
//! recovery (1.4 % per units/kg); the recombinant product has its own divisors. The two are never mixed.

use crate::model::{Kilograms, Percent, PercentPerUnitPerKg, Units, num};
use crate::protocol::rules::{PlasmaDerivedAt, RecombinantAt};

/// A dose rounded to whole vials, with the unrounded value kept for display.
#[derive(Debug, Clone, PartialEq)]
pub struct VialRounding {
    pub unrounded: Units,
    pub rounded: Units,
    /// (vial size, count), largest first.
    pub vials: Vec<(Units, u32)>,
}

impl VialRounding {
    #[must_use]
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .vials
            .iter()
            .map(|(size, n)| format!("{n} × {}-unit vial{}", size.shown(), if *n == 1 { "" } else { "s" }))
            .collect();
        format!(
            "{} (calculated {}; {})",
            self.rounded,
            self.unrounded,
            parts.join(" + ")
        )
    }
}

/// How a dose is rounded to vials (clinical reference §14.6): up when the nearest combination is more than
/// `round_up_short` below the dose, and never above `hard_max` (the protocol's hard limit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VialPolicy {
    pub round_up_short: Percent,
    pub hard_max: Option<Units>,
}

impl VialPolicy {
    /// The protocol's policy for a patient of `kg` (the antithrombin dosing weight): its round-up margin, and
    /// the lower of its hard limits in units and in units/kg.
    #[must_use]
    pub fn of(protocol: &crate::protocol::Protocol, kg: Kilograms) -> Self {
        let limits = &protocol.plausibility;
        let per_kg = limits.antithrombin_units_per_kg.hard_max.map(|m| m.for_weight(kg));
        let hard_max = match (limits.antithrombin_units.hard_max, per_kg) {
            (Some(a), Some(b)) => Some(if a.value() <= b.value() { a } else { b }),
            (a, b) => a.or(b),
        };
        Self {
            round_up_short: protocol.antithrombin.vial_round_up_short_percent.value,
            hard_max,
        }
    }
}

/// The nearest combination of vials, rounded up by one smallest vial when the nearest is more than the
/// policy's percentage below the dose, and brought back under the hard limit if rounding crossed it (the
/// unrounded dose is kept for display).
#[must_use]
pub fn round_to_vials_by(dose: Units, vial_sizes: &[Units], policy: VialPolicy) -> VialRounding {
    let nearest = round_to_vials(dose, vial_sizes);
    let Some(smallest) = vial_sizes
        .iter()
        .copied()
        .filter(|v| v.value() > 0.0)
        .min_by(|a, b| a.value().total_cmp(&b.value()))
    else {
        return nearest;
    };
    let short = dose.value() - nearest.rounded.value();
    let mut rounded = nearest.rounded.value();
    if short > dose.value() * policy.round_up_short.value() / 100.0 {
        rounded += smallest.value();
    }
    if let Some(max) = policy.hard_max {
        while rounded > max.value() && rounded - smallest.value() >= smallest.value() {
            rounded -= smallest.value();
        }
    }
    if (rounded - nearest.rounded.value()).abs() < 1e-9 {
        return nearest;
    }
    let mut again = round_to_vials(Units::new(rounded).unwrap_or(nearest.rounded), vial_sizes);
    again.unrounded = dose;
    again
}

/// Rounds to the nearest multiple of the smallest vial (at least one vial when any dose is due), then
/// makes it up from the largest vials first. Without a vial size (never in a validated protocol) nothing
/// is rounded and no vial is listed.
#[must_use]
pub fn round_to_vials(dose: Units, vial_sizes: &[Units]) -> VialRounding {
    let mut sizes: Vec<Units> = vial_sizes.iter().copied().filter(|v| v.value() > 0.0).collect();
    sizes.sort_by(|a, b| b.value().total_cmp(&a.value()));
    let Some(smallest) = sizes.last().copied() else {
        return VialRounding {
            unrounded: dose,
            rounded: dose,
            vials: Vec::new(),
        };
    };
    if dose.value() <= 0.0 {
        return VialRounding {
            unrounded: dose,
            rounded: dose,
            vials: Vec::new(),
        };
    }
    let multiples = (dose.value() / smallest.value()).round().max(1.0);
    let rounded = smallest.times(multiples as u32);
    let mut left = rounded.value();
    let mut vials = Vec::new();
    for size in sizes {
        let n = (left / size.value() + 1e-9).floor();
        if n >= 1.0 {
            vials.push((size, n as u32));
            left -= n * size.value();
        }
    }
    VialRounding {
        unrounded: dose,
        rounded,
        vials,
    }
}

/// Plasma-derived AT: units = (target − baseline) × kg ÷ recovery.
#[derive(Debug, Clone, PartialEq)]
pub struct PlasmaDerivedDose {
    pub baseline: Percent,
    pub target: Percent,
    pub dose: Units,
    pub maintenance_per_24h: Units,
    weight: Kilograms,
    recovery_percent_per_unit_per_kg: PercentPerUnitPerKg,
}

impl PlasmaDerivedDose {
    /// The calculation with the patient's numbers, written when it is shown.
    #[must_use]
    pub fn formula(&self) -> String {
        format!(
            "({} − {}) × {} ÷ {} = {}",
            self.target,
            self.baseline,
            self.weight,
            self.recovery_percent_per_unit_per_kg.shown(),
            self.dose
        )
    }
}

#[must_use]
pub fn plasma_derived_dose(
    baseline: Percent,
    target: Percent,
    weight: Kilograms,
    p: &PlasmaDerivedAt,
) -> PlasmaDerivedDose {
    let dose = target
        .minus_floored(baseline)
        .dose_for_rise(weight, p.recovery_percent_per_unit_per_kg);
    PlasmaDerivedDose {
        baseline,
        target,
        dose,
        maintenance_per_24h: dose.share(p.maintenance_fraction_per_24h),
        weight,
        recovery_percent_per_unit_per_kg: p.recovery_percent_per_unit_per_kg,
    }
}

/// Expected AT rise from a dose: units ÷ kg × recovery (percentage points).
#[must_use]
pub fn expected_rise_percent(dose: Units, weight: Kilograms, recovery: PercentPerUnitPerKg) -> Percent {
    dose.expected_rise(weight, recovery)
}

/// Recombinant AT (antithrombin alfa): load and maintenance per hour.
#[derive(Debug, Clone, PartialEq)]
pub struct RecombinantDose {
    pub load: Units,
    pub maintenance_per_hour: Units,
    baseline: Percent,
    weight: Kilograms,
    target_percent: Percent,
    load_divisor: PercentPerUnitPerKg,
    maintenance_divisor: PercentPerUnitPerKg,
    pregnant: bool,
}

impl RecombinantDose {
    /// The calculation with the patient's numbers, written when it is shown.
    #[must_use]
    pub fn formula(&self) -> String {
        format!(
            "load ({} − {}) ÷ {} × {} = {}; then ({} − {}) ÷ {} × {} = {} per hour{}",
            num(self.target_percent.value(), 0),
            self.baseline,
            num(self.load_divisor.value(), 1),
            self.weight,
            self.load,
            num(self.target_percent.value(), 0),
            self.baseline,
            num(self.maintenance_divisor.value(), 1),
            self.weight,
            self.maintenance_per_hour,
            if self.pregnant { " (pregnancy divisors)" } else { "" }
        )
    }
}

#[must_use]
pub fn recombinant_dose(baseline: Percent, weight: Kilograms, pregnant: bool, p: &RecombinantAt) -> RecombinantDose {
    let (load_divisor, maintenance_divisor) = if pregnant {
        (p.pregnancy_load_divisor, p.pregnancy_maintenance_divisor)
    } else {
        (p.load_divisor, p.maintenance_divisor)
    };
    let gap = p.target_percent.minus_floored(baseline);
    RecombinantDose {
        load: gap.per_recovery(load_divisor).for_weight(weight),
        maintenance_per_hour: gap.per_recovery(maintenance_divisor).for_weight(weight),
        baseline,
        weight,
        target_percent: p.target_percent,
        load_divisor,
        maintenance_divisor,
        pregnant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;

    fn pct(v: f64) -> Percent {
        Percent::new(v).unwrap()
    }

    #[test]
    fn cmaj_patient_label_formula_divides_by_1_4() {
        let p = Protocol::builtin("adult-ecmo").unwrap();
        let kg = Kilograms::new(90.9).unwrap();
        let d = plasma_derived_dose(pct(63.0), pct(100.0), kg, &p.antithrombin.plasma_derived);
        // evidence §4.1 worked example: 2,402 units to reach 100% (the seed blog's × 1.4 gives 4,709).
        assert_eq!(d.dose.number(), "2,402");
        assert_eq!(d.formula(), "(100% − 63%) × 90.9 kg ÷ 1.4 = 2,402 units");
        let to80 = plasma_derived_dose(pct(63.0), pct(80.0), kg, &p.antithrombin.plasma_derived);
        assert_eq!(to80.dose.number(), "1,104");
        let rise = expected_rise_percent(Units::new(1000.0).unwrap(), kg, PercentPerUnitPerKg::new(1.4).unwrap());
        assert!((rise.value() - 15.4).abs() < 0.05, "{rise}");
    }

    #[test]
    fn recombinant_uses_its_own_divisors() {
        let p = Protocol::builtin("adult-ecmo").unwrap();
        let kg = Kilograms::new(90.9).unwrap();
        let d = recombinant_dose(pct(63.0), kg, false, &p.antithrombin.recombinant);
        assert_eq!(d.load.number(), "1,462");
        assert_eq!(d.maintenance_per_hour.number(), "330");
    }

    #[test]
    fn vials_round_up_when_the_nearest_is_more_than_the_margin_short_and_never_cross_the_hard_limit() {
        let vials = [Units::new(500.0).unwrap(), Units::new(1000.0).unwrap()];
        let policy = |max: Option<f64>| VialPolicy {
            round_up_short: Percent::new(10.0).unwrap(),
            hard_max: max.map(|m| Units::new(m).unwrap()),
        };
        // 2,229: the nearest 2,000 is 10.3% short → 2,500.
        let r = round_to_vials_by(Units::new(2229.0).unwrap(), &vials, policy(None));
        assert_eq!(r.rounded.value(), 2500.0);
        assert_eq!(r.unrounded.value(), 2229.0);
        // 2,150: the nearest 2,000 is 7% short → stays.
        assert_eq!(
            round_to_vials_by(Units::new(2150.0).unwrap(), &vials, policy(None))
                .rounded
                .value(),
            2000.0
        );
        // 2,286: the nearest is 2,500 (above) → stays.
        assert_eq!(
            round_to_vials_by(Units::new(2286.0).unwrap(), &vials, policy(None))
                .rounded
                .value(),
            2500.0
        );
        // Rounding up would cross a 2,200 hard limit: back to 2,000.
        assert_eq!(
            round_to_vials_by(Units::new(2229.0).unwrap(), &vials, policy(Some(2200.0)))
                .rounded
                .value(),
            2000.0
        );
    }

    #[test]
    fn vial_rounding_keeps_the_unrounded_value() {
        let vials = [Units::new(500.0).unwrap(), Units::new(1000.0).unwrap()];
        let r = round_to_vials(Units::new(2402.0).unwrap(), &vials);
        assert_eq!(r.rounded.value(), 2500.0);
        assert_eq!(r.vials, vec![(vials[1], 2), (vials[0], 1)]);
        assert!(r.describe().contains("calculated 2,402 units"));
        let small = round_to_vials(Units::new(120.0).unwrap(), &vials);
        assert_eq!(small.rounded.value(), 500.0);
    }
}
