#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! DTI choice and start dose for every organ-function branch (clinical reference §8), and titration.

use anticoag_planner::dosing::DoseRate;
use anticoag_planner::dosing::RateUnit;
use anticoag_planner::dosing::dti::{ApttTarget, DtiTitration, choose_dti, dti_target, start, titrate_dti};
use anticoag_planner::model::{
    Kilograms, McgPerKgPerMin, MgPerKgPerHour, MlPerMin, Patient, Rrt, Seconds, Setting, Weight, WeightKind,
};
use anticoag_planner::protocol::{DtiDrug, Protocol};

/// The one titration, for an argatroban rate.
fn titrate_argatroban(
    p: &Protocol,
    aptt: Seconds,
    current: McgPerKgPerMin,
    target: &ApttTarget,
    base: Seconds,
) -> DtiTitration {
    titrate_dti(p, aptt, DoseRate::Argatroban(current), target, base).unwrap()
}

/// The one titration, for a bivalirudin rate.
fn titrate_bivalirudin(
    p: &Protocol,
    aptt: Seconds,
    current: MgPerKgPerHour,
    target: &ApttTarget,
    base: Seconds,
) -> DtiTitration {
    titrate_dti(p, aptt, DoseRate::Bivalirudin(current), target, base).unwrap()
}

fn argatroban_target(p: &Protocol, base: Option<Seconds>) -> Option<ApttTarget> {
    dti_target(p, DtiDrug::Argatroban, base)
}

fn bivalirudin_target(p: &Protocol, base: Option<Seconds>) -> Option<ApttTarget> {
    dti_target(p, DtiDrug::Bivalirudin, base)
}

fn patient(setting: Setting) -> Patient {
    let mut p = Patient::new(
        Weight {
            kg: Kilograms::new(80.0).unwrap(),
            measured_at: anticoag_planner::model::ClinicalTime::parse_in(
                "2024-01-01T00:00",
                anticoag_planner::model::Zone::UTC,
            )
            .unwrap(),
            kind: WeightKind::Actual,
        },
        setting,
    );
    p.baseline_aptt = Some(Seconds::new(30.0).unwrap());
    p
}

fn ecmo() -> Protocol {
    Protocol::builtin("adult-ecmo").unwrap()
}

/// (description, patient tweak, expected drug, expected start rate)
#[test]
fn organ_function_table() {
    let p = ecmo();
    type Tweak = fn(&mut Patient);
    let cases: [(&str, Tweak, DtiDrug, f64); 11] = [
        (
            "no impairment, CrCl unknown → preference",
            |_| {},
            DtiDrug::Argatroban,
            0.5,
        ),
        (
            "normal kidneys → preference",
            |x| x.crcl = Some(MlPerMin::new(90.0).unwrap()),
            DtiDrug::Argatroban,
            0.5,
        ),
        (
            "CrCl 20 → argatroban",
            |x| x.crcl = Some(MlPerMin::new(20.0).unwrap()),
            DtiDrug::Argatroban,
            0.5,
        ),
        ("IHD → argatroban", |x| x.rrt = Rrt::Ihd, DtiDrug::Argatroban, 0.5),
        (
            "hepatic, CrCl 90 → bivalirudin 0.15",
            |x| {
                x.hepatic_impairment = true;
                x.crcl = Some(MlPerMin::new(90.0).unwrap());
            },
            DtiDrug::Bivalirudin,
            0.15,
        ),
        (
            "hepatic, CrCl 45 → bivalirudin 0.10",
            |x| {
                x.hepatic_impairment = true;
                x.crcl = Some(MlPerMin::new(45.0).unwrap());
            },
            DtiDrug::Bivalirudin,
            0.10,
        ),
        (
            "hepatic + CrCl 20 → bivalirudin renal dose 0.08",
            |x| {
                x.hepatic_impairment = true;
                x.crcl = Some(MlPerMin::new(20.0).unwrap());
            },
            DtiDrug::Bivalirudin,
            0.08,
        ),
        (
            "hepatic + CRRT → bivalirudin 0.06",
            |x| {
                x.hepatic_impairment = true;
                x.rrt = Rrt::Crrt;
            },
            DtiDrug::Bivalirudin,
            0.06,
        ),
        (
            "hepatic + IHD → bivalirudin 0.04",
            |x| {
                x.hepatic_impairment = true;
                x.rrt = Rrt::Ihd;
            },
            DtiDrug::Bivalirudin,
            0.04,
        ),
        (
            "ECMO low flow → argatroban",
            |x| x.ecmo_low_flow = true,
            DtiDrug::Argatroban,
            0.5,
        ),
        (
            "hepatic + ECMO low flow → argatroban at the hepatic dose",
            |x| {
                x.hepatic_impairment = true;
                x.ecmo_low_flow = true;
            },
            DtiDrug::Argatroban,
            0.2,
        ),
    ];
    for (what, tweak, drug, rate) in cases {
        let mut pt = patient(Setting::EcmoVv);
        tweak(&mut pt);
        let choice = choose_dti(&pt, &p, pt.hepatic_impairment);
        assert_eq!(choice.drug, drug, "{what}");
        let s = start(choice.drug, &pt, &p, pt.hepatic_impairment, pt.weight.kg);
        assert!(
            (s.rate.value() - rate).abs() < 1e-12,
            "{what}: {} vs {rate}",
            s.rate.value()
        );
        let expected_unit = if drug == DtiDrug::Argatroban {
            RateUnit::McgPerKgPerMin
        } else {
            RateUnit::MgPerKgPerHour
        };
        assert_eq!(s.rate.unit(), expected_unit, "{what}");
        let pump = s.pump.value();
        let expected_pump = if drug == DtiDrug::Argatroban {
            rate * 80.0 * 60.0 / 1000.0 / 1.0
        } else {
            rate * 80.0 / 0.5
        };
        assert!((pump - expected_pump).abs() < 1e-9, "{what}: pump {pump}");
        assert!(!choice.reasons.is_empty() && !choice.sources.is_empty(), "{what}");
    }
}

#[test]
fn argatroban_target_is_capped_at_100_seconds() {
    let p = ecmo();
    let mut pt = patient(Setting::EcmoVv);
    pt.baseline_aptt = Some(Seconds::new(40.0).unwrap());
    let s = start(DtiDrug::Argatroban, &pt, &p, false, pt.weight.kg);
    let target = s.target.unwrap();
    assert_eq!(target.low.value(), 60.0);
    assert_eq!(target.high.value(), 100.0, "3 × 40 = 120 s, capped at 100 s");
}

#[test]
fn argatroban_titration_follows_the_target_and_the_hard_maximum() {
    // Baseline 30 s: target 45–90 s; the margin 0.2 × 30 = 6 s reproduces UMMC's < 40 / 40–45 s bands.
    let p = ecmo();
    let base = Seconds::new(30.0).unwrap();
    let target = argatroban_target(&p, Some(base)).unwrap();
    let r = |v: f64| McgPerKgPerMin::new(v).unwrap();
    let s = |v: f64| Seconds::new(v).unwrap();
    let rate = |t: &anticoag_planner::dosing::dti::DtiTitration| t.new_rate.map(|x| x.value());
    let up = titrate_argatroban(&p, s(38.0), r(0.5), &target, base);
    assert_eq!(rate(&up), Some(0.75), "critically ill column: +0.25");
    let small = titrate_argatroban(&p, s(43.0), r(0.5), &target, base);
    assert_eq!(rate(&small), Some(0.6));
    let same = titrate_argatroban(&p, s(70.0), r(0.5), &target, base);
    assert_eq!(same.change.map(|c| c.value), Some(0.0));
    let hold = titrate_argatroban(&p, s(95.0), r(0.5), &target, base);
    assert_eq!(hold.hold_min.value(), 30.0);
    assert_eq!(rate(&hold), Some(0.25));
    let stop = titrate_argatroban(&p, s(120.0), r(0.5), &target, base);
    assert!(stop.stop_and_call && stop.new_rate.is_none());
    let capped = titrate_argatroban(&p, s(30.0), r(9.9), &target, base);
    assert_eq!(rate(&capped), Some(10.0), "never above the label maximum");
    assert!(capped.capped_at_max);
}

#[test]
fn bivalirudin_titration_follows_the_target() {
    // ECMO: 1.5–2 × 30 = 45–60 s; hold above min(3 × 30, 100) = 90 s.
    let p = ecmo();
    let base = Seconds::new(30.0).unwrap();
    let target = bivalirudin_target(&p, Some(base)).unwrap();
    let r = MgPerKgPerHour::new(0.1).unwrap();
    let s = |v: f64| Seconds::new(v).unwrap();
    let rate = |aptt: f64| {
        titrate_bivalirudin(&p, s(aptt), r, &target, base)
            .new_rate
            .map(|x| x.value())
    };
    assert_eq!(rate(36.0), Some(0.12));
    assert_eq!(rate(54.0), Some(0.1));
    assert_eq!(rate(75.0), Some(0.08));
    let held = titrate_bivalirudin(&p, s(105.0), r, &target, base);
    assert_eq!(held.hold_min.value(), 60.0);
    assert_eq!(held.new_rate.map(|x| x.value()), Some(0.06));
}
