//! The case bar (New, Open…, Save, Save as…, recent files, demo cases, CSV import, the replay) and the
//! dialogs it opens. Every file dialog has a typed path as well as the native picker, so the app works
//! where no desktop file-chooser service runs.

use std::path::PathBuf;

use eframe::egui;

use anticoag_planner::io::entry::{parse_time, parse_weight};
use anticoag_planner::model::{Case, ClinicalTime, Patient, Setting, Weight, WeightKind};
use anticoag_planner::protocol::Protocol;

use super::{Command, DEMO_CASES, PlannerApp, Replace, theme};

/// What a path dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPurpose {
    Open,
    SaveAs,
    ImportCsv,
}

impl PathPurpose {
    fn title(self) -> &'static str {
        match self {
            Self::Open => "Open case file",
            Self::SaveAs => "Save case as",
            Self::ImportCsv => "Import events from CSV",
        }
    }

    fn button(self) -> &'static str {
        match self {
            Self::Open => "Open this file",
            Self::SaveAs => "Save to this file",
            Self::ImportCsv => "Import this file",
        }
    }
}

/// A typed path with a Browse… button for the native dialog.
pub struct PathDialog {
    purpose: PathPurpose,
    text: String,
    note: Option<String>,
}

impl PathDialog {
    pub fn new(purpose: PathPurpose) -> Self {
        Self {
            purpose,
            text: String::new(),
            note: None,
        }
    }

    /// The native dialog (blocking, as native dialogs are).
    fn browse(&mut self) {
        let dialog = match self.purpose {
            PathPurpose::ImportCsv => rfd::FileDialog::new().add_filter("CSV events", &["csv"]),
            PathPurpose::Open | PathPurpose::SaveAs => {
                rfd::FileDialog::new().add_filter("anticoag-planner case", &["ron"])
            }
        };
        let picked = match self.purpose {
            PathPurpose::SaveAs => dialog.set_file_name("case.ron").save_file(),
            PathPurpose::Open | PathPurpose::ImportCsv => dialog.pick_file(),
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
    error: Option<String>,
}

impl Default for NewCaseDialog {
    fn default() -> Self {
        Self {
            title: "New case".to_owned(),
            weight: String::new(),
            setting: Setting::Icu,
            start: ClinicalTime::now_local().to_string(),
            error: None,
        }
    }
}

impl NewCaseDialog {
    fn build(&self) -> Result<Case, String> {
        let name = self.setting.default_protocol();
        let protocol = Protocol::resolve(name).map_err(|e| e.to_string())?;
        let (kg, _) = parse_weight(&self.weight, &protocol.plausibility).map_err(|e| e.to_string())?;
        let start = parse_time("case start", &self.start).map_err(|e| e.to_string())?;
        let weight = Weight {
            kg,
            measured_at: start,
            kind: WeightKind::Actual,
        };
        Ok(Case::new(
            self.title.trim(),
            name,
            start,
            Patient::new(weight, self.setting),
        ))
    }
}

pub fn case_bar_ui(ui: &mut egui::Ui, app: &PlannerApp, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui.button("New…").clicked() {
            commands.push(Command::ShowNewDialog);
        }
        if ui.button("Open…").clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::Open));
        }
        ui.menu_button("Recent", |ui| {
            if app.prefs.recent_files.is_empty() {
                ui.label("No recent files");
            }
            for path in &app.prefs.recent_files {
                if ui.button(path.display().to_string()).clicked() {
                    commands.push(Command::Replace(Replace::OpenPath(path.clone())));
                }
            }
        });
        ui.menu_button("Open demo case…", |ui| {
            for (i, (label, _, _)) in DEMO_CASES.iter().enumerate() {
                if ui.button(*label).clicked() {
                    commands.push(Command::Replace(Replace::OpenDemo(i)));
                }
            }
        });
        let has_doc = app.document.is_some();
        if ui.add_enabled(has_doc, egui::Button::new("Save")).clicked() {
            commands.push(Command::Save);
        }
        if ui.add_enabled(has_doc, egui::Button::new("Save as…")).clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::SaveAs));
        }
        if ui.add_enabled(has_doc, egui::Button::new("Import CSV…")).clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::ImportCsv));
        }
        if let Some(doc) = &app.document {
            ui.separator();
            let unsaved = if doc.dirty { " (unsaved changes)" } else { "" };
            ui.strong(format!("{}{unsaved}", doc.case.title));
            ui.label(format!(
                "· {} · {} · protocol {}",
                doc.origin,
                doc.case.patient.setting.label(),
                doc.protocol.name
            ));
        }
    });
    if let Some(doc) = &app.document {
        ui.horizontal(|ui| {
            let replay_label = ui.label("Replay");
            if ui.button("Previous event").clicked() {
                commands.push(Command::StepCursor(-1));
            }
            let mut cursor = doc.cursor;
            let slider = egui::Slider::new(&mut cursor, 0..=doc.times.len() - 1).show_value(false);
            if ui.add(slider).labelled_by(replay_label.id).changed() {
                commands.push(Command::SetCursor(cursor));
            }
            if ui.button("Next event").clicked() {
                commands.push(Command::StepCursor(1));
            }
            ui.strong(format!("As of {}", doc.as_of()));
            let mut predict = app.prefs.predict_first;
            if ui.checkbox(&mut predict, "Predict first").changed() {
                commands.push(Command::SetPredictFirst(predict));
            }
            ui.label(format!("(event time {} of {})", doc.cursor + 1, doc.times.len()));
        });
        let warnings = doc.prepared.warnings().len();
        if warnings > 0 {
            ui.colored_label(
                theme::CAUTION,
                format!("{warnings} input warning(s) in this case: see Input warnings on the plan"),
            );
        }
    }
    if let Some(status) = &app.status {
        ui.colored_label(theme::CAUTION, status);
    }
}

/// The modal dialogs: unsaved changes, recovery, file paths, new case, import report.
pub fn dialogs_ui(ctx: &egui::Context, app: &mut PlannerApp, commands: &mut Vec<Command>) {
    if let Some(pending) = &app.pending {
        let title = app.document.as_ref().map_or("", |d| d.case.title.as_str());
        let doing = match pending {
            Replace::Quit => "Closing the app",
            Replace::NewCase(_) => "Starting a new case",
            _ => "Opening another case",
        };
        egui::Modal::new(egui::Id::unique("unsaved_changes")).show(ctx, |ui| {
            ui.heading("Unsaved changes");
            ui.label(format!(
                "'{title}' has changes that are not saved. {doing} will discard them."
            ));
            ui.horizontal(|ui| {
                if ui.button("Discard changes").clicked() {
                    commands.push(Command::ConfirmDiscard(true));
                }
                if ui.button("Keep editing").clicked() {
                    commands.push(Command::ConfirmDiscard(false));
                }
            });
        });
        return;
    }
    if let Some(offer) = &app.recovery_offer {
        egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
            ui.heading("Recover unsaved work?");
            ui.label(format!(
                "The app closed with unsaved changes to {offer}. Open the recovered copy?"
            ));
            ui.horizontal(|ui| {
                if ui.button("Recover").clicked() {
                    commands.push(Command::Replace(Replace::Recover));
                }
                if ui.button("Discard the recovered copy").clicked() {
                    commands.push(Command::DiscardRecovery);
                }
            });
        });
        return;
    }
    if let Some(dialog) = &mut app.path_dialog {
        egui::Modal::new(egui::Id::unique("path_dialog")).show(ctx, |ui| {
            ui.heading(dialog.purpose.title());
            ui.horizontal(|ui| {
                let label = ui.label("File path");
                ui.add(egui::TextEdit::singleline(&mut dialog.text).desired_width(420.0))
                    .labelled_by(label.id);
                if ui.button("Browse…").clicked() {
                    dialog.browse();
                }
            });
            if let Some(note) = &dialog.note {
                ui.colored_label(theme::MUTED, note);
            }
            ui.horizontal(|ui| {
                let path = PathBuf::from(dialog.text.trim());
                if ui
                    .add_enabled(
                        !dialog.text.trim().is_empty(),
                        egui::Button::new(dialog.purpose.button()),
                    )
                    .clicked()
                {
                    commands.push(match dialog.purpose {
                        PathPurpose::Open => Command::Replace(Replace::OpenPath(path)),
                        PathPurpose::SaveAs => Command::SaveAs(path),
                        PathPurpose::ImportCsv => Command::ImportCsv(path),
                    });
                    if dialog.purpose == PathPurpose::Open {
                        commands.push(Command::ClosePathDialog);
                    }
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::ClosePathDialog);
                }
            });
        });
    }
    if let Some(dialog) = &mut app.new_dialog {
        egui::Modal::new(egui::Id::unique("new_case")).show(ctx, |ui| {
            ui.heading("New case");
            egui::Grid::new("new_case_grid").num_columns(2).show(ui, |ui| {
                let l = ui.label("Title");
                ui.text_edit_singleline(&mut dialog.title).labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Weight (kg)");
                ui.text_edit_singleline(&mut dialog.weight).labelled_by(l.id);
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
                let l = ui.label("Case start (YYYY-MM-DDTHH:MM)");
                ui.text_edit_singleline(&mut dialog.start).labelled_by(l.id);
                ui.end_row();
            });
            if let Some(e) = &dialog.error {
                ui.colored_label(theme::ABOVE_TARGET, e);
            }
            ui.horizontal(|ui| {
                if ui.button("Create case").clicked() {
                    match dialog.build() {
                        Ok(case) => {
                            commands.push(Command::ClosePathDialog);
                            commands.push(Command::Replace(Replace::NewCase(Box::new(case))));
                        }
                        Err(e) => dialog.error = Some(e),
                    }
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::ClosePathDialog);
                }
            });
        });
    }
    if let Some(report) = &app.import_report {
        egui::Modal::new(egui::Id::unique("import_report")).show(ctx, |ui| {
            ui.heading("CSV not imported");
            ui.label(format!(
                "{}: {} problem(s); nothing was added to the case. Fix the file and import it again.",
                report.file,
                report.lines.len()
            ));
            egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                for line in &report.lines {
                    ui.colored_label(theme::ABOVE_TARGET, line);
                }
            });
            if ui.button("Close report").clicked() {
                commands.push(Command::DismissImportReport);
            }
        });
    }
}
