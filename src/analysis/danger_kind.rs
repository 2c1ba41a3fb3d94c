//! What a danger line is (issues 11, 12, 24): its kind, its level and its words — the JSON `danger[]` entry
//! (`kind`, `level` and the kind's fields). Which lines apply at a time is decided in `danger.rs`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::four_ts::FourTsBand;
use crate::model::{ClinicalTime, HitHistory, PlateletCount};

/// How grave a danger line is (JSON `danger[].level`): red in the window, or amber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DangerLevel {
    Danger,
    Caution,
}

/// What the window's danger banner and the first line of every report show (issues 11, 12, 24): the
/// patterns in which more anticoagulant would harm, HIT, platelets in the range where every dose is a risk,
/// an infusion never charted as stopped — most severe first (this file decides which apply). JSON: `kind`,
/// `level` and the kind's fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Danger {
    /// HIT in the history, suspected by the 4Ts, or probable or confirmed by an assay (clinical reference
    /// §14.1): no heparin at all, whatever drug runs.
    Hit {
        /// The history that forbids heparin, when that is the reason.
        history: Option<HitHistory>,
        /// The 4Ts score range and band, when the 4Ts is the reason.
        score_min: Option<u8>,
        score_max: Option<u8>,
        band: Option<FourTsBand>,
        /// The status the assays give, when one does ("probable", "confirmed").
        status: Option<super::hit_status::HitStatus>,
    },
    /// High aPTT with a low or in-range anti-Xa: do not escalate.
    Coagulopathy,
    /// Platelets below the protocol's bleeding-risk threshold while an anticoagulant or antithrombin is
    /// advised; `critical` below 25 on ECMO (clinical reference §14.3: call now).
    LowPlatelets {
        count: PlateletCount,
        below: PlateletCount,
        critical_on_ecmo: bool,
    },
    /// Low aPTT with an adequate anti-Xa: do not escalate.
    PseudoResistance,
    /// Two anticoagulant infusions with no stop charted for the earlier one (clinical reference §14.2).
    OverlappingInfusions {
        earlier: &'static str,
        since: ClinicalTime,
        /// HIT suspected, probable, confirmed or in the history: DANGER, else CAUTION.
        hit: bool,
    },
    /// Protamine given outside bypass while heparin is charted as running (clinical reference §14.3).
    ProtamineWhileRunning { at: ClinicalTime },
    /// A child, infant or neonate on ECMO with HIT and no DTI running: heparin stops and the circuit has no
    /// anticoagulant (clinical reference §14.1).
    CircuitWithoutAnticoagulant,
    /// Organ function changed while a DTI runs (clinical reference §14.8): measure the aPTT.
    OrganFunctionChanged {
        drug: &'static str,
        what: &'static str,
        at: ClinicalTime,
    },
    /// Another anticoagulant still reads in a heparin assay (clinical reference §14.5): heparin is titrated
    /// on the other assay. `on_bypass`: the ACT may overstate the heparin effect.
    OtherAnticoagulantInAssay {
        drug: &'static str,
        /// "anti-Xa" or "aPTT".
        assay: &'static str,
        last_dose: ClinicalTime,
        on_bypass: bool,
    },
}

impl Danger {
    /// The JSON `kind`.
    #[must_use]
    pub fn kind(self) -> &'static str {
        match self {
            Self::Hit { .. } => "hit",
            Self::Coagulopathy => "coagulopathy",
            Self::LowPlatelets { .. } => "low_platelets",
            Self::PseudoResistance => "pseudo_resistance",
            Self::OverlappingInfusions { .. } => "overlapping_infusions",
            Self::ProtamineWhileRunning { .. } => "protamine_while_running",
            Self::CircuitWithoutAnticoagulant => "circuit_without_anticoagulant",
            Self::OtherAnticoagulantInAssay { .. } => "other_anticoagulant_in_assay",
            Self::OrganFunctionChanged { .. } => "organ_function_changed",
        }
    }

    /// DANGER (red) or CAUTION (amber).
    #[must_use]
    pub fn level(self) -> DangerLevel {
        match self {
            Self::PseudoResistance => DangerLevel::Caution,
            Self::LowPlatelets { critical_on_ecmo, .. } if !critical_on_ecmo => DangerLevel::Caution,
            Self::OverlappingInfusions { hit: false, .. } => DangerLevel::Caution,
            Self::OtherAnticoagulantInAssay { .. } | Self::OrganFunctionChanged { .. } => DangerLevel::Caution,
            _ => DangerLevel::Danger,
        }
    }

    /// The banner's words.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Self::PseudoResistance => "pseudo-resistance: low aPTT with an adequate anti-Xa — do not escalate heparin".to_owned(),
            Self::Coagulopathy => {
                "coagulopathy: high aPTT with a low or in-range anti-Xa — do not escalate heparin; check INR and fibrinogen"
                    .to_owned()
            }
            Self::Hit { .. } => format!("{}; no heparin flushes, heparin-coated catheters or heparin circuit priming", self.hit_reason()),
            Self::LowPlatelets { count, critical_on_ecmo: true, .. } => format!(
                "platelets < 25 on ECMO: call now; consider platelet transfusion (platelets {} × 10⁹/L)",
                count.shown()
            ),
            Self::LowPlatelets { count, below, .. } => format!(
                "platelets {} × 10⁹/L (< {}) while anticoagulation is advised: every dose is a bleeding risk",
                count.shown(),
                below.shown()
            ),
            Self::OverlappingInfusions { earlier, since, .. } => format!(
                "Stop {earlier} now and chart the stop (no stop recorded since {since}): its exposure is assumed to end at the later infusion's start, not charted"
            ),
            Self::ProtamineWhileRunning { at } => format!(
                "protamine given at {at} while heparin is charted as running: stop heparin and chart the stop"
            ),
            Self::CircuitWithoutAnticoagulant => {
                "the circuit is now without anticoagulant: start a non-heparin anticoagulant per the paediatric ECMO team now"
                    .to_owned()
            }
            Self::OrganFunctionChanged { drug, what, at } => {
                format!("{what} at {at} while {drug} runs: measure the aPTT (see the plan); no automatic dose change")
            }
            Self::OtherAnticoagulantInAssay { drug, on_bypass: true, last_dose, .. } => format!(
                "{drug} taken at {last_dose}, inside its window: the ACT may overstate the heparin effect; consider a heparin concentration"
            ),
            Self::OtherAnticoagulantInAssay { drug, assay, last_dose, .. } => {
                let other = if assay == "anti-Xa" { "aPTT" } else { "anti-Xa" };
                format!("{assay} includes {drug}: heparin titrated on the {other} (last dose {last_dose})")
            }
        }
    }

    fn hit_reason(self) -> String {
        let Self::Hit {
            history,
            score_min,
            score_max,
            band,
            status,
        } = self
        else {
            return String::new();
        };
        match (status, history, score_min, score_max) {
            (Some(s), _, _, _) => format!("HIT {}: no heparin at all, flushes included", s.code()),
            (None, Some(h), _, _) => format!("HIT ({}): no heparin at all", h.label()),
            (None, None, Some(lo), Some(hi)) => {
                let score = if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}–{hi}")
                };
                let band = band.map_or(String::new(), |b| format!(", {} probability", b.label()));
                format!("HIT suspected (4Ts {score}{band}): stop all heparin")
            }
            _ => "HIT suspected: stop all heparin".to_owned(),
        }
    }
}

impl Serialize for Danger {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use crate::model::round_half_up;
        let rounded = |q: PlateletCount| round_half_up(q.value(), PlateletCount::DECIMALS as u32);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.kind())?;
        map.serialize_entry("level", &self.level())?;
        match *self {
            Self::Hit {
                history,
                score_min,
                score_max,
                band,
                status,
            } => {
                map.serialize_entry("history", &history)?;
                map.serialize_entry("score_min", &score_min)?;
                map.serialize_entry("score_max", &score_max)?;
                map.serialize_entry("band", &band)?;
                map.serialize_entry("status", &status)?;
            }
            Self::LowPlatelets { count, below, .. } => {
                map.serialize_entry("count", &rounded(count))?;
                map.serialize_entry("below", &rounded(below))?;
            }
            Self::OverlappingInfusions { earlier, since, .. } => {
                map.serialize_entry("earlier", earlier)?;
                map.serialize_entry("since", &since)?;
            }
            Self::ProtamineWhileRunning { at } => map.serialize_entry("at", &at)?,
            Self::CircuitWithoutAnticoagulant => {}
            Self::OrganFunctionChanged { drug, what, at } => {
                map.serialize_entry("drug", drug)?;
                map.serialize_entry("what", what)?;
                map.serialize_entry("at", &at)?;
            }
            Self::OtherAnticoagulantInAssay {
                drug,
                assay,
                last_dose,
                on_bypass,
            } => {
                map.serialize_entry("drug", drug)?;
                map.serialize_entry("assay", assay)?;
                map.serialize_entry("last_dose", &last_dose)?;
                map.serialize_entry("on_bypass", &on_bypass)?;
            }
            Self::Coagulopathy | Self::PseudoResistance => {}
        }
        map.end()
    }
}
