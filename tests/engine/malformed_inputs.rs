#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Bad input, table-driven: every entry point (CSV events, case files, protocol files, command-line
//! flags) with malformed input gives the specific error — what, where, what is allowed — and never
//! panics. (The app's typed fields are driven the same way in `tests/app/`.)

use crate::common;

use std::path::Path;
use std::process::Command;

use anticoag_planner::io::{parse_case, parse_events_csv};
use anticoag_planner::model::{ClinicalTime, Kilograms};
use anticoag_planner::protocol::Protocol;

const H: &str = "time,kind,value,unit\n";

fn csv_errors(bytes: &[u8]) -> Vec<(usize, String)> {
    let protocol = Protocol::builtin("adult-ecmo").unwrap();
    let now = ClinicalTime::constant(2026, 1, 1, 0, 0);
    match parse_events_csv(
        bytes,
        &protocol.plausibility,
        Kilograms::new(80.0).unwrap(),
        anticoag_planner::model::Zone::UTC,
        Some(now),
    ) {
        Ok(import) => panic!("accepted: {:?}", import.events),
        Err(errors) => errors.into_iter().map(|e| (e.line, e.message)).collect(),
    }
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one table of malformed CSV inputs, a case per row: split, the table would no longer read as one list"
)]
fn malformed_csv_rows_name_the_line_and_what_is_allowed() {
    let row = |r: &str| format!("{H}{r}\n");
    // (what, file, line of the first error, text the first error must contain)
    let cases: Vec<(&str, Vec<u8>, usize, &str)> = vec![
        ("empty file", b"".to_vec(), 1, "the file is empty"),
        ("blank lines only", b" \n\n\t\n".to_vec(), 1, "the file is empty"),
        (
            "header only is not empty but has no rows",
            b"no header at all\n".to_vec(),
            1,
            "the header must be `time,kind,value,unit`",
        ),
        (
            "wrong header names",
            b"when,what,amount,unit\n".to_vec(),
            1,
            "found `when,what,amount,unit`",
        ),
        (
            "header missing a column",
            b"time,kind,value\n".to_vec(),
            1,
            "the header must be",
        ),
        (
            "header with an extra column",
            b"time,kind,value,unit,note,extra\n".to_vec(),
            1,
            "the header must be",
        ),
        (
            "row missing a column",
            row("2024-01-01T08:00,aptt,50").into_bytes(),
            2,
            "expected at least the 4 columns time,kind,value,unit, found 3",
        ),
        (
            "row with seven columns",
            row("2024-01-01T08:00,aptt,50,s,n,,x").into_bytes(),
            2,
            "7 fields but the header has 4: quote the note?",
        ),
        (
            "a stop reason that is not one",
            "time,kind,value,unit,note,reason\n2024-01-01T08:00,ufh_infusion,0,units/kg/h,n,tired\n"
                .as_bytes()
                .to_vec(),
            2,
            "reason 'tired' is not a stop reason; allowed: procedure, bleeding, hit, switch, end, hold, other",
        ),
        (
            "a stop reason on a running infusion",
            "time,kind,value,unit,note,reason\n2024-01-01T08:00,ufh_infusion,18,units/kg/h,n,procedure\n"
                .as_bytes()
                .to_vec(),
            2,
            "a stop reason (procedure) belongs only to an infusion stopped with rate 0",
        ),
        (
            "unknown kind",
            row("2024-01-01T08:00,heparin,50,s").into_bytes(),
            2,
            "unknown kind 'heparin'; allowed: aptt, anti_xa",
        ),
        (
            "kind in capitals",
            row("2024-01-01T08:00,APTT,50,s").into_bytes(),
            2,
            "unknown kind 'APTT'",
        ),
        (
            "wrong unit for aPTT",
            row("2024-01-01T08:00,aptt,50,min").into_bytes(),
            2,
            "unit 'min' is not accepted for aptt; allowed: s",
        ),
        (
            "missing unit for aPTT",
            row("2024-01-01T08:00,aptt,50,").into_bytes(),
            2,
            "unit (empty) is not accepted for aptt",
        ),
        (
            "unit on INR",
            row("2024-01-01T08:00,inr,1.2,s").into_bytes(),
            2,
            "allowed: (empty)",
        ),
        (
            "bivalirudin in mcg/kg/min",
            row("2024-01-01T08:00,bivalirudin_infusion,0.1,mcg/kg/min").into_bytes(),
            2,
            "refused as ambiguous",
        ),
        (
            "argatroban in mg/kg/h",
            row("2024-01-01T08:00,argatroban_infusion,1,mg/kg/h").into_bytes(),
            2,
            "refused as ambiguous",
        ),
        (
            "heparin bolus in mL",
            row("2024-01-01T08:00,ufh_bolus,5,mL").into_bytes(),
            2,
            "allowed: units",
        ),
        (
            "heparin rate in mL/h",
            row("2024-01-01T08:00,ufh_infusion,12,mL/h").into_bytes(),
            2,
            "allowed: units/kg/h, units/h",
        ),
        (
            "antithrombin in mg",
            row("2024-01-01T08:00,antithrombin,60,mg").into_bytes(),
            2,
            "allowed: %, units/mL",
        ),
        (
            "NaN value",
            row("2024-01-01T08:00,aptt,NaN,s").into_bytes(),
            2,
            "value 'NaN' is not a finite number",
        ),
        (
            "infinite value",
            row("2024-01-01T08:00,aptt,inf,s").into_bytes(),
            2,
            "value 'inf' is not a finite number",
        ),
        (
            "minus infinity",
            row("2024-01-01T08:00,aptt,-inf,s").into_bytes(),
            2,
            "not a finite number",
        ),
        (
            "word for a number",
            row("2024-01-01T08:00,aptt,fifty,s").into_bytes(),
            2,
            "value 'fifty' is not a finite number",
        ),
        (
            "thousands separator",
            row("2024-01-01T08:00,ufh_bolus,\"5,000\",units").into_bytes(),
            2,
            "value '5,000' is not a finite number",
        ),
        (
            "empty value",
            row("2024-01-01T08:00,aptt,,s").into_bytes(),
            2,
            "is not a finite number",
        ),
        (
            "negative aPTT",
            row("2024-01-01T08:00,aptt,-5,s").into_bytes(),
            2,
            "negative",
        ),
        (
            "negative bolus",
            row("2024-01-01T08:00,ufh_bolus,-5000,units").into_bytes(),
            2,
            "negative",
        ),
        (
            "huge aPTT",
            row("2024-01-01T08:00,aptt,1e300,s").into_bytes(),
            2,
            "outside the accepted range 10–250 s",
        ),
        (
            "aPTT above the hard limit",
            row("2024-01-01T08:00,aptt,400,s").into_bytes(),
            2,
            "aPTT 400 s is outside the accepted range 10–250 s",
        ),
        (
            "anti-Xa above the hard limit",
            row("2024-01-01T08:00,anti_xa,7,units/mL").into_bytes(),
            2,
            "outside the accepted range 0–3 units/mL",
        ),
        (
            "argatroban above its maximum",
            row("2024-01-01T08:00,argatroban_infusion,12,mcg/kg/min").into_bytes(),
            2,
            "up to 10 mcg/kg/min",
        ),
        (
            "fractional plasma bags",
            row("2024-01-01T08:00,ffp,1.5,bags").into_bytes(),
            2,
            "whole number",
        ),
        ("month 13", row("2024-13-01T08:00,aptt,50,s").into_bytes(), 2, "time:"),
        (
            "date without a time",
            row("2024-01-01,aptt,50,s").into_bytes(),
            2,
            "time:",
        ),
        (
            "time in another format",
            row("01/02/2024 08:00,aptt,50,s").into_bytes(),
            2,
            "time:",
        ),
        (
            "future date",
            row("2099-01-01T08:00,aptt,50,s").into_bytes(),
            2,
            "in the future",
        ),
        (
            "rows of one kind out of order",
            format!("{H}2024-01-02T08:00,aptt,50,s\n2024-01-01T08:00,aptt,60,s\n").into_bytes(),
            3,
            "is earlier than the aptt at line 2",
        ),
        (
            "duplicate time",
            format!("{H}2024-01-01T08:00,aptt,50,s\n2024-01-01T08:00,aptt,60,s\n").into_bytes(),
            3,
            "duplicates the time of line 2",
        ),
        (
            "non-UTF-8 bytes",
            [H.as_bytes(), b"2024-01-01T08:00,aptt,5\xff0,s\n"].concat(),
            2,
            "not valid UTF-8",
        ),
        (
            "unterminated quote swallowing the next row",
            format!("{H}2024-01-01T08:00,aptt,50,s,\"never closed\n2024-01-01T09:00,aptt,60,s\n").into_bytes(),
            2,
            "a field spans several lines (a quote left open?)",
        ),
    ];
    assert!(cases.len() >= 35);
    for (what, bytes, line, expected) in cases {
        let errors = std::panic::catch_unwind(|| csv_errors(&bytes)).unwrap_or_else(|_| panic!("{what}: panicked"));
        let (l, message) = errors.first().cloned().unwrap_or_else(|| panic!("{what}: no error"));
        assert!(
            message.contains(expected),
            "{what}: expected '{expected}', got line {l}: {message}"
        );
        assert_eq!(l, line, "{what}: {message}");
    }
}

#[test]
fn a_fifty_megabyte_file_of_bad_rows_is_reported_not_hung_on() {
    let row = "2024-01-01T08:00,bogus,1,s\n";
    let mut bytes = H.as_bytes().to_vec();
    while bytes.len() < 50 * 1024 * 1024 {
        bytes.extend_from_slice(row.as_bytes());
    }
    let errors = csv_errors(&bytes);
    assert_eq!(errors.len(), 201, "200 problems listed, then the count");
    assert!(errors[0].1.contains("unknown kind 'bogus'"));
    let last = &errors[200].1;
    assert!(
        last.contains("more problems not listed") && last.contains("in all)"),
        "{last}"
    );
}

fn demo_text() -> String {
    std::fs::read_to_string(common::root().join("assets/cases/cmaj-2019-ecmo.ron")).unwrap()
}

fn case_error(text: &str) -> String {
    let base = common::root();
    match std::panic::catch_unwind(|| parse_case(text, "case.ron", Some(&base), anticoag_planner::model::Zone::UTC)) {
        Err(_) => panic!("panicked on: {}", &text[..text.len().min(80)]),
        Ok(Ok(_)) => panic!("accepted"),
        Ok(Err(e)) => e.to_string(),
    }
}

#[test]
fn malformed_case_files_are_refused_with_file_line_and_reason() {
    let t = demo_text();
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty file", String::new(), "case.ron:1:"),
        ("not RON", "hello".to_owned(), "case.ron:1:"),
        ("truncated half way", t[..t.len() / 2].to_owned(), "case.ron:"),
        (
            "truncated at the last byte",
            t.trim_end()[..t.trim_end().len() - 1].to_owned(),
            "case.ron:",
        ),
        (
            "newer version",
            t.replace("version: 8,", "version: 9,"),
            "written by a newer anticoag-planner (case format 9; this version reads 8)",
        ),
        (
            "version 0",
            t.replace("version: 8,", "version: 0,"),
            "case format version 0 is not supported (expected 8)",
        ),
        (
            "unknown field",
            t.replace("pregnant: false,", "pregnant: false,\n        smoker: true,"),
            "smoker",
        ),
        ("missing clinical field", t.replace("        crcl: None,\n", ""), "crcl"),
        ("missing title", t.replacen("    title:", "    // title:", 1), "title"),
        (
            "string for a number",
            t.replace("baseline_aptt: Some(29)", "baseline_aptt: Some(\"29\")"),
            "case.ron:",
        ),
        (
            "negative dose",
            t.replace("kind: UfhBolus(4000)", "kind: UfhBolus(-4000)"),
            "negative",
        ),
        (
            "implausible lab",
            t.replace("kind: Aptt(33)", "kind: Aptt(9999)"),
            "aPTT 9,999 s is outside the accepted range 10–250 s",
        ),
        (
            "unknown event kind",
            t.replacen("kind: UfhBolus(4000)", "kind: Heparin(4000)", 1),
            "Heparin",
        ),
        (
            "impossible date",
            t.replacen("\"2019-01-07T03:05\"", "\"2019-13-07T03:05\"", 1),
            "case.ron:",
        ),
        (
            "unknown setting",
            t.replace("setting: ecmo_vv", "setting: ecmo_xx"),
            "ecmo_xx",
        ),
        (
            "unknown protocol",
            t.replace(
                "protocols: {ecmo_vv: \"adult-ecmo\"}",
                "protocols: {ecmo_vv: \"adult-nowhere\"}",
            ),
            "unknown protocol 'adult-nowhere'",
        ),
        (
            "event before the case start",
            t.replacen("(time: \"2019-01-", "(time: \"2018-01-", 1),
            "before the case start",
        ),
        ("NaN weight", t.replace("kg: 90.9", "kg: NaN"), "not a finite number"),
        (
            "4Ts item of 3",
            t.replace("hit_thrombosis: Some(0)", "hit_thrombosis: Some(3)"),
            "3 is not a 4Ts item score; allowed: 0, 1 or 2",
        ),
        (
            "no time zone in a format-5 file",
            t.replace("    time_zone: \"UTC\",\n", ""),
            "time_zone is missing",
        ),
        (
            "unknown time zone",
            t.replace("time_zone: \"UTC\"", "time_zone: \"Europe/Atlantis\""),
            "unknown time zone 'Europe/Atlantis'",
        ),
        (
            "weight above the hard limit",
            t.replace("kg: 90.9", "kg: 900"),
            "weight 900 kg is outside the accepted range",
        ),
    ];
    assert!(cases.len() >= 20);
    for (what, text, expected) in cases {
        let message = case_error(&text);
        assert!(
            message.contains(expected),
            "{what}: expected '{expected}', got: {message}"
        );
    }
}

fn protocol_error(text: &str) -> String {
    match std::panic::catch_unwind(|| Protocol::from_ron_str(text, "p.ron")) {
        Err(_) => panic!("panicked"),
        Ok(Ok(_)) => panic!("accepted"),
        Ok(Err(e)) => e.to_string(),
    }
}

#[test]
fn malformed_protocols_are_refused_with_the_field_and_the_rule() {
    let t = std::fs::read_to_string(common::root().join("protocols/adult-ecmo.ron")).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "a target row that is not exactly the target",
            t.replace("(from: 0.3,  to: Some(0.5),", "(from: 0.3,  to: Some(0.51),")
                .replace("(from: 0.5,  to: Some(0.6),", "(from: 0.51, to: Some(0.6),"),
            "the 'no change' row 0.3–0.51 must be exactly the anti-Xa target 0.3–0.5",
        ),
        (
            "a dose without a hard limit",
            t.replace(
                "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(100),",
                "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: None,",
            ),
            "plausibility.ufh_rate_units_per_kg_per_h: every dose and rate needs a hard upper limit",
        ),
        (
            "overlapping nomogram bands",
            t.replace("(from: 0.2,  to: Some(0.3),", "(from: 0.2,  to: Some(0.35),"),
            "overlap: bands 1 and 2 both cover 0.3 to 0.35",
        ),
        (
            "gap between bands",
            t.replace("(from: 0.5,  to: Some(0.6),", "(from: 0.55, to: Some(0.6),"),
            "gap: no band covers 0.5 to 0.55",
        ),
        (
            "closed last band",
            t.replace("(from: 0.7,  to: None,", "(from: 0.7,  to: Some(2),"),
            "last band must be open-ended",
        ),
        (
            "empty source",
            t.replace(
                "source: \"Raschke 1993 (Ann Intern Med 119:874), ratio to control\"",
                "source: \"\"",
            ),
            "every rule needs a source",
        ),
        (
            "start rate above the maximum",
            t.replace(
                "start_mcg_per_kg_per_min: (value: 0.5,",
                "start_mcg_per_kg_per_min: (value: 12,",
            ),
            "12 mcg/kg/min is above the maximum 10 mcg/kg/min",
        ),
        (
            "unknown field",
            t.replacen("    version: 3,", "    version: 3,\n    colour: \"red\",", 1),
            "colour",
        ),
        ("missing field", t.replacen("    version: 3,\n", "", 1), "version"),
        (
            "unknown nomogram input (unit)",
            t.replacen("input: AntiXa,", "input: AntiXaPercent,", 1),
            "AntiXaPercent",
        ),
        ("truncated", t[..t.len() / 3].to_owned(), "p.ron:"),
        (
            "negative recheck interval",
            t.replacen("recheck_h: 6),", "recheck_h: -6),", 1),
            "must be a number above 0",
        ),
        (
            "soft limit above hard limit",
            t.replace(
                "aptt_s: (hard_min: Some(10), hard_max: Some(250), hard_from: None, soft_min: None, soft_max: Some(150),",
                "aptt_s: (hard_min: Some(10), hard_max: Some(250), hard_from: None, soft_min: None, soft_max: Some(300),",
            ),
            "soft_max 300 must be below the hard limit 250",
        ),
        (
            "inverted target range",
            t.replacen(
                "aptt_calibration_anti_xa: (low: 0.3, high: 0.7,",
                "aptt_calibration_anti_xa: (low: 0.7, high: 0.3,",
                1,
            ),
            "range must have 0 <= low < high",
        ),
    ];
    assert!(cases.len() >= 12);
    for (what, text, expected) in cases {
        assert_ne!(text, t, "{what}: the edit must change the file");
        let message = protocol_error(&text);
        assert!(
            message.contains(expected),
            "{what}: expected '{expected}', got: {message}"
        );
    }
}

fn cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_anticoag-planner"))
        .args(args)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn bad_command_line_flags_are_refused_with_what_is_allowed() {
    let case = common::root().join("assets/cases/cmaj-2019-ecmo.ron");
    let case = case.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("e.csv");
    std::fs::write(&csv, "time,kind,value,unit\n2024-01-01T08:00,aptt,50,s\n").unwrap();
    let csv = csv.to_str().unwrap();
    let missing = Path::new("/nonexistent/case.ron").to_str().unwrap();
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("unknown subcommand", vec!["analyse", case], "unrecognized subcommand"),
        (
            "unknown format",
            vec!["analyze", case, "--format", "xml"],
            "possible values: text, json",
        ),
        (
            "unparseable --at",
            vec!["analyze", case, "--at", "tomorrow"],
            "tomorrow",
        ),
        (
            "unknown protocol",
            vec!["analyze", case, "--protocol", "adult-mars"],
            "unknown protocol 'adult-mars'",
        ),
        ("missing file", vec!["analyze", missing], "/nonexistent/case.ron"),
        (
            "CSV without a weight",
            vec!["analyze", csv, "--setting", "icu"],
            "--weight-kg is required for CSV input",
        ),
        (
            "unknown setting",
            vec!["analyze", csv, "--weight-kg", "80", "--setting", "ward"],
            "ward",
        ),
        (
            "negative weight",
            vec!["analyze", csv, "--weight-kg=-80", "--setting", "icu"],
            "--weight-kg: -80 kg is negative",
        ),
        (
            "4Ts flag of 3",
            vec![
                "analyze",
                csv,
                "--weight-kg",
                "80",
                "--setting",
                "icu",
                "--hit-thrombosis",
                "3",
            ],
            "--hit-thrombosis: 3 is not a 4Ts item score",
        ),
        (
            "unknown RRT",
            vec![
                "analyze",
                csv,
                "--weight-kg",
                "80",
                "--setting",
                "icu",
                "--rrt",
                "dialysis",
            ],
            "dialysis",
        ),
    ];
    for (what, args, expected) in cases {
        let (ok, stderr) = cli(&args);
        assert!(!ok, "{what}: exit status must be non-zero");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        assert!(stderr.contains(expected), "{what}: expected '{expected}' in: {stderr}");
    }
}
