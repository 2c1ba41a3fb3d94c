//! Crash recovery, one file per window (issue 27). While a case has unsaved edits each window writes it
//! (atomically) to its own recovery file beside the settings, `recovery-<pid>.ron`, with a first-line
//! header: the file it came from, that file's fingerprint when it was read, the owner (user@host, process)
//! and when the copy was written. On the next start a recovery file whose window is gone is offered back;
//! a window never offers, adopts or deletes another live window's file. A clean save, or discarding the
//! edits, removes the window's own file; discarding an offer removes the offered file only.
//!
//! The header and the case are written in one atomic step: a process killed between two files could
//! otherwise pair one case with another case's path, and a later save would overwrite the wrong file. The
//! recovered case keeps the fingerprint of the file it came from, so the changed-on-disk question still
//! protects another workstation's save made meanwhile.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Case, ClinicalTime, Zone};

use super::case_file::{CaseFileError, LoadedCase, parse_case, to_ron_string, write_atomically};
pub use super::safe_write::{STALE_TEMP_AFTER, remove_stale_temporaries};

/// What the first line says of a recovery copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RecoveryHeader {
    /// The file the case was edited from (`None`: a case never saved).
    pub origin: Option<String>,
    /// That file's fingerprint as it was read or last saved (the changed-on-disk guard's).
    #[serde(default)]
    pub fingerprint: Option<u64>,
    /// Who wrote it: "user@host".
    #[serde(default)]
    pub owner: String,
    /// The process (one window per process).
    #[serde(default)]
    pub pid: u32,
    /// When the copy was written, on the case's clock.
    #[serde(default)]
    pub written: Option<String>,
}

/// The recovery case, its header, and the file it was read from.
#[derive(Debug, Clone)]
pub struct Recovered {
    pub loaded: LoadedCase,
    pub original_path: Option<PathBuf>,
    pub header: RecoveryHeader,
    pub file: PathBuf,
}

const HEADER: &str = "// recovery of unsaved work: ";
/// The header of the one-file recovery of earlier versions: only the origin, as a JSON string.
const LEGACY_HEADER: &str = "// recovery of unsaved work; edited from: ";

/// This window's own recovery file.
#[must_use]
pub fn own_file(dir: &Path) -> PathBuf {
    dir.join(format!("recovery-{}.ron", std::process::id()))
}

/// The one recovery file of earlier versions (offered once, like an orphan).
fn legacy_file(dir: &Path) -> PathBuf {
    dir.join("recovery.ron")
}

/// Where earlier versions kept the origin path (read if the header is missing; removed with its file).
fn legacy_origin_path(dir: &Path) -> PathBuf {
    dir.join("recovery-origin.txt")
}

fn owner() -> String {
    format!("{}@{}", super::workstation::user(), host())
}

use super::workstation::host;

fn header_of(text: &str) -> Option<RecoveryHeader> {
    let first = text.lines().next()?;
    if let Some(json) = first.strip_prefix(HEADER) {
        return serde_json::from_str(json).ok();
    }
    let quoted = first.strip_prefix(LEGACY_HEADER)?;
    let origin: Option<String> = serde_json::from_str(quoted).ok()?;
    Some(RecoveryHeader {
        origin,
        ..RecoveryHeader::default()
    })
}

/// Whether the window that wrote a recovery file still runs (this host, its process alive, not this one).
fn written_by_a_live_window(header: &RecoveryHeader) -> bool {
    let this_host = header.owner.rsplit('@').next().is_some_and(|h| h == host());
    header.pid != 0
        && header.pid != std::process::id()
        && this_host
        && Path::new("/proc").join(header.pid.to_string()).exists()
}

/// Writes this window's unsaved case to `dir` (created if needed), with the file it came from and that
/// file's fingerprint.
///
/// # Errors
/// The folder or a file cannot be written (the previous recovery file, if any, is unchanged).
pub fn write_recovery(
    dir: &Path,
    case: &Case,
    original_path: Option<&Path>,
    fingerprint: Option<u64>,
) -> Result<(), CaseFileError> {
    let path = own_file(dir);
    let failed = |error| CaseFileError::Write {
        path: path.display().to_string(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let header = RecoveryHeader {
        origin: original_path.map(|p| p.display().to_string()),
        fingerprint,
        owner: owner(),
        pid: std::process::id(),
        written: Some(ClinicalTime::now(case.time_zone).to_string()),
    };
    let json = serde_json::to_string(&header).unwrap_or_default();
    let text = format!("{HEADER}{json}\n{}", to_ron_string(case));
    // The atomic write sweeps the folder of killed saves' stale temporary files.
    write_atomically(&path, text.as_bytes()).map_err(failed)
}

/// The recovery files in `dir` whose window is gone, newest first.
fn orphans(dir: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let own = own_file(dir);
    let mut found: Vec<(std::time::SystemTime, PathBuf, String)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name.starts_with("recovery-") && name.ends_with(".ron")) || name == "recovery.ron"
        })
        .filter(|p| *p != own)
        .filter_map(|p| {
            let bytes = super::bounded::read_regular_file(&p, super::bounded::CASE_MAX_BYTES, "recovery file").ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let live = header_of(&text).is_some_and(|h| written_by_a_live_window(&h));
            let modified = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            (!live).then_some((modified, p, text))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().map(|(_, p, t)| (p, t)).collect()
}

/// The newest recovery copy in `dir` whose window is gone, if there is one (a file older than case format 5
/// in the `workstation` zone). A protocol path in it is read beside the file it was edited from.
///
/// # Errors
/// A recovery file that exists but does not load (it is left in place for a person to inspect).
pub fn read_recovery(dir: &Path, workstation: Zone) -> Result<Option<Recovered>, CaseFileError> {
    let Some((file, text)) = orphans(dir).into_iter().next() else {
        return Ok(None);
    };
    let header = header_of(&text).unwrap_or_else(|| {
        let legacy = std::fs::read_to_string(legacy_origin_path(dir)).unwrap_or_default();
        let legacy = legacy.trim();
        RecoveryHeader {
            origin: (!legacy.is_empty()).then(|| legacy.to_owned()),
            ..RecoveryHeader::default()
        }
    });
    let original_path = header.origin.as_ref().map(PathBuf::from);
    // A relative protocol path is the original case's: read beside it (issue 27).
    let base = original_path.as_deref().and_then(Path::parent).unwrap_or(dir);
    let loaded = parse_case(&text, &file.display().to_string(), Some(base), workstation)?;
    Ok(Some(Recovered {
        loaded,
        original_path,
        header,
        file,
    }))
}

/// Takes an offered recovery file as this window's own (renamed, so that it is never lost between the two
/// and never offered to another window again).
///
/// # Errors
/// The file cannot be renamed.
pub fn adopt_recovery(dir: &Path, recovered: &Recovered) -> std::io::Result<()> {
    std::fs::rename(&recovered.file, own_file(dir))?;
    if recovered.file == legacy_file(dir) {
        let _ = std::fs::remove_file(legacy_origin_path(dir));
    }
    Ok(())
}

/// Removes one offered recovery file (the user discarded it): never another live window's.
///
/// # Errors
/// The file exists and cannot be removed.
pub fn discard_recovery(dir: &Path, file: &Path) -> std::io::Result<()> {
    let offered = orphans(dir).iter().any(|(p, _)| p == file);
    if !offered {
        return Ok(());
    }
    remove_if_present(file)?;
    if file == legacy_file(dir) {
        remove_if_present(&legacy_origin_path(dir))?;
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes this window's own recovery file (after a save or a deliberate discard).
///
/// # Errors
/// The file exists and cannot be removed.
pub fn clear_recovery(dir: &Path) -> std::io::Result<()> {
    remove_if_present(&own_file(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> Case {
        crate::io::parse_case(
            include_str!("../../tests/cases/under-dosed.ron"),
            "case.ron",
            None,
            Zone::UTC,
        )
        .map(|l| l.case)
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Issue 27: recovery failed for a case whose protocol is a relative path (read beside the recovery
    /// file, not beside the case). It is read beside the case it was edited from.
    #[test]
    fn a_case_with_a_relative_protocol_recovers() {
        let cases = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let recovery = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            cases.path().join("local.ron"),
            include_str!("../../protocols/adult-icu.ron"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut edited = case();
        edited
            .protocols
            .insert(crate::model::Setting::Icu, "local.ron".to_owned());
        let origin = cases.path().join("case.ron");
        write_recovery(recovery.path(), &edited, Some(&origin), Some(7)).unwrap_or_else(|e| panic!("{e}"));
        // Found as another process's copy would be.
        std::fs::rename(own_file(recovery.path()), recovery.path().join("recovery-4000005.ron"))
            .unwrap_or_else(|e| panic!("{e}"));
        let found = read_recovery(recovery.path(), Zone::UTC)
            .unwrap_or_else(|e| panic!("does not load: {e}"))
            .unwrap_or_else(|| panic!("offered"));
        assert_eq!(found.header.fingerprint, Some(7));
        assert_eq!(found.original_path.as_deref(), Some(origin.as_path()));
        assert!(found.loaded.protocols.first().protocol.origin().ends_with("local.ron"));
    }

    /// Issue 27: a second window's "Discard" deleted the first one's live recovery. A live window's file
    /// is neither offered nor discarded; a gone window's is.
    #[test]
    fn a_live_windows_recovery_file_is_never_offered_nor_discarded() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let text = to_ron_string(&case());
        let live = RecoveryHeader {
            owner: owner(),
            // Process 1 always runs.
            pid: 1,
            ..RecoveryHeader::default()
        };
        let gone = RecoveryHeader {
            owner: owner(),
            pid: 4_000_002,
            ..RecoveryHeader::default()
        };
        for (name, header) in [("recovery-1.ron", &live), ("recovery-4000002.ron", &gone)] {
            let json = serde_json::to_string(header).unwrap_or_default();
            std::fs::write(dir.path().join(name), format!("{HEADER}{json}\n{text}")).unwrap_or_else(|e| panic!("{e}"));
        }
        let offered = read_recovery(dir.path(), Zone::UTC).unwrap_or_else(|e| panic!("{e}"));
        let offered = offered.unwrap_or_else(|| panic!("the gone window's copy is offered"));
        assert_eq!(offered.file, dir.path().join("recovery-4000002.ron"));
        discard_recovery(dir.path(), &dir.path().join("recovery-1.ron")).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            dir.path().join("recovery-1.ron").exists(),
            "a live window's file is kept"
        );
        discard_recovery(dir.path(), &offered.file).unwrap_or_else(|e| panic!("{e}"));
        assert!(!offered.file.exists());
        assert!(
            read_recovery(dir.path(), Zone::UTC)
                .unwrap_or_else(|e| panic!("{e}"))
                .is_none()
        );
    }
}
