//! One analysis at one time (the setting's ladder of steps, then the monitoring plan), and the case
//! prepared once for analyses at many times.

use super::bypass;
use super::context::{Cx, StepBasis};
use super::courses;
use super::danger;
use super::exposure;
use super::facts;
use super::hit;
use super::icu;
use super::limits;
use super::monitoring;
use super::timeline::Timeline;
use super::types::{Analysis, Detail, PatientWeights, ProtocolRef, StepId, StepStatus};
use crate::model::{Case, ClinicalTime, Setting};
use crate::protocol::Protocol;
use crate::protocol::plausibility::{check_event, check_weight};

/// A case prepared for analysis at many times: the timeline index and the input warnings, each built
/// once. Replay and the GUI reuse it; every analysis then costs O(log n + events in the last 24 h).
/// This is the one place where the plausibility of a case's values is reported (a file loader only
/// refuses what is outside the hard limits).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub timeline: Timeline,
    /// The heparin courses for the protocol's gap (clinical reference §3).
    pub courses: courses::HeparinCourses,
    /// Soft plausibility warnings, in time order (the weight's, if any, at the time it was measured).
    soft_warnings: Vec<(ClinicalTime, String)>,
    /// The platelet-count times at which the 4Ts suspected HIT, in order: once suspected, HIT stays so until
    /// an assay resolves it (clinical reference §14.1).
    pub hit_suspicions: Vec<ClinicalTime>,
}

impl Prepared {
    #[must_use]
    pub fn new(case: &Case, protocol: &Protocol) -> Self {
        let heparin_kg =
            crate::dosing::weight::dosing_weight(&case.patient, protocol, crate::dosing::weight::Drug::Heparin).kg;
        let timeline = Timeline::new(case, heparin_kg);
        let courses = courses::HeparinCourses::new(&timeline, protocol.resistance.new_course_after_gap_h.value);
        let weight = case.patient.weight;
        let weight_warning = match check_weight(&protocol.plausibility, weight.kg) {
            Ok(Some(w)) => Some((weight.measured_at, format!("{}: {w}", weight.measured_at))),
            Ok(None) => None,
            Err(err) => Some((weight.measured_at, format!("refused weight reached the engine: {err}"))),
        };
        let mut soft_warnings: Vec<(ClinicalTime, String)> =
            weight_warning
                .into_iter()
                .chain(case.events.iter().filter_map(|e| {
                    match check_event(&protocol.plausibility, e.kind, weight.kg) {
                        Ok(Some(w)) => Some((e.time, format!("{}: {w}", e.time))),
                        Ok(None) => None,
                        Err(err) => Some((e.time, format!("{}: refused value reached the engine: {err}", e.time))),
                    }
                }))
                .collect();
        soft_warnings.sort_by_key(|(t, _)| *t);
        let hit_suspicions = hit_suspicions(case, &timeline, protocol);
        Self {
            timeline,
            courses,
            soft_warnings,
            hit_suspicions,
        }
    }

    /// Warnings for events at or before `t`.
    #[must_use]
    pub fn warnings_until(&self, t: ClinicalTime) -> &[(ClinicalTime, String)] {
        &self.soft_warnings[..self.soft_warnings.partition_point(|(w, _)| *w <= t)]
    }

    /// Replaces the input warnings (a case in several settings: each entry checked by its setting's
    /// protocol, `CaseEngine`).
    pub(super) fn set_warnings(&mut self, warnings: Vec<(ClinicalTime, String)>) {
        self.soft_warnings = warnings;
    }

    /// Every input warning of the case, in time order (what the case bar counts).
    #[must_use]
    pub fn warnings(&self) -> &[(ClinicalTime, String)] {
        &self.soft_warnings
    }
}

/// Step texts never contradict the action (clinical reference §14.6): a step that says "titrate by the
/// nomogram" or "continue" while a later step decided otherwise (a hold, a switch, a paused advice) names
/// what the final action does instead.
fn steps_agree_with_the_action(cx: &mut Cx<'_>, rec: &super::types::Recommendation) {
    use super::types::Action;
    let heparin_titration = matches!(rec.action, Action::AdjustUfh | Action::Continue)
        && rec
            .rate
            .is_some_and(|r| r.drug() == crate::model::Anticoagulant::Heparin);
    if heparin_titration || !cx.explain {
        return;
    }
    let label = rec.label.clone();
    for step in cx
        .steps
        .iter_mut()
        .filter(|s| matches!(s.id, StepId::Recognise | StepId::Pair))
    {
        let text = step.conclusion.to_string();
        let rewritten = if let Some(before) = text.strip_suffix(", titrate by the nomogram") {
            format!("{before}; not titrated: {label} (step 6)")
        } else if let Some(before) = text.strip_suffix(": continue") {
            format!("{before}; the action is decided at step 6: {label}")
        } else {
            continue;
        };
        step.conclusion = rewritten.into();
    }
}

/// The platelet-count times at which the 4Ts (with its platelet gate) suspected HIT.
fn hit_suspicions(case: &Case, tl: &Timeline, p: &Protocol) -> Vec<ClinicalTime> {
    let mut times: Vec<ClinicalTime> = tl.labs.platelets.all().iter().map(|s| s.time).collect();
    times.dedup();
    times
        .into_iter()
        .filter(|&t| {
            let patient = tl.patient_at(&case.patient, t);
            let four_ts = hit::four_ts(tl, &patient, p, t, Detail::Decision);
            hit::call(
                four_ts.as_ref(),
                &p.hit,
                crate::model::HitHistory::None,
                patient.setting,
            ) == hit::HitCall::Suspected
        })
        .collect()
}

/// The newest entries of kinds no rule reads yet, each said as such (issue 23); at most this many, the rest
/// counted.
const RECORDED_ONLY_SHOWN: usize = 10;

fn recorded_only_warnings(cx: &mut Cx<'_>) {
    let recorded = cx.tl.recorded_only_until(cx.as_of);
    for &(time, index) in recorded.iter().rev().take(RECORDED_ONLY_SHOWN) {
        if let Some(event) = cx.case.events.get(index) {
            cx.warnings.push(format!(
                "{} at {time}: recorded, not used by the algorithm yet",
                event.kind.describe()
            ));
        }
    }
    if recorded.len() > RECORDED_ONLY_SHOWN {
        cx.warnings.push(format!(
            "{} older entries recorded, not used by the algorithm yet",
            recorded.len() - RECORDED_ONLY_SHOWN
        ));
    }
}

/// What the card says beside any advice: the HIT assays' note, the pregnancy caveat while HIT is active
/// (§14.6), and a prolonged baseline (with the anti-Xa asked for when only the aPTT monitors heparin).
fn card_notes(cx: &mut Cx<'_>, rec: &mut super::types::Recommendation) {
    if let Some(note) = cx.hit_note {
        rec.caveats.push(note.to_owned());
    }
    // Pregnancy: the DTI/HIT caveat whenever HIT is active, whatever the advice (§14.6; a DTI switch adds it).
    let pregnancy = &cx.p.dti.pregnancy_caveat;
    if cx.patient.pregnant && cx.hit_status.is_active() && !rec.caveats.contains(&pregnancy.value) {
        rec.caveats.push(pregnancy.value.clone());
        rec.cite(pregnancy.source.clone());
    }
    if let super::pairing::ControlBasis::BaselineProlonged(b) = cx.aptt_range.control.basis
        && rec.drug == "unfractionated heparin"
    {
        rec.caveats.push(format!(
            "baseline aPTT prolonged: monitor heparin by anti-Xa (baseline {b} is above the laboratory's upper reference limit {}; the heparin aPTT range uses the laboratory control)",
            cx.p.monitoring.aptt_reference_upper_s.value
        ));
        rec.cite(cx.p.monitoring.aptt_reference_upper_s.source.clone());
        let recent_anti_xa = cx.tl.labs.anti_xa.recent(cx.as_of, cx.max_age()).is_some();
        if !recent_anti_xa
            && cx
                .tl
                .running(cx.as_of)
                .is_some_and(|s| s.drug() == crate::model::Anticoagulant::Heparin)
        {
            cx.due_first(
                "anti-Xa",
                super::types::Due::Now,
                "baseline aPTT prolonged: the aPTT cannot monitor heparin",
            );
        }
    }
}

/// One analysis: the setting's ladder of steps, then the monitoring plan (step 7).
pub(super) fn run(case: &Case, prepared: &Prepared, p: &Protocol, as_of: ClinicalTime, detail: Detail) -> Analysis {
    let tl = &prepared.timeline;
    let mut cx = Cx::new(case, tl, p, as_of, detail);
    cx.warnings
        .extend(prepared.warnings_until(as_of).iter().map(|(_, w)| w.clone()));
    coverage_warnings(&mut cx);
    recorded_only_warnings(&mut cx);
    let heparin = exposure::heparin_exposure(tl, &prepared.courses, cx.hkg(), as_of);
    let four_ts = hit::four_ts(tl, &cx.patient, p, as_of, detail);
    let (setting, age_group) = (cx.patient.setting, cx.patient.age_group);
    let facts = facts::facts_in_effect(case, tl, &cx.patient, as_of);
    let hit_reading = super::hit_status::hit_status(
        case,
        tl,
        cx.patient.hit_history,
        &prepared.hit_suspicions,
        four_ts.as_ref().map(|f| f.score_max),
        as_of,
        &p.safety.hit_assays,
    );
    cx.other_windows = super::other_anticoagulants::open_windows(&super::other_anticoagulants::WindowInputs {
        case,
        tl,
        p,
        patient: &cx.patient,
        hepatic_impaired: cx.hepatic.impaired,
        aptt_range: &cx.aptt_range,
        as_of,
    });
    cx.hit_status = hit_reading.status;
    cx.hit_note = hit_reading.note;

    let (recommendation, cpb, notes) = if setting == Setting::Cpb {
        let (rec, assessment) = bypass::run(&mut cx, &heparin, four_ts.as_ref());
        // A DOAC or LMWH still acting before bypass: the ACT may overstate heparin (§14.5); no dosing change.
        let mut notes = super::safety::SafetyNotes::default();
        for w in &cx.other_windows {
            notes
                .dangers
                .push(super::danger_kind::Danger::OtherAnticoagulantInAssay {
                    drug: w.drug.code(),
                    assay: "ACT",
                    last_dose: w.last_dose,
                    on_bypass: true,
                });
        }
        (rec, Some(assessment), notes)
    } else {
        let rec = icu::run(&mut cx, &heparin, four_ts.as_ref());
        let (rec, notes) = super::safety::apply(&mut cx, &heparin, rec);
        (rec, None, notes)
    };
    let mut recommendation = limits::guard(&mut cx, recommendation);
    card_notes(&mut cx, &mut recommendation);
    steps_agree_with_the_action(&mut cx, &recommendation);
    cx.record_choice(&recommendation);
    monitoring::finish(&mut cx, &recommendation);
    let mut danger = notes.dangers;
    danger.extend(danger::danger(&cx, &recommendation, four_ts.as_ref()));
    // One line per kind: a rule's own line (platelets < 25 on ECMO) stands for the general one.
    let mut kinds = Vec::new();
    danger.retain(|d| {
        let new = !kinds.contains(&d.kind());
        kinds.push(d.kind());
        new
    });
    // Step 7's content is `Analysis::monitoring`; it is not copied here.
    let source = cx.p.monitoring.ufh_recheck_h.source.clone();
    let conclusion = say!(cx, "{} item(s); see the monitoring plan", cx.monitoring.len());
    cx.step(
        StepId::Monitoring,
        StepStatus::Met,
        Vec::new(),
        StepBasis::new("", "next labs and their times (clinical reference §11)", source),
        conclusion,
    );
    // The steps in the algorithm's order whatever order the rules ran in (the review saw 1, 4, 2 when
    // the HIT screen ran first); stable, so a step said twice keeps its order.
    cx.steps.sort_by_key(|s| s.id);
    Analysis {
        time_zone: case.time_zone,
        as_of,
        setting,
        protocol: ProtocolRef {
            name: p.name.clone(),
            version: p.version,
            sha256: p.sha256().to_owned(),
        },
        patient: PatientWeights {
            weight_kg: cx.weight,
            dosing_weight_kg: cx.hkg(),
            dosing_weight_basis: cx.heparin_weight.basis,
            dti_dosing_weight_kg: cx.dti_kg(),
            age_group,
            facts,
        },
        heparin,
        aptt_control: cx.aptt_range.control,
        findings: cx.findings,
        hit_status: cx.hit_status,
        hit_4ts: four_ts,
        cpb,
        steps: cx.steps,
        recommendation,
        danger,
        advice_paused: notes.paused,
        past_state: tl
            .event_times()
            .last()
            .copied()
            .filter(|latest| as_of < *latest)
            .map(|latest_event| super::types::PastState { latest_event }),
        monitoring: cx.monitoring,
        warnings: cx.warnings,
    }
}

/// Whether the protocol covers this patient's age group and setting.
fn coverage_warnings(cx: &mut Cx<'_>) {
    let age = cx.patient.age_group;
    if !cx.p.population.covers(age) {
        cx.warnings.push(say!(
            cx,
            "protocol {} is written for {} patients, not {}: its targets and doses may not apply",
            cx.p.name,
            cx.p.population.describe(),
            age.code()
        ));
    }
    if !cx.p.settings.contains(&cx.patient.setting) {
        cx.warnings.push(say!(
            cx,
            "protocol {} is not written for the {} setting",
            cx.p.name,
            cx.patient.setting.code()
        ));
    }
}
