//! Controlled vocabularies of the registry: terms by vocabulary, editable by administrators.

use diesel::prelude::*;

use crate::db::schema::vocab_terms;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = vocab_terms)]
pub struct Term {
    pub id: i64,
    pub vocab: String,
    pub code: String,
    pub label: String,
    pub label_hi: String,
    pub grp: String,
    pub position: i32,
    pub retired: bool,
}

impl Term {
    /// The label in Hindi or English. A term stored without a Hindi label (a database seeded
    /// before the book's lists had Hindi for every term) reads the starting list's Hindi.
    pub fn label_in(&self, hindi: bool) -> &str {
        if !hindi {
            return &self.label;
        }
        if !self.label_hi.is_empty() {
            return &self.label_hi;
        }
        match crate::vocab::registry_hindi(&self.vocab, &self.code) {
            "" => &self.label,
            seeded => seeded,
        }
    }

    /// The term's group in the reader's language.
    pub fn group_in(&self, hindi: bool) -> &str {
        crate::vocab::group_label(&self.grp, hindi)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = vocab_terms)]
pub struct NewTerm<'a> {
    pub vocab: &'a str,
    pub code: &'a str,
    pub label: &'a str,
    pub label_hi: &'a str,
    pub grp: &'a str,
    pub position: i32,
    pub retired: bool,
}

pub fn insert(conn: &mut DbConn, t: &NewTerm) -> QueryResult<usize> {
    diesel::insert_into(vocab_terms::table).values(t).execute(conn)
}

/// Every term of every vocabulary, in display order (retired ones included).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Term>> {
    vocab_terms::table
        .order((vocab_terms::vocab.asc(), vocab_terms::position.asc(), vocab_terms::id.asc()))
        .select(Term::as_select())
        .load(conn)
}

pub fn of(conn: &mut DbConn, vocab: &str) -> QueryResult<Vec<Term>> {
    vocab_terms::table
        .filter(vocab_terms::vocab.eq(vocab))
        .order((vocab_terms::position.asc(), vocab_terms::id.asc()))
        .select(Term::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConn, vocab: &str) -> QueryResult<i64> {
    vocab_terms::table.filter(vocab_terms::vocab.eq(vocab)).count().get_result(conn)
}

pub fn find(conn: &mut DbConn, vocab: &str, code: &str) -> QueryResult<Option<Term>> {
    vocab_terms::table
        .filter(vocab_terms::vocab.eq(vocab))
        .filter(vocab_terms::code.eq(code))
        .select(Term::as_select())
        .first(conn)
        .optional()
}

pub fn update(conn: &mut DbConn, id: i64, label: &str, label_hi: &str, grp: &str, retired: bool) -> QueryResult<usize> {
    diesel::update(vocab_terms::table.find(id))
        .set((vocab_terms::label.eq(label), vocab_terms::label_hi.eq(label_hi), vocab_terms::grp.eq(grp), vocab_terms::retired.eq(retired)))
        .execute(conn)
}

pub fn next_position(conn: &mut DbConn, vocab: &str) -> QueryResult<i32> {
    let max: Option<i32> = vocab_terms::table.filter(vocab_terms::vocab.eq(vocab)).select(diesel::dsl::max(vocab_terms::position)).first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}
