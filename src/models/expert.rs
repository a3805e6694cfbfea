//! Experts (issue 19): members' expert profiles, and the requests moderators send them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{expert_profiles, expert_requests, posts, users};
use crate::db::DbConn;
use crate::models::list;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, PartialEq)]
#[diesel(table_name = expert_profiles)]
pub struct Profile {
    pub user_id: i64,
    /// Community themes (codes of the `theme` vocabulary), a list (models::list).
    pub themes: String,
    /// Sectors, a list.
    pub sectors: String,
    /// States and union territories by their official names, a list.
    pub states: String,
    pub organisation: String,
    pub experience: String,
    /// Language codes (vocab::EXPERT_LANGUAGES), a list.
    pub languages: String,
    /// Shown in the public directory.
    pub listed: bool,
    /// Not offered to moderators and not mailed while set.
    pub paused: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Profile {
    pub fn theme_list(&self) -> Vec<&str> {
        list::decode(&self.themes).collect()
    }
    pub fn sector_list(&self) -> Vec<&str> {
        list::decode(&self.sectors).collect()
    }
    pub fn state_list(&self) -> Vec<&str> {
        list::decode(&self.states).collect()
    }
    pub fn language_list(&self) -> Vec<&str> {
        list::decode(&self.languages).collect()
    }
}

pub fn find(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<Profile>> {
    expert_profiles::table.find(user_id).select(Profile::as_select()).first(conn).optional()
}

/// Writes a member's profile, new or changed (the caller holds a write transaction).
pub fn save(conn: &mut DbConn, p: &Profile) -> QueryResult<()> {
    let n = diesel::update(expert_profiles::table.find(p.user_id))
        .set((
            expert_profiles::themes.eq(&p.themes),
            expert_profiles::sectors.eq(&p.sectors),
            expert_profiles::states.eq(&p.states),
            expert_profiles::organisation.eq(&p.organisation),
            expert_profiles::experience.eq(&p.experience),
            expert_profiles::languages.eq(&p.languages),
            expert_profiles::listed.eq(p.listed),
            expert_profiles::paused.eq(p.paused),
            expert_profiles::updated_at.eq(p.updated_at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(expert_profiles::table).values(p).execute(conn)?;
    }
    Ok(())
}

pub fn delete(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::delete(expert_profiles::table.find(user_id)).execute(conn)
}

/// What the directory is filtered by; an empty field filters nothing.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub theme: String,
    pub sector: String,
    pub state: String,
    pub language: String,
}

/// Profiles with their members' names: listed ones only when `listed_only`, never those of
/// disabled or deleted accounts, by name.
pub fn search(conn: &mut DbConn, f: &Filter, listed_only: bool, limit: i64) -> QueryResult<Vec<(Profile, String)>> {
    let mut q = expert_profiles::table
        .inner_join(users::table.on(users::id.eq(expert_profiles::user_id)))
        .filter(users::disabled_at.is_null())
        .filter(users::deleted_at.is_null())
        .into_boxed();
    if listed_only {
        q = q.filter(expert_profiles::listed.eq(true));
    }
    if !f.theme.is_empty() {
        q = q.filter(list::sql_holds(expert_profiles::themes, &f.theme));
    }
    if !f.sector.is_empty() {
        q = q.filter(list::sql_holds(expert_profiles::sectors, &f.sector));
    }
    if !f.state.is_empty() {
        q = q.filter(list::sql_holds(expert_profiles::states, &f.state));
    }
    if !f.language.is_empty() {
        q = q.filter(list::sql_holds(expert_profiles::languages, &f.language));
    }
    q.order((users::name.asc(), users::id.asc())).limit(limit).select((Profile::as_select(), users::name)).load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = expert_requests)]
pub struct Request {
    pub id: i64,
    pub post_id: i64,
    pub expert_id: i64,
    pub asked_by: Option<i64>,
    pub asked_at: NaiveDateTime,
    pub mailed_at: Option<NaiveDateTime>,
}

pub fn find_request(conn: &mut DbConn, id: i64) -> QueryResult<Option<Request>> {
    expert_requests::table.find(id).select(Request::as_select()).first(conn).optional()
}

pub fn request_for(conn: &mut DbConn, post_id: i64, expert_id: i64) -> QueryResult<Option<Request>> {
    expert_requests::table
        .filter(expert_requests::post_id.eq(post_id))
        .filter(expert_requests::expert_id.eq(expert_id))
        .select(Request::as_select())
        .first(conn)
        .optional()
}

/// The requests on a query with the experts' names, in the order they were made.
pub fn requests_on(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<(Request, String)>> {
    expert_requests::table
        .inner_join(users::table.on(users::id.eq(expert_requests::expert_id)))
        .filter(expert_requests::post_id.eq(post_id))
        .order(expert_requests::id.asc())
        .select((Request::as_select(), users::name))
        .load(conn)
}

/// The requests made to one expert, with each query's title, oldest first (their data export).
pub fn requests_to(conn: &mut DbConn, expert_id: i64) -> QueryResult<Vec<(Request, String)>> {
    expert_requests::table
        .inner_join(posts::table.on(posts::id.eq(expert_requests::post_id)))
        .filter(expert_requests::expert_id.eq(expert_id))
        .order(expert_requests::id.asc())
        .select((Request::as_select(), posts::title))
        .load(conn)
}

pub fn insert_request(conn: &mut DbConn, post_id: i64, expert_id: i64, asked_by: i64, at: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(expert_requests::table)
        .values((
            expert_requests::post_id.eq(post_id),
            expert_requests::expert_id.eq(expert_id),
            expert_requests::asked_by.eq(Some(asked_by)),
            expert_requests::asked_at.eq(at),
        ))
        .returning(expert_requests::id)
        .get_result(conn)
}

/// Marks a request mailed; false when it was already.
pub fn mark_mailed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(expert_requests::table.find(id).filter(expert_requests::mailed_at.is_null())).set(expert_requests::mailed_at.eq(Some(at))).execute(conn)?;
    Ok(n == 1)
}

/// Of these members, those with an approved reply in the thread of `root_id`.
pub fn answered_by(conn: &mut DbConn, root_id: i64, experts: &[i64]) -> QueryResult<Vec<i64>> {
    posts::table
        .filter(posts::thread_id.eq(root_id))
        .filter(posts::status.eq(crate::models::post::Status::Approved))
        .filter(posts::author_id.eq_any(experts))
        .select(posts::author_id)
        .distinct()
        .load(conn)
}
