//! The domain model: units as types, times, patient facts, timeline events and the case.

pub mod audit;
pub mod audited;
pub mod case;
pub mod display;
pub mod editing;
pub mod event_code;
pub mod events;
pub mod patient;
pub mod rounded;
pub mod time;
pub mod units;

pub use audit::{
    AuditAction, AuditEntry, DEFAULT_DELETION_REASON, DeletedEvent, PatientIdentity, Stamp, patient_changes,
};
pub use case::{CASE_FORMAT_VERSION, Case, TimelineError};
pub use display::display_convention_problems;
pub use editing::{EditError, PatientChange};
pub use event_code::{EventCode, event_fields};
pub use events::{Event, EventId, EventKind, HeparinRate, LabKind, PlasmaAmount, ReasonNotOnStop};
pub use patient::{
    AgeGroup, AntiXaAssay, FourTsPoints, FourTsPointsError, HitHistory, Patient, PriorHeparin, Rrt, Setting, Sex,
    StopReason, Weight, WeightKind,
};
pub use time::{ClinicalTime, FUTURE_TOLERANCE_MIN, TIME_FORMAT, TimeParseError, future_refusal};
pub use units::*;

/// Makes an `Option` field required in a file (it must say `None` or `Some(..)`), so that a missing
/// clinical field is an error and never silently `None`.
pub(crate) fn required_option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer)
}
