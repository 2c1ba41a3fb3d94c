//! A lock other workstations see (issue 27): an open case holds an advisory lock file beside it,
//! `.NAME.lock`, saying who holds it, on which host and since when; the holder refreshes it, and one not
//! refreshed for [`STALE_AFTER`] is stale (its window died). Another window opening the case is told who
//! holds it and opens it read-only. A lock is removed only by its holder; a stale one — or one whose
//! process on this host is gone (a crashed window) — may be taken over, and that is said. (The unit board
//! reads these files too.)

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

/// A lock not refreshed for this long is stale.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);
/// How often the holder refreshes its lock.
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// What a lock file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// When the case was opened, as the holder's clock wrote it.
    pub since: String,
}

impl LockHolder {
    /// This window.
    #[must_use]
    pub fn this_window(since: String) -> Self {
        Self {
            user: super::workstation::user(),
            host: super::workstation::host(),
            pid: std::process::id(),
            since,
        }
    }

    fn is_this_window(&self) -> bool {
        let me = Self::this_window(String::new());
        self.user == me.user && self.host == me.host && self.pid == me.pid
    }

    /// "RN Kim on icu-ws-04 since 2026-12-06T18:40".
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "{} on {} since {}",
            crate::model::plain_text::escaped(&self.user),
            crate::model::plain_text::escaped(&self.host),
            crate::model::plain_text::escaped(&self.since)
        )
    }
}

/// What opening a case found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockOutcome {
    /// This window holds the lock now.
    Held,
    /// This window holds it now; a stale lock of another was taken over (said on screen).
    TookOverStale(LockHolder),
    /// Another window holds it: open read-only.
    HeldElsewhere(LockHolder),
}

/// The lock file of a case: `.NAME.lock` beside it.
#[must_use]
pub fn lock_path(case: &Path) -> PathBuf {
    let name = case
        .file_name()
        .map_or_else(|| "case".into(), |n| n.to_string_lossy().into_owned());
    case.with_file_name(format!(".{name}.lock"))
}

/// The holder of a case's lock and whether it is stale, if there is a lock.
#[must_use]
pub fn read_lock(case: &Path) -> Option<(LockHolder, bool)> {
    let path = lock_path(case);
    let bytes = super::bounded::read_regular_file(&path, 64 * 1024, "lock file").ok()?;
    let holder: LockHolder = serde_json::from_slice(&bytes).ok()?;
    let age = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    // A holder on this host whose process is gone crashed: its lock is stale at once.
    let me = LockHolder::this_window(String::new());
    let dead_here = holder.host == me.host && !process_runs(holder.pid);
    Some((holder, age > STALE_AFTER || dead_here))
}

/// Whether a process of this host runs: it is in `/proc` and not a zombie (a window killed and not yet
/// reaped by its parent — the review found its lock kept the case read-only). Where there is no `/proc`,
/// the lock's age decides alone.
fn process_runs(pid: u32) -> bool {
    let dir = Path::new("/proc").join(pid.to_string());
    if !Path::new("/proc/self").exists() {
        return true;
    }
    // `/proc/PID/stat`: "pid (name) S …" — the state is the first field after the name's closing ")".
    match std::fs::read_to_string(dir.join("stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

fn write(case: &Path, holder: &LockHolder) -> std::io::Result<()> {
    let text = serde_json::to_string(holder).map_err(std::io::Error::other)?;
    super::safe_write::write_atomically(&lock_path(case), text.as_bytes())
}

/// Takes the lock of a case being opened, unless another window holds a fresh one.
///
/// # Errors
/// The lock file cannot be written (the case opens read-only then, said by the caller).
pub fn acquire(case: &Path, since: String) -> std::io::Result<LockOutcome> {
    let outcome = match read_lock(case) {
        Some((holder, _)) if holder.is_this_window() => LockOutcome::Held,
        Some((holder, false)) => return Ok(LockOutcome::HeldElsewhere(holder)),
        Some((holder, true)) => LockOutcome::TookOverStale(holder),
        None => LockOutcome::Held,
    };
    write(case, &LockHolder::this_window(since))?;
    Ok(outcome)
}

/// Refreshes this window's lock (its file's time), if this window holds it.
pub fn refresh(case: &Path) {
    if let Some((holder, _)) = read_lock(case)
        && holder.is_this_window()
    {
        let _ = write(case, &holder);
    }
}

/// Removes the lock if this window holds it; another's is never removed.
pub fn release(case: &Path) {
    if let Some((holder, _)) = read_lock(case)
        && holder.is_this_window()
    {
        let _ = std::fs::remove_file(lock_path(case));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_window_not_yet_reaped_does_not_run() {
        assert!(process_runs(std::process::id()), "this process runs");
        // A child that exited and is not waited for is a zombie until it is: its lock is stale.
        let mut child = std::process::Command::new("true")
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let pid = child.id();
        // It exits at once; on a loaded machine "at once" may take a while.
        let gone = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            !process_runs(pid)
        });
        assert!(gone, "a zombie does not hold a lock");
        let _ = child.wait();
        assert!(!process_runs(pid), "nor a reaped process");
    }

    fn other(since: &str) -> LockHolder {
        LockHolder {
            user: "RN Kim".to_owned(),
            host: "icu-ws-04".to_owned(),
            pid: 4_000_003,
            since: since.to_owned(),
        }
    }

    #[test]
    fn a_fresh_lock_of_another_window_keeps_the_case_read_only_and_is_never_removed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let case = dir.path().join("case.ron");
        std::fs::write(&case, "x").unwrap_or_else(|e| panic!("{e}"));
        write(&case, &other("2026-12-06T18:40")).unwrap_or_else(|e| panic!("{e}"));
        let outcome = acquire(&case, "2026-12-06T19:00".to_owned()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome, LockOutcome::HeldElsewhere(other("2026-12-06T18:40")));
        release(&case);
        assert!(lock_path(&case).exists(), "another window's lock stays");
        assert!(outcome_text(&outcome).contains("RN Kim on icu-ws-04 since 2026-12-06T18:40"));
    }

    fn outcome_text(o: &LockOutcome) -> String {
        match o {
            LockOutcome::HeldElsewhere(h) | LockOutcome::TookOverStale(h) => h.describe(),
            LockOutcome::Held => String::new(),
        }
    }

    #[test]
    fn a_stale_lock_is_taken_over_and_ours_is_released() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let case = dir.path().join("case.ron");
        write(&case, &other("2026-12-06T08:00")).unwrap_or_else(|e| panic!("{e}"));
        let old = SystemTime::now() - STALE_AFTER - Duration::from_secs(60);
        let file = std::fs::File::options()
            .write(true)
            .open(lock_path(&case))
            .unwrap_or_else(|e| panic!("{e}"));
        file.set_modified(old).unwrap_or_else(|e| panic!("{e}"));
        let outcome = acquire(&case, "now".to_owned()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(outcome, LockOutcome::TookOverStale(other("2026-12-06T08:00")));
        assert!(read_lock(&case).is_some_and(|(h, stale)| h.is_this_window() && !stale));
        release(&case);
        assert!(!lock_path(&case).exists());
    }
}
