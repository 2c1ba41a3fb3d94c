//! Step 1, data check: the weight, the anticoagulant running, the latest labs, and whether the latest
//! monitoring result is usable — not older than the protocol's lab-age limit, and (on heparin) drawn at
//! steady state, at least the recheck interval after the last rate change.

use super::super::context::{Cx, Monitor, Reading, StepBasis};
use super::super::timeline::Agent;
use super::super::types::{FindingCode, HeparinExposure, StepId, StepStatus};
use crate::model::{LabKind, WeightKind, num};

/// Records step 1.
pub(super) fn record(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, agent: Option<Agent>) {
    let mut values = vec![say!(
        cx,
        "weight {} ({}, {})",
        cx.weight,
        match cx.case.patient.weight.kind {
            WeightKind::Actual => "actual",
            WeightKind::Adjusted => "adjusted",
        },
        cx.case.patient.weight.measured_at
    )];
    values.push(match agent {
        Some(Agent::Ufh) => say!(
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
    let max_age = cx.max_age().value();
    let mut status = StepStatus::Met;
    let mut notes = Vec::new();
    if let Some(r) = monitor.latest(cx.tl, cx.as_of) {
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
        if agent == Some(Agent::Ufh) {
            steady_state_note(cx, monitor, r, &mut notes);
        }
    } else if agent.is_some() {
        status = StepStatus::NeedsData;
        notes.push(say!(cx, "no {} yet", monitor.name()));
    }
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
            "weight, current anticoagulant, latest labs and their age",
            source,
        ),
        conclusion,
    );
}

/// A heparin result drawn less than the recheck interval after the last rate change is not at steady
/// state: noted, and a finding.
fn steady_state_note(cx: &mut Cx<'_>, monitor: Monitor, r: Reading, notes: &mut Vec<String>) {
    let Some(change) = cx.tl.last_ufh_rate_event(cx.as_of) else {
        return;
    };
    let after = r.time().hours_since(change);
    let steady = cx.p.monitoring.ufh_recheck_h.value.value();
    if (0.0..steady).contains(&after) {
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
