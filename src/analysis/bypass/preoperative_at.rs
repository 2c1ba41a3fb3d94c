//! A known pre-operative antithrombin on bypass (clinical reference §14.6): an AT level in the protocol's
//! hours before the bypass baseline ACT is shown on the bypass advice with its time — as superseded when AT
//! concentrate, or plasma of at least the protocol's lowest plasma dose per kg, was given after it. Below the
//! deficiency threshold it is offered beside a top-up (the cap already turns a top-up past it into AT).
//! An older level is flagged as old.

use super::super::context::Cx;
use super::super::types::{Action, Recommendation};
use super::assess::BypassNumbers;
use crate::model::{ClinicalTime, EventKind, PlasmaAmount};
use crate::protocol::Bypass;

/// Adds the pre-operative antithrombin to the bypass advice.
pub(super) fn apply(cx: &mut Cx<'_>, b: &Bypass, n: &BypassNumbers, rec: &mut Recommendation) {
    let reference = n.baseline().map_or(cx.as_of, |s| s.time);
    let Some(level) = cx.tl.labs.antithrombin.latest(reference) else {
        return;
    };
    let within = b.preoperative_at_within_h.value;
    if reference.hours_since(level.time) > within.value() {
        cx.warnings.push(say!(
            cx,
            "pre-operative antithrombin {} at {} is older than {} before the baseline ACT: measure it again",
            level.value,
            level.time,
            within
        ));
        return;
    }
    let deficient_below = cx.p.antithrombin.deficiency_below_percent.value;
    let superseded = superseded_by(cx, level.time);
    let text = match &superseded {
        Some(why) => say!(
            cx,
            "pre-operative antithrombin {} at {} (superseded: {why} given after it)",
            level.value,
            level.time
        ),
        None => say!(cx, "pre-operative antithrombin {} at {}", level.value, level.time),
    };
    rec.rationale.push(text);
    rec.cite(b.preoperative_at_within_h.source.clone());
    if superseded.is_none() && level.value < deficient_below && rec.action == Action::CpbAdditionalHeparin {
        rec.alternatives.push(say!(
            cx,
            "antithrombin: the pre-operative level {} is below {} (deficiency) — supplementation may restore the heparin response",
            level.value,
            deficient_below
        ));
        rec.cite(cx.p.antithrombin.deficiency_below_percent.source.clone());
    }
}

/// What was given after the level that may have raised it: AT concentrate, or enough plasma.
fn superseded_by(cx: &Cx<'_>, after: ClinicalTime) -> Option<String> {
    if cx.tl.at_doses_until(cx.as_of).iter().any(|d| d.time > after) {
        return Some("antithrombin concentrate".to_owned());
    }
    let low = cx.p.antithrombin.plasma.dose_ml_per_kg.low;
    let mut ml = 0.0;
    for &(time, index) in cx.tl.ffp_until(cx.as_of) {
        if time <= after {
            continue;
        }
        match cx.case.events.get(index).map(|e| e.kind) {
            Some(EventKind::Ffp(PlasmaAmount::Millilitres(v))) => ml += v.value(),
            // A volume in bags is not known in mL: counted as enough to have changed the level.
            Some(EventKind::Ffp(PlasmaAmount::Bags(_))) => return Some("plasma (volume in bags)".to_owned()),
            _ => {}
        }
    }
    (ml / cx.weight.value() >= low.value()).then(|| format!("{} mL of plasma", crate::model::num(ml, 0)))
}
