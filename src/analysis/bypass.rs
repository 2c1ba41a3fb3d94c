//! The perfusionist's branch (setting `cpb`, clinical reference §10): cumulative dose, Bull dose-response
//! line, R4, antithrombin for resistance on bypass, protamine estimate.

use super::algorithm::{Cx, DtiDosing, switch_to};
use super::types::{Action, BypassAssessment, Due, FindingCode, FourTs, HeparinExposure, Recommendation, StepStatus};
use crate::dosing::antithrombin::{plasma_derived_dose, recombinant_dose, round_to_vials};
use crate::dosing::bypass::{DoseResponse, infusion_heparin_to_neutralise, protamine_for};
use crate::dosing::dti::DtiChoice;
use crate::model::{LabKind, Percent, Seconds, Units, UnitsPerKg, num};

pub(super) fn run(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    four_ts: Option<&FourTs>,
) -> (Recommendation, BypassAssessment) {
    let protocol = cx.p;
    let Some(b) = protocol.bypass.as_ref() else {
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
            baseline_act_s: None,
            current_act_s: None,
            target_act_s: 0.0,
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
        return (rec, empty);
    };
    let kg = cx.weight;
    let target = b.target_act_s.value;
    let first = cx.tl.first_heparin().filter(|t| *t <= cx.as_of);
    let acts = cx.tl.samples_until(LabKind::Act, cx.as_of);
    let baseline = match first {
        Some(f) => acts.iter().rev().find(|s| s.time <= f).copied(),
        None => acts.last().copied(),
    };
    let after: Vec<_> = match first {
        Some(f) => acts.iter().filter(|s| s.time > f).copied().collect(),
        None => Vec::new(),
    };
    let calibration = after.first().copied();
    let current = after.last().copied();
    let per_kg_at = |t| {
        Units::new(cx.tl.cumulative_heparin_units(t))
            .unwrap_or(Units::ZERO)
            .per_kg(kg)
    };
    let line = match (baseline, calibration) {
        (Some(b0), Some(c1)) => DoseResponse::fit(secs(b0.value), secs(c1.value), per_kg_at(c1.time)),
        _ => None,
    };
    let cumulative = h.cumulative_units_per_kg;
    let dose_at_current = current.map(|c| per_kg_at(c.time));
    let resistance = match (current, dose_at_current) {
        (Some(c), Some(d)) => d.value() >= b.resistance_units_per_kg.value && c.value < target,
        _ => false,
    };
    let low_sensitivity = line.map(|l| l.slope_s_per_unit_per_kg < b.low_sensitivity_below_s_per_unit_per_kg.value);
    let additional = match (line, current) {
        (Some(l), Some(c)) if c.value < target => Some(l.additional_to_target(secs(c.value), secs(target))),
        _ => None,
    };
    let residual = match (line, current) {
        (Some(l), Some(c)) => Some(l.residual(secs(c.value))),
        _ => None,
    };
    let protamine = if let Some(u) = cx.tl.ufh_rate(cx.as_of) {
        let hours = cx
            .tl
            .heparin_units_per_recent_hour(cx.as_of, b.protamine.infusion_hour_fractions.len());
        let units = infusion_heparin_to_neutralise(&hours, &b.protamine.infusion_hour_fractions);
        Some(protamine_for(
            units,
            kg,
            &b.protamine,
            say!(cx, "heparin infusion {u}: 100% of the last hour + 50% + 25% = {units}"),
        ))
    } else {
        residual.map(|r| {
            let units = r.for_weight(kg);
            protamine_for(
                units,
                kg,
                &b.protamine,
                say!(cx, "residual heparin ≈ {} ({}) from the dose-response line", r, units),
            )
        })
    };

    // Step 1: data.
    let mut values = vec![
        say!(cx, "weight {}", kg),
        say!(cx, "cumulative heparin {} ({})", h.cumulative_units, cumulative),
    ];
    if let Some(s) = baseline {
        values.push(say!(cx, "baseline ACT {} at {}", secs(s.value), s.time));
    }
    for s in &after {
        values.push(say!(
            cx,
            "ACT {} at {} after {}",
            secs(s.value),
            s.time,
            per_kg_at(s.time)
        ));
    }
    let status = if baseline.is_some() && current.is_some() {
        StepStatus::Met
    } else {
        StepStatus::NeedsData
    };
    cx.step(
        1,
        "Data check",
        status,
        values,
        "baseline ACT before heparin; ACT after each dose",
        "ACT-guided heparin on bypass",
        b.target_act_s.source.clone(),
        if status == StepStatus::Met {
            "data adequate"
        } else {
            "needs ACTs"
        },
    );

    // Step 2: R4.
    let mut r4_values = vec![say!(
        cx,
        "cumulative {} (R4 needs ≥ {} units/kg)",
        cumulative,
        num(b.resistance_units_per_kg.value, 0)
    )];
    if let Some(c) = current {
        r4_values.push(say!(cx, "latest ACT {} (target ≥ {} s)", secs(c.value), num(target, 0)));
    }
    if let Some(l) = line {
        r4_values.push(l.formula());
    }
    if resistance {
        cx.finding(
            FindingCode::CpbHeparinResistance,
            say!(
                cx,
                "R4: ACT {} < {} s after {}",
                current.map_or("?".to_owned(), |c| secs(c.value).to_string()),
                num(target, 0),
                dose_at_current.map_or("?".to_owned(), |d| d.to_string())
            ),
            b.resistance_units_per_kg.source.clone(),
        );
        cx.finding(
            FindingCode::SuspectedHeparinResistance,
            "heparin resistance on bypass (R4)",
            b.resistance_units_per_kg.source.clone(),
        );
    }
    if let (Some(true), Some(l)) = (low_sensitivity, line) {
        cx.finding(
            FindingCode::LowHeparinSensitivity,
            say!(
                cx,
                "heparin sensitivity {} s per units/kg < {}",
                num(l.slope_s_per_unit_per_kg, 2),
                num(b.low_sensitivity_below_s_per_unit_per_kg.value, 1)
            ),
            b.low_sensitivity_below_s_per_unit_per_kg.source.clone(),
        );
    }
    cx.step(
        2,
        "Recognise heparin resistance (bypass)",
        if resistance {
            StepStatus::Met
        } else if current.is_none() {
            StepStatus::NeedsData
        } else {
            StepStatus::NotMet
        },
        r4_values,
        say!(
            cx,
            "ACT < {} s after ≥ {} units/kg",
            num(target, 0),
            num(b.resistance_units_per_kg.value, 0)
        ),
        "R4 (ISTH SSC cardiac surgery definition)",
        b.resistance_units_per_kg.source.clone(),
        if resistance {
            "heparin resistance on bypass"
        } else {
            "no resistance on this evidence"
        },
    );
    cx.step(
        3,
        "Pair aPTT with anti-Xa",
        StepStatus::NotApplicable,
        vec![say!(cx, "on bypass the ACT guides heparin")],
        "",
        "",
        cx.p.discordance.patterns_source.clone(),
        "",
    );

    // Step 4: HIT.
    let hit = four_ts.is_some_and(|f| f.score >= cx.p.hit.suspect_from && f.items.thrombocytopenia.points > 0)
        || cx.case.patient.hit_history;
    let hit_values = four_ts.map_or_else(|| vec![say!(cx, "not scored")], |f| vec![say!(cx, "4Ts {}", f.score)]);
    cx.step(
        4,
        "HIT screen (4Ts)",
        if hit { StepStatus::Met } else { StepStatus::NotMet },
        hit_values,
        say!(cx, "act at ≥ {}", cx.p.hit.suspect_from),
        "HIT → bivalirudin for bypass",
        b.hit_agent.source.clone(),
        if hit { "HIT: no heparin" } else { "HIT not suspected" },
    );

    let assessment = BypassAssessment {
        cumulative_units_per_kg: cumulative,
        baseline_act_s: baseline.map(|s| s.value),
        current_act_s: current.map(|s| s.value),
        target_act_s: target,
        hdr_slope_s_per_unit_per_kg: line.map(|l| l.slope_s_per_unit_per_kg),
        additional_units_per_kg_to_target: additional,
        additional_units_to_target: additional.map(|a| a.for_weight(kg)),
        residual_heparin_units_per_kg: residual,
        protamine_mg: protamine.as_ref().map(|p| p.dose.value()),
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
        low_heparin_sensitivity: low_sensitivity,
        resistance,
    };

    let rec = if hit {
        cx.step(
            5,
            "Antithrombin",
            StepStatus::NotApplicable,
            vec![say!(cx, "HIT")],
            "",
            "",
            "",
            "",
        );
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
            |f| say!(cx, "4Ts {} ≥ {} or HIT history", f.score, cx.p.hit.suspect_from),
        );
        // The ICU infusion doses and aPTT targets do not apply on bypass, and the sources give no
        // bypass regimen: name the drug, give no numbers.
        let mut rec = switch_to(
            cx,
            choice,
            vec![reason],
            vec![cx.p.hit.source.clone()],
            Vec::new(),
            DtiDosing::DrugOnly,
        );
        rec.target = "per the institutional cardiac-surgery bivalirudin protocol (ACT-guided)".to_owned();
        rec.rationale.push(say!(
            cx,
            "bypass dosing of {} is not in this protocol file: use your cardiac-surgery protocol; the ICU infusion doses do not apply on bypass",
            drug.name()
        ));
        rec.sources = vec![cx.p.hit.source.clone(), b.hit_agent.source.clone()];
        rec.caveats.clear();
        rec.caveats.push(say!(
            cx,
            "no heparin at all: flushes, lines, cardioplegia and circuit prime included"
        ));
        rec
    } else if first.is_none() {
        cx.step(
            5,
            "Antithrombin",
            StepStatus::NotApplicable,
            vec![say!(cx, "no heparin yet")],
            "",
            "",
            "",
            "",
        );
        let mut rec = Recommendation::new(Action::CpbAdditionalHeparin, "unfractionated heparin");
        let per_kg = UnitsPerKg::new(b.initial_heparin_units_per_kg.value).unwrap_or(UnitsPerKg::ZERO);
        rec.bolus_units = Some(per_kg.for_weight(kg));
        rec.target = say!(cx, "ACT ≥ {} s", num(target, 0));
        rec.rationale.push(say!(
            cx,
            "initial bypass heparin {} × {} = {}",
            per_kg,
            kg,
            per_kg.for_weight(kg)
        ));
        if baseline.is_none() {
            rec.rationale.push(say!(cx, "draw a baseline ACT before the dose"));
            cx.due("ACT (baseline)", Due::Now, "before heparin");
        }
        rec.cite(b.initial_heparin_units_per_kg.source.clone());
        if cx.case.patient.andexanet_exposure {
            rec.caveats.push(say!(
                cx,
                "andexanet exposure: expect severe heparin resistance; consider antithrombin ≈ {} units/kg ({}) before heparinisation",
                num(b.andexanet_at_units_per_kg.value, 0),
                Units::new(b.andexanet_at_units_per_kg.value * kg.value()).unwrap_or(Units::ZERO)
            ));
            rec.cite(b.andexanet_at_units_per_kg.source.clone());
        }
        cx.due("ACT", Due::AfterDose, "after the heparin dose");
        rec
    } else if current.is_none() {
        cx.step(
            5,
            "Antithrombin",
            StepStatus::NotApplicable,
            vec![say!(cx, "no ACT after heparin")],
            "",
            "",
            "",
            "",
        );
        let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
        rec.rationale.push(say!(cx, "measure the ACT after the heparin dose"));
        rec.cite(b.target_act_s.source.clone());
        cx.due("ACT", Due::Now, "after the heparin dose");
        rec
    } else if resistance {
        antithrombin_on_bypass(cx, b, current.map_or(0.0, |c| c.value))
    } else if let (Some(c), Some(a)) = (current, additional) {
        cx.step(
            5,
            "Antithrombin",
            StepStatus::NotApplicable,
            vec![say!(cx, "not resistant yet")],
            "",
            "",
            "",
            "",
        );
        let mut rec = Recommendation::new(Action::CpbAdditionalHeparin, "unfractionated heparin");
        rec.bolus_units = Some(a.for_weight(kg));
        rec.target = say!(cx, "ACT ≥ {} s", num(target, 0));
        rec.rationale
            .push(say!(cx, "ACT {} is below {} s", secs(c.value), num(target, 0)));
        if let Some(l) = line {
            rec.rationale.push(l.formula());
            rec.rationale.push(say!(
                cx,
                "additional = ({} − {}) ÷ {} = {} × {} = {}",
                num(target, 0),
                secs(c.value).number(),
                num(l.slope_s_per_unit_per_kg, 2),
                a,
                kg,
                a.for_weight(kg)
            ));
        }
        let total = cumulative.value() + a.value();
        if total >= b.resistance_units_per_kg.value {
            rec.caveats.push(say!(cx, "this takes the total to {} units/kg: if the ACT stays < {} s, that is heparin resistance (R4) → antithrombin", num(total, 0), num(target, 0)));
        }
        rec.caveats.push(say!(
            cx,
            "the dose-response line holds up to about {} s",
            num(b.dose_response_valid_to_act_s.value, 0)
        ));
        rec.cite(b.dose_response_valid_to_act_s.source.clone());
        rec.cite(b.target_act_s.source.clone());
        cx.due("ACT", Due::AfterDose, "after the additional heparin");
        rec
    } else if current.is_some_and(|c| c.value >= target) {
        cx.step(
            5,
            "Antithrombin",
            StepStatus::NotApplicable,
            vec![say!(cx, "ACT at target")],
            "",
            "",
            "",
            "",
        );
        let mut rec = Recommendation::new(Action::Continue, "unfractionated heparin");
        rec.target = say!(cx, "ACT ≥ {} s", num(target, 0));
        rec.rationale.push(say!(
            cx,
            "ACT {} ≥ {} s: at target",
            current.map_or(String::new(), |c| secs(c.value).to_string()),
            num(target, 0)
        ));
        rec.cite(b.target_act_s.source.clone());
        cx.due("ACT", Due::AfterDose, "per bypass routine");
        rec
    } else {
        cx.step(
            5,
            "Antithrombin",
            StepStatus::NotApplicable,
            vec![say!(cx, "no usable dose-response line")],
            "",
            "",
            "",
            "",
        );
        let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
        rec.rationale.push(say!(cx, "the ACT did not rise after heparin, so the dose-response line cannot be drawn: repeat the ACT and check the heparin was given"));
        rec.cite(b.dose_response_valid_to_act_s.source.clone());
        cx.due("ACT", Due::Now, "no dose-response");
        rec
    };
    (rec, assessment)
}

fn antithrombin_on_bypass(cx: &mut Cx<'_>, b: &crate::protocol::schema::Bypass, act: f64) -> Recommendation {
    let kg = cx.weight;
    let at = &cx.p.antithrombin;
    let fixed = Units::new(b.at_dose_units.value).unwrap_or(Units::ZERO);
    let rounded = round_to_vials(fixed, &at.plasma_derived.vial_units);
    let level = cx.tl.latest(LabKind::Antithrombin, cx.as_of);
    let mut rec = Recommendation::new(
        Action::SupplementAntithrombin,
        format!("antithrombin ({})", at.plasma_derived.product),
    );
    rec.dose_units = Some(rounded.rounded);
    rec.concentration = say!(
        cx,
        "{}: vials of {} units",
        at.plasma_derived.product,
        at.plasma_derived
            .vial_units
            .iter()
            .map(|v| num(*v, 0).to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    rec.target = say!(cx, "ACT ≥ {} s", num(b.target_act_s.value, 0));
    rec.rationale.push(say!(
        cx,
        "heparin resistance on bypass (R4): ACT {} s < {} s after ≥ {} units/kg",
        num(act, 0),
        num(b.target_act_s.value, 0),
        num(b.resistance_units_per_kg.value, 0)
    ));
    rec.rationale
        .push(say!(cx, "antithrombin {} (fixed bypass dose)", rounded.describe()));
    rec.cite(b.at_dose_units.source.clone());
    rec.cite(b.resistance_units_per_kg.source.clone());
    let mut values = Vec::new();
    if let Some(l) = level {
        values.push(say!(cx, "antithrombin {}% at {}", num(l.value, 0), l.time));
        let pd = plasma_derived_dose(
            Percent::new(l.value).unwrap_or(Percent::ZERO),
            Percent::new(at.plasma_derived.target_percent).unwrap_or(Percent::ZERO),
            kg,
            &at.plasma_derived,
        );
        rec.alternatives
            .push(say!(cx, "dose by formula from the measured level: {}", pd.formula()));
        let rc = recombinant_dose(
            Percent::new(l.value).unwrap_or(Percent::ZERO),
            kg,
            cx.case.patient.pregnant,
            &at.recombinant,
        );
        rec.alternatives.push(say!(
            cx,
            "{} by its label formula: {}",
            at.recombinant.product,
            rc.formula()
        ));
    }
    let rh = Units::new(b.recombinant_at_units_per_kg.value * kg.value()).unwrap_or(Units::ZERO);
    rec.alternatives.push(say!(
        cx,
        "{} {} units/kg = {} ({})",
        at.recombinant.product,
        num(b.recombinant_at_units_per_kg.value, 0),
        rh,
        b.recombinant_at_units_per_kg.source
    ));
    rec.alternatives
        .push(say!(cx, "fresh frozen plasma: weaker ({})", at.plasma.source));
    rec.alternatives.push(say!(
        cx,
        "more heparin: reached target in 68% vs 96% with antithrombin (Williams 2000)"
    ));
    if cx.case.patient.andexanet_exposure {
        rec.caveats.push(say!(
            cx,
            "andexanet exposure: expect severe resistance; antithrombin ≈ {} units/kg restored ACT ({})",
            num(b.andexanet_at_units_per_kg.value, 0),
            b.andexanet_at_units_per_kg.source
        ));
    }
    cx.finding(
        FindingCode::AntithrombinDeficiency,
        "bypass resistance: antithrombin is the first-line treatment",
        b.at_dose_units.source.clone(),
    );
    cx.step(
        5,
        "Antithrombin",
        StepStatus::Met,
        values,
        say!(cx, "R4 → antithrombin {}", fixed),
        "bypass resistance → antithrombin (fixed dose or formula)",
        b.at_dose_units.source.clone(),
        "supplement antithrombin",
    );
    cx.due("ACT", Due::AfterDose, "after antithrombin");
    rec
}

fn secs(v: f64) -> Seconds {
    Seconds::new(v).unwrap_or(Seconds::ZERO)
}
