//! The form that adds or edits one event, used by the Timeline and the Bypass views. It offers only
//! the units the kind allows and checks the row with the same rules as the CSV import as you type: a
//! soft limit shows a warning, a hard limit a refusal. Nothing is recorded until Add or Update.

use eframe::egui::{self, RichText};

use crate::dosing::weight::{Drug, dosing_weight};
use crate::io::entry::{EventEntry, FieldError, parse_event_entry};
use crate::io::event_fields;
use crate::io::quick_entry::{heparin_ml_per_h_to_units, heparin_rate_equivalents};
use crate::model::{ClinicalTime, Event, EventCode, EventKind, StopReason, num};

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

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
pub struct EventForm {
    entry: EventEntry,
    /// The event being edited, as it was (`None`: adding); its handle finds it again however the rows
    /// move (a delete, a re-sort) between Edit and Update.
    editing: Option<Event>,
    refusal: Option<String>,
    /// The type-ahead text of the kind picker.
    kind_filter: String,
    /// The wall clock (or a test's fixed time), set by the shell each frame: a time more than a few
    /// minutes after it is refused, as by the CSV import.
    now: Option<ClinicalTime>,
}

impl EventForm {
    pub fn new(time: ClinicalTime) -> Self {
        Self {
            entry: EventEntry {
                time: time.to_string(),
                kind: "aptt".to_owned(),
                value: String::new(),
                unit: "s".to_owned(),
                note: String::new(),
                reason: String::new(),
            },
            editing: None,
            refusal: None,
            kind_filter: String::new(),
            now: None,
        }
    }

    /// What "now" is for the future-time check.
    pub fn set_now(&mut self, now: ClinicalTime) {
        self.now = Some(now);
    }

    /// After a successful add or update: keep the time and kind (the next result is often the same test).
    pub fn added(&mut self) {
        self.entry.value.clear();
        self.entry.note.clear();
        self.entry.reason.clear();
        self.editing = None;
        self.refusal = None;
    }

    pub fn refused(&mut self, why: String) {
        self.refusal = Some(why);
    }

    /// The event being edited, as it was.
    #[must_use]
    pub fn editing(&self) -> Option<&Event> {
        self.editing.as_ref()
    }

    /// A new row filled in for the user to check and add (the time is now, or the form's own time).
    pub fn prefill(&mut self, kind: &str, value: f64, unit: &str) {
        if let Some(now) = self.now {
            self.entry.time = now.to_string();
        }
        self.entry.kind = kind.to_owned();
        self.entry.value = num(value, 1).to_string().replace(',', "");
        self.entry.unit = unit.to_owned();
        self.entry.note.clear();
        self.entry.reason.clear();
        self.editing = None;
        self.refusal = None;
        self.kind_filter.clear();
    }

    /// Loads a row into the form to edit it.
    pub fn edit(&mut self, event: &Event) {
        let (kind, value, unit) = event_fields(event.kind);
        self.entry = EventEntry {
            time: event.time.to_string(),
            kind: kind.code().to_owned(),
            // As written in a CSV: a number in full, `<L` below an assay's limit, or a word.
            value,
            unit: unit.to_owned(),
            note: event.note.clone().unwrap_or_default(),
            reason: event.reason.map(|r| r.code().to_owned()).unwrap_or_default(),
        };
        self.editing = Some(event.clone());
        self.refusal = None;
    }
}

/// Whether the row is an infusion stopped with rate 0 (then the stop reason matters: clinical reference
/// §5, restarts).
fn is_stop_row(entry: &EventEntry) -> bool {
    entry.kind.ends_with("_infusion") && entry.value.trim().parse::<f64>().is_ok_and(|v| v == 0.0)
}

/// The stop-reason picker, shown for a stop only.
fn stop_reason_ui(ui: &mut egui::Ui, entry: &mut EventEntry) {
    if !is_stop_row(entry) {
        entry.reason.clear();
        return;
    }
    let shown = StopReason::from_code(&entry.reason).map_or("not recorded", StopReason::label);
    let l = ui.label("Why stopped");
    egui::ComboBox::from_id_salt("entry_stop_reason")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut entry.reason, String::new(), "not recorded");
            for r in StopReason::ALL {
                ui.selectable_value(&mut entry.reason, r.code().to_owned(), r.label());
            }
        })
        .response
        .labelled_by(l.id);
}

/// The units offered for a kind: the stored ones, and for a heparin infusion also mL/h at the protocol's
/// bag (converted on entry: the pump shows mL/h).
fn offered_units(code: &str) -> Vec<&'static str> {
    let mut units = allowed_units(code).to_vec();
    if code == EventCode::UfhInfusion.code() {
        units.push("mL/h");
    }
    units
}

/// Whether a kind matches the type-ahead filter (its name or its code, any case).
fn kind_matches(code: EventCode, filter: &str) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty() || code.label().to_lowercase().contains(&f) || code.code().contains(&f)
}

/// The kind picker: a type-ahead field ("Find a kind"; Enter picks the first match) over the kinds
/// grouped as labs and doses.
fn kind_picker_ui(ui: &mut egui::Ui, form: &mut EventForm) {
    let kind_label_id = ui.label("Kind").id;
    let combo = egui::ComboBox::from_id_salt("entry_kind")
        .selected_text(kind_label(&form.entry.kind))
        .width(230.0)
        .height(420.0)
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show_ui(ui, |ui| {
            let l = ui.label("Find a kind");
            let find = ui
                .add(egui::TextEdit::singleline(&mut form.kind_filter).hint_text("type: bival, xa, plate…"))
                .labelled_by(l.id);
            if !find.has_focus() && form.kind_filter.is_empty() {
                find.request_focus();
            }
            let enter = find.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let matching: Vec<EventCode> = EventCode::ALL
                .into_iter()
                .filter(|c| kind_matches(*c, &form.kind_filter))
                .collect();
            let mut picked = None;
            if enter {
                picked = matching.first().copied();
            }
            for (heading, labs) in [("Labs", true), ("Doses", false)] {
                let group: Vec<&EventCode> = matching.iter().filter(|c| c.lab().is_some() == labs).collect();
                if group.is_empty() {
                    continue;
                }
                ui.label(RichText::new(heading).strong().color(theme::muted()));
                for code in group {
                    if ui
                        .selectable_label(form.entry.kind == code.code(), code.label())
                        .clicked()
                    {
                        picked = Some(*code);
                    }
                }
            }
            if matching.is_empty() {
                ui.label(RichText::new("no kind matches").color(theme::muted()));
            }
            if let Some(code) = picked {
                form.entry.kind = code.code().to_owned();
                form.kind_filter.clear();
                ui.close();
            }
        });
    combo.response.labelled_by(kind_label_id);
}

/// The entry as the parser reads it: a heparin rate typed in mL/h becomes units/h at the protocol's bag.
fn checked_entry(doc: &Document, form: &EventForm) -> Result<(Event, Option<String>), FieldError> {
    let bag = doc.protocol().ufh.concentration_units_per_ml.value;
    let entry = heparin_ml_per_h_to_units(&form.entry, bag)?;
    let (mut event, warning) = parse_event_entry(
        &entry,
        &doc.protocol().plausibility,
        doc.case().patient.weight.kg,
        doc.case().case_start,
        form.now,
    )?;
    // Typed on the pump's scale: kept as typed, with the bag that converted it.
    if form.entry.unit == "mL/h"
        && let Ok(ml) = crate::io::entry::parse_number("value", &form.entry.value)
        && let Ok(ml_per_h) = crate::model::MlPerHour::new(ml)
    {
        event.entered_as = Some(crate::model::EnteredRate {
            ml_per_h,
            concentration_units_per_ml: bag,
        });
    }
    Ok((event, warning))
}

/// The form: add a row, or update the row being edited. Enter in any of its fields adds the row.
pub fn event_form_ui(ui: &mut egui::Ui, doc: &Document, form: &mut EventForm, commands: &mut Vec<Command>) {
    let heading = match form.editing {
        Some(_) => "Edit event",
        None => "Add a lab result or a dose",
    };
    ui.strong(heading);
    let mut enter = false;
    let pressed_enter =
        |ui: &egui::Ui, r: &egui::Response| r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Event time");
        if ui.button("Now").clicked()
            && let Some(now) = form.now
        {
            form.entry.time = now.to_string();
        }
        let r = ui
            .add(egui::TextEdit::singleline(&mut form.entry.time).desired_width(130.0))
            .labelled_by(l.id);
        enter |= pressed_enter(ui, &r);
        let before = form.entry.kind.clone();
        kind_picker_ui(ui, form);
        let units = offered_units(&form.entry.kind);
        if form.entry.kind != before || !units.contains(&form.entry.unit.as_str()) {
            form.entry.unit = units.first().copied().unwrap_or_default().to_owned();
        }
        let l = ui.label("Value");
        let r = ui
            .add(egui::TextEdit::singleline(&mut form.entry.value).desired_width(80.0))
            .labelled_by(l.id);
        enter |= pressed_enter(ui, &r);
        let unit_label_id = ui.label("Unit").id;
        egui::ComboBox::from_id_salt("entry_unit")
            .selected_text(unit_label(&form.entry.unit))
            .show_ui(ui, |ui| {
                for u in &units {
                    ui.selectable_value(&mut form.entry.unit, (*u).to_owned(), unit_label(u));
                }
            })
            .response
            .labelled_by(unit_label_id);
        let l = ui.label("Note (optional)");
        let r = ui
            .add(egui::TextEdit::singleline(&mut form.entry.note).desired_width(160.0))
            .labelled_by(l.id);
        enter |= pressed_enter(ui, &r);
        stop_reason_ui(ui, &mut form.entry);
    });
    let checked = checked_entry(doc, form);
    ui.horizontal(|ui| {
        let valid = checked.as_ref().ok().map(|(event, _)| event.clone());
        let label = if form.editing.is_some() {
            "Update event"
        } else {
            "Add event"
        };
        let response = ui.add_enabled(valid.is_some(), egui::Button::new(label));
        if (response.clicked() || enter)
            && let Some(event) = valid
        {
            commands.push(match &form.editing {
                Some(original) => Command::ReplaceEvent(original.id, event),
                None => Command::AddEvent(event),
            });
        }
        if form.editing.is_some() && ui.button("Cancel edit").clicked() {
            form.added();
        }
        match &checked {
            Err(e) if !form.entry.value.trim().is_empty() || e.field == "time" => {
                ui.colored_label(theme::above_target(), format!("✖ {e}"));
            }
            Err(_) => {
                ui.label(RichText::new("type a value").color(theme::muted()));
            }
            Ok((_, Some(warning))) => {
                ui.colored_label(theme::caution(), format!("! {warning}"));
            }
            Ok((event, None)) => {
                ui.label(RichText::new(format!("will record: {}", event.kind.describe())).color(theme::muted()));
            }
        }
    });
    if let Ok((event, _)) = &checked
        && let EventKind::UfhInfusion(rate) = event.kind
    {
        let heparin_weight = dosing_weight(&doc.case().patient, doc.protocol(), Drug::Heparin).kg;
        let bag = doc.protocol().ufh.concentration_units_per_ml.value;
        ui.label(RichText::new(heparin_rate_equivalents(rate, heparin_weight, bag)).color(theme::muted()));
    }
    if let Some(r) = &form.refusal {
        ui.colored_label(theme::above_target(), format!("✖ not recorded: {r}"));
    }
}
