//! The events the safety rules look back over — surgery ends, protamine, setting changes, HIT assays,
//! infusion stops, doses of other anticoagulants and flagged anti-Xa results — indexed once per case in time order, so that a rule reads the few that matter at an
//! analysis time instead of scanning every event (a replay analyses at every event time: a scan per
//! analysis made a 90-day replay quadratic).

use crate::model::{Anticoagulant, Case, ClinicalTime, Event, EventKind, Interference};

/// One indexed event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub time: ClinicalTime,
    /// Its index in `case.events`.
    pub index: usize,
    /// The time of the latest event before it (in time order) that is not a setting change: where a bypass
    /// session's activity last was when the setting changes.
    pub last_activity: Option<ClinicalTime>,
    /// The analyser's flag on an anti-Xa result (clinical reference §14.5), when the mark is one.
    pub flagged_anti_xa: Option<Interference>,
}

/// The marks of a case, in time order (ties in entry order).
#[derive(Debug, Clone, Default)]
pub struct CourseMarks {
    marks: Vec<Mark>,
}

/// The analyser's flag on an anti-Xa result.
fn anti_xa_flag(event: &Event) -> Option<Interference> {
    matches!(event.kind, EventKind::AntiXa(_))
        .then_some(event.interference)
        .flatten()
}

/// Whether the safety rules look back for this event.
fn is_mark(event: &Event) -> bool {
    let kind = event.kind;
    matches!(
        kind,
        EventKind::Protamine(_)
            | EventKind::SurgeryEnd(_)
            | EventKind::SettingFrom(_)
            | EventKind::HitImmunoassay(_)
            | EventKind::HitFunctionalAssay(_)
            | EventKind::OtherAnticoagulant(..)
    ) || kind.is_infusion_stop()
        || anti_xa_flag(event).is_some()
}

impl CourseMarks {
    /// From the case's event indices in time order.
    #[must_use]
    pub fn new(case: &Case, sorted: &[usize]) -> Self {
        let mut marks = Vec::new();
        let mut last_activity = None;
        for &index in sorted {
            let event = &case.events[index];
            if is_mark(event) {
                marks.push(Mark {
                    time: event.time,
                    index,
                    last_activity,
                    flagged_anti_xa: anti_xa_flag(event),
                });
            }
            if !matches!(event.kind, EventKind::SettingFrom(_)) {
                last_activity = Some(event.time);
            }
        }
        Self { marks }
    }

    /// The marks at or before `t`.
    #[must_use]
    pub fn until(&self, t: ClinicalTime) -> &[Mark] {
        &self.marks[..self.marks.partition_point(|m| m.time <= t)]
    }

    /// The marks from `from` to `to`, both included.
    #[must_use]
    pub fn between(&self, from: ClinicalTime, to: ClinicalTime) -> &[Mark] {
        let until = self.until(to);
        &until[until.partition_point(|m| m.time < from)..]
    }
}

/// The analyser's flag on an anti-Xa drawn at `t`, if any.
#[must_use]
pub fn anti_xa_flag_at(marks: &CourseMarks, t: ClinicalTime) -> Option<Interference> {
    marks.between(t, t).iter().find_map(|m| m.flagged_anti_xa)
}

/// The event a mark points to.
#[must_use]
pub fn event_of<'a>(case: &'a Case, mark: &Mark) -> &'a Event {
    &case.events[mark.index]
}

/// Whether a stop of `drug`'s infusion is charted from `from` to `to`.
#[must_use]
pub fn stop_charted(
    case: &Case,
    marks: &CourseMarks,
    drug: Anticoagulant,
    from: ClinicalTime,
    to: ClinicalTime,
) -> bool {
    marks.between(from, to).iter().any(|m| {
        let kind = event_of(case, m).kind;
        kind.infusion_drug() == Some(drug) && kind.is_infusion_stop()
    })
}
