//! The moderation log and member flags.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{expert_requests, flags, moderation_log, posts, users};
use crate::db::DbConn;
use crate::models::post::Post;

crate::text_enum! {
    /// What a log entry records, stored as its code; views show it by its label in the
    /// reader's language. (Rows from before 2026-12-04 held English phrases; the migration
    /// `moderation_action_codes` rewrote them to these codes.)
    pub enum Action {
        Submitted,
        Resubmitted,
        ApprovedAutomatically,
        Flagged,
        Claimed,
        Approved,
        EditedAndApproved,
        ChangesRequested,
        Rejected,
        Held,
        RemovedAfterFlags,
        FlagsDismissed,
        ThreadMadePublic,
        ThreadMadeMembersOnly,
        DigestScheduled,
        DigestSaved,
        DigestSent,
        CommunityCreated,
        SettingsChanged,
        InvitationAccepted,
        MembershipRequested,
        LeftTheCommunity,
        MembershipApproved,
        MembershipDeclined,
        MemberInvited,
        UnsubscribedFromMail,
        ChangedMailDelivery,
        AnsweredInThread,
        AnsweredByPage,
        MemberMailRestarted,
        RemovedOnRequest,
        /// A moderator asked experts about a query (the reason names them).
        ExpertsAsked,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_log)]
pub struct LogEntry {
    pub id: i64,
    pub community_id: i64,
    pub post_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: Action,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = moderation_log)]
pub struct NewLogEntry<'a> {
    pub community_id: i64,
    pub post_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub action: Action,
    pub reason: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn log(conn: &mut DbConn, entry: &NewLogEntry) -> QueryResult<usize> {
    diesel::insert_into(moderation_log::table).values(entry).execute(conn)
}

/// Newest first, with the actor's name and the post's title, status, thread and author.
pub fn log_for_community(
    conn: &mut DbConn,
    community_id: i64,
    limit: i64,
) -> QueryResult<Vec<(LogEntry, Option<String>, Option<(String, String, Option<i64>, i64)>)>> {
    moderation_log::table
        .left_join(users::table.on(moderation_log::actor_id.eq(users::id.nullable())))
        .left_join(posts::table.on(moderation_log::post_id.eq(posts::id.nullable())))
        .filter(moderation_log::community_id.eq(community_id))
        .order(moderation_log::id.desc())
        .limit(limit)
        .select((
            LogEntry::as_select(),
            users::name.nullable(),
            (posts::title, posts::status, posts::thread_id, posts::author_id).nullable(),
        ))
        .load(conn)
}

/// A deleted account's name leaves the "experts asked" entries of the queries they were asked
/// about (each entry keeps one name a line: models::list); it reads "former member" there.
pub fn erase_expert_name(conn: &mut DbConn, expert_id: i64, name: &str) -> QueryResult<usize> {
    let asked_about: Vec<i64> = expert_requests::table.filter(expert_requests::expert_id.eq(expert_id)).select(expert_requests::post_id).load(conn)?;
    let entries: Vec<(i64, String)> = moderation_log::table
        .filter(moderation_log::action.eq(Action::ExpertsAsked))
        .filter(moderation_log::post_id.eq_any(asked_about))
        .select((moderation_log::id, moderation_log::reason))
        .load(conn)?;
    let mut changed = 0;
    for (id, reason) in entries {
        if crate::models::list::decode(&reason).any(|n| n == name) {
            let names = crate::models::list::decode(&reason).map(|n| if n == name { crate::models::user::FORMER_MEMBER } else { n }).collect::<Vec<_>>();
            changed += diesel::update(moderation_log::table.find(id)).set(moderation_log::reason.eq(crate::models::list::encode(names))).execute(conn)?;
        }
    }
    Ok(changed)
}

pub fn log_for_post(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<(LogEntry, Option<String>)>> {
    moderation_log::table
        .left_join(users::table.on(moderation_log::actor_id.eq(users::id.nullable())))
        .filter(moderation_log::post_id.eq(post_id))
        .order(moderation_log::id.asc())
        .select((LogEntry::as_select(), users::name.nullable()))
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = flags)]
pub struct Flag {
    pub id: i64,
    pub post_id: i64,
    pub user_id: i64,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i64>,
    pub outcome: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = flags)]
pub struct NewFlag<'a> {
    pub post_id: i64,
    pub user_id: i64,
    pub reason: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn flag(conn: &mut DbConn, new: &NewFlag) -> QueryResult<i64> {
    diesel::insert_into(flags::table).values(new).returning(flags::id).get_result(conn)
}

pub fn has_open_flag_by(conn: &mut DbConn, post_id: i64, user_id: i64) -> QueryResult<bool> {
    flags::table
        .filter(flags::post_id.eq(post_id))
        .filter(flags::user_id.eq(user_id))
        .filter(flags::resolved_at.is_null())
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Open flags of a community with the flagged post, oldest first.
pub fn open_flags(conn: &mut DbConn, community_id: i64) -> QueryResult<Vec<(Flag, Post)>> {
    flags::table
        .inner_join(posts::table)
        .filter(posts::community_id.eq(community_id))
        .filter(flags::resolved_at.is_null())
        .order(flags::id.asc())
        .select((Flag::as_select(), Post::as_select()))
        .load(conn)
}

pub fn open_flags_for_post(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<Flag>> {
    flags::table
        .filter(flags::post_id.eq(post_id))
        .filter(flags::resolved_at.is_null())
        .select(Flag::as_select())
        .load(conn)
}

/// Closes every open flag on a post; returns how many were open.
pub fn resolve_flags(conn: &mut DbConn, post_id: i64, by: i64, outcome: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(flags::table.filter(flags::post_id.eq(post_id)).filter(flags::resolved_at.is_null()))
        .set((flags::resolved_at.eq(Some(now)), flags::resolved_by.eq(Some(by)), flags::outcome.eq(outcome)))
        .execute(conn)
}
