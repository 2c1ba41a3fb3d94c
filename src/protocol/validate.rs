//! Checks a parsed protocol: everything a clinician relies on when reading a table row.

use super::PROTOCOL_FORMAT_VERSION;
use super::ProtocolProblem;
use super::schema::{
    NomogramInput, RawArgatrobanRow, RawBivalirudinRow, RawBivalirudinStartRow, RawLimits, RawNomogram, RawProtocol,
    RawSourcedRange, Sourced,
};
use crate::model::{Range, Setting};

struct Checker {
    problems: Vec<ProtocolProblem>,
}

impl Checker {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(ProtocolProblem {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        });
    }

    fn positive(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            self.fail(path, format!("must be a number above 0, found {value}"));
        }
    }

    fn non_negative(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value >= 0.0) {
            self.fail(path, format!("must be a number of 0 or more, found {value}"));
        }
    }

    fn finite(&mut self, path: &str, value: f64) {
        if !value.is_finite() {
            self.fail(path, format!("must be a finite number, found {value}"));
        }
    }

    fn fraction(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value > 0.0 && value <= 1.0) {
            self.fail(path, format!("must be a fraction above 0 and at most 1, found {value}"));
        }
    }

    fn source(&mut self, path: &str, source: &str) {
        if source.trim().is_empty() {
            self.fail(path, "every rule needs a source: write where the number comes from");
        }
    }

    /// A sourced sentence shown to the clinician: both parts must be written.
    fn text(&mut self, path: &str, text: &Sourced<String>) {
        if text.value.trim().is_empty() {
            self.fail(format!("{path}.value"), "write the sentence shown to the clinician");
        }
        self.source(&format!("{path}.source"), &text.source);
    }

    fn range(&mut self, path: &str, range: Range<f64>) {
        if !(range.low.is_finite() && range.high.is_finite() && range.low >= 0.0 && range.low < range.high) {
            self.fail(
                path,
                format!("range must have 0 <= low < high, found {}–{}", range.low, range.high),
            );
        }
    }

    fn sourced_range(&mut self, path: &str, range: &RawSourcedRange) {
        self.range(path, range.range());
        self.source(&format!("{path}.source"), &range.source);
    }

    fn limits(&mut self, path: &str, limits: &RawLimits) {
        self.source(&format!("{path}.source"), &limits.source);
        for (name, v) in [
            ("hard_min", limits.hard_min),
            ("hard_max", limits.hard_max),
            ("soft_max", limits.soft_max),
        ] {
            if let Some(v) = v {
                self.non_negative(&format!("{path}.{name}"), v);
            }
        }
        if let (Some(lo), Some(hi)) = (limits.hard_min, limits.hard_max)
            && lo >= hi
        {
            self.fail(
                format!("{path}.hard_max"),
                format!("hard_max {hi} must be above hard_min {lo}"),
            );
        }
        if let (Some(soft), Some(hi)) = (limits.soft_max, limits.hard_max)
            && soft >= hi
        {
            self.fail(
                format!("{path}.soft_max"),
                format!("soft_max {soft} must be below hard_max {hi}"),
            );
        }
    }

    /// Contiguous bands from 0 to infinity: `rows[i].to == rows[i+1].from`, the last open-ended.
    fn bands(&mut self, path: &str, bounds: &[(f64, Option<f64>)]) {
        let Some(first) = bounds.first() else {
            self.fail(path, "table has no rows");
            return;
        };
        if first.0 != 0.0 {
            self.fail(
                format!("{path}[0]"),
                format!(
                    "first band must start at 0 (found {}): values below it would have no row",
                    first.0
                ),
            );
        }
        for (i, (from, to)) in bounds.iter().enumerate() {
            self.non_negative(&format!("{path}[{i}]"), *from);
            let last = i + 1 == bounds.len();
            match (to, last) {
                (None, true) => {}
                (Some(to), true) => self.fail(
                    format!("{path}[{i}]"),
                    format!("last band must be open-ended (to: None); values from {to} up would have no row"),
                ),
                (None, false) => self.fail(
                    format!("{path}[{i}]"),
                    "only the last band may be open-ended (to: None)",
                ),
                (Some(to), false) => {
                    if !(to.is_finite() && *to > *from) {
                        self.fail(
                            format!("{path}[{i}]"),
                            format!("band upper bound {to} must be above its lower bound {from}"),
                        );
                    }
                    let next_from = bounds[i + 1].0;
                    if next_from > *to {
                        self.fail(
                            format!("{path}[{}]", i + 1),
                            format!("gap: no band covers {to} to {next_from}"),
                        );
                    } else if next_from < *to {
                        self.fail(
                            format!("{path}[{}]", i + 1),
                            format!("overlap: bands {i} and {} both cover {next_from} to {to}", i + 1),
                        );
                    }
                }
            }
        }
    }

    /// The "no change" band must hold the whole target range.
    fn no_change_band_covers(&mut self, path: &str, band: Option<(f64, Option<f64>)>, target: Range<f64>, what: &str) {
        match band {
            None => self.fail(path, format!("table has no 'no change' band for the {what} target")),
            Some((from, to)) => {
                let covers = from <= target.low && to.is_none_or(|to| to >= target.high);
                if !covers {
                    self.fail(
                        path,
                        format!(
                            "the 'no change' band {from}–{} does not hold the {what} target {}–{}",
                            to.map_or("∞".into(), |t| t.to_string()),
                            target.low,
                            target.high
                        ),
                    );
                }
            }
        }
    }

    fn nomogram(&mut self, path: &str, nomogram: &RawNomogram, target: Range<f64>) {
        self.source(&format!("{path}.source"), &nomogram.source);
        let bounds: Vec<_> = nomogram.rows.iter().map(|r| (r.from, r.to)).collect();
        self.bands(&format!("{path}.rows"), &bounds);
        let mut previous_change = f64::INFINITY;
        for (i, row) in nomogram.rows.iter().enumerate() {
            let p = format!("{path}.rows[{i}]");
            self.non_negative(&format!("{p}.bolus_units_per_kg"), row.bolus_units_per_kg);
            self.non_negative(&format!("{p}.hold_min"), row.hold_min);
            self.finite(
                &format!("{p}.rate_change_units_per_kg_per_h"),
                row.rate_change_units_per_kg_per_h,
            );
            self.positive(&format!("{p}.recheck_h"), row.recheck_h);
            if row.rate_change_units_per_kg_per_h > previous_change {
                self.fail(
                    format!("{p}.rate_change_units_per_kg_per_h"),
                    "rate changes must not rise as the level rises",
                );
            }
            previous_change = row.rate_change_units_per_kg_per_h;
        }
        let no_change = nomogram
            .rows
            .iter()
            .find(|r| r.bolus_units_per_kg == 0.0 && r.hold_min == 0.0 && r.rate_change_units_per_kg_per_h == 0.0)
            .map(|r| (r.from, r.to));
        let what = match nomogram.input {
            NomogramInput::AntiXa => "anti-Xa",
            NomogramInput::ApttRatio => "aPTT ratio",
        };
        self.no_change_band_covers(&format!("{path}.rows"), no_change, target, what);
    }
}

pub(super) fn validate(p: &RawProtocol) -> Vec<ProtocolProblem> {
    let mut c = Checker { problems: Vec::new() };
    if p.format_version != PROTOCOL_FORMAT_VERSION {
        c.fail(
            "format_version",
            format!(
                "this build reads protocol format {PROTOCOL_FORMAT_VERSION}, the file says {}",
                p.format_version
            ),
        );
    }
    if p.name.trim().is_empty() {
        c.fail("name", "a protocol needs a name");
    }
    if p.settings.is_empty() {
        c.fail("settings", "list at least one setting (icu, ecmo_vv, ecmo_va, cpb)");
    }
    if p.age_groups.is_empty() {
        c.fail("age_groups", "list at least one age group");
    }

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
    vials(&mut c, "antithrombin.plasma_derived.vial_units", &pd.vial_units);
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
    vials(&mut c, "antithrombin.recombinant.vial_units", &rc.vial_units);
    c.source("antithrombin.plasma.source", &at.plasma.source);
    c.positive("antithrombin.plasma.at_units_per_ml", at.plasma.at_units_per_ml);
    c.range("antithrombin.plasma.dose_ml_per_kg", at.plasma.dose_ml_per_kg);

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

    argatroban(&mut c, p);
    bivalirudin(&mut c, p);

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
    c.problems
}

fn vials(c: &mut Checker, path: &str, sizes: &[f64]) {
    if sizes.is_empty() {
        c.fail(path, "list at least one vial size");
    }
    for (i, v) in sizes.iter().enumerate() {
        c.positive(&format!("{path}[{i}]"), *v);
    }
}

fn argatroban(c: &mut Checker, p: &RawProtocol) {
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

fn bivalirudin(c: &mut Checker, p: &RawProtocol) {
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
