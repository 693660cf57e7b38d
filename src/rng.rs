//! The seeded random source for generated data (activity generators, believable names,
//! amounts and times).
//!
//! One ChaCha20 stream per tenant, separate from the id stream, so generators can draw
//! freely without shifting ids. Nothing else in the sandbox may use a thread RNG.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rust_decimal::Decimal;

/// The ChaCha stream generated data is drawn from (ids use stream 1).
const DATA_STREAM: u64 = 2;

#[derive(Debug, Clone)]
pub struct DataRng {
    rng: ChaCha20Rng,
}

impl DataRng {
    pub fn new(seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        rng.set_stream(DATA_STREAM);
        Self { rng }
    }

    /// Continues a generator from an exported stream position.
    pub fn restore(seed: u64, word_pos: u128) -> Self {
        let mut rng = Self::new(seed);
        rng.rng.set_word_pos(word_pos);
        rng
    }

    pub fn word_pos(&self) -> u128 {
        self.rng.get_word_pos()
    }

    /// A whole number in `low..=high` (`high` below `low` gives `low`).
    pub fn int_between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        self.rng.random_range(low..=high)
    }

    /// A decimal in `low..=high` with `scale` decimals, drawn uniformly over its steps.
    pub fn decimal_between(&mut self, low: Decimal, high: Decimal, scale: u32) -> Decimal {
        let step = Decimal::new(1, scale);
        let steps = ((high - low) / step).floor();
        let steps = i64::try_from(steps.mantissa() / 10i128.pow(steps.scale())).unwrap_or(0);
        let pick = self.int_between(0, steps.max(0));
        low + step * Decimal::from(pick)
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            return None;
        }
        items.get(self.rng.random_range(0..items.len()))
    }

    /// True with probability `p` (clamped to 0..=1).
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// The underlying generator, for crates that take an `Rng` (fake data).
    pub fn as_rng(&mut self) -> &mut ChaCha20Rng {
        &mut self.rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_stay_in_range_with_the_asked_scale() {
        let mut rng = DataRng::new(3);
        let low = Decimal::new(100, 2);
        let high = Decimal::new(500, 2);
        for _ in 0..200 {
            let d = rng.decimal_between(low, high, 2);
            assert!(d >= low && d <= high, "{d}");
            assert!(d.scale() <= 2);
        }
    }

    #[test]
    fn restored_stream_continues_identically() {
        let mut a = DataRng::new(9);
        a.int_between(0, 1000);
        let mut b = DataRng::restore(9, a.word_pos());
        assert_eq!(a.int_between(0, 1_000_000), b.int_between(0, 1_000_000));
    }
}
