#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Engine speed on generated ECMO courses (q2h paired labs, hourly rate changes). Run: `cargo bench`.

use anticoag_planner::analysis::generate::ecmo_course;
use anticoag_planner::analysis::{Detail, analyze, replay};
use anticoag_planner::protocol::Protocol;

fn main() {
    divan::main();
}

/// A generated ECMO course analysed at its last event, with the shipped forecast prior.
struct EndOfCourse {
    case: anticoag_planner::model::Case,
    protocol: Protocol,
    prior: anticoag_planner::protocol::forecast_prior::ForecastPrior,
    prepared: anticoag_planner::analysis::Prepared,
    end: anticoag_planner::model::ClinicalTime,
    analysis: anticoag_planner::analysis::Analysis,
}

fn end_of_course(days: u32) -> EndOfCourse {
    let case = ecmo_course(days);
    let protocol = Protocol::builtin("adult-ecmo").unwrap();
    let prior = anticoag_planner::protocol::forecast_prior::ForecastPrior::shipped().unwrap();
    let prepared = anticoag_planner::analysis::Prepared::new(&case, &protocol);
    let end = case.last_event_time().unwrap();
    let analysis = anticoag_planner::analysis::analyze_prepared(&case, &prepared, &protocol, end);
    EndOfCourse {
        case,
        protocol,
        prior,
        prepared,
        end,
        analysis,
    }
}

#[divan::bench(args = [1, 7, 30, 90])]
fn analyze_last_event(bencher: divan::Bencher, days: u32) {
    let case = ecmo_course(days);
    let protocol = Protocol::builtin("adult-ecmo").expect("shipped protocol");
    let at = case.last_event_time().expect("events");
    bencher.bench(|| analyze(divan::black_box(&case), &protocol, at));
}

/// Replay as a course is stepped through: every step's decision; the sentences only for the step read.
#[divan::bench(args = [1, 7, 30, 90])]
fn replay_whole_case(bencher: divan::Bencher, days: u32) {
    let case = ecmo_course(days);
    let protocol = Protocol::builtin("adult-ecmo").expect("shipped protocol");
    bencher.bench(|| replay(divan::black_box(&case), &protocol, Detail::Decision));
}

/// Replay with every step explained in full (`replay --format json`).
#[divan::bench(args = [1, 7, 30, 90])]
fn replay_whole_case_explained(bencher: divan::Bencher, days: u32) {
    let case = ecmo_course(days);
    let protocol = Protocol::builtin("adult-ecmo").expect("shipped protocol");
    bencher.bench(|| replay(divan::black_box(&case), &protocol, Detail::Explained));
}

/// The anti-Xa forecast at the end of a generated ECMO course (issue 16): the fit on every anti-Xa
/// sample, 24 hourly predictions, the rate to target and the back-test (one fit per earlier sample).
#[divan::bench(args = [7, 30])]
fn forecast_at_last_event(bencher: divan::Bencher, days: u32) {
    use anticoag_planner::analysis::forecast::{ForecastRequest, forecast};
    let EndOfCourse {
        case,
        protocol,
        prior,
        prepared,
        end,
        analysis,
    } = end_of_course(days);
    let req = ForecastRequest {
        as_of: end,
        hours: 24,
        extra_times: Vec::new(),
        rate_units_per_kg_per_h: None,
        bolus_units: None,
    };
    bencher.bench_local(|| forecast(&case, &prepared.timeline, &protocol, &prior, &analysis, &req).unwrap());
}

/// One MAP fit and its Laplace posterior on every anti-Xa of a 30-day course (the issue's "well under
/// 10 ms" for the 2-parameter problem); the full forecast above adds one refit per earlier sample for
/// the back-test.
#[divan::bench]
fn forecast_fit_30_days(bencher: divan::Bencher) {
    use anticoag_planner::analysis::forecast::fit_only;
    use anticoag_planner::protocol::forecast_prior::ForecastPrior;
    let case = ecmo_course(30);
    let protocol = Protocol::builtin("adult-ecmo").unwrap();
    let prior = ForecastPrior::shipped().unwrap();
    let prepared = anticoag_planner::analysis::Prepared::new(&case, &protocol);
    let end = case.last_event_time().unwrap();
    bencher.bench_local(|| fit_only(&case, &prepared.timeline, &prior, 80.0, end).unwrap());
}

/// The window's what-if update at the end of a 30-day course (issue 16): the fit is made once per edit
/// and replay time (`Outlook::prepare`, measured apart); moving the rate re-predicts the 24-hour curve
/// at the window's 34 points and the next result from the amounts kept per posterior node.
#[divan::bench]
fn whatif_update_30_days(bencher: divan::Bencher) {
    use anticoag_planner::analysis::forecast::outlook::{Outlook, WhatIf};
    let EndOfCourse {
        case,
        protocol,
        prior,
        prepared,
        end,
        analysis,
    } = end_of_course(30);
    let outlook = Outlook::prepare(&case, &prepared.timeline, &protocol, &prior, &analysis, end).unwrap();
    let mut rate = 1000.0;
    bencher.bench_local(|| {
        rate = if rate > 3000.0 { 1000.0 } else { rate + 25.0 };
        let plan = WhatIf {
            rate_units_per_h: rate,
            bolus_units: None,
        };
        let hours = (0..8)
            .map(|i| f64::from(i) * 0.25)
            .chain((0..8).map(|i| 2.0 + f64::from(i) * 0.5))
            .chain((6..=24).map(f64::from));
        (
            outlook.curve_at(plan, hours),
            outlook.band_at(plan, outlook.next_anti_xa),
        )
    });
}

/// The fit the window makes when the case or the replay time changes (`Outlook::prepare`), 30 days.
#[divan::bench]
fn whatif_prepare_30_days(bencher: divan::Bencher) {
    use anticoag_planner::analysis::forecast::outlook::Outlook;
    let EndOfCourse {
        case,
        protocol,
        prior,
        prepared,
        end,
        analysis,
    } = end_of_course(30);
    bencher.bench_local(|| Outlook::prepare(&case, &prepared.timeline, &protocol, &prior, &analysis, end).unwrap());
}
