//! An independent, literal encoder of the SC1 card record, written from
//! the field table in docs/sc1-format.md rather than from core's code.
//! Tests use it to build payloads core's encoder refuses to make (bad
//! names, impossible dates, off-curve keys) and to check that core's
//! encoder follows the spec byte for byte.

use docket_core::trust::Ed25519SigningKey;

#[derive(Clone, Debug)]
pub struct RawCard {
    pub format: u8,
    pub bound: bool,
    pub family_shortened: bool,
    pub given_shortened: bool,
    pub sex: u64,
    pub nationality: [u8; 3],
    pub birth_year_offset: u64,
    pub birth_month: u64,
    pub birth_day: u64,
    pub reserved: u64,
    pub key_id: u16,
    pub serial: u64,
    pub status_index: u32,
    pub issued_days: u16,
    pub expires_days: u16,
    pub case_reference: u64,
    pub photo_digest: [u8; 16],
    pub device_key: Vec<u8>,
    pub family: Vec<u8>,
    pub given: Vec<u8>,
}

impl RawCard {
    /// The fixture card of `common::card`, field by field.
    pub fn fixture(bound: bool) -> Self {
        RawCard {
            format: 0x10,
            bound,
            family_shortened: false,
            given_shortened: false,
            sex: 2,
            nationality: *b"MEX",
            birth_year_offset: 90,
            birth_month: 4,
            birth_day: 12,
            reserved: 0,
            key_id: 1,
            serial: 0x12_3456_789A,
            status_index: 0,
            issued_days: days_since_1970(2026, 1, 15),
            expires_days: days_since_1970(2031, 1, 15),
            case_reference: 0x0A_BCDE_F012,
            photo_digest: docket_core::card::PhotoDigest::of_photo(super::PHOTO).0,
            device_key: if bound {
                super::device_key().public().to_compressed().to_vec()
            } else {
                Vec::new()
            },
            family: "García Hernández".as_bytes().to_vec(),
            given: "María José".as_bytes().to_vec(),
        }
    }

    /// Everything before the issuer signature.
    pub fn body(&self) -> Vec<u8> {
        let letter = |i: usize| u64::from(self.nationality[i] - b'A');
        let attributes = u64::from(self.bound) << 39
            | u64::from(self.family_shortened) << 38
            | u64::from(self.given_shortened) << 37
            | self.sex << 35
            | (letter(0) << 10 | letter(1) << 5 | letter(2)) << 20
            | (self.birth_year_offset << 9 | self.birth_month << 5 | self.birth_day) << 3
            | self.reserved;
        let mut out = vec![self.format];
        out.extend_from_slice(&attributes.to_be_bytes()[3..]);
        out.extend_from_slice(&self.key_id.to_be_bytes());
        out.extend_from_slice(&self.serial.to_be_bytes()[3..]);
        out.extend_from_slice(&self.status_index.to_be_bytes()[1..]);
        out.extend_from_slice(&self.issued_days.to_be_bytes());
        out.extend_from_slice(&self.expires_days.to_be_bytes());
        out.extend_from_slice(&self.case_reference.to_be_bytes()[3..]);
        out.extend_from_slice(&self.photo_digest);
        out.extend_from_slice(&self.device_key);
        out.push(self.family.len() as u8);
        out.extend_from_slice(&self.family);
        out.push(self.given.len() as u8);
        out.extend_from_slice(&self.given);
        out
    }

    /// The static payload signed by `key` over "SC1/card\0" || body.
    pub fn signed(&self, key: &Ed25519SigningKey) -> Vec<u8> {
        let body = self.body();
        let signature = key.sign(&[b"SC1/card\0".as_slice(), &body].concat());
        [body, signature.to_vec()].concat()
    }
}

/// Days from 1970-01-01 to a date (proleptic Gregorian), by Howard
/// Hinnant's `days_from_civil`, independent of core's date code.
pub fn days_since_1970(year: i64, month: i64, day: i64) -> u16 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as u16
}
