//! Schemes of Annex I as meeting points: initiatives dovetail them (their "schemes" field),
//! knowledge pages and queries point to them (page_schemes, post_schemes), and each scheme has
//! a public page listing all three. Retired terms stay on what already names them but cannot
//! be chosen anew.

use crate::db::DbConn;
use crate::error::{AppError, FieldErrors, Message};
use crate::models::page::PageRef;
use crate::models::registry::{self, Record};
use crate::models::vocabulary::{self, Term};
use crate::models::scheme_link;

/// The registry vocabulary of schemes.
pub const SCHEME_VOCAB: &str = "scheme";
/// At most this many schemes on one page or query.
pub const MAX_SCHEMES: usize = 12;
/// At most this many queries on a scheme's page.
const MAX_QUERIES: i64 = 100;

/// Every scheme term, retired ones too (what names them keeps its label), in display order.
pub fn scheme_terms(conn: &mut DbConn) -> Result<Vec<Term>, AppError> {
    Ok(vocabulary::of(conn, SCHEME_VOCAB)?)
}

/// The schemes chosen on a form, checked: each a scheme term, a retired one only if `already`
/// names it; each once, in the order chosen. A wrong choice is a field error on "schemes".
pub fn clean_schemes(conn: &mut DbConn, chosen: &[String], already: &[String], errors: &mut FieldErrors) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    for code in chosen.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if out.iter().any(|c| c == code) {
            continue;
        }
        match vocabulary::find(conn, SCHEME_VOCAB, code)? {
            Some(t) if t.retired && !already.iter().any(|a| a == code) => {
                errors.insert("schemes", Message::new("schemes-retired-chosen").arg("scheme", t.label));
                return Ok(out);
            }
            Some(_) => out.push(code.to_string()),
            None => {
                errors.insert("schemes", Message::new("schemes-unknown").arg("scheme", code.chars().take(80).collect::<String>()));
                return Ok(out);
            }
        }
    }
    if out.len() > MAX_SCHEMES {
        errors.insert("schemes", Message::new("schemes-too-many").arg("max", MAX_SCHEMES));
    }
    Ok(out)
}

/// `clean_schemes` on its own: the codes, or the field error.
pub fn checked_schemes(conn: &mut DbConn, chosen: &[String], already: &[String]) -> Result<Vec<String>, AppError> {
    let mut errors = FieldErrors::new();
    let codes = clean_schemes(conn, chosen, already, &mut errors)?;
    if errors.is_empty() { Ok(codes) } else { Err(AppError::Validation(errors)) }
}

/// The terms for some codes (unknown codes left out), in the order given.
pub fn terms_of(conn: &mut DbConn, codes: &[String]) -> Result<Vec<Term>, AppError> {
    let all = scheme_terms(conn)?;
    Ok(codes.iter().filter_map(|c| all.iter().find(|t| &t.code == c).cloned()).collect())
}

/// One line of the schemes index: the term, how many published initiatives dovetail it and
/// how many published pages point to it.
pub struct SchemeCount {
    pub term: Term,
    pub initiatives: i64,
    pub pages: i64,
}

/// Every scheme with its counts, retired ones last.
pub fn scheme_index(conn: &mut DbConn) -> Result<Vec<SchemeCount>, AppError> {
    let initiatives = registry::tag_counts_of_kind_in(conn, "initiative", &[SCHEME_VOCAB])?;
    let pages = scheme_link::page_counts(conn)?;
    let mut out: Vec<SchemeCount> = scheme_terms(conn)?
        .into_iter()
        .map(|term| SchemeCount {
            initiatives: initiatives.iter().find(|(_, c, _)| *c == term.code).map_or(0, |(_, _, n)| *n),
            pages: pages.iter().find(|(c, _)| *c == term.code).map_or(0, |(_, n)| *n),
            term,
        })
        .collect();
    out.sort_by_key(|s| s.term.retired);
    Ok(out)
}

/// A scheme's page: the initiatives that dovetail it, the pages and the public queries that
/// point to it. Members-only queries never show here, whoever reads it.
pub struct SchemePage {
    pub term: Term,
    pub initiatives: Vec<Record>,
    pub pages: Vec<PageRef>,
    /// (query id, title, community slug, community name)
    pub queries: Vec<(i64, String, String, String)>,
}

pub fn scheme_page(conn: &mut DbConn, code: &str) -> Result<SchemePage, AppError> {
    let term = vocabulary::find(conn, SCHEME_VOCAB, code)?.ok_or(AppError::NotFound)?;
    let initiatives = registry::tagged(conn, SCHEME_VOCAB, code)?.into_iter().filter(|r| r.kind == "initiative").collect();
    Ok(SchemePage { initiatives, pages: scheme_link::pages_for(conn, code)?, queries: scheme_link::public_queries_for(conn, code, MAX_QUERIES)?, term })
}
