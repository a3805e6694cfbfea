//! Rows telling the indexers what changed.

use diesel::prelude::*;

use crate::db::schema::search_outbox;
use crate::db::DbConn;

pub const PAGE: &str = "page";
pub const THREAD: &str = "thread";
/// A registry record (any kind); ref_id is the record id.
pub const RECORD: &str = "record";

pub fn push(conn: &mut DbConn, kind: &str, ref_id: i64) -> QueryResult<usize> {
    diesel::insert_into(search_outbox::table)
        .values((search_outbox::kind.eq(kind), search_outbox::ref_id.eq(ref_id), search_outbox::created_at.eq(crate::models::now())))
        .execute(conn)
}

/// (id, kind, ref_id) after `after`, oldest first.
pub fn after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<(i64, String, i64)>> {
    search_outbox::table
        .filter(search_outbox::id.gt(after))
        .order(search_outbox::id.asc())
        .limit(limit)
        .select((search_outbox::id, search_outbox::kind, search_outbox::ref_id))
        .load(conn)
}

pub fn last_id(conn: &mut DbConn) -> QueryResult<i64> {
    search_outbox::table.select(diesel::dsl::max(search_outbox::id)).first::<Option<i64>>(conn).map(|v| v.unwrap_or(0))
}
