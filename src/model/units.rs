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
    let mut out = String::with_capacity(16);
    // Writing into a String cannot fail.
    let _ = write_number(&mut out, value, max_decimals);
    out
}

/// A number to be shown with ISMP formatting, for use inside `format!` without a temporary String.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64, pub usize);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_number(f, self.0, self.1)
    }
}

/// Shorthand for [`Num`].
#[must_use]
pub fn num(value: f64, max_decimals: usize) -> Num {
    Num(value, max_decimals)
}

/// Writes a number the ISMP way without allocating (the engine's hottest path: every explanation
/// line carries numbers). Rounds the shown digits with integer arithmetic, then drops trailing zeros.
///
/// # Errors
/// Only the writer's own error.
pub fn write_number<W: fmt::Write>(w: &mut W, value: f64, max_decimals: usize) -> fmt::Result {
    let decimals = max_decimals.min(6) as u32;
    let factor = 10u64.pow(decimals);
    let scaled = (value.abs() * factor as f64).round();
    if !value.is_finite() || scaled >= 9.0e15 {
        return write!(w, "{value}");
    }
    let scaled = scaled as u64;
    let (int_part, mut frac) = (scaled / factor, scaled % factor);
    let mut frac_digits = decimals;
    while frac_digits > 0 && frac % 10 == 0 {
        frac /= 10;
        frac_digits -= 1;
    }
    // Assemble in a stack buffer and hand the writer one slice: per-character writes through a
    // Formatter cost more than the arithmetic.
    let mut buf = [0u8; 48];
    let mut len = 0;
    let mut push = |b: u8| {
        buf[len] = b;
        len += 1;
    };
    if value < 0.0 && scaled > 0 {
        push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut count = 0;
    let mut n = int_part;
    loop {
        digits[count] = b'0' + (n % 10) as u8;
        n /= 10;
        count += 1;
        if n == 0 {
            break;
        }
    }
    for i in (0..count).rev() {
        push(digits[i]);
        if i > 0 && i % 3 == 0 {
            push(b',');
        }
    }
    if frac_digits > 0 {
        push(b'.');
        for k in (0..frac_digits).rev() {
            push(b'0' + ((frac / 10u64.pow(k)) % 10) as u8);
        }
    }
    // Only ASCII digits, '-', ',' and '.' were written.
    w.write_str(std::str::from_utf8(&buf[..len]).map_err(|_| fmt::Error)?)
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
                write_number(f, self.0, $decimals)?;
                match $unit {
                    "" => Ok(()),
                    "%" => f.write_str("%"),
                    unit => write!(f, " {unit}"),
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
        if weight.0 > 0.0 {
            UnitsPerKgPerHour(self.0 / weight.0)
        } else {
            UnitsPerKgPerHour(0.0)
        }
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
        if weight.0 > 0.0 {
            UnitsPerKg(self.0 / weight.0)
        } else {
            UnitsPerKg(0.0)
        }
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
        assert_eq!(format_number(0.05, 2), "0.05");
        assert_eq!(format_number(-2.5, 2), "-2.5");
        assert_eq!(format_number(1.005, 1), "1");
        assert_eq!(format_number(18.26, 2), "18.26");
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
