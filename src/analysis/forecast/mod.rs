//! The anti-Xa forecast (issue 16), a PROVISIONAL model: one compartment, the patient's own doses, the
//! MAP fit of clearance and volume to their anti-Xa samples, a Laplace posterior, predictions of the
//! true level and of the next measured result with 90% intervals, the rate that would reach the target,
//! and a back-test on the patient's own history. Information beside the protocol's nomogram, never in
//! place of it. The engine never reads the clock: `as_of` is a parameter.

pub mod backtest;
pub mod change;
mod data;
pub mod fit;
pub mod misfit;
pub mod model;
pub mod outlook;
mod target;

use serde::Serialize;

pub use self::backtest::{Backtest, BacktestPair, backtest_pairs, recent_backtest_pairs};
use self::data::{band_of, inputs, levels_at, samples, samples_for_fit, weighted_quantiles};
use self::fit::{Population, Posterior, posterior};
use self::model::Pk;
use super::timeline::{InfusionRate, Timeline};
use super::types::{Analysis, FindingCode};
use crate::model::{AntiXaAssay, Case, ClinicalTime, EventKind, Setting};
use crate::protocol::Protocol;
use crate::protocol::forecast_prior::ForecastPrior;

/// What to forecast: from `as_of`, the plan (the running rate unless `rate` says otherwise; an optional
/// bolus at `as_of`), hourly for `hours` and at `extra_times`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRequest {
    pub as_of: ClinicalTime,
    pub hours: u32,
    pub extra_times: Vec<ClinicalTime>,
    /// units/kg/h of the heparin dosing weight.
    pub rate_units_per_kg_per_h: Option<f64>,
    pub bolus_units: Option<f64>,
}

/// An estimate with its 90% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub estimate: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub p05: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub p95: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Individual {
    pub cl_l_per_h: Estimate,
    pub v_l: Estimate,
    pub half_life_h: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    #[serde(serialize_with = "crate::model::rounded::f64_1")]
    pub rate_units_per_kg_per_h: f64,
    /// The same rate in units/h, and the heparin dosing weight it is per kg of.
    #[serde(serialize_with = "crate::model::rounded::f64_0")]
    pub rate_units_per_h: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_1")]
    pub dosing_weight_kg: f64,
    pub bolus_units: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    pub time: ClinicalTime,
    /// The posterior median of the true level; p05/p95 bound it; obs_p05/obs_p95 bound a measured result.
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub median: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub p05: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub p95: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub obs_p05: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub obs_p95: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateToTarget {
    #[serde(serialize_with = "crate::model::rounded::f64_1")]
    pub value: f64,
    /// The model's own steady-state answer before the caps (issue 30): never shown as a rate — on
    /// saturable clearance it overshoots (docs/forecast.md); JSON `model_only_uncapped_value`.
    #[serde(serialize_with = "crate::model::rounded::f64_1")]
    pub model_only_uncapped_value: f64,
    pub unit: &'static str,
    /// `value` as a total rate and as a pump rate at the protocol's bag.
    #[serde(serialize_with = "crate::model::rounded::f64_0")]
    pub units_per_h: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_1")]
    pub pump_ml_per_h: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub target_anti_xa: f64,
    /// The posterior probability that the steady state at `value` lies in the target; `null` where the
    /// calibration study did not find it calibrated (the prior says; the reason in `warnings`).
    #[serde(serialize_with = "crate::model::rounded::option_f64_2")]
    pub probability_in_range: Option<f64>,
    pub capped: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRef {
    pub name: String,
    pub provisional: bool,
    pub source: String,
}

/// The forecast, as the JSON contract writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// The zone of the case's clock (every time below is its wall clock with the offset).
    pub time_zone: crate::model::Zone,
    pub as_of: ClinicalTime,
    pub model: ModelRef,
    pub samples_used: usize,
    pub individual: Individual,
    pub plan: Plan,
    pub predictions: Vec<Prediction>,
    pub rate_to_target: Option<RateToTarget>,
    pub backtest: Option<Backtest>,
    /// Why the model is not following this patient (issue 30), or `null`: then no rate to target.
    pub misfit: Option<String>,
    pub warnings: Vec<String>,
}

/// "a child", "an infant".
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// Why no forecast at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoForecast {
    #[error("no forecast for {}: the prior is an adult model", with_article(.0))]
    NotAdult(&'static str),
    #[error("no forecast on cardiopulmonary bypass: the ACT and the bypass dose-response apply")]
    Bypass,
    #[error("the fit failed: {0}")]
    Fit(String),
}

fn estimate(post: &Posterior, value: impl Fn([f64; 2]) -> f64) -> Estimate {
    let points: Vec<(f64, f64)> = post.grid.iter().map(|eta| (value(*eta), 1.0)).collect();
    let [p05, p95] = weighted_quantiles(points, [0.05, 0.95]);
    Estimate {
        estimate: value(post.map),
        p05,
        p95,
    }
}

/// What every forecast from one time shares: the population for the dosing weight, the fit to the
/// samples up to that time, the heparin running then, the warnings and the rate to target.
pub(crate) struct Fitted {
    pub(crate) pop: Population,
    pub(crate) post: Posterior,
    pub(crate) samples_used: usize,
    pub(crate) running_ufh_units_per_h: Option<f64>,
    pub(crate) dosing_weight_kg: f64,
    pub(crate) warnings: Vec<String>,
    pub(crate) rate_to_target: Option<RateToTarget>,
    pub(crate) misfit: Option<String>,
}

/// The fit at `as_of` and what follows from it for any plan.
///
/// # Errors
/// A non-adult or bypass patient (no forecast), or a failed fit.
pub(crate) fn fit_at(
    case: &Case,
    tl: &Timeline,
    protocol: &Protocol,
    prior: &ForecastPrior,
    analysis: &Analysis,
    as_of: ClinicalTime,
) -> Result<Fitted, NoForecast> {
    let findings: Vec<FindingCode> = analysis.findings.iter().map(|f| f.code).collect();
    let dosing_weight_kg = analysis.patient.dosing_weight_kg.value();
    let p = &case.patient;
    if !crate::model::Population::ADULTS.covers(p.age_group) {
        return Err(NoForecast::NotAdult(p.age_group.code()));
    }
    if p.setting == Setting::Cpb {
        return Err(NoForecast::Bypass);
    }
    let mut pop = Population::of(prior, dosing_weight_kg);
    let mut left_out = Vec::new();
    let obs = samples_for_fit(case, tl, protocol, as_of, &mut left_out);
    let running = tl.running(as_of).map(|s| s.rate);
    let misfit = misfit::misfit(&recent_backtest_pairs(
        case,
        tl,
        protocol,
        &pop,
        as_of,
        misfit::MISFIT_PAIRS,
    ));
    let mut warnings = warnings(case, as_of, prior);
    let changes = change::recent_changes(case, tl, analysis, &pop, as_of);
    if !changes.is_empty() {
        let widening = prior.changed_fact_widening_omega_cl.as_ref().map_or(0.0, |n| n.value);
        pop.extra_cl_variance = widening.powi(2);
        warnings.push(format!(
            "{}: the heparin response may change; no covariate model is used, the interval is widened{}",
            changes.join("; "),
            if widening > 0.0 {
                format!(" (clearance's spread +{})", crate::model::num(widening, 2))
            } else {
                String::new()
            }
        ));
    }
    // The random walk on clearance from the newest result to the next anti-Xa (the protocol's recheck
    // after the replay time): the horizon at which a forecast is read and a rate judged.
    let newest = obs.times_h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if newest.is_finite() {
        pop = pop.ahead(as_of.hours_since(case.case_start) - newest + protocol.monitoring.ufh_recheck_h.value.value());
    }
    // The plan does not touch a sample at or before `as_of`: the history alone is fitted.
    let history = inputs(case, tl, as_of, None, None);
    let post = posterior(&pop, &history, &obs).map_err(NoForecast::Fit)?;
    warnings.extend(left_out);
    if let Some(last) = case.last_event_time().filter(|last| as_of.hours_since(*last) > 24.0) {
        warnings.push(format!(
            "the forecast is made {} h after the last recorded event ({last}): it assumes nothing changed since",
            crate::model::num(as_of.hours_since(last), 0)
        ));
    }
    let censored = obs.below_limit.iter().filter(|b| **b).count();
    if censored > 0 {
        warnings.push(format!(
            "{censored} anti-Xa result(s) below the assay's limit: fitted as censored (the probability of a result \
             below the limit), not as a value"
        ));
    }
    let situation = target::Situation {
        protocol,
        prior,
        case,
        analysis,
        findings: &findings,
        running,
        dosing_weight_kg,
        samples_used: obs.len(),
        as_of,
        misfit: misfit.as_deref(),
    };
    let rate_to_target = target::rate_to_target(&situation, &pop, &post, &mut warnings);
    Ok(Fitted {
        pop,
        post,
        samples_used: obs.len(),
        running_ufh_units_per_h: match running {
            Some(InfusionRate::Ufh(r)) => Some(r.value()),
            _ => None,
        },
        dosing_weight_kg,
        warnings,
        rate_to_target,
        misfit,
    })
}

/// The forecast of `case` from `req.as_of`.
///
/// # Errors
/// A non-adult or bypass patient (no forecast), or a failed fit.
pub fn forecast(
    case: &Case,
    tl: &Timeline,
    protocol: &Protocol,
    prior: &ForecastPrior,
    analysis: &Analysis,
    req: &ForecastRequest,
) -> Result<Forecast, NoForecast> {
    let fitted = fit_at(case, tl, protocol, prior, analysis, req.as_of)?;
    let Fitted { pop, post, .. } = &fitted;
    let plan_rate_per_h = match (req.rate_units_per_kg_per_h, fitted.running_ufh_units_per_h) {
        (Some(r), _) => r * fitted.dosing_weight_kg,
        (None, Some(running)) => running,
        // No heparin runs and no what-if rate: the plan is no infusion.
        (None, None) => 0.0,
    };
    let inputs = inputs(case, tl, req.as_of, Some(plan_rate_per_h), req.bolus_units);
    let mut times: Vec<ClinicalTime> = (1..=req.hours)
        .map(|i| req.as_of.plus_minutes(i64::from(i) * 60))
        .collect();
    times.extend(req.extra_times.iter().copied());
    times.sort();
    times.dedup();
    let times_h: Vec<f64> = times.iter().map(|t| t.hours_since(case.case_start)).collect();
    let levels = levels_at(pop, post, &inputs, &times_h);
    let predictions = times
        .iter()
        .zip(&levels)
        .map(|(t, l)| {
            let b = band_of(pop, l);
            Prediction {
                time: *t,
                median: b.median,
                p05: b.p05,
                p95: b.p95,
                obs_p05: b.obs_p05,
                obs_p95: b.obs_p95,
            }
        })
        .collect();
    let backtest = Backtest::of(&backtest_pairs(case, tl, protocol, pop, req.as_of));
    let (mut rate_to_target, mut warnings) = (fitted.rate_to_target.clone(), fitted.warnings.clone());
    // A forecast that does not beat the last value on this patient offers no rate either (the review of
    // issue 30: the text printed a rate beside "do not rely on it").
    if let Some(why) = backtest.as_ref().and_then(Backtest::discredited)
        && rate_to_target.take().is_some()
    {
        warnings.push(format!(
            "no rate to target: the forecast does not beat the last value — {why}"
        ));
    }
    Ok(Forecast {
        time_zone: req.as_of.zone(),
        as_of: req.as_of,
        model: model_ref(prior),
        samples_used: fitted.samples_used,
        individual: Individual {
            cl_l_per_h: estimate(post, |e| pop.at(e).cl_l_per_h),
            v_l: estimate(post, |e| pop.at(e).v_l),
            half_life_h: estimate(post, |e| pop.at(e).half_life_h()),
        },
        plan: Plan {
            rate_units_per_kg_per_h: plan_rate_per_h / fitted.dosing_weight_kg,
            rate_units_per_h: plan_rate_per_h,
            dosing_weight_kg: fitted.dosing_weight_kg,
            bolus_units: req.bolus_units,
        },
        predictions,
        backtest,
        rate_to_target,
        misfit: fitted.misfit.clone(),
        warnings,
    })
}

/// The prior as the contract names it.
fn model_ref(prior: &ForecastPrior) -> ModelRef {
    ModelRef {
        name: prior.name.clone(),
        provisional: prior.provisional,
        source: format!(
            "{}; {}",
            prior.clearance_l_per_h_per_kg.source, prior.volume_l_per_kg.source
        ),
    }
}

/// The warnings that do not refuse the forecast: each changes the heparin response the model assumes.
fn warnings(case: &Case, as_of: ClinicalTime, prior: &ForecastPrior) -> Vec<String> {
    let mut out = Vec::new();
    if prior.provisional {
        out.push(
            "provisional model: a synthesis of published clearance and volume figures, not a published model"
                .to_owned(),
        );
    }
    let day_before = as_of.plus_minutes(-24 * 60);
    if case.events.iter().any(|e| {
        e.time > day_before
            && e.time <= as_of
            && matches!(e.kind, EventKind::AtConcentrate(_) | EventKind::AtRecombinant(_))
    }) {
        out.push("antithrombin given in the last 24 h: the heparin response changes, the fit lags".to_owned());
    }
    if case.patient.andexanet_exposure {
        out.push("andexanet exposure: heparin resistance after andexanet is not what the model describes".to_owned());
    }
    if case.patient.anti_xa_assay == AntiXaAssay::AtSupplemented {
        out.push("AT-supplemented anti-Xa assay: it overestimates the in-vivo heparin effect".to_owned());
    }
    out
}

/// The population's individual parameters, for callers that show the prior.
#[must_use]
pub fn typical(prior: &ForecastPrior, dosing_weight_kg: f64) -> Pk {
    Population::of(prior, dosing_weight_kg).pk
}

/// The fit alone at `as_of` (every anti-Xa up to it): the MAP and the posterior rule, and how many
/// samples it used — for the benchmark of the 2-parameter problem.
///
/// # Errors
/// The optimiser failed.
pub fn fit_only(
    case: &Case,
    tl: &Timeline,
    prior: &ForecastPrior,
    dosing_weight_kg: f64,
    as_of: ClinicalTime,
) -> Result<(Posterior, usize), String> {
    let pop = Population::of(prior, dosing_weight_kg);
    let obs = samples(case, as_of);
    let given = inputs(case, tl, as_of, None, None);
    posterior(&pop, &given, &obs).map(|p| (p, obs.len()))
}
