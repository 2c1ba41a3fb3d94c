//! Plots: aPTT, anti-Xa, doses, antithrombin and platelets on five time plots that share one time
//! axis and cursor; beside them the paired aPTT-vs-anti-Xa scatter with the target rectangle, the four
//! discordance quadrants and the patient's own fitted relation. Only results at or before the replay
//! time are drawn (teaching: the future stays hidden).

use eframe::egui::{self, Align2, Color32, Id, RichText};
use egui_plot::{
    Axis, GridInput, GridMark, HoverPosition, Line, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints, PlotUi,
    Points, Polygon, Span, Text, VLine,
};

use crate::model::{ClinicalTime, LabKind, Range, num};
use crate::present::chart::axes::{TimeWindow, stagger_rows, time_axis_title, time_label, time_ticks};
use crate::present::chart::{ChartData, decimate_min_max, hours};

use super::plot_grid::{VALUE_LABEL_PX, value_grid, value_label};
use super::scatter::scatter_ui;
use super::whatif::{
    WhatIfState, backtest_ui, forecast_end_x, forecast_items, forecast_top, legend_entries, whatif_ui,
};
use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// Time labels at least this far apart (a "06:00" or "12 Jan" label and a gap).
const TIME_LABEL_PX: f32 = 90.0;

/// The time grid: ticks on the clock's 00/06/12/18 (or whole days), for a plot `width` wide.
/// Course marks closer than this (hours) have their labels at different heights.
const COURSE_MARK_CROWDED_H: f64 = 12.0;

fn time_grid(start: ClinicalTime, width: f32) -> impl Fn(GridInput) -> Vec<GridMark> {
    move |input| {
        time_ticks(start, input.bounds.0, input.bounds.1, width, TIME_LABEL_PX)
            .into_iter()
            .map(|t| GridMark {
                value: t.value,
                step_size: t.step,
            })
            .collect()
    }
}

/// The Plots view's state: what the plots draw, gathered once per case revision and replay position
/// (the gathering costs O(history); a frame then costs the same at day 90 as at day 1), and the time
/// window the user picked.
#[derive(Default)]
pub struct PlotState {
    cache: Option<(u64, usize, ChartData)>,
    window: Option<TimeWindow>,
    /// A window was just picked: the time plots take its bounds this frame.
    apply_window: bool,
    /// The What if panel and the forecast drawn on the anti-Xa plot.
    whatif: WhatIfState,
}

/// The chart data for the document as it is now, from the cache when the case and cursor are the same.
fn chart_data<'a>(cache: &'a mut Option<(u64, usize, ChartData)>, doc: &Document) -> &'a ChartData {
    let fresh = matches!(cache, Some((revision, cursor, _)) if *revision == doc.revision() && *cursor == doc.cursor());
    if !fresh {
        *cache = None;
    }
    let (_, _, data) = cache.get_or_insert_with(|| {
        (
            doc.revision(),
            doc.cursor(),
            ChartData::gather(doc.case(), doc.prepared(), doc.protocol(), doc.as_of()),
        )
    });
    data
}

/// Pixels per decimation bucket: each bucket keeps at most its lowest and highest point.
const PIXELS_PER_BUCKET: f32 = 3.0;

/// What a time plot draws of a series: decimated over the whole series while the plot follows its data
/// (auto bounds: the full range must stay in the items, or the bounds would shrink to what is drawn),
/// or over the visible range, with a neighbour either side, once the user has zoomed or panned.
fn visible_decimated(plot: &PlotUi<'_>, points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let buckets = ((plot.response().rect.width() / PIXELS_PER_BUCKET) as usize).max(16);
    if plot.auto_bounds().x {
        return decimate_min_max(points, buckets);
    }
    let bounds = plot.plot_bounds();
    let from = points.partition_point(|p| p[0] < bounds.min()[0]).saturating_sub(1);
    let to = (points.partition_point(|p| p[0] <= bounds.max()[0]) + 1).min(points.len());
    decimate_min_max(&points[from..to.max(from)], buckets)
}

/// What every time plot shares this frame: the axis, the window to apply, the width.
struct TimeAxis {
    start: ClinicalTime,
    first_x: f64,
    as_of_x: f64,
    /// Where the forecast drawn on the anti-Xa plot ends: every time plot spans it, so that the linked
    /// time axes stay aligned.
    forecast_end_x: Option<f64>,
    width: f32,
    window: Option<(TimeWindow, bool)>,
}

impl TimeAxis {
    /// The plot's own controls: the plain wheel pans time (and is not passed on to the page), the
    /// picked window is applied once.
    fn controls(&self, plot: &mut PlotUi<'_>) {
        if let Some((window, true)) = self.window {
            match window {
                TimeWindow::All => plot.set_auto_bounds([true, true]),
                w => {
                    let (from, to) = w.bounds(self.first_x, self.as_of_x);
                    plot.set_plot_bounds_x(from..=to);
                    plot.set_auto_bounds([false, true]);
                }
            }
        }
        if plot.response().contains_pointer() {
            let ctx = plot.ctx().clone();
            let wheel = ctx.input(|i| {
                if i.modifiers.command {
                    0.0
                } else {
                    i.smooth_scroll_delta.y + i.smooth_scroll_delta.x
                }
            });
            if wheel != 0.0 {
                plot.translate_bounds(egui::vec2(-wheel, 0.0));
                ctx.input_mut(|i| i.smooth_scroll_delta = egui::Vec2::ZERO);
            }
        }
    }
}

/// A time plot: same x range, linked axis and cursor, clock ticks, tooltips only on data points;
/// Ctrl+wheel zooms time only, double-click resets.
fn time_plot(id: &str, axis: &TimeAxis, unit: &str, height: f32) -> Plot<'static> {
    let start = axis.start;
    let unit = unit.to_owned();
    Plot::new(id)
        .height(height)
        .include_x(axis.first_x)
        .include_x(axis.as_of_x + 1.0)
        .include_x(axis.forecast_end_x.unwrap_or(axis.as_of_x))
        .include_y(0.0)
        .link_axis(Id::unique("anticoag-planner time axis"), [true, false])
        .link_cursor(Id::unique("anticoag-planner time axis"), [true, false])
        .x_grid_spacer(time_grid(start, axis.width))
        .y_grid_spacer(value_grid(height, VALUE_LABEL_PX))
        .x_axis_formatter(move |mark, _| time_label(start, mark.value))
        .y_axis_formatter(|mark, _| value_label(mark.value, mark.step_size))
        .y_axis_label(unit.clone())
        .y_axis_min_width(48.0)
        .label_formatter(move |hover| {
            let HoverPosition::NearDataPoint { position, .. } = hover else {
                return None;
            };
            Some(format!(
                "{}\n{} {unit}",
                start.plus_hours(position.x),
                num(position.y, 2)
            ))
        })
        .allow_scroll(false)
        .allow_zoom([true, false])
        .allow_double_click_reset(true)
}

/// The replay time: the strongest text colour, dashed (amber is for cautions).
fn now_line(plot: &mut PlotUi<'_>, axis: &TimeAxis) {
    plot.vline(
        VLine::new("now", axis.as_of_x)
            .color(theme::strong())
            .style(LineStyle::dashed_dense()),
    );
}

/// A legend row above a plot, outside its area: a symbol in its colour and what it is.
fn legend_ui(ui: &mut egui::Ui, entries: &[(&str, Color32, &str)]) {
    ui.horizontal_wrapped(|ui| {
        for (symbol, colour, text) in entries {
            ui.label(RichText::new(*symbol).color(*colour).strong());
            ui.label(*text);
            ui.add_space(8.0);
        }
    });
}

fn lab_series(plot: &mut PlotUi<'_>, name: &str, points: &[[f64; 2]], colour: Color32, shape: MarkerShape) {
    let shown = visible_decimated(plot, points);
    plot.line(Line::new(name, PlotPoints::from(shown.clone())).color(colour));
    plot.points(
        Points::new(name, PlotPoints::from(shown))
            .radius(4.0)
            .shape(shape)
            .filled(true)
            .color(colour),
    );
}

/// One lab with its target band.
fn lab_plot_ui(
    ui: &mut egui::Ui,
    axis: &TimeAxis,
    data: &ChartData,
    lab: LabKind,
    target: Option<Range<f64>>,
    height: f32,
    mut forecast: Option<(&Document, &mut WhatIfState)>,
) {
    let aptt = lab == LabKind::Aptt;
    let (unit, shape, symbol) = if aptt {
        ("s", MarkerShape::Circle, "●")
    } else {
        ("units/mL", MarkerShape::Diamond, "◆")
    };
    ui.label(RichText::new(format!("{} ({unit})", lab.label())).strong());
    let band = if aptt {
        "target of the drug running (heparin, then a DTI)"
    } else {
        "heparin target"
    };
    let mut legend = vec![(symbol, theme::below_target(), lab.label().to_owned())];
    if !aptt && !data.anti_xa_below_limit.is_empty() {
        legend.push((
            "▽",
            theme::below_target(),
            "below the assay's limit (drawn at it)".to_owned(),
        ));
    }
    legend.extend([
        ("▇", theme::in_range(), band.to_owned()),
        ("┆", theme::strong(), "as of".to_owned()),
    ]);
    let mut plot = time_plot(lab.label(), axis, unit, height);
    if let Some((doc, state)) = &mut forecast {
        legend.extend(legend_entries(doc, state));
        if let Some(top) = forecast_top(doc, state) {
            plot = plot.include_y(top);
        }
    }
    let legend: Vec<(&str, Color32, &str)> = legend.iter().map(|(s, c, t)| (*s, *c, t.as_str())).collect();
    legend_ui(ui, &legend);
    if let Some(t) = target {
        plot = plot.include_y(t.high * 1.1);
    }
    if aptt && let Some(top) = data.aptt_bands.iter().map(|b| b.high_s).reduce(f64::max) {
        plot = plot.include_y(top * 1.1);
    }
    let points = if aptt { &data.aptt } else { &data.anti_xa };
    plot.show(ui, |plot| {
        axis.controls(plot);
        if aptt {
            // One target per drug, over the time that drug ran (issue 12).
            for b in &data.aptt_bands {
                let rect = vec![
                    [b.from_h, b.low_s],
                    [b.to_h, b.low_s],
                    [b.to_h, b.high_s],
                    [b.from_h, b.high_s],
                ];
                plot.polygon(
                    Polygon::new(format!("{} target", b.drug), PlotPoints::from(rect))
                        .fill_color(theme::in_range().gamma_multiply(0.15))
                        .stroke(egui::Stroke::new(1.0, theme::in_range().gamma_multiply(0.5))),
                );
            }
        } else if let Some(t) = target {
            plot.span(
                // No name: the legend above says what the band is (a name would print inside the plot).
                Span::new("", t.low..=t.high)
                    .axis(Axis::Y)
                    .fill(theme::in_range().gamma_multiply(0.15)),
            );
        }
        if let Some((doc, state)) = &mut forecast {
            forecast_items(plot, doc, state);
        }
        lab_series(plot, lab.label(), points, theme::below_target(), shape);
        if !aptt && !data.anti_xa_below_limit.is_empty() {
            // A result below the assay's limit sits at its limit, hollow: the level is at most that.
            plot.points(
                Points::new(
                    "anti-Xa below the assay's limit",
                    PlotPoints::from(data.anti_xa_below_limit.clone()),
                )
                .radius(7.0)
                .shape(MarkerShape::Down)
                .filled(false)
                .color(theme::below_target()),
            );
        }
        now_line(plot, axis);
    });
}

/// Beyond this many boluses their amounts are in tooltips only (labels would overprint each other).
const MAX_BOLUS_LABELS: usize = 40;
/// Rows of bolus labels before the rest go to the tooltips.
const BOLUS_LABEL_ROWS: usize = 3;

/// Heparin infusion as a step line (units/kg/h), boluses and antithrombin doses as labelled markers,
/// direct thrombin inhibitor changes as labels (their rates have other units).
fn dose_plot_ui(ui: &mut egui::Ui, axis: &TimeAxis, data: &ChartData, height: f32) {
    ui.label(RichText::new("Doses (heparin units/kg/h; boluses, antithrombin and DTI labelled)").strong());
    legend_ui(
        ui,
        &[
            ("━", theme::below_target(), "heparin infusion"),
            ("▼", theme::bolus(), "heparin bolus"),
            ("│", theme::in_range(), "antithrombin dose"),
            ("▪", theme::above_target(), "DTI change"),
            ("┆", theme::strong(), "as of"),
        ],
    );
    let start = axis.start;
    let steps = &data.heparin_steps;
    let boluses = &data.boluses;
    // Head room for the bolus labels' rows above the highest rate (issue 29: a third row of labels sat on
    // the infusion line in a short plot): each row ~16 px, and one more for the markers.
    let highest = steps.iter().map(|s| s.2).fold(10.0_f64, f64::max);
    #[allow(clippy::cast_precision_loss, reason = "a handful of rows")]
    let band = (BOLUS_LABEL_ROWS as f64 + 1.0) * 16.0 / f64::from(height.max(1.0));
    let top = highest / (0.85 - band).max(0.25);
    let bolus_hours: Vec<(f64, f64)> = boluses.iter().map(|(x, u)| (*x, u.value())).collect();
    let mut unlabelled = 0;
    time_plot("doses", axis, "units/kg/h", height)
        // A bolus marker sits at the top of the plot: its tooltip gives the bolus, not the height.
        .label_formatter(move |hover| {
            let HoverPosition::NearDataPoint {
                plot_name, position, ..
            } = hover
            else {
                return None;
            };
            let time = start.plus_hours(position.x);
            if *plot_name == "heparin bolus" {
                let units = bolus_hours
                    .iter()
                    .min_by(|a, b| (a.0 - position.x).abs().total_cmp(&(b.0 - position.x).abs()))
                    .map_or(0.0, |b| b.1);
                return Some(format!("{time}\nheparin bolus {} units", num(units, 0)));
            }
            Some(format!("{time}\n{} units/kg/h", num(position.y, 2)))
        })
        .include_y(top)
        .show(ui, |plot| {
            axis.controls(plot);
            if !steps.is_empty() {
                let points: Vec<[f64; 2]> = steps.iter().flat_map(|(x0, x1, y)| [[*x0, *y], [*x1, *y]]).collect();
                let points = visible_decimated(plot, &points);
                // A step line has vertical runs; egui_plot would merge them into a filled band.
                plot.line(
                    Line::new("heparin infusion", PlotPoints::from(points))
                        .color(theme::below_target())
                        .width(2.5)
                        .allow_band(false),
                );
            }
            let markers: Vec<[f64; 2]> = boluses.iter().map(|(x, _)| [*x, top * 0.95]).collect();
            plot.points(
                Points::new("heparin bolus", PlotPoints::from(markers))
                    .shape(MarkerShape::Down)
                    .radius(6.0)
                    .filled(true)
                    .color(theme::bolus()),
            );
            unlabelled = bolus_labels(plot, data, top);
            // Circuit changes, the end of surgery and setting changes: a labelled line (the reason a level
            // may move). Marks a few hours apart (theatre: bypass, surgery end, back to ICU) take the next of
            // three label heights, so their labels do not overprint.
            let mut previous: Option<(f64, usize)> = None;
            for (x, what) in &data.course_marks {
                let row = match previous {
                    Some((px, row)) if x - px < COURSE_MARK_CROWDED_H => (row + 1) % 3,
                    _ => 0,
                };
                previous = Some((*x, row));
                plot.vline(
                    VLine::new("course change", *x)
                        .color(theme::muted())
                        .style(LineStyle::dashed_loose()),
                );
                let height = [0.75, 0.6, 0.9][row];
                plot.text(
                    Text::new("", PlotPoint::new(*x, top * height), format!(" {what}"))
                        .color(theme::muted())
                        .anchor(Align2::LEFT_CENTER),
                );
            }
            for (x, units) in &data.at_doses {
                let x = *x;
                plot.vline(VLine::new("antithrombin dose", x).color(theme::in_range()));
                plot.text(
                    Text::new("", PlotPoint::new(x, top * 0.45), format!(" AT {units}"))
                        .color(theme::in_range())
                        .anchor(Align2::LEFT_CENTER),
                );
            }
            // Alternate heights so that changes close in time do not print over each other.
            for (i, (x, label)) in data.dti_labels.iter().enumerate() {
                let y = top * if i % 2 == 0 { 0.3 } else { 0.15 };
                plot.text(
                    Text::new("", PlotPoint::new(*x, y), format!("▪ {label}"))
                        .color(theme::above_target())
                        .anchor(Align2::LEFT_CENTER),
                );
            }
            now_line(plot, axis);
        });
    if unlabelled > 0 {
        ui.label(
            RichText::new(format!(
                "{unlabelled} bolus amount(s) not written (too close to others): hover the ▼ marker"
            ))
            .color(theme::muted()),
        );
    }
}

/// The bolus amounts under their markers, staggered over a few rows so that none prints over
/// another; returns how many are left to the tooltips.
fn bolus_labels(plot: &mut PlotUi<'_>, data: &ChartData, top: f64) -> usize {
    let boluses = &data.boluses;
    if boluses.len() > MAX_BOLUS_LABELS {
        return boluses.len();
    }
    let bounds = plot.plot_bounds();
    let hours_per_px = bounds.width() / f64::from(plot.response().rect.width().max(1.0));
    let xs: Vec<f64> = boluses.iter().map(|(x, _)| *x).collect();
    let widest = boluses
        .iter()
        .map(|(_, u)| u.to_string().chars().count())
        .max()
        .unwrap_or(0);
    // ~7 px per character at the body size, and a gap.
    let label_width = (widest as f64 * 7.0 + 12.0) * hours_per_px;
    let rows = stagger_rows(&xs, label_width, BOLUS_LABEL_ROWS);
    // One text line (~16 px) between rows, in plot units.
    let row_height = bounds.height() / f64::from(plot.response().rect.height().max(1.0)) * 16.0;
    let mut unlabelled = 0;
    for ((x, units), row) in boluses.iter().zip(rows) {
        let Some(row) = row else {
            unlabelled += 1;
            continue;
        };
        plot.text(
            Text::new(
                "",
                PlotPoint::new(*x, top * 0.9 - row_height * row as f64),
                units.to_string(),
            )
            .color(theme::bolus())
            .anchor(Align2::CENTER_TOP),
        );
    }
    unlabelled
}

/// Antithrombin (%) against its deficiency threshold: a plot of its own (issue 29: it shared one axis
/// with the platelets, two units on one scale).
fn at_plot_ui(ui: &mut egui::Ui, axis: &TimeAxis, deficiency: f64, data: &ChartData, height: f32) {
    ui.label(RichText::new("Antithrombin (%)").strong());
    legend_ui(
        ui,
        &[
            ("■", theme::in_range(), "antithrombin %"),
            ("╌", theme::caution(), "AT deficiency threshold"),
            ("┆", theme::strong(), "as of"),
        ],
    );
    time_plot("antithrombin", axis, "%", height)
        .include_y(0.0)
        .include_y(120.0)
        .x_axis_label(time_axis_title(axis.start, axis.first_x, axis.as_of_x))
        .show(ui, |plot| {
            axis.controls(plot);
            plot.hline(
                egui_plot::HLine::new("AT deficiency threshold", deficiency)
                    .color(theme::caution())
                    .style(LineStyle::dashed_loose()),
            );
            lab_series(
                plot,
                "antithrombin %",
                &data.antithrombin,
                theme::in_range(),
                MarkerShape::Square,
            );
            now_line(plot, axis);
        });
}

/// Platelets (× 10⁹/L) against the protocol's bleeding-risk threshold, on their own axis.
fn platelets_plot_ui(ui: &mut egui::Ui, axis: &TimeAxis, threshold: f64, data: &ChartData, height: f32) {
    ui.label(RichText::new("Platelets (× 10⁹/L)").strong());
    legend_ui(
        ui,
        &[
            ("▲", theme::muted(), "platelets × 10⁹/L"),
            ("╌", theme::caution(), "bleeding-risk threshold"),
            ("┆", theme::strong(), "as of"),
        ],
    );
    time_plot("platelets", axis, "× 10⁹/L", height)
        .include_y(0.0)
        .x_axis_label(time_axis_title(axis.start, axis.first_x, axis.as_of_x))
        .show(ui, |plot| {
            axis.controls(plot);
            plot.hline(
                egui_plot::HLine::new("bleeding-risk threshold", threshold)
                    .color(theme::caution())
                    .style(LineStyle::dashed_loose()),
            );
            lab_series(
                plot,
                "platelets × 10⁹/L",
                &data.platelets,
                theme::muted(),
                MarkerShape::Up,
            );
            now_line(plot, axis);
        });
}

/// The preset windows and how the pointer moves the plots.
fn window_row_ui(ui: &mut egui::Ui, state: &mut PlotState) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Show");
        for w in TimeWindow::ALL {
            if ui.selectable_label(state.window == Some(w), w.label()).clicked() {
                state.window = Some(w);
                state.apply_window = true;
            }
        }
        ui.label(
            RichText::new("· wheel: move in time · Ctrl+wheel: zoom time · drag: pan · double-click: all")
                .color(theme::muted()),
        );
    });
}

/// Beside the plots from this central width on; below the anti-Xa plot in a narrower window.
const WHATIF_BESIDE_FROM_PX: f32 = 1100.0;

/// The What if panel and the back-test, in a frame.
fn forecast_panel_ui(ui: &mut egui::Ui, doc: &Document, whatif: &mut WhatIfState, commands: &mut Vec<Command>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        whatif_ui(ui, doc, whatif, commands);
        ui.separator();
        backtest_ui(ui, doc);
    });
}

/// The Plots view.
/// With `hide_forecast` (Predict first, before the learner's choice) the forecast is not drawn.
pub fn plots_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    state: &mut PlotState,
    hide_forecast: bool,
    commands: &mut Vec<Command>,
) {
    window_row_ui(ui, state);
    let window = state.window.map(|w| (w, state.apply_window));
    state.apply_window = false;
    let PlotState { cache, whatif, .. } = state;
    whatif.hidden = hide_forecast;
    let data = chart_data(cache, doc);
    let xa_target = doc.protocol().ufh.anti_xa_target.value.values();
    let deficiency = doc.protocol().antithrombin.deficiency_below_percent.value.value();
    let platelets_below = doc.protocol().bleeding_risk.platelets_below.value();
    let beside = ui.available_width() >= WHATIF_BESIDE_FROM_PX;
    let scatter_width = (ui.available_width() * 0.38).clamp(260.0, 620.0);
    egui::Panel::right("scatter_panel")
        .default_size(scatter_width)
        .resizable(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("scatter_scroll").show(ui, |ui| {
                // A margin from the time plots beside it (issue 29: the scatter's axis title and first
                // letters were clipped into them).
                egui::Frame::new()
                    .inner_margin(egui::Margin {
                        left: 12,
                        ..egui::Margin::ZERO
                    })
                    .show(ui, |ui| {
                        if beside {
                            forecast_panel_ui(ui, doc, whatif, commands);
                            ui.add_space(6.0);
                        }
                        let height = (ui.available_height() - 170.0).clamp(200.0, 620.0);
                        scatter_ui(ui, doc, data, height);
                    });
            });
        });
    let start = doc.case().case_start;
    let axis = TimeAxis {
        start,
        first_x: data.first_x,
        as_of_x: hours(start, doc.as_of()),
        forecast_end_x: forecast_end_x(doc, whatif),
        width: ui.available_width() - 60.0,
        window,
    };
    egui::ScrollArea::vertical().id_salt("time_plots").show(ui, |ui| {
        let height = ((ui.available_height() - 260.0) / 5.0).clamp(100.0, 240.0);
        lab_plot_ui(ui, &axis, data, LabKind::Aptt, None, height, None);
        lab_plot_ui(
            ui,
            &axis,
            data,
            LabKind::AntiXa,
            Some(xa_target),
            height,
            Some((doc, &mut *whatif)),
        );
        if !beside {
            forecast_panel_ui(ui, doc, whatif, commands);
        }
        dose_plot_ui(ui, &axis, data, height);
        at_plot_ui(ui, &axis, deficiency, data, height);
        platelets_plot_ui(ui, &axis, platelets_below, data, height);
    });
}
