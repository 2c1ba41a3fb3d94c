//! The handover sheet (issue 15), as content: what the printed page says, in order, as plain blocks of
//! text and tables. The PDF writer (`crate::present::pdf`, with the app) only lays them out. Everything here is
//! read from the analysis and the protocol; nothing is computed that the card does not compute, except
//! the contingency table — the protocol's own table applied to the running (or newly set) rate.

use crate::analysis::pairing::Control;
use crate::analysis::targets::{active_drug, heparin_by_anti_xa_now};
use crate::analysis::{Analysis, FindingCode, Timeline};
use crate::dosing::dti::{DtiTitration, dti_target, titrate_dti};
use crate::dosing::ufh::{band_text, nomogram_step};
use crate::dosing::{DoseRate, Rate};
use crate::model::Anticoagulant;
use crate::model::{Case, ClinicalTime, EventKind, Kilograms, Population, Seconds, UnitsPerKgPerHour};
use crate::protocol::{Nomogram, Protocol};

use super::report::danger_lines;

/// One block of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Text(String),
    /// Set in bold: the action, the dose.
    Strong(String),
    /// A danger banner line (`grave`: HIT, coagulopathy).
    Danger {
        text: String,
        grave: bool,
    },
    Table {
        caption: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Set small, so that many rows fit a page (the unit handover's first page, issue 31).
        compact: bool,
    },
    /// A line to sign on.
    Signature(String),
}

/// The sheet: the identifier for every page's header, the footer facts, the blocks in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    /// What every page's header names: "Patient" (a unit's summary page: "Unit", issue 31).
    pub subject: &'static str,
    /// "Jane Doe · MRN 123 · bed 4 — the case title" (the case title alone without identifiers).
    pub patient_line: String,
    /// "anticoag-planner 0.1.0 · as of … · printed … by …".
    pub footer: String,
    pub blocks: Vec<Block>,
}

/// Who prints, when, with which build.
#[derive(Debug, Clone)]
pub struct Printing<'a> {
    pub at: ClinicalTime,
    pub by: &'a str,
    pub app_version: &'a str,
    /// "UNAPPROVED PROTOCOL: …" lines (issue 26), printed first among the warnings.
    pub marks: &'a [String],
}

/// The file name the Print dialog proposes (issue 29: it proposed none): "handover-", the patient's label
/// (identifiers, else the case title) and the as-of date, ".pdf". Path separators, characters a file
/// name refuses on any desktop, and white space become "-"; runs of "-" are one; at most 80 characters.
#[must_use]
pub fn proposed_file_name(label: &str, as_of: ClinicalTime) -> String {
    const REFUSED: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];
    let mut name = String::new();
    for c in label.chars() {
        let c = if c.is_control() || c.is_whitespace() || REFUSED.contains(&c) || c == '·' || c == '—' {
            '-'
        } else {
            c
        };
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    let name: String = name.trim_matches(|c| c == '-' || c == '.').chars().take(80).collect();
    let date = as_of.with_offset().chars().take(10).collect::<String>();
    if name.is_empty() {
        format!("handover-{date}.pdf")
    } else {
        format!("handover-{}-{date}.pdf", name.trim_end_matches('-'))
    }
}

/// At most this many lab and dose lines of the last 24 h; the rest are counted ("n more in the app").
pub const MAX_RECENT_LINES: usize = 30;

/// Why no handover is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandoverRefused {
    #[error("the advice is paused ({0}): fix the patient field first; no handover while the advice is paused")]
    AdvicePaused(String),
}

/// The handover of `case` at the analysis time. `paused`: the patient field that pauses the advice.
///
/// # Errors
/// No handover while the advice is paused (decisions.md).
pub fn handover(
    case: &Case,
    tl: &Timeline,
    protocol: &Protocol,
    analysis: &Analysis,
    patient_line: &str,
    paused: Option<&str>,
    printing: &Printing<'_>,
) -> Result<Handover, HandoverRefused> {
    if let Some(field) = paused {
        return Err(HandoverRefused::AdvicePaused(field.to_owned()));
    }
    let a = analysis;
    let r = &a.recommendation;
    let mut blocks = vec![
        Block::Heading("Anticoagulation handover".to_owned()),
        Block::Text("Decision support, not an order: check every line against the patient before acting.".to_owned()),
        Block::Text(format!(
            "Weight {} · heparin dosing weight {} ({}) · DTI dosing weight {} · {} · {}",
            a.patient.weight_kg,
            a.patient.dosing_weight_kg,
            a.patient.dosing_weight_basis.label(),
            a.patient.dti_dosing_weight_kg,
            a.setting.label(),
            a.patient.age_group.code()
        )),
        Block::Text(facts_line(&a.patient.facts, case.case_start)),
        Block::Text(format!(
            "Protocol {} version {} ({}) · SHA-256 {}",
            protocol.name,
            protocol.version,
            protocol.title,
            protocol.sha256()
        )),
    ];
    if let Some(past) = a.past_state {
        blocks.push(Block::Danger {
            text: past.band(a.as_of),
            grave: false,
        });
    }
    blocks.extend(printing.marks.iter().map(|m| Block::Danger {
        text: m.clone(),
        grave: true,
    }));
    if let Some(paused) = &a.advice_paused {
        blocks.push(Block::Danger {
            text: format!("ADVICE PAUSED: {} (entry at {})", paused.reason, paused.event_time),
            grave: true,
        });
    }
    blocks.extend(danger_lines(a).into_iter().map(|d| Block::Danger {
        text: d.text,
        grave: d.grave,
    }));
    blocks.push(Block::Heading("Recommendation".to_owned()));
    blocks.push(Block::Strong(r.headline_at(a.as_of)));
    if r.call_senior {
        blocks.push(Block::Text("! call the senior clinician".to_owned()));
    }
    blocks.extend(dose_lines(a).into_iter().map(Block::Text));
    if !r.target.is_empty() {
        blocks.push(Block::Text(format!("Target: {}", r.target)));
    }
    blocks.extend(r.rationale.iter().map(|l| Block::Text(format!("· {l}"))));
    blocks.extend(bypass_block(a));
    blocks.extend(contingency(case, tl, protocol, a));
    blocks.extend(recent_events(case, a.as_of));
    blocks.extend(hit_section(case, a));
    blocks.push(Block::Heading("Next labs due".to_owned()));
    blocks.extend(
        a.monitoring
            .iter()
            .map(|m| Block::Text(format!("{} — {} ({})", m.test, m.due, m.reason))),
    );
    if !r.caveats.is_empty() {
        blocks.push(Block::Heading("Caveats".to_owned()));
        blocks.extend(r.caveats.iter().map(|c| Block::Text(format!("! {c}"))));
    }
    blocks.push(Block::Heading("Sources".to_owned()));
    blocks.extend(r.sources.iter().map(|s| Block::Text(s.to_string())));
    blocks.push(Block::Heading("Checked and signed".to_owned()));
    blocks.push(Block::Signature("Prescriber (name, signature)".to_owned()));
    blocks.push(Block::Signature("Second checker (name, signature)".to_owned()));
    // Times for people (issue 29): every block's text, once, at the edge.
    let people = |text: &str| crate::present::people::people_times(text, a.as_of);
    for block in &mut blocks {
        match block {
            Block::Heading(t)
            | Block::Text(t)
            | Block::Strong(t)
            | Block::Signature(t)
            | Block::Danger { text: t, .. } => {
                *t = people(t);
            }
            Block::Table {
                caption, header, rows, ..
            } => {
                *caption = people(caption);
                for cell in header.iter_mut().chain(rows.iter_mut().flatten()) {
                    *cell = people(cell);
                }
            }
        }
    }
    Ok(Handover {
        subject: "Patient",
        patient_line: patient_line.to_owned(),
        footer: format!(
            "anticoag-planner {} · as of {} · printed {} by {}{}",
            printing.app_version,
            a.as_of.dated_for_people(),
            printing.at.in_zone(case.time_zone).dated_for_people(),
            printing.by,
            // Named when the printing workstation's clock is another zone's.
            if printing.at.zone() == case.time_zone {
                String::new()
            } else {
                format!(" · times are wall-clock times of {}", case.time_zone)
            }
        ),
        blocks,
    })
}

/// The perfusionist's numbers on bypass (issue 29: the PDF lacked what Copy plan had): the heparin given
/// for bypass per kg, the ACTs and their target, the dose-response slope, the additional heparin to the
/// target and the protamine estimate with its cautions. Nothing outside bypass.
fn bypass_block(a: &Analysis) -> Vec<Block> {
    let Some(c) = &a.cpb else { return Vec::new() };
    let dash = || "–".to_owned();
    let seconds = |v: Option<crate::model::Seconds>| v.map_or_else(dash, |s| s.to_string());
    let since = c
        .bypass_heparin_from
        .map_or(String::new(), |t| format!(" (from the bolus at {t})"));
    let additional = match (c.additional_units_to_target, c.additional_units_per_kg_to_target) {
        (Some(u), Some(per_kg)) => format!("{u} ({per_kg})"),
        (Some(u), None) => u.to_string(),
        _ => "– (needs a baseline ACT and an ACT after heparin)".to_owned(),
    };
    let mut blocks = vec![
        Block::Heading("Bypass".to_owned()),
        Block::Text(format!("Heparin for bypass: {}{since}", c.cumulative_units_per_kg)),
        Block::Text(format!(
            "ACT: baseline {} · now {} · target {}",
            seconds(c.baseline_act_s),
            seconds(c.current_act_s),
            seconds(c.target_act_s)
        )),
        Block::Text(format!(
            "Heparin dose-response slope: {}",
            c.hdr_slope_s_per_unit_per_kg.map_or_else(dash, |v| v.to_string())
        )),
        Block::Strong(format!("Additional heparin to the target ACT: {additional}")),
        Block::Strong(format!(
            "Protamine estimate: {}{}",
            c.protamine_mg.map_or_else(dash, |m| m.to_string()),
            c.protamine_basis.as_ref().map_or(String::new(), |b| format!(" ({b})"))
        )),
    ];
    blocks.extend(
        c.protamine_cautions
            .iter()
            .map(|w| Block::Text(format!("! protamine: {w}"))),
    );
    blocks
}

/// Drug, concentration and the dose in every unit the pump and the chart need.
fn dose_lines(a: &Analysis) -> Vec<String> {
    let r = &a.recommendation;
    let mut out = vec![format!("Drug: {} · {}", r.drug, r.concentration)];
    if let Some(rate) = r.rate {
        let pump = r.pump_ml_per_h.map_or(String::new(), |p| format!(" = {p}"));
        let per_hour = rate
            .heparin()
            .map(|u| format!(" = {}", u.for_weight(a.patient.dosing_weight_kg)))
            .unwrap_or_default();
        out.push(format!("Rate: {rate}{per_hour}{pump}"));
    }
    if let Some(b) = r.bolus_units {
        out.push(format!("Bolus: {b}"));
    }
    if let Some(d) = r.dose_units {
        out.push(format!("Dose: {d}"));
    }
    if let Some(h) = r.hold_minutes {
        out.push(format!(
            "Hold: {} min{}",
            h.shown(),
            r.after_hold
                .as_deref()
                .map(|t| format!(", then {t}"))
                .unwrap_or_default()
        ));
    }
    out
}

/// The contingency table for the next result: what each band of the running anticoagulant's table does
/// to the rate set now, in mL/h. None for a non-adult (no dose from an adult protocol, decisions.md), and
/// none when nothing runs and nothing is started.
fn contingency(case: &Case, tl: &Timeline, protocol: &Protocol, a: &Analysis) -> Vec<Block> {
    // Under a revision-3 restriction (clinical reference §14.2–§14.4) the next step is the senior's, not a
    // table's: the table would offer the boluses and increases the card withholds.
    let restricted = a.recommendation.call_senior
        || a.advice_paused.is_some()
        || a.danger.iter().any(|d| {
            matches!(
                d.kind(),
                "overlapping_infusions" | "protamine_while_running" | "low_platelets"
            )
        })
        || a.recommendation
            .caveats
            .iter()
            .any(|c| c.starts_with("post-operative window"));
    if restricted {
        return vec![
            Block::Heading("Contingency for the next result".to_owned()),
            Block::Text(
                "withheld: the advice is restricted (a call to the senior, low platelets, an infusion not charted as stopped, the post-operative window or a paused entry) — decide the next step with the senior, not from a table".to_owned(),
            ),
        ];
    }
    if !Population::ADULTS.covers(a.patient.age_group) || !protocol.population.covers(a.patient.age_group) {
        return vec![Block::Text(
            "No contingency table: no dose from an adult protocol for this patient (decisions.md)".to_owned(),
        )];
    }
    // The drug the next result is about: the one a switch starts, else the active one.
    let action = a.recommendation.action;
    let agent = if action.is_switch() {
        action.drug()
    } else {
        active_drug(tl, a.as_of, action)
    };
    match agent {
        Some(agent) if agent.is_dti() => dti_contingency(case, tl, protocol, a, agent),
        Some(_) => heparin_contingency(case, tl, protocol, a),
        None => Vec::new(),
    }
}

fn heparin_contingency(case: &Case, tl: &Timeline, protocol: &Protocol, a: &Analysis) -> Vec<Block> {
    let ufh = &protocol.ufh;
    // The rate the next result will meet: the one set now, else the running one.
    let set_now = a.recommendation.heparin_rate();
    let Some(rate) = set_now.or(a.heparin.current_rate_units_per_kg_per_h) else {
        return Vec::new();
    };
    let by_anti_xa = heparin_by_anti_xa_now(protocol, tl, a.as_of);
    let (nomogram, caption) = if by_anti_xa {
        (
            &ufh.anti_xa_nomogram,
            format!("If the next anti-Xa is… ({}; from {rate})", ufh.anti_xa_nomogram.name),
        )
    } else {
        let control = Control::of(protocol, case.patient.baseline_aptt);
        (
            &ufh.aptt_nomogram,
            format!(
                "If the next aPTT is… ({}; ratios to {}; from {rate})",
                ufh.aptt_nomogram.name,
                control.describe()
            ),
        )
    };
    // High bleeding risk (the flag, or platelets, fibrinogen or INR past the protocol's thresholds): no
    // heparin bolus outside bypass (clinical reference §5, UK ECMO prerequisites), as the card.
    // The flag in effect at the handover's time (a row from a time on may have set it), not the case start's.
    let bleeding = a.patient.facts.high_bleeding_risk.value || a.has_finding(FindingCode::HighBleedingRiskByLabs);
    let control_s = (!by_anti_xa).then(|| Control::of(protocol, case.patient.baseline_aptt).seconds.value());
    let rows = nomogram_rows(
        protocol,
        nomogram,
        rate,
        a.patient.dosing_weight_kg,
        bleeding,
        control_s,
    );
    vec![
        Block::Heading("Contingency for the next result".to_owned()),
        Block::Table {
            compact: false,
            caption,
            header: ["Result", "Bolus", "Hold", "New rate", "Pump"]
                .map(str::to_owned)
                .to_vec(),
            rows,
        },
    ]
}

/// Each row of a heparin table applied to `rate`.
fn nomogram_rows(
    protocol: &Protocol,
    nomogram: &Nomogram,
    rate: UnitsPerKgPerHour,
    weight: Kilograms,
    no_bolus: bool,
    control_s: Option<f64>,
) -> Vec<Vec<String>> {
    nomogram
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            // A value inside the row (its lower edge is exclusive below the target row).
            let value = row.to.map_or(row.from + 0.05, |to| (row.from + to) / 2.0);
            let step = nomogram_step(protocol, nomogram, value, rate, weight)?;
            let bolus = match &step.bolus {
                Some(_) if no_bolus => "none (high bleeding risk)".to_owned(),
                Some(b) => b.given.to_string(),
                None => "none".to_owned(),
            };
            let hold = if step.hold_min.value() > 0.0 {
                format!("{} min", step.hold_min.shown())
            } else {
                "none".to_owned()
            };
            // An aPTT ratio band also in seconds for this patient's control.
            let seconds = control_s.map_or(String::new(), |c| match row.to {
                Some(to) => format!(
                    " ({}–{} s)",
                    crate::model::num(row.from * c, 0),
                    crate::model::num(to * c, 0)
                ),
                None => format!(" (> {} s)", crate::model::num(row.from * c, 0)),
            });
            Some(vec![
                format!("{}{seconds}", band_text(nomogram, i, row)),
                bolus,
                hold,
                format!("{} = {}", step.new_rate, step.new_rate_per_hour),
                step.pump.to_string(),
            ])
        })
        .collect()
}

fn dti_contingency(case: &Case, tl: &Timeline, protocol: &Protocol, a: &Analysis, agent: Anticoagulant) -> Vec<Block> {
    let Some(baseline) = case.patient.baseline_aptt else {
        return vec![Block::Text(
            "No DTI contingency table: the target is a multiple of the baseline aPTT, which is not entered".to_owned(),
        )];
    };
    let Some(target) = agent
        .as_dti()
        .and_then(|drug| dti_target(protocol, drug, Some(baseline)))
    else {
        return Vec::new();
    };
    // The rate the next result will meet, of this drug: the one started or set now, else the running one.
    let of_agent = |r: DoseRate| (r.drug() == agent).then_some(r);
    let set_now = a.recommendation.rate.and_then(of_agent);
    let running = tl.running(a.as_of).and_then(|s| s.rate.dti_rate()).and_then(of_agent);
    let Some(current) = set_now.or(running) else {
        return Vec::new();
    };
    let rows = dti_rows(protocol, current, &target, baseline, a.patient.dti_dosing_weight_kg);
    let (name, unit) = (agent.name(), current.unit().symbol());
    vec![
        Block::Heading("Contingency for the next result".to_owned()),
        Block::Table {
            compact: false,
            caption: format!(
                "If the next aPTT is… ({name}; target {}; from {} {unit})",
                target.describe(),
                crate::model::num(current.value(), 2)
            ),
            header: ["aPTT", "Action", "New rate", "Pump"].map(str::to_owned).to_vec(),
            rows,
        },
    ]
}

/// The DTI titration applied to every whole-second aPTT from 10 to 250 s, grouped into its bands:
/// each band's range, what to do and the new rate with its pump rate. Read from the engine's own
/// titration, so the table cannot disagree with the card.
fn dti_rows(
    protocol: &Protocol,
    current: DoseRate,
    target: &crate::dosing::dti::ApttTarget,
    baseline: Seconds,
    weight: Kilograms,
) -> Vec<Vec<String>> {
    // Sampled every 0.1 s, the precision an aPTT is entered to: a band's edges are where the table
    // changes (the review: whole seconds wrote "≤ 37 s" and "38–43 s", and 37.5 fitted neither).
    let mut bands: Vec<(f64, f64, DtiTitration)> = Vec::new();
    for tenths in 100..=2500_u32 {
        let s = f64::from(tenths) / 10.0;
        let Ok(aptt) = Seconds::new(s) else { continue };
        let Some(t) = titrate_dti(protocol, aptt, current, target, baseline) else {
            return Vec::new();
        };
        match bands.last_mut() {
            Some((_, hi, last)) if last.band == t.band => *hi = s,
            _ => bands.push((s, s, t)),
        }
    }
    let pump = |rate: Option<DoseRate>| -> String {
        let Some(r) = rate else { return "—".to_owned() };
        let ml = r
            .drug()
            .as_dti()
            .and_then(|drug| r.dti_pump_rate(weight, crate::dosing::dti::section(protocol, drug).concentration));
        ml.map_or("—".to_owned(), |m| m.to_string())
    };
    let last = bands.len().saturating_sub(1);
    bands
        .iter()
        .enumerate()
        .map(|(i, (lo, hi, t))| {
            let (lo, hi) = (crate::model::num(*lo, 1), crate::model::num(*hi, 1));
            let range = match i {
                0 => format!("≤ {hi} s"),
                i if i == last => format!("≥ {lo} s"),
                _ => format!("{lo}–{hi} s"),
            };
            let action = if t.stop_and_call {
                let restart = t
                    .restart_rate
                    .map(|r| format!("; restart at {r} once below the upper bound"))
                    .unwrap_or_default();
                format!("stop and call{restart}")
            } else if t.hold_min.value() > 0.0 {
                format!(
                    "hold {} min, then {}",
                    t.hold_min.shown(),
                    t.change.map_or("no change".to_owned(), Rate::signed)
                )
            } else {
                t.change
                    .filter(|c| c.value != 0.0)
                    .map_or("no change".to_owned(), Rate::signed)
            };
            let shown = if t.stop_and_call { t.restart_rate } else { t.new_rate };
            vec![
                range,
                action,
                shown.map_or("stopped".to_owned(), |r| r.to_string()),
                pump(shown),
            ]
        })
        .collect()
}

/// The HIT section (clinical reference §14.1): the status over time, the entered history, the 4Ts with its
/// date, and the assay results — whatever drug runs, so a DTI patient's handover says why heparin is barred.
fn hit_section(case: &Case, a: &Analysis) -> Vec<Block> {
    let mut out = vec![Block::Heading("HIT".to_owned())];
    out.push(Block::Text(format!(
        "Status: {} · history: {}",
        a.hit_status.code(),
        case.patient.hit_history.label()
    )));
    out.push(Block::Text(a.hit_4ts.as_ref().map_or_else(
        || "4Ts: not scored at this time (needs heparin exposure and two platelet counts)".to_owned(),
        |f| {
            let band = f
                .band
                .map(|b| format!(" ({} probability)", b.label()))
                .unwrap_or_default();
            // What made the 4Ts worth scoring, not a verdict (the review read "low … — suspected by" as a
            // contradiction; "HIT not in question" beside a score, too).
            let why = f.suspected_by.as_ref().map_or_else(
                || " — scored without a trigger (no platelet fall or thrombosis entered)".to_owned(),
                |s| format!(" — scored because {s}"),
            );
            format!("4Ts {} of 8{band} as of {}{why}", f.score_text(), a.as_of)
        },
    )));
    let assays: Vec<String> = case
        .events
        .iter()
        .filter(|e| e.time <= a.as_of)
        .filter(|e| matches!(e.kind, EventKind::HitImmunoassay(_) | EventKind::HitFunctionalAssay(_)))
        .map(|e| {
            let note = e.note.as_deref().map_or(String::new(), |n| {
                format!(" ({})", crate::model::plain_text::escaped(n))
            });
            format!("{} {}{note}", e.time, e.kind.describe())
        })
        .collect();
    out.push(Block::Text(if assays.is_empty() {
        "Assays: none recorded".to_owned()
    } else {
        format!("Assays: {}", assays.join("; "))
    }));
    out
}

/// The facts in effect at the as-of time (clinical reference §14.8), each with since when when it changed
/// after the case start; their changes of the last 24 h are among the lines of that section.
fn facts_line(f: &crate::analysis::Facts, case_start: ClinicalTime) -> String {
    let since = |t: ClinicalTime| {
        if t == case_start {
            String::new()
        } else {
            format!(" (since {t})")
        }
    };
    let yes_no = |v: bool| if v { "yes" } else { "no" };
    let crcl = f.crcl_ml_per_min.value.map_or("not entered".to_owned(), |v| {
        format!("{} mL/min", crate::model::num(v, 0))
    });
    let creatinine = f.creatinine.as_ref().map_or("none".to_owned(), |c| {
        format!("{} mg/dL at {}", crate::model::num(c.value, 1), c.since)
    });
    format!(
        "Facts in effect: setting {}{} · RRT {}{} · CrCl {crcl}{} · hepatic impairment {}{} · high bleeding risk {}{} · bleeding {}{} · pregnancy {}{} · ECMO flow {}{} · creatinine {creatinine}",
        f.setting.value.label(),
        since(f.setting.since),
        crate::model::RrtWord::of(f.rrt.value).code(),
        since(f.rrt.since),
        since(f.crcl_ml_per_min.since),
        yes_no(f.hepatic_impairment.value),
        since(f.hepatic_impairment.since),
        yes_no(f.high_bleeding_risk.value),
        since(f.high_bleeding_risk.since),
        yes_no(f.bleeding.value),
        since(f.bleeding.since),
        yes_no(f.pregnancy.value),
        since(f.pregnancy.since),
        f.ecmo_flow.value.code(),
        since(f.ecmo_flow.since),
    )
}

/// Labs and doses of the 24 h before the as-of time, newest first, truncated.
fn recent_events(case: &Case, as_of: ClinicalTime) -> Vec<Block> {
    let from = as_of.plus_minutes(-24 * 60);
    let recent: Vec<String> = case
        .events
        .iter()
        .rev()
        .filter(|e| e.time > from && e.time <= as_of)
        .map(|e| format!("{}  {}", e.time, e.kind.describe()))
        .collect();
    let mut out = vec![Block::Heading("Labs, doses and facts, last 24 h".to_owned())];
    if recent.is_empty() {
        out.push(Block::Text("none in the last 24 h".to_owned()));
    }
    out.extend(recent.iter().take(MAX_RECENT_LINES).cloned().map(Block::Text));
    if recent.len() > MAX_RECENT_LINES {
        out.push(Block::Text(format!(
            "… {} more in the app",
            recent.len() - MAX_RECENT_LINES
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposed_file_name_has_no_separator_and_no_refused_character() {
        let at = ClinicalTime::constant(2026, 12, 5, 18, 40);
        assert_eq!(
            proposed_file_name("Jane Doe · MRN 123/45 · bed 4", at),
            "handover-Jane-Doe-MRN-123-45-bed-4-2026-12-05.pdf"
        );
        assert_eq!(
            proposed_file_name("a\\b:c*d?e\"f<g>h|i\nj", at),
            "handover-a-b-c-d-e-f-g-h-i-j-2026-12-05.pdf"
        );
        assert_eq!(proposed_file_name("../..", at), "handover-2026-12-05.pdf");
        assert_eq!(proposed_file_name("", at), "handover-2026-12-05.pdf");
    }
}
