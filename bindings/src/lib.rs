//! Docket Wallet's uniffi surface: what the Android and iOS apps call.
//!
//! Thin adapters over `docket-core` only: the [`Wallet`] and [`Officer`]
//! facades, the records and enums they answer with, one error type, and
//! the platform traits the apps implement ([`KeyStore`], [`SecretStore`],
//! [`LogSink`], [`WalletObserver`]).
//!
//! Rules every export follows:
//! - anything that does I/O is `async` and runs on the library's one tokio
//!   runtime ([`runtime`]), never on the caller's thread; the one exception
//!   is the officer's checks, synchronous for the camera's frame loop,
//!   which write the officer's small state file when they record a live
//!   code (see [`Officer`]);
//! - no panic crosses the FFI: async work runs in a spawned task whose
//!   panic becomes [`DocketError::Internal`], synchronous work is wrapped
//!   in `catch_unwind`;
//! - a cancelled call (a cancelled coroutine, a cancelled Swift task)
//!   drops only the caller's wait: the spawned work, and the commit of a
//!   sent item, completes.

mod enums;
mod error;
mod officer;
mod platform;
mod records;
mod runtime;
#[cfg(any(test, feature = "software-stores"))]
mod software_stores;
#[cfg(test)]
mod tests;
mod wallet;

pub use enums::{
    CodeForm, Freshness, HearingKind, HearingStatus, ListOutcome, ListState, ListUpdate,
    OutboxKind, OutboxState, SyncStop,
};
pub use error::DocketError;
pub use officer::{Officer, OfficerConfig, open_officer};
pub use platform::{KeyStore, LogLevel, LogSink, PlatformError, SecretStore, set_log_sink};
pub use records::*;
#[cfg(any(test, feature = "software-stores"))]
pub use software_stores::{memory_secret_store, software_key_store};
pub use wallet::{Wallet, WalletConfig, WalletObserver, open_wallet};

uniffi::setup_scaffolding!();

/// The library's version, for the apps' about screens and bug reports.
#[uniffi::export]
pub fn library_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
