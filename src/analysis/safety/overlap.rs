//! Never assume a stop that was not charted (clinical reference §14.2): when an anticoagulant infusion
//! started while another ran with no stop charted for it, both may be running. The exposure ends the
//! earlier one at the later one's start ("assumed, not charted"); the first line says "Stop \<drug\> now and
//! chart the stop"; DANGER with HIT (suspected, probable, confirmed or in the history), CAUTION otherwise;
//! until the stop is charted the later drug gets no increase and no bolus (its assay may reflect both).

use super::super::context::Cx;
use super::super::danger_kind::Danger;
use super::super::timeline::SegmentEnd;
use super::super::types::Recommendation;
use super::{SafetyNotes, no_increase};
use crate::model::{Anticoagulant, ClinicalTime};

/// The earlier drug never charted as stopped, and since when it ran at its last charted rate.
fn uncharted(cx: &Cx<'_>) -> Option<(Anticoagulant, ClinicalTime)> {
    let running = cx.tl.running(cx.as_of)?;
    let segments = cx.tl.segments();
    // Back to the start of the running drug's run (its rate changes).
    let i = cx.tl.run_start(cx.tl.index_of(running)?);
    let earlier = segments[..i].last()?;
    if earlier.ended_by != Some(SegmentEnd::Replaced) {
        return None;
    }
    let replaced_at = earlier.end?;
    let drug = earlier.drug();
    let charted = crate::analysis::marks::stop_charted(cx.case, &cx.tl.marks, drug, replaced_at, cx.as_of);
    (!charted).then_some((drug, earlier.start))
}

pub(super) fn apply(cx: &mut Cx<'_>, rec: Recommendation, notes: &mut SafetyNotes) -> Recommendation {
    let Some((drug, since)) = uncharted(cx) else {
        return rec;
    };
    let hit = cx.hit_status.is_active();
    notes.dangers.push(Danger::OverlappingInfusions {
        earlier: short_name(drug),
        since,
        hit,
    });
    let mut rec = no_increase(cx, rec, &format!("{} may still run (no stop charted)", drug.name()));
    rec.rationale.insert(
        0,
        say!(
            cx,
            "Stop {} now and chart the stop (no stop recorded since {since})",
            short_name(drug)
        ),
    );
    rec.cite("clinical reference §14.2: never assume a stop that was not charted");
    rec
}

/// "heparin", "argatroban", "bivalirudin": the word a nurse charts.
fn short_name(drug: Anticoagulant) -> &'static str {
    match drug {
        Anticoagulant::Heparin => "heparin",
        other => other.name(),
    }
}
