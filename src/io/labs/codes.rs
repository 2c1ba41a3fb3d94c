//! The laboratory code map (issue 32; decisions.md: the one home of lab codes): `protocols/lab-codes.ron`,
//! site-editable and checked on load — each result code (LOINC or a site's local code) to the app's lab
//! kind, the units each code may arrive in (UCUM, exactly) with the factor to a unit the app reads, the
//! words of a word-valued result, and the codes refused with their reason. A code not in the map is
//! unknown and listed, never guessed.

use serde::Deserialize;

use crate::io::csv_events::{event_kind_from_fields, word_event};
use crate::model::{EventCode, EventKind};

/// The map file's format.
pub const LAB_CODES_FORMAT: u32 = 1;

/// The shipped map.
pub const SHIPPED_LAB_CODES: &str = include_str!("../../../protocols/lab-codes.ron");

/// A coding system's name in HL7 v2 (OBX-3.3) and its URI (FHIR `coding.system`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodingSystemAlias {
    pub hl7: String,
    pub system: String,
}

/// A unit a code may arrive in: the value × `factor` is read in `unit`, a unit the app spells.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitMap {
    pub ucum: String,
    pub unit: String,
    pub factor: f64,
}

/// A laboratory's answer and the app's word for it (the HIT assays).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordMap {
    pub result: String,
    pub word: String,
}

/// A mapped code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabCode {
    pub system: String,
    pub code: String,
    pub display: String,
    /// The CSV kind code (`anti_xa`).
    pub kind: String,
    pub units: Vec<UnitMap>,
    pub words: Vec<WordMap>,
    pub source: String,
    pub review: Option<String>,
}

/// A code refused with its reason (an LMWH-calibrated anti-Xa, a ratio, an ordering-only code).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusedCode {
    pub system: String,
    pub code: String,
    pub display: String,
    pub reason: String,
    pub source: String,
    pub review: Option<String>,
}

/// The map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabCodeMap {
    pub format_version: u32,
    pub name: String,
    /// The site's revision of the file.
    pub version: u32,
    /// Who reviewed it and when; `None`: an unreviewed draft (said with every import).
    pub reviewed_by: Option<String>,
    pub hl7v2_coding_systems: Vec<CodingSystemAlias>,
    pub codes: Vec<LabCode>,
    pub refused: Vec<RefusedCode>,
}

/// Why a map file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabCodesError {
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: format_version {found} is not supported (this build reads {LAB_CODES_FORMAT})")]
    Format { origin: String, found: u32 },
    #[error("{origin}: {}", problems.join("; "))]
    Invalid { origin: String, problems: Vec<String> },
}

/// What the map says of a code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lookup<'a> {
    Mapped(&'a LabCode),
    Refused(&'a RefusedCode),
    Unknown,
}

impl LabCodeMap {
    /// Parses and checks a map: the format, every kind a lab kind of the app, every unit one the app
    /// reads for it (tried on the value 1 × factor), every word one the kind takes, no code twice.
    ///
    /// # Errors
    /// A parse error with its line and column, an unsupported format, or every problem found.
    pub fn from_ron_str(text: &str, origin: &str) -> Result<Self, LabCodesError> {
        let map: Self = ron::from_str(text).map_err(|e| LabCodesError::Parse {
            origin: origin.to_owned(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
        if map.format_version != LAB_CODES_FORMAT {
            return Err(LabCodesError::Format {
                origin: origin.to_owned(),
                found: map.format_version,
            });
        }
        let problems = map.problems();
        if problems.is_empty() {
            Ok(map)
        } else {
            Err(LabCodesError::Invalid {
                origin: origin.to_owned(),
                problems,
            })
        }
    }

    /// The shipped map.
    ///
    /// # Errors
    /// Only if the shipped file were broken (a test loads it).
    pub fn shipped() -> Result<Self, LabCodesError> {
        Self::from_ron_str(SHIPPED_LAB_CODES, "protocols/lab-codes.ron")
    }

    /// This workstation's map: `lab-codes.ron` in the settings folder when the site put one there (checked
    /// as the shipped one is), else the shipped map.
    ///
    /// # Errors
    /// The site's file cannot be read or is refused.
    pub fn for_workstation(settings_dir: Option<&std::path::Path>) -> Result<Self, LabCodesError> {
        let Some(path) = settings_dir.map(|d| d.join("lab-codes.ron")).filter(|p| p.is_file()) else {
            return Self::shipped();
        };
        let origin = path.display().to_string();
        let text = crate::io::bounded::read_regular_file(&path, crate::io::bounded::PROTOCOL_MAX_BYTES, "lab code map")
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_owned()))
            .map_err(|message| LabCodesError::Parse {
                origin: origin.clone(),
                line: 1,
                column: 1,
                message,
            })?;
        Self::from_ron_str(&text, &origin)
    }

    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen: Vec<(&str, &str)> = Vec::new();
        let keys = self
            .codes
            .iter()
            .map(|c| (c.system.as_str(), c.code.as_str()))
            .chain(self.refused.iter().map(|r| (r.system.as_str(), r.code.as_str())));
        for key in keys {
            if seen.contains(&key) {
                problems.push(format!("code {} of {} is listed twice", key.1, key.0));
            }
            seen.push(key);
        }
        for c in &self.codes {
            let Some(code) = EventCode::from_code(&c.kind) else {
                problems.push(format!("code {}: kind '{}' is not a kind of the app", c.code, c.kind));
                continue;
            };
            if c.units.is_empty() == c.words.is_empty() {
                problems.push(format!(
                    "code {}: give units (a number) or words (a word result), one of the two",
                    c.code
                ));
            }
            for u in &c.units {
                let tried = (u.factor.is_finite() && u.factor > 0.0)
                    .then(|| event_kind_from_fields(&c.kind, u.factor, &u.unit).ok())
                    .flatten()
                    .filter(|k| k.lab().is_some());
                if tried.is_none() {
                    problems.push(format!(
                        "code {}: unit '{}' → '{}' × {} is not a lab value the app reads for {}",
                        c.code, u.ucum, u.unit, u.factor, c.kind
                    ));
                }
            }
            for w in &c.words {
                if !matches!(word_event(code, &w.word, ""), Some(Ok(_))) {
                    problems.push(format!(
                        "code {}: word '{}' is not a value of {}",
                        c.code, w.word, c.kind
                    ));
                }
            }
        }
        problems
    }

    /// The FHIR system URI of an HL7 v2 coding-system name (`LN`), if the map names it.
    #[must_use]
    pub fn system_of_hl7(&self, name: &str) -> Option<&str> {
        self.hl7v2_coding_systems
            .iter()
            .find(|a| a.hl7 == name)
            .map(|a| a.system.as_str())
    }

    /// What the map says of a code of a system.
    #[must_use]
    pub fn lookup(&self, system: &str, code: &str) -> Lookup<'_> {
        if let Some(c) = self.codes.iter().find(|c| c.system == system && c.code == code) {
            return Lookup::Mapped(c);
        }
        self.refused
            .iter()
            .find(|r| r.system == system && r.code == code)
            .map_or(Lookup::Unknown, Lookup::Refused)
    }
}

/// A result value as the laboratory sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultValue {
    Number { value: f64, below: bool },
    Word(String),
    Missing,
}

impl LabCode {
    /// The event of a result of this code: the unit must be one of the code's (exactly), the value × its
    /// factor is read as the CSV reads it; a word result must be one of the code's words.
    ///
    /// # Errors
    /// Why the result is refused, in words.
    pub fn event_kind(&self, value: &ResultValue, ucum: &str) -> Result<EventKind, String> {
        match value {
            ResultValue::Missing => Err("no value".to_owned()),
            ResultValue::Word(answer) if !self.units.is_empty() => Err(if answer.contains(',') {
                format!("'{answer}': a decimal comma is refused, never guessed (write it with a point)")
            } else {
                format!("'{answer}': {} takes a number", self.code)
            }),
            ResultValue::Word(answer) => {
                let Some(w) = self.words.iter().find(|w| w.result.eq_ignore_ascii_case(answer.trim())) else {
                    return Err(format!(
                        "'{answer}' is not an answer the map takes for {} ({})",
                        self.code,
                        self.words
                            .iter()
                            .map(|w| w.result.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                };
                let code = EventCode::from_code(&self.kind).ok_or_else(|| format!("unknown kind {}", self.kind))?;
                word_event(code, &w.word, "")
                    .unwrap_or_else(|| {
                        Err(crate::io::csv_events::EventValueError::UnknownKind {
                            kind: self.kind.clone(),
                        })
                    })
                    .map_err(|e| e.to_string())
            }
            ResultValue::Number { value, below } => {
                let Some(u) = self.units.iter().find(|u| u.ucum == ucum) else {
                    return Err(format!(
                        "unit '{ucum}' is not one the map takes for {} ({})",
                        self.code,
                        self.units
                            .iter()
                            .map(|u| u.ucum.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                };
                // Rounded to 10 significant digits: 0.58 × 100 is 57.99999999999999 in binary.
                let scaled = round_significant(value * u.factor);
                crate::io::csv_events::event_kind_from_text(&self.kind, scaled, *below, &u.unit)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// `v` to 10 significant digits.
fn round_significant(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let digits = 10 - v.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits);
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_map_loads_and_a_bad_one_is_refused_with_every_problem() {
        let map = LabCodeMap::shipped().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(map.lookup("http://loinc.org", "3274-8"), Lookup::Mapped(c) if c.kind == "anti_xa"));
        assert!(matches!(map.lookup("http://loinc.org", "2951-2"), Lookup::Unknown));
        assert_eq!(map.system_of_hl7("LN"), Some("http://loinc.org"));
        let bad = SHIPPED_LAB_CODES.replacen("kind: \"anti_xa\"", "kind: \"anti_xx\"", 1);
        let err = LabCodeMap::from_ron_str(&bad, "edited.ron")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("kind 'anti_xx'"), "{err}");
        let twice = SHIPPED_LAB_CODES.replacen("code: \"3173-2\"", "code: \"3274-8\"", 1);
        let err = LabCodeMap::from_ron_str(&twice, "edited.ron")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("3274-8") && err.contains("twice"), "{err}");
        let unit = SHIPPED_LAB_CODES.replacen(
            "(ucum: \"s\", unit: \"s\", factor: 1.0)",
            "(ucum: \"s\", unit: \"min\", factor: 1.0)",
            1,
        );
        let err = LabCodeMap::from_ron_str(&unit, "edited.ron")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("unit 's' → 'min'"), "{err}");
    }

    #[test]
    fn conversions_are_the_apps_own_and_rounded() {
        assert!((round_significant(0.58 * 100.0) - 58.0).abs() < 1e-12);
        assert_eq!(round_significant(57.999_999_999_999_99), 58.0);
    }
}
