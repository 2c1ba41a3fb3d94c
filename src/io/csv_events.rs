//! CSV events: `time,kind,value,unit[,note[,reason]]`, one event per line (`reason`: why an infusion
//! was stopped, on a rate-0 row only). Every problem is reported with its
//! line number, what was found and what is allowed; nothing is dropped silently.

use crate::model::lab_table::{converted, lab_table};
use crate::model::{
    ClinicalTime, Event, EventCode, EventKind, HeparinRate, Interference, Kilograms, McgPerKgPerMin, MgPerKgPerHour,
    Milligrams, Millilitres, MlPerMin, OtherAnticoagulant, OtherDose, PlasmaAmount, Quantity, QuantityError, Setting,
    StopReason, Units, UnitsPerHour, UnitsPerKgPerHour, Zone,
};
use crate::protocol::Plausibility;
use crate::protocol::plausibility::check_event;

/// The header this format requires (a fifth `note` and a sixth `reason` column are optional).
pub const CSV_HEADER: &str = "time,kind,value,unit";

/// Reports stop listing after this many problems (the count is still given).
const MAX_REPORTED: usize = 200;

/// One problem, on one line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {}", crate::model::plain_text::escaped(message))]
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
    /// A platelet count is a whole number × 10⁹/L on every analyser: a fraction is a slip (the review: 0.4
    /// was shown as 0 and the card said stop and call).
    #[error(
        "platelets {value}: a platelet count is a whole number × 10⁹/L (e.g. 40) — check the decimal point and the unit"
    )]
    PlateletsNotWhole { value: f64 },
    #[error(
        "bivalirudin is dosed in mg/kg/h; 'mcg/kg/min' is refused as ambiguous (a published summary gives bivalirudin in mcg/kg/min by mistake, a 1,000-fold error): convert and write mg/kg/h"
    )]
    BivalirudinInMcgPerKgPerMin,
    #[error("argatroban is dosed in mcg/kg/min; 'mg/kg/h' is refused as ambiguous: convert and write mcg/kg/min")]
    ArgatrobanInMgPerKgPerHour,
    #[error("unit {} is not accepted for {}; allowed: {}", shown_unit(found), code.code(), allowed_units_text(*code))]
    Unit { found: String, code: EventCode },
    #[error(
        "'<' records a result below the assay's lower limit, for anti_xa in units/mL only (e.g. <0.1); {code} takes a number"
    )]
    BelowLimitNotAntiXa { code: &'static str },
    #[error("{message}")]
    Implausible { message: String },
    #[error("'{found}' is not a value of {code}: write one of {allowed} in the value column, the unit empty")]
    Word {
        code: &'static str,
        found: String,
        allowed: String,
    },
    #[error(
        "an anti-Xa below {limit} units/mL: an assay's lower limit is at most {BELOW_LIMIT_MAX} units/mL (the clinical rules read the limit as the value, so a higher one could pass for a level in range); enter the measured value"
    )]
    BelowLimitTooHigh { limit: f64 },
}

/// The highest lower limit of an anti-Xa assay accepted with `<` (units/mL). Anti-Xa assays quantify
/// from about 0.05–0.1 units/mL; every protocol's lowest nomogram band begins above 0.2, so reading `<L`
/// as L never moves a result into another band.
pub const BELOW_LIMIT_MAX: f64 = 0.2;

/// An event from its kind code, its value as written (a number, or `<L` for an anti-Xa below the assay's
/// limit L) and its unit — the one reading shared by the CSV importer and the entry form.
///
/// # Errors
/// An unknown kind or unit, a value that is not a number, or `<` for another kind than anti-Xa.
pub fn event_kind_from_text(
    kind: &str,
    value: f64,
    below_limit: bool,
    unit: &str,
) -> Result<EventKind, EventValueError> {
    let event = event_kind_from_fields(kind, value, unit)?;
    if let EventKind::Platelets(count) = event
        && count.value().fract() != 0.0
    {
        return Err(EventValueError::PlateletsNotWhole { value: count.value() });
    }
    if !below_limit {
        return Ok(event);
    }
    match event {
        EventKind::AntiXa(limit) if limit.value() <= BELOW_LIMIT_MAX => Ok(EventKind::AntiXaBelow(limit)),
        EventKind::AntiXa(limit) => Err(EventValueError::BelowLimitTooHigh { limit: limit.value() }),
        other => Err(EventValueError::BelowLimitNotAntiXa {
            code: EventCode::of(other).code(),
        }),
    }
}

/// An event whose value is a word (the unit empty), if the kind is one: `circuit_change,oxygenator`.
///
/// # Errors
/// A word the kind does not take, or a unit.
pub fn word_event(code: EventCode, word: &str, unit: &str) -> Option<Result<EventKind, EventValueError>> {
    use crate::model::{AssayResult, CircuitPart, EcmoFlow, RrtWord, SurgeryRisk, YesNo};
    let word = word.trim().to_lowercase();
    let read = |found: Option<EventKind>, allowed: String| {
        if !unit.trim().is_empty() {
            return Err(EventValueError::Unit {
                found: unit.to_owned(),
                code,
            });
        }
        found.ok_or(EventValueError::Word {
            code: code.code(),
            found: word.clone(),
            allowed,
        })
    };
    Some(match code {
        EventCode::CircuitChange => read(
            CircuitPart::from_code(&word).map(EventKind::CircuitChange),
            CircuitPart::codes(),
        ),
        EventCode::SurgeryEnd => read(
            SurgeryRisk::from_code(&word).map(EventKind::SurgeryEnd),
            SurgeryRisk::codes(),
        ),
        EventCode::HitImmunoassay => read(
            AssayResult::from_code(&word).map(EventKind::HitImmunoassay),
            AssayResult::codes(),
        ),
        EventCode::HitFunctionalAssay => read(
            AssayResult::from_code(&word).map(EventKind::HitFunctionalAssay),
            AssayResult::codes(),
        ),
        EventCode::SettingFrom => read(
            crate::model::Setting::from_code(&word).map(EventKind::SettingFrom),
            crate::model::Setting::codes(),
        ),
        EventCode::RrtFrom => read(RrtWord::from_code(&word).map(EventKind::RrtFrom), RrtWord::codes()),
        EventCode::HepaticImpairmentFrom => read(
            YesNo::from_code(&word).map(EventKind::HepaticImpairmentFrom),
            YesNo::codes(),
        ),
        EventCode::HighBleedingRiskFrom => read(
            YesNo::from_code(&word).map(EventKind::HighBleedingRiskFrom),
            YesNo::codes(),
        ),
        EventCode::BleedingFrom => read(YesNo::from_code(&word).map(EventKind::BleedingFrom), YesNo::codes()),
        EventCode::PregnancyFrom => read(YesNo::from_code(&word).map(EventKind::PregnancyFrom), YesNo::codes()),
        EventCode::EcmoFlowFrom => read(
            EcmoFlow::from_code(&word).map(EventKind::EcmoFlowFrom),
            EcmoFlow::codes(),
        ),
        _ => return None,
    })
}

/// A decimal comma ("0,35": digits, one comma, not three digits after it — those could be thousands): the
/// refusal names it and the number to write (clinical reference §14.4), echoing what was typed.
#[must_use]
pub fn decimal_comma(text: &str) -> Option<String> {
    let (whole, fraction) = text.trim().split_once(',')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(whole) && digits(fraction) && fraction.len() != 3)
        .then(|| format!("'{}' has a decimal comma: write {whole}.{fraction}", text.trim()))
}

/// Splits a written value into its number text and whether it was `<L` (below an assay's limit).
#[must_use]
pub fn below_limit_prefix(text: &str) -> (&str, bool) {
    let t = text.trim();
    match t.strip_prefix('<') {
        Some(rest) => (rest.trim(), true),
        None => (t, false),
    }
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

/// A lab value in any unit its row of the lab table accepts (`model::lab_table`), converted to the
/// stored one; `None` for a dose kind or a unit the lab does not take.
macro_rules! lab_from_fields {
    ($($lab:ident($ty:ty) $field:ident $code:literal $label:literal $noun:literal
        [$stored:literal $(, $alt:literal $op:tt $factor:literal)*]
        reported $reported:tt limit $limit:tt flowsheet $sheet:literal),+ $(,)?) => {
        fn lab_from_fields(code: EventCode, value: f64, unit: &str) -> Option<Result<EventKind, EventValueError>> {
            match (code, unit) {
                $(
                    (EventCode::$lab, $stored) => Some(<$ty as Quantity>::try_new(value).map(EventKind::$lab).map_err(Into::into)),
                    $(
                        (EventCode::$lab, $alt) => Some(
                            <$ty as Quantity>::try_new(converted!(value, $op $factor))
                                .map(EventKind::$lab)
                                .map_err(Into::into),
                        ),
                    )*
                )+
                _ => None,
            }
        }
    };
}
lab_table!(lab_from_fields);

fn build(code: EventCode, value: f64, unit: &str) -> Result<EventKind, EventValueError> {
    use EventCode as C;
    if let Some(lab) = lab_from_fields(code, value, unit) {
        return lab;
    }
    if let Some(drug) = OtherAnticoagulant::from_code(code.code())
        && unit == drug.unit()
    {
        let dose = if drug.dosed_in_units() {
            OtherDose::Units(Units::new(value)?)
        } else {
            OtherDose::Milligrams(Milligrams::new(value)?)
        };
        return Ok(EventKind::OtherAnticoagulant(drug, dose));
    }
    Ok(match (code, unit) {
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
        (C::CrclFrom, "mL/min") => {
            let crcl = MlPerMin::new(value)?;
            crate::protocol::plausibility::check_crcl(crcl)
                .map_err(|message| EventValueError::Implausible { message })?;
            EventKind::CrclFrom(crcl)
        }
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

/// The problems of a file: each with its line, up to a limit (the total is still counted).
#[derive(Default)]
struct Problems {
    shown: Vec<CsvError>,
    total: usize,
}

impl Problems {
    fn push(&mut self, line: usize, message: impl Into<String>) {
        self.total += 1;
        if self.shown.len() < MAX_REPORTED {
            self.shown.push(CsvError {
                line,
                message: message.into(),
            });
        }
    }

    fn into_result<T>(mut self, ok: T) -> Result<T, Vec<CsvError>> {
        if self.total > self.shown.len() {
            let shown = self.shown.len();
            self.shown.push(CsvError {
                line: self.shown.last().map_or(1, |e| e.line),
                message: format!(
                    "… {} more problems not listed ({} in all)",
                    self.total - shown,
                    self.total
                ),
            });
        }
        // The rows' own problems come first, the limits' after: shown in line order.
        self.shown.sort_by_key(|e| e.line);
        if self.shown.is_empty() { Ok(ok) } else { Err(self.shown) }
    }
}

/// What the rows must agree on: per series, times rise (one result per minute).
#[derive(Default)]
struct SeriesOrder {
    last: Vec<(EventCode, ClinicalTime, usize)>,
}

impl SeriesOrder {
    fn check(&mut self, code: EventCode, time: ClinicalTime, line: usize) -> Result<(), String> {
        let kind = code.code();
        let Some((_, prev_time, prev_line)) = self.last.iter_mut().find(|(c, _, _)| *c == code) else {
            self.last.push((code, time, line));
            return Ok(());
        };
        if time < *prev_time {
            return Err(format!(
                "{kind} at {time} is earlier than the {kind} at line {prev_line} ({prev_time}): rows of one kind must be in time order"
            ));
        }
        if time == *prev_time {
            return Err(format!(
                "{kind} at {time} duplicates the time of line {prev_line}: one {kind} per time"
            ));
        }
        *prev_time = time;
        *prev_line = line;
        Ok(())
    }
}

/// The optional columns after the first four, read by their header name in any order.
const OPTIONAL_COLUMNS: [&str; 4] = ["note", "reason", "interference", "confirmed"];

/// Where the optional columns are, from the header row.
#[derive(Debug, Clone, Copy, Default)]
struct Columns {
    note: Option<usize>,
    reason: Option<usize>,
    interference: Option<usize>,
    confirmed: Option<usize>,
    /// Fields in the header: a row with more is refused (an unquoted comma in a note).
    count: usize,
}

/// The header row: `time,kind,value,unit`, then any of the optional columns by name, each once.
fn check_header(fields: &[String], line: usize) -> Result<Columns, Vec<CsvError>> {
    let header: Vec<String> = fields
        .iter()
        .map(|f| f.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let refuse = |why: String| {
        Err(vec![CsvError {
            line,
            message: format!(
                "the header must be `{CSV_HEADER}`, then any of {} by name; {why}; found `{}`",
                OPTIONAL_COLUMNS.join(", "),
                // At most 60 characters of what was found: a file that is not a CSV is not echoed whole
                // (review of issue 26: `import /etc/shadow` printed its first line).
                crate::model::plain_text::cut(&fields.join(","), 60)
            ),
        }])
    };
    if header.len() < 4 || header[..4] != ["time", "kind", "value", "unit"] {
        return refuse("the first four columns are fixed".to_owned());
    }
    let mut columns = Columns {
        count: header.len(),
        ..Columns::default()
    };
    for (i, name) in header.iter().enumerate().skip(4) {
        let slot = match name.as_str() {
            "note" => &mut columns.note,
            "reason" => &mut columns.reason,
            "interference" => &mut columns.interference,
            "confirmed" => &mut columns.confirmed,
            other => return refuse(format!("unknown column '{other}'")),
        };
        if slot.replace(i).is_some() {
            return refuse(format!("column '{name}' appears twice"));
        }
    }
    Ok(columns)
}

/// One data row as an event, or the row's problem (its limits are checked once every row is read: they
/// depend on the setting in effect at its time).
fn parse_row(fields: &[String], columns: Columns, zone: Zone, now: Option<ClinicalTime>) -> Result<Event, String> {
    // A quote left open swallows the following lines into one field: refuse it rather than lose
    // those rows silently.
    if fields.iter().any(|f| f.contains(['\n', '\r'])) {
        return Err(
            "a field spans several lines (a quote left open?): the rows it swallowed would be lost; close the quote"
                .to_owned(),
        );
    }
    if fields.len() < 4 {
        return Err(format!(
            "expected at least the 4 columns time,kind,value,unit, found {}",
            fields.len()
        ));
    }
    if fields.len() > columns.count {
        return Err(format!(
            "{} fields but the header has {}: quote the note? (a comma inside a note needs the note in double quotes)",
            fields.len(),
            columns.count
        ));
    }
    let time = ClinicalTime::parse_in(&fields[0], zone).map_err(|e| format!("time: {e}"))?;
    let kind = fields[1].as_str();
    let code =
        EventCode::from_code(kind).ok_or_else(|| EventValueError::UnknownKind { kind: kind.to_owned() }.to_string())?;
    let event_kind = match word_event(code, &fields[2], &fields[3]) {
        Some(word) => word.map_err(|e| format!("{kind}: {e}"))?,
        None => {
            let (number, below_limit) = below_limit_prefix(&fields[2]);
            let value: f64 = match number.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                Ok(_) | Err(_) => {
                    return Err(decimal_comma(&fields[2])
                        .unwrap_or_else(|| format!("value '{}' is not a finite number", fields[2])));
                }
            };
            event_kind_from_text(kind, value, below_limit, &fields[3]).map_err(|e| format!("{kind}: {e}"))?
        }
    };
    if let Some(now) = now
        && time.is_in_future(now)
    {
        return Err(format!("time {}", crate::model::future_refusal(time, now)));
    }
    let note = columns.note.and_then(|i| fields.get(i)).cloned();
    let reason = match columns.reason.and_then(|i| fields.get(i)).map(String::as_str) {
        None | Some("") => None,
        Some(code) => Some(StopReason::from_code(code).ok_or_else(|| {
            format!(
                "reason '{code}' is not a stop reason; allowed: {}",
                StopReason::ALL.map(StopReason::code).join(", ")
            )
        })?),
    };
    let mut event = Event::new(time, event_kind)
        .with_note(note)
        .with_reason(reason)
        .map_err(|e| e.to_string())?;
    event.interference = match columns.interference.and_then(|i| fields.get(i)).map(|f| f.trim()) {
        None | Some("") => None,
        Some(_) if !event_kind.is_lab() => {
            return Err(format!("interference belongs to a lab result; {kind} is not one"));
        }
        Some(word) => Some(
            Interference::from_code(&word.to_lowercase())
                .ok_or_else(|| format!("interference '{word}' is not one of {}", Interference::codes()))?,
        ),
    };
    event.confirmed = match columns.confirmed.and_then(|i| fields.get(i)).map(|f| f.trim()) {
        None | Some("") => false,
        Some(word) if word.eq_ignore_ascii_case("yes") => true,
        Some(word) => return Err(format!("confirmed '{word}': write yes, or leave it empty")),
    };
    Ok(event)
}

/// A record's fields as text, or `None` when a field is not UTF-8.
fn text_fields(record: &csv::ByteRecord) -> Option<Vec<String>> {
    record
        .iter()
        .map(|f| std::str::from_utf8(f).ok().map(str::to_owned))
        .collect()
}

/// The rows read, in file order, with their lines; the problems found so far.
struct Rows {
    events: Vec<Event>,
    lines: Vec<usize>,
    problems: Problems,
}

/// Reads every row as an event (every time a wall-clock time of `zone` or written with its offset; `now`,
/// when given, refuses future times), without the protocol's limits.
fn read_rows(bytes: &[u8], zone: Zone, now: Option<ClinicalTime>) -> Result<Rows, Vec<CsvError>> {
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
    let mut rows = Rows {
        events: Vec::new(),
        lines: Vec::new(),
        problems: Problems::default(),
    };
    let mut order = SeriesOrder::default();
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    let mut columns = Columns::default();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                rows.problems.push(line, format!("cannot read this line as CSV: {e}"));
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line() as usize);
        let Some(fields) = text_fields(&record) else {
            rows.problems.push(line, "the line is not valid UTF-8 text");
            first = false;
            continue;
        };
        if std::mem::take(&mut first) {
            columns = check_header(&fields, line)?;
            continue;
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        let row = parse_row(&fields, columns, zone, now)
            .and_then(|event| order.check(event.kind.series(), event.time, line).map(|()| event));
        match row {
            Ok(event) => {
                rows.events.push(event);
                rows.lines.push(line);
            }
            Err(message) => rows.problems.push(line, message),
        }
    }
    if first {
        return Err(vec![CsvError {
            line: 1,
            message: format!("the file is empty; the first line must be the header `{CSV_HEADER}`"),
        }]);
    }
    Ok(rows)
}

/// Checks each row against the limits in effect at its time (hard limits refuse it, soft ones warn), and
/// returns the import or every problem.
fn checked<'a>(
    mut rows: Rows,
    limits_at: &dyn Fn(ClinicalTime) -> &'a Plausibility,
    weight: Kilograms,
) -> Result<CsvImport, Vec<CsvError>> {
    let mut warnings = Vec::new();
    for (event, &line) in rows.events.iter().zip(&rows.lines) {
        match check_event(limits_at(event.time), event.kind, weight) {
            Ok(Some(w)) => warnings.push(format!("line {line}: {w}")),
            Ok(None) => {}
            Err(e) => rows.problems.push(line, e.to_string()),
        }
    }
    rows.problems.into_result(CsvImport {
        events: rows.events,
        warnings,
    })
}

/// Parses CSV text with one protocol's limits for every row. `weight` converts units/h for plausibility;
/// every time is a wall-clock time of `zone` (or written with its offset); `now`, when given, refuses
/// future times.
///
/// # Errors
/// Every line's problems (up to a limit, with the total), or a header/empty-file error.
pub fn parse_events_csv(
    bytes: &[u8],
    plausibility: &Plausibility,
    weight: Kilograms,
    zone: Zone,
    now: Option<ClinicalTime>,
) -> Result<CsvImport, Vec<CsvError>> {
    checked(read_rows(bytes, zone, now)?, &|_| plausibility, weight)
}

/// Parses CSV text whose rows may change the setting (`setting` rows, case format 7): each row is checked
/// by the limits of the setting in effect at its time, `limits_of` giving each setting's. The setting at
/// the case start is `start` when the caller knows it, else that of a `setting` row at the first time;
/// returned with the import. `known` are the setting rows of the case the rows join (none for a new case).
///
/// # Errors
/// As [`parse_events_csv`], and a file whose case-start setting is neither given nor a row.
pub fn parse_events_csv_in_settings<'a>(
    bytes: &[u8],
    start: Option<Setting>,
    known: &[(ClinicalTime, Setting)],
    limits_of: &dyn Fn(Setting) -> &'a Plausibility,
    weight: Kilograms,
    zone: Zone,
    now: Option<ClinicalTime>,
) -> Result<(CsvImport, Setting), Vec<CsvError>> {
    let mut rows = read_rows(bytes, zone, now)?;
    let first_time = rows.events.iter().map(|e| e.time).min();
    let mut changes: Vec<(ClinicalTime, Setting, usize)> = rows
        .events
        .iter()
        .zip(&rows.lines)
        .filter_map(|(e, &line)| match e.kind {
            EventKind::SettingFrom(s) => Some((e.time, s, line)),
            _ => None,
        })
        .collect();
    changes.sort_by_key(|(t, _, _)| *t);
    let from_rows_at_start = changes.first().copied();
    changes.extend(known.iter().map(|&(t, s)| (t, s, 0)));
    changes.sort_by_key(|(t, _, _)| *t);
    let at_start = from_rows_at_start
        .filter(|(t, _, _)| Some(*t) == first_time)
        .map(|(_, s, _)| s);
    let Some(start) = start.or(at_start) else {
        rows.problems.push(
            rows.lines.first().copied().unwrap_or(2),
            "no setting at the case start: --setting is required unless a `setting` row (icu, ecmo_vv, ecmo_va, cpb) is at the first time",
        );
        return rows.problems.into_result((
            CsvImport {
                events: Vec::new(),
                warnings: Vec::new(),
            },
            Setting::Icu,
        ));
    };
    let setting_at = |t: ClinicalTime| {
        changes[..changes.partition_point(|(at, _, _)| *at <= t)]
            .last()
            .map_or(start, |(_, s, _)| *s)
    };
    checked(rows, &|t| limits_of(setting_at(t)), weight).map(|import| (import, start))
}

#[cfg(test)]
mod tests;
