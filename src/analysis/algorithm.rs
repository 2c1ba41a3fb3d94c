//! The stepwise algorithm (clinical reference §5): data check → recognise → pair → HIT → antithrombin →
//! choose → monitor. One pure function of (case, protocol, as_of); every branch leaves its reasoning,
//! the patient's values, the threshold and the source in the output.

use super::bypass;
use super::hit::four_ts;
use super::monitoring;
use super::pairing::{Level, Pair, classify_level, latest_pair, ufh_aptt_target};
use super::timeline::{Agent, AtDose, Sample, Timeline};
use super::types::{
    Action, Analysis, Detail, Due, Finding, FindingCode, FourTs, HeparinExposure, MonitoringItem, ProtocolRef,
    Recommendation, Step, StepStatus, Text,
};
use crate::dosing::Rate;
use crate::dosing::antithrombin::{expected_rise_percent, plasma_derived_dose, recombinant_dose, round_to_vials};
use crate::dosing::dti::{self, DtiChoice};
use crate::dosing::ufh::{self, dosing_weight};
use crate::model::{AgeGroup, Case, ClinicalTime, Kilograms, LabKind, Percent, Setting, Units, UnitsPerKgPerHour, num};
use crate::protocol::schema::Source;
use crate::protocol::{DtiDrug, Protocol, Range};

/// The assay that decides heparin titration and R3: anti-Xa when any exists, otherwise the aPTT.
#[derive(Debug, Clone, Copy)]
pub(super) struct Monitor {
    pub lab: LabKind,
    pub target: Option<Range>,
}

impl Monitor {
    fn name(self) -> &'static str {
        self.lab.label()
    }

    /// The monitoring test as ordered: the assay with its pair.
    fn paired_test(self) -> &'static str {
        if self.lab == LabKind::AntiXa {
            "anti-Xa (with a paired aPTT)"
        } else {
            "aPTT (with a paired anti-Xa)"
        }
    }

    fn level(self, value: f64) -> Option<Level> {
        self.target.map(|t| classify_level(value, t))
    }

    fn target_text(self) -> String {
        match (self.lab, self.target) {
            (LabKind::AntiXa, Some(t)) => format!("anti-Xa {}–{} units/mL", num(t.low, 2), num(t.high, 2)),
            (_, Some(t)) => format!("aPTT {}–{} s", num(t.low, 1), num(t.high, 1)),
            (_, None) => "no aPTT target: baseline aPTT not entered".to_owned(),
        }
    }
}

/// Heparin-resistance criteria at the as-of time.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Resistance {
    /// (R1 or R2) and R3.
    pub suspected: bool,
}

/// Working state of one analysis.
pub(super) struct Cx<'a> {
    pub case: &'a Case,
    pub tl: &'a Timeline,
    pub p: &'a Protocol,
    pub as_of: ClinicalTime,
    pub weight: Kilograms,
    pub findings: Vec<Finding>,
    pub steps: Vec<Step>,
    pub warnings: Vec<String>,
    pub monitoring: Vec<MonitoringItem>,
    /// Write the explanation sentences ([`Detail::Explained`]); read by `say!`.
    pub explain: bool,
}

impl Cx<'_> {
    pub fn finding(&mut self, code: FindingCode, detail: impl Into<String>, source: impl Into<Source>) {
        self.findings.push(Finding {
            code,
            detail: detail.into(),
            source: source.into(),
        });
    }

    pub fn due(&mut self, test: impl Into<Text>, due: Due, reason: impl Into<Text>) {
        self.monitoring.push(MonitoringItem {
            test: test.into(),
            due,
            reason: reason.into(),
        });
    }

    /// A time that may already have passed becomes "now".
    pub fn due_at(&self, t: ClinicalTime) -> Due {
        if t <= self.as_of { Due::Now } else { Due::At(t) }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "a step is eight named parts; a builder would only rename them"
    )]
    pub fn step(
        &mut self,
        number: u8,
        title: &'static str,
        status: StepStatus,
        values: Vec<String>,
        threshold: impl Into<Text>,
        rule: impl Into<Text>,
        source: impl Into<Source>,
        conclusion: impl Into<Text>,
    ) {
        self.steps.push(Step {
            number,
            title,
            status,
            values,
            threshold: threshold.into(),
            rule: rule.into(),
            source: source.into(),
            conclusion: conclusion.into(),
        });
    }

    fn age_h(&self, s: Sample) -> f64 {
        self.as_of.hours_since(s.time)
    }

    fn sample_text(&self, lab: LabKind, s: Sample) -> String {
        use std::fmt::Write as _;
        if !self.explain {
            return String::new();
        }
        let (decimals, unit) = match lab {
            LabKind::AntiXa => (2, " units/mL"),
            LabKind::Aptt | LabKind::Act => (1, " s"),
            LabKind::Antithrombin | LabKind::FactorViii => (0, "%"),
            LabKind::Platelets => (0, " × 10⁹/L"),
            _ => (2, ""),
        };
        let mut out = String::with_capacity(64);
        let _ = write!(
            out,
            "{} {}{unit} at {} ({} h ago)",
            lab.label(),
            num(s.value, decimals),
            s.time,
            num(self.age_h(s), 1)
        );
        out
    }
}

pub(super) fn run(
    case: &Case,
    prepared: &super::Prepared,
    p: &Protocol,
    as_of: ClinicalTime,
    detail: Detail,
) -> Analysis {
    let tl = &prepared.timeline;
    let mut cx = Cx {
        case,
        tl,
        p,
        as_of,
        weight: case.patient.weight.kg,
        findings: Vec::new(),
        steps: Vec::with_capacity(7),
        warnings: Vec::new(),
        monitoring: Vec::new(),
        explain: detail == Detail::Explained,
    };
    cx.warnings
        .extend(prepared.warnings_until(as_of).iter().map(|(_, w)| w.clone()));
    coverage_warnings(&mut cx);
    let heparin = exposure(tl, cx.weight, as_of);
    let monitor = monitor_for(&cx);
    let four_ts = four_ts(tl, &case.patient, p, as_of, detail);

    let (recommendation, cpb) = if case.patient.setting == Setting::Cpb {
        let (rec, assessment) = bypass::run(&mut cx, &heparin, four_ts.as_ref());
        choose_step(&mut cx, &rec);
        (rec, Some(assessment))
    } else {
        (run_icu(&mut cx, &heparin, monitor, four_ts.as_ref()), None)
    };
    monitoring::finish(&mut cx);
    // Step 7's content is `Analysis::monitoring`; it is not copied here.
    let sources = cx.p.monitoring.ufh_recheck_h.source.clone();
    let conclusion = say!(cx, "{} item(s); see the monitoring plan", cx.monitoring.len());
    cx.step(
        7,
        "Monitoring plan",
        StepStatus::Met,
        Vec::new(),
        "",
        "next labs and their times (clinical reference §11)",
        sources,
        conclusion,
    );
    Analysis {
        as_of,
        setting: case.patient.setting,
        protocol: ProtocolRef {
            name: p.name.clone(),
            version: p.version,
        },
        heparin,
        findings: cx.findings,
        hit_4ts: four_ts,
        cpb,
        steps: cx.steps,
        recommendation,
        monitoring: cx.monitoring,
        warnings: cx.warnings,
    }
}

/// Whether the protocol covers this patient's age group and setting.
fn coverage_warnings(cx: &mut Cx<'_>) {
    let age = cx.case.patient.age_group;
    if !cx.p.age_groups.contains(&age) {
        cx.warnings.push(say!(
            cx,
            "protocol {} is written for {} patients, not {}: its targets and doses may not apply",
            cx.p.name,
            cx.p.age_groups
                .iter()
                .map(|a| a.code())
                .collect::<Vec<_>>()
                .join(" and "),
            age.code()
        ));
    }
    if !cx.p.settings.contains(&cx.case.patient.setting) {
        cx.warnings.push(say!(
            cx,
            "protocol {} is not written for the {} setting",
            cx.p.name,
            cx.case.patient.setting.code()
        ));
    }
}

/// Heparin exposure (clinical reference §2).
fn exposure(tl: &Timeline, weight: Kilograms, as_of: ClinicalTime) -> HeparinExposure {
    let day_ago = as_of.plus_minutes(-24 * 60);
    let first = tl.first_heparin().filter(|t| *t <= as_of);
    let hours_on = first.map(|f| as_of.hours_since(f));
    let cumulative = tl.cumulative_heparin_units(as_of);
    let units_24h = match first {
        Some(f) if f > day_ago => cumulative,
        _ => tl.heparin_units_between(day_ago, as_of),
    };
    let window_h = hours_on.map_or(0.0, |h| h.min(24.0));
    let mean = if window_h > 0.0 {
        units_24h / weight.value() / window_h
    } else {
        0.0
    };
    let running = tl.ufh_rate(as_of);
    let units = |v: f64| Units::new(v).unwrap_or(Units::ZERO);
    HeparinExposure {
        units_last_24h: units(units_24h),
        units_per_kg_last_24h: units(units_24h).per_kg(weight),
        mean_units_per_kg_per_h: UnitsPerKgPerHour::new(mean).unwrap_or(UnitsPerKgPerHour::ZERO),
        mean_window_h: window_h,
        current_rate_units_per_kg_per_h: running.map(|r| r.per_kg(weight)),
        current_rate_units_per_h: running,
        hours_since_last_change: tl.last_ufh_rate_event(as_of).map(|t| as_of.hours_since(t)),
        cumulative_units: units(cumulative),
        cumulative_units_per_kg: units(cumulative).per_kg(weight),
        hours_on_heparin: hours_on,
    }
}

fn monitor_for(cx: &Cx<'_>) -> Monitor {
    let has_anti_xa = !cx.tl.samples_until(LabKind::AntiXa, cx.as_of).is_empty();
    if has_anti_xa {
        Monitor {
            lab: LabKind::AntiXa,
            target: Some(cx.p.ufh.anti_xa_target.range()),
        }
    } else {
        Monitor {
            lab: LabKind::Aptt,
            target: ufh_aptt_target(cx.p, cx.case.patient.baseline_aptt),
        }
    }
}

/// Step 2: R1–R3 with findings.
pub(super) fn recognise(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor) -> Resistance {
    let r = &cx.p.resistance;
    let r1_limit = r.r1_units_per_24h.value;
    let r1 = h.units_last_24h.value() > r1_limit;
    let r2_rule = if cx.case.patient.age_group == AgeGroup::Adult {
        &r.r2_adult_units_per_kg_per_h
    } else {
        &r.r2_pediatric_units_per_kg_per_h
    };
    let r2 = h.mean_window_h > 0.0 && h.mean_units_per_kg_per_h.value() >= r2_rule.value;
    let needed = r.r3_consecutive_below_target.value as usize;
    // R3 looks only at samples drawn on heparin.
    let on_heparin: &[Sample] = match cx.tl.first_heparin() {
        Some(first) => {
            let all = cx.tl.samples_until(monitor.lab, cx.as_of);
            &all[all.partition_point(|s| s.time < first)..]
        }
        None => &[],
    };
    let last_n = on_heparin.len().checked_sub(needed).map(|start| &on_heparin[start..]);
    let r3 = match (monitor.target, last_n) {
        (None, _) => None,
        (Some(_), None) => Some(false),
        (Some(t), Some(samples)) => Some((r1 || r2) && samples.iter().all(|s| s.value < t.low)),
    };

    // The weight above which the standard 18 units/kg/h already exceeds R1.
    let standard_rate = cx.p.ufh.start.rate_units_per_kg_per_h;
    let naive_above_kg = r1_limit / (standard_rate * 24.0);
    let weight_note = if cx.weight.value() > naive_above_kg {
        say!(
            cx,
            "; weight-naive: at {} the standard {} units/kg/h alone gives {} units/24 h",
            cx.weight,
            num(standard_rate, 0),
            num(standard_rate * 24.0 * cx.weight.value(), 0)
        )
    } else {
        String::new()
    };
    if r1 {
        cx.finding(
            FindingCode::HeparinResistanceDose,
            say!(
                cx,
                "R1: {} in the last 24 h > {} units{weight_note}",
                h.units_last_24h,
                num(r1_limit, 0)
            ),
            r.r1_units_per_24h.source.clone(),
        );
    }
    if r2 {
        cx.finding(
            FindingCode::HeparinResistanceWeight,
            say!(
                cx,
                "R2: mean {} over {} h ≥ {} units/kg/h",
                h.mean_units_per_kg_per_h,
                num(h.mean_window_h, 1),
                num(r2_rule.value, 0)
            ),
            r2_rule.source.clone(),
        );
    }
    let samples_text: Vec<String> = last_n
        .unwrap_or(&[])
        .iter()
        .map(|s| cx.sample_text(monitor.lab, *s))
        .collect();
    if r3 == Some(true) {
        let aptt_caveat = if monitor.lab == LabKind::Aptt {
            " (monitored by aPTT: pseudo-resistance cannot be excluded without anti-Xa)"
        } else {
            ""
        };
        cx.finding(
            FindingCode::TargetNotReached,
            say!(
                cx,
                "R3: last {needed} {} samples below {}{aptt_caveat}: {}",
                monitor.name(),
                monitor.target_text(),
                samples_text.join("; ")
            ),
            r.r3_consecutive_below_target.source.clone(),
        );
    }
    let suspected = (r1 || r2) && r3 == Some(true);
    if suspected {
        cx.finding(
            FindingCode::SuspectedHeparinResistance,
            "suspected heparin resistance: high dose (R1 or R2) and target not reached (R3)",
            "clinical reference §3",
        );
    }
    if (r1 || r2) && monitor.lab == LabKind::Aptt {
        cx.finding(
            FindingCode::AntiXaUnavailable,
            "high heparin dose without an anti-Xa: proceeding on the aPTT, which high factor VIII or fibrinogen can shorten; measure anti-Xa first",
            "Levy & Connors NEJM 2021: measure anti-Xa when resistance is suspected",
        );
    }
    let status = if suspected {
        StepStatus::Met
    } else if r3.is_none() && (r1 || r2) {
        StepStatus::NeedsData
    } else {
        StepStatus::NotMet
    };
    let mut values = vec![
        say!(
            cx,
            "heparin last 24 h: {} ({})",
            h.units_last_24h,
            h.units_per_kg_last_24h
        ),
        say!(
            cx,
            "mean {} over {} h",
            h.mean_units_per_kg_per_h,
            num(h.mean_window_h, 1)
        ),
        say!(
            cx,
            "R1 {}; R2 {}; R3 {}",
            yes_no(r1),
            yes_no(r2),
            r3.map_or("cannot be judged (no target)", yes_no)
        ),
    ];
    values.extend(samples_text);
    let conclusion = if suspected {
        "suspected heparin resistance".to_owned()
    } else if r1 || r2 {
        "high dose, but target failure not shown: not heparin resistance on this evidence".to_owned()
    } else {
        "dose below resistance thresholds".to_owned()
    };
    cx.step(
        2,
        "Recognise heparin resistance",
        status,
        values,
        say!(
            cx,
            "R1 > {} units/24 h; R2 ≥ {} units/kg/h; R3 {} consecutive {} below target",
            num(r1_limit, 0),
            num(r2_rule.value, 0),
            needed,
            monitor.name()
        ),
        "suspected = (R1 or R2) and R3; high dose alone with adequate anti-Xa is not resistance",
        format!("{}; {}", r.r1_units_per_24h.source, r2_rule.source),
        conclusion,
    );
    Resistance { suspected }
}

fn yes_no(b: bool) -> &'static str {
    if b { "met" } else { "not met" }
}

/// The pattern behind the latest monitoring result.
#[derive(Debug, Clone, Copy)]
struct Pattern {
    code: Option<FindingCode>,
    /// Level of the monitoring assay's latest sample.
    level: Option<Level>,
    sample: Option<Sample>,
    pair: Option<Pair>,
}

/// Step 3: pair and classify.
fn pair_and_classify(cx: &mut Cx<'_>, monitor: Monitor, hr: Resistance) -> Pattern {
    let window = cx.p.monitoring.pairing_window_min.value;
    let aptt_target = ufh_aptt_target(cx.p, cx.case.patient.baseline_aptt);
    let xa_target = cx.p.ufh.anti_xa_target.range();
    let source = cx.p.discordance.patterns_source.clone();
    let pair = latest_pair(cx.tl, cx.as_of, window);
    let sample = cx.tl.latest(monitor.lab, cx.as_of);
    let level = sample.and_then(|s| monitor.level(s.value));

    // Interference flags (recent free Hb or bilirubin above the protocol's limits).
    let d = &cx.p.discordance;
    let max_age = cx.p.monitoring.lab_max_age_h.value;
    let mut interference = Vec::new();
    if let Some(s) = cx.tl.recent(LabKind::PlasmaFreeHb, cx.as_of, max_age)
        && s.value > d.interference_plasma_free_hb_mg_per_dl.value
    {
        interference.push((
            say!(
                cx,
                "plasma free hemoglobin {} mg/dL > {} mg/dL",
                num(s.value, 0),
                num(d.interference_plasma_free_hb_mg_per_dl.value, 0)
            ),
            d.interference_plasma_free_hb_mg_per_dl.source.clone(),
        ));
    }
    if let Some(s) = cx.tl.recent(LabKind::Bilirubin, cx.as_of, max_age)
        && s.value > d.interference_bilirubin_mg_per_dl.value
    {
        interference.push((
            say!(
                cx,
                "bilirubin {} mg/dL > {} mg/dL",
                num(s.value, 1),
                num(d.interference_bilirubin_mg_per_dl.value, 0)
            ),
            d.interference_bilirubin_mg_per_dl.source.clone(),
        ));
    }
    for (text, src) in &interference {
        cx.finding(
            FindingCode::AntiXaInterference,
            say!(
                cx,
                "anti-Xa may read falsely low: {text}; do not up-titrate on a low anti-Xa alone"
            ),
            src.clone(),
        );
    }
    if cx.case.patient.anti_xa_assay == crate::model::AntiXaAssay::AtSupplemented && hr.suspected {
        cx.warnings.push(
            "The anti-Xa assay adds antithrombin: it can mask resistance due to antithrombin deficiency (NEJM 2021)"
                .to_owned(),
        );
    }

    let mut values = Vec::new();
    let (code, meaning) = match (pair, aptt_target) {
        (Some(pair), Some(at)) => {
            let a = classify_level(pair.aptt.value, at);
            let x = classify_level(pair.anti_xa.value, xa_target);
            values.push(cx.sample_text(LabKind::Aptt, pair.aptt) + &say!(cx, ": {}", a.label()));
            values.push(cx.sample_text(LabKind::AntiXa, pair.anti_xa) + &say!(cx, ": {}", x.label()));
            let (code, meaning) = match (a, x) {
                (Level::Below, Level::Below) => (
                    FindingCode::ConcordantSubtherapeutic,
                    "both low: under-dosing or true resistance",
                ),
                (Level::Below, _) => (
                    FindingCode::PseudoResistance,
                    "low aPTT with adequate anti-Xa: pseudo-resistance (high factor VIII / fibrinogen); do not escalate; monitor by anti-Xa",
                ),
                (Level::Above, Level::Above) => {
                    (FindingCode::Supratherapeutic, "both high: reduce or hold per nomogram")
                }
                (Level::Above, _) => (
                    FindingCode::CoagulopathyDiscordance,
                    "high aPTT with low or in-range anti-Xa: coagulopathy (factor deficiency, DIC, lupus anticoagulant, hemodilution); do not escalate; check INR and fibrinogen; bleeding and mortality signal",
                ),
                (Level::InRange, Level::InRange) => (FindingCode::ConcordantTherapeutic, "both in range: continue"),
                (Level::InRange, Level::Below) => (
                    FindingCode::AntiXaBelowTarget,
                    "anti-Xa low with the aPTT in range: follow the anti-Xa",
                ),
                (Level::InRange, Level::Above) => (
                    FindingCode::AntiXaAboveTarget,
                    "anti-Xa high with the aPTT in range: follow the anti-Xa",
                ),
            };
            (Some(code), meaning.to_owned())
        }
        _ => match (sample, level) {
            (Some(s), Some(l)) => {
                values.push(cx.sample_text(monitor.lab, s) + &say!(cx, ": {}", l.label()));
                let code = match (monitor.lab, l) {
                    (LabKind::AntiXa, Level::Below) => FindingCode::AntiXaBelowTarget,
                    (LabKind::AntiXa, Level::InRange) => FindingCode::AntiXaInTarget,
                    (LabKind::AntiXa, Level::Above) => FindingCode::AntiXaAboveTarget,
                    (_, Level::Below) => FindingCode::ApttBelowTarget,
                    (_, Level::InRange) => FindingCode::ApttInTarget,
                    (_, Level::Above) => FindingCode::ApttAboveTarget,
                };
                let meaning = if monitor.lab == LabKind::Aptt {
                    say!(cx, "aPTT only, {}: no anti-Xa to pair with", l.label())
                } else {
                    say!(
                        cx,
                        "anti-Xa only, {}: no aPTT within {} min to pair with",
                        l.label(),
                        num(window, 0)
                    )
                };
                (Some(code), meaning)
            }
            (Some(s), None) => {
                values.push(cx.sample_text(monitor.lab, s));
                (None, "no aPTT target: enter the baseline aPTT".to_owned())
            }
            (None, _) => (None, say!(cx, "no {} result yet", monitor.name())),
        },
    };
    if let Some(code) = code {
        let detail = if cx.explain {
            values.join("; ") + " — " + &meaning
        } else {
            String::new()
        };
        cx.finding(code, detail, source.clone());
    }
    let status = match (pair, code) {
        (Some(_), Some(_)) => StepStatus::Met,
        (None, Some(_)) => StepStatus::NeedsData,
        _ => StepStatus::NeedsData,
    };
    cx.step(
        3,
        "Pair aPTT with anti-Xa",
        status,
        values,
        say!(
            cx,
            "anti-Xa {}–{} units/mL; aPTT {}; pairs within ±{} min",
            num(xa_target.low, 2),
            num(xa_target.high, 2),
            aptt_target.map_or("target needs a baseline aPTT".to_owned(), |t| say!(cx, "{}–{} s", num(t.low, 1), num(t.high, 1))),
            num(window, 0)
        ),
        "low/low concordant subtherapeutic; low aPTT + adequate anti-Xa pseudo-resistance; high aPTT + low/in-range anti-Xa coagulopathy; high/high supratherapeutic",
        source,
        meaning,
    );
    Pattern {
        code,
        level,
        sample,
        pair,
    }
}

/// Step 4: HIT screen.
fn hit_step(cx: &mut Cx<'_>, four_ts: Option<&FourTs>) -> bool {
    let h = &cx.p.hit;
    let Some(ft) = four_ts else {
        cx.step(
            4,
            "HIT screen (4Ts)",
            StepStatus::NeedsData,
            vec![say!(cx, "needs heparin exposure and at least two platelet counts")],
            say!(cx, "stop heparin at 4Ts ≥ {}", h.suspect_from),
            "4Ts ≥ 4 → stop all heparin and switch to a DTI",
            h.source.clone(),
            "not scored",
        );
        return false;
    };
    // HIT needs thrombocytopenia: a score reached by the entered items alone, with no platelet fall,
    // is shown but does not stop heparin.
    let suspected = ft.score >= h.suspect_from && ft.items.thrombocytopenia.points > 0;
    let values = vec![
        say!(
            cx,
            "thrombocytopenia {} ({})",
            ft.items.thrombocytopenia.points,
            ft.items.thrombocytopenia.basis
        ),
        say!(cx, "timing {} ({})", ft.items.timing.points, ft.items.timing.basis),
        say!(cx, "thrombosis {} (entered)", ft.items.thrombosis.points),
        say!(cx, "other causes {} (entered)", ft.items.other_causes.points),
        say!(
            cx,
            "score {} ({})",
            ft.score,
            match ft.band {
                super::types::FourTsBand::Low => "low",
                super::types::FourTsBand::Intermediate => "intermediate",
                super::types::FourTsBand::High => "high",
            }
        ),
    ];
    if suspected {
        cx.finding(
            FindingCode::HitSuspected,
            say!(
                cx,
                "4Ts score {} ≥ {}: stop all heparin and switch to a DTI; send HIT immunoassay",
                ft.score,
                h.suspect_from
            ),
            h.source.clone(),
        );
    }
    let conclusion = if suspected {
        "HIT suspected: stop all heparin (flushes, and the coated circuit if HIT is confirmed)".to_owned()
    } else {
        match &ft.caveat {
            Some(c) => say!(cx, "low probability; {c}"),
            None => "HIT not suspected".to_owned(),
        }
    };
    cx.step(
        4,
        "HIT screen (4Ts)",
        if suspected { StepStatus::Met } else { StepStatus::NotMet },
        values,
        say!(cx, "bands 0–{} low, {}–{} intermediate, {}–8 high; act at ≥ {}", h.low_max, h.low_max + 1, h.intermediate_max, h.intermediate_max + 1, h.suspect_from),
        "thrombocytopenia and timing computed from the timeline; thrombosis and other causes entered; acts only with a platelet fall (thrombocytopenia item ≥ 1)",
        h.source.clone(),
        conclusion,
    );
    suspected
}

fn run_icu(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, four_ts: Option<&FourTs>) -> Recommendation {
    let running = cx.tl.running(cx.as_of);
    data_check(cx, h, monitor, running.map(|s| s.agent));
    if let Some(seg) = running.filter(|s| s.agent != Agent::Ufh) {
        let rec = dti_titration(cx, seg.agent);
        for (n, title) in [
            (2, "Recognise heparin resistance"),
            (3, "Pair aPTT with anti-Xa"),
            (4, "HIT screen (4Ts)"),
            (5, "Antithrombin"),
        ] {
            cx.step(
                n,
                title,
                StepStatus::NotApplicable,
                vec![say!(cx, "on {}", seg.agent.name())],
                "",
                "heparin steps do not apply on a direct thrombin inhibitor",
                "clinical reference §5",
                "",
            );
        }
        choose_step(cx, &rec);
        return rec;
    }
    let hr = recognise(cx, h, monitor);
    let pattern = pair_and_classify(cx, monitor, hr);
    let hit = hit_step(cx, four_ts);
    let rec = if hit {
        at_step_not_applicable(cx, "HIT suspected");
        let ft_score = four_ts.map_or(0, |f| f.score);
        let mut rec = switch_to_dti(
            cx,
            vec![say!(cx, "HIT suspected: 4Ts {ft_score} ≥ {}", cx.p.hit.suspect_from)],
            vec![cx.p.hit.source.clone()],
            Vec::new(),
        );
        rec.caveats.push(say!(cx, "Stop ALL heparin, including flushes and heparin-coated lines; replace a heparin-coated circuit if HIT is confirmed"));
        rec.caveats.push(say!(
            cx,
            "Send a HIT immunoassay; do not give platelets unless bleeding"
        ));
        rec
    } else if running.is_none() {
        at_step_not_applicable(cx, "no heparin infusion running");
        no_infusion(cx, h)
    } else {
        titrate_or_escalate(cx, h, monitor, hr, pattern)
    };
    choose_step(cx, &rec);
    rec
}

/// Step 1.
fn data_check(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, agent: Option<Agent>) {
    let mut values = vec![say!(
        cx,
        "weight {} ({}, {})",
        cx.weight,
        match cx.case.patient.weight.kind {
            crate::model::WeightKind::Actual => "actual",
            crate::model::WeightKind::Adjusted => "adjusted",
        },
        cx.case.patient.weight.measured_at
    )];
    values.push(match agent {
        Some(Agent::Ufh) => say!(
            cx,
            "heparin infusion {} ({}), changed {} h ago",
            h.current_rate_units_per_kg_per_h
                .map_or(String::new(), |r| r.to_string()),
            h.current_rate_units_per_h.map_or(String::new(), |r| r.to_string()),
            h.hours_since_last_change
                .map_or("?".to_owned(), |v| num(v, 1).to_string())
        ),
        Some(a) => say!(cx, "{} infusion running", a.name()),
        None => "no anticoagulant infusion running".to_owned(),
    });
    let max_age = cx.p.monitoring.lab_max_age_h.value;
    let mut status = StepStatus::Met;
    let mut notes = Vec::new();
    for lab in [
        LabKind::Aptt,
        LabKind::AntiXa,
        LabKind::Antithrombin,
        LabKind::Platelets,
    ] {
        if let Some(s) = cx.tl.latest(lab, cx.as_of) {
            values.push(cx.sample_text(lab, s));
        }
    }
    if let Some(s) = cx.tl.latest(monitor.lab, cx.as_of) {
        if cx.age_h(s) > max_age {
            status = StepStatus::NeedsData;
            notes.push(say!(
                cx,
                "latest {} is older than {} h",
                monitor.name(),
                num(max_age, 0)
            ));
            cx.finding(
                FindingCode::StaleSample,
                say!(
                    cx,
                    "latest {} at {} is {} h old (limit {} h)",
                    monitor.name(),
                    s.time,
                    num(cx.age_h(s), 1),
                    num(max_age, 0)
                ),
                cx.p.monitoring.lab_max_age_h.source.clone(),
            );
        }
        if agent == Some(Agent::Ufh)
            && let Some(change) = cx.tl.last_ufh_rate_event(cx.as_of)
        {
            let after = s.time.hours_since(change);
            let steady = cx.p.monitoring.ufh_recheck_h.value;
            if (0.0..steady).contains(&after) {
                notes.push(say!(
                    cx,
                    "drawn {} h after the last rate change (< {} h: not at steady state)",
                    num(after, 1),
                    num(steady, 0)
                ));
                cx.finding(
                    FindingCode::SampleBeforeSteadyState,
                    say!(
                        cx,
                        "{} at {} was drawn {} h after the rate change at {}",
                        monitor.name(),
                        s.time,
                        num(after, 1),
                        change
                    ),
                    cx.p.monitoring.ufh_recheck_h.source.clone(),
                );
            }
        }
    } else if agent.is_some() {
        status = StepStatus::NeedsData;
        notes.push(say!(cx, "no {} yet", monitor.name()));
    }
    let conclusion = if notes.is_empty() {
        "data adequate".to_owned()
    } else {
        notes.join("; ")
    };
    cx.step(
        1,
        "Data check",
        status,
        values,
        say!(
            cx,
            "results ≤ {} h old; heparin samples ≥ {} h after a rate change; DTI samples ≥ {} h after a change",
            num(max_age, 0),
            num(cx.p.monitoring.ufh_recheck_h.value, 0),
            num(cx.p.monitoring.dti_recheck_h.value, 0)
        ),
        "weight, current anticoagulant, latest labs and their age",
        cx.p.monitoring.lab_max_age_h.source.clone(),
        conclusion,
    );
}

fn at_step_not_applicable(cx: &mut Cx<'_>, why: &str) {
    let rule = say!(
        cx,
        "AT < {}% → DTI; < {}% → supplement; ≥ {}% → DTI",
        num(cx.p.antithrombin.severe_below_percent.value, 0),
        num(cx.p.antithrombin.deficiency_below_percent.value, 0),
        num(cx.p.antithrombin.deficiency_below_percent.value, 0)
    );
    let src = cx.p.antithrombin.deficiency_below_percent.source.clone();
    cx.step(
        5,
        "Antithrombin",
        StepStatus::NotApplicable,
        vec![why.to_owned()],
        "",
        rule,
        src,
        "",
    );
}

/// Step 6's content is the recommendation itself (rationale, sources); only its headline is repeated.
fn choose_step(cx: &mut Cx<'_>, rec: &Recommendation) {
    let source = rec.sources.first().cloned().unwrap_or_else(|| Source::from(""));
    let (target, headline) = if cx.explain {
        (rec.target.clone(), rec.headline())
    } else {
        (String::new(), String::new())
    };
    cx.step(
        6,
        "Choose",
        StepStatus::Met,
        Vec::new(),
        target,
        "the first branch that applies, in the order of steps 1–5; otherwise titrate by the nomogram",
        source,
        headline,
    );
}

/// No infusion running: start heparin per protocol (or, after a stopped DTI, measure first).
fn no_infusion(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    if let Some(last) = cx
        .tl
        .last_segment_of(Agent::Argatroban, cx.as_of)
        .into_iter()
        .chain(cx.tl.last_segment_of(Agent::Bivalirudin, cx.as_of))
        .max_by_key(|s| s.start)
    {
        let ufh_after = cx
            .tl
            .last_segment_of(Agent::Ufh, cx.as_of)
            .is_some_and(|u| u.start > last.start);
        if !ufh_after {
            let mut rec = Recommendation::new(Action::Measure, last.agent.name());
            rec.rationale.push(say!(
                cx,
                "{} stopped at {}; no anticoagulant is running",
                last.agent.name(),
                last.end.map_or("?".to_owned(), |t| t.to_string())
            ));
            rec.rationale
                .push(say!(cx, "measure the aPTT and decide on restarting with the physician"));
            rec.cite(cx.p.argatroban.titration_source.clone());
            cx.due("aPTT", Due::Now, "DTI stopped");
            return rec;
        }
    }
    let start = ufh::start(cx.p, cx.weight);
    if cx.tl.first_heparin().is_none_or(|t| t > cx.as_of) {
        // Nothing given yet: the engine cannot know that anticoagulation is due now.
        let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
        rec.rationale.push(say!(
            cx,
            "no anticoagulant has been given yet: obtain baseline labs before starting"
        ));
        rec.alternatives.push(say!(
            cx,
            "when anticoagulation is indicated, the protocol start is {} = {} at {}",
            start.text,
            start.pump.map_or("–".to_owned(), |p| p.to_string()),
            cx.p.ufh.concentration_label
        ));
        rec.cite(cx.p.ufh.start.source.clone());
        if cx.case.patient.baseline_aptt.is_none() && cx.tl.latest(LabKind::Aptt, cx.as_of).is_none() {
            cx.due("aPTT (baseline)", Due::Now, "control for ratio targets");
        }
        if cx
            .tl
            .recent(LabKind::Platelets, cx.as_of, cx.p.monitoring.lab_max_age_h.value)
            .is_none()
        {
            cx.due("platelets", Due::Now, "baseline before heparin");
        }
        return rec;
    }
    let recent_bolus_h = cx.p.monitoring.ufh_recheck_h.value;
    let bolus_recently = h.hours_on_heparin.is_some()
        && cx
            .tl
            .heparin_units_between(cx.as_of.plus_hours(-recent_bolus_h), cx.as_of)
            > 0.0;
    let mut rec = Recommendation::new(Action::AdjustUfh, "unfractionated heparin");
    rec.rate = Some(Rate::ufh(start.rate));
    rec.rate_change = Some(Rate::ufh(start.rate));
    rec.pump_ml_per_h = start.pump;
    rec.concentration = cx.p.ufh.concentration_label.clone();
    rec.bolus_units = if bolus_recently { None } else { start.bolus };
    rec.target = cx.p.ufh.anti_xa_target.range().describe_anti_xa();
    rec.rationale
        .push(say!(cx, "no heparin infusion is running: start per protocol"));
    rec.rationale.push(say!(cx, "protocol start: {}", start.text));
    if bolus_recently {
        rec.rationale.push(say!(
            cx,
            "no start bolus: heparin was given in the last {} h",
            num(recent_bolus_h, 0)
        ));
    }
    rec.rationale.push(say!(
        cx,
        "= {} at {}",
        start.rate_per_hour,
        cx.p.ufh.concentration_label
    ));
    rec.cite(cx.p.ufh.start.source.clone());
    rec.cite(cx.p.ufh.concentration_units_per_ml.source.clone());
    cx.due(
        "anti-Xa (with a paired aPTT)",
        Due::At(cx.as_of.plus_hours(cx.p.monitoring.ufh_recheck_h.value)),
        "6 h after the start",
    );
    rec
}

trait DescribeTarget {
    fn describe_anti_xa(self) -> String;
}

impl DescribeTarget for Range {
    fn describe_anti_xa(self) -> String {
        format!("anti-Xa {}–{} units/mL", num(self.low, 2), num(self.high, 2))
    }
}

/// Heparin running: escalate, hold, continue, or go down the resistance path.
fn titrate_or_escalate(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    monitor: Monitor,
    hr: Resistance,
    pattern: Pattern,
) -> Recommendation {
    let Some(sample) = pattern.sample else {
        at_step_not_applicable(cx, "no monitoring result yet");
        let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
        let change = cx.tl.last_ufh_rate_event(cx.as_of).unwrap_or(cx.as_of);
        let due = cx.due_at(change.plus_hours(cx.p.monitoring.ufh_recheck_h.value));
        rec.rationale.push(say!(
            cx,
            "no {} result since heparin started: measure before any change",
            monitor.name()
        ));
        rec.cite(cx.p.monitoring.ufh_recheck_h.source.clone());
        cx.due("anti-Xa (with a paired aPTT)", due, "first level on heparin");
        return rec;
    };
    let max_age = cx.p.monitoring.lab_max_age_h.value;
    if cx.age_h(sample) > max_age {
        at_step_not_applicable(cx, "latest result is stale");
        let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
        rec.rationale.push(say!(
            cx,
            "the latest {} ({}) is older than {} h: measure before changing anything",
            monitor.name(),
            sample.time,
            num(max_age, 0)
        ));
        rec.cite(cx.p.monitoring.lab_max_age_h.source.clone());
        cx.due("anti-Xa (with a paired aPTT)", Due::Now, "latest result is stale");
        return rec;
    }
    if pattern.code == Some(FindingCode::CoagulopathyDiscordance) {
        at_step_not_applicable(cx, "coagulopathy pattern: do not escalate");
        return coagulopathy(cx, h);
    }
    let Some(level) = pattern.level else {
        at_step_not_applicable(cx, "no target for the monitoring assay");
        let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
        rec.rationale
            .push(say!(cx, "no aPTT target: enter the baseline aPTT or measure anti-Xa"));
        cx.due("anti-Xa (with a paired aPTT)", Due::Now, "no usable target");
        return rec;
    };
    if level == Level::Below {
        let corroborated = pattern.pair.is_some_and(|p| {
            ufh_aptt_target(cx.p, cx.case.patient.baseline_aptt).is_some_and(|t| p.aptt.value < t.low)
        });
        let interfered =
            monitor.lab == LabKind::AntiXa && cx.findings.iter().any(|f| f.code == FindingCode::AntiXaInterference);
        if interfered && !corroborated {
            at_step_not_applicable(cx, "anti-Xa may be falsely low");
            let mut rec = continue_ufh(cx, h);
            rec.rationale.insert(
                0,
                "anti-Xa is low but may be falsely low (hemolysis or icterus): do not escalate on it".to_owned(),
            );
            cx.due(
                "aPTT (paired with a repeat anti-Xa)",
                Due::Now,
                "check a low anti-Xa with interference",
            );
            return rec;
        }
        if hr.suspected {
            return resistance_path(cx, h, monitor);
        }
        at_step_not_applicable(cx, "heparin resistance not suspected");
        // Do not stack increases on a sample drawn before steady state.
        if let Some(change) = cx.tl.last_ufh_rate_event(cx.as_of) {
            let steady = cx.p.monitoring.ufh_recheck_h.value;
            if sample.time.hours_since(change) < steady {
                let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
                let due = cx.due_at(change.plus_hours(steady));
                rec.rationale.push(say!(cx, "the low {} at {} was drawn less than {} h after the rate change at {}: repeat at steady state before escalating", monitor.name(), sample.time, num(steady, 0), change));
                rec.cite(cx.p.monitoring.ufh_recheck_h.source.clone());
                cx.due(monitor.paired_test(), due, "steady state after the rate change");
                return rec;
            }
        }
        return nomogram(cx, h, monitor, sample);
    }
    at_step_not_applicable(cx, &say!(cx, "{} {}", monitor.name(), level.label()));
    nomogram(cx, h, monitor, sample)
}

fn continue_ufh(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    let mut rec = Recommendation::new(Action::Continue, "unfractionated heparin");
    if let Some(r) = h.current_rate_units_per_kg_per_h {
        let dw = dosing_weight(cx.p, cx.weight);
        let per_dosing_kg = h.current_rate_units_per_h.map_or(r, |u| u.per_kg(dw));
        rec.rate = Some(Rate::ufh(per_dosing_kg));
        rec.rate_change = Some(Rate {
            value: 0.0,
            unit: crate::dosing::RateUnit::UnitsPerKgPerHour,
        });
        rec.pump_ml_per_h = h
            .current_rate_units_per_h
            .and_then(|u| u.pump_rate(crate::model::UnitsPerMl::new(cx.p.ufh.concentration_units_per_ml.value).ok()?));
    }
    if cx.explain {
        rec.concentration = cx.p.ufh.concentration_label.clone();
        rec.target = cx.p.ufh.anti_xa_target.range().describe_anti_xa();
    }
    rec
}

/// The nomogram row for the latest monitoring result.
fn nomogram(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor, sample: Sample) -> Recommendation {
    let (nomogram, value, value_text) = if monitor.lab == LabKind::AntiXa {
        (
            &cx.p.ufh.anti_xa_nomogram,
            sample.value,
            say!(cx, "anti-Xa {} units/mL", num(sample.value, 2)),
        )
    } else {
        let base = cx.case.patient.baseline_aptt.map_or(1.0, |b| b.value());
        (
            &cx.p.ufh.aptt_nomogram,
            sample.value / base,
            say!(
                cx,
                "aPTT {} s = {} × control",
                num(sample.value, 1),
                num(sample.value / base, 2)
            ),
        )
    };
    let dw = dosing_weight(cx.p, cx.weight);
    let current = h
        .current_rate_units_per_h
        .map_or(UnitsPerKgPerHour::ZERO, |u| u.per_kg(dw));
    let Some(step) = ufh::nomogram_step(cx.p, nomogram, value, current, cx.weight) else {
        let mut rec = Recommendation::new(Action::Measure, "unfractionated heparin");
        rec.rationale.push(say!(cx, "{value_text} is outside the nomogram"));
        return rec;
    };
    let mut rec = continue_ufh(cx, h);
    rec.rationale
        .push(say!(cx, "{value_text} at {}: {}", sample.time, step.row_text(nomogram)));
    rec.cite(nomogram.source.clone());
    if !nomogram.validated {
        rec.caveats.push(say!(
            cx,
            "{} is an institutional adaptation, not a validated nomogram",
            nomogram.name
        ));
    }
    if step.is_no_change() {
        rec.rationale.push(say!(
            cx,
            "continue {current} ({}) at {}",
            h.current_rate_units_per_h.map_or(String::new(), |u| u.to_string()),
            cx.p.ufh.concentration_label
        ));
        let in_range_needed = cx.p.monitoring.ufh_in_range_before_daily.value as usize;
        let recent = cx.tl.samples_until(monitor.lab, cx.as_of);
        let all_in = recent.len() >= in_range_needed
            && recent[recent.len() - in_range_needed..]
                .iter()
                .all(|s| monitor.level(s.value) == Some(Level::InRange));
        if all_in {
            cx.due(
                monitor.paired_test(),
                cx.due_at(sample.time.plus_hours(cx.p.monitoring.daily_interval_h.value)),
                say!(cx, "{in_range_needed} consecutive in range: daily"),
            );
        } else {
            cx.due(
                monitor.paired_test(),
                cx.due_at(sample.time.plus_hours(step.recheck_h)),
                "recheck per nomogram",
            );
        }
        return rec;
    }
    rec.action = Action::AdjustUfh;
    rec.bolus_units = step.bolus;
    rec.hold_minutes = (step.hold_min > 0.0).then_some(step.hold_min);
    rec.rate = Some(Rate::ufh(step.new_rate));
    rec.rate_change = Some(step.change);
    rec.pump_ml_per_h = step.pump;
    rec.rationale.push(say!(
        cx,
        "new rate {} = {} on {} dosing weight ({} → {}), pump {} at {}",
        step.new_rate,
        step.new_rate_per_hour,
        step.dosing_weight,
        current,
        step.new_rate,
        step.pump.map_or("–".to_owned(), |p| p.to_string()),
        cx.p.ufh.concentration_label
    ));
    if let Some(soft) = cx.p.plausibility.ufh_rate_units_per_kg_per_h.soft_max
        && step.new_rate.value() > soft
    {
        rec.caveats.push(say!(
            cx,
            "the new rate is above {} units/kg/h: consider heparin resistance work-up",
            num(soft, 0)
        ));
    }
    let due = cx.as_of.plus_hours(step.recheck_h + step.hold_min / 60.0);
    cx.due(
        monitor.paired_test(),
        Due::At(due),
        "recheck per nomogram after the change",
    );
    rec
}

fn coagulopathy(cx: &mut Cx<'_>, h: &HeparinExposure) -> Recommendation {
    let max_age = cx.p.monitoring.lab_max_age_h.value;
    let inr = cx.tl.recent(LabKind::Inr, cx.as_of, max_age);
    let fib = cx.tl.recent(LabKind::Fibrinogen, cx.as_of, max_age);
    let mut rec = continue_ufh(cx, h);
    rec.rationale.push(say!(
        cx,
        "high aPTT with low or in-range anti-Xa: coagulopathy-type discordance — do not escalate heparin"
    ));
    rec.cite(cx.p.discordance.patterns_source.clone());
    rec.caveats.push(say!(cx, "≥ 2 consecutive high aPTT:anti-Xa pairs carried more major bleeding (9% vs 3%) and 30-day mortality (14% vs 5%) in Price 2013"));
    rec.alternatives.push(say!(
        cx,
        "look for DIC, factor deficiency, lupus anticoagulant or hemodilution"
    ));
    if inr.is_none() || fib.is_none() {
        rec.action = Action::Measure;
        let missing: Vec<&str> = [("INR", inr.is_none()), ("fibrinogen", fib.is_none())]
            .into_iter()
            .filter(|(_, m)| *m)
            .map(|(n, _)| n)
            .collect();
        rec.rationale.push(say!(
            cx,
            "measure {} (none in the last {} h)",
            missing.join(" and "),
            num(max_age, 0)
        ));
        for test in missing {
            cx.due(test, Due::Now, "coagulopathy pattern");
        }
    } else {
        for s in [inr, fib].into_iter().flatten() {
            rec.rationale.push(say!(cx, "{} at {}", num(s.value, 2), s.time));
        }
    }
    cx.due(
        "anti-Xa (with a paired aPTT)",
        cx.due_at(cx.as_of.plus_hours(cx.p.monitoring.ufh_recheck_h.value)),
        "follow the anti-Xa",
    );
    rec
}

/// Step 5's fixed parts (threshold, rule, source, the patient's AT values), recorded once per branch.
struct AtStep {
    values: Vec<String>,
    threshold: String,
    rule: String,
    source: Source,
}

impl AtStep {
    fn with_values(self, values: Vec<String>) -> Self {
        Self { values, ..self }
    }

    fn record(self, cx: &mut Cx<'_>, status: StepStatus, conclusion: impl Into<Text>) {
        cx.step(
            5,
            "Antithrombin",
            status,
            self.values,
            self.threshold,
            self.rule,
            self.source,
            conclusion,
        );
    }
}

/// Step 5 and its branches: true resistance suspected on heparin.
fn resistance_path(cx: &mut Cx<'_>, h: &HeparinExposure, monitor: Monitor) -> Recommendation {
    let at_rules = &cx.p.antithrombin;
    let max_age = cx.p.monitoring.lab_max_age_h.value;
    let deficient = at_rules.deficiency_below_percent.value;
    let severe = at_rules.severe_below_percent.value;
    let rule = say!(
        cx,
        "AT < {}% → DTI (AT as alternative); {}–{}% → supplement AT; ≥ {}% or AT already given and still below target → DTI",
        num(severe, 0),
        num(severe, 0),
        num(deficient, 0),
        num(deficient, 0)
    );
    let at_source: Source = format!(
        "{}; {}",
        at_rules.deficiency_below_percent.source, at_rules.severe_below_percent.source
    )
    .into();
    let level = cx.tl.recent(LabKind::Antithrombin, cx.as_of, max_age);
    let doses = cx.tl.at_doses_until(cx.as_of);
    let since: Vec<AtDose> = match level {
        Some(l) => doses.iter().filter(|d| d.time >= l.time).copied().collect(),
        None => doses
            .iter()
            .filter(|d| cx.as_of.hours_since(d.time) <= max_age)
            .copied()
            .collect(),
    };
    let mut values = Vec::new();
    if let Some(l) = level {
        values.push(cx.sample_text(LabKind::Antithrombin, l));
    }
    for d in &since {
        values.push(say!(
            cx,
            "{} {} at {}",
            if d.recombinant {
                "recombinant AT"
            } else {
                "AT concentrate"
            },
            Units::new(d.units).unwrap_or(Units::ZERO),
            d.time
        ));
    }
    let threshold = say!(cx, "deficiency < {}%, severe < {}%", num(deficient, 0), num(severe, 0));
    let at_step = AtStep {
        values,
        threshold,
        rule,
        source: at_source.clone(),
    };
    let reasons_hr = vec![say!(
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
    )];

    if let Some(first) = since.first() {
        let after: Vec<Sample> = cx
            .tl
            .samples_until(monitor.lab, cx.as_of)
            .iter()
            .filter(|s| s.time > first.time)
            .copied()
            .collect();
        if let Some(next) = after.first() {
            if monitor.level(next.value) == Some(Level::Below)
                && after.iter().all(|s| monitor.level(s.value) == Some(Level::Below))
            {
                let expected = level.map(|l| l.value + since.iter().map(|d| rise(cx, d)).sum::<f64>());
                let mut why = reasons_hr;
                why.push(say!(
                    cx,
                    "antithrombin given at {}; the next {} ({}) is still below target: resistance is not (only) antithrombin-mediated (heparin-binding proteins, circuit)",
                    first.time,
                    monitor.name(),
                    cx.sample_text(monitor.lab, *next)
                ));
                let mut alternatives = Vec::new();
                if let Some(e) = expected {
                    let low = at_rules.plasma_derived.maintenance_range_percent.low;
                    if e < low {
                        why.push(say!(cx, "note: the dose given was expected to reach only ≈ {}% (label recovery), below {}%, and AT was not re-measured", num(e, 0), num(low, 0)));
                        let top_up = plasma_derived_dose(
                            pct(e),
                            pct(at_rules.plasma_derived.target_percent),
                            cx.weight,
                            &at_rules.plasma_derived,
                        );
                        alternatives.push(say!(
                            cx,
                            "re-measure AT and top up to {}%: {}",
                            num(at_rules.plasma_derived.target_percent, 0),
                            round_to_vials(top_up.dose, &at_rules.plasma_derived.vial_units).describe()
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
                    at_source.clone(),
                );
                at_step.record(cx, StepStatus::Met, "AT given, still below target → DTI");
                return switch_to_dti(cx, why, vec![at_source], alternatives);
            }
            // A response after the dose, then a fall: measure AT again.
            at_step.record(
                cx,
                StepStatus::NeedsData,
                "responded after AT, now below again: re-measure AT",
            );
            let mut rec = Recommendation::new(Action::Measure, "antithrombin");
            rec.rationale.push(say!(cx, "the {} rose into range after antithrombin at {} and has fallen again: re-measure AT before the next step", monitor.name(), first.time));
            rec.cite(cx.p.monitoring.at_interval_while_resistant_h.source.clone());
            cx.due("antithrombin", Due::Now, "falling response after supplementation");
            return rec;
        }
        // No monitoring result after the dose yet.
        if let Some(l) = level {
            let expected = l.value + since.iter().map(|d| rise(cx, d)).sum::<f64>();
            let low = at_rules.plasma_derived.maintenance_range_percent.low;
            if expected < low {
                cx.finding(
                    FindingCode::AntithrombinDeficiency,
                    say!(
                        cx,
                        "antithrombin {}% at {}; the dose given is expected to reach only ≈ {}%",
                        num(l.value, 0),
                        l.time,
                        num(expected, 0)
                    ),
                    at_source.clone(),
                );
                at_step.record(
                    cx,
                    StepStatus::Met,
                    say!(cx, "dose given falls short of {}%: supplement further", num(low, 0)),
                );
                return supplement(cx, h, l, &since, reasons_hr);
            }
            at_step.record(cx, StepStatus::Met, "AT given: wait for the next level");
            return await_after_dose(cx, first.time, monitor);
        }
        at_step.record(cx, StepStatus::NeedsData, "AT given without a level: measure");
        return await_after_dose(cx, first.time, monitor);
    }

    let Some(l) = level else {
        at_step
            .with_values(vec![say!(
                cx,
                "no antithrombin level in the last {} h",
                num(max_age, 0)
            )])
            .record(cx, StepStatus::NeedsData, "measure antithrombin");
        let mut rec = Recommendation::new(Action::Measure, "antithrombin");
        rec.rationale.extend(reasons_hr);
        rec.rationale.push(say!(
            cx,
            "true resistance suspected and antithrombin unknown: measure antithrombin activity"
        ));
        if monitor.lab == LabKind::Aptt {
            rec.rationale.push(say!(
                cx,
                "and measure anti-Xa: without it pseudo-resistance cannot be excluded"
            ));
        }
        rec.cite(at_source);
        cx.due("antithrombin", Due::Now, "heparin resistance suspected");
        return rec;
    };
    if l.value < severe {
        cx.finding(
            FindingCode::AntithrombinSevereDeficiency,
            say!(cx, "antithrombin {}% < {}%", num(l.value, 0), num(severe, 0)),
            at_rules.severe_below_percent.source.clone(),
        );
        at_step.record(cx, StepStatus::Met, "severe deficiency → DTI");
        let dose = plasma_derived_dose(
            pct(l.value),
            pct(at_rules.plasma_derived.target_percent),
            cx.weight,
            &at_rules.plasma_derived,
        );
        let mut why = reasons_hr;
        why.push(say!(
            cx,
            "antithrombin {}% at {} is below the severe threshold {}%",
            num(l.value, 0),
            l.time,
            num(severe, 0)
        ));
        let alt = vec![say!(
            cx,
            "antithrombin supplementation instead: {} ({})",
            round_to_vials(dose.dose, &at_rules.plasma_derived.vial_units).describe(),
            dose.formula()
        )];
        return switch_to_dti(cx, why, vec![at_source], alt);
    }
    if l.value < deficient {
        cx.finding(
            FindingCode::AntithrombinDeficiency,
            say!(cx, "antithrombin {}% < {}%", num(l.value, 0), num(deficient, 0)),
            at_rules.deficiency_below_percent.source.clone(),
        );
        at_step.record(cx, StepStatus::Met, "deficiency → supplement antithrombin");
        return supplement(cx, h, l, &[], reasons_hr);
    }
    at_step.record(
        cx,
        StepStatus::NotMet,
        "antithrombin normal → resistance is not antithrombin-mediated → DTI",
    );
    let mut why = reasons_hr;
    why.push(say!(
        cx,
        "antithrombin {}% ≥ {}%: supplementation would not help",
        num(l.value, 0),
        num(deficient, 0)
    ));
    switch_to_dti(cx, why, vec![at_source], Vec::new())
}

/// "20 min", "12 h".
fn minutes_text(minutes: f64) -> String {
    if minutes >= 60.0 {
        format!("{} h", num(minutes / 60.0, 1))
    } else {
        format!("{} min", num(minutes, 0))
    }
}

fn pct(v: f64) -> Percent {
    Percent::new(v.max(0.0)).unwrap_or(Percent::ZERO)
}

/// Expected AT rise (percentage points) from a dose at the product's label recovery.
fn rise(cx: &Cx<'_>, d: &AtDose) -> f64 {
    let recovery = if d.recombinant {
        cx.p.antithrombin.recombinant.load_divisor
    } else {
        cx.p.antithrombin.plasma_derived.recovery_percent_per_unit_per_kg
    };
    expected_rise_percent(Units::new(d.units).unwrap_or(Units::ZERO), cx.weight, recovery)
}

fn await_after_dose(cx: &mut Cx<'_>, dose_time: ClinicalTime, monitor: Monitor) -> Recommendation {
    let mut rec = Recommendation::new(Action::Measure, "antithrombin");
    rec.rationale.push(say!(
        cx,
        "antithrombin given at {dose_time}: measure its effect before the next step"
    ));
    for m in &cx.p.monitoring.at_recheck_after_dose_min.value.clone() {
        let t = dose_time.plus_minutes(m.round() as i64);
        let due = cx.due_at(t);
        cx.due("antithrombin", due, say!(cx, "{} after the dose", minutes_text(*m)));
    }
    let t = dose_time.plus_hours(cx.p.monitoring.ufh_recheck_h.value);
    let due = cx.due_at(t);
    cx.due(monitor.paired_test(), due, "response to antithrombin");
    rec.cite(cx.p.monitoring.at_recheck_after_dose_min.source.clone());
    rec
}

/// Antithrombin supplementation with the label formula, vial rounding and what was already given.
fn supplement(
    cx: &mut Cx<'_>,
    h: &HeparinExposure,
    level: Sample,
    given: &[AtDose],
    mut rationale: Vec<String>,
) -> Recommendation {
    let at = &cx.p.antithrombin;
    let pd = &at.plasma_derived;
    let baseline = pct(level.value);
    let full = plasma_derived_dose(baseline, pct(pd.target_percent), cx.weight, pd);
    rationale.push(say!(
        cx,
        "antithrombin {} at {} is below {}% (deficiency)",
        baseline,
        level.time,
        num(at.deficiency_below_percent.value, 0)
    ));
    rationale.push(say!(
        cx,
        "dose to {}% (label formula, divide by {}): {}",
        num(pd.target_percent, 0),
        num(pd.recovery_percent_per_unit_per_kg, 1),
        full.formula()
    ));
    let mut expected = level.value;
    if !given.is_empty() {
        let total: f64 = given.iter().map(|d| d.units).sum();
        let added: f64 = given.iter().map(|d| rise(cx, d)).sum();
        expected += added;
        rationale.push(say!(
            cx,
            "already given since the level: {} → expected AT ≈ {}% (+{} points at label recovery), short of the {}% lower bound",
            Units::new(total).unwrap_or(Units::ZERO),
            num(expected, 0),
            num(added, 1),
            num(pd.maintenance_range_percent.low, 0)
        ));
    }
    let still = plasma_derived_dose(pct(expected), pct(pd.target_percent), cx.weight, pd);
    let rounded = round_to_vials(still.dose, &pd.vial_units);
    if !given.is_empty() {
        rationale.push(say!(cx, "still to give: {} ({})", rounded.describe(), still.formula()));
    } else {
        rationale.push(say!(cx, "give {}", rounded.describe()));
    }
    let load = plasma_derived_dose(baseline, pct(pd.load_target_percent), cx.weight, pd);
    rationale.push(say!(
        cx,
        "label load target {}%: {}; maintenance ≈ {}% of the load every 24 h ({})",
        num(pd.load_target_percent, 0),
        load.dose,
        num(pd.maintenance_fraction_per_24h * 100.0, 0),
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
            .map(|v| num(*v, 0).to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    rec.target = say!(
        cx,
        "antithrombin {}% (maintain {}–{}%)",
        num(pd.target_percent, 0),
        num(pd.maintenance_range_percent.low, 0),
        num(pd.maintenance_range_percent.high, 0)
    );
    rec.rationale = rationale;
    rec.cite(pd.source.clone());
    rec.cite(at.deficiency_below_percent.source.clone());
    let rc = recombinant_dose(baseline, cx.weight, cx.case.patient.pregnant, &at.recombinant);
    rec.alternatives.push(say!(
        cx,
        "{} (never use the plasma-derived divisor for it): {}",
        at.recombinant.product,
        rc.formula()
    ));
    let (lo, hi) = (
        at.plasma.dose_ml_per_kg.low * cx.weight.value(),
        at.plasma.dose_ml_per_kg.high * cx.weight.value(),
    );
    rec.alternatives.push(say!(
        cx,
        "fresh frozen plasma {}–{} mL/kg = {}–{} mL ≈ {}–{} units antithrombin (weaker; {})",
        num(at.plasma.dose_ml_per_kg.low, 0),
        num(at.plasma.dose_ml_per_kg.high, 0),
        num(lo, 0),
        num(hi, 0),
        num(lo * at.plasma.at_units_per_ml, 0),
        num(hi * at.plasma.at_units_per_ml, 0),
        at.plasma.source
    ));
    let choice = dti::choose_dti(&cx.case.patient, cx.p);
    rec.alternatives.push(say!(
        cx,
        "switch to {} if the target is still not reached after supplementation",
        choice.drug.name()
    ));
    rec.caveats.push(at.caveat.value.clone());
    if cx.case.patient.setting.is_ecmo() {
        let obs = pd.ecmo_observed_recovery_percent_per_unit_per_kg.value;
        rec.caveats.push(say!(
            cx,
            "on ECMO the observed rise was ≈ {}% per units/kg (a third of label): {} may raise AT only ≈ {} points ({})",
            num(obs, 2),
            rounded.rounded,
            num(expected_rise_percent(rounded.rounded, cx.weight, obs), 0),
            pd.ecmo_observed_recovery_percent_per_unit_per_kg.source
        ));
    }
    for m in &cx.p.monitoring.at_recheck_after_dose_min.value.clone() {
        cx.due(
            "antithrombin",
            Due::At(cx.as_of.plus_minutes(m.round() as i64)),
            say!(cx, "{} after the dose", minutes_text(*m)),
        );
    }
    cx.due(
        "anti-Xa (with a paired aPTT)",
        Due::At(cx.as_of.plus_hours(cx.p.monitoring.ufh_recheck_h.value)),
        "response to antithrombin",
    );
    rec
}

/// Switch from heparin to the chosen DTI.
pub(super) fn switch_to_dti(
    cx: &mut Cx<'_>,
    reasons: Vec<String>,
    sources: Vec<Source>,
    alternatives: Vec<String>,
) -> Recommendation {
    let choice: DtiChoice = dti::choose_dti(&cx.case.patient, cx.p);
    switch_to(cx, choice, reasons, sources, alternatives, DtiDosing::IcuStart)
}

/// How much of the DTI start a switch gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DtiDosing {
    /// The protocol's ICU start: rate, pump rate, aPTT target and their reasoning.
    IcuStart,
    /// The drug only (bypass: the sources give no regimen; the ICU doses do not apply).
    DrugOnly,
}

pub(super) fn switch_to(
    cx: &mut Cx<'_>,
    choice: DtiChoice,
    reasons: Vec<String>,
    sources: Vec<Source>,
    alternatives: Vec<String>,
    dosing: DtiDosing,
) -> Recommendation {
    let start = dti::start(choice.drug, &cx.case.patient, cx.p);
    let action = match choice.drug {
        DtiDrug::Argatroban => Action::SwitchToArgatroban,
        DtiDrug::Bivalirudin => Action::SwitchToBivalirudin,
    };
    let icu = dosing == DtiDosing::IcuStart;
    let mut rec = Recommendation::new(action, choice.drug.name());
    rec.rationale = reasons;
    rec.rationale.extend(choice.reasons.iter().cloned());
    if icu {
        rec.rate = Some(start.rate);
        rec.pump_ml_per_h = start.pump;
        rec.concentration = start.concentration.clone();
        rec.target = start.target.as_ref().map_or_else(
            || "set once a baseline aPTT is known".to_owned(),
            dti::ApttTarget::describe,
        );
        rec.rationale.extend(start.rationale.iter().cloned());
    }
    let running = cx.tl.ufh_rate(cx.as_of);
    match running {
        Some(u) => rec.rationale.push(say!(
            cx,
            "stop the heparin infusion ({} = {}) and start {} at once (on ECMO: no gap)",
            u.per_kg(cx.weight),
            u,
            choice.drug.name()
        )),
        None if icu => rec
            .rationale
            .push(say!(cx, "start {} (no heparin infusion running)", choice.drug.name())),
        None => {}
    }
    if icu && cx.case.patient.baseline_aptt.is_none() {
        rec.rationale.push(say!(cx, "draw a baseline aPTT before starting"));
    }
    let start_sources = if icu { start.sources.as_slice() } else { &[] };
    for s in sources
        .into_iter()
        .chain(choice.sources.iter().cloned())
        .chain(start_sources.iter().cloned())
    {
        rec.cite(s);
    }
    rec.alternatives = alternatives;
    rec.alternatives.push(choice.alternative.clone());
    if icu {
        rec.caveats.extend(choice.caveats.iter().cloned());
        rec.caveats.extend(start.warnings.iter().cloned());
        if cx.case.patient.heparin_coated_circuit {
            rec.caveats.push(say!(
                cx,
                "heparin-coated circuit: keep it under the DTI unless HIT is confirmed (CMAJ 2019)"
            ));
        }
        let recheck = cx.p.monitoring.dti_recheck_h.value;
        cx.due(
            "aPTT",
            Due::At(cx.as_of.plus_hours(recheck)),
            say!(cx, "{} h after starting {}", num(recheck, 0), choice.drug.name()),
        );
    }
    rec
}

/// On a DTI: titrate by the protocol table once the aPTT is at steady state.
fn dti_titration(cx: &mut Cx<'_>, agent: Agent) -> Recommendation {
    let recheck = cx.p.monitoring.dti_recheck_h.value;
    let change = cx.tl.last_rate_change(agent, cx.as_of).unwrap_or(cx.as_of);
    let weight = cx.weight;
    let drug = agent.name();
    let latest = cx.tl.latest(LabKind::Aptt, cx.as_of);
    let usable = latest.filter(|s| s.time.hours_since(change) >= recheck);
    let Some(aptt) = usable else {
        let mut rec = Recommendation::new(Action::Measure, drug);
        let due = cx.due_at(change.plus_hours(recheck));
        rec.rationale.push(say!(
            cx,
            "{drug} started or changed at {change}: the aPTT is meaningful {} h later",
            num(recheck, 0)
        ));
        rec.cite(cx.p.monitoring.dti_recheck_h.source.clone());
        cx.due("aPTT", due, say!(cx, "{} h after the {drug} change", num(recheck, 0)));
        return rec;
    };
    let max_age = cx.p.monitoring.lab_max_age_h.value;
    if cx.age_h(aptt) > max_age {
        let mut rec = Recommendation::new(Action::Measure, drug);
        rec.rationale.push(say!(
            cx,
            "latest aPTT ({}) is older than {} h",
            aptt.time,
            num(max_age, 0)
        ));
        cx.due("aPTT", Due::Now, "stale");
        return rec;
    }
    let aptt_s = crate::model::Seconds::new(aptt.value).unwrap_or(crate::model::Seconds::ZERO);
    let baseline = cx.case.patient.baseline_aptt;
    let (titration, target, concentration, source, adjust) = match agent {
        Agent::Argatroban => {
            let Some(current) = cx.tl.argatroban_rate(cx.as_of) else {
                return Recommendation::new(Action::Measure, drug);
            };
            (
                dti::titrate_argatroban(cx.p, aptt_s, current),
                dti::argatroban_target(cx.p, baseline),
                cx.p.argatroban.concentration_label.clone(),
                cx.p.argatroban.titration_source.clone(),
                Action::AdjustArgatroban,
            )
        }
        _ => {
            let Some(current) = cx.tl.bivalirudin_rate(cx.as_of) else {
                return Recommendation::new(Action::Measure, drug);
            };
            let Some(base) = baseline else {
                let mut rec = Recommendation::new(Action::Measure, drug);
                rec.rationale.push(say!(
                    cx,
                    "bivalirudin is titrated on the aPTT ratio to baseline: enter the baseline aPTT"
                ));
                return rec;
            };
            (
                dti::titrate_bivalirudin(cx.p, aptt.value / base.value(), current),
                dti::bivalirudin_target(cx.p, baseline),
                cx.p.bivalirudin.concentration_label.clone(),
                cx.p.bivalirudin.titration_source.clone(),
                Action::AdjustBivalirudin,
            )
        }
    };
    let Some(t) = titration else {
        return Recommendation::new(Action::Measure, drug);
    };
    let mut rec = Recommendation::new(Action::Continue, drug);
    rec.concentration = concentration.clone();
    rec.target = target.as_ref().map_or_else(
        || "set once a baseline aPTT is known".to_owned(),
        dti::ApttTarget::describe,
    );
    rec.rationale
        .push(say!(cx, "aPTT {} at {}: {}", aptt_s, aptt.time, t.row_text));
    rec.cite(source);
    let conc = match agent {
        Agent::Argatroban => cx.p.argatroban.concentration_mg_per_ml.value,
        _ => cx.p.bivalirudin.concentration_mg_per_ml.value,
    };
    let conc = crate::model::MgPerMl::new(conc).unwrap_or(crate::model::MgPerMl::ZERO);
    let pump = |rate: Rate| match agent {
        Agent::Argatroban => crate::model::McgPerKgPerMin::new(rate.value)
            .ok()
            .and_then(|r| r.pump_rate(weight, conc)),
        _ => crate::model::MgPerKgPerHour::new(rate.value)
            .ok()
            .and_then(|r| r.pump_rate(weight, conc)),
    };
    rec.rate = Some(t.new_rate);
    rec.rate_change = Some(t.change);
    rec.pump_ml_per_h = pump(t.new_rate);
    if t.capped_at_max {
        rec.caveats.push(say!(
            cx,
            "capped at the maximum {} (hard limit)",
            crate::model::McgPerKgPerMin::new(cx.p.argatroban.max_mcg_per_kg_per_min.value)
                .unwrap_or(crate::model::McgPerKgPerMin::ZERO)
        ));
        rec.cite(cx.p.argatroban.max_mcg_per_kg_per_min.source.clone());
    }
    if agent == Agent::Bivalirudin && !cx.p.bivalirudin.titration_validated {
        rec.caveats.push(say!(
            cx,
            "bivalirudin titration table: institutional example, not validated"
        ));
    }
    if t.change.value != 0.0 || t.hold_min > 0.0 || t.stop_and_call {
        rec.action = adjust;
        rec.hold_minutes = (t.hold_min > 0.0).then_some(t.hold_min);
        rec.rationale.push(say!(
            cx,
            "new rate {} ({}), pump {} at {}",
            t.new_rate,
            t.change.signed(),
            rec.pump_ml_per_h.map_or("–".to_owned(), |p| p.to_string()),
            concentration
        ));
        if t.stop_and_call {
            rec.caveats.push(say!(cx, "stop the infusion and call the physician"));
        }
        cx.due(
            "aPTT",
            Due::At(cx.as_of.plus_hours(recheck + t.hold_min / 60.0)),
            say!(cx, "{} h after the change", num(recheck, 0)),
        );
    } else {
        rec.rationale.push(say!(
            cx,
            "continue {} = {}",
            t.new_rate,
            rec.pump_ml_per_h.map_or("–".to_owned(), |p| p.to_string())
        ));
        cx.due(
            "aPTT",
            Due::At(
                aptt.time
                    .plus_hours(cx.p.monitoring.daily_interval_h.value)
                    .max(cx.as_of),
            ),
            "in range: daily",
        );
    }
    rec
}
