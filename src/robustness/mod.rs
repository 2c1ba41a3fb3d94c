//! What every parser input must satisfy: shared by the fuzz targets (`fuzz/fuzz_targets/`) and by
//! `tests/engine/parser_robustness.rs`, which re-runs the committed corpora through the same checks (feature
//! `robustness`, off by default; the tests and the fuzz crate turn it on). A check returns normally for
//! a value or an error, and panics only on a real defect.

use std::sync::OnceLock;

use crate::io::{parse_case, parse_events_csv, to_ron_string};
use crate::model::{ClinicalTime, Kilograms, Zone};
use crate::protocol::Protocol;

/// Parsed once: the importer is what is checked, not the protocol loader (it has its own check).
fn icu_protocol() -> Option<&'static Protocol> {
    static PROTOCOL: OnceLock<Option<Protocol>> = OnceLock::new();
    PROTOCOL.get_or_init(|| Protocol::builtin("adult-icu").ok()).as_ref()
}

/// A zone with clock changes, so that skipped and repeated hours are exercised (UTC if the database
/// lacks it).
fn zone_with_clock_changes() -> Zone {
    Zone::named("Europe/Paris").unwrap_or(Zone::UTC)
}

/// Any bytes as an events CSV: events or a specific error.
pub fn check_events_csv(bytes: &[u8]) {
    let Some(protocol) = icu_protocol() else { return };
    let Ok(weight) = Kilograms::new(70.0) else { return };
    let now = ClinicalTime::constant(2026, 1, 1, 0, 0);
    let _ = parse_events_csv(
        bytes,
        &protocol.plausibility,
        weight,
        zone_with_clock_changes(),
        Some(now),
    );
}

/// Any text as a case file: a case or a specific error. A case that loads also analyses at its first
/// and last event, and saves to text that loads again (a saved case that cannot be reopened is lost).
pub fn check_case_file(bytes: &[u8]) {
    // The loader refuses non-UTF-8 before parsing (tested elsewhere); here only text goes in.
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(loaded) = parse_case(text, "fuzz.ron", None, zone_with_clock_changes()) else {
        return;
    };
    let engine = crate::analysis::CaseEngine::new(&loaded.case, loaded.protocols.clone());
    for event in [loaded.case.events.first(), loaded.case.events.last()]
        .into_iter()
        .flatten()
    {
        let _ = engine.analyze(&loaded.case, event.time, crate::analysis::Detail::Explained);
    }
    let written = to_ron_string(&loaded.case);
    if let Err(e) = parse_case(&written, "roundtrip.ron", None, Zone::UTC) {
        panic!("a loaded case, saved, no longer loads: {e}\n{written}");
    }
}

/// Any text as a protocol file (parse, then validate): a protocol or a specific error.
pub fn check_protocol_file(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let _ = Protocol::from_ron_str(text, "fuzz.ron");
}

mod ceilings;
pub use ceilings::{CeilingRun, check_protocol_numbers};

/// Any bytes as a laboratory file (issue 32), HL7 v2 and FHIR R4: results or a specific error, and the
/// preview against a case never panics (every result new, refused or skipped with a reason).
pub fn check_lab_file(bytes: &[u8], format: crate::io::labs::LabFormat) {
    use crate::io::labs::{codes::LabCodeMap, lab_preview, read_lab_file};
    static MAP: OnceLock<Option<LabCodeMap>> = OnceLock::new();
    let Some(map) = MAP.get_or_init(|| LabCodeMap::shipped().ok()).as_ref() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let zone = zone_with_clock_changes();
    let Ok(file) = read_lab_file(text, format, "fuzz", zone) else {
        return;
    };
    let Ok(weight) = Kilograms::new(70.0) else { return };
    let start = ClinicalTime::constant(2020, 1, 1, 0, 0).in_zone(zone);
    let case = crate::model::Case::new(
        "fuzz",
        "adult-icu",
        start,
        crate::model::Patient::new(
            crate::model::Weight {
                kg: weight,
                measured_at: start,
                kind: crate::model::WeightKind::Actual,
            },
            crate::model::Setting::Icu,
        ),
    );
    let now = ClinicalTime::constant(2026, 1, 1, 0, 0);
    let preview = lab_preview(&case, &file, map, now, &|_| Ok(()));
    assert_eq!(preview.rows.len(), file.results.len(), "one preview row per result");
}

/// Any bytes as HL7 v2 results.
pub fn check_hl7_file(bytes: &[u8]) {
    check_lab_file(bytes, crate::io::labs::LabFormat::Hl7);
}

/// Any bytes as FHIR R4 JSON.
pub fn check_fhir_file(bytes: &[u8]) {
    check_lab_file(bytes, crate::io::labs::LabFormat::Fhir);
}
