//! The working state of one analysis: the case, its timeline and protocol at an `as_of` time, and what
//! the steps have said so far (findings, steps, warnings, the monitoring plan). Also the monitoring
//! assay (anti-Xa or aPTT, with its target) that heparin titration and R3 read, and the `say!` macro
//! that writes an explanation only when one is wanted.

use std::fmt::Write as _;

use super::pairing::{HeparinApttRange, Level, classify_level};
use super::timeline::{Sample, Timeline};
use super::types::{Detail, Due, Finding, FindingCode, MonitoringItem, Recommendation, Step, StepId, StepStatus, Text};
use crate::dosing::weight::{DosingWeightUsed, Drug, dosing_weight};
use crate::model::{
    AntiXaLevel, Case, ClinicalTime, Hours, Kilograms, LabKind, MgPerDl, Patient, Quantity, Range, Seconds, num,
};
use crate::protocol::{Protocol, Source};

/// An explanation sentence: `format!` when the analysis is [`Detail::Explained`], an empty string
/// (no allocation, no number formatting) when it is [`Detail::Decision`]. Only for text that no
/// decision reads; a source or a drug name is always written in full.
macro_rules! say {
    ($cx:expr, $($arg:tt)+) => {
        if $cx.explain { format!($($arg)+) } else { String::new() }
    };
}

/// Hepatic impairment (clinical reference §1): the flag, or a recent bilirubin above the threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Hepatic {
    pub impaired: bool,
    /// The bilirubin that counts, when it does (and the flag is not set).
    pub by_bilirubin: Option<Sample<MgPerDl>>,
}

/// High bleeding risk (clinical reference §5): the flag, or platelets, fibrinogen or INR beyond the
/// protocol's thresholds.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BleedingRisk {
    pub high: bool,
    pub flagged: bool,
    /// The labs that make it high, in words ("platelets 40 × 10⁹/L < 50").
    pub by_labs: Vec<String>,
}

/// The first aPTT drawn before any anticoagulant event of the case (heparin, a DTI, another anticoagulant's
/// dose), at or before `as_of` (clinical reference §14.6).
fn baseline_drawn(case: &Case, tl: &Timeline, as_of: ClinicalTime) -> Option<Sample<Seconds>> {
    let first = first_anticoagulant(case, tl, as_of);
    let aptt = *tl.labs.aptt.until(as_of).first()?;
    first.is_none_or(|t| aptt.time < t).then_some(aptt)
}

/// The first anticoagulant event of the case at or before `as_of`: heparin, a DTI infusion or another
/// anticoagulant's dose. A result drawn before it is a baseline, not a level.
pub(super) fn first_anticoagulant(case: &Case, tl: &Timeline, as_of: ClinicalTime) -> Option<ClinicalTime> {
    let first_other = tl
        .marks
        .until(as_of)
        .iter()
        .find(|m| {
            matches!(
                super::marks::event_of(case, m).kind,
                crate::model::EventKind::OtherAnticoagulant(..)
            )
        })
        .map(|m| m.time);
    let first_infusion = tl.segments().first().map(|s| s.start).filter(|t| *t <= as_of);
    let first_heparin = tl.first_heparin().filter(|t| *t <= as_of);
    [first_heparin, first_infusion, first_other].into_iter().flatten().min()
}

/// Working state of one analysis.
pub(super) struct Cx<'a> {
    pub case: &'a Case,
    /// The patient in effect at `as_of`: the case's patient with the facts changed by then (clinical
    /// reference §14.8). Every rule reads the patient here, never `case.patient`.
    pub patient: Patient,
    pub tl: &'a Timeline,
    pub p: &'a Protocol,
    pub as_of: ClinicalTime,
    /// The actual weight.
    pub weight: Kilograms,
    /// The heparin dosing weight (exposure, R2, the nomogram, heparin pump rates).
    pub heparin_weight: DosingWeightUsed,
    /// The DTI dosing weight.
    pub dti_weight: DosingWeightUsed,
    /// The antithrombin dosing weight.
    pub at_weight: DosingWeightUsed,
    pub hepatic: Hepatic,
    pub bleeding: BleedingRisk,
    /// The one heparin aPTT range and its control.
    pub aptt_range: HeparinApttRange,
    pub findings: Vec<Finding>,
    pub steps: Vec<Step>,
    pub warnings: Vec<String>,
    pub monitoring: Vec<MonitoringItem>,
    /// HIT over time at `as_of` (clinical reference §14.1), set before the ladder runs.
    pub hit_status: super::hit_status::HitStatus,
    /// What the card adds when the assays leave HIT open (a rapid negative with a high 4Ts, …).
    pub hit_note: Option<&'static str>,
    /// Other anticoagulants still reading in a heparin assay at this time (clinical reference §14.5).
    pub other_windows: Vec<super::other_anticoagulants::OtherWindow>,
    /// Write the explanation sentences ([`Detail::Explained`]); read by `say!`.
    pub explain: bool,
}

impl<'a> Cx<'a> {
    pub fn new(case: &'a Case, tl: &'a Timeline, p: &'a Protocol, as_of: ClinicalTime, detail: Detail) -> Self {
        let explain = detail == Detail::Explained;
        let mut in_effect = tl.patient_at(&case.patient, as_of);
        // No baseline entered: the first aPTT drawn before any anticoagulant is the baseline (§14.6).
        let drawn = in_effect
            .baseline_aptt
            .is_none()
            .then(|| baseline_drawn(case, tl, as_of))
            .flatten();
        if let Some(s) = drawn {
            in_effect.baseline_aptt = Some(s.value);
        }
        let control = match drawn {
            Some(s) => super::pairing::Control::drawn(p, s.value, s.time),
            None => super::pairing::Control::of(p, in_effect.baseline_aptt),
        };
        let patient = &in_effect;
        let max_age = p.monitoring.lab_max_age_h.value;
        let bilirubin = tl
            .labs
            .bilirubin
            .recent(as_of, p.dti.hepatic_bilirubin_max_age_h.value)
            .filter(|s| s.value > p.dti.hepatic_bilirubin_above_mg_per_dl.value);
        let hepatic = Hepatic {
            impaired: patient.hepatic_impairment || bilirubin.is_some(),
            by_bilirubin: bilirubin.filter(|_| !patient.hepatic_impairment),
        };
        let b = &p.bleeding_risk;
        let mut by_labs = Vec::new();
        if let Some(s) = tl
            .labs
            .platelets
            .recent(as_of, max_age)
            .filter(|s| s.value < b.platelets_below)
        {
            by_labs.push(format!("platelets {} < {}", s.value, b.platelets_below.shown()));
        }
        if let Some(s) = tl
            .labs
            .fibrinogen
            .recent(as_of, max_age)
            .filter(|s| s.value < b.fibrinogen_below)
        {
            by_labs.push(format!("fibrinogen {} < {}", s.value, b.fibrinogen_below));
        }
        if let Some(s) = tl.labs.inr.recent(as_of, max_age).filter(|s| s.value > b.inr_above) {
            by_labs.push(format!("INR {} > {}", s.value.shown(), b.inr_above.shown()));
        }
        let bleeding = BleedingRisk {
            high: patient.high_bleeding_risk || !by_labs.is_empty(),
            flagged: patient.high_bleeding_risk,
            by_labs,
        };
        Self {
            case,
            tl,
            p,
            as_of,
            weight: patient.weight.kg,
            heparin_weight: dosing_weight(patient, p, Drug::Heparin),
            dti_weight: dosing_weight(patient, p, Drug::DirectThrombinInhibitor),
            at_weight: dosing_weight(patient, p, Drug::Antithrombin),
            hepatic,
            bleeding,
            aptt_range: HeparinApttRange::with_control(p, control),
            patient: in_effect,
            findings: Vec::new(),
            steps: Vec::with_capacity(StepId::ALL.len()),
            warnings: Vec::new(),
            monitoring: Vec::new(),
            hit_status: super::hit_status::HitStatus::None,
            hit_note: None,
            other_windows: Vec::new(),
            explain,
        }
    }

    /// The heparin dosing weight in kg.
    pub fn hkg(&self) -> Kilograms {
        self.heparin_weight.kg
    }

    /// The antithrombin dosing weight in kg.
    pub fn at_kg(&self) -> Kilograms {
        self.at_weight.kg
    }

    /// The DTI dosing weight in kg.
    pub fn dti_kg(&self) -> Kilograms {
        self.dti_weight.kg
    }

    /// Why an anti-Xa sample is left out, if it is (clinical reference §3, §14.5).
    pub fn anti_xa_excluded(&self, s: Sample<AntiXaLevel>) -> Option<super::anti_xa_exclusion::AntiXaExclusion> {
        super::anti_xa_exclusion::anti_xa_excluded(self.tl, self.p, &self.other_windows, self.as_of, s)
    }

    /// Shorthand: the anti-Xa sample is left out for any reason.
    pub fn anti_xa_interfered(&self, s: Sample<AntiXaLevel>) -> bool {
        self.anti_xa_excluded(s).is_some()
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

    /// A test the decision asks for before anything else: first in the plan.
    pub fn due_first(&mut self, test: impl Into<Text>, due: Due, reason: impl Into<Text>) {
        self.monitoring.insert(
            0,
            MonitoringItem {
                test: test.into(),
                due,
                reason: reason.into(),
            },
        );
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
            title: id.title(self.patient.setting),
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
            // A result below the assay's limit is read as the limit by the rules, and said as it was.
            let below = self.case.is_below_assay_limit(s.event);
            let _ = write!(
                out,
                "{} {}{}{} at {} ({} h ago)",
                lab.label(),
                if below { "<" } else { "" },
                s.value,
                if below { " (below the assay's limit)" } else { "" },
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

/// The heparin monitoring assay (clinical reference §3 R3, rev 2): anti-Xa when one exists within the
/// protocol's lab-age limit, otherwise the aPTT. An anti-Xa drawn within the pairing window of hemolysis
/// or icterus beyond the protocol's limits does not count: the paired aPTT is read for that sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Monitor {
    pub assay: Assay,
    pub anti_xa_target: Range<AntiXaLevel>,
    pub aptt: HeparinApttRange,
}

/// Which assay monitors heparin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Assay {
    AntiXa,
    Aptt,
}

/// One monitoring result (an interfered anti-Xa is replaced by its paired aPTT).
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

impl Monitor {
    /// Anti-Xa when a usable one was drawn within the lab-age limit, otherwise the aPTT.
    pub fn for_case(cx: &Cx<'_>) -> Self {
        let max_age = cx.max_age().value();
        let recent_anti_xa = cx
            .tl
            .labs
            .anti_xa
            .until(cx.as_of)
            .iter()
            .rev()
            .take_while(|s| cx.as_of.hours_since(s.time) <= max_age)
            .any(|s| !cx.anti_xa_interfered(*s));
        Self {
            assay: if recent_anti_xa { Assay::AntiXa } else { Assay::Aptt },
            anti_xa_target: cx.p.ufh.anti_xa_target.value,
            aptt: cx.aptt_range,
        }
    }

    pub fn lab(self) -> LabKind {
        match self.assay {
            Assay::AntiXa => LabKind::AntiXa,
            Assay::Aptt => LabKind::Aptt,
        }
    }

    pub fn name(self) -> &'static str {
        self.lab().label()
    }

    pub fn is_anti_xa(self) -> bool {
        self.assay == Assay::AntiXa
    }

    /// The monitoring test as ordered: the assay with its pair.
    pub fn paired_test(self) -> &'static str {
        match self.assay {
            Assay::AntiXa => "anti-Xa (with a paired aPTT)",
            Assay::Aptt => "aPTT (with a paired anti-Xa)",
        }
    }

    /// Where a reading (rounded to reporting precision) lies against its assay's target.
    pub fn level(self, r: Reading) -> Level {
        match r {
            Reading::AntiXa(s) => classify_level(s.banded, self.anti_xa_target),
            Reading::Aptt(s) => self.aptt.level(s.banded),
        }
    }

    /// The monitoring readings up to `as_of`, newest last: at most `max` of them, none before `since`.
    /// An interfered anti-Xa is replaced by its paired aPTT (or left out without one).
    pub fn recent(self, cx: &Cx<'_>, since: Option<ClinicalTime>, max: usize) -> Vec<Reading> {
        let mut out = Vec::with_capacity(max.min(8));
        let window = cx.p.monitoring.pairing_window_min.value;
        match self.assay {
            Assay::AntiXa => {
                for s in cx.tl.labs.anti_xa.until(cx.as_of).iter().rev() {
                    if out.len() == max || since.is_some_and(|t| s.time < t) {
                        break;
                    }
                    if cx.anti_xa_interfered(*s) {
                        if let Some(a) = cx.tl.labs.aptt.nearest(s.time, window, cx.as_of) {
                            out.push(Reading::Aptt(a));
                        }
                    } else {
                        out.push(Reading::AntiXa(*s));
                    }
                }
            }
            Assay::Aptt => {
                for s in cx.tl.labs.aptt.until(cx.as_of).iter().rev() {
                    if out.len() == max || since.is_some_and(|t| s.time < t) {
                        break;
                    }
                    out.push(Reading::Aptt(*s));
                }
            }
        }
        out.reverse();
        out
    }

    /// The newest monitoring reading.
    pub fn latest(self, cx: &Cx<'_>) -> Option<Reading> {
        self.recent(cx, None, 1).pop()
    }

    pub fn target_text(self, p: &Protocol) -> String {
        match self.assay {
            Assay::AntiXa => format!(
                "anti-Xa {}–{} units/mL",
                self.anti_xa_target.low.shown(),
                self.anti_xa_target.high.shown()
            ),
            Assay::Aptt => self.aptt.describe(p),
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
