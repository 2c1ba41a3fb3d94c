//! The unit board in the window (issue 31): the board of a folder (`board_state`), kept behind an opened
//! case (Close case, or "← Unit board", goes back to it). Cases are read, never written; a click opens
//! one as File ▸ Open would (with its lock).

use std::path::PathBuf;

use super::board_state::{BoardState, POLL_EVERY};
use super::command::Command;
use super::shell::PlannerApp;
use super::status::Status;
use crate::board::BoardRow;

impl PlannerApp {
    /// Shows the board of `folder` (the `--board` start flag, File ▸ Open unit folder…).
    pub fn open_board(&mut self, folder: PathBuf, ctx: Option<&eframe::egui::Context>) {
        if !folder.is_dir() {
            self.status = Some(Status::failed(format!(
                "{}: not a folder (the unit board reads the case files of a folder)",
                folder.display()
            )));
            return;
        }
        let wake = ctx.cloned();
        let state = BoardState::watching(folder, self.clock.zone(), move || {
            if let Some(ctx) = &wake {
                ctx.request_repaint();
            }
        });
        self.set_board(state);
    }

    /// Shows a board prepared by the caller (tests: a board driven by a manual tick).
    pub fn set_board(&mut self, mut state: BoardState) {
        state.poll(self.clock.now());
        self.status = Some(Status::ok(format!(
            "unit board of {}: {} case file(s)",
            state.folder_label(),
            state.rows.len()
        )));
        self.board = Some(state);
    }

    /// The board's rows as shown (tests).
    #[must_use]
    pub fn board_rows(&self) -> Option<&[BoardRow]> {
        self.board.as_ref().map(|b| b.rows.as_slice())
    }

    /// Each frame: the board follows its folder; the window wakes for the next poll.
    pub(super) fn poll_board(&mut self, ctx: &eframe::egui::Context) {
        let now = self.clock.now();
        if let Some(board) = &mut self.board {
            board.poll(now);
            ctx.request_repaint_after(POLL_EVERY);
        }
    }

    /// The board's commands.
    pub(super) fn apply_board(&mut self, command: Command, ctx: Option<&eframe::egui::Context>) {
        match command {
            Command::OpenBoard(folder) => {
                self.dialogs.remember_path();
                self.open_board(folder, ctx);
            }
            Command::CloseBoard => self.board = None,
            Command::WriteUnitHandover(path) => {
                self.dialogs.remember_path();
                self.dialogs.path = None;
                self.write_unit_handover(&path);
            }
            _ => {}
        }
    }

    fn write_unit_handover(&mut self, path: &std::path::Path) {
        let Some(state) = &self.board else { return };
        if crate::io::case_file::case_format_version_of(path).is_some() {
            self.status = Some(Status::failed(format!(
                "{}: it is a case file: a handover is never written over a case",
                path.display()
            )));
            return;
        }
        let now = self.clock.now();
        // This workstation's approved list marks a case's protocols as the window marks an open case.
        let approved = self.approved.clone();
        let approval = move |loaded: &crate::io::LoadedCase| {
            Ok(approved.as_ref().map_or_else(Vec::new, |list| {
                loaded
                    .protocols
                    .choices()
                    .iter()
                    .filter_map(|c| list.mark(&c.protocol.pin()))
                    .collect()
            }))
        };
        let sheets = crate::board::handover::unit_sheets(&state.board, &state.rows, now, &self.prefs.author, &approval);
        let written = crate::present::pdf::write_sheets(&sheets, path).map_err(|e| e.to_string());
        self.status = Some(match written {
            Ok(()) => Status::ok(format!("unit handover written to {}", path.display())),
            Err(e) => Status::failed(format!("Unit handover not written: {e}")),
        });
    }
}
