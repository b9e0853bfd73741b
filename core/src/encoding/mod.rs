//! Encodings small enough to audit in place: strict Base45 for the QR
//! payload, Crockford Base32 for the identifiers people read aloud, and the
//! bounds-checked reader every binary format parses through.

pub mod base45;
pub mod crockford;
pub mod reader;
