//! Tests of the timeline index.
use super::*;
use crate::model::{
    AntiXaLevel, Event, HeparinRate, LabKind, Minutes, Patient, Seconds, Setting, UnitsPerKgPerHour, Weight, WeightKind,
};

fn t(h: i64) -> ClinicalTime {
    ClinicalTime::constant(2025, 1, 1, 0, 0).plus_minutes(h * 60)
}

fn case(events: Vec<(i64, EventKind)>) -> Case {
    let kg = Kilograms::new(80.0).unwrap();
    let patient = Patient::new(
        Weight {
            kg,
            measured_at: t(0),
            kind: WeightKind::Actual,
        },
        Setting::Icu,
    );
    let mut c = Case::new("t", "adult-icu", t(0), patient);
    c.events = events.into_iter().map(|(h, k)| Event::new(t(h), k)).collect();
    c
}

fn timeline(c: &Case) -> Timeline {
    Timeline::new(c, c.patient.weight.kg)
}

fn ufh(rate: f64) -> EventKind {
    EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(UnitsPerKgPerHour::new(rate).unwrap()))
}

#[test]
fn heparin_is_the_sum_of_boluses_and_the_integral_of_the_rate() {
    // 80 kg: 5,000-unit bolus at 0 h, 18 units/kg/h (1,440 units/h) from 0 to 10 h, then 20 (1,600).
    let tl = timeline(&case(vec![
        (0, EventKind::UfhBolus(Units::new(5000.0).unwrap())),
        (0, ufh(18.0)),
        (10, ufh(20.0)),
    ]));
    assert!((tl.cumulative_heparin_units(t(10)).value() - (5000.0 + 14_400.0)).abs() < 1e-9);
    assert!((tl.cumulative_heparin_units(t(12)).value() - (5000.0 + 14_400.0 + 3_200.0)).abs() < 1e-9);
    assert!((tl.heparin_units_between(t(10), t(12)).value() - 3_200.0).abs() < 1e-9);
    assert_eq!(tl.heparin_units_per_recent_hour(t(12), 2).len(), 2);
}

#[test]
fn a_stop_ends_its_infusion_and_a_dti_start_ends_heparin() {
    let tl = timeline(&case(vec![
        (0, ufh(18.0)),
        (5, ufh(0.0)),
        (6, ufh(12.0)),
        (8, EventKind::ArgatrobanInfusion(McgPerKgPerMin::new(0.5).unwrap())),
    ]));
    assert_eq!(tl.running(t(5)), None, "stopped at 5 h");
    assert!(tl.ufh_rate(t(7)).is_some());
    assert_eq!(tl.ufh_rate(t(8)), None, "argatroban replaced heparin");
    assert!(matches!(
        tl.running(t(9)).and_then(|s| s.rate.dti_rate()),
        Some(crate::dosing::DoseRate::Argatroban(_))
    ));
    // 5 h × 1,440 + 2 h × 960.
    assert!((tl.cumulative_heparin_units(t(9)).value() - (7_200.0 + 1_920.0)).abs() < 1e-9);
    assert_eq!(tl.last_ufh_rate_event(t(9)), Some(t(6)));
}

#[test]
fn series_answer_latest_recent_and_nearest() {
    let tl = timeline(&case(vec![
        (1, EventKind::Aptt(Seconds::new(40.0).unwrap())),
        (7, EventKind::Aptt(Seconds::new(60.0).unwrap())),
        (7, EventKind::AntiXa(AntiXaLevel::new(0.3).unwrap())),
    ]));
    let aptt = &tl.labs.aptt;
    assert_eq!(aptt.latest(t(6)).map(|s| s.value.value()), Some(40.0));
    assert_eq!(aptt.recent(t(32), Hours::new(24.0).unwrap()), None);
    assert!(aptt.recent(t(30), Hours::new(24.0).unwrap()).is_some());
    let near = aptt.nearest(t(7), Minutes::new(60.0).unwrap(), t(8));
    assert_eq!(near.map(|s| s.time), Some(t(7)));
    assert_eq!(tl.labs.points_until(LabKind::AntiXa, t(8)).len(), 1);
    assert_eq!(tl.labs.first_time(LabKind::Aptt), Some(t(1)));
}

#[test]
fn a_gap_of_more_than_a_day_starts_a_new_course() {
    let gap = Hours::new(24.0).unwrap();
    // Heparin 0–10 h, stopped, restarted at 40 h (30 h gap): the course at 50 h began at 40 h.
    let tl = timeline(&case(vec![(0, ufh(18.0)), (10, ufh(0.0)), (40, ufh(18.0))]));
    assert_eq!(tl.heparin_course_start(t(50), gap), Some(t(40)));
    assert_eq!(
        tl.heparin_course_start(t(20), gap),
        Some(t(0)),
        "10 h after the stop: same course"
    );
    assert_eq!(
        tl.heparin_course_start(t(36), gap),
        None,
        "26 h after the stop: no course"
    );
    // A 12 h gap does not start a new course.
    let tl = timeline(&case(vec![(0, ufh(18.0)), (10, ufh(0.0)), (22, ufh(18.0))]));
    assert_eq!(tl.heparin_course_start(t(30), gap), Some(t(0)));
}

#[test]
fn the_course_index_answers_as_the_walk_does() {
    let gap = Hours::new(24.0).unwrap();
    let c = case(vec![
        (0, ufh(18.0)),
        (10, ufh(0.0)),
        (40, ufh(18.0)),
        (45, ufh(0.0)),
        (60, ufh(12.0)),
        (61, ufh(14.0)),
        (70, ufh(0.0)),
    ]);
    let tl = timeline(&c);
    let courses = super::super::courses::HeparinCourses::new(&tl, gap);
    for hour in 0..120 {
        assert_eq!(
            courses.start_at(t(hour)),
            tl.heparin_course_start(t(hour), gap),
            "at {hour} h"
        );
    }
}

#[test]
fn a_stop_keeps_its_reason() {
    let mut c = case(vec![(0, ufh(18.0)), (5, ufh(0.0))]);
    c.events[1].reason = Some(StopReason::Procedure);
    let tl = timeline(&c);
    let stopped = tl.last_stopped(t(6)).unwrap();
    assert_eq!(stopped.ended_by, Some(SegmentEnd::Stopped(Some(StopReason::Procedure))));
}
