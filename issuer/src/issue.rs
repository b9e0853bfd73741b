//! Issuing a card from CARD.json and a photo: shared by `docket issuer
//! issue` (the printed card, or a bound one) and the portal (the printed
//! card of a new holder). Binding a printed card to a phone is
//! [`crate::IssuerDir::bind_card`].

use super::card_json::{CardRequest, IssuerFields};
use super::dir::IssuerDir;
use anyhow::{Context, Result, bail};
use docket_core::card::{CardDate, PhotoDigest, Serial, StatusIndex};
use docket_core::device::DevicePublicKey;
use docket_core::sc1::SignedCard;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Builds, checks, registers and signs a card. The card is registered
/// (a card number and a status index taken) only when everything else is
/// in order, so a bad CARD.json does not use up a status index.
pub fn issue_card(
    dir: &IssuerDir,
    request: &CardRequest,
    photo: &[u8],
    device_key: Option<DevicePublicKey>,
    now: Timestamp,
) -> Result<SignedCard> {
    let key = dir.card_key_entry()?;
    let today = CardDate::from_date(now.to_zoned(TimeZone::UTC).date())?;
    let mut card = request.to_card(IssuerFields {
        serial: Serial::new(0)?,
        status_index: StatusIndex::new(0)?,
        issuer_key_id: key.id,
        photo_digest: PhotoDigest::of_photo(photo),
        device_key,
        today,
    })?;
    if !key.valid_during_day(card.issued.start_utc()) {
        bail!(
            "CARD.json: issued {} is outside the issuer key's validity ({} to {}); omit `issued` to use today",
            card.issued,
            key.not_before,
            key.not_after
        );
    }
    if card.expires.latest_end() > key.not_after {
        bail!(
            "CARD.json: the card would expire ({}) after the issuer key stops being valid ({})",
            card.expires,
            key.not_after
        );
    }
    let issuer_key = dir.issuer_key()?;
    let (serial, index) = dir.register_card(now)?;
    card.serial = serial;
    card.status_index = index;
    SignedCard::issue(&card, &issuer_key).context("cannot sign the card")
}
