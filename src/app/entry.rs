//! Timeline entry: one table of labs and one of doses (time order, up to the replay time), and the form
//! that adds or edits a row. The form offers only the units the kind allows and checks the row with the
//! same rules as the CSV import as you type: a soft limit shows a warning, a hard limit a refusal.

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

use anticoag_planner::io::entry::{EventEntry, parse_event_entry};
use anticoag_planner::io::event_fields;
use anticoag_planner::model::{ClinicalTime, Event, EventCode, num};

use super::{Command, Document, theme};

/// Kind codes (the CSV `kind` column) and their names on screen; labs first.
fn kind_label(code: &str) -> &'static str {
    EventCode::from_code(code).map_or("", EventCode::label)
}

fn allowed_units(code: &str) -> &'static [&'static str] {
    EventCode::from_code(code).map_or(&[], EventCode::units)
}

/// A unit as shown: INR has none.
fn unit_label(unit: &str) -> &str {
    if unit.is_empty() { "(no unit)" } else { unit }
}

/// The add/edit form.
pub struct EntryForm {
    entry: EventEntry,
    /// The event being edited, as it was (`None`: adding). Kept by value, not by index: rows may move
    /// (a delete, a re-sort) between Edit and Update.
    pub(super) editing: Option<Event>,
    refusal: Option<String>,
}

impl EntryForm {
    pub fn new(time: ClinicalTime) -> Self {
        Self {
            entry: EventEntry {
                time: time.to_string(),
                kind: "aptt".to_owned(),
                value: String::new(),
                unit: "s".to_owned(),
                note: String::new(),
            },
            editing: None,
            refusal: None,
        }
    }

    /// After a successful add or update: keep the time and kind (the next result is often the same test).
    pub fn added(&mut self) {
        self.entry.value.clear();
        self.entry.note.clear();
        self.editing = None;
        self.refusal = None;
    }

    pub fn refused(&mut self, why: String) {
        self.refusal = Some(why);
    }

    fn edit(&mut self, event: &Event) {
        let (kind, value, unit) = event_fields(event.kind);
        self.entry = EventEntry {
            time: event.time.to_string(),
            kind: kind.code().to_owned(),
            value: num(value, 4).to_string().replace(',', ""),
            unit: unit.to_owned(),
            note: event.note.clone().unwrap_or_default(),
        };
        self.editing = Some(event.clone());
        self.refusal = None;
    }
}

pub fn timeline_ui(ui: &mut egui::Ui, doc: &mut Document, commands: &mut Vec<Command>) {
    entry_form_ui(ui, doc, commands);
    ui.separator();
    let as_of = doc.as_of();
    let shown = doc.case.events.partition_point(|e| e.time <= as_of);
    let hidden = doc.case.events.len() - shown;
    if hidden > 0 {
        ui.colored_label(
            theme::MUTED,
            format!("{hidden} later event(s) hidden by the replay: move the slider to the end to see or edit them"),
        );
    }
    // Newest first: the latest result is where the eye lands, with no scrolling.
    let labs: Vec<usize> = (0..shown).rev().filter(|i| doc.case.events[*i].kind.is_lab()).collect();
    let doses: Vec<usize> = (0..shown)
        .rev()
        .filter(|i| !doc.case.events[*i].kind.is_lab())
        .collect();
    let height = (ui.available_height() / 2.0 - 30.0).max(120.0);
    let mut edit = None;
    ui.strong(format!("Labs ({}, newest first)", labs.len()));
    event_table_ui(ui, "labs_table", &doc.case.events, &labs, height, commands, &mut edit);
    ui.strong(format!("Doses ({}, newest first)", doses.len()));
    event_table_ui(ui, "doses_table", &doc.case.events, &doses, height, commands, &mut edit);
    if let Some(i) = edit
        && let Some(event) = doc.case.events.get(i)
    {
        doc.entry_form.edit(event);
    }
}

fn event_table_ui(
    ui: &mut egui::Ui,
    id: &str,
    events: &[Event],
    rows: &[usize],
    height: f32,
    commands: &mut Vec<Command>,
    edit: &mut Option<usize>,
) {
    ui.push_id(id, |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .column(Column::exact(130.0))
            .column(Column::exact(340.0))
            .column(Column::remainder().at_least(120.0))
            .column(Column::exact(130.0))
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
                        ui.label(event.time.to_string());
                    });
                    row.col(|ui| {
                        ui.label(event.kind.describe());
                    });
                    row.col(|ui| {
                        ui.label(event.note.as_deref().unwrap_or(""));
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
                                commands.push(Command::DeleteEvent(index));
                            }
                        });
                    });
                });
            });
    });
}

pub fn entry_form_ui(ui: &mut egui::Ui, doc: &mut Document, commands: &mut Vec<Command>) {
    let form = &mut doc.entry_form;
    let heading = match form.editing {
        Some(_) => "Edit event",
        None => "Add a lab result or a dose",
    };
    ui.strong(heading);
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Time (YYYY-MM-DDTHH:MM)");
        ui.add(egui::TextEdit::singleline(&mut form.entry.time).desired_width(130.0))
            .labelled_by(l.id);
        let kind_label_id = ui.label("Kind").id;
        let before = form.entry.kind.clone();
        egui::ComboBox::from_id_salt("entry_kind")
            .selected_text(kind_label(&form.entry.kind))
            .width(230.0)
            .show_ui(ui, |ui| {
                for code in EventCode::ALL {
                    ui.selectable_value(&mut form.entry.kind, code.code().to_owned(), code.label());
                }
            })
            .response
            .labelled_by(kind_label_id);
        let units = allowed_units(&form.entry.kind);
        if form.entry.kind != before || !units.contains(&form.entry.unit.as_str()) {
            form.entry.unit = units.first().copied().unwrap_or_default().to_owned();
        }
        let l = ui.label("Value");
        ui.add(egui::TextEdit::singleline(&mut form.entry.value).desired_width(80.0))
            .labelled_by(l.id);
        let unit_label_id = ui.label("Unit").id;
        egui::ComboBox::from_id_salt("entry_unit")
            .selected_text(unit_label(&form.entry.unit))
            .show_ui(ui, |ui| {
                for u in units {
                    ui.selectable_value(&mut form.entry.unit, (*u).to_owned(), unit_label(u));
                }
            })
            .response
            .labelled_by(unit_label_id);
        let l = ui.label("Note (optional)");
        ui.add(egui::TextEdit::singleline(&mut form.entry.note).desired_width(160.0))
            .labelled_by(l.id);
    });
    let checked = parse_event_entry(
        &form.entry,
        &doc.protocol.plausibility,
        doc.case.patient.weight.kg,
        doc.case.case_start,
        None,
    );
    ui.horizontal(|ui| {
        let valid = checked.as_ref().ok().map(|(event, _)| event.clone());
        let label = if form.editing.is_some() {
            "Update event"
        } else {
            "Add event"
        };
        let response = ui.add_enabled(valid.is_some(), egui::Button::new(label));
        if response.clicked()
            && let Some(event) = valid
        {
            commands.push(match &form.editing {
                Some(original) => Command::ReplaceEvent(Box::new(original.clone()), event),
                None => Command::AddEvent(event),
            });
        }
        if form.editing.is_some() && ui.button("Cancel edit").clicked() {
            form.added();
        }
        match &checked {
            Err(e) if !form.entry.value.trim().is_empty() || e.field == "time" => {
                ui.colored_label(theme::ABOVE_TARGET, format!("✖ {e}"));
            }
            Err(_) => {
                ui.label(RichText::new("type a value").color(theme::MUTED));
            }
            Ok((_, Some(warning))) => {
                ui.colored_label(theme::CAUTION, format!("! {warning}"));
            }
            Ok((event, None)) => {
                ui.label(RichText::new(format!("will record: {}", event.kind.describe())).color(theme::MUTED));
            }
        }
    });
    if let Some(r) = &form.refusal {
        ui.colored_label(theme::ABOVE_TARGET, format!("✖ not recorded: {r}"));
    }
}
