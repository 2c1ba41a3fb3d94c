//! An index over a case's timeline, built once (O(n log n)) so that every question the engine asks at an
//! `as_of` time (latest sample, units in the last 24 h, current infusion) is answered in O(log n).
//! Replay asks those questions at every event time, so nothing here rescans the whole history. Every
//! sample, rate and dose keeps its unit in its type.

pub use super::series::{LabPoint, Labs, Sample, Series};
use crate::model::events::lab_event_pattern;
use crate::model::lab_table::lab_table;
use crate::model::{
    Anticoagulant, Case, ClinicalTime, EventKind, Hours, Kilograms, McgPerKgPerMin, MgPerKgPerHour, StopReason, Units,
    UnitsPerHour,
};

/// An infusion rate in its drug's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InfusionRate {
    /// Heparin, absolute (a weight-based order is converted when the timeline is built).
    Ufh(UnitsPerHour),
    Argatroban(McgPerKgPerMin),
    Bivalirudin(MgPerKgPerHour),
}

impl InfusionRate {
    #[must_use]
    pub fn drug(self) -> Anticoagulant {
        match self {
            Self::Ufh(_) => Anticoagulant::Heparin,
            Self::Argatroban(_) => Anticoagulant::Argatroban,
            Self::Bivalirudin(_) => Anticoagulant::Bivalirudin,
        }
    }

    /// A DTI's rate as the dose it is (`None` for heparin, whose timeline rate is absolute).
    #[must_use]
    pub fn dti_rate(self) -> Option<crate::dosing::DoseRate> {
        match self {
            Self::Ufh(_) => None,
            Self::Argatroban(r) => Some(crate::dosing::DoseRate::Argatroban(r)),
            Self::Bivalirudin(r) => Some(crate::dosing::DoseRate::Bivalirudin(r)),
        }
    }

    /// Heparin's rate (`None` for a DTI).
    #[must_use]
    pub fn heparin(self) -> Option<UnitsPerHour> {
        match self {
            Self::Ufh(r) => Some(r),
            Self::Argatroban(_) | Self::Bivalirudin(_) => None,
        }
    }

    /// A rate of zero stops the infusion.
    #[must_use]
    pub fn is_stop(self) -> bool {
        match self {
            Self::Ufh(r) => r.value() == 0.0,
            Self::Argatroban(r) => r.value() == 0.0,
            Self::Bivalirudin(r) => r.value() == 0.0,
        }
    }
}

/// How an infusion segment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentEnd {
    /// A new rate of the same drug.
    RateChange,
    /// Stopped (rate 0), with the reason if one was recorded.
    Stopped(Option<StopReason>),
    /// Another anticoagulant started.
    Replaced,
}

/// An infusion running at a constant rate from `start` until `end` (`None`: still running).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub start: ClinicalTime,
    pub end: Option<ClinicalTime>,
    pub rate: InfusionRate,
    /// How it ended (`None` while it runs).
    pub ended_by: Option<SegmentEnd>,
}

impl Segment {
    #[must_use]
    pub fn drug(&self) -> Anticoagulant {
        self.rate.drug()
    }

    fn covers(&self, t: ClinicalTime) -> bool {
        self.start <= t && self.end.is_none_or(|end| t < end)
    }

    /// Heparin delivered by this segment up to `t` (none for a DTI).
    fn heparin_until(&self, t: ClinicalTime) -> Units {
        match self.rate.heparin() {
            Some(rate) => {
                let until = self.end.map_or(t, |end| end.min(t));
                rate.over(until.elapsed_since(self.start))
            }
            None => Units::ZERO,
        }
    }
}

/// An antithrombin dose of either product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtDose {
    pub time: ClinicalTime,
    pub units: Units,
    pub recombinant: bool,
}

/// A heparin bolus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bolus {
    pub time: ClinicalTime,
    pub units: Units,
}

/// The indexed timeline of one case.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub weight: Kilograms,
    pub labs: Labs,
    /// All infusion segments of all agents, in time order; a new agent's start ends the previous one.
    segments: Vec<Segment>,
    /// For each segment, the index of the first segment of its run (the same drug with no gap: rate changes).
    run_starts: Vec<usize>,
    /// Heparin units delivered by infusion before each segment's start (UFH segments only count).
    units_before_segment: Vec<Units>,
    boluses: Vec<Bolus>,
    /// Running total of bolus units, inclusive.
    bolus_running_total: Vec<Units>,
    /// Times of UFH infusion rate events (changes, starts, stops).
    ufh_rate_events: Vec<ClinicalTime>,
    at_doses: Vec<AtDose>,
    ffp: Vec<(ClinicalTime, usize)>,
    /// Events recorded but not read by any rule yet (`EventKind::is_recorded_only`), in time order.
    recorded_only: Vec<(ClinicalTime, usize)>,
    /// Facts from a time on (`EventKind::is_fact`), in time order.
    facts: Vec<(ClinicalTime, EventKind)>,
    first_heparin: Option<ClinicalTime>,
    event_times: Vec<ClinicalTime>,
    /// The events the safety rules look back over (surgery ends, protamine, settings, HIT assays, stops).
    pub marks: super::marks::CourseMarks,
}

/// Index of the last item with `time <= t` in a time-sorted slice.
fn last_at_or_before<T>(items: &[T], t: ClinicalTime, time: impl Fn(&T) -> ClinicalTime) -> Option<usize> {
    items.partition_point(|x| time(x) <= t).checked_sub(1)
}

impl Timeline {
    /// Builds the index. Events are taken in time order (ties in entry order). A heparin rate ordered
    /// per kg is units/kg/h of the heparin dosing weight `heparin_weight` (clinical reference §1).
    #[must_use]
    pub fn new(case: &Case, heparin_weight: Kilograms) -> Self {
        let weight = heparin_weight;
        let mut labs = Labs::default();
        let mut boluses = Vec::new();
        let mut infusion_events: Vec<(ClinicalTime, InfusionRate, Option<StopReason>)> = Vec::new();
        let mut ufh_rate_events = Vec::new();
        let mut at_doses = Vec::new();
        let mut ffp = Vec::new();
        let mut recorded_only = Vec::new();
        let mut facts = Vec::new();
        let mut event_times = Vec::with_capacity(case.events.len());

        let mut sorted: Vec<usize> = (0..case.events.len()).collect();
        sorted.sort_by_key(|&i| case.events[i].time);
        let marks = super::marks::CourseMarks::new(case, &sorted);
        for index in sorted {
            let event = &case.events[index];
            let t = event.time;
            if event_times.last() != Some(&t) {
                event_times.push(t);
            }
            if event.kind.is_recorded_only() {
                recorded_only.push((t, index));
            }
            if labs.add(event.kind, t, index) {
                continue;
            }
            match event.kind {
                EventKind::UfhBolus(units) => boluses.push(Bolus { time: t, units }),
                EventKind::UfhInfusion(rate) => {
                    infusion_events.push((t, InfusionRate::Ufh(rate.units_per_hour(weight)), event.reason));
                    ufh_rate_events.push(t);
                }
                EventKind::ArgatrobanInfusion(r) => {
                    infusion_events.push((t, InfusionRate::Argatroban(r), event.reason));
                }
                EventKind::BivalirudinInfusion(r) => {
                    infusion_events.push((t, InfusionRate::Bivalirudin(r), event.reason));
                }
                EventKind::AtConcentrate(units) => at_doses.push(AtDose {
                    time: t,
                    units,
                    recombinant: false,
                }),
                EventKind::AtRecombinant(units) => at_doses.push(AtDose {
                    time: t,
                    units,
                    recombinant: true,
                }),
                EventKind::Ffp(_) => ffp.push((t, index)),
                // Protamine is recorded, not analysed outside bypass; labs were indexed above.
                // Recorded, not used by the algorithm yet (issue 23): the analysis lists them.
                EventKind::Protamine(_)
                | EventKind::OtherAnticoagulant(..)
                | EventKind::CircuitChange(_)
                | EventKind::SurgeryEnd(_)
                | EventKind::HitImmunoassay(_)
                | EventKind::HitFunctionalAssay(_) => {}
                EventKind::SettingFrom(_)
                | EventKind::RrtFrom(_)
                | EventKind::CrclFrom(_)
                | EventKind::HepaticImpairmentFrom(_)
                | EventKind::HighBleedingRiskFrom(_)
                | EventKind::BleedingFrom(_)
                | EventKind::PregnancyFrom(_)
                | EventKind::EcmoFlowFrom(_) => facts.push((t, event.kind)),
                EventKind::AntiXaBelow(_) | lab_table!(lab_event_pattern) => {}
            }
        }

        let segments = segments_of(infusion_events);
        let mut run_starts: Vec<usize> = Vec::with_capacity(segments.len());
        for (i, s) in segments.iter().enumerate() {
            let continues = i > 0 && segments[i - 1].drug() == s.drug() && segments[i - 1].end == Some(s.start);
            run_starts.push(if continues { run_starts[i - 1] } else { i });
        }
        let mut units_before_segment = Vec::with_capacity(segments.len());
        let mut total = Units::ZERO;
        for s in &segments {
            units_before_segment.push(total);
            if let Some(end) = s.end {
                total = total.plus(s.heparin_until(end));
            }
        }

        let mut bolus_running_total = Vec::with_capacity(boluses.len());
        let mut sum = Units::ZERO;
        for b in &boluses {
            sum = sum.plus(b.units);
            bolus_running_total.push(sum);
        }

        let first_infusion = segments
            .iter()
            .find(|s| s.drug() == Anticoagulant::Heparin)
            .map(|s| s.start);
        let first_bolus = boluses.first().map(|b| b.time);
        let first_heparin = match (first_infusion, first_bolus) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };

        Self {
            weight,
            labs,
            segments,
            run_starts,
            units_before_segment,
            boluses,
            bolus_running_total,
            ufh_rate_events,
            at_doses,
            ffp,
            recorded_only,
            facts,
            first_heparin,
            event_times,
            marks,
        }
    }

    /// Distinct event times, ascending (the replay's steps).
    #[must_use]
    pub fn event_times(&self) -> &[ClinicalTime] {
        &self.event_times
    }

    /// Every infusion segment of every agent, in time order (for plotting the rates).
    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Heparin boluses, in time order.
    #[must_use]
    pub fn boluses(&self) -> &[Bolus] {
        &self.boluses
    }

    /// The infusion segment running at `t`, of any agent.
    #[must_use]
    pub fn running(&self, t: ClinicalTime) -> Option<Segment> {
        let i = last_at_or_before(&self.segments, t, |s| s.start)?;
        let s = self.segments[i];
        s.covers(t).then_some(s)
    }

    /// The last segment of `agent` that started at or before `t` (running or ended).
    #[must_use]
    pub fn last_segment_of(&self, agent: Anticoagulant, t: ClinicalTime) -> Option<Segment> {
        let end = self.segments.partition_point(|s| s.start <= t);
        self.segments[..end].iter().rev().find(|s| s.drug() == agent).copied()
    }

    /// When the running infusion of `agent` was last changed (its segment start), if it runs at `t`.
    #[must_use]
    pub fn last_rate_change(&self, agent: Anticoagulant, t: ClinicalTime) -> Option<ClinicalTime> {
        self.running(t).filter(|s| s.drug() == agent).map(|s| s.start)
    }

    /// The last UFH rate event (start, change or stop) at or before `t`.
    #[must_use]
    pub fn last_ufh_rate_event(&self, t: ClinicalTime) -> Option<ClinicalTime> {
        last_at_or_before(&self.ufh_rate_events, t, |x| *x).map(|i| self.ufh_rate_events[i])
    }

    /// Total heparin (boluses and infusions) given up to and including `t`.
    #[must_use]
    pub fn cumulative_heparin_units(&self, t: ClinicalTime) -> Units {
        let boluses =
            last_at_or_before(&self.boluses, t, |b| b.time).map_or(Units::ZERO, |i| self.bolus_running_total[i]);
        let infused = last_at_or_before(&self.segments, t, |s| s.start).map_or(Units::ZERO, |i| {
            self.units_before_segment[i].plus(self.segments[i].heparin_until(t))
        });
        boluses.plus(infused)
    }

    /// Heparin given in the window `(from, to]`.
    #[must_use]
    pub fn heparin_units_between(&self, from: ClinicalTime, to: ClinicalTime) -> Units {
        self.cumulative_heparin_units(to)
            .minus_floored(self.cumulative_heparin_units(from))
    }

    /// Heparin given in each of the last `hours` whole hours before `t`, newest first (protamine rule).
    #[must_use]
    pub fn heparin_units_per_recent_hour(&self, t: ClinicalTime, hours: usize) -> Vec<Units> {
        (0..hours)
            .map(|h| {
                let end = t.plus_minutes(-60 * h as i64);
                self.heparin_units_between(end.plus_minutes(-60), end)
            })
            .collect()
    }

    /// First heparin (bolus or infusion) in the case.
    #[must_use]
    pub fn first_heparin(&self) -> Option<ClinicalTime> {
        self.first_heparin
    }

    /// Every heparin period — infusion segments (end `None` while open) and boluses (instants) — in
    /// start order: what `HeparinCourses` indexes.
    #[must_use]
    pub fn heparin_periods(&self) -> Vec<(ClinicalTime, Option<ClinicalTime>)> {
        let mut periods: Vec<(ClinicalTime, Option<ClinicalTime>)> = self
            .segments
            .iter()
            .filter(|s| s.drug() == Anticoagulant::Heparin)
            .map(|s| (s.start, s.end))
            .chain(self.boluses.iter().map(|b| (b.time, Some(b.time))))
            .collect();
        periods.sort_by_key(|p| p.0);
        periods
    }

    /// The start of the current heparin course at `t`, computed from scratch (O(n); the reference that
    /// `HeparinCourses::start_at` answers in O(log n)): heparin (bolus or infusion) with no gap longer
    /// than `gap` since it began (clinical reference §3: a gap > 24 h starts a new course). `None`
    /// without heparin by `t`, or when the last heparin ended more than `gap` before `t`.
    #[must_use]
    pub fn heparin_course_start(&self, t: ClinicalTime, gap: Hours) -> Option<ClinicalTime> {
        // Heparin periods up to t: infusion segments and boluses (instants), in start order.
        let seg_end = self.segments.partition_point(|s| s.start <= t);
        let bolus_end = self.boluses.partition_point(|b| b.time <= t);
        let mut periods: Vec<(ClinicalTime, ClinicalTime)> = self.segments[..seg_end]
            .iter()
            .filter(|s| s.drug() == Anticoagulant::Heparin)
            .map(|s| (s.start, s.end.map_or(t, |e| e.min(t))))
            .chain(self.boluses[..bolus_end].iter().map(|b| (b.time, b.time)))
            .collect();
        periods.sort_by_key(|p| p.0);
        let mut course: Option<(ClinicalTime, ClinicalTime)> = None;
        for (start, end) in periods {
            course = match course {
                Some((c_start, c_end)) if start.hours_since(c_end) <= gap.value() => Some((c_start, c_end.max(end))),
                _ => Some((start, end)),
            };
        }
        course
            .filter(|(_, end)| t.hours_since(*end) <= gap.value())
            .map(|(start, _)| start)
    }

    /// The last segment of any agent that started at or before `t` and has ended by `t`, if no segment
    /// runs at `t` (what was stopped, and why).
    #[must_use]
    pub fn last_stopped(&self, t: ClinicalTime) -> Option<Segment> {
        if self.running(t).is_some() {
            return None;
        }
        let end = self.segments.partition_point(|s| s.start <= t);
        self.segments[..end]
            .last()
            .copied()
            .filter(|s| s.end.is_some_and(|e| e <= t))
    }

    /// Every segment of `agent` that started at or before `t`, newest first.
    pub fn segments_of(&self, agent: Anticoagulant, t: ClinicalTime) -> impl Iterator<Item = Segment> + '_ {
        let end = self.segments.partition_point(|s| s.start <= t);
        self.segments[..end]
            .iter()
            .rev()
            .filter(move |s| s.drug() == agent)
            .copied()
    }

    /// The index of a segment (segments are in start order: a binary search, then back over equal starts).
    #[must_use]
    pub fn index_of(&self, seg: Segment) -> Option<usize> {
        let mut i = self.segments.partition_point(|s| s.start <= seg.start).checked_sub(1)?;
        while self.segments[i] != seg {
            i = i.checked_sub(1).filter(|&j| self.segments[j].start == seg.start)?;
        }
        Some(i)
    }

    /// The index of the first segment of the run (same drug, no gap) that segment `i` belongs to.
    #[must_use]
    pub fn run_start(&self, i: usize) -> usize {
        self.run_starts.get(i).copied().unwrap_or(i)
    }

    /// The infusion that ran just before `t` (a sample drawn at `t` reflects it, even when the rate
    /// changes at that same minute).
    #[must_use]
    pub fn in_effect_at(&self, t: ClinicalTime) -> Option<Segment> {
        self.running(t.plus_minutes(-1))
    }

    /// Antithrombin doses given at or before `t`.
    #[must_use]
    pub fn at_doses_until(&self, t: ClinicalTime) -> &[AtDose] {
        &self.at_doses[..self.at_doses.partition_point(|d| d.time <= t)]
    }

    /// The patient in effect at `t`: the case's patient (its values at the case start) with every fact
    /// changed at or before `t` (clinical reference §14.8).
    #[must_use]
    pub fn patient_at(&self, base: &crate::model::Patient, t: ClinicalTime) -> crate::model::Patient {
        let mut patient = base.clone();
        for (_, fact) in &self.facts[..self.facts.partition_point(|f| f.0 <= t)] {
            fact.apply_to(&mut patient);
        }
        patient
    }

    /// Since when a fact has held the value it has at `t`: the first of the latest rows that all give that
    /// value (a row repeating the value is not a change), or the case start when the patient's value at
    /// the start is that value too.
    #[must_use]
    pub fn fact_since(
        &self,
        base: &crate::model::Patient,
        code: crate::model::EventCode,
        t: ClinicalTime,
        case_start: ClinicalTime,
    ) -> ClinicalTime {
        let rows: Vec<(ClinicalTime, EventKind)> = self.facts[..self.facts.partition_point(|f| f.0 <= t)]
            .iter()
            .filter(|(_, kind)| kind.series() == code)
            .copied()
            .collect();
        let Some(&(mut since, last)) = rows.last() else {
            return case_start;
        };
        for &(time, kind) in rows.iter().rev().skip(1) {
            if kind != last {
                return since;
            }
            since = time;
        }
        let held_at_start = match last {
            // Active bleeding has no field of the patient: at the start there was none.
            EventKind::BleedingFrom(v) => !v.is_yes(),
            other => {
                let mut at_start = base.clone();
                other.apply_to(&mut at_start);
                at_start == *base
            }
        };
        if held_at_start { case_start } else { since }
    }

    /// The latest change of one fact at or before `t`.
    #[must_use]
    pub fn latest_fact(&self, code: crate::model::EventCode, t: ClinicalTime) -> Option<(ClinicalTime, EventKind)> {
        self.facts[..self.facts.partition_point(|f| f.0 <= t)]
            .iter()
            .rev()
            .find(|(_, kind)| kind.series() == code)
            .copied()
    }

    /// The facts charted at or before `t` (time, row), in time order.
    #[must_use]
    pub fn facts_until(&self, t: ClinicalTime) -> &[(ClinicalTime, EventKind)] {
        &self.facts[..self.facts.partition_point(|f| f.0 <= t)]
    }

    /// Events recorded but not read by any rule yet, at or before `t` (time, event index).
    #[must_use]
    pub fn recorded_only_until(&self, t: ClinicalTime) -> &[(ClinicalTime, usize)] {
        &self.recorded_only[..self.recorded_only.partition_point(|d| d.0 <= t)]
    }

    /// Plasma transfusions at or before `t` (time, event index).
    #[must_use]
    pub fn ffp_until(&self, t: ClinicalTime) -> &[(ClinicalTime, usize)] {
        &self.ffp[..self.ffp.partition_point(|d| d.0 <= t)]
    }

    /// Heparin infusion rate at `t`, if it runs.
    #[must_use]
    pub fn ufh_rate(&self, t: ClinicalTime) -> Option<UnitsPerHour> {
        self.running(t)?.rate.heparin()
    }
}

/// Rate events in time order → constant-rate segments: a rate of the same agent ends the running
/// segment; a new agent's start (rate > 0) ends whatever runs; a stop ends its own agent only, and
/// carries its reason.
fn segments_of(events: Vec<(ClinicalTime, InfusionRate, Option<StopReason>)>) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut running: Option<usize> = None;
    for (t, rate, reason) in events {
        let same_agent = running.is_some_and(|i| segments[i].drug() == rate.drug());
        if (same_agent || !rate.is_stop())
            && let Some(i) = running.take()
        {
            segments[i].end = Some(t);
            segments[i].ended_by = Some(match (same_agent, rate.is_stop()) {
                (true, true) => SegmentEnd::Stopped(reason),
                (true, false) => SegmentEnd::RateChange,
                (false, _) => SegmentEnd::Replaced,
            });
        }
        if !rate.is_stop() {
            segments.push(Segment {
                start: t,
                end: None,
                rate,
                ended_by: None,
            });
            running = Some(segments.len() - 1);
        }
    }
    segments
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
