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

/// `replay --format json` without the process: every step explained and written as JSON as it is
/// computed (to a sink), as the command line streams it.
#[divan::bench(args = [10, 90])]
fn replay_json_streamed(bencher: divan::Bencher, days: u32) {
    use anticoag_planner::analysis::{Prepared, replay_steps};
    use anticoag_planner::present::report::write_replay_json;
    let case = ecmo_course(days);
    let protocol = Protocol::builtin("adult-ecmo").expect("shipped protocol");
    bencher.bench(|| {
        let prepared = Prepared::new(&case, &protocol);
        write_replay_json(
            replay_steps(divan::black_box(&case), &prepared, &protocol, Detail::Explained),
            std::io::sink(),
        )
    });
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

/// CSV import as the `import` command does it: every row parsed and checked against the protocol's
/// limits, the events put in time order and added to a new case with one audit entry each, and the
/// case written atomically (to a temporary folder). Issue 20: 100,000 rows under 1 s, a million
/// under 10 s.
#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 3, sample_size = 1)]
fn import_csv_rows(bencher: divan::Bencher, rows: usize) {
    use anticoag_planner::io::{parse_events_csv, save_case};
    use anticoag_planner::model::{
        AuditAction, Case, ClinicalTime, Kilograms, Patient, Setting, Stamp, Weight, WeightKind,
    };
    let csv = anticoag_planner::analysis::generate::ecmo_course_csv(rows);
    let protocol = Protocol::builtin("adult-ecmo").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("imported.ron");
    let kg = Kilograms::constant(80.0);
    let now = ClinicalTime::constant(2026, 12, 1, 0, 0);
    bencher.bench(|| {
        let mut import = parse_events_csv(
            csv.as_bytes(),
            &protocol.plausibility,
            kg,
            anticoag_planner::model::Zone::UTC,
            Some(now),
        )
        .unwrap();
        import.events.sort_by_key(|e| e.time);
        let start = import.events[0].time;
        let weight = Weight {
            kg,
            measured_at: start,
            kind: WeightKind::Actual,
        };
        let mut case = Case::new("imported", "adult-ecmo", start, Patient::new(weight, Setting::EcmoVv));
        case.add_audited(import.events, &Stamp::new(now, "bench"), AuditAction::Imported)
            .unwrap();
        save_case(&path, &case).unwrap();
    });
}

/// A unit folder of `cases` generated courses of `days` days each (issue 31), the courses written as
/// case files.
fn unit_folder(cases: usize, days: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let course = ecmo_course(days);
    for i in 0..cases {
        let mut case = course.clone();
        case.title = format!("bed {i}");
        anticoag_planner::io::save_case(&dir.path().join(format!("bed{i:02}.ron")), &case).unwrap();
    }
    dir
}

/// The unit board of 30 cases × 30 days built from nothing: every file read, analysed at its last event
/// and made a row (issue 31: ≤ 150 ms).
#[divan::bench(sample_count = 10)]
fn board_30_cases_30_days(bencher: divan::Bencher) {
    let dir = unit_folder(30, 30);
    let zone = anticoag_planner::model::Zone::named("UTC").unwrap();
    let now = ecmo_course(30).last_event_time().unwrap();
    bencher.bench(|| {
        let mut board = anticoag_planner::board::Board::new(dir.path().to_path_buf(), zone, None);
        board.refresh();
        board.rows(now)
    });
}

/// One file of the 30 changed on disk: the refresh that follows (29 fingerprints unchanged, one file read
/// and analysed again) and the rows remade (issue 31: ≤ 50 ms from the change event).
#[divan::bench(sample_count = 20)]
fn board_one_file_changed(bencher: divan::Bencher) {
    let dir = unit_folder(30, 30);
    let zone = anticoag_planner::model::Zone::named("UTC").unwrap();
    let course = ecmo_course(30);
    let now = course.last_event_time().unwrap();
    let mut board = anticoag_planner::board::Board::new(dir.path().to_path_buf(), zone, None);
    board.refresh();
    let path = dir.path().join("bed07.ron");
    let mut flip = false;
    bencher
        .with_inputs(|| {
            // Two versions of different lengths, so that the fingerprint changes every time.
            flip = !flip;
            let mut case = course.clone();
            case.title = if flip {
                "bed 7 (edited)".to_owned()
            } else {
                "bed 7".to_owned()
            };
            anticoag_planner::io::save_case(&path, &case).unwrap();
        })
        .bench_local_values(|()| {
            let refreshed = board.refresh();
            assert_eq!(refreshed.analysed.len(), 1);
            board.rows(now)
        });
}

/// The parts of a board row for one 30-day case file: reading and checking the file, preparing the
/// engine, the analysis at the last event.
#[divan::bench(args = ["load", "engine", "summary"], sample_count = 20)]
fn board_row_parts(bencher: divan::Bencher, part: &str) {
    let dir = unit_folder(1, 30);
    let path = dir.path().join("bed00.ron");
    let zone = anticoag_planner::model::Zone::named("UTC").unwrap();
    let loaded = anticoag_planner::io::load_case(&path, zone).unwrap();
    match part {
        "load" => bencher.bench(|| anticoag_planner::io::load_case(&path, zone).unwrap()),
        "engine" => bencher.bench(|| loaded.engine()),
        _ => bencher.bench(|| anticoag_planner::board::CaseSummary::of(&loaded, None)),
    }
}

/// A shipped protocol read and checked (every case load resolves its protocols).
#[divan::bench(sample_count = 20)]
fn protocol_builtin(bencher: divan::Bencher) {
    bencher.bench(|| Protocol::builtin("adult-ecmo").unwrap());
}
