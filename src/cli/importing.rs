//! `import [--from csv|hl7|fhir] INPUT [patient flags] -o CASE` (decisions.md): an events CSV, or (issue
//! 32) laboratory results from HL7 v2 messages or a FHIR R4 file, as a new case file. The command line
//! writes new cases only; adding to a case is the window's (with its preview). The lab file's patient
//! becomes the case's MRN; the case starts at the earliest imported result; every result that is not
//! added is listed with its reason.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use super::{Command, ImportFrom, PatientArgs, Zones, may_write};
use crate::io::import_preview::Verdict;
use crate::io::labs::codes::LabCodeMap;
use crate::io::labs::{LabFormat, apply_import, preview_for_case, read_lab_file};
use crate::model::{Case, ClinicalTime, Stamp, Zone};
use crate::protocol::Protocol;
use crate::protocol::catalogue::shipped_protocol_for;

/// `import`: the flags read, then the CSV or the lab import.
pub(super) fn run_command(command: Command, author: Option<&str>, workstation: Zone) -> Result<String> {
    let Command::Import {
        input,
        from,
        output,
        force,
        protocol,
        title,
        time_zone,
        patient,
    } = command
    else {
        bail!("not the import command");
    };
    may_write(&output, &input, force, false)?;
    let zone = Zones::new(time_zone.as_deref(), workstation)?.reading();
    let format = match from {
        ImportFrom::Csv => return super::import(&input, &output, protocol.as_deref(), title, zone, &patient, author),
        ImportFrom::Hl7 => LabFormat::Hl7,
        ImportFrom::Fhir => LabFormat::Fhir,
    };
    let what = LabImport {
        input: &input,
        output: &output,
        format,
        protocol: protocol.as_deref(),
        title,
        zone,
        patient: &patient,
        author,
    };
    import_labs(&what)
}

struct LabImport<'a> {
    input: &'a Path,
    output: &'a Path,
    format: LabFormat,
    protocol: Option<&'a str>,
    title: Option<String>,
    zone: Zone,
    patient: &'a PatientArgs,
    author: Option<&'a str>,
}

fn import_labs(w: &LabImport<'_>) -> Result<String> {
    let bytes = crate::io::bounded::read_regular_file(w.input, crate::io::bounded::EVENTS_MAX_BYTES, "lab file")
        .with_context(|| format!("cannot read {}", w.input.display()))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", w.input.display()))?;
    let name = w
        .input
        .file_name()
        .map_or_else(|| w.input.display().to_string(), |n| n.to_string_lossy().into_owned());
    let settings = crate::app::preferences::settings_dir();
    let map = LabCodeMap::for_workstation(settings.as_deref())?;
    let lab = read_lab_file(&text, w.format, &name, w.zone)?;
    let setting = w
        .patient
        .setting()
        .ok_or_else(|| anyhow!("--setting is needed: the setting of the new case (icu, ecmo_vv, ecmo_va or cpb)"))?;
    let Some(earliest) = lab.results.iter().filter_map(|r| r.time.clone().ok()).min() else {
        bail!("{}: no result with a time", w.input.display());
    };
    let (patient, notes) = w.patient.patient(earliest, setting)?;
    let protocol = match w.protocol {
        Some(p) => Protocol::resolve(p)?,
        None => Protocol::builtin(shipped_protocol_for(setting, patient.age_group))?,
    };
    if let Err(e) = crate::protocol::plausibility::check_weight(&protocol.plausibility, patient.weight.kg) {
        bail!("--weight-kg: {e}");
    }
    let title = w.title.clone().unwrap_or_else(|| {
        w.input.file_stem().map_or_else(
            || "imported laboratory results".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    let mut case = Case::new(title, &protocol.name, earliest, patient);
    // Only a medical record number becomes the case's MRN.
    case.identity.mrn = lab.patient.as_ref().filter(|p| p.is_mrn).map(|p| p.id.clone());
    let now = ClinicalTime::now(w.zone);
    let preview = preview_for_case(&case, &lab, &map, now);
    // The case starts at the earliest result added (one refused earlier does not start it).
    if let Some(start) = preview.new_events().iter().map(|e| e.time).min() {
        case.case_start = start;
        case.patient.weight.measured_at = start;
    } else {
        bail!(
            "{}: no result could be added:\n{}",
            w.input.display(),
            not_added(&preview).join("\n")
        );
    }
    let by = w
        .author
        .map_or_else(crate::app::preferences::system_user, ToOwned::to_owned);
    let detail = apply_import(&mut case, &preview, &Stamp::new(now, by)).map_err(|e| anyhow!(e))?;
    let mut protocols = crate::protocol::case_protocols::CaseProtocols::single(setting, protocol);
    protocols.cover(&case);
    let written = crate::io::protocol_paths::for_saving(&case, &protocols, w.output)
        .map_err(|e| anyhow!("{}: not written: {e}", w.output.display()))?;
    crate::io::save_case(w.output, &written)?;
    let mut out = format!(
        "wrote {} ({detail}; patient {}; from {})\n",
        w.output.display(),
        lab.patient
            .map_or_else(|| "none in the file".to_owned(), |p| p.to_string()),
        name
    );
    // Only results are imported: the case holds no dose or infusion until they are charted.
    out.push_str(
        "warning: laboratory results only — no dose or infusion is imported: chart the running anticoagulant \
         (and any bolus) before relying on any advice of this case\n",
    );
    if map.reviewed_by.is_none() {
        out.push_str("warning: the lab code map is an unreviewed draft (reviewed_by is empty)\n");
    }
    for line in not_added(&preview) {
        out.push_str(&format!("{line}\n"));
    }
    for n in notes {
        out.push_str(&format!("warning: {n}\n"));
    }
    Ok(out)
}

/// Every row not added, with its reason.
fn not_added(preview: &crate::io::import_preview::ImportPreview) -> Vec<String> {
    preview
        .rows
        .iter()
        .filter(|r| !matches!(r.verdict, Verdict::New | Verdict::Amended { .. }))
        .map(|r| {
            format!(
                "{}: {}{}",
                r.verdict.word(),
                r.label,
                r.verdict.why().map(|w| format!(" — {w}")).unwrap_or_default()
            )
        })
        .collect()
}
