//! HIT 4Ts score (Lo 2006). Thrombocytopenia and timing are computed from the platelet series and the
//! first heparin exposure; thrombosis and other causes are entered by the clinician.

use super::timeline::{Sample, Timeline};
use super::types::{Detail, FourTs, FourTsBand, FourTsItem, FourTsItems};
use crate::model::{ClinicalTime, LabKind, Patient, PriorHeparin, num};
use crate::protocol::Protocol;

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
    let counts = tl.samples_until(LabKind::Platelets, as_of);
    if counts.len() < 2 {
        return None;
    }
    // Nadir, and the highest count before it (the fall is measured from there).
    let (nadir_i, nadir) = counts
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.value.total_cmp(&b.1.value).then(b.0.cmp(&a.0)))
        .map(|(i, s)| (i, *s))?;
    let peak = counts[..nadir_i]
        .iter()
        .copied()
        .max_by(|a, b| a.value.total_cmp(&b.value));

    let (thrombocytopenia, onset) = match peak {
        None => (
            FourTsItem {
                points: 0,
                computed: true,
                basis: if explain {
                    format!("no fall: the lowest count ({}) is the first", num(nadir.value, 0)).into()
                } else {
                    "".into()
                },
            },
            None,
        ),
        Some(peak) => {
            let fall = if peak.value > 0.0 {
                (peak.value - nadir.value) / peak.value * 100.0
            } else {
                0.0
            };
            let points = if fall < h.fall_one_point_from_percent || nadir.value < h.nadir_one_point_from {
                0
            } else if fall > h.fall_two_points_above_percent && nadir.value >= h.nadir_two_points_from {
                2
            } else {
                1
            };
            let basis = if explain {
                format!(
                    "fall {}% from {} ({}) to nadir {} ({}) × 10⁹/L",
                    num(fall, 0),
                    num(peak.value, 0),
                    peak.time,
                    num(nadir.value, 0),
                    nadir.time
                )
            } else {
                String::new()
            };
            // Onset: the first count after the peak that is already ≥ 30% below it.
            let threshold = peak.value * (1.0 - h.fall_one_point_from_percent / 100.0);
            let peak_i = counts
                .iter()
                .position(|s| s.time == peak.time && s.value == peak.value)
                .unwrap_or(0);
            let onset = (fall >= h.fall_one_point_from_percent)
                .then(|| counts[peak_i..=nadir_i].iter().find(|s| s.value <= threshold).copied())
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

    let timing = timing_item(onset, first_heparin, patient.prior_heparin, protocol, explain);
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
    let on_support = patient.setting.is_ecmo() || patient.setting == crate::model::Setting::Cpb;
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
    onset: Option<Sample>,
    first_heparin: ClinicalTime,
    prior: PriorHeparin,
    protocol: &Protocol,
    explain: bool,
) -> FourTsItem {
    let h = &protocol.hit;
    let Some(onset) = onset else {
        return FourTsItem {
            points: 0,
            computed: true,
            basis: "no platelet fall of 30% or more".into(),
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
    let (points, why) = if day < 0.0 {
        (0, "the fall began before heparin was started")
    } else if day <= h.rapid_onset_within_days && prior == PriorHeparin::Within30Days {
        (2, "rapid fall with heparin in the past 30 days")
    } else if day <= h.rapid_onset_within_days && prior == PriorHeparin::Between30And100Days {
        (1, "rapid fall with heparin 30–100 days ago")
    } else if day >= h.typical_onset_days.low && day <= h.typical_onset_days.high {
        (2, "clear onset in the typical window")
    } else if day > h.typical_onset_days.high {
        (1, "onset after the typical window")
    } else if day >= h.possible_onset_from_day {
        (1, "consistent with the typical window but not clear")
    } else {
        (0, "fall within the first days without recent heparin exposure")
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
