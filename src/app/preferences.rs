//! What the app remembers between runs (through eframe's storage): the view, the recent files, the
//! interface size, the look and the author. Predict first is held here for the session only (issue 28).
//! Never clinical data: no case content lives here.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::theme::ThemeChoice;

/// How many recent files the case bar remembers.
const RECENT_FILES: usize = 8;

/// Which view the central panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CentralView {
    Algorithm,
    Plots,
    Timeline,
    Flowsheet,
    History,
    Patient,
    DosingTools,
    Bypass,
}

impl CentralView {
    /// The `--view` names, in the order of the tabs.
    pub const FLAGS: [&'static str; 8] = [
        "algorithm",
        "plots",
        "timeline",
        "flowsheet",
        "history",
        "patient",
        "dosing-tools",
        "bypass",
    ];

    /// The view named by a `--view` flag.
    #[must_use]
    pub fn from_flag(flag: &str) -> Option<Self> {
        let i = Self::FLAGS.iter().position(|f| *f == flag)?;
        Self::ALL.get(i).map(|(v, _)| *v)
    }

    pub const ALL: [(Self, &'static str); 8] = [
        (Self::Algorithm, "Algorithm"),
        (Self::Plots, "Plots"),
        (Self::Timeline, "Timeline"),
        (Self::Flowsheet, "Flowsheet"),
        (Self::History, "History"),
        (Self::Patient, "Patient"),
        (Self::DosingTools, "Dosing tools"),
        (Self::Bypass, "Bypass"),
    ];
}

/// Preferences kept between runs by eframe.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub view: CentralView,
    /// Predict first belongs to the window session (issue 28): never remembered, so the next start never
    /// opens with the advice hidden.
    #[serde(skip)]
    pub predict_first: bool,
    pub recent_files: Vec<PathBuf>,
    /// The interface size (egui's zoom factor): Ctrl+= / Ctrl+− or the View menu.
    pub zoom: f32,
    /// Light, dark, high contrast, or the system's (else light).
    pub theme: ThemeChoice,
    /// Who this workstation's entries are recorded as (the audit trail); the system user until set.
    pub author: String,
}

/// The operating-system user, the author until one is set (`--author`, or the View menu).
#[must_use]
pub fn system_user() -> String {
    crate::io::workstation::user()
}

/// The app's settings folder (eframe's storage: `~/.local/share/anticoag-planner` on Linux), where the
/// recovery files and the list of approved protocols live; the command line reads the same folder.
#[must_use]
pub fn settings_dir() -> Option<PathBuf> {
    eframe::storage_dir("anticoag-planner")
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            view: CentralView::Algorithm,
            predict_first: false,
            recent_files: Vec::new(),
            zoom: 1.0,
            theme: ThemeChoice::System,
            author: system_user(),
        }
    }
}

impl Preferences {
    /// The key under which eframe stores them.
    pub const KEY: &'static str = "anticoag-planner preferences";

    /// Puts `path` first in the recent files (once), keeping the list short.
    pub fn remember_recent(&mut self, path: &Path) {
        let recent = &mut self.recent_files;
        recent.retain(|p| p != path);
        recent.insert(0, path.to_path_buf());
        recent.truncate(RECENT_FILES);
    }
}
