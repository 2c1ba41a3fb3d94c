//! The first hours after surgery (clinical reference §14.3): inside the window — 48 h after a high-risk
//! surgery end, 24 h after a standard one, 24 h after the latest protamine, the one that ends later — there
//! is no bolus, and a start or an increase of heparin or a DTI comes only "when the surgical team agrees",
//! with the dose shown. A heparin start is 12 units/kg/h of the dosing weight, at most 1,000 units/h (the
//! ACS start; on ECMO it replaces the 18 units/kg/h start inside the window). A bypass session followed by a
//! change of setting to ICU or ECMO counts as a high-risk surgery end at the session's last event unless one
//! is charted. Protamine given outside bypass while heparin is charted as running is a DANGER: the stop is
//! taken at the protamine time for bleeding (measure and call, no timed restart).
//!
//! The window lengths and the start are the protocol's (`safety.post_operative`, format 4): the reference's
//! defaults, an institutional choice for cardiac surgery and ECMO.

use super::super::context::Cx;
use super::super::danger_kind::Danger;
use super::super::types::{Action, HeparinExposure, Recommendation};
use super::{SafetyNotes, no_dose, raises};
use crate::dosing::DoseRate;
use crate::model::{Anticoagulant, ClinicalTime, EventCode, EventKind, Setting, SurgeryRisk};

/// How the card, the text and the handover name the window (the handover withholds its contingency table).
pub const WINDOW_CAVEAT: &str = "post-operative window";

/// The setting in effect at `t`.
fn setting_at(cx: &Cx<'_>, t: ClinicalTime) -> Setting {
    match cx.tl.latest_fact(EventCode::SettingFrom, t) {
        Some((_, EventKind::SettingFrom(s))) => s,
        _ => cx.case.patient.setting,
    }
}

/// The end of the latest post-operative window at the analysis time, and what opened it.
fn window(cx: &Cx<'_>) -> Option<(ClinicalTime, String)> {
    let po = &cx.p.safety.post_operative;
    let mut ends: Vec<(ClinicalTime, String)> = Vec::new();
    // A case that starts on bypass starts a session.
    let mut session_start: Option<ClinicalTime> =
        (cx.case.patient.setting == Setting::Cpb).then_some(cx.case.case_start);
    let mut charted_in_session = false;
    for mark in cx.tl.marks.until(cx.as_of) {
        let e = crate::analysis::marks::event_of(cx.case, mark);
        match e.kind {
            EventKind::SurgeryEnd(SurgeryRisk::High) => {
                charted_in_session = true;
                ends.push((
                    e.time.after_hours(po.high_risk_window_h),
                    format!("high-risk surgery ended at {}", e.time),
                ));
            }
            EventKind::SurgeryEnd(SurgeryRisk::Standard) => {
                charted_in_session = true;
                ends.push((
                    e.time.after_hours(po.standard_window_h),
                    format!("surgery ended at {}", e.time),
                ));
            }
            EventKind::Protamine(_) => {
                ends.push((
                    e.time.after_hours(po.protamine_window_h),
                    format!("protamine at {}", e.time),
                ));
            }
            EventKind::SettingFrom(Setting::Cpb) => {
                session_start = Some(e.time);
                charted_in_session = false;
            }
            EventKind::SettingFrom(_) => {
                // The session's last activity: the latest event before this change, within the session.
                if let Some(start) = session_start.take()
                    && !charted_in_session
                    && let Some(last) = mark.last_activity.filter(|t| *t >= start)
                {
                    ends.push((
                        last.after_hours(po.high_risk_window_h),
                        format!("bypass ended at {last} (no surgery end charted: counted as high-risk)"),
                    ));
                }
            }
            _ => {}
        }
    }
    ends.into_iter()
        .filter(|(end, _)| *end > cx.as_of)
        .max_by_key(|(end, _)| *end)
}

/// Protamine outside bypass while heparin is charted as running, with no stop charted since.
fn protamine_while_running(cx: &Cx<'_>) -> Option<ClinicalTime> {
    let at = cx
        .tl
        .marks
        .until(cx.as_of)
        .iter()
        .rev()
        .map(|m| crate::analysis::marks::event_of(cx.case, m))
        .find(|e| matches!(e.kind, EventKind::Protamine(_)) && setting_at(cx, e.time) != Setting::Cpb)?
        .time;
    let running_then = cx
        .tl
        .running(at)
        .is_some_and(|s| s.drug() == Anticoagulant::Heparin && s.start < at);
    let running_now = cx
        .tl
        .running(cx.as_of)
        .is_some_and(|s| s.drug() == Anticoagulant::Heparin);
    let stopped_since =
        crate::analysis::marks::stop_charted(cx.case, &cx.tl.marks, Anticoagulant::Heparin, at, cx.as_of);
    (running_then && running_now && !stopped_since).then_some(at)
}

pub(super) fn apply(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    mut rec: Recommendation,
    notes: &mut SafetyNotes,
) -> Recommendation {
    if cx.patient.setting == Setting::Cpb {
        return rec;
    }
    if let Some(at) = protamine_while_running(cx) {
        notes.dangers.push(Danger::ProtamineWhileRunning { at });
        no_dose(&mut rec);
        rec.action = Action::HoldAnticoagulant;
        rec.drug = "unfractionated heparin".into();
        rec.label = "Stop heparin and chart the stop; measure and call".to_owned();
        rec.call_senior = true;
        rec.hold_minutes = None;
        rec.alternatives.clear();
        rec.rationale.insert(
            0,
            say!(
                cx,
                "protamine given at {at} while heparin is charted as running: the stop is taken at {at} for bleeding — measure the aPTT or anti-Xa, platelets and fibrinogen and call; no timed restart (clinical reference §5)"
            ),
        );
        rec.cite("clinical reference §14.3: protamine outside bypass while heparin is charted as running");
        return rec;
    }
    let Some((end, why)) = window(cx) else {
        return rec;
    };
    rec.caveats.push(format!(
        "{WINDOW_CAVEAT} until {end} ({why}): no bolus; a start or an increase only when the surgical team agrees"
    ));
    if rec.action == Action::HoldAnticoagulant || rec.rate_change.is_some_and(|c| c.value < 0.0) {
        return rec;
    }
    if !raises(cx, &rec) {
        return rec;
    }
    // A start, not a restart: no heparin infusion in the last 24 h (a bypass bolus reversed by protamine is
    // not an infusion to restart).
    let _ = h;
    let heparin_start = rec.rate.is_some_and(|r| r.drug() == Anticoagulant::Heparin)
        && cx
            .tl
            .running(cx.as_of)
            .is_none_or(|s| s.drug() != Anticoagulant::Heparin)
        && cx.tl.last_segment_of(Anticoagulant::Heparin, cx.as_of).is_none_or(|s| {
            s.end
                .is_some_and(|e| cx.as_of.hours_since(e) > cx.p.resistance.new_course_after_gap_h.value.value())
        });
    if rec.bolus_units.take().is_some() {
        rec.rationale
            .insert(0, say!(cx, "no bolus: {why}; the post-operative window ends {end}"));
    }
    if heparin_start {
        let po = &cx.p.safety.post_operative;
        let by_kg = po.start;
        let per_hour = by_kg.for_weight(cx.hkg());
        let capped = if per_hour.value() > po.start_max.value() {
            po.start_max
        } else {
            per_hour
        };
        let per_kg = crate::dosing::ufh::shown_rate(capped.per_kg(cx.hkg()));
        rec.rate = Some(DoseRate::Heparin(per_kg));
        rec.pump_ml_per_h = Some(capped.pump_rate(cx.p.ufh.concentration_units_per_ml.value));
        // The protocol start's own lines name the rate this replaces: said as replaced (kept, so a
        // decision-only analysis has the same lines).
        for line in rec
            .rationale
            .iter_mut()
            .filter(|l| l.starts_with("protocol start") || l.starts_with("= "))
        {
            *line = format!("replaced by the post-operative start — {line}");
        }
        rec.rationale.insert(
            0,
            say!(
                cx,
                "post-operative start: {by_kg} of {} = {capped}{} ({per_kg}), no bolus",
                cx.heparin_weight.describe(),
                if capped.value() < per_hour.value() {
                    ", capped at the post-operative maximum"
                } else {
                    ""
                }
            ),
        );
        rec.cite(cx.p.safety.post_operative.start_source.clone());
    }
    rec.call_senior = true;
    rec.label = format!("{} — when the surgical team agrees", rec.label);
    rec.rationale.insert(
        0,
        say!(
            cx,
            "{why}: a start or an increase only when the surgical team agrees, with no bolus, until {end}; decreases and holds are never delayed"
        ),
    );
    rec.caveats.push(cx.p.safety.post_operative.source.to_string());
    rec.cite("clinical reference §14.3: the first hours after surgery");
    rec
}
