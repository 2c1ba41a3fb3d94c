#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Inputs recorded before the rules that use them (issue 23, case format 6): triglycerides, CRP, the oral
//! anticoagulants, the low-molecular-weight heparins, fondaparinux, the end of surgery, HIT assay results
//! and circuit changes round-trip CSV → case file → JSON; those no rule reads yet are said to be "recorded, not used by the
//! algorithm yet" at any later time.

use crate::cli::run;

const CSV: &str = "time,kind,value,unit,note
2026-10-01T06:00,apixaban,5,mg,taken at home the evening before
2026-10-01T06:10,rivaroxaban,20,mg,
2026-10-01T06:15,edoxaban,60,mg,
2026-10-01T06:20,dabigatran,150,mg,
2026-10-01T06:30,enoxaparin,80,mg,
2026-10-01T06:40,dalteparin,5000,units,
2026-10-01T06:45,tinzaparin,14000,IU,
2026-10-01T06:50,fondaparinux,7.5,mg,
2026-10-01T07:00,triglycerides,4.5,mmol/L,propofol
2026-10-01T07:00,crp,18,mg/dL,
2026-10-01T07:10,surgery_end,high,,sternotomy closed
2026-10-01T07:20,hit_immunoassay,positive,,OD 1.8
2026-10-01T07:25,hit_functional_assay,negative,,
2026-10-01T07:30,circuit_change,oxygenator,,
2026-10-01T07:30,aptt,30,s,
2026-10-01T08:00,ufh_infusion,18,units/kg/h,
2026-10-01T14:00,anti_xa,0.35,units/mL,
";

#[test]
fn each_new_input_round_trips_and_is_said_to_be_recorded_only() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("inputs.csv");
    std::fs::write(&csv, CSV).unwrap();
    let case = dir.path().join("inputs.ron");
    let flags = ["--weight-kg", "80", "--setting", "icu", "--baseline-aptt", "30"];
    let (ok, _, err) = run(&[
        &["import", &csv.to_string_lossy(), "-o", &case.to_string_lossy()][..],
        &flags,
    ]
    .concat());
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&case).unwrap();
    for stored in [
        "OtherAnticoagulant(Apixaban, Milligrams(5.0))",
        "OtherAnticoagulant(Tinzaparin, Units(14000.0))",
        "OtherAnticoagulant(Fondaparinux, Milligrams(7.5))",
        "Crp(180.0)",
        "SurgeryEnd(high)",
        "HitImmunoassay(positive)",
        "CircuitChange(oxygenator)",
        "version: 8,",
    ] {
        assert!(text.contains(stored), "{stored} not in\n{text}");
    }
    // At a later time, from the case file: each listed, in its unit, as recorded only — the newest ten,
    // the older ones counted.
    let warnings_at = |at: &str| -> Vec<String> {
        let (ok, out, err) = run(&["analyze", &case.to_string_lossy(), "--at", at, "--format", "json"]);
        assert!(ok, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|w| w.as_str().map(str::to_owned))
            .collect()
    };
    let said = |warnings: &[String], what: &str| {
        warnings
            .iter()
            .any(|w| w.starts_with(what) && w.ends_with("recorded, not used by the algorithm yet"))
    };
    let before_the_labs = warnings_at("2026-10-01T06:55");
    for what in [
        "apixaban 5 mg at 2026-10-01T06:00",
        "rivaroxaban 20 mg at",
        "edoxaban 60 mg at",
        "dabigatran 150 mg at",
        "enoxaparin 80 mg at",
        "dalteparin 5,000 units at",
        "tinzaparin 14,000 units at",
        "fondaparinux 7.5 mg at",
    ] {
        // Issue 25 reads the other anticoagulants (clinical reference §14.5).
        assert!(
            !said(&before_the_labs, what),
            "{what} is used now: {before_the_labs:#?}"
        );
    }
    let later = warnings_at("2026-10-01T20:00");
    for what in [
        "C-reactive protein 180 mg/L at",
        "circuit change: oxygenator at 2026-10-01T07:30",
    ] {
        assert!(said(&later, what), "{what}: {later:#?}");
    }
    // Issue 24 reads the end of surgery and the HIT assays (§14.1, §14.3); issue 25 the triglycerides (§14.5).
    for used in [
        "end of surgery",
        "HIT immunoassay",
        "HIT functional assay",
        "triglycerides",
    ] {
        assert!(!said(&later, used), "{used} is used now: {later:#?}");
    }
    // A word a kind does not take, or a unit with a word, is refused by name.
    std::fs::write(&csv, "time,kind,value,unit\n2026-10-01T06:00,circuit_change,filter,\n").unwrap();
    let (ok, _, err) = run(&[&["analyze", &csv.to_string_lossy()][..], &flags].concat());
    assert!(
        !ok && err.contains("'filter' is not a value of circuit_change: write one of oxygenator, circuit, pump"),
        "{err}"
    );
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T06:00,hit_immunoassay,positive,OD\n",
    )
    .unwrap();
    let (ok, _, err) = run(&[&["analyze", &csv.to_string_lossy()][..], &flags].concat());
    assert!(!ok && err.contains("hit_immunoassay"), "{err}");
    // Wrong units are refused by name.
    std::fs::write(&csv, "time,kind,value,unit\n2026-10-01T06:00,dalteparin,5,mg\n").unwrap();
    let (ok, _, err) = run(&[&["analyze", &csv.to_string_lossy()][..], &flags].concat());
    assert!(!ok && err.contains("dalteparin") && err.contains("units"), "{err}");
}

#[test]
fn a_patient_flag_that_a_fact_row_at_the_start_contradicts_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("facts.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T07:30,rrt,crrt,\n2026-10-01T07:30,aptt,30,s\n2026-10-02T07:30,rrt,none,\n",
    )
    .unwrap();
    let base = [
        "analyze",
        &*csv.to_string_lossy(),
        "--weight-kg",
        "80",
        "--setting",
        "icu",
    ]
    .map(str::to_owned);
    let args = |extra: &[&str]| -> Vec<String> {
        base.iter()
            .cloned()
            .chain(extra.iter().map(|s| (*s).to_owned()))
            .collect()
    };
    let run_with = |extra: &[&str]| {
        let a = args(extra);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        run(&refs)
    };
    let (ok, _, err) = run_with(&["--rrt", "none"]);
    assert!(
        !ok && err.contains("--rrt disagrees with the row 'renal replacement therapy: crrt"),
        "{err}"
    );
    // The same fact once, as the row: accepted; it holds until the next row.
    let (ok, out, err) = run_with(&["--format", "json", "--at", "2026-10-01T12:00"]);
    assert!(ok, "{err}");
    assert!(out.contains("\"value\": \"crrt\""), "{out}");
    let (ok, out, err) = run_with(&["--format", "json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["patient"]["facts"]["rrt"]["value"], "none");
    assert_eq!(v["patient"]["facts"]["rrt"]["since"], "2026-10-02T07:30+00:00");
}

#[test]
fn circuit_changes_and_the_end_of_surgery_are_marked_on_the_plots() {
    use anticoag_planner::analysis::Prepared;
    use anticoag_planner::present::chart::ChartData;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("marks.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T07:30,aptt,30,s\n2026-10-01T08:00,ufh_infusion,18,units/kg/h\n\
         2026-10-01T16:00,circuit_change,oxygenator,\n2026-10-02T02:00,surgery_end,standard,\n2026-10-02T06:00,anti_xa,0.4,units/mL\n",
    )
    .unwrap();
    let case = dir.path().join("marks.ron");
    let (ok, _, err) = run(&[
        "import",
        &csv.to_string_lossy(),
        "-o",
        &case.to_string_lossy(),
        "--weight-kg",
        "80",
        "--setting",
        "ecmo_vv",
    ]);
    assert!(ok, "{err}");
    let loaded = anticoag_planner::io::load_case(&case, anticoag_planner::model::Zone::UTC).unwrap();
    let prepared = Prepared::new(&loaded.case, loaded.start_protocol());
    let as_of = loaded.case.last_event_time().unwrap();
    let data = ChartData::gather(&loaded.case, &prepared, loaded.start_protocol(), as_of);
    let marks: Vec<&str> = data.course_marks.iter().map(|(_, what)| what.as_str()).collect();
    assert_eq!(
        marks,
        ["circuit change: oxygenator", "end of surgery (standard bleeding risk)"]
    );
    // Before the surgery ended, only the circuit change.
    let earlier = ChartData::gather(
        &loaded.case,
        &prepared,
        loaded.start_protocol(),
        as_of.plus_minutes(-5 * 60),
    );
    assert_eq!(earlier.course_marks.len(), 1);
}

#[test]
fn interference_and_confirmed_columns_are_read_by_name_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("flags.csv");
    let flags = ["--weight-kg", "80", "--setting", "icu"];
    std::fs::write(
        &csv,
        "time,kind,value,unit,confirmed,interference,note\n\
         2026-10-01T07:30,aptt,30,s,,,\n\
         2026-10-01T08:00,ufh_infusion,1.5,units/kg/h,yes,,low on purpose: bleeding\n\
         2026-10-01T14:00,anti_xa,0.1,units/mL,,haemolysed,pink serum\n",
    )
    .unwrap();
    let case = dir.path().join("flags.ron");
    let (ok, _, err) = run(&[
        &["import", &csv.to_string_lossy(), "-o", &case.to_string_lossy()][..],
        &flags,
    ]
    .concat());
    assert!(ok, "{err}");
    let loaded = anticoag_planner::io::load_case(&case, anticoag_planner::model::Zone::UTC).unwrap();
    let by_kind = |code: &str| {
        loaded
            .case
            .events
            .iter()
            .find(|e| e.kind.series().code() == code)
            .unwrap()
            .clone()
    };
    assert!(by_kind("ufh_infusion").confirmed);
    assert_eq!(
        by_kind("anti_xa").interference,
        Some(anticoag_planner::model::Interference::Haemolysed)
    );
    assert_eq!(by_kind("anti_xa").note.as_deref(), Some("pink serum"));
    // Audited with the event.
    assert!(
        loaded
            .case
            .audit
            .iter()
            .any(|a| a.subject.contains("anti-Xa 0.1 units/mL (haemolysed)")),
        "{:?}",
        loaded.case.audit
    );
    // Interference on a dose, or a word it does not take, is refused by line.
    for (row, says) in [
        (
            "2026-10-01T08:00,ufh_bolus,5000,units,,icteric,",
            "interference belongs to a lab result",
        ),
        (
            "2026-10-01T08:00,aptt,50,s,,cloudy,",
            "interference 'cloudy' is not one of haemolysed, icteric, lipaemic",
        ),
        ("2026-10-01T08:00,aptt,50,s,maybe,,", "confirmed 'maybe': write yes"),
    ] {
        std::fs::write(
            &csv,
            format!("time,kind,value,unit,confirmed,interference,note\n{row}\n"),
        )
        .unwrap();
        let (ok, _, err) = run(&[&["analyze", &csv.to_string_lossy()][..], &flags].concat());
        assert!(!ok && err.contains(says), "{row}: {err}");
    }
}

/// Found in review: a repeated row made a long-standing fact look new; a CrCl slip raised a dose band;
/// the handover's contingency table offered a bolus after a high-bleeding-risk row.
#[test]
fn review_fixes_for_facts_over_time() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let flags = [
        "--weight-kg",
        "80",
        "--setting",
        "icu",
        "--baseline-aptt",
        "30",
        "--crcl",
        "45",
    ];
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T07:30,aptt,30,s\n2026-10-01T08:00,ufh_infusion,18,units/kg/h\n\
         2026-10-01T09:00,hepatic_impairment,yes,\n2026-10-01T11:00,hepatic_impairment,yes,\n\
         2026-10-01T12:00,crcl,45,mL/min\n2026-10-01T14:00,anti_xa,0.45,units/mL\n",
    )
    .unwrap();
    let (ok, out, err) = run(&[&["analyze", &csv.to_string_lossy(), "--format", "json"][..], &flags].concat());
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let facts = &v["patient"]["facts"];
    assert_eq!(
        facts["hepatic_impairment"]["since"], "2026-10-01T09:00+00:00",
        "a repeat is not a change"
    );
    assert_eq!(
        facts["crcl_ml_per_min"]["since"], "2026-10-01T07:30+00:00",
        "45 from the start, repeated at 12:00"
    );
    // CrCl 500: refused as a row and as a flag.
    std::fs::write(&csv, "time,kind,value,unit\n2026-10-01T07:30,crcl,500,mL/min\n").unwrap();
    let (ok, _, err) = run(&[&["analyze", &csv.to_string_lossy()][..], &flags].concat());
    assert!(!ok && err.contains("CrCl 500 mL/min is above 300 mL/min"), "{err}");
    let (ok, _, err) = run(&[
        "analyze",
        &csv.to_string_lossy(),
        "--weight-kg",
        "80",
        "--setting",
        "icu",
        "--crcl",
        "500",
    ]);
    assert!(!ok && err.contains("--crcl: CrCl 500 mL/min is above 300"), "{err}");
    // The handover's contingency table: no bolus once a high-bleeding-risk row is in effect.
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T07:30,aptt,30,s\n2026-10-01T07:30,platelets,230,10^9/L\n\
         2026-10-01T08:00,ufh_infusion,18,units/kg/h\n2026-10-01T16:00,high_bleeding_risk,yes,\n\
         2026-10-01T20:10,anti_xa,0.23,units/mL\n",
    )
    .unwrap();
    let loaded_case = dir.path().join("r.ron");
    let (ok, _, err) = run(&[
        "import",
        &csv.to_string_lossy(),
        "-o",
        &loaded_case.to_string_lossy(),
        "--weight-kg",
        "80",
        "--setting",
        "icu",
        "--baseline-aptt",
        "30",
    ]);
    assert!(ok, "{err}");
    let loaded = anticoag_planner::io::load_case(&loaded_case, anticoag_planner::model::Zone::UTC).unwrap();
    let prepared = anticoag_planner::analysis::Prepared::new(&loaded.case, loaded.start_protocol());
    let at = loaded.case.last_event_time().unwrap();
    let analysis = anticoag_planner::analysis::analyze_prepared(&loaded.case, &prepared, loaded.start_protocol(), at);
    let printing = anticoag_planner::present::handover::Printing {
        at,
        by: "test",
        app_version: "test",
        marks: &[],
    };
    let sheet = anticoag_planner::present::handover::handover(
        &loaded.case,
        &prepared.timeline,
        loaded.start_protocol(),
        &analysis,
        "p",
        None,
        &printing,
    )
    .unwrap();
    let text = format!("{:?}", sheet.blocks);
    assert!(
        !text.contains("6,400 units"),
        "no bolus in the contingency table: {text}"
    );
    assert!(text.contains("high bleeding risk"), "{text}");
}
