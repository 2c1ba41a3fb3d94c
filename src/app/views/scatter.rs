//! The paired aPTT-vs-anti-Xa scatter beside the time plots: the pairs joined in time order, the target
//! rectangle, the four discordance quadrants around it, and the patient's own fitted relation
//! (information only).

use eframe::egui::{self, Align2, Color32, RichText};
use egui_plot::{HoverPosition, Line, Plot, PlotPoint, PlotPoints, PlotUi, Points, Polygon, Text};

use crate::analysis::pairing::{ApttAntiXaFit, HeparinApttRange};
use crate::model::{ClinicalTime, Range, num};
use crate::present::chart::ChartData;
use crate::protocol::Protocol;

use super::plot_grid::{VALUE_LABEL_PX, VALUE_X_LABEL_PX, value_grid};
use crate::app::document::Document;
use crate::app::theme;

/// Colour bands on the scatter: enough to read the time order, few enough to keep frames cheap.
const SCATTER_COLOUR_BANDS: usize = 12;

/// A colour from blue (early) to orange (late): time order on the scatter.
fn time_colour(fraction: f64) -> Color32 {
    let f = fraction.clamp(0.0, 1.0) as f32;
    let lerp = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * f) as u8;
    Color32::from_rgb(lerp(90, 240), lerp(140, 150), lerp(230, 50))
}

pub fn scatter_ui(ui: &mut egui::Ui, doc: &Document, data: &ChartData, height: f32) {
    ui.label(RichText::new("aPTT vs anti-Xa, paired samples").strong());
    ui.label(RichText::new("joined in time order, blue (early) → orange (late)").color(theme::muted()));
    let protocol = doc.protocol();
    let aptt_target = Some(
        // The range the analysis uses: an entered baseline, one drawn before heparin, or the lab's.
        HeparinApttRange::with_control(protocol, doc.analysis().aptt_control)
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
        // Room for the axis title inside the panel (issue 29: it was clipped into the time plots).
        .y_axis_min_width(52.0)
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
