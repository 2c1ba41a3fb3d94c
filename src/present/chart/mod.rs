//! What the plots draw, as plain numbers: every series up to the replay time on an axis of hours from
//! the case start, the heparin rate as steps, boluses, antithrombin doses and DTI changes, the paired
//! samples and the patient's fitted aPTT↔anti-Xa relation, and the min/max decimation that keeps a long
//! series drawable. Pure functions of the case, its prepared index and its protocol: no UI crate here,
//! so all of it is unit-tested without a window.

pub mod axes;

use crate::analysis::pairing::{ApttAntiXaFit, FitNeeds, fit_aptt_anti_xa};
use crate::analysis::targets::aptt_target;
use crate::analysis::{Pair, Prepared, Timeline, paired_samples};
use crate::model::Anticoagulant;
use crate::model::{Case, ClinicalTime, EventKind, LabKind, Units};
use crate::protocol::Protocol;

/// One stretch of the aPTT plot's target band.
#[derive(Debug, Clone, PartialEq)]
pub struct ApttBand {
    pub from_h: f64,
    pub to_h: f64,
    pub low_s: f64,
    pub high_s: f64,
    pub drug: &'static str,
}

/// The target band under each drug, consecutive segments of one drug merged (a course with hourly
/// rate changes is one band, not thousands).
fn aptt_bands(case: &Case, tl: &Timeline, protocol: &Protocol, as_of: ClinicalTime) -> Vec<ApttBand> {
    let start = case.case_start;
    let baseline = case.patient.baseline_aptt;
    let segments = tl.segments();
    let mut out: Vec<(Anticoagulant, ClinicalTime, ClinicalTime)> = Vec::new();
    for (i, s) in segments.iter().enumerate().filter(|(_, s)| s.start <= as_of) {
        let next = segments.get(i + 1).map_or(as_of, |n| n.start);
        let end = s.end.unwrap_or(as_of).min(next).min(as_of);
        match out.last_mut() {
            Some((agent, _, until)) if *agent == s.drug() && *until >= s.start => *until = end,
            _ => out.push((s.drug(), s.start, end)),
        }
    }
    out.into_iter()
        .filter_map(|(agent, from, to)| {
            let t = aptt_target(agent, protocol, baseline)?;
            Some(ApttBand {
                from_h: hours(start, from),
                to_h: hours(start, to),
                low_s: t.range.low.value(),
                high_s: t.range.high.value(),
                drug: agent.name(),
            })
        })
        .collect()
}

/// Hours from the case start: the x axis of every time plot.
#[must_use]
pub fn hours(start: ClinicalTime, t: ClinicalTime) -> f64 {
    t.hours_since(start)
}

/// A lab's results up to `as_of` as (hours from case start, value).
#[must_use]
pub fn lab_points(case: &Case, timeline: &Timeline, lab: LabKind, as_of: ClinicalTime) -> Vec<[f64; 2]> {
    timeline
        .labs
        .points_until(lab, as_of)
        .iter()
        .map(|s| [hours(case.case_start, s.time), s.value])
        .collect()
}

/// Where the time plots begin: the earliest thing any of them draws, so that all share one range.
fn first_relevant(tl: &Timeline) -> Option<ClinicalTime> {
    [
        tl.first_heparin(),
        tl.labs.first_time(LabKind::Aptt),
        tl.labs.first_time(LabKind::AntiXa),
        tl.labs.first_time(LabKind::Act),
        tl.labs.first_time(LabKind::Antithrombin),
        tl.labs.first_time(LabKind::Platelets),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// Everything the plots draw that costs O(history) to gather: built once per edit and replay position,
/// so that a frame costs the same at day 90 as at day 1.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    /// Where the time plots begin (hours from case start).
    pub first_x: f64,
    pub aptt: Vec<[f64; 2]>,
    pub anti_xa: Vec<[f64; 2]>,
    /// The anti-Xa results below the assay's limit, at their limit (also in `anti_xa`): drawn hollow.
    pub anti_xa_below_limit: Vec<[f64; 2]>,
    pub antithrombin: Vec<[f64; 2]>,
    pub platelets: Vec<[f64; 2]>,
    /// Heparin rate as (start hour, end hour, units/kg/h).
    pub heparin_steps: Vec<(f64, f64, f64)>,
    /// A DTI rate change: (hour, "argatroban 0.5 mcg/kg/min").
    pub dti_labels: Vec<(f64, String)>,
    /// The aPTT target band over each period one anticoagulant ran: (start hour, end hour, low s, high
    /// s, whose target) — the heparin range under heparin, the DTI's target under a DTI.
    pub aptt_bands: Vec<ApttBand>,
    /// (hour, units).
    pub boluses: Vec<(f64, Units)>,
    /// Antithrombin doses: (hour, units).
    pub at_doses: Vec<(f64, Units)>,
    /// Changes to the course drawn as labelled vertical lines: circuit changes and the end of surgery
    /// (issue 23): (hour, "circuit change: oxygenator").
    pub course_marks: Vec<(f64, String)>,
    pub pairs: Vec<Pair>,
    pub fit: Option<ApttAntiXaFit>,
}

impl ChartData {
    /// Gathers what the plots draw at `as_of` (later events stay hidden: teaching replays the past).
    #[must_use]
    pub fn gather(case: &Case, prepared: &Prepared, protocol: &Protocol, as_of: ClinicalTime) -> Self {
        let tl = &prepared.timeline;
        let start = case.case_start;
        let mut heparin_steps = Vec::new();
        let mut dti_labels = Vec::new();
        let segments = tl.segments();
        for (i, s) in segments.iter().enumerate().filter(|(_, s)| s.start <= as_of) {
            // A segment runs until it ends, the next rate change, or the replay time, whichever is first.
            let next = segments.get(i + 1).map_or(as_of, |n| n.start);
            let end = s.end.unwrap_or(as_of).min(next).min(as_of);
            let (x0, x1) = (hours(start, s.start), hours(start, end));
            if let Some(r) = s.rate.heparin() {
                heparin_steps.push((x0, x1, r.per_kg(tl.weight).value()));
            } else if let Some(r) = s.rate.dti_rate() {
                dti_labels.push((x0, format!("{} {r}", r.drug().name())));
            }
        }
        let boluses = tl
            .boluses()
            .iter()
            .filter(|b| b.time <= as_of)
            .map(|b| (hours(start, b.time), b.units))
            .collect();
        let at_doses = tl
            .at_doses_until(as_of)
            .iter()
            .map(|d| (hours(start, d.time), d.units))
            .collect();
        // Circuit changes, surgery ends and setting changes, as labelled vertical lines.
        let mut course_marks: Vec<(f64, String)> = case.events[..case.events.partition_point(|e| e.time <= as_of)]
            .iter()
            .filter(|e| matches!(e.kind, EventKind::CircuitChange(_) | EventKind::SurgeryEnd(_)))
            .map(|e| (hours(start, e.time), e.kind.describe()))
            .collect();
        let mut setting = case.patient.setting;
        for &(t, kind) in tl.facts_until(as_of) {
            if let EventKind::SettingFrom(s) = kind
                && s != setting
            {
                course_marks.push((hours(start, t), format!("{} from here", s.label())));
                setting = s;
            }
        }
        course_marks.sort_by(|a, b| a.0.total_cmp(&b.0));
        let pairs: Vec<Pair> = paired_samples(tl, protocol.monitoring.pairing_window_min.value)
            .into_iter()
            .filter(|p| p.time() <= as_of)
            .collect();
        let fit = fit_aptt_anti_xa(
            &pairs,
            protocol.monitoring.aptt_calibration_anti_xa.value,
            FitNeeds::of(protocol),
        );
        let points = |lab| lab_points(case, tl, lab, as_of);
        Self {
            // With nothing drawn yet, the plots begin at the case start.
            first_x: hours(start, first_relevant(tl).unwrap_or(start)),
            aptt: points(LabKind::Aptt),
            anti_xa: points(LabKind::AntiXa),
            anti_xa_below_limit: tl
                .labs
                .anti_xa
                .until(as_of)
                .iter()
                .filter(|s| case.is_below_assay_limit(s.event))
                .map(|s| [hours(start, s.time), s.value.value()])
                .collect(),
            antithrombin: points(LabKind::Antithrombin),
            platelets: points(LabKind::Platelets),
            heparin_steps,
            dti_labels,
            aptt_bands: aptt_bands(case, tl, protocol, as_of),
            boluses,
            at_doses,
            course_marks,
            pairs,
            fit,
        }
    }
}

/// At most two points per bucket of equal width over the points' x span: the lowest and the highest,
/// in their time order. Extremes are never dropped (a low aPTT or a high anti-Xa stays visible), and
/// the number of points drawn is bounded by the plot's width, not by the length of the history.
/// `points` must be sorted by x.
#[must_use]
pub fn decimate_min_max(points: &[[f64; 2]], buckets: usize) -> Vec<[f64; 2]> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    if points.len() <= 2 * buckets.max(1) {
        return points.to_vec();
    }
    let (x0, span) = (first[0], (last[0] - first[0]).max(f64::MIN_POSITIVE));
    let bucket_of = |x: f64| (((x - x0) / span * buckets as f64) as usize).min(buckets - 1);
    let mut out = Vec::with_capacity(2 * buckets);
    let mut i = 0;
    while i < points.len() {
        let bucket = bucket_of(points[i][0]);
        let (mut low, mut high) = (i, i);
        let mut j = i + 1;
        while j < points.len() && bucket_of(points[j][0]) == bucket {
            if points[j][1] < points[low][1] {
                low = j;
            }
            if points[j][1] > points[high][1] {
                high = j;
            }
            j += 1;
        }
        out.push(points[low.min(high)]);
        if low != high {
            out.push(points[low.max(high)]);
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::generate::ecmo_course;

    #[test]
    fn decimation_keeps_extremes_and_bounds_the_points() {
        // 90 days of q2h values with one deep dip and one spike.
        let mut points: Vec<[f64; 2]> = (0..1080)
            .map(|i| [f64::from(i) * 2.0, 60.0 + f64::from(i % 7)])
            .collect();
        points[500][1] = 12.0;
        points[777][1] = 190.0;
        let shown = decimate_min_max(&points, 100);
        assert!(shown.len() <= 200, "{} points", shown.len());
        assert!(
            shown.contains(&[1000.0, 12.0]) && shown.contains(&[1554.0, 190.0]),
            "extremes kept"
        );
        assert!(shown.windows(2).all(|w| w[0][0] < w[1][0]), "time order kept");
        assert_eq!(shown.first(), points.first());
        // Short series are drawn as they are.
        assert_eq!(decimate_min_max(&points[..150], 100), points[..150].to_vec());
        assert!(decimate_min_max(&[], 100).is_empty());
    }

    #[test]
    fn gathered_series_stop_at_the_replay_time() {
        let case = ecmo_course(2);
        let protocol = Protocol::builtin("adult-ecmo").unwrap_or_else(|e| panic!("{e}"));
        let prepared = Prepared::new(&case, &protocol);
        let end = case.last_event_time().unwrap_or(case.case_start);
        let midday = case.case_start.plus_minutes(12 * 60);
        let all = ChartData::gather(&case, &prepared, &protocol, end);
        let half = ChartData::gather(&case, &prepared, &protocol, midday);
        assert_eq!(all.anti_xa.len(), prepared.timeline.labs.anti_xa.all().len());
        assert!(half.anti_xa.len() < all.anti_xa.len());
        assert!(
            half.anti_xa.iter().all(|p| p[0] <= 12.0),
            "nothing after the replay time"
        );
        let last_step = half.heparin_steps.last().expect("a running rate").1;
        assert!(
            (last_step - 12.0).abs() < 1e-9,
            "the running rate is drawn up to the replay time"
        );
        assert_eq!(all.boluses.len(), 1, "the cannulation bolus");
        assert!(all.first_x <= 0.5, "the plots start at the first heparin or lab");
    }
}
