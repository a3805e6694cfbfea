//! The pages that say who runs the portal, as administrators last wrote them (one row per page
//! and language; a page no one has edited has no row).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::site_pages;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = site_pages)]
pub struct SitePage {
    pub id: i64,
    pub slug: String,
    pub lang: String,
    pub body_md: String,
    pub body_html: String,
    pub updated_by: Option<i64>,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, slug: &str, lang: &str) -> QueryResult<Option<SitePage>> {
    site_pages::table
        .filter(site_pages::slug.eq(slug))
        .filter(site_pages::lang.eq(lang))
        .select(SitePage::as_select())
        .first(conn)
        .optional()
}

/// Every edited page, for the administrators' list.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<SitePage>> {
    site_pages::table.order((site_pages::slug.asc(), site_pages::lang.asc())).select(SitePage::as_select()).load(conn)
}

/// Writes a page's text (inside the caller's transaction): the row is replaced whole.
pub fn save(conn: &mut DbConn, slug: &str, lang: &str, body_md: &str, body_html: &str, by: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(site_pages::table.filter(site_pages::slug.eq(slug)).filter(site_pages::lang.eq(lang))).execute(conn)?;
    diesel::insert_into(site_pages::table)
        .values((
            site_pages::slug.eq(slug),
            site_pages::lang.eq(lang),
            site_pages::body_md.eq(body_md),
            site_pages::body_html.eq(body_html),
            site_pages::updated_by.eq(Some(by)),
            site_pages::updated_at.eq(at),
        ))
        .execute(conn)
}
