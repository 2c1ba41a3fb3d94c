//! The Timeline view: one table of labs and one of doses (newest first, up to the replay time), each
//! row with Edit and Delete (an infusion also as the pump's mL/h), below the form that adds or edits a row.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use crate::model::{ClinicalTime, Event};
use crate::present::flowsheet::infusion_pump_rate;

use super::draw_form::{DrawForm, draw_form_ui};
use super::event_form::{EventForm, event_form_ui};
use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// The Timeline view: the form, then the labs and the doses up to the replay time.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    draw: &mut DrawForm,
    form: &mut EventForm,
    commands: &mut Vec<Command>,
) {
    draw_form_ui(ui, doc, draw, commands);
    ui.separator();
    event_form_ui(ui, doc, form, commands);
    ui.separator();
    let as_of = doc.as_of();
    let events = &doc.case().events;
    let shown = events.partition_point(|e| e.time <= as_of);
    let hidden = events.len() - shown;
    if hidden > 0 {
        ui.colored_label(
            theme::muted(),
            format!("{hidden} later event(s) hidden by the replay: move the slider to the end to see or edit them"),
        );
    }
    // Newest first: the latest result is where the eye lands, with no scrolling.
    let labs: Vec<usize> = (0..shown).rev().filter(|i| events[*i].kind.is_lab()).collect();
    let doses: Vec<usize> = (0..shown).rev().filter(|i| !events[*i].kind.is_lab()).collect();
    let height = (ui.available_height() / 2.0 - 30.0).max(120.0);
    let mut edit = None;
    ui.strong(format!("Labs ({}, newest first)", labs.len()));
    let labs_table = EventTable {
        events,
        rows: &labs,
        as_of,
        pump: &|_| None,
    };
    event_table_ui(ui, "labs_table", &labs_table, height, commands, &mut edit);
    ui.strong(format!("Doses ({}, newest first)", doses.len()));
    // Each infusion row also as the pump's mL/h (issue 29), on the weight in effect at its time.
    let timeline = &doc.prepared().timeline;
    let pump = |i: usize| {
        let event = &events[i];
        let patient = timeline.patient_at(&doc.case().patient, event.time);
        infusion_pump_rate(event.kind, &patient, doc.protocol()).map(|ml| format!(" = {ml}"))
    };
    let doses_table = EventTable {
        events,
        rows: &doses,
        as_of,
        pump: &pump,
    };
    event_table_ui(ui, "doses_table", &doses_table, height, commands, &mut edit);
    if let Some(i) = edit
        && let Some(event) = events.get(i)
    {
        form.edit(event);
    }
}

/// One of the two tables: the case's events, the rows shown (indices, newest first), the as-of time the
/// times are written against ("6 Jan 23:00"), and an infusion row's pump rate (" = 10.9 mL/h").
struct EventTable<'a> {
    events: &'a [Event],
    rows: &'a [usize],
    as_of: ClinicalTime,
    pump: &'a dyn Fn(usize) -> Option<String>,
}

fn event_table_ui(
    ui: &mut egui::Ui,
    id: &str,
    table: &EventTable<'_>,
    height: f32,
    commands: &mut Vec<Command>,
    edit: &mut Option<usize>,
) {
    let EventTable {
        events,
        rows,
        as_of,
        pump: suffix,
    } = *table;
    ui.push_id(id, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            // Edit and Delete always fit (issue 29: "De" at 1024×640): the event takes what is left, the
            // note is clipped (its full text on hover).
            .column(Column::exact(110.0))
            .column(Column::remainder().at_least(200.0).clip(true))
            .column(Column::exact(150.0).clip(true))
            .column(Column::exact(110.0))
            .header(20.0, |mut header| {
                for title in ["Time", "Event", "Note", ""] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut row| {
                    let index = rows[row.index()];
                    let event = &events[index];
                    row.col(|ui| {
                        ui.label(event.time.for_people(as_of));
                    });
                    row.col(|ui| {
                        let pump = suffix(index).unwrap_or_default();
                        ui.label(format!("{}{pump}", event.kind.describe()));
                    });
                    row.col(|ui| {
                        let note = event.note.as_deref().unwrap_or("");
                        ui.label(note).on_hover_text(note);
                    });
                    row.col(|ui| {
                        ui.horizontal(|ui| {
                            if ui
                                .small_button("Edit")
                                .on_hover_text("Load this row into the form")
                                .clicked()
                            {
                                *edit = Some(index);
                            }
                            if ui.small_button("Delete").clicked() {
                                commands.push(Command::DeleteEvent(event.id));
                            }
                        });
                    });
                });
            });
    });
}
