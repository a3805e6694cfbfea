//! What points to a scheme of Annex I (a term of the registry's "scheme" vocabulary, by
//! code): knowledge pages (page_schemes) and queries (post_schemes). Initiatives point to
//! schemes through their registry tags.

use diesel::prelude::*;

use crate::db::schema::{communities, page_schemes, pages, post_schemes, posts};
use crate::db::DbConn;
use crate::models::page::{PageRef, Status as PageStatus};
use crate::models::post::Status as PostStatus;

/// The scheme codes a page points to, in the order chosen.
pub fn of_page(conn: &mut DbConn, page_id: i64) -> QueryResult<Vec<String>> {
    page_schemes::table.filter(page_schemes::page_id.eq(page_id)).order(page_schemes::id.asc()).select(page_schemes::code).load(conn)
}

/// Replaces the schemes a page points to.
pub fn set_for_page(conn: &mut DbConn, page_id: i64, codes: &[String]) -> QueryResult<()> {
    diesel::delete(page_schemes::table.filter(page_schemes::page_id.eq(page_id))).execute(conn)?;
    for code in codes {
        diesel::insert_into(page_schemes::table).values((page_schemes::page_id.eq(page_id), page_schemes::code.eq(code))).execute(conn)?;
    }
    Ok(())
}

/// The scheme codes a query points to, in the order chosen.
pub fn of_post(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<String>> {
    post_schemes::table.filter(post_schemes::post_id.eq(post_id)).order(post_schemes::id.asc()).select(post_schemes::code).load(conn)
}

/// Replaces the schemes a query points to.
pub fn set_for_post(conn: &mut DbConn, post_id: i64, codes: &[String]) -> QueryResult<()> {
    diesel::delete(post_schemes::table.filter(post_schemes::post_id.eq(post_id))).execute(conn)?;
    for code in codes {
        diesel::insert_into(post_schemes::table).values((post_schemes::post_id.eq(post_id), post_schemes::code.eq(code))).execute(conn)?;
    }
    Ok(())
}

/// Published pages pointing to a scheme, by title.
pub fn pages_for(conn: &mut DbConn, code: &str) -> QueryResult<Vec<PageRef>> {
    page_schemes::table
        .inner_join(pages::table)
        .filter(page_schemes::code.eq(code))
        .filter(pages::status.eq(PageStatus::Published))
        .order(pages::title.asc())
        .select(PageRef::as_select())
        .load(conn)
}

/// Approved queries pointing to a scheme that anyone may read (the query made public, or its
/// community's threads public), newest first: (query id, title, community slug, community name).
pub fn public_queries_for(conn: &mut DbConn, code: &str, limit: i64) -> QueryResult<Vec<(i64, String, String, String)>> {
    post_schemes::table
        .inner_join(posts::table)
        .inner_join(communities::table.on(communities::id.eq(posts::community_id)))
        .filter(post_schemes::code.eq(code))
        .filter(posts::thread_id.is_null())
        .filter(posts::status.eq(PostStatus::Approved))
        .filter(posts::is_public.or(communities::public_threads))
        .order(posts::id.desc())
        .limit(limit)
        .select((posts::id, posts::title, communities::slug, communities::name))
        .load(conn)
}

/// (code, how many) of the published pages pointing to each scheme.
pub fn page_counts(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    page_schemes::table
        .inner_join(pages::table)
        .filter(pages::status.eq(PageStatus::Published))
        .group_by(page_schemes::code)
        .select((page_schemes::code, diesel::dsl::count_star()))
        .load(conn)
}
