#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The forecast's calibration against its own model (issue 16): courses simulated from the prior —
//! each patient's clearance and volume drawn with the prior's spreads, heparin started as the protocol
//! says and driven by its anti-Xa nomogram, every result measured with the stated assay error — and
//! back-tested sample by sample. The 90% interval of a measured result must hold 86–94% of at least
//! 500 results, and the forecast must beat the last value scaled by the rate change on median error.
//! Seeded: the same courses every run.

use anticoag_planner::analysis::Prepared;
use anticoag_planner::analysis::forecast::backtest_pairs;
use anticoag_planner::analysis::forecast::fit::Population;
use anticoag_planner::analysis::forecast::model::{Input, concentrations};
use anticoag_planner::io::event_kind_from_fields;
use anticoag_planner::model::{Case, ClinicalTime, Event, Kilograms, Patient, Setting, Weight, WeightKind};
use anticoag_planner::protocol::Protocol;
use anticoag_planner::protocol::forecast_prior::ForecastPrior;
use proptest::test_runner::{RngAlgorithm, TestRng};

use crate::common::{normal, uniform};

const START: ClinicalTime = ClinicalTime::constant(2024, 3, 1, 6, 0);
const PATIENTS: usize = 60;
const SAMPLES_PER_PATIENT: usize = 10;

fn event(case: &mut Case, minute: i64, code: &str, value: f64, unit: &str) {
    let kind = event_kind_from_fields(code, value, unit).unwrap_or_else(|e| panic!("{code} {value}: {e}"));
    case.events.push(Event::new(START.plus_minutes(minute), kind));
}

/// One simulated course: the patient's true parameters, the protocol's start, the nomogram at every
/// result. The model's inputs are kept beside the case so that the true level is the model's own.
fn simulated_course(rng: &mut TestRng, protocol: &Protocol, prior: &ForecastPrior, index: usize) -> Case {
    let kg = 55.0 + 55.0 * uniform(rng);
    let pop = Population::of(prior, kg);
    let truth = pop.at([pop.omega_cl * normal(rng), pop.omega_v * normal(rng)]);
    let patient = Patient::new(
        Weight {
            kg: Kilograms::new(kg).unwrap(),
            measured_at: START,
            kind: WeightKind::Actual,
        },
        Setting::Icu,
    );
    let mut case = Case::new(format!("simulated {index}"), "adult-icu", START, patient);
    let start = &protocol.ufh.start;
    let mut inputs = Vec::new();
    if let Some(bolus) = start.bolus_units_per_kg {
        let units = (bolus.value() * kg).round();
        event(&mut case, 0, "ufh_bolus", units, "units");
        inputs.push(Input::Bolus { at_h: 0.0, units });
    }
    let mut rate = start.rate_units_per_kg_per_h.value();
    event(&mut case, 0, "ufh_infusion", rate, "units/kg/h");
    inputs.push(Input::Rate {
        at_h: 0.0,
        units_per_h: rate * kg,
    });
    let nomogram = &protocol.ufh.anti_xa_nomogram;
    let mut minute = 6 * 60;
    for _ in 0..SAMPLES_PER_PATIENT {
        let h = minute as f64 / 60.0;
        let level = concentrations(truth, &inputs, &[h])[0];
        let measured = (level + pop.variance(level).sqrt() * normal(rng)).max(0.01);
        let measured = (measured * 100.0).round().max(1.0) / 100.0;
        event(&mut case, minute, "anti_xa", measured, "units/mL");
        let row = nomogram
            .rows
            .iter()
            .find(|r| measured >= r.from && r.to.is_none_or(|to| measured < to))
            .unwrap_or_else(|| panic!("no nomogram row for {measured}"));
        let bolus = (row.bolus_units_per_kg.value() * kg).round();
        if bolus > 0.0 {
            event(&mut case, minute, "ufh_bolus", bolus, "units");
            inputs.push(Input::Bolus { at_h: h, units: bolus });
        }
        let hold = row.hold_min.value() as i64;
        if hold > 0 {
            event(&mut case, minute, "ufh_infusion", 0.0, "units/kg/h");
            inputs.push(Input::Rate {
                at_h: h,
                units_per_h: 0.0,
            });
        }
        rate = (rate + row.rate_change_units_per_kg_per_h).max(1.0);
        if hold > 0 || row.rate_change_units_per_kg_per_h != 0.0 {
            event(&mut case, minute + hold, "ufh_infusion", rate, "units/kg/h");
            inputs.push(Input::Rate {
                at_h: (minute + hold) as f64 / 60.0,
                units_per_h: rate * kg,
            });
        }
        minute += (row.recheck_h.value() * 60.0) as i64 + hold;
    }
    case.sort_events();
    case
}

#[test]
fn the_interval_of_a_measured_result_holds_90_percent_of_simulated_results() {
    let protocol = Protocol::builtin("adult-icu").unwrap();
    let prior = ForecastPrior::shipped().unwrap();
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[16; 32]);
    let (mut n, mut within, mut errors, mut baseline_errors) = (0usize, 0usize, Vec::new(), Vec::new());
    for index in 0..PATIENTS {
        let case = simulated_course(&mut rng, &protocol, &prior, index);
        let prepared = Prepared::new(&case, &protocol);
        let kg = case.patient.weight.kg.value();
        let pop = Population::of(&prior, kg);
        let until = case.events.last().unwrap().time;
        for pair in backtest_pairs(&case, &prepared.timeline, &protocol, &pop, until) {
            n += 1;
            within += usize::from(pair.within);
            errors.push(pair.error());
            if let Some(e) = pair.baseline_error() {
                baseline_errors.push(e);
            }
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let coverage = within as f64 / n as f64;
    let (model, baseline) = (median(errors), median(baseline_errors.clone()));
    eprintln!(
        "simulated back-test: {n} results, 90% interval held {within} ({coverage:.3}); median error {model:.3} vs \
         {baseline:.3} for the last value scaled by the rate change ({} pairs), {:.0}% better",
        baseline_errors.len(),
        (1.0 - model / baseline) * 100.0
    );
    assert!(n >= 500, "{n} results");
    assert!((0.86..=0.94).contains(&coverage), "coverage {coverage:.3} of {n}");
    assert!(
        model < baseline,
        "median error {model:.3} does not beat the baseline's {baseline:.3}"
    );
}
