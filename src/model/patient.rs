//! Patient facts that the algorithm needs (clinical reference §1).

use serde::{Deserialize, Serialize};

use super::time::ClinicalTime;
use super::units::{Kilograms, MlPerMin, Seconds};

/// Where the patient is being anticoagulated; selects the default protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// General ICU / venous thromboembolism treatment.
    Icu,
    EcmoVv,
    EcmoVa,
    /// Pre-bypass / on cardiopulmonary bypass.
    Cpb,
}

impl Setting {
    pub const ALL: [Self; 4] = [Self::Icu, Self::EcmoVv, Self::EcmoVa, Self::Cpb];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Icu => "icu",
            Self::EcmoVv => "ecmo_vv",
            Self::EcmoVa => "ecmo_va",
            Self::Cpb => "cpb",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Icu => "ICU",
            Self::EcmoVv => "VV-ECMO",
            Self::EcmoVa => "VA-ECMO",
            Self::Cpb => "cardiopulmonary bypass",
        }
    }

    #[must_use]
    pub fn is_ecmo(self) -> bool {
        matches!(self, Self::EcmoVv | Self::EcmoVa)
    }

    /// Name of the shipped protocol that fits this setting.
    #[must_use]
    pub fn default_protocol(self) -> &'static str {
        match self {
            Self::Icu => "adult-icu",
            Self::EcmoVv | Self::EcmoVa => "adult-ecmo",
            Self::Cpb => "adult-cpb",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeGroup {
    Adult,
    Child,
    Infant,
    Neonate,
}

impl AgeGroup {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Adult => "adult",
            Self::Child => "child",
            Self::Infant => "infant",
            Self::Neonate => "neonate",
        }
    }
}

/// Whether the weight is measured (actual) or an adjusted dosing weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightKind {
    Actual,
    Adjusted,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weight {
    pub kg: Kilograms,
    /// When the weight was taken (date and time on the case clock).
    pub measured_at: ClinicalTime,
    pub kind: WeightKind,
}

/// Renal replacement therapy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rrt {
    None,
    /// Continuous renal replacement therapy (CVVH and the like).
    Crrt,
    /// Intermittent hemodialysis.
    Ihd,
}

/// Heparin exposure before this case, for the 4Ts timing item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorHeparin {
    None,
    Within30Days,
    Between30And100Days,
}

/// The anti-Xa assay the laboratory runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AntiXaAssay {
    Unknown,
    /// The assay adds exogenous antithrombin: it can mask AT-deficiency resistance.
    AtSupplemented,
    NotSupplemented,
}

/// A 4Ts item score outside 0–2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{points} is not a 4Ts item score; allowed: 0, 1 or 2")]
pub struct FourTsPointsError {
    pub points: u8,
}

/// A 4Ts item the clinician scores (0, 1 or 2 points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct FourTsPoints(u8);

impl FourTsPoints {
    /// # Errors
    /// Only 0, 1 and 2 are 4Ts item scores.
    pub fn new(points: u8) -> Result<Self, FourTsPointsError> {
        if points <= 2 {
            Ok(Self(points))
        } else {
            Err(FourTsPointsError { points })
        }
    }

    #[must_use]
    pub fn points(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for FourTsPoints {
    type Error = FourTsPointsError;
    fn try_from(v: u8) -> Result<Self, FourTsPointsError> {
        Self::new(v)
    }
}

impl From<FourTsPoints> for u8 {
    fn from(p: FourTsPoints) -> u8 {
        p.0
    }
}

/// Everything about the patient that is not a timeline event. Every field must be written in a case
/// file: nothing clinical is silently defaulted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    pub weight: Weight,
    pub setting: Setting,
    pub age_group: AgeGroup,
    /// aPTT before any anticoagulant (the control for ratio targets).
    #[serde(deserialize_with = "crate::model::required_option")]
    pub baseline_aptt: Option<Seconds>,
    #[serde(deserialize_with = "crate::model::required_option")]
    pub crcl: Option<MlPerMin>,
    pub rrt: Rrt,
    /// Child-Pugh B–C or bilirubin > 1.5 mg/dL.
    pub hepatic_impairment: bool,
    pub high_bleeding_risk: bool,
    pub pregnant: bool,
    pub andexanet_exposure: bool,
    pub heparin_coated_circuit: bool,
    /// ECMO low flow or stasis (bivalirudin is degraded by thrombin where blood stagnates).
    pub ecmo_low_flow: bool,
    /// A previous diagnosis of heparin-induced thrombocytopenia.
    pub hit_history: bool,
    pub prior_heparin: PriorHeparin,
    pub anti_xa_assay: AntiXaAssay,
    /// 4Ts "thrombosis or other sequelae", scored by the clinician.
    pub hit_thrombosis: FourTsPoints,
    /// 4Ts "other causes of thrombocytopenia", scored by the clinician (2 = none apparent).
    pub hit_other_causes: FourTsPoints,
}

impl Patient {
    /// Renal impairment for DTI choice: RRT, or CrCl below the protocol's threshold.
    #[must_use]
    pub fn renal_impairment(&self, crcl_threshold: MlPerMin) -> bool {
        self.rrt != Rrt::None || self.crcl.is_some_and(|c| c < crcl_threshold)
    }

    /// A minimal adult patient for tests and CSV import defaults of non-clinical flags.
    #[must_use]
    pub fn new(weight: Weight, setting: Setting) -> Self {
        Self {
            weight,
            setting,
            age_group: AgeGroup::Adult,
            baseline_aptt: None,
            crcl: None,
            rrt: Rrt::None,
            hepatic_impairment: false,
            high_bleeding_risk: false,
            pregnant: false,
            andexanet_exposure: false,
            heparin_coated_circuit: false,
            ecmo_low_flow: false,
            hit_history: false,
            prior_heparin: PriorHeparin::None,
            anti_xa_assay: AntiXaAssay::Unknown,
            hit_thrombosis: FourTsPoints(0),
            hit_other_causes: FourTsPoints(2),
        }
    }
}
