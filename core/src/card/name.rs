//! The holder's name as the card carries it: validated, in NFC, and fitted
//! into the 64 bytes the QR format has room for.
//!
//! Rules (normative text in docs/sc1-format.md, "Names"):
//! - characters are letters, combining marks (never first), the space, and
//!   the punctuation names really use: `' ’ - ‐ . ,`; no control, symbol,
//!   digit or unassigned character, and nothing invisible — no bidi control
//!   and no Unicode Default_Ignorable_Code_Point, which covers zero-width
//!   characters but also the Hangul fillers and variation selectors that
//!   general categories count as letters and marks — because an officer
//!   must read exactly what is signed;
//! - no leading, trailing or doubled space; NFC;
//! - the family name is never empty (a single name goes there, as ICAO 9303
//!   does); given names may be empty;
//! - family and given names share [`NAME_BUDGET`] bytes: each is guaranteed
//!   [`NAME_GUARANTEE`] bytes and may use what the other leaves free. A name
//!   over its share is cut at the last whole character (extended grapheme
//!   cluster) that fits, trailing spaces are dropped, and the card says it
//!   was shortened.

use crate::text::is_default_ignorable;
use thiserror::Error;
use unicode_normalization::{UnicodeNormalization, is_nfc};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;

/// Bytes of UTF-8 the family and given names share on the card.
pub const NAME_BUDGET: usize = 64;
/// Bytes each of the two names may always use, whatever the other's length.
pub const NAME_GUARANTEE: usize = 32;
/// Longest name accepted as issuer input, before any shortening; bounds the
/// work done on input that is obviously not a name.
pub const MAX_INPUT_NAME_BYTES: usize = 1024;

/// Which of the two names a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameField {
    /// The family name (surname, primary identifier).
    Family,
    /// The given names (secondary identifier).
    Given,
}

impl std::fmt::Display for NameField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NameField::Family => "family name",
            NameField::Given => "given names",
        })
    }
}

/// What is wrong with a name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameProblem {
    /// The bytes are not UTF-8.
    #[error("is not valid UTF-8 text")]
    NotUtf8,
    /// The text is not in Unicode Normalization Form C.
    #[error("is not in Unicode normalization form C")]
    NotNfc,
    /// The family name is empty.
    #[error("is empty")]
    Empty,
    /// Longer than any name could be, even before shortening.
    #[error("is longer than {MAX_INPUT_NAME_BYTES} bytes")]
    TooLong,
    /// Longer than the card's share for it (only when decoding a card).
    #[error("uses more of the name space than the card format allows")]
    OverBudget,
    /// A right-to-left or left-to-right override, embedding, isolate or mark.
    #[error("contains a text-direction control character (U+{code:04X}) at character {position}")]
    BidiControl {
        /// The code point.
        code: u32,
        /// Zero-based character position.
        position: usize,
    },
    /// A character that displays as nothing (Unicode
    /// Default_Ignorable_Code_Point): zero-width space, joiner, non-joiner,
    /// byte order mark, soft hyphen, Hangul filler, variation selector, ...
    #[error("contains an invisible character (U+{code:04X}) at character {position}")]
    Invisible {
        /// The code point.
        code: u32,
        /// Zero-based character position.
        position: usize,
    },
    /// A control character (tab, newline, ...).
    #[error("contains a control character (U+{code:04X}) at character {position}")]
    Control {
        /// The code point.
        code: u32,
        /// Zero-based character position.
        position: usize,
    },
    /// Any other character a name may not contain.
    #[error(
        "contains {character:?} (U+{code:04X}) at character {position}, which a name on the card may not contain"
    )]
    Disallowed {
        /// The character.
        character: char,
        /// The code point.
        code: u32,
        /// Zero-based character position.
        position: usize,
    },
    /// A combining mark with nothing to combine with.
    #[error("starts with a combining mark")]
    LeadingMark,
    /// Leading, trailing or two consecutive spaces.
    #[error("has a space at the start or end, or two spaces in a row")]
    BadSpacing,
    /// One character (with its accents) is longer than the name's share.
    #[error("cannot be shortened: its first character alone is longer than {NAME_GUARANTEE} bytes")]
    CannotShorten,
}

/// A name that breaks the rules, and which one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the {field} {problem}")]
pub struct NameError {
    /// Which name.
    pub field: NameField,
    /// What is wrong with it.
    pub problem: NameProblem,
}

/// The holder's names as signed on the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderName {
    family: String,
    given: String,
    family_shortened: bool,
    given_shortened: bool,
}

impl HolderName {
    /// Validates names typed by an issuer, normalises them to NFC and fits
    /// them into the card's name space, shortening by the rule in the
    /// module documentation.
    pub fn fit(family: &str, given: &str) -> Result<Self, NameError> {
        let family = normalise(family, NameField::Family)?;
        let given = normalise(given, NameField::Given)?;
        let (family_share, given_share) = shares(family.len(), given.len());
        let short_family = shorten(&family, family_share, NameField::Family)?;
        let short_given = shorten(&given, given_share, NameField::Given)?;
        Ok(HolderName {
            family_shortened: short_family != family,
            given_shortened: short_given != given,
            family: short_family,
            given: short_given,
        })
    }

    /// Checks names exactly as decoded from a card: no normalisation and no
    /// shortening, only acceptance or a precise error.
    pub fn from_card(
        family: &[u8],
        given: &[u8],
        family_shortened: bool,
        given_shortened: bool,
    ) -> Result<Self, NameError> {
        let family = from_card_bytes(family, NameField::Family)?;
        let given = from_card_bytes(given, NameField::Given)?;
        if family.len() + given.len() > NAME_BUDGET {
            return Err(NameError {
                field: NameField::Given,
                problem: NameProblem::OverBudget,
            });
        }
        Ok(HolderName {
            family,
            given,
            family_shortened,
            given_shortened,
        })
    }

    /// The family name as signed.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The given names as signed (may be empty).
    pub fn given(&self) -> &str {
        &self.given
    }

    /// Whether the issuer had to shorten the family name to fit.
    pub fn family_shortened(&self) -> bool {
        self.family_shortened
    }

    /// Whether the issuer had to shorten the given names to fit.
    pub fn given_shortened(&self) -> bool {
        self.given_shortened
    }
}

/// Each name's share of the budget, given both full lengths.
fn shares(family: usize, given: usize) -> (usize, usize) {
    if family + given <= NAME_BUDGET {
        (family, given)
    } else if family <= NAME_GUARANTEE {
        (family, NAME_BUDGET - family)
    } else if given <= NAME_GUARANTEE {
        (NAME_BUDGET - given, given)
    } else {
        (NAME_GUARANTEE, NAME_GUARANTEE)
    }
}

fn normalise(raw: &str, field: NameField) -> Result<String, NameError> {
    if raw.len() > MAX_INPUT_NAME_BYTES {
        return Err(NameError {
            field,
            problem: NameProblem::TooLong,
        });
    }
    let name: String = raw.nfc().collect();
    check(&name, field)?;
    Ok(name)
}

fn from_card_bytes(bytes: &[u8], field: NameField) -> Result<String, NameError> {
    let name = std::str::from_utf8(bytes).map_err(|_| NameError {
        field,
        problem: NameProblem::NotUtf8,
    })?;
    check(name, field)?;
    if !is_nfc(name) {
        return Err(NameError {
            field,
            problem: NameProblem::NotNfc,
        });
    }
    Ok(name.to_owned())
}

/// Cuts `name` to at most `share` bytes at a grapheme boundary.
fn shorten(name: &str, share: usize, field: NameField) -> Result<String, NameError> {
    if name.len() <= share {
        return Ok(name.to_owned());
    }
    let mut end = 0;
    for (start, grapheme) in name.grapheme_indices(true) {
        if start + grapheme.len() > share {
            break;
        }
        end = start + grapheme.len();
    }
    let cut = name.get(..end).unwrap_or_default().trim_end_matches(' ');
    if cut.is_empty() && field == NameField::Family {
        return Err(NameError {
            field,
            problem: NameProblem::CannotShorten,
        });
    }
    // A prefix of an NFC string cut between grapheme clusters is NFC and
    // obeys the character rules; checking again keeps that an invariant
    // rather than an argument.
    check(cut, field)?;
    if !is_nfc(cut) {
        return Err(NameError {
            field,
            problem: NameProblem::NotNfc,
        });
    }
    Ok(cut.to_owned())
}

/// The character and spacing rules (everything but NFC and length).
fn check(name: &str, field: NameField) -> Result<(), NameError> {
    let fail = |problem| Err(NameError { field, problem });
    if name.is_empty() {
        return if field == NameField::Family {
            fail(NameProblem::Empty)
        } else {
            Ok(())
        };
    }
    for (position, character) in name.chars().enumerate() {
        if let Some(problem) = character_problem(character, position) {
            return fail(problem);
        }
    }
    if name.chars().next().is_some_and(is_mark) {
        return fail(NameProblem::LeadingMark);
    }
    if name.starts_with(' ') || name.ends_with(' ') || name.contains("  ") {
        return fail(NameProblem::BadSpacing);
    }
    Ok(())
}

fn is_mark(character: char) -> bool {
    character.general_category_group() == GeneralCategoryGroup::Mark
}

/// Punctuation that names really contain: apostrophes, hyphens, the period
/// of an abbreviation and the comma of a suffix.
const NAME_PUNCTUATION: [char; 6] = ['\'', '\u{2019}', '-', '\u{2010}', '.', ','];

fn character_problem(character: char, position: usize) -> Option<NameProblem> {
    let code = u32::from(character);
    match character {
        ' ' => None,
        c if NAME_PUNCTUATION.contains(&c) => None,
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some(NameProblem::BidiControl { code, position }),
        c if is_default_ignorable(c) => Some(NameProblem::Invisible { code, position }),
        c if c.is_control() => Some(NameProblem::Control { code, position }),
        c => match c.general_category_group() {
            GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark => None,
            _ => Some(NameProblem::Disallowed {
                character,
                code,
                position,
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(family: &str, given: &str) -> NameProblem {
        HolderName::fit(family, given).unwrap_err().problem
    }

    #[test]
    fn accepts_real_names_unchanged() {
        for (family, given) in [
            ("García Hernández", "María José"),
            ("O'Connor-Nguyễn", "Thị Thu"),
            ("Van der Berg, Jr.", "Jan"),
            ("Mbappé", ""),
            ("محمد", "علي"),
            ("王", "小明"),
            ("Ramírez de la Cruz Villanueva", "Ana Lucía de los Ángeles"),
        ] {
            let name = HolderName::fit(family, given).unwrap();
            assert_eq!((name.family(), name.given()), (family, given));
            assert!(!name.family_shortened() && !name.given_shortened());
        }
    }

    #[test]
    fn both_names_at_the_guarantee_fit_unchanged() {
        let family = "Á".repeat(16); // 32 bytes
        let given = "b".repeat(32);
        let name = HolderName::fit(&family, &given).unwrap();
        assert_eq!(name.family(), family);
        assert_eq!(name.given(), given);
        assert!(!name.family_shortened() && !name.given_shortened());
    }

    #[test]
    fn a_short_name_lends_its_space_to_the_other() {
        let given = "x".repeat(60);
        let name = HolderName::fit("Li", &given).unwrap();
        assert_eq!(name.given(), given);
        let name = HolderName::fit(&"y".repeat(61), "Bo").unwrap();
        assert_eq!(name.family().len(), 61);
        assert!(!name.family_shortened());
    }

    #[test]
    fn long_names_are_cut_at_whole_characters_and_flagged() {
        // 33 letters of two bytes each: the cut must not split an "é".
        let family = "é".repeat(40);
        let given = "Ana María de los Ángeles Guadalupe del Carmen";
        let name = HolderName::fit(&family, given).unwrap();
        assert_eq!(name.family(), "é".repeat(16));
        assert!(name.family_shortened());
        assert!(name.given().len() <= NAME_GUARANTEE);
        assert!(given.starts_with(name.given()));
        assert!(name.given_shortened());
        // The space before the cut is dropped, not kept at the end.
        assert!(!name.given().ends_with(' '));
    }

    #[test]
    fn a_decomposed_accent_is_never_split_from_its_letter() {
        // "q" with a dot below and a dot above has no precomposed form, so
        // each grapheme stays three code points (in canonical order).
        let grapheme = "q\u{0323}\u{0307}"; // 5 bytes
        let family = grapheme.repeat(10);
        let name = HolderName::fit(&family, &"g".repeat(40)).unwrap();
        assert_eq!(name.family(), grapheme.repeat(6)); // 30 of 32 bytes
    }

    #[test]
    fn input_is_normalised_to_nfc_but_cards_must_already_be() {
        let decomposed = "Jose\u{0301}";
        assert_eq!(HolderName::fit(decomposed, "").unwrap().family(), "José");
        let err = HolderName::from_card(decomposed.as_bytes(), b"", false, false).unwrap_err();
        assert_eq!(err.problem, NameProblem::NotNfc);
    }

    #[test]
    fn rejects_invisible_and_control_characters() {
        assert!(matches!(
            problem("Ali\u{202E}ce", ""),
            NameProblem::BidiControl {
                code: 0x202E,
                position: 3
            }
        ));
        assert!(matches!(
            problem("Ali", "\u{2067}Bo"),
            NameProblem::BidiControl { code: 0x2067, .. }
        ));
        assert!(matches!(
            problem("Ali\u{200F}", ""),
            NameProblem::BidiControl { .. }
        ));
        assert!(matches!(
            problem("Al\u{200B}i", ""),
            NameProblem::Invisible { code: 0x200B, .. }
        ));
        assert!(matches!(
            problem("Al\u{200D}i", ""),
            NameProblem::Invisible { .. }
        ));
        assert!(matches!(
            problem("\u{FEFF}Ali", ""),
            NameProblem::Invisible { .. }
        ));
        // Invisible although their general categories say letter or mark.
        for invisible in [
            '\u{3164}',
            '\u{115F}',
            '\u{1160}',
            '\u{FFA0}',
            '\u{034F}',
            '\u{FE0F}',
            '\u{180B}',
            '\u{E0101}',
            '\u{00AD}',
        ] {
            let name = format!("Ali{invisible}");
            assert!(
                matches!(
                    problem(&name, ""),
                    NameProblem::Invisible { position: 3, .. }
                ),
                "{invisible:?}"
            );
        }
        assert!(matches!(
            problem("\u{3164}", ""),
            NameProblem::Invisible { position: 0, .. }
        ));
        assert!(matches!(
            problem("Al\ti", ""),
            NameProblem::Control { code: 9, .. }
        ));
        assert!(matches!(problem("Ali\n", ""), NameProblem::Control { .. }));
        assert!(matches!(
            problem("Ali\u{0085}", ""),
            NameProblem::Control { .. }
        ));
    }

    #[test]
    fn rejects_what_is_not_a_name() {
        assert!(matches!(
            problem("R2D2", ""),
            NameProblem::Disallowed { character: '2', .. }
        ));
        assert!(matches!(
            problem("Ali😀", ""),
            NameProblem::Disallowed { .. }
        ));
        assert!(matches!(
            problem("Ali<", ""),
            NameProblem::Disallowed { .. }
        ));
        assert!(matches!(
            problem("A\u{00A0}B", ""),
            NameProblem::Disallowed { .. }
        ));
        assert!(matches!(
            problem("A\u{E000}", ""),
            NameProblem::Disallowed { .. }
        )); // private use
        assert!(matches!(
            problem("A\u{0378}", ""),
            NameProblem::Disallowed { .. }
        )); // unassigned
        assert_eq!(problem("\u{0301}A", ""), NameProblem::LeadingMark);
        assert_eq!(problem(" Ana", ""), NameProblem::BadSpacing);
        assert_eq!(problem("Ana ", ""), NameProblem::BadSpacing);
        assert_eq!(problem("Ana  Luz", ""), NameProblem::BadSpacing);
        assert_eq!(problem("", "Ana"), NameProblem::Empty);
        assert_eq!(
            problem(&"a".repeat(MAX_INPUT_NAME_BYTES + 1), ""),
            NameProblem::TooLong
        );
    }

    #[test]
    fn card_names_are_checked_strictly() {
        assert_eq!(
            HolderName::from_card(b"Ana\xFF", b"", false, false)
                .unwrap_err()
                .problem,
            NameProblem::NotUtf8
        );
        let err = HolderName::from_card(
            "a".repeat(40).as_bytes(),
            "b".repeat(25).as_bytes(),
            false,
            false,
        )
        .unwrap_err();
        assert_eq!(err.problem, NameProblem::OverBudget);
        let name = HolderName::from_card(b"Ana", b"Luz", true, false).unwrap();
        assert!(name.family_shortened());
    }

    #[test]
    fn a_single_giant_character_cannot_be_shortened() {
        let giant = format!("a{}", "\u{0301}".repeat(20)); // one grapheme, 41 bytes
        assert_eq!(problem(&giant, &"b".repeat(40)), NameProblem::CannotShorten);
    }
}
