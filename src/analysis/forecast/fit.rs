//! Individualisation (issue 16): the MAP estimate of (η_CL, η_V) from the patient's anti-Xa samples,
//! minimising Σ[(y − f)²/var + ln var] + η_CL²/ω_CL² + η_V²/ω_V² with var = (σ_prop·f)² + σ_add², by
//! argmin's Nelder–Mead; the posterior by a Laplace approximation at the MAP (a finite-difference
//! Hessian), integrated by a fixed 2-D Gauss–Hermite rule — deterministic, no random numbers.

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::neldermead::NelderMead;

use super::model::{Input, Pk, concentrations};
use crate::protocol::forecast_prior::ForecastPrior;

/// The population's typical parameters for a dosing weight, and the prior's spreads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Population {
    pub pk: Pk,
    pub omega_cl: f64,
    pub omega_v: f64,
    pub sigma_prop: f64,
    pub sigma_add: f64,
    /// A result's weight halves every this many hours before the newest result (issue 30).
    pub forgetting_half_life_h: Option<f64>,
    /// Added to the posterior variance of η_CL (issue 30): 0, or the prior's widening after a change
    /// of the facts that move clearance.
    pub extra_cl_variance: f64,
    /// The creatinine rise (mg/dL in 48 h) that counts as such a change.
    pub creatinine_rise_mg_per_dl: Option<f64>,
    /// A random walk on log clearance (issue 30): the variance η_CL gains per hour after the newest
    /// result, so that a forecast further from its data is wider.
    pub drift_variance_per_h: f64,
}

impl Population {
    #[must_use]
    pub fn of(prior: &ForecastPrior, dosing_weight_kg: f64) -> Self {
        Self {
            pk: Pk {
                cl_l_per_h: prior.clearance_l_per_h_per_kg.value * dosing_weight_kg,
                v_l: prior.volume_l_per_kg.value * dosing_weight_kg,
            },
            omega_cl: prior.omega_clearance.value,
            omega_v: prior.omega_volume.value,
            sigma_prop: prior.error_proportional.value,
            sigma_add: prior.error_additive_units_per_ml.value,
            forgetting_half_life_h: prior.forgetting_half_life_h.as_ref().map(|n| n.value),
            extra_cl_variance: 0.0,
            creatinine_rise_mg_per_dl: prior.creatinine_rise_mg_per_dl.as_ref().map(|n| n.value),
            drift_variance_per_h: prior
                .clearance_drift_sd_per_day
                .as_ref()
                .map_or(0.0, |n| n.value.powi(2) / 24.0),
        }
    }

    /// The population for a forecast `hours` after the newest result: clearance's spread widened by
    /// the random walk over those hours.
    #[must_use]
    pub fn ahead(mut self, hours: f64) -> Self {
        self.extra_cl_variance += self.drift_variance_per_h * hours.max(0.0);
        self
    }

    /// The parameters at (η_CL, η_V).
    #[must_use]
    pub fn at(&self, eta: [f64; 2]) -> Pk {
        Pk {
            cl_l_per_h: self.pk.cl_l_per_h * eta[0].exp(),
            v_l: self.pk.v_l * eta[1].exp(),
        }
    }

    /// The variance of a measured result around a true level `f`.
    #[must_use]
    pub fn variance(&self, f: f64) -> f64 {
        (self.sigma_prop * f).powi(2) + self.sigma_add.powi(2)
    }
}

/// The samples a fit uses: time (hours from the reference), measured anti-Xa (units/mL), and whether the
/// result was below the assay's limit (then the value is the limit: censored, not measured).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observations {
    pub times_h: Vec<f64>,
    pub values: Vec<f64>,
    pub below_limit: Vec<bool>,
    /// Each result's weight in the fit ([`weights`]), set once by [`posterior`]; empty: all 1.
    pub weights: Vec<f64>,
}

impl Observations {
    pub fn push(&mut self, time_h: f64, value: f64, below_limit: bool) {
        self.times_h.push(time_h);
        self.values.push(value);
        self.below_limit.push(below_limit);
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Each result's weight in the fit: 1 for the newest, halving every `forgetting_half_life_h` before it
/// (all 1 without a half-life). A weighted likelihood: older results count less, the posterior widens
/// as they fade, and a patient whose clearance changes is followed by their recent results.
#[must_use]
pub fn weights(pop: &Population, obs: &Observations) -> Vec<f64> {
    let newest = obs.times_h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    obs.times_h
        .iter()
        .map(|t| {
            pop.forgetting_half_life_h
                .map_or(1.0, |half| 0.5_f64.powf((newest - t) / half))
        })
        .collect()
}

/// The observations with their weights, computed once; results whose weight has faded below 1e-4 (more
/// than 13 half-lives old) are left out of the fit — their share of it is below a ten-thousandth — so
/// that a month-long course fits as fast as its last days.
fn weighted(pop: &Population, obs: &Observations) -> Observations {
    let w = weights(pop, obs);
    let mut out = Observations::default();
    for i in (0..obs.len()).filter(|i| w[*i] >= 1e-4) {
        out.push(obs.times_h[i], obs.values[i], obs.below_limit[i]);
        out.weights.push(w[i]);
    }
    out
}

/// −2 log posterior (up to a constant) at η, each result's term times its weight ([`weights`]). A
/// result below the assay's limit L contributes −2 ln P(result < L) = −2 ln Φ((L − f)/sd): the
/// probability of what was seen, not a made-up value.
#[must_use]
pub fn objective(pop: &Population, inputs: &[Input], obs: &Observations, eta: [f64; 2]) -> f64 {
    let f = concentrations(pop.at(eta), inputs, &obs.times_h);
    let data: f64 = f
        .iter()
        .zip(&obs.values)
        .zip(&obs.below_limit)
        .enumerate()
        .map(|(i, ((f, y), below))| {
            let w = obs.weights.get(i).copied().unwrap_or(1.0);
            let var = pop.variance(*f);
            w * if *below {
                let p = 0.5 * (1.0 + libm::erf((y - f) / (var.sqrt() * std::f64::consts::SQRT_2)));
                -2.0 * p.max(1e-300).ln()
            } else {
                (y - f).powi(2) / var + var.ln()
            }
        })
        .sum();
    data + (eta[0] / pop.omega_cl).powi(2) + (eta[1] / pop.omega_v).powi(2)
}

struct Problem<'a> {
    pop: &'a Population,
    inputs: &'a [Input],
    obs: &'a Observations,
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, p: &Self::Param) -> Result<f64, Error> {
        let [cl, v] = p.as_slice() else {
            return Err(Error::msg("the forecast fits exactly two parameters"));
        };
        let value = objective(self.pop, self.inputs, self.obs, [*cl, *v]);
        Ok(if value.is_finite() { value } else { f64::MAX })
    }
}

/// The posterior of (η_CL, η_V) under the Laplace approximation, represented twice: a Gauss–Hermite
/// rule (nodes with weights summing to 1), which integrates smooth things accurately — the distribution
/// of a measured result — and an equal-probability grid, whose quantiles are those of the posterior — the
/// 90% band of the true level, of clearance and volume, the probability of a steady state in range. (The
/// quantiles of the 7 × 7 rule itself fall on its nodes: its 5% point is the node at −1.15 SD, a 75%
/// interval called 90% — found by an independent review.)
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    pub map: [f64; 2],
    pub nodes: Vec<([f64; 2], f64)>,
    /// `GRID_PER_AXIS`² points, each of probability 1 / their number.
    pub grid: Vec<[f64; 2]>,
}

/// Points per axis of the equal-probability grid: each marginal at the (i + ½)/12 quantiles.
pub const GRID_PER_AXIS: usize = 12;

/// The standard normal quantile: Abramowitz & Stegun 26.2.23, polished by Newton steps on the erf-based
/// distribution function (to about 1e-12).
#[must_use]
pub fn standard_normal_quantile(p: f64) -> f64 {
    let q = p.min(1.0 - p).clamp(1e-300, 0.5);
    let t = (-2.0 * q.ln()).sqrt();
    let z = t
        - (2.515_517 + 0.802_853 * t + 0.010_328 * t * t)
            / (1.0 + 1.432_788 * t + 0.189_269 * t * t + 0.001_308 * t * t * t);
    let mut z = if p < 0.5 { -z } else { z };
    for _ in 0..3 {
        let cdf = 0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2));
        let pdf = (-0.5 * z * z).exp() / std::f64::consts::TAU.sqrt();
        if pdf > 0.0 {
            z -= (cdf - p) / pdf;
        }
    }
    z
}

/// Gauss–Hermite (probabilists') nodes and weights for 7 points, for E[g(Z)], Z ~ N(0, 1).
const GH: [(f64, f64); 7] = [
    (-3.750_439_717_725_742, 0.000_548_268_855_972_218),
    (-2.366_759_410_734_541, 0.030_757_123_967_586_5),
    (-1.154_405_394_739_968, 0.240_123_178_605_012_7),
    (0.0, 0.457_142_857_142_857_1),
    (1.154_405_394_739_968, 0.240_123_178_605_012_7),
    (2.366_759_410_734_541, 0.030_757_123_967_586_5),
    (3.750_439_717_725_742, 0.000_548_268_855_972_218),
];

/// The MAP and the posterior; with no samples, the prior itself (η = 0, spreads ω).
///
/// # Errors
/// The optimiser failed (never seen: the objective is finite for positive parameters).
pub fn posterior(pop: &Population, inputs: &[Input], obs: &Observations) -> Result<Posterior, String> {
    let obs = &weighted(pop, obs);
    let (map, mut cov) = if obs.is_empty() {
        ([0.0, 0.0], [[pop.omega_cl.powi(2), 0.0], [0.0, pop.omega_v.powi(2)]])
    } else {
        let map = mode(pop, inputs, obs)?;
        (map, laplace_covariance(pop, inputs, obs, map))
    };
    cov[0][0] += pop.extra_cl_variance;
    // Cholesky of the 2×2 covariance.
    let l11 = cov[0][0].max(1e-12).sqrt();
    let l21 = cov[1][0] / l11;
    let l22 = (cov[1][1] - l21 * l21).max(1e-12).sqrt();
    let at = |z1: f64, z2: f64| [map[0] + l11 * z1, map[1] + l21 * z1 + l22 * z2];
    let mut nodes = Vec::with_capacity(GH.len() * GH.len());
    for (z1, w1) in GH {
        for (z2, w2) in GH {
            nodes.push((at(z1, z2), w1 * w2));
        }
    }
    let z: Vec<f64> = (0..GRID_PER_AXIS)
        .map(|i| standard_normal_quantile((i as f64 + 0.5) / GRID_PER_AXIS as f64))
        .collect();
    let grid = z.iter().flat_map(|z1| z.iter().map(|z2| at(*z1, *z2))).collect();
    Ok(Posterior { map, nodes, grid })
}

fn mode(pop: &Population, inputs: &[Input], obs: &Observations) -> Result<[f64; 2], String> {
    let problem = Problem { pop, inputs, obs };
    let simplex = vec![vec![0.0, 0.0], vec![0.4, 0.0], vec![0.0, 0.4]];
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(1e-10)
        .map_err(|e| e.to_string())?;
    let result = Executor::new(problem, solver)
        .configure(|s| s.max_iters(400))
        .run()
        .map_err(|e| e.to_string())?;
    match result.state().get_best_param().map(Vec::as_slice) {
        Some([cl, v]) => Ok([*cl, *v]),
        _ => Err("the optimiser returned no estimate".to_owned()),
    }
}

/// The inverse of half the objective's Hessian at the MAP (the objective is −2 log posterior).
fn laplace_covariance(pop: &Population, inputs: &[Input], obs: &Observations, at: [f64; 2]) -> [[f64; 2]; 2] {
    let h = 1e-3;
    let f = |a: f64, b: f64| objective(pop, inputs, obs, [at[0] + a, at[1] + b]);
    let f0 = f(0.0, 0.0);
    let d11 = (f(h, 0.0) - 2.0 * f0 + f(-h, 0.0)) / (h * h);
    let d22 = (f(0.0, h) - 2.0 * f0 + f(0.0, -h)) / (h * h);
    let d12 = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4.0 * h * h);
    let (a, b, c) = (d11 / 2.0, d12 / 2.0, d22 / 2.0);
    let det = a * c - b * b;
    if !(det.is_finite() && det > 0.0 && a > 0.0) {
        // Not positive definite (a flat direction): fall back to the prior's spreads.
        return [[pop.omega_cl.powi(2), 0.0], [0.0, pop.omega_v.powi(2)]];
    }
    [[c / det, -b / det], [-b / det, a / det]]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector: 80 kg; bolus 6,400 units + 18 units/kg/h at 0 h; anti-Xa 0.22 at 6 h;
    /// bolus 3,200 units + 21 units/kg/h; anti-Xa 0.27 at 12 h.
    #[test]
    fn the_test_vector_is_reproduced() {
        let prior = ForecastPrior::shipped().unwrap_or_else(|e| panic!("{e}"));
        // The vector is of the equal-weight model (issue 16): no forgetting, no drift.
        let pop = Population {
            forgetting_half_life_h: None,
            drift_variance_per_h: 0.0,
            ..Population::of(&prior, 80.0)
        };
        let inputs = [
            Input::Bolus {
                at_h: 0.0,
                units: 6400.0,
            },
            Input::Rate {
                at_h: 0.0,
                units_per_h: 18.0 * 80.0,
            },
            Input::Bolus {
                at_h: 6.0,
                units: 3200.0,
            },
            Input::Rate {
                at_h: 6.0,
                units_per_h: 21.0 * 80.0,
            },
        ];
        let mut obs = Observations::default();
        obs.push(6.0, 0.22, false);
        obs.push(12.0, 0.27, false);
        let population = concentrations(pop.pk, &inputs, &obs.times_h);
        assert!((population[0] - 0.64).abs() < 0.02 * 0.64, "{population:?}");
        assert!((population[1] - 0.74).abs() < 0.02 * 0.74, "{population:?}");
        let post = posterior(&pop, &inputs, &obs).unwrap_or_else(|e| panic!("{e}"));
        let [eta_cl, eta_v] = post.map;
        assert!((eta_cl - 0.885).abs() < 0.02, "η_CL {eta_cl}");
        assert!((eta_v + 0.01).abs() < 0.02, "η_V {eta_v}");
        let pk = pop.at(post.map);
        assert!((pk.cl_l_per_h - 5.8).abs() < 0.02 * 5.8, "CL {}", pk.cl_l_per_h);
        assert!((pk.v_l - 5.5).abs() < 0.02 * 5.5, "V {}", pk.v_l);
        let individual = concentrations(pk, &inputs, &obs.times_h);
        assert!((individual[0] - 0.249).abs() < 0.02 * 0.249, "{individual:?}");
        assert!((individual[1] - 0.290).abs() < 0.02 * 0.290, "{individual:?}");
        // Steady state for 0.5 units/mL: 0.5 × 1000 × CL ÷ 80 kg.
        let rate = 0.5 * 1000.0 * pk.cl_l_per_h / 80.0;
        assert!((rate - 36.0).abs() < 0.02 * 36.0, "rate {rate}");
        // The posterior rule sums to one and straddles the mode.
        let total: f64 = post.nodes.iter().map(|(_, w)| w).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }

    #[test]
    fn with_no_sample_the_estimate_is_the_population() {
        let prior = ForecastPrior::shipped().unwrap_or_else(|e| panic!("{e}"));
        let pop = Population::of(&prior, 70.0);
        let obs = Observations::default();
        let post = posterior(&pop, &[], &obs).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(post.map, [0.0, 0.0]);
    }
}
