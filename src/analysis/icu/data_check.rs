//! Step 1, data check: the weight, the anticoagulant running, the latest labs, and whether the latest
//! monitoring result is usable — not older than the protocol's lab-age limit, and (on heparin) drawn at
//! steady state, at least the recheck interval after the last rate change.

use super::super::context::{Cx, Monitor, Reading, StepBasis};
use super::super::types::{FindingCode, HeparinExposure, StepId, StepStatus};
use crate::model::Anticoagulant;
use crate::model::{LabKind, WeightKind, num};

/// Records step 1.
pub(super) fn record(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, agent: Option<Anticoagulant>) {
    let mut values = vec![
        say!(
            cx,
            "weight {} ({}, {})",
            cx.weight,
            match cx.patient.weight.kind {
                WeightKind::Actual => "actual",
                WeightKind::Adjusted => "adjusted",
            },
            cx.patient.weight.measured_at
        ),
        say!(cx, "heparin dosing weight {}", cx.heparin_weight.describe()),
    ];
    values.push(match agent {
        Some(Anticoagulant::Heparin) => say!(
            cx,
            "heparin infusion {} ({}), changed {} h ago",
            h.current_rate_units_per_kg_per_h
                .map_or(String::new(), |r| r.to_string()),
            h.current_rate_units_per_h.map_or(String::new(), |r| r.to_string()),
            h.hours_since_last_change
                .map_or("?".to_owned(), |v| num(v.value(), 1).to_string())
        ),
        Some(a) => say!(cx, "{} infusion running", a.name()),
        None => "no anticoagulant infusion running".to_owned(),
    });
    let labs = &cx.tl.labs;
    let latest = [
        labs.aptt.latest(cx.as_of).map(|s| cx.sample_text(LabKind::Aptt, s)),
        labs.anti_xa
            .latest(cx.as_of)
            .map(|s| cx.sample_text(LabKind::AntiXa, s)),
        labs.antithrombin
            .latest(cx.as_of)
            .map(|s| cx.sample_text(LabKind::Antithrombin, s)),
        labs.platelets
            .latest(cx.as_of)
            .map(|s| cx.sample_text(LabKind::Platelets, s)),
    ];
    values.extend(latest.into_iter().flatten());
    organ_and_bleeding(cx, &mut values);
    let max_age = cx.max_age().value();
    let mut status = StepStatus::Met;
    let mut notes = Vec::new();
    if let Some(r) = monitor.latest(cx) {
        let age = cx.as_of.hours_since(r.time());
        if age > max_age {
            status = StepStatus::NeedsData;
            notes.push(say!(
                cx,
                "latest {} is older than {} h",
                monitor.name(),
                num(max_age, 0)
            ));
            cx.finding(
                FindingCode::StaleSample,
                say!(
                    cx,
                    "latest {} at {} is {} h old (limit {} h)",
                    monitor.name(),
                    r.time(),
                    num(age, 1),
                    num(max_age, 0)
                ),
                cx.p.monitoring.lab_max_age_h.source.clone(),
            );
        }
        if agent == Some(Anticoagulant::Heparin) {
            steady_state_note(cx, monitor, r, &mut notes);
        }
    } else if let Some(t) = stale_result(cx) {
        status = StepStatus::NeedsData;
        let age = cx.as_of.hours_since(t);
        notes.push(say!(
            cx,
            "the latest heparin result ({t}) is older than {} h",
            num(max_age, 0)
        ));
        cx.finding(
            FindingCode::StaleSample,
            say!(
                cx,
                "the latest anti-Xa or aPTT at {t} is {} h old (limit {} h)",
                num(age, 1),
                num(max_age, 0)
            ),
            cx.p.monitoring.lab_max_age_h.source.clone(),
        );
    } else if agent.is_some() {
        status = StepStatus::NeedsData;
        notes.push(say!(cx, "no {} yet", monitor.name()));
    }
    adult_weight(cx, &mut notes);
    let conclusion = if notes.is_empty() {
        "data adequate".to_owned()
    } else {
        notes.join("; ")
    };
    let threshold = say!(
        cx,
        "results ≤ {} h old; heparin samples ≥ {} h after a rate change; DTI samples ≥ {} h after a change",
        num(max_age, 0),
        cx.p.monitoring.ufh_recheck_h.value.shown(),
        cx.p.monitoring.dti_recheck_h.value.shown()
    );
    let source = cx.p.monitoring.lab_max_age_h.source.clone();
    cx.step(
        StepId::DataCheck,
        status,
        values,
        StepBasis::new(
            threshold,
            "weight and dosing weights, current anticoagulant, latest labs and their age, hepatic impairment and bleeding risk",
            source,
        ),
        conclusion,
    );
}

/// The time of the latest anti-Xa or aPTT when it is older than the lab-age limit (`None` otherwise).
pub(super) fn stale_result(cx: &Cx<'_>) -> Option<crate::model::ClinicalTime> {
    let labs = &cx.tl.labs;
    let latest = [
        labs.anti_xa.latest(cx.as_of).map(|s| s.time),
        labs.aptt.latest(cx.as_of).map(|s| s.time),
    ]
    .into_iter()
    .flatten()
    .max()?;
    (cx.as_of.hours_since(latest) > cx.max_age().value()).then_some(latest)
}

/// Hepatic impairment by bilirubin and high bleeding risk by labs: values and findings (§1, §5).
fn organ_and_bleeding(cx: &mut Cx<'_>, values: &mut Vec<String>) {
    if let Some(b) = cx.hepatic.by_bilirubin {
        let text = say!(
            cx,
            "hepatic impairment by bilirubin: {} > {} (within {} h)",
            cx.sample_text(LabKind::Bilirubin, b),
            cx.p.dti.hepatic_bilirubin_above_mg_per_dl.value,
            cx.p.dti.hepatic_bilirubin_max_age_h.value.shown()
        );
        values.push(text.clone());
        cx.finding(
            FindingCode::HepaticImpairmentByBilirubin,
            text,
            cx.p.dti.hepatic_bilirubin_above_mg_per_dl.source.clone(),
        );
    } else if cx.patient.hepatic_impairment {
        values.push("hepatic impairment (entered)".to_owned());
    }
    if !cx.bleeding.by_labs.is_empty() {
        let text = say!(cx, "high bleeding risk by labs: {}", cx.bleeding.by_labs.join(", "));
        values.push(text.clone());
        cx.finding(
            FindingCode::HighBleedingRiskByLabs,
            text,
            cx.p.bleeding_risk.source.clone(),
        );
    } else if cx.bleeding.flagged {
        values.push("high bleeding risk (entered)".to_owned());
    }
}

/// An "adult" under the protocol's weight needs the weight confirmed (§1, §12).
fn adult_weight(cx: &mut Cx<'_>, notes: &mut Vec<String>) {
    let min = cx.p.plausibility.adult_weight_below_kg.value;
    if crate::model::Population::ADULTS.covers(cx.patient.age_group) && cx.weight < min {
        if cx.patient.weight_confirmed {
            notes.push(say!(
                cx,
                "an adult of {} (under {}): weight confirmed by the clinician",
                cx.weight,
                min
            ));
        } else {
            let text = say!(
                cx,
                "an adult of {} (under {}): confirm the weight and the age group before giving any dose",
                cx.weight,
                min
            );
            notes.push(text.clone());
            cx.warnings.push(text);
        }
    }
}

/// A heparin result drawn less than the recheck interval after the last rate change before it is not
/// at steady state: noted, and a finding. A result drawn before the last change reflects the previous
/// rate (and says so).
fn steady_state_note(cx: &mut Cx<'_>, monitor: Monitor, r: Reading, notes: &mut Vec<String>) {
    let Some(change) = cx.tl.last_ufh_rate_event(cx.as_of) else {
        return;
    };
    if r.time() < change {
        notes.push(say!(
            cx,
            "the latest {} ({}) was drawn before the rate change at {}: it reflects the previous rate",
            monitor.name(),
            r.time(),
            change
        ));
        return;
    }
    let after = r.time().hours_since(change);
    let steady = cx.p.monitoring.ufh_recheck_h.value.value();
    if after < steady {
        notes.push(say!(
            cx,
            "drawn {} h after the last rate change (< {} h: not at steady state)",
            num(after, 1),
            num(steady, 0)
        ));
        cx.finding(
            FindingCode::SampleBeforeSteadyState,
            say!(
                cx,
                "{} at {} was drawn {} h after the rate change at {}",
                monitor.name(),
                r.time(),
                num(after, 1),
                change
            ),
            cx.p.monitoring.ufh_recheck_h.source.clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::Detail;
    use super::super::super::tests_support::{analyse, case_with, h, ufh_rate, xa};
    use super::*;

    #[test]
    fn a_stale_monitoring_result_needs_data() {
        // Anti-Xa at 1 h, analysed 30 h later (limit 24 h).
        let c = case_with(vec![(0, ufh_rate(18.0)), (1, xa(0.4))]);
        let a = analyse(&c, h(31), Detail::Explained);
        let step = &a.steps[0];
        assert_eq!(step.id, StepId::DataCheck);
        assert_eq!(step.status, StepStatus::NeedsData);
        assert!(a.has_finding(FindingCode::StaleSample));
    }

    #[test]
    fn a_heparin_sample_before_steady_state_is_flagged() {
        // Rate changed at 0 h; anti-Xa at 3 h is before the 6 h steady state.
        let c = case_with(vec![(0, ufh_rate(18.0)), (3, xa(0.4))]);
        let a = analyse(&c, h(3), Detail::Explained);
        assert!(a.has_finding(FindingCode::SampleBeforeSteadyState));
        assert_eq!(a.steps[0].status, StepStatus::Met);
        let later = case_with(vec![(0, ufh_rate(18.0)), (7, xa(0.4))]);
        assert!(!analyse(&later, h(7), Detail::Explained).has_finding(FindingCode::SampleBeforeSteadyState));
    }

    #[test]
    fn on_an_infusion_without_a_result_the_step_needs_data() {
        let c = case_with(vec![(0, ufh_rate(18.0))]);
        let a = analyse(&c, h(2), Detail::Explained);
        assert_eq!(a.steps[0].status, StepStatus::NeedsData);
        assert!(a.steps[0].conclusion.contains("no anti-Xa yet") || a.steps[0].conclusion.contains("no aPTT yet"));
    }
}
