//! A record of every inbound message and what became of it. A message is claimed (a row with
//! its dedupe key and the outcome `received`) before it is filed, and the row is finished with
//! the outcome after; a second delivery of the same message finds the claim.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::inbound_mail;
use crate::db::DbConn;

/// The outcome of a row whose message is being filed (or whose filing died half way).
pub const RECEIVED: &str = "received";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_mail)]
pub struct InboundMail {
    pub id: i64,
    pub received_at: NaiveDateTime,
    pub sender: String,
    pub recipient: String,
    pub message_id: String,
    pub outcome: String,
    /// Why, as a stored message (`error::Message::to_stored`) or, in older rows, English text.
    pub reason: String,
    pub post_id: Option<i64>,
    pub dedupe_key: Option<String>,
    pub community_id: Option<i64>,
    /// The parts left out, one a line, each a stored message naming the part and why.
    pub dropped: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = inbound_mail)]
pub struct NewInboundMail<'a> {
    pub received_at: NaiveDateTime,
    pub sender: &'a str,
    pub recipient: &'a str,
    pub message_id: &'a str,
    pub outcome: &'a str,
    pub reason: &'a str,
    pub post_id: Option<i64>,
    pub dedupe_key: Option<&'a str>,
    pub community_id: Option<i64>,
    pub dropped: &'a str,
}

/// What became of a claimed message.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = inbound_mail)]
pub struct Finished<'a> {
    pub outcome: &'a str,
    pub reason: &'a str,
    pub post_id: Option<i64>,
    pub community_id: Option<i64>,
    pub dropped: &'a str,
}

pub fn record(conn: &mut DbConn, new: &NewInboundMail) -> QueryResult<i64> {
    diesel::insert_into(inbound_mail::table).values(new).returning(inbound_mail::id).get_result(conn)
}

/// The row holding this dedupe key, if any.
pub fn by_dedupe_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<InboundMail>> {
    inbound_mail::table.filter(inbound_mail::dedupe_key.eq(key)).select(InboundMail::as_select()).first(conn).optional()
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<InboundMail> {
    inbound_mail::table.find(id).select(InboundMail::as_select()).first(conn)
}

pub fn finish(conn: &mut DbConn, id: i64, done: &Finished) -> QueryResult<usize> {
    diesel::update(inbound_mail::table.find(id)).set(done).execute(conn)
}

/// Takes over a claim whose filing died: only if it is still unfinished and was made before
/// `stale_before` (so two live deliveries never both take it). Returns whether it was taken.
pub fn take_over(conn: &mut DbConn, id: i64, stale_before: NaiveDateTime, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(inbound_mail::table.find(id).filter(inbound_mail::outcome.eq(RECEIVED)).filter(inbound_mail::received_at.lt(stale_before)))
        .set(inbound_mail::received_at.eq(now))
        .execute(conn)
        .map(|n| n == 1)
}

/// Gives a claim back (the database failed while filing; the MTA tries again later).
pub fn release(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(inbound_mail::table.find(id).filter(inbound_mail::outcome.eq(RECEIVED))).execute(conn)
}

pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<InboundMail>> {
    inbound_mail::table.order(inbound_mail::id.desc()).limit(limit).select(InboundMail::as_select()).load(conn)
}

/// One page of the log, newest first: of one community, or (None) of every message.
pub fn page(conn: &mut DbConn, community_id: Option<i64>, limit: i64, offset: i64) -> QueryResult<Vec<InboundMail>> {
    let newest = inbound_mail::table.order(inbound_mail::id.desc()).limit(limit).offset(offset).select(InboundMail::as_select());
    match community_id {
        Some(cid) => newest.filter(inbound_mail::community_id.eq(cid)).load(conn),
        None => newest.load(conn),
    }
}
