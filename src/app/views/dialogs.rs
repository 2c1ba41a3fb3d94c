//! The modal dialogs and their state: the unsaved-changes question, the recovery offer, the file-path
//! dialog (a typed path as well as the native picker, so the app works where no desktop file-chooser
//! service runs), the new-case dialog, the CSV import report and the import preview (issue 29: what each
//! pasted or imported row is to the case, nothing added before Add), and "Who is entering?".

use std::path::PathBuf;

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

use crate::io::entry::{parse_time, parse_weight};
use crate::io::import_preview::{ImportPreview, Verdict};
use crate::model::{Case, ClinicalTime, Patient, Setting, Weight, WeightKind, Zone};
use crate::protocol::Protocol;

use crate::app::command::{Command, DiskChoice, PathPurpose, Replace};
use crate::app::document::Document;
use crate::app::theme;

use super::widgets::entry_field;

/// The dialogs' state: at most one of the first two is asked at a time.
#[derive(Default)]
pub struct Dialogs {
    /// A replacement waiting for the answer to "discard unsaved changes?".
    pub pending: Option<Replace>,
    /// A recovery file found at start-up, offered back to the user: which case, from where.
    pub recovery_offer: Option<String>,
    /// The recovery file offered (another window's, whose window is gone): discarding removes it alone.
    pub recovery_file: Option<PathBuf>,
    pub path: Option<PathDialog>,
    pub new_case: Option<NewCaseDialog>,
    pub import_report: Option<ImportReport>,
    /// The last path typed for each purpose, offered again next time.
    pub last_paths: Vec<(PathPurpose, String)>,
    /// A replacement to carry out once the case is saved ("Save" in the unsaved-changes question on a
    /// case that has no file yet).
    pub after_save: Option<Replace>,
    /// Save was asked over a file another workstation changed since it was opened.
    pub disk_conflict: Option<PathBuf>,
    /// The case just opened names protocols that changed since it was saved (issue 26), in words.
    pub protocol_change: Option<Vec<String>>,
    /// Save as… named a file that exists (issue 27): replace it?
    pub replace_existing: Option<PathBuf>,
    /// "Who is entering?": the author is unknown and an entry is about to be signed (issue 29).
    pub author_prompt: Option<AuthorPrompt>,
    /// Rows read from a CSV or pasted, before anything is added (issue 29).
    pub import_preview: Option<ImportPreview>,
    /// The preview is of a laboratory file (issue 32): applied with its corrections and cancellations.
    pub lab_import: bool,
}

/// The name being typed, and the command held back until it is given.
pub struct AuthorPrompt {
    draft: String,
    pub then: Command,
    focused: bool,
}

impl AuthorPrompt {
    #[must_use]
    pub fn new(then: Command) -> Self {
        Self {
            draft: String::new(),
            then,
            focused: false,
        }
    }
}

impl Dialogs {
    /// The path dialog for `purpose`, with the last path typed for it.
    pub fn open_path_dialog(&mut self, purpose: PathPurpose) {
        let mut dialog = PathDialog::new(purpose);
        if let Some((_, text)) = self.last_paths.iter().find(|(p, _)| *p == purpose) {
            dialog.text.clone_from(text);
        }
        self.path = Some(dialog);
    }

    /// Opens the path dialog with a file name proposed (the handover: the patient's label and the date), in
    /// the folder of the last path typed for this purpose, else `folder`.
    pub fn open_path_dialog_proposing(&mut self, purpose: PathPurpose, name: &str, folder: Option<&std::path::Path>) {
        let last_folder = self
            .last_paths
            .iter()
            .find(|(p, _)| *p == purpose)
            .and_then(|(_, text)| std::path::Path::new(text).parent().map(std::path::Path::to_path_buf))
            .filter(|f| !f.as_os_str().is_empty());
        let mut dialog = PathDialog::new(purpose);
        dialog.text = match last_folder.as_deref().or(folder) {
            Some(f) => f.join(name).display().to_string(),
            None => name.to_owned(),
        };
        self.path = Some(dialog);
    }

    /// Remembers the path the dialog holds, for the next time.
    pub fn remember_path(&mut self) {
        if let Some(d) = &self.path {
            let purpose = d.purpose;
            self.last_paths.retain(|(p, _)| *p != purpose);
            self.last_paths.push((purpose, d.text.clone()));
        }
    }
}

/// A CSV import that failed: every line's problem, shown until dismissed. The case is untouched.
pub struct ImportReport {
    pub file: String,
    pub lines: Vec<String>,
}

/// A typed path with a Browse… button for the native dialog.
pub struct PathDialog {
    pub(super) purpose: PathPurpose,
    text: String,
    note: Option<String>,
    /// The path field takes the keyboard when the dialog opens.
    focused: bool,
}

impl PathDialog {
    pub fn new(purpose: PathPurpose) -> Self {
        Self {
            purpose,
            text: String::new(),
            note: None,
            focused: false,
        }
    }

    /// The native dialog (blocking, as native dialogs are).
    fn browse(&mut self) {
        let dialog = match self.purpose {
            PathPurpose::ImportCsv => rfd::FileDialog::new().add_filter("CSV events", &["csv"]),
            PathPurpose::Handover | PathPurpose::UnitHandover => rfd::FileDialog::new().add_filter("PDF", &["pdf"]),
            PathPurpose::UnitFolder => rfd::FileDialog::new(),
            PathPurpose::ImportLabs => rfd::FileDialog::new().add_filter("HL7 v2 or FHIR R4", &["hl7", "txt", "json"]),
            PathPurpose::Open | PathPurpose::SaveAs => {
                rfd::FileDialog::new().add_filter("anticoag-planner case", &["ron"])
            }
        };
        let picked = match self.purpose {
            PathPurpose::SaveAs => dialog.set_file_name("case.ron").save_file(),
            PathPurpose::Handover => dialog.set_file_name("handover.pdf").save_file(),
            PathPurpose::UnitHandover => dialog.set_file_name("unit-handover.pdf").save_file(),
            PathPurpose::UnitFolder => dialog.pick_folder(),
            PathPurpose::Open | PathPurpose::ImportCsv | PathPurpose::ImportLabs => dialog.pick_file(),
        };
        match picked {
            Some(p) => self.text = p.display().to_string(),
            None => {
                self.note = Some(
                    "No file chosen (if no dialog appeared, this desktop has no file-chooser service: type the path)"
                        .to_owned(),
                );
            }
        }
    }
}

/// The New case dialog: the facts without which nothing can be computed.
pub struct NewCaseDialog {
    title: String,
    weight: String,
    setting: Setting,
    start: String,
    /// The IANA zone of the case's clock (default the workstation's, shown and changeable).
    time_zone: String,
    /// "Now", and the start as last filled in from it: while the start is untouched, a change of zone
    /// moves it to now on the new zone's clock (the same instant, not the same wall-clock text).
    now: ClinicalTime,
    filled_start: String,
    error: Option<String>,
    /// The title takes the keyboard when the dialog opens (the review: it opened with no field focused).
    focus_title: bool,
    /// Name or label, MRN, bed, as typed (all optional).
    identity: [String; 3],
}

impl NewCaseDialog {
    /// A new case starting now, on the workstation's clock.
    #[must_use]
    pub fn new(now: ClinicalTime) -> Self {
        Self {
            title: "New case".to_owned(),
            weight: String::new(),
            setting: Setting::Icu,
            focus_title: true,
            identity: Default::default(),
            start: now.to_string(),
            time_zone: now.zone().name().to_owned(),
            now,
            filled_start: now.to_string(),
            error: None,
        }
    }

    /// After the zone was edited: an untouched start follows it.
    fn follow_zone(&mut self) {
        if self.start == self.filled_start
            && let Ok(zone) = Zone::named(&self.time_zone)
        {
            self.start = self.now.in_zone(zone).to_string();
            self.filled_start.clone_from(&self.start);
        }
    }

    fn build(&self) -> Result<Case, String> {
        // A new case is an adult until the patient panel says otherwise.
        let name = crate::protocol::catalogue::shipped_protocol_for(self.setting, crate::model::AgeGroup::Adult);
        let protocol = Protocol::resolve(name).map_err(|e| e.to_string())?;
        let (kg, _) = parse_weight(&self.weight, &protocol.plausibility).map_err(|e| e.to_string())?;
        let zone = Zone::named(&self.time_zone).map_err(|e| format!("time zone: {e}"))?;
        let start = parse_time("case start", &self.start, zone).map_err(|e| e.to_string())?;
        let weight = Weight {
            kg,
            measured_at: start,
            kind: WeightKind::Actual,
        };
        let mut case = Case::new(self.title.trim(), name, start, Patient::new(weight, self.setting));
        // The identifiers the case is created with (issue 29: the dialog had none); later changes are audited.
        let field = |t: &String| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
        let [name, mrn, bed] = &self.identity;
        case.identity = crate::model::PatientIdentity {
            name: field(name),
            mrn: field(mrn),
            bed: field(bed),
        };
        case.identity.check()?;
        Ok(case)
    }
}

/// The modal dialogs: unsaved changes, recovery, file paths, new case, import report.
pub fn dialogs_ui(ctx: &egui::Context, doc: Option<&Document>, dialogs: &mut Dialogs, commands: &mut Vec<Command>) {
    if let Some(pending) = &dialogs.pending {
        unsaved_changes_ui(ctx, doc, pending, commands);
        return;
    }
    if let Some(offer) = &dialogs.recovery_offer {
        recovery_ui(ctx, offer, commands);
        return;
    }
    if let Some(prompt) = &mut dialogs.author_prompt {
        author_prompt_ui(ctx, prompt, commands);
        return;
    }
    if let Some(dialog) = &mut dialogs.path {
        path_dialog_ui(ctx, dialog, commands);
    }
    if let Some(dialog) = &mut dialogs.new_case {
        new_case_ui(ctx, dialog, commands);
    }
    if let Some(report) = &dialogs.import_report {
        import_report_ui(ctx, report, commands);
    }
    if let Some(preview) = &dialogs.import_preview {
        import_preview_ui(ctx, preview, doc.map(Document::as_of), commands);
    }
    if let Some(path) = &dialogs.disk_conflict {
        disk_conflict_ui(ctx, path, commands);
    }
    if let Some(changes) = &dialogs.protocol_change {
        protocol_change_ui(ctx, changes, commands);
    }
    if let Some(path) = &dialogs.replace_existing {
        replace_existing_ui(ctx, path, commands);
    }
}

/// "Who is entering?": asked once per window before the first signed entry while the author is unknown.
fn author_prompt_ui(ctx: &egui::Context, prompt: &mut AuthorPrompt, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("author_prompt")).show(ctx, |ui| {
        ui.heading("Who is entering?");
        ui.label(
            "This workstation does not know your name, and the audit trail signs every entry. Your name is \
             remembered (View → Entries signed as).",
        );
        let l = ui.label("Your name (audit trail)");
        let field = ui
            .add(egui::TextEdit::singleline(&mut prompt.draft).desired_width(240.0))
            .labelled_by(l.id);
        if !prompt.focused {
            field.request_focus();
            prompt.focused = true;
        }
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let typed = !prompt.draft.trim().is_empty();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(typed, egui::Button::new("Sign with this name (Enter)"))
                .clicked()
                || enter && typed
            {
                commands.push(Command::AnswerAuthor(Some(prompt.draft.clone())));
            }
            if ui.button("Go on as \"unknown user\"").clicked() {
                commands.push(Command::AnswerAuthor(None));
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::AnswerAuthor(None));
    }
}

/// "Replace the existing file?": Save as… never replaces a file without asking (issue 27).
fn replace_existing_ui(ctx: &egui::Context, path: &std::path::Path, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("replace_existing")).show(ctx, |ui| {
        ui.heading("Replace the existing file?");
        ui.label(format!(
            "{} already exists. Replacing it loses what it holds.",
            path.display()
        ));
        ui.horizontal(|ui| {
            if ui.button("Replace it").clicked() {
                commands.push(Command::ConfirmReplace(true));
            }
            if ui.button("Cancel (Esc)").clicked() {
                commands.push(Command::ConfirmReplace(false));
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::ConfirmReplace(false));
    }
}

/// "The protocol changed since this case was saved": use it as it is now (recorded in the audit trail),
/// or keep the case open read-only. Closing the question keeps it read-only (the safe side).
fn protocol_change_ui(ctx: &egui::Context, changes: &[String], commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("protocol_change")).show(ctx, |ui| {
        ui.heading("The protocol changed since this case was saved");
        for change in changes {
            ui.label(format!("• {change}"));
        }
        ui.label(
            "Its advice would now follow the protocol as it is. Use it (the change is recorded in the audit \
             trail), or open the case read-only: no edit and no save.",
        );
        ui.horizontal(|ui| {
            if ui.button("Use this protocol (audited)").clicked() {
                commands.push(Command::ResolveProtocolChange(true));
            }
            if ui.button("Open read-only (Esc)").clicked() {
                commands.push(Command::ResolveProtocolChange(false));
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::ResolveProtocolChange(false));
    }
}

/// "Unsaved changes": discard them, or keep editing.
fn unsaved_changes_ui(ctx: &egui::Context, doc: Option<&Document>, pending: &Replace, commands: &mut Vec<Command>) {
    let title = doc.map_or("", |d| d.case().title.as_str());
    let doing = match pending {
        Replace::Quit => "Closing the app",
        Replace::Close => "Closing the case",
        Replace::NewCase(_) => "Starting a new case",
        Replace::OpenDemo(_) | Replace::OpenPath(_) | Replace::Recover => "Opening another case",
    };
    let save_label = if doc.is_some_and(|d| d.path().is_some()) {
        "Save"
    } else {
        "Save as…"
    };
    let modal = egui::Modal::new(egui::Id::unique("unsaved_changes")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!(
            "'{title}' has changes that are not saved. {doing} will discard them."
        ));
        ui.horizontal(|ui| {
            // Enter saves (the safe default).
            if ui.button(format!("{save_label} (Enter)")).clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                commands.push(Command::SaveThenContinue);
            }
            if ui.button("Discard changes").clicked() {
                commands.push(Command::ConfirmDiscard(true));
            }
            if ui.button("Keep editing (Esc)").clicked() {
                commands.push(Command::ConfirmDiscard(false));
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::ConfirmDiscard(false));
    }
}

/// The recovery offer at start-up.
fn recovery_ui(ctx: &egui::Context, offer: &str, commands: &mut Vec<Command>) {
    egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
        ui.heading("Recover unsaved work?");
        ui.label(format!(
            "The app closed with unsaved changes to {offer}. Open the recovered copy?"
        ));
        ui.horizontal(|ui| {
            // Enter recovers: the keyboard path after a crash (issue 27's real-window test uses it).
            if ui.button("Recover (Enter)").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                commands.push(Command::Replace(Replace::Recover));
            }
            if ui.button("Discard the recovered copy").clicked() {
                commands.push(Command::DiscardRecovery);
            }
        });
    });
}

/// A typed path with Browse… for the native dialog.
fn path_dialog_ui(ctx: &egui::Context, dialog: &mut PathDialog, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("path_dialog")).show(ctx, |ui| {
        ui.heading(dialog.purpose.title());
        let mut submit = false;
        ui.horizontal(|ui| {
            let label = ui.label(if dialog.purpose == PathPurpose::UnitFolder {
                "Folder path"
            } else {
                "File path"
            });
            let field = ui
                .add(egui::TextEdit::singleline(&mut dialog.text).desired_width(420.0))
                .labelled_by(label.id);
            if !dialog.focused {
                field.request_focus();
                dialog.focused = true;
            }
            submit = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Browse…").clicked() {
                dialog.browse();
            }
        });
        if let Some(note) = &dialog.note {
            ui.colored_label(theme::muted(), note);
        }
        ui.horizontal(|ui| {
            let path = PathBuf::from(dialog.text.trim());
            let typed = !dialog.text.trim().is_empty();
            if ui
                .add_enabled(typed, egui::Button::new(dialog.purpose.button()))
                .clicked()
                || submit && typed
            {
                commands.push(match dialog.purpose {
                    PathPurpose::Open => Command::Replace(Replace::OpenPath(path)),
                    PathPurpose::SaveAs => Command::SaveAs(path),
                    PathPurpose::ImportCsv => Command::ImportCsv(path),
                    PathPurpose::Handover => Command::WriteHandover(path),
                    PathPurpose::UnitFolder => Command::OpenBoard(path),
                    PathPurpose::UnitHandover => Command::WriteUnitHandover(path),
                    PathPurpose::ImportLabs => Command::ImportLabs(path),
                });
                if matches!(dialog.purpose, PathPurpose::Open | PathPurpose::UnitFolder) {
                    commands.push(Command::ClosePathDialog);
                }
            }
            if ui.button("Cancel").clicked() {
                commands.push(Command::ClosePathDialog);
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::ClosePathDialog);
    }
}

/// The new-case dialog: the facts without which nothing can be computed.
fn new_case_ui(ctx: &egui::Context, dialog: &mut NewCaseDialog, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("new_case")).show(ctx, |ui| {
        ui.heading("New case");
        egui::Grid::new("new_case_grid").num_columns(2).show(ui, |ui| {
            // Typed fields select all on focus, so typing replaces the filled-in text (the review typed
            // "2026-12026-12-06T08:002-06T21:47" into the start).
            let l = ui.label("Title");
            let focus = std::mem::take(&mut dialog.focus_title);
            let mut typed = entry_field(ui, &mut dialog.title, 260.0, l.id, false, focus).changed();
            ui.end_row();
            for (label, text) in ["Name or label", "MRN", "Bed"]
                .into_iter()
                .zip(dialog.identity.iter_mut())
            {
                let l = ui.label(format!("{label} (optional)"));
                typed |= entry_field(ui, text, 200.0, l.id, false, false).changed();
                ui.end_row();
            }
            let l = ui.label("Weight (kg)");
            typed |= entry_field(ui, &mut dialog.weight, 100.0, l.id, false, false).changed();
            ui.end_row();
            let l = ui.label("Setting");
            egui::ComboBox::from_id_salt("new_setting")
                .selected_text(dialog.setting.label())
                .show_ui(ui, |ui| {
                    for s in Setting::ALL {
                        ui.selectable_value(&mut dialog.setting, s, s.label());
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("Time zone (IANA, e.g. Europe/Paris)");
            if ui
                .text_edit_singleline(&mut dialog.time_zone)
                .labelled_by(l.id)
                .changed()
            {
                dialog.follow_zone();
            }
            ui.end_row();
            let l = ui.label("Case start (YYYY-MM-DDTHH:MM)");
            typed |= entry_field(ui, &mut dialog.start, 200.0, l.id, false, false).changed();
            ui.end_row();
            // A refusal is about what was typed then: it goes once the user types again.
            if typed {
                dialog.error = None;
            }
        });
        if let Some(e) = &dialog.error {
            ui.colored_label(theme::above_target(), e);
        }
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            if ui.button("Create case (Enter)").clicked() || enter {
                match dialog.build() {
                    Ok(case) => {
                        commands.push(Command::ClosePathDialog);
                        commands.push(Command::Replace(Replace::NewCase(Box::new(case))));
                    }
                    Err(e) => dialog.error = Some(e),
                }
            }
            if ui.button("Cancel (Esc)").clicked() {
                commands.push(Command::ClosePathDialog);
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::ClosePathDialog);
    }
}

/// A CSV import that failed: every problem, nothing added.
fn import_report_ui(ctx: &egui::Context, report: &ImportReport, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("import_report")).show(ctx, |ui| {
        ui.heading("CSV not imported");
        ui.label(format!(
            "{}: {} problem(s); nothing was added to the case. Fix the file and import it again.",
            report.file,
            report.lines.len()
        ));
        egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
            for line in &report.lines {
                ui.colored_label(theme::above_target(), line);
            }
        });
        if ui.button("Close report (Esc)").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            commands.push(Command::DismissImportReport);
        }
    });
    if modal.should_close() {
        commands.push(Command::DismissImportReport);
    }
}

/// "Changed on disk": another workstation saved the file since it was opened here. Overwriting would
/// drop their work, so Save as… is the default.
fn disk_conflict_ui(ctx: &egui::Context, path: &std::path::Path, commands: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("disk_conflict")).show(ctx, |ui| {
        ui.heading("The file changed on disk");
        ui.label(format!(
            "{} was changed by someone else (another workstation?) since you opened it. Saving here would \
             replace their version with yours.",
            path.display()
        ));
        ui.horizontal(|ui| {
            if ui.button("Save as… (Enter)").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                commands.push(Command::ResolveDiskConflict(DiskChoice::SaveAs));
            }
            if ui.button("Overwrite their version").clicked() {
                commands.push(Command::ResolveDiskConflict(DiskChoice::Overwrite));
            }
            // Their version instead of mine (issue 29: the prompt had no way to it).
            if ui.button("Open theirs (discard my edits)").clicked() {
                commands.push(Command::ResolveDiskConflict(DiskChoice::OpenTheirs));
            }
            if ui.button("Cancel (Esc)").clicked() {
                commands.push(Command::ResolveDiskConflict(DiskChoice::Cancel));
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::ResolveDiskConflict(DiskChoice::Cancel));
    }
}

/// The import preview (issue 29): what each row read from a CSV or pasted would be to the case — new,
/// duplicate (skipped), conflicting (not added), refused — then Add the new rows, or Cancel.
fn import_preview_ui(
    ctx: &egui::Context,
    preview: &ImportPreview,
    as_of: Option<ClinicalTime>,
    commands: &mut Vec<Command>,
) {
    let counts = preview.counts();
    let modal = egui::Modal::new(egui::Id::unique("import_preview")).show(ctx, |ui| {
        ui.heading(format!("Import from {}?", preview.source));
        let mut summary = format!(
            "{} new · {} duplicate (skipped) · {} conflicting (not added: the typed value is kept; settle them by hand) · {} refused",
            counts.new, counts.duplicate, counts.conflicting, counts.refused
        );
        // The lab import's own kinds of row (issue 32).
        for (n, what) in [
            (counts.amended, "amended by the laboratory"),
            (counts.cancelled, "cancelled by the laboratory"),
            (counts.skipped, "listed, skipped"),
        ] {
            if n > 0 {
                summary.push_str(&format!(" · {n} {what}"));
            }
        }
        ui.label(summary);
        ui.label(RichText::new("Nothing is added until you choose Add.").color(theme::muted()));
        let time = |t: ClinicalTime| as_of.map_or_else(|| t.to_string(), |a| t.for_people(a));
        ui.push_id("import_preview_table", |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .max_scroll_height(320.0)
                .column(Column::exact(170.0))
                .column(Column::exact(110.0))
                .column(Column::remainder().at_least(260.0))
                .header(20.0, |mut header| {
                    for title in ["Row is", "Time", "Event"] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, preview.rows.len(), |mut row| {
                        let r = &preview.rows[row.index()];
                        row.col(|ui| {
                            let colour = match r.verdict {
                                Verdict::New => theme::success(),
                                Verdict::Duplicate => theme::muted(),
                                Verdict::Conflicting { .. } => theme::caution(),
                                Verdict::Refused(_) => theme::failure(),
                                Verdict::Amended { .. } | Verdict::Cancels { .. } => theme::caution(),
                                Verdict::Skipped(_) => theme::muted(),
                            };
                            ui.colored_label(colour, r.verdict.word());
                        });
                        row.col(|ui| {
                            ui.label(r.time.map(time).unwrap_or_default());
                        });
                        row.col(|ui| {
                            let why = r.verdict.why().map(|w| format!(" — {w}")).unwrap_or_default();
                            let text = format!("{}{why}", r.label);
                            ui.label(as_of.map_or(text.clone(), |a| crate::present::people::people_times(&text, a)));
                        });
                    });
                });
        });
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            let changes = counts.new + counts.amended + counts.cancelled;
            let add = if changes == counts.new {
                egui::Button::new(format!("Add {} new row(s) (Enter)", counts.new))
            } else {
                egui::Button::new(format!(
                    "Add {} new, correct {}, remove {} (Enter)",
                    preview.new_events().len(),
                    preview.replacements().len(),
                    preview.cancellations().len()
                ))
            };
            if ui.add_enabled(changes > 0, add).clicked() || enter && changes > 0 {
                commands.push(Command::ConfirmImport(true));
            }
            if ui.button("Cancel (Esc)").clicked() {
                commands.push(Command::ConfirmImport(false));
            }
        });
    });
    if modal.should_close() {
        commands.push(Command::ConfirmImport(false));
    }
}
