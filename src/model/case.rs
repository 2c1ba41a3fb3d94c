//! A case: the patient, the timeline, the protocol of each setting and free-text notes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::audit::{AuditEntry, DeletedEvent, PatientIdentity};
use super::event_code::EventCode;
use super::events::Event;
use super::patient::{Patient, Setting};
use super::time::{ClinicalTime, Zone};

/// Case files carry this version; a newer one is refused, never overwritten.
pub const CASE_FORMAT_VERSION: u32 = 8;

/// The band a teaching case carries on the card, in the title bar, in a copied plan and on every
/// printed page (issue 28).
pub const TEACHING_BAND: &str = "TEACHING CASE — not a patient";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub version: u32,
    pub title: String,
    /// The protocol of each setting the case has been in (case format 7): a shipped name such as
    /// `adult-ecmo` or a path to a protocol file. A setting with none takes the catalogue's default for it,
    /// and the advice says so (`protocol::case_protocols`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub protocols: BTreeMap<Setting, String>,
    /// What each setting's protocol was when the case was last saved (case format 8, issue 26): name,
    /// version and the SHA-256 of its bytes. Opening a case whose protocol now hashes differently says so
    /// (the window asks; the command line warns).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub protocol_pins: BTreeMap<Setting, ProtocolPin>,
    /// Format 6 and older: the one protocol, read on loading as the protocol of the case-start setting
    /// (`io::case_file`); never written.
    #[serde(default, rename = "protocol", skip_serializing, deserialize_with = "plain_string")]
    pub(crate) protocol_before_v7: Option<String>,
    /// The IANA time zone of the case's wall clock (case format 5): every time of the file is a wall-clock
    /// time of it. An older file has none and opens in the workstation's zone (the loader says so).
    #[serde(default = "super::time::reading_zone")]
    pub time_zone: Zone,
    /// A bundled teaching case (case format 6): kept by Save as, so a copy says what it is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub teaching: bool,
    /// Start of the record (admission); no event may precede it.
    pub case_start: ClinicalTime,
    pub patient: Patient,
    /// Name, MRN, bed: all optional (case format 3).
    #[serde(default, skip_serializing_if = "is_anonymous")]
    pub identity: PatientIdentity,
    pub events: Vec<Event>,
    pub notes: String,
    /// Deleted events, with who deleted them and why: kept, never analysed (case format 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<DeletedEvent>,
    /// The audit trail, oldest first, append-only (case format 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<AuditEntry>,
    /// The SHA-256 of the trail's last entry (case format 8, issue 27): with each entry's link to the one
    /// before, an edit, removal or insertion anywhere in the trail is seen on opening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<String>,
}

/// A protocol as a case records it (case format 8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolPin {
    pub name: String,
    pub version: u32,
    pub sha256: String,
}

impl ProtocolPin {
    /// "adult-icu v3 (SHA-256 1a2b3c4d…)": the fingerprint cut to 12 characters for people.
    #[must_use]
    pub fn short(&self) -> String {
        format!(
            "{} v{} (SHA-256 {}…)",
            self.name,
            self.version,
            self.sha256.get(..12).unwrap_or(&self.sha256)
        )
    }
}

/// A string written as it is (`protocol: "adult-icu"`), held as present.
fn plain_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

fn is_anonymous(identity: &PatientIdentity) -> bool {
    *identity == PatientIdentity::default()
}

/// A timeline problem found while checking order and dates (the plausibility of values is checked
/// against the protocol in `protocol::plausibility`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    #[error("event {index} ({what}) at {time} is before the case start {start}")]
    BeforeStart {
        index: usize,
        what: String,
        time: ClinicalTime,
        start: ClinicalTime,
    },
    #[error("event {index} ({what}) at {}", super::time::future_refusal(*time, *now))]
    InFuture {
        index: usize,
        what: String,
        time: ClinicalTime,
        now: ClinicalTime,
    },
    #[error(
        "event {index} ({what}) at {time} has the same time as event {previous} of the same kind; remove the duplicate or correct its time"
    )]
    Duplicate {
        index: usize,
        previous: usize,
        what: String,
        time: ClinicalTime,
    },
}

impl Case {
    #[must_use]
    pub fn new(
        title: impl Into<String>,
        protocol: impl Into<String>,
        case_start: ClinicalTime,
        patient: Patient,
    ) -> Self {
        Self {
            version: CASE_FORMAT_VERSION,
            title: title.into(),
            protocols: BTreeMap::from([(patient.setting, protocol.into())]),
            protocol_before_v7: None,
            protocol_pins: BTreeMap::new(),
            audit_head: None,
            time_zone: case_start.zone(),
            teaching: false,
            case_start,
            patient,
            identity: PatientIdentity::default(),
            events: Vec::new(),
            notes: String::new(),
            deleted: Vec::new(),
            audit: Vec::new(),
        }
    }

    /// Sorts the timeline by time, keeping the entry order of simultaneous events.
    pub fn sort_events(&mut self) {
        self.events.sort_by_key(|e| e.time);
    }

    /// Checks dates: nothing before the case start, nothing after `now` (when given), no two events of
    /// one series at the same minute. Events must already be sorted.
    ///
    /// # Errors
    /// Every problem found, not only the first.
    pub fn check_timeline(&self, now: Option<ClinicalTime>) -> Result<(), Vec<TimelineError>> {
        let mut problems = Vec::new();
        let mut last_of_series: Vec<(EventCode, usize)> = Vec::new();
        for (index, event) in self.events.iter().enumerate() {
            // Described only for a problem: a case of a million events is checked without a million texts.
            let what = || event.kind.describe();
            if event.time < self.case_start {
                problems.push(TimelineError::BeforeStart {
                    index,
                    what: what(),
                    time: event.time,
                    start: self.case_start,
                });
            }
            if let Some(now) = now
                && event.time.is_in_future(now)
            {
                problems.push(TimelineError::InFuture {
                    index,
                    what: what(),
                    time: event.time,
                    now,
                });
            }
            let series = event.kind.series();
            match last_of_series.iter_mut().find(|(s, _)| *s == series) {
                Some((_, previous)) => {
                    if self.events[*previous].time == event.time {
                        problems.push(TimelineError::Duplicate {
                            index,
                            previous: *previous,
                            what: what(),
                            time: event.time,
                        });
                    }
                    *previous = index;
                }
                None => last_of_series.push((series, index)),
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Inserts an event in time order (after events at the same minute), refusing a second result of
    /// the same series at the same minute. Returns the new event's index.
    ///
    /// # Errors
    /// A duplicate of an existing event's series and time (the case is unchanged), or a time before
    /// the case start.
    pub fn insert_event(&mut self, event: Event) -> Result<usize, TimelineError> {
        let index = self.events.partition_point(|e| e.time <= event.time);
        if event.time < self.case_start {
            return Err(TimelineError::BeforeStart {
                index,
                what: event.kind.describe(),
                time: event.time,
                start: self.case_start,
            });
        }
        let series = event.kind.series();
        // Only the events of the same minute can be its duplicate: they sit just before `index` (the
        // events are in time order), so a batch import is O(n log n), not O(n²).
        let same_minute = self.events[..index].partition_point(|e| e.time < event.time);
        if let Some(previous) = (same_minute..index).find(|&i| self.events[i].kind.series() == series) {
            return Err(TimelineError::Duplicate {
                index,
                previous,
                what: event.kind.describe(),
                time: event.time,
            });
        }
        self.events.insert(index, event);
        Ok(index)
    }

    /// Whether the event at `index` is an anti-Xa below the assay's limit (its value is the limit, and
    /// every text writes it "<0.1").
    #[must_use]
    pub fn is_below_assay_limit(&self, index: usize) -> bool {
        matches!(
            self.events.get(index).map(|e| e.kind),
            Some(super::events::EventKind::AntiXaBelow(_))
        )
    }

    /// Time of the last event, the default "as of" for an analysis.
    #[must_use]
    pub fn last_event_time(&self) -> Option<ClinicalTime> {
        self.events.iter().map(|e| e.time).max()
    }
}

impl Case {
    /// Identifiers and names that are not one line of plain text (issue 27): the identity, and who entered,
    /// deleted or audited anything. A file edited by hand is refused with them.
    #[must_use]
    pub fn forging_text(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .identity
            .check()
            .err()
            .into_iter()
            .map(|e| format!("identity: {e}"))
            .collect();
        let stamps = self
            .events
            .iter()
            .filter_map(|e| e.entered.as_ref())
            .chain(self.deleted.iter().map(|d| &d.deleted))
            .chain(self.audit.iter().map(|a| &a.stamp));
        for stamp in stamps {
            if let Err(e) = super::plain_text::check_plain("author", &stamp.by) {
                out.push(format!("a stamp at {}: {e}", stamp.at));
                break;
            }
        }
        out
    }

    /// Who the case is about, as the title bar, every copy and every printed page head it: "Jane Doe ·
    /// MRN 123 · bed 4 — the case title", or the title alone when no identifier is entered; a teaching
    /// case starts with [`TEACHING_BAND`] (issue 28). Free text printed escaped (issue 27).
    #[must_use]
    pub fn patient_line(&self) -> String {
        let title = super::plain_text::one_line(&self.title);
        let line = match self.identity.line() {
            Some(id) => format!("{id} — {title}"),
            None => title,
        };
        match self.teaching_band() {
            Some(band) => format!("{band} · {line}"),
            None => line,
        }
    }

    /// [`TEACHING_BAND`] for a teaching case: it must never pass for a patient's.
    #[must_use]
    pub fn teaching_band(&self) -> Option<&'static str> {
        self.teaching.then_some(TEACHING_BAND)
    }
}
