#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The setting as a fact over time, with one protocol per setting (issue 23, case format 7): the bundled
//! ICU → bypass → ICU course replays through its changes, each analysis reading the setting, the protocol
//! and the facts in effect at its time; CSV rows set the setting; `--setting` may be left out when the first
//! row at the case start is a setting row, and a flag that disagrees with such a row is refused.

use anticoag_planner::analysis::Detail;
use anticoag_planner::model::{Rrt, Setting};

use crate::cli::run;
use crate::common::{self, t};

#[test]
fn the_teaching_course_reads_the_setting_and_protocol_in_effect_at_each_time() {
    let loaded = common::load("tests/cases/icu-bypass-icu.ron");
    assert!(loaded.case.teaching);
    let engine = loaded.engine();
    let at = |time: &str| engine.analyze(&loaded.case, t(time), Detail::Explained);

    // Day 1 in ICU: the ICU protocol, its nomogram; no bypass assessment.
    let icu = at("2024-07-01T06:30");
    assert_eq!(icu.setting, Setting::Icu);
    assert_eq!(icu.protocol.name, "adult-icu");
    assert!(icu.cpb.is_none());
    assert_eq!(icu.patient.facts.setting.since, loaded.case.case_start);

    // On bypass: the bypass protocol and its branch; 400 units/kg gave an ACT of 520 s.
    let cpb = at("2024-07-01T08:10");
    assert_eq!(cpb.setting, Setting::Cpb);
    assert_eq!(cpb.protocol.name, "adult-cpb");
    assert!(cpb.cpb.is_some(), "the perfusionist's branch runs on bypass");
    assert_eq!(cpb.patient.facts.setting.since, t("2024-07-01T08:00"));
    assert_ne!(
        cpb.recommendation.action.code(),
        "cpb_additional_heparin",
        "an ACT of 520 s is adequate: {}",
        cpb.recommendation.headline()
    );

    // Back in ICU, before CRRT: the ICU protocol again, no renal replacement yet.
    let back = at("2024-07-01T18:00");
    assert_eq!(back.setting, Setting::Icu);
    assert_eq!(back.protocol.name, "adult-icu");
    assert!(back.cpb.is_none());
    assert_eq!(back.patient.facts.setting.since, t("2024-07-01T12:00"));
    assert_eq!(back.patient.facts.rrt.value, Rrt::None);

    // Day 3: CRRT since day 2, CrCl 20; an anti-Xa of 0.18 on 12 units/kg/h is below the target: more heparin.
    let day3 = at("2024-07-03T18:00");
    assert_eq!(day3.protocol.name, "adult-icu");
    assert_eq!(day3.patient.facts.rrt.value, Rrt::Crrt);
    assert_eq!(day3.patient.facts.rrt.since, t("2024-07-02T06:00"));
    assert_eq!(day3.patient.facts.crcl_ml_per_min.value, Some(20.0));
    let rate = day3
        .recommendation
        .rate
        .as_ref()
        .and_then(|r| r.heparin())
        .map(|r| r.value())
        .unwrap_or_else(|| panic!("a heparin rate: {}", day3.recommendation.headline()));
    assert!(rate > 12.0, "the nomogram raises 12 units/kg/h: {rate}");

    // The replay walks through every change, one protocol per setting.
    let protocols: Vec<String> = engine
        .replay(&loaded.case, Detail::Decision)
        .map(|a| a.protocol.name)
        .collect();
    assert!(protocols.iter().any(|p| p == "adult-cpb") && protocols.last().is_some_and(|p| p == "adult-icu"));
}

const COURSE: &str = "time,kind,value,unit,note
2026-10-01T06:00,setting,icu,,
2026-10-01T06:00,aptt,30,s,
2026-10-01T06:00,platelets,220,10^9/L,
2026-10-01T07:00,setting,cpb,,theatre
2026-10-01T07:05,ufh_bolus,32000,units,400 units/kg
2026-10-01T07:10,act,520,s,
2026-10-01T10:00,setting,icu,,
2026-10-01T16:00,aptt,32,s,
";

#[test]
fn a_csv_course_changes_setting_and_protocol_by_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("course.csv");
    std::fs::write(&csv, COURSE).unwrap();
    let csv = csv.to_str().unwrap();
    // No --setting: the first row at the case start is a setting row. A 32,000-unit bolus is refused in ICU
    // (≥ 40,000 only) but warned above 10,000: on bypass it is checked by the bypass protocol, no warning.
    let (ok, out, err) = run(&[
        "analyze",
        csv,
        "--weight-kg",
        "80",
        "--format",
        "json",
        "--at",
        "2026-10-01T07:10",
    ]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["setting"], "cpb");
    assert_eq!(json["protocol"]["name"], "adult-cpb");
    assert_eq!(json["patient"]["facts"]["setting"]["since"], "2026-10-01T07:00+00:00");
    assert!(
        json["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("the catalogue's default for it, adult-cpb, is used")),
        "a setting the case names no protocol for says so: {}",
        json["warnings"]
    );
    assert!(
        !json["warnings"].to_string().contains("10,000"),
        "the bypass bolus is checked by the bypass limits: {}",
        json["warnings"]
    );
    let (ok, out, err) = run(&["analyze", csv, "--weight-kg", "80", "--format", "json"]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["setting"], "icu");
    assert_eq!(json["protocol"]["name"], "adult-icu");

    // A flag that disagrees with the setting row at the case start is refused; one that agrees is taken.
    let (ok, _, err) = run(&["analyze", csv, "--weight-kg", "80", "--setting", "ecmo_vv"]);
    assert!(!ok && err.contains("--setting disagrees"), "{err}");
    let (ok, _, err) = run(&["analyze", csv, "--weight-kg", "80", "--setting", "icu"]);
    assert!(ok, "{err}");
    // --protocol names the protocol of the setting --setting gives, so it needs it.
    let (ok, _, err) = run(&["analyze", csv, "--weight-kg", "80", "--protocol", "adult-icu"]);
    assert!(!ok && err.contains("--protocol needs --setting"), "{err}");

    // Without a setting row first, --setting is required.
    let without = dir.path().join("without.csv");
    std::fs::write(&without, COURSE.replace("2026-10-01T06:00,setting,icu,,\n", "")).unwrap();
    let (ok, _, err) = run(&["analyze", without.to_str().unwrap(), "--weight-kg", "80"]);
    assert!(!ok && err.contains("--setting is required"), "{err}");

    // Imported, the case names the start setting's protocol and keeps the setting rows.
    let case = dir.path().join("course.ron");
    let (ok, out, err) = run(&["import", csv, "--output", case.to_str().unwrap(), "--weight-kg", "80"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("adult-icu for icu") && out.contains("adult-cpb for cpb (the catalogue's default)"),
        "{out}"
    );
    let text = std::fs::read_to_string(&case).unwrap();
    let saved =
        anticoag_planner::io::parse_case(&text, "course.ron", None, anticoag_planner::model::Zone::UTC).unwrap();
    assert_eq!(
        saved.case.protocols.iter().collect::<Vec<_>>(),
        [(&Setting::Icu, &"adult-icu".to_owned())],
        "a catalogue default is said, not written: {text}"
    );
    assert!(text.contains("SettingFrom(cpb)"), "{text}");
}

#[test]
fn a_setting_row_refuses_a_word_that_is_no_setting() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "time,kind,value,unit\n2026-10-01T06:00,setting,theatre,\n").unwrap();
    let (ok, _, err) = run(&[
        "analyze",
        csv.to_str().unwrap(),
        "--weight-kg",
        "80",
        "--setting",
        "icu",
    ]);
    assert!(
        !ok && err.contains("line 2") && err.contains("icu, ecmo_vv, ecmo_va, cpb"),
        "{err}"
    );
}
