use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::attachments;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub post_id: i64,
    pub original_name: String,
    pub stored_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment<'a> {
    pub post_id: i64,
    pub original_name: &'a str,
    pub stored_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewAttachment) -> QueryResult<i64> {
    diesel::insert_into(attachments::table).values(new).returning(attachments::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Attachment> {
    attachments::table.find(id).select(Attachment::as_select()).first(conn)
}

pub fn for_posts(conn: &mut DbConn, post_ids: &[i64]) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::post_id.eq_any(post_ids))
        .order(attachments::id.asc())
        .select(Attachment::as_select())
        .load(conn)
}
