//! Who signs the audit trail (issue 29): everything was signed "unknown user" without asking. A window
//! whose author is unknown asks for a name once, before the first entry it would sign; the entry is made
//! after the answer, signed with the name given (or still unknown when the user declines).

use super::command::Command;
use super::shell::PlannerApp;
use super::views::dialogs::AuthorPrompt;

use crate::io::workstation::UNKNOWN_USER;

/// Whether the command writes an entry of the audit trail.
fn signs(command: &Command) -> bool {
    matches!(
        command,
        Command::SetPatient(_)
            | Command::SetIdentity(_)
            | Command::SetProtocol(_)
            | Command::AddEvent(_)
            | Command::AddDraw(_)
            | Command::RecordFact(_)
            | Command::ReplaceEvent(..)
            | Command::DeleteEvent(_)
            | Command::SetDeletionReason(..)
            | Command::PasteEvents(_)
            | Command::ImportCsv(_)
            | Command::Undo
            | Command::Redo
    )
}

impl PlannerApp {
    /// Holds back the first signed command of a window whose author is unknown and asks for a name
    /// (once per window); `true` when it was held.
    pub(super) fn held_for_the_author(&mut self, command: &Command) -> bool {
        let unknown = self.prefs.author.trim().is_empty() || self.prefs.author == UNKNOWN_USER;
        if !(self.ask_author && unknown && signs(command) && self.open.is_some()) {
            return false;
        }
        self.ask_author = false;
        self.dialogs.author_prompt = Some(AuthorPrompt::new(command.clone()));
        true
    }

    /// The answer: the name to sign with (`None`: go on unsigned), then the command held back.
    pub(super) fn answer_author(&mut self, name: Option<String>, ctx: Option<&eframe::egui::Context>) {
        let Some(prompt) = self.dialogs.author_prompt.take() else {
            return;
        };
        if let Some(name) = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) {
            self.prefs.author = name;
        }
        self.apply(prompt.then, ctx);
    }

    /// Asks for a name before the first signed entry when the author is unknown (the real window; tests
    /// that do not test this never see the question).
    pub fn ask_for_an_unknown_author(&mut self) {
        self.ask_author = true;
    }
}
