//! Knowledge pages (subject, problem, solution), their revisions, links and redirects.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{page_events, page_links, page_redirects, page_revisions, pages, theme_looks, users};
use crate::db::DbConn;
use crate::models::list;

crate::text_enum! {
    /// Where a knowledge page stands.
    pub enum Status {
        Draft,
        Published,
        Withdrawn,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, serde::Deserialize, PartialEq)]
#[diesel(table_name = pages)]
pub struct Page {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub problem_md: String,
    pub solution_md: String,
    pub body_html: String,
    /// Theme slugs, a list (models::list).
    pub themes: String,
    pub sector: String,
    pub state: String,
    pub district: String,
    pub language: String,
    pub translation_slug: String,
    /// A list (models::list) of contributors: "Name | Organisation".
    pub contributors: String,
    /// A list (models::list) of sources.
    pub sources: String,
    /// Ids of the threads the page was distilled from, a list (models::list).
    pub source_threads: String,
    pub status: Status,
    pub withdrawn_note: String,
    pub revision: i32,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

impl Page {
    pub fn theme_list(&self) -> Vec<&str> {
        list::decode(&self.themes).collect()
    }
    pub fn thread_ids(&self) -> Vec<i64> {
        list::decode(&self.source_threads).filter_map(|t| t.parse().ok()).collect()
    }
}

/// Enough of a page to link to it: what a page's asides (back-links, related pages, its
/// translation) need, without the bodies.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = pages)]
pub struct PageRef {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub language: String,
}

/// The editable content of a page; what a revision stores.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = pages)]
pub struct Content {
    pub title: String,
    pub problem_md: String,
    pub solution_md: String,
    pub body_html: String,
    pub themes: String,
    pub sector: String,
    pub state: String,
    pub district: String,
    pub language: String,
    pub translation_slug: String,
    pub contributors: String,
    pub sources: String,
    pub source_threads: String,
}

impl Content {
    pub fn of(p: &Page) -> Content {
        Content {
            title: p.title.clone(),
            problem_md: p.problem_md.clone(),
            solution_md: p.solution_md.clone(),
            body_html: p.body_html.clone(),
            themes: p.themes.clone(),
            sector: p.sector.clone(),
            state: p.state.clone(),
            district: p.district.clone(),
            language: p.language.clone(),
            translation_slug: p.translation_slug.clone(),
            contributors: p.contributors.clone(),
            sources: p.sources.clone(),
            source_threads: p.source_threads.clone(),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = pages)]
pub struct NewPage<'a> {
    pub slug: &'a str,
    pub status: Status,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, new: &NewPage, content: &Content) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(pages::table)
        .values((new, content))
        .returning(pages::id)
        .get_result(conn)?;
    Ok(id)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Page> {
    pages::table.find(id).select(Page::as_select()).first(conn)
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Page>> {
    pages::table.filter(pages::slug.eq(slug)).select(Page::as_select()).first(conn).optional()
}

pub fn slug_exists(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    let pages: i64 = pages::table.filter(pages::slug.eq(slug)).count().get_result(conn)?;
    let redirects: i64 = page_redirects::table.filter(page_redirects::old_slug.eq(slug)).count().get_result(conn)?;
    Ok(pages + redirects > 0)
}

/// Writes new content as the next revision; false if the page moved on (stale form).
pub fn update_content(conn: &mut DbConn, id: i64, expected_revision: i32, content: &Content, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(pages::table.find(id).filter(pages::revision.eq(expected_revision)))
        .set((content, pages::revision.eq(expected_revision + 1), pages::updated_at.eq(now)))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn set_status(conn: &mut DbConn, id: i64, status: Status, note: &str, published_at: Option<NaiveDateTime>, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(pages::table.find(id))
        .set((pages::status.eq(status), pages::withdrawn_note.eq(note), pages::published_at.eq(published_at), pages::updated_at.eq(now)))
        .execute(conn)
}

pub fn rename(conn: &mut DbConn, id: i64, new_slug: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(pages::table.find(id)).set((pages::slug.eq(new_slug), pages::updated_at.eq(now))).execute(conn)
}

/// Published pages, newest first.
pub fn published(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Page>> {
    pages::table
        .filter(pages::status.eq(Status::Published))
        .order(pages::published_at.desc())
        .limit(limit)
        .select(Page::as_select())
        .load(conn)
}

/// Every page in any status (for the editors' list and the export).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Page>> {
    pages::table.order(pages::slug.asc()).select(Page::as_select()).load(conn)
}

/// Published pages carrying a theme (a whole line of their list), newest first.
pub fn published_with_theme(conn: &mut DbConn, theme: &str, limit: i64) -> QueryResult<Vec<Page>> {
    pages::table
        .filter(pages::status.eq(Status::Published))
        .filter(list::sql_holds(pages::themes, theme))
        .order(pages::published_at.desc())
        .limit(limit)
        .select(Page::as_select())
        .load(conn)
}

/// `published_with_theme` as links: the newest `limit` published pages in `language` carrying
/// `theme`, other than `except`.
pub fn related_refs(conn: &mut DbConn, theme: &str, language: &str, except: i64, limit: i64) -> QueryResult<Vec<PageRef>> {
    pages::table
        .filter(pages::status.eq(Status::Published))
        .filter(list::sql_holds(pages::themes, theme))
        .filter(pages::language.eq(language))
        .filter(pages::id.ne(except))
        .order(pages::published_at.desc())
        .limit(limit)
        .select(PageRef::as_select())
        .load(conn)
}

/// A published page by its web name, as a link.
pub fn published_ref(conn: &mut DbConn, slug: &str) -> QueryResult<Option<PageRef>> {
    pages::table.filter(pages::slug.eq(slug)).filter(pages::status.eq(Status::Published)).select(PageRef::as_select()).first(conn).optional()
}

/// How many pages are published.
pub fn count_published(conn: &mut DbConn) -> QueryResult<i64> {
    pages::table.filter(pages::status.eq(Status::Published)).count().get_result(conn)
}

/// How many published pages carry a theme.
pub fn count_with_theme(conn: &mut DbConn, theme: &str) -> QueryResult<i64> {
    pages::table
        .filter(pages::status.eq(Status::Published))
        .filter(list::sql_holds(pages::themes, theme))
        .count()
        .get_result(conn)
}

pub fn add_revision(conn: &mut DbConn, page_id: i64, revision: i32, snapshot: &str, by: Option<i64>, note: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(page_revisions::table)
        .values((
            page_revisions::page_id.eq(page_id),
            page_revisions::revision.eq(revision),
            page_revisions::snapshot.eq(snapshot),
            page_revisions::edited_by.eq(by),
            page_revisions::note.eq(note),
            page_revisions::edited_at.eq(at),
        ))
        .execute(conn)
}

crate::text_enum! {
    /// Actions written to a page's event log.
    pub enum Action {
        Created,
        Saved,
        Published,
        Renamed,
        Withdrawn,
        #[strum(serialize = "rolled back")]
        RolledBack,
    }
}

/// One entry of a page's event log: who did what to it, and when.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = page_events)]
pub struct PageEvent {
    pub id: i64,
    pub page_id: i64,
    pub actor_id: Option<i64>,
    pub action: Action,
    pub detail: String,
    pub created_at: NaiveDateTime,
}

pub fn add_event(conn: &mut DbConn, page_id: i64, actor_id: Option<i64>, action: Action, detail: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(page_events::table)
        .values((
            page_events::page_id.eq(page_id),
            page_events::actor_id.eq(actor_id),
            page_events::action.eq(action),
            page_events::detail.eq(detail),
            page_events::created_at.eq(at),
        ))
        .execute(conn)
}

/// A page's events with the actor's name, newest first.
pub fn events(conn: &mut DbConn, page_id: i64) -> QueryResult<Vec<(PageEvent, Option<String>)>> {
    page_events::table
        .left_join(users::table.on(page_events::actor_id.eq(users::id.nullable())))
        .filter(page_events::page_id.eq(page_id))
        .order(page_events::id.desc())
        .select((PageEvent::as_select(), users::name.nullable()))
        .load(conn)
}

/// The newest event of one of `actions` on a page, with the actor's name.
pub fn last_event(conn: &mut DbConn, page_id: i64, actions: &[Action]) -> QueryResult<Option<(PageEvent, Option<String>)>> {
    page_events::table
        .left_join(users::table.on(page_events::actor_id.eq(users::id.nullable())))
        .filter(page_events::page_id.eq(page_id))
        .filter(page_events::action.eq_any(actions))
        .order(page_events::id.desc())
        .select((PageEvent::as_select(), users::name.nullable()))
        .first(conn)
        .optional()
}

/// (revision, snapshot JSON, editor id, when, note), newest first.
pub fn revisions(conn: &mut DbConn, page_id: i64) -> QueryResult<Vec<(i32, String, Option<i64>, NaiveDateTime, String)>> {
    page_revisions::table
        .filter(page_revisions::page_id.eq(page_id))
        .order(page_revisions::revision.desc())
        .select((page_revisions::revision, page_revisions::snapshot, page_revisions::edited_by, page_revisions::edited_at, page_revisions::note))
        .load(conn)
}

pub fn set_links(conn: &mut DbConn, page_id: i64, slugs: &[String]) -> QueryResult<()> {
    diesel::delete(page_links::table.filter(page_links::from_page.eq(page_id))).execute(conn)?;
    for s in slugs {
        diesel::insert_into(page_links::table).values((page_links::from_page.eq(page_id), page_links::to_slug.eq(s))).execute(conn)?;
    }
    Ok(())
}

/// Published pages that link to `slug`.
pub fn backlinks(conn: &mut DbConn, slug: &str) -> QueryResult<Vec<PageRef>> {
    page_links::table
        .inner_join(pages::table)
        .filter(page_links::to_slug.eq(slug))
        .filter(pages::status.eq(Status::Published))
        .order(pages::title.asc())
        .select(PageRef::as_select())
        .distinct()
        .load(conn)
}

/// Links of other pages to an old slug now follow the page to its new one.
pub fn retarget_links(conn: &mut DbConn, old: &str, new: &str) -> QueryResult<usize> {
    diesel::update(page_links::table.filter(page_links::to_slug.eq(old))).set(page_links::to_slug.eq(new)).execute(conn)
}

pub fn add_redirect(conn: &mut DbConn, old_slug: &str, page_id: i64) -> QueryResult<usize> {
    diesel::delete(page_redirects::table.filter(page_redirects::old_slug.eq(old_slug))).execute(conn)?;
    diesel::insert_into(page_redirects::table).values((page_redirects::old_slug.eq(old_slug), page_redirects::page_id.eq(page_id))).execute(conn)
}

pub fn redirect_target(conn: &mut DbConn, old_slug: &str) -> QueryResult<Option<String>> {
    page_redirects::table
        .inner_join(pages::table)
        .filter(page_redirects::old_slug.eq(old_slug))
        .select(pages::slug)
        .first(conn)
        .optional()
}

/// (layout, accent) chosen for a theme.
pub fn look(conn: &mut DbConn, theme: &str) -> QueryResult<Option<(String, String)>> {
    theme_looks::table.filter(theme_looks::theme.eq(theme)).select((theme_looks::layout, theme_looks::accent)).first(conn).optional()
}

pub fn looks(conn: &mut DbConn) -> QueryResult<Vec<(String, String, String)>> {
    theme_looks::table.order(theme_looks::theme.asc()).select((theme_looks::theme, theme_looks::layout, theme_looks::accent)).load(conn)
}

pub fn set_look(conn: &mut DbConn, theme: &str, layout: &str, accent: &str) -> QueryResult<usize> {
    diesel::delete(theme_looks::table.filter(theme_looks::theme.eq(theme))).execute(conn)?;
    diesel::insert_into(theme_looks::table)
        .values((theme_looks::theme.eq(theme), theme_looks::layout.eq(layout), theme_looks::accent.eq(accent)))
        .execute(conn)
}
