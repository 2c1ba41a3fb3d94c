//! Cardiopulmonary bypass (clinical reference §10): Bull dose-response, additional dose, residual
//! heparin, protamine.

use crate::model::{Kilograms, Milligrams, Seconds, Units, UnitsPerKg, num};
use crate::protocol::schema::Protamine;

/// The Bull (1975) dose-response line through the baseline ACT and the ACT after a known dose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoseResponse {
    pub baseline_act: Seconds,
    pub calibration_act: Seconds,
    pub calibration_dose: UnitsPerKg,
    /// Seconds of ACT per units/kg.
    pub slope_s_per_unit_per_kg: f64,
}

impl DoseResponse {
    /// `None` when the line is not usable (no rise, or no dose).
    #[must_use]
    pub fn fit(baseline_act: Seconds, calibration_act: Seconds, calibration_dose: UnitsPerKg) -> Option<Self> {
        let dose = calibration_dose.value();
        let rise = calibration_act.value() - baseline_act.value();
        (dose > 0.0 && rise > 0.0).then(|| Self {
            baseline_act,
            calibration_act,
            calibration_dose,
            slope_s_per_unit_per_kg: rise / dose,
        })
    }

    /// Additional units/kg to move from `current` to `target` ACT: (target − current) ÷ slope.
    #[must_use]
    pub fn additional_to_target(&self, current: Seconds, target: Seconds) -> UnitsPerKg {
        let needed = (target.value() - current.value()).max(0.0) / self.slope_s_per_unit_per_kg;
        UnitsPerKg::new(needed).unwrap_or(UnitsPerKg::ZERO)
    }

    /// Heparin still active: (current − baseline) ÷ slope.
    #[must_use]
    pub fn residual(&self, current: Seconds) -> UnitsPerKg {
        let active = (current.value() - self.baseline_act.value()).max(0.0) / self.slope_s_per_unit_per_kg;
        UnitsPerKg::new(active).unwrap_or(UnitsPerKg::ZERO)
    }

    /// ACT the line predicts for a total dose (for plotting the extrapolation).
    #[must_use]
    pub fn predicted_act(&self, dose: UnitsPerKg) -> f64 {
        self.baseline_act.value() + self.slope_s_per_unit_per_kg * dose.value()
    }

    #[must_use]
    pub fn formula(&self) -> String {
        format!(
            "slope = ({} − {}) ÷ {} = {} s per units/kg",
            self.calibration_act.number(),
            self.baseline_act,
            self.calibration_dose,
            num(self.slope_s_per_unit_per_kg, 2)
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
    let calculated = active_heparin.value() / 100.0 * p.mg_per_100_units;
    let max_total = p.max_total_mg_per_kg * weight.value();
    let capped = calculated > max_total;
    let dose = Milligrams::new(calculated.min(max_total)).unwrap_or(Milligrams::ZERO);
    let calculated = Milligrams::new(calculated).unwrap_or(Milligrams::ZERO);
    let mut warnings = vec![format!(
        "give at most {} per 10 min",
        Milligrams::new(p.max_mg_per_10_min).unwrap_or(Milligrams::ZERO)
    )];
    if capped {
        warnings.push(format!(
            "the calculation gives {}, above the maximum of {} mg/kg ({dose}): capped at {dose}, because \
             excessive protamine can itself anticoagulate; recheck the ACT before giving more",
            calculated,
            num(p.max_total_mg_per_kg, 1),
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
pub fn infusion_heparin_to_neutralise(units_per_recent_hour: &[f64], fractions: &[f64]) -> Units {
    let total: f64 = units_per_recent_hour.iter().zip(fractions).map(|(u, f)| u * f).sum();
    Units::new(total).unwrap_or(Units::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bull_worked_example() {
        // evidence §9: ACT0 130 s, 350 s after 200 units/kg → slope 1.1; ≈ 118 units/kg more to 480 s.
        let line = DoseResponse::fit(
            Seconds::new(130.0).unwrap(),
            Seconds::new(350.0).unwrap(),
            UnitsPerKg::new(200.0).unwrap(),
        )
        .unwrap();
        assert!((line.slope_s_per_unit_per_kg - 1.1).abs() < 1e-9);
        let more = line.additional_to_target(Seconds::new(350.0).unwrap(), Seconds::new(480.0).unwrap());
        assert_eq!(more.number(), "118");
        assert!((line.residual(Seconds::new(350.0).unwrap()).value() - 200.0).abs() < 1e-9);
    }

    #[test]
    fn protamine_is_capped_at_the_total_maximum_and_says_so() {
        let p = Protamine {
            mg_per_100_units: 1.0,
            infusion_hour_fractions: vec![1.0, 0.5, 0.25],
            max_mg_per_10_min: 50.0,
            max_total_mg_per_kg: 3.0,
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
        let units = infusion_heparin_to_neutralise(&[1250.0, 1250.0, 1250.0], &[1.0, 0.5, 0.25]);
        assert!((units.value() - 2187.5).abs() < 1e-9);
    }
}
