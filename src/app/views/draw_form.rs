//! The quick entry of a draw (issue 13): one row with the time (a Now button; "14:05" is its most
//! recent past occurrence) and any of aPTT, anti-Xa, antithrombin, platelets and fibrinogen. Enter adds
//! the whole draw or nothing, with every refused field named — the CSV import's rules.

use eframe::egui::{self, RichText};

use crate::io::quick_entry::{DrawEntry, parse_draw};
use crate::model::ClinicalTime;

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// The typed draw and what was refused when it was last submitted.
#[derive(Default)]
pub struct DrawForm {
    entry: DrawEntry,
    refused: Vec<String>,
    /// "Now", set by the shell each frame (the wall clock, or a test's fixed time).
    now: Option<ClinicalTime>,
}

impl DrawForm {
    pub fn set_now(&mut self, now: ClinicalTime) {
        self.now = Some(now);
    }

    /// After the draw was added: the labs are cleared, the time kept (the next row is often a dose at
    /// the same time).
    pub fn added(&mut self) {
        let time = std::mem::take(&mut self.entry.time);
        self.entry = DrawEntry {
            time,
            ..DrawEntry::default()
        };
        self.refused.clear();
    }

    /// The case refused the draw (a duplicate at the same minute, before the case start).
    pub fn refused(&mut self, why: Vec<String>) {
        self.refused = why;
    }
}

/// One labelled field of the row; whether Enter was pressed in it.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) -> bool {
    let l = ui.label(label);
    let r = ui
        .add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(l.id);
    r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// The draw row.
pub fn draw_form_ui(ui: &mut egui::Ui, doc: &Document, form: &mut DrawForm, commands: &mut Vec<Command>) {
    ui.strong("Quick entry: a draw");
    let mut submit = false;
    ui.horizontal_wrapped(|ui| {
        // Now before the time field: Tab goes from the time straight to the aPTT.
        let l = ui.label("Draw time");
        if ui.button("Now").clicked()
            && let Some(now) = form.now
        {
            form.entry.time = now.to_string();
        }
        let r = ui
            .add(egui::TextEdit::singleline(&mut form.entry.time).desired_width(130.0))
            .labelled_by(l.id);
        submit |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let e = &mut form.entry;
        submit |= field(ui, "aPTT (s)", &mut e.aptt, 50.0);
        submit |= field(ui, "anti-Xa (units/mL)", &mut e.anti_xa, 50.0);
        submit |= field(ui, "AT (%)", &mut e.antithrombin, 50.0);
        submit |= field(ui, "Platelets (× 10⁹/L)", &mut e.platelets, 50.0);
        submit |= field(ui, "Fibrinogen (g/L)", &mut e.fibrinogen, 50.0);
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
        match parsed {
            Ok(draw) => commands.push(Command::AddDraw(draw)),
            Err(errors) => form.refused = errors.iter().map(ToString::to_string).collect(),
        }
    }
    for r in &form.refused {
        ui.colored_label(theme::above_target(), format!("✖ not added: {r}"));
    }
}
