//! A record of every inbound message and what became of it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::inbound_mail;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_mail)]
pub struct InboundMail {
    pub id: i64,
    pub received_at: NaiveDateTime,
    pub sender: String,
    pub recipient: String,
    pub message_id: String,
    pub outcome: String,
    pub reason: String,
    pub post_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = inbound_mail)]
pub struct NewInboundMail<'a> {
    pub received_at: NaiveDateTime,
    pub sender: &'a str,
    pub recipient: &'a str,
    pub message_id: &'a str,
    pub outcome: &'a str,
    pub reason: &'a str,
    pub post_id: Option<i64>,
}

pub fn record(conn: &mut DbConn, new: &NewInboundMail) -> QueryResult<i64> {
    diesel::insert_into(inbound_mail::table).values(new).returning(inbound_mail::id).get_result(conn)
}

pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<InboundMail>> {
    inbound_mail::table.order(inbound_mail::id.desc()).limit(limit).select(InboundMail::as_select()).load(conn)
}
