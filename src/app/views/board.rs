//! The unit board view (issue 31): one row per case file of the folder, most urgent first — urgency in
//! an icon and a word, bed and patient (a click opens the case), setting, what runs and its pump rate,
//! the last anti-Xa and aPTT with their age, the advice, the next lab due or OVERDUE, who holds the case
//! and who last edited it. A filter narrows the rows; a file that cannot be read keeps its row, with
//! the error.

use eframe::egui::{self, Color32, RichText};

use crate::app::command::{Command, PathPurpose, Replace};
use crate::app::theme;
use crate::board::{BoardRow, Urgency};
use crate::model::ClinicalTime;

/// The board view's own state: the filter as typed.
#[derive(Debug, Default)]
pub struct BoardView {
    pub filter: String,
}

/// What the board shows besides its rows.
pub struct BoardInfo<'a> {
    pub folder: &'a std::path::Path,
    pub watch_note: &'a str,
    pub folder_error: Option<&'a str>,
    pub now: ClinicalTime,
}

fn urgency_look(u: Urgency) -> (&'static str, Color32) {
    match u {
        Urgency::Error => ("✖", theme::failure()),
        Urgency::AdvicePaused => ("‖", theme::above_target()),
        Urgency::Danger => ("⚠", theme::above_target()),
        Urgency::Overdue => ("◷", theme::above_target()),
        Urgency::NoRecentEntry => ("◷", theme::caution()),
        Urgency::ActionAdvised => ("➜", theme::caution()),
        Urgency::Caution => ("⚠", theme::caution()),
        Urgency::DueSoon => ("◔", theme::caution()),
        Urgency::Stable => ("✔", theme::muted()),
    }
}

/// The board.
pub fn board_ui(
    ui: &mut egui::Ui,
    rows: &[BoardRow],
    info: &BoardInfo<'_>,
    view: &mut BoardView,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.heading(RichText::new("Unit board").strong());
        ui.label(RichText::new(info.folder.display().to_string()).color(theme::muted()));
    });
    ui.label(
        RichText::new(format!(
            "{} case file(s), most urgent first; due and overdue at {} · {} · cases are read, never written here",
            rows.len(),
            info.now.dated_for_people(),
            info.watch_note
        ))
        .small()
        .color(theme::muted()),
    );
    if let Some(error) = info.folder_error {
        ui.colored_label(theme::failure(), format!("✖ The folder cannot be read: {error}"));
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Filter");
        ui.add(
            egui::TextEdit::singleline(&mut view.filter)
                .desired_width(180.0)
                .hint_text("bed, name, drug…"),
        )
        .labelled_by(label.id);
        if ui.button("Print unit handover…").clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::UnitHandover));
        }
        if ui.button("Open another unit folder…").clicked() {
            commands.push(Command::ShowPathDialog(PathPurpose::UnitFolder));
        }
        if ui.button("Close the board").clicked() {
            commands.push(Command::CloseBoard);
        }
    });
    ui.separator();
    let shown: Vec<&BoardRow> = rows.iter().filter(|r| r.matches(&view.filter)).collect();
    if shown.len() < rows.len() {
        ui.label(
            RichText::new(format!("{} of {} rows match the filter", shown.len(), rows.len()))
                .small()
                .color(theme::muted()),
        );
    }
    board_table_ui(ui, &shown, info, commands);
}

fn small(ui: &mut egui::Ui, text: impl Into<String>) {
    ui.add(egui::Label::new(RichText::new(text.into()).small()).wrap());
}

/// One cell of a row: a top-down column of a fixed width whose text wraps.
fn cell(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui)) {
    ui.allocate_ui_with_layout(egui::vec2(width, 0.0), egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_width(width);
        add(ui);
    });
}

/// The rows: each a line of fixed-width cells, as tall as its longest cell; the header above them.
fn board_table_ui(ui: &mut egui::Ui, rows: &[&BoardRow], info: &BoardInfo<'_>, commands: &mut Vec<Command>) {
    let people = |t: &str| crate::present::people::people_times(t, info.now);
    let spacing = ui.spacing().item_spacing.x;
    let free = (ui.available_width() - 118.0 - 6.0 * spacing).max(500.0);
    // urgency, patient, running, last levels, advice, next lab · who
    let widths = [118.0, free * 0.19, free * 0.16, free * 0.14, free * 0.28, free * 0.23];
    ui.horizontal_top(|ui| {
        for (w, h) in widths.iter().zip([
            "urgency",
            "patient",
            "running",
            "last levels",
            "advice",
            "next lab · who",
        ]) {
            cell(ui, *w, |ui| {
                ui.label(RichText::new(h).small().strong());
            });
        }
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt("unit_board").show(ui, |ui| {
        for row in rows {
            ui.horizontal_top(|ui| {
                cell(ui, widths[0], |ui| {
                    let (icon, colour) = urgency_look(row.urgency);
                    ui.label(
                        RichText::new(format!("{icon} {}", row.urgency.label()))
                            .color(colour)
                            .strong(),
                    );
                });
                cell(ui, widths[1], |ui| patient_cell(ui, row, info, commands));
                cell(ui, widths[2], |ui| {
                    small(
                        ui,
                        row.running.clone().unwrap_or_else(|| "no infusion running".to_owned()),
                    );
                });
                cell(ui, widths[3], |ui| {
                    for (name, l) in [("anti-Xa", &row.last_anti_xa), ("aPTT", &row.last_aptt)] {
                        if let Some(l) = l {
                            small(ui, format!("{name} {} {} ({})", l.value, l.unit, l.age_words()));
                        }
                    }
                });
                cell(ui, widths[4], |ui| advice_cell(ui, row, &people));
                cell(ui, widths[5], |ui| next_cell(ui, row, info, &people));
            });
            ui.separator();
        }
    });
}

fn patient_cell(ui: &mut egui::Ui, row: &BoardRow, info: &BoardInfo<'_>, commands: &mut Vec<Command>) {
    let name = format!(
        "{}{}",
        row.bed.as_ref().map(|b| format!("bed {b} — ")).unwrap_or_default(),
        row.patient
    );
    if row.error.is_some() {
        ui.label(RichText::new(name).strong());
    } else if ui
        .link(RichText::new(name).strong())
        .on_hover_text(format!("Open {}", row.file))
        .clicked()
    {
        commands.push(Command::Replace(Replace::OpenPath(info.folder.join(&row.file))));
    }
    if row.teaching {
        ui.label(
            RichText::new(crate::model::TEACHING_BAND)
                .small()
                .color(theme::teaching()),
        );
    }
    if let Some(setting) = row.setting {
        small(ui, setting);
    }
}

fn advice_cell(ui: &mut egui::Ui, row: &BoardRow, people: &dyn Fn(&str) -> String) {
    if let Some(error) = &row.error {
        ui.colored_label(
            theme::failure(),
            RichText::new(format!("cannot be read: {error}")).small(),
        );
    }
    if let Some(paused) = &row.advice_paused {
        ui.colored_label(
            theme::above_target(),
            RichText::new(format!("ADVICE PAUSED: {}", people(&paused.reason))).small(),
        );
    }
    for d in &row.danger {
        let colour = if d.level == "danger" {
            theme::above_target()
        } else {
            theme::caution()
        };
        ui.colored_label(
            colour,
            RichText::new(format!("{}: {}", d.level.to_uppercase(), people(&d.text))).small(),
        );
    }
    if let Some(advice) = &row.advice {
        small(ui, people(advice));
    }
    if row.call_senior {
        ui.colored_label(theme::caution(), RichText::new("! call the senior clinician").small());
    }
}

fn next_cell(ui: &mut egui::Ui, row: &BoardRow, info: &BoardInfo<'_>, people: &dyn Fn(&str) -> String) {
    match (&row.next_lab, &row.clock_note) {
        (Some(n), _) if n.overdue => {
            ui.colored_label(theme::above_target(), RichText::new(people(&n.text)).small().strong());
            if !n.also_overdue.is_empty() {
                ui.colored_label(
                    theme::above_target(),
                    RichText::new(format!("also overdue: {}", n.also_overdue.join(", "))).small(),
                );
            }
        }
        (Some(n), _) => small(ui, people(&n.text)),
        (None, Some(note)) => small(ui, note.clone()),
        (None, None) => {}
    }
    if let Some(held) = &row.held_by {
        ui.colored_label(
            theme::caution(),
            RichText::new(format!("open by {}", people(held))).small(),
        );
    }
    if let Some((by, at)) = &row.last_edit {
        small(ui, format!("last edit {by}, {}", at.for_people(info.now)));
    }
}
