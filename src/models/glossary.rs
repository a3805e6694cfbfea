//! The bilingual glossary of domain terms (English <-> Hindi) that similar-answer lookups
//! expand a draft's words with; administrators add, edit and retire entries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::glossary_terms;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = glossary_terms)]
pub struct Entry {
    pub id: i64,
    pub term_en: String,
    pub term_hi: String,
    pub retired: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every entry, retired ones included, in English order.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Entry>> {
    glossary_terms::table.order((glossary_terms::term_en.asc(), glossary_terms::id.asc())).select(Entry::as_select()).load(conn)
}

/// The entries in use.
pub fn active(conn: &mut DbConn) -> QueryResult<Vec<Entry>> {
    glossary_terms::table.filter(glossary_terms::retired.eq(false)).order(glossary_terms::id.asc()).select(Entry::as_select()).load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Entry> {
    glossary_terms::table.find(id).select(Entry::as_select()).first(conn)
}

/// Another entry with the same pair, if any.
pub fn same_pair(conn: &mut DbConn, term_en: &str, term_hi: &str, except: i64) -> QueryResult<bool> {
    let n: i64 = glossary_terms::table
        .filter(glossary_terms::term_en.eq(term_en))
        .filter(glossary_terms::term_hi.eq(term_hi))
        .filter(glossary_terms::id.ne(except))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(conn: &mut DbConn, term_en: &str, term_hi: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(glossary_terms::table)
        .values((
            glossary_terms::term_en.eq(term_en),
            glossary_terms::term_hi.eq(term_hi),
            glossary_terms::retired.eq(false),
            glossary_terms::created_at.eq(now),
            glossary_terms::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn update(conn: &mut DbConn, id: i64, term_en: &str, term_hi: &str, retired: bool, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(glossary_terms::table.find(id))
        .set((glossary_terms::term_en.eq(term_en), glossary_terms::term_hi.eq(term_hi), glossary_terms::retired.eq(retired), glossary_terms::updated_at.eq(now)))
        .execute(conn)
}
