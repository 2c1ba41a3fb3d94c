//! The looks (issue 14): light, dark and high contrast, each with readable colours; the default follows
//! the system when it says, else light; no text under 11 px.

use anticoag_planner::app::theme::{Look, MIN_TEXT_PX, ThemeChoice, contrast};

use super::*;

#[test]
fn every_look_has_readable_body_text_and_high_contrast_reads_at_seven_to_one() {
    for look in Look::ALL {
        let p = look.palette();
        let body = contrast(p.text, p.background);
        assert!(body >= 7.0, "{look:?}: body text {body:.1}:1");
        let meaning = [
            ("muted", p.muted),
            ("in range", p.in_range),
            ("below target", p.below_target),
            ("above target", p.above_target),
            ("caution", p.caution),
            ("bolus", p.bolus),
        ];
        let least = if look == Look::HighContrast { 7.0 } else { 4.5 };
        for (name, colour) in meaning {
            let c = contrast(colour, p.background);
            assert!(c >= least, "{look:?}: {name} {c:.1}:1 < {least}:1");
        }
        // The colours that mean different things are not the same colour.
        assert_ne!(p.caution, p.bolus);
        assert_ne!(p.below_target, p.above_target);
    }
    // The contrast function itself: black on white is 21:1, a colour on itself 1:1.
    assert!((contrast(egui::Color32::BLACK, egui::Color32::WHITE) - 21.0).abs() < 0.01);
    assert!((contrast(egui::Color32::GRAY, egui::Color32::GRAY) - 1.0).abs() < 1e-9);
}

#[test]
fn the_default_is_light_when_the_system_says_nothing_and_the_view_menu_switches_the_look() {
    let mut h = harness();
    h.run();
    assert_eq!(h.state().preferences().theme, ThemeChoice::System);
    assert_eq!(h.ctx.theme(), egui::Theme::Light, "no system theme: light");
    assert_eq!(anticoag_planner::app::theme::current(), Look::Light);
    click(&mut h, "View");
    click(&mut h, "High contrast");
    h.run();
    assert_eq!(h.state().preferences().theme, ThemeChoice::HighContrast, "remembered");
    assert_eq!(h.ctx.global_style().visuals.panel_fill, egui::Color32::WHITE);
    assert_eq!(anticoag_planner::app::theme::current(), Look::HighContrast);
    click(&mut h, "View");
    click(&mut h, "Dark");
    h.run();
    assert!(h.ctx.global_style().visuals.dark_mode);
    // No text style under 11 px, in every look.
    for (style, font) in &h.ctx.global_style().text_styles {
        assert!(font.size >= MIN_TEXT_PX, "{style:?} is {} px", font.size);
    }
}
