//! The last check before a recommendation is shown (clinical reference §1, §12, rev 2):
//! - a recommended dose or rate above a soft limit carries a senior-review caveat; above a hard limit it
//!   has no dose field at all, and `exceeds_hard_limit` says what was calculated and the limit;
//! - a child, infant or neonate under an adult protocol gets no dose, rate or pump rate anywhere on the
//!   card: the action is to measure (or, above an adult hold threshold, to stop and call);
//! - so does an adult under the protocol's minimum weight until the clinician confirms the weight.

use super::context::Cx;
use super::types::{Action, FindingCode, HardLimitExceeded, Recommendation};
use crate::dosing::DoseRate;
use crate::model::{Population, Quantity};
use crate::protocol::Limits;
use crate::protocol::plausibility::{Verdict, broken_limit, verdict};

/// A value against its limits: a hard breach (calculated, limit), or a soft one (a caveat), or neither.
enum Check {
    Fine,
    Soft(String),
    Hard(HardLimitExceeded),
}

fn check<Q: Quantity>(limits: &Limits<Q>, value: Q, unit: &'static str, what: &str) -> Check {
    // The value as it is shown is what is checked: 39,999.6 units is shown as 40,000, which §12 refuses
    // (issue 26 review).
    let shown = Q::try_new(crate::model::round_half_up(
        value.value(),
        value.shown_decimals() as u32,
    ))
    .unwrap_or(value);
    if let Some(limit) = broken_limit(limits, shown).or_else(|| broken_limit(limits, value)) {
        return Check::Hard(HardLimitExceeded {
            calculated: value.value(),
            limit,
            unit,
        });
    }
    match verdict(limits, value) {
        Verdict::Soft => Check::Soft(format!(
            "{what} {} {unit} is beyond the protocol's soft limit: senior review ({})",
            crate::model::num(value.value(), 3),
            limits.source
        )),
        // A hard breach is the broken limit above.
        Verdict::Fine | Verdict::Hard => Check::Fine,
    }
}

/// Every dose on the card against the protocol's limits.
fn checks(cx: &Cx<'_>, rec: &Recommendation) -> Vec<Check> {
    let pl = &cx.p.plausibility;
    let mut out = Vec::new();
    if let Some(rate) = rec.rate {
        match rate {
            DoseRate::Heparin(r) => {
                out.push(check(&pl.ufh_rate_units_per_kg_per_h, r, "units/kg/h", "heparin"));
                // The units/h the pump runs (a running rate echoed as entered), else from the per-kg rate.
                let concentration = cx.p.ufh.concentration_units_per_ml.value.value();
                // The pump rate as shown (0.1 mL/h, 0.01 below 10), times the bag: what the pump delivers.
                let per_hour = rec
                    .pump_ml_per_h
                    .and_then(|p| {
                        let shown = crate::model::round_half_up(p.value(), p.shown_decimals() as u32);
                        crate::model::UnitsPerHour::new(shown * concentration).ok()
                    })
                    .unwrap_or_else(|| r.for_weight(cx.hkg()));
                out.push(check(&pl.ufh_rate_units_per_h, per_hour, "units/h", "heparin"));
            }
            DoseRate::Argatroban(r) => {
                out.push(check(&pl.argatroban_mcg_per_kg_per_min, r, "mcg/kg/min", "argatroban"));
            }
            DoseRate::Bivalirudin(r) => {
                out.push(check(&pl.bivalirudin_mg_per_kg_per_h, r, "mg/kg/h", "bivalirudin"));
            }
        }
    }
    if let Some(b) = rec.bolus_units {
        out.push(check(&pl.ufh_bolus_units, b, "units", "heparin bolus"));
        out.push(check(
            &pl.ufh_bolus_units_per_kg,
            b.per_kg(cx.hkg()),
            "units/kg",
            "heparin bolus",
        ));
    }
    if let Some(d) = rec.dose_units.filter(|_| rec.action == Action::SupplementAntithrombin) {
        out.push(check(&pl.antithrombin_units, d, "units", "antithrombin"));
        out.push(check(
            &pl.antithrombin_units_per_kg,
            d.per_kg(cx.at_kg()),
            "units/kg",
            "antithrombin",
        ));
    }
    out
}

/// Removes every dose field.
fn strip_doses(rec: &mut Recommendation) {
    rec.rate = None;
    rec.rate_change = None;
    rec.pump_ml_per_h = None;
    rec.bolus_units = None;
    rec.dose_units = None;
}

/// Soft limits → caveats; a hard limit → no dose field, and why. The fixed ceilings of the setting in effect
/// are checked too (issue 26): a protocol written for another setting — a bypass protocol used in the ICU —
/// never brings its looser ceilings with it.
fn hard_limits(cx: &Cx<'_>, rec: &mut Recommendation) {
    let fixed = super::fixed_ceilings::checks(cx, rec).into_iter().map(Check::Hard);
    for c in checks(cx, rec).into_iter().chain(fixed) {
        match c {
            Check::Fine => {}
            Check::Soft(caveat) => rec.caveats.push(caveat),
            Check::Hard(x) => {
                if rec.exceeds_hard_limit.is_none() {
                    rec.rationale.push(format!(
                        "calculated {} {} exceeds the hard limit {} {}: no dose is shown; decide with a senior clinician",
                        crate::model::num(x.calculated, 3),
                        x.unit,
                        crate::model::num(x.limit, 3),
                        x.unit
                    ));
                    rec.exceeds_hard_limit = Some(x);
                }
            }
        }
    }
    if rec.exceeds_hard_limit.is_some() {
        strip_doses(rec);
        // The reasoning keeps its figures (a clinician checks the arithmetic), each line saying it is not
        // to be given (review of issue 26: "protocol start: bolus 119,700 units" stood unmarked).
        for line in &mut rec.rationale {
            let has_dose = [
                "units/kg/h",
                "units/h",
                "mL/h",
                "bolus",
                "mcg/kg/min",
                "mg/kg/h",
                " units",
            ]
            .iter()
            .any(|u| line.contains(u));
            if has_dose && !line.starts_with("calculated ") && !line.starts_with("not to be given") {
                *line = format!("not to be given (above a hard limit) — {line}");
            }
        }
        rec.call_senior = true;
        rec.cite("clinical reference §12 [rev 2]: a recommendation above a hard limit has no dose field");
    }
}

/// No adult dose for a non-adult (clinical reference §1, rev 2).
fn non_adult(cx: &mut Cx<'_>, rec: Recommendation) -> Recommendation {
    let age = cx.patient.age_group;
    if cx.p.population.covers(age) {
        return rec;
    }
    cx.finding(
        FindingCode::NoPaediatricProtocol,
        format!(
            "{}: protocol {} is for {} patients only; no dose, rate or pump rate from it is shown",
            age.code(),
            cx.p.name,
            cx.p.population.describe()
        ),
        "clinical reference §1 [rev 2]",
    );
    if let Some(out) = non_adult_with_hit(cx, &rec) {
        return out;
    }
    let mut out = Recommendation::new(
        if rec.action == Action::HoldAnticoagulant {
            Action::HoldAnticoagulant
        } else {
            Action::Measure
        },
        rec.drug.clone(),
    );
    out.rationale.push(format!(
        "no paediatric protocol is loaded: the shipped protocols are adult protocols, so no dose, rate or pump rate is given for a {} (decide with the paediatric team's protocol)",
        age.code()
    ));
    if out.action == Action::HoldAnticoagulant {
        out.label = format!("Stop {} and call", rec.drug);
        out.call_senior = true;
        out.rationale.push(
            "a result above the adult hold threshold: stop and call; no restart rate from an adult protocol".to_owned(),
        );
    } else {
        out.label = "No paediatric protocol loaded: measure and decide with the paediatric team".to_owned();
    }
    out.cite("clinical reference §1 [rev 2]");
    out
}

/// A child, infant or neonate with HIT suspected, probable, confirmed or in the history, no DTI running
/// (clinical reference §14.1, last bullet): stop all heparin, flushes included, and call — no dose from an
/// adult protocol. On ECMO the danger list adds that the circuit is now without anticoagulant
/// (`danger.rs`). With a DTI already running, the paediatric team has chosen one: the general non-adult
/// answer (measure, or a stop-and-call above a hold threshold) stands, with the HIT line.
fn non_adult_with_hit(cx: &Cx<'_>, rec: &Recommendation) -> Option<Recommendation> {
    if !paediatric_hit_without_dti(cx) {
        return None;
    }
    let mut out = Recommendation::new(Action::HoldAnticoagulant, "heparin");
    out.label = "Stop all heparin, including flushes, and call".to_owned();
    out.call_senior = true;
    out.rationale.push(format!(
        "HIT {} in a {}: no heparin at all; the adult protocols give no non-heparin dose for a {} — decide with the paediatric team now",
        cx.hit_status.code(),
        cx.patient.age_group.code(),
        cx.patient.age_group.code()
    ));
    if rec.action != Action::HoldAnticoagulant {
        out.rationale.push(format!(
            "withheld — {}: the adult algorithm's answer for heparin",
            rec.label
        ));
    }
    out.cite("clinical reference §14.1 [rev 3]: a child, infant or neonate with HIT suspected — stop all heparin, including flushes, and call");
    Some(out)
}

/// A non-adult with HIT active and no DTI running (clinical reference §14.1): read by the card and by the
/// danger list (on ECMO, the circuit without anticoagulant).
pub(super) fn paediatric_hit_without_dti(cx: &Cx<'_>) -> bool {
    !cx.p.population.covers(cx.patient.age_group)
        && cx.hit_status.is_active()
        && !cx.tl.running(cx.as_of).is_some_and(|s| s.drug().is_dti())
}

/// An adult under the protocol's minimum weight, not confirmed (clinical reference §1 rev 2): a typing
/// slip (pounds? a missing digit?) or a child entered as an adult. No dose until the weight is confirmed;
/// a hold stays a stop-and-call.
fn unconfirmed_small_adult(cx: &mut Cx<'_>, rec: Recommendation) -> Recommendation {
    let patient = &cx.patient;
    let min = cx.p.plausibility.adult_weight_below_kg.value;
    let has_dose = rec.rate.is_some() || rec.bolus_units.is_some() || rec.dose_units.is_some();
    if !Population::ADULTS.covers(patient.age_group) || patient.weight_confirmed || cx.weight >= min || !has_dose {
        return rec;
    }
    let text = format!(
        "an adult of {} is under {min}: confirm the weight (kilograms, not pounds? a child?) before any dose is shown",
        cx.weight
    );
    cx.finding(
        FindingCode::WeightNeedsConfirming,
        text.clone(),
        cx.p.plausibility.adult_weight_below_kg.source.clone(),
    );
    let hold = rec.action == Action::HoldAnticoagulant;
    let mut out = Recommendation::new(
        if hold {
            Action::HoldAnticoagulant
        } else {
            Action::Measure
        },
        rec.drug.clone(),
    );
    out.label = if hold {
        out.call_senior = true;
        format!("Stop {} and call", rec.drug)
    } else {
        format!("Confirm the weight ({}) before any dose", cx.weight)
    };
    out.rationale.push(text);
    out.rationale
        .push("tick 'weight confirmed' (CLI: --weight-confirmed) once checked: the dose then appears".to_owned());
    out.cite(cx.p.plausibility.adult_weight_below_kg.source.clone());
    out
}

/// The last check: non-adults first, then an unconfirmed small adult, then the hard and soft limits.
pub(super) fn guard(cx: &mut Cx<'_>, rec: Recommendation) -> Recommendation {
    let rec = non_adult(cx, rec);
    let mut rec = unconfirmed_small_adult(cx, rec);
    hard_limits(cx, &mut rec);
    rec
}
