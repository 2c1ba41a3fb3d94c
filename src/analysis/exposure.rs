//! Heparin exposure at the as-of time (clinical reference §2): units in the rolling 24 h, per kg, the
//! mean rate, the running rate and the time since it changed, the cumulative dose. Computed from the
//! timeline's boluses and infusion segments, never typed in.

use super::timeline::Timeline;
use super::types::HeparinExposure;
use crate::model::{ClinicalTime, Hours, Kilograms};

/// Heparin exposure at `as_of` for a patient of `weight`.
#[must_use]
pub fn heparin_exposure(tl: &Timeline, weight: Kilograms, as_of: ClinicalTime) -> HeparinExposure {
    let day_ago = as_of.plus_minutes(-24 * 60);
    let first = tl.first_heparin().filter(|t| *t <= as_of);
    let hours_on = first.map(|f| as_of.elapsed_since(f));
    let cumulative = tl.cumulative_heparin_units(as_of);
    let units_24h = match first {
        Some(f) if f > day_ago => cumulative,
        _ => tl.heparin_units_between(day_ago, as_of),
    };
    let window = hours_on.map_or(Hours::ZERO, |on| on.min(Hours::DAY));
    let running = tl.ufh_rate(as_of);
    HeparinExposure {
        units_last_24h: units_24h,
        units_per_kg_last_24h: units_24h.per_kg(weight),
        mean_units_per_kg_per_h: units_24h.mean_rate(weight, window),
        mean_window_h: window,
        current_rate_units_per_kg_per_h: running.map(|r| r.per_kg(weight)),
        current_rate_units_per_h: running,
        hours_since_last_change: tl.last_ufh_rate_event(as_of).map(|t| as_of.elapsed_since(t)),
        cumulative_units: cumulative,
        cumulative_units_per_kg: cumulative.per_kg(weight),
        hours_on_heparin: hours_on,
    }
}
