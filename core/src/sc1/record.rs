//! The card record: the fields of a [`Card`] in the SC1 binary layout
//! (docs/sc1-format.md, "Card record"). Every field has one encoding, and
//! the decoder accepts nothing the encoder would not write.

use super::error::FormatError;
use crate::card::{
    BirthDate, Card, CardDate, CaseReference, HolderName, NAME_BUDGET, Nationality, PhotoDigest,
    Serial, Sex, StatusIndex,
};
use crate::device::DevicePublicKey;
use crate::encoding::reader::{Reader, put_uint};
use crate::trust::KeyId;

const BOUND_BIT: u64 = 1 << 39;
const FAMILY_SHORTENED_BIT: u64 = 1 << 38;
const GIVEN_SHORTENED_BIT: u64 = 1 << 37;
const SEX_SHIFT: u32 = 35;
const NATIONALITY_SHIFT: u32 = 20;
const BIRTH_SHIFT: u32 = 3;
const RESERVED_MASK: u64 = 0b111;

/// Bytes of the record before the names when the card is unbound.
pub const UNBOUND_FIXED_LEN: usize = 5 + 2 + 5 + 3 + 2 + 2 + 5 + 16;
/// Bytes of the record before the names when the card is bound.
pub const BOUND_FIXED_LEN: usize = UNBOUND_FIXED_LEN + DevicePublicKey::COMPRESSED_LEN;
/// The longest record (bound, both names using the whole budget),
/// including the two name-length bytes.
pub const MAX_RECORD_LEN: usize = BOUND_FIXED_LEN + 2 + NAME_BUDGET;

/// Appends the record for `card` (which must already be valid).
pub(crate) fn write(card: &Card, out: &mut Vec<u8>) {
    let name = &card.name;
    let mut attributes = card.sex.to_bits() << SEX_SHIFT
        | u64::from(card.nationality.to_bits()) << NATIONALITY_SHIFT
        | u64::from(card.date_of_birth.to_bits()) << BIRTH_SHIFT;
    if card.device_key.is_some() {
        attributes |= BOUND_BIT;
    }
    if name.family_shortened() {
        attributes |= FAMILY_SHORTENED_BIT;
    }
    if name.given_shortened() {
        attributes |= GIVEN_SHORTENED_BIT;
    }
    put_uint(out, attributes, 5);
    out.extend_from_slice(&card.issuer_key_id.0.to_be_bytes());
    put_uint(out, card.serial.value(), 5);
    put_uint(out, u64::from(card.status_index.value()), 3);
    out.extend_from_slice(&card.issued.days().to_be_bytes());
    out.extend_from_slice(&card.expires.days().to_be_bytes());
    put_uint(out, card.case_reference.value(), 5);
    out.extend_from_slice(&card.photo_digest.0);
    if let Some(key) = &card.device_key {
        out.extend_from_slice(&key.to_compressed());
    }
    // HolderName keeps both names within NAME_BUDGET (64), so each length
    // fits a byte.
    out.push(u8::try_from(name.family().len()).unwrap_or(u8::MAX));
    out.extend_from_slice(name.family().as_bytes());
    out.push(u8::try_from(name.given().len()).unwrap_or(u8::MAX));
    out.extend_from_slice(name.given().as_bytes());
}

/// Reads a record, checking every field and the rules between them.
pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Card, FormatError> {
    let attributes = reader.uint("attributes", 5)?;
    if attributes & RESERVED_MASK != 0 {
        return Err(FormatError::InvalidField("reserved bits are set"));
    }
    let sex = Sex::from_bits(attributes >> SEX_SHIFT & 0b11)
        .ok_or(FormatError::InvalidField("the sex field holds no value"))?;
    let nationality = Nationality::from_bits((attributes >> NATIONALITY_SHIFT & 0x7FFF) as u32)?;
    let date_of_birth = BirthDate::from_bits((attributes >> BIRTH_SHIFT & 0x1_FFFF) as u32)?;
    let issuer_key_id = KeyId(reader.u16("issuer key id")?);
    let serial = Serial::new(reader.uint("serial", 5)?).map_err(crate::card::CardError::from)?;
    let status_index = StatusIndex::new(reader.uint("status index", 3)? as u32)
        .map_err(crate::card::CardError::from)?;
    let issued = CardDate::from_days(reader.u16("issue date")?);
    let expires = CardDate::from_days(reader.u16("expiry date")?);
    let case_reference = CaseReference::new(reader.uint("case reference", 5)?)
        .map_err(crate::card::CardError::from)?;
    let photo_digest = PhotoDigest(reader.array("photo digest")?);
    let device_key = if attributes & BOUND_BIT != 0 {
        Some(DevicePublicKey::from_compressed(
            reader.take("device key", DevicePublicKey::COMPRESSED_LEN)?,
        )?)
    } else {
        None
    };
    let family_len = usize::from(reader.u8("family name length")?);
    if family_len == 0 || family_len > NAME_BUDGET {
        return Err(FormatError::InvalidField(
            "the family name length is out of range",
        ));
    }
    let family = reader.take("family name", family_len)?;
    let given_len = usize::from(reader.u8("given names length")?);
    if family_len + given_len > NAME_BUDGET {
        return Err(FormatError::InvalidField(
            "the names are longer than the format allows",
        ));
    }
    let given = reader.take("given names", given_len)?;
    let name = HolderName::from_card(
        family,
        given,
        attributes & FAMILY_SHORTENED_BIT != 0,
        attributes & GIVEN_SHORTENED_BIT != 0,
    )?;
    let card = Card {
        serial,
        name,
        date_of_birth,
        sex,
        nationality,
        issued,
        expires,
        case_reference,
        photo_digest,
        issuer_key_id,
        status_index,
        device_key,
    };
    card.validate()?;
    Ok(card)
}
