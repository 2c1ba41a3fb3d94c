#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Issue 27, safe writes: no command replaces a file without `--force`, never the input it read; a handover is
//! never written over a case; a save follows a link, keeps the file's mode, refuses a read-only file and
//! clears a killed save's temporary files.

use std::os::unix::fs::PermissionsExt;

use anticoag_planner::io::{load_case, save_case};
use anticoag_planner::model::Zone;

use crate::cli::run;
use crate::common;

fn demo_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("case.ron");
    std::fs::copy(common::root().join("tests/cases/under-dosed.ron"), &path).unwrap();
    path
}

/// `report case.ron -o case.ron` turned the case into a PDF.
#[test]
fn a_report_never_replaces_its_input_nor_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let case = demo_copy(dir.path());
    let before = std::fs::read(&case).unwrap();
    let c = case.to_str().unwrap();
    let (ok, _, err) = run(&["report", c, "--author", "Dr Test", "-o", c, "--force"]);
    assert!(!ok && err.contains("the output is the input it reads"), "{err}");
    let other = dir.path().join("other.ron");
    std::fs::copy(&case, &other).unwrap();
    let (ok, _, err) = run(&[
        "report",
        c,
        "--author",
        "Dr Test",
        "-o",
        other.to_str().unwrap(),
        "--force",
    ]);
    assert!(!ok && err.contains("it is a case file"), "{err}");
    assert_eq!(std::fs::read(&case).unwrap(), before);
    assert_eq!(std::fs::read(&other).unwrap(), before);
    let pdf = dir.path().join("handover.pdf");
    let (ok, _, err) = run(&["report", c, "--author", "Dr Test", "-o", pdf.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["report", c, "--author", "Dr Test", "-o", pdf.to_str().unwrap()]);
    assert!(!ok && err.contains("exists: add --force to replace it"), "{err}");
    let (ok, _, err) = run(&[
        "report",
        c,
        "--author",
        "Dr Test",
        "-o",
        pdf.to_str().unwrap(),
        "--force",
    ]);
    assert!(ok, "{err}");
}

/// `import -o` overwrote anything, even a newer-format case.
#[test]
fn import_replaces_only_with_force_and_never_a_newer_case_or_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    std::fs::write(&csv, "time,kind,value,unit\n2026-10-01T08:00,aptt,30,s\n").unwrap();
    let out = dir.path().join("case.ron");
    let import = |output: &std::path::Path, force: bool| {
        let mut args = vec![
            "import",
            csv.to_str().unwrap(),
            "--weight-kg",
            "80",
            "--setting",
            "icu",
            "-o",
        ];
        args.push(output.to_str().unwrap());
        if force {
            args.push("--force");
        }
        run(&args)
    };
    assert!(import(&out, false).0);
    let (ok, _, err) = import(&out, false);
    assert!(!ok && err.contains("exists: add --force"), "{err}");
    assert!(import(&out, true).0);
    let newer = std::fs::read_to_string(&out)
        .unwrap()
        .replace("version: 8,", "version: 9,");
    std::fs::write(&out, &newer).unwrap();
    let (ok, _, err) = import(&out, true);
    assert!(!ok && err.contains("newer"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        newer,
        "the newer case is untouched"
    );
    let (ok, _, err) = import(&csv, true);
    assert!(!ok && err.contains("the output is the input it reads"), "{err}");
}

/// A save reset the file's mode, replaced a symlink with a plain file and overwrote a read-only case.
#[test]
fn a_save_follows_a_link_keeps_the_mode_and_refuses_a_read_only_file() {
    let dir = tempfile::tempdir().unwrap();
    let case = demo_copy(dir.path());
    let loaded = load_case(&case, Zone::UTC).unwrap();
    std::fs::set_permissions(&case, std::fs::Permissions::from_mode(0o640)).unwrap();
    save_case(&case, &loaded.case).unwrap();
    assert_eq!(std::fs::metadata(&case).unwrap().permissions().mode() & 0o777, 0o640);

    let link = dir.path().join("link.ron");
    std::os::unix::fs::symlink(&case, &link).unwrap();
    let mut edited = loaded.case.clone();
    edited.title = "through the link".to_owned();
    save_case(&link, &edited).unwrap();
    assert!(
        std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link stays a link"
    );
    assert!(
        std::fs::read_to_string(&case).unwrap().contains("through the link"),
        "its target was saved"
    );

    std::fs::set_permissions(&case, std::fs::Permissions::from_mode(0o444)).unwrap();
    edited.title = "over a read-only file".to_owned();
    let err = save_case(&case, &edited).unwrap_err().to_string();
    assert!(err.contains("is read-only: it is not replaced"), "{err}");
    assert!(
        !std::fs::read_to_string(&case)
            .unwrap()
            .contains("over a read-only file")
    );
}

/// Killed saves left full-size temporary files: the next save into the folder removes old ones.
#[test]
fn a_killed_saves_temporary_file_is_removed_by_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let case = demo_copy(dir.path());
    let loaded = load_case(&case, Zone::UTC).unwrap();
    let stale = dir.path().join(".anticoag-save-killed.tmp");
    std::fs::write(&stale, vec![b'x'; 100_000]).unwrap();
    let touched = std::process::Command::new("touch")
        .args(["-d", "1 hour ago"])
        .arg(&stale)
        .status()
        .unwrap();
    assert!(touched.success());
    let fresh = dir.path().join(".anticoag-save-another-window.tmp");
    std::fs::write(&fresh, b"a save in progress").unwrap();
    save_case(&case, &loaded.case).unwrap();
    assert!(!stale.exists(), "the killed save's file is removed");
    assert!(fresh.exists(), "a save in progress elsewhere is left alone");
}
