//! Reports of an analysis: the JSON contract (`analyze --format json`) and a plain-text plan.

use crate::analysis::{Analysis, Recommendation};
use crate::model::num;

/// The JSON contract (see README): field names are stable.
///
/// # Errors
/// Serialisation cannot fail for these types in practice; the error is passed on rather than hidden.
pub fn to_json(analysis: &Analysis) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(analysis)
}

/// A replay as a JSON array of analyses.
///
/// # Errors
/// As [`to_json`].
pub fn replay_to_json(steps: &[Analysis]) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(steps)
}

/// Writes a replay as the same JSON array as [`replay_to_json`], each step as it is computed: a 90-day
/// course is 51 MB of JSON, and neither the text nor the 4,400 analyses need to be held at once.
///
/// # Errors
/// Writing fails (a closed pipe is an I/O error of kind `BrokenPipe`).
pub fn write_replay_json(
    steps: impl Iterator<Item = Analysis>,
    out: impl std::io::Write,
) -> Result<(), serde_json::Error> {
    /// The steps as a sequence serde can write once.
    struct Steps<I>(std::cell::RefCell<Option<I>>);
    impl<I: Iterator<Item = Analysis>> serde::Serialize for Steps<I> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self.0.borrow_mut().take() {
                Some(steps) => serializer.collect_seq(steps),
                None => serializer.collect_seq(std::iter::empty::<Analysis>()),
            }
        }
    }
    // A buffer of its own: serde writes millions of small pieces, and through a `dyn Write` each
    // would be a call that cannot be inlined.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut json = serde_json::Serializer::with_formatter(&mut buffered, super::json_pretty::Pretty::default());
    serde::Serialize::serialize(&Steps(std::cell::RefCell::new(Some(steps))), &mut json)?;
    std::io::Write::flush(&mut buffered).map_err(serde_json::Error::io)
}

/// The recommendation: headline, then what stops it being a dose (a hard limit, a call), then the
/// reasoning, alternatives, caveats and sources.
fn push_recommendation(out: &mut String, r: &Recommendation, as_of: crate::model::ClinicalTime) {
    out.push_str(&format!("RECOMMENDATION: {}\n", r.headline_at(as_of)));
    if let Some(x) = &r.exceeds_hard_limit {
        out.push_str(&format!(
            "  ! calculated {} {} exceeds the hard limit {} {}: no dose is shown; decide with a senior clinician\n",
            num(x.calculated, 3),
            x.unit,
            num(x.limit, 3),
            x.unit
        ));
    }
    if r.call_senior {
        out.push_str("  ! call the senior clinician\n");
    }
    if !r.concentration.is_empty() {
        out.push_str(&format!("  Concentration: {}\n", r.concentration));
    }
    if let Some(c) = r.rate_change {
        out.push_str(&format!("  Change: {}\n", c.signed()));
    }
    if !r.target.is_empty() {
        out.push_str(&format!("  Target: {}\n", r.target));
    }
    for line in &r.rationale {
        out.push_str(&format!("  - {line}\n"));
    }
    if !r.alternatives.is_empty() {
        out.push_str("  Alternatives considered:\n");
        for alt in &r.alternatives {
            out.push_str(&format!("    · {alt}\n"));
        }
    }
    if !r.caveats.is_empty() {
        out.push_str("  Caveats:\n");
        for c in &r.caveats {
            out.push_str(&format!("    ! {c}\n"));
        }
    }
    out.push_str("  Sources:\n");
    for s in &r.sources {
        out.push_str(&format!("    [{s}]\n"));
    }
}

/// One line of the danger banner: the window, Copy plan and the text report write the same words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DangerLine {
    /// Red in the window (HIT, coagulopathy, advice paused); amber otherwise.
    pub grave: bool,
    pub text: String,
}

/// The danger banner of an analysis, most severe first.
#[must_use]
pub fn danger_lines(a: &Analysis) -> Vec<DangerLine> {
    a.danger
        .iter()
        .map(|d| {
            let grave = d.level() == crate::analysis::danger::DangerLevel::Danger;
            DangerLine {
                grave,
                text: format!("{}: {}", if grave { "DANGER" } else { "CAUTION" }, d.label()),
            }
        })
        .collect()
}

/// The banner line the window shows above the danger list while a patient field is invalid.
#[must_use]
pub fn paused_line(field: &str) -> DangerLine {
    DangerLine {
        grave: true,
        text: format!("ADVICE PAUSED: {field} — no dose is shown until the field is valid and applied"),
    }
}

/// The HEPARIN line's "current": the charted rate, or "none" — unless heparin was never charted as stopped
/// when another anticoagulant started (clinical reference §14.2): then it may still run.
fn current_heparin_text(a: &Analysis) -> String {
    use crate::analysis::danger::Danger;
    if let Some(r) = a.heparin.current_rate_units_per_kg_per_h {
        return r.to_string();
    }
    let unstopped = a.danger.iter().find_map(|d| match d {
        Danger::OverlappingInfusions {
            earlier: "heparin",
            since,
            ..
        } => Some(*since),
        _ => None,
    });
    match unstopped {
        Some(since) => format!(
            "not charted as stopped (running since {since}): may still run, counted as stopped at the later infusion's start"
        ),
        None => "none".to_owned(),
    }
}

/// A plain-text plan a clinician can read, check and paste into notes.
#[must_use]
pub fn to_text(a: &Analysis) -> String {
    to_text_for(a, None)
}

/// The plan with the patient's identifier (the case title) on its own line, as Copy plan writes it.
#[must_use]
pub fn to_text_for(a: &Analysis, identifier: Option<&str>) -> String {
    crate::present::people::people_times(&text_with_iso_times(a, identifier), a.as_of)
}

/// [`to_text_for`] before its times are written for people: the engine's sentences with their ISO times
/// (what the pharmacists' scenarios quote; nothing shown to people uses it).
#[must_use]
pub fn text_with_iso_times(a: &Analysis, identifier: Option<&str>) -> String {
    let mut out = String::new();
    let r = &a.recommendation;
    out.push_str("anticoag-planner — decision support, not an order. Check every line against the patient.\n");
    if let Some(id) = identifier {
        out.push_str(&format!("Patient: {id}\n"));
    }
    out.push_str(&format!(
        "As of {} · setting {} · protocol {} v{}\n",
        a.as_of.dated_for_people(),
        a.setting.label(),
        a.protocol.name,
        a.protocol.version
    ));
    if let Some(past) = a.past_state {
        out.push_str(&format!("{}\n", past.band(a.as_of)));
    }
    out.push_str(&format!(
        "Weight {} · heparin dosing weight {}: {}\n\n",
        a.patient.weight_kg,
        a.patient.dosing_weight_kg,
        a.patient.dosing_weight_basis.label()
    ));
    let lines = danger_lines(a);
    for line in &lines {
        out.push_str(&format!("{}\n", line.text));
    }
    if !lines.is_empty() {
        out.push('\n');
    }
    push_recommendation(&mut out, r, a.as_of);
    let h = &a.heparin;
    out.push_str(&format!(
        "\nHEPARIN: {} in the last 24 h ({} of dosing weight); mean {} over 24 h; current {}\n",
        h.units_last_24h,
        h.units_per_kg_last_24h,
        h.mean_units_per_kg_per_h,
        current_heparin_text(a)
    ));
    out.push_str("\nFINDINGS:\n");
    if a.findings.is_empty() {
        out.push_str("  (none at this time)\n");
    }
    // In words: the code is the JSON's (issue 29: "sample_before_steady_state:" read as jargon).
    for f in &a.findings {
        out.push_str(&format!("  - {}\n", f.detail));
    }
    if let Some(t) = &a.hit_4ts {
        out.push_str(&format!(
            "\n4Ts: {}{} ({})\n",
            t.score_text(),
            t.band.map_or(String::new(), |b| format!(" {}", b.label())),
            match t.status {
                crate::analysis::FourTsStatus::NotSuspected => "HIT not suspected",
                crate::analysis::FourTsStatus::NeedsData => "needs data: items not entered",
                crate::analysis::FourTsStatus::Scored => "scored",
            }
        ));
    }
    if let Some(c) = &a.cpb {
        out.push_str(&format!(
            "\nBYPASS: cumulative {}; ACT {} s (target {} s); slope {}; additional {}; protamine {}\n",
            c.cumulative_units_per_kg,
            c.current_act_s
                .map_or("–".to_owned(), |v| num(v.value(), 0).to_string()),
            c.target_act_s.map_or("–".to_owned(), |v| num(v.value(), 0).to_string()),
            c.hdr_slope_s_per_unit_per_kg.map_or("–".to_owned(), |v| v.to_string()),
            c.additional_units_to_target.map_or("–".to_owned(), |u| u.to_string()),
            c.protamine_basis.clone().unwrap_or_else(|| "–".to_owned())
        ));
    }
    if let Some(c) = &a.cpb {
        for caution in &c.protamine_cautions {
            out.push_str(&format!("  protamine: {caution}\n"));
        }
    }
    out.push_str("\nALGORITHM:\n");
    for s in &a.steps {
        out.push_str(&format!(
            "  {}. {} [{}] {}\n",
            s.id.number(),
            s.title,
            s.status.label(),
            s.conclusion
        ));
    }
    out.push_str("\nMONITORING:\n");
    for m in &a.monitoring {
        out.push_str(&format!("  {} — {} ({})\n", m.test, m.due, m.reason));
    }
    if !a.warnings.is_empty() {
        out.push_str("\nWARNINGS:\n");
        for w in &a.warnings {
            out.push_str(&format!("  ! {w}\n"));
        }
    }
    out
}
