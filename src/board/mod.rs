//! The unit board (issue 31): every anticoagulated patient of a unit on one screen, from a shared folder
//! of case files read-only — drug and rate, last levels, the advice, the next lab due or OVERDUE, the
//! dangers, who holds each case — sorted by urgency. The window (`app::board`), the `board` command and
//! the unit handover PDF all read these rows. This room reads `io`, `analysis` and `present`; none of
//! them reads it.

pub mod folder;
pub mod handover;
pub mod row;
pub mod summary;
pub mod text;
pub mod watch;

pub use folder::{Board, Refreshed, is_case_file};
pub use row::{BoardRow, Urgency};
pub use summary::CaseSummary;
