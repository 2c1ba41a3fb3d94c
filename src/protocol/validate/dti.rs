//! The direct thrombin inhibitors' start doses and titration tables, checked.

use super::Checker;
use crate::protocol::schema::{RawArgatrobanRow, RawBivalirudinRow, RawBivalirudinStartRow, RawProtocol};

pub(super) fn argatroban(c: &mut Checker, p: &RawProtocol) {
    let a = &p.argatroban;
    for (name, s) in [
        ("concentration_mg_per_ml", &a.concentration_mg_per_ml),
        ("start_mcg_per_kg_per_min", &a.start_mcg_per_kg_per_min),
        ("start_hepatic_mcg_per_kg_per_min", &a.start_hepatic_mcg_per_kg_per_min),
        ("label_start_mcg_per_kg_per_min", &a.label_start_mcg_per_kg_per_min),
        ("max_mcg_per_kg_per_min", &a.max_mcg_per_kg_per_min),
        ("target_max_s", &a.target_max_s),
    ] {
        c.positive(&format!("argatroban.{name}.value"), s.value);
        c.source(&format!("argatroban.{name}.source"), &s.source);
    }
    let hard = p
        .plausibility
        .argatroban_mcg_per_kg_per_min
        .hard_max
        .unwrap_or(f64::INFINITY);
    let max = a.max_mcg_per_kg_per_min.value.min(hard);
    for (name, v) in [
        ("start_mcg_per_kg_per_min", a.start_mcg_per_kg_per_min.value),
        (
            "start_hepatic_mcg_per_kg_per_min",
            a.start_hepatic_mcg_per_kg_per_min.value,
        ),
        ("label_start_mcg_per_kg_per_min", a.label_start_mcg_per_kg_per_min.value),
    ] {
        if v > max {
            c.fail(
                format!("argatroban.{name}.value"),
                format!("{v} mcg/kg/min is above the maximum {max} mcg/kg/min"),
            );
        }
    }
    if a.max_mcg_per_kg_per_min.value > hard {
        c.fail(
            "argatroban.max_mcg_per_kg_per_min.value",
            format!("above the plausibility hard limit {hard} mcg/kg/min"),
        );
    }
    c.text("argatroban.label_start_caveat", &a.label_start_caveat);
    c.sourced_range("argatroban.target_ratio", &a.target_ratio);
    c.source("argatroban.titration_source", &a.titration_source);
    let bounds: Vec<_> = a
        .titration
        .iter()
        .map(|r: &RawArgatrobanRow| (r.from_s, r.to_s))
        .collect();
    c.bands("argatroban.titration", &bounds);
    let mut prev = (f64::INFINITY, f64::INFINITY);
    for (i, row) in a.titration.iter().enumerate() {
        let path = format!("argatroban.titration[{i}]");
        c.finite(&format!("{path}.change_critically_ill"), row.change_critically_ill);
        c.finite(&format!("{path}.change_normal_hepatic"), row.change_normal_hepatic);
        c.non_negative(&format!("{path}.hold_min"), row.hold_min);
        if row.change_critically_ill.abs() > max || row.change_normal_hepatic.abs() > max {
            c.fail(&path, format!("a step larger than the maximum rate {max} mcg/kg/min"));
        }
        if row.change_critically_ill > prev.0 || row.change_normal_hepatic > prev.1 {
            c.fail(&path, "rate changes must not rise as the aPTT rises");
        }
        prev = (row.change_critically_ill, row.change_normal_hepatic);
    }
    let no_change = a
        .titration
        .iter()
        .find(|r| {
            r.change_critically_ill == 0.0 && r.change_normal_hepatic == 0.0 && !r.stop_and_call && r.hold_min == 0.0
        })
        .map(|r| (r.from_s, r.to_s));
    if no_change.is_none() {
        c.fail("argatroban.titration", "table has no 'no change' band");
    }
    if a.titration.last().is_some_and(|r| !r.stop_and_call) {
        c.fail(
            "argatroban.titration",
            "the open-ended top band must stop the infusion (stop_and_call: true)",
        );
    }
}

pub(super) fn bivalirudin(c: &mut Checker, p: &RawProtocol) {
    let b = &p.bivalirudin;
    c.positive(
        "bivalirudin.concentration_mg_per_ml.value",
        b.concentration_mg_per_ml.value,
    );
    c.source(
        "bivalirudin.concentration_mg_per_ml.source",
        &b.concentration_mg_per_ml.source,
    );
    c.source("bivalirudin.start_source", &b.start_source);
    c.text("bivalirudin.crrt_caveat", &b.crrt_caveat);
    let bounds: Vec<_> = b
        .start_by_crcl
        .iter()
        .map(|r: &RawBivalirudinStartRow| (r.crcl_from, r.crcl_to))
        .collect();
    c.bands("bivalirudin.start_by_crcl", &bounds);
    let limit = p
        .plausibility
        .bivalirudin_mg_per_kg_per_h
        .hard_max
        .or(p.plausibility.bivalirudin_mg_per_kg_per_h.soft_max);
    let starts = b
        .start_by_crcl
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                format!("bivalirudin.start_by_crcl[{i}].mg_per_kg_per_h"),
                r.mg_per_kg_per_h,
            )
        })
        .chain([
            (
                "bivalirudin.start_crrt_mg_per_kg_per_h".to_owned(),
                b.start_crrt_mg_per_kg_per_h,
            ),
            (
                "bivalirudin.start_ihd_mg_per_kg_per_h".to_owned(),
                b.start_ihd_mg_per_kg_per_h,
            ),
        ]);
    for (path, v) in starts {
        c.positive(&path, v);
        if let Some(limit) = limit
            && v > limit
        {
            c.fail(
                path,
                format!("{v} mg/kg/h is above the plausibility limit {limit} mg/kg/h"),
            );
        }
    }
    c.sourced_range("bivalirudin.target_ratio", &b.target_ratio);
    c.source("bivalirudin.titration_source", &b.titration_source);
    let bounds: Vec<_> = b
        .titration
        .iter()
        .map(|r: &RawBivalirudinRow| (r.from_ratio, r.to_ratio))
        .collect();
    c.bands("bivalirudin.titration", &bounds);
    let mut prev = f64::INFINITY;
    for (i, row) in b.titration.iter().enumerate() {
        let path = format!("bivalirudin.titration[{i}]");
        if !(row.change_percent.is_finite() && row.change_percent > -100.0 && row.change_percent <= 100.0) {
            c.fail(
                format!("{path}.change_percent"),
                "must be between -100 (exclusive) and 100",
            );
        }
        c.non_negative(&format!("{path}.hold_min"), row.hold_min);
        if row.change_percent > prev {
            c.fail(&path, "rate changes must not rise as the aPTT rises");
        }
        prev = row.change_percent;
    }
    let no_change = b
        .titration
        .iter()
        .find(|r| r.change_percent == 0.0 && r.hold_min == 0.0)
        .map(|r| (r.from_ratio, r.to_ratio));
    c.no_change_band_covers(
        "bivalirudin.titration",
        no_change,
        b.target_ratio.range(),
        "bivalirudin aPTT ratio",
    );
}
