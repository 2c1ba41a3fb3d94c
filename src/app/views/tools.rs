//! Dosing tools: the antithrombin calculator (both products, selectable target, vial rounding), the
//! protocol's UFH nomogram and DTI titration tables with the row for the latest result highlighted, and
//! the 4Ts scorer. Every number is the library's, read from the protocol with its source.

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

use crate::analysis::pairing::Control;
use crate::analysis::targets::{active_drug, heparin_by_anti_xa_now};
use crate::dosing::antithrombin::{
    VialPolicy, expected_rise_percent, plasma_derived_dose, recombinant_dose, round_to_vials, round_to_vials_by,
};
use crate::dosing::dti::{DtiBand, DtiTableRow, dti_table, dti_target, section, titrate_dti};
use crate::dosing::ufh::{band_text, nomogram_row};
use crate::io::entry::parse_number;
use crate::model::Anticoagulant;
use crate::model::{DtiDrug, Percent, Seconds, num};
use crate::protocol::Nomogram;

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// Which antithrombin product the calculator doses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtProduct {
    PlasmaDerived,
    Recombinant,
}

/// The calculator's typed inputs (prefilled from the case; changing them changes nothing in the case).
pub struct ToolsForm {
    product: AtProduct,
    baseline: String,
    target: String,
}

impl ToolsForm {
    /// Prefilled with the case's latest antithrombin at the replay time and the protocol's target.
    #[must_use]
    pub fn new(doc: &Document) -> Self {
        let latest = doc.prepared().timeline.labs.antithrombin.latest(doc.as_of());
        Self {
            product: AtProduct::PlasmaDerived,
            baseline: latest.map(|s| s.value.number()).unwrap_or_default(),
            target: doc.protocol().antithrombin.plasma_derived.target_percent.number(),
        }
    }
}

fn highlight(ui: &mut egui::Ui, text: impl Into<String>, on: bool) {
    let text = text.into();
    if on {
        ui.label(RichText::new(format!("▶ {text}")).strong().color(theme::caution()));
    } else {
        ui.label(text);
    }
}

fn antithrombin_calculator_ui(ui: &mut egui::Ui, doc: &Document, form: &mut ToolsForm) {
    ui.heading("Antithrombin dose calculator");
    let at = &doc.protocol().antithrombin;
    let weight = doc.case().patient.weight.kg;
    ui.horizontal(|ui| {
        ui.radio_value(
            &mut form.product,
            AtProduct::PlasmaDerived,
            "plasma-derived concentrate",
        );
        ui.radio_value(
            &mut form.product,
            AtProduct::Recombinant,
            "recombinant (antithrombin alfa)",
        );
    });
    ui.horizontal(|ui| {
        let l = ui.label("Baseline antithrombin (%)");
        ui.add(egui::TextEdit::singleline(&mut form.baseline).desired_width(60.0))
            .labelled_by(l.id);
        if form.product == AtProduct::PlasmaDerived {
            let l = ui.label("Target (%)");
            ui.add(egui::TextEdit::singleline(&mut form.target).desired_width(60.0))
                .labelled_by(l.id);
            for t in [at.plasma_derived.target_percent, at.plasma_derived.load_target_percent] {
                if ui.small_button(t.to_string()).clicked() {
                    form.target = t.number();
                }
            }
        }
        ui.label(format!("weight {weight}"));
    });
    let baseline = parse_number("baseline antithrombin", &form.baseline)
        .map_err(|e| e.to_string())
        .and_then(|v| Percent::new(v).map_err(|e| format!("baseline antithrombin: {e}")));
    let baseline = match baseline {
        Ok(b) => b,
        Err(e) => {
            ui.colored_label(theme::above_target(), format!("✖ {e}"));
            return;
        }
    };
    match form.product {
        AtProduct::PlasmaDerived => {
            let p = &at.plasma_derived;
            let target = match parse_number("target", &form.target)
                .map_err(|e| e.to_string())
                .and_then(|v| Percent::new(v).map_err(|e| format!("target: {e}")))
            {
                Ok(t) => t,
                Err(e) => {
                    ui.colored_label(theme::above_target(), format!("✖ {e}"));
                    return;
                }
            };
            let dose = plasma_derived_dose(baseline, target, weight, p);
            let vials = round_to_vials_by(dose.dose, &p.vial_units, VialPolicy::of(doc.protocol(), weight));
            ui.label(RichText::new(format!("{}: {}", p.product, vials.describe())).strong());
            ui.label(format!("Formula (label, divides by recovery): {}", dose.formula()));
            ui.label(format!("Maintenance about {} per 24 h", dose.maintenance_per_24h));
            let label_rise = expected_rise_percent(vials.rounded, weight, p.recovery_percent_per_unit_per_kg);
            ui.label(format!(
                "Expected rise with the rounded dose: {} percentage points (label recovery)",
                num(label_rise.value(), 0)
            ));
            if doc.case().patient.setting.is_ecmo() {
                let ecmo = &p.ecmo_observed_recovery_percent_per_unit_per_kg;
                let rise = expected_rise_percent(vials.rounded, weight, ecmo.value);
                ui.colored_label(
                    theme::caution(),
                    format!(
                        "! On ECMO recovery is lower: about {} percentage points at {} % per units/kg ({})",
                        num(rise.value(), 0),
                        ecmo.value.number(),
                        ecmo.source
                    ),
                );
            }
            ui.label(
                RichText::new(format!("Source: {}", p.source))
                    .small()
                    .color(theme::muted()),
            );
        }
        AtProduct::Recombinant => {
            let p = &at.recombinant;
            // Pregnancy as in effect at the replay time (a fact from a time on), not at the case start.
            let pregnant = doc.analysis().patient.facts.pregnancy.value;
            let dose = recombinant_dose(baseline, weight, pregnant, p);
            let vials = round_to_vials(dose.load, &p.vial_units);
            ui.label(RichText::new(format!("{} loading dose: {}", p.product, vials.describe())).strong());
            ui.label(format!("Then {} per hour", dose.maintenance_per_hour));
            ui.label(format!("Formula: {}", dose.formula()));
            ui.label(
                RichText::new(format!("Source: {}", p.source))
                    .small()
                    .color(theme::muted()),
            );
        }
    }
    ui.colored_label(theme::caution(), format!("! {}", at.caveat.value));
}

fn nomogram_ui(ui: &mut egui::Ui, id: &str, nomogram: &Nomogram, value: Option<f64>, concentration: &str) {
    ui.strong(&nomogram.name);
    if !nomogram.validated {
        ui.colored_label(
            theme::caution(),
            "! institutional adaptation, not a validated published table",
        );
    }
    let current = value.and_then(|v| nomogram_row(nomogram, v)).map(|(i, _)| i);
    // In a narrow window the table scrolls sideways instead of squeezing its last column into a
    // tall, empty-looking row.
    ui.push_id(id, |ui| {
        egui::ScrollArea::horizontal().show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .vscroll(false)
                .column(Column::exact(230.0))
                .column(Column::exact(120.0))
                .column(Column::exact(80.0))
                .column(Column::exact(150.0))
                .column(Column::exact(80.0))
                .header(20.0, |mut h| {
                    for t in ["Band", "Bolus", "Hold", "Rate change", "Recheck"] {
                        h.col(|ui| {
                            ui.strong(t);
                        });
                    }
                })
                .body(|mut body| {
                    for (i, row) in nomogram.rows.iter().enumerate() {
                        let on = current == Some(i);
                        body.row(20.0, |mut r| {
                            r.col(|ui| highlight(ui, band_text(nomogram, i, row), on));
                            r.col(|ui| {
                                let b = if row.bolus_units_per_kg.value() > 0.0 {
                                    format!("{} units/kg", num(row.bolus_units_per_kg.value(), 1))
                                } else {
                                    "none".to_owned()
                                };
                                highlight(ui, b, on);
                            });
                            r.col(|ui| highlight(ui, format!("{} min", row.hold_min.number()), on));
                            r.col(|ui| {
                                let sign = if row.rate_change_units_per_kg_per_h > 0.0 {
                                    "+"
                                } else {
                                    ""
                                };
                                highlight(
                                    ui,
                                    format!("{sign}{} units/kg/h", num(row.rate_change_units_per_kg_per_h, 2)),
                                    on,
                                );
                            });
                            r.col(|ui| highlight(ui, format!("{} h", row.recheck_h.number()), on));
                        });
                    }
                });
        })
    });
    ui.label(
        RichText::new(format!("Source: {} · bag {concentration}", nomogram.source))
            .small()
            .color(theme::muted()),
    );
}

/// One DTI table, with the latest aPTT's row highlighted.
fn dti_table_ui(ui: &mut egui::Ui, id: &str, rows: &[DtiTableRow], current: Option<DtiBand>, two_columns: bool) {
    ui.push_id(id, |ui| {
        egui::ScrollArea::horizontal().show(ui, |ui| {
            let mut table = TableBuilder::new(ui)
                .striped(true)
                .vscroll(false)
                .column(Column::exact(180.0))
                .column(Column::exact(170.0));
            if two_columns {
                table = table.column(Column::exact(170.0));
            }
            let headers: &[&str] = if two_columns {
                &[
                    "aPTT",
                    "Change (critically ill)",
                    "Change (normal liver)",
                    "Hold / stop",
                ]
            } else {
                &["aPTT", "Rate change", "Hold"]
            };
            table
                .column(Column::exact(200.0))
                .header(20.0, |mut h| {
                    for t in headers {
                        h.col(|ui| {
                            ui.strong(*t);
                        });
                    }
                })
                .body(|mut body| {
                    for row in rows {
                        let on = current == Some(row.band);
                        body.row(20.0, |mut r| {
                            r.col(|ui| highlight(ui, row.aptt.clone(), on));
                            r.col(|ui| highlight(ui, row.change.clone(), on));
                            if two_columns {
                                r.col(|ui| highlight(ui, row.change_other_column.clone(), on));
                            }
                            r.col(|ui| highlight(ui, row.hold.clone(), on));
                        });
                    }
                });
        })
    });
}

fn dti_tables_ui(ui: &mut egui::Ui, doc: &Document, latest_aptt: Option<f64>, active: Option<Anticoagulant>) {
    let protocol = doc.protocol();
    let baseline = doc.case().patient.baseline_aptt;
    let aptt = latest_aptt.and_then(|a| Seconds::new(a).ok());
    for (i, drug) in [DtiDrug::Argatroban, DtiDrug::Bivalirudin].into_iter().enumerate() {
        let sec = section(protocol, drug);
        let unit = sec.minimum.unit().symbol();
        if i > 0 {
            ui.add_space(8.0);
        }
        ui.heading(format!("{} titration ({unit})", capitalised(drug.name())));
        ui.label(format!("Bag: {}", sec.concentration_label));
        let Some(base) = baseline else {
            ui.colored_label(
                theme::caution(),
                "The DTI tables follow the patient's target, a multiple of the baseline aPTT: enter the baseline aPTT (Patient view)",
            );
            return;
        };
        if !sec.titration_validated {
            ui.colored_label(
                theme::caution(),
                "! institutional example, no published ECMO step table: not validated",
            );
        }
        if let Some(target) = dti_target(protocol, drug, Some(base)) {
            ui.label(format!("Target: {}", target.describe()));
            // The highlighted row: the band the latest aPTT falls in while this drug runs (the band does
            // not depend on the rate; the minimum stands in for it).
            let band = aptt
                .filter(|_| active == Some(drug.drug()))
                .and_then(|a| titrate_dti(protocol, a, sec.minimum, &target, base))
                .map(|t| t.band);
            dti_table_ui(
                ui,
                &format!("{}_table", drug.name()),
                &dti_table(protocol, drug, &target, base),
                band,
                sec.steps.other_column.is_some(),
            );
        }
        let footnote = match sec.maximum {
            Some((max, _)) => format!(
                "Maximum {} {unit} (a hard limit); minimum {} (institutional, unvalidated). Source: {}",
                num(max.value(), 1),
                sec.minimum,
                sec.titration_source
            ),
            None => format!("Source: {}", sec.titration_source),
        };
        ui.label(RichText::new(footnote).small().color(theme::muted()));
    }
}

/// "Argatroban" from "argatroban".
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
}

fn four_ts_ui(ui: &mut egui::Ui, doc: &Document, commands: &mut Vec<Command>) {
    ui.heading("HIT 4Ts score");
    let Some(ts) = &doc.analysis().hit_4ts else {
        ui.colored_label(theme::muted(), "Not scored: needs platelet counts on heparin");
        return;
    };
    let items = &ts.items;
    for (name, item) in [
        ("Thrombocytopenia (computed)", &items.thrombocytopenia),
        ("Timing of the fall (computed)", &items.timing),
    ] {
        ui.label(format!("{name}: {} point(s) — {}", item.shown(), item.basis));
    }
    let mut patient = doc.case().patient.clone();
    let mut changed = false;
    for (name, value) in [
        ("Thrombosis or other sequelae (your score)", &mut patient.hit_thrombosis),
        (
            "Other causes of thrombocytopenia (your score; 2 = none apparent)",
            &mut patient.hit_other_causes,
        ),
    ] {
        ui.horizontal(|ui| {
            ui.label(name);
            changed |= super::widgets::points_choice(ui, value);
        });
    }
    if changed {
        commands.push(Command::SetPatient(Box::new(patient)));
    }
    let band = ts.band.map_or("range: enter the missing items", |b| b.label());
    ui.label(RichText::new(format!("Score {} of 8: {band}", ts.score_text())).strong());
    match (&ts.suspected_by, ts.status) {
        (Some(why), _) => ui.label(format!("HIT suspected: {why}")),
        (None, _) => ui.colored_label(
            theme::muted(),
            "HIT not suspected (no platelet fall of 30% or more on heparin, no thrombosis entered): the score is shown, not acted on",
        ),
    };
    if let Some(c) = &ts.caveat {
        ui.colored_label(theme::caution(), format!("! {c}"));
    }
    ui.label(
        RichText::new(format!("Source: {}", ts.source))
            .small()
            .color(theme::muted()),
    );
}

/// The Dosing tools view.
pub fn tools_ui(ui: &mut egui::Ui, doc: &Document, form: &mut ToolsForm, commands: &mut Vec<Command>) {
    let as_of = doc.as_of();
    let tl = &doc.prepared().timeline;
    let patient = &doc.case().patient;
    if !doc.protocol().population.covers(patient.age_group) {
        ui.colored_label(
            theme::above_target(),
            format!(
                "No paediatric protocol is loaded: the dosing tools give no dose, rate or pump rate for a {} from an adult protocol",
                patient.age_group.code()
            ),
        );
        return;
    }
    // Only the active anticoagulant's table highlights a row: one target per drug on the screen.
    let active = active_drug(tl, as_of, doc.analysis().recommendation.action);
    let on = |agent: Anticoagulant| active == Some(agent);
    let latest_aptt = tl.labs.aptt.latest(as_of).map(|s| s.value.value());
    let latest_xa = tl.labs.anti_xa.latest(as_of).map(|s| s.value.value());
    ui.label(
        RichText::new(match active {
            Some(a) => format!(
                "Active anticoagulant at {}: {} — only its table highlights the latest result",
                as_of.dated_for_people(),
                a.name()
            ),
            None => format!(
                "No anticoagulant is active at {}: no row is highlighted",
                as_of.dated_for_people()
            ),
        })
        .strong(),
    );
    antithrombin_calculator_ui(ui, doc, form);
    ui.separator();
    ui.heading("Heparin nomogram");
    let ufh = &doc.protocol().ufh;
    // Ratios to the same control as the engine's: the baseline, else the laboratory's control.
    let control = Control::of(doc.protocol(), doc.case().patient.baseline_aptt)
        .seconds
        .value();
    let aptt_ratio = latest_aptt.map(|a| a / control);
    // The table of the assay that monitors now: the anti-Xa one when an anti-Xa is recent enough (as
    // the engine reads it), else the aPTT one.
    let by_anti_xa = heparin_by_anti_xa_now(doc.protocol(), tl, as_of);
    let anti_xa_first = (&ufh.anti_xa_nomogram, latest_xa, "anti_xa_nomogram");
    let aptt_first = (&ufh.aptt_nomogram, aptt_ratio, "aptt_nomogram");
    let (first, second) = if by_anti_xa {
        (anti_xa_first, aptt_first)
    } else {
        (aptt_first, anti_xa_first)
    };
    let shown = |v: Option<f64>| v.map_or("no result yet".to_owned(), |v| num(v, 2).to_string());
    let heparin_on = on(Anticoagulant::Heparin);
    if heparin_on {
        ui.label(format!(
            "Highlighted: the row for the latest result at {as_of} ({})",
            shown(first.1)
        ));
    }
    let only_if = |v: Option<f64>| v.filter(|_| heparin_on);
    nomogram_ui(ui, first.2, first.0, only_if(first.1), &ufh.concentration_label);
    ui.collapsing(format!("Other table: {}", second.0.name), |ui| {
        nomogram_ui(ui, second.2, second.0, only_if(second.1), &ufh.concentration_label);
    });
    ui.separator();
    dti_tables_ui(ui, doc, latest_aptt, active);
    ui.separator();
    four_ts_ui(ui, doc, commands);
}
