//! Heparin while another anticoagulant still reads in its assays (clinical reference §14.5). Inside an oral
//! Xa inhibitor's, LMWH's or fondaparinux's window: (1) heparin starts no earlier than the next dose would
//! have been due, and never with a bolus; (2) it is titrated on the aPTT (CAUTION "anti-Xa includes …");
//! (3) an anti-Xa at the hold threshold does not hold on its own — no increase, an aPTT now, a hold only when
//! the aPTT reaches its own threshold; (4) no antithrombin or DTI switch on the aPTT alone: call. Inside
//! dabigatran's window the roles of the assays swap. Both kinds at once: measure and call. A lipaemic
//! anti-Xa at the hold threshold is read as in (3).

use super::super::anti_xa_exclusion::AntiXaExclusion;
use super::super::context::Cx;
use super::super::danger_kind::Danger;
use super::super::other_anticoagulants::OtherWindow;
use super::super::pairing::heparin_aptt_hold_above;
use super::super::types::{Action, Due, Recommendation};
use super::{SafetyNotes, no_dose, no_increase};
use crate::model::Anticoagulant;
use crate::protocol::RaisedAssay;

pub(super) fn apply(cx: &mut Cx<'_>, rec: Recommendation, notes: &mut SafetyNotes) -> Recommendation {
    let windows = cx.other_windows.clone();
    let xa_windows: Vec<&OtherWindow> = windows.iter().filter(|w| w.raises == RaisedAssay::AntiXa).collect();
    let aptt_windows: Vec<&OtherWindow> = windows.iter().filter(|w| w.raises == RaisedAssay::Aptt).collect();
    for w in &windows {
        notes.dangers.push(Danger::OtherAnticoagulantInAssay {
            drug: w.drug.code(),
            assay: if w.raises == RaisedAssay::AntiXa {
                "anti-Xa"
            } else {
                "aPTT"
            },
            last_dose: w.last_dose,
            on_bypass: false,
        });
    }
    let mut rec = rec;
    if let (Some(x), Some(a)) = (xa_windows.first(), aptt_windows.first()) {
        return both_kinds(cx, rec, x, a);
    }
    if let Some(w) = windows.iter().max_by_key(|w| w.heparin_from) {
        rec = not_before_next_dose(cx, rec, w);
        if rec.bolus_units.take().is_some() {
            let said = rec.rationale.iter().any(|l| l.ends_with("and no bolus"));
            // The start's or the nomogram row's own line names the bolus this withholds: its figure is
            // replaced by "no bolus (withheld)", so no line shows a bolus dose that is not to be given.
            for line in &mut rec.rationale {
                if let Some(withheld) = bolus_withheld(line) {
                    *line = withheld;
                }
            }
            if !said {
                rec.rationale.insert(
                    0,
                    say!(
                        cx,
                        "no bolus: {} taken at {} still acts (clinical reference §14.5)",
                        w.drug.code(),
                        w.last_dose
                    ),
                );
            }
        }
        rec.cite(w.source.clone());
    }
    for w in &windows {
        early_heparin(cx, &mut rec, w);
    }
    if let Some(w) = xa_windows.first() {
        rec = no_escalation_on_the_aptt_alone(cx, rec, w);
    }
    rec = high_anti_xa_that_does_not_hold(cx, rec);
    if let Some(w) = aptt_windows.first() {
        rec = high_aptt_with_dabigatran(cx, rec, w);
    }
    rec
}

/// Both an anti-Xa drug and dabigatran still act: neither assay is heparin's alone.
fn both_kinds(cx: &mut Cx<'_>, mut rec: Recommendation, x: &OtherWindow, a: &OtherWindow) -> Recommendation {
    // A hold stands (the rules only narrow): it becomes a stop-and-call, never a "measure" beside a running
    // infusion.
    if rec.action == Action::HoldAnticoagulant {
        rec.call_senior = true;
        rec.rationale.insert(
            0,
            say!(
                cx,
                "{} (last dose {}) and {} (last dose {}) both still act: the hold stands; call before any restart",
                x.drug.code(),
                x.last_dose,
                a.drug.code(),
                a.last_dose
            ),
        );
        return rec;
    }
    let advised = rec.headline();
    no_dose(&mut rec);
    rec.action = Action::Measure;
    rec.label = "Measure and call: no heparin dose while two other anticoagulants read in both assays".to_owned();
    rec.call_senior = true;
    rec.alternatives.clear();
    rec.rationale.insert(
        0,
        say!(
            cx,
            "{} (last dose {}) reads in the anti-Xa and {} (last dose {}) in the aPTT: neither assay measures heparin alone — decide with the senior (withheld: {advised})",
            x.drug.code(),
            x.last_dose,
            a.drug.code(),
            a.last_dose
        ),
    );
    rec.cite("clinical reference §14.5: both classes inside their windows → measure and call");
    rec
}

/// (1) A heparin start waits for the time the next dose would have been due.
fn not_before_next_dose(cx: &mut Cx<'_>, mut rec: Recommendation, w: &OtherWindow) -> Recommendation {
    let starting = cx.tl.running(cx.as_of).is_none()
        && rec.action != Action::HoldAnticoagulant
        && rec.rate.is_some_and(|r| r.drug() == Anticoagulant::Heparin);
    if !starting || w.heparin_from <= cx.as_of {
        return rec;
    }
    rec.label = format!("Start heparin not before {}, no bolus", w.heparin_from);
    rec.rationale.insert(
        0,
        say!(
            cx,
            "{} taken at {}: heparin not before {} (when the next dose would have been due), and no bolus",
            w.drug.code(),
            w.last_dose,
            w.heparin_from
        ),
    );
    rec
}

/// Heparin already started before the next dose would have been due, or a heparin bolus already given inside
/// the window: said, so the deviation does not pass in silence (the advice itself is unchanged).
fn early_heparin(cx: &mut Cx<'_>, rec: &mut Recommendation, w: &OtherWindow) {
    let until = cx.as_of;
    let early_start = cx
        .tl
        .segments()
        .iter()
        .find(|s| s.start >= w.last_dose && s.start <= until && s.rate.heparin().is_some())
        .map(|s| s.start)
        .filter(|t| *t < w.heparin_from);
    let bolus = cx
        .tl
        .boluses()
        .iter()
        .find(|b| b.time >= w.last_dose && b.time <= until && w.covers(b.time))
        .copied();
    if let Some(t) = early_start {
        rec.caveats.push(say!(
            cx,
            "heparin was started at {t}, before the next {} dose would have been due ({}): both act — watch for bleeding",
            w.drug.code(),
            w.heparin_from
        ));
    }
    if let Some(b) = bolus {
        rec.caveats.push(say!(
            cx,
            "a heparin bolus of {} was given at {} while {} still acted: watch for bleeding",
            b.units,
            b.time,
            w.drug.code()
        ));
    }
}

/// (4) No antithrombin or DTI switch decided on the aPTT alone while an anti-Xa drug reads in the anti-Xa.
fn no_escalation_on_the_aptt_alone(cx: &mut Cx<'_>, mut rec: Recommendation, w: &OtherWindow) -> Recommendation {
    let escalates = matches!(
        rec.action,
        Action::SupplementAntithrombin | Action::SwitchToArgatroban | Action::SwitchToBivalirudin
    ) && !cx.hit_status.is_active();
    if !escalates {
        return rec;
    }
    let advised = rec.headline();
    no_dose(&mut rec);
    rec.action = Action::Measure;
    rec.label = "Call: no escalation beyond heparin on the aPTT alone".to_owned();
    rec.call_senior = true;
    rec.rationale.insert(
        0,
        say!(
            cx,
            "the anti-Xa includes {} (last dose {}): resistance cannot be judged on the aPTT alone (withheld: {advised})",
            w.drug.code(),
            w.last_dose
        ),
    );
    rec.cite("clinical reference §14.5 (4)");
    rec
}

/// (3) The newest anti-Xa is at the hold threshold but does not hold on its own (another anticoagulant in
/// it, or lipaemia): no increase, no bolus, an aPTT now unless one was drawn with it.
fn high_anti_xa_that_does_not_hold(cx: &mut Cx<'_>, rec: Recommendation) -> Recommendation {
    if rec.action == Action::HoldAnticoagulant
        || cx
            .tl
            .running(cx.as_of)
            .is_none_or(|s| s.drug() != Anticoagulant::Heparin)
    {
        return rec;
    }
    let Some(xa) = cx.tl.labs.anti_xa.latest(cx.as_of) else {
        return rec;
    };
    let Some(why) = cx.anti_xa_excluded(xa).filter(|e| !e.still_holds()) else {
        return rec;
    };
    let n = &cx.p.ufh.anti_xa_nomogram;
    let at_hold = n
        .first_hold_row()
        .zip(n.row(xa.banded.value()))
        .is_some_and(|((first, _), (i, _))| i >= first);
    if !at_hold {
        return rec;
    }
    let mut rec = no_increase(cx, rec, "the anti-Xa is high but not heparin's alone");
    let combined = matches!(why, AntiXaExclusion::IncludesOther(_));
    rec.caveats.push(if combined {
        "combined anti-Xa activity is high: watch for bleeding".to_owned()
    } else {
        "a high anti-Xa that may not be heparin's: watch for bleeding".to_owned()
    });
    rec.rationale.insert(
        0,
        say!(
            cx,
            "anti-Xa {} at {} is at the hold threshold but {}: it does not hold on its own — no increase; a hold only if the aPTT also reaches its threshold",
            xa.value,
            xa.time,
            why.reason()
        ),
    );
    let window = cx.p.monitoring.pairing_window_min.value;
    let aptt_with_it = cx.tl.labs.aptt.nearest(xa.time, window, cx.as_of).is_some()
        || cx.tl.labs.aptt.latest(cx.as_of).is_some_and(|a| a.time >= xa.time);
    if !aptt_with_it {
        rec.action = Action::Measure;
        rec.label = "Continue heparin unchanged; measure an aPTT now".to_owned();
        cx.due_first(
            "aPTT",
            Due::Now,
            "the high anti-Xa does not hold on its own: the aPTT decides",
        );
    }
    rec.cite("clinical reference §14.5 (3)");
    rec
}

/// The newest aPTT includes dabigatran and no anti-Xa was drawn with or after it: continue unchanged, an
/// anti-Xa now (what the titration on that aPTT advised is withheld).
fn aptt_alone_with_dabigatran(
    cx: &mut Cx<'_>,
    rec: Recommendation,
    w: &OtherWindow,
    aptt: super::super::timeline::Sample<crate::model::Seconds>,
) -> Recommendation {
    let advised = rec.headline();
    let mut out = super::keep_running(cx, rec);
    out.action = Action::Measure;
    out.label = "Continue heparin unchanged; measure an anti-Xa now".to_owned();
    out.rationale.insert(
        0,
        say!(
            cx,
            "aPTT {} at {} includes {} (last dose {}): heparin is not titrated on it — the anti-Xa decides (withheld: {advised})",
            aptt.value,
            aptt.time,
            w.drug.code(),
            w.last_dose
        ),
    );
    cx.due_first("anti-Xa", Due::Now, "the aPTT includes dabigatran: the anti-Xa decides");
    out.cite(w.source.clone());
    out
}

/// Dabigatran reads in the aPTT: an aPTT at the hold threshold does not hold on its own — no increase, an
/// anti-Xa now, a hold if the anti-Xa also reaches its threshold (the anti-Xa's own hold does that).
fn high_aptt_with_dabigatran(cx: &mut Cx<'_>, rec: Recommendation, w: &OtherWindow) -> Recommendation {
    if cx
        .tl
        .running(cx.as_of)
        .is_none_or(|s| s.drug() != Anticoagulant::Heparin)
    {
        return rec;
    }
    let Some(aptt) = cx.tl.labs.aptt.latest(cx.as_of).filter(|a| w.covers(a.time)) else {
        return rec;
    };
    let window = cx.p.monitoring.pairing_window_min.value;
    let anti_xa_with_it = cx.tl.labs.anti_xa.nearest(aptt.time, window, cx.as_of).is_some()
        || cx.tl.labs.anti_xa.latest(cx.as_of).is_some_and(|x| x.time >= aptt.time);
    if !anti_xa_with_it {
        // The newest result is an aPTT that includes dabigatran and no anti-Xa reads heparin alone: nothing is
        // titrated on it — the running rate stays and the anti-Xa decides.
        return aptt_alone_with_dabigatran(cx, rec, w, aptt);
    }
    if rec.action == Action::HoldAnticoagulant {
        return rec;
    }
    if aptt.banded <= heparin_aptt_hold_above(cx.p, cx.aptt_range.control) {
        return rec;
    }
    let mut rec = no_increase(cx, rec, "the aPTT includes dabigatran");
    rec.rationale.insert(
        0,
        say!(
            cx,
            "aPTT {} at {} is above the hold threshold but includes {} (last dose {}): it does not hold on its own — the anti-Xa decides",
            aptt.value,
            aptt.time,
            w.drug.code(),
            w.last_dose
        ),
    );
    let window = cx.p.monitoring.pairing_window_min.value;
    if cx.tl.labs.anti_xa.nearest(aptt.time, window, cx.as_of).is_none() {
        rec.action = Action::Measure;
        rec.label = "Continue heparin unchanged; measure an anti-Xa now".to_owned();
        cx.due_first(
            "anti-Xa",
            Due::Now,
            "the high aPTT includes dabigatran: the anti-Xa decides",
        );
    }
    rec.cite(w.source.clone());
    rec
}

/// A line naming a bolus dose ("protocol start: bolus 6,400 units, then 18 units/kg/h") with the dose
/// replaced by "no bolus (withheld)"; `None` when the line names no bolus dose.
fn bolus_withheld(line: &str) -> Option<String> {
    let start = line.match_indices("bolus ").map(|(i, _)| i).find(|&i| {
        line[i + "bolus ".len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })?;
    let end = line[start..].find(", ").map_or(line.len(), |e| start + e);
    Some(format!("{}no bolus (withheld){}", &line[..start], &line[end..]))
}

#[cfg(test)]
mod tests {
    use super::bolus_withheld;

    #[test]
    fn a_bolus_figure_is_replaced_not_prefixed() {
        assert_eq!(
            bolus_withheld("protocol start: bolus 6,400 units, then 18 units/kg/h (1,440 units/h)").as_deref(),
            Some("protocol start: no bolus (withheld), then 18 units/kg/h (1,440 units/h)")
        );
        assert_eq!(
            bolus_withheld("anti-Xa < 0.2 units/mL: bolus 80 units/kg, +1.5 units/kg/h").as_deref(),
            Some("anti-Xa < 0.2 units/mL: no bolus (withheld), +1.5 units/kg/h")
        );
        assert_eq!(bolus_withheld("heparin not before 20:00, and no bolus"), None);
    }
}
