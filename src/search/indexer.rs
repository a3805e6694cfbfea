//! The single writer: applies search_outbox rows to the index (delete, then re-add; a
//! `rebuild` row re-adds everything) and commits with its cursor in the commit payload, so a
//! restart resumes there. Rows that commit late, below ids already applied, are still read
//! (see cursor.rs).

use std::sync::atomic::Ordering;

use tantivy::Term;

use super::cursor::HOLE_PATIENCE;
use super::documents::document;
use super::rebuild::add_all;
use super::{index_err, Payload, SearchIndex, Writer};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::search_outbox;

const BATCH: i64 = 1000;

impl SearchIndex {
    /// Applies the outbox rows the index has not taken in; returns how many.
    pub fn apply_outbox(&self, conn: &mut DbConn) -> Result<usize, AppError> {
        let mut w = self.writer.lock().expect("index writer");
        let result = self.apply_pending(&mut w, conn);
        if result.is_err() {
            // Nothing half-done (a rebuild's delete-all above all) may ride on a later commit.
            let _ = w.writer.rollback();
        }
        result
    }

    fn apply_pending(&self, w: &mut Writer, conn: &mut DbConn) -> Result<usize, AppError> {
        let mut cursor = w.cursor.clone();
        // Asked before reading: a hole counts as settled only when the read below comes after
        // every transaction that could have filled it has ended.
        let settled_before = if cursor.holes().is_empty() { None } else { Some(search_outbox::settled_before(conn)?) };
        let mut applied = 0;
        loop {
            let rows = search_outbox::pending(conn, cursor.last, &cursor.holes(), BATCH)?;
            if rows.is_empty() {
                break;
            }
            // A rebuild reads everything committed before it, so rows ahead of it in the same
            // read need no work of their own.
            let from = rows.iter().rposition(|(_, kind, _)| *kind == search_outbox::Kind::Rebuild).unwrap_or(0);
            for (i, (id, kind, ref_id)) in rows.iter().enumerate() {
                if i >= from {
                    self.apply_row(&w.writer, conn, *id, *kind, *ref_id)?;
                }
                cursor.take(*id);
            }
            applied += rows.len();
        }
        if cursor.needs_stamp() {
            cursor.stamp(search_outbox::clock(conn)?);
        }
        if let Some(settled_before) = settled_before {
            for (from, to) in cursor.settle(settled_before, HOLE_PATIENCE) {
                tracing::warn!("search outbox ids {from}..={to} were waited for too long and are skipped; run `solex reindex` if a change is missing from search");
            }
        }
        if applied > 0 {
            let mut prepared = w.writer.prepare_commit().map_err(index_err)?;
            prepared.set_payload(&Payload::of(&cursor).to_json());
            prepared.commit().map_err(index_err)?;
            self.reader.reload().map_err(index_err)?;
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        w.cursor = cursor;
        Ok(applied)
    }

    fn apply_row(&self, writer: &tantivy::IndexWriter, conn: &mut DbConn, id: i64, kind: search_outbox::Kind, ref_id: i64) -> Result<(), AppError> {
        if kind == search_outbox::Kind::Rebuild {
            writer.delete_all_documents().map_err(index_err)?;
            let n = add_all(writer, &self.fields, conn)?;
            tracing::info!("search index rebuilt as asked by outbox row {id}: {n} documents");
            return Ok(());
        }
        writer.delete_term(Term::from_field_text(self.fields.key, &format!("{kind}:{ref_id}")));
        if let Some(d) = document(conn, &self.fields, kind, ref_id)? {
            writer.add_document(d).map_err(index_err)?;
        }
        Ok(())
    }

    /// How many outbox rows wait for this index: beyond its cursor or in one of its holes.
    pub fn backlog(&self, conn: &mut DbConn) -> Result<i64, AppError> {
        let (last, holes) = {
            let w = self.writer.lock().expect("index writer");
            (w.cursor.last, w.cursor.holes())
        };
        Ok(search_outbox::pending(conn, last, &holes, 100_000)?.len() as i64)
    }
}
