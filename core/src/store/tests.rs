//! Migrations: every earlier schema version, filled, then opened by this
//! app, must equal a fresh database and keep its data.

use super::*;
use crate::files::StorageProblem;
use crate::outbox::{CheckIn, ItemState, ParkReason};
use crate::store::card::TrustData;
use crate::trust::ListFloor;

/// A secret store in memory, by name.
#[derive(Default)]
struct Keys(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

impl SecretStore for Keys {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        let keys = self.0.lock().map_err(|_| SecretStoreError::Locked)?;
        Ok(keys.get(name).cloned().map(Zeroizing::new))
    }

    fn save(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        let mut keys = self.0.lock().map_err(|_| SecretStoreError::Locked)?;
        keys.insert(name.to_owned(), secret.to_vec());
        Ok(())
    }
}

/// A store at `version`, made with the migrations of that time, without
/// the upgrade `Store::open` would run.
fn store_at(path: &Path, keys: &Keys, version: i64) -> Store {
    let key = key_for_creation(keys).unwrap();
    let sealer = Sealer::new(&key);
    let mut conn = Connection::open(path).unwrap();
    set_durable_pragmas(&conn).unwrap();
    create(&mut conn, &sealer, version).unwrap();
    Store {
        conn,
        sealer,
        path: path.to_owned(),
        retry: RetryPolicy::default(),
        read_only: None,
    }
}

/// Everything that defines a schema, in a comparable form.
fn schema_of(store: &Store) -> Vec<String> {
    let mut statement = store
        .conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
        .unwrap();
    let mut schema: Vec<String> = statement
        .query_map([], |row| {
            Ok(format!(
                "{}|{}|{}|{}",
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?.unwrap_or_default()
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for pragma in ["user_version", "application_id", "journal_mode"] {
        let value: rusqlite::types::Value = store
            .conn
            .pragma_query_value(None, pragma, |row| row.get(0))
            .unwrap();
        schema.push(format!("{pragma}={value:?}"));
    }
    schema
}

/// Fills the tables every version has (version 1's): outbox items in each
/// state and trust data.
fn fill_version_1(store: &mut Store) -> Vec<crate::outbox::OutboxItem> {
    let now = jiff::Timestamp::from_second(1_795_348_800).unwrap();
    let queued = store
        .enqueue_check_in(CheckIn::new(Some("uno")).unwrap(), now)
        .unwrap();
    let parked = store
        .enqueue_check_in(CheckIn::new(None).unwrap(), now)
        .unwrap();
    store.claim_next(now).unwrap();
    store.mark_failed(queued.id, "timeout", None, now).unwrap();
    let claimed = store.claim_next(now).unwrap().unwrap();
    assert_eq!(claimed.id, parked.id);
    store
        .park(
            parked.id,
            &ParkReason::NotAuthorized {
                code: "device_unknown".into(),
            },
        )
        .unwrap();
    let floor = ListFloor {
        sequence: 4,
        digest: [7; 32],
    };
    store
        .save_trust_data(&TrustData {
            trust_list: Some(vec![1, 2, 3]),
            status_list: None,
            trust_floor: Some(floor),
            status_floor: None,
        })
        .unwrap();
    store.pending().unwrap()
}

#[test]
fn every_earlier_version_migrates_to_the_fresh_schema_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let fresh_keys = Keys::default();
    let fresh = Store::open(&dir.path().join("fresh.sqlite"), &fresh_keys).unwrap();
    let expected = schema_of(&fresh);
    for version in 1..SCHEMA_VERSION {
        let path = dir.path().join(format!("v{version}.sqlite"));
        let keys = Keys::default();
        let mut old = store_at(&path, &keys, version);
        assert_eq!(old.schema_version().unwrap(), version);
        assert_ne!(
            schema_of(&old),
            expected,
            "version {version} is already current"
        );
        let items = fill_version_1(&mut old);
        drop(old);

        let migrated = Store::open(&path, &keys).unwrap();
        assert_eq!(schema_of(&migrated), expected, "from version {version}");
        assert_eq!(migrated.pending().unwrap(), items, "from version {version}");
        assert!(matches!(items[1].state, ItemState::NeedsAttention(_)));
        assert_eq!(
            migrated.trust_data().unwrap().trust_list,
            Some(vec![1, 2, 3])
        );
        assert_eq!(migrated.hearing_cache().unwrap(), None);
    }
}

#[test]
fn a_failed_migration_leaves_the_previous_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wallet.sqlite");
    let keys = Keys::default();
    let mut store = store_at(&path, &keys, 1);
    // A table the version-2 migration is about to create makes it fail
    // half way; its transaction must leave nothing behind.
    store
        .conn
        .execute_batch("CREATE TABLE hearing_cache (x INTEGER) STRICT")
        .unwrap();
    assert!(schema::upgrade(&mut store.conn, 1).is_err());
    assert_eq!(store.schema_version().unwrap(), 1);
}

#[test]
fn issue_14_2_sqlite_storage_failures_are_their_own_errors() {
    use rusqlite::ffi;
    let from = |code| StoreError::from(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None));
    assert_eq!(from(ffi::SQLITE_FULL).code(), "disk_full");
    assert_eq!(from(ffi::SQLITE_READONLY).code(), "read_only");
    assert_eq!(from(ffi::SQLITE_READONLY_CANTINIT).code(), "read_only");
    assert_eq!(from(ffi::SQLITE_READONLY_DIRECTORY).code(), "read_only");
    // What SQLite says when it cannot make or grow the -shm or -wal (or
    // sync them): an I/O error, whose cause the folder's probe decides.
    for code in [
        ffi::SQLITE_IOERR,
        ffi::SQLITE_IOERR_SHMSIZE,
        ffi::SQLITE_IOERR_SHMOPEN,
        ffi::SQLITE_IOERR_SHMMAP,
        ffi::SQLITE_IOERR_WRITE,
        ffi::SQLITE_IOERR_FSYNC,
        ffi::SQLITE_IOERR_TRUNCATE,
        ffi::SQLITE_CANTOPEN,
    ] {
        let error = from(code);
        assert!(error.may_be_storage(), "{code}: {error}");
        let full = diagnose_with(from(code), || Some(StorageProblem::Full));
        assert_eq!(full.code(), "disk_full", "{code}");
        let read_only = diagnose_with(from(code), || Some(StorageProblem::ReadOnly));
        assert_eq!(read_only.code(), "read_only", "{code}");
        // A probe that finds nothing wrong leaves the error as it was.
        assert_eq!(diagnose_with(from(code), || None).code(), error.code());
    }
    // Nothing else is put down to storage, whatever a probe would say.
    for code in [
        ffi::SQLITE_CORRUPT,
        ffi::SQLITE_NOTADB,
        ffi::SQLITE_BUSY,
        ffi::SQLITE_ERROR,
    ] {
        let diagnosed = diagnose_with(from(code), || panic!("probed for {code}"));
        assert!(!matches!(
            diagnosed,
            StoreError::DiskFull | StoreError::ReadOnly
        ));
    }
    // The probe of a healthy folder finds nothing and leaves nothing.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(probe_storage(dir.path()), None);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_uri_of_a_read_only_view_names_the_file_exactly() {
    assert_eq!(
        immutable_uri(Path::new("/data/my wallet/w?#%.db")).unwrap(),
        "file:/data/my%20wallet/w%3F%23%25.db?immutable=1"
    );
}
