//! One aPTT target per anticoagulant, from one place (issue 12): the heparin range (the protocol's
//! calibrated range, else Raschke 1.5–2.3 × control) and each DTI's target from the baseline. The card,
//! the algorithm, the dosing tools and the aPTT plot band all read it here, so a screen never shows two
//! targets for one drug.

use super::pairing::HeparinApttRange;
use super::timeline::Timeline;
use super::types::Action;
use crate::dosing::dti;
use crate::model::Anticoagulant;
use crate::model::{ClinicalTime, Range, Seconds};
use crate::protocol::Protocol;

/// An aPTT target with the words that say where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct ApttTargetOf {
    pub agent: Anticoagulant,
    pub range: Range<Seconds>,
    pub basis: String,
}

/// The aPTT target of `agent` for this patient; `None` for a DTI without a baseline aPTT (its target
/// is a multiple of the baseline).
#[must_use]
pub fn aptt_target(agent: Anticoagulant, protocol: &Protocol, baseline: Option<Seconds>) -> Option<ApttTargetOf> {
    match agent.as_dti() {
        None => {
            let h = HeparinApttRange::of(protocol, baseline);
            Some(ApttTargetOf {
                agent,
                range: h.range,
                basis: h.describe(protocol),
            })
        }
        Some(dti) => dti::dti_target(protocol, dti, baseline).map(|t| ApttTargetOf {
            agent,
            range: Range {
                low: t.low,
                high: t.high,
            },
            basis: t.describe(),
        }),
    }
}

/// The anticoagulant the screen is about at `as_of`: the one running, else the one the recommendation
/// starts (a switch to argatroban makes argatroban active).
#[must_use]
pub fn active_drug(tl: &Timeline, as_of: ClinicalTime, action: Action) -> Option<Anticoagulant> {
    tl.running(as_of).map(|s| s.drug()).or(action.drug())
}

/// Whether heparin is monitored by the anti-Xa now: the protocol says anti-Xa and one is recent enough
/// (the protocol's lab age), or there is no aPTT to read instead. The dosing tools and the handover show
/// that assay's table first, as the engine reads it.
#[must_use]
pub fn heparin_by_anti_xa_now(protocol: &Protocol, tl: &Timeline, as_of: ClinicalTime) -> bool {
    let max_age = protocol.monitoring.lab_max_age_h.value;
    protocol.ufh.monitoring_assay == crate::protocol::MonitoringAssay::AntiXa
        && (tl.labs.anti_xa.recent(as_of, max_age).is_some() || tl.labs.aptt.latest(as_of).is_none())
}
