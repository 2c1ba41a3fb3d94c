#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Properties that must hold for any input, not just the cases we thought of.

use anticoag_planner::analysis::generate::ecmo_course;
use anticoag_planner::analysis::{Detail, Timeline, analyze, replay};
use anticoag_planner::dosing::antithrombin::plasma_derived_dose;
use anticoag_planner::model::{
    Case, ClinicalTime, Event, EventKind, HeparinRate, Kilograms, McgPerKgPerMin, MgPerKgPerHour, MgPerMl, Patient,
    Percent, Setting, Units, UnitsPerKgPerHour, Weight, WeightKind,
};
use anticoag_planner::protocol::Protocol;
use proptest::prelude::*;

const START: ClinicalTime = ClinicalTime::constant(2024, 1, 1, 0, 0);

fn case_with(kg: f64, events: Vec<Event>) -> Case {
    let patient = Patient::new(
        Weight {
            kg: Kilograms::new(kg).unwrap(),
            measured_at: START,
            kind: WeightKind::Actual,
        },
        Setting::Icu,
    );
    let mut case = Case::new("prop", "adult-icu", START, patient);
    case.events = events;
    case.sort_events();
    case
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Exposure equals the analytic integral of the rate segments plus the boluses in the window.
    #[test]
    fn exposure_is_the_integral_of_rates_plus_boluses(
        kg in 3.0f64..200.0,
        segments in prop::collection::vec((1i64..600, 0.0f64..40.0), 1..12),
        boluses in prop::collection::vec((0i64..3000, 0.0f64..10_000.0), 0..6),
        window_from in 0i64..3000,
        window_len in 1i64..3000,
    ) {
        let mut events = Vec::new();
        let mut t = 0i64;
        let mut spans = Vec::new();
        for (len, rate) in &segments {
            events.push(Event::new(START.plus_minutes(t), EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(UnitsPerKgPerHour::new(*rate).unwrap()))));
            spans.push((t, t + len, *rate));
            t += len;
        }
        events.push(Event::new(START.plus_minutes(t), EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(UnitsPerKgPerHour::ZERO))));
        let mut bolus_times = std::collections::BTreeMap::new();
        for (at, units) in &boluses {
            bolus_times.insert(*at, *units);
        }
        for (at, units) in &bolus_times {
            events.push(Event::new(START.plus_minutes(*at), EventKind::UfhBolus(Units::new(*units).unwrap())));
        }
        let case = case_with(kg, events);
        let tl = Timeline::new(&case, case.patient.weight.kg);
        let (a, b) = (window_from, window_from + window_len);
        let mut expected = 0.0;
        for (s, e, rate) in spans {
            let lo = s.max(a);
            let hi = e.min(b);
            if hi > lo {
                expected += rate * kg * (hi - lo) as f64 / 60.0;
            }
        }
        expected += bolus_times.iter().filter(|(at, _)| **at > a && **at <= b).map(|(_, u)| u).sum::<f64>();
        let got = tl.heparin_units_between(START.plus_minutes(a), START.plus_minutes(b)).value();
        prop_assert!((got - expected).abs() <= 1e-6 * expected.max(1.0), "got {got}, expected {expected}");
    }

    /// A higher measured AT never calls for a larger dose.
    #[test]
    fn antithrombin_dose_never_rises_with_baseline(kg in 0.5f64..250.0, low in 5.0f64..200.0, step in 0.0f64..100.0) {
        let p = Protocol::builtin("adult-ecmo").unwrap();
        let pd = &p.antithrombin.plasma_derived;
        let target = pd.target_percent;
        let w = Kilograms::new(kg).unwrap();
        let d1 = plasma_derived_dose(Percent::new(low).unwrap(), target, w, pd).dose.value();
        let d2 = plasma_derived_dose(Percent::new(low + step).unwrap(), target, w, pd).dose.value();
        prop_assert!(d2 <= d1 + 1e-9);
        prop_assert!(d1 >= 0.0);
    }

    /// Pump rate × concentration = dose rate, for both DTIs and heparin.
    #[test]
    fn pump_rate_times_concentration_is_the_dose_rate(kg in 0.5f64..250.0, rate in 0.0f64..10.0, conc in 0.1f64..5.0) {
        let w = Kilograms::new(kg).unwrap();
        let c = MgPerMl::new(conc).unwrap();
        let arg = McgPerKgPerMin::new(rate).unwrap().pump_rate(w, c);
        prop_assert!((arg.value() * conc - rate * kg * 60.0 / 1000.0).abs() < 1e-9 * (1.0 + rate * kg));
        let biv = MgPerKgPerHour::new(rate / 10.0).unwrap().pump_rate(w, c);
        prop_assert!((biv.value() * conc - rate / 10.0 * kg).abs() < 1e-9 * (1.0 + rate * kg));
    }

    /// Units/mL ↔ % for antithrombin, and per-kg ↔ absolute heparin rates, round-trip.
    #[test]
    fn unit_conversions_round_trip(u in 0.0f64..2.0, kg in 0.3f64..350.0, r in 0.0f64..60.0) {
        let pct = Percent::from_units_per_ml(u).unwrap();
        prop_assert!((pct.value() / 100.0 - u).abs() < 1e-12);
        let w = Kilograms::new(kg).unwrap();
        let per_kg = UnitsPerKgPerHour::new(r).unwrap();
        let back = per_kg.for_weight(w).per_kg(w);
        prop_assert!((back.value() - r).abs() < 1e-9 * (1.0 + r));
    }

    /// No recommended argatroban rate ever exceeds the protocol's hard maximum, whatever the aPTT.
    #[test]
    fn argatroban_titration_respects_the_hard_limit(aptt in 10.0f64..250.0, current in 0.0f64..10.0, base in 20.0f64..60.0) {
        use anticoag_planner::model::Seconds;
        let p = Protocol::builtin("adult-ecmo").unwrap();
        let baseline = Seconds::new(base).unwrap();
        let target = anticoag_planner::dosing::dti::dti_target(&p, anticoag_planner::model::DtiDrug::Argatroban, Some(baseline)).unwrap();
        let t = anticoag_planner::dosing::dti::titrate_dti(&p, Seconds::new(aptt).unwrap(), anticoag_planner::dosing::DoseRate::Argatroban(McgPerKgPerMin::new(current).unwrap()), &target, baseline).unwrap();
        if let Some(rate) = t.new_rate {
            prop_assert!(rate.value() <= p.argatroban.max_mcg_per_kg_per_min.value.value());
            prop_assert!(rate.value() >= 0.0);
            // A decrease never reaches zero: it floors at the minimum (or the current rate, if lower).
            if t.change.is_some_and(|c| c.value < 0.0) {
                prop_assert!(rate.value() >= p.argatroban.minimum_mcg_per_kg_per_min.value.value().min(current) - 1e-9);
            }
        } else {
            prop_assert!(t.stop_and_call, "no rate only for a stop");
        }
    }
}

/// Every shipped nomogram covers its whole input range: any value finds exactly one row.
#[test]
fn shipped_nomograms_cover_every_value_exactly_once() {
    for name in anticoag_planner::protocol::builtin_names() {
        let p = Protocol::builtin(name).unwrap();
        for nomogram in [&p.ufh.anti_xa_nomogram, &p.ufh.aptt_nomogram] {
            for i in 0..5000 {
                let v = f64::from(i) * 0.001;
                let rows = nomogram
                    .rows
                    .iter()
                    .filter(|r| v >= r.from && r.to.is_none_or(|to| v < to))
                    .count();
                assert_eq!(rows, 1, "{name} {} at {v}", nomogram.name);
            }
        }
    }
}

/// Replay at t equals analyze at t, on a generated two-day ECMO course.
#[test]
fn replay_equals_analyze_on_a_generated_course() {
    let case = ecmo_course(2);
    let p = Protocol::builtin("adult-ecmo").unwrap();
    let steps = replay(&case, &p, Detail::Explained);
    assert!(steps.len() > 90);
    for step in steps.iter().step_by(7) {
        assert_eq!(*step, analyze(&case, &p, step.as_of));
    }
}
