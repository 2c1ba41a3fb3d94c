//! The sections protocol format 4 added (clinical reference revision 3), as written: the other
//! anticoagulants (§14.5), the reference ranges that let the aPTT decide after antithrombin (§14.6), and
//! the safety numbers of §14.1–§14.4 (the hours after surgery, thrombocytopenia, the DTI washout, the HIT
//! assays).

use serde::{Deserialize, Serialize};

use super::sourced::{Source, Sourced};
use crate::model::Range;

/// Which heparin assay a drug raises: the anti-Xa (oral factor Xa inhibitors, LMWH, fondaparinux) or the
/// aPTT (dabigatran).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RaisedAssay {
    AntiXa,
    Aptt,
}

/// One drug's row as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOtherAnticoagulantRule {
    /// The event code (`apixaban`, `enoxaparin`, …).
    pub drug: String,
    pub raises: RaisedAssay,
    /// Hours after the last dose during which it still reads in the heparin assay.
    pub window_h: f64,
    /// … with CrCl below the section's renal threshold or renal replacement therapy.
    pub renal_window_h: f64,
    /// … with CrCl below `moderate_crcl_below_ml_min` (dabigatran's middle band), if the drug has one.
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub moderate_renal_window_h: Option<f64>,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub moderate_crcl_below_ml_min: Option<f64>,
    /// Whether hepatic impairment lengthens the window to `renal_window_h` too.
    pub hepatic_lengthens: bool,
    /// Heparin does not start earlier than this after the last dose (the next dose's time).
    pub next_dose_h: f64,
    /// … with CrCl below the renal threshold or renal replacement therapy.
    pub renal_next_dose_h: f64,
    pub source: Source,
}

/// The section as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOtherAnticoagulants {
    pub drugs: Vec<RawOtherAnticoagulantRule>,
    pub renal_crcl_below_ml_min: Sourced<f64>,
    /// An anti-Xa below this, drawn after the last dose and before heparin, ends an anti-Xa drug's window.
    pub window_ends_anti_xa_below: Sourced<f64>,
    /// Two consecutive concordant pairs at least this far apart end the window.
    pub window_ends_concordant_pairs_apart_h: Sourced<f64>,
    /// A thrombin time below this (the laboratory's upper normal), drawn after the last dose and before
    /// heparin, ends dabigatran's window (format 5).
    pub window_ends_thrombin_time_below_s: Sourced<f64>,
}

/// The laboratory reference ranges that let the aPTT decide after AT when the anti-Xa assay adds AT
/// (format 4, clinical reference §14.6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupplementedAssayReference {
    pub factor_viii_percent: Range<f64>,
    pub fibrinogen_g_per_l: Range<f64>,
    pub source: Source,
}

/// Revision 3's safety numbers (format 4, clinical reference §14.1–§14.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSafety {
    pub post_operative: RawPostOperative,
    pub thrombocytopenia: RawThrombocytopenia,
    pub dti_washout: RawDtiWashout,
    pub hit_assays: RawHitAssays,
    /// A heparin stop for bleeding this recent counts as active bleeding.
    pub bleeding_stop_within_h: Sourced<f64>,
}

/// The first hours after surgery (§14.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPostOperative {
    pub high_risk_window_h: f64,
    pub standard_window_h: f64,
    pub protamine_window_h: f64,
    pub start_units_per_kg_per_h: f64,
    pub start_max_units_per_h: f64,
    pub source: Source,
    pub start_source: Source,
}

/// Thrombocytopenia outside bypass (§14.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThrombocytopenia {
    pub low_below: f64,
    pub critical_below: f64,
    pub uncommon_in_hit_below: f64,
    pub count_max_age_h: f64,
    pub source: Source,
}

/// Hours an aPTT still reflects a DTI after it stops (§14.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDtiWashout {
    pub argatroban_h: f64,
    pub argatroban_hepatic_h: f64,
    pub bivalirudin_h: f64,
    pub source: Source,
}

/// Reading the HIT assays (§14.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHitAssays {
    /// A positive immunoassay at or above this optical density stays probable despite a negative functional assay.
    pub strong_optical_density_from: f64,
    /// … as does a 4Ts at or above this.
    pub high_4ts_from: u8,
    /// A fall of this fraction from the highest count after an excluding result opens a new episode.
    pub new_episode_fall_fraction: f64,
    pub source: Source,
}
