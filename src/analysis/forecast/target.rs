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
    /// Why the model is not following this patient, if it is not (issue 30).
    pub misfit: Option<&'a str>,
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
    if let Some(why) = s.misfit {
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
    // Issue 30: never a rate whose steady state the posterior puts above the target's upper bound with
    // more than 5% probability (the 5th percentile of clearance): a model fitted to a patient whose
    // clearance is falling overshoots otherwise (the calibration study, docs/forecast.md).
    let cls: Vec<(f64, f64)> = post.grid.iter().map(|eta| (pop.at(*eta).cl_l_per_h, 1.0)).collect();
    let [cl_p05] = super::data::weighted_quantiles(cls, [0.05]);
    let safe = target.high.value() * 1000.0 * cl_p05 / kg;
    let value = uncapped
        .min(safe)
        .clamp(current - down, current + up)
        .min(hard)
        .max(0.0);
    let capped = (value - uncapped).abs() > 1e-9;
    // Issue 30: where the model and the nomogram's step for the latest result disagree, the model is
    // contradicted by the result the protocol reads — in the calibration study most offers whose true
    // steady state overshot the target were of this kind. The nomogram decides; no rate is offered.
    match disagreement(s, value - current) {
        Some(Disagreement::Opposite(why)) => {
            warnings.push(format!("no rate to target: {why}"));
            return None;
        }
        Some(Disagreement::NoChange(why)) => warnings.push(why),
        None => {}
    }
    let in_range = post
        .grid
        .iter()
        .filter(|eta| {
            let c = value * kg / 1000.0 / pop.at(**eta).cl_l_per_h;
            (target.low.value()..=target.high.value()).contains(&c)
        })
        .count() as f64
        / post.grid.len() as f64;
    let calibrated = s.prior.probability_in_range_calibrated.as_ref();
    let probability_in_range = match calibrated {
        Some(flag) if flag.value => Some(in_range),
        Some(flag) => {
            warnings.push(format!(
                "no probability of a steady state in range: not calibrated for changing patients ({})",
                flag.source
            ));
            None
        }
        None => {
            warnings
                .push("no probability of a steady state in range: the prior does not say it is calibrated".to_owned());
            None
        }
    };
    let saturable = &s.prior.saturable_above_units_per_kg_per_h;
    if uncapped > saturable.value {
        warnings.push(format!(
            "above {} units/kg/h heparin clearance is saturable: the model may overestimate the rate needed ({})",
            saturable.value, saturable.source
        ));
    }
    let concentration = s.protocol.ufh.concentration_units_per_ml.value.value();
    Some(RateToTarget {
        value,
        model_only_uncapped_value: uncapped,
        unit: "units/kg/h",
        units_per_h: value * kg,
        pump_ml_per_h: value * kg / concentration,
        target_anti_xa: mid,
        probability_in_range,
        capped,
    })
}

/// How the model's change and the nomogram's step for the latest result differ.
enum Disagreement {
    /// The nomogram steps one way and the model the other: no rate is offered (issue 30).
    Opposite(String),
    /// The nomogram says no change and the model moves: said, the nomogram decides.
    NoChange(String),
}

fn disagreement(s: &Situation<'_>, model_change: f64) -> Option<Disagreement> {
    let step = s.analysis.recommendation.rate_change.map_or(0.0, |r| r.value);
    let way = |v: f64| if v > 0.0 { "up" } else { "down" };
    let moves = model_change.abs() > 0.05;
    let words = |nomogram: String| {
        format!(
            "the model ({}) and the nomogram's step ({nomogram}) point different ways: the nomogram decides",
            way(model_change)
        )
    };
    if moves && step == 0.0 {
        Some(Disagreement::NoChange(words("no change".to_owned())))
    } else if moves && (model_change > 0.0) != (step > 0.0) {
        Some(Disagreement::Opposite(words(format!("{} units/kg/h", signed(step)))))
    } else {
        None
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
