//! Input plausibility (clinical reference §12): outside the hard range a value is refused with the
//! allowed range; above the soft maximum it is accepted and the warning travels with the analysis.

use super::rules::{Limits, Plausibility};
use crate::model::{EventKind, HeparinRate, Kilograms, Quantity, num};

/// A refused value: what, the value, what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value} {unit} is outside the accepted range {allowed} ({source_note})")]
pub struct Implausible {
    pub what: String,
    pub value: String,
    pub unit: String,
    pub allowed: String,
    pub source_note: String,
}

fn check<Q: Quantity>(limits: &Limits<Q>, what: &str, value: Q, unit: &str) -> Result<Option<String>, Implausible> {
    let below = limits.hard_min.is_some_and(|min| value < min);
    let above = limits.hard_max.is_some_and(|max| value > max);
    let value = value.value();
    let [hard_min, hard_max, soft_max] = [limits.hard_min, limits.hard_max, limits.soft_max].map(|l| l.map(Q::value));
    if below || above {
        let allowed = match (hard_min, hard_max) {
            (Some(lo), Some(hi)) => format!("{}–{} {unit}", num(lo, 3), num(hi, 3)),
            (Some(lo), None) => format!("{} {unit} or more", num(lo, 3)),
            (None, Some(hi)) => format!("up to {} {unit}", num(hi, 3)),
            (None, None) => String::new(),
        };
        return Err(Implausible {
            what: what.to_owned(),
            value: num(value, 3).to_string(),
            unit: unit.to_owned(),
            allowed,
            source_note: limits.source.to_string(),
        });
    }
    Ok(soft_max.filter(|soft| value > *soft).map(|soft| {
        format!(
            "{what} {} {unit} is above {} {unit}: accepted, but check it ({})",
            num(value, 3),
            num(soft, 3),
            limits.source
        )
    }))
}

/// Checks a weight.
///
/// # Errors
/// Outside the hard range.
pub fn check_weight(p: &Plausibility, weight: Kilograms) -> Result<Option<String>, Implausible> {
    check(&p.weight_kg, "weight", weight, "kg")
}

/// Checks one event's value; `Ok(Some(warning))` for a soft limit.
///
/// # Errors
/// Outside the hard range.
pub fn check_event(p: &Plausibility, kind: EventKind, weight: Kilograms) -> Result<Option<String>, Implausible> {
    match kind {
        EventKind::Aptt(v) => check(&p.aptt_s, "aPTT", v, "s"),
        EventKind::AntiXa(v) => check(&p.anti_xa_units_per_ml, "anti-Xa", v, "units/mL"),
        EventKind::Antithrombin(v) => check(&p.antithrombin_percent, "antithrombin", v, "%"),
        EventKind::Act(v) => check(&p.act_s, "ACT", v, "s"),
        EventKind::Platelets(v) => check(&p.platelets, "platelets", v, "× 10⁹/L"),
        EventKind::Fibrinogen(v) => check(&p.fibrinogen_g_per_l, "fibrinogen", v, "g/L"),
        EventKind::Inr(v) => check(&p.inr, "INR", v, ""),
        EventKind::UfhBolus(v) => check(&p.ufh_bolus_units, "heparin bolus", v, "units"),
        EventKind::UfhInfusion(rate) => {
            let per_kg = rate.units_per_kg_per_hour(weight);
            let what = match rate {
                HeparinRate::UnitsPerKgPerHour(_) => "heparin infusion".to_owned(),
                HeparinRate::UnitsPerHour(r) => format!("heparin infusion ({r} at {weight} =)"),
            };
            check(&p.ufh_rate_units_per_kg_per_h, &what, per_kg, "units/kg/h")
        }
        EventKind::ArgatrobanInfusion(v) => check(&p.argatroban_mcg_per_kg_per_min, "argatroban", v, "mcg/kg/min"),
        EventKind::BivalirudinInfusion(v) => check(&p.bivalirudin_mg_per_kg_per_h, "bivalirudin", v, "mg/kg/h"),
        EventKind::Hemoglobin(_)
        | EventKind::FactorViii(_)
        | EventKind::PlasmaFreeHb(_)
        | EventKind::Bilirubin(_)
        | EventKind::AtConcentrate(_)
        | EventKind::AtRecombinant(_)
        | EventKind::Ffp(_)
        | EventKind::Protamine(_) => Ok(None),
    }
}

/// Checks a baseline aPTT against the aPTT limits.
///
/// # Errors
/// Outside the hard range.
pub fn check_baseline_aptt(p: &Plausibility, aptt: crate::model::Seconds) -> Result<Option<String>, Implausible> {
    check(&p.aptt_s, "baseline aPTT", aptt, "s")
}
