//! The audit log: who changed whose rights, and when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{audit_log, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub subject_user_id: Option<i64>,
    pub detail: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub subject_user_id: Option<i64>,
    pub detail: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewAuditEntry) -> QueryResult<usize> {
    diesel::insert_into(audit_log::table).values(new).execute(conn)
}

/// Newest first, with the actor's and subject's names resolved.
pub fn recent(
    conn: &mut DbConn,
    limit: i64,
) -> QueryResult<Vec<(AuditEntry, Option<String>, Option<String>)>> {
    let (actors, subjects) = diesel::alias!(users as actors, users as subjects);
    audit_log::table
        .left_join(actors.on(audit_log::actor_id.eq(actors.field(users::id).nullable())))
        .left_join(subjects.on(audit_log::subject_user_id.eq(subjects.field(users::id).nullable())))
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            AuditEntry::as_select(),
            actors.field(users::name).nullable(),
            subjects.field(users::name).nullable(),
        ))
        .load(conn)
}

pub fn for_subject(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::subject_user_id.eq(user_id))
        .order(audit_log::id.desc())
        .select(AuditEntry::as_select())
        .load(conn)
}
