//! The engine's, the files' and the command line's integration tests, in one test binary (each test
//! binary links the whole crate again, the desktop app's crates included), one module per area.

mod architecture;
mod audit_chain;
mod board;
mod ceiling_properties;
mod cli;
mod cmaj_case;
mod common;
mod csv_errors;
mod dti_branches;
mod files;
mod forecast;
mod forecast_coverage;
mod forecast_study;
mod golden;
mod handover_pdf;
mod kill_recovery;
mod labs;
mod malformed_inputs;
mod parser_robustness;
mod patient_inputs;
mod plain_text;
mod properties;
mod protocol_texts;
mod protocol_trust;
mod random_cases;
mod recorded_inputs;
mod rev3_properties;
mod rev3b_properties;
mod safe_writes;
mod scenarios;
mod settings_over_time;
mod shown_advice;
mod synthetic_cases;
mod time_zones;
