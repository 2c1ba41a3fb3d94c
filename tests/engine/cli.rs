#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The command line as a user runs it: JSON contract, CSV analysis, import, replay.

use crate::common;

use std::process::Command;

use serde_json::Value;

pub(crate) fn run(args: &[&str]) -> (bool, String, String) {
    // The workstation's zone is pinned, as "now" is elsewhere: outputs never depend on the machine.
    let out = Command::new(common::bin())
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn case_path() -> String {
    common::root()
        .join("assets/cases/cmaj-2019-ecmo.ron")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn json_contract_field_names() {
    let (ok, out, err) = run(&["analyze", &case_path(), "--at", "2019-01-07T03:05", "--format", "json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["time_zone"], "UTC");
    assert_eq!(v["as_of"], "2019-01-07T03:05+00:00");
    assert_eq!(v["setting"], "ecmo_vv");
    assert_eq!(v["protocol"]["name"], "adult-ecmo");
    assert!(v["protocol"]["version"].is_u64());
    for key in [
        "units_last_24h",
        "mean_units_per_kg_per_h",
        "current_rate_units_per_kg_per_h",
    ] {
        assert!(v["heparin"].get(key).is_some(), "heparin.{key}");
    }
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"heparin_resistance_dose") && codes.contains(&"anti_xa_unavailable"),
        "{codes:?}"
    );
    for f in v["findings"].as_array().unwrap() {
        assert!(f["detail"].is_string() && f["source"].is_string());
    }
    assert_eq!(v["hit_4ts"]["band"], "low");
    assert!(v["cpb"].is_null());
    let r = &v["recommendation"];
    assert_eq!(r["action"], "switch_to_argatroban");
    assert_eq!(r["drug"], "argatroban");
    assert_eq!(r["rate"]["unit"], "mcg/kg/min");
    assert_eq!(r["rate"]["value"], 0.5);
    assert!(r["rate_change"].is_null());
    assert!(r["pump_ml_per_h"].is_f64());
    for key in [
        "dose_units",
        "bolus_units",
        "concentration",
        "rationale",
        "sources",
        "alternatives",
    ] {
        assert!(r.get(key).is_some(), "recommendation.{key}");
    }
    assert!(
        v["monitoring"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["test"].is_string() && m["due"].is_string())
    );
    assert!(v["warnings"].is_array());
}

#[test]
fn csv_analyze_import_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("events.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit,note\n\
         2024-01-01T06:00,platelets,200,10^9/L,\n\
         2024-01-01T08:00,ufh_infusion,10,units/kg/h,start\n\
         2024-01-01T15:00,aptt,35,s,\n\
         2024-01-01T15:00,anti_xa,0.15,IU/mL,\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    let flags = [
        "--weight-kg",
        "80",
        "--setting",
        "icu",
        "--baseline-aptt",
        "30",
        "--hit-thrombosis",
        "0",
        "--hit-other-causes",
        "2",
    ];
    let mut args = vec!["analyze", csv, "--format", "json"];
    args.extend(flags);
    let (ok, out, err) = run(&args);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["recommendation"]["action"], "adjust_ufh");
    assert_eq!(v["protocol"]["name"], "adult-icu", "protocol follows the setting");
    assert_eq!(v["recommendation"]["bolus_units"], 6400.0);

    let case = dir.path().join("case.ron");
    let mut args = vec!["import", csv, "-o", case.to_str().unwrap(), "--author", "pharmacist Ng"];
    args.extend(flags);
    let (ok, out, err) = run(&args);
    assert!(ok, "{err}");
    assert!(out.contains("4 events"), "{out}");
    // Issue 15: every imported row is stamped with the author and recorded in the audit trail.
    let saved = anticoag_planner::io::load_case(&case, anticoag_planner::model::Zone::UTC)
        .unwrap()
        .case;
    assert!(
        saved
            .events
            .iter()
            .all(|e| e.entered.as_ref().is_some_and(|s| s.by == "pharmacist Ng"))
    );
    assert_eq!(saved.audit.len(), 4);
    assert!(
        saved
            .audit
            .iter()
            .all(|a| a.action == anticoag_planner::model::AuditAction::Imported)
    );
    let (ok, out, err) = run(&["replay", case.to_str().unwrap(), "--format", "json"]);
    assert!(ok, "{err}");
    let steps: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(steps.len(), 3, "three distinct event times");
    assert_eq!(steps[2]["recommendation"]["action"], "adjust_ufh");

    // Patient flags with a case file are refused, not ignored.
    let (ok, _, err) = run(&["analyze", case.to_str().unwrap(), "--weight-kg", "70"]);
    assert!(!ok && err.contains("CSV input only"), "{err}");
    // The settings are spelled as in the JSON contract.
    let mut args = vec![
        "analyze",
        csv,
        "--format",
        "json",
        "--weight-kg",
        "80",
        "--setting",
        "ecmo_vv",
    ];
    args.extend(["--rrt", "crrt", "--age-group", "adult"]);
    let (ok, out, err) = run(&args);
    assert!(ok, "{err}");
    assert!(
        out.contains("\"setting\": \"ecmo_vv\"") && out.contains("adult-ecmo"),
        "{out}"
    );
    // A bad --at.
    let (ok, _, err) = run(&["analyze", &case_path(), "--at", "yesterday"]);
    assert!(!ok && err.contains("--at"), "{err}");
}

#[test]
fn text_report_is_readable_and_check_protocol_works() {
    let (ok, out, _) = run(&["analyze", &case_path(), "--at", "2019-01-06T23:00"]);
    assert!(ok);
    assert!(out.contains("decision support, not an order"));
    assert!(out.contains("RECOMMENDATION: Supplement antithrombin"));
    let proto = common::root().join("protocols/adult-cpb.ron");
    let (ok, out, err) = run(&["check-protocol", proto.to_str().unwrap()]);
    assert!(ok && out.contains("valid"), "{err}");
}

/// A small ICU course on heparin with an aPTT above the hold threshold at 15:00 and an
/// unusually long aPTT entered after it.
fn icu_csv(dir: &std::path::Path) -> String {
    let csv = dir.join("icu.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit,note\n\
         2024-01-01T06:00,platelets,200,10^9/L,\n\
         2024-01-01T06:00,aptt,30,s,baseline\n\
         2024-01-01T08:00,ufh_infusion,18,units/kg/h,start\n\
         2024-01-01T15:00,aptt,70,s,\n\
         2024-01-01T21:00,aptt,180,s,\n",
    )
    .unwrap();
    csv.to_string_lossy().into_owned()
}

#[test]
fn hit_history_flag_takes_a_value_or_none_and_may_precede_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let csv = icu_csv(dir.path());
    let base = [
        "--weight-kg",
        "80",
        "--setting",
        "icu",
        "--format",
        "json",
        "--at",
        "2024-01-01T15:00",
    ];
    let action = |extra: &[&str], before: bool| {
        let mut args = vec!["analyze"];
        if before {
            args.extend(extra);
            args.push(&csv);
        } else {
            args.push(&csv);
            args.extend(extra);
        }
        args.extend(base);
        let (ok, out, err) = run(&args);
        assert!(ok, "{args:?}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        v["recommendation"]["action"].as_str().unwrap().to_owned()
    };
    // A recent or positive HIT history forbids heparin; a remote antibody-negative one makes a
    // non-heparin anticoagulant the ICU default.
    for (extra, before) in [
        (&["--hit-history=remote_antibody_negative"][..], true),
        (&["--hit-history"][..], false),
        (&["--hit-history=recent_or_positive"][..], false),
        (&["--hit-history=recent_or_positive"][..], true),
    ] {
        let a = action(extra, before);
        assert!(a.starts_with("switch_to_"), "{extra:?} before={before}: {a}");
    }
    // No history: the heparin card as usual.
    for extra in [&[][..], &["--hit-history=none"][..]] {
        let a = action(extra, true);
        assert!(!a.starts_with("switch_to_"), "{extra:?}: {a}");
    }
    // A bare flag before the input does not swallow the file name.
    let (ok, _, err) = run(&[
        "analyze",
        "--hit-history",
        &csv,
        "--weight-kg",
        "80",
        "--setting",
        "icu",
    ]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["analyze", &csv, "--hit-history=sometimes", "--weight-kg", "80"]);
    assert!(!ok && err.contains("recent_or_positive"), "{err}");
}

#[test]
fn danger_is_the_first_thing_read_and_later_warnings_are_not_dropped() {
    let (ok, out, err) = run(&["analyze", &case_path(), "--at", "2019-01-07T03:05"]);
    assert!(ok, "{err}");
    let first_block: Vec<&str> = out.lines().skip(2).filter(|l| !l.trim().is_empty()).take(3).collect();
    // A past state says so first (issue 28), then the weights, then the danger.
    assert!(
        first_block[0].starts_with("PAST STATE — as of 7 Jan 2019 03:05; the latest is 12 Jan 2019 08:00"),
        "{out}"
    );
    assert!(first_block[1].starts_with("Weight "), "{out}");
    assert!(first_block[2].starts_with("CAUTION: platelets"), "{out}");
    let danger_at = out.find("CAUTION: platelets").unwrap();
    assert!(danger_at < out.find("RECOMMENDATION").unwrap());

    let dir = tempfile::tempdir().unwrap();
    let csv = icu_csv(dir.path());
    let (ok, out, err) = run(&[
        "analyze",
        &csv,
        "--weight-kg",
        "80",
        "--setting",
        "icu",
        "--at",
        "2024-01-01T15:00",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("after the analysis time") && w.contains("180")),
        "{warnings:?}"
    );
}

#[test]
fn json_contract_carries_rev2_fields() {
    let (ok, out, err) = run(&["analyze", &case_path(), "--at", "2019-01-07T03:05", "--format", "json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let p = &v["patient"];
    assert_eq!(p["weight_kg"], 90.9);
    assert_eq!(p["dosing_weight_kg"], 90.9);
    assert_eq!(p["dosing_weight_basis"], "actual_no_height");
    let r = &v["recommendation"];
    assert_eq!(r["label"], "Switch to argatroban");
    // Platelets 37 (< 50): a switch for resistance raises the anticoagulant effect — with the senior (§14.3).
    assert_eq!(r["call_senior"], true);
    assert!(r["exceeds_hard_limit"].is_null());
    let h = &v["hit_4ts"];
    assert_eq!(h["status"], "scored");
    assert!(h["score_min"].as_u64().unwrap() <= h["score_max"].as_u64().unwrap());
    assert_eq!(v["danger"][0]["kind"], "low_platelets");
    assert_eq!(v["danger"][0]["level"], "caution");
    assert_eq!(v["danger"][0]["below"], 50.0);
}

/// Issue 15: `report` writes the handover PDF; its text (read back with pdftotext, so it is real text)
/// carries the patient identifier, the drug, the pump rate in mL/h, the weight, the protocol's SHA-256
/// and the signature lines, and never "IU" or a trailing zero.
#[test]
fn report_writes_a_handover_pdf_whose_text_has_what_a_bedside_check_needs() {
    let found = Command::new("sh")
        .args(["-c", "command -v pdftotext"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "this test needs `pdftotext`: apt-get install poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case.ron");
    let text = std::fs::read_to_string("assets/cases/cmaj-2019-ecmo.ron").unwrap();
    let with_id = text.replacen(
        "    events: [",
        "    identity: (name: Some(\"Teaching patient\"), mrn: Some(\"000123\"), bed: Some(\"4\")),\n    events: [",
        1,
    );
    std::fs::write(&case, with_id).unwrap();
    let pdf = dir.path().join("handover.pdf");
    let (ok, out, err) = run(&[
        "report",
        case.to_str().unwrap(),
        "--at",
        "2019-01-06T23:00",
        "--author",
        "Dr Test",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("wrote the handover"), "{out}");
    let txt = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    assert!(txt.status.success());
    let text = String::from_utf8_lossy(&txt.stdout).into_owned();
    let sha = anticoag_planner::protocol::Protocol::builtin("adult-ecmo")
        .unwrap()
        .sha256()
        .to_owned();
    for wanted in [
        "Teaching patient · MRN 000123 · bed 4",
        "antithrombin",
        "call the senior clinician",
        "withheld: the advice is restricted",
        "Weight 90.9 kg",
        sha.as_str(),
        "Prescriber (name, signature)",
        "Second checker (name, signature)",
        "page 1 of",
        "Decision support, not an order",
        "Contingency for the next result",
        "printed",
        "Dr Test",
    ] {
        assert!(text.contains(wanted), "'{wanted}' missing from:\n{text}");
    }
    assert_eq!(
        text.matches("Teaching patient · MRN 000123").count(),
        text.matches("page ").count(),
        "the identifier on every page"
    );
    assert!(!text.contains("IU"), "ISMP: 'units', never IU");
    // No trailing zero in any number (the build's version "0.1.0" aside).
    let version = format!("anticoag-planner {}", env!("CARGO_PKG_VERSION"));
    let body = text.replace(&version, "");
    let trailing = body
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| t.contains('.') && t.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|t| t.trim_end_matches('.'))
        .find(|t| t.contains('.') && t.ends_with('0'));
    assert_eq!(trailing, None, "a trailing zero in:\n{text}");
}

/// `replay --format json` is written as it is computed: a reader that closes the pipe after the first
/// bytes (`| head`) ends the program quietly, with success and no panic (the CMAJ replay is 240 kB,
/// more than a pipe holds).
#[test]
fn replay_json_to_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let mut child = Command::new(common::bin())
        .env("TZ", "UTC")
        .args(["replay", &case_path(), "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0_u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert!(first.starts_with(b"[\n  {"), "{:?}", String::from_utf8_lossy(&first));
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
}
