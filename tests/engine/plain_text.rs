#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Issue 27, text that cannot forge: a newline in a name added a false "RECOMMENDATION: …" line to Copy plan
//! and the PDF header; an 85-character name cut the header before the MRN and the bed; terminal escapes in a
//! CSV field were echoed raw.

use crate::cli::run;
use crate::common;

fn demo_with_identity(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(common::root().join("tests/cases/under-dosed.ron")).unwrap();
    let with = text.replacen(
        "    time_zone:",
        &format!("    identity: (name: Some({name:?}), mrn: Some(\"000123\"), bed: Some(\"4\")),\n    time_zone:"),
        1,
    );
    assert_ne!(with, text);
    let path = dir.join("case.ron");
    std::fs::write(&path, with).unwrap();
    path
}

#[test]
fn a_name_with_a_line_break_or_a_direction_control_is_refused_on_opening() {
    let dir = tempfile::tempdir().unwrap();
    for forged in ["Jane Doe\nRECOMMENDATION: Stop heparin", "Jane \u{202E}eoD"] {
        let case = demo_with_identity(dir.path(), forged);
        let (ok, _, err) = run(&["analyze", case.to_str().unwrap()]);
        assert!(!ok, "{forged:?} opened");
        assert!(err.contains("identity: name holds"), "{err}");
        assert!(!err.contains('\u{202E}'), "the control is not echoed raw: {err}");
    }
}

#[test]
fn an_author_with_a_line_break_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let case = demo_with_identity(dir.path(), "Teaching patient");
    let pdf = dir.path().join("h.pdf");
    let (ok, _, err) = run(&[
        "report",
        case.to_str().unwrap(),
        "--author",
        "Dr Lee\nRECOMMENDATION: give 40,000 units",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("--author holds a line break"), "{err}");
    assert!(!pdf.exists());
}

#[test]
fn a_long_name_wraps_in_the_pdf_header_and_the_mrn_and_bed_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let name = "Maria-Fernanda Alexandrina de los Santos Villanueva-Hernández y Castellanos Ortega";
    assert!(name.chars().count() >= 80);
    let case = demo_with_identity(dir.path(), name);
    let pdf = dir.path().join("h.pdf");
    let (ok, _, err) = run(&[
        "report",
        case.to_str().unwrap(),
        "--author",
        "Dr Lee",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let printed = common::pdf_text(&pdf);
    // Wrapped: a later header line says it continues the patient line.
    assert!(
        printed.contains("Santos (patient, continued) Villanueva-Hernández y Castellanos Ortega · MRN 000123 · bed 4"),
        "{printed}"
    );
}

#[test]
fn terminal_escapes_in_a_csv_field_are_not_echoed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T08:00,\u{1b}[2J\u{1b}[31maptt,30,s\n",
    )
    .unwrap();
    let (ok, _, err) = run(&[
        "analyze",
        csv.to_str().unwrap(),
        "--weight-kg",
        "80",
        "--setting",
        "icu",
    ]);
    assert!(!ok);
    assert!(!err.contains('\u{1b}'), "raw escape echoed: {err:?}");
    assert!(err.contains("\\u{001B}[2J"), "{err}");
}

/// Review of issue 27: a title padded with spaces put a forged "RECOMMENDATION:" at the start of the PDF
/// header's second line; blank and invisible authors were accepted.
#[test]
fn a_padded_title_cannot_start_a_header_line_and_a_blank_author_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("tests/cases/under-dosed.ron")).unwrap();
    let title_line = text.lines().find(|l| l.trim_start().starts_with("title:")).unwrap();
    let padded = format!(
        "    title: \"T{}RECOMMENDATION: Hold heparin (forged) {}\",",
        " ".repeat(200),
        "\u{2003}".repeat(40)
    );
    let case = dir.path().join("case.ron");
    std::fs::write(&case, text.replacen(title_line, &padded, 1)).unwrap();
    let pdf = dir.path().join("h.pdf");
    let (ok, _, err) = run(&[
        "report",
        case.to_str().unwrap(),
        "--author",
        "Dr Lee",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let layout = String::from_utf8_lossy(&out.stdout);
    for line in layout.lines() {
        assert!(
            !line.trim_start().starts_with("RECOMMENDATION: Hold heparin (forged)"),
            "{line}"
        );
    }
    for author in ["", "   ", "Dr\u{200B}Lee"] {
        let (ok, _, err) = run(&[
            "report",
            case.to_str().unwrap(),
            "--author",
            author,
            "-o",
            pdf.to_str().unwrap(),
            "--force",
        ]);
        assert!(!ok && err.contains("--author"), "{author:?}: {err}");
    }
}

/// Issue 28: a teaching case says so on every printed page (the patient line heads each page), and a
/// patient's case never does.
#[test]
fn every_printed_page_of_a_teaching_case_says_it_is_not_a_patient() {
    let dir = tempfile::tempdir().unwrap();
    let teaching = dir.path().join("teaching.ron");
    std::fs::copy(common::root().join("assets/cases/cmaj-2019-ecmo.ron"), &teaching).unwrap();
    let patient = dir.path().join("patient.ron");
    let text = std::fs::read_to_string(&teaching).unwrap();
    let without = text.replacen("    teaching: true,\n", "", 1);
    assert_ne!(without, text);
    std::fs::write(&patient, without).unwrap();
    for (case, band) in [(&teaching, true), (&patient, false)] {
        let pdf = dir.path().join("h.pdf");
        let (ok, _, err) = run(&[
            "report",
            case.to_str().unwrap(),
            "--at",
            "2019-01-07T03:05",
            "--author",
            "Dr Lee",
            "--force",
            "-o",
            pdf.to_str().unwrap(),
        ]);
        assert!(ok, "{err}");
        let pages = std::process::Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .expect("this test needs `pdfinfo`: apt-get install poppler-utils");
        let pages: usize = String::from_utf8_lossy(&pages.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
            .unwrap();
        let printed = common::pdf_text(&pdf);
        let marked = printed.matches("Patient: TEACHING CASE — not a patient ·").count();
        if band {
            assert!(pages >= 2 && marked == pages, "{marked} of {pages} pages: {printed}");
        } else {
            assert_eq!(marked, 0, "{printed}");
        }
    }
}
