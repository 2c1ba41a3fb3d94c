//! The command interpreter: every [`Command`] a frame collected is applied here, once, after drawing.
//! The file workflow lives here too — open, save, CSV import, the recovery file and autosave — and every
//! error it meets is shown in the status line, none dropped.

use std::path::Path;
use std::time::Instant;

use eframe::egui;

use crate::io::recovery::{clear_recovery, read_recovery, write_recovery};
use crate::io::{load_case, parse_case, to_ron_string};
use crate::model::{AuditAction, Event, PatientChange, Stamp};
use crate::protocol::Protocol;
use crate::protocol::catalogue::shipped_protocol_for;

use super::command::{Command, PathPurpose, Replace};
use super::demo_cases::DEMO_CASES;
use super::document::{Document, fingerprint};
use super::preferences::CentralView;
use super::shell::{AUTOSAVE_EVERY, OpenCase, PlannerApp};
use super::status::Status;
use super::views::dialogs::NewCaseDialog;
use super::views::patient::PatientForm;

/// The file name alone, for the case bar.
pub(super) fn display_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

impl PlannerApp {
    /// Applies one command.
    pub(super) fn apply(&mut self, command: Command, ctx: Option<&egui::Context>) {
        if self.held_for_the_author(&command) {
            return;
        }
        match command {
            Command::AnswerAuthor(name) => self.answer_author(name, ctx),
            Command::OpenBoard(_) | Command::CloseBoard | Command::WriteUnitHandover(_) => {
                self.apply_board(command, ctx);
            }
            // A fact from now on: a row of the timeline at the clock's time, on the case's clock.
            Command::RecordFact(kind) => {
                if let Some(open) = &self.open {
                    let at = self.clock.now().in_zone(open.doc.case().time_zone);
                    self.apply_edit(Command::AddEvent(Event::new(at, kind)));
                }
            }
            Command::Replace(_)
            | Command::ConfirmDiscard(_)
            | Command::SaveThenContinue
            | Command::ShowNewDialog
            | Command::ShowPathDialog(_)
            | Command::ClosePathDialog
            | Command::Save
            | Command::SaveAs(_)
            | Command::ImportCsv(_)
            | Command::ImportLabs(_)
            | Command::PasteEvents(_)
            | Command::DismissImportReport
            | Command::ConfirmImport(_)
            | Command::ResolveDiskConflict(_)
            | Command::ResolveProtocolChange(_)
            | Command::ConfirmReplace(_)
            | Command::WriteHandover(_)
            | Command::DiscardRecovery => self.apply_file(command),
            Command::SetCursor(_)
            | Command::StepCursor(_)
            | Command::CopyPlan(_)
            | Command::SetZoom(_)
            | Command::SetTheme(_)
            | Command::SetAuthor(_)
            | Command::ShowView(_)
            | Command::SetPredictFirst(_)
            | Command::Predict(_)
            | Command::GuessAntiXa(_)
            | Command::PrefillHeparinRate(_)
            | Command::EditBaseline => self.apply_view(command, ctx),
            Command::SetPatient(_)
            | Command::SetProtocol(_)
            | Command::SetTitle(_)
            | Command::SetIdentity(_)
            | Command::SetDeletionReason(..)
            | Command::SetNotes(_)
            | Command::AddEvent(_)
            | Command::AddDraw(_)
            | Command::ReplaceEvent(..)
            | Command::DeleteEvent(_)
            | Command::Undo
            | Command::Redo => self.apply_edit(command),
        }
    }

    /// Opening, saving, importing and the dialogs that lead to them.
    fn apply_file(&mut self, command: Command) {
        match command {
            Command::Replace(what) => {
                if self.document().is_some_and(Document::is_dirty) {
                    self.dialogs.pending = Some(what);
                } else {
                    self.replace(what);
                }
            }
            Command::ConfirmDiscard(go_ahead) => {
                if let Some(what) = self.dialogs.pending.take()
                    && go_ahead
                {
                    self.replace(what);
                }
            }
            Command::ShowNewDialog => self.dialogs.new_case = Some(NewCaseDialog::new(self.clock.now())),
            Command::ShowPathDialog(PathPurpose::Handover) if self.open.is_some() => self.show_handover_dialog(),
            Command::ShowPathDialog(purpose) => self.dialogs.open_path_dialog(purpose),
            Command::SaveThenContinue => {
                let Some(what) = self.dialogs.pending.take() else {
                    return;
                };
                match self.document().and_then(|d| d.path().map(Path::to_path_buf)) {
                    Some(path) => {
                        self.save_to(path, false);
                        if self.document().is_some_and(|d| !d.is_dirty()) {
                            self.replace(what);
                        }
                    }
                    None => {
                        self.dialogs.after_save = Some(what);
                        self.dialogs.open_path_dialog(PathPurpose::SaveAs);
                    }
                }
            }
            Command::ClosePathDialog => {
                self.dialogs.remember_path();
                self.dialogs.path = None;
                self.dialogs.new_case = None;
                self.dialogs.after_save = None;
            }
            Command::Save => match self.document().and_then(|d| d.path().map(Path::to_path_buf)) {
                Some(path) => self.save_to(path, false),
                None => {
                    if let Some(problem) = self.patient_form_error() {
                        self.status = Some(Status::failed(format!(
                            "Save refused: fix the marked patient field first ({problem})"
                        )));
                    } else {
                        self.dialogs.open_path_dialog(PathPurpose::SaveAs);
                    }
                }
            },
            Command::SaveAs(path) => {
                self.dialogs.remember_path();
                self.dialogs.path = None;
                let elsewhere = self.document().is_none_or(|d| d.path() != Some(path.as_path()));
                if elsewhere && std::fs::symlink_metadata(&path).is_ok() {
                    // Another file is there: ask first (issue 27).
                    self.dialogs.replace_existing = Some(path);
                    return;
                }
                self.save_as_then_continue(path);
            }
            Command::ConfirmReplace(replace) => {
                let Some(path) = self.dialogs.replace_existing.take() else {
                    return;
                };
                if replace {
                    self.save_as_then_continue(path);
                } else {
                    self.dialogs.after_save = None;
                    self.status = Some(Status::warning(format!("not saved: {} was kept", path.display())));
                }
            }
            Command::ImportCsv(path) => {
                self.dialogs.remember_path();
                self.dialogs.path = None;
                self.import_csv(&path);
            }
            Command::ImportLabs(path) => {
                self.dialogs.remember_path();
                self.dialogs.path = None;
                self.import_labs(&path);
            }
            Command::PasteEvents(text) => {
                // Rows copied from a spreadsheet often come without the header line.
                let text = if text.trim_start().starts_with("time,") {
                    text
                } else {
                    format!("time,kind,value,unit,note,reason\n{text}")
                };
                self.import_csv_bytes(text.as_bytes(), "the pasted rows".to_owned());
            }
            Command::DismissImportReport => self.dialogs.import_report = None,
            Command::ConfirmImport(add) => self.confirm_import(add),
            Command::WriteHandover(path) => {
                self.dialogs.remember_path();
                self.dialogs.path = None;
                self.write_handover(&path);
            }
            Command::ResolveDiskConflict(choice) => self.resolve_disk_conflict(choice),
            Command::ResolveProtocolChange(use_it) => self.resolve_protocol_change(use_it),
            Command::DiscardRecovery => {
                self.dialogs.recovery_offer = None;
                // The offered file alone: never this window's own, never a live window's (issue 27).
                if let (Some(dir), Some(file)) = (&self.recovery_dir, self.dialogs.recovery_file.take())
                    && let Err(e) = crate::io::recovery::discard_recovery(dir, &file)
                {
                    self.status = Some(Status::failed(format!("cannot remove the recovery file: {e}")));
                }
            }
            _ => {}
        }
    }

    /// The replay, the views and teaching.
    fn apply_view(&mut self, command: Command, ctx: Option<&egui::Context>) {
        match command {
            Command::SetCursor(i) => {
                if let Some(open) = &mut self.open {
                    open.doc.set_cursor(i);
                    open.views.anti_xa_draft.clear();
                }
                self.prediction = None;
                self.anti_xa_guess = None;
            }
            Command::StepCursor(delta) => {
                if let Some(open) = &mut self.open {
                    open.doc.step_cursor(delta);
                    open.views.anti_xa_draft.clear();
                }
                self.prediction = None;
                self.anti_xa_guess = None;
            }
            Command::ShowView(view) => self.prefs.view = view,
            Command::SetTheme(choice) => self.prefs.theme = choice,
            Command::SetAuthor(name) => match crate::model::plain_text::check_plain("author", &name) {
                Ok(()) => self.prefs.author = name,
                Err(e) => self.status = Some(Status::failed(format!("Not changed: {e}"))),
            },
            Command::SetZoom(zoom) => {
                self.prefs.zoom = zoom;
                if let Some(ctx) = ctx {
                    ctx.set_zoom_factor(zoom);
                }
            }
            Command::SetPredictFirst(on) => {
                self.prefs.predict_first = on;
                self.prediction = None;
                self.anti_xa_guess = None;
            }
            Command::Predict(action) => self.prediction = Some(action),
            Command::GuessAntiXa(value) => self.anti_xa_guess = Some(value),
            Command::PrefillHeparinRate(rate) => {
                if let Some(open) = &mut self.open {
                    open.views.entry.prefill("ufh_infusion", rate, "units/kg/h");
                    self.prefs.view = CentralView::Timeline;
                    self.status = Some(Status::ok(
                        "the rate is in the entry form: check the time and press Add to record it".to_owned(),
                    ));
                }
            }
            Command::EditBaseline => {
                if let Some(open) = &mut self.open {
                    open.views.patient.focus_baseline();
                    self.prefs.view = CentralView::Patient;
                }
            }
            Command::CopyPlan(text) => {
                if let Some(ctx) = ctx {
                    ctx.copy_text(text);
                    self.status = Some(Status::ok("plan copied to the clipboard".to_owned()));
                }
            }
            _ => {}
        }
    }

    /// Changes to the case: the patient, the protocol, the text, the events.
    fn apply_edit(&mut self, command: Command) {
        // Who and when, for the audit trail: the author in the preferences and the app's clock.
        let Some(OpenCase { doc, views }) = &mut self.open else {
            return;
        };
        if let Some(why) = doc.read_only() {
            self.status = Some(Status::failed(format!(
                "Not changed: the case is open read-only ({why})"
            )));
            return;
        }
        // On the case's clock, as every time of the case is written.
        let stamp = Stamp::new(
            self.clock.now().in_zone(doc.case().time_zone),
            self.prefs.author.clone(),
        );
        match command {
            Command::SetIdentity(identity) => {
                if let Err(e) = identity.check() {
                    self.status = Some(Status::failed(format!("Not changed: {e}")));
                    return;
                }
                let _ = doc.edit(|case| {
                    case.set_identity_audited(identity, &stamp);
                    Ok::<_, ()>(())
                });
            }
            Command::SetDeletionReason(index, reason) => {
                let _ = doc.edit(|case| case.set_deletion_reason(index, reason, &stamp).then_some(()).ok_or(()));
            }
            Command::SetPatient(patient) => {
                let change =
                    doc.edit(|case| Ok::<_, ()>(case.set_patient_audited(*patient, &stamp, shipped_protocol_for)));
                // The form's choices follow the case (the 4Ts scorer also edits the patient).
                views.patient.follow(&doc.case().patient);
                if let Ok(PatientChange::Protocol(name)) = change {
                    match Protocol::resolve(&name) {
                        Ok(p) => {
                            doc.follow_with_protocol(name.clone(), p);
                            self.status =
                                Some(Status::warning(format!("setting changed: protocol {name} now applies")));
                        }
                        Err(e) => self.status = Some(Status::failed(format!("protocol {name}: {e}"))),
                    }
                }
            }
            Command::SetProtocol(name) => match Protocol::resolve(&name) {
                Ok(p) if p.settings.contains(&doc.setting()) => doc.set_protocol(name, p, &stamp),
                Ok(p) => {
                    self.status = Some(Status::failed(format!(
                        "protocol {name} is not for the {} setting (it covers: {})",
                        doc.setting().label(),
                        p.settings.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
                    )));
                }
                Err(e) => self.status = Some(Status::failed(format!("protocol {name}: {e}"))),
            },
            Command::Undo | Command::Redo => {
                let undo = matches!(command, Command::Undo);
                let done = if undo { doc.undo(&stamp) } else { doc.redo(&stamp) };
                if let Some(what) = done {
                    // The forms show the restored case, not what was typed before.
                    views.patient = PatientForm::new(doc.case());
                    views.entry.added();
                    // The status says what (issue 29: "✔ undone" did not).
                    let again = if undo { "Ctrl+Shift+Z redoes" } else { "Ctrl+Z undoes" };
                    let what = crate::present::people::people_times(&what, doc.as_of());
                    self.status = Some(Status::ok(format!("{what} ({again})")));
                }
            }
            Command::SetTitle(title) => doc.edit_text(|case| case.title = title),
            Command::SetNotes(notes) => doc.edit_text(|case| case.notes = notes),
            Command::AddEvent(event) => {
                let added = format!("added: {} {} (Ctrl+Z undoes)", event.time, event.kind.describe());
                match doc.edit(|case| case.add_audited(vec![event], &stamp, AuditAction::Added)) {
                    Ok(_) => {
                        views.entry.recorded();
                        self.status = Some(Status::ok(crate::present::people::people_times(&added, doc.as_of())));
                    }
                    Err(problems) => views
                        .entry
                        .refused(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
                }
            }
            Command::AddDraw(draw) => {
                let count = draw.events.len();
                // The draw was checked against the protocol's limits once, when it was parsed: its soft
                // warnings are said here, with the addition (they were dropped before).
                let warnings = draw.warnings;
                match doc.edit(|case| case.add_audited(draw.events, &stamp, AuditAction::Added)) {
                    Ok(_) => {
                        views.draw.added();
                        let added = format!("draw added: {count} result(s) (Ctrl+Z undoes)");
                        self.status = Some(if warnings.is_empty() {
                            Status::ok(added)
                        } else {
                            Status::warning(format!("{added} — check: {}", warnings.join("; ")))
                        });
                    }
                    Err(problems) => views.draw.refused(problems.iter().map(ToString::to_string).collect()),
                }
            }
            Command::ReplaceEvent(id, event) => match doc.edit(|case| case.replace_audited(id, event, &stamp)) {
                Ok(()) => {
                    views.entry.recorded();
                    self.status = Some(Status::ok("event updated (Ctrl+Z undoes)".to_owned()));
                }
                Err(e) => views.entry.refused(e.to_string()),
            },
            Command::DeleteEvent(id) => {
                if let Ok(removed) = doc.edit(|case| case.delete_audited(id, &stamp).ok_or(())) {
                    self.status = Some(Status::ok(format!(
                        "deleted: {} {} — kept in History as 'entered in error' (Ctrl+Z undoes)",
                        removed.time.for_people(doc.as_of()),
                        removed.kind.describe()
                    )));
                }
            }
            _ => {}
        }
    }

    /// Opens a case in place of the current one (the caller has already asked about unsaved edits).
    pub(super) fn replace(&mut self, what: Replace) {
        let opened = match what {
            Replace::OpenDemo(i) => {
                let Some((_, name, text)) = DEMO_CASES.get(i) else {
                    return;
                };
                parse_case(text, name, None, self.clock.zone())
                    .map(|l| Document::new(l, None, "bundled demo".to_owned()))
            }
            Replace::OpenPath(path) => load_case(&path, self.clock.zone()).map(|l| {
                self.prefs.remember_recent(&path);
                let changes: Vec<String> = l.protocol_changes.iter().map(|c| c.sentence()).collect();
                let mut doc = Document::new(l, Some(path.clone()), display_name(&path));
                if !changes.is_empty() {
                    // Read-only until the user answers (closing the question keeps it so).
                    doc.set_read_only(Some("its protocol changed since it was saved".to_owned()));
                    doc.set_protocol_changes(changes.clone());
                    self.dialogs.protocol_change = Some(changes);
                }
                doc.set_on_disk(std::fs::read(&path).ok().map(|b| fingerprint(&b)));
                doc
            }),
            Replace::NewCase(case) => parse_case(&to_ron_string(&case), "new case", None, case.time_zone).map(|l| {
                let mut doc = Document::new(l, None, "new case".to_owned());
                doc.mark_unsaved(None);
                doc
            }),
            Replace::Recover => {
                let Some(dir) = &self.recovery_dir else { return };
                match read_recovery(dir, self.clock.zone()) {
                    Ok(Some(r)) => {
                        self.dialogs.recovery_offer = None;
                        self.dialogs.recovery_file = None;
                        // This window's own from now on: never offered to another, cleared by our save.
                        if let Err(e) = crate::io::recovery::adopt_recovery(dir, &r) {
                            self.status = Some(Status::failed(format!("cannot take the recovery file: {e}")));
                            return;
                        }
                        let origin = r.original_path.as_deref().map_or("recovered".to_owned(), display_name);
                        let fingerprint = r.header.fingerprint;
                        let mut doc = Document::new(r.loaded, r.original_path.clone(), "recovered".to_owned());
                        doc.mark_unsaved(Some(origin));
                        // The file as it was when the edits began: a save after another workstation's asks
                        // first (issue 27: it overwrote their edit in silence).
                        doc.set_on_disk(fingerprint);
                        Ok(doc)
                    }
                    Ok(None) => return,
                    Err(e) => Err(e),
                }
            }
            Replace::Close => {
                // Back to the start screen: the unsaved edits (if any) were discarded by the user.
                self.release_lock();
                if self.dialogs.recovery_offer.is_none() {
                    self.clear_recovery_file();
                }
                self.open = None;
                self.prediction = None;
                self.anti_xa_guess = None;
                self.status = Some(Status::ok("case closed".to_owned()));
                return;
            }
            Replace::Quit => {
                // The user chose to discard the edits: their recovery copy goes too, and the case's lock.
                self.clear_recovery_file();
                self.release_lock();
                self.closing = true;
                return;
            }
        };
        match opened {
            Ok(mut doc) => {
                self.release_lock();
                self.take_lock(&mut doc);
                doc.set_approved(self.approved.clone());
                let stamp = Stamp::new(
                    self.clock.now().in_zone(doc.case().time_zone),
                    self.prefs.author.clone(),
                );
                doc.record_broken_trail(&stamp);
                // The previous case's recovery file is obsolete once the user chose to replace it.
                if self.dialogs.recovery_offer.is_none() {
                    self.clear_recovery_file();
                }
                self.status = doc
                    .migrated_from()
                    .map(|v| Status::warning(crate::io::case_migration::migration_note(v, doc.case().time_zone)));
                self.open = Some(OpenCase::new(doc));
                self.prediction = None;
                self.anti_xa_guess = None;
            }
            // A file that fails to load leaves the open case untouched.
            Err(e) => self.status = Some(Status::failed(format!("Not opened: {e}"))),
        }
    }

    /// The patient form's first refusal, if any: a case with a refused field is not saved.
    pub(super) fn patient_form_error(&self) -> Option<String> {
        self.open.as_ref().and_then(|o| o.views.patient.first_error())
    }

    /// The handover PDF of the case at the replay time (refused while the advice is paused).
    fn write_handover(&mut self, path: &Path) {
        let Some(OpenCase { doc, views }) = &self.open else {
            return;
        };
        let marks = doc.banners();
        let printing = crate::present::handover::Printing {
            at: self.clock.now(),
            by: &self.prefs.author,
            app_version: env!("CARGO_PKG_VERSION"),
            marks: &marks,
        };
        let paused = views.patient.paused_by();
        let sheet = crate::present::handover::handover(
            doc.case(),
            &doc.prepared().timeline,
            doc.protocol(),
            doc.analysis(),
            &doc.patient_line(),
            paused.as_deref(),
            &printing,
        );
        self.status = Some(match sheet.map(|s| crate::present::pdf::write_handover(&s, path)) {
            Ok(Ok(())) => Status::ok(format!("handover as of {} written to {}", doc.as_of(), path.display())),
            Ok(Err(e)) => Status::failed(format!("Handover not written: {e}")),
            Err(refused) => Status::failed(format!("Handover not written: {refused}")),
        });
    }

    /// Takes the lock of a case opened from a file (issue 27): another window's fresh lock opens it read-only,
    /// with who holds it; a stale one is taken over, and that is said.
    pub(super) fn take_lock(&mut self, doc: &mut Document) {
        let Some(path) = doc.path().map(Path::to_path_buf) else {
            return;
        };
        let since = self.clock.now().to_string();
        match crate::io::case_lock::acquire(&path, since) {
            Ok(crate::io::case_lock::LockOutcome::Held) => {}
            Ok(crate::io::case_lock::LockOutcome::TookOverStale(was)) => {
                self.status = Some(Status::warning(format!(
                    "a stale lock ({}) was taken over: that window stopped refreshing it",
                    was.describe()
                )));
            }
            Ok(crate::io::case_lock::LockOutcome::HeldElsewhere(by)) => {
                let why = format!("open on another workstation: {}", by.describe());
                self.status = Some(Status::warning(format!("opened read-only: {why}")));
                doc.set_held_elsewhere(Some(why));
            }
            Err(e) => {
                let why = format!("its lock cannot be written ({e})");
                self.status = Some(Status::warning(format!("opened read-only: {why}")));
                doc.set_held_elsewhere(Some(why));
            }
        }
    }

    /// Releases the open case's lock, if this window holds it (another's is never removed).
    pub(super) fn release_lock(&mut self) {
        if let Some(path) = self.open.as_ref().and_then(|o| o.doc.path()) {
            crate::io::case_lock::release(path);
        }
    }

    /// Refreshes the open case's lock now and then, so other windows see it is still open.
    pub(super) fn refresh_lock(&mut self) {
        let due = self
            .last_lock_refresh
            .is_none_or(|at| at.elapsed() >= crate::io::case_lock::REFRESH_EVERY);
        if let (true, Some(path)) = (due, self.open.as_ref().and_then(|o| o.doc.path())) {
            crate::io::case_lock::refresh(path);
            self.last_lock_refresh = Some(Instant::now());
        }
    }

    /// Removes the recovery file, saying so when it cannot.
    pub(super) fn clear_recovery_file(&mut self) {
        if let Some(dir) = &self.recovery_dir
            && let Err(e) = clear_recovery(dir)
        {
            self.status = Some(Status::failed(format!("cannot remove the recovery file: {e}")));
        }
    }

    /// Writes unsaved edits to the recovery file, at most every few seconds and once per revision.
    pub(super) fn autosave(&mut self) {
        let (Some(dir), Some(OpenCase { doc, .. })) = (&self.recovery_dir, &self.open) else {
            return;
        };
        // The case as it stands is saved even while a patient field holds an invalid draft: the draft
        // is not in the case, and the edits before it must not be lost (issue 27).
        if !doc.is_dirty() {
            return;
        }
        let due = self
            .last_autosave
            .is_none_or(|(at, rev)| rev != doc.revision() && at.elapsed() >= AUTOSAVE_EVERY);
        if due {
            if let Err(e) = write_recovery(dir, doc.case(), doc.path(), doc.on_disk()) {
                self.status = Some(Status::failed(format!("autosave failed: {e}")));
            }
            self.last_autosave = Some((Instant::now(), doc.revision()));
        }
    }
}
