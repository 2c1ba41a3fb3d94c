//! The direct thrombin inhibitors' start doses and titration tables, checked.

use super::Checker;
use crate::protocol::schema::{RawBivalirudinStartRow, RawProtocol};

pub(super) fn argatroban(c: &mut Checker, p: &RawProtocol) {
    let a = &p.argatroban;
    c.bag("argatroban", &a.bag, a.concentration_label.as_ref());
    for (name, s) in [
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
    let t = &a.titration;
    let steps = [
        ("far_below", &t.far_below),
        ("near_below", &t.near_below),
        ("above_target", &t.above_target),
    ];
    for (name, step) in steps {
        let path = format!("argatroban.titration.{name}");
        c.finite(&format!("{path}.critically_ill"), step.critically_ill);
        c.finite(&format!("{path}.normal_hepatic"), step.normal_hepatic);
        if step.critically_ill.abs() > max || step.normal_hepatic.abs() > max {
            c.fail(&path, format!("a step larger than the maximum rate {max} mcg/kg/min"));
        }
    }
    for (name, step) in [("far_below", &t.far_below), ("near_below", &t.near_below)] {
        if step.critically_ill <= 0.0 || step.normal_hepatic <= 0.0 {
            c.fail(
                format!("argatroban.titration.{name}"),
                "a step below the target must increase the rate",
            );
        }
    }
    if t.far_below.critically_ill < t.near_below.critically_ill
        || t.far_below.normal_hepatic < t.near_below.normal_hepatic
    {
        c.fail(
            "argatroban.titration.far_below",
            "the step far below the target must not be smaller than the one just below it",
        );
    }
    if t.above_target.critically_ill >= 0.0 || t.above_target.normal_hepatic >= 0.0 {
        c.fail(
            "argatroban.titration.above_target",
            "a step above the target must decrease the rate",
        );
    }
    c.non_negative("argatroban.titration.above_target_hold_min", t.above_target_hold_min);
    c.positive("argatroban.titration.above_cap_recheck_h", t.above_cap_recheck_h);
    c.positive(
        "argatroban.titration.above_cap_recheck_hepatic_h",
        t.above_cap_recheck_hepatic_h,
    );
    c.fraction(
        "argatroban.titration.above_cap_restart_fraction",
        t.above_cap_restart_fraction,
    );
    c.source("argatroban.titration.above_cap_source", &t.above_cap_source);
    c.positive("argatroban.titration.small_rate_below", t.small_rate_below);
    c.fraction(
        "argatroban.titration.small_rate_max_increase_fraction",
        t.small_rate_max_increase_fraction,
    );
    c.source("argatroban.titration.small_rate_source", &t.small_rate_source);
    c.positive(
        "argatroban.minimum_mcg_per_kg_per_min.value",
        a.minimum_mcg_per_kg_per_min.value,
    );
    c.source(
        "argatroban.minimum_mcg_per_kg_per_min.source",
        &a.minimum_mcg_per_kg_per_min.source,
    );
    if a.minimum_mcg_per_kg_per_min.value > a.start_hepatic_mcg_per_kg_per_min.value {
        c.fail(
            "argatroban.minimum_mcg_per_kg_per_min.value",
            "the minimum rate must not be above the hepatic start",
        );
    }
}

pub(super) fn bivalirudin(c: &mut Checker, p: &RawProtocol) {
    let b = &p.bivalirudin;
    c.bag("bivalirudin", &b.bag, b.concentration_label.as_ref());
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
    let t = &b.titration;
    for (name, v) in [
        ("below_target_percent", t.below_target_percent),
        ("above_target_percent", t.above_target_percent),
        ("above_hold_percent", t.above_hold_percent),
    ] {
        if !(v.is_finite() && v > -100.0 && v <= 100.0) {
            c.fail(
                format!("bivalirudin.titration.{name}"),
                "must be between -100 (exclusive) and 100",
            );
        }
    }
    if t.below_target_percent <= 0.0 {
        c.fail(
            "bivalirudin.titration.below_target_percent",
            "below the target the rate must rise",
        );
    }
    if t.above_target_percent >= 0.0 || t.above_hold_percent > t.above_target_percent {
        c.fail(
            "bivalirudin.titration.above_hold_percent",
            "above the target the rate must fall, and above the hold threshold by at least as much",
        );
    }
    c.non_negative("bivalirudin.titration.above_hold_hold_min", t.above_hold_hold_min);
    c.positive(
        "bivalirudin.minimum_mg_per_kg_per_h.value",
        b.minimum_mg_per_kg_per_h.value,
    );
    c.source(
        "bivalirudin.minimum_mg_per_kg_per_h.source",
        &b.minimum_mg_per_kg_per_h.source,
    );
}
