#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Issue 26, protocol trust: the fixed ceilings no protocol can raise, bags whose label is derived from their
//! numbers, provenance pinned per protocol, bounded reads. Each test is one defect of the reliability review.

use anticoag_planner::protocol::Protocol;

use crate::cli::run;
use crate::common;

fn icu_text() -> String {
    std::fs::read_to_string(common::root().join("protocols/adult-icu.ron")).unwrap()
}

/// The problems of a protocol text that must be refused (panics when it loads).
fn refused(text: &str) -> String {
    match Protocol::from_ron_str(text, "edited.ron") {
        Ok(_) => panic!("the edited protocol loaded"),
        Err(e) => e.to_string(),
    }
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the edit must change the file: {from}");
    text.replacen(from, to, 1)
}

const RATE_LIMIT: &str = "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(100),";
const BOLUS_LIMIT: &str = "ufh_bolus_units: (hard_min: None, hard_max: None, hard_from: Some(40000),";
const BOLUS_PER_KG_LIMIT: &str = "ufh_bolus_units_per_kg: (hard_min: None, hard_max: Some(400),";

/// The review raised the limits and a 180 units/kg/h start validated and was recommended.
#[test]
fn a_protocol_cannot_raise_the_heparin_rate_ceiling_nor_start_above_it() {
    let raised = edit(
        &icu_text(),
        RATE_LIMIT,
        "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(200),",
    );
    let raised = edit(&raised, "rate_units_per_kg_per_h: 18,", "rate_units_per_kg_per_h: 180,");
    let message = refused(&raised);
    assert!(
        message.contains(
            "plausibility.ufh_rate_units_per_kg_per_h: its hard limit must not exceed the fixed ceiling, up to 100 units/kg/h"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "ufh.start.rate_units_per_kg_per_h: 180 units/kg/h is above the fixed ceiling: up to 100 units/kg/h"
        ),
        "{message}"
    );
    assert!(message.contains("clinical reference §12 [rev 2]"), "{message}");
}

/// A 64,000-unit bolus validated once the bolus limit was raised; the starting bolus was never checked.
#[test]
fn a_protocol_cannot_raise_the_bolus_ceiling_and_its_start_bolus_is_checked() {
    let raised = edit(
        &icu_text(),
        BOLUS_LIMIT,
        "ufh_bolus_units: (hard_min: None, hard_max: None, hard_from: Some(100000),",
    );
    let raised = edit(
        &raised,
        BOLUS_PER_KG_LIMIT,
        "ufh_bolus_units_per_kg: (hard_min: None, hard_max: Some(1000),",
    );
    let raised = edit(
        &raised,
        "bolus_units_per_kg: Some(80),",
        "bolus_units_per_kg: Some(800),",
    );
    let raised = edit(
        &raised,
        "bolus_max_units: Some(10000),",
        "bolus_max_units: Some(64000),",
    );
    let message = refused(&raised);
    for expected in [
        "plausibility.ufh_bolus_units: its hard limit must not exceed the fixed ceiling, below 40,000 units",
        "plausibility.ufh_bolus_units_per_kg: its hard limit must not exceed the fixed ceiling, up to 400 units/kg",
        "ufh.start.bolus_max_units: 64,000 units is above the fixed ceiling: below 40,000 units",
        "ufh.start.bolus_units_per_kg: 800 units/kg is above the fixed ceiling: up to 400 units/kg",
    ] {
        assert!(message.contains(expected), "{expected}\n{message}");
    }
    // Under the ceiling, but above the protocol's own (tightened) limit: refused too.
    let tightened = edit(
        &icu_text(),
        BOLUS_LIMIT,
        "ufh_bolus_units: (hard_min: None, hard_max: None, hard_from: Some(8000),",
    );
    let tightened = edit(
        &tightened,
        "soft_max: Some(10000), mistake: Some(\"an extra zero?\")",
        "soft_max: Some(5000), mistake: Some(\"an extra zero?\")",
    );
    let message = refused(&tightened);
    assert!(
        message.contains(
            "ufh.start.bolus_max_units: 10,000 is above the protocol's own hard limit plausibility.ufh_bolus_units"
        ),
        "{message}"
    );
}

/// Every table row is checked: a nomogram row's bolus and an argatroban start above their ceilings.
#[test]
fn table_rows_and_drug_starts_are_checked_against_the_ceilings() {
    let text = icu_text();
    let row = "(from: 0,    to: Some(0.2),  bolus_units_per_kg: 80,";
    let raised = edit(&text, row, "(from: 0,    to: Some(0.2),  bolus_units_per_kg: 800,");
    let message = refused(&raised);
    assert!(
        message.contains("ufh.anti_xa_nomogram.rows[0].bolus_units_per_kg: 800 units/kg is above the fixed ceiling"),
        "{message}"
    );
    let argatroban = edit(
        &text,
        "argatroban_mcg_per_kg_per_min: (hard_min: None, hard_max: Some(10),",
        "argatroban_mcg_per_kg_per_min: (hard_min: None, hard_max: Some(100),",
    );
    let message = refused(&argatroban);
    assert!(
        message.contains(
            "plausibility.argatroban_mcg_per_kg_per_min: its hard limit must not exceed the fixed ceiling, up to 10 mcg/kg/min"
        ),
        "{message}"
    );
}

/// A protocol tightening a ceiling is fine (a unit's own 25 units/kg/h maximum).
#[test]
fn a_protocol_may_tighten_a_ceiling() {
    let tightened = edit(
        &icu_text(),
        "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(100), hard_from: None, soft_min: Some(2), soft_max: Some(40),",
        "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(30), hard_from: None, soft_min: Some(2), soft_max: Some(25),",
    );
    let protocol = Protocol::from_ron_str(&tightened, "tight.ron").unwrap();
    assert_eq!(
        protocol
            .plausibility
            .ufh_rate_units_per_kg_per_h
            .hard_max
            .map(|v| v.value()),
        Some(30.0)
    );
}

/// Heparin 10 units/mL labelled "100 units/mL" gave 144 mL/h beside the label of a 100 units/mL bag. The
/// label is now written from the bag, and a file that still carries one is refused.
#[test]
fn the_bag_label_is_derived_and_a_written_label_is_refused() {
    let text = icu_text();
    let labelled = edit(
        &text,
        "        bag: (amount: 25000, volume_ml: 250,",
        "        concentration_label: \"heparin 100 units/mL\",\n        bag: (amount: 25000, volume_ml: 250,",
    );
    let message = refused(&labelled);
    assert!(
        message.contains("ufh.concentration_label: remove it: the label is derived from the bag's amount and volume"),
        "{message}"
    );
    let dilute = edit(
        &text,
        "bag: (amount: 25000, volume_ml: 250,",
        "bag: (amount: 2500, volume_ml: 250,",
    );
    let out = analyze_csv(&dilute, "icu", "80", "text");
    assert!(out.contains("= 144 mL/h"), "{out}");
    assert!(out.contains("heparin 2,500 units in 250 mL (10 units/mL)"), "{out}");
    assert!(!out.contains("100 units/mL"), "{out}");
}

/// The bundled cases record the shipped protocols they follow, so opening one says nothing; a shipped
/// protocol edited without re-pinning them fails here (`UPDATE_GOLDEN=1` writes the new pins).
#[test]
fn bundled_cases_are_pinned_to_the_shipped_protocols() {
    let mut files: Vec<std::path::PathBuf> = ["tests/cases", "assets/cases"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(common::root().join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    let mut stale = Vec::new();
    for path in &files {
        let loaded = anticoag_planner::io::load_case(path, anticoag_planner::model::Zone::UTC).unwrap();
        if loaded.protocol_changes.is_empty() {
            continue;
        }
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            let pins = loaded
                .protocols
                .pins()
                .iter()
                .map(|(setting, pin)| {
                    format!(
                        "{}: (name: \"{}\", version: {}, sha256: \"{}\")",
                        setting.code(),
                        pin.name,
                        pin.version,
                        pin.sha256
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let text = std::fs::read_to_string(path).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("protocol_pins:"))
                .collect();
            let mut out = Vec::with_capacity(kept.len() + 1);
            for line in kept {
                out.push(line.to_owned());
                if line.trim_start().starts_with("protocols:") {
                    out.push(format!("    protocol_pins: {{{pins}}},"));
                }
            }
            std::fs::write(path, out.join("\n") + "\n").unwrap();
        } else {
            stale.push(format!(
                "{}: {}",
                path.display(),
                loaded
                    .protocol_changes
                    .iter()
                    .map(|c| c.sentence())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    assert!(stale.is_empty(), "re-pin with UPDATE_GOLDEN=1:\n{}", stale.join("\n"));
}

/// A folder holding a copy of the ICU teaching case (pinned to the shipped protocol) that names a protocol
/// file beside it, `local.ron`, a copy of the shipped ICU protocol.
fn case_beside_its_protocol() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("local.ron"), icu_text()).unwrap();
    let case = std::fs::read_to_string(common::root().join("tests/cases/under-dosed.ron")).unwrap();
    let case = edit(
        &case,
        "protocols: {icu: \"adult-icu\"}",
        "protocols: {icu: \"local.ron\"}",
    );
    let path = dir.path().join("case.ron");
    std::fs::write(&path, case).unwrap();
    (dir, path)
}

/// The handover's SHA-256 was re-read from disk at print time: an edited file printed the hash of the
/// edit, not of what was analysed. The fingerprint is now taken of the bytes parsed.
#[test]
fn the_fingerprint_is_of_the_bytes_parsed_not_of_the_file_read_again() {
    let (dir, _) = case_beside_its_protocol();
    let file = dir.path().join("local.ron");
    let protocol = Protocol::from_path(&file).unwrap();
    let shipped = Protocol::builtin("adult-icu").unwrap();
    assert_eq!(protocol.sha256(), shipped.sha256(), "same bytes, same fingerprint");
    std::fs::write(&file, icu_text().replace("// anticoag-planner protocol", "// edited")).unwrap();
    assert_eq!(
        protocol.sha256(),
        shipped.sha256(),
        "the protocol in use keeps the fingerprint it was read with"
    );
    assert_ne!(Protocol::from_path(&file).unwrap().sha256(), shipped.sha256());
}

/// Opening a case whose protocol now hashes differently: the command line says so (text and JSON
/// `warnings`) and exits 0.
#[test]
fn a_changed_protocol_is_said_on_opening_and_the_analysis_still_runs() {
    let (dir, case) = case_beside_its_protocol();
    let case_str = case.to_str().unwrap();
    // The case is pinned to the shipped bytes, which local.ron still is: nothing to say.
    let (ok, out, err) = run(&["analyze", case_str, "--format", "json"]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let said = |json: &serde_json::Value| {
        json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("changed since this case was saved"))
    };
    assert!(!said(&json), "{out}");
    // An institution edits its copy: one comment line is enough to change the fingerprint.
    std::fs::write(
        dir.path().join("local.ron"),
        icu_text().replace("// Every number", "// Edited. Every number"),
    )
    .unwrap();
    let (ok, out, err) = run(&["analyze", case_str, "--format", "json"]);
    assert!(ok, "exit 0: {err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(said(&json), "{out}");
    let (ok, out, _) = run(&["analyze", case_str]);
    assert!(ok);
    assert!(
        out.contains("the protocol of ICU changed since this case was saved: adult-icu v3 (SHA-256"),
        "{out}"
    );
    // Review of issue 26: the handover said nothing of it.
    let pdf = dir.path().join("handover.pdf");
    let (ok, _, err) = run(&["report", case_str, "--author", "Dr Test", "-o", pdf.to_str().unwrap()]);
    assert!(ok, "{err}");
    let printed = common::pdf_text(&pdf);
    assert!(
        printed.contains("PROTOCOL CHANGED: the protocol of ICU changed since this case was saved"),
        "{printed}"
    );
    // A pin written in capitals is the same fingerprint.
    let text = std::fs::read_to_string(&case).unwrap();
    let sha = Protocol::builtin("adult-icu").unwrap().sha256().to_owned();
    std::fs::write(dir.path().join("local.ron"), icu_text()).unwrap();
    std::fs::write(&case, text.replace(&sha, &sha.to_uppercase())).unwrap();
    let (ok, out, _) = run(&["analyze", case_str]);
    assert!(ok && !out.contains("changed since"), "{out}");
}

/// A relative protocol path was read from the current folder when it was not beside the case: the same
/// case gave 14.4 or 144 mL/h depending on where it was run. It is now read beside the case only.
#[test]
fn a_relative_protocol_path_is_read_beside_the_case_only() {
    let (dir, case) = case_beside_its_protocol();
    std::fs::remove_file(dir.path().join("local.ron")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("local.ron"), icu_text()).unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["analyze", case.to_str().unwrap()])
        .current_dir(elsewhere.path())
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the protocol in the current folder was read");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("local.ron") && err.contains("No such file"), "{err}");
}

/// A case could name any path: `/dev/zero` grew to 24 GB, a FIFO hung, `/etc/passwd` was parsed. Paths
/// outside the case's folder are refused before anything is read; inside it, only a regular file is read.
#[test]
fn a_case_cannot_name_a_protocol_outside_its_folder_nor_a_device_or_a_pipe() {
    let (dir, case) = case_beside_its_protocol();
    let text = std::fs::read_to_string(&case).unwrap();
    for name in ["/dev/zero", "/etc/passwd", "../local.ron", "sub/../../local.ron"] {
        let named = text.replace("\"local.ron\"", &format!("\"{name}\""));
        std::fs::write(&case, named).unwrap();
        let (ok, _, err) = run(&["analyze", case.to_str().unwrap()]);
        assert!(!ok, "{name} was read");
        assert!(
            err.contains("outside the case's folder") && err.contains("copy the protocol beside the case"),
            "{name}: {err}"
        );
        assert!(!err.contains("root"), "{name}: the file's content is echoed: {err}");
    }
    // A named pipe beside the case: refused by its type, without waiting for a writer.
    let fifo = dir.path().join("pipe.ron");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::fs::write(&case, text.replace("\"local.ron\"", "\"pipe.ron\"")).unwrap();
    let mut child = std::process::Command::new(common::bin())
        .args(["analyze", case.to_str().unwrap()])
        .env("TZ", "UTC")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("reading a FIFO protocol hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("not a regular file (a named pipe)"), "{err}");
}

/// `import --protocol FILE` kept only the protocol's name, so the saved case went back to the shipped
/// protocol. It now stores the path beside the case and its fingerprint, and refuses a protocol that is not
/// in the output's folder.
#[test]
fn import_stores_the_protocol_path_and_fingerprint_and_refuses_one_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let dilute = icu_text().replace(
        "bag: (amount: 25000, volume_ml: 250,",
        "bag: (amount: 2500, volume_ml: 250,",
    );
    std::fs::write(dir.path().join("dilute.ron"), &dilute).unwrap();
    let csv = dir.path().join("rows.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T08:00,aptt,30,s\n2026-10-01T08:00,platelets,250,10^9/L\n",
    )
    .unwrap();
    let output = dir.path().join("case.ron");
    let protocol = dir.path().join("dilute.ron");
    let args = |out: &std::path::Path| {
        vec![
            "import".to_owned(),
            csv.display().to_string(),
            "--weight-kg".to_owned(),
            "80".to_owned(),
            "--setting".to_owned(),
            "icu".to_owned(),
            "--protocol".to_owned(),
            protocol.display().to_string(),
            "-o".to_owned(),
            out.display().to_string(),
        ]
    };
    let (ok, _, err) = run(&args(&output).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{err}");
    let written = std::fs::read_to_string(&output).unwrap();
    let sha = Protocol::from_ron_str(&dilute, "d").unwrap().sha256().to_owned();
    assert!(written.contains("icu: \"dilute.ron\","), "{written}");
    assert!(written.contains(&sha), "{written}");
    let (ok, out, err) = run(&["analyze", output.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("= 144 mL/h") && !out.contains("changed since"), "{out}");
    // Into another folder: the protocol is not beside that case.
    let other = tempfile::tempdir().unwrap();
    let elsewhere = other.path().join("case.ron");
    let (ok, _, err) = run(&args(&elsewhere).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!ok, "written with a protocol elsewhere");
    assert!(err.contains("copy the protocol beside the case"), "{err}");
    assert!(!elsewhere.exists());
}

/// Approved protocols (optional): with a list in the settings folder (here named by the environment
/// variable), a protocol not on it is marked on the card (text and JSON) and the handover PDF.
#[test]
fn a_protocol_not_on_the_approved_list_is_marked_on_the_card_and_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("approved-protocols.txt");
    let ecmo = Protocol::builtin("adult-ecmo").unwrap();
    let case = common::root().join("assets/cases/cmaj-2019-ecmo.ron");
    let analyze = |format: &str| {
        let out = std::process::Command::new(common::bin())
            .args(["analyze", case.to_str().unwrap(), "--format", format])
            .env("TZ", "UTC")
            .env("ANTICOAG_PLANNER_APPROVED_PROTOCOLS", &list)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // A list named on purpose that is not there fails closed (review of issue 26: it marked nothing).
    let out = std::process::Command::new(common::bin())
        .args(["analyze", case.to_str().unwrap()])
        .env("ANTICOAG_PLANNER_APPROVED_PROTOCOLS", &list)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("which does not exist"));
    std::fs::write(&list, "# no protocol approved yet\n").unwrap();
    assert!(analyze("text").contains("UNAPPROVED"), "an empty list approves nothing");
    std::fs::write(
        &list,
        format!("# approved by the P&T committee\n{}  # adult-ecmo v3\n", ecmo.sha256()),
    )
    .unwrap();
    assert!(!analyze("text").contains("UNAPPROVED"));
    std::fs::write(&list, format!("{}\n", Protocol::builtin("adult-icu").unwrap().sha256())).unwrap();
    let text = analyze("text");
    assert!(
        text.contains("UNAPPROVED PROTOCOL: adult-ecmo v3 (SHA-256") && text.contains("not on this workstation's list"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&analyze("json")).unwrap();
    assert!(
        json["warnings"][0].as_str().unwrap().starts_with("UNAPPROVED PROTOCOL"),
        "{json}"
    );
    let pdf = dir.path().join("handover.pdf");
    let out = std::process::Command::new(common::bin())
        .args([
            "report",
            case.to_str().unwrap(),
            "--author",
            "Dr Test",
            "-o",
            pdf.to_str().unwrap(),
        ])
        .env("TZ", "UTC")
        .env("ANTICOAG_PLANNER_APPROVED_PROTOCOLS", &list)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = common::pdf_text(&pdf);
    assert!(printed.contains("UNAPPROVED PROTOCOL"), "{printed}");
    // A line that is not a fingerprint: refused by line, not ignored.
    std::fs::write(&list, "adult-ecmo\n").unwrap();
    let out = std::process::Command::new(common::bin())
        .args(["analyze", case.to_str().unwrap()])
        .env("ANTICOAG_PLANNER_APPROVED_PROTOCOLS", &list)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("approved-protocols.txt:1: not a SHA-256"));
}

fn analyze_csv_with(protocol_text: &str, setting: &str, weight: &str) -> serde_json::Value {
    serde_json::from_str(&analyze_csv(protocol_text, setting, weight, "json")).unwrap()
}

/// `analyze` of a two-row CSV (an aPTT and platelets, no heparin yet) under an edited protocol.
fn analyze_csv(protocol_text: &str, setting: &str, weight: &str, format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let protocol = dir.path().join("edited.ron");
    std::fs::write(&protocol, protocol_text).unwrap();
    let csv = dir.path().join("start.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T08:00,aptt,30,s\n2026-10-01T08:00,platelets,250,10^9/L\n",
    )
    .unwrap();
    let (ok, out, err) = run(&[
        "analyze",
        csv.to_str().unwrap(),
        "--weight-kg",
        weight,
        "--setting",
        setting,
        "--protocol",
        protocol.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert!(ok, "{err}");
    out
}

/// Review of issue 26 (critical): a bypass protocol edited to a 999 units/kg start bolus, used in the ICU,
/// recommended a 99,900-unit bolus — its settings chose the bypass ceilings. The setting in effect decides.
#[test]
fn a_bypass_protocol_used_in_the_icu_keeps_the_icu_ceilings() {
    let cpb = std::fs::read_to_string(common::root().join("protocols/adult-cpb.ron")).unwrap();
    let edited = edit(&cpb, "bolus_units_per_kg: Some(80),", "bolus_units_per_kg: Some(999),");
    let edited = edit(&edited, "bolus_max_units: Some(10000),", "bolus_max_units: None,");
    let edited = edit(
        &edited,
        "bolus_cap: (max_units: 10000,",
        "bolus_cap: (max_units: 39999,",
    );
    Protocol::from_ron_str(&edited, "cpb.ron").expect("valid for bypass");
    for setting in ["icu", "ecmo_vv"] {
        let json = analyze_csv_with(&edited, setting, "100");
        let r = &json["recommendation"];
        assert!(r["bolus_units"].is_null(), "{setting}: {r}");
        assert_eq!(r["exceeds_hard_limit"]["unit"], "units", "{setting}: {r}");
        // The reasoning's figures stay, marked as not to be given.
        let why: Vec<&str> = r["rationale"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(
            why.iter()
                .filter(|l| l.contains("99,900 units") && !l.starts_with("calculated"))
                .all(|l| l.starts_with("not to be given")),
            "{why:?}"
        );
    }
}

/// Review of issue 26: 399.996 units/kg at 100 kg is 39,999.6 units, shown as 40,000 — which §12 refuses.
#[test]
fn a_dose_is_checked_as_it_is_shown() {
    let edited = edit(
        &icu_text(),
        "bolus_units_per_kg: Some(80),",
        "bolus_units_per_kg: Some(399.996),",
    );
    let edited = edit(&edited, "bolus_max_units: Some(10000),", "bolus_max_units: None,");
    let edited = edit(
        &edited,
        "bolus_cap: (max_units: 10000,",
        "bolus_cap: (max_units: 39999,",
    );
    let json = analyze_csv_with(&edited, "icu", "100");
    let r = &json["recommendation"];
    assert!(r["bolus_units"].is_null(), "{r}");
    assert_eq!(r["exceeds_hard_limit"]["limit"], 40000.0, "{r}");
}

/// Review of issue 26: a bag of 1,000,000 units in 1 mL loaded and gave "0 mL/h"; 1 unit in 10 L gave
/// 14,400,000 mL/h. A bag outside a wide sanity range is refused.
#[test]
fn a_bag_far_from_any_real_one_is_refused() {
    for (from, to) in [
        (
            "bag: (amount: 25000, volume_ml: 250,",
            "bag: (amount: 1000000, volume_ml: 1,",
        ),
        (
            "bag: (amount: 25000, volume_ml: 250,",
            "bag: (amount: 1, volume_ml: 10000,",
        ),
    ] {
        let message = refused(&edit(&icu_text(), from, to));
        assert!(
            message.contains("ufh.bag:") && message.contains("sanity range"),
            "{message}"
        );
    }
    let message = refused(&edit(
        &icu_text(),
        "bag: (amount: 250, volume_ml: 250,",
        "bag: (amount: 250000, volume_ml: 250,",
    ));
    assert!(message.contains("argatroban.bag:"), "{message}");
}
