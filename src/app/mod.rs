//! The desktop app (egui). The UI only shows state and sends intents: views draw from the open
//! [`Document`] and their own state, and push [`Command`]s, which the shell applies once at the end of
//! the frame. All clinical logic is the engine's. `docs/architecture.md` maps who owns what.
//!
//! - [`shell`]: the app's state and the frame; `workflow`: the command interpreter and the file
//!   workflow; [`document`]: the open case; [`command`]: what a view can ask for;
//!   [`preferences`], [`demo_cases`], [`theme`].
//! - Views: [`case_bar`], [`dialogs`], [`plan`] (the card and the stepper), [`plots`], [`timeline`], [`flowsheet`],
//!   [`patient`], [`tools`], [`bypass`]; [`event_form`] is the add/edit form two of them share.

pub mod bypass;
pub mod case_bar;
pub mod command;
pub mod demo_cases;
pub mod dialogs;
pub mod document;
pub mod draw_form;
pub mod event_form;
pub mod flowsheet;
pub mod patient;
pub mod plan;
pub mod plots;
pub mod preferences;
pub mod shell;
pub mod status;
pub mod theme;
pub mod timeline;
pub mod tools;
mod workflow;

use std::path::PathBuf;

use eframe::egui;

pub use command::{Command, Replace};
pub use demo_cases::DEMO_CASES;
pub use document::Document;
pub use preferences::{CentralView, Preferences};
pub use shell::{Clock, PlannerApp, ViewStates};
pub use status::{Status, StatusKind};

/// Opens the window.
///
/// # Errors
/// When no window can be created (no display).
pub fn run(open: Option<PathBuf>, exit_after_first_frame: bool) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("anticoag-planner"),
        ..Default::default()
    };
    eframe::run_native(
        "anticoag-planner",
        options,
        Box::new(move |cc| {
            theme::install_fonts(&cc.egui_ctx);
            let prefs: Preferences = cc
                .storage
                .and_then(|s| eframe::get_value(s, Preferences::KEY))
                .unwrap_or_default();
            cc.egui_ctx.set_zoom_factor(prefs.zoom.clamp(0.5, 3.0));
            let recovery_dir = eframe::storage_dir("anticoag-planner").map(|d| d.join("recovery"));
            let mut app = PlannerApp::with_preferences(prefs, recovery_dir);
            if let Some(path) = open {
                app.open_path(path);
            }
            if exit_after_first_frame {
                app.exit_after_first_frame();
            }
            Ok(Box::new(app))
        }),
    )
}
