//! The second loading stage: a raw file that passed [`super::validate`] becomes the typed
//! [`Protocol`]. Each number becomes its quantity; a number the quantity refuses (which validation
//! should already have reported) is reported with its field path, never replaced by a default.

use super::rules::{
    Antithrombin, Argatroban, ArgatrobanStep, ArgatrobanTitration, Bivalirudin, BivalirudinStartRow,
    BivalirudinTitration, BleedingRisk, BodyWeight, BolusCap, Bypass, Discordance, DosingWeight, DosingWeights,
    DtiChoice, Fondaparinux, HitScore, HoldAbove, Monitoring, NoTimedRestart, Nomogram, NomogramRow, OtherOption,
    OtherOptions, PlasmaAt, PlasmaDerivedAt, Plausibility, Protamine, RecombinantAt, Resistance, Sourced, Ufh,
    UfhStart,
};
use super::schema::{
    RawAntithrombin, RawArgatroban, RawArgatrobanStep, RawBivalirudin, RawBypass, RawDosingWeight, RawNomogram,
    RawOption, RawOtherOptions, RawPlausibility, RawProtocol, RawUfh,
};
use super::{Protocol, ProtocolProblem};
use crate::model::Population;

mod rev3;
mod values;

use rev3::{other_anticoagulants, safety};
use values::{Built, bag_concentration, bag_label, limits, list, opt, q, range, sourced, sourced_range};

fn plausibility(p: &RawPlausibility) -> Built<Plausibility> {
    let path = |name: &str| format!("plausibility.{name}");
    Ok(Plausibility {
        weight_kg: limits(&path("weight_kg"), &p.weight_kg)?,
        adult_weight_below_kg: sourced(&path("adult_weight_below_kg"), &p.adult_weight_below_kg)?,
        weight_change_above_percent: sourced(&path("weight_change_above_percent"), &p.weight_change_above_percent)?,
        height_cm: limits(&path("height_cm"), &p.height_cm)?,
        aptt_s: limits(&path("aptt_s"), &p.aptt_s)?,
        anti_xa_units_per_ml: limits(&path("anti_xa_units_per_ml"), &p.anti_xa_units_per_ml)?,
        antithrombin_percent: limits(&path("antithrombin_percent"), &p.antithrombin_percent)?,
        act_s: limits(&path("act_s"), &p.act_s)?,
        platelets: limits(&path("platelets"), &p.platelets)?,
        fibrinogen_g_per_l: limits(&path("fibrinogen_g_per_l"), &p.fibrinogen_g_per_l)?,
        inr: limits(&path("inr"), &p.inr)?,
        ufh_bolus_units: limits(&path("ufh_bolus_units"), &p.ufh_bolus_units)?,
        ufh_bolus_units_per_kg: limits(&path("ufh_bolus_units_per_kg"), &p.ufh_bolus_units_per_kg)?,
        ufh_rate_units_per_kg_per_h: limits(&path("ufh_rate_units_per_kg_per_h"), &p.ufh_rate_units_per_kg_per_h)?,
        ufh_rate_units_per_h: limits(&path("ufh_rate_units_per_h"), &p.ufh_rate_units_per_h)?,
        argatroban_mcg_per_kg_per_min: limits(
            &path("argatroban_mcg_per_kg_per_min"),
            &p.argatroban_mcg_per_kg_per_min,
        )?,
        bivalirudin_mg_per_kg_per_h: limits(&path("bivalirudin_mg_per_kg_per_h"), &p.bivalirudin_mg_per_kg_per_h)?,
        antithrombin_units: limits(&path("antithrombin_units"), &p.antithrombin_units)?,
        antithrombin_units_per_kg: limits(&path("antithrombin_units_per_kg"), &p.antithrombin_units_per_kg)?,
        protamine_mg: limits(&path("protamine_mg"), &p.protamine_mg)?,
        protamine_mg_per_kg: limits(&path("protamine_mg_per_kg"), &p.protamine_mg_per_kg)?,
        ffp_ml: limits(&path("ffp_ml"), &p.ffp_ml)?,
    })
}

fn dosing_weight(path: &str, d: &RawDosingWeight) -> Built<DosingWeight> {
    Ok(DosingWeight {
        basis: d.basis,
        cap_kg: opt(&format!("{path}.cap_kg"), d.cap_kg)?,
        source: d.source.clone(),
    })
}

fn dosing_weights(raw: &RawProtocol) -> Built<DosingWeights> {
    let d = &raw.dosing_weight;
    let b = &d.body_weight;
    let path = |name: &str| format!("dosing_weight.body_weight.{name}");
    Ok(DosingWeights {
        heparin: dosing_weight("dosing_weight.heparin", &d.heparin)?,
        direct_thrombin_inhibitors: dosing_weight(
            "dosing_weight.direct_thrombin_inhibitors",
            &d.direct_thrombin_inhibitors,
        )?,
        antithrombin: dosing_weight("dosing_weight.antithrombin", &d.antithrombin)?,
        body_weight: BodyWeight {
            ibw_male_base_kg: q(&path("ibw_male_base_kg"), b.ibw_male_base_kg)?,
            ibw_female_base_kg: q(&path("ibw_female_base_kg"), b.ibw_female_base_kg)?,
            ibw_kg_per_cm: b.ibw_kg_per_cm,
            ibw_from_cm: q(&path("ibw_from_cm"), b.ibw_from_cm)?,
            adjusted_fraction: q(&path("adjusted_fraction"), b.adjusted_fraction)?,
            source: b.source.clone(),
        },
    })
}

fn bleeding_risk(raw: &RawProtocol) -> Built<BleedingRisk> {
    let b = &raw.bleeding_risk;
    Ok(BleedingRisk {
        platelets_below: q("bleeding_risk.platelets_below", b.platelets_below)?,
        fibrinogen_below: q("bleeding_risk.fibrinogen_below_g_per_l", b.fibrinogen_below_g_per_l)?,
        inr_above: q("bleeding_risk.inr_above", b.inr_above)?,
        source: b.source.clone(),
    })
}

fn monitoring(raw: &RawProtocol) -> Built<Monitoring> {
    let m = &raw.monitoring;
    let path = |name: &str| format!("monitoring.{name}");
    Ok(Monitoring {
        pairing_window_min: sourced(&path("pairing_window_min"), &m.pairing_window_min)?,
        lab_max_age_h: sourced(&path("lab_max_age_h"), &m.lab_max_age_h)?,
        ufh_recheck_h: sourced(&path("ufh_recheck_h"), &m.ufh_recheck_h)?,
        ufh_in_range_before_daily: m.ufh_in_range_before_daily.clone(),
        daily_interval_h: sourced(&path("daily_interval_h"), &m.daily_interval_h)?,
        dti_recheck_h: sourced(&path("dti_recheck_h"), &m.dti_recheck_h)?,
        at_recheck_after_dose_min: Sourced {
            value: list(
                &path("at_recheck_after_dose_min.value"),
                &m.at_recheck_after_dose_min.value,
            )?,
            source: m.at_recheck_after_dose_min.source.clone(),
        },
        at_interval_while_resistant_h: sourced(
            &path("at_interval_while_resistant_h"),
            &m.at_interval_while_resistant_h,
        )?,
        platelets_interval_h: sourced(&path("platelets_interval_h"), &m.platelets_interval_h)?,
        aptt_calibration_anti_xa: sourced_range(&path("aptt_calibration_anti_xa"), &m.aptt_calibration_anti_xa)?,
        aptt_fit_min_pairs: m.aptt_fit_min_pairs.clone(),
        aptt_fit_min_span_h: sourced(&path("aptt_fit_min_span_h"), &m.aptt_fit_min_span_h)?,
        lab_control_aptt_s: sourced(&path("lab_control_aptt_s"), &m.lab_control_aptt_s)?,
        aptt_reference_upper_s: sourced(&path("aptt_reference_upper_s"), &m.aptt_reference_upper_s)?,
    })
}

fn resistance(raw: &RawProtocol) -> Built<Resistance> {
    let r = &raw.resistance;
    Ok(Resistance {
        r1_units_per_24h: sourced("resistance.r1_units_per_24h", &r.r1_units_per_24h)?,
        r2_adult_units_per_kg_per_h: sourced("resistance.r2_adult_units_per_kg_per_h", &r.r2_adult_units_per_kg_per_h)?,
        r2_pediatric_units_per_kg_per_h: sourced(
            "resistance.r2_pediatric_units_per_kg_per_h",
            &r.r2_pediatric_units_per_kg_per_h,
        )?,
        r3_consecutive_below_target: r.r3_consecutive_below_target.clone(),
        new_course_after_gap_h: sourced("resistance.new_course_after_gap_h", &r.new_course_after_gap_h)?,
        suspected_exposure_units_per_kg_per_h: sourced(
            "resistance.suspected_exposure_units_per_kg_per_h",
            &r.suspected_exposure_units_per_kg_per_h,
        )?,
    })
}

fn discordance(raw: &RawProtocol) -> Built<Discordance> {
    let d = &raw.discordance;
    Ok(Discordance {
        patterns_source: d.patterns_source.clone(),
        interference_plasma_free_hb_mg_per_dl: sourced(
            "discordance.interference_plasma_free_hb_mg_per_dl",
            &d.interference_plasma_free_hb_mg_per_dl,
        )?,
        interference_bilirubin_mg_per_dl: sourced(
            "discordance.interference_bilirubin_mg_per_dl",
            &d.interference_bilirubin_mg_per_dl,
        )?,
        interference_triglycerides_mg_per_dl: sourced(
            "discordance.interference_triglycerides_mg_per_dl",
            &d.interference_triglycerides_mg_per_dl,
        )?,
        interference_triglycerides_within_h: sourced(
            "discordance.interference_triglycerides_within_h",
            &d.interference_triglycerides_within_h,
        )?,
        coagulopathy_outcome_caveat: d.coagulopathy_outcome_caveat.clone(),
    })
}

fn nomogram(path: &str, n: &RawNomogram) -> Built<Nomogram> {
    let target_row = n
        .rows
        .iter()
        .position(|r| r.bolus_units_per_kg == 0.0 && r.hold_min == 0.0 && r.rate_change_units_per_kg_per_h == 0.0)
        .ok_or_else(|| ProtocolProblem {
            path: format!("{path}.rows"),
            line: None,
            column: None,
            message: "table has no 'no change' row for the target".to_owned(),
        })?;
    let rows = n
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let row = format!("{path}.rows[{i}]");
            Ok(NomogramRow {
                from: r.from,
                to: r.to,
                bolus_units_per_kg: q(&format!("{row}.bolus_units_per_kg"), r.bolus_units_per_kg)?,
                hold_min: q(&format!("{row}.hold_min"), r.hold_min)?,
                rate_change_units_per_kg_per_h: r.rate_change_units_per_kg_per_h,
                recheck_h: q(&format!("{row}.recheck_h"), r.recheck_h)?,
            })
        })
        .collect::<Built<Vec<_>>>()?;
    Ok(Nomogram {
        name: n.name.clone(),
        input: n.input,
        validated: n.validated,
        source: n.source.clone(),
        rows,
        target_row,
    })
}

fn ufh(u: &RawUfh) -> Built<Ufh> {
    let s = &u.start;
    Ok(Ufh {
        monitoring_assay: u.monitoring_assay,
        anti_xa_target: sourced_range("ufh.anti_xa_target", &u.anti_xa_target)?,
        aptt_target_ratio: sourced_range("ufh.aptt_target_ratio", &u.aptt_target_ratio)?,
        start: UfhStart {
            bolus_units_per_kg: opt("ufh.start.bolus_units_per_kg", s.bolus_units_per_kg)?,
            bolus_max_units: opt("ufh.start.bolus_max_units", s.bolus_max_units)?,
            rate_units_per_kg_per_h: q("ufh.start.rate_units_per_kg_per_h", s.rate_units_per_kg_per_h)?,
            rate_max_units_per_h: opt("ufh.start.rate_max_units_per_h", s.rate_max_units_per_h)?,
            source: s.source.clone(),
        },
        aptt_calibrated_range_s: u
            .aptt_calibrated_range_s
            .as_ref()
            .map(|r| sourced_range("ufh.aptt_calibrated_range_s", r))
            .transpose()?,
        aptt_hold_above_s: sourced("ufh.aptt_hold_above_s", &u.aptt_hold_above_s)?,
        minimum_rate_units_per_kg_per_h: sourced(
            "ufh.minimum_rate_units_per_kg_per_h",
            &u.minimum_rate_units_per_kg_per_h,
        )?,
        bolus_cap: BolusCap {
            max_units: q("ufh.bolus_cap.max_units", u.bolus_cap.max_units)?,
            max_units_per_kg: opt("ufh.bolus_cap.max_units_per_kg", u.bolus_cap.max_units_per_kg)?,
            source: u.bolus_cap.source.clone(),
        },
        no_timed_restart: NoTimedRestart {
            aptt_above_s: q("ufh.no_timed_restart.aptt_above_s", u.no_timed_restart.aptt_above_s)?,
            anti_xa_from: q("ufh.no_timed_restart.anti_xa_from", u.no_timed_restart.anti_xa_from)?,
            source: u.no_timed_restart.source.clone(),
        },
        anti_xa_nomogram: nomogram("ufh.anti_xa_nomogram", &u.anti_xa_nomogram)?,
        aptt_nomogram: nomogram("ufh.aptt_nomogram", &u.aptt_nomogram)?,
        concentration_units_per_ml: bag_concentration("ufh.bag", &u.bag)?,
        concentration_label: bag_label("heparin", &u.bag, "units", "units/mL"),
    })
}

fn antithrombin(a: &RawAntithrombin) -> Built<Antithrombin> {
    let pd = &a.plasma_derived;
    let rc = &a.recombinant;
    let p = "antithrombin.plasma_derived";
    let r = "antithrombin.recombinant";
    Ok(Antithrombin {
        deficiency_below_percent: sourced("antithrombin.deficiency_below_percent", &a.deficiency_below_percent)?,
        severe_below_percent: sourced("antithrombin.severe_below_percent", &a.severe_below_percent)?,
        decide_after_dose_h: sourced("antithrombin.decide_after_dose_h", &a.decide_after_dose_h)?,
        heparin_potentiation_caveat: a.heparin_potentiation_caveat.clone(),
        vial_round_up_short_percent: sourced(
            "antithrombin.vial_round_up_short_percent",
            &a.vial_round_up_short_percent,
        )?,
        supplemented_assay_reference: super::rules::SupplementedAssayReference {
            factor_viii_percent: range(
                "antithrombin.supplemented_assay_reference.factor_viii_percent",
                a.supplemented_assay_reference.factor_viii_percent,
            )?,
            fibrinogen_g_per_l: range(
                "antithrombin.supplemented_assay_reference.fibrinogen_g_per_l",
                a.supplemented_assay_reference.fibrinogen_g_per_l,
            )?,
            source: a.supplemented_assay_reference.source.clone(),
        },
        caveat: a.caveat.clone(),
        plasma_derived: PlasmaDerivedAt {
            product: pd.product.clone(),
            recovery_percent_per_unit_per_kg: q(
                &format!("{p}.recovery_percent_per_unit_per_kg"),
                pd.recovery_percent_per_unit_per_kg,
            )?,
            target_percent: q(&format!("{p}.target_percent"), pd.target_percent)?,
            maintenance_range_percent: range(&format!("{p}.maintenance_range_percent"), pd.maintenance_range_percent)?,
            load_target_percent: q(&format!("{p}.load_target_percent"), pd.load_target_percent)?,
            maintenance_fraction_per_24h: q(
                &format!("{p}.maintenance_fraction_per_24h"),
                pd.maintenance_fraction_per_24h,
            )?,
            vial_units: list(&format!("{p}.vial_units"), &pd.vial_units)?,
            ecmo_observed_recovery_percent_per_unit_per_kg: sourced(
                &format!("{p}.ecmo_observed_recovery_percent_per_unit_per_kg"),
                &pd.ecmo_observed_recovery_percent_per_unit_per_kg,
            )?,
            source: pd.source.clone(),
        },
        recombinant: RecombinantAt {
            product: rc.product.clone(),
            load_divisor: q(&format!("{r}.load_divisor"), rc.load_divisor)?,
            maintenance_divisor: q(&format!("{r}.maintenance_divisor"), rc.maintenance_divisor)?,
            pregnancy_load_divisor: q(&format!("{r}.pregnancy_load_divisor"), rc.pregnancy_load_divisor)?,
            pregnancy_maintenance_divisor: q(
                &format!("{r}.pregnancy_maintenance_divisor"),
                rc.pregnancy_maintenance_divisor,
            )?,
            target_percent: q(&format!("{r}.target_percent"), rc.target_percent)?,
            vial_units: list(&format!("{r}.vial_units"), &rc.vial_units)?,
            source: rc.source.clone(),
        },
        plasma: PlasmaAt {
            at_units_per_ml: q("antithrombin.plasma.at_units_per_ml", a.plasma.at_units_per_ml)?,
            dose_ml_per_kg: range("antithrombin.plasma.dose_ml_per_kg", a.plasma.dose_ml_per_kg)?,
            source: a.plasma.source.clone(),
        },
    })
}

fn hit(raw: &RawProtocol) -> Built<HitScore> {
    let h = &raw.hit;
    Ok(HitScore {
        fall_two_points_above_percent: q("hit.fall_two_points_above_percent", h.fall_two_points_above_percent)?,
        fall_one_point_from_percent: q("hit.fall_one_point_from_percent", h.fall_one_point_from_percent)?,
        nadir_two_points_from: q("hit.nadir_two_points_from", h.nadir_two_points_from)?,
        nadir_one_point_from: q("hit.nadir_one_point_from", h.nadir_one_point_from)?,
        typical_onset_days: range("hit.typical_onset_days", h.typical_onset_days)?,
        possible_onset_from_day: q("hit.possible_onset_from_day", h.possible_onset_from_day)?,
        rapid_onset_within_days: q("hit.rapid_onset_within_days", h.rapid_onset_within_days)?,
        recent_exposure_days: q("hit.recent_exposure_days", h.recent_exposure_days)?,
        older_exposure_within_days: q("hit.older_exposure_within_days", h.older_exposure_within_days)?,
        low_max: h.low_max,
        intermediate_max: h.intermediate_max,
        suspect_from: h.suspect_from,
        mechanical_support_caveat: h.mechanical_support_caveat.clone(),
        source: h.source.clone(),
    })
}

fn step(s: &RawArgatrobanStep) -> ArgatrobanStep {
    ArgatrobanStep {
        critically_ill: s.critically_ill,
        normal_hepatic: s.normal_hepatic,
    }
}

fn argatroban(a: &RawArgatroban) -> Built<Argatroban> {
    let path = |name: &str| format!("argatroban.{name}");
    let t = &a.titration;
    let tpath = |name: &str| format!("argatroban.titration.{name}");
    let titration = ArgatrobanTitration {
        far_below: step(&t.far_below),
        near_below: step(&t.near_below),
        above_target_hold_min: q(&tpath("above_target_hold_min"), t.above_target_hold_min)?,
        above_target: step(&t.above_target),
        above_cap_recheck_h: q(&tpath("above_cap_recheck_h"), t.above_cap_recheck_h)?,
        above_cap_recheck_hepatic_h: q(&tpath("above_cap_recheck_hepatic_h"), t.above_cap_recheck_hepatic_h)?,
        above_cap_restart_fraction: q(&tpath("above_cap_restart_fraction"), t.above_cap_restart_fraction)?,
        above_cap_source: t.above_cap_source.clone(),
        small_rate_below: q(&tpath("small_rate_below"), t.small_rate_below)?,
        small_rate_max_increase_fraction: q(
            &tpath("small_rate_max_increase_fraction"),
            t.small_rate_max_increase_fraction,
        )?,
        small_rate_source: t.small_rate_source.clone(),
    };
    Ok(Argatroban {
        concentration_mg_per_ml: bag_concentration("argatroban.bag", &a.bag)?,
        concentration_label: bag_label("argatroban", &a.bag, "mg", "mg/mL"),
        start_mcg_per_kg_per_min: sourced(&path("start_mcg_per_kg_per_min"), &a.start_mcg_per_kg_per_min)?,
        start_hepatic_mcg_per_kg_per_min: sourced(
            &path("start_hepatic_mcg_per_kg_per_min"),
            &a.start_hepatic_mcg_per_kg_per_min,
        )?,
        label_start_mcg_per_kg_per_min: sourced(
            &path("label_start_mcg_per_kg_per_min"),
            &a.label_start_mcg_per_kg_per_min,
        )?,
        label_start_caveat: a.label_start_caveat.clone(),
        max_mcg_per_kg_per_min: sourced(&path("max_mcg_per_kg_per_min"), &a.max_mcg_per_kg_per_min)?,
        target_ratio: sourced_range(&path("target_ratio"), &a.target_ratio)?,
        target_max_s: sourced(&path("target_max_s"), &a.target_max_s)?,
        titration_column: a.titration_column,
        titration_source: a.titration_source.clone(),
        titration,
        minimum_mcg_per_kg_per_min: sourced(&path("minimum_mcg_per_kg_per_min"), &a.minimum_mcg_per_kg_per_min)?,
    })
}

fn bivalirudin(b: &RawBivalirudin) -> Built<Bivalirudin> {
    let start_by_crcl = b
        .start_by_crcl
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let row = format!("bivalirudin.start_by_crcl[{i}]");
            Ok(BivalirudinStartRow {
                crcl_from: q(&format!("{row}.crcl_from"), r.crcl_from)?,
                crcl_to: opt(&format!("{row}.crcl_to"), r.crcl_to)?,
                mg_per_kg_per_h: q(&format!("{row}.mg_per_kg_per_h"), r.mg_per_kg_per_h)?,
            })
        })
        .collect::<Built<Vec<_>>>()?;
    let t = &b.titration;
    let titration = BivalirudinTitration {
        below_target_percent: t.below_target_percent,
        above_target_percent: t.above_target_percent,
        above_hold_hold_min: q("bivalirudin.titration.above_hold_hold_min", t.above_hold_hold_min)?,
        above_hold_percent: t.above_hold_percent,
    };
    Ok(Bivalirudin {
        concentration_mg_per_ml: bag_concentration("bivalirudin.bag", &b.bag)?,
        concentration_label: bag_label("bivalirudin", &b.bag, "mg", "mg/mL"),
        start_by_crcl,
        start_crrt_mg_per_kg_per_h: q("bivalirudin.start_crrt_mg_per_kg_per_h", b.start_crrt_mg_per_kg_per_h)?,
        start_ihd_mg_per_kg_per_h: q("bivalirudin.start_ihd_mg_per_kg_per_h", b.start_ihd_mg_per_kg_per_h)?,
        crrt_caveat: b.crrt_caveat.clone(),
        start_source: b.start_source.clone(),
        target_ratio: sourced_range("bivalirudin.target_ratio", &b.target_ratio)?,
        titration_validated: b.titration_validated,
        titration_source: b.titration_source.clone(),
        titration,
        minimum_mg_per_kg_per_h: sourced("bivalirudin.minimum_mg_per_kg_per_h", &b.minimum_mg_per_kg_per_h)?,
    })
}

fn bypass(b: &RawBypass) -> Built<Bypass> {
    let path = |name: &str| format!("bypass.{name}");
    let pr = &b.protamine;
    Ok(Bypass {
        initial_heparin_units_per_kg: sourced(&path("initial_heparin_units_per_kg"), &b.initial_heparin_units_per_kg)?,
        target_act_s: sourced(&path("target_act_s"), &b.target_act_s)?,
        resistance_units_per_kg: sourced(&path("resistance_units_per_kg"), &b.resistance_units_per_kg)?,
        dose_response_valid_to_act_s: sourced(&path("dose_response_valid_to_act_s"), &b.dose_response_valid_to_act_s)?,
        low_sensitivity_below_s_per_unit_per_kg: sourced(
            &path("low_sensitivity_below_s_per_unit_per_kg"),
            &b.low_sensitivity_below_s_per_unit_per_kg,
        )?,
        at_dose_units: sourced(&path("at_dose_units"), &b.at_dose_units)?,
        recombinant_at_units_per_kg: sourced(&path("recombinant_at_units_per_kg"), &b.recombinant_at_units_per_kg)?,
        andexanet_at_units_per_kg: sourced(&path("andexanet_at_units_per_kg"), &b.andexanet_at_units_per_kg)?,
        hit_agent: b.hit_agent.clone(),
        more_heparin_outcome: b.more_heparin_outcome.clone(),
        bypass_bolus_from_units_per_kg: sourced(
            &path("bypass_bolus_from_units_per_kg"),
            &b.bypass_bolus_from_units_per_kg,
        )?,
        baseline_act_within_min: sourced(&path("baseline_act_within_min"), &b.baseline_act_within_min)?,
        heparin_free_after_h: sourced(&path("heparin_free_after_h"), &b.heparin_free_after_h)?,
        max_additional_units_per_kg: sourced(&path("max_additional_units_per_kg"), &b.max_additional_units_per_kg)?,
        max_cumulative_units_per_kg: sourced(&path("max_cumulative_units_per_kg"), &b.max_cumulative_units_per_kg)?,
        session_gap_h: sourced(&path("session_gap_h"), &b.session_gap_h)?,
        preoperative_at_within_h: sourced(&path("preoperative_at_within_h"), &b.preoperative_at_within_h)?,
        protamine: Protamine {
            mg_per_100_units: q("bypass.protamine.mg_per_100_units", pr.mg_per_100_units)?,
            infusion_hour_fractions: list("bypass.protamine.infusion_hour_fractions", &pr.infusion_hour_fractions)?,
            max_mg_per_10_min: q("bypass.protamine.max_mg_per_10_min", pr.max_mg_per_10_min)?,
            max_total_mg_per_kg: q("bypass.protamine.max_total_mg_per_kg", pr.max_total_mg_per_kg)?,
            source: pr.source.clone(),
        },
    })
}

fn other_option(o: &RawOption) -> OtherOption {
    OtherOption {
        name: o.name.clone(),
        regimen: o.regimen.clone(),
        conditions: o.conditions.clone(),
        source: o.source.clone(),
    }
}

fn other_options(o: &RawOtherOptions) -> Built<OtherOptions> {
    let f = &o.fondaparinux;
    let path = |name: &str| format!("other_options.fondaparinux.{name}");
    Ok(OtherOptions {
        fondaparinux: Fondaparinux {
            below_kg: q(&path("below_kg"), f.below_kg)?,
            mg_below: q(&path("mg_below"), f.mg_below)?,
            up_to_kg: q(&path("up_to_kg"), f.up_to_kg)?,
            mg_middle: q(&path("mg_middle"), f.mg_middle)?,
            mg_above: q(&path("mg_above"), f.mg_above)?,
            avoid_below_crcl: q(&path("avoid_below_crcl_ml_min"), f.avoid_below_crcl_ml_min)?,
            conditions: f.conditions.clone(),
            source: f.source.clone(),
        },
        danaparoid: other_option(&o.danaparoid),
        doac: other_option(&o.doac),
        resistance_caveat: o.resistance_caveat.clone(),
    })
}

fn dti(raw: &RawProtocol) -> Built<DtiChoice> {
    let d = &raw.dti;
    Ok(DtiChoice {
        preference: d.preference.clone(),
        renal_impairment_below_crcl_ml_min: sourced(
            "dti.renal_impairment_below_crcl_ml_min",
            &d.renal_impairment_below_crcl_ml_min,
        )?,
        hepatic_rule_source: d.hepatic_rule_source.clone(),
        low_flow_rule_source: d.low_flow_rule_source.clone(),
        hepatic_bilirubin_above_mg_per_dl: sourced(
            "dti.hepatic_bilirubin_above_mg_per_dl",
            &d.hepatic_bilirubin_above_mg_per_dl,
        )?,
        hepatic_bilirubin_max_age_h: sourced("dti.hepatic_bilirubin_max_age_h", &d.hepatic_bilirubin_max_age_h)?,
        hold_above: HoldAbove {
            ratio: q("dti.hold_above.ratio", d.hold_above.ratio)?,
            max_s: q("dti.hold_above.max_s", d.hold_above.max_s)?,
            source: d.hold_above.source.clone(),
        },
        titration_margin_baseline_fraction: sourced(
            "dti.titration_margin_baseline_fraction",
            &d.titration_margin_baseline_fraction,
        )?,
        aptt_unreliable_baseline_above_ratio: sourced(
            "dti.aptt_unreliable_baseline_above_ratio",
            &d.aptt_unreliable_baseline_above_ratio,
        )?,
        pregnancy_caveat: d.pregnancy_caveat.clone(),
    })
}

/// The typed protocol of a validated file.
pub(super) fn build(raw: &RawProtocol, origin: &str, sha256: String) -> Built<Protocol> {
    Ok(Protocol {
        origin: origin.to_owned(),
        sha256,
        format_version: raw.format_version,
        name: raw.name.clone(),
        title: raw.title.clone(),
        version: raw.version,
        description: raw.description.clone(),
        settings: raw.settings.clone(),
        population: Population::of(&raw.age_groups),
        plausibility: plausibility(&raw.plausibility)?,
        dosing_weight: dosing_weights(raw)?,
        bleeding_risk: bleeding_risk(raw)?,
        monitoring: monitoring(raw)?,
        resistance: resistance(raw)?,
        discordance: discordance(raw)?,
        ufh: ufh(&raw.ufh)?,
        antithrombin: antithrombin(&raw.antithrombin)?,
        hit: hit(raw)?,
        dti: dti(raw)?,
        argatroban: argatroban(&raw.argatroban)?,
        bivalirudin: bivalirudin(&raw.bivalirudin)?,
        bypass: raw.bypass.as_ref().map(bypass).transpose()?,
        other_options: raw.other_options.as_ref().map(other_options).transpose()?,
        other_anticoagulants: other_anticoagulants(&raw.other_anticoagulants)?,
        safety: safety(&raw.safety)?,
    })
}
