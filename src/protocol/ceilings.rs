//! Fixed ceilings (issue 26): the clinical reference §12 [rev 2] hard limits on doses and rates,
//! compiled into the program. A protocol's own limits may only be tighter: loading and `check-protocol`
//! refuse a protocol whose limit lies above a ceiling, and a start dose, bolus cap or table row above one.
//! The limits a recommendation is checked against (`analysis::limits`) are therefore never looser than
//! these, whatever a protocol file says.
//!
//! Dose kinds §12 does not list have no fixed ceiling: heparin bolus units on bypass (the per-kg ceiling
//! applies), protamine per kg outside bypass (the absolute ceiling applies), plasma in bags, the bivalirudin
//! bolus (the program never recommends one), and the oral anticoagulants, LMWHs and fondaparinux (recorded,
//! never dosed).

/// Where a ceiling lies: refused above it, or at and above it ("≥ 10,000 units/h", so that a 10-fold slip
/// of a round dose is caught).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Refused above.
    Max(f64),
    /// Refused at or above.
    From(f64),
}

impl Bound {
    /// Whether a value is allowed under this bound.
    #[must_use]
    pub fn allows(self, value: f64) -> bool {
        match self {
            Self::Max(max) => value <= max,
            Self::From(from) => value < from,
        }
    }

    /// The bound in words: "up to 100", "below 10,000".
    #[must_use]
    pub fn text(self, unit: &str) -> String {
        match self {
            Self::Max(max) => format!("up to {} {unit}", crate::model::num(max, 3)),
            Self::From(from) => format!("below {} {unit}", crate::model::num(from, 3)),
        }
    }

    /// Whether a protocol limit (`hard_max`, `hard_from`; either may be absent) is at least as tight as
    /// this bound: every value the protocol allows, this bound allows too.
    #[must_use]
    pub fn tightened_by(self, hard_max: Option<f64>, hard_from: Option<f64>) -> bool {
        let by_max = hard_max.is_some_and(|m| m.is_finite() && self.allows(m));
        let by_from = hard_from.is_some_and(|f| {
            f.is_finite()
                && match self {
                    Self::Max(max) => f <= max,
                    Self::From(from) => f <= from,
                }
        });
        by_max || by_from
    }
}

/// One fixed ceiling: the plausibility field of the protocol it bounds, its unit, the bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ceiling {
    /// The field of the protocol's `plausibility` section with the same unit.
    pub field: &'static str,
    pub unit: &'static str,
    pub bound: Bound,
}

const fn ceiling(field: &'static str, unit: &'static str, bound: Bound) -> Ceiling {
    Ceiling { field, unit, bound }
}

/// Where the §12 list comes from, shown with every refusal.
pub const SOURCE: &str =
    "clinical reference §12 [rev 2] hard limits, fixed in the program: a protocol may tighten them, never raise them";

/// Outside bypass (ICU, ECMO).
pub const OUTSIDE_BYPASS: [Ceiling; 10] = [
    ceiling("ufh_rate_units_per_kg_per_h", "units/kg/h", Bound::Max(100.0)),
    ceiling("ufh_rate_units_per_h", "units/h", Bound::From(10_000.0)),
    ceiling("ufh_bolus_units", "units", Bound::From(40_000.0)),
    ceiling("ufh_bolus_units_per_kg", "units/kg", Bound::Max(400.0)),
    ceiling("argatroban_mcg_per_kg_per_min", "mcg/kg/min", Bound::Max(10.0)),
    ceiling("bivalirudin_mg_per_kg_per_h", "mg/kg/h", Bound::Max(5.0)),
    ceiling("antithrombin_units", "units", Bound::Max(20_000.0)),
    ceiling("antithrombin_units_per_kg", "units/kg", Bound::Max(150.0)),
    ceiling("protamine_mg", "mg", Bound::Max(100.0)),
    ceiling("ffp_ml", "mL", Bound::Max(5_000.0)),
];

/// On bypass (a protocol whose every setting is `cpb`).
pub const ON_BYPASS: [Ceiling; 10] = [
    ceiling("ufh_rate_units_per_kg_per_h", "units/kg/h", Bound::Max(100.0)),
    ceiling("ufh_rate_units_per_h", "units/h", Bound::From(10_000.0)),
    ceiling("ufh_bolus_units_per_kg", "units/kg", Bound::Max(1_000.0)),
    ceiling("argatroban_mcg_per_kg_per_min", "mcg/kg/min", Bound::Max(10.0)),
    ceiling("bivalirudin_mg_per_kg_per_h", "mg/kg/h", Bound::Max(5.0)),
    ceiling("antithrombin_units", "units", Bound::Max(20_000.0)),
    ceiling("antithrombin_units_per_kg", "units/kg", Bound::Max(150.0)),
    ceiling("protamine_mg", "mg", Bound::Max(500.0)),
    ceiling("protamine_mg_per_kg", "mg/kg", Bound::Max(5.0)),
    ceiling("ffp_ml", "mL", Bound::Max(5_000.0)),
];

/// The concentrations a bag may have, per drug (review of issue 26: 1,000,000 units in 1 mL gave
/// "0 mL/h", 1 unit in 10 L gave 14,400,000 mL/h). These are input sanity ranges of ours, not clinical
/// limits: wide around the bags in use (heparin 25,000 units in 250–500 mL, argatroban 1 mg/mL,
/// bivalirudin 0.5–5 mg/mL), so that a slip of the amount or the volume by a factor of 100 is refused.
pub const BAG_CONCENTRATION: [(&str, f64, f64, &str); 3] = [
    ("ufh", 1.0, 1_000.0, "units/mL"),
    ("argatroban", 0.1, 10.0, "mg/mL"),
    ("bivalirudin", 0.1, 10.0, "mg/mL"),
];

/// The ceilings of a protocol: the bypass list only when every setting it serves is bypass (a protocol
/// that also serves the ICU keeps the tighter list).
#[must_use]
pub fn for_settings(settings: &[crate::model::Setting]) -> &'static [Ceiling] {
    if !settings.is_empty() && settings.iter().all(|s| *s == crate::model::Setting::Cpb) {
        &ON_BYPASS
    } else {
        &OUTSIDE_BYPASS
    }
}

/// The ceiling on a plausibility field, if §12 lists one for these settings.
#[must_use]
pub fn on_field(settings: &[crate::model::Setting], field: &str) -> Option<Ceiling> {
    for_settings(settings).iter().copied().find(|c| c.field == field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Setting;

    #[test]
    fn a_protocol_limit_tightens_only_when_no_allowed_value_lies_above_the_ceiling() {
        let rate = Bound::Max(100.0);
        assert!(rate.tightened_by(Some(100.0), None));
        assert!(rate.tightened_by(None, Some(100.0)));
        assert!(!rate.tightened_by(Some(180.0), None));
        assert!(!rate.tightened_by(None, None));
        let per_hour = Bound::From(10_000.0);
        assert!(per_hour.tightened_by(None, Some(10_000.0)));
        assert!(
            !per_hour.tightened_by(Some(10_000.0), None),
            "10,000 itself is refused by §12"
        );
        assert!(per_hour.tightened_by(Some(9_999.0), None));
    }

    #[test]
    fn bypass_ceilings_only_for_a_bypass_only_protocol() {
        assert_eq!(
            on_field(&[Setting::Cpb], "ufh_bolus_units_per_kg").map(|c| c.bound),
            Some(Bound::Max(1_000.0))
        );
        assert_eq!(
            on_field(&[Setting::Cpb, Setting::Icu], "ufh_bolus_units_per_kg").map(|c| c.bound),
            Some(Bound::Max(400.0))
        );
        assert_eq!(on_field(&[Setting::Cpb], "ufh_bolus_units"), None);
    }
}
