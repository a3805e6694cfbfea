//! Security events: sign-ins and their failures, password changes and resets, disabled and
//! enabled accounts. Never a password, a token or any other secret.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{security_events, users};
use crate::db::DbConn;

crate::text_enum! {
    /// What happened.
    pub enum Kind {
        SignIn,
        SignInFailed,
        SignInLimited,
        PasswordChanged,
        PasswordChangeFailed,
        PasswordReset,
        AccountDisabled,
        AccountEnabled,
        AccountDeleted,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = security_events)]
pub struct SecurityEvent {
    pub id: i64,
    pub kind: Kind,
    pub user_id: Option<i64>,
    /// The client's network address.
    pub address: String,
    /// A message as stored (`Message::to_stored`), read in the administrator's language. Older
    /// rows hold English words, which views show as they are.
    pub detail: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = security_events)]
pub struct NewSecurityEvent<'a> {
    pub kind: Kind,
    pub user_id: Option<i64>,
    pub address: &'a str,
    pub detail: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewSecurityEvent) -> QueryResult<usize> {
    diesel::insert_into(security_events::table).values(new).execute(conn)
}

/// What the administrator filters by; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub user_id: Option<i64>,
    pub kind: String,
    pub address: String,
}

/// An event with the name of its account, if any.
pub type Row = (SecurityEvent, Option<String>);

/// One page of events, newest first, with the account's name.
pub fn page(conn: &mut DbConn, filter: &Filter, offset: i64, limit: i64) -> QueryResult<Vec<Row>> {
    let mut q = security_events::table
        .left_join(users::table.on(security_events::user_id.eq(users::id.nullable())))
        .select((SecurityEvent::as_select(), users::name.nullable()))
        .into_boxed();
    if let Some(id) = filter.user_id {
        q = q.filter(security_events::user_id.eq(id));
    }
    if !filter.kind.is_empty() {
        q = q.filter(security_events::kind.eq(filter.kind.clone()));
    }
    if !filter.address.is_empty() {
        q = q.filter(security_events::address.eq(filter.address.clone()));
    }
    q.order(security_events::id.desc()).offset(offset).limit(limit).load(conn)
}
