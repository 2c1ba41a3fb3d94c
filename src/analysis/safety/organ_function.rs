//! A change of organ function while a DTI runs (clinical reference §14.8): renal replacement started or
//! stopped, the creatinine clearance moving to another band (the protocol's bivalirudin CrCl bands), or the
//! hepatic state changing since the DTI's run began gives a CAUTION and an aPTT within the DTI recheck
//! interval of the change (the longer one with hepatic impairment) — until an aPTT is drawn after it. There
//! is no automatic dose change.

use super::super::context::Cx;
use super::super::danger_kind::Danger;
use super::super::types::Recommendation;
use super::SafetyNotes;
use crate::model::{ClinicalTime, EventKind, Patient};

/// What describes the organ function a DTI dose depends on: RRT, the CrCl band, the hepatic state.
fn organ_state(cx: &Cx<'_>, patient: &Patient) -> (crate::model::Rrt, Option<usize>, bool) {
    let bands = &cx.p.bivalirudin.start_by_crcl;
    let band = patient.crcl.and_then(|c| {
        bands
            .iter()
            .position(|r| c >= r.crcl_from && r.crcl_to.is_none_or(|to| c < to))
    });
    (patient.rrt, band, patient.hepatic_impairment)
}

/// The first change of organ function after `since` and at or before the analysis time, if any.
fn change_since(cx: &Cx<'_>, since: ClinicalTime) -> Option<(ClinicalTime, &'static str)> {
    let base = &cx.case.patient;
    let mut before = organ_state(cx, &cx.tl.patient_at(base, since));
    for (t, kind) in cx.tl.facts_until(cx.as_of) {
        if *t <= since
            || !matches!(
                kind,
                EventKind::RrtFrom(_) | EventKind::CrclFrom(_) | EventKind::HepaticImpairmentFrom(_)
            )
        {
            continue;
        }
        let after = organ_state(cx, &cx.tl.patient_at(base, *t));
        let what = if after.0 != before.0 {
            Some("renal replacement therapy changed")
        } else if after.1 != before.1 {
            Some("creatinine clearance moved to another band")
        } else if after.2 != before.2 {
            Some("hepatic state changed")
        } else {
            None
        };
        if let Some(what) = what {
            return Some((*t, what));
        }
        before = after;
    }
    None
}

pub(super) fn apply(cx: &mut Cx<'_>, mut rec: Recommendation, notes: &mut SafetyNotes) -> Recommendation {
    let Some(seg) = cx.tl.running(cx.as_of).filter(|s| s.drug().is_dti()) else {
        return rec;
    };
    let run_start = cx
        .tl
        .index_of(seg)
        .map_or(seg.start, |i| cx.tl.segments()[cx.tl.run_start(i)].start);
    let Some((at, what)) = change_since(cx, run_start) else {
        return rec;
    };
    if cx.tl.labs.aptt.latest(cx.as_of).is_some_and(|a| a.time > at) {
        return rec;
    }
    notes.dangers.push(Danger::OrganFunctionChanged {
        drug: seg.drug().name(),
        what,
        at,
    });
    let hours = if cx.hepatic.impaired {
        cx.p.argatroban.titration.above_cap_recheck_hepatic_h
    } else {
        cx.p.monitoring.dti_recheck_h.value
    };
    let due = cx.due_at(at.after_hours(hours));
    cx.due("aPTT", due, say!(cx, "{what} at {at} while {} runs", seg.drug().name()));
    rec.rationale.insert(
        0,
        say!(
            cx,
            "{what} at {at} while {} runs: measure the aPTT within {hours} of the change; no automatic dose change",
            seg.drug().name()
        ),
    );
    rec.cite("clinical reference §14.8: a change in RRT, CrCl band or hepatic state while a DTI runs → CAUTION and an aPTT within 2 h (4 h with hepatic impairment)");
    rec
}
