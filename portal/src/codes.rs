//! Activation codes at rest: only a salted SHA-256 is stored, and the
//! comparison takes the same time whether or not the code matches.

use docket_core::portal_api::ActivationCode;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Random bytes of salt per holder, so two holders' hashes never reveal
/// that they share a code and no table can be precomputed.
pub(crate) const SALT_LEN: usize = 16;

/// The stored form of a holder's activation code.
pub(crate) struct CodeSecret {
    /// Random per code.
    pub salt: [u8; SALT_LEN],
    /// SHA-256(salt ‖ code bytes).
    pub hash: [u8; 32],
}

impl CodeSecret {
    /// A fresh code and its stored form.
    pub fn generate() -> Result<(ActivationCode, CodeSecret), getrandom::Error> {
        let code = ActivationCode::generate()?;
        let mut salt = [0u8; SALT_LEN];
        getrandom::fill(&mut salt)?;
        let hash = hash(&salt, &code);
        Ok((code, CodeSecret { salt, hash }))
    }
}

/// SHA-256(salt ‖ code.to_bytes()).
pub(crate) fn hash(salt: &[u8], code: &ActivationCode) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(code.to_bytes());
    hasher.finalize().into()
}

/// Whether `typed` (absent when it did not even parse) is the code stored
/// as `salt` and `stored_hash`, in constant time. An unparsable code is
/// still hashed and compared, so it costs the same as a wrong one.
pub(crate) fn matches(salt: &[u8], stored_hash: &[u8], typed: Option<&ActivationCode>) -> bool {
    let parsed = typed.is_some();
    let placeholder = ActivationCode::parse("0000-0000-0000").ok();
    let Some(code) = typed.or(placeholder.as_ref()) else {
        return false;
    };
    let candidate = hash(salt, code);
    let equal: bool = candidate.as_slice().ct_eq(stored_hash).into();
    equal && parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_code_matches() {
        let (code, secret) = CodeSecret::generate().unwrap();
        assert!(matches(&secret.salt, &secret.hash, Some(&code)));
        let typed = ActivationCode::parse(&code.to_string().to_lowercase()).unwrap();
        assert!(matches(&secret.salt, &secret.hash, Some(&typed)));
        let (other, _) = CodeSecret::generate().unwrap();
        assert!(!matches(&secret.salt, &secret.hash, Some(&other)));
        assert!(!matches(&secret.salt, &secret.hash, None));
        assert!(!matches(&[0; SALT_LEN], &secret.hash, Some(&code)));
        assert!(!matches(&secret.salt, &secret.hash[..31], Some(&code)));
        let (_, again) = CodeSecret::generate().unwrap();
        assert_ne!(secret.salt, again.salt);
    }
}
