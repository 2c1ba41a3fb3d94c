//! Who entered what (issue 15, case format 3): the patient's identifiers, a stamp on each entered
//! event, the audit trail of the case (added, changed, deleted, restored, patient fields), and the
//! deleted events, kept in the file with their reason but out of the analysis.

use serde::{Deserialize, Serialize};

use super::events::Event;
use super::patient::Patient;
use super::stamp::Stamp;

/// Who is the patient: every field optional (a teaching case has none). Shown in the title bar, on
/// Copy plan and on every printed page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PatientIdentity {
    /// Name or label ("Bed 4 teaching case").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bed: Option<String>,
}

impl PatientIdentity {
    /// Each identifier is one line of plain text (issue 27).
    ///
    /// # Errors
    /// The first identifier holding a line break, a control or a direction character.
    pub fn check(&self) -> Result<(), String> {
        for (field, value) in [("name", &self.name), ("MRN", &self.mrn), ("bed", &self.bed)] {
            if let Some(v) = value {
                super::plain_text::check_plain(field, v)?;
            }
        }
        Ok(())
    }

    /// "Jane Doe · MRN 123456 · bed 4", or `None` when nothing is entered.
    #[must_use]
    pub fn line(&self) -> Option<String> {
        use super::plain_text::one_line;
        let parts: Vec<String> = [
            self.name.as_deref().map(one_line),
            self.mrn.as_ref().map(|m| format!("MRN {}", one_line(m))),
            self.bed.as_ref().map(|b| format!("bed {}", one_line(b))),
        ]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Added,
    Changed,
    Deleted,
    Restored,
    /// An undone or redone edit other than a deletion.
    Undone,
    Redone,
    Patient,
    Identity,
    Imported,
    /// A protocol taken as it is now after it changed since the case was saved (case format 8, issue 26).
    Protocol,
    /// Another workstation's version of the file replaced by this one, theirs kept beside it (case format 8,
    /// issue 27).
    Overwrote,
    /// The hash chain of the trail was found broken on opening (a hand edit of the file): recorded, and the
    /// chain goes on from the trail as found (case format 8, issue 27).
    TrailBroken,
}

impl AuditAction {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Changed => "changed",
            Self::Deleted => "deleted",
            Self::Restored => "restored",
            Self::Undone => "undone",
            Self::Redone => "redone",
            Self::Patient => "patient field",
            Self::Identity => "identifier",
            Self::Imported => "imported",
            Self::Protocol => "protocol",
            Self::Overwrote => "overwrote another version",
            Self::TrailBroken => "audit trail broken",
        }
    }
}

/// One line of the audit trail: append-only (an undo adds an entry, it removes none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    pub stamp: Stamp,
    pub action: AuditAction,
    /// What it is about: "2019-01-12T08:00 aPTT 62 s", "weight".
    pub subject: String,
    /// What changed: "aPTT 62 s → aPTT 26 s", "90.9 kg → 88 kg".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The SHA-256 of the entry before it ([`AUDIT_GENESIS`] for the first) — the hash chain of case
    /// format 8 (issue 27). Entries written before have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

impl AuditEntry {
    /// The entry in plain words: "2019-01-12T08:10 aPTT 61 s added", "weight: 90.9 kg → 88 kg".
    #[must_use]
    pub fn plain(&self) -> String {
        let (subject, detail) = (self.subject.as_str(), self.detail.as_str());
        let words = match self.action {
            AuditAction::Added | AuditAction::Deleted | AuditAction::Restored | AuditAction::Imported => {
                format!("{subject} {}", self.action.label())
            }
            AuditAction::Changed => format!("{subject} changed: {detail}"),
            AuditAction::Patient | AuditAction::Identity | AuditAction::Protocol => format!("{subject}: {detail}"),
            _ => format!("{} {subject} {detail}", self.action.label()),
        };
        words.trim_end().trim_end_matches(':').to_owned()
    }
}

/// A user's edit (the entries it recorded) in plain words: each entry once, "; " between them; a long
/// import is counted rather than listed.
#[must_use]
pub fn plain_edit(edit: &[AuditEntry]) -> String {
    const LISTED: usize = 4;
    if edit.is_empty() {
        return "an edit".to_owned();
    }
    let mut words: Vec<String> = edit.iter().take(LISTED).map(AuditEntry::plain).collect();
    if edit.len() > LISTED {
        words.push(format!("and {} more", edit.len() - LISTED));
    }
    words.join("; ")
}

/// Bytes as lower-case hex, by table (a formatter call per byte cost more than the hash itself). The one
/// hex encoder: audit entries and protocol fingerprints.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// What the first entry of a chain points back to.
pub const AUDIT_GENESIS: &str = "genesis";

impl AuditEntry {
    /// The SHA-256 (hex) of the entry's fields (its `previous` included, so each hash seals the chain
    /// behind it). Each field is fed with its length, so no two entries share an input; no text is built
    /// (an import of a million rows records a million entries).
    #[must_use]
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        let at = self.stamp.at.with_offset();
        field(at.as_bytes());
        field(self.stamp.by.as_bytes());
        field(self.action.label().as_bytes());
        field(self.subject.as_bytes());
        field(self.detail.as_bytes());
        // An absent reason or link is a marker no text can be (a NUL).
        field(self.reason.as_deref().unwrap_or("\u{0}").as_bytes());
        field(self.previous.as_deref().unwrap_or("\u{0}").as_bytes());
        hex(&h.finalize())
    }
}

/// Where a hash chain of audit entries breaks, in words; `None` when it holds. `head` is the hash the case
/// recorded of its last entry. Entries from before the chain (no `previous`) may only come first, and a
/// break already recorded in the trail is not reported again. Without a key, a chain shows edits made by
/// hand; it does not stop someone who recomputes every hash.
#[must_use]
pub fn audit_chain_break(trail: &[AuditEntry], head: Option<&str>) -> Option<String> {
    let first_chained = trail.iter().position(|e| e.previous.is_some());
    let Some(first) = first_chained else {
        return head.map(|_| "the trail's last entry was removed (the case records a hash for it)".to_owned());
    };
    // A break found and recorded before (a `TrailBroken` entry) is known: the chain is checked from the
    // latest record of one on.
    let first = trail
        .iter()
        .rposition(|e| e.action == AuditAction::TrailBroken)
        .map_or(first, |recorded| recorded.max(first));
    for (i, entry) in trail.iter().enumerate().skip(first) {
        let expected = if i == 0 {
            AUDIT_GENESIS.to_owned()
        } else {
            trail[i - 1].hash()
        };
        match &entry.previous {
            None => return Some(format!("entry {} has no link to the one before it", i + 1)),
            Some(previous) if *previous != expected => {
                return Some(format!(
                    "entry {} does not follow entry {}: one of them was edited, or entries were removed between them",
                    i + 1,
                    i
                ));
            }
            Some(_) => {}
        }
    }
    let last = trail.last().map(AuditEntry::hash);
    match (head, last) {
        (Some(head), Some(last)) if head != last => Some(format!(
            "the last entry ({}) is not the one the case recorded: it was edited, or entries were added or removed at the end",
            trail.len()
        )),
        (None, Some(_)) => Some("the case records no hash of its last entry".to_owned()),
        _ => None,
    }
}

/// A deleted event: kept in the file with who deleted it and why, never analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletedEvent {
    pub event: Event,
    pub deleted: Stamp,
    pub reason: String,
}

/// The reason a deletion gets until someone writes another (History view).
pub const DEFAULT_DELETION_REASON: &str = "entered in error";

/// The patient fields that changed, each as (field, before, after), for the audit trail.
#[must_use]
pub fn patient_changes(before: &Patient, after: &Patient) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let mut field = |name: &'static str, a: String, b: String| {
        if a != b {
            out.push((name, a, b));
        }
    };
    field("weight", before.weight.kg.to_string(), after.weight.kg.to_string());
    field(
        "weight type",
        format!("{:?}", before.weight.kind),
        format!("{:?}", after.weight.kind),
    );
    field(
        "weight confirmed",
        before.weight_confirmed.to_string(),
        after.weight_confirmed.to_string(),
    );
    field(
        "setting",
        before.setting.label().to_owned(),
        after.setting.label().to_owned(),
    );
    field(
        "age group",
        before.age_group.code().to_owned(),
        after.age_group.code().to_owned(),
    );
    let opt = |v: Option<String>| v.unwrap_or_else(|| "not entered".to_owned());
    field(
        "baseline aPTT",
        opt(before.baseline_aptt.map(|s| s.to_string())),
        opt(after.baseline_aptt.map(|s| s.to_string())),
    );
    field(
        "CrCl",
        opt(before.crcl.map(|c| c.to_string())),
        opt(after.crcl.map(|c| c.to_string())),
    );
    field(
        "renal replacement",
        format!("{:?}", before.rrt),
        format!("{:?}", after.rrt),
    );
    field(
        "height",
        opt(before.height_cm.map(|h| h.to_string())),
        opt(after.height_cm.map(|h| h.to_string())),
    );
    field("sex", format!("{:?}", before.sex), format!("{:?}", after.sex));
    field(
        "hepatic impairment",
        before.hepatic_impairment.to_string(),
        after.hepatic_impairment.to_string(),
    );
    field(
        "high bleeding risk",
        before.high_bleeding_risk.to_string(),
        after.high_bleeding_risk.to_string(),
    );
    field("pregnant", before.pregnant.to_string(), after.pregnant.to_string());
    field(
        "andexanet exposure",
        before.andexanet_exposure.to_string(),
        after.andexanet_exposure.to_string(),
    );
    field(
        "heparin-coated circuit",
        before.heparin_coated_circuit.to_string(),
        after.heparin_coated_circuit.to_string(),
    );
    field(
        "ECMO low flow",
        before.ecmo_low_flow.to_string(),
        after.ecmo_low_flow.to_string(),
    );
    field(
        "HIT history",
        format!("{:?}", before.hit_history),
        format!("{:?}", after.hit_history),
    );
    field(
        "prior heparin",
        format!("{:?}", before.prior_heparin),
        format!("{:?}", after.prior_heparin),
    );
    field(
        "anti-Xa assay",
        format!("{:?}", before.anti_xa_assay),
        format!("{:?}", after.anti_xa_assay),
    );
    field(
        "4Ts thrombosis",
        format!("{:?}", before.hit_thrombosis),
        format!("{:?}", after.hit_thrombosis),
    );
    field(
        "4Ts other causes",
        format!("{:?}", before.hit_other_causes),
        format!("{:?}", after.hit_other_causes),
    );
    out
}
