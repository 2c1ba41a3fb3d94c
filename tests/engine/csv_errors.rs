#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Every CSV problem names its line, what was found and what is allowed — in the library and on the
//! command line (stderr, non-zero exit).

use crate::common;

use std::process::Command;

use anticoag_planner::io::parse_events_csv;
use anticoag_planner::model::{ClinicalTime, EventKind, Kilograms};
use anticoag_planner::protocol::Protocol;

fn parse(text: &str) -> Result<Vec<EventKind>, Vec<String>> {
    let p = Protocol::builtin("adult-ecmo").unwrap();
    let now = ClinicalTime::parse_in("2026-01-01T00:00", anticoag_planner::model::Zone::UTC).unwrap();
    parse_events_csv(
        text.as_bytes(),
        &p.plausibility,
        Kilograms::new(80.0).unwrap(),
        anticoag_planner::model::Zone::UTC,
        Some(now),
    )
    .map(|i| i.events.into_iter().map(|e| e.kind).collect())
    .map_err(|errs| errs.iter().map(ToString::to_string).collect())
}

fn single_error(text: &str) -> String {
    let errs = parse(text).expect_err("should be refused");
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs[0].clone()
}

const HEADER: &str = "time,kind,value,unit\n";

#[test]
fn each_error_names_line_and_what_is_allowed() {
    // (body after the header, expected line, fragments the message must contain)
    let cases: [(&str, usize, &[&str]); 13] = [
        (
            "2024-01-01T08:00,aptt,40,s\n2024-01-01T09:00,heparin,5000,units\n",
            3,
            &["unknown kind 'heparin'", "ufh_bolus"],
        ),
        ("2024-01-01T08:00,aptt,40,sec\n", 2, &["unit 'sec'", "allowed: s"]),
        (
            "2024-01-01T08:00,bivalirudin_infusion,0.15,mcg/kg/min\n",
            2,
            &["bivalirudin is dosed in mg/kg/h", "ambiguous"],
        ),
        (
            "2024-01-01T08:00,argatroban_infusion,0.5,mg/kg/h\n",
            2,
            &["argatroban is dosed in mcg/kg/min"],
        ),
        ("2024-01-01T08:00,aptt,400,s\n", 2, &["aPTT 400 s", "10–250 s"]),
        (
            "2024-01-01T08:00,argatroban_infusion,12,mcg/kg/min\n",
            2,
            &["argatroban 12 mcg/kg/min", "up to 10"],
        ),
        ("01/01/2024 08:00,aptt,40,s\n", 2, &["time", "YYYY-MM-DDTHH:MM"]),
        ("2024-01-01T08:00,aptt,NaN,s\n", 2, &["not a finite number"]),
        ("2024-01-01T08:00,ufh_bolus,-5000,units\n", 2, &["negative"]),
        ("2024-01-01T08:00,aptt,40\n", 2, &["expected at least the 4 columns"]),
        (
            "2024-01-01T08:00,aptt,40,s,a note, with a comma\n",
            2,
            &["6 fields but the header has 4: quote the note?"],
        ),
        (
            "2024-01-01T10:00,aptt,40,s\n2024-01-01T08:00,aptt,45,s\n",
            3,
            &["earlier than the aptt at line 2", "time order"],
        ),
        (
            "2024-01-01T08:00,aptt,40,s\n2024-01-01T08:00,aptt,45,s\n",
            3,
            &["duplicates the time of line 2"],
        ),
    ];
    for (body, line, fragments) in cases {
        let msg = single_error(&format!("{HEADER}{body}"));
        assert!(msg.starts_with(&format!("line {line}:")), "{body:?} → {msg}");
        for f in fragments {
            assert!(msg.contains(f), "{body:?} → {msg} (missing {f:?})");
        }
    }
}

#[test]
fn future_times_and_unit_conversions() {
    let msg = single_error(&format!("{HEADER}2030-01-01T08:00,aptt,40,s\n"));
    assert!(msg.contains("in the future"), "{msg}");
    let ok = parse(&format!(
        "{HEADER}2024-01-01T08:00,antithrombin,0.63,IU/mL\n2024-01-01T08:00,fibrinogen,224,mg/dL\n2024-01-01T08:00,bilirubin,171,umol/L\n2024-01-01T08:00,hemoglobin,6.5,g/dL\n2024-01-01T08:00,ufh_bolus,4000,IU\n"
    ))
    .unwrap();
    let values: Vec<String> = ok.iter().map(|k| k.describe()).collect();
    assert_eq!(
        values,
        [
            "antithrombin 63%",
            "fibrinogen 2.24 g/L",
            "bilirubin 10 mg/dL",
            "hemoglobin 65 g/L",
            "heparin bolus 4,000 units"
        ]
    );
}

#[test]
fn header_empty_file_and_non_utf8() {
    let msg = single_error("when,what,value,unit\n2024-01-01T08:00,aptt,40,s\n");
    assert!(
        msg.starts_with("line 1:") && msg.contains("time,kind,value,unit"),
        "{msg}"
    );
    assert!(single_error("").contains("empty"));
    assert!(single_error("   \n").contains("empty"));
    let p = Protocol::builtin("adult-icu").unwrap();
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"2024-01-01T08:00,aptt,4\xff0,s\n");
    let errs = parse_events_csv(
        &bytes,
        &p.plausibility,
        Kilograms::new(80.0).unwrap(),
        anticoag_planner::model::Zone::UTC,
        None,
    )
    .unwrap_err();
    assert!(
        errs[0].to_string().contains("line 2") && errs[0].to_string().contains("UTF-8"),
        "{errs:?}"
    );
}

#[test]
fn all_problems_are_reported_not_only_the_first() {
    let errs = parse(&format!(
        "{HEADER}x,aptt,40,s\n2024-01-01T08:00,aptt,40,sec\n2024-01-01T09:00,aptt,41,s\n"
    ))
    .unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].starts_with("line 2") && errs[1].starts_with("line 3"));
}

#[test]
fn soft_limits_warn_and_keep_the_event() {
    let p = Protocol::builtin("adult-icu").unwrap();
    let text = "time,kind,value,unit,note\n2024-01-01T08:00,ufh_bolus,15000,units,large bolus\n".to_owned();
    let import = parse_events_csv(
        text.as_bytes(),
        &p.plausibility,
        Kilograms::new(80.0).unwrap(),
        anticoag_planner::model::Zone::UTC,
        None,
    )
    .unwrap();
    assert_eq!(import.events.len(), 1);
    assert_eq!(import.events[0].note.as_deref(), Some("large bolus"));
    assert!(
        import.warnings[0].contains("line 2") && import.warnings[0].contains("above 10,000 units"),
        "{:?}",
        import.warnings
    );
}

fn run_cli(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(common::bin()).args(args).output().expect("binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_reports_csv_errors_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        format!("{HEADER}2024-01-01T08:00,aptt,40,s\n2024-01-01T09:00,bivalirudin_infusion,0.15,mcg/kg/min\n"),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let (ok, _, err) = run_cli(&["analyze", p, "--weight-kg", "80", "--setting", "icu"]);
    assert!(!ok);
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("mg/kg/h"),
        "{err}"
    );
    let (ok, _, err) = run_cli(&["analyze", p, "--setting", "icu"]);
    assert!(!ok && err.contains("--weight-kg is required"), "{err}");
    let (ok, _, err) = run_cli(&["analyze", p, "--weight-kg", "500", "--setting", "icu"]);
    assert!(!ok && err.contains("weight"), "{err}");
}

/// The review's second pass: a platelet count typed "0.4" was kept, shown as "0 × 10⁹/L", and the card said
/// stop and call. A platelet count is a whole number × 10⁹/L: a fraction is refused, by name.
#[test]
fn a_fractional_platelet_count_is_refused() {
    let e = single_error(&format!("{HEADER}2025-06-01T08:00,platelets,0.4,10^9/L\n"));
    assert!(
        e.contains("platelets 0.4: a platelet count is a whole number × 10⁹/L"),
        "{e}"
    );
    assert!(parse(&format!("{HEADER}2025-06-01T08:00,platelets,40,10^9/L\n")).is_ok());
}
