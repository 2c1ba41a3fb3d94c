//! The last outcome of a user's action (saved, imported, refused …), as the case bar shows it.

/// What the last outcome was: the case bar colours it (and says it in words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Success,
    Warning,
    Failure,
}

/// The last outcome or problem, shown in the case bar until the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

impl Status {
    #[must_use]
    pub fn ok(text: String) -> Self {
        Self {
            kind: StatusKind::Success,
            text,
        }
    }

    #[must_use]
    pub fn warning(text: String) -> Self {
        Self {
            kind: StatusKind::Warning,
            text,
        }
    }

    #[must_use]
    pub fn failed(text: String) -> Self {
        Self {
            kind: StatusKind::Failure,
            text,
        }
    }
}
