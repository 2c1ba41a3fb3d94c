//! The command line: analyze, import, replay, check-protocol. Errors go to stderr with the file and,
//! for CSV, the line; the exit code is non-zero.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

mod board;
mod forecast;
mod importing;
mod input;
mod patient_args;

pub use patient_args::{AgeArg, AssayArg, HitHistoryArg, PatientArgs, PriorArg, RrtArg, SettingArg, SexArg};

use clap::{Parser, Subcommand, ValueEnum};
pub use input::Zones;
use input::{Loaded, later_input_warnings, load_case_in, load_csv, load_input, parse_at};

use crate::analysis::Detail;
use crate::io::save_case;
use crate::model::{Case, ClinicalTime, Zone};
use crate::present::report::{to_json, to_text, write_replay_json};
use crate::protocol::Protocol;

#[derive(Parser, Debug)]
#[command(
    name = "anticoag-planner",
    version,
    about = "Heparin-resistance decision support (ICU, ECMO, bypass). Without a command, opens the desktop app."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Desktop app: open this case file at start instead of the demo case.
    #[arg(long, value_name = "CASE.ron")]
    pub open: Option<PathBuf>,
    /// Desktop app: show the unit board of this folder (every case file in it, most urgent first).
    #[arg(long, value_name = "FOLDER")]
    pub board: Option<PathBuf>,
    /// Desktop app: the view shown first (for scripted screenshots and teaching set-ups).
    #[arg(long, value_name = "VIEW", value_parser = clap::builder::PossibleValuesParser::new(crate::app::CentralView::FLAGS))]
    pub view: Option<String>,
    /// Desktop app: the look (light, dark, high-contrast, or system: the system's when it says, else light).
    #[arg(long, value_name = "THEME", value_parser = ["system", "light", "dark", "high-contrast"])]
    pub theme: Option<String>,
    /// Desktop app: the window's inner size in points, WIDTHxHEIGHT (e.g. 1024x640).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<(f32, f32)>,
    /// Who entries are recorded as in the audit trail (desktop app and `import`); default: the system user.
    #[arg(long, value_name = "NAME", global = true)]
    pub author: Option<String>,
    /// Desktop app: close after the first painted frame (to measure start-up time and memory).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
}

/// "1024x640" → (1024, 640); at least 640×400, at most 7680×4320.
fn parse_size(text: &str) -> Result<(f32, f32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("'{text}': write the size as WIDTHxHEIGHT, e.g. 1024x640"))?;
    let number = |s: &str, what: &str, low: f32, high: f32| {
        s.trim()
            .parse::<f32>()
            .ok()
            .filter(|v| (low..=high).contains(v))
            .ok_or_else(|| format!("'{text}': the {what} must be a number from {low} to {high}"))
    };
    Ok((number(w, "width", 640.0, 7680.0)?, number(h, "height", 400.0, 4320.0)?))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Analyse a case (.ron) or an events file (.csv) at a time (default: the last event).
    Analyze {
        input: PathBuf,
        /// Analyse as of this time (YYYY-MM-DDTHH:MM).
        #[arg(long)]
        at: Option<String>,
        /// Protocol name (adult-icu, adult-ecmo, adult-cpb) or path to a .ron protocol file.
        #[arg(long)]
        protocol: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The IANA time zone of times read from a CSV file or `--at` (Europe/Paris): default the case
        /// file's zone, else this workstation's; a case file's own zone cannot be overridden.
        #[arg(long = "time-zone")]
        time_zone: Option<String>,
        #[command(flatten)]
        patient: PatientArgs,
    },
    /// The unit board: every case file of a folder, sorted by urgency (issue 31).
    Board {
        folder: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The clock for due and overdue (YYYY-MM-DDTHH:MM; default now); each case is analysed at its
        /// last event at or before it.
        #[arg(long)]
        at: Option<String>,
        /// Also write the unit handover: a first page with every row, then each patient's sheet.
        #[arg(long, value_name = "FILE.pdf")]
        pdf: Option<PathBuf>,
        /// Replace the PDF if it exists.
        #[arg(long)]
        force: bool,
        /// The IANA time zone of `--at` (Europe/Paris): default this workstation's.
        #[arg(long = "time-zone")]
        time_zone: Option<String>,
    },
    /// Turn an events CSV and patient flags into a case file.
    Import {
        input: PathBuf,
        /// What the input is: an events CSV (default), HL7 v2 result messages or FHIR R4 JSON (the
        /// results read through the lab code map; a new case only, its MRN from the file).
        #[arg(long, value_enum, default_value_t = ImportFrom::Csv)]
        from: ImportFrom,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Replace the output file if it exists (never the input read, never a newer-format case).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        protocol: Option<String>,
        /// Case title (default: the CSV file name).
        #[arg(long)]
        title: Option<String>,
        /// The IANA time zone of times read from a CSV file or `--at` (Europe/Paris): default the case
        /// file's zone, else this workstation's; a case file's own zone cannot be overridden.
        #[arg(long = "time-zone")]
        time_zone: Option<String>,
        #[command(flatten)]
        patient: PatientArgs,
    },
    /// Write the handover PDF of a case at a time (default: the last event): the recommendation, the
    /// contingency table for the next result, the last 24 h, the 4Ts, next labs, signature lines.
    Report {
        input: PathBuf,
        /// As of this time (YYYY-MM-DDTHH:MM).
        #[arg(long)]
        at: Option<String>,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Replace the output file if it exists (never the input read, never a case file).
        #[arg(long)]
        force: bool,
        /// The IANA time zone of times read from a CSV file or `--at` (Europe/Paris): default the case
        /// file's zone, else this workstation's; a case file's own zone cannot be overridden.
        #[arg(long = "time-zone")]
        time_zone: Option<String>,
    },
    /// Forecast the anti-Xa (provisional model): predictions with 90% intervals, the rate to target,
    /// a back-test on the patient's own history; `--rate`/`--bolus` ask "what if".
    Forecast {
        input: PathBuf,
        /// From this time (default: the last event); later events are ignored.
        #[arg(long)]
        at: Option<String>,
        /// Hourly predictions for this many hours.
        #[arg(long, default_value_t = 24)]
        hours: u32,
        /// Also at these times (comma-separated YYYY-MM-DDTHH:MM).
        #[arg(long)]
        times: Option<String>,
        /// What if: this heparin rate from --at on (units/kg/h of the dosing weight).
        #[arg(long)]
        rate: Option<f64>,
        /// What if: this bolus at --at (units).
        #[arg(long)]
        bolus: Option<f64>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long)]
        protocol: Option<String>,
        /// The IANA time zone of times read from a CSV file or `--at` (Europe/Paris): default the case
        /// file's zone, else this workstation's; a case file's own zone cannot be overridden.
        #[arg(long = "time-zone")]
        time_zone: Option<String>,
        #[command(flatten)]
        patient: PatientArgs,
    },
    /// The recommendation at every event time of a case.
    Replay {
        input: PathBuf,
        #[arg(long)]
        protocol: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// The IANA time zone of times read from a CSV file or `--at` (Europe/Paris): default the case
        /// file's zone, else this workstation's; a case file's own zone cannot be overridden.
        #[arg(long = "time-zone")]
        time_zone: Option<String>,
        #[command(flatten)]
        patient: PatientArgs,
    },
    /// Validate a protocol file and report every problem with its line and column.
    CheckProtocol { path: PathBuf },
}

/// What `import` reads (decisions.md: `--from csv|hl7|fhir`).
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ImportFrom {
    Csv,
    Hl7,
    Fhir,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Runs a command and writes what it prints to `out` (the binary passes a buffered stdout). `replay
/// --format json` is written step by step as the steps are computed; the other commands write their
/// text at the end.
///
/// # Errors
/// Any input, file or protocol problem, with its location; a failed write (a closed pipe is an
/// `std::io::Error` of kind `BrokenPipe`).
pub fn run_to(command: Command, author: Option<&str>, workstation: Zone, out: &mut dyn std::io::Write) -> Result<()> {
    // `--author` is one line of plain text (issue 27): it heads the handover and stamps imported rows.
    if let Some(name) = author {
        crate::model::plain_text::check_plain("--author", name).map_err(|e| anyhow::anyhow!(e))?;
    }
    if let Command::Replay {
        input,
        protocol,
        format: Format::Json,
        time_zone,
        patient,
    } = &command
    {
        let zones = Zones::new(time_zone.as_deref(), workstation)?;
        let loaded = load_input(input, patient, protocol.as_deref(), zones)?;
        return replay_json(&loaded, out);
    }
    out.write_all(run(command, author, workstation)?.as_bytes())
        .context("writing the output")
}

/// "Times are wall-clock times of Europe/Paris (this workstation: UTC)", when they differ.
fn zone_line(case: &Case, workstation: Zone) -> String {
    if case.time_zone == workstation {
        String::new()
    } else {
        format!(
            "Times are wall-clock times of {} (this workstation: {workstation})\n",
            case.time_zone
        )
    }
}

/// `replay --format json`: every step explained in full, written as it is computed.
fn replay_json(loaded: &Loaded, out: &mut dyn std::io::Write) -> Result<()> {
    let engine = loaded.engine();
    let steps = engine.replay(&loaded.case, Detail::Explained);
    write_replay_json(steps, out)
        .map_err(std::io::Error::from)
        .context("writing the output")
}

/// Runs a command; returns what to print on stdout.
///
/// # Errors
/// Any input, file or protocol problem, with its location.
pub fn run(command: Command, author: Option<&str>, workstation: Zone) -> Result<String> {
    match command {
        Command::Analyze {
            input,
            at,
            protocol,
            format,
            time_zone,
            patient,
        } => {
            let zones = Zones::new(time_zone.as_deref(), workstation)?;
            let loaded = load_input(&input, &patient, protocol.as_deref(), zones)?;
            let as_of = parse_at(at.as_deref(), &loaded.case)?;
            let engine = loaded.engine();
            let mut analysis = engine.analyze(&loaded.case, as_of, Detail::Explained);
            analysis.warnings.splice(0..0, loaded.notes);
            analysis.warnings.splice(0..0, approval_marks(&loaded.protocols)?);
            analysis
                .warnings
                .extend(later_input_warnings(&loaded.case, &engine, as_of));
            Ok(match format {
                Format::Json => to_json(&analysis)?,
                Format::Text => zone_line(&loaded.case, workstation) + &to_text(&analysis),
            })
        }
        Command::Report {
            input,
            at,
            output,
            force,
            time_zone,
        } => report(
            &input,
            at.as_deref(),
            &output,
            force,
            time_zone.as_deref(),
            author,
            workstation,
        ),
        board @ Command::Board { .. } => board::run_command(board, author, workstation),
        import @ Command::Import { .. } => importing::run_command(import, author, workstation),
        Command::Replay {
            input,
            protocol,
            format,
            time_zone,
            patient,
        } => {
            let zones = Zones::new(time_zone.as_deref(), workstation)?;
            let loaded = load_input(&input, &patient, protocol.as_deref(), zones)?;
            Ok(match format {
                Format::Json => {
                    let mut bytes = Vec::new();
                    replay_json(&loaded, &mut bytes)?;
                    String::from_utf8(bytes)?
                }
                // One headline per step: the decision alone is enough (the sentences are not written).
                Format::Text => {
                    zone_line(&loaded.case, workstation)
                        + &loaded
                            .engine()
                            .replay(&loaded.case, Detail::Decision)
                            .map(|a| replay_text_line(&a))
                            .collect::<String>()
                }
            })
        }
        Command::CheckProtocol { path } => check_protocol(&path),
        Command::Forecast {
            input,
            at,
            hours,
            times,
            rate,
            bolus,
            format,
            protocol,
            time_zone,
            patient,
        } => {
            let zones = Zones::new(time_zone.as_deref(), workstation)?;
            let loaded = load_input(&input, &patient, protocol.as_deref(), zones)?;
            let as_of = parse_at(at.as_deref(), &loaded.case)?;
            let options = forecast::Options {
                hours,
                times: times.as_deref(),
                rate,
                bolus,
                json: format == Format::Json,
            };
            forecast::run(&loaded.case, &loaded.engine(), as_of, &options)
        }
    }
}

/// `check-protocol`: a dosing protocol, or a forecast prior (issue 16) by its own rules.
fn check_protocol(path: &Path) -> Result<String> {
    // A forecast prior (issue 16) is checked by its own rules.
    let bytes = crate::io::bounded::read_regular_file(path, crate::io::bounded::PROTOCOL_MAX_BYTES, "protocol")
        .with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))?;
    // The lab code map (issue 32) too.
    if text.contains("hl7v2_coding_systems") {
        let map = crate::io::labs::codes::LabCodeMap::from_ron_str(&text, &path.display().to_string())?;
        return Ok(format!(
            "{}: valid lab code map version {} ({} codes, {} refused){}\n",
            path.display(),
            map.version,
            map.codes.len(),
            map.refused.len(),
            if map.reviewed_by.is_none() {
                "; unreviewed draft"
            } else {
                ""
            }
        ));
    }
    if text.contains("clearance_l_per_h_per_kg") {
        let prior = crate::protocol::forecast_prior::ForecastPrior::from_ron_str(&text, &path.display().to_string())?;
        return Ok(format!(
            "{}: valid forecast prior {}{}\n",
            path.display(),
            prior.name,
            if prior.provisional { " (provisional)" } else { "" }
        ));
    }
    let p = Protocol::from_path(path)?;
    Ok(format!("{}: valid ({p})\n", path.display()))
}

/// One step of `replay --format text`: its own day and time, and the headline with a hold's restart time,
/// for people (issue 29).
fn replay_text_line(a: &crate::analysis::Analysis) -> String {
    let line = a.recommendation.headline_at(a.as_of);
    let line = crate::present::people::people_times(&line, a.as_of);
    format!("{}  {line}\n", a.as_of.dated_for_people())
}

/// `import`: an events CSV and the patient flags as a new case file, each row stamped as entered by the
/// author.
pub(super) fn import(
    input: &Path,
    output: &Path,
    protocol: Option<&str>,
    title: Option<String>,
    zone: Zone,
    patient: &PatientArgs,
    author: Option<&str>,
) -> Result<String> {
    let mut loaded = load_csv(input, patient, protocol, zone)?;
    if let Some(t) = title {
        loaded.case.title = t;
    }
    // Each imported row is recorded as entered by the author (`--author`, else the system user).
    let by = author.map_or_else(crate::app::preferences::system_user, ToOwned::to_owned);
    let stamp = crate::model::Stamp::new(ClinicalTime::now(zone), by);
    let events = std::mem::take(&mut loaded.case.events);
    loaded
        .case
        .add_audited(events, &stamp, crate::model::AuditAction::Imported)
        .map_err(|e| anyhow::anyhow!("{}", e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    // The protocol is pinned (name, version, SHA-256) and a protocol file named relative to the case's folder,
    // which must hold it (issue 26).
    let written = crate::io::protocol_paths::for_saving(&loaded.case, &loaded.protocols, output)
        .map_err(|e| anyhow::anyhow!("{}: not written: {e}", output.display()))?;
    save_case(output, &written)?;
    let mut out = format!(
        "wrote {} ({} events, protocol {})\n",
        output.display(),
        loaded.case.events.len(),
        loaded
            .protocols
            .choices()
            .iter()
            .map(|c| format!(
                "{} for {}{}",
                c.name,
                c.setting.code(),
                if c.catalogue_default {
                    " (the catalogue's default)"
                } else {
                    ""
                }
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for w in loaded.warnings.iter().chain(&loaded.notes) {
        out.push_str(&format!("warning: {w}\n"));
    }
    Ok(out)
}

/// `report`: the handover PDF of a case file.
fn report(
    input: &Path,
    at: Option<&str>,
    output: &Path,
    force: bool,
    time_zone: Option<&str>,
    author: Option<&str>,
    workstation: Zone,
) -> Result<String> {
    may_write(output, input, force, true)?;
    let loaded = load_case_in(input, Zones::new(time_zone, workstation)?)?;
    let as_of = parse_at(at, &loaded.case)?;
    let by = author.map_or_else(crate::app::preferences::system_user, ToOwned::to_owned);
    write_handover(&loaded, as_of, &by, workstation, output)?;
    Ok(format!(
        "wrote the handover of {} as of {as_of} to {}\n",
        input.display(),
        output.display()
    ))
}

/// Whether a command may write `output` (issue 27; decisions.md): never over the input it reads, never over
/// an existing file without `--force`, and a handover (`pdf`) never over a case file.
pub(super) fn may_write(output: &Path, input: &Path, force: bool, pdf: bool) -> Result<()> {
    let same_file = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file(output, input) {
        anyhow::bail!(
            "{}: the output is the input it reads: it is never replaced (write to another file)",
            output.display()
        );
    }
    if std::fs::symlink_metadata(output).is_err() {
        return Ok(());
    }
    if pdf && crate::io::case_file::case_format_version_of(output).is_some() {
        anyhow::bail!(
            "{}: it is a case file: a handover is never written over a case (write to a .pdf)",
            output.display()
        );
    }
    if !force {
        anyhow::bail!("{} exists: add --force to replace it", output.display());
    }
    Ok(())
}

/// The "UNAPPROVED PROTOCOL" marks of a case's protocols (none without a list).
fn approval_marks(protocols: &crate::protocol::case_protocols::CaseProtocols) -> Result<Vec<String>> {
    let settings = crate::app::preferences::settings_dir();
    let list = crate::io::approved::workstation_list(settings.as_deref()).map_err(|e| anyhow::anyhow!(e))?;
    Ok(list.map_or_else(Vec::new, |list| {
        protocols
            .choices()
            .iter()
            .filter_map(|c| list.mark(&c.protocol.pin()))
            .collect()
    }))
}

/// Writes the handover PDF of a loaded case at `as_of` (atomically: a temporary file, then renamed).
///
/// # Errors
/// The analysis cannot be written as a PDF, or the file cannot be written.
pub fn write_handover(
    loaded: &crate::io::LoadedCase,
    as_of: ClinicalTime,
    by: &str,
    workstation: Zone,
    output: &Path,
) -> Result<()> {
    let sheet = handover_sheet(loaded, as_of, by, workstation)?;
    crate::present::pdf::write_handover(&sheet, output)?;
    Ok(())
}

/// The handover sheet of a loaded case at `as_of`, with the marks the command line warns of.
///
/// # Errors
/// The workstation's approved list cannot be read, or the advice is paused (no handover then).
pub fn handover_sheet(
    loaded: &crate::io::LoadedCase,
    as_of: ClinicalTime,
    by: &str,
    workstation: Zone,
) -> Result<crate::present::handover::Handover> {
    let approval = approval_marks(&loaded.protocols)?;
    crate::board::handover::case_sheet(loaded, as_of, by, ClinicalTime::now(workstation), &approval)
        .map_err(|e| anyhow::anyhow!(e))
}
