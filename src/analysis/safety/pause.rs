//! An entered running rate that contradicts the levels pauses the advice (clinical reference §14.4): a
//! heparin rate below its soft minimum (< 2 units/kg/h or < 50 units/h — a pump reading of 14 mL/h typed as
//! 14 units/h) or a DTI above its soft maximum, while it is the running rate at the analysis time and is
//! not confirmed. No dose is shown until it is corrected or confirmed; a hold still holds, and only its
//! restart rate waits. An older flagged entry that no longer runs is a warning only (`Prepared`).

use super::super::context::Cx;
use super::super::types::{Action, AdvicePaused, Recommendation};
use super::{SafetyNotes, no_dose};
use crate::model::{EventKind, HeparinRate};

/// The running rate's entry, when it is outside its soft limit in the direction of a likely slip.
fn flagged(cx: &Cx<'_>) -> Option<AdvicePaused> {
    let seg = cx.tl.running(cx.as_of)?;
    // The events are in time order: look only among those charted at the segment's start.
    let events = &cx.case.events[..cx.case.events.partition_point(|e| e.time <= seg.start)];
    let event = events
        .iter()
        .rev()
        .take_while(|e| e.time == seg.start)
        .find(|e| e.kind.infusion_drug() == Some(seg.drug()))?;
    if event.confirmed {
        return None;
    }
    let p = &cx.p.plausibility;
    let below = |v: f64, min: Option<f64>| min.is_some_and(|m| v < m);
    let above = |v: f64, max: Option<f64>| max.is_some_and(|m| v > m);
    let level = latest_level(cx);
    let reason = match event.kind {
        EventKind::UfhInfusion(HeparinRate::UnitsPerHour(r))
            if below(r.value(), p.ufh_rate_units_per_h.soft_min.map(|m| m.value())) =>
        {
            format!(
                "heparin {r} charted as running{level}: was {} mL/h meant? Below {} the rate is implausible for an adult; correct the entry or confirm it",
                crate::model::num(r.value(), 2),
                p.ufh_rate_units_per_h
                    .soft_min
                    .map_or_else(String::new, |m| m.to_string())
            )
        }
        EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(r))
            if below(r.value(), p.ufh_rate_units_per_kg_per_h.soft_min.map(|m| m.value())) =>
        {
            format!(
                "heparin {r} charted as running{level}: was {} units/h or mL/h meant? Correct the entry or confirm it",
                crate::model::num(r.value(), 2)
            )
        }
        EventKind::ArgatrobanInfusion(r)
            if above(r.value(), p.argatroban_mcg_per_kg_per_min.soft_max.map(|m| m.value())) =>
        {
            format!(
                "argatroban {r} charted as running{level}: above the usual maximum — a unit slip? Correct the entry or confirm it"
            )
        }
        EventKind::BivalirudinInfusion(r)
            if above(r.value(), p.bivalirudin_mg_per_kg_per_h.soft_max.map(|m| m.value())) =>
        {
            format!(
                "bivalirudin {r} charted as running{level}: above the usual maximum — mcg typed as mg? Correct the entry or confirm it"
            )
        }
        _ => return None,
    };
    Some(AdvicePaused {
        reason,
        event_time: event.time,
    })
}

/// " beside an anti-Xa of 0.4 units/mL", when a level was drawn on it.
fn latest_level(cx: &Cx<'_>) -> String {
    let anti_xa = cx
        .tl
        .labs
        .anti_xa
        .latest(cx.as_of)
        .map(|s| format!(" beside an anti-Xa of {}", s.value));
    let aptt = cx
        .tl
        .labs
        .aptt
        .latest(cx.as_of)
        .map(|s| format!(" beside an aPTT of {}", s.value));
    anti_xa.or(aptt).unwrap_or_default()
}

pub(super) fn apply(cx: &mut Cx<'_>, mut rec: Recommendation, notes: &mut SafetyNotes) -> Recommendation {
    let Some(paused) = flagged(cx) else {
        return rec;
    };
    // Stopping heparin for HIT does not depend on the running rate: the switch stands, the entry is said.
    if cx.hit_status.is_active() && matches!(rec.action, Action::SwitchToArgatroban | Action::SwitchToBivalirudin) {
        rec.rationale
            .insert(0, say!(cx, "check the running entry: {}", paused.reason));
        return rec;
    }
    if rec.action == Action::HoldAnticoagulant {
        rec.after_hold = None;
        // A hold stands; only its restart waits for the entry.
        rec.rate = None;
        rec.rate_change = None;
        rec.pump_ml_per_h = None;
        rec.rationale.insert(
            0,
            say!(
                cx,
                "the restart rate waits until the running rate is corrected or confirmed: {}",
                paused.reason
            ),
        );
    } else {
        no_dose(&mut rec);
        rec.action = Action::Measure;
        rec.label = "Advice paused: correct or confirm the running rate".to_owned();
        rec.rationale.insert(0, say!(cx, "advice paused: {}", paused.reason));
        rec.alternatives.clear();
    }
    rec.cite(
        "clinical reference §14.4: an entry that contradicts the levels pauses the advice until corrected or confirmed",
    );
    notes.paused = Some(paused);
    rec
}
