//! Crash recovery: while a case has unsaved edits the app writes it (atomically) to a recovery file
//! beside its settings, with the path it came from. On the next start an existing recovery file is
//! offered back; a clean save, or discarding the edits, removes it. The recovery file is an ordinary
//! case file, so loading it runs every check a case file gets.

use std::path::{Path, PathBuf};

use crate::model::Case;

use super::case_file::{CaseFileError, LoadedCase, load_case, save_case, write_atomically};

/// The recovery case and the file it was edited from (if it had one).
#[derive(Debug, Clone)]
pub struct Recovered {
    pub loaded: LoadedCase,
    pub original_path: Option<PathBuf>,
}

fn case_path(dir: &Path) -> PathBuf {
    dir.join("recovery.ron")
}

fn origin_path(dir: &Path) -> PathBuf {
    dir.join("recovery-origin.txt")
}

/// Writes the unsaved case to `dir` (created if needed).
///
/// # Errors
/// The folder or a file cannot be written (the previous recovery file, if any, is unchanged).
pub fn write_recovery(dir: &Path, case: &Case, original_path: Option<&Path>) -> Result<(), CaseFileError> {
    std::fs::create_dir_all(dir).map_err(|error| CaseFileError::Write {
        path: dir.display().to_string(),
        error,
    })?;
    let origin = original_path.map(|p| p.display().to_string()).unwrap_or_default();
    write_atomically(&origin_path(dir), origin.as_bytes()).map_err(|error| CaseFileError::Write {
        path: origin_path(dir).display().to_string(),
        error,
    })?;
    save_case(&case_path(dir), case)
}

/// Reads the recovery case in `dir`, if there is one.
///
/// # Errors
/// A recovery file that exists but does not load (it is left in place for a person to inspect).
pub fn read_recovery(dir: &Path) -> Result<Option<Recovered>, CaseFileError> {
    let path = case_path(dir);
    if !path.exists() {
        return Ok(None);
    }
    let loaded = load_case(&path)?;
    let origin = std::fs::read_to_string(origin_path(dir)).unwrap_or_default();
    let origin = origin.trim();
    Ok(Some(Recovered {
        loaded,
        original_path: (!origin.is_empty()).then(|| PathBuf::from(origin)),
    }))
}

/// Removes the recovery files (after a save or a deliberate discard).
///
/// # Errors
/// A file exists and cannot be removed.
pub fn clear_recovery(dir: &Path) -> std::io::Result<()> {
    for p in [case_path(dir), origin_path(dir)] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
