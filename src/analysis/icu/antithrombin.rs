//! Step 5, antithrombin (clinical reference §5–§6): with resistance suspected on heparin, the AT level
//! decides — unknown → measure; severe deficiency → a DTI (AT as the alternative); deficiency →
//! supplement by the label formula, vial-rounded, net of what was already given; normal, or AT already
//! given and the monitoring assay still below target → a DTI.

use super::super::context::{Cx, Monitor, Readings, StepBasis};
use super::super::dti_switch;
use super::super::pairing::Level;
use super::super::timeline::{AtDose, Sample};
use super::super::types::{Action, Due, FindingCode, HeparinExposure, Recommendation, StepId, StepStatus, Text};
use crate::dosing::antithrombin::{expected_rise_percent, plasma_derived_dose, recombinant_dose, round_to_vials};
use crate::dosing::dti;
use crate::model::{ClinicalTime, LabKind, Minutes, Percent, Units, num};
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

/// What step 5 works from: the recent AT level and the doses given since it (or, without a level, in
/// the lab-age window).
struct AtPicture {
    level: Option<Sample<Percent>>,
    since: Vec<AtDose>,
    source: Source,
}

fn picture(cx: &Cx<'_>) -> AtPicture {
    let at = &cx.p.antithrombin;
    let max_age = cx.max_age();
    let level = cx.tl.labs.antithrombin.recent(cx.as_of, max_age);
    let doses = cx.tl.at_doses_until(cx.as_of);
    let since: Vec<AtDose> = match level {
        Some(l) => doses.iter().filter(|d| d.time >= l.time).copied().collect(),
        None => doses
            .iter()
            .filter(|d| cx.as_of.hours_since(d.time) <= max_age.value())
            .copied()
            .collect(),
    };
    AtPicture {
        level,
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
        "AT < {severe} → DTI (AT as alternative); {}–{deficient} → supplement AT; ≥ {deficient} or AT already given and still below target → DTI",
        severe.shown(),
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
    let threshold = say!(cx, "deficiency < {deficient}, severe < {severe}");
    AtStep {
        values,
        basis: StepBasis::new(threshold, rule, pic.source.clone()),
    }
}

/// Why resistance is suspected, from step 2's findings.
fn resistance_reasons(cx: &Cx<'_>) -> Vec<String> {
    vec![say!(
        cx,
        "suspected heparin resistance: {}",
        cx.findings
            .iter()
            .filter(|f| matches!(
                f.code,
                FindingCode::HeparinResistanceDose
                    | FindingCode::HeparinResistanceWeight
                    | FindingCode::TargetNotReached
            ))
            .map(|f| f.detail.clone())
            .collect::<Vec<_>>()
            .join("; ")
    )]
}

/// Step 5 and its branches: true resistance suspected on heparin.
pub(super) fn resistance_path(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor) -> Recommendation {
    let pic = picture(cx);
    let step = at_step(cx, &pic);
    let reasons = resistance_reasons(cx);
    if let Some(first) = pic.since.first().copied() {
        return after_a_dose(cx, h, monitor, &pic, step, reasons, first);
    }
    let Some(l) = pic.level else {
        let values = vec![say!(
            cx,
            "no antithrombin level in the last {} h",
            num(cx.max_age().value(), 0)
        )];
        step.with_values(values)
            .record(cx, StepStatus::NeedsData, "measure antithrombin");
        let mut rec = Recommendation::new(Action::Measure, ANTITHROMBIN);
        rec.rationale.extend(reasons);
        rec.rationale.push(say!(
            cx,
            "true resistance suspected and antithrombin unknown: measure antithrombin activity"
        ));
        if matches!(monitor, Monitor::Aptt { .. }) {
            rec.rationale.push(say!(
                cx,
                "and measure anti-Xa: without it pseudo-resistance cannot be excluded"
            ));
        }
        rec.cite(pic.source);
        cx.due(ANTITHROMBIN, Due::Now, "heparin resistance suspected");
        return rec;
    };
    by_level(cx, h, l, pic.source, step, reasons)
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
        let dose = plasma_derived_dose(l.value, pd.target_percent, cx.weight, pd);
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
            round_to_vials(dose.dose, &pd.vial_units).describe(),
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

/// Antithrombin has been given: the monitoring results after the dose decide.
fn after_a_dose(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    pic: &AtPicture,
    step: AtStep,
    reasons: Vec<String>,
    first: AtDose,
) -> Recommendation {
    let all = monitor.readings_until(cx.tl, cx.as_of);
    let after = all.from(all.first_after(first.time));
    if !after.is_empty() {
        if after.iter().all(|r| monitor.level(r) == Some(Level::Below)) {
            return still_below_after_dose(cx, monitor, pic, step, reasons, first, after);
        }
        // A response after the dose, then a fall: measure AT again.
        step.record(
            cx,
            StepStatus::NeedsData,
            "responded after AT, now below again: re-measure AT",
        );
        let mut rec = Recommendation::new(Action::Measure, ANTITHROMBIN);
        rec.rationale.push(say!(
            cx,
            "the {} rose into range after antithrombin at {} and has fallen again: re-measure AT before the next step",
            monitor.name(),
            first.time
        ));
        rec.cite(cx.p.monitoring.at_interval_while_resistant_h.source.clone());
        cx.due(ANTITHROMBIN, Due::Now, "falling response after supplementation");
        return rec;
    }
    // No monitoring result after the dose yet.
    let Some(l) = pic.level else {
        step.record(cx, StepStatus::NeedsData, "AT given without a level: measure");
        return await_after_dose(cx, first.time, monitor);
    };
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
    step.record(cx, StepStatus::Met, "AT given: wait for the next level");
    await_after_dose(cx, first.time, monitor)
}

/// Every monitoring result since the dose is still below target: not (only) AT-mediated → a DTI.
fn still_below_after_dose(
    cx: &mut Cx<'_>,
    monitor: Monitor,
    pic: &AtPicture,
    step: AtStep,
    reasons: Vec<String>,
    first: AtDose,
    after: Readings<'_>,
) -> Recommendation {
    let p = cx.p;
    let pd = &p.antithrombin.plasma_derived;
    let mut why = reasons;
    let next_text = after.get(0).map(|r| monitor.reading_text(cx, r)).unwrap_or_default();
    why.push(say!(
        cx,
        "antithrombin given at {}; the next {} ({}) is still below target: resistance is not (only) antithrombin-mediated (heparin-binding proteins, circuit)",
        first.time,
        monitor.name(),
        next_text
    ));
    let mut alternatives = Vec::new();
    if let Some(l) = pic.level {
        let expected = expected_level(cx, l.value, &pic.since);
        let low = pd.maintenance_range_percent.low;
        if expected < low {
            why.push(say!(cx, "note: the dose given was expected to reach only ≈ {expected} (label recovery), below {low}, and AT was not re-measured"));
            let top_up = plasma_derived_dose(expected, pd.target_percent, cx.weight, pd);
            alternatives.push(say!(
                cx,
                "re-measure AT and top up to {}: {}",
                pd.target_percent,
                round_to_vials(top_up.dose, &pd.vial_units).describe()
            ));
        }
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
    dti_switch::switch_to_dti(cx, why, vec![pic.source.clone()], alternatives)
}

/// The AT level expected after the doses at label recovery.
fn expected_level(cx: &Cx<'_>, level: Percent, doses: &[AtDose]) -> Percent {
    level.plus(doses.iter().map(|d| rise(cx, d)).fold(Percent::ZERO, Percent::plus))
}

/// Expected AT rise (percentage points) from a dose at the product's label recovery.
fn rise(cx: &Cx<'_>, d: &AtDose) -> Percent {
    let at = &cx.p.antithrombin;
    let recovery = if d.recombinant {
        at.recombinant.load_divisor
    } else {
        at.plasma_derived.recovery_percent_per_unit_per_kg
    };
    expected_rise_percent(d.units, cx.weight, recovery)
}

/// "20 min", "12 h".
fn minutes_text(minutes: Minutes) -> String {
    if minutes.value() >= 60.0 {
        format!("{} h", minutes.in_hours().shown())
    } else {
        format!("{} min", minutes.shown())
    }
}

/// AT given: measure its effect (AT at the protocol's delays, the monitoring assay at steady state).
fn await_after_dose(cx: &mut Cx<'_>, dose_time: ClinicalTime, monitor: Monitor) -> Recommendation {
    let p = cx.p;
    let mut rec = Recommendation::new(Action::Measure, ANTITHROMBIN);
    rec.rationale.push(say!(
        cx,
        "antithrombin given at {dose_time}: measure its effect before the next step"
    ));
    for m in &p.monitoring.at_recheck_after_dose_min.value {
        let due = cx.due_at(dose_time.after_minutes(*m));
        cx.due(ANTITHROMBIN, due, say!(cx, "{} after the dose", minutes_text(*m)));
    }
    let due = cx.due_at(dose_time.after_hours(p.monitoring.ufh_recheck_h.value));
    cx.due(monitor.paired_test(), due, "response to antithrombin");
    rec.cite(p.monitoring.at_recheck_after_dose_min.source.clone());
    rec
}

/// Antithrombin supplementation with the label formula, vial rounding and what was already given.
fn supplement(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    level: Sample<Percent>,
    given: &[AtDose],
    mut rationale: Vec<String>,
) -> Recommendation {
    let p = cx.p;
    let at = &p.antithrombin;
    let pd = &at.plasma_derived;
    let baseline = level.value;
    let full = plasma_derived_dose(baseline, pd.target_percent, cx.weight, pd);
    rationale.push(say!(
        cx,
        "antithrombin {} at {} is below {} (deficiency)",
        baseline,
        level.time,
        at.deficiency_below_percent.value
    ));
    rationale.push(say!(
        cx,
        "dose to {} (label formula, divide by {}): {}",
        pd.target_percent,
        num(pd.recovery_percent_per_unit_per_kg.value(), 1),
        full.formula()
    ));
    let expected = expected_level(cx, level.value, given);
    if !given.is_empty() {
        let total = Units::total(given.iter().map(|d| d.units));
        let added = given.iter().map(|d| rise(cx, d)).fold(Percent::ZERO, Percent::plus);
        rationale.push(say!(
            cx,
            "already given since the level: {} → expected AT ≈ {expected} (+{} points at label recovery), short of the {} lower bound",
            total,
            num(added.value(), 1),
            pd.maintenance_range_percent.low
        ));
    }
    let still = plasma_derived_dose(expected, pd.target_percent, cx.weight, pd);
    let rounded = round_to_vials(still.dose, &pd.vial_units);
    if given.is_empty() {
        rationale.push(say!(cx, "give {}", rounded.describe()));
    } else {
        rationale.push(say!(cx, "still to give: {} ({})", rounded.describe(), still.formula()));
    }
    let load = plasma_derived_dose(baseline, pd.load_target_percent, cx.weight, pd);
    rationale.push(say!(
        cx,
        "label load target {}: {}; maintenance ≈ {}% of the load every 24 h ({})",
        pd.load_target_percent,
        load.dose,
        num(pd.maintenance_fraction_per_24h.value() * 100.0, 0),
        load.maintenance_per_24h
    ));
    if let (Some(r), Some(u)) = (h.current_rate_units_per_kg_per_h, h.current_rate_units_per_h) {
        rationale.push(say!(
            cx,
            "continue heparin at {r} ({u}) meanwhile; no escalation until AT and anti-Xa are re-measured"
        ));
    }
    let mut rec = Recommendation::new(Action::SupplementAntithrombin, format!("antithrombin ({})", pd.product));
    rec.dose_units = Some(rounded.rounded);
    rec.concentration = say!(
        cx,
        "{}: vials of {} units",
        pd.product,
        pd.vial_units
            .iter()
            .map(|v| v.number())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    rec.target = say!(
        cx,
        "antithrombin {} (maintain {}–{})",
        pd.target_percent,
        pd.maintenance_range_percent.low.shown(),
        pd.maintenance_range_percent.high
    );
    rec.rationale = rationale;
    rec.cite(pd.source.clone());
    rec.cite(at.deficiency_below_percent.source.clone());
    supplement_alternatives(cx, &mut rec, baseline);
    rec.caveats.push(at.caveat.value.clone());
    if cx.case.patient.setting.is_ecmo() {
        let obs = &pd.ecmo_observed_recovery_percent_per_unit_per_kg;
        rec.caveats.push(say!(
            cx,
            "on ECMO the observed rise was ≈ {}% per units/kg (a third of label): {} may raise AT only ≈ {} points ({})",
            obs.value.shown(),
            rounded.rounded,
            num(expected_rise_percent(rounded.rounded, cx.weight, obs.value).value(), 0),
            obs.source
        ));
    }
    for m in &p.monitoring.at_recheck_after_dose_min.value {
        cx.due(
            ANTITHROMBIN,
            Due::At(cx.as_of.after_minutes(*m)),
            say!(cx, "{} after the dose", minutes_text(*m)),
        );
    }
    cx.due(
        "anti-Xa (with a paired aPTT)",
        Due::At(cx.as_of.after_hours(p.monitoring.ufh_recheck_h.value)),
        "response to antithrombin",
    );
    rec
}

/// The other products (recombinant, plasma) and the DTI if supplementation fails.
fn supplement_alternatives(cx: &Cx<'_>, rec: &mut Recommendation, baseline: Percent) {
    let at = &cx.p.antithrombin;
    let rc = recombinant_dose(baseline, cx.weight, cx.case.patient.pregnant, &at.recombinant);
    rec.alternatives.push(say!(
        cx,
        "{} (never use the plasma-derived divisor for it): {}",
        at.recombinant.product,
        rc.formula()
    ));
    let ml = at.plasma.dose_ml_per_kg;
    let (lo, hi) = (ml.low.for_weight(cx.weight), ml.high.for_weight(cx.weight));
    rec.alternatives.push(say!(
        cx,
        "fresh frozen plasma {}–{} mL/kg = {}–{} ≈ {}–{} units antithrombin (weaker; {})",
        ml.low.shown(),
        ml.high.shown(),
        lo.shown(),
        hi,
        lo.units_at(at.plasma.at_units_per_ml).shown(),
        hi.units_at(at.plasma.at_units_per_ml).shown(),
        at.plasma.source
    ));
    let choice = dti::choose_dti(&cx.case.patient, cx.p);
    rec.alternatives.push(say!(
        cx,
        "switch to {} if the target is still not reached after supplementation",
        choice.drug.name()
    ));
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{analyse, antithrombin, at_concentrate, case_with, h, ufh_rate, xa};
    use super::super::super::{Action, Detail};
    use super::*;

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
        assert_eq!(a.recommendation.drug, "antithrombin");
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
