//! Bounded reads (issue 26): every file the program reads — a case, a protocol, an events CSV — must be a
//! regular file no larger than its cap. A device (`/dev/zero` grew to 24 GB), a FIFO (hung for ever) or a
//! folder is refused by its metadata before it is opened, and a file that grows while it is read is
//! refused at its cap, never read to the end.

use std::io::Read;
use std::path::Path;

/// The largest case file read: room for the million-row course of the import bench (issue 17).
pub const CASE_MAX_BYTES: u64 = 256 * 1024 * 1024;
/// The largest protocol file read (a shipped one is a few tens of kB).
pub const PROTOCOL_MAX_BYTES: u64 = 1024 * 1024;
/// The largest events file read (room for the million-row bench).
pub const EVENTS_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum BoundedReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not a regular file ({kind}): only a regular file is read")]
    NotRegular { kind: &'static str },
    #[error("larger than the {cap_text} this program reads for a {what} ({size_text})")]
    TooLarge {
        what: &'static str,
        cap_text: String,
        size_text: String,
    },
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a plain file"
    }
}

/// The bytes of a regular file of at most `cap` bytes; `what` names the kind of file in the message.
///
/// # Errors
/// The file cannot be read, is not a regular file, or is larger than `cap`.
pub fn read_regular_file(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>, BoundedReadError> {
    // Metadata follows a symlink to what it names: a link to a regular file is read, a link to a device
    // is not. Nothing is opened before the type is known (opening a FIFO would wait for a writer).
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(BoundedReadError::NotRegular { kind: kind_of(&meta) });
    }
    let too_large = |size: u64| BoundedReadError::TooLarge {
        what,
        cap_text: size_text(cap),
        size_text: size_text(size),
    };
    if meta.len() > cap {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap + 1).read_to_end(&mut bytes)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > cap {
        return Err(too_large(read));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_a_folder_and_a_device_are_refused_without_opening_them() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.ron");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        // Opening the FIFO would block for ever; the metadata check refuses it first.
        let err = read_regular_file(&fifo, PROTOCOL_MAX_BYTES, "protocol").unwrap_err();
        assert!(err.to_string().contains("a named pipe"), "{err}");
        let err = read_regular_file(dir.path(), PROTOCOL_MAX_BYTES, "protocol").unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");
        let err = read_regular_file(Path::new("/dev/null"), PROTOCOL_MAX_BYTES, "protocol").unwrap_err();
        assert!(err.to_string().contains("a device"), "{err}");
    }

    #[test]
    fn a_file_over_its_cap_is_refused_with_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.ron");
        std::fs::write(&big, vec![b' '; 4096]).unwrap();
        let err = read_regular_file(&big, 2048, "protocol").unwrap_err();
        assert!(err.to_string().contains("larger than the 2 kB"), "{err}");
        assert_eq!(read_regular_file(&big, 4096, "protocol").unwrap().len(), 4096);
    }
}
