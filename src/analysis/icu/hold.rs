//! Newest result first (clinical reference §5, rev 2): on heparin, a result at or above the hold
//! threshold is acted on at once, whatever its timing and whatever an older result of the other assay
//! says. Thresholds: the anti-Xa nomogram's first hold row; an aPTT above 3 × control or 100 s,
//! whichever is lower. The hold follows the row of the assay that triggered it; if that assay is not the
//! monitoring assay, the monitoring assay is measured now. A paired anti-Xa in target sets the restart
//! rate and asks for INR, fibrinogen, platelets and a repeat aPTT from a non-heparinised line. After an
//! aPTT above 150 s, or an anti-Xa ≥ 1.0 with bleeding risk, there is no timed restart.

use super::super::context::{Cx, Monitor};
use super::super::pairing::{Level, classify_level, heparin_aptt_hold_above};
use super::super::timeline::Sample;
use super::super::types::{Due, HeparinExposure, Recommendation};
use super::ufh_card::{bleeding_reason, hold_rec};
use crate::dosing::ufh;
use crate::model::Anticoagulant;
use crate::model::{AntiXaLevel, Seconds, UnitsPerKgPerHour};

/// Whether an aPTT drawn at `t` also measures dabigatran (its window is open, §14.5): it does not hold on its
/// own.
fn aptt_includes_other(cx: &Cx<'_>, t: crate::model::ClinicalTime) -> bool {
    cx.other_windows
        .iter()
        .any(|w| w.raises == crate::protocol::RaisedAssay::Aptt && w.covers(t))
}

/// A result that triggers a hold, and the row it falls in.
enum Trigger {
    AntiXa(Sample<AntiXaLevel>, usize),
    Aptt(Sample<Seconds>),
}

/// The restart rate after a row's change, floored at the minimum (and whether it was floored).
fn restart_after(cx: &Cx<'_>, current: UnitsPerKgPerHour, change: f64) -> (UnitsPerKgPerHour, bool) {
    let minimum = cx.p.ufh.minimum_rate_units_per_kg_per_h.value;
    let stepped = ufh::shown_rate(current.stepped(change));
    if change < 0.0 && stepped < minimum {
        (minimum.min(current), true)
    } else {
        (stepped, false)
    }
}

/// The newest results of each assay drawn since the running rate began, not stale, at or above the hold
/// threshold.
fn trigger(cx: &Cx<'_>, since: crate::model::ClinicalTime) -> Option<Trigger> {
    let p = cx.p;
    let max_age = cx.max_age().value();
    let fresh = |t: crate::model::ClinicalTime| t > since && cx.as_of.hours_since(t) <= max_age;
    let xa = cx.tl.labs.anti_xa.latest(cx.as_of).filter(|s| fresh(s.time));
    let n = &p.ufh.anti_xa_nomogram;
    let first_hold = n.first_hold_row().map(|(i, _)| i);
    // An anti-Xa that is unreliable or includes another anticoagulant does not hold on its own (§14.5); one
    // that reads low still does.
    let xa = xa.filter(|s| cx.anti_xa_excluded(*s).is_none_or(|e| e.still_holds()));
    let xa_trigger = xa.and_then(|s| {
        let (i, _) = n.row(s.banded.value())?;
        first_hold.filter(|h| i >= *h).map(|_| Trigger::AntiXa(s, i))
    });
    if xa_trigger.is_some() {
        return xa_trigger;
    }
    let window = p.monitoring.pairing_window_min.value.value() as i64;
    // An aPTT that still reflects a DTI just stopped is not a heparin result (§14.1).
    let aptt = cx.tl.labs.aptt.latest(cx.as_of).filter(|s| {
        fresh(s.time)
            && super::super::dti_washout::dti_washout_at(cx, s.time).is_none()
            && !aptt_includes_other(cx, s.time)
    })?;
    // An anti-Xa drawn well after the aPTT (not its pair) has superseded it.
    let superseded = xa
        .or(cx.tl.labs.anti_xa.latest(cx.as_of))
        .is_some_and(|x| x.time.minutes_since(aptt.time) > window);
    let threshold = heparin_aptt_hold_above(p, cx.aptt_range.control);
    (!superseded && aptt.banded > threshold).then_some(Trigger::Aptt(aptt))
}

/// A high aPTT: the coagulopathy labs on record (named, with units) and the ones to draw, with a repeat
/// aPTT from a non-heparinised line.
fn coagulopathy_labs(cx: &mut Cx<'_>, rec: &mut Recommendation) {
    let max_age = cx.max_age();
    let labs = &cx.tl.labs;
    let inr = labs.inr.recent(cx.as_of, max_age);
    let fib = labs.fibrinogen.recent(cx.as_of, max_age);
    let plt = labs.platelets.recent(cx.as_of, max_age);
    let mut on_record = Vec::new();
    if let Some(s) = inr {
        on_record.push(say!(cx, "INR {} at {}", s.value.shown(), s.time));
    }
    if let Some(s) = fib {
        on_record.push(say!(cx, "fibrinogen {} at {}", s.value, s.time));
    }
    if let Some(s) = plt {
        on_record.push(say!(cx, "platelets {} at {}", s.value, s.time));
    }
    if !on_record.is_empty() {
        rec.rationale.push(say!(cx, "on record: {}", on_record.join("; ")));
    }
    cx.due(
        "aPTT (repeat, from a non-heparinised line)",
        Due::Now,
        "high aPTT: decides the restart",
    );
    for (test, missing) in [
        ("INR", inr.is_none()),
        ("fibrinogen", fib.is_none()),
        ("platelets", plt.is_none()),
    ] {
        if missing {
            cx.due(test, Due::Now, "high aPTT: look for a coagulopathy");
        }
    }
}

/// The newest result at or above the hold threshold while heparin runs, in words (for a hold that is
/// not followed by heparin: HIT).
pub(super) fn newest_high_result(cx: &Cx<'_>) -> Option<String> {
    let seg = cx.tl.running(cx.as_of).filter(|s| s.drug() == Anticoagulant::Heparin)?;
    Some(match trigger(cx, seg.start)? {
        Trigger::AntiXa(s, _) => cx.sample_text(crate::model::LabKind::AntiXa, s),
        Trigger::Aptt(s) => cx.sample_text(crate::model::LabKind::Aptt, s),
    })
}

/// The hold, if the newest result calls for one while heparin runs.
pub(super) fn newest_result(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor) -> Option<Recommendation> {
    let seg = cx.tl.running(cx.as_of).filter(|s| s.drug() == Anticoagulant::Heparin)?;
    let current = h.current_rate_units_per_kg_per_h?;
    match trigger(cx, seg.start)? {
        Trigger::AntiXa(s, row) => Some(anti_xa_hold(cx, monitor, current, s, row)),
        Trigger::Aptt(s) => Some(aptt_hold(cx, monitor, current, s)),
    }
}

fn anti_xa_hold(
    cx: &mut Cx<'_>,
    monitor: Monitor,
    current: UnitsPerKgPerHour,
    s: Sample<AntiXaLevel>,
    row_index: usize,
) -> Recommendation {
    let p = cx.p;
    let n = &p.ufh.anti_xa_nomogram;
    let Some(row) = n.rows.get(row_index) else {
        return Recommendation::new(super::super::types::Action::Measure, super::ufh_card::HEPARIN);
    };
    let no_timed = s.banded >= p.ufh.no_timed_restart.anti_xa_from && cx.bleeding.high;
    let (restart, floored) = restart_after(cx, current, row.rate_change_units_per_kg_per_h);
    let mut rec = if no_timed {
        hold_rec(cx, None, None, true)
    } else {
        hold_rec(cx, Some(row.hold_min), Some(restart), floored)
    };
    let band = ufh::band_text(n, row_index, row);
    rec.rationale.push(say!(
        cx,
        "newest result first: {} is at or above the hold threshold ({band}: hold {} min, then {} to {})",
        cx.sample_text(crate::model::LabKind::AntiXa, s),
        row.hold_min.shown(),
        crate::dosing::Rate {
            value: row.rate_change_units_per_kg_per_h,
            unit: crate::dosing::RateUnit::UnitsPerKgPerHour
        }
        .signed(),
        crate::dosing::Rate::ufh(restart)
    ));
    rec.cite(n.source.clone());
    if no_timed {
        rec.rationale.push(say!(
            cx,
            "anti-Xa ≥ {} with high bleeding risk ({}): no timed restart; restart only after a repeat below the hold threshold",
            p.ufh.no_timed_restart.anti_xa_from.shown(),
            bleeding_reason(cx)
        ));
        rec.cite(p.ufh.no_timed_restart.source.clone());
        cx.due(
            monitor.paired_test(),
            Due::At(cx.as_of.after_minutes(row.hold_min)),
            "decides the restart: restart only once below the hold threshold",
        );
    } else {
        if floored {
            rec.rationale.push(say!(
                cx,
                "the row's decrease would go below the minimum rate {}: restart at {} and call",
                p.ufh.minimum_rate_units_per_kg_per_h.value,
                restart
            ));
            rec.cite(p.ufh.minimum_rate_units_per_kg_per_h.source.clone());
        }
        let due = cx.as_of.after_hours(row.recheck_h.plus(row.hold_min.in_hours()));
        cx.due(
            monitor.paired_test(),
            Due::At(due),
            "after the hold and the restart: decides the next step",
        );
    }
    rec
}

fn aptt_hold(cx: &mut Cx<'_>, monitor: Monitor, current: UnitsPerKgPerHour, s: Sample<Seconds>) -> Recommendation {
    let p = cx.p;
    let raschke = &p.ufh.aptt_nomogram;
    let threshold = heparin_aptt_hold_above(p, cx.aptt_range.control);
    let (hold_min, change, recheck) = raschke.first_hold_row().map_or(
        (crate::model::Minutes::ZERO, 0.0, p.monitoring.ufh_recheck_h.value),
        |(_, r)| (r.hold_min, r.rate_change_units_per_kg_per_h, r.recheck_h),
    );
    let window = p.monitoring.pairing_window_min.value;
    // Only a valid anti-Xa sets the restart (§14.5): an excluded one leaves it to the aPTT row.
    let paired = cx
        .tl
        .labs
        .anti_xa
        .nearest(s.time, window, cx.as_of)
        .filter(|x| !cx.anti_xa_interfered(*x));
    let no_timed = s.banded > p.ufh.no_timed_restart.aptt_above_s;
    // With a paired anti-Xa the restart follows it, without escalating (a high aPTT beside a low or
    // in-range anti-Xa is a coagulopathy); without one, the aPTT row's decrease.
    let xa_restart = paired.and_then(|x| {
        let n = &p.ufh.anti_xa_nomogram;
        let (_, row) = n.row(x.banded.value())?;
        Some(restart_after(cx, current, row.rate_change_units_per_kg_per_h.min(0.0)))
    });
    let (restart, floored) = xa_restart.unwrap_or_else(|| restart_after(cx, current, change));
    let mut rec = if no_timed {
        hold_rec(cx, None, None, true)
    } else {
        hold_rec(cx, Some(hold_min), Some(restart), floored)
    };
    rec.rationale.push(say!(
        cx,
        "newest result first: {} is above the hold threshold {} (3 × {} or {}, whichever is lower): hold {} min (Raschke > 3 × control row)",
        cx.sample_text(crate::model::LabKind::Aptt, s),
        threshold,
        cx.aptt_range.control.describe(),
        p.ufh.aptt_hold_above_s.value,
        hold_min.shown()
    ));
    rec.cite(p.ufh.aptt_hold_above_s.source.clone());
    rec.cite(raschke.source.clone());
    if no_timed {
        rec.rationale.push(say!(
            cx,
            "aPTT above {}: no timed restart; restart only after a repeat below {}",
            p.ufh.no_timed_restart.aptt_above_s,
            threshold
        ));
        rec.cite(p.ufh.no_timed_restart.source.clone());
    } else if let Some(x) = paired {
        rec.rationale.push(say!(
            cx,
            "the paired {}: after the hold, restart at {restart}, following the anti-Xa without escalating",
            cx.sample_text(crate::model::LabKind::AntiXa, x)
        ));
        if !(classify_level(x.banded, p.ufh.anti_xa_target.value) == Level::Above) {
            rec.rationale.push(say!(
                cx,
                "a high aPTT with a low or in-range anti-Xa beyond partial discordance: a coagulopathy (factor deficiency, DIC, lupus anticoagulant, hemodilution) — do not escalate heparin"
            ));
            rec.caveats
                .push(say!(cx, "{}", p.discordance.coagulopathy_outcome_caveat.value));
            rec.cite(p.discordance.coagulopathy_outcome_caveat.source.clone());
        }
    } else if floored {
        rec.rationale.push(say!(
            cx,
            "the row's decrease would go below the minimum rate {}: restart at {} and call",
            p.ufh.minimum_rate_units_per_kg_per_h.value,
            restart
        ));
    }
    if monitor.is_anti_xa() && paired.is_none() {
        // The aPTT is not the monitoring assay: measure the anti-Xa now.
        cx.due(
            "anti-Xa (with a paired aPTT)",
            Due::Now,
            "the high aPTT is not the monitoring assay: decides the restart",
        );
    }
    if paired.is_some() || no_timed {
        coagulopathy_labs(cx, &mut rec);
    }
    if !(no_timed || monitor.is_anti_xa() && paired.is_none()) {
        let due = cx.as_of.after_hours(recheck.plus(hold_min.in_hours()));
        cx.due(monitor.paired_test(), Due::At(due), "after the hold and the restart");
    }
    rec
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{analyse, analyse_patient, aptt, case_with, h, ufh_rate, xa};
    use super::super::super::{Action, Detail};
    use crate::model::Minutes;

    #[test]
    fn a_newer_high_aptt_holds_whatever_the_older_anti_xa_says() {
        // Anti-Xa 0.45 in range at 6 h; aPTT 120 s (> 3 × 30) at 20 h, not paired.
        let c = case_with(vec![
            (0, ufh_rate(18.0)),
            (6, xa(0.45)),
            (6, aptt(60.0)),
            (20, aptt(120.0)),
        ]);
        let a = analyse(&c, h(20), Detail::Explained);
        let r = &a.recommendation;
        assert_eq!(r.action, Action::HoldAnticoagulant);
        assert_eq!(
            r.hold_minutes.map(Minutes::value),
            Some(60.0),
            "Raschke > 3 × control row"
        );
        assert_eq!(r.rate.map(|x| x.value()), Some(15.0), "then 18 − 3");
        assert!(
            a.monitoring[0].test.starts_with("anti-Xa"),
            "the monitoring assay now: {:?}",
            a.monitoring
        );
        assert!(
            r.headline().starts_with("Hold heparin 60 min, then 15 units/kg/h"),
            "{}",
            r.headline()
        );
    }

    #[test]
    fn an_aptt_above_150_s_has_no_timed_restart() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.45)), (20, aptt(185.0))]);
        let r = analyse(&c, h(20), Detail::Explained).recommendation;
        assert_eq!(
            (r.action, r.hold_minutes, r.rate),
            (Action::HoldAnticoagulant, None, None)
        );
        assert!(r.call_senior);
    }

    #[test]
    fn the_anti_xa_hold_rows_and_bleeding() {
        // ICU: (0.8, 0.99] hold 30 min −1.5; ≥ 1.0 hold 60 min −3; with high bleeding risk ≥ 1.0 has no
        // timed restart.
        let c = case_with(vec![(0, ufh_rate(18.0)), (7, xa(0.9))]);
        let r = analyse(&c, h(7), Detail::Explained).recommendation;
        assert_eq!(
            (r.hold_minutes.map(Minutes::value), r.rate.map(|x| x.value())),
            (Some(30.0), Some(16.5))
        );
        let c = case_with(vec![(0, ufh_rate(18.0)), (7, xa(1.2))]);
        let r = analyse(&c, h(7), Detail::Explained).recommendation;
        assert_eq!(
            (r.hold_minutes.map(Minutes::value), r.rate.map(|x| x.value())),
            (Some(60.0), Some(15.0))
        );
        let r = analyse_patient(&c, h(7), |p| p.high_bleeding_risk = true).recommendation;
        assert_eq!((r.hold_minutes, r.rate), (None, None));
        // 0.705 is reported as 0.71: above the target, a decrease without a hold.
        let c = case_with(vec![(0, ufh_rate(18.0)), (7, xa(0.705))]);
        let r = analyse(&c, h(7), Detail::Explained).recommendation;
        assert_eq!((r.action, r.rate.map(|x| x.value())), (Action::AdjustUfh, Some(17.0)));
    }

    #[test]
    fn a_hold_that_would_go_below_the_minimum_rate_calls() {
        let c = case_with(vec![(0, ufh_rate(3.0)), (7, xa(1.2))]);
        let r = analyse(&c, h(7), Detail::Explained).recommendation;
        assert_eq!(r.action, Action::HoldAnticoagulant);
        assert_eq!(
            r.rate.map(|x| x.value()),
            Some(2.0),
            "floored at the 2 units/kg/h minimum"
        );
        assert!(r.call_senior);
    }
}
