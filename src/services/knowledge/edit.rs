//! Writing pages: create, save, publish, withdraw, rename, roll back; every change is an event.

use super::*;

/// Is there a published page at this web name (itself, or by a redirect)?
fn public_page(conn: &mut DbConn, slug: &str) -> Result<bool, AppError> {
    let target = match page::find_by_slug(conn, slug)? {
        Some(p) => return Ok(p.status == page::Status::Published),
        None => page::redirect_target(conn, slug)?,
    };
    Ok(match target {
        Some(to) => page::find_by_slug(conn, &to)?.is_some_and(|p| p.status == page::Status::Published),
        None => false,
    })
}

/// Internal links that point nowhere a reader can follow, reported after saving. Only public
/// targets count: a draft page or an unpublished registry record is as absent as a missing
/// one, so the report tells a writer nothing about drafts they may not see.
fn broken_links(conn: &mut DbConn, c: &page::Content) -> Result<Vec<String>, AppError> {
    let mut broken = Vec::new();
    for slug in internal_links(&format!("{}\n{}", c.problem_md, c.solution_md)) {
        let exists = if slug.starts_with("registry/") { crate::services::registry::link_target_exists(conn, &slug)? } else { public_page(conn, &slug)? };
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
pub fn create(conn: &mut DbConn, by: Option<i64>, form: &PageForm, status: page::Status, published_at: Option<chrono::NaiveDateTime>) -> Result<Saved, AppError> {
    let mut errors = FieldErrors::new();
    let mut content = clean(form, &mut errors);
    check_topics(conn, &mut content, None, &mut errors)?;
    let slug = if form.slug.trim().is_empty() { crate::services::slugify(&content.title, 80) } else { form.slug.trim().to_string() };
    if !valid_slug(&slug) {
        errors.insert("slug", "slug-invalid".into());
    } else if page::slug_exists(conn, &slug)? {
        errors.insert("slug", Message::new("slug-taken").arg("slug", &slug));
    }
    let schemes = match &form.schemes {
        Some(chosen) => Some(crate::services::registry::clean_schemes(conn, chosen, &[], &mut errors)?),
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let broken = broken_links(conn, &content)?;
    write_tx(conn, |tx| {
        let now = models::now();
        let id = page::insert(tx, &page::NewPage { slug: &slug, status, created_by: by, created_at: now, updated_at: now, published_at }, &content)?;
        if let Some(codes) = &schemes {
            scheme_link::set_for_page(tx, id, codes)?;
        }
        page::add_revision(tx, id, 1, &snapshot(&content), by, if form.note.is_empty() { "created" } else { &form.note }, now)?;
        page::add_event(tx, id, by, page::Action::Created, &slug, now)?;
        store_links(tx, id, &content)?;
        search_outbox::push(tx, search_outbox::Kind::Page, id)?;
        if status == page::Status::Published {
            page::add_event(tx, id, by, page::Action::Published, "", now)?;
            // An import marks its threads answered but mails no one: it brings content in,
            // it does not answer anyone today.
            let created = page::find(tx, id)?;
            mark_threads_consolidated(tx, &created, by)?;
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
    if !content.themes.is_empty() && !right.covers(list::decode(&content.themes)) {
        return Err(AppError::Forbidden);
    }
    check_sources(conn, who, &content, &[])?;
    create(conn, Some(who.user.id), form, page::Status::Draft, None)
}

/// Marks the queries a published page was made from as answered by it; returns those that
/// were waiting (the first page to answer a query stays its answer).
fn mark_threads_consolidated(conn: &mut DbConn, p: &page::Page, by: Option<i64>) -> diesel::QueryResult<Vec<post::Post>> {
    let mut answered = Vec::new();
    for id in p.thread_ids() {
        if let Ok(root) = post::find(conn, id) {
            if root.is_query() && root.consolidated_at.is_none() && post::mark_answered(conn, root.id, post::AnswerKind::Page, Some(p.id), by, models::now())? {
                answered.push(root);
            }
        }
    }
    Ok(answered)
}

const EDIT_CONFLICT: &str = "kb-edit-conflict";

/// Saves new content as the next revision.
pub fn save(conn: &mut DbConn, by: Option<i64>, page_id: i64, form: &PageForm) -> Result<Vec<String>, AppError> {
    save_as(conn, by, page_id, form, page::Action::Saved)
}

/// Saves new content as the next revision, logging it as `action`.
fn save_as(conn: &mut DbConn, by: Option<i64>, page_id: i64, form: &PageForm, action: page::Action) -> Result<Vec<String>, AppError> {
    save_as_then(conn, by, page_id, form, action, |_| Ok(()))
}

/// `save`, with `also` run in the same transaction (nothing is saved when it fails).
pub fn save_then(conn: &mut DbConn, by: Option<i64>, page_id: i64, form: &PageForm, also: impl FnOnce(&mut DbConn) -> Result<(), AppError>) -> Result<Vec<String>, AppError> {
    save_as_then(conn, by, page_id, form, page::Action::Saved, also)
}

fn save_as_then(conn: &mut DbConn, by: Option<i64>, page_id: i64, form: &PageForm, action: page::Action, also: impl FnOnce(&mut DbConn) -> Result<(), AppError>) -> Result<Vec<String>, AppError> {
    let mut errors = FieldErrors::new();
    let mut content = clean(form, &mut errors);
    let kept = page::find(conn, page_id)?;
    check_topics(conn, &mut content, Some(&kept), &mut errors)?;
    // A retired scheme the page already points to may stay; none may be newly chosen.
    let schemes = match &form.schemes {
        Some(chosen) => {
            let already = scheme_link::of_page(conn, page_id)?;
            Some(crate::services::registry::clean_schemes(conn, chosen, &already, &mut errors)?)
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let broken = broken_links(conn, &content)?;
    write_tx(conn, |tx| {
        let now = models::now();
        if !page::update_content(tx, page_id, form.revision, &content, now)? {
            return Err(AppError::Conflict(EDIT_CONFLICT.into()));
        }
        if let Some(codes) = &schemes {
            scheme_link::set_for_page(tx, page_id, codes)?;
        }
        let note = if form.note.is_empty() { "edited" } else { &form.note };
        page::add_revision(tx, page_id, form.revision + 1, &snapshot(&content), by, note, now)?;
        page::add_event(tx, page_id, by, action, &format!("r{}: {note}", form.revision + 1), now)?;
        store_links(tx, page_id, &content)?;
        search_outbox::push(tx, search_outbox::Kind::Page, page_id)?;
        also(tx)
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
    if !content.themes.is_empty() && !editor_right(conn, who)?.covers(list::decode(&content.themes)) {
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
/// The queries the page was made from are answered: their askers, those who replied and the
/// community hear of it.
pub fn publish(conn: &mut DbConn, env: &Env, who: &Principal, page_id: i64) -> Result<(), AppError> {
    write_tx(conn, |tx| {
        let p = require_page(tx, who, page_id)?;
        let now = models::now();
        if p.status != page::Status::Published {
            page::add_event(tx, p.id, Some(who.user.id), page::Action::Published, &format!("r{}", p.revision), now)?;
        }
        page::set_status(tx, p.id, page::Status::Published, "", Some(p.published_at.unwrap_or(now)), now)?;
        search_outbox::push(tx, search_outbox::Kind::Page, p.id)?;
        for query in mark_threads_consolidated(tx, &p, Some(who.user.id))? {
            crate::services::notify::query_answered(tx, env, &query, post::AnswerKind::Page)?;
        }
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
        page::set_status(tx, p.id, page::Status::Withdrawn, note, p.published_at, now)?;
        page::add_event(tx, p.id, Some(who.user.id), page::Action::Withdrawn, note, now)?;
        search_outbox::push(tx, search_outbox::Kind::Page, p.id)?;
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
        page::add_event(tx, p.id, Some(who.user.id), page::Action::Renamed, &format!("{} → {new_slug}", p.slug), now)?;
        page::add_redirect(tx, &p.slug, p.id)?;
        page::retarget_links(tx, &p.slug, &new_slug)?;
        search_outbox::push(tx, search_outbox::Kind::Page, p.id)?;
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
        themes: list::decode(&content.themes).map(str::to_string).collect(),
        source_threads: threads_field(&content.source_threads),
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
        slug: p.slug.clone(),
        schemes: None,
    };
    check_change(conn, who, &p, &form)?;
    save_as(conn, Some(who.user.id), page_id, &form, page::Action::RolledBack).map(|_| ())
}
