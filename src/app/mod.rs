//! The desktop app (egui). The UI only shows state and sends intents: views draw from the open
//! [`Document`] and their own state, and push [`Command`]s, which the shell applies once at the end of
//! the frame. All clinical logic is the engine's. `docs/architecture.md` maps who owns what.
//!
//! - [`shell`]: the app's state and the frame; `workflow`: the command interpreter and the file
//!   workflow; [`document`]: the open case; [`command`]: what a view can ask for;
//!   [`preferences`], [`demo_cases`], [`theme`]; `signing`: the author asked for once when unknown; `importing`: a CSV or pasted rows, previewed.
//! - Views: [`views::case_bar`], [`views::dialogs`], [`views::plan`] (the card and the stepper), [`views::plots`], [`views::timeline`], [`views::flowsheet`], [`views::history`],
//!   [`views::patient`], [`views::tools`], [`views::bypass`]; [`views::event_form`] is the add/edit form two of them share.

pub mod board;
pub mod board_state;
pub mod command;
pub mod demo_cases;
pub mod document;
pub mod forecasting;
mod importing;
pub mod preferences;
mod saving;
pub mod shell;
mod signing;
pub mod status;
pub mod theme;
pub mod views;
mod workflow;

use std::path::PathBuf;

use eframe::egui;

pub use command::{Command, Replace};
pub use demo_cases::DEMO_CASES;
pub use document::Document;
pub use preferences::{CentralView, Preferences};
pub use shell::{Clock, PlannerApp, ViewStates};
pub use status::{Status, StatusKind};

/// What the command line asks of the window: a case to open, the first view, the look and the size
/// (`--open`, `--view`, `--theme`, `--size`: for scripted screenshots and teaching set-ups).
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    pub open: Option<PathBuf>,
    /// The unit board of this folder (issue 31), shown when no case is open.
    pub board: Option<PathBuf>,
    pub view: Option<CentralView>,
    pub theme: Option<theme::ThemeChoice>,
    pub size: Option<(f32, f32)>,
    pub author: Option<String>,
    pub exit_after_first_frame: bool,
}

/// Opens the window.
///
/// # Errors
/// When no window can be created (no display).
pub fn run(start: StartOptions) -> Result<(), eframe::Error> {
    let (width, height) = start.size.unwrap_or((1280.0, 800.0));
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([width, height])
            .with_min_inner_size([640.0, 400.0])
            .with_title("anticoag-planner"),
        // A size asked for on the command line wins over the one eframe remembered.
        persist_window: start.size.is_none(),
        ..Default::default()
    };
    let StartOptions {
        open,
        board,
        view,
        theme: look,
        author,
        exit_after_first_frame,
        ..
    } = start;
    eframe::run_native(
        "anticoag-planner",
        options,
        Box::new(move |cc| {
            theme::install_fonts(&cc.egui_ctx);
            let mut prefs: Preferences = cc
                .storage
                .and_then(|s| eframe::get_value(s, Preferences::KEY))
                .unwrap_or_default();
            if let Some(view) = view {
                prefs.view = view;
            }
            if let Some(look) = look {
                prefs.theme = look;
            }
            if let Some(name) = author.filter(|a| !a.trim().is_empty()) {
                prefs.author = name;
            }
            cc.egui_ctx.set_zoom_factor(prefs.zoom.clamp(0.5, 3.0));
            let settings = preferences::settings_dir();
            let recovery_dir = settings.as_ref().map(|d| d.join("recovery"));
            let mut app = PlannerApp::with_preferences(prefs, recovery_dir);
            match crate::io::approved::workstation_list(settings.as_deref()) {
                Ok(list) => app.set_approved(list),
                Err(e) => app.set_status_failed(format!("the list of approved protocols cannot be read: {e}")),
            }
            if let Some(folder) = board {
                app.open_board(folder, Some(&cc.egui_ctx));
            }
            if let Some(path) = open {
                app.open_path(path);
            }
            app.ask_for_an_unknown_author();
            if exit_after_first_frame {
                app.exit_after_first_frame();
            }
            Ok(Box::new(app))
        }),
    )
}
