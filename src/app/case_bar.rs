//! The case bar: New, Open…, Save, Save as…, recent files, demo cases, CSV import, and the replay
//! (slider, previous and next event, Predict first) with the case's input warnings and the last status.

use std::path::PathBuf;

use eframe::egui;

use super::command::{Command, PathPurpose, Replace};
use super::demo_cases::DEMO_CASES;
use super::document::Document;
use super::status::{Status, StatusKind};
use super::theme;

/// What the bar shows besides the case: the shell's preferences and its last message.
pub struct CaseBarInfo<'a> {
    pub recent_files: &'a [PathBuf],
    pub predict_first: bool,
    pub status: Option<&'a Status>,
}

pub fn case_bar_ui(ui: &mut egui::Ui, doc: Option<&Document>, info: &CaseBarInfo<'_>, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui.button("New…").clicked() {
            commands.push(Command::ShowNewDialog);
        }
        if ui.button("Open…").clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::Open));
        }
        ui.menu_button("Recent", |ui| {
            if info.recent_files.is_empty() {
                ui.label("No recent files");
            }
            for path in info.recent_files {
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
        let has_doc = doc.is_some();
        if ui.add_enabled(has_doc, egui::Button::new("Save")).clicked() {
            commands.push(Command::Save);
        }
        if ui.add_enabled(has_doc, egui::Button::new("Save as…")).clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::SaveAs));
        }
        if ui.add_enabled(has_doc, egui::Button::new("Import CSV…")).clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::ImportCsv));
        }
        if let Some(doc) = doc {
            ui.separator();
            let unsaved = if doc.is_dirty() { " (unsaved changes)" } else { "" };
            ui.strong(format!("{}{unsaved}", doc.case().title));
            ui.label(format!(
                "· {} · {} · protocol {}",
                doc.origin(),
                doc.case().patient.setting.label(),
                doc.protocol().name
            ));
        }
    });
    if let Some(doc) = doc {
        ui.horizontal(|ui| {
            let replay_label = ui.label("Replay");
            if ui.button("Previous event").clicked() {
                commands.push(Command::StepCursor(-1));
            }
            let mut cursor = doc.cursor();
            let slider = egui::Slider::new(&mut cursor, 0..=doc.times().len() - 1).show_value(false);
            if ui.add(slider).labelled_by(replay_label.id).changed() {
                commands.push(Command::SetCursor(cursor));
            }
            if ui.button("Next event").clicked() {
                commands.push(Command::StepCursor(1));
            }
            ui.strong(format!("As of {}", doc.as_of()));
            let mut predict = info.predict_first;
            if ui.checkbox(&mut predict, "Predict first").changed() {
                commands.push(Command::SetPredictFirst(predict));
            }
            ui.label(format!("(event time {} of {})", doc.cursor() + 1, doc.times().len()));
        });
        let warnings = doc.prepared().warnings().len();
        if warnings > 0 {
            ui.colored_label(
                theme::CAUTION,
                format!("{warnings} input warning(s) in this case: see Input warnings on the plan"),
            );
        }
    }
    if let Some(status) = info.status {
        // Colour and a word: success green, warning amber, failure red.
        let (colour, word) = match status.kind {
            StatusKind::Success => (theme::SUCCESS, "✔"),
            StatusKind::Warning => (theme::CAUTION, "!"),
            StatusKind::Failure => (theme::FAILURE, "✖"),
        };
        ui.colored_label(colour, format!("{word} {}", status.text));
    }
}
