//! Who entered or changed something, and when: the stamp on an entered event, an audit entry and a
//! deletion.

use serde::{Deserialize, Serialize};

use super::time::ClinicalTime;

/// When and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    pub at: ClinicalTime,
    pub by: String,
}

impl Stamp {
    #[must_use]
    pub fn new(at: ClinicalTime, by: impl Into<String>) -> Self {
        Self { at, by: by.into() }
    }
}
