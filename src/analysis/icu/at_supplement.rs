//! Antithrombin supplementation (clinical reference §6): the label formula (divide by 1.4), vial rounding,
//! what was already given, the product's alternatives, and the AT level expected after a dose.

use super::super::antithrombin_card::antithrombin_recommendation;
use super::super::context::Cx;
use super::super::timeline::{AtDose, Sample};
use super::super::types::{Due, HeparinExposure, Recommendation};
use crate::dosing::antithrombin::{expected_rise_percent, plasma_derived_dose, recombinant_dose};
use crate::dosing::dti;
use crate::model::{Minutes, Percent, Units, num};

const ANTITHROMBIN: &str = "antithrombin";

/// The AT level expected after the doses at label recovery.
pub(super) fn expected_level(cx: &Cx<'_>, level: Percent, doses: &[AtDose]) -> Percent {
    level.plus(doses.iter().map(|d| rise(cx, d)).fold(Percent::ZERO, Percent::plus))
}

/// Expected AT rise (percentage points) from a dose at the product's label recovery.
fn rise(cx: &Cx<'_>, d: &AtDose) -> Percent {
    let at = &cx.p.antithrombin;
    let recovery = if d.recombinant {
        at.recombinant.load_divisor
    } else {
        at.plasma_derived.recovery_percent_per_unit_per_kg
    };
    expected_rise_percent(d.units, cx.at_kg(), recovery)
}

/// "20 min", "12 h".
pub(super) fn minutes_text(minutes: Minutes) -> String {
    if minutes.value() >= 60.0 {
        format!("{} h", minutes.in_hours().shown())
    } else {
        format!("{} min", minutes.shown())
    }
}

/// Antithrombin supplementation with the label formula, vial rounding and what was already given.
pub(super) fn supplement(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    level: Sample<Percent>,
    given: &[AtDose],
    mut rationale: Vec<String>,
) -> Recommendation {
    let p = cx.p;
    let at = &p.antithrombin;
    let pd = &at.plasma_derived;
    let baseline = level.value;
    let full = plasma_derived_dose(baseline, pd.target_percent, cx.at_kg(), pd);
    rationale.push(say!(
        cx,
        "antithrombin {} at {} is below {} (deficiency)",
        baseline,
        level.time,
        at.deficiency_below_percent.value
    ));
    rationale.push(say!(
        cx,
        "dose to {} (label formula, divide by {}): {}",
        pd.target_percent,
        num(pd.recovery_percent_per_unit_per_kg.value(), 1),
        full.formula()
    ));
    let expected = expected_level(cx, level.value, given);
    if !given.is_empty() {
        let total = Units::total(given.iter().map(|d| d.units));
        let added = given.iter().map(|d| rise(cx, d)).fold(Percent::ZERO, Percent::plus);
        rationale.push(say!(
            cx,
            "already given since the level: {} → expected AT ≈ {expected} (+{} points at label recovery), short of the {} lower bound",
            total,
            num(added.value(), 1),
            pd.maintenance_range_percent.low
        ));
    }
    let still = plasma_derived_dose(expected, pd.target_percent, cx.at_kg(), pd);
    let (mut rec, rounded) = antithrombin_recommendation(cx, still.dose);
    if given.is_empty() {
        rationale.push(say!(cx, "give {}", rounded.describe()));
    } else {
        rationale.push(say!(cx, "still to give: {} ({})", rounded.describe(), still.formula()));
    }
    let load = plasma_derived_dose(baseline, pd.load_target_percent, cx.at_kg(), pd);
    rationale.push(say!(
        cx,
        "label load target {}: {}; maintenance ≈ {}% of the load every 24 h ({})",
        pd.load_target_percent,
        load.dose,
        num(pd.maintenance_fraction_per_24h.value() * 100.0, 0),
        load.maintenance_per_24h
    ));
    if let (Some(r), Some(u)) = (h.current_rate_units_per_kg_per_h, h.current_rate_units_per_h) {
        rationale.push(say!(
            cx,
            "continue heparin at {r} ({u}) meanwhile; no escalation until AT and anti-Xa are re-measured"
        ));
    }
    rec.target = say!(
        cx,
        "antithrombin {} (maintain {}–{})",
        pd.target_percent,
        pd.maintenance_range_percent.low.shown(),
        pd.maintenance_range_percent.high
    );
    rec.rationale = rationale;
    rec.cite(pd.source.clone());
    rec.cite(at.deficiency_below_percent.source.clone());
    supplement_alternatives(cx, &mut rec, baseline);
    rec.caveats.push(at.caveat.value.clone());
    rec.caveats.push(at.heparin_potentiation_caveat.value.clone());
    // The pregnancy caveat goes with a DTI or HIT only (clinical reference §14.6, rev 3).
    if cx.patient.setting.is_ecmo() {
        let obs = &pd.ecmo_observed_recovery_percent_per_unit_per_kg;
        rec.caveats.push(say!(
            cx,
            "on ECMO the observed rise was ≈ {}% per units/kg (a third of label): {} may raise AT only ≈ {} points ({})",
            obs.value.shown(),
            rounded.rounded,
            num(expected_rise_percent(rounded.rounded, cx.at_kg(), obs.value).value(), 0),
            obs.source
        ));
    }
    for m in &p.monitoring.at_recheck_after_dose_min.value {
        cx.due(
            ANTITHROMBIN,
            Due::At(cx.as_of.after_minutes(*m)),
            say!(cx, "{} after the dose", minutes_text(*m)),
        );
    }
    cx.due(
        "anti-Xa (with a paired aPTT)",
        Due::At(cx.as_of.after_hours(p.monitoring.ufh_recheck_h.value)),
        "response to antithrombin",
    );
    rec
}

/// The other products (recombinant, plasma) and the DTI if supplementation fails.
fn supplement_alternatives(cx: &Cx<'_>, rec: &mut Recommendation, baseline: Percent) {
    let at = &cx.p.antithrombin;
    let rc = recombinant_dose(baseline, cx.at_kg(), cx.patient.pregnant, &at.recombinant);
    rec.alternatives.push(say!(
        cx,
        "{} (never use the plasma-derived divisor for it): {}",
        at.recombinant.product,
        rc.formula()
    ));
    let ml = at.plasma.dose_ml_per_kg;
    let (lo, hi) = (ml.low.for_weight(cx.at_kg()), ml.high.for_weight(cx.at_kg()));
    rec.alternatives.push(say!(
        cx,
        "fresh frozen plasma {}–{} mL/kg = {}–{} ≈ {}–{} units antithrombin (weaker; {})",
        ml.low.shown(),
        ml.high.shown(),
        lo.shown(),
        hi,
        lo.units_at(at.plasma.at_units_per_ml).shown(),
        hi.units_at(at.plasma.at_units_per_ml).shown(),
        at.plasma.source
    ));
    let choice = dti::choose_dti(&cx.patient, cx.p, cx.hepatic.impaired);
    rec.alternatives.push(say!(
        cx,
        "switch to {} if the target is still not reached after supplementation",
        choice.drug.name()
    ));
}
