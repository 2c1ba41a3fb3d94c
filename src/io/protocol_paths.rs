//! Writing a case's protocol paths (issue 26): each protocol pinned, each protocol file named relative to the
//! case's new folder, which must hold it. Reading them is `protocol::paths`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::{Case, Setting};
use crate::protocol::case_protocols::CaseProtocols;
pub use crate::protocol::paths::{ProtocolPathError, resolve_protocol};
use crate::protocol::paths::{absolute, is_builtin};

/// The case as it is written to `dest`: each setting's protocol pinned (name, version, SHA-256), and each
/// protocol file named by its path relative to `dest`'s folder.
///
/// # Errors
/// A protocol file that is not in `dest`'s folder or below it: "copy the protocol beside the case".
pub fn for_saving(case: &Case, protocols: &CaseProtocols, dest: &Path) -> Result<Case, ProtocolPathError> {
    let folder = dest.parent().unwrap_or(Path::new(""));
    let mut named: BTreeMap<Setting, String> = BTreeMap::new();
    for (setting, name) in &case.protocols {
        if is_builtin(name) {
            named.insert(*setting, name.clone());
            continue;
        }
        // Where the protocol in use was read from (its file), else the name as written.
        let origin = protocols
            .of(*setting)
            .filter(|c| c.name == *name)
            .map_or_else(|| PathBuf::from(name), |c| PathBuf::from(c.protocol.origin()));
        let outside = || ProtocolPathError::OutsideFolder {
            name: name.clone(),
            folder: folder.display().to_string(),
        };
        let (Ok(real), Some(base)) = (origin.canonicalize(), absolute(folder)) else {
            return Err(outside());
        };
        let relative = real.strip_prefix(&base).map_err(|_| outside())?;
        named.insert(*setting, relative.display().to_string());
    }
    let mut out = case.clone();
    out.protocols = named;
    out.protocol_pins = protocols.pins();
    Ok(out)
}
