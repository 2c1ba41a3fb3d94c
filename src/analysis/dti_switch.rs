//! Direct thrombin inhibitors in the analysis (clinical reference §8): the switch from heparin (which
//! drug, its start dose, pump rate and aPTT target, and why), and titration of a running DTI by the
//! protocol's table once the aPTT is at steady state.

use super::context::Cx;
use super::timeline::{Agent, Sample};
use super::types::{Action, Due, Recommendation};
use crate::dosing::Rate;
use crate::dosing::dti::{self, ApttTarget, DtiChoice, DtiTitration};
use crate::model::{McgPerKgPerMin, MgPerKgPerHour, MgPerMl, Seconds, num};
use crate::protocol::{DtiDrug, Source};

/// Switch from heparin to the DTI the patient's organ function and circuit point to.
pub(super) fn switch_to_dti(
    cx: &mut Cx<'_>,
    reasons: Vec<String>,
    sources: Vec<Source>,
    alternatives: Vec<String>,
) -> Recommendation {
    let choice: DtiChoice = dti::choose_dti(&cx.case.patient, cx.p);
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

/// The switch to a chosen DTI.
pub(super) fn switch_to(
    cx: &mut Cx<'_>,
    choice: DtiChoice,
    reasons: Vec<String>,
    sources: Vec<Source>,
    alternatives: Vec<String>,
    dosing: DtiDosing,
) -> Recommendation {
    let start = dti::start(choice.drug, &cx.case.patient, cx.p);
    let action = match choice.drug {
        DtiDrug::Argatroban => Action::SwitchToArgatroban,
        DtiDrug::Bivalirudin => Action::SwitchToBivalirudin,
    };
    let icu = dosing == DtiDosing::IcuStart;
    let mut rec = Recommendation::new(action, choice.drug.name());
    rec.rationale = reasons;
    rec.rationale.extend(choice.reasons.iter().cloned());
    if icu {
        rec.rate = Some(start.rate);
        rec.pump_ml_per_h = Some(start.pump);
        rec.concentration = start.concentration.clone();
        rec.target = describe_target(start.target.as_ref());
        rec.rationale.extend(start.rationale.iter().cloned());
    }
    match cx.tl.ufh_rate(cx.as_of) {
        Some(u) => rec.rationale.push(say!(
            cx,
            "stop the heparin infusion ({} = {}) and start {} at once (on ECMO: no gap)",
            u.per_kg(cx.weight),
            u,
            choice.drug.name()
        )),
        None if icu => rec
            .rationale
            .push(say!(cx, "start {} (no heparin infusion running)", choice.drug.name())),
        None => {}
    }
    if icu && cx.case.patient.baseline_aptt.is_none() {
        rec.rationale.push(say!(cx, "draw a baseline aPTT before starting"));
    }
    let start_sources = if icu { start.sources.as_slice() } else { &[] };
    for s in sources
        .into_iter()
        .chain(choice.sources.iter().cloned())
        .chain(start_sources.iter().cloned())
    {
        rec.cite(s);
    }
    rec.alternatives = alternatives;
    rec.alternatives.push(choice.alternative.clone());
    if icu {
        rec.caveats.extend(choice.caveats.iter().cloned());
        rec.caveats.extend(start.warnings.iter().cloned());
        if cx.case.patient.heparin_coated_circuit {
            rec.caveats.push(say!(
                cx,
                "heparin-coated circuit: keep it under the DTI unless HIT is confirmed (CMAJ 2019)"
            ));
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

fn describe_target(target: Option<&ApttTarget>) -> String {
    target.map_or_else(|| "set once a baseline aPTT is known".to_owned(), ApttTarget::describe)
}

/// The table step for the running DTI and what it reads: its target, concentration and source.
struct DtiStep {
    titration: DtiTitration,
    target: Option<ApttTarget>,
    concentration: String,
    source: Source,
    adjust: Action,
    pump: fn(Rate, &Cx<'_>) -> Option<crate::model::MlPerHour>,
}

fn argatroban_pump(rate: Rate, cx: &Cx<'_>) -> Option<crate::model::MlPerHour> {
    let conc: MgPerMl = cx.p.argatroban.concentration_mg_per_ml.value;
    McgPerKgPerMin::new(rate.value)
        .ok()
        .map(|r| r.pump_rate(cx.weight, conc))
}

fn bivalirudin_pump(rate: Rate, cx: &Cx<'_>) -> Option<crate::model::MlPerHour> {
    let conc: MgPerMl = cx.p.bivalirudin.concentration_mg_per_ml.value;
    MgPerKgPerHour::new(rate.value)
        .ok()
        .map(|r| r.pump_rate(cx.weight, conc))
}

/// The table row for the aPTT, or the reason there is none.
fn table_step(cx: &Cx<'_>, agent: Agent, aptt: Seconds) -> Result<DtiStep, Box<Recommendation>> {
    let drug = agent.name();
    let baseline = cx.case.patient.baseline_aptt;
    let p = cx.p;
    let measure = || Box::new(Recommendation::new(Action::Measure, drug));
    match agent {
        Agent::Argatroban => {
            let current = cx.tl.argatroban_rate(cx.as_of).ok_or_else(measure)?;
            Ok(DtiStep {
                titration: dti::titrate_argatroban(p, aptt, current).ok_or_else(measure)?,
                target: dti::argatroban_target(p, baseline),
                concentration: p.argatroban.concentration_label.clone(),
                source: p.argatroban.titration_source.clone(),
                adjust: Action::AdjustArgatroban,
                pump: argatroban_pump,
            })
        }
        Agent::Bivalirudin => {
            let current = cx.tl.bivalirudin_rate(cx.as_of).ok_or_else(measure)?;
            let Some(ratio) = baseline.and_then(|base| aptt.ratio_to(base)) else {
                let mut rec = measure();
                rec.rationale.push(say!(
                    cx,
                    "bivalirudin is titrated on the aPTT ratio to baseline: enter the baseline aPTT"
                ));
                return Err(rec);
            };
            Ok(DtiStep {
                titration: dti::titrate_bivalirudin(p, ratio, current).ok_or_else(measure)?,
                target: dti::bivalirudin_target(p, baseline),
                concentration: p.bivalirudin.concentration_label.clone(),
                source: p.bivalirudin.titration_source.clone(),
                adjust: Action::AdjustBivalirudin,
                pump: bivalirudin_pump,
            })
        }
        // Heparin is titrated by its nomogram, never here.
        Agent::Ufh => Err(measure()),
    }
}

/// The latest aPTT drawn at least the recheck interval after the last change, if fresh; otherwise the
/// measure-first answer.
fn usable_aptt(cx: &mut Cx<'_>, agent: Agent) -> Result<Sample<Seconds>, Box<Recommendation>> {
    let drug = agent.name();
    let recheck = cx.p.monitoring.dti_recheck_h.value;
    let change = cx.tl.last_rate_change(agent, cx.as_of).unwrap_or(cx.as_of);
    let latest = cx.tl.labs.aptt.latest(cx.as_of);
    let Some(aptt) = latest.filter(|s| s.time.hours_since(change) >= recheck.value()) else {
        let mut rec = Recommendation::new(Action::Measure, drug);
        let due = cx.due_at(change.after_hours(recheck));
        rec.rationale.push(say!(
            cx,
            "{drug} started or changed at {change}: the aPTT is meaningful {} h later",
            recheck.shown()
        ));
        rec.cite(cx.p.monitoring.dti_recheck_h.source.clone());
        cx.due("aPTT", due, say!(cx, "{} h after the {drug} change", recheck.shown()));
        return Err(Box::new(rec));
    };
    if cx.is_stale(aptt) {
        let mut rec = Recommendation::new(Action::Measure, drug);
        rec.rationale.push(say!(
            cx,
            "latest aPTT ({}) is older than {} h",
            aptt.time,
            num(cx.max_age().value(), 0)
        ));
        cx.due("aPTT", Due::Now, "stale");
        return Err(Box::new(rec));
    }
    Ok(aptt)
}

/// On a DTI: titrate by the protocol table once the aPTT is at steady state.
pub(super) fn titrate(cx: &mut Cx<'_>, agent: Agent) -> Recommendation {
    let aptt = match usable_aptt(cx, agent) {
        Ok(aptt) => aptt,
        Err(rec) => return *rec,
    };
    let step = match table_step(cx, agent, aptt.value) {
        Ok(step) => step,
        Err(rec) => return *rec,
    };
    let t = &step.titration;
    let mut rec = Recommendation::new(Action::Continue, agent.name());
    rec.concentration = step.concentration.clone();
    rec.target = describe_target(step.target.as_ref());
    rec.rationale
        .push(say!(cx, "aPTT {} at {}: {}", aptt.value, aptt.time, t.row_text));
    rec.cite(step.source.clone());
    rec.rate = Some(t.new_rate);
    rec.rate_change = Some(t.change);
    rec.pump_ml_per_h = (step.pump)(t.new_rate, cx);
    if t.capped_at_max {
        rec.caveats.push(say!(
            cx,
            "capped at the maximum {} (hard limit)",
            cx.p.argatroban.max_mcg_per_kg_per_min.value
        ));
        rec.cite(cx.p.argatroban.max_mcg_per_kg_per_min.source.clone());
    }
    if agent == Agent::Bivalirudin && !cx.p.bivalirudin.titration_validated {
        rec.caveats.push(say!(
            cx,
            "bivalirudin titration table: institutional example, not validated"
        ));
    }
    let recheck = cx.p.monitoring.dti_recheck_h.value;
    if t.change.value != 0.0 || t.hold_min.value() > 0.0 || t.stop_and_call {
        rec.action = step.adjust;
        rec.hold_minutes = (t.hold_min.value() > 0.0).then_some(t.hold_min);
        rec.rationale.push(say!(
            cx,
            "new rate {} ({}), pump {} at {}",
            t.new_rate,
            t.change.signed(),
            rec.pump_ml_per_h.map_or("–".to_owned(), |p| p.to_string()),
            step.concentration
        ));
        if t.stop_and_call {
            rec.caveats.push(say!(cx, "stop the infusion and call the physician"));
        }
        cx.due(
            "aPTT",
            Due::At(cx.as_of.after_hours(recheck.plus(t.hold_min.in_hours()))),
            say!(cx, "{} h after the change", recheck.shown()),
        );
    } else {
        rec.rationale.push(say!(
            cx,
            "continue {} = {}",
            t.new_rate,
            rec.pump_ml_per_h.map_or("–".to_owned(), |p| p.to_string())
        ));
        cx.due(
            "aPTT",
            Due::At(
                aptt.time
                    .after_hours(cx.p.monitoring.daily_interval_h.value)
                    .max(cx.as_of),
            ),
            "in range: daily",
        );
    }
    rec
}
