//! The validated protocol's content, typed: what the engine reads. Every number carries its unit in its
//! type and every rule its source. Built only by `super::build` from a file that passed
//! `super::validate`, so the tables here are ordered, gap-free and inside their limits.

use crate::model::{
    AntiXaLevel, Centimetres, Days, Fraction, GramsPerLitre, Hours, Inr, Kilograms, McgPerKgPerMin, MgPerDl,
    MgPerHundredUnits, MgPerKg, MgPerKgPerHour, MgPerMl, Milligrams, Millilitres, Minutes, MlPerKg, MlPerMin, Percent,
    PercentPerUnitPerKg, PlateletCount, Range, Ratio, Seconds, SecondsPerUnitPerKg, Units, UnitsPerHour, UnitsPerKg,
    UnitsPerKgPerHour, UnitsPerMl,
};

pub use super::schema::{ArgatrobanColumn, DtiDrug, MonitoringAssay, NomogramInput, Source, Sourced, WeightBasis};

/// Input plausibility for one quantity (clinical reference §12): below `hard_min`, above `hard_max` or
/// at or above `hard_from` is refused (naming the likely `mistake`); above `soft_max`, or non-zero below
/// `soft_min`, accepted with a warning.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits<Q> {
    pub hard_min: Option<Q>,
    pub hard_max: Option<Q>,
    pub hard_from: Option<Q>,
    pub soft_min: Option<Q>,
    pub soft_max: Option<Q>,
    pub mistake: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plausibility {
    pub weight_kg: Limits<Kilograms>,
    pub adult_weight_below_kg: Sourced<Kilograms>,
    pub weight_change_above_percent: Sourced<Percent>,
    pub height_cm: Limits<Centimetres>,
    pub aptt_s: Limits<Seconds>,
    pub anti_xa_units_per_ml: Limits<AntiXaLevel>,
    pub antithrombin_percent: Limits<Percent>,
    pub act_s: Limits<Seconds>,
    pub platelets: Limits<PlateletCount>,
    pub fibrinogen_g_per_l: Limits<GramsPerLitre>,
    pub inr: Limits<Inr>,
    pub ufh_bolus_units: Limits<Units>,
    pub ufh_bolus_units_per_kg: Limits<UnitsPerKg>,
    pub ufh_rate_units_per_kg_per_h: Limits<UnitsPerKgPerHour>,
    pub ufh_rate_units_per_h: Limits<UnitsPerHour>,
    pub argatroban_mcg_per_kg_per_min: Limits<McgPerKgPerMin>,
    pub bivalirudin_mg_per_kg_per_h: Limits<MgPerKgPerHour>,
    pub antithrombin_units: Limits<Units>,
    pub antithrombin_units_per_kg: Limits<UnitsPerKg>,
    pub protamine_mg: Limits<Milligrams>,
    pub protamine_mg_per_kg: Limits<MgPerKg>,
    pub ffp_ml: Limits<Millilitres>,
}

impl Plausibility {
    /// The highest heparin rate the protocol accepts for a dosing weight, in units/kg/h: its per-kg
    /// maximum and its per-hour limits (a rate at or above `hard_from` is refused) — the one ceiling the
    /// forecast's rate to target and the What if slider are held to. Unlimited when the protocol sets none.
    #[must_use]
    pub fn ufh_rate_ceiling_units_per_kg_per_h(&self, dosing_kg: f64) -> f64 {
        let per_h = &self.ufh_rate_units_per_h;
        self.ufh_rate_units_per_kg_per_h
            .hard_max
            .map_or(f64::INFINITY, |m| m.value())
            .min(per_h.hard_from.map_or(f64::INFINITY, |m| (m.value() - 1.0) / dosing_kg))
            .min(per_h.hard_max.map_or(f64::INFINITY, |m| m.value() / dosing_kg))
    }
}

/// Which weight a drug's weight-based doses use, and its cap.
#[derive(Debug, Clone, PartialEq)]
pub struct DosingWeight {
    pub basis: WeightBasis,
    pub cap_kg: Option<Kilograms>,
    pub source: Source,
}

/// Ideal body weight (Devine) and the adjusted weight built on it.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyWeight {
    pub ibw_male_base_kg: Kilograms,
    pub ibw_female_base_kg: Kilograms,
    /// kg per cm above `ibw_from_cm`.
    pub ibw_kg_per_cm: f64,
    pub ibw_from_cm: Centimetres,
    pub adjusted_fraction: Fraction,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DosingWeights {
    pub heparin: DosingWeight,
    pub direct_thrombin_inhibitors: DosingWeight,
    pub antithrombin: DosingWeight,
    pub body_weight: BodyWeight,
}

/// High bleeding risk read from labs (clinical reference §5).
#[derive(Debug, Clone, PartialEq)]
pub struct BleedingRisk {
    pub platelets_below: PlateletCount,
    pub fibrinogen_below: GramsPerLitre,
    pub inr_above: Inr,
    pub source: Source,
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
    /// The patient's own fitted relation: at least this many pairs …
    pub aptt_fit_min_pairs: Sourced<u32>,
    /// … spanning at least this long.
    pub aptt_fit_min_span_h: Sourced<Hours>,
    /// The control aPTT without a patient baseline.
    pub lab_control_aptt_s: Sourced<Seconds>,
    /// The laboratory's upper reference limit of the aPTT.
    pub aptt_reference_upper_s: Sourced<Seconds>,
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
    /// A gap without heparin longer than this starts a new course.
    pub new_course_after_gap_h: Sourced<Hours>,
    /// Suspected resistance (b): the 24-h exposure with boluses at least this (institutional).
    pub suspected_exposure_units_per_kg_per_h: Sourced<UnitsPerKgPerHour>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Discordance {
    pub patterns_source: Source,
    pub interference_plasma_free_hb_mg_per_dl: Sourced<MgPerDl>,
    pub interference_bilirubin_mg_per_dl: Sourced<MgPerDl>,
    pub interference_triglycerides_mg_per_dl: Sourced<MgPerDl>,
    pub interference_triglycerides_within_h: Sourced<Hours>,
    pub coagulopathy_outcome_caveat: Sourced<String>,
}

/// One band of a UFH nomogram, in the nomogram's input (anti-Xa in units/mL, or the aPTT as a ratio to
/// control). The target row is `[from, to]`; rows below it `[from, to)`; rows above it `(from, to]`
/// (`to: None` = no upper bound).
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
    /// The "no change" row: exactly the target range (the loader checks it).
    pub target_row: usize,
}

impl Nomogram {
    /// The row for a value (already rounded to reporting precision) in the nomogram's input: `[from, to)`
    /// below the target row, `[from, to]` for it, `(from, to]` above it.
    #[must_use]
    pub fn row(&self, value: f64) -> Option<(usize, &NomogramRow)> {
        self.rows.iter().enumerate().find(|(i, r)| {
            let upper_ok = |inclusive: bool| r.to.is_none_or(|to| if inclusive { value <= to } else { value < to });
            match i.cmp(&self.target_row) {
                std::cmp::Ordering::Less => value >= r.from && upper_ok(false),
                std::cmp::Ordering::Equal => value >= r.from && upper_ok(true),
                std::cmp::Ordering::Greater => value > r.from && upper_ok(true),
            }
        })
    }

    /// The first row (from the target up) with a hold: results in it or above are acted on at once
    /// (clinical reference §5, newest result first).
    #[must_use]
    pub fn first_hold_row(&self) -> Option<(usize, &NomogramRow)> {
        self.rows
            .iter()
            .enumerate()
            .skip(self.target_row)
            .find(|(_, r)| r.hold_min.value() > 0.0)
    }

    /// The lowest row: a result in it means almost no heparin effect (non-response, §3).
    #[must_use]
    pub fn lowest_row(&self) -> Option<&NomogramRow> {
        self.rows.first().filter(|_| self.target_row > 0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UfhStart {
    pub bolus_units_per_kg: Option<UnitsPerKg>,
    pub bolus_max_units: Option<Units>,
    pub rate_units_per_kg_per_h: UnitsPerKgPerHour,
    pub rate_max_units_per_h: Option<UnitsPerHour>,
    pub source: Source,
}

/// Caps on one nomogram bolus (outside bypass).
#[derive(Debug, Clone, PartialEq)]
pub struct BolusCap {
    pub max_units: Units,
    pub max_units_per_kg: Option<UnitsPerKg>,
    pub source: Source,
}

/// Results after which a hold has no timed restart.
#[derive(Debug, Clone, PartialEq)]
pub struct NoTimedRestart {
    pub aptt_above_s: Seconds,
    pub anti_xa_from: AntiXaLevel,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ufh {
    pub monitoring_assay: MonitoringAssay,
    pub anti_xa_target: Sourced<Range<AntiXaLevel>>,
    /// aPTT target as a ratio to the control (baseline) aPTT.
    pub aptt_target_ratio: Sourced<Range<Ratio>>,
    /// The calibrated aPTT range in seconds, when set: it replaces ratio × control everywhere.
    pub aptt_calibrated_range_s: Option<Sourced<Range<Seconds>>>,
    pub aptt_hold_above_s: Sourced<Seconds>,
    pub minimum_rate_units_per_kg_per_h: Sourced<UnitsPerKgPerHour>,
    pub bolus_cap: BolusCap,
    pub no_timed_restart: NoTimedRestart,
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
    pub decide_after_dose_h: Sourced<Hours>,
    pub heparin_potentiation_caveat: Sourced<String>,
    pub vial_round_up_short_percent: Sourced<Percent>,
    pub supplemented_assay_reference: SupplementedAssayReference,
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
    pub hepatic_bilirubin_above_mg_per_dl: Sourced<MgPerDl>,
    pub hepatic_bilirubin_max_age_h: Sourced<Hours>,
    pub hold_above: HoldAbove,
    pub titration_margin_baseline_fraction: Sourced<Fraction>,
    pub aptt_unreliable_baseline_above_ratio: Sourced<Ratio>,
    pub pregnancy_caveat: Sourced<String>,
}

/// On a DTI, an aPTT above `ratio` × baseline or `max_s`, whichever is lower, is acted on at once.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldAbove {
    pub ratio: Ratio,
    pub max_s: Seconds,
    pub source: Source,
}

/// An argatroban step (signed, mcg/kg/min) in each column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArgatrobanStep {
    pub critically_ill: f64,
    pub normal_hepatic: f64,
}

impl ArgatrobanStep {
    #[must_use]
    pub fn of(self, column: ArgatrobanColumn) -> f64 {
        match column {
            ArgatrobanColumn::CriticallyIll => self.critically_ill,
            ArgatrobanColumn::NormalHepatic => self.normal_hepatic,
        }
    }
}

/// Argatroban titration relative to the patient's target (clinical reference §8, rev 2).
#[derive(Debug, Clone, PartialEq)]
pub struct ArgatrobanTitration {
    pub far_below: ArgatrobanStep,
    pub near_below: ArgatrobanStep,
    pub above_target_hold_min: Minutes,
    pub above_target: ArgatrobanStep,
    pub above_cap_recheck_h: Hours,
    pub above_cap_recheck_hepatic_h: Hours,
    pub above_cap_restart_fraction: Fraction,
    pub above_cap_source: Source,
    pub small_rate_below: McgPerKgPerMin,
    pub small_rate_max_increase_fraction: Fraction,
    pub small_rate_source: Source,
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
    pub titration: ArgatrobanTitration,
    pub minimum_mcg_per_kg_per_min: Sourced<McgPerKgPerMin>,
}

/// Bivalirudin start dose by CrCl band: `from <= CrCl < to`.
#[derive(Debug, Clone, PartialEq)]
pub struct BivalirudinStartRow {
    pub crcl_from: MlPerMin,
    pub crcl_to: Option<MlPerMin>,
    pub mg_per_kg_per_h: MgPerKgPerHour,
}

/// Bivalirudin titration relative to the patient's target: signed percentage changes.
#[derive(Debug, Clone, PartialEq)]
pub struct BivalirudinTitration {
    pub below_target_percent: f64,
    pub above_target_percent: f64,
    pub above_hold_hold_min: Minutes,
    pub above_hold_percent: f64,
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
    pub titration: BivalirudinTitration,
    pub minimum_mg_per_kg_per_h: Sourced<MgPerKgPerHour>,
}

impl Bivalirudin {
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
    pub bypass_bolus_from_units_per_kg: Sourced<UnitsPerKg>,
    pub baseline_act_within_min: Sourced<Minutes>,
    pub heparin_free_after_h: Sourced<Hours>,
    pub max_additional_units_per_kg: Sourced<UnitsPerKg>,
    pub max_cumulative_units_per_kg: Sourced<UnitsPerKg>,
    pub session_gap_h: Sourced<Hours>,
    pub preoperative_at_within_h: Sourced<Hours>,
    pub protamine: Protamine,
}

/// Fondaparinux: weight-banded once-daily doses (shown among the ICU alternatives).
#[derive(Debug, Clone, PartialEq)]
pub struct Fondaparinux {
    pub below_kg: Kilograms,
    pub mg_below: Milligrams,
    pub up_to_kg: Kilograms,
    pub mg_middle: Milligrams,
    pub mg_above: Milligrams,
    pub avoid_below_crcl: MlPerMin,
    pub conditions: String,
    pub source: Source,
}

impl Fondaparinux {
    /// The daily dose for a weight.
    #[must_use]
    pub fn dose(&self, weight: Kilograms) -> Milligrams {
        if weight < self.below_kg {
            self.mg_below
        } else if weight <= self.up_to_kg {
            self.mg_middle
        } else {
            self.mg_above
        }
    }
}

/// Another non-heparin option, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherOption {
    pub name: String,
    pub regimen: String,
    pub conditions: String,
    pub source: Source,
}

/// The non-heparin options besides the DTIs (ICU only).
#[derive(Debug, Clone, PartialEq)]
pub struct OtherOptions {
    pub fondaparinux: Fondaparinux,
    pub danaparoid: OtherOption,
    pub doac: OtherOption,
    pub resistance_caveat: Sourced<String>,
}

/// One drug's rule, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherAnticoagulantRule {
    pub drug: crate::model::OtherAnticoagulant,
    pub raises: super::schema::RaisedAssay,
    pub window_h: Hours,
    pub renal_window_h: Hours,
    /// The middle renal band: its window and the CrCl below which it applies.
    pub moderate_renal: Option<(Hours, MlPerMin)>,
    pub hepatic_lengthens: bool,
    pub next_dose_h: Hours,
    pub renal_next_dose_h: Hours,
    pub source: Source,
}

/// The section, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherAnticoagulants {
    pub drugs: Vec<OtherAnticoagulantRule>,
    pub renal_crcl_below_ml_min: Sourced<MlPerMin>,
    pub window_ends_anti_xa_below: Sourced<AntiXaLevel>,
    pub window_ends_concordant_pairs_apart_h: Sourced<Hours>,
    pub window_ends_thrombin_time_below: Sourced<Seconds>,
}

impl OtherAnticoagulants {
    /// The rule for a drug, if the protocol has one.
    #[must_use]
    pub fn rule(&self, drug: crate::model::OtherAnticoagulant) -> Option<&OtherAnticoagulantRule> {
        self.drugs.iter().find(|r| r.drug == drug)
    }
}

/// Factor VIII and fibrinogen reference ranges: within them the aPTT may decide after AT when the anti-Xa
/// assay adds antithrombin (clinical reference §14.6).
#[derive(Debug, Clone, PartialEq)]
pub struct SupplementedAssayReference {
    pub factor_viii_percent: Range<Percent>,
    pub fibrinogen_g_per_l: Range<GramsPerLitre>,
    pub source: Source,
}

/// Revision 3's safety numbers (clinical reference §14.1–§14.4), typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Safety {
    pub post_operative: PostOperative,
    pub thrombocytopenia: Thrombocytopenia,
    pub dti_washout: DtiWashout,
    pub hit_assays: HitAssays,
    pub bleeding_stop_within_h: Sourced<Hours>,
}

/// The first hours after surgery (§14.3).
#[derive(Debug, Clone, PartialEq)]
pub struct PostOperative {
    pub high_risk_window_h: Hours,
    pub standard_window_h: Hours,
    pub protamine_window_h: Hours,
    pub start: UnitsPerKgPerHour,
    pub start_max: UnitsPerHour,
    pub source: Source,
    pub start_source: Source,
}

/// Thrombocytopenia outside bypass (§14.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Thrombocytopenia {
    pub low_below: PlateletCount,
    pub critical_below: PlateletCount,
    pub uncommon_in_hit_below: PlateletCount,
    pub count_max_age_h: Hours,
    pub source: Source,
}

/// Hours an aPTT still reflects a DTI after it stops (§14.1).
#[derive(Debug, Clone, PartialEq)]
pub struct DtiWashout {
    pub argatroban_h: Hours,
    pub argatroban_hepatic_h: Hours,
    pub bivalirudin_h: Hours,
    pub source: Source,
}

impl DtiWashout {
    /// The longest of the three: no aPTT further from a DTI stop than this reflects it.
    #[must_use]
    pub fn longest(&self) -> Hours {
        [self.argatroban_h, self.argatroban_hepatic_h, self.bivalirudin_h]
            .into_iter()
            .fold(self.argatroban_h, |a, b| if b.value() > a.value() { b } else { a })
    }
}

/// Reading the HIT assays (§14.1).
#[derive(Debug, Clone, PartialEq)]
pub struct HitAssays {
    pub strong_optical_density_from: f64,
    pub high_4ts_from: u8,
    pub new_episode_fall: Fraction,
    pub source: Source,
}
