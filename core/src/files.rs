//! Files on a desktop or in an app's private storage: reads bounded
//! before they start, one atomic replacement routine, private key files
//! that are never overwritten. Every program of the workspace (the CLI,
//! the portal, the test issuer, the officer's state, the desktop secret
//! store) goes through these, so there is one place that decides what
//! "saved" means: the bytes and the rename are on disk when a write
//! returns.

use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A file could not be read or written.
#[derive(Debug, Error)]
pub enum FileError {
    /// The file does not exist.
    #[error("{what} {} does not exist", path.display())]
    NotFound {
        /// What the file is, in words ("trust list", "device key").
        what: String,
        /// Where.
        path: PathBuf,
    },
    /// The file is larger than such a file can be; it was not read.
    #[error("{what} {} is {len} bytes; at most {max} are accepted", path.display())]
    TooLarge {
        /// What the file is.
        what: String,
        /// Where.
        path: PathBuf,
        /// Its size (or at least this much, if it grew while being read).
        len: u64,
        /// The limit.
        max: u64,
    },
    /// A text file is not UTF-8.
    #[error("{what} {} is not UTF-8 text", path.display())]
    NotText {
        /// What the file is.
        what: String,
        /// Where.
        path: PathBuf,
    },
    /// A file that must be new exists already (a key file is never
    /// overwritten: one lost to a typo cannot be recovered).
    #[error("{} already exists; refusing to overwrite it", path.display())]
    Exists {
        /// Where.
        path: PathBuf,
    },
    /// The disk is full: nothing was changed.
    #[error("cannot write {}: the disk is full", path.display())]
    DiskFull {
        /// Where.
        path: PathBuf,
    },
    /// The file system is mounted read-only: nothing was changed.
    #[error("cannot write {}: the file system is read-only", path.display())]
    ReadOnly {
        /// Where.
        path: PathBuf,
    },
    /// Any other input/output failure.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `read`, `write`, `create`, ...
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl FileError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::NotFound { .. } => "file_not_found",
            FileError::TooLarge { .. } => "file_too_large",
            FileError::NotText { .. } => "file_not_text",
            FileError::Exists { .. } => "file_exists",
            FileError::DiskFull { .. } => "disk_full",
            FileError::ReadOnly { .. } => "read_only",
            FileError::Io { .. } => "io",
        }
    }

    /// The operating system's `error` while doing `action` on `path`, with
    /// a full disk and a read-only file system told apart.
    pub fn from_io(action: &'static str, path: &Path, error: std::io::Error) -> FileError {
        let path = path.to_owned();
        match storage_problem(&error) {
            Some(StorageProblem::Full) => FileError::DiskFull { path },
            Some(StorageProblem::ReadOnly) => FileError::ReadOnly { path },
            None => FileError::Io {
                action,
                path,
                source: error,
            },
        }
    }
}

/// Why storage refused a write, when it is the storage's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageProblem {
    /// No space left (or over quota).
    Full,
    /// Mounted read-only.
    ReadOnly,
}

/// Whether `error` says the disk is full or read-only.
pub fn storage_problem(error: &std::io::Error) -> Option<StorageProblem> {
    match error.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Some(StorageProblem::Full),
        ErrorKind::ReadOnlyFilesystem => Some(StorageProblem::ReadOnly),
        _ => None,
    }
}

/// Reads a whole file, refusing one larger than `max` bytes before
/// reading it. `what` names the file in errors.
pub fn read_limited(path: &Path, max: u64, what: &str) -> Result<Vec<u8>, FileError> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => FileError::NotFound {
            what: what.to_owned(),
            path: path.to_owned(),
        },
        _ => FileError::from_io("open", path, e),
    })?;
    let len = file
        .metadata()
        .map_err(|e| FileError::from_io("read", path, e))?
        .len();
    let too_large = |len| FileError::TooLarge {
        what: what.to_owned(),
        path: path.to_owned(),
        len,
        max,
    };
    if len > max {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // `take` guards against a file that grows while being read.
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::from_io("read", path, e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a whole UTF-8 text file with a size limit.
pub fn read_text_limited(path: &Path, max: u64, what: &str) -> Result<String, FileError> {
    String::from_utf8(read_limited(path, max, what)?).map_err(|_| FileError::NotText {
        what: what.to_owned(),
        path: path.to_owned(),
    })
}

/// Replaces `path` atomically and durably: the bytes go to a temporary
/// file in the same folder (created readable by the user only), which is
/// synced, renamed over `path`, and then the folder itself is synced, so
/// that after a crash or power loss a reader finds the old file or the new
/// one, whole, and a write that returned is never undone.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let dir = parent_dir(path);
    let mut temp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| FileError::from_io("write in", dir, e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| FileError::from_io("write", path, e))?;
    temp.persist(path)
        .map_err(|e| FileError::from_io("replace", path, e.error))?;
    sync_dir(dir)
}

/// Creates a new file readable and writable only by the user, durably;
/// never overwrites (a key file lost to a typo cannot be recovered).
pub fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        ErrorKind::AlreadyExists => FileError::Exists {
            path: path.to_owned(),
        },
        _ => FileError::from_io("create", path, e),
    })?;
    if let Err(error) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        // Half a key is worse than none: the next attempt creates it again.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(FileError::from_io("write", path, error));
    }
    sync_dir(parent_dir(path))
}

/// Creates `dir` and its parents, the last one readable only by the
/// user.
pub fn create_private_dir(dir: &Path) -> Result<(), FileError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| FileError::from_io("create", dir, e))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Makes a rename or a new file in `dir` durable (a no-op where folders
/// cannot be opened, as on Windows).
fn sync_dir(dir: &Path) -> Result<(), FileError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| FileError::from_io("sync", dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_atomic_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomic(&path, b"hello").unwrap();
        assert_eq!(read_limited(&path, 5, "file").unwrap(), b"hello");
        assert!(matches!(
            read_limited(&path, 4, "file"),
            Err(FileError::TooLarge { len: 5, max: 4, .. })
        ));
        write_atomic(&path, b"bye").unwrap();
        assert_eq!(read_text_limited(&path, 5, "file").unwrap(), "bye");
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(matches!(
            read_text_limited(&path, 5, "file"),
            Err(FileError::NotText { .. })
        ));
        assert!(matches!(
            read_limited(&dir.path().join("missing"), 5, "file"),
            Err(FileError::NotFound { .. })
        ));
    }

    #[test]
    fn a_private_file_is_created_once_and_readable_only_by_its_owner() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("k");
        write_new_private(&key, b"secret").unwrap();
        let again = write_new_private(&key, b"again").unwrap_err();
        assert_eq!(again.code(), "file_exists");
        assert_eq!(std::fs::read(&key).unwrap(), b"secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let written = dir.path().join("w");
            write_atomic(&written, b"x").unwrap();
            let mode = std::fs::metadata(&written).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }
    }

    #[test]
    fn storage_failures_are_told_apart() {
        let full = std::io::Error::from(ErrorKind::StorageFull);
        let read_only = std::io::Error::from(ErrorKind::ReadOnlyFilesystem);
        let other = std::io::Error::from(ErrorKind::PermissionDenied);
        let path = Path::new("x");
        assert_eq!(FileError::from_io("write", path, full).code(), "disk_full");
        assert_eq!(
            FileError::from_io("write", path, read_only).code(),
            "read_only"
        );
        assert_eq!(FileError::from_io("write", path, other).code(), "io");
    }
}
