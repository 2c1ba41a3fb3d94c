//! Plots: aPTT and anti-Xa over time against their targets, and the paired scatter. Only results at or
//! before the replay cursor are drawn (teaching: the future stays hidden).

use eframe::egui::{self, Color32, Id};
use egui_plot::{Axis, GridMark, HoverPosition, Line, Plot, PlotPoints, Points, Polygon, Span, VLine};

use anticoag_planner::analysis::pairing::ufh_aptt_target;
use anticoag_planner::analysis::{Timeline, paired_samples};
use anticoag_planner::model::{Case, ClinicalTime, LabKind, num};
use anticoag_planner::protocol::{Protocol, Range};

use super::theme;

/// Hours from the case start: the x axis of every time plot.
fn hours(start: ClinicalTime, t: ClinicalTime) -> f64 {
    t.hours_since(start)
}

fn time_axis(start: ClinicalTime) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let text = start.plus_hours(mark.value).to_string();
        // "2019-01-06T23:00" → "01-06 23:00"
        text.get(5..).map_or(text.clone(), |s| s.replace('T', " "))
    }
}

/// Where the time plots begin: the first heparin or the first aPTT/anti-Xa, whichever is earlier
/// (admission labs days before would squeeze the anticoagulation course into a corner).
fn first_relevant(tl: &Timeline) -> Option<ClinicalTime> {
    [
        tl.first_heparin(),
        tl.samples(LabKind::Aptt).first().map(|s| s.time),
        tl.samples(LabKind::AntiXa).first().map(|s| s.time),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// One lab over time with its target band and the cursor.
#[expect(
    clippy::too_many_arguments,
    reason = "a plot is these eight things; a struct would only rename them"
)]
fn series_plot_ui(
    ui: &mut egui::Ui,
    id: &str,
    title: &str,
    unit: &str,
    tl: &Timeline,
    lab: LabKind,
    target: Option<Range>,
    (start, cursor): (ClinicalTime, ClinicalTime),
    height: f32,
) {
    ui.label(title);
    let samples = tl.samples_until(lab, cursor);
    let points: Vec<[f64; 2]> = samples.iter().map(|s| [hours(start, s.time), s.value]).collect();
    let unit = unit.to_owned();
    // Every time plot spans the same hours (first event to the cursor) and always shows its target band,
    // however far the results are from it.
    let first = first_relevant(tl).map_or(0.0, |t| hours(start, t));
    let mut plot = Plot::new(id)
        .height(height)
        .include_x(first)
        .include_x(hours(start, cursor) + 1.0)
        .include_y(0.0);
    if let Some(t) = target {
        plot = plot.include_y(t.high * 1.1);
    }
    plot.link_axis(Id::unique("anticoag-planner time axis"), [true, false])
        .link_cursor(Id::unique("anticoag-planner time axis"), [true, false])
        .x_axis_formatter(time_axis(start))
        .y_axis_label(unit.clone())
        .label_formatter(move |hover| {
            // Only a real data point gets a tooltip: its time and value.
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
        .show(ui, |plot| {
            if let Some(t) = target {
                plot.span(
                    Span::new("target", t.low..=t.high)
                        .axis(Axis::Y)
                        .fill(theme::IN_RANGE.gamma_multiply(0.15)),
                );
            }
            plot.line(Line::new(title, PlotPoints::from(points.clone())).color(theme::BELOW_TARGET));
            plot.points(
                Points::new(title, PlotPoints::from(points))
                    .radius(3.5)
                    .color(Color32::WHITE),
            );
            plot.vline(VLine::new("now", hours(start, cursor)).color(theme::CAUTION));
        });
}

/// aPTT and anti-Xa over time, then the paired scatter.
pub fn plots_ui(ui: &mut egui::Ui, case: &Case, protocol: &Protocol, tl: &Timeline, cursor: ClinicalTime) {
    let start = case.case_start;
    let aptt_target = ufh_aptt_target(protocol, case.patient.baseline_aptt);
    let xa_target = protocol.ufh.anti_xa_target.range();
    let height = ((ui.available_height() - 120.0) / 3.0).clamp(110.0, 260.0);
    series_plot_ui(
        ui,
        "aptt_time",
        "aPTT over time (s)",
        "s",
        tl,
        LabKind::Aptt,
        aptt_target,
        (start, cursor),
        height,
    );
    series_plot_ui(
        ui,
        "xa_time",
        "anti-Xa over time (units/mL)",
        "units/mL",
        tl,
        LabKind::AntiXa,
        Some(xa_target),
        (start, cursor),
        height,
    );

    ui.label("aPTT vs anti-Xa, paired samples in time order");
    let window = protocol.monitoring.pairing_window_min.value;
    let pairs: Vec<[f64; 2]> = paired_samples(tl, window)
        .iter()
        .filter(|p| p.time() <= cursor)
        .map(|p| [p.aptt.value, p.anti_xa.value])
        .collect();
    Plot::new("scatter")
        .height(height)
        .x_axis_label("aPTT (s)")
        .y_axis_label("anti-Xa (units/mL)")
        .allow_scroll(false)
        .show(ui, |plot| {
            if let Some(a) = aptt_target {
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
            }
            if pairs.is_empty() {
                return;
            }
            plot.line(Line::new("pairs", PlotPoints::from(pairs.clone())).color(theme::MUTED));
            plot.points(
                Points::new("pairs", PlotPoints::from(pairs))
                    .radius(4.0)
                    .color(theme::BELOW_TARGET),
            );
        });
    if paired_samples(tl, window).iter().all(|p| p.time() > cursor) {
        ui.colored_label(
            theme::MUTED,
            "No aPTT/anti-Xa pairs yet (pairs are drawn within the protocol's window)",
        );
    }
}
