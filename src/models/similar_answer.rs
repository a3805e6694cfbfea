//! "This answers me": which existing page, registry record or thread answered a member before
//! they posted (or answered a queued query, by a moderator's decision).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::similar_answers;
use crate::db::DbConn;

/// What answered: a knowledge page, a registry record or a thread, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    pub kind: TargetKind,
    pub id: i64,
}

crate::text_enum! {
    pub enum TargetKind {
        Page,
        Record,
        Thread,
    }
}

crate::text_enum! {
    /// Who said so: the member before posting, or a moderator closing the query.
    pub enum Source {
        Member,
        Moderator,
    }
}

impl Target {
    /// A search key (`page:12`, `record:3`, `thread:40`) as a target.
    pub fn parse(key: &str) -> Option<Target> {
        let (kind, id) = key.split_once(':')?;
        Some(Target { kind: kind.parse().ok()?, id: id.parse().ok()? })
    }

    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.id)
    }
}

pub struct NewAnswer {
    pub community_id: i64,
    pub user_id: i64,
    pub target: Target,
    pub source: Source,
    pub post_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Records the answer; a member's second mark of one target (a double or racing click) is
/// refused by the unique index and does nothing. Returns the rows written (0 or 1).
pub fn insert(conn: &mut DbConn, a: &NewAnswer) -> QueryResult<usize> {
    let row = (
        similar_answers::community_id.eq(a.community_id),
        similar_answers::user_id.eq(a.user_id),
        similar_answers::target_kind.eq(a.target.kind.as_str()),
        similar_answers::target_id.eq(a.target.id),
        similar_answers::source.eq(a.source.as_str()),
        similar_answers::post_id.eq(a.post_id),
        similar_answers::created_at.eq(a.created_at),
    );
    crate::on_backend!(conn, |c| diesel::insert_into(similar_answers::table).values(row).on_conflict_do_nothing().execute(c))
}

/// Every answer recorded for one member, oldest first (their data export): (target kind,
/// target id, source, the closed query, when).
pub fn of_member(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(String, i64, String, Option<i64>, NaiveDateTime)>> {
    similar_answers::table
        .filter(similar_answers::user_id.eq(user_id))
        .order(similar_answers::id.asc())
        .select((similar_answers::target_kind, similar_answers::target_id, similar_answers::source, similar_answers::post_id, similar_answers::created_at))
        .load(conn)
}

/// How often a target answered: each question (a member's mark or a moderator's closing) and
/// each member, counted once however many of their questions it answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub questions: i64,
    pub members: i64,
}

/// The tally of each of `targets` (members and moderators alike), in one query for them all.
pub fn counts(conn: &mut DbConn, targets: &[Target]) -> QueryResult<Vec<(Target, Tally)>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = targets.iter().map(|t| t.id).collect();
    let rows: Vec<(String, i64, i64, i64)> = similar_answers::table
        .filter(similar_answers::target_id.eq_any(ids))
        .group_by((similar_answers::target_kind, similar_answers::target_id))
        .select((similar_answers::target_kind, similar_answers::target_id, diesel::dsl::count_star(), diesel::dsl::count(similar_answers::user_id).aggregate_distinct()))
        .load(conn)?;
    Ok(targets
        .iter()
        .map(|t| {
            let found = rows.iter().find(|(kind, id, _, _)| kind == t.kind.as_str() && *id == t.id);
            (*t, found.map_or(Tally::default(), |(_, _, questions, members)| Tally { questions: *questions, members: *members }))
        })
        .collect())
}
