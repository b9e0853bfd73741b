//! A court hearing as data. Each part is a type that can only hold a valid
//! value, so a [`Hearing`] needs no separate validation step: building its
//! parts or deserializing it is the validation.
//!
//! The JSON is the same in the wallet's database and on the portal API
//! (snake_case, stable):
//!
//! ```json
//! {
//!   "id": "H-2027-0042",
//!   "starts": { "local": "2027-03-15T09:00:00", "time_zone": "America/New_York" },
//!   "court": { "name": "New York Broadway Immigration Court",
//!              "address": "290 Broadway, 3rd Floor\nNew York, NY 10007" },
//!   "judge": "A. Judge",
//!   "kind": "master_calendar",
//!   "status": "scheduled"
//! }
//! ```
//!
//! Deserializing goes through raw wire structs and the same constructors,
//! so JSON that breaks a rule never becomes a value. Unknown fields are
//! ignored: a portal that adds a field must not blank an older app's
//! hearing list. An unknown `kind` becomes [`HearingKind::Other`] for the
//! same reason (the hearing still shows, with a generic label); an unknown
//! `status` is refused, because it might mean "cancelled".

use super::error::{HearingError, HearingField, quote};
use crate::text::is_bidi_control;
use jiff::Timestamp;
use jiff::Zoned;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// Longest hearing id, in ASCII characters.
pub const MAX_ID_LEN: usize = 64;
/// Longest court name, in UTF-8 bytes after trimming.
pub const MAX_COURT_NAME_BYTES: usize = 200;
/// Longest court address, in UTF-8 bytes after trimming (line breaks
/// included).
pub const MAX_COURT_ADDRESS_BYTES: usize = 300;
/// Longest judge's name, in UTF-8 bytes after trimming.
pub const MAX_JUDGE_BYTES: usize = 100;
/// First year a hearing may be in. Earlier dates are data errors (the card
/// programme did not exist), and refusing them keeps all time arithmetic
/// far from jiff's range limits.
pub const FIRST_YEAR: i16 = 2000;
/// Last year a hearing may be in.
pub const LAST_YEAR: i16 = 2100;

/// Longer than any IANA zone name (the longest is about 30 bytes); refused
/// before a database lookup.
const MAX_TIME_ZONE_NAME_LEN: usize = 64;
/// Longest local date-time text: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn`.
const MAX_LOCAL_TIME_LEN: usize = 29;
/// The first component of the zone names accepted. The system database
/// also answers to names that are not places — `localtime` (whatever zone
/// the phone is set to), `posixrules`, `Factory` — and a hearing's time
/// must never follow the phone's own zone.
const TIME_ZONE_AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Etc",
    "Europe",
    "Indian",
    "Pacific",
    "US",
];

/// The court system's opaque id for a hearing: 1 to [`MAX_ID_LEN`]
/// characters from `[A-Za-z0-9._-]`. The id is what ties a hearing to its
/// earlier version across refreshes (see [`diff`](fn@super::diff)).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HearingId(String);

impl HearingId {
    /// Checks `text` against the id rules.
    pub fn new(text: &str) -> Result<Self, HearingError> {
        let len = text.chars().count();
        if len == 0 || len > MAX_ID_LEN {
            return Err(HearingError::IdLength {
                len,
                max: MAX_ID_LEN,
            });
        }
        if let Some(position) = text
            .chars()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(HearingError::IdCharacter { position });
        }
        Ok(HearingId(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HearingId {
    type Error = HearingError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        HearingId::new(&text)
    }
}

impl From<HearingId> for String {
    fn from(id: HearingId) -> Self {
        id.0
    }
}

impl std::fmt::Display for HearingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// When a hearing starts, as the court states it: a wall-clock date and
/// time in the court's own time zone. The court's zone, not the phone's,
/// is what the holder must see (a holder in Texas with a hearing in
/// Arizona goes by the Arizona clock), and keeping the wall-clock time
/// rather than an instant means a change in DST rules moves the instant,
/// not the appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CourtTimeWire")]
pub struct CourtTime {
    /// Serialized by jiff as `2027-03-15T09:00:00`, with no offset.
    local: DateTime,
    /// The canonical IANA name.
    time_zone: String,
    /// Looked up once, at construction, so later arithmetic cannot meet
    /// an unknown zone.
    #[serde(skip_serializing)]
    tz: TimeZone,
}

impl CourtTime {
    /// A court time, after checking that `time_zone` is a known IANA place
    /// name and the year is within [`FIRST_YEAR`]..=[`LAST_YEAR`]. The
    /// name is stored in canonical form (`america/new_york` becomes
    /// `America/New_York`), so the same zone always compares equal.
    ///
    /// A local time that does not exist (in a spring-forward gap) is
    /// accepted: courts do not schedule then, and if one did, the
    /// [`instant`](Self::instant) moves forward out of the gap.
    pub fn new(local: DateTime, time_zone: &str) -> Result<Self, HearingError> {
        let year = local.year();
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(HearingError::YearOutOfRange {
                year,
                first: FIRST_YEAR,
                last: LAST_YEAR,
            });
        }
        let tz = lookup_time_zone(time_zone)?;
        let time_zone = tz.iana_name().unwrap_or(time_zone).to_owned();
        Ok(CourtTime {
            local,
            time_zone,
            tz,
        })
    }

    /// Parses the wire form: `local` as `YYYY-MM-DDTHH:MM[:SS[.fraction]]`
    /// with no offset, `Z` or zone annotation. jiff alone would accept and
    /// silently ignore an offset; a sender that adds one probably means
    /// something other than court-local time, so it is refused.
    pub fn parse(local: &str, time_zone: &str) -> Result<Self, HearingError> {
        CourtTime::new(parse_local(local)?, time_zone)
    }

    /// The wall-clock date and time at the court.
    pub fn local(&self) -> DateTime {
        self.local
    }

    /// The court's IANA time zone name.
    pub fn time_zone(&self) -> &str {
        &self.time_zone
    }

    /// The court's time zone rules.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The instant the hearing starts. An ambiguous local time resolves
    /// the way jiff's "compatible" strategy (and RFC 5545) does: in a gap
    /// it moves forward by the gap's length, in a fold it takes the
    /// earlier instant — the holder arrives early rather than late.
    ///
    /// Cannot fail for a value built by [`new`](Self::new) (known zone,
    /// bounded year); the error exists so no path has to panic.
    pub fn instant(&self) -> Result<Timestamp, HearingError> {
        self.zoned().map(|zoned| zoned.timestamp())
    }

    /// The start as a zoned date-time in the court's zone, resolved as
    /// [`instant`](Self::instant) is.
    pub fn zoned(&self) -> Result<Zoned, HearingError> {
        self.tz
            .to_ambiguous_zoned(self.local)
            .compatible()
            .map_err(|_| HearingError::UnresolvableTime {
                local: self.local.to_string(),
                time_zone: self.time_zone.clone(),
            })
    }
}

/// Looks `name` up, refusing names that are not places (see
/// [`TIME_ZONE_AREAS`]).
fn lookup_time_zone(name: &str) -> Result<TimeZone, HearingError> {
    let unknown = || HearingError::UnknownTimeZone { name: quote(name) };
    let is_place = name.eq_ignore_ascii_case("UTC")
        || name.split_once('/').is_some_and(|(area, _)| {
            TIME_ZONE_AREAS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(area))
        });
    if name.len() > MAX_TIME_ZONE_NAME_LEN || !is_place {
        return Err(unknown());
    }
    TimeZone::get(name).map_err(|_| unknown())
}

/// Parses a court-local date-time, refusing any form but
/// `YYYY-MM-DDTHH:MM[:SS[.fraction]]`.
fn parse_local(text: &str) -> Result<DateTime, HearingError> {
    let invalid = || HearingError::InvalidLocalTime { text: quote(text) };
    let Some((date, time)) = text.split_once('T') else {
        return Err(invalid());
    };
    let date_shape = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let time_shape = time.len() >= 5
        && time
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b':' || b == b'.');
    if text.len() > MAX_LOCAL_TIME_LEN || !date_shape || !time_shape {
        return Err(invalid());
    }
    text.parse::<DateTime>().map_err(|_| invalid())
}

#[derive(Deserialize)]
struct CourtTimeWire {
    local: String,
    time_zone: String,
}

impl TryFrom<CourtTimeWire> for CourtTime {
    type Error = HearingError;

    fn try_from(wire: CourtTimeWire) -> Result<Self, Self::Error> {
        CourtTime::parse(&wire.local, &wire.time_zone)
    }
}

/// The court where the hearing is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CourtWire")]
pub struct Court {
    name: String,
    address: String,
}

impl Court {
    /// A court, after trimming both texts and checking them: non-empty,
    /// at most [`MAX_COURT_NAME_BYTES`] and [`MAX_COURT_ADDRESS_BYTES`],
    /// no control characters (the address may have line breaks `\n`), no
    /// bidi controls.
    pub fn new(name: &str, address: &str) -> Result<Self, HearingError> {
        Ok(Court {
            name: clean_text(HearingField::CourtName, name, MAX_COURT_NAME_BYTES)?,
            address: clean_text(HearingField::CourtAddress, address, MAX_COURT_ADDRESS_BYTES)?,
        })
    }

    /// The court's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The postal address, lines separated by `\n`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The address one line at a time, for screens that lay lines out
    /// themselves.
    pub fn address_lines(&self) -> impl Iterator<Item = &str> {
        self.address.lines()
    }
}

#[derive(Deserialize)]
struct CourtWire {
    name: String,
    address: String,
}

impl TryFrom<CourtWire> for Court {
    type Error = HearingError;

    fn try_from(wire: CourtWire) -> Result<Self, Self::Error> {
        Court::new(&wire.name, &wire.address)
    }
}

/// The judge's name: trimmed, non-empty, at most [`MAX_JUDGE_BYTES`], no
/// control or bidi characters. A hearing with no judge assigned has none
/// (`null`), never an empty name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Judge(String);

impl Judge {
    /// Checks and trims `name`.
    pub fn new(name: &str) -> Result<Self, HearingError> {
        clean_text(HearingField::Judge, name, MAX_JUDGE_BYTES).map(Judge)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Judge {
    type Error = HearingError;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Judge::new(&name)
    }
}

impl From<Judge> for String {
    fn from(judge: Judge) -> Self {
        judge.0
    }
}

impl std::fmt::Display for Judge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Trims `raw` and checks it against the text rules for `field`.
fn clean_text(field: HearingField, raw: &str, max: usize) -> Result<String, HearingError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(HearingError::EmptyField { field });
    }
    if text.len() > max {
        return Err(HearingError::FieldTooLong {
            field,
            len: text.len(),
            max,
        });
    }
    let line_breaks_allowed = field == HearingField::CourtAddress;
    for c in text.chars() {
        if is_bidi_control(c) {
            return Err(HearingError::BidiControl {
                field,
                code: u32::from(c),
            });
        }
        if c.is_control() && !(c == '\n' && line_breaks_allowed) {
            return Err(HearingError::ControlCharacter {
                field,
                code: u32::from(c),
            });
        }
    }
    Ok(text.to_owned())
}

/// The type of hearing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HearingKind {
    /// A short preliminary hearing, often with many people in the room.
    MasterCalendar,
    /// The merits hearing where the case is decided.
    Individual,
    /// A hearing about release on bond.
    Bond,
    /// Any other type, including ones this version of the app does not
    /// know (so a new type never hides a hearing).
    #[serde(other)]
    Other,
}

impl HearingKind {
    /// The kind for a wire code; unknown codes are [`HearingKind::Other`].
    pub fn from_code(code: &str) -> Self {
        match code {
            "master_calendar" => HearingKind::MasterCalendar,
            "individual" => HearingKind::Individual,
            "bond" => HearingKind::Bond,
            _ => HearingKind::Other,
        }
    }

    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            HearingKind::MasterCalendar => "master_calendar",
            HearingKind::Individual => "individual",
            HearingKind::Bond => "bond",
            HearingKind::Other => "other",
        }
    }
}

/// Where the hearing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HearingStatus {
    /// On the calendar as first set.
    Scheduled,
    /// On the calendar, at a time the court changed.
    Rescheduled,
    /// Off the calendar: the holder need not attend.
    Cancelled,
}

impl HearingStatus {
    /// The status for a wire code, or `None` if this version does not
    /// know it.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "scheduled" => Some(HearingStatus::Scheduled),
            "rescheduled" => Some(HearingStatus::Rescheduled),
            "cancelled" => Some(HearingStatus::Cancelled),
            _ => None,
        }
    }

    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            HearingStatus::Scheduled => "scheduled",
            HearingStatus::Rescheduled => "rescheduled",
            HearingStatus::Cancelled => "cancelled",
        }
    }
}

/// One court hearing. Every field is a validated type and no rule ties
/// fields together, so any value of this struct is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "HearingWire")]
pub struct Hearing {
    /// The court system's id, stable across reschedules.
    pub id: HearingId,
    /// When it starts, in the court's time zone.
    pub starts: CourtTime,
    /// Where.
    pub court: Court,
    /// Before whom, if a judge is assigned.
    pub judge: Option<Judge>,
    /// What type of hearing.
    pub kind: HearingKind,
    /// Whether it is on.
    pub status: HearingStatus,
}

impl Hearing {
    /// The instant it starts (see [`CourtTime::instant`]).
    pub fn instant(&self) -> Result<Timestamp, HearingError> {
        self.starts.instant()
    }

    /// Whether the court cancelled it.
    pub fn is_cancelled(&self) -> bool {
        self.status == HearingStatus::Cancelled
    }
}

/// A hearing as the JSON has it, before any rule is checked.
#[derive(Deserialize)]
pub(crate) struct HearingWire {
    id: String,
    starts: CourtTimeWire,
    court: CourtWire,
    #[serde(default)]
    judge: Option<String>,
    kind: String,
    status: String,
}

impl TryFrom<HearingWire> for Hearing {
    type Error = HearingError;

    fn try_from(wire: HearingWire) -> Result<Self, Self::Error> {
        Ok(Hearing {
            id: HearingId::new(&wire.id)?,
            starts: CourtTime::try_from(wire.starts)?,
            court: Court::try_from(wire.court)?,
            judge: wire.judge.as_deref().map(Judge::new).transpose()?,
            kind: HearingKind::from_code(&wire.kind),
            status: HearingStatus::from_code(&wire.status).ok_or_else(|| {
                HearingError::UnknownStatus {
                    status: quote(&wire.status),
                }
            })?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn code<T: std::fmt::Debug>(result: Result<T, HearingError>) -> &'static str {
        result.unwrap_err().code()
    }

    #[test]
    fn id_accepts_the_allowed_alphabet_up_to_the_limit() {
        assert_eq!(
            HearingId::new("H-2027.03_15").unwrap().as_str(),
            "H-2027.03_15"
        );
        assert!(HearingId::new(&"a".repeat(MAX_ID_LEN)).is_ok());
    }

    #[test]
    fn id_refuses_empty_and_over_long() {
        assert_eq!(code(HearingId::new("")), "invalid_id_length");
        assert_eq!(
            HearingId::new(&"a".repeat(MAX_ID_LEN + 1)),
            Err(HearingError::IdLength {
                len: MAX_ID_LEN + 1,
                max: MAX_ID_LEN
            })
        );
    }

    #[test]
    fn id_refuses_characters_outside_the_alphabet() {
        for bad in ["a b", "a/b", "é", "a\u{0}", "a+b", "ＡＢ"] {
            assert_eq!(code(HearingId::new(bad)), "invalid_id_character", "{bad:?}");
        }
        assert_eq!(
            HearingId::new("ab/c"),
            Err(HearingError::IdCharacter { position: 2 })
        );
    }

    #[test]
    fn time_zone_names_are_checked_and_canonicalised() {
        let local = date(2027, 3, 15).at(9, 0, 0, 0);
        let time = CourtTime::new(local, "america/new_york").unwrap();
        assert_eq!(time.time_zone(), "America/New_York");
        assert_eq!(
            CourtTime::new(local, "Mars/Base"),
            Err(HearingError::UnknownTimeZone {
                name: "Mars/Base".into()
            })
        );
    }

    #[test]
    fn names_that_are_not_places_are_refused() {
        let local = date(2027, 3, 15).at(9, 0, 0, 0);
        for name in [
            "localtime",
            "posixrules",
            "Factory",
            "",
            "EST5EDT",
            "../etc/passwd",
        ] {
            assert_eq!(
                code(CourtTime::new(local, name)),
                "unknown_time_zone",
                "{name:?}"
            );
        }
        assert!(CourtTime::new(local, "UTC").is_ok());
        assert!(CourtTime::new(local, "America/Indiana/Indianapolis").is_ok());
    }

    #[test]
    fn year_must_be_in_range() {
        assert!(CourtTime::new(date(2000, 1, 1).at(0, 0, 0, 0), "UTC").is_ok());
        assert!(CourtTime::new(date(2100, 12, 31).at(23, 0, 0, 0), "UTC").is_ok());
        assert_eq!(
            CourtTime::new(date(1999, 12, 31).at(9, 0, 0, 0), "UTC"),
            Err(HearingError::YearOutOfRange {
                year: 1999,
                first: FIRST_YEAR,
                last: LAST_YEAR
            })
        );
        assert_eq!(
            code(CourtTime::new(date(2101, 1, 1).at(9, 0, 0, 0), "UTC")),
            "year_out_of_range"
        );
    }

    #[test]
    fn local_time_accepts_only_the_plain_form() {
        for good in [
            "2027-03-15T09:00:00",
            "2027-03-15T09:00",
            "2027-03-15T09:00:00.5",
        ] {
            assert!(CourtTime::parse(good, "UTC").is_ok(), "{good:?}");
        }
        for bad in [
            "2027-03-15T09:00:00Z",
            "2027-03-15T09:00:00-05:00",
            "2027-03-15T09:00:00+01:00",
            "2027-03-15T09:00:00[America/New_York]",
            "2027-03-15 09:00:00",
            "2027-03-15",
            "2027-3-15T09:00",
            "2027-02-30T09:00:00",
            "2027-03-15T25:00:00",
            "",
        ] {
            assert_eq!(
                code(CourtTime::parse(bad, "UTC")),
                "invalid_local_time",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn instant_resolves_gaps_forward_and_folds_early() {
        // 2027-03-14 02:30 does not exist in New York: it becomes 03:30 EDT.
        let gap = CourtTime::parse("2027-03-14T02:30:00", "America/New_York").unwrap();
        assert_eq!(
            gap.instant().unwrap(),
            "2027-03-14T07:30:00Z".parse().unwrap()
        );
        // 2027-11-07 01:30 happens twice: the first (EDT) is taken.
        let fold = CourtTime::parse("2027-11-07T01:30:00", "America/New_York").unwrap();
        assert_eq!(
            fold.instant().unwrap(),
            "2027-11-07T05:30:00Z".parse().unwrap()
        );
    }

    #[test]
    fn texts_are_trimmed() {
        let court = Court::new("  Houston Court \n", "\n1 Main St\nHouston, TX \n").unwrap();
        assert_eq!(court.name(), "Houston Court");
        assert_eq!(court.address(), "1 Main St\nHouston, TX");
        assert_eq!(
            court.address_lines().collect::<Vec<_>>(),
            ["1 Main St", "Houston, TX"]
        );
        assert_eq!(Judge::new(" A. Judge ").unwrap().as_str(), "A. Judge");
    }

    #[test]
    fn texts_must_not_be_blank() {
        assert_eq!(
            Court::new(" \t ", "x"),
            Err(HearingError::EmptyField {
                field: HearingField::CourtName
            })
        );
        assert_eq!(
            Court::new("x", "\n\n"),
            Err(HearingError::EmptyField {
                field: HearingField::CourtAddress
            })
        );
        assert_eq!(code(Judge::new("")), "empty_field");
    }

    #[test]
    fn byte_limits_apply_after_trimming() {
        let name = "n".repeat(MAX_COURT_NAME_BYTES);
        assert!(Court::new(&format!(" {name} "), "x").is_ok());
        assert_eq!(
            Court::new(&format!("{name}é"), "x"),
            Err(HearingError::FieldTooLong {
                field: HearingField::CourtName,
                len: MAX_COURT_NAME_BYTES + 2,
                max: MAX_COURT_NAME_BYTES
            })
        );
        assert!(Court::new("x", &"a".repeat(MAX_COURT_ADDRESS_BYTES)).is_ok());
        assert_eq!(
            code(Court::new("x", &"a".repeat(MAX_COURT_ADDRESS_BYTES + 1))),
            "field_too_long"
        );
        assert!(Judge::new(&"j".repeat(MAX_JUDGE_BYTES)).is_ok());
        assert_eq!(
            code(Judge::new(&"j".repeat(MAX_JUDGE_BYTES + 1))),
            "field_too_long"
        );
    }

    #[test]
    fn line_breaks_only_in_the_address() {
        assert!(Court::new("x", "a\nb").is_ok());
        assert_eq!(
            Court::new("a\nb", "x"),
            Err(HearingError::ControlCharacter {
                field: HearingField::CourtName,
                code: 0x0A
            })
        );
        assert_eq!(code(Judge::new("a\nb")), "control_character");
        for bad in ["a\r\nb", "a\tb", "a\u{0}b", "a\u{7F}b", "a\u{85}b"] {
            assert_eq!(code(Court::new("x", bad)), "control_character", "{bad:?}");
        }
    }

    #[test]
    fn bidi_controls_are_refused_everywhere() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}',
        ] {
            let text = format!("a{c}b");
            assert_eq!(code(Court::new(&text, "x")), "bidi_control");
            assert_eq!(
                Court::new("x", &text),
                Err(HearingError::BidiControl {
                    field: HearingField::CourtAddress,
                    code: u32::from(c)
                })
            );
            assert_eq!(code(Judge::new(&text)), "bidi_control");
        }
        // Neighbours of the ranges are ordinary (if invisible) characters.
        assert!(Judge::new("a\u{2029}b\u{206A}").is_ok());
    }

    #[test]
    fn kind_codes_round_trip_and_unknown_kinds_are_other() {
        for kind in [
            HearingKind::MasterCalendar,
            HearingKind::Individual,
            HearingKind::Bond,
            HearingKind::Other,
        ] {
            assert_eq!(HearingKind::from_code(kind.code()), kind);
        }
        assert_eq!(HearingKind::from_code("credible_fear"), HearingKind::Other);
        assert_eq!(HearingKind::from_code("Bond"), HearingKind::Other);
    }

    #[test]
    fn status_codes_round_trip_and_unknown_statuses_are_none() {
        for status in [
            HearingStatus::Scheduled,
            HearingStatus::Rescheduled,
            HearingStatus::Cancelled,
        ] {
            assert_eq!(HearingStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(HearingStatus::from_code("postponed"), None);
        assert_eq!(HearingStatus::from_code("Cancelled"), None);
    }

    #[test]
    fn court_time_serializes_without_offset() {
        let time = CourtTime::parse("2027-03-15T09:00", "America/New_York").unwrap();
        assert_eq!(
            serde_json::to_string(&time).unwrap(),
            r#"{"local":"2027-03-15T09:00:00","time_zone":"America/New_York"}"#
        );
    }
}
