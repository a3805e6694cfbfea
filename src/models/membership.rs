//! Who belongs to which community: requested, invited, active.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{communities, memberships, users};
use crate::db::DbConn;
use crate::models::community::Community;
use crate::models::user::User;

crate::text_enum! {
    /// Where a membership stands.
    pub enum Status {
        Requested,
        Invited,
        Active,
        Declined,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub id: i64,
    pub community_id: i64,
    pub user_id: i64,
    pub status: Status,
    pub created_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub delivery: Delivery,
}

crate::text_enum! {
    /// How a member receives a community's posts: each by mail, in a daily or weekly digest, a
    /// daily summary, or only on the web.
    pub enum Delivery {
        Each,
        Daily,
        Weekly,
        Summary,
        Web,
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = memberships)]
pub struct NewMembership {
    pub community_id: i64,
    pub user_id: i64,
    pub status: Status,
    pub created_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, new: &NewMembership) -> QueryResult<i64> {
    diesel::insert_into(memberships::table).values(new).returning(memberships::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, community_id: i64, user_id: i64) -> QueryResult<Option<Membership>> {
    memberships::table
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::user_id.eq(user_id))
        .select(Membership::as_select())
        .first(conn)
        .optional()
}

pub fn set_status(conn: &mut DbConn, id: i64, status: Status, by: Option<i64>, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(memberships::table.find(id))
        .set((memberships::status.eq(status), memberships::decided_by.eq(by), memberships::decided_at.eq(Some(at))))
        .execute(conn)
}

/// Members of one community in a status, with their accounts, oldest first.
pub fn list(conn: &mut DbConn, community_id: i64, status: Status) -> QueryResult<Vec<(Membership, User)>> {
    memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::status.eq(status))
        .order(memberships::id.asc())
        .select((Membership::as_select(), User::as_select()))
        .load(conn)
}

/// Communities a person is an active member of.
pub fn communities_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<Community>> {
    memberships::table
        .inner_join(communities::table)
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(Status::Active))
        .order(communities::name.asc())
        .select(Community::as_select())
        .load(conn)
}

/// The ids of the communities this person is an active member of.
pub fn active_community_ids(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<i64>> {
    memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(Status::Active))
        .select(memberships::community_id)
        .load(conn)
}

pub fn count_active(conn: &mut DbConn, community_id: i64) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::status.eq(Status::Active))
        .count()
        .get_result(conn)
}

pub fn set_delivery(conn: &mut DbConn, id: i64, delivery: Delivery) -> QueryResult<usize> {
    diesel::update(memberships::table.find(id)).set(memberships::delivery.eq(delivery)).execute(conn)
}

/// Active, confirmed members of a community who get mail in this mode and whose mail has not
/// stopped, with their addresses.
pub fn recipients(conn: &mut DbConn, community_id: i64, delivery: Delivery) -> QueryResult<Vec<(i64, String)>> {
    memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::status.eq(Status::Active))
        .filter(memberships::delivery.eq(delivery))
        .filter(users::mail_stopped_at.is_null())
        .filter(users::disabled_at.is_null())
        .filter(users::email_verified_at.is_not_null())
        .order(users::id.asc())
        .select((users::id, users::email))
        .load(conn)
}

/// A person's active memberships with their communities, for the delivery settings.
pub fn of_user(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(Membership, Community)>> {
    memberships::table
        .inner_join(communities::table)
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(Status::Active))
        .order(communities::name.asc())
        .select((Membership::as_select(), Community::as_select()))
        .load(conn)
}
