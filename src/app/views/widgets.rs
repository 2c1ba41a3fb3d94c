//! Small widgets more than one view draws (a view imports these, never another view): the 4Ts points
//! choice and the typed entry field with its keyboard rules.

use eframe::egui;

use crate::model::FourTsPoints;

/// A 4Ts item the clinician scores: not entered, 0, 1 or 2.
pub fn points_choice(ui: &mut egui::Ui, value: &mut Option<FourTsPoints>) -> bool {
    let mut changed = ui.radio_value(value, None, "not entered").changed();
    for p in 0..=2u8 {
        if let Ok(option) = FourTsPoints::new(p) {
            changed |= ui.radio_value(value, Some(option), p.to_string()).changed();
        }
    }
    changed
}

/// A typed field (a time, a value) with the keyboard rules of issue 28: everything is selected when it
/// gains the keyboard, so a click or Tab then typing replaces the old text (a click once inserted into
/// it: "2026-12-12:3505T06:10"); `refused` outlines it in red; `refocus` gives it the keyboard back (a
/// refused Enter keeps the focus in the field it refused).
pub fn entry_field(
    ui: &mut egui::Ui,
    text: &mut String,
    width: f32,
    label: egui::Id,
    refused: bool,
    refocus: bool,
) -> egui::Response {
    let response = ui
        .add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(label);
    if refocus {
        response.request_focus();
    }
    if (response.gained_focus() || refocus)
        && let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), response.id)
    {
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::select_all_str(text)));
        state.store(ui.ctx(), response.id);
    }
    if refused {
        ui.painter().rect_stroke(
            response.rect.expand(1.0),
            2.0,
            egui::Stroke::new(2.0, crate::app::theme::failure()),
            egui::StrokeKind::Outside,
        );
    }
    response
}

/// Whether Enter was pressed in this field (it gave up the keyboard to it).
#[must_use]
pub fn pressed_enter(ui: &egui::Ui, response: &egui::Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}
