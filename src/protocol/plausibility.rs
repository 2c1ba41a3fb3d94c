//! Input plausibility (clinical reference §12): outside the hard range a value is refused with the
//! allowed range and the likely mistake ("1,400 units/kg/h — did you mean units/h?"); above the soft
//! maximum, or non-zero below the soft minimum, it is accepted and the warning travels with the analysis.
//! Recommendations are checked against the same limits (`analysis::limits`).

use super::rules::{Limits, Plausibility};
use crate::model::events::lab_event_pattern;
use crate::model::lab_table::lab_table;
use crate::model::{EventKind, HeparinRate, Kilograms, PlasmaAmount, Quantity, num};

/// A refused value: what, the value, what is allowed, the likely mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value} is outside the accepted range {allowed}{} ({source_note})", mistake_text(.mistake))]
pub struct Implausible {
    pub what: String,
    /// The value with its unit ("1,400 units/kg/h").
    pub value: String,
    pub allowed: String,
    pub mistake: Option<String>,
    pub source_note: String,
}

fn mistake_text(mistake: &Option<String>) -> String {
    mistake.as_ref().map_or(String::new(), |m| format!(" — {m}"))
}

/// Where a value lies against its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Fine,
    /// Above the soft maximum, or non-zero below the soft minimum.
    Soft,
    /// Refused.
    Hard,
}

/// Where `value` lies against `limits`.
#[must_use]
pub fn verdict<Q: Quantity>(limits: &Limits<Q>, value: Q) -> Verdict {
    let v = value.value();
    // One definition of a hard breach: the limit `broken_limit` names.
    let refused = broken_limit(limits, value).is_some();
    let warned = limits.soft_max.is_some_and(|soft| v > soft.value())
        || limits.soft_min.is_some_and(|soft| v > 0.0 && v < soft.value());
    if refused {
        Verdict::Hard
    } else if warned {
        Verdict::Soft
    } else {
        Verdict::Fine
    }
}

/// The allowed range in words ("up to 100 units/kg/h", "below 10,000 units/h").
#[must_use]
pub fn allowed_text<Q: Quantity>(limits: &Limits<Q>, unit: &str) -> String {
    let [lo, hi, from] = [limits.hard_min, limits.hard_max, limits.hard_from].map(|l| l.map(Q::value));
    match (lo, hi, from) {
        (Some(lo), Some(hi), _) => format!("{}–{} {unit}", num(lo, 3), num(hi, 3)),
        (Some(lo), None, Some(from)) => format!("{} {unit} or more, below {} {unit}", num(lo, 3), num(from, 3)),
        (Some(lo), None, None) => format!("{} {unit} or more", num(lo, 3)),
        (None, Some(hi), _) => format!("up to {} {unit}", num(hi, 3)),
        (None, None, Some(from)) => format!("below {} {unit}", num(from, 3)),
        (None, None, None) => String::new(),
    }
}

/// The hard limit a value broke (the one shown as "the hard limit Y").
#[must_use]
pub fn broken_limit<Q: Quantity>(limits: &Limits<Q>, value: Q) -> Option<f64> {
    let v = value.value();
    limits
        .hard_max
        .map(Q::value)
        .filter(|max| v > *max)
        .or(limits.hard_from.map(Q::value).filter(|from| v >= *from))
        .or(limits.hard_min.map(Q::value).filter(|min| v < *min))
}

fn check<Q: Quantity>(limits: &Limits<Q>, what: &str, value: Q, unit: &str) -> Result<Option<String>, Implausible> {
    match verdict(limits, value) {
        Verdict::Hard => Err(Implausible {
            what: what.to_owned(),
            // As typed (clinical reference §14.4: never rounded in a refusal).
            value: format!("{} {unit}", num(value.value(), (Q::DECIMALS + 2).min(6)))
                .trim_end()
                .to_owned(),
            allowed: allowed_text(limits, unit),
            mistake: limits.mistake.clone(),
            source_note: limits.source.to_string(),
        }),
        Verdict::Soft => {
            let v = value.value();
            let side = match (limits.soft_max, limits.soft_min) {
                (Some(soft), _) if v > soft.value() => format!("above {} {unit}", num(soft.value(), 3)),
                (_, Some(soft)) => format!("below {} {unit}", num(soft.value(), 3)),
                _ => String::new(),
            };
            Ok(Some(format!(
                "{what} {} {unit} is {side}: accepted, but check it{} ({})",
                num(v, Q::DECIMALS.max(1)),
                mistake_text(&limits.mistake),
                limits.source
            )))
        }
        Verdict::Fine => Ok(None),
    }
}

/// Both checks of a dose with an absolute and a per-kg limit: a refusal from either; the warnings of
/// both.
fn both(
    first: Result<Option<String>, Implausible>,
    second: Result<Option<String>, Implausible>,
) -> Result<Option<String>, Implausible> {
    let (a, b) = (first?, second?);
    Ok(match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    })
}

/// Checks a weight.
///
/// # Errors
/// Outside the hard range.
pub fn check_weight(p: &Plausibility, weight: Kilograms) -> Result<Option<String>, Implausible> {
    check(&p.weight_kg, "weight", weight, "kg")
}

/// Checks a height.
///
/// # Errors
/// Outside the hard range.
pub fn check_height(p: &Plausibility, height: crate::model::Centimetres) -> Result<Option<String>, Implausible> {
    check(&p.height_cm, "height", height, "cm")
}

/// Checks one event's value; `Ok(Some(warning))` for a soft limit.
///
/// # Errors
/// Outside the hard range.
pub fn check_event(p: &Plausibility, kind: EventKind, weight: Kilograms) -> Result<Option<String>, Implausible> {
    match kind {
        lab_table!(lab_event_pattern) => check_lab(p, kind).map_err(|mut e| {
            if e.mistake.is_none() {
                e.mistake = unit_slip(kind).map(str::to_owned);
            }
            e
        }),
        // The limit of the lab it is a result of.
        EventKind::AntiXaBelow(v) => check_lab(p, EventKind::AntiXa(v)),
        EventKind::UfhBolus(v) => both(
            check(&p.ufh_bolus_units, "heparin bolus", v, "units"),
            check(
                &p.ufh_bolus_units_per_kg,
                &format!("heparin bolus ({v} at {weight} =)"),
                v.per_kg(weight),
                "units/kg",
            ),
        ),
        EventKind::UfhInfusion(rate) => {
            let per_kg = rate.units_per_kg_per_hour(weight);
            let per_hour = rate.units_per_hour(weight);
            match rate {
                HeparinRate::UnitsPerKgPerHour(_) => both(
                    check(&p.ufh_rate_units_per_kg_per_h, "heparin infusion", per_kg, "units/kg/h"),
                    check(
                        &p.ufh_rate_units_per_h,
                        &format!("heparin infusion ({per_kg} at {weight} =)"),
                        per_hour,
                        "units/h",
                    ),
                ),
                HeparinRate::UnitsPerHour(_) => both(
                    check(&p.ufh_rate_units_per_h, "heparin infusion", per_hour, "units/h"),
                    check(
                        &p.ufh_rate_units_per_kg_per_h,
                        &format!("heparin infusion ({per_hour} at {weight} =)"),
                        per_kg,
                        "units/kg/h",
                    ),
                ),
            }
        }
        EventKind::ArgatrobanInfusion(v) => check(&p.argatroban_mcg_per_kg_per_min, "argatroban", v, "mcg/kg/min"),
        EventKind::BivalirudinInfusion(v) => check(&p.bivalirudin_mg_per_kg_per_h, "bivalirudin", v, "mg/kg/h"),
        EventKind::AtConcentrate(v) | EventKind::AtRecombinant(v) => both(
            check(&p.antithrombin_units, "antithrombin dose", v, "units"),
            check(
                &p.antithrombin_units_per_kg,
                &format!("antithrombin dose ({v} at {weight} =)"),
                v.per_kg(weight),
                "units/kg",
            ),
        ),
        EventKind::Protamine(mg) => both(
            check(&p.protamine_mg, "protamine", mg, "mg"),
            check(
                &p.protamine_mg_per_kg,
                &format!("protamine ({mg} at {weight} =)"),
                mg.per_kg(weight),
                "mg/kg",
            ),
        ),
        EventKind::Ffp(PlasmaAmount::Millilitres(ml)) => check(&p.ffp_ml, "fresh frozen plasma", ml, "mL"),
        // No fixed limit of clinical reference §12 applies yet (issue 23: recorded, not used).
        EventKind::Ffp(PlasmaAmount::Bags(_))
        | EventKind::OtherAnticoagulant(..)
        | EventKind::CircuitChange(_)
        | EventKind::SurgeryEnd(_)
        | EventKind::HitImmunoassay(_)
        | EventKind::HitFunctionalAssay(_)
        | EventKind::SettingFrom(_)
        | EventKind::RrtFrom(_)
        | EventKind::CrclFrom(_)
        | EventKind::HepaticImpairmentFrom(_)
        | EventKind::HighBleedingRiskFrom(_)
        | EventKind::BleedingFrom(_)
        | EventKind::PregnancyFrom(_)
        | EventKind::EcmoFlowFrom(_) => Ok(None),
    }
}

/// The check of one lab, by the field of the plausibility section its row of the lab table names; no
/// check for a row without one.
macro_rules! lab_limit {
    ($p:expr, $v:expr, $ty:ty, $label:literal, -) => {{
        let _ = ($p, $v);
        Ok(None)
    }};
    ($p:expr, $v:expr, $ty:ty, $label:literal, $limit:ident) => {
        check(&$p.$limit, $label, $v, <$ty as Quantity>::UNIT)
    };
}

/// Checks a lab result against its row's limit (`model::lab_table`).
macro_rules! check_lab_of_table {
    ($($lab:ident($ty:ty) $field:ident $code:literal $label:literal $noun:literal
        [$stored:literal $(, $alt:literal $op:tt $factor:literal)*]
        reported $reported:tt limit $limit:tt flowsheet $sheet:literal),+ $(,)?) => {
        fn check_lab(p: &Plausibility, kind: EventKind) -> Result<Option<String>, Implausible> {
            match kind {
                $(EventKind::$lab(v) => lab_limit!(p, v, $ty, $label, $limit),)+
                // Not a lab: no lab limit.
                _ => Ok(None),
            }
        }
    };
}
lab_table!(check_lab_of_table);

/// The likely slip behind a refused lab value, in the words of clinical reference §14.4: a fibrinogen in mg/dL,
/// platelets per µL, an aPTT ratio for seconds, an antithrombin fraction for a percentage.
fn unit_slip(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Fibrinogen(v) if v.value() > 15.0 => Some("mg/dL? (250 mg/dL = 2.5 g/L)"),
        EventKind::Platelets(v) if v.value() > 2000.0 => Some("a count per µL? (250,000/µL = 250 × 10⁹/L)"),
        EventKind::Aptt(v) if v.value() < 10.0 => Some("a ratio? enter seconds"),
        EventKind::Antithrombin(v) if v.value() <= 2.0 => Some("a fraction? (0.55 units/mL = 55%)"),
        _ => None,
    }
}

/// The highest creatinine clearance accepted: an input sanity limit of ours, above augmented renal
/// clearance in the critically ill (reported up to about 250 mL/min), so that a slip (500 for 50) is refused
/// rather than raising a renal dose band. Not a protocol number: the protocol format has no CrCl limit.
pub const CRCL_MAX_ML_MIN: f64 = 300.0;

/// Checks a creatinine clearance against [`CRCL_MAX_ML_MIN`].
///
/// # Errors
/// Above it, with the limit and the likely slip.
pub fn check_crcl(crcl: crate::model::MlPerMin) -> Result<(), String> {
    if crcl.value() > CRCL_MAX_ML_MIN {
        Err(format!(
            "CrCl {crcl} is above {} mL/min, more than any measured clearance — a slip (500 for 50)? (input sanity limit)",
            num(CRCL_MAX_ML_MIN, 0)
        ))
    } else {
        Ok(())
    }
}

/// Checks a baseline aPTT against the aPTT limits.
///
/// # Errors
/// Outside the hard range.
pub fn check_baseline_aptt(p: &Plausibility, aptt: crate::model::Seconds) -> Result<Option<String>, Implausible> {
    check(&p.aptt_s, "baseline aPTT", aptt, "s")
}
