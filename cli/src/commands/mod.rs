//! One module per command group; helpers they share are here.

pub mod demo;
pub mod device;
pub mod issuer;
pub mod officer;
pub mod present;
pub mod scan;
pub mod verify;
pub mod wallet;

use anyhow::{Context, Result, bail};
use docket_core::device::{DevicePublicKey, SoftwareDeviceKey};
use docket_core::files::{read_limited, read_text_limited};
use docket_core::sc1::{MAX_TEXT_LEN, SignedCard};
use docket_core::trust::Ed25519PublicKey;
use jiff::Timestamp;
use std::path::Path;

const KEY_FILE_MAX: u64 = 16 * 1024;
/// Largest root key file read (64 hex digits and a newline, with room).
const ROOT_FILE_MAX: u64 = 1024;

/// `--at RFC3339`, or now.
pub fn time_or_now(at: Option<&str>) -> Result<Timestamp> {
    match at {
        Some(text) => text.parse().with_context(|| {
            format!("--at {text:?} is not an RFC 3339 time like 2026-11-22T12:00:00Z")
        }),
        None => Ok(Timestamp::now()),
    }
}

/// A `.sdc` file: the static SC1 text of a signed card.
pub fn load_signed_card(path: &Path) -> Result<SignedCard> {
    let text = read_text_limited(path, MAX_TEXT_LEN as u64 + 16, "card file")?;
    SignedCard::from_text(text.trim())
        .with_context(|| format!("{} is not a signed card", path.display()))
}

/// A software device key file (PKCS#8 PEM).
pub fn load_device_key(path: &Path) -> Result<SoftwareDeviceKey> {
    let pem = read_text_limited(path, KEY_FILE_MAX, "device key")?;
    SoftwareDeviceKey::from_pkcs8_pem(&pem)
        .with_context(|| format!("{} is not a device key file", path.display()))
}

/// A device public key given as hex, or as a file holding hex or a device
/// key.
pub fn parse_device_public_key(arg: &str) -> Result<DevicePublicKey> {
    let path = Path::new(arg);
    if path.is_file() {
        let bytes = read_limited(path, KEY_FILE_MAX, "device key")?;
        let text = String::from_utf8_lossy(&bytes);
        if text.contains("PRIVATE KEY") {
            return Ok(load_device_key(path)?.public());
        }
        return DevicePublicKey::from_hex(text.trim())
            .with_context(|| format!("{} holds no device public key", path.display()));
    }
    if arg.len() > 200 {
        bail!("--device-key is neither a file nor a hex public key");
    }
    DevicePublicKey::from_hex(arg)
        .with_context(|| format!("--device-key {arg:?} is neither a file nor a hex public key"))
}

/// `--root HEX|FILE`: an issuer root public key given out of band, as hex
/// or as a file holding it (an issuer directory's `root.pub`).
pub fn parse_root_arg(arg: &str) -> Result<Ed25519PublicKey> {
    let path = Path::new(arg);
    let hex = if path.is_file() {
        read_text_limited(path, ROOT_FILE_MAX, "root key")?
    } else {
        arg.to_owned()
    };
    Ed25519PublicKey::from_hex(hex.trim())
        .context("--root is neither a root key file nor a hex root key")
}
