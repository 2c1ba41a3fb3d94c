//! Cardiopulmonary bypass (clinical reference §10): Bull dose-response, additional dose, residual
//! heparin, protamine.

use crate::model::{Fraction, Kilograms, Milligrams, Seconds, SecondsPerUnitPerKg, Units, UnitsPerKg, num};
use crate::protocol::rules::Protamine;

/// The Bull (1975) dose-response line through the baseline ACT and the ACT after a known dose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoseResponse {
    pub baseline_act: Seconds,
    pub calibration_act: Seconds,
    pub calibration_dose: UnitsPerKg,
    /// Seconds of ACT per units/kg.
    pub slope: SecondsPerUnitPerKg,
}

impl DoseResponse {
    /// `None` when the line is not usable (no rise, or no dose).
    #[must_use]
    pub fn fit(baseline_act: Seconds, calibration_act: Seconds, calibration_dose: UnitsPerKg) -> Option<Self> {
        let slope = calibration_act
            .minus_floored(baseline_act)
            .slope_over(calibration_dose)?;
        Some(Self {
            baseline_act,
            calibration_act,
            calibration_dose,
            slope,
        })
    }

    /// Additional units/kg to move from `current` to `target` ACT: (target − current) ÷ slope.
    #[must_use]
    pub fn additional_to_target(&self, current: Seconds, target: Seconds) -> UnitsPerKg {
        target.minus_floored(current).dose_for_rise(self.slope)
    }

    /// Heparin still active: (current − baseline) ÷ slope.
    #[must_use]
    pub fn residual(&self, current: Seconds) -> UnitsPerKg {
        current.minus_floored(self.baseline_act).dose_for_rise(self.slope)
    }

    /// ACT the line predicts for a total dose (for plotting the extrapolation).
    #[must_use]
    pub fn predicted_act(&self, dose: UnitsPerKg) -> Seconds {
        self.baseline_act.plus(dose.act_rise(self.slope))
    }

    #[must_use]
    pub fn formula(&self) -> String {
        format!(
            "slope = ({} − {}) ÷ {} = {} s per units/kg",
            self.calibration_act.shown(),
            self.baseline_act,
            self.calibration_dose,
            self.slope.shown()
        )
    }
}

/// Protamine for an amount of active heparin, with the protocol's limits. The dose never exceeds the
/// protocol's total maximum (mg/kg): above it the calculation is shown, and the dose is capped.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtamineEstimate {
    pub dose: Milligrams,
    pub basis: String,
    pub warnings: Vec<String>,
    /// The amount the formula gives before the cap.
    pub calculated: Milligrams,
    /// True when `calculated` was above the maximum and `dose` is the maximum.
    pub capped: bool,
}

#[must_use]
pub fn protamine_for(active_heparin: Units, weight: Kilograms, p: &Protamine, basis: String) -> ProtamineEstimate {
    let calculated = active_heparin.protamine(p.mg_per_100_units);
    let max_total = p.max_total_mg_per_kg.for_weight(weight);
    let capped = calculated > max_total;
    let dose = calculated.min(max_total);
    let mut warnings = vec![format!("give at most {} per 10 min", p.max_mg_per_10_min)];
    if capped {
        warnings.push(format!(
            "the calculation gives {}, above the maximum of {} mg/kg ({dose}): capped at {dose}, because \
             excessive protamine can itself anticoagulate; recheck the ACT before giving more",
            calculated,
            num(p.max_total_mg_per_kg.value(), 1),
        ));
    }
    ProtamineEstimate {
        dose,
        basis,
        warnings,
        calculated,
        capped,
    }
}

/// Heparin to neutralise for a running infusion: fractions of the last hours' heparin (newest first).
#[must_use]
pub fn infusion_heparin_to_neutralise(units_per_recent_hour: &[Units], fractions: &[Fraction]) -> Units {
    Units::total(units_per_recent_hour.iter().zip(fractions).map(|(u, f)| u.share(*f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MgPerHundredUnits, MgPerKg};

    fn fractions() -> Vec<Fraction> {
        [1.0, 0.5, 0.25].map(|f| Fraction::new(f).unwrap()).to_vec()
    }

    #[test]
    fn bull_worked_example() {
        // evidence §9: ACT0 130 s, 350 s after 200 units/kg → slope 1.1; ≈ 118 units/kg more to 480 s.
        let line = DoseResponse::fit(
            Seconds::new(130.0).unwrap(),
            Seconds::new(350.0).unwrap(),
            UnitsPerKg::new(200.0).unwrap(),
        )
        .unwrap();
        assert!((line.slope.value() - 1.1).abs() < 1e-9);
        let more = line.additional_to_target(Seconds::new(350.0).unwrap(), Seconds::new(480.0).unwrap());
        assert_eq!(more.number(), "118");
        assert!((line.residual(Seconds::new(350.0).unwrap()).value() - 200.0).abs() < 1e-9);
    }

    #[test]
    fn protamine_is_capped_at_the_total_maximum_and_says_so() {
        let p = Protamine {
            mg_per_100_units: MgPerHundredUnits::new(1.0).unwrap(),
            infusion_hour_fractions: fractions(),
            max_mg_per_10_min: Milligrams::new(50.0).unwrap(),
            max_total_mg_per_kg: MgPerKg::new(3.0).unwrap(),
            source: "test".into(),
        };
        let kg = Kilograms::new(30.0).unwrap();
        // 21,400 units active → 214 mg calculated; 3 mg/kg × 30 kg = 90 mg maximum.
        let high = protamine_for(Units::new(21_400.0).unwrap(), kg, &p, String::new());
        assert!(high.capped);
        assert!((high.dose.value() - 90.0).abs() < 1e-9);
        assert!(
            high.warnings
                .iter()
                .any(|w| w.contains("214 mg") && w.contains("capped at 90 mg"))
        );
        let low = protamine_for(Units::new(5_000.0).unwrap(), kg, &p, String::new());
        assert!(!low.capped);
        assert!((low.dose.value() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn protamine_infusion_rule() {
        // evidence §7: 1,250 units/h infusion → 100% + 50% + 25% = 2,187.5 units → about 22 mg.
        let hour = Units::new(1250.0).unwrap();
        let units = infusion_heparin_to_neutralise(&[hour, hour, hour], &fractions());
        assert!((units.value() - 2187.5).abs() < 1e-9);
    }
}
