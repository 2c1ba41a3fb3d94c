//! Lab results on the timeline: one typed series per lab, each in its unit, answering "latest", "recent"
//! and "nearest" in O(log n).

use crate::model::{ClinicalTime, EventKind, Hours, LabKind, Minutes, Quantity, round_half_up};

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

    fn push(&mut self, time: ClinicalTime, value: Q, banded: Q, event: usize) {
        self.samples.push(Sample {
            time,
            value,
            banded,
            event,
        });
    }
}

/// A lab result as a plain point, for drawing (the one place a value leaves its type: a plot axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabPoint {
    pub time: ClinicalTime,
    pub value: f64,
}

/// A result as the bands read it: rounded half up to the lab's reported precision, or as entered.
macro_rules! banded {
    ($value:expr, -) => {
        $value
    };
    ($value:expr, $decimals:literal) => {
        Quantity::try_new(round_half_up($value.value(), $decimals)).unwrap_or($value)
    };
}

/// Builds `Labs` from the one table of lab kinds (`model::lab_table`): one typed series per row.
macro_rules! labs_of_table {
    ($($lab:ident($ty:ty) $field:ident $code:literal $label:literal $noun:literal
        [$stored:literal $(, $alt:literal $op:tt $factor:literal)*]
        reported $reported:tt limit $limit:tt flowsheet $sheet:literal),+ $(,)?) => {
        /// Every lab series of a case, each in its unit.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Labs {
            $(
                #[doc = concat!("Every ", $label, " result.")]
                pub $field: Series<$ty>,
            )+
        }

        impl Labs {
            /// Files a lab result in its series; `false` for a dose. The one place a result is rounded
            /// "as the lab reports it" (an aPTT to 1 s, an anti-Xa to 0.01 units/mL): the table's
            /// `reported` column.
            pub(super) fn add(&mut self, kind: EventKind, time: ClinicalTime, event: usize) -> bool {
                match kind {
                    $(EventKind::$lab(v) => self.$field.push(time, v, banded!(v, $reported), event),)+
                    // Below the limit: the clinical rules read the limit (every threshold lies above it).
                    EventKind::AntiXaBelow(v) => {
                        self.anti_xa.push(time, v, banded!(v, 2), event);
                    }
                    // A dose: not a lab result.
                    _ => return false,
                }
                true
            }

            /// A lab's results at or before `t` as plain points (plots, the flowsheet).
            #[must_use]
            pub fn points_until(&self, lab: LabKind, t: ClinicalTime) -> Vec<LabPoint> {
                match lab {
                    $(LabKind::$lab => self.$field.until(t).iter().map(|x| LabPoint {
                        time: x.time,
                        value: x.value.value(),
                    }).collect(),)+
                }
            }

            /// When a lab was first measured.
            #[must_use]
            pub fn first_time(&self, lab: LabKind) -> Option<ClinicalTime> {
                match lab {
                    $(LabKind::$lab => self.$field.all().first().map(|x| x.time),)+
                }
            }

            /// The decimals a lab's value is shown with (its unit type's).
            #[must_use]
            pub fn decimals(lab: LabKind) -> usize {
                match lab {
                    $(LabKind::$lab => <$ty as Quantity>::DECIMALS,)+
                }
            }

            /// The unit a lab's value is shown in (its unit type's).
            #[must_use]
            pub fn unit(lab: LabKind) -> &'static str {
                match lab {
                    $(LabKind::$lab => <$ty as Quantity>::UNIT,)+
                }
            }
        }
    };
}
crate::model::lab_table::lab_table!(labs_of_table);
