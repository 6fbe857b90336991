//! A small seeded random number generator (SplitMix64), so that a tree is byte-identical for a
//! given seed on every machine and every run, without a dependency whose algorithm could change
//! between versions.

/// SplitMix64 (Steele, Lea and Flood, 2014): 64 bits of state, good enough statistical quality
/// for picking words and shapes, and fully specified here.
#[derive(Debug, Clone)]
pub struct Random {
    state: u64,
}

impl Random {
    /// A generator for a seed. The same seed always gives the same sequence.
    pub fn new(seed: u64) -> Random {
        Random { state: seed }
    }

    /// An independent generator for a sub-task (one per workflow, say), so that changing how
    /// much one part draws does not shift every later part.
    pub fn fork(&mut self, salt: u64) -> Random {
        Random::new(self.next_u64() ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`0` when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            return 0;
        }
        // Multiply-shift: unbiased enough for the small bounds used here.
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// True with the given probability in percent.
    pub fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let idx = self.below(items.len());
        items
            .get(idx)
            .or_else(|| items.first())
            .expect("invariant: pick is only called with non-empty word lists")
    }

    /// One item of a table of `(weight, item)` rows.
    pub fn weighted<T: Copy>(&mut self, table: &[(usize, T)]) -> T {
        let total: usize = table.iter().map(|(weight, _)| weight).sum();
        let mut roll = self.below(total);
        for (weight, item) in table {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        table
            .last()
            .map(|(_, item)| *item)
            .expect("invariant: weighted tables are not empty")
    }

    /// Up to `count` distinct items of `items`, in the order of `items`.
    pub fn sample<'a, T>(&mut self, items: &'a [T], count: usize) -> Vec<&'a T> {
        let mut chosen: Vec<usize> = Vec::new();
        let count = count.min(items.len());
        while chosen.len() < count {
            let idx = self.below(items.len());
            if !chosen.contains(&idx) {
                chosen.push(idx);
            }
        }
        chosen.sort_unstable();
        chosen.iter().filter_map(|&idx| items.get(idx)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Random;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Random::new(7);
        let mut b = Random::new(7);
        let first: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
        assert_ne!(
            first,
            (0..8)
                .map(|_| Random::new(8).next_u64())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn bounds_hold() {
        let mut random = Random::new(1);
        for _ in 0..1000 {
            assert!(random.below(5) < 5);
            let value = random.between(3, 6);
            assert!((3..=6).contains(&value));
        }
        assert_eq!(random.below(0), 0);
        assert_eq!(random.sample(&[1, 2, 3], 5).len(), 3);
    }
}
