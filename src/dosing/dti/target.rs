//! A DTI's aPTT target for this patient: a multiple of the baseline aPTT (clinical reference §8).

use super::section::section;
use crate::model::{DtiDrug, Seconds};
use crate::protocol::Protocol;

/// An aPTT target in seconds and how it was derived.
#[derive(Debug, Clone, PartialEq)]
pub struct ApttTarget {
    pub low: Seconds,
    pub high: Seconds,
    pub basis: String,
}

impl ApttTarget {
    #[must_use]
    pub fn describe(&self) -> String {
        format!("aPTT {}–{} ({})", self.low.shown(), self.high, self.basis)
    }
}

/// A DTI's aPTT target: its section's ratio × baseline (argatroban 1.5–3 ×, bivalirudin the protocol's),
/// never above the section's ceiling when it has one. `None` without a baseline.
#[must_use]
pub fn dti_target(protocol: &Protocol, drug: DtiDrug, baseline: Option<Seconds>) -> Option<ApttTarget> {
    let sec = section(protocol, drug);
    let base = baseline?;
    let ratio = sec.target_ratio.value;
    let uncapped = ratio.high.of(base);
    let (high, capped) = match sec.target_cap {
        Some(cap) if uncapped > cap => (cap, format!(", capped at {cap}")),
        _ => (uncapped, String::new()),
    };
    Some(ApttTarget {
        low: ratio.low.of(base),
        high,
        basis: format!(
            "{}–{} × baseline {}{capped}",
            ratio.low.shown(),
            ratio.high.shown(),
            base
        ),
    })
}
