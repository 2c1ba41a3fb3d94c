//! Protocols: the institution-editable data behind every recommendation.
//!
//! Loading has two stages. The file is read as written ([`schema::RawProtocol`]: plain numbers, unknown
//! fields refused, no clinical field defaulted) and checked (`validate`: bands ordered with no gaps
//! or overlaps, targets inside their tables, start doses below hard limits, every rule with a source);
//! a valid file then becomes the typed [`Protocol`] (`build`), whose every number carries its unit.
//! Errors name the file, line and column.

mod build;
pub mod case_protocols;
pub mod catalogue;
pub mod ceilings;
pub mod forecast_prior;
pub mod paths;
pub mod plausibility;
pub mod rules;
pub mod schema;
mod schema_rev3;
mod sourced;

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::model::{Population, Setting};
pub use rules::{
    Antithrombin, Argatroban, ArgatrobanStep, ArgatrobanTitration, Bivalirudin, BivalirudinTitration, BleedingRisk,
    BodyWeight, BolusCap, Bypass, Discordance, DosingWeight, DosingWeights, DtiChoice, Fondaparinux, HitScore,
    HoldAbove, Limits, Monitoring, NoTimedRestart, Nomogram, NomogramRow, OtherAnticoagulantRule, OtherAnticoagulants,
    OtherOption, OtherOptions, Plausibility, Resistance, Ufh,
};
pub use schema::{
    ArgatrobanColumn, DtiDrug, MonitoringAssay, NomogramInput, RaisedAssay, RawProtocol, Source, Sourced, WeightBasis,
};

/// Protocol files shipped with the app (compiled in, so the binary works from any directory).
pub const BUILTIN_PROTOCOLS: [(&str, &str); 3] = [
    ("adult-icu", include_str!("../../protocols/adult-icu.ron")),
    ("adult-ecmo", include_str!("../../protocols/adult-ecmo.ron")),
    ("adult-cpb", include_str!("../../protocols/adult-cpb.ron")),
];

/// The format this build reads.
pub const PROTOCOL_FORMAT_VERSION: u32 = 5;

/// The fields each format added (or rewrote), so that an older file is refused with what it lacks.
const FIELDS_ADDED: [(u32, &[&str]); 4] = [
    (
        2,
        &[
            "discordance.coagulopathy_outcome_caveat",
            "hit.older_exposure_within_days",
            "argatroban.label_start_caveat",
            "bivalirudin.crrt_caveat",
            "bypass.more_heparin_outcome (protocols with a bypass section)",
        ],
    ),
    (
        3,
        &[
            "plausibility: hard_from, soft_min and mistake in every limit; adult_weight_below_kg, weight_change_above_percent, height_cm, ufh_bolus_units_per_kg, ufh_rate_units_per_h, antithrombin_units, antithrombin_units_per_kg, protamine_mg, protamine_mg_per_kg, ffp_ml",
            "dosing_weight (heparin, direct_thrombin_inhibitors, antithrombin, body_weight), replacing ufh.start.dosing_weight_cap_kg",
            "bleeding_risk",
            "monitoring.lab_control_aptt_s, monitoring.aptt_reference_upper_s, monitoring.aptt_fit_min_pairs, monitoring.aptt_fit_min_span_h",
            "resistance.new_course_after_gap_h, resistance.suspected_exposure_units_per_kg_per_h",
            "ufh.aptt_calibrated_range_s, ufh.aptt_hold_above_s, ufh.minimum_rate_units_per_kg_per_h, ufh.bolus_cap, ufh.no_timed_restart; nomogram rows with a closed target row exactly the target",
            "antithrombin.decide_after_dose_h, antithrombin.heparin_potentiation_caveat",
            "dti.hepatic_bilirubin_above_mg_per_dl, dti.hepatic_bilirubin_max_age_h, dti.hold_above, dti.titration_margin_baseline_fraction, dti.aptt_unreliable_baseline_above_ratio, dti.pregnancy_caveat",
            "argatroban.titration (relative to the target) and argatroban.minimum_mcg_per_kg_per_min",
            "bivalirudin.titration (relative to the target) and bivalirudin.minimum_mg_per_kg_per_h",
            "bypass.bypass_bolus_from_units_per_kg, baseline_act_within_min, heparin_free_after_h, max_additional_units_per_kg, max_cumulative_units_per_kg (protocols with a bypass section)",
            "other_options (None outside the ICU)",
        ],
    ),
    (
        4,
        &[
            "other_anticoagulants (drugs, renal_crcl_below_ml_min, window_ends_anti_xa_below, window_ends_concordant_pairs_apart_h)",
            "discordance.interference_triglycerides_mg_per_dl, discordance.interference_triglycerides_within_h",
            "antithrombin.vial_round_up_short_percent, antithrombin.supplemented_assay_reference",
            "bypass.session_gap_h, bypass.preoperative_at_within_h (protocols with a bypass section)",
            "safety (post_operative, thrombocytopenia, dti_washout, hit_assays, bleeding_stop_within_h)",
        ],
    ),
    (
        5,
        &[
            "other_anticoagulants.window_ends_thrombin_time_below_s",
            "ufh.bag, argatroban.bag, bivalirudin.bag (amount and volume_ml, replacing concentration_units_per_ml, concentration_mg_per_ml and concentration_label: the label is derived)",
        ],
    ),
];

/// One thing wrong with a protocol file, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolProblem {
    /// Field path, e.g. `ufh.anti_xa_nomogram.rows[2].to`.
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("cannot read protocol file {origin}: {error}")]
    Io { origin: String, error: std::io::Error },
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: protocol is not valid:\n{}", format_problems(origin, problems))]
    Invalid {
        origin: String,
        problems: Vec<ProtocolProblem>,
    },
    #[error("unknown protocol '{name}': use one of {} or a path to a .ron protocol file", builtin_names().join(", "))]
    Unknown { name: String },
    #[error(
        "{origin}: protocol format {found} is older than this build reads (format {expected}); add the fields {} (each with its value and source, as in the shipped protocols/adult-icu.ron) and set format_version: {expected}",
        missing.join(", ")
    )]
    OlderFormat {
        origin: String,
        found: u32,
        expected: u32,
        missing: Vec<&'static str>,
    },
    #[error(
        "{origin}: protocol format {found} was written for a newer anticoag-planner (this build reads format {expected})"
    )]
    NewerFormat { origin: String, found: u32, expected: u32 },
}

fn format_problems(origin: &str, problems: &[ProtocolProblem]) -> String {
    problems
        .iter()
        .map(|p| match (p.line, p.column) {
            (Some(l), Some(c)) => format!("  {origin}:{l}:{c}: {}: {}", p.path, p.message),
            _ => format!("  {origin}: {}: {}", p.path, p.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[must_use]
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN_PROTOCOLS.iter().map(|(n, _)| *n).collect()
}

/// A validated protocol, typed. The only way to get one is through validation ([`Protocol::from_ron_str`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    origin: String,
    /// The SHA-256 of the exact bytes parsed (hex), computed once when read: what the handover prints and
    /// what a case pins (issue 26), never the file read again.
    sha256: String,
    pub format_version: u32,
    pub name: String,
    pub title: String,
    pub version: u32,
    pub description: String,
    pub settings: Vec<Setting>,
    /// The age groups the protocol is written for (`age_groups` in the file).
    pub population: Population,
    pub plausibility: Plausibility,
    pub dosing_weight: DosingWeights,
    pub bleeding_risk: BleedingRisk,
    pub monitoring: Monitoring,
    pub resistance: Resistance,
    pub discordance: Discordance,
    pub ufh: Ufh,
    pub antithrombin: Antithrombin,
    pub hit: HitScore,
    pub dti: DtiChoice,
    pub argatroban: Argatroban,
    pub bivalirudin: Bivalirudin,
    pub bypass: Option<Bypass>,
    pub other_options: Option<OtherOptions>,
    /// Anticoagulants given before heparin (format 4, clinical reference §14.5).
    pub other_anticoagulants: rules::OtherAnticoagulants,
    /// Revision 3's safety numbers (format 4, clinical reference §14.1–§14.4).
    pub safety: rules::Safety,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{} ({})", self.name, self.version, self.title)
    }
}

#[derive(Deserialize)]
struct FormatProbe {
    format_version: u32,
}

impl Protocol {
    /// Where it was read from (a builtin name or a path).
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The SHA-256 (hex) of the exact bytes this protocol was parsed from.
    #[must_use]
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// What a case records of this protocol (issue 26): name, version and fingerprint.
    #[must_use]
    pub fn pin(&self) -> crate::model::ProtocolPin {
        crate::model::ProtocolPin {
            name: self.name.clone(),
            version: self.version,
            sha256: self.sha256.clone(),
        }
    }

    /// Parses, validates and types protocol text.
    ///
    /// # Errors
    /// An older or newer format, a parse error with line and column, or every validation problem found.
    pub fn from_ron_str(text: &str, origin: &str) -> Result<Self, ProtocolError> {
        if let Ok(probe) = ron::from_str::<FormatProbe>(text) {
            check_format(probe.format_version, origin)?;
        }
        let raw: RawProtocol = ron::from_str(text).map_err(|e| ProtocolError::Parse {
            origin: origin.to_owned(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
        let mut problems = validate::validate(&raw);
        if problems.is_empty() {
            match build::build(&raw, origin, sha256_hex(text.as_bytes())) {
                Ok(protocol) => return Ok(protocol),
                Err(problem) => problems.push(problem),
            }
        }
        for problem in &mut problems {
            if let Some((line, column)) = locate(text, &problem.path) {
                problem.line = Some(line);
                problem.column = Some(column);
            }
        }
        Err(ProtocolError::Invalid {
            origin: origin.to_owned(),
            problems,
        })
    }
    /// # Errors
    /// Unreadable file, parse or validation errors.
    pub fn from_path(path: &Path) -> Result<Self, ProtocolError> {
        let origin = path.display().to_string();
        let io = |error: std::io::Error| ProtocolError::Io {
            origin: origin.clone(),
            error,
        };
        let bytes = crate::io::bounded::read_regular_file(path, crate::io::bounded::PROTOCOL_MAX_BYTES, "protocol")
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            io(std::io::Error::other(format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )))
        })?;
        Self::from_ron_str(&text, &origin)
    }

    /// A shipped protocol by name.
    ///
    /// # Errors
    /// Unknown name, or (a bug caught by the tests) a shipped file that does not validate.
    pub fn builtin(name: &str) -> Result<Self, ProtocolError> {
        let Some((shipped, text)) = BUILTIN_PROTOCOLS.iter().find(|(n, _)| *n == name) else {
            return Err(ProtocolError::Unknown { name: name.to_owned() });
        };
        // The shipped texts are compiled in: each is read and checked once per process (the unit board
        // loads dozens of cases; issue 31), then cloned.
        static SHIPPED: std::sync::OnceLock<std::sync::Mutex<Vec<(&'static str, Protocol)>>> =
            std::sync::OnceLock::new();
        let cache = SHIPPED.get_or_init(Default::default);
        if let Some(p) = cache
            .lock()
            .ok()
            .and_then(|c| c.iter().find(|(n, _)| n == shipped).map(|(_, p)| p.clone()))
        {
            return Ok(p);
        }
        let protocol = Self::from_ron_str(text, &format!("protocols/{name}.ron"))?;
        if let Ok(mut c) = cache.lock() {
            c.push((shipped, protocol.clone()));
        }
        Ok(protocol)
    }

    /// A shipped protocol by name, or a protocol file by path.
    ///
    /// # Errors
    /// As [`Protocol::builtin`] and [`Protocol::from_path`].
    pub fn resolve(name_or_path: &str) -> Result<Self, ProtocolError> {
        if BUILTIN_PROTOCOLS.iter().any(|(n, _)| *n == name_or_path) {
            return Self::builtin(name_or_path);
        }
        let path = Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "ron") || path.exists() {
            return Self::from_path(path);
        }
        Err(ProtocolError::Unknown {
            name: name_or_path.to_owned(),
        })
    }
}

/// The SHA-256 of bytes, lower-case hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    crate::model::audit::hex(&Sha256::digest(bytes))
}

/// Refuses a format this build does not read, naming what an older file lacks.
fn check_format(found: u32, origin: &str) -> Result<(), ProtocolError> {
    if found > PROTOCOL_FORMAT_VERSION {
        return Err(ProtocolError::NewerFormat {
            origin: origin.to_owned(),
            found,
            expected: PROTOCOL_FORMAT_VERSION,
        });
    }
    if found < PROTOCOL_FORMAT_VERSION {
        return Err(ProtocolError::OlderFormat {
            origin: origin.to_owned(),
            found,
            expected: PROTOCOL_FORMAT_VERSION,
            missing: FIELDS_ADDED
                .iter()
                .filter(|(version, _)| *version > found)
                .flat_map(|(_, fields)| fields.iter().copied())
                .collect(),
        });
    }
    Ok(())
}

/// Finds the line and column of a field path in RON text: each key is searched after the previous
/// one; an index `[n]` skips to the n-th occurrence of the following key.
fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut found = None;
    let mut pending_index = 0usize;
    for segment in path.split('.') {
        let (key, index) = match segment.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let needle = format!("{key}:");
        for _ in 0..=pending_index {
            let pos = find_key(&text[offset..], &needle)?;
            found = Some(offset + pos);
            offset += pos + needle.len();
        }
        pending_index = index.unwrap_or(0);
    }
    if pending_index > 0 || path.ends_with("[0]") {
        // The path ends at a list item: find the item's line (items start a line with '(').
        let mut pos = offset;
        let mut seen = 0;
        for line in text[offset..].split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with('(') {
                if seen == pending_index {
                    found = Some(pos + (line.len() - trimmed.len()));
                    break;
                }
                seen += 1;
            }
            pos += line.len();
        }
    }
    let pos = found?;
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let column = pos - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Some((line, column))
}

/// Position of `needle` as a key (not inside a longer identifier).
fn find_key(haystack: &str, needle: &str) -> Option<usize> {
    let mut start = 0;
    while let Some(pos) = haystack[start..].find(needle) {
        let abs = start + pos;
        let prev = haystack[..abs].chars().next_back();
        if prev.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
            return Some(abs);
        }
        start = abs + needle.len();
    }
    None
}

mod validate;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_protocol_validates() {
        for (name, _) in BUILTIN_PROTOCOLS {
            let p = Protocol::builtin(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.name, name);
        }
    }

    #[test]
    fn an_older_format_is_refused_with_the_fields_it_lacks() {
        let (_, text) = BUILTIN_PROTOCOLS[0];
        let old = text.replacen("format_version: 5,", "format_version: 1,", 1);
        let message = Protocol::from_ron_str(&old, "old.ron")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("protocol format 1 is older than this build reads (format 5)"),
            "{message}"
        );
        for field in [
            "discordance.coagulopathy_outcome_caveat",
            "hit.older_exposure_within_days",
            "dosing_weight",
            "ufh.no_timed_restart",
            "other_anticoagulants.window_ends_thrombin_time_below_s",
        ] {
            assert!(message.contains(field), "{field}: {message}");
        }
        let newer = text.replacen("format_version: 5,", "format_version: 9,", 1);
        let message = Protocol::from_ron_str(&newer, "new.ron")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(message.contains("written for a newer anticoag-planner"), "{message}");
    }

    #[test]
    fn locate_finds_indexed_rows() {
        let text =
            "(\n  ufh: (\n    rows: [\n      (from: 0, to: Some(1)),\n      (from: 1, to: None),\n    ],\n  ),\n)";
        assert_eq!(locate(text, "ufh.rows[1].to"), Some((5, 17)));
        assert_eq!(locate(text, "ufh.rows[0].from"), Some((4, 8)));
        assert_eq!(locate(text, "ufh.rows[1]"), Some((5, 7)));
    }
}
