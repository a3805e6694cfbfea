//! Use cases. Each owns its transaction and returns `Result<_, AppError>`.

pub mod accounts;
pub mod attachments;
pub mod backup;
pub mod communities;
pub mod deliver;
pub mod digests;
pub mod experts;
pub mod facilitation;
pub mod home;
mod env;
pub mod ingest;
pub mod knowledge;
pub mod mail_identity;
pub mod moderate;
pub mod notify;
pub mod outcomes;
pub mod posting;
pub mod registry;
pub mod passwords;
pub mod roles;
pub mod similar;
pub mod site;
pub mod system;

pub use env::Env;

/// A web name from a title: lowercase ASCII letters and digits, words joined by hyphens.
/// Titles in other scripts give an empty name; forms then ask for one.
pub fn slugify(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(max).collect::<String>().trim_end_matches('-').to_string()
}

/// Themes as chosen, each once, in the shape of a term code; whether each is a theme is
/// checked against the database (`registry::checked_topics`) where the write has a connection.
pub fn clean_themes(input: &[String], errors: &mut crate::error::FieldErrors) -> Vec<String> {
    let mut themes: Vec<String> = Vec::new();
    for t in input {
        if t.is_empty() || t.len() > 80 {
            errors.insert("themes", "themes-choose".into());
        } else if !themes.contains(t) {
            themes.push(t.clone());
        }
    }
    themes
}

/// An optional state, stored under its official name (old spellings accepted).
pub fn clean_state(input: &str, errors: &mut crate::error::FieldErrors) -> String {
    if input.trim().is_empty() {
        return String::new();
    }
    crate::vocab::canonical_state(input).map(str::to_string).unwrap_or_else(|| {
        errors.insert("state", "state-choose".into());
        String::new()
    })
}

/// An optional sector as chosen; it is checked against the database's list, and stored under
/// its code, by `registry::checked_topics` where the write has a connection.
pub fn clean_sector(input: &str, errors: &mut crate::error::FieldErrors) -> String {
    let sector = input.trim();
    if sector.chars().count() > 200 {
        errors.insert("sector", "sector-choose".into());
        return String::new();
    }
    sector.to_string()
}

/// The deepest page any list goes to. Page numbers are brought into 1..=MAX_PAGE wherever
/// they are read, so an offset is always a small non-negative number, on either database.
pub const MAX_PAGE: i64 = 100_000;

/// A page number from a query parameter, whatever its text: 1 when missing or not a
/// number, at most MAX_PAGE.
pub fn page_number(raw: Option<&str>) -> i64 {
    let raw = raw.unwrap_or("").trim();
    match raw.parse::<i64>() {
        Ok(n) => n.clamp(1, MAX_PAGE),
        // Digits too many for a number: as far as a list goes.
        Err(_) if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) => MAX_PAGE,
        Err(_) => 1,
    }
}

/// The first row of page `page` of `per_page` rows.
pub fn page_offset(page: i64, per_page: i64) -> i64 {
    (page.clamp(1, MAX_PAGE) - 1) * per_page
}
