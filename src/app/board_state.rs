//! The unit board's state in the window (issue 31): the board of a folder, refreshed when the file
//! watcher rings and every [`POLL_EVERY`] (a network folder's changes may never reach the watcher), its
//! rows recomputed when a file changed or the clock's minute moved. The window's board commands are
//! `app::board`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::command::Command;
use crate::board::watch::{ChangeSource, FolderWatcher, Tick};
use crate::board::{Board, BoardRow};
use crate::model::ClinicalTime;

/// How often the folder is listed again without a watcher event.
pub const POLL_EVERY: Duration = Duration::from_secs(5);

/// The board's state in the window.
pub struct BoardState {
    pub(super) board: Board,
    source: Box<dyn ChangeSource>,
    pub(super) rows: Vec<BoardRow>,
    /// The filter typed on the board, and the board view's own state.
    pub(super) view: super::views::board::BoardView,
    /// How changes are seen: "watching the folder" or why it polls only.
    pub(super) watch_note: String,
    last_listed: Option<Instant>,
    /// The clock minute the rows were computed for.
    rows_at: Option<ClinicalTime>,
}

impl BoardState {
    /// The board of `folder` with the operating system's watcher (polling alone when there is none);
    /// `wake` repaints the window from the watcher's thread.
    #[must_use]
    pub fn watching(folder: PathBuf, zone: crate::model::Zone, wake: impl Fn() + Send + 'static) -> Self {
        let (source, watch_note): (Box<dyn ChangeSource>, String) = match FolderWatcher::new(&folder, wake) {
            Ok(w) => (
                Box::new(w),
                format!("watching the folder; listed again every {} s", POLL_EVERY.as_secs()),
            ),
            Err(why) => (
                Box::new(Tick::default()),
                format!("no file watcher ({why}): listed again every {} s", POLL_EVERY.as_secs()),
            ),
        };
        Self::with_source(folder, zone, source, watch_note)
    }

    /// The board of `folder` told of changes by `source` (tests ring a [`Tick`]).
    #[must_use]
    pub fn with_source(
        folder: PathBuf,
        zone: crate::model::Zone,
        source: Box<dyn ChangeSource>,
        watch_note: String,
    ) -> Self {
        Self {
            board: Board::new(folder, zone, None),
            source,
            rows: Vec::new(),
            view: super::views::board::BoardView::default(),
            watch_note,
            last_listed: None,
            rows_at: None,
        }
    }

    /// Lists the folder again when the source rang or the poll is due, and recomputes the rows when a
    /// file changed or the clock's minute moved. Returns whether the rows changed.
    pub fn poll(&mut self, now: ClinicalTime) -> bool {
        let rang = self.source.take_change();
        let due = self.last_listed.is_none_or(|at| at.elapsed() >= POLL_EVERY);
        let mut changed = false;
        if rang || due {
            self.last_listed = Some(Instant::now());
            // Locks change without the case changing: the rows are remade at every listing.
            let _ = self.board.refresh();
            changed = true;
        }
        if changed || self.rows_at != Some(now) {
            self.rows = self.board.rows(now);
            self.rows_at = Some(now);
            return true;
        }
        false
    }

    /// Draws the board.
    pub(super) fn ui(&mut self, ui: &mut eframe::egui::Ui, now: ClinicalTime, commands: &mut Vec<Command>) {
        let info = super::views::board::BoardInfo {
            folder: self.board.folder(),
            watch_note: &self.watch_note,
            folder_error: self.board.folder_error(),
            now,
        };
        super::views::board::board_ui(ui, &self.rows, &info, &mut self.view, commands);
    }

    /// The folder's name for the case bar and the title.
    #[must_use]
    pub fn folder_label(&self) -> String {
        self.board.folder().display().to_string()
    }
}
