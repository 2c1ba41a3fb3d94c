//! The timeline table: every event up to the replay time, labs and doses in time order, with units.
//! (Read-only in this slice; adding, editing and deleting rows comes with the entry forms.)

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use anticoag_planner::model::{Case, ClinicalTime};

pub fn timeline_table_ui(ui: &mut egui::Ui, case: &Case, cursor: ClinicalTime) {
    let shown = case.events.partition_point(|e| e.time <= cursor);
    let hidden = case.events.len() - shown;
    if hidden > 0 {
        ui.label(format!("{hidden} later event(s) hidden by the replay"));
    }
    TableBuilder::new(ui)
        .id_salt("timeline_table")
        .striped(true)
        .column(Column::exact(130.0))
        .column(Column::exact(300.0))
        .column(Column::remainder())
        .header(20.0, |mut header| {
            header.col(|ui| {
                ui.strong("Time");
            });
            header.col(|ui| {
                ui.strong("Event");
            });
            header.col(|ui| {
                ui.strong("Note");
            });
        })
        .body(|body| {
            body.rows(18.0, shown, |mut row| {
                let event = &case.events[row.index()];
                row.col(|ui| {
                    ui.label(event.time.to_string());
                });
                row.col(|ui| {
                    ui.label(event.kind.describe());
                });
                row.col(|ui| {
                    ui.label(event.note.as_deref().unwrap_or(""));
                });
            });
        });
}
