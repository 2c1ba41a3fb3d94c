//! The Flowsheet view (issue 13): draw times as rows (newest first), the infusion running at each draw
//! (rate and pump rate, issue 29), tests as columns; a value outside
//! its target or threshold shows ▼ or ▲ and its colour, the reason on hover. Only the visible rows are
//! laid out, and the rows are rebuilt only when the case or the replay time changes, so a 90-day case
//! draws as fast as a one-day one.

use eframe::egui::{self, RichText};
use egui_extras::{Column as TableColumn, TableBuilder};

use crate::present::flowsheet::{COLUMNS, Flag, Row, column_unit, flowsheet, flowsheet_basis};

use crate::app::document::Document;
use crate::app::theme;

/// The rows of the last case revision and replay time shown.
#[derive(Default)]
pub struct FlowsheetState {
    built_for: Option<(u64, usize)>,
    rows: Vec<Row>,
}

impl FlowsheetState {
    fn rows(&mut self, doc: &Document) -> &[Row] {
        let key = (doc.revision(), doc.cursor());
        if self.built_for != Some(key) {
            self.rows = flowsheet(doc.case(), &doc.prepared().timeline, doc.protocol(), doc.as_of());
            self.built_for = Some(key);
        }
        &self.rows
    }
}

/// The table, then where its thresholds come from.
pub fn flowsheet_ui(ui: &mut egui::Ui, doc: &Document, state: &mut FlowsheetState) {
    let basis = flowsheet_basis(doc.protocol());
    let as_of = doc.as_of();
    let rows = state.rows(doc);
    ui.label(format!(
        "{} draw(s) up to {}, newest first. ▼ below, ▲ above its target or threshold (hover for which).",
        rows.len(),
        doc.as_of().dated_for_people()
    ));
    let footer = 3.0 * ui.text_style_height(&egui::TextStyle::Small) + 12.0;
    let height = (ui.available_height() - footer).max(120.0);
    let time_width = 130.0;
    let rate_width = 230.0;
    let width = ((ui.available_width() - time_width - rate_width) / COLUMNS.len() as f32 - 8.0).clamp(64.0, 150.0);
    // More columns than fit (a 1024-px window): scroll sideways rather than cut the last ones off.
    egui::ScrollArea::horizontal().show(ui, |ui| {
        let mut table = TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .column(TableColumn::exact(time_width))
            .column(TableColumn::exact(rate_width));
        for _ in COLUMNS {
            table = table.column(TableColumn::exact(width));
        }
        table
            .header(36.0, |mut header| {
                header.col(|ui| {
                    ui.strong("Draw time");
                });
                // The nursing flowsheet's rate beside each draw (issue 29).
                header.col(|ui| {
                    ui.vertical(|ui| {
                        ui.strong("Infusion when drawn");
                        ui.label(RichText::new("rate · pump").color(theme::muted()));
                    });
                });
                for lab in COLUMNS {
                    header.col(|ui| {
                        ui.vertical(|ui| {
                            ui.strong(lab.label());
                            ui.label(RichText::new(column_unit(lab)).color(theme::muted()));
                        });
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut table_row| {
                    let row = &rows[table_row.index()];
                    table_row.col(|ui| {
                        ui.label(row.time.for_people(as_of));
                    });
                    table_row.col(|ui| match &row.rate {
                        Some(rate) => {
                            ui.label(rate);
                        }
                        None => {
                            ui.label(RichText::new("none running").color(theme::muted()));
                        }
                    });
                    for cell in &row.cells {
                        table_row.col(|ui| {
                            let Some(cell) = cell else { return };
                            match &cell.flag {
                                None => {
                                    ui.label(&cell.text);
                                }
                                Some((flag, why)) => {
                                    let colour = match flag {
                                        Flag::Low => theme::below_target(),
                                        Flag::High => theme::above_target(),
                                    };
                                    ui.label(
                                        RichText::new(format!("{} {}", flag.symbol(), cell.text))
                                            .strong()
                                            .color(colour),
                                    )
                                    .on_hover_text(why);
                                }
                            }
                        });
                    }
                });
            });
    });
    for line in basis {
        ui.label(RichText::new(line).small().color(theme::muted()));
    }
}
