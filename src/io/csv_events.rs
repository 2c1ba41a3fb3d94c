//! CSV events: `time,kind,value,unit[,note]`, one event per line. Every problem is reported with its
//! line number, what was found and what is allowed; nothing is dropped silently.

use crate::model::{
    AntiXaLevel, ClinicalTime, Event, EventCode, EventKind, GramsPerLitre, HeparinRate, Inr, Kilograms, McgPerKgPerMin,
    MgPerDl, MgPerKgPerHour, Milligrams, Millilitres, Percent, PlasmaAmount, PlateletCount, QuantityError, Seconds,
    Units, UnitsPerHour, UnitsPerKgPerHour,
};
use crate::protocol::Plausibility;
use crate::protocol::plausibility::check_event;

/// The header this format requires (a fifth `note` column is optional).
pub const CSV_HEADER: &str = "time,kind,value,unit";

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

/// Why a kind, a number and a unit do not make an event value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EventValueError {
    #[error("unknown kind '{kind}'; allowed: {}", EventCode::codes())]
    UnknownKind { kind: String },
    #[error("{value} is not a finite number")]
    NotFinite { value: f64 },
    #[error("{0}")]
    Quantity(#[from] QuantityError),
    #[error("ffp in bags must be a whole number from 0 to 100, found {value}")]
    Bags { value: f64 },
    #[error(
        "bivalirudin is dosed in mg/kg/h; 'mcg/kg/min' is refused as ambiguous (a published summary gives bivalirudin in mcg/kg/min by mistake, a 1,000-fold error): convert and write mg/kg/h"
    )]
    BivalirudinInMcgPerKgPerMin,
    #[error("argatroban is dosed in mcg/kg/min; 'mg/kg/h' is refused as ambiguous: convert and write mcg/kg/min")]
    ArgatrobanInMgPerKgPerHour,
    #[error("unit {} is not accepted for {}; allowed: {}", shown_unit(found), code.code(), allowed_units_text(*code))]
    Unit { found: String, code: EventCode },
}

fn shown_unit(unit: &str) -> String {
    if unit.is_empty() {
        "(empty)".to_owned()
    } else {
        format!("'{unit}'")
    }
}

fn allowed_units_text(code: EventCode) -> String {
    code.units()
        .iter()
        .map(|u| if u.is_empty() { "(empty)" } else { u })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Bilirubin: 1 mg/dL = 17.1 µmol/L (molar mass 584.7 g/mol).
const BILIRUBIN_UMOL_PER_MG_DL: f64 = 17.1;

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

/// Builds one event value from a kind code, a number and a unit (the CSV columns and the app's entry
/// form share this, so both accept and refuse exactly the same things).
///
/// # Errors
/// An unknown kind, an unknown or ambiguous unit for the kind, or a number that is not a quantity.
pub fn event_kind_from_fields(kind: &str, value: f64, unit: &str) -> Result<EventKind, EventValueError> {
    let code = EventCode::from_code(kind).ok_or_else(|| EventValueError::UnknownKind { kind: kind.to_owned() })?;
    if !value.is_finite() {
        return Err(EventValueError::NotFinite { value });
    }
    build(code, value, &normalise_unit(unit))
}

fn build(code: EventCode, value: f64, unit: &str) -> Result<EventKind, EventValueError> {
    use EventCode as C;
    Ok(match (code, unit) {
        (C::Aptt, "s") => EventKind::Aptt(Seconds::new(value)?),
        (C::Act, "s") => EventKind::Act(Seconds::new(value)?),
        (C::AntiXa, "units/mL") => EventKind::AntiXa(AntiXaLevel::new(value)?),
        (C::Antithrombin, "%") => EventKind::Antithrombin(Percent::new(value)?),
        (C::Antithrombin, "units/mL") => EventKind::Antithrombin(Percent::new(value * 100.0)?),
        (C::FactorViii, "%") => EventKind::FactorViii(Percent::new(value)?),
        (C::FactorViii, "units/mL") => EventKind::FactorViii(Percent::new(value * 100.0)?),
        (C::Platelets, "10^9/L") => EventKind::Platelets(PlateletCount::new(value)?),
        (C::Fibrinogen, "g/L") => EventKind::Fibrinogen(GramsPerLitre::new(value)?),
        (C::Fibrinogen, "mg/dL") => EventKind::Fibrinogen(GramsPerLitre::new(value / 100.0)?),
        (C::Inr, "") => EventKind::Inr(Inr::new(value)?),
        (C::Hemoglobin, "g/L") => EventKind::Hemoglobin(GramsPerLitre::new(value)?),
        (C::Hemoglobin, "g/dL") => EventKind::Hemoglobin(GramsPerLitre::new(value * 10.0)?),
        (C::PlasmaFreeHb, "mg/dL") => EventKind::PlasmaFreeHb(MgPerDl::new(value)?),
        (C::PlasmaFreeHb, "g/L") => EventKind::PlasmaFreeHb(MgPerDl::new(value * 100.0)?),
        (C::Bilirubin, "mg/dL") => EventKind::Bilirubin(MgPerDl::new(value)?),
        (C::Bilirubin, "umol/L") => EventKind::Bilirubin(MgPerDl::new(value / BILIRUBIN_UMOL_PER_MG_DL)?),
        (C::UfhBolus, "units") => EventKind::UfhBolus(Units::new(value)?),
        (C::UfhInfusion, "units/kg/h") => {
            EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(UnitsPerKgPerHour::new(value)?))
        }
        (C::UfhInfusion, "units/h") => EventKind::UfhInfusion(HeparinRate::UnitsPerHour(UnitsPerHour::new(value)?)),
        (C::AtConcentrate, "units") => EventKind::AtConcentrate(Units::new(value)?),
        (C::AtRecombinant, "units") => EventKind::AtRecombinant(Units::new(value)?),
        (C::Ffp, "mL") => EventKind::Ffp(PlasmaAmount::Millilitres(Millilitres::new(value)?)),
        (C::Ffp, "bags") => {
            if value.fract() != 0.0 || !(0.0..=100.0).contains(&value) {
                return Err(EventValueError::Bags { value });
            }
            EventKind::Ffp(PlasmaAmount::Bags(value as u32))
        }
        (C::ArgatrobanInfusion, "mcg/kg/min") => EventKind::ArgatrobanInfusion(McgPerKgPerMin::new(value)?),
        (C::BivalirudinInfusion, "mg/kg/h") => EventKind::BivalirudinInfusion(MgPerKgPerHour::new(value)?),
        (C::Protamine, "mg") => EventKind::Protamine(Milligrams::new(value)?),
        (C::BivalirudinInfusion, "mcg/kg/min") => return Err(EventValueError::BivalirudinInMcgPerKgPerMin),
        (C::ArgatrobanInfusion, "mg/kg/h") => return Err(EventValueError::ArgatrobanInMgPerKgPerHour),
        _ => {
            return Err(EventValueError::Unit {
                found: unit.to_owned(),
                code,
            });
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
    let mut last_in_series: Vec<(EventCode, ClinicalTime, usize)> = Vec::new();
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
        let Some(code) = EventCode::from_code(kind) else {
            push(
                &mut errors,
                CsvError {
                    line,
                    message: EventValueError::UnknownKind { kind: kind.to_owned() }.to_string(),
                },
            );
            continue;
        };
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
        let event_kind = match build(code, value, &unit) {
            Ok(k) => k,
            Err(e) => {
                push(
                    &mut errors,
                    CsvError {
                        line,
                        message: format!("{kind}: {e}"),
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
