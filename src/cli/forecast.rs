//! `anticoag-planner forecast` (issue 16): the engine's forecast at a time, as text or the JSON
//! contract other tools rely on.

use anyhow::{Result, anyhow, bail};

use crate::analysis::forecast::{ForecastRequest, forecast};
use crate::analysis::{Action, Analysis, CaseEngine, FindingCode};
use crate::model::{Case, ClinicalTime, EventKind, HeparinRate, Units, UnitsPerKgPerHour, num};
use crate::protocol::Protocol;
use crate::protocol::forecast_prior::ForecastPrior;
use crate::protocol::plausibility::check_event;

/// The command's options after parsing.
pub(super) struct Options<'a> {
    pub hours: u32,
    pub times: Option<&'a str>,
    pub rate: Option<f64>,
    pub bolus: Option<f64>,
    pub json: bool,
}

/// A probability as a percentage, never "100%" or "0%" for what is only nearly certain.
fn percent(p: f64) -> String {
    if (0.995..1.0).contains(&p) {
        "> 99%".to_owned()
    } else if p > 0.0 && p <= 0.005 {
        "< 1%".to_owned()
    } else {
        format!("{}%", num(p * 100.0, 0))
    }
}

/// The longest forecast asked for, in hours.
const MAX_HOURS: u32 = 168;

/// A what-if is checked as an entry would be — the protocol's hard limits refuse it, its soft limits
/// warn — and is said for what it is where the protocol would not give heparin now.
fn what_if_notes(
    protocol: &Protocol,
    prior: &ForecastPrior,
    analysis: &Analysis,
    o: &Options<'_>,
) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    if o.rate.is_none() && o.bolus.is_none() {
        return Ok(notes);
    }
    let kg = analysis.patient.dosing_weight_kg;
    let p = &protocol.plausibility;
    if let Some(r) = o.rate.filter(|r| *r > 0.0) {
        let kind = EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(UnitsPerKgPerHour::new(r)?));
        if let Some(w) = check_event(p, kind, kg).map_err(|e| anyhow!("--rate {r}: {e}"))? {
            notes.push(format!("what-if rate: {w}"));
        }
        let saturable = &prior.saturable_above_units_per_kg_per_h;
        if r > saturable.value {
            notes.push(format!(
                "what-if rate above {} units/kg/h: clearance is saturable, the model may underestimate the level ({})",
                saturable.value, saturable.source
            ));
        }
    }
    if let Some(b) = o.bolus {
        let kind = EventKind::UfhBolus(Units::new(b)?);
        if let Some(w) = check_event(p, kind, kg).map_err(|e| anyhow!("--bolus {b}: {e}"))? {
            notes.push(format!("what-if bolus: {w}"));
        }
    }
    let has = |code| analysis.findings.iter().any(|f| f.code == code);
    let context = if has(FindingCode::HitSuspected) {
        Some("HIT is suspected: heparin is not to be given")
    } else if analysis.recommendation.action == Action::HoldAnticoagulant {
        Some("the protocol advises a hold now")
    } else if analysis.recommendation.heparin_rate().is_none() {
        Some("the protocol's advice now is not a heparin rate")
    } else {
        None
    };
    if let Some(why) = context {
        notes.push(format!(
            "what-if while {why} ({}): a simulation, not a plan",
            analysis.recommendation.label
        ));
    }
    if o.bolus.is_some()
        && (has(FindingCode::HighBleedingRiskByLabs) || analysis.patient.facts.high_bleeding_risk.value)
    {
        notes.push("what-if bolus with a high bleeding risk: the protocol gives no bolus outside bypass".to_owned());
    }
    Ok(notes)
}

pub(super) fn run(case: &Case, engine: &CaseEngine, as_of: ClinicalTime, o: &Options<'_>) -> Result<String> {
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
            .map(|t| ClinicalTime::parse_in(t, case.time_zone).map_err(|e| anyhow!("--times '{t}': {e}")))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    if !(1..=MAX_HOURS).contains(&o.hours) {
        bail!(
            "--hours {}: from 1 to {MAX_HOURS} (a week; the model says nothing useful beyond)",
            o.hours
        );
    }
    let prior = ForecastPrior::shipped()?;
    let (choice, prepared) = engine.at(case, as_of);
    let protocol = &choice.protocol;
    let analysis = engine.analyze(case, as_of, crate::analysis::Detail::Explained);
    let what_if = what_if_notes(protocol, &prior, &analysis, o)?;
    let req = ForecastRequest {
        as_of,
        hours: o.hours,
        extra_times,
        rate_units_per_kg_per_h: o.rate,
        bolus_units: o.bolus,
    };
    let mut f = forecast(case, &prepared.timeline, protocol, &prior, &analysis, &req)?;
    f.warnings.extend(what_if);
    if o.json {
        return Ok(serde_json::to_string_pretty(&f)? + "\n");
    }
    let mut out = format!(
        "anti-Xa forecast as of {} — {} (PROVISIONAL model: information beside the nomogram, not an order)\n",
        f.as_of.dated_for_people(),
        f.model.name
    );
    if let Some(why) = &f.misfit {
        // Issue 30: said before any number, so that none is read as a prediction to follow.
        out.push_str(&format!(
            "NOT FOLLOWING THIS PATIENT — {why}: the numbers below are not to be relied on; no rate to target\n"
        ));
    }
    out.push_str(&format!(
        "{} anti-Xa sample(s) used · clearance {} L/h ({}–{}) · volume {} L ({}–{}) · half-life {} h ({}–{}); 90% intervals\n",
        f.samples_used,
        num(f.individual.cl_l_per_h.estimate, 2),
        num(f.individual.cl_l_per_h.p05, 2),
        num(f.individual.cl_l_per_h.p95, 2),
        num(f.individual.v_l.estimate, 1),
        num(f.individual.v_l.p05, 1),
        num(f.individual.v_l.p95, 1),
        num(f.individual.half_life_h.estimate, 1),
        num(f.individual.half_life_h.p05, 1),
        num(f.individual.half_life_h.p95, 1)
    ));
    out.push_str(&format!(
        "plan: {} units/kg/h = {} units/h on the heparin dosing weight {} kg{}\n",
        num(f.plan.rate_units_per_kg_per_h, 1),
        num(f.plan.rate_units_per_h, 0),
        num(f.plan.dosing_weight_kg, 1),
        f.plan
            .bolus_units
            .map(|b| format!(", after a bolus of {} units", num(b, 0)))
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
            "rate toward anti-Xa {}: {} units/kg/h = {} units/h = {} mL/h{}; {}\n",
            num(r.target_anti_xa, 2),
            num(r.value, 1),
            num(r.units_per_h, 0),
            num(r.pump_ml_per_h, 1),
            if r.capped { ", capped to one nomogram step" } else { "" },
            r.probability_in_range.map_or_else(
                || "no probability in range: not calibrated for changing patients".to_owned(),
                |p| format!("probability of a steady state in the target {}", percent(p))
            )
        ));
    }
    if let Some(b) = &f.backtest {
        out.push_str(&format!(
            "back-test on this patient: {} forecast(s), median error {} units/mL, 90% interval held {}; against the last value scaled by the rate change: {}\n",
            b.n,
            num(b.median_abs_error, 2),
            percent(b.coverage_90),
            b.compared_median_abs_error
                .zip(b.baseline_median_abs_error)
                .map_or("no comparable pair".to_owned(), |(m, base)| format!(
                    "{} vs {} on {} pair(s)",
                    num(m, 2),
                    num(base, 2),
                    b.compared_n
                )),
        ));
        out.push_str(&format!("  {}\n", b.verdict()));
    } else {
        out.push_str("back-test on this patient: none (it needs two anti-Xa results)\n");
    }
    for w in &f.warnings {
        out.push_str(&format!("! {w}\n"));
    }
    // Times for people (issue 29); the JSON keeps ISO 8601.
    Ok(crate::present::people::people_times(&out, as_of))
}
