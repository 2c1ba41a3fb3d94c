//! The perfusionist's view: ACTs and heparin doses, the Bull dose-response plot (ACT against units/kg with
//! the fitted line extrapolated to the target ACT), the additional dose and residual heparin, bypass
//! heparin resistance with its antithrombin advice, the protamine estimate, and a pre-bypass summary of
//! the ICU history.

use eframe::egui::{self, RichText};
use egui_plot::{HLine, Line, Plot, PlotPoints, Points};

use crate::analysis::{Action, FindingCode};
use crate::model::{LabKind, Seconds, num};

use super::event_form::{EventForm, event_form_ui};
use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// A two-column striped grid of name → value rows.
fn key_value_grid(ui: &mut egui::Ui, id: &str, fill: impl FnOnce(&mut dyn FnMut(&str, String))) {
    // The value column is bounded so that a long value (the protamine estimate, a platelet trend)
    // wraps inside the window instead of widening the page past its edge.
    let value_width = (ui.available_width() - 190.0).max(160.0);
    egui::Grid::new(id)
        .num_columns(2)
        .striped(true)
        .max_col_width(value_width)
        .show(ui, |ui| {
            fill(&mut |k: &str, v: String| {
                ui.label(k);
                ui.add(egui::Label::new(v).wrap());
                ui.end_row();
            });
        });
}

fn lab_trend(doc: &Document, lab: LabKind, unit: &str, decimals: usize, last: usize) -> String {
    let samples = doc.prepared().timeline.labs.points_until(lab, doc.as_of());
    if samples.is_empty() {
        return "none".to_owned();
    }
    let from = samples.len().saturating_sub(last);
    samples[from..]
        .iter()
        .map(|s| format!("{} {unit} ({})", num(s.value, decimals), s.time.for_people(doc.as_of())))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The protocol's pre-operative antithrombin window: the case's bypass protocol's, else the shipped one's.
fn preoperative_at_window(doc: &Document) -> Option<crate::protocol::Sourced<crate::model::Hours>> {
    use crate::model::Setting;
    let of_case = doc
        .protocols()
        .of(Setting::Cpb)
        .and_then(|c| c.protocol.bypass.as_ref().map(|b| b.preoperative_at_within_h.clone()));
    of_case.or_else(|| {
        let shipped = crate::protocol::catalogue::shipped_protocol_for(Setting::Cpb, doc.case().patient.age_group);
        crate::protocol::Protocol::builtin(shipped)
            .ok()
            .and_then(|p| p.bypass.map(|b| b.preoperative_at_within_h))
    })
}

/// The ICU history a perfusionist wants before bypass.
fn pre_bypass_summary_ui(ui: &mut egui::Ui, doc: &Document) {
    ui.heading("Pre-bypass summary");
    let a = doc.analysis();
    let tl = &doc.prepared().timeline;
    let as_of = doc.as_of();
    // The anticoagulant running now, in its unit and mL/h (issue 29: a running argatroban was not said).
    // Boluses are no infusion, but "none running" five minutes after 41,600 units misled (the review).
    let last_bolus = doc
        .case()
        .events
        .iter()
        .rev()
        .filter(|e| e.time <= as_of)
        .find(|e| matches!(e.kind, crate::model::EventKind::UfhBolus(_)))
        .map(|e| {
            format!(
                " (last heparin bolus: {} at {})",
                e.kind.describe(),
                e.time.for_people(as_of)
            )
        });
    let running = crate::present::flowsheet::rate_in_effect(doc.case(), tl, doc.protocol(), as_of)
        .unwrap_or_else(|| format!("no infusion running{}", last_bolus.unwrap_or_default()));
    // An antithrombin older than the protocol's pre-operative window is flagged as old (§14.6).
    let mut at = lab_trend(doc, LabKind::Antithrombin, "%", 0, 4);
    if let (Some(latest), Some(window)) = (tl.labs.antithrombin.latest(as_of), preoperative_at_window(doc)) {
        let age = as_of.hours_since(latest.time);
        if age > window.value.value() {
            at.push_str(&format!(
                " — OLD: the latest is {} h old (more than {} h): remeasure before bypass ({})",
                num(age, 0),
                num(window.value.value(), 0),
                window.source
            ));
        }
    }
    key_value_grid(ui, "pre_bypass", |row| {
        row("Anticoagulant now", running);
        row("Antithrombin trend", at);
        row("Anti-Xa (latest)", lab_trend(doc, LabKind::AntiXa, "units/mL", 2, 2));
        row("aPTT (latest)", lab_trend(doc, LabKind::Aptt, "s", 0, 2));
        row(
            "Heparin, last 24 h",
            format!(
                "{} ({}; mean {})",
                a.heparin.units_last_24h, a.heparin.units_per_kg_last_24h, a.heparin.mean_units_per_kg_per_h
            ),
        );
        row("Platelets", lab_trend(doc, LabKind::Platelets, "× 10⁹/L", 0, 3));
        row("Fibrinogen", lab_trend(doc, LabKind::Fibrinogen, "g/L", 1, 2));
        let hit = match &a.hit_4ts {
            Some(t) => format!(
                "4Ts {} of 8{}",
                t.score_text(),
                t.band.map_or(String::new(), |b| format!(" ({})", b.label()))
            ),
            None => "4Ts not scored".to_owned(),
        };
        let history = doc.case().patient.hit_history.label();
        row("HIT", format!("{hit}; {history}"));
        let andexanet = if doc.case().patient.andexanet_exposure {
            "yes: expect severe heparin resistance"
        } else {
            "no"
        };
        row("Andexanet exposure", andexanet.to_owned());
    });
}

/// ACT against cumulative heparin (units/kg), with the dose-response line to the target ACT.
fn dose_response_plot_ui(ui: &mut egui::Ui, doc: &Document) {
    let tl = &doc.prepared().timeline;
    let acts: Vec<[f64; 2]> = tl
        .labs
        .act
        .until(doc.as_of())
        .iter()
        .map(|s| {
            [
                tl.cumulative_heparin_units(s.time).per_kg(tl.weight).value(),
                s.value.value(),
            ]
        })
        .collect();
    let Some(cpb) = &doc.analysis().cpb else {
        return;
    };
    let Some(target) = cpb.target_act_s.map(|t| t.value()) else {
        return;
    };
    let line = cpb
        .baseline_act_s
        .zip(cpb.hdr_slope_s_per_unit_per_kg)
        .map(|(act0, slope)| {
            let (act0, slope) = (act0.value(), slope.value());
            let to = ((target - act0) / slope).max(cpb.cumulative_units_per_kg.value()) * 1.1;
            vec![[0.0, act0], [to, act0 + slope * to]]
        });
    ui.label(RichText::new("Heparin dose-response (Bull): ACT vs cumulative units/kg").strong());
    if acts.is_empty() && line.is_none() {
        ui.colored_label(
            theme::muted(),
            "No ACT yet: the dose-response appears with the first ACT.",
        );
        return;
    }
    // The dose axis starts at 0 units/kg (never at a negative dose) and ends past the data.
    let x_max = acts
        .iter()
        .map(|p| p[0])
        .chain(line.iter().map(|l| l[1][0]))
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.1;
    Plot::new("dose_response")
        .height(260.0)
        .x_axis_label("heparin (units/kg)")
        .y_axis_label("ACT (s)")
        .default_x_bounds(0.0, x_max)
        .include_y(0.0)
        .include_y(target * 1.1)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.hline(HLine::new("target ACT", target).color(theme::in_range()));
            if let Some(l) = line {
                plot.line(
                    Line::new("dose-response line", PlotPoints::from(l))
                        .color(theme::caution())
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
            plot.points(
                Points::new("ACT", PlotPoints::from(acts))
                    .radius(5.0)
                    .color(theme::below_target()),
            );
        });
}

/// The Bypass view.
pub fn bypass_ui(ui: &mut egui::Ui, doc: &Document, form: &mut EventForm, commands: &mut Vec<Command>) {
    ui.heading("Perfusionist: bypass heparin");
    match &doc.analysis().cpb {
        None => {
            ui.colored_label(
                theme::muted(),
                format!(
                    "The dose-response view applies to the cardiopulmonary bypass setting (this case: {}). \
                     Change the setting in the Patient view when the patient goes to bypass.",
                    doc.case().patient.setting.label()
                ),
            );
        }
        Some(cpb) => {
            if doc.analysis().has_finding(FindingCode::CpbHeparinResistance) {
                let detail = doc
                    .analysis()
                    .findings
                    .iter()
                    .find(|f| f.code == FindingCode::CpbHeparinResistance)
                    .map_or(String::new(), |f| f.detail.clone());
                ui.colored_label(
                    theme::above_target(),
                    format!("Heparin resistance on bypass (R4): {detail}"),
                );
            }
            key_value_grid(ui, "bypass_numbers", |row| {
                let s =
                    |v: Option<Seconds>| v.map_or("not measured".to_owned(), |v| format!("{} s", num(v.value(), 0)));
                row("Heparin given", cpb.cumulative_units_per_kg.to_string());
                row("Baseline ACT", s(cpb.baseline_act_s));
                row("Current ACT", s(cpb.current_act_s));
                row(
                    "Target ACT",
                    cpb.target_act_s
                        .map_or("no bypass section".to_owned(), |t| format!("≥ {} s", num(t.value(), 0))),
                );
                row(
                    "Dose-response slope",
                    cpb.hdr_slope_s_per_unit_per_kg
                        .map_or("needs a baseline ACT and an ACT after heparin".to_owned(), |v| {
                            v.to_string()
                        }),
                );
                row(
                    "Additional heparin to target",
                    match (cpb.additional_units_to_target, cpb.additional_units_per_kg_to_target) {
                        (Some(u), Some(k)) => format!("{u} ({k})"),
                        _ => "—".to_owned(),
                    },
                );
                row(
                    "Residual heparin",
                    cpb.residual_heparin_units_per_kg
                        .map_or("—".to_owned(), |v| v.to_string()),
                );
                row(
                    "Protamine estimate",
                    cpb.protamine_mg.map_or("—".to_owned(), |mg| {
                        format!(
                            "{} mg ({})",
                            num(mg.value(), 0),
                            cpb.protamine_basis.clone().unwrap_or_default()
                        )
                    }),
                );
                if let Some(low) = cpb.low_heparin_sensitivity {
                    row("Low heparin sensitivity", if low { "yes" } else { "no" }.to_owned());
                }
            });
            for c in &cpb.protamine_cautions {
                ui.colored_label(theme::caution(), format!("! {c}"));
            }
            let r = &doc.analysis().recommendation;
            if matches!(r.action, Action::SupplementAntithrombin | Action::CpbAdditionalHeparin) {
                ui.label(RichText::new(format!("Advice: {}", r.headline())).strong());
            }
            dose_response_plot_ui(ui, doc);
        }
    }
    ui.separator();
    ui.strong("ACTs and heparin doses");
    let as_of = doc.as_of();
    let rows: Vec<String> = doc
        .case()
        .events
        .iter()
        .filter(|e| e.time <= as_of)
        .filter(|e| {
            matches!(e.kind.lab(), Some((LabKind::Act, _))) || e.kind.series() == crate::model::EventCode::UfhBolus
        })
        .map(|e| format!("{}  {}", e.time.for_people(doc.as_of()), e.kind.describe()))
        .collect();
    if rows.is_empty() {
        ui.colored_label(theme::muted(), "none yet");
    }
    for r in rows {
        ui.label(r);
    }
    // The perfusionist's result is an ACT: the form offers it (it offered the aPTT).
    form.offer_kind("act");
    event_form_ui(ui, doc, form, commands);
    ui.separator();
    pre_bypass_summary_ui(ui, doc);
}
