//! Entry at the bedside speed (issue 13): a whole draw in one row — the time and any of aPTT, anti-Xa,
//! antithrombin, platelets and fibrinogen — added all or nothing with every refused field named; a time
//! typed as the clock alone ("14:05": its most recent past occurrence); and a heparin rate typed in mL/h
//! at the protocol's concentration, converted to units/h with the concentration recorded in the note.

use crate::model::{ClinicalTime, Event, HeparinRate, Kilograms, MlPerHour, UnitsPerMl, num};
use crate::protocol::Plausibility;
use crate::protocol::plausibility::check_event;

use super::csv_events::{below_limit_prefix, event_kind_from_text};
use super::entry::{EventEntry, FieldError, parse_entry_time, parse_number};

/// The labs of one draw, as typed: an empty field is a test not drawn.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrawEntry {
    pub time: String,
    pub aptt: String,
    pub anti_xa: String,
    pub antithrombin: String,
    pub platelets: String,
    pub fibrinogen: String,
    /// What the analyser flagged on the sample: set for every lab of the draw (case format 6).
    pub interference: Option<crate::model::Interference>,
}

impl DrawEntry {
    /// The lab fields: (field name, kind code, unit, typed text).
    #[must_use]
    pub fn labs(&self) -> [(&'static str, &'static str, &'static str, &str); 5] {
        [
            ("aPTT", "aptt", "s", &self.aptt),
            ("anti-Xa", "anti_xa", "units/mL", &self.anti_xa),
            ("antithrombin", "antithrombin", "%", &self.antithrombin),
            ("platelets", "platelets", "10^9/L", &self.platelets),
            ("fibrinogen", "fibrinogen", "g/L", &self.fibrinogen),
        ]
    }

    /// Whether any lab is typed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labs().iter().all(|(_, _, _, text)| text.trim().is_empty())
    }
}

/// A draw parsed: its events (one per typed lab, at one time) and the soft warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    pub events: Vec<Event>,
    pub warnings: Vec<String>,
}

/// Parses a draw with the CSV import's rules; all or nothing: every refused field is returned, named.
///
/// # Errors
/// Each refused field (the time, a lab), or "no lab typed".
pub fn parse_draw(
    entry: &DrawEntry,
    p: &Plausibility,
    weight: Kilograms,
    case_start: ClinicalTime,
    now: Option<ClinicalTime>,
) -> Result<Draw, Vec<FieldError>> {
    let mut errors = Vec::new();
    let time = match parse_entry_time("time", &entry.time, case_start.zone(), now) {
        Ok(t) if t < case_start => {
            errors.push(FieldError {
                field: "time",
                message: format!("{t} is before the case start {case_start}"),
            });
            None
        }
        Ok(t) if now.is_some_and(|n| t.is_in_future(n)) => {
            let message = now.map_or_else(String::new, |n| crate::model::future_refusal(t, n));
            errors.push(FieldError { field: "time", message });
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if entry.is_empty() {
        errors.push(FieldError {
            field: "draw",
            message: "type at least one result".to_owned(),
        });
    }
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    for (field, code, unit, text) in entry.labs() {
        if text.trim().is_empty() {
            continue;
        }
        let (number, below_limit) = below_limit_prefix(text);
        let checked = parse_number(field, number).and_then(|v| {
            let kind = event_kind_from_text(code, v, below_limit, unit).map_err(|e| FieldError {
                field,
                message: e.to_string(),
            })?;
            let warning = check_event(p, kind, weight).map_err(|e| FieldError {
                field,
                message: e.to_string(),
            })?;
            Ok((kind, warning))
        });
        match (checked, time) {
            (Ok((kind, warning)), Some(t)) => {
                let mut event = Event::new(t, kind);
                event.interference = entry.interference;
                events.push(event);
                warnings.extend(warning);
            }
            (Ok(_), None) => {}
            (Err(e), _) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(Draw { events, warnings })
    } else {
        Err(errors)
    }
}

/// A heparin infusion typed in mL/h becomes the same row in units/h at the bag's concentration, with
/// what was typed recorded in the note ("entered as 14.4 mL/h at 100 units/mL"). Any other row is
/// returned as it is.
///
/// # Errors
/// The mL/h value is not a number.
pub fn heparin_ml_per_h_to_units(entry: &EventEntry, concentration: UnitsPerMl) -> Result<EventEntry, FieldError> {
    if entry.kind != "ufh_infusion" || entry.unit != "mL/h" {
        return Ok(entry.clone());
    }
    let ml_h = parse_number("value", &entry.value)?;
    let pump = MlPerHour::new(ml_h).map_err(|e| FieldError {
        field: "value",
        message: e.to_string(),
    })?;
    let units_h = pump.value() * concentration.value();
    let entered = format!("entered as {pump} at {concentration}");
    let note = if entry.note.trim().is_empty() {
        entered
    } else {
        format!("{}; {entered}", entry.note.trim())
    };
    Ok(EventEntry {
        value: num(units_h, 3).to_string().replace(',', ""),
        unit: "units/h".to_owned(),
        note,
        ..entry.clone()
    })
}

/// A heparin rate in its three forms, for the entry form to show before it is recorded: "= 18 units/kg/h
/// = 1440 units/h = 14.4 mL/h at 100 units/mL (heparin dosing weight 80 kg)".
#[must_use]
pub fn heparin_rate_equivalents(rate: HeparinRate, heparin_weight: Kilograms, concentration: UnitsPerMl) -> String {
    let per_hour = rate.units_per_hour(heparin_weight);
    format!(
        "= {} = {} = {} at {} (heparin dosing weight {})",
        rate.units_per_kg_per_hour(heparin_weight),
        per_hour,
        per_hour.pump_rate(concentration),
        concentration,
        heparin_weight
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;

    fn now() -> ClinicalTime {
        ClinicalTime::constant(2026, 10, 2, 8, 20)
    }

    #[test]
    fn a_clock_time_is_its_most_recent_past_occurrence() {
        let t = |s| parse_entry_time("time", s, crate::model::Zone::UTC, Some(now())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t("08:00"), ClinicalTime::constant(2026, 10, 2, 8, 0));
        assert_eq!(
            t("8:24"),
            ClinicalTime::constant(2026, 10, 2, 8, 24),
            "within the 5-minute tolerance"
        );
        assert_eq!(
            t("14:05"),
            ClinicalTime::constant(2026, 10, 1, 14, 5),
            "yesterday afternoon"
        );
        assert_eq!(t("2026-10-02T06:00"), ClinicalTime::constant(2026, 10, 2, 6, 0));
        assert!(parse_entry_time("time", "25:00", crate::model::Zone::UTC, Some(now())).is_err());
        assert!(
            parse_entry_time("time", "14:05", crate::model::Zone::UTC, None).is_err(),
            "no clock to place it"
        );
    }

    #[test]
    fn a_draw_is_added_all_or_nothing_with_each_refusal_named() {
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        let w = Kilograms::constant(80.0);
        let start = ClinicalTime::constant(2026, 10, 1, 0, 0);
        let draw = DrawEntry {
            time: "06:00".to_owned(),
            aptt: "62".to_owned(),
            anti_xa: "0.45".to_owned(),
            ..DrawEntry::default()
        };
        let ok = parse_draw(&draw, &p.plausibility, w, start, Some(now())).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ok.events.len(), 2);
        assert!(
            ok.events
                .iter()
                .all(|e| e.time == ClinicalTime::constant(2026, 10, 2, 6, 0))
        );
        assert!(ok.events.iter().all(|e| e.interference.is_none()));
        // The sample's flag goes with every lab of the draw.
        let flagged = DrawEntry {
            interference: Some(crate::model::Interference::Haemolysed),
            ..draw.clone()
        };
        let ok = parse_draw(&flagged, &p.plausibility, w, start, Some(now())).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            ok.events
                .iter()
                .all(|e| e.interference == Some(crate::model::Interference::Haemolysed))
        );
        let bad = DrawEntry {
            anti_xa: "0,45".to_owned(),
            platelets: "9000".to_owned(),
            ..draw
        };
        let errors = parse_draw(&bad, &p.plausibility, w, start, Some(now()))
            .err()
            .unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["anti-Xa", "platelets"], "{errors:?}");
    }

    #[test]
    fn millilitres_per_hour_become_units_per_hour_at_the_bag() {
        let entry = EventEntry {
            time: "2026-10-02T06:00".to_owned(),
            kind: "ufh_infusion".to_owned(),
            value: "14.4".to_owned(),
            unit: "mL/h".to_owned(),
            ..EventEntry::default()
        };
        let bag = UnitsPerMl::new(100.0).unwrap_or_else(|e| panic!("{e}"));
        let converted = heparin_ml_per_h_to_units(&entry, bag).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((converted.value.as_str(), converted.unit.as_str()), ("1440", "units/h"));
        assert_eq!(converted.note, "entered as 14.4 mL/h at 100 units/mL");
        let rate = HeparinRate::UnitsPerHour(crate::model::UnitsPerHour::constant(1440.0));
        let shown = heparin_rate_equivalents(rate, Kilograms::constant(80.0), bag);
        assert!(
            shown.contains("18 units/kg/h") && shown.contains("1,440 units/h") && shown.contains("14.4 mL/h"),
            "{shown}"
        );
    }
}
