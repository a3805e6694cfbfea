//! Messages that came by mail in a member's name without that member's reply token. They wait
//! here, unposted, until the member opens the single-use link mailed to their own address.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{account_tokens, held_mail};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = held_mail)]
pub struct HeldMail {
    pub id: i64,
    pub user_id: i64,
    pub token_id: i64,
    pub community_id: i64,
    /// The thread a reply was meant for; None for a new query.
    pub thread_id: Option<i64>,
    pub title: String,
    pub body: String,
    /// The From address the message carried (recorded, proves nothing).
    pub sender: String,
    pub created_at: NaiveDateTime,
    pub post_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = held_mail)]
pub struct NewHeldMail<'a> {
    pub user_id: i64,
    pub token_id: i64,
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
    pub sender: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewHeldMail) -> QueryResult<i64> {
    diesel::insert_into(held_mail::table).values(new).returning(held_mail::id).get_result(conn)
}

pub fn by_token(conn: &mut DbConn, token_id: i64) -> QueryResult<Option<HeldMail>> {
    held_mail::table.filter(held_mail::token_id.eq(token_id)).select(HeldMail::as_select()).first(conn).optional()
}

pub fn set_post(conn: &mut DbConn, id: i64, post_id: i64) -> QueryResult<usize> {
    diesel::update(held_mail::table.find(id)).set(held_mail::post_id.eq(Some(post_id))).execute(conn)
}

/// How many of a member's held messages still wait on a live link (a bound on what a forger
/// can make us mail them).
pub fn waiting(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<i64> {
    held_mail::table
        .inner_join(account_tokens::table.on(account_tokens::id.eq(held_mail::token_id)))
        .filter(held_mail::user_id.eq(user_id))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now))
        .count()
        .get_result(conn)
}
