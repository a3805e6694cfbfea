//! Notices: who is told what, at once, in a daily roundup, or not at all, as each member chose
//! per topic (`models::notification`). Called inside the transaction of the change that causes
//! the notice, so it commits (or rolls back) with it. The daily part (roundups, moderators'
//! daily mail, urgent queries) runs in the scheduler (`daily_tick`).

use chrono::{Duration, NaiveDateTime, Timelike};

use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::models::mail_outbox::{self, Notice, OutboxKind, Outgoing, Payload, QueueItem, QueueWhat};
use crate::models::notification::{self, Mode, Topic};
use crate::models::{membership, post, role, user};
use crate::services::Env;
use crate::tokens::address;

/// Most notices one roundup carries; the rest wait for the next.
const ROUNDUP_MAX: i64 = 100;

/// Whether `u` can be sent a notice at all: a confirmed address, mail not stopped by bounces,
/// an account in use.
fn reachable(u: &user::User) -> bool {
    u.email_verified_at.is_some() && u.mail_stopped_at.is_none() && u.disabled_at.is_none()
}

/// Tells `user_id` about something, as they chose for the kind's topic. Returns whether a
/// mail was queued or a notice kept for the roundup.
pub fn notify(conn: &mut DbConn, env: &Env, user_id: i64, kind: OutboxKind, ref_id: Option<i64>, payload: Option<Payload>) -> Result<bool, AppError> {
    let message_id = address::new_message_id(&address::web_host(&env.base_url));
    deliver(conn, user_id, kind, ref_id, payload, &message_id)
}

/// `notify` for a notice that must reach a member at most once: `key` names it.
pub fn notify_once(conn: &mut DbConn, env: &Env, user_id: i64, kind: OutboxKind, ref_id: Option<i64>, payload: Option<Payload>, key: &str) -> Result<bool, AppError> {
    let message_id = address::keyed_message_id(&address::web_host(&env.base_url), key);
    if mail_outbox::exists(conn, &message_id)? {
        return Ok(false);
    }
    deliver(conn, user_id, kind, ref_id, payload, &message_id)
}

fn deliver(conn: &mut DbConn, user_id: i64, kind: OutboxKind, ref_id: Option<i64>, payload: Option<Payload>, message_id: &str) -> Result<bool, AppError> {
    let topic = kind.topic().ok_or_else(|| AppError::Internal(format!("{} is not a notice", kind.as_str())))?;
    let u = user::find(conn, user_id)?;
    if !reachable(&u) {
        return Ok(false);
    }
    match notification::mode(conn, u.id, topic)? {
        Mode::Off => Ok(false),
        Mode::Daily => {
            let payload = payload.map(|p| serde_json::to_string(&p).expect("a payload serialises"));
            notification::add_pending(conn, u.id, kind.as_str(), ref_id, payload, crate::models::now())?;
            Ok(true)
        }
        Mode::Now => {
            mail_outbox::enqueue(conn, &Outgoing { message_id, recipient: &u.email, kind, ref_id, user_id: Some(u.id), payload })?;
            Ok(true)
        }
    }
}

/// A post has entered the queue: its author gets a receipt, and moderators who take their
/// queue at once hear of it.
pub fn post_queued(conn: &mut DbConn, env: &Env, p: &post::Post) -> Result<(), AppError> {
    notify(conn, env, p.author_id, OutboxKind::Receipt, Some(p.id), None)?;
    let title = if p.is_query() { p.title.clone() } else { post::find(conn, p.root_id())?.title };
    queue_item(conn, env, p.community_id, Some(p.author_id), QueueWhat::Post, &title)
}

/// Something new waits in a community's queue (a post, a flag, a join request): moderators
/// who chose "at once" for their queue get it now; the others see it in their daily mail.
pub fn queue_item(conn: &mut DbConn, env: &Env, community_id: i64, actor: Option<i64>, what: QueueWhat, title: &str) -> Result<(), AppError> {
    for moderator in role::moderators_of(conn, community_id)? {
        // A moderator's own post or flag is nothing new to them.
        if Some(moderator) == actor || notification::mode(conn, moderator, Topic::ModeratorQueue)? != Mode::Now {
            continue;
        }
        let item = QueueItem { what, title: crate::error::one_line(title, 200) };
        notify(conn, env, moderator, OutboxKind::ModeratorItem, Some(community_id), Some(Payload { queue_item: Some(item), ..Payload::default() }))?;
    }
    Ok(())
}

/// A query has its answer: the asker and everyone who replied hear of it, and for a page made
/// from the thread, so do members who take each message (digest members find it in their next
/// digest).
pub fn query_answered(conn: &mut DbConn, env: &Env, query: &post::Post, kind: post::AnswerKind) -> Result<(), AppError> {
    let mut told = vec![query.author_id];
    for uid in post::contributors(conn, query.id)? {
        if !told.contains(&uid) {
            told.push(uid);
        }
    }
    for &uid in &told {
        notify_once(conn, env, uid, OutboxKind::AnswerPersonal, Some(query.id), None, &format!("answer.q{}.u{uid}", query.id))?;
    }
    if kind != post::AnswerKind::Page {
        return Ok(());
    }
    for (uid, email) in membership::recipients(conn, query.community_id, membership::Delivery::Each)? {
        if told.contains(&uid) {
            continue;
        }
        let message_id = address::keyed_message_id(&env.mail_domain, &format!("answer.list.q{}.u{uid}", query.id));
        let mail = Outgoing { message_id: &message_id, recipient: &email, kind: OutboxKind::AnswerList, ref_id: Some(query.id), user_id: Some(uid), payload: None };
        mail_outbox::enqueue_once(conn, &mail)?;
    }
    Ok(())
}

/// The daily part of notices, one scheduler pass: queries waiting too long go to their
/// moderators at once (any hour); from `daily_mail_hour` on, each member's roundup and each
/// moderator's daily mail go out once a day. Returns how many mails were queued.
pub fn daily_tick(conn: &mut DbConn, env: &Env, now: NaiveDateTime) -> Result<usize, AppError> {
    let mut queued = urgent(conn, env, now)?;
    if now.hour() < env.daily_mail_hour {
        return Ok(queued);
    }
    let day = now.format("%Y%m%d").to_string();
    queued += roundups(conn, env, &day)?;
    queued += moderators_daily(conn, env, now, &day)?;
    Ok(queued)
}

fn urgent(conn: &mut DbConn, env: &Env, now: NaiveDateTime) -> Result<usize, AppError> {
    let before = now - Duration::hours(i64::from(env.moderator_urgent_hours));
    let mut queued = 0;
    for q in post::queries_waiting_since(conn, before, 500)? {
        for moderator in role::moderators_of(conn, q.community_id)? {
            if notification::mode(conn, moderator, Topic::ModeratorUrgent)? != Mode::Now {
                continue;
            }
            let waited = Payload { waited_hours: Some((now - q.created_at).num_hours()), ..Payload::default() };
            if write_tx(conn, |tx| notify_once(tx, env, moderator, OutboxKind::ModeratorUrgent, Some(q.id), Some(waited.clone()), &format!("urgent.q{}.u{moderator}", q.id)))? {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

fn roundups(conn: &mut DbConn, env: &Env, day: &str) -> Result<usize, AppError> {
    let host = address::web_host(&env.base_url);
    let mut queued = 0;
    for uid in notification::users_with_pending(conn)? {
        let message_id = address::keyed_message_id(&host, &format!("roundup.{day}.u{uid}"));
        // The notices and the mail that carries them change hands in one transaction.
        let sent = write_tx(conn, |tx| {
            if mail_outbox::exists(tx, &message_id)? {
                return Ok::<_, AppError>(false);
            }
            let u = user::find(tx, uid)?;
            let notices: Vec<Notice> = notification::take_pending(tx, uid, ROUNDUP_MAX)?
                .into_iter()
                .map(|n| Notice { kind: n.kind, ref_id: n.ref_id, payload: n.payload })
                .collect();
            if notices.is_empty() || !reachable(&u) {
                return Ok(false);
            }
            let payload = Payload { notices, ..Payload::default() };
            mail_outbox::enqueue(tx, &Outgoing { message_id: &message_id, recipient: &u.email, kind: OutboxKind::Roundup, ref_id: None, user_id: Some(uid), payload: Some(payload) })?;
            Ok(true)
        })?;
        queued += usize::from(sent);
    }
    Ok(queued)
}

fn moderators_daily(conn: &mut DbConn, env: &Env, now: NaiveDateTime, day: &str) -> Result<usize, AppError> {
    let mut moderators: Vec<i64> = role::moderator_grants(conn)?.into_iter().map(|(uid, _)| uid).collect();
    moderators.sort_unstable();
    moderators.dedup();
    let mut queued = 0;
    for uid in moderators {
        if notification::mode(conn, uid, Topic::ModeratorQueue)? != Mode::Daily || notification::waiting_for(conn, uid, now)?.is_empty() {
            continue;
        }
        // Rendered from the queues as they are when it is sent; queued once a day. This is
        // the daily form of the topic itself, so it goes straight out.
        let message_id = address::keyed_message_id(&address::web_host(&env.base_url), &format!("queue.{day}.u{uid}"));
        let u = user::find(conn, uid)?;
        if reachable(&u) {
            let mail = Outgoing { message_id: &message_id, recipient: &u.email, kind: OutboxKind::ModeratorQueue, ref_id: None, user_id: Some(uid), payload: None };
            if mail_outbox::enqueue_once(conn, &mail)? {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// The topics that concern a member, with their modes: everyone's own posts and answers; the
/// queue topics for a moderator; the registry for a focal point.
pub fn settings(conn: &mut DbConn, user_id: i64) -> Result<Vec<(Topic, Mode)>, AppError> {
    let roles = role::for_user(conn, user_id)?;
    Ok(notification::modes(conn, user_id)?
        .into_iter()
        .filter(|(t, _)| match t {
            Topic::ModeratorQueue | Topic::ModeratorUrgent => roles.is_moderator(),
            Topic::Registry => roles.is_focal_point(),
            Topic::PostStatus | Topic::Answers => true,
        })
        .collect())
}

/// Saves a member's choices; a mode a topic does not offer is a field error and nothing is saved.
pub fn set_settings(conn: &mut DbConn, user_id: i64, choices: &[(Topic, Mode)]) -> Result<(), AppError> {
    if let Some((topic, _)) = choices.iter().find(|(t, m)| !t.modes().contains(m)) {
        return Err(AppError::field(topic.field(), "notify-mode-choose"));
    }
    write_tx(conn, |tx| {
        for (t, m) in choices {
            notification::set_mode(tx, user_id, *t, *m)?;
        }
        Ok(())
    })
}

/// The member a notice's settings link is for; NotFound for a link that does not hold.
pub fn member_by_token(conn: &mut DbConn, token: &str) -> Result<user::User, AppError> {
    let t = address::Token::parse(token).ok_or(AppError::NotFound)?;
    crate::services::mail_identity::member_for(conn, &t, crate::tokens::MailPurpose::Notices, 0)?.ok_or(AppError::NotFound)
}
