//! A row of the unit board (issue 31): a case's summary against the clock — the next lab due or
//! OVERDUE, the age of the last levels — its urgency, and who holds the file now. Rows sort by urgency:
//! a file that cannot be read (its patient cannot be seen), advice paused, danger, overdue, caution, due
//! within 2 h, stable.

use serde::Serialize;

use super::summary::{CaseSummary, LastLevel};
use crate::analysis::clock::{AgainstClock, ClockDue, ClockedItem, against_clock};
use crate::analysis::danger::DangerLevel;
use crate::model::{ClinicalTime, num};

/// Due within this many minutes counts as "due soon".
pub const DUE_SOON_MIN: i64 = 120;

/// How urgent a row is; the order is the board's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// The file could not be read: its patient is not on the board.
    Error,
    AdvicePaused,
    Danger,
    Overdue,
    /// A patient's case (not a teaching case) with an anticoagulant running and no entry for 48 h or
    /// more: the plan is not compared with the clock (decisions.md), and that itself needs a look.
    NoRecentEntry,
    Caution,
    /// The advice changes the therapy (a hold, a bolus, a new rate, a switch, antithrombin, a measure):
    /// someone has to act on it.
    ActionAdvised,
    DueSoon,
    Stable,
}

impl Urgency {
    /// The word beside the icon.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Error => "FILE ERROR",
            Self::AdvicePaused => "ADVICE PAUSED",
            Self::Danger => "DANGER",
            Self::Overdue => "OVERDUE",
            Self::NoRecentEntry => "NO ENTRY FOR 48 H",
            Self::Caution => "CAUTION",
            Self::ActionAdvised => "ACTION ADVISED",
            Self::DueSoon => "DUE SOON",
            Self::Stable => "stable",
        }
    }
}

/// The next lab against the clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextLab {
    pub test: String,
    pub due: Option<ClinicalTime>,
    pub overdue: bool,
    /// Minutes late (overdue) or to go.
    pub minutes: i64,
    /// "OVERDUE by 2 h 10 min: anti-Xa (due …; …)".
    pub text: String,
    /// The other tests overdue too ("aPTT (4 h)"): one row never hides a second overdue draw.
    pub also_overdue: Vec<String>,
}

/// A danger line of a row (decisions.md: `danger[].kind`, `danger[].level`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowDanger {
    pub kind: &'static str,
    pub level: &'static str,
    pub text: String,
}

/// A last level with its age.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    pub time: ClinicalTime,
    /// "0.25", "<0.1", "62".
    pub value: String,
    pub unit: &'static str,
    /// Hours before the board's clock (one decimal).
    #[serde(serialize_with = "crate::model::rounded::f64_1")]
    pub age_h: f64,
}

/// One row, as the JSON writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardRow {
    /// The case file's name in the folder.
    pub file: String,
    /// The advice says to call the senior clinician.
    pub call_senior: bool,
    pub urgency: Urgency,
    pub bed: Option<String>,
    pub patient: String,
    pub mrn: Option<String>,
    pub teaching: bool,
    pub setting: Option<&'static str>,
    pub as_of: Option<ClinicalTime>,
    pub running: Option<String>,
    pub last_anti_xa: Option<Level>,
    pub last_aptt: Option<Level>,
    pub advice: Option<String>,
    pub next_lab: Option<NextLab>,
    /// Why the plan is not compared with the clock (the last event is 48 h old or more), if it is not.
    pub clock_note: Option<String>,
    pub hit_status: Option<&'static str>,
    pub danger: Vec<RowDanger>,
    pub advice_paused: Option<crate::analysis::AdvicePaused>,
    /// Who holds the file open now ("RN Kim on icu-ws-04 since …"), from its lock.
    pub held_by: Option<String>,
    pub last_edit: Option<(String, ClinicalTime)>,
    pub file_notes: Vec<String>,
    /// Why the file could not be read (the row has nothing else then).
    pub error: Option<String>,
}

impl Level {
    /// "3 h ago" (one decimal below 10 h), "4 d ago" from 48 h.
    #[must_use]
    pub fn age_words(&self) -> String {
        if self.age_h >= 48.0 {
            format!("{} d ago", num(self.age_h / 24.0, 0))
        } else if self.age_h >= 10.0 {
            format!("{} h ago", num(self.age_h, 0))
        } else {
            format!("{} h ago", num(self.age_h, 1))
        }
    }
}

fn level(l: Option<LastLevel>, unit: &'static str, decimals: usize, now: ClinicalTime) -> Option<Level> {
    l.map(|l| Level {
        time: l.time,
        value: if l.below_limit {
            format!("<{}", num(l.value, decimals))
        } else {
            num(l.value, decimals).to_string()
        },
        unit,
        age_h: now.hours_since(l.time),
    })
}

fn next_lab(items: &[ClockedItem]) -> Option<NextLab> {
    let first = items.iter().find(|c| !matches!(c.due, ClockDue::AfterDose))?;
    let (due, overdue, minutes) = match first.due {
        ClockDue::Overdue { since, minutes } => (Some(since), true, minutes),
        ClockDue::DueIn { at, minutes } => (Some(at), false, minutes),
        ClockDue::AfterDose => (None, false, 0),
    };
    let also_overdue = items
        .iter()
        .skip_while(|c| !std::ptr::eq(*c, first))
        .skip(1)
        .filter_map(|c| match c.due {
            ClockDue::Overdue { minutes, .. } => Some(format!(
                "{} ({})",
                c.test,
                crate::analysis::clock::hours_minutes(minutes)
            )),
            _ => None,
        })
        .collect();
    Some(NextLab {
        test: first.test.to_string(),
        due,
        overdue,
        minutes,
        text: first.describe(),
        also_overdue,
    })
}

impl BoardRow {
    /// The row of a file that could not be read.
    #[must_use]
    pub fn error(file: String, error: String) -> Self {
        Self {
            patient: file.clone(),
            file,
            call_senior: false,
            urgency: Urgency::Error,
            bed: None,
            mrn: None,
            teaching: false,
            setting: None,
            as_of: None,
            running: None,
            last_anti_xa: None,
            last_aptt: None,
            advice: None,
            next_lab: None,
            clock_note: None,
            hit_status: None,
            danger: Vec::new(),
            advice_paused: None,
            held_by: None,
            last_edit: None,
            file_notes: Vec::new(),
            error: Some(error),
        }
    }

    /// The row of a case with no event at or before the board's time (`--at` before its start).
    #[must_use]
    pub fn not_started(file: String) -> Self {
        Self {
            urgency: Urgency::Stable,
            advice: Some("no event at or before the board's time".to_owned()),
            error: None,
            ..Self::error(file, String::new())
        }
    }

    /// The row of a case summary against the clock `now`.
    #[must_use]
    pub fn of(file: String, s: &CaseSummary, now: ClinicalTime, held_by: Option<String>) -> Self {
        let a = &s.analysis;
        let clock = against_clock(&a.monitoring, s.as_of, Some(s.as_of), now);
        let too_old = matches!(clock, AgainstClock::CaseTooOld { .. });
        let (next_lab, clock_note) = match clock {
            AgainstClock::Applies(items) => (next_lab(&items), None),
            AgainstClock::CaseTooOld { hours } => (
                None,
                Some(format!(
                    "last event {} h ago: not compared with the clock",
                    num(hours as f64, 0)
                )),
            ),
            AgainstClock::Replaying | AgainstClock::NoClock => (None, None),
        };
        let acts = !matches!(a.recommendation.action, crate::analysis::Action::Continue);
        let danger: Vec<RowDanger> = a
            .danger
            .iter()
            .map(|d| RowDanger {
                kind: d.kind(),
                level: match d.level() {
                    DangerLevel::Danger => "danger",
                    DangerLevel::Caution => "caution",
                },
                text: d.label(),
            })
            .collect();
        let urgency = if a.advice_paused.is_some() {
            Urgency::AdvicePaused
        } else if danger.iter().any(|d| d.level == "danger") {
            Urgency::Danger
        } else if next_lab.as_ref().is_some_and(|n| n.overdue) {
            Urgency::Overdue
        } else if too_old && !s.teaching && s.running.is_some() {
            Urgency::NoRecentEntry
        } else if !danger.is_empty() || a.recommendation.call_senior {
            // A row whose advice is to call the senior ("stop heparin and call") is never "stable".
            Urgency::Caution
        } else if acts {
            Urgency::ActionAdvised
        } else if next_lab.as_ref().is_some_and(|n| n.minutes <= DUE_SOON_MIN) {
            Urgency::DueSoon
        } else {
            Urgency::Stable
        };
        Self {
            file,
            call_senior: a.recommendation.call_senior,
            urgency,
            bed: s.bed.clone(),
            patient: s.patient.clone(),
            mrn: s.mrn.clone(),
            teaching: s.teaching,
            setting: Some(a.setting.label()),
            as_of: Some(s.as_of),
            running: s.running.clone(),
            last_anti_xa: level(s.last_anti_xa, "units/mL", 2, now),
            last_aptt: level(s.last_aptt, "s", 0, now),
            advice: Some(a.recommendation.headline_at(s.as_of)),
            next_lab,
            clock_note,
            hit_status: Some(a.hit_status.code()),
            danger,
            advice_paused: a.advice_paused.clone(),
            held_by,
            last_edit: s.last_edit.clone(),
            file_notes: s.file_notes.clone(),
            error: None,
        }
    }

    /// The sort key: urgency, then the longest overdue or the soonest due, then bed and patient.
    #[must_use]
    pub fn sort_key(&self) -> (Urgency, i64, String, String) {
        let timing = self
            .next_lab
            .as_ref()
            .map_or(i64::MAX, |n| if n.overdue { -n.minutes } else { n.minutes });
        (
            self.urgency,
            timing,
            self.bed.clone().unwrap_or_default(),
            self.patient.clone(),
        )
    }

    /// Whether the row matches a filter typed on the board (any of its words, case-insensitive).
    #[must_use]
    pub fn matches(&self, filter: &str) -> bool {
        let filter = filter.trim().to_lowercase();
        if filter.is_empty() {
            return true;
        }
        let haystack = [
            Some(self.file.as_str()),
            Some(self.patient.as_str()),
            self.bed.as_deref(),
            self.setting,
            self.running.as_deref(),
            self.advice.as_deref(),
            Some(self.urgency.label()),
            self.held_by.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
        filter.split_whitespace().all(|word| haystack.contains(word))
    }
}
