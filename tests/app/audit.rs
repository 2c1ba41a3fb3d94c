//! Who entered what (issue 15): the audit trail of add / edit / delete / restore and of a patient-field
//! change, the History view, the patient's identifiers, and the prompt when another workstation saved
//! the file since it was opened.

use anticoag_planner::model::{AuditAction, ClinicalTime, DEFAULT_DELETION_REASON};

use super::*;

const NOW: ClinicalTime = ClinicalTime::constant(2019, 1, 12, 8, 20);

fn signed_as(name: &str) -> Harness<'static, PlannerApp> {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "View");
    type_into(&mut h, "Entries signed as (audit trail)", name);
    h.key_press(egui::Key::Escape);
    h.run();
    h
}

fn trail(h: &Harness<'static, PlannerApp>) -> Vec<(AuditAction, String, String)> {
    doc(h)
        .case()
        .audit
        .iter()
        .map(|a| (a.action, a.stamp.by.clone(), a.subject.clone()))
        .collect()
}

#[test]
fn add_edit_delete_and_undo_each_leave_an_entry_and_the_deleted_event_is_kept() {
    let mut h = signed_as("RN Kim");
    assert_eq!(h.state().preferences().author, "RN Kim");
    click(&mut h, "Timeline");
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "61");
    h.key_press(egui::Key::Enter);
    h.run();
    let added = doc(&h)
        .case()
        .events
        .iter()
        .find(|e| e.time == ClinicalTime::constant(2019, 1, 12, 8, 10))
        .expect("added")
        .clone();
    let stamp = added.entered.clone().expect("stamped");
    assert_eq!((stamp.at, stamp.by.as_str()), (NOW, "RN Kim"));
    // Edit it: the first row of the labs table is the newest (the one just added).
    h.get_all_by_label("Edit").next().expect("a row").click();
    h.run();
    type_into(&mut h, "Value", "64");
    click(&mut h, "Update event");
    // Delete it, then undo the deletion.
    h.get_all_by_label("Delete").next().expect("a row").click();
    h.run();
    let d = doc(&h);
    assert_eq!(d.case().deleted.len(), 1, "kept in the file");
    assert_eq!(d.case().deleted[0].reason, DEFAULT_DELETION_REASON);
    let before_undo = d.case().events.len();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(doc(&h).case().events.len(), before_undo + 1, "restored");
    let actions: Vec<AuditAction> = trail(&h).iter().map(|t| t.0).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Added,
            AuditAction::Changed,
            AuditAction::Deleted,
            AuditAction::Restored
        ],
        "{:?}",
        trail(&h)
    );
    assert!(trail(&h).iter().all(|t| t.1 == "RN Kim"));
    assert_eq!(trail(&h)[0].2, "2019-01-12T08:10 aPTT 61 s");
    // The History view lists them newest first, filterable.
    click(&mut h, "History");
    assert!(shows(&h, "4 of 4 audit entries"));
    assert!(h.query_by_label("restored").is_some());
    type_into(&mut h, "Filter (event, author, action)", "deleted");
    // The deletion and its undo ("undid: deleted").
    assert!(shows(&h, "2 of 4 audit entries"), "{}", screen_text(&h));
}

/// Issue 29: two undos and two redos wrote ten rows ("undid: undone undid: added"). Now each undo or redo is
/// one row that names the user's edit in plain words, however often it was undone and redone.
#[test]
fn each_undo_and_redo_is_one_row_naming_the_edit() {
    let mut h = signed_as("RN Kim");
    click(&mut h, "Timeline");
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "61");
    h.key_press(egui::Key::Enter);
    h.run();
    let rows_before = doc(&h).case().audit.len();
    for _ in 0..2 {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
        h.run();
        assert!(shows(&h, "undid: 08:10 aPTT 61 s added (Ctrl+Shift+Z redoes)"));
        h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z);
        h.run();
        assert!(shows(&h, "redid: 08:10 aPTT 61 s added (Ctrl+Z undoes)"));
    }
    let rows: Vec<(AuditAction, String)> = doc(&h).case().audit[rows_before..]
        .iter()
        .map(|a| (a.action, a.detail.clone()))
        .collect();
    let undid = (
        AuditAction::Undone,
        "undid: 2019-01-12T08:10 aPTT 61 s added".to_owned(),
    );
    let redid = (
        AuditAction::Redone,
        "redid: 2019-01-12T08:10 aPTT 61 s added".to_owned(),
    );
    assert_eq!(rows, [undid.clone(), redid.clone(), undid, redid]);
}

#[test]
fn a_patient_field_change_is_audited_with_before_and_after() {
    let mut h = signed_as("Dr Lee");
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "88");
    let entry = doc(&h).case().audit.last().cloned().expect("an entry");
    assert_eq!(entry.action, AuditAction::Patient);
    assert_eq!(entry.subject, "weight");
    assert_eq!(entry.detail, "90.9 kg → 88 kg");
    assert_eq!(entry.stamp.by, "Dr Lee");
}

#[test]
fn identifiers_head_the_window_the_case_bar_and_the_copied_plan() {
    let mut h = signed_as("RN Kim");
    click(&mut h, "Patient");
    commit_into(&mut h, "Name or label", "Teaching patient");
    commit_into(&mut h, "MRN", "000123");
    let d = doc(&h);
    assert_eq!(
        d.case().identity.line().as_deref(),
        Some("Teaching patient · MRN 000123")
    );
    assert!(
        d.patient_line()
            .starts_with("TEACHING CASE — not a patient · Teaching patient · MRN 000123 — CMAJ 2019")
    );
    assert!(shows(&h, "Teaching patient · MRN 000123 — CMAJ 2019"), "the case bar");
    let plan = anticoag_planner::app::views::plan::copied_plan(d.analysis(), &d.patient_line());
    assert!(plan.contains("Teaching patient · MRN 000123"), "{plan}");
    assert!(
        d.case().audit.iter().any(|a| a.action == AuditAction::Identity),
        "identifiers are audited too"
    );
}

#[test]
fn saving_over_a_file_another_workstation_changed_asks_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared.ron");
    let text = std::fs::read_to_string("assets/cases/cmaj-2019-ecmo.ron").expect("the demo");
    std::fs::write(&path, &text).expect("written");
    let mut app = demo_app();
    app.set_clock(anticoag_planner::app::Clock::Fixed(NOW));
    app.open_path(path.clone());
    let mut h = harness_of(app);
    h.run();
    assert_eq!(doc(&h).path(), Some(path.as_path()));
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "91");
    // Another workstation saves its version meanwhile.
    let theirs = text.replace("title: \"CMAJ 2019", "title: \"Their CMAJ 2019");
    std::fs::write(&path, &theirs).expect("their save");
    click(&mut h, "Save");
    assert!(shows(&h, "The file changed on disk"), "asked, not overwritten");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        theirs,
        "their version is intact"
    );
    press_esc_and_check(&mut h, &path, &theirs);
    // Asked again, "Overwrite their version" is an explicit choice.
    click(&mut h, "Save");
    click(&mut h, "Overwrite their version");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.contains("kg: 91"), "ours written");
    // Issue 27: theirs is kept beside it, and the overwrite is in the audit trail (it deleted their work
    // and recorded nothing).
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("shared.their-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read_to_string(&kept[0]).unwrap(),
        theirs,
        "their version kept whole"
    );
    let last = doc(&h)
        .case()
        .audit
        .iter()
        .rev()
        .find(|a| a.action == AuditAction::Overwrote);
    assert!(
        last.is_some_and(|a| a.detail.contains("shared.their-")),
        "{:?}",
        doc(&h).case().audit.last()
    );
    assert!(
        saved.contains("action: overwrote"),
        "the audit entry is saved with the case"
    );
    // Saved by us, the next save does not ask.
    commit_into(&mut h, "Weight (kg)", "92");
    click(&mut h, "Save");
    assert!(!shows(&h, "The file changed on disk"));
}

fn press_esc_and_check(h: &mut Harness<'static, PlannerApp>, path: &std::path::Path, theirs: &str) {
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!shows(h, "The file changed on disk"), "Esc cancels");
    assert_eq!(std::fs::read_to_string(path).unwrap(), theirs);
}

#[test]
fn ctrl_p_writes_the_handover_and_a_paused_advice_refuses_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("handover.pdf");
    let mut h = signed_as("RN Kim");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    assert!(shows(&h, "Print handover (PDF)"));
    h.get_by_label("File path")
        .set_text_value_accesskit(&pdf.display().to_string());
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    let bytes = std::fs::read(&pdf).expect("written");
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    assert!(shows(&h, "handover as of 2019-01-12T08:00 written"));
    // While a patient field is refused, no handover.
    std::fs::remove_file(&pdf).expect("removed");
    click(&mut h, "Patient");
    type_into(&mut h, "Weight (kg)", "8,2");
    // The card hides its buttons while paused; Ctrl+P still asks, and is refused.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    h.get_by_label("File path")
        .set_text_value_accesskit(&pdf.display().to_string());
    h.run();
    click(&mut h, "Write the handover");
    assert!(!pdf.exists(), "not written while the advice is paused");
    assert!(
        shows(&h, "no handover while the advice is paused"),
        "{}",
        screen_text(&h)
    );
}

/// Issue 27: a hand-edited audit trail shows a banner on opening and is recorded in the trail, which goes on
/// from there (the saved file opens clean, the break still in its trail).
#[test]
fn a_hand_edited_audit_trail_shows_a_banner_and_is_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("edited.ron");
    let mut case = anticoag_planner::io::load_case(
        std::path::Path::new("tests/cases/under-dosed.ron"),
        anticoag_planner::model::Zone::UTC,
    )
    .expect("case")
    .case;
    let at = case.events.last().expect("events").time;
    for detail in ["first", "second"] {
        case.record(
            &anticoag_planner::model::Stamp::new(at, "RN Kim"),
            AuditAction::Changed,
            "weight".to_owned(),
            detail.to_owned(),
            None,
        );
    }
    let text = anticoag_planner::io::to_ron_string(&case).replace("detail: \"first\"", "detail: \"edited by hand\"");
    std::fs::write(&path, text).expect("written");
    let mut app = demo_app();
    app.set_clock(anticoag_planner::app::Clock::Fixed(NOW));
    app.open_path(path.clone());
    let mut h = harness_of(app);
    h.run();
    assert!(shows(&h, "AUDIT TRAIL BROKEN: entry 2 does not follow entry 1"));
    let last = doc(&h).case().audit.last().expect("an entry");
    assert_eq!(last.action, AuditAction::TrailBroken);
    click(&mut h, "Save");
    let again = anticoag_planner::io::load_case(&path, anticoag_planner::model::Zone::UTC).expect("opens");
    assert_eq!(again.audit_broken, None, "the chain goes on from the recorded break");
    assert!(again.case.audit.iter().any(|a| a.action == AuditAction::TrailBroken));
}

/// Issue 27: a pasted right-to-left override in a name is refused (the one-line field already turns a line
/// break into a space), and the copied plan has one recommendation.
#[test]
fn a_name_with_a_direction_control_is_refused_and_copy_plan_cannot_be_forged() {
    let mut h = signed_as("RN Kim");
    click(&mut h, "Patient");
    commit_into(&mut h, "Name or label", "Jane \u{202E}NOITADNEMMOCER");
    let d = doc(&h);
    assert_eq!(d.case().identity.name, None, "not taken");
    let status = h.state().status().unwrap_or_default().to_owned();
    assert!(
        status.contains("name holds a right-to-left or direction control"),
        "{status}"
    );
    let plan = anticoag_planner::app::views::plan::copied_plan(d.analysis(), &d.patient_line());
    assert_eq!(plan.matches("RECOMMENDATION:").count(), 1, "{plan}");
}

/// Issue 29: everything was signed "unknown user" without asking. A window whose author is unknown asks
/// once, before the first signed entry, and the entry is made with the name given; the next is not asked.
#[test]
fn an_unknown_author_is_asked_once_before_the_first_signed_entry() {
    let prefs = Preferences {
        author: "unknown user".to_owned(),
        ..Preferences::default()
    };
    let mut app = PlannerApp::with_preferences(prefs, None);
    app.open_demo(0);
    app.set_clock(anticoag_planner::app::Clock::Fixed(NOW));
    app.ask_for_an_unknown_author();
    let mut h = harness_of(app);
    h.run();
    click(&mut h, "Timeline");
    let before = doc(&h).case().events.len();
    type_into(&mut h, "Draw time", "08:10");
    type_into(&mut h, "aPTT (s)", "61");
    click(&mut h, "Add draw (Enter)");
    assert!(shows(&h, "Who is entering?"), "{}", screen_text(&h));
    assert_eq!(doc(&h).case().events.len(), before, "held until the answer");
    type_into(&mut h, "Your name (audit trail)", "RN Okafor");
    click(&mut h, "Sign with this name (Enter)");
    assert_eq!(doc(&h).case().events.len(), before + 1, "then made");
    let last = doc(&h).case().audit.last().cloned().expect("an entry");
    assert_eq!(last.stamp.by, "RN Okafor");
    assert_eq!(h.state().preferences().author, "RN Okafor", "remembered");
    // Not asked again in this window.
    type_into(&mut h, "Draw time", "08:12");
    type_into(&mut h, "aPTT (s)", "63");
    click(&mut h, "Add draw (Enter)");
    assert!(!shows(&h, "Who is entering?"));
    assert_eq!(doc(&h).case().events.len(), before + 2);
}

/// Issue 29: the changed-on-disk question had no way to their version. "Open theirs" opens it in place of
/// this window's unsaved edits, and their file is untouched.
#[test]
fn the_changed_on_disk_question_can_open_their_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared.ron");
    let text = std::fs::read_to_string("assets/cases/cmaj-2019-ecmo.ron").expect("the demo");
    std::fs::write(&path, &text).expect("written");
    let mut app = demo_app();
    app.set_clock(anticoag_planner::app::Clock::Fixed(NOW));
    app.open_path(path.clone());
    let mut h = harness_of(app);
    h.run();
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "91");
    let theirs = text.replace("title: \"CMAJ 2019", "title: \"Their CMAJ 2019");
    std::fs::write(&path, &theirs).expect("their save");
    click(&mut h, "Save");
    click(&mut h, "Open theirs (discard my edits)");
    let d = doc(&h);
    assert!(d.case().title.starts_with("Their CMAJ 2019"), "{}", d.case().title);
    assert!(!d.is_dirty());
    assert_eq!(d.case().patient.weight.kg.value(), 90.9, "my edit is gone, as chosen");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs, "their file untouched");
}

/// The review's second pass: a name remembered from an earlier session signed a new user's entries unseen.
/// The case bar always says who the entries are signed as.
#[test]
fn the_case_bar_says_who_entries_are_signed_as() {
    let h = signed_as("RN Okafor");
    assert!(shows(&h, "signed as RN Okafor"), "{}", screen_text(&h));
}
