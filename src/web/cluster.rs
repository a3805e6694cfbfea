//! Several portal processes on one database act as one portal. Rate limits count in the
//! database's shared buckets as well as in this process's table (the table first: a key this
//! process already refuses costs no query).
//!
//! Shared on both backends: on SQLite one process serves the file and the buckets only repeat
//! its table, but they cost little there (benches/shared_state.rs), and one code path is then
//! tested by every sign-in of the suite on both databases.

use std::time::Duration;

use crate::db::cluster::{self, Bucket};
use crate::error::AppError;
use crate::web::ratelimit::{key_of, Hit};
use crate::web::AppState;

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl AppState {
    /// Checks and, if allowed, counts a hit on `key` in every process's count. Like
    /// `RateLimiter::hit_once`, the first refusal of a key (in any process) since it was last
    /// allowed is `FirstRefused`.
    pub async fn hit_shared(&self, key: &str, max: usize, window: Duration) -> Result<Hit, AppError> {
        let k = key_of(key);
        match self.limiter.hit_once(key, max, window) {
            Hit::Counted => {}
            Hit::FirstRefused(secs) => {
                let first = self.db(move |c| Ok(cluster::note_refusal(c, &k, millis(window))?)).await?;
                return Ok(if first { Hit::FirstRefused(secs) } else { Hit::Refused(secs) });
            }
            refused => return Ok(refused),
        }
        let max = i32::try_from(max).unwrap_or(i32::MAX);
        match self.db(move |c| Ok(cluster::hit_bucket(c, &k, max, millis(window))?)).await {
            Ok(Bucket::Counted) => Ok(Hit::Counted),
            Ok(Bucket::Refused { secs, first }) => {
                // Other processes used the key up: the hit counted here is taken back, and
                // this process refuses the key by itself until the shared window ends.
                self.limiter.forget_last(key);
                self.limiter.block(key, secs);
                Ok(if first { Hit::FirstRefused(secs) } else { Hit::Refused(secs) })
            }
            Err(e) => {
                self.limiter.forget_last(key);
                Err(e)
            }
        }
    }

    /// `hit_shared`, a refusal as `AppError::RateLimited`.
    pub async fn limit_shared(&self, key: &str, max: usize, window: Duration) -> Result<(), AppError> {
        self.hit_shared(key, max, window).await?.result().map_err(AppError::RateLimited)
    }

    /// Refuses when `key` has `max` hits in any process's count; counts nothing.
    pub async fn check_shared(&self, key: &str, max: usize, window: Duration) -> Result<(), AppError> {
        self.limiter.check(key, max, window).map_err(AppError::RateLimited)?;
        let (k, max) = (key_of(key), i32::try_from(max).unwrap_or(i32::MAX));
        match self.db(move |c| Ok(cluster::check_bucket(c, &k, max, millis(window))?)).await? {
            None => Ok(()),
            Some(secs) => {
                self.limiter.block(key, secs);
                Err(AppError::RateLimited(secs))
            }
        }
    }

    /// Counts a hit on `key` everywhere without a check (its window: the one it is checked with).
    pub async fn record_shared(&self, key: &str, window: Duration) -> Result<(), AppError> {
        self.limiter.record(key);
        let k = key_of(key);
        self.db(move |c| Ok(cluster::record_bucket(c, &k, millis(window))?)).await
    }

    /// Takes back the newest hit of `key` everywhere.
    pub async fn forget_last_shared(&self, key: &str) -> Result<(), AppError> {
        self.limiter.forget_last(key);
        let k = key_of(key);
        self.db(move |c| Ok(cluster::forget_last_hit(c, &k)?)).await
    }

    pub async fn clear_shared(&self, key: &str) -> Result<(), AppError> {
        self.limiter.clear(key);
        let k = key_of(key);
        self.db(move |c| Ok(cluster::clear_bucket(c, &k)?)).await
    }
}
