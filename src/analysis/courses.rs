//! Heparin courses (clinical reference §3 rev 2): heparin with no gap longer than the protocol's limit
//! (24 h) is one course; R1 and the exposure per course count from its start. Indexed once per case so
//! that the course at any time is a binary search, not a walk over every dose (a 90-day replay asks
//! thousands of times).

use super::timeline::Timeline;
use crate::model::{ClinicalTime, Hours};

/// The course boundaries of one case for one gap.
#[derive(Debug, Clone, PartialEq)]
pub struct HeparinCourses {
    gap: Hours,
    /// Heparin periods in start order: (start, end; `None` while an infusion runs).
    periods: Vec<(ClinicalTime, Option<ClinicalTime>)>,
    /// For each period, the start of the course it belongs to (counting only the periods up to it).
    course_start: Vec<ClinicalTime>,
    /// For each period, the latest end among it and every earlier one (`None`: one is still open).
    latest_end: Vec<Option<ClinicalTime>>,
}

impl HeparinCourses {
    /// Indexes the timeline's heparin periods; a gap longer than `gap` starts a new course. A boundary
    /// never depends on the time asked: a period that starts before the as-of time and ends after it
    /// overlaps everything that starts up to then.
    #[must_use]
    pub fn new(tl: &Timeline, gap: Hours) -> Self {
        let periods = tl.heparin_periods();
        let mut course_start = Vec::with_capacity(periods.len());
        let mut latest_end: Vec<Option<ClinicalTime>> = Vec::with_capacity(periods.len());
        for (i, &(start, end)) in periods.iter().enumerate() {
            let before = i.checked_sub(1).map(|j| (course_start[j], latest_end[j]));
            let (first, latest) = match before {
                // Still open, or ended within the gap: the same course.
                Some((first, None)) => (first, None),
                Some((first, Some(e))) if start.hours_since(e) <= gap.value() => (first, end.map(|x| x.max(e))),
                _ => (start, end),
            };
            course_start.push(first);
            latest_end.push(latest);
        }
        Self {
            gap,
            periods,
            course_start,
            latest_end,
        }
    }

    /// The gap this index was built for.
    #[must_use]
    pub fn gap(&self) -> Hours {
        self.gap
    }

    /// The start of the current course at `t`: `None` without heparin by `t`, or when the last heparin
    /// ended more than the gap before `t`.
    #[must_use]
    pub fn start_at(&self, t: ClinicalTime) -> Option<ClinicalTime> {
        let last = self.periods.partition_point(|p| p.0 <= t).checked_sub(1)?;
        let ended = self.latest_end[last].map_or(t, |e| e.min(t));
        (t.hours_since(ended) <= self.gap.value()).then_some(self.course_start[last])
    }
}
