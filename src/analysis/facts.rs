//! The facts that may change during a course (clinical reference §14.8; case format 6): setting, renal
//! replacement, creatinine clearance and creatinine, hepatic impairment, high bleeding risk, active
//! bleeding, pregnancy and ECMO flow, each as in effect at an analysis time and since when (JSON
//! `patient.facts`, decisions.md). The values come from `Timeline::patient_at`; this room says since when.

use serde::Serialize;

use super::timeline::Timeline;
use crate::model::{Case, ClinicalTime, MgPerDl, MlPerMin, Setting, round_half_up};

/// A fact's value and since when it has held (JSON `{value, since}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fact<T> {
    pub value: T,
    pub since: ClinicalTime,
}

/// The facts that may change during a course, as in effect at one time (decisions.md: `patient.facts`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Facts {
    pub setting: Fact<Setting>,
    pub rrt: Fact<crate::model::Rrt>,
    /// mL/min, rounded to its precision.
    pub crcl_ml_per_min: Fact<Option<f64>>,
    /// The latest creatinine (mg/dL), shown, not used to derive CrCl; `null` when none was measured.
    pub creatinine: Option<Fact<f64>>,
    pub hepatic_impairment: Fact<bool>,
    pub high_bleeding_risk: Fact<bool>,
    /// Active bleeding (recorded; not read by a rule yet).
    pub bleeding: Fact<bool>,
    pub pregnancy: Fact<bool>,
    pub ecmo_flow: Fact<crate::model::EcmoFlow>,
}

/// The facts in effect at `as_of`, each with when it took that value (clinical reference §14.8): the
/// latest change at or before `as_of`, else the case start.
pub(super) fn facts_in_effect(
    case: &Case,
    tl: &Timeline,
    patient: &crate::model::Patient,
    as_of: ClinicalTime,
) -> Facts {
    use crate::model::{EcmoFlow, EventCode, EventKind};
    let since = |code: EventCode| tl.fact_since(&case.patient, code, as_of, case.case_start);
    let bleeding = tl
        .latest_fact(EventCode::BleedingFrom, as_of)
        .is_some_and(|(_, kind)| matches!(kind, EventKind::BleedingFrom(v) if v.is_yes()));
    Facts {
        setting: Fact {
            value: patient.setting,
            since: since(EventCode::SettingFrom),
        },
        rrt: Fact {
            value: patient.rrt,
            since: since(EventCode::RrtFrom),
        },
        crcl_ml_per_min: Fact {
            value: patient
                .crcl
                .map(|c| round_half_up(c.value(), MlPerMin::DECIMALS as u32)),
            since: since(EventCode::CrclFrom),
        },
        creatinine: tl.labs.creatinine.latest(as_of).map(|s| Fact {
            value: round_half_up(s.value.value(), MgPerDl::DECIMALS as u32),
            since: s.time,
        }),
        hepatic_impairment: Fact {
            value: patient.hepatic_impairment,
            since: since(EventCode::HepaticImpairmentFrom),
        },
        high_bleeding_risk: Fact {
            value: patient.high_bleeding_risk,
            since: since(EventCode::HighBleedingRiskFrom),
        },
        bleeding: Fact {
            value: bleeding,
            since: since(EventCode::BleedingFrom),
        },
        pregnancy: Fact {
            value: patient.pregnant,
            since: since(EventCode::PregnancyFrom),
        },
        ecmo_flow: Fact {
            value: if patient.ecmo_low_flow {
                EcmoFlow::Low
            } else {
                EcmoFlow::Normal
            },
            since: since(EventCode::EcmoFlowFrom),
        },
    }
}
