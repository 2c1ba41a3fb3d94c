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

mod common;

use anticoag_planner::analysis::analyze;
use anticoag_planner::io::{parse_case, parse_events_csv, to_ron_string};
use anticoag_planner::model::{ClinicalTime, Kilograms};
use anticoag_planner::protocol::Protocol;
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

fn parse_csv(bytes: &[u8]) {
    let p = Protocol::builtin("adult-icu").unwrap();
    let now = ClinicalTime::constant(2026, 1, 1, 0, 0);
    let _ = parse_events_csv(bytes, &p.plausibility, Kilograms::new(70.0).unwrap(), Some(now));
}

/// As the `case_ron` fuzz target: a case that loads also analyses, and saves to text that loads again.
fn parse_case_bytes(bytes: &[u8]) {
    // Case files are text: the loader refuses non-UTF-8 before parsing, as here.
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(loaded) = parse_case(text, "fuzz.ron", None) else {
        return;
    };
    for event in [loaded.case.events.first(), loaded.case.events.last()]
        .into_iter()
        .flatten()
    {
        let _ = analyze(&loaded.case, &loaded.protocol, event.time);
    }
    let written = to_ron_string(&loaded.case);
    if let Err(e) = parse_case(&written, "roundtrip.ron", None) {
        panic!("a loaded case, saved, no longer loads: {e}\n{written}");
    }
}

fn parse_protocol_bytes(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = Protocol::from_ron_str(text, "fuzz.ron");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn csv_parser_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_csv(&bytes);
    }

    #[test]
    fn csv_parser_never_panics_on_a_damaged_file(bytes in mutated(csv_seed())) {
        parse_csv(&bytes);
    }

    #[test]
    fn case_parser_never_panics_on_random_text(chars in proptest::collection::vec(any::<char>(), 0..300)) {
        parse_case_bytes(String::from_iter(chars).as_bytes());
    }

    #[test]
    fn case_parser_never_panics_on_a_damaged_file(bytes in mutated(case_seed())) {
        parse_case_bytes(&bytes);
    }

    #[test]
    fn protocol_parser_never_panics_on_a_damaged_file(bytes in mutated(protocol_seed())) {
        parse_protocol_bytes(&bytes);
    }
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
    assert!(replay_corpus("csv_events", parse_csv) > 1000);
    assert!(replay_corpus("case_ron", parse_case_bytes) > 1000);
    assert!(replay_corpus("protocol_ron", parse_protocol_bytes) > 1000);
}
