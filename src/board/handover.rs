//! The unit handover (issue 31): a first sheet with every row of the board, then each case's own
//! handover sheet (its contingency table among it), each from a new page — the same sheets the command
//! line's `--pdf` and the window's Print write. `present::pdf` lays them out one after another.

use super::{Board, BoardRow};
use crate::io::LoadedCase;
use crate::model::ClinicalTime;
use crate::present::handover::{Block, Handover};

/// One case's handover sheet at `as_of`, with what the loader found (a broken trail, a protocol
/// changed since the case was saved) and `extra_marks` ("UNAPPROVED PROTOCOL") printed first.
///
/// # Errors
/// No handover while a patient field pauses the advice (never the case for a file read as it is).
pub fn case_sheet(
    loaded: &LoadedCase,
    as_of: ClinicalTime,
    by: &str,
    printed_at: ClinicalTime,
    extra_marks: &[String],
) -> Result<Handover, String> {
    let case = &loaded.case;
    let engine = crate::analysis::CaseEngine::new(case, loaded.protocols.clone());
    let analysis = engine.analyze(case, as_of, crate::analysis::Detail::Explained);
    let (choice, prepared) = engine.at(case, as_of);
    // What the command line warns of on opening is printed too (review of issue 26).
    let marks: Vec<String> = loaded
        .audit_broken
        .iter()
        .map(|why| format!("AUDIT TRAIL BROKEN: {why}"))
        .chain(
            loaded
                .protocol_changes
                .iter()
                .map(|c| format!("PROTOCOL CHANGED: {}", c.sentence())),
        )
        .chain(extra_marks.iter().cloned())
        .collect();
    let printing = crate::present::handover::Printing {
        at: printed_at,
        by,
        app_version: env!("CARGO_PKG_VERSION"),
        marks: &marks,
    };
    crate::present::handover::handover(
        case,
        &prepared.timeline,
        &choice.protocol,
        &analysis,
        &case.patient_line(),
        None,
        &printing,
    )
    .map_err(|e| e.to_string())
}

/// The unit handover (issue 31): a first sheet with every row, then each readable case's own handover
/// sheet (its contingency table among it), each from a new page, in the board's order.
///
/// `approval` gives a case's "UNAPPROVED PROTOCOL" marks (the workstation's list; an error is printed as
/// the sheet's refusal).
#[must_use]
pub fn unit_sheets(
    board: &Board,
    rows: &[BoardRow],
    now: ClinicalTime,
    by: &str,
    approval: &dyn Fn(&LoadedCase) -> Result<Vec<String>, String>,
) -> Vec<Handover> {
    let footer = format!(
        "anticoag-planner {} · unit board at {} · printed {} by {by}",
        env!("CARGO_PKG_VERSION"),
        now.dated_for_people(),
        ClinicalTime::now(now.zone()).dated_for_people()
    );
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let people = |t: &str| crate::present::people::people_times(t, now);
            vec![
                format!(
                    "{}{}{}",
                    r.bed.as_ref().map(|b| format!("bed {b} — ")).unwrap_or_default(),
                    r.patient,
                    if r.teaching {
                        format!(" ({})", crate::model::TEACHING_BAND)
                    } else {
                        String::new()
                    }
                ),
                r.urgency.label().to_owned(),
                [r.last_anti_xa.as_ref(), r.last_aptt.as_ref()]
                    .into_iter()
                    .flatten()
                    .map(|l| format!("{} {}", l.value, l.unit))
                    .collect::<Vec<_>>()
                    .join(" · "),
                people(&r.error.clone().or_else(|| r.advice.clone()).unwrap_or_default()),
                people(&r.next_lab.as_ref().map_or_else(
                    || r.clock_note.clone().unwrap_or_default(),
                    |n| match (n.overdue, n.due) {
                        (true, _) => format!(
                            "OVERDUE {}: {}{}",
                            crate::analysis::clock::hours_minutes(n.minutes),
                            n.test,
                            if n.also_overdue.is_empty() {
                                String::new()
                            } else {
                                format!("; also overdue: {}", n.also_overdue.join(", "))
                            }
                        ),
                        (false, Some(due)) => format!("{}: {due}", n.test),
                        (false, None) => n.test.clone(),
                    },
                )),
            ]
        })
        .collect();
    let mut sheets = vec![Handover {
        subject: "Unit",
        patient_line: format!(
            "{} — {} patient(s); each patient's own pages follow",
            board.folder().display(),
            rows.len()
        ),
        footer: footer.clone(),
        blocks: vec![
            Block::Heading("Unit anticoagulation handover".to_owned()),
            Block::Text(
                "Decision support, not an order: check every line against the patient before acting.".to_owned(),
            ),
            Block::Text(format!(
                "Sorted by urgency (file errors, advice paused, danger, overdue, no entry for 48 h, caution, action advised, due within 2 h, stable); due and overdue at {}.",
                now.dated_for_people()
            )),
            Block::Table {
                caption: "Every patient of the folder".to_owned(),
                header: [
                    "patient",
                    "urgency",
                    "last levels",
                    "advice (the rate and pump rate)",
                    "next lab",
                ]
                .map(str::to_owned)
                .to_vec(),
                rows: table,
                compact: true,
            },
        ],
    }];
    for row in rows.iter().filter(|r| r.error.is_none()) {
        let (Some(path), Some(as_of)) = (board.path_of(&row.file), row.as_of) else {
            continue;
        };
        let sheet = crate::io::case_file::load_case(path, now.zone())
            .map_err(|e| e.to_string())
            .and_then(|loaded| {
                let marks = approval(&loaded)?;
                case_sheet(&loaded, as_of, by, ClinicalTime::now(now.zone()), &marks)
            });
        sheets.push(sheet.unwrap_or_else(|why| Handover {
            subject: "Patient",
            patient_line: row.patient.clone(),
            footer: footer.clone(),
            blocks: vec![
                Block::Heading("Anticoagulation handover".to_owned()),
                Block::Danger {
                    text: format!("No handover sheet for this patient: {why}"),
                    grave: true,
                },
            ],
        }));
    }
    sheets
}
