#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Every patient input the app offers changes at least one decision in some case (issue 11: "an input
//! the engine does not use must not be offered as if it mattered"). For each field, a case where it
//! matters, analysed with two values of the field: the decision-only analyses must differ. The one
//! field no rule reads (the weight's date) is checked to change nothing, and the patient form labels it
//! "recorded, not used by the algorithm".

use anticoag_planner::analysis::{Analysis, analyze};
use anticoag_planner::io::parse_events_csv;
use anticoag_planner::model::{
    AgeGroup, AntiXaAssay, Case, Centimetres, ClinicalTime, FourTsPoints, HitHistory, Kilograms, MlPerMin, Patient,
    PriorHeparin, Rrt, Seconds, Setting, Sex, Weight, WeightKind,
};
use anticoag_planner::protocol::Protocol;

use crate::common;

const START: ClinicalTime = ClinicalTime::constant(2026, 10, 1, 0, 0);

/// The default patient of the scenario suite: 80 kg adult, baseline aPTT 30 s, CrCl 90 mL/min.
fn patient(setting: Setting, kg: f64) -> Patient {
    let mut p = Patient::new(
        Weight {
            kg: Kilograms::new(kg).unwrap(),
            measured_at: START,
            kind: WeightKind::Actual,
        },
        setting,
    );
    p.baseline_aptt = Some(Seconds::new(30.0).unwrap());
    p.crcl = Some(MlPerMin::new(90.0).unwrap());
    p
}

/// The decision at the last event of `rows` (CSV: time,kind,value,unit[,note[,reason]]).
fn decide(p: &Patient, rows: &[&str]) -> Analysis {
    let name = anticoag_planner::protocol::catalogue::shipped_protocol_for(p.setting, p.age_group);
    let protocol = Protocol::builtin(name).unwrap();
    let csv = format!("time,kind,value,unit,note,reason\n{}\n", rows.join("\n"));
    let import = parse_events_csv(
        csv.as_bytes(),
        &protocol.plausibility,
        p.weight.kg,
        anticoag_planner::model::Zone::UTC,
        None,
    )
    .unwrap();
    let mut case = Case::new("input check", name, START, p.clone());
    case.merge_events(import.events).unwrap();
    let at = case.events.iter().map(|e| e.time).max().unwrap();
    analyze(&case, &protocol, at).without_text()
}

/// Baseline labs drawn, no heparin yet: the protocol start.
const START_ROWS: &[&str] = &["2026-10-01T07:30,aptt,30,s", "2026-10-01T07:30,platelets,230,10^9/L"];
/// Heparin at 18 units/kg/h for 6 h, then an aPTT of 70 s (2.33 × a 30 s control).
const ON_HEPARIN: &[&str] = &[
    "2026-10-01T07:30,aptt,30,s",
    "2026-10-01T07:30,platelets,230,10^9/L",
    "2026-10-01T08:00,ufh_infusion,18,units/kg/h",
    "2026-10-01T14:00,aptt,70,s",
];
/// Heparin for 6 days, platelets from 250 to 160 (−36%: thrombocytopenia item 1; timing 2).
const PLATELET_FALL: &[&str] = &[
    "2026-10-01T07:30,aptt,30,s",
    "2026-10-01T07:30,platelets,250,10^9/L",
    "2026-10-01T08:00,ufh_infusion,18,units/kg/h",
    "2026-10-01T14:00,anti_xa,0.45,units/mL",
    "2026-10-04T08:00,platelets,240,10^9/L",
    "2026-10-07T08:00,platelets,160,10^9/L",
];
/// Heparin from 08:00; platelets from 250 to 110 the next morning (−56%, within a day: the timing item
/// depends on heparin in the past 30 days).
const EARLY_FALL: &[&str] = &[
    "2026-10-01T07:30,aptt,30,s",
    "2026-10-01T07:30,platelets,250,10^9/L",
    "2026-10-01T08:00,ufh_infusion,18,units/kg/h",
    "2026-10-01T14:00,anti_xa,0.45,units/mL",
    "2026-10-02T06:00,platelets,110,10^9/L",
];
/// Heparin since day 0 at a resistant rate, AT given, then an in-range supplemented anti-Xa and a low
/// aPTT (scenario A-07).
const AT_GIVEN: &[&str] = &[
    "2026-10-01T00:00,aptt,30,s",
    "2026-10-01T00:00,platelets,230,10^9/L",
    "2026-10-01T00:30,ufh_infusion,25,units/kg/h",
    "2026-10-01T06:30,anti_xa,0.15,units/mL",
    "2026-10-01T06:30,aptt,38,s",
    "2026-10-01T12:30,anti_xa,0.16,units/mL",
    "2026-10-01T12:30,aptt,39,s",
    "2026-10-01T12:45,antithrombin,55,%",
    "2026-10-01T13:00,at_concentrate,2500,units",
    "2026-10-01T13:20,antithrombin,75,%",
    "2026-10-01T18:30,anti_xa,0.35,units/mL",
    "2026-10-01T18:30,aptt,40,s",
];
/// Before bypass: baseline ACT, 300 units/kg, ACT 420 s (scenario suite's andexanet case).
const BYPASS: &[&str] = &[
    "2026-10-01T08:00,act,130,s",
    "2026-10-01T08:05,ufh_bolus,24000,units",
    "2026-10-01T08:10,act,420,s",
];

struct Input {
    field: &'static str,
    rows: &'static [&'static str],
    base: Patient,
    change: fn(&mut Patient),
}

fn input(field: &'static str, rows: &'static [&'static str], base: Patient, change: fn(&mut Patient)) -> Input {
    Input {
        field,
        rows,
        base,
        change,
    }
}

fn hit_switch(setting: Setting) -> Patient {
    let mut p = patient(setting, 80.0);
    p.hit_history = HitHistory::RecentOrPositive;
    p
}

/// One row per patient input (a table: kept on one line each).
#[rustfmt::skip]
fn inputs() -> Vec<Input> {
    let icu = patient(Setting::Icu, 80.0);
    let mut small = patient(Setting::Icu, 32.0);
    small.weight_confirmed = false;
    let mut ecmo_heavy = patient(Setting::EcmoVv, 140.0);
    ecmo_heavy.sex = Some(Sex::Female);
    let mut ecmo_heavy_tall = ecmo_heavy.clone();
    ecmo_heavy_tall.height_cm = Some(Centimetres::new(160.0).unwrap());
    ecmo_heavy_tall.sex = None;
    let mut ecmo_adjusted = ecmo_heavy.clone();
    ecmo_adjusted.height_cm = Some(Centimetres::new(160.0).unwrap());
    let mut hepatic = hit_switch(Setting::Icu);
    hepatic.hepatic_impairment = true;
    let mut hepatic_ecmo = hit_switch(Setting::EcmoVv);
    hepatic_ecmo.hepatic_impairment = true;
    let mut fall = patient(Setting::Icu, 80.0);
    fall.hit_other_causes = Some(FourTsPoints::new(2).unwrap());
    fall.hit_thrombosis = Some(FourTsPoints::new(0).unwrap());
    fall.prior_heparin = Some(PriorHeparin::None);
    let mut fall_other = fall.clone();
    fall_other.hit_other_causes = Some(FourTsPoints::new(0).unwrap());
    let mut cpb = patient(Setting::Cpb, 80.0);
    cpb.baseline_aptt = None;
    vec![
        input("weight", START_ROWS, icu.clone(), |p| p.weight.kg = Kilograms::new(60.0).unwrap()),
        input("weight confirmed", START_ROWS, small, |p| p.weight_confirmed = true),
        input("weight type", START_ROWS, ecmo_adjusted.clone(), |p| p.weight.kind = WeightKind::Adjusted),
        input("setting", START_ROWS, icu.clone(), |p| p.setting = Setting::EcmoVv),
        input("age group", START_ROWS, icu.clone(), |p| p.age_group = AgeGroup::Child),
        input("height", START_ROWS, ecmo_heavy.clone(), |p| p.height_cm = Some(Centimetres::new(160.0).unwrap())),
        input("sex", START_ROWS, ecmo_heavy_tall, |p| p.sex = Some(Sex::Female)),
        input("baseline aPTT", ON_HEPARIN, icu.clone(), |p| p.baseline_aptt = Some(Seconds::new(40.0).unwrap())),
        input("CrCl", ON_HEPARIN, hepatic.clone(), |p| p.crcl = Some(MlPerMin::new(40.0).unwrap())),
        input("renal replacement", ON_HEPARIN, hepatic.clone(), |p| p.rrt = Rrt::Crrt),
        input("hepatic impairment", ON_HEPARIN, hit_switch(Setting::Icu), |p| p.hepatic_impairment = true),
        input("high bleeding risk", START_ROWS, icu.clone(), |p| p.high_bleeding_risk = true),
        input("pregnant", ON_HEPARIN, hit_switch(Setting::Icu), |p| p.pregnant = true),
        input("andexanet exposure", BYPASS, cpb, |p| p.andexanet_exposure = true),
        input("heparin-coated circuit", ON_HEPARIN, hit_switch(Setting::EcmoVv), |p| p.heparin_coated_circuit = true),
        input("ECMO low flow", ON_HEPARIN, hepatic_ecmo, |p| p.ecmo_low_flow = true),
        input("HIT history", ON_HEPARIN, icu.clone(), |p| p.hit_history = HitHistory::RecentOrPositive),
        input("prior heparin", EARLY_FALL, fall_other.clone(), |p| p.prior_heparin = Some(PriorHeparin::Within30Days)),
        input("anti-Xa assay", AT_GIVEN, icu.clone(), |p| p.anti_xa_assay = AntiXaAssay::AtSupplemented),
        input("4Ts thrombosis", PLATELET_FALL, fall_other, |p| p.hit_thrombosis = Some(FourTsPoints::new(2).unwrap())),
        input("4Ts other causes", PLATELET_FALL, fall, |p| p.hit_other_causes = Some(FourTsPoints::new(0).unwrap())),
    ]
}

#[test]
fn every_patient_input_changes_a_decision_in_some_case() {
    let mut inert = Vec::new();
    for input in inputs() {
        let mut changed = input.base.clone();
        (input.change)(&mut changed);
        assert_ne!(
            changed, input.base,
            "{}: the change changes nothing in the patient",
            input.field
        );
        let before = decide(&input.base, input.rows);
        let after = decide(&changed, input.rows);
        if before == after {
            inert.push(format!("{} ({:?})", input.field, before.recommendation.action));
        }
    }
    assert!(inert.is_empty(), "inputs that changed no decision: {inert:?}");
}

#[test]
fn the_weight_date_changes_nothing_and_the_form_says_so() {
    for rows in [START_ROWS, ON_HEPARIN, PLATELET_FALL, EARLY_FALL, AT_GIVEN] {
        let base = patient(Setting::Icu, 80.0);
        let mut later = base.clone();
        later.weight.measured_at = ClinicalTime::constant(2026, 9, 1, 0, 0);
        assert_eq!(decide(&base, rows), decide(&later, rows));
    }
    let form = std::fs::read_to_string(common::root().join("src/app/views/patient.rs")).unwrap();
    let row = form.find("\"Weight measured at\"").expect("the weight date row");
    assert!(
        form[row..row + 300].contains("RECORDED_NOT_USED"),
        "the weight date is labelled recorded, not used"
    );
}
