//! What an analysis says: findings, algorithm steps, the recommendation and the monitoring plan.
//! Serialisable as the JSON contract of `analyze --format json`.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::dosing::{DoseRate, Rate};
use crate::model::{
    Anticoagulant, ClinicalTime, DtiDrug, Hours, Kilograms, Milligrams, Minutes, MlPerHour, Seconds,
    SecondsPerUnitPerKg, Setting, Units, UnitsPerHour, UnitsPerKg, UnitsPerKgPerHour, Zone,
};
use crate::protocol::Source;

pub use super::danger_kind::Danger;
pub use super::four_ts::{FourTs, FourTsBand, FourTsItem, FourTsItems, FourTsStatus};

/// Explanation text: mostly fixed phrases, sometimes built from the patient's values.
pub type Text = std::borrow::Cow<'static, str>;

/// Finding codes (stable names other tools rely on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// R1: > 35,000 units in the last 24 h of the current course (after ≥ 24 h of it).
    HeparinResistanceDose,
    /// R2: the rate in effect > 20 units/kg/h of dosing weight (adults).
    HeparinResistanceWeight,
    /// R3: the last consecutive monitoring samples below target, the latest at steady state.
    TargetNotReached,
    /// R4: ACT < 480 s after ≥ 500 units/kg given for bypass.
    CpbHeparinResistance,
    /// Suspected resistance: (a) low samples each after ≥ 6 h above the R2 rate, (b) R1 with
    /// non-response and a high 24-h exposure, or (c) R4.
    SuspectedHeparinResistance,
    /// Low results short of suspected resistance: a dose too low for the patient, titrate.
    UnderDosing,
    /// The last two monitoring samples in the nomogram's lowest band: heparin has had almost no effect.
    NonResponse,
    /// aPTT above its range with the anti-Xa in target, up to the coagulopathy threshold: follow the
    /// anti-Xa.
    PartialDiscordance,
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
    /// An anti-Xa drawn within the pairing window of hemolysis or icterus, left out of the decision (the
    /// paired aPTT is read instead).
    AntiXaInterferenceExcluded,
    HitSuspected,
    /// HIT more than 100 days ago with a negative immunoassay this admission: outside bypass a
    /// non-heparin anticoagulant is the default, heparin the alternative.
    HitHistoryRemote,
    /// No trigger for the 4Ts (platelet fall on heparin, thrombosis).
    HitNotSuspected,
    /// The 4Ts range straddles the acting threshold: enter the missing items.
    #[serde(rename = "hit_4ts_needs_data")]
    Hit4tsNeedsData,
    /// An adult under the protocol's minimum weight, not confirmed: no dose is given until it is.
    WeightNeedsConfirming,
    /// A child, infant or neonate under an adult protocol: no dose is given.
    #[serde(rename = "no_paediatric_protocol")]
    NoPaediatricProtocol,
    /// Bilirubin above the protocol's threshold counts as hepatic impairment.
    HepaticImpairmentByBilirubin,
    /// Platelets, fibrinogen or INR beyond the protocol's bleeding-risk thresholds.
    HighBleedingRiskByLabs,
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
    /// Hold (or stop) the running anticoagulant; `hold_minutes` says how long (`None`: stop and call),
    /// `rate` the restart rate (`None`: decided on a repeat result).
    HoldAnticoagulant,
}

impl Action {
    pub const ALL: [Self; 10] = [
        Self::Continue,
        Self::AdjustUfh,
        Self::Measure,
        Self::SupplementAntithrombin,
        Self::SwitchToArgatroban,
        Self::SwitchToBivalirudin,
        Self::AdjustArgatroban,
        Self::AdjustBivalirudin,
        Self::CpbAdditionalHeparin,
        Self::HoldAnticoagulant,
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
            Self::HoldAnticoagulant => "Hold",
        }
    }

    /// The switch to a DTI.
    #[must_use]
    pub fn switch_to(drug: DtiDrug) -> Self {
        match drug {
            DtiDrug::Argatroban => Self::SwitchToArgatroban,
            DtiDrug::Bivalirudin => Self::SwitchToBivalirudin,
        }
    }

    /// A rate change of a running anticoagulant.
    #[must_use]
    pub fn adjust(drug: Anticoagulant) -> Self {
        match drug {
            Anticoagulant::Heparin => Self::AdjustUfh,
            Anticoagulant::Argatroban => Self::AdjustArgatroban,
            Anticoagulant::Bivalirudin => Self::AdjustBivalirudin,
        }
    }

    /// The anticoagulant an action starts or changes (`None`: an action about no one drug).
    #[must_use]
    pub fn drug(self) -> Option<Anticoagulant> {
        match self {
            Self::SwitchToArgatroban | Self::AdjustArgatroban => Some(Anticoagulant::Argatroban),
            Self::SwitchToBivalirudin | Self::AdjustBivalirudin => Some(Anticoagulant::Bivalirudin),
            Self::AdjustUfh | Self::CpbAdditionalHeparin => Some(Anticoagulant::Heparin),
            Self::Continue | Self::Measure | Self::SupplementAntithrombin | Self::HoldAnticoagulant => None,
        }
    }

    /// Whether the action starts a DTI.
    #[must_use]
    pub fn is_switch(self) -> bool {
        matches!(self, Self::SwitchToArgatroban | Self::SwitchToBivalirudin)
    }

    #[must_use]
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// A calculated dose or rate above a hard limit: it is not shown as a dose (clinical reference §12).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HardLimitExceeded {
    #[serde(serialize_with = "crate::model::rounded::quantity_f64_3")]
    pub calculated: f64,
    #[serde(serialize_with = "crate::model::rounded::quantity_f64_3")]
    pub limit: f64,
    pub unit: &'static str,
}

/// The single recommendation of an analysis: decision support, never an order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub action: Action,
    /// The headline's verb: "Start heparin", "Hold heparin", "Stop argatroban and call" (the action's
    /// label unless a branch says more).
    pub label: String,
    pub drug: Text,
    /// A one-off antithrombin amount, vial-rounded (heparin boluses go in `bolus_units`).
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub dose_units: Option<Units>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub bolus_units: Option<Units>,
    /// The rate to run from now on (after a hold: the restart rate; `None` when the restart is decided
    /// on a repeat result).
    pub rate: Option<DoseRate>,
    /// The difference from the current rate of the same drug (`None` for a start or restart).
    pub rate_change: Option<Rate>,
    /// How long to hold (only with `hold_anticoagulant`); `None` there means stop and call.
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub hold_minutes: Option<Minutes>,
    /// What follows a hold that is not a restart of the same drug (HIT: "start argatroban once a
    /// repeat aPTT is at or below 87 s").
    pub after_hold: Option<String>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub pump_ml_per_h: Option<MlPerHour>,
    /// Call the senior clinician (a stop, a hold that needs more than the minimum rate, a hard limit).
    pub call_senior: bool,
    /// A calculated dose above a hard limit: no dose field is filled, this says why.
    pub exceeds_hard_limit: Option<HardLimitExceeded>,
    pub concentration: String,
    pub target: String,
    pub rationale: Vec<String>,
    pub sources: Vec<Source>,
    pub alternatives: Vec<String>,
    pub caveats: Vec<String>,
}

impl Recommendation {
    /// The heparin rate the advice sets (units/kg/h), if it sets one: none for a DTI, a hold, a
    /// measurement first, or a dose withheld until the weight is confirmed.
    #[must_use]
    pub fn heparin_rate(&self) -> Option<UnitsPerKgPerHour> {
        self.rate.and_then(DoseRate::heparin)
    }

    #[must_use]
    pub fn new(action: Action, drug: impl Into<Text>) -> Self {
        Self {
            action,
            label: action.label().to_owned(),
            drug: drug.into(),
            dose_units: None,
            bolus_units: None,
            rate: None,
            rate_change: None,
            hold_minutes: None,
            after_hold: None,
            pump_ml_per_h: None,
            call_senior: false,
            exceeds_hard_limit: None,
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

    /// One-line headline: "Hold heparin 60 min, then 15 units/kg/h = 12 mL/h", "Stop argatroban and
    /// call", "Start heparin · bolus 6,400 units · 18 units/kg/h = 14.4 mL/h".
    #[must_use]
    pub fn headline(&self) -> String {
        self.headline_from(None)
    }

    /// The headline given at `as_of`: a hold also says when to restart ("Hold heparin 60 min (restart at
    /// 2019-01-07T04:05), then …"; issue 29: holds gave no clock time).
    #[must_use]
    pub fn headline_at(&self, as_of: ClinicalTime) -> String {
        self.headline_from(Some(as_of))
    }

    fn headline_from(&self, as_of: Option<ClinicalTime>) -> String {
        let pump = self.pump_ml_per_h.map_or(String::new(), |p| format!(" = {p}"));
        if self.action == Action::HoldAnticoagulant {
            let mut out = self.label.clone();
            if let Some(h) = self.hold_minutes {
                out.push_str(&format!(" {} min", h.shown()));
                // Only a hold that restarts at a rate has a clock time to restart at.
                if let Some(t) = as_of.filter(|_| self.rate.is_some()) {
                    #[allow(clippy::cast_possible_truncation, reason = "a hold of minutes")]
                    let restart = t.plus_minutes(h.value().round() as i64);
                    out.push_str(&format!(" (restart at {restart})"));
                }
                if self.call_senior {
                    out.push_str(" and call the senior");
                }
            }
            match (self.rate, &self.after_hold) {
                (Some(r), _) => out.push_str(&format!(", then {r}{pump}")),
                (None, Some(next)) => out.push_str(&format!("; {next}")),
                (None, None) => out.push_str("; restart only on a repeat result"),
            }
            return out;
        }
        let mut parts = vec![self.label.clone()];
        if let Some(d) = self.dose_units {
            parts.push(format!("{} {d}", self.drug));
        }
        if let Some(b) = self.bolus_units {
            parts.push(format!("bolus {b}"));
        }
        if let Some(r) = self.rate {
            parts.push(format!("{} {r}{pump}", self.drug));
        }
        if let Some(x) = &self.exceeds_hard_limit {
            parts.push(format!(
                "calculated {} {} exceeds the hard limit {} {}: decide with a senior clinician",
                crate::model::num(x.calculated, 3),
                x.unit,
                crate::model::num(x.limit, 3),
                x.unit
            ));
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

/// Heparin exposure at the as-of time (clinical reference §2), per kg of the heparin dosing weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeparinExposure {
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub units_last_24h: Units,
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub units_per_kg_last_24h: UnitsPerKg,
    /// The 24-h units (boluses included) ÷ dosing weight ÷ 24 h: always over a full 24 h, never over a
    /// shorter time on heparin (rev 2).
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub mean_units_per_kg_per_h: UnitsPerKgPerHour,
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub mean_window_h: Hours,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub current_rate_units_per_kg_per_h: Option<UnitsPerKgPerHour>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub current_rate_units_per_h: Option<UnitsPerHour>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub hours_since_last_change: Option<Hours>,
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub cumulative_units: Units,
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub cumulative_units_per_kg: UnitsPerKg,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub hours_on_heparin: Option<Hours>,
    /// When the current course began (a gap > 24 h starts a new one).
    pub course_start: Option<ClinicalTime>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub hours_in_course: Option<Hours>,
}

/// The patient's weights as the analysis used them (JSON `patient`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientWeights {
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub weight_kg: Kilograms,
    /// The heparin dosing weight.
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub dosing_weight_kg: Kilograms,
    pub dosing_weight_basis: crate::dosing::weight::WeightBasisUsed,
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub dti_dosing_weight_kg: Kilograms,
    pub age_group: crate::model::AgeGroup,
    /// The facts in effect at the analysis time (clinical reference §14.8; JSON `patient.facts`).
    pub facts: super::facts::Facts,
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

/// The perfusionist's numbers (clinical reference §10).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BypassAssessment {
    /// Heparin given for bypass (from the bypass bolus on), per kg.
    #[serde(serialize_with = "crate::model::rounded::quantity")]
    pub cumulative_units_per_kg: UnitsPerKg,
    /// When bypass heparin began (the bolus counted from), if found.
    pub bypass_heparin_from: Option<ClinicalTime>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub baseline_act_s: Option<Seconds>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub current_act_s: Option<Seconds>,
    /// `None` only when the protocol has no bypass section.
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub target_act_s: Option<Seconds>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub hdr_slope_s_per_unit_per_kg: Option<SecondsPerUnitPerKg>,
    /// The dose the line calculates (information when above the cap).
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub additional_units_per_kg_to_target: Option<UnitsPerKg>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub additional_units_to_target: Option<Units>,
    #[serde(serialize_with = "crate::model::rounded::option")]
    pub residual_heparin_units_per_kg: Option<UnitsPerKg>,
    #[serde(serialize_with = "crate::model::rounded::option")]
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
    /// The IANA zone of the case's clock: every time of the document is its wall clock, written with the
    /// offset (issue 22).
    pub time_zone: Zone,
    pub as_of: ClinicalTime,
    pub setting: Setting,
    pub protocol: ProtocolRef,
    pub patient: PatientWeights,
    pub heparin: HeparinExposure,
    /// The control the heparin aPTT range is built on, with its origin (an entered baseline, an aPTT drawn
    /// before any anticoagulant, or the laboratory's): the window shows it beside the card (issue 28).
    /// The JSON says it in the steps' words; it adds no field.
    #[serde(skip)]
    pub aptt_control: super::pairing::Control,
    pub findings: Vec<Finding>,
    /// HIT over time (clinical reference §14.1): from the history, the 4Ts suspicions and the assays.
    pub hit_status: super::hit_status::HitStatus,
    pub hit_4ts: Option<FourTs>,
    pub cpb: Option<BypassAssessment>,
    pub steps: Vec<Step>,
    pub recommendation: Recommendation,
    pub monitoring: Vec<MonitoringItem>,
    /// The danger line (empty when there is none).
    pub danger: Vec<Danger>,
    /// The running rate contradicts the levels: no dose until it is corrected or confirmed (§14.4).
    pub advice_paused: Option<AdvicePaused>,
    /// A past state: the analysis is before the case's latest event (JSON `past_state`, decisions.md;
    /// issue 28). Every place that shows or prints it says so.
    pub past_state: Option<PastState>,
    pub warnings: Vec<String>,
}

/// The latest event of a case whose past state an analysis is (JSON `past_state` = {latest_event}).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PastState {
    pub latest_event: ClinicalTime,
}

impl PastState {
    /// "PAST STATE — as of 7 Jan 2019 00:10; the latest is 12 Jan 2019 08:00": the band every view and
    /// print carries, each time with its day (it says which day the rest of the text is about).
    #[must_use]
    pub fn band(self, as_of: ClinicalTime) -> String {
        format!(
            "PAST STATE — as of {}; the latest is {}",
            as_of.dated_for_people(),
            self.latest_event.dated_for_people()
        )
    }
}

/// Why the advice is paused and the entry that paused it (JSON `advice_paused`, decisions.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvicePaused {
    pub reason: String,
    pub event_time: ClinicalTime,
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
            ft.suspected_by = ft.suspected_by.as_ref().map(|_| String::new());
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
    /// The SHA-256 of the protocol's exact bytes (issue 26; JSON `protocol.sha256`).
    pub sha256: String,
}
