//! An index over a case's timeline, built once (O(n log n)) so that every question the engine asks at an
//! `as_of` time (latest sample, units in the last 24 h, current infusion) is answered in O(log n).
//! Replay asks those questions at every event time, so nothing here rescans the whole history.

use crate::model::{Case, ClinicalTime, EventKind, Kilograms, LabKind, McgPerKgPerMin, MgPerKgPerHour, UnitsPerHour};

/// A lab result on the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub time: ClinicalTime,
    /// Value in the lab's canonical unit (s, units/mL, %, × 10⁹/L, g/L, mg/dL).
    pub value: f64,
    /// Index of the event in the case.
    pub event: usize,
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

/// An infusion running at a constant rate from `start` until `end` (`None`: still running).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub agent: Agent,
    pub start: ClinicalTime,
    pub end: Option<ClinicalTime>,
    /// Rate in the agent's unit: units/h (UFH), mcg/kg/min (argatroban), mg/kg/h (bivalirudin).
    pub rate: f64,
}

impl Segment {
    fn covers(&self, t: ClinicalTime) -> bool {
        self.start <= t && self.end.is_none_or(|end| t < end)
    }
}

/// An antithrombin dose of either product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtDose {
    pub time: ClinicalTime,
    pub units: f64,
    pub recombinant: bool,
}

/// The indexed timeline of one case.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub weight: Kilograms,
    labs: Vec<Vec<Sample>>,
    /// All infusion segments of all agents, in time order; a new agent's start ends the previous one.
    segments: Vec<Segment>,
    /// Heparin units delivered by infusion before each segment's start (UFH segments only count).
    units_before_segment: Vec<f64>,
    boluses: Vec<(ClinicalTime, f64)>,
    /// Running total of bolus units, inclusive.
    bolus_running_total: Vec<f64>,
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
    /// Builds the index. The case's events must be sorted by time (`Case::sort_events`).
    #[must_use]
    pub fn new(case: &Case) -> Self {
        let weight = case.patient.weight.kg;
        let mut labs: Vec<Vec<Sample>> = vec![Vec::new(); LabKind::ALL.len()];
        let mut boluses = Vec::new();
        let mut infusion_events: Vec<(ClinicalTime, Agent, f64)> = Vec::new();
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
            if let Some((lab, value)) = event.kind.lab() {
                labs[lab.index()].push(Sample {
                    time: t,
                    value,
                    event: index,
                });
                continue;
            }
            match event.kind {
                EventKind::UfhBolus(u) => boluses.push((t, u.value())),
                EventKind::UfhInfusion(rate) => {
                    infusion_events.push((t, Agent::Ufh, rate.units_per_hour(weight).value()));
                    ufh_rate_events.push(t);
                }
                EventKind::ArgatrobanInfusion(r) => infusion_events.push((t, Agent::Argatroban, r.value())),
                EventKind::BivalirudinInfusion(r) => infusion_events.push((t, Agent::Bivalirudin, r.value())),
                EventKind::AtConcentrate(u) => at_doses.push(AtDose {
                    time: t,
                    units: u.value(),
                    recombinant: false,
                }),
                EventKind::AtRecombinant(u) => at_doses.push(AtDose {
                    time: t,
                    units: u.value(),
                    recombinant: true,
                }),
                EventKind::Ffp(_) => ffp.push((t, index)),
                _ => {}
            }
        }

        let mut segments: Vec<Segment> = Vec::new();
        let mut running: Option<usize> = None;
        for (t, agent, rate) in infusion_events {
            let same_agent = running.is_some_and(|i| segments[i].agent == agent);
            if (same_agent || rate > 0.0)
                && let Some(i) = running.take()
            {
                segments[i].end = Some(t);
            }
            if rate > 0.0 {
                segments.push(Segment {
                    agent,
                    start: t,
                    end: None,
                    rate,
                });
                running = Some(segments.len() - 1);
            }
        }

        let mut units_before_segment = Vec::with_capacity(segments.len());
        let mut total = 0.0;
        for s in &segments {
            units_before_segment.push(total);
            if s.agent == Agent::Ufh
                && let Some(end) = s.end
            {
                total += s.rate * end.hours_since(s.start);
            }
        }

        let mut bolus_running_total = Vec::with_capacity(boluses.len());
        let mut sum = 0.0;
        for (_, u) in &boluses {
            sum += u;
            bolus_running_total.push(sum);
        }

        let first_infusion = segments.iter().find(|s| s.agent == Agent::Ufh).map(|s| s.start);
        let first_bolus = boluses.first().map(|(t, _)| *t);
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

    /// All samples of a lab (for plots and pairing).
    #[must_use]
    pub fn samples(&self, lab: LabKind) -> &[Sample] {
        &self.labs[lab.index()]
    }

    /// Samples of a lab drawn at or before `t`.
    #[must_use]
    pub fn samples_until(&self, lab: LabKind, t: ClinicalTime) -> &[Sample] {
        let all = self.samples(lab);
        &all[..all.partition_point(|s| s.time <= t)]
    }

    /// The most recent sample at or before `t`.
    #[must_use]
    pub fn latest(&self, lab: LabKind, t: ClinicalTime) -> Option<Sample> {
        self.samples_until(lab, t).last().copied()
    }

    /// The latest sample no older than `max_age_h` at `t`.
    #[must_use]
    pub fn recent(&self, lab: LabKind, t: ClinicalTime, max_age_h: f64) -> Option<Sample> {
        self.latest(lab, t).filter(|s| t.hours_since(s.time) <= max_age_h)
    }

    /// The sample of `lab` closest in time to `at`, within `window_min` minutes, not after `until`.
    #[must_use]
    pub fn nearest(&self, lab: LabKind, at: ClinicalTime, window_min: f64, until: ClinicalTime) -> Option<Sample> {
        let samples = self.samples_until(lab, until);
        let i = samples.partition_point(|s| s.time < at);
        let candidates = [i.checked_sub(1), Some(i)];
        candidates
            .into_iter()
            .flatten()
            .filter_map(|j| samples.get(j))
            .filter(|s| (s.time.minutes_since(at).abs() as f64) <= window_min)
            .min_by_key(|s| s.time.minutes_since(at).abs())
            .copied()
    }

    /// Every infusion segment of every agent, in time order (for plotting the rates).
    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Heparin boluses (time, units), in time order.
    #[must_use]
    pub fn boluses(&self) -> &[(ClinicalTime, f64)] {
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
        self.segments[..end].iter().rev().find(|s| s.agent == agent).copied()
    }

    /// When the running infusion of `agent` was last changed (its segment start), if it runs at `t`.
    #[must_use]
    pub fn last_rate_change(&self, agent: Agent, t: ClinicalTime) -> Option<ClinicalTime> {
        self.running(t).filter(|s| s.agent == agent).map(|s| s.start)
    }

    /// The last UFH rate event (start, change or stop) at or before `t`.
    #[must_use]
    pub fn last_ufh_rate_event(&self, t: ClinicalTime) -> Option<ClinicalTime> {
        last_at_or_before(&self.ufh_rate_events, t, |x| *x).map(|i| self.ufh_rate_events[i])
    }

    /// Total heparin units (boluses and infusions) given up to and including `t`.
    #[must_use]
    pub fn cumulative_heparin_units(&self, t: ClinicalTime) -> f64 {
        let boluses = last_at_or_before(&self.boluses, t, |b| b.0).map_or(0.0, |i| self.bolus_running_total[i]);
        let infused = match last_at_or_before(&self.segments, t, |s| s.start) {
            None => 0.0,
            Some(i) => {
                // Units before segment i, plus the part of segment i up to t (if it is heparin).
                let s = &self.segments[i];
                let partial = if s.agent == Agent::Ufh {
                    let until = s.end.map_or(t, |end| end.min(t));
                    s.rate * until.hours_since(s.start).max(0.0)
                } else {
                    0.0
                };
                self.units_before_segment[i] + partial
            }
        };
        boluses + infused
    }

    /// Heparin units given in the window `(from, to]`.
    #[must_use]
    pub fn heparin_units_between(&self, from: ClinicalTime, to: ClinicalTime) -> f64 {
        (self.cumulative_heparin_units(to) - self.cumulative_heparin_units(from)).max(0.0)
    }

    /// Heparin given in each of the last `hours` whole hours before `t`, newest first (protamine rule).
    #[must_use]
    pub fn heparin_units_per_recent_hour(&self, t: ClinicalTime, hours: usize) -> Vec<f64> {
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
        self.running(t)
            .filter(|s| s.agent == Agent::Argatroban)
            .and_then(|s| McgPerKgPerMin::new(s.rate).ok())
    }

    /// Bivalirudin rate at `t`, if it runs.
    #[must_use]
    pub fn bivalirudin_rate(&self, t: ClinicalTime) -> Option<MgPerKgPerHour> {
        self.running(t)
            .filter(|s| s.agent == Agent::Bivalirudin)
            .and_then(|s| MgPerKgPerHour::new(s.rate).ok())
    }

    /// Heparin infusion rate at `t`, if it runs.
    #[must_use]
    pub fn ufh_rate(&self, t: ClinicalTime) -> Option<UnitsPerHour> {
        self.running(t)
            .filter(|s| s.agent == Agent::Ufh)
            .and_then(|s| UnitsPerHour::new(s.rate).ok())
    }
}
