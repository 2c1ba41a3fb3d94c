//! An aPTT drawn soon after a DTI stops still reflects the DTI (clinical reference §14.1, the labels): on
//! heparin it is left out of the titration — less than 4 h after argatroban (12 h with hepatic impairment),
//! less than 2 h after bivalirudin. The heparin ladder then continues the running rate and asks for an
//! anti-Xa; an aPTT hold trigger inside the window is not taken (`icu::hold`).

use super::context::Cx;
use super::timeline::{Sample, SegmentEnd};
use crate::model::{Anticoagulant, ClinicalTime, Seconds};

/// The DTI an aPTT drawn at a time still reflects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Washout {
    pub drug: Anticoagulant,
    pub stopped_at: ClinicalTime,
    pub hours: f64,
}

/// The DTI whose washout window holds `t`, if any: the last DTI infusion that ended (stopped or replaced)
/// at or before `t`, less than its washout hours before. Segments do not overlap and are in time order, so
/// the search walks back only over the segments that ended in the longest washout before `t`.
pub(super) fn dti_washout_at(cx: &Cx<'_>, t: ClinicalTime) -> Option<Washout> {
    let washout = &cx.p.safety.dti_washout;
    let segments = cx.tl.segments();
    let started = &segments[..segments.partition_point(|s| s.start <= t)];
    for s in started.iter().rev() {
        let Some(stopped_at) = s.end.filter(|e| *e <= t) else {
            continue;
        };
        if t.hours_since(stopped_at) >= washout.longest().value() {
            return None;
        }
        if !s.drug().is_dti() || matches!(s.ended_by, Some(SegmentEnd::RateChange)) {
            continue;
        }
        let hours = match s.drug() {
            Anticoagulant::Argatroban if cx.hepatic.impaired => washout.argatroban_hepatic_h.value(),
            Anticoagulant::Argatroban => washout.argatroban_h.value(),
            _ => washout.bivalirudin_h.value(),
        };
        return (t.hours_since(stopped_at) < hours).then_some(Washout {
            drug: s.drug(),
            stopped_at,
            hours,
        });
    }
    None
}

/// The newest aPTT at the analysis time, when it is newer than every anti-Xa and falls in a DTI's washout.
pub(super) fn newest_aptt_in_washout(cx: &Cx<'_>) -> Option<(Sample<Seconds>, Washout)> {
    let aptt = cx.tl.labs.aptt.latest(cx.as_of)?;
    if cx.tl.labs.anti_xa.latest(cx.as_of).is_some_and(|x| x.time >= aptt.time) {
        return None;
    }
    dti_washout_at(cx, aptt.time).map(|w| (aptt, w))
}
