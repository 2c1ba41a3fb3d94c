//! The board as the `board` command prints it (issue 31): text for people (times as "5 Dec 18:40"), or
//! JSON with the names of decisions.md (`time_zone` once at the top, `hit_status`, `danger[].level`,
//! `advice_paused`).

use serde::Serialize;

use super::row::{BoardRow, Level};
use crate::model::{ClinicalTime, Zone};

/// The JSON document.
#[derive(Debug, Serialize)]
pub struct BoardDocument<'a> {
    /// The zone of the board's clock (each row's times carry their own offset).
    pub time_zone: Zone,
    /// The clock due and overdue are judged against.
    pub at: ClinicalTime,
    pub folder: String,
    pub rows: &'a [BoardRow],
}

fn level(name: &str, l: Option<&Level>) -> Option<String> {
    l.map(|l| format!("{name} {} {} ({})", l.value, l.unit, l.age_words()))
}

/// One row in words, over a few lines.
#[must_use]
pub fn row_text(row: &BoardRow, now: ClinicalTime) -> String {
    let mut out = format!("[{}] ", row.urgency.label());
    if let Some(bed) = &row.bed {
        out.push_str(&format!("bed {bed} — "));
    }
    out.push_str(&row.patient);
    if row.teaching {
        out.push_str(&format!(" ({})", crate::model::TEACHING_BAND));
    }
    out.push_str(&format!("   ({})\n", row.file));
    if let Some(error) = &row.error {
        out.push_str(&format!("    cannot be read: {error}\n"));
        return out;
    }
    let facts: Vec<String> = [
        row.setting.map(str::to_owned),
        Some(row.running.clone().unwrap_or_else(|| "no infusion running".to_owned())),
        level("anti-Xa", row.last_anti_xa.as_ref()),
        level("aPTT", row.last_aptt.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.push_str(&format!("    {}\n", facts.join(" · ")));
    if let Some(paused) = &row.advice_paused {
        out.push_str(&format!(
            "    ADVICE PAUSED: {} (entry at {})\n",
            paused.reason, paused.event_time
        ));
    }
    for d in &row.danger {
        out.push_str(&format!("    {}: {}\n", d.level.to_uppercase(), d.text));
    }
    if let Some(advice) = &row.advice {
        out.push_str(&format!("    advice: {advice}\n"));
    }
    if row.call_senior {
        out.push_str("    ! call the senior clinician\n");
    }
    match (&row.next_lab, &row.clock_note) {
        (Some(next), _) => {
            out.push_str(&format!("    next: {}\n", next.text));
            if !next.also_overdue.is_empty() {
                out.push_str(&format!("    also overdue: {}\n", next.also_overdue.join(", ")));
            }
        }
        (None, Some(note)) => out.push_str(&format!("    next: {note}\n")),
        (None, None) => {}
    }
    let mut who = Vec::new();
    if let Some(held) = &row.held_by {
        who.push(format!("open by {held}"));
    }
    if let Some((by, at)) = &row.last_edit {
        who.push(format!("last edit {by} at {at}"));
    }
    if let Some(as_of) = row.as_of {
        who.push(format!("as of {as_of}"));
    }
    if !who.is_empty() {
        out.push_str(&format!("    {}\n", who.join(" · ")));
    }
    for note in &row.file_notes {
        out.push_str(&format!("    ! {note}\n"));
    }
    crate::present::people::people_times(&out, now)
}

/// The board in words: a heading with the folder and the clock, then every row.
#[must_use]
pub fn board_text(folder: &str, rows: &[BoardRow], now: ClinicalTime, folder_error: Option<&str>) -> String {
    let mut out = format!(
        "Unit board — {folder} — {} case file(s), sorted by urgency; due and overdue at {} ({})\n",
        rows.len(),
        now.dated_for_people(),
        now.zone()
    );
    if let Some(error) = folder_error {
        out.push_str(&format!("! the folder cannot be read: {error}\n"));
    }
    for row in rows {
        out.push('\n');
        out.push_str(&row_text(row, now));
    }
    out
}
