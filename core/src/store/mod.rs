//! The wallet's memory: one SQLite database per wallet profile
//! (`rusqlite`, bundled SQLite), with the holder's data sealed under a key
//! from the platform's secret store.
//!
//! - Durability: WAL with `synchronous = FULL`, so a write is on disk when
//!   its call returns (an enqueued check-in survives a pulled battery).
//! - Opening never changes a file it cannot vouch for: a newer schema, a
//!   foreign or damaged file, a wrong, damaged or missing key are typed
//!   errors and the file is left as it was ([`StoreError`]). While those
//!   checks run, SQLite's checkpoint-on-close is off, so even the WAL is
//!   not folded in.
//! - A database is created only where creation is recognised positively,
//!   never from a file's absence alone: the secret store says whether a
//!   database was ever created under its key (a second entry,
//!   [`DATABASE_CREATED_NAME`], saved only after the creation committed).
//!   A database missing or emptied next to that entry is
//!   [`StoreError::DatabaseMissing`] and nothing is created; a write-ahead
//!   log without its database is [`StoreError::LogWithoutDatabase`]
//!   (SQLite would delete it). Only [`Store::start_over`], which the app
//!   calls after the holder confirmed, makes a new wallet there, and it
//!   never touches a database file that holds anything.
//! - A full or read-only disk is its own error ([`StoreError::DiskFull`],
//!   [`StoreError::ReadOnly`]), found by probing the folder when SQLite
//!   only says "I/O error". An existing database then opens read-only
//!   ([`Store::storage_problem`]): reading works, and every write is
//!   refused before it starts. A read-only view never drops what sits in
//!   a write-ahead log: SQLite reads the log, or the database is not
//!   opened.
//! - Threads: a [`Store`] owns one connection and is `Send` but not
//!   `Sync`. Its calls block on disk, so async code must never call it on
//!   an async worker thread: the sync engine gives the store its own
//!   thread and sends it work (docs/ARCHITECTURE.md, "Threads").

mod card;
mod enrollment;
mod error;
mod hearings;
mod outbox;
mod schema;
mod seal;
mod secret;
#[cfg(test)]
mod tests;
mod thread;

pub use card::{LoadedCard, TrustData};
pub use enrollment::Enrollment;
pub use error::StoreError;
pub use hearings::HearingCache;
pub use schema::SCHEMA_VERSION;
pub use seal::{DATABASE_KEY_LEN, DatabaseKey};
pub use secret::{FileSecretStore, MAX_SECRET_LEN, SecretStore, SecretStoreError};
pub use thread::StoreThread;

use crate::files::{StorageProblem, storage_problem};
use crate::outbox::RetryPolicy;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, MAIN_DB, OpenFlags, OptionalExtension, TransactionBehavior};
use schema::{APPLICATION_ID, MIGRATIONS};
use seal::{SealContext, SealError, Sealer};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use zeroize::Zeroizing;

/// The name the database key is saved under in the secret store.
pub const DATABASE_KEY_NAME: &str = "wallet-database-key";

/// The name of the secret-store entry that says a database was created
/// under the saved key: a digest of that key, saved only after the
/// database's creation committed. It outlives the database wherever the
/// key does (the iOS Keychain keeps both across a reinstall), so a
/// database that is gone while it remains was lost, not never made.
pub const DATABASE_CREATED_NAME: &str = "wallet-database-created";

/// How long a write waits for another connection before reporting
/// [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How much the storage probe writes: enough for what SQLite grows first
/// (a 32 KiB -shm region, a log frame), so a disk with a few bytes left
/// is still found full.
const PROBE_LEN: usize = 64 * 1024;

const KEY_CHECK: SealContext<'static> = SealContext {
    column: "meta.key_check",
    row: b"",
};
const KEY_CHECK_PLAINTEXT: &[u8] = b"docket wallet key check";
const CREATED_DOMAIN: &[u8] = b"docket-store/created\0";

/// An open wallet database.
pub struct Store {
    conn: Connection,
    sealer: Sealer,
    path: PathBuf,
    retry: RetryPolicy,
    /// Why the database was opened read-only, if it was.
    read_only: Option<StorageProblem>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// What the header of an existing file says.
enum FileKind {
    /// No schema at all: a new file, or one whose creation never committed.
    Empty,
    /// A wallet database at this schema version.
    Wallet(i64),
    /// Some other SQLite database.
    Foreign,
}

/// What is at the database's path, looked at before SQLite opens
/// anything: SQLite would create a missing file, and delete a log that
/// sits next to an empty one.
struct OnDisk {
    /// The main file exists and holds at least one byte.
    database: bool,
    /// The write-ahead log exists and holds at least one byte.
    log: bool,
}

impl OnDisk {
    fn look(path: &Path) -> Result<OnDisk, StoreError> {
        Ok(OnDisk {
            database: holds_bytes(path)?,
            log: holds_bytes(&log_path(path))?,
        })
    }
}

impl Store {
    /// Opens the wallet database at `path`, upgrading an older schema and
    /// putting items whose send was interrupted back in the queue.
    ///
    /// Creates the database (and its key in `secrets`) only on a first run
    /// or to finish a creation that crashed; a database that was created
    /// and is now missing or empty is [`StoreError::DatabaseMissing`]. If
    /// the disk is full or read-only, an existing database opens read-only
    /// ([`Store::storage_problem`]).
    pub fn open(path: &Path, secrets: &dyn SecretStore) -> Result<Store, StoreError> {
        let on_disk = OnDisk::look(path)?;
        let creation = if on_disk.database {
            None
        } else if on_disk.log {
            return Err(StoreError::LogWithoutDatabase);
        } else {
            Some(key_for_creation(secrets)?)
        };
        Store::open_or_read(path, secrets, creation)
    }

    /// Starts over with a new, empty wallet under a new key, for a holder
    /// whose wallet data is gone ([`StoreError::DatabaseMissing`]) and who
    /// confirmed it. The app calls this only after that confirmation.
    ///
    /// Never touches a database file that holds anything
    /// ([`StoreError::DatabaseExists`]) or a log without its database
    /// ([`StoreError::LogWithoutDatabase`]). The new key replaces the old
    /// one first, so the old creation marker no longer names it: a crash
    /// before the new database commits is finished by the next
    /// [`Store::open`].
    pub fn start_over(path: &Path, secrets: &dyn SecretStore) -> Result<Store, StoreError> {
        let on_disk = OnDisk::look(path)?;
        if on_disk.database {
            return Err(StoreError::DatabaseExists);
        }
        if on_disk.log {
            return Err(StoreError::LogWithoutDatabase);
        }
        let key = DatabaseKey::generate().map_err(|_| StoreError::Random)?;
        secrets.save(DATABASE_KEY_NAME, key.as_bytes())?;
        Store::open_or_read(path, secrets, Some(key))
    }

    /// Opens read-write (creating under `creation`'s key if it is given
    /// and the file holds no schema); if the storage turns out full or
    /// read-only, opens an existing database read-only instead.
    fn open_or_read(
        path: &Path,
        secrets: &dyn SecretStore,
        creation: Option<DatabaseKey>,
    ) -> Result<Store, StoreError> {
        match Store::open_read_write(path, secrets, creation) {
            Ok(store) => Ok(store),
            Err(error) => match diagnose_at(error, path) {
                StoreError::DiskFull => Store::open_read_only(path, secrets, StorageProblem::Full),
                StoreError::ReadOnly => {
                    Store::open_read_only(path, secrets, StorageProblem::ReadOnly)
                }
                other => Err(other),
            },
        }
    }

    fn open_read_write(
        path: &Path,
        secrets: &dyn SecretStore,
        creation: Option<DatabaseKey>,
    ) -> Result<Store, StoreError> {
        // Only a creation decided above may make the file: if it vanished
        // since it was looked at, opening fails instead of starting afresh.
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if creation.is_some() {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(path, flags)?;
        // SQLite opens a file it cannot write read-only without a word;
        // the store must know, to refuse writes before they start.
        if conn.is_readonly(MAIN_DB)? {
            return Err(StoreError::ReadOnly);
        }
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let (sealer, opened_under) = match inspect(&conn)? {
            FileKind::Foreign => return Err(StoreError::NotAWalletDatabase),
            FileKind::Wallet(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::NewerSchema {
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            FileKind::Wallet(found) => {
                let key = check_existing(&conn, secrets)?;
                set_durable_pragmas(&conn)?;
                schema::upgrade(&mut conn, found)?;
                (Sealer::new(&key), Some(key))
            }
            FileKind::Empty => {
                let key = match creation {
                    Some(key) => key,
                    None => key_for_creation(secrets)?,
                };
                let sealer = Sealer::new(&key);
                set_durable_pragmas(&conn)?;
                create(&mut conn, &sealer, SCHEMA_VERSION)?;
                // After the commit, never before: the marker must never
                // name a database that does not exist.
                secrets.save(DATABASE_CREATED_NAME, &created_marker(&key))?;
                (sealer, None)
            }
        };
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        let store = Store {
            conn,
            sealer,
            path: path.to_owned(),
            retry: RetryPolicy::default(),
            read_only: None,
        };
        store.requeue_interrupted()?;
        if let Some(key) = opened_under {
            mark_created_if_unmarked(secrets, &key);
        }
        Ok(store)
    }

    /// Opens an existing, current database read-only because the storage
    /// has `problem`. SQLite reads it with its log where it can; where it
    /// cannot open the log's index (it could not be created), the main
    /// file alone is read (`immutable`) only if no log holds anything,
    /// because that view would silently miss the log's commits.
    fn open_read_only(
        path: &Path,
        secrets: &dyn SecretStore,
        problem: StorageProblem,
    ) -> Result<Store, StoreError> {
        let storage = || StoreError::of_storage(problem);
        let conn = match connect_read_only(path, false) {
            Ok(conn) => conn,
            Err(error) if is_storage_failure(&error) => {
                if OnDisk::look(path)?.log {
                    return Err(storage());
                }
                connect_read_only(path, true).map_err(|error| {
                    if is_storage_failure(&error) {
                        storage()
                    } else {
                        error
                    }
                })?
            }
            Err(error) => return Err(error),
        };
        let key = match inspect(&conn)? {
            FileKind::Foreign => return Err(StoreError::NotAWalletDatabase),
            FileKind::Wallet(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::NewerSchema {
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            FileKind::Wallet(SCHEMA_VERSION) => check_existing(&conn, secrets)?,
            // An older schema needs its migration written, an empty file
            // its creation: neither can happen now.
            FileKind::Wallet(_) | FileKind::Empty => return Err(storage()),
        };
        Ok(Store {
            conn,
            sealer: Sealer::new(&key),
            path: path.to_owned(),
            retry: RetryPolicy::default(),
            read_only: Some(problem),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why the database was opened read-only (the disk is full or
    /// read-only), or `None` if it can be written. While it is read-only,
    /// every write returns [`StoreError::DiskFull`] or
    /// [`StoreError::ReadOnly`] before anything is written.
    pub fn storage_problem(&self) -> Option<StorageProblem> {
        self.read_only
    }

    /// `error` with an input/output failure's cause found: if a small
    /// write to the database's folder fails because the disk is full or
    /// read-only, that is what the error becomes. Other errors are
    /// returned as they are. [`StoreThread`] applies this to every job.
    pub fn diagnose(&self, error: StoreError) -> StoreError {
        diagnose_at(error, &self.path)
    }

    /// The schema version of the open database (always
    /// [`SCHEMA_VERSION`] once open).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// Replaces the retry schedule (tests and benchmarks use short ones).
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// Refuses a write before it starts when the store is read-only.
    fn writable(&self) -> Result<(), StoreError> {
        match self.read_only {
            Some(problem) => Err(StoreError::of_storage(problem)),
            None => Ok(()),
        }
    }

    fn seal(
        &self,
        column: &'static str,
        row: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        self.sealer
            .seal(&SealContext { column, row }, plaintext)
            .map_err(|e| seal_error(e, column))
    }

    fn open_sealed(
        &self,
        column: &'static str,
        row: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        self.sealer
            .open(&SealContext { column, row }, sealed)
            .map_err(|e| seal_error(e, column))
    }
}

fn seal_error(error: SealError, column: &'static str) -> StoreError {
    match error {
        SealError::Random => StoreError::Random,
        SealError::Unopenable => StoreError::Tampered { column },
    }
}

/// The write-ahead log's path: the database's with `-wal` appended.
fn log_path(path: &Path) -> PathBuf {
    let mut log = path.as_os_str().to_owned();
    log.push("-wal");
    PathBuf::from(log)
}

fn holds_bytes(path: &Path) -> Result<bool, StoreError> {
    match std::fs::metadata(path) {
        Ok(metadata) => Ok(metadata.len() > 0),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(StoreError::CannotOpen(format!(
            "its folder cannot be read ({})",
            error.kind()
        ))),
    }
}

/// A read-only connection that has read the schema once, so any trouble
/// opening the log and its index shows now rather than at the first
/// screen. `immutable` reads the main file alone.
fn connect_read_only(path: &Path, immutable: bool) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(immutable_uri(path)?, flags | OpenFlags::SQLITE_OPEN_URI)?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
        row.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// `file:PATH?immutable=1`, the path percent-encoded as RFC 3986 asks.
fn immutable_uri(path: &Path) -> Result<String, StoreError> {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str());
    #[cfg(not(unix))]
    let bytes = path
        .to_str()
        .ok_or_else(|| StoreError::CannotOpen("its path is not Unicode".to_owned()))?
        .as_bytes();
    let mut uri = String::from("file:");
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    Ok(uri)
}

/// Whether a failure to open read-only is the storage's doing (it could
/// not make or grow the log's index), as opposed to the file's content.
fn is_storage_failure(error: &StoreError) -> bool {
    error.may_be_storage() || matches!(error, StoreError::DiskFull | StoreError::ReadOnly)
}

/// `error`, or the storage problem behind it if it may be one and a probe
/// of `path`'s folder shows one.
fn diagnose_at(error: StoreError, path: &Path) -> StoreError {
    diagnose_with(error, || probe_storage(folder_of(path)))
}

/// `error`, or what `probe` finds if the error may be the storage's.
fn diagnose_with(error: StoreError, probe: impl FnOnce() -> Option<StorageProblem>) -> StoreError {
    if !error.may_be_storage() {
        return error;
    }
    match probe() {
        Some(problem) => StoreError::of_storage(problem),
        None => error,
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes and syncs a small file in `dir` (removed again), and says
/// whether storage refused it as full or read-only.
fn probe_storage(dir: &Path) -> Option<StorageProblem> {
    let mut probe = match tempfile::Builder::new()
        .prefix(".docket-probe-")
        .tempfile_in(dir)
    {
        Ok(file) => file,
        Err(error) => return storage_problem(&error),
    };
    let written = probe
        .write_all(&[0; PROBE_LEN])
        .and_then(|()| probe.as_file().sync_all());
    written.err().as_ref().and_then(storage_problem)
}

/// Reads the header and the schema table only: nothing is written.
fn inspect(conn: &Connection) -> Result<FileKind, StoreError> {
    let application_id: i64 = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let objects: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
    Ok(match (application_id, version, objects) {
        (APPLICATION_ID, version, _) if version >= 1 => FileKind::Wallet(version),
        (0, 0, 0) => FileKind::Empty,
        _ => FileKind::Foreign,
    })
}

/// The checks an existing wallet database passes before anything is
/// written: its integrity, then its key. Returns the key.
fn check_existing(conn: &Connection, secrets: &dyn SecretStore) -> Result<DatabaseKey, StoreError> {
    check_integrity(conn)?;
    let key = saved_key(secrets)?.ok_or(StoreError::KeyMissing)?;
    check_key(conn, &Sealer::new(&key))?;
    Ok(key)
}

fn check_integrity(conn: &Connection) -> Result<(), StoreError> {
    let mut statement = conn.prepare("PRAGMA quick_check")?;
    let problems: Vec<String> = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    match problems.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        _ => Err(StoreError::Corrupt {
            detail: problems.join("; "),
        }),
    }
}

/// The key in the secret store, if there is one. Anything there that is
/// not a key is damage to the store, not a wrong key.
fn saved_key(secrets: &dyn SecretStore) -> Result<Option<DatabaseKey>, StoreError> {
    match secrets.load(DATABASE_KEY_NAME) {
        Ok(Some(bytes)) => DatabaseKey::from_bytes(&bytes)
            .map(Some)
            .ok_or(StoreError::KeyDamaged),
        Ok(None) => Ok(None),
        Err(SecretStoreError::Damaged) => Err(StoreError::KeyDamaged),
        Err(other) => Err(other.into()),
    }
}

/// What [`DATABASE_CREATED_NAME`] holds once a database was created under
/// `key`: a digest of the key, so a new key (see [`Store::start_over`])
/// is told apart from the one a database was created under.
fn created_marker(key: &DatabaseKey) -> [u8; 32] {
    let mut digest = Sha256::new();
    digest.update(CREATED_DOMAIN);
    digest.update(key.as_bytes());
    digest.finalize().into()
}

/// The key to create a database under, where creating one is allowed:
///
/// - no key and no marker: a first run; a new key is saved to the secret
///   store *before* the database exists, so a crash never leaves a
///   database nobody can open;
/// - a key and no marker: a creation that crashed before it committed;
/// - a key and a marker naming another key: a [`Store::start_over`] that
///   crashed before its database committed.
///
/// A marker for this key (or one that is not a digest at all, or one
/// without a key) says a database was created and is now gone:
/// [`StoreError::DatabaseMissing`].
fn key_for_creation(secrets: &dyn SecretStore) -> Result<DatabaseKey, StoreError> {
    let key = saved_key(secrets)?;
    let marker = secrets.load(DATABASE_CREATED_NAME)?;
    match (key, marker) {
        (None, None) => {
            let key = DatabaseKey::generate().map_err(|_| StoreError::Random)?;
            secrets.save(DATABASE_KEY_NAME, key.as_bytes())?;
            Ok(key)
        }
        (Some(key), None) => Ok(key),
        (Some(key), Some(marker))
            if marker.len() == 32 && marker.as_slice() != created_marker(&key) =>
        {
            Ok(key)
        }
        (_, Some(_)) => Err(StoreError::DatabaseMissing),
    }
}

/// Saves the creation marker for a database that opened under `key` if
/// the secret store lacks it (a database made before markers existed, or
/// a crash between a creation's commit and its marker). Best effort: a
/// failure here costs nothing now, and the next open tries again.
fn mark_created_if_unmarked(secrets: &dyn SecretStore, key: &DatabaseKey) {
    let marker = created_marker(key);
    if let Ok(saved) = secrets.load(DATABASE_CREATED_NAME)
        && saved.as_deref().map(Vec::as_slice) != Some(marker.as_slice())
    {
        let _ = secrets.save(DATABASE_CREATED_NAME, &marker);
    }
}

/// A damaged key check record is [`StoreError::Corrupt`]; only a
/// well-formed sealed value that does not authenticate under the key is
/// [`StoreError::WrongKey`].
fn check_key(conn: &Connection, sealer: &Sealer) -> Result<(), StoreError> {
    let damaged = |detail: &str| StoreError::Corrupt {
        detail: detail.to_owned(),
    };
    let sealed: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM meta WHERE name = 'key_check'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let sealed = sealed.ok_or_else(|| damaged("the key check record is missing"))?;
    if !seal::is_sealed_shape(&sealed, KEY_CHECK_PLAINTEXT.len()) {
        return Err(damaged("the key check record is not a sealed value"));
    }
    match sealer.open(&KEY_CHECK, &sealed) {
        Ok(plain) if plain.as_slice() == KEY_CHECK_PLAINTEXT => Ok(()),
        Ok(_) => Err(damaged("the key check record holds something else")),
        Err(SealError::Unopenable) => Err(StoreError::WrongKey),
        Err(SealError::Random) => Err(StoreError::Random),
    }
}

fn set_durable_pragmas(conn: &Connection) -> Result<(), StoreError> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::CannotOpen(format!(
            "the file system does not support the write-ahead log (journal mode {mode})"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Freed pages are zeroed: deleted rows leave nothing behind, not even
    // sealed bytes.
    conn.pragma_update(None, "secure_delete", true)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    conn.pragma_update(None, "cell_size_check", true)?;
    Ok(())
}

/// Creates the schema up to `version` (always [`SCHEMA_VERSION`] outside
/// the migration tests), the application id and the key check in one
/// transaction: a crash leaves an empty file (created again next time) or
/// a complete database.
fn create(conn: &mut Connection, sealer: &Sealer, version: i64) -> Result<(), StoreError> {
    let key_check = sealer
        .seal(&KEY_CHECK, KEY_CHECK_PLAINTEXT)
        .map_err(|e| seal_error(e, KEY_CHECK.column))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    for migration in MIGRATIONS.iter().filter(|m| m.version <= version) {
        schema::apply(&tx, migration)?;
    }
    tx.execute(
        "INSERT INTO meta (name, value) VALUES ('key_check', ?1)",
        [key_check],
    )?;
    tx.commit()?;
    Ok(())
}

/// Seconds since the epoch, as stored.
fn to_sql_time(time: jiff::Timestamp) -> i64 {
    time.as_second()
}

/// A stored time back; one out of range is damage.
fn from_sql_time(seconds: i64) -> Result<jiff::Timestamp, StoreError> {
    jiff::Timestamp::from_second(seconds).map_err(|_| StoreError::Corrupt {
        detail: format!("a stored time ({seconds}) is out of range"),
    })
}
