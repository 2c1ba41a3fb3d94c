#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! Time zones (issue 22, clinical reference §14.8): a case's times are wall-clock times of its IANA zone,
//! every duration is on absolute time, a time a clock change skipped or repeated is refused with the
//! change named, and the command line reads, refuses and writes zones as decisions.md says.

use anticoag_planner::analysis::Timeline;
use anticoag_planner::io::parse_events_csv;
use anticoag_planner::model::{
    Case, ClinicalTime, EventKind, Kilograms, Patient, Setting, TimeParseError, Weight, WeightKind, Zone,
};
use anticoag_planner::protocol::Protocol;
use proptest::prelude::*;

use crate::cli::run;
use crate::common;

fn paris() -> Zone {
    Zone::named("Europe/Paris").unwrap()
}

#[test]
fn a_time_the_spring_change_skipped_is_refused_naming_the_change() {
    let err = ClinicalTime::parse_in("2026-03-29T02:30", paris()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "02:30 on 29 Mar 2026 does not exist in Europe/Paris: clocks went from 02:00 to 03:00"
    );
    // New York springs forward at 02:00 too, on its own date.
    let ny = Zone::named("America/New_York").unwrap();
    let err = ClinicalTime::parse_in("2026-03-08T02:15", ny).unwrap_err();
    assert_eq!(
        err.to_string(),
        "02:15 on 8 Mar 2026 does not exist in America/New_York: clocks went from 02:00 to 03:00"
    );
}

#[test]
fn a_time_the_autumn_change_repeated_needs_its_offset() {
    let err = ClinicalTime::parse_in("2026-10-25T02:30", paris()).unwrap_err();
    assert!(matches!(err, TimeParseError::OccursTwice(_)));
    assert_eq!(
        err.to_string(),
        "02:30 on 25 Oct 2026 occurs twice in Europe/Paris (clocks went back from 03:00 to 02:00): write it with its offset, 2026-10-25T02:30+02:00 for the first or 2026-10-25T02:30+01:00 for the second"
    );
    let first = ClinicalTime::parse_in("2026-10-25T02:30+02:00", paris()).unwrap();
    let second = ClinicalTime::parse_in("2026-10-25T02:30+01:00", paris()).unwrap();
    assert_eq!(second.minutes_since(first), 60, "the same wall clock an hour apart");
    // Shown with the offset that tells them apart, everywhere; other times as the wall clock alone.
    assert_eq!(first.to_string(), "2026-10-25T02:30+02:00");
    assert_eq!(second.to_string(), "2026-10-25T02:30+01:00");
    assert_eq!(first.plus_minutes(120).to_string(), "2026-10-25T03:30");
    // An offset the zone did not have then is refused.
    let err = ClinicalTime::parse_in("2026-10-25T02:30+05:00", paris()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2026-10-25T02:30+05:00: Europe/Paris was at +02:00 then (that instant), not +05:00"
    );
}

#[test]
fn a_clock_change_night_is_23_or_25_hours_long() {
    let t = |text: &str| ClinicalTime::parse_in(text, paris()).unwrap();
    assert_eq!(t("2026-03-29T12:00").hours_since(t("2026-03-28T12:00")), 23.0);
    assert_eq!(t("2026-10-25T12:00").hours_since(t("2026-10-24T12:00")), 25.0);
    // 24 h of absolute time after noon on the spring day is 13:00 on the wall.
    assert_eq!(t("2026-03-28T12:00").plus_hours(24.0).to_string(), "2026-03-29T13:00");
    // The start of the spring day is still midnight; the day is 23 h long.
    let day = t("2026-03-29T15:00").start_of_day();
    assert_eq!(day.to_string(), "2026-03-29T00:00");
}

#[test]
fn a_case_file_carries_its_zone_and_its_times_with_offsets() {
    let zone = paris();
    let start = ClinicalTime::parse_in("2026-10-24T20:00", zone).unwrap();
    let patient = Patient::new(
        Weight {
            kg: Kilograms::new(80.0).unwrap(),
            measured_at: start,
            kind: WeightKind::Actual,
        },
        Setting::Icu,
    );
    let mut case = Case::new("autumn", "adult-icu", start, patient);
    for (text, kind) in [
        (
            "2026-10-25T02:30+02:00",
            EventKind::Aptt(anticoag_planner::model::Seconds::new(50.0).unwrap()),
        ),
        (
            "2026-10-25T02:20+01:00",
            EventKind::Aptt(anticoag_planner::model::Seconds::new(55.0).unwrap()),
        ),
    ] {
        case.events.push(anticoag_planner::model::Event::new(
            ClinicalTime::parse_in(text, zone).unwrap(),
            kind,
        ));
    }
    case.sort_events();
    assert_eq!(case.time_zone, zone);
    let text = anticoag_planner::io::to_ron_string(&case);
    assert!(text.contains("time_zone: \"Europe/Paris\""), "{text}");
    assert!(text.contains("\"2026-10-25T02:20+01:00\""), "{text}");
    // Read back on a workstation in another zone: the file's own zone is used, nothing moves.
    let again =
        anticoag_planner::io::parse_case(&text, "autumn.ron", None, Zone::named("Asia/Tokyo").unwrap()).unwrap();
    assert!(!again.zone_from_workstation);
    assert_eq!(again.case.time_zone, zone);
    assert_eq!(again.case.events, case.events);
    assert_eq!(again.case.events[1].time.to_string(), "2026-10-25T02:20+01:00");
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn the_command_line_reads_csv_times_in_the_zone_given_and_refuses_another_for_a_case_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        &dir,
        "spring.csv",
        "time,kind,value,unit\n2026-03-28T11:30,aptt,30,s\n2026-03-28T12:00,ufh_infusion,20,units/kg/h\n2026-03-29T12:00,anti_xa,0.45,units/mL\n",
    );
    let flags = ["--weight-kg", "75", "--setting", "icu", "--baseline-aptt", "30"];
    let (ok, out, err) = run(&[
        &["analyze", &csv, "--format", "json", "--time-zone", "Europe/Paris"][..],
        &flags,
    ]
    .concat());
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["time_zone"], "Europe/Paris");
    assert_eq!(v["as_of"], "2026-03-29T12:00+02:00");
    assert_eq!(v["heparin"]["units_last_24h"], 34500.0);
    // Text names the zone when it is not the workstation's (pinned to UTC).
    let (ok, out, err) = run(&[&["analyze", &csv, "--time-zone", "Europe/Paris"][..], &flags].concat());
    assert!(ok, "{err}");
    assert!(
        out.starts_with("Times are wall-clock times of Europe/Paris (this workstation: UTC)"),
        "{out}"
    );
    // --at is a wall-clock time of the case's zone, refused when the clock skipped it.
    let (ok, _, err) = run(&[
        &[
            "analyze",
            &csv,
            "--time-zone",
            "Europe/Paris",
            "--at",
            "2026-03-29T02:30",
        ][..],
        &flags,
    ]
    .concat());
    assert!(
        !ok && err.contains("--at: 02:30 on 29 Mar 2026 does not exist in Europe/Paris"),
        "{err}"
    );
    // Imported, the case carries the zone; a different --time-zone on it is refused.
    let case = dir.path().join("spring.ron").to_string_lossy().into_owned();
    let (ok, _, err) = run(&[
        &["import", &csv, "-o", &case, "--time-zone", "Europe/Paris"][..],
        &flags,
    ]
    .concat());
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["analyze", &case, "--format", "json"]);
    assert!(ok, "{err}");
    assert!(out.contains("\"time_zone\": \"Europe/Paris\""), "{out}");
    let (ok, _, err) = run(&["analyze", &case, "--time-zone", "UTC"]);
    assert!(!ok && err.contains("its own time zone, Europe/Paris"), "{err}");
    let (ok, _, err) = run(&["analyze", &case, "--time-zone", "Europe/Paris"]);
    assert!(ok, "the case's own zone may be named: {err}");
    let (ok, _, err) = run(&["analyze", &csv, "--time-zone", "Mars/Olympus"]);
    assert!(!ok && err.contains("unknown time zone 'Mars/Olympus'"), "{err}");
}

/// Zones with and without clock changes, both hemispheres, a half-hour offset.
const ZONES: [&str; 6] = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Rates generated as absolute instants around the clock changes of a random zone, written as its
    /// wall clock (with the offset where the clock repeats) and read back through the CSV reader: the
    /// heparin of every 24 h window is the sum computed from the instants.
    #[test]
    fn exposure_over_24_h_is_computed_on_absolute_time_in_any_zone(
        zone_index in 0..ZONES.len(),
        // Hours from 2026-03-27T00:00Z to the first rate: spans the March changes of both hemispheres
        // and, with the steps, reaches April (the southern change).
        first in 0_i64..(24 * 12),
        steps in proptest::collection::vec((1_i64..(18 * 60), 0.0_f64..2000.0), 1..12),
    ) {
        let zone = Zone::named(ZONES[zone_index]).unwrap();
        let origin = ClinicalTime::constant(2026, 3, 27, 0, 0).in_zone(zone);
        let mut rows = String::from("time,kind,value,unit\n");
        let mut at = origin.plus_minutes(first * 60);
        let mut rates = Vec::new();
        for (gap, units_per_h) in &steps {
            let rate = units_per_h.round();
            rates.push((at, rate));
            rows.push_str(&format!("{at},ufh_infusion,{rate},units/h\n"));
            at = at.plus_minutes(*gap);
        }
        let end = at;
        let p = Protocol::builtin("adult-icu").unwrap();
        let kg = Kilograms::new(80.0).unwrap();
        let import = parse_events_csv(rows.as_bytes(), &p.plausibility, kg, zone, None).unwrap();
        for (event, (at, _)) in import.events.iter().zip(&rates) {
            prop_assert_eq!(event.time, *at, "{} read back as another instant", at);
        }
        let mut case = Case::new(
            "zones",
            "adult-icu",
            origin,
            Patient::new(Weight { kg, measured_at: origin, kind: WeightKind::Actual }, Setting::Icu),
        );
        case.events = import.events;
        case.sort_events();
        let tl = Timeline::new(&case, kg);
        // Every 24 h window ending on a rate change or at the end.
        for window_end in rates.iter().map(|(t, _)| *t).chain([end]) {
            let window_start = window_end.plus_minutes(-24 * 60);
            let expected: f64 = rates
                .iter()
                .enumerate()
                .map(|(i, (from, rate))| {
                    let to = rates.get(i + 1).map_or(end, |(t, _)| *t).min(end);
                    let a = (*from).max(window_start);
                    let b = to.min(window_end);
                    if b > a { rate * b.minutes_since(a) as f64 / 60.0 } else { 0.0 }
                })
                .sum();
            // The last rate runs on past `end`: count only up to `window_end`.
            let got = tl.heparin_units_between(window_start, window_end).value();
            let last_running = rates.last().map_or(0.0, |(t, rate)| {
                if window_end > *t && end < window_end { rate * window_end.minutes_since(end.max(*t)) as f64 / 60.0 } else { 0.0 }
            });
            prop_assert!((got - expected - last_running).abs() < 1e-6 * (1.0 + expected),
                "{}: {} to {}: {} units, expected {}", zone, window_start, window_end, got, expected + last_running);
        }
    }
}

#[test]
fn the_bundled_and_teaching_cases_say_their_zone() {
    for (label, _, text) in anticoag_planner::app::demo_cases::DEMO_CASES {
        let loaded =
            anticoag_planner::io::parse_case(text, label, Some(&common::root()), Zone::named("Asia/Tokyo").unwrap())
                .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert!(!loaded.zone_from_workstation, "{label}: names its zone");
        assert!(
            loaded.case.notes.contains("Times are"),
            "{label}: its notes say which zone and why"
        );
    }
}

#[test]
fn a_file_is_its_instants_whatever_offsets_it_was_written_with() {
    // An entry stamp written on a UTC workstation in a Paris case (+00:00): the same instant, shown on the
    // case's clock, never a refusal (found in review: such a file could not be reopened).
    let text = std::fs::read_to_string(common::root().join("tests/cases/pseudo-resistance.ron"))
        .unwrap()
        .replace("time_zone: \"UTC\"", "time_zone: \"Europe/Paris\"")
        .replace(
            "case_start: \"2024-03-01T00:00\"",
            "case_start: \"2024-02-29T23:00+00:00\"",
        );
    let loaded = anticoag_planner::io::parse_case(&text, "x.ron", None, Zone::UTC).unwrap();
    assert_eq!(
        loaded.case.case_start.to_string(),
        "2024-03-01T00:00",
        "on the Paris clock"
    );
    assert_eq!(loaded.case.case_start.zone(), paris());
}

#[test]
fn an_older_file_that_names_a_zone_is_read_in_it() {
    // Found in review: a version-4 file with a time_zone had its times read in the workstation's zone
    // and its zone taken from the file.
    let text = std::fs::read_to_string(common::root().join("tests/cases/pseudo-resistance.ron"))
        .unwrap()
        .replace("version: 8,", "version: 4,")
        .replace("protocols: {icu: \"adult-icu\"}", "protocol: \"adult-icu\"")
        .replace("time_zone: \"UTC\"", "time_zone: \"Europe/Paris\"");
    let loaded = anticoag_planner::io::parse_case(&text, "x.ron", None, Zone::UTC).unwrap();
    assert!(!loaded.zone_from_workstation);
    assert_eq!(loaded.case.case_start.zone(), paris());
    assert_eq!(loaded.case.case_start.to_string(), "2024-03-01T00:00");
    // Without a zone, a time its workstation zone skipped is refused with the way out.
    let old = std::fs::read_to_string(common::root().join("tests/cases/pseudo-resistance.ron"))
        .unwrap()
        .replace("version: 8,", "version: 4,")
        .replace("protocols: {icu: \"adult-icu\"}", "protocol: \"adult-icu\"")
        .replace("    time_zone: \"UTC\",\n", "")
        .replace("case_start: \"2024-03-01T00:00\"", "case_start: \"2024-03-31T02:30\"");
    let err = anticoag_planner::io::parse_case(&old, "x.ron", None, paris())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("does not exist in Europe/Paris") && err.contains("--time-zone"),
        "{err}"
    );
}

#[test]
fn zone_names_are_the_databases_spelling_and_a_posix_rule_is_a_zone() {
    assert_eq!(Zone::named("europe/paris").unwrap(), paris());
    assert_eq!(Zone::named("europe/paris").unwrap().name(), "Europe/Paris");
    assert_eq!(Zone::named("utc").unwrap(), Zone::UTC);
    assert_eq!(Zone::named("Etc/UTC").unwrap().name(), "UTC");
    // A TZ rule: the Paris rules written out; the spring night is 23 h on it too.
    let rule = Zone::named("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
    let t = |text: &str| ClinicalTime::parse_in(text, rule).unwrap();
    assert_eq!(t("2026-03-29T12:00").hours_since(t("2026-03-28T12:00")), 23.0);
}

#[test]
fn the_clock_alone_near_a_clock_change_is_the_latest_that_has_come() {
    let t = |text: &str| ClinicalTime::parse_in(text, paris()).unwrap();
    // 02:30 typed at 01:30 on the spring night: today's 02:30 never comes; yesterday's is meant.
    let at = t("2026-03-29T01:30").latest_at_clock(2, 30).unwrap();
    assert_eq!(at.to_string(), "2026-03-28T02:30");
    // 02:30 typed at the second 02:40 on the autumn night: the second 02:30, ten minutes ago.
    let now = t("2026-10-25T02:40+01:00");
    assert_eq!(
        now.latest_at_clock(2, 30).unwrap().to_string(),
        "2026-10-25T02:30+01:00"
    );
    // At the first 02:40, only the first 02:30 has come.
    let now = t("2026-10-25T02:40+02:00");
    assert_eq!(
        now.latest_at_clock(2, 30).unwrap().to_string(),
        "2026-10-25T02:30+02:00"
    );
    // A space before the offset is read; the form's message names the offset form.
    assert_eq!(t("2026-10-25T02:30 +01:00").to_string(), "2026-10-25T02:30+01:00");
    let err = ClinicalTime::parse_in("25/10/2026 02:30", paris())
        .unwrap_err()
        .to_string();
    assert!(err.contains("an offset such as +01:00 may follow"), "{err}");
}

#[test]
fn a_refusal_for_the_future_says_now_on_the_same_clock() {
    let now = ClinicalTime::constant(2026, 3, 29, 8, 0); // UTC: 10:00 in Paris
    let later = ClinicalTime::parse_in("2026-03-29T11:00", paris()).unwrap();
    assert_eq!(
        anticoag_planner::model::future_refusal(later, now),
        "2026-03-29T11:00 is in the future (now is 2026-03-29T10:00; a time more than 5 minutes ahead is refused)"
    );
}

#[test]
fn time_axis_ticks_stay_on_the_clock_across_a_clock_change() {
    use anticoag_planner::present::chart::axes::{time_label, time_ticks};
    // Found in review: ticks were spaced in absolute hours from the first midnight, so after the change
    // they fell on 01:00, 07:00… and the day labels vanished.
    let start = ClinicalTime::parse_in("2026-03-28T00:00", paris()).unwrap();
    let ticks = time_ticks(start, 0.0, 47.0, 800.0, 100.0);
    let labels: Vec<String> = ticks.iter().map(|t| time_label(start, t.value)).collect();
    assert_eq!(
        labels,
        [
            "28 Mar", "06:00", "12:00", "18:00", "29 Mar", "06:00", "12:00", "18:00", "30 Mar"
        ],
        "{ticks:?}"
    );
}
