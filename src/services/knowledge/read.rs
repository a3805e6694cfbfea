//! Reading pages: revisions and events, a page by its web name, theme hubs, the home list, the
//! consolidated-reply builder and the look.

use super::*;

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
    pub action: page::Action,
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
    pub backlinks: Vec<page::PageRef>,
    pub related: Vec<page::PageRef>,
    pub translation: Option<page::PageRef>,
    pub look: (String, String),
    pub threads: Vec<(i64, String, String)>,
    /// Published registry records naming this page or linked from it.
    pub registry: Vec<crate::models::registry::Record>,
    /// The schemes of Annex I the page points to (retired ones too).
    pub schemes: Vec<crate::models::vocabulary::Term>,
    /// The viewer may edit this page.
    pub editor: bool,
    /// How many questions it answered before they were posted (or queued queries a moderator
    /// closed with it; shown to editors), and for how many members (shown to every reader).
    pub answered: crate::models::similar_answer::Tally,
    /// Who published the page, and who changed it last (when not the same event).
    pub published_by: Option<Credited>,
    pub changed_by: Option<Credited>,
    /// What members said of the page ("It worked?").
    pub outcomes: crate::models::outcome::Counts,
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
    if p.status == page::Status::Withdrawn && !editor {
        return Ok(Lookup::Gone { title: p.title, note: p.withdrawn_note });
    }
    if p.status == page::Status::Draft && !editor {
        return Err(AppError::NotFound);
    }
    let backlinks = page::backlinks(conn, &p.slug)?.into_iter().filter(|b| b.id != p.id).collect();
    let first_theme = p.theme_list().first().map(|s| s.to_string()).unwrap_or_default();
    let related = page::related_refs(conn, &first_theme, &p.language, p.id, 5)?;
    let translation = if p.translation_slug.is_empty() { None } else { page::published_ref(conn, &p.translation_slug)? };
    let look = page::look(conn, &first_theme)?.unwrap_or((DEFAULT_LOOK.0.into(), DEFAULT_LOOK.1.into()));
    // Source threads are linked only where they are public.
    let mut threads = Vec::new();
    for id in p.thread_ids() {
        if let Ok(root) = post::find(conn, id) {
            let c = crate::models::community::find(conn, root.community_id)?;
            if root.status == post::Status::Approved && (root.is_public || c.public_threads) {
                threads.push((root.id, c.slug.clone(), root.title.clone()));
            }
        }
    }
    let registry = crate::services::registry::for_page(conn, p.id, &p.slug)?;
    let codes = scheme_link::of_page(conn, p.id)?;
    let schemes = crate::services::registry::terms_of(conn, &codes)?;
    let published = page::last_event(conn, p.id, &[page::Action::Published])?.map(|(e, _)| e);
    let changed = page::last_event(conn, p.id, &[page::Action::Saved, page::Action::RolledBack])?
        .map(|(e, _)| e)
        .filter(|c| published.as_ref().is_none_or(|pb| c.id > pb.id));
    let published_by = match &published { Some(e) => credited(conn, e)?, None => None };
    let changed_by = match &changed { Some(e) => credited(conn, e)?, None => None };
    let answered = crate::services::similar::answered_count(conn, crate::models::similar_answer::Target { kind: crate::models::similar_answer::TargetKind::Page, id: p.id })?;
    let outcomes = crate::models::outcome::counts(conn, crate::models::outcome::Subject::Page, p.id)?;
    Ok(Lookup::Found(Box::new(PageView { page: p, backlinks, related, translation, look, threads, registry, schemes, editor, answered, published_by, changed_by, outcomes })))
}

pub fn hub(conn: &mut DbConn, theme: &str) -> Result<(Vec<page::Page>, Vec<(String, usize)>), AppError> {
    // A retired theme's hub stays: its pages keep their theme.
    if crate::models::vocabulary::find(conn, "theme", theme)?.is_none() {
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
pub fn home(conn: &mut DbConn) -> Result<(Vec<(String, usize)>, Vec<page::Page>), AppError> {
    Ok((theme_counts(conn)?.into_iter().map(|(t, n)| (t, n as usize)).collect(), page::published(conn, 20)?))
}

/// Each theme of the database's list with its published pages: the active ones, and a retired
/// one while pages still carry it (its hub stays reachable).
pub fn theme_counts(conn: &mut DbConn) -> Result<Vec<(String, i64)>, AppError> {
    let mut counts = Vec::new();
    for t in crate::models::vocabulary::of(conn, "theme")? {
        let n = page::count_with_theme(conn, &t.code)?;
        if !t.retired || n > 0 {
            counts.push((t.code, n));
        }
    }
    Ok(counts)
}

/// Everything the consolidated-reply builder shows: the approved posts of the chosen threads
/// (each checked against the moderator's rights) and a contributor list from their authors.
#[derive(Default)]
pub struct Builder {
    pub posts: Vec<(post::Post, String, String)>,
    pub contributors: String,
    pub thread_ids: Vec<i64>,
    pub title: String,
    pub themes: Vec<String>,
    pub state: String,
    pub sector: String,
    /// The schemes the chosen queries point to, offered for the page.
    pub schemes: Vec<String>,
    /// Every scheme of Annex I, for the page's choice (retired ones only where chosen).
    pub scheme_terms: Vec<crate::models::vocabulary::Term>,
}

/// The builder again, around a refused form: without threads it shows the form alone.
pub fn builder_again(conn: &mut DbConn, who: &Principal, threads: &[i64]) -> Result<Builder, AppError> {
    if threads.is_empty() {
        require_any(conn, who)?;
        return Ok(Builder { scheme_terms: crate::services::registry::scheme_terms(conn)?, ..Builder::default() });
    }
    builder(conn, who, threads)
}

pub fn builder(conn: &mut DbConn, who: &Principal, threads: &[i64]) -> Result<Builder, AppError> {
    require_any(conn, who)?;
    let mut posts = Vec::new();
    let mut contributors: Vec<String> = Vec::new();
    let mut first: Option<post::Post> = None;
    let mut schemes: Vec<String> = Vec::new();
    for &id in threads.iter().take(10) {
        let root = post::find(conn, id)?;
        if !may_cite(conn, who, &root)? {
            return Err(AppError::Forbidden);
        }
        for code in scheme_link::of_post(conn, root.id)? {
            if !schemes.contains(&code) {
                schemes.push(code);
            }
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
        thread_ids: threads.to_vec(),
        title: first.title.clone(),
        themes: first.theme_list().into_iter().map(str::to_string).collect(),
        state: first.state.clone(),
        sector: first.sector.clone(),
        schemes,
        scheme_terms: crate::services::registry::scheme_terms(conn)?,
    })
}

/// The editor's form for a page as it is, with the schemes it points to.
pub fn form_for(conn: &mut DbConn, p: &page::Page) -> Result<PageForm, AppError> {
    Ok(PageForm { schemes: Some(scheme_link::of_page(conn, p.id)?), ..PageForm::of(p) })
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
    if crate::models::vocabulary::find(conn, "theme", theme)?.is_none() {
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
