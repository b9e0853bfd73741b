//! Why hearing data from the court was refused.
//!
//! The holder sees these messages when a refresh fails, so each one says
//! what went wrong in the court's data and that the cached hearings are
//! still what the app shows. Texts quoted from the data are cut short and
//! escaped (`{:?}`), because they come from the network.

use thiserror::Error;

/// How many characters of a refused text an error quotes.
const QUOTE_CHARS: usize = 40;

/// The first [`QUOTE_CHARS`] characters of `text`, for an error message.
pub(crate) fn quote(text: &str) -> String {
    text.chars().take(QUOTE_CHARS).collect()
}

/// Which free-text field of a hearing a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HearingField {
    /// The court's name.
    CourtName,
    /// The court's postal address.
    CourtAddress,
    /// The judge's name.
    Judge,
}

impl HearingField {
    /// The snake_case name of the field in the JSON.
    pub fn code(self) -> &'static str {
        match self {
            HearingField::CourtName => "court_name",
            HearingField::CourtAddress => "court_address",
            HearingField::Judge => "judge",
        }
    }
}

impl std::fmt::Display for HearingField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HearingField::CourtName => "court name",
            HearingField::CourtAddress => "court address",
            HearingField::Judge => "judge's name",
        })
    }
}

/// Hearing data that breaks a rule. Each variant has a stable snake_case
/// [`code`](HearingError::code).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HearingError {
    /// The JSON is larger than any genuine hearing list; refused before
    /// parsing so a hostile or broken server cannot make the phone parse
    /// megabytes.
    #[error(
        "the court sent {len} bytes of hearing data, more than the {max} allowed; your saved hearings are unchanged, try again later"
    )]
    TooLarge {
        /// The size received.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// More hearings than one person can have scheduled.
    #[error(
        "the court sent {count} hearings, more than the {max} allowed; your saved hearings are unchanged, try again later"
    )]
    TooManyHearings {
        /// How many were sent.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Not JSON, or JSON of the wrong shape (a missing field, a number
    /// where text belongs).
    #[error(
        "the court's hearing data is damaged ({detail}); your saved hearings are unchanged, try again later"
    )]
    Malformed {
        /// What the parser found, for the log.
        detail: String,
    },
    /// A hearing id that is empty or longer than the limit.
    #[error(
        "the court sent a hearing with a damaged reference ({len} characters, expected 1 to {max}); your saved hearings are unchanged, try again later"
    )]
    IdLength {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A hearing id with a character outside `[A-Za-z0-9._-]`.
    #[error(
        "the court sent a hearing with a damaged reference (unexpected character at position {position}); your saved hearings are unchanged, try again later"
    )]
    IdCharacter {
        /// Zero-based character position.
        position: usize,
    },
    /// Two hearings with the same id: the list cannot say which is right.
    #[error(
        "the court sent the hearing {id:?} twice; your saved hearings are unchanged, try again later"
    )]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A time zone name the app's time zone database does not have (or
    /// one that is not a place, such as the phone's own `localtime`).
    #[error(
        "the court sent a hearing with an unknown time zone {name:?}; the app cannot compute its time"
    )]
    UnknownTimeZone {
        /// The name sent (cut short).
        name: String,
    },
    /// The local date and time is not `YYYY-MM-DDTHH:MM[:SS]`, or carries
    /// an offset or zone of its own.
    #[error(
        "the court sent a hearing with an unreadable date and time {text:?}; the app cannot show when it is"
    )]
    InvalidLocalTime {
        /// The text sent (cut short).
        text: String,
    },
    /// A hearing year outside the range the app accepts.
    #[error(
        "the court sent a hearing in the year {year}, which cannot be right (expected {first} to {last}); your saved hearings are unchanged"
    )]
    YearOutOfRange {
        /// The year sent.
        year: i16,
        /// The first year accepted.
        first: i16,
        /// The last year accepted.
        last: i16,
    },
    /// A local time that the time zone cannot place on the time line.
    /// Construction rules this out (known zone, bounded year); the variant
    /// exists so that the arithmetic never has to panic.
    #[error(
        "the app cannot compute the time of the hearing at {local} ({time_zone}); check the date with the court"
    )]
    UnresolvableTime {
        /// The local date and time.
        local: String,
        /// The court's time zone.
        time_zone: String,
    },
    /// A status this version of the app does not know. Refused rather than
    /// guessed, because guessing wrong could hide a hearing or show one
    /// that is cancelled.
    #[error(
        "the court sent a hearing status {status:?} this app does not know; update the app to see your hearings"
    )]
    UnknownStatus {
        /// The status sent (cut short).
        status: String,
    },
    /// A text field that is empty or only spaces.
    #[error("the court sent a hearing with an empty {field}; your saved hearings are unchanged")]
    EmptyField {
        /// Which field.
        field: HearingField,
    },
    /// A text field over its byte limit.
    #[error(
        "the court sent a hearing whose {field} is {len} bytes long, more than the {max} allowed; your saved hearings are unchanged"
    )]
    FieldTooLong {
        /// Which field.
        field: HearingField,
        /// Its length in bytes, after trimming.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A control character (a line break is allowed in the address only).
    #[error(
        "the court sent a hearing whose {field} contains an invisible control character (U+{code:04X}); your saved hearings are unchanged"
    )]
    ControlCharacter {
        /// Which field.
        field: HearingField,
        /// The code point.
        code: u32,
    },
    /// A bidi embedding, override or isolate, which can make text display
    /// in a different order than it is stored (a court address that reads
    /// differently from what was sent).
    #[error(
        "the court sent a hearing whose {field} contains a text-direction control character (U+{code:04X}); your saved hearings are unchanged"
    )]
    BidiControl {
        /// Which field.
        field: HearingField,
        /// The code point.
        code: u32,
    },
}

impl HearingError {
    /// A stable snake_case code for machines (JSON output, tests, logs).
    pub fn code(&self) -> &'static str {
        match self {
            HearingError::TooLarge { .. } => "hearings_too_large",
            HearingError::TooManyHearings { .. } => "too_many_hearings",
            HearingError::Malformed { .. } => "hearings_malformed",
            HearingError::IdLength { .. } => "invalid_id_length",
            HearingError::IdCharacter { .. } => "invalid_id_character",
            HearingError::DuplicateId { .. } => "duplicate_id",
            HearingError::UnknownTimeZone { .. } => "unknown_time_zone",
            HearingError::InvalidLocalTime { .. } => "invalid_local_time",
            HearingError::YearOutOfRange { .. } => "year_out_of_range",
            HearingError::UnresolvableTime { .. } => "unresolvable_time",
            HearingError::UnknownStatus { .. } => "unknown_status",
            HearingError::EmptyField { .. } => "empty_field",
            HearingError::FieldTooLong { .. } => "field_too_long",
            HearingError::ControlCharacter { .. } => "control_character",
            HearingError::BidiControl { .. } => "bidi_control",
        }
    }

    /// The text field the problem is in, if it is about one.
    pub fn field(&self) -> Option<HearingField> {
        match self {
            HearingError::EmptyField { field }
            | HearingError::FieldTooLong { field, .. }
            | HearingError::ControlCharacter { field, .. }
            | HearingError::BidiControl { field, .. } => Some(*field),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_zone_message_quotes_the_name() {
        let error = HearingError::UnknownTimeZone {
            name: "Mars/Base".into(),
        };
        assert_eq!(
            error.to_string(),
            "the court sent a hearing with an unknown time zone \"Mars/Base\"; the app cannot compute its time"
        );
        assert_eq!(error.code(), "unknown_time_zone");
    }

    #[test]
    fn quote_cuts_long_text_on_a_character_boundary() {
        let long = "é".repeat(100);
        let quoted = quote(&long);
        assert_eq!(quoted.chars().count(), QUOTE_CHARS);
        assert_eq!(quote("short"), "short");
    }

    #[test]
    fn messages_escape_invisible_characters() {
        let error = HearingError::UnknownStatus {
            status: "x\u{202E}y".into(),
        };
        assert!(!error.to_string().contains('\u{202E}'));
    }

    #[test]
    fn field_is_reported_for_text_errors_only() {
        let text = HearingError::EmptyField {
            field: HearingField::Judge,
        };
        assert_eq!(text.field(), Some(HearingField::Judge));
        assert_eq!(HearingError::IdCharacter { position: 0 }.field(), None);
    }
}
