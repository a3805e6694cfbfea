//! The knowledge base (Figure 2.5): moderators distil approved threads into
//! subject-problem-solution pages; pages keep every revision, know their links and
//! backlinks, can be withdrawn (410) or renamed (redirect), and theme hubs follow them.
//! A page is edited by the moderators of the communities whose theme it carries, by
//! knowledge editors and by administrators; every change is written to the page's events.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::markdown;
use crate::models::{self, community, page, post, role, search_outbox, user};
use crate::services::accounts::Principal;
use crate::vocab;

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
        for t in community::find(conn, id)?.theme.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if !themes.iter().any(|m| m == t) {
                themes.push(t.to_string());
            }
        }
    }
    Ok(EditorRight { everywhere: false, themes })
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
    if !root.is_query() || root.status != post::APPROVED {
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
    for id in c.source_threads.split(',').filter_map(|t| t.trim().parse::<i64>().ok()) {
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

#[derive(Debug, Clone, Default)]
pub struct PageForm {
    pub slug: String,
    pub title: String,
    pub problem: String,
    pub solution: String,
    pub themes: Vec<String>,
    pub sector: String,
    pub state: String,
    pub district: String,
    pub language: String,
    pub translation_slug: String,
    pub contributors: String,
    pub sources: String,
    pub source_threads: String,
    pub revision: i32,
    pub note: String,
}

impl PageForm {
    pub fn of(p: &page::Page) -> PageForm {
        PageForm {
            slug: p.slug.clone(),
            title: p.title.clone(),
            problem: p.problem_md.clone(),
            solution: p.solution_md.clone(),
            themes: p.theme_list().into_iter().map(str::to_string).collect(),
            sector: p.sector.clone(),
            state: p.state.clone(),
            district: p.district.clone(),
            language: p.language.clone(),
            translation_slug: p.translation_slug.clone(),
            contributors: p.contributors.clone(),
            sources: p.sources.clone(),
            source_threads: p.source_threads.clone(),
            revision: p.revision,
            note: String::new(),
        }
    }
}

/// Paths under /kb/ that are not pages.
const RESERVED: &[&str] = &["new", "pages", "themes", "feed-atom"];

fn valid_slug(s: &str) -> bool {
    !RESERVED.contains(&s)
        && !s.is_empty() && s.len() <= 80 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') && !s.starts_with('-')
}

/// Slugs of other knowledge pages a text links to (`/kb/SLUG` links), and the registry
/// records it links to (`/registry/KIND/SLUG`, kept as `registry/KIND/SLUG`).
pub fn internal_links(markdown_text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut out = Vec::new();
    for ev in Parser::new(markdown_text) {
        if let Event::Start(Tag::Link { dest_url, .. }) = ev {
            let dest = dest_url.to_string();
            let path = dest.split(['?', '#']).next().unwrap_or("");
            if let Some(slug) = path.strip_prefix("/kb/") {
                let slug = slug.trim_end_matches('/');
                if valid_slug(slug) && !out.iter().any(|s: &String| s == slug) {
                    out.push(slug.to_string());
                }
            } else if let Some(rest) = path.strip_prefix("/registry/") {
                // Registry records are kept as "registry/KIND/SLUG", which no page slug can be.
                let target = format!("registry/{}", rest.trim_end_matches('/'));
                if target.split('/').count() == 3 && !out.contains(&target) {
                    out.push(target);
                }
            }
        }
    }
    out
}

/// The page body: both sections under headings in the page's language, sanitised.
pub fn render_body(language: &str, problem: &str, solution: &str) -> String {
    let (p, s) = if language == "hi" { ("समस्या", "समाधान") } else { ("Problem", "Solution") };
    format!(
        "<section class=\"problem\"><h2>{p}</h2>{}</section><section class=\"solution\"><h2>{s}</h2>{}</section>",
        markdown::to_safe_html(problem),
        markdown::to_safe_html(solution)
    )
}

fn lines_clean(text: &str, max_lines: usize) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).take(max_lines).map(|l| l.chars().take(300).collect::<String>()).collect::<Vec<_>>().join("\n")
}

/// Checks a page form and turns it into stored content.
pub fn clean(form: &PageForm, errors: &mut FieldErrors) -> page::Content {
    let title = form.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        errors.insert("title", "kb-subject-invalid".into());
    }
    for (field, text, missing) in [("problem", &form.problem, "kb-problem-missing"), ("solution", &form.solution, "kb-solution-missing")] {
        if text.trim().is_empty() {
            errors.insert(field, Message::new(missing));
        } else if text.chars().count() > MAX_SECTION {
            errors.insert(field, Message::new("too-long").arg("max", MAX_SECTION));
        }
    }
    let themes = super::clean_themes(&form.themes, errors);
    if themes.is_empty() && !errors.contains_key("themes") {
        errors.insert("themes", "kb-themes-missing".into());
    }
    let language = if form.language == "hi" { "hi" } else { "en" };
    let state = super::clean_state(&form.state, errors);
    let sector = super::clean_sector(&form.sector, errors);
    let translation_slug = form.translation_slug.trim().to_string();
    if !translation_slug.is_empty() && !valid_slug(&translation_slug) {
        errors.insert("translation_slug", "kb-translation-missing".into());
    }
    let threads: Vec<String> = form.source_threads.split([',', ' ']).filter(|t| !t.is_empty()).map(str::to_string).collect();
    if threads.iter().any(|t| t.parse::<i64>().is_err()) {
        errors.insert("source_threads", "kb-threads-invalid".into());
    }
    let problem = form.problem.trim().replace("\r\n", "\n");
    let solution = form.solution.trim().replace("\r\n", "\n");
    page::Content {
        body_html: render_body(language, &problem, &solution),
        title,
        problem_md: problem,
        solution_md: solution,
        themes: themes.join(","),
        sector,
        state,
        district: form.district.trim().chars().take(100).collect(),
        language: language.into(),
        translation_slug,
        contributors: lines_clean(&form.contributors, 50),
        sources: lines_clean(&form.sources, 50),
        source_threads: threads.join(","),
    }
}

/// Is there a published page at this web name (itself, or by a redirect)?
fn public_page(conn: &mut DbConn, slug: &str) -> Result<bool, AppError> {
    let target = match page::find_by_slug(conn, slug)? {
        Some(p) => return Ok(p.status == page::PUBLISHED),
        None => page::redirect_target(conn, slug)?,
    };
    Ok(match target {
        Some(to) => page::find_by_slug(conn, &to)?.is_some_and(|p| p.status == page::PUBLISHED),
        None => false,
    })
}

/// Internal links that point nowhere a reader can follow, reported after saving. Only public
/// targets count: a draft page or an unpublished registry record is as absent as a missing
/// one, so the report tells a writer nothing about drafts they may not see.
fn broken_links(conn: &mut DbConn, c: &page::Content) -> Result<Vec<String>, AppError> {
    let mut broken = Vec::new();
    for slug in internal_links(&format!("{}\n{}", c.problem_md, c.solution_md)) {
        let exists = if slug.starts_with("registry/") { super::registry::link_target_exists(conn, &slug)? } else { public_page(conn, &slug)? };
        if !exists {
            broken.push(slug);
        }
    }
    Ok(broken)
}

fn snapshot(c: &page::Content) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

fn store_links(conn: &mut DbConn, page_id: i64, c: &page::Content) -> diesel::QueryResult<()> {
    page::set_links(conn, page_id, &internal_links(&format!("{}\n{}", c.problem_md, c.solution_md)))
}

pub struct Saved {
    pub slug: String,
    pub broken_links: Vec<String>,
}

/// Creates a draft (status `draft`, revision 1). `status` may be `published` for imports.
pub fn create(conn: &mut DbConn, by: Option<i64>, form: &PageForm, status: &str, published_at: Option<chrono::NaiveDateTime>) -> Result<Saved, AppError> {
    let mut errors = FieldErrors::new();
    let content = clean(form, &mut errors);
    let slug = if form.slug.trim().is_empty() { super::slugify(&content.title, 80) } else { form.slug.trim().to_string() };
    if !valid_slug(&slug) {
        errors.insert("slug", "slug-invalid".into());
    } else if page::slug_exists(conn, &slug)? {
        errors.insert("slug", Message::new("slug-taken").arg("slug", &slug));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let broken = broken_links(conn, &content)?;
    write_tx(conn, |tx| {
        let now = models::now();
        let id = page::insert(tx, &page::NewPage { slug: &slug, status, created_by: by, created_at: now, updated_at: now, published_at }, &content)?;
        page::add_revision(tx, id, 1, &snapshot(&content), by, if form.note.is_empty() { "created" } else { &form.note }, now)?;
        page::add_event(tx, id, by, page::EVENT_CREATED, &slug, now)?;
        store_links(tx, id, &content)?;
        search_outbox::push(tx, search_outbox::PAGE, id)?;
        if status == page::PUBLISHED {
            page::add_event(tx, id, by, page::EVENT_PUBLISHED, "", now)?;
            let created = page::find(tx, id)?;
            mark_threads_consolidated(tx, &created)?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(Saved { slug, broken_links: broken })
}

/// A new draft, by someone who could edit a page of its themes, naming only threads they may cite.
pub fn create_draft(conn: &mut DbConn, who: &Principal, form: &PageForm) -> Result<Saved, AppError> {
    let right = require_any(conn, who)?;
    let mut errors = FieldErrors::new();
    let content = clean(form, &mut errors);
    if !content.themes.is_empty() && !right.covers(content.themes.split(',')) {
        return Err(AppError::Forbidden);
    }
    check_sources(conn, who, &content, &[])?;
    create(conn, Some(who.user.id), form, page::DRAFT, None)
}

fn mark_threads_consolidated(conn: &mut DbConn, p: &page::Page) -> diesel::QueryResult<()> {
    for id in p.thread_ids() {
        if let Ok(root) = post::find(conn, id) {
            if root.consolidated_at.is_none() {
                post::mark_consolidated(conn, root.id, models::now())?;
            }
        }
    }
    Ok(())
}

const EDIT_CONFLICT: &str = "kb-edit-conflict";

/// Saves new content as the next revision.
pub fn save(conn: &mut DbConn, by: Option<i64>, page_id: i64, form: &PageForm) -> Result<Vec<String>, AppError> {
    save_as(conn, by, page_id, form, page::EVENT_SAVED)
}

/// Saves new content as the next revision, logging it as `action`.
fn save_as(conn: &mut DbConn, by: Option<i64>, page_id: i64, form: &PageForm, action: &str) -> Result<Vec<String>, AppError> {
    let mut errors = FieldErrors::new();
    let content = clean(form, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let broken = broken_links(conn, &content)?;
    write_tx(conn, |tx| {
        let now = models::now();
        if !page::update_content(tx, page_id, form.revision, &content, now)? {
            return Err(AppError::Conflict(EDIT_CONFLICT.into()));
        }
        let note = if form.note.is_empty() { "edited" } else { &form.note };
        page::add_revision(tx, page_id, form.revision + 1, &snapshot(&content), by, note, now)?;
        page::add_event(tx, page_id, by, action, &format!("r{}: {note}", form.revision + 1), now)?;
        store_links(tx, page_id, &content)?;
        search_outbox::push(tx, search_outbox::PAGE, page_id)?;
        Ok(())
    })?;
    Ok(broken)
}

/// The checks every new content of page `p` passes, whoever writes it and however (an edit,
/// a rollback): the page stays its editor's (its new themes still ones they edit), and the
/// threads it newly names are ones they may cite.
fn check_change(conn: &mut DbConn, who: &Principal, p: &page::Page, form: &PageForm) -> Result<(), AppError> {
    // The checks hold for this revision; the save succeeds only while the page is still at it.
    if form.revision != p.revision {
        return Err(AppError::Conflict(EDIT_CONFLICT.into()));
    }
    let mut errors = FieldErrors::new();
    let content = clean(form, &mut errors);
    if !content.themes.is_empty() && !editor_right(conn, who)?.covers(content.themes.split(',')) {
        return Err(AppError::field("themes", "kb-themes-keep"));
    }
    check_sources(conn, who, &content, &p.thread_ids())
}

/// Saves an editor's changes.
pub fn edit(conn: &mut DbConn, who: &Principal, page_id: i64, form: &PageForm) -> Result<Vec<String>, AppError> {
    let p = require_page(conn, who, page_id)?;
    check_change(conn, who, &p, form)?;
    save(conn, Some(who.user.id), page_id, form)
}

/// Publishing, withdrawing and renaming check the editor's right inside their transaction,
/// on the page as it is written, so a page moved out of their themes meanwhile stays out of reach.
pub fn publish(conn: &mut DbConn, who: &Principal, page_id: i64) -> Result<(), AppError> {
    write_tx(conn, |tx| {
        let p = require_page(tx, who, page_id)?;
        let now = models::now();
        if p.status != page::PUBLISHED {
            page::add_event(tx, p.id, Some(who.user.id), page::EVENT_PUBLISHED, &format!("r{}", p.revision), now)?;
        }
        page::set_status(tx, p.id, page::PUBLISHED, "", Some(p.published_at.unwrap_or(now)), now)?;
        search_outbox::push(tx, search_outbox::PAGE, p.id)?;
        mark_threads_consolidated(tx, &p)?;
        Ok(())
    })
}

pub fn withdraw(conn: &mut DbConn, who: &Principal, page_id: i64, note: &str) -> Result<(), AppError> {
    require_page(conn, who, page_id)?;
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::field("note", "kb-withdraw-note-missing"));
    }
    write_tx(conn, |tx| {
        let p = require_page(tx, who, page_id)?;
        let now = models::now();
        page::set_status(tx, p.id, page::WITHDRAWN, note, p.published_at, now)?;
        page::add_event(tx, p.id, Some(who.user.id), page::EVENT_WITHDRAWN, note, now)?;
        search_outbox::push(tx, search_outbox::PAGE, p.id)?;
        Ok(())
    })
}

/// Gives a page a new web name; the old one redirects and links follow.
pub fn rename(conn: &mut DbConn, who: &Principal, page_id: i64, new_slug: &str) -> Result<String, AppError> {
    require_page(conn, who, page_id)?;
    let new_slug = new_slug.trim().to_string();
    if !valid_slug(&new_slug) {
        return Err(AppError::field("new_slug", "slug-invalid"));
    }
    write_tx(conn, |tx| {
        let p = require_page(tx, who, page_id)?;
        if new_slug == p.slug {
            return Ok(new_slug.clone());
        }
        if page::find_by_slug(tx, &new_slug)?.is_some() {
            return Err(AppError::field("new_slug", Message::new("slug-taken").arg("slug", new_slug)));
        }
        let now = models::now();
        page::rename(tx, p.id, &new_slug, now)?;
        page::add_event(tx, p.id, Some(who.user.id), page::EVENT_RENAMED, &format!("{} → {new_slug}", p.slug), now)?;
        page::add_redirect(tx, &p.slug, p.id)?;
        page::retarget_links(tx, &p.slug, &new_slug)?;
        search_outbox::push(tx, search_outbox::PAGE, p.id)?;
        Ok(new_slug.clone())
    })
}

pub fn rollback(conn: &mut DbConn, who: &Principal, page_id: i64, to_revision: i32) -> Result<(), AppError> {
    let p = require_page(conn, who, page_id)?;
    let snap = page::revisions(conn, page_id)?.into_iter().find(|r| r.0 == to_revision).ok_or(AppError::NotFound)?;
    let content: page::Content = serde_json::from_str(&snap.1).map_err(|e| AppError::Internal(format!("revision snapshot: {e}")))?;
    let form = PageForm {
        revision: p.revision,
        note: format!("rolled back to revision {to_revision}"),
        themes: content.themes.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
        title: content.title,
        problem: content.problem_md,
        solution: content.solution_md,
        sector: content.sector,
        state: content.state,
        district: content.district,
        language: content.language,
        translation_slug: content.translation_slug,
        contributors: content.contributors,
        sources: content.sources,
        source_threads: content.source_threads,
        slug: p.slug.clone(),
    };
    check_change(conn, who, &p, &form)?;
    save_as(conn, Some(who.user.id), page_id, &form, page::EVENT_ROLLED_BACK).map(|_| ())
}

pub struct Revision {
    pub number: i32,
    pub content: page::Content,
    pub editor: Option<String>,
    pub at: chrono::NaiveDateTime,
    pub note: String,
}

/// One entry of a page's events, with the actor's name (None: the content files).
pub struct Event {
    pub id: i64,
    pub action: String,
    pub detail: String,
    pub actor: Option<String>,
    pub at: chrono::NaiveDateTime,
}

fn event_of((e, actor): (page::PageEvent, Option<String>)) -> Event {
    Event { id: e.id, action: e.action, detail: e.detail, actor, at: e.created_at }
}

/// Who did what to a page, newest first, for its editors.
pub fn events(conn: &mut DbConn, who: &Principal, page_id: i64) -> Result<Vec<Event>, AppError> {
    require_page(conn, who, page_id)?;
    Ok(page::events(conn, page_id)?.into_iter().map(event_of).collect())
}

pub fn revisions(conn: &mut DbConn, who: &Principal, page_id: i64) -> Result<(page::Page, Vec<Revision>), AppError> {
    let p = require_page(conn, who, page_id)?;
    let mut out = Vec::new();
    for (number, snap, by, at, note) in page::revisions(conn, page_id)? {
        let content = serde_json::from_str(&snap).map_err(|e| AppError::Internal(format!("revision snapshot: {e}")))?;
        let editor = match by {
            Some(id) => Some(user::find(conn, id)?.name),
            None => None,
        };
        out.push(Revision { number, content, editor, at, note });
    }
    Ok((p, out))
}

pub enum Lookup {
    Found(Box<PageView>),
    Moved(String),
    Gone { title: String, note: String },
}

pub struct PageView {
    pub page: page::Page,
    pub backlinks: Vec<page::Page>,
    pub related: Vec<page::Page>,
    pub translation: Option<page::Page>,
    pub look: (String, String),
    pub threads: Vec<(i64, String, String)>,
    /// Published registry records naming this page or linked from it.
    pub registry: Vec<crate::models::registry::Record>,
    /// The viewer may edit this page.
    pub editor: bool,
    /// Who published the page, and who changed it last (when not the same event).
    pub published_by: Option<Credited>,
    pub changed_by: Option<Credited>,
}

/// How a public page names who did something: by name only if they agreed to be named
/// (`credit_consent`), otherwise by their role. The page's history keeps the names.
pub enum Credit {
    Named(String),
    Moderator,
    Editor,
}

pub struct Credited {
    pub by: Credit,
    pub at: chrono::NaiveDateTime,
}

/// The public credit for an event; None for the content files (no actor).
fn credited(conn: &mut DbConn, e: &page::PageEvent) -> Result<Option<Credited>, AppError> {
    let Some(id) = e.actor_id else { return Ok(None) };
    let u = match user::find(conn, id) {
        Ok(u) => u,
        Err(diesel::result::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let by = if u.credit_consent {
        Credit::Named(u.name)
    } else {
        let roles = role::for_user(conn, id)?;
        if roles.is_admin() || roles.is_knowledge_editor() { Credit::Editor } else { Credit::Moderator }
    };
    Ok(Some(Credited { by, at: e.created_at }))
}

pub const LAYOUTS: &[&str] = &["classic", "wide", "card"];
pub const DEFAULT_LOOK: (&str, &str) = ("classic", "#0b5d6b");

/// A page as the public (or an editor, for drafts) sees it.
pub fn lookup(conn: &mut DbConn, viewer: Option<&Principal>, slug: &str) -> Result<Lookup, AppError> {
    let Some(p) = page::find_by_slug(conn, slug)? else {
        return match page::redirect_target(conn, slug)? {
            Some(to) => Ok(Lookup::Moved(to)),
            None => Err(AppError::NotFound),
        };
    };
    let editor = match viewer {
        Some(v) => editor_right(conn, v)?.page(&p),
        None => false,
    };
    if p.status == page::WITHDRAWN && !editor {
        return Ok(Lookup::Gone { title: p.title, note: p.withdrawn_note });
    }
    if p.status == page::DRAFT && !editor {
        return Err(AppError::NotFound);
    }
    let backlinks = page::backlinks(conn, &p.slug)?.into_iter().filter(|b| b.id != p.id).collect();
    let first_theme = p.theme_list().first().map(|s| s.to_string()).unwrap_or_default();
    let related = page::published_with_theme(conn, &first_theme, 12)?.into_iter().filter(|r| r.id != p.id && r.language == p.language).take(5).collect();
    let translation = if p.translation_slug.is_empty() { None } else { page::find_by_slug(conn, &p.translation_slug)?.filter(|t| t.status == page::PUBLISHED) };
    let look = page::look(conn, &first_theme)?.unwrap_or((DEFAULT_LOOK.0.into(), DEFAULT_LOOK.1.into()));
    // Source threads are linked only where they are public.
    let mut threads = Vec::new();
    for id in p.thread_ids() {
        if let Ok(root) = post::find(conn, id) {
            let c = crate::models::community::find(conn, root.community_id)?;
            if root.status == post::APPROVED && (root.is_public || c.public_threads) {
                threads.push((root.id, c.slug.clone(), root.title.clone()));
            }
        }
    }
    let registry = super::registry::for_page(conn, p.id, &p.slug)?;
    let published = page::last_event(conn, p.id, &[page::EVENT_PUBLISHED])?.map(|(e, _)| e);
    let changed = page::last_event(conn, p.id, &[page::EVENT_SAVED, page::EVENT_ROLLED_BACK])?
        .map(|(e, _)| e)
        .filter(|c| published.as_ref().is_none_or(|pb| c.id > pb.id));
    let published_by = match &published { Some(e) => credited(conn, e)?, None => None };
    let changed_by = match &changed { Some(e) => credited(conn, e)?, None => None };
    Ok(Lookup::Found(Box::new(PageView { page: p, backlinks, related, translation, look, threads, registry, editor, published_by, changed_by })))
}

pub fn hub(conn: &mut DbConn, theme: &str) -> Result<(Vec<page::Page>, Vec<(String, usize)>), AppError> {
    if !vocab::is_theme(theme) {
        return Err(AppError::NotFound);
    }
    let pages = page::published_with_theme(conn, theme, HUB_PAGES)?;
    // Themes that share pages with this one, with how many: the hub's neighbours.
    let mut near: Vec<(String, usize)> = Vec::new();
    for p in &pages {
        for t in p.theme_list() {
            if t != theme {
                match near.iter_mut().find(|(n, _)| n == t) {
                    Some((_, c)) => *c += 1,
                    None => near.push((t.to_string(), 1)),
                }
            }
        }
    }
    near.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok((pages, near))
}

/// How many pages a hub lists, newest first (search reaches the rest).
pub const HUB_PAGES: i64 = 300;

/// Theme hubs with their page counts, and the newest pages.
pub fn home(conn: &mut DbConn) -> Result<(Vec<(&'static str, usize)>, Vec<page::Page>), AppError> {
    let mut counts = Vec::with_capacity(vocab::THEMES.len());
    for (slug, _, _) in vocab::THEMES {
        counts.push((*slug, page::count_with_theme(conn, slug)? as usize));
    }
    Ok((counts, page::published(conn, 20)?))
}

/// Everything the consolidated-reply builder shows: the approved posts of the chosen threads
/// (each checked against the moderator's rights) and a contributor list from their authors.
#[derive(Default)]
pub struct Builder {
    pub posts: Vec<(post::Post, String, String)>,
    pub contributors: String,
    pub thread_ids: String,
    pub title: String,
    pub themes: Vec<String>,
    pub state: String,
    pub sector: String,
}

/// The builder again, around a refused form: without threads it shows the form alone.
pub fn builder_again(conn: &mut DbConn, who: &Principal, threads: &[i64]) -> Result<Builder, AppError> {
    if threads.is_empty() {
        require_any(conn, who)?;
        return Ok(Builder::default());
    }
    builder(conn, who, threads)
}

pub fn builder(conn: &mut DbConn, who: &Principal, threads: &[i64]) -> Result<Builder, AppError> {
    require_any(conn, who)?;
    let mut posts = Vec::new();
    let mut contributors: Vec<String> = Vec::new();
    let mut first: Option<post::Post> = None;
    for &id in threads.iter().take(10) {
        let root = post::find(conn, id)?;
        if !may_cite(conn, who, &root)? {
            return Err(AppError::Forbidden);
        }
        let mut thread = vec![(root.clone(), user::find(conn, root.author_id)?)];
        for (r, _) in post::replies(conn, root.id, None, false)? {
            let author = user::find(conn, r.author_id)?;
            thread.push((r, author));
        }
        for (p, u) in thread {
            let credit = if u.credit_consent {
                if u.organisation.is_empty() { u.name.clone() } else { format!("{} | {}", u.name, u.organisation) }
            } else {
                "A community member".to_string()
            };
            if !contributors.contains(&credit) {
                contributors.push(credit.clone());
            }
            posts.push((p, u.name.clone(), credit));
        }
        first.get_or_insert(root);
    }
    let first = first.ok_or_else(|| AppError::BadRequest("kb-builder-empty".into()))?;
    Ok(Builder {
        posts,
        contributors: contributors.join("\n"),
        thread_ids: threads.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(","),
        title: first.title.clone(),
        themes: first.theme_list().into_iter().map(str::to_string).collect(),
        state: first.state.clone(),
        sector: first.sector.clone(),
    })
}

/// Pages for the editors' list: every status, the pages this editor may edit.
pub fn all_pages(conn: &mut DbConn, who: &Principal) -> Result<Vec<page::Page>, AppError> {
    let right = require_any(conn, who)?;
    Ok(page::all(conn)?.into_iter().filter(|p| right.page(p)).collect())
}

pub fn set_look(conn: &mut DbConn, who: &Principal, theme: &str, layout: &str, accent: &str) -> Result<(), AppError> {
    if !who.roles.is_admin() {
        return Err(AppError::Forbidden);
    }
    if !vocab::is_theme(theme) {
        return Err(AppError::field("theme", "theme-choose"));
    }
    if !LAYOUTS.contains(&layout) {
        return Err(AppError::field("layout", "layout-choose"));
    }
    let ok = accent.len() == 7 && accent.starts_with('#') && accent[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        return Err(AppError::field("accent", "accent-invalid"));
    }
    page::set_look(conn, theme, layout, accent)?;
    Ok(())
}
