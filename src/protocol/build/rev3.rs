//! The sections protocol format 4 added (clinical reference revision 3), typed: the other anticoagulants
//! (§14.5) and the safety numbers of §14.1–§14.4.

use super::values::{Built, q, sourced};
use crate::protocol::ProtocolProblem;

/// The typed section from a checked one.
///
/// # Errors
/// A number its quantity refuses, or an unknown drug code, with its path.
pub(super) fn other_anticoagulants(
    raw: &crate::protocol::schema::RawOtherAnticoagulants,
) -> Built<crate::protocol::rules::OtherAnticoagulants> {
    let base = "other_anticoagulants";
    let mut drugs = Vec::with_capacity(raw.drugs.len());
    for (i, r) in raw.drugs.iter().enumerate() {
        let path = |field: &str| format!("{base}.drugs[{i}].{field}");
        let drug = crate::model::OtherAnticoagulant::from_code(&r.drug).ok_or_else(|| ProtocolProblem {
            path: path("drug"),
            line: None,
            column: None,
            message: format!("unknown drug '{}'", r.drug),
        })?;
        let moderate_renal = match (r.moderate_renal_window_h, r.moderate_crcl_below_ml_min) {
            (Some(h), Some(crcl)) => Some((
                q(&path("moderate_renal_window_h"), h)?,
                q(&path("moderate_crcl_below_ml_min"), crcl)?,
            )),
            _ => None,
        };
        drugs.push(crate::protocol::rules::OtherAnticoagulantRule {
            drug,
            raises: r.raises,
            window_h: q(&path("window_h"), r.window_h)?,
            renal_window_h: q(&path("renal_window_h"), r.renal_window_h)?,
            moderate_renal,
            hepatic_lengthens: r.hepatic_lengthens,
            next_dose_h: q(&path("next_dose_h"), r.next_dose_h)?,
            renal_next_dose_h: q(&path("renal_next_dose_h"), r.renal_next_dose_h)?,
            source: r.source.clone(),
        });
    }
    Ok(crate::protocol::rules::OtherAnticoagulants {
        drugs,
        renal_crcl_below_ml_min: sourced(&format!("{base}.renal_crcl_below_ml_min"), &raw.renal_crcl_below_ml_min)?,
        window_ends_anti_xa_below: sourced(
            &format!("{base}.window_ends_anti_xa_below"),
            &raw.window_ends_anti_xa_below,
        )?,
        window_ends_concordant_pairs_apart_h: sourced(
            &format!("{base}.window_ends_concordant_pairs_apart_h"),
            &raw.window_ends_concordant_pairs_apart_h,
        )?,
        window_ends_thrombin_time_below: sourced(
            &format!("{base}.window_ends_thrombin_time_below_s"),
            &raw.window_ends_thrombin_time_below_s,
        )?,
    })
}

pub(super) fn safety(s: &crate::protocol::schema::RawSafety) -> Built<crate::protocol::rules::Safety> {
    let po = &s.post_operative;
    let tp = &s.thrombocytopenia;
    let w = &s.dti_washout;
    let h = &s.hit_assays;
    let p = |section: &str, name: &str| format!("safety.{section}.{name}");
    Ok(crate::protocol::rules::Safety {
        post_operative: crate::protocol::rules::PostOperative {
            high_risk_window_h: q(&p("post_operative", "high_risk_window_h"), po.high_risk_window_h)?,
            standard_window_h: q(&p("post_operative", "standard_window_h"), po.standard_window_h)?,
            protamine_window_h: q(&p("post_operative", "protamine_window_h"), po.protamine_window_h)?,
            start: q(
                &p("post_operative", "start_units_per_kg_per_h"),
                po.start_units_per_kg_per_h,
            )?,
            start_max: q(&p("post_operative", "start_max_units_per_h"), po.start_max_units_per_h)?,
            source: po.source.clone(),
            start_source: po.start_source.clone(),
        },
        thrombocytopenia: crate::protocol::rules::Thrombocytopenia {
            low_below: q(&p("thrombocytopenia", "low_below"), tp.low_below)?,
            critical_below: q(&p("thrombocytopenia", "critical_below"), tp.critical_below)?,
            uncommon_in_hit_below: q(
                &p("thrombocytopenia", "uncommon_in_hit_below"),
                tp.uncommon_in_hit_below,
            )?,
            count_max_age_h: q(&p("thrombocytopenia", "count_max_age_h"), tp.count_max_age_h)?,
            source: tp.source.clone(),
        },
        dti_washout: crate::protocol::rules::DtiWashout {
            argatroban_h: q(&p("dti_washout", "argatroban_h"), w.argatroban_h)?,
            argatroban_hepatic_h: q(&p("dti_washout", "argatroban_hepatic_h"), w.argatroban_hepatic_h)?,
            bivalirudin_h: q(&p("dti_washout", "bivalirudin_h"), w.bivalirudin_h)?,
            source: w.source.clone(),
        },
        hit_assays: crate::protocol::rules::HitAssays {
            strong_optical_density_from: h.strong_optical_density_from,
            high_4ts_from: h.high_4ts_from,
            new_episode_fall: q(
                &p("hit_assays", "new_episode_fall_fraction"),
                h.new_episode_fall_fraction,
            )?,
            source: h.source.clone(),
        },
        bleeding_stop_within_h: sourced("safety.bleeding_stop_within_h", &s.bleeding_stop_within_h)?,
    })
}
