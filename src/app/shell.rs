//! The shell: the app's state (the open document, each view's own state, the dialogs, preferences, the
//! recovery file) and the frame — lay the views out, collect the commands they push, apply them
//! (`workflow`), autosave.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use eframe::egui;

use crate::analysis::Action;
use crate::analysis::clock::against_clock;
use crate::io::recovery::read_recovery;
use crate::model::{Case, ClinicalTime, Setting, Zone};

use super::command::{Command, PathPurpose, Replace};
use super::document::Document;
use super::preferences::{CentralView, Preferences};
use super::status::{Status, StatusKind};
use super::views::bypass::bypass_ui;
use super::views::case_bar::{CaseBarInfo, case_bar_ui};
use super::views::dialogs::{Dialogs, dialogs_ui};
use super::views::draw_form::DrawForm;
use super::views::event_form::EventForm;
use super::views::flowsheet::{FlowsheetState, flowsheet_ui};
use super::views::history::{HistoryState, history_ui};
use super::views::patient::{PatientForm, patient_ui};
use super::views::plan::{
    anti_xa_verdict_ui, banners_ui, card_header_ui, copied_plan, overdue_line_ui, predict_ui, recommendation_card_ui,
    stepper_ui, teaching_band_ui, verdict_ui,
};
use super::views::plots::{PlotState, plots_ui};
use super::views::start::start_screen_ui;
use super::views::timeline::timeline_ui;
use super::views::tools::{ToolsForm, tools_ui};

/// Unsaved edits are written to the recovery file at most this often.
pub(super) const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);

/// Each view's own state: drafts and caches, never the case. Made anew when the case is replaced.
pub struct ViewStates {
    pub patient: PatientForm,
    pub facts: super::views::facts::FactsForm,
    pub entry: EventForm,
    pub draw: DrawForm,
    pub tools: ToolsForm,
    pub plots: PlotState,
    pub flowsheet: FlowsheetState,
    pub history: HistoryState,
    /// Teaching: the learner's guess of the next anti-Xa, as typed.
    pub anti_xa_draft: String,
}

impl ViewStates {
    #[must_use]
    pub fn new(doc: &Document) -> Self {
        Self {
            patient: PatientForm::new(doc.case()),
            facts: super::views::facts::FactsForm::default(),
            entry: EventForm::empty(),
            draw: DrawForm::default(),
            tools: ToolsForm::new(doc),
            plots: PlotState::default(),
            flowsheet: FlowsheetState::default(),
            history: HistoryState::default(),
            anti_xa_draft: String::new(),
        }
    }
}

/// An open case and the views' state for it: made together, replaced together.
pub struct OpenCase {
    pub doc: Document,
    pub views: ViewStates,
}

impl OpenCase {
    #[must_use]
    pub fn new(doc: Document) -> Self {
        let views = ViewStates::new(&doc);
        Self { doc, views }
    }
}

/// Where "now" and the workstation's time zone come from: the wall clock and the system's zone, or a
/// fixed time in its zone (tests pin both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    Wall,
    Fixed(ClinicalTime),
}

impl Clock {
    #[must_use]
    pub fn now(self) -> ClinicalTime {
        match self {
            Self::Wall => ClinicalTime::now(Zone::workstation()),
            Self::Fixed(t) => t,
        }
    }

    /// The workstation's zone: a new case's default, and the zone an older case file is read in.
    #[must_use]
    pub fn zone(self) -> Zone {
        match self {
            Self::Wall => Zone::workstation(),
            Self::Fixed(t) => t.zone(),
        }
    }
}

/// The application state.
pub struct PlannerApp {
    /// "Now" for refusing future times (the engine never reads it).
    pub(super) clock: Clock,
    pub(super) open: Option<OpenCase>,
    pub(super) prefs: Preferences,
    /// The learner's choice at the current replay time (teaching, predict first).
    pub(super) prediction: Option<Action>,
    /// The learner's guess of the next measured anti-Xa, made with the choice.
    pub(super) anti_xa_guess: Option<f64>,
    /// The last outcome or problem, shown in the case bar until the next one.
    pub(super) status: Option<Status>,
    /// The status as last drawn and when it first was (egui's clock), for the fade.
    status_seen: Option<(Status, f64)>,
    pub(super) dialogs: Dialogs,
    /// Where unsaved edits are written for crash recovery (`None`: no recovery, as in tests).
    pub(super) recovery_dir: Option<PathBuf>,
    pub(super) last_autosave: Option<(Instant, u64)>,
    /// When the open case's lock was last refreshed (issue 27).
    pub(super) last_lock_refresh: Option<Instant>,
    /// Set once the user agreed to close: the next close request is let through.
    pub(super) closing: bool,
    /// Measurement mode: close once the first frame is drawn.
    pub(super) exit_after_first_frame: bool,
    /// The window title last sent (the patient's identifiers and the case title).
    window_title: String,
    /// This workstation's list of approved protocols, if it keeps one (issue 26; none in tests).
    pub(super) approved: Option<crate::io::approved::ApprovedProtocols>,
    /// Ask for a name before the first signed entry while the author is unknown (issue 29; once).
    pub(super) ask_author: bool,
    /// Keys typed after a Tab in the same frame, delivered in the next frame (`hold_keys_after_tab`).
    held_keys: Vec<egui::Event>,
    /// The unit board, shown when no case is open (issue 31).
    pub(super) board: Option<super::board_state::BoardState>,
}

impl PlannerApp {
    /// Shows a problem in the case bar (start-up problems the user must know of).
    pub fn set_status_failed(&mut self, message: String) {
        self.status = Some(Status::failed(message));
    }

    /// Sets the workstation's list of approved protocols; the open case is marked by it from now on.
    pub fn set_approved(&mut self, approved: Option<crate::io::approved::ApprovedProtocols>) {
        if let Some(open) = &mut self.open {
            open.doc.set_approved(approved.clone());
        }
        self.approved = approved;
    }

    /// Starts on the start screen with no recovery (tests, benchmarks).
    #[must_use]
    pub fn new() -> Self {
        Self::with_preferences(Preferences::default(), None)
    }

    /// Starts on the start screen (no case open: issue 28) with saved preferences and, when
    /// `recovery_dir` holds unsaved work from a previous run, offers it back.
    #[must_use]
    pub fn with_preferences(prefs: Preferences, recovery_dir: Option<PathBuf>) -> Self {
        let mut dialogs = Dialogs::default();
        let mut status = None;
        if let Some(dir) = &recovery_dir {
            match read_recovery(dir, Clock::Wall.zone()) {
                Ok(Some(r)) => {
                    let from = r
                        .original_path
                        .map_or_else(|| "a case never saved".to_owned(), |p| p.display().to_string());
                    // When the copy was written, and by whom (issue 27).
                    let written = r.header.written.as_deref().map_or(String::new(), |w| {
                        // For people: "written 6 Dec 2026 22:35" (the header keeps ISO).
                        let when = crate::present::people::people_times(w, Clock::Wall.now());
                        format!(", written {when}")
                    });
                    let by = if r.header.owner.is_empty() {
                        String::new()
                    } else {
                        format!(" by {}", r.header.owner)
                    };
                    dialogs.recovery_offer = Some(format!(
                        "'{}' (from {from}{written}{by})",
                        crate::model::plain_text::escaped(&r.loaded.case.title)
                    ));
                    dialogs.recovery_file = Some(r.file);
                }
                Ok(None) => {}
                Err(e) => {
                    status = Some(Status::failed(format!(
                        "a recovery file exists but cannot be read: {e}"
                    )))
                }
            }
        }
        let mut app = Self {
            clock: Clock::Wall,
            open: None,
            prefs,
            prediction: None,
            anti_xa_guess: None,
            status: None,
            status_seen: None,
            dialogs,
            recovery_dir,
            last_autosave: None,
            last_lock_refresh: None,
            closing: false,
            exit_after_first_frame: false,
            window_title: String::new(),
            approved: None,
            ask_author: false,
            held_keys: Vec::new(),
            board: None,
        };
        app.status = status;
        app
    }

    /// Opens a bundled teaching case by its place in [`super::DEMO_CASES`] (tests and benchmarks; the
    /// start screen's buttons do the same).
    pub fn open_demo(&mut self, index: usize) {
        self.replace(Replace::OpenDemo(index));
    }

    /// Opens a case built in memory, in the given view (the frame benchmark and tests use generated
    /// month-long courses).
    pub fn open_generated(&mut self, case: Case, view: CentralView) {
        self.replace(Replace::NewCase(Box::new(case)));
        self.prefs.view = view;
    }

    /// Opens a case file (the `--open` start flag).
    pub fn open_path(&mut self, path: PathBuf) {
        self.replace(Replace::OpenPath(path));
    }

    /// Sets where "now" comes from (tests fix it).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// How visible the status line still is: full for a while after it changed, then fading out
    /// (a failure stays longer). Keeps the frames coming while it fades.
    fn status_opacity(&mut self, ctx: &egui::Context) -> f32 {
        let now = ctx.input(|i| i.time);
        let current = self.status.clone();
        if self.status_seen.as_ref().map(|(s, _)| s) != current.as_ref() {
            self.status_seen = current.map(|s| (s, now));
        }
        let Some((status, since)) = &self.status_seen else {
            return 0.0;
        };
        let hold = if status.kind == StatusKind::Failure { 20.0 } else { 6.0 };
        let age = now - since;
        let opacity = (1.0 - (age - hold) / 2.0).clamp(0.0, 1.0) as f32;
        if opacity > 0.0 {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        opacity
    }

    /// Closes the window once the first frame is drawn (start-up measurements).
    pub fn exit_after_first_frame(&mut self) {
        self.exit_after_first_frame = true;
    }

    /// The window's title as last sent ("anticoag-planner — " and the patient line).
    #[must_use]
    pub fn title(&self) -> &str {
        &self.window_title
    }

    /// The open case.
    #[must_use]
    pub fn document(&self) -> Option<&Document> {
        self.open.as_ref().map(|o| &o.doc)
    }

    /// Each view's state for the open case.
    #[must_use]
    pub fn views(&self) -> Option<&ViewStates> {
        self.open.as_ref().map(|o| &o.views)
    }

    /// The last outcome or problem shown in the case bar.
    #[must_use]
    pub fn status(&self) -> Option<&str> {
        self.status.as_ref().map(|s| s.text.as_str())
    }

    /// The last outcome with its kind.
    #[must_use]
    pub fn status_kind(&self) -> Option<StatusKind> {
        self.status.as_ref().map(|s| s.kind)
    }

    #[must_use]
    pub fn preferences(&self) -> &Preferences {
        &self.prefs
    }

    #[must_use]
    pub fn dialogs(&self) -> &Dialogs {
        &self.dialogs
    }

    /// Keys typed after a Tab within one frame went to the field the Tab left (the review: "19:00⇥55⇥0.28"
    /// typed fast gave a time "19:005" and an aPTT "50"; egui moves the keyboard once per frame). Called
    /// on the raw input before egui reads it: the events after the first Tab wait for the next frame, in
    /// which the next field has the keyboard; `true` when some wait (the caller asks for that frame).
    pub fn hold_keys_after_tab(&mut self, raw: &mut egui::RawInput) -> bool {
        let held = std::mem::take(&mut self.held_keys);
        raw.events.splice(0..0, held);
        let tab = raw.events.iter().position(|e| {
            matches!(
                e,
                egui::Event::Key {
                    key: egui::Key::Tab,
                    pressed: true,
                    ..
                }
            )
        });
        if let Some(t) = tab.filter(|t| t + 1 < raw.events.len()) {
            self.held_keys = raw.events.split_off(t + 1);
        }
        !self.held_keys.is_empty()
    }

    /// Lays out the whole window; commands are applied after drawing.
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let mut commands = Vec::new();
        let ctx = ui.ctx().clone();
        super::theme::apply(&ctx, self.prefs.theme);
        self.window_title(&ctx);
        self.handle_close_request(&ctx, &mut commands);
        self.shortcuts(&ctx, &mut commands);
        let status_opacity = self.status_opacity(&ctx);
        self.poll_board(&ctx);
        let info = CaseBarInfo {
            recent_files: &self.prefs.recent_files,
            predict_first: self.prefs.predict_first,
            status: self.status.as_ref(),
            status_opacity,
            theme: self.prefs.theme,
            author: &self.prefs.author,
            workstation: self.clock.zone(),
            board: self.board.as_ref().map(super::board_state::BoardState::folder_label),
        };
        let doc = self.open.as_ref().map(|o| &o.doc);
        egui::Panel::top("case_bar").show(ui, |ui| case_bar_ui(ui, doc, &info, &mut commands));
        let (predict_first, prediction, view) = (self.prefs.predict_first, self.prediction, self.prefs.view);
        if let Some(OpenCase { doc, views }) = &mut self.open {
            doc.poll_forecast(&ctx);
            // "Now" on the case's clock: the forms fill it in as a wall-clock time of the case's zone.
            let now = self.clock.now().in_zone(doc.case().time_zone);
            views.entry.set_now(now);
            views.draw.set_now(now);
            let paused = views.patient.paused_by();
            let teaching = Teaching {
                predict_first,
                prediction,
                guess: self.anti_xa_guess,
            };
            plan_panel_ui(
                ui,
                doc,
                paused.as_deref(),
                &teaching,
                &mut views.anti_xa_draft,
                now,
                &mut commands,
            );
            let hide_decision = predict_first && prediction.is_none();
            egui::CentralPanel::default().show(ui, |ui| central_ui(ui, doc, views, view, hide_decision, &mut commands));
        } else if let Some(board) = &mut self.board {
            let now = self.clock.now();
            egui::CentralPanel::default().show(ui, |ui| board.ui(ui, now, &mut commands));
        } else {
            let recent = &self.prefs.recent_files;
            egui::CentralPanel::default().show(ui, |ui| start_screen_ui(ui, recent, &mut commands));
        }
        dialogs_ui(
            &ctx,
            self.open.as_ref().map(|o| &o.doc),
            &mut self.dialogs,
            &mut commands,
        );
        for command in commands {
            self.apply(command, Some(&ctx));
        }
        self.autosave();
        self.refresh_lock();
        if self.exit_after_first_frame {
            self.closing = true;
        }
        if self.closing {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// The window's title bar names the patient (identifiers, then the case title).
    fn window_title(&mut self, ctx: &egui::Context) {
        let title = self.document().map_or_else(
            || "anticoag-planner".to_owned(),
            |d| format!("anticoag-planner — {}", d.patient_line()),
        );
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
    }

    /// The keyboard: Ctrl+N / O / S / Shift+S for the files, Ctrl+Z / Ctrl+Shift+Z undo and redo (a
    /// focused text field undoes its own text first), ←/→ and PgUp/PgDn step the replay when no text
    /// field has the keyboard, Ctrl+Shift+C copies the plan, Ctrl+V outside a text field imports the
    /// pasted CSV rows. egui's own Ctrl+= / Ctrl+− / Ctrl+0 set the size, remembered here.
    fn shortcuts(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let zoom = ctx.zoom_factor();
        if (zoom - self.prefs.zoom).abs() > f32::EPSILON {
            self.prefs.zoom = zoom;
        }
        let command = egui::Modifiers::COMMAND;
        let shifted = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
        let pressed = |mods: egui::Modifiers, key: egui::Key| {
            ctx.input_mut(|i| i.consume_shortcut(&egui::KeyboardShortcut::new(mods, key)))
        };
        // Shifted first: consume_shortcut matches Ctrl+S also when Shift is held.
        if pressed(shifted, egui::Key::S) {
            commands.push(Command::ShowPathDialog(PathPurpose::SaveAs));
        } else if pressed(command, egui::Key::S) {
            commands.push(Command::Save);
        }
        if pressed(command, egui::Key::N) {
            commands.push(Command::ShowNewDialog);
        }
        if pressed(command, egui::Key::O) {
            commands.push(Command::ShowPathDialog(PathPurpose::Open));
        }
        if pressed(command, egui::Key::P) && self.open.is_some() {
            commands.push(Command::ShowPathDialog(PathPurpose::Handover));
        }
        // Typing is a text field with the keyboard: a focused button (after a click, or Tab) must not take
        // Ctrl+Z, the arrows or a paste from the case (the review: after Delete, Ctrl+Z did nothing).
        let typing = ctx
            .memory(egui::Memory::focused)
            .is_some_and(|id| egui::TextEdit::load_state(ctx, id).is_some());
        if !typing {
            if pressed(shifted, egui::Key::Z) || pressed(command, egui::Key::Y) {
                commands.push(Command::Redo);
            } else if pressed(command, egui::Key::Z) {
                commands.push(Command::Undo);
            }
            let step = ctx.input(|i| {
                if i.key_pressed(egui::Key::ArrowLeft) {
                    -1
                } else if i.key_pressed(egui::Key::ArrowRight) {
                    1
                } else if i.key_pressed(egui::Key::PageUp) {
                    -10
                } else if i.key_pressed(egui::Key::PageDown) {
                    10
                } else {
                    0
                }
            });
            if step != 0 && self.open.is_some() {
                commands.push(Command::StepCursor(step));
            }
        }
        let Some(OpenCase { doc, views }) = &self.open else {
            return;
        };
        let copy = ctx.input_mut(|i| {
            i.consume_shortcut(&egui::KeyboardShortcut::new(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::C,
            ))
        });
        let asking = self.prefs.predict_first && self.prediction.is_none();
        if copy && !asking && views.patient.paused_by().is_none() {
            commands.push(Command::CopyPlan(copied_plan(doc.analysis(), &doc.patient_line())));
        }
        if !typing {
            let pasted: Vec<String> = ctx.input(|i| {
                i.events
                    .iter()
                    .filter_map(|e| match e {
                        egui::Event::Paste(text) => Some(text.clone()),
                        _ => None,
                    })
                    .collect()
            });
            commands.extend(pasted.into_iter().map(Command::PasteEvents));
        }
    }

    /// A window close with unsaved edits is held back and turned into the unsaved-changes question.
    fn handle_close_request(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.closing {
            if self.document().is_some_and(Document::is_dirty) {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                commands.push(Command::Replace(Replace::Quit));
            } else {
                self.clear_recovery_file();
            }
        }
    }
}

/// The recommendation card (or, in Predict first, the question and then the verdict). Its header — the
/// banners, the action and the weights — is pinned above the part that scrolls.
/// Predict first: whether it is on, and the learner's choice and anti-Xa guess at this replay time.
struct Teaching {
    predict_first: bool,
    prediction: Option<Action>,
    guess: Option<f64>,
}

fn plan_panel_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    paused: Option<&str>,
    teaching: &Teaching,
    anti_xa_draft: &mut String,
    now: ClinicalTime,
    commands: &mut Vec<Command>,
) {
    let Teaching {
        predict_first,
        prediction,
        guess,
    } = *teaching;
    let clock = against_clock(
        &doc.analysis().monitoring,
        doc.as_of(),
        doc.case().last_event_time(),
        now,
    );
    // The card takes about a third of the window: 350 px at 1024, 600 px at 1920.
    let card_width = (ui.available_width() * 0.32).clamp(330.0, 620.0);
    egui::Panel::left("plan").default_size(card_width).show(ui, |ui| {
        // A teaching case says so above everything, also while Predict first asks (issue 28).
        if let Some(band) = doc.case().teaching_band() {
            teaching_band_ui(ui, band);
        }
        let asking = predict_first && prediction.is_none();
        if asking {
            // The action would give the answer away; the banners (a past state, a paused advice, the
            // dangers) say what the patient is in and stay.
            banners_ui(ui, doc.analysis(), paused, &doc.banners());
        } else {
            if let Some(choice) = prediction.filter(|_| predict_first) {
                let r = &doc.analysis().recommendation;
                verdict_ui(ui, choice, r.action, &r.label);
                if let Some(next) = doc.forecasting().next_result(doc.case(), doc.as_of()) {
                    anti_xa_verdict_ui(ui, guess, &next);
                }
            }
            card_header_ui(ui, doc.analysis(), paused, &doc.banners());
            if paused.is_none() {
                overdue_line_ui(ui, &clock);
            }
            ui.separator();
        }
        egui::ScrollArea::vertical().id_salt("plan_scroll").show(ui, |ui| {
            if asking {
                let heparin_runs = doc
                    .prepared()
                    .timeline
                    .running(doc.as_of())
                    .is_some_and(|s| s.drug() == crate::model::Anticoagulant::Heparin);
                predict_ui(ui, anti_xa_draft, heparin_runs, commands);
            } else {
                let line = doc.forecasting().card_line();
                recommendation_card_ui(ui, doc.analysis(), &doc.patient_line(), paused, &clock, line, commands);
            }
        });
    });
}

/// The view tabs and the chosen view.
fn central_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    views: &mut ViewStates,
    view: CentralView,
    hide_decision: bool,
    commands: &mut Vec<Command>,
) {
    // The Bypass tab belongs to the bypass setting; in the ICU and on ECMO the same view is the
    // perfusionist's pre-bypass review of a patient going to theatre.
    let bypass_setting = doc.case().patient.setting == Setting::Cpb;
    // A teaching case's story, above the views when it opens (issue 29: it was only in Patient → Notes).
    let case = doc.case();
    if case.teaching && !case.notes.trim().is_empty() {
        egui::CollapsingHeader::new("About this teaching case")
            .id_salt("teaching_story")
            .default_open(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("teaching_story_scroll")
                    .max_height(60.0)
                    .show(ui, |ui| {
                        ui.add(egui::Label::new(crate::model::plain_text::escaped_keeping_lines(&case.notes)).wrap());
                    });
            });
    }
    ui.horizontal_wrapped(|ui| {
        for (v, label) in CentralView::ALL {
            if v == CentralView::Bypass && !bypass_setting {
                continue;
            }
            if ui.selectable_label(view == v, label).clicked() {
                commands.push(Command::ShowView(v));
            }
        }
        if !bypass_setting {
            ui.separator();
            let review = ui
                .selectable_label(view == CentralView::Bypass, "Pre-bypass review…")
                .on_hover_text("The perfusionist's view for a patient going to theatre: ACT, heparin dose-response, the ICU history");
            if review.clicked() {
                commands.push(Command::ShowView(CentralView::Bypass));
            }
        }
    });
    ui.separator();
    let scroll = |id: &str| egui::ScrollArea::vertical().id_salt(id.to_owned());
    match view {
        CentralView::Algorithm => {
            scroll("steps_scroll").show(ui, |ui| stepper_ui(ui, doc.analysis(), hide_decision));
        }
        CentralView::Plots => plots_ui(ui, doc, &mut views.plots, hide_decision, commands),
        CentralView::Timeline => timeline_ui(ui, doc, &mut views.draw, &mut views.entry, commands),
        CentralView::Flowsheet => flowsheet_ui(ui, doc, &mut views.flowsheet),
        CentralView::History => history_ui(ui, doc, &mut views.history, commands),
        CentralView::Patient => {
            scroll("patient_scroll").show(ui, |ui| {
                patient_ui(ui, doc, &mut views.patient, commands);
                super::views::facts::facts_ui(ui, doc, &mut views.facts, commands);
            });
        }
        CentralView::DosingTools => {
            scroll("tools_scroll").show(ui, |ui| tools_ui(ui, doc, &mut views.tools, commands));
        }
        CentralView::Bypass => {
            scroll("bypass_scroll").show(ui, |ui| bypass_ui(ui, doc, &mut views.entry, commands));
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

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, Preferences::KEY, &self.prefs);
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.hold_keys_after_tab(raw_input) {
            ctx.request_repaint();
        }
    }
}
