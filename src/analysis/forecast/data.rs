//! The data a forecast is made of (issue 16): the heparin inputs from the case's events and infusion
//! segments, the anti-Xa samples a fit may use (without those an interfering lab makes unreliable), and
//! the quantiles of the posterior's levels — for a true level and for a measured result.

use super::fit::{Observations, Population, Posterior};
use super::model::{Input, concentrations};
use crate::analysis::anti_xa_exclusion::anti_xa_interference;
use crate::analysis::timeline::{InfusionRate, Timeline};
use crate::model::{Case, ClinicalTime, EventKind};
use crate::protocol::Protocol;

/// The plan starts this long after the as-of time (hours): after every dose given at that minute, and
/// after a sample drawn then (a sample at a dose's minute was drawn before it).
pub(super) const PLAN_STARTS_AFTER_H: f64 = 1e-6;

/// Heparin inputs up to `as_of` (hours from the case start), then the plan.
pub(super) fn inputs(
    case: &Case,
    tl: &Timeline,
    as_of: ClinicalTime,
    plan_rate_per_h: Option<f64>,
    bolus: Option<f64>,
) -> Vec<Input> {
    let h = |t: ClinicalTime| t.hours_since(case.case_start);
    let mut out = Vec::new();
    for e in case.events.iter().filter(|e| e.time <= as_of) {
        if let EventKind::UfhBolus(u) = e.kind {
            out.push(Input::Bolus {
                at_h: h(e.time),
                units: u.value(),
            });
        }
    }
    for s in tl.segments().iter().filter(|s| s.start <= as_of) {
        let rate = match s.rate {
            InfusionRate::Ufh(r) => r.value(),
            _ => 0.0,
        };
        out.push(Input::Rate {
            at_h: h(s.start),
            units_per_h: rate,
        });
        if let Some(end) = s.end.filter(|e| *e <= as_of) {
            out.push(Input::Rate {
                at_h: h(end),
                units_per_h: 0.0,
            });
        }
    }
    if let Some(r) = plan_rate_per_h {
        out.push(Input::Rate {
            at_h: h(as_of) + PLAN_STARTS_AFTER_H,
            units_per_h: r,
        });
    }
    if let Some(b) = bolus {
        out.push(Input::Bolus {
            at_h: h(as_of) + PLAN_STARTS_AFTER_H,
            units: b,
        });
    }
    // Stable: at one time, rate changes keep their order; a later entry wins.
    out.sort_by(|a, b| a.at_h().total_cmp(&b.at_h()));
    out
}

/// The anti-Xa samples drawn at or before `until` (hours from the case start, values), without those
/// an interfering lab makes unreliable (listed in `left_out`).
pub(super) fn samples_for_fit(
    case: &Case,
    tl: &Timeline,
    p: &Protocol,
    until: ClinicalTime,
    left_out: &mut Vec<String>,
) -> Observations {
    let obs = samples(case, until);
    // Another anticoagulant that reads in the anti-Xa (§14.5): its longest window (impaired clearance),
    // so that the fit never takes its activity for heparin's.
    let windows: Vec<(&'static str, ClinicalTime, ClinicalTime)> = case
        .events
        .iter()
        .filter(|e| e.time <= until)
        .filter_map(|e| match e.kind {
            EventKind::OtherAnticoagulant(drug, _) => p
                .other_anticoagulants
                .rule(drug)
                .filter(|r| r.raises == crate::protocol::RaisedAssay::AntiXa)
                .map(|r| (drug.code(), e.time, e.time.after_hours(r.renal_window_h))),
            _ => None,
        })
        .collect();
    let mut kept = Observations::default();
    for ((h, y), below) in obs.times_h.iter().zip(&obs.values).zip(&obs.below_limit) {
        let t = case.case_start.plus_hours(*h);
        let other = windows.iter().find(|(_, from, to)| *from <= t && t < *to);
        match (anti_xa_interference(tl, p, t, until), other) {
            (Some(why), _) => left_out.push(format!(
                "anti-Xa {}{y} at {t} left out of the fit: {why} (interference, clinical reference §3)",
                if *below { "<" } else { "" }
            )),
            (None, Some((drug, dose, _))) => left_out.push(format!(
                "anti-Xa {}{y} at {t} left out of the fit: it includes {drug} taken at {dose} (clinical reference §14.5)",
                if *below { "<" } else { "" }
            )),
            (None, None) => kept.push(*h, *y, *below),
        }
    }
    kept
}

/// The anti-Xa samples drawn at or before `until` (hours from the case start, values; a result below
/// the assay's limit is its limit, marked).
pub(super) fn samples(case: &Case, until: ClinicalTime) -> Observations {
    let mut obs = Observations::default();
    for e in case.events.iter().filter(|e| e.time <= until) {
        let h = e.time.hours_since(case.case_start);
        match e.kind {
            EventKind::AntiXa(x) => obs.push(h, x.value(), false),
            EventKind::AntiXaBelow(limit) => obs.push(h, limit.value(), true),
            _ => {}
        }
    }
    obs
}

/// Several weighted quantiles (in increasing order of `ps`) of values with weights, with one sort.
pub(super) fn weighted_quantiles<const N: usize>(mut points: Vec<(f64, f64)>, ps: [f64; N]) -> [f64; N] {
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = points.iter().map(|x| x.1).sum();
    let mut out = [f64::NAN; N];
    let (mut acc, mut next) = (0.0, 0);
    for (v, w) in &points {
        acc += w / total;
        while next < N && acc >= ps[next] {
            out[next] = *v;
            next += 1;
        }
    }
    // Reached only through rounding of the weights: the largest value.
    if let Some(last) = points.last() {
        for slot in &mut out[next..] {
            *slot = last.0;
        }
    }
    out
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2))
}

/// The quantile `p` of a measured result: the mixture over posterior nodes of N(f, var(f)). Newton's
/// method on the mixture's distribution function, kept inside a bracket that every step narrows (a step
/// that would leave it bisects instead): a few evaluations where bisection alone needed forty.
pub(super) fn observed_quantile(pop: &Population, levels: &[(f64, f64)], p: f64) -> f64 {
    let nodes: Vec<(f64, f64, f64)> = levels.iter().map(|(f, w)| (*f, *w, pop.variance(*f).sqrt())).collect();
    let total: f64 = nodes.iter().map(|n| n.1).sum();
    // The distribution function and its density at x.
    let at = |x: f64| -> (f64, f64) {
        nodes.iter().fold((0.0, 0.0), |(cdf, pdf), (f, w, sd)| {
            let z = (x - f) / sd;
            (
                cdf + w * normal_cdf(z),
                pdf + w * (-0.5 * z * z).exp() / (sd * (std::f64::consts::TAU).sqrt()),
            )
        })
    };
    // Every node's level ± 6 of its own spread brackets the mixture's quantile.
    let (mut lo, mut hi) = nodes
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (f, _, sd)| {
            (lo.min(f - 6.0 * sd), hi.max(f + 6.0 * sd))
        });
    if !(lo.is_finite() && hi.is_finite() && total > 0.0) {
        return f64::NAN;
    }
    let target = p * total;
    // Start from the normal with the mixture's mean and variance: Newton then needs two or three steps.
    let mean = nodes.iter().map(|(f, w, _)| w * f).sum::<f64>() / total;
    let var = nodes
        .iter()
        .map(|(f, w, sd)| w * (sd * sd + (f - mean).powi(2)))
        .sum::<f64>()
        / total;
    let start = mean + super::fit::standard_normal_quantile(p) * var.sqrt();
    let mut x = if start > lo && start < hi {
        start
    } else {
        (lo + hi) / 2.0
    };
    for _ in 0..60 {
        let (cdf, pdf) = at(x);
        let gap = cdf - target;
        if gap.abs() < 1e-10 * total {
            break;
        }
        if gap < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let newton = x - gap / pdf;
        x = if pdf > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            (lo + hi) / 2.0
        };
        if hi - lo < 1e-12 {
            break;
        }
    }
    x.max(0.0)
}

/// The true level at one time under the posterior: at every Gauss–Hermite node with its weight (for the
/// distribution of a measured result) and at every point of the equal-probability grid (for the
/// quantiles of the true level).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Levels {
    pub(super) mixture: Vec<(f64, f64)>,
    pub(super) grid: Vec<f64>,
}

/// The forecast at one time: the median of the true level, its 90% band, and the 90% interval of a
/// measured result (the true level plus the assay's error), in units/mL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
    pub obs_p05: f64,
    pub obs_p95: f64,
}

/// The band of `levels`.
pub(super) fn band_of(pop: &Population, levels: &Levels) -> Band {
    let grid = levels.grid.iter().map(|v| (*v, 1.0)).collect();
    let [p05, median, p95] = weighted_quantiles(grid, [0.05, 0.5, 0.95]);
    Band {
        median,
        p05,
        p95,
        obs_p05: observed_quantile(pop, &levels.mixture, 0.05),
        obs_p95: observed_quantile(pop, &levels.mixture, 0.95),
    }
}

/// Levels at `times_h` under the posterior.
pub(super) fn levels_at(pop: &Population, post: &Posterior, inputs: &[Input], times_h: &[f64]) -> Vec<Levels> {
    let mut per_time = vec![
        Levels {
            mixture: Vec::with_capacity(post.nodes.len()),
            grid: Vec::with_capacity(post.grid.len()),
        };
        times_h.len()
    ];
    for (eta, w) in &post.nodes {
        let c = concentrations(pop.at(*eta), inputs, times_h);
        for (slot, v) in per_time.iter_mut().zip(c) {
            slot.mixture.push((v, *w));
        }
    }
    for eta in &post.grid {
        let c = concentrations(pop.at(*eta), inputs, times_h);
        for (slot, v) in per_time.iter_mut().zip(c) {
            slot.grid.push(v);
        }
    }
    per_time
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::forecast_prior::ForecastPrior;

    /// The Newton quantile equals plain bisection on the same mixture (to 1e-8 units/mL), for narrow and
    /// wide mixtures, at both tails.
    #[test]
    fn the_quantile_of_a_measured_result_matches_bisection() {
        let prior = ForecastPrior::shipped().unwrap_or_else(|e| panic!("{e}"));
        let pop = Population::of(&prior, 80.0);
        let mixtures: [Vec<(f64, f64)>; 3] = [
            vec![(0.3, 1.0)],
            vec![(0.05, 0.2), (0.4, 0.5), (1.2, 0.3)],
            (1..=49).map(|i| (f64::from(i) * 0.02, 1.0 / 49.0)).collect(),
        ];
        for levels in &mixtures {
            for p in [0.05, 0.5, 0.95] {
                let cdf = |x: f64| -> f64 {
                    levels
                        .iter()
                        .map(|(f, w)| w * normal_cdf((x - f) / pop.variance(*f).sqrt()))
                        .sum()
                };
                let (mut lo, mut hi) = (-5.0, 10.0);
                for _ in 0..200 {
                    let mid = (lo + hi) / 2.0;
                    if cdf(mid) < p { lo = mid } else { hi = mid }
                }
                let bisected = f64::max((lo + hi) / 2.0, 0.0);
                let newton = observed_quantile(&pop, levels, p);
                assert!(
                    (newton - bisected).abs() < 1e-8,
                    "{newton} vs {bisected} at p {p} for {levels:?}"
                );
            }
        }
    }
}
