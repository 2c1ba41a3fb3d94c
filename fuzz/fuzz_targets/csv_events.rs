//! Coverage-guided fuzzing of the CSV events importer: any bytes must give events or a specific error.
#![no_main]

use std::sync::OnceLock;

use anticoag_planner::io::parse_events_csv;
use anticoag_planner::model::{ClinicalTime, Kilograms};
use anticoag_planner::protocol::Protocol;
use libfuzzer_sys::fuzz_target;

/// Parsed once: the importer is what is fuzzed, not the protocol loader (it has its own target).
fn protocol() -> Option<&'static Protocol> {
    static PROTOCOL: OnceLock<Option<Protocol>> = OnceLock::new();
    PROTOCOL.get_or_init(|| Protocol::builtin("adult-icu").ok()).as_ref()
}

fuzz_target!(|bytes: &[u8]| {
    let Some(protocol) = protocol() else { return };
    let Ok(weight) = Kilograms::new(70.0) else { return };
    let now = ClinicalTime::constant(2026, 1, 1, 0, 0);
    let _ = parse_events_csv(bytes, &protocol.plausibility, weight, Some(now));
});
