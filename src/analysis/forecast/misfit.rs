//! Misfit detection (issue 30): when the forecast's recent errors on this patient all lean one way and
//! are large, the model is not following the patient — a clearance that changes faster than the fit
//! forgets, or a response the model does not describe. Then no rate to target is offered and the
//! window greys the forecast.
//!
//! The rule, on the newest back-test pairs (each forecast made from the history before its result):
//! the standardised residual z = (measured − forecast) ÷ sd, sd = the width of the 90% interval of a
//! measured result ÷ 3.29 (its z-width); the model is not following when the last 2 residuals share a
//! sign and each |z| > 1.645 (both results outside their 90% interval on the same side), or the last 3
//! share a sign and each |z| ≥ 1. On a well-described patient the first happens about 1 time in 400
//! (0.05²) and the second about 1 in 32 (2 × 0.16³) — the calibration study counts both.

use super::backtest::BacktestPair;
use crate::model::num;

/// Pairs the rule reads.
pub const MISFIT_PAIRS: usize = 3;

/// A pair's standardised residual.
fn z(p: &BacktestPair) -> f64 {
    let sd = (p.obs_p95 - p.obs_p05) / (2.0 * 1.645);
    if sd > 0.0 { (p.measured - p.forecast) / sd } else { 0.0 }
}

/// Why the model is not following this patient (the rule above), from the newest pairs (oldest
/// first); `None` when it is, or too few pairs to say.
#[must_use]
pub fn misfit(pairs: &[BacktestPair]) -> Option<String> {
    let zs: Vec<f64> = pairs.iter().map(z).collect();
    let same_sign = |z: &[f64]| z.iter().all(|v| *v > 0.0) || z.iter().all(|v| *v < 0.0);
    let last = |n: usize| (zs.len() >= n).then(|| &zs[zs.len() - n..]);
    let hit = last(2)
        .filter(|z| same_sign(z) && z.iter().all(|v| v.abs() > 1.645))
        .map(|_| 2)
        .or_else(|| {
            last(3)
                .filter(|z| same_sign(z) && z.iter().all(|v| v.abs() >= 1.0))
                .map(|_| 3)
        })?;
    let recent = &pairs[pairs.len() - hit..];
    let above = recent[0].measured > recent[0].forecast;
    let results: Vec<String> = recent
        .iter()
        .map(|p| format!("{} measured, {} forecast", num(p.measured, 2), num(p.forecast, 2)))
        .collect();
    Some(format!(
        "the model is not following this patient: its last {hit} forecasts were all {} the measured result ({})",
        if above { "below" } else { "above" },
        results.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ClinicalTime;

    fn pair(measured: f64, forecast: f64) -> BacktestPair {
        BacktestPair {
            time: ClinicalTime::constant(2026, 1, 1, 0, 0),
            measured,
            forecast,
            obs_p05: forecast - 0.1645,
            obs_p95: forecast + 0.1645,
            within: (measured - forecast).abs() <= 0.1645,
            baseline: None,
        }
    }

    #[test]
    fn two_far_misses_on_one_side_or_three_moderate_ones_flag_a_misfit() {
        // sd 0.1: z = 2.0 twice → flagged.
        assert!(misfit(&[pair(0.50, 0.50), pair(0.70, 0.50), pair(0.80, 0.60)]).is_some());
        // Opposite sides → not.
        assert!(misfit(&[pair(0.50, 0.50), pair(0.70, 0.50), pair(0.40, 0.60)]).is_none());
        // Three at z ≈ 1.2 below → flagged, with the words.
        let why = misfit(&[pair(0.38, 0.50), pair(0.38, 0.50), pair(0.38, 0.50)]).unwrap_or_default();
        assert!(why.contains("all above the measured result"), "{why}");
        // Two at z 1.2 → not (too few, not far enough).
        assert!(misfit(&[pair(0.62, 0.50), pair(0.62, 0.50)]).is_none());
        // One pair → never.
        assert!(misfit(&[pair(2.0, 0.5)]).is_none());
    }
}
