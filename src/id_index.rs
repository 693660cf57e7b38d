//! `IdIndex`: a map from string ids to small values, for the indexes that grow with
//! every record under a tenant's lock (HyperCard's records by `tx_id` and by trade
//! number). Ordered, like the `BTreeMap` it wraps, so it never rehashes everything at
//! once as a hash map does when it doubles (ARCHITECTURE.md, "Performance"), and with
//! the key held inline: an id of up to [`INLINE`] bytes (HyperCard's own `tx_id`s are
//! 24) lives in the B-tree node itself, so a search compares bytes next to each other
//! instead of following a pointer to every key's own allocation (a cache miss a
//! comparison once the map is large). Longer ids go to a second map of `String`s.
//!
//! The inline order is not the ids' string order, and nothing needs it to be: the index
//! is only ever searched for one id.

use std::collections::BTreeMap;

/// The longest id kept inline, in bytes.
pub const INLINE: usize = 31;

/// An id of at most [`INLINE`] bytes, zero-padded, with its length (so `"a"` and
/// `"a\0"` stay apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Inline {
    bytes: [u8; INLINE],
    len: u8,
}

impl Inline {
    fn new(id: &str) -> Option<Self> {
        let len = u8::try_from(id.len())
            .ok()
            .filter(|&n| usize::from(n) <= INLINE)?;
        let mut bytes = [0; INLINE];
        bytes[..id.len()].copy_from_slice(id.as_bytes());
        Some(Self { bytes, len })
    }
}

/// Ids to values; see the module documentation.
#[derive(Debug, Clone)]
pub struct IdIndex<V> {
    inline: BTreeMap<Inline, V>,
    long: BTreeMap<String, V>,
}

impl<V> Default for IdIndex<V> {
    fn default() -> Self {
        Self {
            inline: BTreeMap::new(),
            long: BTreeMap::new(),
        }
    }
}

impl<V: Copy> IdIndex<V> {
    /// Files `value` under `id`, replacing what was there; the value it replaced.
    pub fn insert(&mut self, id: &str, value: V) -> Option<V> {
        match Inline::new(id) {
            Some(key) => self.inline.insert(key, value),
            None => self.long.insert(id.to_owned(), value),
        }
    }

    pub fn get(&self, id: &str) -> Option<V> {
        match Inline::new(id) {
            Some(key) => self.inline.get(&key).copied(),
            None => self.long.get(id).copied(),
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    pub fn len(&self) -> usize {
        self.inline.len() + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_id_it_was_given() {
        let mut index = IdIndex::default();
        let ids = [
            "",
            "a",
            "a\0",
            "a\0\0",
            "20260601120000123456789",
            "202606011200001234567890",
            "2026060112000012345678901234567",  // 31 bytes: inline
            "20260601120000123456789012345678", // 32 bytes: long
            "é",
            &"x".repeat(300),
        ];
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.insert(id, i), None, "{id:?}");
        }
        assert_eq!(index.len(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(index.get(id), Some(i), "{id:?}");
        }
        for missing in ["b", "a\0\0\0", "2026060112000012345678", &"x".repeat(299)] {
            assert_eq!(index.get(missing), None, "{missing:?}");
            assert!(!index.contains(missing));
        }
        assert_eq!(index.insert("a", 99), Some(1), "a second insert replaces");
        assert_eq!(index.get("a"), Some(99));
        assert_eq!(index.len(), ids.len());
    }

    #[test]
    fn agrees_with_a_plain_map_on_many_ids() {
        let mut index = IdIndex::default();
        let mut plain = BTreeMap::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..20_000_u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let id = format!("{}", state % 10_u64.pow(1 + (state % 38) as u32 % 19))
                .repeat(1 + (state % 3) as usize);
            assert_eq!(index.insert(&id, i), plain.insert(id.clone(), i), "{id}");
        }
        assert_eq!(index.len(), plain.len());
        for (id, &value) in &plain {
            assert_eq!(index.get(id), Some(value), "{id}");
        }
        assert!(index.get("not an id").is_none());
        assert!(!index.is_empty());
    }
}
