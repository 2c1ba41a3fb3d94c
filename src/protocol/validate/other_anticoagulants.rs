//! The checks of the other-anticoagulants section (format 4, clinical reference §14.5).

use super::Checker;
use crate::model::OtherAnticoagulant;
use crate::protocol::schema::RawOtherAnticoagulants;

/// Every problem of the section: known drugs, each once; positive hours; a renal window no shorter than
/// the usual one; a middle band given whole; sources.
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
}
