//! The funding clearing house: funders' offers and clusters' proposals (one table, told apart
//! by kind), and the record of which matches each person has been mailed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{funding_match_mails, funding_posts};
use crate::db::DbConn;

crate::text_enum! {
    /// An offer of funds, or a proposal seeking them.
    pub enum Kind {
        Offer,
        Proposal,
    }
}

crate::text_enum! {
    /// Submitted posts wait for a focal point; published ones are public and matched;
    /// returned ones carry the reviewer's comment.
    pub enum Status {
        Submitted,
        Published,
        Returned,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = funding_posts)]
pub struct FundingPost {
    pub id: i64,
    pub kind: Kind,
    pub title: String,
    /// A code of the registry's scheme vocabulary, or free text; '' for none.
    pub scheme: String,
    pub funder: String,
    pub partners: String,
    pub cluster_id: Option<i64>,
    /// An offer's range in rupees.
    pub amount_min: i64,
    pub amount_max: i64,
    /// A proposal's budget in rupees.
    pub budget: i64,
    /// Sector codes, a stored list (`models::list`).
    pub sectors: String,
    /// State names, a stored list; an offer without any is open to every state.
    pub states: String,
    /// An offer's last day, YYYY-MM-DD, or '' for none.
    pub deadline: String,
    /// An offer's description, a proposal's problem.
    pub body: String,
    pub contact: String,
    pub status: Status,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub comment: String,
    pub lock_version: i32,
    /// When its author or a focal point closed it: it then matches nothing.
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = funding_posts)]
pub struct NewFundingPost<'a> {
    pub kind: Kind,
    pub title: &'a str,
    pub scheme: &'a str,
    pub funder: &'a str,
    pub partners: &'a str,
    pub cluster_id: Option<i64>,
    pub amount_min: i64,
    pub amount_max: i64,
    pub budget: i64,
    pub sectors: &'a str,
    pub states: &'a str,
    pub deadline: &'a str,
    pub body: &'a str,
    pub contact: &'a str,
    pub status: Status,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, p: &NewFundingPost) -> QueryResult<i64> {
    diesel::insert_into(funding_posts::table).values(p).returning(funding_posts::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<FundingPost>> {
    funding_posts::table.find(id).select(FundingPost::as_select()).first(conn).optional()
}

/// The reviewer's decision, if the post still waits and nobody decided since `lock` was read.
pub fn review(conn: &mut DbConn, id: i64, lock: i32, to: Status, by: i64, comment: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(funding_posts::table.find(id).filter(funding_posts::lock_version.eq(lock)).filter(funding_posts::status.eq(Status::Submitted)).filter(funding_posts::closed_at.is_null()))
        .set((
            funding_posts::status.eq(to),
            funding_posts::reviewed_by.eq(Some(by)),
            funding_posts::reviewed_at.eq(Some(now)),
            funding_posts::published_at.eq((to == Status::Published).then_some(now)),
            funding_posts::comment.eq(comment),
            funding_posts::lock_version.eq(lock + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// A post as edited, if nobody changed it since `lock` was read and it is not closed. The
/// kind, author and creation stay; the status is what the edit leads to.
pub fn update(conn: &mut DbConn, id: i64, lock: i32, p: &NewFundingPost) -> QueryResult<bool> {
    let n = diesel::update(funding_posts::table.find(id).filter(funding_posts::lock_version.eq(lock)).filter(funding_posts::closed_at.is_null()))
        .set((
            funding_posts::title.eq(p.title),
            funding_posts::scheme.eq(p.scheme),
            funding_posts::funder.eq(p.funder),
            funding_posts::partners.eq(p.partners),
            funding_posts::cluster_id.eq(p.cluster_id),
            funding_posts::amount_min.eq(p.amount_min),
            funding_posts::amount_max.eq(p.amount_max),
            funding_posts::budget.eq(p.budget),
            funding_posts::sectors.eq(p.sectors),
            funding_posts::states.eq(p.states),
            funding_posts::deadline.eq(p.deadline),
            funding_posts::body.eq(p.body),
            funding_posts::contact.eq(p.contact),
            funding_posts::status.eq(p.status),
            funding_posts::published_at.eq(p.published_at),
            funding_posts::lock_version.eq(lock + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Closes a post, once; false when it was already closed.
pub fn close(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(funding_posts::table.find(id).filter(funding_posts::closed_at.is_null()))
        .set((funding_posts::closed_at.eq(Some(now)), funding_posts::lock_version.eq(funding_posts::lock_version + 1)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Posts of a kind in a status, newest first.
pub fn of_kind(conn: &mut DbConn, kind: Kind, status: Status) -> QueryResult<Vec<FundingPost>> {
    funding_posts::table
        .filter(funding_posts::kind.eq(kind))
        .filter(funding_posts::status.eq(status))
        .order(funding_posts::id.desc())
        .select(FundingPost::as_select())
        .load(conn)
}

/// Every published post still open (not closed), offers and proposals.
pub fn published(conn: &mut DbConn) -> QueryResult<Vec<FundingPost>> {
    funding_posts::table.filter(funding_posts::status.eq(Status::Published)).filter(funding_posts::closed_at.is_null()).order(funding_posts::id.asc()).select(FundingPost::as_select()).load(conn)
}

/// Every post waiting for review (and not closed), oldest first.
pub fn waiting(conn: &mut DbConn) -> QueryResult<Vec<FundingPost>> {
    funding_posts::table.filter(funding_posts::status.eq(Status::Submitted)).filter(funding_posts::closed_at.is_null()).order(funding_posts::id.asc()).select(FundingPost::as_select()).load(conn)
}

/// One person's posts, newest first.
pub fn by_author(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<FundingPost>> {
    funding_posts::table.filter(funding_posts::author_id.eq(user_id)).order(funding_posts::id.desc()).select(FundingPost::as_select()).load(conn)
}

/// The matches (offer, proposal) this person has already been mailed.
pub fn mailed(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    funding_match_mails::table.filter(funding_match_mails::user_id.eq(user_id)).select((funding_match_mails::offer_id, funding_match_mails::proposal_id)).load(conn)
}

pub fn mark_mailed(conn: &mut DbConn, user_id: i64, pairs: &[(i64, i64)], now: NaiveDateTime) -> QueryResult<()> {
    for (offer, proposal) in pairs {
        diesel::insert_into(funding_match_mails::table)
            .values((funding_match_mails::user_id.eq(user_id), funding_match_mails::offer_id.eq(offer), funding_match_mails::proposal_id.eq(proposal), funding_match_mails::sent_at.eq(now)))
            .execute(conn)?;
    }
    Ok(())
}
