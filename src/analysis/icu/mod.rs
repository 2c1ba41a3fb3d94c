//! The stepwise algorithm for the ICU and ECMO settings (clinical reference §5), one file per step:
//!
//! 1. [`data_check`]: weight (and the dosing weights), current anticoagulant, latest labs and their age,
//!    hepatic impairment and bleeding risk read from the labs;
//! 2. [`recognise`]: heparin exposure against R1–R3, non-response, suspected resistance;
//! 3. [`discordance`]: the latest aPTT paired with the anti-Xa, classified (§4, §9);
//! 4. [`hit_screen`]: the HIT history and the 4Ts;
//! 5. [`antithrombin`]: the antithrombin branch of suspected resistance;
//! 6. the choice: a DTI (titrated by `dti_titrate`), a hold for the newest result ([`hold`]), no
//!    infusion ([`restart`]: start or restart), else heparin titration ([`heparin`]);
//! 7. the monitoring plan (`super::monitoring`).
//!
//! This file is the ladder: which step's answer decides, in which order.

mod antithrombin;
mod at_supplement;
mod data_check;
mod discordance;
mod heparin;
mod hit_screen;
mod hold;
mod recognise;
mod restart;
mod ufh_card;

use super::context::{Cx, Monitor, StepBasis};
use super::dti_titrate;
use super::hit::HitCall;
use super::types::{Action, FourTs, HeparinExposure, Recommendation, StepId, StepStatus};
use crate::model::Anticoagulant;

/// Steps 1–6 for a patient on (or starting) heparin or a DTI outside bypass.
pub(super) fn run(cx: &mut Cx<'_>, h: &HeparinExposure, four_ts: Option<&FourTs>) -> Recommendation {
    let monitor = Monitor::for_case(cx);
    let running = cx.tl.running(cx.as_of);
    data_check::record(cx, h, monitor, running.map(|s| s.drug()));
    if let Some(seg) = running.filter(|s| s.drug() != Anticoagulant::Heparin) {
        // The HIT step shows the score or the history whatever drug runs (clinical reference §14.1).
        let hit = hit_screen::record(cx, four_ts);
        let due_before = cx.monitoring.len();
        let titrated = dti_titrate::titrate(cx, seg);
        // HIT excluded: back to heparin — but a DTI level at its hold threshold is held first.
        let rec = if cx.hit_status.is_resolved_against()
            && !hit.stops_heparin()
            && titrated.action != Action::HoldAnticoagulant
        {
            // The DTI's checks go with the DTI.
            cx.monitoring.truncate(due_before);
            hit_screen::back_to_heparin(cx, seg)
        } else {
            titrated
        };
        for id in [StepId::Recognise, StepId::Pair, StepId::Antithrombin] {
            let values = vec![say!(cx, "on {}", seg.drug().name())];
            cx.step(
                id,
                StepStatus::NotApplicable,
                values,
                StepBasis::new(
                    "",
                    "heparin steps do not apply on a direct thrombin inhibitor",
                    "clinical reference §5",
                ),
                "",
            );
        }
        return rec;
    }
    let hr = recognise::record(cx, h, monitor);
    let pattern = discordance::record(cx, monitor, hr);
    let hit = hit_screen::record(cx, four_ts);
    let rec = if hit.stops_heparin() {
        antithrombin::not_applicable(cx, "HIT suspected or in the history");
        let due_before = cx.monitoring.len();
        let switch = hit_screen::switch_for_hit(cx, hit, four_ts);
        match hold::newest_high_result(cx) {
            Some(high) => {
                // The DTI's own checks start with the DTI; until then the repeat aPTT decides.
                cx.monitoring.truncate(due_before);
                hit_screen::hold_before_switch(cx, &high, switch)
            }
            None => switch,
        }
    } else if running.is_none() {
        antithrombin::not_applicable(cx, "no heparin infusion running");
        restart::no_infusion(cx, h, monitor)
    } else if let Some((aptt, washout)) = super::dti_washout::newest_aptt_in_washout(cx) {
        antithrombin::not_applicable(cx, "the newest aPTT still reflects the DTI just stopped");
        aptt_in_washout(cx, h, aptt, washout)
    } else if let Some(hold) = hold::newest_result(cx, h, monitor) {
        antithrombin::not_applicable(cx, "the newest result calls for a hold");
        hold
    } else {
        heparin::titrate_or_escalate(cx, h, monitor, hr, pattern)
    };
    if hit == HitCall::NeedsData {
        provisional(cx, h, rec)
    } else {
        rec
    }
}

/// The newest aPTT was drawn inside a DTI's washout (clinical reference §14.1): it is not used to titrate
/// heparin; the running rate continues and an anti-Xa decides.
fn aptt_in_washout(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    aptt: super::timeline::Sample<crate::model::Seconds>,
    w: super::dti_washout::Washout,
) -> Recommendation {
    let mut rec = ufh_card::continue_ufh(cx, h);
    rec.action = Action::Measure;
    rec.label = "Continue heparin unchanged; measure an anti-Xa now".to_owned();
    rec.rationale.insert(
        0,
        say!(
            cx,
            "the aPTT {} at {} was drawn {} h after {} stopped at {} (less than {} h): it still reflects {} and is not used to titrate heparin",
            aptt.value,
            aptt.time,
            crate::model::round_half_up(aptt.time.hours_since(w.stopped_at), 1),
            w.drug.name(),
            w.stopped_at,
            w.hours,
            w.drug.name()
        ),
    );
    cx.due(
        "anti-Xa",
        super::types::Due::Now,
        say!(cx, "heparin after {}: the aPTT cannot be read yet", w.drug.name()),
    );
    rec.cite(cx.p.safety.dti_washout.source.clone());
    rec
}

/// The 4Ts range straddles the acting threshold (clinical reference §7): heparin continues at the
/// current rate with no bolus or increase, and the card asks for the items; a hold or a decrease stands.
fn provisional(cx: &mut Cx<'_>, h: &HeparinExposure, rec: Recommendation) -> Recommendation {
    let decrease = rec.action == Action::HoldAnticoagulant
        || rec.rate_change.is_some_and(|c| c.value < 0.0) && rec.bolus_units.is_none();
    if decrease {
        let mut rec = rec;
        rec.rationale.insert(
            0,
            say!(
                cx,
                "the 4Ts needs data (enter the thrombosis and other-causes items); the decrease stands"
            ),
        );
        return rec;
    }
    let mut out = ufh_card::continue_ufh(cx, h);
    out.action = Action::Measure;
    out.label = "Enter the 4Ts items; continue heparin, no bolus or increase".to_owned();
    out.rationale.push(say!(
        cx,
        "HIT cannot be judged yet: the 4Ts range straddles {} because items are not entered; until they are, heparin continues at the current rate with no bolus or increase",
        cx.p.hit.suspect_from
    ));
    out.rationale.push(say!(
        cx,
        "provisional (steps 5–6, shown for when HIT is excluded): {}",
        rec.headline()
    ));
    out.cite(cx.p.hit.source.clone());
    for s in &mut cx.steps {
        if s.id == StepId::Antithrombin && cx.explain {
            s.conclusion = format!("provisional (4Ts needs data): {}", s.conclusion).into();
        }
    }
    out
}
