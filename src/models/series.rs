//! Indicators over time and cluster ratings: dated values of an initiative's indicators, and
//! the national focal point's dated ratings of clusters on the rating components.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{cluster_rating_scores, cluster_ratings, indicator_values, rating_components, registry_records, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = indicator_values)]
pub struct IndicatorValue {
    pub id: i64,
    pub record_id: i64,
    pub indicator: String,
    /// YYYY-MM-DD.
    pub observed_on: String,
    pub value: f64,
    pub source: String,
    pub entered_by: Option<i64>,
    pub entered_at: NaiveDateTime,
}

/// The values of these records, by record, indicator and date.
pub fn values_of(conn: &mut DbConn, record_ids: &[i64]) -> QueryResult<Vec<IndicatorValue>> {
    if record_ids.is_empty() {
        return Ok(Vec::new());
    }
    indicator_values::table
        .filter(indicator_values::record_id.eq_any(record_ids))
        .order((indicator_values::record_id, indicator_values::indicator, indicator_values::observed_on))
        .select(IndicatorValue::as_select())
        .load(conn)
}

/// Every value of a published record of `kind`, with the record's web name, for the export.
pub fn published_values(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<(String, IndicatorValue)>> {
    indicator_values::table
        .inner_join(registry_records::table.on(registry_records::id.eq(indicator_values::record_id)))
        .filter(registry_records::kind.eq(kind))
        .filter(registry_records::published_version.is_not_null())
        .order((registry_records::slug, indicator_values::indicator, indicator_values::observed_on))
        .select((registry_records::slug, IndicatorValue::as_select()))
        .load(conn)
}

/// A registry record by id.
pub fn record(conn: &mut DbConn, id: i64) -> QueryResult<Option<crate::models::registry::Record>> {
    registry_records::table.find(id).select(crate::models::registry::Record::as_select()).first(conn).optional()
}

/// What writing one value did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    Updated,
    Unchanged,
}

/// Writes the value of an indicator on a date: a new row, or the one already there changed.
#[allow(clippy::too_many_arguments)]
pub fn put_value(conn: &mut DbConn, record_id: i64, indicator: &str, observed_on: &str, value: f64, source: &str, by: Option<i64>, now: NaiveDateTime) -> QueryResult<Written> {
    let found: Option<IndicatorValue> = indicator_values::table
        .filter(indicator_values::record_id.eq(record_id))
        .filter(indicator_values::indicator.eq(indicator))
        .filter(indicator_values::observed_on.eq(observed_on))
        .select(IndicatorValue::as_select())
        .first(conn)
        .optional()?;
    match found {
        Some(v) if v.value == value && v.source == source => Ok(Written::Unchanged),
        Some(v) => {
            diesel::update(indicator_values::table.find(v.id))
                .set((indicator_values::value.eq(value), indicator_values::source.eq(source), indicator_values::entered_by.eq(by), indicator_values::entered_at.eq(now)))
                .execute(conn)?;
            Ok(Written::Updated)
        }
        None => {
            diesel::insert_into(indicator_values::table)
                .values((
                    indicator_values::record_id.eq(record_id),
                    indicator_values::indicator.eq(indicator),
                    indicator_values::observed_on.eq(observed_on),
                    indicator_values::value.eq(value),
                    indicator_values::source.eq(source),
                    indicator_values::entered_by.eq(by),
                    indicator_values::entered_at.eq(now),
                ))
                .execute(conn)?;
            Ok(Written::Created)
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = rating_components)]
pub struct Component {
    pub code: String,
    pub label: String,
    pub label_hi: String,
    pub max_score: i32,
    pub position: i32,
}

pub fn components(conn: &mut DbConn) -> QueryResult<Vec<Component>> {
    rating_components::table.order((rating_components::position, rating_components::code)).select(Component::as_select()).load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = cluster_ratings)]
pub struct Rating {
    pub id: i64,
    pub record_id: i64,
    /// YYYY-MM-DD.
    pub rated_on: String,
    pub total: i32,
    pub note: String,
    pub rated_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Stores a rating with its scores (component code, score); the caller holds the transaction.
pub fn insert_rating(conn: &mut DbConn, record_id: i64, rated_on: &str, note: &str, scores: &[(String, i32)], by: Option<i64>, now: NaiveDateTime) -> QueryResult<i64> {
    let total: i32 = scores.iter().map(|(_, s)| *s).sum();
    let id: i64 = diesel::insert_into(cluster_ratings::table)
        .values((
            cluster_ratings::record_id.eq(record_id),
            cluster_ratings::rated_on.eq(rated_on),
            cluster_ratings::total.eq(total),
            cluster_ratings::note.eq(note),
            cluster_ratings::rated_by.eq(by),
            cluster_ratings::created_at.eq(now),
        ))
        .returning(cluster_ratings::id)
        .get_result(conn)?;
    // One statement a score: the connection serves both backends, which share no batch insert.
    for (c, s) in scores {
        diesel::insert_into(cluster_rating_scores::table)
            .values((cluster_rating_scores::rating_id.eq(id), cluster_rating_scores::component.eq(c.as_str()), cluster_rating_scores::score.eq(*s)))
            .execute(conn)?;
    }
    Ok(id)
}

/// A cluster's ratings, newest first, with the name of who rated.
pub fn ratings_of(conn: &mut DbConn, record_id: i64) -> QueryResult<Vec<(Rating, Option<String>)>> {
    cluster_ratings::table
        .left_join(users::table.on(users::id.nullable().eq(cluster_ratings::rated_by)))
        .filter(cluster_ratings::record_id.eq(record_id))
        .order((cluster_ratings::rated_on.desc(), cluster_ratings::id.desc()))
        .select((Rating::as_select(), users::name.nullable()))
        .load(conn)
}

/// Whether a cluster has been rated at all (the seed rates only clusters nobody rated).
pub fn has_ratings(conn: &mut DbConn, record_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(cluster_ratings::table.filter(cluster_ratings::record_id.eq(record_id)))).get_result(conn)
}

/// The scores of these ratings: (rating id, component code, score).
pub fn scores_of(conn: &mut DbConn, rating_ids: &[i64]) -> QueryResult<Vec<(i64, String, i32)>> {
    if rating_ids.is_empty() {
        return Ok(Vec::new());
    }
    cluster_rating_scores::table
        .filter(cluster_rating_scores::rating_id.eq_any(rating_ids))
        .select((cluster_rating_scores::rating_id, cluster_rating_scores::component, cluster_rating_scores::score))
        .load(conn)
}

/// Every rating of a published cluster, each cluster's newest first, with the cluster's
/// web name, title and state.
pub fn published_cluster_ratings(conn: &mut DbConn) -> QueryResult<Vec<(Rating, String, String, String)>> {
    cluster_ratings::table
        .inner_join(registry_records::table.on(registry_records::id.eq(cluster_ratings::record_id)))
        .filter(registry_records::kind.eq("cluster"))
        .filter(registry_records::published_version.is_not_null())
        .order((cluster_ratings::record_id, cluster_ratings::rated_on.desc(), cluster_ratings::id.desc()))
        .select((Rating::as_select(), registry_records::slug, registry_records::title, registry_records::state))
        .load(conn)
}
