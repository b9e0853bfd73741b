//! The wallet's memory: one SQLite database per wallet profile
//! (`rusqlite`, bundled SQLite), with the holder's data sealed under a key
//! from the platform's secret store.
//!
//! - Durability: WAL with `synchronous = FULL`, so a write is on disk when
//!   its call returns (an enqueued check-in survives a pulled battery).
//! - Opening never changes a file it cannot vouch for: a newer schema, a
//!   foreign or damaged file, a wrong or missing key are typed errors and
//!   the file is left as it was ([`StoreError`]). While those checks run,
//!   SQLite's checkpoint-on-close is off, so even the WAL is not folded in.
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

use crate::outbox::RetryPolicy;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use schema::{APPLICATION_ID, MIGRATIONS};
use seal::{SealContext, SealError, Sealer};
use std::path::{Path, PathBuf};
use std::time::Duration;
use zeroize::Zeroizing;

/// The name the database key is saved under in the secret store.
pub const DATABASE_KEY_NAME: &str = "wallet-database-key";

/// How long a write waits for another connection before reporting
/// [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const KEY_CHECK: SealContext<'static> = SealContext {
    column: "meta.key_check",
    row: b"",
};
const KEY_CHECK_PLAINTEXT: &[u8] = b"docket wallet key check";

/// An open wallet database.
pub struct Store {
    conn: Connection,
    sealer: Sealer,
    path: PathBuf,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
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

impl Store {
    /// Opens the wallet database at `path`, creating it (and its key in
    /// `secrets`) if the file does not exist, upgrading an older schema,
    /// and putting items whose send was interrupted back in the queue.
    pub fn open(path: &Path, secrets: &dyn SecretStore) -> Result<Store, StoreError> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let sealer = match inspect(&conn)? {
            FileKind::Foreign => return Err(StoreError::NotAWalletDatabase),
            FileKind::Wallet(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::NewerSchema {
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            FileKind::Wallet(found) => {
                check_integrity(&conn)?;
                let key = existing_key(secrets)?;
                let sealer = Sealer::new(&key);
                check_key(&conn, &sealer)?;
                set_durable_pragmas(&conn)?;
                schema::upgrade(&mut conn, found)?;
                sealer
            }
            FileKind::Empty => {
                let key = key_for_new_database(secrets)?;
                let sealer = Sealer::new(&key);
                set_durable_pragmas(&conn)?;
                create(&mut conn, &sealer, SCHEMA_VERSION)?;
                sealer
            }
        };
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)?;
        let store = Store {
            conn,
            sealer,
            path: path.to_owned(),
            retry: RetryPolicy::default(),
        };
        store.requeue_interrupted()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
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

fn existing_key(secrets: &dyn SecretStore) -> Result<DatabaseKey, StoreError> {
    let bytes = secrets
        .load(DATABASE_KEY_NAME)?
        .ok_or(StoreError::KeyMissing)?;
    DatabaseKey::from_bytes(&bytes).ok_or(StoreError::WrongKey)
}

/// The key a new database is created under: one left by a creation that
/// crashed before its database committed, or a new one, saved to the
/// secret store before the database exists.
fn key_for_new_database(secrets: &dyn SecretStore) -> Result<DatabaseKey, StoreError> {
    if let Some(bytes) = secrets.load(DATABASE_KEY_NAME)? {
        return DatabaseKey::from_bytes(&bytes).ok_or(StoreError::WrongKey);
    }
    let key = DatabaseKey::generate().map_err(|_| StoreError::Random)?;
    secrets.save(DATABASE_KEY_NAME, key.as_bytes())?;
    Ok(key)
}

fn check_key(conn: &Connection, sealer: &Sealer) -> Result<(), StoreError> {
    let sealed: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM meta WHERE name = 'key_check'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let sealed = sealed.ok_or_else(|| StoreError::Corrupt {
        detail: "the key check record is missing".into(),
    })?;
    match sealer.open(&KEY_CHECK, &sealed) {
        Ok(plain) if plain.as_slice() == KEY_CHECK_PLAINTEXT => Ok(()),
        _ => Err(StoreError::WrongKey),
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
