//! The unit's folder of cases (issue 31), read-only: every `*.ron` case file in it (not the hidden lock
//! files beside them), each loaded and analysed once per version — the file's length and modification
//! time are its fingerprint — and the lock file read again at every refresh (who holds the case changes
//! without the case changing). A file that fails to load keeps its error as its row; it never hides the
//! others.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::row::BoardRow;
use super::summary::CaseSummary;
use crate::model::{ClinicalTime, Zone};

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
}

fn fingerprint(path: &Path) -> Option<Fingerprint> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| Fingerprint {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

#[derive(Debug)]
struct Entry {
    fingerprint: Fingerprint,
    /// The summary; `Ok(None)`: no event at or before the board's time; `Err`: why the file failed.
    summary: Result<Option<CaseSummary>, String>,
    held_by: Option<String>,
}

/// The board of one folder.
#[derive(Debug)]
pub struct Board {
    folder: PathBuf,
    workstation: Zone,
    at: Option<ClinicalTime>,
    entries: BTreeMap<PathBuf, Entry>,
    /// Why the folder itself cannot be listed, if it cannot.
    folder_error: Option<String>,
}

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// Files read and analysed again (new or changed).
    pub analysed: Vec<PathBuf>,
    /// Files gone from the folder.
    pub removed: Vec<PathBuf>,
}

impl Refreshed {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.analysed.is_empty() && self.removed.is_empty()
    }
}

/// Whether a folder entry is a case file of the board: `*.ron`, not hidden.
#[must_use]
pub fn is_case_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ron")
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| !n.starts_with('.'))
}

/// Reads and summarises files, on as many threads as the machine has cores (at most one per file).
fn read_all(
    files: &[(PathBuf, Fingerprint, Option<String>)],
    workstation: Zone,
    at: Option<ClinicalTime>,
) -> Vec<Result<Option<CaseSummary>, String>> {
    let read = |path: &Path| {
        crate::io::case_file::load_case(path, workstation)
            .map(|loaded| CaseSummary::of(&loaded, at))
            .map_err(|e| e.to_string())
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if files.len() < 2 || threads < 2 {
        return files.iter().map(|(p, ..)| read(p)).collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|(p, ..)| read(p)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .zip(files.chunks(chunk))
            .flat_map(|(h, part)| {
                // A thread that panicked: each of its files says so on its row, never hides the others.
                h.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|(p, ..)| Err(format!("{}: reading it failed unexpectedly", p.display())))
                        .collect()
                })
            })
            .collect()
    })
}

impl Board {
    /// A board of `folder`, its cases analysed at their last event at or before `at` (all events
    /// without); nothing is read until [`Board::refresh`].
    #[must_use]
    pub fn new(folder: PathBuf, workstation: Zone, at: Option<ClinicalTime>) -> Self {
        Self {
            folder,
            workstation,
            at,
            entries: BTreeMap::new(),
            folder_error: None,
        }
    }

    #[must_use]
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Why the folder cannot be listed, if it cannot (the last refresh's).
    #[must_use]
    pub fn folder_error(&self) -> Option<&str> {
        self.folder_error.as_deref()
    }

    /// Lists the folder again: reads and analyses the files that are new or changed, forgets the ones
    /// gone, and reads every lock again.
    pub fn refresh(&mut self) -> Refreshed {
        let mut out = Refreshed::default();
        let listed = match std::fs::read_dir(&self.folder) {
            Ok(dir) => {
                self.folder_error = None;
                let mut paths: Vec<PathBuf> = dir
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| is_case_file(p))
                    .collect();
                paths.sort();
                paths
            }
            Err(e) => {
                self.folder_error = Some(format!("{}: {e}", self.folder.display()));
                Vec::new()
            }
        };
        let gone: Vec<PathBuf> = self.entries.keys().filter(|p| !listed.contains(p)).cloned().collect();
        for path in gone {
            self.entries.remove(&path);
            out.removed.push(path);
        }
        let mut to_read = Vec::new();
        for path in listed {
            let Some(print) = fingerprint(&path) else { continue };
            let held_by = crate::io::case_lock::read_lock(&path).map(|(holder, stale)| {
                if stale {
                    format!("{} (stale lock)", holder.describe())
                } else {
                    holder.describe()
                }
            });
            match self.entries.get_mut(&path) {
                Some(entry) if entry.fingerprint == print => entry.held_by = held_by,
                _ => to_read.push((path, print, held_by)),
            }
        }
        let summaries = read_all(&to_read, self.workstation, self.at);
        for ((path, fingerprint, held_by), summary) in to_read.into_iter().zip(summaries) {
            self.entries.insert(
                path.clone(),
                Entry {
                    fingerprint,
                    summary,
                    held_by,
                },
            );
            out.analysed.push(path);
        }
        out
    }

    /// The rows against the clock `now`, sorted by urgency.
    #[must_use]
    pub fn rows(&self, now: ClinicalTime) -> Vec<BoardRow> {
        let mut rows: Vec<BoardRow> = self
            .entries
            .iter()
            .map(|(path, entry)| {
                let file = path
                    .file_name()
                    .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
                match &entry.summary {
                    Ok(Some(summary)) => BoardRow::of(file, summary, now, entry.held_by.clone()),
                    Ok(None) => BoardRow::not_started(file),
                    Err(why) => BoardRow::error(file, why.clone()),
                }
            })
            .collect();
        rows.sort_by_key(BoardRow::sort_key);
        rows
    }

    /// The summary of a file of the board, if it loaded (the unit handover prints from it).
    #[must_use]
    pub fn summary(&self, file: &str) -> Option<&CaseSummary> {
        self.entries
            .iter()
            .find(|(p, _)| p.file_name().is_some_and(|n| n == file))
            .and_then(|(_, e)| e.summary.as_ref().ok().and_then(Option::as_ref))
    }

    /// The path of a file of the board.
    #[must_use]
    pub fn path_of(&self, file: &str) -> Option<&Path> {
        self.entries
            .keys()
            .find(|p| p.file_name().is_some_and(|n| n == file))
            .map(PathBuf::as_path)
    }
}
