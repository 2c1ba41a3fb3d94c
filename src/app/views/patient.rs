//! The patient panel: every patient fact the algorithm uses. Typed fields are parsed by the library's
//! entry rules; a refused field is marked where it is, with the reason, and the case keeps its last valid
//! patient (nothing invalid reaches the engine, and Save is refused until the field is fixed).

use std::collections::BTreeMap;

use eframe::egui::{self, RichText};

use crate::io::entry::{parse_baseline_aptt, parse_crcl, parse_height, parse_time, parse_weight};
use crate::model::{
    AgeGroup, AntiXaAssay, Case, FourTsPoints, HitHistory, Patient, PatientIdentity, Population, PriorHeparin, Rrt,
    Setting, Sex, WeightKind, num,
};
use crate::protocol::{Protocol, builtin_names};

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// The typed text of the numeric fields, a draft of the rest, and each field's refusal.
pub struct PatientForm {
    pub weight: String,
    pub weight_time: String,
    pub baseline_aptt: String,
    pub crcl: String,
    pub height: String,
    pub title: String,
    pub notes: String,
    /// Name or label, MRN, bed, as typed.
    pub identity: [String; 3],
    draft: Patient,
    errors: BTreeMap<&'static str, String>,
    warnings: Vec<String>,
    /// The typed weight changes by more than the protocol allows from the weight in use (§1): it
    /// applies only once confirmed.
    weight_jump: bool,
    /// The card's "Use another value…": the baseline field takes the keyboard at the next frame.
    focus_baseline: bool,
}

impl PatientForm {
    pub fn new(case: &Case) -> Self {
        let p = &case.patient;
        Self {
            weight: num(p.weight.kg.value(), 2).to_string(),
            weight_time: p.weight.measured_at.to_string(),
            baseline_aptt: p
                .baseline_aptt
                .map(|s| num(s.value(), 1).to_string())
                .unwrap_or_default(),
            crcl: p.crcl.map(|c| num(c.value(), 1).to_string()).unwrap_or_default(),
            height: p.height_cm.map(|h| num(h.value(), 1).to_string()).unwrap_or_default(),
            title: case.title.clone(),
            notes: case.notes.clone(),
            identity: [
                case.identity.name.clone().unwrap_or_default(),
                case.identity.mrn.clone().unwrap_or_default(),
                case.identity.bed.clone().unwrap_or_default(),
            ],
            draft: p.clone(),
            errors: BTreeMap::new(),
            warnings: Vec::new(),
            weight_jump: false,
            focus_baseline: false,
        }
    }

    /// Takes the case's patient as the draft of the choices (text fields keep what was typed).
    pub fn follow(&mut self, patient: &Patient) {
        self.draft = patient.clone();
    }

    /// The first refused field, as "field: reason".
    /// Gives the baseline aPTT field the keyboard at the next frame (the card's "Use another value…").
    pub fn focus_baseline(&mut self) {
        self.focus_baseline = true;
    }

    pub fn first_error(&self) -> Option<String> {
        self.errors.iter().next().map(|(f, m)| format!("{f}: {m}"))
    }

    /// What pauses the advice: the first refused field, as "weight invalid (reason)".
    pub fn paused_by(&self) -> Option<String> {
        self.errors.iter().next().map(|(f, m)| format!("{f} invalid ({m})"))
    }

    /// Parses the typed fields into a patient; records each refusal against its field. A weight far
    /// from the one in use is refused only when it is about to be applied (`committing`), not while it
    /// is being typed (8 on the way to 82).
    fn validate(&mut self, protocol: &Protocol, committing: bool) -> Option<Patient> {
        self.errors.clear();
        self.warnings.clear();
        let mut patient = self.draft.clone();
        // The case's clock: the weight date is a wall-clock time of the case's zone.
        let zone = self.draft.weight.measured_at.zone();
        self.weight_jump = false;
        match parse_weight(&self.weight, &protocol.plausibility) {
            Ok((kg, warning)) => {
                // A change of more than the protocol's share from the weight in use (a slip of a
                // digit, pounds for kilograms) applies only once confirmed (clinical reference §1).
                let before = self.draft.weight.kg.value();
                let change = (kg.value() - before).abs() / before * 100.0;
                let limit = &protocol.plausibility.weight_change_above_percent;
                if committing && change > limit.value.value() && !patient.weight_confirmed {
                    self.weight_jump = true;
                    self.errors.insert(
                        "weight",
                        format!(
                            "{kg} is {}% away from the weight in use, {} (more than {}): check it, then tick 'Weight confirmed'",
                            num(change, 0),
                            self.draft.weight.kg,
                            limit.value
                        ),
                    );
                }
                patient.weight.kg = kg;
                self.warnings.extend(warning);
            }
            Err(e) => {
                self.errors.insert("weight", e.message);
            }
        }
        match parse_time("weight date", &self.weight_time, zone) {
            Ok(t) => patient.weight.measured_at = t,
            Err(e) => {
                self.errors.insert("weight date", e.message);
            }
        }
        match parse_baseline_aptt(&self.baseline_aptt, &protocol.plausibility) {
            Ok(v) => patient.baseline_aptt = v,
            Err(e) => {
                self.errors.insert("baseline aPTT", e.message);
            }
        }
        match parse_crcl(&self.crcl) {
            Ok(v) => patient.crcl = v,
            Err(e) => {
                self.errors.insert("CrCl", e.message);
            }
        }
        match parse_height(&self.height) {
            Ok(v) => patient.height_cm = v,
            Err(e) => {
                self.errors.insert("height", e.message);
            }
        }
        self.errors.is_empty().then_some(patient)
    }
}

/// What the user did to the patient fields this frame: typed (the draft is checked and any refusal shown,
/// which pauses the advice) and committed (Enter, leaving the field, or a choice: the draft is applied).
#[derive(Debug, Default, Clone, Copy)]
struct Changes {
    typed: bool,
    commit: bool,
}

impl Changes {
    /// A choice (combo box, check box, radio button) takes effect at once.
    fn chosen(changed: bool) -> Self {
        Self {
            typed: changed,
            commit: changed,
        }
    }
}

impl std::ops::BitOrAssign for Changes {
    fn bitor_assign(&mut self, other: Self) {
        self.typed |= other.typed;
        self.commit |= other.commit;
    }
}

/// A labelled text field with its refusal beside it.
fn text_field(ui: &mut egui::Ui, label: &str, hint: &str, text: &mut String, error: Option<&String>) -> Changes {
    noted_text_field(ui, label, hint, text, error, "")
}

/// A labelled text field with its refusal, else a muted note (what the algorithm does with it), beside it.
fn noted_text_field(
    ui: &mut egui::Ui,
    label: &str,
    hint: &str,
    text: &mut String,
    error: Option<&String>,
    note: &str,
) -> Changes {
    focused_text_field(ui, label, hint, text, error, note, false)
}

/// [`noted_text_field`] that takes the keyboard when `focus` is set.
fn focused_text_field(
    ui: &mut egui::Ui,
    label: &str,
    hint: &str,
    text: &mut String,
    error: Option<&String>,
    note: &str,
    focus: bool,
) -> Changes {
    let l = ui.label(label);
    let response = ui
        .add_sized([200.0, 20.0], egui::TextEdit::singleline(text).hint_text(hint))
        .labelled_by(l.id);
    if focus {
        response.request_focus();
    }
    match (error, response.has_focus()) {
        (Some(e), _) => ui
            .add(egui::Label::new(RichText::new(format!("✖ {e} — advice paused")).color(theme::above_target())).wrap()),
        (None, true) => ui.add(
            egui::Label::new(RichText::new("Enter (or leaving the field) applies it").color(theme::muted())).wrap(),
        ),
        (None, false) => ui.add(egui::Label::new(RichText::new(note).color(theme::muted())).wrap()),
    };
    ui.end_row();
    Changes {
        typed: response.changed(),
        commit: response.lost_focus(),
    }
}

/// Recorded with the case, read by no rule: said where it is entered (issue 11).
pub const RECORDED_NOT_USED: &str = "recorded, not used by the algorithm";

fn combo<T: Copy + PartialEq>(ui: &mut egui::Ui, label: &str, value: &mut T, options: &[(T, &str)]) -> bool {
    let l = ui.label(label);
    let shown = options.iter().find(|(v, _)| v == value).map_or("", |(_, l)| *l);
    let mut changed = false;
    egui::ComboBox::from_id_salt(label)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (v, l) in options {
                changed |= ui.selectable_value(value, *v, *l).changed();
            }
        })
        .response
        .labelled_by(l.id);
    ui.label("");
    ui.end_row();
    changed
}

fn points(ui: &mut egui::Ui, label: &str, value: &mut Option<FourTsPoints>) -> bool {
    ui.label(label);
    let mut changed = false;
    ui.horizontal(|ui| changed = super::widgets::points_choice(ui, value));
    ui.label("");
    ui.end_row();
    changed
}

/// The patient's identifiers: all optional; applied (and audited) with Enter or on leaving a field.
fn identity_ui(ui: &mut egui::Ui, doc: &Document, form: &mut PatientForm, commands: &mut Vec<Command>) {
    let mut commit = false;
    ui.horizontal_wrapped(|ui| {
        let labels = [("Name or label", 200.0), ("MRN", 110.0), ("Bed", 60.0)];
        for ((label, width), text) in labels.into_iter().zip(form.identity.iter_mut()) {
            let l = ui.label(label);
            commit |= ui
                .add(egui::TextEdit::singleline(text).desired_width(width))
                .labelled_by(l.id)
                .lost_focus();
        }
    });
    if commit {
        let field = |s: &String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let identity = PatientIdentity {
            name: field(&form.identity[0]),
            mrn: field(&form.identity[1]),
            bed: field(&form.identity[2]),
        };
        if identity != doc.case().identity {
            commands.push(Command::SetIdentity(identity));
        }
    }
}

/// The Patient view.
pub fn patient_ui(ui: &mut egui::Ui, doc: &Document, form: &mut PatientForm, commands: &mut Vec<Command>) {
    ui.heading("Patient");
    identity_ui(ui, doc, form, commands);
    ui.label(
        RichText::new("Every field is checked as you type and applied with Enter or when you leave it; while a field is refused the advice is paused")
            .color(theme::muted()),
    );
    let mut changed = egui::Grid::new("patient_grid")
        .num_columns(3)
        .spacing([12.0, 6.0])
        .show(ui, |ui| fields_grid_ui(ui, doc, form, commands))
        .inner;
    ui.add(egui::Label::new(RichText::new(doc.protocol().to_string()).color(theme::muted())).wrap());
    ui.add_space(6.0);
    changed |= Changes::chosen(flags_ui(ui, &mut form.draft));
    ui.add_space(6.0);
    let l = ui.label("Notes");
    if ui
        .add(egui::TextEdit::multiline(&mut form.notes).desired_rows(3))
        .labelled_by(l.id)
        .lost_focus()
        && form.notes != doc.case().notes
    {
        commands.push(Command::SetNotes(form.notes.clone()));
    }
    // Every keystroke is checked (a refusal pauses the advice); only Enter, leaving the field or a
    // choice applies the draft: nothing is computed from a half-typed value (decisions.md).
    if changed.typed || changed.commit {
        let valid = form.validate(doc.protocol(), changed.commit);
        if changed.commit
            && let Some(patient) = valid
            && patient != doc.case().patient
        {
            commands.push(Command::SetPatient(Box::new(patient)));
        }
    }
    for w in &form.warnings {
        ui.colored_label(theme::caution(), format!("! {w}"));
    }
    if let Some(e) = form.first_error() {
        ui.colored_label(
            theme::above_target(),
            format!("Not applied: {e}. The advice is paused and saving is refused until it is fixed."),
        );
    }
}

/// The flags, as check boxes; whether one changed.
fn flags_ui(ui: &mut egui::Ui, draft: &mut Patient) -> bool {
    let mut changed = false;
    for (flag, label) in [
        (
            &mut draft.hepatic_impairment,
            "Hepatic impairment (Child-Pugh B–C; a bilirubin result above the protocol's threshold counts too)",
        ),
        (&mut draft.high_bleeding_risk, "High bleeding risk"),
        (&mut draft.pregnant, "Pregnant"),
        (&mut draft.andexanet_exposure, "Andexanet alfa exposure"),
        (&mut draft.heparin_coated_circuit, "Heparin-coated circuit"),
        (&mut draft.ecmo_low_flow, "ECMO low flow or stasis"),
    ] {
        changed |= ui.checkbox(flag, label).changed();
    }
    changed
}

/// The weight and, when it needs one, the confirmation (an adult under the protocol's minimum, or a
/// change of more than the protocol's share from the weight in use).
fn weight_rows_ui(ui: &mut egui::Ui, doc: &Document, form: &mut PatientForm) -> Changes {
    let weight = text_field(
        ui,
        "Weight (kg)",
        "e.g. 80",
        &mut form.weight,
        form.errors.get("weight"),
    );
    if weight.typed {
        // A confirmation is for the weight that was confirmed.
        form.draft.weight_confirmed = false;
    }
    let mut changed = weight;
    let min = doc.protocol().plausibility.adult_weight_below_kg.value;
    let small_adult = Population::ADULTS.covers(form.draft.age_group) && doc.case().patient.weight.kg < min;
    if form.draft.weight_confirmed || small_adult || form.weight_jump {
        ui.label("");
        changed |= Changes::chosen(
            ui.checkbox(&mut form.draft.weight_confirmed, "Weight confirmed")
                .changed(),
        );
        let why = if form.weight_jump {
            format!(
                "a change of more than {} needs confirming before it is used",
                doc.protocol().plausibility.weight_change_above_percent.value
            )
        } else {
            format!("an adult under {min}: no dose is shown until the weight is confirmed")
        };
        ui.label(RichText::new(why).color(theme::caution()));
        ui.end_row();
    }
    changed
}

/// The typed fields and the choices, one row each; whether a patient field changed.
fn fields_grid_ui(ui: &mut egui::Ui, doc: &Document, form: &mut PatientForm, commands: &mut Vec<Command>) -> Changes {
    let mut changed = Changes::default();
    let l = ui.label("Case title");
    if ui
        .add_sized([200.0, 20.0], egui::TextEdit::singleline(&mut form.title))
        .labelled_by(l.id)
        .lost_focus()
        && form.title != doc.case().title
    {
        commands.push(Command::SetTitle(form.title.clone()));
    }
    ui.label("");
    ui.end_row();
    changed |= weight_rows_ui(ui, doc, form);
    changed |= noted_text_field(
        ui,
        "Weight measured at",
        "YYYY-MM-DDTHH:MM",
        &mut form.weight_time,
        form.errors.get("weight date"),
        RECORDED_NOT_USED,
    );
    changed |= Changes::chosen(combo(
        ui,
        "Weight type",
        &mut form.draft.weight.kind,
        &[
            (WeightKind::Actual, "actual"),
            (WeightKind::Adjusted, "adjusted (dosing)"),
        ],
    ));
    let settings: Vec<(Setting, &str)> = Setting::ALL.iter().map(|s| (*s, s.label())).collect();
    changed |= Changes::chosen(combo(ui, "Setting", &mut form.draft.setting, &settings));
    let age_groups: Vec<(AgeGroup, &str)> = AgeGroup::ALL.iter().map(|a| (*a, a.code())).collect();
    changed |= Changes::chosen(combo(ui, "Age group", &mut form.draft.age_group, &age_groups));
    // The baseline in use and its origin beside the field: an empty field uses an aPTT drawn before any
    // anticoagulant, else the laboratory's control (§14.6).
    let a = doc.analysis();
    let origin = crate::present::people::people_times(&format!("in use: {}", a.aptt_control.origin()), a.as_of);
    let focus = std::mem::take(&mut form.focus_baseline);
    changed |= focused_text_field(
        ui,
        "Baseline aPTT (s)",
        "empty = drawn before heparin, else the lab's",
        &mut form.baseline_aptt,
        form.errors.get("baseline aPTT"),
        &origin,
        focus,
    );
    changed |= text_field(
        ui,
        "CrCl (mL/min)",
        "empty = unknown",
        &mut form.crcl,
        form.errors.get("CrCl"),
    );
    let adjusted = doc.protocol().dosing_weight.heparin.basis == crate::protocol::WeightBasis::Adjusted;
    let height_note = if adjusted {
        "with sex: the adjusted heparin dosing weight"
    } else {
        "used only by protocols that dose heparin on adjusted weight (not this one)"
    };
    changed |= noted_text_field(
        ui,
        "Height (cm)",
        "empty = not entered",
        &mut form.height,
        form.errors.get("height"),
        height_note,
    );
    changed |= Changes::chosen(combo(
        ui,
        "Sex",
        &mut form.draft.sex,
        &[
            (None, "not entered"),
            (Some(Sex::Female), "female"),
            (Some(Sex::Male), "male"),
        ],
    ));
    changed |= Changes::chosen(choices_ui(ui, &mut form.draft));
    // The protocol of the setting in effect at the replay time (each setting has its own).
    let l = ui.label(format!("Protocol ({})", doc.setting().label()));
    let current = doc.protocol_choice().name.clone();
    let mut chosen = current.clone();
    egui::ComboBox::from_id_salt("protocol_choice")
        .selected_text(chosen.clone())
        .show_ui(ui, |ui| {
            for name in builtin_names() {
                ui.selectable_value(&mut chosen, name.to_owned(), name);
            }
        })
        .response
        .labelled_by(l.id);
    if chosen != current {
        commands.push(Command::SetProtocol(chosen));
    }
    // The protocol's description is long: it goes under the grid, where it can wrap.
    ui.label("");
    ui.end_row();
    changed
}

/// Renal replacement, prior heparin, the assay and the clinician's 4Ts items.
fn choices_ui(ui: &mut egui::Ui, draft: &mut Patient) -> bool {
    let mut changed = combo(
        ui,
        "Renal replacement",
        &mut draft.rrt,
        &[
            (Rrt::None, "none"),
            (Rrt::Crrt, "continuous (CRRT)"),
            (Rrt::Ihd, "intermittent hemodialysis"),
        ],
    );
    changed |= combo(
        ui,
        "History of HIT",
        &mut draft.hit_history,
        &[
            (HitHistory::None, "none"),
            (
                HitHistory::RemoteAntibodyNegative,
                "> 100 days ago, antibody negative now",
            ),
            (
                HitHistory::RecentOrPositive,
                "≤ 100 days, antibody positive or untested",
            ),
        ],
    );
    changed |= combo(
        ui,
        "Prior heparin",
        &mut draft.prior_heparin,
        &[
            (None, "not entered"),
            (Some(PriorHeparin::None), "none"),
            (Some(PriorHeparin::Within30Days), "within 30 days"),
            (Some(PriorHeparin::Between30And100Days), "30–100 days ago"),
        ],
    );
    changed |= combo(
        ui,
        "Anti-Xa assay",
        &mut draft.anti_xa_assay,
        &[
            (AntiXaAssay::Unknown, "unknown"),
            (AntiXaAssay::AtSupplemented, "antithrombin-supplemented"),
            (AntiXaAssay::NotSupplemented, "not supplemented"),
        ],
    );
    changed |= points(ui, "4Ts thrombosis (clinician)", &mut draft.hit_thrombosis);
    changed |= points(ui, "4Ts other causes (clinician)", &mut draft.hit_other_causes);
    changed
}
