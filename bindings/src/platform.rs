//! The traits the apps implement, and their adapters to core's traits.
//!
//! - [`KeyStore`]: the hardware-backed P-256 device key (Android Keystore,
//!   iOS Secure Enclave); the private key never leaves it.
//! - [`SecretStore`]: small secrets (the database key) in the Keystore or
//!   Keychain.
//! - [`LogSink`]: where the library's log lines go (no personal data is
//!   ever logged: ids, kinds, codes and times only).

use docket_core::device::{DevicePublicKey, DeviceSigner, SignerError};
use docket_core::store::{SecretStore as CoreSecretStore, SecretStoreError};
use std::sync::{Arc, RwLock};
use tokio::runtime::RuntimeFlavor;
use zeroize::Zeroizing;

/// A platform store failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// Locked until the user unlocks the phone.
    #[error("the phone's key store is locked")]
    Locked,
    /// Any other failure, as the platform reported it (no personal data).
    #[error("{message}")]
    Failed {
        /// The platform's description.
        message: String,
    },
}

/// A foreign implementation threw something that is not a
/// [`PlatformError`]: treated as a failure, never a crash.
impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Failed {
            message: error.reason,
        }
    }
}

/// The phone's device key store.
#[uniffi::export(with_foreign)]
pub trait KeyStore: Send + Sync {
    /// Creates the P-256 device key if it does not exist yet, and returns
    /// its public key (SEC1, compressed or uncompressed).
    fn create_key(&self) -> Result<Vec<u8>, PlatformError>;
    /// The public key (SEC1, compressed or uncompressed).
    fn public_key(&self) -> Result<Vec<u8>, PlatformError>;
    /// ECDSA P-256 with SHA-256 over `message` (the platform hashes), as
    /// ASN.1 DER (what both platforms return) or raw `r || s`.
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
}

/// The phone's secret store, for the database key.
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    /// The secret saved under `name`, or `None`.
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, PlatformError>;
    /// Saves `secret` under `name`, replacing any earlier one; durable
    /// when this returns.
    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), PlatformError>;
}

/// How much a log line matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Progress detail.
    Debug,
    /// Normal events (a sync pass's summary).
    Info,
    /// Something the holder may notice (items waiting, a list refused).
    Warn,
    /// A failure.
    Error,
}

/// Receives the library's log lines.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// One line; never contains personal data.
    fn log(&self, level: LogLevel, message: String);
}

static LOG_SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);

/// Sets (or with `None`, removes) where log lines go.
#[uniffi::export]
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>) {
    if let Ok(mut slot) = LOG_SINK.write() {
        *slot = sink;
    }
}

/// Sends a line to the sink, if there is one.
pub(crate) fn log(level: LogLevel, message: String) {
    let sink = LOG_SINK.read().ok().and_then(|slot| slot.clone());
    if let Some(sink) = sink {
        sink.log(level, message);
    }
}

/// Runs a call into the app's code (a key store, the secret store, an
/// observer). Core makes these calls synchronously, often from a task on
/// one of the runtime's two worker threads, and a hardware key can take a
/// second to sign (StrongBox, a Secure Enclave waking up): there the call
/// runs under `block_in_place`, which first hands the worker's other tasks
/// to another thread, so a slow key store stalls only the task waiting
/// for it. Anywhere else (the store thread, a test's own runtime) it just
/// runs.
pub(crate) fn platform_call<T>(call: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(call)
        }
        _ => call(),
    }
}

/// The app's key store as core's [`DeviceSigner`].
pub(crate) struct ForeignSigner(pub Arc<dyn KeyStore>);

/// A key store's failure as core sees it: "locked" stays distinguishable,
/// so the holder is told to unlock the phone rather than that it failed.
pub(crate) fn signer_error(error: PlatformError) -> SignerError {
    match error {
        PlatformError::Locked => SignerError::Locked,
        PlatformError::Failed { message } => SignerError::Platform(message),
    }
}

impl DeviceSigner for ForeignSigner {
    fn public_key(&self) -> Result<DevicePublicKey, SignerError> {
        let bytes = platform_call(|| self.0.public_key()).map_err(signer_error)?;
        DevicePublicKey::from_sec1(&bytes).map_err(|e| {
            SignerError::Platform(format!("the key store's public key is unusable: {e}"))
        })
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        platform_call(|| self.0.sign(message.to_vec())).map_err(signer_error)
    }
}

/// The app's secret store as core's [`CoreSecretStore`].
pub(crate) struct ForeignSecrets(pub Arc<dyn SecretStore>);

fn secret_error(error: PlatformError) -> SecretStoreError {
    match error {
        PlatformError::Locked => SecretStoreError::Locked,
        PlatformError::Failed { message } => SecretStoreError::Failed(message),
    }
}

impl CoreSecretStore for ForeignSecrets {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        Ok(platform_call(|| self.0.load(name.to_owned()))
            .map_err(secret_error)?
            .map(Zeroizing::new))
    }

    fn save(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        platform_call(|| self.0.save(name.to_owned(), secret.to_vec())).map_err(secret_error)
    }
}
