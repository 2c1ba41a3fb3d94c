//! Editing the case: patient fields, added and edited rows, the 4Ts scorer.

use super::*;

#[test]
fn an_invalid_weight_is_marked_at_the_field_and_save_is_refused() {
    let mut h = harness();
    h.run();
    click(&mut h, "Patient");
    type_into(&mut h, "Weight (kg)", "900");
    assert!(
        shows(&h, "✖ weight 900 kg is outside the accepted range"),
        "field error"
    );
    assert!(shows(&h, "Not applied: weight"), "the form says the value is not used");
    assert_eq!(
        doc(&h).case().patient.weight.kg.value(),
        90.9,
        "the engine keeps the valid weight"
    );
    click(&mut h, "Save");
    let status = h.state().status().unwrap_or_default().to_owned();
    assert!(
        status.starts_with("Save refused: fix the marked patient field first (weight:"),
        "{status}"
    );
    assert!(h.state().dialogs().path.is_none(), "no save dialog for an invalid case");

    // A valid weight is applied at once and re-runs the analysis.
    commit_into(&mut h, "Weight (kg)", "85");
    assert_eq!(doc(&h).case().patient.weight.kg.value(), 85.0);
    assert!(doc(&h).is_dirty(), "the edit is unsaved");
    assert!(!shows(&h, "Not applied"));
}

#[test]
fn an_added_lab_row_appears_in_the_table_and_the_plot_data() {
    let mut h = harness();
    h.run();
    click(&mut h, "Timeline");
    h.get_by_label("Event time")
        .set_text_value_accesskit("2019-01-12T09:30");
    type_into(&mut h, "Value", "61");
    assert!(shows(&h, "will record: aPTT 61 s"));
    click(&mut h, "Add event");
    let d = doc(&h);
    let x = anticoag_planner::model::ClinicalTime::constant(2019, 1, 12, 9, 30).hours_since(d.case().case_start);
    let points = anticoag_planner::present::chart::lab_points(
        d.case(),
        &d.prepared().timeline,
        anticoag_planner::model::LabKind::Aptt,
        d.as_of(),
    );
    assert_eq!(
        points.last().copied(),
        Some([x, 61.0]),
        "the new aPTT is the last plotted point"
    );
    assert!(
        h.query_by_label("As of 12 Jan 2019 09:30").is_some(),
        "the analysis moved to the new result"
    );
    assert!(shows(&h, "aPTT 61 s"), "the row is in the labs table");

    // A hard-limit value is refused at the form, with the allowed range.
    type_into(&mut h, "Value", "5000");
    assert!(shows(&h, "accepted range"));
    let before = doc(&h).case().events.len();
    click(&mut h, "Add event");
    assert_eq!(doc(&h).case().events.len(), before, "a refused row is not recorded");
}

#[test]
fn malformed_patient_fields_are_refused_at_the_field() {
    let mut h = harness();
    h.run();
    click(&mut h, "Patient");
    // (field, its name in messages, typed text, the refusal shown beside it)
    let cases = [
        ("Weight (kg)", "weight", "abc", "✖ 'abc' is not a number"),
        ("Weight (kg)", "weight", "1,000", "contains a comma"),
        ("Weight (kg)", "weight", "-70", "is negative"),
        ("Weight (kg)", "weight", "0", "0 kg is not a weight"),
        ("Weight (kg)", "weight", "NaN", "'NaN' is not a number"),
        ("Weight (kg)", "weight", "900", "outside the accepted range 0.3–350 kg"),
        ("Weight (kg)", "weight", "", "required: type a number"),
        ("Weight measured at", "weight date", "yesterday", "✖"),
        (
            "Baseline aPTT (s)",
            "baseline aPTT",
            "5000",
            "baseline aPTT 5,000 s is outside the accepted range",
        ),
        ("Baseline aPTT (s)", "baseline aPTT", "-1", "is negative"),
        ("CrCl (mL/min)", "CrCl", "inf", "'inf' is not a number"),
        ("CrCl (mL/min)", "CrCl", "-20", "is negative"),
    ];
    let valid = doc(&h).case().patient.clone();
    for (field, key, text, expected) in cases {
        let before = h.get_by_label(field).value().unwrap_or_default();
        type_into(&mut h, field, text);
        assert!(shows(&h, expected), "{field} = '{text}': expected '{expected}'");
        assert_eq!(
            doc(&h).case().patient,
            valid,
            "{field} = '{text}' must not reach the engine"
        );
        click(&mut h, "Save");
        let status = h.state().status().unwrap_or_default().to_owned();
        assert!(
            status.starts_with(&format!("Save refused: fix the marked patient field first ({key}:")),
            "{field} = '{text}': {status}"
        );
        // Put the valid value back before the next row.
        type_into(&mut h, field, &before);
        assert!(!shows(&h, "Not applied"), "{field}: restored");
    }
}

#[test]
fn editing_a_row_replaces_that_event_even_after_another_row_is_deleted() {
    let mut h = harness();
    h.run();
    click(&mut h, "Timeline");
    let before = doc(&h).case().events.len();
    // Edit the newest lab (the first "Edit" button), then delete another row before updating.
    h.get_all_by_label("Edit").next().expect("an Edit button").click();
    h.run();
    let editing = h
        .state()
        .views()
        .expect("a case is open")
        .entry
        .editing()
        .cloned()
        .expect("a row is being edited");
    // The second-newest lab: deleting it moves the edited (newest) lab's index.
    h.get_all_by_label("Delete").nth(1).expect("a Delete button").click();
    h.run();
    type_into(&mut h, "Value", "65");
    click(&mut h, "Update event");
    let d = doc(&h);
    assert_eq!(d.case().events.len(), before - 1, "one deleted, one replaced");
    assert!(!d.case().events.contains(&editing), "the edited event is gone");
    assert!(
        d.case().events.iter().any(|e| {
            let (kind, value, _) = anticoag_planner::io::event_fields(e.kind);
            e.time == editing.time && kind == anticoag_planner::io::event_fields(editing.kind).0 && value == "65"
        }),
        "its replacement is at the same time: {:?}",
        d.case()
            .events
            .iter()
            .filter(|e| e.time == editing.time)
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_4ts_scorer_and_the_patient_panel_agree() {
    let mut h = harness();
    h.run();
    click(&mut h, "Dosing tools");
    h.get_by_label("Thrombosis or other sequelae (your score)")
        .scroll_to_me();
    h.run();
    h.get_all_by_label("2").next().expect("a 4Ts radio").click();
    h.run();
    assert_eq!(
        doc(&h).case().patient.hit_thrombosis.map(|p| p.points()),
        Some(2),
        "scored in the tool"
    );
    click(&mut h, "Patient");
    // An unrelated edit in the panel must not undo the score.
    commit_into(&mut h, "Weight (kg)", "91");
    assert_eq!(doc(&h).case().patient.hit_thrombosis.map(|p| p.points()), Some(2));
    assert_eq!(doc(&h).case().patient.weight.kg.value(), 91.0);
}

#[test]
fn the_input_warning_count_follows_an_edit() {
    let mut h = harness();
    h.run();
    let before = doc(&h).prepared().warnings().len();
    assert!(before > 0, "the demo case's 30,000-unit bolus");
    assert!(shows(&h, &format!("{before} input warning(s) in this case")));
    click(&mut h, "Timeline");
    h.get_by_label("Event time")
        .set_text_value_accesskit("2019-01-12T09:30");
    type_into(&mut h, "Value", "160");
    click(&mut h, "Add event");
    assert!(
        shows(&h, &format!("{} input warning(s) in this case", before + 1)),
        "an aPTT above the protocol's 150 s soft limit is counted at once, not at the next load"
    );
}
