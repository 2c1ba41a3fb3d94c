//! The stepwise algorithm for the ICU and ECMO settings (clinical reference §5), one file per step:
//!
//! 1. [`data_check`]: weight, current anticoagulant, latest labs and their age;
//! 2. [`recognise`]: heparin exposure against R1–R3;
//! 3. [`discordance`]: the latest aPTT paired with the anti-Xa, classified (§4);
//! 4. [`hit_screen`]: the 4Ts;
//! 5. [`antithrombin`]: the antithrombin branch of suspected resistance;
//! 6. the choice: the first branch that applies, else [`heparin`] titration by the nomogram;
//! 7. the monitoring plan (`super::monitoring`).
//!
//! This file is the ladder: which step's answer decides, in which order.

mod antithrombin;
mod data_check;
mod discordance;
mod heparin;
mod hit_screen;
mod recognise;

use super::context::{Cx, Monitor, StepBasis};
use super::dti_switch;
use super::timeline::Agent;
use super::types::{FourTs, HeparinExposure, Recommendation, StepId, StepStatus};

/// Steps 1–6 for a patient on (or starting) heparin or a DTI outside bypass.
pub(super) fn run(cx: &mut Cx<'_>, h: &HeparinExposure, four_ts: Option<&FourTs>) -> Recommendation {
    let monitor = Monitor::for_case(cx);
    let running = cx.tl.running(cx.as_of);
    data_check::record(cx, h, monitor, running.map(|s| s.agent()));
    if let Some(seg) = running.filter(|s| s.agent() != Agent::Ufh) {
        let rec = dti_switch::titrate(cx, seg.agent());
        for id in [StepId::Recognise, StepId::Pair, StepId::HitScreen, StepId::Antithrombin] {
            let values = vec![say!(cx, "on {}", seg.agent().name())];
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
        cx.record_choice(&rec);
        return rec;
    }
    let hr = recognise::record(cx, h, monitor);
    let pattern = discordance::record(cx, monitor, hr);
    let hit = hit_screen::record(cx, four_ts);
    let rec = if hit {
        antithrombin::not_applicable(cx, "HIT suspected");
        hit_screen::switch_for_hit(cx, four_ts)
    } else if running.is_none() {
        antithrombin::not_applicable(cx, "no heparin infusion running");
        heparin::no_infusion(cx, h)
    } else {
        heparin::titrate_or_escalate(cx, h, monitor, hr, pattern)
    };
    cx.record_choice(&rec);
    rec
}
