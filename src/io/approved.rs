//! Approved protocols (issue 26, optional): a workstation may keep a list of the protocol fingerprints its
//! institution approved, `approved-protocols.txt` in the app's settings folder (or the file named by
//! `ANTICOAG_PLANNER_APPROVED_PROTOCOLS`). One SHA-256 per line (hex, as the handover prints it); `#`
//! starts a comment. With a list, a protocol not on it is marked on the card, the command line's output and
//! the handover PDF; with none, nothing is marked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::model::ProtocolPin;

/// The environment variable naming the list's file (the command line and the window read the same file).
pub const APPROVED_PROTOCOLS_ENV: &str = "ANTICOAG_PLANNER_APPROVED_PROTOCOLS";
/// The list's file name in the settings folder.
pub const APPROVED_PROTOCOLS_FILE: &str = "approved-protocols.txt";

/// The fingerprints an institution approved, and the file they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedProtocols {
    hashes: BTreeSet<String>,
    pub file: PathBuf,
}

/// Where the list is read from: the environment variable's file, else `settings_dir/approved-protocols.txt`.
#[must_use]
pub fn approved_list_path(settings_dir: Option<&Path>) -> Option<PathBuf> {
    std::env::var_os(APPROVED_PROTOCOLS_ENV)
        .map(PathBuf::from)
        .or_else(|| settings_dir.map(|d| d.join(APPROVED_PROTOCOLS_FILE)))
}

/// The workstation's list: the environment variable's file, else the one in `settings_dir` (eframe's storage
/// folder for the app and the command line alike); `Ok(None)` when there is none.
///
/// # Errors
/// A list that exists but cannot be read, or a line that is not a fingerprint.
pub fn workstation_list(settings_dir: Option<&Path>) -> Result<Option<ApprovedProtocols>, String> {
    // A list named on purpose that is not there fails closed (review of issue 26: a mistyped path marked
    // nothing): only the settings folder's file may be absent.
    if let Some(named) = std::env::var_os(APPROVED_PROTOCOLS_ENV) {
        let path = PathBuf::from(&named);
        if named.is_empty() || !path.exists() {
            return Err(format!(
                "{APPROVED_PROTOCOLS_ENV} names {}, which does not exist: name the list's file, or unset it",
                if named.is_empty() {
                    "nothing".to_owned()
                } else {
                    path.display().to_string()
                }
            ));
        }
        return ApprovedProtocols::read(&path);
    }
    approved_list_path(settings_dir).map_or(Ok(None), |path| ApprovedProtocols::read(&path))
}

impl ApprovedProtocols {
    /// Reads the list; `Ok(None)` when there is no file (no list: nothing is marked).
    ///
    /// # Errors
    /// The file cannot be read, or a line is not a SHA-256 (with its line number).
    pub fn read(path: &Path) -> Result<Option<Self>, String> {
        if !path.exists() {
            return Ok(None);
        }
        let bytes = super::bounded::read_regular_file(path, 1024 * 1024, "list of approved protocols")
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
        Self::parse(&text, path).map(Some)
    }

    /// Parses the list's text.
    ///
    /// # Errors
    /// A line that is not a 64-character hex SHA-256, with its line number.
    pub fn parse(text: &str, path: &Path) -> Result<Self, String> {
        let mut hashes = BTreeSet::new();
        for (i, line) in text.lines().enumerate() {
            let entry = line.split('#').next().unwrap_or_default().trim();
            if entry.is_empty() {
                continue;
            }
            if entry.len() != 64 || !entry.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!(
                    "{}:{}: not a SHA-256 (64 hex characters, as the handover prints it): write one per line, # for a comment",
                    path.display(),
                    i + 1
                ));
            }
            hashes.insert(entry.to_ascii_lowercase());
        }
        Ok(Self {
            hashes,
            file: path.to_path_buf(),
        })
    }

    /// The mark of a protocol not on the list ("UNAPPROVED PROTOCOL: …"), or `None` when it is on it.
    #[must_use]
    pub fn mark(&self, pin: &ProtocolPin) -> Option<String> {
        (!self.hashes.contains(&pin.sha256)).then(|| {
            format!(
                "UNAPPROVED PROTOCOL: {} is not on this workstation's list of approved protocols ({})",
                pin.short(),
                self.file.display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(sha: &str) -> ProtocolPin {
        ProtocolPin {
            name: "adult-icu".to_owned(),
            version: 3,
            sha256: sha.to_owned(),
        }
    }

    #[test]
    fn a_listed_fingerprint_is_approved_and_another_is_marked() {
        let a = "a".repeat(64);
        let list = ApprovedProtocols::parse(
            &format!("# ICU, approved by P&T\n{}  # adult-icu v3\n", a.to_uppercase()),
            Path::new("approved.txt"),
        )
        .unwrap();
        assert_eq!(list.mark(&pin(&a)), None);
        let other = list.mark(&pin(&"b".repeat(64))).unwrap();
        assert!(
            other.starts_with("UNAPPROVED PROTOCOL: adult-icu v3 (SHA-256 bbbbbbbbbbbb…)"),
            "{other}"
        );
    }

    #[test]
    fn a_line_that_is_not_a_fingerprint_is_refused_with_its_line() {
        let err = ApprovedProtocols::parse("# list\nadult-icu\n", Path::new("approved.txt")).unwrap_err();
        assert!(err.starts_with("approved.txt:2: not a SHA-256"), "{err}");
    }
}
