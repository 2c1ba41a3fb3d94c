#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Issue 26: over randomly edited valid protocols, no recommendation ever exceeds a fixed ceiling (clinical
//! reference §12 [rev 2]). The edits and the check are the fuzz target's (`robustness::check_protocol_numbers`,
//! `fuzz/fuzz_targets/protocol_numbers.rs`); this runs them under proptest, counts how many edited
//! protocols load (the precondition: ≥ 10%), and re-runs the committed fuzz corpus.

use anticoag_planner::robustness::check_protocol_numbers;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

use crate::common;

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn no_recommendation_of_an_edited_protocol_exceeds_a_fixed_ceiling(
        edits in proptest::collection::vec(any::<u8>(), 1..17)
    ) {
        let _ = check_protocol_numbers(&edits);
    }
}

#[test]
fn edited_protocols_that_load_are_produced_often_enough() {
    let mut runner = TestRunner::new(Config {
        cases: 200,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    });
    let (mut runs, mut loaded, mut analyses) = (0, 0, 0);
    for _ in 0..200 {
        let edits = proptest::collection::vec(any::<u8>(), 1..17)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let run = check_protocol_numbers(&edits);
        runs += 1;
        loaded += usize::from(run.loaded);
        analyses += run.analyses;
    }
    eprintln!("{loaded} of {runs} edited protocols loaded; {analyses} analyses checked");
    assert!(loaded * 10 >= runs, "only {loaded} of {runs} edited protocols loaded");
    assert!(analyses > 0);
}

#[test]
fn committed_protocol_numbers_corpus_still_passes() {
    let dir = common::root().join("fuzz/corpus/protocol_numbers");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check_protocol_numbers(&bytes));
        assert!(outcome.is_ok(), "{} panicked", path.display());
        count += 1;
    }
    assert!(count >= 50, "the corpus went missing: {count} files");
}
