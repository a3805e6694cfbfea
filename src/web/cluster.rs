//! Several portal processes on one database act as one portal. Rate limits count in the
//! database's shared buckets as well as in this process's table (the table first: a key this
//! process already refuses costs no query). Every write request bumps one shared counter, and
//! each process reads it a few times a second, so its page cache drops what another process
//! changed.
//!
//! Shared on both backends: on SQLite one process serves the file and the buckets only repeat
//! its table, but they cost little there (a hit about 60 µs, on PostgreSQL about 170 µs:
//! benches/shared_state.rs), and one code path is then tested by every sign-in of the suite
//! on both databases.

use std::sync::atomic::Ordering;
use std::sync::Weak;
use std::time::{Duration, Instant};

use crate::db::cluster::{self, Bucket};
use crate::background::Worker;
use crate::db::Pool;
use crate::error::AppError;
use crate::web::page_cache::SharedStamps;
use crate::web::ratelimit::{key_of, Hit};
use crate::web::AppState;

/// How often each process reads the change stamp: a page another process outdated is served
/// from this process's cache for at most about this long.
pub const WATCH_EVERY: Duration = Duration::from_millis(250);
/// How often each process deletes buckets whose windows are long over.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

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

    // The three below follow work that is done (a post saved, a session opened): a failure to
    // count is logged, not turned into an error page for work that succeeded.

    /// Counts a hit on `key` everywhere without a check (its window: the one it is checked with).
    pub async fn record_shared(&self, key: &str, window: Duration) {
        self.limiter.record(key);
        let k = key_of(key);
        logged(self.db(move |c| Ok(cluster::record_bucket(c, &k, millis(window))?)).await);
    }

    /// Takes back the newest hit of `key` everywhere.
    pub async fn forget_last_shared(&self, key: &str) {
        self.limiter.forget_last(key);
        let k = key_of(key);
        logged(self.db(move |c| Ok(cluster::forget_last_hit(c, &k)?)).await);
    }

    pub async fn clear_shared(&self, key: &str) {
        self.limiter.clear(key);
        let k = key_of(key);
        logged(self.db(move |c| Ok(cluster::clear_bucket(c, &k)?)).await);
    }

    /// A write request succeeded. When it may have changed what pages show (`public`) this
    /// process's cache drops them at once, the other processes' on their next read of the
    /// change stamp; either way what is kept for signed-in readers is outdated everywhere.
    pub async fn note_change(&self, public: bool) {
        if public {
            self.pages.note_write();
        } else {
            self.pages.note_private_write();
        }
        if let Err(e) = self.db(move |c| Ok(cluster::bump_changes(c, public)?)).await {
            // The page cache's age limit still bounds how long other processes show old pages.
            tracing::warn!("change stamp not bumped: {e}");
        }
    }
}

fn logged(result: Result<(), AppError>) {
    if let Err(e) = result {
        tracing::warn!("shared rate limit not updated: {e}");
    }
}

/// Reads the change stamp into `seen` every `WATCH_EVERY` and sweeps old buckets, while the
/// portal that owns `seen` lives. Buckets whose window began more than `keep` ago go.
pub fn change_watch(pool: Pool, seen: Weak<SharedStamps>, keep: Duration) -> Worker {
    let mut swept = Instant::now();
    Worker::new("change watch", WATCH_EVERY, move |_| {
        let Some(seen) = seen.upgrade() else { return Ok(0) };
        let mut c = pool.get()?;
        let (changes, writes) = cluster::stamps(&mut c)?;
        seen.changes.store(changes, Ordering::Release);
        seen.writes.store(writes, Ordering::Release);
        if swept.elapsed() >= SWEEP_EVERY {
            swept = Instant::now();
            cluster::sweep_buckets(&mut c, millis(keep))?;
        }
        Ok(1)
    })
    .waiting_first()
}
