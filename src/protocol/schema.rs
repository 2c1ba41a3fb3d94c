//! The protocol file as written (RON): the first of the two loading stages. Numbers are plain `f64` here,
//! exactly as the institution typed them, so that `super::validate` can report every problem with its
//! field path, line and column; `super::build` then turns a valid file into the typed
//! [`super::Protocol`]. Files are read with unknown fields refused and no clinical field defaulted.

use serde::{Deserialize, Serialize};

use crate::model::{AgeGroup, Range, Setting};

pub use super::schema_rev3::{
    RaisedAssay, RawDtiWashout, RawHitAssays, RawOtherAnticoagulantRule, RawOtherAnticoagulants, RawPostOperative,
    RawSafety, RawSupplementedAssayReference, RawThrombocytopenia,
};
pub use super::sourced::{Source, Sourced};

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

/// Input plausibility (clinical reference §12): below `hard_min`, above `hard_max` or at or above
/// `hard_from` (a round number whose 10-fold slip must be caught) is refused, naming the likely
/// `mistake`; above `soft_max`, or non-zero below `soft_min`, is accepted with a warning. A
/// recommendation is checked against the same limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub hard_min: Option<f64>,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub hard_max: Option<f64>,
    /// Refused at or above (format 3).
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub hard_from: Option<f64>,
    /// Warned below, when not zero (format 3).
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub soft_min: Option<f64>,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub soft_max: Option<f64>,
    /// The likely mistake behind a value outside the limits, named in the message (format 3).
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub mistake: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlausibility {
    pub weight_kg: RawLimits,
    /// An "adult" lighter than this needs the weight confirmed (format 3).
    pub adult_weight_below_kg: Sourced<f64>,
    /// A weight that changes by more than this from the previous one needs confirming (format 3).
    pub weight_change_above_percent: Sourced<f64>,
    /// Format 3.
    pub height_cm: RawLimits,
    pub aptt_s: RawLimits,
    pub anti_xa_units_per_ml: RawLimits,
    pub antithrombin_percent: RawLimits,
    pub act_s: RawLimits,
    pub platelets: RawLimits,
    pub fibrinogen_g_per_l: RawLimits,
    pub inr: RawLimits,
    pub ufh_bolus_units: RawLimits,
    /// Format 3.
    pub ufh_bolus_units_per_kg: RawLimits,
    pub ufh_rate_units_per_kg_per_h: RawLimits,
    /// Format 3.
    pub ufh_rate_units_per_h: RawLimits,
    pub argatroban_mcg_per_kg_per_min: RawLimits,
    pub bivalirudin_mg_per_kg_per_h: RawLimits,
    /// Antithrombin concentrate per dose (format 3).
    pub antithrombin_units: RawLimits,
    pub antithrombin_units_per_kg: RawLimits,
    /// Protamine per dose (format 3).
    pub protamine_mg: RawLimits,
    pub protamine_mg_per_kg: RawLimits,
    /// Fresh frozen plasma per entry (format 3).
    pub ffp_ml: RawLimits,
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
    /// The patient's own fitted aPTT↔anti-Xa relation needs this many pairs (format 3).
    pub aptt_fit_min_pairs: Sourced<u32>,
    /// … drawn over at least this many hours (format 3).
    pub aptt_fit_min_span_h: Sourced<f64>,
    /// The control aPTT when the patient's baseline is not entered (heparin ratios; format 3).
    pub lab_control_aptt_s: Sourced<f64>,
    /// The laboratory's upper reference limit of the aPTT (format 3).
    pub aptt_reference_upper_s: Sourced<f64>,
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
    /// A gap without heparin longer than this starts a new course (format 3).
    pub new_course_after_gap_h: Sourced<f64>,
    /// Suspected resistance (b): R1 with non-response and a 24-h exposure, boluses included, of at
    /// least this many units/kg/h of dosing weight (format 3; institutional).
    pub suspected_exposure_units_per_kg_per_h: Sourced<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscordance {
    /// Source of the four-pattern table (clinical reference §4).
    pub patterns_source: Source,
    pub interference_plasma_free_hb_mg_per_dl: Sourced<f64>,
    pub interference_bilirubin_mg_per_dl: Sourced<f64>,
    /// Triglycerides above this in the hours before an anti-Xa make it unreliable (format 4).
    pub interference_triglycerides_mg_per_dl: Sourced<f64>,
    pub interference_triglycerides_within_h: Sourced<f64>,
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

/// One band of a UFH nomogram. The target ("no change") row is the closed interval `[from, to]`; rows
/// below it are `[from, to)`, rows above it `(from, to]` (`to: None` = no upper bound), so a result
/// (rounded half-up to reporting precision) on a target edge is in target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNomogramRow {
    pub from: f64,
    #[serde(deserialize_with = "crate::model::required::required_option")]
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
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub bolus_units_per_kg: Option<f64>,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub bolus_max_units: Option<f64>,
    pub rate_units_per_kg_per_h: f64,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub rate_max_units_per_h: Option<f64>,
    pub source: Source,
}

/// Which weight a drug's weight-based doses use (clinical reference §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WeightBasis {
    Actual,
    /// IBW + 0.4 × (actual − IBW), from height and sex; without them the capped actual weight.
    Adjusted,
}

/// A drug's dosing weight: its basis and an optional cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDosingWeight {
    pub basis: WeightBasis,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub cap_kg: Option<f64>,
    pub source: Source,
}

/// The ideal and adjusted body weight formulas (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBodyWeight {
    /// IBW = base + per_cm × (height − from_cm): Devine.
    pub ibw_male_base_kg: f64,
    pub ibw_female_base_kg: f64,
    pub ibw_kg_per_cm: f64,
    pub ibw_from_cm: f64,
    /// Adjusted = IBW + fraction × (actual − IBW).
    pub adjusted_fraction: f64,
    pub source: Source,
}

/// The weights each drug is dosed on (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDosingWeights {
    pub heparin: RawDosingWeight,
    pub direct_thrombin_inhibitors: RawDosingWeight,
    pub antithrombin: RawDosingWeight,
    pub body_weight: RawBodyWeight,
}

/// Caps on a single nomogram bolus outside bypass (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBolusCap {
    pub max_units: f64,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub max_units_per_kg: Option<f64>,
    pub source: Source,
}

/// Results so high that no timed restart is given after a hold (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNoTimedRestart {
    pub aptt_above_s: f64,
    pub anti_xa_from: f64,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUfh {
    pub monitoring_assay: MonitoringAssay,
    pub anti_xa_target: RawSourcedRange,
    /// aPTT target as a ratio to the control (baseline) aPTT: used when no calibrated range is set.
    pub aptt_target_ratio: RawSourcedRange,
    /// The aPTT range calibrated to anti-Xa for the local reagent, in seconds (format 3).
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub aptt_calibrated_range_s: Option<RawSourcedRange>,
    /// A heparin aPTT above this is a hold result whatever the ratio (format 3).
    pub aptt_hold_above_s: Sourced<f64>,
    /// Decreases never go below this rate; needing more is a hold with a call (format 3).
    pub minimum_rate_units_per_kg_per_h: Sourced<f64>,
    /// Format 3.
    pub bolus_cap: RawBolusCap,
    /// Format 3.
    pub no_timed_restart: RawNoTimedRestart,
    pub start: RawUfhStart,
    pub anti_xa_nomogram: RawNomogram,
    pub aptt_nomogram: RawNomogram,
    /// The bag: its amount (units) in its volume; the concentration and its label are derived (format 5).
    pub bag: RawBag,
    /// Refused when present (format 5): the label is derived from the bag.
    #[serde(default, deserialize_with = "written_label", skip_serializing_if = "Option::is_none")]
    pub concentration_label: Option<WrittenLabel>,
}

/// A `concentration_label` still written in a file (format 5 refuses it, whatever its value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WrittenLabel;

fn written_label<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<WrittenLabel>, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| Some(WrittenLabel))
}

/// An infusion bag as the pharmacy makes it (format 5, issue 26): an amount (units of heparin, mg of a
/// DTI) in a volume. The concentration is amount ÷ volume and the label is written from both, so a label
/// can never disagree with the number the pump rate is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBag {
    pub amount: f64,
    pub volume_ml: f64,
    pub source: Source,
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
    /// After a dose, decide on the first monitoring sample at least this long after it (format 3).
    pub decide_after_dose_h: Sourced<f64>,
    /// Antithrombin potentiates heparin (shown while supplementation is under way; format 3).
    pub heparin_potentiation_caveat: Sourced<String>,
    /// A dose rounded to vials is rounded up when the nearest combination is more than this many percent
    /// below the calculated dose (format 4).
    pub vial_round_up_short_percent: Sourced<f64>,
    /// After AT with an AT-supplemented anti-Xa assay the aPTT decides only when factor VIII and fibrinogen
    /// are within these reference ranges (format 4).
    pub supplemented_assay_reference: RawSupplementedAssayReference,
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

pub use crate::model::DtiDrug;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDtiChoice {
    pub preference: Sourced<DtiDrug>,
    /// Below this CrCl (or on RRT) the patient counts as renally impaired for the choice.
    pub renal_impairment_below_crcl_ml_min: Sourced<f64>,
    pub hepatic_rule_source: Source,
    pub low_flow_rule_source: Source,
    /// A bilirubin above this counts as hepatic impairment (format 3).
    pub hepatic_bilirubin_above_mg_per_dl: Sourced<f64>,
    /// … if it is no older than this (format 3).
    pub hepatic_bilirubin_max_age_h: Sourced<f64>,
    /// On a DTI an aPTT above `ratio` × baseline or `max_s`, whichever is lower, is held at once
    /// (format 3).
    pub hold_above: RawHoldAbove,
    /// Titration: "just below" the target means within this fraction of the baseline (format 3).
    pub titration_margin_baseline_fraction: Sourced<f64>,
    /// A baseline aPTT above this × the laboratory's upper reference makes the aPTT unreliable for DTI
    /// monitoring (format 3).
    pub aptt_unreliable_baseline_above_ratio: Sourced<f64>,
    /// What to say when a DTI or AT is recommended in pregnancy (format 3).
    pub pregnancy_caveat: Sourced<String>,
}

/// The DTI hold threshold (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHoldAbove {
    pub ratio: f64,
    pub max_s: f64,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArgatrobanColumn {
    CriticallyIll,
    NormalHepatic,
}

/// An argatroban step in mcg/kg/min, per column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArgatrobanStep {
    pub critically_ill: f64,
    pub normal_hepatic: f64,
}

/// Argatroban titration relative to the patient's target (clinical reference §8, rev 2): below the
/// lower bound by more than the margin, by up to it, in target (no change), above the upper bound
/// (hold and decrease), above the absolute cap (stop and call) (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArgatrobanTitration {
    pub far_below: RawArgatrobanStep,
    pub near_below: RawArgatrobanStep,
    pub above_target_hold_min: f64,
    pub above_target: RawArgatrobanStep,
    /// Above the cap: stop; aPTT after these hours; restart at this fraction once below the upper bound.
    pub above_cap_recheck_h: f64,
    pub above_cap_recheck_hepatic_h: f64,
    pub above_cap_restart_fraction: f64,
    pub above_cap_source: Source,
    /// Below this rate an increase is at most `small_rate_max_increase_fraction` of the rate.
    pub small_rate_below: f64,
    pub small_rate_max_increase_fraction: f64,
    pub small_rate_source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArgatroban {
    /// Amount in mg (format 5).
    pub bag: RawBag,
    /// Refused when present (format 5): the label is derived from the bag.
    #[serde(default, deserialize_with = "written_label", skip_serializing_if = "Option::is_none")]
    pub concentration_label: Option<WrittenLabel>,
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
    pub titration: RawArgatrobanTitration,
    /// Format 3.
    pub minimum_mcg_per_kg_per_min: Sourced<f64>,
}

/// Bivalirudin start dose by CrCl band: `from <= CrCl < to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBivalirudinStartRow {
    pub crcl_from: f64,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub crcl_to: Option<f64>,
    pub mg_per_kg_per_h: f64,
}

/// Bivalirudin titration relative to the patient's target (format 3): below it, above it, and above the
/// DTI hold threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBivalirudinTitration {
    pub below_target_percent: f64,
    pub above_target_percent: f64,
    pub above_hold_hold_min: f64,
    pub above_hold_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBivalirudin {
    /// Amount in mg (format 5).
    pub bag: RawBag,
    /// Refused when present (format 5): the label is derived from the bag.
    #[serde(default, deserialize_with = "written_label", skip_serializing_if = "Option::is_none")]
    pub concentration_label: Option<WrittenLabel>,
    pub start_by_crcl: Vec<RawBivalirudinStartRow>,
    pub start_crrt_mg_per_kg_per_h: f64,
    pub start_ihd_mg_per_kg_per_h: f64,
    /// What CRRT does to bivalirudin needs on ECMO (shown with a CRRT start). Format 2.
    pub crrt_caveat: Sourced<String>,
    pub start_source: Source,
    pub target_ratio: RawSourcedRange,
    pub titration_validated: bool,
    pub titration_source: Source,
    pub titration: RawBivalirudinTitration,
    /// Format 3.
    pub minimum_mg_per_kg_per_h: Sourced<f64>,
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
    /// Bypass heparin counts from the latest bolus of at least this with an ACT in the window before
    /// it (format 3).
    pub bypass_bolus_from_units_per_kg: Sourced<f64>,
    pub baseline_act_within_min: Sourced<f64>,
    /// Heparin infused this long before the baseline ACT makes it not heparin-free (format 3).
    pub heparin_free_after_h: Sourced<f64>,
    /// Caps on an additional dose and on the cumulative bypass dose (format 3).
    pub max_additional_units_per_kg: Sourced<f64>,
    pub max_cumulative_units_per_kg: Sourced<f64>,
    /// A gap longer than this between bypass heparin boluses and ACTs ends a bypass session (format 4).
    pub session_gap_h: Sourced<f64>,
    /// An antithrombin level this long before the baseline ACT is shown on the bypass advice (format 4).
    pub preoperative_at_within_h: Sourced<f64>,
    pub protamine: RawProtamine,
}

/// Bleeding risk read from labs (format 3): any of these counts as high bleeding risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBleedingRisk {
    pub platelets_below: f64,
    pub fibrinogen_below_g_per_l: f64,
    pub inr_above: f64,
    pub source: Source,
}

/// A non-heparin option shown among the alternatives (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub name: String,
    /// The regimen and what the app cannot assess.
    pub regimen: String,
    pub conditions: String,
    pub source: Source,
}

/// Fondaparinux by weight band (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFondaparinux {
    pub below_kg: f64,
    pub mg_below: f64,
    pub up_to_kg: f64,
    pub mg_middle: f64,
    pub mg_above: f64,
    pub avoid_below_crcl_ml_min: f64,
    pub conditions: String,
    pub source: Source,
}

/// The non-heparin options besides the DTIs, shown in the ICU setting only (format 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOtherOptions {
    pub fondaparinux: RawFondaparinux,
    pub danaparoid: RawOption,
    pub doac: RawOption,
    /// For heparin resistance itself (not HIT), LMWH and DOACs are not supported.
    pub resistance_caveat: Sourced<String>,
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
    /// Format 3.
    pub dosing_weight: RawDosingWeights,
    /// Format 3.
    pub bleeding_risk: RawBleedingRisk,
    pub monitoring: RawMonitoring,
    pub resistance: RawResistance,
    pub discordance: RawDiscordance,
    pub ufh: RawUfh,
    pub antithrombin: RawAntithrombin,
    pub hit: RawHitScore,
    pub dti: RawDtiChoice,
    pub argatroban: RawArgatroban,
    pub bivalirudin: RawBivalirudin,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub bypass: Option<RawBypass>,
    /// ICU only (format 3).
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub other_options: Option<RawOtherOptions>,
    /// Anticoagulants given before heparin (format 4).
    pub other_anticoagulants: RawOtherAnticoagulants,
    /// Revision 3's safety numbers (format 4).
    pub safety: RawSafety,
}
