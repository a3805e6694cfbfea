use std::sync::mpsc;

use crate::config::Config;
use crate::db::{DbConn, Pool};
use crate::error::AppError;
use crate::web::metrics::Metrics;
use crate::web::ratelimit::RateLimiter;

/// Everything a handler may need, built once at start-up.
pub struct AppState {
    pub config: Config,
    pub pool: Pool,
    pub backend: &'static str,
    pub mail_wake: mpsc::Sender<()>,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    /// Where passwords are hashed and checked, outside the database pool.
    pub passwords: crate::web::password_workers::PasswordWorkers,
    pub search: std::sync::Arc<crate::search::SearchIndex>,
    /// Wakes the indexer; while this sender lives, the indexer thread runs.
    pub search_wake: mpsc::Sender<()>,
    pub pages: crate::web::page_cache::PageCache,
    /// `config.base_url`, shared with every request's view context without copying.
    pub base_url: std::sync::Arc<str>,
}

impl AppState {
    /// Runs blocking database work on actix's blocking pool, never on an async worker.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
    }

    /// Tells the mail sender (and the indexer) that new rows are waiting: the changes that
    /// send mail are the ones that change what search shows.
    pub fn wake_mailer(&self) {
        let _ = self.mail_wake.send(());
        let _ = self.search_wake.send(());
    }
}
