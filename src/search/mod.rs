//! Search with tantivy. The index is derived from the database: every change that matters
//! writes a search_outbox row in its own transaction; one indexer per process owns the writer,
//! reloads each changed item, deletes then re-adds its document, and commits with the last
//! applied outbox id in the commit payload, so a restart resumes where it stopped. A missing,
//! corrupt or old-schema index is rebuilt in a temporary folder and swapped in.
//!
//! schema: fields and analysis; documents: what each item becomes; indexer: the outbox
//! consumer; rebuild: the full rebuild; query: search and facets.

mod documents;
mod indexer;
mod query;
mod rebuild;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use crate::db::DbConn;
use crate::error::AppError;

pub use indexer::spawn_indexer;
pub use query::{Filters, Hit, Results};
pub use rebuild::rebuild_into;
pub use schema::{Fields, SCHEMA_VERSION};

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<IndexWriter>,
    dir: PathBuf,
    /// The outbox id the searchable index reflects; it moves whenever content changed.
    applied_through: std::sync::atomic::AtomicI64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    version: u32,
    last: i64,
}

fn open_existing(dir: &Path) -> Option<(Index, i64)> {
    let index = Index::open_in_dir(dir).ok()?;
    let payload = index.load_metas().ok()?.payload?;
    let p: Payload = serde_json::from_str(&payload).ok()?;
    (p.version == SCHEMA_VERSION).then_some((index, p.last))
}

impl SearchIndex {
    /// Opens the index in `dir`, rebuilding it from the database if it is missing, corrupt
    /// or of another schema version; then applies what the outbox holds beyond it.
    pub fn open(base: &Path, conn: &mut DbConn) -> Result<Arc<SearchIndex>, AppError> {
        let dir = &current_dir(base);
        let (index, _) = match open_existing(dir) {
            Some(found) => found,
            None => {
                tracing::info!("building the search index in {}", dir.display());
                rebuild_into(dir, conn)?;
                open_existing(dir).ok_or_else(|| AppError::Internal("rebuilt index cannot be opened".into()))?
            }
        };
        let s = Self::from_index(index, dir)?;
        s.apply_outbox(conn)?;
        Ok(s)
    }

    fn from_index(index: Index, dir: &Path) -> Result<Arc<SearchIndex>, AppError> {
        schema::prepare(&index);
        let (_, fields) = schema::schema();
        let err = |e: tantivy::TantivyError| AppError::Internal(format!("search index: {e}"));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(err)?;
        let writer = index.writer(30_000_000).map_err(err)?;
        let s = SearchIndex { index, reader, fields, writer: Mutex::new(writer), dir: dir.to_path_buf(), applied_through: Default::default() };
        s.applied_through.store(s.last_applied(), std::sync::atomic::Ordering::Release);
        Ok(Arc::new(s))
    }

    /// Changes whenever the index takes in a change from the database, whoever made it.
    pub fn generation(&self) -> i64 {
        self.applied_through.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The live index inside the configured folder (the folder itself may hold other files).
pub fn current_dir(base: &Path) -> PathBuf {
    base.join("current")
}
