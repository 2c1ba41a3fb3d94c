//! The weight each drug's weight-based doses use (clinical reference §1, rev 2): the protocol names, per
//! drug, actual or adjusted weight and an optional cap. Adjusted weight needs the ideal body weight
//! (height and sex); without them a protocol that asks for it uses the capped actual weight, and says so.
//! One weight per drug, one conversion, everywhere: exposure, R2, the nomogram, pump rates, the card.

use serde::Serialize;

use crate::model::{Kilograms, Patient, Sex, WeightKind};
use crate::protocol::{BodyWeight, DosingWeight, Protocol, Source, WeightBasis};

/// Which drug a weight is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drug {
    Heparin,
    DirectThrombinInhibitor,
    Antithrombin,
}

/// How a dosing weight was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightBasisUsed {
    Actual,
    CappedActual,
    Adjusted,
    CappedAdjusted,
    /// The protocol asks for adjusted weight but height or sex is not entered.
    CappedActualNoHeight,
    ActualNoHeight,
    /// The weight was entered as an adjusted weight: used as it is (never adjusted twice).
    AdjustedAsEntered,
    CappedAdjustedAsEntered,
    /// The drug is dosed on actual weight but the weight entered is an adjusted one.
    AdjustedEnteredNotActual,
}

impl WeightBasisUsed {
    /// The basis in words, for the card and the report.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Actual => "actual weight",
            Self::CappedActual => "actual weight, capped",
            Self::Adjusted => "adjusted weight",
            Self::CappedAdjusted => "adjusted weight, capped",
            Self::CappedActualNoHeight => "capped actual weight (no height and sex entered for the adjusted weight)",
            Self::ActualNoHeight => "actual weight (no height and sex entered for the adjusted weight)",
            Self::AdjustedAsEntered => "adjusted weight, as entered",
            Self::CappedAdjustedAsEntered => "adjusted weight as entered, capped",
            Self::AdjustedEnteredNotActual => {
                "the adjusted weight entered — this drug is dosed on actual weight: enter the actual weight"
            }
        }
    }
}

/// A drug's dosing weight with its basis and source.
#[derive(Debug, Clone, PartialEq)]
pub struct DosingWeightUsed {
    pub kg: Kilograms,
    pub basis: WeightBasisUsed,
    pub source: Source,
}

impl DosingWeightUsed {
    /// "100 kg (capped actual weight …)".
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{} ({})", self.kg, self.basis.label())
    }
}

/// Ideal body weight (Devine): the base for sex plus kg per cm above the reference height; never below
/// a small positive floor (a very short patient).
#[must_use]
pub fn ideal_body_weight(b: &BodyWeight, height: crate::model::Centimetres, sex: Sex) -> Kilograms {
    let base = match sex {
        Sex::Male => b.ibw_male_base_kg,
        Sex::Female => b.ibw_female_base_kg,
    };
    let kg = base.value() + b.ibw_kg_per_cm * (height.value() - b.ibw_from_cm.value());
    Kilograms::new(kg.max(1.0)).unwrap_or(base)
}

/// The dosing weight of `drug` for this patient under this protocol.
#[must_use]
pub fn dosing_weight(patient: &Patient, protocol: &Protocol, drug: Drug) -> DosingWeightUsed {
    let rules: &DosingWeight = match drug {
        Drug::Heparin => &protocol.dosing_weight.heparin,
        Drug::DirectThrombinInhibitor => &protocol.dosing_weight.direct_thrombin_inhibitors,
        Drug::Antithrombin => &protocol.dosing_weight.antithrombin,
    };
    let actual = patient.weight.kg;
    if patient.weight.kind == WeightKind::Adjusted {
        // Already a dosing weight: never adjusted again; a drug dosed on actual weight says so.
        let capped = rules.cap_kg.filter(|cap| actual > *cap);
        let basis = match (rules.basis, capped.is_some()) {
            (WeightBasis::Actual, _) => WeightBasisUsed::AdjustedEnteredNotActual,
            (WeightBasis::Adjusted, true) => WeightBasisUsed::CappedAdjustedAsEntered,
            (WeightBasis::Adjusted, false) => WeightBasisUsed::AdjustedAsEntered,
        };
        return DosingWeightUsed {
            kg: capped.unwrap_or(actual),
            basis,
            source: rules.source.clone(),
        };
    }
    let (kg, adjusted, missing) = match (rules.basis, patient.height_cm, patient.sex) {
        (WeightBasis::Actual, _, _) => (actual, false, false),
        (WeightBasis::Adjusted, Some(h), Some(sex)) => {
            let b = &protocol.dosing_weight.body_weight;
            let ibw = ideal_body_weight(b, h, sex);
            let kg = if actual > ibw {
                Kilograms::new(ibw.value() + b.adjusted_fraction.value() * (actual.value() - ibw.value()))
                    .unwrap_or(actual)
            } else {
                actual
            };
            (kg, true, false)
        }
        (WeightBasis::Adjusted, _, _) => (actual, false, true),
    };
    let capped = rules.cap_kg.filter(|cap| kg > *cap);
    let basis = match (adjusted, missing, capped.is_some()) {
        (true, _, true) => WeightBasisUsed::CappedAdjusted,
        (true, _, false) => WeightBasisUsed::Adjusted,
        (false, true, true) => WeightBasisUsed::CappedActualNoHeight,
        (false, true, false) => WeightBasisUsed::ActualNoHeight,
        (false, false, true) => WeightBasisUsed::CappedActual,
        (false, false, false) => WeightBasisUsed::Actual,
    };
    DosingWeightUsed {
        kg: capped.unwrap_or(kg),
        basis,
        source: rules.source.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Centimetres, ClinicalTime, Setting, Weight};

    fn patient(kg: f64, setting: Setting) -> Patient {
        Patient::new(
            Weight {
                kg: Kilograms::constant(kg),
                measured_at: ClinicalTime::constant(2025, 1, 1, 0, 0),
                kind: WeightKind::Actual,
            },
            setting,
        )
    }

    #[test]
    fn an_entered_adjusted_weight_is_never_adjusted_again() {
        let p = Protocol::builtin("adult-ecmo").unwrap_or_else(|e| panic!("{e}"));
        let mut entered = patient(90.0, Setting::EcmoVv);
        entered.weight.kind = WeightKind::Adjusted;
        entered.height_cm = Some(Centimetres::constant(160.0));
        entered.sex = Some(Sex::Female);
        let w = dosing_weight(&entered, &p, Drug::Heparin);
        assert_eq!((w.kg.value(), w.basis), (90.0, WeightBasisUsed::AdjustedAsEntered));
        // The same numbers as an actual weight are adjusted: IBW 45.5 + 0.906 × 7.6 ≈ 52.4 kg.
        entered.weight.kind = WeightKind::Actual;
        assert!(dosing_weight(&entered, &p, Drug::Heparin).kg.value() < 70.0);
        // Argatroban is dosed on actual weight: the entered adjusted weight is flagged.
        entered.weight.kind = WeightKind::Adjusted;
        let w = dosing_weight(&entered, &p, Drug::DirectThrombinInhibitor);
        assert_eq!(w.basis, WeightBasisUsed::AdjustedEnteredNotActual);
    }

    #[test]
    fn ecmo_heparin_uses_adjusted_weight_capped_at_100_kg() {
        let p = Protocol::builtin("adult-ecmo").unwrap_or_else(|e| panic!("{e}"));
        // No height: capped actual weight, and the basis says why.
        let w = dosing_weight(&patient(150.0, Setting::EcmoVv), &p, Drug::Heparin);
        assert_eq!((w.kg.value(), w.basis), (100.0, WeightBasisUsed::CappedActualNoHeight));
        // 180 cm man: IBW 50 + 0.906 × 27.6 = 75.0 kg; adjusted 75.0 + 0.4 × 75 = 105 → capped at 100.
        let mut tall = patient(150.0, Setting::EcmoVv);
        tall.height_cm = Some(Centimetres::constant(180.0));
        tall.sex = Some(Sex::Male);
        let w = dosing_weight(&tall, &p, Drug::Heparin);
        assert_eq!((w.kg.value(), w.basis), (100.0, WeightBasisUsed::CappedAdjusted));
        // 160 cm woman, 110 kg: IBW 45.5 + 0.906 × 7.6 = 52.4; adjusted 52.4 + 0.4 × 57.6 = 75.4 kg.
        let mut short = patient(110.0, Setting::EcmoVv);
        short.height_cm = Some(Centimetres::constant(160.0));
        short.sex = Some(Sex::Female);
        let w = dosing_weight(&short, &p, Drug::Heparin);
        assert_eq!(w.basis, WeightBasisUsed::Adjusted);
        assert!((w.kg.value() - 75.42).abs() < 0.05, "{}", w.kg);
        // DTIs and antithrombin on actual weight (labels).
        assert_eq!(
            dosing_weight(&tall, &p, Drug::DirectThrombinInhibitor).kg.value(),
            150.0
        );
        assert_eq!(dosing_weight(&tall, &p, Drug::Antithrombin).kg.value(), 150.0);
    }

    #[test]
    fn icu_heparin_uses_actual_weight() {
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        let w = dosing_weight(&patient(150.0, Setting::Icu), &p, Drug::Heparin);
        assert_eq!((w.kg.value(), w.basis), (150.0, WeightBasisUsed::Actual));
    }
}
