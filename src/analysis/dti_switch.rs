//! The switch from heparin to a direct thrombin inhibitor (clinical reference §8): which drug (hepatic
//! impairment by the flag or by bilirubin, renal function, flow), its start dose on the DTI dosing weight,
//! pump rate and aPTT target, and why — with, in the ICU setting only, the other non-heparin options and
//! what each needs that the app cannot judge.

use super::context::Cx;
use super::types::{Action, Due, FindingCode, Recommendation};
use crate::dosing::DoseRate;
use crate::dosing::dti::{self, ApttTarget, DtiChoice};
use crate::model::{MlPerHour, Setting};
use crate::protocol::{DtiDrug, Source};

/// Switch from heparin to the DTI the patient's organ function and circuit point to.
pub(super) fn switch_to_dti(
    cx: &mut Cx<'_>,
    reasons: Vec<String>,
    sources: Vec<Source>,
    alternatives: Vec<String>,
) -> Recommendation {
    let choice: DtiChoice = dti::choose_dti(&cx.patient, cx.p, cx.hepatic.impaired);
    switch_to(cx, choice, reasons, sources, alternatives, DtiDosing::IcuStart)
}

/// How much of the DTI start a switch gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DtiDosing {
    /// The protocol's ICU start: rate, pump rate, aPTT target and their reasoning.
    IcuStart,
    /// The drug only (bypass: the sources give no regimen; the ICU doses do not apply).
    DrugOnly,
}

/// Hepatic impairment by bilirubin, in words, for the choice's rationale.
fn hepatic_reason(cx: &Cx<'_>) -> Option<String> {
    cx.hepatic.by_bilirubin.map(|b| {
        say!(
            cx,
            "hepatic impairment by bilirubin: {} at {} > {} (no hepatic flag entered)",
            cx.sample_text(crate::model::LabKind::Bilirubin, b),
            b.time,
            cx.p.dti.hepatic_bilirubin_above_mg_per_dl.value
        )
    })
}

/// The pump rate of a DTI rate on the DTI dosing weight.
pub(super) fn dti_pump(cx: &Cx<'_>, rate: DoseRate) -> Option<MlPerHour> {
    let drug = rate.drug().as_dti()?;
    rate.dti_pump_rate(cx.dti_kg(), dti::section(cx.p, drug).concentration)
}

/// The aPTT target of a DTI for this patient (needs the baseline aPTT).
pub(super) fn dti_target(cx: &Cx<'_>, drug: DtiDrug) -> Option<ApttTarget> {
    dti::dti_target(cx.p, drug, cx.patient.baseline_aptt)
}

/// The caveat when the baseline aPTT makes the aPTT unreliable for DTI monitoring (Helms 2023).
pub(super) fn unreliable_baseline(cx: &Cx<'_>) -> Option<String> {
    let base = cx.patient.baseline_aptt?;
    let d = &cx.p.dti;
    let limit = d
        .aptt_unreliable_baseline_above_ratio
        .value
        .of(cx.p.monitoring.aptt_reference_upper_s.value);
    (base > limit).then(|| {
        say!(
            cx,
            "baseline aPTT {base} > {} × the upper reference {} = {limit}: the aPTT is unreliable for DTI monitoring; use a drug-specific assay (dilute thrombin time / anti-IIa) if available ({})",
            d.aptt_unreliable_baseline_above_ratio.value.shown(),
            cx.p.monitoring.aptt_reference_upper_s.value,
            d.aptt_unreliable_baseline_above_ratio.source
        )
    })
}

/// The other non-heparin options, ICU only (never on ECMO or bypass): each with why it fits or not.
fn other_options(cx: &Cx<'_>, rec: &mut Recommendation) {
    if cx.patient.setting != Setting::Icu {
        return;
    }
    let Some(o) = &cx.p.other_options else {
        return;
    };
    let f = &o.fondaparinux;
    let renal = cx.patient.rrt != crate::model::Rrt::None || cx.patient.crcl.is_some_and(|c| c < f.avoid_below_crcl);
    let fit = if renal {
        say!(cx, "not for this patient: CrCl < {} or on RRT", f.avoid_below_crcl)
    } else {
        say!(cx, "renal function allows it")
    };
    rec.alternatives.push(say!(
        cx,
        "fondaparinux {} subcutaneously once daily (weight band, {}): {}; {}",
        f.dose(cx.weight),
        cx.weight,
        fit,
        f.conditions
    ));
    for option in [&o.danaparoid, &o.doac] {
        rec.alternatives.push(say!(
            cx,
            "{} ({}): {} — not assessed by the app (clinically stable? takes oral drugs?)",
            option.name,
            option.regimen,
            option.conditions
        ));
    }
    if !cx.has_finding(FindingCode::HitSuspected) && !cx.has_finding(FindingCode::HitHistoryRemote) {
        rec.caveats.push(o.resistance_caveat.value.clone());
        rec.cite(o.resistance_caveat.source.clone());
    }
    rec.cite(f.source.clone());
    rec.cite(o.doac.source.clone());
}

/// The switch to a chosen DTI.
pub(super) fn switch_to(
    cx: &mut Cx<'_>,
    choice: DtiChoice,
    reasons: Vec<String>,
    sources: Vec<Source>,
    alternatives: Vec<String>,
    dosing: DtiDosing,
) -> Recommendation {
    let start = dti::start(choice.drug, &cx.patient, cx.p, cx.hepatic.impaired, cx.dti_kg());
    let action = Action::switch_to(choice.drug);
    let icu = dosing == DtiDosing::IcuStart;
    let mut rec = Recommendation::new(action, choice.drug.name());
    rec.rationale = reasons;
    rec.rationale.extend(hepatic_reason(cx));
    rec.rationale.extend(choice.reasons.iter().cloned());
    if icu {
        rec.rate = Some(start.rate);
        rec.pump_ml_per_h = Some(start.pump);
        rec.concentration = start.concentration.clone();
        rec.target = start
            .target
            .as_ref()
            .map_or_else(|| "set once a baseline aPTT is known".to_owned(), ApttTarget::describe);
        rec.rationale.extend(start.rationale.iter().cloned());
        rec.rationale
            .push(say!(cx, "on the DTI dosing weight {}", cx.dti_weight.describe()));
    }
    let on_ecmo = cx.patient.setting.is_ecmo();
    match cx.tl.ufh_rate(cx.as_of) {
        Some(u) => rec.rationale.push(say!(
            cx,
            "stop the heparin infusion ({} = {}) and start {} at once{}",
            u.per_kg(cx.hkg()),
            u,
            choice.drug.name(),
            if on_ecmo { " (on ECMO: no gap)" } else { "" }
        )),
        None if icu => rec
            .rationale
            .push(say!(cx, "start {} (no heparin infusion running)", choice.drug.name())),
        None => {}
    }
    if icu && cx.patient.baseline_aptt.is_none() {
        rec.rationale.push(say!(
            cx,
            "draw a baseline aPTT before starting: the target is a multiple of it"
        ));
        cx.due("aPTT (baseline)", Due::Now, "the DTI target needs it");
    }
    let start_sources = if icu { start.sources.as_slice() } else { &[] };
    for s in sources
        .into_iter()
        .chain(choice.sources.iter().cloned())
        .chain(start_sources.iter().cloned())
    {
        rec.cite(s);
    }
    if cx.hepatic.by_bilirubin.is_some() {
        rec.cite(cx.p.dti.hepatic_bilirubin_above_mg_per_dl.source.clone());
    }
    rec.alternatives = alternatives;
    rec.alternatives.push(choice.alternative.clone());
    if icu {
        other_options(cx, &mut rec);
        rec.caveats.extend(choice.caveats.iter().cloned());
        rec.caveats.extend(start.warnings.iter().cloned());
        rec.caveats.extend(unreliable_baseline(cx));
        if cx.patient.heparin_coated_circuit {
            rec.caveats.push(say!(
                cx,
                "heparin-coated circuit: keep it under the DTI unless HIT is confirmed (CMAJ 2019)"
            ));
        }
        if cx.patient.pregnant {
            rec.caveats.push(cx.p.dti.pregnancy_caveat.value.clone());
            rec.cite(cx.p.dti.pregnancy_caveat.source.clone());
        }
        let recheck = cx.p.monitoring.dti_recheck_h.value;
        cx.due(
            "aPTT",
            Due::At(cx.as_of.after_hours(recheck)),
            say!(cx, "{} h after starting {}", recheck.shown(), choice.drug.name()),
        );
    }
    rec
}
