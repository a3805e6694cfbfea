//! Thematic communities and their moderation settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::communities;
use crate::db::DbConn;

crate::text_enum! {
    /// How people join: by asking (a moderator decides) or by invitation only.
    pub enum JoinPolicy {
        Request,
        Invite,
    }
}

crate::text_enum! {
    /// Which posts wait for a moderator: all, or only those of members not yet trusted.
    pub enum Premoderation {
        All,
        NewMembers,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = communities)]
pub struct Community {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    /// The community's theme slug; read as a list (models::list) by whom it concerns.
    pub theme: String,
    pub created_at: NaiveDateTime,
    pub join_policy: JoinPolicy,
    pub public_threads: bool,
    pub premoderation: Premoderation,
    pub trusted_after: i32,
    /// One rule a line: a word or phrase, or /regex/.
    pub hold_rules: String,
    /// Reasons offered when rejecting, a list (models::list).
    pub canned_reasons: String,
    pub response_days: i32,
    /// Send daily and weekly digests on schedule when no moderator composes one.
    pub auto_digest: bool,
}

impl Community {
    pub fn canned_reasons(&self) -> Vec<&str> {
        super::list::decode(&self.canned_reasons).collect()
    }
    pub fn themes(&self) -> Vec<&str> {
        super::list::decode(&self.theme).collect()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = communities)]
pub struct NewCommunity<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub theme: &'a str,
    pub created_at: NaiveDateTime,
}

/// What moderators and administrators change on the settings page.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = communities)]
pub struct Settings {
    pub name: String,
    pub description: String,
    pub theme: String,
    pub join_policy: JoinPolicy,
    pub public_threads: bool,
    pub premoderation: Premoderation,
    pub trusted_after: i32,
    pub hold_rules: String,
    pub canned_reasons: String,
    pub response_days: i32,
    pub auto_digest: bool,
}

pub fn insert(conn: &mut DbConn, new: &NewCommunity) -> QueryResult<i64> {
    diesel::insert_into(communities::table).values(new).returning(communities::id).get_result(conn)
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Community>> {
    communities::table.order(communities::name.asc()).select(Community::as_select()).load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    communities::table.count().get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Community> {
    communities::table.find(id).select(Community::as_select()).first(conn)
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Community> {
    communities::table.filter(communities::slug.eq(slug)).select(Community::as_select()).first(conn)
}

pub fn slug_taken(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    communities::table.filter(communities::slug.eq(slug)).count().get_result::<i64>(conn).map(|n| n > 0)
}

pub fn update_settings(conn: &mut DbConn, id: i64, settings: &Settings) -> QueryResult<usize> {
    diesel::update(communities::table.find(id)).set(settings).execute(conn)
}

pub fn with_auto_digest(conn: &mut DbConn) -> QueryResult<Vec<Community>> {
    communities::table.filter(communities::auto_digest.eq(true)).select(Community::as_select()).load(conn)
}
