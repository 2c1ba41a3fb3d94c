//! Protocols: the institution-editable data behind every recommendation.
//!
//! A protocol is read from RON (`schema::ProtocolFile`), then validated into a [`Protocol`]: bands
//! ordered with no gaps or overlaps, targets inside their tables, start doses below hard limits, every
//! rule with a source. Errors name the file, line and column.

pub mod plausibility;
pub mod schema;

use std::fmt;
use std::ops::Deref;
use std::path::Path;

pub use schema::{
    ArgatrobanColumn, DtiDrug, MonitoringAssay, Nomogram, NomogramInput, NomogramRow, ProtocolFile, Range,
};

/// Protocol files shipped with the app (compiled in, so the binary works from any directory).
pub const BUILTIN_PROTOCOLS: [(&str, &str); 3] = [
    ("adult-icu", include_str!("../../protocols/adult-icu.ron")),
    ("adult-ecmo", include_str!("../../protocols/adult-ecmo.ron")),
    ("adult-cpb", include_str!("../../protocols/adult-cpb.ron")),
];

/// The format this build reads.
pub const PROTOCOL_FORMAT_VERSION: u32 = 1;

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

/// A validated protocol. The only way to get one is through validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    file: ProtocolFile,
    origin: String,
}

impl Deref for Protocol {
    type Target = ProtocolFile;
    fn deref(&self) -> &ProtocolFile {
        &self.file
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{} ({})", self.file.name, self.file.version, self.file.title)
    }
}

impl Protocol {
    /// Where it was read from (a builtin name or a path).
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Parses and validates protocol text.
    ///
    /// # Errors
    /// A parse error with line and column, or every validation problem found.
    pub fn from_ron_str(text: &str, origin: &str) -> Result<Self, ProtocolError> {
        let file: ProtocolFile = ron::from_str(text).map_err(|e| ProtocolError::Parse {
            origin: origin.to_owned(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
        let mut problems = validate::validate(&file);
        if problems.is_empty() {
            return Ok(Self {
                file,
                origin: origin.to_owned(),
            });
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
        let text = std::fs::read_to_string(path).map_err(|error| ProtocolError::Io {
            origin: origin.clone(),
            error,
        })?;
        Self::from_ron_str(&text, &origin)
    }

    /// A shipped protocol by name.
    ///
    /// # Errors
    /// Unknown name, or (a bug caught by the tests) a shipped file that does not validate.
    pub fn builtin(name: &str) -> Result<Self, ProtocolError> {
        let Some((_, text)) = BUILTIN_PROTOCOLS.iter().find(|(n, _)| *n == name) else {
            return Err(ProtocolError::Unknown { name: name.to_owned() });
        };
        Self::from_ron_str(text, &format!("protocols/{name}.ron"))
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
    fn locate_finds_indexed_rows() {
        let text =
            "(\n  ufh: (\n    rows: [\n      (from: 0, to: Some(1)),\n      (from: 1, to: None),\n    ],\n  ),\n)";
        assert_eq!(locate(text, "ufh.rows[1].to"), Some((5, 17)));
        assert_eq!(locate(text, "ufh.rows[0].from"), Some((4, 8)));
        assert_eq!(locate(text, "ufh.rows[1]"), Some((5, 7)));
    }
}
