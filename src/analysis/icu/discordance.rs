//! Step 3, pair the aPTT with the anti-Xa (clinical reference §4): the latest anti-Xa with the aPTT
//! drawn nearest it within the pairing window, each classified against its target, and the pattern
//! that pair shows (concordant, pseudo-resistance, coagulopathy, supratherapeutic). Without a pair, the
//! monitoring assay's own level. Also flags an anti-Xa that hemolysis or icterus may read falsely low.

use super::super::context::{Cx, Monitor, Reading, StepBasis};
use super::super::pairing::{Level, Pair, classify_level, latest_pair, ufh_aptt_target};
use super::super::types::{FindingCode, StepId, StepStatus};
use super::recognise::Resistance;
use crate::model::{AntiXaAssay, LabKind, num};
use crate::protocol::Source;

/// The pattern behind the latest monitoring result.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pattern {
    pub code: Option<FindingCode>,
    /// Level of the monitoring assay's latest sample.
    pub level: Option<Level>,
    pub reading: Option<Reading>,
    pub pair: Option<Pair>,
}

/// The four patterns of a pair (and the two "follow the anti-Xa" cases): the finding and its meaning.
#[must_use]
pub(super) fn classify_pair(aptt: Level, anti_xa: Level) -> (FindingCode, &'static str) {
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
fn single_assay_code(monitor: Monitor, level: Level) -> FindingCode {
    match (monitor, level) {
        (Monitor::AntiXa { .. }, Level::Below) => FindingCode::AntiXaBelowTarget,
        (Monitor::AntiXa { .. }, Level::InRange) => FindingCode::AntiXaInTarget,
        (Monitor::AntiXa { .. }, Level::Above) => FindingCode::AntiXaAboveTarget,
        (Monitor::Aptt { .. }, Level::Below) => FindingCode::ApttBelowTarget,
        (Monitor::Aptt { .. }, Level::InRange) => FindingCode::ApttInTarget,
        (Monitor::Aptt { .. }, Level::Above) => FindingCode::ApttAboveTarget,
    }
}

/// Recent plasma free hemoglobin or bilirubin above the protocol's limits: the anti-Xa may read low.
fn interference(cx: &mut Cx<'_>) {
    let p = cx.p;
    let d = &p.discordance;
    let max_age = cx.max_age();
    let mut found: Vec<(String, Source)> = Vec::new();
    if let Some(s) = cx.tl.labs.plasma_free_hb.recent(cx.as_of, max_age)
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
}

/// Step 3: pair and classify.
pub(super) fn record(cx: &mut Cx<'_>, monitor: Monitor, hr: Resistance) -> Pattern {
    let p = cx.p;
    let window = p.monitoring.pairing_window_min.value;
    let aptt_target = ufh_aptt_target(p, cx.case.patient.baseline_aptt);
    let xa_target = p.ufh.anti_xa_target.value;
    let source = p.discordance.patterns_source.clone();
    let pair = latest_pair(cx.tl, cx.as_of, window);
    let reading = monitor.latest(cx.tl, cx.as_of);
    let level = reading.and_then(|r| monitor.level(r));

    interference(cx);
    if cx.case.patient.anti_xa_assay == AntiXaAssay::AtSupplemented && hr.suspected {
        cx.warnings.push(
            "The anti-Xa assay adds antithrombin: it can mask resistance due to antithrombin deficiency (NEJM 2021)"
                .to_owned(),
        );
    }

    let mut values = Vec::new();
    let (code, meaning) = match (pair, aptt_target) {
        (Some(pair), Some(at)) => {
            let a = classify_level(pair.aptt.value, at);
            let x = classify_level(pair.anti_xa.value, xa_target);
            values.push(cx.sample_text(LabKind::Aptt, pair.aptt) + &say!(cx, ": {}", a.label()));
            values.push(cx.sample_text(LabKind::AntiXa, pair.anti_xa) + &say!(cx, ": {}", x.label()));
            let (code, meaning) = classify_pair(a, x);
            (Some(code), meaning.to_owned())
        }
        _ => match (reading, level) {
            (Some(r), Some(l)) => {
                values.push(monitor.reading_text(cx, r) + &say!(cx, ": {}", l.label()));
                let meaning = match monitor {
                    Monitor::Aptt { .. } => say!(cx, "aPTT only, {}: no anti-Xa to pair with", l.label()),
                    Monitor::AntiXa { .. } => say!(
                        cx,
                        "anti-Xa only, {}: no aPTT within {} min to pair with",
                        l.label(),
                        window.shown()
                    ),
                };
                (Some(single_assay_code(monitor, l)), meaning)
            }
            (Some(r), None) => {
                values.push(monitor.reading_text(cx, r));
                (None, "no aPTT target: enter the baseline aPTT".to_owned())
            }
            (None, _) => (None, say!(cx, "no {} result yet", monitor.name())),
        },
    };
    if let Some(code) = code {
        let detail = if cx.explain {
            values.join("; ") + " — " + &meaning
        } else {
            String::new()
        };
        cx.finding(code, detail, source.clone());
    }
    let status = match (pair, code) {
        (Some(_), Some(_)) => StepStatus::Met,
        _ => StepStatus::NeedsData,
    };
    let threshold = say!(
        cx,
        "anti-Xa {}–{} units/mL; aPTT {}; pairs within ±{} min",
        xa_target.low.shown(),
        xa_target.high.shown(),
        aptt_target.map_or("target needs a baseline aPTT".to_owned(), |t| say!(
            cx,
            "{}–{} s",
            t.low.shown(),
            t.high.shown()
        )),
        window.shown()
    );
    cx.step(
        StepId::Pair,
        status,
        values,
        StepBasis::new(
            threshold,
            "low/low concordant subtherapeutic; low aPTT + adequate anti-Xa pseudo-resistance; high aPTT + low/in-range anti-Xa coagulopathy; high/high supratherapeutic",
            source,
        ),
        meaning,
    );
    Pattern {
        code,
        level,
        reading,
        pair,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::Detail;
    use super::super::super::tests_support::{analyse, aptt, case_with, free_hb, h, ufh_rate, xa};
    use super::*;

    #[test]
    fn the_six_pair_patterns() {
        use Level::{Above, Below, InRange};
        assert_eq!(classify_pair(Below, Below).0, FindingCode::ConcordantSubtherapeutic);
        assert_eq!(classify_pair(Below, InRange).0, FindingCode::PseudoResistance);
        assert_eq!(classify_pair(Below, Above).0, FindingCode::PseudoResistance);
        assert_eq!(classify_pair(Above, Above).0, FindingCode::Supratherapeutic);
        assert_eq!(classify_pair(Above, Below).0, FindingCode::CoagulopathyDiscordance);
        assert_eq!(classify_pair(Above, InRange).0, FindingCode::CoagulopathyDiscordance);
        assert_eq!(classify_pair(InRange, InRange).0, FindingCode::ConcordantTherapeutic);
        assert_eq!(classify_pair(InRange, Below).0, FindingCode::AntiXaBelowTarget);
        assert_eq!(classify_pair(InRange, Above).0, FindingCode::AntiXaAboveTarget);
    }

    #[test]
    fn a_pair_within_the_window_is_classified_against_both_targets() {
        // Baseline 30 s: aPTT target 45–69 s; ICU anti-Xa target 0.3–0.7.
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.5)), (6, aptt(36.0))]);
        let a = analyse(&c, h(6), Detail::Explained);
        assert!(a.has_finding(FindingCode::PseudoResistance), "{:?}", a.findings);
        assert_eq!(a.steps[2].status, StepStatus::Met);
    }

    #[test]
    fn without_a_pair_the_monitoring_assay_stands_alone() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, xa(0.5)), (9, aptt(36.0))]);
        let a = analyse(&c, h(9), Detail::Explained);
        assert!(a.has_finding(FindingCode::AntiXaInTarget));
        assert_eq!(a.steps[2].status, StepStatus::NeedsData);
    }

    #[test]
    fn hemolysis_flags_the_anti_xa() {
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, free_hb(90.0)), (6, xa(0.2))]);
        assert!(analyse(&c, h(6), Detail::Explained).has_finding(FindingCode::AntiXaInterference));
        let c = case_with(vec![(0, ufh_rate(18.0)), (6, free_hb(50.0)), (6, xa(0.2))]);
        assert!(!analyse(&c, h(6), Detail::Explained).has_finding(FindingCode::AntiXaInterference));
    }
}
