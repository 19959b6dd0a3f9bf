//! Percentiles of latency samples.

use std::time::Duration;

/// The `p`-th percentile (0–100) in microseconds, by nearest rank.
pub fn percentile_us(samples: &mut [Duration], p: f64) -> f64 {
    assert!(!samples.is_empty(), "no samples");
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil().max(1.0) as usize;
    samples[rank.min(samples.len()) - 1].as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let mut s: Vec<_> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile_us(&mut s, 50.0), 50.0);
        assert_eq!(percentile_us(&mut s, 99.0), 99.0);
    }
}
