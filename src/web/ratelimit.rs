//! Sliding-window counters in memory, keyed by purpose and address or account.
//! Per process; `web::cluster` puts the database's shared buckets behind this table, so that
//! limits hold across several portal processes while this table still turns a flood away
//! without a query.
//!
//! Keys come from client input (addresses, account names), so the table keeps only a fixed-size
//! hash of each key, at most `MAX_HITS` times per key and at most `capacity` keys. When full it
//! forgets idle keys first, then the least recently used of the keys less than half way to their
//! limit; a key at or near its limit is never forgotten inside its window (else a flood of new
//! keys would hand an attacker fresh guesses). When nothing may be forgotten, a new key is
//! refused instead.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys held at most, unless built `with_capacity`.
pub const DEFAULT_CAPACITY: usize = 100_000;
/// Hits remembered per key; no limit in the portal counts more than this.
const MAX_HITS: usize = 1024;
/// The longest window any limit uses.
const LONGEST_WINDOW: Duration = Duration::from_secs(3600);
/// After a full table was found with nothing to forget, new keys are refused this long without
/// looking again, so a flood costs one scan per interval, not one per request.
const RESCAN_AFTER: Duration = Duration::from_secs(1);

type Key = [u8; 16];

/// A key's recent hits and the limit it was last checked against (none when only recorded).
#[derive(Default)]
struct Entry {
    times: VecDeque<Instant>,
    limit: Option<(usize, Duration)>,
    /// A refusal was already reported since the key was last allowed.
    refusal_told: bool,
    /// Refused until then: another process counted the key to its limit.
    blocked_until: Option<Instant>,
}

impl Entry {
    fn window(&self) -> Duration {
        self.limit.map_or(LONGEST_WINDOW, |(_, w)| w)
    }

    fn blocked(&self, now: Instant) -> bool {
        self.blocked_until.is_some_and(|until| now < until)
    }

    fn idle(&self, now: Instant) -> bool {
        !self.blocked(now) && self.times.back().is_none_or(|t| now.duration_since(*t) >= self.window())
    }

    /// Less than half way to its limit inside its window: safe to forget when the table is full.
    fn far_from_limit(&self, now: Instant) -> bool {
        let window = self.window();
        let inside = self.times.iter().filter(|t| now.duration_since(**t) < window).count();
        !self.blocked(now) && self.limit.is_none_or(|(max, _)| 2 * inside < max)
    }
}

struct Table {
    keys: HashMap<Key, Entry>,
    /// Set when the table was full of keys near their limit: until then new keys are refused.
    full_until: Option<Instant>,
}

pub struct RateLimiter {
    hits: Mutex<Table>,
    capacity: usize,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

/// Err(seconds to wait) when the key already has `max` hits inside `window`.
fn check_in(table: &mut Table, key: &Key, max: usize, window: Duration, now: Instant) -> Result<(), u64> {
    let Some(e) = table.keys.get_mut(key) else { return Ok(()) };
    e.limit = Some((max, window));
    if let Some(until) = e.blocked_until {
        if now < until {
            return Err(until.duration_since(now).as_secs().max(1));
        }
        e.blocked_until = None;
    }
    let q = &mut e.times;
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

/// The fixed-size name of a key (`db::cluster::key_of`): shared buckets in the database use
/// the same name, so no address or email is stored there either.
pub fn key_of(key: &str) -> Key {
    crate::db::cluster::key_of(key)
}

/// What `hit` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// Allowed and counted.
    Counted,
    /// Refused; this is the first refusal since the key was last allowed (log it once).
    FirstRefused(u64),
    /// Refused again.
    Refused(u64),
}

impl Hit {
    pub fn result(self) -> Result<(), u64> {
        match self {
            Hit::Counted => Ok(()),
            Hit::FirstRefused(secs) | Hit::Refused(secs) => Err(secs),
        }
    }
}

impl RateLimiter {
    pub fn with_capacity(capacity: usize) -> Self {
        RateLimiter { hits: Mutex::new(Table { keys: HashMap::new(), full_until: None }), capacity: capacity.max(1) }
    }

    /// Err(seconds to wait) when `key` already has `max` hits inside `window`.
    pub fn check(&self, key: &str, max: usize, window: Duration) -> Result<(), u64> {
        let mut table = self.hits.lock().expect("rate limiter lock");
        check_in(&mut table, &key_of(key), max, window, Instant::now())
    }

    /// Counts a hit without a check; when the table is full of keys near their limit, a new key
    /// is not counted.
    pub fn record(&self, key: &str) {
        let mut table = self.hits.lock().expect("rate limiter lock");
        let _ = self.record_in(&mut table, key_of(key), Instant::now());
    }

    /// Err(seconds) when `key` is new and there is no room for it.
    fn record_in(&self, table: &mut Table, key: Key, now: Instant) -> Result<(), u64> {
        if !table.keys.contains_key(&key) && table.keys.len() >= self.capacity {
            make_room(table, self.capacity, now)?;
        }
        let q = &mut table.keys.entry(key).or_default().times;
        if q.len() >= MAX_HITS {
            q.pop_front();
        }
        q.push_back(now);
        Ok(())
    }

    /// Checks and, if allowed, counts this hit.
    /// Under one lock, so concurrent requests cannot all pass the check before any is counted.
    pub fn hit(&self, key: &str, max: usize, window: Duration) -> Result<(), u64> {
        self.hit_once(key, max, window).result()
    }

    /// Like `hit`, and tells the first refusal of a key apart from the ones after it, until the
    /// key is allowed again: one report per limited key per window.
    pub fn hit_once(&self, key: &str, max: usize, window: Duration) -> Hit {
        let (key, now) = (key_of(key), Instant::now());
        let mut table = self.hits.lock().expect("rate limiter lock");
        match check_in(&mut table, &key, max, window, now) {
            Ok(()) => match self.record_in(&mut table, key, now) {
                Ok(()) => {
                    if let Some(e) = table.keys.get_mut(&key) {
                        e.limit = Some((max, window));
                        e.refusal_told = false;
                    }
                    Hit::Counted
                }
                Err(secs) => Hit::Refused(secs),
            },
            Err(secs) => {
                let e = table.keys.get_mut(&key).expect("a refused key is held");
                if std::mem::replace(&mut e.refusal_told, true) {
                    Hit::Refused(secs)
                } else {
                    Hit::FirstRefused(secs)
                }
            }
        }
    }

    /// Takes back the newest hit of `key` (an attempt that turned out to be a person's own).
    pub fn forget_last(&self, key: &str) {
        let mut table = self.hits.lock().expect("rate limiter lock");
        if let Some(e) = table.keys.get_mut(&key_of(key)) {
            e.times.pop_back();
            table.full_until = None;
        }
    }

    /// Refuses `key` for `secs` without counting: another process counted it to its limit.
    /// Its next refusals here are not first ones (the first was reported where it happened).
    /// A key not held is added only when there is room; without one the shared count still
    /// refuses it.
    pub fn block(&self, key: &str, secs: u64) {
        let (key, now) = (key_of(key), Instant::now());
        let mut table = self.hits.lock().expect("rate limiter lock");
        if !table.keys.contains_key(&key) && table.keys.len() >= self.capacity {
            return;
        }
        let e = table.keys.entry(key).or_default();
        e.blocked_until = Some(now + Duration::from_secs(secs));
        e.refusal_told = true;
    }

    pub fn clear(&self, key: &str) {
        let mut table = self.hits.lock().expect("rate limiter lock");
        if table.keys.remove(&key_of(key)).is_some() {
            table.full_until = None;
        }
    }

    /// Keys held now (shown in /metrics).
    pub fn len(&self) -> usize {
        self.hits.lock().expect("rate limiter lock").keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Forgets idle keys; if that frees too little, up to a tenth of the table from the least
/// recently used keys far from their limit, so a full table costs one sort per `capacity / 10`
/// new keys. Err(seconds) when nothing may be forgotten: the new key is refused, and for
/// `RESCAN_AFTER` later ones too without another scan.
fn make_room(table: &mut Table, capacity: usize, now: Instant) -> Result<(), u64> {
    if table.full_until.is_some_and(|until| now < until) {
        return Err(RESCAN_AFTER.as_secs().max(1));
    }
    table.keys.retain(|_, e| !e.idle(now));
    if table.keys.len() < capacity {
        table.full_until = None;
        return Ok(());
    }
    let mut last: Vec<(Instant, Key)> = table
        .keys
        .iter()
        .filter(|(_, e)| e.far_from_limit(now))
        .map(|(k, e)| (e.times.back().copied().unwrap_or(now), *k))
        .collect();
    if last.is_empty() {
        table.full_until = Some(now + RESCAN_AFTER);
        return Err(RESCAN_AFTER.as_secs().max(1));
    }
    last.sort_unstable();
    let drop = (capacity / 10).max(1).max(table.keys.len() + 1 - capacity);
    for (_, k) in last.into_iter().take(drop) {
        table.keys.remove(&k);
    }
    table.full_until = None;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_limited_key_survives_a_flood_of_new_keys() {
        let limiter = RateLimiter::with_capacity(100);
        for _ in 0..5 {
            limiter.hit("login-email:victim", 5, HOUR).unwrap();
        }
        // Near its limit (3 of 5) is kept too; a key used once is fair game.
        for _ in 0..3 {
            limiter.hit("login-email:near", 5, HOUR).unwrap();
        }
        for i in 0..10_000 {
            let _ = limiter.hit(&format!("login-email:random{i}"), 5, HOUR);
            assert!(limiter.len() <= 100, "bounded: {}", limiter.len());
        }
        assert!(limiter.hit("login-email:victim", 5, HOUR).is_err(), "still limited");
        for _ in 0..2 {
            limiter.hit("login-email:near", 5, HOUR).unwrap();
        }
        assert!(limiter.hit("login-email:near", 5, HOUR).is_err(), "its hits were kept");
    }

    #[test]
    fn a_table_full_of_limited_keys_refuses_new_keys_rather_than_forget_one() {
        let limiter = RateLimiter::with_capacity(10);
        for i in 0..10 {
            for _ in 0..2 {
                limiter.hit(&format!("k{i}"), 2, HOUR).unwrap();
            }
        }
        assert!(limiter.hit("new", 2, HOUR).is_err(), "no room: refused");
        assert_eq!(limiter.len(), 10);
        for i in 0..10 {
            assert!(limiter.hit(&format!("k{i}"), 2, HOUR).is_err(), "k{i} still limited");
        }
        // A key nobody limits yet is forgotten first, but only when it is far from any limit.
        limiter.clear("k0");
        limiter.record("counted");
        assert_eq!(limiter.len(), 10);
        assert!(limiter.hit("other", 2, HOUR).is_ok(), "room made by forgetting \"counted\"");
        assert_eq!(limiter.len(), 10);
        for i in 1..10 {
            assert!(limiter.check(&format!("k{i}"), 2, HOUR).is_err(), "k{i} still limited");
        }
    }

    #[test]
    fn a_key_blocked_by_another_process_is_refused_here_until_then() {
        let limiter = RateLimiter::with_capacity(10);
        let w = Duration::from_secs(3600);
        assert_eq!(limiter.hit_once("k", 5, w), Hit::Counted);
        limiter.forget_last("k");
        limiter.block("k", 30);
        assert!(matches!(limiter.hit_once("k", 5, w), Hit::Refused(s) if (1..=30).contains(&s)), "refused, and not told again");
        assert!(limiter.check("k", 5, w).is_err());
        limiter.block("other", 0);
        assert_eq!(limiter.hit_once("other", 5, w), Hit::Counted, "a block that has ended refuses nothing");
        // A blocked key is never forgotten to make room.
        for i in 0..20 {
            let _ = limiter.hit(&format!("new{i}"), 5, w);
        }
        assert!(limiter.check("k", 5, w).is_err(), "still blocked");
        limiter.clear("k");
        assert_eq!(limiter.hit_once("k", 5, w), Hit::Counted);
    }

    #[test]
    fn the_first_refusal_of_a_key_is_told_once_per_window() {
        let limiter = RateLimiter::with_capacity(10);
        let w = Duration::from_secs(3600);
        assert_eq!(limiter.hit_once("k", 1, w), Hit::Counted);
        assert!(matches!(limiter.hit_once("k", 1, w), Hit::FirstRefused(_)));
        assert!(matches!(limiter.hit_once("k", 1, w), Hit::Refused(_)));
        assert!(matches!(limiter.hit_once("k", 1, w), Hit::Refused(_)));
        // Allowed again (here: its hit taken back), the next refusal is told again.
        limiter.forget_last("k");
        assert_eq!(limiter.hit_once("k", 1, w), Hit::Counted);
        assert!(matches!(limiter.hit_once("k", 1, w), Hit::FirstRefused(_)));
    }
}
