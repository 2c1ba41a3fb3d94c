#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

use anticoag_planner::analysis::{Analysis, Detail, FindingCode};
use anticoag_planner::io::{LoadedCase, load_case};
use anticoag_planner::model::ClinicalTime;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn load(relative: &str) -> LoadedCase {
    let path = root().join(relative);
    load_case(&path, anticoag_planner::model::Zone::UTC).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn t(text: &str) -> ClinicalTime {
    ClinicalTime::parse_in(text, anticoag_planner::model::Zone::UTC).unwrap_or_else(|e| panic!("{e}"))
}

/// The replay step at exactly `time`.
pub fn step_at(steps: &[Analysis], time: &str) -> Analysis {
    let at = t(time);
    steps
        .iter()
        .find(|a| a.as_of == at)
        .cloned()
        .unwrap_or_else(|| panic!("no replay step at {time}"))
}

pub fn replay_of(relative: &str) -> Vec<Analysis> {
    let loaded = load(relative);
    loaded
        .engine()
        .replay(&loaded.case, Detail::Explained)
        .collect::<Vec<_>>()
}

pub fn codes(a: &Analysis) -> Vec<FindingCode> {
    a.findings.iter().map(|f| f.code).collect()
}

pub fn all_text(a: &Analysis) -> String {
    let r = &a.recommendation;
    [
        r.rationale.join("\n"),
        r.alternatives.join("\n"),
        r.caveats.join("\n"),
        r.target.clone(),
    ]
    .join("\n")
}

pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_anticoag-planner"))
}

/// The text of a PDF as pdftotext reads it, its whitespace runs made single spaces (a wrapped line reads as
/// one). Fails with the package's name when pdftotext is missing.
pub fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("this test needs `pdftotext`: apt-get install poppler-utils ({e})"));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A uniform draw in (0, 1) from a seeded generator (the forecast's simulations).
pub fn uniform(rng: &mut proptest::test_runner::TestRng) -> f64 {
    use proptest::prelude::Rng;
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// A standard normal draw (Box–Muller) from a seeded generator.
pub fn normal(rng: &mut proptest::test_runner::TestRng) -> f64 {
    let (u1, u2) = (uniform(rng), uniform(rng));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
