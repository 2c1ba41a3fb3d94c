//! Coverage-guided fuzzing of the FHIR R4 result reader and its preview (issue 32).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| anticoag_planner::robustness::check_fhir_file(bytes));
