//! Patient facts that the algorithm needs (clinical reference §1).

use serde::{Deserialize, Serialize};

use super::time::ClinicalTime;
use super::units::{Centimetres, Kilograms, MlPerMin, Seconds};

/// Where the patient is being anticoagulated; selects the default protocol. A fact over time (case format 7):
/// a course may go ICU → bypass → ICU, each setting with its own protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

    /// The setting with this code (`icu`, `ecmo_vv`, `ecmo_va`, `cpb`).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Every code, for messages.
    #[must_use]
    pub fn codes() -> String {
        Self::ALL.map(Self::code).join(", ")
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
    /// Every age group, oldest first.
    pub const ALL: [Self; 4] = [Self::Adult, Self::Child, Self::Infant, Self::Neonate];

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

/// A history of heparin-induced thrombocytopenia (clinical reference §1, rev 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitHistory {
    None,
    /// HIT more than 100 days ago, with a negative HIT immunoassay this admission: on bypass heparin
    /// is acceptable for the procedure; in ICU/ECMO a non-heparin anticoagulant is the default.
    RemoteAntibodyNegative,
    /// HIT within 100 days, antibody-positive, or untested: heparin is contraindicated everywhere.
    RecentOrPositive,
}

impl HitHistory {
    pub const ALL: [Self; 3] = [Self::None, Self::RemoteAntibodyNegative, Self::RecentOrPositive];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::RemoteAntibodyNegative => "remote_antibody_negative",
            Self::RecentOrPositive => "recent_or_positive",
        }
    }

    /// The state in words.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "no history of HIT",
            Self::RemoteAntibodyNegative => "HIT more than 100 days ago, antibody negative this admission",
            Self::RecentOrPositive => "HIT within 100 days, antibody positive or untested",
        }
    }
}

/// Sex, for the ideal body weight behind an adjusted dosing weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

/// Why an infusion was stopped (clinical reference §5, rev 2: restarts depend on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Stopped for a procedure (surgery, line, drain).
    Procedure,
    Bleeding,
    /// Stopped for suspected or confirmed HIT.
    Hit,
    /// Stopped to switch to another anticoagulant.
    Switch,
    /// End of therapy.
    End,
    /// A nomogram hold.
    Hold,
    Other,
}

impl StopReason {
    pub const ALL: [Self; 7] = [
        Self::Procedure,
        Self::Bleeding,
        Self::Hit,
        Self::Switch,
        Self::End,
        Self::Hold,
        Self::Other,
    ];

    /// The code in CSV files and the entry form.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Procedure => "procedure",
            Self::Bleeding => "bleeding",
            Self::Hit => "hit",
            Self::Switch => "switch",
            Self::End => "end",
            Self::Hold => "hold",
            Self::Other => "other",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The reason in words ("stopped for a procedure").
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Procedure => "for a procedure",
            Self::Bleeding => "for bleeding",
            Self::Hit => "for HIT",
            Self::Switch => "to switch anticoagulant",
            Self::End => "at the end of therapy",
            Self::Hold => "for a nomogram hold",
            Self::Other => "for another reason",
        }
    }
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
/// file: nothing clinical is silently defaulted; an item the clinician has not entered is `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    pub weight: Weight,
    /// The clinician confirmed an unusual weight (an adult under the protocol's minimum, clinical
    /// reference §1): until then no dose is shown. Absent in a file means not confirmed, the safe side.
    #[serde(default)]
    pub weight_confirmed: bool,
    pub setting: Setting,
    pub age_group: AgeGroup,
    /// Height and sex give the ideal body weight behind an adjusted dosing weight (clinical reference
    /// §1); without them a protocol that doses heparin on adjusted weight uses the capped actual weight.
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub height_cm: Option<Centimetres>,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub sex: Option<Sex>,
    /// aPTT before any anticoagulant (the control for ratio targets).
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub baseline_aptt: Option<Seconds>,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub crcl: Option<MlPerMin>,
    pub rrt: Rrt,
    /// Child-Pugh B–C (entered). A bilirubin above the protocol's threshold counts too, read from the
    /// timeline (clinical reference §1).
    pub hepatic_impairment: bool,
    pub high_bleeding_risk: bool,
    pub pregnant: bool,
    pub andexanet_exposure: bool,
    pub heparin_coated_circuit: bool,
    /// ECMO low flow or stasis (bivalirudin is degraded by thrombin where blood stagnates).
    pub ecmo_low_flow: bool,
    /// A previous diagnosis of heparin-induced thrombocytopenia.
    pub hit_history: HitHistory,
    /// Heparin before this case (the 4Ts timing item); `None`: not entered, unknown.
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub prior_heparin: Option<PriorHeparin>,
    pub anti_xa_assay: AntiXaAssay,
    /// 4Ts "thrombosis or other sequelae", scored by the clinician; `None`: not entered.
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub hit_thrombosis: Option<FourTsPoints>,
    /// 4Ts "other causes of thrombocytopenia", scored by the clinician (2 = none apparent); `None`: not
    /// entered.
    #[serde(deserialize_with = "crate::model::required::required_option")]
    pub hit_other_causes: Option<FourTsPoints>,
}

impl Patient {
    /// Renal impairment for DTI choice: RRT, or CrCl below the protocol's threshold.
    #[must_use]
    pub fn renal_impairment(&self, crcl_threshold: MlPerMin) -> bool {
        self.rrt != Rrt::None || self.crcl.is_some_and(|c| c < crcl_threshold)
    }

    /// A minimal adult patient: flags off, every item the clinician scores or reports not entered.
    #[must_use]
    pub fn new(weight: Weight, setting: Setting) -> Self {
        Self {
            weight,
            weight_confirmed: false,
            setting,
            age_group: AgeGroup::Adult,
            height_cm: None,
            sex: None,
            baseline_aptt: None,
            crcl: None,
            rrt: Rrt::None,
            hepatic_impairment: false,
            high_bleeding_risk: false,
            pregnant: false,
            andexanet_exposure: false,
            heparin_coated_circuit: false,
            ecmo_low_flow: false,
            hit_history: HitHistory::None,
            prior_heparin: None,
            anti_xa_assay: AntiXaAssay::Unknown,
            hit_thrombosis: None,
            hit_other_causes: None,
        }
    }
}
