//! One test per branch of the bypass ladder, on the shipped adult-cpb protocol at 80 kg: initial heparin
//! 400 units/kg (32,000 units), target ACT ≥ 480 s, R4 after ≥ 500 units/kg (40,000 units), an
//! additional dose capped at 200 units/kg, the dose-response (Bull) line through the baseline ACT and the
//! first ACT after the bypass bolus: additional = (480 − ACT) ÷ slope, × 80 kg.

use super::super::tests_support::{act, analyse, analyse_patient, bolus, case_in, h, platelets, ufh_rate};
use super::super::{Action, Analysis, Detail, Due, FindingCode, Prepared, StepId, StepStatus, run};
use crate::model::{Case, EventKind, FourTsPoints, HitHistory, Setting, Units};
use crate::protocol::Protocol;

fn cpb(events: Vec<(i64, EventKind)>) -> Case {
    case_in(Setting::Cpb, events)
}

fn explained(events: Vec<(i64, EventKind)>, at: i64) -> Analysis {
    analyse(&cpb(events), h(at), Detail::Explained)
}

fn status(a: &Analysis, id: StepId) -> StepStatus {
    let Some(s) = a.steps.iter().find(|s| s.id == id) else {
        panic!("no step {id:?}");
    };
    s.status
}

/// Step 5's values (why antithrombin is not the question, when it is not).
fn step5(a: &Analysis) -> Vec<String> {
    a.steps
        .iter()
        .find(|s| s.id == StepId::Antithrombin)
        .map(|s| s.values.clone())
        .unwrap_or_default()
}

/// The monitoring items for the ACT: (test, when, why).
fn act_due(a: &Analysis) -> Vec<(String, Due, String)> {
    a.monitoring
        .iter()
        .filter(|m| m.test.starts_with("ACT"))
        .map(|m| (m.test.to_string(), m.due, m.reason.to_string()))
        .collect()
}

fn says(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l.contains(text))
}

fn bolus_units(a: &Analysis) -> Option<f64> {
    a.recommendation.bolus_units.map(Units::value)
}

// ---- no bypass section ----

#[test]
fn a_protocol_without_a_bypass_section_asks_for_the_cpb_protocol() {
    let c = cpb(vec![(0, act(130.0))]);
    let Ok(p) = Protocol::builtin("adult-icu") else {
        panic!("the shipped protocols validate");
    };
    let prepared = Prepared::new(&c, &p);
    let a = run(&c, &prepared, &p, h(0), Detail::Explained);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Measure);
    assert!(r.bolus_units.is_none() && r.dose_units.is_none());
    assert!(
        says(
            &r.rationale,
            "protocol adult-icu has no bypass section: choose the adult-cpb protocol"
        ),
        "{:?}",
        r.rationale
    );
    assert!(says(
        &a.warnings,
        "the cpb setting needs a protocol with a bypass section"
    ));
    let Some(n) = &a.cpb else {
        panic!("the bypass numbers are always there on bypass");
    };
    assert!(n.target_act_s.is_none() && n.current_act_s.is_none() && !n.resistance);
}

// ---- no bypass heparin yet: the initial dose ----

#[test]
fn before_bypass_heparin_the_initial_dose_is_400_units_per_kg() {
    let a = explained(vec![(0, act(130.0))], 0);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::CpbAdditionalHeparin);
    assert_eq!(r.label, "Give the initial bypass heparin");
    assert_eq!(bolus_units(&a), Some(32_000.0), "400 units/kg × 80 kg");
    assert_eq!(r.target, "ACT ≥ 480 s");
    assert!(
        says(
            &r.rationale,
            "initial bypass heparin 400 units/kg × 80 kg = 32,000 units"
        ),
        "{:?}",
        r.rationale
    );
    assert!(
        r.sources
            .iter()
            .any(|s| s.starts_with("initial bypass heparin 300–400 units/kg"))
    );
    assert!(!says(&r.rationale, "draw a baseline ACT"), "the 130 s is the baseline");
    assert_eq!(
        act_due(&a),
        vec![("ACT".to_owned(), Due::AfterDose, "after the heparin dose".to_owned())]
    );
    assert_eq!(step5(&a), vec!["no bypass heparin yet".to_owned()]);
    assert_eq!(status(&a, StepId::DataCheck), StepStatus::NeedsData);
}

#[test]
fn without_a_baseline_act_the_initial_dose_asks_for_one_first() {
    let a = explained(vec![], 0);
    assert_eq!(bolus_units(&a), Some(32_000.0));
    assert!(says(&a.recommendation.rationale, "draw a baseline ACT before the dose"));
    assert!(
        act_due(&a).contains(&("ACT (baseline)".to_owned(), Due::Now, "before heparin".to_owned())),
        "{:?}",
        act_due(&a)
    );
}

#[test]
fn icu_heparin_and_a_small_bolus_before_bypass_are_history_not_the_bypass_dose() {
    // 5,000 units = 62.5 units/kg < 200: not a bypass bolus; the full initial dose is still due.
    let a = explained(
        vec![
            (0, ufh_rate(18.0)),
            (10, ufh_rate(0.0)),
            (11, bolus(5_000.0)),
            (12, act(150.0)),
        ],
        12,
    );
    assert_eq!(a.recommendation.action, Action::CpbAdditionalHeparin);
    assert_eq!(bolus_units(&a), Some(32_000.0));
    assert!(
        says(
            &a.recommendation.rationale,
            "heparin given before bypass (ICU) is history"
        ),
        "{:?}",
        a.recommendation.rationale
    );
}

#[test]
fn after_andexanet_the_initial_dose_suggests_antithrombin_first_once() {
    let c = cpb(vec![(0, act(130.0))]);
    let a = analyse_patient(&c, h(0), |p| p.andexanet_exposure = true);
    let caveats: Vec<&String> = a
        .recommendation
        .caveats
        .iter()
        .filter(|c| c.starts_with("andexanet"))
        .collect();
    assert_eq!(caveats.len(), 1, "{caveats:?}");
    assert!(
        caveats[0].contains("consider antithrombin ≈ 50 units/kg (4,000 units) before heparinisation"),
        "{}",
        caveats[0]
    );
}

// ---- HIT ----

#[test]
fn a_hit_history_on_bypass_names_bivalirudin_and_no_heparin_at_all() {
    let c = cpb(vec![(0, act(130.0))]);
    let a = analyse_patient(&c, h(0), |p| p.hit_history = HitHistory::RecentOrPositive);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::SwitchToBivalirudin);
    assert!(r.rate.is_none() && r.pump_ml_per_h.is_none() && r.bolus_units.is_none());
    assert_eq!(
        r.target,
        "per the institutional cardiac-surgery bivalirudin protocol (ACT-guided)"
    );
    assert_eq!(
        r.caveats,
        vec!["no heparin at all: flushes, lines, cardioplegia and circuit prime included".to_owned()]
    );
    assert!(says(&r.rationale, "the ICU infusion doses do not apply on bypass"));
    assert!(
        r.sources
            .iter()
            .any(|s| &**s == "clinical reference §10: HIT → bivalirudin for bypass (institutional protocol)")
    );
    assert!(a.has_finding(FindingCode::HitSuspected));
    assert_eq!(status(&a, StepId::HitScreen), StepStatus::Met);
    assert_eq!(step5(&a), vec!["HIT".to_owned()]);
}

/// Heparin from 0 h, platelets 250 → 240 on day 3 → `day6` on day 6 (thrombocytopenia and timing items).
fn falling_platelets(day6: f64) -> Case {
    cpb(vec![
        (0, platelets(250.0)),
        (0, ufh_rate(18.0)),
        (72, platelets(240.0)),
        (144, platelets(day6)),
        (144, act(150.0)),
    ])
}

#[test]
fn a_4ts_at_or_above_4_on_bypass_withholds_heparin() {
    // A fall > 50% on day 6: 2 + 2, thrombosis 0, other causes 1 → 5 ≥ 4.
    let mut c = falling_platelets(100.0);
    c.patient.hit_thrombosis = FourTsPoints::new(0).ok();
    c.patient.hit_other_causes = FourTsPoints::new(1).ok();
    let a = analyse(&c, h(144), Detail::Explained);
    assert_eq!(a.recommendation.action, Action::SwitchToBivalirudin);
    assert!(a.recommendation.bolus_units.is_none());
    assert!(a.has_finding(FindingCode::HitSuspected));
    assert_eq!(status(&a, StepId::HitScreen), StepStatus::Met);
}

#[test]
fn a_4ts_that_needs_data_warns_but_does_not_withhold_bypass_heparin() {
    // A 40% fall on day 6 (1 + 2) with the other items not entered: 3–7 straddles 4.
    let a = analyse(&falling_platelets(150.0), h(144), Detail::Explained);
    assert!(says(&a.warnings, "the 4Ts range straddles 4"), "{:?}", a.warnings);
    assert_eq!(a.recommendation.action, Action::CpbAdditionalHeparin);
    assert!(!a.has_finding(FindingCode::HitSuspected));
    assert_eq!(status(&a, StepId::HitScreen), StepStatus::NotMet);
}

#[test]
fn a_remote_antibody_negative_hit_allows_heparin_for_the_procedure() {
    let c = cpb(vec![(0, act(130.0))]);
    let a = analyse_patient(&c, h(0), |p| p.hit_history = HitHistory::RemoteAntibodyNegative);
    assert_eq!(a.recommendation.action, Action::CpbAdditionalHeparin);
    assert_eq!(bolus_units(&a), Some(32_000.0));
    assert!(
        says(
            &a.warnings,
            "heparin is acceptable for bypass, limited to the procedure"
        ),
        "{:?}",
        a.warnings
    );
    assert!(!a.has_finding(FindingCode::HitSuspected));
    assert_eq!(status(&a, StepId::HitScreen), StepStatus::NotMet);
}

// ---- after the bypass bolus ----

#[test]
fn no_act_after_the_bypass_bolus_measures_it_now() {
    let a = explained(vec![(0, act(130.0)), (1, bolus(32_000.0))], 1);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Measure);
    assert!(r.bolus_units.is_none());
    assert!(says(&r.rationale, "measure the ACT after the heparin dose"));
    assert_eq!(
        act_due(&a),
        vec![("ACT".to_owned(), Due::Now, "after the heparin dose".to_owned())]
    );
    assert_eq!(step5(&a), vec!["no ACT after the bypass bolus".to_owned()]);
    assert_eq!(status(&a, StepId::DataCheck), StepStatus::NeedsData);
    assert_eq!(status(&a, StepId::Recognise), StepStatus::NeedsData);
    assert_eq!(a.cpb.as_ref().and_then(|n| n.bypass_heparin_from), Some(h(1)));
}

#[test]
fn below_target_the_additional_dose_comes_from_the_dose_response_line() {
    // 200 units/kg (16,000 units), ACT 130 → 400 s: slope 270 ÷ 200 = 1.35 s per units/kg (not low);
    // (480 − 400) ÷ 1.35 = 59.26 units/kg × 80 = 4,740.7 units; total 259 units/kg, short of R4.
    let a = explained(vec![(0, act(130.0)), (1, bolus(16_000.0)), (2, act(400.0))], 2);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::CpbAdditionalHeparin);
    let want = 80.0 / 1.35 * 80.0;
    assert!(
        bolus_units(&a).is_some_and(|b| (b - want).abs() < 1e-6),
        "{:?}",
        r.bolus_units
    );
    assert_eq!(r.target, "ACT ≥ 480 s");
    assert!(says(&r.rationale, "ACT 400 s is below 480 s"), "{:?}", r.rationale);
    assert!(
        says(&r.rationale, "additional = (480 − 400) ÷ 1.35"),
        "{:?}",
        r.rationale
    );
    assert!(says(&r.caveats, "the dose-response line holds up to about 500 s"));
    assert!(!says(&r.caveats, "heparin resistance (R4)"), "{:?}", r.caveats);
    assert!(!a.has_finding(FindingCode::LowHeparinSensitivity));
    assert_eq!(
        act_due(&a),
        vec![(
            "ACT".to_owned(),
            Due::AfterDose,
            "after the additional heparin".to_owned()
        )]
    );
    assert_eq!(step5(&a), vec!["not resistant yet".to_owned()]);
    assert_eq!(status(&a, StepId::DataCheck), StepStatus::Met);
    assert_eq!(status(&a, StepId::Recognise), StepStatus::NotMet);
}

#[test]
fn an_additional_dose_that_reaches_500_units_per_kg_warns_of_r4() {
    // 400 units/kg, ACT 130 → 400 s: slope 0.675 (< 1.3, low sensitivity); 80 ÷ 0.675 = 118.5 units/kg
    // (9,481.5 units): the total 518.5 reaches R4's 500.
    let a = explained(vec![(0, act(130.0)), (1, bolus(32_000.0)), (2, act(400.0))], 2);
    assert_eq!(a.recommendation.action, Action::CpbAdditionalHeparin);
    let want = 80.0 / 0.675 * 80.0;
    assert!(bolus_units(&a).is_some_and(|b| (b - want).abs() < 1e-6));
    assert!(
        says(
            &a.recommendation.caveats,
            "if the ACT stays < 480 s, that is heparin resistance (R4)"
        ),
        "{:?}",
        a.recommendation.caveats
    );
    assert!(a.has_finding(FindingCode::LowHeparinSensitivity));
}

#[test]
fn a_top_up_beyond_the_200_units_per_kg_cap_is_antithrombin_not_heparin() {
    // 400 units/kg, ACT 130 → 350 s: (480 − 350) ÷ 0.55 = 236 units/kg > 200.
    let a = explained(vec![(0, act(130.0)), (1, bolus(32_000.0)), (2, act(350.0))], 2);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::SupplementAntithrombin);
    assert!(r.bolus_units.is_none());
    assert_eq!(r.dose_units.map(Units::value), Some(1000.0), "the fixed bypass dose");
    assert!(
        says(&r.rationale, "beyond the cap of 200 units/kg per dose"),
        "{:?}",
        r.rationale
    );
    assert!(
        !a.has_finding(FindingCode::CpbHeparinResistance),
        "400 units/kg: not R4"
    );
}

#[test]
fn r4_on_bypass_is_recorded_as_resistance_and_treated_with_antithrombin() {
    // 520 units/kg (41,600 units), ACT 420 s < 480 s.
    let a = explained(vec![(0, act(130.0)), (1, bolus(41_600.0)), (2, act(420.0))], 2);
    assert_eq!(a.recommendation.action, Action::SupplementAntithrombin);
    assert!(says(&a.recommendation.rationale, "heparin resistance on bypass (R4)"));
    assert!(a.has_finding(FindingCode::CpbHeparinResistance));
    assert!(a.has_finding(FindingCode::SuspectedHeparinResistance));
    assert_eq!(status(&a, StepId::Recognise), StepStatus::Met);
    assert!(a.cpb.as_ref().is_some_and(|n| n.resistance));
}

#[test]
fn at_target_heparin_continues() {
    // Exactly 480 s is at target.
    let a = explained(vec![(0, act(130.0)), (1, bolus(32_000.0)), (2, act(480.0))], 2);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Continue);
    assert!(r.bolus_units.is_none() && r.dose_units.is_none());
    assert_eq!(r.target, "ACT ≥ 480 s");
    assert!(says(&r.rationale, "ACT 480 s ≥ 480 s: at target"), "{:?}", r.rationale);
    assert_eq!(
        act_due(&a),
        vec![("ACT".to_owned(), Due::AfterDose, "per bypass routine".to_owned())]
    );
    assert_eq!(step5(&a), vec!["ACT at target".to_owned()]);
    assert_eq!(status(&a, StepId::Recognise), StepStatus::NotMet);
}

#[test]
fn an_act_that_did_not_rise_draws_no_line_and_is_repeated() {
    let a = explained(vec![(0, act(130.0)), (1, bolus(32_000.0)), (2, act(125.0))], 2);
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Measure);
    assert!(r.bolus_units.is_none() && r.dose_units.is_none());
    assert!(
        says(&r.rationale, "the ACT did not rise after heparin"),
        "{:?}",
        r.rationale
    );
    assert_eq!(
        act_due(&a),
        vec![("ACT".to_owned(), Due::Now, "no dose-response".to_owned())]
    );
    assert_eq!(step5(&a), vec!["no usable dose-response line".to_owned()]);
    assert!(a.cpb.as_ref().is_some_and(|n| n.hdr_slope_s_per_unit_per_kg.is_none()));
}

// ---- what every branch adds ----

#[test]
fn every_branch_says_andexanet_bleeding_risk_and_a_baseline_that_is_not_heparin_free() {
    // ICU heparin stopped 1 h before the baseline ACT (< 4 h): the baseline is not heparin-free.
    let c = cpb(vec![
        (0, ufh_rate(18.0)),
        (3, ufh_rate(0.0)),
        (4, act(130.0)),
        (5, bolus(32_000.0)),
        (6, act(500.0)),
    ]);
    let a = analyse_patient(&c, h(6), |p| {
        p.andexanet_exposure = true;
        p.high_bleeding_risk = true;
    });
    let r = &a.recommendation;
    assert_eq!(r.action, Action::Continue);
    assert!(
        says(
            &r.rationale,
            "is not heparin-free: heparin was infused within 4 h before it"
        ),
        "{:?}",
        r.rationale
    );
    assert!(
        says(
            &r.caveats,
            "andexanet exposure: expect severe heparin resistance; antithrombin ≈ 50 units/kg"
        ),
        "{:?}",
        r.caveats
    );
    assert!(says(
        &r.caveats,
        "high bleeding risk: on bypass the initial and additional heparin doses are not omitted"
    ));
    // Without the flags and with a heparin-free baseline, none of it.
    let a = explained(vec![(0, act(130.0)), (1, bolus(32_000.0)), (2, act(500.0))], 2);
    assert!(a.recommendation.caveats.is_empty(), "{:?}", a.recommendation.caveats);
    assert!(!says(&a.recommendation.rationale, "heparin-free"));
}
