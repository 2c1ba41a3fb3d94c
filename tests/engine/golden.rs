#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Golden outputs: `replay --format json` of every bundled and test case, and the `analyze` text of the
//! CMAJ case at three times, byte for byte. Written before the engine renovation so that moving code
//! between rooms is proven not to change a single word; later, each file changes only in the commit of
//! the clinical rule that changes it, and that commit says why.
//!
//! To accept a reviewed change: `UPDATE_GOLDEN=1 cargo test --test engine golden`, then read `git diff tests/golden`.

use crate::common;

use std::path::PathBuf;

use anticoag_planner::analysis::{Detail, analyze};
use anticoag_planner::present::report::{replay_to_json, to_text, write_replay_json};

/// Every case file the project ships or tests with.
fn case_files() -> Vec<PathBuf> {
    let root = common::root();
    let mut files = vec![root.join("assets/cases/cmaj-2019-ecmo.ron")];
    let mut tests: Vec<PathBuf> = std::fs::read_dir(root.join("tests/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    tests.sort();
    files.extend(tests);
    files
}

/// Compares `actual` with the golden file, or rewrites it when `UPDATE_GOLDEN` is set.
fn check(name: &str, actual: &str) -> Result<(), String> {
    let path = common::root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display()))?;
    if expected == actual {
        return Ok(());
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{name} differs from the golden file at line {}:\n  golden: {}\n  now:    {}",
        line + 1,
        expected.lines().nth(line).unwrap_or("(end of file)"),
        actual.lines().nth(line).unwrap_or("(end of file)")
    ))
}

#[test]
fn replay_json_of_every_case_is_unchanged() {
    let mut failures = Vec::new();
    for path in case_files() {
        let loaded = common::load(&path.to_string_lossy());
        let engine = loaded.engine();
        let json = replay_to_json(&engine.replay(&loaded.case, Detail::Explained).collect::<Vec<_>>()).unwrap() + "\n";
        // The command line writes the same bytes step by step, as each step is computed.
        let mut streamed = Vec::new();
        write_replay_json(engine.replay(&loaded.case, Detail::Explained), &mut streamed).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap() + "\n",
            json,
            "{}: streamed ≠ collected",
            path.display()
        );
        let stem = path.file_stem().unwrap().to_string_lossy();
        if let Err(e) = check(&format!("replay-{stem}.json"), &json) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn analyze_text_of_the_cmaj_case_at_three_times_is_unchanged() {
    let loaded = common::load("assets/cases/cmaj-2019-ecmo.ron");
    let mut failures = Vec::new();
    for at in ["2019-01-06T16:00", "2019-01-06T23:00", "2019-01-07T03:05"] {
        let text = to_text(&analyze(&loaded.case, loaded.start_protocol(), common::t(at)));
        if let Err(e) = check(&format!("analyze-cmaj-{}.txt", at.replace(':', "")), &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The handover sheet's blocks as plain text, one line a block (a table's rows indented below it).
fn handover_text(h: &anticoag_planner::present::handover::Handover) -> String {
    use anticoag_planner::present::handover::Block;
    let mut out = format!("patient: {}\nfooter: {}\n", h.patient_line, h.footer);
    for block in &h.blocks {
        match block {
            Block::Heading(t) => out.push_str(&format!("# {t}\n")),
            Block::Text(t) => out.push_str(&format!("{t}\n")),
            Block::Strong(t) => out.push_str(&format!("**{t}**\n")),
            Block::Danger { text, grave } => out.push_str(&format!("{} {text}\n", if *grave { "!!!" } else { "!" })),
            Block::Table {
                caption, header, rows, ..
            } => {
                out.push_str(&format!("table {caption}: {}\n", header.join(" | ")));
                for row in rows {
                    out.push_str(&format!("    {}\n", row.join(" | ")));
                }
            }
            Block::Signature(who) => out.push_str(&format!("sign: {who}\n")),
        }
    }
    out
}

/// The handover of every case at its last event, printed at a fixed time by a fixed build, so that only
/// the clinical content can change it.
#[test]
fn handover_of_every_case_is_unchanged() {
    use anticoag_planner::present::handover::{Printing, handover};
    let printing = Printing {
        at: common::t("2026-12-01T08:00"),
        by: "golden",
        app_version: "golden-build",
        marks: &[],
    };
    let mut failures = Vec::new();
    for path in case_files() {
        let loaded = common::load(&path.to_string_lossy());
        let case = &loaded.case;
        let engine = loaded.engine();
        let as_of = case.last_event_time().unwrap();
        let analysis = engine.analyze(case, as_of, Detail::Explained);
        let (choice, prepared) = engine.at(case, as_of);
        let text = match handover(
            case,
            &prepared.timeline,
            &choice.protocol,
            &analysis,
            &case.patient_line(),
            None,
            &printing,
        ) {
            Ok(h) => handover_text(&h),
            Err(e) => format!("refused: {e}\n"),
        };
        let stem = path.file_stem().unwrap().to_string_lossy();
        if let Err(e) = check(&format!("handover-{stem}.txt"), &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 22: a format-4 file (no time zone), opened in UTC, replays exactly as the same case of the newest
/// format does.
#[test]
fn an_old_file_opened_in_utc_replays_as_the_newest_file_does() {
    let zone = anticoag_planner::model::Zone::UTC;
    for path in case_files() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // A case added after issue 22 has no replay from before time zones to compare with.
        // The fixture as a format-4 file: no time zone (a case that changes setting has no format-4 form).
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("SettingFrom") {
            continue;
        }
        let old: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("time_zone:"))
            .map(|l| {
                if l.trim() == "version: 8," {
                    l.replace('8', "4")
                } else if l.trim_start().starts_with("protocols: {") {
                    // Before format 7 a case named one protocol.
                    let name = l.split('"').nth(1).unwrap_or_default();
                    format!("    protocol: \"{name}\",")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let loaded = anticoag_planner::io::parse_case(&old, "old.ron", Some(&common::root()), zone).unwrap();
        assert!(loaded.zone_from_workstation && loaded.migrated_from == Some(4));
        let json = replay_to_json(
            &loaded
                .engine()
                .replay(&loaded.case, Detail::Explained)
                .collect::<Vec<_>>(),
        )
        .unwrap()
            + "\n";
        let current = common::load(&path.to_string_lossy());
        let now = replay_to_json(
            &current
                .engine()
                .replay(&current.case, Detail::Explained)
                .collect::<Vec<_>>(),
        )
        .unwrap()
            + "\n";
        assert_eq!(
            json, now,
            "{stem}: the format-4 file, opened in UTC, replays as the newest file does"
        );
    }
}
