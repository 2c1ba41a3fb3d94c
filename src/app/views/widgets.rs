//! Small widgets more than one view draws (a view imports these, never another view).

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
