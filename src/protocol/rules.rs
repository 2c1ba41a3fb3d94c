//! The validated protocol's content, typed: what the engine reads. Every number carries its unit in its
//! type and every rule its source. Built only by `super::build` from a file that passed
//! `super::validate`, so the tables here are ordered, gap-free and inside their limits.

use crate::model::{
    AntiXaLevel, Days, Fraction, GramsPerLitre, Hours, Inr, Kilograms, McgPerKgPerMin, MgPerDl, MgPerHundredUnits,
    MgPerKg, MgPerKgPerHour, MgPerMl, Milligrams, Minutes, MlPerKg, MlPerMin, Percent, PercentPerUnitPerKg,
    PlateletCount, Range, Ratio, Seconds, SecondsPerUnitPerKg, Units, UnitsPerHour, UnitsPerKg, UnitsPerKgPerHour,
    UnitsPerMl,
};

pub use super::schema::{ArgatrobanColumn, DtiDrug, MonitoringAssay, NomogramInput, Source, Sourced};

/// Input plausibility for one quantity: outside `hard_*` is refused; above `soft_max` accepted with a
/// warning.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits<Q> {
    pub hard_min: Option<Q>,
    pub hard_max: Option<Q>,
    pub soft_max: Option<Q>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plausibility {
    pub weight_kg: Limits<Kilograms>,
    pub aptt_s: Limits<Seconds>,
    pub anti_xa_units_per_ml: Limits<AntiXaLevel>,
    pub antithrombin_percent: Limits<Percent>,
    pub act_s: Limits<Seconds>,
    pub platelets: Limits<PlateletCount>,
    pub fibrinogen_g_per_l: Limits<GramsPerLitre>,
    pub inr: Limits<Inr>,
    pub ufh_bolus_units: Limits<Units>,
    pub ufh_rate_units_per_kg_per_h: Limits<UnitsPerKgPerHour>,
    pub argatroban_mcg_per_kg_per_min: Limits<McgPerKgPerMin>,
    pub bivalirudin_mg_per_kg_per_h: Limits<MgPerKgPerHour>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Monitoring {
    /// aPTT and anti-Xa drawn within this many minutes of each other form a pair.
    pub pairing_window_min: Sourced<Minutes>,
    /// A result older than this is stale.
    pub lab_max_age_h: Sourced<Hours>,
    /// UFH: sample this long after a rate change (steady state).
    pub ufh_recheck_h: Sourced<Hours>,
    /// UFH: after this many consecutive in-range samples, sample daily.
    pub ufh_in_range_before_daily: Sourced<u32>,
    pub daily_interval_h: Sourced<Hours>,
    /// DTIs: aPTT this long after a start or change.
    pub dti_recheck_h: Sourced<Hours>,
    /// Antithrombin: re-measure at these delays after a supplementation dose.
    pub at_recheck_after_dose_min: Sourced<Vec<Minutes>>,
    /// Antithrombin: re-measure at this interval while resistance persists.
    pub at_interval_while_resistant_h: Sourced<Hours>,
    pub platelets_interval_h: Sourced<Hours>,
    /// The anti-Xa range an aPTT range is calibrated against.
    pub aptt_calibration_anti_xa: Sourced<Range<AntiXaLevel>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resistance {
    /// R1: units in 24 h.
    pub r1_units_per_24h: Sourced<Units>,
    /// R2: mean units/kg/h (adults).
    pub r2_adult_units_per_kg_per_h: Sourced<UnitsPerKgPerHour>,
    /// R2: mean units/kg/h (children, infants, neonates).
    pub r2_pediatric_units_per_kg_per_h: Sourced<UnitsPerKgPerHour>,
    /// R3: this many consecutive samples below target.
    pub r3_consecutive_below_target: Sourced<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Discordance {
    pub patterns_source: Source,
    pub interference_plasma_free_hb_mg_per_dl: Sourced<MgPerDl>,
    pub interference_bilirubin_mg_per_dl: Sourced<MgPerDl>,
    pub coagulopathy_outcome_caveat: Sourced<String>,
}

/// One band of a UFH nomogram: applies when `from <= value < to` (`to: None` = no upper bound), the value
/// in the nomogram's input (anti-Xa in units/mL, or the aPTT as a ratio to control).
#[derive(Debug, Clone, PartialEq)]
pub struct NomogramRow {
    pub from: f64,
    pub to: Option<f64>,
    pub bolus_units_per_kg: UnitsPerKg,
    pub hold_min: Minutes,
    /// Signed change of the rate in units/kg/h of dosing weight.
    pub rate_change_units_per_kg_per_h: f64,
    pub recheck_h: Hours,
}

impl NomogramRow {
    /// Whether the row asks for no bolus, no hold and no rate change.
    #[must_use]
    pub fn is_no_change(&self) -> bool {
        self.bolus_units_per_kg.value() == 0.0
            && self.hold_min.value() == 0.0
            && self.rate_change_units_per_kg_per_h == 0.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Nomogram {
    pub name: String,
    pub input: NomogramInput,
    pub validated: bool,
    pub source: Source,
    pub rows: Vec<NomogramRow>,
}

impl Nomogram {
    /// The row for a value in the nomogram's input: `from <= value < to`.
    #[must_use]
    pub fn row(&self, value: f64) -> Option<(usize, &NomogramRow)> {
        self.rows
            .iter()
            .enumerate()
            .find(|(_, r)| value >= r.from && r.to.is_none_or(|to| value < to))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UfhStart {
    pub bolus_units_per_kg: Option<UnitsPerKg>,
    pub bolus_max_units: Option<Units>,
    pub rate_units_per_kg_per_h: UnitsPerKgPerHour,
    pub rate_max_units_per_h: Option<UnitsPerHour>,
    /// Start doses use the weight capped here (adjusted weight on ECMO).
    pub dosing_weight_cap_kg: Option<Kilograms>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ufh {
    pub monitoring_assay: MonitoringAssay,
    pub anti_xa_target: Sourced<Range<AntiXaLevel>>,
    /// aPTT target as a ratio to the control (baseline) aPTT.
    pub aptt_target_ratio: Sourced<Range<Ratio>>,
    pub start: UfhStart,
    pub anti_xa_nomogram: Nomogram,
    pub aptt_nomogram: Nomogram,
    pub concentration_units_per_ml: Sourced<UnitsPerMl>,
    pub concentration_label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlasmaDerivedAt {
    pub product: String,
    /// Rise in AT % per units/kg given (label: 1.4; the formula divides by it).
    pub recovery_percent_per_unit_per_kg: PercentPerUnitPerKg,
    pub target_percent: Percent,
    pub maintenance_range_percent: Range<Percent>,
    pub load_target_percent: Percent,
    /// Maintenance ≈ this fraction of the load every 24 h.
    pub maintenance_fraction_per_24h: Fraction,
    pub vial_units: Vec<Units>,
    /// Rise observed on ECMO (a warning, not used for dosing).
    pub ecmo_observed_recovery_percent_per_unit_per_kg: Sourced<PercentPerUnitPerKg>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecombinantAt {
    pub product: String,
    /// Label divisors: percentage points of activity per units/kg (load) and per units/kg/h
    /// (maintenance).
    pub load_divisor: PercentPerUnitPerKg,
    pub maintenance_divisor: PercentPerUnitPerKg,
    pub pregnancy_load_divisor: PercentPerUnitPerKg,
    pub pregnancy_maintenance_divisor: PercentPerUnitPerKg,
    pub target_percent: Percent,
    pub vial_units: Vec<Units>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlasmaAt {
    pub at_units_per_ml: UnitsPerMl,
    pub dose_ml_per_kg: Range<MlPerKg>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Antithrombin {
    pub deficiency_below_percent: Sourced<Percent>,
    pub severe_below_percent: Sourced<Percent>,
    pub caveat: Sourced<String>,
    pub plasma_derived: PlasmaDerivedAt,
    pub recombinant: RecombinantAt,
    pub plasma: PlasmaAt,
}

/// The 4Ts score (Lo 2006): item thresholds and bands.
#[derive(Debug, Clone, PartialEq)]
pub struct HitScore {
    pub fall_two_points_above_percent: Percent,
    pub fall_one_point_from_percent: Percent,
    pub nadir_two_points_from: PlateletCount,
    pub nadir_one_point_from: PlateletCount,
    pub typical_onset_days: Range<Days>,
    pub possible_onset_from_day: Days,
    pub rapid_onset_within_days: Days,
    pub recent_exposure_days: Days,
    pub older_exposure_within_days: Days,
    pub low_max: u8,
    pub intermediate_max: u8,
    /// Stop heparin and switch to a DTI at or above this score.
    pub suspect_from: u8,
    pub mechanical_support_caveat: Source,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DtiChoice {
    pub preference: Sourced<DtiDrug>,
    /// Below this CrCl (or on RRT) the patient counts as renally impaired for the choice.
    pub renal_impairment_below_crcl_ml_min: Sourced<MlPerMin>,
    pub hepatic_rule_source: Source,
    pub low_flow_rule_source: Source,
}

/// Argatroban titration band in aPTT seconds: `from <= aPTT < to`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgatrobanRow {
    pub from_s: Seconds,
    pub to_s: Option<Seconds>,
    /// Signed changes in mcg/kg/min.
    pub change_critically_ill: f64,
    pub change_normal_hepatic: f64,
    pub hold_min: Minutes,
    pub stop_and_call: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Argatroban {
    pub concentration_mg_per_ml: Sourced<MgPerMl>,
    pub concentration_label: String,
    pub start_mcg_per_kg_per_min: Sourced<McgPerKgPerMin>,
    pub start_hepatic_mcg_per_kg_per_min: Sourced<McgPerKgPerMin>,
    pub label_start_mcg_per_kg_per_min: Sourced<McgPerKgPerMin>,
    pub label_start_caveat: Sourced<String>,
    pub max_mcg_per_kg_per_min: Sourced<McgPerKgPerMin>,
    pub target_ratio: Sourced<Range<Ratio>>,
    pub target_max_s: Sourced<Seconds>,
    pub titration_column: ArgatrobanColumn,
    pub titration_source: Source,
    pub titration: Vec<ArgatrobanRow>,
}

impl Argatroban {
    /// The titration row for an aPTT.
    #[must_use]
    pub fn row(&self, aptt: Seconds) -> Option<&ArgatrobanRow> {
        self.titration
            .iter()
            .find(|r| aptt >= r.from_s && r.to_s.is_none_or(|to| aptt < to))
    }
}

/// Bivalirudin start dose by CrCl band: `from <= CrCl < to`.
#[derive(Debug, Clone, PartialEq)]
pub struct BivalirudinStartRow {
    pub crcl_from: MlPerMin,
    pub crcl_to: Option<MlPerMin>,
    pub mg_per_kg_per_h: MgPerKgPerHour,
}

/// Bivalirudin titration band in aPTT/baseline ratio: `from <= ratio < to`.
#[derive(Debug, Clone, PartialEq)]
pub struct BivalirudinRow {
    pub from_ratio: Ratio,
    pub to_ratio: Option<Ratio>,
    /// Signed percentage change of the rate.
    pub change_percent: f64,
    pub hold_min: Minutes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bivalirudin {
    pub concentration_mg_per_ml: Sourced<MgPerMl>,
    pub concentration_label: String,
    pub start_by_crcl: Vec<BivalirudinStartRow>,
    pub start_crrt_mg_per_kg_per_h: MgPerKgPerHour,
    pub start_ihd_mg_per_kg_per_h: MgPerKgPerHour,
    pub crrt_caveat: Sourced<String>,
    pub start_source: Source,
    pub target_ratio: Sourced<Range<Ratio>>,
    pub titration_validated: bool,
    pub titration_source: Source,
    pub titration: Vec<BivalirudinRow>,
}

impl Bivalirudin {
    /// The titration row for an aPTT ratio to baseline.
    #[must_use]
    pub fn row(&self, ratio: Ratio) -> Option<&BivalirudinRow> {
        self.titration
            .iter()
            .find(|r| ratio >= r.from_ratio && r.to_ratio.is_none_or(|to| ratio < to))
    }

    /// The start row for a creatinine clearance.
    #[must_use]
    pub fn start_row(&self, crcl: MlPerMin) -> Option<&BivalirudinStartRow> {
        self.start_by_crcl
            .iter()
            .find(|r| crcl >= r.crcl_from && r.crcl_to.is_none_or(|to| crcl < to))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Protamine {
    pub mg_per_100_units: MgPerHundredUnits,
    /// Infusion rule: fractions of the last, second-last and third-last hour's heparin.
    pub infusion_hour_fractions: Vec<Fraction>,
    pub max_mg_per_10_min: Milligrams,
    pub max_total_mg_per_kg: MgPerKg,
    pub source: Source,
}

impl Protamine {
    /// The infusion rule in words: "100% of the last hour + 50% + 25%".
    #[must_use]
    pub fn infusion_rule_text(&self) -> String {
        let percent = |f: Fraction| crate::model::num(f.value() * 100.0, 0);
        let mut parts = self.infusion_hour_fractions.iter().map(|f| format!("{}%", percent(*f)));
        let first = parts
            .next()
            .map(|p| format!("{p} of the last hour"))
            .unwrap_or_default();
        std::iter::once(first).chain(parts).collect::<Vec<_>>().join(" + ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bypass {
    pub initial_heparin_units_per_kg: Sourced<UnitsPerKg>,
    pub target_act_s: Sourced<Seconds>,
    /// R4: ACT below target after at least this cumulative dose.
    pub resistance_units_per_kg: Sourced<UnitsPerKg>,
    pub dose_response_valid_to_act_s: Sourced<Seconds>,
    pub low_sensitivity_below_s_per_unit_per_kg: Sourced<SecondsPerUnitPerKg>,
    pub at_dose_units: Sourced<Units>,
    pub recombinant_at_units_per_kg: Sourced<UnitsPerKg>,
    pub andexanet_at_units_per_kg: Sourced<UnitsPerKg>,
    pub hit_agent: Sourced<DtiDrug>,
    pub more_heparin_outcome: Sourced<String>,
    pub protamine: Protamine,
}
