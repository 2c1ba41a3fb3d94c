//! The History view (issue 15): the audit trail, newest first, filterable by event, author or action;
//! and the deleted events with their reason, editable ("entered in error" until someone writes another).

use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

use crate::model::AuditEntry;
use crate::present::people::people_times;

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// The filter typed, and the deletion reasons being edited.
#[derive(Default)]
pub struct HistoryState {
    filter: String,
    reasons: Vec<String>,
}

/// Whether an entry matches the filter (any of its words, any case).
fn matches(entry: &AuditEntry, filter: &str) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty()
        || [
            entry.subject.as_str(),
            entry.detail.as_str(),
            entry.stamp.by.as_str(),
            entry.action.label(),
            entry.reason.as_deref().unwrap_or(""),
        ]
        .iter()
        .any(|t| t.to_lowercase().contains(&f))
}

pub fn history_ui(ui: &mut egui::Ui, doc: &Document, state: &mut HistoryState, commands: &mut Vec<Command>) {
    let case = doc.case();
    let as_of = doc.as_of();
    ui.horizontal(|ui| {
        let l = ui.label("Filter (event, author, action)");
        ui.add(egui::TextEdit::singleline(&mut state.filter).desired_width(260.0))
            .labelled_by(l.id);
    });
    let shown: Vec<&AuditEntry> = case.audit.iter().rev().filter(|e| matches(e, &state.filter)).collect();
    ui.label(format!(
        "{} of {} audit entries, newest first. Entries are never removed: an undo adds one.",
        shown.len(),
        case.audit.len()
    ));
    if case.audit.is_empty() {
        ui.label(
            RichText::new("No entries yet: additions, corrections, deletions and patient-field changes made from now on are recorded here.")
                .color(theme::muted()),
        );
    }
    let height = (ui.available_height() * 0.6).max(160.0);
    ui.push_id("audit_table", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .column(Column::exact(130.0))
            .column(Column::exact(120.0))
            .column(Column::exact(100.0))
            .column(Column::initial(260.0).at_least(160.0))
            .column(Column::remainder().at_least(160.0))
            .header(20.0, |mut h| {
                for t in ["When", "Who", "What", "About", "Change, reason"] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, shown.len(), |mut row| {
                    let e = shown[row.index()];
                    row.col(|ui| {
                        ui.label(e.stamp.at.dated_for_people());
                    });
                    row.col(|ui| {
                        ui.label(&e.stamp.by);
                    });
                    row.col(|ui| {
                        ui.label(e.action.label());
                    });
                    // The trail keeps ISO times (it is the file's record); shown for people (issue 29).
                    row.col(|ui| {
                        ui.label(people_times(&e.subject, as_of));
                    });
                    row.col(|ui| {
                        let reason = e
                            .reason
                            .as_deref()
                            .map(|r| format!(" (reason: {r})"))
                            .unwrap_or_default();
                        ui.label(people_times(&format!("{}{reason}", e.detail), as_of));
                    });
                });
            });
    });
    deleted_ui(ui, doc, state, commands);
}

/// The deleted events: kept in the file, never analysed; the reason can be corrected.
fn deleted_ui(ui: &mut egui::Ui, doc: &Document, state: &mut HistoryState, commands: &mut Vec<Command>) {
    let deleted = &doc.case().deleted;
    ui.separator();
    ui.strong(format!(
        "Deleted events ({}): kept in the file, not analysed",
        deleted.len()
    ));
    state.reasons.resize(deleted.len(), String::new());
    for (i, d) in deleted.iter().enumerate() {
        if state.reasons[i].is_empty() {
            state.reasons[i].clone_from(&d.reason);
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{} {} — deleted {} by {}",
                d.event.time,
                d.event.kind.describe(),
                d.deleted.at,
                d.deleted.by
            ));
            let l = ui.label(format!("Reason {}", i + 1));
            let response = ui
                .add(egui::TextEdit::singleline(&mut state.reasons[i]).desired_width(220.0))
                .labelled_by(l.id);
            if response.lost_focus() && state.reasons[i].trim() != d.reason {
                commands.push(Command::SetDeletionReason(i, state.reasons[i].clone()));
            }
        });
    }
}
