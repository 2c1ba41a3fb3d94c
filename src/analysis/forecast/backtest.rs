//! The back-test on the patient's own history (issue 16): at each anti-Xa, the forecast made from the
//! history before it against what was measured, and the baseline a clinician uses without a model —
//! the last value scaled by the rate change (the last value itself when the rate did not change; not
//! computed across a stop). A forecast that does not beat the baseline on this patient is not relied on.

use serde::Serialize;

use super::data::{band_of, inputs, levels_at, samples_for_fit};
use super::fit::{Population, posterior};
use crate::analysis::timeline::{InfusionRate, Timeline};
use crate::model::{Case, ClinicalTime, EventKind};
use crate::protocol::Protocol;

/// One back-test pair: an anti-Xa of the case and what was forecast for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestPair {
    pub time: ClinicalTime,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub measured: f64,
    /// The forecast's median of the true level, and its 90% interval for a measured result.
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub forecast: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub obs_p05: f64,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub obs_p95: f64,
    /// The measured result fell in the forecast's 90% interval.
    pub within: bool,
    /// The last value scaled by the rate change; `None` across a stop, with no earlier anti-Xa, or
    /// when no heparin ran at either sample.
    pub baseline: Option<f64>,
}

impl BacktestPair {
    #[must_use]
    pub fn error(&self) -> f64 {
        (self.forecast - self.measured).abs()
    }

    #[must_use]
    pub fn baseline_error(&self) -> Option<f64> {
        self.baseline.map(|b| (b - self.measured).abs())
    }
}

/// The back-test's summary, as the JSON contract writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    pub n: usize,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub median_abs_error: f64,
    /// `null` when no baseline pair exists (a stop between, or no rate).
    #[serde(serialize_with = "crate::model::rounded::option_f64_2")]
    pub baseline_median_abs_error: Option<f64>,
    #[serde(serialize_with = "crate::model::rounded::f64_2")]
    pub coverage_90: f64,
    /// The comparison is made on the pairs that have a baseline, like with like: how many, and the
    /// forecast's median error on them.
    pub compared_n: usize,
    #[serde(serialize_with = "crate::model::rounded::option_f64_2")]
    pub compared_median_abs_error: Option<f64>,
    pub beats_last_value: bool,
}

/// Pairs needed before the forecast is judged against the baseline.
pub const PAIRS_TO_JUDGE: usize = 3;

impl Backtest {
    /// The summary of `pairs` (none without a pair).
    #[must_use]
    pub fn of(pairs: &[BacktestPair]) -> Option<Self> {
        if pairs.is_empty() {
            return None;
        }
        let n = pairs.len();
        let mae = median(pairs.iter().map(BacktestPair::error).collect());
        let compared: Vec<(f64, f64)> = pairs
            .iter()
            .filter_map(|p| p.baseline_error().map(|b| (p.error(), b)))
            .collect();
        let (model, base) = if compared.is_empty() {
            (None, None)
        } else {
            (
                Some(median(compared.iter().map(|c| c.0).collect())),
                Some(median(compared.iter().map(|c| c.1).collect())),
            )
        };
        Some(Self {
            n,
            median_abs_error: mae,
            baseline_median_abs_error: base,
            coverage_90: pairs.iter().filter(|p| p.within).count() as f64 / n as f64,
            compared_n: compared.len(),
            compared_median_abs_error: model,
            beats_last_value: compared.len() >= PAIRS_TO_JUDGE && model.zip(base).is_some_and(|(m, b)| m < b),
        })
    }

    /// Why the forecast is not to be relied on for this patient: on enough compared pairs its median
    /// error is not below the baseline's. `None` while it holds or cannot yet be judged.
    #[must_use]
    pub fn discredited(&self) -> Option<String> {
        let (model, base) = self.compared_median_abs_error.zip(self.baseline_median_abs_error)?;
        (self.compared_n >= PAIRS_TO_JUDGE && model >= base).then(|| {
            format!(
                "on this patient's {} earlier anti-Xa results the forecast erred by {:.2} units/mL (median), \
                 no better than the last value scaled by the rate change ({base:.2})",
                self.compared_n, model
            )
        })
    }

    /// The verdict in words: relied on, not relied on (why), or not yet judged (why).
    #[must_use]
    pub fn verdict(&self) -> String {
        if let Some(why) = self.discredited() {
            format!("does not beat the last value: do not rely on it — {why}")
        } else if self.beats_last_value {
            "beats the last value on this patient".to_owned()
        } else if self.compared_n == 0 {
            "not judged: no pair to compare with the last value (a stop between, or no rate)".to_owned()
        } else {
            format!(
                "not judged yet: {} pair(s) compared with the last value, {PAIRS_TO_JUDGE} needed",
                self.compared_n
            )
        }
    }
}

/// The median (the upper middle of an even count); NaN for none.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// At each anti-Xa drawn at or before `until` that has an earlier one, the forecast from the history
/// before it (a refit per pair: the cost is pairs × fit, so the window computes it once per edit, off
/// the frame path).
#[must_use]
pub fn backtest_pairs(
    case: &Case,
    tl: &Timeline,
    protocol: &Protocol,
    pop: &Population,
    until: ClinicalTime,
) -> Vec<BacktestPair> {
    pairs_of(case, tl, protocol, pop, until, usize::MAX)
}

/// The newest `n` back-test pairs up to `until` (n refits): what the misfit check reads at every
/// forecast (issue 30).
#[must_use]
pub fn recent_backtest_pairs(
    case: &Case,
    tl: &Timeline,
    protocol: &Protocol,
    pop: &Population,
    until: ClinicalTime,
    n: usize,
) -> Vec<BacktestPair> {
    pairs_of(case, tl, protocol, pop, until, n)
}

fn pairs_of(
    case: &Case,
    tl: &Timeline,
    protocol: &Protocol,
    pop: &Population,
    until: ClinicalTime,
    newest: usize,
) -> Vec<BacktestPair> {
    // (time, value, below the assay's limit): a censored result is in every later fit, but it is no
    // target to score (its error is unknown) and no last value to carry forward.
    let xa: Vec<(ClinicalTime, f64, bool)> = case
        .events
        .iter()
        .filter(|e| e.time <= until)
        .filter_map(|e| match e.kind {
            EventKind::AntiXa(x) => Some((e.time, x.value(), false)),
            EventKind::AntiXaBelow(limit) => Some((e.time, limit.value(), true)),
            _ => None,
        })
        .collect();
    // The rate a sample saw: the one running just before its minute (a change at that minute comes after).
    let rate_before = |t: ClinicalTime| match tl.running(t.plus_minutes(-1)).map(|s| s.rate) {
        Some(InfusionRate::Ufh(r)) => Some(r.value()),
        _ => None,
    };
    let scored: Vec<usize> = (1..xa.len()).filter(|k| !xa[*k].2).collect();
    let mut pairs = Vec::new();
    for &k in &scored[scored.len().saturating_sub(newest)..] {
        let (t, y, _) = xa[k];
        let before = t.plus_minutes(-1);
        let obs = samples_for_fit(case, tl, protocol, before, &mut Vec::new());
        let known = inputs(case, tl, before, None, None);
        let newest = obs.times_h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let ahead = if newest.is_finite() {
            t.hours_since(case.case_start) - newest
        } else {
            0.0
        };
        let Ok(post) = posterior(&pop.ahead(ahead), &known, &obs) else {
            continue;
        };
        let all_inputs = inputs(case, tl, t, None, None);
        let levels = levels_at(pop, &post, &all_inputs, &[t.hours_since(case.case_start)]);
        let Some(l) = levels.first() else { continue };
        let band = band_of(pop, l);
        let (forecast, lo, hi) = (band.median, band.obs_p05, band.obs_p95);
        let (t0, y0, last_censored) = xa[k - 1];
        let baseline = match (rate_before(t0), rate_before(t)) {
            (Some(r0), Some(r1)) if r0 > 0.0 && !last_censored && !stopped_between(tl, t0, t) => Some(y0 * r1 / r0),
            _ => None,
        };
        pairs.push(BacktestPair {
            time: t,
            measured: y,
            forecast,
            obs_p05: lo,
            obs_p95: hi,
            within: (lo..=hi).contains(&y),
            baseline,
        });
    }
    pairs
}

/// Whether heparin stopped at some time between two samples (a rate of 0, or an end with no heparin
/// running after it): the last value says nothing across a stop.
fn stopped_between(tl: &Timeline, from: ClinicalTime, to: ClinicalTime) -> bool {
    let ufh_at =
        |t: ClinicalTime| matches!(tl.running(t).map(|s| s.rate), Some(InfusionRate::Ufh(r)) if r.value() > 0.0);
    tl.segments().iter().any(|s| {
        let stop_at = |t: ClinicalTime| t > from && t < to && !ufh_at(t);
        stop_at(s.start) || s.end.is_some_and(stop_at)
    })
}
