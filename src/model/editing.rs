//! The rules of editing a case, whoever edits it (the app's forms, a CSV import, a command): a batch of
//! events goes in whole or not at all; an edit replaces the event it started from, found by identity;
//! a change of setting switches the case to that setting's protocol.

use super::case::{Case, TimelineError};
use super::events::{Event, EventId};
use super::patient::{AgeGroup, Patient, Setting};

/// Why an edit was not made (the case is unchanged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the event being edited is no longer in the case")]
    Missing,
    #[error("{0}")]
    Timeline(#[from] TimelineError),
}

/// Chooses the shipped protocol for a setting and an age group.
pub type ShippedProtocol = fn(Setting, AgeGroup) -> &'static str;

/// What a new patient record changed that the caller must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientChange {
    /// Nothing beyond the record itself.
    Record,
    /// The setting changed: the case now names this setting's protocol, which the caller loads.
    Protocol(String),
}

impl Case {
    /// The event with this handle, with its index.
    #[must_use]
    pub fn find_event(&self, id: EventId) -> Option<(usize, &Event)> {
        self.events.iter().enumerate().find(|(_, e)| e.id == id)
    }

    /// Adds every event in time order, or none: a duplicate or an event before the case start refuses
    /// the whole batch (a CSV import is all or nothing). Returns how many were added.
    ///
    /// # Errors
    /// Every refused event; the case is unchanged.
    pub fn merge_events(&mut self, events: Vec<Event>) -> Result<usize, Vec<TimelineError>> {
        let mut merged = self.clone();
        let mut problems = Vec::new();
        for event in events {
            if let Err(e) = merged.insert_event(event) {
                problems.push(e);
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let added = merged.events.len() - self.events.len();
        *self = merged;
        Ok(added)
    }

    /// Replaces the event with this handle; the new content keeps the handle (it is the same event,
    /// corrected).
    ///
    /// # Errors
    /// The event is gone, or the new content is refused (a duplicate, before the case start); the case
    /// is unchanged.
    pub fn replace_event(&mut self, id: EventId, event: Event) -> Result<(), EditError> {
        let (index, _) = self.find_event(id).ok_or(EditError::Missing)?;
        let mut edited = self.clone();
        edited.events.remove(index);
        edited.insert_event(Event { id, ..event })?;
        *self = edited;
        Ok(())
    }

    /// Removes the event with this handle and returns it.
    pub fn remove_event(&mut self, id: EventId) -> Option<Event> {
        let (index, _) = self.find_event(id)?;
        Some(self.events.remove(index))
    }

    /// Takes a new patient record. When the case-start setting changes, the new setting takes the protocol
    /// `shipped` chooses for it and the patient's age group (the catalogue,
    /// `protocol::catalogue::shipped_protocol_for`: the model holds no table of protocols), unless the case
    /// already names one for it; the old setting's protocol is dropped when no setting row still uses it.
    pub fn set_patient(&mut self, patient: Patient, shipped: ShippedProtocol) -> PatientChange {
        let old = self.patient.setting;
        let setting_changed = patient.setting != old;
        self.patient = patient;
        if !setting_changed {
            return PatientChange::Record;
        }
        let still_used = self
            .events
            .iter()
            .any(|e| e.kind == super::events::EventKind::SettingFrom(old));
        if !still_used {
            self.protocols.remove(&old);
        }
        let setting = self.patient.setting;
        let name = match self.protocols.get(&setting) {
            Some(name) => name.clone(),
            None => {
                let name = shipped(setting, self.patient.age_group).to_owned();
                self.protocols.insert(setting, name.clone());
                name
            }
        };
        PatientChange::Protocol(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClinicalTime, EventKind, Kilograms, Seconds, Setting, Weight, WeightKind};

    const START: ClinicalTime = ClinicalTime::constant(2025, 1, 1, 0, 0);

    fn aptt(minutes: i64, s: f64) -> Event {
        Event::new(START.plus_minutes(minutes), EventKind::Aptt(Seconds::constant(s)))
    }

    fn case() -> Case {
        let weight = Weight {
            kg: Kilograms::constant(80.0),
            measured_at: START,
            kind: WeightKind::Actual,
        };
        let mut c = Case::new("t", "adult-icu", START, Patient::new(weight, Setting::Icu));
        for e in [aptt(60, 40.0), aptt(120, 50.0)] {
            c.insert_event(e).unwrap_or_else(|e| panic!("{e}"));
        }
        c
    }

    #[test]
    fn a_batch_goes_in_whole_or_not_at_all() {
        let mut c = case();
        let refused = c.merge_events(vec![aptt(180, 55.0), aptt(60, 41.0)]);
        assert!(
            refused.is_err_and(|p| p.len() == 1),
            "a duplicate time refuses the batch"
        );
        assert_eq!(c.events.len(), 2, "nothing was added");
        assert_eq!(c.merge_events(vec![aptt(180, 55.0), aptt(240, 58.0)]), Ok(2));
        assert_eq!(c.events.len(), 4);
    }

    #[test]
    fn an_edit_finds_its_event_by_identity_after_other_rows_move() {
        let mut c = case();
        let edited = c.events[1].id;
        let other = c.events[0].id;
        assert!(c.remove_event(other).is_some(), "the row before it is deleted");
        c.replace_event(edited, aptt(120, 65.0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.events.len(), 1);
        assert_eq!(c.events[0].id, edited, "the corrected event keeps its handle");
        assert_eq!(c.events[0].kind, EventKind::Aptt(Seconds::constant(65.0)));
        assert_eq!(c.replace_event(other, aptt(30, 1.0)), Err(EditError::Missing));
        assert_eq!(c.remove_event(other), None);
    }

    #[test]
    fn equal_records_are_equal_events_whatever_their_handles() {
        let (a, b) = (aptt(60, 40.0), aptt(60, 40.0));
        assert_ne!(a.id, b.id);
        assert_eq!(a, b);
    }

    #[test]
    fn a_setting_change_switches_the_protocol() {
        let mut c = case();
        let mut p = c.patient.clone();
        p.baseline_aptt = Some(Seconds::constant(31.0));
        assert_eq!(
            c.set_patient(p.clone(), crate::protocol::catalogue::shipped_protocol_for),
            PatientChange::Record
        );
        assert_eq!(c.protocols.get(&Setting::Icu).map(String::as_str), Some("adult-icu"));
        p.setting = Setting::EcmoVa;
        assert_eq!(
            c.set_patient(p, crate::protocol::catalogue::shipped_protocol_for),
            PatientChange::Protocol("adult-ecmo".to_owned())
        );
        assert_eq!(
            c.protocols.get(&Setting::EcmoVa).map(String::as_str),
            Some("adult-ecmo")
        );
        assert_eq!(c.protocols.len(), 1, "the ICU protocol no setting uses is dropped");
    }
}
