//! Coverage-guided fuzzing of the protocol loader (parse, then validate).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| anticoag_planner::robustness::check_protocol_file(bytes));
