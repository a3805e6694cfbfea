//! The single writer: applies search_outbox rows to the index (delete, then re-add) and
//! commits with the last applied id in the commit payload, so a restart resumes there.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use tantivy::Term;

use super::documents::document;
use super::{Payload, SearchIndex, SCHEMA_VERSION};
use crate::db::{DbConn, Pool};
use crate::error::AppError;
use crate::models::search_outbox;

impl SearchIndex {
    pub(super) fn last_applied(&self) -> i64 {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .map(|p| p.last)
            .unwrap_or(0)
    }

    /// Applies outbox rows after the index's last id; returns how many.
    pub fn apply_outbox(&self, conn: &mut DbConn) -> Result<usize, AppError> {
        let mut writer = self.writer.lock().expect("index writer");
        let mut last = self.last_applied();
        let mut applied = 0;
        loop {
            let rows = search_outbox::after(conn, last, 1000)?;
            if rows.is_empty() {
                break;
            }
            for (id, kind, ref_id) in rows {
                let key = format!("{kind}:{ref_id}");
                writer.delete_term(Term::from_field_text(self.fields.key, &key));
                if let Some(d) = document(conn, &self.fields, &kind, ref_id)? {
                    writer.add_document(d).map_err(|e| AppError::Internal(format!("search index: {e}")))?;
                }
                last = id;
                applied += 1;
            }
        }
        if applied > 0 {
            let payload = serde_json::to_string(&Payload { version: SCHEMA_VERSION, last }).expect("payload");
            let mut prepared = writer.prepare_commit().map_err(|e| AppError::Internal(format!("search index: {e}")))?;
            prepared.set_payload(&payload);
            prepared.commit().map_err(|e| AppError::Internal(format!("search index: {e}")))?;
            self.reader.reload().map_err(|e| AppError::Internal(format!("search index: {e}")))?;
            self.applied_through.store(last, std::sync::atomic::Ordering::Release);
        }
        Ok(applied)
    }
}

/// The indexer thread: applies the outbox when woken and every half second.
pub fn spawn_indexer(index: Arc<SearchIndex>, pool: Pool) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("search-indexer".into())
        .spawn(move || loop {
            match pool.get() {
                Ok(mut conn) => {
                    if let Err(e) = index.apply_outbox(&mut conn) {
                        tracing::error!("search indexer: {e}");
                    }
                }
                Err(e) => tracing::error!("search indexer: {e}"),
            }
            match rx.recv_timeout(Duration::from_millis(500)) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => while rx.try_recv().is_ok() {},
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        })
        .expect("spawn search indexer");
    tx
}
