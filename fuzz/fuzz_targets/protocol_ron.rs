//! Coverage-guided fuzzing of the protocol loader (parse then validate): any text must give a
//! protocol or a specific error.
#![no_main]

use anticoag_planner::protocol::Protocol;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let _ = Protocol::from_ron_str(text, "fuzz.ron");
});
