//! `Chunked<T>`: an append-only list kept in chunks of [`CHUNK`] elements, for the lists
//! that grow with every request a tenant serves (HyperCard's records, the ledger's
//! entries). A `Vec` that fills up moves every element it holds to a new allocation
//! twice its size, under the tenant's lock: at a million records that is hundreds of
//! megabytes copied while every request of the tenant waits. Here only the last chunk
//! grows, like a `Vec`, up to `CHUNK` elements; then a new chunk starts and the full ones
//! never move again. A small list is one small `Vec`, so an idle tenant pays nothing for
//! it. Positions are stable and index in constant time (ARCHITECTURE.md, "Performance").

use std::fmt;
use std::ops::{Index, IndexMut};

/// Elements per chunk: a power of two, so a position splits with a shift and a mask.
const CHUNK_BITS: u32 = 12;
pub const CHUNK: usize = 1 << CHUNK_BITS;

/// An append-only list in chunks of [`CHUNK`] elements; see the module header.
#[derive(Clone, PartialEq)]
pub struct Chunked<T> {
    /// Every chunk but the last holds exactly `CHUNK` elements; the last holds 1 to
    /// `CHUNK`. No empty chunk is kept.
    chunks: Vec<Vec<T>>,
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

    /// Appends `value` at position `len()`.
    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => last.push(value),
            _ => {
                // The first chunk grows from nothing, like a Vec; later ones start at
                // their full size, as the list has shown it will fill them.
                let mut chunk = if self.chunks.is_empty() {
                    Vec::new()
                } else {
                    Vec::with_capacity(CHUNK)
                };
                chunk.push(value);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks
            .get(index >> CHUNK_BITS)
            .and_then(|chunk| chunk.get(index & (CHUNK - 1)))
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        self.chunks
            .get_mut(index >> CHUNK_BITS)
            .and_then(|chunk| chunk.get_mut(index & (CHUNK - 1)))
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last().and_then(|chunk| chunk.last())
    }

    /// Every element in position order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone {
        self.chunks.iter().flatten()
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
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

impl<T> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        let len = self.len;
        match self.get_mut(index) {
            Some(value) => value,
            None => panic!("index {index} out of a list of {len}"),
        }
    }
}

impl<T> FromIterator<T> for Chunked<T> {
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
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
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
