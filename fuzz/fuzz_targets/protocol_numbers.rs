//! The fixed ceilings under randomly edited protocol numbers (issue 26): an edited protocol that loads
//! must never recommend above a ceiling of clinical reference §12 [rev 2].
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = anticoag_planner::robustness::check_protocol_numbers(bytes);
});
