//! The payloads a holder queues (addresses, check-ins, changes of address
//! and their deadline), through the public API only: each bad input kind
//! must be refused with its own stable code, and JSON must not be a way
//! around the rules.

use docket_core::outbox::{
    AddressChange, AddressError, AddressField, ChangeError, CheckIn, CheckInError, DeadlineState,
    DeadlineStatus, RawCheckIn, RawUsAddress, UsAddress, UsState, Zip, deadline_status,
};
use jiff::civil::{Date, date};
use proptest::prelude::*;

const STREET: &str = "1200 Congress Ave";
const CITY: &str = "Austin";

fn address_error(
    street1: &str,
    street2: Option<&str>,
    city: &str,
    state: &str,
    zip: &str,
) -> AddressError {
    match UsAddress::new(street1, street2, city, state, zip) {
        Ok(address) => panic!("accepted {address:?}"),
        Err(error) => error,
    }
}

/// The code and field of the error for a bad first street line.
fn street1(raw: &str) -> (&'static str, AddressField) {
    let e = address_error(raw, None, CITY, "TX", "78701");
    (e.code(), e.field())
}

fn texas() -> UsAddress {
    UsAddress::new(STREET, Some("Apt 4"), CITY, "TX", "78701-1234").unwrap()
}

// ---- Street and city -------------------------------------------------

#[test]
fn spanish_addresses_with_accents_are_accepted_as_typed() {
    let a = UsAddress::new(
        "Calle Peñasco 14",
        Some("Apt. 2-B"),
        "San Germán",
        "PR",
        "00683",
    )
    .unwrap();
    assert_eq!(a.street(), ["Calle Peñasco 14", "Apt. 2-B"]);
    assert_eq!(a.city(), "San Germán");
    assert_eq!(a.state(), UsState::PuertoRico);
}

#[test]
fn decomposed_accents_are_stored_composed() {
    let a = UsAddress::new(
        "Calle Pen\u{0303}asco",
        None,
        "San Germa\u{0301}n",
        "PR",
        "00683",
    )
    .unwrap();
    assert_eq!(a.street1(), "Calle Peñasco");
    assert_eq!(a.city(), "San Germán");
}

#[test]
fn spaces_are_trimmed_and_collapsed_and_an_empty_second_line_is_dropped() {
    let a = UsAddress::new(
        "  1200\u{00A0}\u{00A0}Congress   Ave ",
        Some("  \u{3000} "),
        " Austin ",
        " tx ",
        " 78701 ",
    )
    .unwrap();
    assert_eq!(a.street(), ["1200 Congress Ave"]);
    assert_eq!(a.street2(), None);
    assert_eq!(a.city(), "Austin");
}

#[test]
fn phone_keyboard_apostrophes_become_ascii() {
    let a = UsAddress::new("12 O’Brien St", None, "Coeur d‘Alene", "ID", "83814").unwrap();
    assert_eq!((a.street1(), a.city()), ("12 O'Brien St", "Coeur d'Alene"));
}

#[test]
fn all_allowed_punctuation_is_accepted() {
    let a = UsAddress::new(
        "123 1/2 Main St., #4 & 5 - O'Hara",
        None,
        CITY,
        "TX",
        "78701",
    );
    assert!(a.is_ok(), "{a:?}");
}

#[test]
fn empty_street_is_required() {
    assert_eq!(street1(""), ("required", AddressField::Street1));
    assert_eq!(street1("   \t  "), ("required", AddressField::Street1));
}

#[test]
fn empty_city_is_required() {
    let e = address_error(STREET, None, " ", "TX", "78701");
    assert_eq!((e.code(), e.field()), ("required", AddressField::City));
}

#[test]
fn street_lines_over_64_characters_are_too_long() {
    let at_limit = format!("1 {}", "ñ".repeat(62));
    assert!(UsAddress::new(&at_limit, Some(&at_limit), CITY, "TX", "78701").is_ok());
    let over = format!("{at_limit}x");
    assert_eq!(street1(&over), ("too_long", AddressField::Street1));
    let e = address_error(STREET, Some(&over), CITY, "TX", "78701");
    assert_eq!(
        e,
        AddressError::TooLong {
            field: AddressField::Street2,
            len: 65,
            max: 64
        }
    );
}

#[test]
fn city_over_40_characters_is_too_long() {
    let at_limit = "a".repeat(40);
    assert!(UsAddress::new(STREET, None, &at_limit, "TX", "78701").is_ok());
    let e = address_error(STREET, None, &format!("{at_limit}a"), "TX", "78701");
    assert_eq!((e.code(), e.field()), ("too_long", AddressField::City));
}

#[test]
fn control_characters_are_refused() {
    assert_eq!(
        street1("1200\u{0}Congress"),
        ("control_character", AddressField::Street1)
    );
    assert_eq!(
        street1("1200\tCongress"),
        ("control_character", AddressField::Street1)
    );
    assert_eq!(
        street1("1200\u{1B}[31mCongress"),
        ("control_character", AddressField::Street1)
    );
    let e = address_error(STREET, None, "Aus\u{7}tin", "TX", "78701");
    assert_eq!(
        (e.code(), e.field()),
        ("control_character", AddressField::City)
    );
}

#[test]
fn line_breaks_inside_a_line_are_refused() {
    assert_eq!(
        street1("1200 Congress Ave\nApt 4"),
        ("line_break", AddressField::Street1)
    );
    assert_eq!(
        street1("1200 Congress\r\nAve"),
        ("line_break", AddressField::Street1)
    );
    assert_eq!(
        street1("1200 Congress\u{2028}Ave"),
        ("line_break", AddressField::Street1)
    );
}

#[test]
fn bidi_controls_are_refused() {
    for bidi in ['\u{202E}', '\u{202A}', '\u{2067}', '\u{200F}', '\u{061C}'] {
        let e = address_error(STREET, Some(&format!("Apt {bidi}4")), CITY, "TX", "78701");
        assert_eq!(
            e,
            AddressError::BidiControl {
                field: AddressField::Street2,
                code: u32::from(bidi),
                position: 4
            }
        );
    }
}

#[test]
fn invisible_characters_are_refused() {
    for invisible in ['\u{200B}', '\u{00AD}', '\u{FEFF}', '\u{3164}', '\u{FE0F}'] {
        let (code, _) = street1(&format!("1200 Con{invisible}gress"));
        assert_eq!(
            code,
            "invisible_character",
            "U+{:04X}",
            u32::from(invisible)
        );
    }
}

#[test]
fn emoji_and_symbols_are_refused() {
    for bad in [
        "1200 Congress 🏠",
        "1200 Congress ❤",
        "1200 Congress €",
        "1200 @ Congress",
    ] {
        assert_eq!(
            street1(bad),
            ("disallowed_character", AddressField::Street1),
            "{bad}"
        );
    }
    let e = address_error(STREET, None, "Austin 🤠", "TX", "78701");
    assert_eq!(
        e,
        AddressError::DisallowedCharacter {
            field: AddressField::City,
            character: '🤠',
            position: 7
        }
    );
}

#[test]
fn non_ascii_digits_are_refused() {
    assert_eq!(
        street1("١٢٠٠ Congress"),
        ("disallowed_character", AddressField::Street1)
    );
    assert_eq!(
        street1("１２ Congress"),
        ("disallowed_character", AddressField::Street1)
    );
}

#[test]
fn an_accent_on_nothing_is_refused() {
    assert_eq!(
        street1("1200 \u{0301}Congress"),
        ("stray_mark", AddressField::Street1)
    );
}

#[test]
fn a_second_line_of_only_punctuation_is_refused() {
    let e = address_error(STREET, Some("-"), CITY, "TX", "78701");
    assert_eq!(
        (e.code(), e.field()),
        ("no_letter_or_digit", AddressField::Street2)
    );
}

// ---- State -------------------------------------------------------------

#[test]
fn unknown_state_is_named_in_the_message() {
    let e = address_error(STREET, None, CITY, "XX", "78701");
    assert_eq!(
        (e.code(), e.field()),
        ("unknown_state", AddressField::State)
    );
    assert_eq!(
        e.to_string(),
        "the state \"XX\" is not a US state or territory; use its two-letter code, like TX or PR"
    );
}

#[test]
fn excluded_codes_are_unknown_states() {
    for code in ["UM", "FM", "MH", "PW", "ZZ", "T", "TEX"] {
        assert_eq!(
            UsState::parse(code).unwrap_err().code(),
            "unknown_state",
            "{code}"
        );
    }
}

#[test]
fn a_full_state_name_gets_its_code_suggested() {
    let e = address_error(STREET, None, CITY, "Texas", "78701");
    assert_eq!(
        e,
        AddressError::UnknownState {
            value: "Texas".into(),
            suggestion: Some(UsState::Texas)
        }
    );
    assert!(e.to_string().contains("TX"));
}

#[test]
fn lower_case_state_is_accepted() {
    let a = UsAddress::new(STREET, None, CITY, "tx", "78701").unwrap();
    assert_eq!(a.state(), UsState::Texas);
    assert_eq!(UsState::parse(" pR ").unwrap(), UsState::PuertoRico);
}

#[test]
fn territories_dc_and_military_codes_are_accepted() {
    for code in ["DC", "AS", "GU", "MP", "PR", "VI", "AA", "AE", "AP"] {
        assert_eq!(UsState::parse(code).unwrap().code(), code);
    }
    assert_eq!(UsState::ALL.len(), 50 + 1 + 5 + 3);
}

#[test]
fn empty_state_is_required() {
    let e = address_error(STREET, None, CITY, "", "78701");
    assert_eq!((e.code(), e.field()), ("required", AddressField::State));
}

// ---- ZIP ---------------------------------------------------------------

#[test]
fn zip_plus_four_forms_are_accepted_and_hyphenated() {
    assert_eq!(Zip::parse("78701").unwrap().as_str(), "78701");
    assert_eq!(Zip::parse("78701-1234").unwrap().as_str(), "78701-1234");
    let bare = Zip::parse("787011234").unwrap();
    assert_eq!(bare.as_str(), "78701-1234");
    assert_eq!((bare.five(), bare.plus_four()), ("78701", Some("1234")));
    let a = UsAddress::new(STREET, None, CITY, "TX", "787011234").unwrap();
    assert_eq!(a.zip().as_str(), "78701-1234");
}

#[test]
fn bad_zip_forms_are_refused() {
    for bad in [
        "7870",
        "787010",
        "78701-",
        "78701-123",
        "78701-12345",
        "7870-11234",
        "78701 1234",
        "78701_1234",
        "7870l",
        "ABCDE",
        "78701-12a4",
        "12345678",
        "1234567890",
        "７８７０１",
        "+78701",
    ] {
        let e = address_error(STREET, None, CITY, "TX", bad);
        assert_eq!(
            (e.code(), e.field()),
            ("invalid_zip", AddressField::Zip),
            "{bad}"
        );
    }
}

#[test]
fn zip_00000_is_refused() {
    for zeros in ["00000", "00000-1234", "000001234"] {
        let e = address_error(STREET, None, CITY, "TX", zeros);
        assert_eq!(
            (e.code(), e.field()),
            ("placeholder_zip", AddressField::Zip)
        );
    }
    // Real ZIP codes may start with zeros (Puerto Rico, New England).
    assert!(Zip::parse("00601").is_ok());
}

#[test]
fn empty_zip_is_required() {
    let e = address_error(STREET, None, CITY, "TX", " ");
    assert_eq!((e.code(), e.field()), ("required", AddressField::Zip));
}

// ---- Display and JSON ----------------------------------------------------

#[test]
fn display_is_the_postal_form() {
    assert_eq!(
        texas().to_string(),
        "1200 Congress Ave\nApt 4\nAustin TX 78701-1234"
    );
}

#[test]
fn json_is_stable_snake_case() {
    let json = serde_json::to_string(&texas()).unwrap();
    assert_eq!(
        json,
        r#"{"street":["1200 Congress Ave","Apt 4"],"city":"Austin","state":"TX","zip":"78701-1234"}"#
    );
    assert_eq!(serde_json::from_str::<UsAddress>(&json).unwrap(), texas());
}

#[test]
fn json_is_cleaned_like_typed_input() {
    let json =
        r#"{"street":["  1200  Congress Ave",""],"city":"Austin","state":"tx","zip":"787011234"}"#;
    let a: UsAddress = serde_json::from_str(json).unwrap();
    assert_eq!(
        a,
        UsAddress::new(STREET, None, CITY, "TX", "78701-1234").unwrap()
    );
}

/// The code a tampered address JSON is refused with.
fn tampered(json: &str) -> &'static str {
    // Through serde, the only thing to check is that it is refused and says
    // why in words; the raw record gives the code.
    let serde_error = serde_json::from_str::<UsAddress>(json).unwrap_err();
    let raw: RawUsAddress = serde_json::from_str(json).unwrap();
    let error = UsAddress::try_from(raw).unwrap_err();
    assert!(
        serde_error.to_string().contains(&error.to_string()),
        "{serde_error}"
    );
    error.code()
}

#[test]
fn tampered_json_cannot_hold_an_invalid_address() {
    let cases = [
        (
            r#"{"street":[],"city":"Austin","state":"TX","zip":"78701"}"#,
            "required",
        ),
        (
            r#"{"street":["1 A","2 B","3 C"],"city":"Austin","state":"TX","zip":"78701"}"#,
            "too_many_street_lines",
        ),
        (
            r#"{"street":["1 Main"],"city":"Austin","state":"XX","zip":"78701"}"#,
            "unknown_state",
        ),
        (
            r#"{"street":["1 Main"],"city":"Austin","state":"TX","zip":"00000"}"#,
            "placeholder_zip",
        ),
        (
            r#"{"street":["1 Main"],"city":"Austin","state":"TX","zip":"7870"}"#,
            "invalid_zip",
        ),
        (
            r#"{"street":["1 Main\u202e"],"city":"Austin","state":"TX","zip":"78701"}"#,
            "bidi_control",
        ),
        (
            r#"{"street":["1 Main\u0000"],"city":"Austin","state":"TX","zip":"78701"}"#,
            "control_character",
        ),
        (
            r#"{"street":["1 Main"],"city":"","state":"TX","zip":"78701"}"#,
            "required",
        ),
    ];
    for (json, code) in cases {
        assert_eq!(tampered(json), code, "{json}");
    }
    let long = format!(
        r#"{{"street":["{}"],"city":"Austin","state":"TX","zip":"78701"}}"#,
        "a".repeat(65)
    );
    assert_eq!(tampered(&long), "too_long");
}

#[test]
fn json_with_unknown_or_missing_fields_or_wrong_types_is_refused() {
    for json in [
        r#"{"street":["1 Main"],"city":"Austin","state":"TX","zip":"78701","country":"MX"}"#,
        r#"{"street":["1 Main"],"city":"Austin","state":"TX"}"#,
        r#"{"street":"1 Main","city":"Austin","state":"TX","zip":"78701"}"#,
        r#"{"street":["1 Main"],"city":"Austin","state":"TX","zip":78701}"#,
    ] {
        assert!(serde_json::from_str::<UsAddress>(json).is_err(), "{json}");
    }
}

#[test]
fn state_and_zip_alone_also_revalidate() {
    assert_eq!(serde_json::to_string(&UsState::Guam).unwrap(), r#""GU""#);
    assert!(serde_json::from_str::<UsState>(r#""XX""#).is_err());
    assert_eq!(
        serde_json::from_str::<UsState>(r#""gu""#).unwrap(),
        UsState::Guam
    );
    assert!(serde_json::from_str::<Zip>(r#""00000""#).is_err());
    assert_eq!(
        serde_json::from_str::<Zip>(r#""787011234""#)
            .unwrap()
            .as_str(),
        "78701-1234"
    );
}

// ---- Check-in ----------------------------------------------------------

#[test]
fn check_in_note_is_trimmed_and_empty_means_none() {
    assert_eq!(CheckIn::new(None).unwrap().note(), None);
    assert_eq!(CheckIn::new(Some("  \n ")).unwrap().note(), None);
    let c = CheckIn::new(Some("  Estoy en Houston.\nTodo bien 👍 ")).unwrap();
    assert_eq!(c.note(), Some("Estoy en Houston.\nTodo bien 👍"));
}

#[test]
fn check_in_note_over_500_characters_is_too_long() {
    assert!(CheckIn::new(Some(&"é".repeat(500))).is_ok());
    let e = CheckIn::new(Some(&"é".repeat(501))).unwrap_err();
    assert_eq!(e, CheckInError::TooLong { len: 501, max: 500 });
    assert_eq!(e.code(), "too_long");
}

#[test]
fn check_in_note_refuses_controls_but_keeps_line_breaks() {
    assert_eq!(
        CheckIn::new(Some("a\u{0}b")).unwrap_err().code(),
        "control_character"
    );
    assert_eq!(
        CheckIn::new(Some("a\tb")).unwrap_err().code(),
        "control_character"
    );
    assert_eq!(CheckIn::new(Some("a\r\nb")).unwrap().note(), Some("a\nb"));
}

#[test]
fn check_in_note_refuses_bidi_controls() {
    let e = CheckIn::new(Some("hola \u{202E}olleh")).unwrap_err();
    assert_eq!(
        e,
        CheckInError::BidiControl {
            code: 0x202E,
            position: 5
        }
    );
    assert_eq!(e.code(), "bidi_control");
}

#[test]
fn check_in_json_round_trips_and_revalidates() {
    let c = CheckIn::new(Some("ok")).unwrap();
    assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"note":"ok"}"#);
    assert_eq!(
        serde_json::to_string(&CheckIn::new(None).unwrap()).unwrap(),
        r#"{"note":null}"#
    );
    assert_eq!(serde_json::from_str::<CheckIn>("{}").unwrap().note(), None);
    let tampered = format!(r#"{{"note":"{}"}}"#, "x".repeat(501));
    assert!(serde_json::from_str::<CheckIn>(&tampered).is_err());
    let raw: RawCheckIn = serde_json::from_str(&tampered).unwrap();
    assert_eq!(CheckIn::try_from(raw).unwrap_err().code(), "too_long");
    let raw: RawCheckIn = serde_json::from_str(r#"{"note":"a\u0007"}"#).unwrap();
    assert_eq!(
        CheckIn::try_from(raw).unwrap_err().code(),
        "control_character"
    );
    assert!(serde_json::from_str::<CheckIn>(r#"{"note":"a","extra":1}"#).is_err());
}

// ---- Change of address and its deadline ----------------------------------

fn state_on(moved: Date, today: Date) -> (Date, i32, DeadlineState) {
    let s = deadline_status(moved, today, None);
    (s.due_on, s.days_left, s.state)
}

#[test]
fn due_five_days_after_the_move() {
    let change = AddressChange::new(texas(), date(2025, 6, 10), date(2025, 6, 10)).unwrap();
    assert_eq!(change.due_on(), date(2025, 6, 15));
    assert_eq!(change.moved_on(), date(2025, 6, 10));
    assert_eq!(change.address(), &texas());
}

#[test]
fn deadline_states_day_by_day() {
    let moved = date(2025, 6, 10);
    let due = date(2025, 6, 15);
    let expect = [
        (date(2025, 6, 10), 5, DeadlineState::OnTime),
        (date(2025, 6, 13), 2, DeadlineState::OnTime),
        (date(2025, 6, 14), 1, DeadlineState::DueSoon),
        (date(2025, 6, 15), 0, DeadlineState::DueSoon),
        (date(2025, 6, 16), -1, DeadlineState::Overdue),
        (date(2025, 7, 15), -30, DeadlineState::Overdue),
    ];
    for (today, days_left, state) in expect {
        assert_eq!(state_on(moved, today), (due, days_left, state), "{today}");
    }
}

#[test]
fn deadline_crosses_a_month_boundary() {
    let moved = date(2025, 4, 28);
    assert_eq!(state_on(moved, moved).0, date(2025, 5, 3));
    assert_eq!(
        state_on(moved, date(2025, 4, 30)),
        (date(2025, 5, 3), 3, DeadlineState::OnTime)
    );
    assert_eq!(
        state_on(moved, date(2025, 5, 2)),
        (date(2025, 5, 3), 1, DeadlineState::DueSoon)
    );
    assert_eq!(
        state_on(moved, date(2025, 5, 4)),
        (date(2025, 5, 3), -1, DeadlineState::Overdue)
    );
}

#[test]
fn deadline_crosses_a_year_boundary() {
    let moved = date(2025, 12, 29);
    assert_eq!(
        state_on(moved, date(2025, 12, 31)),
        (date(2026, 1, 3), 3, DeadlineState::OnTime)
    );
    assert_eq!(
        state_on(moved, date(2026, 1, 3)),
        (date(2026, 1, 3), 0, DeadlineState::DueSoon)
    );
    assert_eq!(
        state_on(moved, date(2026, 1, 4)),
        (date(2026, 1, 3), -1, DeadlineState::Overdue)
    );
}

#[test]
fn deadline_counts_the_leap_day() {
    // 2024 is a leap year: Feb 24 + 5 = Feb 29, and Feb 26 + 5 = Mar 2.
    assert_eq!(
        state_on(date(2024, 2, 24), date(2024, 2, 24)).0,
        date(2024, 2, 29)
    );
    assert_eq!(
        state_on(date(2024, 2, 26), date(2024, 2, 28)),
        (date(2024, 3, 2), 3, DeadlineState::OnTime)
    );
    assert_eq!(
        state_on(date(2024, 2, 29), date(2024, 3, 4)),
        (date(2024, 3, 5), 1, DeadlineState::DueSoon)
    );
    // 2025 is not: Feb 26 + 5 = Mar 3.
    assert_eq!(
        state_on(date(2025, 2, 26), date(2025, 2, 28)),
        (date(2025, 3, 3), 3, DeadlineState::OnTime)
    );
}

#[test]
fn sent_changes_are_met_or_met_late() {
    let moved = date(2025, 12, 29);
    let met = deadline_status(moved, date(2026, 2, 1), Some(date(2026, 1, 3)));
    assert_eq!(
        met,
        DeadlineStatus {
            due_on: date(2026, 1, 3),
            days_left: 0,
            state: DeadlineState::Met
        }
    );
    let late = deadline_status(moved, date(2026, 2, 1), Some(date(2026, 1, 5)));
    assert_eq!((late.days_left, late.state), (-2, DeadlineState::MetLate));
    // Sent before the move (a planned move reported early).
    let early = deadline_status(moved, date(2026, 2, 1), Some(date(2025, 12, 20)));
    assert_eq!((early.days_left, early.state), (14, DeadlineState::Met));
    let change = AddressChange::new(texas(), moved, date(2025, 12, 29)).unwrap();
    assert_eq!(
        change.status(date(2026, 2, 1), Some(date(2026, 1, 5))),
        late
    );
}

#[test]
fn deadline_status_json_is_snake_case() {
    let s = deadline_status(date(2025, 6, 10), date(2025, 6, 14), None);
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"{"due_on":"2025-06-15","days_left":1,"state":"due_soon"}"#
    );
    let s = deadline_status(
        date(2025, 6, 10),
        date(2025, 6, 20),
        Some(date(2025, 6, 16)),
    );
    assert_eq!(
        serde_json::to_value(s).unwrap()["state"],
        serde_json::json!("met_late")
    );
}

#[test]
fn a_move_dated_decades_ahead_is_refused() {
    let today = date(2026, 3, 1);
    let e = AddressChange::new(texas(), date(2062, 3, 1), today).unwrap_err();
    assert_eq!(e.code(), "move_too_far_ahead");
    assert!(e.to_string().contains("2062-03-01"));
}

#[test]
fn a_move_up_to_30_days_ahead_is_accepted() {
    let today = date(2025, 12, 15);
    assert!(AddressChange::new(texas(), date(2026, 1, 14), today).is_ok());
    assert_eq!(
        AddressChange::new(texas(), date(2026, 1, 15), today).unwrap_err(),
        ChangeError::MoveTooFarAhead {
            moved_on: date(2026, 1, 15),
            today
        }
    );
}

#[test]
fn a_move_up_to_a_year_ago_is_accepted() {
    let today = date(2026, 1, 5);
    assert!(AddressChange::new(texas(), date(2025, 1, 5), today).is_ok());
    let e = AddressChange::new(texas(), date(2025, 1, 4), today).unwrap_err();
    assert_eq!(e.code(), "move_too_long_ago");
}

#[test]
fn a_year_before_a_leap_day_is_the_28th() {
    let today = date(2024, 2, 29);
    assert!(AddressChange::new(texas(), date(2023, 2, 28), today).is_ok());
    assert_eq!(
        AddressChange::new(texas(), date(2023, 2, 27), today)
            .unwrap_err()
            .code(),
        "move_too_long_ago"
    );
}

#[test]
fn address_change_json_round_trips_and_revalidates_the_address() {
    let change = AddressChange::new(texas(), date(2024, 2, 29), date(2024, 3, 1)).unwrap();
    let json = serde_json::to_string(&change).unwrap();
    assert_eq!(
        json,
        r#"{"address":{"street":["1200 Congress Ave","Apt 4"],"city":"Austin","state":"TX","zip":"78701-1234"},"moved_on":"2024-02-29"}"#
    );
    assert_eq!(
        serde_json::from_str::<AddressChange>(&json).unwrap(),
        change
    );
    let tampered = json.replace(r#""TX""#, r#""XX""#);
    assert!(serde_json::from_str::<AddressChange>(&tampered).is_err());
    let bad_date = json.replace("2024-02-29", "2023-02-29");
    assert!(serde_json::from_str::<AddressChange>(&bad_date).is_err());
}

// ---- Properties ----------------------------------------------------------

proptest! {
    /// Whatever is typed, the constructor answers (no panic), and what it
    /// accepts is a fixed point: typing it again gives the same address,
    /// and its JSON reads back to it.
    #[test]
    fn accepted_addresses_are_stable(
        street1 in "\\PC{0,70}",
        street2 in proptest::option::of("\\PC{0,70}"),
        city in "[ a-zA-Zñé'.-]{0,45}",
        state in "[a-zA-Z ]{0,3}",
        zip in "[0-9-]{4,11}",
    ) {
        if let Ok(a) = UsAddress::new(&street1, street2.as_deref(), &city, &state, &zip) {
            let again = UsAddress::new(a.street1(), a.street2(), a.city(), a.state().code(), a.zip().as_str());
            prop_assert_eq!(again.as_ref(), Ok(&a));
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<UsAddress>(&json).unwrap(), a);
        }
    }

    /// The due day is always five days after the move, and the state
    /// agrees with the sign of the days left.
    #[test]
    fn deadline_state_agrees_with_days_left(
        moved_offset in -400i64..400,
        sent_offset in proptest::option::of(-400i64..400),
    ) {
        let today = date(2025, 2, 27);
        let moved = today.checked_add(jiff::Span::new().days(moved_offset)).unwrap();
        let sent = sent_offset.map(|d| today.checked_add(jiff::Span::new().days(d)).unwrap());
        let s = deadline_status(moved, today, sent);
        prop_assert_eq!(moved.until(s.due_on).unwrap().get_days(), 5);
        let expected = match (sent, s.days_left) {
            (Some(_), d) if d >= 0 => DeadlineState::Met,
            (Some(_), _) => DeadlineState::MetLate,
            (None, d) if d < 0 => DeadlineState::Overdue,
            (None, d) if d <= 1 => DeadlineState::DueSoon,
            (None, _) => DeadlineState::OnTime,
        };
        prop_assert_eq!(s.state, expected);
    }
}
