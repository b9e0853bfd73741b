//! Entity tags for the hearing list and the signed lists: strong tags
//! derived from the exact body, and `If-None-Match` matching.

use sha2::{Digest, Sha256};

/// Hex digits of the body's SHA-256 kept in a tag: 128 bits, far beyond
/// any chance of two versions of a list sharing one.
const TAG_HEX_DIGITS: usize = 32;

/// The strong entity tag of `body`: `"<32 hex digits of SHA-256>"`.
pub(crate) fn of(body: &[u8]) -> String {
    let digest = hex::encode(Sha256::digest(body));
    format!("\"{}\"", digest.get(..TAG_HEX_DIGITS).unwrap_or(&digest))
}

/// Whether an `If-None-Match` header value matches `etag`, by the weak
/// comparison RFC 9110 §13.1.2 prescribes: `*` matches anything, and a
/// tag matches whether or not either side is marked weak (`W/`).
pub(crate) fn if_none_match(header: &str, etag: &str) -> bool {
    let ours = opaque(etag);
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || (!candidate.is_empty() && ours.is_some() && opaque(candidate) == ours)
    })
}

/// The quoted part of an entity tag, without any `W/` prefix.
fn opaque(tag: &str) -> Option<&str> {
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('"')).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_strong_and_follow_the_body() {
        let tag = of(b"[]");
        assert_eq!(tag.len(), TAG_HEX_DIGITS + 2);
        assert!(tag.starts_with('"') && tag.ends_with('"'));
        assert_eq!(tag, of(b"[]"));
        assert_ne!(tag, of(b"[ ]"));
    }

    #[test]
    fn weak_comparison_lists_and_star() {
        let tag = of(b"x");
        let weak = format!("W/{tag}");
        for header in [
            tag.clone(),
            weak.clone(),
            "*".to_owned(),
            format!("\"other\", {tag}"),
            format!("{weak} ,\"other\""),
        ] {
            assert!(if_none_match(&header, &tag), "{header}");
        }
        for header in ["", "\"other\"", "W/\"other\"", "abc", ",", &tag[1..]] {
            assert!(!if_none_match(header, &tag), "{header}");
        }
    }
}
