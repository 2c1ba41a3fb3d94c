//! CSV events: `time,kind,value,unit[,note]`, one event per line. Every problem is reported with its
//! line number, what was found and what is allowed; nothing is dropped silently.

use crate::model::{
    AntiXaLevel, ClinicalTime, Event, EventKind, GramsPerLitre, HeparinRate, Inr, Kilograms, McgPerKgPerMin, MgPerDl,
    MgPerKgPerHour, Milligrams, Millilitres, Percent, PlasmaAmount, PlateletCount, QuantityError, Seconds, Series,
    Units, UnitsPerHour, UnitsPerKgPerHour,
};
use crate::protocol::Plausibility;
use crate::protocol::plausibility::check_event;

/// The header this format requires (a fifth `note` column is optional).
pub const CSV_HEADER: &str = "time,kind,value,unit";

/// Event kinds accepted in the `kind` column.
pub const CSV_KINDS: [&str; 19] = [
    "aptt",
    "anti_xa",
    "antithrombin",
    "act",
    "platelets",
    "fibrinogen",
    "inr",
    "hemoglobin",
    "factor_viii",
    "plasma_free_hb",
    "bilirubin",
    "ufh_bolus",
    "ufh_infusion",
    "at_concentrate",
    "at_recombinant",
    "ffp",
    "argatroban_infusion",
    "bivalirudin_infusion",
    "protamine",
];

/// Reports stop listing after this many problems (the count is still given).
const MAX_REPORTED: usize = 200;

/// One problem, on one line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// Parsed events (in file order) and soft warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvImport {
    pub events: Vec<Event>,
    pub warnings: Vec<String>,
}

/// Bilirubin: 1 mg/dL = 17.1 µmol/L (molar mass 584.7 g/mol).
const BILIRUBIN_UMOL_PER_MG_DL: f64 = 17.1;

/// The units accepted for a kind (as written in the clinical reference; `IU` is read as `units`).
#[must_use]
pub fn allowed_units(kind: &str) -> &'static [&'static str] {
    match kind {
        "aptt" | "act" => &["s"],
        "anti_xa" => &["units/mL"],
        "antithrombin" | "factor_viii" => &["%", "units/mL"],
        "platelets" => &["10^9/L"],
        "fibrinogen" => &["g/L", "mg/dL"],
        "inr" => &[""],
        "hemoglobin" => &["g/L", "g/dL"],
        "plasma_free_hb" => &["mg/dL", "g/L"],
        "bilirubin" => &["mg/dL", "umol/L"],
        "ufh_bolus" | "at_concentrate" | "at_recombinant" => &["units"],
        "ufh_infusion" => &["units/kg/h", "units/h"],
        "ffp" => &["mL", "bags"],
        "argatroban_infusion" => &["mcg/kg/min"],
        "bivalirudin_infusion" => &["mg/kg/h"],
        "protamine" => &["mg"],
        _ => &[],
    }
}

/// Input synonyms: `IU` for `units`, `µmol/L` for `umol/L`, `x10^9/L` for `10^9/L`.
fn normalise_unit(unit: &str) -> String {
    let u = unit.trim();
    let u = u.replace("IU", "units");
    match u.as_str() {
        "µmol/L" | "μmol/L" => "umol/L".to_owned(),
        "x10^9/L" | "×10^9/L" | "10⁹/L" | "×10⁹/L" => "10^9/L".to_owned(),
        _ => u,
    }
}

fn q<T>(r: Result<T, QuantityError>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

/// Builds one event value from a kind code, a number and a unit (the CSV columns and the app's entry
/// form share this, so both accept and refuse exactly the same things).
///
/// # Errors
/// An unknown or ambiguous unit for the kind, or a number that is not a quantity.
pub fn event_kind_from_fields(kind: &str, value: f64, unit: &str) -> Result<EventKind, String> {
    if !CSV_KINDS.contains(&kind) {
        return Err(format!("unknown kind '{kind}'; allowed: {}", CSV_KINDS.join(", ")));
    }
    if !value.is_finite() {
        return Err(format!("{value} is not a finite number"));
    }
    build(kind, value, &normalise_unit(unit))
}

/// The CSV columns of an event value: kind code, number and unit (the inverse of
/// [`event_kind_from_fields`], used to export and to prefill the app's edit form).
#[must_use]
pub fn event_fields(kind: EventKind) -> (&'static str, f64, &'static str) {
    match kind {
        EventKind::Aptt(v) => ("aptt", v.value(), "s"),
        EventKind::AntiXa(v) => ("anti_xa", v.value(), "units/mL"),
        EventKind::Antithrombin(v) => ("antithrombin", v.value(), "%"),
        EventKind::Act(v) => ("act", v.value(), "s"),
        EventKind::Platelets(v) => ("platelets", v.value(), "10^9/L"),
        EventKind::Fibrinogen(v) => ("fibrinogen", v.value(), "g/L"),
        EventKind::Inr(v) => ("inr", v.value(), ""),
        EventKind::Hemoglobin(v) => ("hemoglobin", v.value(), "g/L"),
        EventKind::FactorViii(v) => ("factor_viii", v.value(), "%"),
        EventKind::PlasmaFreeHb(v) => ("plasma_free_hb", v.value(), "mg/dL"),
        EventKind::Bilirubin(v) => ("bilirubin", v.value(), "mg/dL"),
        EventKind::UfhBolus(v) => ("ufh_bolus", v.value(), "units"),
        EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(r)) => ("ufh_infusion", r.value(), "units/kg/h"),
        EventKind::UfhInfusion(HeparinRate::UnitsPerHour(r)) => ("ufh_infusion", r.value(), "units/h"),
        EventKind::AtConcentrate(v) => ("at_concentrate", v.value(), "units"),
        EventKind::AtRecombinant(v) => ("at_recombinant", v.value(), "units"),
        EventKind::Ffp(PlasmaAmount::Millilitres(v)) => ("ffp", v.value(), "mL"),
        EventKind::Ffp(PlasmaAmount::Bags(n)) => ("ffp", f64::from(n), "bags"),
        EventKind::ArgatrobanInfusion(r) => ("argatroban_infusion", r.value(), "mcg/kg/min"),
        EventKind::BivalirudinInfusion(r) => ("bivalirudin_infusion", r.value(), "mg/kg/h"),
        EventKind::Protamine(v) => ("protamine", v.value(), "mg"),
    }
}

fn build(kind: &str, value: f64, unit: &str) -> Result<EventKind, String> {
    Ok(match (kind, unit) {
        ("aptt", "s") => EventKind::Aptt(q(Seconds::new(value))?),
        ("act", "s") => EventKind::Act(q(Seconds::new(value))?),
        ("anti_xa", "units/mL") => EventKind::AntiXa(q(AntiXaLevel::new(value))?),
        ("antithrombin", "%") => EventKind::Antithrombin(q(Percent::new(value))?),
        ("antithrombin", "units/mL") => EventKind::Antithrombin(q(Percent::new(value * 100.0))?),
        ("factor_viii", "%") => EventKind::FactorViii(q(Percent::new(value))?),
        ("factor_viii", "units/mL") => EventKind::FactorViii(q(Percent::new(value * 100.0))?),
        ("platelets", "10^9/L") => EventKind::Platelets(q(PlateletCount::new(value))?),
        ("fibrinogen", "g/L") => EventKind::Fibrinogen(q(GramsPerLitre::new(value))?),
        ("fibrinogen", "mg/dL") => EventKind::Fibrinogen(q(GramsPerLitre::new(value / 100.0))?),
        ("inr", "") => EventKind::Inr(q(Inr::new(value))?),
        ("hemoglobin", "g/L") => EventKind::Hemoglobin(q(GramsPerLitre::new(value))?),
        ("hemoglobin", "g/dL") => EventKind::Hemoglobin(q(GramsPerLitre::new(value * 10.0))?),
        ("plasma_free_hb", "mg/dL") => EventKind::PlasmaFreeHb(q(MgPerDl::new(value))?),
        ("plasma_free_hb", "g/L") => EventKind::PlasmaFreeHb(q(MgPerDl::new(value * 100.0))?),
        ("bilirubin", "mg/dL") => EventKind::Bilirubin(q(MgPerDl::new(value))?),
        ("bilirubin", "umol/L") => EventKind::Bilirubin(q(MgPerDl::new(value / BILIRUBIN_UMOL_PER_MG_DL))?),
        ("ufh_bolus", "units") => EventKind::UfhBolus(q(Units::new(value))?),
        ("ufh_infusion", "units/kg/h") => {
            EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(q(UnitsPerKgPerHour::new(value))?))
        }
        ("ufh_infusion", "units/h") => EventKind::UfhInfusion(HeparinRate::UnitsPerHour(q(UnitsPerHour::new(value))?)),
        ("at_concentrate", "units") => EventKind::AtConcentrate(q(Units::new(value))?),
        ("at_recombinant", "units") => EventKind::AtRecombinant(q(Units::new(value))?),
        ("ffp", "mL") => EventKind::Ffp(PlasmaAmount::Millilitres(q(Millilitres::new(value))?)),
        ("ffp", "bags") => {
            if value.fract() != 0.0 || !(0.0..=100.0).contains(&value) {
                return Err(format!(
                    "ffp in bags must be a whole number from 0 to 100, found {value}"
                ));
            }
            EventKind::Ffp(PlasmaAmount::Bags(value as u32))
        }
        ("argatroban_infusion", "mcg/kg/min") => EventKind::ArgatrobanInfusion(q(McgPerKgPerMin::new(value))?),
        ("bivalirudin_infusion", "mg/kg/h") => EventKind::BivalirudinInfusion(q(MgPerKgPerHour::new(value))?),
        ("protamine", "mg") => EventKind::Protamine(q(Milligrams::new(value))?),
        ("bivalirudin_infusion", "mcg/kg/min") => {
            return Err("bivalirudin is dosed in mg/kg/h; 'mcg/kg/min' is refused as ambiguous (a published summary gives bivalirudin in mcg/kg/min by mistake, a 1,000-fold error): convert and write mg/kg/h".to_owned());
        }
        ("argatroban_infusion", "mg/kg/h") => {
            return Err(
                "argatroban is dosed in mcg/kg/min; 'mg/kg/h' is refused as ambiguous: convert and write mcg/kg/min"
                    .to_owned(),
            );
        }
        _ => {
            let allowed = allowed_units(kind);
            let shown: Vec<String> = allowed
                .iter()
                .map(|u| {
                    if u.is_empty() {
                        "(empty)".to_owned()
                    } else {
                        (*u).to_owned()
                    }
                })
                .collect();
            let found = if unit.is_empty() {
                "(empty)".to_owned()
            } else {
                format!("'{unit}'")
            };
            return Err(format!(
                "unit {found} is not accepted for {kind}; allowed: {}",
                shown.join(", ")
            ));
        }
    })
}

/// Parses CSV text. `weight` converts units/h for plausibility; `now`, when given, refuses future times.
///
/// # Errors
/// Every line's problems (up to a limit, with the total), or a header/empty-file error.
pub fn parse_events_csv(
    bytes: &[u8],
    plausibility: &Plausibility,
    weight: Kilograms,
    now: Option<ClinicalTime>,
) -> Result<CsvImport, Vec<CsvError>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![CsvError {
            line: 1,
            message: format!(
                "the file is empty; the first line must be the header `{CSV_HEADER}` (optionally `,note`)"
            ),
        }]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut errors: Vec<CsvError> = Vec::new();
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    let mut last_in_series: Vec<(Series, ClinicalTime, usize)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    let mut total_errors = 0usize;
    let mut push = |errors: &mut Vec<CsvError>, e: CsvError| {
        total_errors += 1;
        if errors.len() < MAX_REPORTED {
            errors.push(e);
        }
    };
    loop {
        let line = reader.position().line() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: format!("cannot read this line as CSV: {e}"),
                    },
                );
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line() as usize);
        let mut fields = Vec::with_capacity(record.len());
        let mut utf8_ok = true;
        for f in &record {
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s.to_owned()),
                Err(_) => utf8_ok = false,
            }
        }
        if !utf8_ok {
            push(
                &mut errors,
                CsvError {
                    line,
                    message: "the line is not valid UTF-8 text".to_owned(),
                },
            );
            first = false;
            continue;
        }
        if first {
            first = false;
            let header: Vec<String> = fields
                .iter()
                .map(|f| f.trim_start_matches('\u{feff}').to_lowercase())
                .collect();
            let ok = header.len() >= 4
                && header[..4] == ["time", "kind", "value", "unit"]
                && (header.len() == 4 || (header.len() == 5 && header[4] == "note"));
            if !ok {
                return Err(vec![CsvError {
                    line,
                    message: format!(
                        "the header must be `{CSV_HEADER}` (optionally `,note`); found `{}`",
                        fields.join(",")
                    ),
                }]);
            }
            continue;
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        // A quote left open swallows the following lines into one field: refuse it rather than lose
        // those rows silently.
        if fields.iter().any(|f| f.contains(['\n', '\r'])) {
            push(
                &mut errors,
                CsvError {
                    line,
                    message: "a field spans several lines (a quote left open?): the rows it swallowed would be lost; close the quote".to_owned(),
                },
            );
            continue;
        }
        if fields.len() < 4 || fields.len() > 5 {
            push(
                &mut errors,
                CsvError {
                    line,
                    message: format!(
                        "expected 4 or 5 columns (time,kind,value,unit[,note]), found {}",
                        fields.len()
                    ),
                },
            );
            continue;
        }
        let time: ClinicalTime = match fields[0].parse() {
            Ok(t) => t,
            Err(e) => {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: format!("time: {e}"),
                    },
                );
                continue;
            }
        };
        let kind = fields[1].as_str();
        if !CSV_KINDS.contains(&kind) {
            push(
                &mut errors,
                CsvError {
                    line,
                    message: format!("unknown kind '{kind}'; allowed: {}", CSV_KINDS.join(", ")),
                },
            );
            continue;
        }
        let value: f64 = match fields[2].parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            Ok(_) | Err(_) => {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: format!("value '{}' is not a finite number", fields[2]),
                    },
                );
                continue;
            }
        };
        let unit = normalise_unit(&fields[3]);
        let event_kind = match build(kind, value, &unit) {
            Ok(k) => k,
            Err(message) => {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: format!("{kind}: {message}"),
                    },
                );
                continue;
            }
        };
        match check_event(plausibility, event_kind, weight) {
            Ok(Some(w)) => warnings.push(format!("line {line}: {w}")),
            Ok(None) => {}
            Err(e) => {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: e.to_string(),
                    },
                );
                continue;
            }
        }
        if let Some(now) = now
            && time > now
        {
            push(
                &mut errors,
                CsvError {
                    line,
                    message: format!("time {time} is in the future (now is {now})"),
                },
            );
            continue;
        }
        let series = event_kind.series();
        if let Some((_, prev_time, prev_line)) = last_in_series.iter_mut().find(|(s, _, _)| *s == series) {
            if time < *prev_time {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: format!(
                            "{kind} at {time} is earlier than the {kind} at line {prev_line} ({prev_time}): rows of one kind must be in time order"
                        ),
                    },
                );
                continue;
            }
            if time == *prev_time {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: format!(
                            "{kind} at {time} duplicates the time of line {prev_line}: one {kind} per time"
                        ),
                    },
                );
                continue;
            }
            *prev_time = time;
            *prev_line = line;
        } else {
            last_in_series.push((series, time, line));
        }
        let note = fields.get(4).filter(|n| !n.is_empty()).cloned();
        events.push(Event {
            time,
            kind: event_kind,
            note,
        });
    }
    if first {
        return Err(vec![CsvError {
            line: 1,
            message: format!("the file is empty; the first line must be the header `{CSV_HEADER}`"),
        }]);
    }
    if total_errors > errors.len() {
        let shown = errors.len();
        errors.push(CsvError {
            line: errors.last().map_or(1, |e| e.line),
            message: format!(
                "… {} more problems not listed ({total_errors} in all)",
                total_errors - shown
            ),
        });
    }
    if errors.is_empty() {
        Ok(CsvImport { events, warnings })
    } else {
        Err(errors)
    }
}
