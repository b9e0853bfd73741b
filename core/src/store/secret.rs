//! Where the database key lives: the platform's secret store.
//!
//! On a phone this is the Android Keystore or the iOS Keychain, implemented
//! in Kotlin and Swift behind this trait. [`FileSecretStore`] is the
//! desktop stand-in for the CLI and tests: a file readable only by the
//! user, which protects nothing from someone who can read the user's files.

use crate::files::{FileError, create_private_dir, read_limited, write_atomic};
use std::path::PathBuf;
use thiserror::Error;
use zeroize::Zeroizing;

/// Largest secret accepted from a store: every secret Docket keeps is a
/// 32-byte key, so anything much larger is a broken store, refused before
/// it is used.
pub const MAX_SECRET_LEN: usize = 1024;

/// The platform's store of small secrets, by name.
///
/// Implementations must make `save` durable before returning: the store
/// saves a new database key before it creates the database, so that a
/// crash between the two never leaves a database nobody can open.
pub trait SecretStore: Send + Sync {
    /// The secret saved under `name`, or `None` if there is none.
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError>;

    /// Saves `secret` under `name`, replacing any earlier one.
    fn save(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError>;
}

/// The platform's secret store failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SecretStoreError {
    /// The store is locked or needs the user first (for example, the phone
    /// was restarted and not yet unlocked).
    #[error("the phone's key store is locked; unlock the phone and try again")]
    Locked,
    /// The store failed for another reason, as the platform reported it.
    #[error("the phone's key store failed: {0}")]
    Failed(String),
    /// What the store holds under the name cannot be a secret of ours (it
    /// is larger than [`MAX_SECRET_LEN`]); it was not read.
    #[error("the phone's key store holds a damaged secret")]
    Damaged,
}

/// A secret store in a directory, one file per secret, each readable only
/// by the user. The desktop stand-in for the phone's key store.
#[derive(Debug, Clone)]
pub struct FileSecretStore {
    dir: PathBuf,
}

impl FileSecretStore {
    /// A store in `dir`, which is created (private to the user) if missing.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, SecretStoreError> {
        let dir = dir.into();
        create_private_dir(&dir).map_err(file_failure)?;
        Ok(FileSecretStore { dir })
    }

    fn path_of(&self, name: &str) -> Result<PathBuf, SecretStoreError> {
        let plain = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !plain {
            return Err(SecretStoreError::Failed(format!(
                "{name:?} is not a valid secret name"
            )));
        }
        Ok(self.dir.join(format!("{name}.secret")))
    }
}

impl SecretStore for FileSecretStore {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        let path = self.path_of(name)?;
        match read_limited(&path, MAX_SECRET_LEN as u64, "secret") {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(FileError::NotFound { .. }) => Ok(None),
            Err(FileError::TooLarge { .. }) => Err(SecretStoreError::Damaged),
            Err(other) => Err(file_failure(other)),
        }
    }

    fn save(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        let path = self.path_of(name)?;
        write_atomic(&path, secret).map_err(file_failure)
    }
}

fn file_failure(error: FileError) -> SecretStoreError {
    SecretStoreError::Failed(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_loads_and_replaces_privately() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileSecretStore::new(dir.path().join("keys")).unwrap();
        assert_eq!(store.load("db").unwrap(), None);
        store.save("db", &[1; 32]).unwrap();
        store.save("db", &[2; 32]).unwrap();
        assert_eq!(store.load("db").unwrap().unwrap().as_slice(), &[2; 32]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.path().join("keys/db.secret");
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "secret readable by others: {mode:o}");
        }
    }

    #[test]
    fn refuses_names_that_could_leave_the_directory_and_oversized_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileSecretStore::new(dir.path()).unwrap();
        for name in ["", "../x", "a/b", "DB", "a.b"] {
            assert!(store.save(name, b"k").is_err(), "{name:?}");
        }
        std::fs::write(dir.path().join("big.secret"), vec![0; MAX_SECRET_LEN + 1]).unwrap();
        assert_eq!(store.load("big"), Err(SecretStoreError::Damaged));
    }
}
