#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Properties over random cases: any mix of labs and doses the importer accepts, in any setting, with
//! any patient flags. For every step of the replay:
//! - replay at t equals `analyze` at t (what the timeline shows is what `analyze --at t` says);
//! - no recommended dose or rate exceeds a protocol hard limit (argatroban maximum, the heparin start
//!   caps, the protamine ceiling, and the protocol's own input limits for each drug);
//! - every pump rate is the dose rate divided by the protocol's concentration;
//! - outside bypass, a result at or above its hold threshold drawn while an anticoagulant runs leads to
//!   a hold (clinical reference §5 rev 2, newest result first), whatever older results say.

use std::collections::BTreeMap;

use anticoag_planner::analysis::courses::HeparinCourses;
use anticoag_planner::analysis::{Action, Analysis, Detail, Timeline, analyze, replay};
use anticoag_planner::dosing::RateUnit;
use anticoag_planner::dosing::weight::{Drug, dosing_weight};
use anticoag_planner::io::event_kind_from_fields;
use anticoag_planner::model::{
    Case, ClinicalTime, Event, EventKind, FourTsPoints, HeparinRate, HitHistory, Kilograms, McgPerKgPerMin,
    MgPerKgPerHour, MlPerMin, Patient, Rrt, Seconds, Setting, Units, UnitsPerKgPerHour, Weight, WeightKind,
};
use anticoag_planner::protocol::Protocol;
use anticoag_planner::protocol::plausibility::check_event;
use proptest::prelude::*;

const START: ClinicalTime = ClinicalTime::constant(2024, 3, 1, 6, 0);

/// Kind code, unit, and a range wider than the protocols accept (what falls outside is dropped by the
/// protocol's own plausibility check, as the importer would refuse it).
const KINDS: [(&str, &str, f64, f64); 19] = [
    ("aptt", "s", 15.0, 220.0),
    ("anti_xa", "units/mL", 0.0, 1.8),
    ("antithrombin", "%", 5.0, 160.0),
    ("act", "s", 80.0, 900.0),
    ("platelets", "10^9/L", 2.0, 450.0),
    ("fibrinogen", "g/L", 0.3, 12.0),
    ("inr", "", 0.8, 6.0),
    ("hemoglobin", "g/L", 50.0, 170.0),
    ("factor_viii", "%", 20.0, 450.0),
    ("plasma_free_hb", "mg/dL", 0.0, 250.0),
    ("bilirubin", "mg/dL", 0.1, 25.0),
    ("ufh_bolus", "units", 0.0, 40_000.0),
    ("ufh_infusion", "units/kg/h", 0.0, 45.0),
    ("at_concentrate", "units", 250.0, 6000.0),
    ("at_recombinant", "units", 250.0, 6000.0),
    ("ffp", "bags", 1.0, 4.0),
    ("argatroban_infusion", "mcg/kg/min", 0.0, 12.0),
    ("bivalirudin_infusion", "mg/kg/h", 0.0, 2.0),
    ("protamine", "mg", 0.0, 400.0),
];

fn setting_and_protocol(i: usize) -> (Setting, &'static str) {
    [
        (Setting::Icu, "adult-icu"),
        (Setting::EcmoVv, "adult-ecmo"),
        (Setting::EcmoVa, "adult-ecmo"),
        (Setting::Cpb, "adult-cpb"),
    ][i % 4]
}

/// A random case: up to `n` events over four days, each accepted by the protocol's input limits.
pub(crate) fn random_case() -> impl Strategy<Value = (Case, Protocol)> {
    (
        0usize..4,
        30.0f64..180.0,
        (
            any::<bool>(),
            prop::option::of(5.0f64..140.0),
            0usize..3,
            prop::option::of(24.0f64..45.0),
        ),
        (
            0usize..8,
            prop::option::of(0u8..3),
            prop::option::of(0u8..3),
            any::<bool>(),
        ),
        prop::collection::vec((0i64..4 * 1440, 0usize..KINDS.len(), 0.0f64..1.0), 1..40),
    )
        .prop_map(
            |(setting_index, kg, (hepatic, crcl, rrt, baseline), (history, thrombosis, other, bleeding), raw)| {
                let (setting, protocol_name) = setting_and_protocol(setting_index);
                let protocol = Protocol::builtin(protocol_name).unwrap();
                let weight = Kilograms::new(kg).unwrap();
                let mut patient = Patient::new(
                    Weight {
                        kg: weight,
                        measured_at: START,
                        kind: WeightKind::Actual,
                    },
                    setting,
                );
                patient.hepatic_impairment = hepatic;
                patient.crcl = crcl.map(|c| MlPerMin::new(c).unwrap());
                patient.rrt = [Rrt::None, Rrt::Crrt, Rrt::Ihd][rrt];
                patient.baseline_aptt = baseline.map(|b| Seconds::new(b).unwrap());
                patient.hit_history = match history {
                    0 => HitHistory::RecentOrPositive,
                    1 => HitHistory::RemoteAntibodyNegative,
                    _ => HitHistory::None,
                };
                patient.hit_thrombosis = thrombosis.map(|p| FourTsPoints::new(p).unwrap());
                patient.hit_other_causes = other.map(|p| FourTsPoints::new(p).unwrap());
                patient.high_bleeding_risk = bleeding;
                // One event per (minute, kind), as the app's entry form and importer keep them.
                let mut unique = BTreeMap::new();
                for (minute, kind, fraction) in raw {
                    let (code, unit, low, high) = KINDS[kind];
                    let value = (low + fraction * (high - low)).round().max(low).min(high);
                    let value = if high <= 2.0 {
                        low + fraction * (high - low)
                    } else {
                        value
                    };
                    if let Ok(event_kind) = event_kind_from_fields(code, value, unit)
                        && check_event(&protocol.plausibility, event_kind, weight).is_ok()
                    {
                        // Half the entries confirmed: a confirmed rate beyond its soft limit is titrated, an
                        // unconfirmed one pauses the advice (clinical reference §14.4).
                        let mut event = Event::new(START.plus_minutes(minute), event_kind);
                        event.confirmed = minute % 2 == 0;
                        unique.insert((minute, kind), event);
                    }
                }
                let mut case = Case::new("random", protocol_name, START, patient);
                case.events = unique.into_values().collect();
                case.sort_events();
                (case, protocol)
            },
        )
}

/// The kg a recommended rate is per: heparin is dosed on the protocol's dosing weight, DTIs on actual.
pub(crate) fn pump_matches(a: &Analysis, case: &Case, p: &Protocol) -> Result<(), String> {
    let (Some(rate), Some(pump)) = (a.recommendation.rate, a.recommendation.pump_ml_per_h) else {
        return Ok(());
    };
    let kg = case.patient.weight.kg;
    let (dose_per_h, concentration) = match rate.unit() {
        RateUnit::UnitsPerKgPerHour => (
            rate.value() * dosing_weight(&case.patient, p, Drug::Heparin).kg.value(),
            p.ufh.concentration_units_per_ml.value.value(),
        ),
        RateUnit::McgPerKgPerMin => (
            rate.value() * kg.value() * 60.0 / 1000.0,
            p.argatroban.concentration_mg_per_ml.value.value(),
        ),
        RateUnit::MgPerKgPerHour => (
            rate.value() * kg.value(),
            p.bivalirudin.concentration_mg_per_ml.value.value(),
        ),
    };
    let shown = pump.value() * concentration;
    // A heparin rate that runs in units/h (a cap, a running rate as entered) shows its per-kg figure rounded
    // beside it (clinical reference §14.4): the pump is exact, the per-kg figure within its rounding.
    let rounding = match rate.unit() {
        RateUnit::UnitsPerKgPerHour => 0.05 * dosing_weight(&case.patient, p, Drug::Heparin).kg.value(),
        _ => 0.0,
    };
    if (shown - dose_per_h).abs() <= rounding + 1e-6 * dose_per_h.max(1.0) {
        Ok(())
    } else {
        Err(format!(
            "pump {} mL/h × {concentration}/mL = {shown}, but the rate {rate} is {dose_per_h}/h",
            pump.value()
        ))
    }
}

/// Every recommended amount within the protocol's hard limits (as a message when not).
fn within_hard_limits(a: &Analysis, case: &Case, p: &Protocol) -> Result<(), String> {
    let r = &a.recommendation;
    let kg = case.patient.weight.kg;
    let at = a.as_of;
    let refuse = |what: &str, kind: EventKind| -> Result<(), String> {
        check_event(&p.plausibility, kind, kg)
            .map(|_| ())
            .map_err(|e| format!("{at}: recommended {what} is outside the protocol's own limits: {e}"))
    };
    for (what, v) in [
        ("rate", r.rate.map(|x| x.value())),
        ("dose", r.dose_units.map(|x| x.value())),
        ("bolus", r.bolus_units.map(|x| x.value())),
        ("pump", r.pump_ml_per_h.map(|x| x.value())),
        ("hold", r.hold_minutes.map(|x| x.value())),
    ] {
        if let Some(v) = v
            && !(v.is_finite() && v >= 0.0)
        {
            return Err(format!("{at}: {what} {v} is not a finite non-negative number"));
        }
    }
    if let Some(rate) = r.rate {
        match rate.unit() {
            RateUnit::McgPerKgPerMin => {
                let max = p.argatroban.max_mcg_per_kg_per_min.value.value();
                if rate.value() > max {
                    return Err(format!("{at}: argatroban {rate} above the maximum {max} mcg/kg/min"));
                }
                refuse(
                    "argatroban rate",
                    EventKind::ArgatrobanInfusion(McgPerKgPerMin::new(rate.value()).unwrap()),
                )?;
            }
            RateUnit::MgPerKgPerHour => {
                refuse(
                    "bivalirudin rate",
                    EventKind::BivalirudinInfusion(MgPerKgPerHour::new(rate.value()).unwrap()),
                )?;
            }
            RateUnit::UnitsPerKgPerHour => {
                refuse(
                    "heparin rate",
                    EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(
                        UnitsPerKgPerHour::new(rate.value()).unwrap(),
                    )),
                )?;
                // A heparin start (nothing running) honours the protocol's start caps.
                let starting = a.heparin.current_rate_units_per_h.is_none_or(|u| u.value() == 0.0);
                if starting && r.action == Action::AdjustUfh && r.rate_change.is_none() {
                    let per_h = rate.value() * dosing_weight(&case.patient, p, Drug::Heparin).kg.value();
                    if let Some(max) = p.ufh.start.rate_max_units_per_h
                        && per_h > max.value() + 1e-6
                    {
                        return Err(format!("{at}: heparin start {per_h} units/h above the cap {max}"));
                    }
                    if let (Some(b), Some(max)) = (r.bolus_units, p.ufh.start.bolus_max_units)
                        && b.value() > max.value() + 1e-6
                    {
                        return Err(format!("{at}: heparin start bolus {b} above the cap {max}"));
                    }
                }
            }
        }
    }
    if let Some(b) = r.bolus_units {
        refuse("heparin bolus", EventKind::UfhBolus(Units::new(b.value()).unwrap()))?;
    }
    if let (Some(cpb), Some(bypass)) = (&a.cpb, &p.bypass)
        && let Some(mg) = cpb.protamine_mg
    {
        let (mg, ceiling) = (mg.value(), bypass.protamine.max_total_mg_per_kg.value() * kg.value());
        if mg > ceiling + 1e-6 {
            return Err(format!("{at}: protamine {mg} mg above the ceiling {ceiling} mg"));
        }
    }
    pump_matches(a, case, p)
}

/// The one infusion running at `t` (started before `t`, not changed at `t`): its kind code, or `None`
/// when nothing or more than one runs, or an infusion changed at `t`.
pub(crate) fn sole_running_infusion(case: &Case, t: ClinicalTime) -> Option<&'static str> {
    let mut last: BTreeMap<&'static str, (ClinicalTime, bool)> = BTreeMap::new();
    for e in case.events.iter().filter(|e| e.time <= t) {
        let (agent, on) = match e.kind {
            EventKind::UfhInfusion(r) => ("heparin", !r.is_stop()),
            EventKind::ArgatrobanInfusion(r) => ("argatroban", r.value() > 0.0),
            EventKind::BivalirudinInfusion(r) => ("bivalirudin", r.value() > 0.0),
            _ => continue,
        };
        // As the timeline reads infusions: a start of one agent ends any other (a switch), so the
        // heparin that ran before a DTI start is not running after that DTI is stopped.
        if on {
            for (other, state) in &mut last {
                if *other != agent {
                    state.1 = false;
                }
            }
        }
        last.insert(agent, (e.time, on));
    }
    if last.values().any(|(time, _)| *time == t) {
        return None;
    }
    let mut running = last.iter().filter(|(_, (_, on))| *on).map(|(agent, _)| *agent);
    let first = running.next()?;
    running.next().is_none().then_some(first)
}

/// Whether a result drawn exactly at `t` is at or above its hold threshold for `agent`, computed from
/// the protocol's data: heparin anti-Xa in or above the nomogram's first hold row; heparin aPTT above
/// the Raschke hold ratio × control or the protocol's ceiling, whichever is lower; DTI aPTT above the
/// hold ratio × baseline or the ceiling (the ceiling alone without a baseline).
pub(crate) fn hold_result_at(case: &Case, p: &Protocol, agent: &str, t: ClinicalTime) -> Option<String> {
    let round = |v: f64, d: i32| (v * 10f64.powi(d) + 1e-9).round() / 10f64.powi(d);
    let baseline = case.patient.baseline_aptt.map(|b| b.value());
    for e in case.events.iter().filter(|e| e.time == t) {
        match (agent, e.kind) {
            ("heparin", EventKind::AntiXa(x)) => {
                let n = &p.ufh.anti_xa_nomogram;
                let (first_hold, _) = n.first_hold_row()?;
                if n.row(round(x.value(), 2)).is_some_and(|(i, _)| i >= first_hold) {
                    return Some(format!("anti-Xa {x}"));
                }
            }
            // An aPTT drawn soon after a DTI stops is not a heparin result (clinical reference §14.1): any DTI
            // event in the 12 h before (the longest washout, argatroban with hepatic impairment) skips it.
            ("heparin", EventKind::Aptt(_)) if dti_within_12_h(case, t) => {}
            ("heparin", EventKind::Aptt(s)) => {
                let control = baseline.unwrap_or(p.monitoring.lab_control_aptt_s.value.value());
                let ratio = p.ufh.aptt_nomogram.first_hold_row().map_or(3.0, |(_, r)| r.from);
                let above = (ratio * control).min(p.ufh.aptt_hold_above_s.value.value());
                if round(s.value(), 0) > above {
                    return Some(format!("heparin aPTT {s} > {above} s"));
                }
            }
            ("argatroban" | "bivalirudin", EventKind::Aptt(s)) => {
                let h = &p.dti.hold_above;
                let above = baseline.map_or(h.max_s.value(), |b| (h.ratio.value() * b).min(h.max_s.value()));
                if round(s.value(), 0) > above {
                    return Some(format!("{agent} aPTT {s} > {above} s"));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a DTI infusion was charted, or still ran, in the 12 h before `t`: the longest washout of §14.1.
fn dti_within_12_h(case: &Case, t: ClinicalTime) -> bool {
    let dti = |e: &&anticoag_planner::model::Event| e.kind.infusion_drug().is_some_and(|d| d.is_dti());
    let last_dti = case.events.iter().filter(|e| e.time <= t).rfind(dti);
    last_dti.is_some_and(|e| t.hours_since(e.time) < 12.0 || !e.kind.is_infusion_stop())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn a_new_result_at_a_hold_threshold_holds_the_running_anticoagulant((case, protocol) in random_case()) {
        if case.patient.setting == Setting::Cpb {
            return Ok(());
        }
        for step in replay(&case, &protocol, Detail::Explained) {
            let Some(agent) = sole_running_infusion(&case, step.as_of) else { continue };
            let Some(result) = hold_result_at(&case, &protocol, agent, step.as_of) else { continue };
            prop_assert_eq!(
                step.recommendation.action,
                Action::HoldAnticoagulant,
                "{} on {}: {}",
                step.as_of,
                agent,
                result
            );
        }
    }

    #[test]
    fn replay_at_each_time_equals_analyze_at_that_time((case, protocol) in random_case()) {
        let explained = replay(&case, &protocol, Detail::Explained);
        let decided = replay(&case, &protocol, Detail::Decision);
        prop_assert_eq!(explained.len(), decided.len());
        for (step, decision) in explained.iter().zip(&decided) {
            let direct = analyze(&case, &protocol, step.as_of);
            prop_assert_eq!(step, &direct, "replay and analyze differ at {}", step.as_of);
            // Leaving the sentences out must not change what is decided: no decision may read text.
            prop_assert_eq!(
                decision.without_text(),
                direct.without_text(),
                "the decision-only replay differs at {}",
                step.as_of
            );
        }
    }

    #[test]
    fn the_course_index_equals_the_walk_over_every_dose((case, protocol) in random_case()) {
        let tl = Timeline::new(&case, case.patient.weight.kg);
        let gap = protocol.resistance.new_course_after_gap_h.value;
        let courses = HeparinCourses::new(&tl, gap);
        for e in &case.events {
            for t in [e.time, e.time.plus_minutes(30), e.time.plus_minutes(25 * 60)] {
                prop_assert_eq!(courses.start_at(t), tl.heparin_course_start(t, gap), "at {}", t);
            }
        }
    }

    #[test]
    fn no_recommendation_exceeds_a_protocol_hard_limit((case, protocol) in random_case()) {
        for step in replay(&case, &protocol, Detail::Explained) {
            if let Err(problem) = within_hard_limits(&step, &case, &protocol) {
                prop_assert!(false, "{}\nrecommendation: {:?}", problem, step.recommendation);
            }
        }
    }
}

/// The generator must reach the dangerous branches, or the two properties above prove little: over a
/// fixed-seed sample, every dosing action appears at least once.
#[test]
fn random_cases_reach_every_dosing_action() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(Config::default().rng_algorithm),
    );
    let strategy = random_case();
    let mut seen = std::collections::HashMap::new();
    let mut high_results = std::collections::HashMap::new();
    for _ in 0..300 {
        let (case, protocol) = strategy.new_tree(&mut runner).unwrap().current();
        for step in replay(&case, &protocol, Detail::Explained) {
            *seen.entry(step.recommendation.action).or_insert(0usize) += 1;
            if case.patient.setting != Setting::Cpb
                && let Some(agent) = sole_running_infusion(&case, step.as_of)
                && hold_result_at(&case, &protocol, agent, step.as_of).is_some()
            {
                *high_results.entry(agent).or_insert(0usize) += 1;
            }
        }
    }
    eprintln!("actions reached: {seen:?}; high results by agent: {high_results:?}");
    // The hold property needs high results under each anticoagulant.
    for agent in ["heparin", "argatroban", "bivalirudin"] {
        assert!(
            high_results.get(agent).is_some_and(|n| *n >= 5),
            "too few high results on {agent}: {high_results:?}"
        );
    }
    for action in Action::ALL {
        assert!(
            seen.contains_key(&action),
            "{action:?} never reached; reached: {seen:?}"
        );
    }
}
