//! Migrations: every earlier schema version, filled, then opened by this
//! app, must equal a fresh database and keep its data.

use super::*;
use crate::outbox::{CheckIn, ItemState, ParkReason};
use crate::store::card::TrustData;
use crate::trust::ListFloor;

struct Keys(std::sync::Mutex<Option<Vec<u8>>>);

impl SecretStore for Keys {
    fn load(&self, _: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        let key = self.0.lock().map_err(|_| SecretStoreError::Locked)?;
        Ok(key.clone().map(Zeroizing::new))
    }

    fn save(&self, _: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        *self.0.lock().map_err(|_| SecretStoreError::Locked)? = Some(secret.to_vec());
        Ok(())
    }
}

/// A store at `version`, made with the migrations of that time, without
/// the upgrade `Store::open` would run.
fn store_at(path: &Path, keys: &Keys, version: i64) -> Store {
    let key = key_for_new_database(keys).unwrap();
    let sealer = Sealer::new(&key);
    let mut conn = Connection::open(path).unwrap();
    set_durable_pragmas(&conn).unwrap();
    create(&mut conn, &sealer, version).unwrap();
    Store {
        conn,
        sealer,
        path: path.to_owned(),
        retry: RetryPolicy::default(),
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
    let fresh_keys = Keys(std::sync::Mutex::new(None));
    let fresh = Store::open(&dir.path().join("fresh.sqlite"), &fresh_keys).unwrap();
    let expected = schema_of(&fresh);
    for version in 1..SCHEMA_VERSION {
        let path = dir.path().join(format!("v{version}.sqlite"));
        let keys = Keys(std::sync::Mutex::new(None));
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
    let keys = Keys(std::sync::Mutex::new(None));
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
