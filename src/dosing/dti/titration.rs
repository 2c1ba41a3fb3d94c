//! DTI titration relative to the patient's own target (clinical reference §8, rev 2): below the lower
//! bound by more than the margin (0.2 × baseline) → the large step; by up to it → the small step; in
//! target → no change; above the upper bound → hold and decrease; above the absolute cap → stop and call.
//! So the "no change" band is always exactly the target on the card, and an aPTT below the lower bound is
//! never "in range". At argatroban rates below 0.5 mcg/kg/min an increase is at most +50%; a decrease
//! floors at the protocol's minimum rate (then the caller makes it a hold with a call).

use super::target::ApttTarget;
use crate::dosing::rate::{DoseRate, Rate, RateUnit};
use crate::model::{McgPerKgPerMin, MgPerKgPerHour, Minutes, Seconds, num};
use crate::protocol::Protocol;

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

/// A running DTI titrated by the aPTT against the patient's target: the one entry point, by the drug the
/// rate is of (each drug's table has its own shape: argatroban's absolute steps by column with a cap and a
/// small-rate limit, bivalirudin's percentages with a hold threshold). `None` for a heparin rate.
#[must_use]
pub fn titrate_dti(
    protocol: &Protocol,
    aptt: Seconds,
    current: DoseRate,
    target: &ApttTarget,
    baseline: Seconds,
) -> Option<DtiTitration> {
    match current {
        DoseRate::Argatroban(r) => Some(titrate_argatroban(protocol, aptt, r, target, baseline)),
        DoseRate::Bivalirudin(r) => Some(titrate_bivalirudin(protocol, aptt, r, target, baseline)),
        DoseRate::Heparin(_) => None,
    }
}

/// Argatroban titration by the aPTT (rounded to 1 s) against the patient's target.
#[must_use]
pub fn titrate_argatroban(
    protocol: &Protocol,
    aptt: Seconds,
    current: McgPerKgPerMin,
    target: &ApttTarget,
    baseline: Seconds,
) -> DtiTitration {
    let a = &protocol.argatroban;
    let t = &a.titration;
    let column = a.titration_column;
    let cap = a.target_max_s.value;
    let margin = protocol.dti.titration_margin_baseline_fraction.value.value() * baseline.value();
    let band = if aptt > cap {
        DtiBand::AboveCap
    } else if aptt > target.high {
        DtiBand::AboveTarget
    } else if aptt >= target.low {
        DtiBand::InTarget
    } else if target.low.value() - aptt.value() > margin {
        DtiBand::FarBelow
    } else {
        DtiBand::NearBelow
    };
    let unit = RateUnit::McgPerKgPerMin;
    let signed = |v: f64| Rate { value: v, unit }.signed();
    let (t_low, t_high) = (target.low.shown(), target.high.shown());
    if band == DtiBand::AboveCap {
        let restart = current.times_rounded(t.above_cap_restart_fraction.value());
        return DtiTitration {
            band,
            new_rate: None,
            change: None,
            hold_min: Minutes::ZERO,
            stop_and_call: true,
            restart_rate: Some(DoseRate::Argatroban(restart)),
            row_text: format!(
                "aPTT > {} s (absolute cap): stop the infusion and call; restart at {}% ({}) once the aPTT is below {t_high} s",
                cap.shown(),
                num(t.above_cap_restart_fraction.value() * 100.0, 0),
                restart
            ),
            capped_at_max: false,
            floored_at_minimum: false,
            increase_limited: false,
        };
    }
    let (step, hold, band_text) = match band {
        DtiBand::FarBelow => (
            t.far_below.of(column),
            Minutes::ZERO,
            format!(
                "aPTT below {t_low} s by more than {} s (0.2 × baseline)",
                num(margin, 1)
            ),
        ),
        DtiBand::NearBelow => (
            t.near_below.of(column),
            Minutes::ZERO,
            format!("aPTT below {t_low} s by up to {} s", num(margin, 1)),
        ),
        DtiBand::InTarget => (0.0, Minutes::ZERO, format!("aPTT {t_low}–{t_high} s (the target)")),
        DtiBand::AboveTarget | DtiBand::AboveHold | DtiBand::AboveCap => (
            t.above_target.of(column),
            t.above_target_hold_min,
            format!("aPTT above {t_high} s (up to the {} s cap)", cap.shown()),
        ),
    };
    let mut wanted = step;
    let mut increase_limited = false;
    if step > 0.0 && current < t.small_rate_below {
        let limit = current.value() * t.small_rate_max_increase_fraction.value();
        if step > limit {
            wanted = limit;
            increase_limited = true;
        }
    }
    let max = a.max_mcg_per_kg_per_min.value;
    let minimum = a.minimum_mcg_per_kg_per_min.value;
    // No change keeps the running rate exactly: rounding it to the shown precision would be a change
    // nobody asked for (0.0835 → 0.08 read as a decrease; found by the titration property).
    let requested = if wanted == 0.0 {
        current
    } else {
        current.stepped_rounded(wanted)
    };
    let capped_at_max = requested > max;
    let floored_at_minimum = step < 0.0 && requested < minimum;
    let new_value = if floored_at_minimum {
        minimum.min(current)
    } else {
        requested.min(max)
    };
    let column_text = match column {
        crate::protocol::ArgatrobanColumn::CriticallyIll => "critically ill column",
        crate::protocol::ArgatrobanColumn::NormalHepatic => "normal hepatic function column",
    };
    let action = if hold.value() > 0.0 {
        format!("hold {} min, then {}", hold.shown(), signed(step))
    } else if step == 0.0 {
        "no change".to_owned()
    } else {
        signed(step)
    };
    DtiTitration {
        band,
        new_rate: Some(DoseRate::Argatroban(new_value)),
        change: Some(Rate {
            value: new_value.value() - current.value(),
            unit,
        }),
        hold_min: hold,
        stop_and_call: false,
        restart_rate: None,
        row_text: format!("{band_text}: {action} ({column_text})"),
        capped_at_max,
        floored_at_minimum,
        increase_limited,
    }
}

/// Bivalirudin titration by the aPTT (rounded to 1 s) against the patient's target and the DTI hold
/// threshold (3 × baseline or 100 s, whichever is lower).
#[must_use]
pub fn titrate_bivalirudin(
    protocol: &Protocol,
    aptt: Seconds,
    current: MgPerKgPerHour,
    target: &ApttTarget,
    baseline: Seconds,
) -> DtiTitration {
    let b = &protocol.bivalirudin;
    let t = &b.titration;
    let hold_at = protocol
        .dti
        .hold_above
        .ratio
        .of(baseline)
        .min(protocol.dti.hold_above.max_s);
    let (t_low, t_high) = (target.low.shown(), target.high.shown());
    let (band, percent, hold, band_text) = if aptt > hold_at {
        (
            DtiBand::AboveHold,
            t.above_hold_percent,
            t.above_hold_hold_min,
            format!("aPTT above {} s (3 × baseline or 100 s)", hold_at.shown()),
        )
    } else if aptt > target.high {
        (
            DtiBand::AboveTarget,
            t.above_target_percent,
            Minutes::ZERO,
            format!("aPTT above {t_high} s"),
        )
    } else if aptt >= target.low {
        (
            DtiBand::InTarget,
            0.0,
            Minutes::ZERO,
            format!("aPTT {t_low}–{t_high} s (the target)"),
        )
    } else {
        (
            DtiBand::NearBelow,
            t.below_target_percent,
            Minutes::ZERO,
            format!("aPTT below {t_low} s"),
        )
    };
    let minimum = b.minimum_mg_per_kg_per_h.value;
    let requested = if percent == 0.0 {
        current
    } else {
        current.times_rounded(1.0 + percent / 100.0)
    };
    let floored_at_minimum = percent < 0.0 && requested < minimum;
    let new_value = if floored_at_minimum {
        minimum.min(current)
    } else {
        requested
    };
    let step = if percent == 0.0 {
        "no change".to_owned()
    } else {
        format!("{}{}%", if percent > 0.0 { "+" } else { "−" }, num(percent.abs(), 0))
    };
    let action = if hold.value() > 0.0 {
        format!("hold {} min, then {step}", hold.shown())
    } else {
        step
    };
    DtiTitration {
        band,
        new_rate: Some(DoseRate::Bivalirudin(new_value)),
        change: Some(Rate {
            value: new_value.value() - current.value(),
            unit: RateUnit::MgPerKgPerHour,
        }),
        hold_min: hold,
        stop_and_call: false,
        restart_rate: None,
        row_text: format!("{band_text}: {action}"),
        capped_at_max: false,
        floored_at_minimum,
        increase_limited: false,
    }
}

/// One row of a DTI titration table for this patient's target, as shown in the dosing tools.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiTableRow {
    pub band: DtiBand,
    pub aptt: String,
    /// The change (argatroban: critically ill column; bivalirudin: percent).
    pub change: String,
    /// Argatroban's normal-hepatic column (empty for bivalirudin).
    pub change_normal_hepatic: String,
    pub hold: String,
}

/// The argatroban table for a target and baseline: the bands the titration reads, in seconds.
#[must_use]
pub fn argatroban_table(protocol: &Protocol, target: &ApttTarget, baseline: Seconds) -> Vec<DtiTableRow> {
    let a = &protocol.argatroban;
    let t = &a.titration;
    let margin = protocol.dti.titration_margin_baseline_fraction.value.value() * baseline.value();
    let (low, high, cap) = (target.low.value(), target.high.value(), a.target_max_s.value.value());
    let unit = RateUnit::McgPerKgPerMin;
    let signed = |v: f64| Rate { value: v, unit }.signed();
    let mut rows = vec![
        DtiTableRow {
            band: DtiBand::FarBelow,
            aptt: format!("< {} s", num(low - margin, 1)),
            change: signed(t.far_below.critically_ill),
            change_normal_hepatic: signed(t.far_below.normal_hepatic),
            hold: String::new(),
        },
        DtiTableRow {
            band: DtiBand::NearBelow,
            aptt: format!("{}–< {} s", num(low - margin, 1), num(low, 1)),
            change: signed(t.near_below.critically_ill),
            change_normal_hepatic: signed(t.near_below.normal_hepatic),
            hold: String::new(),
        },
        DtiTableRow {
            band: DtiBand::InTarget,
            aptt: format!("{}–{} s (target)", num(low, 1), num(high, 1)),
            change: "no change".to_owned(),
            change_normal_hepatic: "no change".to_owned(),
            hold: String::new(),
        },
    ];
    if high < cap {
        rows.push(DtiTableRow {
            band: DtiBand::AboveTarget,
            aptt: format!("> {}–{} s", num(high, 1), num(cap, 0)),
            change: signed(t.above_target.critically_ill),
            change_normal_hepatic: signed(t.above_target.normal_hepatic),
            hold: format!("hold {} min", t.above_target_hold_min.shown()),
        });
    }
    rows.push(DtiTableRow {
        band: DtiBand::AboveCap,
        aptt: format!("> {} s", num(cap, 0)),
        change: format!("restart at {}%", num(t.above_cap_restart_fraction.value() * 100.0, 0)),
        change_normal_hepatic: String::new(),
        hold: "stop and call".to_owned(),
    });
    rows
}

/// The bivalirudin table for a target and baseline.
#[must_use]
pub fn bivalirudin_table(protocol: &Protocol, target: &ApttTarget, baseline: Seconds) -> Vec<DtiTableRow> {
    let t = &protocol.bivalirudin.titration;
    let hold_at = protocol
        .dti
        .hold_above
        .ratio
        .of(baseline)
        .min(protocol.dti.hold_above.max_s);
    let pct = |v: f64| {
        if v == 0.0 {
            "no change".to_owned()
        } else {
            format!("{}{}%", if v > 0.0 { "+" } else { "−" }, num(v.abs(), 0))
        }
    };
    let (low, high) = (target.low.value(), target.high.value());
    vec![
        DtiTableRow {
            band: DtiBand::NearBelow,
            aptt: format!("< {} s", num(low, 1)),
            change: pct(t.below_target_percent),
            change_normal_hepatic: String::new(),
            hold: String::new(),
        },
        DtiTableRow {
            band: DtiBand::InTarget,
            aptt: format!("{}–{} s (target)", num(low, 1), num(high, 1)),
            change: pct(0.0),
            change_normal_hepatic: String::new(),
            hold: String::new(),
        },
        DtiTableRow {
            band: DtiBand::AboveTarget,
            aptt: format!("> {}–{} s", num(high, 1), num(hold_at.value(), 1)),
            change: pct(t.above_target_percent),
            change_normal_hepatic: String::new(),
            hold: String::new(),
        },
        DtiTableRow {
            band: DtiBand::AboveHold,
            aptt: format!("> {} s", num(hold_at.value(), 1)),
            change: pct(t.above_hold_percent),
            change_normal_hepatic: String::new(),
            hold: format!("hold {} min", t.above_hold_hold_min.shown()),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::super::target::{argatroban_target, bivalirudin_target};
    use super::*;

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
