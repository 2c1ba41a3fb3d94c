//! Crash recovery: while a case has unsaved edits the app writes it (atomically) to a recovery file
//! beside its settings, with the path it came from. On the next start an existing recovery file is
//! offered back; a clean save, or discarding the edits, removes it. The recovery file is an ordinary
//! case file, so loading it runs every check a case file gets.
//!
//! The path it came from is a comment on the file's first line, so the case and its path are written
//! in one atomic step: a process killed between two files could otherwise pair one case with another
//! case's path, and a later save would overwrite the wrong file.

use std::path::{Path, PathBuf};

use crate::model::{Case, Zone};

use super::case_file::{CaseFileError, LoadedCase, load_case, parse_case, to_ron_string, write_atomically};

/// The recovery case and the file it was edited from (if it had one).
#[derive(Debug, Clone)]
pub struct Recovered {
    pub loaded: LoadedCase,
    pub original_path: Option<PathBuf>,
}

fn case_path(dir: &Path) -> PathBuf {
    dir.join("recovery.ron")
}

/// Where earlier versions kept the origin path (read if the header is missing; removed on clear).
fn legacy_origin_path(dir: &Path) -> PathBuf {
    dir.join("recovery-origin.txt")
}

/// First-line comment naming the file the case was edited from, as a JSON string (any path, escaped).
const ORIGIN_HEADER: &str = "// recovery of unsaved work; edited from: ";

fn origin_from_header(text: &str) -> Option<Option<PathBuf>> {
    let first = text.lines().next()?;
    let quoted = first.strip_prefix(ORIGIN_HEADER)?;
    let origin: Option<String> = serde_json::from_str(quoted).ok()?;
    Some(origin.map(PathBuf::from))
}

/// Writes the unsaved case to `dir` (created if needed).
///
/// # Errors
/// The folder or a file cannot be written (the previous recovery file, if any, is unchanged).
pub fn write_recovery(dir: &Path, case: &Case, original_path: Option<&Path>) -> Result<(), CaseFileError> {
    let path = case_path(dir);
    let failed = |error| CaseFileError::Write {
        path: path.display().to_string(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let origin = serde_json::to_string(&original_path.map(|p| p.display().to_string())).unwrap_or_default();
    let text = format!("{ORIGIN_HEADER}{origin}\n{}", to_ron_string(case));
    write_atomically(&path, text.as_bytes()).map_err(failed)?;
    remove_stale_temporaries(dir, STALE_TEMPORARY_AFTER);
    Ok(())
}

/// Saves interrupted by a killed process leave their temporary file behind (`.anticoag-save-*.tmp`).
/// Those in the recovery folder older than this are removed when the next recovery file is written;
/// younger ones may belong to another instance's save in progress.
pub const STALE_TEMPORARY_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes temporary files of interrupted saves in `dir` last modified more than `older_than` ago.
/// Returns how many were removed; a file that cannot be inspected or removed is left alone.
pub fn remove_stale_temporaries(dir: &Path, older_than: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let now = std::time::SystemTime::now();
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(".anticoag-save-") && name.ends_with(".tmp")
        })
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= older_than)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Reads the recovery case in `dir`, if there is one (a file older than case format 5 in the
/// `workstation` zone).
///
/// # Errors
/// A recovery file that exists but does not load (it is left in place for a person to inspect).
pub fn read_recovery(dir: &Path, workstation: Zone) -> Result<Option<Recovered>, CaseFileError> {
    let path = case_path(dir);
    if !path.exists() {
        return Ok(None);
    }
    // One read: the case and its origin must come from the same version of the file.
    let Ok(text) = std::fs::read_to_string(&path) else {
        // Unreadable or not UTF-8: the case loader words the error.
        return load_case(&path, workstation).map(|loaded| {
            Some(Recovered {
                loaded,
                original_path: None,
            })
        });
    };
    let loaded = parse_case(&text, &path.display().to_string(), Some(dir), workstation)?;
    let header = origin_from_header(&text);
    let original_path = header.unwrap_or_else(|| {
        let legacy = std::fs::read_to_string(legacy_origin_path(dir)).unwrap_or_default();
        let legacy = legacy.trim();
        (!legacy.is_empty()).then(|| PathBuf::from(legacy))
    });
    Ok(Some(Recovered { loaded, original_path }))
}

/// Removes the recovery files (after a save or a deliberate discard).
///
/// # Errors
/// A file exists and cannot be removed.
pub fn clear_recovery(dir: &Path) -> std::io::Result<()> {
    for p in [case_path(dir), legacy_origin_path(dir)] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
