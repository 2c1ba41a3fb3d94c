//! The protocol's sections, checked one by one.

use super::Checker;
use crate::model::Setting;
use crate::protocol::schema::{NomogramInput, RawProtocol};

pub(super) fn plausibility(c: &mut Checker, p: &RawProtocol) {
    let pl = &p.plausibility;
    c.sourced_positive("plausibility.adult_weight_below_kg", &pl.adult_weight_below_kg);
    c.sourced_positive(
        "plausibility.weight_change_above_percent",
        &pl.weight_change_above_percent,
    );
    for (name, limits) in [
        ("weight_kg", &pl.weight_kg),
        ("height_cm", &pl.height_cm),
        ("aptt_s", &pl.aptt_s),
        ("anti_xa_units_per_ml", &pl.anti_xa_units_per_ml),
        ("antithrombin_percent", &pl.antithrombin_percent),
        ("act_s", &pl.act_s),
        ("platelets", &pl.platelets),
        ("fibrinogen_g_per_l", &pl.fibrinogen_g_per_l),
        ("inr", &pl.inr),
        ("ufh_bolus_units", &pl.ufh_bolus_units),
        ("ufh_bolus_units_per_kg", &pl.ufh_bolus_units_per_kg),
        ("ufh_rate_units_per_kg_per_h", &pl.ufh_rate_units_per_kg_per_h),
        ("ufh_rate_units_per_h", &pl.ufh_rate_units_per_h),
        ("argatroban_mcg_per_kg_per_min", &pl.argatroban_mcg_per_kg_per_min),
        ("bivalirudin_mg_per_kg_per_h", &pl.bivalirudin_mg_per_kg_per_h),
        ("antithrombin_units", &pl.antithrombin_units),
        ("antithrombin_units_per_kg", &pl.antithrombin_units_per_kg),
        ("protamine_mg", &pl.protamine_mg),
        ("protamine_mg_per_kg", &pl.protamine_mg_per_kg),
        ("ffp_ml", &pl.ffp_ml),
    ] {
        c.limits(&format!("plausibility.{name}"), limits);
    }
    // Every dose and rate has a hard limit (clinical reference §12, rev 2).
    for (name, limits) in [
        ("ufh_rate_units_per_kg_per_h", &pl.ufh_rate_units_per_kg_per_h),
        ("ufh_rate_units_per_h", &pl.ufh_rate_units_per_h),
        ("ufh_bolus_units_per_kg", &pl.ufh_bolus_units_per_kg),
        ("argatroban_mcg_per_kg_per_min", &pl.argatroban_mcg_per_kg_per_min),
        ("bivalirudin_mg_per_kg_per_h", &pl.bivalirudin_mg_per_kg_per_h),
        ("antithrombin_units", &pl.antithrombin_units),
        ("protamine_mg", &pl.protamine_mg),
        ("ffp_ml", &pl.ffp_ml),
    ] {
        if limits.hard_max.is_none() && limits.hard_from.is_none() {
            c.fail(
                format!("plausibility.{name}"),
                "every dose and rate needs a hard upper limit (hard_max or hard_from)",
            );
        }
    }
}

pub(super) fn dosing_weight(c: &mut Checker, p: &RawProtocol) {
    let d = &p.dosing_weight;
    for (name, w) in [
        ("heparin", &d.heparin),
        ("direct_thrombin_inhibitors", &d.direct_thrombin_inhibitors),
        ("antithrombin", &d.antithrombin),
    ] {
        c.source(&format!("dosing_weight.{name}.source"), &w.source);
        if let Some(cap) = w.cap_kg {
            c.positive(&format!("dosing_weight.{name}.cap_kg"), cap);
        }
    }
    let b = &d.body_weight;
    for (name, v) in [
        ("ibw_male_base_kg", b.ibw_male_base_kg),
        ("ibw_female_base_kg", b.ibw_female_base_kg),
        ("ibw_kg_per_cm", b.ibw_kg_per_cm),
        ("ibw_from_cm", b.ibw_from_cm),
    ] {
        c.positive(&format!("dosing_weight.body_weight.{name}"), v);
    }
    c.fraction("dosing_weight.body_weight.adjusted_fraction", b.adjusted_fraction);
    c.source("dosing_weight.body_weight.source", &b.source);
}

pub(super) fn bleeding_risk(c: &mut Checker, p: &RawProtocol) {
    let b = &p.bleeding_risk;
    c.positive("bleeding_risk.platelets_below", b.platelets_below);
    c.positive("bleeding_risk.fibrinogen_below_g_per_l", b.fibrinogen_below_g_per_l);
    c.positive("bleeding_risk.inr_above", b.inr_above);
    c.source("bleeding_risk.source", &b.source);
}

pub(super) fn other_options(c: &mut Checker, p: &RawProtocol) {
    let Some(o) = &p.other_options else {
        return;
    };
    if !p.settings.contains(&Setting::Icu) || p.settings.len() > 1 {
        c.fail(
            "other_options",
            "fondaparinux, danaparoid and DOACs are shown in the ICU setting only (never on ECMO or bypass): set other_options: None",
        );
    }
    let f = &o.fondaparinux;
    for (name, v) in [
        ("below_kg", f.below_kg),
        ("mg_below", f.mg_below),
        ("up_to_kg", f.up_to_kg),
        ("mg_middle", f.mg_middle),
        ("mg_above", f.mg_above),
        ("avoid_below_crcl_ml_min", f.avoid_below_crcl_ml_min),
    ] {
        c.positive(&format!("other_options.fondaparinux.{name}"), v);
    }
    if f.below_kg > f.up_to_kg {
        c.fail("other_options.fondaparinux.up_to_kg", "weight bands must rise");
    }
    c.source("other_options.fondaparinux.source", &f.source);
    c.source("other_options.danaparoid.source", &o.danaparoid.source);
    c.source("other_options.doac.source", &o.doac.source);
    c.text("other_options.resistance_caveat", &o.resistance_caveat);
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
    c.source("monitoring.aptt_fit_min_pairs.source", &m.aptt_fit_min_pairs.source);
    if m.aptt_fit_min_pairs.value < 3 {
        c.fail("monitoring.aptt_fit_min_pairs.value", "a line needs at least 3 pairs");
    }
    c.sourced_positive("monitoring.aptt_fit_min_span_h", &m.aptt_fit_min_span_h);
    c.sourced_positive("monitoring.lab_control_aptt_s", &m.lab_control_aptt_s);
    c.sourced_positive("monitoring.aptt_reference_upper_s", &m.aptt_reference_upper_s);
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
    c.sourced_positive("resistance.new_course_after_gap_h", &r.new_course_after_gap_h);
    c.sourced_positive(
        "resistance.suspected_exposure_units_per_kg_per_h",
        &r.suspected_exposure_units_per_kg_per_h,
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
    c.sourced_positive(
        "discordance.interference_triglycerides_mg_per_dl",
        &d.interference_triglycerides_mg_per_dl,
    );
    c.sourced_positive(
        "discordance.interference_triglycerides_within_h",
        &d.interference_triglycerides_within_h,
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
    if let Some(r) = &u.aptt_calibrated_range_s {
        c.sourced_range("ufh.aptt_calibrated_range_s", r);
    }
    c.sourced_positive("ufh.aptt_hold_above_s", &u.aptt_hold_above_s);
    c.sourced_positive(
        "ufh.minimum_rate_units_per_kg_per_h",
        &u.minimum_rate_units_per_kg_per_h,
    );
    if u.minimum_rate_units_per_kg_per_h.value >= u.start.rate_units_per_kg_per_h {
        c.fail(
            "ufh.minimum_rate_units_per_kg_per_h.value",
            "the minimum rate must be below the start rate",
        );
    }
    c.positive("ufh.bolus_cap.max_units", u.bolus_cap.max_units);
    if let Some(v) = u.bolus_cap.max_units_per_kg {
        c.positive("ufh.bolus_cap.max_units_per_kg", v);
    }
    c.source("ufh.bolus_cap.source", &u.bolus_cap.source);
    c.positive("ufh.no_timed_restart.aptt_above_s", u.no_timed_restart.aptt_above_s);
    c.positive("ufh.no_timed_restart.anti_xa_from", u.no_timed_restart.anti_xa_from);
    c.source("ufh.no_timed_restart.source", &u.no_timed_restart.source);
    for (name, v) in [
        ("bolus_units_per_kg", u.start.bolus_units_per_kg),
        ("bolus_max_units", u.start.bolus_max_units),
        ("rate_max_units_per_h", u.start.rate_max_units_per_h),
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
    c.bag("ufh", &u.bag, u.concentration_label.as_ref());
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
    c.sourced_positive("antithrombin.decide_after_dose_h", &at.decide_after_dose_h);
    c.sourced_positive(
        "antithrombin.vial_round_up_short_percent",
        &at.vial_round_up_short_percent,
    );
    let reference = &at.supplemented_assay_reference;
    c.range(
        "antithrombin.supplemented_assay_reference.factor_viii_percent",
        reference.factor_viii_percent,
    );
    c.range(
        "antithrombin.supplemented_assay_reference.fibrinogen_g_per_l",
        reference.fibrinogen_g_per_l,
    );
    c.source("antithrombin.supplemented_assay_reference.source", &reference.source);
    c.text(
        "antithrombin.heparin_potentiation_caveat",
        &at.heparin_potentiation_caveat,
    );
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
    let d = &p.dti;
    c.sourced_positive(
        "dti.hepatic_bilirubin_above_mg_per_dl",
        &d.hepatic_bilirubin_above_mg_per_dl,
    );
    c.sourced_positive("dti.hepatic_bilirubin_max_age_h", &d.hepatic_bilirubin_max_age_h);
    c.positive("dti.hold_above.ratio", d.hold_above.ratio);
    c.positive("dti.hold_above.max_s", d.hold_above.max_s);
    c.source("dti.hold_above.source", &d.hold_above.source);
    c.fraction(
        "dti.titration_margin_baseline_fraction.value",
        d.titration_margin_baseline_fraction.value,
    );
    c.source(
        "dti.titration_margin_baseline_fraction.source",
        &d.titration_margin_baseline_fraction.source,
    );
    c.sourced_positive(
        "dti.aptt_unreliable_baseline_above_ratio",
        &d.aptt_unreliable_baseline_above_ratio,
    );
    c.text("dti.pregnancy_caveat", &d.pregnancy_caveat);
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
            for (name, s) in [
                ("bypass_bolus_from_units_per_kg", &b.bypass_bolus_from_units_per_kg),
                ("baseline_act_within_min", &b.baseline_act_within_min),
                ("heparin_free_after_h", &b.heparin_free_after_h),
                ("max_additional_units_per_kg", &b.max_additional_units_per_kg),
                ("max_cumulative_units_per_kg", &b.max_cumulative_units_per_kg),
                ("session_gap_h", &b.session_gap_h),
                ("preoperative_at_within_h", &b.preoperative_at_within_h),
            ] {
                c.sourced_positive(&format!("bypass.{name}"), s);
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
