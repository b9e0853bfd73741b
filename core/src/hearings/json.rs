//! The hearing list as JSON (a top-level array of hearings), with the
//! bounds that keep a broken or hostile server from costing the phone
//! more than a genuine list would.

use super::error::HearingError;
use super::model::{Hearing, HearingWire};
use crate::text::is_bidi_control;
use std::collections::HashSet;

/// Largest hearing list accepted, in bytes of JSON. A full list of
/// [`MAX_HEARINGS`] hearings with long texts is about half of this.
pub const MAX_HEARINGS_JSON_BYTES: usize = 256 * 1024;
/// Most hearings accepted in one list; far more than one case produces.
pub const MAX_HEARINGS: usize = 500;

/// How much of a parser message is kept for the log.
const MAX_DETAIL_CHARS: usize = 200;

/// Parses and checks a hearing list: size first (before any parsing),
/// then JSON shape, count, each hearing's rules, and duplicate ids.
///
/// One bad hearing refuses the whole list: a partial list would show
/// missing hearings as removed, which is worse than keeping the cached
/// list and saying the refresh failed.
pub fn parse_hearings_json(bytes: &[u8]) -> Result<Vec<Hearing>, HearingError> {
    if bytes.len() > MAX_HEARINGS_JSON_BYTES {
        return Err(HearingError::TooLarge {
            len: bytes.len(),
            max: MAX_HEARINGS_JSON_BYTES,
        });
    }
    // The raw structs, not `Hearing` directly: a serde error would flatten
    // the rule that failed into text, losing its code.
    let wires: Vec<HearingWire> =
        serde_json::from_slice(bytes).map_err(|error| HearingError::Malformed {
            detail: printable(&error.to_string()),
        })?;
    if wires.len() > MAX_HEARINGS {
        return Err(HearingError::TooManyHearings {
            count: wires.len(),
            max: MAX_HEARINGS,
        });
    }
    let mut seen = HashSet::with_capacity(wires.len());
    let mut hearings = Vec::with_capacity(wires.len());
    for wire in wires {
        let hearing = Hearing::try_from(wire)?;
        if !seen.insert(hearing.id.clone()) {
            return Err(HearingError::DuplicateId {
                id: hearing.id.to_string(),
            });
        }
        hearings.push(hearing);
    }
    Ok(hearings)
}

/// A parser message made safe to show: serde_json quotes pieces of the
/// input, which may hold control or bidi characters.
fn printable(message: &str) -> String {
    message
        .chars()
        .take(MAX_DETAIL_CHARS)
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hearing_json(id: &str) -> String {
        format!(
            r#"{{"id":"{id}","starts":{{"local":"2027-03-15T09:00:00","time_zone":"America/Chicago"}},"court":{{"name":"Houston Immigration Court","address":"600 Jefferson St\nHouston, TX"}},"judge":null,"kind":"bond","status":"scheduled"}}"#
        )
    }

    fn list(ids: &[String]) -> String {
        let items: Vec<String> = ids.iter().map(|id| hearing_json(id)).collect();
        format!("[{}]", items.join(","))
    }

    #[test]
    fn a_valid_list_parses() {
        let hearings = parse_hearings_json(list(&["a".into(), "b".into()]).as_bytes()).unwrap();
        assert_eq!(hearings.len(), 2);
        assert_eq!(hearings[1].id.as_str(), "b");
        assert_eq!(parse_hearings_json(b"[]").unwrap(), vec![]);
    }

    #[test]
    fn size_is_checked_before_parsing() {
        // Not JSON at all: only a size check can produce this error.
        let big = vec![b'x'; MAX_HEARINGS_JSON_BYTES + 1];
        assert_eq!(
            parse_hearings_json(&big),
            Err(HearingError::TooLarge {
                len: MAX_HEARINGS_JSON_BYTES + 1,
                max: MAX_HEARINGS_JSON_BYTES
            })
        );
        // At the limit it is parsed (and here fails as JSON).
        let at_limit = vec![b'x'; MAX_HEARINGS_JSON_BYTES];
        assert_eq!(
            parse_hearings_json(&at_limit).unwrap_err().code(),
            "hearings_malformed"
        );
    }

    #[test]
    fn count_is_limited() {
        let ids: Vec<String> = (0..MAX_HEARINGS).map(|i| format!("h{i}")).collect();
        let json = list(&ids);
        assert!(json.len() <= MAX_HEARINGS_JSON_BYTES);
        assert_eq!(
            parse_hearings_json(json.as_bytes()).unwrap().len(),
            MAX_HEARINGS
        );
        let ids: Vec<String> = (0..=MAX_HEARINGS).map(|i| format!("h{i}")).collect();
        assert_eq!(
            parse_hearings_json(list(&ids).as_bytes()),
            Err(HearingError::TooManyHearings {
                count: MAX_HEARINGS + 1,
                max: MAX_HEARINGS
            })
        );
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let json = list(&["a".into(), "b".into(), "a".into()]);
        assert_eq!(
            parse_hearings_json(json.as_bytes()),
            Err(HearingError::DuplicateId { id: "a".into() })
        );
    }

    #[test]
    fn rule_errors_keep_their_code() {
        let json = list(&["bad id".into()]);
        assert_eq!(
            parse_hearings_json(json.as_bytes()).unwrap_err().code(),
            "invalid_id_character"
        );
    }

    #[test]
    fn parser_messages_are_made_printable() {
        assert_eq!(printable("a\u{1B}b\u{202E}c"), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(printable(&"x".repeat(1000)).len(), MAX_DETAIL_CHARS);
    }
}
