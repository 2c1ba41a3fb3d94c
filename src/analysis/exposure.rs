//! Heparin exposure at the as-of time (clinical reference §2): units in the rolling 24 h, per kg of the
//! heparin dosing weight, the mean rate over a full 24 h (rev 2: never over a shorter time on heparin,
//! where a loading bolus would look like resistance), the running rate and the time since it changed,
//! the cumulative dose and the current course. Computed from boluses and infusion segments, never typed.

use super::courses::HeparinCourses;
use super::timeline::Timeline;
use super::types::HeparinExposure;
use crate::model::{ClinicalTime, Hours, Kilograms};

/// Heparin exposure at `as_of` on the heparin dosing weight, with the current course from `courses`.
#[must_use]
pub fn heparin_exposure(
    tl: &Timeline,
    courses: &HeparinCourses,
    dosing_weight: Kilograms,
    as_of: ClinicalTime,
) -> HeparinExposure {
    let day_ago = as_of.plus_minutes(-24 * 60);
    let first = tl.first_heparin().filter(|t| *t <= as_of);
    let cumulative = tl.cumulative_heparin_units(as_of);
    let units_24h = match first {
        Some(f) if f > day_ago => cumulative,
        _ => tl.heparin_units_between(day_ago, as_of),
    };
    let running = tl.ufh_rate(as_of);
    let course_start = courses.start_at(as_of);
    HeparinExposure {
        units_last_24h: units_24h,
        units_per_kg_last_24h: units_24h.per_kg(dosing_weight),
        mean_units_per_kg_per_h: units_24h.mean_rate(dosing_weight, Hours::DAY),
        mean_window_h: Hours::DAY,
        current_rate_units_per_kg_per_h: running.map(|r| r.per_kg(dosing_weight)),
        current_rate_units_per_h: running,
        hours_since_last_change: tl.last_ufh_rate_event(as_of).map(|t| as_of.elapsed_since(t)),
        cumulative_units: cumulative,
        cumulative_units_per_kg: cumulative.per_kg(dosing_weight),
        hours_on_heparin: first.map(|f| as_of.elapsed_since(f)),
        course_start,
        hours_in_course: course_start.map(|c| as_of.elapsed_since(c)),
    }
}
