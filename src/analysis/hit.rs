//! HIT 4Ts score (Lo 2006). Thrombocytopenia and timing are computed from the platelet series and the
//! first heparin exposure; thrombosis and other causes are entered by the clinician. An item not
//! entered is unknown, never a default: the score is then a range (clinical reference §7, rev 2). The
//! 4Ts decides only when HIT is suspected (a platelet fall of 30% or more on heparin, or an entered
//! thrombosis item), and a history of HIT decides on its own (§1).

use super::timeline::{Sample, Timeline};
use super::types::{Detail, FourTs, FourTsBand, FourTsItem, FourTsItems, FourTsStatus};
use crate::model::{ClinicalTime, HitHistory, Patient, Percent, PlateletCount, PriorHeparin, Setting, num};
use crate::protocol::{HitScore, Protocol};

/// What the HIT screen decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitCall {
    /// No heparin exposure or fewer than two platelet counts (and no history that decides).
    NotScored,
    /// No trigger: HIT is not suspected and the 4Ts is not applied.
    NotSuspected,
    /// Suspected, but the score (or its whole range) is below the acting threshold, or there is no
    /// platelet fall (the thrombocytopenia item is 0).
    Unlikely,
    /// Suspected, and unentered items leave the score on both sides of the acting threshold.
    NeedsData,
    /// Act: stop all heparin, switch to a DTI.
    Suspected,
    /// A recent or antibody-positive (or untested) history: heparin is contraindicated.
    HistoryForbidsHeparin,
    /// A remote, antibody-negative history outside bypass: a non-heparin anticoagulant by default,
    /// heparin as the alternative.
    HistoryPrefersNonHeparin,
}

impl HitCall {
    /// Whether the call stops heparin.
    #[must_use]
    pub fn stops_heparin(self) -> bool {
        matches!(
            self,
            Self::Suspected | Self::HistoryForbidsHeparin | Self::HistoryPrefersNonHeparin
        )
    }
}

/// The HIT screen's decision: the history first (clinical reference §1), then the 4Ts — acting only
/// when the whole range is at or above the threshold **and** the platelets fell (thrombocytopenia item
/// ≥ 1; a score reached by entered items alone is shown but does not act).
#[must_use]
pub fn call(four_ts: Option<&FourTs>, rules: &HitScore, history: HitHistory, setting: Setting) -> HitCall {
    match history {
        HitHistory::RecentOrPositive => return HitCall::HistoryForbidsHeparin,
        HitHistory::RemoteAntibodyNegative if setting != Setting::Cpb => return HitCall::HistoryPrefersNonHeparin,
        HitHistory::RemoteAntibodyNegative | HitHistory::None => {}
    }
    let Some(f) = four_ts else {
        return HitCall::NotScored;
    };
    if f.status == FourTsStatus::NotSuspected {
        return HitCall::NotSuspected;
    }
    let fell = f.items.thrombocytopenia.min > 0;
    if !fell || f.score_max < rules.suspect_from {
        HitCall::Unlikely
    } else if f.score_min >= rules.suspect_from {
        HitCall::Suspected
    } else {
        HitCall::NeedsData
    }
}

/// The largest platelet fall on heparin (from the highest count on heparin, or the count just before it
/// began, to a later one), if it reaches the protocol's one-point fall: what makes HIT a question.
fn fall_on_heparin(
    counts: &[Sample<PlateletCount>],
    first_heparin: ClinicalTime,
    h: &HitScore,
) -> Option<(Sample<PlateletCount>, Sample<PlateletCount>, Percent)> {
    // The count drawn just before heparin began is its baseline: the fall is measured from it too.
    let start = counts.partition_point(|s| s.time < first_heparin).saturating_sub(1);
    let on_heparin = &counts[start..];
    let mut peak: Option<Sample<PlateletCount>> = None;
    let mut best: Option<(Sample<PlateletCount>, Sample<PlateletCount>, Percent)> = None;
    for s in on_heparin {
        if let Some(p) = peak {
            let fall = Percent::fall(p.value.value(), s.value.value());
            if fall >= h.fall_one_point_from_percent && best.is_none_or(|(_, _, f)| fall > f) {
                best = Some((p, *s, fall));
            }
        }
        if peak.is_none_or(|p| s.value > p.value) {
            peak = Some(*s);
        }
    }
    best
}

/// The thrombocytopenia item and the onset of the fall (the first count after the peak already ≥ 30%
/// below it).
fn thrombocytopenia_item(
    counts: &[Sample<PlateletCount>],
    h: &HitScore,
    explain: bool,
) -> Option<(FourTsItem, Option<Sample<PlateletCount>>)> {
    // Nadir, and the highest count before it (the fall is measured from there).
    let (nadir_i, nadir) = counts
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.value.value().total_cmp(&b.1.value.value()).then(b.0.cmp(&a.0)))
        .map(|(i, s)| (i, *s))?;
    let peak = counts[..nadir_i]
        .iter()
        .copied()
        .max_by(|a, b| a.value.value().total_cmp(&b.value.value()));
    let Some(peak) = peak else {
        let basis = if explain {
            format!("no fall: the lowest count ({}) is the first", nadir.value.shown())
        } else {
            String::new()
        };
        return Some((FourTsItem::known(0, true, basis), None));
    };
    let fall = Percent::fall(peak.value.value(), nadir.value.value());
    let points = if fall < h.fall_one_point_from_percent || nadir.value < h.nadir_one_point_from {
        0
    } else if fall > h.fall_two_points_above_percent && nadir.value >= h.nadir_two_points_from {
        2
    } else {
        1
    };
    let basis = if explain {
        format!(
            "fall {fall} from {} ({}) to nadir {} ({}) × 10⁹/L",
            peak.value.shown(),
            peak.time,
            nadir.value.shown(),
            nadir.time
        )
    } else {
        String::new()
    };
    let threshold = peak.value.value() * (1.0 - h.fall_one_point_from_percent.value() / 100.0);
    let peak_i = counts[..nadir_i]
        .iter()
        .rposition(|s| s.time == peak.time && s.value == peak.value);
    let onset = (fall >= h.fall_one_point_from_percent)
        .then(|| {
            peak_i.and_then(|i| {
                counts[i..=nadir_i]
                    .iter()
                    .find(|s| s.value.value() <= threshold)
                    .copied()
            })
        })
        .flatten();
    Some((FourTsItem::known(points, true, basis), onset))
}

/// An entered item: its points, or unknown (0–2).
fn entered_item(points: Option<crate::model::FourTsPoints>, basis: &'static str) -> FourTsItem {
    match points {
        Some(p) => FourTsItem::known(p.points(), false, basis),
        None => FourTsItem::unknown(0, 2, false, basis),
    }
}

/// The 4Ts at `as_of`; `None` before any heparin or with fewer than two platelet counts. With
/// [`Detail::Decision`] the computed items' bases are left empty.
#[must_use]
pub fn four_ts(
    tl: &Timeline,
    patient: &Patient,
    protocol: &Protocol,
    as_of: ClinicalTime,
    detail: Detail,
) -> Option<FourTs> {
    let explain = detail == Detail::Explained;
    let h = &protocol.hit;
    let first_heparin = tl.first_heparin().filter(|t| *t <= as_of)?;
    let counts = tl.labs.platelets.until(as_of);
    if counts.len() < 2 {
        return None;
    }
    let (thrombocytopenia, onset) = thrombocytopenia_item(counts, h, explain)?;
    let timing = timing_item(onset, first_heparin, patient.prior_heparin, h, explain);
    let thrombosis = entered_item(
        patient.hit_thrombosis,
        "entered by the clinician (2 new thrombosis, skin necrosis or systemic reaction; 1 progressive or suspected; 0 none)",
    );
    let other_causes = entered_item(
        patient.hit_other_causes,
        "entered by the clinician (2 none apparent; 1 possible; 0 definite)",
    );
    let items = FourTsItems {
        thrombocytopenia,
        timing,
        thrombosis,
        other_causes,
    };
    let score_min: u8 = items.all().iter().map(|i| i.min).sum();
    let score_max: u8 = items.all().iter().map(|i| i.max).sum();
    let score = items.all().iter().map(|i| i.points).sum::<Option<u8>>();
    let band = score.map(|s| {
        if s <= h.low_max {
            FourTsBand::Low
        } else if s <= h.intermediate_max {
            FourTsBand::Intermediate
        } else {
            FourTsBand::High
        }
    });
    let fall = fall_on_heparin(counts, first_heparin, h);
    let entered_thrombosis = patient.hit_thrombosis.filter(|p| p.points() > 0);
    let suspected_by = match (fall, entered_thrombosis) {
        (Some((peak, low, percent)), _) => Some(if explain {
            format!(
                "platelets fell {percent} on heparin, from {} ({}) to {} ({}) × 10⁹/L",
                peak.value.shown(),
                peak.time,
                low.value.shown(),
                low.time
            )
        } else {
            String::new()
        }),
        (None, Some(p)) => Some(if explain {
            format!(
                "thrombosis item entered as {} (thrombosis, skin lesion or post-bolus reaction)",
                p.points()
            )
        } else {
            String::new()
        }),
        (None, None) => None,
    };
    let status = match (&suspected_by, score) {
        (None, _) => FourTsStatus::NotSuspected,
        (Some(_), Some(_)) => FourTsStatus::Scored,
        (Some(_), None) => FourTsStatus::NeedsData,
    };
    let on_support = patient.setting.is_ecmo() || patient.setting == Setting::Cpb;
    Some(FourTs {
        status,
        suspected_by,
        score,
        score_min,
        score_max,
        band,
        items,
        caveat: (on_support && score_min < h.suspect_from).then(|| h.mechanical_support_caveat.clone()),
        source: h.source.clone(),
    })
}

fn timing_item(
    onset: Option<Sample<PlateletCount>>,
    first_heparin: ClinicalTime,
    prior: Option<PriorHeparin>,
    h: &HitScore,
    explain: bool,
) -> FourTsItem {
    let Some(onset) = onset else {
        let basis = if explain {
            format!("no platelet fall of {} or more", h.fall_one_point_from_percent)
        } else {
            String::new()
        };
        return FourTsItem::known(0, true, basis);
    };
    let day = onset.time.hours_since(first_heparin) / 24.0;
    let day_text = if explain {
        format!(
            "fall began {} (day {} of heparin, first heparin {})",
            onset.time,
            num(day, 1),
            first_heparin
        )
    } else {
        String::new()
    };
    let (recent, older) = (
        num(h.recent_exposure_days.value(), 0),
        num(h.older_exposure_within_days.value(), 0),
    );
    let rapid = day <= h.rapid_onset_within_days.value();
    let typical = h.typical_onset_days;
    let (points, why) = if day < 0.0 {
        (0, "the fall began before heparin was started".to_owned())
    } else if rapid && prior == Some(PriorHeparin::Within30Days) {
        (2, format!("rapid fall with heparin in the past {recent} days"))
    } else if rapid && prior == Some(PriorHeparin::Between30And100Days) {
        (1, format!("rapid fall with heparin {recent}–{older} days ago"))
    } else if rapid && prior.is_none() {
        let basis = if explain {
            format!(
                "{day_text}: a rapid fall scores 0–2 by heparin in the past {older} days: enter the prior heparin exposure"
            )
        } else {
            String::new()
        };
        return FourTsItem::unknown(0, 2, true, basis);
    } else if day >= typical.low.value() && day <= typical.high.value() {
        (2, "clear onset in the typical window".to_owned())
    } else if day > typical.high.value() {
        (1, "onset after the typical window".to_owned())
    } else if day >= h.possible_onset_from_day.value() {
        (1, "consistent with the typical window but not clear".to_owned())
    } else {
        (
            0,
            "fall within the first days without recent heparin exposure".to_owned(),
        )
    };
    let basis = if explain {
        format!("{day_text}: {why}")
    } else {
        String::new()
    };
    FourTsItem::known(points, true, basis)
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{case_with, h, platelets, ufh_rate};
    use super::*;
    use crate::analysis::types::FourTsStatus;
    use crate::model::{Case, FourTsPoints};

    fn score(case: &Case, at: i64) -> FourTs {
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        let tl = Timeline::new(case, case.patient.weight.kg);
        four_ts(&tl, &case.patient, &p, h(at), Detail::Explained).unwrap_or_else(|| panic!("scored"))
    }

    /// Heparin from 0 h; platelets `peak` at 0 h and `nadir` on `day`.
    fn fall(peak: f64, nadir: f64, day: i64) -> Case {
        case_with(vec![
            (0, ufh_rate(18.0)),
            (0, platelets(peak)),
            (day * 24, platelets(nadir)),
        ])
    }

    fn points(n: u8) -> Option<FourTsPoints> {
        Some(FourTsPoints::new(n).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn thrombocytopenia_bands() {
        // > 50% fall with nadir ≥ 20: 2; 30–50% or nadir 10–19: 1; < 30% or nadir < 10: 0.
        let t = |c: &Case| score(c, 144).items.thrombocytopenia.points;
        assert_eq!(t(&fall(200.0, 80.0, 6)), Some(2));
        assert_eq!(t(&fall(200.0, 120.0, 6)), Some(1));
        assert_eq!(t(&fall(40.0, 15.0, 6)), Some(1));
        assert_eq!(t(&fall(200.0, 150.0, 6)), Some(0));
        assert_eq!(t(&fall(100.0, 8.0, 6)), Some(0));
    }

    #[test]
    fn timing_bands() {
        let timing = |c: &Case, day: i64| score(c, day * 24).items.timing.points;
        // Onset on day 6 (typical 5–10): 2; day 12: 1; day 4: 1 (consistent, not clear); day 2: 0.
        assert_eq!(timing(&fall(200.0, 80.0, 6), 6), Some(2));
        assert_eq!(timing(&fall(200.0, 80.0, 12), 12), Some(1));
        assert_eq!(timing(&fall(200.0, 80.0, 4), 4), Some(1));
        assert_eq!(timing(&fall(200.0, 80.0, 2), 2), Some(0));
        // A fall within a day: 2 with heparin in the past 30 days, 1 with 30–100 days, 0 with none,
        // and unknown (0–2) when the prior exposure is not entered.
        let mut rapid = fall(200.0, 80.0, 1);
        rapid.patient.prior_heparin = Some(PriorHeparin::Within30Days);
        assert_eq!(timing(&rapid, 1), Some(2));
        rapid.patient.prior_heparin = Some(PriorHeparin::Between30And100Days);
        assert_eq!(timing(&rapid, 1), Some(1));
        rapid.patient.prior_heparin = Some(PriorHeparin::None);
        assert_eq!(timing(&rapid, 1), Some(0));
        rapid.patient.prior_heparin = None;
        let unknown = score(&rapid, 24).items.timing;
        assert_eq!((unknown.points, unknown.min, unknown.max), (None, 0, 2));
    }

    #[test]
    fn unentered_items_make_the_score_a_range() {
        // Fall > 50% on day 6: 2 + 2 computed; thrombosis and other causes not entered: 4–8.
        let c = fall(200.0, 80.0, 6);
        let f = score(&c, 144);
        assert_eq!((f.score, f.score_min, f.score_max), (None, 4, 8));
        assert_eq!(f.status, FourTsStatus::NeedsData);
        assert_eq!(f.band, None);
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            call(Some(&f), &p.hit, HitHistory::None, Setting::Icu),
            HitCall::Suspected,
            "4–8: the whole range acts"
        );
        // A 35% fall (1) on day 6 (2): 3–7 straddles 4.
        let straddle = score(&fall(200.0, 130.0, 6), 144);
        assert_eq!((straddle.score_min, straddle.score_max), (3, 7));
        assert_eq!(
            call(Some(&straddle), &p.hit, HitHistory::None, Setting::Icu),
            HitCall::NeedsData
        );
        let mut entered = fall(200.0, 130.0, 6);
        entered.patient.hit_thrombosis = points(0);
        entered.patient.hit_other_causes = points(0);
        let low = score(&entered, 144);
        assert_eq!(low.score, Some(3));
        assert_eq!(
            call(Some(&low), &p.hit, HitHistory::None, Setting::Icu),
            HitCall::Unlikely
        );
    }

    #[test]
    fn without_a_fall_or_a_thrombosis_hit_is_not_suspected() {
        let c = fall(200.0, 180.0, 6);
        let f = score(&c, 144);
        assert_eq!(f.status, FourTsStatus::NotSuspected);
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            call(Some(&f), &p.hit, HitHistory::None, Setting::Icu),
            HitCall::NotSuspected
        );
        let mut thrombosis = c.clone();
        thrombosis.patient.hit_thrombosis = points(2);
        assert_eq!(
            score(&thrombosis, 144).status,
            FourTsStatus::NeedsData,
            "an entered thrombosis is a trigger"
        );
    }

    #[test]
    fn the_history_decides_before_the_score() {
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        for setting in Setting::ALL {
            assert_eq!(
                call(None, &p.hit, HitHistory::RecentOrPositive, setting),
                HitCall::HistoryForbidsHeparin
            );
        }
        assert_eq!(
            call(None, &p.hit, HitHistory::RemoteAntibodyNegative, Setting::EcmoVv),
            HitCall::HistoryPrefersNonHeparin
        );
        assert_eq!(
            call(None, &p.hit, HitHistory::RemoteAntibodyNegative, Setting::Cpb),
            HitCall::NotScored,
            "on bypass heparin is acceptable for the procedure"
        );
    }

    #[test]
    fn score_bands_and_the_mechanical_support_caveat() {
        let mut c = fall(200.0, 80.0, 6);
        c.patient.hit_other_causes = points(2);
        c.patient.hit_thrombosis = points(2);
        assert_eq!(score(&c, 144).band, Some(FourTsBand::High), "2 + 2 + 2 + 2");
        c.patient.hit_thrombosis = points(0);
        c.patient.hit_other_causes = points(0);
        assert_eq!(score(&c, 144).band, Some(FourTsBand::Intermediate), "2 + 2");
        let mut low = fall(200.0, 150.0, 6);
        low.patient.hit_thrombosis = points(0);
        low.patient.hit_other_causes = points(0);
        assert_eq!(score(&low, 144).band, Some(FourTsBand::Low));
        assert!(score(&low, 144).caveat.is_none(), "ICU: no mechanical support");
        let mut ecmo = low.clone();
        ecmo.patient.setting = Setting::EcmoVv;
        assert!(score(&ecmo, 144).caveat.is_some());
    }

    #[test]
    fn no_score_before_heparin_or_with_one_count() {
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        let one = case_with(vec![(0, ufh_rate(18.0)), (1, platelets(200.0))]);
        assert!(
            four_ts(
                &Timeline::new(&one, one.patient.weight.kg),
                &one.patient,
                &p,
                h(2),
                Detail::Explained
            )
            .is_none()
        );
        let none = case_with(vec![(0, platelets(200.0)), (1, platelets(100.0))]);
        assert!(
            four_ts(
                &Timeline::new(&none, none.patient.weight.kg),
                &none.patient,
                &p,
                h(2),
                Detail::Explained
            )
            .is_none()
        );
    }
}
