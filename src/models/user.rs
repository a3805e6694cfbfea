use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub name: String,
    pub organisation: String,
    pub state: String,
    pub district: String,
    pub role_title: String,
    pub language: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// This person's private mail key (random, never itself in an address or link): the
    /// tokens in their reply, post, unsubscribe and bounce addresses are MACs made with it.
    pub mail_token: Option<String>,
    pub bounce_count: i32,
    /// Set when mail stopped after repeated hard bounces.
    pub mail_stopped_at: Option<NaiveDateTime>,
    /// May be named as a contributor on knowledge pages.
    pub credit_consent: bool,
    /// When this person answered whether to be named; None until they chose.
    pub credit_consent_at: Option<NaiveDateTime>,
    /// Set while an administrator has disabled the account.
    pub disabled_at: Option<NaiveDateTime>,
    /// When the last hard bounce was counted.
    pub last_bounce_at: Option<NaiveDateTime>,
    /// When this person agreed to the data notice at sign-up, and to which version of it.
    pub data_consent_at: Option<NaiveDateTime>,
    pub data_notice_version: String,
    /// Set when the account was deleted: name and address erased, shown as "former member".
    pub deleted_at: Option<NaiveDateTime>,
}

impl User {
    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    /// Console-made accounts have no password until their owner sets one.
    pub fn has_password(&self) -> bool {
        !self.password_hash.is_empty()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub name: &'a str,
    pub organisation: &'a str,
    pub state: &'a str,
    pub district: &'a str,
    pub role_title: &'a str,
    pub language: &'a str,
    pub email_verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub mail_token: Option<&'a str>,
}

/// The fields a member edits on the profile page.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct Profile {
    pub name: String,
    pub organisation: String,
    pub state: String,
    pub district: String,
    pub role_title: String,
    pub language: String,
    pub credit_consent: bool,
}

/// New accounts are not named as contributors until their owner says so.
pub fn insert(conn: &mut DbConn, new: &NewUser) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values((new, users::credit_consent.eq(false)))
        .returning(users::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn update_profile(conn: &mut DbConn, id: i64, profile: &Profile) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(profile).execute(conn)
}

pub fn set_password_hash(conn: &mut DbConn, id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::password_hash.eq(hash)).execute(conn)
}

pub fn mark_verified(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::email_verified_at.is_null()))
        .set(users::email_verified_at.eq(Some(at)))
        .execute(conn)
}

pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<Vec<User>> {
    users::table
        .order(users::id.asc())
        .offset(offset)
        .limit(limit)
        .select(User::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Gives an older account its mail token.
pub fn set_mail_token(conn: &mut DbConn, id: i64, token: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::mail_token.is_null()))
        .set(users::mail_token.eq(token))
        .execute(conn)
}

/// A new mail key: every address and link made with the old one stops working.
pub fn rotate_mail_key(conn: &mut DbConn, id: i64, key: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::mail_token.eq(key)).execute(conn)
}

/// A hard bounce older than this no longer counts: the next one starts the count again.
pub const BOUNCE_DECAY_DAYS: i64 = 30;
/// A message sent this long ago without a bounce since was delivered: a bounce that comes after
/// such a delivery starts the count again. (A relay's 250 only says it took the message; its
/// report of a failure comes later, so acceptance alone proves nothing.)
pub const DELIVERED_AFTER_HOURS: i64 = 48;

/// Counts a hard bounce of the message `bounced` (its Message-ID, when known); stops mail once
/// `threshold` is reached. The count starts again when the last bounce is over
/// `BOUNCE_DECAY_DAYS` old, or when a message other than `bounced` was delivered since it.
/// Returns the new count.
pub fn record_bounce(conn: &mut DbConn, id: i64, threshold: i32, bounced: Option<&str>, now: NaiveDateTime) -> QueryResult<i32> {
    let last: Option<NaiveDateTime> = users::table.find(id).select(users::last_bounce_at).first(conn)?;
    let restart = match last {
        // Counted before bounces were dated: too old to tell, so it starts again.
        None => true,
        Some(at) => at < now - chrono::Duration::days(BOUNCE_DECAY_DAYS) || crate::models::mail_outbox::delivered_between(conn, id, at, now - chrono::Duration::hours(DELIVERED_AFTER_HOURS), bounced)?,
    };
    let target = users::table.find(id);
    if restart {
        diesel::update(target).set((users::bounce_count.eq(1), users::last_bounce_at.eq(Some(now)))).execute(conn)?;
    } else {
        diesel::update(target).set((users::bounce_count.eq(users::bounce_count + 1), users::last_bounce_at.eq(Some(now)))).execute(conn)?;
    }
    let count: i32 = users::table.find(id).select(users::bounce_count).first(conn)?;
    if count >= threshold {
        diesel::update(users::table.find(id).filter(users::mail_stopped_at.is_null()))
            .set(users::mail_stopped_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(count)
}

/// The member asks for mail again after fixing their mailbox.
pub fn resume_mail(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::bounce_count.eq(0), users::mail_stopped_at.eq(None::<NaiveDateTime>), users::last_bounce_at.eq(None::<NaiveDateTime>)))
        .execute(conn)
}

/// Records this person's answer to "may we name you as a contributor?".
pub fn set_credit_consent(conn: &mut DbConn, id: i64, consent: bool, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::credit_consent.eq(consent), users::credit_consent_at.eq(Some(at))))
        .execute(conn)
}

/// Disables (Some) or enables (None) an account.
pub fn set_disabled(conn: &mut DbConn, id: i64, at: Option<NaiveDateTime>) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::disabled_at.eq(at)).execute(conn)
}

/// What a deleted member's credit line on a knowledge page becomes (views show it in the
/// reader's language, as they show an erased author name).
pub const FORMER_MEMBER: &str = "(former member)";

/// Records that this person agreed to version `version` of the data notice.
pub fn set_data_consent(conn: &mut DbConn, id: i64, version: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::data_consent_at.eq(Some(at)), users::data_notice_version.eq(version)))
        .execute(conn)
}

/// Erases an account's personal data: name, profile, address (replaced by `placeholder`, which
/// can receive no mail), password and mail key (so every mailed address and link dies). The
/// row stays, marked deleted and disabled, so posts keep an author shown as "former member".
pub fn erase(conn: &mut DbConn, id: i64, placeholder: &str, mail_key: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(placeholder),
            users::password_hash.eq(""),
            users::name.eq(""),
            users::organisation.eq(""),
            users::state.eq(""),
            users::district.eq(""),
            users::role_title.eq(""),
            users::mail_token.eq(Some(mail_key)),
            users::credit_consent.eq(false),
            users::mail_stopped_at.eq(Some(at)),
            users::disabled_at.eq(Some(at)),
            users::deleted_at.eq(Some(at)),
        ))
        .execute(conn)
}
