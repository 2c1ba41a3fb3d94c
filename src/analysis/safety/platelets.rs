//! Thrombocytopenia outside bypass (clinical reference §14.3). Below 50 × 10⁹/L (the latest count no older
//! than 24 h; an older one is counted first): no bolus, no rate increase, a start only with the senior, and
//! the ISTH 2018 options quoted without choosing between them. Below 25 with HIT not suspected: in the ICU
//! stop and call (nothing running: no start); on ECMO keep the running rate and call now, or with active
//! bleeding stop and call now. With HIT the DTI advice stands, with a caution when the nadir is below 20.

use super::super::context::Cx;
use super::super::danger_kind::Danger;
use super::super::types::{Action, Due, Recommendation};
use super::{SafetyNotes, no_dose, no_increase, raises, running_drug};
use crate::model::{ClinicalTime, PlateletCount, StopReason};

const ISTH_2018: &str = "ISTH SSC 2018 (Samuelson Bannow, J Thromb Haemost 16:1246): at 25–50 × 10⁹/L either full dose with platelet transfusion to keep ≥ 40–50 (high thrombotic risk) or 50% / prophylactic dose (lower risk); the app does not choose between them. Written for cancer-associated VTE: applying it here is our choice";

/// Active bleeding: the fact in effect, or a stop for bleeding in the last 24 h.
pub(super) fn bleeding(cx: &Cx<'_>) -> bool {
    let fact = cx
        .tl
        .latest_fact(crate::model::EventCode::BleedingFrom, cx.as_of)
        .is_some_and(|(_, k)| matches!(k, crate::model::EventKind::BleedingFrom(v) if v.is_yes()));
    let stop = cx.tl.last_stopped(cx.as_of).is_some_and(|s| {
        matches!(
            s.ended_by,
            Some(super::super::timeline::SegmentEnd::Stopped(Some(StopReason::Bleeding)))
        ) && s
            .end
            .is_some_and(|e| cx.as_of.hours_since(e) <= cx.p.safety.bleeding_stop_within_h.value.value())
    });
    fact || stop
}

fn stop_and_call(cx: &mut Cx<'_>, rec: &mut Recommendation, why: String) {
    no_dose(rec);
    rec.action = Action::HoldAnticoagulant;
    rec.hold_minutes = None;
    rec.call_senior = true;
    rec.after_hold = None;
    rec.alternatives.clear();
    if let Some(drug) = running_drug(cx) {
        rec.drug = drug.name().into();
        rec.label = format!("Stop {} and call", drug.name());
    } else {
        rec.action = Action::Measure;
        rec.label = "No anticoagulant start: call".to_owned();
    }
    rec.rationale.insert(0, why);
}

/// Antithrombin or a switch to a DTI for resistance, with low platelets: shown only with the senior.
fn raises_effect_caveat(rec: &mut Recommendation) {
    if matches!(
        rec.action,
        Action::SupplementAntithrombin | Action::SwitchToArgatroban | Action::SwitchToBivalirudin
    ) {
        rec.call_senior = true;
        rec.caveats
            .push("each raises the anticoagulant effect: only if the senior accepts".to_owned());
    }
}

/// The DANGER line for platelets below 25 on ECMO (clinical reference §14.3: call now).
fn critical_on_ecmo(count: PlateletCount, below: PlateletCount) -> Danger {
    Danger::LowPlatelets {
        count,
        below,
        critical_on_ecmo: true,
    }
}

pub(super) fn apply(cx: &mut Cx<'_>, mut rec: Recommendation, notes: &mut SafetyNotes) -> Recommendation {
    if cx.patient.setting == crate::model::Setting::Cpb {
        return rec;
    }
    let Some(latest) = cx.tl.labs.platelets.latest(cx.as_of) else {
        return rec;
    };
    let count: PlateletCount = latest.value;
    let tp = &cx.p.safety.thrombocytopenia;
    if count >= tp.low_below {
        return rec;
    }
    let at: ClinicalTime = latest.time;
    let hit = cx.hit_status.is_active();
    if cx.as_of.hours_since(at) > tp.count_max_age_h.value() {
        if raises(cx, &rec) {
            no_dose(&mut rec);
            rec.action = Action::Measure;
            rec.label = "Count the platelets before any increase".to_owned();
            rec.rationale.insert(
                0,
                say!(cx, "the latest platelet count, {count} at {at}, is below 50 and older than 24 h: count them before a bolus, an increase or a start"),
            );
            cx.due_first("platelets", Due::Now, "below 50 × 10⁹/L more than 24 h ago");
        }
        return rec;
    }
    rec.cite("clinical reference §14.3: thrombocytopenia");
    // Below 25 with bleeding on ECMO: stop and call now, whatever drug runs (with HIT too: our choice — a
    // DTI through a haemorrhage at this count is the ECMO team's decision, not the app's).
    if count < tp.critical_below && cx.patient.setting.is_ecmo() && bleeding(cx) {
        let why = say!(
            cx,
            "platelets {count} (< 25) with bleeding on ECMO: stop and call now — transfuse platelets, check fibrinogen and the circuit; the ECMO team decides the restart (institutional)"
        );
        stop_and_call(cx, &mut rec, why);
        rec.label = format!("{} now", rec.label);
        // The danger line stays with the stop: the circuit now runs without anticoagulant at this count.
        notes.dangers.push(critical_on_ecmo(count, tp.critical_below));
        return rec;
    }
    if count < tp.critical_below && !hit {
        if cx.patient.setting.is_ecmo() {
            notes.dangers.push(critical_on_ecmo(count, tp.critical_below));
            rec = no_increase(cx, rec, "platelets below 25 × 10⁹/L on ECMO");
            rec.call_senior = true;
            raises_effect_caveat(&mut rec);
            return rec;
        }
        let why = say!(
            cx,
            "platelets {count} (< 25) in the ICU, HIT not suspected: stop and call, no timed restart; restart once platelets are ≥ 50 at the last in-range rate, no bolus"
        );
        stop_and_call(cx, &mut rec, why);
        return rec;
    }
    if hit {
        if count < tp.uncommon_in_hit_below {
            rec.caveats.push(say!(cx, "a nadir < 20 × 10⁹/L is uncommon in HIT: look for another cause; platelets only for bleeding or a high-risk procedure (ASH 2018)"));
        }
        // The switch to a DTI for HIT is not limited; an increase of the DTI still is.
        if matches!(rec.action, Action::SwitchToArgatroban | Action::SwitchToBivalirudin) {
            return rec;
        }
    }
    let raising = raises(cx, &rec);
    rec = no_increase(cx, rec, "platelets below 50 × 10⁹/L");
    if raising
        || matches!(
            rec.action,
            Action::SupplementAntithrombin | Action::SwitchToArgatroban | Action::SwitchToBivalirudin
        )
    {
        rec.call_senior = true;
    }
    raises_effect_caveat(&mut rec);
    rec.call_senior = true;
    rec.caveats.push(ISTH_2018.to_owned());
    rec.cite("Samuelson Bannow, ISTH SSC 2018, J Thromb Haemost 16:1246");
    rec
}
