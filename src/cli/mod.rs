//! The command line: analyze, import, replay, check-protocol. Errors go to stderr with the file and,
//! for CSV, the line; the exit code is non-zero.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

mod forecast;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::analysis::{Detail, Prepared, analyze, replay, replay_steps};
use crate::io::{load_case, parse_events_csv, save_case};
use crate::model::{
    AgeGroup, AntiXaAssay, Case, Centimetres, ClinicalTime, FourTsPoints, HitHistory, Kilograms, MlPerMin, Patient,
    PriorHeparin, Rrt, Seconds, Setting, Sex, Weight, WeightKind,
};
use crate::present::report::{to_json, to_text, write_replay_json};
use crate::protocol::Protocol;
use crate::protocol::catalogue::shipped_protocol_for;
use crate::protocol::plausibility::check_weight;

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
        #[command(flatten)]
        patient: PatientArgs,
    },
    /// Turn an events CSV and patient flags into a case file.
    Import {
        input: PathBuf,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        #[arg(long)]
        protocol: Option<String>,
        /// Case title (default: the CSV file name).
        #[arg(long)]
        title: Option<String>,
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
        #[command(flatten)]
        patient: PatientArgs,
    },
    /// Validate a protocol file and report every problem with its line and column.
    CheckProtocol { path: PathBuf },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SettingArg {
    Icu,
    EcmoVv,
    EcmoVa,
    Cpb,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum RrtArg {
    None,
    Crrt,
    Ihd,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AgeArg {
    Adult,
    Child,
    Infant,
    Neonate,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum PriorArg {
    None,
    #[value(name = "within_30_days")]
    Within30Days,
    #[value(name = "between_30_and_100_days")]
    Between30And100Days,
}

/// A history of HIT (clinical reference §1).
#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum HitHistoryArg {
    /// No history of HIT.
    None,
    /// HIT more than 100 days ago, HIT immunoassay negative this admission.
    RemoteAntibodyNegative,
    /// HIT within 100 days, antibody-positive, or untested (heparin contraindicated).
    RecentOrPositive,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SexArg {
    Female,
    Male,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AssayArg {
    Unknown,
    AtSupplemented,
    NotSupplemented,
}

/// Patient facts for CSV input (a case file carries its own).
#[derive(Args, Debug, Default)]
pub struct PatientArgs {
    /// Weight in kg (required for CSV input).
    #[arg(long)]
    pub weight_kg: Option<f64>,
    /// The weight is checked and right although unusual (an adult under the protocol's minimum, 35 kg in
    /// the shipped protocols): without it no dose is shown for such a patient.
    #[arg(long)]
    pub weight_confirmed: bool,
    /// Setting (required for CSV input); selects the default protocol.
    #[arg(long, value_enum)]
    pub setting: Option<SettingArg>,
    /// Baseline (control) aPTT in seconds.
    #[arg(long)]
    pub baseline_aptt: Option<f64>,
    /// Creatinine clearance in mL/min.
    #[arg(long)]
    pub crcl: Option<f64>,
    #[arg(long, value_enum)]
    pub rrt: Option<RrtArg>,
    /// Child-Pugh B–C or bilirubin > 1.5 mg/dL.
    #[arg(long)]
    pub hepatic_impairment: bool,
    #[arg(long, value_enum)]
    pub age_group: Option<AgeArg>,
    /// Height in cm (with --sex, the ideal body weight behind an adjusted dosing weight).
    #[arg(long)]
    pub height_cm: Option<f64>,
    #[arg(long, value_enum)]
    pub sex: Option<SexArg>,
    /// 4Ts thrombosis item (0, 1 or 2); not given = not entered (the score becomes a range).
    #[arg(long)]
    pub hit_thrombosis: Option<u8>,
    /// 4Ts other-causes item (0 definite, 1 possible, 2 none apparent); not given = not entered.
    #[arg(long)]
    pub hit_other_causes: Option<u8>,
    /// Heparin before this case (4Ts timing); not given = not entered.
    #[arg(long, value_enum)]
    pub prior_heparin: Option<PriorArg>,
    #[arg(long)]
    pub heparin_coated_circuit: bool,
    #[arg(long)]
    pub ecmo_low_flow: bool,
    #[arg(long)]
    pub pregnant: bool,
    #[arg(long)]
    pub andexanet_exposure: bool,
    #[arg(long)]
    pub high_bleeding_risk: bool,
    /// History of HIT. Write `--hit-history=VALUE`; a bare `--hit-history` means recent_or_positive.
    #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "recent_or_positive")]
    pub hit_history: Option<HitHistoryArg>,
    #[arg(long, value_enum)]
    pub anti_xa_assay: Option<AssayArg>,
}

impl PatientArgs {
    fn any_given(&self) -> bool {
        self.weight_kg.is_some()
            || self.weight_confirmed
            || self.setting.is_some()
            || self.baseline_aptt.is_some()
            || self.crcl.is_some()
            || self.rrt.is_some()
            || self.hepatic_impairment
            || self.age_group.is_some()
            || self.height_cm.is_some()
            || self.sex.is_some()
            || self.hit_thrombosis.is_some()
            || self.hit_other_causes.is_some()
            || self.prior_heparin.is_some()
            || self.heparin_coated_circuit
            || self.ecmo_low_flow
            || self.pregnant
            || self.andexanet_exposure
            || self.high_bleeding_risk
            || self.hit_history.is_some()
            || self.anti_xa_assay.is_some()
    }

    /// Builds and checks the patient; also returns notes on defaults taken.
    fn patient(&self, measured_at: ClinicalTime) -> Result<(Patient, Vec<String>)> {
        let kg = self
            .weight_kg
            .ok_or_else(|| anyhow!("--weight-kg is required for CSV input (the patient's weight in kg)"))?;
        let kg = Kilograms::new(kg).map_err(|e| anyhow!("--weight-kg: {e}"))?;
        let setting = match self
            .setting
            .ok_or_else(|| anyhow!("--setting is required for CSV input: icu, ecmo_vv, ecmo_va or cpb"))?
        {
            SettingArg::Icu => Setting::Icu,
            SettingArg::EcmoVv => Setting::EcmoVv,
            SettingArg::EcmoVa => Setting::EcmoVa,
            SettingArg::Cpb => Setting::Cpb,
        };
        let mut p = Patient::new(
            Weight {
                kg,
                measured_at,
                kind: WeightKind::Actual,
            },
            setting,
        );
        p.weight_confirmed = self.weight_confirmed;
        let mut notes = Vec::new();
        p.baseline_aptt = self
            .baseline_aptt
            .map(|v| Seconds::new(v).map_err(|e| anyhow!("--baseline-aptt: {e}")))
            .transpose()?;
        p.crcl = self
            .crcl
            .map(|v| MlPerMin::new(v).map_err(|e| anyhow!("--crcl: {e}")))
            .transpose()?;
        p.rrt = match self.rrt {
            None | Some(RrtArg::None) => Rrt::None,
            Some(RrtArg::Crrt) => Rrt::Crrt,
            Some(RrtArg::Ihd) => Rrt::Ihd,
        };
        p.hepatic_impairment = self.hepatic_impairment;
        p.age_group = match self.age_group {
            None | Some(AgeArg::Adult) => AgeGroup::Adult,
            Some(AgeArg::Child) => AgeGroup::Child,
            Some(AgeArg::Infant) => AgeGroup::Infant,
            Some(AgeArg::Neonate) => AgeGroup::Neonate,
        };
        p.height_cm = self
            .height_cm
            .map(|v| Centimetres::new(v).map_err(|e| anyhow!("--height-cm: {e}")))
            .transpose()?;
        p.sex = self.sex.map(|s| match s {
            SexArg::Female => Sex::Female,
            SexArg::Male => Sex::Male,
        });
        p.hit_thrombosis = self
            .hit_thrombosis
            .map(|v| FourTsPoints::new(v).map_err(|e| anyhow!("--hit-thrombosis: {e}")))
            .transpose()?;
        p.hit_other_causes = self
            .hit_other_causes
            .map(|v| FourTsPoints::new(v).map_err(|e| anyhow!("--hit-other-causes: {e}")))
            .transpose()?;
        let unentered: Vec<&str> = [
            ("--hit-thrombosis", self.hit_thrombosis.is_none()),
            ("--hit-other-causes", self.hit_other_causes.is_none()),
            ("--prior-heparin", self.prior_heparin.is_none()),
        ]
        .into_iter()
        .filter_map(|(flag, missing)| missing.then_some(flag))
        .collect();
        if !unentered.is_empty() {
            notes.push(format!(
                "4Ts items not entered ({}): they count as unknown, so a 4Ts score is a range; nothing is assumed",
                unentered.join(", ")
            ));
        }
        p.prior_heparin = self.prior_heparin.map(|prior| match prior {
            PriorArg::None => PriorHeparin::None,
            PriorArg::Within30Days => PriorHeparin::Within30Days,
            PriorArg::Between30And100Days => PriorHeparin::Between30And100Days,
        });
        p.heparin_coated_circuit = self.heparin_coated_circuit;
        p.ecmo_low_flow = self.ecmo_low_flow;
        p.pregnant = self.pregnant;
        p.andexanet_exposure = self.andexanet_exposure;
        p.high_bleeding_risk = self.high_bleeding_risk;
        p.hit_history = match self.hit_history {
            None | Some(HitHistoryArg::None) => HitHistory::None,
            Some(HitHistoryArg::RemoteAntibodyNegative) => HitHistory::RemoteAntibodyNegative,
            Some(HitHistoryArg::RecentOrPositive) => HitHistory::RecentOrPositive,
        };
        p.anti_xa_assay = match self.anti_xa_assay {
            None | Some(AssayArg::Unknown) => AntiXaAssay::Unknown,
            Some(AssayArg::AtSupplemented) => AntiXaAssay::AtSupplemented,
            Some(AssayArg::NotSupplemented) => AntiXaAssay::NotSupplemented,
        };
        Ok((p, notes))
    }
}

/// A case ready to analyse, with its protocol and load-time warnings. `notes` are the defaults taken
/// for flags not given; plausibility warnings reach the analysis from the events themselves.
struct Loaded {
    case: Case,
    protocol: Protocol,
    warnings: Vec<String>,
    notes: Vec<String>,
}

/// Every input warning of the file, not only those up to the analysis time: the later ones marked.
fn later_input_warnings(case: &Case, protocol: &Protocol, as_of: ClinicalTime) -> Vec<String> {
    crate::analysis::Prepared::new(case, protocol)
        .warnings()
        .iter()
        .filter(|(t, _)| *t > as_of)
        .map(|(_, w)| format!("after the analysis time: {w}"))
        .collect()
}

fn load_input(input: &Path, patient: &PatientArgs, protocol: Option<&str>) -> Result<Loaded> {
    let ext = input.extension().and_then(|e| e.to_str()).map(str::to_lowercase);
    match ext.as_deref() {
        Some("ron") => {
            if patient.any_given() {
                bail!(
                    "{}: patient flags apply to CSV input only; the case file holds the patient",
                    input.display()
                );
            }
            let loaded = load_case(input)?;
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
                    .map(crate::io::case_migration::migration_note)
                    .into_iter()
                    .collect(),
            })
        }
        Some("csv") => load_csv(input, patient, protocol),
        _ => bail!(
            "{}: input must be a case file (.ron) or an events file (.csv)",
            input.display()
        ),
    }
}

fn load_csv(input: &Path, patient: &PatientArgs, protocol: Option<&str>) -> Result<Loaded> {
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
    let now = ClinicalTime::now_local();
    let import =
        parse_events_csv(&bytes, &protocol.plausibility, patient_probe.weight.kg, Some(now)).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| format!("{}: {e}", input.display())).collect();
            anyhow!("{}", lines.join("\n"))
        })?;
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

fn parse_at(at: Option<&str>, case: &Case) -> Result<ClinicalTime> {
    match at {
        Some(text) => text.parse().map_err(|e| anyhow!("--at: {e}")),
        None => case
            .last_event_time()
            .ok_or_else(|| anyhow!("the case has no events: give --at")),
    }
}

/// Runs a command and writes what it prints to `out` (the binary passes a buffered stdout). `replay
/// --format json` is written step by step as the steps are computed; the other commands write their
/// text at the end.
///
/// # Errors
/// Any input, file or protocol problem, with its location; a failed write (a closed pipe is an
/// `std::io::Error` of kind `BrokenPipe`).
pub fn run_to(command: Command, author: Option<&str>, out: &mut dyn std::io::Write) -> Result<()> {
    if let Command::Replay {
        input,
        protocol,
        format: Format::Json,
        patient,
    } = &command
    {
        let loaded = load_input(input, patient, protocol.as_deref())?;
        return replay_json(&loaded, out);
    }
    out.write_all(run(command, author)?.as_bytes())
        .context("writing the output")
}

/// `replay --format json`: every step explained in full, written as it is computed.
fn replay_json(loaded: &Loaded, out: &mut dyn std::io::Write) -> Result<()> {
    let prepared = Prepared::new(&loaded.case, &loaded.protocol);
    let steps = replay_steps(&loaded.case, &prepared, &loaded.protocol, Detail::Explained);
    write_replay_json(steps, out)
        .map_err(std::io::Error::from)
        .context("writing the output")
}

/// Runs a command; returns what to print on stdout.
///
/// # Errors
/// Any input, file or protocol problem, with its location.
pub fn run(command: Command, author: Option<&str>) -> Result<String> {
    match command {
        Command::Analyze {
            input,
            at,
            protocol,
            format,
            patient,
        } => {
            let loaded = load_input(&input, &patient, protocol.as_deref())?;
            let as_of = parse_at(at.as_deref(), &loaded.case)?;
            let mut analysis = analyze(&loaded.case, &loaded.protocol, as_of);
            analysis.warnings.splice(0..0, loaded.notes);
            analysis
                .warnings
                .extend(later_input_warnings(&loaded.case, &loaded.protocol, as_of));
            Ok(match format {
                Format::Json => to_json(&analysis)?,
                Format::Text => to_text(&analysis),
            })
        }
        Command::Report { input, at, output } => {
            let loaded = load_case(&input)?;
            let as_of = parse_at(at.as_deref(), &loaded.case)?;
            let by = author.map_or_else(crate::app::preferences::system_user, ToOwned::to_owned);
            write_handover(&loaded, as_of, &by, &output)?;
            Ok(format!(
                "wrote the handover of {} as of {as_of} to {}\n",
                input.display(),
                output.display()
            ))
        }
        Command::Import {
            input,
            output,
            protocol,
            title,
            patient,
        } => {
            let mut loaded = load_csv(&input, &patient, protocol.as_deref())?;
            if let Some(t) = title {
                loaded.case.title = t;
            }
            // Each imported row is recorded as entered by the author (`--author`, else the system user).
            let by = author.map_or_else(crate::app::preferences::system_user, ToOwned::to_owned);
            let stamp = crate::model::Stamp::new(crate::model::ClinicalTime::now_local(), by);
            let events = std::mem::take(&mut loaded.case.events);
            loaded
                .case
                .add_audited(events, &stamp, crate::model::AuditAction::Imported)
                .map_err(|e| anyhow::anyhow!("{}", e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
            save_case(&output, &loaded.case)?;
            let mut out = format!(
                "wrote {} ({} events, protocol {})\n",
                output.display(),
                loaded.case.events.len(),
                loaded.protocol.name
            );
            for w in loaded.warnings.iter().chain(&loaded.notes) {
                out.push_str(&format!("warning: {w}\n"));
            }
            Ok(out)
        }
        Command::Replay {
            input,
            protocol,
            format,
            patient,
        } => {
            let loaded = load_input(&input, &patient, protocol.as_deref())?;
            Ok(match format {
                Format::Json => {
                    let mut bytes = Vec::new();
                    replay_json(&loaded, &mut bytes)?;
                    String::from_utf8(bytes)?
                }
                // One headline per step: the decision alone is enough (the sentences are not written).
                Format::Text => replay(&loaded.case, &loaded.protocol, Detail::Decision)
                    .iter()
                    .map(|a| format!("{}  {}\n", a.as_of, a.recommendation.headline()))
                    .collect(),
            })
        }
        Command::CheckProtocol { path } => {
            // A forecast prior (issue 16) is checked by its own rules.
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            if text.contains("clearance_l_per_h_per_kg") {
                let prior =
                    crate::protocol::forecast_prior::ForecastPrior::from_ron_str(&text, &path.display().to_string())?;
                return Ok(format!(
                    "{}: valid forecast prior {}{}\n",
                    path.display(),
                    prior.name,
                    if prior.provisional { " (provisional)" } else { "" }
                ));
            }
            let p = Protocol::from_path(&path)?;
            Ok(format!("{}: valid ({p})\n", path.display()))
        }
        Command::Forecast {
            input,
            at,
            hours,
            times,
            rate,
            bolus,
            format,
            protocol,
            patient,
        } => {
            let loaded = load_input(&input, &patient, protocol.as_deref())?;
            let as_of = parse_at(at.as_deref(), &loaded.case)?;
            let options = forecast::Options {
                hours,
                times: times.as_deref(),
                rate,
                bolus,
                json: format == Format::Json,
            };
            forecast::run(&loaded.case, &loaded.protocol, as_of, &options)
        }
    }
}

/// Writes the handover PDF of a loaded case at `as_of` (atomically: a temporary file, then renamed).
///
/// # Errors
/// The analysis cannot be written as a PDF, or the file cannot be written.
pub fn write_handover(loaded: &crate::io::LoadedCase, as_of: ClinicalTime, by: &str, output: &Path) -> Result<()> {
    let case = &loaded.case;
    let prepared = crate::analysis::Prepared::new(case, &loaded.protocol);
    let analysis = crate::analysis::analyze_prepared(case, &prepared, &loaded.protocol, as_of);
    let patient_line = case.patient_line();
    let printing = crate::present::handover::Printing {
        at: ClinicalTime::now_local(),
        by,
        app_version: env!("CARGO_PKG_VERSION"),
    };
    let sheet = crate::present::handover::handover(
        case,
        &prepared.timeline,
        &loaded.protocol,
        &analysis,
        &patient_line,
        None,
        &printing,
    )?;
    crate::present::pdf::write_handover(&sheet, output)?;
    Ok(())
}
