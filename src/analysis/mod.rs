//! The engine: pure functions of (case, protocol, as-of time). No clock, no I/O, no UI.

/// An explanation sentence: `format!` when the analysis is [`Detail::Explained`], an empty string
/// (no allocation, no number formatting) when it is [`Detail::Decision`]. Only for text that no
/// decision reads; a source or a drug name is always written in full.
macro_rules! say {
    ($cx:expr, $($arg:tt)+) => {
        if $cx.explain { format!($($arg)+) } else { String::new() }
    };
}

mod algorithm;
mod bypass;
pub mod generate;
pub mod hit;
mod monitoring;
pub mod pairing;
pub mod timeline;
pub mod types;

pub use pairing::{Level, Pair, classify_level, paired_samples};
pub use timeline::{Agent, Sample, Segment, Timeline};
pub use types::{
    Action, Analysis, BypassAssessment, Detail, Due, Finding, FindingCode, FourTs, FourTsBand, HeparinExposure,
    MonitoringItem, ProtocolRef, Recommendation, Step, StepStatus,
};

use crate::model::{Case, ClinicalTime};
use crate::protocol::Protocol;
use crate::protocol::plausibility::check_event;

/// A case prepared for analysis at many times: the timeline index and the input warnings, each built
/// once. Replay and the GUI reuse it; every analysis then costs O(log n + events in the last 24 h).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub timeline: Timeline,
    /// Soft plausibility warnings, in time order.
    soft_warnings: Vec<(ClinicalTime, String)>,
}

impl Prepared {
    #[must_use]
    pub fn new(case: &Case, protocol: &Protocol) -> Self {
        let timeline = Timeline::new(case);
        let mut soft_warnings: Vec<(ClinicalTime, String)> = case
            .events
            .iter()
            .filter_map(
                |e| match check_event(&protocol.plausibility, e.kind, case.patient.weight.kg) {
                    Ok(Some(w)) => Some((e.time, format!("{}: {w}", e.time))),
                    Ok(None) => None,
                    Err(err) => Some((e.time, format!("{}: refused value reached the engine: {err}", e.time))),
                },
            )
            .collect();
        soft_warnings.sort_by_key(|(t, _)| *t);
        Self {
            timeline,
            soft_warnings,
        }
    }

    /// Warnings for events at or before `t`.
    #[must_use]
    pub fn warnings_until(&self, t: ClinicalTime) -> &[(ClinicalTime, String)] {
        &self.soft_warnings[..self.soft_warnings.partition_point(|(w, _)| *w <= t)]
    }
}

/// Analyses a case at `as_of`, explained in full: events after it are ignored, as if it were now.
#[must_use]
pub fn analyze(case: &Case, protocol: &Protocol, as_of: ClinicalTime) -> Analysis {
    let prepared = Prepared::new(case, protocol);
    analyze_prepared(case, &prepared, protocol, as_of)
}

/// As [`analyze`], reusing a case prepared once (the GUI).
#[must_use]
pub fn analyze_prepared(case: &Case, prepared: &Prepared, protocol: &Protocol, as_of: ClinicalTime) -> Analysis {
    algorithm::run(case, prepared, protocol, as_of, Detail::Explained)
}

/// The analysis at every distinct event time, in order: what the app would have advised at each
/// moment (teaching, audit). The case is prepared once; each step costs O(log n + events in 24 h).
/// With [`Detail::Decision`] the sentences are not written, and a step costs about a third of an
/// explained one (`docs/performance.md`): analyse the one step a person opens again with
/// [`analyze_prepared`].
#[must_use]
pub fn replay(case: &Case, protocol: &Protocol, detail: Detail) -> Vec<Analysis> {
    let prepared = Prepared::new(case, protocol);
    prepared
        .timeline
        .event_times()
        .iter()
        .map(|&t| algorithm::run(case, &prepared, protocol, t, detail))
        .collect()
}
