//! Which direct thrombin inhibitor and its start (clinical reference §8): hepatic impairment →
//! bivalirudin; renal impairment or RRT → argatroban; ECMO low flow → not bivalirudin; otherwise the
//! protocol's preference. Starts by organ function, on the DTI dosing weight, with the pump rate.

use super::target::{ApttTarget, dti_target};
use crate::dosing::rate::DoseRate;
use crate::model::{Kilograms, MgPerKgPerHour, MlPerHour, Patient, Rrt};
use crate::protocol::{DtiDrug, Protocol, Source};

/// Which DTI and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiChoice {
    pub drug: DtiDrug,
    pub reasons: Vec<String>,
    pub sources: Vec<Source>,
    pub alternative: String,
    pub caveats: Vec<String>,
}

/// Chooses the DTI from organ function and circuit flow. `hepatic`: hepatic impairment by the flag or by
/// a recent bilirubin (the analysis reads the timeline; clinical reference §1).
#[must_use]
pub fn choose_dti(patient: &Patient, protocol: &Protocol, hepatic: bool) -> DtiChoice {
    let rules = &protocol.dti;
    let renal = patient.renal_impairment(rules.renal_impairment_below_crcl_ml_min.value);
    let low_flow = patient.setting.is_ecmo() && patient.ecmo_low_flow;
    let renal_text = match (patient.rrt, patient.crcl) {
        (Rrt::Crrt, _) => "on CRRT".to_owned(),
        (Rrt::Ihd, _) => "on intermittent hemodialysis".to_owned(),
        (Rrt::None, Some(c)) => format!("CrCl {c}"),
        (Rrt::None, None) => "CrCl not entered".to_owned(),
    };
    let mut caveats = Vec::new();
    let (drug, reasons, sources, alternative) = if hepatic && low_flow {
        caveats.push("Both rules conflict: argatroban needs hepatic clearance and bivalirudin is degraded where flow is low; argatroban at the hepatic dose with close aPTT monitoring".to_owned());
        (
            DtiDrug::Argatroban,
            vec!["hepatic impairment and ECMO low flow: low flow rules out bivalirudin, so argatroban at the reduced hepatic dose".to_owned()],
            vec![rules.low_flow_rule_source.clone(), rules.hepatic_rule_source.clone()],
            "bivalirudin only once flow is restored".to_owned(),
        )
    } else if hepatic {
        let mut reasons = vec!["hepatic impairment: argatroban is hepatically cleared, so bivalirudin".to_owned()];
        if renal {
            reasons.push(format!(
                "renal impairment too ({renal_text}): bivalirudin at the renal/RRT dose with close monitoring"
            ));
        }
        (
            DtiDrug::Bivalirudin,
            reasons,
            vec![rules.hepatic_rule_source.clone()],
            "argatroban at the reduced hepatic dose".to_owned(),
        )
    } else if renal {
        (
            DtiDrug::Argatroban,
            vec![format!(
                "renal impairment ({renal_text}) without hepatic impairment: argatroban needs no renal adjustment"
            )],
            vec![rules.renal_impairment_below_crcl_ml_min.source.clone()],
            "bivalirudin at the renal/RRT dose".to_owned(),
        )
    } else if low_flow {
        (
            DtiDrug::Argatroban,
            vec!["ECMO low flow or stasis: avoid bivalirudin".to_owned()],
            vec![rules.low_flow_rule_source.clone()],
            "bivalirudin once flow is restored".to_owned(),
        )
    } else {
        let preferred = rules.preference.value;
        let other = DtiDrug::ALL.into_iter().find(|d| *d != preferred).unwrap_or(preferred);
        (
            preferred,
            vec![format!(
                "no hepatic or renal impairment ({renal_text}): protocol preference {}",
                preferred.name()
            )],
            vec![rules.preference.source.clone()],
            format!("{} (equally acceptable)", other.name()),
        )
    };
    DtiChoice {
        drug,
        reasons,
        sources,
        alternative,
        caveats,
    }
}

/// A DTI start: rate, pump rate, concentration, target and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiStart {
    pub drug: DtiDrug,
    pub rate: DoseRate,
    pub pump: MlPerHour,
    pub concentration: String,
    pub target: Option<ApttTarget>,
    pub rationale: Vec<String>,
    pub sources: Vec<Source>,
    pub warnings: Vec<String>,
}

/// The start dose of the chosen DTI for this patient, on the DTI dosing weight `weight`.
#[must_use]
pub fn start(drug: DtiDrug, patient: &Patient, protocol: &Protocol, hepatic: bool, weight: Kilograms) -> DtiStart {
    match drug {
        DtiDrug::Argatroban => argatroban_start(patient, protocol, hepatic, weight),
        DtiDrug::Bivalirudin => bivalirudin_start(patient, protocol, weight),
    }
}

fn argatroban_start(patient: &Patient, protocol: &Protocol, hepatic: bool, weight: Kilograms) -> DtiStart {
    let a = &protocol.argatroban;
    let (rate_value, why, source) = if hepatic {
        (
            a.start_hepatic_mcg_per_kg_per_min.value,
            "hepatic impairment",
            a.start_hepatic_mcg_per_kg_per_min.source.clone(),
        )
    } else {
        (
            a.start_mcg_per_kg_per_min.value,
            "critically ill (ICU/ECMO/bypass)",
            a.start_mcg_per_kg_per_min.source.clone(),
        )
    };
    let rate = rate_value.min(a.max_mcg_per_kg_per_min.value);
    let concentration = a.concentration_mg_per_ml.value;
    let pump = rate.pump_rate(weight, concentration);
    let target = dti_target(protocol, DtiDrug::Argatroban, patient.baseline_aptt);
    let mut warnings = vec![format!(
        "The label start of {} is for non-critically ill HIT patients; {}",
        a.label_start_mcg_per_kg_per_min.value, a.label_start_caveat.value
    )];
    warnings.push("Argatroban raises the INR; do not read the INR as coagulopathy".to_owned());
    if target.is_none() {
        warnings.push(
            "No baseline aPTT: the target cannot be set as a ratio; draw a baseline aPTT before starting".to_owned(),
        );
    }
    let rationale = vec![
        format!("start {rate} ({why}), no bolus"),
        format!(
            "pump {pump} = {} × {} × 60 ÷ 1000 ÷ {}",
            rate.shown(),
            weight,
            concentration
        ),
    ];
    DtiStart {
        drug: DtiDrug::Argatroban,
        rate: DoseRate::Argatroban(rate),
        pump,
        concentration: a.concentration_label.clone(),
        target,
        rationale,
        sources: vec![source, a.target_ratio.source.clone(), a.target_max_s.source.clone()],
        warnings,
    }
}

/// Bivalirudin start by renal function: RRT first, then the CrCl band.
#[must_use]
pub fn bivalirudin_start_rate(patient: &Patient, protocol: &Protocol) -> (MgPerKgPerHour, String, Option<String>) {
    let b = &protocol.bivalirudin;
    // The lowest non-dialysis band (the table starts at CrCl 0, so a validated protocol has it).
    let lowest = b
        .start_by_crcl
        .first()
        .map_or(b.start_ihd_mg_per_kg_per_h, |r| r.mg_per_kg_per_h);
    let (value, why, warning) = match (patient.rrt, patient.crcl) {
        (Rrt::Ihd, _) => (
            b.start_ihd_mg_per_kg_per_h,
            "intermittent hemodialysis".to_owned(),
            None,
        ),
        (Rrt::Crrt, _) => (
            b.start_crrt_mg_per_kg_per_h,
            "CRRT".to_owned(),
            Some(b.crrt_caveat.value.clone()),
        ),
        (Rrt::None, Some(crcl)) => {
            let value = b.start_row(crcl).map_or(lowest, |r| r.mg_per_kg_per_h);
            (value, format!("CrCl {crcl}"), None)
        }
        (Rrt::None, None) => (
            lowest,
            "CrCl not entered: the most cautious non-dialysis band".to_owned(),
            Some(
                "CrCl not entered: started at the lowest non-dialysis band; enter CrCl to dose by renal function"
                    .to_owned(),
            ),
        ),
    };
    (value, why, warning)
}

fn bivalirudin_start(patient: &Patient, protocol: &Protocol, weight: Kilograms) -> DtiStart {
    let b = &protocol.bivalirudin;
    let (rate, why, warning) = bivalirudin_start_rate(patient, protocol);
    let concentration = b.concentration_mg_per_ml.value;
    let pump = rate.pump_rate(weight, concentration);
    let target = dti_target(protocol, DtiDrug::Bivalirudin, patient.baseline_aptt);
    let mut warnings: Vec<String> = warning.into_iter().collect();
    if target.is_none() {
        warnings.push(
            "No baseline aPTT: the target cannot be set as a ratio; draw a baseline aPTT before starting".to_owned(),
        );
    }
    if !b.titration_validated {
        warnings
            .push("The bivalirudin titration table is an institutional example, not a validated nomogram".to_owned());
    }
    let rationale = vec![
        format!("start {rate} ({why}), no bolus"),
        format!("pump {pump} = {} × {} ÷ {}", rate.shown(), weight, concentration),
    ];
    DtiStart {
        drug: DtiDrug::Bivalirudin,
        rate: DoseRate::Bivalirudin(rate),
        pump,
        concentration: b.concentration_label.clone(),
        target,
        rationale,
        sources: vec![b.start_source.clone(), b.target_ratio.source.clone()],
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClinicalTime, MlPerMin, Seconds, Setting, Weight, WeightKind};

    fn protocol() -> Protocol {
        Protocol::builtin("adult-ecmo").unwrap_or_else(|e| panic!("{e}"))
    }

    fn patient() -> Patient {
        let weight = Weight {
            kg: Kilograms::constant(80.0),
            measured_at: ClinicalTime::constant(2025, 1, 1, 0, 0),
            kind: WeightKind::Actual,
        };
        let mut p = Patient::new(weight, Setting::EcmoVv);
        p.baseline_aptt = Some(Seconds::constant(30.0));
        p
    }

    fn with(change: impl FnOnce(&mut Patient)) -> Patient {
        let mut p = patient();
        change(&mut p);
        p
    }

    #[test]
    fn the_choice_follows_organ_function_and_flow() {
        let p = protocol();
        let drug = |patient: &Patient, hepatic: bool| choose_dti(patient, &p, hepatic).drug;
        assert_eq!(
            drug(&patient(), false),
            DtiDrug::Argatroban,
            "neither impaired: preference"
        );
        assert_eq!(drug(&patient(), true), DtiDrug::Bivalirudin);
        assert_eq!(drug(&with(|x| x.rrt = Rrt::Crrt), false), DtiDrug::Argatroban);
        assert_eq!(
            drug(&with(|x| x.crcl = MlPerMin::new(20.0).ok()), false),
            DtiDrug::Argatroban
        );
        assert_eq!(
            drug(&with(|x| x.rrt = Rrt::Ihd), true),
            DtiDrug::Bivalirudin,
            "both impaired: bivalirudin at the renal dose"
        );
        assert_eq!(drug(&with(|x| x.ecmo_low_flow = true), false), DtiDrug::Argatroban);
        assert_eq!(
            drug(&with(|x| x.ecmo_low_flow = true), true),
            DtiDrug::Argatroban,
            "low flow rules out bivalirudin"
        );
    }

    #[test]
    fn bivalirudin_starts_by_renal_function() {
        let p = protocol();
        let rate = |patient: &Patient| bivalirudin_start_rate(patient, &p).0.value();
        assert_eq!(rate(&with(|x| x.crcl = MlPerMin::new(90.0).ok())), 0.15);
        assert_eq!(rate(&with(|x| x.crcl = MlPerMin::new(45.0).ok())), 0.10);
        assert_eq!(rate(&with(|x| x.crcl = MlPerMin::new(20.0).ok())), 0.08);
        assert_eq!(rate(&with(|x| x.rrt = Rrt::Crrt)), 0.06);
        assert_eq!(rate(&with(|x| x.rrt = Rrt::Ihd)), 0.04);
        let (unknown, _, warning) = bivalirudin_start_rate(&patient(), &p);
        assert_eq!(
            unknown.value(),
            0.08,
            "CrCl not entered: the most cautious non-dialysis band"
        );
        assert!(warning.is_some());
    }

    #[test]
    fn argatroban_starts_lower_with_hepatic_impairment_and_has_a_capped_target() {
        let p = protocol();
        let kg = Kilograms::constant(80.0);
        assert_eq!(start(DtiDrug::Argatroban, &patient(), &p, false, kg).rate.value(), 0.5);
        assert_eq!(start(DtiDrug::Argatroban, &patient(), &p, true, kg).rate.value(), 0.2);
        // 80 kg × 0.5 mcg/kg/min × 60 ÷ 1000 ÷ 1 mg/mL = 2.4 mL/h.
        assert!((start(DtiDrug::Argatroban, &patient(), &p, false, kg).pump.value() - 2.4).abs() < 1e-12);
        // Baseline 40 s: 1.5–3 × 40 = 60–120 s, capped at 100 s.
        let target =
            dti_target(&p, DtiDrug::Argatroban, Some(Seconds::constant(40.0))).unwrap_or_else(|| panic!("target"));
        assert_eq!((target.low.value(), target.high.value()), (60.0, 100.0));
        assert!(target.basis.contains("capped at 100 s"));
        assert!(dti_target(&p, DtiDrug::Argatroban, None).is_none());
        assert!(dti_target(&p, DtiDrug::Bivalirudin, None).is_none());
    }
}
