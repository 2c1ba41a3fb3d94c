//! Heparin resistance on bypass (R4) → antithrombin (clinical reference §10): the protocol's fixed dose,
//! vial-rounded, with the formula doses from a measured level, the recombinant dose and plasma as
//! alternatives, and the andexanet caveat.

use super::super::context::{Cx, StepBasis};
use super::super::types::{Action, Due, FindingCode, Recommendation, StepId, StepStatus};
use crate::dosing::antithrombin::{plasma_derived_dose, recombinant_dose, round_to_vials};
use crate::model::Seconds;
use crate::protocol::Bypass;

/// Step 5 on bypass with resistance, and the antithrombin recommendation.
pub(super) fn on_bypass(cx: &mut Cx<'_>, b: &Bypass, act: Seconds) -> Recommendation {
    let p = cx.p;
    let kg = cx.weight;
    let at = &p.antithrombin;
    let pd = &at.plasma_derived;
    let fixed = b.at_dose_units.value;
    let rounded = round_to_vials(fixed, &pd.vial_units);
    let level = cx.tl.labs.antithrombin.latest(cx.as_of);
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
    rec.target = say!(cx, "ACT ≥ {}", b.target_act_s.value);
    rec.rationale.push(say!(
        cx,
        "heparin resistance on bypass (R4): ACT {} s < {} after ≥ {}",
        act.shown(),
        b.target_act_s.value,
        b.resistance_units_per_kg.value
    ));
    rec.rationale
        .push(say!(cx, "antithrombin {} (fixed bypass dose)", rounded.describe()));
    rec.cite(b.at_dose_units.source.clone());
    rec.cite(b.resistance_units_per_kg.source.clone());
    let mut values = Vec::new();
    if let Some(l) = level {
        values.push(say!(cx, "antithrombin {} at {}", l.value, l.time));
        let formula = plasma_derived_dose(l.value, pd.target_percent, kg, pd);
        rec.alternatives.push(say!(
            cx,
            "dose by formula from the measured level: {}",
            formula.formula()
        ));
        let rc = recombinant_dose(l.value, kg, cx.case.patient.pregnant, &at.recombinant);
        rec.alternatives.push(say!(
            cx,
            "{} by its label formula: {}",
            at.recombinant.product,
            rc.formula()
        ));
    }
    let rh = b.recombinant_at_units_per_kg.value;
    rec.alternatives.push(say!(
        cx,
        "{} {} = {} ({})",
        at.recombinant.product,
        rh,
        rh.for_weight(kg),
        b.recombinant_at_units_per_kg.source
    ));
    rec.alternatives
        .push(say!(cx, "fresh frozen plasma: weaker ({})", at.plasma.source));
    rec.alternatives
        .push(say!(cx, "more heparin: {}", b.more_heparin_outcome.value));
    if cx.case.patient.andexanet_exposure {
        rec.caveats.push(say!(
            cx,
            "andexanet exposure: expect severe resistance; antithrombin ≈ {} restored ACT ({})",
            b.andexanet_at_units_per_kg.value,
            b.andexanet_at_units_per_kg.source
        ));
    }
    cx.finding(
        FindingCode::AntithrombinDeficiency,
        "bypass resistance: antithrombin is the first-line treatment",
        b.at_dose_units.source.clone(),
    );
    cx.step(
        StepId::Antithrombin,
        StepStatus::Met,
        values,
        StepBasis::new(
            say!(cx, "R4 → antithrombin {}", fixed),
            "bypass resistance → antithrombin (fixed dose or formula)",
            b.at_dose_units.source.clone(),
        ),
        "supplement antithrombin",
    );
    cx.due("ACT", Due::AfterDose, "after antithrombin");
    rec
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{act, analyse, bolus, case_in, h};
    use super::super::super::{Action, Detail};
    use crate::model::{Setting, Units};

    #[test]
    fn r4_gives_the_fixed_bypass_dose_in_vials() {
        // 80 kg, 41,600 units (520 units/kg), ACT 420 s: 1,000 units antithrombin (Williams 2000).
        let c = case_in(
            Setting::Cpb,
            vec![(0, act(130.0)), (1, bolus(41_600.0)), (2, act(420.0))],
        );
        let a = analyse(&c, h(2), Detail::Explained);
        assert_eq!(a.recommendation.action, Action::SupplementAntithrombin);
        assert_eq!(a.recommendation.dose_units.map(Units::value), Some(1000.0));
        assert!(
            a.recommendation
                .alternatives
                .iter()
                .any(|l| l.starts_with("more heparin: "))
        );
    }
}
