#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Issue 26, protocol trust: the fixed ceilings no protocol can raise, bags whose label is derived from their
//! numbers, provenance pinned per protocol, bounded reads. Each test is one defect of the reliability review.

use anticoag_planner::protocol::Protocol;

use crate::cli::run;
use crate::common;

fn icu_text() -> String {
    std::fs::read_to_string(common::root().join("protocols/adult-icu.ron")).unwrap()
}

/// The problems of a protocol text that must be refused (panics when it loads).
fn refused(text: &str) -> String {
    match Protocol::from_ron_str(text, "edited.ron") {
        Ok(_) => panic!("the edited protocol loaded"),
        Err(e) => e.to_string(),
    }
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the edit must change the file: {from}");
    text.replacen(from, to, 1)
}

const RATE_LIMIT: &str = "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(100),";
const BOLUS_LIMIT: &str = "ufh_bolus_units: (hard_min: None, hard_max: None, hard_from: Some(40000),";
const BOLUS_PER_KG_LIMIT: &str = "ufh_bolus_units_per_kg: (hard_min: None, hard_max: Some(400),";

/// The review raised the limits and a 180 units/kg/h start validated and was recommended.
#[test]
fn a_protocol_cannot_raise_the_heparin_rate_ceiling_nor_start_above_it() {
    let raised = edit(
        &icu_text(),
        RATE_LIMIT,
        "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(200),",
    );
    let raised = edit(&raised, "rate_units_per_kg_per_h: 18,", "rate_units_per_kg_per_h: 180,");
    let message = refused(&raised);
    assert!(
        message.contains(
            "plausibility.ufh_rate_units_per_kg_per_h: its hard limit must allow up to 100 units/kg/h at most"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "ufh.start.rate_units_per_kg_per_h: 180 units/kg/h is above the fixed ceiling: up to 100 units/kg/h"
        ),
        "{message}"
    );
    assert!(message.contains("clinical reference §12 [rev 2]"), "{message}");
}

/// A 64,000-unit bolus validated once the bolus limit was raised; the starting bolus was never checked.
#[test]
fn a_protocol_cannot_raise_the_bolus_ceiling_and_its_start_bolus_is_checked() {
    let raised = edit(
        &icu_text(),
        BOLUS_LIMIT,
        "ufh_bolus_units: (hard_min: None, hard_max: None, hard_from: Some(100000),",
    );
    let raised = edit(
        &raised,
        BOLUS_PER_KG_LIMIT,
        "ufh_bolus_units_per_kg: (hard_min: None, hard_max: Some(1000),",
    );
    let raised = edit(
        &raised,
        "bolus_units_per_kg: Some(80),",
        "bolus_units_per_kg: Some(800),",
    );
    let raised = edit(
        &raised,
        "bolus_max_units: Some(10000),",
        "bolus_max_units: Some(64000),",
    );
    let message = refused(&raised);
    for expected in [
        "plausibility.ufh_bolus_units: its hard limit must allow below 40,000 units at most",
        "plausibility.ufh_bolus_units_per_kg: its hard limit must allow up to 400 units/kg at most",
        "ufh.start.bolus_max_units: 64,000 units is above the fixed ceiling: below 40,000 units",
        "ufh.start.bolus_units_per_kg: 800 units/kg is above the fixed ceiling: up to 400 units/kg",
    ] {
        assert!(message.contains(expected), "{expected}\n{message}");
    }
    // Under the ceiling, but above the protocol's own (tightened) limit: refused too.
    let tightened = edit(
        &icu_text(),
        BOLUS_LIMIT,
        "ufh_bolus_units: (hard_min: None, hard_max: None, hard_from: Some(8000),",
    );
    let tightened = edit(
        &tightened,
        "soft_max: Some(10000), mistake: Some(\"an extra zero?\")",
        "soft_max: Some(5000), mistake: Some(\"an extra zero?\")",
    );
    let message = refused(&tightened);
    assert!(
        message.contains(
            "ufh.start.bolus_max_units: 10,000 is above the protocol's own hard limit plausibility.ufh_bolus_units"
        ),
        "{message}"
    );
}

/// Every table row is checked: a nomogram row's bolus and an argatroban start above their ceilings.
#[test]
fn table_rows_and_drug_starts_are_checked_against_the_ceilings() {
    let text = icu_text();
    let row = "(from: 0,    to: Some(0.2),  bolus_units_per_kg: 80,";
    let raised = edit(&text, row, "(from: 0,    to: Some(0.2),  bolus_units_per_kg: 800,");
    let message = refused(&raised);
    assert!(
        message.contains("ufh.anti_xa_nomogram.rows[0].bolus_units_per_kg: 800 units/kg is above the fixed ceiling"),
        "{message}"
    );
    let argatroban = edit(
        &text,
        "argatroban_mcg_per_kg_per_min: (hard_min: None, hard_max: Some(10),",
        "argatroban_mcg_per_kg_per_min: (hard_min: None, hard_max: Some(100),",
    );
    let message = refused(&argatroban);
    assert!(
        message.contains(
            "plausibility.argatroban_mcg_per_kg_per_min: its hard limit must allow up to 10 mcg/kg/min at most"
        ),
        "{message}"
    );
}

/// A protocol tightening a ceiling is fine (a unit's own 25 units/kg/h maximum).
#[test]
fn a_protocol_may_tighten_a_ceiling() {
    let tightened = edit(
        &icu_text(),
        "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(100), hard_from: None, soft_min: Some(2), soft_max: Some(40),",
        "ufh_rate_units_per_kg_per_h: (hard_min: None, hard_max: Some(30), hard_from: None, soft_min: Some(2), soft_max: Some(25),",
    );
    let protocol = Protocol::from_ron_str(&tightened, "tight.ron").unwrap();
    assert_eq!(
        protocol
            .plausibility
            .ufh_rate_units_per_kg_per_h
            .hard_max
            .map(|v| v.value()),
        Some(30.0)
    );
}

/// Heparin 10 units/mL labelled "100 units/mL" gave 144 mL/h beside the label of a 100 units/mL bag. The
/// label is now written from the bag, and a file that still carries one is refused.
#[test]
fn the_bag_label_is_derived_and_a_written_label_is_refused() {
    let text = icu_text();
    let labelled = edit(
        &text,
        "        bag: (amount: 25000, volume_ml: 250,",
        "        concentration_label: \"heparin 100 units/mL\",\n        bag: (amount: 25000, volume_ml: 250,",
    );
    let message = refused(&labelled);
    assert!(
        message.contains("ufh.concentration_label: remove it: the label is derived from the bag's amount and volume"),
        "{message}"
    );
    let dilute = edit(
        &text,
        "bag: (amount: 25000, volume_ml: 250,",
        "bag: (amount: 2500, volume_ml: 250,",
    );
    let dir = tempfile::tempdir().unwrap();
    let protocol = dir.path().join("dilute.ron");
    std::fs::write(&protocol, dilute).unwrap();
    let csv = dir.path().join("start.csv");
    std::fs::write(
        &csv,
        "time,kind,value,unit\n2026-10-01T08:00,aptt,30,s\n2026-10-01T08:00,platelets,250,10^9/L\n",
    )
    .unwrap();
    let (ok, out, err) = run(&[
        "analyze",
        csv.to_str().unwrap(),
        "--weight-kg",
        "80",
        "--setting",
        "icu",
        "--protocol",
        protocol.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("= 144 mL/h"), "{out}");
    assert!(out.contains("heparin 2,500 units in 250 mL (10 units/mL)"), "{out}");
    assert!(!out.contains("100 units/mL"), "{out}");
}
