//! anticoag-planner: decision support for recognising and managing heparin resistance.
//!
//! The library holds all clinical logic and knows nothing of any UI:
//! - [`model`]: units as types, times, patient, events, case;
//! - [`protocol`]: the institution-editable RON protocols, validated on load;
//! - [`analysis`]: exposure, resistance criteria, discordance, 4Ts, the stepwise algorithm, replay;
//! - [`dosing`]: antithrombin, DTIs, heparin nomograms, bypass arithmetic;
//! - [`io`]: case files (atomic saves), CSV events, JSON/text reports.
//!
//! Recommendations are decision support, not orders: each carries its reasoning and sources.

pub mod analysis;
pub mod dosing;
pub mod io;
pub mod model;
pub mod protocol;
