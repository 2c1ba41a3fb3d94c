#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! A bounded robustness run of the three parsers (CSV events, case RON, protocol RON) in `cargo test`:
//! random bytes, and valid files with random bytes flipped, inserted or cut. Each parser must answer
//! with a value or an error — never a panic. (Not a substitute for coverage-guided fuzzing.)

mod common;

use anticoag_planner::io::{parse_case, parse_events_csv};
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

fn parse_case_bytes(bytes: &[u8]) {
    // Case files are text: the loader refuses non-UTF-8 before parsing, as here.
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = parse_case(text, "fuzz.ron", None);
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
