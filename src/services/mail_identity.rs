//! Who a message by mail speaks for. A member is known only by a token in the address the
//! message came to (see `tokens::address`), never by its From header; a message that names a
//! member any other way is held until that member confirms it through a single-use link sent to
//! their own address. Members and administrators can rotate a member's mail key, which retires
//! every address and link made with it.

use chrono::Duration;
use diesel::OptionalExtension;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Message};
use crate::tokens::address::Token;
use crate::models::mail_outbox::{OutboxKind, Payload};
use crate::models::{self, audit, community, held_mail, post, role, token, user};
use crate::services::accounts::{self, Principal};
use crate::tokens::{self, MailPurpose};
use crate::services::{communities, deliver, posting};
use crate::services::Env;

/// How long a confirmation link works.
pub const CONFIRM_TTL_HOURS: i64 = 48;
/// At most this many held messages wait for one member at a time, so forged mail cannot flood
/// a member's mailbox with confirmation requests.
pub const MAX_WAITING: i64 = 5;

/// The member a token names, if it is theirs for this purpose and object. A token made for
/// another purpose, object or member, or with a key since rotated, names no one; nor does the
/// token of an account an administrator has disabled.
pub fn member_for(conn: &mut DbConn, t: &Token, purpose: MailPurpose, object_id: i64) -> Result<Option<user::User>, AppError> {
    let Some(u) = user::find(conn, t.user_id).optional()? else { return Ok(None) };
    let valid = !u.is_disabled() && u.mail_token.as_deref().is_some_and(|key| t.is_valid(key, purpose, object_id));
    Ok(valid.then_some(u))
}

pub fn principal_of(conn: &mut DbConn, u: user::User) -> Result<Principal, AppError> {
    let roles = role::for_user(conn, u.id)?;
    // Acting for one mail: no session, nothing kept between requests.
    Ok(Principal { session_id: 0, user: u, roles, session_ends_at: crate::models::now() })
}

/// A new mail key for `user_id`: reply, post, unsubscribe and bounce addresses in mail already
/// sent stop working, and so do confirmation links not yet used. Recorded in the audit log.
pub fn reset_links(conn: &mut DbConn, actor_id: i64, user_id: i64) -> Result<(), AppError> {
    write_tx(conn, |c| {
        user::find(c, user_id)?;
        let now = models::now();
        user::rotate_mail_key(c, user_id, &tokens::mail_token())?;
        token::retire_unused(c, user_id, token::Purpose::ConfirmMail, now)?;
        let detail = Message::new(if actor_id == user_id { "audit-by-member" } else { "audit-by-admin" }).to_stored();
        audit::insert(c, &audit::NewAuditEntry { actor_id: Some(actor_id), action: "reset mail links", subject_user_id: Some(user_id), detail: &detail, created_at: now })?;
        Ok(())
    })
}

/// What a held message is for: a reply in a thread, or a new query in a community.
pub struct Held<'a> {
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
    pub sender: &'a str,
}

/// Holds a message for `u` and mails them (at their own address) a link to confirm it. Returns
/// false, holding nothing, when too many of their held messages already wait. The caller has
/// checked the text as posting would (`posting::prepare`), so a confirmed message is not refused
/// for its size or shape.
pub fn hold(conn: &mut DbConn, env: &Env, u: &user::User, held: &Held) -> Result<bool, AppError> {
    write_tx(conn, |c| {
        // On PostgreSQL two messages for one member could both count MAX_WAITING - 1 and both
        // insert; this lock makes the count and the insert one step per member.
        crate::db::lock_user(c, crate::db::HELD_MAIL_LOCK, u.id)?;
        let now = models::now();
        if held_mail::waiting(c, u.id, now)? >= MAX_WAITING {
            return Ok(false);
        }
        let secret = tokens::random_token();
        let token_id = token::insert(
            c,
            &token::NewAccountToken { user_id: u.id, purpose: token::Purpose::ConfirmMail, token_hash: &tokens::hash_token(&secret), created_at: now, expires_at: now + Duration::hours(CONFIRM_TTL_HOURS) },
        )?;
        held_mail::insert(
            c,
            &held_mail::NewHeldMail { user_id: u.id, token_id, community_id: held.community_id, thread_id: held.thread_id, title: held.title, body: held.body, sender: held.sender, created_at: now },
        )?;
        deliver::one_off(c, env, u, OutboxKind::ConfirmHeld, Some(held.community_id), Some(Payload::secret(secret)))?;
        Ok(true)
    })
}

/// A held message as its confirmation page shows it.
pub struct HeldView {
    pub held: held_mail::HeldMail,
    pub community: community::Community,
    pub thread_title: Option<String>,
}

fn held_by_link(conn: &mut DbConn, secret: &str) -> Result<(token::AccountToken, held_mail::HeldMail), AppError> {
    let t = accounts::live_token(conn, token::Purpose::ConfirmMail, secret)?;
    let h = held_mail::by_token(conn, t.id)?.ok_or(AppError::NotFound)?;
    Ok((t, h))
}

/// The page behind a confirmation link; reading it changes nothing.
pub fn view_held(conn: &mut DbConn, secret: &str) -> Result<HeldView, AppError> {
    let (_, held) = held_by_link(conn, secret)?;
    let community = community::find(conn, held.community_id)?;
    let thread_title = match held.thread_id {
        Some(id) => Some(post::find(conn, id)?.title),
        None => None,
    };
    Ok(HeldView { held, community, thread_title })
}

/// The member confirms: in one transaction the link is used up and the message goes to the
/// moderator queue as any post of theirs would (if they may still post there and their account
/// is not disabled). If posting refuses it, nothing changes and the link still works; the
/// error says why.
pub fn confirm_held(conn: &mut DbConn, env: &Env, secret: &str) -> Result<(community::Community, posting::Submitted), AppError> {
    let (t, held) = held_by_link(conn, secret)?;
    let u = user::find(conn, held.user_id)?;
    if u.is_disabled() {
        return Err(AppError::Forbidden);
    }
    let who = principal_of(conn, u)?;
    let c = community::find(conn, held.community_id)?;
    let access = communities::access(conn, &c.slug, Some(&who))?;
    if !access.is_member() {
        return Err(AppError::Forbidden);
    }
    let input = posting::PostInput { title: held.title.clone(), body: held.body.clone(), ..Default::default() };
    let prepared = posting::prepare(held.thread_id, &input, vec![]).map_err(refusal)?;
    let submitted = write_tx(conn, |tx| {
        if user::find(tx, who.user.id)?.is_disabled() {
            return Err(AppError::Forbidden);
        }
        if !token::consume(tx, t.id, models::now())? {
            return Err(AppError::BadRequest("link-used".into()));
        }
        let submitted = posting::submit_prepared_in(tx, env, &access, who.user.id, prepared).map_err(refusal)?;
        held_mail::set_post(tx, held.id, submitted.post_id)?;
        Ok(submitted)
    })?;
    Ok((c, submitted))
}

/// Why posting refused a held message, as the confirmation page says it.
fn refusal(e: AppError) -> AppError {
    match e {
                AppError::NotFound => AppError::BadRequest("thread-closed".into()),
        other => other,
    }
}
