//! argon2 runs here: on a few blocking threads (one per core), never while a database connection
//! is held. Callers wait their turn without blocking an async worker; when too many already
//! wait, the request is answered 429 at once instead of queueing without bound.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::error::AppError;
use crate::services::passwords;

pub struct PasswordWorkers {
    running: Semaphore,
    waiting: AtomicUsize,
    backlog: usize,
    checks: Arc<AtomicU64>,
    hashes: Arc<AtomicU64>,
}

/// Callers allowed to wait per worker before new ones are turned away.
const BACKLOG_PER_WORKER: usize = 32;

impl Default for PasswordWorkers {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::new(cores)
    }
}

/// Counts a waiting caller while it waits, however its wait ends.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PasswordWorkers {
    pub fn new(workers: usize) -> Self {
        let workers = workers.max(1);
        PasswordWorkers {
            running: Semaphore::new(workers),
            waiting: AtomicUsize::new(0),
            backlog: workers * BACKLOG_PER_WORKER,
            checks: Arc::new(AtomicU64::new(0)),
            hashes: Arc::new(AtomicU64::new(0)),
        }
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let waiting = Waiting(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.backlog {
            return Err(AppError::RateLimited(1));
        }
        let _turn = self.running.acquire().await.map_err(|e| AppError::Internal(format!("password workers: {e}")))?;
        drop(waiting);
        actix_web::rt::task::spawn_blocking(f)
            .await
            .map_err(|e| AppError::Internal(format!("password worker: {e}")))
    }

    /// True when new work would be turned away: callers can answer before doing anything else.
    pub fn full(&self) -> bool {
        self.waiting.load(Ordering::SeqCst) >= self.backlog
    }

    /// Exactly one argon2 check, real or dummy (see `passwords::check`).
    pub async fn check(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        let checks = self.checks.clone();
        self.run(move || {
            checks.fetch_add(1, Ordering::SeqCst);
            passwords::check(&password, stored.as_deref())
        })
        .await
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let hashes = self.hashes.clone();
        self.run(move || {
            hashes.fetch_add(1, Ordering::SeqCst);
            passwords::hash(&password)
        })
        .await?
    }

    /// Password checks done so far, for /metrics.
    pub fn checks(&self) -> u64 {
        self.checks.load(Ordering::SeqCst)
    }

    /// Passwords hashed so far, for /metrics.
    pub fn hashes(&self) -> u64 {
        self.hashes.load(Ordering::SeqCst)
    }
}
