//! Due and overdue against the clock (issue 13). The analysis dates its monitoring plan from the as-of
//! time (the last event, or the replay time) and never reads the clock; this module compares that plan
//! with "now", a parameter. decisions.md: only when the case's last event is less than 48 h old (an old
//! teaching case is not overdue), and only at the last event (a replay keeps its own time).

use super::types::{Due, MonitoringItem, Text};
use crate::model::ClinicalTime;

/// The clock is compared with the plan only while the last event is younger than this (decisions.md).
pub const CLOCK_APPLIES_WITHIN_H: i64 = 48;

/// When one item of the plan is due, against the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockDue {
    /// Due at `since`, `minutes` ago.
    Overdue { since: ClinicalTime, minutes: i64 },
    /// Due at `at`, in `minutes`.
    DueIn { at: ClinicalTime, minutes: i64 },
    /// After a dose not yet given: no time to compare.
    AfterDose,
}

/// One item of the plan with its time against the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockedItem {
    pub test: Text,
    pub reason: Text,
    pub due: ClockDue,
}

impl ClockedItem {
    /// "OVERDUE by 2 h 10 min: aPTT (due 2019-01-12T06:00; recheck 6 h after the change)".
    #[must_use]
    pub fn describe(&self) -> String {
        match self.due {
            ClockDue::Overdue { since, minutes } => format!(
                "OVERDUE by {}: {} (due {since}; {})",
                hours_minutes(minutes),
                self.test,
                self.reason
            ),
            ClockDue::DueIn { minutes: 0, .. } => format!("due now: {} ({})", self.test, self.reason),
            ClockDue::DueIn { at, minutes } => {
                format!(
                    "due in {}: {} (at {at}; {})",
                    hours_minutes(minutes),
                    self.test,
                    self.reason
                )
            }
            ClockDue::AfterDose => format!("after the dose: {} ({})", self.test, self.reason),
        }
    }
}

/// Whether the plan is compared with the clock, and if not, why not.
#[derive(Debug, Clone, PartialEq)]
pub enum AgainstClock {
    /// Overdue items first (the longest overdue first), then what is due next.
    Applies(Vec<ClockedItem>),
    /// The replay is at an earlier time: its plan is dated from that time.
    Replaying,
    /// The last event is this many hours old (≥ 48 h): an old case is not overdue.
    CaseTooOld { hours: i64 },
    /// No event yet, or the clock is before the last event.
    NoClock,
}

/// The plan `items` (dated from `as_of`) against `now`.
#[must_use]
pub fn against_clock(
    items: &[MonitoringItem],
    as_of: ClinicalTime,
    last_event: Option<ClinicalTime>,
    now: ClinicalTime,
) -> AgainstClock {
    let Some(last) = last_event else {
        return AgainstClock::NoClock;
    };
    if as_of < last {
        return AgainstClock::Replaying;
    }
    let age_min = now.minutes_since(last);
    if age_min < 0 {
        return AgainstClock::NoClock;
    }
    if age_min >= CLOCK_APPLIES_WITHIN_H * 60 {
        return AgainstClock::CaseTooOld { hours: age_min / 60 };
    }
    let mut out: Vec<ClockedItem> = items
        .iter()
        .map(|m| {
            let due_at = match m.due {
                Due::Now => Some(as_of),
                Due::At(t) => Some(t),
                Due::AfterDose => None,
            };
            let due = match due_at {
                None => ClockDue::AfterDose,
                // Overdue once a minute has passed: "due now" is not late (the review: "OVERDUE by 0 min" the
                // moment a patient was created).
                Some(t) if t < now => ClockDue::Overdue {
                    since: t,
                    minutes: now.minutes_since(t),
                },
                Some(t) => ClockDue::DueIn {
                    at: t,
                    minutes: t.minutes_since(now),
                },
            };
            ClockedItem {
                test: m.test.clone(),
                reason: m.reason.clone(),
                due,
            }
        })
        .collect();
    out.sort_by_key(|c| match c.due {
        ClockDue::Overdue { minutes, .. } => (0, -minutes),
        ClockDue::DueIn { minutes, .. } => (1, minutes),
        ClockDue::AfterDose => (2, 0),
    });
    AgainstClock::Applies(out)
}

/// "2 h 10 min", "45 min", "3 h".
#[must_use]
pub fn hours_minutes(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(test: &'static str, due: Due) -> MonitoringItem {
        MonitoringItem {
            test: test.into(),
            due,
            reason: "why".into(),
        }
    }

    const LAST: ClinicalTime = ClinicalTime::constant(2026, 11, 30, 6, 0);

    #[test]
    fn what_the_plan_asked_for_before_now_is_overdue_and_the_rest_is_due_next() {
        let plan = [
            item("platelets", Due::At(LAST.plus_minutes(18 * 60))),
            item("aPTT", Due::At(LAST.plus_minutes(6 * 60))),
            item("anti-Xa", Due::Now),
            item("antithrombin", Due::AfterDose),
        ];
        let now = LAST.plus_minutes(8 * 60 + 10);
        let AgainstClock::Applies(items) = against_clock(&plan, LAST, Some(LAST), now) else {
            panic!("the last event is 8 h old: the clock applies");
        };
        let shown: Vec<String> = items.iter().map(ClockedItem::describe).collect();
        assert!(shown[0].starts_with("OVERDUE by 8 h 10 min: anti-Xa"), "{shown:?}");
        assert!(shown[1].starts_with("OVERDUE by 2 h 10 min: aPTT"), "{shown:?}");
        assert!(shown[2].starts_with("due in 9 h 50 min: platelets"), "{shown:?}");
        assert!(shown[3].starts_with("after the dose: antithrombin"), "{shown:?}");
    }

    /// The review: "OVERDUE by 0 min" the moment a patient was created. Due at this minute is due now.
    #[test]
    fn due_this_minute_is_due_now_not_overdue() {
        let plan = [item("anti-Xa", Due::Now)];
        let AgainstClock::Applies(items) = against_clock(&plan, LAST, Some(LAST), LAST) else {
            panic!("the clock applies");
        };
        assert_eq!(items[0].describe(), "due now: anti-Xa (why)");
    }

    #[test]
    fn an_old_case_and_a_replay_are_not_compared_with_the_clock() {
        let plan = [item("aPTT", Due::At(LAST.plus_minutes(6 * 60)))];
        let two_days = LAST.plus_minutes(48 * 60);
        assert_eq!(
            against_clock(&plan, LAST, Some(LAST), two_days),
            AgainstClock::CaseTooOld { hours: 48 }
        );
        let earlier = LAST.plus_minutes(-60);
        assert_eq!(
            against_clock(&plan, earlier, Some(LAST), LAST.plus_minutes(60)),
            AgainstClock::Replaying
        );
        assert_eq!(against_clock(&plan, LAST, None, LAST), AgainstClock::NoClock);
        assert!(matches!(
            against_clock(&plan, LAST, Some(LAST), LAST.plus_minutes(47 * 60 + 59)),
            AgainstClock::Applies(_)
        ));
    }
}
