//! Sliding-window counters in memory, keyed by purpose and address or account.
//! Per process: behind several portal processes each enforces its own window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Err(seconds to wait) when `key` already has `max` hits inside `window`.
    pub fn check(&self, key: &str, max: usize, window: Duration) -> Result<(), u64> {
        let now = Instant::now();
        let mut hits = self.hits.lock().expect("rate limiter lock");
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

    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut hits = self.hits.lock().expect("rate limiter lock");
        // Keep memory bounded: forget keys idle for an hour once the map grows.
        if hits.len() > 50_000 {
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < Duration::from_secs(3600)));
        }
        hits.entry(key.to_string()).or_default().push_back(now);
    }

    /// Checks and, if allowed, counts this hit.
    pub fn hit(&self, key: &str, max: usize, window: Duration) -> Result<(), u64> {
        self.check(key, max, window)?;
        self.record(key);
        Ok(())
    }

    pub fn clear(&self, key: &str) {
        self.hits.lock().expect("rate limiter lock").remove(key);
    }
}
