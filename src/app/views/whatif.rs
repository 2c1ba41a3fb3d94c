//! The anti-Xa forecast in the Plots view (issue 16): the forecast drawn on the anti-Xa plot from the
//! replay time on (median, 90% band of the true level, wider 90% band of the next measured result), the
//! What if panel (a rate in units/kg/h, units/h or mL/h and an optional bolus; the curve and the next
//! result follow as the slider moves), and the back-test on this patient. A PROVISIONAL model,
//! information beside the protocol's nomogram: nothing here changes the case.

use eframe::egui::{self, Color32, RichText};
use egui_extras::{Column, TableBuilder};
use egui_plot::{LineStyle, PlotPoints, PlotUi, Polygon};

use crate::analysis::forecast::BacktestPair;
use crate::analysis::forecast::outlook::{Band, Outlook, WhatIf};
use crate::model::num;

use crate::app::command::Command;
use crate::app::document::Document;
use crate::app::theme;

/// Where the plot draws the forecast, in hours after the replay time: every 15 min for 2 h (a bolus
/// decays with a half-life of about an hour), every 30 min to 6 h, then hourly to 24 h — 34 points,
/// each a fit over every posterior node, so that dragging the rate stays inside the frame.
fn curve_hours() -> impl Iterator<Item = f64> {
    let fine = (0..8).map(|i| f64::from(i) * 0.25);
    let middle = (0..8).map(|i| 2.0 + f64::from(i) * 0.5);
    let hourly = (6..=24).map(f64::from);
    fine.chain(middle).chain(hourly)
}
/// Below this level (units/mL) with no heparin planned there is nothing to draw.
const MIN_LEVEL_DRAWN: f64 = 0.05;
/// The slider's end when a protocol states no warning limit.
const SLIDER_MAX_FALLBACK: f64 = 40.0;

/// The unit the What if rate is entered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateUnit {
    #[default]
    PerKgPerHour,
    PerHour,
    MlPerHour,
}

impl RateUnit {
    fn label(self) -> &'static str {
        match self {
            Self::PerKgPerHour => "units/kg/h",
            Self::PerHour => "units/h",
            Self::MlPerHour => "mL/h",
        }
    }
}

/// The forecast drawn for one plan at one case revision and replay time.
struct Drawn {
    key: (u64, usize, u64, u64),
    /// Whether there is heparin to forecast: the plan gives some, or some is still in the body.
    visible: bool,
    curve: Vec<(f64, Band)>,
    next: Band,
}

/// The What if panel's state: the plan (a rate per kg of the dosing weight, an optional bolus), the
/// unit it is shown in, and the forecast last drawn for it.
#[derive(Default)]
pub struct WhatIfState {
    unit: RateUnit,
    rate_per_kg: f64,
    bolus: Option<f64>,
    /// The case revision and cursor the plan was set from: a new one resets it to the running rate.
    from: Option<(u64, usize)>,
    drawn: Option<Drawn>,
    /// Predict first, before the learner's choice: the forecast is not shown.
    pub hidden: bool,
}

impl WhatIfState {
    /// The plan, reset to the running rate when the case or the replay time changed.
    fn plan(&mut self, doc: &Document, outlook: &Outlook) -> WhatIf {
        let at = (doc.revision(), doc.cursor());
        if self.from != Some(at) {
            self.from = Some(at);
            self.rate_per_kg = outlook.running_units_per_h.unwrap_or(0.0) / outlook.dosing_weight_kg;
            self.bolus = None;
        }
        WhatIf {
            rate_units_per_h: self.rate_per_kg * outlook.dosing_weight_kg,
            bolus_units: self.bolus,
        }
    }

    /// The forecast for the plan: computed when the plan, the case or the replay time changed.
    fn forecast(&mut self, doc: &Document, outlook: &Outlook) -> &Drawn {
        let plan = self.plan(doc, outlook);
        let key = (
            doc.revision(),
            doc.cursor(),
            plan.rate_units_per_h.to_bits(),
            plan.bolus_units.unwrap_or(0.0).to_bits(),
        );
        if self.drawn.as_ref().is_some_and(|d| d.key != key) {
            self.drawn = None;
        }
        self.drawn.get_or_insert_with(|| {
            let curve = outlook.curve_at(plan, curve_hours());
            let in_body = curve.first().is_some_and(|(_, b)| b.median >= MIN_LEVEL_DRAWN);
            Drawn {
                key,
                visible: plan.rate_units_per_h > 0.0 || plan.bolus_units.is_some() || in_body,
                curve,
                next: outlook.band_at(plan, outlook.next_anti_xa),
            }
        })
    }
}

/// "0.42 (0.28–0.61)": the median of the true level and the 90% interval of a measured result.
fn band_text(b: &Band) -> String {
    format!("{} ({}–{})", num(b.median, 2), num(b.obs_p05, 2), num(b.obs_p95, 2))
}

/// The colour the forecast is drawn in: its own, or grey when the back-test discredits it.
fn forecast_colour(doc: &Document) -> Color32 {
    if doc.forecasting().discredited().is_some() {
        theme::muted()
    } else {
        theme::forecast()
    }
}

/// "provisional model" while the prior is provisional, "model" once a published one replaces it.
fn model_words(doc: &Document) -> &'static str {
    match doc.forecasting().outlook() {
        Ok(o) if !o.provisional => "model",
        _ => "provisional model",
    }
}

/// The legend entries of the forecast on the anti-Xa plot.
pub fn legend_entries(doc: &Document, state: &WhatIfState) -> Vec<(&'static str, Color32, String)> {
    if state.hidden || doc.forecasting().outlook().is_err() {
        return Vec::new();
    }
    let colour = forecast_colour(doc);
    let greyed = if doc.forecasting().discredited().is_some() {
        " — greyed: it does not beat the last value on this patient"
    } else {
        ""
    };
    vec![
        ("┄", colour, format!("forecast, {}{greyed}", model_words(doc))),
        ("▇", colour.gamma_multiply(0.6), "90% true level".to_owned()),
        ("▇", colour.gamma_multiply(0.3), "90% next result".to_owned()),
    ]
}

/// Draws the forecast into the anti-Xa plot: the wider band of a measured result, the band of the true
/// level, the median dashed. Each band is drawn as one quadrilateral per step (a filled polygon must be
/// convex).
pub fn forecast_items(plot: &mut PlotUi<'_>, doc: &Document, state: &mut WhatIfState) {
    let Ok(outlook) = doc.forecasting().outlook() else {
        return;
    };
    if state.hidden {
        return;
    }
    let colour = forecast_colour(doc);
    let drawn = state.forecast(doc, outlook);
    if !drawn.visible {
        return;
    }
    let band = |plot: &mut PlotUi<'_>, lo: fn(&Band) -> f64, hi: fn(&Band) -> f64, alpha: f32| {
        for w in drawn.curve.windows(2) {
            let [(x0, b0), (x1, b1)] = [w[0], w[1]];
            let quad = vec![[x0, lo(&b0)], [x1, lo(&b1)], [x1, hi(&b1)], [x0, hi(&b0)]];
            plot.polygon(
                Polygon::new("", PlotPoints::from(quad))
                    .fill_color(colour.gamma_multiply(alpha))
                    .stroke(egui::Stroke::NONE),
            );
        }
    };
    band(plot, |b| b.obs_p05, |b| b.obs_p95, 0.12);
    band(plot, |b| b.p05, |b| b.p95, 0.22);
    let median: Vec<[f64; 2]> = drawn.curve.iter().map(|(x, b)| [*x, b.median]).collect();
    plot.line(
        egui_plot::Line::new("forecast median (provisional model)", PlotPoints::from(median))
            .color(colour)
            .width(2.0)
            .style(LineStyle::dashed_loose()),
    );
}

/// The highest value the forecast reaches (for the plot's y range).
pub fn forecast_top(doc: &Document, state: &mut WhatIfState) -> Option<f64> {
    let outlook = doc.forecasting().outlook().ok().filter(|_| !state.hidden)?;
    let drawn = state.forecast(doc, outlook);
    if !drawn.visible {
        return None;
    }
    drawn.curve.iter().map(|(_, b)| b.obs_p95).reduce(f64::max)
}

/// Where the drawn forecast ends on the time axis (hours from the case start), if one is drawn.
pub fn forecast_end_x(doc: &Document, state: &mut WhatIfState) -> Option<f64> {
    let outlook = doc.forecasting().outlook().ok().filter(|_| !state.hidden)?;
    let drawn = state.forecast(doc, outlook);
    drawn.visible.then(|| drawn.curve.last().map(|(x, _)| *x)).flatten()
}

/// The What if panel.
pub fn whatif_ui(ui: &mut egui::Ui, doc: &Document, state: &mut WhatIfState, commands: &mut Vec<Command>) {
    ui.label(RichText::new(format!("What if — anti-Xa forecast ({})", model_words(doc))).strong());
    if state.hidden {
        ui.label(
            RichText::new("Shown after your choice (Predict first): guess the next anti-Xa on the card first")
                .color(theme::muted()),
        );
        return;
    }
    let outlook = match doc.forecasting().outlook() {
        Ok(o) => o,
        Err(why) => {
            ui.label(RichText::new(format!("No forecast: {why}")).color(theme::muted()));
            return;
        }
    };
    if let Some(why) = doc.forecasting().discredited() {
        ui.colored_label(theme::caution(), format!("! Not to be relied on: {why}"));
    }
    state.plan(doc, outlook);
    rate_ui(ui, doc, state, outlook.dosing_weight_kg);
    bolus_ui(ui, doc, state);
    let drawn = state.forecast(doc, outlook);
    ui.label(
        RichText::new(format!(
            "Predicted next anti-Xa at {}: {} units/mL",
            outlook.next_anti_xa.for_people(doc.as_of()),
            band_text(&drawn.next)
        ))
        .strong()
        .color(forecast_colour(doc)),
    );
    ui.label(
        RichText::new(format!(
            "Median of the true level; in brackets the 90% interval of a measured result (true level \
             {}–{}). Fitted to {} anti-Xa result(s).",
            num(drawn.next.p05, 2),
            num(drawn.next.p95, 2),
            outlook.samples_used
        ))
        .small()
        .color(theme::muted()),
    );
    // Only where the protocol's own advice is a heparin rate: no rate to copy while it says confirm the
    // weight, switch to a DTI, hold or measure first.
    let r = &doc.analysis().recommendation;
    let heparin_advised = r.heparin_rate().is_some();
    ui.horizontal(|ui| {
        let button = ui.add_enabled(heparin_advised, egui::Button::new("Use this rate in the entry form"));
        let button = if heparin_advised {
            button
                .on_hover_text("Fills the Timeline's entry form; nothing is recorded until you check it and press Add")
        } else {
            button.on_disabled_hover_text(format!(
                "The protocol's advice now is not a heparin rate ({}): nothing to copy",
                r.label
            ))
        };
        if button.clicked() {
            commands.push(Command::PrefillHeparinRate((state.rate_per_kg * 10.0).round() / 10.0));
        }
        if ui.button("Back to the running rate").clicked() {
            state.from = None;
        }
    });
    // The model's own rate to the target lives here, not on the card (issue 28: one rate per card).
    if let Some(line) = doc.forecasting().model_rate_line() {
        ui.label(RichText::new(line).small().color(theme::forecast()));
    }
    for w in outlook.warnings.iter().filter(|w| !w.starts_with("provisional model")) {
        ui.label(RichText::new(format!("! {w}")).small().color(theme::caution()));
    }
}

/// The rate in the chosen unit, on a slider up to the protocol's warning limit; a typed value may go
/// beyond it, never beyond the hard limit (said when reached).
fn rate_ui(ui: &mut egui::Ui, doc: &Document, state: &mut WhatIfState, kg: f64) {
    let protocol = doc.protocol();
    let concentration = protocol.ufh.concentration_units_per_ml.value.value();
    let limits = &protocol.plausibility;
    let max_per_kg = limits.ufh_rate_ceiling_units_per_kg_per_h(kg);
    let warn_per_kg = limits.ufh_rate_units_per_kg_per_h.soft_max.map(|m| m.value());
    let slider_end = warn_per_kg.unwrap_or(SLIDER_MAX_FALLBACK).min(max_per_kg);
    ui.horizontal(|ui| {
        ui.label("Rate in");
        for unit in [RateUnit::PerKgPerHour, RateUnit::PerHour, RateUnit::MlPerHour] {
            ui.selectable_value(&mut state.unit, unit, unit.label());
        }
    });
    let factor = match state.unit {
        RateUnit::PerKgPerHour => 1.0,
        RateUnit::PerHour => kg,
        RateUnit::MlPerHour => kg / concentration,
    };
    let mut shown = state.rate_per_kg * factor;
    let decimals = if state.unit == RateUnit::PerHour { 0 } else { 1 };
    let slider = egui::Slider::new(&mut shown, 0.0..=slider_end * factor)
        .clamping(egui::SliderClamping::Never)
        .text("what-if rate")
        .custom_formatter(move |v, _| num(v, decimals).to_string())
        .custom_parser(|text| text.trim().parse().ok());
    if ui.add(slider).changed() {
        state.rate_per_kg = (shown / factor).clamp(0.0, max_per_kg);
    }
    ui.label(
        RichText::new(format!(
            "= {} units/kg/h · {} units/h · {} mL/h ({}) for {} kg",
            num(state.rate_per_kg, 1),
            num(state.rate_per_kg * kg, 0),
            num(state.rate_per_kg * kg / concentration, 1),
            protocol.ufh.concentration_label,
            num(kg, 1)
        ))
        .small()
        .color(theme::muted()),
    );
    if state.rate_per_kg >= max_per_kg - 1e-9 {
        ui.colored_label(
            theme::caution(),
            format!(
                "! At the protocol's hard limit ({} units/kg/h = {} units/h): {}",
                num(max_per_kg, 1),
                num(max_per_kg * kg, 0),
                limits.ufh_rate_units_per_kg_per_h.source
            ),
        );
    } else if let Some(warn) = warn_per_kg.filter(|w| state.rate_per_kg > *w) {
        ui.colored_label(
            theme::caution(),
            format!("! Above {} units/kg/h the protocol warns: check the rate", num(warn, 1)),
        );
    }
}

/// The optional bolus given at the replay time.
fn bolus_ui(ui: &mut egui::Ui, doc: &Document, state: &mut WhatIfState) {
    let cap = doc.protocol().ufh.bolus_cap.max_units.value();
    ui.horizontal(|ui| {
        let mut on = state.bolus.is_some();
        if ui.checkbox(&mut on, "with a bolus now of").changed() {
            state.bolus = on.then_some(state.bolus.unwrap_or(2000.0_f64.min(cap)));
        }
        if let Some(units) = &mut state.bolus {
            ui.add(
                egui::DragValue::new(units)
                    .range(0.0..=cap)
                    .speed(100.0)
                    .suffix(" units"),
            );
        }
    });
}

/// The back-test on this patient: at each anti-Xa, the forecast made from the history before it, the
/// measured result, the error and whether it fell in the interval, and the same for the baseline.
pub fn backtest_ui(ui: &mut egui::Ui, doc: &Document) {
    ui.label(RichText::new("Back-test on this patient").strong());
    let pairs: &[BacktestPair] = match doc.forecasting().backtest_until(doc.as_of()) {
        Ok(Some(pairs)) => pairs,
        Ok(None) => {
            ui.label(RichText::new("computing…").color(theme::muted()));
            return;
        }
        Err(why) => {
            if !why.is_empty() {
                ui.label(RichText::new(format!("None: {why}")).color(theme::muted()));
            }
            return;
        }
    };
    let Some(summary) = doc.forecasting().summary() else {
        ui.label(RichText::new("None yet: it needs two anti-Xa results").color(theme::muted()));
        return;
    };
    ui.label(
        RichText::new(format!(
            "{} forecast(s): median error {} units/mL vs {} for the last value scaled by the rate change; \
             the 90% interval held {} of {}",
            summary.n,
            num(summary.median_abs_error, 2),
            summary
                .baseline_median_abs_error
                .map_or("— (no comparable pair)".to_owned(), |b| num(b, 2).to_string()),
            pairs.iter().filter(|p| p.within).count(),
            summary.n
        ))
        .small(),
    );
    // Issue 30: the misfit flag, over the rows that raised it.
    if let Some(why) = doc.forecasting().outlook().ok().and_then(|o| o.misfit.as_deref()) {
        ui.label(RichText::new(format!("⚠ {why}")).small().color(theme::caution()));
    }
    backtest_table_ui(ui, doc, pairs);
}

/// The pairs, newest first, as a table that lays out only the rows in view (a 90-day course has
/// hundreds).
fn backtest_table_ui(ui: &mut egui::Ui, doc: &Document, pairs: &[BacktestPair]) {
    let two = |v: f64| num(v, 2).to_string();
    let small = |ui: &mut egui::Ui, text: String| {
        ui.label(RichText::new(text).small());
    };
    let mut table = TableBuilder::new(ui)
        .id_salt("backtest")
        .striped(true)
        .max_scroll_height(150.0);
    // time, measured, forecast (90%), error, in, last value, error
    for width in [92.0, 56.0, 104.0, 36.0, 34.0, 56.0, 36.0] {
        table = table.column(Column::exact(width));
    }
    table
        .header(18.0, |mut header| {
            for h in [
                "time",
                "measured",
                "forecast (90%)",
                "error",
                "in",
                "last value",
                "error",
            ] {
                header.col(|ui| {
                    ui.label(RichText::new(h).small().strong());
                });
            }
        })
        .body(|body| {
            body.rows(18.0, pairs.len(), |mut row| {
                let p = &pairs[pairs.len() - 1 - row.index()];
                row.col(|ui| small(ui, p.time.for_people(doc.as_of())));
                row.col(|ui| small(ui, two(p.measured)));
                row.col(|ui| {
                    small(
                        ui,
                        format!("{} ({}–{})", two(p.forecast), two(p.obs_p05), two(p.obs_p95)),
                    )
                });
                row.col(|ui| small(ui, two(p.error())));
                // Outside the interval: which side (the misfit rule reads runs of one side).
                let inside = match (p.within, p.measured > p.forecast) {
                    (true, _) => "yes",
                    (false, true) => "no ↑",
                    (false, false) => "no ↓",
                };
                row.col(|ui| small(ui, inside.to_owned()));
                row.col(|ui| small(ui, p.baseline.map_or("—".to_owned(), two)));
                row.col(|ui| small(ui, p.baseline_error().map_or("—".to_owned(), two)));
            });
        });
}
