//! What a person asked for in a frame. Views push commands; the shell applies them once, after the
//! frame is drawn (`workflow`): one place where the case changes, so that autosave (and later undo and
//! the audit trail) see every change.

use std::path::PathBuf;

use crate::analysis::Action;
use crate::model::{Case, Event, EventId, Patient, PatientIdentity};

use super::preferences::CentralView;
use super::theme::ThemeChoice;

/// What a path dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPurpose {
    Open,
    SaveAs,
    ImportCsv,
    /// Where to write the handover PDF.
    Handover,
    /// The unit's shared folder of cases (issue 31).
    UnitFolder,
    /// Where to write the unit handover PDF.
    UnitHandover,
    /// A laboratory file to import (HL7 v2 or FHIR R4, issue 32).
    ImportLabs,
}

impl PathPurpose {
    pub fn title(self) -> &'static str {
        match self {
            Self::Open => "Open case file",
            Self::SaveAs => "Save case as",
            Self::ImportCsv => "Import events from CSV",
            Self::Handover => "Print handover (PDF)",
            Self::UnitFolder => "Open unit folder",
            Self::UnitHandover => "Print unit handover (PDF)",
            Self::ImportLabs => "Import lab results (HL7 v2 or FHIR R4)",
        }
    }

    pub fn button(self) -> &'static str {
        match self {
            Self::Open => "Open this file",
            Self::SaveAs => "Save to this file",
            Self::ImportCsv => "Import this file",
            Self::Handover => "Write the handover",
            Self::UnitFolder => "Open this folder",
            Self::UnitHandover => "Write the unit handover",
            Self::ImportLabs => "Import this file",
        }
    }
}

/// An action that would replace or close the open case: asked about first when there are unsaved edits.
#[derive(Debug, Clone, PartialEq)]
pub enum Replace {
    OpenDemo(usize),
    OpenPath(PathBuf),
    NewCase(Box<Case>),
    Recover,
    /// Close the case and show the start screen.
    Close,
    Quit,
}

/// What the user asked for this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Replace the open case (asks first if it has unsaved edits).
    Replace(Replace),
    /// The user answered the unsaved-changes question: `true` discards the edits and goes ahead.
    ConfirmDiscard(bool),
    /// The user answered it with Save: save, then go ahead (Save as… first for a case with no file).
    SaveThenContinue,
    ShowNewDialog,
    ShowPathDialog(PathPurpose),
    ClosePathDialog,
    Save,
    SaveAs(PathBuf),
    ImportCsv(PathBuf),
    /// A laboratory file (HL7 v2 or FHIR R4, issue 32): read, checked against the case's patient, previewed.
    ImportLabs(PathBuf),
    /// CSV rows pasted outside a text field (Ctrl+V): imported as a file would be.
    PasteEvents(String),
    DismissImportReport,
    /// The answer to the import preview (issue 29): `true` adds its new rows, `false` nothing.
    ConfirmImport(bool),
    DiscardRecovery,
    /// Move the replay cursor to this event-time index.
    SetCursor(usize),
    /// Move the cursor by this many event times.
    StepCursor(i64),
    CopyPlan(String),
    ShowView(CentralView),
    SetPredictFirst(bool),
    Predict(Action),
    /// Teaching, Predict first: the learner's guess of the case's next measured anti-Xa (units/mL),
    /// sent with the choice of action.
    GuessAntiXa(f64),
    SetPatient(Box<Patient>),
    SetProtocol(String),
    SetTitle(String),
    SetNotes(String),
    AddEvent(Event),
    /// A fact from now on (the Patient view's facts section): a row of the timeline at the clock's time.
    RecordFact(crate::model::EventKind),
    /// The events of one draw, added all or nothing.
    AddDraw(crate::io::quick_entry::Draw),
    /// Replace the event with this handle by the new content.
    ReplaceEvent(EventId, Event),
    DeleteEvent(EventId),
    /// Undo the last edit of the case; redo the last undone one.
    Undo,
    Redo,
    /// Set the interface size (1.0 = 100%).
    SetZoom(f32),
    /// The look (View menu), remembered.
    SetTheme(ThemeChoice),
    /// The name the audit trail records for this workstation's entries (remembered).
    SetAuthor(String),
    /// The patient's identifiers (audited).
    SetIdentity(PatientIdentity),
    /// A new reason for the deleted event at this index (History view; audited).
    SetDeletionReason(usize, String),
    /// Write the handover PDF of the case at the replay time to this file.
    WriteHandover(PathBuf),
    /// Put a heparin rate (units/kg/h) into the entry form as a new, unsaved row and show it: the What if
    /// panel's "use this rate" — nothing is added until the user presses Add.
    PrefillHeparinRate(f64),
    /// Show the Patient view with the keyboard in the baseline aPTT field (the card's "Use another
    /// value…").
    EditBaseline,
    /// The answer to "the file changed on disk since you opened it".
    ResolveDiskConflict(DiskChoice),
    /// The answer to "this case's protocol changed since it was saved" (issue 26): `true` uses the protocol
    /// as it is now (audited), `false` keeps the case open read-only.
    ResolveProtocolChange(bool),
    /// The answer to "who is entering?" (issue 29): the name to sign with, or `None` to go on unsigned.
    AnswerAuthor(Option<String>),
    /// The answer to "replace the existing file?" after Save as… (issue 27): `true` replaces it.
    ConfirmReplace(bool),
    /// The unit board (issue 31): show the board of this folder (it stays behind an opened case).
    OpenBoard(PathBuf),
    CloseBoard,
    /// Write the unit handover PDF of the board to this file.
    WriteUnitHandover(PathBuf),
}

/// The answers to "the file changed on disk since it was opened" (another workstation saved it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskChoice {
    Overwrite,
    SaveAs,
    /// Open their version in place of this window's unsaved edits.
    OpenTheirs,
    Cancel,
}
