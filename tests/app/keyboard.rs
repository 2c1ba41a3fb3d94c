//! The keyboard and undo (issue 13): Ctrl+Z / Ctrl+Shift+Z undo and redo every edit, Delete asks
//! nothing and can be undone, Ctrl+N / O / S / Shift+S, Enter and Esc in dialogs, ←/→ and PgUp/PgDn
//! step the replay, the interface size from the View menu or Ctrl+=.

use anticoag_planner::model::ClinicalTime;

use super::*;

const NOW: ClinicalTime = ClinicalTime::constant(2019, 1, 12, 8, 20);

fn ctrl(h: &mut Harness<'static, PlannerApp>, key: egui::Key) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, key);
    h.run();
}

fn ctrl_shift(h: &mut Harness<'static, PlannerApp>, key: egui::Key) {
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, key);
    h.run();
}

fn press(h: &mut Harness<'static, PlannerApp>, key: egui::Key) {
    h.key_press(key);
    h.run();
}

#[test]
fn an_added_draw_an_edit_and_a_delete_are_each_undone_and_redone() {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "Timeline");
    let events = |h: &Harness<'static, PlannerApp>| doc(h).case().events.clone();
    let original = events(&h);
    // Add.
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "61");
    press(&mut h, egui::Key::Enter);
    let with_draw = events(&h);
    assert_eq!(with_draw.len(), original.len() + 1);
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(events(&h), original, "Ctrl+Z took the draw back");
    assert!(
        shows(&h, "undid: 08:10 aPTT 61 s added (Ctrl+Shift+Z redoes)"),
        "the status says what was undone: {}",
        screen_text(&h)
    );
    ctrl_shift(&mut h, egui::Key::Z);
    assert_eq!(events(&h), with_draw, "Ctrl+Shift+Z put it back");
    // Delete: no question, undoable.
    h.get_all_by_label("Delete").next().expect("a row").click();
    h.run();
    assert_eq!(events(&h).len(), with_draw.len() - 1, "deleted at once");
    assert!(shows(&h, "(Ctrl+Z undoes)"));
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(events(&h), with_draw, "the deleted row is back, as it was");
    ctrl(&mut h, egui::Key::Y);
    assert_eq!(events(&h).len(), with_draw.len() - 1, "Ctrl+Y redoes too");
    click(&mut h, "Undo");
    assert_eq!(events(&h), with_draw, "the case bar's Undo button");
    // Edit of a patient field.
    click(&mut h, "Patient");
    let weight = doc(&h).case().patient.weight.kg.value();
    commit_into(&mut h, "Weight (kg)", &format!("{}", weight + 2.0));
    assert_eq!(doc(&h).case().patient.weight.kg.value(), weight + 2.0);
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(
        doc(&h).case().patient.weight.kg.value(),
        weight,
        "the weight edit undone"
    );
    assert_eq!(
        h.get_by_label("Weight (kg)").value().as_deref(),
        Some(format!("{weight}").as_str()),
        "the form shows the restored weight, not what was typed"
    );
    click(&mut h, "Redo");
    assert_eq!(doc(&h).case().patient.weight.kg.value(), weight + 2.0);
}

#[test]
fn in_a_text_field_ctrl_z_is_the_fields_own_undo() {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "Timeline");
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "61");
    press(&mut h, egui::Key::Enter);
    let n = doc(&h).case().events.len();
    type_into(&mut h, "aPTT (s)", "70");
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(
        doc(&h).case().events.len(),
        n,
        "the case is not undone while a field has the keyboard"
    );
}

#[test]
fn ctrl_s_ctrl_shift_s_ctrl_o_and_ctrl_n_open_their_dialogs_and_enter_and_esc_answer_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bedside.ron");
    let mut h = harness_at(NOW);
    h.run();
    // The demo has no file yet: Ctrl+S asks where, the path field has the keyboard, Esc closes.
    ctrl(&mut h, egui::Key::S);
    assert!(shows(&h, "Save case as"));
    press(&mut h, egui::Key::Escape);
    assert!(!shows(&h, "Save case as"), "Esc closed the dialog");
    // Ctrl+Shift+S, type, Enter: saved.
    ctrl_shift(&mut h, egui::Key::S);
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    press(&mut h, egui::Key::Enter);
    assert!(path.exists(), "Enter saved the case");
    assert!(!doc(&h).is_dirty());
    // The dialog remembers the typed path.
    ctrl_shift(&mut h, egui::Key::S);
    assert_eq!(
        h.get_by_label("File path").value().as_deref(),
        Some(path.display().to_string().as_str())
    );
    press(&mut h, egui::Key::Escape);
    // Ctrl+N: the New case dialog; Esc.
    ctrl(&mut h, egui::Key::N);
    assert!(shows(&h, "Create case (Enter)"));
    press(&mut h, egui::Key::Escape);
    assert!(!shows(&h, "Create case (Enter)"));
    // Ctrl+O, the path, Enter: opened.
    ctrl(&mut h, egui::Key::O);
    assert!(shows(&h, "Open case file"));
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    press(&mut h, egui::Key::Enter);
    assert_eq!(doc(&h).path(), Some(path.as_path()), "Enter opened the file");
}

#[test]
fn the_unsaved_changes_question_offers_save_and_enter_takes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kept.ron");
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "92");
    open_demo(&mut h, "Teaching: pseudo-resistance");
    assert!(shows(&h, "Save as… (Enter)"), "Save is offered");
    press(&mut h, egui::Key::Enter);
    // No file yet: Save as asks where; then the other case opens.
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    press(&mut h, egui::Key::Enter);
    let saved = std::fs::read_to_string(&path).expect("saved");
    assert!(saved.contains("92"), "the edit was saved");
    assert!(
        doc(&h).case().title.to_lowercase().contains("pseudo"),
        "then the other case opened"
    );
}

#[test]
fn arrows_and_page_keys_step_the_replay_when_no_field_has_the_keyboard() {
    let mut h = harness_at(NOW);
    h.run();
    let last = doc(&h).cursor();
    press(&mut h, egui::Key::ArrowLeft);
    assert_eq!(doc(&h).cursor(), last - 1);
    press(&mut h, egui::Key::PageUp);
    assert_eq!(doc(&h).cursor(), last - 11);
    press(&mut h, egui::Key::PageDown);
    press(&mut h, egui::Key::ArrowRight);
    assert_eq!(doc(&h).cursor(), last, "back at the last event");
    // In a text field the arrows move the text cursor, not the replay.
    click(&mut h, "Timeline");
    type_into(&mut h, "aPTT (s)", "61");
    press(&mut h, egui::Key::ArrowLeft);
    assert_eq!(doc(&h).cursor(), last);
}

#[test]
fn the_view_menu_and_ctrl_plus_set_the_size_which_is_remembered() {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "View");
    click(&mut h, "Larger (Ctrl+=)");
    let larger = h.state().preferences().zoom;
    assert!(larger > 1.0, "{larger}");
    ctrl(&mut h, egui::Key::Equals);
    h.run();
    let largest = h.state().preferences().zoom;
    assert!(largest > larger, "Ctrl+= is larger again");
    ctrl(&mut h, egui::Key::Minus);
    h.run();
    assert!(h.state().preferences().zoom < largest, "Ctrl+− is smaller");
    ctrl(&mut h, egui::Key::Num0);
    h.run();
    assert!((h.state().preferences().zoom - 1.0).abs() < 1e-6, "Ctrl+0: actual size");
}
