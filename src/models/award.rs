//! Award cycles (issue 22): a cycle with its published criteria and jury, the nominations
//! focal points make, the jurors' declared conflicts and their points per criterion.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{award_conflicts, award_criteria, award_cycles, award_jurors, award_nominations, award_scores, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = award_cycles)]
pub struct Cycle {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub description: String,
    /// Category codes, comma-separated.
    pub categories: String,
    pub nominations_open: String,
    pub nominations_close: String,
    pub jury_close: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub scoring_mailed_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub published_by: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = award_criteria)]
pub struct Criterion {
    pub id: i64,
    pub cycle_id: i64,
    pub position: i32,
    pub name: String,
    pub description: String,
    pub max_points: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = award_nominations)]
pub struct Nomination {
    pub id: i64,
    pub cycle_id: i64,
    pub category: String,
    pub nominee_id: i64,
    pub practice_id: Option<i64>,
    pub statement: String,
    pub state: String,
    pub nominated_by: Option<i64>,
    pub created_at: NaiveDateTime,
    /// Set when the results are published.
    pub rank: Option<i32>,
    /// "winner", "runner-up" or "" (set when the results are published).
    pub place: String,
    /// When its nominator withdrew it: it then leaves the jury's list and the results.
    pub withdrawn_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = award_scores)]
pub struct Score {
    pub id: i64,
    pub nomination_id: i64,
    pub juror_id: i64,
    pub criterion_id: i64,
    pub points: i32,
    pub remark: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = award_conflicts)]
pub struct Conflict {
    pub id: i64,
    pub nomination_id: i64,
    pub user_id: i64,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

/// What the national focal point writes when opening a cycle.
pub struct NewCycle<'a> {
    pub year: i32,
    pub title: &'a str,
    pub description: &'a str,
    pub categories: &'a str,
    pub nominations_open: &'a str,
    pub nominations_close: &'a str,
    pub jury_close: &'a str,
}

pub fn insert_cycle(conn: &mut DbConn, c: &NewCycle, by: i64, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(award_cycles::table)
        .values((
            award_cycles::year.eq(c.year),
            award_cycles::title.eq(c.title),
            award_cycles::description.eq(c.description),
            award_cycles::categories.eq(c.categories),
            award_cycles::nominations_open.eq(c.nominations_open),
            award_cycles::nominations_close.eq(c.nominations_close),
            award_cycles::jury_close.eq(c.jury_close),
            award_cycles::created_by.eq(Some(by)),
            award_cycles::created_at.eq(now),
        ))
        .returning(award_cycles::id)
        .get_result(conn)
}

/// A cycle's texts and days as edited before scoring opens (its categories and jury stay).
pub fn update_cycle(conn: &mut DbConn, id: i64, c: &NewCycle) -> QueryResult<usize> {
    diesel::update(award_cycles::table.find(id).filter(award_cycles::published_at.is_null()).filter(award_cycles::scoring_mailed_at.is_null()))
        .set((
            award_cycles::year.eq(c.year),
            award_cycles::title.eq(c.title),
            award_cycles::description.eq(c.description),
            award_cycles::nominations_open.eq(c.nominations_open),
            award_cycles::nominations_close.eq(c.nominations_close),
            award_cycles::jury_close.eq(c.jury_close),
        ))
        .execute(conn)
}

/// Removes a cycle's criteria, to write them again before anyone has scored.
pub fn delete_criteria(conn: &mut DbConn, cycle_id: i64) -> QueryResult<usize> {
    diesel::delete(award_criteria::table.filter(award_criteria::cycle_id.eq(cycle_id))).execute(conn)
}

pub fn insert_criterion(conn: &mut DbConn, cycle_id: i64, position: i32, name: &str, description: &str, max_points: i32) -> QueryResult<usize> {
    diesel::insert_into(award_criteria::table)
        .values((
            award_criteria::cycle_id.eq(cycle_id),
            award_criteria::position.eq(position),
            award_criteria::name.eq(name),
            award_criteria::description.eq(description),
            award_criteria::max_points.eq(max_points),
        ))
        .execute(conn)
}

pub fn insert_juror(conn: &mut DbConn, cycle_id: i64, user_id: i64) -> QueryResult<usize> {
    diesel::insert_into(award_jurors::table).values((award_jurors::cycle_id.eq(cycle_id), award_jurors::user_id.eq(user_id))).execute(conn)
}

pub fn find_cycle(conn: &mut DbConn, id: i64) -> QueryResult<Option<Cycle>> {
    award_cycles::table.find(id).select(Cycle::as_select()).first(conn).optional()
}

/// Every cycle, newest year first.
pub fn cycles(conn: &mut DbConn) -> QueryResult<Vec<Cycle>> {
    award_cycles::table.order((award_cycles::year.desc(), award_cycles::id.desc())).select(Cycle::as_select()).load(conn)
}

pub fn criteria(conn: &mut DbConn, cycle_id: i64) -> QueryResult<Vec<Criterion>> {
    award_criteria::table.filter(award_criteria::cycle_id.eq(cycle_id)).order(award_criteria::position.asc()).select(Criterion::as_select()).load(conn)
}

/// The jury: (user id, name), by name.
pub fn jurors(conn: &mut DbConn, cycle_id: i64) -> QueryResult<Vec<(i64, String)>> {
    award_jurors::table
        .inner_join(users::table)
        .filter(award_jurors::cycle_id.eq(cycle_id))
        .order((users::name.asc(), users::id.asc()))
        .select((users::id, users::name))
        .load(conn)
}

/// Marks the mail to the jury sent, once; false when it was already.
pub fn mark_scoring_mailed(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(award_cycles::table.find(id).filter(award_cycles::scoring_mailed_at.is_null())).set(award_cycles::scoring_mailed_at.eq(Some(now))).execute(conn)?;
    Ok(n == 1)
}

/// Cycles whose nominations closed before `today` (YYYY-MM-DD) and whose jury was not told yet.
pub fn due_for_scoring_mail(conn: &mut DbConn, today: &str) -> QueryResult<Vec<Cycle>> {
    award_cycles::table
        .filter(award_cycles::scoring_mailed_at.is_null())
        .filter(award_cycles::published_at.is_null())
        .filter(award_cycles::nominations_close.lt(today))
        .select(Cycle::as_select())
        .load(conn)
}

/// Publishes the results, once; false when they were already.
pub fn mark_published(conn: &mut DbConn, id: i64, by: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(award_cycles::table.find(id).filter(award_cycles::published_at.is_null()))
        .set((award_cycles::published_at.eq(Some(now)), award_cycles::published_by.eq(Some(by))))
        .execute(conn)?;
    Ok(n == 1)
}

pub struct NewNomination<'a> {
    pub cycle_id: i64,
    pub category: &'a str,
    pub nominee_id: i64,
    pub practice_id: Option<i64>,
    pub statement: &'a str,
    pub state: &'a str,
}

pub fn insert_nomination(conn: &mut DbConn, n: &NewNomination, by: i64, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(award_nominations::table)
        .values((
            award_nominations::cycle_id.eq(n.cycle_id),
            award_nominations::category.eq(n.category),
            award_nominations::nominee_id.eq(n.nominee_id),
            award_nominations::practice_id.eq(n.practice_id),
            award_nominations::statement.eq(n.statement),
            award_nominations::state.eq(n.state),
            award_nominations::nominated_by.eq(Some(by)),
            award_nominations::created_at.eq(now),
        ))
        .returning(award_nominations::id)
        .get_result(conn)
}

pub fn nomination_exists(conn: &mut DbConn, cycle_id: i64, category: &str, nominee_id: i64) -> QueryResult<bool> {
    let n: i64 = award_nominations::table
        .filter(award_nominations::cycle_id.eq(cycle_id))
        .filter(award_nominations::category.eq(category))
        .filter(award_nominations::nominee_id.eq(nominee_id))
        // A withdrawn nomination still holds its place: the table keeps one per nominee.
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn find_nomination(conn: &mut DbConn, id: i64) -> QueryResult<Option<Nomination>> {
    award_nominations::table.find(id).select(Nomination::as_select()).first(conn).optional()
}

/// A cycle's nominations, less those withdrawn.
pub fn nominations(conn: &mut DbConn, cycle_id: i64) -> QueryResult<Vec<Nomination>> {
    award_nominations::table.filter(award_nominations::cycle_id.eq(cycle_id)).filter(award_nominations::withdrawn_at.is_null()).order(award_nominations::id.asc()).select(Nomination::as_select()).load(conn)
}

/// Nominations naming a record, as the nominee or the practice they rest on.
pub fn nominations_of_record(conn: &mut DbConn, record_id: i64) -> QueryResult<Vec<Nomination>> {
    award_nominations::table
        .filter(award_nominations::nominee_id.eq(record_id).or(award_nominations::practice_id.eq(record_id)))
        .filter(award_nominations::withdrawn_at.is_null())
        .order(award_nominations::id.asc())
        .select(Nomination::as_select())
        .load(conn)
}

/// Withdraws a nomination, once; false when it was already.
pub fn withdraw_nomination(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(award_nominations::table.find(id).filter(award_nominations::withdrawn_at.is_null())).set(award_nominations::withdrawn_at.eq(Some(now))).execute(conn)?;
    Ok(n == 1)
}

/// Every score given in a cycle.
pub fn scores_of_cycle(conn: &mut DbConn, cycle_id: i64) -> QueryResult<Vec<Score>> {
    award_scores::table
        .inner_join(award_nominations::table.on(award_nominations::id.eq(award_scores::nomination_id)))
        .filter(award_nominations::cycle_id.eq(cycle_id))
        .order(award_scores::id.asc())
        .select(Score::as_select())
        .load(conn)
}

pub fn scores_of(conn: &mut DbConn, nomination_id: i64) -> QueryResult<Vec<Score>> {
    award_scores::table.filter(award_scores::nomination_id.eq(nomination_id)).order(award_scores::id.asc()).select(Score::as_select()).load(conn)
}

/// Replaces a juror's points for a nomination with `points` (criterion, points, remark).
pub fn replace_scores(conn: &mut DbConn, nomination_id: i64, juror_id: i64, points: &[(i64, i32, String)], now: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(award_scores::table.filter(award_scores::nomination_id.eq(nomination_id)).filter(award_scores::juror_id.eq(juror_id))).execute(conn)?;
    for (criterion, p, remark) in points {
        diesel::insert_into(award_scores::table)
            .values((
                award_scores::nomination_id.eq(nomination_id),
                award_scores::juror_id.eq(juror_id),
                award_scores::criterion_id.eq(criterion),
                award_scores::points.eq(p),
                award_scores::remark.eq(remark),
                award_scores::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_conflict(conn: &mut DbConn, nomination_id: i64, user_id: i64, reason: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(award_conflicts::table)
        .values((award_conflicts::nomination_id.eq(nomination_id), award_conflicts::user_id.eq(user_id), award_conflicts::reason.eq(reason), award_conflicts::created_at.eq(now)))
        .execute(conn)
}

pub fn conflicts_of_cycle(conn: &mut DbConn, cycle_id: i64) -> QueryResult<Vec<Conflict>> {
    award_conflicts::table
        .inner_join(award_nominations::table.on(award_nominations::id.eq(award_conflicts::nomination_id)))
        .filter(award_nominations::cycle_id.eq(cycle_id))
        .select(Conflict::as_select())
        .load(conn)
}

/// Records a nomination's rank and place as the results are published.
pub fn set_place(conn: &mut DbConn, id: i64, rank: Option<i32>, place: &str) -> QueryResult<usize> {
    diesel::update(award_nominations::table.find(id)).set((award_nominations::rank.eq(rank), award_nominations::place.eq(place))).execute(conn)
}
