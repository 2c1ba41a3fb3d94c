//! Every view renders, with the numbers and the conventions a clinician expects.

use super::*;

#[test]
fn plots_view_shows_time_series_and_scatter() {
    let mut h = harness();
    h.run();
    h.get_by_label("Plots").click();
    h.run();
    assert!(shows(&h, "aPTT (s)"));
    assert!(shows(&h, "Doses (heparin units/kg/h"));
    // Antithrombin and platelets each on their own axis (issue 29: two units shared one scale).
    assert!(h.query_by_label("Antithrombin (%)").is_some());
    assert!(h.query_by_label("Platelets (× 10⁹/L)").is_some());
    assert!(shows(&h, "bleeding-risk threshold"));
    assert!(shows(&h, "aPTT vs anti-Xa, paired samples"));
    // The CMAJ case has no anti-Xa: no pairs at any time.
    assert!(shows(&h, "No aPTT/anti-Xa pairs yet"));
    h.get_by_label("Algorithm").click();
    h.run();
    assert!(shows(&h, "1. Data check — ✔ met"));
}

#[test]
fn the_bypass_view_shows_resistance_with_the_dose_response() {
    let mut h = harness();
    h.run();
    open_demo(&mut h, "Teaching: bypass heparin resistance");
    click(&mut h, "Bypass");
    assert!(shows(&h, "Heparin resistance on bypass (R4)"), "HR finding");
    assert!(shows(&h, "Heparin dose-response (Bull)"), "dose-response plot");
    assert!(shows(&h, "Pre-bypass summary"));
    assert!(shows(&h, "Advice: Supplement antithrombin"), "AT advice for R4");
}

#[test]
fn dosing_tools_compute_antithrombin_and_highlight_the_current_rows() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    click(&mut h, "Dosing tools");
    // Latest AT 63%, protocol target 100%, 90.9 kg, recovery 1.4: (100 − 63) × 90.9 ÷ 1.4 = 2,402 units.
    assert!(shows(&h, "÷ 1.4 = 2,402 units"), "formula with the patient's values");
    type_into(&mut h, "Target (%)", "80");
    // (80 − 63) × 90.9 ÷ 1.4 = 1,104 units.
    assert!(shows(&h, "÷ 1.4 = 1,104 units"), "target is selectable");
    assert!(shows(&h, "▶"), "a table row is highlighted for the latest result");
    assert!(shows(&h, "HIT 4Ts score"));
}

#[test]
fn every_view_renders_a_month_long_course() {
    let mut app = demo_app();
    app.open_generated(
        anticoag_planner::analysis::generate::ecmo_course(30),
        CentralView::Algorithm,
    );
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut PlannerApp| app.ui_root(ui), app);
    h.run();
    for (_, label) in CentralView::ALL {
        show_view(&mut h, label);
        assert!(h.state().status().is_none(), "{label}: {:?}", h.state().status());
    }
    let d = doc(&h);
    assert_eq!(
        anticoag_planner::present::chart::lab_points(
            d.case(),
            &d.prepared().timeline,
            anticoag_planner::model::LabKind::AntiXa,
            d.as_of()
        )
        .len(),
        d.prepared().timeline.labs.anti_xa.all().len(),
        "every anti-Xa of the month is in the plot data"
    );
}

#[test]
fn every_screen_of_every_demo_case_follows_the_display_conventions() {
    let mut h = harness();
    h.run();
    for (label, _, _) in DEMO_CASES {
        open_demo(&mut h, label);
        for (_, view) in CentralView::ALL {
            show_view(&mut h, view);
            let text = screen_text(&h);
            assert!(text.len() > 200, "{label} / {view}: the screen has text");
            let problems = anticoag_planner::model::display_convention_problems(&text);
            assert!(problems.is_empty(), "{label} / {view}: {problems:?}");
        }
    }
}

#[test]
fn the_bypass_tab_belongs_to_the_bypass_setting_and_elsewhere_is_a_pre_bypass_review() {
    let mut h = harness();
    h.run();
    // The CMAJ patient is on VV-ECMO.
    assert!(h.query_by_label("Bypass").is_none(), "no Bypass tab on ECMO");
    click(&mut h, "Pre-bypass review…");
    assert!(
        shows(&h, "Pre-bypass summary"),
        "the same view, for a patient going to theatre"
    );
    open_demo(&mut h, "Teaching: bypass heparin resistance");
    assert!(h.query_by_label("Pre-bypass review…").is_none());
    click(&mut h, "Bypass");
    assert!(shows(&h, "Heparin dose-response (Bull)"));
}

/// Issue 28: the baseline the card uses is shown with its origin, and one click leads to another value.
#[test]
fn the_baseline_in_use_is_shown_with_its_origin_and_one_click_changes_it() {
    let mut h = harness();
    h.run();
    assert!(
        shows(&h, "Baseline aPTT: 29 s, entered for the patient"),
        "{}",
        screen_text(&h)
    );
    click(&mut h, "Use another value…");
    assert!(
        h.get_by_label("Baseline aPTT (s)").is_focused(),
        "the Patient view, the keyboard in the baseline field"
    );
    // Emptied: the aPTT drawn before the first heparin (day 4, 02:30) is the baseline (§14.6).
    commit_into(&mut h, "Baseline aPTT (s)", "");
    assert_eq!(doc(&h).case().patient.baseline_aptt, None);
    assert!(
        shows(&h, "Baseline aPTT: 29 s from the 5 Jan 02:30 draw, before heparin"),
        "{}",
        screen_text(&h)
    );
    assert!(
        shows(&h, "in use: 29 s from the 5 Jan 02:30 draw"),
        "said beside the field too"
    );
    commit_into(&mut h, "Baseline aPTT (s)", "31");
    assert!(shows(&h, "Baseline aPTT: 31 s, entered for the patient"));
}

/// Issue 29: the nursing flowsheet puts the infusion running at each draw beside it (rate and pump rate),
/// and the dose table gives each infusion's mL/h.
#[test]
fn the_flowsheet_gives_the_rate_at_each_draw_and_the_dose_table_the_pump_rate() {
    let mut h = harness();
    h.run();
    click(&mut h, "Flowsheet");
    assert!(shows(&h, "Infusion when drawn"));
    // The last draw (day 11, 08:00) on argatroban 0.5 mcg/kg/min: 2.73 mL/h, as the card says.
    assert!(
        shows(&h, "argatroban 0.5 mcg/kg/min · 2.73 mL/h"),
        "{}",
        screen_text(&h)
    );
    rewind_to(&mut h, "2019-01-06T23:00");
    // Day 5, 23:00 on heparin 12 units/kg/h of 90.9 kg at 100 units/mL: 1,091 units/h = 10.9 mL/h.
    assert!(shows(&h, "heparin 12 units/kg/h · 10.9 mL/h"), "{}", screen_text(&h));
    click(&mut h, "Timeline");
    assert!(
        shows(&h, "heparin infusion 12 units/kg/h = 10.9 mL/h"),
        "{}",
        screen_text(&h)
    );
}

/// Issue 29: times for people — in a copied plan and on the card, "6 Jan 23:00" (the clock alone on the
/// as-of day), never ISO; and the findings in words, not codes.
#[test]
fn a_copied_plan_and_the_card_give_times_as_people_read_them() {
    let mut h = harness();
    h.run();
    rewind_to(&mut h, "2019-01-06T23:00");
    let d = doc(&h);
    let plan = anticoag_planner::app::views::plan::copied_plan(d.analysis(), &d.patient_line());
    assert!(plan.contains("As of 6 Jan 2019 23:00"), "{plan}");
    assert!(plan.contains("aPTT 29 s at 23:00"), "{plan}");
    assert!(plan.contains("aPTT 26 s at 16:00"), "{plan}");
    let iso = plan
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ';' || c == ',')
        .find(|w| w.len() >= 16 && w.as_bytes().get(10) == Some(&b'T') && w.as_bytes().get(4) == Some(&b'-'));
    assert_eq!(iso, None, "{plan}");
    assert!(
        !plan.contains("suspected_heparin_resistance:"),
        "a finding in words, not its code: {plan}"
    );
    assert!(shows(&h, "at 23:00"), "the card too: {}", screen_text(&h));
    assert!(!shows(&h, "2019-01-06T23:00 ("), "{}", screen_text(&h));
}

/// Issue 29: the pre-bypass review said nothing of the running argatroban and did not flag an old
/// antithrombin; the Bypass entry form offered the aPTT, not the ACT; a teaching case's story was only in
/// Patient → Notes.
#[test]
fn the_pre_bypass_review_says_what_runs_flags_an_old_antithrombin_and_offers_the_act() {
    let mut h = harness();
    h.run();
    assert!(shows(&h, "About this teaching case"));
    assert!(shows(&h, "41-year-old woman"), "the story, above the views");
    show_view(&mut h, "Bypass");
    assert!(
        shows(&h, "argatroban 0.5 mcg/kg/min · 2.73 mL/h"),
        "{}",
        screen_text(&h)
    );
    // The last antithrombin (63% on day 5, 23:00) is 129 h before the last event: older than 72 h.
    assert!(
        shows(
            &h,
            "OLD: the latest is 129 h old (more than 72 h): remeasure before bypass"
        ),
        "{}",
        screen_text(&h)
    );
    assert_eq!(h.get_by_label("Kind").value().as_deref(), Some("ACT"));
}

/// Issue 29: the New case dialog had no identity fields.
#[test]
fn a_new_case_takes_its_identifiers_in_the_dialog() {
    let mut h = harness_of(PlannerApp::new());
    h.run();
    click(&mut h, "New patient…");
    assert!(h.get_by_label("Title").is_focused(), "the title has the keyboard");
    type_into(&mut h, "Name or label (optional)", "Jane Doe");
    type_into(&mut h, "MRN (optional)", "000123");
    type_into(&mut h, "Weight (kg)", "80");
    type_into(&mut h, "Case start (YYYY-MM-DDTHH:MM)", "2026-03-28T20:00");
    click(&mut h, "Create case (Enter)");
    let identity = &doc(&h).case().identity;
    assert_eq!(identity.name.as_deref(), Some("Jane Doe"));
    assert_eq!(identity.mrn.as_deref(), Some("000123"));
    assert_eq!(identity.bed, None);
    assert!(h.state().title().contains("Jane Doe · MRN 000123"));
}
