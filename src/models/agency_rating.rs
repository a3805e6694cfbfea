//! Implementing agencies' ratings (Table 2.10 of the book) and members' requests to register
//! an agency. A rating is a dated set of scores; `latest` marks each agency's newest one, so
//! the registry list sorts and filters by it in one join.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{agency_ratings, agency_requests, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = agency_ratings)]
pub struct Rating {
    pub id: i64,
    pub record_id: i64,
    pub rated_by: Option<i64>,
    pub rated_on: NaiveDateTime,
    pub scores: String,
    pub total: i32,
    pub note: String,
    pub latest: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, record_id: i64, by: Option<i64>, rated_on: NaiveDateTime, scores: &str, total: i32, note: &str, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(agency_ratings::table)
        .values((
            agency_ratings::record_id.eq(record_id),
            agency_ratings::rated_by.eq(by),
            agency_ratings::rated_on.eq(rated_on),
            agency_ratings::scores.eq(scores),
            agency_ratings::total.eq(total),
            agency_ratings::note.eq(note),
            agency_ratings::latest.eq(false),
            agency_ratings::created_at.eq(now),
        ))
        .returning(agency_ratings::id)
        .get_result(conn)
}

/// Marks the agency's newest rating (by the day rated, then the one entered last) as its
/// latest, and no other.
pub fn mark_latest(conn: &mut DbConn, record_id: i64) -> QueryResult<()> {
    let newest: Option<i64> = agency_ratings::table
        .filter(agency_ratings::record_id.eq(record_id))
        .order((agency_ratings::rated_on.desc(), agency_ratings::id.desc()))
        .select(agency_ratings::id)
        .first(conn)
        .optional()?;
    diesel::update(agency_ratings::table.filter(agency_ratings::record_id.eq(record_id)).filter(agency_ratings::latest.eq(true))).set(agency_ratings::latest.eq(false)).execute(conn)?;
    if let Some(id) = newest {
        diesel::update(agency_ratings::table.find(id)).set(agency_ratings::latest.eq(true)).execute(conn)?;
    }
    Ok(())
}

/// Every rating of an agency, newest first, with the rater's name.
pub fn of_record(conn: &mut DbConn, record_id: i64) -> QueryResult<Vec<(Rating, Option<String>)>> {
    agency_ratings::table
        .left_join(users::table.on(agency_ratings::rated_by.eq(users::id.nullable())))
        .filter(agency_ratings::record_id.eq(record_id))
        .order((agency_ratings::rated_on.desc(), agency_ratings::id.desc()))
        .select((Rating::as_select(), users::name.nullable()))
        .load(conn)
}

/// The latest ratings of the given agencies: (record id, total, day rated).
pub fn latest_of(conn: &mut DbConn, record_ids: &[i64]) -> QueryResult<Vec<(i64, i32, NaiveDateTime)>> {
    let mut out = Vec::new();
    for chunk in record_ids.chunks(5000) {
        out.extend(
            agency_ratings::table
                .filter(agency_ratings::latest.eq(true))
                .filter(agency_ratings::record_id.eq_any(chunk))
                .select((agency_ratings::record_id, agency_ratings::total, agency_ratings::rated_on))
                .load::<(i64, i32, NaiveDateTime)>(conn)?,
        );
    }
    Ok(out)
}

/// Test and seed helper: moves a rating's day (a periodic review needs an old one to show).
pub fn set_rated_on(conn: &mut DbConn, id: i64, rated_on: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(agency_ratings::table.find(id)).set(agency_ratings::rated_on.eq(rated_on)).execute(conn)
}

crate::text_enum! {
    /// Where a member's request to register an agency stands.
    pub enum RequestStatus {
        Pending,
        Approved,
        Declined,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = agency_requests)]
pub struct Request {
    pub id: i64,
    pub requested_by: i64,
    pub record_id: Option<i64>,
    pub state: String,
    pub name: String,
    pub fields: String,
    pub status: RequestStatus,
    pub reason: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_request(conn: &mut DbConn, by: i64, record_id: Option<i64>, state: &str, name: &str, fields: &str, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(agency_requests::table)
        .values((
            agency_requests::requested_by.eq(by),
            agency_requests::record_id.eq(record_id),
            agency_requests::state.eq(state),
            agency_requests::name.eq(name),
            agency_requests::fields.eq(fields),
            agency_requests::status.eq(RequestStatus::Pending),
            agency_requests::reason.eq(""),
            agency_requests::created_at.eq(now),
        ))
        .returning(agency_requests::id)
        .get_result(conn)
}

pub fn find_request(conn: &mut DbConn, id: i64) -> QueryResult<Request> {
    agency_requests::table.find(id).select(Request::as_select()).first(conn)
}

/// Decides a pending request; false when it was no longer pending (decided meanwhile).
pub fn decide(conn: &mut DbConn, id: i64, status: RequestStatus, reason: &str, record_id: Option<i64>, by: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(agency_requests::table.find(id).filter(agency_requests::status.eq(RequestStatus::Pending)))
        .set((
            agency_requests::status.eq(status),
            agency_requests::reason.eq(reason),
            agency_requests::record_id.eq(record_id),
            agency_requests::decided_by.eq(Some(by)),
            agency_requests::decided_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// A member's own requests, newest first.
pub fn requests_by(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<Request>> {
    agency_requests::table.filter(agency_requests::requested_by.eq(user_id)).order(agency_requests::id.desc()).select(Request::as_select()).load(conn)
}

/// Pending requests in the given states (every state when None), oldest first, with the
/// requester's name.
pub fn pending_in(conn: &mut DbConn, states: Option<&[String]>) -> QueryResult<Vec<(Request, String)>> {
    let mut q = agency_requests::table
        .inner_join(users::table.on(agency_requests::requested_by.eq(users::id)))
        .filter(agency_requests::status.eq(RequestStatus::Pending))
        .order(agency_requests::id.asc())
        .select((Request::as_select(), users::name))
        .into_boxed();
    if let Some(s) = states {
        q = q.filter(agency_requests::state.eq_any(s.to_vec()));
    }
    q.load(conn)
}

/// Has the agency a rating of that day? (The shipped ratings are imported once.)
pub fn exists_on(conn: &mut DbConn, record_id: i64, rated_on: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(agency_ratings::table.filter(agency_ratings::record_id.eq(record_id)).filter(agency_ratings::rated_on.eq(rated_on)))).get_result(conn)
}
