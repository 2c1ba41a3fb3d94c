//! The rate that would bring the steady-state anti-Xa to the middle of the protocol's target (issue 16):
//! offered only where the protocol's own advice is a heparin rate and the model describes the patient,
//! capped to one nomogram step in its direction and to the hard limit, with the probability that its
//! steady state lies in the target — and a warning when it points the other way from the nomogram.

use super::RateToTarget;
use super::fit::{Population, Posterior};
use crate::analysis::timeline::InfusionRate;
use crate::analysis::types::{Action, Analysis, FindingCode};
use crate::model::{Case, ClinicalTime, EventKind, num};
use crate::protocol::Protocol;
use crate::protocol::forecast_prior::ForecastPrior;

/// What decides whether a rate to target is offered, and from where.
pub(super) struct Situation<'a> {
    pub protocol: &'a Protocol,
    pub prior: &'a ForecastPrior,
    pub case: &'a Case,
    pub analysis: &'a Analysis,
    pub findings: &'a [FindingCode],
    pub running: Option<InfusionRate>,
    pub dosing_weight_kg: f64,
    pub samples_used: usize,
    pub as_of: ClinicalTime,
}

/// Why no rate to target is offered, if one is not.
fn refusal(s: &Situation<'_>) -> Option<String> {
    let findings = [
        (FindingCode::PseudoResistance, "pseudo-resistance"),
        (FindingCode::CoagulopathyDiscordance, "coagulopathy"),
        (FindingCode::HitSuspected, "HIT suspected"),
    ];
    if let Some((_, why)) = findings.into_iter().find(|(code, _)| s.findings.contains(code)) {
        return Some(why.to_owned());
    }
    let r = &s.analysis.recommendation;
    if r.action == Action::HoldAnticoagulant {
        return Some("a hold".to_owned());
    }
    match s.running {
        Some(InfusionRate::Ufh(_)) => {}
        Some(_) => return Some("a direct thrombin inhibitor runs".to_owned()),
        None => return Some("no heparin runs".to_owned()),
    }
    if s.samples_used == 0 {
        return Some("no anti-Xa yet: the prior alone is not this patient; the protocol's start decides".to_owned());
    }
    if r.heparin_rate().is_none() {
        return Some(format!(
            "the protocol's advice now is not a heparin rate ({}): the model does not second-guess it",
            r.label
        ));
    }
    antithrombin_not_settled(s)
}

/// After an antithrombin dose in the last 24 h the heparin response changes: no rate until an anti-Xa
/// drawn long enough after the dose (the protocol's decision time, clinical reference §5).
fn antithrombin_not_settled(s: &Situation<'_>) -> Option<String> {
    let after = s.protocol.antithrombin.decide_after_dose_h.value;
    let day_before = s.as_of.plus_minutes(-24 * 60);
    let dose = s
        .case
        .events
        .iter()
        .filter(|e| e.time > day_before && e.time <= s.as_of)
        .filter(|e| matches!(e.kind, EventKind::AtConcentrate(_) | EventKind::AtRecombinant(_)))
        .map(|e| e.time)
        .max()?;
    let settled_from = dose.after_hours(after);
    let settled = s.case.events.iter().any(|e| {
        e.time >= settled_from
            && e.time <= s.as_of
            && matches!(e.kind, EventKind::AntiXa(_) | EventKind::AntiXaBelow(_))
    });
    (!settled).then(|| {
        format!(
            "antithrombin given at {dose}: no anti-Xa yet {} h or more after it ({})",
            after.value(),
            s.protocol.antithrombin.decide_after_dose_h.source
        )
    })
}

/// The nomogram's largest increase and largest decrease (units/kg/h, both ≥ 0).
fn largest_steps(protocol: &Protocol) -> (f64, f64) {
    let rows = &protocol.ufh.anti_xa_nomogram.rows;
    let up = rows
        .iter()
        .map(|r| r.rate_change_units_per_kg_per_h)
        .fold(0.0, f64::max);
    let down = rows
        .iter()
        .map(|r| -r.rate_change_units_per_kg_per_h)
        .fold(0.0, f64::max);
    (up, down)
}

/// The steady-state rate for the middle of the anti-Xa target, or none (the reason in `warnings`).
pub(super) fn rate_to_target(
    s: &Situation<'_>,
    pop: &Population,
    post: &Posterior,
    warnings: &mut Vec<String>,
) -> Option<RateToTarget> {
    if let Some(why) = refusal(s) {
        warnings.push(format!("no rate to target: {why}"));
        return None;
    }
    let kg = s.dosing_weight_kg;
    let target = s.protocol.ufh.anti_xa_target.value;
    let mid = (target.low.value() + target.high.value()) / 2.0;
    let cl = pop.at(post.map).cl_l_per_h;
    // Steady state: C = R / CL → R (units/h) = C (units/mL) × 1000 × CL (L/h).
    let uncapped = mid * 1000.0 * cl / kg;
    let current = match s.running {
        Some(InfusionRate::Ufh(r)) => r.value() / kg,
        _ => 0.0,
    };
    let (up, down) = largest_steps(s.protocol);
    let hard = s.protocol.plausibility.ufh_rate_ceiling_units_per_kg_per_h(kg);
    let value = uncapped.clamp(current - down, current + up).min(hard).max(0.0);
    let capped = (value - uncapped).abs() > 1e-9;
    let in_range = post
        .grid
        .iter()
        .filter(|eta| {
            let c = value * kg / 1000.0 / pop.at(**eta).cl_l_per_h;
            (target.low.value()..=target.high.value()).contains(&c)
        })
        .count() as f64
        / post.grid.len() as f64;
    let saturable = &s.prior.saturable_above_units_per_kg_per_h;
    if uncapped > saturable.value {
        warnings.push(format!(
            "above {} units/kg/h heparin clearance is saturable: the model may overestimate the rate needed ({})",
            saturable.value, saturable.source
        ));
    }
    disagreement(s, value - current, warnings);
    let concentration = s.protocol.ufh.concentration_units_per_ml.value.value();
    Some(RateToTarget {
        value,
        uncapped_value: uncapped,
        unit: "units/kg/h",
        units_per_h: value * kg,
        pump_ml_per_h: value * kg / concentration,
        target_anti_xa: mid,
        probability_in_range: in_range,
        capped,
    })
}

/// A warning when the model's change points the other way from the nomogram's step for the latest result.
fn disagreement(s: &Situation<'_>, model_change: f64, warnings: &mut Vec<String>) {
    let step = s.analysis.recommendation.rate_change.map_or(0.0, |r| r.value);
    let model = signed(model_change);
    let opposite = (model_change > 0.05 && step <= 0.0) || (model_change < -0.05 && step >= 0.0);
    if opposite {
        warnings.push(format!(
            "the model ({model} units/kg/h) and the nomogram's step ({}) point different ways: the nomogram decides",
            if step == 0.0 {
                "no change".to_owned()
            } else {
                signed(step)
            }
        ));
    }
}

/// "+1.5", "−3", "0".
fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", num(v, 1))
    } else if v < 0.0 {
        format!("−{}", num(-v, 1))
    } else {
        "0".to_owned()
    }
}
