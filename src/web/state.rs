use crate::background::{Wake, Workers};
use crate::config::Config;
use crate::db::{DbConn, Pool};
use crate::error::AppError;
use crate::services::communities::{self, Access};
use crate::web::metrics::Metrics;
use crate::web::page_cache::{Stamp, ViewCache};
use crate::web::ratelimit::RateLimiter;
use crate::web::visit::Visit;

/// The data behind the registry's pictures, kept like the lists' (they change only by a write
/// or from the command line, both of which move the stamp).
pub struct RegistryPictures {
    pub overview: ViewCache<crate::services::registry::Overview>,
    /// By language (the labels of states, sectors and stages).
    pub charts: ViewCache<crate::services::registry::StageCharts>,
}

impl Default for RegistryPictures {
    fn default() -> Self {
        let life = std::time::Duration::from_secs(30);
        RegistryPictures { overview: ViewCache::with_life(life), charts: ViewCache::with_life(life) }
    }
}

/// Everything a handler may need, built once at start-up.
pub struct AppState {
    pub config: Config,
    /// What the use cases are given about where they run (mail domain, base URL, folders).
    pub env: std::sync::Arc<crate::services::Env>,
    pub pool: Pool,
    pub backend: &'static str,
    pub mail_wake: Wake,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    /// Where passwords are hashed and checked, outside the database pool.
    pub passwords: crate::web::password_workers::PasswordWorkers,
    pub search: std::sync::Arc<crate::search::SearchIndex>,
    pub search_wake: Wake,
    /// The mail sender, the indexer, the scheduler and the change watch (stopped by `serve`).
    pub workers: std::sync::Arc<Workers>,
    pub pages: crate::web::page_cache::PageCache,
    /// Knowledge pages' data for readers who edit none.
    pub page_views: ViewCache<crate::services::knowledge::PageView>,
    /// Who each session belongs to, for requests that only read (keyed by the token's hash).
    pub principals: ViewCache<crate::services::accounts::Principal>,
    /// Readers' standing in communities, for requests that only read.
    pub standings: ViewCache<Access>,
    /// Threads' data before any reader's rights are applied.
    pub threads: ViewCache<communities::ThreadData>,
    /// Registry lists' data (records and counts) and rendered bodies, by kind, filters, page
    /// and language.
    pub registry_lists: ViewCache<crate::web::registry::KeptList>,
    /// The home page's counts, themes and newest solutions.
    pub home: ViewCache<crate::services::home::Home>,
    /// The registry front page's counts and the charts of initiatives by stage.
    pub registry_pictures: RegistryPictures,
    /// Every vocabulary's terms (themes, sectors, the registry's), read once per change: each
    /// request's view context carries them for labels and form options. A term edited by an
    /// administrator is a write, which moves the stamp here and, through the change stamp, in
    /// every other process.
    pub terms: ViewCache<crate::services::registry::Vocabs>,
    /// `config.base_url`, shared with every request's view context without copying.
    pub base_url: std::sync::Arc<str>,
    /// Held while the portal serves, so maintenance commands see it (db/serving.rs).
    pub serving: crate::db::serving::ServingLock,
}

impl AppState {
    /// Runs database work that only reads, off the async workers.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        crate::web::blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs database work that writes, then wakes the mail sender and the indexer, whose
    /// outboxes the write may have filled. Waking is a flag and a notify, cheap enough to do
    /// after every write whatever its outcome: some refusals commit mail before they return
    /// their error (a sign-in to an unconfirmed account sends a fresh link; a bulk decision
    /// keeps the posts decided before a failure).
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let result = self.db(f).await;
        self.wake();
        result
    }

    /// The visitor's standing in the community named `slug`, for a handler with nothing else
    /// to ask the database before heavy work.
    pub async fn access(&self, slug: String, visit: &Visit) -> Result<Access, AppError> {
        self.with_access(slug, visit, |_, _| Ok(())).await.map(|(a, ())| a)
    }

    /// Resolves the visitor's standing in the community named `slug`, then reads with it: one
    /// blocking call on one pooled connection. The standing comes back for the page.
    pub async fn with_access<T, F>(&self, slug: String, visit: &Visit, f: F) -> Result<(Access, T), AppError>
    where
        F: FnOnce(&mut DbConn, &Access) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.db(in_community(slug, visit, f)).await
    }

    /// The visitor's standing in the community named `slug`, for pages that only read: kept
    /// per reader and community under the signed-in stamp, so a membership or role decided
    /// anywhere is seen at the next request.
    pub async fn standing(&self, slug: String, visit: &Visit) -> Result<std::sync::Arc<Access>, AppError> {
        let key = format!("{}/{slug}", visit.principal.as_ref().map_or(0, |p| p.user.id));
        let stamp = self.pages.signed_in_stamp(self.search.generation());
        let principal = visit.principal.clone();
        self.kept(&self.standings, key, stamp, move |c| communities::access(c, &slug, principal.as_deref())).await
    }

    /// `cache`'s view for `key` while `stamp` holds, or else `read` from the database and kept
    /// under `stamp` (taken before the read). A read that fails forgets the key, so the old
    /// copy is not served on to other readers meanwhile.
    pub async fn kept<T, F>(&self, cache: &ViewCache<T>, key: String, stamp: Stamp, read: F) -> Result<std::sync::Arc<T>, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(v) = cache.get(&key, stamp) {
            return Ok(v);
        }
        match self.db(read).await {
            Ok(v) => {
                let v = std::sync::Arc::new(v);
                cache.put(key, stamp, v.clone());
                Ok(v)
            }
            Err(e) => {
                cache.remove(&key);
                Err(e)
            }
        }
    }

    /// The vocabularies as of the last change (see `terms`).
    pub async fn vocabularies(&self) -> Result<std::sync::Arc<crate::services::registry::Vocabs>, AppError> {
        let stamp = self.pages.stamp(self.search.generation());
        self.kept(&self.terms, String::new(), stamp, crate::services::registry::Vocabs::load).await
    }

    /// As `with_access`, for work that writes (see `write`).
    pub async fn write_with_access<T, F>(&self, slug: String, visit: &Visit, f: F) -> Result<(Access, T), AppError>
    where
        F: FnOnce(&mut DbConn, &Access) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.write(in_community(slug, visit, f)).await
    }

    /// The changes that send mail are the ones that change what search shows, so both wake.
    fn wake(&self) {
        self.mail_wake.wake();
        self.search_wake.wake();
    }
}

/// `f` run with the visitor's standing in the community named `slug`, as one database job.
fn in_community<T, F>(slug: String, visit: &Visit, f: F) -> impl FnOnce(&mut DbConn) -> Result<(Access, T), AppError> + Send + 'static
where
    F: FnOnce(&mut DbConn, &Access) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let principal = visit.principal.clone();
    move |conn| {
        let access = communities::access(conn, &slug, principal.as_deref())?;
        let value = f(conn, &access)?;
        Ok((access, value))
    }
}
