//! Plots: aPTT, anti-Xa, doses, and antithrombin with platelets on four time plots that share one time
//! axis and cursor; beside them the paired aPTT-vs-anti-Xa scatter with the target rectangle, the four
//! discordance quadrants and the patient's own fitted relation. Only results at or before the replay
//! time are drawn (teaching: the future stays hidden).

use eframe::egui::{self, Align2, Color32, Id, RichText};
use egui_plot::{
    Axis, GridMark, HoverPosition, Legend, Line, MarkerShape, Plot, PlotPoint, PlotPoints, PlotUi, Points, Polygon,
    Span, Text, VLine,
};

use crate::analysis::pairing::{ApttAntiXaFit, HeparinApttRange};
use crate::chart::{ChartData, decimate_min_max, hours};
use crate::model::{ClinicalTime, LabKind, Range, num};
use crate::protocol::Protocol;

use super::document::Document;
use super::theme;

fn time_axis(start: ClinicalTime) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let text = start.plus_hours(mark.value).to_string();
        // "2019-01-06T23:00" → "01-06 23:00"
        text.get(5..).map_or(text.clone(), |s| s.replace('T', " "))
    }
}

/// The Plots view's state: what the plots draw, gathered once per case revision and replay position
/// (the gathering costs O(history); a frame then costs the same at day 90 as at day 1).
#[derive(Default)]
pub struct PlotState {
    cache: Option<(u64, usize, ChartData)>,
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

/// A time plot: same x range, linked axis and cursor, tooltips only on data points.
fn time_plot(id: &str, doc: &Document, data: &ChartData, unit: &str, height: f32) -> Plot<'static> {
    let start = doc.case().case_start;
    let first = data.first_x;
    let unit = unit.to_owned();
    Plot::new(id)
        .height(height)
        .include_x(first)
        .include_x(hours(start, doc.as_of()) + 1.0)
        .include_y(0.0)
        .link_axis(Id::unique("anticoag-planner time axis"), [true, false])
        .link_cursor(Id::unique("anticoag-planner time axis"), [true, false])
        .x_axis_formatter(time_axis(start))
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
}

fn now_line(plot: &mut PlotUi<'_>, doc: &Document) {
    plot.vline(VLine::new("now", hours(doc.case().case_start, doc.as_of())).color(theme::CAUTION));
}

fn lab_series(plot: &mut PlotUi<'_>, name: &str, points: &[[f64; 2]], colour: Color32) {
    let shown = visible_decimated(plot, points);
    plot.line(Line::new(name, PlotPoints::from(shown.clone())).color(colour));
    plot.points(Points::new(name, PlotPoints::from(shown)).radius(3.5).color(colour));
}

/// One lab with its target band.
fn lab_plot_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    data: &ChartData,
    lab: LabKind,
    unit: &str,
    target: Option<Range<f64>>,
    height: f32,
) {
    let title = format!("{} ({unit})", lab.label());
    ui.label(RichText::new(&title).strong());
    let mut plot = time_plot(lab.label(), doc, data, unit, height);
    if let Some(t) = target {
        plot = plot.include_y(t.high * 1.1);
    }
    let aptt = lab == LabKind::Aptt;
    if aptt && let Some(top) = data.aptt_bands.iter().map(|b| b.high_s).reduce(f64::max) {
        plot = plot.include_y(top * 1.1);
    }
    let points = if aptt { &data.aptt } else { &data.anti_xa };
    plot.show(ui, |plot| {
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
                        .fill_color(theme::IN_RANGE.gamma_multiply(0.15))
                        .stroke(egui::Stroke::new(1.0, theme::IN_RANGE.gamma_multiply(0.5))),
                );
            }
        } else if let Some(t) = target {
            plot.span(
                Span::new("target", t.low..=t.high)
                    .axis(Axis::Y)
                    .fill(theme::IN_RANGE.gamma_multiply(0.15)),
            );
        }
        lab_series(plot, lab.label(), points, theme::BELOW_TARGET);
        now_line(plot, doc);
    });
}

/// Beyond this many boluses their amounts are in tooltips only (labels would overprint each other).
const MAX_BOLUS_LABELS: usize = 40;

/// Heparin infusion as a step line (units/kg/h), boluses and antithrombin doses as labelled markers,
/// direct thrombin inhibitor changes as labels (their rates have other units).
fn dose_plot_ui(ui: &mut egui::Ui, doc: &Document, data: &ChartData, height: f32) {
    ui.label(RichText::new("Doses (heparin units/kg/h; boluses, antithrombin and DTI labelled)").strong());
    let start = doc.case().case_start;
    let steps = &data.heparin_steps;
    let boluses = &data.boluses;
    let top = steps.iter().map(|s| s.2).fold(10.0_f64, f64::max) * 1.25;
    let bolus_hours: Vec<(f64, f64)> = boluses.iter().map(|(x, u)| (*x, u.value())).collect();
    time_plot("doses", doc, data, "units/kg/h", height)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
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
            if !steps.is_empty() {
                let points: Vec<[f64; 2]> = steps.iter().flat_map(|(x0, x1, y)| [[*x0, *y], [*x1, *y]]).collect();
                let points = visible_decimated(plot, &points);
                // A step line has vertical runs; egui_plot would merge them into a filled band.
                plot.line(
                    Line::new("heparin infusion", PlotPoints::from(points))
                        .color(theme::BELOW_TARGET)
                        .width(2.5)
                        .allow_band(false),
                );
            }
            let markers: Vec<[f64; 2]> = boluses.iter().map(|(x, _)| [*x, top * 0.92]).collect();
            plot.points(
                Points::new("heparin bolus", PlotPoints::from(markers))
                    .shape(MarkerShape::Down)
                    .radius(6.0)
                    .color(theme::CAUTION),
            );
            // Amounts are written beside the markers while they stay legible; beyond that the
            // marker's tooltip gives the amount.
            for (x, units) in boluses.iter().filter(|_| boluses.len() <= MAX_BOLUS_LABELS) {
                plot.text(
                    Text::new("", PlotPoint::new(*x, top * 0.82), units.to_string())
                        .color(theme::CAUTION)
                        .anchor(Align2::CENTER_TOP),
                );
            }
            for (x, units) in &data.at_doses {
                let x = *x;
                plot.vline(VLine::new("antithrombin dose", x).color(theme::IN_RANGE));
                plot.text(
                    Text::new("", PlotPoint::new(x, top * 0.6), format!("AT {units}"))
                        .color(theme::IN_RANGE)
                        .anchor(Align2::LEFT_CENTER),
                );
            }
            // Alternate heights so that changes close in time do not print over each other.
            for (i, (x, label)) in data.dti_labels.iter().enumerate() {
                let y = top * if i % 2 == 0 { 0.4 } else { 0.25 };
                plot.text(
                    Text::new("", PlotPoint::new(*x, y), label.as_str())
                        .color(theme::ABOVE_TARGET)
                        .anchor(Align2::LEFT_CENTER),
                );
            }
            now_line(plot, doc);
        });
}

/// Antithrombin (%) and platelets (10^9/L) share a plot: both fall in the same numeric range.
fn at_platelets_plot_ui(ui: &mut egui::Ui, doc: &Document, data: &ChartData, height: f32) {
    ui.label(RichText::new("Antithrombin (%) and platelets (× 10⁹/L)").strong());
    let deficiency = doc.protocol().antithrombin.deficiency_below_percent.value;
    time_plot("at_platelets", doc, data, "% | × 10⁹/L", height)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .include_y(120.0)
        .show(ui, |plot| {
            plot.hline(egui_plot::HLine::new("AT deficiency threshold", deficiency).color(theme::CAUTION));
            lab_series(plot, "antithrombin %", &data.antithrombin, theme::IN_RANGE);
            lab_series(plot, "platelets × 10⁹/L", &data.platelets, theme::MUTED);
            now_line(plot, doc);
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
    ui.label(RichText::new("joined in time order, blue (early) → orange (late)").color(theme::MUTED));
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
                target_and_quadrants_ui(plot, a, xa_target, max_x);
            }
            if let Some(f) = fit {
                let line = vec![[f.aptt_at(0.0), 0.0], [f.aptt_at(max_y), max_y]];
                plot.line(
                    Line::new("patient's fitted relation", PlotPoints::from(line))
                        .color(theme::CAUTION)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
            if xy.is_empty() {
                return;
            }
            plot.line(Line::new("pairs", PlotPoints::from(xy.clone())).color(theme::MUTED));
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
    fit_summary_ui(ui, fit.as_ref(), pairs.len(), protocol);
}

/// The target rectangle on the scatter and what each quadrant around it means.
fn target_and_quadrants_ui(plot: &mut PlotUi<'_>, a: Range<f64>, xa_target: Range<f64>, max_x: f64) {
    let rect = vec![
        [a.low, xa_target.low],
        [a.high, xa_target.low],
        [a.high, xa_target.high],
        [a.low, xa_target.high],
    ];
    plot.polygon(
        Polygon::new("target", PlotPoints::from(rect))
            .fill_color(theme::IN_RANGE.gamma_multiply(0.2))
            .stroke(egui::Stroke::new(1.0, theme::IN_RANGE)),
    );
    let mut quadrant = |x: f64, y: f64, text: &str| {
        plot.text(
            Text::new("", PlotPoint::new(x, y), text)
                .color(theme::MUTED)
                .anchor(Align2::CENTER_CENTER),
        );
    };
    let (left, right) = (a.low * 0.5, (a.high + max_x) / 2.0);
    let (bottom, top) = (xa_target.low * 0.5, xa_target.high * 1.3);
    quadrant(left, top, "pseudo-resistance\n(aPTT low, anti-Xa at/above)");
    quadrant(right, bottom, "coagulopathy\n(aPTT high, anti-Xa low)");
    quadrant(left, bottom, "concordant\nsubtherapeutic");
    quadrant(right, top, "concordant\nsupratherapeutic");
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
                .color(theme::MUTED),
            );
        }
        (None, 0) => {
            ui.colored_label(
                theme::MUTED,
                "No aPTT/anti-Xa pairs yet (pairs are drawn within the protocol's window)",
            );
        }
        (None, n) => {
            ui.colored_label(
                theme::MUTED,
                format!(
                    "{n} pair(s): a fitted relation needs at least {} pairs over at least {} h, with a spread of anti-Xa levels and a rising aPTT (information only)",
                    protocol.monitoring.aptt_fit_min_pairs.value,
                    protocol.monitoring.aptt_fit_min_span_h.value.shown()
                ),
            );
        }
    }
}

/// The Plots view.
pub fn plots_ui(ui: &mut egui::Ui, doc: &Document, state: &mut PlotState) {
    let data = state.data(doc);
    let xa_target = doc.protocol().ufh.anti_xa_target.value.values();
    let scatter_width = (ui.available_width() * 0.38).clamp(260.0, 520.0);
    egui::Panel::right("scatter_panel")
        .default_size(scatter_width)
        .resizable(true)
        .show(ui, |ui| {
            let height = (ui.available_height() - 140.0).clamp(200.0, 520.0);
            scatter_ui(ui, doc, data, height);
        });
    egui::ScrollArea::vertical().id_salt("time_plots").show(ui, |ui| {
        let height = ((ui.available_height() - 110.0) / 4.0).clamp(100.0, 220.0);
        lab_plot_ui(ui, doc, data, LabKind::Aptt, "s", None, height);
        lab_plot_ui(ui, doc, data, LabKind::AntiXa, "units/mL", Some(xa_target), height);
        dose_plot_ui(ui, doc, data, height);
        at_platelets_plot_ui(ui, doc, data, height);
    });
}
