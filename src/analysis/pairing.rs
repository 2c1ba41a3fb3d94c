//! aPTT / anti-Xa pairing and the level of each assay against its target (clinical reference §4).

use super::timeline::{Sample, Timeline};
use crate::model::{ClinicalTime, LabKind, Seconds};
use crate::protocol::{Protocol, Range};

/// Where a result lies against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Below,
    InRange,
    Above,
}

impl Level {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Below => "below target",
            Self::InRange => "in target",
            Self::Above => "above target",
        }
    }
}

#[must_use]
pub fn classify_level(value: f64, target: Range) -> Level {
    if value < target.low {
        Level::Below
    } else if value > target.high {
        Level::Above
    } else {
        Level::InRange
    }
}

/// The heparin aPTT target in seconds: the protocol's ratio × baseline aPTT.
#[must_use]
pub fn ufh_aptt_target(protocol: &Protocol, baseline: Option<Seconds>) -> Option<Range> {
    let base = baseline?.value();
    let r = &protocol.ufh.aptt_target_ratio;
    Some(Range {
        low: r.low * base,
        high: r.high * base,
    })
}

/// An aPTT and an anti-Xa drawn within the pairing window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub aptt: Sample,
    pub anti_xa: Sample,
}

impl Pair {
    #[must_use]
    pub fn time(&self) -> ClinicalTime {
        self.anti_xa.time
    }
}

/// Every anti-Xa paired with its nearest aPTT within the window (for the scatter plot).
#[must_use]
pub fn paired_samples(tl: &Timeline, window_min: f64) -> Vec<Pair> {
    let Some(last) = tl.event_times().last().copied() else {
        return Vec::new();
    };
    tl.samples(LabKind::AntiXa)
        .iter()
        .filter_map(|x| {
            tl.nearest(LabKind::Aptt, x.time, window_min, last)
                .map(|aptt| Pair { aptt, anti_xa: *x })
        })
        .collect()
}

/// The latest pair at `as_of`: the latest anti-Xa with its nearest aPTT (neither after `as_of`).
#[must_use]
pub fn latest_pair(tl: &Timeline, as_of: ClinicalTime, window_min: f64) -> Option<Pair> {
    let anti_xa = tl.latest(LabKind::AntiXa, as_of)?;
    let aptt = tl.nearest(LabKind::Aptt, anti_xa.time, window_min, as_of)?;
    Some(Pair { aptt, anti_xa })
}
