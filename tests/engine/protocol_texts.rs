#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Sentences that repeat a number the protocol owns are written from the protocol: change the number in
//! a copy of a shipped protocol and the sentence changes with it. (A sentence that kept "30%" while
//! the institution's table says 25% would contradict the rule it explains.)

use crate::common;

use anticoag_planner::analysis::{Analysis, FindingCode, analyze};
use anticoag_planner::model::{
    Case, ClinicalTime, Event, EventKind, HeparinRate, Kilograms, Patient, PlateletCount, PriorHeparin, Seconds,
    Setting, Units, UnitsPerKgPerHour, Weight, WeightKind,
};
use anticoag_planner::protocol::Protocol;

const START: ClinicalTime = ClinicalTime::constant(2025, 3, 1, 0, 0);

fn at(hours: i64) -> ClinicalTime {
    START.plus_minutes(hours * 60)
}

/// A shipped protocol with one edit (the edit must change the text).
fn edited(name: &str, from: &str, to: &str) -> Protocol {
    let text = std::fs::read_to_string(common::root().join(format!("protocols/{name}.ron"))).unwrap();
    assert!(text.contains(from), "{name}: '{from}' not found");
    Protocol::from_ron_str(&text.replacen(from, to, 1), "edited.ron").unwrap()
}

fn shipped(name: &str) -> Protocol {
    Protocol::builtin(name).unwrap()
}

fn case(setting: Setting, events: Vec<(i64, EventKind)>) -> Case {
    let weight = Weight {
        kg: Kilograms::new(80.0).unwrap(),
        measured_at: START,
        kind: WeightKind::Actual,
    };
    let mut patient = Patient::new(weight, setting);
    patient.baseline_aptt = Some(Seconds::new(30.0).unwrap());
    let mut c = Case::new(
        "texts",
        anticoag_planner::protocol::catalogue::shipped_protocol_for(setting, anticoag_planner::model::AgeGroup::Adult),
        START,
        patient,
    );
    c.events = events.into_iter().map(|(h, k)| Event::new(at(h), k)).collect();
    c.sort_events();
    c
}

fn rate(r: f64) -> EventKind {
    EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(UnitsPerKgPerHour::new(r).unwrap()))
}

fn platelets(n: f64) -> EventKind {
    EventKind::Platelets(PlateletCount::new(n).unwrap())
}

fn finding(a: &Analysis, code: FindingCode) -> String {
    a.findings
        .iter()
        .find(|f| f.code == code)
        .map(|f| f.detail.clone())
        .unwrap_or_else(|| panic!("no {code:?} in {:?}", a.findings))
}

#[test]
fn the_r1_sentence_follows_the_protocols_limit() {
    // 80 kg at 20 units/kg/h for 24 h: 38,400 units.
    let c = case(Setting::Icu, vec![(0, rate(20.0))]);
    let default = analyze(&c, &shipped("adult-icu"), at(24));
    assert!(finding(&default, FindingCode::HeparinResistanceDose).contains("> 35,000 units"));
    let p = edited(
        "adult-icu",
        "r1_units_per_24h: (value: 35000,",
        "r1_units_per_24h: (value: 30000,",
    );
    let changed = analyze(&c, &p, at(24));
    let text = finding(&changed, FindingCode::HeparinResistanceDose);
    assert!(text.contains("> 30,000 units") && !text.contains("35,000"), "{text}");
    assert!(changed.steps[1].threshold.contains("R1 > 30,000 units/24 h"));
}

#[test]
fn the_4ts_sentences_follow_the_protocols_fall_and_exposure_windows() {
    // No platelet fall: the timing item says which fall it looked for.
    let flat = case(
        Setting::Icu,
        vec![(0, platelets(200.0)), (0, rate(18.0)), (24, platelets(190.0))],
    );
    let timing = |a: &Analysis| a.hit_4ts.as_ref().unwrap().items.timing.basis.to_string();
    assert_eq!(
        timing(&analyze(&flat, &shipped("adult-icu"), at(24))),
        "no platelet fall of 30% or more"
    );
    let p = edited(
        "adult-icu",
        "fall_one_point_from_percent: 30,",
        "fall_one_point_from_percent: 25,",
    );
    assert_eq!(timing(&analyze(&flat, &p, at(24))), "no platelet fall of 25% or more");

    // A rapid fall with heparin 30–100 days ago: the window is the protocol's.
    let mut rapid = case(
        Setting::Icu,
        vec![(0, platelets(200.0)), (0, rate(18.0)), (12, platelets(100.0))],
    );
    rapid.patient.prior_heparin = Some(PriorHeparin::Between30And100Days);
    assert!(
        timing(&analyze(&rapid, &shipped("adult-icu"), at(12))).ends_with("rapid fall with heparin 30–100 days ago")
    );
    let p = edited(
        "adult-icu",
        "older_exposure_within_days: 100,",
        "older_exposure_within_days: 90,",
    );
    assert!(timing(&analyze(&rapid, &p, at(12))).ends_with("rapid fall with heparin 30–90 days ago"));
}

#[test]
fn the_protamine_rule_is_written_from_the_protocols_fractions() {
    let c = case(
        Setting::Cpb,
        vec![
            (0, EventKind::Act(Seconds::new(130.0).unwrap())),
            (1, EventKind::UfhBolus(Units::new(32_000.0).unwrap())),
            (1, rate(10.0)),
            (5, EventKind::Act(Seconds::new(500.0).unwrap())),
        ],
    );
    let basis = |p: &Protocol| analyze(&c, p, at(5)).cpb.unwrap().protamine_basis.unwrap();
    assert!(basis(&shipped("adult-cpb")).contains("100% of the last hour + 50% + 25%"));
    let p = edited(
        "adult-cpb",
        "infusion_hour_fractions: [1, 0.5, 0.25],",
        "infusion_hour_fractions: [1, 0.6, 0.3],",
    );
    let text = basis(&p);
    assert!(text.contains("100% of the last hour + 60% + 30%"), "{text}");
}

#[test]
fn literature_figures_are_the_protocols_sourced_caveats() {
    // aPTT 120 s (4 × 30) with anti-Xa 0.4: the coagulopathy pattern carries the outcome caveat.
    let c = case(
        Setting::Icu,
        vec![
            (0, rate(18.0)),
            (
                7,
                EventKind::AntiXa(anticoag_planner::model::AntiXaLevel::new(0.4).unwrap()),
            ),
            (7, EventKind::Aptt(Seconds::new(120.0).unwrap())),
        ],
    );
    let caveats = |p: &Protocol| analyze(&c, p, at(7)).recommendation.caveats.join("\n");
    assert!(caveats(&shipped("adult-icu")).contains("(9% vs 3%)"));
    let p = edited(
        "adult-icu",
        "more major bleeding (9% vs 3%)",
        "more major bleeding (10% vs 2%)",
    );
    assert!(caveats(&p).contains("(10% vs 2%)"));
}
