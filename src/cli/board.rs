//! `board FOLDER [--format text|json] [--at T] [--pdf FILE [--force]]` (issue 31): the unit board, read
//! once — every case file of the folder analysed at its last event at or before `--at`, judged due or
//! overdue against `--at` (default now), sorted by urgency — and the unit handover.

use std::path::Path;

use anyhow::{Result, anyhow};

use crate::board::Board;
use crate::board::text::{BoardDocument, board_text};
use crate::model::{ClinicalTime, Zone};

pub(super) struct Options<'a> {
    pub json: bool,
    pub at: Option<&'a str>,
    pub pdf: Option<&'a Path>,
    pub force: bool,
    /// The zone of `--at` and of the clock.
    pub zone: Zone,
    pub by: Option<&'a str>,
}

/// `board`: the command's flags read, then [`run`].
pub(super) fn run_command(command: super::Command, author: Option<&str>, workstation: Zone) -> Result<String> {
    let super::Command::Board {
        folder,
        format,
        at,
        pdf,
        force,
        time_zone,
    } = command
    else {
        return Err(anyhow!("not the board command"));
    };
    let options = Options {
        json: format == super::Format::Json,
        at: at.as_deref(),
        pdf: pdf.as_deref(),
        force,
        zone: super::Zones::new(time_zone.as_deref(), workstation)?.reading(),
        by: author,
    };
    run(&folder, &options)
}

pub(super) fn run(folder: &Path, o: &Options<'_>) -> Result<String> {
    if !folder.is_dir() {
        return Err(anyhow!(
            "{}: not a folder (the board reads every case file of a folder)",
            folder.display()
        ));
    }
    let now = match o.at {
        Some(text) => ClinicalTime::parse_in(text, o.zone).map_err(|e| anyhow!("--at: {e}"))?,
        None => ClinicalTime::now(o.zone),
    };
    if let Some(pdf) = o.pdf {
        super::may_write(pdf, folder, o.force, true)?;
    }
    let mut board = Board::new(folder.to_path_buf(), o.zone, o.at.map(|_| now));
    board.refresh();
    if let Some(error) = board.folder_error() {
        return Err(anyhow!("the folder cannot be read: {error}"));
    }
    let rows = board.rows(now);
    let mut out = if o.json {
        serde_json::to_string_pretty(&BoardDocument {
            time_zone: o.zone,
            at: now,
            folder: folder.display().to_string(),
            rows: &rows,
        })? + "\n"
    } else {
        board_text(&folder.display().to_string(), &rows, now, None)
    };
    if let Some(pdf) = o.pdf {
        let by =
            o.by.map_or_else(crate::app::preferences::system_user, ToOwned::to_owned);
        let approval =
            |loaded: &crate::io::LoadedCase| super::approval_marks(&loaded.protocols).map_err(|e| e.to_string());
        let sheets = crate::board::handover::unit_sheets(&board, &rows, now, &by, &approval);
        crate::present::pdf::write_sheets(&sheets, pdf)?;
        let line = format!(
            "wrote the unit handover ({} page group(s)) to {}\n",
            sheets.len(),
            pdf.display()
        );
        if o.json {
            eprint!("{line}");
        } else {
            out.push_str(&line);
        }
    }
    Ok(out)
}
