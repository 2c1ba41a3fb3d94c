//! Step 3, pair the aPTT with the anti-Xa (clinical reference §4, §9 rev 2): the latest anti-Xa with the
//! aPTT drawn nearest it within the pairing window, each classified against its target — the one heparin
//! aPTT range for the aPTT — and the pattern the pair shows. An aPTT above its range with the anti-Xa in
//! target is *partial* discordance up to the coagulopathy threshold (3 × control or 100 s, whichever is
//! lower): follow the anti-Xa. Without a pair, the monitoring assay's own level. Also flags an anti-Xa
//! that hemolysis or icterus may read falsely low.

use super::super::context::{Cx, Monitor, Reading, StepBasis};
use super::super::pairing::{Level, Pair, classify_level, heparin_aptt_hold_above, latest_pair};
use super::super::types::{FindingCode, StepId, StepStatus};
use super::recognise::Resistance;
use crate::model::{AntiXaAssay, LabKind, num};
use crate::protocol::Source;

/// The pattern behind the latest monitoring result.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pattern {
    pub code: Option<FindingCode>,
    pub reading: Option<Reading>,
    pub pair: Option<Pair>,
}

impl Pattern {
    /// Whether the pattern forbids escalating heparin (pseudo-resistance, coagulopathy).
    pub fn forbids_escalation(self) -> bool {
        matches!(
            self.code,
            Some(FindingCode::PseudoResistance | FindingCode::CoagulopathyDiscordance)
        )
    }
}

/// The patterns of a pair (clinical reference §4, §9): the finding and its meaning. `beyond_partial`:
/// the aPTT is above the coagulopathy threshold (3 × control or 100 s).
#[must_use]
pub(super) fn classify_pair(aptt: Level, anti_xa: Level, beyond_partial: bool) -> (FindingCode, &'static str) {
    match (aptt, anti_xa) {
        (Level::Below, Level::Below) => (
            FindingCode::ConcordantSubtherapeutic,
            "both low: under-dosing or true resistance",
        ),
        (Level::Below, _) => (
            FindingCode::PseudoResistance,
            "low aPTT with adequate anti-Xa: pseudo-resistance (high factor VIII / fibrinogen); do not escalate; monitor by anti-Xa",
        ),
        (Level::Above, Level::Above) => (FindingCode::Supratherapeutic, "both high: reduce or hold per nomogram"),
        (Level::Above, Level::InRange) if !beyond_partial => (
            FindingCode::PartialDiscordance,
            "aPTT above its range with the anti-Xa in target: partial discordance; follow the anti-Xa",
        ),
        (Level::Above, _) => (
            FindingCode::CoagulopathyDiscordance,
            "high aPTT with low or in-range anti-Xa: coagulopathy (factor deficiency, DIC, lupus anticoagulant, hemodilution); do not escalate; check INR and fibrinogen; bleeding and mortality signal",
        ),
        (Level::InRange, Level::InRange) => (FindingCode::ConcordantTherapeutic, "both in range: continue"),
        (Level::InRange, Level::Below) => (
            FindingCode::AntiXaBelowTarget,
            "anti-Xa low with the aPTT in range: follow the anti-Xa",
        ),
        (Level::InRange, Level::Above) => (
            FindingCode::AntiXaAboveTarget,
            "anti-Xa high with the aPTT in range: follow the anti-Xa",
        ),
    }
}

/// The monitoring assay's own level when there is no pair.
fn single_assay_code(reading: Reading, level: Level) -> FindingCode {
    match (reading, level) {
        (Reading::AntiXa(_), Level::Below) => FindingCode::AntiXaBelowTarget,
        (Reading::AntiXa(_), Level::InRange) => FindingCode::AntiXaInTarget,
        (Reading::AntiXa(_), Level::Above) => FindingCode::AntiXaAboveTarget,
        (Reading::Aptt(_), Level::Below) => FindingCode::ApttBelowTarget,
        (Reading::Aptt(_), Level::InRange) => FindingCode::ApttInTarget,
        (Reading::Aptt(_), Level::Above) => FindingCode::ApttAboveTarget,
    }
}

/// Recent plasma free hemoglobin or bilirubin above the protocol's limits: the anti-Xa may read low; an
/// anti-Xa drawn beside it is left out of the decision.
fn interference(cx: &mut Cx<'_>) {
    let p = cx.p;
    let d = &p.discordance;
    let max_age = cx.max_age();
    // Within the pairing window of the latest anti-Xa, or after it (the next one may read low); a level
    // drawn well before the latest anti-Xa says nothing about it (§3 rev 2: ±60 min).
    let window = p.monitoring.pairing_window_min.value;
    let latest_xa = cx.tl.labs.anti_xa.latest(cx.as_of);
    let relevant = |t: crate::model::ClinicalTime| latest_xa.is_none_or(|x| t.after_minutes(window) >= x.time);
    let mut found: Vec<(String, Source)> = Vec::new();
    if let Some(s) = cx.tl.labs.plasma_free_hb.recent(cx.as_of, max_age)
        && relevant(s.time)
        && s.value > d.interference_plasma_free_hb_mg_per_dl.value
    {
        found.push((
            say!(
                cx,
                "plasma free hemoglobin {} mg/dL > {} mg/dL",
                num(s.value.value(), 0),
                num(d.interference_plasma_free_hb_mg_per_dl.value.value(), 0)
            ),
            d.interference_plasma_free_hb_mg_per_dl.source.clone(),
        ));
    }
    if let Some(s) = cx.tl.labs.bilirubin.recent(cx.as_of, max_age)
        && relevant(s.time)
        && s.value > d.interference_bilirubin_mg_per_dl.value
    {
        found.push((
            say!(
                cx,
                "bilirubin {} mg/dL > {} mg/dL",
                num(s.value.value(), 1),
                num(d.interference_bilirubin_mg_per_dl.value.value(), 0)
            ),
            d.interference_bilirubin_mg_per_dl.source.clone(),
        ));
    }
    for (text, src) in found {
        cx.finding(
            FindingCode::AntiXaInterference,
            say!(
                cx,
                "anti-Xa may read falsely low: {text}; do not up-titrate on a low anti-Xa alone"
            ),
            src,
        );
    }
    if let Some(latest) = cx.tl.labs.anti_xa.latest(cx.as_of)
        && let Some(why) = cx.anti_xa_excluded(latest)
    {
        let follows = if why.still_holds() {
            "left out of escalation (a value at the hold threshold still holds); the paired aPTT is read for that sample"
        } else {
            "neither escalates nor holds on its own; heparin is titrated on the aPTT"
        };
        cx.finding(
            FindingCode::AntiXaInterferenceExcluded,
            say!(
                cx,
                "anti-Xa {} at {}: {} — {follows}",
                latest.value,
                latest.time,
                why.reason()
            ),
            "clinical reference §3 [rev 2], §14.5; Khan & Chandler 2019; Kostousov 2014",
        );
    }
}

/// The latest aPTT/anti-Xa pair when the anti-Xa monitors heparin and both assays measure heparin alone: an
/// excluded anti-Xa (§3, §14.5) or an aPTT that includes dabigatran (§14.5) leaves the other read alone.
fn usable_pair(cx: &Cx<'_>, monitor: Monitor) -> Option<super::super::pairing::Pair> {
    latest_pair(cx.tl, cx.as_of, cx.p.monitoring.pairing_window_min.value)
        .filter(|_| monitor.is_anti_xa())
        .filter(|pr| !cx.anti_xa_interfered(pr.anti_xa))
        .filter(|pr| {
            !cx.other_windows
                .iter()
                .any(|w| w.raises == crate::protocol::RaisedAssay::Aptt && w.covers(pr.aptt.time))
        })
}

/// What a single reading means when no pair is read.
fn single_meaning(cx: &Cx<'_>, monitor: Monitor, r: Reading, l: Level, newer_aptt: bool) -> String {
    match r {
        Reading::Aptt(_) if monitor.is_anti_xa() => say!(
            cx,
            "the latest anti-Xa is left out (interference): its paired aPTT, {}",
            l.label()
        ),
        Reading::Aptt(_) => say!(cx, "aPTT only, {}: no usable anti-Xa to pair with", l.label()),
        Reading::AntiXa(_) if newer_aptt => say!(cx, "latest anti-Xa {}", l.label()),
        Reading::AntiXa(_) => say!(
            cx,
            "anti-Xa only, {}: no aPTT within {} min to pair with",
            l.label(),
            cx.p.monitoring.pairing_window_min.value.shown()
        ),
    }
}

/// No reading to classify: none yet, or only the baseline drawn before any anticoagulant (§14.6).
fn no_result(cx: &Cx<'_>, monitor: Monitor, first: Option<crate::model::ClinicalTime>) -> String {
    let baseline_only = cx
        .tl
        .labs
        .aptt
        .latest(cx.as_of)
        .is_some_and(|a| first.is_none_or(|t| a.time < t));
    if baseline_only {
        say!(
            cx,
            "no {} result on anticoagulation yet (the aPTT before it is the baseline)",
            monitor.name()
        )
    } else {
        say!(cx, "no {} result yet", monitor.name())
    }
}

/// Step 3: pair and classify.
pub(super) fn record(cx: &mut Cx<'_>, monitor: Monitor, hr: Resistance) -> Pattern {
    let p = cx.p;
    let window = p.monitoring.pairing_window_min.value;
    let xa_target = p.ufh.anti_xa_target.value;
    let source = p.discordance.patterns_source.clone();
    let pair = usable_pair(cx, monitor);
    // Newest result first (§5 rev 2): an aPTT drawn after the pair's window supersedes the pair.
    let newer_aptt = pair.and_then(|pr| {
        cx.tl
            .labs
            .aptt
            .latest(cx.as_of)
            .filter(|a| a.time > pr.anti_xa.time.after_minutes(window) && a.time > pr.aptt.time)
    });
    let pair = pair.filter(|_| newer_aptt.is_none());
    // An aPTT drawn before any anticoagulant is the baseline, never "below target" (§14.6).
    let first = super::super::context::first_anticoagulant(cx.case, cx.tl, cx.as_of);
    let reading = monitor
        .latest(cx)
        .filter(|r| !matches!(r, Reading::Aptt(a) if first.is_none_or(|t| a.time < t)));
    let level = reading.map(|r| monitor.level(r));

    interference(cx);
    if cx.patient.anti_xa_assay == AntiXaAssay::AtSupplemented && hr.is_suspected() {
        cx.warnings.push(
            "The anti-Xa assay adds antithrombin: it can mask resistance due to antithrombin deficiency (NEJM 2021)"
                .to_owned(),
        );
    }
    let coag_threshold = heparin_aptt_hold_above(p, monitor.aptt.control);
    let mut values = Vec::new();
    let (code, meaning) = match (pair, reading, level) {
        (Some(pair), _, _) => {
            let a = monitor.aptt.level(pair.aptt.banded);
            let x = classify_level(pair.anti_xa.banded, xa_target);
            let beyond = pair.aptt.banded > coag_threshold;
            values.push(cx.sample_text(LabKind::Aptt, pair.aptt) + &say!(cx, ": {}", a.label()));
            values.push(cx.sample_text(LabKind::AntiXa, pair.anti_xa) + &say!(cx, ": {}", x.label()));
            let (code, meaning) = classify_pair(a, x, beyond);
            (Some(code), meaning.to_owned())
        }
        (None, Some(r), Some(l)) => {
            values.push(monitor.reading_text(cx, r) + &say!(cx, ": {}", l.label()));
            (
                Some(single_assay_code(r, l)),
                single_meaning(cx, monitor, r, l, newer_aptt.is_some()),
            )
        }
        _ => (None, no_result(cx, monitor, first)),
    };
    if let Some(code) = code {
        let detail = if cx.explain {
            values.join("; ") + " — " + &meaning
        } else {
            String::new()
        };
        cx.finding(code, detail, source.clone());
    }
    let meaning = match newer_aptt {
        Some(a) => {
            let level = monitor.aptt.level(a.banded);
            let text = cx.sample_text(LabKind::Aptt, a) + &say!(cx, ": {}", level.label());
            cx.finding(
                single_assay_code(Reading::Aptt(a), level),
                if cx.explain {
                    say!(
                        cx,
                        "{text} — newer than the last aPTT/anti-Xa pair: unpaired; pair it with an anti-Xa"
                    )
                } else {
                    String::new()
                },
                source.clone(),
            );
            values.push(text);
            say!(
                cx,
                "{meaning}; the newest aPTT is newer than the last pair: it is read first (step 6); pair it with an anti-Xa"
            )
        }
        None => meaning,
    };
    let status = match (pair, code) {
        (Some(_), Some(_)) => StepStatus::Met,
        _ => StepStatus::NeedsData,
    };
    let threshold = say!(
        cx,
        "anti-Xa {}–{} units/mL; {}; partial discordance up to {} (3 × control or 100 s); pairs within ±{} min",
        xa_target.low.shown(),
        xa_target.high.shown(),
        monitor.aptt.describe(p),
        coag_threshold,
        window.shown()
    );
    cx.step(
        StepId::Pair,
        status,
        values,
        StepBasis::new(
            threshold,
            "low/low concordant subtherapeutic; low aPTT + adequate anti-Xa pseudo-resistance; aPTT above range + anti-Xa in target partial discordance (follow anti-Xa) up to 3 × control or 100 s, beyond it or with a low anti-Xa coagulopathy; high/high supratherapeutic",
            source,
        ),
        meaning,
    );
    Pattern { code, reading, pair }
}

#[cfg(test)]
mod tests {
    use super::super::super::Detail;
    use super::super::super::tests_support::{analyse, aptt, case_with, free_hb, h, ufh_rate, xa};
    use super::*;

    #[test]
    fn the_pair_patterns() {
        use Level::{Above, Below, InRange};
        assert_eq!(
            classify_pair(Below, Below, false).0,
            FindingCode::ConcordantSubtherapeutic
        );
        assert_eq!(classify_pair(Below, InRange, false).0, FindingCode::PseudoResistance);
        assert_eq!(classify_pair(Below, Above, false).0, FindingCode::PseudoResistance);
        assert_eq!(classify_pair(Above, Above, false).0, FindingCode::Supratherapeutic);
        assert_eq!(
            classify_pair(Above, Below, false).0,
            FindingCode::CoagulopathyDiscordance
        );
        assert_eq!(classify_pair(Above, InRange, false).0, FindingCode::PartialDiscordance);
        assert_eq!(
            classify_pair(Above, InRange, true).0,
            FindingCode::CoagulopathyDiscordance
        );
        assert_eq!(
            classify_pair(InRange, InRange, false).0,
            FindingCode::ConcordantTherapeutic
        );
        assert_eq!(classify_pair(InRange, Below, false).0, FindingCode::AntiXaBelowTarget);
        assert_eq!(classify_pair(InRange, Above, false).0, FindingCode::AntiXaAboveTarget);
    }

    #[test]
    fn a_pair_within_the_window_is_classified_against_both_targets() {
        // Baseline 30 s: aPTT range 45–69 s; ICU anti-Xa target 0.3–0.7.
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.5)), (6, aptt(36.0))]);
        let a = analyse(&c, h(6), Detail::Explained);
        assert!(a.has_finding(FindingCode::PseudoResistance), "{:?}", a.findings);
        assert_eq!(a.steps[2].status, StepStatus::Met);
        // aPTT 78 s (2.6 × 30) with anti-Xa 0.62: partial discordance, not coagulopathy.
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.62)), (6, aptt(78.0))]);
        let a = analyse(&c, h(6), Detail::Explained);
        assert!(a.has_finding(FindingCode::PartialDiscordance), "{:?}", a.findings);
    }

    #[test]
    fn without_a_pair_the_monitoring_assay_stands_alone() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.5)), (9, aptt(36.0))]);
        let a = analyse(&c, h(9), Detail::Explained);
        assert!(a.has_finding(FindingCode::AntiXaInTarget));
        assert_eq!(a.steps[2].status, StepStatus::NeedsData);
    }

    #[test]
    fn a_newer_aptt_supersedes_an_older_pair() {
        // The pair at 6 h is in range; the aPTT at 24 h is far above it and unpaired.
        let c = case_with(vec![
            (0, ufh_rate(18.0)),
            (6, xa(0.45)),
            (6, aptt(62.0)),
            (24, aptt(185.0)),
        ]);
        let a = analyse(&c, h(24), Detail::Explained);
        assert!(!a.has_finding(FindingCode::ConcordantTherapeutic), "{:?}", a.findings);
        assert!(a.has_finding(FindingCode::ApttAboveTarget), "{:?}", a.findings);
        assert_eq!(a.steps[2].status, StepStatus::NeedsData);
        assert!(
            a.steps[2].conclusion.contains("newer than the last pair"),
            "{}",
            a.steps[2].conclusion
        );
    }

    #[test]
    fn hemolysis_flags_the_anti_xa_and_leaves_it_out() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, free_hb(90.0)), (6, xa(0.2))]);
        let a = analyse(&c, h(6), Detail::Explained);
        assert!(a.has_finding(FindingCode::AntiXaInterference));
        assert!(a.has_finding(FindingCode::AntiXaInterferenceExcluded));
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, free_hb(50.0)), (6, xa(0.2))]);
        assert!(!analyse(&c, h(6), Detail::Explained).has_finding(FindingCode::AntiXaInterference));
    }
}
