//! aPTT / anti-Xa pairing and the level of each assay against its target (clinical reference §4, §9).
//! Results are rounded half up to reporting precision (anti-Xa 0.01 units/mL, aPTT 1 s) before they
//! are classified, and targets are closed intervals: one target, one table (rev 2).

use super::timeline::{Sample, Timeline};
use crate::model::{AntiXaLevel, ClinicalTime, Minutes, Quantity, Range, Seconds};
use crate::protocol::Protocol;

/// Where a result lies against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Below,
    InRange,
    Above,
}

impl Level {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Below => "below target",
            Self::InRange => "in target",
            Self::Above => "above target",
        }
    }
}

/// Where `value` lies against the closed interval `target`.
#[must_use]
pub fn classify_level<Q: Quantity>(value: Q, target: Range<Q>) -> Level {
    if value < target.low {
        Level::Below
    } else if value > target.high {
        Level::Above
    } else {
        Level::InRange
    }
}

/// Where the control aPTT comes from (clinical reference §5, §14.6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ControlBasis {
    /// The baseline entered for the patient.
    Baseline,
    /// No baseline entered: the first aPTT drawn before any anticoagulant, at this time.
    Drawn(ClinicalTime),
    /// No baseline: the laboratory's control.
    Laboratory,
    /// The baseline is above the laboratory's upper reference limit: not the heparin control, the
    /// laboratory's is (the anti-Xa should monitor heparin).
    BaselineProlonged(Seconds),
}

/// The control aPTT heparin ratios use: the patient's baseline (entered, or drawn before any
/// anticoagulant), else the protocol's lab control — and the lab control when the baseline is prolonged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Control {
    pub seconds: Seconds,
    pub basis: ControlBasis,
}

impl Control {
    /// From an entered baseline, if any.
    #[must_use]
    pub fn of(protocol: &Protocol, baseline: Option<Seconds>) -> Self {
        match baseline {
            Some(b) => Self::from_baseline(protocol, b, ControlBasis::Baseline),
            None => Self::laboratory(protocol, ControlBasis::Laboratory),
        }
    }

    /// From a baseline drawn at `at`, before any anticoagulant.
    #[must_use]
    pub fn drawn(protocol: &Protocol, baseline: Seconds, at: ClinicalTime) -> Self {
        Self::from_baseline(protocol, baseline, ControlBasis::Drawn(at))
    }

    fn from_baseline(protocol: &Protocol, baseline: Seconds, basis: ControlBasis) -> Self {
        if baseline > protocol.monitoring.aptt_reference_upper_s.value {
            Self::laboratory(protocol, ControlBasis::BaselineProlonged(baseline))
        } else {
            Self {
                seconds: baseline,
                basis,
            }
        }
    }

    fn laboratory(protocol: &Protocol, basis: ControlBasis) -> Self {
        Self {
            seconds: protocol.monitoring.lab_control_aptt_s.value,
            basis,
        }
    }

    /// Whether the control is the patient's own baseline.
    #[must_use]
    pub fn from_baseline_value(self) -> bool {
        matches!(self.basis, ControlBasis::Baseline | ControlBasis::Drawn(_))
    }

    /// The baseline aPTT in use and where it comes from, as the window shows it beside the card:
    /// "31 s from the 2019-01-04T07:30 draw, before heparin", "30 s, entered for the patient", "none
    /// entered or drawn before heparin: the laboratory's control 30 s is used", "45 s is prolonged: the
    /// laboratory's control 30 s is used; monitor heparin by anti-Xa".
    #[must_use]
    pub fn origin(self) -> String {
        match self.basis {
            ControlBasis::Baseline => format!("{}, entered for the patient", self.seconds),
            ControlBasis::Drawn(at) => format!("{} from the {at} draw, before heparin", self.seconds),
            ControlBasis::Laboratory => format!(
                "none entered or drawn before heparin: the laboratory's control {} is used",
                self.seconds
            ),
            ControlBasis::BaselineProlonged(b) => format!(
                "{b} is prolonged: the laboratory's control {} is used; monitor heparin by anti-Xa",
                self.seconds
            ),
        }
    }

    /// "control 30 s (baseline)", "control 31 s (baseline 31 s from the 07:30 draw, before heparin)",
    /// "control 30 s (laboratory control: no baseline entered)".
    #[must_use]
    pub fn describe(self) -> String {
        match self.basis {
            ControlBasis::Baseline => format!("control {} (baseline)", self.seconds),
            ControlBasis::Drawn(at) => format!(
                "control {} (baseline {} from the {at} draw, before heparin)",
                self.seconds, self.seconds
            ),
            ControlBasis::Laboratory => format!("control {} (laboratory control: no baseline entered)", self.seconds),
            ControlBasis::BaselineProlonged(b) => format!(
                "control {} (laboratory control: baseline aPTT {b} prolonged: monitor heparin by anti-Xa)",
                self.seconds
            ),
        }
    }
}

/// The one heparin aPTT range (§9 rev 2): the protocol's calibrated range when set, else the Raschke
/// ratio × control, marked uncalibrated. Titration, the card, the plot band and discordance all use it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeparinApttRange {
    pub range: Range<Seconds>,
    pub calibrated: bool,
    pub control: Control,
}

impl HeparinApttRange {
    #[must_use]
    pub fn of(protocol: &Protocol, baseline: Option<Seconds>) -> Self {
        Self::with_control(protocol, Control::of(protocol, baseline))
    }

    /// The range around a given control.
    #[must_use]
    pub fn with_control(protocol: &Protocol, control: Control) -> Self {
        match &protocol.ufh.aptt_calibrated_range_s {
            Some(r) => Self {
                range: r.value,
                calibrated: true,
                control,
            },
            None => {
                let ratio = protocol.ufh.aptt_target_ratio.value;
                Self {
                    range: Range {
                        low: ratio.low.of(control.seconds),
                        high: ratio.high.of(control.seconds),
                    },
                    calibrated: false,
                    control,
                }
            }
        }
    }

    /// "aPTT 45–69 s (1.5–2.3 × control 30 s, uncalibrated)".
    #[must_use]
    pub fn describe(&self, protocol: &Protocol) -> String {
        if self.calibrated {
            format!(
                "aPTT {}–{} s (calibrated to anti-Xa for the local reagent)",
                self.range.low.shown(),
                self.range.high.shown()
            )
        } else {
            let r = protocol.ufh.aptt_target_ratio.value;
            format!(
                "aPTT {}–{} s ({}–{} × {}, uncalibrated)",
                self.range.low.shown(),
                self.range.high.shown(),
                r.low.shown(),
                r.high.shown(),
                self.control.describe()
            )
        }
    }

    /// Where an aPTT lies (pass a sample's `banded` value: the bands are whole seconds).
    #[must_use]
    pub fn level(&self, aptt: Seconds) -> Level {
        classify_level(aptt, self.range)
    }
}

/// The heparin hold threshold for the aPTT (§5 rev 2): above 3 × control (the Raschke hold row) or
/// above 100 s, whichever is lower.
#[must_use]
pub fn heparin_aptt_hold_above(protocol: &Protocol, control: Control) -> Seconds {
    let ratio = protocol.ufh.aptt_nomogram.first_hold_row().map_or(3.0, |(_, r)| r.from);
    let by_ratio = Seconds::new(ratio * control.seconds.value()).unwrap_or(control.seconds);
    by_ratio.min(protocol.ufh.aptt_hold_above_s.value)
}

/// An aPTT and an anti-Xa drawn within the pairing window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub aptt: Sample<Seconds>,
    pub anti_xa: Sample<AntiXaLevel>,
}

impl Pair {
    #[must_use]
    pub fn time(&self) -> ClinicalTime {
        self.anti_xa.time
    }
}

/// Every anti-Xa paired with its nearest aPTT within the window (for the scatter plot).
#[must_use]
pub fn paired_samples(tl: &Timeline, window: Minutes) -> Vec<Pair> {
    let Some(last) = tl.event_times().last().copied() else {
        return Vec::new();
    };
    tl.labs
        .anti_xa
        .all()
        .iter()
        .filter_map(|x| {
            tl.labs
                .aptt
                .nearest(x.time, window, last)
                .map(|aptt| Pair { aptt, anti_xa: *x })
        })
        .collect()
}

/// The latest pair at `as_of`: the latest anti-Xa with its nearest aPTT (neither after `as_of`).
#[must_use]
pub fn latest_pair(tl: &Timeline, as_of: ClinicalTime, window: Minutes) -> Option<Pair> {
    let anti_xa = tl.labs.anti_xa.latest(as_of)?;
    let aptt = tl.labs.aptt.nearest(anti_xa.time, window, as_of)?;
    Some(Pair { aptt, anti_xa })
}

/// The patient's own aPTT↔anti-Xa relation: a least-squares line aPTT = intercept + slope × anti-Xa
/// through the paired samples, and the aPTT range it implies for the calibration anti-Xa range
/// (Brill-Edwards 1993: an aPTT range should be calibrated to anti-Xa, per reagent; here per patient).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ApttAntiXaFit {
    pub intercept_s: f64,
    pub slope_s_per_unit_per_ml: f64,
    /// Coefficient of determination (0–1): how well the line explains the pairs.
    pub r_squared: f64,
    pub pairs: usize,
    /// The anti-Xa levels read off (the protocol's calibration range).
    pub anti_xa: Range<AntiXaLevel>,
    /// The aPTT at those two levels (a line may run below zero: these are plain seconds on a plot).
    pub implied_aptt_s: Range<f64>,
}

impl ApttAntiXaFit {
    #[must_use]
    pub fn aptt_at(&self, anti_xa: f64) -> f64 {
        self.intercept_s + self.slope_s_per_unit_per_ml * anti_xa
    }
}

/// What a fit needs (clinical reference §9 rev 2: at least 4 pairs over at least 24 h).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitNeeds {
    pub min_pairs: usize,
    pub min_span_h: f64,
}

impl FitNeeds {
    #[must_use]
    pub fn of(protocol: &Protocol) -> Self {
        let m = &protocol.monitoring;
        Self {
            min_pairs: (m.aptt_fit_min_pairs.value as usize).max(3),
            min_span_h: m.aptt_fit_min_span_h.value.value(),
        }
    }
}

/// Fits the relation over `pairs`. Needs the protocol's number of pairs over its span (never fewer than
/// three), a spread of anti-Xa levels and a rising line (aPTT lengthens with heparin); otherwise `None`,
/// because a line through fewer, bunched or flat points would be a guess dressed as a number.
#[must_use]
pub fn fit_aptt_anti_xa(pairs: &[Pair], calibration: Range<AntiXaLevel>, needs: FitNeeds) -> Option<ApttAntiXaFit> {
    if pairs.len() < needs.min_pairs.max(3) {
        return None;
    }
    let first = pairs.iter().map(Pair::time).min()?;
    let last = pairs.iter().map(Pair::time).max()?;
    if last.hours_since(first) < needs.min_span_h {
        return None;
    }
    let n = pairs.len() as f64;
    let mean_x = pairs.iter().map(|p| p.anti_xa.value.value()).sum::<f64>() / n;
    let mean_y = pairs.iter().map(|p| p.aptt.value.value()).sum::<f64>() / n;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for p in pairs {
        let (dx, dy) = (p.anti_xa.value.value() - mean_x, p.aptt.value.value() - mean_y);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if sxx < 1e-6 || syy <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    if slope <= 0.0 || !slope.is_finite() {
        return None;
    }
    let intercept = mean_y - slope * mean_x;
    let fit = ApttAntiXaFit {
        intercept_s: intercept,
        slope_s_per_unit_per_ml: slope,
        r_squared: (sxy * sxy) / (sxx * syy),
        pairs: pairs.len(),
        anti_xa: calibration,
        implied_aptt_s: Range { low: 0.0, high: 0.0 },
    };
    Some(ApttAntiXaFit {
        implied_aptt_s: Range {
            low: fit.aptt_at(calibration.low.value()),
            high: fit.aptt_at(calibration.high.value()),
        },
        ..fit
    })
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    fn pair(aptt: f64, xa: f64, minute: i64) -> Pair {
        let time = ClinicalTime::constant(2024, 1, 1, 0, 0).plus_minutes(minute);
        Pair {
            aptt: Sample {
                time,
                value: Seconds::new(aptt).unwrap(),
                banded: Seconds::new(aptt).unwrap(),
                event: 0,
            },
            anti_xa: Sample {
                time,
                value: AntiXaLevel::new(xa).unwrap(),
                banded: AntiXaLevel::new(xa).unwrap(),
                event: 1,
            },
        }
    }

    const NEEDS: FitNeeds = FitNeeds {
        min_pairs: 4,
        min_span_h: 24.0,
    };

    fn calibration() -> Range<AntiXaLevel> {
        Range {
            low: AntiXaLevel::new(0.3).unwrap(),
            high: AntiXaLevel::new(0.7).unwrap(),
        }
    }

    #[test]
    fn a_straight_line_is_recovered_and_read_at_the_calibration_range() {
        // aPTT = 30 + 100 × anti-Xa exactly.
        let pairs = [
            pair(40.0, 0.1, 0),
            pair(60.0, 0.3, 600),
            pair(80.0, 0.5, 1200),
            pair(100.0, 0.7, 1440),
        ];
        let fit = fit_aptt_anti_xa(&pairs, calibration(), NEEDS);
        let fit = fit.unwrap_or_else(|| panic!("four rising pairs over 24 h fit"));
        assert!((fit.slope_s_per_unit_per_ml - 100.0).abs() < 1e-9);
        assert!((fit.intercept_s - 30.0).abs() < 1e-9);
        assert!((fit.r_squared - 1.0).abs() < 1e-9);
        assert!((fit.implied_aptt_s.low - 60.0).abs() < 1e-9 && (fit.implied_aptt_s.high - 100.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_flat_or_falling_pairs_give_no_line() {
        let r = calibration();
        // Three rising pairs over a day: too few; four within 12 h: too short.
        assert!(
            fit_aptt_anti_xa(
                &[pair(40.0, 0.1, 0), pair(60.0, 0.3, 720), pair(80.0, 0.5, 1440)],
                r,
                NEEDS
            )
            .is_none()
        );
        let bunched = [
            pair(40.0, 0.1, 0),
            pair(60.0, 0.3, 240),
            pair(80.0, 0.5, 480),
            pair(100.0, 0.7, 720),
        ];
        assert!(fit_aptt_anti_xa(&bunched, r, NEEDS).is_none());
        let flat = [
            pair(40.0, 0.3, 0),
            pair(60.0, 0.3, 480),
            pair(50.0, 0.3, 960),
            pair(55.0, 0.3, 1440),
        ];
        assert!(fit_aptt_anti_xa(&flat, r, NEEDS).is_none());
        let falling = [
            pair(80.0, 0.1, 0),
            pair(60.0, 0.3, 480),
            pair(40.0, 0.5, 960),
            pair(30.0, 0.6, 1440),
        ];
        assert!(fit_aptt_anti_xa(&falling, r, NEEDS).is_none());
    }
}
