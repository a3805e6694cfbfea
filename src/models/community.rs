//! Thematic communities. This file holds what roles need; the community feature extends it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::communities;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = communities)]
pub struct Community {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub theme: String,
    pub created_at: NaiveDateTime,
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

pub fn insert(conn: &mut DbConn, new: &NewCommunity) -> QueryResult<i64> {
    diesel::insert_into(communities::table).values(new).returning(communities::id).get_result(conn)
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Community>> {
    communities::table.order(communities::name.asc()).select(Community::as_select()).load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Community> {
    communities::table.find(id).select(Community::as_select()).first(conn)
}
