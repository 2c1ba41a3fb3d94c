#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! What is shown to a clinician: every recommendation at every replay time of every bundled case
//! carries its reasoning and at least one source, and every dose or rate it prints follows the
//! display conventions (units written out, no trailing zeros, mcg not µg).

use crate::common;

use anticoag_planner::analysis::Detail;
use anticoag_planner::model::display_convention_problems as convention_problems;
use anticoag_planner::present::report::to_text;

/// Every bundled case: the demo case and the teaching cases.
fn bundled_cases() -> Vec<String> {
    let mut cases = vec!["assets/cases/cmaj-2019-ecmo.ron".to_owned()];
    let dir = common::root().join("tests/cases");
    let mut teaching: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/cases")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| format!("tests/cases/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    teaching.sort();
    assert!(teaching.len() >= 7, "the teaching cases are there: {teaching:?}");
    cases.extend(teaching);
    cases
}

#[test]
fn every_recommendation_in_every_replay_has_reasoning_and_a_source() {
    for case in bundled_cases() {
        let loaded = common::load(&case);
        let steps = loaded
            .engine()
            .replay(&loaded.case, Detail::Explained)
            .collect::<Vec<_>>();
        assert!(!steps.is_empty(), "{case}: replay has steps");
        for a in &steps {
            let r = &a.recommendation;
            assert!(!r.rationale.is_empty(), "{case} at {}: no reasoning", a.as_of);
            assert!(
                r.rationale.iter().all(|l| !l.trim().is_empty()),
                "{case} at {}: an empty reasoning line",
                a.as_of
            );
            assert!(
                r.sources.iter().any(|s| !s.trim().is_empty()),
                "{case} at {}: {} has no source",
                a.as_of,
                r.action.code()
            );
            for step in &a.steps {
                assert!(
                    !step.source.is_empty() || step.status == anticoag_planner::analysis::StepStatus::NotApplicable,
                    "{case} at {}: step {} has no source",
                    a.as_of,
                    step.id.number()
                );
            }
        }
    }
}

#[test]
fn every_plan_text_follows_the_display_conventions() {
    for case in bundled_cases() {
        let loaded = common::load(&case);
        for a in loaded
            .engine()
            .replay(&loaded.case, Detail::Explained)
            .collect::<Vec<_>>()
        {
            let text = to_text(&a);
            let problems = convention_problems(&text);
            assert!(problems.is_empty(), "{case} at {}: {problems:?}\n{text}", a.as_of);
            // A dose or a rate always carries its unit.
            let r = &a.recommendation;
            if let Some(rate) = r.rate {
                assert!(
                    r.headline().contains(rate.unit().symbol()),
                    "{case} at {}: {}",
                    a.as_of,
                    r.headline()
                );
            }
            if r.dose_units.is_some() {
                assert!(
                    r.headline().contains(" units"),
                    "{case} at {}: {}",
                    a.as_of,
                    r.headline()
                );
            }
        }
    }
}
