//! The desktop app (egui). The UI only shows state and sends intents: widgets push [`Command`]s, which
//! are applied once at the end of the frame. All clinical logic is the library's; this module keeps the
//! open case, the replay cursor, the file workflow (open, save, recent, recovery) and preferences.

mod bypass;
mod case_bar;
mod entry;
mod patient;
mod plan;
mod plots;
mod theme;
mod tools;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;
use serde::{Deserialize, Serialize};

use anticoag_planner::analysis::{Action, Analysis, Prepared, analyze_prepared};
use anticoag_planner::io::recovery::{clear_recovery, read_recovery, write_recovery};
use anticoag_planner::io::{LoadedCase, load_case, parse_case, parse_events_csv, save_case};
use anticoag_planner::model::{Case, ClinicalTime, Event, Patient};
use anticoag_planner::protocol::Protocol;

pub use case_bar::PathPurpose;

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

/// How many recent files the case bar remembers.
const RECENT_FILES: usize = 8;
/// Unsaved edits are written to the recovery file at most this often.
const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);

/// An action that would replace or close the open case: asked about first when there are unsaved edits.
#[derive(Debug, Clone, PartialEq)]
pub enum Replace {
    OpenDemo(usize),
    OpenPath(PathBuf),
    NewCase(Box<Case>),
    Recover,
    Quit,
}

/// What the user asked for this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Replace the open case (asks first if it has unsaved edits).
    Replace(Replace),
    /// The user answered the unsaved-changes question: `true` discards the edits and goes ahead.
    ConfirmDiscard(bool),
    ShowNewDialog,
    ShowPathDialog(PathPurpose),
    ClosePathDialog,
    Save,
    SaveAs(PathBuf),
    ImportCsv(PathBuf),
    DismissImportReport,
    DiscardRecovery,
    /// Move the replay cursor to this event-time index.
    SetCursor(usize),
    /// Move the cursor by this many event times.
    StepCursor(i64),
    CopyPlan(String),
    ShowView(CentralView),
    SetPredictFirst(bool),
    Predict(Action),
    SetPatient(Box<Patient>),
    SetProtocol(String),
    SetTitle(String),
    SetNotes(String),
    AddEvent(Event),
    /// Replace this event (found by value) with the new one.
    ReplaceEvent(Box<Event>, Event),
    DeleteEvent(usize),
}

/// An open case, its protocol, the prepared index, the analysis at the cursor and the entry forms.
pub struct Document {
    case: Case,
    protocol: Protocol,
    prepared: Prepared,
    times: Vec<ClinicalTime>,
    cursor: usize,
    analysis: Analysis,
    /// The file it was opened from or saved to (`None`: a demo, an import or a new case).
    path: Option<PathBuf>,
    /// What the case bar calls it.
    origin: String,
    /// Unsaved edits.
    dirty: bool,
    /// Bumped on every edit, so autosave writes each state once.
    revision: u64,
    patient_form: patient::PatientForm,
    entry_form: entry::EntryForm,
    tools_form: tools::ToolsForm,
    /// The plots' data for (revision, cursor): rebuilt only when either changes.
    plot_cache: std::cell::RefCell<Option<(u64, usize, std::rc::Rc<plots::PlotData>)>>,
}

impl Document {
    fn new(loaded: LoadedCase, path: Option<PathBuf>, origin: String) -> Self {
        let prepared = Prepared::new(&loaded.case, &loaded.protocol);
        let times = event_times(&prepared, &loaded.case);
        let cursor = times.len() - 1;
        let analysis = analyze_prepared(&loaded.case, &prepared, &loaded.protocol, times[cursor]);
        let patient_form = patient::PatientForm::new(&loaded.case);
        let entry_form = entry::EntryForm::new(times[cursor]);
        let latest_at = prepared
            .timeline
            .labs
            .antithrombin
            .latest(times[cursor])
            .map(|s| s.value);
        let tools_form = tools::ToolsForm::new(latest_at, loaded.protocol.antithrombin.plasma_derived.target_percent);
        Self {
            case: loaded.case,
            protocol: loaded.protocol,
            prepared,
            times,
            cursor,
            analysis,
            path,
            origin,
            dirty: false,
            revision: 0,
            patient_form,
            entry_form,
            tools_form,
            plot_cache: std::cell::RefCell::new(None),
        }
    }

    /// Re-indexes after an edit and moves the cursor to the latest event (the live view).
    fn edited(&mut self) {
        self.dirty = true;
        self.revision += 1;
        self.prepared = Prepared::new(&self.case, &self.protocol);
        self.times = event_times(&self.prepared, &self.case);
        self.cursor = self.times.len() - 1;
        self.analysis = analyze_prepared(&self.case, &self.prepared, &self.protocol, self.times[self.cursor]);
    }

    fn set_cursor(&mut self, cursor: usize) {
        let cursor = cursor.min(self.times.len() - 1);
        if cursor != self.cursor {
            self.cursor = cursor;
            self.analysis = analyze_prepared(&self.case, &self.prepared, &self.protocol, self.times[cursor]);
        }
    }

    fn as_of(&self) -> ClinicalTime {
        self.times[self.cursor]
    }

    /// What the plots draw, gathered once per edit and replay position.
    fn plot_data(&self) -> std::rc::Rc<plots::PlotData> {
        let mut cache = self.plot_cache.borrow_mut();
        match &*cache {
            Some((revision, cursor, data)) if *revision == self.revision && *cursor == self.cursor => data.clone(),
            _ => {
                let data = std::rc::Rc::new(plots::PlotData::new(self));
                *cache = Some((self.revision, self.cursor, data.clone()));
                data
            }
        }
    }

    /// The patient form's first refusal, if any: a case with a refused field is not saved.
    fn form_error(&self) -> Option<String> {
        self.patient_form.first_error()
    }
}

/// The analysis times: every event time, or the case start for a case with no events yet (never empty).
fn event_times(prepared: &Prepared, case: &Case) -> Vec<ClinicalTime> {
    let times = prepared.timeline.event_times();
    if times.is_empty() {
        vec![case.case_start]
    } else {
        times.to_vec()
    }
}

/// Which view the central panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CentralView {
    Algorithm,
    Plots,
    Timeline,
    Patient,
    DosingTools,
    Bypass,
}

impl CentralView {
    pub const ALL: [(Self, &'static str); 6] = [
        (Self::Algorithm, "Algorithm"),
        (Self::Plots, "Plots"),
        (Self::Timeline, "Timeline"),
        (Self::Patient, "Patient"),
        (Self::DosingTools, "Dosing tools"),
        (Self::Bypass, "Bypass"),
    ];
}

/// Preferences kept between runs by eframe. Never clinical data: no case content lives here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub view: CentralView,
    pub predict_first: bool,
    pub recent_files: Vec<PathBuf>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            view: CentralView::Algorithm,
            predict_first: false,
            recent_files: Vec::new(),
        }
    }
}

const PREFERENCES_KEY: &str = "anticoag-planner preferences";

/// A CSV import that failed: every line's problem, shown until dismissed. The case is untouched.
pub struct ImportReport {
    pub file: String,
    pub lines: Vec<String>,
}

/// The application state.
pub struct PlannerApp {
    document: Option<Document>,
    prefs: Preferences,
    /// The learner's choice at the current replay time (teaching, predict first).
    prediction: Option<Action>,
    /// The last outcome or problem, shown in the case bar until the next one.
    status: Option<String>,
    /// A replacement waiting for the answer to "discard unsaved changes?".
    pending: Option<Replace>,
    path_dialog: Option<case_bar::PathDialog>,
    new_dialog: Option<case_bar::NewCaseDialog>,
    import_report: Option<ImportReport>,
    /// Where unsaved edits are written for crash recovery (`None`: no recovery, as in tests).
    recovery_dir: Option<PathBuf>,
    /// A recovery file found at start-up, offered back to the user: (description).
    recovery_offer: Option<String>,
    last_autosave: Option<(Instant, u64)>,
    /// Set once the user agreed to close: the next close request is let through.
    closing: bool,
    /// Measurement mode: close once the first frame is drawn.
    exit_after_first_frame: bool,
}

impl PlannerApp {
    /// Starts with the first demo case open and no recovery (tests, benchmarks).
    #[must_use]
    pub fn new() -> Self {
        Self::with_preferences(Preferences::default(), None)
    }

    /// Starts with saved preferences and, when `recovery_dir` holds unsaved work from a previous run,
    /// offers it back.
    #[must_use]
    pub fn with_preferences(prefs: Preferences, recovery_dir: Option<PathBuf>) -> Self {
        let mut app = Self {
            document: None,
            prefs,
            prediction: None,
            status: None,
            pending: None,
            path_dialog: None,
            new_dialog: None,
            import_report: None,
            recovery_dir,
            recovery_offer: None,
            last_autosave: None,
            closing: false,
            exit_after_first_frame: false,
        };
        // Read the recovery offer first: opening the demo must not clear it.
        if let Some(dir) = &app.recovery_dir {
            match read_recovery(dir) {
                Ok(Some(r)) => {
                    let from = r
                        .original_path
                        .map_or_else(|| "a case never saved".to_owned(), |p| p.display().to_string());
                    app.recovery_offer = Some(format!("'{}' (from {from})", r.loaded.case.title));
                }
                Ok(None) => {}
                Err(e) => app.status = Some(format!("a recovery file exists but cannot be read: {e}")),
            }
        }
        let status = app.status.take();
        app.replace(Replace::OpenDemo(0));
        app.status = status;
        app
    }

    /// Opens a case in place of the current one (the caller has already asked about unsaved edits).
    fn replace(&mut self, what: Replace) {
        let opened = match what {
            Replace::OpenDemo(i) => {
                let Some((_, name, text)) = DEMO_CASES.get(i) else {
                    return;
                };
                parse_case(text, name, None).map(|l| Document::new(l, None, "bundled demo".to_owned()))
            }
            Replace::OpenPath(path) => load_case(&path).map(|l| {
                self.remember_recent(&path);
                Document::new(l, Some(path.clone()), display_name(&path))
            }),
            Replace::NewCase(case) => {
                let text = anticoag_planner::io::to_ron_string(&case);
                parse_case(&text, "new case", None).map(|l| {
                    let mut doc = Document::new(l, None, "new case".to_owned());
                    doc.dirty = true;
                    doc
                })
            }
            Replace::Recover => {
                let Some(dir) = &self.recovery_dir else { return };
                match read_recovery(dir) {
                    Ok(Some(r)) => {
                        self.recovery_offer = None;
                        let mut doc = Document::new(r.loaded, r.original_path.clone(), "recovered".to_owned());
                        doc.origin = r.original_path.as_deref().map_or("recovered".to_owned(), display_name);
                        doc.dirty = true;
                        Ok(doc)
                    }
                    Ok(None) => return,
                    Err(e) => Err(e),
                }
            }
            Replace::Quit => {
                // The user chose to discard the edits: their recovery copy goes too.
                if let Some(dir) = &self.recovery_dir {
                    let _ = clear_recovery(dir);
                }
                self.closing = true;
                return;
            }
        };
        match opened {
            Ok(doc) => {
                // The previous case's recovery file is obsolete once the user chose to replace it.
                if let Some(dir) = &self.recovery_dir
                    && self.recovery_offer.is_none()
                {
                    let _ = clear_recovery(dir);
                }
                self.document = Some(doc);
                self.prediction = None;
                self.status = None;
            }
            // A file that fails to load leaves the open case untouched.
            Err(e) => self.status = Some(format!("Not opened: {e}")),
        }
    }

    /// Opens a case built in memory, in the given view (the frame benchmark and tests use generated
    /// month-long courses).
    #[allow(dead_code, reason = "called by the frame benchmark and the tests, not by the binary")]
    pub fn open_generated(&mut self, case: Case, view: CentralView) {
        self.replace(Replace::NewCase(Box::new(case)));
        self.prefs.view = view;
    }

    fn remember_recent(&mut self, path: &Path) {
        let recent = &mut self.prefs.recent_files;
        recent.retain(|p| p != path);
        recent.insert(0, path.to_path_buf());
        recent.truncate(RECENT_FILES);
    }

    fn save_to(&mut self, path: PathBuf) {
        let Some(doc) = &mut self.document else { return };
        if let Some(problem) = doc.form_error() {
            self.status = Some(format!("Save refused: fix the marked patient field first ({problem})"));
            return;
        }
        match save_case(&path, &doc.case) {
            Ok(()) => {
                doc.dirty = false;
                doc.origin = display_name(&path);
                doc.path = Some(path.clone());
                self.status = Some(format!("Saved {}", path.display()));
                if let Some(dir) = &self.recovery_dir {
                    let _ = clear_recovery(dir);
                }
                self.remember_recent(&path);
            }
            Err(e) => self.status = Some(format!("Not saved: {e}")),
        }
    }

    fn import_csv(&mut self, path: &Path) {
        let Some(doc) = &mut self.document else { return };
        let file = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                self.status = Some(format!("Not imported: cannot read {file}: {e}"));
                return;
            }
        };
        let weight = doc.case.patient.weight.kg;
        let parsed = parse_events_csv(
            &bytes,
            &doc.protocol.plausibility,
            weight,
            Some(ClinicalTime::now_local()),
        );
        let import = match parsed {
            Ok(i) => i,
            Err(errors) => {
                self.import_report = Some(ImportReport {
                    file,
                    lines: errors.iter().map(ToString::to_string).collect(),
                });
                return;
            }
        };
        // All or nothing: a duplicate or an event before the case start refuses the whole file.
        let mut merged = doc.case.clone();
        let mut problems = Vec::new();
        for event in import.events {
            if let Err(e) = merged.insert_event(event) {
                problems.push(e.to_string());
            }
        }
        if !problems.is_empty() {
            self.import_report = Some(ImportReport { file, lines: problems });
            return;
        }
        let added = merged.events.len() - doc.case.events.len();
        doc.case = merged;
        doc.edited();
        self.status = Some(format!("Imported {added} event(s) from {file}"));
    }

    fn apply(&mut self, command: Command, ctx: Option<&egui::Context>) {
        match command {
            Command::Replace(what) => {
                if self.document.as_ref().is_some_and(|d| d.dirty) {
                    self.pending = Some(what);
                } else {
                    self.replace(what);
                }
            }
            Command::ConfirmDiscard(go_ahead) => {
                if let Some(what) = self.pending.take()
                    && go_ahead
                {
                    self.replace(what);
                }
            }
            Command::ShowNewDialog => self.new_dialog = Some(case_bar::NewCaseDialog::default()),
            Command::ShowPathDialog(purpose) => self.path_dialog = Some(case_bar::PathDialog::new(purpose)),
            Command::ClosePathDialog => {
                self.path_dialog = None;
                self.new_dialog = None;
            }
            Command::Save => match self.document.as_ref().and_then(|d| d.path.clone()) {
                Some(path) => self.save_to(path),
                None => {
                    if let Some(problem) = self.document.as_ref().and_then(Document::form_error) {
                        self.status = Some(format!("Save refused: fix the marked patient field first ({problem})"));
                    } else {
                        self.path_dialog = Some(case_bar::PathDialog::new(PathPurpose::SaveAs));
                    }
                }
            },
            Command::SaveAs(path) => {
                self.path_dialog = None;
                self.save_to(path);
            }
            Command::ImportCsv(path) => {
                self.path_dialog = None;
                self.import_csv(&path);
            }
            Command::DismissImportReport => self.import_report = None,
            Command::DiscardRecovery => {
                self.recovery_offer = None;
                if let Some(dir) = &self.recovery_dir
                    && let Err(e) = clear_recovery(dir)
                {
                    self.status = Some(format!("cannot remove the recovery file: {e}"));
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
            Command::ShowView(view) => self.prefs.view = view,
            Command::SetPredictFirst(on) => {
                self.prefs.predict_first = on;
                self.prediction = None;
            }
            Command::Predict(action) => self.prediction = Some(action),
            Command::CopyPlan(text) => {
                if let Some(ctx) = ctx {
                    ctx.copy_text(text);
                    self.status = Some("plan copied to the clipboard".to_owned());
                }
            }
            Command::SetPatient(patient) => {
                let Some(doc) = &mut self.document else { return };
                let setting_changed = patient.setting != doc.case.patient.setting;
                doc.case.patient = *patient;
                // The form's choices follow the case (the 4Ts scorer also edits the patient).
                doc.patient_form.follow(&doc.case.patient);
                if setting_changed {
                    let name = doc.case.patient.setting.default_protocol();
                    match Protocol::resolve(name) {
                        Ok(p) => {
                            doc.protocol = p;
                            doc.case.protocol = name.to_owned();
                            self.status = Some(format!("setting changed: protocol {name} now applies"));
                        }
                        Err(e) => self.status = Some(format!("protocol {name}: {e}")),
                    }
                }
                doc.edited();
            }
            Command::SetProtocol(name) => {
                let Some(doc) = &mut self.document else { return };
                match Protocol::resolve(&name) {
                    Ok(p) if p.settings.contains(&doc.case.patient.setting) => {
                        doc.protocol = p;
                        doc.case.protocol = name;
                        doc.edited();
                    }
                    Ok(p) => {
                        self.status = Some(format!(
                            "protocol {name} is not for the {} setting (it covers: {})",
                            doc.case.patient.setting.label(),
                            p.settings.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
                        ));
                    }
                    Err(e) => self.status = Some(format!("protocol {name}: {e}")),
                }
            }
            Command::SetTitle(title) => {
                if let Some(doc) = &mut self.document {
                    doc.case.title = title;
                    doc.dirty = true;
                    doc.revision += 1;
                }
            }
            Command::SetNotes(notes) => {
                if let Some(doc) = &mut self.document {
                    doc.case.notes = notes;
                    doc.dirty = true;
                    doc.revision += 1;
                }
            }
            Command::AddEvent(event) => {
                let Some(doc) = &mut self.document else { return };
                match doc.case.insert_event(event) {
                    Ok(_) => {
                        doc.edited();
                        doc.entry_form.added();
                    }
                    Err(e) => doc.entry_form.refused(e.to_string()),
                }
            }
            Command::ReplaceEvent(original, event) => {
                let Some(doc) = &mut self.document else { return };
                let Some(index) = doc.case.events.iter().position(|e| *e == *original) else {
                    doc.entry_form
                        .refused("the event being edited is no longer in the case".to_owned());
                    return;
                };
                let mut edited = doc.case.clone();
                edited.events.remove(index);
                match edited.insert_event(event) {
                    Ok(_) => {
                        doc.case = edited;
                        doc.edited();
                        doc.entry_form.added();
                    }
                    Err(e) => doc.entry_form.refused(e.to_string()),
                }
            }
            Command::DeleteEvent(index) => {
                let Some(doc) = &mut self.document else { return };
                if index < doc.case.events.len() {
                    let removed = doc.case.events.remove(index);
                    doc.edited();
                    self.status = Some(format!("deleted: {} {}", removed.time, removed.kind.describe()));
                }
            }
        }
    }

    /// Writes unsaved edits to the recovery file, at most every few seconds and once per revision.
    fn autosave(&mut self) {
        let (Some(dir), Some(doc)) = (&self.recovery_dir, &self.document) else {
            return;
        };
        if !doc.dirty || doc.form_error().is_some() {
            return;
        }
        let due = self
            .last_autosave
            .is_none_or(|(at, rev)| rev != doc.revision && at.elapsed() >= AUTOSAVE_EVERY);
        if due {
            if let Err(e) = write_recovery(dir, &doc.case, doc.path.as_deref()) {
                self.status = Some(format!("autosave failed: {e}"));
            }
            self.last_autosave = Some((Instant::now(), doc.revision));
        }
    }

    /// Lays out the whole window; commands are applied after drawing.
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let mut commands = Vec::new();
        let ctx = ui.ctx().clone();
        self.handle_close_request(&ctx, &mut commands);
        egui::Panel::top("case_bar").show(ui, |ui| case_bar::case_bar_ui(ui, self, &mut commands));
        let predict_first = self.prefs.predict_first;
        let prediction = self.prediction;
        let view = self.prefs.view;
        if let Some(doc) = &mut self.document {
            egui::Panel::left("plan").default_size(440.0).show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("plan_scroll")
                    .show(ui, |ui| match (predict_first, prediction) {
                        (true, None) => plan::predict_ui(ui, &mut commands),
                        (true, Some(choice)) => {
                            plan::verdict_ui(ui, choice, doc.analysis.recommendation.action);
                            plan::recommendation_card_ui(ui, &doc.analysis, &mut commands);
                        }
                        (false, _) => plan::recommendation_card_ui(ui, &doc.analysis, &mut commands),
                    });
            });
            let hide_decision = predict_first && prediction.is_none();
            egui::CentralPanel::default().show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (v, label) in CentralView::ALL {
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
                    CentralView::Plots => plots::plots_ui(ui, doc),
                    CentralView::Timeline => entry::timeline_ui(ui, doc, &mut commands),
                    CentralView::Patient => {
                        egui::ScrollArea::vertical()
                            .id_salt("patient_scroll")
                            .show(ui, |ui| patient::patient_ui(ui, doc, &mut commands));
                    }
                    CentralView::DosingTools => {
                        egui::ScrollArea::vertical()
                            .id_salt("tools_scroll")
                            .show(ui, |ui| tools::tools_ui(ui, doc, &mut commands));
                    }
                    CentralView::Bypass => {
                        egui::ScrollArea::vertical()
                            .id_salt("bypass_scroll")
                            .show(ui, |ui| bypass::bypass_ui(ui, doc, &mut commands));
                    }
                }
            });
        } else {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.label("No case open: choose New, Open… or Open demo case");
            });
        }
        case_bar::dialogs_ui(&ctx, self, &mut commands);
        for command in commands {
            self.apply(command, Some(&ctx));
        }
        self.autosave();
        if self.exit_after_first_frame {
            self.closing = true;
        }
        if self.closing {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// A window close with unsaved edits is held back and turned into the unsaved-changes question.
    fn handle_close_request(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.closing {
            if self.document.as_ref().is_some_and(|d| d.dirty) {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                commands.push(Command::Replace(Replace::Quit));
            } else if let Some(dir) = &self.recovery_dir {
                let _ = clear_recovery(dir);
            }
        }
    }
}

/// Installs the fonts (exposed for the frame benchmark's harness).
#[allow(dead_code, reason = "called by the frame benchmark")]
pub fn theme_install_fonts(ctx: &egui::Context) {
    theme::install_fonts(ctx);
}

/// The file name alone, for the case bar.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
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
        eframe::set_value(storage, PREFERENCES_KEY, &self.prefs);
    }
}

/// Opens the window.
///
/// # Errors
/// When no window can be created (no display).
pub fn run(open: Option<PathBuf>, exit_after_first_frame: bool) -> Result<(), eframe::Error> {
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
            let prefs = cc
                .storage
                .and_then(|s| eframe::get_value(s, PREFERENCES_KEY))
                .unwrap_or_default();
            let recovery_dir = eframe::storage_dir("anticoag-planner").map(|d| d.join("recovery"));
            let mut app = PlannerApp::with_preferences(prefs, recovery_dir);
            if let Some(path) = open {
                app.replace(Replace::OpenPath(path));
            }
            app.exit_after_first_frame = exit_after_first_frame;
            Ok(Box::new(app))
        }),
    )
}

#[cfg(test)]
mod tests;
