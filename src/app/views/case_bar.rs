//! The case bar: New, Open…, Save, Save as…, recent files, teaching cases, CSV import, Close case, and the replay
//! (slider, previous and next event, Predict first) with the case's input warnings and the last status.

use std::path::PathBuf;

use eframe::egui;

use crate::app::command::{Command, PathPurpose, Replace};
use crate::app::demo_cases::DEMO_CASES;
use crate::app::document::Document;
use crate::app::status::{Status, StatusKind};
use crate::app::theme::{self, ThemeChoice};

/// What the bar shows besides the case: the shell's preferences and its last message.
pub struct CaseBarInfo<'a> {
    pub recent_files: &'a [PathBuf],
    pub predict_first: bool,
    pub status: Option<&'a Status>,
    /// How visible the status still is (1 when new, fading to 0).
    pub status_opacity: f32,
    pub theme: ThemeChoice,
    pub author: &'a str,
    /// The workstation's zone: a case on another zone's clock says so.
    pub workstation: crate::model::Zone,
    /// The unit board behind the window, if one is open (issue 31): its folder.
    pub board: Option<String>,
}

/// New, Open, Recent, the unit folder and the teaching cases.
fn file_buttons_ui(ui: &mut egui::Ui, info: &CaseBarInfo<'_>, commands: &mut Vec<Command>) {
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
    if ui.button("Open unit folder…").clicked() {
        commands.push(Command::ShowPathDialog(PathPurpose::UnitFolder));
    }
    ui.menu_button("Teaching cases…", |ui| {
        for (i, (label, _, _)) in DEMO_CASES.iter().enumerate() {
            if ui.button(*label).clicked() {
                commands.push(Command::Replace(Replace::OpenDemo(i)));
            }
        }
    });
}

pub fn case_bar_ui(ui: &mut egui::Ui, doc: Option<&Document>, info: &CaseBarInfo<'_>, commands: &mut Vec<Command>) {
    // Wrapped: in a 1024-px window the case title goes to a second line instead of being cut.
    ui.horizontal_wrapped(|ui| {
        // Issue 31: back to the unit board from a case opened on it (Close case asks first if unsaved).
        if let (Some(folder), Some(_)) = (&info.board, doc)
            && ui
                .button(egui::RichText::new("← Unit board").strong())
                .on_hover_text(format!("Close this case and show the board of {folder}"))
                .clicked()
        {
            commands.push(Command::Replace(Replace::Close));
        }
        file_buttons_ui(ui, info, commands);
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
        if ui
            .add_enabled(has_doc, egui::Button::new("Import labs…"))
            .on_hover_text("Laboratory results from an HL7 v2 or FHIR R4 file: previewed before anything is added")
            .clicked()
        {
            commands.push(Command::ShowPathDialog(PathPurpose::ImportLabs));
        }
        if ui
            .add_enabled(has_doc, egui::Button::new("Close case"))
            .on_hover_text("Back to the start screen (asks first about unsaved changes)")
            .clicked()
        {
            commands.push(Command::Replace(Replace::Close));
        }
        edit_menu_ui(ui, doc, info.theme, info.author, commands);
        if let Some(doc) = doc {
            ui.separator();
            let unsaved = if doc.is_dirty() { " (unsaved changes)" } else { "" };
            ui.strong(format!("{}{unsaved}", doc.patient_line()));
            if let Some(why) = doc.read_only() {
                ui.colored_label(ui.visuals().warn_fg_color, format!("READ-ONLY: {why}"));
            }
            ui.label(format!(
                "· {} · {} · protocol {}",
                doc.origin(),
                doc.case().patient.setting.label(),
                doc.protocol().name
            ));
            // Who the entries are signed as, always in sight (the review: a name remembered from an
            // earlier session signed a new user's entries unseen).
            ui.label(format!("· signed as {}", info.author))
                .on_hover_text("Every entry is signed with this name: View → Entries signed as");
            let zone = doc.case().time_zone;
            if zone != info.workstation {
                ui.label(format!("· times in {zone} (this workstation: {})", info.workstation))
                    .on_hover_text(
                        "Every time of this case is a wall-clock time of its own zone; durations are on absolute time.",
                    );
            }
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
            ui.strong(format!("As of {}", doc.as_of().dated_for_people()));
            let mut predict = info.predict_first;
            if ui.checkbox(&mut predict, "Predict first").changed() {
                commands.push(Command::SetPredictFirst(predict));
            }
            ui.label(format!("(event time {} of {})", doc.cursor() + 1, doc.times().len()));
        });
    }
    // One row of fixed height for the input warnings and the last status: nothing below moves when a
    // message comes or goes.
    let height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    ui.allocate_ui_with_layout(
        egui::vec2(ui.available_width(), height),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_height(height);
            let warnings = doc.map_or(0, |d| d.prepared().warnings().len());
            if warnings > 0 {
                ui.colored_label(
                    theme::caution(),
                    format!("{warnings} input warning(s) in this case: see Input warnings on the plan"),
                );
                ui.separator();
            }
            if let Some(status) = info.status.filter(|_| info.status_opacity > 0.0) {
                // Colour and a word: success green, warning amber, failure red.
                let (colour, word) = match status.kind {
                    StatusKind::Success => (theme::success(), "✔"),
                    StatusKind::Warning => (theme::caution(), "!"),
                    StatusKind::Failure => (theme::failure(), "✖"),
                };
                ui.colored_label(
                    colour.gamma_multiply(info.status_opacity),
                    format!("{word} {}", status.text),
                );
            }
        },
    );
}

/// Undo, Redo and the View menu (the interface size and the look).
fn edit_menu_ui(
    ui: &mut egui::Ui,
    doc: Option<&Document>,
    current_theme: ThemeChoice,
    author: &str,
    commands: &mut Vec<Command>,
) {
    let (can_undo, can_redo) = doc.map_or((false, false), |d| (d.can_undo(), d.can_redo()));
    if ui
        .add_enabled(can_undo, egui::Button::new("Undo"))
        .on_hover_text("Ctrl+Z")
        .clicked()
    {
        commands.push(Command::Undo);
    }
    if ui
        .add_enabled(can_redo, egui::Button::new("Redo"))
        .on_hover_text("Ctrl+Shift+Z")
        .clicked()
    {
        commands.push(Command::Redo);
    }
    ui.menu_button("View", |ui| {
        let zoom = ui.ctx().zoom_factor();
        ui.label(format!("Interface size {:.0}%", zoom * 100.0));
        if ui.button("Larger (Ctrl+=)").clicked() {
            commands.push(Command::SetZoom((zoom + 0.1).min(3.0)));
        }
        if ui.button("Smaller (Ctrl+−)").clicked() {
            commands.push(Command::SetZoom((zoom - 0.1).max(0.5)));
        }
        if ui.button("Actual size (Ctrl+0)").clicked() {
            commands.push(Command::SetZoom(1.0));
        }
        ui.separator();
        let l = ui.label("Entries signed as (audit trail)");
        let mut name = author.to_owned();
        let field = ui
            .add(egui::TextEdit::singleline(&mut name).desired_width(180.0))
            .labelled_by(l.id);
        if field.changed() && !name.trim().is_empty() {
            commands.push(Command::SetAuthor(name.trim().to_owned()));
        }
        ui.separator();
        ui.label("Look");
        for (choice, label) in ThemeChoice::ALL {
            if ui.radio(current_theme == choice, label).clicked() {
                commands.push(Command::SetTheme(choice));
            }
        }
    });
}
