//! A US postal address as a holder types it into a change of address.
//!
//! The court mails hearing notices to this address, so a wrong character
//! can cost someone their hearing. The rules therefore refuse what a mail
//! carrier or a court clerk could not read or would read differently from
//! what the holder saw on screen, and every refusal says, in plain words,
//! which box to fix and how.
//!
//! Cleaning applied before the rules (the holder never sees it as an error):
//! Unicode NFC; surrounding whitespace dropped; every run of spaces of any
//! width (no-break, ideographic, ...) made one ASCII space; the typographic
//! apostrophes (U+2018, U+2019) that phone keyboards insert for `'` made
//! ASCII `'`; an empty second street line dropped; the state upper-cased.
//!
//! Lengths are counted in Unicode scalar values after cleaning, which for
//! text typed on a phone (precomposed accents after NFC) is what the holder
//! sees as characters.

use crate::text::{is_bidi_control, is_default_ignorable};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Most characters in one street line (line 1 or line 2).
pub const MAX_STREET_LINE_CHARS: usize = 64;
/// Most characters in the city.
pub const MAX_CITY_CHARS: usize = 40;
/// Longest raw input, in bytes, that is cleaned at all. Anything longer is
/// refused as too long before normalisation, which bounds the work and
/// memory spent on a paste that is obviously not an address line.
pub const MAX_ADDRESS_INPUT_BYTES: usize = 1024;

/// The punctuation addresses really use: unit numbers (`#`), ranges and
/// hyphenated names, abbreviations, separators, possessives, fractions
/// (`1/2`, the USPS way of writing ½) and "&".
const ADDRESS_PUNCTUATION: [char; 8] = ['#', '-', '.', ',', '\'', '/', '&', ' '];

/// Which box of the address form a problem is in, so that a screen can put
/// the message under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressField {
    /// The first street line (number and street, or PO box).
    Street1,
    /// The second street line (apartment, suite, unit).
    Street2,
    /// The city or town.
    City,
    /// The state, district, territory or military code.
    State,
    /// The ZIP code.
    Zip,
}

impl AddressField {
    /// A stable snake_case name, as in the JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            AddressField::Street1 => "street1",
            AddressField::Street2 => "street2",
            AddressField::City => "city",
            AddressField::State => "state",
            AddressField::Zip => "zip",
        }
    }
}

impl std::fmt::Display for AddressField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AddressField::Street1 => "street address",
            AddressField::Street2 => "second address line",
            AddressField::City => "city",
            AddressField::State => "state",
            AddressField::Zip => "ZIP code",
        })
    }
}

/// Why an address cannot be accepted. Each variant has a stable snake_case
/// [`code`](AddressError::code) and names its [`field`](AddressError::field).
///
/// Character positions are zero-based and counted in the cleaned text;
/// messages show them counting from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AddressError {
    /// A box that must be filled in is empty (or only spaces).
    #[error("{}", required_message(*.field))]
    Required {
        /// Which box.
        field: AddressField,
    },
    /// More characters than the box allows.
    #[error("the {field} is {len} characters long, but at most {max} fit; {}", too_long_hint(*.field))]
    TooLong {
        /// Which box.
        field: AddressField,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A line break inside a one-line box (usually a pasted address).
    #[error(
        "the {field} has a line break at character {}; keep it on one line and put an apartment or unit in the second address line",
        .position + 1
    )]
    LineBreak {
        /// Which box.
        field: AddressField,
        /// Where, zero-based.
        position: usize,
    },
    /// A control character such as a tab or NUL.
    #[error(
        "the {field} has an invisible control character (U+{code:04X}) at character {}; delete it or type the line again",
        .position + 1
    )]
    ControlCharacter {
        /// Which box.
        field: AddressField,
        /// The code point.
        code: u32,
        /// Where, zero-based.
        position: usize,
    },
    /// A right-to-left or left-to-right override, embedding, isolate or
    /// mark, which would make the address display differently from the
    /// text that is sent.
    #[error(
        "the {field} has a hidden text-direction character (U+{code:04X}) at character {}; type the line again instead of pasting it",
        .position + 1
    )]
    BidiControl {
        /// Which box.
        field: AddressField,
        /// The code point.
        code: u32,
        /// Where, zero-based.
        position: usize,
    },
    /// A character that displays as nothing (zero-width space, joiner,
    /// soft hyphen, variation selector, ...).
    #[error(
        "the {field} has an invisible character (U+{code:04X}) at character {}; type the line again instead of pasting it",
        .position + 1
    )]
    Invisible {
        /// Which box.
        field: AddressField,
        /// The code point.
        code: u32,
        /// Where, zero-based.
        position: usize,
    },
    /// A symbol, emoji or punctuation an address does not use.
    #[error(
        "the {field} has \"{character}\" (U+{:04X}) at character {}, which an address cannot have; use only letters, numbers, spaces and # - . , ' / &",
        u32::from(*.character),
        .position + 1
    )]
    DisallowedCharacter {
        /// Which box.
        field: AddressField,
        /// The character.
        character: char,
        /// Where, zero-based.
        position: usize,
    },
    /// A combining accent with no letter or digit before it.
    #[error(
        "the {field} has an accent with no letter under it at character {}; type the accented letter again",
        .position + 1
    )]
    StrayMark {
        /// Which box.
        field: AddressField,
        /// Where, zero-based.
        position: usize,
    },
    /// Only punctuation (such as "-" typed to mean "none").
    #[error("{}", no_letter_message(*.field))]
    NoLetterOrDigit {
        /// Which box.
        field: AddressField,
    },
    /// More than two street lines (only a stored or received record can
    /// have them; the form has two boxes).
    #[error("the address has {count} street lines, but it can have only 1 or 2")]
    TooManyStreetLines {
        /// How many.
        count: usize,
    },
    /// Not one of the codes in [`UsState::ALL`].
    #[error("{}", unknown_state_message(.value, *.suggestion))]
    UnknownState {
        /// What was typed (trimmed).
        value: String,
        /// The code, when what was typed is the full name of a state or
        /// territory.
        suggestion: Option<UsState>,
    },
    /// Not 5 digits, `12345-6789` or `123456789`.
    #[error(
        "the ZIP code {value:?} is not valid; use 5 digits, like 78701, or ZIP+4, like 78701-1234"
    )]
    InvalidZip {
        /// What was typed (trimmed).
        value: String,
    },
    /// `00000`, which forms use as a placeholder and no post office has.
    #[error("{value:?} is not a real ZIP code; enter the ZIP code of the address")]
    PlaceholderZip {
        /// What was typed (trimmed).
        value: String,
    },
}

impl AddressError {
    /// A stable snake_case code for machines (JSON, the outbox's parked
    /// reasons, tests).
    pub fn code(&self) -> &'static str {
        match self {
            AddressError::Required { .. } => "required",
            AddressError::TooLong { .. } => "too_long",
            AddressError::LineBreak { .. } => "line_break",
            AddressError::ControlCharacter { .. } => "control_character",
            AddressError::BidiControl { .. } => "bidi_control",
            AddressError::Invisible { .. } => "invisible_character",
            AddressError::DisallowedCharacter { .. } => "disallowed_character",
            AddressError::StrayMark { .. } => "stray_mark",
            AddressError::NoLetterOrDigit { .. } => "no_letter_or_digit",
            AddressError::TooManyStreetLines { .. } => "too_many_street_lines",
            AddressError::UnknownState { .. } => "unknown_state",
            AddressError::InvalidZip { .. } => "invalid_zip",
            AddressError::PlaceholderZip { .. } => "placeholder_zip",
        }
    }

    /// The box the problem is in.
    pub fn field(&self) -> AddressField {
        match self {
            AddressError::Required { field }
            | AddressError::TooLong { field, .. }
            | AddressError::LineBreak { field, .. }
            | AddressError::ControlCharacter { field, .. }
            | AddressError::BidiControl { field, .. }
            | AddressError::Invisible { field, .. }
            | AddressError::DisallowedCharacter { field, .. }
            | AddressError::StrayMark { field, .. }
            | AddressError::NoLetterOrDigit { field } => *field,
            // The extra lines would have to go into the second one.
            AddressError::TooManyStreetLines { .. } => AddressField::Street2,
            AddressError::UnknownState { .. } => AddressField::State,
            AddressError::InvalidZip { .. } | AddressError::PlaceholderZip { .. } => {
                AddressField::Zip
            }
        }
    }
}

fn required_message(field: AddressField) -> &'static str {
    match field {
        AddressField::Street1 => {
            "the street address is empty; enter the number and street, like \"123 Main St\""
        }
        AddressField::Street2 => "the second address line is empty",
        AddressField::City => "the city is empty; enter the city or town",
        AddressField::State => "the state is empty; enter its two-letter code, like TX or PR",
        AddressField::Zip => "the ZIP code is empty; enter its 5 digits, like 78701",
    }
}

fn too_long_hint(field: AddressField) -> &'static str {
    match field {
        AddressField::City => "use the short form the post office uses, like \"St\" for \"Saint\"",
        _ => {
            "shorten words the way the post office does, like \"St\" for \"Street\" or \"Apt\" for \"Apartment\""
        }
    }
}

fn no_letter_message(field: AddressField) -> String {
    if field == AddressField::Street2 {
        "the second address line has no letters or numbers; leave it empty if there is no apartment or unit".to_owned()
    } else {
        format!("the {field} has no letters or numbers")
    }
}

fn unknown_state_message(value: &str, suggestion: Option<UsState>) -> String {
    match suggestion {
        Some(state) => format!(
            "for the state {value:?}, enter its two-letter code: {}",
            state.code()
        ),
        None => format!(
            "the state {value:?} is not a US state or territory; use its two-letter code, like TX or PR"
        ),
    }
}

macro_rules! us_states {
    ($($variant:ident => $code:literal, $name:literal;)*) => {
        /// A USPS two-letter code the court can mail to: the 50 states,
        /// the District of Columbia, the five inhabited territories and the
        /// three military (APO/FPO/DPO) codes.
        ///
        /// Left out on purpose: `UM` (the Minor Outlying Islands have no
        /// residents to mail) and the freely associated states (`FM`, `MH`,
        /// `PW`), which are not US territory.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum UsState {
            $(
                #[doc = concat!($name, " (", $code, ").")]
                $variant,
            )*
        }

        impl UsState {
            /// Every code, in USPS order (states, DC, territories, military).
            pub const ALL: &'static [UsState] = &[$(UsState::$variant),*];

            /// The two-letter USPS code, such as `"TX"`.
            pub fn code(self) -> &'static str {
                match self {
                    $(UsState::$variant => $code,)*
                }
            }

            /// The full name, such as `"Texas"`.
            pub fn name(self) -> &'static str {
                match self {
                    $(UsState::$variant => $name,)*
                }
            }
        }
    };
}

us_states! {
    Alabama => "AL", "Alabama";
    Alaska => "AK", "Alaska";
    Arizona => "AZ", "Arizona";
    Arkansas => "AR", "Arkansas";
    California => "CA", "California";
    Colorado => "CO", "Colorado";
    Connecticut => "CT", "Connecticut";
    Delaware => "DE", "Delaware";
    Florida => "FL", "Florida";
    Georgia => "GA", "Georgia";
    Hawaii => "HI", "Hawaii";
    Idaho => "ID", "Idaho";
    Illinois => "IL", "Illinois";
    Indiana => "IN", "Indiana";
    Iowa => "IA", "Iowa";
    Kansas => "KS", "Kansas";
    Kentucky => "KY", "Kentucky";
    Louisiana => "LA", "Louisiana";
    Maine => "ME", "Maine";
    Maryland => "MD", "Maryland";
    Massachusetts => "MA", "Massachusetts";
    Michigan => "MI", "Michigan";
    Minnesota => "MN", "Minnesota";
    Mississippi => "MS", "Mississippi";
    Missouri => "MO", "Missouri";
    Montana => "MT", "Montana";
    Nebraska => "NE", "Nebraska";
    Nevada => "NV", "Nevada";
    NewHampshire => "NH", "New Hampshire";
    NewJersey => "NJ", "New Jersey";
    NewMexico => "NM", "New Mexico";
    NewYork => "NY", "New York";
    NorthCarolina => "NC", "North Carolina";
    NorthDakota => "ND", "North Dakota";
    Ohio => "OH", "Ohio";
    Oklahoma => "OK", "Oklahoma";
    Oregon => "OR", "Oregon";
    Pennsylvania => "PA", "Pennsylvania";
    RhodeIsland => "RI", "Rhode Island";
    SouthCarolina => "SC", "South Carolina";
    SouthDakota => "SD", "South Dakota";
    Tennessee => "TN", "Tennessee";
    Texas => "TX", "Texas";
    Utah => "UT", "Utah";
    Vermont => "VT", "Vermont";
    Virginia => "VA", "Virginia";
    Washington => "WA", "Washington";
    WestVirginia => "WV", "West Virginia";
    Wisconsin => "WI", "Wisconsin";
    Wyoming => "WY", "Wyoming";
    DistrictOfColumbia => "DC", "District of Columbia";
    AmericanSamoa => "AS", "American Samoa";
    Guam => "GU", "Guam";
    NorthernMarianaIslands => "MP", "Northern Mariana Islands";
    PuertoRico => "PR", "Puerto Rico";
    VirginIslands => "VI", "U.S. Virgin Islands";
    ArmedForcesAmericas => "AA", "Armed Forces Americas";
    ArmedForcesEurope => "AE", "Armed Forces Europe";
    ArmedForcesPacific => "AP", "Armed Forces Pacific";
}

impl UsState {
    /// Reads a two-letter code in any case, ignoring surrounding spaces.
    /// A full name ("texas") is refused, but the error suggests its code.
    pub fn parse(raw: &str) -> Result<UsState, AddressError> {
        let value = clean(raw);
        if value.is_empty() {
            return Err(AddressError::Required {
                field: AddressField::State,
            });
        }
        let upper = value.to_uppercase();
        if let Some(state) = UsState::ALL.iter().find(|s| s.code() == upper) {
            return Ok(*state);
        }
        // "U.S. Virgin Islands" is also written without its prefix.
        let bare = |name: &str| {
            let lower = name.to_lowercase();
            lower
                .strip_prefix("u.s. ")
                .map(str::to_owned)
                .unwrap_or(lower)
        };
        let typed = bare(&value);
        let suggestion = UsState::ALL
            .iter()
            .find(|s| bare(s.name()) == typed)
            .copied();
        Err(AddressError::UnknownState { value, suggestion })
    }
}

impl std::str::FromStr for UsState {
    type Err = AddressError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        UsState::parse(raw)
    }
}

impl TryFrom<String> for UsState {
    type Error = AddressError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        UsState::parse(&raw)
    }
}

impl From<UsState> for &'static str {
    fn from(state: UsState) -> Self {
        state.code()
    }
}

impl std::fmt::Display for UsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A ZIP code: five digits, or ZIP+4 always written `12345-6789`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zip(String);

impl Zip {
    /// Reads `12345`, `12345-6789` or `123456789` (stored as `12345-6789`),
    /// ignoring surrounding spaces. Only ASCII digits count: a ZIP code is
    /// read by sorting machines.
    pub fn parse(raw: &str) -> Result<Zip, AddressError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(AddressError::Required {
                field: AddressField::Zip,
            });
        }
        let invalid = || AddressError::InvalidZip {
            value: value.to_owned(),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let (five, four) = match value.split_once('-') {
            None if value.len() == 5 => (value, None),
            None if value.len() == 9 => value
                .split_at_checked(5)
                .map(|(five, four)| (five, Some(four)))
                .ok_or_else(invalid)?,
            Some((five, four)) => (five, Some(four)),
            None => return Err(invalid()),
        };
        if five.len() != 5 || !digits(five) || !four.is_none_or(|f| f.len() == 4 && digits(f)) {
            return Err(invalid());
        }
        if five == "00000" {
            return Err(AddressError::PlaceholderZip {
                value: value.to_owned(),
            });
        }
        Ok(Zip(match four {
            Some(four) => format!("{five}-{four}"),
            None => five.to_owned(),
        }))
    }

    /// The code as stored: `12345` or `12345-6789`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The five-digit ZIP code.
    pub fn five(&self) -> &str {
        self.0.get(..5).unwrap_or(&self.0)
    }

    /// The four-digit add-on, if any.
    pub fn plus_four(&self) -> Option<&str> {
        self.0.get(6..)
    }
}

impl std::str::FromStr for Zip {
    type Err = AddressError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Zip::parse(raw)
    }
}

impl TryFrom<String> for Zip {
    type Error = AddressError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Zip::parse(&raw)
    }
}

impl From<Zip> for String {
    fn from(zip: Zip) -> Self {
        zip.0
    }
}

impl std::fmt::Display for Zip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A validated US postal address. Only [`UsAddress::new`] and
/// deserialization (which goes through it) make one, so every value obeys
/// the module's rules.
///
/// JSON: `{"street":["123 Main St","Apt 4"],"city":"Austin","state":"TX","zip":"78701-1234"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawUsAddress")]
pub struct UsAddress {
    street: Vec<String>,
    city: String,
    state: UsState,
    zip: Zip,
}

impl UsAddress {
    /// Cleans and validates what the holder typed into the five boxes.
    /// The first problem found is returned, checking the boxes top to
    /// bottom as the form shows them.
    pub fn new(
        street1: &str,
        street2: Option<&str>,
        city: &str,
        state: &str,
        zip: &str,
    ) -> Result<UsAddress, AddressError> {
        let line1 = text_box(street1, AddressField::Street1, MAX_STREET_LINE_CHARS)?.ok_or(
            AddressError::Required {
                field: AddressField::Street1,
            },
        )?;
        let line2 = match street2 {
            Some(raw) => text_box(raw, AddressField::Street2, MAX_STREET_LINE_CHARS)?,
            None => None,
        };
        let city =
            text_box(city, AddressField::City, MAX_CITY_CHARS)?.ok_or(AddressError::Required {
                field: AddressField::City,
            })?;
        let state = UsState::parse(state)?;
        let zip = Zip::parse(zip)?;
        Ok(UsAddress {
            street: std::iter::once(line1).chain(line2).collect(),
            city,
            state,
            zip,
        })
    }

    /// The street lines: one or two.
    pub fn street(&self) -> &[String] {
        &self.street
    }

    /// The first street line.
    pub fn street1(&self) -> &str {
        self.street.first().map_or("", String::as_str)
    }

    /// The second street line, if there is one.
    pub fn street2(&self) -> Option<&str> {
        self.street.get(1).map(String::as_str)
    }

    /// The city.
    pub fn city(&self) -> &str {
        &self.city
    }

    /// The state, district, territory or military code.
    pub fn state(&self) -> UsState {
        self.state
    }

    /// The ZIP code.
    pub fn zip(&self) -> &Zip {
        &self.zip
    }
}

/// The postal form, one line per street line and then
/// `CITY STATE ZIP` without a comma, as USPS Publication 28 writes it.
impl std::fmt::Display for UsAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for line in &self.street {
            writeln!(f, "{line}")?;
        }
        write!(f, "{} {} {}", self.city, self.state, self.zip)
    }
}

/// An address exactly as stored or received, not yet validated. Exists so
/// that a caller reading a stored record can learn *which* rule it breaks
/// ([`AddressError::code`]) instead of a serde message; the only way from
/// here to a [`UsAddress`] is `UsAddress::try_from`, which runs
/// [`UsAddress::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUsAddress {
    /// The street lines.
    pub street: Vec<String>,
    /// The city.
    pub city: String,
    /// The state code.
    pub state: String,
    /// The ZIP code.
    pub zip: String,
}

impl TryFrom<RawUsAddress> for UsAddress {
    type Error = AddressError;

    fn try_from(raw: RawUsAddress) -> Result<Self, Self::Error> {
        let mut lines = raw.street.iter();
        let (line1, line2) = (lines.next(), lines.next());
        if raw.street.len() > 2 {
            return Err(AddressError::TooManyStreetLines {
                count: raw.street.len(),
            });
        }
        UsAddress::new(
            line1.map_or("", String::as_str),
            line2.map(String::as_str),
            &raw.city,
            &raw.state,
            &raw.zip,
        )
    }
}

impl From<&UsAddress> for RawUsAddress {
    fn from(address: &UsAddress) -> Self {
        RawUsAddress {
            street: address.street.clone(),
            city: address.city.clone(),
            state: address.state.code().to_owned(),
            zip: address.zip.0.clone(),
        }
    }
}

/// Cleans and checks one free-text box. `None` when it is empty after
/// cleaning; whether that is allowed is the caller's business.
fn text_box(raw: &str, field: AddressField, max: usize) -> Result<Option<String>, AddressError> {
    if raw.len() > MAX_ADDRESS_INPUT_BYTES {
        return Err(AddressError::TooLong {
            field,
            len: raw.trim().chars().count(),
            max,
        });
    }
    let text = clean(raw);
    if text.is_empty() {
        return Ok(None);
    }
    let mut previous: Option<char> = None;
    for (position, character) in text.chars().enumerate() {
        if let Some(problem) = character_problem(character, field, position) {
            return Err(problem);
        }
        if is_mark(character) && !previous.is_some_and(|p| is_base(p) || is_mark(p)) {
            return Err(AddressError::StrayMark { field, position });
        }
        previous = Some(character);
    }
    let len = text.chars().count();
    if len > max {
        return Err(AddressError::TooLong { field, len, max });
    }
    if !text.chars().any(is_base) {
        return Err(AddressError::NoLetterOrDigit { field });
    }
    Ok(Some(text))
}

/// NFC, trimmed, spaces collapsed, typographic apostrophes made ASCII.
fn clean(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    let mut text = String::with_capacity(nfc.len());
    let mut space = false;
    for character in nfc.trim().chars() {
        if character.general_category() == GeneralCategory::SpaceSeparator {
            space = true;
            continue;
        }
        if std::mem::take(&mut space) {
            text.push(' ');
        }
        // iOS and Android keyboards turn ' into ’ on their own; refusing it
        // would refuse "O’Brien St" typed on a stock phone.
        text.push(match character {
            '\u{2018}' | '\u{2019}' => '\'',
            c => c,
        });
    }
    text
}

/// The rule for one character of a street or city box, in the order that
/// names the most specific problem.
fn character_problem(
    character: char,
    field: AddressField,
    position: usize,
) -> Option<AddressError> {
    let code = u32::from(character);
    if is_line_break(character) {
        Some(AddressError::LineBreak { field, position })
    } else if is_bidi_control(character) {
        Some(AddressError::BidiControl {
            field,
            code,
            position,
        })
    } else if character.is_control() {
        Some(AddressError::ControlCharacter {
            field,
            code,
            position,
        })
    } else if is_default_ignorable(character) {
        Some(AddressError::Invisible {
            field,
            code,
            position,
        })
    } else if ADDRESS_PUNCTUATION.contains(&character) || is_base(character) || is_mark(character) {
        None
    } else {
        Some(AddressError::DisallowedCharacter {
            field,
            character,
            position,
        })
    }
}

/// A letter of any script, or an ASCII digit. Other scripts' digits
/// (Arabic-Indic, fullwidth) are refused: house numbers and ZIP codes are
/// read by sorting machines and carriers who only know 0-9.
fn is_base(character: char) -> bool {
    character.is_ascii_digit()
        || (character.general_category_group() == GeneralCategoryGroup::Letter
            && !is_default_ignorable(character))
}

/// A combining accent. Enclosing marks (the keycap in "1⃣") are left out:
/// they draw symbols, not accents.
fn is_mark(character: char) -> bool {
    matches!(
        character.general_category(),
        GeneralCategory::NonspacingMark | GeneralCategory::SpacingMark
    ) && !is_default_ignorable(character)
}

/// Characters that end a line: a one-line box must not contain them.
pub(super) fn is_line_break(character: char) -> bool {
    matches!(
        character,
        '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn street1_error(street1: &str) -> AddressError {
        UsAddress::new(street1, None, "Austin", "TX", "78701").unwrap_err()
    }

    fn ok(street1: &str, street2: Option<&str>, city: &str) -> UsAddress {
        UsAddress::new(street1, street2, city, "TX", "78701").unwrap()
    }

    #[test]
    fn accepts_addresses_in_any_script_with_accents() {
        for (street, city) in [
            ("Calle Peñasco 12", "San Germán"),
            ("1600 Pennsylvania Ave NW", "Washington"),
            ("94-1010 Kaʻahumanu St", "Waipahu"),
            ("123 1/2 Main St", "Coeur d'Alene"),
            ("PO Box 12, #3 & 4", "Winston-Salem"),
            ("12 Đường Lê Lợi", "Garden Grove"),
        ] {
            let address = ok(street, None, city);
            assert_eq!((address.street1(), address.city()), (street, city));
        }
    }

    #[test]
    fn cleaning_normalises_spaces_nfc_and_apostrophes() {
        let address = ok(
            "  12\u{00A0}\u{3000} Calle  Pen\u{0303}asco\t",
            Some("   "),
            " O’Fallon ",
        );
        assert_eq!(address.street(), ["12 Calle Peñasco"]);
        assert_eq!(address.city(), "O'Fallon");
    }

    #[test]
    fn street1_and_city_are_required() {
        assert_eq!(
            street1_error(" \u{3000} "),
            AddressError::Required {
                field: AddressField::Street1
            }
        );
        let e = UsAddress::new("1 Main St", None, "", "TX", "78701").unwrap_err();
        assert_eq!((e.code(), e.field()), ("required", AddressField::City));
    }

    #[test]
    fn length_limits_are_inclusive() {
        let line = "a".repeat(MAX_STREET_LINE_CHARS);
        assert_eq!(ok(&line, Some(&line), "x").street().len(), 2);
        let e =
            UsAddress::new("1 Main", Some(&format!("{line}b")), "x", "TX", "78701").unwrap_err();
        assert_eq!(
            e,
            AddressError::TooLong {
                field: AddressField::Street2,
                len: 65,
                max: 64
            }
        );
        let city = "é".repeat(MAX_CITY_CHARS);
        ok("1 Main", None, &city);
        let e = UsAddress::new("1 Main", None, &format!("{city}x"), "TX", "78701").unwrap_err();
        assert_eq!((e.code(), e.field()), ("too_long", AddressField::City));
    }

    #[test]
    fn huge_input_is_refused_before_cleaning() {
        let e = street1_error(&"a".repeat(MAX_ADDRESS_INPUT_BYTES + 1));
        assert_eq!(e.code(), "too_long");
    }

    #[test]
    fn each_character_problem_has_its_own_code() {
        for (input, code, position) in [
            ("1 Main\nSt", "line_break", 6),
            ("1 Main\u{2028}St", "line_break", 6),
            ("1 Main\u{0}St", "control_character", 6),
            ("1 Main\u{202E}St", "bidi_control", 6),
            ("1 Main\u{2066}St", "bidi_control", 6),
            ("1 Main\u{200B}St", "invisible_character", 6),
            ("1 Main\u{FE0F}St", "invisible_character", 6),
            ("1 Main 😀", "disallowed_character", 7),
            ("1 Main @ St", "disallowed_character", 7),
            ("١٢ Main", "disallowed_character", 0),
            ("1⃣ Main", "disallowed_character", 1),
            ("1 \u{0301}Main", "stray_mark", 2),
        ] {
            let e = street1_error(input);
            assert_eq!(e.code(), code, "{input:?}");
            let found = match e {
                AddressError::LineBreak { position, .. }
                | AddressError::ControlCharacter { position, .. }
                | AddressError::BidiControl { position, .. }
                | AddressError::Invisible { position, .. }
                | AddressError::DisallowedCharacter { position, .. }
                | AddressError::StrayMark { position, .. } => position,
                other => panic!("{other:?}"),
            };
            assert_eq!(found, position, "{input:?}");
        }
    }

    #[test]
    fn a_line_of_only_punctuation_is_refused() {
        let e = UsAddress::new("1 Main", Some("-"), "Austin", "TX", "78701").unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            ("no_letter_or_digit", AddressField::Street2)
        );
        assert!(e.to_string().contains("leave it empty"));
    }

    #[test]
    fn every_state_code_round_trips() {
        assert_eq!(UsState::ALL.len(), 59);
        for state in UsState::ALL {
            assert_eq!(UsState::parse(state.code()), Ok(*state));
            assert_eq!(UsState::parse(&state.code().to_lowercase()), Ok(*state));
        }
    }

    #[test]
    fn unknown_states_are_named_and_names_get_their_code() {
        for bad in ["XX", "UM", "FM", "T", "TXX", "MX"] {
            let e = UsState::parse(bad).unwrap_err();
            assert_eq!(e.code(), "unknown_state");
            assert!(e.to_string().contains(&format!("\"{bad}\"")), "{e}");
        }
        let e = UsState::parse(" puerto rico ").unwrap_err();
        assert_eq!(
            e,
            AddressError::UnknownState {
                value: "puerto rico".into(),
                suggestion: Some(UsState::PuertoRico)
            }
        );
        assert!(e.to_string().ends_with("PR"));
        assert_eq!(UsState::parse(" ").unwrap_err().code(), "required");
    }

    #[test]
    fn zip_forms() {
        assert_eq!(Zip::parse("78701").unwrap().as_str(), "78701");
        let plus4 = Zip::parse(" 787011234 ").unwrap();
        assert_eq!(plus4.as_str(), "78701-1234");
        assert_eq!((plus4.five(), plus4.plus_four()), ("78701", Some("1234")));
        assert_eq!(Zip::parse("78701-1234").unwrap(), plus4);
        for bad in [
            "7870",
            "787012",
            "78701-123",
            "78701-12345",
            "7870a",
            "78701 1234",
            "78701--234",
            "７８７０１",
            "-78701234",
            "12345678",
        ] {
            assert_eq!(Zip::parse(bad).unwrap_err().code(), "invalid_zip", "{bad}");
        }
        assert_eq!(Zip::parse("00000").unwrap_err().code(), "placeholder_zip");
        assert_eq!(
            Zip::parse("000001234").unwrap_err().code(),
            "placeholder_zip"
        );
        assert_eq!(Zip::parse("").unwrap_err().code(), "required");
    }

    #[test]
    fn display_is_the_postal_form() {
        let address =
            UsAddress::new("1 Main St", Some("Apt 4"), "Austin", "tx", "787011234").unwrap();
        assert_eq!(
            address.to_string(),
            "1 Main St\nApt 4\nAustin TX 78701-1234"
        );
    }

    #[test]
    fn raw_records_go_through_the_constructor() {
        let raw = RawUsAddress {
            street: vec!["1 Main".into(), "2".into(), "3".into()],
            city: "Austin".into(),
            state: "TX".into(),
            zip: "78701".into(),
        };
        assert_eq!(
            UsAddress::try_from(raw).unwrap_err(),
            AddressError::TooManyStreetLines { count: 3 }
        );
        let address = ok("1 Main", Some("Apt 2"), "Austin");
        assert_eq!(
            UsAddress::try_from(RawUsAddress::from(&address)),
            Ok(address)
        );
    }
}
