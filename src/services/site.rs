//! The pages that say who runs the portal (about, contact, privacy, accessibility, terms), in
//! English and Hindi. Each starts as the Markdown shipped in content/site/ (built into the
//! binary, so every install has them); an administrator's edit is stored, rendered and
//! sanitised once at save, and recorded in the audit log.

use chrono::NaiveDateTime;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Message};
use crate::markdown;
use crate::models::{self, audit, site_page};
use crate::paths::SITE_PAGES;
use crate::services::accounts::Principal;

/// Largest text of one site page, in bytes; checked before anything is rendered.
pub const MAX_BYTES: usize = 32 * 1024;

/// The languages each page is written in.
pub const LANGS: [&str; 2] = ["en", "hi"];

/// The shipped text of a page, by slug and language.
fn shipped(slug: &str, lang: &str) -> Option<&'static str> {
    Some(match (slug, lang) {
        ("about", "en") => include_str!("../../content/site/about.en.md"),
        ("about", "hi") => include_str!("../../content/site/about.hi.md"),
        ("contact", "en") => include_str!("../../content/site/contact.en.md"),
        ("contact", "hi") => include_str!("../../content/site/contact.hi.md"),
        ("privacy", "en") => include_str!("../../content/site/privacy.en.md"),
        ("privacy", "hi") => include_str!("../../content/site/privacy.hi.md"),
        ("accessibility", "en") => include_str!("../../content/site/accessibility.en.md"),
        ("accessibility", "hi") => include_str!("../../content/site/accessibility.hi.md"),
        ("terms", "en") => include_str!("../../content/site/terms.en.md"),
        ("terms", "hi") => include_str!("../../content/site/terms.hi.md"),
        _ => return None,
    })
}

/// A site page as it is shown and edited.
#[derive(Debug, Clone)]
pub struct SiteText {
    pub slug: &'static str,
    pub lang: &'static str,
    pub body_md: String,
    pub body_html: String,
    /// When an administrator last saved it; `None` while the shipped text stands.
    pub edited_at: Option<NaiveDateTime>,
}

/// The page's slug and language as this module's own, or 404 for anything else.
fn known(slug: &str, lang: &str) -> Result<(&'static str, &'static str), AppError> {
    let slug = SITE_PAGES.iter().copied().find(|s| *s == slug).ok_or(AppError::NotFound)?;
    let lang = LANGS.iter().copied().find(|l| *l == lang).ok_or(AppError::NotFound)?;
    Ok((slug, lang))
}

/// The page `slug` in `lang`: as last saved, else as shipped.
pub fn read(conn: &mut DbConn, slug: &str, lang: &str) -> Result<SiteText, AppError> {
    let (slug, lang) = known(slug, lang)?;
    Ok(match site_page::find(conn, slug, lang)? {
        Some(row) => SiteText { slug, lang, body_md: row.body_md, body_html: row.body_html, edited_at: Some(row.updated_at) },
        None => {
            let md = shipped(slug, lang).unwrap_or_default();
            SiteText { slug, lang, body_md: md.to_string(), body_html: markdown::to_safe_html(md), edited_at: None }
        }
    })
}

/// Every page in every language with when it was last edited, for administrators.
pub fn list(conn: &mut DbConn, who: &Principal) -> Result<Vec<(&'static str, &'static str, Option<NaiveDateTime>)>, AppError> {
    if !who.roles.is_admin() {
        return Err(AppError::Forbidden);
    }
    let rows = site_page::all(conn)?;
    Ok(SITE_PAGES
        .iter()
        .flat_map(|slug| LANGS.iter().map(move |lang| (*slug, *lang)))
        .map(|(slug, lang)| (slug, lang, rows.iter().find(|r| r.slug == slug && r.lang == lang).map(|r| r.updated_at)))
        .collect())
}

/// An administrator's page for editing, refused to anyone else.
pub fn editable(conn: &mut DbConn, who: &Principal, slug: &str, lang: &str) -> Result<SiteText, AppError> {
    if !who.roles.is_admin() {
        return Err(AppError::Forbidden);
    }
    read(conn, slug, lang)
}

/// The text an administrator submitted, checked (size first, then depth) and rendered.
fn checked(body: &str) -> Result<String, AppError> {
    if body.trim().is_empty() {
        return Err(AppError::field("body", "site-page-empty"));
    }
    if body.len() > MAX_BYTES {
        return Err(AppError::field("body", Message::new("site-page-too-long").arg("kib", (MAX_BYTES / 1024) as i64)));
    }
    markdown::try_to_safe_html(body).map_err(|_| AppError::field("body", markdown::too_deep_message()))
}

/// Saves an administrator's text of a page, with an audit entry, in one transaction.
pub fn edit(conn: &mut DbConn, who: &Principal, slug: &str, lang: &str, body: &str) -> Result<(), AppError> {
    if !who.roles.is_admin() {
        return Err(AppError::Forbidden);
    }
    let (slug, lang) = known(slug, lang)?;
    let html = checked(body)?;
    let actor = who.user.id;
    write_tx(conn, |c| {
        let now = models::now();
        site_page::save(c, slug, lang, body, &html, actor, now)?;
        let detail = Message::new("audit-site-page-saved").arg("page", slug).arg("lang", lang).to_stored();
        audit::insert(c, &audit::NewAuditEntry { actor_id: Some(actor), action: "site page", subject_user_id: None, detail: &detail, created_at: now })?;
        Ok(())
    })
}

/// The slugs of every community, whose pages anyone may open (for the sitemap).
pub fn community_slugs(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    Ok(models::community::list(conn)?.into_iter().map(|c| c.slug).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_ships_in_both_languages_and_renders() {
        for slug in SITE_PAGES {
            for lang in LANGS {
                let md = shipped(slug, lang).unwrap_or_else(|| panic!("{slug}.{lang}.md"));
                assert!(md.starts_with("# "), "{slug}.{lang}.md starts with its title");
                assert!(checked(md).is_ok(), "{slug}.{lang}.md");
            }
            assert_ne!(shipped(slug, "en"), shipped(slug, "hi"));
        }
        assert!(shipped("about", "fr").is_none());
    }

    #[test]
    fn empty_long_and_deep_texts_are_field_errors() {
        let field = |r: Result<String, AppError>| match r {
            Err(AppError::Validation(e)) => e["body"].key,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(checked(" \n ")), "site-page-empty");
        assert_eq!(field(checked(&"a".repeat(MAX_BYTES + 1))), "site-page-too-long");
        assert_eq!(field(checked(&">".repeat(markdown::MAX_DEPTH + 5))), "text-too-deep");
        assert!(checked("# About\n\n<script>x</script>hello").unwrap().contains("hello"));
        assert!(!checked("<script>x</script>").unwrap().contains("<script"));
    }
}
