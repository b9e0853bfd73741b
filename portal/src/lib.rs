//! The reference Docket portal: the server side of docs/portal-api.yaml,
//! for development, tests and demos (the real portal is the issuer's).
//!
//! - [`issuer`] — the test issuer's directory and card data;
//! - [`files`] — size-limited reads and atomic, private writes.

pub mod files;
pub mod issuer;
