//! A citation and a sourced value: the leaf every protocol file section is made of.

use serde::{Deserialize, Serialize};

/// A citation. Shared, not copied: every finding, step and recommendation that cites a rule points at
/// the protocol's one copy of the text.
pub type Source = std::sync::Arc<str>;

/// A single number with its citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}
