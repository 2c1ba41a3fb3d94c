//! Direct thrombin inhibitors (clinical reference §8): which drug, start dose by organ function, aPTT
//! target, titration by the protocol's table, and the pump rate.

use super::rate::Rate;
use crate::model::{Kilograms, McgPerKgPerMin, MgPerKgPerHour, MlPerHour, Patient, Rrt, Seconds, num};
use crate::protocol::Protocol;
use crate::protocol::schema::{ArgatrobanColumn, ArgatrobanRow, BivalirudinRow, DtiDrug, Source};

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
    let crcl_limit = rules.renal_impairment_below_crcl_ml_min.value;
    let renal = patient.rrt != Rrt::None || patient.crcl.is_some_and(|c| c.value() < crcl_limit);
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
        format!("aPTT {}–{} ({})", self.low.number(), self.high, self.basis)
    }
}

fn secs(v: f64) -> Seconds {
    Seconds::new(v).unwrap_or(Seconds::ZERO)
}

/// Argatroban aPTT target: 1.5–3 × baseline, never above the protocol's ceiling.
#[must_use]
pub fn argatroban_target(protocol: &Protocol, baseline: Option<Seconds>) -> Option<ApttTarget> {
    let a = &protocol.argatroban;
    let base = baseline?;
    let cap = a.target_max_s.value;
    let high = (a.target_ratio.high * base.value()).min(cap);
    Some(ApttTarget {
        low: secs(a.target_ratio.low * base.value()),
        high: secs(high),
        basis: format!(
            "{}–{} × baseline {}{}",
            num(a.target_ratio.low, 2),
            num(a.target_ratio.high, 2),
            base,
            if a.target_ratio.high * base.value() > cap {
                format!(", capped at {}", secs(cap))
            } else {
                String::new()
            }
        ),
    })
}

/// Bivalirudin aPTT target: the protocol's ratio × baseline.
#[must_use]
pub fn bivalirudin_target(protocol: &Protocol, baseline: Option<Seconds>) -> Option<ApttTarget> {
    let b = &protocol.bivalirudin;
    let base = baseline?;
    Some(ApttTarget {
        low: secs(b.target_ratio.low * base.value()),
        high: secs(b.target_ratio.high * base.value()),
        basis: format!(
            "{}–{} × baseline {}",
            num(b.target_ratio.low, 2),
            num(b.target_ratio.high, 2),
            base
        ),
    })
}

/// A DTI start: rate, pump rate, concentration, target and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiStart {
    pub drug: DtiDrug,
    pub rate: Rate,
    pub pump: Option<MlPerHour>,
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
    let capped = rate_value.min(a.max_mcg_per_kg_per_min.value);
    let rate = McgPerKgPerMin::new(capped).unwrap_or(McgPerKgPerMin::ZERO);
    let concentration =
        crate::model::MgPerMl::new(a.concentration_mg_per_ml.value).unwrap_or(crate::model::MgPerMl::ZERO);
    let pump = rate.pump_rate(weight, concentration);
    let target = argatroban_target(protocol, patient.baseline_aptt);
    let mut warnings = vec![format!(
        "The label start of {} is for non-critically ill HIT patients; critically ill patients need far less (MODS maintenance about 0.22 mcg/kg/min)",
        McgPerKgPerMin::new(a.label_start_mcg_per_kg_per_min.value).unwrap_or(McgPerKgPerMin::ZERO)
    )];
    warnings.push("Argatroban raises the INR; do not read the INR as coagulopathy".to_owned());
    if target.is_none() {
        warnings.push(
            "No baseline aPTT: the target cannot be set as a ratio; draw a baseline aPTT before starting".to_owned(),
        );
    }
    let mut rationale = vec![format!("start {rate} ({why}), no bolus")];
    if let Some(p) = pump {
        rationale.push(format!(
            "pump {p} = {} × {} × 60 ÷ 1000 ÷ {}",
            rate.number(),
            weight,
            concentration
        ));
    }
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
    let (value, why, warning) = match (patient.rrt, patient.crcl) {
        (Rrt::Ihd, _) => (
            b.start_ihd_mg_per_kg_per_h,
            "intermittent hemodialysis".to_owned(),
            None,
        ),
        (Rrt::Crrt, _) => (
            b.start_crrt_mg_per_kg_per_h,
            "CRRT".to_owned(),
            Some(
                "On ECMO, CRRT raised bivalirudin needs by 75–125% in one cohort (Walker 2019): titrate promptly"
                    .to_owned(),
            ),
        ),
        (Rrt::None, Some(crcl)) => {
            let row = b
                .start_by_crcl
                .iter()
                .find(|r| crcl.value() >= r.crcl_from && r.crcl_to.is_none_or(|to| crcl.value() < to));
            let value = row.map_or(b.start_by_crcl[0].mg_per_kg_per_h, |r| r.mg_per_kg_per_h);
            (value, format!("CrCl {crcl}"), None)
        }
        (Rrt::None, None) => {
            let lowest = b
                .start_by_crcl
                .first()
                .map_or(b.start_ihd_mg_per_kg_per_h, |r| r.mg_per_kg_per_h);
            (
                lowest,
                "CrCl not entered: the most cautious non-dialysis band".to_owned(),
                Some(
                    "CrCl not entered: started at the lowest non-dialysis band; enter CrCl to dose by renal function"
                        .to_owned(),
                ),
            )
        }
    };
    (MgPerKgPerHour::new(value).unwrap_or(MgPerKgPerHour::ZERO), why, warning)
}

fn bivalirudin_start(patient: &Patient, protocol: &Protocol, weight: Kilograms) -> DtiStart {
    let b = &protocol.bivalirudin;
    let (rate, why, warning) = bivalirudin_start_rate(patient, protocol);
    let concentration =
        crate::model::MgPerMl::new(b.concentration_mg_per_ml.value).unwrap_or(crate::model::MgPerMl::ZERO);
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
    let mut rationale = vec![format!("start {rate} ({why}), no bolus")];
    if let Some(p) = pump {
        rationale.push(format!("pump {p} = {} × {} ÷ {}", rate.number(), weight, concentration));
    }
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
    pub hold_min: f64,
    pub stop_and_call: bool,
    pub row_text: String,
    /// The requested rate was above the maximum and was capped.
    pub capped_at_max: bool,
}

/// The argatroban table row for an aPTT.
#[must_use]
pub fn argatroban_row(protocol: &Protocol, aptt: Seconds) -> Option<&ArgatrobanRow> {
    protocol
        .argatroban
        .titration
        .iter()
        .find(|r| aptt.value() >= r.from_s && r.to_s.is_none_or(|to| aptt.value() < to))
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
        0.0
    } else {
        (current.value() + step).max(0.0)
    };
    let capped_at_max = requested > max;
    let new_value = requested.min(max);
    let new_rate = Rate::argatroban(McgPerKgPerMin::new(new_value).unwrap_or(McgPerKgPerMin::ZERO));
    let change = Rate {
        value: new_value - current.value(),
        unit: new_rate.unit,
    };
    let band = match row.to_s {
        Some(to) if row.from_s == 0.0 => format!("aPTT < {} s", num(to, 0)),
        Some(to) => format!("aPTT {}–{} s", num(row.from_s, 0), num(to - 1.0, 0)),
        None => format!("aPTT > {} s", num(row.from_s - 1.0, 0)),
    };
    let column = match a.titration_column {
        ArgatrobanColumn::CriticallyIll => "critically ill column",
        ArgatrobanColumn::NormalHepatic => "normal hepatic function column",
    };
    let action = if row.stop_and_call {
        "stop the infusion and call the physician".to_owned()
    } else if row.hold_min > 0.0 {
        format!(
            "hold {} min, then {}",
            num(row.hold_min, 0),
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
pub fn bivalirudin_row(protocol: &Protocol, ratio: f64) -> Option<&BivalirudinRow> {
    protocol
        .bivalirudin
        .titration
        .iter()
        .find(|r| ratio >= r.from_ratio && r.to_ratio.is_none_or(|to| ratio < to))
}

/// Bivalirudin titration by aPTT ratio to baseline.
#[must_use]
pub fn titrate_bivalirudin(protocol: &Protocol, ratio: f64, current: MgPerKgPerHour) -> Option<DtiTitration> {
    let row = bivalirudin_row(protocol, ratio)?;
    let new_value = current.value() * (1.0 + row.change_percent / 100.0);
    let new_rate = Rate::bivalirudin(MgPerKgPerHour::new(new_value.max(0.0)).unwrap_or(MgPerKgPerHour::ZERO));
    let change = Rate {
        value: new_rate.value - current.value(),
        unit: new_rate.unit,
    };
    let band = match row.to_ratio {
        Some(to) if row.from_ratio == 0.0 => format!("aPTT < {} × baseline", num(to, 2)),
        Some(to) => format!("aPTT {}–{} × baseline", num(row.from_ratio, 2), num(to, 2)),
        None => format!("aPTT ≥ {} × baseline", num(row.from_ratio, 2)),
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
    let action = if row.hold_min > 0.0 {
        format!("hold {} min, then {step}", num(row.hold_min, 0))
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
