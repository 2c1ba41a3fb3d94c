//! Small cases for the engine's unit tests: an 80 kg adult with a baseline aPTT of 30 s, events at whole
//! hours from 2025-01-01 00:00, analysed with the shipped protocol of the setting.

use super::{Analysis, Detail, Prepared, run};
use crate::model::{
    AntiXaLevel, Case, ClinicalTime, Event, EventKind, GramsPerLitre, HeparinRate, Inr, Kilograms, McgPerKgPerMin,
    MgPerDl, MgPerKgPerHour, Patient, Percent, PlateletCount, Seconds, Setting, Units, UnitsPerKgPerHour, Weight,
    WeightKind,
};
use crate::protocol::Protocol;

const START: ClinicalTime = ClinicalTime::constant(2025, 1, 1, 0, 0);

/// The time `hours` after the start.
pub fn h(hours: i64) -> ClinicalTime {
    START.plus_minutes(hours * 60)
}

/// An ICU case with these events.
pub fn case_with(events: Vec<(i64, EventKind)>) -> Case {
    case_in(Setting::Icu, events)
}

/// A case in a setting with these events.
pub fn case_in(setting: Setting, events: Vec<(i64, EventKind)>) -> Case {
    let weight = Weight {
        kg: Kilograms::constant(80.0),
        measured_at: START,
        kind: WeightKind::Actual,
    };
    let mut patient = Patient::new(weight, setting);
    patient.baseline_aptt = Some(Seconds::constant(30.0));
    let mut case = Case::new(
        "unit test",
        crate::protocol::catalogue::shipped_protocol_for(setting, crate::model::AgeGroup::Adult),
        START,
        patient,
    );
    case.events = events.into_iter().map(|(at, kind)| Event::new(h(at), kind)).collect();
    case.sort_events();
    case
}

/// The analysis at `at` with the setting's shipped protocol.
pub fn analyse(case: &Case, at: ClinicalTime, detail: Detail) -> Analysis {
    let Ok(protocol) = Protocol::builtin(crate::protocol::catalogue::shipped_protocol_for(
        case.patient.setting,
        case.patient.age_group,
    )) else {
        panic!("the shipped protocols validate");
    };
    let prepared = Prepared::new(case, &protocol);
    run(case, &prepared, &protocol, at, detail)
}

/// As [`analyse`], explained, with the patient changed first.
pub fn analyse_patient(case: &Case, at: ClinicalTime, change: impl FnOnce(&mut Patient)) -> Analysis {
    let mut case = case.clone();
    change(&mut case.patient);
    analyse(&case, at, Detail::Explained)
}

fn q<T>(r: Result<T, crate::model::QuantityError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

pub fn aptt(s: f64) -> EventKind {
    EventKind::Aptt(q(Seconds::new(s)))
}
pub fn act(s: f64) -> EventKind {
    EventKind::Act(q(Seconds::new(s)))
}
pub fn xa(v: f64) -> EventKind {
    EventKind::AntiXa(q(AntiXaLevel::new(v)))
}
pub fn antithrombin(percent: f64) -> EventKind {
    EventKind::Antithrombin(q(Percent::new(percent)))
}
pub fn platelets(count: f64) -> EventKind {
    EventKind::Platelets(q(PlateletCount::new(count)))
}
pub fn inr(v: f64) -> EventKind {
    EventKind::Inr(q(Inr::new(v)))
}
pub fn fibrinogen(g_per_l: f64) -> EventKind {
    EventKind::Fibrinogen(q(GramsPerLitre::new(g_per_l)))
}
pub fn free_hb(mg_per_dl: f64) -> EventKind {
    EventKind::PlasmaFreeHb(q(MgPerDl::new(mg_per_dl)))
}
pub fn bolus(units: f64) -> EventKind {
    EventKind::UfhBolus(q(Units::new(units)))
}
pub fn at_concentrate(units: f64) -> EventKind {
    EventKind::AtConcentrate(q(Units::new(units)))
}
pub fn ufh_rate(units_per_kg_per_h: f64) -> EventKind {
    EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(q(UnitsPerKgPerHour::new(
        units_per_kg_per_h,
    ))))
}
/// A new argatroban rate (0 stops it).
pub fn argatroban(mcg_per_kg_per_min: f64) -> EventKind {
    EventKind::ArgatrobanInfusion(q(McgPerKgPerMin::new(mcg_per_kg_per_min)))
}
/// A new bivalirudin rate (0 stops it).
pub fn bivalirudin(mg_per_kg_per_h: f64) -> EventKind {
    EventKind::BivalirudinInfusion(q(MgPerKgPerHour::new(mg_per_kg_per_h)))
}
