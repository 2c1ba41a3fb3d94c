//! Saving the open case (issues 20, 26, 27): where it may be written, what is asked first (a file changed on
//! disk by another workstation, a file Save as… would replace, a protocol changed since the case was saved),
//! what is kept (their version, beside it) and what is recorded in the audit trail; and the file name the
//! handover proposes.

use std::path::{Path, PathBuf};

use crate::io::save_case;
use crate::model::{AuditAction, Stamp};

use super::command::{DiskChoice, PathPurpose, Replace};
use super::document::fingerprint;
use super::shell::PlannerApp;
use super::status::Status;
use super::workflow::display_name;

impl PlannerApp {
    /// The answer to "the file changed on disk": overwrite (theirs kept beside, audited), Save as…, open
    /// theirs in place of the unsaved edits (issue 29), or cancel.
    pub(super) fn resolve_disk_conflict(&mut self, choice: DiskChoice) {
        let Some(path) = self.dialogs.disk_conflict.take() else {
            return;
        };
        match choice {
            DiskChoice::Overwrite => {
                // Their version is kept beside it, and the overwrite is audited (issue 27).
                match self.keep_their_version(&path) {
                    Ok(()) => self.save_to(path, true),
                    Err(e) => self.status = Some(Status::failed(format!("Not saved: {e}"))),
                }
            }
            DiskChoice::SaveAs => self.dialogs.open_path_dialog(PathPurpose::SaveAs),
            DiskChoice::OpenTheirs => {
                // The user chose their version over the unsaved edits: opened as any file is.
                self.replace(Replace::OpenPath(path));
            }
            DiskChoice::Cancel => self.status = Some(Status::warning("not saved".to_owned())),
        }
    }

    /// The handover's path dialog with a proposed file name (issue 29): the patient's label and the as-of
    /// date, beside the case file.
    pub(super) fn show_handover_dialog(&mut self) {
        let Some(doc) = self.document() else { return };
        let case = doc.case();
        let label = case.identity.line().unwrap_or_else(|| case.title.clone());
        let name = crate::present::handover::proposed_file_name(&label, doc.as_of());
        let folder = doc.path().and_then(Path::parent).map(Path::to_path_buf);
        self.dialogs
            .open_path_dialog_proposing(super::command::PathPurpose::Handover, &name, folder.as_deref());
    }

    /// Saves to `path`, then lets the question that asked for the save go ahead.
    pub(super) fn save_as_then_continue(&mut self, path: PathBuf) {
        self.save_to(path, false);
        if let Some(what) = self.dialogs.after_save.take()
            && self.document().is_some_and(|d| !d.is_dirty())
        {
            self.replace(what);
        }
    }

    /// Before "Overwrite their version": their file is copied beside it as `NAME.their-YYYYMMDD-HHMM.ron`
    /// and the overwrite recorded in the audit trail.
    pub(super) fn keep_their_version(&mut self, path: &Path) -> Result<(), String> {
        let Some(open) = &mut self.open else { return Ok(()) };
        let now = self.clock.now().in_zone(open.doc.case().time_zone);
        let (y, mo, d, h, mi) = now.parts();
        let stem = path
            .file_stem()
            .map_or_else(|| "case".into(), |s| s.to_string_lossy().into_owned());
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut kept = dir.join(format!("{stem}.their-{y:04}{mo:02}{d:02}-{h:02}{mi:02}.ron"));
        for n in 2.. {
            if std::fs::symlink_metadata(&kept).is_err() {
                break;
            }
            kept = dir.join(format!("{stem}.their-{y:04}{mo:02}{d:02}-{h:02}{mi:02}-{n}.ron"));
        }
        std::fs::copy(path, &kept)
            .map_err(|e| format!("their version could not be kept as {}: {e}", kept.display()))?;
        let stamp = Stamp::new(now, self.prefs.author.clone());
        open.doc.edit_text(|case| {
            case.record(
                &stamp,
                AuditAction::Overwrote,
                path.display().to_string(),
                format!("the version another workstation saved is kept as {}", kept.display()),
                Some("Overwrite their version".to_owned()),
            );
        });
        Ok(())
    }

    /// The answer to "the protocol changed since this case was saved" (issue 26): use it as it is now, with
    /// an audit entry per setting, or keep the case read-only.
    pub(super) fn resolve_protocol_change(&mut self, use_it: bool) {
        let Some(changes) = self.dialogs.protocol_change.take() else {
            return;
        };
        let Some(open) = &mut self.open else { return };
        if use_it {
            let stamp = Stamp::new(
                self.clock.now().in_zone(open.doc.case().time_zone),
                self.prefs.author.clone(),
            );
            let pending = open.doc.protocols().changes_since(&open.doc.case().protocol_pins);
            open.doc.accept_protocol_changes(&pending, &stamp);
            open.doc.set_read_only(None);
            open.doc.set_protocol_changes(Vec::new());
            self.status = Some(Status::warning(format!(
                "protocol change recorded in the audit trail: {}",
                changes.join("; ")
            )));
        } else {
            open.doc
                .set_read_only(Some("its protocol changed since it was saved".to_owned()));
            self.status = Some(Status::warning(
                "open read-only: its protocol changed since it was saved".to_owned(),
            ));
        }
    }

    /// Saves to `path`. Saving over the file the case came from asks first when another workstation
    /// has changed it since (`overwrite` is the answer "Overwrite").
    pub(super) fn save_to(&mut self, path: PathBuf, overwrite: bool) {
        if let Some(problem) = self.patient_form_error() {
            self.status = Some(Status::failed(format!(
                "Save refused: fix the marked patient field first ({problem})"
            )));
            return;
        }
        let Some(open) = &mut self.open else { return };
        if !overwrite && open.doc.path() == Some(path.as_path()) && open.doc.changed_on_disk() {
            self.status = Some(Status::warning(format!(
                "Not saved yet: {} changed on disk since it was opened",
                path.display()
            )));
            self.dialogs.disk_conflict = Some(path);
            return;
        }
        if let Some(why) = open.doc.read_only() {
            self.status = Some(Status::failed(format!("Not saved: the case is open read-only ({why})")));
            return;
        }
        let written = match crate::io::protocol_paths::for_saving(open.doc.case(), open.doc.protocols(), &path) {
            Ok(written) => written,
            Err(e) => {
                self.status = Some(Status::failed(format!("Not saved: {e}")));
                return;
            }
        };
        let before = open.doc.path().map(Path::to_path_buf);
        match save_case(&path, &written) {
            Ok(()) => {
                // Saved under another name: the lock moves with the case (issue 27).
                if before.as_deref() != Some(path.as_path()) {
                    if let Some(old) = &before {
                        crate::io::case_lock::release(old);
                    }
                    let _ = crate::io::case_lock::acquire(&path, self.clock.now().to_string());
                }
                open.doc.saved_to(path.clone(), display_name(&path), &written);
                open.doc.set_on_disk(std::fs::read(&path).ok().map(|b| fingerprint(&b)));
                self.status = Some(Status::ok(format!("Saved {}", path.display())));
                self.clear_recovery_file();
                self.prefs.remember_recent(&path);
            }
            Err(e) => self.status = Some(Status::failed(format!("Not saved: {e}"))),
        }
    }
}
