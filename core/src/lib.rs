//! Docket Wallet core: every rule and algorithm of the Secure Docket Card.
//!
//! No FFI, no UI. The bindings, the CLI and the portal are thin adapters
//! over this crate. Map of the modules (docs/ARCHITECTURE.md has the data
//! flows):
//!
//! - [`card`] — the card as data and its field rules;
//! - [`sc1`] — the SC1 presentation format (static and live);
//! - [`device`] — the P-256 device key a bound card names;
//! - [`trust`] — issuer keys, trust list, status list, trust store;
//! - [`verify`] — the officer's offline procedure and its verdict;
//! - [`officer`] — the officer's facade: durable floors and replay memory,
//!   list downloads, freshness;
//! - [`qr`] — QR matrices, PNG/SVG/terminal rendering, reading images;
//! - [`encoding`] — Base45, Crockford Base32, the bounds-checked reader;
//! - [`files`] — bounded reads, the one atomic write, private key files;
//! - [`hearings`] — the cached court hearings, their diff and reminders;
//! - [`outbox`] — check-ins and address changes waiting to be sent;
//! - [`store`] — the wallet's encrypted SQLite database;
//! - [`portal_api`] — the wallet–portal contract: bodies, problems, signatures;
//! - [`sync`] — enrollment and sync passes against the portal;
//! - [`wallet`] — the holder's facade over all of the above.

#![warn(missing_docs)]

pub mod card;
pub mod device;
pub mod encoding;
pub mod files;
pub mod hearings;
pub mod officer;
pub mod outbox;
pub mod portal_api;
pub mod qr;
pub mod sc1;
pub mod store;
pub mod sync;
mod text;
pub mod trust;
pub mod verify;
pub mod wallet;
