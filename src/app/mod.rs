//! The desktop app (egui). For now a window that shows the bundled demo case's current plan; the full
//! workstation UI (case bar, timeline tables, plots, algorithm stepper, dosing tools) is the next issue.

use eframe::egui;

use anticoag_planner::analysis::{Analysis, analyze};
use anticoag_planner::io::parse_case;

const DEMO_CASE: &str = include_str!("../../assets/cases/cmaj-2019-ecmo.ron");

struct PlaceholderApp {
    demo: Result<Analysis, String>,
}

impl PlaceholderApp {
    fn new() -> Self {
        let demo = parse_case(DEMO_CASE, "assets/cases/cmaj-2019-ecmo.ron", None)
            .map_err(|e| e.to_string())
            .and_then(|loaded| {
                let at = loaded
                    .case
                    .last_event_time()
                    .ok_or_else(|| "the demo case has no events".to_owned())?;
                Ok(analyze(&loaded.case, &loaded.protocol, at))
            });
        Self { demo }
    }
}

impl eframe::App for PlaceholderApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("anticoag-planner");
            ui.label("Decision support for heparin resistance — not an order. The full desktop app is being built; the command line is complete (see README).");
            ui.separator();
            match &self.demo {
                Ok(a) => {
                    ui.strong(format!("Demo case (CMAJ 2019 VV-ECMO) as of {}", a.as_of));
                    ui.label(a.recommendation.headline());
                    for line in &a.recommendation.rationale {
                        ui.label(format!("• {line}"));
                    }
                }
                Err(e) => {
                    ui.colored_label(egui::Color32::RED, format!("demo case failed to load: {e}"));
                }
            }
        });
    }
}

/// Opens the window.
///
/// # Errors
/// When no window can be created (no display).
pub fn run() -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1100.0, 700.0])
            .with_title("anticoag-planner"),
        ..Default::default()
    };
    eframe::run_native(
        "anticoag-planner",
        options,
        Box::new(|_cc| Ok(Box::new(PlaceholderApp::new()))),
    )
}
