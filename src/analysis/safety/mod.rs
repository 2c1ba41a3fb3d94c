//! Revision 3's safety rules, applied to the ladder's answer outside bypass (clinical reference §14.2–§14.4):
//! an infusion never charted as stopped ([`overlap`]), protamine while heparin is charted as running and the
//! hours after surgery ([`surgery`]), thrombocytopenia ([`platelets`]), and a running rate that contradicts
//! the levels, which pauses the advice ([`pause`]). Each narrows what the ladder advised — never the other
//! way: decreases and holds always stand. "No increase" means no higher rate of the running drug and no
//! bolus (§14.3).

mod organ_function;
mod other_anticoagulants;
mod overlap;
mod pause;
mod platelets;
mod surgery;

use super::context::Cx;
use super::danger_kind::Danger;
use super::dti_switch::dti_pump;
use super::types::{Action, AdvicePaused, HeparinExposure, Recommendation};
use crate::dosing::{DoseRate, Rate};
use crate::model::{Anticoagulant, UnitsPerHour};

/// What the rules add beside the recommendation: danger lines (first in the list) and the pause.
#[derive(Debug, Default)]
pub(super) struct SafetyNotes {
    pub dangers: Vec<Danger>,
    pub paused: Option<AdvicePaused>,
}

/// Applies the rules in order; each sees the previous one's answer.
pub(super) fn apply(cx: &mut Cx<'_>, h: &HeparinExposure, rec: Recommendation) -> (Recommendation, SafetyNotes) {
    let mut notes = SafetyNotes::default();
    let rec = overlap::apply(cx, rec, &mut notes);
    let rec = other_anticoagulants::apply(cx, rec, &mut notes);
    let rec = surgery::apply(cx, h, rec, &mut notes);
    let rec = platelets::apply(cx, rec, &mut notes);
    let rec = while_bleeding(cx, rec);
    let rec = pause::apply(cx, rec, &mut notes);
    let rec = organ_function::apply(cx, rec, &mut notes);
    (rec, notes)
}

/// Active bleeding (the fact in effect, or a stop for bleeding in the last 24 h): no anticoagulant start,
/// switch or increase and no bolus, whatever the reason — HIT included (the danger line stays); measure and
/// call (clinical reference §5: bleeding → measure and call, no timed restart).
fn while_bleeding(cx: &mut Cx<'_>, mut rec: Recommendation) -> Recommendation {
    if !platelets::bleeding(cx) || !raises(cx, &rec) {
        return rec;
    }
    let advised = rec.headline();
    no_dose(&mut rec);
    rec.action = Action::Measure;
    rec.label = "No anticoagulant start or increase while bleeding: call".to_owned();
    rec.call_senior = true;
    rec.alternatives.clear();
    rec.rationale.insert(
        0,
        say!(cx, "active bleeding: no start, switch or increase until the bleeding is controlled and the senior decides (withheld: {advised})"),
    );
    rec.cite("clinical reference §5: a stop for bleeding is never restarted by the app");
    rec
}

/// Whether the recommendation raises the running drug's rate, starts an infusion, or gives a bolus.
pub(super) fn raises(cx: &Cx<'_>, rec: &Recommendation) -> bool {
    let running = cx.tl.running(cx.as_of);
    let increase = rec.rate_change.is_some_and(|c| c.value > 0.0);
    let start = rec.rate.is_some()
        && rec.action != Action::HoldAnticoagulant
        && running.is_none_or(|s| rec.rate.is_some_and(|r| r.drug() != s.drug()));
    increase || start || rec.bolus_units.is_some()
}

/// The running infusion's rate as a dose, and its pump rate exactly as it runs (heparin: from the units/h
/// entered, never from a rounded per-kg figure).
fn running_dose(cx: &Cx<'_>) -> Option<(DoseRate, Option<crate::model::MlPerHour>, UnitsPerHourOrNone)> {
    let seg = cx.tl.running(cx.as_of)?;
    match seg.rate.heparin() {
        Some(per_hour) => {
            let per_kg = crate::dosing::ufh::shown_rate(per_hour.per_kg(cx.hkg()));
            let pump = per_hour.pump_rate(cx.p.ufh.concentration_units_per_ml.value);
            Some((DoseRate::Heparin(per_kg), Some(pump), Some(per_hour)))
        }
        None => {
            let dose = seg.rate.dti_rate()?;
            Some((dose, dti_pump(cx, dose), None))
        }
    }
}

type UnitsPerHourOrNone = Option<UnitsPerHour>;

/// Keeps the running drug at its running rate with no bolus: the recommendation's increase, start of the same
/// drug, or bolus is withdrawn, and `why` says so. Decreases and holds are returned as they are.
pub(super) fn no_increase(cx: &mut Cx<'_>, mut rec: Recommendation, why: &str) -> Recommendation {
    if rec.action == Action::HoldAnticoagulant || rec.rate_change.is_some_and(|c| c.value < 0.0) {
        if rec.bolus_units.take().is_some() {
            rec.rationale.insert(0, say!(cx, "no bolus: {why}"));
        }
        return rec;
    }
    if rec.bolus_units.take().is_some() {
        rec.rationale.insert(0, say!(cx, "no bolus: {why}"));
    }
    let Some((dose, pump, per_hour)) = running_dose(cx) else {
        return rec;
    };
    let same_drug = rec.rate.is_none_or(|r| r.drug() == dose.drug());
    let higher = rec.rate_change.is_some_and(|c| c.value > 0.0);
    if same_drug && higher {
        let drug = dose.drug().name();
        rec.action = Action::Continue;
        rec.label = format!("Continue {drug} at the running rate — no increase");
        rec.rate = Some(dose);
        rec.rate_change = Some(Rate {
            value: 0.0,
            unit: dose.unit(),
        });
        rec.pump_ml_per_h = pump;
        // The step's own lines name the rate this withholds: said as withheld (kept, so a decision-only
        // analysis has the same lines).
        for line in rec.rationale.iter_mut().filter(|l| l.starts_with("new rate")) {
            *line = format!("withheld — {line}");
        }
        let running = per_hour.map_or_else(|| dose.to_string(), |u| u.to_string());
        rec.rationale
            .insert(0, say!(cx, "no increase: {why}; {drug} stays at {running}"));
    }
    rec
}

/// The running drug at its running rate, exactly as it runs, and nothing else: every dose, hold and bolus the
/// recommendation carried is dropped (the caller says why).
pub(super) fn keep_running(cx: &Cx<'_>, mut rec: Recommendation) -> Recommendation {
    no_dose(&mut rec);
    rec.hold_minutes = None;
    rec.after_hold = None;
    rec.action = Action::Continue;
    if let Some((dose, pump, _)) = running_dose(cx) {
        rec.drug = dose.drug().name().into();
        rec.rate = Some(dose);
        rec.rate_change = Some(Rate {
            value: 0.0,
            unit: dose.unit(),
        });
        rec.pump_ml_per_h = pump;
    }
    for line in rec.rationale.iter_mut().filter(|l| !l.is_empty()) {
        *line = format!("withheld — {line}");
    }
    rec
}

/// A recommendation with no dose: measure or call first.
pub(super) fn no_dose(rec: &mut Recommendation) {
    rec.rate = None;
    rec.rate_change = None;
    rec.bolus_units = None;
    rec.dose_units = None;
    rec.pump_ml_per_h = None;
}

/// The drug a recommendation is about, or the running one.
pub(super) fn running_drug(cx: &Cx<'_>) -> Option<Anticoagulant> {
    cx.tl.running(cx.as_of).map(|s| s.drug())
}
