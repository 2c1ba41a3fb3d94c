//! One raw number, range, list or limit as its typed quantity, with its field path when refused.

use crate::model::{Quantity, Range};
use crate::protocol::ProtocolProblem;
use crate::protocol::rules::{Limits, Sourced};
use crate::protocol::schema::{RawBag, RawLimits, RawSourcedRange};

pub(super) type Built<T> = Result<T, ProtocolProblem>;

/// One number as its quantity.
pub(super) fn q<Q: Quantity>(path: &str, value: f64) -> Built<Q> {
    Q::try_new(value).map_err(|e| ProtocolProblem {
        path: path.to_owned(),
        line: None,
        column: None,
        message: e.to_string(),
    })
}

pub(super) fn opt<Q: Quantity>(path: &str, value: Option<f64>) -> Built<Option<Q>> {
    value.map(|v| q(path, v)).transpose()
}

pub(super) fn sourced<Q: Quantity>(path: &str, s: &Sourced<f64>) -> Built<Sourced<Q>> {
    Ok(Sourced {
        value: q(&format!("{path}.value"), s.value)?,
        source: s.source.clone(),
    })
}

/// A bag's concentration, amount ÷ volume, with the bag's source.
pub(super) fn bag_concentration<Q: Quantity>(path: &str, bag: &RawBag) -> Built<Sourced<Q>> {
    Ok(Sourced {
        value: q(path, bag.amount / bag.volume_ml)?,
        source: bag.source.clone(),
    })
}

/// A bag in words, written from its numbers: "heparin 25,000 units in 250 mL (100 units/mL)".
pub(super) fn bag_label(drug: &str, bag: &RawBag, amount_unit: &str, per_ml: &str) -> String {
    use crate::model::num;
    format!(
        "{drug} {} {amount_unit} in {} mL ({} {per_ml})",
        num(bag.amount, 3),
        num(bag.volume_ml, 3),
        num(bag.amount / bag.volume_ml, 3)
    )
}

pub(super) fn range<Q: Quantity>(path: &str, r: Range<f64>) -> Built<Range<Q>> {
    Ok(Range {
        low: q(&format!("{path}.low"), r.low)?,
        high: q(&format!("{path}.high"), r.high)?,
    })
}

pub(super) fn sourced_range<Q: Quantity>(path: &str, r: &RawSourcedRange) -> Built<Sourced<Range<Q>>> {
    Ok(Sourced {
        value: range(path, r.range())?,
        source: r.source.clone(),
    })
}

pub(super) fn list<Q: Quantity>(path: &str, values: &[f64]) -> Built<Vec<Q>> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| q(&format!("{path}[{i}]"), *v))
        .collect()
}

pub(super) fn limits<Q: Quantity>(path: &str, l: &RawLimits) -> Built<Limits<Q>> {
    Ok(Limits {
        hard_min: opt(&format!("{path}.hard_min"), l.hard_min)?,
        hard_max: opt(&format!("{path}.hard_max"), l.hard_max)?,
        hard_from: opt(&format!("{path}.hard_from"), l.hard_from)?,
        soft_min: opt(&format!("{path}.soft_min"), l.soft_min)?,
        soft_max: opt(&format!("{path}.soft_max"), l.soft_max)?,
        mistake: l.mistake.clone(),
        source: l.source.clone(),
    })
}
