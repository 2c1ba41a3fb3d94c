//! Axes and labels a clinician reads at a glance (issue 14), as pure functions the tests check without a
//! window: time ticks on the clock's 00/06/12/18 with day labels ("5 Jan") and the year in the axis
//! title (both years across New Year); enough value ticks on a short plot; the preset time windows; and
//! label rows for markers close in time (boluses) so that no two labels print over each other.

use crate::model::ClinicalTime;

/// One tick of an axis: where (in the axis's unit) and the spacing of its grid level (the plot fades
/// labels by it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub step: f64,
}

/// The tick spacings a time axis may use, in hours: each divides a day or is whole days, so ticks fall
/// on 00/06/12/18 and midnights.
const TIME_STEPS_H: [f64; 9] = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 96.0, 168.0];

/// The time ticks between `from_h` and `to_h` (hours since `start`) for an axis `width_px` wide, at
/// least `min_label_px` apart: aligned to the local clock (00:00, 06:00, …), not to the case start.
#[must_use]
pub fn time_ticks(start: ClinicalTime, from_h: f64, to_h: f64, width_px: f32, min_label_px: f32) -> Vec<Tick> {
    if to_h.partial_cmp(&from_h) != Some(std::cmp::Ordering::Greater) || width_px <= 0.0 {
        return Vec::new();
    }
    let px_per_h = f64::from(width_px) / (to_h - from_h);
    let step = TIME_STEPS_H
        .into_iter()
        .find(|s| s * px_per_h >= f64::from(min_label_px))
        .unwrap_or(TIME_STEPS_H[TIME_STEPS_H.len() - 1]);
    // Ticks are counted on the wall clock from the midnight before the start, so they stay on 00/06/12/18
    // across a clock change (a 23 h day has a 5 h gap once); the range is found on absolute hours, with
    // a step's margin for the change, and each tick kept only inside it.
    let day = start.start_of_day();
    let midnight = day.hours_since(start);
    let first = ((from_h - midnight) / step).ceil() - 1.0;
    let last = ((to_h - midnight) / step).floor() + 1.0;
    if last - first > 10_000.0 {
        return Vec::new();
    }
    (first as i64..=last as i64)
        .filter_map(|i| day.wall_clock_plus_hours(i * step as i64))
        .map(|t| t.hours_since(start))
        .filter(|h| (from_h..=to_h).contains(h))
        .map(|value| Tick { value, step })
        .collect()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A day as the axes write it: "5 Jan".
#[must_use]
pub fn day_label(t: ClinicalTime) -> String {
    let (_, month, day, _, _) = t.parts();
    let name = MONTHS
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("?");
    format!("{day} {name}")
}

/// The label of a time tick: the day at midnight ("5 Jan"), the clock otherwise ("06:00") — never a
/// bare "01-05", which half the world reads as 1 May.
#[must_use]
pub fn time_label(start: ClinicalTime, hours: f64) -> String {
    let t = start.plus_hours(hours);
    let (_, _, _, hour, minute) = t.parts();
    if hour == 0 && minute == 0 {
        day_label(t)
    } else {
        format!("{hour:02}:{minute:02}")
    }
}

/// The time axis title with the year ("time (2019)"), or both years when the shown span crosses New
/// Year ("time (2018–2019)").
#[must_use]
pub fn time_axis_title(start: ClinicalTime, from_h: f64, to_h: f64) -> String {
    let (first, ..) = start.plus_hours(from_h).parts();
    let (last, ..) = start.plus_hours(to_h).parts();
    if first == last {
        format!("time ({first})")
    } else {
        format!("time ({first}–{last})")
    }
}

/// Ticks for a value axis `height_px` tall: a 1-2-5 step giving at least three labelled ticks on a short
/// plot, never closer than `min_label_px`.
#[must_use]
pub fn value_ticks(from: f64, to: f64, height_px: f32, min_label_px: f32) -> Vec<Tick> {
    if to.partial_cmp(&from) != Some(std::cmp::Ordering::Greater) || height_px <= 0.0 {
        return Vec::new();
    }
    let span = to - from;
    let wanted = (f64::from(height_px) / f64::from(min_label_px)).clamp(3.0, 10.0);
    let raw = span / wanted;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    // Rounding the step up can leave two labels (the scatter's 0–70 s axis read "0, 50", issue 29): then a
    // finer step (…, 5, 2.5, 2, 1, …) while its labels stay at least three quarters of `min_label_px`
    // apart (egui_plot itself hides them only closer than that).
    let count = |step: f64| (to / step).floor() as i64 - (from / step).ceil() as i64 + 1;
    let finer = |step: f64| {
        let m = step / 10f64.powf(step.log10().floor());
        // 2.5 → 2 is ×0.8; every other step halves (10 → 5 → 2.5, 2 → 1).
        if m > 2.25 && m < 4.0 { step * 0.8 } else { step * 0.5 }
    };
    let px_per_unit = f64::from(height_px) / span;
    while count(step) < 3 && finer(step) * px_per_unit >= 0.75 * f64::from(min_label_px) {
        step = finer(step);
    }
    let first = (from / step).ceil() as i64;
    let last = (to / step).floor() as i64;
    (first..=last)
        .map(|i| Tick {
            value: i as f64 * step,
            step,
        })
        .collect()
}

/// A preset time window of the plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeWindow {
    Last24h,
    Last72h,
    Last7d,
    All,
}

impl TimeWindow {
    pub const ALL: [Self; 4] = [Self::Last24h, Self::Last72h, Self::Last7d, Self::All];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Last24h => "24 h",
            Self::Last72h => "72 h",
            Self::Last7d => "7 d",
            Self::All => "all",
        }
    }

    /// The x range it shows: the window ending just after the as-of time, or everything from the first
    /// relevant point; never starting before `first_h`.
    #[must_use]
    pub fn bounds(self, first_h: f64, as_of_h: f64) -> (f64, f64) {
        let end = as_of_h + 1.0;
        let hours = match self {
            Self::Last24h => 24.0,
            Self::Last72h => 72.0,
            Self::Last7d => 168.0,
            Self::All => return (first_h.min(as_of_h), end),
        };
        ((end - hours).max(first_h.min(as_of_h)), end)
    }
}

/// Label rows for markers at `xs` (sorted) on an axis where a label takes `label_width` in x units:
/// each label goes to the lowest of `rows` rows where it does not touch the previous label; `None` when
/// all rows are taken there (that marker's amount is in its tooltip and in the count of unlabelled
/// markers).
#[must_use]
pub fn stagger_rows(xs: &[f64], label_width: f64, rows: usize) -> Vec<Option<usize>> {
    let mut ends = vec![f64::NEG_INFINITY; rows];
    xs.iter()
        .map(|&x| {
            let row = ends.iter().position(|end| x - label_width / 2.0 >= *end)?;
            ends[row] = x + label_width / 2.0;
            Some(row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: ClinicalTime = ClinicalTime::constant(2019, 1, 1, 12, 0);

    #[test]
    fn time_ticks_fall_on_the_clock_and_midnights_carry_the_day() {
        // Two days on 800 px, labels at least 90 px apart: 6-hourly ticks.
        let ticks = time_ticks(START, 0.0, 48.0, 800.0, 90.0);
        assert!(ticks.iter().all(|t| (t.step - 6.0).abs() < 1e-9), "{ticks:?}");
        let labels: Vec<String> = ticks.iter().map(|t| time_label(START, t.value)).collect();
        assert_eq!(labels[..4], ["12:00", "18:00", "2 Jan", "06:00"], "{labels:?}");
        assert!(labels.contains(&"3 Jan".to_owned()));
        // Ninety days on 1,900 px: whole days or weeks, every tick a day label.
        let long = time_ticks(START, 0.0, 90.0 * 24.0, 1900.0, 90.0);
        assert!(long.len() <= 1900 / 90 + 1, "{}", long.len());
        assert!(long.iter().all(|t| time_label(START, t.value).contains(' ')));
        assert!(time_ticks(START, 5.0, 5.0, 800.0, 90.0).is_empty());
    }

    #[test]
    fn the_axis_title_carries_the_year_and_both_across_new_year() {
        assert_eq!(time_axis_title(START, 0.0, 48.0), "time (2019)");
        let december = ClinicalTime::constant(2018, 12, 30, 8, 0);
        assert_eq!(time_axis_title(december, 0.0, 72.0), "time (2018–2019)");
    }

    #[test]
    fn a_short_value_axis_still_has_three_labelled_ticks() {
        // aPTT 0–150 s on a 100-px plot.
        let ticks = value_ticks(0.0, 150.0, 100.0, 24.0);
        assert!(ticks.len() >= 3, "{ticks:?}");
        assert!(ticks.iter().all(|t| t.value % t.step == 0.0));
        // anti-Xa 0–1.05 units/mL on 200 px: 0.2 steps or finer.
        let xa = value_ticks(0.0, 1.05, 200.0, 24.0);
        assert!(xa.len() >= 5 && xa[0].step <= 0.2 + 1e-12, "{xa:?}");
        // The scatter's aPTT axis at 1024 px (about 0–70 s on 190 px, labels 80 px apart) read "0, 50".
        let narrow = value_ticks(0.0, 70.0, 190.0, 80.0);
        assert!(narrow.len() >= 3, "{narrow:?}");
    }

    #[test]
    fn preset_windows_end_at_the_as_of_time_and_never_start_before_the_data() {
        assert_eq!(TimeWindow::Last24h.bounds(0.0, 100.0), (77.0, 101.0));
        assert_eq!(TimeWindow::Last7d.bounds(0.0, 100.0), (0.0, 101.0));
        assert_eq!(TimeWindow::All.bounds(3.0, 100.0), (3.0, 101.0));
    }

    #[test]
    fn labels_close_in_time_go_to_other_rows_and_the_rest_are_counted() {
        // Four boluses within an hour, labels 3 h wide, two rows.
        let rows = stagger_rows(&[10.0, 10.5, 11.0, 20.0, 20.2], 3.0, 2);
        assert_eq!(rows, [Some(0), Some(1), None, Some(0), Some(1)]);
        assert_eq!(stagger_rows(&[0.0, 10.0], 3.0, 2), [Some(0), Some(0)], "apart: one row");
    }
}
