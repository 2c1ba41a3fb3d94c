//! The working state of one analysis: the case, its timeline and protocol at an `as_of` time, and what
//! the steps have said so far (findings, steps, warnings, the monitoring plan). Also the monitoring
//! assay (anti-Xa or aPTT, with its target) that heparin titration and R3 read, and the `say!` macro
//! that writes an explanation only when one is wanted.

use std::fmt::Write as _;

use super::pairing::{Level, classify_level, ufh_aptt_target};
use super::timeline::{Sample, Timeline};
use super::types::{Detail, Due, Finding, FindingCode, MonitoringItem, Recommendation, Step, StepId, StepStatus, Text};
use crate::model::{AntiXaLevel, Case, ClinicalTime, Hours, Kilograms, LabKind, Quantity, Range, Seconds, num};
use crate::protocol::{Protocol, Source};

/// An explanation sentence: `format!` when the analysis is [`Detail::Explained`], an empty string
/// (no allocation, no number formatting) when it is [`Detail::Decision`]. Only for text that no
/// decision reads; a source or a drug name is always written in full.
macro_rules! say {
    ($cx:expr, $($arg:tt)+) => {
        if $cx.explain { format!($($arg)+) } else { String::new() }
    };
}

/// Working state of one analysis.
pub(super) struct Cx<'a> {
    pub case: &'a Case,
    pub tl: &'a Timeline,
    pub p: &'a Protocol,
    pub as_of: ClinicalTime,
    pub weight: Kilograms,
    pub findings: Vec<Finding>,
    pub steps: Vec<Step>,
    pub warnings: Vec<String>,
    pub monitoring: Vec<MonitoringItem>,
    /// Write the explanation sentences ([`Detail::Explained`]); read by `say!`.
    pub explain: bool,
}

impl<'a> Cx<'a> {
    pub fn new(case: &'a Case, tl: &'a Timeline, p: &'a Protocol, as_of: ClinicalTime, detail: Detail) -> Self {
        Self {
            case,
            tl,
            p,
            as_of,
            weight: case.patient.weight.kg,
            findings: Vec::new(),
            steps: Vec::with_capacity(StepId::ALL.len()),
            warnings: Vec::new(),
            monitoring: Vec::new(),
            explain: detail == Detail::Explained,
        }
    }

    pub fn finding(&mut self, code: FindingCode, detail: impl Into<String>, source: impl Into<Source>) {
        self.findings.push(Finding {
            code,
            detail: detail.into(),
            source: source.into(),
        });
    }

    pub fn has_finding(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    pub fn due(&mut self, test: impl Into<Text>, due: Due, reason: impl Into<Text>) {
        self.monitoring.push(MonitoringItem {
            test: test.into(),
            due,
            reason: reason.into(),
        });
    }

    /// A time that may already have passed becomes "now".
    pub fn due_at(&self, t: ClinicalTime) -> Due {
        if t <= self.as_of { Due::Now } else { Due::At(t) }
    }

    /// Records a step: its status, the patient's values, the threshold, the rule, its source and what
    /// it concluded.
    pub fn step(
        &mut self,
        id: StepId,
        status: StepStatus,
        values: Vec<String>,
        basis: StepBasis,
        conclusion: impl Into<Text>,
    ) {
        self.steps.push(Step {
            id,
            title: id.title(self.case.patient.setting),
            status,
            values,
            threshold: basis.threshold,
            rule: basis.rule,
            source: basis.source,
            conclusion: conclusion.into(),
        });
    }

    /// Step 6: the choice. Its content is the recommendation itself (rationale, sources); only the
    /// headline is repeated.
    pub fn record_choice(&mut self, rec: &Recommendation) {
        let source = rec.sources.first().cloned().unwrap_or_else(|| Source::from(""));
        let (target, headline) = if self.explain {
            (rec.target.clone(), rec.headline())
        } else {
            (String::new(), String::new())
        };
        self.step(
            StepId::Choose,
            StepStatus::Met,
            Vec::new(),
            StepBasis::new(
                target,
                "the first branch that applies, in the order of steps 1–5; otherwise titrate by the nomogram",
                source,
            ),
            headline,
        );
    }

    /// Hours since a sample was drawn.
    pub fn age_h<Q>(&self, s: Sample<Q>) -> f64 {
        self.as_of.hours_since(s.time)
    }

    /// Whether a sample is older than the protocol's lab-age limit.
    pub fn is_stale<Q>(&self, s: Sample<Q>) -> bool {
        self.age_h(s) > self.p.monitoring.lab_max_age_h.value.value()
    }

    /// "aPTT 29 s at 2019-01-06T23:00 (4 h ago)"; empty when nothing is explained.
    pub fn sample_text<Q: Quantity>(&self, lab: LabKind, s: Sample<Q>) -> String {
        let mut out = String::new();
        if self.explain {
            out.reserve(64);
            let _ = write!(
                out,
                "{} {} at {} ({} h ago)",
                lab.label(),
                s.value,
                s.time,
                num(self.age_h(s), 1)
            );
        }
        out
    }

    /// The protocol's lab-age limit.
    pub fn max_age(&self) -> Hours {
        self.p.monitoring.lab_max_age_h.value
    }
}

/// A step's fixed parts: its threshold, its rule and the rule's source.
pub(super) struct StepBasis {
    pub threshold: Text,
    pub rule: Text,
    pub source: Source,
}

impl StepBasis {
    pub fn new(threshold: impl Into<Text>, rule: impl Into<Text>, source: impl Into<Source>) -> Self {
        Self {
            threshold: threshold.into(),
            rule: rule.into(),
            source: source.into(),
        }
    }
}

/// The assay that decides heparin titration and R3: anti-Xa when any exists, otherwise the aPTT (whose
/// target needs the baseline aPTT).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Monitor {
    AntiXa {
        target: Range<AntiXaLevel>,
    },
    Aptt {
        baseline: Option<Seconds>,
        target: Option<Range<Seconds>>,
    },
}

/// One result of the monitoring assay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reading {
    AntiXa(Sample<AntiXaLevel>),
    Aptt(Sample<Seconds>),
}

impl Reading {
    pub fn time(self) -> ClinicalTime {
        match self {
            Self::AntiXa(s) => s.time,
            Self::Aptt(s) => s.time,
        }
    }
}

/// The monitoring assay's results up to a time, without copying them.
#[derive(Debug, Clone, Copy)]
pub(super) enum Readings<'a> {
    AntiXa(&'a [Sample<AntiXaLevel>]),
    Aptt(&'a [Sample<Seconds>]),
}

impl<'a> Readings<'a> {
    pub fn len(self) -> usize {
        match self {
            Self::AntiXa(s) => s.len(),
            Self::Aptt(s) => s.len(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn get(self, i: usize) -> Option<Reading> {
        match self {
            Self::AntiXa(s) => s.get(i).map(|x| Reading::AntiXa(*x)),
            Self::Aptt(s) => s.get(i).map(|x| Reading::Aptt(*x)),
        }
    }

    /// The readings from index `from` on.
    pub fn from(self, from: usize) -> Self {
        match self {
            Self::AntiXa(s) => Self::AntiXa(&s[from.min(s.len())..]),
            Self::Aptt(s) => Self::Aptt(&s[from.min(s.len())..]),
        }
    }

    /// The first index whose reading is not before `t`.
    pub fn first_from(self, t: ClinicalTime) -> usize {
        match self {
            Self::AntiXa(s) => s.partition_point(|x| x.time < t),
            Self::Aptt(s) => s.partition_point(|x| x.time < t),
        }
    }

    /// The first index whose reading is after `t`.
    pub fn first_after(self, t: ClinicalTime) -> usize {
        match self {
            Self::AntiXa(s) => s.partition_point(|x| x.time <= t),
            Self::Aptt(s) => s.partition_point(|x| x.time <= t),
        }
    }

    /// The last `n` readings, if there are that many.
    pub fn last(self, n: usize) -> Option<Self> {
        self.len().checked_sub(n).map(|start| self.from(start))
    }

    pub fn iter(self) -> impl Iterator<Item = Reading> + 'a {
        let (xa, aptt) = match self {
            Self::AntiXa(s) => (s, &[][..]),
            Self::Aptt(s) => (&[][..], s),
        };
        xa.iter()
            .map(|x| Reading::AntiXa(*x))
            .chain(aptt.iter().map(|x| Reading::Aptt(*x)))
    }
}

impl Monitor {
    /// Anti-Xa when one has been measured by `as_of`, otherwise the aPTT.
    pub fn for_case(cx: &Cx<'_>) -> Self {
        if cx.tl.labs.anti_xa.until(cx.as_of).is_empty() {
            let baseline = cx.case.patient.baseline_aptt;
            Self::Aptt {
                baseline,
                target: ufh_aptt_target(cx.p, baseline),
            }
        } else {
            Self::AntiXa {
                target: cx.p.ufh.anti_xa_target.value,
            }
        }
    }

    pub fn lab(self) -> LabKind {
        match self {
            Self::AntiXa { .. } => LabKind::AntiXa,
            Self::Aptt { .. } => LabKind::Aptt,
        }
    }

    pub fn name(self) -> &'static str {
        self.lab().label()
    }

    /// The monitoring test as ordered: the assay with its pair.
    pub fn paired_test(self) -> &'static str {
        match self {
            Self::AntiXa { .. } => "anti-Xa (with a paired aPTT)",
            Self::Aptt { .. } => "aPTT (with a paired anti-Xa)",
        }
    }

    /// Whether the assay has a target (the aPTT's needs a baseline).
    pub fn has_target(self) -> bool {
        match self {
            Self::AntiXa { .. } => true,
            Self::Aptt { target, .. } => target.is_some(),
        }
    }

    /// Where a reading lies against the target; `None` without a target.
    pub fn level(self, r: Reading) -> Option<Level> {
        match (self, r) {
            (Self::AntiXa { target }, Reading::AntiXa(s)) => Some(classify_level(s.value, target)),
            (Self::Aptt { target, .. }, Reading::Aptt(s)) => target.map(|t| classify_level(s.value, t)),
            _ => None,
        }
    }

    pub fn readings_until(self, tl: &Timeline, t: ClinicalTime) -> Readings<'_> {
        match self {
            Self::AntiXa { .. } => Readings::AntiXa(tl.labs.anti_xa.until(t)),
            Self::Aptt { .. } => Readings::Aptt(tl.labs.aptt.until(t)),
        }
    }

    pub fn latest(self, tl: &Timeline, t: ClinicalTime) -> Option<Reading> {
        let readings = self.readings_until(tl, t);
        readings.get(readings.len().checked_sub(1)?)
    }

    pub fn target_text(self) -> String {
        match self {
            Self::AntiXa { target } => format!("anti-Xa {}–{} units/mL", target.low.shown(), target.high.shown()),
            Self::Aptt { target: Some(t), .. } => format!("aPTT {}–{} s", t.low.shown(), t.high.shown()),
            Self::Aptt { target: None, .. } => "no aPTT target: baseline aPTT not entered".to_owned(),
        }
    }

    /// "anti-Xa 0.25 units/mL at … (2 h ago)" for a reading.
    pub fn reading_text(self, cx: &Cx<'_>, r: Reading) -> String {
        match r {
            Reading::AntiXa(s) => cx.sample_text(LabKind::AntiXa, s),
            Reading::Aptt(s) => cx.sample_text(LabKind::Aptt, s),
        }
    }
}
