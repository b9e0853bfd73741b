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
//! - [`issuer`] — the test issuer's directory and card data;
//! - [`files`] — size-limited reads and atomic, private writes.

#![warn(missing_docs)]

pub mod admin;
mod auth;
pub mod chaos;
mod codes;
pub mod config;
mod db;
mod error;
mod etag;
pub mod files;
pub mod issuer;
mod problem;
mod routes;
mod server;
mod thread;

pub use admin::{AdminError, NewHolder, ReceivedSubmission};
pub use chaos::{ChaosCounts, ChaosOutcome, ChaosSpec, ChaosSpecError};
pub use config::PortalConfig;
pub use db::DbError;
pub use error::PortalError;
pub use server::{RunningPortal, serve};
pub use thread::PortalThread;
