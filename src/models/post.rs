//! Posts: a query opens a thread (thread_id NULL); replies point to the query.
//! Every change of status goes through `decide`, guarded by the row's version, so two
//! moderators acting at once cannot both succeed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{posts, users};
use crate::db::DbConn;

crate::text_enum! {
    /// Where a post stands in moderation.
    pub enum Status {
        Pending,
        Held,
        ChangesRequested,
        Approved,
        Rejected,
        Removed,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i64,
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub author_id: i64,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    /// Theme slugs, a list (models::list).
    pub themes: String,
    pub state: String,
    pub district: String,
    pub sector: String,
    pub status: Status,
    pub held_reason: String,
    pub moderator_note: String,
    pub original_title: Option<String>,
    pub original_body_md: Option<String>,
    pub claimed_by: Option<i64>,
    pub claimed_until: Option<NaiveDateTime>,
    pub version: i32,
    pub is_public: bool,
    pub response_due_at: Option<NaiveDateTime>,
    pub consolidated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<i64>,
    /// An `AnswerKind` as text, '' while the query waits; read by `answered()`.
    pub answer_kind: String,
    pub answered_page_id: Option<i64>,
    pub answered_by: Option<i64>,
    /// The unit owner a facilitator posted this for (represented_owners), if any.
    pub on_behalf_of: Option<i64>,
}

impl Post {
    pub fn is_query(&self) -> bool {
        self.thread_id.is_none()
    }
    /// The thread this post belongs to (its own id for a query).
    pub fn root_id(&self) -> i64 {
        self.thread_id.unwrap_or(self.id)
    }
    pub fn theme_list(&self) -> Vec<&str> {
        crate::models::list::decode(&self.themes).collect()
    }
    /// Waiting for a moderator (shown in the queue).
    pub fn in_queue(&self) -> bool {
        self.status == Status::Pending || self.status == Status::Held
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = posts)]
pub struct NewPost<'a> {
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub author_id: i64,
    pub title: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub themes: &'a str,
    pub state: &'a str,
    pub district: &'a str,
    pub sector: &'a str,
    pub status: Status,
    pub held_reason: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub approved_at: Option<NaiveDateTime>,
    pub response_due_at: Option<NaiveDateTime>,
}

/// A change of a post's state; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = posts)]
pub struct Decision {
    pub status: Option<Status>,
    pub version: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
    pub moderator_note: Option<String>,
    pub held_reason: Option<String>,
    pub title: Option<String>,
    pub body_md: Option<String>,
    pub body_html: Option<String>,
    pub themes: Option<String>,
    pub state: Option<String>,
    pub district: Option<String>,
    pub sector: Option<String>,
    pub original_title: Option<Option<String>>,
    pub original_body_md: Option<Option<String>>,
    pub claimed_by: Option<Option<i64>>,
    pub claimed_until: Option<Option<NaiveDateTime>>,
    pub approved_at: Option<Option<NaiveDateTime>>,
    pub approved_by: Option<Option<i64>>,
    pub response_due_at: Option<Option<NaiveDateTime>>,
    pub is_public: Option<bool>,
}

pub fn insert(conn: &mut DbConn, new: &NewPost) -> QueryResult<i64> {
    diesel::insert_into(posts::table).values(new).returning(posts::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Post> {
    posts::table.find(id).select(Post::as_select()).first(conn)
}

/// Applies `d` if the post is still at `expected_version`; returns false if someone got there first.
pub fn decide(conn: &mut DbConn, id: i64, expected_version: i32, mut d: Decision) -> QueryResult<bool> {
    d.version = Some(expected_version + 1);
    let n = diesel::update(posts::table.find(id).filter(posts::version.eq(expected_version)))
        .set(&d)
        .execute(conn)?;
    Ok(n == 1)
}

/// Claims an item for `by` until `until`, unless another moderator holds a live claim.
pub fn claim(conn: &mut DbConn, id: i64, by: i64, now: NaiveDateTime, until: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        posts::table.find(id).filter(
            posts::claimed_by
                .is_null()
                .or(posts::claimed_by.eq(by))
                .or(posts::claimed_until.lt(now)),
        ),
    )
    .set((posts::claimed_by.eq(Some(by)), posts::claimed_until.eq(Some(until))))
    .execute(conn)?;
    Ok(n == 1)
}

pub type WithAuthor = (Post, String);

/// Approved queries of a community, newest activity first.
pub fn threads(conn: &mut DbConn, community_id: i64, public_only: bool, limit: i64, offset: i64) -> QueryResult<Vec<WithAuthor>> {
    let mut q = posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::community_id.eq(community_id))
        .filter(posts::thread_id.is_null())
        .filter(posts::status.eq(Status::Approved))
        .into_boxed();
    if public_only {
        q = q.filter(posts::is_public.eq(true));
    }
    q.order(posts::approved_at.desc())
        .limit(limit)
        .offset(offset)
        .select((Post::as_select(), users::name))
        .load(conn)
}

/// Number of approved replies per thread.
pub fn reply_counts(conn: &mut DbConn, thread_ids: &[i64]) -> QueryResult<Vec<(Option<i64>, i64)>> {
    posts::table
        .filter(posts::thread_id.eq_any(thread_ids))
        .filter(posts::status.eq(Status::Approved))
        .group_by(posts::thread_id)
        .select((posts::thread_id, diesel::dsl::count_star()))
        .load(conn)
}

/// The replies of a thread that `viewer` may see: approved ones, plus the viewer's own in any
/// state (or every one, for a moderator).
pub fn replies(conn: &mut DbConn, root_id: i64, viewer: Option<i64>, moderator: bool) -> QueryResult<Vec<WithAuthor>> {
    let mut q = posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::thread_id.eq(root_id))
        .into_boxed();
    if !moderator {
        q = match viewer {
            Some(v) => q.filter(posts::status.eq(Status::Approved).or(posts::author_id.eq(v))),
            None => q.filter(posts::status.eq(Status::Approved)),
        };
    }
    q.order(posts::id.asc()).select((Post::as_select(), users::name)).load(conn)
}

/// The moderator queue: items in these statuses, oldest first.
pub fn queue(conn: &mut DbConn, community_id: i64, statuses: &[Status], kind: Option<bool>, limit: i64) -> QueryResult<Vec<WithAuthor>> {
    let mut q = posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::community_id.eq(community_id))
        .filter(posts::status.eq_any(statuses))
        .into_boxed();
    match kind {
        Some(true) => q = q.filter(posts::thread_id.is_null()),
        Some(false) => q = q.filter(posts::thread_id.is_not_null()),
        None => {}
    }
    q.order(posts::created_at.asc()).limit(limit).select((Post::as_select(), users::name)).load(conn)
}

pub fn count_in_status(conn: &mut DbConn, community_id: i64, status: Status) -> QueryResult<i64> {
    posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::status.eq(status))
        .count()
        .get_result(conn)
}

pub fn by_author(conn: &mut DbConn, author_id: i64) -> QueryResult<Vec<Post>> {
    posts::table
        .filter(posts::author_id.eq(author_id))
        .order(posts::id.desc())
        .limit(200)
        .select(Post::as_select())
        .load(conn)
}

pub fn approved_count(conn: &mut DbConn, community_id: i64, author_id: i64) -> QueryResult<i64> {
    posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::author_id.eq(author_id))
        .filter(posts::status.eq(Status::Approved))
        .count()
        .get_result(conn)
}

/// Approved queries still waiting for a consolidated reply, soonest due first.
pub fn awaiting_consolidation(conn: &mut DbConn, community_id: i64) -> QueryResult<Vec<WithAuthor>> {
    posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::community_id.eq(community_id))
        .filter(posts::thread_id.is_null())
        .filter(posts::status.eq(Status::Approved))
        .filter(posts::consolidated_at.is_null())
        .order(posts::response_due_at.asc())
        .select((Post::as_select(), users::name))
        .load(conn)
}

/// Posts approved in a community after `since` (all of them when None), oldest first.
pub fn approved_since(conn: &mut DbConn, community_id: i64, since: Option<NaiveDateTime>, limit: i64) -> QueryResult<Vec<Post>> {
    let mut q = posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::status.eq(Status::Approved))
        .into_boxed();
    if let Some(s) = since {
        q = q.filter(posts::approved_at.gt(s));
    }
    q.order(posts::approved_at.asc()).limit(limit).select(Post::as_select()).load(conn)
}

crate::text_enum! {
    /// How a query was answered.
    pub enum AnswerKind {
        /// By a knowledge page made from its thread.
        Page,
        /// By a page that already existed.
        ExistingPage,
        /// In the thread itself.
        InThread,
    }
}

impl Post {
    /// How this query was answered, if it was.
    pub fn answered(&self) -> Option<AnswerKind> {
        self.answer_kind.parse().ok()
    }
}

/// Records that a query has its answer; false when it already had one (the first answer stays).
pub fn mark_answered(conn: &mut DbConn, id: i64, kind: AnswerKind, page_id: Option<i64>, by: Option<i64>, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(posts::table.find(id).filter(posts::consolidated_at.is_null()))
        .set((posts::consolidated_at.eq(Some(at)), posts::answer_kind.eq(kind.as_str()), posts::answered_page_id.eq(page_id), posts::answered_by.eq(by)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Queries that have waited for a moderator since before `before`, in every community.
pub fn queries_waiting_since(conn: &mut DbConn, before: NaiveDateTime, limit: i64) -> QueryResult<Vec<Post>> {
    posts::table
        .filter(posts::thread_id.is_null())
        .filter(posts::status.eq_any([Status::Pending, Status::Held]))
        .filter(posts::created_at.le(before))
        .order(posts::created_at.asc())
        .limit(limit)
        .select(Post::as_select())
        .load(conn)
}

/// Approved queries of a community still without an answer whose reply is due by `until`.
pub fn due_by(conn: &mut DbConn, community_id: i64, until: NaiveDateTime) -> QueryResult<Vec<Post>> {
    posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::thread_id.is_null())
        .filter(posts::status.eq(Status::Approved))
        .filter(posts::consolidated_at.is_null())
        .filter(posts::response_due_at.le(until))
        .order(posts::response_due_at.asc())
        .select(Post::as_select())
        .load(conn)
}

/// Queries of a community answered by a page made from their thread after `since` (all of
/// them when None), oldest answer first.
pub fn answered_by_page_since(conn: &mut DbConn, community_id: i64, since: Option<NaiveDateTime>, limit: i64) -> QueryResult<Vec<Post>> {
    let mut q = posts::table
        .filter(posts::community_id.eq(community_id))
        .filter(posts::thread_id.is_null())
        .filter(posts::answer_kind.eq(AnswerKind::Page.as_str()))
        .filter(posts::answered_page_id.is_not_null())
        .into_boxed();
    if let Some(s) = since {
        q = q.filter(posts::consolidated_at.gt(s));
    }
    q.order(posts::consolidated_at.asc()).limit(limit).select(Post::as_select()).load(conn)
}

/// Who replied to a thread with an approved reply, each once.
pub fn contributors(conn: &mut DbConn, root_id: i64) -> QueryResult<Vec<i64>> {
    posts::table
        .filter(posts::thread_id.eq(root_id))
        .filter(posts::status.eq(Status::Approved))
        .select(posts::author_id)
        .distinct()
        .load(conn)
}
