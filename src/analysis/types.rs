//! What an analysis says: findings, algorithm steps, the recommendation and the monitoring plan.
//! Serialisable as the JSON contract of `analyze --format json`.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::dosing::Rate;
use crate::model::{
    ClinicalTime, Hours, Milligrams, Minutes, MlPerHour, Seconds, SecondsPerUnitPerKg, Setting, Units, UnitsPerHour,
    UnitsPerKg, UnitsPerKgPerHour,
};
use crate::protocol::Source;

/// Explanation text: mostly fixed phrases, sometimes built from the patient's values.
pub type Text = std::borrow::Cow<'static, str>;

/// Finding codes (stable names other tools rely on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// R1: > 35,000 units/24 h.
    HeparinResistanceDose,
    /// R2: mean ≥ 20 units/kg/h (adults).
    HeparinResistanceWeight,
    /// R3: consecutive samples below target while R1 or R2 holds.
    TargetNotReached,
    /// R4: ACT < 480 s after ≥ 500 units/kg.
    CpbHeparinResistance,
    /// (R1 or R2) and R3, or R4.
    SuspectedHeparinResistance,
    ConcordantTherapeutic,
    ConcordantSubtherapeutic,
    PseudoResistance,
    CoagulopathyDiscordance,
    Supratherapeutic,
    /// Only one assay (or a partial discordance): the monitoring assay's own level.
    AntiXaBelowTarget,
    AntiXaInTarget,
    AntiXaAboveTarget,
    ApttBelowTarget,
    ApttInTarget,
    ApttAboveTarget,
    AntithrombinDeficiency,
    AntithrombinSevereDeficiency,
    AntiXaUnavailable,
    AntiXaInterference,
    HitSuspected,
    LowHeparinSensitivity,
    SampleBeforeSteadyState,
    StaleSample,
}

impl FindingCode {
    #[must_use]
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: FindingCode,
    pub detail: String,
    pub source: Source,
}

/// Recommended action (stable names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Continue,
    AdjustUfh,
    Measure,
    SupplementAntithrombin,
    SwitchToArgatroban,
    SwitchToBivalirudin,
    AdjustArgatroban,
    AdjustBivalirudin,
    CpbAdditionalHeparin,
}

impl Action {
    pub const ALL: [Self; 9] = [
        Self::Continue,
        Self::AdjustUfh,
        Self::Measure,
        Self::SupplementAntithrombin,
        Self::SwitchToArgatroban,
        Self::SwitchToBivalirudin,
        Self::AdjustArgatroban,
        Self::AdjustBivalirudin,
        Self::CpbAdditionalHeparin,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Continue => "Continue current therapy",
            Self::AdjustUfh => "Adjust heparin",
            Self::Measure => "Measure first",
            Self::SupplementAntithrombin => "Supplement antithrombin",
            Self::SwitchToArgatroban => "Switch to argatroban",
            Self::SwitchToBivalirudin => "Switch to bivalirudin",
            Self::AdjustArgatroban => "Adjust argatroban",
            Self::AdjustBivalirudin => "Adjust bivalirudin",
            Self::CpbAdditionalHeparin => "Give additional heparin (bypass)",
        }
    }

    #[must_use]
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// The single recommendation of an analysis: decision support, never an order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub action: Action,
    pub drug: Text,
    /// A one-off antithrombin amount, vial-rounded (heparin boluses go in `bolus_units`).
    pub dose_units: Option<Units>,
    pub bolus_units: Option<Units>,
    /// The rate to run from now on.
    pub rate: Option<Rate>,
    /// The difference from the current rate of the same drug.
    pub rate_change: Option<Rate>,
    pub hold_minutes: Option<Minutes>,
    pub pump_ml_per_h: Option<MlPerHour>,
    pub concentration: String,
    pub target: String,
    pub rationale: Vec<String>,
    pub sources: Vec<Source>,
    pub alternatives: Vec<String>,
    pub caveats: Vec<String>,
}

impl Recommendation {
    #[must_use]
    pub fn new(action: Action, drug: impl Into<Text>) -> Self {
        Self {
            action,
            drug: drug.into(),
            dose_units: None,
            bolus_units: None,
            rate: None,
            rate_change: None,
            hold_minutes: None,
            pump_ml_per_h: None,
            concentration: String::new(),
            target: String::new(),
            rationale: Vec::new(),
            sources: Vec::new(),
            alternatives: Vec::new(),
            caveats: Vec::new(),
        }
    }

    /// Adds a source once.
    pub fn cite(&mut self, source: impl Into<Source>) {
        let source = source.into();
        if !source.is_empty() && !self.sources.contains(&source) {
            self.sources.push(source);
        }
    }

    /// One-line headline: action, drug, dose or rate with pump rate.
    #[must_use]
    pub fn headline(&self) -> String {
        let mut parts = vec![self.action.label().to_owned()];
        if let Some(d) = self.dose_units {
            parts.push(format!("{} {d}", self.drug));
        }
        if let Some(b) = self.bolus_units {
            parts.push(format!("bolus {b}"));
        }
        if let Some(h) = self.hold_minutes.filter(|h| h.value() > 0.0) {
            parts.push(format!("hold {} min", h.shown()));
        }
        if let Some(r) = self.rate {
            let pump = self.pump_ml_per_h.map_or(String::new(), |p| format!(" = {p}"));
            parts.push(format!("{} {r}{pump}", self.drug));
        }
        parts.join(" · ")
    }
}

/// When a test is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    Now,
    At(ClinicalTime),
    AfterDose,
}

impl fmt::Display for Due {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Now => write!(f, "now"),
            Self::At(t) => write!(f, "{t}"),
            Self::AfterDose => write!(f, "after the dose"),
        }
    }
}

impl Serialize for Due {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitoringItem {
    pub test: Text,
    pub due: Due,
    pub reason: Text,
}

/// Heparin exposure at the as-of time (clinical reference §2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeparinExposure {
    pub units_last_24h: Units,
    pub units_per_kg_last_24h: UnitsPerKg,
    /// Mean over the last 24 h, or over the time on heparin if shorter (R2); zero before any heparin.
    pub mean_units_per_kg_per_h: UnitsPerKgPerHour,
    pub mean_window_h: Hours,
    pub current_rate_units_per_kg_per_h: Option<UnitsPerKgPerHour>,
    pub current_rate_units_per_h: Option<UnitsPerHour>,
    pub hours_since_last_change: Option<Hours>,
    pub cumulative_units: Units,
    pub cumulative_units_per_kg: UnitsPerKg,
    pub hours_on_heparin: Option<Hours>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Met,
    NotMet,
    NeedsData,
    NotApplicable,
}

impl StepStatus {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::NotMet => "not met",
            Self::NeedsData => "needs data",
            Self::NotApplicable => "not applicable",
        }
    }
}

/// The steps of the algorithm (clinical reference §5), in order: one table for their numbers and titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepId {
    DataCheck = 1,
    Recognise = 2,
    Pair = 3,
    HitScreen = 4,
    Antithrombin = 5,
    Choose = 6,
    Monitoring = 7,
}

impl StepId {
    pub const ALL: [Self; 7] = [
        Self::DataCheck,
        Self::Recognise,
        Self::Pair,
        Self::HitScreen,
        Self::Antithrombin,
        Self::Choose,
        Self::Monitoring,
    ];

    /// The step's number as shown (1–7).
    #[must_use]
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The step's title; on bypass the recognition step reads the ACT, and says so.
    #[must_use]
    pub fn title(self, setting: Setting) -> &'static str {
        match self {
            Self::DataCheck => "Data check",
            Self::Recognise if setting == Setting::Cpb => "Recognise heparin resistance (bypass)",
            Self::Recognise => "Recognise heparin resistance",
            Self::Pair => "Pair aPTT with anti-Xa",
            Self::HitScreen => "HIT screen (4Ts)",
            Self::Antithrombin => "Antithrombin",
            Self::Choose => "Choose",
            Self::Monitoring => "Monitoring plan",
        }
    }

    /// Whether the step shows (part of) the decision: hidden until a learner predicts (Predict first).
    #[must_use]
    pub fn reveals_decision(self) -> bool {
        self >= Self::Antithrombin
    }
}

impl Serialize for StepId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

/// One step of the stepwise algorithm, with the patient's values, the threshold, the rule and its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    #[serde(rename = "number")]
    pub id: StepId,
    pub title: &'static str,
    pub status: StepStatus,
    pub values: Vec<String>,
    pub threshold: Text,
    pub rule: Text,
    pub source: Source,
    pub conclusion: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FourTsBand {
    Low,
    Intermediate,
    High,
}

impl FourTsBand {
    /// The probability band in words.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Intermediate => "intermediate",
            Self::High => "high",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FourTsItem {
    pub points: u8,
    /// Computed from the timeline (true) or entered by the clinician (false).
    pub computed: bool,
    pub basis: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FourTsItems {
    pub thrombocytopenia: FourTsItem,
    pub timing: FourTsItem,
    pub thrombosis: FourTsItem,
    pub other_causes: FourTsItem,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FourTs {
    pub score: u8,
    pub band: FourTsBand,
    pub items: FourTsItems,
    pub caveat: Option<Source>,
    pub source: Source,
}

/// The perfusionist's numbers (clinical reference §10).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BypassAssessment {
    pub cumulative_units_per_kg: UnitsPerKg,
    pub baseline_act_s: Option<Seconds>,
    pub current_act_s: Option<Seconds>,
    /// `None` only when the protocol has no bypass section.
    pub target_act_s: Option<Seconds>,
    pub hdr_slope_s_per_unit_per_kg: Option<SecondsPerUnitPerKg>,
    pub additional_units_per_kg_to_target: Option<UnitsPerKg>,
    pub additional_units_to_target: Option<Units>,
    pub residual_heparin_units_per_kg: Option<UnitsPerKg>,
    pub protamine_mg: Option<Milligrams>,
    pub protamine_basis: Option<String>,
    /// Limits the protamine estimate runs into (rate per 10 min, total per kg).
    pub protamine_cautions: Vec<String>,
    pub low_heparin_sensitivity: Option<bool>,
    pub resistance: bool,
}

/// How much an analysis writes. The decision (action, drug, doses, rates, pump rates, finding codes,
/// step statuses, sources, what to measure and when) is the same in both; only the sentences differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every sentence: findings' details, each step's values, threshold, rule and conclusion, the
    /// recommendation's rationale, alternatives and caveats. What a person reads.
    Explained,
    /// The decision without its sentences (they may be empty): for replaying a whole course, where
    /// only the step a person opens is then analysed again with [`Detail::Explained`].
    Decision,
}

/// Everything the engine says about a case at one time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub as_of: ClinicalTime,
    pub setting: Setting,
    pub protocol: ProtocolRef,
    pub heparin: HeparinExposure,
    pub findings: Vec<Finding>,
    pub hit_4ts: Option<FourTs>,
    pub cpb: Option<BypassAssessment>,
    pub steps: Vec<Step>,
    pub recommendation: Recommendation,
    pub monitoring: Vec<MonitoringItem>,
    pub warnings: Vec<String>,
}

impl Analysis {
    #[must_use]
    pub fn has_finding(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    /// The decision alone: every explanation sentence emptied, everything else kept (how many
    /// sentences there were, too). A [`Detail::Decision`] analysis and a [`Detail::Explained`] one
    /// at the same time are equal once both are passed through this.
    #[must_use]
    pub fn without_text(&self) -> Self {
        fn blank_all(lines: &[String]) -> Vec<String> {
            vec![String::new(); lines.len()]
        }
        let mut a = self.clone();
        for f in &mut a.findings {
            f.detail.clear();
        }
        for s in &mut a.steps {
            s.values = blank_all(&s.values);
            s.threshold = Text::Borrowed("");
            s.rule = Text::Borrowed("");
            s.conclusion = Text::Borrowed("");
        }
        let r = &mut a.recommendation;
        r.concentration.clear();
        r.target.clear();
        r.rationale = blank_all(&r.rationale);
        r.alternatives = blank_all(&r.alternatives);
        r.caveats = blank_all(&r.caveats);
        for m in &mut a.monitoring {
            m.reason = Text::Borrowed("");
        }
        a.warnings = blank_all(&a.warnings);
        if let Some(ft) = &mut a.hit_4ts {
            for item in [
                &mut ft.items.thrombocytopenia,
                &mut ft.items.timing,
                &mut ft.items.thrombosis,
                &mut ft.items.other_causes,
            ] {
                item.basis = Text::Borrowed("");
            }
        }
        if let Some(cpb) = &mut a.cpb {
            cpb.protamine_basis = cpb.protamine_basis.as_ref().map(|_| String::new());
            cpb.protamine_cautions = blank_all(&cpb.protamine_cautions);
        }
        a
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProtocolRef {
    pub name: String,
    pub version: u32,
}
