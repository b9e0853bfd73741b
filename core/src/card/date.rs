//! Calendar dates on the card: full dates for issue and expiry, and a date
//! of birth that may be only a year or a year and month (common for people
//! whose birth was never registered to the day).

use jiff::civil::Date;
use jiff::{Span, Timestamp, Unit};
use thiserror::Error;

const EPOCH: Date = Date::constant(1970, 1, 1);
/// First birth year the card can carry; also the zero of its 8-bit encoding.
pub const FIRST_BIRTH_YEAR: i16 = 1900;
/// Last birth year the card can carry.
pub const LAST_BIRTH_YEAR: i16 = FIRST_BIRTH_YEAR + 255;
const SECONDS_PER_DAY: i64 = 86_400;

/// Why a date is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    /// Not written as the format asks.
    #[error("{text:?} is not a date written as {expected}")]
    BadFormat {
        /// What was given.
        text: String,
        /// The accepted forms.
        expected: &'static str,
    },
    /// Well-formed but not on the calendar (month 13, February 30, ...).
    #[error("{text} is not a real calendar date")]
    Impossible {
        /// The date as written or decoded.
        text: String,
    },
    /// A real date outside what the card can carry.
    #[error("{text} is outside the range a card can carry ({range})")]
    OutOfRange {
        /// The date.
        text: String,
        /// The representable range.
        range: &'static str,
    },
}

/// A full date on the card (issue or expiry): 1970-01-01 to 2149-06-06,
/// stored on the wire as days since 1970-01-01 in 16 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardDate(Date);

const CARD_DATE_RANGE: &str = "1970-01-01 to 2149-06-06";

impl CardDate {
    /// Parses `YYYY-MM-DD` exactly.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let (year, month, day) = split_numeric_date(text, 3, "YYYY-MM-DD")?;
        let date = real_date(text, year, month.unwrap_or(0), day.unwrap_or(0))?;
        Self::from_date(date)
    }

    /// Wraps a calendar date if the card can carry it.
    pub fn from_date(date: Date) -> Result<Self, DateError> {
        if date < EPOCH || date > Self::from_days(u16::MAX).0 {
            return Err(DateError::OutOfRange {
                text: date.to_string(),
                range: CARD_DATE_RANGE,
            });
        }
        Ok(CardDate(date))
    }

    /// The date `days` after 1970-01-01; every 16-bit value is a date.
    pub fn from_days(days: u16) -> Self {
        // 65535 days after 1970 is 2149-06-06, far inside jiff's range, so
        // the addition cannot fail; the fallback only keeps this total.
        CardDate(EPOCH.checked_add(Span::new().days(days)).unwrap_or(EPOCH))
    }

    /// Days since 1970-01-01, as encoded on the card.
    pub fn days(self) -> u16 {
        self.0
            .since((Unit::Day, EPOCH))
            .ok()
            .and_then(|span| u16::try_from(span.get_days()).ok())
            // from_date keeps the date inside the 16-bit range.
            .unwrap_or(0)
    }

    /// The calendar date.
    pub fn date(self) -> Date {
        self.0
    }

    /// The first instant of this date anywhere on Earth (00:00 at UTC+14),
    /// when a card issued on it becomes current.
    pub fn earliest_start(self) -> Timestamp {
        seconds_to_timestamp(i64::from(self.days()) * SECONDS_PER_DAY - 14 * 3600)
    }

    /// The instant this date has ended everywhere on Earth (24:00 at
    /// UTC−12), when a card expiring on it stops being current.
    pub fn latest_end(self) -> Timestamp {
        seconds_to_timestamp((i64::from(self.days()) + 1) * SECONDS_PER_DAY + 12 * 3600)
    }

    /// 00:00 UTC of this date.
    pub fn start_utc(self) -> Timestamp {
        seconds_to_timestamp(i64::from(self.days()) * SECONDS_PER_DAY)
    }
}

impl std::fmt::Display for CardDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn seconds_to_timestamp(seconds: i64) -> Timestamp {
    // Card dates span 1969-12-31 to 2149-06-07 here, well inside jiff's range.
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A date of birth: year, year and month, or a full date, between
/// [`FIRST_BIRTH_YEAR`] and [`LAST_BIRTH_YEAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BirthDate {
    year: i16,
    month: Option<i8>,
    day: Option<i8>,
}

const BIRTH_RANGE: &str = "years 1900 to 2155";

impl BirthDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        const FORMS: &str = "YYYY, YYYY-MM or YYYY-MM-DD";
        let parts = text.split('-').count();
        let (year, month, day) = split_numeric_date(text, parts, FORMS)?;
        Self::new(text, year, month, day)
    }

    fn new(text: &str, year: i32, month: Option<i32>, day: Option<i32>) -> Result<Self, DateError> {
        real_date(text, year, month.unwrap_or(1), day.unwrap_or(1))?;
        let year = i16::try_from(year)
            .ok()
            .filter(|y| (FIRST_BIRTH_YEAR..=LAST_BIRTH_YEAR).contains(y))
            .ok_or_else(|| DateError::OutOfRange {
                text: text.to_owned(),
                range: BIRTH_RANGE,
            })?;
        Ok(BirthDate {
            year,
            month: month.and_then(|m| i8::try_from(m).ok()),
            day: day.and_then(|d| i8::try_from(d).ok()),
        })
    }

    /// The earliest day the holder can have been born on.
    pub fn earliest(self) -> Date {
        Date::new(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1)).unwrap_or(EPOCH)
    }

    /// The 17-bit field of the card: year − 1900 (8 bits), month (4 bits,
    /// 0 = unknown), day (5 bits, 0 = unknown).
    pub fn to_bits(self) -> u32 {
        let year = u32::from(self.year.abs_diff(FIRST_BIRTH_YEAR));
        let month = self.month.map_or(0, |m| u32::from(m.unsigned_abs()));
        let day = self.day.map_or(0, |d| u32::from(d.unsigned_abs()));
        year << 9 | month << 5 | day
    }

    /// Decodes the 17-bit field, rejecting impossible and non-canonical
    /// combinations (a day without a month).
    pub fn from_bits(bits: u32) -> Result<Self, DateError> {
        let year = FIRST_BIRTH_YEAR as i32 + (bits >> 9 & 0xFF) as i32;
        let month = (bits >> 5 & 0xF) as i32;
        let day = (bits & 0x1F) as i32;
        let text = format!("{year:04}-{month:02}-{day:02}");
        match (month, day) {
            (0, 0) => Self::new(&text, year, None, None),
            (0, _) => Err(DateError::Impossible { text }),
            (_, 0) => Self::new(&text, year, Some(month), None),
            _ => Self::new(&text, year, Some(month), Some(day)),
        }
    }
}

impl std::fmt::Display for BirthDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

/// Splits `YYYY[-MM[-DD]]` with exactly `parts` parts of exactly 4, 2 and 2
/// ASCII digits.
fn split_numeric_date(
    text: &str,
    parts: usize,
    expected: &'static str,
) -> Result<(i32, Option<i32>, Option<i32>), DateError> {
    let bad = || DateError::BadFormat {
        text: text.chars().take(40).collect(),
        expected,
    };
    let fields: Vec<&str> = text.split('-').collect();
    if fields.len() != parts || !(1..=3).contains(&parts) {
        return Err(bad());
    }
    let widths = [4, 2, 2];
    let mut numbers = [None; 3];
    for ((field, width), slot) in fields.iter().zip(widths).zip(numbers.iter_mut()) {
        if field.len() != width || !field.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        *slot = field.parse::<i32>().ok();
    }
    let [year, month, day] = numbers;
    Ok((year.ok_or_else(bad)?, month, day))
}

fn real_date(text: &str, year: i32, month: i32, day: i32) -> Result<Date, DateError> {
    let impossible = || DateError::Impossible {
        text: text.to_owned(),
    };
    let year = i16::try_from(year).map_err(|_| impossible())?;
    let month = i8::try_from(month).map_err(|_| impossible())?;
    let day = i8::try_from(day).map_err(|_| impossible())?;
    if year == 0 {
        return Err(impossible());
    }
    Date::new(year, month, day).map_err(|_| impossible())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_dates_round_trip_through_days() {
        for text in ["1970-01-01", "2000-02-29", "2026-11-22", "2149-06-06"] {
            let date = CardDate::parse(text).unwrap();
            assert_eq!(CardDate::from_days(date.days()), date);
            assert_eq!(date.to_string(), text);
        }
        assert_eq!(CardDate::parse("1970-01-02").unwrap().days(), 1);
        assert_eq!(CardDate::from_days(u16::MAX).to_string(), "2149-06-06");
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for text in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-01-00",
        ] {
            assert!(
                matches!(CardDate::parse(text), Err(DateError::Impossible { .. })),
                "{text}"
            );
        }
        for text in [
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-01T00:00",
            "",
            "２０２６-01-01",
            "+026-01-01",
        ] {
            assert!(
                matches!(CardDate::parse(text), Err(DateError::BadFormat { .. })),
                "{text}"
            );
        }
        assert!(matches!(
            CardDate::parse("1969-12-31"),
            Err(DateError::OutOfRange { .. })
        ));
        assert!(matches!(
            CardDate::parse("2149-06-07"),
            Err(DateError::OutOfRange { .. })
        ));
    }

    #[test]
    fn boundaries_cover_the_day_everywhere_on_earth() {
        let date = CardDate::parse("2026-11-22").unwrap();
        assert_eq!(date.earliest_start().to_string(), "2026-11-21T10:00:00Z");
        assert_eq!(date.latest_end().to_string(), "2026-11-23T12:00:00Z");
    }

    #[test]
    fn partial_birth_dates() {
        for text in ["1984", "1984-07", "1984-07-15", "1900", "2155-12-31"] {
            let date = BirthDate::parse(text).unwrap();
            assert_eq!(date.to_string(), text);
            assert_eq!(BirthDate::from_bits(date.to_bits()).unwrap(), date);
        }
        assert_eq!(
            BirthDate::parse("1984-07").unwrap().earliest(),
            Date::constant(1984, 7, 1)
        );
        assert!(matches!(
            BirthDate::parse("1899"),
            Err(DateError::OutOfRange { .. })
        ));
        assert!(matches!(
            BirthDate::parse("2156-01"),
            Err(DateError::OutOfRange { .. })
        ));
        assert!(matches!(
            BirthDate::parse("1984-02-30"),
            Err(DateError::Impossible { .. })
        ));
        assert!(matches!(
            BirthDate::parse("1984-13"),
            Err(DateError::Impossible { .. })
        ));
        assert!(matches!(
            BirthDate::parse("1984-7"),
            Err(DateError::BadFormat { .. })
        ));
        assert!(matches!(
            BirthDate::parse("1984--15"),
            Err(DateError::BadFormat { .. })
        ));
    }

    #[test]
    fn birth_date_bits_reject_non_canonical_forms() {
        // Day without month.
        assert!(matches!(
            BirthDate::from_bits(84 << 9 | 15),
            Err(DateError::Impossible { .. })
        ));
        // Month 13, day 31 in a 30-day month, February 29 in 1983.
        assert!(BirthDate::from_bits(84 << 9 | 13 << 5).is_err());
        assert!(BirthDate::from_bits(84 << 9 | 4 << 5 | 31).is_err());
        assert!(BirthDate::from_bits(83 << 9 | 2 << 5 | 29).is_err());
        assert!(BirthDate::from_bits(84 << 9 | 2 << 5 | 29).is_ok());
    }
}
