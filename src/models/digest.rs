//! Digests: a moderator's (or the scheduler's) selection of approved posts, sent to members
//! who chose daily or weekly digests, or a daily summary.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{digest_answers, digest_items, digest_records, digests, pages, posts, registry_records, users};
use crate::db::DbConn;
use crate::models::membership::Delivery;
use crate::models::post::Post;
use crate::models::registry::Record;

crate::text_enum! {
    /// Where a digest stands: composed, waiting for its time, being sent, sent.
    pub enum Status {
        Draft,
        Scheduled,
        Sending,
        Sent,
    }
}

/// The deliveries a digest is composed for.
pub const AUDIENCES: [Delivery; 3] = [Delivery::Daily, Delivery::Weekly, Delivery::Summary];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = digests)]
pub struct Digest {
    pub id: i64,
    pub community_id: i64,
    pub audience: Delivery,
    pub status: Status,
    pub editorial: String,
    pub period_key: Option<String>,
    pub scheduled_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub recipients: i32,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = digests)]
pub struct NewDigest<'a> {
    pub community_id: i64,
    pub audience: Delivery,
    pub status: Status,
    pub editorial: &'a str,
    pub period_key: Option<&'a str>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = digest_items)]
pub struct DigestItem {
    pub id: i64,
    pub digest_id: i64,
    pub post_id: i64,
    pub position: i32,
    pub included: bool,
}

pub fn insert(conn: &mut DbConn, new: &NewDigest) -> QueryResult<i64> {
    diesel::insert_into(digests::table).values(new).returning(digests::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Digest> {
    digests::table.find(id).select(Digest::as_select()).first(conn)
}

pub fn for_community(conn: &mut DbConn, community_id: i64) -> QueryResult<Vec<Digest>> {
    digests::table
        .filter(digests::community_id.eq(community_id))
        .order(digests::id.desc())
        .limit(100)
        .select(Digest::as_select())
        .load(conn)
}

/// When the community's last digest for this audience went out.
pub fn last_sent(conn: &mut DbConn, community_id: i64, audience: Delivery) -> QueryResult<Option<NaiveDateTime>> {
    digests::table
        .filter(digests::community_id.eq(community_id))
        .filter(digests::audience.eq(audience))
        .filter(digests::status.eq(Status::Sent))
        .select(diesel::dsl::max(digests::sent_at))
        .first::<Option<NaiveDateTime>>(conn)
}

pub fn add_item(conn: &mut DbConn, digest_id: i64, post_id: i64, position: i32) -> QueryResult<usize> {
    diesel::insert_into(digest_items::table)
        .values((digest_items::digest_id.eq(digest_id), digest_items::post_id.eq(post_id), digest_items::position.eq(position), digest_items::included.eq(true)))
        .execute(conn)
}

pub fn set_item(conn: &mut DbConn, item_id: i64, digest_id: i64, position: i32, included: bool) -> QueryResult<usize> {
    diesel::update(digest_items::table.find(item_id).filter(digest_items::digest_id.eq(digest_id)))
        .set((digest_items::position.eq(position), digest_items::included.eq(included)))
        .execute(conn)
}

/// Puts a consolidated reply (a page answering `query_id`) in a digest, under its own heading.
pub fn add_answer(conn: &mut DbConn, digest_id: i64, query_id: i64, page_id: i64) -> QueryResult<usize> {
    diesel::insert_into(digest_answers::table)
        .values((digest_answers::digest_id.eq(digest_id), digest_answers::query_id.eq(query_id), digest_answers::page_id.eq(page_id)))
        .execute(conn)
}

/// The consolidated replies a digest carries: each query with the page's web name and title,
/// in the order the queries were answered.
pub fn answers(conn: &mut DbConn, digest_id: i64) -> QueryResult<Vec<(Post, String, String)>> {
    digest_answers::table
        .inner_join(posts::table.on(posts::id.eq(digest_answers::query_id)))
        .inner_join(pages::table)
        .filter(digest_answers::digest_id.eq(digest_id))
        .order((posts::consolidated_at.asc(), posts::id.asc()))
        .select((Post::as_select(), pages::slug, pages::title))
        .load(conn)
}

/// Items with their posts and authors, in the moderator's order.
pub fn items(conn: &mut DbConn, digest_id: i64) -> QueryResult<Vec<(DigestItem, Post, String)>> {
    digest_items::table
        .inner_join(posts::table)
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(digest_items::digest_id.eq(digest_id))
        .order((digest_items::position.asc(), digest_items::id.asc()))
        .select((DigestItem::as_select(), Post::as_select(), users::name))
        .load(conn)
}

pub fn set_editorial(conn: &mut DbConn, id: i64, editorial: &str, scheduled_at: Option<NaiveDateTime>, status: Status) -> QueryResult<usize> {
    diesel::update(digests::table.find(id).filter(digests::status.ne(Status::Sent)).filter(digests::status.ne(Status::Sending)))
        .set((digests::editorial.eq(editorial), digests::scheduled_at.eq(scheduled_at), digests::status.eq(status)))
        .execute(conn)
}

/// Moves a digest from one status to another; false if someone else moved it first.
pub fn transition(conn: &mut DbConn, id: i64, from: Status, to: Status) -> QueryResult<bool> {
    Ok(diesel::update(digests::table.find(id).filter(digests::status.eq(from))).set(digests::status.eq(to)).execute(conn)? == 1)
}

pub fn mark_sent(conn: &mut DbConn, id: i64, recipients: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(digests::table.find(id))
        .set((digests::status.eq(Status::Sent), digests::sent_at.eq(Some(at)), digests::recipients.eq(recipients)))
        .execute(conn)
}

/// Scheduled digests whose time has come.
pub fn due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<Digest>> {
    digests::table
        .filter(digests::status.eq(Status::Scheduled))
        .filter(digests::scheduled_at.le(now))
        .select(Digest::as_select())
        .load(conn)
}

pub fn exists_for_period(conn: &mut DbConn, community_id: i64, audience: Delivery, period_key: &str) -> QueryResult<bool> {
    digests::table
        .filter(digests::community_id.eq(community_id))
        .filter(digests::audience.eq(audience))
        .filter(digests::period_key.eq(period_key))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// A registry record a digest carries under "From the registry".
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = digest_records)]
pub struct DigestRecord {
    pub id: i64,
    pub digest_id: i64,
    pub record_id: i64,
    pub position: i32,
    pub included: bool,
}

pub fn add_record(conn: &mut DbConn, digest_id: i64, record_id: i64, position: i32) -> QueryResult<usize> {
    diesel::insert_into(digest_records::table)
        .values((digest_records::digest_id.eq(digest_id), digest_records::record_id.eq(record_id), digest_records::position.eq(position), digest_records::included.eq(true)))
        .execute(conn)
}

pub fn set_record(conn: &mut DbConn, item_id: i64, digest_id: i64, included: bool) -> QueryResult<usize> {
    diesel::update(digest_records::table.find(item_id).filter(digest_records::digest_id.eq(digest_id))).set(digest_records::included.eq(included)).execute(conn)
}

/// The registry records of a digest with their rows, in order.
pub fn records(conn: &mut DbConn, digest_id: i64) -> QueryResult<Vec<(DigestRecord, Record)>> {
    digest_records::table
        .inner_join(registry_records::table)
        .filter(digest_records::digest_id.eq(digest_id))
        .order((digest_records::position.asc(), digest_records::id.asc()))
        .select((DigestRecord::as_select(), Record::as_select()))
        .load(conn)
}
