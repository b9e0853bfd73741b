//! The holder's card, its photo, and the trust data it is checked against.
//!
//! The signed card is kept as the issuer's exact bytes (sealed) and
//! re-verified every time it is loaded: a database edited behind the app's
//! back cannot show a card the issuer did not sign.

use super::{Store, StoreError, from_sql_time, to_sql_time};
use crate::sc1::SignedCard;
use crate::trust::{Ed25519PublicKey, ListFloor, TrustError, TrustStore};
use crate::verify::{Verdict, Verifier, VerifierPolicy};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

const CARD_ROW: &[u8] = b"1";

/// The stored card, read back and checked.
#[derive(Debug, Clone)]
pub struct LoadedCard {
    /// The issuer's signed card, exactly as received.
    pub card: SignedCard,
    /// The photo, which matches the card's photo digest.
    pub photo: Vec<u8>,
    /// The card checked against the stored trust data now: whether the
    /// issuer's signature holds, and whether it is current, revoked or
    /// suspended. Holder fields are shown only if the signature verified.
    pub verdict: Verdict,
    /// When the card was stored.
    pub stored_at: Timestamp,
}

/// The signed trust and status lists as received, and the floors (the
/// highest sequence ever accepted for each), which outlive the lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustData {
    /// The signed trust list.
    pub trust_list: Option<Vec<u8>>,
    /// The signed status list.
    pub status_list: Option<Vec<u8>>,
    /// The trust list floor.
    pub trust_floor: Option<ListFloor>,
    /// The status list floor.
    pub status_floor: Option<ListFloor>,
}

impl TrustData {
    /// A trust store over `roots` with these floors and lists. Each list is
    /// verified again as it is installed; one that no longer installs (it
    /// expired, say) is left out and reported, and its floor still holds.
    pub fn to_trust_store(
        &self,
        roots: Vec<Ed25519PublicKey>,
        now: Timestamp,
    ) -> (TrustStore, Vec<TrustError>) {
        let mut store = TrustStore::new(roots).with_floors(self.trust_floor, self.status_floor);
        let mut problems = Vec::new();
        if let Some(list) = &self.trust_list
            && let Err(e) = store.install_trust_list(list, now)
        {
            problems.push(e);
        }
        if let Some(list) = &self.status_list
            && let Err(e) = store.install_status_list(list, now)
        {
            problems.push(e);
        }
        (store, problems)
    }
}

impl Store {
    /// Stores the holder's card and photo, replacing any earlier card. The
    /// photo must be the one the card names.
    pub fn save_card(
        &mut self,
        card: &SignedCard,
        photo: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.writable()?;
        if !card.card().photo_digest.matches(photo) {
            return Err(StoreError::PhotoMismatch);
        }
        let signed = self.seal("card.signed", CARD_ROW, card.payload())?;
        let photo = self.seal("card.photo", CARD_ROW, photo)?;
        self.conn.execute(
            "INSERT INTO card (slot, signed_sealed, photo_sealed, stored_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (slot) DO UPDATE SET signed_sealed = ?1, photo_sealed = ?2, stored_at = ?3",
            params![signed, photo, to_sql_time(now)],
        )?;
        Ok(())
    }

    /// The stored card, re-verified against `trust` at `now`; `None` if
    /// the wallet holds no card yet.
    pub fn load_card(
        &self,
        trust: &TrustStore,
        now: Timestamp,
    ) -> Result<Option<LoadedCard>, StoreError> {
        let row: Option<(Vec<u8>, Vec<u8>, i64)> = self
            .conn
            .query_row(
                "SELECT signed_sealed, photo_sealed, stored_at FROM card WHERE slot = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((signed, photo, stored_at)) = row else {
            return Ok(None);
        };
        let payload = self.open_sealed("card.signed", CARD_ROW, &signed)?;
        let card = SignedCard::from_payload(&payload).map_err(StoreError::StoredCardInvalid)?;
        let photo = self.open_sealed("card.photo", CARD_ROW, &photo)?.to_vec();
        if !card.card().photo_digest.matches(&photo) {
            return Err(StoreError::PhotoMismatch);
        }
        let verifier = Verifier::new(trust.clone(), VerifierPolicy::default());
        let verdict = verifier.check_card(&card, now);
        Ok(Some(LoadedCard {
            card,
            photo,
            verdict,
            stored_at: from_sql_time(stored_at)?,
        }))
    }

    /// Saves the trust data, all of it in one transaction.
    pub fn save_trust_data(&mut self, data: &TrustData) -> Result<(), StoreError> {
        self.writable()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (kind, list, floor) in [
            ("trust_list", &data.trust_list, data.trust_floor),
            ("status_list", &data.status_list, data.status_floor),
        ] {
            match floor {
                Some(floor) => tx.execute(
                    "INSERT INTO trust_data (kind, list, floor_sequence, floor_digest)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (kind) DO UPDATE
                     SET list = ?2, floor_sequence = ?3, floor_digest = ?4",
                    params![
                        kind,
                        list,
                        i64::try_from(floor.sequence).map_err(|_| StoreError::Database(
                            format!(
                                "a {kind} sequence ({}) is beyond what can be stored",
                                floor.sequence
                            )
                        ))?,
                        floor.digest.as_slice()
                    ],
                )?,
                None => tx.execute("DELETE FROM trust_data WHERE kind = ?1", [kind])?,
            };
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored trust data.
    pub fn trust_data(&self) -> Result<TrustData, StoreError> {
        let mut data = TrustData::default();
        let mut statement = self
            .conn
            .prepare("SELECT kind, list, floor_sequence, floor_digest FROM trust_data")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let kind: String = row.get(0)?;
            let list: Option<Vec<u8>> = row.get(1)?;
            let sequence: i64 = row.get(2)?;
            let digest: Vec<u8> = row.get(3)?;
            let floor = ListFloor {
                sequence: u64::try_from(sequence).map_err(|_| corrupt("a list floor"))?,
                digest: digest.try_into().map_err(|_| corrupt("a list floor"))?,
            };
            match kind.as_str() {
                "trust_list" => (data.trust_list, data.trust_floor) = (list, Some(floor)),
                "status_list" => (data.status_list, data.status_floor) = (list, Some(floor)),
                _ => return Err(corrupt("trust data")),
            }
        }
        Ok(data)
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt {
        detail: format!("{what} is not valid"),
    }
}
