//! Full rebuilds from the database. With the folder's lock (at start-up, or `solex reindex`
//! with no portal running) a fresh index is written in a temporary folder and swapped in; a
//! serving portal instead rebuilds in place when it meets a `rebuild` outbox row, in one
//! commit, so its searches see the old index or the new one and never a mix.

use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::{Index, IndexWriter};

use super::cursor::Cursor;
use super::documents::{document, page_document, record_document};
use super::lock::{Holder, IndexLock, Role};
use super::schema::{prepare, schema, Fields};
use super::{current_dir, index_err as err, Payload};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{community, page, post, registry, search_outbox, vocabulary};

/// Outbox ids below the newest that a fresh index looks at for ones still to commit.
const HOLE_WINDOW: i64 = 10_000;
/// How long `solex reindex` waits for a serving portal to carry out its request.
const REINDEX_WAIT: Duration = Duration::from_secs(10 * 60);

/// Adds a document for every item search finds (for someone); returns how many.
pub(super) fn add_all(writer: &IndexWriter, fields: &Fields, conn: &mut DbConn) -> Result<usize, AppError> {
    let mut n = 0;
    let worked = crate::models::outcome::worked_by_subject(conn, crate::models::outcome::Subject::Page)?;
    for p in page::published(conn, i64::MAX)? {
        if let Some(d) = page_document(fields, &p, worked.get(&p.id).copied().unwrap_or(0)) {
            writer.add_document(d).map_err(err)?;
            n += 1;
        }
    }
    let terms = vocabulary::all(conn)?;
    for r in registry::all_published(conn)? {
        if let Some(d) = record_document(conn, fields, &terms, &r)? {
            writer.add_document(d).map_err(err)?;
            n += 1;
        }
    }
    for c in community::list(conn)? {
        for (root, _) in post::threads(conn, c.id, false, i64::MAX, 0)? {
            if let Some(d) = document(conn, fields, search_outbox::Kind::Thread, root.id)? {
                writer.add_document(d).map_err(err)?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Writes a fresh index of everything searchable into a temporary folder and swaps it in for the
/// live one; the lock proves no other process uses the folder.
pub fn rebuild_into(lock: &IndexLock, conn: &mut DbConn) -> Result<usize, AppError> {
    let base = lock.base();
    let dir = current_dir(base);
    let tmp = base.join(".rebuild");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(&tmp, schema).map_err(err)?;
    prepare(&index);
    let mut writer: IndexWriter = index.writer(50_000_000).map_err(err)?;
    // Read the outbox position first: changes made while we read are applied again later,
    // which is harmless (delete then add). Ids missing below it may belong to transactions
    // still open: the cursor keeps them as holes.
    let last = search_outbox::last_id(conn)?;
    let ids = search_outbox::ids_between(conn, last - HOLE_WINDOW, last)?;
    let mut cursor = Cursor::rebuilt(last - HOLE_WINDOW, &ids, last);
    cursor.stamp(search_outbox::clock(conn)?);
    let n = add_all(&writer, &fields, conn)?;
    let mut prepared = writer.prepare_commit().map_err(err)?;
    prepared.set_payload(&Payload::of(&cursor).to_json());
    prepared.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;
    // The live folder is moved aside whole before the new one takes its name, so a crash
    // leaves the old index, the new one, or none (rebuilt at the next start), never a mix.
    let old = base.join(".replaced");
    let _ = std::fs::remove_dir_all(&old);
    if dir.exists() {
        std::fs::rename(&dir, &old)?;
    }
    std::fs::rename(&tmp, &dir)?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(n)
}

/// What `reindex` did.
#[derive(Debug)]
pub enum Reindexed {
    /// No process held the index: it was rebuilt here.
    Here { documents: usize },
    /// The process holding the index (a serving portal) rebuilt it when asked.
    ByHolder(Holder),
}

/// Rebuilds the index in `base` from the database, safely beside a portal serving it. A
/// `rebuild` outbox row asks every portal on this database to rebuild its own index; then the
/// index in `base` is rebuilt here if no process holds it, or else by its holder, waited for.
pub fn reindex(base: &Path, conn: &mut DbConn) -> Result<Reindexed, AppError> {
    let request = search_outbox::push_returning_id(conn, search_outbox::Kind::Rebuild, 0)?;
    let deadline = Instant::now() + REINDEX_WAIT;
    let mut told = false;
    loop {
        let holder = match IndexLock::try_acquire(base, Role::Reindex)? {
            Ok(lock) => return Ok(Reindexed::Here { documents: rebuild_into(&lock, conn)? }),
            Err(holder) => holder,
        };
        if covered_on_disk(&current_dir(base), request) {
            return Ok(Reindexed::ByHolder(holder));
        }
        if !told {
            tracing::info!("{holder} holds the search index in {}; waiting for it to rebuild it", base.display());
            told = true;
        }
        if Instant::now() > deadline {
            return Err(AppError::Internal(format!(
                "{holder} has not rebuilt the search index in {} within {} minutes; the request stays queued and it will carry it out (see its log)",
                base.display(),
                REINDEX_WAIT.as_secs() / 60
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether the index committed in `dir` has taken in the outbox row `id` (read from its last
/// commit, which tantivy writes atomically, so another process may read it at any time).
fn covered_on_disk(dir: &Path, id: i64) -> bool {
    Index::open_in_dir(dir)
        .ok()
        .and_then(|index| index.load_metas().ok())
        .and_then(|m| m.payload)
        .and_then(|p| Payload::from_json(&p))
        .is_some_and(|p| p.cursor(0).covers(id))
}
