//! The knowledge base (Figure 2.5): moderators distil approved threads into
//! subject-problem-solution pages; pages keep every revision, know their links and
//! backlinks, can be withdrawn (410) or renamed (redirect), and theme hubs follow them.
//! A page is edited by the moderators of the communities whose theme it carries, by
//! knowledge editors and by administrators; every change is written to the page's events.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::markdown;
use crate::models::{self, community, list, page, post, role, scheme_link, search_outbox, user};
use crate::services::accounts::Principal;
use crate::services::Env;

// Split by concern; each part shares this module's imports and helpers (`use super::*`).
mod form;
mod edit;
mod read;

pub use form::*;
pub use edit::*;
pub use read::*;

pub const MAX_SECTION: usize = 40_000;

/// Which knowledge pages one person may edit: every page for administrators and knowledge
/// editors; for a moderator, the pages carrying the theme of a community they moderate.
#[derive(Debug, Clone, Default)]
pub struct EditorRight {
    pub everywhere: bool,
    pub themes: Vec<String>,
}

impl EditorRight {
    /// May edit some page (sees the editors' list and the builder).
    pub fn any(&self) -> bool {
        self.everywhere || !self.themes.is_empty()
    }

    /// May edit a page carrying these themes (a new page too).
    pub fn covers<'a>(&self, themes: impl IntoIterator<Item = &'a str>) -> bool {
        self.everywhere || themes.into_iter().any(|t| self.themes.iter().any(|m| m == t))
    }

    pub fn page(&self, p: &page::Page) -> bool {
        self.covers(p.theme_list())
    }
}

pub fn editor_right(conn: &mut DbConn, who: &Principal) -> Result<EditorRight, AppError> {
    if who.roles.is_admin() || who.roles.is_knowledge_editor() {
        return Ok(EditorRight { everywhere: true, themes: Vec::new() });
    }
    let mut themes: Vec<String> = Vec::new();
    for id in who.roles.moderated() {
        for t in community::find(conn, id)?.themes() {
            if !themes.iter().any(|m| m == t) {
                themes.push(t.to_string());
            }
        }
    }
    Ok(EditorRight { everywhere: false, themes })
}

/// Whether `who` may edit some page: otherwise every page reads for them as for a visitor.
pub fn edits_pages(who: &Principal) -> bool {
    who.roles.is_admin() || who.roles.is_knowledge_editor() || !who.roles.moderated().is_empty()
}

fn require_any(conn: &mut DbConn, who: &Principal) -> Result<EditorRight, AppError> {
    let right = editor_right(conn, who)?;
    if right.any() { Ok(right) } else { Err(AppError::Forbidden) }
}

/// The page, if this person may edit it; 403 otherwise (404 if there is no such page).
pub fn require_page(conn: &mut DbConn, who: &Principal, page_id: i64) -> Result<page::Page, AppError> {
    let p = page::find(conn, page_id)?;
    if editor_right(conn, who)?.page(&p) { Ok(p) } else { Err(AppError::Forbidden) }
}

/// A page by its web name, for its editor.
pub fn editable(conn: &mut DbConn, who: &Principal, slug: &str) -> Result<page::Page, AppError> {
    let p = page::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
    require_page(conn, who, p.id)
}

/// May `who` name this thread as a page's source, or distil it in the builder? Approved
/// questions of a community they moderate; any for an administrator; public ones for a
/// knowledge editor, who is no member of closed communities.
fn may_cite(conn: &mut DbConn, who: &Principal, root: &post::Post) -> Result<bool, AppError> {
    if !root.is_query() || root.status != post::Status::Approved {
        return Ok(false);
    }
    if who.roles.is_admin() || who.roles.moderates(root.community_id) {
        return Ok(true);
    }
    Ok(who.roles.is_knowledge_editor() && (root.is_public || community::find(conn, root.community_id)?.public_threads))
}

/// Refuses source threads `who` may not cite, unless the page already named them (an
/// editor keeps the sources someone else added). Unknown and forbidden look the same.
fn check_sources(conn: &mut DbConn, who: &Principal, c: &page::Content, already: &[i64]) -> Result<(), AppError> {
    for id in list::decode(&c.source_threads).filter_map(|t| t.parse::<i64>().ok()) {
        if already.contains(&id) {
            continue;
        }
        let ok = match post::find(conn, id) {
            Ok(root) => may_cite(conn, who, &root)?,
            Err(diesel::result::Error::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !ok {
            return Err(AppError::field("source_threads", Message::new("kb-source-refused").arg("id", id)));
        }
    }
    Ok(())
}
