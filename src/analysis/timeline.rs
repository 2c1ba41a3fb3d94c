//! An index over a case's timeline, built once (O(n log n)) so that every question the engine asks at an
//! `as_of` time (latest sample, units in the last 24 h, current infusion) is answered in O(log n).
//! Replay asks those questions at every event time, so nothing here rescans the whole history. Every
//! sample, rate and dose keeps its unit in its type.

use crate::model::{
    AntiXaLevel, Case, ClinicalTime, EventKind, GramsPerLitre, Hours, Inr, Kilograms, LabKind, McgPerKgPerMin, MgPerDl,
    MgPerKgPerHour, Minutes, Percent, PlateletCount, Quantity, Seconds, Units, UnitsPerHour,
};

/// A lab result on the timeline, in its lab's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample<Q> {
    pub time: ClinicalTime,
    pub value: Q,
    /// Index of the event in the case.
    pub event: usize,
}

/// One lab's results in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series<Q> {
    samples: Vec<Sample<Q>>,
}

impl<Q> Default for Series<Q> {
    fn default() -> Self {
        Self { samples: Vec::new() }
    }
}

impl<Q: Quantity> Series<Q> {
    /// Every sample (for plots and pairing).
    #[must_use]
    pub fn all(&self) -> &[Sample<Q>] {
        &self.samples
    }

    /// Samples drawn at or before `t`.
    #[must_use]
    pub fn until(&self, t: ClinicalTime) -> &[Sample<Q>] {
        &self.samples[..self.samples.partition_point(|s| s.time <= t)]
    }

    /// The most recent sample at or before `t`.
    #[must_use]
    pub fn latest(&self, t: ClinicalTime) -> Option<Sample<Q>> {
        self.until(t).last().copied()
    }

    /// The latest sample no older than `max_age` at `t`.
    #[must_use]
    pub fn recent(&self, t: ClinicalTime, max_age: Hours) -> Option<Sample<Q>> {
        self.latest(t).filter(|s| t.hours_since(s.time) <= max_age.value())
    }

    /// The sample closest in time to `at`, within `window`, not after `until`.
    #[must_use]
    pub fn nearest(&self, at: ClinicalTime, window: Minutes, until: ClinicalTime) -> Option<Sample<Q>> {
        let samples = self.until(until);
        let i = samples.partition_point(|s| s.time < at);
        [i.checked_sub(1), Some(i)]
            .into_iter()
            .flatten()
            .filter_map(|j| samples.get(j))
            .filter(|s| (s.time.minutes_since(at).abs() as f64) <= window.value())
            .min_by_key(|s| s.time.minutes_since(at).abs())
            .copied()
    }

    fn push(&mut self, time: ClinicalTime, value: Q, event: usize) {
        self.samples.push(Sample { time, value, event });
    }
}

/// Every lab series of a case, each in its unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labs {
    pub aptt: Series<Seconds>,
    pub anti_xa: Series<AntiXaLevel>,
    pub antithrombin: Series<Percent>,
    pub act: Series<Seconds>,
    pub platelets: Series<PlateletCount>,
    pub fibrinogen: Series<GramsPerLitre>,
    pub inr: Series<Inr>,
    pub hemoglobin: Series<GramsPerLitre>,
    pub factor_viii: Series<Percent>,
    pub plasma_free_hb: Series<MgPerDl>,
    pub bilirubin: Series<MgPerDl>,
}

/// A lab result as a plain point, for drawing (the one place a value leaves its type: a plot axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabPoint {
    pub time: ClinicalTime,
    pub value: f64,
}

/// Runs `$body` with `$s` bound to the series of `$lab` (each arm has its own sample type).
macro_rules! with_series {
    ($labs:expr, $lab:expr, |$s:ident| $body:expr) => {
        match $lab {
            LabKind::Aptt => {
                let $s = &$labs.aptt;
                $body
            }
            LabKind::AntiXa => {
                let $s = &$labs.anti_xa;
                $body
            }
            LabKind::Antithrombin => {
                let $s = &$labs.antithrombin;
                $body
            }
            LabKind::Act => {
                let $s = &$labs.act;
                $body
            }
            LabKind::Platelets => {
                let $s = &$labs.platelets;
                $body
            }
            LabKind::Fibrinogen => {
                let $s = &$labs.fibrinogen;
                $body
            }
            LabKind::Inr => {
                let $s = &$labs.inr;
                $body
            }
            LabKind::Hemoglobin => {
                let $s = &$labs.hemoglobin;
                $body
            }
            LabKind::FactorViii => {
                let $s = &$labs.factor_viii;
                $body
            }
            LabKind::PlasmaFreeHb => {
                let $s = &$labs.plasma_free_hb;
                $body
            }
            LabKind::Bilirubin => {
                let $s = &$labs.bilirubin;
                $body
            }
        }
    };
}

impl Labs {
    fn add(&mut self, kind: EventKind, time: ClinicalTime, event: usize) -> bool {
        match kind {
            EventKind::Aptt(v) => self.aptt.push(time, v, event),
            EventKind::AntiXa(v) => self.anti_xa.push(time, v, event),
            EventKind::Antithrombin(v) => self.antithrombin.push(time, v, event),
            EventKind::Act(v) => self.act.push(time, v, event),
            EventKind::Platelets(v) => self.platelets.push(time, v, event),
            EventKind::Fibrinogen(v) => self.fibrinogen.push(time, v, event),
            EventKind::Inr(v) => self.inr.push(time, v, event),
            EventKind::Hemoglobin(v) => self.hemoglobin.push(time, v, event),
            EventKind::FactorViii(v) => self.factor_viii.push(time, v, event),
            EventKind::PlasmaFreeHb(v) => self.plasma_free_hb.push(time, v, event),
            EventKind::Bilirubin(v) => self.bilirubin.push(time, v, event),
            EventKind::UfhBolus(_)
            | EventKind::UfhInfusion(_)
            | EventKind::AtConcentrate(_)
            | EventKind::AtRecombinant(_)
            | EventKind::Ffp(_)
            | EventKind::ArgatrobanInfusion(_)
            | EventKind::BivalirudinInfusion(_)
            | EventKind::Protamine(_) => return false,
        }
        true
    }

    /// A lab's results at or before `t` as plain points (plots).
    #[must_use]
    pub fn points_until(&self, lab: LabKind, t: ClinicalTime) -> Vec<LabPoint> {
        with_series!(self, lab, |s| s
            .until(t)
            .iter()
            .map(|x| LabPoint {
                time: x.time,
                value: x.value.value(),
            })
            .collect())
    }

    /// When a lab was first measured.
    #[must_use]
    pub fn first_time(&self, lab: LabKind) -> Option<ClinicalTime> {
        with_series!(self, lab, |s| s.all().first().map(|x| x.time))
    }
}

/// The anticoagulant an infusion belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    Ufh,
    Argatroban,
    Bivalirudin,
}

impl Agent {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Ufh => "unfractionated heparin",
            Self::Argatroban => "argatroban",
            Self::Bivalirudin => "bivalirudin",
        }
    }
}

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
    pub fn agent(self) -> Agent {
        match self {
            Self::Ufh(_) => Agent::Ufh,
            Self::Argatroban(_) => Agent::Argatroban,
            Self::Bivalirudin(_) => Agent::Bivalirudin,
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

/// An infusion running at a constant rate from `start` until `end` (`None`: still running).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub start: ClinicalTime,
    pub end: Option<ClinicalTime>,
    pub rate: InfusionRate,
}

impl Segment {
    #[must_use]
    pub fn agent(&self) -> Agent {
        self.rate.agent()
    }

    fn covers(&self, t: ClinicalTime) -> bool {
        self.start <= t && self.end.is_none_or(|end| t < end)
    }

    /// Heparin delivered by this segment up to `t` (none for a DTI).
    fn heparin_until(&self, t: ClinicalTime) -> Units {
        match self.rate {
            InfusionRate::Ufh(rate) => {
                let until = self.end.map_or(t, |end| end.min(t));
                rate.over(until.elapsed_since(self.start))
            }
            InfusionRate::Argatroban(_) | InfusionRate::Bivalirudin(_) => Units::ZERO,
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
    /// Heparin units delivered by infusion before each segment's start (UFH segments only count).
    units_before_segment: Vec<Units>,
    boluses: Vec<Bolus>,
    /// Running total of bolus units, inclusive.
    bolus_running_total: Vec<Units>,
    /// Times of UFH infusion rate events (changes, starts, stops).
    ufh_rate_events: Vec<ClinicalTime>,
    at_doses: Vec<AtDose>,
    ffp: Vec<(ClinicalTime, usize)>,
    first_heparin: Option<ClinicalTime>,
    event_times: Vec<ClinicalTime>,
}

/// Index of the last item with `time <= t` in a time-sorted slice.
fn last_at_or_before<T>(items: &[T], t: ClinicalTime, time: impl Fn(&T) -> ClinicalTime) -> Option<usize> {
    items.partition_point(|x| time(x) <= t).checked_sub(1)
}

impl Timeline {
    /// Builds the index. Events are taken in time order (ties in entry order).
    #[must_use]
    pub fn new(case: &Case) -> Self {
        let weight = case.patient.weight.kg;
        let mut labs = Labs::default();
        let mut boluses = Vec::new();
        let mut infusion_events: Vec<(ClinicalTime, InfusionRate)> = Vec::new();
        let mut ufh_rate_events = Vec::new();
        let mut at_doses = Vec::new();
        let mut ffp = Vec::new();
        let mut event_times = Vec::with_capacity(case.events.len());

        let mut sorted: Vec<usize> = (0..case.events.len()).collect();
        sorted.sort_by_key(|&i| case.events[i].time);
        for index in sorted {
            let event = &case.events[index];
            let t = event.time;
            if event_times.last() != Some(&t) {
                event_times.push(t);
            }
            if labs.add(event.kind, t, index) {
                continue;
            }
            match event.kind {
                EventKind::UfhBolus(units) => boluses.push(Bolus { time: t, units }),
                EventKind::UfhInfusion(rate) => {
                    infusion_events.push((t, InfusionRate::Ufh(rate.units_per_hour(weight))));
                    ufh_rate_events.push(t);
                }
                EventKind::ArgatrobanInfusion(r) => infusion_events.push((t, InfusionRate::Argatroban(r))),
                EventKind::BivalirudinInfusion(r) => infusion_events.push((t, InfusionRate::Bivalirudin(r))),
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
                EventKind::Protamine(_)
                | EventKind::Aptt(_)
                | EventKind::AntiXa(_)
                | EventKind::Antithrombin(_)
                | EventKind::Act(_)
                | EventKind::Platelets(_)
                | EventKind::Fibrinogen(_)
                | EventKind::Inr(_)
                | EventKind::Hemoglobin(_)
                | EventKind::FactorViii(_)
                | EventKind::PlasmaFreeHb(_)
                | EventKind::Bilirubin(_) => {}
            }
        }

        let segments = segments_of(infusion_events);
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

        let first_infusion = segments.iter().find(|s| s.agent() == Agent::Ufh).map(|s| s.start);
        let first_bolus = boluses.first().map(|b| b.time);
        let first_heparin = match (first_infusion, first_bolus) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };

        Self {
            weight,
            labs,
            segments,
            units_before_segment,
            boluses,
            bolus_running_total,
            ufh_rate_events,
            at_doses,
            ffp,
            first_heparin,
            event_times,
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
    pub fn last_segment_of(&self, agent: Agent, t: ClinicalTime) -> Option<Segment> {
        let end = self.segments.partition_point(|s| s.start <= t);
        self.segments[..end].iter().rev().find(|s| s.agent() == agent).copied()
    }

    /// When the running infusion of `agent` was last changed (its segment start), if it runs at `t`.
    #[must_use]
    pub fn last_rate_change(&self, agent: Agent, t: ClinicalTime) -> Option<ClinicalTime> {
        self.running(t).filter(|s| s.agent() == agent).map(|s| s.start)
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

    /// Antithrombin doses given at or before `t`.
    #[must_use]
    pub fn at_doses_until(&self, t: ClinicalTime) -> &[AtDose] {
        &self.at_doses[..self.at_doses.partition_point(|d| d.time <= t)]
    }

    /// Plasma transfusions at or before `t` (time, event index).
    #[must_use]
    pub fn ffp_until(&self, t: ClinicalTime) -> &[(ClinicalTime, usize)] {
        &self.ffp[..self.ffp.partition_point(|d| d.0 <= t)]
    }

    /// Argatroban rate at `t`, if it runs.
    #[must_use]
    pub fn argatroban_rate(&self, t: ClinicalTime) -> Option<McgPerKgPerMin> {
        match self.running(t)?.rate {
            InfusionRate::Argatroban(r) => Some(r),
            InfusionRate::Ufh(_) | InfusionRate::Bivalirudin(_) => None,
        }
    }

    /// Bivalirudin rate at `t`, if it runs.
    #[must_use]
    pub fn bivalirudin_rate(&self, t: ClinicalTime) -> Option<MgPerKgPerHour> {
        match self.running(t)?.rate {
            InfusionRate::Bivalirudin(r) => Some(r),
            InfusionRate::Ufh(_) | InfusionRate::Argatroban(_) => None,
        }
    }

    /// Heparin infusion rate at `t`, if it runs.
    #[must_use]
    pub fn ufh_rate(&self, t: ClinicalTime) -> Option<UnitsPerHour> {
        match self.running(t)?.rate {
            InfusionRate::Ufh(r) => Some(r),
            InfusionRate::Argatroban(_) | InfusionRate::Bivalirudin(_) => None,
        }
    }
}

/// Rate events in time order → constant-rate segments: a rate of the same agent ends the running
/// segment; a new agent's start (rate > 0) ends whatever runs; a stop ends its own agent only.
fn segments_of(events: Vec<(ClinicalTime, InfusionRate)>) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut running: Option<usize> = None;
    for (t, rate) in events {
        let same_agent = running.is_some_and(|i| segments[i].agent() == rate.agent());
        if (same_agent || !rate.is_stop())
            && let Some(i) = running.take()
        {
            segments[i].end = Some(t);
        }
        if !rate.is_stop() {
            segments.push(Segment {
                start: t,
                end: None,
                rate,
            });
            running = Some(segments.len() - 1);
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, HeparinRate, Patient, Setting, UnitsPerKgPerHour, Weight, WeightKind};

    fn t(h: i64) -> ClinicalTime {
        ClinicalTime::constant(2025, 1, 1, 0, 0).plus_minutes(h * 60)
    }

    fn case(events: Vec<(i64, EventKind)>) -> Case {
        let kg = Kilograms::new(80.0).unwrap();
        let patient = Patient::new(
            Weight {
                kg,
                measured_at: t(0),
                kind: WeightKind::Actual,
            },
            Setting::Icu,
        );
        let mut c = Case::new("t", "adult-icu", t(0), patient);
        c.events = events.into_iter().map(|(h, k)| Event::new(t(h), k)).collect();
        c
    }

    fn ufh(rate: f64) -> EventKind {
        EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(UnitsPerKgPerHour::new(rate).unwrap()))
    }

    #[test]
    fn heparin_is_the_sum_of_boluses_and_the_integral_of_the_rate() {
        // 80 kg: 5,000-unit bolus at 0 h, 18 units/kg/h (1,440 units/h) from 0 to 10 h, then 20 (1,600).
        let tl = Timeline::new(&case(vec![
            (0, EventKind::UfhBolus(Units::new(5000.0).unwrap())),
            (0, ufh(18.0)),
            (10, ufh(20.0)),
        ]));
        assert!((tl.cumulative_heparin_units(t(10)).value() - (5000.0 + 14_400.0)).abs() < 1e-9);
        assert!((tl.cumulative_heparin_units(t(12)).value() - (5000.0 + 14_400.0 + 3_200.0)).abs() < 1e-9);
        assert!((tl.heparin_units_between(t(10), t(12)).value() - 3_200.0).abs() < 1e-9);
        assert_eq!(tl.heparin_units_per_recent_hour(t(12), 2).len(), 2);
    }

    #[test]
    fn a_stop_ends_its_infusion_and_a_dti_start_ends_heparin() {
        let tl = Timeline::new(&case(vec![
            (0, ufh(18.0)),
            (5, ufh(0.0)),
            (6, ufh(12.0)),
            (8, EventKind::ArgatrobanInfusion(McgPerKgPerMin::new(0.5).unwrap())),
        ]));
        assert_eq!(tl.running(t(5)), None, "stopped at 5 h");
        assert!(tl.ufh_rate(t(7)).is_some());
        assert_eq!(tl.ufh_rate(t(8)), None, "argatroban replaced heparin");
        assert!(tl.argatroban_rate(t(9)).is_some());
        // 5 h × 1,440 + 2 h × 960.
        assert!((tl.cumulative_heparin_units(t(9)).value() - (7_200.0 + 1_920.0)).abs() < 1e-9);
        assert_eq!(tl.last_ufh_rate_event(t(9)), Some(t(6)));
    }

    #[test]
    fn series_answer_latest_recent_and_nearest() {
        let tl = Timeline::new(&case(vec![
            (1, EventKind::Aptt(Seconds::new(40.0).unwrap())),
            (7, EventKind::Aptt(Seconds::new(60.0).unwrap())),
            (7, EventKind::AntiXa(AntiXaLevel::new(0.3).unwrap())),
        ]));
        let aptt = &tl.labs.aptt;
        assert_eq!(aptt.latest(t(6)).map(|s| s.value.value()), Some(40.0));
        assert_eq!(aptt.recent(t(32), Hours::new(24.0).unwrap()), None);
        assert!(aptt.recent(t(30), Hours::new(24.0).unwrap()).is_some());
        let near = aptt.nearest(t(7), Minutes::new(60.0).unwrap(), t(8));
        assert_eq!(near.map(|s| s.time), Some(t(7)));
        assert_eq!(tl.labs.points_until(LabKind::AntiXa, t(8)).len(), 1);
        assert_eq!(tl.labs.first_time(LabKind::Aptt), Some(t(1)));
    }
}
