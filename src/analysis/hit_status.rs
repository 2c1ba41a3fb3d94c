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
use crate::protocol::rules::HitAssays;

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

/// An optical density written in an assay's note ("OD 1.8", "od=2.3"), if any.
fn optical_density(note: Option<&str>) -> Option<f64> {
    let lower = note?.to_lowercase();
    let at = lower.find("od")?;
    let rest = lower[at + 2..].trim_start_matches([' ', '=', ':']);
    let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    number.parse().ok()
}

/// An immunoassay's note saying it was a rapid one (§14.1 `method` `rapid`: "rapid", "method rapid",
/// "rapid PaGIA"); the default is an ELISA/CLIA.
fn is_rapid(note: Option<&str>) -> bool {
    note.is_some_and(|n| n.to_lowercase().contains("rapid"))
}

/// The latest immunoassay of the episode, as read from its event.
#[derive(Debug, Clone, Copy)]
struct Immuno {
    result: AssayResult,
    od: Option<f64>,
    rapid: bool,
}

impl Immuno {
    fn of(result: AssayResult, note: Option<&str>) -> Self {
        Self {
            result,
            od: optical_density(note),
            rapid: is_rapid(note),
        }
    }
}

/// What the card adds when the assays leave HIT open where a reader might take it as resolved (§14.1).
pub const RAPID_NEGATIVE_HIGH_4TS: &str = "negative rapid immunoassay with a 4Ts of 6–8: HIT not excluded — confirm with an ELISA/CLIA or a functional assay (clinical reference §14.1)";
/// The same for a strongly positive immunoassay or a high 4Ts with a negative functional assay (§14.1).
pub const STRONG_POSITIVE_NEGATIVE_FUNCTIONAL: &str = "strongly positive immunoassay or high 4Ts with a negative functional assay: call haematology; consider repeating the functional assay (OD ≥ 2.0: Warkentin, J Thromb Haemost 2008;6:1304; clinical reference §14.1)";

/// HIT at an analysis time: the status and, when the assays leave it open, what the card says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HitReading {
    pub status: HitStatus,
    pub note: Option<&'static str>,
}

impl HitReading {
    const fn plain(status: HitStatus) -> Self {
        Self { status, note: None }
    }
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
    rules: &HitAssays,
) -> HitReading {
    if history == HitHistory::RecentOrPositive {
        return HitReading::plain(HitStatus::History);
    }
    let suspected_at = &suspected_at[..suspected_at.partition_point(|t| *t <= as_of)];
    let Some(&first) = suspected_at.first() else {
        return assays_alone(case, tl, as_of, score_max, rules);
    };
    // The episode starts at the first suspicion, or at a later one after an excluding result that a new fall
    // of 30% from the highest count since that result confirms.
    let mut onset = first;
    let mut reading = HitReading::plain(HitStatus::Suspected);
    let mut immuno: Option<Immuno> = None;
    let mut functional: Option<AssayResult> = None;
    for mark in tl.marks.until(as_of) {
        let event = super::marks::event_of(case, mark);
        let (is_immuno, result) = match event.kind {
            EventKind::HitImmunoassay(r) => (true, r),
            EventKind::HitFunctionalAssay(r) => (false, r),
            _ => continue,
        };
        if result == AssayResult::Negative && event.time < onset {
            continue;
        }
        if is_immuno {
            immuno = Some(Immuno::of(result, event.note.as_deref()));
        } else {
            functional = Some(result);
        }
        reading = from_assays(immuno, functional, score_max, rules);
        if reading.status.is_resolved_against()
            && let Some(next) = new_episode(tl, suspected_at, event.time, rules)
        {
            onset = next;
            reading = HitReading::plain(HitStatus::Suspected);
            immuno = None;
            functional = None;
        }
    }
    reading
}

/// Positive assays decide even without a 4Ts suspicion; negative ones only resolve an episode.
fn assays_alone(
    case: &Case,
    tl: &Timeline,
    as_of: ClinicalTime,
    score_max: Option<u8>,
    rules: &HitAssays,
) -> HitReading {
    let mut immuno = None;
    let mut functional = None;
    for mark in tl.marks.until(as_of) {
        let event = super::marks::event_of(case, mark);
        match event.kind {
            EventKind::HitImmunoassay(r) => immuno = Some(Immuno::of(r, event.note.as_deref())),
            EventKind::HitFunctionalAssay(r) => functional = Some(r),
            _ => {}
        }
    }
    let reading = from_assays(immuno, functional, score_max, rules);
    match reading.status {
        HitStatus::Probable | HitStatus::Confirmed => reading,
        _ => HitReading::plain(HitStatus::None),
    }
}

/// What the assays say, by the protocol's optical density and 4Ts thresholds (§14.1).
fn from_assays(
    immuno: Option<Immuno>,
    functional: Option<AssayResult>,
    score_max: Option<u8>,
    rules: &HitAssays,
) -> HitReading {
    let high_4ts = score_max.is_some_and(|s| s >= rules.high_4ts_from);
    let result = immuno.map(|i| i.result);
    match (result, functional) {
        (_, Some(AssayResult::Positive)) => HitReading::plain(HitStatus::Confirmed),
        (Some(AssayResult::Positive), Some(AssayResult::Negative)) => {
            if immuno
                .and_then(|i| i.od)
                .is_some_and(|od| od >= rules.strong_optical_density_from)
                || high_4ts
            {
                HitReading {
                    status: HitStatus::Probable,
                    note: Some(STRONG_POSITIVE_NEGATIVE_FUNCTIONAL),
                }
            } else {
                HitReading::plain(HitStatus::Unlikely)
            }
        }
        (Some(AssayResult::Positive), None) => HitReading::plain(HitStatus::Probable),
        (Some(AssayResult::Negative), None) if immuno.is_some_and(|i| i.rapid) && high_4ts => HitReading {
            status: HitStatus::Suspected,
            note: Some(RAPID_NEGATIVE_HIGH_4TS),
        },
        (_, Some(AssayResult::Negative)) | (Some(AssayResult::Negative), None) => {
            HitReading::plain(HitStatus::Excluded)
        }
        (None, None) => HitReading::plain(HitStatus::Suspected),
    }
}

/// A suspicion after an excluding result at `resolved` whose count fell 30% from the highest count drawn
/// after that result: a new episode.
fn new_episode(
    tl: &Timeline,
    suspected_at: &[ClinicalTime],
    resolved: ClinicalTime,
    rules: &HitAssays,
) -> Option<ClinicalTime> {
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
            .is_some_and(|s| s.value.value() <= highest * (1.0 - rules.new_episode_fall.value()))
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
    fn a_rapid_immunoassay_is_read_from_the_note() {
        assert!(is_rapid(Some("rapid PaGIA")));
        assert!(is_rapid(Some("method: Rapid")));
        assert!(!is_rapid(Some("ELISA OD 0.3")));
        assert!(!is_rapid(None));
    }

    #[test]
    fn assays_decide_in_the_order_of_the_reference() {
        use AssayResult::{Negative, Positive};
        let elisa = |result, od| {
            Some(Immuno {
                result,
                od,
                rapid: false,
            })
        };
        let rapid = |result| {
            Some(Immuno {
                result,
                od: None,
                rapid: true,
            })
        };
        let p = crate::protocol::Protocol::builtin("adult-icu").unwrap();
        let rules = &p.safety.hit_assays;
        let status = |i, f, s| from_assays(i, f, s, rules).status;
        assert_eq!(status(None, None, None), HitStatus::Suspected);
        assert_eq!(status(elisa(Negative, None), None, Some(6)), HitStatus::Excluded);
        assert_eq!(status(elisa(Positive, Some(1.2)), None, None), HitStatus::Probable);
        assert_eq!(
            status(elisa(Positive, Some(1.2)), Some(Negative), Some(4)),
            HitStatus::Unlikely
        );
        assert_eq!(
            status(elisa(Positive, Some(2.1)), Some(Negative), Some(4)),
            HitStatus::Probable
        );
        assert_eq!(
            status(elisa(Positive, None), Some(Negative), Some(6)),
            HitStatus::Probable
        );
        assert_eq!(
            status(elisa(Negative, None), Some(Positive), None),
            HitStatus::Confirmed
        );
        // A rapid negative excludes with an intermediate 4Ts, not with a high one (§14.1).
        assert_eq!(status(rapid(Negative), None, Some(5)), HitStatus::Excluded);
        let high = from_assays(rapid(Negative), None, Some(6), rules);
        assert_eq!(high.status, HitStatus::Suspected);
        assert_eq!(high.note, Some(RAPID_NEGATIVE_HIGH_4TS));
        assert_eq!(
            from_assays(elisa(Positive, Some(2.1)), Some(Negative), Some(4), rules).note,
            Some(STRONG_POSITIVE_NEGATIVE_FUNCTIONAL)
        );
    }
}
