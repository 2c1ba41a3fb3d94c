//! The value axes the Plots view's time plots and scatter share: a 1-2-5 grid with readable spacing,
//! labelled with the decimals each step needs.

use egui_plot::{GridInput, GridMark};

use crate::present::chart::axes::value_ticks;

/// Value labels at least this far apart on a y axis (egui_plot fades labels closer than 30 px) and on
/// an x axis (closer than 80 px).
pub const VALUE_LABEL_PX: f32 = 30.0;
pub const VALUE_X_LABEL_PX: f32 = 80.0;

/// A value tick's label with the decimals its step needs: 0.5 → "0.5" (egui_plot's own label rounds
/// the decimals of a 0.5 step to none and prints "0" and "0" for 0 and 0.5).
pub fn value_label(value: f64, step: f64) -> String {
    // As many decimals as the step has (0.25 needs two, 0.5 one, 50 none).
    let decimals = (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(6) as usize;
    format!("{value:.decimals$}")
}

/// The value grid: a 1-2-5 step with at least three labels along an axis `length` long, labels at least
/// `min_px` apart (egui_plot hides y labels under 20 px and x labels under 60 px).
pub fn value_grid(length: f32, min_px: f32) -> impl Fn(GridInput) -> Vec<GridMark> {
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
