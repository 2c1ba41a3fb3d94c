//! Step 2, recognise heparin resistance (clinical reference §3, rev 2). Each criterion is reported on
//! its own, with its assay and target:
//! - R1: > 35,000 units (boluses and infusion) in the last 24 h, assessable only after ≥ 24 h of the
//!   current course;
//! - R2: the infusion rate in effect > 20 units/kg/h of the heparin dosing weight;
//! - R3: the last consecutive monitoring samples below target, the latest at steady state;
//! - N, non-response: the last two samples in the nomogram's lowest band.
//!
//! Suspected resistance is (a) the last two samples below target, each drawn after ≥ 6 h at a rate
//! above R2, or (b) R1 with N and a 24-h exposure with boluses ≥ 15 units/kg/h (institutional). Anything
//! less with low results is under-dosing: titrate by the nomogram.

use super::super::context::{Cx, Monitor, Reading, StepBasis};
use super::super::pairing::Level;
use super::super::types::{FindingCode, HeparinExposure, StepId, StepStatus};
use crate::model::{ClinicalTime, Population, UnitsPerKgPerHour, num};
use crate::protocol::{NomogramInput, Sourced};

/// Why resistance is suspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SuspectedBy {
    /// (a): low samples each after ≥ 6 h above the R2 rate.
    HighRateTargetFailure,
    /// (b): R1 with non-response and a high exposure.
    DoseNonResponse,
}

/// Heparin-resistance criteria at the as-of time.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Resistance {
    pub suspected: Option<SuspectedBy>,
    /// N: the last two samples in the lowest band.
    pub non_response: bool,
    /// The latest sample is below target and resistance is not suspected.
    pub under_dosing: bool,
}

impl Resistance {
    pub fn is_suspected(self) -> bool {
        self.suspected.is_some()
    }
}

/// The criteria, before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Criteria {
    /// `None`: not assessable (less than 24 h into the course).
    r1: Option<bool>,
    r2: bool,
    r3: bool,
    non_response: bool,
    /// (a) each low sample after ≥ 6 h above the R2 rate.
    sustained_high_rate: bool,
    /// (b) the 24-h exposure with boluses at or above the institutional threshold.
    high_exposure: bool,
}

impl Criteria {
    fn suspected(self) -> Option<SuspectedBy> {
        if self.sustained_high_rate {
            Some(SuspectedBy::HighRateTargetFailure)
        } else if self.r1 == Some(true) && self.non_response && self.high_exposure {
            Some(SuspectedBy::DoseNonResponse)
        } else {
            None
        }
    }
}

/// The R2 threshold for the patient's age group.
pub(super) fn r2_threshold<'p>(cx: &Cx<'p>) -> &'p Sourced<UnitsPerKgPerHour> {
    let r = &cx.p.resistance;
    if Population::ADULTS.covers(cx.patient.age_group) {
        &r.r2_adult_units_per_kg_per_h
    } else {
        &r.r2_pediatric_units_per_kg_per_h
    }
}

/// Whether a reading lies in the nomogram's lowest band (anti-Xa < 0.2; aPTT < 1.2 × control).
pub(super) fn in_lowest_band(cx: &Cx<'_>, monitor: Monitor, r: Reading) -> bool {
    let u = &cx.p.ufh;
    match r {
        Reading::AntiXa(s) => u
            .anti_xa_nomogram
            .lowest_row()
            .and_then(|row| row.to)
            .is_some_and(|to| s.banded.value() < to),
        Reading::Aptt(s) => {
            debug_assert_eq!(u.aptt_nomogram.input, NomogramInput::ApttRatio);
            let ratio = s.banded.value() / monitor.aptt.control.seconds.value();
            u.aptt_nomogram
                .lowest_row()
                .and_then(|row| row.to)
                .is_some_and(|to| ratio < to)
        }
    }
}

/// Whether the heparin rate had been above `threshold` (per kg of dosing weight) for at least `hours`
/// without a break when a sample was drawn at `t`.
fn above_rate_for(cx: &Cx<'_>, t: ClinicalTime, threshold: UnitsPerKgPerHour, hours: f64) -> bool {
    let kg = cx.hkg();
    let from = t.plus_hours(-hours);
    let mut covered_from = None;
    for seg in cx.tl.segments_of(crate::model::Anticoagulant::Heparin, t) {
        let super::super::timeline::InfusionRate::Ufh(rate) = seg.rate else {
            continue;
        };
        let runs_at_t = seg.end.is_none_or(|e| e >= t);
        let contiguous = covered_from.is_none_or(|c| seg.end == Some(c));
        if rate.per_kg(kg) <= threshold || !(runs_at_t || contiguous) {
            break;
        }
        covered_from = Some(seg.start);
        if seg.start <= from {
            return true;
        }
    }
    false
}

fn criteria(cx: &Cx<'_>, h: &HeparinExposure, monitor: Monitor, last: &[Reading]) -> Criteria {
    let r = &cx.p.resistance;
    let needed = r.r3_consecutive_below_target.value as usize;
    let steady = cx.p.monitoring.ufh_recheck_h.value.value();
    let course_day = h.hours_in_course.is_some_and(|c| c.value() >= 24.0);
    let r1 = course_day.then(|| h.units_last_24h > r.r1_units_per_24h.value);
    let r2_limit = r2_threshold(cx).value;
    let r2 = h.current_rate_units_per_kg_per_h.is_some_and(|rate| rate > r2_limit);
    let enough = last.len() >= needed;
    let all_low = enough && last.iter().all(|s| monitor.level(*s) == Level::Below);
    let latest_steady = last.last().is_some_and(|s| {
        cx.tl
            .last_ufh_rate_event(s.time().plus_minutes(-1))
            .is_none_or(|change| s.time().hours_since(change) >= steady)
    });
    let r3 = all_low && latest_steady;
    let non_response = enough && last.iter().all(|s| in_lowest_band(cx, monitor, *s));
    let sustained_high_rate = all_low && last.iter().all(|s| above_rate_for(cx, s.time(), r2_limit, steady));
    let high_exposure = h.mean_units_per_kg_per_h >= r.suspected_exposure_units_per_kg_per_h.value;
    Criteria {
        r1,
        r2,
        r3,
        non_response,
        sustained_high_rate,
        high_exposure,
    }
}

/// "; weight-naive: at 90.9 kg the standard 18 units/kg/h alone gives 39,269 units/24 h" when the
/// standard start rate alone exceeds R1 at this weight.
fn weight_naive_note(cx: &Cx<'_>) -> String {
    let r1_limit = cx.p.resistance.r1_units_per_24h.value.value();
    let standard_rate = cx.p.ufh.start.rate_units_per_kg_per_h.value();
    let naive_above_kg = r1_limit / (standard_rate * 24.0);
    if cx.hkg().value() > naive_above_kg {
        say!(
            cx,
            "; weight-naive: at {} the standard {} units/kg/h alone gives {} units/24 h",
            cx.hkg(),
            num(standard_rate, 0),
            num(standard_rate * 24.0 * cx.hkg().value(), 0)
        )
    } else {
        String::new()
    }
}

/// Step 2: R1–R3, N and suspected resistance, with findings.
pub(super) fn record(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor) -> Resistance {
    let needed = cx.p.resistance.r3_consecutive_below_target.value as usize;
    let since = h.course_start;
    let last = if since.is_some() {
        monitor.recent(cx, since, needed)
    } else {
        Vec::new()
    };
    let c = criteria(cx, h, monitor, &last);
    let samples_text: Vec<String> = last.iter().map(|s| monitor.reading_text(cx, *s)).collect();
    let latest_low = last.last().is_some_and(|s| monitor.level(*s) == Level::Below);
    let suspected = c.suspected();
    let res = Resistance {
        suspected,
        non_response: c.non_response,
        under_dosing: latest_low && suspected.is_none() && h.current_rate_units_per_h.is_some(),
    };
    findings(cx, h, monitor, c, res, &samples_text);
    let status = if suspected.is_some() {
        StepStatus::Met
    } else {
        StepStatus::NotMet
    };
    let yes_no = |b: bool| if b { "met" } else { "not met" };
    let mut values = vec![
        say!(
            cx,
            "heparin last 24 h: {} ({} of {} dosing weight, {})",
            h.units_last_24h,
            h.units_per_kg_last_24h,
            cx.hkg(),
            h.mean_units_per_kg_per_h
        ),
        say!(
            cx,
            "course: {} h; rate in effect {}",
            h.hours_in_course
                .map_or("–".to_owned(), |c| num(c.value(), 1).to_string()),
            h.current_rate_units_per_kg_per_h
                .map_or("none".to_owned(), |r| r.to_string())
        ),
        say!(
            cx,
            "R1 {}; R2 {}; R3 {}; non-response {}",
            c.r1.map_or("not assessable (< 24 h into the course)", yes_no),
            yes_no(c.r2),
            yes_no(c.r3),
            yes_no(c.non_response)
        ),
    ];
    values.extend(samples_text);
    let conclusion = match suspected {
        Some(SuspectedBy::HighRateTargetFailure) => {
            "suspected heparin resistance: target not reached despite > 20 units/kg/h for ≥ 6 h".to_owned()
        }
        Some(SuspectedBy::DoseNonResponse) => {
            "suspected heparin resistance: > 35,000 units/24 h with almost no effect".to_owned()
        }
        None if res.under_dosing => {
            "below target on a dose short of resistance: under-dosing, titrate by the nomogram".to_owned()
        }
        None if c.r1 == Some(true) || c.r2 => {
            "high dose without target failure: not heparin resistance on this evidence".to_owned()
        }
        None => "dose below resistance thresholds".to_owned(),
    };
    let p = cx.p;
    let r = &p.resistance;
    let threshold = say!(
        cx,
        "R1 > {} units/24 h after ≥ 24 h; R2 rate in effect > {} units/kg/h; R3 {} consecutive {} below {}; suspected (b) needs ≥ {}",
        r.r1_units_per_24h.value.shown(),
        num(r2_threshold(cx).value.value(), 0),
        needed,
        monitor.name(),
        monitor.target_text(p),
        r.suspected_exposure_units_per_kg_per_h.value
    );
    let source = format!(
        "{}; {}; {}",
        r.r1_units_per_24h.source,
        r2_threshold(cx).source,
        r.suspected_exposure_units_per_kg_per_h.source
    );
    cx.step(
        StepId::Recognise,
        status,
        values,
        StepBasis::new(
            threshold,
            "suspected = (a) the last two samples below target, each after ≥ 6 h above the R2 rate, or (b) R1 with non-response and a high 24-h exposure; less is under-dosing; a high dose alone with adequate anti-Xa is not resistance",
            source,
        ),
        conclusion,
    );
    res
}

/// The findings of step 2: each criterion met, suspected resistance or under-dosing, and a missing
/// anti-Xa.
fn findings(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, c: Criteria, res: Resistance, samples: &[String]) {
    let p = cx.p;
    let r = &p.resistance;
    if c.r1 == Some(true) {
        let note = weight_naive_note(cx);
        cx.finding(
            FindingCode::HeparinResistanceDose,
            say!(
                cx,
                "R1: {} in the last 24 h > {} ({} = {} of dosing weight){note}",
                h.units_last_24h,
                r.r1_units_per_24h.value,
                h.units_per_kg_last_24h,
                h.mean_units_per_kg_per_h
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
                "R2: rate in effect {} > {} units/kg/h ({} dosing weight)",
                h.current_rate_units_per_kg_per_h
                    .map_or(String::new(), |x| x.to_string()),
                num(r2.value.value(), 0),
                cx.hkg()
            ),
            r2.source.clone(),
        );
    }
    let aptt_caveat = if monitor.is_anti_xa() {
        ""
    } else {
        " (monitored by aPTT: pseudo-resistance cannot be excluded without anti-Xa)"
    };
    if c.r3 {
        cx.finding(
            FindingCode::TargetNotReached,
            say!(
                cx,
                "R3: last {} {} samples below {}{aptt_caveat}: {}",
                samples.len(),
                monitor.name(),
                monitor.target_text(p),
                samples.join("; ")
            ),
            r.r3_consecutive_below_target.source.clone(),
        );
    }
    if c.non_response {
        cx.finding(
            FindingCode::NonResponse,
            say!(
                cx,
                "non-response: the last {} samples in the nomogram's lowest band{aptt_caveat}: {}",
                samples.len(),
                samples.join("; ")
            ),
            "clinical reference §3 [rev 2]: anti-Xa < 0.2 units/mL or aPTT < 1.2 × control",
        );
    }
    match res.suspected {
        Some(by) => {
            let why = match by {
                SuspectedBy::HighRateTargetFailure => {
                    "(a) the last samples below target, each after ≥ 6 h above the R2 rate"
                }
                SuspectedBy::DoseNonResponse => {
                    "(b) R1 with non-response and a 24-h exposure at or above the institutional threshold"
                }
            };
            cx.finding(
                FindingCode::SuspectedHeparinResistance,
                say!(cx, "suspected heparin resistance: {why}"),
                "clinical reference §3 [rev 2]",
            );
        }
        None if res.under_dosing => cx.finding(
            FindingCode::UnderDosing,
            say!(
                cx,
                "under-dosing: {} below {} on {}, short of suspected resistance; titrate by the nomogram",
                monitor.name(),
                monitor.target_text(p),
                h.current_rate_units_per_kg_per_h
                    .map_or(String::new(), |x| x.to_string())
            ),
            "clinical reference §3 [rev 2]",
        ),
        None => {}
    }
    let high_dose = c.r1 == Some(true) || c.r2;
    if (high_dose || res.suspected.is_some()) && !monitor.is_anti_xa() {
        cx.finding(
            FindingCode::AntiXaUnavailable,
            "high heparin dose without a usable anti-Xa: proceeding on the aPTT, which high factor VIII or fibrinogen can shorten; measure anti-Xa first",
            "Levy & Connors NEJM 2021: measure anti-Xa when resistance is suspected",
        );
    }
}
