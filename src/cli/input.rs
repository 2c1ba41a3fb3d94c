//! Reading a command's input: a case file in its own time zone (an older one in `--time-zone` or the
//! workstation's), or an events CSV with the patient flags, and the `--at` time on the case's clock.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use super::patient_args::PatientArgs;
use crate::analysis::CaseEngine;
use crate::io::{load_case, parse_events_csv_in_settings};
use crate::model::{Case, ClinicalTime, Setting, Zone};
use crate::protocol::Protocol;
use crate::protocol::case_protocols::CaseProtocols;
use crate::protocol::catalogue::shipped_protocol_for;
use crate::protocol::plausibility::check_weight;

/// A case ready to analyse, with the protocol of each setting and load-time warnings. `notes` are the
/// defaults taken for flags not given; plausibility warnings reach the analysis from the events themselves.
pub(super) struct Loaded {
    pub(super) case: Case,
    pub(super) protocols: CaseProtocols,
    pub(super) warnings: Vec<String>,
    pub(super) notes: Vec<String>,
}

impl Loaded {
    /// The case prepared by each setting's protocol.
    pub(super) fn engine(&self) -> CaseEngine {
        CaseEngine::new(&self.case, self.protocols.clone())
    }
}

/// Every input warning of the file, not only those up to the analysis time: the later ones marked.
pub(super) fn later_input_warnings(case: &Case, engine: &CaseEngine, as_of: ClinicalTime) -> Vec<String> {
    engine
        .prepared_at(case, as_of)
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
            let mut loaded = load_case_in(input, zones)?;
            let zone = loaded.case.time_zone;
            let mut notes: Vec<String> = loaded
                .migrated_from
                .map(|v| crate::io::case_migration::migration_note(v, zone))
                .into_iter()
                .collect();
            // `--protocol` is the protocol of the case-start setting (the patient flags, `--setting` among
            // them, belong to CSV input); the other settings keep theirs.
            if let Some(name) = protocol {
                let setting = loaded.case.patient.setting;
                loaded.protocols.set(setting, name.to_owned(), Protocol::resolve(name)?);
                loaded.case.protocols.insert(setting, name.to_owned());
                if loaded.protocols.choices().len() > 1 {
                    notes.push(format!(
                        "--protocol {name} is the protocol of the case-start setting, {}; the case's other settings keep theirs",
                        setting.label()
                    ));
                }
            }
            // A hand-edited audit trail (issue 27): said first.
            if let Some(why) = &loaded.audit_broken {
                notes.insert(0, format!("AUDIT TRAIL BROKEN: {why}"));
            }
            // A protocol that is not the one the case recorded when it was saved (issue 26): said, not refused.
            notes.extend(
                loaded
                    .protocols
                    .changes_since(&loaded.case.protocol_pins)
                    .iter()
                    .map(crate::protocol::case_protocols::PinChange::sentence),
            );
            Ok(Loaded {
                case: loaded.case,
                protocols: loaded.protocols,
                warnings: Vec::new(),
                notes,
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
    let bytes = crate::io::bounded::read_regular_file(input, crate::io::bounded::EVENTS_MAX_BYTES, "events file")
        .with_context(|| format!("cannot read {}", input.display()))?;
    let flag_setting = patient.setting();
    if protocol.is_some() && flag_setting.is_none() {
        bail!("--protocol needs --setting: the setting it is the protocol of (icu, ecmo_vv, ecmo_va or cpb)");
    }
    // Patient first: the age group picks each setting's shipped protocol, whose limits check the rows.
    let placeholder = ClinicalTime::from_parts(1970, 1, 1, 0, 0).map_err(|e| anyhow!("{e}"))?;
    let (patient_probe, _) = patient.patient(placeholder, flag_setting.unwrap_or(Setting::Icu))?;
    let given = protocol.map(Protocol::resolve).transpose()?;
    let shipped = Setting::ALL
        .map(|s| Protocol::builtin(shipped_protocol_for(s, patient_probe.age_group)))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let protocol_of = |s: Setting| match &given {
        Some(p) if Some(s) == flag_setting => p,
        _ => &shipped[Setting::ALL.iter().position(|x| *x == s).unwrap_or(0)],
    };
    match check_weight(
        &protocol_of(flag_setting.unwrap_or(Setting::Icu)).plausibility,
        patient_probe.weight.kg,
    ) {
        Ok(_) => {}
        Err(e) => bail!("--weight-kg: {e}"),
    }
    let now = ClinicalTime::now(zone);
    let (import, start_setting) = parse_events_csv_in_settings(
        &bytes,
        flag_setting,
        &[],
        &|s| &protocol_of(s).plausibility,
        patient_probe.weight.kg,
        zone,
        Some(now),
    )
    .map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("{}: {e}", input.display())).collect();
        anyhow!("{}", lines.join("\n"))
    })?;
    let Some(start) = import.events.iter().map(|e| e.time).min() else {
        bail!("{}: no events after the header", input.display());
    };
    let (patient_at_start, notes) = patient.patient(start, start_setting)?;
    refuse_flags_that_disagree(input, patient, &patient_at_start, &import.events, start)?;
    let patient = patient_at_start;
    let title = input
        .file_stem()
        .map_or_else(|| "imported case".to_owned(), |s| s.to_string_lossy().into_owned());
    let start_protocol = protocol_of(start_setting);
    let mut case = Case::new(title, protocol.unwrap_or(&start_protocol.name), start, patient);
    case.events = import.events;
    case.sort_events();
    let mut protocols = CaseProtocols::single(start_setting, start_protocol.clone());
    protocols.cover(&case);
    Ok(Loaded {
        case,
        protocols,
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
            (flags.setting.is_some(), "--setting", by_row.setting != at_start.setting),
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
