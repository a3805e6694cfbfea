//! Sliding-window counters in memory, keyed by purpose and address or account.
//! Per process: behind several portal processes each enforces its own window.
//!
//! Keys come from client input (addresses, account names), so the table keeps only a fixed-size
//! hash of each key, at most `MAX_HITS` times per key and at most `capacity` keys: when full it
//! forgets idle keys first, then the least recently used.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Keys held at most, unless built `with_capacity`.
pub const DEFAULT_CAPACITY: usize = 100_000;
/// Hits remembered per key; no limit in the portal counts more than this.
const MAX_HITS: usize = 1024;
/// The longest window any limit uses.
const LONGEST_WINDOW: Duration = Duration::from_secs(3600);

type Key = [u8; 16];

pub struct RateLimiter {
    hits: Mutex<HashMap<Key, VecDeque<Instant>>>,
    capacity: usize,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

/// Err(seconds to wait) when the key already has `max` hits inside `window`.
fn check_in(hits: &mut HashMap<Key, VecDeque<Instant>>, key: &Key, max: usize, window: Duration, now: Instant) -> Result<(), u64> {
    let Some(q) = hits.get_mut(key) else { return Ok(()) };
    while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
        q.pop_front();
    }
    if q.len() >= max {
        let oldest = *q.front().expect("non-empty");
        let wait = window.saturating_sub(now.duration_since(oldest));
        return Err(wait.as_secs().max(1));
    }
    Ok(())
}

fn key_of(key: &str) -> Key {
    let digest = Sha256::digest(key.as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&digest[..16]);
    k
}

impl RateLimiter {
    pub fn with_capacity(capacity: usize) -> Self {
        RateLimiter { hits: Mutex::new(HashMap::new()), capacity: capacity.max(1) }
    }

    /// Err(seconds to wait) when `key` already has `max` hits inside `window`.
    pub fn check(&self, key: &str, max: usize, window: Duration) -> Result<(), u64> {
        let mut hits = self.hits.lock().expect("rate limiter lock");
        check_in(&mut hits, &key_of(key), max, window, Instant::now())
    }

    pub fn record(&self, key: &str) {
        let mut hits = self.hits.lock().expect("rate limiter lock");
        self.record_in(&mut hits, key_of(key), Instant::now());
    }

    fn record_in(&self, hits: &mut HashMap<Key, VecDeque<Instant>>, key: Key, now: Instant) {
        if !hits.contains_key(&key) && hits.len() >= self.capacity {
            make_room(hits, self.capacity, now);
        }
        let q = hits.entry(key).or_default();
        if q.len() >= MAX_HITS {
            q.pop_front();
        }
        q.push_back(now);
    }

    /// Checks and, if allowed, counts this hit.
    /// Under one lock, so concurrent requests cannot all pass the check before any is counted.
    pub fn hit(&self, key: &str, max: usize, window: Duration) -> Result<(), u64> {
        let (key, now) = (key_of(key), Instant::now());
        let mut hits = self.hits.lock().expect("rate limiter lock");
        check_in(&mut hits, &key, max, window, now)?;
        self.record_in(&mut hits, key, now);
        Ok(())
    }

    /// Takes back the newest hit of `key` (an attempt that turned out to be a person's own).
    pub fn forget_last(&self, key: &str) {
        if let Some(q) = self.hits.lock().expect("rate limiter lock").get_mut(&key_of(key)) {
            q.pop_back();
        }
    }

    pub fn clear(&self, key: &str) {
        self.hits.lock().expect("rate limiter lock").remove(&key_of(key));
    }

    /// Keys held now (shown in /metrics).
    pub fn len(&self) -> usize {
        self.hits.lock().expect("rate limiter lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Forgets keys idle longer than any window; if that frees too little, the least recently
/// used tenth, so a full table costs one sort per `capacity / 10` new keys.
fn make_room(hits: &mut HashMap<Key, VecDeque<Instant>>, capacity: usize, now: Instant) {
    hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < LONGEST_WINDOW));
    if hits.len() < capacity {
        return;
    }
    let mut last: Vec<(Instant, Key)> = hits.iter().map(|(k, q)| (q.back().copied().unwrap_or(now), *k)).collect();
    last.sort_unstable();
    let drop = (capacity / 10).max(1).max(hits.len() + 1 - capacity);
    for (_, k) in last.into_iter().take(drop) {
        hits.remove(&k);
    }
}
