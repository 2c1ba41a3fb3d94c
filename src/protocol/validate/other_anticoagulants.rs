//! The checks of the other-anticoagulants section (format 4, clinical reference §14.5).

use super::Checker;
use crate::model::OtherAnticoagulant;
use crate::protocol::schema::RawOtherAnticoagulants;

/// Every problem of the section: known drugs, each once; positive hours; a renal window no shorter than
/// the usual one; a middle band given whole; sources.
/// Every problem of the safety section: positive numbers, sources, thresholds in order, an optical density
/// and a 4Ts threshold in range, a fall fraction between 0 and 1.
pub(super) fn safety(c: &mut Checker, s: &crate::protocol::schema::RawSafety) {
    let po = &s.post_operative;
    for (name, v) in [
        ("high_risk_window_h", po.high_risk_window_h),
        ("standard_window_h", po.standard_window_h),
        ("protamine_window_h", po.protamine_window_h),
        ("start_units_per_kg_per_h", po.start_units_per_kg_per_h),
        ("start_max_units_per_h", po.start_max_units_per_h),
    ] {
        c.positive(&format!("safety.post_operative.{name}"), v);
    }
    c.source("safety.post_operative.source", &po.source);
    c.source("safety.post_operative.start_source", &po.start_source);
    let tp = &s.thrombocytopenia;
    for (name, v) in [
        ("low_below", tp.low_below),
        ("critical_below", tp.critical_below),
        ("uncommon_in_hit_below", tp.uncommon_in_hit_below),
        ("count_max_age_h", tp.count_max_age_h),
    ] {
        c.positive(&format!("safety.thrombocytopenia.{name}"), v);
    }
    if tp.critical_below >= tp.low_below {
        c.fail("safety.thrombocytopenia.critical_below", "must be below low_below");
    }
    c.source("safety.thrombocytopenia.source", &tp.source);
    let w = &s.dti_washout;
    for (name, v) in [
        ("argatroban_h", w.argatroban_h),
        ("argatroban_hepatic_h", w.argatroban_hepatic_h),
        ("bivalirudin_h", w.bivalirudin_h),
    ] {
        c.positive(&format!("safety.dti_washout.{name}"), v);
    }
    if w.argatroban_hepatic_h < w.argatroban_h {
        c.fail(
            "safety.dti_washout.argatroban_hepatic_h",
            "hepatic impairment lengthens argatroban's washout",
        );
    }
    c.source("safety.dti_washout.source", &w.source);
    let h = &s.hit_assays;
    c.positive(
        "safety.hit_assays.strong_optical_density_from",
        h.strong_optical_density_from,
    );
    if !(1..=8).contains(&h.high_4ts_from) {
        c.fail("safety.hit_assays.high_4ts_from", "a 4Ts score from 1 to 8");
    }
    if !(h.new_episode_fall_fraction > 0.0 && h.new_episode_fall_fraction < 1.0) {
        c.fail(
            "safety.hit_assays.new_episode_fall_fraction",
            "a fraction between 0 and 1",
        );
    }
    c.source("safety.hit_assays.source", &h.source);
    c.sourced_positive("safety.bleeding_stop_within_h", &s.bleeding_stop_within_h);
}

pub(super) fn other_anticoagulants(c: &mut Checker, raw: &RawOtherAnticoagulants) {
    let base = "other_anticoagulants";
    let mut seen = Vec::new();
    for (i, r) in raw.drugs.iter().enumerate() {
        let path = |field: &str| format!("{base}.drugs[{i}].{field}");
        match OtherAnticoagulant::from_code(&r.drug) {
            None => c.fail(
                path("drug"),
                format!(
                    "unknown drug '{}': one of {}",
                    r.drug,
                    OtherAnticoagulant::ALL.map(OtherAnticoagulant::code).join(", ")
                ),
            ),
            Some(d) if seen.contains(&d) => c.fail(path("drug"), format!("'{}' has two rows", r.drug)),
            Some(d) => seen.push(d),
        }
        for (field, value) in [
            ("window_h", r.window_h),
            ("renal_window_h", r.renal_window_h),
            ("next_dose_h", r.next_dose_h),
            ("renal_next_dose_h", r.renal_next_dose_h),
        ] {
            c.positive(&path(field), value);
        }
        if r.renal_window_h < r.window_h {
            c.fail(
                path("renal_window_h"),
                format!(
                    "{} h is shorter than the usual window {} h: impaired clearance lengthens it",
                    r.renal_window_h, r.window_h
                ),
            );
        }
        if r.renal_next_dose_h < r.next_dose_h {
            c.fail(
                path("renal_next_dose_h"),
                format!(
                    "{} h is earlier than the usual {} h",
                    r.renal_next_dose_h, r.next_dose_h
                ),
            );
        }
        match (r.moderate_renal_window_h, r.moderate_crcl_below_ml_min) {
            (Some(h), Some(crcl)) => {
                c.positive(&path("moderate_renal_window_h"), h);
                c.positive(&path("moderate_crcl_below_ml_min"), crcl);
            }
            (None, None) => {}
            _ => c.fail(
                path("moderate_renal_window_h"),
                "give both moderate_renal_window_h and moderate_crcl_below_ml_min, or neither",
            ),
        }
        c.source(&path("source"), &r.source);
    }
    c.sourced_positive(&format!("{base}.renal_crcl_below_ml_min"), &raw.renal_crcl_below_ml_min);
    c.sourced_positive(
        &format!("{base}.window_ends_anti_xa_below"),
        &raw.window_ends_anti_xa_below,
    );
    c.sourced_positive(
        &format!("{base}.window_ends_concordant_pairs_apart_h"),
        &raw.window_ends_concordant_pairs_apart_h,
    );
    c.sourced_positive(
        &format!("{base}.window_ends_thrombin_time_below_s"),
        &raw.window_ends_thrombin_time_below_s,
    );
}
