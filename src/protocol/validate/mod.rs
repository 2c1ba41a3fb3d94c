//! Checks a parsed protocol: everything a clinician relies on when reading a table row. The checker
//! and its number, range, band and source rules live here; [`sections`] applies them section by
//! section, [`dti`] to the two direct thrombin inhibitors' tables.

mod ceilings;
mod dti;
mod other_anticoagulants;
mod sections;

use super::PROTOCOL_FORMAT_VERSION;
use super::ProtocolProblem;
use super::schema::{NomogramInput, RawLimits, RawNomogram, RawProtocol, RawSourcedRange, Sourced};
use crate::model::Range;

pub(super) struct Checker {
    problems: Vec<ProtocolProblem>,
}

impl Checker {
    pub(super) fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(ProtocolProblem {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        });
    }

    pub(super) fn positive(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            self.fail(path, format!("must be a number above 0, found {value}"));
        }
    }

    pub(super) fn non_negative(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value >= 0.0) {
            self.fail(path, format!("must be a number of 0 or more, found {value}"));
        }
    }

    pub(super) fn finite(&mut self, path: &str, value: f64) {
        if !value.is_finite() {
            self.fail(path, format!("must be a finite number, found {value}"));
        }
    }

    pub(super) fn fraction(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value > 0.0 && value <= 1.0) {
            self.fail(path, format!("must be a fraction above 0 and at most 1, found {value}"));
        }
    }

    /// A bag (format 5): a positive amount and volume with a source, and no label of its own.
    pub(super) fn bag(
        &mut self,
        section: &str,
        bag: &crate::protocol::schema::RawBag,
        label: Option<&crate::protocol::schema::WrittenLabel>,
    ) {
        self.positive(&format!("{section}.bag.amount"), bag.amount);
        self.positive(&format!("{section}.bag.volume_ml"), bag.volume_ml);
        self.source(&format!("{section}.bag.source"), &bag.source);
        if bag.amount > 0.0
            && bag.volume_ml > 0.0
            && let Some((_, low, high, unit)) = crate::protocol::ceilings::BAG_CONCENTRATION
                .iter()
                .find(|(s, ..)| *s == section)
        {
            let concentration = bag.amount / bag.volume_ml;
            if !(*low..=*high).contains(&concentration) {
                self.fail(
                    format!("{section}.bag"),
                    format!(
                        "{} {unit} is outside {}–{} {unit} (our sanity range for a {section} bag: a slip of the amount or the volume?)",
                        crate::model::num(concentration, 3),
                        crate::model::num(*low, 3),
                        crate::model::num(*high, 3)
                    ),
                );
            }
        }
        if label.is_some() {
            self.fail(
                format!("{section}.concentration_label"),
                "remove it: the label is derived from the bag's amount and volume (format 5), so it cannot disagree with the concentration the pump rate is computed from",
            );
        }
    }

    pub(super) fn source(&mut self, path: &str, source: &str) {
        if source.trim().is_empty() {
            self.fail(path, "every rule needs a source: write where the number comes from");
        }
    }

    /// A sourced sentence shown to the clinician: both parts must be written.
    pub(super) fn text(&mut self, path: &str, text: &Sourced<String>) {
        if text.value.trim().is_empty() {
            self.fail(format!("{path}.value"), "write the sentence shown to the clinician");
        }
        self.source(&format!("{path}.source"), &text.source);
    }

    pub(super) fn range(&mut self, path: &str, range: Range<f64>) {
        if !(range.low.is_finite() && range.high.is_finite() && range.low >= 0.0 && range.low < range.high) {
            self.fail(
                path,
                format!("range must have 0 <= low < high, found {}–{}", range.low, range.high),
            );
        }
    }

    pub(super) fn sourced_range(&mut self, path: &str, range: &RawSourcedRange) {
        self.range(path, range.range());
        self.source(&format!("{path}.source"), &range.source);
    }

    pub(super) fn limits(&mut self, path: &str, limits: &RawLimits) {
        self.source(&format!("{path}.source"), &limits.source);
        for (name, v) in [
            ("hard_min", limits.hard_min),
            ("hard_max", limits.hard_max),
            ("hard_from", limits.hard_from),
            ("soft_min", limits.soft_min),
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
        for hi in [limits.hard_max, limits.hard_from].into_iter().flatten() {
            if let Some(soft) = limits.soft_max
                && soft >= hi
            {
                self.fail(
                    format!("{path}.soft_max"),
                    format!("soft_max {soft} must be below the hard limit {hi}"),
                );
            }
        }
        if let (Some(lo), Some(soft)) = (limits.soft_min, limits.soft_max)
            && lo >= soft
        {
            self.fail(
                format!("{path}.soft_min"),
                format!("soft_min {lo} must be below soft_max {soft}"),
            );
        }
        if limits.mistake.as_deref().is_some_and(|m| m.trim().is_empty()) {
            self.fail(format!("{path}.mistake"), "write the likely mistake, or None");
        }
    }

    pub(super) fn sourced_positive(&mut self, path: &str, s: &Sourced<f64>) {
        self.positive(&format!("{path}.value"), s.value);
        self.source(&format!("{path}.source"), &s.source);
    }

    /// Contiguous bands from 0 to infinity: `rows[i].to == rows[i+1].from`, the last open-ended.
    pub(super) fn bands(&mut self, path: &str, bounds: &[(f64, Option<f64>)]) {
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

    /// The "no change" row must be exactly the target range (clinical reference §9, rev 2: one target,
    /// one table).
    pub(super) fn no_change_row_is_target(
        &mut self,
        path: &str,
        row: Option<(usize, f64, Option<f64>)>,
        target: Range<f64>,
        what: &str,
    ) {
        match row {
            None => self.fail(path, format!("table has no 'no change' row for the {what} target")),
            Some((i, from, to)) => {
                if from != target.low || to != Some(target.high) {
                    self.fail(
                        format!("{path}[{i}]"),
                        format!(
                            "the 'no change' row {from}–{} must be exactly the {what} target {}–{} (closed at both ends; rows below it are [from, to), rows above it (from, to])",
                            to.map_or("∞".into(), |t| t.to_string()),
                            target.low,
                            target.high
                        ),
                    );
                }
            }
        }
    }

    pub(super) fn nomogram(&mut self, path: &str, nomogram: &RawNomogram, target: Range<f64>) {
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
            .enumerate()
            .find(|(_, r)| r.bolus_units_per_kg == 0.0 && r.hold_min == 0.0 && r.rate_change_units_per_kg_per_h == 0.0)
            .map(|(i, r)| (i, r.from, r.to));
        let what = match nomogram.input {
            NomogramInput::AntiXa => "anti-Xa",
            NomogramInput::ApttRatio => "aPTT ratio",
        };
        self.no_change_row_is_target(&format!("{path}.rows"), no_change, target, what);
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

    sections::plausibility(&mut c, p);
    sections::dosing_weight(&mut c, p);
    sections::bleeding_risk(&mut c, p);
    sections::monitoring(&mut c, p);
    sections::resistance(&mut c, p);
    sections::discordance(&mut c, p);
    sections::ufh(&mut c, p);
    sections::antithrombin(&mut c, p);
    sections::hit(&mut c, p);
    sections::dti(&mut c, p);
    dti::argatroban(&mut c, p);
    dti::bivalirudin(&mut c, p);
    sections::bypass(&mut c, p);
    sections::other_options(&mut c, p);
    other_anticoagulants::other_anticoagulants(&mut c, &p.other_anticoagulants);
    other_anticoagulants::safety(&mut c, &p.safety);
    ceilings::ceilings(&mut c, p);
    c.problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> RawProtocol {
        let Some((_, text)) = crate::protocol::BUILTIN_PROTOCOLS
            .iter()
            .find(|(n, _)| *n == "adult-ecmo")
        else {
            panic!("adult-ecmo is shipped");
        };
        ron::from_str(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn messages(p: &RawProtocol) -> Vec<String> {
        validate(p)
            .into_iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect()
    }

    #[test]
    fn the_shipped_protocol_has_no_problem() {
        assert_eq!(messages(&shipped()), Vec::<String>::new());
    }

    #[test]
    fn bands_must_start_at_zero_touch_and_end_open() {
        let mut c = Checker { problems: Vec::new() };
        c.bands("t", &[(0.0, Some(1.0)), (1.0, None)]);
        assert!(c.problems.is_empty());
        c.bands("t", &[(0.5, Some(1.0)), (1.2, Some(2.0)), (1.8, None)]);
        let found: Vec<&str> = c.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            found.iter().any(|m| m.contains("first band must start at 0")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|m| m.contains("gap: no band covers 1 to 1.2")),
            "{found:?}"
        );
        assert!(found.iter().any(|m| m.contains("overlap")), "{found:?}");
    }

    #[test]
    fn each_section_is_checked() {
        let mut p = shipped();
        p.monitoring.ufh_recheck_h.value = 0.0;
        p.resistance.r3_consecutive_below_target.value = 0;
        p.antithrombin.severe_below_percent.value = 80.0;
        p.hit.older_exposure_within_days = 10.0;
        p.argatroban.start_mcg_per_kg_per_min.value = 12.0;
        p.bivalirudin.titration.above_target_percent = 5.0;
        p.ufh.anti_xa_nomogram.rows[2].to = Some(0.71);
        p.ufh.minimum_rate_units_per_kg_per_h.value = 0.0;
        p.discordance.coagulopathy_outcome_caveat.value = String::new();
        let found = messages(&p);
        for expected in [
            "monitoring.ufh_recheck_h.value: must be a number above 0",
            "resistance.r3_consecutive_below_target.value: at least 1 sample",
            "antithrombin.severe_below_percent.value: severe threshold must be below the deficiency threshold",
            "hit.older_exposure_within_days: must be above recent_exposure_days",
            "argatroban.start_mcg_per_kg_per_min.value: 12 mcg/kg/min is above the maximum",
            "bivalirudin.titration.above_hold_percent: above the target the rate must fall",
            "discordance.coagulopathy_outcome_caveat.value: write the sentence",
            "ufh.anti_xa_nomogram.rows[2]: the 'no change' row 0.3–0.71 must be exactly the anti-Xa target 0.3–0.5",
            "ufh.minimum_rate_units_per_kg_per_h.value: must be a number above 0",
        ] {
            assert!(
                found.iter().any(|m| m.starts_with(expected)),
                "{expected} not in {found:?}"
            );
        }
    }
}
