//! The protocol's sections, checked one by one.

use super::Checker;
use crate::model::Setting;
use crate::protocol::schema::{NomogramInput, RawProtocol};

pub(super) fn plausibility(c: &mut Checker, p: &RawProtocol) {
    let pl = &p.plausibility;
    for (name, limits) in [
        ("weight_kg", &pl.weight_kg),
        ("aptt_s", &pl.aptt_s),
        ("anti_xa_units_per_ml", &pl.anti_xa_units_per_ml),
        ("antithrombin_percent", &pl.antithrombin_percent),
        ("act_s", &pl.act_s),
        ("platelets", &pl.platelets),
        ("fibrinogen_g_per_l", &pl.fibrinogen_g_per_l),
        ("inr", &pl.inr),
        ("ufh_bolus_units", &pl.ufh_bolus_units),
        ("ufh_rate_units_per_kg_per_h", &pl.ufh_rate_units_per_kg_per_h),
        ("argatroban_mcg_per_kg_per_min", &pl.argatroban_mcg_per_kg_per_min),
        ("bivalirudin_mg_per_kg_per_h", &pl.bivalirudin_mg_per_kg_per_h),
    ] {
        c.limits(&format!("plausibility.{name}"), limits);
    }
}

pub(super) fn monitoring(c: &mut Checker, p: &RawProtocol) {
    let m = &p.monitoring;
    for (name, s) in [
        ("pairing_window_min", &m.pairing_window_min),
        ("lab_max_age_h", &m.lab_max_age_h),
        ("ufh_recheck_h", &m.ufh_recheck_h),
        ("daily_interval_h", &m.daily_interval_h),
        ("dti_recheck_h", &m.dti_recheck_h),
        ("at_interval_while_resistant_h", &m.at_interval_while_resistant_h),
        ("platelets_interval_h", &m.platelets_interval_h),
    ] {
        c.positive(&format!("monitoring.{name}.value"), s.value);
        c.source(&format!("monitoring.{name}.source"), &s.source);
    }
    c.source(
        "monitoring.ufh_in_range_before_daily.source",
        &m.ufh_in_range_before_daily.source,
    );
    c.source(
        "monitoring.at_recheck_after_dose_min.source",
        &m.at_recheck_after_dose_min.source,
    );
    c.sourced_range("monitoring.aptt_calibration_anti_xa", &m.aptt_calibration_anti_xa);
    for (i, v) in m.at_recheck_after_dose_min.value.iter().enumerate() {
        c.positive(&format!("monitoring.at_recheck_after_dose_min.value[{i}]"), *v);
    }
}

pub(super) fn resistance(c: &mut Checker, p: &RawProtocol) {
    let r = &p.resistance;
    for (name, s) in [
        ("r1_units_per_24h", &r.r1_units_per_24h),
        ("r2_adult_units_per_kg_per_h", &r.r2_adult_units_per_kg_per_h),
        ("r2_pediatric_units_per_kg_per_h", &r.r2_pediatric_units_per_kg_per_h),
    ] {
        c.positive(&format!("resistance.{name}.value"), s.value);
        c.source(&format!("resistance.{name}.source"), &s.source);
    }
    if r.r3_consecutive_below_target.value < 1 {
        c.fail("resistance.r3_consecutive_below_target.value", "at least 1 sample");
    }
    c.source(
        "resistance.r3_consecutive_below_target.source",
        &r.r3_consecutive_below_target.source,
    );
}

pub(super) fn discordance(c: &mut Checker, p: &RawProtocol) {
    let d = &p.discordance;
    c.source("discordance.patterns_source", &d.patterns_source);
    c.positive(
        "discordance.interference_plasma_free_hb_mg_per_dl.value",
        d.interference_plasma_free_hb_mg_per_dl.value,
    );
    c.source(
        "discordance.interference_plasma_free_hb_mg_per_dl.source",
        &d.interference_plasma_free_hb_mg_per_dl.source,
    );
    c.positive(
        "discordance.interference_bilirubin_mg_per_dl.value",
        d.interference_bilirubin_mg_per_dl.value,
    );
    c.source(
        "discordance.interference_bilirubin_mg_per_dl.source",
        &d.interference_bilirubin_mg_per_dl.source,
    );
    c.text(
        "discordance.coagulopathy_outcome_caveat",
        &d.coagulopathy_outcome_caveat,
    );
}

pub(super) fn ufh(c: &mut Checker, p: &RawProtocol) {
    let u = &p.ufh;
    c.sourced_range("ufh.anti_xa_target", &u.anti_xa_target);
    c.sourced_range("ufh.aptt_target_ratio", &u.aptt_target_ratio);
    c.source("ufh.start.source", &u.start.source);
    c.positive("ufh.start.rate_units_per_kg_per_h", u.start.rate_units_per_kg_per_h);
    for (name, v) in [
        ("bolus_units_per_kg", u.start.bolus_units_per_kg),
        ("bolus_max_units", u.start.bolus_max_units),
        ("rate_max_units_per_h", u.start.rate_max_units_per_h),
        ("dosing_weight_cap_kg", u.start.dosing_weight_cap_kg),
    ] {
        if let Some(v) = v {
            c.positive(&format!("ufh.start.{name}"), v);
        }
    }
    if u.anti_xa_nomogram.input != NomogramInput::AntiXa {
        c.fail("ufh.anti_xa_nomogram.input", "must be AntiXa");
    }
    if u.aptt_nomogram.input != NomogramInput::ApttRatio {
        c.fail("ufh.aptt_nomogram.input", "must be ApttRatio");
    }
    c.nomogram("ufh.anti_xa_nomogram", &u.anti_xa_nomogram, u.anti_xa_target.range());
    c.nomogram("ufh.aptt_nomogram", &u.aptt_nomogram, u.aptt_target_ratio.range());
    c.positive(
        "ufh.concentration_units_per_ml.value",
        u.concentration_units_per_ml.value,
    );
    c.source(
        "ufh.concentration_units_per_ml.source",
        &u.concentration_units_per_ml.source,
    );
    if let Some(soft) = p.plausibility.ufh_rate_units_per_kg_per_h.hard_max
        && u.start.rate_units_per_kg_per_h > soft
    {
        c.fail(
            "ufh.start.rate_units_per_kg_per_h",
            format!("start rate is above the hard limit {soft} units/kg/h"),
        );
    }
}

pub(super) fn antithrombin(c: &mut Checker, p: &RawProtocol) {
    let at = &p.antithrombin;
    for (name, s) in [
        ("deficiency_below_percent", &at.deficiency_below_percent),
        ("severe_below_percent", &at.severe_below_percent),
    ] {
        c.positive(&format!("antithrombin.{name}.value"), s.value);
        c.source(&format!("antithrombin.{name}.source"), &s.source);
    }
    if at.severe_below_percent.value >= at.deficiency_below_percent.value {
        c.fail(
            "antithrombin.severe_below_percent.value",
            "severe threshold must be below the deficiency threshold",
        );
    }
    c.source("antithrombin.caveat.source", &at.caveat.source);
    let pd = &at.plasma_derived;
    c.source("antithrombin.plasma_derived.source", &pd.source);
    c.positive(
        "antithrombin.plasma_derived.recovery_percent_per_unit_per_kg",
        pd.recovery_percent_per_unit_per_kg,
    );
    c.positive("antithrombin.plasma_derived.target_percent", pd.target_percent);
    c.positive(
        "antithrombin.plasma_derived.load_target_percent",
        pd.load_target_percent,
    );
    c.range(
        "antithrombin.plasma_derived.maintenance_range_percent",
        pd.maintenance_range_percent,
    );
    if !(pd.maintenance_range_percent.low..=pd.maintenance_range_percent.high).contains(&pd.target_percent) {
        c.fail(
            "antithrombin.plasma_derived.target_percent",
            "target must lie in the maintenance range",
        );
    }
    c.fraction(
        "antithrombin.plasma_derived.maintenance_fraction_per_24h",
        pd.maintenance_fraction_per_24h,
    );
    vials(c, "antithrombin.plasma_derived.vial_units", &pd.vial_units);
    c.positive(
        "antithrombin.plasma_derived.ecmo_observed_recovery_percent_per_unit_per_kg.value",
        pd.ecmo_observed_recovery_percent_per_unit_per_kg.value,
    );
    c.source(
        "antithrombin.plasma_derived.ecmo_observed_recovery_percent_per_unit_per_kg.source",
        &pd.ecmo_observed_recovery_percent_per_unit_per_kg.source,
    );
    let rc = &at.recombinant;
    c.source("antithrombin.recombinant.source", &rc.source);
    for (name, v) in [
        ("load_divisor", rc.load_divisor),
        ("maintenance_divisor", rc.maintenance_divisor),
        ("pregnancy_load_divisor", rc.pregnancy_load_divisor),
        ("pregnancy_maintenance_divisor", rc.pregnancy_maintenance_divisor),
        ("target_percent", rc.target_percent),
    ] {
        c.positive(&format!("antithrombin.recombinant.{name}"), v);
    }
    vials(c, "antithrombin.recombinant.vial_units", &rc.vial_units);
    c.source("antithrombin.plasma.source", &at.plasma.source);
    c.positive("antithrombin.plasma.at_units_per_ml", at.plasma.at_units_per_ml);
    c.range("antithrombin.plasma.dose_ml_per_kg", at.plasma.dose_ml_per_kg);
}

pub(super) fn hit(c: &mut Checker, p: &RawProtocol) {
    let h = &p.hit;
    c.source("hit.source", &h.source);
    if !(h.low_max < h.intermediate_max && h.intermediate_max < 8) {
        c.fail(
            "hit.intermediate_max",
            "bands must be ordered: low_max < intermediate_max < 8",
        );
    }
    if h.suspect_from == 0 || h.suspect_from > 8 {
        c.fail("hit.suspect_from", "must be a 4Ts score from 1 to 8");
    }
    if h.fall_one_point_from_percent >= h.fall_two_points_above_percent {
        c.fail(
            "hit.fall_one_point_from_percent",
            "must be below fall_two_points_above_percent",
        );
    }
    if h.nadir_one_point_from >= h.nadir_two_points_from {
        c.fail("hit.nadir_one_point_from", "must be below nadir_two_points_from");
    }
    c.range("hit.typical_onset_days", h.typical_onset_days);
    c.positive("hit.rapid_onset_within_days", h.rapid_onset_within_days);
    c.positive("hit.recent_exposure_days", h.recent_exposure_days);
    if h.older_exposure_within_days <= h.recent_exposure_days {
        c.fail(
            "hit.older_exposure_within_days",
            "must be above recent_exposure_days (Lo 2006: 30–100 days)",
        );
    }
}

pub(super) fn dti(c: &mut Checker, p: &RawProtocol) {
    c.source("dti.preference.source", &p.dti.preference.source);
    c.positive(
        "dti.renal_impairment_below_crcl_ml_min.value",
        p.dti.renal_impairment_below_crcl_ml_min.value,
    );
    c.source(
        "dti.renal_impairment_below_crcl_ml_min.source",
        &p.dti.renal_impairment_below_crcl_ml_min.source,
    );
    c.source("dti.hepatic_rule_source", &p.dti.hepatic_rule_source);
    c.source("dti.low_flow_rule_source", &p.dti.low_flow_rule_source);
}

pub(super) fn bypass(c: &mut Checker, p: &RawProtocol) {
    let is_cpb = p.settings.contains(&Setting::Cpb);
    match (&p.bypass, is_cpb) {
        (None, true) => c.fail("bypass", "a protocol for the cpb setting needs a bypass section"),
        (Some(b), _) => {
            for (name, s) in [
                ("initial_heparin_units_per_kg", &b.initial_heparin_units_per_kg),
                ("target_act_s", &b.target_act_s),
                ("resistance_units_per_kg", &b.resistance_units_per_kg),
                ("dose_response_valid_to_act_s", &b.dose_response_valid_to_act_s),
                (
                    "low_sensitivity_below_s_per_unit_per_kg",
                    &b.low_sensitivity_below_s_per_unit_per_kg,
                ),
                ("at_dose_units", &b.at_dose_units),
                ("recombinant_at_units_per_kg", &b.recombinant_at_units_per_kg),
                ("andexanet_at_units_per_kg", &b.andexanet_at_units_per_kg),
            ] {
                c.positive(&format!("bypass.{name}.value"), s.value);
                c.source(&format!("bypass.{name}.source"), &s.source);
            }
            c.source("bypass.hit_agent.source", &b.hit_agent.source);
            c.text("bypass.more_heparin_outcome", &b.more_heparin_outcome);
            let pr = &b.protamine;
            c.source("bypass.protamine.source", &pr.source);
            c.positive("bypass.protamine.mg_per_100_units", pr.mg_per_100_units);
            c.positive("bypass.protamine.max_mg_per_10_min", pr.max_mg_per_10_min);
            c.positive("bypass.protamine.max_total_mg_per_kg", pr.max_total_mg_per_kg);
            if pr.infusion_hour_fractions.is_empty() {
                c.fail("bypass.protamine.infusion_hour_fractions", "list at least one hour");
            }
            for (i, f) in pr.infusion_hour_fractions.iter().enumerate() {
                c.fraction(&format!("bypass.protamine.infusion_hour_fractions[{i}]"), *f);
            }
        }
        (None, false) => {}
    }
}

pub(super) fn vials(c: &mut Checker, path: &str, sizes: &[f64]) {
    if sizes.is_empty() {
        c.fail(path, "list at least one vial size");
    }
    for (i, v) in sizes.iter().enumerate() {
        c.positive(&format!("{path}[{i}]"), *v);
    }
}
