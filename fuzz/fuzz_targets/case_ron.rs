//! Coverage-guided fuzzing of the case-file loader (a case that loads is also analysed, saved and re-read).
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code, reason = "each target uses one of the shared checks")]
mod checks;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| checks::check_case_file(bytes));
