//! DTI titration relative to the patient's own target (clinical reference §8, rev 2): below the lower
//! bound by more than the margin (0.2 × baseline) → the large step; by up to it → the small step; in
//! target → no change; above the upper bound → hold and decrease; above the absolute cap → stop and call.
//! So the "no change" band is always exactly the target on the card, and an aPTT below the lower bound is
//! never "in range". At argatroban rates below 0.5 mcg/kg/min an increase is at most +50%; a decrease
//! floors at the protocol's minimum rate (then the caller makes it a hold with a call).

use super::section::{DtiSteps, Step, section};
use super::target::ApttTarget;
use crate::dosing::rate::{DoseRate, Rate, RateUnit};
use crate::model::{Minutes, Seconds, num};
use crate::protocol::{DtiDrug, Protocol};

/// Where an aPTT lies against a DTI target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtiBand {
    /// Below the lower bound by more than the margin.
    FarBelow,
    /// Below the lower bound by up to the margin (bivalirudin: any amount below).
    NearBelow,
    InTarget,
    /// Above the upper bound: hold and decrease (argatroban), or decrease (bivalirudin).
    AboveTarget,
    /// Above the hold threshold (bivalirudin: hold 1 h, then the larger decrease).
    AboveHold,
    /// Above the absolute cap (argatroban > 100 s): stop and call.
    AboveCap,
}

/// One titration step.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiTitration {
    pub band: DtiBand,
    /// The rate to run after the step (after any hold); `None` when the infusion stops.
    pub new_rate: Option<DoseRate>,
    pub change: Option<Rate>,
    pub hold_min: Minutes,
    pub stop_and_call: bool,
    /// After a stop, the rate to restart at once the aPTT is back below the upper bound.
    pub restart_rate: Option<DoseRate>,
    pub row_text: String,
    /// The requested rate was above the maximum and was capped.
    pub capped_at_max: bool,
    /// The decrease would have gone below the minimum rate: the rate is the minimum.
    pub floored_at_minimum: bool,
    /// An increase at a low rate was limited to the protocol's fraction of the rate.
    pub increase_limited: bool,
}

/// Where an aPTT lies against a DTI's bands for this patient.
fn band_of(protocol: &Protocol, steps: &DtiSteps, aptt: Seconds, target: &ApttTarget, baseline: Seconds) -> DtiBand {
    if steps.above_cap.is_some_and(|(cap, _)| aptt > cap) {
        DtiBand::AboveCap
    } else if steps.above_hold.is_some() && aptt > hold_threshold(protocol, baseline) {
        DtiBand::AboveHold
    } else if aptt > target.high {
        DtiBand::AboveTarget
    } else if aptt >= target.low {
        DtiBand::InTarget
    } else if steps.far_below.is_some() && target.low.value() - aptt.value() > margin(protocol, baseline) {
        DtiBand::FarBelow
    } else {
        DtiBand::NearBelow
    }
}

/// "Just below the target": within this many seconds (0.2 × baseline).
fn margin(protocol: &Protocol, baseline: Seconds) -> f64 {
    protocol.dti.titration_margin_baseline_fraction.value.value() * baseline.value()
}

/// The DTI hold threshold: 3 × baseline or 100 s, whichever is lower.
fn hold_threshold(protocol: &Protocol, baseline: Seconds) -> Seconds {
    let h = &protocol.dti.hold_above;
    h.ratio.of(baseline).min(h.max_s)
}

/// A step in words: "+0.25 mcg/kg/min", "−20%", "no change".
fn step_text(step: Step, unit: RateUnit) -> String {
    match step {
        Step::By(v) => Rate { value: v, unit }.signed(),
        Step::Percent(0.0) => "no change".to_owned(),
        Step::Percent(v) => format!("{}{}%", if v > 0.0 { "+" } else { "−" }, num(v.abs(), 0)),
    }
}

/// A band's step, hold and words.
fn band_step(
    protocol: &Protocol,
    steps: &DtiSteps,
    band: DtiBand,
    target: &ApttTarget,
    baseline: Seconds,
) -> (Step, Minutes, String) {
    let (t_low, t_high) = (target.low.shown(), target.high.shown());
    match band {
        DtiBand::FarBelow => (
            steps.far_below.unwrap_or(steps.near_below),
            Minutes::ZERO,
            format!(
                "aPTT below {t_low} s by more than {} s (0.2 × baseline)",
                num(margin(protocol, baseline), 1)
            ),
        ),
        DtiBand::NearBelow if steps.far_below.is_some() => (
            steps.near_below,
            Minutes::ZERO,
            format!("aPTT below {t_low} s by up to {} s", num(margin(protocol, baseline), 1)),
        ),
        DtiBand::NearBelow => (steps.near_below, Minutes::ZERO, format!("aPTT below {t_low} s")),
        DtiBand::InTarget => (
            match steps.near_below {
                Step::By(_) => Step::By(0.0),
                Step::Percent(_) => Step::Percent(0.0),
            },
            Minutes::ZERO,
            format!("aPTT {t_low}–{t_high} s (the target)"),
        ),
        DtiBand::AboveHold => {
            let (step, hold) = steps
                .above_hold
                .unwrap_or((steps.above_target, steps.above_target_hold));
            (
                step,
                hold,
                format!(
                    "aPTT above {} s (3 × baseline or 100 s)",
                    hold_threshold(protocol, baseline).shown()
                ),
            )
        }
        DtiBand::AboveTarget | DtiBand::AboveCap => (
            steps.above_target,
            steps.above_target_hold,
            match steps.above_cap {
                Some((cap, _)) => format!("aPTT above {t_high} s (up to the {} s cap)", cap.shown()),
                None => format!("aPTT above {t_high} s"),
            },
        ),
    }
}

/// A running DTI titrated by the aPTT (rounded to 1 s) against the patient's target: the one titration
/// for every DTI, over its section's table (`section`). `None` for a heparin rate.
#[must_use]
pub fn titrate_dti(
    protocol: &Protocol,
    aptt: Seconds,
    current: DoseRate,
    target: &ApttTarget,
    baseline: Seconds,
) -> Option<DtiTitration> {
    let drug = current.drug().as_dti()?;
    let sec = section(protocol, drug);
    let steps = &sec.steps;
    let unit = current.unit();
    let band = band_of(protocol, steps, aptt, target, baseline);
    let t_high = target.high.shown();
    if let (DtiBand::AboveCap, Some((cap, fraction))) = (band, steps.above_cap) {
        let restart = current.times_rounded(fraction.value());
        return Some(DtiTitration {
            band,
            new_rate: None,
            change: None,
            hold_min: Minutes::ZERO,
            stop_and_call: true,
            restart_rate: Some(restart),
            row_text: format!(
                "aPTT > {} s (absolute cap): stop the infusion and call; restart at {}% ({}) once the aPTT is below {t_high} s",
                cap.shown(),
                num(fraction.value() * 100.0, 0),
                restart
            ),
            capped_at_max: false,
            floored_at_minimum: false,
            increase_limited: false,
        });
    }
    let (step, hold, band_text) = band_step(protocol, steps, band, target, baseline);
    let mut increase_limited = false;
    // No change keeps the running rate exactly: rounding it to the shown precision would be a change
    // nobody asked for (0.0835 → 0.08 read as a decrease; found by the titration property).
    let requested = match step {
        _ if step.is_none() => current,
        Step::By(by) => {
            let mut wanted = by;
            if let Some((below, fraction)) = steps.small_rate
                && by > 0.0
                && current.value() < below.value()
            {
                let limit = current.value() * fraction.value();
                if by > limit {
                    wanted = limit;
                    increase_limited = true;
                }
            }
            current.stepped_rounded(wanted)
        }
        Step::Percent(p) => current.times_rounded(1.0 + p / 100.0),
    };
    // An increase never comes out lower: a tiny running rate (0.003 mcg/kg/min) limited to a fraction of
    // itself and rounded to the shown precision read 0 — a decrease (found by the titration property).
    let requested = if !step.is_decrease() && requested.value() < current.value() {
        current
    } else {
        requested
    };
    let capped_at_max = sec.maximum.is_some_and(|(max, _)| requested.value() > max.value());
    let floored_at_minimum = step.is_decrease() && requested.value() < sec.minimum.value();
    let new_rate = if floored_at_minimum {
        if sec.minimum.value() < current.value() {
            sec.minimum
        } else {
            current
        }
    } else {
        match sec.maximum {
            Some((max, _)) if requested.value() > max.value() => max,
            _ => requested,
        }
    };
    let step_words = step_text(step, unit);
    let action = if hold.value() > 0.0 {
        format!("hold {} min, then {step_words}", hold.shown())
    } else {
        step_words
    };
    let row_text = match steps.column_note {
        Some(column) => format!("{band_text}: {action} ({column})"),
        None => format!("{band_text}: {action}"),
    };
    Some(DtiTitration {
        band,
        new_rate: Some(new_rate),
        change: new_rate.tagged().change_from(current.tagged()),
        hold_min: hold,
        stop_and_call: false,
        restart_rate: None,
        row_text,
        capped_at_max,
        floored_at_minimum,
        increase_limited,
    })
}

/// One row of a DTI titration table for this patient's target, as shown in the dosing tools.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiTableRow {
    pub band: DtiBand,
    pub aptt: String,
    /// The change in the protocol's column (argatroban: critically ill; bivalirudin: percent).
    pub change: String,
    /// The table's other column, when it has two (argatroban: normal hepatic function); empty otherwise.
    pub change_other_column: String,
    pub hold: String,
}

/// A DTI's table for a target and baseline: the bands the titration reads, in seconds, from its section.
#[must_use]
pub fn dti_table(protocol: &Protocol, drug: DtiDrug, target: &ApttTarget, baseline: Seconds) -> Vec<DtiTableRow> {
    let sec = section(protocol, drug);
    let steps = &sec.steps;
    let unit = sec.minimum.unit();
    let text = |s: Step| step_text(s, unit);
    let other = |i: usize| steps.other_column.map_or(String::new(), |c| text(c[i]));
    let hold_text = |m: Minutes| {
        if m.value() > 0.0 {
            format!("hold {} min", m.shown())
        } else {
            String::new()
        }
    };
    let (low, high) = (target.low.value(), target.high.value());
    let mut rows = Vec::new();
    let below_from = match steps.far_below {
        Some(far) => {
            let m = margin(protocol, baseline);
            rows.push(DtiTableRow {
                band: DtiBand::FarBelow,
                aptt: format!("< {} s", num(low - m, 1)),
                change: text(far),
                change_other_column: other(0),
                hold: String::new(),
            });
            format!("{}–< {} s", num(low - m, 1), num(low, 1))
        }
        None => format!("< {} s", num(low, 1)),
    };
    rows.push(DtiTableRow {
        band: DtiBand::NearBelow,
        aptt: below_from,
        change: text(steps.near_below),
        change_other_column: other(1),
        hold: String::new(),
    });
    let no_change = "no change".to_owned();
    rows.push(DtiTableRow {
        band: DtiBand::InTarget,
        aptt: format!("{}–{} s (target)", num(low, 1), num(high, 1)),
        change: no_change.clone(),
        change_other_column: if steps.other_column.is_some() {
            no_change
        } else {
            String::new()
        },
        hold: String::new(),
    });
    // Above the target: up to the cap, or up to the hold threshold.
    let upper = match (steps.above_cap, steps.above_hold) {
        (Some((cap, _)), _) => (high < cap.value()).then(|| num(cap.value(), 0).to_string()),
        (None, Some(_)) => Some(num(hold_threshold(protocol, baseline).value(), 1).to_string()),
        (None, None) => None,
    };
    match upper {
        Some(upper) => rows.push(DtiTableRow {
            band: DtiBand::AboveTarget,
            aptt: format!("> {}–{upper} s", num(high, 1)),
            change: text(steps.above_target),
            change_other_column: other(2),
            hold: hold_text(steps.above_target_hold),
        }),
        None if steps.above_cap.is_none() => rows.push(DtiTableRow {
            band: DtiBand::AboveTarget,
            aptt: format!("> {} s", num(high, 1)),
            change: text(steps.above_target),
            change_other_column: other(2),
            hold: hold_text(steps.above_target_hold),
        }),
        None => {}
    }
    if let Some((step, hold)) = steps.above_hold {
        rows.push(DtiTableRow {
            band: DtiBand::AboveHold,
            aptt: format!("> {} s", num(hold_threshold(protocol, baseline).value(), 1)),
            change: text(step),
            change_other_column: String::new(),
            hold: hold_text(hold),
        });
    }
    if let Some((cap, fraction)) = steps.above_cap {
        rows.push(DtiTableRow {
            band: DtiBand::AboveCap,
            aptt: format!("> {} s", num(cap.value(), 0)),
            change: format!("restart at {}%", num(fraction.value() * 100.0, 0)),
            change_other_column: String::new(),
            hold: "stop and call".to_owned(),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::super::target::dti_target;
    use super::*;
    use crate::model::{McgPerKgPerMin, MgPerKgPerHour};

    /// The one titration, for an argatroban rate.
    fn titrate_argatroban(
        p: &Protocol,
        aptt: Seconds,
        current: McgPerKgPerMin,
        target: &ApttTarget,
        base: Seconds,
    ) -> DtiTitration {
        titrate_dti(p, aptt, DoseRate::Argatroban(current), target, base).unwrap_or_else(|| panic!("a DTI rate"))
    }

    /// The one titration, for a bivalirudin rate.
    fn titrate_bivalirudin(
        p: &Protocol,
        aptt: Seconds,
        current: MgPerKgPerHour,
        target: &ApttTarget,
        base: Seconds,
    ) -> DtiTitration {
        titrate_dti(p, aptt, DoseRate::Bivalirudin(current), target, base).unwrap_or_else(|| panic!("a DTI rate"))
    }

    fn argatroban_target(p: &Protocol, base: Option<Seconds>) -> Option<ApttTarget> {
        dti_target(p, DtiDrug::Argatroban, base)
    }

    fn bivalirudin_target(p: &Protocol, base: Option<Seconds>) -> Option<ApttTarget> {
        dti_target(p, DtiDrug::Bivalirudin, base)
    }

    fn protocol() -> Protocol {
        Protocol::builtin("adult-ecmo").unwrap_or_else(|e| panic!("{e}"))
    }

    fn s(v: f64) -> Seconds {
        Seconds::constant(v)
    }

    #[test]
    fn argatroban_follows_the_patients_target() {
        let p = protocol();
        let base = s(30.0);
        let target = argatroban_target(&p, Some(base)).unwrap_or_else(|| panic!("target"));
        let current = McgPerKgPerMin::constant(1.0);
        let step = |aptt: f64| titrate_argatroban(&p, s(aptt), current, &target, base);
        // Baseline 30 s: target 45–90 s; margin 6 s. This reproduces UMMC's < 40 / 40–45 s bands.
        assert_eq!(step(38.0).band, DtiBand::FarBelow);
        assert!((step(38.0).change.map(|c| c.value).unwrap_or_default() - 0.25).abs() < 1e-12);
        assert_eq!(step(40.0).band, DtiBand::NearBelow, "40 s is 5 s below 45");
        assert_eq!(step(44.0).band, DtiBand::NearBelow);
        assert_eq!(step(45.0).band, DtiBand::InTarget, "the lower bound is in target");
        assert_eq!(step(90.0).band, DtiBand::InTarget);
        let above = step(95.0);
        assert_eq!((above.band, above.hold_min.value()), (DtiBand::AboveTarget, 30.0));
        assert!((above.new_rate.map(|r| r.value()).unwrap_or_default() - 0.75).abs() < 1e-12);
        let stop = step(101.0);
        assert!(stop.stop_and_call && stop.new_rate.is_none());
        assert_eq!(stop.restart_rate.map(|r| r.value()), Some(0.5), "restart at 50%");
        // Baseline 40 s: target 60–100 s; 50 s is 10 s below (> 8 s): the large step, never "in range".
        let base40 = s(40.0);
        let t40 = argatroban_target(&p, Some(base40)).unwrap_or_else(|| panic!("target"));
        let r = titrate_argatroban(&p, s(50.0), McgPerKgPerMin::constant(0.5), &t40, base40);
        assert_eq!(r.band, DtiBand::FarBelow);
        assert_eq!(r.new_rate.map(|r| r.value()), Some(0.75));
    }

    #[test]
    fn argatroban_small_rates_rise_by_half_at_most_and_decreases_floor() {
        let p = protocol();
        let base = s(30.0);
        let target = argatroban_target(&p, Some(base)).unwrap_or_else(|| panic!("target"));
        let up = titrate_argatroban(&p, s(35.0), McgPerKgPerMin::constant(0.2), &target, base);
        assert!(up.increase_limited);
        assert_eq!(up.new_rate.map(|r| r.value()), Some(0.3), "0.2 + 50% = 0.3, not + 0.25");
        let down = titrate_argatroban(&p, s(95.0), McgPerKgPerMin::constant(0.2), &target, base);
        assert!(down.floored_at_minimum, "0.2 − 0.25 would be below the 0.1 minimum");
        assert_eq!(down.new_rate.map(|r| r.value()), Some(0.1));
        let capped = titrate_argatroban(&p, s(30.0), McgPerKgPerMin::constant(9.9), &target, base);
        assert!(capped.capped_at_max && capped.new_rate.map(|r| r.value()) == Some(10.0));
    }

    #[test]
    fn bivalirudin_follows_the_patients_target() {
        let p = protocol();
        let base = s(30.0);
        // ECMO target 1.5–2 × 30 = 45–60 s; hold above min(3 × 30, 100) = 90 s.
        let target = bivalirudin_target(&p, Some(base)).unwrap_or_else(|| panic!("target"));
        let current = MgPerKgPerHour::constant(0.1);
        let step = |aptt: f64| titrate_bivalirudin(&p, s(aptt), current, &target, base);
        assert!((step(40.0).new_rate.map(|r| r.value()).unwrap_or_default() - 0.12).abs() < 1e-12);
        assert_eq!(step(45.0).band, DtiBand::InTarget);
        assert_eq!(step(60.0).band, DtiBand::InTarget);
        assert!((step(70.0).new_rate.map(|r| r.value()).unwrap_or_default() - 0.08).abs() < 1e-12);
        let held = step(95.0);
        assert_eq!((held.band, held.hold_min.value()), (DtiBand::AboveHold, 60.0));
        assert!((held.new_rate.map(|r| r.value()).unwrap_or_default() - 0.06).abs() < 1e-12);
        let floored = titrate_bivalirudin(&p, s(95.0), MgPerKgPerHour::constant(0.03), &target, base);
        assert!(floored.floored_at_minimum);
        assert_eq!(floored.new_rate.map(|r| r.value()), Some(0.02));
    }
}
