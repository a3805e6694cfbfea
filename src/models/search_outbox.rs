//! Rows telling the indexers what changed.
//!
//! Ids come from a sequence on PostgreSQL, where transactions commit in any order: a row may
//! become visible after rows with higher ids. Readers keep the ids they skipped as holes and
//! ask `settled_before` when no transaction can fill them any more. SQLite's writers take
//! turns, so its ids always commit in order.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::schema::search_outbox;
use crate::db::DbConn;

crate::text_enum! {
    /// What a search outbox row names.
    pub enum Kind {
        Page,
        Thread,
        /// A registry record (any kind); ref_id is the record id.
        Record,
        /// Everything: each indexer rebuilds its whole index (`solex reindex` writes it; ref_id 0).
        Rebuild,
    }
}

pub fn push(conn: &mut DbConn, kind: Kind, ref_id: i64) -> QueryResult<usize> {
    diesel::insert_into(search_outbox::table)
        .values((search_outbox::kind.eq(kind), search_outbox::ref_id.eq(ref_id), search_outbox::created_at.eq(crate::models::now())))
        .execute(conn)
}

/// Like `push` for many rows of one kind, in as few statements as both backends allow.
pub fn push_many(conn: &mut DbConn, kind: Kind, ref_ids: &[i64]) -> QueryResult<usize> {
    let now = crate::models::now();
    let mut n = 0;
    for chunk in ref_ids.chunks(crate::db::rows_per_statement(3)) {
        let rows: Vec<_> = chunk.iter().map(|id| (search_outbox::kind.eq(kind), search_outbox::ref_id.eq(*id), search_outbox::created_at.eq(now))).collect();
        n += crate::on_backend!(&mut *conn, |c| diesel::insert_into(search_outbox::table).values(&rows).execute(c))?;
    }
    Ok(n)
}

/// Like `push`, and returns the new row's id.
pub fn push_returning_id(conn: &mut DbConn, kind: Kind, ref_id: i64) -> QueryResult<i64> {
    diesel::insert_into(search_outbox::table)
        .values((search_outbox::kind.eq(kind), search_outbox::ref_id.eq(ref_id), search_outbox::created_at.eq(crate::models::now())))
        .returning(search_outbox::id)
        .get_result(conn)
}

/// (id, kind, ref_id) after `after`, oldest first.
pub fn after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<(i64, Kind, i64)>> {
    pending(conn, after, &[], limit)
}

/// (id, kind, ref_id) after `after` or inside one of `holes` (inclusive id ranges), oldest first.
pub fn pending(conn: &mut DbConn, after: i64, holes: &[(i64, i64)], limit: i64) -> QueryResult<Vec<(i64, Kind, i64)>> {
    let mut q = search_outbox::table.filter(search_outbox::id.gt(after)).into_boxed();
    for &(from, to) in holes {
        q = q.or_filter(search_outbox::id.between(from, to));
    }
    q.order(search_outbox::id.asc()).limit(limit).select((search_outbox::id, search_outbox::kind, search_outbox::ref_id)).load(conn)
}

pub fn last_id(conn: &mut DbConn) -> QueryResult<i64> {
    search_outbox::table.select(diesel::dsl::max(search_outbox::id)).first::<Option<i64>>(conn).map(|v| v.unwrap_or(0))
}

/// The ids in `(after, through]`, ascending.
pub fn ids_between(conn: &mut DbConn, after: i64, through: i64) -> QueryResult<Vec<i64>> {
    search_outbox::table
        .filter(search_outbox::id.gt(after))
        .filter(search_outbox::id.le(through))
        .order(search_outbox::id.asc())
        .select(search_outbox::id)
        .load(conn)
}

#[derive(QueryableByName)]
struct Micros {
    #[diesel(sql_type = BigInt)]
    micros: i64,
}

/// The database's clock in microseconds since the epoch; 0 on SQLite (see `settled_before`).
pub fn clock(conn: &mut DbConn) -> QueryResult<i64> {
    match conn {
        DbConn::Pg(pg) => diesel::sql_query("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS micros")
            .get_result::<Micros>(pg)
            .map(|m| m.micros),
        DbConn::Sqlite(_) => Ok(0),
    }
}

/// A time on `clock` before which every transaction of this database has ended: the start of
/// the oldest one still open, or now. A transaction that takes an id inside a hole began before
/// the hole was seen, so a hole seen at or before this time will not fill any more. On SQLite
/// writers take turns, ids commit in order, and every hole is settled at once.
pub fn settled_before(conn: &mut DbConn) -> QueryResult<i64> {
    match conn {
        // Sessions of other roles show no xact_start; every writer of the outbox is the portal's role.
        DbConn::Pg(pg) => diesel::sql_query(
            "SELECT COALESCE((SELECT (extract(epoch FROM min(xact_start)) * 1000000)::bigint FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()), \
             (extract(epoch FROM clock_timestamp()) * 1000000)::bigint) AS micros",
        )
        .get_result::<Micros>(pg)
        .map(|m| m.micros),
        DbConn::Sqlite(_) => Ok(i64::MAX),
    }
}
