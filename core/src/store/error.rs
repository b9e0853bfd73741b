//! Why the store could not do what was asked. Every variant leaves the
//! database file as it was: a damaged or unreadable wallet is reported,
//! never reset, because queued check-ins are legal records.

use super::secret::SecretStoreError;
use crate::files::StorageProblem;
use crate::hearings::HearingError;
use crate::outbox::{BodyError, ItemId};
use crate::sc1::FormatError;
use thiserror::Error;

/// A store failure. Each variant has a stable snake_case
/// [`code`](StoreError::code).
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database was written by a newer version of the app.
    #[error(
        "the wallet data was saved by a newer version of the app (data version {found}, this app reads up to {supported}); update the app. Nothing was changed."
    )]
    NewerSchema {
        /// The file's schema version.
        found: i64,
        /// The newest this app knows.
        supported: i64,
    },
    /// The file is an SQLite database, but not a Docket Wallet one.
    #[error("the file is not Docket Wallet data; it was left as it is")]
    NotAWalletDatabase,
    /// The file is damaged.
    #[error(
        "the wallet data is damaged ({detail}); it was left as it is so nothing in it is lost. Contact support before reinstalling."
    )]
    Corrupt {
        /// What SQLite or the store found.
        detail: String,
    },
    /// The key from the secret store does not open this database.
    #[error(
        "the phone's key store gave a key that does not open the wallet data; it was left as it is"
    )]
    WrongKey,
    /// The database exists but its key is gone from the secret store (for
    /// example, the app's data was restored to another phone).
    #[error(
        "the key for the wallet data is missing from the phone's key store; the data was left as it is"
    )]
    KeyMissing,
    /// The secret store holds something under the key's name that is not
    /// a key (empty, short or oversized): the store, not the database, is
    /// damaged.
    #[error(
        "the key for the wallet data is damaged in the phone's key store; the data was left as it is"
    )]
    KeyDamaged,
    /// The secret store says a database was created under its key, but
    /// the database file is gone or empty (deleted, or the app's data was
    /// cleared while the key stayed, as the iOS Keychain does across a
    /// reinstall). Nothing was created; only [`Store::start_over`], after
    /// the holder confirms, makes a new wallet.
    ///
    /// [`Store::start_over`]: super::Store::start_over
    #[error(
        "the wallet data is missing from this device, though its key is still here; nothing was created. If it cannot be restored, you can start over with an empty wallet."
    )]
    DatabaseMissing,
    /// The database's write-ahead log is there without the database (or
    /// next to an empty one). It may hold saved check-ins, and SQLite would
    /// discard it, so nothing is opened or created.
    #[error(
        "the wallet data's log file is here without the data it belongs to; it may hold saved items, so it was left as it is. Contact support."
    )]
    LogWithoutDatabase,
    /// Starting over was asked for, but wallet data is there: starting
    /// over never replaces a database.
    #[error("there is wallet data on this device; starting over never replaces it")]
    DatabaseExists,
    /// The secret store failed.
    #[error(transparent)]
    SecretStore(#[from] SecretStoreError),
    /// A sealed value did not open: altered, or moved from another row.
    #[error(
        "a record in the wallet data failed its integrity check ({column}); it was left as it is"
    )]
    Tampered {
        /// Which column.
        column: &'static str,
    },
    /// The stored card's bytes are not a valid SC1 card.
    #[error("the stored card is damaged: {0}")]
    StoredCardInvalid(FormatError),
    /// The stored photo is not the one the card names.
    #[error("the stored photo does not match the card")]
    PhotoMismatch,
    /// The stored hearings do not read back.
    #[error("the stored hearings are damaged: {0}")]
    StoredHearingsInvalid(HearingError),
    /// A stored item's body does not read back.
    #[error("item {id}: {error}")]
    StoredItemInvalid {
        /// The item.
        id: ItemId,
        /// Why.
        error: BodyError,
    },
    /// No outbox item has this number.
    #[error("there is no item {0} in the outbox")]
    NoSuchItem(ItemId),
    /// The item is not in a state that allows the action.
    #[error("item {id} cannot be {action} now: {why}")]
    NotAllowed {
        /// The item.
        id: ItemId,
        /// What was asked (`edited`, `discarded`, `resent`).
        action: &'static str,
        /// Why not, in words for the holder.
        why: &'static str,
    },
    /// The item is a different kind from the one the action is for.
    #[error("item {0} is not an address change")]
    WrongKind(ItemId),
    /// The phone is out of storage. Reading still works (the store opens
    /// read-only); every write is refused before it starts.
    #[error("the phone is out of storage; free some space and try again. Nothing was lost.")]
    DiskFull,
    /// The storage is read-only. Reading still works where it can be
    /// done without a stale view; every write is refused before it starts.
    #[error(
        "the phone's storage is read-only, so nothing can be saved right now; try again once it can be written. Nothing was lost."
    )]
    ReadOnly,
    /// Another process holds the database.
    #[error("the wallet data is in use by another copy of the app; close it and try again")]
    Busy,
    /// The store's thread has stopped (the wallet is closing or a store
    /// call panicked); nothing more can be read or written this session.
    #[error("the wallet data is closed; restart the app")]
    Closed,
    /// The file or its folder cannot be opened.
    #[error("the wallet data cannot be opened: {0}")]
    CannotOpen(String),
    /// The operating system gave no randomness.
    #[error("the phone's random number generator failed; try again")]
    Random,
    /// An input/output failure whose cause is not known (yet): the
    /// store turns it into [`DiskFull`](StoreError::DiskFull) or
    /// [`ReadOnly`](StoreError::ReadOnly) when a probe of the folder shows
    /// one ([`Store::diagnose`](super::Store::diagnose)).
    #[error("the wallet data could not be read or written (input/output error: {0})")]
    Io(String),
    /// Any other database failure.
    #[error("the wallet data could not be read or written: {0}")]
    Database(String),
}

impl StoreError {
    /// A stable snake_case code for the failure.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::NotAWalletDatabase => "not_a_wallet_database",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::WrongKey => "wrong_key",
            StoreError::KeyMissing => "key_missing",
            StoreError::KeyDamaged => "key_damaged",
            StoreError::DatabaseMissing => "database_missing",
            StoreError::LogWithoutDatabase => "log_without_database",
            StoreError::DatabaseExists => "database_exists",
            StoreError::SecretStore(_) => "secret_store_failed",
            StoreError::Tampered { .. } => "tampered",
            StoreError::StoredCardInvalid(_) => "stored_card_invalid",
            StoreError::PhotoMismatch => "photo_mismatch",
            StoreError::StoredHearingsInvalid(_) => "stored_hearings_invalid",
            StoreError::StoredItemInvalid { .. } => "stored_item_invalid",
            StoreError::NoSuchItem(_) => "no_such_item",
            StoreError::NotAllowed { .. } => "not_allowed",
            StoreError::WrongKind(_) => "wrong_kind",
            StoreError::DiskFull => "disk_full",
            StoreError::ReadOnly => "read_only",
            StoreError::Busy => "busy",
            StoreError::Closed => "closed",
            StoreError::CannotOpen(_) => "cannot_open",
            StoreError::Random => "random_failed",
            StoreError::Io(_) => "io_failed",
            StoreError::Database(_) => "database",
        }
    }
}

impl StoreError {
    /// The error a write gets when storage has this problem.
    pub(crate) fn of_storage(problem: StorageProblem) -> StoreError {
        match problem {
            StorageProblem::Full => StoreError::DiskFull,
            StorageProblem::ReadOnly => StoreError::ReadOnly,
        }
    }

    /// Whether the failure may be the storage's (full or read-only) though
    /// SQLite could not say so: SQLite reports a -shm or -wal it could not
    /// create or grow as `SQLITE_IOERR_*` or `SQLITE_CANTOPEN`, never as
    /// `SQLITE_FULL`.
    pub(crate) fn may_be_storage(&self) -> bool {
        matches!(self, StoreError::Io(_) | StoreError::CannotOpen(_))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt {
                detail: error.to_string(),
            },
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::CannotOpen) => StoreError::CannotOpen(error.to_string()),
            Some(ErrorCode::SystemIoFailure) => StoreError::Io(error.to_string()),
            _ => StoreError::Database(error.to_string()),
        }
    }
}
