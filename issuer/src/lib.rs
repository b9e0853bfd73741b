//! The test issuer (`docket-issuer`): a directory of keys, signed lists
//! and a registry of issued cards and their bindings to phones, and the
//! holder data an issuer types in (CARD.json). The reference portal issues
//! and binds cards with it; the `docket issuer` commands manage it. A
//! development stand-in for the issuer's real systems (its keys would live
//! in an HSM).

#![warn(missing_docs)]

pub mod card_json;
pub mod dir;
pub mod issue;
pub mod registry;

pub use card_json::{CardRequest, IssuerFields};
pub use dir::{
    ISSUER_KEY, IssuerDir, NewBinding, REGISTRY, ROOT_KEY, ROOT_PUB, STATUS_LIST, TRUST_LIST,
    read_root_pin,
};
pub use issue::issue_card;
pub use registry::{Binding, BindingEnd, EndReason, RegisteredCard, Registry};
