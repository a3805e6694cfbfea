//! What a kind's Atom feed carries: its records newly published or updated.

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::registry;

use super::spec::Kind;

/// Entries a registry feed carries.
const FEED_RECORDS: i64 = 50;

pub fn feed_records(conn: &mut DbConn, kind: Kind) -> Result<Vec<registry::Record>, AppError> {
    Ok(registry::recently_published(conn, kind.code(), FEED_RECORDS)?)
}
