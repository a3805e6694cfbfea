//! Health and operational figures.

use diesel::connection::SimpleConnection;

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::mail_outbox;

pub fn ping(conn: &mut DbConn) -> Result<(), AppError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

/// Migrations the database has that this binary does not know (a newer solex applied them).
pub fn unknown_migrations(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    crate::db::serving::unknown_migrations(conn)
}

pub fn mail_outbox_counts(conn: &mut DbConn) -> Result<Vec<(String, i64)>, AppError> {
    [mail_outbox::Status::Queued, mail_outbox::Status::Sent, mail_outbox::Status::Failed]
        .iter()
        .map(|s| Ok((s.to_string(), mail_outbox::count_by_status(conn, *s)?)))
        .collect()
}
