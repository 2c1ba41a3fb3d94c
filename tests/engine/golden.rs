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
            Block::Table { caption, header, rows } => {
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

/// SHA-256 of each replay golden as it was before cases had a time zone (issue 22), at the commit
/// before that issue: an old file opened in UTC must give the same bytes once `time_zone` and the
/// offsets are taken out again.
const REPLAY_BEFORE_ZONES: [(&str, &str); 9] = [
    (
        "antithrombin-severe-deficiency",
        "074b1590fb6c4a3e1a5f9364cd5bc477f082c3237c3f918e8a618e6efc95595a",
    ),
    (
        "bypass-resistance",
        "02964babcb86465365fc3035aca6267309607420732c4fb5ffeb9a42264c68da",
    ),
    (
        "cmaj-2019-ecmo",
        "93dfc231e3740e31177de14ff3b226c31ff22f44e71326332dfbb5c6bce73956",
    ),
    (
        "coagulopathy-discordance",
        "c50e54f68977ff7420bf5fdc9d4ee66e584a2b63ee43ada99116469233d10eee",
    ),
    (
        "forecast-fast-clearance",
        "ceb6376409c3cc2319f4d0079e49674af05e24786a9fba924d05c2d817666940",
    ),
    (
        "hit-suspected",
        "2ac8d65936981e4c3d3498a8bc54a05e4e103d27b4a43b53370bf1319d81408b",
    ),
    (
        "pseudo-resistance",
        "9c78eca869cc79641aea072811510dc2b208524cd4410bb60e6a1570c4ebfc71",
    ),
    (
        "supratherapeutic",
        "337f23187152d4f8028f02055f988995a6b2f2ac858cac5012181e3d161fd62e",
    ),
    (
        "under-dosed",
        "a7fe7fc60d3172cce01144a694fd4dc6015049907275b61e09538f16ae08b456",
    ),
];

/// The replay JSON as it was written before issue 22: without `time_zone`, the offsets, and the
/// `patient.facts` block issue 23 added (a pretty-printed object: its lines, and the comma before it).
fn without_later_fields(json: &str) -> String {
    let mut kept: Vec<String> = Vec::new();
    let mut in_facts: Option<usize> = None;
    for line in json.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(depth) = in_facts {
            if indent == depth && line.trim_start().starts_with('}') {
                in_facts = None;
            }
            continue;
        }
        if line.trim_start().starts_with("\"facts\": {") {
            in_facts = Some(indent);
            continue;
        }
        if line.trim() == "\"time_zone\": \"UTC\"," {
            continue;
        }
        if line.trim_start().starts_with('}')
            && let Some(last) = kept.last_mut()
            && last.ends_with(',')
        {
            last.pop();
        }
        kept.push(line.replace("+00:00\"", "\""));
    }
    kept.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn an_old_file_opened_in_utc_replays_as_before_once_the_zone_is_taken_out() {
    use sha2::{Digest, Sha256};
    let zone = anticoag_planner::model::Zone::UTC;
    for path in case_files() {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // A case added after issue 22 has no replay from before time zones to compare with.
        let Some((_, expected)) = REPLAY_BEFORE_ZONES.iter().find(|(name, _)| *name == stem) else {
            continue;
        };
        // The fixture as a format-4 file: no time zone.
        let text = std::fs::read_to_string(&path).unwrap();
        let old: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("time_zone:"))
            .map(|l| {
                if l.trim() == "version: 7," {
                    l.replace('7', "4")
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
        let before = without_later_fields(&json);
        let hash: String = Sha256::digest(before.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&hash, expected, "{stem}: the replay differs from before time zones");
    }
}
