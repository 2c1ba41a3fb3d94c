//! Coverage-guided fuzzing of the CSV events importer.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| anticoag_planner::robustness::check_events_csv(bytes));
