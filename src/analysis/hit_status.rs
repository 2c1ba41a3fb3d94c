//! HIT status over time (clinical reference §14.1): derived at each analysis time from the entered history,
//! the times the 4Ts suspected HIT, and the assay results — never written into the patient record.
//!
//! Once suspected at t, HIT stays suspected at every later time until an assay drawn after t resolves it
//! (a platelet recovery does not). A negative immunoassay or functional assay drawn during the episode
//! excludes it; a positive immunoassay makes it probable (treated as HIT), a positive functional assay
//! confirms it; a positive immunoassay with a negative functional assay is unlikely, unless the optical
//! density is ≥ 2.0 or the 4Ts is 6–8 (then it stays probable). An exclusion ends the episode only: a new
//! fall of 30% from the highest count after the excluding result opens a new one. Assay results never
//! clear an entered history.

use serde::Serialize;

use super::timeline::Timeline;
use crate::model::{AssayResult, Case, ClinicalTime, EventKind, HitHistory};

/// JSON `hit_status` (decisions.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitStatus {
    None,
    Suspected,
    Excluded,
    Unlikely,
    Probable,
    Confirmed,
    History,
}

impl HitStatus {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Suspected => "suspected",
            Self::Excluded => "excluded",
            Self::Unlikely => "unlikely",
            Self::Probable => "probable",
            Self::Confirmed => "confirmed",
            Self::History => "history",
        }
    }

    /// HIT is treated as present: heparin is contraindicated and the danger line stays, whatever drug runs.
    #[must_use]
    pub fn is_active(self) -> bool {
        matches!(self, Self::Suspected | Self::Probable | Self::Confirmed | Self::History)
    }

    /// An assay has resolved the episode against HIT.
    #[must_use]
    pub fn is_resolved_against(self) -> bool {
        matches!(self, Self::Excluded | Self::Unlikely)
    }
}

/// The optical density above which a positive immunoassay stays probable despite a negative functional
/// assay (Warkentin, J Thromb Haemost 2008;6:1304; clinical reference §14.1).
const STRONG_OD: f64 = 2.0;

/// The 4Ts score from which a negative functional assay does not make HIT unlikely (clinical reference
/// §14.1: 4Ts 6–8).
const HIGH_4TS: u8 = 6;

/// The fall from the highest count after an excluding result that opens a new episode (§14.1).
const NEW_EPISODE_FALL: f64 = 0.3;

/// An optical density written in an assay's note ("OD 1.8", "od=2.3"), if any.
fn optical_density(note: Option<&str>) -> Option<f64> {
    let lower = note?.to_lowercase();
    let at = lower.find("od")?;
    let rest = lower[at + 2..].trim_start_matches([' ', '=', ':']);
    let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    number.parse().ok()
}

/// The status at `as_of`. `suspected_at` are the times the 4Ts suspected HIT (platelet fall and score at or
/// above the protocol's threshold), in time order; `score_max` is the top of the 4Ts range at `as_of` (unentered items counted high), if scored.
#[must_use]
pub fn hit_status(
    case: &Case,
    tl: &Timeline,
    history: HitHistory,
    suspected_at: &[ClinicalTime],
    score_max: Option<u8>,
    as_of: ClinicalTime,
) -> HitStatus {
    if history == HitHistory::RecentOrPositive {
        return HitStatus::History;
    }
    let suspected_at = &suspected_at[..suspected_at.partition_point(|t| *t <= as_of)];
    let Some(&first) = suspected_at.first() else {
        return assays_alone(case, as_of, score_max);
    };
    // The episode starts at the first suspicion, or at a later one after an excluding result that a new fall
    // of 30% from the highest count since that result confirms.
    let mut onset = first;
    let mut status = HitStatus::Suspected;
    let mut immuno: Option<(AssayResult, Option<f64>)> = None;
    let mut functional: Option<AssayResult> = None;
    for event in case.events.iter().filter(|e| e.time <= as_of) {
        let (is_immuno, result) = match event.kind {
            EventKind::HitImmunoassay(r) => (true, r),
            EventKind::HitFunctionalAssay(r) => (false, r),
            _ => continue,
        };
        if result == AssayResult::Negative && event.time < onset {
            continue;
        }
        if is_immuno {
            immuno = Some((result, optical_density(event.note.as_deref())));
        } else {
            functional = Some(result);
        }
        status = from_assays(immuno, functional, score_max);
        if status.is_resolved_against()
            && let Some(next) = new_episode(tl, suspected_at, event.time)
        {
            onset = next;
            status = HitStatus::Suspected;
            immuno = None;
            functional = None;
        }
    }
    status
}

/// Positive assays decide even without a 4Ts suspicion; negative ones only resolve an episode.
fn assays_alone(case: &Case, as_of: ClinicalTime, score_max: Option<u8>) -> HitStatus {
    let mut immuno = None;
    let mut functional = None;
    for event in case.events.iter().filter(|e| e.time <= as_of) {
        match event.kind {
            EventKind::HitImmunoassay(r) => immuno = Some((r, optical_density(event.note.as_deref()))),
            EventKind::HitFunctionalAssay(r) => functional = Some(r),
            _ => {}
        }
    }
    match from_assays(immuno, functional, score_max) {
        s @ (HitStatus::Probable | HitStatus::Confirmed) => s,
        _ => HitStatus::None,
    }
}

fn from_assays(
    immuno: Option<(AssayResult, Option<f64>)>,
    functional: Option<AssayResult>,
    score_max: Option<u8>,
) -> HitStatus {
    match (immuno, functional) {
        (_, Some(AssayResult::Positive)) => HitStatus::Confirmed,
        (Some((AssayResult::Positive, od)), Some(AssayResult::Negative)) => {
            if od.is_some_and(|od| od >= STRONG_OD) || score_max.is_some_and(|s| s >= HIGH_4TS) {
                HitStatus::Probable
            } else {
                HitStatus::Unlikely
            }
        }
        (Some((AssayResult::Positive, _)), None) => HitStatus::Probable,
        (_, Some(AssayResult::Negative)) | (Some((AssayResult::Negative, _)), None) => HitStatus::Excluded,
        (None, None) => HitStatus::Suspected,
    }
}

/// A suspicion after an excluding result at `resolved` whose count fell 30% from the highest count drawn
/// after that result: a new episode.
fn new_episode(tl: &Timeline, suspected_at: &[ClinicalTime], resolved: ClinicalTime) -> Option<ClinicalTime> {
    suspected_at.iter().copied().filter(|t| *t > resolved).find(|&t| {
        let counts: Vec<_> = tl
            .labs
            .platelets
            .until(t)
            .iter()
            .filter(|s| s.time > resolved)
            .collect();
        let highest = counts.iter().map(|s| s.value.value()).fold(f64::NAN, f64::max);
        counts
            .last()
            .is_some_and(|s| s.value.value() <= highest * (1.0 - NEW_EPISODE_FALL))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_optical_density_is_read_from_the_note() {
        assert_eq!(optical_density(Some("OD 1.8")), Some(1.8));
        assert_eq!(optical_density(Some("strongly positive, od=2.3 (lab)")), Some(2.3));
        assert_eq!(optical_density(Some("positive")), None);
        assert_eq!(optical_density(None), None);
    }

    #[test]
    fn assays_decide_in_the_order_of_the_reference() {
        use AssayResult::{Negative, Positive};
        assert_eq!(from_assays(None, None, None), HitStatus::Suspected);
        assert_eq!(from_assays(Some((Negative, None)), None, Some(6)), HitStatus::Excluded);
        assert_eq!(
            from_assays(Some((Positive, Some(1.2))), None, None),
            HitStatus::Probable
        );
        assert_eq!(
            from_assays(Some((Positive, Some(1.2))), Some(Negative), Some(4)),
            HitStatus::Unlikely
        );
        assert_eq!(
            from_assays(Some((Positive, Some(2.1))), Some(Negative), Some(4)),
            HitStatus::Probable
        );
        assert_eq!(
            from_assays(Some((Positive, None)), Some(Negative), Some(6)),
            HitStatus::Probable
        );
        assert_eq!(
            from_assays(Some((Negative, None)), Some(Positive), None),
            HitStatus::Confirmed
        );
    }
}
