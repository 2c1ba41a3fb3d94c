//! Laboratory results straight from the hospital's systems (issue 32): HL7 v2 ORU^R01 messages
//! (`hl7.rs`) and FHIR R4 Observations (`fhir.rs`), read through the reviewed code map (`codes.rs`,
//! `protocols/lab-codes.ron`) into a preview before anything is added (`io::import_preview`, shared with
//! the CSV import and the paste): each result new, a duplicate, conflicting with a typed result, refused
//! (with the reason), amended (a corrected result replacing an earlier one from the same source), or
//! cancelled by the laboratory (the earlier imported event deleted). The patient must be the case's:
//! another identifier than the case's MRN refuses the whole file, and a file of two patients is refused.

pub mod codes;
pub mod fhir;
pub mod hl7;

use self::codes::{LabCodeMap, Lookup, ResultValue};
use crate::io::import_preview::{ImportPreview, PreviewRow, Verdict, verdicts_in_order};
use crate::model::{Case, ClinicalTime, Event, Stamp, Zone};

/// A patient identifier of a message: the number and its assigning authority (HL7 PID-3.4, FHIR
/// identifier.system).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientId {
    pub id: String,
    pub authority: Option<String>,
    /// The identifier is typed MR (a medical record number): only then is it compared with, or taken as,
    /// the case's MRN.
    pub is_mrn: bool,
    /// Other MR numbers of the same patient in the same message (merged records): a case's MRN matching
    /// any of them is this patient.
    pub also: Vec<String>,
}

impl std::fmt::Display for PatientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.is_mrn { "" } else { ", not an MRN" };
        match &self.authority {
            Some(a) => write!(f, "{} ({a}{kind})", self.id),
            None if self.is_mrn => write!(f, "{}", self.id),
            None => write!(f, "{} (not an MRN)", self.id),
        }
    }
}

/// A result's status, as the laboratory says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultStatus {
    Final,
    /// Corrected or amended: replaces the earlier result from the same source.
    Corrected,
    /// Preliminary, registered, not verified: refused "not final".
    NotFinal(String),
    /// Pending, no value yet: listed and skipped.
    Pending,
    /// Cancelled, deleted or entered in error: the earlier imported result is deleted.
    Cancelled,
}

/// One result as read from a file, before the map.
#[derive(Debug, Clone, PartialEq)]
pub struct LabResult {
    /// What the event records as its `source` (issue 20): the identity, the file, the message and set id.
    pub source: String,
    /// The same result across its corrections: HL7 `filler order|code|sub-id`, FHIR the resource id.
    pub identity: String,
    /// HL7: the coding systems are HL7 names (`LN`), translated by the map; FHIR: URIs.
    pub hl7_systems: bool,
    /// (system, code, display), the first the laboratory's own.
    pub codings: Vec<(String, String, String)>,
    pub value: Result<ResultValue, String>,
    /// The unit as sent (UCUM).
    pub unit: String,
    pub status: ResultStatus,
    pub time: Result<ClinicalTime, String>,
    /// How the preview names the row ("OBX 2 2951-2 140 mmol/L").
    pub label: String,
    pub patient: Option<PatientId>,
}

/// A file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabFormat {
    Hl7,
    Fhir,
}

impl LabFormat {
    /// FHIR JSON starts with `{`; anything else is read as HL7 v2 (which says so when it is not).
    #[must_use]
    pub fn of_text(text: &str) -> Self {
        if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
            Self::Fhir
        } else {
            Self::Hl7
        }
    }
}

/// A lab file read: its patient and its results.
#[derive(Debug, Clone, PartialEq)]
pub struct LabFile {
    pub name: String,
    pub patient: Option<PatientId>,
    pub results: Vec<LabResult>,
}

/// Why a lab file is refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabFileError {
    #[error("{file}: {why}")]
    Unreadable { file: String, why: String },
    #[error("{file}: results of more than one patient ({}): a file is imported for one patient only", .patients.join(", "))]
    SeveralPatients { file: String, patients: Vec<String> },
    #[error(
        "{file}: the results are of patient {found}, the case is of MRN {case}: nothing imported (check the patient, or open the right case)"
    )]
    WrongPatient { file: String, found: String, case: String },
}

/// `YYYY-MM-DDTHH:MM` — a wall-clock time of the case's zone — or `YYYY-MM-DDTHH:MM±HH:MM`, an instant
/// written in any offset (a laboratory's or an EHR's), shown on the case's clock.
pub(crate) fn parse_time(text: &str, zone: Zone) -> Result<ClinicalTime, String> {
    let Some((clock, offset)) = text.split_at_checked(16).filter(|(_, o)| o.len() == 6 && o.is_ascii()) else {
        return ClinicalTime::parse_in(text, zone).map_err(|e| e.to_string());
    };
    let sign = match offset.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return Err(format!("'{text}': the offset must be +HH:MM or -HH:MM")),
    };
    let minutes = offset[1..3]
        .parse::<i64>()
        .ok()
        .zip(offset[4..6].parse::<i64>().ok())
        .filter(|(h, m)| *h <= 18 && *m < 60 && &offset[3..4] == ":")
        .map(|(h, m)| sign * (h * 60 + m))
        .ok_or_else(|| format!("'{text}': the offset must be +HH:MM or -HH:MM"))?;
    let utc = Zone::named("UTC").map_err(|e| e.to_string())?;
    let as_utc = ClinicalTime::parse_in(clock, utc).map_err(|e| e.to_string())?;
    Ok(as_utc.plus_minutes(-minutes).in_zone(zone))
}

/// Reads a lab file. HL7 times without an offset are wall-clock times of `zone` (the case's).
///
/// # Errors
/// Not readable as the format, or results of more than one patient.
pub fn read_lab_file(text: &str, format: LabFormat, name: &str, zone: Zone) -> Result<LabFile, LabFileError> {
    let unreadable = |why: String| LabFileError::Unreadable {
        file: name.to_owned(),
        why,
    };
    let (patients, results) = match format {
        LabFormat::Hl7 => hl7::read(text, name, zone).map_err(|e| unreadable(e.to_string()))?,
        LabFormat::Fhir => fhir::read(text, name, zone).map_err(unreadable)?,
    };
    // A message without a patient among messages with one: whose results are they? The file is refused.
    if format == LabFormat::Hl7 && !patients.is_empty() && results.iter().any(|r| r.patient.is_none()) {
        return Err(unreadable(
            "a message has no patient identifier (PID-3) while others have one: whose results they are cannot be told"
                .to_owned(),
        ));
    }
    // One number from two issuers is two patients too.
    if patients.len() > 1 {
        return Err(LabFileError::SeveralPatients {
            file: name.to_owned(),
            patients: patients.iter().map(ToString::to_string).collect(),
        });
    }
    Ok(LabFile {
        name: name.to_owned(),
        patient: patients.into_iter().next(),
        results,
    })
}

/// The file's patient against the case's MRN (when both exist).
///
/// # Errors
/// Another patient: nothing is imported.
pub fn check_patient(case: &Case, file: &LabFile) -> Result<(), LabFileError> {
    match (&case.identity.mrn, &file.patient) {
        (Some(mrn), Some(p)) if !p.is_mrn || (mrn.trim() != p.id && !p.also.iter().any(|a| a == mrn.trim())) => {
            Err(LabFileError::WrongPatient {
                file: file.name.clone(),
                found: p.to_string(),
                case: mrn.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// The event of one result through the map, or why it is refused.
fn event_of(map: &LabCodeMap, r: &LabResult, now: ClinicalTime) -> Result<Event, String> {
    // The first coding the map knows decides; a refused code is refused with its reason.
    let mut found = None;
    for (system, code, _) in &r.codings {
        let system = if r.hl7_systems {
            match map.system_of_hl7(system) {
                Some(s) => s,
                None => continue,
            }
        } else {
            system.as_str()
        };
        match map.lookup(system, code) {
            Lookup::Mapped(c) => {
                found = Some(Ok(c));
                break;
            }
            Lookup::Refused(refused) => {
                found.get_or_insert(Err(format!("code {}: {}", refused.code, refused.reason)));
            }
            Lookup::Unknown => {}
        }
    }
    let code = match found {
        Some(Ok(c)) => c,
        Some(Err(why)) => return Err(why),
        None => {
            let codes: Vec<String> = r.codings.iter().map(|(s, c, _)| format!("{c} ({s})")).collect();
            return Err(format!(
                "unknown code {}: not in the code map (listed, never guessed)",
                if codes.is_empty() {
                    "(none)".to_owned()
                } else {
                    codes.join(", ")
                }
            ));
        }
    };
    let value = r.value.as_ref().map_err(Clone::clone)?;
    let kind = code.event_kind(value, &r.unit)?;
    let time = r.time.clone()?;
    if time.is_in_future(now) {
        return Err(format!("{time} is in the future (now {now})"));
    }
    let mut event = Event::new(time, kind);
    event.source = Some(r.source.clone());
    Ok(event)
}

/// The identity an imported event was recorded with (its `source` up to " (").
fn identity_of(event: &Event) -> Option<&str> {
    event.source.as_deref().map(|s| s.split(" (").next().unwrap_or(s))
}

/// The preview of a lab file against a case: every result with what it would be. Hard limits are the
/// case's protocol's (`limits`: `Err` names why an event is outside them).
#[must_use]
pub fn lab_preview(
    case: &Case,
    file: &LabFile,
    map: &LabCodeMap,
    now: ClinicalTime,
    limits: &dyn Fn(&Event) -> Result<(), String>,
) -> ImportPreview {
    let mut rows: Vec<PreviewRow> = Vec::new();
    let mut classified: Vec<(usize, Event)> = Vec::new();
    for r in &file.results {
        let row = |verdict: Verdict, event: Option<Event>| PreviewRow {
            time: r.time.clone().ok(),
            label: r.label.clone(),
            event,
            verdict,
        };
        match &r.status {
            ResultStatus::NotFinal(what) => rows.push(row(Verdict::Refused(format!("not final ({what})")), None)),
            ResultStatus::Pending => rows.push(row(Verdict::Skipped("pending: no result yet".to_owned()), None)),
            ResultStatus::Cancelled => {
                let earlier = case.events.iter().find(|e| identity_of(e) == Some(&r.identity));
                let in_file = classified.iter().position(|(_, e)| identity_of(e) == Some(&r.identity));
                match (earlier, in_file) {
                    (_, Some(i)) => {
                        let (row_index, _) = classified.remove(i);
                        rows[row_index].verdict =
                            Verdict::Skipped("cancelled by the laboratory later in the file".to_owned());
                        rows.push(row(Verdict::Skipped("cancelled by the laboratory".to_owned()), None));
                    }
                    (Some(e), None) => rows.push(row(
                        Verdict::Cancels {
                            target: e.id,
                            was: e.kind.describe(),
                        },
                        None,
                    )),
                    (None, None) => rows.push(row(
                        Verdict::Skipped("cancelled by the laboratory: no earlier result to remove".to_owned()),
                        None,
                    )),
                }
            }
            ResultStatus::Final | ResultStatus::Corrected => {
                match event_of(map, r, now).and_then(|e| limits(&e).map(|()| e)) {
                    Err(why) => rows.push(row(Verdict::Refused(why), None)),
                    // A final version after a corrected one in the same file (listed out of order): the
                    // correction stands.
                    Ok(_)
                        if r.status == ResultStatus::Final
                            && classified.iter().any(|(_, e)| identity_of(e) == Some(&r.identity)) =>
                    {
                        rows.push(row(
                            Verdict::Skipped("another version of this result is in the file".to_owned()),
                            None,
                        ));
                    }
                    Ok(event) if r.status == ResultStatus::Corrected => {
                        let earlier = case.events.iter().find(|e| identity_of(e) == Some(&r.identity));
                        let in_file = classified.iter().position(|(_, e)| identity_of(e) == Some(&r.identity));
                        let verdict = match (earlier, in_file) {
                            (_, Some(i)) => {
                                let (row_index, before) = classified.remove(i);
                                rows[row_index].verdict = Verdict::Skipped("corrected later in the file".to_owned());
                                Verdict::Amended {
                                    replaces: None,
                                    was: before.kind.describe(),
                                }
                            }
                            (Some(e), None) => Verdict::Amended {
                                replaces: Some(e.id),
                                was: e.kind.describe(),
                            },
                            (None, None) => Verdict::Amended {
                                replaces: None,
                                was: "no earlier result in the case".to_owned(),
                            },
                        };
                        // The correction says so on the event itself, with what it replaced.
                        let mut event = event;
                        if let Verdict::Amended { was, .. } = &verdict {
                            event.note = Some(format!("corrected by the laboratory (was {was})"));
                        }
                        classified.push((rows.len(), event.clone()));
                        rows.push(row(verdict, Some(event)));
                    }
                    Ok(event) => {
                        classified.push((rows.len(), event.clone()));
                        rows.push(row(Verdict::New, Some(event)));
                    }
                }
            }
        }
    }
    // New rows against the case, in the file's order: duplicates, conflicts with a typed result, before
    // the case start.
    let new: Vec<(usize, Event)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.verdict == Verdict::New)
        .filter_map(|(i, r)| r.event.clone().map(|e| (i, e)))
        .collect();
    let events: Vec<Event> = new.iter().map(|(_, e)| e.clone()).collect();
    for ((i, _), verdict) in new.iter().zip(verdicts_in_order(case, &events)) {
        rows[*i].verdict = verdict;
    }
    ImportPreview {
        source: file.name.clone(),
        rows,
    }
}

/// [`lab_preview`] with the hard limits of the case's protocol of the setting in effect at each result
/// (as the CSV import and the case loader check them).
#[must_use]
pub fn preview_for_case(case: &Case, file: &LabFile, map: &LabCodeMap, now: ClinicalTime) -> ImportPreview {
    let protocols = crate::protocol::case_protocols::CaseProtocols::resolve(case, |name| {
        crate::protocol::paths::resolve_protocol(name, None)
    });
    let settings = crate::io::case_file::setting_changes(case);
    let limits = |e: &Event| -> Result<(), String> {
        let Ok(protocols) = &protocols else {
            return Err("the case's protocol cannot be read: nothing is checked, nothing added".to_owned());
        };
        let setting = settings[..settings.partition_point(|(at, _)| *at <= e.time)]
            .last()
            .map_or(case.patient.setting, |(_, s)| *s);
        let protocol = protocols
            .of(setting)
            .map_or(&protocols.first().protocol, |c| &c.protocol);
        crate::protocol::plausibility::check_event(&protocol.plausibility, e.kind, case.patient.weight.kg)
            .map(|_| ())
            .map_err(|e| format!("outside limits: {e}"))
    };
    lab_preview(case, file, map, now, &limits)
}

/// Applies a previewed lab import (issue 32): the new results added, the corrected ones replacing the
/// earlier events from the same source, the cancelled ones deleted "cancelled by the laboratory" — with
/// one audit entry for the whole import, naming each correction and cancellation. Returns that entry's
/// detail.
///
/// # Errors
/// An event the case refuses (a duplicate time of one series): nothing is changed.
pub fn apply_import(case: &mut Case, preview: &ImportPreview, stamp: &Stamp) -> Result<String, String> {
    let mut next = case.clone();
    let new: Vec<Event> = preview
        .new_events()
        .into_iter()
        .map(|e| Event {
            entered: Some(stamp.clone()),
            ..e
        })
        .collect();
    let added = new.len();
    next.merge_events(new)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    let mut detail = vec![format!("{added} new")];
    // Corrections within the file, or with nothing to replace: named in the trail too.
    for r in &preview.rows {
        if let (Verdict::Amended { replaces: None, was }, Some(e)) = (&r.verdict, &r.event) {
            detail.push(format!(
                "corrected by the laboratory: {} (was {was})",
                e.kind.describe()
            ));
        }
    }
    for (id, event, was) in preview.replacements() {
        let now = event.kind.describe();
        let entered = next.find_event(id).and_then(|(_, e)| e.entered.clone());
        next.replace_event(id, Event { entered, ..event })
            .map_err(|e| e.to_string())?;
        detail.push(format!("corrected by the laboratory: {was} → {now}"));
    }
    for (id, was) in preview.cancellations() {
        if let Some(event) = next.remove_event(id) {
            next.deleted.push(crate::model::DeletedEvent {
                event,
                deleted: stamp.clone(),
                reason: CANCELLED_BY_THE_LABORATORY.to_owned(),
            });
            detail.push(format!("{CANCELLED_BY_THE_LABORATORY}: {was}"));
        }
    }
    let detail = detail.join("; ");
    next.record(
        stamp,
        crate::model::AuditAction::Imported,
        format!("laboratory results from {}", preview.source),
        detail.clone(),
        None,
    );
    *case = next;
    Ok(detail)
}

/// The reason a cancelled result's event is deleted with.
pub const CANCELLED_BY_THE_LABORATORY: &str = "cancelled by the laboratory";
