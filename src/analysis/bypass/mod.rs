//! The perfusionist's branch (setting `cpb`, clinical reference §10, rev 2): the same seven steps read on
//! the ACT. [`assess`] computes the numbers (bypass heparin counted from the bypass bolus); this file
//! records the steps and chooses: HIT → the protocol's bypass agent; no bypass heparin yet → the initial
//! dose; R4, or a calculated top-up beyond the caps (a flat dose-response, e.g. after andexanet) →
//! antithrombin ([`antithrombin`]); below target → the additional dose by the dose-response line; at
//! target → continue. The andexanet caveat is on every branch when the flag is set.

mod antithrombin;
mod assess;
mod preoperative_at;

use super::context::{Cx, StepBasis};
use super::dti_switch::{DtiDosing, switch_to};
use super::hit::{self, HitCall};
use super::types::{
    Action, BypassAssessment, Due, FindingCode, FourTs, HeparinExposure, Recommendation, StepId, StepStatus,
};
use crate::dosing::bypass::protamine_for;
use crate::dosing::dti::DtiChoice;
use crate::model::{HitHistory, Setting, UnitsPerKg, num};
use crate::protocol::Bypass;
use assess::{BypassNumbers, Neutralise, assess, bypass_per_kg};

const HEPARIN: &str = "unfractionated heparin";

/// Steps 1–5 on bypass and the recommendation, with the perfusionist's numbers.
pub(super) fn run(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    four_ts: Option<&FourTs>,
) -> (Recommendation, BypassAssessment) {
    let p = cx.p;
    let Some(b) = p.bypass.as_ref() else {
        return no_bypass_section(cx, h);
    };
    let n = assess(cx.tl, cx.hkg(), cx.as_of, protamine_on_bypass(cx), b);
    data_step(cx, h, b, &n);
    recognise_step(cx, b, &n);
    cx.step(
        StepId::Pair,
        StepStatus::NotApplicable,
        vec![say!(cx, "on bypass the ACT guides heparin")],
        StepBasis::new("", "", p.discordance.patterns_source.clone()),
        "",
    );
    let hit = hit_step(cx, b, four_ts);
    let assessment = assessment(cx, h, b, &n);
    let mut rec = if hit {
        not_applicable(cx, "HIT");
        hit_on_bypass(cx, b, four_ts)
    } else if n.start.is_none() {
        not_applicable(cx, "no bypass heparin yet");
        initial_dose(cx, b, &n)
    } else if let Some(current) = n.current() {
        if n.resistance {
            antithrombin::on_bypass(cx, b, current.value, antithrombin::Why::Resistance)
        } else if let (true, Some(calc)) = (n.beyond_cap, n.calculated) {
            antithrombin::on_bypass(cx, b, current.value, antithrombin::Why::BeyondCap(calc))
        } else if let Some(a) = n.additional {
            not_applicable(cx, "not resistant yet");
            additional_dose(cx, b, &n, current.value, a)
        } else if current.value >= n.target {
            not_applicable(cx, "ACT at target");
            at_target(cx, b, current.value)
        } else {
            not_applicable(cx, "no usable dose-response line");
            no_line(cx, b)
        }
    } else {
        not_applicable(cx, "no ACT after the bypass bolus");
        let mut rec = Recommendation::new(Action::Measure, HEPARIN);
        rec.rationale.push(say!(cx, "measure the ACT after the heparin dose"));
        rec.cite(b.target_act_s.source.clone());
        cx.due("ACT", Due::Now, "after the heparin dose");
        rec
    };
    every_branch(cx, b, &n, &mut rec);
    preoperative_at::apply(cx, b, &n, &mut rec);
    (rec, assessment)
}

/// What every bypass recommendation says: the andexanet caveat, a baseline that is not heparin-free,
/// a high bleeding risk (never a reason to omit bypass heparin).
fn every_branch(cx: &mut Cx<'_>, b: &Bypass, n: &BypassNumbers, rec: &mut Recommendation) {
    if cx.patient.andexanet_exposure && !rec.caveats.iter().any(|c| c.starts_with("andexanet")) {
        let at = b.andexanet_at_units_per_kg.value;
        rec.caveats.push(say!(
            cx,
            "andexanet exposure: expect severe heparin resistance; antithrombin ≈ {} ({}) restored the ACT ({})",
            at,
            at.for_weight(cx.at_kg()),
            b.andexanet_at_units_per_kg.source
        ));
        rec.cite(b.andexanet_at_units_per_kg.source.clone());
    }
    if let Some(start) = n.start.filter(|s| s.baseline_not_heparin_free) {
        rec.rationale.push(say!(
            cx,
            "the baseline ACT{} is not heparin-free: heparin was infused within {} h before it",
            start
                .baseline
                .map_or(String::new(), |a| format!(" {} at {}", a.value, a.time)),
            b.heparin_free_after_h.value.shown()
        ));
        rec.cite(b.heparin_free_after_h.source.clone());
    }
    if cx.bleeding.high {
        rec.caveats.push(say!(
            cx,
            "high bleeding risk: on bypass the initial and additional heparin doses are not omitted; plan protamine and blood products"
        ));
    }
}

/// The setting is bypass but the protocol has no bypass section: say which protocol to choose.
fn no_bypass_section(cx: &mut Cx<'_>, h: &HeparinExposure) -> (Recommendation, BypassAssessment) {
    let mut rec = Recommendation::new(Action::Measure, "heparin");
    rec.rationale.push(say!(
        cx,
        "protocol {} has no bypass section: choose the adult-cpb protocol",
        cx.p.name
    ));
    cx.warnings
        .push(say!(cx, "the cpb setting needs a protocol with a bypass section"));
    let empty = BypassAssessment {
        cumulative_units_per_kg: h.cumulative_units_per_kg,
        bypass_heparin_from: None,
        baseline_act_s: None,
        current_act_s: None,
        target_act_s: None,
        hdr_slope_s_per_unit_per_kg: None,
        additional_units_per_kg_to_target: None,
        additional_units_to_target: None,
        residual_heparin_units_per_kg: None,
        protamine_mg: None,
        protamine_basis: None,
        protamine_cautions: Vec::new(),
        low_heparin_sensitivity: None,
        resistance: false,
    };
    (rec, empty)
}

/// Step 1 on bypass: the bypass bolus, the ACTs before and after it, and the pre-bypass history.
fn data_step(cx: &mut Cx<'_>, h: &HeparinExposure, b: &Bypass, n: &BypassNumbers) {
    let mut values = vec![
        say!(cx, "weight {}", cx.weight),
        say!(
            cx,
            "all heparin on record {} ({}); for bypass {}",
            h.cumulative_units,
            h.cumulative_units_per_kg,
            n.cumulative
        ),
    ];
    if let Some(start) = n.start {
        values.push(say!(
            cx,
            "bypass heparin from the {} bolus at {} ({} ≥ {}); heparin before it is pre-bypass history, not counted",
            start.bolus.units,
            start.bolus.time,
            start.bolus.units.per_kg(cx.hkg()),
            b.bypass_bolus_from_units_per_kg.value
        ));
    }
    if let Some(s) = n.baseline() {
        values.push(say!(cx, "baseline ACT {} at {}", s.value, s.time));
    }
    let from = n.start.map(|s| s.bolus.time);
    for s in &n.after {
        let per_kg = from.map_or(UnitsPerKg::ZERO, |f| bypass_per_kg(cx.tl, cx.hkg(), f, s.time));
        values.push(say!(cx, "ACT {} at {} after {}", s.value, s.time, per_kg));
    }
    let status = if n.baseline().is_some() && n.current().is_some() {
        StepStatus::Met
    } else {
        StepStatus::NeedsData
    };
    cx.step(
        StepId::DataCheck,
        status,
        values,
        StepBasis::new(
            "a baseline ACT in the 60 min before the bypass bolus; an ACT after each dose",
            "ACT-guided heparin on bypass",
            b.target_act_s.source.clone(),
        ),
        if status == StepStatus::Met {
            "data adequate"
        } else {
            "needs ACTs"
        },
    );
}

/// Step 2 on bypass: R4 and the heparin sensitivity.
fn recognise_step(cx: &mut Cx<'_>, b: &Bypass, n: &BypassNumbers) {
    let target = n.target;
    let mut values = vec![say!(
        cx,
        "cumulative {} (R4 needs ≥ {})",
        n.cumulative,
        b.resistance_units_per_kg.value
    )];
    if let Some(c) = n.current() {
        values.push(say!(cx, "latest ACT {} (target ≥ {} s)", c.value, target.shown()));
    }
    if let Some(l) = n.line {
        values.push(l.formula());
    }
    if n.resistance {
        let current = n.current();
        cx.finding(
            FindingCode::CpbHeparinResistance,
            say!(
                cx,
                "R4: ACT {} < {} after {}",
                current.map_or("?".to_owned(), |c| c.value.to_string()),
                target,
                current.map_or("?".to_owned(), |c| n
                    .start
                    .map_or(UnitsPerKg::ZERO, |st| bypass_per_kg(
                        cx.tl,
                        cx.hkg(),
                        st.bolus.time,
                        c.time
                    ))
                    .to_string())
            ),
            b.resistance_units_per_kg.source.clone(),
        );
        cx.finding(
            FindingCode::SuspectedHeparinResistance,
            "heparin resistance on bypass (R4)",
            b.resistance_units_per_kg.source.clone(),
        );
    }
    if let (Some(true), Some(l)) = (n.low_sensitivity, n.line) {
        cx.finding(
            FindingCode::LowHeparinSensitivity,
            say!(
                cx,
                "heparin sensitivity {} s per units/kg < {}",
                l.slope.shown(),
                num(b.low_sensitivity_below_s_per_unit_per_kg.value.value(), 1)
            ),
            b.low_sensitivity_below_s_per_unit_per_kg.source.clone(),
        );
    }
    let status = if n.resistance {
        StepStatus::Met
    } else if n.current().is_none() {
        StepStatus::NeedsData
    } else {
        StepStatus::NotMet
    };
    let threshold = say!(
        cx,
        "ACT < {target} after ≥ {} given for bypass",
        b.resistance_units_per_kg.value
    );
    cx.step(
        StepId::Recognise,
        status,
        values,
        StepBasis::new(
            threshold,
            "R4 (ISTH SSC cardiac surgery definition)",
            b.resistance_units_per_kg.source.clone(),
        ),
        if n.resistance {
            "heparin resistance on bypass"
        } else {
            "no resistance on this evidence"
        },
    );
}

/// Step 4 on bypass: a recent or positive history of HIT, or the 4Ts. A remote, antibody-negative
/// history allows heparin limited to the procedure (clinical reference §1); a 4Ts range that needs
/// data does not withhold bypass heparin, but says so.
fn hit_step(cx: &mut Cx<'_>, b: &Bypass, four_ts: Option<&FourTs>) -> bool {
    let p = cx.p;
    let call = hit::call(four_ts, &p.hit, cx.patient.hit_history, Setting::Cpb);
    let hit = call.stops_heparin();
    let mut values = vec![say!(cx, "history: {}", cx.patient.hit_history.label())];
    values.push(four_ts.map_or_else(|| say!(cx, "4Ts not scored"), |f| say!(cx, "4Ts {}", f.score_text())));
    if cx.patient.hit_history == HitHistory::RemoteAntibodyNegative {
        cx.warnings.push(say!(
            cx,
            "remote HIT with a negative antibody test: heparin is acceptable for bypass, limited to the procedure; no heparin after it (ACCP 2012; ASH 2018)"
        ));
    }
    if call == HitCall::NeedsData {
        cx.warnings.push(say!(
            cx,
            "the 4Ts range straddles {}: enter the thrombosis and other-causes items before bypass",
            p.hit.suspect_from
        ));
    }
    // The same finding as outside bypass, so the danger line and the JSON say HIT in every setting.
    match call {
        HitCall::HistoryForbidsHeparin => cx.finding(
            FindingCode::HitSuspected,
            say!(cx, "history of HIT: {}", cx.patient.hit_history.label()),
            "clinical reference §1: ACCP 2012 (Linkins, Chest 141:e495S); ASH 2018 (Cuker, Blood Adv)",
        ),
        HitCall::Suspected => cx.finding(
            FindingCode::HitSuspected,
            four_ts.map_or_else(
                || say!(cx, "HIT suspected"),
                |f| {
                    say!(
                        cx,
                        "4Ts {} ≥ {}: no heparin for bypass",
                        f.score_text(),
                        p.hit.suspect_from
                    )
                },
            ),
            p.hit.source.clone(),
        ),
        HitCall::HistoryPrefersNonHeparin
        | HitCall::NeedsData
        | HitCall::NotSuspected
        | HitCall::NotScored
        | HitCall::Unlikely => {}
    }
    cx.step(
        StepId::HitScreen,
        if hit { StepStatus::Met } else { StepStatus::NotMet },
        values,
        StepBasis::new(
            say!(cx, "act at ≥ {}", p.hit.suspect_from),
            "HIT → bivalirudin for bypass",
            b.hit_agent.source.clone(),
        ),
        if hit { "HIT: no heparin" } else { "HIT not suspected" },
    );
    hit
}

/// The numbers as the JSON contract and the bypass view show them.
fn assessment(cx: &Cx<'_>, h: &HeparinExposure, b: &Bypass, n: &BypassNumbers) -> BypassAssessment {
    let protamine = n.neutralise.map(|what| {
        let basis = match what {
            Neutralise::Infusion { rate, units } => say!(
                cx,
                "heparin infusion {rate}: {} = {units}",
                b.protamine.infusion_rule_text()
            ),
            Neutralise::Residual { per_kg, units } => {
                let capped = if n
                    .line
                    .zip(n.current())
                    .is_some_and(|(l, c)| l.residual(c.value) > per_kg)
                {
                    " (at most the heparin given for bypass)"
                } else {
                    ""
                };
                say!(
                    cx,
                    "residual heparin ≈ {per_kg} ({units}) from the dose-response line{capped}"
                )
            }
        };
        protamine_for(what.units(), cx.weight, &b.protamine, basis)
    });
    let _ = h;
    BypassAssessment {
        cumulative_units_per_kg: n.cumulative,
        bypass_heparin_from: n.start.map(|s| s.bolus.time),
        baseline_act_s: n.baseline().map(|s| s.value),
        current_act_s: n.current().map(|s| s.value),
        target_act_s: Some(n.target),
        hdr_slope_s_per_unit_per_kg: n.line.map(|l| l.slope),
        additional_units_per_kg_to_target: n.calculated,
        additional_units_to_target: n.calculated.map(|a| a.for_weight(cx.hkg())),
        residual_heparin_units_per_kg: n.residual,
        protamine_mg: protamine.as_ref().map(|p| p.dose),
        protamine_basis: protamine.as_ref().map(|p| {
            if p.capped {
                say!(
                    cx,
                    "{} → {} calculated, capped at the maximum {}",
                    p.basis,
                    p.calculated,
                    p.dose
                )
            } else {
                say!(cx, "{} → {}", p.basis, p.dose)
            }
        }),
        protamine_cautions: protamine.as_ref().map(|p| p.warnings.clone()).unwrap_or_default(),
        low_heparin_sensitivity: n.low_sensitivity,
        resistance: n.resistance,
    }
}

/// Step 5 when antithrombin is not the question on bypass.
fn not_applicable(cx: &mut Cx<'_>, why: &str) {
    let values = vec![say!(cx, "{why}")];
    cx.step(
        StepId::Antithrombin,
        StepStatus::NotApplicable,
        values,
        StepBasis::new("", "", ""),
        "",
    );
}

/// HIT on bypass: the protocol's agent, named without ICU doses.
fn hit_on_bypass(cx: &mut Cx<'_>, b: &Bypass, four_ts: Option<&FourTs>) -> Recommendation {
    let p = cx.p;
    let drug = b.hit_agent.value;
    let choice = DtiChoice {
        drug,
        reasons: vec![say!(cx, "HIT on bypass: {} per protocol", drug.name())],
        sources: vec![b.hit_agent.source.clone()],
        alternative: "delay surgery until HIT antibodies clear, where possible".to_owned(),
        caveats: Vec::new(),
    };
    let reason = four_ts.map_or_else(
        || "history of HIT".to_owned(),
        |f| say!(cx, "4Ts {} ≥ {} or HIT history", f.score_text(), p.hit.suspect_from),
    );
    // The ICU infusion doses and aPTT targets do not apply on bypass, and the sources give no
    // bypass regimen: name the drug, give no numbers.
    let mut rec = switch_to(
        cx,
        choice,
        vec![reason],
        vec![p.hit.source.clone()],
        Vec::new(),
        DtiDosing::DrugOnly,
    );
    rec.target = "per the institutional cardiac-surgery bivalirudin protocol (ACT-guided)".to_owned();
    rec.rationale.push(say!(
        cx,
        "bypass dosing of {} is not in this protocol file: use your cardiac-surgery protocol; the ICU infusion doses do not apply on bypass",
        drug.name()
    ));
    rec.sources = vec![p.hit.source.clone(), b.hit_agent.source.clone()];
    rec.caveats.clear();
    rec.caveats.push(say!(
        cx,
        "no heparin at all: flushes, lines, cardioplegia and circuit prime included"
    ));
    rec
}

/// No heparin yet: the protocol's initial bypass dose.
fn initial_dose(cx: &mut Cx<'_>, b: &Bypass, n: &BypassNumbers) -> Recommendation {
    let per_kg = b.initial_heparin_units_per_kg.value;
    let kg = cx.hkg();
    let mut rec = Recommendation::new(Action::CpbAdditionalHeparin, HEPARIN);
    rec.label = "Give the initial bypass heparin".to_owned();
    rec.bolus_units = Some(per_kg.for_weight(kg));
    rec.target = say!(cx, "ACT ≥ {}", n.target);
    rec.rationale.push(say!(
        cx,
        "initial bypass heparin {} × {} = {}",
        per_kg,
        kg,
        per_kg.for_weight(kg)
    ));
    if n.baseline().is_none() {
        rec.rationale.push(say!(cx, "draw a baseline ACT before the dose"));
        cx.due("ACT (baseline)", Due::Now, "before heparin");
    }
    if cx.tl.first_heparin().is_some_and(|t| t <= cx.as_of) {
        rec.rationale.push(say!(
            cx,
            "heparin given before bypass (ICU) is history: it does not count toward the bypass dose or R4"
        ));
    }
    rec.cite(b.initial_heparin_units_per_kg.source.clone());
    if cx.patient.andexanet_exposure {
        let at = b.andexanet_at_units_per_kg.value;
        rec.caveats.push(say!(
            cx,
            "andexanet exposure: expect severe heparin resistance; consider antithrombin ≈ {} units/kg ({}) before heparinisation ({})",
            at.shown(),
            at.for_weight(cx.at_kg()),
            b.andexanet_at_units_per_kg.source
        ));
        rec.cite(b.andexanet_at_units_per_kg.source.clone());
    }
    cx.due("ACT", Due::AfterDose, "after the heparin dose");
    rec
}

/// Below target, not resistant: the additional dose by the dose-response line.
fn additional_dose(
    cx: &mut Cx<'_>,
    b: &Bypass,
    n: &BypassNumbers,
    current: crate::model::Seconds,
    additional: crate::model::UnitsPerKg,
) -> Recommendation {
    let target = n.target;
    let mut rec = Recommendation::new(Action::CpbAdditionalHeparin, HEPARIN);
    rec.bolus_units = Some(additional.for_weight(cx.hkg()));
    rec.target = say!(cx, "ACT ≥ {target}");
    rec.rationale.push(say!(cx, "ACT {current} is below {target}"));
    if let Some(l) = n.line {
        rec.rationale.push(l.formula());
        rec.rationale.push(say!(
            cx,
            "additional = ({} − {}) ÷ {} = {} × {} = {}",
            target.shown(),
            current.shown(),
            l.slope.shown(),
            additional,
            cx.hkg(),
            additional.for_weight(cx.hkg())
        ));
    }
    let total = n.cumulative.plus(additional);
    if total >= b.resistance_units_per_kg.value {
        rec.caveats.push(say!(cx, "this takes the total to {total}: if the ACT stays < {target}, that is heparin resistance (R4) → antithrombin"));
    }
    rec.caveats.push(say!(
        cx,
        "the dose-response line holds up to about {}",
        b.dose_response_valid_to_act_s.value
    ));
    rec.cite(b.dose_response_valid_to_act_s.source.clone());
    rec.cite(b.target_act_s.source.clone());
    cx.due("ACT", Due::AfterDose, "after the additional heparin");
    rec
}

/// At or above the target ACT.
fn at_target(cx: &mut Cx<'_>, b: &Bypass, current: crate::model::Seconds) -> Recommendation {
    let target = b.target_act_s.value;
    let mut rec = Recommendation::new(Action::Continue, HEPARIN);
    rec.target = say!(cx, "ACT ≥ {target}");
    rec.rationale.push(say!(cx, "ACT {current} ≥ {target}: at target"));
    rec.cite(b.target_act_s.source.clone());
    cx.due("ACT", Due::AfterDose, "per bypass routine");
    rec
}

/// Below target without a dose-response line (the ACT did not rise).
fn no_line(cx: &mut Cx<'_>, b: &Bypass) -> Recommendation {
    let mut rec = Recommendation::new(Action::Measure, HEPARIN);
    rec.rationale.push(say!(cx, "the ACT did not rise after heparin, so the dose-response line cannot be drawn: repeat the ACT and check the heparin was given"));
    rec.cite(b.dose_response_valid_to_act_s.source.clone());
    cx.due("ACT", Due::Now, "no dose-response");
    rec
}

#[cfg(test)]
mod tests;

/// The latest protamine given while the setting was bypass: it ends a bypass session (§14.7).
fn protamine_on_bypass(cx: &Cx<'_>) -> Option<crate::model::ClinicalTime> {
    use crate::model::{EventCode, EventKind, Setting};
    let setting_at = |t| match cx.tl.latest_fact(EventCode::SettingFrom, t) {
        Some((_, EventKind::SettingFrom(s))) => s,
        _ => cx.case.patient.setting,
    };
    cx.tl
        .marks
        .until(cx.as_of)
        .iter()
        .rev()
        .find(|m| {
            matches!(super::marks::event_of(cx.case, m).kind, EventKind::Protamine(_))
                && setting_at(m.time) == Setting::Cpb
        })
        .map(|m| m.time)
}
