//! Shipped content changed both in its file and on the portal: the list administrators see,
//! and their two answers (take the file's version as a new revision, or keep the portal's).

use chrono::NaiveDateTime;

use super::{apply_file, check, page, set_baseline, to_file};
use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::models::content_import::{self, ContentImport};
use crate::services::accounts::Principal;
use crate::services::registry::import as seed;

/// One conflict as listed: the item, its title and web address on the portal.
pub struct Conflict {
    pub item: ContentImport,
    pub title: String,
    pub link: String,
}

impl Conflict {
    pub fn since(&self) -> Option<NaiveDateTime> {
        self.item.conflict_at
    }
}

/// A conflict with both versions as text, the portal's first.
pub struct Detail {
    pub conflict: Conflict,
    pub portal: String,
    pub file: String,
}

fn require_admin(who: &Principal) -> Result<(), AppError> {
    if who.roles.is_admin() { Ok(()) } else { Err(AppError::Forbidden) }
}

fn open_conflict(conn: &mut DbConn, id: i64) -> Result<ContentImport, AppError> {
    let item = content_import::get(conn, id)?;
    if item.in_conflict() { Ok(item) } else { Err(AppError::NotFound) }
}

fn describe(conn: &mut DbConn, item: ContentImport) -> Result<Detail, AppError> {
    if item.kind == content_import::PAGE {
        let p = page::find(conn, item.target_id)?;
        let (portal, file) = (to_file(&p), item.conflict_text.clone());
        Ok(Detail { conflict: Conflict { link: format!("/kb/{}", p.slug), title: p.title, item }, portal, file })
    } else {
        let (title, link, portal, file) = seed::seed_conflict(conn, &item)?;
        Ok(Detail { conflict: Conflict { item, title, link }, portal, file })
    }
}

/// Every open conflict, oldest first, for administrators.
pub fn list(conn: &mut DbConn, who: &Principal) -> Result<Vec<Conflict>, AppError> {
    require_admin(who)?;
    let mut out = Vec::new();
    for item in content_import::conflicts(conn)? {
        out.push(describe(conn, item)?.conflict);
    }
    Ok(out)
}

pub fn detail(conn: &mut DbConn, who: &Principal, id: i64) -> Result<Detail, AppError> {
    require_admin(who)?;
    let item = open_conflict(conn, id)?;
    describe(conn, item)
}

/// The file's version becomes the page's (or record's) next revision, so it can be rolled back.
pub fn take_file(conn: &mut DbConn, who: &Principal, id: i64) -> Result<(), AppError> {
    require_admin(who)?;
    let item = open_conflict(conn, id)?;
    if item.kind != content_import::PAGE {
        return seed::take_seed_row(conn, &item);
    }
    let checked = check(&item.conflict_text).map_err(AppError::Internal)?;
    let p = page::find(conn, item.target_id)?;
    let p = apply_file(conn, Some(who.user.id), &p, &checked, &format!("taken from content/{} by an administrator", item.file))?;
    set_baseline(conn, &item.name, &item.file, &item.conflict_hash, &p)
}

/// The portal's version stays and the conflict is resolved: the file as it is now becomes
/// the baseline, so only a later change of it counts again.
pub fn keep_portal(conn: &mut DbConn, who: &Principal, id: i64) -> Result<(), AppError> {
    require_admin(who)?;
    write_tx(conn, |tx| {
        let item = open_conflict(tx, id)?;
        if item.kind != content_import::PAGE {
            return seed::keep_record(tx, &item);
        }
        let p = page::find(tx, item.target_id)?;
        set_baseline(tx, &item.name, &item.file, &item.conflict_hash, &p)
    })
}
