//! The holder's profile folder on the desktop:
//!
//! ```text
//! DIR/wallet.db    the wallet's encrypted SQLite database
//! DIR/device.key   STAND-IN for the phone's key store: the P-256 device
//!                  key (PKCS#8 PEM, readable only by you). On a phone
//!                  this key is made in and never leaves Keystore or the
//!                  Secure Enclave.
//! DIR/secrets/     STAND-IN for the phone's secret store (Keystore /
//!                  Keychain): the database key.
//! DIR/root.pub     the issuer root given with `enroll --root`, if any.
//! ```

use anyhow::{Context, Result, bail};
use docket_core::device::{DeviceSigner, NoDeviceKey, SoftwareDeviceKey};
use docket_core::files::{read_text_limited, write_atomic, write_new_private};
use docket_core::store::FileSecretStore;
use docket_core::sync::SyncConfig;
use docket_core::trust::Ed25519PublicKey;
use docket_core::wallet::{Wallet, WalletSetup};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const DATABASE: &str = "wallet.db";
const DEVICE_KEY: &str = "device.key";
const SECRETS: &str = "secrets";
const ROOT_PUB: &str = "root.pub";
const README: &str = "README.txt";
const KEY_FILE_MAX: u64 = 16 * 1024;

const README_TEXT: &str = "Docket Wallet desktop profile.\n\n\
wallet.db   the wallet's encrypted database\n\
device.key  DESKTOP STAND-IN for the phone's hardware key store (keep private)\n\
secrets/    DESKTOP STAND-IN for the phone's secret store (the database key)\n\
root.pub    the issuer root pinned with `enroll --root`, if any\n";

/// A profile folder.
pub struct Profile {
    dir: PathBuf,
}

impl Profile {
    /// An existing profile: one that has a device key, a database or a
    /// secret store. A profile whose device key is gone still opens (the
    /// card and the queue can be read, nothing can be signed): enrolling
    /// again is the way out.
    pub fn existing(dir: &Path) -> Result<Self> {
        let profile = Profile {
            dir: dir.to_owned(),
        };
        if ![DEVICE_KEY, DATABASE, SECRETS]
            .iter()
            .any(|name| profile.file(name).exists())
        {
            bail!(
                "{} holds no wallet; enroll first with `docket wallet --profile {} enroll ...`",
                dir.display(),
                dir.display()
            );
        }
        Ok(profile)
    }

    /// The profile at `dir`, created if needed, with a new device key if it
    /// has none (a first enrollment, or a re-enrollment after the key was
    /// lost: the card and the queue in `wallet.db` are kept).
    pub fn create_or_open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let profile = Profile {
            dir: dir.to_owned(),
        };
        if !profile.file(DEVICE_KEY).exists() {
            let key = SoftwareDeviceKey::generate()?;
            write_new_private(&profile.file(DEVICE_KEY), key.to_pkcs8_pem()?.as_bytes())?;
            write_atomic(&profile.file(README), README_TEXT.as_bytes())?;
        }
        Ok(profile)
    }

    /// Pins the issuer root given out of band.
    pub fn pin_root(&self, root: &Ed25519PublicKey) -> Result<()> {
        Ok(write_atomic(
            &self.file(ROOT_PUB),
            format!("{}\n", root.to_hex()).as_bytes(),
        )?)
    }

    /// Opens the wallet (with no key at all when `device.key` is gone).
    pub async fn wallet(&self, sync: SyncConfig) -> Result<Wallet> {
        Ok(Wallet::open(self.setup(sync)?).await?)
    }

    /// Starts over with a new, empty wallet (see `Wallet::start_over`).
    pub async fn start_over(&self, sync: SyncConfig) -> Result<Wallet> {
        Ok(Wallet::start_over(self.setup(sync)?).await?)
    }

    /// What the wallet opens with; no key at all when `device.key` is gone.
    fn setup(&self, sync: SyncConfig) -> Result<WalletSetup> {
        let key: Arc<dyn DeviceSigner + Send + Sync> = if self.file(DEVICE_KEY).exists() {
            let pem = read_text_limited(&self.file(DEVICE_KEY), KEY_FILE_MAX, "device key")?;
            Arc::new(SoftwareDeviceKey::from_pkcs8_pem(&pem).with_context(|| {
                format!("{} is not a device key", self.file(DEVICE_KEY).display())
            })?)
        } else {
            Arc::new(NoDeviceKey)
        };
        let roots =
            if self.file(ROOT_PUB).exists() {
                let hex = read_text_limited(&self.file(ROOT_PUB), 1024, "root key")?;
                vec![Ed25519PublicKey::from_hex(hex.trim()).with_context(|| {
                    format!("{} is not a root key", self.file(ROOT_PUB).display())
                })?]
            } else {
                Vec::new()
            };
        let secrets = FileSecretStore::new(self.file(SECRETS))?;
        Ok(WalletSetup {
            database: self.file(DATABASE),
            secrets: Box::new(secrets),
            device_key: key,
            roots,
            sync,
        })
    }

    /// The device key file, for messages.
    pub fn device_key_file(&self) -> PathBuf {
        self.file(DEVICE_KEY)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}
