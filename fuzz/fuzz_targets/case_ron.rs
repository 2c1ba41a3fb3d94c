//! Coverage-guided fuzzing of the case-file loader: any text must give a case or a specific error.
//! A case that loads is also analysed, saved and re-read, as the app would.
#![no_main]

use anticoag_planner::analysis::analyze;
use anticoag_planner::io::{parse_case, to_ron_string};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // The loader refuses non-UTF-8 before parsing (tested elsewhere); here only text goes in.
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(loaded) = parse_case(text, "fuzz.ron", None) else {
        return;
    };
    // Whatever loads must also analyse without a panic, at its first and last event.
    for event in [loaded.case.events.first(), loaded.case.events.last()]
        .into_iter()
        .flatten()
    {
        let _ = analyze(&loaded.case, &loaded.protocol, event.time);
    }
    let written = to_ron_string(&loaded.case);
    // What we save must load again: a saved case that cannot be reopened is lost work.
    if let Err(e) = parse_case(&written, "fuzz-roundtrip.ron", None) {
        panic!("a loaded case, saved, no longer loads: {e}\n{written}");
    }
});
