//! Step 5, antithrombin (clinical reference §5–§6): with resistance suspected on heparin, the AT level
//! decides — unknown → measure; severe deficiency → a DTI (AT as the alternative); deficiency →
//! supplement by the label formula, vial-rounded, net of what was already given; normal, or AT already
//! given and the monitoring assay still below target → a DTI.

use super::super::context::{Assay, Cx, Monitor, Reading, StepBasis};
use super::super::dti_switch;
use super::super::pairing::Level;
use super::super::timeline::{AtDose, Sample};
use super::super::types::{Due, FindingCode, HeparinExposure, Recommendation, StepId, StepStatus, Text};
use super::at_supplement::{expected_level, minutes_text, supplement};
use super::discordance::Pattern;
use super::recognise::Resistance;
use super::ufh_card::measure_with_step;
use crate::dosing::antithrombin::{VialPolicy, plasma_derived_dose, round_to_vials_by};
use crate::model::ClinicalTime;
use crate::model::{AntiXaAssay, LabKind, Percent, num};
use crate::protocol::Source;

const ANTITHROMBIN: &str = "antithrombin";

/// Step 5 when it does not apply, with the reason.
pub(super) fn not_applicable(cx: &mut Cx<'_>, why: &str) {
    let at = &cx.p.antithrombin;
    let rule = say!(
        cx,
        "AT < {}% → DTI; < {}% → supplement; ≥ {}% → DTI",
        at.severe_below_percent.value.shown(),
        at.deficiency_below_percent.value.shown(),
        at.deficiency_below_percent.value.shown()
    );
    let source = at.deficiency_below_percent.source.clone();
    cx.step(
        StepId::Antithrombin,
        StepStatus::NotApplicable,
        vec![why.to_owned()],
        StepBasis::new("", rule, source),
        "",
    );
}

/// Step 5's fixed parts (threshold, rule, source, the patient's AT values), recorded once per branch.
struct AtStep {
    values: Vec<String>,
    basis: StepBasis,
}

impl AtStep {
    fn with_values(self, values: Vec<String>) -> Self {
        Self { values, ..self }
    }

    fn record(self, cx: &mut Cx<'_>, status: StepStatus, conclusion: impl Into<Text>) {
        cx.step(StepId::Antithrombin, status, self.values, self.basis, conclusion);
    }
}

/// What step 5 works from (clinical reference §5, rev 2): the AT doses given in the lab-age window, the
/// level measured before the first of them (the decision level), and a level measured after the last
/// (the 20-minute peak: shown, never read as "AT ≥ 70% → DTI"). Without a dose, the recent level.
struct AtPicture {
    level: Option<Sample<Percent>>,
    post_dose: Option<Sample<Percent>>,
    since: Vec<AtDose>,
    source: Source,
}

fn picture(cx: &Cx<'_>) -> AtPicture {
    let at = &cx.p.antithrombin;
    let max_age = cx.max_age();
    let doses = cx.tl.at_doses_until(cx.as_of);
    let since: Vec<AtDose> = doses
        .iter()
        .filter(|d| cx.as_of.hours_since(d.time) <= max_age.value())
        .copied()
        .collect();
    let levels = cx.tl.labs.antithrombin.until(cx.as_of);
    let (level, post_dose) = match (since.first(), since.last()) {
        (Some(first), Some(last)) => (
            levels.iter().rev().find(|s| s.time <= first.time).copied(),
            levels.iter().rev().find(|s| s.time > last.time).copied(),
        ),
        _ => (cx.tl.labs.antithrombin.recent(cx.as_of, max_age), None),
    };
    AtPicture {
        level,
        post_dose,
        since,
        source: format!(
            "{}; {}",
            at.deficiency_below_percent.source, at.severe_below_percent.source
        )
        .into(),
    }
}

fn at_step(cx: &Cx<'_>, pic: &AtPicture) -> AtStep {
    let at = &cx.p.antithrombin;
    let (deficient, severe) = (at.deficiency_below_percent.value, at.severe_below_percent.value);
    let rule = say!(
        cx,
        "AT < {severe} → DTI (AT as alternative); {}–{deficient} → supplement AT; ≥ {deficient} → DTI; after a dose, decide on the monitoring sample ≥ {} h after it and ≥ {} h after a rate change",
        severe.shown(),
        at.decide_after_dose_h.value.shown(),
        cx.p.monitoring.ufh_recheck_h.value.shown()
    );
    let mut values = Vec::new();
    if let Some(l) = pic.level {
        values.push(cx.sample_text(LabKind::Antithrombin, l));
    }
    for d in &pic.since {
        values.push(say!(
            cx,
            "{} {} at {}",
            if d.recombinant {
                "recombinant AT"
            } else {
                "AT concentrate"
            },
            d.units,
            d.time
        ));
    }
    if let Some(l) = pic.post_dose {
        values.push(say!(
            cx,
            "{} (after the dose: the peak, not a decision level)",
            cx.sample_text(LabKind::Antithrombin, l)
        ));
    }
    let threshold = say!(cx, "deficiency < {deficient}, severe < {severe}");
    AtStep {
        values,
        basis: StepBasis::new(threshold, rule, pic.source.clone()),
    }
}

/// Why resistance is suspected, from step 2's findings.
fn resistance_reasons(cx: &Cx<'_>) -> Vec<String> {
    let heading = if cx.has_finding(FindingCode::SuspectedHeparinResistance) {
        "suspected heparin resistance"
    } else {
        "resistance before the antithrombin dose; now"
    };
    vec![say!(
        cx,
        "{heading}: {}",
        cx.findings
            .iter()
            .filter(|f| matches!(
                f.code,
                FindingCode::HeparinResistanceDose
                    | FindingCode::HeparinResistanceWeight
                    | FindingCode::TargetNotReached
                    | FindingCode::NonResponse
                    | FindingCode::SuspectedHeparinResistance
            ))
            .map(|f| f.detail.clone())
            .collect::<Vec<_>>()
            .join("; ")
    )]
}

/// Step 5 and its branches: true resistance suspected on heparin.
pub(super) fn resistance_path(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    hr: Resistance,
    pattern: Pattern,
) -> Recommendation {
    let pic = picture(cx);
    let step = at_step(cx, &pic);
    let reasons = resistance_reasons(cx);
    // On the aPTT alone, escalation beyond heparin needs non-response; otherwise measure anti-Xa and
    // titrate meanwhile (§3 rev 2).
    if !monitor.is_anti_xa() && !hr.non_response {
        step.record(
            cx,
            StepStatus::NeedsData,
            "resistance rests on the aPTT alone without non-response: measure anti-Xa first",
        );
        let mut rec = measure_with_step(
            cx,
            h,
            monitor,
            pattern.reading,
            "anti-Xa",
            !pattern.forbids_escalation(),
        );
        rec.rationale.extend(reasons);
        rec.rationale.push(say!(
            cx,
            "resistance rests on the aPTT alone and the samples are not in the nomogram's lowest band: measure anti-Xa before going beyond heparin (high factor VIII or fibrinogen shorten the aPTT)"
        ));
        rec.cite("clinical reference §3 [rev 2]; Levy & Connors NEJM 2021");
        cx.due(
            "anti-Xa (with a paired aPTT)",
            Due::Now,
            "resistance on the aPTT alone: pseudo-resistance not excluded",
        );
        return rec;
    }
    if let Some(first) = pic.since.first().copied() {
        return after_a_dose(cx, h, monitor, &pic, step, reasons, first);
    }
    let Some(l) = pic.level else {
        // An older level is said as old, not as unknown (the review: "antithrombin unknown" beside an 88%
        // plotted 32 h earlier).
        let old = cx
            .tl
            .labs
            .antithrombin
            .latest(cx.as_of)
            .map(|s| cx.sample_text(crate::model::LabKind::Antithrombin, s));
        let too_old = old
            .as_ref()
            .map_or(String::new(), |o| format!(" (the latest, {o}, is too old to act on)"));
        let max_age = num(cx.max_age().value(), 0);
        let values = vec![say!(cx, "no antithrombin level in the last {max_age} h{too_old}")];
        step.with_values(values)
            .record(cx, StepStatus::NeedsData, "measure antithrombin");
        let mut rec = measure_with_step(
            cx,
            h,
            monitor,
            pattern.reading,
            "antithrombin",
            !pattern.forbids_escalation(),
        );
        rec.rationale.extend(reasons);
        rec.rationale.push(match &old {
            Some(o) => say!(
                cx,
                "true resistance suspected and the latest {o} is too old to act on: measure it again"
            ),
            None => say!(
                cx,
                "true resistance suspected and antithrombin unknown: measure antithrombin activity"
            ),
        });
        rec.cite(pic.source);
        cx.due(ANTITHROMBIN, Due::Now, "heparin resistance suspected");
        return rec;
    };
    by_level(cx, h, l, pic.source, step, reasons)
}

/// Antithrombin given (within the lab-age window) and the anti-Xa assay adds antithrombin (§5 rev 2, "AT
/// already given"): the aPTT decides, so a deciding aPTT still below target goes down the resistance
/// path even when the supplemented anti-Xa reads in range.
pub(super) fn supplemented_assay_after_dose(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    hr: Resistance,
    pattern: Pattern,
) -> Option<Recommendation> {
    if cx.patient.anti_xa_assay != AntiXaAssay::AtSupplemented || !monitor.is_anti_xa() {
        return None;
    }
    let first = picture(cx).since.first().copied()?;
    let (deciding, sample) = deciding_sample(cx, monitor, first);
    let sample = sample?;
    (deciding.level(sample) == Level::Below).then(|| resistance_path(cx, h, monitor, hr, pattern))
}

/// No dose yet: the measured level decides.
fn by_level(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    l: Sample<Percent>,
    source: Source,
    step: AtStep,
    reasons: Vec<String>,
) -> Recommendation {
    let p = cx.p;
    let at = &p.antithrombin;
    let (deficient, severe) = (at.deficiency_below_percent.value, at.severe_below_percent.value);
    if l.value < severe {
        cx.finding(
            FindingCode::AntithrombinSevereDeficiency,
            say!(cx, "antithrombin {} < {severe}", l.value),
            at.severe_below_percent.source.clone(),
        );
        step.record(cx, StepStatus::Met, "severe deficiency → DTI");
        let pd = &at.plasma_derived;
        let dose = plasma_derived_dose(l.value, pd.target_percent, cx.at_kg(), pd);
        let mut why = reasons;
        why.push(say!(
            cx,
            "antithrombin {} at {} is below the severe threshold {severe}",
            l.value,
            l.time
        ));
        let alternative = vec![say!(
            cx,
            "antithrombin supplementation instead: {} ({})",
            round_to_vials_by(dose.dose, &pd.vial_units, VialPolicy::of(cx.p, cx.at_kg())).describe(),
            dose.formula()
        )];
        return dti_switch::switch_to_dti(cx, why, vec![source], alternative);
    }
    if l.value < deficient {
        cx.finding(
            FindingCode::AntithrombinDeficiency,
            say!(cx, "antithrombin {} < {deficient}", l.value),
            at.deficiency_below_percent.source.clone(),
        );
        step.record(cx, StepStatus::Met, "deficiency → supplement antithrombin");
        return supplement(cx, h, l, &[], reasons);
    }
    step.record(
        cx,
        StepStatus::NotMet,
        "antithrombin normal → resistance is not antithrombin-mediated → DTI",
    );
    let mut why = reasons;
    why.push(say!(
        cx,
        "antithrombin {} ≥ {deficient}: supplementation would not help",
        l.value
    ));
    dti_switch::switch_to_dti(cx, why, vec![source], Vec::new())
}

/// The monitoring reading that decides after an AT dose: the first drawn ≥ `decide_after_dose_h` after
/// the dose and ≥ the recheck interval after the last heparin rate change before it. With an anti-Xa
/// assay that adds antithrombin, a non-supplemented anti-Xa decides when one was drawn (clinical reference
/// §14.6), else the aPTT.
fn deciding_sample(cx: &Cx<'_>, monitor: Monitor, dose: AtDose) -> (Monitor, Option<Reading>) {
    let after = dose.time.after_hours(cx.p.antithrombin.decide_after_dose_h.value);
    let steady = cx.p.monitoring.ufh_recheck_h.value.value();
    let settled = |t: ClinicalTime| {
        cx.tl
            .last_ufh_rate_event(t.plus_minutes(-1))
            .is_none_or(|change| t.hours_since(change) >= steady)
    };
    let monitor = if cx.patient.anti_xa_assay == AntiXaAssay::AtSupplemented {
        let not_supplemented = cx.tl.labs.anti_xa_not_supplemented.until(cx.as_of);
        let first = not_supplemented[not_supplemented.partition_point(|s| s.time < after)..]
            .iter()
            .find(|s| settled(s.time));
        if let Some(s) = first {
            let anti_xa = Monitor {
                assay: Assay::AntiXa,
                ..monitor
            };
            return (anti_xa, Some(Reading::AntiXa(*s)));
        }
        Monitor {
            assay: Assay::Aptt,
            ..monitor
        }
    } else {
        monitor
    };
    let sample = monitor
        .recent(cx, Some(after), 64)
        .into_iter()
        .find(|r| settled(r.time()));
    (monitor, sample)
}

/// Antithrombin has been given (§5 rev 2, "AT already given"): the post-dose peak never decides; the
/// decision waits for the monitoring sample ≥ 4 h after the dose and ≥ 6 h after the last rate change.
fn after_a_dose(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    pic: &AtPicture,
    step: AtStep,
    reasons: Vec<String>,
    first: AtDose,
) -> Recommendation {
    let (deciding_monitor, sample) = deciding_sample(cx, monitor, first);
    if let Some(r) = sample {
        if deciding_monitor.level(r) == Level::Below {
            if let Some(why_not) = aptt_cannot_decide(cx).filter(|_| deciding_monitor.assay == Assay::Aptt) {
                step.record(
                    cx,
                    StepStatus::NeedsData,
                    "AT given, AT-supplemented anti-Xa: measure factor VIII and fibrinogen before the aPTT decides",
                );
                let mut rec = measure_with_step(
                    cx,
                    h,
                    monitor,
                    Some(r),
                    "factor VIII and fibrinogen (or a non-supplemented anti-Xa)",
                    false,
                );
                rec.rationale.push(say!(
                    cx,
                    "the anti-Xa assay adds antithrombin, so the aPTT decides after the dose — but only with factor VIII and fibrinogen within the reference range: {why_not}; no escalation until then"
                ));
                rec.cite(cx.p.antithrombin.supplemented_assay_reference.source.clone());
                cx.due("factor VIII", Due::Now, "before the aPTT decides after antithrombin");
                cx.due("fibrinogen", Due::Now, "before the aPTT decides after antithrombin");
                return rec;
            }
            return still_below_after_dose(cx, deciding_monitor, pic, step, reasons, first, r);
        }
        // A response after the dose, then a fall: measure AT again.
        step.record(
            cx,
            StepStatus::NeedsData,
            "responded after AT, now below again: re-measure AT",
        );
        let mut rec = measure_with_step(cx, h, monitor, Some(r), "antithrombin", false);
        rec.rationale.push(say!(
            cx,
            "the {} rose into range after antithrombin at {} and has fallen again: re-measure AT before the next step",
            deciding_monitor.name(),
            first.time
        ));
        rec.cite(cx.p.monitoring.at_interval_while_resistant_h.source.clone());
        cx.due(ANTITHROMBIN, Due::Now, "falling response after supplementation");
        return rec;
    }
    // No deciding sample yet. A known pre-dose level whose dose falls short (and no post-dose level to
    // say otherwise): supplement further.
    if let Some(l) = pic.level.filter(|_| pic.post_dose.is_none()) {
        let expected = expected_level(cx, l.value, &pic.since);
        let low = cx.p.antithrombin.plasma_derived.maintenance_range_percent.low;
        if expected < low {
            cx.finding(
                FindingCode::AntithrombinDeficiency,
                say!(
                    cx,
                    "antithrombin {} at {}; the dose given is expected to reach only ≈ {expected}",
                    l.value,
                    l.time
                ),
                pic.source.clone(),
            );
            step.record(
                cx,
                StepStatus::Met,
                say!(cx, "dose given falls short of {low}: supplement further"),
            );
            return supplement(cx, h, l, &pic.since, reasons);
        }
    }
    step.record(
        cx,
        StepStatus::NeedsData,
        "AT given: wait for the monitoring sample that decides",
    );
    await_after_dose(cx, h, deciding_monitor, first, pic)
}

/// With an AT-supplemented anti-Xa assay, why the aPTT cannot decide after an AT dose, if it cannot
/// (clinical reference §14.6): factor VIII or fibrinogen missing in the last 24 h, or outside the protocol's
/// reference ranges (both shorten the aPTT when high). A non-supplemented anti-Xa (its own lab kind,
/// `anti_xa_not_supplemented`) decides before this is asked (`deciding_sample`).
fn aptt_cannot_decide(cx: &Cx<'_>) -> Option<String> {
    if cx.patient.anti_xa_assay != AntiXaAssay::AtSupplemented {
        return None;
    }
    let reference = &cx.p.antithrombin.supplemented_assay_reference;
    let day = cx.max_age();
    let labs = &cx.tl.labs;
    let (Some(f8), Some(fib)) = (
        labs.factor_viii.recent(cx.as_of, day),
        labs.fibrinogen.recent(cx.as_of, day),
    ) else {
        return Some("factor VIII and fibrinogen are not both measured in the last 24 h".to_owned());
    };
    let mut out = Vec::new();
    let r8 = reference.factor_viii_percent;
    if !(r8.low..=r8.high).contains(&f8.value) {
        out.push(format!(
            "factor VIII {} outside {}–{}",
            f8.value,
            r8.low.shown(),
            r8.high
        ));
    }
    let rf = reference.fibrinogen_g_per_l;
    if !(rf.low..=rf.high).contains(&fib.value) {
        out.push(format!(
            "fibrinogen {} outside {}–{}",
            fib.value,
            rf.low.shown(),
            rf.high
        ));
    }
    (!out.is_empty()).then(|| out.join(", "))
}

/// The deciding sample is still below target: not (only) AT-mediated → a DTI, with a top-up as the
/// alternative when the post-dose AT (measured, else label-calculated) is below the maintenance range.
fn still_below_after_dose(
    cx: &mut Cx<'_>,
    monitor: Monitor,
    pic: &AtPicture,
    step: AtStep,
    reasons: Vec<String>,
    first: AtDose,
    sample: Reading,
) -> Recommendation {
    let p = cx.p;
    let pd = &p.antithrombin.plasma_derived;
    let mut why = reasons;
    let sample_text = monitor.reading_text(cx, sample);
    why.push(say!(
        cx,
        "antithrombin given at {}; the {} ≥ {} h after it ({}) is still below target: resistance is not (only) antithrombin-mediated (heparin-binding proteins, circuit)",
        first.time,
        monitor.name(),
        p.antithrombin.decide_after_dose_h.value.shown(),
        sample_text
    ));
    let mut caveats = Vec::new();
    if cx.patient.anti_xa_assay == AntiXaAssay::AtSupplemented && monitor.assay == Assay::AntiXa {
        why.push(say!(
            cx,
            "the usual anti-Xa assay adds antithrombin: decided on the anti-Xa from an assay without added antithrombin"
        ));
    } else if cx.patient.anti_xa_assay == AntiXaAssay::AtSupplemented {
        why.push(say!(cx, "the anti-Xa assay adds antithrombin: decided on the aPTT"));
        if cx.has_finding(FindingCode::PseudoResistance) {
            caveats.push(say!(
                cx,
                "the pair also reads as pseudo-resistance (low aPTT, anti-Xa in range): the supplemented anti-Xa cannot rule out antithrombin-mediated resistance, so the rule decides on the aPTT; high factor VIII or fibrinogen would shorten the aPTT under a DTI too — a non-supplemented anti-Xa or a factor VIII level tells them apart"
            ));
        }
    }
    let mut alternatives = Vec::new();
    let low = pd.maintenance_range_percent.low;
    let post = match (pic.post_dose, pic.level) {
        (Some(m), _) => Some((m.value, "measured")),
        (None, Some(l)) => Some((expected_level(cx, l.value, &pic.since), "expected at label recovery")),
        (None, None) => None,
    };
    if let Some((post, how)) = post.filter(|(v, _)| *v < low) {
        why.push(say!(
            cx,
            "note: the post-dose antithrombin is ≈ {post} ({how}), below {low}"
        ));
        let top_up = plasma_derived_dose(post, pd.target_percent, cx.at_kg(), pd);
        alternatives.push(say!(
            cx,
            "re-measure AT and top up to {}: {}",
            pd.target_percent,
            round_to_vials_by(top_up.dose, &pd.vial_units, VialPolicy::of(cx.p, cx.at_kg())).describe()
        ));
    }
    cx.finding(
        FindingCode::AntithrombinDeficiency,
        say!(
            cx,
            "antithrombin supplemented at {}, target still not reached",
            first.time
        ),
        pic.source.clone(),
    );
    step.record(cx, StepStatus::Met, "AT given, still below target → DTI");
    let mut rec = dti_switch::switch_to_dti(cx, why, vec![pic.source.clone()], alternatives);
    rec.caveats.extend(caveats);
    rec
}

/// AT given, no deciding sample yet: heparin continues without escalation; the monitoring assay is due
/// when it can decide, and AT at the protocol's delays.
fn await_after_dose(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    dose: AtDose,
    pic: &AtPicture,
) -> Recommendation {
    let p = cx.p;
    let mut rec = measure_with_step(cx, h, monitor, None, "", false);
    rec.label = format!(
        "Wait for the {} that decides; continue heparin, no escalation",
        monitor.name()
    );
    rec.rationale.push(say!(
        cx,
        "antithrombin given at {}: the decision waits for the {} drawn ≥ {} h after the dose and ≥ {} h after the last rate change",
        dose.time,
        monitor.name(),
        p.antithrombin.decide_after_dose_h.value.shown(),
        p.monitoring.ufh_recheck_h.value.shown()
    ));
    if let Some(post) = pic.post_dose {
        rec.rationale.push(say!(
            cx,
            "antithrombin {} at {} is the post-dose peak: it shows the dose arrived, it does not decide",
            post.value,
            post.time
        ));
    }
    rec.caveats
        .push(p.antithrombin.heparin_potentiation_caveat.value.clone());
    rec.cite(p.antithrombin.decide_after_dose_h.source.clone());
    rec.cite(p.antithrombin.heparin_potentiation_caveat.source.clone());
    let after_dose = dose.time.after_hours(p.antithrombin.decide_after_dose_h.value);
    let after_change = cx
        .tl
        .last_ufh_rate_event(cx.as_of)
        .map_or(after_dose, |c| c.after_hours(p.monitoring.ufh_recheck_h.value));
    let due = cx.due_at(after_dose.max(after_change));
    cx.due(monitor.paired_test(), due, "decides after antithrombin");
    for m in &p.monitoring.at_recheck_after_dose_min.value {
        let at = dose.time.after_minutes(*m);
        let measured = pic.post_dose.is_some_and(|s| s.time >= at.plus_minutes(-10));
        if !measured {
            let due = cx.due_at(at);
            cx.due(ANTITHROMBIN, due, say!(cx, "{} after the dose", minutes_text(*m)));
        }
    }
    rec
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{analyse, antithrombin, at_concentrate, case_with, h, ufh_rate, xa};
    use super::super::super::{Action, Detail};
    use super::*;
    use crate::model::{Minutes, Units};

    /// Resistance on heparin: 24 units/kg/h with two low anti-Xa.
    fn resistant(mut extra: Vec<(i64, crate::model::EventKind)>) -> crate::model::Case {
        let mut events = vec![(0, ufh_rate(24.0)), (6, xa(0.15)), (12, xa(0.18))];
        events.append(&mut extra);
        case_with(events)
    }

    #[test]
    fn unknown_antithrombin_is_measured() {
        let a = analyse(&resistant(vec![]), h(12), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::Measure);
        assert!(
            a.recommendation.label.contains("antithrombin"),
            "{}",
            a.recommendation.label
        );
        assert_eq!(a.monitoring[0].test, "antithrombin");
    }

    #[test]
    fn each_antithrombin_band() {
        // Severe (< 50%) → DTI; deficient (50–69%) → supplement; normal (≥ 70%) → DTI.
        for (level, action) in [
            (40.0, Action::SwitchToArgatroban),
            (60.0, Action::SupplementAntithrombin),
            (85.0, Action::SwitchToArgatroban),
        ] {
            let a = analyse(&resistant(vec![(12, antithrombin(level))]), h(12), Detail::Explained);
            assert_eq!(a.recommendation.action, action, "AT {level}%");
        }
    }

    #[test]
    fn the_supplement_divides_by_the_label_recovery_and_rounds_to_vials() {
        // (100 − 60) × 80 ÷ 1.4 = 2,286 units → 2,500 units in vials.
        let a = analyse(&resistant(vec![(12, antithrombin(60.0))]), h(12), Detail::Explained);
        assert_eq!(a.recommendation.dose_units.map(Units::value), Some(2500.0));
        assert!(a.recommendation.rationale.iter().any(|l| l.contains("2,286 units")));
    }

    #[test]
    fn after_a_dose_a_still_low_result_switches_to_a_dti() {
        let a = analyse(
            &resistant(vec![
                (12, antithrombin(60.0)),
                (12, at_concentrate(2500.0)),
                (19, xa(0.17)),
            ]),
            h(19),
            Detail::Explained,
        );
        assert_eq!(a.recommendation.action, Action::SwitchToArgatroban);
    }

    #[test]
    fn after_a_dose_without_a_new_result_the_effect_is_measured() {
        let a = analyse(
            &resistant(vec![(12, antithrombin(60.0)), (12, at_concentrate(2500.0))]),
            h(13),
            Detail::Explained,
        );
        assert_eq!(a.recommendation.action, Action::Measure);
    }

    #[test]
    fn minutes_read_as_minutes_or_hours() {
        assert_eq!(minutes_text(Minutes::new(20.0).unwrap()), "20 min");
        assert_eq!(minutes_text(Minutes::new(720.0).unwrap()), "12 h");
    }
}
