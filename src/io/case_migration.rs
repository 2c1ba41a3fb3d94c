//! Older case-file versions, read and migrated in memory (decisions.md: one migration chain; an older
//! file opens, and is written in the newest version only when the user saves).
//!
//! Version 6 → 7 (issue 23): `protocol` (one per case) becomes `protocols` (one per setting): the file's
//! protocol is that of the setting at its case start (`io::case_file`).
//!
//! Version 3 → 4 (issue 16): an anti-Xa below the assay's lower limit (`AntiXaBelow`) is new; a version-3
//! file has none and reads as it is.
//!
//! Version 1 → 2 (clinical reference rev 2): `hit_history` was a yes/no and becomes one of three states
//! (`true` reads as `recent_or_positive`, the state that forbids heparin); the entered 4Ts items and the
//! prior heparin exposure stay entered; height and sex are new and not entered; events gain an optional
//! stop reason (none recorded).

use serde::Deserialize;

use crate::model::{
    AgeGroup, AntiXaAssay, Case, ClinicalTime, Event, FourTsPoints, HitHistory, MlPerMin, Patient, PriorHeparin, Rrt,
    Seconds, Setting, Weight,
};

/// A version-1 patient, as it was written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PatientV1 {
    weight: Weight,
    setting: Setting,
    age_group: AgeGroup,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    baseline_aptt: Option<Seconds>,
    #[serde(deserialize_with = "crate::model::required::required_option")]
    crcl: Option<MlPerMin>,
    rrt: Rrt,
    hepatic_impairment: bool,
    high_bleeding_risk: bool,
    pregnant: bool,
    andexanet_exposure: bool,
    heparin_coated_circuit: bool,
    ecmo_low_flow: bool,
    hit_history: bool,
    prior_heparin: PriorHeparin,
    anti_xa_assay: AntiXaAssay,
    hit_thrombosis: FourTsPoints,
    hit_other_causes: FourTsPoints,
}

/// A version-1 case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseV1 {
    #[allow(
        dead_code,
        reason = "read to refuse a file without it; the probe already checked its value"
    )]
    version: u32,
    title: String,
    protocol: String,
    case_start: ClinicalTime,
    patient: PatientV1,
    events: Vec<Event>,
    notes: String,
}

impl From<PatientV1> for Patient {
    fn from(v1: PatientV1) -> Self {
        Self {
            weight: v1.weight,
            weight_confirmed: false,
            setting: v1.setting,
            age_group: v1.age_group,
            height_cm: None,
            sex: None,
            baseline_aptt: v1.baseline_aptt,
            crcl: v1.crcl,
            rrt: v1.rrt,
            hepatic_impairment: v1.hepatic_impairment,
            high_bleeding_risk: v1.high_bleeding_risk,
            pregnant: v1.pregnant,
            andexanet_exposure: v1.andexanet_exposure,
            heparin_coated_circuit: v1.heparin_coated_circuit,
            ecmo_low_flow: v1.ecmo_low_flow,
            hit_history: if v1.hit_history {
                HitHistory::RecentOrPositive
            } else {
                HitHistory::None
            },
            prior_heparin: Some(v1.prior_heparin),
            anti_xa_assay: v1.anti_xa_assay,
            hit_thrombosis: Some(v1.hit_thrombosis),
            hit_other_causes: Some(v1.hit_other_causes),
        }
    }
}

/// Reads a version-1 case and migrates it to the current version.
///
/// # Errors
/// The text is not a valid version-1 case.
pub(super) fn from_v1(text: &str) -> Result<Case, ron::error::SpannedError> {
    let v1: CaseV1 = ron::from_str(text)?;
    let mut case = Case::new(v1.title, v1.protocol, v1.case_start, v1.patient.into());
    case.events = v1.events;
    case.notes = v1.notes;
    Ok(case)
}

/// What a migration changed, for the note on screen.
#[must_use]
pub fn migration_note(from: u32, zone: crate::model::Zone) -> String {
    let v1 = if from == 1 {
        format!(
            "HIT history read as {} or none, 4Ts items kept as entered, no stop reasons recorded; ",
            HitHistory::RecentOrPositive.code()
        )
    } else {
        String::new()
    };
    let before_v3 = if from < 3 {
        "no patient identifiers, entry stamps or audit trail before version 3; "
    } else {
        ""
    };
    let before_v4 = if from < 4 {
        "no anti-Xa recorded below an assay's limit before version 4; "
    } else {
        ""
    };
    let before_v5 = if from < 5 {
        format!("no time zone before version 5, so its times are read as wall-clock times of {zone}; ")
    } else {
        String::new()
    };
    let before_v6 = if from < 6 {
        "no triglycerides, CRP, oral anticoagulants, low-molecular-weight heparins or fondaparinux recorded before version 6; "
    } else {
        ""
    };
    let before_v7 = if from < 7 {
        "its one protocol is now the protocol of its setting at the case start (version 7 holds one per setting); "
    } else {
        ""
    };
    let before_v8 = if from < 8 {
        "no thrombin time or non-supplemented anti-Xa recorded before version 8; "
    } else {
        ""
    };
    format!(
        "opened a version-{from} case file: {v1}{before_v3}{before_v4}{before_v5}{before_v6}{before_v7}{before_v8}it is saved as version {} when you save",
        crate::model::CASE_FORMAT_VERSION,
    )
}
