//! The desktop app (egui). The UI only shows state and sends intents: widgets push [`Command`]s, which
//! are applied once at the end of the frame. All clinical logic is the library's.
//!
//! This first slice: the bundled demo case, the teaching replay (slider and step buttons), the
//! recommendation card and the algorithm stepper. The rest of the workstation (tables, plots, patient
//! panel, dosing tools, bypass view, file dialogs) is still to come.

mod plan;
mod plots;
mod theme;
mod timeline;

use eframe::egui;

use anticoag_planner::analysis::{Action, Analysis, Prepared, analyze_prepared};
use anticoag_planner::io::{LoadedCase, parse_case};
use anticoag_planner::model::{Case, ClinicalTime};
use anticoag_planner::protocol::Protocol;

/// Cases bundled in the binary: (menu label, file name, text). The teaching cases are the synthetic
/// cases the engine tests use, one per pattern.
pub const DEMO_CASES: [(&str, &str, &str); 8] = [
    (
        "CMAJ 2019: heparin resistance on VV-ECMO",
        "assets/cases/cmaj-2019-ecmo.ron",
        include_str!("../../assets/cases/cmaj-2019-ecmo.ron"),
    ),
    (
        "Teaching: pseudo-resistance",
        "tests/cases/pseudo-resistance.ron",
        include_str!("../../tests/cases/pseudo-resistance.ron"),
    ),
    (
        "Teaching: coagulopathy discordance",
        "tests/cases/coagulopathy-discordance.ron",
        include_str!("../../tests/cases/coagulopathy-discordance.ron"),
    ),
    (
        "Teaching: suspected HIT",
        "tests/cases/hit-suspected.ron",
        include_str!("../../tests/cases/hit-suspected.ron"),
    ),
    (
        "Teaching: bypass heparin resistance",
        "tests/cases/bypass-resistance.ron",
        include_str!("../../tests/cases/bypass-resistance.ron"),
    ),
    (
        "Teaching: severe antithrombin deficiency on VA-ECMO",
        "tests/cases/antithrombin-severe-deficiency.ron",
        include_str!("../../tests/cases/antithrombin-severe-deficiency.ron"),
    ),
    (
        "Teaching: supratherapeutic heparin",
        "tests/cases/supratherapeutic.ron",
        include_str!("../../tests/cases/supratherapeutic.ron"),
    ),
    (
        "Teaching: under-dosing",
        "tests/cases/under-dosed.ron",
        include_str!("../../tests/cases/under-dosed.ron"),
    ),
];

/// What the user asked for this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    OpenDemo(usize),
    /// Move the replay cursor to this event-time index.
    SetCursor(usize),
    /// Move the cursor by this many event times.
    StepCursor(i64),
    CopyPlan(String),
    ShowView(CentralView),
    SetPredictFirst(bool),
    Predict(Action),
}

/// An open case, its protocol, the prepared index and the analysis at the cursor.
struct Document {
    case: Case,
    protocol: Protocol,
    prepared: Prepared,
    times: Vec<ClinicalTime>,
    cursor: usize,
    analysis: Analysis,
    warnings: Vec<String>,
}

impl Document {
    fn new(loaded: LoadedCase) -> Option<Self> {
        let prepared = Prepared::new(&loaded.case, &loaded.protocol);
        let times = prepared.timeline.event_times().to_vec();
        let cursor = times.len().checked_sub(1)?;
        let analysis = analyze_prepared(&loaded.case, &prepared, &loaded.protocol, times[cursor]);
        Some(Self {
            case: loaded.case,
            protocol: loaded.protocol,
            prepared,
            times,
            cursor,
            analysis,
            warnings: loaded.warnings,
        })
    }

    fn set_cursor(&mut self, cursor: usize) {
        let cursor = cursor.min(self.times.len().saturating_sub(1));
        if cursor != self.cursor {
            self.cursor = cursor;
            self.analysis = analyze_prepared(&self.case, &self.prepared, &self.protocol, self.times[cursor]);
        }
    }
}

/// Which view the central panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CentralView {
    Algorithm,
    Plots,
    Timeline,
}

/// The application state.
pub struct PlannerApp {
    document: Option<Document>,
    view: CentralView,
    /// Teaching: hide the recommendation until the learner has chosen an action.
    predict_first: bool,
    /// The learner's choice at the current replay time.
    prediction: Option<Action>,
    /// The last thing that went wrong, shown until the next action.
    status: Option<String>,
}

impl PlannerApp {
    /// Starts with the first demo case open.
    #[must_use]
    pub fn new() -> Self {
        let mut app = Self {
            document: None,
            view: CentralView::Algorithm,
            predict_first: false,
            prediction: None,
            status: None,
        };
        app.apply(Command::OpenDemo(0), None);
        app
    }

    fn apply(&mut self, command: Command, ctx: Option<&egui::Context>) {
        match command {
            Command::OpenDemo(i) => {
                let Some((_, name, text)) = DEMO_CASES.get(i) else {
                    return;
                };
                match parse_case(text, name, None) {
                    Ok(loaded) => match Document::new(loaded) {
                        Some(doc) => {
                            self.document = Some(doc);
                            self.prediction = None;
                            self.status = None;
                        }
                        None => self.status = Some(format!("{name}: the case has no events")),
                    },
                    Err(e) => self.status = Some(e.to_string()),
                }
            }
            Command::SetCursor(i) => {
                if let Some(doc) = &mut self.document {
                    doc.set_cursor(i);
                }
                self.prediction = None;
            }
            Command::StepCursor(delta) => {
                if let Some(doc) = &mut self.document {
                    let target = (doc.cursor as i64 + delta).clamp(0, doc.times.len() as i64 - 1);
                    doc.set_cursor(usize::try_from(target).unwrap_or(0));
                }
                self.prediction = None;
            }
            Command::ShowView(view) => self.view = view,
            Command::SetPredictFirst(on) => {
                self.predict_first = on;
                self.prediction = None;
            }
            Command::Predict(action) => self.prediction = Some(action),
            Command::CopyPlan(text) => {
                if let Some(ctx) = ctx {
                    ctx.copy_text(text);
                    self.status = Some("plan copied to the clipboard".to_owned());
                }
            }
        }
    }

    /// Lays out the whole window; commands are applied after drawing.
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let mut commands = Vec::new();
        egui::Panel::top("case_bar").show(ui, |ui| self.case_bar_ui(ui, &mut commands));
        if let Some(doc) = &self.document {
            egui::Panel::left("plan").default_size(460.0).show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("plan_scroll").show(ui, |ui| {
                    match (self.predict_first, self.prediction) {
                        (true, None) => plan::predict_ui(ui, &mut commands),
                        (true, Some(choice)) => {
                            plan::verdict_ui(ui, choice, doc.analysis.recommendation.action);
                            plan::recommendation_card_ui(ui, &doc.analysis, &mut commands);
                        }
                        (false, _) => plan::recommendation_card_ui(ui, &doc.analysis, &mut commands),
                    }
                });
            });
            let view = self.view;
            let hide_decision = self.predict_first && self.prediction.is_none();
            egui::CentralPanel::default().show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (label, v) in [
                        ("Algorithm", CentralView::Algorithm),
                        ("Plots", CentralView::Plots),
                        ("Timeline", CentralView::Timeline),
                    ] {
                        if ui.selectable_label(view == v, label).clicked() {
                            commands.push(Command::ShowView(v));
                        }
                    }
                });
                ui.separator();
                match view {
                    CentralView::Algorithm => {
                        egui::ScrollArea::vertical()
                            .id_salt("steps_scroll")
                            .show(ui, |ui| plan::stepper_ui(ui, &doc.analysis, hide_decision));
                    }
                    CentralView::Plots => {
                        plots::plots_ui(
                            ui,
                            &doc.case,
                            &doc.protocol,
                            &doc.prepared.timeline,
                            doc.times[doc.cursor],
                        );
                    }
                    CentralView::Timeline => timeline::timeline_table_ui(ui, &doc.case, doc.times[doc.cursor]),
                }
            });
        } else {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.label("No case open: choose one from Open demo case");
            });
        }
        let ctx = ui.ctx().clone();
        for command in commands {
            self.apply(command, Some(&ctx));
        }
    }

    fn case_bar_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            ui.menu_button("Open demo case…", |ui| {
                for (i, (label, _, _)) in DEMO_CASES.iter().enumerate() {
                    if ui.button(*label).clicked() {
                        commands.push(Command::OpenDemo(i));
                    }
                }
            });
            if let Some(doc) = &self.document {
                ui.separator();
                ui.strong(&doc.case.title);
                ui.label(format!(
                    "· {} · protocol {}",
                    doc.case.patient.setting.label(),
                    doc.protocol.name
                ));
            }
        });
        if let Some(doc) = &self.document {
            ui.horizontal(|ui| {
                let replay_label = ui.label("Replay");
                if ui.button("Previous event").clicked() {
                    commands.push(Command::StepCursor(-1));
                }
                let mut cursor = doc.cursor;
                let slider = egui::Slider::new(&mut cursor, 0..=doc.times.len().saturating_sub(1)).show_value(false);
                if ui.add(slider).labelled_by(replay_label.id).changed() {
                    commands.push(Command::SetCursor(cursor));
                }
                if ui.button("Next event").clicked() {
                    commands.push(Command::StepCursor(1));
                }
                ui.strong(format!("As of {}", doc.times[doc.cursor]));
                let mut predict = self.predict_first;
                if ui.checkbox(&mut predict, "Predict first").changed() {
                    commands.push(Command::SetPredictFirst(predict));
                }
                ui.label(format!("(event time {} of {})", doc.cursor + 1, doc.times.len()));
            });
            if !doc.warnings.is_empty() {
                ui.colored_label(
                    theme::CAUTION,
                    format!(
                        "{} input warning(s) in this case: see Input warnings on the plan",
                        doc.warnings.len()
                    ),
                );
            }
        }
        if let Some(status) = &self.status {
            ui.colored_label(theme::CAUTION, status);
        }
    }
}

impl Default for PlannerApp {
    fn default() -> Self {
        Self::new()
    }
}

impl eframe::App for PlannerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }
}

/// Opens the window.
///
/// # Errors
/// When no window can be created (no display).
pub fn run() -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("anticoag-planner"),
        ..Default::default()
    };
    eframe::run_native(
        "anticoag-planner",
        options,
        Box::new(|cc| {
            theme::install_fonts(&cc.egui_ctx);
            Ok(Box::new(PlannerApp::new()))
        }),
    )
}

#[cfg(test)]
mod tests;
