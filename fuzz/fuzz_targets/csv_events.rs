//! Coverage-guided fuzzing of the CSV events importer.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code, reason = "each target uses one of the shared checks")]
mod checks;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| checks::check_events_csv(bytes));
