//! The home page's data: live counts behind its three doors, the themes with their pages, the
//! newest solutions with their problem in one line, and where a member goes to ask.

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{community, membership, page, registry};

/// How many newest solutions the home page lists.
const NEWEST: i64 = 5;
/// A problem's line is cut (at a word) near this many characters.
const LINE_CHARS: usize = 150;

/// What every visitor of the home page sees, read once per change (the web layer keeps it).
pub struct Home {
    /// Published knowledge pages.
    pub solutions: i64,
    pub communities: i64,
    /// Published registry records.
    pub records: i64,
    /// Themes with at least one published page: (slug, pages).
    pub themes: Vec<(String, i64)>,
    pub newest: Vec<Newest>,
}

pub struct Newest {
    pub slug: String,
    pub title: String,
    pub language: String,
    /// The page's problem, plain text, its first sentence cut at a word.
    pub problem: String,
}

pub fn read(conn: &mut DbConn) -> Result<Home, AppError> {
    let themes = crate::services::knowledge::theme_counts(conn)?.into_iter().filter(|(_, n)| *n > 0).collect();
    let newest = page::published(conn, NEWEST)?
        .into_iter()
        .map(|p| Newest { problem: crate::markdown::one_line(&crate::markdown::to_plain_text(&p.problem_md), LINE_CHARS), slug: p.slug, title: p.title, language: p.language })
        .collect();
    Ok(Home { solutions: page::count_published(conn)?, communities: community::count(conn)?, records: registry::count_published(conn)?, themes, newest })
}

/// The communities a signed-in person may ask in (those they are an active member of): (web
/// name, name).
pub fn ask_in(conn: &mut DbConn, user_id: i64) -> Result<Vec<(String, String)>, AppError> {
    Ok(membership::communities_of(conn, user_id)?.into_iter().map(|c| (c.slug, c.name)).collect())
}

/// Where "Ask a question" takes a signed-in person: straight to the question form of their
/// one community, to the choice on the home page when they have several, and to the list of
/// communities to join when they have none.
pub fn ask_target(conn: &mut DbConn, user_id: i64) -> Result<String, AppError> {
    let mine = ask_in(conn, user_id)?;
    Ok(match mine.as_slice() {
        [(slug, _)] => crate::paths::community_page(slug, "new"),
        [] => "/communities".to_string(),
        _ => "/#ask".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use crate::markdown::one_line;

    #[test]
    fn a_problem_reads_as_one_line_cut_at_a_word() {
        assert_eq!(one_line("Coke was the biggest cost. The soot fell on the town.", 150), "Coke was the biggest cost.");
        assert_eq!(one_line("कोक सबसे बड़ा ख़र्च था। धुआँ शहर पर गिरता था।", 150), "कोक सबसे बड़ा ख़र्च था।");
        assert_eq!(one_line("one two three four", 9), "one two…");
        assert_eq!(one_line("short\nline", 150), "short line");
    }
}
