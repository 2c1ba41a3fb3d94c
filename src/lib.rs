//! anticoag-planner: decision support for recognising and managing heparin resistance.
//!
//! The library holds all clinical logic and knows nothing of any UI:
//! - [`model`]: units as types, times, patient, events, case;
//! - [`protocol`]: the institution-editable RON protocols, validated on load;
//! - [`analysis`]: exposure, resistance criteria, discordance, 4Ts, the stepwise algorithm, replay;
//! - [`dosing`]: antithrombin, DTIs, heparin nomograms, bypass arithmetic;
//! - [`io`]: case files (atomic saves), CSV events, typed entry fields, the recovery file;
//! - [`present`]: what is shown and printed — plot data, flowsheet rows, the handover, JSON and text
//!   reports, the PDF (no UI crate);
//! - [`board`]: the unit board — every case of a folder, read-only, against the clock, by urgency;
//! - `app` and `cli` (feature `app`, on by default): the desktop app and the command line.
//!
//! Recommendations are decision support, not orders: each carries its reasoning and sources.

pub mod analysis;
// The app has no unit tests of its own (they are `tests/app`, one binary): leaving it out of the
// library's unit-test build spares that binary a second compile and link of the whole egui stack.
#[cfg(all(feature = "app", not(test)))]
pub mod app;
pub mod board;
#[cfg(all(feature = "app", not(test)))]
pub mod cli;
pub mod dosing;
pub mod io;
pub mod model;
pub mod present;
pub mod protocol;
#[cfg(feature = "robustness")]
pub mod robustness;
