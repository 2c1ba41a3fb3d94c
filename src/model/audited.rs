//! Edits that leave a trace (issue 15): each wraps an edit of [`super::editing`] and appends to the
//! case's audit trail who did it, when, and what changed. A deletion keeps the event (with the reason,
//! "entered in error" until someone writes another); an undo or a redo is itself an entry, so the trail
//! only grows.

use super::audit::{AuditAction, AuditEntry, DEFAULT_DELETION_REASON, DeletedEvent, PatientIdentity, patient_changes};
use super::case::{Case, TimelineError};
use super::editing::{EditError, PatientChange, ShippedProtocol};
use super::events::{Event, EventId};
use super::patient::Patient;
use super::stamp::Stamp;

/// "2019-01-12T08:00 aPTT 62 s".
#[must_use]
pub fn event_subject(event: &Event) -> String {
    let interference = event.interference.map_or(String::new(), |i| format!(" ({})", i.code()));
    let confirmed = if event.confirmed { ", confirmed" } else { "" };
    format!("{} {}{interference}{confirmed}", event.time, event.kind.describe())
}

impl Case {
    /// Appends one entry to the audit trail.
    pub fn record(
        &mut self,
        stamp: &Stamp,
        action: AuditAction,
        subject: String,
        detail: String,
        reason: Option<String>,
    ) {
        // The head is the last entry's hash when the trail is chained to its end: no second hash per entry.
        let previous = match (self.audit.last(), &self.audit_head) {
            (None, _) => super::audit::AUDIT_GENESIS.to_owned(),
            (Some(last), Some(head)) if last.previous.is_some() => head.clone(),
            (Some(last), _) => last.hash(),
        };
        let entry = AuditEntry {
            stamp: stamp.clone(),
            action,
            subject,
            detail,
            reason,
            previous: Some(previous),
        };
        self.audit_head = Some(entry.hash());
        self.audit.push(entry);
    }

    /// Puts back a whole trail (undo and redo keep every entry): its head is its last entry's hash.
    pub fn set_audit_trail(&mut self, trail: Vec<AuditEntry>) {
        self.audit_head = trail.last().filter(|e| e.previous.is_some()).map(AuditEntry::hash);
        self.audit = trail;
    }

    /// Where the audit trail's hash chain breaks, if it does (a hand edit of the file).
    #[must_use]
    pub fn audit_chain_break(&self) -> Option<String> {
        // A trail removed whole (review of issue 27): entries stamped as entered, and no trail at all.
        let stamped = self.events.iter().filter(|e| e.entered.is_some()).count() + self.deleted.len();
        if self.audit.is_empty() && stamped > 0 {
            return Some(format!(
                "the trail is empty, but {stamped} event(s) carry who entered or deleted them: it was removed"
            ));
        }
        super::audit::audit_chain_break(&self.audit, self.audit_head.as_deref())
    }

    /// Adds events (all or none) stamped as entered by `stamp`, one audit entry each.
    ///
    /// # Errors
    /// As [`Case::merge_events`]; nothing is recorded.
    pub fn add_audited(
        &mut self,
        events: Vec<Event>,
        stamp: &Stamp,
        action: AuditAction,
    ) -> Result<usize, Vec<TimelineError>> {
        let stamped: Vec<Event> = events
            .into_iter()
            .map(|e| Event {
                entered: Some(stamp.clone()),
                ..e
            })
            .collect();
        let subjects: Vec<String> = stamped.iter().map(event_subject).collect();
        let added = self.merge_events(stamped)?;
        for subject in subjects {
            self.record(stamp, action, subject, String::new(), None);
        }
        Ok(added)
    }

    /// Replaces an event (it keeps its entry stamp) and records before → after.
    ///
    /// # Errors
    /// As [`Case::replace_event`]; nothing is recorded.
    pub fn replace_audited(&mut self, id: EventId, event: Event, stamp: &Stamp) -> Result<(), EditError> {
        let (_, original) = self.find_event(id).ok_or(EditError::Missing)?;
        let before = original.clone();
        let event = Event {
            entered: before.entered.clone(),
            ..event
        };
        let after = event_subject(&event);
        self.replace_event(id, event)?;
        self.record(
            stamp,
            AuditAction::Changed,
            event_subject(&before),
            format!("→ {after}"),
            None,
        );
        Ok(())
    }

    /// Deletes an event at once: it moves to the deleted list with the default reason, out of the
    /// analysis, and the trail says so. Returns the event.
    pub fn delete_audited(&mut self, id: EventId, stamp: &Stamp) -> Option<Event> {
        let event = self.remove_event(id)?;
        let subject = event_subject(&event);
        self.deleted.push(DeletedEvent {
            event: event.clone(),
            deleted: stamp.clone(),
            reason: DEFAULT_DELETION_REASON.to_owned(),
        });
        self.record(
            stamp,
            AuditAction::Deleted,
            subject,
            String::new(),
            Some(DEFAULT_DELETION_REASON.to_owned()),
        );
        Some(event)
    }

    /// A new reason for a deletion (History view). `false` when there is no such deletion or nothing
    /// changed.
    pub fn set_deletion_reason(&mut self, index: usize, reason: String, stamp: &Stamp) -> bool {
        let Some(d) = self.deleted.get_mut(index) else {
            return false;
        };
        let reason = reason.trim().to_owned();
        if reason.is_empty() || reason == d.reason {
            return false;
        }
        let before = std::mem::replace(&mut d.reason, reason.clone());
        let subject = event_subject(&d.event);
        self.record(
            stamp,
            AuditAction::Changed,
            subject,
            format!("reason for deletion: {before} → {reason}"),
            Some(reason),
        );
        true
    }

    /// Takes a new patient record and records each field that changed (weight, CrCl, flags, 4Ts items…).
    pub fn set_patient_audited(&mut self, patient: Patient, stamp: &Stamp, shipped: ShippedProtocol) -> PatientChange {
        let changes = patient_changes(&self.patient, &patient);
        let change = self.set_patient(patient, shipped);
        for (field, before, after) in changes {
            self.record(
                stamp,
                AuditAction::Patient,
                field.to_owned(),
                format!("{before} → {after}"),
                None,
            );
        }
        change
    }

    /// New identifiers, recorded.
    pub fn set_identity_audited(&mut self, identity: PatientIdentity, stamp: &Stamp) {
        let show = |i: &PatientIdentity| i.line().unwrap_or_else(|| "none".to_owned());
        if identity != self.identity {
            let detail = format!("{} → {}", show(&self.identity), show(&identity));
            self.identity = identity;
            self.record(
                stamp,
                AuditAction::Identity,
                "patient identifiers".to_owned(),
                detail,
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClinicalTime, EventKind, Kilograms, Seconds, Setting, Weight, WeightKind};

    const T0: ClinicalTime = ClinicalTime::constant(2026, 11, 30, 6, 0);

    fn case() -> Case {
        let weight = Weight {
            kg: Kilograms::constant(80.0),
            measured_at: T0,
            kind: WeightKind::Actual,
        };
        Case::new("t", "adult-icu", T0, Patient::new(weight, Setting::Icu))
    }

    #[test]
    fn add_change_delete_and_a_patient_field_each_leave_an_entry() {
        let mut c = case();
        let kim = Stamp::new(T0.plus_minutes(30), "RN Kim");
        let aptt = Event::new(T0.plus_minutes(10), EventKind::Aptt(Seconds::constant(62.0)));
        c.add_audited(vec![aptt], &kim, AuditAction::Added).unwrap_or_default();
        assert_eq!(c.events[0].entered, Some(kim.clone()), "stamped as entered");
        let id = c.events[0].id;
        let lee = Stamp::new(T0.plus_minutes(40), "Dr Lee");
        let fixed = Event::new(T0.plus_minutes(10), EventKind::Aptt(Seconds::constant(26.0)));
        assert!(c.replace_audited(id, fixed, &lee).is_ok());
        assert_eq!(
            c.events[0].entered,
            Some(kim.clone()),
            "a correction keeps who entered it"
        );
        assert!(c.delete_audited(id, &lee).is_some());
        assert!(c.events.is_empty());
        assert_eq!(c.deleted[0].reason, DEFAULT_DELETION_REASON);
        assert!(c.set_deletion_reason(0, "wrong patient".to_owned(), &lee));
        let mut p = c.patient.clone();
        p.weight.kg = Kilograms::constant(88.0);
        c.set_patient_audited(p, &lee, crate::protocol::catalogue::shipped_protocol_for);
        let trail: Vec<(AuditAction, &str, &str, &str)> = c
            .audit
            .iter()
            .map(|a| (a.action, a.stamp.by.as_str(), a.subject.as_str(), a.detail.as_str()))
            .collect();
        assert_eq!(
            trail,
            [
                (AuditAction::Added, "RN Kim", "2026-11-30T06:10 aPTT 62 s", ""),
                (
                    AuditAction::Changed,
                    "Dr Lee",
                    "2026-11-30T06:10 aPTT 62 s",
                    "→ 2026-11-30T06:10 aPTT 26 s"
                ),
                (AuditAction::Deleted, "Dr Lee", "2026-11-30T06:10 aPTT 26 s", ""),
                (
                    AuditAction::Changed,
                    "Dr Lee",
                    "2026-11-30T06:10 aPTT 26 s",
                    "reason for deletion: entered in error → wrong patient"
                ),
                (AuditAction::Patient, "Dr Lee", "weight", "80 kg → 88 kg"),
            ]
        );
    }
}
