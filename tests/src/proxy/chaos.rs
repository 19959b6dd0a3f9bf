//! Random faults at random moments, drawn from a seeded generator so that a failing run's
//! fault schedule can be replayed (`CHAOS_SEED=…`).

use super::Proxy;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::convert::Infallible;
use std::ops::RangeInclusive;
use std::time::Duration;

/// The environment variable that fixes the seed of [`Chaos::from_env`].
const SEED_VARIABLE: &str = "CHAOS_SEED";

/// A schedule of random faults, each after a random pause: a cut, a stall or a new per-chunk
/// delay. They come in rounds of three holding one of each kind in random order, so that
/// every kind shows up in every round. Build with [`Chaos::new`] or [`Chaos::from_env`], adjust
/// the public fields, and run it with [`Proxy::under_chaos`].
#[derive(Debug, Clone)]
pub struct Chaos {
    /// Seed of the generator that draws the pauses, faults and their sizes.
    pub seed: u64,
    /// Milliseconds between two faults.
    pub pause_ms: RangeInclusive<u64>,
    /// Milliseconds a stall lasts.
    pub stall_ms: RangeInclusive<u64>,
    /// Milliseconds of per-chunk delay (a delay of 0 restores full speed).
    pub delay_ms: RangeInclusive<u64>,
}

/// The kinds of fault.
#[derive(Debug, Clone, Copy)]
enum Fault {
    Cut,
    Stall,
    Delay,
}

impl Chaos {
    /// A schedule from `seed`: a fault every 100–400 ms, stalls of 200–800 ms, delays of up
    /// to 20 ms.
    pub fn new(seed: u64) -> Chaos {
        Chaos {
            seed,
            pause_ms: 100..=400,
            stall_ms: 200..=800,
            delay_ms: 0..=20,
        }
    }

    /// [`Chaos::new`] with the seed in `$CHAOS_SEED`, else a random one.
    pub fn from_env() -> Chaos {
        let seed = std::env::var(SEED_VARIABLE)
            .ok()
            .map(|s| s.parse().expect("the chaos seed must be a u64"))
            .unwrap_or_else(rand::random);
        Chaos::new(seed)
    }

    /// Injects faults into `proxy` forever (until the future is dropped).
    pub(super) async fn run(self, proxy: &Proxy) -> Infallible {
        eprintln!(
            "chaos: seed {} (replay with {SEED_VARIABLE}={})",
            self.seed, self.seed
        );
        let mut rng = StdRng::seed_from_u64(self.seed);
        let mut round = [Fault::Cut, Fault::Stall, Fault::Delay];
        loop {
            round.shuffle(&mut rng);
            for fault in round {
                tokio::time::sleep(millis(&mut rng, &self.pause_ms)).await;
                match fault {
                    Fault::Cut => proxy.cut(),
                    Fault::Stall => proxy.stall(millis(&mut rng, &self.stall_ms)),
                    Fault::Delay => proxy.set_delay(millis(&mut rng, &self.delay_ms)),
                }
            }
        }
    }
}

/// A duration drawn from `range` milliseconds.
fn millis(rng: &mut StdRng, range: &RangeInclusive<u64>) -> Duration {
    Duration::from_millis(rng.random_range(range.clone()))
}
