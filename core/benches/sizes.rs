//! How big SC1 codes are: payload bytes, SC1 text characters, and the QR
//! version (error correction M) and modules per side they need, for the
//! shortest, a typical and the longest names, each as a static unbound,
//! static bound and live code. Exits non-zero if any code is over its
//! version limit (static 10, live 12).
//!
//! Run: `cargo bench -p docket-core --bench sizes`

#[path = "../tests/common/mod.rs"]
mod common;

use docket_core::card::Card;
use docket_core::qr::QrMatrix;

const STATIC_MAX_VERSION: u8 = 10;
const LIVE_MAX_VERSION: u8 = 12;

/// Table columns: title and width. The first two are text, the rest numbers.
const COLUMNS: [(&str, usize); 6] = [
    ("names", 23),
    ("form", 14),
    ("payload bytes", 13),
    ("SC1 chars", 9),
    ("QR version (M)", 14),
    ("modules/side", 12),
];

/// One Markdown table line: text left-aligned, numbers right-aligned.
fn print_line(cells: [String; 6]) {
    let mut line = String::from("|");
    for (i, (cell, (_, width))) in cells.iter().zip(COLUMNS).enumerate() {
        if i < 2 {
            line += &format!(" {cell:<width$} |");
        } else {
            line += &format!(" {cell:>width$} |");
        }
    }
    println!("{line}");
}

struct Row {
    names: &'static str,
    form: &'static str,
    payload: usize,
    chars: usize,
    version: u8,
    side: usize,
    limit: u8,
}

fn row(names: &'static str, form: &'static str, payload: usize, text: &str, limit: u8) -> Row {
    let matrix = QrMatrix::encode(text).unwrap();
    Row {
        names,
        form,
        payload,
        chars: text.chars().count(),
        version: matrix.version(),
        side: matrix.width(),
        limit,
    }
}

/// The three forms of the card `card(bound)`.
fn rows_for(names: &'static str, card: impl Fn(bool) -> Card) -> [Row; 3] {
    let unbound = common::sign(&card(false));
    let bound = common::sign(&card(true));
    let live = common::live_at(&bound, common::now());
    [
        row(
            names,
            "static unbound",
            unbound.payload().len(),
            &unbound.to_text(),
            STATIC_MAX_VERSION,
        ),
        row(
            names,
            "static bound",
            bound.payload().len(),
            &bound.to_text(),
            STATIC_MAX_VERSION,
        ),
        row(
            names,
            "live",
            live.payload().len(),
            &live.to_text(),
            LIVE_MAX_VERSION,
        ),
    ]
}

fn main() {
    let longest = common::name_of_len(32, 'f');
    let rows = [
        rows_for("shortest (1 + 0 bytes)", |bound| {
            common::card_named("X", "", bound)
        }),
        rows_for("typical", common::card),
        rows_for("longest (32 + 32 bytes)", |bound| {
            common::card_named(&longest, &longest, bound)
        }),
    ];
    let rows: Vec<Row> = rows.into_iter().flatten().collect();

    print_line(COLUMNS.map(|(title, _)| title.to_owned()));
    print_line(COLUMNS.map(|(_, width)| "-".repeat(width)));
    for r in &rows {
        print_line([
            r.names.to_owned(),
            r.form.to_owned(),
            r.payload.to_string(),
            r.chars.to_string(),
            r.version.to_string(),
            r.side.to_string(),
        ]);
    }
    println!();
    println!(
        "Limits at level M: static <= version {STATIC_MAX_VERSION}, live <= version {LIVE_MAX_VERSION}."
    );

    let over: Vec<String> = rows
        .iter()
        .filter(|r| r.version > r.limit)
        .map(|r| {
            format!(
                "{}, {}: version {} > {}",
                r.names, r.form, r.version, r.limit
            )
        })
        .collect();
    assert!(
        over.is_empty(),
        "codes over their QR version limit:\n  {}",
        over.join("\n  ")
    );
    println!("All codes are within their limits.");
}
