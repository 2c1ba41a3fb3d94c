//! The danger list (issues 11 and 12): what the window's banner and the first line of every report show
//! before the recommendation, most severe first — HIT, coagulopathy, platelets below the bleeding-risk
//! threshold while an anticoagulant or antithrombin is advised, pseudo-resistance. (The window adds
//! "advice paused" above them while a patient field is invalid.)

use super::context::Cx;
pub use super::danger_kind::{Danger, DangerLevel};
use super::types::{Action, FindingCode, FourTs, Recommendation};
use crate::model::HitHistory;

/// Whether the recommendation gives or keeps an anticoagulant or antithrombin running.
fn advises_anticoagulation(rec: &Recommendation) -> bool {
    rec.rate.is_some()
        || rec.dose_units.is_some()
        || rec.bolus_units.is_some()
        || matches!(
            rec.action,
            Action::Continue
                | Action::SwitchToArgatroban
                | Action::SwitchToBivalirudin
                | Action::SupplementAntithrombin
                | Action::CpbAdditionalHeparin
        )
}

/// The dangers at this analysis, most severe first.
pub(super) fn danger(cx: &Cx<'_>, rec: &Recommendation, four_ts: Option<&FourTs>) -> Vec<Danger> {
    let mut out = Vec::new();
    // HIT stays on the card whatever drug runs (clinical reference §14.1), until an assay resolves it.
    let status = cx.hit_status;
    if (cx.has_finding(FindingCode::HitSuspected) || status.is_active()) && !status.is_resolved_against() {
        use super::hit_status::HitStatus;
        let history = (cx.patient.hit_history == HitHistory::RecentOrPositive).then_some(HitHistory::RecentOrPositive);
        let scored = four_ts.filter(|_| history.is_none());
        out.push(Danger::Hit {
            history,
            score_min: scored.map(|f| f.score_min),
            score_max: scored.map(|f| f.score_max),
            band: scored.and_then(|f| f.band),
            status: matches!(status, HitStatus::Probable | HitStatus::Confirmed).then_some(status),
        });
    }
    if cx.patient.setting.is_ecmo() && super::limits::paediatric_hit_without_dti(cx) {
        out.push(Danger::CircuitWithoutAnticoagulant);
    }
    if cx.has_finding(FindingCode::CoagulopathyDiscordance) {
        out.push(Danger::Coagulopathy);
    }
    let below = cx.p.bleeding_risk.platelets_below;
    if advises_anticoagulation(rec)
        && let Some(s) = cx
            .tl
            .labs
            .platelets
            .recent(cx.as_of, cx.max_age())
            .filter(|s| s.value < below)
    {
        out.push(Danger::LowPlatelets {
            count: s.value,
            below,
            critical_on_ecmo: false,
        });
    }
    if cx.has_finding(FindingCode::PseudoResistance) {
        out.push(Danger::PseudoResistance);
    }
    out
}
