//! The test issuer: its directory of keys and signed lists, and the
//! holder data an issuer types in. The reference portal issues bound
//! cards with it; the `docket issuer` commands manage it.

pub mod card_json;
pub mod dir;
pub mod issue;

pub use card_json::{CardRequest, IssuerFields};
pub use dir::{ISSUER_KEY, IssuerDir, REGISTRY, ROOT_KEY, ROOT_PUB, STATUS_LIST, TRUST_LIST};
pub use issue::{bind_card, issue_card};
