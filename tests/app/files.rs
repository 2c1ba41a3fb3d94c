//! Opening, saving, recovering and replacing cases: nothing unsaved is lost, nothing broken is opened.

use super::*;

#[test]
fn every_teaching_case_opens_from_the_menu() {
    let mut h = harness();
    h.run();
    for (i, (label, _, _)) in DEMO_CASES.iter().enumerate() {
        h.get_by_label("Teaching cases…").click();
        h.run();
        h.get_by_label(label).click();
        h.run();
        let doc = h.state().document().expect("a case is open");
        assert!(
            !doc.analysis().recommendation.rationale.is_empty(),
            "case {i} ({label}) has a plan"
        );
        assert!(
            h.state().status().is_none(),
            "case {i} ({label}): {:?}",
            h.state().status()
        );
    }
}

#[test]
fn unsaved_edits_are_asked_about_before_another_case_replaces_them() {
    let mut h = harness();
    h.run();
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "88");
    open_demo(&mut h, "Teaching: pseudo-resistance");
    assert!(shows(&h, "Unsaved changes"), "the question is asked");
    // Esc keeps editing (issue 13: Esc closes every dialog).
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!shows(&h, "Unsaved changes"), "Esc closed the question");
    assert_eq!(
        doc(&h).case().patient.weight.kg.value(),
        88.0,
        "the edit is still there"
    );
    open_demo(&mut h, "Teaching: pseudo-resistance");
    click(&mut h, "Discard changes");
    assert!(
        doc(&h).case().title.to_lowercase().contains("pseudo"),
        "{}",
        doc(&h).case().title
    );
}

#[test]
fn save_as_open_and_a_broken_file_leaves_the_case_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("saved.ron");
    let mut h = harness();
    h.run();
    click(&mut h, "Save as…");
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    click(&mut h, "Save to this file");
    assert!(path.exists(), "{:?}", h.state().status());
    assert!(!doc(&h).is_dirty());

    let broken = dir.path().join("broken.ron");
    std::fs::write(&broken, "(version: 1, title: \"x\",").expect("write");
    let title_before = doc(&h).case().title.clone();
    click(&mut h, "Open…");
    h.get_by_label("File path")
        .set_text_value_accesskit(&broken.display().to_string());
    h.run();
    click(&mut h, "Open this file");
    let status = h.state().status().unwrap_or_default().to_owned();
    assert!(
        status.starts_with("Not opened:") && status.contains("broken.ron:"),
        "{status}"
    );
    assert_eq!(doc(&h).case().title, title_before, "the open case is untouched");

    click(&mut h, "Open…");
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run();
    click(&mut h, "Open this file");
    assert_eq!(doc(&h).path(), Some(path.as_path()));
    assert_eq!(
        h.state().preferences().recent_files.first(),
        Some(&path),
        "remembered as recent"
    );
}

#[test]
fn unsaved_work_is_recovered_after_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recovery = dir.path().to_path_buf();
    let mut app = PlannerApp::with_preferences(Preferences::default(), Some(recovery.clone()));
    app.open_demo(0);
    let mut h = harness_of(app);
    h.run();
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "77");
    // One recovery file per window (issue 27): this process's.
    let own = anticoag_planner::io::recovery::own_file(&recovery);
    assert!(own.exists(), "autosaved");
    // The process dies here: the harness is dropped without saving. The next start is another process,
    // whose own file has another name: moved, as that process would find it.
    drop(h);
    std::fs::rename(&own, recovery.join("recovery-4000000.ron")).expect("moved");

    let app = PlannerApp::with_preferences(Preferences::default(), Some(recovery.clone()));
    let mut h = harness_of(app);
    h.run();
    assert!(shows(&h, "Recover unsaved work?"));
    assert!(shows(&h, ", written "), "the prompt says when the copy was written");
    click(&mut h, "Recover (Enter)");
    assert_eq!(
        doc(&h).case().patient.weight.kg.value(),
        77.0,
        "the unsaved weight is back"
    );
    assert!(doc(&h).is_dirty(), "still unsaved until the user saves");
}

/// Issue 26: a case whose protocol changed since it was saved asks — use the protocol as it is now (audited)
/// or open read-only, in which nothing is changed or saved.
#[test]
fn a_changed_protocol_asks_and_read_only_means_read_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let icu = std::fs::read_to_string("protocols/adult-icu.ron").expect("protocol");
    std::fs::write(dir.path().join("local.ron"), &icu).expect("write");
    let case = std::fs::read_to_string("tests/cases/under-dosed.ron")
        .expect("case")
        .replace("protocols: {icu: \"adult-icu\"}", "protocols: {icu: \"local.ron\"}");
    let path = dir.path().join("case.ron");
    std::fs::write(&path, case).expect("write");
    // The unit edits its copy after the case was saved.
    std::fs::write(
        dir.path().join("local.ron"),
        icu.replace("// Every number", "// Edited. Every number"),
    )
    .expect("write");
    let open = |h: &mut Harness<'static, PlannerApp>| {
        click(h, "Open…");
        h.get_by_label("File path")
            .set_text_value_accesskit(&path.display().to_string());
        h.run();
        click(h, "Open this file");
    };
    let mut h = harness();
    h.run();
    open(&mut h);
    assert!(shows(&h, "The protocol changed since this case was saved"));
    assert!(shows(
        &h,
        "the protocol of ICU changed since this case was saved: adult-icu v3"
    ));
    click(&mut h, "Open read-only (Esc)");
    assert!(doc(&h).read_only().is_some());
    assert!(shows(&h, "READ-ONLY"));
    let before = std::fs::read_to_string(&path).expect("read");
    click(&mut h, "Save");
    let status = h.state().status().unwrap_or_default().to_owned();
    assert!(status.contains("read-only"), "{status}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before, "nothing written");

    open(&mut h);
    click(&mut h, "Use this protocol (audited)");
    assert!(doc(&h).read_only().is_none());
    let last = doc(&h).case().audit.last().expect("an audit entry");
    assert_eq!(last.action, anticoag_planner::model::AuditAction::Protocol);
    assert!(
        last.detail.contains("changed since this case was saved"),
        "{}",
        last.detail
    );
    click(&mut h, "Save");
    let saved = std::fs::read_to_string(&path).expect("read");
    let now = anticoag_planner::protocol::Protocol::from_path(&dir.path().join("local.ron")).expect("protocol");
    assert!(saved.contains(now.sha256()), "the new fingerprint is recorded");
}

/// Issue 26: with a list of approved protocols, a protocol not on it is marked on the card.
#[test]
fn an_unapproved_protocol_is_marked_on_the_card() {
    let mut h = harness();
    h.run();
    assert!(!shows(&h, "UNAPPROVED PROTOCOL"));
    let list = anticoag_planner::io::approved::ApprovedProtocols::parse(
        &"0".repeat(64),
        std::path::Path::new("approved-protocols.txt"),
    )
    .expect("a list");
    h.state_mut().set_approved(Some(list));
    h.run();
    assert!(shows(&h, "UNAPPROVED PROTOCOL: adult-ecmo v3"));
    let ecmo = anticoag_planner::protocol::Protocol::builtin("adult-ecmo").expect("shipped");
    let approved = anticoag_planner::io::approved::ApprovedProtocols::parse(
        ecmo.sha256(),
        std::path::Path::new("approved-protocols.txt"),
    )
    .expect("a list");
    h.state_mut().set_approved(Some(approved));
    h.run();
    assert!(!shows(&h, "UNAPPROVED PROTOCOL"));
}

/// Issue 27: Save as… over an existing file asks; Cancel keeps the file.
#[test]
fn save_as_over_an_existing_file_asks_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("existing.ron");
    std::fs::write(&path, "someone's notes").expect("write");
    let mut h = harness();
    h.run();
    let save_as = |h: &mut Harness<'static, PlannerApp>| {
        click(h, "Save as…");
        h.get_by_label("File path")
            .set_text_value_accesskit(&path.display().to_string());
        h.run();
        click(h, "Save to this file");
    };
    save_as(&mut h);
    assert!(shows(&h, "Replace the existing file?"));
    click(&mut h, "Cancel (Esc)");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "someone's notes");
    save_as(&mut h);
    click(&mut h, "Replace it");
    assert!(std::fs::read_to_string(&path).expect("read").contains("version: 8"));
    assert!(!doc(&h).is_dirty());
}

/// Issue 27: after a crash, a recovered case still knows the file as it was when the edits began, so a
/// save after another workstation's edit asks first (it overwrote their edit in silence).
#[test]
fn a_recovered_case_still_asks_before_overwriting_another_workstations_edit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recovery = dir.path().join("recovery");
    let path = dir.path().join("shared.ron");
    let text = std::fs::read_to_string("assets/cases/cmaj-2019-ecmo.ron").expect("the demo");
    std::fs::write(&path, &text).expect("written");
    let mut app = PlannerApp::with_preferences(Preferences::default(), Some(recovery.clone()));
    app.open_path(path.clone());
    let mut h = harness_of(app);
    h.run();
    click(&mut h, "Patient");
    commit_into(&mut h, "Weight (kg)", "91");
    h.run();
    let own = anticoag_planner::io::recovery::own_file(&recovery);
    assert!(own.exists(), "autosaved");
    // Another workstation saves meanwhile; then this window is killed.
    let theirs = text.replace("title: \"CMAJ 2019", "title: \"Their CMAJ 2019");
    std::fs::write(&path, &theirs).expect("their save");
    drop(h);
    std::fs::rename(&own, recovery.join("recovery-4000001.ron")).expect("the next process finds it");

    let app = PlannerApp::with_preferences(Preferences::default(), Some(recovery.clone()));
    let mut h = harness_of(app);
    h.run();
    click(&mut h, "Recover (Enter)");
    assert_eq!(doc(&h).path(), Some(path.as_path()));
    click(&mut h, "Save");
    assert!(shows(&h, "The file changed on disk"), "asked, not overwritten");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        theirs,
        "their edit is intact"
    );
}

/// Issue 27: a case open in another window (a fresh lock beside it) opens read-only, saying who holds it;
/// closing never removes their lock; a case this window opens is locked until it is closed.
#[test]
fn a_case_locked_by_another_window_opens_read_only_and_our_lock_is_released_on_close() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared.ron");
    std::fs::copy("assets/cases/cmaj-2019-ecmo.ron", &path).expect("copied");
    let lock = anticoag_planner::io::case_lock::lock_path(&path);
    std::fs::write(
        &lock,
        r#"{"user":"RN Kim","host":"icu-ws-04","pid":4000004,"since":"2026-12-06T18:40"}"#,
    )
    .expect("their lock");
    let mut app = demo_app();
    app.open_path(path.clone());
    let mut h = harness_of(app);
    h.run();
    let why = doc(&h).read_only().unwrap_or_default().to_owned();
    assert!(
        why.contains("open on another workstation: RN Kim on icu-ws-04 since 2026-12-06T18:40"),
        "{why}"
    );
    assert!(shows(&h, "READ-ONLY"));
    open_demo(&mut h, "Teaching: pseudo-resistance");
    assert!(lock.exists(), "their lock is never removed by us");

    std::fs::remove_file(&lock).expect("they closed it");
    h.state_mut().open_path(path.clone());
    h.run();
    assert!(doc(&h).read_only().is_none());
    assert!(lock.exists(), "ours while it is open");
    open_demo(&mut h, "Teaching: pseudo-resistance");
    assert!(!lock.exists(), "released on close");
}

/// Issue 29: the Print dialog proposed no file name. It proposes the patient's label and the as-of date,
/// with no path separator, beside the case file.
#[test]
fn print_proposes_a_file_name_from_the_patient_and_the_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bed-4.ron");
    std::fs::copy("tests/cases/under-dosed.ron", &path).expect("copied");
    let mut app = PlannerApp::new();
    app.open_path(path.clone());
    let mut h = harness_of(app);
    h.run();
    click(&mut h, "Patient");
    commit_into(&mut h, "Name or label", "Jane Doe/Smith");
    commit_into(&mut h, "MRN", "000123");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::P);
    h.run();
    let proposed = h.get_by_label("File path").value().unwrap_or_default();
    let expected = dir.path().join("handover-Jane-Doe-Smith-MRN-000123-2024-");
    assert!(
        proposed.starts_with(&expected.display().to_string()) && proposed.ends_with(".pdf"),
        "{proposed}"
    );
}

/// Issue 29: Ctrl+V imported pasted rows at once. Now a preview says what each row is to the case — new,
/// duplicate, conflicting — and only the new rows are added, when the user says so; Cancel adds nothing.
#[test]
fn pasted_rows_are_previewed_and_only_the_new_ones_are_added() {
    let mut h = harness_at(anticoag_planner::model::ClinicalTime::constant(2019, 1, 12, 9, 0));
    h.run();
    let before = doc(&h).case().events.len();
    let rows = "2019-01-12T08:00,aptt,62,s\n2019-01-12T08:00,platelets,150,10^9/L\n2019-01-12T08:30,aptt,66,s\n";
    h.event(egui::Event::Paste(rows.to_owned()));
    h.run();
    assert!(
        shows(
            &h,
            "1 new · 1 duplicate (skipped) · 1 conflicting (not added: the typed value is kept; settle them by hand) · 0 refused"
        ),
        "{}",
        screen_text(&h)
    );
    assert!(shows(&h, "the case has 08:00 platelets 174"), "{}", screen_text(&h));
    assert_eq!(doc(&h).case().events.len(), before, "nothing added before the answer");
    click(&mut h, "Cancel (Esc)");
    assert_eq!(doc(&h).case().events.len(), before, "Cancel adds nothing");
    h.event(egui::Event::Paste(rows.to_owned()));
    h.run();
    click(&mut h, "Add 1 new row(s) (Enter)");
    assert_eq!(doc(&h).case().events.len(), before + 1, "the new row alone");
    assert!(
        shows(&h, "Imported 1 event(s) from the pasted rows; 2 row(s) not added"),
        "{}",
        screen_text(&h)
    );
    let last = doc(&h).case().audit.last().cloned().expect("audited");
    assert_eq!(last.action, anticoag_planner::model::AuditAction::Imported);
}

/// Issue 32: a laboratory file through the window — Import labs… previews it (a correction shown as
/// amended, what it was), Add applies it as one audited import; a file of another patient is refused with
/// both identifiers, nothing added.
#[test]
fn lab_results_are_previewed_corrected_and_refused_for_another_patient() {
    use anticoag_planner::io::labs::{LabFormat, apply_import, preview_for_case, read_lab_file};
    use anticoag_planner::model::{ClinicalTime, Stamp, Zone};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let utc = Zone::named("UTC").unwrap();
    let mut case = anticoag_planner::io::load_case(&root.join("assets/cases/cmaj-2019-ecmo.ron"), utc)
        .unwrap()
        .case;
    case.events.clear();
    case.teaching = false;
    case.case_start = ClinicalTime::constant(2026, 3, 14, 0, 0);
    case.patient.weight.measured_at = case.case_start;
    case.identity.mrn = Some("123456".to_owned());
    // The first result is already in the case, imported earlier.
    let text = std::fs::read_to_string(root.join("tests/data/labs/corrected-1-final.hl7")).unwrap();
    let file = read_lab_file(&text, LabFormat::Hl7, "corrected-1-final.hl7", utc).unwrap();
    let map = anticoag_planner::io::labs::codes::LabCodeMap::shipped().unwrap();
    let first = preview_for_case(&case, &file, &map, ClinicalTime::constant(2026, 12, 6, 12, 0));
    let stamp = Stamp::new(case.case_start, "RN Test");
    apply_import(&mut case, &first, &stamp).unwrap();
    let mut app = PlannerApp::new();
    app.set_clock(anticoag_planner::app::Clock::Fixed(ClinicalTime::constant(
        2026, 12, 6, 12, 0,
    )));
    app.open_generated(case, anticoag_planner::app::CentralView::Timeline);
    let mut h = super::harness_of(app);
    h.run();
    let import = |h: &mut egui_kittest::Harness<'static, PlannerApp>, name: &str| {
        super::click(h, "Import labs…");
        let path = root.join("tests/data/labs").join(name);
        super::type_into(h, "File path", path.to_str().unwrap());
        super::click(h, "Import this file");
    };
    import(&mut h, "wrong-patient.hl7");
    assert!(
        super::shows(&h, "654321") && super::shows(&h, "123456"),
        "both identifiers: {}",
        super::screen_text(&h)
    );
    assert_eq!(super::doc(&h).case().events.len(), 1, "nothing added");
    import(&mut h, "corrected-2-correction.hl7");
    assert!(
        super::shows(&h, "amended (corrected by the laboratory)"),
        "{}",
        super::screen_text(&h)
    );
    assert!(super::shows(&h, "was anti-Xa 0.92 units/mL"));
    super::click(&mut h, "Add 0 new, correct 1, remove 0 (Enter)");
    let events: Vec<String> = super::doc(&h).case().events.iter().map(|e| e.kind.describe()).collect();
    assert_eq!(events, ["anti-Xa 0.29 units/mL"]);
    let last = super::doc(&h).case().audit.last().unwrap().clone();
    assert!(
        last.detail
            .contains("corrected by the laboratory: anti-Xa 0.92 units/mL → anti-Xa 0.29 units/mL"),
        "{last:?}"
    );
}
