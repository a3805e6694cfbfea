//! Search with tantivy. The index is derived from the database: every change that matters
//! writes a search_outbox row in its own transaction; one indexer per process owns the writer,
//! reloads each changed item, deletes then re-adds its document, and commits with its outbox
//! cursor in the commit payload, so a restart resumes where it stopped. A missing, corrupt or
//! old-schema index is rebuilt in a temporary folder and swapped in. One process at a time
//! owns an index folder (its lock); `solex reindex` beside a serving portal asks it to rebuild.
//!
//! schema: fields and analysis; documents: what each item becomes; audience: who may find it;
//! cursor: which outbox rows are in; indexer: the outbox consumer; rebuild: full rebuilds;
//! query: search and facets; tokenizer: words without a regex, and the analysis snippets use.

mod audience;
mod cursor;
mod documents;
mod indexer;
mod lock;
mod query;
mod rebuild;
mod schema;
mod tokenizer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::search_outbox;
use cursor::Cursor;

pub use audience::Audience;
pub use lock::{Holder, IndexLock, Role};
pub use query::{nearest_theme, Filters, Hit, Likeness, Results};
pub use rebuild::{rebuild_into, reindex, Reindexed};
pub use schema::{Fields, SCHEMA_VERSION};

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Writer>,
    dir: PathBuf,
    /// Moves whenever the searchable index takes in a change.
    generation: AtomicI64,
    /// Held for the life of the index; declared last, so released after the writer.
    _lock: IndexLock,
}

/// The single writer and the outbox rows it has committed.
struct Writer {
    writer: IndexWriter,
    cursor: Cursor,
}

/// What an index's commit payload records: its schema version and its outbox cursor.
#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    version: u32,
    last: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    holes: Vec<(i64, i64)>,
}

impl Payload {
    fn of(cursor: &Cursor) -> Payload {
        Payload { version: SCHEMA_VERSION, last: cursor.last, holes: cursor.holes() }
    }
    fn to_json(&self) -> String {
        serde_json::to_string(self).expect("payload")
    }
    fn from_json(text: &str) -> Option<Payload> {
        serde_json::from_str(text).ok()
    }
    fn cursor(&self, now: i64) -> Cursor {
        Cursor::saved(self.last, &self.holes, now)
    }
}

fn open_existing(dir: &Path) -> Option<(Index, Payload)> {
    let index = Index::open_in_dir(dir).ok()?;
    let p = Payload::from_json(&index.load_metas().ok()?.payload?)?;
    (p.version == SCHEMA_VERSION).then_some((index, p))
}

impl SearchIndex {
    /// Opens the index in `base` for this process, refusing if another process holds it;
    /// rebuilds it from the database if it is missing, corrupt or of another schema version;
    /// then applies what the outbox holds beyond it.
    pub fn open(base: &Path, conn: &mut DbConn) -> Result<Arc<SearchIndex>, AppError> {
        Self::open_locked(IndexLock::acquire(base, Role::Serve)?, conn)
    }

    /// `open` with the folder's lock already taken (the portal takes it before anything else).
    pub fn open_locked(lock: IndexLock, conn: &mut DbConn) -> Result<Arc<SearchIndex>, AppError> {
        let dir = current_dir(lock.base());
        let (index, payload) = match open_existing(&dir) {
            Some(found) => found,
            None => {
                tracing::info!("building the search index in {}", dir.display());
                rebuild_into(&lock, conn)?;
                open_existing(&dir).ok_or_else(|| AppError::Internal("rebuilt index cannot be opened".into()))?
            }
        };
        schema::prepare(&index);
        let (_, fields) = schema::schema();
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(index_err)?;
        let writer = index.writer(30_000_000).map_err(index_err)?;
        let now = if payload.holes.is_empty() { 0 } else { search_outbox::clock(conn)? };
        let s = SearchIndex {
            index,
            reader,
            fields,
            writer: Mutex::new(Writer { writer, cursor: payload.cursor(now) }),
            dir,
            generation: AtomicI64::new(payload.last),
            _lock: lock,
        };
        let s = Arc::new(s);
        s.apply_outbox(conn)?;
        Ok(s)
    }

    /// Changes whenever the index takes in a change from the database, whoever made it.
    pub fn generation(&self) -> i64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn index_err(e: tantivy::TantivyError) -> AppError {
    AppError::Internal(format!("search index: {e}"))
}

/// The live index inside the configured folder (the folder itself may hold other files).
pub fn current_dir(base: &Path) -> PathBuf {
    base.join("current")
}
