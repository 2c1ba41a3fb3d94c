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
    let (patient, notes) = patient.patient(start)?;
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

pub(super) fn parse_at(at: Option<&str>, case: &Case) -> Result<ClinicalTime> {
    match at {
        Some(text) => ClinicalTime::parse_in(text, case.time_zone).map_err(|e| anyhow!("--at: {e}")),
        None => case
            .last_event_time()
            .ok_or_else(|| anyhow!("the case has no events: give --at")),
    }
}
