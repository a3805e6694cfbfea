//! Links between the registry and the rest of the portal: pages and threads a record names,
//! and registry addresses in pages.

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{self, post, registry};

use super::spec::Kind;

/// (address, title) of a thread anyone may read.
pub(super) fn public_thread(conn: &mut DbConn, id: i64) -> Option<(String, String)> {
    let root = post::find(conn, id).ok()?;
    let c = models::community::find(conn, root.community_id).ok()?;
    (root.is_query() && root.status == post::Status::Approved && (root.is_public || c.public_threads)).then(|| (crate::paths::thread(&c.slug, root.id), root.title))
}

/// Registry records that name a knowledge page, or that the page's text links to.
pub fn for_page(conn: &mut DbConn, page_id: i64, slug: &str) -> Result<Vec<registry::Record>, AppError> {
    let mut out = registry::tagged(conn, "page", slug)?;
    for target in registry::linked_from_page(conn, page_id)? {
        let Some((kind, s)) = link_target(&target) else { continue };
        if let Some(r) = registry::find_by_slug(conn, kind.code(), s)?.filter(|r| r.is_published()) {
            if !out.iter().any(|o| o.id == r.id) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// Registry records that name a thread.
pub fn for_thread(conn: &mut DbConn, thread_id: i64) -> Result<Vec<registry::Record>, AppError> {
    Ok(registry::tagged(conn, "thread", &thread_id.to_string())?)
}

/// The kind and web name in a page link target "registry/KIND/SLUG".
fn link_target(target: &str) -> Option<(Kind, &str)> {
    let mut parts = target.splitn(3, '/').skip(1);
    let (plural, slug) = (parts.next()?, parts.next()?);
    Some((Kind::from_plural(plural)?, slug))
}

/// Does "registry/KIND/SLUG" name a published record? Drafts of any state count as absent,
/// so a page's writer learns nothing about them from the broken-link report.
pub fn link_target_exists(conn: &mut DbConn, target: &str) -> Result<bool, AppError> {
    let Some((kind, slug)) = link_target(target) else { return Ok(false) };
    Ok(registry::find_by_slug(conn, kind.code(), slug)?.is_some_and(|r| r.is_published()))
}
