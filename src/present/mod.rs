//! What the program shows and prints, as data and text: what the plots draw, the flowsheet's rows, the
//! handover sheet, the JSON and text reports, times for people (`people`), and (with the app) the
//! handover PDF. It reads analyses and
//! cases; nothing in the engine reads it.

pub mod chart;
pub mod flowsheet;
pub mod handover;
pub mod json_pretty;
/// The handover PDF (with the app: it needs the PDF writer).
#[cfg(all(feature = "app", not(test)))]
pub mod pdf;
pub mod people;
pub mod report;
