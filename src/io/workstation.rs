//! Who and where this window runs: the operating-system user and the host name. Read by the recovery
//! files, the case locks and (as the author until one is set) the audit trail.

/// What [`user`] says when the environment names no user: the window then asks for a name before it
/// signs an entry (issue 29).
pub const UNKNOWN_USER: &str = "unknown user";

/// The operating-system user.
#[must_use]
pub fn user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| UNKNOWN_USER.to_owned())
}

/// This machine's host name.
#[must_use]
pub fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".to_owned())
}
