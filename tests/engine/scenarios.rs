#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The clinical scenario suite: each file under `tests/scenarios/` is a list of scenarios written the
//! way a critical-care pharmacist tests a dosing tool — a patient, a few hours of labs and doses, the
//! time to analyse at, and where the advice must lead. Each scenario names the rule it checks
//! (`clinical-reference.md`, revision 2) and, where it comes from one, the finding of the review that
//! found the defect.
//!
//! A scenario (RON):
//! ```text
//! (
//!     id: "R1-01",                       // unique
//!     rule: "§3 R1 [rev 2]: ...",        // the rule checked (and "finding N" when from the review)
//!     title: "...",                      // the patient in one line
//!     patient: (weight_kg: 150, setting: ecmo_vv),   // overrides of the default patient (below)
//!     events: [                          // CSV rows: time,kind,value,unit[,note[,reason]]
//!         "2026-10-01T07:30,aptt,30,s",
//!         "2026-10-01T08:00,ufh_infusion,18,units/kg/h",
//!     ],
//!     at: Some("2026-10-01T20:30"),      // default: the last event
//!     expect: (
//!         action: "adjust_ufh",          // required: the recommendation's action code
//!         rate: Some((20.5, 20.5)),      // the rate to run, in its unit (inclusive range)
//!         bolus_units: Some(Some((3200, 3200))),   // Some(None): no bolus allowed
//!         findings: ["under_dosing"],    // finding codes that must be present
//!         not_findings: ["suspected_heparin_resistance"],
//!         text: ["3,200 units"],         // must appear in the text report (case-insensitive)
//!     ),
//! )
//! ```
//! The default patient: 80 kg actual weight, adult, ICU, baseline aPTT 30 s, CrCl 90 mL/min, no RRT, no
//! flags, HIT history none, 4Ts items and prior heparin not entered, anti-Xa assay unknown.

use std::collections::BTreeSet;

use anticoag_planner::analysis::Analysis;
use anticoag_planner::analysis::{CaseEngine, Detail};
use anticoag_planner::io::parse_events_csv_in_settings;
use anticoag_planner::model::{
    AgeGroup, AntiXaAssay, Case, Centimetres, ClinicalTime, FourTsPoints, HitHistory, Kilograms, MlPerMin, Patient,
    PriorHeparin, Rrt, Seconds, Setting, Sex, Weight, WeightKind, Zone,
};
use anticoag_planner::present::report::{text_with_iso_times, to_json, to_text};
use anticoag_planner::protocol::Protocol;
use anticoag_planner::protocol::case_protocols::CaseProtocols;
use serde::Deserialize;
use serde_json::Value;

use crate::common;

/// Overrides of the default patient.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ScenarioPatient {
    weight_kg: f64,
    weight_kind: WeightKind,
    setting: Setting,
    age_group: AgeGroup,
    baseline_aptt_s: Option<f64>,
    crcl_ml_min: Option<f64>,
    rrt: Rrt,
    hepatic_impairment: bool,
    high_bleeding_risk: bool,
    pregnant: bool,
    andexanet_exposure: bool,
    heparin_coated_circuit: bool,
    ecmo_low_flow: bool,
    hit_history: HitHistory,
    height_cm: Option<f64>,
    sex: Option<Sex>,
    prior_heparin: Option<PriorHeparin>,
    anti_xa_assay: AntiXaAssay,
    hit_thrombosis: Option<u8>,
    hit_other_causes: Option<u8>,
    /// A protocol other than the setting's own (a name or a path under the crate).
    protocol: Option<String>,
}

impl Default for ScenarioPatient {
    fn default() -> Self {
        Self {
            weight_kg: 80.0,
            weight_kind: WeightKind::Actual,
            setting: Setting::Icu,
            age_group: AgeGroup::Adult,
            baseline_aptt_s: Some(30.0),
            crcl_ml_min: Some(90.0),
            rrt: Rrt::None,
            hepatic_impairment: false,
            high_bleeding_risk: false,
            pregnant: false,
            andexanet_exposure: false,
            heparin_coated_circuit: false,
            ecmo_low_flow: false,
            hit_history: HitHistory::None,
            height_cm: None,
            sex: None,
            prior_heparin: None,
            anti_xa_assay: AntiXaAssay::Unknown,
            hit_thrombosis: None,
            hit_other_causes: None,
            protocol: None,
        }
    }
}

/// An inclusive range of a number.
type Between = (f64, f64);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Expect {
    action: String,
    drug_contains: Option<String>,
    /// The recommendation's rate (in its own unit), and that unit.
    rate: Option<Between>,
    rate_unit: Option<String>,
    /// `Some(None)`: there must be none.
    bolus_units: Option<Option<Between>>,
    dose_units: Option<Option<Between>>,
    pump_ml_per_h: Option<Option<Between>>,
    hold_minutes: Option<Option<Between>>,
    /// No dose, bolus, rate or pump rate at all (a child, a hard limit).
    no_dose: bool,
    findings: Vec<String>,
    not_findings: Vec<String>,
    text: Vec<String>,
    not_text: Vec<String>,
    /// The first item of the monitoring plan names this test.
    first_monitoring: Option<String>,
    /// JSON paths (dot-separated) and the JSON they must hold, e.g. ("recommendation.call_senior", "true").
    json: Vec<(String, String)>,
    /// The events must be refused at import, with a message containing this text (then nothing else
    /// is checked: there is no case to analyse).
    refused: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    id: String,
    rule: String,
    title: String,
    #[serde(default)]
    patient: ScenarioPatient,
    events: Vec<String>,
    #[serde(default)]
    at: Option<String>,
    /// The IANA zone of the scenario's clock (default UTC): its times are wall-clock times of it.
    #[serde(default)]
    time_zone: Option<String>,
    expect: Expect,
}

impl Scenario {
    fn zone(&self) -> Zone {
        self.time_zone.as_deref().map_or(Zone::UTC, |name| {
            Zone::named(name).unwrap_or_else(|e| panic!("{}: {e}", self.id))
        })
    }
}

const CASE_START: ClinicalTime = ClinicalTime::constant(2026, 1, 1, 0, 0);

fn case_of(s: &Scenario) -> Result<(Case, Protocol), String> {
    let p = &s.patient;
    let protocol_name = p.protocol.clone().unwrap_or_else(|| {
        anticoag_planner::protocol::catalogue::shipped_protocol_for(p.setting, p.age_group).to_owned()
    });
    let protocol = if protocol_name.ends_with(".ron") {
        Protocol::from_path(&common::root().join(&protocol_name)).map_err(|e| e.to_string())?
    } else {
        Protocol::builtin(&protocol_name).map_err(|e| e.to_string())?
    };
    let kg = Kilograms::new(p.weight_kg).map_err(|e| e.to_string())?;
    let zone = s.zone();
    let case_start = CASE_START.in_zone(zone);
    let mut patient = Patient::new(
        Weight {
            kg,
            measured_at: case_start,
            kind: p.weight_kind,
        },
        p.setting,
    );
    patient.age_group = p.age_group;
    patient.baseline_aptt = p.baseline_aptt_s.map(|v| Seconds::new(v).unwrap());
    patient.crcl = p.crcl_ml_min.map(|v| MlPerMin::new(v).unwrap());
    patient.rrt = p.rrt;
    patient.hepatic_impairment = p.hepatic_impairment;
    patient.high_bleeding_risk = p.high_bleeding_risk;
    patient.pregnant = p.pregnant;
    patient.andexanet_exposure = p.andexanet_exposure;
    patient.heparin_coated_circuit = p.heparin_coated_circuit;
    patient.ecmo_low_flow = p.ecmo_low_flow;
    patient.hit_history = p.hit_history;
    patient.prior_heparin = p.prior_heparin;
    patient.anti_xa_assay = p.anti_xa_assay;
    patient.hit_thrombosis = p
        .hit_thrombosis
        .map(FourTsPoints::new)
        .transpose()
        .map_err(|e| e.to_string())?;
    patient.hit_other_causes = p
        .hit_other_causes
        .map(FourTsPoints::new)
        .transpose()
        .map_err(|e| e.to_string())?;
    patient.height_cm = p
        .height_cm
        .map(Centimetres::new)
        .transpose()
        .map_err(|e| e.to_string())?;
    patient.sex = p.sex;
    let csv = format!(
        "time,kind,value,unit,note,reason,interference,confirmed\n{}\n",
        s.events.join("\n")
    );
    // A setting row changes the protocol from its time on: each row is checked by its setting's.
    let shipped = |s: anticoag_planner::model::Setting| {
        Protocol::builtin(anticoag_planner::protocol::catalogue::shipped_protocol_for(
            s,
            p.age_group,
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let others: Vec<Protocol> = anticoag_planner::model::Setting::ALL.into_iter().map(shipped).collect();
    let limits_of = |s: anticoag_planner::model::Setting| {
        if s == p.setting {
            &protocol.plausibility
        } else {
            &others[anticoag_planner::model::Setting::ALL
                .iter()
                .position(|x| *x == s)
                .unwrap_or(0)]
            .plausibility
        }
    };
    let (import, _) = parse_events_csv_in_settings(csv.as_bytes(), Some(p.setting), &[], &limits_of, kg, zone, None)
        .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    let mut case = Case::new(s.title.clone(), protocol_name, case_start, patient);
    case.merge_events(import.events)
        .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    Ok((case, protocol))
}

fn within(what: &str, value: Option<f64>, expected: Option<Between>, problems: &mut Vec<String>) {
    match (value, expected) {
        (None, None) => {}
        (Some(v), None) => problems.push(format!("{what}: expected none, got {v}")),
        (None, Some(r)) => problems.push(format!("{what}: expected {r:?}, got none")),
        (Some(v), Some((lo, hi))) => {
            if v < lo - 1e-6 || v > hi + 1e-6 {
                problems.push(format!("{what}: expected {lo}–{hi}, got {v}"));
            }
        }
    }
}

fn json_at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, key| match key.parse::<usize>() {
        Ok(i) => v.get(i),
        Err(_) => v.get(key),
    })
}

/// Every way the analysis departs from the scenario's expectation.
fn check(s: &Scenario, a: &Analysis) -> Vec<String> {
    let e = &s.expect;
    let r = &a.recommendation;
    let json: Value = serde_json::from_str(&to_json(a).unwrap()).unwrap();
    // The text for people (times as "7 Jan 03:05", issue 29) and the engine's sentences with their ISO
    // times, which the scenarios quote: an expected text is in either, an unwanted one in neither.
    let text = format!("{}\n{}", to_text(a), text_with_iso_times(a, None)).to_lowercase();
    let mut problems = Vec::new();
    if r.action.code() != e.action {
        problems.push(format!(
            "action: expected {}, got {} ({})",
            e.action,
            r.action.code(),
            r.headline()
        ));
    }
    if let Some(d) = &e.drug_contains
        && !r.drug.to_lowercase().contains(&d.to_lowercase())
    {
        problems.push(format!("drug: expected '{d}', got '{}'", r.drug));
    }
    let rate = json_at(&json, "recommendation.rate.value").and_then(Value::as_f64);
    if let Some(range) = e.rate {
        within("rate", rate, Some(range), &mut problems);
    }
    if let Some(unit) = &e.rate_unit {
        let got = json_at(&json, "recommendation.rate.unit").and_then(Value::as_str);
        if got != Some(unit.as_str()) {
            problems.push(format!("rate unit: expected {unit}, got {got:?}"));
        }
    }
    let number = |path: &str| json_at(&json, path).and_then(Value::as_f64);
    for (what, path, expected) in [
        ("bolus", "recommendation.bolus_units", e.bolus_units),
        ("dose", "recommendation.dose_units", e.dose_units),
        ("pump", "recommendation.pump_ml_per_h", e.pump_ml_per_h),
        ("hold", "recommendation.hold_minutes", e.hold_minutes),
    ] {
        if let Some(expected) = expected {
            within(what, number(path), expected, &mut problems);
        }
    }
    if e.no_dose {
        for path in [
            "recommendation.rate",
            "recommendation.bolus_units",
            "recommendation.dose_units",
            "recommendation.pump_ml_per_h",
        ] {
            if json_at(&json, path).is_some_and(|v| !v.is_null()) {
                problems.push(format!(
                    "{path}: expected no dose, got {}",
                    json_at(&json, path).unwrap()
                ));
            }
        }
        for alt in &r.alternatives {
            if alt.contains("units/kg/h =") || alt.contains("mL/h") {
                problems.push(format!("an alternative carries a dose: {alt}"));
            }
        }
    }
    let codes: BTreeSet<String> = a.findings.iter().map(|f| f.code.code()).collect();
    for f in &e.findings {
        if !codes.contains(f) {
            problems.push(format!("finding {f} missing (got {codes:?})"));
        }
    }
    for f in &e.not_findings {
        if codes.contains(f) {
            problems.push(format!("finding {f} present"));
        }
    }
    for t in &e.text {
        if !text.contains(&t.to_lowercase()) {
            problems.push(format!("text '{t}' missing"));
        }
    }
    for t in &e.not_text {
        if text.contains(&t.to_lowercase()) {
            problems.push(format!("text '{t}' present"));
        }
    }
    if let Some(first) = &e.first_monitoring {
        let got = a.monitoring.first().map(|m| m.test.to_string()).unwrap_or_default();
        if !got.to_lowercase().contains(&first.to_lowercase()) {
            problems.push(format!("first monitoring item: expected '{first}', got '{got}'"));
        }
    }
    over_precise_numbers(&json, "", &mut problems);
    for (path, expected) in &e.json {
        let value = json_at(&json, path);
        let got = value.map_or("(absent)".to_owned(), ToString::to_string);
        let same_number = expected
            .parse::<f64>()
            .ok()
            .zip(value.and_then(Value::as_f64))
            .is_some_and(|(a, b)| (a - b).abs() < 1e-9);
        if &got != expected && !same_number {
            problems.push(format!("{path}: expected {expected}, got {got}"));
        }
    }
    problems
}

/// Numbers leave the program rounded (decisions.md: at most 0.001, bivalirudin's mg/kg/h, for any field).
fn over_precise_numbers(v: &Value, path: &str, problems: &mut Vec<String>) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_f64()
                && ((x * 1000.0).round() - x * 1000.0).abs() > 1e-6
            {
                problems.push(format!("JSON {path} = {x}: not rounded"));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                over_precise_numbers(item, &format!("{path}.{i}"), problems);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                over_precise_numbers(item, &format!("{path}.{k}"), problems);
            }
        }
        _ => {}
    }
}

/// Every scenario of every file, read once for all the tests of this binary.
fn scenarios() -> &'static [(String, Scenario)] {
    static ALL: std::sync::OnceLock<Vec<(String, Scenario)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let dir = common::root().join("tests/scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        files.sort();
        let mut all = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let list: Vec<Scenario> = ron::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            all.extend(list.into_iter().map(|s| (name.clone(), s)));
        }
        all
    })
}

/// Where one scenario leads: `Err` with every way it departs from what it expects.
fn outcome(s: &Scenario) -> Result<(), Vec<String>> {
    let (case, protocol) = match (case_of(s), &s.expect.refused) {
        (Ok(c), None) => c,
        (Err(e), Some(wanted)) if e.to_lowercase().contains(&wanted.to_lowercase()) => return Ok(()),
        (Err(e), Some(wanted)) => return Err(vec![format!("refused, but the message lacks '{wanted}': {e}")]),
        (Ok(_), Some(wanted)) => {
            return Err(vec![format!(
                "expected the import to be refused ('{wanted}'), it was accepted"
            )]);
        }
        (Err(e), None) => return Err(vec![format!("cannot build the case: {e}")]),
    };
    let at = match &s.at {
        Some(t) => ClinicalTime::parse_in(t, s.zone()).unwrap(),
        None => case.last_event_time().unwrap_or(CASE_START),
    };
    // The protocol of the setting in effect at `at` (the scenario's for its setting, else the catalogue's).
    let engine = CaseEngine::new(&case, CaseProtocols::single(case.patient.setting, protocol));
    let problems = check(s, &engine.analyze(&case, at, Detail::Explained));
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// One scenario, as its generated test runs it (`build.rs` writes one test per id).
fn run_scenario(file: &str, id: &str) {
    let s = scenarios()
        .iter()
        .find(|(f, s)| f == file && s.id == id)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no scenario {id} in {file}"));
    if let Err(problems) = outcome(s) {
        panic!(
            "{file} {} ({}) — {}\n    {}",
            s.id,
            s.rule,
            s.title,
            problems.join("\n    ")
        );
    }
}

// One `#[test]` per scenario: `scenarios::<file without its number>::<id with '-' as '_'>`.
include!(concat!(env!("OUT_DIR"), "/scenario_tests.rs"));

/// The generated tests are exactly the scenarios in the files, and every id is unique (also once
/// written as a test name).
#[test]
fn every_scenario_has_its_own_test() {
    let all = scenarios();
    assert!(all.len() > 100, "the scenario files were read: {}", all.len());
    let parsed: Vec<(String, Vec<String>)> = FILES
        .iter()
        .map(|(file, _)| {
            let ids = all
                .iter()
                .filter(|(f, _)| f == file)
                .map(|(_, s)| s.id.clone())
                .collect();
            ((*file).to_owned(), ids)
        })
        .collect();
    let generated: Vec<(String, Vec<String>)> = FILES
        .iter()
        .map(|(file, ids)| ((*file).to_owned(), ids.iter().map(|i| (*i).to_owned()).collect()))
        .collect();
    assert_eq!(generated, parsed, "build.rs found other ids than the files hold");
    let files: BTreeSet<&str> = all.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files.len(), FILES.len(), "every scenario file has its tests");
    let names: BTreeSet<String> = all
        .iter()
        .map(|(_, s)| s.id.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
        .collect();
    assert_eq!(names.len(), all.len(), "scenario ids are unique, also as test names");
}
