//! The engine: pure functions of (case, protocol, as-of time). No clock, no I/O, no UI.

mod algorithm;
mod bypass;
pub mod hit;
mod monitoring;
pub mod pairing;
pub mod timeline;
pub mod types;

pub use pairing::{Level, Pair, classify_level, paired_samples};
pub use timeline::{Agent, Sample, Segment, Timeline};
pub use types::{
    Action, Analysis, BypassAssessment, Due, Finding, FindingCode, FourTs, FourTsBand, HeparinExposure, MonitoringItem,
    ProtocolRef, Recommendation, Step, StepStatus,
};

use crate::model::{Case, ClinicalTime};
use crate::protocol::Protocol;

/// Analyses a case at `as_of`: events after it are ignored, as if it were now.
#[must_use]
pub fn analyze(case: &Case, protocol: &Protocol, as_of: ClinicalTime) -> Analysis {
    let timeline = Timeline::new(case);
    analyze_indexed(case, &timeline, protocol, as_of)
}

/// As [`analyze`], reusing an index built once for the case (replay, the GUI).
#[must_use]
pub fn analyze_indexed(case: &Case, timeline: &Timeline, protocol: &Protocol, as_of: ClinicalTime) -> Analysis {
    algorithm::run(case, timeline, protocol, as_of)
}

/// The analysis at every distinct event time, in order: what the app would have advised at each
/// moment (teaching, audit). The index is built once; each step costs O(log n + events in 24 h).
#[must_use]
pub fn replay(case: &Case, protocol: &Protocol) -> Vec<Analysis> {
    let timeline = Timeline::new(case);
    timeline.event_times().iter().map(|&t| algorithm::run(case, &timeline, protocol, t)).collect()
}
