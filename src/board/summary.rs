//! One case of the unit board (issue 31), as far as it does not depend on the clock: who it is, where,
//! what runs, the last levels, the advice, the plan, the dangers. Computed once per version of the file
//! (the board caches it by the file's fingerprint) and combined with the clock into a row.

use crate::analysis::{Analysis, Detail, MonitoringItem};
use crate::io::case_file::LoadedCase;
use crate::model::{Case, ClinicalTime, EventKind};

/// A lab result shown on the board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LastLevel {
    pub time: ClinicalTime,
    /// As entered, with its unit ("0.25 units/mL", "62 s") — formatted when shown.
    pub value: f64,
    /// A result below the assay's limit ("<0.1").
    pub below_limit: bool,
}

/// What a case says without the clock.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummary {
    pub title: String,
    /// The identifiers (name · MRN · bed), else the case title.
    pub patient: String,
    pub bed: Option<String>,
    pub mrn: Option<String>,
    pub teaching: bool,
    /// The analysis time: the last event at or before the board's `--at`.
    pub as_of: ClinicalTime,
    pub analysis: Analysis,
    /// The running infusion in its order's unit and as mL/h ("heparin 18 units/kg/h · 14.4 mL/h").
    pub running: Option<String>,
    pub last_anti_xa: Option<LastLevel>,
    pub last_aptt: Option<LastLevel>,
    /// Who last changed the file's record and when (the audit trail's last entry).
    pub last_edit: Option<(String, ClinicalTime)>,
    /// What the loader said of the file (migrated, protocol changed, audit trail broken).
    pub file_notes: Vec<String>,
}

impl CaseSummary {
    /// The summary of a loaded case analysed at its last event at or before `at` (all events without
    /// `at`); `None` when no event is at or before `at`.
    #[must_use]
    pub fn of(loaded: &LoadedCase, at: Option<ClinicalTime>) -> Option<Self> {
        let case = &loaded.case;
        let as_of = case
            .events
            .iter()
            .map(|e| e.time)
            .filter(|t| at.is_none_or(|at| *t <= at))
            .max()
            .or_else(|| at.is_none_or(|at| case.case_start <= at).then_some(case.case_start))?;
        let engine = loaded.engine();
        let analysis = engine.analyze(case, as_of, Detail::Explained);
        let (_, prepared) = engine.at(case, as_of);
        let protocol = engine.protocol_at(case, as_of);
        let running = crate::present::flowsheet::rate_in_effect(case, &prepared.timeline, protocol, as_of);
        let mut file_notes = Vec::new();
        if let Some(from) = loaded.migrated_from {
            file_notes.push(format!("case format {from}, migrated in memory"));
        }
        if !loaded.protocol_changes.is_empty() {
            file_notes.push("a protocol changed since the case was saved".to_owned());
        }
        if let Some(broken) = &loaded.audit_broken {
            file_notes.push(format!("audit trail broken: {broken}"));
        }
        Some(Self {
            title: crate::model::plain_text::one_line(&case.title),
            patient: case
                .identity
                .line()
                .unwrap_or_else(|| crate::model::plain_text::one_line(&case.title)),
            bed: case.identity.bed.clone(),
            mrn: case.identity.mrn.clone(),
            teaching: case.teaching,
            as_of,
            running,
            last_anti_xa: last_level(case, as_of, |k| match k {
                EventKind::AntiXa(x) => Some((x.value(), false)),
                EventKind::AntiXaBelow(x) => Some((x.value(), true)),
                _ => None,
            }),
            last_aptt: last_level(case, as_of, |k| match k {
                EventKind::Aptt(s) => Some((s.value(), false)),
                _ => None,
            }),
            last_edit: case.audit.last().map(|e| (e.stamp.by.clone(), e.stamp.at)),
            file_notes,
            analysis,
        })
    }

    /// The plan of the next labs, dated from `as_of`.
    #[must_use]
    pub fn monitoring(&self) -> &[MonitoringItem] {
        &self.analysis.monitoring
    }
}

fn last_level(case: &Case, as_of: ClinicalTime, pick: impl Fn(EventKind) -> Option<(f64, bool)>) -> Option<LastLevel> {
    case.events
        .iter()
        .filter(|e| e.time <= as_of)
        .filter_map(|e| {
            pick(e.kind).map(|(value, below_limit)| LastLevel {
                time: e.time,
                value,
                below_limit,
            })
        })
        .last()
}
