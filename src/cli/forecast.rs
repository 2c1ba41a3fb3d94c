//! `anticoag-planner forecast` (issue 16): the engine's forecast at a time, as text or the JSON
//! contract other tools rely on.

use anyhow::{Result, anyhow, bail};

use crate::analysis::forecast::{ForecastRequest, forecast};
use crate::analysis::{Prepared, analyze_prepared};
use crate::model::{Case, ClinicalTime};
use crate::protocol::Protocol;
use crate::protocol::forecast_prior::ForecastPrior;

/// The command's options after parsing.
pub(super) struct Options<'a> {
    pub hours: u32,
    pub times: Option<&'a str>,
    pub rate: Option<f64>,
    pub bolus: Option<f64>,
    pub json: bool,
}

pub(super) fn run(case: &Case, protocol: &Protocol, as_of: ClinicalTime, o: &Options<'_>) -> Result<String> {
    if let Some(r) = o.rate
        && !(r.is_finite() && r >= 0.0)
    {
        bail!("--rate {r}: a heparin rate in units/kg/h, 0 or more");
    }
    if let Some(b) = o.bolus
        && !(b.is_finite() && b > 0.0)
    {
        bail!("--bolus {b}: a heparin bolus in units, more than 0");
    }
    let extra_times = match o.times {
        Some(list) => list
            .split(',')
            .map(|t| {
                t.trim()
                    .parse::<ClinicalTime>()
                    .map_err(|e| anyhow!("--times '{t}': {e}"))
            })
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let prior = ForecastPrior::shipped()?;
    let prepared = Prepared::new(case, protocol);
    let analysis = analyze_prepared(case, &prepared, protocol, as_of);
    let req = ForecastRequest {
        as_of,
        hours: o.hours,
        extra_times,
        rate_units_per_kg_per_h: o.rate,
        bolus_units: o.bolus,
    };
    let f = forecast(case, &prepared.timeline, protocol, &prior, &analysis, &req)?;
    if o.json {
        return Ok(serde_json::to_string_pretty(&f)? + "\n");
    }
    let mut out = format!(
        "anti-Xa forecast as of {} — {} (PROVISIONAL model: information beside the nomogram, not an order)\n",
        f.as_of, f.model.name
    );
    out.push_str(&format!(
        "{} anti-Xa sample(s) used · clearance {:.2} L/h ({:.2}–{:.2}) · volume {:.1} L · half-life {:.1} h\n",
        f.samples_used,
        f.individual.cl_l_per_h.estimate,
        f.individual.cl_l_per_h.p05,
        f.individual.cl_l_per_h.p95,
        f.individual.v_l.estimate,
        f.individual.half_life_h.estimate
    ));
    out.push_str(&format!(
        "plan: {:.1} units/kg/h{}\n",
        f.plan.rate_units_per_kg_per_h,
        f.plan
            .bolus_units
            .map(|b| format!(" after a {b:.0}-unit bolus"))
            .unwrap_or_default()
    ));
    for p in &f.predictions {
        out.push_str(&format!(
            "  {}  {:.2} units/mL (true level {:.2}–{:.2}; a measured result {:.2}–{:.2})\n",
            p.time, p.median, p.p05, p.p95, p.obs_p05, p.obs_p95
        ));
    }
    if let Some(r) = &f.rate_to_target {
        out.push_str(&format!(
            "rate for anti-Xa {:.2}: {:.1} units/kg/h{} (model's answer {:.1}); probability in the target {:.0}%\n",
            r.target_anti_xa,
            r.value,
            if r.capped { ", capped to one nomogram step" } else { "" },
            r.uncapped_value,
            r.probability_in_range * 100.0
        ));
    }
    if let Some(b) = &f.backtest {
        out.push_str(&format!(
            "back-test on this patient: {} forecast(s), median error {:.2} vs {} for the last value, 90% interval held {:.0}%{}\n",
            b.n,
            b.median_abs_error,
            b.baseline_median_abs_error.map_or("none (no comparable pair)".to_owned(), |x| format!("{x:.2}")),
            b.coverage_90 * 100.0,
            if b.beats_last_value { "" } else { " — does not beat the last value: do not rely on it" }
        ));
    }
    for w in &f.warnings {
        out.push_str(&format!("! {w}\n"));
    }
    Ok(out)
}
