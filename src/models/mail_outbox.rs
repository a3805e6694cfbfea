//! The mail outbox: rows written in the same transaction as the change that causes the mail,
//! delivered later by the sender task, at least once, retried with backoff.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::mail_outbox;
use crate::db::DbConn;

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxMail {
    pub id: i64,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// raw (bodies stored here), post, digest, summary or notice (rendered when sent).
    pub kind: String,
    pub ref_id: Option<i64>,
    pub user_id: Option<i64>,
    pub lock_token: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct NewOutboxMail<'a> {
    pub message_id: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub kind: &'a str,
    pub ref_id: Option<i64>,
    pub user_id: Option<i64>,
}

pub fn enqueue(conn: &mut DbConn, new: &NewOutboxMail) -> QueryResult<i64> {
    diesel::insert_into(mail_outbox::table).values(new).returning(mail_outbox::id).get_result(conn)
}

/// Ids of queued mail that is due and not held by another sender.
pub fn due_ids(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    mail_outbox::table
        .filter(mail_outbox::status.eq(QUEUED))
        .filter(mail_outbox::next_attempt_at.le(now))
        .filter(mail_outbox::locked_until.is_null().or(mail_outbox::locked_until.lt(now)))
        .order(mail_outbox::id.asc())
        .limit(limit)
        .select(mail_outbox::id)
        .load(conn)
}

/// Takes up to `ids` for sending until `until`, marked with `token`; rows another sender holds
/// or that are done are left alone. Returns the rows taken.
pub fn claim_batch(conn: &mut DbConn, ids: &[i64], token: &str, now: NaiveDateTime, until: NaiveDateTime) -> QueryResult<Vec<OutboxMail>> {
    diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(ids))
            .filter(mail_outbox::status.eq(QUEUED))
            .filter(mail_outbox::locked_until.is_null().or(mail_outbox::locked_until.lt(now))),
    )
    .set((mail_outbox::locked_until.eq(Some(until)), mail_outbox::lock_token.eq(Some(token))))
    .execute(conn)?;
    mail_outbox::table
        .filter(mail_outbox::id.eq_any(ids))
        .filter(mail_outbox::lock_token.eq(token))
        .filter(mail_outbox::status.eq(QUEUED))
        .order(mail_outbox::id.asc())
        .select(OutboxMail::as_select())
        .load(conn)
}

/// Whether a message with this id was already queued (delivery is idempotent per message id).
pub fn exists(conn: &mut DbConn, message_id: &str) -> QueryResult<bool> {
    mail_outbox::table.filter(mail_outbox::message_id.eq(message_id)).count().get_result::<i64>(conn).map(|n| n > 0)
}

/// Marks many rows sent in one statement.
pub fn mark_sent_many(conn: &mut DbConn, ids: &[i64], now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(ids)))
        .set((
            mail_outbox::status.eq(SENT),
            mail_outbox::sent_at.eq(Some(now)),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        ))
        .execute(conn)
}

/// Whether a row is still queued under this claim (not claimed again since, not marked).
pub fn still_claimed(conn: &mut DbConn, id: i64, claim: &str) -> QueryResult<bool> {
    mail_outbox::table
        .filter(mail_outbox::id.eq(id))
        .filter(mail_outbox::lock_token.eq(claim))
        .filter(mail_outbox::status.eq(QUEUED))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

pub fn mark_retry(conn: &mut DbConn, id: i64, error: &str, next: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::last_error.eq(error),
            mail_outbox::next_attempt_at.eq(next),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        ))
        .execute(conn)
}

pub fn mark_failed(conn: &mut DbConn, id: i64, error: &str) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq(FAILED),
            mail_outbox::last_error.eq(error),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        ))
        .execute(conn)
}

pub fn count_by_status(conn: &mut DbConn, status: &str) -> QueryResult<i64> {
    mail_outbox::table.filter(mail_outbox::status.eq(status)).count().get_result(conn)
}

/// Whether the portal sent (or tried to send) the message with this Message-ID to `recipient`:
/// a bounce counts only for mail we really sent to that address.
pub fn sent_to(conn: &mut DbConn, message_id: &str, recipient: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        mail_outbox::table
            .filter(mail_outbox::message_id.eq(message_id))
            .filter(mail_outbox::recipient.eq(recipient))
            .filter(mail_outbox::status.ne(QUEUED).or(mail_outbox::attempts.gt(0))),
    ))
    .get_result(conn)
}
