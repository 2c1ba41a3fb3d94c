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
