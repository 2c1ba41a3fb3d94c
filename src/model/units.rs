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
    #[error("{value} {unit} is not above 0; a {unit} value must be above 0")]
    NotPositive { value: f64, unit: &'static str },
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

/// Rounds half up, as a laboratory reports: 70.5 → 71, and a decimal such as 0.705 × 100 (which binary
/// floating point holds as 70.49999…) also → 71.
fn half_up(scaled: f64) -> f64 {
    // A relative nudge absorbs binary error (0.705 × 100 = 70.4999…), capped so that a large number is
    // never pushed over a boundary: 654,321 shown to 3 decimals once read 654,321.001 (issue 26 review).
    (scaled + (1e-9 * scaled.abs().max(1.0)).min(1e-6)).round()
}

/// `value` rounded half up to `decimals` (reporting precision: anti-Xa 0.705 → 0.71, aPTT 69.5 → 70).
#[must_use]
pub fn round_half_up(value: f64, decimals: u32) -> f64 {
    let factor = 10f64.powi(decimals as i32);
    value.signum() * half_up(value.abs() * factor) / factor + 0.0
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
    let scaled = half_up(value.abs() * factor as f64);
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
        quantity!(@define $(#[$doc])* $name, $unit, $decimals, false, (|_: f64| $decimals));
        impl $name {
            /// Zero of this quantity.
            pub const ZERO: Self = Self(0.0);

            /// Difference floored at zero (a gap that cannot be negative, e.g. "target − level").
            #[must_use]
            pub fn minus_floored(self, other: Self) -> Self {
                Self((self.0 - other.0).max(0.0))
            }

            /// This value moved by a signed step (a titration step), floored at zero and rounded half up
            /// to the shown precision: a rate as the pump is set. Both inputs are finite (checked on
            /// entry and in the protocol), so the result is a valid value of the type.
            #[must_use]
            pub fn stepped_rounded(self, step: f64) -> Self {
                Self(round_half_up((self.0 + step).max(0.0), $decimals as u32))
            }

            /// This value times a factor (a restart at half the rate, a change by a percentage), floored
            /// at zero and rounded half up to the shown precision, as [`Self::stepped_rounded`].
            #[must_use]
            pub fn times_rounded(self, factor: f64) -> Self {
                Self(round_half_up((self.0 * factor).max(0.0), $decimals as u32))
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, unit: $unit:literal, decimals: $decimals:literal, positive) => {
        quantity!(@define $(#[$doc])* $name, $unit, $decimals, true, (|_: f64| $decimals));
    };
    // A quantity whose shown precision depends on its size (a pump rate: the pump's programmable increment).
    ($(#[$doc:meta])* $name:ident, unit: $unit:literal, decimals: $decimals:literal, shown: $shown:expr) => {
        quantity!(@define $(#[$doc])* $name, $unit, $decimals, false, ($shown));
    };
    (@define $(#[$doc:meta])* $name:ident, $unit:literal, $decimals:literal, $zero_refused:literal, $shown:expr) => {
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
            /// Refuses NaN, infinities and values outside the quantity's domain (negative values; for
            /// a quantity that divides, zero as well).
            pub fn new(value: f64) -> Result<Self, QuantityError> {
                if !value.is_finite() {
                    return Err(QuantityError::NotFinite { value, unit: $unit });
                }
                if value < 0.0 {
                    return Err(QuantityError::Negative { value, unit: $unit });
                }
                if $zero_refused && value == 0.0 {
                    return Err(QuantityError::NotPositive { value, unit: $unit });
                }
                // Normalise -0.0 so it never prints as "-0".
                Ok(Self(value + 0.0))
            }

            /// A fixed value for constants; use it only in a `const` item, where a value outside the
            /// quantity's domain is a compile error rather than a run-time panic.
            #[must_use]
            pub const fn constant(value: f64) -> Self {
                assert!(
                    value.is_finite() && value >= 0.0 && !($zero_refused && value == 0.0),
                    "not a valid value of this quantity"
                );
                Self(value + 0.0)
            }

            #[must_use]
            pub fn value(self) -> f64 {
                self.0
            }

            /// The sum of two amounts of the same quantity.
            #[must_use]
            pub fn plus(self, other: Self) -> Self {
                Self(self.0 + other.0)
            }

            /// The number alone, formatted to the quantity's precision (no unit).
            #[must_use]
            pub fn number(self) -> String {
                format_number(self.0, Quantity::shown_decimals(self))
            }

            /// The number alone for a `format!` argument: formatted to the quantity's precision when
            /// written, without a unit and without allocating.
            #[must_use]
            pub fn shown(self) -> Num {
                Num(self.0, Quantity::shown_decimals(self))
            }

            /// The smaller of two values.
            #[must_use]
            pub fn min(self, other: Self) -> Self {
                if other.0 < self.0 { other } else { self }
            }

            /// The larger of two values.
            #[must_use]
            pub fn max(self, other: Self) -> Self {
                if other.0 > self.0 { other } else { self }
            }
        }

        impl Quantity for $name {
            const UNIT: &'static str = $unit;
            const DECIMALS: usize = $decimals;
            fn value(self) -> f64 {
                self.0
            }
            fn try_new(value: f64) -> Result<Self, QuantityError> {
                Self::new(value)
            }
            fn shown_decimals(self) -> usize {
                let rule: fn(f64) -> usize = $shown;
                rule(self.0)
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
                write_number(f, self.0, Quantity::shown_decimals(*self))?;
                match $unit {
                    "" => Ok(()),
                    "%" => f.write_str("%"),
                    unit => write!(f, " {unit}"),
                }
            }
        }
    };
}

/// What every clinical quantity shares: its number, its unit and its precision on screen. Generic code
/// (a series of samples, a target range, a limit) is written once over it.
pub trait Quantity: Copy + PartialOrd + fmt::Display {
    /// The unit as written on screen.
    const UNIT: &'static str;
    /// Decimals shown on screen.
    const DECIMALS: usize;
    /// The number in the quantity's unit.
    fn value(self) -> f64;
    /// # Errors
    /// As the type's own `new`.
    fn try_new(value: f64) -> Result<Self, QuantityError>;
    /// Decimals shown for this value (`DECIMALS`, but for a pump rate, whose increment depends on its size).
    fn shown_decimals(self) -> usize;
}

quantity!(/// Body weight. Never zero: every per-kg figure divides by it.
    Kilograms, unit: "kg", decimals: 1, positive);
quantity!(/// Body height (ideal body weight).
    Centimetres, unit: "cm", decimals: 0, positive);
quantity!(/// A clotting time (aPTT, ACT) or any duration measured in seconds.
    Seconds, unit: "s", decimals: 1);
quantity!(/// Anti-factor Xa heparin level.
    AntiXaLevel, unit: "units/mL", decimals: 2);
quantity!(/// Activity as a percentage of normal (antithrombin, factor VIII), or a share of a value (a fall).
    Percent, unit: "%", decimals: 0);
quantity!(/// Platelet count (× 10⁹/L).
    PlateletCount, unit: "× 10⁹/L", decimals: 0);
quantity!(/// Mass concentration in grams per litre (fibrinogen, hemoglobin).
    GramsPerLitre, unit: "g/L", decimals: 2);
quantity!(/// International normalised ratio (no unit).
    Inr, unit: "", decimals: 2);
quantity!(/// Mass concentration in mg/dL (plasma free hemoglobin, bilirubin).
    MgPerDl, unit: "mg/dL", decimals: 1);
quantity!(/// Mass concentration in mg/L (C-reactive protein).
    MgPerLitre, unit: "mg/L", decimals: 1);
quantity!(/// An amount of heparin or antithrombin, in (international) units.
    Units, unit: "units", decimals: 0);
quantity!(/// Heparin infusion rate, absolute.
    UnitsPerHour, unit: "units/h", decimals: 0);
quantity!(/// Heparin infusion rate, weight-based.
    UnitsPerKgPerHour, unit: "units/kg/h", decimals: 1);
quantity!(/// A weight-based amount of heparin (bolus size, cumulative bypass dose).
    UnitsPerKg, unit: "units/kg", decimals: 0);
quantity!(/// Argatroban dose rate.
    McgPerKgPerMin, unit: "mcg/kg/min", decimals: 2);
quantity!(/// Bivalirudin dose rate.
    MgPerKgPerHour, unit: "mg/kg/h", decimals: 3);
quantity!(/// A volume (fresh frozen plasma, bag volume).
    Millilitres, unit: "mL", decimals: 0);
quantity!(/// Pump rate, shown at the pump's programmable increment (clinical reference §14.4 default: 0.01 mL/h
    /// below 10 mL/h, 0.1 mL/h from 10; no trailing zero: 0.96 mL/h, 1 mL/h, 2.4 mL/h).
    MlPerHour, unit: "mL/h", decimals: 2, shown: |v: f64| if v < 10.0 { 2 } else { 1 });
quantity!(/// A mass of drug (protamine).
    Milligrams, unit: "mg", decimals: 1);
quantity!(/// Creatinine clearance.
    MlPerMin, unit: "mL/min", decimals: 0);
quantity!(/// Heparin (or antithrombin) concentration in a bag, syringe or plasma. Never zero: pump rates
    /// divide by it.
    UnitsPerMl, unit: "units/mL", decimals: 0, positive);
quantity!(/// Drug concentration in a bag or syringe (argatroban, bivalirudin). Never zero: pump rates divide
    /// by it.
    MgPerMl, unit: "mg/mL", decimals: 2, positive);
quantity!(/// A duration in hours (recheck intervals, sample ages, lab windows).
    Hours, unit: "h", decimals: 1);
quantity!(/// A duration in minutes (holds, pairing windows).
    Minutes, unit: "min", decimals: 0);
quantity!(/// A duration in days (the 4Ts timing windows).
    Days, unit: "days", decimals: 1);
quantity!(/// A ratio to a control value (aPTT ÷ baseline aPTT), shown as "× control".
    Ratio, unit: "× control", decimals: 2);
quantity!(/// A share of a whole from 0 to 1 (maintenance fraction, protamine hour fractions).
    Fraction, unit: "", decimals: 2);
quantity!(/// Antithrombin recovery: percentage points of activity per units/kg given (label 1.4). Never
    /// zero: the label formula divides by it.
    PercentPerUnitPerKg, unit: "% per units/kg", decimals: 2, positive);
quantity!(/// A plasma volume per kg of body weight.
    MlPerKg, unit: "mL/kg", decimals: 0);
quantity!(/// The ACT dose-response slope (Bull): seconds per units/kg. Never zero: doses divide by it.
    SecondsPerUnitPerKg, unit: "s per units/kg", decimals: 2, positive);
quantity!(/// Protamine per 100 units of heparin to neutralise.
    MgPerHundredUnits, unit: "mg per 100 units", decimals: 2);
quantity!(/// A weight-based amount of drug (protamine maximum).
    MgPerKg, unit: "mg/kg", decimals: 1);

// Arithmetic between quantities. Each operation takes valid quantities (finite, in their domain) and
// gives one: a divisor is a `positive` quantity, so no operation here can fail or needs a fallback.

impl Percent {
    /// AT activity: 1 units/mL = 100% (evidence §2.3).
    #[must_use]
    pub fn from_units_per_ml(units_per_ml: f64) -> Option<Self> {
        Self::new(units_per_ml * 100.0).ok()
    }

    /// The fall from `peak` to `now` as a share of `peak` (0 when `now` is not lower, or the peak is 0).
    #[must_use]
    pub fn fall(peak: f64, now: f64) -> Self {
        if peak > 0.0 && now < peak {
            Self((peak - now) / peak * 100.0)
        } else {
            Self(0.0)
        }
    }
}

impl UnitsPerKgPerHour {
    /// Absolute rate for a weight.
    #[must_use]
    pub fn for_weight(self, weight: Kilograms) -> UnitsPerHour {
        UnitsPerHour(self.0 * weight.0)
    }

    /// The rate changed by a signed step, floored at zero.
    #[must_use]
    pub fn stepped(self, change: f64) -> Self {
        Self((self.0 + change).max(0.0))
    }
}

impl UnitsPerHour {
    /// Weight-based rate for a weight.
    #[must_use]
    pub fn per_kg(self, weight: Kilograms) -> UnitsPerKgPerHour {
        UnitsPerKgPerHour(self.0 / weight.0)
    }

    /// Pump rate at a bag concentration.
    #[must_use]
    pub fn pump_rate(self, concentration: UnitsPerMl) -> MlPerHour {
        MlPerHour(self.0 / concentration.0)
    }

    /// Units delivered over a duration at this rate.
    #[must_use]
    pub fn over(self, duration: Hours) -> Units {
        Units(self.0 * duration.0)
    }
}

impl Units {
    #[must_use]
    pub fn per_kg(self, weight: Kilograms) -> UnitsPerKg {
        UnitsPerKg(self.0 / weight.0)
    }

    /// The mean weight-based rate of this amount over a window of `duration`. A window that has not
    /// started yet (no time) has a mean of zero.
    #[must_use]
    pub fn mean_rate(self, weight: Kilograms, duration: Hours) -> UnitsPerKgPerHour {
        if duration.0 > 0.0 {
            UnitsPerKgPerHour(self.0 / weight.0 / duration.0)
        } else {
            UnitsPerKgPerHour(0.0)
        }
    }

    /// The sum of many amounts.
    #[must_use]
    pub fn total(amounts: impl IntoIterator<Item = Self>) -> Self {
        Self(amounts.into_iter().map(|u| u.0).sum())
    }

    /// Heparin to neutralise → protamine.
    #[must_use]
    pub fn protamine(self, per_hundred: MgPerHundredUnits) -> Milligrams {
        Milligrams(self.0 / 100.0 * per_hundred.0)
    }

    /// This amount `count` times over (whole vials).
    #[must_use]
    pub fn times(self, count: u32) -> Self {
        Self(self.0 * f64::from(count))
    }

    /// This amount scaled by a share of it.
    #[must_use]
    pub fn share(self, fraction: Fraction) -> Self {
        Self(self.0 * fraction.0)
    }

    /// Expected rise in activity from this dose: units ÷ kg × recovery (percentage points).
    #[must_use]
    pub fn expected_rise(self, weight: Kilograms, recovery: PercentPerUnitPerKg) -> Percent {
        Percent(self.0 / weight.0 * recovery.0)
    }
}

impl UnitsPerKg {
    #[must_use]
    pub fn for_weight(self, weight: Kilograms) -> Units {
        Units(self.0 * weight.0)
    }

    /// The ACT rise this dose gives on a dose-response line.
    #[must_use]
    pub fn act_rise(self, slope: SecondsPerUnitPerKg) -> Seconds {
        Seconds(self.0 * slope.0)
    }
}

impl Seconds {
    /// This time as a ratio to a control (`None` for a zero control).
    #[must_use]
    pub fn ratio_to(self, control: Self) -> Option<Ratio> {
        (control.0 > 0.0).then(|| Ratio(self.0 / control.0))
    }

    /// The dose that moves the ACT by this many seconds on a dose-response line.
    #[must_use]
    pub fn dose_for_rise(self, slope: SecondsPerUnitPerKg) -> UnitsPerKg {
        UnitsPerKg(self.0 / slope.0)
    }

    /// The slope of a dose-response line: this rise over `dose` (`None` without a rise or a dose).
    #[must_use]
    pub fn slope_over(self, dose: UnitsPerKg) -> Option<SecondsPerUnitPerKg> {
        (self.0 > 0.0 && dose.0 > 0.0).then(|| SecondsPerUnitPerKg(self.0 / dose.0))
    }
}

impl Ratio {
    /// The control multiplied by this ratio.
    #[must_use]
    pub fn of(self, control: Seconds) -> Seconds {
        Seconds(self.0 * control.0)
    }
}

impl Percent {
    /// The weight-based dose for this gap at a label divisor: gap ÷ divisor (the recombinant formula,
    /// `(target − baseline) ÷ 2.3 × kg`).
    #[must_use]
    pub fn per_recovery(self, divisor: PercentPerUnitPerKg) -> UnitsPerKg {
        UnitsPerKg(self.0 / divisor.0)
    }

    /// The antithrombin dose that raises activity by this gap at a label recovery:
    /// gap × kg ÷ recovery (the Thrombate III formula divides).
    #[must_use]
    pub fn dose_for_rise(self, weight: Kilograms, recovery: PercentPerUnitPerKg) -> Units {
        Units(self.0 * weight.0 / recovery.0)
    }
}

impl Hours {
    /// One day.
    pub const DAY: Self = Self(24.0);

    /// The duration of a count of seconds; a negative count (an interval run backwards) is no time.
    #[must_use]
    pub fn elapsed_seconds(seconds: i64) -> Self {
        Self(seconds.max(0) as f64 / 3600.0)
    }

    /// The same duration in minutes.
    #[must_use]
    pub fn in_minutes(self) -> Minutes {
        Minutes(self.0 * 60.0)
    }
}

impl Minutes {
    /// The same duration in hours.
    #[must_use]
    pub fn in_hours(self) -> Hours {
        Hours(self.0 / 60.0)
    }
}

impl MlPerKg {
    #[must_use]
    pub fn for_weight(self, weight: Kilograms) -> Millilitres {
        Millilitres(self.0 * weight.0)
    }
}

impl Millilitres {
    /// The units of a drug in this volume at a concentration.
    #[must_use]
    pub fn units_at(self, concentration: UnitsPerMl) -> Units {
        Units(self.0 * concentration.0)
    }
}

impl Milligrams {
    /// Per kg of body weight.
    #[must_use]
    pub fn per_kg(self, weight: Kilograms) -> MgPerKg {
        MgPerKg(self.0 / weight.value())
    }
}

impl MgPerKg {
    #[must_use]
    pub fn for_weight(self, weight: Kilograms) -> Milligrams {
        Milligrams(self.0 * weight.0)
    }
}

impl McgPerKgPerMin {
    /// mL/h at a mg/mL concentration: mcg/kg/min × kg × 60 min/h ÷ 1000 mcg/mg ÷ mg/mL.
    #[must_use]
    pub fn pump_rate(self, weight: Kilograms, concentration: MgPerMl) -> MlPerHour {
        MlPerHour(self.0 * weight.0 * 60.0 / 1000.0 / concentration.0)
    }

    /// The rate changed by a signed step, floored at zero.
    #[must_use]
    pub fn stepped(self, change: f64) -> Self {
        Self((self.0 + change).max(0.0))
    }
}

impl MgPerKgPerHour {
    /// mL/h at a mg/mL concentration: mg/kg/h × kg ÷ mg/mL.
    #[must_use]
    pub fn pump_rate(self, weight: Kilograms, concentration: MgPerMl) -> MlPerHour {
        MlPerHour(self.0 * weight.0 / concentration.0)
    }
}

/// An inclusive range of one quantity (a target, a band of a table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range<T> {
    pub low: T,
    pub high: T,
}

impl<Q: Quantity> Range<Q> {
    /// Whether `value` lies in `[low, high]`.
    #[must_use]
    pub fn contains(self, value: Q) -> bool {
        self.low <= value && value <= self.high
    }

    /// The bounds as plain numbers in the quantity's unit (for drawing).
    #[must_use]
    pub fn values(self) -> Range<f64> {
        Range {
            low: self.low.value(),
            high: self.high.value(),
        }
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
        // A large number shown with decimals is not nudged over (issue 26 review: "654,321.001 units").
        assert_eq!(format_number(654_321.0, 3), "654,321");
        assert_eq!(format_number(1_000_000.0, 3), "1,000,000");
        assert_eq!(format_number(0.705, 2), "0.71");
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
        let ml_h = arg.pump_rate(kg, MgPerMl::new(1.0).unwrap());
        assert!((ml_h.value() - 2.727).abs() < 1e-9);
        let biv = MgPerKgPerHour::new(0.15).unwrap();
        let ml_h = biv.pump_rate(kg, MgPerMl::new(0.5).unwrap());
        assert!((ml_h.value() - 27.27).abs() < 1e-9);
        assert!(
            MgPerMl::new(0.0).is_err(),
            "a zero concentration cannot be built, so no pump rate divides by it"
        );
    }
}
