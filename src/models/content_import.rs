//! What content/ last brought into the portal, per shipped item: the file's hash and the
//! revision it produced, and the file's text while it conflicts with a change made on the portal.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::content_imports;
use crate::db::DbConn;

/// The kind of a knowledge page; registry records use their kind's code.
pub const PAGE: &str = "page";

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = content_imports)]
pub struct ContentImport {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub target_id: i64,
    pub file: String,
    pub file_hash: String,
    pub revision: i32,
    pub status: String,
    pub conflict_hash: String,
    pub conflict_text: String,
    pub conflict_at: Option<NaiveDateTime>,
}

/// The hash kept of an item's text (SHA-256, hex), line ends made alike first.
pub fn hash_of(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.replace("\r\n", "\n").as_bytes()))
}

impl ContentImport {
    pub fn in_conflict(&self) -> bool {
        self.conflict_at.is_some()
    }
}

/// What an import left: the item, the file's hash, and the revision and status it produced.
pub struct Baseline<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub target_id: i64,
    pub file: &'a str,
    pub file_hash: &'a str,
    pub revision: i32,
    pub status: &'a str,
}

pub fn find(conn: &mut DbConn, kind: &str, name: &str) -> QueryResult<Option<ContentImport>> {
    content_imports::table
        .filter(content_imports::kind.eq(kind))
        .filter(content_imports::name.eq(name))
        .select(ContentImport::as_select())
        .first(conn)
        .optional()
}

pub fn get(conn: &mut DbConn, id: i64) -> QueryResult<ContentImport> {
    content_imports::table.find(id).select(ContentImport::as_select()).first(conn)
}

/// Records a new baseline and clears any conflict (insert or update: one row per item).
pub fn set_baseline(conn: &mut DbConn, b: &Baseline) -> QueryResult<()> {
    let values = (
        content_imports::target_id.eq(b.target_id),
        content_imports::file.eq(b.file),
        content_imports::file_hash.eq(b.file_hash),
        content_imports::revision.eq(b.revision),
        content_imports::status.eq(b.status),
        content_imports::conflict_hash.eq(""),
        content_imports::conflict_text.eq(""),
        content_imports::conflict_at.eq(None::<NaiveDateTime>),
    );
    let updated = diesel::update(content_imports::table.filter(content_imports::kind.eq(b.kind)).filter(content_imports::name.eq(b.name)))
        .set(values.clone())
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(content_imports::table)
            .values((content_imports::kind.eq(b.kind), content_imports::name.eq(b.name), values))
            .execute(conn)?;
    }
    Ok(())
}

/// Keeps the file's text beside the portal's version until an administrator decides. The
/// time stays that of the first sighting while the file says the same.
pub fn set_conflict(conn: &mut DbConn, id: i64, hash: &str, text: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(content_imports::table.find(id).filter(content_imports::conflict_hash.ne(hash)))
        .set((content_imports::conflict_hash.eq(hash), content_imports::conflict_text.eq(text), content_imports::conflict_at.eq(Some(at))))
        .execute(conn)
}

pub fn clear_conflict(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(content_imports::table.find(id))
        .set((content_imports::conflict_hash.eq(""), content_imports::conflict_text.eq(""), content_imports::conflict_at.eq(None::<NaiveDateTime>)))
        .execute(conn)
}

/// Items whose file and portal version both changed, oldest first.
pub fn conflicts(conn: &mut DbConn) -> QueryResult<Vec<ContentImport>> {
    content_imports::table
        .filter(content_imports::conflict_at.is_not_null())
        .order((content_imports::conflict_at.asc(), content_imports::id.asc()))
        .select(ContentImport::as_select())
        .load(conn)
}
