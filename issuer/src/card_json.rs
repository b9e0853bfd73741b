//! CARD.json, the holder data an issuer types in.

use anyhow::{Context, Result};
use docket_core::card::{
    BirthDate, Card, CardDate, CaseReference, HolderName, Nationality, PhotoDigest, Serial, Sex,
    StatusIndex,
};
use docket_core::device::DevicePublicKey;
use docket_core::trust::KeyId;
use serde::Deserialize;

/// The fields of CARD.json. Unknown fields are refused so a typo (say
/// `familyname`) is not silently dropped.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardRequest {
    /// Family name(s), as on the holder's documents.
    pub family_name: String,
    /// Given name(s); may be empty.
    #[serde(default)]
    pub given_names: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub date_of_birth: String,
    /// `M`, `F` or `X`.
    pub sex: String,
    /// ISO 3166-1 alpha-3, or XXA / XXB / XXC / XXX.
    pub nationality: String,
    /// `YYYY-MM-DD`.
    pub expires: String,
    /// `YYYY-MM-DD`; today (UTC) when absent.
    pub issued: Option<String>,
    /// `XXXX-XXXX`; a random one when absent.
    pub case_reference: Option<String>,
}

/// What the issuer adds to the holder's data.
pub struct IssuerFields {
    /// The card number.
    pub serial: Serial,
    /// The card's entry in the status list.
    pub status_index: StatusIndex,
    /// The id of the key that signs the card.
    pub issuer_key_id: KeyId,
    /// The digest of the holder's photo.
    pub photo_digest: PhotoDigest,
    /// The wallet key a bound card names; `None` for the printed card.
    pub device_key: Option<DevicePublicKey>,
    /// The issue date when CARD.json gives none.
    pub today: CardDate,
}

impl CardRequest {
    /// Parses CARD.json strictly.
    pub fn parse(json: &str) -> Result<Self> {
        serde_json::from_str(json).context("CARD.json is not valid")
    }

    /// The card, with every field checked; errors name the field.
    pub fn to_card(&self, issuer: IssuerFields) -> Result<Card> {
        let name = HolderName::fit(&self.family_name, &self.given_names).context("CARD.json")?;
        let issued = match &self.issued {
            Some(text) => CardDate::parse(text).context("CARD.json: issued")?,
            None => issuer.today,
        };
        let case_reference = match &self.case_reference {
            Some(text) => CaseReference::parse(text).context("CARD.json: case_reference")?,
            None => CaseReference::random()?,
        };
        let card = Card {
            serial: issuer.serial,
            name,
            date_of_birth: BirthDate::parse(&self.date_of_birth)
                .context("CARD.json: date_of_birth")?,
            sex: Sex::parse(&self.sex).context("CARD.json: sex")?,
            nationality: Nationality::parse(&self.nationality).context("CARD.json: nationality")?,
            issued,
            expires: CardDate::parse(&self.expires).context("CARD.json: expires")?,
            case_reference,
            photo_digest: issuer.photo_digest,
            issuer_key_id: issuer.issuer_key_id,
            status_index: issuer.status_index,
            device_key: issuer.device_key,
        };
        card.validate().context("CARD.json")?;
        Ok(card)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> IssuerFields {
        IssuerFields {
            serial: Serial::new(1).unwrap(),
            status_index: StatusIndex::new(0).unwrap(),
            issuer_key_id: KeyId(1),
            photo_digest: PhotoDigest::of_photo(b"p"),
            device_key: None,
            today: CardDate::parse("2026-11-22").unwrap(),
        }
    }

    #[test]
    fn builds_a_card_and_names_the_bad_field() {
        let good = r#"{"family_name":"García","given_names":"Ana","date_of_birth":"1990-04","sex":"F",
                       "nationality":"gtm","expires":"2031-11-22"}"#;
        let card = CardRequest::parse(good).unwrap().to_card(issuer()).unwrap();
        assert_eq!(card.issued.to_string(), "2026-11-22");
        assert_eq!(card.nationality.code(), "GTM");

        let bad = good.replace("1990-04", "1990-13");
        let error = CardRequest::parse(&bad)
            .unwrap()
            .to_card(issuer())
            .unwrap_err();
        assert!(format!("{error:#}").contains("date_of_birth"), "{error:#}");
        let typo = good.replace("family_name", "familyname");
        assert!(CardRequest::parse(&typo).is_err());
        let backwards = good.replace("2031-11-22", "2025-01-01");
        let error = CardRequest::parse(&backwards)
            .unwrap()
            .to_card(issuer())
            .unwrap_err();
        assert!(format!("{error:#}").contains("expires"), "{error:#}");
    }
}
