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

/// Protamine for an amount of active heparin, with the protocol's limits.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtamineEstimate {
    pub dose: Milligrams,
    pub basis: String,
    pub warnings: Vec<String>,
}

#[must_use]
pub fn protamine_for(active_heparin: Units, weight: Kilograms, p: &Protamine, basis: String) -> ProtamineEstimate {
    let mg = active_heparin.value() / 100.0 * p.mg_per_100_units;
    let dose = Milligrams::new(mg).unwrap_or(Milligrams::ZERO);
    let mut warnings = vec![format!(
        "give at most {} per 10 min",
        Milligrams::new(p.max_mg_per_10_min).unwrap_or(Milligrams::ZERO)
    )];
    let max_total = p.max_total_mg_per_kg * weight.value();
    if mg > max_total {
        warnings.push(format!(
            "{dose} is above {} mg/kg ({}): excessive protamine can itself anticoagulate",
            num(p.max_total_mg_per_kg, 1),
            Milligrams::new(max_total).unwrap_or(Milligrams::ZERO)
        ));
    }
    ProtamineEstimate { dose, basis, warnings }
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
    fn protamine_infusion_rule() {
        // evidence §7: 1,250 units/h infusion → 100% + 50% + 25% = 2,187.5 units → about 22 mg.
        let units = infusion_heparin_to_neutralise(&[1250.0, 1250.0, 1250.0], &[1.0, 0.5, 0.25]);
        assert!((units.value() - 2187.5).abs() < 1e-9);
    }
}
