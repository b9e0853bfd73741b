//! The hearing cache's public behaviour: the JSON the portal sends and the
//! wallet stores, every way that JSON is refused, the diff a refresh
//! reports, DST-correct reminders, upcoming order and staleness.

use docket_core::hearings::{
    Court, CourtTime, FIRST_YEAR, FRESH_FOR, Hearing, HearingChanges, HearingId, HearingKind,
    HearingStatus, Judge, LAST_YEAR, MAX_COURT_ADDRESS_BYTES, MAX_COURT_NAME_BYTES, MAX_HEARINGS,
    MAX_HEARINGS_JSON_BYTES, MAX_ID_LEN, MAX_JUDGE_BYTES, ReminderKind, STALE_AFTER,
    StalenessLevel, all_reminders, diff, parse_hearings_json, reminders, staleness, upcoming,
};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use serde_json::{Value, json};

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn hearing(id: &str, local: &str, time_zone: &str) -> Hearing {
    Hearing {
        id: HearingId::new(id).unwrap(),
        starts: CourtTime::parse(local, time_zone).unwrap(),
        court: Court::new(
            "Atlanta Immigration Court",
            "180 Ted Turner Dr SW, Suite 241\nAtlanta, GA 30303",
        )
        .unwrap(),
        judge: Some(Judge::new("R. Alvarez").unwrap()),
        kind: HearingKind::MasterCalendar,
        status: HearingStatus::Scheduled,
    }
}

/// A valid hearing as the portal sends it; tests break one field at a time.
fn wire() -> Value {
    json!({
        "id": "H-2027-0042",
        "starts": { "local": "2027-03-15T09:00:00", "time_zone": "America/New_York" },
        "court": {
            "name": "New York Broadway Immigration Court",
            "address": "290 Broadway, 3rd Floor\nNew York, NY 10007"
        },
        "judge": "A. Judge",
        "kind": "master_calendar",
        "status": "scheduled"
    })
}

/// The error code for a one-hearing list, checked on both parsing paths
/// (the list parser, and serde straight into `Hearing`).
fn refusal(hearing: Value) -> &'static str {
    let text = serde_json::to_vec(&json!([hearing.clone()])).unwrap();
    let code = parse_hearings_json(&text).unwrap_err().code();
    assert!(
        serde_json::from_value::<Hearing>(hearing).is_err(),
        "serde accepted what the list parser refused ({code})"
    );
    code
}

fn with(path: &[&str], value: Value) -> Value {
    let mut hearing = wire();
    let mut target = &mut hearing;
    for key in &path[..path.len() - 1] {
        target = &mut target[*key];
    }
    target[path[path.len() - 1]] = value;
    hearing
}

// --- JSON -----------------------------------------------------------------

#[test]
fn json_is_stable_snake_case() {
    let hearing = serde_json::from_value::<Hearing>(wire()).unwrap();
    assert_eq!(serde_json::to_value(&hearing).unwrap(), wire());
}

#[test]
fn json_round_trips_through_the_list_parser() {
    let list = vec![
        hearing("a", "2027-03-15T09:00", "America/New_York"),
        Hearing {
            judge: None,
            kind: HearingKind::Bond,
            status: HearingStatus::Cancelled,
            ..hearing("b", "2027-04-01T13:30", "Pacific/Guam")
        },
    ];
    let bytes = serde_json::to_vec(&list).unwrap();
    assert_eq!(parse_hearings_json(&bytes).unwrap(), list);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(r#""local":"2027-04-01T13:30:00""#), "{text}");
    assert!(text.contains(r#""judge":null"#), "{text}");
    assert!(text.contains(r#""status":"cancelled""#), "{text}");
}

#[test]
fn wire_form_is_normalised() {
    let mut value = wire();
    value["starts"] = json!({ "local": "2027-03-15T09:00", "time_zone": "america/new_york" });
    value["court"]["name"] = json!("  New York Broadway Immigration Court  ");
    value["judge"] = json!(" A. Judge\n");
    let hearing = serde_json::from_value::<Hearing>(value).unwrap();
    assert_eq!(serde_json::to_value(&hearing).unwrap(), wire());
}

#[test]
fn missing_judge_is_none_and_unknown_fields_are_ignored() {
    let mut value = wire();
    value.as_object_mut().unwrap().remove("judge");
    value["video_link"] = json!("https://example.org/room");
    let hearing = serde_json::from_value::<Hearing>(value).unwrap();
    assert_eq!(hearing.judge, None);
}

#[test]
fn unknown_kind_is_other_not_an_error() {
    let hearing = serde_json::from_value::<Hearing>(with(&["kind"], json!("credible_fear")));
    assert_eq!(hearing.unwrap().kind, HearingKind::Other);
    for (code, kind) in [
        ("master_calendar", HearingKind::MasterCalendar),
        ("individual", HearingKind::Individual),
        ("bond", HearingKind::Bond),
        ("other", HearingKind::Other),
    ] {
        let hearing = serde_json::from_value::<Hearing>(with(&["kind"], json!(code))).unwrap();
        assert_eq!(hearing.kind, kind);
    }
}

// --- Every refusal, by code ----------------------------------------------

#[test]
fn refuses_oversized_input_before_parsing() {
    let big = vec![b' '; MAX_HEARINGS_JSON_BYTES + 1];
    assert_eq!(
        parse_hearings_json(&big).unwrap_err().code(),
        "hearings_too_large"
    );
}

#[test]
fn refuses_too_many_hearings() {
    let list: Vec<Value> = (0..=MAX_HEARINGS)
        .map(|i| {
            let mut h = wire();
            h["id"] = json!(format!("h{i}"));
            h
        })
        .collect();
    let bytes = serde_json::to_vec(&list).unwrap();
    assert!(bytes.len() <= MAX_HEARINGS_JSON_BYTES);
    assert_eq!(
        parse_hearings_json(&bytes).unwrap_err().code(),
        "too_many_hearings"
    );
}

#[test]
fn refuses_malformed_json() {
    for bad in [
        &b""[..],
        b"not json",
        b"{}",
        b"[1]",
        b"[{\"id\":\"a\"}]",
        b"[]trailing",
        b"\xff\xfe",
    ] {
        assert_eq!(
            parse_hearings_json(bad).unwrap_err().code(),
            "hearings_malformed",
            "{bad:?}"
        );
    }
    let mut missing_status = wire();
    missing_status.as_object_mut().unwrap().remove("status");
    assert_eq!(refusal(missing_status), "hearings_malformed");
    assert_eq!(
        refusal(with(&["starts", "local"], json!(20270315))),
        "hearings_malformed"
    );
}

#[test]
fn refuses_bad_ids() {
    assert_eq!(refusal(with(&["id"], json!(""))), "invalid_id_length");
    assert_eq!(
        refusal(with(&["id"], json!("a".repeat(MAX_ID_LEN + 1)))),
        "invalid_id_length"
    );
    assert_eq!(refusal(with(&["id"], json!("H 1"))), "invalid_id_character");
    assert_eq!(refusal(with(&["id"], json!("H/1"))), "invalid_id_character");
}

#[test]
fn refuses_duplicate_ids() {
    let bytes = serde_json::to_vec(&json!([wire(), wire()])).unwrap();
    assert_eq!(
        parse_hearings_json(&bytes).unwrap_err().code(),
        "duplicate_id"
    );
}

#[test]
fn refuses_unknown_time_zones() {
    let error = parse_hearings_json(
        &serde_json::to_vec(&json!([with(&["starts", "time_zone"], json!("Mars/Base"))])).unwrap(),
    )
    .unwrap_err();
    assert_eq!(error.code(), "unknown_time_zone");
    assert_eq!(
        error.to_string(),
        "the court sent a hearing with an unknown time zone \"Mars/Base\"; the app cannot compute its time"
    );
    for name in ["localtime", "", "America/Nowhere", "+05:00"] {
        assert_eq!(
            refusal(with(&["starts", "time_zone"], json!(name))),
            "unknown_time_zone",
            "{name:?}"
        );
    }
}

#[test]
fn refuses_local_times_with_offsets_or_bad_shape() {
    for bad in [
        "2027-03-15T09:00:00Z",
        "2027-03-15T09:00:00-04:00",
        "2027-03-15T09:00:00[America/New_York]",
        "2027-03-15",
        "15/03/2027 09:00",
        "2027-02-29T09:00:00",
    ] {
        assert_eq!(
            refusal(with(&["starts", "local"], json!(bad))),
            "invalid_local_time",
            "{bad:?}"
        );
    }
}

#[test]
fn refuses_years_out_of_range() {
    let before = format!("{}-12-31T09:00:00", FIRST_YEAR - 1);
    let after = format!("{}-01-01T09:00:00", LAST_YEAR + 1);
    assert_eq!(
        refusal(with(&["starts", "local"], json!(before))),
        "year_out_of_range"
    );
    assert_eq!(
        refusal(with(&["starts", "local"], json!(after))),
        "year_out_of_range"
    );
}

#[test]
fn refuses_unknown_statuses() {
    assert_eq!(
        refusal(with(&["status"], json!("postponed"))),
        "unknown_status"
    );
    assert_eq!(
        refusal(with(&["status"], json!("CANCELLED"))),
        "unknown_status"
    );
}

#[test]
fn refuses_empty_texts() {
    assert_eq!(
        refusal(with(&["court", "name"], json!("   "))),
        "empty_field"
    );
    assert_eq!(
        refusal(with(&["court", "address"], json!(""))),
        "empty_field"
    );
    assert_eq!(refusal(with(&["judge"], json!(" "))), "empty_field");
}

#[test]
fn refuses_over_long_texts() {
    let cases = [
        (&["court", "name"][..], MAX_COURT_NAME_BYTES),
        (&["court", "address"][..], MAX_COURT_ADDRESS_BYTES),
        (&["judge"][..], MAX_JUDGE_BYTES),
    ];
    for (path, max) in cases {
        // Multi-byte characters: the limit is in bytes, not characters.
        let fits = "é".repeat(max / 2);
        assert!(serde_json::from_value::<Hearing>(with(path, json!(fits))).is_ok());
        let over = format!("{fits}é");
        assert_eq!(
            refusal(with(path, json!(over))),
            "field_too_long",
            "{path:?}"
        );
    }
}

#[test]
fn refuses_control_characters() {
    assert_eq!(
        refusal(with(&["court", "name"], json!("A\nB"))),
        "control_character"
    );
    assert_eq!(
        refusal(with(&["court", "address"], json!("A\r\nB"))),
        "control_character"
    );
    assert_eq!(
        refusal(with(&["court", "address"], json!("A\tB"))),
        "control_character"
    );
    assert_eq!(
        refusal(with(&["judge"], json!("A\u{0}B"))),
        "control_character"
    );
}

#[test]
fn refuses_bidi_controls() {
    assert_eq!(
        refusal(with(&["court", "name"], json!("A\u{202E}B"))),
        "bidi_control"
    );
    assert_eq!(
        refusal(with(&["court", "address"], json!("A\u{2066}B"))),
        "bidi_control"
    );
    assert_eq!(
        refusal(with(&["judge"], json!("\u{202A}A"))),
        "bidi_control"
    );
}

#[test]
fn one_bad_hearing_refuses_the_whole_list() {
    let bytes = serde_json::to_vec(&json!([wire(), with(&["id"], json!(""))])).unwrap();
    assert!(parse_hearings_json(&bytes).is_err());
}

// --- Upcoming -------------------------------------------------------------

#[test]
fn upcoming_is_ordered_by_instant_then_id_and_skips_past_and_cancelled() {
    let list = vec![
        hearing("late", "2027-06-02T09:00", "America/Los_Angeles"),
        hearing("past", "2027-05-01T09:00", "America/New_York"),
        Hearing {
            status: HearingStatus::Cancelled,
            ..hearing("cancelled", "2027-06-01T08:00", "America/New_York")
        },
        // 09:00 Chicago and 10:00 New York are both 14:00Z: id decides.
        hearing("tie-b", "2027-06-01T10:00", "America/New_York"),
        hearing("tie-a", "2027-06-01T09:00", "America/Chicago"),
        // 07:00 in Phoenix (no DST) is 14:00Z too.
        hearing("phoenix", "2027-06-01T07:00", "America/Phoenix"),
        hearing("in-progress", "2027-05-20T09:00", "UTC"),
    ];
    let now = ts("2027-05-20T12:00:00Z");
    let order: Vec<&str> = upcoming(&list, now).iter().map(|h| h.id.as_str()).collect();
    assert_eq!(order, ["in-progress", "phoenix", "tie-a", "tie-b", "late"]);
}

// --- Diff -----------------------------------------------------------------

#[test]
fn diff_reports_each_kind_of_change() {
    let before = vec![
        hearing("same", "2027-05-01T09:00", "America/New_York"),
        hearing("moves", "2027-05-02T09:00", "America/New_York"),
        hearing("cancels", "2027-05-03T09:00", "America/New_York"),
        hearing("vanishes", "2027-05-04T09:00", "America/New_York"),
        hearing("new-judge", "2027-05-05T09:00", "America/New_York"),
    ];
    let after = vec![
        hearing("same", "2027-05-01T09:00", "America/New_York"),
        Hearing {
            status: HearingStatus::Rescheduled,
            ..hearing("moves", "2027-05-09T13:00", "America/New_York")
        },
        Hearing {
            status: HearingStatus::Cancelled,
            ..hearing("cancels", "2027-05-03T09:00", "America/New_York")
        },
        Hearing {
            judge: Some(Judge::new("M. Chen").unwrap()),
            ..hearing("new-judge", "2027-05-05T09:00", "America/New_York")
        },
        hearing("appears", "2027-05-06T09:00", "America/New_York"),
    ];
    let changes = diff(&before, &after);
    let ids = |hearings: Vec<&Hearing>| -> Vec<String> {
        hearings.iter().map(|h| h.id.to_string()).collect()
    };
    assert_eq!(ids(changes.added.iter().collect()), ["appears"]);
    assert_eq!(
        ids(changes.moved.iter().map(|c| &c.after).collect()),
        ["moves"]
    );
    assert_eq!(changes.moved[0].before.starts.local().day(), 2);
    assert_eq!(
        ids(changes.cancelled.iter().map(|c| &c.after).collect()),
        ["cancels"]
    );
    assert_eq!(ids(changes.removed.iter().collect()), ["vanishes"]);
    assert_eq!(
        ids(changes.updated.iter().map(|c| &c.after).collect()),
        ["new-judge"]
    );
    assert!(diff(&after, &after).is_empty());
    assert_eq!(diff(&after, &after), HearingChanges::default());
}

#[test]
fn diff_court_change_alone_is_an_update_but_with_a_new_time_is_a_move() {
    let old = hearing("h", "2027-05-02T09:00", "America/New_York");
    let new_court = Court::new("Houston Immigration Court", "600 Jefferson St").unwrap();
    let court_only = Hearing {
        court: new_court.clone(),
        ..old.clone()
    };
    let changes = diff(std::slice::from_ref(&old), &[court_only]);
    assert_eq!((changes.updated.len(), changes.moved.len()), (1, 0));

    let both = Hearing {
        court: new_court,
        ..hearing("h", "2027-05-02T09:00", "America/Chicago")
    };
    let changes = diff(std::slice::from_ref(&old), &[both]);
    assert_eq!((changes.updated.len(), changes.moved.len()), (0, 1));
}

#[test]
fn diff_cancelled_then_reinstated_is_added() {
    let cancelled = Hearing {
        status: HearingStatus::Cancelled,
        ..hearing("h", "2027-05-02T09:00", "UTC")
    };
    let back = Hearing {
        status: HearingStatus::Rescheduled,
        ..hearing("h", "2027-05-20T09:00", "UTC")
    };
    let changes = diff(
        std::slice::from_ref(&cancelled),
        std::slice::from_ref(&back),
    );
    assert_eq!(changes.added, std::slice::from_ref(&back));
    assert!(changes.moved.is_empty() && changes.cancelled.is_empty());
    // And the other way: cancelling it again reports a cancellation.
    let changes = diff(&[back], &[cancelled]);
    assert_eq!(changes.cancelled.len(), 1);
}

#[test]
fn diff_new_hearing_already_cancelled_is_added() {
    let cancelled = Hearing {
        status: HearingStatus::Cancelled,
        ..hearing("h", "2027-05-02T09:00", "UTC")
    };
    let changes = diff(&[], std::slice::from_ref(&cancelled));
    assert_eq!(changes.added, [cancelled]);
    assert!(changes.cancelled.is_empty());
}

// --- Reminders ------------------------------------------------------------

const LONG_AGO: &str = "2027-01-01T00:00:00Z";

fn schedule(id: &str, local: &str, time_zone: &str) -> Vec<(ReminderKind, Timestamp)> {
    reminders(&hearing(id, local, time_zone), ts(LONG_AGO))
        .into_iter()
        .map(|r| (r.kind, r.at))
        .collect()
}

#[test]
fn reminders_the_day_after_spring_forward() {
    // New York: DST begins Sunday 2027-03-14 at 02:00.
    assert_eq!(
        schedule("h", "2027-03-15T09:00", "America/New_York"),
        [
            (ReminderKind::WeekBefore, ts("2027-03-08T14:00:00Z")), // 09:00 EST
            (ReminderKind::DayBefore, ts("2027-03-14T13:00:00Z")),  // 09:00 EDT
            (ReminderKind::MorningOf, ts("2027-03-15T11:00:00Z")),  // 07:00 EDT
        ]
    );
}

#[test]
fn reminders_on_the_day_of_spring_forward() {
    // 08:00 EDT = 12:00Z; 07:00 EDT is later than 2 h before, so 10:00Z.
    assert_eq!(
        schedule("h", "2027-03-14T08:00", "America/New_York"),
        [
            (ReminderKind::WeekBefore, ts("2027-03-07T14:00:00Z")),
            (ReminderKind::DayBefore, ts("2027-03-13T14:00:00Z")),
            (ReminderKind::MorningOf, ts("2027-03-14T10:00:00Z")),
        ]
    );
}

#[test]
fn reminders_for_a_hearing_written_in_the_gap() {
    // 02:30 does not exist on 2027-03-14; it resolves to 03:30 EDT (07:30Z),
    // and the morning reminder is 2 h before that instant.
    assert_eq!(
        schedule("h", "2027-03-14T02:30", "America/New_York"),
        [
            (ReminderKind::WeekBefore, ts("2027-03-07T14:00:00Z")),
            (ReminderKind::DayBefore, ts("2027-03-13T14:00:00Z")),
            (ReminderKind::MorningOf, ts("2027-03-14T05:30:00Z")),
        ]
    );
}

#[test]
fn reminders_on_the_day_of_fall_back() {
    // New York: DST ends Sunday 2027-11-07 at 02:00. 10:00 EST = 15:00Z;
    // the day before is still EDT, 26 hours earlier.
    assert_eq!(
        schedule("h", "2027-11-07T10:00", "America/New_York"),
        [
            (ReminderKind::WeekBefore, ts("2027-10-31T13:00:00Z")),
            (ReminderKind::DayBefore, ts("2027-11-06T13:00:00Z")),
            (ReminderKind::MorningOf, ts("2027-11-07T12:00:00Z")),
        ]
    );
}

#[test]
fn reminders_for_a_hearing_in_the_fold() {
    // 01:30 happens twice on 2027-11-07; the earlier (EDT, 05:30Z) is the
    // start, so the morning reminder is at 03:30Z (23:30 EDT the evening
    // before).
    assert_eq!(
        schedule("h", "2027-11-07T01:30", "America/New_York"),
        [
            (ReminderKind::WeekBefore, ts("2027-10-31T13:00:00Z")),
            (ReminderKind::DayBefore, ts("2027-11-06T13:00:00Z")),
            (ReminderKind::MorningOf, ts("2027-11-07T03:30:00Z")),
        ]
    );
}

#[test]
fn reminders_in_phoenix_ignore_mainland_dst() {
    // Arizona stays on MST (UTC-7) all year.
    assert_eq!(
        schedule("h", "2027-03-15T09:00", "America/Phoenix"),
        [
            (ReminderKind::WeekBefore, ts("2027-03-08T16:00:00Z")),
            (ReminderKind::DayBefore, ts("2027-03-14T16:00:00Z")),
            (ReminderKind::MorningOf, ts("2027-03-15T14:00:00Z")),
        ]
    );
}

#[test]
fn reminders_in_guam_fall_on_the_previous_utc_day() {
    // Chamorro Standard Time, UTC+10, no DST.
    assert_eq!(
        schedule("h", "2027-03-15T09:00", "Pacific/Guam"),
        [
            (ReminderKind::WeekBefore, ts("2027-03-07T23:00:00Z")),
            (ReminderKind::DayBefore, ts("2027-03-13T23:00:00Z")),
            (ReminderKind::MorningOf, ts("2027-03-14T21:00:00Z")),
        ]
    );
}

#[test]
fn reminders_in_puerto_rico_ignore_mainland_fall_back() {
    // Atlantic Standard Time, UTC-4, no DST.
    assert_eq!(
        schedule("h", "2027-11-07T09:00", "America/Puerto_Rico"),
        [
            (ReminderKind::WeekBefore, ts("2027-10-31T13:00:00Z")),
            (ReminderKind::DayBefore, ts("2027-11-06T13:00:00Z")),
            (ReminderKind::MorningOf, ts("2027-11-07T11:00:00Z")),
        ]
    );
}

#[test]
fn all_reminders_are_sorted_and_skip_cancelled_and_past() {
    let list = vec![
        hearing("guam", "2027-03-15T09:00", "Pacific/Guam"),
        hearing("ny", "2027-03-15T09:00", "America/New_York"),
        Hearing {
            status: HearingStatus::Cancelled,
            ..hearing("off", "2027-03-16T09:00", "UTC")
        },
        hearing("over", "2027-03-01T09:00", "UTC"),
    ];
    let now = ts("2027-03-08T12:00:00Z");
    let all = all_reminders(&list, now);
    let got: Vec<(&str, ReminderKind)> = all
        .iter()
        .map(|r| (r.hearing_id.as_str(), r.kind))
        .collect();
    // Guam's week-before (2027-03-07T23:00Z) is already past.
    assert_eq!(
        got,
        [
            ("ny", ReminderKind::WeekBefore),  // 03-08 14:00Z
            ("guam", ReminderKind::DayBefore), // 03-13 23:00Z
            ("ny", ReminderKind::DayBefore),   // 03-14 13:00Z
            ("guam", ReminderKind::MorningOf), // 03-14 21:00Z
            ("ny", ReminderKind::MorningOf),   // 03-15 11:00Z
        ]
    );
    assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(all.iter().all(|r| r.at > now));
}

#[test]
fn reminder_json_is_snake_case() {
    let list = reminders(
        &hearing("h", "2027-03-15T09:00", "America/New_York"),
        ts(LONG_AGO),
    );
    assert_eq!(
        serde_json::to_value(&list[1]).unwrap(),
        json!({ "hearing_id": "h", "kind": "day_before", "at": "2027-03-14T13:00:00Z" })
    );
}

// --- Staleness ------------------------------------------------------------

#[test]
fn staleness_levels() {
    let now = ts("2027-05-03T12:00:00Z");
    let ago = |d: SignedDuration| Some(now.checked_sub(d).unwrap());
    assert_eq!(staleness(None, now).level, StalenessLevel::NeverFetched);
    assert_eq!(
        staleness(ago(SignedDuration::from_hours(23)), now).level,
        StalenessLevel::Fresh
    );
    assert_eq!(staleness(ago(FRESH_FOR), now).level, StalenessLevel::Aging);
    assert_eq!(
        staleness(ago(STALE_AFTER), now).level,
        StalenessLevel::Stale
    );
    assert_eq!(
        staleness(ago(SignedDuration::from_hours(30)), now).age,
        Some(SignedDuration::from_hours(30))
    );
    let future = staleness(Some(ts("2027-05-04T12:00:00Z")), now);
    assert_eq!((future.level, future.age), (StalenessLevel::Aging, None));
    assert_eq!(serde_json::to_value(future.level).unwrap(), json!("aging"));
    assert_eq!(
        serde_json::to_value(StalenessLevel::NeverFetched).unwrap(),
        json!("never_fetched")
    );
}

// --- Properties -----------------------------------------------------------

fn any_hearing() -> impl Strategy<Value = Hearing> {
    let zones = prop::sample::select(vec![
        "America/New_York",
        "America/Chicago",
        "America/Phoenix",
        "America/Puerto_Rico",
        "Pacific/Guam",
        "Pacific/Honolulu",
    ]);
    (
        "[A-Za-z0-9._-]{1,64}",
        2000i16..=2100,
        1i8..=12,
        1i8..=28,
        0i8..24,
        prop::sample::select(vec![0i8, 15, 30, 45]),
        zones,
        "[^\\p{Cc}\u{202A}-\u{202E}\u{2066}-\u{2069}]{1,40}",
        prop::option::of("[a-zA-Z .'-]{1,30}"),
        prop::sample::select(vec![
            HearingStatus::Scheduled,
            HearingStatus::Rescheduled,
            HearingStatus::Cancelled,
        ]),
    )
        .prop_filter_map(
            "blank text",
            |(id, year, month, day, hour, minute, zone, name, judge, status)| {
                let local = jiff::civil::date(year, month, day).at(hour, minute, 0, 0);
                Some(Hearing {
                    id: HearingId::new(&id).ok()?,
                    starts: CourtTime::new(local, zone).ok()?,
                    court: Court::new(&name, "1 Main St\nSuite 2").ok()?,
                    judge: judge.as_deref().map(Judge::new).transpose().ok()?,
                    kind: HearingKind::Individual,
                    status,
                })
            },
        )
}

proptest! {
    #[test]
    fn any_valid_hearing_round_trips(hearing in any_hearing()) {
        let bytes = serde_json::to_vec(&[&hearing]).unwrap();
        prop_assert_eq!(parse_hearings_json(&bytes).unwrap(), vec![hearing]);
    }

    #[test]
    fn reminders_are_before_the_start_and_in_order(hearing in any_hearing()) {
        let start = hearing.instant().unwrap();
        let list = reminders(&hearing, ts("1999-01-01T00:00:00Z"));
        prop_assert!(list.iter().all(|r| r.at < start));
        prop_assert!(list.windows(2).all(|w| w[0].at < w[1].at));
        prop_assert_eq!(list.len(), if hearing.is_cancelled() { 0 } else { 3 });
    }

    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_hearings_json(&bytes);
    }
}
