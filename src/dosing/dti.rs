//! Direct thrombin inhibitors (clinical reference §8): which drug, start dose by organ function, aPTT
//! target, titration by the protocol's table, and the pump rate.

use super::rate::Rate;
use crate::model::{Kilograms, McgPerKgPerMin, MgPerKgPerHour, Minutes, MlPerHour, Patient, Ratio, Rrt, Seconds, num};
use crate::protocol::{ArgatrobanColumn, ArgatrobanRow, BivalirudinRow, DtiDrug, Protocol, Source};

/// Which DTI and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiChoice {
    pub drug: DtiDrug,
    pub reasons: Vec<String>,
    pub sources: Vec<Source>,
    pub alternative: String,
    pub caveats: Vec<String>,
}

/// Chooses the DTI from organ function and circuit flow.
#[must_use]
pub fn choose_dti(patient: &Patient, protocol: &Protocol) -> DtiChoice {
    let rules = &protocol.dti;
    let renal = patient.renal_impairment(rules.renal_impairment_below_crcl_ml_min.value);
    let hepatic = patient.hepatic_impairment;
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
        let other = match preferred {
            DtiDrug::Argatroban => DtiDrug::Bivalirudin,
            DtiDrug::Bivalirudin => DtiDrug::Argatroban,
        };
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

/// An aPTT target in seconds and how it was derived.
#[derive(Debug, Clone, PartialEq)]
pub struct ApttTarget {
    pub low: Seconds,
    pub high: Seconds,
    pub basis: String,
}

impl ApttTarget {
    #[must_use]
    pub fn describe(&self) -> String {
        format!("aPTT {}–{} ({})", self.low.shown(), self.high, self.basis)
    }
}

/// Argatroban aPTT target: 1.5–3 × baseline, never above the protocol's ceiling.
#[must_use]
pub fn argatroban_target(protocol: &Protocol, baseline: Option<Seconds>) -> Option<ApttTarget> {
    let a = &protocol.argatroban;
    let base = baseline?;
    let cap = a.target_max_s.value;
    let ratio = a.target_ratio.value;
    let uncapped = ratio.high.of(base);
    Some(ApttTarget {
        low: ratio.low.of(base),
        high: uncapped.min(cap),
        basis: format!(
            "{}–{} × baseline {}{}",
            ratio.low.shown(),
            ratio.high.shown(),
            base,
            if uncapped > cap {
                format!(", capped at {cap}")
            } else {
                String::new()
            }
        ),
    })
}

/// Bivalirudin aPTT target: the protocol's ratio × baseline.
#[must_use]
pub fn bivalirudin_target(protocol: &Protocol, baseline: Option<Seconds>) -> Option<ApttTarget> {
    let ratio = protocol.bivalirudin.target_ratio.value;
    let base = baseline?;
    Some(ApttTarget {
        low: ratio.low.of(base),
        high: ratio.high.of(base),
        basis: format!("{}–{} × baseline {}", ratio.low.shown(), ratio.high.shown(), base),
    })
}

/// A DTI start: rate, pump rate, concentration, target and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiStart {
    pub drug: DtiDrug,
    pub rate: Rate,
    pub pump: MlPerHour,
    pub concentration: String,
    pub target: Option<ApttTarget>,
    pub rationale: Vec<String>,
    pub sources: Vec<Source>,
    pub warnings: Vec<String>,
}

/// The start dose of the chosen DTI for this patient.
#[must_use]
pub fn start(drug: DtiDrug, patient: &Patient, protocol: &Protocol) -> DtiStart {
    let weight = patient.weight.kg;
    match drug {
        DtiDrug::Argatroban => argatroban_start(patient, protocol, weight),
        DtiDrug::Bivalirudin => bivalirudin_start(patient, protocol, weight),
    }
}

fn argatroban_start(patient: &Patient, protocol: &Protocol, weight: Kilograms) -> DtiStart {
    let a = &protocol.argatroban;
    let (rate_value, why, source) = if patient.hepatic_impairment {
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
    let target = argatroban_target(protocol, patient.baseline_aptt);
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
        rate: Rate::argatroban(rate),
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
    let target = bivalirudin_target(protocol, patient.baseline_aptt);
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
        rate: Rate::bivalirudin(rate),
        pump,
        concentration: b.concentration_label.clone(),
        target,
        rationale,
        sources: vec![b.start_source.clone(), b.target_ratio.source.clone()],
        warnings,
    }
}

/// One titration step read from the protocol table.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiTitration {
    pub new_rate: Rate,
    pub change: Rate,
    pub hold_min: Minutes,
    pub stop_and_call: bool,
    pub row_text: String,
    /// The requested rate was above the maximum and was capped.
    pub capped_at_max: bool,
}

/// The argatroban table row for an aPTT.
#[must_use]
pub fn argatroban_row(protocol: &Protocol, aptt: Seconds) -> Option<&ArgatrobanRow> {
    protocol.argatroban.row(aptt)
}

/// Argatroban titration by aPTT, capped at the protocol maximum (a hard limit).
#[must_use]
pub fn titrate_argatroban(protocol: &Protocol, aptt: Seconds, current: McgPerKgPerMin) -> Option<DtiTitration> {
    let a = &protocol.argatroban;
    let row = argatroban_row(protocol, aptt)?;
    let step = match a.titration_column {
        ArgatrobanColumn::CriticallyIll => row.change_critically_ill,
        ArgatrobanColumn::NormalHepatic => row.change_normal_hepatic,
    };
    let max = a.max_mcg_per_kg_per_min.value;
    let requested = if row.stop_and_call {
        McgPerKgPerMin::ZERO
    } else {
        current.stepped(step)
    };
    let capped_at_max = requested > max;
    let new_value = requested.min(max);
    let new_rate = Rate::argatroban(new_value);
    let change = Rate {
        value: new_value.value() - current.value(),
        unit: new_rate.unit,
    };
    let (from, to) = (row.from_s.value(), row.to_s.map(Seconds::value));
    let band = match to {
        Some(to) if from == 0.0 => format!("aPTT < {} s", num(to, 0)),
        Some(to) => format!("aPTT {}–{} s", num(from, 0), num(to - 1.0, 0)),
        None => format!("aPTT > {} s", num(from - 1.0, 0)),
    };
    let column = match a.titration_column {
        ArgatrobanColumn::CriticallyIll => "critically ill column",
        ArgatrobanColumn::NormalHepatic => "normal hepatic function column",
    };
    let action = if row.stop_and_call {
        "stop the infusion and call the physician".to_owned()
    } else if row.hold_min.value() > 0.0 {
        format!(
            "hold {} min, then {}",
            row.hold_min.shown(),
            Rate {
                value: step,
                unit: new_rate.unit
            }
            .signed()
        )
    } else {
        Rate {
            value: step,
            unit: new_rate.unit,
        }
        .signed()
    };
    Some(DtiTitration {
        new_rate,
        change,
        hold_min: row.hold_min,
        stop_and_call: row.stop_and_call,
        row_text: format!("{band}: {action} ({column})"),
        capped_at_max,
    })
}

/// The bivalirudin table row for an aPTT ratio.
#[must_use]
pub fn bivalirudin_row(protocol: &Protocol, ratio: Ratio) -> Option<&BivalirudinRow> {
    protocol.bivalirudin.row(ratio)
}

/// Bivalirudin titration by aPTT ratio to baseline.
#[must_use]
pub fn titrate_bivalirudin(protocol: &Protocol, ratio: Ratio, current: MgPerKgPerHour) -> Option<DtiTitration> {
    let row = bivalirudin_row(protocol, ratio)?;
    let new_rate = Rate::bivalirudin(current.changed_by_percent(row.change_percent));
    let change = Rate {
        value: new_rate.value - current.value(),
        unit: new_rate.unit,
    };
    let band = match row.to_ratio {
        Some(to) if row.from_ratio.value() == 0.0 => format!("aPTT < {} × baseline", to.shown()),
        Some(to) => format!("aPTT {}–{} × baseline", row.from_ratio.shown(), to.shown()),
        None => format!("aPTT ≥ {} × baseline", row.from_ratio.shown()),
    };
    let step = if row.change_percent == 0.0 {
        "no change".to_owned()
    } else {
        format!(
            "{}{}%",
            if row.change_percent > 0.0 { "+" } else { "−" },
            num(row.change_percent.abs(), 0)
        )
    };
    let action = if row.hold_min.value() > 0.0 {
        format!("hold {} min, then {step}", row.hold_min.shown())
    } else {
        step
    };
    Some(DtiTitration {
        new_rate,
        change,
        hold_min: row.hold_min,
        stop_and_call: false,
        row_text: format!("{band}: {action}"),
        capped_at_max: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClinicalTime, MlPerMin, Setting, Weight, WeightKind};

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
        let drug = |patient: &Patient| choose_dti(patient, &p).drug;
        assert_eq!(drug(&patient()), DtiDrug::Argatroban, "neither impaired: preference");
        assert_eq!(drug(&with(|x| x.hepatic_impairment = true)), DtiDrug::Bivalirudin);
        assert_eq!(drug(&with(|x| x.rrt = Rrt::Crrt)), DtiDrug::Argatroban);
        assert_eq!(drug(&with(|x| x.crcl = MlPerMin::new(20.0).ok())), DtiDrug::Argatroban);
        let both = with(|x| {
            x.hepatic_impairment = true;
            x.rrt = Rrt::Ihd;
        });
        assert_eq!(
            drug(&both),
            DtiDrug::Bivalirudin,
            "both impaired: bivalirudin at the renal dose"
        );
        assert_eq!(drug(&with(|x| x.ecmo_low_flow = true)), DtiDrug::Argatroban);
        let hepatic_low_flow = with(|x| {
            x.hepatic_impairment = true;
            x.ecmo_low_flow = true;
        });
        assert_eq!(
            drug(&hepatic_low_flow),
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
        assert_eq!(start(DtiDrug::Argatroban, &patient(), &p).rate.value, 0.5);
        let hepatic = with(|x| x.hepatic_impairment = true);
        assert_eq!(start(DtiDrug::Argatroban, &hepatic, &p).rate.value, 0.2);
        // 80 kg × 0.5 mcg/kg/min × 60 ÷ 1000 ÷ 1 mg/mL = 2.4 mL/h.
        assert!((start(DtiDrug::Argatroban, &patient(), &p).pump.value() - 2.4).abs() < 1e-12);
        // Baseline 40 s: 1.5–3 × 40 = 60–120 s, capped at 100 s.
        let target = argatroban_target(&p, Some(Seconds::constant(40.0))).unwrap_or_else(|| panic!("target"));
        assert_eq!((target.low.value(), target.high.value()), (60.0, 100.0));
        assert!(target.basis.contains("capped at 100 s"));
        assert!(argatroban_target(&p, None).is_none());
    }

    #[test]
    fn argatroban_titration_rows() {
        let p = protocol();
        let current = McgPerKgPerMin::constant(1.0);
        let step =
            |aptt: f64| titrate_argatroban(&p, Seconds::constant(aptt), current).unwrap_or_else(|| panic!("row"));
        assert!(
            (step(35.0).change.value - 0.25).abs() < 1e-12,
            "< 40 s: +0.25 (critically ill)"
        );
        assert!((step(42.0).change.value - 0.1).abs() < 1e-12, "40–45 s: +0.1");
        assert_eq!(step(60.0).change.value, 0.0, "46–90 s: no change");
        let hold = step(95.0);
        assert_eq!(
            (hold.hold_min.value(), hold.change.value),
            (30.0, -0.25),
            "91–100 s: hold 30 min, −0.25"
        );
        let stop = step(120.0);
        assert!(
            stop.stop_and_call && stop.new_rate.value == 0.0,
            "> 100 s: stop and call"
        );
        let capped = titrate_argatroban(&p, Seconds::constant(35.0), McgPerKgPerMin::constant(9.9))
            .unwrap_or_else(|| panic!("row"));
        assert!(capped.capped_at_max && capped.new_rate.value == 10.0);
    }

    #[test]
    fn bivalirudin_titration_rows() {
        let p = protocol();
        let current = MgPerKgPerHour::constant(0.1);
        let step =
            |ratio: f64| titrate_bivalirudin(&p, Ratio::constant(ratio), current).unwrap_or_else(|| panic!("row"));
        assert!((step(1.2).new_rate.value - 0.12).abs() < 1e-12, "below 1.5 ×: +20%");
        assert_eq!(step(1.8).change.value, 0.0, "1.5–2 ×: no change");
        assert!((step(2.5).new_rate.value - 0.08).abs() < 1e-12, "2–3 ×: −20%");
        let held = step(3.5);
        assert_eq!(held.hold_min.value(), 60.0, "≥ 3 ×: hold 60 min");
        assert!((held.new_rate.value - 0.06).abs() < 1e-12, "then −40%");
    }
}
