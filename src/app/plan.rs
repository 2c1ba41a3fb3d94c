//! The recommendation card and the algorithm stepper: what the engine advises at the cursor, and why.

use eframe::egui::{self, RichText};

use crate::analysis::{Action, Analysis, StepId};
use crate::io::report::to_text;

use super::command::Command;
use super::theme;

/// The recommendation card: action, drug, dose or rate with pump rate, target, reasoning, sources.
pub fn recommendation_card_ui(ui: &mut egui::Ui, analysis: &Analysis, commands: &mut Vec<Command>) {
    let r = &analysis.recommendation;
    ui.heading(RichText::new(r.headline()).strong());
    ui.label(RichText::new("Decision support, not an order: check each line against the patient").color(theme::MUTED));
    if !r.concentration.is_empty() {
        ui.label(format!("Concentration: {}", r.concentration));
    }
    if let Some(change) = r.rate_change {
        ui.label(format!("Change: {}", change.signed()));
    }
    if !r.target.is_empty() {
        ui.label(format!("Target: {}", r.target));
    }
    ui.separator();
    ui.strong("Why");
    for line in &r.rationale {
        ui.label(format!("• {line}"));
    }
    if !r.caveats.is_empty() {
        ui.strong("Caveats");
        for c in &r.caveats {
            ui.colored_label(theme::CAUTION, format!("! {c}"));
        }
    }
    if !r.alternatives.is_empty() {
        ui.strong("Alternatives considered");
        for a in &r.alternatives {
            ui.label(format!("· {a}"));
        }
    }
    ui.strong("Monitoring");
    for m in &analysis.monitoring {
        ui.label(format!("{} — {} ({})", m.test, m.due, m.reason));
    }
    if !analysis.warnings.is_empty() {
        ui.strong("Input warnings");
        for w in &analysis.warnings {
            ui.colored_label(theme::CAUTION, format!("! {w}"));
        }
    }
    ui.collapsing("Sources", |ui| {
        for s in &r.sources {
            ui.label(RichText::new(s.as_ref()).small());
        }
    });
    if ui.button("Copy plan").clicked() {
        commands.push(Command::CopyPlan(to_text(analysis)));
    }
}

/// The seven steps, each with its status, the patient's values, the threshold, the rule and the source.
/// With `hide_decision` (predict-first before the learner's choice), steps 5–7 — which state the
/// answer — stay hidden.
pub fn stepper_ui(ui: &mut egui::Ui, analysis: &Analysis, hide_decision: bool) {
    for step in &analysis.steps {
        if hide_decision && step.id.reveals_decision() {
            ui.label(
                RichText::new(format!(
                    "{}. {} — shown after your choice",
                    step.id.number(),
                    step.title
                ))
                .color(theme::MUTED),
            );
            continue;
        }
        let title = format!("{}. {} — {}", step.id.number(), step.title, step.status.label());
        let colour = theme::step_status(step.status);
        egui::CollapsingHeader::new(RichText::new(title).color(colour))
            .id_salt(("step", step.id.number()))
            .default_open(step.id <= StepId::Choose)
            .show(ui, |ui| {
                if !step.conclusion.is_empty() {
                    ui.label(RichText::new(step.conclusion.as_ref()).strong());
                }
                for v in &step.values {
                    ui.label(format!("• {v}"));
                }
                if !step.threshold.is_empty() {
                    ui.label(format!("Threshold: {}", step.threshold));
                }
                if !step.rule.is_empty() {
                    ui.label(format!("Rule: {}", step.rule));
                }
                if !step.source.is_empty() {
                    ui.label(
                        RichText::new(format!("Source: {}", step.source))
                            .small()
                            .color(theme::MUTED),
                    );
                }
            });
    }
}

/// Teaching: the learner chooses an action before the app's advice is shown.
pub fn predict_ui(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.heading("What would you do now?");
    ui.label("Look at the timeline, the plots and the algorithm values, then choose:");
    for action in Action::ALL {
        if ui.button(action.label()).clicked() {
            commands.push(Command::Predict(action));
        }
    }
}

/// Teaching: the learner's choice against the app's.
pub fn verdict_ui(ui: &mut egui::Ui, choice: Action, advised: Action) {
    if choice == advised {
        ui.colored_label(
            theme::IN_RANGE,
            format!(
                "Your choice: {}. The app advises the same; its reasoning follows",
                choice.label()
            ),
        );
    } else {
        ui.colored_label(
            theme::CAUTION,
            format!(
                "Your choice: {}. The app advises: {}. Compare the reasoning below",
                choice.label(),
                advised.label()
            ),
        );
    }
    ui.separator();
}
