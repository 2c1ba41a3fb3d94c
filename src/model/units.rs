//! Clinical quantities as types. A bare `f64` never crosses a module boundary: every value carries its
//! unit in its type, so a bivalirudin rate (mg/kg/h) cannot be passed where an argatroban rate
//! (mcg/kg/min) is expected. Constructors refuse NaN, infinities and negatives; clinical plausibility
//! (hard and soft ranges) is the protocol's business (`protocol::Plausibility`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a number cannot be a clinical quantity at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantityError {
    #[error("{value} is not a finite number (expected a value in {unit})")]
    NotFinite { value: f64, unit: &'static str },
    #[error("{value} {unit} is negative; a {unit} value must be 0 or more")]
    Negative { value: f64, unit: &'static str },
}

/// Formats a number the ISMP way: leading zero, no trailing zeros, commas from 1,000 up.
///
/// `max_decimals` is the precision the quantity is meaningful to; the value is rounded to it and then
/// trailing zeros are dropped (5, not 5.0; 0.5, not .5).
#[must_use]
pub fn format_number(value: f64, max_decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let rounded = format!("{value:.max_decimals$}");
    let (sign, digits) = match rounded.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", rounded.as_str()),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f.trim_end_matches('0')),
        None => (digits, ""),
    };
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let is_zero = grouped.chars().all(|c| c == '0' || c == ',') && frac_part.is_empty();
    let sign = if is_zero { "" } else { sign };
    if frac_part.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac_part}")
    }
}

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, unit: $unit:literal, decimals: $decimals:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(try_from = "f64", into = "f64")]
        pub struct $name(f64);

        impl $name {
            /// The unit as written on screen (ISMP: "units" in full, "mcg").
            pub const UNIT: &'static str = $unit;
            /// Decimals shown on screen.
            pub const DECIMALS: usize = $decimals;

            /// # Errors
            /// Refuses NaN, infinities and negative values.
            pub fn new(value: f64) -> Result<Self, QuantityError> {
                if !value.is_finite() {
                    return Err(QuantityError::NotFinite { value, unit: $unit });
                }
                if value < 0.0 {
                    return Err(QuantityError::Negative { value, unit: $unit });
                }
                // Normalise -0.0 so it never prints as "-0".
                Ok(Self(value + 0.0))
            }

            /// Zero of this quantity.
            pub const ZERO: Self = Self(0.0);

            #[must_use]
            pub fn value(self) -> f64 {
                self.0
            }

            /// Saturating arithmetic for derived values (never below zero).
            #[must_use]
            pub fn plus(self, other: Self) -> Self {
                Self(self.0 + other.0)
            }

            /// Difference floored at zero.
            #[must_use]
            pub fn minus_floored(self, other: Self) -> Self {
                Self((self.0 - other.0).max(0.0))
            }

            /// Scaled by a non-negative finite factor (used for fractions like "60% of the load").
            #[must_use]
            pub fn scaled(self, factor: f64) -> Self {
                let v = self.0 * factor;
                if v.is_finite() && v >= 0.0 { Self(v) } else { Self(0.0) }
            }

            /// The number alone, formatted to the quantity's precision (no unit).
            #[must_use]
            pub fn number(self) -> String {
                format_number(self.0, $decimals)
            }
        }

        impl TryFrom<f64> for $name {
            type Error = QuantityError;
            fn try_from(value: f64) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for f64 {
            fn from(q: $name) -> f64 {
                q.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if $unit.is_empty() {
                    write!(f, "{}", self.number())
                } else if $unit == "%" {
                    write!(f, "{}%", self.number())
                } else {
                    write!(f, "{} {}", self.number(), $unit)
                }
            }
        }
    };
}

quantity!(/// Body weight.
    Kilograms, unit: "kg", decimals: 1);
quantity!(/// A clotting time (aPTT, ACT) or any duration measured in seconds.
    Seconds, unit: "s", decimals: 1);
quantity!(/// Anti-factor Xa heparin level.
    AntiXaLevel, unit: "units/mL", decimals: 2);
quantity!(/// Activity as a percentage of normal (antithrombin, factor VIII).
    Percent, unit: "%", decimals: 0);
quantity!(/// Platelet count (× 10⁹/L).
    PlateletCount, unit: "× 10⁹/L", decimals: 0);
quantity!(/// Mass concentration in grams per litre (fibrinogen, hemoglobin).
    GramsPerLitre, unit: "g/L", decimals: 2);
quantity!(/// International normalised ratio (no unit).
    Inr, unit: "", decimals: 2);
quantity!(/// Mass concentration in mg/dL (plasma free hemoglobin, bilirubin).
    MgPerDl, unit: "mg/dL", decimals: 1);
quantity!(/// An amount of heparin or antithrombin, in (international) units.
    Units, unit: "units", decimals: 0);
quantity!(/// Heparin infusion rate, absolute.
    UnitsPerHour, unit: "units/h", decimals: 0);
quantity!(/// Heparin infusion rate, weight-based.
    UnitsPerKgPerHour, unit: "units/kg/h", decimals: 2);
quantity!(/// A weight-based amount of heparin (bolus size, cumulative bypass dose).
    UnitsPerKg, unit: "units/kg", decimals: 0);
quantity!(/// Argatroban dose rate.
    McgPerKgPerMin, unit: "mcg/kg/min", decimals: 3);
quantity!(/// Bivalirudin dose rate.
    MgPerKgPerHour, unit: "mg/kg/h", decimals: 3);
quantity!(/// A volume (fresh frozen plasma, bag volume).
    Millilitres, unit: "mL", decimals: 0);
quantity!(/// Pump rate.
    MlPerHour, unit: "mL/h", decimals: 1);
quantity!(/// A mass of drug (protamine).
    Milligrams, unit: "mg", decimals: 1);
quantity!(/// Creatinine clearance.
    MlPerMin, unit: "mL/min", decimals: 0);
quantity!(/// Heparin (or antithrombin) concentration in a bag or syringe.
    UnitsPerMl, unit: "units/mL", decimals: 0);
quantity!(/// Drug concentration in a bag or syringe (argatroban, bivalirudin).
    MgPerMl, unit: "mg/mL", decimals: 2);

impl Percent {
    /// AT activity: 1 units/mL = 100% (evidence §2.3).
    #[must_use]
    pub fn from_units_per_ml(units_per_ml: f64) -> Option<Self> {
        Self::new(units_per_ml * 100.0).ok()
    }
}

impl UnitsPerKgPerHour {
    /// Absolute rate for a weight.
    #[must_use]
    pub fn for_weight(self, weight: Kilograms) -> UnitsPerHour {
        UnitsPerHour(self.0 * weight.0)
    }
}

impl UnitsPerHour {
    /// Weight-based rate for a weight (weight is always > 0 once validated).
    #[must_use]
    pub fn per_kg(self, weight: Kilograms) -> UnitsPerKgPerHour {
        if weight.0 > 0.0 { UnitsPerKgPerHour(self.0 / weight.0) } else { UnitsPerKgPerHour(0.0) }
    }

    /// Pump rate at a bag concentration.
    #[must_use]
    pub fn pump_rate(self, concentration: UnitsPerMl) -> Option<MlPerHour> {
        (concentration.0 > 0.0).then(|| MlPerHour(self.0 / concentration.0))
    }
}

impl Units {
    #[must_use]
    pub fn per_kg(self, weight: Kilograms) -> UnitsPerKg {
        if weight.0 > 0.0 { UnitsPerKg(self.0 / weight.0) } else { UnitsPerKg(0.0) }
    }
}

impl UnitsPerKg {
    #[must_use]
    pub fn for_weight(self, weight: Kilograms) -> Units {
        Units(self.0 * weight.0)
    }
}

impl McgPerKgPerMin {
    /// mL/h at a mg/mL concentration: mcg/kg/min × kg × 60 min/h ÷ 1000 mcg/mg ÷ mg/mL.
    #[must_use]
    pub fn pump_rate(self, weight: Kilograms, concentration: MgPerMl) -> Option<MlPerHour> {
        (concentration.0 > 0.0).then(|| MlPerHour(self.0 * weight.0 * 60.0 / 1000.0 / concentration.0))
    }
}

impl MgPerKgPerHour {
    /// mL/h at a mg/mL concentration: mg/kg/h × kg ÷ mg/mL.
    #[must_use]
    pub fn pump_rate(self, weight: Kilograms, concentration: MgPerMl) -> Option<MlPerHour> {
        (concentration.0 > 0.0).then(|| MlPerHour(self.0 * weight.0 / concentration.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ismp_number_formatting() {
        assert_eq!(format_number(5.0, 2), "5");
        assert_eq!(format_number(0.5, 2), "0.5");
        assert_eq!(format_number(2402.1428, 0), "2,402");
        assert_eq!(format_number(35000.0, 0), "35,000");
        assert_eq!(format_number(1_234_567.0, 0), "1,234,567");
        assert_eq!(format_number(0.125, 3), "0.125");
        assert_eq!(format_number(-0.0001, 2), "0");
        assert_eq!(format_number(999.96, 1), "1,000");
    }

    #[test]
    fn constructors_refuse_non_finite_and_negative() {
        assert!(Seconds::new(f64::NAN).is_err());
        assert!(Seconds::new(f64::INFINITY).is_err());
        assert!(Units::new(-1.0).is_err());
        assert_eq!(Units::new(0.0).map(Units::value), Ok(0.0));
    }

    #[test]
    fn display_writes_units_in_full() {
        let bolus = Units::new(10_000.0).unwrap();
        assert_eq!(bolus.to_string(), "10,000 units");
        let rate = McgPerKgPerMin::new(0.5).unwrap();
        assert_eq!(rate.to_string(), "0.5 mcg/kg/min");
    }

    #[test]
    fn pump_rates() {
        let kg = Kilograms::new(90.9).unwrap();
        let arg = McgPerKgPerMin::new(0.5).unwrap();
        let ml_h = arg.pump_rate(kg, MgPerMl::new(1.0).unwrap()).unwrap();
        assert!((ml_h.value() - 2.727).abs() < 1e-9);
        let biv = MgPerKgPerHour::new(0.15).unwrap();
        let ml_h = biv.pump_rate(kg, MgPerMl::new(0.5).unwrap()).unwrap();
        assert!((ml_h.value() - 27.27).abs() < 1e-9);
        assert!(biv.pump_rate(kg, MgPerMl::ZERO).is_none());
    }
}
