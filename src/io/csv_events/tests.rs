//! The CSV reader's unit tests.

use super::*;
use crate::protocol::Protocol;

fn parse(text: &str) -> Result<CsvImport, Vec<CsvError>> {
    let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
    parse_events_csv(
        text.as_bytes(),
        &p.plausibility,
        Kilograms::constant(80.0),
        Zone::UTC,
        None,
    )
}

#[test]
fn each_kind_reads_its_units_and_converts_to_the_stored_one() {
    let rows = [
        ("fibrinogen", "250", "mg/dL", "fibrinogen 2.5 g/L"),
        ("bilirubin", "34.2", "µmol/L", "bilirubin 2 mg/dL"),
        ("antithrombin", "0.63", "units/mL", "antithrombin 63%"),
        ("hemoglobin", "9.6", "g/dL", "hemoglobin 96 g/L"),
        (
            "at_concentrate",
            "1000",
            "IU",
            "antithrombin concentrate (plasma-derived) 1,000 units",
        ),
        ("ufh_infusion", "1200", "units/h", "heparin infusion 1,200 units/h"),
        ("ffp", "2", "bags", "fresh frozen plasma 2 bags"),
        ("inr", "1.3", "", "INR 1.3"),
    ];
    for (kind, value, unit, described) in rows {
        let kind = event_kind_from_fields(kind, value.parse().unwrap_or(f64::NAN), unit)
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(kind.describe(), described);
    }
}

#[test]
fn ambiguous_and_unknown_units_and_kinds_are_refused_by_name() {
    let refused = |kind: &str, unit: &str| event_kind_from_fields(kind, 1.0, unit).unwrap_err().to_string();
    assert!(refused("bivalirudin_infusion", "mcg/kg/min").contains("1,000-fold error"));
    assert!(refused("argatroban_infusion", "mg/kg/h").contains("ambiguous"));
    assert_eq!(
        refused("aptt", "min"),
        "unit 'min' is not accepted for aptt; allowed: s"
    );
    assert!(refused("heparin", "units").starts_with("unknown kind 'heparin'; allowed: aptt, anti_xa"));
    assert!(event_kind_from_fields("ffp", 1.5, "bags").is_err());
}

#[test]
fn rows_of_one_kind_must_rise_in_time() {
    let text =
        "time,kind,value,unit\n2025-01-01T08:00,aptt,40,s\n2025-01-01T07:00,aptt,41,s\n2025-01-01T08:00,aptt,42,s\n";
    let errors = parse(text).unwrap_err();
    assert_eq!(errors.len(), 2);
    assert!(
        errors[0]
            .to_string()
            .starts_with("line 3: aptt at 2025-01-01T07:00 is earlier than the aptt at line 2")
    );
    assert!(errors[1].message.contains("duplicates the time of line 2"));
}

#[test]
fn soft_limits_warn_and_the_note_is_kept() {
    let text = "time,kind,value,unit,note\n2025-01-01T08:00,aptt,160,s,lab called\n";
    let import = parse(text).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(import.events[0].note.as_deref(), Some("lab called"));
    assert!(import.warnings[0].starts_with("line 2: aPTT 160 s is above 150 s"));
}

#[test]
fn problems_beyond_the_limit_are_counted() {
    let mut text = "time,kind,value,unit\n".to_owned();
    for _ in 0..(MAX_REPORTED + 5) {
        text.push_str("bad,row\n");
    }
    let errors = parse(&text).unwrap_err();
    assert_eq!(errors.len(), MAX_REPORTED + 1);
    assert!(
        errors[MAX_REPORTED]
            .message
            .contains("5 more problems not listed (205 in all)")
    );
}

#[test]
fn a_decimal_comma_is_named_with_the_number_to_write() {
    assert_eq!(
        decimal_comma("0,35").as_deref(),
        Some("'0,35' has a decimal comma: write 0.35")
    );
    assert_eq!(
        decimal_comma("1,000"),
        None,
        "three digits after a comma may be thousands"
    );
    assert_eq!(decimal_comma("abc"), None);
    let errors = parse("time,kind,value,unit\n2026-10-01T06:00,anti_xa,\"0,35\",units/mL\n").unwrap_err();
    assert!(errors[0].message.contains("decimal comma: write 0.35"), "{errors:?}");
}
