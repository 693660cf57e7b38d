//! [`Issued`]: the map behind every credential a client can make the sandbox issue
//! (OAuth codes, access and refresh tokens, OPCard tokens, card-display tokens). It keeps
//! issue order, so expired entries are swept from the oldest end and, when the bound is
//! reached, the oldest goes first: the same requests always drop the same entries.

use std::collections::VecDeque;

use foldhash::HashMap;

/// How many live entries of one kind a tenant keeps unless told otherwise.
pub const DEFAULT_LIMIT: usize = 1000;

#[derive(Debug, Clone)]
pub struct Issued<V> {
    map: HashMap<String, V>,
    /// Keys in issue order; may hold keys already removed (skipped, and compacted away).
    order: VecDeque<String>,
    limit: usize,
}

impl<V> Default for Issued<V> {
    fn default() -> Self {
        Self::with_limit(DEFAULT_LIMIT)
    }
}

impl<V> Issued<V> {
    pub fn with_limit(limit: usize) -> Self {
        Self {
            map: HashMap::default(),
            order: VecDeque::new(),
            limit: limit.max(1),
        }
    }

    /// Changes the bound; entries beyond it go at the next insert.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(1);
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Files `key`; answers the keys dropped to stay within the bound, oldest first.
    pub fn insert(&mut self, key: String, value: V) -> Vec<String> {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
        }
        let mut dropped = Vec::new();
        while self.map.len() > self.limit {
            match self.order.pop_front() {
                Some(old) => {
                    if self.map.remove(&old).is_some() {
                        dropped.push(old);
                    }
                }
                None => break,
            }
        }
        dropped
    }

    /// Drops entries from the oldest end while `expired` says so; answers their keys.
    pub fn sweep(&mut self, mut expired: impl FnMut(&V) -> bool) -> Vec<String> {
        let mut dropped = Vec::new();
        while let Some(front) = self.order.front() {
            match self.map.get(front) {
                None => {
                    self.order.pop_front();
                }
                Some(v) if expired(v) => {
                    if let Some(key) = self.order.pop_front() {
                        self.map.remove(&key);
                        dropped.push(key);
                    }
                }
                Some(_) => break,
            }
        }
        dropped
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(key)
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let removed = self.map.remove(key);
        if self.order.len() > 2 * self.map.len() + 16 {
            let map = &self.map;
            self.order.retain(|k| map.contains_key(k));
        }
        removed
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Entries in issue order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.order.iter().filter_map(|k| self.map.get_key_value(k))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.iter().map(|(k, _)| k)
    }
}

/// Builds from entries given in issue order, under [`DEFAULT_LIMIT`].
impl<V> FromIterator<(String, V)> for Issued<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut issued = Self::default();
        for (k, v) in iter {
            issued.insert(k, v);
        }
        issued
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_go_first_and_sweeps_stop_at_the_first_live_entry() {
        let mut issued = Issued::with_limit(3);
        for i in 0..5 {
            let dropped = issued.insert(format!("k{i}"), i);
            assert_eq!(dropped.len(), usize::from(i >= 3));
        }
        let keys: Vec<&String> = issued.keys().collect();
        assert_eq!(keys, ["k2", "k3", "k4"]);
        assert_eq!(issued.sweep(|v| *v < 4), ["k2", "k3"]);
        assert_eq!(issued.len(), 1);
    }

    #[test]
    fn removals_never_let_the_order_grow_without_bound() {
        let mut issued = Issued::with_limit(1000);
        for i in 0..100_000 {
            issued.insert(format!("k{i}"), i);
            issued.remove(&format!("k{i}"));
        }
        assert!(issued.is_empty());
        assert!(issued.order.len() <= 17, "{}", issued.order.len());
    }
}
