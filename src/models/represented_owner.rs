//! The unit owners a facilitator posts for: name, place and contact as the owner agreed, the
//! consent statement the facilitator confirmed, and the claim by which the owner later takes
//! their posts over. The contact is for the facilitator, the moderators and administrators only.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{posts, represented_owners, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = represented_owners)]
pub struct Owner {
    pub id: i64,
    pub facilitator_id: i64,
    pub name: String,
    /// Village, town or district, as the owner gave it.
    pub place: String,
    pub state: String,
    pub phone: String,
    pub postal_address: String,
    pub consent_statement: String,
    pub consented_at: NaiveDateTime,
    pub claim_token_hash: Option<String>,
    pub claim_expires_at: Option<NaiveDateTime>,
    pub claimed_by: Option<i64>,
    pub claimed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Owner {
    pub fn is_claimed(&self) -> bool {
        self.claimed_by.is_some()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = represented_owners)]
pub struct NewOwner<'a> {
    pub facilitator_id: i64,
    pub name: &'a str,
    pub place: &'a str,
    pub state: &'a str,
    pub phone: &'a str,
    pub postal_address: &'a str,
    pub consent_statement: &'a str,
    pub consented_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewOwner) -> QueryResult<i64> {
    diesel::insert_into(represented_owners::table).values(new).returning(represented_owners::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Owner> {
    represented_owners::table.find(id).select(Owner::as_select()).first(conn)
}

/// The consent confirmed again for a new post for an owner posted for before. Only an owner
/// not yet claimed: false when a claim got there first (a post written for them now would stay
/// under the facilitator's name, since a claim moves posts once).
pub fn reconfirm(conn: &mut DbConn, id: i64, statement: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(represented_owners::table.find(id).filter(represented_owners::claimed_by.is_null()))
        .set((represented_owners::consent_statement.eq(statement), represented_owners::consented_at.eq(at)))
        .execute(conn)
        .map(|n| n == 1)
}

/// The people one facilitator posted for, newest first.
pub fn of_facilitator(conn: &mut DbConn, facilitator_id: i64) -> QueryResult<Vec<Owner>> {
    represented_owners::table
        .filter(represented_owners::facilitator_id.eq(facilitator_id))
        .order(represented_owners::id.desc())
        .select(Owner::as_select())
        .load(conn)
}

/// An owner with their facilitator's name (empty for a deleted account).
pub fn with_facilitator(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(Owner, String)>> {
    represented_owners::table
        .inner_join(users::table.on(users::id.eq(represented_owners::facilitator_id)))
        .filter(represented_owners::id.eq_any(ids))
        .select((Owner::as_select(), users::name))
        .load(conn)
}

pub fn by_claim_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Owner>> {
    represented_owners::table
        .filter(represented_owners::claim_token_hash.eq(hash))
        .select(Owner::as_select())
        .first(conn)
        .optional()
}

/// A new claim token (its hash) replaces any earlier one.
pub fn set_claim(conn: &mut DbConn, id: i64, hash: &str, expires_at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(represented_owners::table.find(id).filter(represented_owners::claimed_by.is_null()))
        .set((represented_owners::claim_token_hash.eq(Some(hash)), represented_owners::claim_expires_at.eq(Some(expires_at))))
        .execute(conn)
}

/// Marks the owner claimed, once: false when someone claimed first. The contact goes with the
/// claim: it was kept only so the facilitator could reach the owner, who now has an account.
pub fn mark_claimed(conn: &mut DbConn, id: i64, user_id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(represented_owners::table.find(id).filter(represented_owners::claimed_by.is_null()))
        .set((
            represented_owners::claimed_by.eq(Some(user_id)),
            represented_owners::claimed_at.eq(Some(at)),
            represented_owners::phone.eq(""),
            represented_owners::postal_address.eq(""),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The posts made for one owner, oldest first.
pub fn posts_for(conn: &mut DbConn, owner_id: i64) -> QueryResult<Vec<crate::models::post::Post>> {
    posts::table
        .filter(posts::on_behalf_of.eq(owner_id))
        .order(posts::id.asc())
        .select(crate::models::post::Post::as_select())
        .load(conn)
}

/// Records the owner a new post was written for.
pub fn mark_post(conn: &mut DbConn, post_id: i64, owner_id: i64) -> QueryResult<usize> {
    diesel::update(posts::table.find(post_id)).set(posts::on_behalf_of.eq(Some(owner_id))).execute(conn)
}

/// Moves the authorship of the posts made for an owner to the owner's account; the facilitator
/// stays recorded through `on_behalf_of`. Returns how many posts moved.
pub fn move_authorship(conn: &mut DbConn, owner_id: i64, from: i64, to: i64) -> QueryResult<usize> {
    diesel::update(posts::table.filter(posts::on_behalf_of.eq(owner_id)).filter(posts::author_id.eq(from)))
        .set(posts::author_id.eq(to))
        .execute(conn)
}

/// The communities where a post made for this owner was published.
pub fn published_communities(conn: &mut DbConn, owner_id: i64) -> QueryResult<Vec<i64>> {
    posts::table
        .filter(posts::on_behalf_of.eq(owner_id))
        .filter(posts::status.eq(crate::models::post::Status::Approved))
        .select(posts::community_id)
        .distinct()
        .load(conn)
}

/// A deleted facilitator's owners keep their name on the posts; their contact and any claim
/// token go, so no one can reach them through the portal any more.
pub fn erase_for_facilitator(conn: &mut DbConn, facilitator_id: i64) -> QueryResult<usize> {
    diesel::update(represented_owners::table.filter(represented_owners::facilitator_id.eq(facilitator_id)))
        .set((
            represented_owners::phone.eq(""),
            represented_owners::postal_address.eq(""),
            represented_owners::claim_token_hash.eq(None::<String>),
            represented_owners::claim_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// An owner who claimed and then deleted their account: their name and place are erased too,
/// like the account's own name ("former member").
pub fn erase_claimed_by(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::update(represented_owners::table.filter(represented_owners::claimed_by.eq(user_id)))
        .set((
            represented_owners::name.eq(""),
            represented_owners::place.eq(""),
            represented_owners::state.eq(""),
            represented_owners::phone.eq(""),
            represented_owners::postal_address.eq(""),
        ))
        .execute(conn)
}
