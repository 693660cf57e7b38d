//! `Chunked<T>`: an append-only list kept in chunks of [`CHUNK`] elements, for the lists
//! that grow with every request a tenant serves (HyperCard's records, the ledger's
//! entries, Interlace's card and business account transactions). A `Vec` that fills up
//! moves every element it holds to a new allocation twice its size, under the tenant's
//! lock: at a million records that is hundreds of megabytes copied while every request
//! of the tenant waits. Here only the last chunk grows, like a `Vec`, up to `CHUNK`
//! elements; then a new chunk starts and the full ones never move again. A small list is
//! one small `Vec`, so an idle tenant pays nothing for it. Positions are stable and
//! index in constant time (ARCHITECTURE.md, "Performance").
//!
//! Chunks are shared between copies: cloning a list copies one pointer a chunk, and a
//! copy writes to a chunk it shares (a push to the last one, [`Chunked::get_mut`])
//! only after copying that chunk for itself (copy on write, `Arc::make_mut`). So a
//! tenant copied from a template (ARCHITECTURE.md, "Tenant templates") shares its
//! history with the template and pays for one chunk of a list the first time it
//! changes that list; what one copy writes no other copy sees.

use std::fmt;
use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// Elements per chunk: a power of two, so a position splits with a shift and a mask;
/// small, so a copy's first write to a shared chunk copies little.
const CHUNK_BITS: u32 = 6;
pub const CHUNK: usize = 1 << CHUNK_BITS;

/// The iterator over a list's elements in position order.
pub type Iter<'a, T> = std::iter::FlatMap<
    std::slice::Iter<'a, Arc<Vec<T>>>,
    std::slice::Iter<'a, T>,
    fn(&'a Arc<Vec<T>>) -> std::slice::Iter<'a, T>,
>;

/// An append-only list in chunks of [`CHUNK`] elements; see the module header.
#[derive(Clone, PartialEq, Eq)]
pub struct Chunked<T> {
    /// Every chunk but the last holds exactly `CHUNK` elements; the last holds 1 to
    /// `CHUNK`. No empty chunk is kept. A chunk may be shared with copies of the list.
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T> Chunked<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks
            .get(index >> CHUNK_BITS)
            .and_then(|chunk| chunk.get(index & (CHUNK - 1)))
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last().and_then(|chunk| chunk.last())
    }

    /// Every element in position order.
    pub fn iter(&self) -> Iter<'_, T> {
        self.chunks.iter().flat_map(chunk_iter)
    }

    /// The position of the last element that matches, searching from the end.
    pub fn rposition(&self, matches: impl FnMut(&T) -> bool) -> Option<usize> {
        let from_end = self.iter().rev().position(matches)?;
        Some(self.len - 1 - from_end)
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }
}

fn chunk_iter<T>(chunk: &Arc<Vec<T>>) -> std::slice::Iter<'_, T> {
    chunk.iter()
}

impl<T: Clone> Chunked<T> {
    /// Appends `value` at position `len()`.
    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => match Arc::get_mut(last) {
                Some(own) => own.push(value),
                None => {
                    // Shared with a copy: this list takes its own, with room to fill.
                    let mut own = Vec::with_capacity(CHUNK);
                    own.extend_from_slice(last);
                    own.push(value);
                    *last = Arc::new(own);
                }
            },
            _ => {
                // The first chunk grows from nothing, like a Vec; later ones start at
                // their full size, as the list has shown it will fill them.
                let mut chunk = if self.chunks.is_empty() {
                    Vec::new()
                } else {
                    Vec::with_capacity(CHUNK)
                };
                chunk.push(value);
                self.chunks.push(Arc::new(chunk));
            }
        }
        self.len += 1;
    }

    /// The element at `index`, its chunk first copied if another list shares it.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        if index >= self.len {
            return None;
        }
        self.chunks
            .get_mut(index >> CHUNK_BITS)
            .and_then(|chunk| Arc::make_mut(chunk).get_mut(index & (CHUNK - 1)))
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        match self.get(index) {
            Some(value) => value,
            None => panic!("index {index} out of a list of {}", self.len),
        }
    }
}

impl<T: Clone> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        let len = self.len;
        match self.get_mut(index) {
            Some(value) => value,
            None => panic!("index {index} out of a list of {len}"),
        }
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut list = Chunked::new();
        for value in iter {
            list.push(value);
        }
        list
    }
}

impl<'a, T> IntoIterator for &'a Chunked<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_survive_chunk_boundaries_and_full_chunks_never_move() {
        let mut list = Chunked::new();
        assert!(list.is_empty() && list.last().is_none() && list.get(0).is_none());
        let n = 3 * CHUNK + 17;
        for i in 0..n {
            list.push(i);
            if i == CHUNK - 1 {
                assert_eq!(list.chunks.len(), 1);
            }
        }
        let first = list.chunks[0].as_ptr();
        for i in 0..CHUNK {
            list.push(n + i);
        }
        assert_eq!(first, list.chunks[0].as_ptr(), "a full chunk moved");
        let n = n + CHUNK;
        assert_eq!(list.len(), n);
        assert!(
            list.chunks[..list.chunks.len() - 1]
                .iter()
                .all(|c| c.len() == CHUNK)
        );
        for i in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1] {
            assert_eq!(list[i], i);
            assert_eq!(list.get(i), Some(&i));
        }
        assert_eq!(list.get(n), None);
        assert_eq!(list.last(), Some(&(n - 1)));
        assert!(list.iter().copied().eq(0..n));
        assert!(list.iter().rev().copied().eq((0..n).rev()));
        assert!((&list).into_iter().copied().eq(0..n));
        assert_eq!(list.rposition(|&v| v == CHUNK + 3), Some(CHUNK + 3));
        assert_eq!(list.rposition(|&v| v < 2), Some(1));
        assert_eq!(list.rposition(|&v| v == n), None);
        list[CHUNK] = 7;
        *list.get_mut(n - 1).expect("the last element") = 9;
        assert_eq!((list[CHUNK], list[n - 1]), (7, 9));
        let copy = list.clone();
        assert_eq!(copy, list);
        let collected: Chunked<usize> = (0..5).collect();
        assert_eq!(format!("{collected:?}"), "[0, 1, 2, 3, 4]");
        list.clear();
        assert!(list.is_empty() && list.iter().next().is_none());
        list.push(1);
        assert_eq!((list.len(), list[0]), (1, 1));
    }

    #[test]
    fn a_copy_shares_every_chunk_until_it_writes_to_one() {
        let n = 3 * CHUNK + 5;
        let original: Chunked<String> = (0..n).map(|i| i.to_string()).collect();
        let mut copy = original.clone();
        let shared = |a: &Chunked<String>, b: &Chunked<String>| {
            a.chunks
                .iter()
                .zip(&b.chunks)
                .map(|(x, y)| Arc::ptr_eq(x, y))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shared(&original, &copy),
            [true; 4],
            "a clone copies no chunk"
        );

        copy[CHUNK + 1] = "changed".to_owned();
        assert_eq!(shared(&original, &copy), [true, false, true, true]);
        assert_eq!(
            original[CHUNK + 1],
            (CHUNK + 1).to_string(),
            "the original kept its own"
        );
        assert_eq!(copy[CHUNK + 1], "changed");

        copy.push("appended".to_owned());
        assert_eq!(shared(&original, &copy), [true, false, true, false]);
        assert_eq!((original.len(), copy.len()), (n, n + 1));
        assert_eq!(
            original.last().map(String::as_str),
            Some((n - 1).to_string().as_str())
        );
        assert_eq!(copy.last().map(String::as_str), Some("appended"));
        assert!(copy.chunks.last().is_some_and(|c| c.capacity() == CHUNK));

        // A chunk no copy shares any more is written in place.
        drop(original);
        let before = Arc::as_ptr(&copy.chunks[0]);
        copy[0] = "in place".to_owned();
        assert_eq!(before, Arc::as_ptr(&copy.chunks[0]));
        assert!(copy.get_mut(n + 1).is_none());
    }

    #[test]
    fn a_small_list_is_one_small_vec() {
        let list: Chunked<u64> = (0..10).collect();
        assert_eq!(list.chunks.len(), 1);
        assert!(list.chunks[0].capacity() < CHUNK);
    }

    #[test]
    #[should_panic(expected = "index 3 out of a list of 3")]
    fn indexing_past_the_end_panics_like_a_vec() {
        let list: Chunked<u8> = (0..3).collect();
        let _ = list[3];
    }
}
