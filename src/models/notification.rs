//! Which notices a member wants and how (per topic: at once, in a daily roundup, or not at
//! all), and the notices waiting for a member's roundup.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{notification_settings, pending_notices};
use crate::db::DbConn;
use crate::models::{community, membership, moderation, post, role};

crate::text_enum! {
    /// What a notice is about; each member chooses a mode per topic.
    pub enum Topic {
        /// An author's own posts: received, approved, sent back, rejected.
        PostStatus,
        /// A consolidated reply to a query one asked or answered.
        Answers,
        /// What waits in the queues one moderates (new posts, flags, join requests, held mail).
        ModeratorQueue,
        /// A query that has waited in one's queue longer than the community allows.
        ModeratorUrgent,
        /// Registry records: submitted for one's review, decided, due for checking.
        Registry,
    }
}

crate::text_enum! {
    pub enum Mode {
        Now,
        Daily,
        Off,
    }
}

impl Topic {
    /// What a member gets without having chosen: authors hear at once, moderators get one
    /// mail a day of what waits plus an urgent one for a query left too long.
    pub fn default_mode(self) -> Mode {
        match self {
            Topic::ModeratorQueue => Mode::Daily,
            _ => Mode::Now,
        }
    }

    /// The name of the form field that holds this topic's mode.
    pub fn field(self) -> &'static str {
        match self {
            Topic::PostStatus => "n-post_status",
            Topic::Answers => "n-answers",
            Topic::ModeratorQueue => "n-moderator_queue",
            Topic::ModeratorUrgent => "n-moderator_urgent",
            Topic::Registry => "n-registry",
        }
    }

    /// The modes a member may choose. An urgent notice exists to interrupt: taken daily it is
    /// already in the moderator's daily mail.
    pub fn modes(self) -> &'static [Mode] {
        match self {
            Topic::ModeratorUrgent => &[Mode::Now, Mode::Off],
            _ => &[Mode::Now, Mode::Daily, Mode::Off],
        }
    }
}

/// A member's mode for a topic (the topic's default when they never chose).
pub fn mode(conn: &mut DbConn, user_id: i64, topic: Topic) -> QueryResult<Mode> {
    let chosen: Option<Mode> = notification_settings::table
        .filter(notification_settings::user_id.eq(user_id))
        .filter(notification_settings::topic.eq(topic))
        .select(notification_settings::mode)
        .first(conn)
        .optional()?;
    Ok(chosen.unwrap_or(topic.default_mode()))
}

/// Every topic with the member's mode, in the topics' order.
pub fn modes(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(Topic, Mode)>> {
    let chosen: Vec<(Topic, Mode)> = notification_settings::table
        .filter(notification_settings::user_id.eq(user_id))
        .select((notification_settings::topic, notification_settings::mode))
        .load(conn)?;
    Ok(Topic::all().map(|t| (t, chosen.iter().find(|(c, _)| *c == t).map(|(_, m)| *m).unwrap_or(t.default_mode()))).collect())
}

/// Sets a member's mode for a topic (delete then insert: the same statements on both backends).
pub fn set_mode(conn: &mut DbConn, user_id: i64, topic: Topic, mode: Mode) -> QueryResult<()> {
    diesel::delete(notification_settings::table.filter(notification_settings::user_id.eq(user_id)).filter(notification_settings::topic.eq(topic))).execute(conn)?;
    if mode != topic.default_mode() {
        diesel::insert_into(notification_settings::table)
            .values((notification_settings::user_id.eq(user_id), notification_settings::topic.eq(topic), notification_settings::mode.eq(mode)))
            .execute(conn)?;
    }
    Ok(())
}

/// A notice waiting for its member's roundup.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pending_notices)]
pub struct PendingNotice {
    pub id: i64,
    pub user_id: i64,
    /// An outbox kind, as text.
    pub kind: String,
    pub ref_id: Option<i64>,
    pub payload: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn add_pending(conn: &mut DbConn, user_id: i64, kind: &str, ref_id: Option<i64>, payload: Option<String>, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(pending_notices::table)
        .values((
            pending_notices::user_id.eq(user_id),
            pending_notices::kind.eq(kind),
            pending_notices::ref_id.eq(ref_id),
            pending_notices::payload.eq(payload),
            pending_notices::created_at.eq(at),
        ))
        .execute(conn)
}

/// Members with notices waiting.
pub fn users_with_pending(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    pending_notices::table.select(pending_notices::user_id).distinct().load(conn)
}

/// Takes a member's waiting notices (oldest first): they are deleted in the caller's
/// transaction, which queues the roundup that carries them.
pub fn take_pending(conn: &mut DbConn, user_id: i64, limit: i64) -> QueryResult<Vec<PendingNotice>> {
    let taken: Vec<PendingNotice> = pending_notices::table
        .filter(pending_notices::user_id.eq(user_id))
        .order(pending_notices::id.asc())
        .limit(limit)
        .select(PendingNotice::as_select())
        .load(conn)?;
    let ids: Vec<i64> = taken.iter().map(|n| n.id).collect();
    diesel::delete(pending_notices::table.filter(pending_notices::id.eq_any(&ids))).execute(conn)?;
    Ok(taken)
}

pub fn count_pending(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    pending_notices::table.filter(pending_notices::user_id.eq(user_id)).count().get_result(conn)
}

/// What waits for one moderator, per community they moderate: posts in the queue, open flags,
/// join requests, and approved queries whose reply is due within two days (or late).
/// Communities with nothing are left out.
pub struct Waiting {
    pub community: community::Community,
    pub posts: Vec<post::Post>,
    pub flags: i64,
    pub joins: i64,
    pub due_soon: Vec<post::Post>,
}

pub fn waiting_for(conn: &mut DbConn, moderator: i64, now: NaiveDateTime) -> QueryResult<Vec<Waiting>> {
    let mut out = Vec::new();
    let mut communities: Vec<i64> = role::moderator_grants(conn)?.into_iter().filter(|(u, _)| *u == moderator).map(|(_, c)| c).collect();
    communities.sort_unstable();
    communities.dedup();
    for cid in communities {
        let posts: Vec<post::Post> = post::queue(conn, cid, &[post::Status::Pending, post::Status::Held], None, 50)?.into_iter().map(|(p, _)| p).collect();
        let flags = moderation::open_flags(conn, cid)?.len() as i64;
        let joins = membership::list(conn, cid, membership::Status::Requested)?.len() as i64;
        let due_soon = post::due_by(conn, cid, now + chrono::Duration::days(2))?;
        if posts.is_empty() && flags == 0 && joins == 0 && due_soon.is_empty() {
            continue;
        }
        out.push(Waiting { community: community::find(conn, cid)?, posts, flags, joins, due_soon });
    }
    Ok(out)
}
