//! Typed entry: what a person types into the app's fields, parsed into typed values. Each refusal names
//! the field and says what is allowed, so the form can show it beside the field; nothing unparsed or
//! implausible reaches the engine. The CSV import and the entry form share the event rules.

use crate::model::{Centimetres, ClinicalTime, Event, Kilograms, MlPerMin, Seconds, StopReason, Zone};
use crate::protocol::Plausibility;
use crate::protocol::plausibility::{check_baseline_aptt, check_event, check_weight};

use super::csv_events::{below_limit_prefix, event_kind_from_text};

/// A refused field: which one and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

pub fn refuse(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A plain decimal number. A comma is refused rather than guessed: "1,000" (thousands) and "0,5"
/// (decimal comma) would be read 1,000-fold apart.
///
/// # Errors
/// Empty, a comma, not a number, or not finite.
pub fn parse_number(field: &'static str, text: &str) -> Result<f64, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(refuse(field, "required: type a number"));
    }
    if t.contains(',') {
        return Err(refuse(
            field,
            super::csv_events::decimal_comma(t).unwrap_or_else(|| {
                format!(
                    "'{t}' contains a comma; write digits with a decimal point and no thousands separator (1000, 0.5)"
                )
            }),
        ));
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(refuse(field, format!("'{t}' is not a number"))),
    }
}

/// A body weight in kg, within the protocol's hard range; the soft warning comes back with it.
///
/// # Errors
/// Not a number, negative, or outside the hard range.
pub fn parse_weight(text: &str, p: &Plausibility) -> Result<(Kilograms, Option<String>), FieldError> {
    const FIELD: &str = "weight";
    let value = parse_number(FIELD, text)?;
    if value == 0.0 {
        return Err(refuse(FIELD, "0 kg is not a weight"));
    }
    let kg = Kilograms::new(value).map_err(|e| refuse(FIELD, e.to_string()))?;
    let warning = check_weight(p, kg).map_err(|e| refuse(FIELD, e.to_string()))?;
    Ok((kg, warning))
}

/// A baseline aPTT in seconds, or nothing when the field is empty (unknown baseline: ratio targets
/// then cannot be computed and the engine says so).
///
/// # Errors
/// Not a number, negative, or outside the aPTT hard range.
pub fn parse_baseline_aptt(text: &str, p: &Plausibility) -> Result<Option<Seconds>, FieldError> {
    const FIELD: &str = "baseline aPTT";
    if text.trim().is_empty() {
        return Ok(None);
    }
    let s = Seconds::new(parse_number(FIELD, text)?).map_err(|e| refuse(FIELD, e.to_string()))?;
    check_baseline_aptt(p, s).map_err(|e| refuse(FIELD, e.to_string()))?;
    Ok(Some(s))
}

/// A creatinine clearance in mL/min, or nothing when empty (unknown).
///
/// # Errors
/// Not a number or negative.
pub fn parse_crcl(text: &str) -> Result<Option<MlPerMin>, FieldError> {
    const FIELD: &str = "CrCl";
    if text.trim().is_empty() {
        return Ok(None);
    }
    let crcl = MlPerMin::new(parse_number(FIELD, text)?).map_err(|e| refuse(FIELD, e.to_string()))?;
    crate::protocol::plausibility::check_crcl(crcl).map_err(|e| refuse(FIELD, e))?;
    Ok(Some(crcl))
}

/// Height in cm; empty is "not entered".
///
/// # Errors
/// Not a number, or not above 0.
pub fn parse_height(text: &str) -> Result<Option<Centimetres>, FieldError> {
    const FIELD: &str = "height";
    if text.trim().is_empty() {
        return Ok(None);
    }
    Centimetres::new(parse_number(FIELD, text)?)
        .map(Some)
        .map_err(|e| refuse(FIELD, e.to_string()))
}

/// A time on the case clock, `YYYY-MM-DDTHH:MM` (a space is accepted for the `T`), a wall-clock time of
/// `zone` or written with its offset.
///
/// # Errors
/// Unparseable, skipped by a clock change, or repeated by one and written without its offset.
pub fn parse_time(field: &'static str, text: &str, zone: Zone) -> Result<ClinicalTime, FieldError> {
    let t = text.trim().replacen(' ', "T", 1);
    ClinicalTime::parse_in(&t, zone).map_err(|e| refuse(field, e.to_string()))
}

/// A time as typed in an entry form, a wall-clock time of `zone`: `YYYY-MM-DDTHH:MM` (or a space for the
/// `T`, an offset after it), or the clock alone (`14:05`, `9:30`) meaning its most recent occurrence at or
/// before `now`.
///
/// # Errors
/// Neither form, a clock time without a `now` to place it, or a time a clock change skipped or repeated.
pub fn parse_entry_time(
    field: &'static str,
    text: &str,
    zone: Zone,
    now: Option<ClinicalTime>,
) -> Result<ClinicalTime, FieldError> {
    let t = text.trim();
    // Up to two digits, a colon, two digits: small enough for i8.
    let clock = t.split_once(':').and_then(|(h, m)| {
        let all_digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
        (all_digits(h) && m.len() == 2 && all_digits(m))
            .then(|| h.parse::<i8>().ok().zip(m.parse::<i8>().ok()))
            .flatten()
    });
    match (clock, now) {
        (Some((h, m)), Some(now)) => now.in_zone(zone).latest_at_clock(h, m).map_err(|e| FieldError {
            field,
            message: match e {
                crate::model::TimeParseError::Form { .. } => format!("'{t}' is not a time of day (00:00–23:59)"),
                other => other.to_string(),
            },
        }),
        (Some(_), None) => Err(FieldError {
            field,
            message: format!("'{t}': write the date too (YYYY-MM-DDTHH:MM)"),
        }),
        (None, _) => parse_time(field, t, zone),
    }
}

/// Whether `text` is a clock alone ("14:05"), which [`parse_entry_time`] reads as its latest past
/// occurrence.
fn is_clock_alone(text: &str) -> bool {
    let t = text.trim();
    !t.contains('T') && t.contains(':') && t.len() <= 5
}

/// A clock alone typed into a case whose last event is long past is refused (the review: "08:10" in a
/// 2019 teaching case was read as today, seven years on, and the 2019 infusion as still running): the
/// date must be typed when the time it reads as is [`crate::analysis::clock::CLOCK_APPLIES_WITHIN_H`]
/// hours or more after the case's latest event.
///
/// # Errors
/// The typed clock, the time it reads as and the case's latest event, in words.
pub fn refuse_clock_alone_after_a_gap(
    field: &'static str,
    text: &str,
    read_as: ClinicalTime,
    latest_event: Option<ClinicalTime>,
) -> Result<(), FieldError> {
    let gap_h = crate::analysis::clock::CLOCK_APPLIES_WITHIN_H;
    match latest_event {
        Some(latest) if is_clock_alone(text) && read_as.hours_since(latest) >= gap_h as f64 => Err(FieldError {
            field,
            message: format!(
                "'{}' reads as {read_as}, {gap_h} h or more after the case's last event ({latest}): type the date in full (YYYY-MM-DDTHH:MM)",
                text.trim()
            ),
        }),
        _ => Ok(()),
    }
}

/// One typed row of the timeline form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventEntry {
    pub time: String,
    /// A CSV kind code (`aptt`, `ufh_infusion`, …).
    pub kind: String,
    pub value: String,
    pub unit: String,
    pub note: String,
    /// A stop reason code (`procedure`, `bleeding`, …) for an infusion stopped with rate 0; empty: none
    /// recorded.
    pub reason: String,
}

/// Parses a typed row into an event with the same rules as the CSV import: a time not before the case
/// start (nor after `now` when given), a unit the kind allows, a value inside the hard range. The soft
/// warning, if any, comes back with the event.
///
/// # Errors
/// The first refused field, named.
pub fn parse_event_entry(
    entry: &EventEntry,
    p: &Plausibility,
    weight: Kilograms,
    case_start: ClinicalTime,
    now: Option<ClinicalTime>,
) -> Result<(Event, Option<String>), FieldError> {
    let time = parse_entry_time("time", &entry.time, case_start.zone(), now)?;
    if time < case_start {
        return Err(refuse("time", format!("{time} is before the case start {case_start}")));
    }
    if let Some(now) = now
        && time.is_in_future(now)
    {
        return Err(refuse("time", crate::model::future_refusal(time, now)));
    }
    let word = crate::model::EventCode::from_code(&entry.kind)
        .and_then(|code| super::csv_events::word_event(code, &entry.value, &entry.unit));
    let kind = match word {
        Some(word) => word.map_err(|e| refuse("value", e.to_string()))?,
        None => {
            let (number, below_limit) = below_limit_prefix(&entry.value);
            let value = parse_number("value", number)?;
            event_kind_from_text(&entry.kind, value, below_limit, &entry.unit)
                .map_err(|e| refuse("value", e.to_string()))?
        }
    };
    let warning = check_event(p, kind, weight).map_err(|e| refuse("value", e.to_string()))?;
    let reason = match entry.reason.trim() {
        "" => None,
        code => Some(StopReason::from_code(code).ok_or_else(|| {
            refuse(
                "reason",
                format!(
                    "'{code}' is not a stop reason; allowed: {}",
                    StopReason::ALL.map(StopReason::code).join(", ")
                ),
            )
        })?),
    };
    let event = Event::new(time, kind)
        .with_note(Some(entry.note.trim().to_owned()))
        .with_reason(reason)
        .map_err(|e| refuse("reason", e.to_string()))?;
    Ok((event, warning))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;

    fn plausibility() -> Plausibility {
        Protocol::builtin("adult-ecmo")
            .map(|p| p.plausibility.clone())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn start() -> ClinicalTime {
        ClinicalTime::constant(2024, 1, 1, 0, 0)
    }

    fn entry(time: &str, kind: &str, value: &str, unit: &str) -> EventEntry {
        EventEntry {
            time: time.into(),
            kind: kind.into(),
            value: value.into(),
            unit: unit.into(),
            note: String::new(),
            reason: String::new(),
        }
    }

    #[test]
    fn weight_field_refuses_with_the_allowed_range() {
        let p = plausibility();
        let e = parse_weight("900", &p).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("weight: ") && e.contains("accepted range"), "{e}");
        assert_eq!(parse_weight("abc", &p).err().map(|e| e.field), Some("weight"));
        assert!(parse_weight("1,000", &p).is_err_and(|e| e.message.contains("comma")));
        assert!(parse_weight("-70", &p).is_err_and(|e| e.message.contains("negative")));
        assert!(parse_weight("0", &p).is_err());
        assert_eq!(parse_weight(" 90.9 ", &p).map(|(kg, _)| kg.value()), Ok(90.9));
    }

    #[test]
    fn optional_fields_are_empty_or_valid() {
        let p = plausibility();
        assert_eq!(parse_baseline_aptt("", &p), Ok(None));
        assert_eq!(
            parse_baseline_aptt("29", &p).map(|s| s.map(Seconds::value)),
            Ok(Some(29.0))
        );
        assert!(parse_baseline_aptt("5000", &p).is_err());
        assert_eq!(parse_crcl("  "), Ok(None));
        assert!(parse_crcl("NaN").is_err());
    }

    #[test]
    fn an_entry_row_follows_the_csv_rules() {
        let p = plausibility();
        let w = Kilograms::new(80.0).unwrap_or_else(|e| panic!("{e}"));
        let ok = parse_event_entry(&entry("2024-01-02 06:00", "aptt", "55", "s"), &p, w, start(), None);
        assert!(ok.is_ok_and(|(e, _)| e.kind.describe() == "aPTT 55 s"));
        let biv = parse_event_entry(
            &entry("2024-01-02T06:00", "bivalirudin_infusion", "0.1", "mcg/kg/min"),
            &p,
            w,
            start(),
            None,
        );
        assert!(biv.is_err_and(|e| e.field == "value" && e.message.contains("ambiguous")));
        let early = parse_event_entry(&entry("2023-12-31T06:00", "aptt", "55", "s"), &p, w, start(), None);
        assert!(early.is_err_and(|e| e.field == "time" && e.message.contains("before the case start")));
        let huge = parse_event_entry(&entry("2024-01-02T06:00", "aptt", "9999", "s"), &p, w, start(), None);
        assert!(huge.is_err_and(|e| e.message.contains("accepted range")));
        let bad_time = parse_event_entry(&entry("yesterday", "aptt", "50", "s"), &p, w, start(), None);
        assert!(bad_time.is_err_and(|e| e.field == "time"));
    }
}
