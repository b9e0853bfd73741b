//! `docket device init`.

use crate::Outcome;
use crate::args::DeviceInitArgs;
use anyhow::Result;
use docket_core::device::SoftwareDeviceKey;
use docket_core::files::write_new_private;

/// Creates a software device key and prints its public key (hex) on
/// stdout, for `docket issuer issue --device-key`.
pub fn init(args: &DeviceInitArgs) -> Result<Outcome> {
    let key = SoftwareDeviceKey::generate()?;
    write_new_private(&args.out, key.to_pkcs8_pem()?.as_bytes())?;
    eprintln!(
        "Wrote a software device key to {} (the desktop stand-in for a phone's key store). Public key:",
        args.out.display()
    );
    println!("{}", key.public().to_hex());
    Ok(Outcome::Success)
}
