//! Seeded identifiers: UUID-shaped ids, long numeric ids, hex tokens and short display
//! ids, all drawn from one ChaCha20 stream per tenant.
//!
//! This is the only place ids come from (`Uuid::new_v4` and thread RNGs are disallowed
//! elsewhere), so the same seed and the same requests give the same ids. The stream's
//! position is part of a tenant export, so a tenant rebuilt from an export goes on
//! handing out exactly the ids the original would have.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The ChaCha stream ids are drawn from; the data generator uses another one, so the two
/// never share draws.
const ID_STREAM: u64 = 1;

/// Where an [`IdGen`] stands: enough to continue it exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdState {
    pub word_pos: u128,
    pub display_next: u64,
}

#[derive(Debug, Clone)]
pub struct IdGen {
    rng: ChaCha20Rng,
    /// Display ids are sequential from a seeded start, so they are short and unique.
    display_next: u64,
}

impl IdGen {
    pub fn new(seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        rng.set_stream(ID_STREAM);
        let display_next = rng.random_range(2_000_000..2_900_000);
        Self { rng, display_next }
    }

    /// Continues a generator from an exported state.
    pub fn restore(seed: u64, state: IdState) -> Self {
        let mut ids = Self::new(seed);
        ids.rng.set_word_pos(state.word_pos);
        ids.display_next = state.display_next;
        ids
    }

    pub fn state(&self) -> IdState {
        IdState {
            word_pos: self.rng.get_word_pos(),
            display_next: self.display_next,
        }
    }

    /// A lower-case, hyphenated, version-4-shaped UUID.
    pub fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// A numeric string of exactly `digits` digits with no leading zero.
    pub fn numeric(&mut self, digits: usize) -> String {
        let mut out = String::with_capacity(digits);
        for i in 0..digits {
            let low = if i == 0 { 1 } else { 0 };
            let d: u8 = self.rng.random_range(low..10);
            out.push(char::from(b'0' + d));
        }
        out
    }

    /// `len` lower-case hex characters (tokens, trace ids, codes).
    pub fn hex(&mut self, len: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..len)
            .map(|_| char::from(HEX[self.rng.random_range(0..16usize)]))
            .collect()
    }

    /// A short numeric display id (`"2000001"`-like), unique within the tenant.
    pub fn display_id(&mut self) -> String {
        let id = self.display_next;
        self.display_next += 1;
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_ids_and_other_seeds_differ() {
        let draw = |seed| {
            let mut ids = IdGen::new(seed);
            (ids.uuid(), ids.numeric(20), ids.hex(32), ids.display_id())
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn shapes_are_what_providers_expect() {
        let mut ids = IdGen::new(1);
        let uuid = ids.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4', "version nibble: {uuid}");
        let n = ids.numeric(20);
        assert_eq!(n.len(), 20);
        assert!(n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'));
        let h = ids.hex(32);
        assert!(h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let a = ids.display_id();
        let b = ids.display_id();
        assert_eq!(b.parse::<u64>().ok(), a.parse::<u64>().ok().map(|x| x + 1));
    }

    #[test]
    fn a_restored_generator_continues_the_sequence() {
        let mut original = IdGen::new(42);
        original.uuid();
        original.display_id();
        let mut copy = IdGen::restore(42, original.state());
        assert_eq!(copy.uuid(), original.uuid());
        assert_eq!(copy.display_id(), original.display_id());
        assert_eq!(copy.numeric(19), original.numeric(19));
    }
}
