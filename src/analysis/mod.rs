//! The engine: pure functions of (case, protocol, as-of time). No clock, no I/O, no UI.
//!
//! Rooms (see `docs/architecture.md`): `context` holds the working state of one analysis and the
//! monitoring assay; [`exposure`] the heparin exposure; `icu` the stepwise algorithm for ICU and ECMO,
//! one file per step; `bypass` the perfusionist's branch; `dti_switch` the switch to and titration of a
//! direct thrombin inhibitor; `monitoring` the plan of next labs. [`timeline`] indexes a case once, so
//! every question at an as-of time costs O(log n).

#[macro_use]
mod context;
mod anti_xa_exclusion;
mod antithrombin_card;
mod bypass;
pub mod clock;
pub mod courses;
pub mod danger;
mod danger_kind;
mod dti_switch;
mod dti_titrate;
mod dti_washout;
mod engine;
pub mod exposure;
pub mod facts;
mod fixed_ceilings;
pub mod forecast;
mod four_ts;
pub mod generate;
pub mod hit;
pub mod hit_status;
mod icu;
mod limits;
pub mod marks;
mod monitoring;
mod other_anticoagulants;
pub mod pairing;
mod run;
mod safety;
pub mod series;
pub mod targets;
#[cfg(test)]
pub(crate) mod tests_support;
pub mod timeline;
pub mod types;

pub use engine::CaseEngine;
pub use facts::{Fact, Facts};
pub use pairing::{Level, Pair, classify_level, paired_samples};
pub use timeline::{InfusionRate, Sample, Segment, Series, Timeline};
pub use types::{
    Action, AdvicePaused, Analysis, BypassAssessment, Danger, Detail, Due, Finding, FindingCode, FourTs, FourTsBand,
    FourTsStatus, HardLimitExceeded, HeparinExposure, MonitoringItem, PatientWeights, ProtocolRef, Recommendation,
    Step, StepId, StepStatus,
};

use crate::model::{Case, ClinicalTime};
use crate::protocol::Protocol;
pub use run::Prepared;
use run::run;

/// Analyses a case at `as_of`, explained in full: events after it are ignored, as if it were now.
#[must_use]
pub fn analyze(case: &Case, protocol: &Protocol, as_of: ClinicalTime) -> Analysis {
    let prepared = Prepared::new(case, protocol);
    analyze_prepared(case, &prepared, protocol, as_of)
}

/// As [`analyze`], reusing a case prepared once (the GUI).
#[must_use]
pub fn analyze_prepared(case: &Case, prepared: &Prepared, protocol: &Protocol, as_of: ClinicalTime) -> Analysis {
    run(case, prepared, protocol, as_of, Detail::Explained)
}

/// The analysis at every distinct event time, in order: what the app would have advised at each
/// moment (teaching, audit). The case is prepared once; each step costs O(log n + events in 24 h).
/// With [`Detail::Decision`] the sentences are not written, and a step costs about a third of an
/// explained one (`docs/performance.md`): analyse the one step a person opens again with
/// [`analyze_prepared`].
#[must_use]
pub fn replay(case: &Case, protocol: &Protocol, detail: Detail) -> Vec<Analysis> {
    let prepared = Prepared::new(case, protocol);
    replay_steps(case, &prepared, protocol, detail).collect()
}

/// The analyses of [`replay`], one at a time: a caller that writes each step as it comes (the
/// command line's JSON) holds one step in memory instead of the whole course.
pub fn replay_steps<'a>(
    case: &'a Case,
    prepared: &'a Prepared,
    protocol: &'a Protocol,
    detail: Detail,
) -> impl Iterator<Item = Analysis> + 'a {
    prepared
        .timeline
        .event_times()
        .iter()
        .map(move |&t| run(case, prepared, protocol, t, detail))
}
