//! Nationality: an ISO 3166-1 alpha-3 code, or one of the ICAO Doc 9303
//! codes for stateless persons (XXA), refugees (XXB, XXC) and unspecified
//! nationality (XXX).

use super::countries::COUNTRIES;
use thiserror::Error;

/// A nationality code the card does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{code:?} is not an ISO 3166-1 alpha-3 country code or an ICAO code for a stateless person or refugee (XXA, XXB, XXC, XXX)"
)]
pub struct NationalityError {
    /// What was given (at most a few characters of it).
    pub code: String,
}

/// A known nationality code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nationality {
    /// The table row: code, English name, Spanish name.
    entry: &'static (&'static str, &'static str, &'static str),
}

impl Nationality {
    /// Looks up a three-letter code, in any letter case.
    pub fn parse(code: &str) -> Result<Self, NationalityError> {
        let upper = code.to_ascii_uppercase();
        COUNTRIES
            .binary_search_by(|(known, _, _)| known.cmp(&upper.as_str()))
            .ok()
            .and_then(|index| COUNTRIES.get(index))
            .map(|entry| Nationality { entry })
            .ok_or_else(|| NationalityError {
                code: code.chars().take(8).collect(),
            })
    }

    /// The three-letter code, upper case.
    pub fn code(self) -> &'static str {
        self.entry.0
    }

    /// The English name, for an officer's screen.
    pub fn english_name(self) -> &'static str {
        self.entry.1
    }

    /// The Spanish name, for a holder's screen.
    pub fn spanish_name(self) -> &'static str {
        self.entry.2
    }

    /// The 15-bit field of the card: three letters of five bits, A = 0.
    pub fn to_bits(self) -> u32 {
        self.code().bytes().fold(0, |bits, letter| {
            bits << 5 | u32::from(letter.saturating_sub(b'A'))
        })
    }

    /// Decodes the 15-bit field; letters beyond Z and unknown codes fail.
    pub fn from_bits(bits: u32) -> Result<Self, NationalityError> {
        let letters: String = [10u32, 5, 0]
            .iter()
            .map(|shift| bits >> shift & 0x1F)
            .map(|value| {
                u8::try_from(value)
                    .ok()
                    .filter(|v| *v < 26)
                    .map_or('?', |v| char::from(b'A' + v))
            })
            .collect();
        Self::parse(&letters)
    }
}

impl std::fmt::Display for Nationality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_well_formed() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(COUNTRIES.iter().all(|(code, en, es)| {
            code.len() == 3
                && code.bytes().all(|b| b.is_ascii_uppercase())
                && !en.is_empty()
                && !es.is_empty()
        }));
        assert_eq!(COUNTRIES.len(), 249 + 4);
    }

    #[test]
    fn known_codes() {
        let mexico = Nationality::parse("MEX").unwrap();
        assert_eq!(mexico.english_name(), "Mexico");
        assert_eq!(mexico.spanish_name(), "México");
        assert_eq!(Nationality::parse("gtm").unwrap().code(), "GTM");
        assert_eq!(
            Nationality::parse("XXA").unwrap().english_name(),
            "Stateless person"
        );
        for (code, _, _) in COUNTRIES {
            let nationality = Nationality::parse(code).unwrap();
            assert_eq!(
                Nationality::from_bits(nationality.to_bits()).unwrap(),
                nationality
            );
        }
    }

    #[test]
    fn unknown_codes() {
        for code in ["MXE", "MX", "MEXI", "", "D<<", "ÀBC", "XKX"] {
            assert!(Nationality::parse(code).is_err(), "{code}");
        }
        // Letter values 26..31 are not letters.
        assert!(Nationality::from_bits(0x7FFF).is_err());
    }
}
