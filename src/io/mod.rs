//! Files and formats at the boundary: case files (RON, atomic saves), CSV events, typed entry fields,
//! the recovery file.

pub mod approved;
pub mod bounded;
pub mod case_file;
pub mod case_lock;
pub mod case_migration;
pub mod csv_events;
pub mod entry;
pub mod import_preview;
pub mod labs;
pub mod protocol_paths;
pub mod quick_entry;
pub mod recovery;
pub mod safe_write;
pub mod workstation;

pub use crate::model::event_fields;
pub use case_file::{CaseFileError, LoadedCase, load_case, parse_case, save_case, to_ron_string};
pub use csv_events::{
    CsvError, CsvImport, EventValueError, event_kind_from_fields, parse_events_csv, parse_events_csv_in_settings,
};
