//! Replaying a case: the card, the stepper, Predict first and the timeline follow the slider.

use super::*;

#[test]
fn demo_case_replays_to_antithrombin_then_argatroban() {
    let mut h = harness();
    h.run();
    // Opens at the last event of the CMAJ case, on argatroban.
    assert!(h.query_by_label("As of 12 Jan 2019 08:00").is_some());

    rewind_to(&mut h, "2019-01-07T03:05");
    assert!(shows(&h, "Switch to argatroban"), "DTI switch card");
    assert!(shows(&h, "2.73 mL/h"), "pump rate shown");

    rewind_to(&mut h, "2019-01-06T23:00");
    assert!(shows(&h, "Supplement antithrombin"), "antithrombin card");
    assert!(
        shows(&h, "(Thrombate III)) 1,500 units"),
        "vial-rounded dose in the headline"
    );
    assert!(shows(&h, "2,402 units"), "label-formula dose in the reasoning");

    // Stepping forward again reaches the switch.
    for _ in 0..2 {
        h.get_by_label("Next event").click();
        h.run();
    }
    assert!(h.query_by_label("As of 7 Jan 2019 03:05").is_some());
}

#[test]
fn stepper_shows_every_step_with_its_status() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    assert!(
        shows(&h, "weight 90.9 kg (actual, 1 Jan 00:00)"),
        "patient values in the data-check step"
    );
    assert!(
        shows(&h, "Input warnings"),
        "the bolus above 10,000 units is flagged on the plan"
    );
    for title in [
        "1. Data check — ✔ met",
        "2. Recognise heparin resistance — ✔ met",
        "5. Antithrombin — ✔ met",
        "7. Monitoring plan — ✔ met",
    ] {
        assert!(h.query_by_label(title).is_some(), "missing step {title}");
    }
}

#[test]
fn predict_first_hides_the_advice_until_the_learner_chooses() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    h.get_by_label("Predict first").click();
    h.run();
    assert!(shows(&h, "What would you do now?"));
    assert!(
        !shows(&h, "2,402 units"),
        "the reasoning stays hidden before the choice"
    );
    h.get_by_label("Switch to argatroban").click();
    h.run();
    assert!(
        shows(&h, "The app advises: Supplement antithrombin"),
        "the verdict names the app's action"
    );
    assert!(shows(&h, "2,402 units"), "then the reasoning is revealed");
    // The next replay time asks again.
    h.get_by_label("Next event").click();
    h.run();
    assert!(shows(&h, "What would you do now?"));
}

#[test]
fn timeline_table_lists_events_up_to_the_replay_time() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    h.get_by_label("Timeline").click();
    h.run();
    assert!(shows(&h, "antithrombin concentrate (plasma-derived) 1,000 units"));
    assert!(
        !shows(&h, "argatroban infusion 1 mcg/kg/min"),
        "later events stay hidden"
    );
    assert!(shows(&h, "later event(s) hidden by the replay"));
}

/// Issue 28: Predict first belongs to the window session; a restart never opens with the advice hidden.
#[test]
fn predict_first_is_not_remembered_across_restarts() {
    let prefs = Preferences {
        predict_first: true,
        ..Preferences::default()
    };
    let stored = serde_json::to_string(&prefs).expect("preferences serialize");
    let restored: Preferences = serde_json::from_str(&stored).expect("preferences deserialize");
    assert!(!restored.predict_first, "{stored}");
}

/// Issue 28: a replayed past looked like the present. The card carries a band, and Copy plan says so; at the
/// latest event there is none.
#[test]
fn a_replayed_past_says_so_on_the_card_and_in_the_copy() {
    let mut h = harness();
    h.run();
    assert!(!shows(&h, "PAST STATE"), "the latest event is the present");
    click(&mut h, "Previous event");
    assert!(shows(&h, "PAST STATE — as of"));
    let d = doc(&h);
    let plan = anticoag_planner::app::views::plan::copied_plan(d.analysis(), &d.patient_line());
    assert!(plan.contains("PAST STATE — as of"), "{plan}");
}

/// Issue 28: toggling Predict first changed the card's width (the guess row did not wrap). The central
/// view's first tab starts where the card ends: it stays put while asking, after the choice, and after.
#[test]
fn the_card_keeps_its_width_when_predict_first_asks_and_answers() {
    // The narrow window of the review, where the card is at its smallest.
    let app = demo_app();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1024.0, 640.0))
        .with_context_setup(anticoag_planner::app::theme::install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    let card_edge = |h: &Harness<'static, PlannerApp>| h.get_by_label("Algorithm").rect().left();
    let before = card_edge(&h);
    h.get_by_label("Predict first").click();
    h.run();
    assert!(shows(&h, "What would you do now?"));
    assert_eq!(card_edge(&h), before, "asking");
    h.get_by_label("Switch to argatroban").click();
    h.run();
    assert_eq!(card_edge(&h), before, "after the choice");
    h.get_by_label("Predict first").click();
    h.run();
    assert_eq!(card_edge(&h), before, "Predict first off again");
}

/// The review's second pass: while Predict first asked, the PAST STATE band and the platelet caution
/// vanished with the advice. They say what the patient is in, not what to do: they stay.
#[test]
fn predict_first_keeps_the_past_state_and_the_cautions() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-07T08:00");
    assert!(shows(&h, "CAUTION: platelets"), "{}", screen_text(&h));
    h.get_by_label("Predict first").click();
    h.run();
    assert!(shows(&h, "What would you do now?"));
    assert!(shows(&h, "PAST STATE — as of 7 Jan 2019 08:00"), "{}", screen_text(&h));
    assert!(shows(&h, "CAUTION: platelets"), "{}", screen_text(&h));
    // "Continue current therapy" is one of the choices offered; the advice would name the drug.
    assert!(!shows(&h, "Continue current therapy ·"), "the action stays hidden");
}

/// The review: Predict first asked for the next anti-Xa while argatroban ran (a heparin assay says nothing
/// of it). Asked on heparin, not on a direct thrombin inhibitor.
#[test]
fn predict_first_asks_for_an_anti_xa_guess_only_on_heparin() {
    let mut h = harness();
    h.run();
    h.get_by_label("Predict first").click();
    h.run();
    assert!(shows(&h, "What would you do now?"));
    assert!(
        h.query_by_label("your anti-Xa guess").is_none(),
        "argatroban runs at the last event"
    );
    rewind_to(&mut h, "2019-01-06T23:00");
    assert!(
        h.query_by_label("your anti-Xa guess").is_some(),
        "heparin runs on day 5"
    );
}

/// The review's second pass: while Predict first asked, the Algorithm view's step 3 said "continue heparin
/// (step 6)"; and the verdict named the action's code-word ("Measure first") above a card in other words.
#[test]
fn predict_first_hides_every_steps_conclusion_and_the_verdict_uses_the_cards_words() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T16:00");
    h.get_by_label("Predict first").click();
    h.run();
    assert!(shows(&h, "Conclusion shown after your choice"));
    assert!(!shows(&h, "(step 6)"), "{}", screen_text(&h));
    let label = doc(&h).analysis().recommendation.label.clone();
    h.get_by_label("Switch to argatroban").click();
    h.run();
    assert!(shows(&h, &format!("The app advises: {label}.")), "{}", screen_text(&h));
}
