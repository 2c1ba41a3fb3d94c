#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The handover PDF read back (issue 29): the bypass block (the additional heparin to the target ACT and
//! the protamine estimate, which Copy plan had and the PDF lacked), no ISO time anywhere in its text, the
//! signature lines on the page of their heading, and a hold that says when to restart.

use crate::cli::run;
use crate::common;

/// Whether `text` holds an ISO time (`2024-06-01T08:20`).
fn has_iso_time(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(15)).find_map(|i| {
        let w = &b[i..i + 16];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        (digits(0..4)
            && w[4] == b'-'
            && digits(5..7)
            && w[7] == b'-'
            && digits(8..10)
            && w[10] == b'T'
            && digits(11..13)
            && w[13] == b':'
            && digits(14..16))
        .then(|| &text[i..i + 16])
    })
}

/// The PDF of a bundled case at its last event, as pdftotext reads it, page by page.
fn pages_of(case: &str) -> Vec<String> {
    pages_at(case, None)
}

/// The PDF of a bundled case at `at` (ISO; the last event without), page by page.
fn pages_at(case: &str, at: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("h.pdf");
    let path = common::root().join(case);
    let mut args = vec![
        "report",
        path.to_str().unwrap(),
        "--author",
        "Dr Lee",
        "-o",
        pdf.to_str().unwrap(),
    ];
    if let Some(at) = at {
        args.extend(["--at", at]);
    }
    let (ok, _, err) = run(&args);
    assert!(ok, "{err}");
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("this test needs `pdftotext`: apt-get install poppler-utils");
    String::from_utf8_lossy(&text.stdout)
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn the_bypass_handover_has_the_perfusionists_numbers_and_no_iso_time() {
    let pages = pages_of("tests/cases/bypass-resistance.ron");
    let all = pages.join(" ");
    assert!(
        all.contains("Additional heparin to the target ACT: 8,727 units (109 units/kg)"),
        "{all}"
    );
    assert!(all.contains("Protamine estimate: 240 mg"), "{all}");
    assert!(all.contains("ACT: baseline 130 s · now 420 s · target 480 s"), "{all}");
    assert_eq!(has_iso_time(&all), None, "{all}");
    assert!(
        all.contains("as of 1 Jun 2024 08:20"),
        "the footer's as-of time, dated: {all}"
    );
}

/// Every replay time of two cases: the sheet's length varies with the time, so some put the signature
/// heading at the foot of a page (the review found it orphaned there).
#[test]
fn the_signatures_are_on_the_page_of_their_heading_and_a_hold_says_when_to_restart() {
    for case in ["assets/cases/cmaj-2019-ecmo.ron", "tests/cases/hit-suspected.ron"] {
        let times: Vec<String> = common::load(case)
            .case
            .events
            .iter()
            .map(|e| e.time.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for at in &times {
            let pages = pages_at(case, Some(at));
            let heading = pages
                .iter()
                .position(|p| p.contains("Checked and signed"))
                .unwrap_or_else(|| panic!("{case} at {at}: no signature heading"));
            assert!(
                pages[heading].contains("Prescriber (name, signature)") && pages[heading].contains("Second checker"),
                "{case} at {at}: page {} — {}",
                heading + 1,
                pages[heading]
            );
            assert_eq!(has_iso_time(&pages.join(" ")), None, "{case} at {at}");
        }
    }
    let hold = pages_of("tests/cases/coagulopathy-discordance.ron").join(" ");
    assert!(hold.contains("Hold heparin 60 min (restart at 15:10)"), "{hold}");
}
