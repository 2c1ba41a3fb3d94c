#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Issue 27: the audit trail is a hash chain (each entry carries the hash of the one before; the case the hash
//! of its last), so a hand edit of the file is seen on opening; case-file events in the future are refused as
//! CSV rows are.

use anticoag_planner::io::{parse_case, to_ron_string};
use anticoag_planner::model::{AuditAction, Case, Stamp, Zone};

use crate::cli::run;
use crate::common;

/// The ICU teaching case with three audited entries.
fn audited_case() -> Case {
    let mut case = common::load("tests/cases/under-dosed.ron").case;
    let at = case.events.last().unwrap().time;
    for (i, who) in ["RN Kim", "PharmD Ode", "Dr Lee"].iter().enumerate() {
        case.record(
            &Stamp::new(at, *who),
            AuditAction::Changed,
            format!("entry {i}"),
            format!("detail {i}"),
            None,
        );
    }
    case
}

fn reopened(text: &str) -> Option<String> {
    parse_case(text, "case.ron", Some(&common::root()), Zone::UTC)
        .unwrap()
        .audit_broken
}

#[test]
fn an_untouched_trail_holds_and_any_hand_edit_breaks_it() {
    let case = audited_case();
    let text = to_ron_string(&case);
    assert_eq!(reopened(&text), None, "as written");
    // An entry in the middle edited: the next entry no longer follows it.
    let middle = reopened(&text.replace("detail 1", "detail one")).expect("broken");
    assert!(middle.contains("entry 3 does not follow entry 2"), "{middle}");
    // The last entry edited: the case's head no longer matches.
    let last = reopened(&text.replace("detail 2", "nothing to see")).expect("broken");
    assert!(
        last.contains("the last entry (3) is not the one the case recorded"),
        "{last}"
    );
    // The last entry removed: the head again.
    let mut cut = case.clone();
    cut.audit.pop();
    let removed = reopened(&to_ron_string(&cut)).expect("broken");
    assert!(removed.contains("is not the one the case recorded"), "{removed}");
    // The who changed in the first entry.
    let who = reopened(&text.replacen("RN Kim", "Dr Nobody", 1)).expect("broken");
    assert!(who.contains("entry 2 does not follow entry 1"), "{who}");
}

#[test]
fn the_command_line_says_a_broken_trail_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.ron");
    std::fs::write(&path, to_ron_string(&audited_case()).replace("detail 1", "detail one")).unwrap();
    let (ok, out, err) = run(&["analyze", path.to_str().unwrap(), "--format", "json"]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        json["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("AUDIT TRAIL BROKEN: entry 3 does not follow entry 2"),
        "{out}"
    );
}

/// A case file accepted events dated 2099 (the CSV refuses them).
#[test]
fn a_case_file_event_in_the_future_is_refused_with_its_line() {
    let text = std::fs::read_to_string(common::root().join("tests/cases/under-dosed.ron")).unwrap();
    let last_event = text.lines().rev().find(|l| l.contains("(time: \"")).unwrap();
    let time = last_event.split('"').nth(1).unwrap();
    let future = text.replacen(last_event, &last_event.replace(time, "2099-01-01T08:00+00:00"), 1);
    let err = parse_case(&future, "case.ron", Some(&common::root()), Zone::UTC)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("2099-01-01T08:00") && err.contains("is in the future"),
        "{err}"
    );
    assert!(err.contains("line "), "{err}");
}

/// A break at the last entry, recorded, verifies on the next opening (the new entry links to the trail as
/// found, not to the head the file claimed).
#[test]
fn a_recorded_break_at_the_end_verifies_afterwards() {
    let text = to_ron_string(&audited_case()).replace("detail 2", "edited");
    let mut loaded = parse_case(&text, "case.ron", Some(&common::root()), Zone::UTC).unwrap();
    assert!(loaded.audit_broken.is_some());
    let at = loaded.case.events.last().unwrap().time;
    loaded.case.record(
        &Stamp::new(at, "RN Kim"),
        AuditAction::TrailBroken,
        "audit trail".to_owned(),
        loaded.audit_broken.clone().unwrap(),
        None,
    );
    assert_eq!(reopened(&to_ron_string(&loaded.case)), None);
}

/// Review of issue 27: removing the trail whole (entries and head) went unnoticed; the events still carry
/// who entered them.
#[test]
fn a_trail_removed_whole_is_seen() {
    let csv_case = {
        let mut case = audited_case();
        let at = case.events.last().unwrap().time;
        case.events[0].entered = Some(Stamp::new(at, "RN Kim"));
        case
    };
    let mut cut = csv_case.clone();
    cut.audit.clear();
    cut.audit_head = None;
    let broken = reopened(&to_ron_string(&cut)).expect("broken");
    assert!(broken.contains("the trail is empty"), "{broken}");
}
