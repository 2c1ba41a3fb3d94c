//! The monitoring plan (clinical reference §11): what the decision asked for, plus the standing items
//! (platelets daily on heparin, antithrombin while resistance persists, anti-Xa first when missing).

use super::context::Cx;
use super::timeline::Agent;
use super::types::{Due, FindingCode, MonitoringItem, Text};

pub(super) fn finish(cx: &mut Cx<'_>) {
    let on_heparin = cx.tl.running(cx.as_of).is_some_and(|s| s.agent() == Agent::Ufh);
    if cx.has_finding(FindingCode::AntiXaUnavailable) {
        cx.monitoring.insert(
            0,
            MonitoringItem {
                test: "anti-Xa (with a paired aPTT)".into(),
                due: Due::Now,
                reason: "no anti-Xa: pseudo-resistance not excluded".into(),
            },
        );
    }
    if on_heparin {
        let interval = cx.p.monitoring.platelets_interval_h.value;
        let due = cx
            .tl
            .labs
            .platelets
            .latest(cx.as_of)
            .map_or(Due::Now, |s| cx.due_at(s.time.after_hours(interval)));
        cx.due("platelets", due, "daily on heparin");
    }
    if cx.has_finding(FindingCode::SuspectedHeparinResistance)
        && let Some(s) = cx.tl.labs.antithrombin.latest(cx.as_of)
    {
        let due = cx.due_at(s.time.after_hours(cx.p.monitoring.at_interval_while_resistant_h.value));
        cx.due("antithrombin", due, "while resistance persists");
    }
    // One line per test, the earliest due first.
    let mut items = std::mem::take(&mut cx.monitoring);
    items.sort_by_key(|a| a.due);
    let mut seen: Vec<(Text, Due)> = Vec::new();
    for item in items {
        if seen.iter().any(|(t, d)| *t == item.test && *d == item.due) {
            continue;
        }
        seen.push((item.test.clone(), item.due));
        cx.monitoring.push(item);
    }
}
