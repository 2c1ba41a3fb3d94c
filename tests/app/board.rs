//! The unit board in the window (issue 31), driven by a manual tick in place of the file watcher: rows
//! sorted by urgency with the overdue case first; a file changed on disk updates its row at the next
//! tick; a broken file shows its error on its own row and hides none; a click opens the case, and
//! "← Unit board" comes back.

use std::path::{Path, PathBuf};

use anticoag_planner::app::board_state::BoardState;
use anticoag_planner::app::{Clock, PlannerApp};
use anticoag_planner::board::watch::Tick;
use anticoag_planner::model::{ClinicalTime, Zone};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::{click, shows};

const NOW: ClinicalTime = ClinicalTime::constant(2026, 12, 6, 12, 0);

/// A case file made by the command line's import from CSV rows.
fn import(folder: &Path, name: &str, rows: &str) {
    let csv = folder.join(format!("{name}.csv.txt"));
    std::fs::write(&csv, format!("time,kind,value,unit\n{rows}")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_anticoag-planner"))
        .args(["import", csv.to_str().unwrap(), "-o"])
        .arg(folder.join(format!("{name}.ron")))
        .args([
            "--weight-kg",
            "80",
            "--setting",
            "icu",
            "--time-zone",
            "UTC",
            "--force",
            "--title",
            name,
        ])
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_file(csv).unwrap();
}

/// Three patients: overdue (no level 4 h after its 6-h check was due), caution (pseudo-resistance) and
/// stable (in range an hour ago).
fn unit(dir: &Path) -> PathBuf {
    let folder = dir.join("unit");
    std::fs::create_dir_all(&folder).unwrap();
    import(
        &folder,
        "bed04-caution",
        "2026-12-06T00:00,platelets,210,10^9/L\n2026-12-06T00:00,ufh_infusion,18,units/kg/h\n\
         2026-12-06T11:00,anti_xa,0.5,units/mL\n2026-12-06T11:00,aptt,38,s\n",
    );
    import(
        &folder,
        "bed06-stable",
        "2026-12-05T12:00,platelets,250,10^9/L\n2026-12-05T12:00,ufh_infusion,18,units/kg/h\n\
         2026-12-05T18:00,anti_xa,0.45,units/mL\n2026-12-06T11:00,anti_xa,0.5,units/mL\n\
         2026-12-06T11:00,platelets,240,10^9/L\n",
    );
    import(
        &folder,
        "bed01-overdue",
        "2026-12-06T02:00,platelets,220,10^9/L\n2026-12-06T02:00,ufh_infusion,18,units/kg/h\n",
    );
    folder
}

fn board_harness(folder: PathBuf) -> (Harness<'static, PlannerApp>, Tick) {
    let tick = Tick::default();
    let mut app = PlannerApp::new();
    app.set_clock(Clock::Fixed(NOW));
    let zone = Zone::named("UTC").unwrap();
    app.set_board(BoardState::with_source(
        folder,
        zone,
        Box::new(tick.clone()),
        "a test tick".to_owned(),
    ));
    let mut h = super::harness_of(app);
    h.run();
    (h, tick)
}

fn top_of(h: &Harness<'static, PlannerApp>, label: &str) -> f32 {
    h.get_by_label(label).rect().top()
}

#[test]
fn the_board_sorts_by_urgency_with_the_overdue_case_first_and_opens_a_case() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _tick) = board_harness(unit(dir.path()));
    assert!(shows(&h, "Unit board"));
    assert!(shows(&h, "3 case file(s), most urgent first"));
    let urgencies: Vec<&str> = h
        .state()
        .board_rows()
        .unwrap()
        .iter()
        .map(|r| r.urgency.label())
        .collect();
    assert_eq!(urgencies, ["OVERDUE", "CAUTION", "stable"]);
    // On screen in the same order.
    assert!(top_of(&h, "bed01-overdue") < top_of(&h, "bed04-caution"));
    assert!(top_of(&h, "bed04-caution") < top_of(&h, "bed06-stable"));
    assert!(shows(&h, "◷ OVERDUE"));
    assert!(shows(&h, "OVERDUE by 4 h: aPTT"));
    assert!(
        shows(&h, "heparin 18 units/kg/h · 14.4 mL/h"),
        "drug, rate and pump rate"
    );
    assert!(shows(&h, "anti-Xa 0.5 units/mL (1 h ago)"));
    // The filter narrows the rows.
    super::type_into(&mut h, "Filter", "caution");
    assert!(shows(&h, "1 of 3 rows match the filter"));
    super::type_into(&mut h, "Filter", "");
    // A click opens the case in the same window; "← Unit board" comes back.
    click(&mut h, "bed06-stable");
    assert!(h.state().document().is_some(), "the case is open");
    assert!(shows(&h, "← Unit board"));
    click(&mut h, "← Unit board");
    assert!(h.state().document().is_none());
    assert!(shows(&h, "3 case file(s), most urgent first"), "back on the board");
}

#[test]
fn a_changed_file_updates_its_row_and_a_broken_one_shows_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let folder = unit(dir.path());
    let (mut h, tick) = board_harness(folder.clone());
    assert!(!shows(&h, "Stop unfractionated heparin"));
    // Another workstation saves the stable patient with platelets of 20 on heparin: stop and call.
    import(
        &folder,
        "bed06-stable",
        "2026-12-05T12:00,platelets,250,10^9/L\n2026-12-05T12:00,ufh_infusion,18,units/kg/h\n\
         2026-12-05T18:00,anti_xa,0.45,units/mL\n2026-12-06T11:00,anti_xa,0.5,units/mL\n\
         2026-12-06T11:30,platelets,20,10^9/L\n",
    );
    std::fs::write(folder.join("bed02-broken.ron"), "(version: 8, title: \"half").unwrap();
    tick.ring();
    h.run();
    let rows = h.state().board_rows().unwrap();
    assert_eq!(rows.len(), 4, "the broken file hides none: {rows:?}");
    assert_eq!(
        rows[0].file, "bed02-broken.ron",
        "a file that cannot be read comes first"
    );
    assert!(shows(&h, "cannot be read:"), "its error on its row");
    let stable = rows.iter().find(|r| r.file == "bed06-stable.ron").unwrap();
    assert!(
        stable
            .advice
            .as_deref()
            .is_some_and(|a| a.starts_with("Stop unfractionated heparin and call")),
        "the changed file's row is updated: {stable:?}"
    );
    assert_eq!(
        stable.urgency.label(),
        "CAUTION",
        "a call to the senior is never stable"
    );
    assert!(shows(&h, "Stop unfractionated heparin and call"), "and shown");
    assert!(shows(&h, "! call the senior clinician"));
}
