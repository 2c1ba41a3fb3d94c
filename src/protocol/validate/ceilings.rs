//! The fixed ceilings (issue 26, `protocol::ceilings`), checked: every hard limit of the protocol at or
//! under its ceiling, and every dose the protocol itself names — the starts, the bolus caps, each
//! nomogram and start-table row, the bypass doses, the post-operative start — under both the ceiling and
//! the protocol's own hard limit.

use super::Checker;
use crate::model::num;
use crate::protocol::ceilings::{self, SOURCE};
use crate::protocol::schema::{RawLimits, RawPlausibility, RawProtocol};

/// The plausibility limits of a field named by a ceiling.
fn limits_of<'a>(pl: &'a RawPlausibility, field: &str) -> Option<&'a RawLimits> {
    Some(match field {
        "ufh_rate_units_per_kg_per_h" => &pl.ufh_rate_units_per_kg_per_h,
        "ufh_rate_units_per_h" => &pl.ufh_rate_units_per_h,
        "ufh_bolus_units" => &pl.ufh_bolus_units,
        "ufh_bolus_units_per_kg" => &pl.ufh_bolus_units_per_kg,
        "argatroban_mcg_per_kg_per_min" => &pl.argatroban_mcg_per_kg_per_min,
        "bivalirudin_mg_per_kg_per_h" => &pl.bivalirudin_mg_per_kg_per_h,
        "antithrombin_units" => &pl.antithrombin_units,
        "antithrombin_units_per_kg" => &pl.antithrombin_units_per_kg,
        "protamine_mg" => &pl.protamine_mg,
        "protamine_mg_per_kg" => &pl.protamine_mg_per_kg,
        "ffp_ml" => &pl.ffp_ml,
        _ => return None,
    })
}

const RATE_PER_KG: &str = "ufh_rate_units_per_kg_per_h";
const RATE_PER_HOUR: &str = "ufh_rate_units_per_h";
const BOLUS: &str = "ufh_bolus_units";
const BOLUS_PER_KG: &str = "ufh_bolus_units_per_kg";
const ARGATROBAN: &str = "argatroban_mcg_per_kg_per_min";
const BIVALIRUDIN: &str = "bivalirudin_mg_per_kg_per_h";

/// Every dose the protocol names: its field path, the plausibility field with its unit, the value.
fn doses(p: &RawProtocol) -> Vec<(String, &'static str, f64)> {
    let u = &p.ufh;
    let mut out: Vec<(String, &'static str, f64)> = vec![
        (
            "ufh.start.rate_units_per_kg_per_h".into(),
            RATE_PER_KG,
            u.start.rate_units_per_kg_per_h,
        ),
        ("ufh.bolus_cap.max_units".into(), BOLUS, u.bolus_cap.max_units),
    ];
    for (path, field, value) in [
        ("ufh.start.bolus_units_per_kg", BOLUS_PER_KG, u.start.bolus_units_per_kg),
        ("ufh.start.bolus_max_units", BOLUS, u.start.bolus_max_units),
        (
            "ufh.start.rate_max_units_per_h",
            RATE_PER_HOUR,
            u.start.rate_max_units_per_h,
        ),
        (
            "ufh.bolus_cap.max_units_per_kg",
            BOLUS_PER_KG,
            u.bolus_cap.max_units_per_kg,
        ),
    ] {
        if let Some(v) = value {
            out.push((path.into(), field, v));
        }
    }
    for (name, nomogram) in [
        ("anti_xa_nomogram", &u.anti_xa_nomogram),
        ("aptt_nomogram", &u.aptt_nomogram),
    ] {
        for (i, row) in nomogram.rows.iter().enumerate() {
            out.push((
                format!("ufh.{name}.rows[{i}].bolus_units_per_kg"),
                BOLUS_PER_KG,
                row.bolus_units_per_kg,
            ));
            out.push((
                format!("ufh.{name}.rows[{i}].rate_change_units_per_kg_per_h"),
                RATE_PER_KG,
                row.rate_change_units_per_kg_per_h.abs(),
            ));
        }
    }
    let a = &p.argatroban;
    for (name, s) in [
        ("start_mcg_per_kg_per_min", &a.start_mcg_per_kg_per_min),
        ("start_hepatic_mcg_per_kg_per_min", &a.start_hepatic_mcg_per_kg_per_min),
        ("label_start_mcg_per_kg_per_min", &a.label_start_mcg_per_kg_per_min),
        ("max_mcg_per_kg_per_min", &a.max_mcg_per_kg_per_min),
    ] {
        out.push((format!("argatroban.{name}.value"), ARGATROBAN, s.value));
    }
    let b = &p.bivalirudin;
    for (i, row) in b.start_by_crcl.iter().enumerate() {
        out.push((
            format!("bivalirudin.start_by_crcl[{i}].mg_per_kg_per_h"),
            BIVALIRUDIN,
            row.mg_per_kg_per_h,
        ));
    }
    out.push((
        "bivalirudin.start_crrt_mg_per_kg_per_h".into(),
        BIVALIRUDIN,
        b.start_crrt_mg_per_kg_per_h,
    ));
    out.push((
        "bivalirudin.start_ihd_mg_per_kg_per_h".into(),
        BIVALIRUDIN,
        b.start_ihd_mg_per_kg_per_h,
    ));
    if let Some(by) = &p.bypass {
        for (name, field, value) in [
            (
                "initial_heparin_units_per_kg",
                BOLUS_PER_KG,
                by.initial_heparin_units_per_kg.value,
            ),
            (
                "max_additional_units_per_kg",
                BOLUS_PER_KG,
                by.max_additional_units_per_kg.value,
            ),
            ("at_dose_units", "antithrombin_units", by.at_dose_units.value),
            (
                "recombinant_at_units_per_kg",
                "antithrombin_units_per_kg",
                by.recombinant_at_units_per_kg.value,
            ),
            (
                "andexanet_at_units_per_kg",
                "antithrombin_units_per_kg",
                by.andexanet_at_units_per_kg.value,
            ),
        ] {
            out.push((format!("bypass.{name}.value"), field, value));
        }
        out.push((
            "bypass.protamine.max_total_mg_per_kg".into(),
            "protamine_mg_per_kg",
            by.protamine.max_total_mg_per_kg,
        ));
        out.push((
            "bypass.protamine.max_mg_per_10_min".into(),
            "protamine_mg",
            by.protamine.max_mg_per_10_min,
        ));
    }
    let po = &p.safety.post_operative;
    out.push((
        "safety.post_operative.start_units_per_kg_per_h".into(),
        RATE_PER_KG,
        po.start_units_per_kg_per_h,
    ));
    out.push((
        "safety.post_operative.start_max_units_per_h".into(),
        RATE_PER_HOUR,
        po.start_max_units_per_h,
    ));
    out
}

pub(super) fn ceilings(c: &mut Checker, p: &RawProtocol) {
    for ceiling in ceilings::for_settings(&p.settings) {
        let Some(limits) = limits_of(&p.plausibility, ceiling.field) else {
            continue;
        };
        if !ceiling.bound.tightened_by(limits.hard_max, limits.hard_from) {
            c.fail(
                format!("plausibility.{}", ceiling.field),
                format!(
                    "its hard limit must not exceed the fixed ceiling, {} ({SOURCE}): set hard_max or hard_from at or under it",
                    ceiling.bound.text(ceiling.unit)
                ),
            );
        }
    }
    for (path, field, value) in doses(p) {
        if let Some(ceiling) = ceilings::on_field(&p.settings, field)
            && !ceiling.bound.allows(value)
        {
            c.fail(
                path,
                format!(
                    "{} {} is above the fixed ceiling: {} ({SOURCE})",
                    num(value, 3),
                    ceiling.unit,
                    ceiling.bound.text(ceiling.unit)
                ),
            );
            continue;
        }
        let Some(limits) = limits_of(&p.plausibility, field) else {
            continue;
        };
        let refused = limits.hard_max.is_some_and(|m| value > m) || limits.hard_from.is_some_and(|f| value >= f);
        if refused {
            c.fail(
                path,
                format!(
                    "{} is above the protocol's own hard limit plausibility.{field}",
                    num(value, 3)
                ),
            );
        }
    }
}
