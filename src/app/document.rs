//! The open case and what is derived from it: the protocol of each of its settings, the prepared index, the replay times and
//! cursor, the analysis at the cursor, where it was read from and whether it has unsaved edits. Views
//! read it; only the command interpreter (`workflow`) changes it, through the methods here.

use std::path::{Path, PathBuf};

use crate::analysis::{Analysis, CaseEngine, Detail, Prepared};
use crate::io::LoadedCase;
use crate::model::{AuditAction, AuditEntry, Case, ClinicalTime, Setting, Stamp};
use crate::protocol::Protocol;
use crate::protocol::case_protocols::{CaseProtocols, ProtocolChoice};

use super::forecasting::Forecasting;

/// An open case.
pub struct Document {
    case: Case,
    /// The protocol of each setting, the case prepared for each: views read the one in effect at the cursor.
    engine: CaseEngine,
    /// The analysis times: every event time, or the case start for a case with no events yet.
    times: Vec<ClinicalTime>,
    cursor: usize,
    analysis: Analysis,
    /// The file it was opened from or saved to (`None`: a demo, an import or a new case).
    path: Option<PathBuf>,
    /// What the case bar calls it.
    origin: String,
    /// Unsaved edits.
    dirty: bool,
    /// Bumped on every edit, so autosave writes each state once and caches know when to rebuild.
    revision: u64,
    /// The file's older case-format version, migrated in memory (saved as the newest on Save).
    migrated_from: Option<u32>,
    /// The states before each edit (newest last), and the states undone (newest last).
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// A fingerprint of the file as last read or written, to notice another workstation's save.
    on_disk: Option<u64>,
    /// The anti-Xa forecast at the cursor and the back-test of this revision.
    forecasting: Forecasting,
    /// Why the case is open read-only, if it is (issue 26).
    read_only: Option<String>,
    /// Another window holds the case's lock (issue 27): read-only whatever else is answered.
    held_elsewhere: Option<String>,
    /// This workstation's list of approved protocols, if it keeps one (issue 26).
    approved: Option<crate::io::approved::ApprovedProtocols>,
    /// Where the audit trail's hash chain was found broken when the case was opened (issue 27).
    audit_broken: Option<String>,
    /// The protocol changes found on opening and not taken (issue 26): said on the card and the handover
    /// while the case is open read-only.
    protocol_changes: Vec<String>,
}

/// What an undo restores: the case and the protocols it followed; and the audit entries of the user's
/// edit that an undo or redo of it names (empty for a snapshot taken before a new edit: its entries are
/// the trail's since the snapshot).
#[derive(Clone)]
struct Snapshot {
    case: Case,
    protocols: CaseProtocols,
    entries: Vec<AuditEntry>,
}

/// The one trail row of an undo or a redo (issue 29: two undos and two redos wrote ten rows, "undid:
/// undone undid: added"): what the user's edit did, in plain words, whatever was undone or redone before.
fn undo_row(verb: &str, edit: &[AuditEntry]) -> (AuditAction, String, String) {
    let action = match verb {
        "undid" if !edit.is_empty() && edit.iter().all(|e| e.action == AuditAction::Deleted) => AuditAction::Restored,
        "undid" => AuditAction::Undone,
        _ => AuditAction::Redone,
    };
    let subject = edit.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>().join("; ");
    let detail = format!("{verb}: {}", crate::model::audit::plain_edit(edit));
    (action, subject, detail)
}

/// A fingerprint of a file's bytes (not cryptographic: it only tells "changed since we read it").
#[must_use]
pub fn fingerprint(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// How many edits can be undone.
const UNDO_DEPTH: usize = 200;

/// The analysis times: every event time, or the case start for a case with no events yet (never empty).
fn event_times(engine: &CaseEngine, case: &Case) -> Vec<ClinicalTime> {
    let times = engine.prepared().timeline.event_times();
    if times.is_empty() {
        vec![case.case_start]
    } else {
        times.to_vec()
    }
}

impl Document {
    #[must_use]
    pub fn new(loaded: LoadedCase, path: Option<PathBuf>, origin: String) -> Self {
        let loaded_audit_broken = loaded.audit_broken.clone();
        let engine = CaseEngine::new(&loaded.case, loaded.protocols);
        let times = event_times(&engine, &loaded.case);
        let cursor = times.len() - 1;
        let as_of = times[cursor];
        let analysis = engine.analyze(&loaded.case, as_of, Detail::Explained);
        let (choice, prepared) = engine.at(&loaded.case, as_of);
        let forecasting = Forecasting::new(&loaded.case, prepared, &choice.protocol, &analysis, as_of);
        Self {
            case: loaded.case,
            engine,
            times,
            cursor,
            analysis,
            path,
            origin,
            dirty: false,
            revision: 0,
            migrated_from: loaded.migrated_from,
            undo: Vec::new(),
            redo: Vec::new(),
            on_disk: None,
            forecasting,
            read_only: None,
            held_elsewhere: None,
            approved: None,
            audit_broken: loaded_audit_broken,
            protocol_changes: Vec::new(),
        }
    }

    /// Who the case is about, as every copy and print heads it: "Jane Doe · MRN 123 · bed 4 — the case title",
    /// or the title alone when no identifier is entered.
    #[must_use]
    pub fn patient_line(&self) -> String {
        self.case.patient_line()
    }

    /// The file's fingerprint as read or last written (`None`: not read from a file).
    #[must_use]
    pub fn on_disk(&self) -> Option<u64> {
        self.on_disk
    }

    /// The file's fingerprint as read or written (set by the workflow after opening or saving).
    pub(super) fn set_on_disk(&mut self, fingerprint: Option<u64>) {
        self.on_disk = fingerprint;
    }

    /// Whether the file on disk is no longer the one this case was read from or saved to (another
    /// workstation saved it): `false` when there is no file or it cannot be read.
    #[must_use]
    pub fn changed_on_disk(&self) -> bool {
        match (&self.path, self.on_disk) {
            (Some(path), Some(known)) => std::fs::read(path).is_ok_and(|bytes| fingerprint(&bytes) != known),
            _ => false,
        }
    }

    /// Whether there is an edit to undo, or an undone edit to redo.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            case: self.case.clone(),
            protocols: self.engine.protocols().clone(),
            entries: Vec::new(),
        }
    }

    /// Records the state before an edit (a new edit forgets what was undone).
    fn remember(&mut self, before: Snapshot) {
        self.undo.push(before);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    fn restore(&mut self, to: Snapshot) {
        self.case = to.case;
        self.engine = CaseEngine::new(&self.case, to.protocols);
        self.reanalyse();
    }

    /// Undoes the last edit; `None` when there is none, else what it undid in plain words. The audit trail
    /// is not undone: it keeps every entry and gains one row for the edit undone ("restored" for a
    /// deletion).
    pub(super) fn undo(&mut self, stamp: &Stamp) -> Option<String> {
        let before = self.undo.pop()?;
        let trail = self.case.audit.clone();
        // A snapshot a redo pushed names the edit it redid; else the edit's entries are the trail's since.
        let edit = if before.entries.is_empty() {
            trail.get(before.case.audit.len()..).unwrap_or_default().to_vec()
        } else {
            before.entries.clone()
        };
        let mut now = self.snapshot();
        now.entries.clone_from(&edit);
        self.redo.push(now);
        self.restore(before);
        self.case.set_audit_trail(trail);
        let (action, subject, detail) = undo_row("undid", &edit);
        self.case.record(stamp, action, subject, detail.clone(), None);
        Some(detail)
    }

    /// Redoes the last undone edit; `None` when there is none, else what it redid. The trail gains one
    /// "redone" row naming the edit.
    pub(super) fn redo(&mut self, stamp: &Stamp) -> Option<String> {
        let after = self.redo.pop()?;
        let trail = self.case.audit.clone();
        let edit = after.entries.clone();
        let mut now = self.snapshot();
        now.entries.clone_from(&edit);
        self.undo.push(now);
        self.restore(after);
        self.case.set_audit_trail(trail);
        let (action, subject, detail) = undo_row("redid", &edit);
        let reason = edit.iter().find_map(|e| e.reason.clone());
        self.case.record(stamp, action, subject, detail.clone(), reason);
        Some(detail)
    }

    /// The older case-format version the file was written in, if it was migrated on opening.
    #[must_use]
    pub fn migrated_from(&self) -> Option<u32> {
        self.migrated_from
    }

    #[must_use]
    pub fn case(&self) -> &Case {
        &self.case
    }

    /// The protocol in effect at the replay cursor (that of the setting in effect then).
    #[must_use]
    pub fn protocol(&self) -> &Protocol {
        self.engine.protocol_at(&self.case, self.as_of())
    }

    /// The protocol choice in effect at the replay cursor: its setting, name, and whether it is a default.
    #[must_use]
    pub fn protocol_choice(&self) -> &ProtocolChoice {
        self.engine.at(&self.case, self.as_of()).0
    }

    /// The setting in effect at the replay cursor.
    #[must_use]
    pub fn setting(&self) -> Setting {
        self.engine.setting_at(&self.case, self.as_of())
    }

    /// Every setting's protocol.
    #[must_use]
    pub fn protocols(&self) -> &CaseProtocols {
        self.engine.protocols()
    }

    /// The case prepared by the protocol in effect at the replay cursor.
    #[must_use]
    pub fn prepared(&self) -> &Prepared {
        self.engine.prepared_at(&self.case, self.as_of())
    }

    /// The anti-Xa forecast at the replay cursor and the back-test (issue 16).
    #[must_use]
    pub fn forecasting(&self) -> &Forecasting {
        &self.forecasting
    }

    /// Takes the back-test's result when it is ready (`ctx` is woken when it becomes so).
    pub(super) fn poll_forecast(&mut self, ctx: &eframe::egui::Context) {
        self.forecasting.poll(ctx);
    }

    /// The analysis at the replay cursor.
    #[must_use]
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    #[must_use]
    pub fn times(&self) -> &[ClinicalTime] {
        &self.times
    }

    #[must_use]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The replay time: what every view shows the case as of.
    #[must_use]
    pub fn as_of(&self) -> ClinicalTime {
        self.times[self.cursor]
    }

    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    #[must_use]
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    #[must_use]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Applies an edit to the case; when it succeeds, re-indexes and moves the cursor to the latest
    /// event (the live view). A refused edit leaves everything as it was.
    pub(super) fn edit<T, E>(&mut self, change: impl FnOnce(&mut Case) -> Result<T, E>) -> Result<T, E> {
        let before = self.snapshot();
        let done = change(&mut self.case)?;
        self.remember(before);
        self.reanalyse();
        Ok(done)
    }

    /// After a change of the case's clinical content or protocol: unsaved, re-prepared, at the end.
    fn reanalyse(&mut self) {
        self.dirty = true;
        self.revision += 1;
        self.engine = CaseEngine::new(&self.case, self.engine.protocols().clone());
        self.times = event_times(&self.engine, &self.case);
        self.cursor = self.times.len() - 1;
        let as_of = self.times[self.cursor];
        self.analysis = self.engine.analyze(&self.case, as_of, Detail::Explained);
        let (choice, prepared) = self.engine.at(&self.case, as_of);
        self.forecasting = Forecasting::new(&self.case, prepared, &choice.protocol, &self.analysis, as_of);
    }

    /// A change that is not clinical (title, notes): unsaved, no new analysis.
    pub(super) fn edit_text(&mut self, change: impl FnOnce(&mut Case)) {
        let before = self.snapshot();
        change(&mut self.case);
        self.remember(before);
        self.dirty = true;
        self.revision += 1;
    }

    /// The protocol the setting in effect at the cursor now follows (an edit of its own, undone alone).
    pub(super) fn set_protocol(&mut self, name: String, protocol: Protocol, stamp: &Stamp) {
        let before = self.snapshot();
        self.remember(before);
        let setting = self.setting();
        // Audited (issue 27: a protocol change left no trace): from what to what, with both fingerprints.
        let was = self.engine.protocols().of(setting).map(|c| c.protocol.pin());
        let now = protocol.pin();
        self.case.record(
            stamp,
            AuditAction::Protocol,
            format!("protocol of {}", setting.label()),
            format!(
                "{} → {}",
                was.map_or_else(|| "none".to_owned(), |w| w.short()),
                now.short()
            ),
            None,
        );
        self.switch_protocol(setting, name, protocol);
        self.dirty = true;
        self.revision += 1;
    }

    /// The protocol that follows from the edit just made (a change of the case-start setting): undone
    /// with it.
    pub(super) fn follow_with_protocol(&mut self, name: String, protocol: Protocol) {
        let setting = self.case.patient.setting;
        self.switch_protocol(setting, name, protocol);
    }

    fn switch_protocol(&mut self, setting: Setting, name: String, protocol: Protocol) {
        self.case.protocols.insert(setting, name.clone());
        let mut protocols = self.engine.protocols().clone();
        protocols.set(setting, name, protocol);
        self.engine = CaseEngine::new(&self.case, protocols);
        self.reanalyse();
    }

    pub(super) fn set_cursor(&mut self, cursor: usize) {
        let cursor = cursor.min(self.times.len() - 1);
        if cursor != self.cursor {
            self.cursor = cursor;
            let as_of = self.times[cursor];
            self.analysis = self.engine.analyze(&self.case, as_of, Detail::Explained);
            let (choice, prepared) = self.engine.at(&self.case, as_of);
            self.forecasting
                .cursor_moved(&self.case, prepared, &choice.protocol, &self.analysis, as_of);
        }
    }

    /// Moves the cursor by `delta` event times, within the case.
    pub(super) fn step_cursor(&mut self, delta: i64) {
        let last = self.times.len() - 1;
        let target = if delta < 0 {
            self.cursor.saturating_sub(delta.unsigned_abs() as usize)
        } else {
            self.cursor.saturating_add(delta as usize).min(last)
        };
        self.set_cursor(target);
    }

    /// Saved to `path`: no unsaved edits, named after the file.
    pub(super) fn saved_to(&mut self, path: PathBuf, origin: String, written: &Case) {
        self.dirty = false;
        self.origin = origin;
        self.path = Some(path);
        // What the file now says of its protocols: paths relative to its folder, and their pins.
        self.case.protocols.clone_from(&written.protocols);
        self.case.protocol_pins.clone_from(&written.protocol_pins);
    }

    /// Why the case is open read-only, if it is (its protocol changed since it was saved and the user
    /// chose not to take the new one, issue 26): no edit and no save.
    #[must_use]
    pub fn read_only(&self) -> Option<&str> {
        self.held_elsewhere.as_deref().or(self.read_only.as_deref())
    }

    /// Another window holds the case's lock: read-only, with who and since when.
    pub(super) fn set_held_elsewhere(&mut self, by: Option<String>) {
        self.held_elsewhere = by;
    }

    pub(super) fn set_approved(&mut self, approved: Option<crate::io::approved::ApprovedProtocols>) {
        self.approved = approved;
    }

    /// The banners above the card and the handover: "AUDIT TRAIL BROKEN: …" when the trail was found edited
    /// on opening, and "UNAPPROVED PROTOCOL: …" for each protocol of the case not on the workstation's
    /// approved list (none without a list).
    #[must_use]
    pub fn banners(&self) -> Vec<String> {
        let broken = self
            .audit_broken
            .as_ref()
            .map(|why| format!("AUDIT TRAIL BROKEN: {why} (recorded in the trail)"));
        let unapproved = self.approved.iter().flat_map(|list| {
            self.engine
                .protocols()
                .choices()
                .iter()
                .filter_map(|c| list.mark(&c.protocol.pin()))
        });
        let changed = self.protocol_changes.iter().map(|c| format!("PROTOCOL CHANGED: {c}"));
        broken.into_iter().chain(changed).chain(unapproved).collect()
    }

    /// The protocol changes found on opening, while they are not taken (read-only).
    pub(super) fn set_protocol_changes(&mut self, changes: Vec<String>) {
        self.protocol_changes = changes;
    }

    /// Records a broken audit chain found on opening (issue 27), once: the trail says so, and goes on.
    pub(super) fn record_broken_trail(&mut self, stamp: &Stamp) {
        if let Some(why) = self.audit_broken.clone() {
            self.case.record(
                stamp,
                AuditAction::TrailBroken,
                "audit trail".to_owned(),
                why,
                Some("found on opening the file".to_owned()),
            );
            self.dirty = true;
            self.revision += 1;
        }
    }

    pub(super) fn set_read_only(&mut self, why: Option<String>) {
        self.read_only = why;
    }

    /// The user took the protocols now in use after a change since the case was saved: the case records
    /// them, and the audit trail says which changed, from what to what.
    pub(super) fn accept_protocol_changes(
        &mut self,
        changes: &[crate::protocol::case_protocols::PinChange],
        stamp: &Stamp,
    ) {
        for change in changes {
            self.case.record(
                stamp,
                AuditAction::Protocol,
                format!("protocol of {}", change.setting.label()),
                change.sentence(),
                Some("protocol changed since the case was saved: used as it is now".to_owned()),
            );
        }
        self.case.protocol_pins = self.engine.protocols().pins();
        self.dirty = true;
        self.revision += 1;
    }

    /// A document that is not on disk as it is (a new or recovered case).
    pub(super) fn mark_unsaved(&mut self, origin: Option<String>) {
        self.dirty = true;
        if let Some(origin) = origin {
            self.origin = origin;
        }
    }
}
