//! The form that adds or edits one event, used by the Timeline and the Bypass views. It offers only
//! the units the kind allows and checks the row with the same rules as the CSV import as you type: a
//! soft limit shows a warning, a hard limit a refusal. Nothing is recorded until Add or Update.

use eframe::egui::{self, RichText};

use crate::dosing::weight::{Drug, dosing_weight};
use crate::io::entry::{EventEntry, FieldError, parse_event_entry, refuse_clock_alone_after_a_gap};
use crate::io::event_fields;
use crate::io::quick_entry::{heparin_ml_per_h_to_units, heparin_rate_equivalents};
use crate::model::{ClinicalTime, Event, EventCode, EventKind, StopReason, num};

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

use super::widgets::{entry_field, pressed_enter};

/// Where the keyboard goes at the next frame (issue 28): the form's Now after a row is recorded, the time
/// after the case refused a row, Value after a kind is picked, the kind list's filter after keys typed on
/// the closed picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Now,
    Time,
    Value,
    Find,
}

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
    /// The field to give the keyboard to at the next frame: "value" after a kind is picked, the
    /// refused field after a refused Enter (issue 28).
    refocus: Option<Focus>,
    /// The field the last refusal named ("time", "value"): outlined until the next try.
    refused_field: Option<&'static str>,
    /// The kind a view last offered ([`EventForm::offer_kind`]).
    offered: Option<&'static str>,
    /// The wall clock (or a test's fixed time), set by the shell each frame: a time more than a few
    /// minutes after it is refused, as by the CSV import.
    now: Option<ClinicalTime>,
}

impl EventForm {
    /// An empty form, the time too (the review: a form filled with the case's last event time back-dated
    /// a value typed with Enter).
    #[must_use]
    pub fn empty() -> Self {
        Self {
            entry: EventEntry {
                time: String::new(),
                kind: "aptt".to_owned(),
                value: String::new(),
                unit: "s".to_owned(),
                note: String::new(),
                reason: String::new(),
            },
            editing: None,
            refusal: None,
            kind_filter: String::new(),
            refocus: None,
            refused_field: None,
            offered: None,
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
        self.refused_field = None;
    }

    /// After the case recorded the row (Add or Update): as [`Self::added`], and the keyboard goes to the
    /// form's Now, so that Tab stays in the form (it reached the case bar's New… — the review).
    pub fn recorded(&mut self) {
        self.added();
        self.refocus = Some(Focus::Now);
    }

    /// The case refused the row (a second result of the test at the same minute, before the case
    /// start): the time keeps the keyboard, outlined.
    pub fn refused(&mut self, why: String) {
        self.refusal = Some(why);
        self.refused_field = Some("time");
        self.refocus = Some(Focus::Time);
    }

    /// Offers the kind a view expects (ACT in the Bypass view, issue 29) once, when the view shows the form
    /// and nothing is typed or edited; the user's own choice afterwards stands.
    pub fn offer_kind(&mut self, code: &'static str) {
        if self.offered == Some(code) {
            return;
        }
        self.offered = Some(code);
        if self.editing.is_none() && self.entry.value.trim().is_empty() && self.kind_filter.is_empty() {
            code.clone_into(&mut self.entry.kind);
        }
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

/// Whether a kind matches the type-ahead filter: every typed word is in its name or its code, any case.
fn kind_matches(code: EventCode, filter: &str) -> bool {
    let label = code.label().to_lowercase();
    filter
        .to_lowercase()
        .split_whitespace()
        .all(|word| label.contains(word) || code.code().contains(word))
}

/// Whether every typed word starts a word of the kind's name ("hep i": heparin infusion rate, not
/// heparin bolus, whose "i" is inside a word). Such kinds come first in the list.
fn kind_starts_words(code: EventCode, filter: &str) -> bool {
    let label = code.label().to_lowercase();
    let words: Vec<&str> = label.split(|c: char| c.is_whitespace() || c == '-').collect();
    filter
        .to_lowercase()
        .split_whitespace()
        .all(|typed| words.iter().any(|w| w.starts_with(typed)) || code.code().starts_with(typed))
}

/// The kinds the filter matches, those whose words it starts first, each group in the table's order.
fn matching_kinds(filter: &str) -> Vec<EventCode> {
    let mut matching: Vec<EventCode> = EventCode::ALL
        .into_iter()
        .filter(|c| kind_matches(*c, filter))
        .collect();
    matching.sort_by_key(|c| !kind_starts_words(*c, filter));
    matching
}

/// Letters and digits typed while the kind picker has the keyboard and its list is closed: they
/// open the list as its filter (type-ahead).
fn typed_ahead(ui: &egui::Ui) -> String {
    ui.input(|i| {
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect::<String>()
    })
    .chars()
    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
    .collect::<String>()
    // A leading space is the key that opens the list, not a letter of the filter.
    .trim_start()
    .to_owned()
}

/// The kind picker: a list of the kinds grouped as labs and doses, with a type-ahead filter ("Find a
/// kind"). From the keyboard: Tab to it and type (the list opens with what was typed), then Enter or
/// Tab takes the first match and the keyboard goes to Value (issue 28: it went nowhere, and the next
/// Tab reached New…). `focus`: give the picker the keyboard (after Now).
fn kind_picker_ui(ui: &mut egui::Ui, form: &mut EventForm, focus: bool) {
    let kind_label_id = ui.label("Kind").id;
    let mut picked = None;
    let mut opened_by_typing = false;
    let combo = egui::ComboBox::from_id_salt("entry_kind")
        .selected_text(kind_label(&form.entry.kind))
        .width(230.0)
        .height(420.0)
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show_ui(ui, |ui| {
            let l = ui.label("Find a kind");
            let find = ui
                .add(egui::TextEdit::singleline(&mut form.kind_filter).hint_text("type: bival, xa, hep inf…"))
                .labelled_by(l.id);
            if !find.has_focus() && (form.kind_filter.is_empty() || form.refocus == Some(Focus::Find)) {
                find.request_focus();
                if form.refocus == Some(Focus::Find) {
                    form.refocus = None;
                    // Keys typed in the frame the list opened reached no field yet: they are the filter's.
                    form.kind_filter.push_str(&typed_ahead(ui));
                    // The cursor after what was typed on the closed picker.
                    if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), find.id) {
                        let end = egui::text::CCursor::new(form.kind_filter.chars().count());
                        state.cursor.set_char_range(Some(egui::text::CCursorRange::one(end)));
                        state.store(ui.ctx(), find.id);
                    }
                }
            }
            let took_first =
                find.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter) || i.key_pressed(egui::Key::Tab));
            let matching = matching_kinds(&form.kind_filter);
            if took_first {
                picked = matching.first().copied();
                // Nothing matches: the list stays open with the keyboard in the filter, and the kind is
                // unchanged — never a silent fall back to the previous kind (it recorded "aPTT 16 s").
                if picked.is_none() {
                    find.request_focus();
                    // Tab moves the keyboard on at the end of the frame: ask again at the next.
                    form.refocus = Some(Focus::Find);
                }
            }
            if let Some(first) = matching.first().filter(|_| !form.kind_filter.trim().is_empty()) {
                ui.label(RichText::new(format!("Enter or Tab: {}", first.label())).color(theme::muted()));
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
                ui.colored_label(
                    theme::caution(),
                    format!(
                        "no kind matches '{}': the kind is still {}",
                        form.kind_filter.trim(),
                        kind_label(&form.entry.kind)
                    ),
                );
            }
            if picked.is_some() {
                ui.close();
            }
        });
    let button = combo.response.labelled_by(kind_label_id);
    if focus {
        button.request_focus();
    }
    if button.has_focus() && !egui::ComboBox::is_open(ui.ctx(), button.id) {
        let typed = typed_ahead(ui);
        if !typed.is_empty() {
            form.kind_filter = typed;
            opened_by_typing = true;
        }
    }
    if opened_by_typing {
        egui::Popup::open_id(ui.ctx(), button.id.with("popup"));
        form.refocus = Some(Focus::Find);
    }
    if let Some(code) = picked {
        form.entry.kind = code.code().to_owned();
        form.kind_filter.clear();
        form.refocus = Some(Focus::Value);
    }
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
    // An edit keeps its own time; a new row's clock alone on a case long past must be dated.
    if form.editing.is_none() {
        refuse_clock_alone_after_a_gap("time", &form.entry.time, event.time, doc.case().last_event_time())?;
    }
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

/// Whether the field a refusal names has been typed in: an empty form shows no refusal (the review: the
/// empty time was outlined red, with an example date from another case, before anything was typed).
fn typed(entry: &EventEntry, field: &str) -> bool {
    let text = if field == "time" { &entry.time } else { &entry.value };
    !text.trim().is_empty()
}

/// Under the form: what will be recorded, the soft warning, or the refusal ("type a time and a value"
/// while nothing is typed).
fn checked_line_ui(ui: &mut egui::Ui, checked: &Result<(Event, Option<String>), FieldError>, entry: &EventEntry) {
    match checked {
        Err(e) if typed(entry, e.field) => {
            ui.colored_label(theme::above_target(), format!("✖ {e}"));
        }
        Err(_) => {
            ui.label(RichText::new("type a time and a value").color(theme::muted()));
        }
        Ok((_, Some(warning))) => {
            ui.colored_label(theme::caution(), format!("! {warning}"));
        }
        Ok((event, None)) => {
            ui.label(RichText::new(format!("will record: {}", event.kind.describe())).color(theme::muted()));
        }
    }
}

/// The form: add a row, or update the row being edited. Enter in any of its fields adds the row.
pub fn event_form_ui(ui: &mut egui::Ui, doc: &Document, form: &mut EventForm, commands: &mut Vec<Command>) {
    let heading = match form.editing {
        Some(_) => "Edit event",
        None => "Add a lab result or a dose",
    };
    ui.strong(heading);
    let mut enter = false;
    let refocus = form.refocus.filter(|f| *f != Focus::Find);
    if refocus.is_some() {
        form.refocus = None;
    }
    let checked_before = checked_entry(doc, form);
    let outlined = |field: &str| {
        form.refused_field == Some(field)
            || matches!(&checked_before, Err(e) if e.field == field && typed(&form.entry, field))
    };
    let (time_refused, value_refused) = (outlined("time"), outlined("value"));
    // The keyboard's order (issue 28): time → kind → value → unit → Add, then the note.
    let mut add_clicked = false;
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Event time");
        let mut now_clicked = false;
        let now_button = ui.button("Now");
        if refocus == Some(Focus::Now) {
            now_button.request_focus();
        }
        if now_button.clicked()
            && let Some(now) = form.now
        {
            form.entry.time = now.to_string();
            now_clicked = true;
        }
        let r = entry_field(
            ui,
            &mut form.entry.time,
            130.0,
            l.id,
            time_refused,
            refocus == Some(Focus::Time),
        );
        enter |= pressed_enter(ui, &r);
        let before = form.entry.kind.clone();
        kind_picker_ui(ui, form, now_clicked);
        let units = offered_units(&form.entry.kind);
        if form.entry.kind != before || !units.contains(&form.entry.unit.as_str()) {
            form.entry.unit = units.first().copied().unwrap_or_default().to_owned();
        }
        // A kind just picked hands the keyboard to Value in this frame.
        let to_value = refocus == Some(Focus::Value) || form.refocus == Some(Focus::Value);
        if form.refocus == Some(Focus::Value) {
            form.refocus = None;
        }
        let l = ui.label("Value");
        let r = entry_field(ui, &mut form.entry.value, 80.0, l.id, value_refused, to_value);
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
        let label = if form.editing.is_some() {
            "Update event"
        } else {
            "Add event"
        };
        add_clicked = ui
            .add_enabled(checked_before.is_ok(), egui::Button::new(label))
            .clicked();
    });
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Note (optional)");
        let r = ui
            .add(egui::TextEdit::singleline(&mut form.entry.note).desired_width(160.0))
            .labelled_by(l.id);
        enter |= pressed_enter(ui, &r);
        stop_reason_ui(ui, &mut form.entry);
        if form.editing.is_some() && ui.button("Cancel edit").clicked() {
            form.added();
        }
    });
    let checked = checked_entry(doc, form);
    if add_clicked || enter {
        match &checked {
            Ok((event, _)) => {
                form.refused_field = None;
                commands.push(match &form.editing {
                    Some(original) => Command::ReplaceEvent(original.id, event.clone()),
                    None => Command::AddEvent(event.clone()),
                });
            }
            // A refused Enter keeps the keyboard in the field it refused, outlined.
            Err(e) => {
                let (field, focus) = if e.field == "time" {
                    ("time", Focus::Time)
                } else {
                    ("value", Focus::Value)
                };
                form.refused_field = Some(field);
                form.refocus = Some(focus);
            }
        }
    }
    checked_line_ui(ui, &checked, &form.entry);
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
