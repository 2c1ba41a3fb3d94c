//! Step 2, recognise heparin resistance (clinical reference §3): R1 (units in 24 h), R2 (mean
//! weight-based rate), R3 (consecutive monitoring results below target on heparin). Suspected resistance
//! is a high dose (R1 or R2) with the target not reached (R3); a high dose alone is not resistance.

use super::super::context::{Cx, Monitor, Readings, StepBasis};
use super::super::pairing::Level;
use super::super::types::{FindingCode, HeparinExposure, StepId, StepStatus};
use crate::model::{AgeGroup, UnitsPerKgPerHour, num};
use crate::protocol::Sourced;

/// Heparin-resistance criteria at the as-of time.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Resistance {
    /// (R1 or R2) and R3.
    pub suspected: bool,
}

/// The criteria themselves, before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Criteria {
    r1: bool,
    r2: bool,
    /// `None` when the monitoring assay has no target (an aPTT without a baseline).
    r3: Option<bool>,
}

impl Criteria {
    fn suspected(self) -> bool {
        (self.r1 || self.r2) && self.r3 == Some(true)
    }

    fn high_dose(self) -> bool {
        self.r1 || self.r2
    }
}

/// The R2 threshold for the patient's age group.
fn r2_threshold<'p>(cx: &Cx<'p>) -> &'p Sourced<UnitsPerKgPerHour> {
    let r = &cx.p.resistance;
    if cx.case.patient.age_group == AgeGroup::Adult {
        &r.r2_adult_units_per_kg_per_h
    } else {
        &r.r2_pediatric_units_per_kg_per_h
    }
}

/// The last `needed` monitoring results drawn on heparin (`None` if there are fewer).
fn last_on_heparin<'a>(cx: &Cx<'a>, monitor: Monitor, needed: usize) -> Option<Readings<'a>> {
    let first = cx.tl.first_heparin()?;
    let all = monitor.readings_until(cx.tl, cx.as_of);
    all.from(all.first_from(first)).last(needed)
}

fn criteria(cx: &Cx<'_>, h: &HeparinExposure, monitor: Monitor, last_n: Option<Readings<'_>>) -> Criteria {
    let r = &cx.p.resistance;
    let r1 = h.units_last_24h > r.r1_units_per_24h.value;
    let r2 = h.mean_window_h.value() > 0.0 && h.mean_units_per_kg_per_h >= r2_threshold(cx).value;
    let r3 = match last_n {
        _ if !monitor.has_target() => None,
        None => Some(false),
        Some(samples) => Some((r1 || r2) && samples.iter().all(|s| monitor.level(s) == Some(Level::Below))),
    };
    Criteria { r1, r2, r3 }
}

/// "; weight-naive: at 90.9 kg the standard 18 units/kg/h alone gives 39,269 units/24 h" when the
/// standard start rate alone exceeds R1 at this weight.
fn weight_naive_note(cx: &Cx<'_>) -> String {
    let r1_limit = cx.p.resistance.r1_units_per_24h.value.value();
    let standard_rate = cx.p.ufh.start.rate_units_per_kg_per_h.value();
    let naive_above_kg = r1_limit / (standard_rate * 24.0);
    if cx.weight.value() > naive_above_kg {
        say!(
            cx,
            "; weight-naive: at {} the standard {} units/kg/h alone gives {} units/24 h",
            cx.weight,
            num(standard_rate, 0),
            num(standard_rate * 24.0 * cx.weight.value(), 0)
        )
    } else {
        String::new()
    }
}

/// Step 2: R1–R3 with findings.
pub(super) fn record(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor) -> Resistance {
    let needed = cx.p.resistance.r3_consecutive_below_target.value as usize;
    let last_n = last_on_heparin(cx, monitor, needed);
    let c = criteria(cx, h, monitor, last_n);
    let samples_text: Vec<String> = last_n
        .map(|r| r.iter().map(|s| monitor.reading_text(cx, s)).collect())
        .unwrap_or_default();
    findings(cx, h, monitor, c, needed, &samples_text);
    let suspected = c.suspected();
    let status = if suspected {
        StepStatus::Met
    } else if c.r3.is_none() && c.high_dose() {
        StepStatus::NeedsData
    } else {
        StepStatus::NotMet
    };
    let mut values = vec![
        say!(
            cx,
            "heparin last 24 h: {} ({})",
            h.units_last_24h,
            h.units_per_kg_last_24h
        ),
        say!(
            cx,
            "mean {} over {} h",
            h.mean_units_per_kg_per_h,
            num(h.mean_window_h.value(), 1)
        ),
        say!(
            cx,
            "R1 {}; R2 {}; R3 {}",
            yes_no(c.r1),
            yes_no(c.r2),
            c.r3.map_or("cannot be judged (no target)", yes_no)
        ),
    ];
    values.extend(samples_text);
    let conclusion = if suspected {
        "suspected heparin resistance".to_owned()
    } else if c.high_dose() {
        "high dose, but target failure not shown: not heparin resistance on this evidence".to_owned()
    } else {
        "dose below resistance thresholds".to_owned()
    };
    let p = cx.p;
    let r = &p.resistance;
    let threshold = say!(
        cx,
        "R1 > {} units/24 h; R2 ≥ {} units/kg/h; R3 {} consecutive {} below target",
        r.r1_units_per_24h.value.shown(),
        num(r2_threshold(cx).value.value(), 0),
        needed,
        monitor.name()
    );
    let source = format!("{}; {}", r.r1_units_per_24h.source, r2_threshold(cx).source);
    cx.step(
        StepId::Recognise,
        status,
        values,
        StepBasis::new(
            threshold,
            "suspected = (R1 or R2) and R3; high dose alone with adequate anti-Xa is not resistance",
            source,
        ),
        conclusion,
    );
    Resistance { suspected }
}

/// The findings of step 2: each criterion met, suspected resistance, and a missing anti-Xa.
fn findings(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, c: Criteria, needed: usize, samples: &[String]) {
    let p = cx.p;
    let r = &p.resistance;
    if c.r1 {
        let note = weight_naive_note(cx);
        cx.finding(
            FindingCode::HeparinResistanceDose,
            say!(
                cx,
                "R1: {} in the last 24 h > {}{note}",
                h.units_last_24h,
                r.r1_units_per_24h.value
            ),
            r.r1_units_per_24h.source.clone(),
        );
    }
    if c.r2 {
        let r2 = r2_threshold(cx);
        cx.finding(
            FindingCode::HeparinResistanceWeight,
            say!(
                cx,
                "R2: mean {} over {} h ≥ {} units/kg/h",
                h.mean_units_per_kg_per_h,
                num(h.mean_window_h.value(), 1),
                num(r2.value.value(), 0)
            ),
            r2.source.clone(),
        );
    }
    if c.r3 == Some(true) {
        let aptt_caveat = if matches!(monitor, Monitor::Aptt { .. }) {
            " (monitored by aPTT: pseudo-resistance cannot be excluded without anti-Xa)"
        } else {
            ""
        };
        cx.finding(
            FindingCode::TargetNotReached,
            say!(
                cx,
                "R3: last {needed} {} samples below {}{aptt_caveat}: {}",
                monitor.name(),
                monitor.target_text(),
                samples.join("; ")
            ),
            r.r3_consecutive_below_target.source.clone(),
        );
    }
    if c.suspected() {
        cx.finding(
            FindingCode::SuspectedHeparinResistance,
            "suspected heparin resistance: high dose (R1 or R2) and target not reached (R3)",
            "clinical reference §3",
        );
    }
    if c.high_dose() && matches!(monitor, Monitor::Aptt { .. }) {
        cx.finding(
            FindingCode::AntiXaUnavailable,
            "high heparin dose without an anti-Xa: proceeding on the aPTT, which high factor VIII or fibrinogen can shorten; measure anti-Xa first",
            "Levy & Connors NEJM 2021: measure anti-Xa when resistance is suspected",
        );
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "met" } else { "not met" }
}

#[cfg(test)]
mod tests {
    use super::super::super::Detail;
    use super::super::super::tests_support::{analyse, aptt, bolus, case_with, h, ufh_rate, xa};
    use super::*;

    #[test]
    fn r1_more_than_35000_units_in_24_hours() {
        // 80 kg at 20 units/kg/h = 1,600 units/h: 38,400 units in 24 h > 35,000.
        let c = case_with(vec![(0, ufh_rate(20.0))]);
        assert!(analyse(&c, h(24), Detail::Explained).has_finding(FindingCode::HeparinResistanceDose));
        // 18 units/kg/h = 34,560 units: not R1.
        let c = case_with(vec![(0, ufh_rate(18.0))]);
        assert!(!analyse(&c, h(24), Detail::Explained).has_finding(FindingCode::HeparinResistanceDose));
    }

    #[test]
    fn r2_mean_rate_at_or_above_20_units_per_kg_per_hour() {
        let c = case_with(vec![(0, ufh_rate(20.0))]);
        assert!(analyse(&c, h(12), Detail::Explained).has_finding(FindingCode::HeparinResistanceWeight));
        let c = case_with(vec![(0, ufh_rate(19.0))]);
        assert!(!analyse(&c, h(12), Detail::Explained).has_finding(FindingCode::HeparinResistanceWeight));
    }

    #[test]
    fn r3_needs_consecutive_low_results_on_heparin_and_a_high_dose() {
        // Two low anti-Xa on a high dose: suspected resistance.
        let c = case_with(vec![(0, ufh_rate(24.0)), (6, xa(0.15)), (12, xa(0.18))]);
        let a = analyse(&c, h(12), Detail::Explained);
        assert!(a.has_finding(FindingCode::TargetNotReached));
        assert!(a.has_finding(FindingCode::SuspectedHeparinResistance));
        // One low result only: not R3.
        let c = case_with(vec![(0, ufh_rate(24.0)), (6, xa(0.5)), (12, xa(0.18))]);
        assert!(!analyse(&c, h(12), Detail::Explained).has_finding(FindingCode::TargetNotReached));
        // Low results at a standard dose: under-dosing, not resistance.
        let c = case_with(vec![(0, ufh_rate(12.0)), (6, xa(0.15)), (12, xa(0.18))]);
        assert!(!analyse(&c, h(12), Detail::Explained).has_finding(FindingCode::SuspectedHeparinResistance));
    }

    #[test]
    fn a_high_dose_monitored_by_aptt_alone_asks_for_an_anti_xa() {
        let c = case_with(vec![
            (0, bolus(5000.0)),
            (0, ufh_rate(24.0)),
            (6, aptt(35.0)),
            (12, aptt(36.0)),
        ]);
        let a = analyse(&c, h(12), Detail::Explained);
        assert!(a.has_finding(FindingCode::AntiXaUnavailable));
        assert!(a.has_finding(FindingCode::TargetNotReached));
    }

    #[test]
    fn above_81_kg_r1_says_the_standard_rate_alone_exceeds_it() {
        let mut c = case_with(vec![(0, ufh_rate(20.0))]);
        c.patient.weight.kg = crate::model::Kilograms::constant(90.0);
        let a = analyse(&c, h(24), Detail::Explained);
        let r1 = a
            .findings
            .iter()
            .find(|f| f.code == FindingCode::HeparinResistanceDose)
            .unwrap();
        assert!(
            r1.detail
                .contains("weight-naive: at 90 kg the standard 18 units/kg/h alone gives 38,880 units/24 h"),
            "{}",
            r1.detail
        );
    }
}
