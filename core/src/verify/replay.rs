//! Remembers live codes already accepted, so a second scan of the same
//! code (a screenshot shown twice) is refused.
//!
//! A code is identified by its card number, its binding's status index and
//! its timestamp: a genuine wallet makes a new timestamp every few seconds,
//! so the triple repeats only when the same image is shown again. The
//! binding is part of it because one card may be bound to two phones in
//! turn (an old, ended one and the current one): a code the old phone
//! showed must not make the new phone's code of the same second a replay. Entries are kept while the code could
//! still pass the freshness check, and memory is bounded: when full, the
//! entry closest to expiring is forgotten first.
//!
//! A verifier that keeps the memory across restarts must save it before it
//! answers (a code recorded only in memory is accepted again after a
//! restart): [`ReplayGuard::generation`] tells it whether a check recorded
//! anything, without comparing whole memories.

use crate::card::{Serial, StatusIndex};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One remembered live code, in a form a CLI or app can persist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayEntry {
    /// The card number's value.
    pub serial: u64,
    /// The bound card's status index (its binding's). Absent in memories
    /// saved before bindings had their own entries: 0.
    #[serde(default)]
    pub status_index: u32,
    /// The live code's timestamp (seconds since 1970).
    pub timestamp: u32,
    /// When the code stops passing the freshness check (seconds since 1970).
    pub forget_after: i64,
}

/// The set of live codes seen recently.
#[derive(Debug, Clone, Default)]
pub struct ReplayGuard {
    seen: HashMap<(u64, u32, u32), i64>,
    capacity: usize,
    generation: u64,
}

impl ReplayGuard {
    /// An empty guard remembering at most `capacity` codes.
    pub fn new(capacity: usize) -> Self {
        ReplayGuard {
            seen: HashMap::new(),
            capacity: capacity.max(1),
            generation: 0,
        }
    }

    /// Changes each time a code is recorded (and only then): equal before
    /// and after a check means there is nothing new to save. Forgetting
    /// expired codes does not count: a forgotten code fails the staleness
    /// check anyway, so losing that change on a crash is harmless.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Restores persisted entries (expired ones are dropped on the next
    /// check).
    pub fn restore(&mut self, entries: &[ReplayEntry]) {
        for entry in entries {
            self.seen.insert(
                (entry.serial, entry.status_index, entry.timestamp),
                entry.forget_after,
            );
        }
    }

    /// The entries to persist.
    pub fn entries(&self) -> Vec<ReplayEntry> {
        let mut entries: Vec<ReplayEntry> = self
            .seen
            .iter()
            .map(
                |(&(serial, status_index, timestamp), &forget_after)| ReplayEntry {
                    serial,
                    status_index,
                    timestamp,
                    forget_after,
                },
            )
            .collect();
        entries.sort_by_key(|e| (e.forget_after, e.serial, e.status_index, e.timestamp));
        entries
    }

    /// Records the code and says whether it was new. `forget_after` is when
    /// the code would fail the freshness check anyway.
    pub fn first_sighting(
        &mut self,
        serial: Serial,
        status_index: StatusIndex,
        timestamp: u32,
        now: Timestamp,
        forget_after: Timestamp,
    ) -> bool {
        let now_s = now.as_second();
        self.seen.retain(|_, forget| *forget >= now_s);
        let key = (serial.value(), status_index.value(), timestamp);
        if self.seen.contains_key(&key) {
            return false;
        }
        while self.seen.len() >= self.capacity {
            // Soonest to expire first; ties broken by the key, so that what
            // is forgotten does not depend on hash order.
            let Some((_, oldest)) = self.seen.iter().map(|(key, forget)| (*forget, *key)).min()
            else {
                break;
            };
            self.seen.remove(&oldest);
        }
        self.seen.insert(key, forget_after.as_second());
        self.generation = self.generation.wrapping_add(1);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sighting of a card's code on its first binding (index 0), at
    /// `now`, forgotten after `forget` (seconds since 1970).
    fn sight(
        guard: &mut ReplayGuard,
        serial: Serial,
        timestamp: u32,
        now: i64,
        forget: i64,
    ) -> bool {
        guard.first_sighting(
            serial,
            StatusIndex::new(0).unwrap(),
            timestamp,
            at(now),
            at(forget),
        )
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    #[test]
    fn two_phones_of_one_card_showing_codes_in_the_same_second_are_two_codes() {
        let mut guard = ReplayGuard::new(10);
        let serial = Serial::new(42).unwrap();
        let old_phone = StatusIndex::new(7).unwrap();
        let new_phone = StatusIndex::new(9).unwrap();
        assert!(guard.first_sighting(serial, old_phone, 1000, at(1000), at(1030)));
        assert!(guard.first_sighting(serial, new_phone, 1000, at(1000), at(1030)));
        assert!(!guard.first_sighting(serial, new_phone, 1000, at(1001), at(1030)));
        let restored = {
            let mut r = ReplayGuard::new(10);
            r.restore(&guard.entries());
            r
        };
        assert_eq!(restored.entries(), guard.entries());
    }

    #[test]
    fn refuses_a_second_sighting_until_the_code_is_stale_anyway() {
        let mut guard = ReplayGuard::new(10);
        let serial = Serial::new(42).unwrap();
        assert!(sight(&mut guard, serial, 1000, 1000, 1030));
        assert!(!sight(&mut guard, serial, 1000, 1010, 1030));
        assert!(sight(&mut guard, serial, 1005, 1010, 1035));
        // After forget_after the entry is gone (the freshness check refuses
        // the code by then).
        assert!(sight(&mut guard, serial, 1000, 1031, 1030));
    }

    #[test]
    fn memory_is_bounded_and_survives_persistence() {
        let mut guard = ReplayGuard::new(3);
        for i in 0..5u32 {
            let serial = Serial::new(u64::from(i)).unwrap();
            assert!(sight(&mut guard, serial, 1000, 1000, 1030 + i64::from(i)));
        }
        let entries = guard.entries();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries[0].serial, 2,
            "the closest to expiring were forgotten"
        );
        let mut restored = ReplayGuard::new(3);
        restored.restore(&entries);
        assert!(!sight(
            &mut restored,
            Serial::new(4).unwrap(),
            1000,
            1001,
            1034
        ));
    }

    #[test]
    fn the_generation_moves_exactly_when_a_code_is_recorded() {
        let mut guard = ReplayGuard::new(2);
        let serial = Serial::new(7).unwrap();
        let start = guard.generation();
        guard.restore(&[ReplayEntry {
            serial: 1,
            status_index: 0,
            timestamp: 900,
            forget_after: 930,
        }]);
        assert_eq!(guard.generation(), start, "restoring is not recording");
        assert!(sight(&mut guard, serial, 1000, 1000, 1030));
        let recorded = guard.generation();
        assert_ne!(recorded, start);
        // A replay changes nothing; neither does forgetting the expired entry.
        assert!(!sight(&mut guard, serial, 1000, 1001, 1030));
        assert_eq!(guard.generation(), recorded);
        // Recording while full (an eviction) still counts once.
        assert!(sight(&mut guard, serial, 1001, 1001, 1031));
        assert!(sight(&mut guard, serial, 1002, 1002, 1032));
        assert_eq!(guard.generation(), recorded + 2);
        assert_eq!(guard.entries().len(), 2);
    }
}
