//! Antithrombin on bypass (clinical reference §10, rev 2): for R4, or when the dose-response line asks
//! for more than the protocol's single or cumulative cap (a flat dose-response, e.g. after andexanet) —
//! the advice is antithrombin, not a huge heparin dose. The dose: 50 units/kg after andexanet (Mishima
//! 2025); otherwise the label formula when the AT level is known, else 1,000 units (Williams 2000);
//! vial-rounded. Before giving it: confirm the heparin reached the circulation.

use super::super::antithrombin_card::antithrombin_recommendation;
use super::super::context::{Cx, StepBasis};
use super::super::types::{Due, FindingCode, Recommendation, StepId, StepStatus};
use crate::dosing::antithrombin::{plasma_derived_dose, recombinant_dose};
use crate::model::{Seconds, UnitsPerKg};
use crate::protocol::Bypass;

/// Why antithrombin on bypass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Why {
    /// R4: ACT below target after ≥ 500 units/kg for bypass.
    Resistance,
    /// The line's dose to the target is beyond the caps (the calculated dose, shown as information).
    BeyondCap(UnitsPerKg),
}

/// Step 5 on bypass, and the antithrombin recommendation.
pub(super) fn on_bypass(cx: &mut Cx<'_>, b: &Bypass, act: Seconds, why: Why) -> Recommendation {
    let p = cx.p;
    let kg = cx.at_kg();
    let at = &p.antithrombin;
    let pd = &at.plasma_derived;
    let level = cx.tl.labs.antithrombin.recent(cx.as_of, cx.max_age());
    let andexanet = cx.patient.andexanet_exposure;
    let (dose, basis) = if andexanet {
        let per_kg = b.andexanet_at_units_per_kg.value;
        (
            per_kg.for_weight(kg),
            say!(
                cx,
                "after andexanet: {} × {} ({})",
                per_kg,
                kg,
                b.andexanet_at_units_per_kg.source
            ),
        )
    } else if let Some(l) = level {
        let formula = plasma_derived_dose(l.value, pd.target_percent, kg, pd);
        (
            formula.dose,
            say!(
                cx,
                "label formula from antithrombin {} at {}: {}",
                l.value,
                l.time,
                formula.formula()
            ),
        )
    } else {
        (
            b.at_dose_units.value,
            say!(cx, "fixed bypass dose ({})", b.at_dose_units.source),
        )
    };
    let (mut rec, rounded) = antithrombin_recommendation(cx, dose);
    rec.target = say!(cx, "ACT ≥ {}", b.target_act_s.value);
    match why {
        Why::Resistance => rec.rationale.push(say!(
            cx,
            "heparin resistance on bypass (R4): ACT {} s < {} after ≥ {} given for bypass",
            act.shown(),
            b.target_act_s.value,
            b.resistance_units_per_kg.value
        )),
        Why::BeyondCap(calculated) => {
            rec.rationale.push(say!(
                cx,
                "ACT {} s: the dose-response line asks for {} ({}) more, beyond the cap of {} per dose (cumulative cap {}): a flat dose-response — antithrombin, not a huge heparin dose",
                act.shown(),
                calculated,
                calculated.for_weight(cx.hkg()),
                b.max_additional_units_per_kg.value,
                b.max_cumulative_units_per_kg.value
            ));
            rec.rationale.push(say!(
                cx,
                "the calculated amount is information only; the line holds up to about {}",
                b.dose_response_valid_to_act_s.value
            ));
            rec.cite(b.max_additional_units_per_kg.source.clone());
            rec.cite(b.dose_response_valid_to_act_s.source.clone());
        }
    }
    rec.rationale
        .push(say!(cx, "antithrombin {} — {basis}", rounded.describe()));
    rec.caveats.push(say!(
        cx,
        "before antithrombin, confirm the heparin reached the circulation: central line, aspirate blood, repeat the ACT"
    ));
    rec.cite(b.at_dose_units.source.clone());
    rec.cite(b.resistance_units_per_kg.source.clone());
    if andexanet {
        rec.cite(b.andexanet_at_units_per_kg.source.clone());
    }
    let values = alternatives(cx, b, level, andexanet, &mut rec);
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
            say!(cx, "R4, or a top-up beyond {} → antithrombin", b.max_additional_units_per_kg.value),
            "bypass resistance or a flat dose-response → antithrombin (50 units/kg after andexanet; formula with a known level; else the fixed dose)",
            b.at_dose_units.source.clone(),
        ),
        "supplement antithrombin",
    );
    cx.due("ACT", Due::AfterDose, "after antithrombin");
    rec
}

/// The other antithrombin doses and products, and the level behind them (step 5's values).
fn alternatives(
    cx: &Cx<'_>,
    b: &Bypass,
    level: Option<crate::analysis::timeline::Sample<crate::model::Percent>>,
    andexanet: bool,
    rec: &mut Recommendation,
) -> Vec<String> {
    let at = &cx.p.antithrombin;
    let kg = cx.at_kg();
    let mut values = Vec::new();
    if let Some(l) = level {
        values.push(say!(cx, "antithrombin {} at {}", l.value, l.time));
        let rc = recombinant_dose(l.value, kg, cx.patient.pregnant, &at.recombinant);
        rec.alternatives.push(say!(
            cx,
            "{} by its label formula: {}",
            at.recombinant.product,
            rc.formula()
        ));
    }
    if andexanet || level.is_some() {
        rec.alternatives.push(say!(
            cx,
            "the fixed bypass dose {} ({})",
            b.at_dose_units.value,
            b.at_dose_units.source
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
    values
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
