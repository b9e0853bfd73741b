//! The officer's procedure: from SC1 text to a verdict, offline and
//! fail-closed (docs/sc1-format.md, "Verification").
//!
//! Order matters. Nothing about the holder is shown until the issuer's
//! signature has verified against current trust data; after that, every
//! further problem (dates, revocation, liveness) is reported together so
//! the officer sees all of them.

mod policy;
mod reason;
mod replay;
mod verdict;

pub use policy::{ListAge, VerifierPolicy};
pub use reason::Reason;
pub use replay::{ReplayEntry, ReplayGuard};
pub use verdict::{HolderView, PresentationForm, Verdict};

use crate::card::Card;
use crate::sc1::{LivePresentation, Presentation, SignedCard};
use crate::trust::{CardStatus, ISSUE_TIME_TOLERANCE, KeyUsage, ListKind, TrustStore};
use jiff::{SignedDuration, Timestamp};

/// An offline verifier: trust data, policy and the memory of live codes
/// already seen.
#[derive(Debug, Clone)]
pub struct Verifier {
    store: TrustStore,
    policy: VerifierPolicy,
    replay: ReplayGuard,
}

impl Verifier {
    /// A verifier over `store` with `policy`.
    pub fn new(store: TrustStore, policy: VerifierPolicy) -> Self {
        Verifier {
            store,
            replay: ReplayGuard::new(policy.replay_memory),
            policy,
        }
    }

    /// The trust store (to install lists, or read floors to persist).
    pub fn store(&self) -> &TrustStore {
        &self.store
    }

    /// The trust store, to install new lists.
    pub fn store_mut(&mut self) -> &mut TrustStore {
        &mut self.store
    }

    /// The time rules this verifier applies.
    pub fn policy(&self) -> &VerifierPolicy {
        &self.policy
    }

    /// The live codes remembered, to persist.
    pub fn replay_guard(&self) -> &ReplayGuard {
        &self.replay
    }

    /// The live codes remembered, to restore.
    pub fn replay_guard_mut(&mut self) -> &mut ReplayGuard {
        &mut self.replay
    }

    /// Verifies SC1 text at `now`.
    pub fn verify_text(&mut self, text: &str, now: Timestamp) -> Verdict {
        match Presentation::from_text(text) {
            Ok(presentation) => self.verify(&presentation, now),
            Err(error) => Verdict::refused(Reason::Format(error), None, now),
        }
    }

    /// Verifies a parsed presentation at `now`.
    pub fn verify(&mut self, presentation: &Presentation, now: Timestamp) -> Verdict {
        let form = Some(match presentation {
            Presentation::Static(_) => PresentationForm::Static,
            Presentation::Live(_) => PresentationForm::Live,
        });
        let mut verdict = self.check_card(presentation.signed_card(), now);
        verdict.form = form;
        if verdict.holder.is_none() {
            return verdict;
        }
        let card = presentation.signed_card().card();
        verdict.reasons.extend(match presentation {
            Presentation::Static(_) if card.is_bound() => Some(Reason::LivePresentationRequired),
            Presentation::Static(_) => None,
            Presentation::Live(live) => self.check_live(live, now),
        });
        verdict
    }

    /// Checks a signed card itself, without any presentation: trust data,
    /// the issuer's signature, dates and status. This is the officer's
    /// procedure minus liveness, and what the wallet runs on its own card
    /// every time it loads it.
    pub fn check_card(&self, signed: &SignedCard, now: Timestamp) -> Verdict {
        if let Err(reason) = self.check_trust_list(now) {
            return Verdict::refused(reason, None, now);
        }
        if let Err(reason) = self.check_issuer_signature(signed, now) {
            return Verdict::refused(reason, None, now);
        }
        let card = signed.card();
        let mut reasons = Vec::new();
        reasons.extend(card_dates(card, now));
        reasons.extend(self.check_status(card, now));
        Verdict {
            reasons,
            holder: Some(HolderView::of(card)),
            form: None,
            checked_at: now,
        }
    }

    fn check_trust_list(&self, now: Timestamp) -> Result<(), Reason> {
        let list = self.store.trust_list().ok_or(Reason::TrustListMissing)?;
        if self.clock_behind(now) {
            return Err(Reason::VerifierClockBehind);
        }
        let age = self.policy.list_age(ListKind::TrustList, &list.meta, now);
        Reason::list_age(ListKind::TrustList, age).map_or(Ok(()), Err)
    }

    /// Whether `now` is before the issue time of an installed list (with
    /// the 5-minute tolerance). The clock must not be: otherwise an
    /// expired card could be made to look current by setting it back.
    pub fn clock_behind(&self, now: Timestamp) -> bool {
        let newest = [
            self.store.trust_list().map(|l| l.meta.issued_at),
            self.store.status_list().map(|l| l.meta.issued_at),
        ]
        .into_iter()
        .flatten()
        .max();
        newest.is_some_and(|issued| later(now, ISSUE_TIME_TOLERANCE) < issued)
    }

    /// Finds the trusted key that made the card's signature. Key ids are
    /// short and may be shared: every key with the id is tried, and the one
    /// whose signature verifies must also be allowed to sign cards and be
    /// valid both now and on the card's issue date.
    fn check_issuer_signature(&self, signed: &SignedCard, now: Timestamp) -> Result<(), Reason> {
        let key_id = signed.card().issuer_key_id;
        let trust = self.store.trust_list().ok_or(Reason::TrustListMissing)?;
        let mut candidates = trust.keys_with_id(key_id).peekable();
        if candidates.peek().is_none() {
            return Err(Reason::UnknownIssuerKey(key_id));
        }
        let message = signed.signed_message();
        let signature = signed.issuer_signature();
        let signer = candidates
            .find(|key| key.public.verify(&message, &signature))
            .ok_or(Reason::IssuerSignatureInvalid)?;
        if !signer.usage.allows(KeyUsage::CARDS) {
            return Err(Reason::IssuerKeyWrongUsage(key_id));
        }
        if !signer.valid_at(now) || !signer.valid_during_day(signed.card().issued.start_utc()) {
            return Err(Reason::IssuerKeyOutsideValidity(key_id));
        }
        Ok(())
    }

    fn check_status(&self, card: &Card, now: Timestamp) -> Option<Reason> {
        let Some(list) = self.store.status_list() else {
            return Some(Reason::StatusListMissing);
        };
        // The clock was already checked against this list's issue time with
        // the trust list's (clock_behind covers both lists).
        let age = self.policy.list_age(ListKind::StatusList, &list.meta, now);
        if let Some(reason) = Reason::list_age(ListKind::StatusList, age) {
            return Some(reason);
        }
        match list.status(card.status_index) {
            None => Some(Reason::StatusIndexOutOfRange(card.status_index)),
            Some(CardStatus::Valid) => None,
            Some(CardStatus::Revoked) => Some(Reason::CardRevoked),
            Some(CardStatus::Suspended) => Some(Reason::CardSuspended),
            Some(CardStatus::BindingRevoked) if card.is_bound() => Some(Reason::BindingRevoked),
            Some(CardStatus::BindingRevoked) => Some(Reason::CardStatusUnknown),
        }
    }

    fn check_live(&mut self, live: &LivePresentation, now: Timestamp) -> Option<Reason> {
        let made = live.timestamp();
        if made > later(now, self.policy.live_max_future) {
            return Some(Reason::LiveCodeFromFuture);
        }
        let forget_after = later(made, self.policy.live_max_age);
        if now > forget_after {
            return Some(Reason::LiveCodeStale);
        }
        if !live.device_signature_verifies() {
            return Some(Reason::DeviceSignatureInvalid);
        }
        let card = live.card().card();
        let seconds = u32::try_from(made.as_second()).unwrap_or(u32::MAX);
        if !self
            .replay
            .first_sighting(card.serial, card.status_index, seconds, now, forget_after)
        {
            return Some(Reason::LiveCodeReplayed);
        }
        None
    }
}

/// Whether a card is current at `now`: from the first instant of its issue
/// date anywhere on Earth to the last instant of its expiry date anywhere.
fn card_dates(card: &Card, now: Timestamp) -> Option<Reason> {
    if now < card.issued.earliest_start() {
        Some(Reason::CardNotYetValid(card.issued))
    } else if now >= card.expires.latest_end() {
        Some(Reason::CardExpired(card.expires))
    } else {
        None
    }
}

/// `at + by`, saturating at the end of time instead of failing.
fn later(at: Timestamp, by: SignedDuration) -> Timestamp {
    at.checked_add(by).unwrap_or(Timestamp::MAX)
}
