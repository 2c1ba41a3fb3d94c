//! Facts that change during a course, in the Patient view (issue 23, clinical reference §14.8): each fact
//! as in effect at the replay time and since when, a change recorded "from now" as a row of the timeline,
//! and the history of the changes. The fields above it are the values at the case start.

use eframe::egui::{self, RichText};

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;
use crate::model::{EcmoFlow, EventKind, MlPerMin, RrtWord, Setting, YesNo};

/// What is being chosen for each fact before it is recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct FactsForm {
    setting: Setting,
    rrt: RrtWord,
    crcl: String,
    yes_no: [YesNo; 4],
    ecmo_flow: EcmoFlow,
    refusal: Option<String>,
}

impl Default for FactsForm {
    fn default() -> Self {
        Self {
            setting: Setting::Cpb,
            rrt: RrtWord::Crrt,
            crcl: String::new(),
            yes_no: [YesNo::Yes; 4],
            ecmo_flow: EcmoFlow::Low,
            refusal: None,
        }
    }
}

/// A yes-or-no fact: its name and the row that records it.
type YesNoFact = (&'static str, fn(YesNo) -> EventKind);

/// The yes-or-no facts, in the order of `FactsForm::yes_no`.
const YES_NO_FACTS: [YesNoFact; 4] = [
    ("hepatic impairment", EventKind::HepaticImpairmentFrom),
    ("high bleeding risk", EventKind::HighBleedingRiskFrom),
    ("active bleeding", EventKind::BleedingFrom),
    ("pregnancy", EventKind::PregnancyFrom),
];

fn in_effect<T: std::fmt::Display>(
    value: T,
    since: crate::model::ClinicalTime,
    start: crate::model::ClinicalTime,
) -> String {
    if since == start {
        format!("{value} (from the case start)")
    } else {
        format!("{value} since {}", since.dated_for_people())
    }
}

/// The facts section of the Patient view.
pub fn facts_ui(ui: &mut egui::Ui, doc: &Document, form: &mut FactsForm, commands: &mut Vec<Command>) {
    let facts = &doc.analysis().patient.facts;
    let start = doc.case().case_start;
    ui.separator();
    ui.strong("Facts from a time on");
    ui.label(
        RichText::new(
            "The fields above are the values at the case start. A change during the course is recorded here, from now, as a row of the timeline; the advice at each time reads the facts in effect then.",
        )
        .color(theme::muted()),
    );
    let yes_no = |v: bool| if v { "yes" } else { "no" };
    egui::Grid::new("facts_grid")
        .num_columns(3)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            setting_and_rrt_rows(ui, doc, form, commands);
            ui.label("creatinine clearance (mL/min)");
            let crcl = facts
                .crcl_ml_per_min
                .value
                .map_or("not entered".to_owned(), |v| crate::model::num(v, 0).to_string());
            ui.label(in_effect(crcl, facts.crcl_ml_per_min.since, start));
            ui.horizontal(|ui| {
                let l = ui.label("New CrCl");
                ui.add(egui::TextEdit::singleline(&mut form.crcl).desired_width(60.0))
                    .labelled_by(l.id);
                if ui.button("Record creatinine clearance from now").clicked() {
                    match crate::io::entry::parse_number("creatinine clearance", &form.crcl).and_then(|v| {
                        MlPerMin::new(v).map_err(|e| crate::io::entry::refuse("creatinine clearance", e.to_string()))
                    }) {
                        Ok(v) => {
                            form.refusal = None;
                            commands.push(Command::RecordFact(EventKind::CrclFrom(v)));
                        }
                        Err(e) => form.refusal = Some(e.to_string()),
                    }
                }
            });
            ui.end_row();
            let values = [
                (facts.hepatic_impairment.value, facts.hepatic_impairment.since),
                (facts.high_bleeding_risk.value, facts.high_bleeding_risk.since),
                (facts.bleeding.value, facts.bleeding.since),
                (facts.pregnancy.value, facts.pregnancy.since),
            ];
            for (i, ((label, make), (value, since))) in YES_NO_FACTS.iter().zip(values).enumerate() {
                let l = ui.label(*label);
                ui.label(in_effect(yes_no(value), since, start));
                ui.horizontal(|ui| {
                    egui::ComboBox::from_id_salt(("fact_yes_no", i))
                        .selected_text(form.yes_no[i].code())
                        .show_ui(ui, |ui| {
                            for w in YesNo::ALL {
                                ui.selectable_value(&mut form.yes_no[i], w, w.code());
                            }
                        })
                        .response
                        .labelled_by(l.id);
                    if ui.button(format!("Record {label} from now")).clicked() {
                        commands.push(Command::RecordFact(make(form.yes_no[i])));
                    }
                });
                ui.end_row();
            }
            let l = ui.label("ECMO flow");
            ui.label(in_effect(facts.ecmo_flow.value.code(), facts.ecmo_flow.since, start));
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("fact_ecmo_flow")
                    .selected_text(form.ecmo_flow.code())
                    .show_ui(ui, |ui| {
                        for w in EcmoFlow::ALL {
                            ui.selectable_value(&mut form.ecmo_flow, w, w.code());
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if ui.button("Record ECMO flow from now").clicked() {
                    commands.push(Command::RecordFact(EventKind::EcmoFlowFrom(form.ecmo_flow)));
                }
            });
            ui.end_row();
        });
    if let Some(e) = &form.refusal {
        ui.colored_label(theme::above_target(), format!("Not recorded: {e}"));
    }
    let history: Vec<String> = doc
        .case()
        .events
        .iter()
        .rev()
        .filter(|e| e.kind.is_fact())
        .map(|e| format!("{}  {}", e.time.for_people(doc.as_of()), e.kind.describe()))
        .collect();
    ui.label(RichText::new("Changes recorded, newest first").strong());
    if history.is_empty() {
        ui.label(RichText::new("none: the values at the case start hold throughout").color(theme::muted()));
    }
    for line in history {
        ui.label(line);
    }
}

/// The setting and renal replacement rows of the facts grid: each in effect, and a change from now.
fn setting_and_rrt_rows(ui: &mut egui::Ui, doc: &Document, form: &mut FactsForm, commands: &mut Vec<Command>) {
    let facts = &doc.analysis().patient.facts;
    let start = doc.case().case_start;
    let l = ui.label("setting");
    ui.label(in_effect(
        format!(
            "{} (protocol {})",
            facts.setting.value.label(),
            doc.protocol_choice().name
        ),
        facts.setting.since,
        start,
    ));
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("fact_setting")
            .selected_text(form.setting.label())
            .show_ui(ui, |ui| {
                for s in Setting::ALL {
                    ui.selectable_value(&mut form.setting, s, s.label());
                }
            })
            .response
            .labelled_by(l.id);
        if ui.button("Record setting from now").clicked() {
            commands.push(Command::RecordFact(EventKind::SettingFrom(form.setting)));
        }
    });
    ui.end_row();
    let l = ui.label("renal replacement therapy");
    ui.label(in_effect(RrtWord::of(facts.rrt.value).code(), facts.rrt.since, start));
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("fact_rrt")
            .selected_text(form.rrt.code())
            .show_ui(ui, |ui| {
                for w in RrtWord::ALL {
                    ui.selectable_value(&mut form.rrt, w, w.code());
                }
            })
            .response
            .labelled_by(l.id);
        if ui.button("Record renal replacement therapy from now").clicked() {
            commands.push(Command::RecordFact(EventKind::RrtFrom(form.rrt)));
        }
    });
    ui.end_row();
}
