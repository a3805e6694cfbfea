//! A full rebuild from the database: every public item written into a fresh index in a
//! temporary folder, which then replaces the live one.

use std::path::Path;

use tantivy::{Index, IndexWriter};

use super::documents::{document, page_document, record_document};
use super::schema::{prepare, schema};
use super::{Payload, SCHEMA_VERSION};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{community, page, post, registry, search_outbox, vocabulary};

/// Writes a fresh index of everything public into a temporary folder and swaps it in.
pub fn rebuild_into(dir: &Path, conn: &mut DbConn) -> Result<usize, AppError> {
    let err = |e: tantivy::TantivyError| AppError::Internal(format!("search index: {e}"));
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".{}-rebuild-{}", dir.file_name().and_then(|n| n.to_str()).unwrap_or("index"), std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(&tmp, schema).map_err(err)?;
    prepare(&index);
    let mut writer: IndexWriter = index.writer(50_000_000).map_err(err)?;
    // Read the outbox position first: changes made while we read are applied again later,
    // which is harmless (delete then add).
    let last = search_outbox::last_id(conn)?;
    let mut n = 0;
    for p in page::published(conn, i64::MAX)? {
        if let Some(d) = page_document(&fields, &p) {
            writer.add_document(d).map_err(err)?;
            n += 1;
        }
    }
    let terms = vocabulary::all(conn)?;
    for r in registry::all_published(conn)? {
        if let Some(d) = record_document(conn, &fields, &terms, &r)? {
            writer.add_document(d).map_err(err)?;
            n += 1;
        }
    }
    for c in community::list(conn)? {
        for (root, _) in post::threads(conn, c.id, !c.public_threads, i64::MAX, 0)? {
            if let Some(d) = document(conn, &fields, search_outbox::THREAD, root.id)? {
                writer.add_document(d).map_err(err)?;
                n += 1;
            }
        }
    }
    let payload = serde_json::to_string(&Payload { version: SCHEMA_VERSION, last }).expect("payload");
    let mut prepared = writer.prepare_commit().map_err(err)?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::rename(&tmp, dir)?;
    Ok(n)
}
