//! Software stand-ins for the platform stores, for host tests only (the
//! `software-stores` feature; never in a phone build): the private key and
//! the secrets live in this process's memory. A phone app implements
//! [`KeyStore`] and [`SecretStore`] with its hardware-backed stores
//! instead.

use crate::error::DocketError;
use crate::platform::{KeyStore, PlatformError, SecretStore};
use docket_core::device::{DeviceSigner, SoftwareDeviceKey};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

struct SoftwareKeyStore(SoftwareDeviceKey);

impl KeyStore for SoftwareKeyStore {
    fn create_key(&self) -> Result<Vec<u8>, PlatformError> {
        self.public_key()
    }

    fn public_key(&self) -> Result<Vec<u8>, PlatformError> {
        Ok(self.0.public().to_compressed().to_vec())
    }

    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.0.sign(&message).map_err(|e| PlatformError::Failed {
            message: e.to_string(),
        })
    }
}

/// A new software P-256 device key held in memory: **host tests
/// only** (on a phone the key is made in, and never leaves, the Keystore
/// or Secure Enclave).
#[uniffi::export]
pub fn software_key_store() -> Result<Arc<dyn KeyStore>, DocketError> {
    let key = SoftwareDeviceKey::generate().map_err(|e| DocketError::Internal {
        message: e.to_string(),
    })?;
    Ok(Arc::new(SoftwareKeyStore(key)))
}

struct MemorySecretStore(Mutex<HashMap<String, Vec<u8>>>);

impl SecretStore for MemorySecretStore {
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, PlatformError> {
        let secrets = self.0.lock().map_err(|_| PlatformError::Failed {
            message: "the secret store is unusable".to_owned(),
        })?;
        Ok(secrets.get(&name).cloned())
    }

    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), PlatformError> {
        let mut secrets = self.0.lock().map_err(|_| PlatformError::Failed {
            message: "the secret store is unusable".to_owned(),
        })?;
        secrets.insert(name, secret);
        Ok(())
    }
}

/// An empty secret store held in memory: **tests only** (its database key
/// is gone when the process ends).
#[uniffi::export]
pub fn memory_secret_store() -> Arc<dyn SecretStore> {
    Arc::new(MemorySecretStore(Mutex::new(HashMap::new())))
}
