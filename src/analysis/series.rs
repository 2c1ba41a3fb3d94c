//! Lab results on the timeline: one typed series per lab, each in its unit, answering "latest", "recent"
//! and "nearest" in O(log n).

use crate::model::{
    AntiXaLevel, ClinicalTime, EventKind, GramsPerLitre, Hours, Inr, LabKind, MgPerDl, Minutes, Percent, PlateletCount,
    Quantity, Seconds, round_half_up,
};

/// A lab result on the timeline, in its lab's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample<Q> {
    pub time: ClinicalTime,
    /// As entered: what every sentence, plot and flowsheet shows.
    pub value: Q,
    /// As the rules compare it with a band or a threshold: an aPTT to 1 s and an anti-Xa to
    /// 0.01 units/mL, half up, as the nomograms' and tables' bands are written; any other lab as entered.
    /// Rounded here, once, when the timeline is built — the one place a result is rounded so.
    pub banded: Q,
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

    pub(super) fn push(&mut self, time: ClinicalTime, value: Q, event: usize) {
        self.push_banded(time, value, value, event);
    }

    fn push_banded(&mut self, time: ClinicalTime, value: Q, banded: Q, event: usize) {
        self.samples.push(Sample {
            time,
            value,
            banded,
            event,
        });
    }
}

/// An anti-Xa as the bands read it (0.01 units/mL, half up).
fn banded_anti_xa(v: AntiXaLevel) -> AntiXaLevel {
    AntiXaLevel::new(round_half_up(v.value(), 2)).unwrap_or(v)
}

/// An aPTT as the bands read it (1 s, half up).
fn banded_aptt(v: Seconds) -> Seconds {
    Seconds::new(round_half_up(v.value(), 0)).unwrap_or(v)
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
    pub(super) fn add(&mut self, kind: EventKind, time: ClinicalTime, event: usize) -> bool {
        match kind {
            EventKind::Aptt(v) => self.aptt.push_banded(time, v, banded_aptt(v), event),
            // Below the limit: the clinical rules read the limit (every threshold lies above it).
            EventKind::AntiXa(v) | EventKind::AntiXaBelow(v) => {
                self.anti_xa.push_banded(time, v, banded_anti_xa(v), event);
            }
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
