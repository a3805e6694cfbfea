//! Finished HTML of public pages for visitors who are not signed in. Rendering a knowledge page
//! takes several queries; most of its readers are anonymous and see the same bytes, so those
//! bytes are kept. An entry is used only while
//! - no write request has succeeded in this process since it was made (any POST may change
//!   what a page shows: a publication, a back-link, a theme hub, a registry record); a refused
//!   one (4xx) wrote nothing, and one marked `NoPublicChange` wrote nothing public,
//! - no write request has finished in any other portal process on the database since, as
//!   far as this process has read the shared change stamp (`web::cluster`, a few times a
//!   second),
//! - the search indexer has applied no change from the database since (that is how changes
//!   made by the command line arrive), and
//! - it is younger than `MAX_AGE`, which bounds everything else (relative dates, changes
//!   made outside a request, a change stamp not read for a while).
//!
//! Pages carrying a CSRF token are never kept: one visitor's token must not reach another.
//!
//! `ViewCache` keeps the data behind pages instead (a page, a thread, who a session belongs to)
//! for readers who are signed in. Those that depend on who someone is follow the signed-in
//! stamp: any successful write, public or not (a sign-out, a password change, a membership
//! decided), here or in another process, outdates them, as do the index and the age limit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::web::Bytes;

use crate::views::Lang;

const MAX_AGE: Duration = Duration::from_secs(5);
/// Beyond this many entries the cache starts again empty: a crawler walking every list filter
/// must not grow it without bound.
const MAX_ENTRIES: usize = 4096;
/// Pages are a few kilobytes; exports of a whole registry list are megabytes and stay out.
const MAX_BODY: usize = 256 * 1024;

/// Marks the answer to a write request that changed nothing a public page shows (a sign-in,
/// a member's own mail settings): the caches keep their pages. Unmarked successful writes
/// drop them, so a handler that forgets the mark costs speed, never correctness.
#[derive(Clone, Copy)]
pub struct NoPublicChange;

/// `res`, marked as changing no public page.
pub fn no_public_change(mut res: actix_web::HttpResponse) -> actix_web::HttpResponse {
    res.extensions_mut().insert(NoPublicChange);
    res
}

/// The route pattern a response came from, for the access log and metrics.
#[derive(Clone)]
pub struct Route(pub String);

#[derive(Clone)]
pub struct Cached {
    pub body: Bytes,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub route: Option<String>,
    made: Instant,
    stamp: Stamp,
}

/// What the world looked like when a render began.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    writes: u64,
    index: i64,
    /// The shared change stamp as this process last read it.
    shared: i64,
}

#[derive(Default)]
pub struct PageCache {
    entries: RwLock<HashMap<(String, Lang), Cached>>,
    /// Successful writes in this process that may have changed a public page.
    writes: AtomicU64,
    /// Successful writes in this process of any kind.
    any_writes: AtomicU64,
    shared: Arc<SharedStamps>,
    hits: AtomicU64,
}

/// The shared counters as this process last read them, written by the change watch
/// (`web::cluster::change_watch`).
#[derive(Default)]
pub struct SharedStamps {
    pub changes: AtomicI64,
    pub writes: AtomicI64,
}

/// Public pages whose HTML depends only on the address, the language and the database.
pub fn applies(path: &str) -> bool {
    let site_page = path.len() > 1 && crate::paths::SITE_PAGES.contains(&&path[1..]);
    let public_area = path == "/" || path == "/kb" || path.starts_with("/kb/") || path == "/registry" || path.starts_with("/registry/") || path == "/communities" || site_page;
    let private = ["/new", "/edit", "/revisions", "/work", "/import", "/review"].iter().any(|p| path.contains(p));
    public_area && !private
}

impl PageCache {
    pub fn stamp(&self, index_generation: i64) -> Stamp {
        Stamp { writes: self.writes.load(Ordering::Acquire), index: index_generation, shared: self.shared.changes.load(Ordering::Acquire) }
    }

    /// The stamp for data that depends on who a signed-in reader is: it moves with every
    /// successful write (a superset of the public one's moves).
    pub fn signed_in_stamp(&self, index_generation: i64) -> Stamp {
        Stamp { writes: self.any_writes.load(Ordering::Acquire), index: index_generation, shared: self.shared.writes.load(Ordering::Acquire) }
    }

    /// Where the change watch writes the shared counters; it stops once the cache is gone.
    pub fn shared_stamp(&self) -> Weak<SharedStamps> {
        Arc::downgrade(&self.shared)
    }

    /// The shared change stamp as last read (for /metrics).
    pub fn shared_seen(&self) -> i64 {
        self.shared.changes.load(Ordering::Acquire)
    }

    /// Pages served from the cache since start (for /metrics).
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Times `note_write` outdated every page (for /metrics).
    pub fn drops(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// A write request finished: nothing rendered before it may be served again.
    pub fn note_write(&self) {
        self.any_writes.fetch_add(1, Ordering::AcqRel);
        self.writes.fetch_add(1, Ordering::AcqRel);
    }

    /// A write request finished that changed no public page (a sign-in or sign-out, a
    /// member's own settings): only what was kept for signed-in readers is outdated.
    pub fn note_private_write(&self) {
        self.any_writes.fetch_add(1, Ordering::AcqRel);
    }

    pub fn get(&self, path: &str, lang: Lang, now: Stamp) -> Option<Cached> {
        let key = (path.to_string(), lang);
        {
            let entries = self.entries.read().expect("page cache");
            let hit = entries.get(&key)?;
            if hit.stamp != now {
                return None;
            }
            if hit.made.elapsed() < MAX_AGE {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Some(hit.clone());
            }
        }
        // Old but not outdated by any change: this caller renders the page again while the
        // others keep getting the old copy, rather than every reader rendering it at once.
        let mut entries = self.entries.write().expect("page cache");
        let hit = entries.get_mut(&key)?;
        if hit.made.elapsed() >= MAX_AGE {
            hit.made = Instant::now();
            return None;
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(hit.clone())
    }

    /// Keeps a page rendered under `stamp` (taken before rendering began, so a write that
    /// landed during the render makes the entry stale at once).
    pub fn put(&self, path: String, lang: Lang, stamp: Stamp, route: Option<String>, body: Bytes, headers: &HeaderMap) {
        if body.len() > MAX_BODY {
            return;
        }
        let headers = headers
            .iter()
            .filter(|(name, _)| *name != actix_web::http::header::SET_COOKIE)
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        let mut entries = self.entries.write().expect("page cache");
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert((path, lang), Cached { body, headers, route, made: Instant::now(), stamp });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_reading_pages_are_kept() {
        for p in ["/", "/about", "/privacy", "/kb", "/kb/cutting-coke-use-in-cupola-furnaces", "/kb/themes/energy-efficiency", "/registry/initiatives", "/registry/initiatives/panipat"] {
            assert!(applies(p), "{p}");
        }
        for p in ["/kb/new", "/kb/x/edit", "/kb/x/revisions", "/registry/work", "/registry/import", "/registry/initiatives/new", "/registry/initiatives/x/review/1", "/dashboard", "/c/foundry-energy", "/search", "/kbx", "/aboutx", "/admin/site", "/admin/site/about/en"] {
            assert!(!applies(p), "{p}");
        }
    }

    #[test]
    fn a_write_here_or_elsewhere_or_an_index_change_makes_entries_stale() {
        let cache = PageCache::default();
        let s = cache.stamp(7);
        cache.put("/kb".into(), Lang::En, s, None, Bytes::from_static(b"page"), &HeaderMap::new());
        assert!(cache.get("/kb", Lang::En, cache.stamp(7)).is_some());
        assert!(cache.get("/kb", Lang::Hi, cache.stamp(7)).is_none(), "each language apart");
        assert!(cache.get("/kb", Lang::En, cache.stamp(8)).is_none(), "the indexer applied a change");
        cache.note_write();
        assert!(cache.get("/kb", Lang::En, cache.stamp(7)).is_none(), "a write finished");
        let s = cache.stamp(7);
        cache.put("/kb".into(), Lang::En, s, None, Bytes::from_static(b"page"), &HeaderMap::new());
        cache.shared_stamp().upgrade().unwrap().changes.fetch_add(1, Ordering::AcqRel);
        assert!(cache.get("/kb", Lang::En, cache.stamp(7)).is_none(), "another process wrote");
        let big = Bytes::from(vec![b'x'; MAX_BODY + 1]);
        cache.put("/registry/initiatives.csv".into(), Lang::En, cache.stamp(7), None, big, &HeaderMap::new());
        assert!(cache.get("/registry/initiatives.csv", Lang::En, cache.stamp(7)).is_none(), "exports are not kept");
    }

    #[test]
    fn an_old_entry_is_rendered_again_by_one_reader_only() {
        let cache = PageCache::default();
        let s = cache.stamp(1);
        cache.put("/kb".into(), Lang::En, s, None, Bytes::from_static(b"page"), &HeaderMap::new());
        cache.entries.write().unwrap().get_mut(&("/kb".to_string(), Lang::En)).unwrap().made -= MAX_AGE;
        assert!(cache.get("/kb", Lang::En, s).is_none(), "the first reader renders it again");
        assert!(cache.get("/kb", Lang::En, s).is_some(), "the next ones get the old copy meanwhile");
    }

    #[test]
    fn an_old_view_is_read_again_by_one_reader_only_and_a_change_outdates_it() {
        let views: ViewCache<&str> = ViewCache::default();
        let cache = PageCache::default();
        let s = cache.stamp(1);
        views.put("list".into(), s, Arc::new("view"));
        assert!(views.get("list", s).is_some());
        views.entries.write().unwrap().get_mut("list").unwrap().1 = Instant::now();
        assert!(views.get("list", s).is_none(), "the first reader reads it again");
        assert!(views.get("list", s).is_some(), "the next ones get the old copy meanwhile");
        cache.note_write();
        assert!(views.get("list", cache.stamp(1)).is_none(), "a write finished");
    }

    #[test]
    fn views_read_together_come_due_apart_within_their_life() {
        let views: ViewCache<()> = ViewCache::with_life(Duration::from_secs(30));
        let start = Instant::now();
        let dues: Vec<Duration> = (0..200).map(|i| views.due(&format!("/registry/initiatives?state=s{i}")) - start).collect();
        assert!(dues.iter().all(|d| *d >= Duration::from_secs(15) && *d < Duration::from_secs(31)), "{dues:?}");
        let (first, last) = (dues.iter().min().unwrap(), dues.iter().max().unwrap());
        assert!(*last - *first > Duration::from_secs(10), "spread over the second half of the life: {first:?}..{last:?}");
    }
}

/// Beyond this many the view cache starts again empty (a view is a page's data: kilobytes).
const MAX_VIEWS: usize = 1024;

/// What a page's readers who may not change it all see, read from the database once per
/// change and rendered for each reader (signed in or not, any query string). Entries follow
/// the same stamp as the page cache, so they go stale exactly when its pages do, and an age
/// limit (`MAX_AGE` unless made `with_life`).
pub struct ViewCache<T> {
    entries: RwLock<HashMap<String, (Stamp, Instant, Arc<T>)>>,
    life: Duration,
}

impl<T> Default for ViewCache<T> {
    fn default() -> Self {
        Self::with_life(MAX_AGE)
    }
}

impl<T> ViewCache<T> {
    pub fn with_life(life: Duration) -> Self {
        ViewCache { entries: RwLock::new(HashMap::new()), life }
    }

    /// When an entry made now for `key` is due to be read again: somewhere between half the
    /// life and the whole, the same for a key each time. Entries read together (a crawler's
    /// pass, a restart) then come due apart, not all in the same second.
    fn due(&self, key: &str) -> Instant {
        let h = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Instant::now() + self.life / 2 + self.life.mul_f64((h % 1024) as f64 / 2048.0)
    }

    pub fn get(&self, key: &str, now: Stamp) -> Option<Arc<T>> {
        {
            let entries = self.entries.read().expect("view cache");
            let (stamp, due, view) = entries.get(key)?;
            if *stamp != now {
                return None;
            }
            if Instant::now() < *due {
                return Some(view.clone());
            }
        }
        // Old but not outdated by any change: as in the page cache, this caller reads it
        // again while the others keep the old copy, rather than every reader at once.
        let next = self.due(key);
        let mut entries = self.entries.write().expect("view cache");
        let (stamp, due, view) = entries.get_mut(key)?;
        if *stamp != now {
            return None;
        }
        if Instant::now() >= *due {
            *due = next;
            return None;
        }
        Some(view.clone())
    }

    /// Keeps a view read under `stamp` (taken before the read began).
    pub fn put(&self, key: String, stamp: Stamp, view: Arc<T>) {
        let due = self.due(&key);
        let mut entries = self.entries.write().expect("view cache");
        if entries.len() >= MAX_VIEWS && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (stamp, due, view));
    }

    /// Forgets `key`: its re-read found nothing (a session ended, a thread gone), and the old
    /// copy must not go on being served to the other readers meanwhile.
    pub fn remove(&self, key: &str) {
        self.entries.write().expect("view cache").remove(key);
    }
}
