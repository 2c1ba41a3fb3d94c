#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Labs from the hospital's systems (issue 32): the sample HL7 v2 messages and FHIR R4 bundles of
//! `tests/data/labs` (its README gives each file's expected outcome) through the shipped code map — the
//! teaching case built from three HL7 files equals the one built from CSV; the preview tells new,
//! duplicate, conflicting, amended, cancelled and refused rows apart; a wrong patient and an unknown code
//! are refused; the command line writes new cases only.

use std::path::{Path, PathBuf};

use anticoag_planner::io::import_preview::{ImportPreview, Verdict};
use anticoag_planner::io::labs::codes::LabCodeMap;
use anticoag_planner::io::labs::{LabFileError, LabFormat, apply_import, check_patient, read_lab_file};
use anticoag_planner::model::{Case, ClinicalTime, Stamp, Zone};

use crate::cli::run;
use crate::common;

fn data(name: &str) -> PathBuf {
    common::root().join("tests/data/labs").join(name)
}

fn utc() -> Zone {
    Zone::named("UTC").unwrap()
}

/// A lab file of the test data read and previewed against a case, the case's protocol's limits applied.
fn preview(case: &Case, name: &str) -> ImportPreview {
    let format = if name.ends_with(".json") {
        LabFormat::Fhir
    } else {
        LabFormat::Hl7
    };
    let text = std::fs::read_to_string(data(name)).unwrap();
    let file = read_lab_file(&text, format, name, case.time_zone).unwrap();
    check_patient(case, &file).unwrap();
    let map = LabCodeMap::shipped().unwrap();
    let now = ClinicalTime::constant(2026, 12, 6, 12, 0);
    anticoag_planner::io::labs::preview_for_case(case, &file, &map, now)
}

/// A case of the generic files' patient (MRN 123456, UTC), starting on 14 Mar 2026.
fn jane_doe() -> Case {
    let loaded =
        anticoag_planner::io::load_case(&common::root().join("assets/cases/cmaj-2019-ecmo.ron"), utc()).unwrap();
    let mut case = loaded.case;
    case.events.clear();
    case.teaching = false;
    case.case_start = ClinicalTime::constant(2026, 3, 14, 0, 0);
    case.patient.weight.measured_at = case.case_start;
    case.identity.mrn = Some("123456".to_owned());
    case
}

fn verdicts(p: &ImportPreview) -> Vec<String> {
    p.rows
        .iter()
        .map(|r| format!("{} {}", r.verdict.word(), r.label))
        .collect()
}

#[test]
fn the_teaching_case_built_from_three_hl7_files_equals_the_one_built_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    // The 22 lab results of the CMAJ case, as CSV rows.
    let cmaj = anticoag_planner::io::load_case(&common::root().join("assets/cases/cmaj-2019-ecmo.ron"), utc()).unwrap();
    let mut csv = String::from("time,kind,value,unit\n");
    for e in cmaj.case.events.iter().filter(|e| e.kind.lab().is_some()) {
        let (code, value, unit) = anticoag_planner::model::event_fields(e.kind);
        csv.push_str(&format!("{},{},{value},{unit}\n", e.time, code.code()));
    }
    assert_eq!(csv.lines().count(), 23, "{csv}");
    let csv_path = dir.path().join("labs.csv");
    std::fs::write(&csv_path, &csv).unwrap();
    let flags = [
        "--weight-kg",
        "90.9",
        "--setting",
        "ecmo_vv",
        "--baseline-aptt",
        "29",
        "--time-zone",
        "UTC",
    ];
    let from_csv = dir.path().join("from-csv.ron");
    let (ok, _, err) = run(&[
        &["import", csv_path.to_str().unwrap(), "-o", from_csv.to_str().unwrap()][..],
        &flags,
    ]
    .concat());
    assert!(ok, "{err}");
    // The first HL7 file makes the case (the command line writes new cases only)…
    let from_hl7 = dir.path().join("from-hl7.ron");
    let first = data("cmaj-2019-1-days0-4.hl7");
    let (ok, out, err) = run(&[
        &[
            "import",
            "--from",
            "hl7",
            first.to_str().unwrap(),
            "-o",
            from_hl7.to_str().unwrap(),
        ][..],
        &flags,
    ]
    .concat());
    assert!(ok, "{err}");
    assert!(out.contains("7 new"), "{out}");
    // …the next two are added as the window adds them: previewed, then applied.
    let mut case = anticoag_planner::io::load_case(&from_hl7, utc()).unwrap().case;
    assert_eq!(case.identity.mrn.as_deref(), Some("900001"), "the MRN comes from PID-3");
    for name in ["cmaj-2019-2-day5.hl7", "cmaj-2019-3-days6-11.hl7"] {
        let p = preview(&case, name);
        assert!(p.rows.iter().all(|r| r.verdict == Verdict::New), "{:?}", verdicts(&p));
        apply_import(
            &mut case,
            &p,
            &Stamp::new(ClinicalTime::constant(2026, 12, 6, 12, 0), "RN Test"),
        )
        .unwrap();
    }
    assert!(
        case.events
            .iter()
            .all(|e| e.source.as_deref().is_some_and(|s| s.starts_with("hl7:")))
    );
    anticoag_planner::io::save_case(&from_hl7, &case).unwrap();
    let replay = |p: &Path| {
        let (ok, out, err) = run(&["replay", p.to_str().unwrap(), "--format", "json"]);
        assert!(ok, "{err}");
        out
    };
    assert_eq!(replay(&from_hl7), replay(&from_csv), "the same replay JSON");
}

#[test]
fn the_preview_shows_duplicates_conflicts_corrections_and_cancellations() {
    let stamp = Stamp::new(ClinicalTime::constant(2026, 12, 6, 12, 0), "RN Test");
    let mut case = jane_doe();
    let p = preview(&case, "corrected-1-final.hl7");
    assert_eq!(p.rows[0].verdict, Verdict::New);
    apply_import(&mut case, &p, &stamp).unwrap();
    // The same file again: a duplicate.
    let again = preview(&case, "corrected-1-final.hl7");
    assert_eq!(again.rows[0].verdict, Verdict::Duplicate, "{:?}", verdicts(&again));
    // The correction replaces the 0.92 from the same source.
    let c = preview(&case, "corrected-2-correction.hl7");
    assert!(
        matches!(&c.rows[0].verdict, Verdict::Amended { replaces: Some(_), was } if was.contains("0.92")),
        "{:?}",
        verdicts(&c)
    );
    apply_import(&mut case, &c, &stamp).unwrap();
    let xa: Vec<String> = case.events.iter().map(|e| e.kind.describe()).collect();
    assert_eq!(xa, ["anti-Xa 0.29 units/mL"], "one event, corrected");
    let trail = case.audit.last().unwrap();
    assert!(trail.detail.contains("corrected by the laboratory"), "{trail:?}");
    // Both messages in one file: one event, shown as a correction of 0.92.
    let both = preview(&jane_doe(), "corrected.hl7");
    assert!(
        verdicts(&both).iter().any(|v| v.starts_with("amended")),
        "{:?}",
        verdicts(&both)
    );
    assert_eq!(both.new_events().len(), 1);
    // A typed result at the same minute with another value: conflicting, the typed one kept.
    let mut typed = jane_doe();
    typed.events.push(anticoag_planner::model::Event::new(
        ClinicalTime::constant(2026, 3, 14, 10, 0),
        anticoag_planner::io::event_kind_from_fields("anti_xa", 0.5, "units/mL").unwrap(),
    ));
    let conflict = preview(&typed, "corrected-1-final.hl7");
    assert!(
        matches!(conflict.rows[0].verdict, Verdict::Conflicting { .. }),
        "{:?}",
        verdicts(&conflict)
    );
    // Cancelled by the laboratory: the earlier imported platelet count is deleted with the reason; the
    // fibrinogen that never came is listed and skipped.
    let mut case = jane_doe();
    let first = preview(&case, "cancelled-1-final.hl7");
    apply_import(&mut case, &first, &stamp).unwrap();
    assert_eq!(case.events.len(), 1);
    let d = preview(&case, "cancelled-2-delete.hl7");
    assert!(
        matches!(d.rows[0].verdict, Verdict::Cancels { .. }),
        "{:?}",
        verdicts(&d)
    );
    assert!(
        matches!(&d.rows[1].verdict, Verdict::Skipped(why) if why.contains("no earlier result")),
        "{:?}",
        verdicts(&d)
    );
    apply_import(&mut case, &d, &stamp).unwrap();
    assert!(case.events.is_empty());
    assert_eq!(case.deleted[0].reason, "cancelled by the laboratory");
}

#[test]
fn a_wrong_patient_and_an_unknown_code_are_refused() {
    let case = jane_doe();
    let text = std::fs::read_to_string(data("wrong-patient.hl7")).unwrap();
    let file = read_lab_file(&text, LabFormat::Hl7, "wrong-patient.hl7", utc()).unwrap();
    let err = check_patient(&case, &file).unwrap_err().to_string();
    assert!(
        err.contains("654321") && err.contains("123456"),
        "both identifiers shown: {err}"
    );
    let text = std::fs::read_to_string(data("two-patients.hl7")).unwrap();
    assert!(matches!(
        read_lab_file(&text, LabFormat::Hl7, "two-patients.hl7", utc()),
        Err(LabFileError::SeveralPatients { .. })
    ));
    let fhir = std::fs::read_to_string(data("fhir-bundle-two-patients.json")).unwrap();
    assert!(read_lab_file(&fhir, LabFormat::Fhir, "two.json", utc()).is_err());
    let p = preview(&case, "unknown-code.hl7");
    let v = verdicts(&p);
    assert!(v[0].starts_with("new"), "{v:?}");
    assert!(
        v[1].contains("refused") || matches!(p.rows[1].verdict, Verdict::Refused(_)),
        "{v:?}"
    );
    let why = |i: usize| match &p.rows[i].verdict {
        Verdict::Refused(why) => why.clone(),
        other => format!("{other:?}"),
    };
    assert!(why(1).contains("unknown code 2951-2"), "{}", why(1));
    assert!(why(2).contains("unknown code ZZTEGR"), "{}", why(2));
    assert!(
        why(3).contains("63561-5"),
        "a ratio, refused with the map's reason: {}",
        why(3)
    );
    assert!(
        why(5).contains("unknown code"),
        "a bare code is not assumed LOINC: {}",
        why(5)
    );
    // Not final, units, values.
    let p = preview(&case, "preliminary.hl7");
    assert!(
        p.rows
            .iter()
            .any(|r| matches!(&r.verdict, Verdict::Refused(w) if w.starts_with("not final")))
    );
    assert_eq!(p.new_events().len(), 1);
    let p = preview(&case, "wrong-unit.hl7");
    assert!(
        p.rows.iter().all(|r| matches!(r.verdict, Verdict::Refused(_))),
        "{:?}",
        verdicts(&p)
    );
    let p = preview(&case, "edge-values.hl7");
    let v = verdicts(&p);
    assert!(v[0].starts_with("new"), "<0.10 is a result below the limit: {v:?}");
    for i in 1..6 {
        assert!(matches!(p.rows[i].verdict, Verdict::Refused(_)), "row {i}: {v:?}");
    }
    // Both unit systems: every mapped code, all new, converted by the app's own conversions.
    let p = preview(&case, "units-both-systems.hl7");
    assert_eq!(p.new_events().len(), 31, "{:?}", verdicts(&p));
    let described: Vec<String> = p.new_events().iter().map(|e| e.kind.describe()).collect();
    assert!(described.iter().any(|d| d == "fibrinogen 1.8 g/L"), "{described:?}");
    assert!(described.iter().any(|d| d == "antithrombin 72%"), "{described:?}");
}

#[test]
fn fhir_bundles_and_single_observations_are_read_with_their_statuses() {
    let stamp = Stamp::new(ClinicalTime::constant(2026, 12, 6, 12, 0), "RN Test");
    let mut case = jane_doe();
    let p = preview(&case, "fhir-bundle-collection.json");
    let v: Vec<String> = p.rows.iter().map(|r| format!("{:?} {}", r.verdict, r.label)).collect();
    assert_eq!((p.counts().new, p.counts().amended), (6, 1), "{v:?}");
    assert_eq!(
        p.new_events().len(),
        7,
        "the amended platelets with nothing to replace are added: {v:?}"
    );
    assert!(
        p.rows
            .iter()
            .any(|r| matches!(&r.verdict, Verdict::Skipped(w) if w.contains("no earlier result"))),
        "{v:?}"
    );
    // Times with an offset are instants: 07:10+01:00 is 06:10 on the case's UTC clock.
    assert_eq!(p.rows[0].time, Some(ClinicalTime::constant(2026, 3, 14, 6, 10)));
    assert!(
        p.rows
            .iter()
            .any(|r| matches!(&r.verdict, Verdict::Refused(w) if w.contains("offset"))),
        "{v:?}"
    );
    assert!(
        p.rows
            .iter()
            .any(|r| matches!(&r.verdict, Verdict::Refused(w) if w.contains("2951-2"))),
        "{v:?}"
    );
    apply_import(&mut case, &p, &stamp).unwrap();
    let single = preview(&case, "fhir-observation-single.json");
    assert!(
        matches!(&single.rows[0].verdict, Verdict::Amended { replaces: Some(_), .. }),
        "{:?}",
        verdicts(&single)
    );
    let wrong = std::fs::read_to_string(data("fhir-bundle-searchset-wrong-patient.json")).unwrap();
    let file = read_lab_file(&wrong, LabFormat::Fhir, "wrong.json", utc()).unwrap();
    assert!(check_patient(&case, &file).is_err());
}

#[test]
fn the_command_line_imports_hl7_and_fhir_into_new_cases_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new.ron");
    let import = |from: &str, input: &Path, output: &Path| {
        run(&[
            "import",
            "--from",
            from,
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--weight-kg",
            "80",
            "--setting",
            "icu",
            "--time-zone",
            "UTC",
        ])
    };
    let file = data("wrong-patient.hl7");
    let (ok, text, err) = import("hl7", &file, &out);
    assert!(ok, "{err}");
    assert!(text.contains("2 new"), "{text}");
    let case = anticoag_planner::io::load_case(&out, utc()).unwrap().case;
    assert_eq!(case.identity.mrn.as_deref(), Some("654321"));
    assert_eq!(
        case.case_start,
        ClinicalTime::constant(2026, 3, 14, 16, 0),
        "the earliest result"
    );
    // Never over an existing file without --force.
    let (ok, _, err) = import("hl7", &file, &out);
    assert!(!ok && err.contains("--force"), "{err}");
    let two = data("two-patients.hl7");
    let other = dir.path().join("two.ron");
    let (ok, _, err) = import("hl7", &two, &other);
    assert!(!ok && err.contains("more than one patient"), "{err}");
    let fhir = data("fhir-bundle-collection.json");
    let third = dir.path().join("fhir.ron");
    let (ok, text, err) = import("fhir", &fhir, &third);
    assert!(ok, "{err}");
    assert!(
        text.contains("refused") && text.contains("2951-2"),
        "refused rows listed: {text}"
    );
}

/// The review of issue 32: a message without a patient among messages with one, an identifier that is
/// not an MRN, and a FHIR result of another Patient resource are refused; a correction says so on the
/// event; an amendment listed before its original stands.
#[test]
fn the_patient_checks_have_no_gaps_and_corrections_keep_their_trail() {
    let hl7 = |segments: &[&str]| segments.join("\r");
    let msh = |id: &str| format!("MSH|^~\\&|LIS|HOSP|APP|ICU|202603141040||ORU^R01|{id}|P|2.5");
    let obx = "OBX|1|NM|777-3^Platelets^LN|1|30|10*9/L|||||F|||202603141000";
    let text = hl7(&[
        &msh("A1"),
        "PID|1||555000^^^HOSP^MR",
        "OBR|1||F1",
        obx,
        &msh("A2"),
        "OBR|1||F2",
        obx,
    ]);
    let err = read_lab_file(&text, LabFormat::Hl7, "nopid.hl7", utc())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no patient identifier"), "{err}");
    // An identifier that is not an MRN cannot be checked against one.
    let text = hl7(&[&msh("B1"), "PID|1||555000^^^HOSP^PI", "OBR|1||F1", obx]);
    let file = read_lab_file(&text, LabFormat::Hl7, "pi.hl7", utc()).unwrap();
    let mut case = jane_doe();
    case.identity.mrn = Some("555000".to_owned());
    let err = check_patient(&case, &file).unwrap_err().to_string();
    assert!(err.contains("not an MRN"), "{err}");
    // Two MR numbers of one patient: either matches.
    let text = hl7(&[&msh("C1"), "PID|1||555000^^^HOSP^MR~777000^^^HOSP^MR", "OBR|1||F1", obx]);
    let file = read_lab_file(&text, LabFormat::Hl7, "two-mr.hl7", utc()).unwrap();
    case.identity.mrn = Some("777000".to_owned());
    assert!(check_patient(&case, &file).is_ok());
    // FHIR: an Observation of another Patient resource than the bundle's.
    let bundle = std::fs::read_to_string(data("fhir-bundle-collection.json"))
        .unwrap()
        .replacen("\"reference\": \"Patient/pat-1\"", "\"reference\": \"Patient/zzz\"", 1);
    let err = read_lab_file(&bundle, LabFormat::Fhir, "other.json", utc())
        .unwrap_err()
        .to_string();
    assert!(err.contains("Patient/zzz"), "{err}");
    // The same id on another server, and no subject at all, are not the file's patient either (the
    // second review).
    let original = std::fs::read_to_string(data("fhir-bundle-collection.json")).unwrap();
    for (replaced, by) in [
        (
            "\"reference\": \"Patient/pat-1\"",
            "\"reference\": \"http://other.example.org/fhir/Patient/pat-1\"",
        ),
        (
            "\"subject\": {\n          \"reference\": \"Patient/pat-1\"\n        },",
            "",
        ),
    ] {
        assert!(original.contains(replaced), "{replaced}");
        let edited = original.replacen(replaced, by, 1);
        assert!(
            read_lab_file(&edited, LabFormat::Fhir, "edited.json", utc()).is_err(),
            "{replaced}"
        );
    }
    // The correction names what it corrected on the event and in the trail.
    let both = preview(&jane_doe(), "corrected.hl7");
    let corrected: Vec<_> = both.new_events();
    assert_eq!(
        corrected[0].note.as_deref(),
        Some("corrected by the laboratory (was anti-Xa 0.92 units/mL)")
    );
    let mut case = jane_doe();
    let stamp = Stamp::new(ClinicalTime::constant(2026, 12, 6, 12, 0), "RN Test");
    let detail = apply_import(&mut case, &both, &stamp).unwrap();
    assert!(detail.contains("was anti-Xa 0.92"), "{detail}");
    // The amendment before its original in one file: the amendment stands, the original is skipped.
    let text = std::fs::read_to_string(data("corrected.hl7")).unwrap();
    let (first, second) = text.split_at(
        text.find("MSH|^~\\&|LIS|HOSP_LAB|ANTICOAG_PLANNER|ICU|202603141130")
            .unwrap(),
    );
    let reversed = format!("{second}{first}");
    let file = read_lab_file(&reversed, LabFormat::Hl7, "reversed.hl7", utc()).unwrap();
    let map = LabCodeMap::shipped().unwrap();
    let p = anticoag_planner::io::labs::preview_for_case(
        &jane_doe(),
        &file,
        &map,
        ClinicalTime::constant(2026, 12, 6, 12, 0),
    );
    assert_eq!(p.new_events().len(), 1, "{:?}", verdicts(&p));
    assert_eq!(p.new_events()[0].kind.describe(), "anti-Xa 0.29 units/mL");
}

/// Found by the HL7 fuzz target: a time with a multi-byte character where its digits should be panicked
/// (a byte slice inside the character). It is refused now, with the reason.
#[test]
fn an_hl7_time_with_a_multibyte_character_is_refused_not_a_panic() {
    let text = "MSH|^~\\&|LIS|HOSP|APP|ICU|202603141040||ORU^R01|M1|P|2.5\rPID|1||123456^^^HOSP^MR\r\
                OBR|1||F1|||202603141000\rOBX|1|NM|777-3^Platelets^LN|1|30|10*9/L|||||F|||2026031×1000";
    let file = read_lab_file(text, LabFormat::Hl7, "multibyte.hl7", utc()).unwrap();
    let why = file.results[0].time.clone().unwrap_err();
    assert!(why.contains("YYYYMMDDHHMM"), "{why}");
}
