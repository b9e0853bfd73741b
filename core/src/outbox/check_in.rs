//! A check-in: the holder telling the court "I am here", with an optional
//! note for whoever reads it.
//!
//! The note is free text in any language, emoji included (a check-in note
//! is read by a person, not sorted by a machine). What it may not hold is
//! what would make the reader see something other than what was sent:
//! control characters other than the line break, and bidi controls.
//!
//! Cleaning applied first: Unicode NFC, Windows and old Mac line endings
//! (`\r\n`, `\r`) made `\n`, surrounding whitespace dropped; an empty note
//! is no note. The length is counted in Unicode scalar values after
//! cleaning.

use crate::text::is_bidi_control;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

/// Most characters in a check-in note.
pub const MAX_NOTE_CHARS: usize = 500;
/// Longest raw note, in bytes, that is cleaned at all; a longer paste is
/// refused as too long before normalisation, which bounds the work done.
pub const MAX_NOTE_INPUT_BYTES: usize = 8 * 1024;

/// Why a check-in cannot be accepted. Each variant has a stable snake_case
/// [`code`](CheckInError::code). Positions are zero-based in the cleaned
/// note; messages show them counting from 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckInError {
    /// The note has more characters than allowed.
    #[error("the note is {len} characters long, but at most {max} fit; shorten it")]
    TooLong {
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A control character other than the line break (tab, NUL, ...).
    #[error(
        "the note has an invisible control character (U+{code:04X}) at character {}; delete it or type the note again",
        .position + 1
    )]
    ControlCharacter {
        /// The code point.
        code: u32,
        /// Where, zero-based.
        position: usize,
    },
    /// A right-to-left or left-to-right override, embedding, isolate or
    /// mark, which would make the note display differently from the text
    /// that is sent.
    #[error(
        "the note has a hidden text-direction character (U+{code:04X}) at character {}; type the note again instead of pasting it",
        .position + 1
    )]
    BidiControl {
        /// The code point.
        code: u32,
        /// Where, zero-based.
        position: usize,
    },
}

impl CheckInError {
    /// A stable snake_case code for machines (JSON, the outbox's parked
    /// reasons, tests).
    pub fn code(&self) -> &'static str {
        match self {
            CheckInError::TooLong { .. } => "too_long",
            CheckInError::ControlCharacter { .. } => "control_character",
            CheckInError::BidiControl { .. } => "bidi_control",
        }
    }
}

/// A validated check-in. Only [`CheckIn::new`] and deserialization (which
/// goes through it) make one.
///
/// JSON: `{"note":"Running late, bus broke down"}` or `{"note":null}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "RawCheckIn")]
pub struct CheckIn {
    note: Option<String>,
}

impl CheckIn {
    /// Cleans and validates the holder's note; a missing, empty or
    /// all-whitespace note means no note.
    pub fn new(note: Option<&str>) -> Result<CheckIn, CheckInError> {
        let Some(raw) = note else {
            return Ok(CheckIn { note: None });
        };
        if raw.len() > MAX_NOTE_INPUT_BYTES {
            return Err(CheckInError::TooLong {
                len: raw.trim().chars().count(),
                max: MAX_NOTE_CHARS,
            });
        }
        let nfc: String = raw.nfc().collect();
        let unified = nfc.replace("\r\n", "\n").replace('\r', "\n");
        let text = unified.trim();
        if text.is_empty() {
            return Ok(CheckIn { note: None });
        }
        for (position, character) in text.chars().enumerate() {
            let code = u32::from(character);
            if is_bidi_control(character) {
                return Err(CheckInError::BidiControl { code, position });
            }
            if character.is_control() && character != '\n' {
                return Err(CheckInError::ControlCharacter { code, position });
            }
        }
        let len = text.chars().count();
        if len > MAX_NOTE_CHARS {
            return Err(CheckInError::TooLong {
                len,
                max: MAX_NOTE_CHARS,
            });
        }
        Ok(CheckIn {
            note: Some(text.to_owned()),
        })
    }

    /// The note, if the holder wrote one.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

/// A check-in exactly as stored or received, not yet validated. Exists so
/// that a caller reading a stored record can learn which rule it breaks
/// ([`CheckInError::code`]); `CheckIn::try_from` runs [`CheckIn::new`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheckIn {
    /// The note, if any.
    #[serde(default)]
    pub note: Option<String>,
}

impl TryFrom<RawCheckIn> for CheckIn {
    type Error = CheckInError;

    fn try_from(raw: RawCheckIn) -> Result<Self, Self::Error> {
        CheckIn::new(raw.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_notes_are_no_note() {
        for note in [None, Some(""), Some(" \n\t "), Some("\u{3000}")] {
            assert_eq!(CheckIn::new(note).unwrap().note(), None, "{note:?}");
        }
    }

    #[test]
    fn notes_are_trimmed_normalised_and_keep_line_breaks() {
        let check_in = CheckIn::new(Some("  Llegué tarde 🚌\r\nlo siento\rgracias \n")).unwrap();
        assert_eq!(check_in.note(), Some("Llegué tarde 🚌\nlo siento\ngracias"));
        let decomposed = CheckIn::new(Some("Pen\u{0303}a")).unwrap();
        assert_eq!(decomposed.note(), Some("Peña"));
    }

    #[test]
    fn length_limit_is_inclusive_and_counts_characters() {
        let at_limit = "ñ".repeat(MAX_NOTE_CHARS);
        assert!(CheckIn::new(Some(&at_limit)).is_ok());
        assert_eq!(
            CheckIn::new(Some(&format!("{at_limit}x"))).unwrap_err(),
            CheckInError::TooLong { len: 501, max: 500 }
        );
        let huge = "x".repeat(MAX_NOTE_INPUT_BYTES + 1);
        assert_eq!(CheckIn::new(Some(&huge)).unwrap_err().code(), "too_long");
    }

    #[test]
    fn control_and_bidi_characters_are_refused_where_they_are() {
        assert_eq!(
            CheckIn::new(Some("late\tagain")).unwrap_err(),
            CheckInError::ControlCharacter {
                code: 9,
                position: 4
            }
        );
        assert_eq!(
            CheckIn::new(Some("ok\u{202E}txt")).unwrap_err(),
            CheckInError::BidiControl {
                code: 0x202E,
                position: 2
            }
        );
        assert_eq!(
            CheckIn::new(Some("ok\u{85}x")).unwrap_err().code(),
            "control_character"
        );
    }
}

/// How long before it reaches the portal a check-in may have been made:
/// a phone offline for months still delivers its check-ins; one dated more
/// than a year before it arrives (1970, year 0) comes from a broken clock.
pub const CHECK_IN_MAX_AGE: jiff::SignedDuration = jiff::SignedDuration::from_hours(366 * 24);
/// How far ahead of the portal's clock a check-in may be dated: a phone
/// clock set wrong by up to a day (a wrong time zone is at most 14 hours).
/// A check-in dated a month ahead, or in 2100, is refused.
pub const CHECK_IN_MAX_AHEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// A check-in time the portal will not record.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckInTimeError {
    /// Dated more than [`CHECK_IN_MAX_AGE`] before it arrived.
    #[error(
        "the check-in is dated {checked_in_at}, more than a year before it arrived ({received_at}); the phone's clock was wrong, check in again"
    )]
    TooOld {
        /// The check-in's time.
        checked_in_at: jiff::Timestamp,
        /// When the portal received it.
        received_at: jiff::Timestamp,
    },
    /// Dated more than [`CHECK_IN_MAX_AHEAD`] after it arrived.
    #[error(
        "the check-in is dated {checked_in_at}, after it arrived ({received_at}); the phone's clock is ahead, set it and check in again"
    )]
    InTheFuture {
        /// The check-in's time.
        checked_in_at: jiff::Timestamp,
        /// When the portal received it.
        received_at: jiff::Timestamp,
    },
}

/// Whether a check-in made at `checked_in_at` (by the phone's clock) is a
/// plausible record when the portal receives it at `received_at`.
pub fn check_in_time(
    checked_in_at: jiff::Timestamp,
    received_at: jiff::Timestamp,
) -> Result<(), CheckInTimeError> {
    let error = |too_old: bool| {
        if too_old {
            CheckInTimeError::TooOld {
                checked_in_at,
                received_at,
            }
        } else {
            CheckInTimeError::InTheFuture {
                checked_in_at,
                received_at,
            }
        }
    };
    let earliest = received_at
        .checked_sub(CHECK_IN_MAX_AGE)
        .unwrap_or(jiff::Timestamp::MIN);
    let latest = received_at
        .checked_add(CHECK_IN_MAX_AHEAD)
        .unwrap_or(jiff::Timestamp::MAX);
    if checked_in_at < earliest {
        Err(error(true))
    } else if checked_in_at > latest {
        Err(error(false))
    } else {
        Ok(())
    }
}
