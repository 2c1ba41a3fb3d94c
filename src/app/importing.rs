//! Importing events (issues 13, 20, 29): a CSV file or pasted rows are read with the import's rules (every
//! refused line named, nothing added), then previewed — new, duplicate, conflicting, refused — and only
//! the new rows are added, when the user says so (`io::import_preview`, which the lab import reuses).

use std::path::Path;

use crate::io::import_preview::ImportPreview;
use crate::io::parse_events_csv_in_settings;
use crate::model::{AuditAction, Stamp};
use crate::protocol::Protocol;
use crate::protocol::catalogue::shipped_protocol_for;

use super::shell::{OpenCase, PlannerApp};
use super::status::Status;
use super::views::dialogs::ImportReport;

impl PlannerApp {
    /// Reads a CSV file of events and previews it.
    pub(super) fn import_csv(&mut self, path: &Path) {
        let file = path.display().to_string();
        match crate::io::bounded::read_regular_file(path, crate::io::bounded::EVENTS_MAX_BYTES, "events file") {
            Ok(bytes) => self.import_csv_bytes(&bytes, file),
            Err(e) => self.status = Some(Status::failed(format!("Not imported: cannot read {file}: {e}"))),
        }
    }

    /// Reads CSV events for the open case: a file that fails goes to the import report (every line's
    /// problem, nothing added); one that reads is previewed.
    pub(super) fn import_csv_bytes(&mut self, bytes: &[u8], file: String) {
        let Some(OpenCase { doc, .. }) = &mut self.open else {
            return;
        };
        // Each row is checked by the protocol of the setting in effect at its time (the case's setting rows
        // and the file's); a setting the case has not been in by its catalogue default.
        let case = doc.case();
        let known = crate::io::case_file::setting_changes(case);
        let shipped: Vec<Protocol> = crate::model::Setting::ALL
            .into_iter()
            .filter_map(|s| Protocol::builtin(shipped_protocol_for(s, case.patient.age_group)).ok())
            .collect();
        let limits_of = |s: crate::model::Setting| match doc.protocols().of(s) {
            Some(choice) => &choice.protocol.plausibility,
            None => shipped
                .iter()
                .find(|p| p.settings.contains(&s))
                .map_or(&doc.protocol().plausibility, |p| &p.plausibility),
        };
        let parsed = parse_events_csv_in_settings(
            bytes,
            Some(case.patient.setting),
            &known,
            &limits_of,
            case.patient.weight.kg,
            case.time_zone,
            Some(self.clock.now()),
        );
        let import = match parsed {
            Ok((i, _)) => i,
            Err(errors) => {
                self.dialogs.import_report = Some(ImportReport {
                    file,
                    lines: errors.iter().map(ToString::to_string).collect(),
                });
                return;
            }
        };
        // Nothing is added yet: the preview says what each row is to the case (issue 29).
        let preview = ImportPreview::of(doc.case(), file, import.events);
        self.dialogs.import_preview = Some(preview);
    }

    /// Reads a laboratory file (issue 32) — HL7 v2 or FHIR R4 JSON, told apart by its first character —
    /// through this workstation's code map, checks its patient against the case's MRN, and previews it.
    pub(super) fn import_labs(&mut self, path: &Path) {
        let file = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let Some(OpenCase { doc, .. }) = &mut self.open else {
            return;
        };
        let read = crate::io::bounded::read_regular_file(path, crate::io::bounded::EVENTS_MAX_BYTES, "lab file")
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_owned()));
        let text = match read {
            Ok(t) => t,
            Err(e) => {
                self.status = Some(Status::failed(format!("Not imported: cannot read {file}: {e}")));
                return;
            }
        };
        let format = crate::io::labs::LabFormat::of_text(&text);
        let settings = super::preferences::settings_dir();
        let map = match crate::io::labs::codes::LabCodeMap::for_workstation(settings.as_deref()) {
            Ok(m) => m,
            Err(e) => {
                self.status = Some(Status::failed(format!(
                    "Not imported: the lab code map is refused: {e}"
                )));
                return;
            }
        };
        let case = doc.case();
        let checked = crate::io::labs::read_lab_file(&text, format, &file, case.time_zone)
            .and_then(|f| crate::io::labs::check_patient(case, &f).map(|()| f));
        match checked {
            Ok(lab) => {
                let preview = crate::io::labs::preview_for_case(case, &lab, &map, self.clock.now());
                self.dialogs.import_preview = Some(preview);
                self.dialogs.lab_import = true;
            }
            Err(e) => self.status = Some(Status::failed(format!("Not imported: {e}"))),
        }
    }

    /// The answer to the preview: add its new rows (audited as imported), or nothing.
    pub(super) fn confirm_import(&mut self, add: bool) {
        let Some(preview) = self.dialogs.import_preview.take() else {
            return;
        };
        if !add {
            self.status = Some(Status::warning(format!("nothing imported from {}", preview.source)));
            return;
        }
        let Some(OpenCase { doc, .. }) = &mut self.open else {
            return;
        };
        let counts = preview.counts();
        let stamp = Stamp::new(
            self.clock.now().in_zone(doc.case().time_zone),
            self.prefs.author.clone(),
        );
        let file = preview.source.clone();
        if std::mem::take(&mut self.dialogs.lab_import) {
            // One audited import: new results, corrections, cancellations (issue 32).
            let applied = doc.edit(|case| crate::io::labs::apply_import(case, &preview, &stamp));
            // Only results are imported: a case with no infusion charted says so (the review: a labs-only
            // case advised a heparin start and bolus beside an anti-Xa of 0.55).
            let no_infusion = doc.case().events.iter().all(|e| e.kind.infusion_drug().is_none());
            self.status = Some(match applied {
                Ok(detail) if no_infusion => Status::warning(format!(
                    "Imported laboratory results from {file}: {detail} (Ctrl+Z undoes). No dose or infusion is \
                     imported: chart the running anticoagulant before relying on the advice"
                )),
                Ok(detail) => Status::ok(format!(
                    "Imported laboratory results from {file}: {detail} (Ctrl+Z undoes)"
                )),
                Err(e) => Status::failed(format!("Not imported: {e}")),
            });
            return;
        }
        match doc.edit(|case| case.add_audited(preview.new_events(), &stamp, AuditAction::Imported)) {
            Ok(added) => {
                let skipped = counts.duplicate + counts.conflicting + counts.refused;
                let skipped = if skipped == 0 {
                    String::new()
                } else {
                    format!("; {skipped} row(s) not added (duplicate, conflicting or refused)")
                };
                self.status = Some(Status::ok(format!(
                    "Imported {added} event(s) from {file}{skipped} (Ctrl+Z undoes)"
                )));
            }
            Err(problems) => {
                self.dialogs.import_report = Some(ImportReport {
                    file,
                    lines: problems.iter().map(ToString::to_string).collect(),
                });
            }
        }
    }
}
