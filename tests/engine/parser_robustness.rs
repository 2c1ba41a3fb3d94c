#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! A bounded robustness run of the three parsers (CSV events, case RON, protocol RON) in `cargo test`:
//! random bytes, and valid files with random bytes flipped, inserted or cut. Each parser must answer
//! with a value or an error — never a panic. (Not a substitute for coverage-guided fuzzing.)
//!
//! It also re-runs the committed fuzz corpora (`fuzz/corpus/`, minimised after the cargo-fuzz runs
//! reported in `docs/robustness.md`) through the same checks as the fuzz targets, so every input that
//! once reached new code stays a regression test here.

use crate::common;

// The fuzz targets' own checks, so the corpora below are re-run exactly as they were fuzzed.
use anticoag_planner::robustness::{
    check_case_file, check_events_csv, check_fhir_file, check_hl7_file, check_protocol_file,
};
use proptest::prelude::*;

fn csv_seed() -> Vec<u8> {
    b"time,kind,value,unit,note\n2024-01-01T08:00,aptt,50,s,first\n2024-01-01T08:30,anti_xa,0.3,units/mL,\n\
      2024-01-01T09:00,ufh_infusion,18,units/kg/h,\n2024-01-01T09:00,ufh_bolus,5000,IU,\"a, quoted note\"\n\
      2024-01-01T10:00,antithrombin,0.6,units/mL,\n2024-01-01T11:00,ffp,2,bags,\n"
        .to_vec()
}

fn case_seed() -> Vec<u8> {
    std::fs::read(common::root().join("assets/cases/cmaj-2019-ecmo.ron")).unwrap()
}

fn protocol_seed() -> Vec<u8> {
    std::fs::read(common::root().join("protocols/adult-ecmo.ron")).unwrap()
}

/// A seed with up to eight edits: flip a byte, insert a byte, or cut the rest.
fn mutated(seed: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = seed.len();
    proptest::collection::vec((0..len, any::<u8>(), 0u8..3), 1..8).prop_map(move |edits| {
        let mut bytes = seed.clone();
        for (at, byte, how) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match how {
                0 => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b = byte;
                    }
                }
                1 => bytes.insert(at, byte),
                _ => bytes.truncate(at),
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn csv_parser_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_events_csv(&bytes);
    }

    #[test]
    fn csv_parser_never_panics_on_a_damaged_file(bytes in mutated(csv_seed())) {
        check_events_csv(&bytes);
    }

    #[test]
    fn case_parser_never_panics_on_random_text(chars in proptest::collection::vec(any::<char>(), 0..300)) {
        check_case_file(String::from_iter(chars).as_bytes());
    }

    #[test]
    fn case_parser_never_panics_on_a_damaged_file(bytes in mutated(case_seed())) {
        check_case_file(&bytes);
    }

    #[test]
    fn protocol_parser_never_panics_on_a_damaged_file(bytes in mutated(protocol_seed())) {
        check_protocol_file(&bytes);
    }

    #[test]
    fn hl7_reader_never_panics_on_a_damaged_message(bytes in mutated(lab_seed("corrected.hl7"))) {
        check_hl7_file(&bytes);
    }

    #[test]
    fn fhir_reader_never_panics_on_a_damaged_bundle(bytes in mutated(lab_seed("fhir-bundle-collection.json"))) {
        check_fhir_file(&bytes);
    }
}

/// A sample lab file of the tests (issue 32).
fn lab_seed(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("tests/data/labs").join(name)).unwrap()
}

/// Every file of one committed fuzz corpus, through `check`.
fn replay_corpus(target: &str, check: fn(&[u8])) -> usize {
    let dir = common::root().join("fuzz/corpus").join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
        count += 1;
    }
    count
}

#[test]
fn committed_fuzz_corpora_still_pass() {
    // Counts after `cargo fuzz cmin`: a corpus that went missing would make this test vacuous.
    assert!(replay_corpus("csv_events", check_events_csv) > 1000);
    assert!(replay_corpus("case_ron", check_case_file) > 1000);
    assert!(replay_corpus("protocol_ron", check_protocol_file) > 1000);
    // The lab readers' corpora (issue 32): the sample files, and what the fuzz runs kept.
    assert!(replay_corpus("hl7_results", check_hl7_file) >= 17);
    assert!(replay_corpus("fhir_results", check_fhir_file) >= 4);
}
