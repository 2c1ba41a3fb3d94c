//! HIT 4Ts score (Lo 2006). Thrombocytopenia and timing are computed from the platelet series and the
//! first heparin exposure; thrombosis and other causes are entered by the clinician.

use super::timeline::{Sample, Timeline};
use super::types::{Detail, FourTs, FourTsBand, FourTsItem, FourTsItems};
use crate::model::{ClinicalTime, Patient, Percent, PlateletCount, PriorHeparin, Setting, num};
use crate::protocol::{HitScore, Protocol};

/// Whether a recorded history of HIT counts toward "HIT suspected".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryUse {
    /// Only the 4Ts decides (the ICU and ECMO branch today).
    NotConsidered,
    /// A history of HIT is enough on its own (the bypass branch today).
    Considered { hit_history: bool },
}

/// HIT suspected: a 4Ts score at or above the protocol's acting threshold **with** a platelet fall (the
/// thrombocytopenia item ≥ 1; a score reached by the entered items alone is shown but does not act),
/// or — where the history counts — a history of HIT.
#[must_use]
pub fn suspected(four_ts: Option<&FourTs>, rules: &HitScore, history: HistoryUse) -> bool {
    let by_score = four_ts.is_some_and(|f| f.score >= rules.suspect_from && f.items.thrombocytopenia.points > 0);
    by_score || matches!(history, HistoryUse::Considered { hit_history: true })
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

    let (thrombocytopenia, onset) = match peak {
        None => (
            FourTsItem {
                points: 0,
                computed: true,
                basis: if explain {
                    format!("no fall: the lowest count ({}) is the first", nadir.value.shown()).into()
                } else {
                    "".into()
                },
            },
            None,
        ),
        Some(peak) => {
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
            // Onset: the first count after the peak that is already ≥ 30% below it.
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
            (
                FourTsItem {
                    points,
                    computed: true,
                    basis: basis.into(),
                },
                onset,
            )
        }
    };

    let timing = timing_item(onset, first_heparin, patient.prior_heparin, h, explain);
    let thrombosis = FourTsItem {
        points: patient.hit_thrombosis.points(),
        computed: false,
        basis: "entered by the clinician (2 new thrombosis, skin necrosis or systemic reaction; 1 progressive or suspected; 0 none)".into(),
    };
    let other_causes = FourTsItem {
        points: patient.hit_other_causes.points(),
        computed: false,
        basis: "entered by the clinician (2 none apparent; 1 possible; 0 definite)".into(),
    };
    let score = thrombocytopenia.points + timing.points + thrombosis.points + other_causes.points;
    let band = if score <= h.low_max {
        FourTsBand::Low
    } else if score <= h.intermediate_max {
        FourTsBand::Intermediate
    } else {
        FourTsBand::High
    };
    let on_support = patient.setting.is_ecmo() || patient.setting == Setting::Cpb;
    Some(FourTs {
        score,
        band,
        items: FourTsItems {
            thrombocytopenia,
            timing,
            thrombosis,
            other_causes,
        },
        caveat: (on_support && score < h.suspect_from).then(|| h.mechanical_support_caveat.clone()),
        source: h.source.clone(),
    })
}

fn timing_item(
    onset: Option<Sample<PlateletCount>>,
    first_heparin: ClinicalTime,
    prior: PriorHeparin,
    h: &HitScore,
    explain: bool,
) -> FourTsItem {
    let Some(onset) = onset else {
        return FourTsItem {
            points: 0,
            computed: true,
            basis: if explain {
                format!("no platelet fall of {} or more", h.fall_one_point_from_percent).into()
            } else {
                "".into()
            },
        };
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
    } else if rapid && prior == PriorHeparin::Within30Days {
        (2, format!("rapid fall with heparin in the past {recent} days"))
    } else if rapid && prior == PriorHeparin::Between30And100Days {
        (1, format!("rapid fall with heparin {recent}–{older} days ago"))
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
    FourTsItem {
        points,
        computed: true,
        basis: if explain {
            format!("{day_text}: {why}").into()
        } else {
            "".into()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{case_with, h, platelets, ufh_rate};
    use super::*;
    use crate::model::{Case, FourTsPoints};

    fn score(case: &Case, at: i64) -> FourTs {
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        let tl = Timeline::new(case);
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

    #[test]
    fn thrombocytopenia_bands() {
        // > 50% fall with nadir ≥ 20: 2; 30–50% or nadir 10–19: 1; < 30% or nadir < 10: 0.
        assert_eq!(score(&fall(200.0, 80.0, 6), 144).items.thrombocytopenia.points, 2);
        assert_eq!(score(&fall(200.0, 120.0, 6), 144).items.thrombocytopenia.points, 1);
        assert_eq!(score(&fall(40.0, 15.0, 6), 144).items.thrombocytopenia.points, 1);
        assert_eq!(score(&fall(200.0, 150.0, 6), 144).items.thrombocytopenia.points, 0);
        assert_eq!(score(&fall(100.0, 8.0, 6), 144).items.thrombocytopenia.points, 0);
    }

    #[test]
    fn timing_bands() {
        let timing = |c: &Case, day: i64| score(c, day * 24).items.timing.points;
        // Onset on day 6 (typical 5–10): 2; day 12: 1; day 4: 1 (consistent, not clear); day 2: 0.
        assert_eq!(timing(&fall(200.0, 80.0, 6), 6), 2);
        assert_eq!(timing(&fall(200.0, 80.0, 12), 12), 1);
        assert_eq!(timing(&fall(200.0, 80.0, 4), 4), 1);
        assert_eq!(timing(&fall(200.0, 80.0, 2), 2), 0);
        // A fall within a day: 2 with heparin in the past 30 days, 1 with 30–100 days.
        let mut rapid = fall(200.0, 80.0, 1);
        rapid.patient.prior_heparin = PriorHeparin::Within30Days;
        assert_eq!(timing(&rapid, 1), 2);
        rapid.patient.prior_heparin = PriorHeparin::Between30And100Days;
        assert_eq!(timing(&rapid, 1), 1);
    }

    #[test]
    fn score_bands_and_the_mechanical_support_caveat() {
        let mut c = fall(200.0, 80.0, 6);
        c.patient.hit_other_causes = FourTsPoints::new(2).unwrap_or_else(|e| panic!("{e}"));
        c.patient.hit_thrombosis = FourTsPoints::new(2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(score(&c, 144).band, FourTsBand::High, "2 + 2 + 2 + 2");
        c.patient.hit_thrombosis = FourTsPoints::new(0).unwrap_or_else(|e| panic!("{e}"));
        c.patient.hit_other_causes = FourTsPoints::new(0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(score(&c, 144).band, FourTsBand::Intermediate, "2 + 2");
        let low = fall(200.0, 150.0, 6);
        assert_eq!(score(&low, 144).band, FourTsBand::Low);
        assert!(score(&low, 144).caveat.is_none(), "ICU: no mechanical support");
        let mut ecmo = low.clone();
        ecmo.patient.setting = Setting::EcmoVv;
        assert!(score(&ecmo, 144).caveat.is_some());
    }

    #[test]
    fn no_score_before_heparin_or_with_one_count() {
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        let one = case_with(vec![(0, ufh_rate(18.0)), (1, platelets(200.0))]);
        assert!(four_ts(&Timeline::new(&one), &one.patient, &p, h(2), Detail::Explained).is_none());
        let none = case_with(vec![(0, platelets(200.0)), (1, platelets(100.0))]);
        assert!(four_ts(&Timeline::new(&none), &none.patient, &p, h(2), Detail::Explained).is_none());
    }
}
