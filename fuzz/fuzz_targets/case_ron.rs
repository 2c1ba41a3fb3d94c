//! Coverage-guided fuzzing of the case-file loader (a case that loads is also analysed, saved and re-read).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| anticoag_planner::robustness::check_case_file(bytes));
