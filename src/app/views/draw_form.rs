//! The quick entry of a draw (issue 13): one row with the time (a Now button; "14:05" is its most
//! recent past occurrence) and any of aPTT, anti-Xa, antithrombin, platelets and fibrinogen. Enter adds
//! the whole draw or nothing, with every refused field named — the CSV import's rules. The keyboard
//! (issue 28): Now puts it in the aPTT, a refused field keeps it and is outlined, the row clears after
//! a draw.

use eframe::egui::{self, RichText};

use crate::io::entry::refuse_clock_alone_after_a_gap;
use crate::io::quick_entry::{DrawEntry, parse_draw};
use crate::model::ClinicalTime;

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

use super::widgets::{entry_field, pressed_enter};

/// The typed draw and what was refused when it was last submitted.
#[derive(Default)]
pub struct DrawForm {
    entry: DrawEntry,
    refused: Vec<String>,
    /// The fields the last submission refused ("time", "aPTT", …; "draw": no lab typed): outlined.
    refused_fields: Vec<&'static str>,
    /// The field to give the keyboard back to at the next frame (a refused Enter keeps the focus).
    refocus: Option<&'static str>,
    /// "Now", set by the shell each frame (the wall clock, or a test's fixed time).
    now: Option<ClinicalTime>,
}

impl DrawForm {
    pub fn set_now(&mut self, now: ClinicalTime) {
        self.now = Some(now);
    }

    /// After the draw was added: cleared, the time too (issue 28: a kept time was taken for the next
    /// draw's).
    pub fn added(&mut self) {
        self.entry = DrawEntry::default();
        self.refused.clear();
        self.refused_fields.clear();
        // The keyboard stays in the row, on its Now: Enter takes the clock for the next draw, Tab the time
        // field (it reached the case bar's New… — the review); a button is not typing, so Ctrl+Z undoes.
        self.refocus = Some("now");
    }

    /// The case refused the draw (a duplicate at the same minute, before the case start): the time is
    /// the field to look at.
    pub fn refused(&mut self, why: Vec<String>) {
        self.refused = why;
        self.refused_fields = vec!["time"];
        self.refocus = Some("time");
    }
}

/// The lab fields of the row: (the parser's field name, the label on screen).
const LAB_FIELDS: [(&str, &str); 5] = [
    ("aPTT", "aPTT (s)"),
    ("anti-Xa", "anti-Xa (units/mL)"),
    ("antithrombin", "AT (%)"),
    ("platelets", "Platelets (× 10⁹/L)"),
    ("fibrinogen", "Fibrinogen (g/L)"),
];

/// The typed text of a lab field, by the parser's field name.
fn lab_text<'a>(entry: &'a mut DrawEntry, field: &str) -> Option<&'a mut String> {
    Some(match field {
        "aPTT" => &mut entry.aptt,
        "anti-Xa" => &mut entry.anti_xa,
        "antithrombin" => &mut entry.antithrombin,
        "platelets" => &mut entry.platelets,
        "fibrinogen" => &mut entry.fibrinogen,
        _ => return None,
    })
}

/// The draw row.
pub fn draw_form_ui(ui: &mut egui::Ui, doc: &Document, form: &mut DrawForm, commands: &mut Vec<Command>) {
    ui.strong("Quick entry: a draw");
    let mut submit = false;
    let refocus = form.refocus.take();
    ui.horizontal_wrapped(|ui| {
        // Now before the time field: Tab goes from the time straight to the aPTT.
        let l = ui.label("Draw time");
        let mut now_clicked = false;
        let now_button = ui.button("Now");
        if refocus == Some("now") {
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
            form.refused_fields.contains(&"time"),
            refocus == Some("time"),
        );
        submit |= pressed_enter(ui, &r);
        for (field, label) in LAB_FIELDS {
            let l = ui.label(label);
            // "No lab typed" puts the keyboard in the first lab, the aPTT; so does Now.
            let first = field == "aPTT";
            let refused = form.refused_fields.contains(&field) || (first && form.refused_fields.contains(&"draw"));
            let back = refocus == Some(field) || (first && (refocus == Some("draw") || now_clicked));
            if let Some(text) = lab_text(&mut form.entry, field) {
                let r = entry_field(ui, text, 50.0, l.id, refused, back);
                submit |= pressed_enter(ui, &r);
            }
        }
        let e = &mut form.entry;
        // The analyser's flag on the sample, for every lab of the draw.
        let l = ui.label("Sample flag");
        egui::ComboBox::from_id_salt("draw_interference")
            .selected_text(e.interference.map_or("none", |i| i.code()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut e.interference, None, "none");
                for i in crate::model::Interference::ALL {
                    ui.selectable_value(&mut e.interference, Some(i), i.code());
                }
            })
            .response
            .labelled_by(l.id);
        submit |= ui.button("Add draw (Enter)").clicked();
    });
    ui.label(
        RichText::new("Time: YYYY-MM-DDTHH:MM, or the clock alone (14:05 = its latest past occurrence). Empty fields are tests not drawn.")
            .small()
            .color(theme::muted()),
    );
    if submit {
        let parsed = parse_draw(
            &form.entry,
            &doc.protocol().plausibility,
            doc.case().patient.weight.kg,
            doc.case().case_start,
            form.now,
        );
        // A clock alone on a case whose last event is long past must be dated.
        let parsed = parsed.and_then(|draw| {
            let read_as = draw.events.first().map(|e| e.time);
            match read_as
                .map(|t| refuse_clock_alone_after_a_gap("time", &form.entry.time, t, doc.case().last_event_time()))
            {
                Some(Err(e)) => Err(vec![e]),
                _ => Ok(draw),
            }
        });
        match parsed {
            Ok(draw) => commands.push(Command::AddDraw(draw)),
            Err(errors) => {
                form.refused = errors.iter().map(ToString::to_string).collect();
                form.refused_fields = errors.iter().map(|e| e.field).collect();
                form.refocus = errors.first().map(|e| e.field);
            }
        }
    }
    for r in &form.refused {
        ui.colored_label(theme::above_target(), format!("✖ not added: {r}"));
    }
}
