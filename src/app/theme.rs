//! The looks (issue 14: light, dark, high contrast) and the colours with clinical meaning in each. The
//! meaning colours are read through functions (`theme::above_target()`) that follow the look the shell
//! set for this frame; each look's colours are checked for contrast against its background in
//! `tests/app/themes.rs` (body text ≥ 7:1 in every look; in high contrast every colour ≥ 7:1).

use std::cell::Cell;

use eframe::egui::{self, Color32};
use serde::{Deserialize, Serialize};

use crate::analysis::StepStatus;

/// The look chosen in the View menu (remembered): the system's light or dark when it says, else light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
    HighContrast,
}

impl ThemeChoice {
    pub const ALL: [(Self, &'static str); 4] = [
        (Self::System, "Follow the system (else light)"),
        (Self::Light, "Light"),
        (Self::Dark, "Dark"),
        (Self::HighContrast, "High contrast"),
    ];

    /// From a start flag (`--theme light|dark|high-contrast|system`).
    #[must_use]
    pub fn from_flag(flag: &str) -> Option<Self> {
        match flag {
            "system" => Some(Self::System),
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            "high-contrast" => Some(Self::HighContrast),
            _ => None,
        }
    }
}

/// The look in use this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Light,
    Dark,
    HighContrast,
}

/// Every colour of a look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color32,
    pub text: Color32,
    pub strong: Color32,
    pub muted: Color32,
    pub in_range: Color32,
    pub below_target: Color32,
    pub above_target: Color32,
    pub caution: Color32,
    /// Heparin boluses on the dose plot (not the amber of cautions).
    pub bolus: Color32,
    /// The anti-Xa forecast (a provisional model): a hue of its own, never a measured result's.
    pub forecast: Color32,
}

impl Look {
    pub const ALL: [Self; 3] = [Self::Light, Self::Dark, Self::HighContrast];

    #[must_use]
    pub fn palette(self) -> Palette {
        let rgb = Color32::from_rgb;
        match self {
            Self::Dark => Palette {
                background: rgb(27, 27, 27),
                text: rgb(215, 215, 215),
                strong: rgb(255, 255, 255),
                muted: rgb(165, 165, 165),
                in_range: rgb(95, 190, 125),
                below_target: rgb(120, 165, 240),
                above_target: rgb(245, 120, 105),
                caution: rgb(232, 185, 70),
                bolus: rgb(200, 140, 235),
                forecast: rgb(80, 200, 205),
            },
            Self::Light => Palette {
                background: rgb(248, 248, 248),
                text: rgb(25, 25, 25),
                strong: rgb(0, 0, 0),
                muted: rgb(90, 90, 90),
                in_range: rgb(25, 115, 55),
                below_target: rgb(25, 85, 185),
                above_target: rgb(185, 35, 30),
                caution: rgb(135, 85, 0),
                bolus: rgb(120, 45, 160),
                forecast: rgb(0, 118, 124),
            },
            Self::HighContrast => Palette {
                background: rgb(255, 255, 255),
                text: rgb(0, 0, 0),
                strong: rgb(0, 0, 0),
                muted: rgb(50, 50, 50),
                in_range: rgb(0, 90, 30),
                below_target: rgb(0, 50, 160),
                above_target: rgb(150, 0, 0),
                caution: rgb(105, 60, 0),
                bolus: rgb(90, 0, 130),
                forecast: rgb(0, 85, 90),
            },
        }
    }

    /// egui's visuals for the look: body text and panels from the palette, 1-px strokes made 2 px in
    /// high contrast.
    #[must_use]
    pub fn visuals(self) -> egui::Visuals {
        let p = self.palette();
        let mut v = match self {
            Self::Dark => egui::Visuals::dark(),
            Self::Light | Self::HighContrast => egui::Visuals::light(),
        };
        v.panel_fill = p.background;
        v.window_fill = p.background;
        v.extreme_bg_color = if self == Self::Dark {
            Color32::from_rgb(12, 12, 12)
        } else {
            Color32::WHITE
        };
        v.widgets.noninteractive.fg_stroke.color = p.text;
        v.widgets.inactive.fg_stroke.color = p.text;
        v.weak_text_color = Some(p.muted);
        v.hyperlink_color = p.below_target;
        if self == Self::Light {
            // A white field on a near-white panel needs an outline to be seen.
            v.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::from_rgb(160, 160, 160));
        }
        if self == Self::Dark {
            // A near-black field on a dark panel too (issue 29: dark text fields showed no border).
            v.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::from_rgb(110, 110, 110));
        }
        if self == Self::HighContrast {
            v.override_text_color = Some(p.text);
            for w in [
                &mut v.widgets.noninteractive,
                &mut v.widgets.inactive,
                &mut v.widgets.hovered,
                &mut v.widgets.active,
            ] {
                w.bg_stroke = egui::Stroke::new(w.bg_stroke.width.max(1.0) * 2.0, Color32::BLACK);
            }
            v.widgets.inactive.weak_bg_fill = Color32::from_rgb(235, 235, 235);
            v.selection.bg_fill = Color32::from_rgb(255, 225, 120);
            v.selection.stroke = egui::Stroke::new(2.0, Color32::BLACK);
        }
        v
    }
}

thread_local! {
    /// The look of the frame being drawn (the app draws on one thread; each test thread has its own).
    static CURRENT: Cell<Look> = const { Cell::new(Look::Dark) };
}

/// Smallest text anywhere (issue 14: at least 11 px).
pub const MIN_TEXT_PX: f32 = 11.0;

/// Applies the chosen look to the context (both of egui's themes, so "follow the system" can switch
/// them) and makes it the look of the meaning colours. The shell calls this at the start of each frame.
pub fn apply(ctx: &egui::Context, choice: ThemeChoice) {
    let (preference, light) = match choice {
        ThemeChoice::System => (egui::ThemePreference::System, Look::Light),
        ThemeChoice::Light => (egui::ThemePreference::Light, Look::Light),
        ThemeChoice::Dark => (egui::ThemePreference::Dark, Look::Light),
        ThemeChoice::HighContrast => (egui::ThemePreference::Light, Look::HighContrast),
    };
    let applied = ctx.data(|d| d.get_temp::<ThemeChoice>(egui::Id::unique("applied theme")));
    if applied != Some(choice) {
        ctx.options_mut(|o| o.fallback_theme = egui::Theme::Light);
        ctx.set_theme(preference);
        ctx.set_visuals_of(egui::Theme::Light, light.visuals());
        ctx.set_visuals_of(egui::Theme::Dark, Look::Dark.visuals());
        ctx.all_styles_mut(|s| {
            for (style, font) in &mut s.text_styles {
                if *style == egui::TextStyle::Small || font.size < MIN_TEXT_PX {
                    font.size = font.size.max(MIN_TEXT_PX);
                }
            }
        });
        ctx.data_mut(|d| d.insert_temp(egui::Id::unique("applied theme"), choice));
    }
    let look = match (choice, ctx.theme()) {
        (ThemeChoice::HighContrast, _) => Look::HighContrast,
        (_, egui::Theme::Dark) => Look::Dark,
        (_, egui::Theme::Light) => Look::Light,
    };
    CURRENT.with(|c| c.set(look));
}

/// The look of the frame being drawn.
#[must_use]
pub fn current() -> Look {
    CURRENT.with(Cell::get)
}

fn palette() -> Palette {
    current().palette()
}

/// In the target range (and the shaded target bands).
#[must_use]
pub fn in_range() -> Color32 {
    palette().in_range
}

/// Below the target range.
#[must_use]
pub fn below_target() -> Color32 {
    palette().below_target
}

/// Above the target range, and refusals.
#[must_use]
pub fn above_target() -> Color32 {
    palette().above_target
}

/// Warnings and caveats (soft limits, input problems, things to check).
#[must_use]
pub fn caution() -> Color32 {
    palette().caution
}

/// Secondary text (sources, hints).
#[must_use]
pub fn muted() -> Color32 {
    palette().muted
}

/// Heparin boluses on the dose plot.
#[must_use]
pub fn bolus() -> Color32 {
    palette().bolus
}

/// The anti-Xa forecast's line and bands.
#[must_use]
pub fn forecast() -> Color32 {
    palette().forecast
}

/// The strongest text colour (the "now" line).
#[must_use]
pub fn strong() -> Color32 {
    palette().strong
}

/// Success (a save, a copy), as the status line shows it.
#[must_use]
pub fn success() -> Color32 {
    in_range()
}

/// The teaching band (issue 28): the purple no warning about a patient uses.
#[must_use]
pub fn teaching() -> Color32 {
    palette().bolus
}

/// Failure (a refusal, an error).
#[must_use]
pub fn failure() -> Color32 {
    above_target()
}

/// WCAG contrast ratio of two colours (1 to 21).
#[must_use]
pub fn contrast(a: Color32, b: Color32) -> f64 {
    fn luminance(c: Color32) -> f64 {
        let channel = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The colour of an algorithm step's status. "Met" and "not met" are not good or bad in themselves (a
/// met data check is good news, a met resistance criterion is not): they keep the text colour and are
/// told apart by their icon and word; missing data is a warning, a step that does not apply is muted.
#[must_use]
pub fn step_status(status: StepStatus) -> Option<Color32> {
    match status {
        StepStatus::Met | StepStatus::NotMet => None,
        StepStatus::NeedsData => Some(caution()),
        StepStatus::NotApplicable => Some(muted()),
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
