//! The protocol file as written (RON): the first of the two loading stages. Numbers are plain `f64` here,
//! exactly as the institution typed them, so that `super::validate` can report every problem with its
//! field path, line and column; `super::build` then turns a valid file into the typed
//! [`super::Protocol`]. Files are read with unknown fields refused and no clinical field defaulted.

use serde::{Deserialize, Serialize};

use crate::model::{AgeGroup, Range, Setting};

/// A citation. Shared, not copied: every finding, step and recommendation that cites a rule points at
/// the protocol's one copy of the text.
pub type Source = std::sync::Arc<str>;

/// A single number with its citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSourcedRange {
    pub low: f64,
    pub high: f64,
    pub source: Source,
}

impl RawSourcedRange {
    #[must_use]
    pub fn range(&self) -> Range<f64> {
        Range {
            low: self.low,
            high: self.high,
        }
    }
}

/// Input plausibility: outside `hard_*` is refused; above `soft_max` is accepted with a warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    #[serde(deserialize_with = "crate::model::required_option")]
    pub hard_min: Option<f64>,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub hard_max: Option<f64>,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub soft_max: Option<f64>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlausibility {
    pub weight_kg: RawLimits,
    pub aptt_s: RawLimits,
    pub anti_xa_units_per_ml: RawLimits,
    pub antithrombin_percent: RawLimits,
    pub act_s: RawLimits,
    pub platelets: RawLimits,
    pub fibrinogen_g_per_l: RawLimits,
    pub inr: RawLimits,
    pub ufh_bolus_units: RawLimits,
    pub ufh_rate_units_per_kg_per_h: RawLimits,
    pub argatroban_mcg_per_kg_per_min: RawLimits,
    pub bivalirudin_mg_per_kg_per_h: RawLimits,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMonitoring {
    /// aPTT and anti-Xa drawn within this many minutes of each other form a pair.
    pub pairing_window_min: Sourced<f64>,
    /// A result older than this is stale.
    pub lab_max_age_h: Sourced<f64>,
    /// UFH: sample this long after a rate change (steady state).
    pub ufh_recheck_h: Sourced<f64>,
    /// UFH: after this many consecutive in-range samples, sample daily.
    pub ufh_in_range_before_daily: Sourced<u32>,
    pub daily_interval_h: Sourced<f64>,
    /// DTIs: aPTT this long after a start or change.
    pub dti_recheck_h: Sourced<f64>,
    /// Antithrombin: re-measure at these delays after a supplementation dose.
    pub at_recheck_after_dose_min: Sourced<Vec<f64>>,
    /// Antithrombin: re-measure at this interval while resistance persists.
    pub at_interval_while_resistant_h: Sourced<f64>,
    pub platelets_interval_h: Sourced<f64>,
    /// The anti-Xa range an aPTT range is calibrated against (the patient's own fitted aPTT↔anti-Xa
    /// relation is read at these two levels).
    pub aptt_calibration_anti_xa: RawSourcedRange,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResistance {
    /// R1: units in 24 h.
    pub r1_units_per_24h: Sourced<f64>,
    /// R2: mean units/kg/h (adults).
    pub r2_adult_units_per_kg_per_h: Sourced<f64>,
    /// R2: mean units/kg/h (children, infants, neonates).
    pub r2_pediatric_units_per_kg_per_h: Sourced<f64>,
    /// R3: this many consecutive samples below target.
    pub r3_consecutive_below_target: Sourced<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscordance {
    /// Source of the four-pattern table (clinical reference §4).
    pub patterns_source: Source,
    pub interference_plasma_free_hb_mg_per_dl: Sourced<f64>,
    pub interference_bilirubin_mg_per_dl: Sourced<f64>,
    /// What the coagulopathy pattern has been seen to carry (shown as a caveat). Format 2.
    pub coagulopathy_outcome_caveat: Sourced<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MonitoringAssay {
    AntiXa,
    Aptt,
}

/// What a nomogram reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NomogramInput {
    /// Anti-Xa in units/mL.
    AntiXa,
    /// aPTT divided by the control (baseline) aPTT.
    ApttRatio,
}

/// One band of a UFH nomogram: applies when `from <= value < to` (`to: None` = no upper bound).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNomogramRow {
    pub from: f64,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub to: Option<f64>,
    pub bolus_units_per_kg: f64,
    pub hold_min: f64,
    pub rate_change_units_per_kg_per_h: f64,
    pub recheck_h: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNomogram {
    pub name: String,
    pub input: NomogramInput,
    pub validated: bool,
    pub source: Source,
    pub rows: Vec<RawNomogramRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUfhStart {
    #[serde(deserialize_with = "crate::model::required_option")]
    pub bolus_units_per_kg: Option<f64>,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub bolus_max_units: Option<f64>,
    pub rate_units_per_kg_per_h: f64,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub rate_max_units_per_h: Option<f64>,
    /// Start doses use the weight capped here (adjusted weight on ECMO).
    #[serde(deserialize_with = "crate::model::required_option")]
    pub dosing_weight_cap_kg: Option<f64>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUfh {
    pub monitoring_assay: MonitoringAssay,
    pub anti_xa_target: RawSourcedRange,
    /// aPTT target as a ratio to the control (baseline) aPTT.
    pub aptt_target_ratio: RawSourcedRange,
    pub start: RawUfhStart,
    pub anti_xa_nomogram: RawNomogram,
    pub aptt_nomogram: RawNomogram,
    pub concentration_units_per_ml: Sourced<f64>,
    pub concentration_label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlasmaDerivedAt {
    pub product: String,
    /// Rise in AT % per units/kg given (label: 1.4; the formula divides by it).
    pub recovery_percent_per_unit_per_kg: f64,
    pub target_percent: f64,
    pub maintenance_range_percent: Range<f64>,
    pub load_target_percent: f64,
    /// Maintenance ≈ this fraction of the load every 24 h.
    pub maintenance_fraction_per_24h: f64,
    pub vial_units: Vec<f64>,
    /// Rise observed on ECMO (a warning, not used for dosing).
    pub ecmo_observed_recovery_percent_per_unit_per_kg: Sourced<f64>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecombinantAt {
    pub product: String,
    pub load_divisor: f64,
    pub maintenance_divisor: f64,
    pub pregnancy_load_divisor: f64,
    pub pregnancy_maintenance_divisor: f64,
    pub target_percent: f64,
    pub vial_units: Vec<f64>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlasmaAt {
    pub at_units_per_ml: f64,
    pub dose_ml_per_kg: Range<f64>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAntithrombin {
    pub deficiency_below_percent: Sourced<f64>,
    pub severe_below_percent: Sourced<f64>,
    pub caveat: Sourced<String>,
    pub plasma_derived: RawPlasmaDerivedAt,
    pub recombinant: RawRecombinantAt,
    pub plasma: RawPlasmaAt,
}

/// The 4Ts score (Lo 2006): item thresholds and bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHitScore {
    pub fall_two_points_above_percent: f64,
    pub fall_one_point_from_percent: f64,
    pub nadir_two_points_from: f64,
    pub nadir_one_point_from: f64,
    pub typical_onset_days: Range<f64>,
    pub possible_onset_from_day: f64,
    pub rapid_onset_within_days: f64,
    pub recent_exposure_days: f64,
    /// Heparin exposure within this many days (and after `recent_exposure_days`) scores the rapid-onset
    /// timing 1 point (Lo 2006: 30–100 days). Format 2.
    pub older_exposure_within_days: f64,
    pub low_max: u8,
    pub intermediate_max: u8,
    /// Stop heparin and switch to a DTI at or above this score.
    pub suspect_from: u8,
    pub mechanical_support_caveat: Source,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DtiDrug {
    Argatroban,
    Bivalirudin,
}

impl DtiDrug {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Argatroban => "argatroban",
            Self::Bivalirudin => "bivalirudin",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDtiChoice {
    pub preference: Sourced<DtiDrug>,
    /// Below this CrCl (or on RRT) the patient counts as renally impaired for the choice.
    pub renal_impairment_below_crcl_ml_min: Sourced<f64>,
    pub hepatic_rule_source: Source,
    pub low_flow_rule_source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArgatrobanColumn {
    CriticallyIll,
    NormalHepatic,
}

/// Argatroban titration band in aPTT seconds: `from <= aPTT < to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArgatrobanRow {
    pub from_s: f64,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub to_s: Option<f64>,
    pub change_critically_ill: f64,
    pub change_normal_hepatic: f64,
    pub hold_min: f64,
    pub stop_and_call: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArgatroban {
    pub concentration_mg_per_ml: Sourced<f64>,
    pub concentration_label: String,
    pub start_mcg_per_kg_per_min: Sourced<f64>,
    pub start_hepatic_mcg_per_kg_per_min: Sourced<f64>,
    pub label_start_mcg_per_kg_per_min: Sourced<f64>,
    /// Why the label start does not fit the critically ill (shown beside every argatroban start). Format 2.
    pub label_start_caveat: Sourced<String>,
    pub max_mcg_per_kg_per_min: Sourced<f64>,
    pub target_ratio: RawSourcedRange,
    pub target_max_s: Sourced<f64>,
    pub titration_column: ArgatrobanColumn,
    pub titration_source: Source,
    pub titration: Vec<RawArgatrobanRow>,
}

/// Bivalirudin start dose by CrCl band: `from <= CrCl < to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBivalirudinStartRow {
    pub crcl_from: f64,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub crcl_to: Option<f64>,
    pub mg_per_kg_per_h: f64,
}

/// Bivalirudin titration band in aPTT/baseline ratio: `from <= ratio < to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBivalirudinRow {
    pub from_ratio: f64,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub to_ratio: Option<f64>,
    pub change_percent: f64,
    pub hold_min: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBivalirudin {
    pub concentration_mg_per_ml: Sourced<f64>,
    pub concentration_label: String,
    pub start_by_crcl: Vec<RawBivalirudinStartRow>,
    pub start_crrt_mg_per_kg_per_h: f64,
    pub start_ihd_mg_per_kg_per_h: f64,
    /// What CRRT does to bivalirudin needs on ECMO (shown with a CRRT start). Format 2.
    pub crrt_caveat: Sourced<String>,
    pub start_source: Source,
    pub target_ratio: RawSourcedRange,
    pub titration_validated: bool,
    pub titration_source: Source,
    pub titration: Vec<RawBivalirudinRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProtamine {
    pub mg_per_100_units: f64,
    /// Infusion rule: fractions of the last, second-last and third-last hour's heparin.
    pub infusion_hour_fractions: Vec<f64>,
    pub max_mg_per_10_min: f64,
    pub max_total_mg_per_kg: f64,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBypass {
    pub initial_heparin_units_per_kg: Sourced<f64>,
    pub target_act_s: Sourced<f64>,
    /// R4: ACT below target after at least this cumulative dose.
    pub resistance_units_per_kg: Sourced<f64>,
    pub dose_response_valid_to_act_s: Sourced<f64>,
    pub low_sensitivity_below_s_per_unit_per_kg: Sourced<f64>,
    pub at_dose_units: Sourced<f64>,
    pub recombinant_at_units_per_kg: Sourced<f64>,
    pub andexanet_at_units_per_kg: Sourced<f64>,
    pub hit_agent: Sourced<DtiDrug>,
    /// What more heparin achieves against antithrombin on bypass (shown as an alternative). Format 2.
    pub more_heparin_outcome: Sourced<String>,
    pub protamine: RawProtamine,
}

/// A protocol file as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProtocol {
    pub format_version: u32,
    pub name: String,
    pub title: String,
    pub version: u32,
    pub description: String,
    pub settings: Vec<Setting>,
    pub age_groups: Vec<AgeGroup>,
    pub plausibility: RawPlausibility,
    pub monitoring: RawMonitoring,
    pub resistance: RawResistance,
    pub discordance: RawDiscordance,
    pub ufh: RawUfh,
    pub antithrombin: RawAntithrombin,
    pub hit: RawHitScore,
    pub dti: RawDtiChoice,
    pub argatroban: RawArgatroban,
    pub bivalirudin: RawBivalirudin,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub bypass: Option<RawBypass>,
}
