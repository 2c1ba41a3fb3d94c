//! Where a case's protocol files may be (issue 26): a case names a shipped protocol, or a protocol file in
//! its own folder or below it, by a path relative to that folder. A path is never read from the current
//! folder (the same case gave 14.4 or 144 mL/h depending on where it was run), and a path outside the
//! case's folder — `/dev/zero`, `/etc/passwd`, `../elsewhere.ron` — is refused before anything is read.

use std::path::{Component, Path, PathBuf};

use super::{Protocol, ProtocolError, builtin_names};

/// A protocol path a case may not name.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolPathError {
    #[error(
        "the protocol {name} is outside the case's folder {folder}: copy the protocol beside the case (a case names a shipped protocol, or a protocol file in its folder or below it)"
    )]
    OutsideFolder { name: String, folder: String },
}

pub(crate) fn is_builtin(name: &str) -> bool {
    builtin_names().contains(&name)
}

/// A folder as a comparable absolute path (`""`, the parent of a bare file name, is the current folder).
pub(crate) fn absolute(dir: &Path) -> Option<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dir.canonicalize().ok()
}

/// Whether a relative path stays below its folder without reading anything (no `..`, no root).
fn stays_below(path: &Path) -> bool {
    path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The protocol a case names: a shipped name, or a file in the case's folder `base_dir` or below it. With
/// no folder (a case that is not a file yet), the name is read as it is given.
///
/// # Errors
/// A path outside the case's folder ([`ProtocolError::Io`] naming the rule), or the protocol's own errors.
pub fn resolve_protocol(name: &str, base_dir: Option<&Path>) -> Result<Protocol, ProtocolError> {
    if is_builtin(name) {
        return Protocol::builtin(name);
    }
    let Some(dir) = base_dir else {
        return Protocol::resolve(name);
    };
    let path = Path::new(name);
    let outside = || ProtocolError::Io {
        origin: name.to_owned(),
        error: std::io::Error::other(
            ProtocolPathError::OutsideFolder {
                name: name.to_owned(),
                folder: dir.display().to_string(),
            }
            .to_string(),
        ),
    };
    if !stays_below(path) {
        return Err(outside());
    }
    let candidate = dir.join(path);
    if !candidate.exists() && path.extension().is_none_or(|e| e != "ron") {
        return Err(ProtocolError::Unknown { name: name.to_owned() });
    }
    // A link inside the folder to a file outside it is outside too.
    if let (Ok(real), Some(folder)) = (candidate.canonicalize(), absolute(dir))
        && !real.starts_with(&folder)
    {
        return Err(outside());
    }
    Protocol::from_path(&candidate)
}
