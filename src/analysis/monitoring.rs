//! The monitoring plan (clinical reference §11, rev 2): what the decision asked for, plus the standing
//! items — platelets daily on heparin (daily until recovery for HIT after a switch to a DTI), antithrombin
//! while resistance persists on heparin (not after a switch), anti-Xa first when it is missing — with no
//! test listed twice within an hour.

use super::context::Cx;
use super::types::{Action, Due, FindingCode, Recommendation, Text};
use crate::model::Anticoagulant;

pub(super) fn finish(cx: &mut Cx<'_>, rec: &Recommendation) {
    let switched = matches!(rec.action, Action::SwitchToArgatroban | Action::SwitchToBivalirudin);
    let on_dti = switched
        || cx
            .tl
            .running(cx.as_of)
            .is_some_and(|s| s.drug() != Anticoagulant::Heparin);
    let on_heparin = !on_dti
        && cx
            .tl
            .running(cx.as_of)
            .is_some_and(|s| s.drug() == Anticoagulant::Heparin);
    if cx.has_finding(FindingCode::AntiXaUnavailable) && !on_dti {
        cx.due_first(
            "anti-Xa (with a paired aPTT)",
            Due::Now,
            "no anti-Xa: pseudo-resistance not excluded",
        );
    }
    if on_dti {
        // No antithrombin monitoring after a switch: a DTI does not need it.
        cx.monitoring.retain(|m| m.test != "antithrombin");
    }
    let interval = cx.p.monitoring.platelets_interval_h.value;
    let platelets_due = cx
        .tl
        .labs
        .platelets
        .latest(cx.as_of)
        .map_or(Due::Now, |s| cx.due_at(s.time.after_hours(interval)));
    if on_heparin {
        cx.due("platelets", platelets_due, "daily on heparin");
    } else if on_dti && cx.has_finding(FindingCode::HitSuspected) {
        cx.due(
            "platelets",
            platelets_due,
            "daily until recovery (HIT: the count guides how long the DTI runs)",
        );
    }
    // After a dose given since the latest level, the post-dose levels (20 min and 12 h, §14.6) are the plan.
    let dosed_since_level =
        |level: crate::model::ClinicalTime| cx.tl.at_doses_until(cx.as_of).last().is_some_and(|d| d.time > level);
    if on_heparin
        && cx.has_finding(FindingCode::SuspectedHeparinResistance)
        && let Some(s) = cx.tl.labs.antithrombin.latest(cx.as_of)
        && !dosed_since_level(s.time)
    {
        let due = cx.due_at(s.time.after_hours(cx.p.monitoring.at_interval_while_resistant_h.value));
        cx.due("antithrombin", due, "while resistance persists");
    }
    // The post-dose antithrombin levels stay in the plan until drawn, whatever branch decided (§14.6).
    if on_heparin && let Some(dose) = cx.tl.at_doses_until(cx.as_of).last().copied() {
        let max_age = cx.max_age();
        for m in cx.p.monitoring.at_recheck_after_dose_min.value.clone() {
            let at = dose.time.after_minutes(m);
            let drawn = cx
                .tl
                .labs
                .antithrombin
                .latest(cx.as_of)
                .is_some_and(|s| s.time >= at.plus_minutes(-10));
            if !drawn && cx.as_of < at.after_hours(max_age) {
                let when = if m.value() >= 60.0 {
                    format!("{} h after the dose", crate::model::num(m.value() / 60.0, 0))
                } else {
                    format!("{} min after the dose", crate::model::num(m.value(), 0))
                };
                let due = cx.due_at(at);
                cx.due("antithrombin", due, when);
            }
        }
    }
    // One line per test within an hour, the earliest due first.
    let mut items = std::mem::take(&mut cx.monitoring);
    items.sort_by_key(|a| a.due);
    let mut seen: Vec<(Text, Due)> = Vec::new();
    for item in items {
        let close = |d: Due| match (d, item.due) {
            (Due::At(a), Due::At(b)) => a.minutes_since(b).abs() < 60,
            (a, b) => a == b,
        };
        if seen.iter().any(|(t, d)| *t == item.test && close(*d)) {
            continue;
        }
        seen.push((item.test.clone(), item.due));
        cx.monitoring.push(item);
    }
}
