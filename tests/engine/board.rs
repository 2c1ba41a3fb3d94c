#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The unit board's command (issue 31): a folder of twelve varied cases — advice paused, danger,
//! overdue, caution, due soon, stable, a teaching case, a DTI, a broken file, one not started at `--at`,
//! one held open on another workstation, one too old for the clock — printed in the same urgency order
//! as text and as JSON with the names of decisions.md, and the unit handover PDF.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::run;
use crate::common;

/// The board's clock in these tests.
pub(crate) const AT: &str = "2026-12-06T12:00";

/// One case: its file name, its CSV rows, its patient flags.
const CASES: [(&str, &str, &[&str]); 9] = [
    // Heparin started at 02:00, no level yet: the 6-h anti-Xa was due at 08:00 — OVERDUE at 12:00.
    (
        "bed01-overdue",
        "2026-12-06T02:00,platelets,220,10^9/L\n2026-12-06T02:00,ufh_infusion,18,units/kg/h\n",
        &["--weight-kg", "80", "--setting", "icu"],
    ),
    // Platelets 20 on ECMO while heparin runs: DANGER.
    (
        "bed02-danger",
        "2026-12-06T00:00,ufh_infusion,18,units/kg/h\n2026-12-06T06:00,anti_xa,0.45,units/mL\n2026-12-06T10:00,platelets,20,10^9/L\n",
        &["--weight-kg", "80", "--setting", "ecmo_vv"],
    ),
    // 14 units/h (a pump's 14 mL/h typed as units/h): ADVICE PAUSED.
    (
        "bed03-paused",
        "2026-12-06T10:00,ufh_infusion,14,units/h\n",
        &["--weight-kg", "80", "--setting", "icu"],
    ),
    // A low aPTT beside an adequate anti-Xa: pseudo-resistance, CAUTION.
    (
        "bed04-caution",
        "2026-12-06T00:00,platelets,210,10^9/L\n2026-12-06T00:00,ufh_infusion,18,units/kg/h\n2026-12-06T11:00,anti_xa,0.5,units/mL\n2026-12-06T11:00,aptt,38,s\n",
        &["--weight-kg", "80", "--setting", "icu"],
    ),
    // Started at 06:30: the anti-Xa is due at 12:30 — DUE SOON.
    (
        "bed05-due-soon",
        "2026-12-06T06:30,platelets,230,10^9/L\n2026-12-06T06:30,ufh_infusion,18,units/kg/h\n",
        &["--weight-kg", "80", "--setting", "icu"],
    ),
    // In range an hour ago: stable.
    (
        "bed06-stable",
        "2026-12-05T12:00,platelets,250,10^9/L\n2026-12-05T12:00,ufh_infusion,18,units/kg/h\n2026-12-05T18:00,anti_xa,0.45,units/mL\n2026-12-06T11:00,anti_xa,0.5,units/mL\n2026-12-06T11:00,platelets,240,10^9/L\n",
        &["--weight-kg", "80", "--setting", "icu"],
    ),
    // Argatroban in range.
    (
        "bed07-argatroban",
        "2026-12-06T00:00,platelets,190,10^9/L\n2026-12-06T00:00,argatroban_infusion,0.5,mcg/kg/min\n2026-12-06T10:00,aptt,60,s\n",
        &["--weight-kg", "80", "--setting", "icu", "--baseline-aptt", "30"],
    ),
    // Starts at 14:00: no event at 12:00.
    (
        "bed08-tomorrow",
        "2026-12-06T14:00,ufh_infusion,18,units/kg/h\n",
        &["--weight-kg", "80", "--setting", "icu"],
    ),
    // Its last event three days before: too old for the clock.
    (
        "bed09-old",
        "2026-12-03T08:00,ufh_infusion,18,units/kg/h\n2026-12-03T09:00,anti_xa,0.5,units/mL\n",
        &["--weight-kg", "80", "--setting", "icu"],
    ),
];

/// A case file of the folder made by the command line's `import` from CSV rows (UTC, stamped by RN Ortiz).
fn import_case(dir: &Path, folder: &Path, name: &str, rows: &str, flags: &[&str]) {
    let csv = dir.join(format!("{name}.csv"));
    std::fs::write(&csv, format!("time,kind,value,unit\n{rows}")).unwrap();
    let case = folder.join(format!("{name}.ron"));
    let mut args = vec![
        "import",
        csv.to_str().unwrap(),
        "-o",
        case.to_str().unwrap(),
        "--author",
        "RN Ortiz",
        "--time-zone",
        "UTC",
    ];
    args.extend_from_slice(flags);
    let (ok, _, err) = run(&args);
    assert!(ok, "{name}: {err}");
}

/// The folder of twelve: nine imported cases, the CMAJ teaching case, a broken file and a lock held on
/// another workstation (on the stable case).
pub(crate) fn unit_folder(dir: &Path) -> PathBuf {
    let folder = dir.join("unit");
    std::fs::create_dir_all(&folder).unwrap();
    for (name, rows, flags) in CASES {
        import_case(dir, &folder, name, rows, flags);
    }
    std::fs::copy(
        common::root().join("assets/cases/cmaj-2019-ecmo.ron"),
        folder.join("bed10-teaching.ron"),
    )
    .unwrap();
    std::fs::write(folder.join("bed11-broken.ron"), "(version: 8, title: \"half a file\"").unwrap();
    std::fs::write(
        folder.join(".bed06-stable.ron.lock"),
        r#"{"user":"RN Kim","host":"icu-ws-04","pid":4242,"since":"2026-12-06T11:30"}"#,
    )
    .unwrap();
    // The twelfth: a second overdue patient, overdue longer (started at 00:00, due 06:00).
    import_case(
        dir,
        &folder,
        "bed12-overdue-longer",
        "2026-12-06T00:00,platelets,200,10^9/L\n2026-12-06T00:00,ufh_infusion,16,units/kg/h\n",
        &["--weight-kg", "70", "--setting", "icu"],
    );
    folder
}

#[test]
fn the_board_of_twelve_cases_is_sorted_by_urgency_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let folder = unit_folder(dir.path());
    let folder = folder.to_str().unwrap();
    let (ok, out, err) = run(&["board", folder, "--at", AT, "--format", "json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["time_zone"], "UTC");
    assert_eq!(v["at"], "2026-12-06T12:00+00:00");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 12, "one row per case file: {out}");
    let order: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["file"].as_str().unwrap(), r["urgency"].as_str().unwrap()))
        .collect();
    let urgency_of = |file: &str| order.iter().find(|(f, _)| f.starts_with(file)).unwrap().1;
    assert_eq!(urgency_of("bed11"), "error");
    assert_eq!(urgency_of("bed03"), "advice_paused");
    assert_eq!(urgency_of("bed02"), "danger");
    assert_eq!(urgency_of("bed01"), "overdue");
    assert_eq!(urgency_of("bed12"), "overdue");
    assert_eq!(urgency_of("bed04"), "caution");
    assert_eq!(urgency_of("bed05"), "due_soon");
    for stable in ["bed06", "bed07", "bed08", "bed10"] {
        assert_eq!(urgency_of(stable), "stable", "{stable}: {order:?}");
    }
    // A patient's case with heparin running and no entry for three days is not "stable" (the review of
    // issue 31); the old teaching case is.
    assert_eq!(urgency_of("bed09"), "no_recent_entry");
    // The order: error, advice paused, danger, the longest overdue first, caution, due soon, stable.
    let files: Vec<&str> = order.iter().map(|(f, _)| &f[..5]).collect();
    assert_eq!(
        &files[..8],
        ["bed11", "bed03", "bed02", "bed12", "bed01", "bed09", "bed04", "bed05"],
        "{order:?}"
    );
    // decisions.md names.
    let danger = rows.iter().find(|r| r["file"] == "bed02-danger.ron").unwrap();
    assert_eq!(danger["danger"][0]["level"], "danger");
    assert_eq!(danger["danger"][0]["kind"], "low_platelets");
    assert_eq!(danger["hit_status"], "none");
    let paused = rows.iter().find(|r| r["file"] == "bed03-paused.ron").unwrap();
    assert!(
        paused["advice_paused"]["reason"]
            .as_str()
            .unwrap()
            .contains("mL/h meant"),
        "{paused}"
    );
    let overdue = rows.iter().find(|r| r["file"] == "bed01-overdue.ron").unwrap();
    assert_eq!(overdue["next_lab"]["overdue"], true);
    assert_eq!(overdue["next_lab"]["minutes"], 240, "due 08:00, now 12:00");
    assert!(
        overdue["next_lab"]["test"].as_str().unwrap().starts_with("aPTT"),
        "{overdue}"
    );
    assert!(overdue["running"].as_str().unwrap().contains("mL/h"), "{overdue}");
    let held = rows.iter().find(|r| r["file"] == "bed06-stable.ron").unwrap();
    assert!(
        held["held_by"].as_str().unwrap().starts_with("RN Kim on icu-ws-04"),
        "{held}"
    );
    assert!(held["last_anti_xa"]["age_h"].as_f64().unwrap() == 1.0, "{held}");
    let broken = rows.iter().find(|r| r["file"] == "bed11-broken.ron").unwrap();
    assert!(
        broken["error"].as_str().unwrap().contains("bed11-broken.ron"),
        "{broken}"
    );
    let teaching = rows.iter().find(|r| r["file"] == "bed10-teaching.ron").unwrap();
    assert_eq!(teaching["teaching"], true);
    assert!(
        teaching["clock_note"]
            .as_str()
            .unwrap()
            .contains("not compared with the clock")
    );
    let old = rows.iter().find(|r| r["file"] == "bed09-old.ron").unwrap();
    assert!(old["next_lab"].is_null() && old["clock_note"].is_string(), "{old}");
    // The same order in text, with the words.
    let (ok, text, err) = run(&["board", folder, "--at", AT]);
    assert!(ok, "{err}");
    let position = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} in {text}"));
    assert!(position("[FILE ERROR]") < position("[ADVICE PAUSED]"));
    assert!(position("[ADVICE PAUSED]") < position("[DANGER]"));
    assert!(position("[DANGER]") < position("[OVERDUE]"));
    assert!(position("[OVERDUE]") < position("[CAUTION]"));
    assert!(position("[CAUTION]") < position("[DUE SOON]"));
    assert!(text.contains("OVERDUE by 4 h: aPTT (with a paired anti-Xa)"), "{text}");
    assert!(text.contains("open by RN Kim on icu-ws-04"), "{text}");
    assert!(text.contains("TEACHING CASE"), "{text}");
    // A later clock: the due-soon case is overdue too.
    let (_, later, _) = run(&["board", folder, "--at", "2026-12-06T13:00", "--format", "json"]);
    let later: Value = serde_json::from_str(&later).unwrap();
    let due = later["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == "bed05-due-soon.ron")
        .unwrap();
    assert_eq!(due["urgency"], "overdue");
}

#[test]
fn the_unit_handover_has_a_first_page_of_rows_then_each_patient() {
    let dir = tempfile::tempdir().unwrap();
    let folder = unit_folder(dir.path());
    let pdf = dir.path().join("unit.pdf");
    let (ok, out, err) = run(&[
        "board",
        folder.to_str().unwrap(),
        "--at",
        AT,
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("wrote the unit handover"), "{out}");
    let text = common::pdf_text(&pdf);
    let page = |n: usize| {
        let out = std::process::Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let first = page(1);
    assert!(
        first.contains("Unit anticoagulation handover") && first.contains("Every patient of the folder"),
        "{first}"
    );
    assert!(first.starts_with("Unit:"), "the first page is the unit's: {first}");
    assert!(first.contains("OVERDUE") && first.contains("bed01-overdue"), "{first}");
    // Each readable case with an analysis has its own sheet from a new page (the paused one says why it has
    // none), with its contingency table where one applies.
    let second = page(2);
    assert!(second.starts_with("Patient:"), "{second}");
    let sheets = text.matches("Anticoagulation handover").count();
    assert!(sheets >= 8, "{sheets} sheets");
    assert!(text.contains("Contingency for the next result"));
    // The paused patient's sheet says so and withholds its table.
    assert!(
        second.contains("bed03-paused") && second.contains("ADVICE PAUSED"),
        "{second}"
    );
    assert!(second.contains("Contingency for the next result withheld"), "{second}");
    // Never over an existing file without --force.
    let (ok, _, err) = run(&[
        "board",
        folder.to_str().unwrap(),
        "--at",
        AT,
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("--force"), "{err}");
    let (ok, _, err) = run(&[
        "board",
        folder.to_str().unwrap(),
        "--at",
        AT,
        "--pdf",
        pdf.to_str().unwrap(),
        "--force",
    ]);
    assert!(ok, "{err}");
    // Not a folder: said.
    let (ok, _, err) = run(&["board", pdf.to_str().unwrap()]);
    assert!(!ok && err.contains("not a folder"), "{err}");
}

/// The review of issue 31: an advice that changes the therapy is an action, not "stable"; and a row names
/// every overdue test, not only the longest overdue.
#[test]
fn an_advice_to_act_is_not_stable_and_every_overdue_test_is_named() {
    // An advice that changes the therapy is an action, not "stable": the same patient an hour after an
    // anti-Xa of 0.9 is told to hold.
    let dir2 = tempfile::tempdir().unwrap();
    let unit2 = dir2.path().join("unit");
    std::fs::create_dir_all(&unit2).unwrap();
    let icu = ["--weight-kg", "80", "--setting", "icu"];
    import_case(
        dir2.path(),
        &unit2,
        "high",
        "2026-12-06T00:00,platelets,200,10^9/L\n2026-12-06T00:00,ufh_infusion,18,units/kg/h\n\
         2026-12-06T06:00,anti_xa,0.45,units/mL\n2026-12-06T11:00,anti_xa,0.9,units/mL\n2026-12-06T11:00,aptt,70,s\n",
        &icu,
    );
    let (_, out2, _) = run(&["board", unit2.to_str().unwrap(), "--at", AT, "--format", "json"]);
    let v2: Value = serde_json::from_str(&out2).unwrap();
    assert_eq!(v2["rows"][0]["urgency"], "action_advised", "{}", v2["rows"][0]);
    // Every overdue test is named, not only the longest overdue.
    import_case(
        dir2.path(),
        &unit2,
        "np",
        "2026-12-06T02:00,ufh_infusion,18,units/kg/h\n",
        &icu,
    );
    let (_, text2, _) = run(&["board", unit2.to_str().unwrap(), "--at", AT]);
    assert!(text2.contains("also overdue: aPTT"), "{text2}");
}
