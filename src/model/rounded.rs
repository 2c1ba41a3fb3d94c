//! Numbers leaving the program are rounded to the precision shown on screen (decisions.md: one table,
//! per quantity: `Quantity::DECIMALS`), so the JSON says `154667`, never `154666.6666666667`. The library
//! keeps unrounded values; these serialisers are used on the analysis output only (case files keep
//! every digit the user typed).

use serde::Serializer;

use super::units::{Quantity, round_half_up};

/// Serialises a quantity rounded half up to its shown precision.
///
/// # Errors
/// The serialiser's own.
pub fn quantity<S: Serializer, Q: Quantity>(q: &Q, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_half_up(q.value(), q.shown_decimals() as u32))
}

/// As [`quantity`], for an optional quantity (`null` when absent).
///
/// # Errors
/// The serialiser's own.
pub fn option<S: Serializer, Q: Quantity>(q: &Option<Q>, s: S) -> Result<S::Ok, S::Error> {
    match q {
        Some(q) => quantity(q, s),
        None => s.serialize_none(),
    }
}

/// A plain number rounded to `decimals` (for the few outputs that are not a quantity type).
#[must_use]
pub fn to(value: f64, decimals: u32) -> f64 {
    round_half_up(value, decimals)
}

/// A plain number rounded to 3 decimals (a hard limit's calculated value and limit).
///
/// # Errors
/// The serialiser's own.
pub fn quantity_f64_3<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_half_up(*v, 3))
}

/// A plain number rounded to 2 decimals (forecast levels in units/mL, clearances, probabilities).
///
/// # Errors
/// The serialiser's own.
pub fn f64_2<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_half_up(*v, 2))
}

/// An optional plain number rounded to 2 decimals (`null` when absent).
///
/// # Errors
/// The serialiser's own.
pub fn option_f64_2<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64(round_half_up(*v, 2)),
        None => s.serialize_none(),
    }
}

/// A plain number rounded to a whole (totals in units/h).
///
/// # Errors
/// The serialiser's own.
pub fn f64_0<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_half_up(*v, 0))
}

/// A plain number rounded to 1 decimal (rates in units/kg/h, volumes in L, half-lives in h).
///
/// # Errors
/// The serialiser's own.
pub fn f64_1<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_half_up(*v, 1))
}
