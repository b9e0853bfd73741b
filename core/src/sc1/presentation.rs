//! Static and live presentations: building, signing and strict parsing.

use super::error::FormatError;
use super::{
    CARD_DOMAIN, FORMAT_LIVE, FORMAT_STATIC, ISSUER_SIGNATURE_LEN, LIVE_DOMAIN, MAX_LIVE_LEN,
    payload_of, record, to_text,
};
use crate::card::{Card, CardError};
use crate::device::{DevicePublicKey, DeviceSignature, DeviceSigner, SignerError};
use crate::encoding::reader::{ReadError, Reader};
use crate::trust::Ed25519SigningKey;
use jiff::Timestamp;
use thiserror::Error;

/// A card could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IssueError {
    /// The card's fields contradict each other.
    #[error(transparent)]
    Card(#[from] CardError),
    /// The encoded card did not parse back (a bug, never expected).
    #[error("the signed card does not decode again: {0}")]
    RoundTrip(FormatError),
}

/// A live code could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LiveError {
    /// The card is not bound to a device key.
    #[error("this card is not bound to this phone, so it cannot show a live code")]
    NotBound,
    /// The key store's key is not the one the card is bound to.
    #[error("this phone's key is not the one the card was issued to; enroll the card again")]
    WrongKey,
    /// The key store failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// The clock is outside what a live code can carry (1970 to 2106).
    #[error("this phone's clock is set to an impossible time")]
    ClockOutOfRange,
    /// The key store's signature does not verify (a broken key store).
    #[error("the phone's key store made a signature that does not verify")]
    SignatureDoesNotVerify,
}

impl LiveError {
    /// A stable snake_case code, for the apps' texts.
    pub fn code(&self) -> &'static str {
        match self {
            LiveError::NotBound => "card_not_bound",
            LiveError::WrongKey => "device_key_mismatch",
            LiveError::Signer(e) => e.code(),
            LiveError::ClockOutOfRange => "clock_out_of_range",
            LiveError::SignatureDoesNotVerify => "key_store_bad_signature",
        }
    }
}

/// An issuer-signed card in its static SC1 form: the exact bytes, and the
/// card they decode to. Parsing checks the structure, not the signature;
/// only the verifier, with a trust list, says whether it is genuine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCard {
    payload: Vec<u8>,
    card: Card,
}

impl SignedCard {
    /// Encodes `card` and signs it with an issuer key.
    pub fn issue(card: &Card, key: &Ed25519SigningKey) -> Result<Self, IssueError> {
        card.validate()?;
        let mut payload = vec![FORMAT_STATIC];
        record::write(card, &mut payload);
        let signature = key.sign(&[CARD_DOMAIN, payload.as_slice()].concat());
        payload.extend_from_slice(&signature);
        let signed = Self::from_payload(&payload).map_err(IssueError::RoundTrip)?;
        if signed.card != *card {
            return Err(IssueError::RoundTrip(FormatError::InvalidField(
                "the card changed when encoded",
            )));
        }
        Ok(signed)
    }

    /// Parses a static payload.
    pub fn from_payload(payload: &[u8]) -> Result<Self, FormatError> {
        match Presentation::from_payload(payload)? {
            Presentation::Static(card) => Ok(card),
            Presentation::Live(_) => Err(FormatError::InvalidField(
                "this is a live code, not a signed card",
            )),
        }
    }

    /// Parses static SC1 text (as stored in a `.sdc` file).
    pub fn from_text(text: &str) -> Result<Self, FormatError> {
        Self::from_payload(&payload_of(text)?)
    }

    /// The card.
    pub fn card(&self) -> &Card {
        &self.card
    }

    /// The static payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The static SC1 text.
    pub fn to_text(&self) -> String {
        to_text(&self.payload)
    }

    /// What the issuer signed: the domain and every byte before the
    /// signature.
    pub(crate) fn signed_message(&self) -> Vec<u8> {
        let body = self.payload.len().saturating_sub(ISSUER_SIGNATURE_LEN);
        [CARD_DOMAIN, self.payload.get(..body).unwrap_or_default()].concat()
    }

    /// The issuer's signature (the last 64 bytes).
    pub(crate) fn issuer_signature(&self) -> [u8; 64] {
        // Parsing took exactly 64 signature bytes, so the conversion holds;
        // the fallback (which verifies nothing) only keeps this total.
        let start = self.payload.len().saturating_sub(ISSUER_SIGNATURE_LEN);
        self.payload
            .get(start..)
            .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
            .unwrap_or([0; 64])
    }

    /// Reads format byte, record and signature; the reader must be at a
    /// static payload.
    fn read(reader: &mut Reader<'_>) -> Result<Self, FormatError> {
        let start = reader.offset();
        match reader.u8("format")? {
            FORMAT_STATIC => {}
            byte => return Err(FormatError::UnsupportedVersion { byte }),
        }
        let card = record::read(reader)?;
        reader.take("issuer signature", ISSUER_SIGNATURE_LEN)?;
        let payload = reader.consumed().get(start..).unwrap_or_default().to_vec();
        Ok(SignedCard { payload, card })
    }
}

/// A live presentation: a bound card, a time, and the bound key's
/// signature over both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePresentation {
    card: SignedCard,
    timestamp: u32,
    signature: DeviceSignature,
}

impl LivePresentation {
    /// Makes a live code for `card` at `now`, signed by the phone's key.
    /// The result is checked before it is returned, so a wallet never shows
    /// a code an officer would reject for its signature.
    pub fn create(
        card: &SignedCard,
        signer: &dyn DeviceSigner,
        now: Timestamp,
    ) -> Result<Self, LiveError> {
        let bound = card.card.device_key.ok_or(LiveError::NotBound)?;
        if signer.public_key()? != bound {
            return Err(LiveError::WrongKey);
        }
        let timestamp = u32::try_from(now.as_second()).map_err(|_| LiveError::ClockOutOfRange)?;
        let message = live_message(card, timestamp);
        let raw = signer.sign(&message)?;
        let signature = DeviceSignature::from_key_store(&raw).map_err(SignerError::from)?;
        let live = LivePresentation {
            card: card.clone(),
            timestamp,
            signature,
        };
        if !live.device_signature_verifies() {
            return Err(LiveError::SignatureDoesNotVerify);
        }
        Ok(live)
    }

    /// The card inside.
    pub fn card(&self) -> &SignedCard {
        &self.card
    }

    /// When the phone made the code.
    pub fn timestamp(&self) -> Timestamp {
        Timestamp::from_second(i64::from(self.timestamp)).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The live payload bytes.
    pub fn payload(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAX_LIVE_LEN);
        out.push(FORMAT_LIVE);
        out.extend_from_slice(&self.card.payload);
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.signature.to_bytes());
        out
    }

    /// The live SC1 text.
    pub fn to_text(&self) -> String {
        to_text(&self.payload())
    }

    /// Whether the bound key made the signature.
    pub fn device_signature_verifies(&self) -> bool {
        self.bound_key().is_some_and(|key| {
            key.verify(&live_message(&self.card, self.timestamp), &self.signature)
        })
    }

    fn bound_key(&self) -> Option<DevicePublicKey> {
        self.card.card.device_key
    }
}

fn live_message(card: &SignedCard, timestamp: u32) -> Vec<u8> {
    [LIVE_DOMAIN, card.payload(), &timestamp.to_be_bytes()].concat()
}

/// Any SC1 presentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presentation {
    /// The issuer-signed card alone.
    Static(SignedCard),
    /// The card with a fresh device signature.
    Live(LivePresentation),
}

impl Presentation {
    /// Parses SC1 text: size first, then prefix, Base45 and payload.
    pub fn from_text(text: &str) -> Result<Self, FormatError> {
        Self::from_payload(&payload_of(text)?)
    }

    /// Parses a payload of either form, strictly.
    pub fn from_payload(payload: &[u8]) -> Result<Self, FormatError> {
        if payload.len() > MAX_LIVE_LEN {
            return Err(FormatError::TooLarge {
                len: payload.len(),
                max: MAX_LIVE_LEN,
            });
        }
        let mut reader = Reader::new(payload);
        let presentation = match payload.first().copied() {
            Some(FORMAT_STATIC) => Presentation::Static(SignedCard::read(&mut reader)?),
            Some(FORMAT_LIVE) => {
                reader.u8("format")?;
                let card = SignedCard::read(&mut reader)?;
                let timestamp = reader.u32("timestamp")?;
                let signature = DeviceSignature::from_wire(
                    reader.take("device signature", DeviceSignature::LEN)?,
                )?;
                if card.card.device_key.is_none() {
                    return Err(FormatError::LiveCodeUnbound);
                }
                Presentation::Live(LivePresentation {
                    card,
                    timestamp,
                    signature,
                })
            }
            Some(byte) => return Err(FormatError::UnsupportedVersion { byte }),
            None => {
                return Err(FormatError::Truncated(ReadError::Truncated {
                    field: "format",
                    offset: 0,
                    needed: 1,
                }));
            }
        };
        reader.finish()?;
        Ok(presentation)
    }

    /// The signed card inside either form.
    pub fn signed_card(&self) -> &SignedCard {
        match self {
            Presentation::Static(card) => card,
            Presentation::Live(live) => &live.card,
        }
    }

    /// The SC1 text.
    pub fn to_text(&self) -> String {
        match self {
            Presentation::Static(card) => card.to_text(),
            Presentation::Live(live) => live.to_text(),
        }
    }
}
