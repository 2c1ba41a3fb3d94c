//! What an import would add, before it adds anything (issue 29: Ctrl+V imported pasted rows at once, with
//! no preview). Each row read from a CSV — and, with the lab import, from HL7 or FHIR — is new, a
//! duplicate of an event the case has (the same test, time and value: skipped), conflicting (the same
//! test at the same minute with another value: not added, to be settled by hand), or refused (before
//! the case start). Only the new rows are added, and only when the user says so. One component for every
//! import: the window shows it, the lab import reuses it.

use crate::model::{Case, ClinicalTime, Event};

/// What an imported row is to the case.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    New,
    /// The case has this event already (same series, minute and value): skipped.
    Duplicate,
    /// The case (or an earlier row of the import) has another value of this series at this minute: not
    /// added; `existing` says which.
    Conflicting {
        existing: String,
    },
    /// Not addable: why.
    Refused(String),
    /// A corrected result (issue 32): replaces the case's earlier event from the same source
    /// (`replaces`), or is added as new when there is none (`None`); `was` says what it corrects.
    Amended {
        replaces: Option<crate::model::EventId>,
        was: String,
    },
    /// Cancelled by the laboratory (issue 32): the case's earlier imported event is deleted.
    Cancels {
        target: crate::model::EventId,
        was: String,
    },
    /// Listed and not added: why (pending, cancelled with nothing to remove, superseded in the file).
    Skipped(String),
}

impl Verdict {
    /// The word the preview shows in its first column.
    #[must_use]
    pub fn word(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Duplicate => "duplicate (skipped)",
            Self::Conflicting { .. } => "conflicting (not added)",
            Self::Refused(_) => "refused",
            Self::Amended { .. } => "amended (corrected by the laboratory)",
            Self::Cancels { .. } => "cancelled by the laboratory",
            Self::Skipped(_) => "listed, skipped",
        }
    }

    /// Why, in words, where there is more to say than the word.
    #[must_use]
    pub fn why(&self) -> Option<String> {
        match self {
            Self::Conflicting { existing } => Some(format!("the case has {existing}")),
            Self::Refused(why) | Self::Skipped(why) => Some(why.clone()),
            Self::Amended { was, .. } => Some(format!("was {was}")),
            Self::Cancels { was, .. } => Some(format!("removes {was}")),
            Self::New | Self::Duplicate => None,
        }
    }
}

/// One row of the import and what it is to the case.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewRow {
    /// The event it would add; `None` for a row that makes none (an unknown code, a cancellation).
    pub event: Option<Event>,
    /// The row's time when it has one.
    pub time: Option<ClinicalTime>,
    /// How the row is named: the event in words, or what the file said.
    pub label: String,
    pub verdict: Verdict,
}

/// An import, classified against the case; nothing is added until [`ImportPreview::new_events`] is.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPreview {
    /// Where the rows came from: a file name, "the pasted rows".
    pub source: String,
    pub rows: Vec<PreviewRow>,
}

/// How many rows of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub new: usize,
    pub duplicate: usize,
    pub conflicting: usize,
    pub refused: usize,
    pub amended: usize,
    pub cancelled: usize,
    pub skipped: usize,
}

impl ImportPreview {
    /// Classifies the imported events against the case (in time order; the case's events are sorted).
    #[must_use]
    pub fn of(case: &Case, source: String, mut events: Vec<Event>) -> Self {
        events.sort_by_key(|e| e.time);
        let verdicts = verdicts_in_order(case, &events);
        let rows = events
            .into_iter()
            .zip(verdicts)
            .map(|(event, verdict)| PreviewRow {
                time: Some(event.time),
                label: event.kind.describe(),
                event: Some(event),
                verdict,
            })
            .collect();
        Self { source, rows }
    }

    #[must_use]
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.rows {
            match r.verdict {
                Verdict::New => c.new += 1,
                Verdict::Duplicate => c.duplicate += 1,
                Verdict::Conflicting { .. } => c.conflicting += 1,
                Verdict::Refused(_) => c.refused += 1,
                Verdict::Amended { .. } => c.amended += 1,
                Verdict::Cancels { .. } => c.cancelled += 1,
                Verdict::Skipped(_) => c.skipped += 1,
            }
        }
        c
    }

    /// The rows to add: the new ones, and the corrections with no earlier event to replace.
    #[must_use]
    pub fn new_events(&self) -> Vec<Event> {
        self.rows
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::New | Verdict::Amended { replaces: None, .. }))
            .filter_map(|r| r.event.clone())
            .collect()
    }

    /// The corrections of earlier events: (the event replaced, the corrected one, what it was).
    #[must_use]
    pub fn replacements(&self) -> Vec<(crate::model::EventId, Event, String)> {
        self.rows
            .iter()
            .filter_map(|r| match (&r.verdict, &r.event) {
                (
                    Verdict::Amended {
                        replaces: Some(id),
                        was,
                    },
                    Some(e),
                ) => Some((*id, e.clone(), was.clone())),
                _ => None,
            })
            .collect()
    }

    /// The earlier events the laboratory cancelled.
    #[must_use]
    pub fn cancellations(&self) -> Vec<(crate::model::EventId, String)> {
        self.rows
            .iter()
            .filter_map(|r| match &r.verdict {
                Verdict::Cancels { target, was } => Some((*target, was.clone())),
                _ => None,
            })
            .collect()
    }
}

/// The verdicts of `events` against the case, in the order given (an earlier row of the import counts as
/// the case at its minute).
#[must_use]
pub fn verdicts_in_order(case: &Case, events: &[Event]) -> Vec<Verdict> {
    let mut taken: Vec<&Event> = Vec::new();
    events
        .iter()
        .map(|event| {
            let v = verdict(case, &taken, event);
            if v == Verdict::New {
                taken.push(event);
            }
            v
        })
        .collect()
}

/// The events of `case` at `time` (sorted: a binary search, then the minute's few).
fn at_minute(case: &Case, time: ClinicalTime) -> &[Event] {
    let from = case.events.partition_point(|e| e.time < time);
    let to = case.events.partition_point(|e| e.time <= time);
    &case.events[from..to]
}

fn verdict(case: &Case, taken: &[&Event], event: &Event) -> Verdict {
    if event.time < case.case_start {
        return Verdict::Refused(format!("before the case start {}", case.case_start));
    }
    let series = event.kind.series();
    let same = at_minute(case, event.time)
        .iter()
        .chain(taken.iter().copied().filter(|e| e.time == event.time))
        .find(|e| e.kind.series() == series);
    match same {
        Some(e) if e.kind == event.kind => Verdict::Duplicate,
        Some(e) => Verdict::Conflicting {
            existing: format!("{} {}", e.time, e.kind.describe()),
        },
        None => Verdict::New,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests_support::{aptt, case_with, h, xa};

    #[test]
    fn new_duplicate_conflicting_and_refused_rows_are_told_apart() {
        let case = case_with(vec![(1, aptt(60.0)), (1, xa(0.3))]);
        let before = Event::new(case.case_start.plus_minutes(-60), aptt(50.0));
        let rows = vec![
            Event::new(h(1), aptt(60.0)),
            Event::new(h(1), xa(0.4)),
            Event::new(h(2), aptt(70.0)),
            Event::new(h(2), aptt(72.0)),
            before,
        ];
        let p = ImportPreview::of(&case, "pasted".to_owned(), rows);
        assert_eq!(
            p.counts(),
            Counts {
                new: 1,
                duplicate: 1,
                conflicting: 2,
                refused: 1,
                ..Counts::default()
            }
        );
        let new = p.new_events();
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].time, h(2));
        assert!(
            p.rows
                .iter()
                .any(|r| matches!(&r.verdict, Verdict::Conflicting { existing } if existing.contains("anti-Xa 0.3")))
        );
    }
}
