//! The domain model: units as types, times, patient facts, timeline events and the case.

pub mod anticoagulant;
pub mod audit;
pub mod audited;
pub mod case;
pub mod display;
pub mod editing;
pub mod event_code;
pub mod events;
pub mod lab_table;
pub mod other_anticoagulant;
pub mod patient;
pub mod plain_text;
pub mod population;
pub mod required;
pub mod rounded;
pub mod stamp;
pub mod time;
pub mod units;
pub mod words;
pub mod zone;

pub use anticoagulant::{Anticoagulant, DtiDrug};
pub use audit::{AuditAction, AuditEntry, DEFAULT_DELETION_REASON, DeletedEvent, PatientIdentity, patient_changes};
pub use case::{CASE_FORMAT_VERSION, Case, ProtocolPin, TEACHING_BAND, TimelineError};
pub use display::display_convention_problems;
pub use editing::{EditError, PatientChange, ShippedProtocol};
pub use event_code::{EventCode, ReasonNotOnStop, event_fields};
pub use events::{EnteredRate, Event, EventId, EventKind, HeparinRate, LabKind, PlasmaAmount};
pub use other_anticoagulant::{OtherAnticoagulant, OtherDose};
pub use patient::{
    AgeGroup, AntiXaAssay, FourTsPoints, FourTsPointsError, HitHistory, Patient, PriorHeparin, Rrt, Setting, Sex,
    StopReason, Weight, WeightKind,
};
pub use population::Population;
pub use stamp::Stamp;
pub use time::{
    ClinicalTime, FUTURE_TOLERANCE_MIN, TIME_FORMAT, TimeParseError, Zone, ZoneError, future_refusal, reading_in,
    reading_zone,
};
pub use units::*;
pub use words::{AssayResult, CircuitPart, EcmoFlow, Interference, RrtWord, SurgeryRisk, YesNo};
