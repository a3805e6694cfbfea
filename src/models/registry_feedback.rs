//! Feedback on published registry records, and its answers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::registry_feedback;
use crate::db::DbConn;

crate::text_enum! {
    /// What a visitor says about a record.
    pub enum Kind {
        Correction,
        Update,
        Complaint,
    }
}

crate::text_enum! {
    /// Where an item of feedback stands: open until a focal point answers it, acts on it or
    /// declines it.
    pub enum Status {
        Open,
        Answered,
        Acted,
        Declined,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = registry_feedback)]
pub struct Feedback {
    pub id: i64,
    pub record_id: i64,
    /// The record's state when the feedback came: whose focal points answer it.
    pub state: String,
    pub kind: Kind,
    pub body: String,
    pub name: String,
    pub contact: String,
    /// The language the visitor wrote in, for the answer's mail.
    pub lang: String,
    pub status: Status,
    /// The answer, or the note on acting or declining.
    pub note: String,
    pub created_at: NaiveDateTime,
    pub escalated_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = registry_feedback)]
pub struct NewFeedback<'a> {
    pub record_id: i64,
    pub state: &'a str,
    pub kind: Kind,
    pub body: &'a str,
    pub name: &'a str,
    pub contact: &'a str,
    pub lang: &'a str,
    pub status: Status,
    pub note: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, f: &NewFeedback) -> QueryResult<i64> {
    diesel::insert_into(registry_feedback::table).values(f).returning(registry_feedback::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Feedback> {
    registry_feedback::table.find(id).select(Feedback::as_select()).first(conn)
}

/// Items of the given states (all when None), open ones first, newest first within each.
pub fn in_states(conn: &mut DbConn, states: Option<&[String]>, limit: i64) -> QueryResult<Vec<Feedback>> {
    let mut q = registry_feedback::table.select(Feedback::as_select()).into_boxed();
    if let Some(s) = states {
        q = q.filter(registry_feedback::state.eq_any(s.to_vec()));
    }
    let mut rows: Vec<Feedback> = q.order(registry_feedback::created_at.desc()).limit(limit).load(conn)?;
    rows.sort_by_key(|f| f.status != Status::Open);
    Ok(rows)
}

/// Items on the given records (a cluster focal point's queue), open ones first.
pub fn for_records(conn: &mut DbConn, record_ids: &[i64], limit: i64) -> QueryResult<Vec<Feedback>> {
    let mut rows: Vec<Feedback> = registry_feedback::table
        .filter(registry_feedback::record_id.eq_any(record_ids.to_vec()))
        .select(Feedback::as_select())
        .order(registry_feedback::created_at.desc())
        .limit(limit)
        .load(conn)?;
    rows.sort_by_key(|f| f.status != Status::Open);
    Ok(rows)
}

/// Open items escalated to the national focal points, whatever their state.
pub fn escalated_open(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Feedback>> {
    registry_feedback::table
        .filter(registry_feedback::status.eq(Status::Open))
        .filter(registry_feedback::escalated_at.is_not_null())
        .order(registry_feedback::created_at.asc())
        .limit(limit)
        .select(Feedback::as_select())
        .load(conn)
}

/// (open, resolved) counts of a record's feedback.
pub fn counts(conn: &mut DbConn, record_id: i64) -> QueryResult<(i64, i64)> {
    let open = registry_feedback::table.filter(registry_feedback::record_id.eq(record_id)).filter(registry_feedback::status.eq(Status::Open)).count().get_result(conn)?;
    let all: i64 = registry_feedback::table.filter(registry_feedback::record_id.eq(record_id)).count().get_result(conn)?;
    Ok((open, all - open))
}

/// Open items received before `before` and not yet escalated.
pub fn due_for_escalation(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<Vec<Feedback>> {
    registry_feedback::table
        .filter(registry_feedback::status.eq(Status::Open))
        .filter(registry_feedback::escalated_at.is_null())
        .filter(registry_feedback::created_at.lt(before))
        .select(Feedback::as_select())
        .load(conn)
}

pub fn mark_escalated(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(registry_feedback::table.find(id).filter(registry_feedback::escalated_at.is_null())).set(registry_feedback::escalated_at.eq(Some(at))).execute(conn)
}

/// Resolves an open item; false when it was no longer open (another focal point was first).
pub fn resolve(conn: &mut DbConn, id: i64, status: Status, note: &str, by: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(registry_feedback::table.find(id).filter(registry_feedback::status.eq(Status::Open)))
        .set((registry_feedback::status.eq(status), registry_feedback::note.eq(note), registry_feedback::resolved_by.eq(Some(by)), registry_feedback::resolved_at.eq(Some(at))))
        .execute(conn)?;
    Ok(n == 1)
}
