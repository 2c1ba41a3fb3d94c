//! Coverage-guided fuzzing of the HL7 v2 result reader and its preview (issue 32).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| anticoag_planner::robustness::check_hl7_file(bytes));
