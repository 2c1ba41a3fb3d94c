//! Step 4, the HIT screen (clinical reference §1, §7): a history of HIT first (recent or positive:
//! no heparin; remote and antibody-negative: a non-heparin anticoagulant by default), then the 4Ts —
//! scored only when HIT is suspected, as a range while items are not entered — and, when HIT is
//! suspected, the switch to a direct thrombin inhibitor with all heparin stopped.

use super::super::context::{Cx, StepBasis};
use super::super::dti_switch;
use super::super::hit::{self, HitCall};
use super::super::hit_status::HitStatus;
use super::super::types::{Action, Due, FindingCode, FourTs, Recommendation, StepId, StepStatus};
use crate::protocol::DtiDrug;

/// The 4Ts call read with the status over time (clinical reference §14.1): once suspected, HIT stays so (a
/// platelet recovery does not clear it), a probable or confirmed status is treated as HIT, and an assay that
/// excludes it lets heparin go on even while the count is still low.
fn with_status(status: HitStatus, call: HitCall) -> HitCall {
    match status {
        HitStatus::Suspected | HitStatus::Probable | HitStatus::Confirmed if !call.stops_heparin() => {
            HitCall::Suspected
        }
        HitStatus::Excluded | HitStatus::Unlikely if matches!(call, HitCall::Suspected | HitCall::NeedsData) => {
            HitCall::Unlikely
        }
        _ => call,
    }
}

/// Step 4's values: the history, the status over time and its note, and the 4Ts items with their basis.
fn step_values(cx: &Cx<'_>, four_ts: Option<&FourTs>) -> Vec<String> {
    let mut values = vec![say!(cx, "history: {}", cx.patient.hit_history.label())];
    if !matches!(cx.hit_status, HitStatus::None | HitStatus::History) {
        values.push(say!(
            cx,
            "HIT status: {} (the 4Ts suspicion and the assays over time, clinical reference §14.1)",
            cx.hit_status.code()
        ));
    }
    if let Some(note) = cx.hit_note {
        values.push(say!(cx, "{note}"));
    }
    if let Some(ft) = four_ts {
        if let Some(why) = &ft.suspected_by {
            values.push(say!(cx, "4Ts scored because {why}"));
        }
        values.extend([
            say!(
                cx,
                "thrombocytopenia {} ({})",
                ft.items.thrombocytopenia.shown(),
                ft.items.thrombocytopenia.basis
            ),
            say!(cx, "timing {} ({})", ft.items.timing.shown(), ft.items.timing.basis),
            say!(cx, "thrombosis {} (entered)", ft.items.thrombosis.shown()),
            say!(cx, "other causes {} (entered)", ft.items.other_causes.shown()),
            say!(
                cx,
                "score {}{}",
                ft.score_text(),
                ft.band.map_or(String::new(), |b| format!(" ({})", b.label()))
            ),
        ]);
    }
    values
}

/// Step 4: records the history and the 4Ts, and says what they decide.
pub(super) fn record(cx: &mut Cx<'_>, four_ts: Option<&FourTs>) -> HitCall {
    let p = cx.p;
    let h = &p.hit;
    let patient = &cx.patient;
    let call = with_status(
        cx.hit_status,
        hit::call(four_ts, h, patient.hit_history, patient.setting),
    );
    let values = step_values(cx, four_ts);
    let score = four_ts.map_or(String::new(), FourTs::score_text);
    let (status, conclusion) = match call {
        HitCall::HistoryForbidsHeparin => (
            StepStatus::Met,
            say!(
                cx,
                "history of HIT (recent, antibody-positive or untested): heparin is contraindicated → DTI"
            ),
        ),
        HitCall::HistoryPrefersNonHeparin => (
            StepStatus::Met,
            say!(
                cx,
                "remote HIT, antibody-negative: a non-heparin anticoagulant by default; heparin is the alternative"
            ),
        ),
        HitCall::Suspected => (
            StepStatus::Met,
            say!(
                cx,
                "HIT suspected (4Ts {score} ≥ {}): stop all heparin (flushes, and the coated circuit if HIT is confirmed)",
                h.suspect_from
            ),
        ),
        HitCall::NeedsData => (
            StepStatus::NeedsData,
            say!(
                cx,
                "4Ts {score} straddles {}: enter the missing items; heparin continues at the current rate with no bolus or increase",
                h.suspect_from
            ),
        ),
        HitCall::Unlikely if cx.hit_status.is_resolved_against() => (
            StepStatus::NotMet,
            say!(
                cx,
                "HIT {} by the assays for this episode (4Ts {score}): heparin may be used; a new platelet fall of 30% or a new thrombosis opens a new episode",
                cx.hit_status.code()
            ),
        ),
        HitCall::Unlikely => (
            StepStatus::NotMet,
            match four_ts.and_then(|f| f.caveat.as_ref()) {
                Some(c) => say!(cx, "4Ts {score}: low probability; {c}"),
                None => say!(cx, "4Ts {score}: HIT unlikely"),
            },
        ),
        HitCall::NotSuspected => (
            StepStatus::NotMet,
            say!(
                cx,
                "HIT not suspected: no platelet fall of {} or more on heparin and no thrombosis entered",
                h.fall_one_point_from_percent
            ),
        ),
        HitCall::NotScored => (
            StepStatus::NeedsData,
            say!(
                cx,
                "not scored: needs heparin exposure and at least two platelet counts"
            ),
        ),
    };
    findings(cx, call, four_ts);
    let threshold = say!(
        cx,
        "bands 0–{} low, {}–{} intermediate, {}–8 high; act when the whole range is ≥ {}",
        h.low_max,
        h.low_max + 1,
        h.intermediate_max,
        h.intermediate_max + 1,
        h.suspect_from
    );
    cx.step(
        StepId::HitScreen,
        status,
        values,
        StepBasis::new(
            threshold,
            "history of HIT first; the 4Ts only when HIT is suspected (platelet fall ≥ 30% on heparin, or thrombosis entered); thrombocytopenia and timing computed, thrombosis and other causes entered (unentered = unknown); acts only with a platelet fall",
            h.source.clone(),
        ),
        conclusion,
    );
    call
}

fn findings(cx: &mut Cx<'_>, call: HitCall, four_ts: Option<&FourTs>) {
    let h = &cx.p.hit;
    let score = four_ts.map_or(String::new(), FourTs::score_text);
    match call {
        HitCall::Suspected => {
            let next = next_assay(cx.hit_status, cx.hit_note);
            let by = match cx.hit_status {
                HitStatus::Probable | HitStatus::Confirmed => format!("HIT {} by the assays", cx.hit_status.code()),
                _ => format!("4Ts {score} ≥ {}", h.suspect_from),
            };
            cx.finding(
                FindingCode::HitSuspected,
                say!(cx, "{by}: stop all heparin and switch to a DTI; {next}"),
                h.source.clone(),
            );
        }
        HitCall::HistoryForbidsHeparin | HitCall::HistoryPrefersNonHeparin => cx.finding(
            if call == HitCall::HistoryForbidsHeparin {
                FindingCode::HitSuspected
            } else {
                FindingCode::HitHistoryRemote
            },
            say!(cx, "history of HIT: {}", cx.patient.hit_history.label()),
            "clinical reference §1: ACCP 2012 (Linkins, Chest 141:e495S); ASH 2018 (Cuker, Blood Adv)",
        ),
        HitCall::NeedsData => cx.finding(
            FindingCode::Hit4tsNeedsData,
            say!(
                cx,
                "4Ts {score}: enter the thrombosis and other-causes items (and prior heparin) to decide"
            ),
            h.source.clone(),
        ),
        HitCall::NotSuspected => cx.finding(
            FindingCode::HitNotSuspected,
            say!(
                cx,
                "no platelet fall of {} or more on heparin and no thrombosis entered",
                h.fall_one_point_from_percent
            ),
            "clinical reference §7: ASH 2018 (Cuker, Blood Adv)",
        ),
        HitCall::Unlikely | HitCall::NotScored => {}
    }
}

/// The assay still to send, by what the assays have said (clinical reference §14.1).
fn next_assay(status: HitStatus, note: Option<&'static str>) -> &'static str {
    if note == Some(super::super::hit_status::RAPID_NEGATIVE_HIGH_4TS) {
        return "confirm the negative rapid immunoassay with an ELISA/CLIA or a functional assay";
    }
    match status {
        HitStatus::Probable => "positive immunoassay: treat as HIT; send a functional assay (SRA, HIPA) if not sent",
        HitStatus::Confirmed => "confirmed by a functional assay: no heparin, now or later without haematology",
        _ => "send a HIT immunoassay",
    }
}

/// HIT suspected or in the history: stop every heparin and switch to the DTI the patient's organ
/// function points to.
pub(super) fn switch_for_hit(cx: &mut Cx<'_>, call: HitCall, four_ts: Option<&FourTs>) -> Recommendation {
    let p = cx.p;
    let reason = match (call, four_ts) {
        (HitCall::HistoryForbidsHeparin | HitCall::HistoryPrefersNonHeparin, _) => {
            say!(cx, "history of HIT: {}", cx.patient.hit_history.label())
        }
        (_, Some(f)) => say!(cx, "HIT suspected: 4Ts {} ≥ {}", f.score_text(), p.hit.suspect_from),
        (_, None) => say!(cx, "HIT suspected"),
    };
    let mut rec = dti_switch::switch_to_dti(cx, vec![reason], vec![p.hit.source.clone()], Vec::new());
    rec.caveats.push(say!(cx, "Stop ALL heparin, including flushes and heparin-coated lines; replace a heparin-coated circuit if HIT is confirmed"));
    match call {
        HitCall::HistoryPrefersNonHeparin => rec.alternatives.push(say!(
            cx,
            "heparin, since the HIT was more than 100 days ago and the antibody test is negative this admission (ACCP 2012; ASH 2018)"
        )),
        HitCall::Suspected => {
            let next = next_assay(cx.hit_status, cx.hit_note);
            let mut first = next.chars();
            let capital = first.next().map(|c| c.to_uppercase().chain(first).collect::<String>());
            rec.caveats.push(say!(cx, "{}; do not give platelets unless bleeding", capital.unwrap_or_default()));
        }
        _ => {}
    }
    rec
}

/// HIT with a heparin result at or above the hold threshold (§5 newest result first, §7): heparin stops
/// now and never restarts; the DTI starts once a repeat aPTT is at or below its target's upper bound
/// (our reading: starting it on top of a heparin aPTT above that bound would be held at once). The
/// switch's dose and reasoning follow as the next step.
pub(super) fn hold_before_switch(cx: &mut Cx<'_>, high: &str, switch: Recommendation) -> Recommendation {
    let drug = match switch.action {
        Action::SwitchToBivalirudin => DtiDrug::Bivalirudin,
        _ => DtiDrug::Argatroban,
    };
    let below = super::super::dti_titrate::start_at_or_below(cx, drug);
    let mut rec = Recommendation::new(Action::HoldAnticoagulant, super::ufh_card::HEPARIN);
    rec.label = if cx.has_finding(FindingCode::HitHistoryRemote) {
        "Stop heparin (HIT history) and call".to_owned()
    } else {
        "Stop heparin (HIT) and call".to_owned()
    };
    rec.call_senior = true;
    // Part of the headline, like the label: written in both levels of detail.
    rec.after_hold = Some(format!(
        "start {} once a repeat aPTT is at or below {below}",
        drug.name()
    ));
    rec.target = switch.target.clone();
    rec.rationale.push(say!(
        cx,
        "newest result first: {high} is at or above the heparin hold threshold; with HIT heparin stops now and does not restart"
    ));
    rec.rationale.push(say!(
        cx,
        "then, once a repeat aPTT is at or below {below}: {}",
        switch.headline()
    ));
    rec.rationale.extend(switch.rationale);
    rec.alternatives = switch.alternatives;
    rec.caveats = switch.caveats;
    rec.concentration = switch.concentration;
    for s in switch.sources {
        rec.cite(s);
    }
    let minutes =
        cx.p.ufh
            .aptt_nomogram
            .first_hold_row()
            .map_or(crate::model::Minutes::ZERO, |(_, r)| r.hold_min);
    cx.due(
        "aPTT (repeat, from a non-heparinised line)",
        Due::At(cx.as_of.after_minutes(minutes)),
        say!(cx, "decides when {} starts (at or below {below})", drug.name()),
    );
    rec
}

/// The last heparin rate at which its monitoring assay was in range during the heparin course that ended when
/// the DTI started (§14.1 "the last in-range heparin rate of this course"): the anti-Xa first (an interfered
/// one left out), else the aPTT against the heparin range; only samples drawn while heparin ran.
fn last_in_range_heparin_rate(
    cx: &Cx<'_>,
    dti_start: crate::model::ClinicalTime,
) -> Option<(crate::model::UnitsPerKgPerHour, String)> {
    use super::super::context::{Monitor, Reading};
    use super::super::pairing::Level;
    let course_start = cx
        .tl
        .heparin_course_start(dti_start, cx.p.resistance.new_course_after_gap_h.value)?;
    let monitor = Monitor::for_case(cx);
    let heparin_rate_at = |t| {
        cx.tl
            .in_effect_at(t)
            .and_then(|s| s.rate.heparin())
            .map(|r| r.per_kg(cx.hkg()))
    };
    let in_course = |t: crate::model::ClinicalTime| t >= course_start && t <= dti_start;
    let anti_xa = cx
        .tl
        .labs
        .anti_xa
        .until(dti_start)
        .iter()
        .rev()
        .filter(|s| in_course(s.time) && !cx.anti_xa_interfered(**s))
        .map(|s| Reading::AntiXa(*s));
    let aptt = cx
        .tl
        .labs
        .aptt
        .until(dti_start)
        .iter()
        .rev()
        .filter(|s| in_course(s.time))
        .map(|s| Reading::Aptt(*s));
    anti_xa.chain(aptt).find_map(|r| {
        let rate = heparin_rate_at(r.time())?;
        (monitor.level(r) == Level::InRange).then(|| {
            let shown = match r {
                Reading::AntiXa(s) => format!("anti-Xa {} at {}", s.value, s.time),
                Reading::Aptt(s) => format!("aPTT {} at {}", s.value, s.time),
            };
            (
                rate,
                say!(cx, "the last heparin rate with a result in range: {rate} ({shown})"),
            )
        })
    })
}

/// HIT excluded (or unlikely) by an assay while a DTI runs (clinical reference §14.1): switch back — stop the
/// DTI and start heparin at the same time, no bolus (on ECMO there is no gap), at the last in-range heparin
/// rate of the course before the DTI, else the protocol start rate; monitor by anti-Xa, and leave out of the
/// titration an aPTT drawn soon after the DTI stops (the labels).
pub(super) fn back_to_heparin(cx: &mut Cx<'_>, seg: crate::analysis::timeline::Segment) -> Recommendation {
    let dti = seg.drug().name();
    let mut rec = Recommendation::new(Action::AdjustUfh, super::ufh_card::HEPARIN);
    rec.label = format!("Stop {dti} and start heparin at the same time, no bolus");
    let (rate, basis) = match last_in_range_heparin_rate(cx, seg.start) {
        Some((rate, basis)) => (rate, basis),
        None => {
            let start = crate::dosing::ufh::start(cx.p, cx.hkg()).rate;
            (
                start,
                say!(
                    cx,
                    "no in-range heparin result before {dti}: the protocol start rate {start}"
                ),
            )
        }
    };
    super::ufh_card::set_rate(cx, &mut rec, rate);
    rec.target = super::ufh_card::target_text(cx);
    rec.rationale.push(say!(
        cx,
        "HIT {} by the assays: {dti} is no longer needed; heparin restarts without a bolus, the DTI stopped at the same time — {basis}",
        cx.hit_status.code()
    ));
    let washout = &cx.p.safety.dti_washout;
    let wait = match seg.drug() {
        crate::model::Anticoagulant::Argatroban if cx.hepatic.impaired => washout.argatroban_hepatic_h,
        crate::model::Anticoagulant::Argatroban => washout.argatroban_h,
        _ => washout.bivalirudin_h,
    };
    rec.rationale.push(say!(
        cx,
        "monitor by anti-Xa; an aPTT drawn less than {wait} after {dti} stops still reflects it: leave it out of the titration"
    ));
    cx.due(
        "anti-Xa (with a paired aPTT)",
        Due::At(cx.as_of.after_hours(cx.p.monitoring.ufh_recheck_h.value)),
        say!(
            cx,
            "{} h after the heparin start",
            cx.p.monitoring.ufh_recheck_h.value.shown()
        ),
    );
    rec.cite("clinical reference §14.1: HIT excluded while a DTI runs; ASH 2018 (Cuker, Blood Adv 2:3360)");
    rec.cite(cx.p.ufh.start.source.clone());
    rec
}

#[cfg(test)]
mod tests {
    use super::super::super::Detail;
    use super::super::super::tests_support::{analyse, analyse_patient, aptt, case_with, h, platelets, ufh_rate};
    use super::*;
    use crate::model::{FourTsPoints, HitHistory};

    /// A fall of more than 50% from 250 on day 6 of heparin, nadir ≥ 20: thrombocytopenia 2, timing 2.
    fn falling() -> crate::model::Case {
        case_with(vec![
            (0, platelets(250.0)),
            (0, ufh_rate(18.0)),
            (24 * 3, platelets(240.0)),
            (24 * 6, platelets(100.0)),
        ])
    }

    #[test]
    fn four_ts_at_or_above_four_with_a_fall_switches_to_a_dti() {
        let mut c = falling();
        c.patient.hit_thrombosis = FourTsPoints::new(0).ok();
        c.patient.hit_other_causes = FourTsPoints::new(1).ok();
        let a = analyse(&c, h(24 * 6), Detail::Explained);
        assert!(a.has_finding(FindingCode::HitSuspected));
        assert_eq!(a.recommendation.action, Action::SwitchToArgatroban);
        assert_eq!(a.steps[3].status, StepStatus::Met);
    }

    #[test]
    fn a_score_from_entered_items_alone_does_not_act() {
        // No platelet fall (thrombocytopenia 0), entered items 2 + 2 = 4.
        let mut c = case_with(vec![(0, platelets(250.0)), (0, ufh_rate(18.0)), (24, platelets(245.0))]);
        c.patient.hit_thrombosis = FourTsPoints::new(2).ok();
        c.patient.hit_other_causes = FourTsPoints::new(2).ok();
        let a = analyse(&c, h(24), Detail::Explained);
        assert_eq!(a.hit_4ts.as_ref().and_then(|f| f.score), Some(4));
        assert!(!a.has_finding(FindingCode::HitSuspected));
    }

    #[test]
    fn hit_with_a_heparin_aptt_at_the_hold_threshold_stops_heparin_before_the_dti() {
        // Baseline 30 s (argatroban target 45–90 s); the newest aPTT on heparin is 185 s.
        let c = case_with(vec![(0, platelets(250.0)), (0, ufh_rate(18.0)), (24, aptt(185.0))]);
        let a = analyse_patient(&c, h(24), |p| p.hit_history = HitHistory::RecentOrPositive);
        let r = &a.recommendation;
        assert_eq!(r.action, Action::HoldAnticoagulant);
        assert!(r.rate.is_none() && r.hold_minutes.is_none() && r.call_senior);
        assert_eq!(
            r.headline(),
            "Stop heparin (HIT) and call; start argatroban once a repeat aPTT is at or below 90 s"
        );
        assert!(
            r.rationale.iter().any(|l| l.contains("Switch to argatroban")),
            "{:?}",
            r.rationale
        );
        // The repeat aPTT decides; no "2 h after starting argatroban" yet.
        assert!(
            a.monitoring
                .iter()
                .any(|m| m.test.starts_with("aPTT (repeat") && m.reason.contains("argatroban starts"))
        );
        assert!(
            !a.monitoring.iter().any(|m| m.reason.contains("after starting")),
            "{:?}",
            a.monitoring
        );
        // Without the high result: the switch itself.
        let c = case_with(vec![(0, platelets(250.0)), (0, ufh_rate(18.0)), (24, aptt(70.0))]);
        let a = analyse_patient(&c, h(24), |p| p.hit_history = HitHistory::RecentOrPositive);
        assert_eq!(a.recommendation.action, Action::SwitchToArgatroban);
    }

    #[test]
    fn a_recent_history_switches_in_the_icu_too() {
        let c = case_with(vec![(0, platelets(250.0)), (0, ufh_rate(18.0)), (24, platelets(245.0))]);
        let a = analyse_patient(&c, h(24), |p| p.hit_history = HitHistory::RecentOrPositive);
        assert!(a.has_finding(FindingCode::HitSuspected));
        assert_eq!(a.recommendation.action, Action::SwitchToArgatroban);
        let a = analyse_patient(&c, h(24), |p| p.hit_history = HitHistory::RemoteAntibodyNegative);
        assert_eq!(a.recommendation.action, Action::SwitchToArgatroban);
        assert!(a.has_finding(FindingCode::HitHistoryRemote) && !a.has_finding(FindingCode::HitSuspected));
        assert!(a.danger.is_empty(), "{:?}", a.danger);
        assert!(
            a.recommendation
                .alternatives
                .iter()
                .any(|x| x.starts_with("heparin, since"))
        );
    }
}
