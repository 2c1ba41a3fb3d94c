//! Reading a command's input: a case file in its own time zone (an older one in `--time-zone` or the
//! workstation's), or an events CSV with the patient flags, and the `--at` time on the case's clock.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use super::patient_args::PatientArgs;
use crate::io::{load_case, parse_events_csv};
use crate::model::{Case, ClinicalTime, Zone};
use crate::protocol::Protocol;
use crate::protocol::catalogue::shipped_protocol_for;
use crate::protocol::plausibility::check_weight;

/// A case ready to analyse, with its protocol and load-time warnings. `notes` are the defaults taken
/// for flags not given; plausibility warnings reach the analysis from the events themselves.
pub(super) struct Loaded {
    pub(super) case: Case,
    pub(super) protocol: Protocol,
    pub(super) warnings: Vec<String>,
    pub(super) notes: Vec<String>,
}

/// Every input warning of the file, not only those up to the analysis time: the later ones marked.
pub(super) fn later_input_warnings(case: &Case, protocol: &Protocol, as_of: ClinicalTime) -> Vec<String> {
    crate::analysis::Prepared::new(case, protocol)
        .warnings()
        .iter()
        .filter(|(t, _)| *t > as_of)
        .map(|(_, w)| format!("after the analysis time: {w}"))
        .collect()
}

/// The zone `--time-zone` names, if given, and this workstation's (read once, by the shell).
#[derive(Debug, Clone, Copy)]
pub struct Zones {
    pub given: Option<Zone>,
    pub workstation: Zone,
}

impl Zones {
    /// # Errors
    /// An unknown zone name.
    pub fn new(given: Option<&str>, workstation: Zone) -> Result<Self> {
        let given = given
            .map(|name| Zone::named(name).map_err(|e| anyhow!("--time-zone: {e}")))
            .transpose()?;
        Ok(Self { given, workstation })
    }

    /// The zone of times read without one: the given zone, else the workstation's.
    #[must_use]
    pub fn reading(self) -> Zone {
        self.given.unwrap_or(self.workstation)
    }
}

/// Loads a case file in its own zone; an older file without one in `--time-zone` or the workstation's. A
/// `--time-zone` other than the file's own is refused.
pub(super) fn load_case_in(input: &Path, zones: Zones) -> Result<crate::io::LoadedCase> {
    let loaded = load_case(input, zones.reading())?;
    if let Some(given) = zones.given
        && !loaded.zone_from_workstation
        && given != loaded.case.time_zone
    {
        bail!(
            "{}: the case's times are in its own time zone, {}; --time-zone {given} would read them differently (leave it out)",
            input.display(),
            loaded.case.time_zone
        );
    }
    Ok(loaded)
}

pub(super) fn load_input(input: &Path, patient: &PatientArgs, protocol: Option<&str>, zones: Zones) -> Result<Loaded> {
    let ext = input.extension().and_then(|e| e.to_str()).map(str::to_lowercase);
    match ext.as_deref() {
        Some("ron") => {
            if patient.any_given() {
                bail!(
                    "{}: patient flags apply to CSV input only; the case file holds the patient",
                    input.display()
                );
            }
            let loaded = load_case_in(input, zones)?;
            let zone = loaded.case.time_zone;
            let protocol = match protocol {
                Some(name) => Protocol::resolve(name)?,
                None => loaded.protocol,
            };
            Ok(Loaded {
                case: loaded.case,
                protocol,
                warnings: Vec::new(),
                notes: loaded
                    .migrated_from
                    .map(|v| crate::io::case_migration::migration_note(v, zone))
                    .into_iter()
                    .collect(),
            })
        }
        Some("csv") => load_csv(input, patient, protocol, zones.reading()),
        _ => bail!(
            "{}: input must be a case file (.ron) or an events file (.csv)",
            input.display()
        ),
    }
}

pub(super) fn load_csv(input: &Path, patient: &PatientArgs, protocol: Option<&str>, zone: Zone) -> Result<Loaded> {
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    // Patient first: its setting picks the protocol, whose plausibility limits check the rows.
    let placeholder = ClinicalTime::from_parts(1970, 1, 1, 0, 0).map_err(|e| anyhow!("{e}"))?;
    let (patient_probe, _) = patient.patient(placeholder)?;
    let protocol = match protocol {
        Some(name) => Protocol::resolve(name)?,
        None => Protocol::builtin(shipped_protocol_for(patient_probe.setting, patient_probe.age_group))?,
    };
    match check_weight(&protocol.plausibility, patient_probe.weight.kg) {
        Ok(_) => {}
        Err(e) => bail!("--weight-kg: {e}"),
    }
    let now = ClinicalTime::now(zone);
    let import = parse_events_csv(&bytes, &protocol.plausibility, patient_probe.weight.kg, zone, Some(now)).map_err(
        |errors| {
            let lines: Vec<String> = errors.iter().map(|e| format!("{}: {e}", input.display())).collect();
            anyhow!("{}", lines.join("\n"))
        },
    )?;
    let Some(start) = import.events.iter().map(|e| e.time).min() else {
        bail!("{}: no events after the header", input.display());
    };
    let (patient_at_start, notes) = patient.patient(start)?;
    refuse_flags_that_disagree(input, patient, &patient_at_start, &import.events, start)?;
    let patient = patient_at_start;
    let title = input
        .file_stem()
        .map_or_else(|| "imported case".to_owned(), |s| s.to_string_lossy().into_owned());
    let mut case = Case::new(title, protocol.name.clone(), start, patient);
    case.events = import.events;
    case.sort_events();
    Ok(Loaded {
        case,
        protocol,
        warnings: import.warnings,
        notes,
    })
}

/// A patient flag given on the command line that a fact row at the case start contradicts (`--rrt none`
/// with `…,rrt,crrt` at the first time) is refused: which one is meant cannot be guessed.
fn refuse_flags_that_disagree(
    input: &Path,
    flags: &PatientArgs,
    at_start: &crate::model::Patient,
    events: &[crate::model::Event],
    start: ClinicalTime,
) -> Result<()> {
    for event in events.iter().filter(|e| e.time == start && e.kind.is_fact()) {
        let mut by_row = at_start.clone();
        event.kind.apply_to(&mut by_row);
        let disagrees = [
            (flags.rrt.is_some(), "--rrt", by_row.rrt != at_start.rrt),
            (flags.crcl.is_some(), "--crcl", by_row.crcl != at_start.crcl),
            (
                flags.hepatic_impairment,
                "--hepatic-impairment",
                by_row.hepatic_impairment != at_start.hepatic_impairment,
            ),
            (
                flags.high_bleeding_risk,
                "--high-bleeding-risk",
                by_row.high_bleeding_risk != at_start.high_bleeding_risk,
            ),
            (flags.pregnant, "--pregnant", by_row.pregnant != at_start.pregnant),
            (
                flags.ecmo_low_flow,
                "--ecmo-low-flow",
                by_row.ecmo_low_flow != at_start.ecmo_low_flow,
            ),
        ];
        if let Some((_, flag, _)) = disagrees.iter().find(|(given, _, differs)| *given && *differs) {
            bail!(
                "{}: {flag} disagrees with the row '{}' at the case start {start}: give the fact once, as the flag or as the row",
                input.display(),
                event.kind.describe()
            );
        }
    }
    Ok(())
}

pub(super) fn parse_at(at: Option<&str>, case: &Case) -> Result<ClinicalTime> {
    match at {
        Some(text) => ClinicalTime::parse_in(text, case.time_zone).map_err(|e| anyhow!("--at: {e}")),
        None => case
            .last_event_time()
            .ok_or_else(|| anyhow!("the case has no events: give --at")),
    }
}
