//! The start screen (issue 28): what the window shows when no case is open — and it starts there, so a
//! bundled case never greets a clinician as if it were their patient. Recent files, a new patient, a
//! file to open, and the teaching cases, each said to be one.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use crate::app::command::{Command, PathPurpose, Replace};
use crate::app::demo_cases::DEMO_CASES;
use crate::app::theme;
use crate::model::TEACHING_BAND;

/// The start screen's three columns (one under the other when the window is narrow).
pub fn start_screen_ui(ui: &mut egui::Ui, recent_files: &[PathBuf], commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical().id_salt("start_scroll").show(ui, |ui| {
        ui.add_space(12.0);
        ui.heading(RichText::new("anticoag-planner").strong());
        ui.label(
            RichText::new("Heparin resistance: decision support, not an order. No case is open.").color(theme::muted()),
        );
        ui.add_space(12.0);
        ui.horizontal(|ui| {
            if ui.button(RichText::new("New patient…").strong()).clicked() {
                commands.push(Command::ShowNewDialog);
            }
            if ui.button("Open a case file…").on_hover_text("Ctrl+O").clicked() {
                commands.push(Command::ShowPathDialog(PathPurpose::Open));
            }
            if ui
                .button("Open unit folder…")
                .on_hover_text("The unit board: every case file of a shared folder, most urgent first")
                .clicked()
            {
                commands.push(Command::ShowPathDialog(PathPurpose::UnitFolder));
            }
        });
        ui.add_space(16.0);
        let narrow = ui.available_width() < 760.0;
        if narrow {
            recent_ui(ui, recent_files, commands);
            ui.add_space(16.0);
            teaching_ui(ui, commands);
        } else {
            ui.columns(2, |columns| {
                recent_ui(&mut columns[0], recent_files, commands);
                teaching_ui(&mut columns[1], commands);
            });
        }
    });
}

/// The recent case files, newest first: the file's name, and its folder in grey.
fn recent_ui(ui: &mut egui::Ui, recent_files: &[PathBuf], commands: &mut Vec<Command>) {
    ui.strong("Recent");
    if recent_files.is_empty() {
        ui.label(RichText::new("No recent files on this workstation").color(theme::muted()));
    }
    for path in recent_files {
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let folder = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
        ui.horizontal(|ui| {
            if ui.button(name).on_hover_text(path.display().to_string()).clicked() {
                commands.push(Command::Replace(Replace::OpenPath(path.clone())));
            }
            ui.label(RichText::new(folder).color(theme::muted()));
        });
    }
}

/// The bundled teaching cases: each opens with the teaching band.
fn teaching_ui(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.strong("Teaching cases");
    ui.label(
        RichText::new(format!("Bundled and replayable; each is marked \"{TEACHING_BAND}\"")).color(theme::muted()),
    );
    for (i, (label, _, _)) in DEMO_CASES.iter().enumerate() {
        if ui.button(*label).clicked() {
            commands.push(Command::Replace(Replace::OpenDemo(i)));
        }
    }
}
