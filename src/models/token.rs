//! One-time tokens mailed to a member: email verification, password reset, and confirming a
//! message held because it came by mail without the member's reply token.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::account_tokens;
use crate::db::DbConn;

crate::text_enum! {
    /// What a one-time token is for.
    pub enum Purpose {
        VerifyEmail,
        ResetPassword,
        /// Confirms a message that came by mail in a member's name without their reply token.
        ConfirmMail,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct AccountToken {
    pub id: i64,
    pub user_id: i64,
    pub purpose: Purpose,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = account_tokens)]
pub struct NewAccountToken<'a> {
    pub user_id: i64,
    pub purpose: Purpose,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewAccountToken) -> QueryResult<i64> {
    diesel::insert_into(account_tokens::table)
        .values(new)
        .returning(account_tokens::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, purpose: Purpose, token_hash: &str) -> QueryResult<Option<AccountToken>> {
    account_tokens::table
        .filter(account_tokens::purpose.eq(purpose))
        .filter(account_tokens::token_hash.eq(token_hash))
        .select(AccountToken::as_select())
        .first(conn)
        .optional()
}

/// Marks a token used; returns false if another request used it first.
pub fn consume(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(account_tokens::table.find(id).filter(account_tokens::used_at.is_null()))
        .set(account_tokens::used_at.eq(Some(now)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Retires every unused token of one purpose, so only the newest link works.
pub fn retire_unused(conn: &mut DbConn, user_id: i64, purpose: Purpose, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Some(now)))
    .execute(conn)
}
