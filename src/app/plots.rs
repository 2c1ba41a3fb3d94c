//! Plots: aPTT, anti-Xa, doses, and antithrombin with platelets on four time plots that share one time
//! axis and cursor; beside them the paired aPTT-vs-anti-Xa scatter with the target rectangle, the four
//! discordance quadrants and the patient's own fitted relation. Only results at or before the replay
//! time are drawn (teaching: the future stays hidden).

use eframe::egui::{self, Align2, Color32, Id, RichText};
use egui_plot::{
    Axis, GridInput, GridMark, HoverPosition, Line, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints, PlotUi,
    Points, Polygon, Span, Text, VLine,
};

use crate::analysis::pairing::{ApttAntiXaFit, HeparinApttRange};
use crate::chart::axes::{TimeWindow, stagger_rows, time_axis_title, time_label, time_ticks, value_ticks};
use crate::chart::{ChartData, decimate_min_max, hours};
use crate::model::{ClinicalTime, LabKind, Range, num};
use crate::protocol::Protocol;

use super::document::Document;
use super::theme;

/// Time labels at least this far apart (a "06:00" or "12 Jan" label and a gap).
const TIME_LABEL_PX: f32 = 90.0;
/// Value labels at least this far apart on a y axis (egui_plot fades labels closer than 30 px) and on
/// an x axis (closer than 80 px).
const VALUE_LABEL_PX: f32 = 30.0;
const VALUE_X_LABEL_PX: f32 = 80.0;

/// The time grid: ticks on the clock's 00/06/12/18 (or whole days), for a plot `width` wide.
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

/// The value grid: a 1-2-5 step with at least three labels along an axis `length` long, labels at least
/// `min_px` apart (egui_plot hides y labels under 20 px and x labels under 60 px).
fn value_grid(length: f32, min_px: f32) -> impl Fn(GridInput) -> Vec<GridMark> {
    move |input| {
        value_ticks(input.bounds.0, input.bounds.1, length, min_px)
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
}

impl PlotState {
    /// The chart data for the document as it is now.
    pub fn data(&mut self, doc: &Document) -> &ChartData {
        let fresh = matches!(&self.cache, Some((revision, cursor, _)) if *revision == doc.revision() && *cursor == doc.cursor());
        if !fresh {
            self.cache = None;
        }
        let (_, _, data) = self.cache.get_or_insert_with(|| {
            (
                doc.revision(),
                doc.cursor(),
                ChartData::gather(doc.case(), doc.prepared(), doc.protocol(), doc.as_of()),
            )
        });
        data
    }
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
        .include_y(0.0)
        .link_axis(Id::unique("anticoag-planner time axis"), [true, false])
        .link_cursor(Id::unique("anticoag-planner time axis"), [true, false])
        .x_grid_spacer(time_grid(start, axis.width))
        .y_grid_spacer(value_grid(height, VALUE_LABEL_PX))
        .x_axis_formatter(move |mark, _| time_label(start, mark.value))
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
    legend_ui(
        ui,
        &[
            (symbol, theme::below_target(), lab.label()),
            ("▇", theme::in_range(), band),
            ("┆", theme::strong(), "as of"),
        ],
    );
    let mut plot = time_plot(lab.label(), axis, unit, height);
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
        lab_series(plot, lab.label(), points, theme::below_target(), shape);
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
    let top = steps.iter().map(|s| s.2).fold(10.0_f64, f64::max) * 1.6;
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

/// Antithrombin (%) and platelets (10^9/L) share a plot: both fall in the same numeric range.
fn at_platelets_plot_ui(ui: &mut egui::Ui, axis: &TimeAxis, deficiency: f64, data: &ChartData, height: f32) {
    ui.label(RichText::new("Antithrombin (%) and platelets (× 10⁹/L)").strong());
    legend_ui(
        ui,
        &[
            ("■", theme::in_range(), "antithrombin %"),
            ("▲", theme::muted(), "platelets × 10⁹/L"),
            ("╌", theme::caution(), "AT deficiency threshold"),
            ("┆", theme::strong(), "as of"),
        ],
    );
    time_plot("at_platelets", axis, "% | × 10⁹/L", height)
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

/// Colour bands on the scatter: enough to read the time order, few enough to keep frames cheap.
const SCATTER_COLOUR_BANDS: usize = 12;

/// A colour from blue (early) to orange (late): time order on the scatter.
fn time_colour(fraction: f64) -> Color32 {
    let f = fraction.clamp(0.0, 1.0) as f32;
    let lerp = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * f) as u8;
    Color32::from_rgb(lerp(90, 240), lerp(140, 150), lerp(230, 50))
}

fn scatter_ui(ui: &mut egui::Ui, doc: &Document, data: &ChartData, height: f32) {
    ui.label(RichText::new("aPTT vs anti-Xa, paired samples").strong());
    ui.label(RichText::new("joined in time order, blue (early) → orange (late)").color(theme::muted()));
    let protocol = doc.protocol();
    let aptt_target = Some(
        HeparinApttRange::of(protocol, doc.case().patient.baseline_aptt)
            .range
            .values(),
    );
    let xa_target = protocol.ufh.anti_xa_target.value.values();
    let pairs = &data.pairs;
    let fit = &data.fit;
    let xy: Vec<[f64; 2]> = pairs
        .iter()
        .map(|p| [p.aptt.value.value(), p.anti_xa.value.value()])
        .collect();
    let pair_times: Vec<(f64, f64, ClinicalTime)> = pairs
        .iter()
        .map(|p| (p.aptt.value.value(), p.anti_xa.value.value(), p.time()))
        .collect();
    let max_x = xy
        .iter()
        .map(|p| p[0])
        .fold(aptt_target.map_or(100.0, |a| a.high * 1.3), f64::max);
    let max_y = xy.iter().map(|p| p[1]).fold(xa_target.high * 1.5, f64::max);
    Plot::new("scatter")
        .height(height)
        .x_grid_spacer(value_grid(ui.available_width() - 60.0, VALUE_X_LABEL_PX))
        .y_grid_spacer(value_grid(height, VALUE_LABEL_PX))
        .x_axis_label("aPTT (s)")
        .y_axis_label("anti-Xa (units/mL)")
        .include_x(0.0)
        .include_x(max_x)
        .include_y(0.0)
        .include_y(max_y)
        .allow_scroll(false)
        .label_formatter(move |hover| {
            let HoverPosition::NearDataPoint { position, .. } = hover else {
                return None;
            };
            // The pair under the pointer, for its time (looked up only while hovering).
            let time = pair_times
                .iter()
                .min_by(|a, b| {
                    let d = |p: &(f64, f64, ClinicalTime)| (p.0 - position.x).abs() + (p.1 - position.y).abs();
                    d(a).total_cmp(&d(b))
                })
                .map_or(String::new(), |p| format!("{}\n", p.2));
            Some(format!(
                "{time}aPTT {} s\nanti-Xa {} units/mL",
                num(position.x, 0),
                num(position.y, 2)
            ))
        })
        .show(ui, |plot| {
            if let Some(a) = aptt_target {
                target_and_quadrants_ui(plot, a, xa_target, max_x, max_y);
            }
            if let Some(f) = fit {
                let line = vec![[f.aptt_at(0.0), 0.0], [f.aptt_at(max_y), max_y]];
                plot.line(
                    Line::new("patient's fitted relation", PlotPoints::from(line))
                        .color(theme::caution())
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
            if xy.is_empty() {
                return;
            }
            plot.line(Line::new("pairs", PlotPoints::from(xy.clone())).color(theme::muted()));
            // A fixed number of colour bands (one plot item each), whatever the number of pairs: the
            // time order stays visible and the frame cost does not grow with the history.
            let bands = xy.len().min(SCATTER_COLOUR_BANDS);
            for band in 0..bands {
                let range = band * xy.len() / bands..(band + 1) * xy.len() / bands;
                plot.points(
                    Points::new("pair", PlotPoints::from(xy[range].to_vec()))
                        .radius(4.5)
                        .color(time_colour(band as f64 / (bands.max(2) - 1) as f64)),
                );
            }
        });
    ui.label(
        RichText::new(
            "Around the target box: pseudo-resistance = aPTT low, anti-Xa at/above target; coagulopathy = aPTT high, \
             anti-Xa low; sub- / supratherapeutic = both low / both high.",
        )
        .color(theme::muted()),
    );
    fit_summary_ui(ui, fit.as_ref(), pairs.len(), protocol);
}

/// The target rectangle on the scatter and what each quadrant around it means.
fn target_and_quadrants_ui(plot: &mut PlotUi<'_>, a: Range<f64>, xa_target: Range<f64>, max_x: f64, max_y: f64) {
    let rect = vec![
        [a.low, xa_target.low],
        [a.high, xa_target.low],
        [a.high, xa_target.high],
        [a.low, xa_target.high],
    ];
    plot.polygon(
        Polygon::new("target", PlotPoints::from(rect))
            .fill_color(theme::in_range().gamma_multiply(0.2))
            .stroke(egui::Stroke::new(1.0, theme::in_range())),
    );
    // Each quadrant named in its corner, anchored inside the plot so the words are never cut; the
    // meaning of each is under the plot. The corners are the data range the plot includes, never the
    // plot's current bounds: a label at the bounds would widen the auto bounds every frame.
    let (x0, x1, y0, y1) = (0.0, max_x, 0.0, max_y);
    let mut quadrant = |x: f64, y: f64, anchor: Align2, text: &str| {
        plot.text(
            Text::new("", PlotPoint::new(x, y), text)
                .color(theme::muted())
                .anchor(anchor),
        );
    };
    quadrant(x0, y1, Align2::LEFT_TOP, "pseudo-\nresistance");
    quadrant(x1, y1, Align2::RIGHT_TOP, "supra-\ntherapeutic");
    quadrant(x0, y0, Align2::LEFT_BOTTOM, "sub-\ntherapeutic");
    quadrant(x1, y0, Align2::RIGHT_BOTTOM, "coagulopathy");
}

/// Under the scatter: the patient's fitted relation, or why there is none.
fn fit_summary_ui(ui: &mut egui::Ui, fit: Option<&ApttAntiXaFit>, pairs: usize, protocol: &Protocol) {
    match (fit, pairs) {
        (Some(f), _) => {
            ui.label(format!(
                "Patient's relation, information only ({} pairs, R² {}): aPTT ≈ {} + {} × anti-Xa s",
                f.pairs,
                num(f.r_squared, 2),
                num(f.intercept_s, 1),
                num(f.slope_s_per_unit_per_ml, 1)
            ));
            ui.label(
                RichText::new(format!(
                    "For anti-Xa {}–{} units/mL this implies aPTT {}–{} s",
                    f.anti_xa.low.number(),
                    f.anti_xa.high.number(),
                    num(f.implied_aptt_s.low, 0),
                    num(f.implied_aptt_s.high, 0)
                ))
                .strong(),
            );
            ui.label(
                RichText::new(format!(
                    "Basis: {}",
                    protocol.monitoring.aptt_calibration_anti_xa.source
                ))
                .color(theme::muted()),
            );
        }
        (None, 0) => {
            ui.colored_label(
                theme::muted(),
                "No aPTT/anti-Xa pairs yet (pairs are drawn within the protocol's window)",
            );
        }
        (None, n) => {
            ui.colored_label(
                theme::muted(),
                format!(
                    "{n} pair(s): a fitted relation needs at least {} pairs over at least {} h, with a spread of anti-Xa levels and a rising aPTT (information only)",
                    protocol.monitoring.aptt_fit_min_pairs.value,
                    protocol.monitoring.aptt_fit_min_span_h.value.shown()
                ),
            );
        }
    }
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

/// The Plots view.
pub fn plots_ui(ui: &mut egui::Ui, doc: &Document, state: &mut PlotState) {
    window_row_ui(ui, state);
    let window = state.window.map(|w| (w, state.apply_window));
    state.apply_window = false;
    let data = state.data(doc);
    let xa_target = doc.protocol().ufh.anti_xa_target.value.values();
    let deficiency = doc.protocol().antithrombin.deficiency_below_percent.value.value();
    let scatter_width = (ui.available_width() * 0.38).clamp(260.0, 620.0);
    egui::Panel::right("scatter_panel")
        .default_size(scatter_width)
        .resizable(true)
        .show(ui, |ui| {
            let height = (ui.available_height() - 170.0).clamp(200.0, 620.0);
            scatter_ui(ui, doc, data, height);
        });
    let start = doc.case().case_start;
    let axis = TimeAxis {
        start,
        first_x: data.first_x,
        as_of_x: hours(start, doc.as_of()),
        width: ui.available_width() - 60.0,
        window,
    };
    egui::ScrollArea::vertical().id_salt("time_plots").show(ui, |ui| {
        let height = ((ui.available_height() - 220.0) / 4.0).clamp(110.0, 260.0);
        lab_plot_ui(ui, &axis, data, LabKind::Aptt, None, height);
        lab_plot_ui(ui, &axis, data, LabKind::AntiXa, Some(xa_target), height);
        dose_plot_ui(ui, &axis, data, height);
        at_platelets_plot_ui(ui, &axis, deficiency, data, height);
    });
}
