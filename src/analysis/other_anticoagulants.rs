//! Anticoagulants given before heparin (clinical reference §14.5): an oral factor Xa inhibitor, a
//! low-molecular-weight heparin or fondaparinux still reads in the heparin anti-Xa for a while after its last
//! dose, and dabigatran in the aPTT. This file finds, at an analysis time, each drug whose window is open —
//! from the last dose, for the protocol's hours (longer with renal or hepatic impairment), unless it ended
//! early — and when heparin may start. What the rules do with the windows is `safety/other_anticoagulants.rs`
//! and the anti-Xa exclusion in `context.rs`.

use super::pairing::HeparinApttRange;
use super::pairing::classify_level;
use super::timeline::Timeline;
use crate::model::{Case, ClinicalTime, EventKind, OtherAnticoagulant, Patient};
use crate::protocol::{OtherAnticoagulantRule, Protocol, RaisedAssay, Source};

/// One drug still reading in a heparin assay at the analysis time.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OtherWindow {
    pub drug: OtherAnticoagulant,
    pub raises: RaisedAssay,
    pub last_dose: ClinicalTime,
    /// The window ends here (unless it ended early).
    pub until: ClinicalTime,
    /// Heparin does not start before this (the next dose's time).
    pub heparin_from: ClinicalTime,
    /// Why the window has its length ("CrCl < 30 mL/min", "hepatic impairment"), if lengthened.
    pub lengthened_by: Option<&'static str>,
    pub source: Source,
}

impl OtherWindow {
    /// Whether a sample drawn at `t` falls inside the window.
    pub fn covers(&self, t: ClinicalTime) -> bool {
        self.last_dose <= t && t < self.until
    }
}

/// What the windows are read from: the case and its index, the protocol, the patient in effect and whether
/// the liver is impaired, the heparin aPTT range, the analysis time.
pub(super) struct WindowInputs<'a> {
    pub case: &'a Case,
    pub tl: &'a Timeline,
    pub p: &'a Protocol,
    pub patient: &'a Patient,
    pub hepatic_impaired: bool,
    pub aptt_range: &'a HeparinApttRange,
    pub as_of: ClinicalTime,
}

/// The windows open at the analysis time, one per drug (its last dose), in the protocol's order.
pub(super) fn open_windows(x: &WindowInputs<'_>) -> Vec<OtherWindow> {
    let p = &x.p.other_anticoagulants;
    let mut last_doses: Vec<(OtherAnticoagulant, ClinicalTime)> = Vec::new();
    for mark in x.tl.marks.until(x.as_of) {
        if let EventKind::OtherAnticoagulant(drug, _) = super::marks::event_of(x.case, mark).kind {
            last_doses.retain(|(d, _)| *d != drug);
            last_doses.push((drug, mark.time));
        }
    }
    let mut out = Vec::new();
    for (drug, last_dose) in last_doses {
        let Some(rule) = p.rule(drug) else { continue };
        let window = window_for(x, rule, last_dose);
        if x.as_of < window.until && !ended_early(x, &window) {
            out.push(window);
        }
    }
    out
}

fn window_for(x: &WindowInputs<'_>, rule: &OtherAnticoagulantRule, last_dose: ClinicalTime) -> OtherWindow {
    let p = &x.p.other_anticoagulants;
    let patient = x.patient;
    let renal = patient.renal_impairment(p.renal_crcl_below_ml_min.value);
    let moderate = rule
        .moderate_renal
        .filter(|(_, below)| patient.crcl.is_some_and(|c| c < *below));
    let (hours, lengthened_by) = if renal {
        (
            rule.renal_window_h,
            Some("CrCl below the renal threshold or renal replacement therapy"),
        )
    } else if let Some((h, _)) = moderate {
        (h, Some("moderately reduced CrCl"))
    } else if rule.hepatic_lengthens && x.hepatic_impaired {
        (rule.renal_window_h, Some("hepatic impairment"))
    } else {
        (rule.window_h, None)
    };
    let next = if renal {
        rule.renal_next_dose_h
    } else {
        rule.next_dose_h
    };
    OtherWindow {
        drug: rule.drug,
        raises: rule.raises,
        last_dose,
        until: last_dose.after_hours(hours),
        heparin_from: last_dose.after_hours(next),
        lengthened_by,
        source: rule.source.clone(),
    }
}

/// The window ends early (clinical reference §14.5): for an anti-Xa drug, on an anti-Xa below the
/// protocol's limit drawn after the last dose and before heparin, or on two consecutive concordant
/// aPTT/anti-Xa pairs at least the protocol's hours apart drawn after the last dose; for dabigatran, on a
/// thrombin time below the laboratory's upper normal drawn after the last dose and before heparin.
fn ended_early(x: &WindowInputs<'_>, w: &OtherWindow) -> bool {
    let p = &x.p.other_anticoagulants;
    let heparin_start =
        x.tl.segments()
            .iter()
            .find(|s| s.start >= w.last_dose && s.rate.heparin().is_some())
            .map(|s| s.start);
    let before_heparin = |t: ClinicalTime| t > w.last_dose && heparin_start.is_none_or(|h| t < h);
    if w.raises == RaisedAssay::Aptt {
        // Dabigatran: a normal thrombin time after the last dose and before heparin.
        let limit = p.window_ends_thrombin_time_below.value;
        return x
            .tl
            .labs
            .thrombin_time
            .until(x.as_of)
            .iter()
            .any(|s| s.banded < limit && before_heparin(s.time));
    }
    let samples = x.tl.labs.anti_xa.until(x.as_of);
    let after_dose = &samples[samples.partition_point(|s| s.time <= w.last_dose)..];
    let undetectable = after_dose
        .iter()
        .any(|s| s.banded < p.window_ends_anti_xa_below.value && before_heparin(s.time));
    if undetectable {
        return true;
    }
    let window = x.p.monitoring.pairing_window_min.value;
    let target = x.p.ufh.anti_xa_target.value;
    let mut run_from: Option<ClinicalTime> = None;
    for s in after_dose {
        let concordant =
            x.tl.labs
                .aptt
                .nearest(s.time, window, x.as_of)
                .is_some_and(|aptt| classify_level(s.banded, target) == x.aptt_range.level(aptt.banded));
        match (concordant, run_from) {
            (true, Some(t)) if s.time.hours_since(t) >= p.window_ends_concordant_pairs_apart_h.value.value() => {
                return true;
            }
            (true, None) => run_from = Some(s.time),
            (true, Some(_)) => {}
            (false, _) => run_from = None,
        }
    }
    false
}
