//! Reading and writing the CLI's files: size limits before reading,
//! atomic replacement, and private keys created readable only by the user.

use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use std::path::Path;

/// Reads a whole file, refusing one larger than `max` bytes before
/// reading it.
pub fn read_limited(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open {what} {}", path.display()))?;
    let len = file
        .metadata()
        .with_context(|| format!("cannot read {what} {}", path.display()))?
        .len();
    if len > max {
        bail!(
            "{what} {} is {len} bytes; at most {max} are accepted",
            path.display()
        );
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // `take` guards against a file that grows while being read.
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > max {
        bail!(
            "{what} {} grew past {max} bytes while being read",
            path.display()
        );
    }
    Ok(bytes)
}

/// Reads a whole UTF-8 text file with a size limit.
pub fn read_text_limited(path: &Path, max: u64, what: &str) -> Result<String> {
    let bytes = read_limited(path, max, what)?;
    String::from_utf8(bytes).with_context(|| format!("{what} {} is not UTF-8 text", path.display()))
}

/// Replaces `path` atomically: a reader sees the old file or the new one,
/// never half of either.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Creates a new file readable and writable only by the user; never
/// overwrites (a key file lost to a typo cannot be recovered).
pub fn write_new_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists; refusing to overwrite a key file",
                path.display()
            )
        } else {
            anyhow::Error::new(e).context(format!("cannot create {}", path.display()))
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
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
        assert!(read_limited(&path, 4, "file").is_err());
        write_atomic(&path, b"bye").unwrap();
        assert_eq!(read_text_limited(&path, 5, "file").unwrap(), "bye");
        let key = dir.path().join("k");
        write_new_private(&key, b"secret").unwrap();
        assert!(write_new_private(&key, b"again").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(read_limited(&dir.path().join("missing"), 5, "file").is_err());
    }
}
