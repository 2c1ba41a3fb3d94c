//! Colours with clinical meaning, in one place.

use eframe::egui::Color32;

use crate::analysis::StepStatus;

/// In the target range (and the shaded target bands).
pub const IN_RANGE: Color32 = Color32::from_rgb(80, 170, 110);
/// Below the target range.
pub const BELOW_TARGET: Color32 = Color32::from_rgb(90, 140, 220);
/// Above the target range, and refusals.
pub const ABOVE_TARGET: Color32 = Color32::from_rgb(225, 95, 85);
/// Warnings and caveats (soft limits, input problems, things to check).
pub const CAUTION: Color32 = Color32::from_rgb(230, 180, 60);
pub const MUTED: Color32 = Color32::from_rgb(140, 140, 140);

/// Success (a save, a copy), as the status line shows it.
pub const SUCCESS: Color32 = IN_RANGE;
/// Failure (a refusal, an error).
pub const FAILURE: Color32 = ABOVE_TARGET;

/// The colour of an algorithm step's status. "Met" and "not met" are not good or bad in themselves (a
/// met data check is good news, a met resistance criterion is not): they keep the text colour and are
/// told apart by their icon and word; missing data is a warning, a step that does not apply is muted.
#[must_use]
pub fn step_status(status: StepStatus) -> Option<Color32> {
    match status {
        StepStatus::Met | StepStatus::NotMet => None,
        StepStatus::NeedsData => Some(CAUTION),
        StepStatus::NotApplicable => Some(MUTED),
    }
}

/// DejaVu Sans as the last fallback font: the engine's explanations use →, ≥, ≈, ×, ⁹ and −, which
/// egui's default font lacks. Licence: assets/fonts/LICENSE-DejaVu.txt (Bitstream Vera, free).
pub fn install_fonts(ctx: &eframe::egui::Context) {
    use eframe::egui::{FontData, FontFamily};
    use eframe::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    ctx.add_font(FontInsert::new(
        "DejaVuSans",
        FontData::from_static(include_bytes!("../../assets/fonts/DejaVuSans.ttf")),
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}
