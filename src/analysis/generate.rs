//! Generated cases for benchmarks and property tests: a long ECMO course with q2h paired labs, hourly
//! heparin rate changes and daily platelets/antithrombin. Deterministic (no randomness, no clock).

use crate::model::{
    AntiXaLevel, Case, ClinicalTime, Event, EventKind, HeparinRate, Kilograms, Patient, Percent, PlateletCount,
    Seconds, Setting, Units, UnitsPerKgPerHour, Weight, WeightKind,
};

/// An adult VV-ECMO case of `days` days: 80 kg, baseline aPTT 30 s, a cannulation bolus, then a rate
/// change every hour, an aPTT/anti-Xa pair every 2 h, platelets and antithrombin daily.
#[must_use]
pub fn ecmo_course(days: u32) -> Case {
    const START: ClinicalTime = ClinicalTime::constant(2025, 1, 1, 0, 0);
    let start = START;
    const KG: Kilograms = Kilograms::constant(80.0);
    let kg = KG;
    let mut patient = Patient::new(
        Weight {
            kg,
            measured_at: start,
            kind: WeightKind::Actual,
        },
        Setting::EcmoVv,
    );
    patient.baseline_aptt = Seconds::new(30.0).ok();
    let mut case = Case::new(
        format!("generated {days}-day ECMO course"),
        "adult-ecmo",
        start,
        patient,
    );
    let mut push = |minutes: i64, kind: Option<EventKind>| {
        if let Some(kind) = kind {
            case.events.push(Event::new(start.plus_minutes(minutes), kind));
        }
    };
    push(30, Units::new(6000.0).ok().map(EventKind::UfhBolus));
    let hours = i64::from(days) * 24;
    for h in 1..hours {
        // A slow wave of rates between 12 and 24 units/kg/h.
        let phase = (h % 48) as f64 / 48.0;
        let rate = 12.0 + 12.0 * (phase * std::f64::consts::TAU).sin().abs();
        push(
            h * 60,
            UnitsPerKgPerHour::new((rate * 10.0).round() / 10.0)
                .ok()
                .map(|r| EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(r))),
        );
        if h % 2 == 0 {
            let xa = 0.15 + 0.4 * phase;
            push(
                h * 60 + 30,
                AntiXaLevel::new((xa * 100.0).round() / 100.0)
                    .ok()
                    .map(EventKind::AntiXa),
            );
            push(h * 60 + 35, Seconds::new(38.0 + 40.0 * phase).ok().map(EventKind::Aptt));
        }
        if h % 24 == 6 {
            push(
                h * 60 + 5,
                PlateletCount::new(180.0 - (h / 24) as f64 * 2.0)
                    .ok()
                    .map(EventKind::Platelets),
            );
            push(
                h * 60 + 5,
                Percent::new(55.0 + (h / 24 % 5) as f64 * 5.0)
                    .ok()
                    .map(EventKind::Antithrombin),
            );
        }
    }
    case.sort_events();
    case
}

/// The first `rows` events of a generated ECMO course as the CSV that `import` reads (with its header),
/// for the import benchmarks: about 49 rows a day, the times moved to start on 1 January 1940 so that
/// none is in the future even at a million rows.
#[must_use]
pub fn ecmo_course_csv(rows: usize) -> String {
    use std::fmt::Write as _;
    const FROM: ClinicalTime = ClinicalTime::constant(1940, 1, 1, 0, 0);
    let days = u32::try_from(rows / 45 + 2).unwrap_or(u32::MAX);
    let course = ecmo_course(days);
    let mut csv = String::from("time,kind,value,unit\n");
    for event in course.events.iter().take(rows) {
        let (code, value, unit) = crate::model::event_fields(event.kind);
        let time = FROM.plus_minutes(event.time.minutes_since(course.case_start));
        let _ = writeln!(csv, "{time},{},{value},{unit}", code.code());
    }
    csv
}
