//! Removal requests: a former member asked for a published post of theirs to be taken down; a
//! moderator of the post's community approves or declines (with a reason). Also the few reads
//! and erasures a member's rights over their data need from other tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{account_tokens, communities, held_mail, inbound_mail, mail_outbox, memberships, notification_settings, pages, pending_notices, posts, registry_records, registry_versions, removal_requests, role_grants};
use crate::db::DbConn;
use crate::models::post::Post;

crate::text_enum! {
    /// Where a removal request stands.
    pub enum Status {
        Pending,
        Approved,
        Declined,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = removal_requests)]
pub struct Request {
    pub id: i64,
    pub user_id: i64,
    pub post_id: i64,
    pub community_id: i64,
    pub status: Status,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
}

/// One request per published post of `user_id` not yet asked for; returns how many were made.
pub fn request_for_published(conn: &mut DbConn, user_id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    let rows: Vec<(i64, i64)> = posts::table
        .filter(posts::author_id.eq(user_id))
        .filter(posts::status.eq(crate::models::post::Status::Approved))
        .filter(diesel::dsl::not(diesel::dsl::exists(removal_requests::table.filter(removal_requests::post_id.eq(posts::id)))))
        .select((posts::id, posts::community_id))
        .load(conn)?;
    let mut n = 0;
    for (post_id, community_id) in rows {
        n += diesel::insert_into(removal_requests::table)
            .values((
                removal_requests::user_id.eq(user_id),
                removal_requests::post_id.eq(post_id),
                removal_requests::community_id.eq(community_id),
                removal_requests::status.eq(Status::Pending),
                removal_requests::reason.eq(""),
                removal_requests::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(n)
}

/// Posts of `user_id` nobody but the author and moderators has seen (waiting, held, sent back):
/// taken down at once, since no thread depends on them. Returns how many.
pub fn withdraw_unpublished(conn: &mut DbConn, user_id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    use crate::models::post::Status as P;
    diesel::update(posts::table.filter(posts::author_id.eq(user_id)).filter(posts::status.eq_any([P::Pending, P::Held, P::ChangesRequested])))
        .set((posts::status.eq(P::Removed), posts::updated_at.eq(at), posts::version.eq(posts::version + 1)))
        .execute(conn)
}

/// The pending requests of a community with their posts, oldest first.
pub fn pending_in(conn: &mut DbConn, community_id: i64) -> QueryResult<Vec<(Request, Post)>> {
    removal_requests::table
        .inner_join(posts::table.on(posts::id.eq(removal_requests::post_id)))
        .filter(removal_requests::community_id.eq(community_id))
        .filter(removal_requests::status.eq(Status::Pending))
        .order(removal_requests::id.asc())
        .select((Request::as_select(), Post::as_select()))
        .load(conn)
}

pub fn count_pending(conn: &mut DbConn, community_id: i64) -> QueryResult<i64> {
    removal_requests::table
        .filter(removal_requests::community_id.eq(community_id))
        .filter(removal_requests::status.eq(Status::Pending))
        .count()
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Request>> {
    removal_requests::table.find(id).select(Request::as_select()).first(conn).optional()
}

/// Decides a pending request; false when it was decided already (by another moderator).
pub fn decide(conn: &mut DbConn, id: i64, status: Status, reason: &str, by: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(removal_requests::table.find(id).filter(removal_requests::status.eq(Status::Pending)))
        .set((removal_requests::status.eq(status), removal_requests::reason.eq(reason), removal_requests::decided_by.eq(Some(by)), removal_requests::decided_at.eq(Some(at))))
        .execute(conn)?;
    Ok(n == 1)
}

/// A member's requests, for their data export.
pub fn of_user(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<Request>> {
    removal_requests::table.filter(removal_requests::user_id.eq(user_id)).order(removal_requests::id.asc()).select(Request::as_select()).load(conn)
}

/// Every post of an author with its community's name, oldest first (no limit: the export is whole).
pub fn posts_of(conn: &mut DbConn, author_id: i64) -> QueryResult<Vec<(Post, String)>> {
    posts::table
        .inner_join(communities::table.on(communities::id.eq(posts::community_id)))
        .filter(posts::author_id.eq(author_id))
        .order(posts::id.asc())
        .select((Post::as_select(), communities::name))
        .load(conn)
}

/// Every membership of a person, any status: community name, status, delivery, since.
pub fn memberships_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(String, String, String, NaiveDateTime)>> {
    memberships::table
        .inner_join(communities::table.on(communities::id.eq(memberships::community_id)))
        .filter(memberships::user_id.eq(user_id))
        .order(communities::name.asc())
        .select((communities::name, memberships::status, memberships::delivery, memberships::created_at))
        .load(conn)
}

/// Registry versions a person wrote: record kind, slug, title, version number, status, fields
/// (as stored), created and submitted.
#[allow(clippy::type_complexity)]
pub fn registry_versions_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(String, String, String, i32, String, String, NaiveDateTime, Option<NaiveDateTime>)>> {
    registry_versions::table
        .inner_join(registry_records::table.on(registry_records::id.eq(registry_versions::record_id)))
        .filter(registry_versions::author_id.eq(Some(user_id)))
        .order(registry_versions::id.asc())
        .select((registry_records::kind, registry_records::slug, registry_records::title, registry_versions::number, registry_versions::status, registry_versions::fields, registry_versions::created_at, registry_versions::submitted_at))
        .load(conn)
}

/// Everything tied to a deleted account that only served the person: one-time links, mail
/// held for confirmation, waiting notices, mail choices, memberships, roles, and every mail to
/// or about them in the outbox (queued or sent; `address` is the address being erased).
/// Received mail keeps its log row, without their address.
pub fn erase_traces(conn: &mut DbConn, user_id: i64, address: &str) -> QueryResult<()> {
    diesel::delete(account_tokens::table.filter(account_tokens::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(held_mail::table.filter(held_mail::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(pending_notices::table.filter(pending_notices::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(notification_settings::table.filter(notification_settings::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(memberships::table.filter(memberships::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(role_grants::table.filter(role_grants::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(mail_outbox::table.filter(mail_outbox::user_id.eq(Some(user_id)).or(mail_outbox::recipient.eq(address)))).execute(conn)?;
    diesel::update(inbound_mail::table.filter(inbound_mail::sender.eq(address))).set(inbound_mail::sender.eq("")).execute(conn)?;
    Ok(())
}

/// Pages whose contributor list has a line exactly `credit`: (id, contributors).
pub fn pages_crediting(conn: &mut DbConn, credit: &str) -> QueryResult<Vec<(i64, String)>> {
    let found: Vec<(i64, String)> = pages::table
        .filter(pages::contributors.like(format!("%{}%", credit.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))).escape('\\'))
        .select((pages::id, pages::contributors))
        .load(conn)?;
    Ok(found.into_iter().filter(|(_, c)| crate::models::list::decode(c).any(|line| line == credit)).collect())
}

pub fn set_contributors(conn: &mut DbConn, page_id: i64, contributors: &str) -> QueryResult<usize> {
    diesel::update(pages::table.find(page_id)).set(pages::contributors.eq(contributors)).execute(conn)
}
