//! What the issuer remembers besides its keys and lists: every card number
//! with its status index, and every binding of a card to a phone with its
//! own status index. No personal data: card numbers, indices, a hash of
//! each phone's public key, times.
//!
//! Status indices come from one sequence shared by cards and bindings
//! (docs/sc1-format.md, 10.2: one status list per trust domain). A card's
//! own entry holds the card's status; each binding's entry is derived from
//! it and from whether the binding was ended
//! ([`docket_core::trust::CardStatus::of_binding`]).

use anyhow::{Context, Result};
use docket_core::card::{Serial, StatusIndex};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What the issuer remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registry {
    /// The issuer key's id.
    pub issuer_key_id: u16,
    /// Every card issued, in order.
    pub cards: Vec<RegisteredCard>,
}

/// One issued card.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegisteredCard {
    /// Card number, `XXXX-XXXX`.
    pub serial: String,
    /// The card's own entry in the status list (the printed card's).
    pub status_index: u32,
    /// Each enrollment of the card on a phone, oldest first.
    #[serde(default)]
    pub bindings: Vec<Binding>,
}

/// One enrollment of a card on a phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The binding's own entry in the status list.
    pub status_index: u32,
    /// Hex SHA-256 of the phone's compressed public key (the key id its
    /// requests are signed under).
    pub device_key_id: String,
    /// When the bound card was issued.
    pub bound_at: Timestamp,
    /// When and why the binding ended; `None` while the phone holds the
    /// card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<BindingEnd>,
}

/// How a binding ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingEnd {
    /// When.
    pub at: Timestamp,
    /// Why.
    pub reason: EndReason,
}

/// Why a binding ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The card was enrolled on another phone.
    Replaced,
    /// The holder reported the phone lost or stolen.
    ReportedLost,
}

impl Registry {
    /// The card with this number.
    pub fn card(&self, serial: Serial) -> Option<&RegisteredCard> {
        let wanted = serial.to_string();
        self.cards.iter().find(|c| c.serial == wanted)
    }

    /// The card with this number, to change it.
    pub fn card_mut(&mut self, serial: Serial) -> Option<&mut RegisteredCard> {
        let wanted = serial.to_string();
        self.cards.iter_mut().find(|c| c.serial == wanted)
    }

    /// Whether a card has this number.
    pub fn has_serial(&self, serial: Serial) -> bool {
        self.card(serial).is_some()
    }

    /// The next free status index: one past every index handed out.
    pub fn next_index(&self) -> Result<StatusIndex> {
        let highest = self
            .cards
            .iter()
            .flat_map(|card| {
                std::iter::once(card.status_index)
                    .chain(card.bindings.iter().map(|b| b.status_index))
            })
            .max();
        let next = match highest {
            None => 0,
            Some(index) => index.checked_add(1).context("the status list is full")?,
        };
        StatusIndex::new(next).context("the status list is full")
    }
}

impl RegisteredCard {
    /// The bindings still in force.
    pub fn active_bindings(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.ended.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(serial: &str, index: u32, bindings: &[u32]) -> RegisteredCard {
        RegisteredCard {
            serial: serial.to_owned(),
            status_index: index,
            bindings: bindings
                .iter()
                .map(|&status_index| Binding {
                    status_index,
                    device_key_id: "00".repeat(32),
                    bound_at: Timestamp::UNIX_EPOCH,
                    ended: None,
                })
                .collect(),
        }
    }

    #[test]
    fn indices_are_shared_by_cards_and_bindings() {
        let mut registry = Registry {
            issuer_key_id: 1,
            cards: Vec::new(),
        };
        assert_eq!(registry.next_index().unwrap().value(), 0);
        registry.cards.push(card("0000-0001", 0, &[2, 5]));
        registry.cards.push(card("0000-0002", 1, &[]));
        assert_eq!(registry.next_index().unwrap().value(), 6);
    }

    #[test]
    fn a_registry_from_before_bindings_still_reads() {
        let old = r#"{"issuer_key_id":1,"cards":[{"serial":"0000-0001","status_index":0}]}"#;
        let registry: Registry = serde_json::from_str(old).unwrap();
        assert!(registry.cards[0].bindings.is_empty());
        assert_eq!(registry.next_index().unwrap().value(), 1);
    }
}
