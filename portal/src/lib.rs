//! The reference Docket portal: the server side of docs/portal-api.yaml,
//! for development, tests and demos (the real portal is the issuer's).
//!
//! # Running it
//!
//! ```no_run
//! # async fn run() -> Result<(), docket_portal::PortalError> {
//! use docket_portal::{PortalConfig, serve};
//! let config = PortalConfig {
//!     db: "portal.sqlite".into(),
//!     issuer: "issuer".into(),
//!     chaos: None,
//! };
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let portal = serve(config, listener).await?;
//! println!("{}", portal.url());
//! portal.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Synchronous callers (the CLI demo) use [`PortalThread`], which runs the
//! same server on its own runtime. Holders and hearings are managed with
//! the plain functions of [`admin`], which open the database file
//! directly and work while a server runs.
//!
//! # Map
//!
//! - [`admin`] — add holders, codes and hearings; list what was received;
//! - [`chaos`] — deterministic fault injection (`--chaos rate=..,seed=..`);
//! - [`config`] — what a server needs: database, issuer directory, chaos;
//! - `server` / `thread` — the accept loop, shutdown, the background thread;
//! - `routes` — one module per endpoint; `auth` — request signatures;
//! - `db` — the SQLite file, on one dedicated thread;
//!
//! The test issuer (keys, lists, the card registry) is the `docket-issuer`
//! crate; files are read and written through `docket_core::files`.

#![warn(missing_docs)]

pub mod admin;
mod auth;
pub mod chaos;
mod codes;
pub mod config;
mod db;
mod error;
mod etag;
mod problem;
mod routes;
mod server;
mod thread;

pub use admin::{AdminError, NewHolder, PhoneLost, ReceivedSubmission};
pub use chaos::{ChaosCounts, ChaosOutcome, ChaosSpec, ChaosSpecError};
pub use config::PortalConfig;
pub use db::DbError;
pub use error::PortalError;
pub use server::{RunningPortal, serve};
pub use thread::PortalThread;

/// How the portal checks cards against its own lists: they are
/// authoritative, so only their expiry, never their age, limits what it
/// accepts (a verifier in the field, by contrast, distrusts old lists).
pub(crate) fn lists_policy() -> docket_core::verify::VerifierPolicy {
    let forever = jiff::SignedDuration::from_hours(100 * 365 * 24);
    docket_core::verify::VerifierPolicy {
        trust_list_max_age: forever,
        status_list_max_age: forever,
        ..docket_core::verify::VerifierPolicy::default()
    }
}
