//! argon2 runs here: on a few blocking threads (one per core), never while a database connection
//! is held. Callers wait their turn without blocking an async worker; when too many already
//! wait, the request is answered 429 at once instead of queueing without bound.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::error::AppError;
use crate::services::passwords;

pub struct PasswordWorkers {
    /// One permit per worker; a permit moves into the blocking work and is freed only when the
    /// hash is done, even if the request that asked for it has gone.
    running: Arc<Semaphore>,
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
            running: Arc::new(Semaphore::new(workers)),
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
        let turn = self.running.clone().acquire_owned().await.map_err(|e| AppError::Internal(format!("password workers: {e}")))?;
        drop(waiting);
        actix_web::rt::task::spawn_blocking(move || {
            let _turn = turn;
            f()
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// Waits for `cond` with a generous deadline, yielding to the runtime in between.
    async fn until(what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !cond() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[test]
    fn a_dropped_request_keeps_its_worker_until_the_hash_is_done() {
        actix_web::rt::System::new().block_on(async {
            let workers = Arc::new(PasswordWorkers::new(1));
            let (started_tx, started_rx) = mpsc::channel();
            let (release_tx, release_rx) = mpsc::channel::<()>();
            let w = workers.clone();
            let request = actix_web::rt::spawn(async move {
                w.run(move || {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                })
                .await
            });
            until("the work to start", || started_rx.try_recv().is_ok()).await;
            // The client hangs up: actix drops the handler's future.
            request.abort();
            assert!(request.await.is_err(), "the request was cancelled");
            assert_eq!(workers.running.available_permits(), 0, "the work still runs, so its permit is still taken");
            release_tx.send(()).unwrap();
            until("the permit to come back", || workers.running.available_permits() == 1).await;
        });
    }
}
