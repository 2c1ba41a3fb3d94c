//! A DTI's aPTT target for this patient: a multiple of the baseline aPTT (clinical reference §8).

use crate::model::Seconds;
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

/// Argatroban aPTT target: 1.5–3 × baseline, never above the protocol's ceiling.
#[must_use]
pub fn argatroban_target(protocol: &Protocol, baseline: Option<Seconds>) -> Option<ApttTarget> {
    let a = &protocol.argatroban;
    let base = baseline?;
    let cap = a.target_max_s.value;
    let ratio = a.target_ratio.value;
    let uncapped = ratio.high.of(base);
    Some(ApttTarget {
        low: ratio.low.of(base),
        high: uncapped.min(cap),
        basis: format!(
            "{}–{} × baseline {}{}",
            ratio.low.shown(),
            ratio.high.shown(),
            base,
            if uncapped > cap {
                format!(", capped at {cap}")
            } else {
                String::new()
            }
        ),
    })
}

/// Bivalirudin aPTT target: the protocol's ratio × baseline.
#[must_use]
pub fn bivalirudin_target(protocol: &Protocol, baseline: Option<Seconds>) -> Option<ApttTarget> {
    let ratio = protocol.bivalirudin.target_ratio.value;
    let base = baseline?;
    Some(ApttTarget {
        low: ratio.low.of(base),
        high: ratio.high.of(base),
        basis: format!("{}–{} × baseline {}", ratio.low.shown(), ratio.high.shown(), base),
    })
}
