//! The recommendation card and the algorithm stepper: what the engine advises at the cursor, and why.

use eframe::egui::{self, RichText};

use crate::analysis::clock::{AgainstClock, CLOCK_APPLIES_WITHIN_H, ClockDue, hours_minutes};
use crate::analysis::{Action, Analysis, StepId, StepStatus};
use crate::model::num;
use crate::present::people::people_times;
use crate::present::report::{DangerLine, danger_lines, paused_line, to_text_for};

use crate::app::command::Command;
use crate::app::forecasting::{ForecastLine, NextResult};
use crate::app::theme;

/// A full-width band of one colour with its text in strong type: the danger banners and the teaching band.
fn band_ui(ui: &mut egui::Ui, colour: egui::Color32, text: &str) {
    egui::Frame::new()
        .fill(colour.gamma_multiply(0.25))
        .stroke(egui::Stroke::new(1.5, colour))
        .inner_margin(6.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(text).strong().color(ui.visuals().strong_text_color()));
        });
}

fn banner_ui(ui: &mut egui::Ui, b: &DangerLine) {
    let colour = if b.grave {
        theme::above_target()
    } else {
        theme::caution()
    };
    band_ui(ui, colour, &format!("⚠ {}", b.text));
}

/// "TEACHING CASE — not a patient" across the top of the card: a band of its own colour, never a
/// warning about a patient.
pub fn teaching_band_ui(ui: &mut egui::Ui, band: &str) {
    band_ui(ui, theme::teaching(), band);
}

/// The part of the card that never scrolls away: the banners, the action and the weights it used.
pub fn card_header_ui(ui: &mut egui::Ui, analysis: &Analysis, paused: Option<&str>, marks: &[String]) {
    banners_ui(ui, analysis, paused, marks);
    card_action_ui(ui, analysis, paused);
}

/// The banners alone: a past state, the workstation's marks, a paused advice and the dangers. Predict
/// first shows them while it asks (the review: they vanished with the advice); they say what the
/// patient is in, not what to do.
pub fn banners_ui(ui: &mut egui::Ui, analysis: &Analysis, paused: Option<&str>, marks: &[String]) {
    // An unapproved protocol (issue 26) first: everything below follows it.
    let marked = marks.iter().map(|m| DangerLine {
        grave: true,
        text: m.clone(),
    });
    // A replayed past is said first of all (issue 28): it must never pass for the present.
    let past = analysis.past_state.map(|p| DangerLine {
        grave: false,
        text: p.band(analysis.as_of),
    });
    let marked = past.into_iter().chain(marked);
    for mut b in marked.chain(paused.map(paused_line)).chain(danger_lines(analysis)) {
        b.text = people_times(&b.text, analysis.as_of);
        banner_ui(ui, &b);
    }
}

/// The action (or "Advice paused") and the weights it used.
fn card_action_ui(ui: &mut egui::Ui, analysis: &Analysis, paused: Option<&str>) {
    let p = &analysis.patient;
    if paused.is_some() {
        ui.heading(RichText::new("Advice paused").strong());
    } else {
        let headline = analysis.recommendation.headline_at(analysis.as_of);
        ui.heading(RichText::new(people_times(&headline, analysis.as_of)).strong());
    }
    let dti = if p.dti_dosing_weight_kg == p.dosing_weight_kg {
        String::new()
    } else {
        format!(" · DTI and antithrombin {}", p.dti_dosing_weight_kg)
    };
    ui.label(format!(
        "Weight {} · heparin dosing weight {} ({}){dti}",
        p.weight_kg,
        p.dosing_weight_kg,
        p.dosing_weight_basis.label()
    ));
}

/// One line under the pinned header when a test is overdue against the clock ("✖ Overdue now: aPTT
/// 2 h 10 min"), so it is seen without scrolling.
pub fn overdue_line_ui(ui: &mut egui::Ui, clock: &AgainstClock) {
    let AgainstClock::Applies(items) = clock else { return };
    let late: Vec<String> = items
        .iter()
        .filter_map(|c| match c.due {
            ClockDue::Overdue { minutes, .. } => Some(format!("{} ({} late)", c.test, hours_minutes(minutes))),
            _ => None,
        })
        .collect();
    if !late.is_empty() {
        ui.colored_label(theme::above_target(), format!("✖ Overdue now: {}", late.join(", ")));
    }
}

/// The monitoring plan: against the clock when it applies (overdue first, then what is due next), else
/// dated from the replay time with the reason the clock is not used.
fn monitoring_ui(ui: &mut egui::Ui, analysis: &Analysis, clock: &AgainstClock) {
    ui.strong("Monitoring");
    match clock {
        AgainstClock::Applies(items) => {
            for c in items {
                match c.due {
                    ClockDue::Overdue { .. } => ui.colored_label(
                        theme::above_target(),
                        format!("✖ {}", people_times(&c.describe(), analysis.as_of)),
                    ),
                    _ => ui.label(format!("· {}", people_times(&c.describe(), analysis.as_of))),
                };
            }
            return;
        }
        AgainstClock::Replaying => {
            ui.label(RichText::new("Due times from the replay time, not the clock").color(theme::muted()));
        }
        AgainstClock::CaseTooOld { hours } => {
            let age = if *hours >= 72 {
                format!("{} days", hours / 24)
            } else {
                format!("{hours} h")
            };
            ui.label(
                RichText::new(format!(
                    "The last event is {age} old (≥ {CLOCK_APPLIES_WITHIN_H} h): due times from it, not overdue against the clock"
                ))
                .color(theme::muted()),
            );
        }
        AgainstClock::NoClock => {}
    }
    for m in &analysis.monitoring {
        let line = format!("· {} — {} ({})", m.test, m.due, m.reason);
        ui.label(people_times(&line, analysis.as_of));
    }
}

/// The first lines of a copied plan: who it is for, and the banners.
#[must_use]
pub fn copied_plan(analysis: &Analysis, case_title: &str) -> String {
    to_text_for(analysis, Some(case_title))
}

/// The recommendation card below its header: dose or rate with pump rate, target, reasoning, sources.
/// Nothing of it is shown while the advice is paused.
pub fn recommendation_card_ui(
    ui: &mut egui::Ui,
    analysis: &Analysis,
    case_title: &str,
    paused: Option<&str>,
    clock: &AgainstClock,
    forecast: Option<&ForecastLine>,
    commands: &mut Vec<Command>,
) {
    if paused.is_some() {
        ui.label(
            RichText::new("The recommendation returns when the patient field is valid and applied (Enter).")
                .color(theme::muted()),
        );
        return;
    }
    let r = &analysis.recommendation;
    // Times for people (issue 29): "6 Jan 23:00", the clock alone on the as-of day.
    let p = |text: &str| people_times(text, analysis.as_of);
    ui.label(
        RichText::new("Decision support, not an order: check each line against the patient").color(theme::muted()),
    );
    // At the top, never below the fold (issue 29: input warnings pushed them out of a 1024×640 window).
    ui.horizontal_wrapped(|ui| {
        if ui.button("Copy plan").clicked() {
            commands.push(Command::CopyPlan(copied_plan(analysis, case_title)));
        }
        if ui.button("Print handover… (Ctrl+P)").clicked() {
            commands.push(Command::ShowPathDialog(crate::app::command::PathPurpose::Handover));
        }
    });
    if !r.concentration.is_empty() {
        ui.label(format!("Concentration: {}", r.concentration));
    }
    if let Some(change) = r.rate_change {
        ui.label(format!("Change: {}", change.signed()));
    }
    if !r.target.is_empty() {
        ui.label(format!("Target: {}", r.target));
    }
    // The baseline the aPTT range is built on, with its origin, and one click to another (issue 28).
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("Baseline aPTT: {}", p(&analysis.aptt_control.origin())));
        if ui
            .small_button("Use another value…")
            .on_hover_text("The baseline aPTT field of the Patient view")
            .clicked()
        {
            commands.push(Command::EditBaseline);
        }
    });
    if let Some(line) = forecast {
        forecast_line_ui(ui, line);
    }
    ui.separator();
    ui.strong("Why");
    for line in &r.rationale {
        ui.label(format!("• {}", p(line)));
    }
    if !r.caveats.is_empty() {
        ui.strong("Caveats");
        for c in &r.caveats {
            ui.colored_label(theme::caution(), format!("! {}", p(c)));
        }
    }
    if !r.alternatives.is_empty() {
        ui.strong("Alternatives considered");
        for a in &r.alternatives {
            ui.label(format!("· {}", p(a)));
        }
    }
    monitoring_ui(ui, analysis, clock);
    if !analysis.warnings.is_empty() {
        ui.strong("Input warnings");
        for w in &analysis.warnings {
            ui.colored_label(theme::caution(), format!("! {}", p(w)));
        }
    }
    ui.collapsing("Sources", |ui| {
        for s in &r.sources {
            ui.label(RichText::new(s.as_ref()).small());
        }
    });
}

/// The forecast's line (issue 16), in the forecast's own colour, or greyed with the reason when the
/// back-test on this patient does not beat the last value.
fn forecast_line_ui(ui: &mut egui::Ui, line: &ForecastLine) {
    match &line.greyed {
        None => {
            ui.label(RichText::new(&line.text).color(theme::forecast()));
        }
        Some(why) => {
            ui.label(RichText::new(&line.text).color(theme::muted()));
            ui.label(RichText::new(format!("Not to be relied on: {why}")).color(theme::caution()));
        }
    }
}

/// The seven steps, each with its status, the patient's values, the threshold, the rule and the source.
/// With `hide_decision` (predict-first before the learner's choice), steps 5–7 — which state the
/// answer — stay hidden.
pub fn stepper_ui(ui: &mut egui::Ui, analysis: &Analysis, hide_decision: bool) {
    let p = |text: &str| people_times(text, analysis.as_of);
    for step in &analysis.steps {
        if hide_decision && step.id.reveals_decision() {
            ui.label(
                RichText::new(format!(
                    "{}. {} — shown after your choice",
                    step.id.number(),
                    step.title
                ))
                .color(theme::muted()),
            );
            continue;
        }
        let title = format!(
            "{}. {} — {} {}",
            step.id.number(),
            step.title,
            status_icon(step.status),
            step.status.label()
        );
        let mut text = RichText::new(title);
        if let Some(colour) = theme::step_status(step.status) {
            text = text.color(colour);
        }
        egui::CollapsingHeader::new(text)
            .id_salt(("step", step.id.number()))
            .default_open(step.id <= StepId::Choose)
            .show(ui, |ui| {
                // While Predict first asks, a step's conclusion and rule can say the answer ("continue
                // heparin (step 6)", the review): the patient's values and the thresholds stay.
                if hide_decision {
                    ui.label(RichText::new("Conclusion shown after your choice").color(theme::muted()));
                } else if !step.conclusion.is_empty() {
                    ui.label(RichText::new(p(&step.conclusion)).strong());
                }
                for v in &step.values {
                    ui.label(format!("• {}", p(v)));
                }
                if !step.threshold.is_empty() {
                    ui.label(format!("Threshold: {}", p(&step.threshold)));
                }
                if !step.rule.is_empty() && !hide_decision {
                    ui.label(format!("Rule: {}", p(&step.rule)));
                }
                if !step.source.is_empty() {
                    ui.label(
                        RichText::new(format!("Source: {}", step.source))
                            .small()
                            .color(theme::muted()),
                    );
                }
            });
    }
}

/// A step's status as an icon, so that it never rests on colour alone.
fn status_icon(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Met => "✔",
        StepStatus::NotMet => "✖",
        StepStatus::NeedsData => "?",
        // Not a dash: the title already has one ("— – not applicable" read as a typo, issue 29).
        StepStatus::NotApplicable => "○",
    }
}

/// Teaching: the learner chooses an action before the app's advice is shown, and may first guess the
/// case's next measured anti-Xa (the forecast stays hidden until the choice).
/// `ask_anti_xa`: heparin runs, so the next anti-Xa is a question to ask (on a direct thrombin inhibitor
/// it is not: the review found the guess asked for while argatroban ran).
pub fn predict_ui(ui: &mut egui::Ui, anti_xa_draft: &mut String, ask_anti_xa: bool, commands: &mut Vec<Command>) {
    ui.heading("What would you do now?");
    ui.label("Look at the timeline, the plots and the algorithm values, then choose.");
    if !ask_anti_xa {
        anti_xa_draft.clear();
    }
    // Everything here wraps at the card's width: the card keeps its width while Predict first asks.
    if ask_anti_xa {
        anti_xa_guess_ui(ui, anti_xa_draft);
    }
    let guess = guessed_anti_xa(anti_xa_draft);
    for action in Action::ALL {
        if ui.add(egui::Button::new(action.label()).wrap()).clicked() {
            if let Some(g) = guess {
                commands.push(Command::GuessAntiXa(g));
            }
            commands.push(Command::Predict(action));
        }
    }
}

/// The learner's guess as a number of units/mL from 0 to 5, if it is one.
fn guessed_anti_xa(draft: &str) -> Option<f64> {
    draft
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && (0.0..=5.0).contains(v))
}

/// The anti-Xa guess row, with its refusal.
fn anti_xa_guess_ui(ui: &mut egui::Ui, anti_xa_draft: &mut String) {
    ui.label("First, if you like, the next anti-Xa you expect (units/mL):");
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(anti_xa_draft)
                .desired_width(60.0)
                .hint_text("0.35"),
        )
        .labelled_by(ui.label("your anti-Xa guess").id);
    });
    if !anti_xa_draft.trim().is_empty() && guessed_anti_xa(anti_xa_draft).is_none() {
        ui.colored_label(
            theme::caution(),
            "! The guess is a number of units/mL from 0 to 5 with a decimal point (0.35); it is left out",
        );
    }
}

/// Teaching: the case's next anti-Xa against the learner's guess and the forecast (provisional model).
pub fn anti_xa_verdict_ui(ui: &mut egui::Ui, guess: Option<f64>, next: &NextResult) {
    let two = |v: f64| num(v, 2).to_string();
    let mut line = format!(
        "Next anti-Xa of the case, {}: measured {} units/mL",
        next.time,
        two(next.measured)
    );
    if let Some(g) = guess {
        line.push_str(&format!(
            " · your guess {} (off by {})",
            two(g),
            two((g - next.measured).abs())
        ));
    }
    if let Some(f) = &next.forecast {
        line.push_str(&format!(
            " · the forecast at the running rate {} ({}–{}; off by {}, provisional model)",
            two(f.median),
            two(f.obs_p05),
            two(f.obs_p95),
            two((f.median - next.measured).abs())
        ));
    }
    ui.label(RichText::new(line).color(theme::forecast()));
    ui.separator();
}

/// Teaching: the learner's choice against the app's.
/// `advised_label`: the advice's own words (the review: "The app advises: Measure first" above a card
/// that read "Repeat at steady state; continue heparin").
pub fn verdict_ui(ui: &mut egui::Ui, choice: Action, advised: Action, advised_label: &str) {
    if choice == advised {
        ui.colored_label(
            theme::in_range(),
            format!(
                "Your choice: {}. The app advises the same; its reasoning follows",
                choice.label()
            ),
        );
    } else {
        ui.colored_label(
            theme::caution(),
            format!(
                "Your choice: {}. The app advises: {advised_label}. Compare the reasoning below",
                choice.label(),
            ),
        );
    }
    ui.separator();
}
