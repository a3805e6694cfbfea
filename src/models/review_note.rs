//! Notes on a registry version under review: the technical input of its sector's focal points,
//! and the answers of its reviewers, its state's focal points and its submitter.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{registry_review_notes, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = registry_review_notes)]
pub struct Note {
    pub id: i64,
    pub version_id: i64,
    pub author_id: Option<i64>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, version_id: i64, author_id: i64, body: &str, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(registry_review_notes::table)
        .values((
            registry_review_notes::version_id.eq(version_id),
            registry_review_notes::author_id.eq(Some(author_id)),
            registry_review_notes::body.eq(body),
            registry_review_notes::created_at.eq(now),
        ))
        .returning(registry_review_notes::id)
        .get_result(conn)
}

/// A version's notes, oldest first, each with its author's name (None once the account is gone).
pub fn of_version(conn: &mut DbConn, version_id: i64) -> QueryResult<Vec<(Note, Option<String>)>> {
    registry_review_notes::table
        .left_join(users::table.on(registry_review_notes::author_id.eq(users::id.nullable())))
        .filter(registry_review_notes::version_id.eq(version_id))
        .order(registry_review_notes::id.asc())
        .select((Note::as_select(), users::name.nullable()))
        .load(conn)
}
