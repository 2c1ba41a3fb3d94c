//! When an anti-Xa is not heparin's level alone (clinical reference §3, §14.5), and what follows:
//! - it *reads low* — plasma free hemoglobin or bilirubin above the protocol's limits within the pairing
//!   window, or the analyser's `haemolysed` / `icteric` flag (Kostousov 2014): left out of escalation and of
//!   R3 (its paired aPTT is read instead), but a value at or above the hold threshold still holds;
//! - it is *unreliable* — triglycerides above the protocol's limit in the hours before it, or the analyser's
//!   `lipaemic` flag (the bias depends on the assay): it neither escalates nor holds on its own;
//! - it *includes another anticoagulant* — drawn inside an oral Xa inhibitor's, LMWH's or fondaparinux's
//!   window (`other_anticoagulants.rs`): it neither escalates nor holds on its own; the aPTT titrates.

use super::other_anticoagulants::OtherWindow;
use super::timeline::{Sample, Timeline};
use crate::model::{AntiXaLevel, ClinicalTime, Interference, OtherAnticoagulant};
use crate::protocol::{Protocol, RaisedAssay};

/// Why an anti-Xa is left out, and how far.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum AntiXaExclusion {
    /// It reads falsely low: no escalation on it; a high value still holds.
    ReadsLow(String),
    /// Its bias is unknown: it neither escalates nor holds on its own.
    Unreliable(String),
    /// It also measures another anticoagulant: it neither escalates nor holds on its own.
    IncludesOther(OtherAnticoagulant),
}

impl AntiXaExclusion {
    /// Whether a value at or above the hold threshold still holds heparin.
    pub fn still_holds(&self) -> bool {
        matches!(self, Self::ReadsLow(_))
    }

    /// In words, for the card.
    pub fn reason(&self) -> String {
        match self {
            Self::ReadsLow(why) => format!("{why}: the anti-Xa may read falsely low"),
            Self::Unreliable(why) => format!("{why}: the anti-Xa is unreliable (lipaemia)"),
            Self::IncludesOther(drug) => format!("anti-Xa includes {}", drug.code()),
        }
    }
}

/// What the laboratory results say of an anti-Xa drawn at `t`, known by `until` — the one rule the
/// algorithm and the forecast's fit both read.
pub(crate) fn anti_xa_exclusion_by_labs(
    tl: &Timeline,
    p: &Protocol,
    t: ClinicalTime,
    until: ClinicalTime,
) -> Option<AntiXaExclusion> {
    let window = p.monitoring.pairing_window_min.value;
    let d = &p.discordance;
    let hb = || {
        tl.labs
            .plasma_free_hb
            .nearest(t, window, until)
            .filter(|h| h.value > d.interference_plasma_free_hb_mg_per_dl.value)
            .map(|h| AntiXaExclusion::ReadsLow(format!("plasma free hemoglobin {} at {}", h.value, h.time)))
    };
    let bilirubin = || {
        tl.labs
            .bilirubin
            .nearest(t, window, until)
            .filter(|b| b.value > d.interference_bilirubin_mg_per_dl.value)
            .map(|b| AntiXaExclusion::ReadsLow(format!("bilirubin {} at {}", b.value, b.time)))
    };
    let flag = || {
        super::marks::anti_xa_flag_at(&tl.marks, t).map(|f| match f {
            Interference::Lipaemic => AntiXaExclusion::Unreliable("flagged lipaemic by the analyser".to_owned()),
            other => AntiXaExclusion::ReadsLow(format!("flagged {} by the analyser", other.code())),
        })
    };
    let triglycerides = || {
        let within = d.interference_triglycerides_within_h.value;
        // The latest in the hours before the anti-Xa, or one drawn with it (within the pairing window after).
        tl.labs
            .triglycerides
            .nearest(t, window, until)
            .filter(|s| s.time > t)
            .or_else(|| tl.labs.triglycerides.recent(t, within))
            .filter(|s| s.value > d.interference_triglycerides_mg_per_dl.value)
            .map(|s| {
                AntiXaExclusion::Unreliable(format!(
                    "triglycerides {} at {} (> {} in the {} before it)",
                    s.value, s.time, d.interference_triglycerides_mg_per_dl.value, within
                ))
            })
    };
    hb().or_else(bilirubin).or_else(flag).or_else(triglycerides)
}

/// The same in words, for the forecast (which leaves such samples out of its fit).
pub(crate) fn anti_xa_interference(
    tl: &Timeline,
    p: &Protocol,
    t: ClinicalTime,
    until: ClinicalTime,
) -> Option<String> {
    anti_xa_exclusion_by_labs(tl, p, t, until).map(|e| e.reason())
}

/// Whether an anti-Xa sample is left out for any reason (labs, or another anticoagulant's window open at
/// `as_of`): `Cx::anti_xa_excluded` is the shorthand the rules use.
pub(super) fn anti_xa_excluded(
    tl: &Timeline,
    p: &Protocol,
    windows: &[OtherWindow],
    as_of: ClinicalTime,
    s: Sample<AntiXaLevel>,
) -> Option<AntiXaExclusion> {
    anti_xa_exclusion_by_labs(tl, p, s.time, as_of).or_else(|| {
        windows
            .iter()
            .find(|w| w.raises == RaisedAssay::AntiXa && w.covers(s.time))
            .map(|w| AntiXaExclusion::IncludesOther(w.drug))
    })
}
