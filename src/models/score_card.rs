//! ESR score cards of clusters and the short lists published from them. A card moves through
//! the registry's statuses: draft -> submitted -> (returned -> submitted)* -> published (the
//! national focal point approved it). Only published cards count towards a short list.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{score_cards, short_lists};
use crate::db::DbConn;
use crate::models::registry::Status;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = score_cards)]
pub struct ScoreCard {
    pub id: i64,
    pub cluster_id: i64,
    pub state: String,
    pub assessed_on: String,
    /// 26 digits 0-5: existence, diversity and efforts of the seven issues, then the five
    /// economic parameters.
    pub scores: String,
    pub note: String,
    pub status: Status,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub comment: String,
    pub lock_version: i32,
}

/// What a focal point writes on a card.
pub struct CardText<'a> {
    pub assessed_on: &'a str,
    pub scores: &'a str,
    pub note: &'a str,
}

pub fn insert(conn: &mut DbConn, cluster_id: i64, state: &str, text: &CardText, status: Status, author: Option<i64>, now: NaiveDateTime) -> QueryResult<i64> {
    let submitted_at = (status == Status::Submitted).then_some(now);
    diesel::insert_into(score_cards::table)
        .values((
            score_cards::cluster_id.eq(cluster_id),
            score_cards::state.eq(state),
            score_cards::assessed_on.eq(text.assessed_on),
            score_cards::scores.eq(text.scores),
            score_cards::note.eq(text.note),
            score_cards::status.eq(status),
            score_cards::author_id.eq(author),
            score_cards::created_at.eq(now),
            score_cards::updated_at.eq(now),
            score_cards::submitted_at.eq(submitted_at),
        ))
        .returning(score_cards::id)
        .get_result(conn)
}

/// Rewrites an open card, if nobody changed it since `lock` was read and it is still open.
pub fn update(conn: &mut DbConn, id: i64, lock: i32, text: &CardText, status: Status, now: NaiveDateTime) -> QueryResult<bool> {
    let submitted_at = (status == Status::Submitted).then_some(now);
    let n = diesel::update(
        score_cards::table
            .find(id)
            .filter(score_cards::lock_version.eq(lock))
            .filter(score_cards::status.eq_any([Status::Draft, Status::Returned])),
    )
    .set((
        score_cards::assessed_on.eq(text.assessed_on),
        score_cards::scores.eq(text.scores),
        score_cards::note.eq(text.note),
        score_cards::status.eq(status),
        score_cards::updated_at.eq(now),
        score_cards::submitted_at.eq(submitted_at),
        score_cards::lock_version.eq(lock + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The reviewer's decision, if the card still waits and nobody decided since `lock` was read.
pub fn review(conn: &mut DbConn, id: i64, lock: i32, to: Status, by: i64, comment: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(score_cards::table.find(id).filter(score_cards::lock_version.eq(lock)).filter(score_cards::status.eq(Status::Submitted)))
        .set((
            score_cards::status.eq(to),
            score_cards::reviewed_by.eq(Some(by)),
            score_cards::reviewed_at.eq(Some(now)),
            score_cards::comment.eq(comment),
            score_cards::updated_at.eq(now),
            score_cards::lock_version.eq(lock + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ScoreCard>> {
    score_cards::table.find(id).select(ScoreCard::as_select()).first(conn).optional()
}

/// A cluster's cards, newest assessment first.
pub fn of_cluster(conn: &mut DbConn, cluster_id: i64) -> QueryResult<Vec<ScoreCard>> {
    score_cards::table
        .filter(score_cards::cluster_id.eq(cluster_id))
        .order((score_cards::assessed_on.desc(), score_cards::id.desc()))
        .select(ScoreCard::as_select())
        .load(conn)
}

/// Every approved card, newest assessment first within each cluster.
pub fn approved(conn: &mut DbConn) -> QueryResult<Vec<ScoreCard>> {
    score_cards::table
        .filter(score_cards::status.eq(Status::Published))
        .order((score_cards::cluster_id.asc(), score_cards::assessed_on.desc(), score_cards::id.desc()))
        .select(ScoreCard::as_select())
        .load(conn)
}

/// Cards waiting for review, oldest first.
pub fn submitted(conn: &mut DbConn) -> QueryResult<Vec<ScoreCard>> {
    score_cards::table
        .filter(score_cards::status.eq(Status::Submitted))
        .order(score_cards::submitted_at.asc())
        .select(ScoreCard::as_select())
        .load(conn)
}

/// Cards open for work in the given states (a focal point's own list).
pub fn open_in_states(conn: &mut DbConn, states: &[String]) -> QueryResult<Vec<ScoreCard>> {
    score_cards::table
        .filter(score_cards::status.eq_any([Status::Draft, Status::Submitted, Status::Returned]))
        .filter(score_cards::state.eq_any(states.to_vec()))
        .order(score_cards::updated_at.desc())
        .select(ScoreCard::as_select())
        .load(conn)
}

/// Whether the cluster already has a card assessed on this day (the seed adds each once).
pub fn exists_on(conn: &mut DbConn, cluster_id: i64, assessed_on: &str) -> QueryResult<bool> {
    let n: i64 = score_cards::table
        .filter(score_cards::cluster_id.eq(cluster_id))
        .filter(score_cards::assessed_on.eq(assessed_on))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = short_lists)]
pub struct ShortList {
    pub id: i64,
    pub published_at: NaiveDateTime,
    pub published_by: Option<i64>,
    pub note: String,
    /// The ranked entries as JSON.
    pub entries: String,
}

pub fn insert_short_list(conn: &mut DbConn, by: i64, note: &str, entries: &str, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(short_lists::table)
        .values((short_lists::published_at.eq(now), short_lists::published_by.eq(Some(by)), short_lists::note.eq(note), short_lists::entries.eq(entries)))
        .returning(short_lists::id)
        .get_result(conn)
}

pub fn short_list(conn: &mut DbConn, id: i64) -> QueryResult<Option<ShortList>> {
    short_lists::table.find(id).select(ShortList::as_select()).first(conn).optional()
}

/// Published short lists, newest first.
pub fn short_lists(conn: &mut DbConn) -> QueryResult<Vec<ShortList>> {
    short_lists::table.order(short_lists::id.desc()).select(ShortList::as_select()).load(conn)
}
