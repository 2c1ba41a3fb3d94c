//! Safe writes (issues 20 and 27): a file is replaced atomically — a temporary file in the target's folder
//! is written, flushed and renamed over it — so a crash leaves the old file or the new one, never a cut one.
//! A symbolic link is followed (the file it names is replaced, the link stays), the replaced file's mode
//! and owner are kept, and a read-only file is refused rather than replaced. A failed save removes its
//! temporary file; one left by a killed process is removed by the next save into the folder once it is
//! older than `STALE_TEMP_AFTER` (the one sweep; the recovery folder gets it from the same atomic write).

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A temporary file of ours this old is left from a killed save: the next save removes it.
pub const STALE_TEMP_AFTER: Duration = Duration::from_secs(10 * 60);

const TEMP_PREFIX: &str = ".anticoag-save-";
const TEMP_SUFFIX: &str = ".tmp";

/// The file a path names: itself, or the target of the symbolic link(s) it is.
fn resolved_target(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// Removes temporary files of interrupted saves (ours: `.anticoag-save-*.tmp`) in `dir` last modified more
/// than `older_than` ago. Returns how many were removed; a file that cannot be inspected or removed is left
/// alone. Younger ones may belong to another window's save in progress.
pub fn remove_stale_temporaries(dir: &Path, older_than: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let now = std::time::SystemTime::now();
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
        })
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() >= older_than)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Temporary file in the target's folder → write → fsync → rename → fsync the folder.
///
/// # Errors
/// Any I/O failure; the target is untouched unless the rename succeeded.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_until(path, bytes, None).map(|_| ())
}

/// The steps of an atomic save, in order. A crash can happen after any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveStep {
    /// The temporary file exists, empty.
    CreateTemp,
    /// Half of the bytes are written to the temporary file.
    WriteHalf,
    /// All bytes are written, not yet flushed to disk.
    WriteAll,
    /// The temporary file is flushed to disk.
    SyncTemp,
    /// The temporary file has replaced the target.
    Rename,
}

impl SaveStep {
    pub const ALL: [Self; 5] = [
        Self::CreateTemp,
        Self::WriteHalf,
        Self::WriteAll,
        Self::SyncTemp,
        Self::Rename,
    ];
}

/// [`write_atomically`], stopping dead after `crash_after` as a killed process would: nothing is
/// cleaned up (the temporary file stays behind). Returns whether the save completed. Tests use it to
/// show that a crash at any step leaves the old file or the new one, never a truncated one.
///
/// # Errors
/// Any I/O failure.
pub fn write_atomically_until(path: &Path, bytes: &[u8], crash_after: Option<SaveStep>) -> std::io::Result<bool> {
    // A link is followed: the file it names is replaced, the link stays a link.
    let target = resolved_target(path)?;
    let path = target.as_path();
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = &existing
        && meta.permissions().readonly()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "{} is read-only: it is not replaced (make it writable, or save under another name)",
                path.display()
            ),
        ));
    }
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let crash = |step: SaveStep| crash_after == Some(step);
    remove_stale_temporaries(&dir, STALE_TEMP_AFTER);
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&dir)?;
    if crash(SaveStep::CreateTemp) {
        // A killed process runs no destructors: the temporary file stays.
        let _ = tmp.keep();
        return Ok(false);
    }
    let half = bytes.len() / 2;
    tmp.write_all(&bytes[..half])?;
    if crash(SaveStep::WriteHalf) {
        let _ = tmp.keep();
        return Ok(false);
    }
    tmp.write_all(&bytes[half..])?;
    if crash(SaveStep::WriteAll) {
        let _ = tmp.keep();
        return Ok(false);
    }
    if let Some(meta) = &existing {
        // The new file keeps the old one's mode, and its owner and group where this user may set them.
        tmp.as_file().set_permissions(meta.permissions())?;
        let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
    }
    tmp.as_file().sync_all()?;
    if crash(SaveStep::SyncTemp) {
        let _ = tmp.keep();
        return Ok(false);
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if crash(SaveStep::Rename) {
        return Ok(true);
    }
    if let Ok(d) = std::fs::File::open(&dir) {
        // Make the rename itself durable; not all platforms allow syncing a directory.
        let _ = d.sync_all();
    }
    Ok(true)
}
