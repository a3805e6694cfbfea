//! Knowledge-base routes: public pages, hubs, feeds and sitemap; the builder and editor for
//! moderators and administrators (checked by the service); page looks for administrators.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::db::DbConn;
use crate::error::{AppError, FieldErrors};
use crate::models::page::{self, Page};
use crate::paths;
use crate::services::accounts::Principal;
use crate::services::knowledge::{self, Lookup, PageForm};
use crate::services::registry;
use crate::views;
use crate::web::visit::{Admin, CsrfForm, Empty, Member, RawForm, Visit};
use crate::web::{html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/kb", web::get().to(home))
        .route("/kb/feed.atom", web::get().to(feed))
        .route("/kb/new", web::get().to(builder))
        .route("/kb/new", web::post().to(create))
        .route("/kb/pages", web::get().to(pages))
        .route("/kb/themes/{theme}", web::get().to(hub))
        .route("/kb/themes/{theme}/feed.atom", web::get().to(theme_feed))
        .route("/kb/{slug}", web::get().to(show))
        .route("/kb/{slug}/edit", web::get().to(edit_form))
        .route("/kb/{slug}/edit", web::post().to(edit))
        .route("/kb/{slug}/rename", web::post().to(rename))
        .route("/kb/{slug}/withdraw", web::post().to(withdraw))
        .route("/kb/{slug}/revisions", web::get().to(revisions))
        .route("/kb/{slug}/revisions/{n}", web::get().to(revision))
        .route("/kb/{slug}/revisions/{n}/restore", web::post().to(restore))
        .route("/looks/{theme}.css", web::get().to(look_css))
        .route("/admin/looks", web::get().to(looks))
        .route("/admin/looks", web::post().to(set_look))
        .route("/sitemap.xml", web::get().to(sitemap))
        .route("/glossary", web::get().to(glossary));
}

/// The glossary of acronyms, in the reader's language.
async fn glossary(visit: Visit) -> HttpResponse {
    html(200, views::glossary::page(&visit.ctx))
}

async fn home(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, AppError> {
    let (counts, recent) = state.db(knowledge::home).await?;
    Ok(html(200, views::knowledge::home(&visit.ctx, &counts, &recent)))
}

async fn hub(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let theme = path.into_inner();
    let t2 = theme.clone();
    let (pages, near) = state.db(move |c| knowledge::hub(c, &t2)).await?;
    Ok(html(200, views::knowledge::hub(&visit.ctx, &theme, &pages, &near)))
}

async fn show(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let principal = visit.principal.clone();
    // A reader who edits no page sees what a visitor sees: its data is read once per change
    // (the page cache's stamp, taken before the read) and rendered for each such reader.
    let as_visitor = principal.as_deref().is_none_or(|p| !knowledge::edits_pages(p));
    let stamp = state.pages.stamp(state.search.generation());
    if let Some(v) = as_visitor.then(|| state.page_views.get(&slug, stamp)).flatten() {
        return Ok(html(200, views::knowledge::page(&visit.ctx, &v, false)));
    }
    let key = slug.clone();
    let found = state.db(move |c| knowledge::lookup(c, principal.as_deref(), &slug)).await;
    if !matches!(found, Ok(Lookup::Found(_))) {
        state.page_views.remove(&key);
    }
    match found? {
        Lookup::Found(v) => {
            let v: std::sync::Arc<knowledge::PageView> = std::sync::Arc::from(v);
            if as_visitor {
                state.page_views.put(key, stamp, v.clone());
            }
            Ok(html(200, views::knowledge::page(&visit.ctx, &v, v.editor)))
        }
        Lookup::Moved(to) => Ok(HttpResponse::MovedPermanently().insert_header((header::LOCATION, paths::page(&to))).finish()),
        Lookup::Gone { title, note } => Ok(html(410, views::knowledge::gone(&visit.ctx, &title, &note))),
    }
}

fn form_from(raw: &RawForm) -> PageForm {
    let get = |k: &str| raw.get(k);
    PageForm {
        slug: get("slug"),
        title: get("title"),
        problem: get("problem"),
        solution: get("solution"),
        themes: raw.all("themes"),
        sector: get("sector"),
        state: get("state"),
        district: get("district"),
        language: get("language"),
        translation_slug: get("translation_slug"),
        contributors: get("contributors"),
        sources: get("sources"),
        source_threads: get("source_threads"),
        revision: get("revision").parse().unwrap_or(0),
        note: get("note"),
        // Only a form that showed the schemes changes them (none ticked clears them).
        schemes: (!get("schemes_shown").is_empty()).then(|| raw.all("schemes")),
    }
}

fn ids(q: &str, name: &str) -> Vec<i64> {
    url::form_urlencoded::parse(q.as_bytes()).filter(|(k, _)| k == name).filter_map(|(_, v)| v.parse().ok()).collect()
}

async fn builder(state: web::Data<AppState>, member: Member, req: actix_web::HttpRequest) -> Result<HttpResponse, AppError> {
    let threads = ids(req.query_string(), "thread");
    let picked = ids(req.query_string(), "pick");
    let principal = member.principal.clone();
    let b = state.db(move |c| knowledge::builder(c, &principal, &threads)).await?;
    // Picked replies are quoted into the solution, each credited as its author agreed to be
    // (by name, or as a community member), since the page will be public.
    let mut solution = String::new();
    for (p, _, credit) in b.posts.iter().filter(|(p, _, _)| picked.contains(&p.id)) {
        let quoted: String = p.body_md.lines().map(|l| format!("> {l}\n")).collect();
        solution.push_str(&format!("{quoted}>\n> — {}\n\n", credit.replace(" | ", ", ")));
    }
    let form = PageForm {
        title: b.title.clone(),
        themes: b.themes.clone(),
        state: b.state.clone(),
        sector: b.sector.clone(),
        contributors: b.contributors.clone(),
        source_threads: b.thread_ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", "),
        solution,
        language: member.ctx.lang.code().into(),
        schemes: Some(b.schemes.clone()),
        ..Default::default()
    };
    Ok(html(200, views::knowledge::builder(&member.ctx, &b, &form, &picked, &FieldErrors::new())))
}

async fn create(state: web::Data<AppState>, member: Member, req: actix_web::HttpRequest, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let f = form_from(&form.1);
    let (principal, ff) = (member.principal.clone(), f.clone());
    match submitted(state.write(move |c| knowledge::create_draft(c, &principal, &ff)).await)? {
        Submitted::Done(saved) => Ok(see_other(&format!("{}?created=1", paths::page_edit(&saved.slug)))),
        Submitted::Invalid(errors) => {
            let threads = ids(req.query_string(), "thread");
            let principal = member.principal.clone();
            let b = state.db(move |c| knowledge::builder_again(c, &principal, &threads)).await?;
            Ok(html(400, views::knowledge::builder(&member.ctx, &b, &f, &[], &errors)))
        }
    }
}

async fn pages(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    let principal = member.principal.clone();
    let list = state.db(move |c| knowledge::all_pages(c, &principal)).await?;
    Ok(html(200, views::knowledge::pages(&member.ctx, &list)))
}

/// `f` on the page named `slug`, as one database job, once the service has found that this
/// member may edit it. The page comes back with `f`'s value.
fn on_editable<T, F>(member: &Member, slug: String, f: F) -> impl FnOnce(&mut DbConn) -> Result<(Page, T), AppError> + Send + 'static
where
    F: FnOnce(&mut DbConn, &Principal, &Page) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let principal = member.principal.clone();
    move |c| {
        let p = knowledge::editable(c, &principal, &slug)?;
        let value = f(c, &principal, &p)?;
        Ok((p, value))
    }
}

/// The editor, showing the page as it is (with the schemes it points to) and a form's errors.
async fn editor_again(state: &AppState, member: &Member, p: &Page, errors: &FieldErrors) -> Result<HttpResponse, AppError> {
    let page = p.clone();
    let (form, schemes) = state.db(move |c| Ok((knowledge::form_for(c, &page)?, registry::scheme_terms(c)?))).await?;
    Ok(html(400, views::knowledge::editor(&member.ctx, p, &form, &schemes, errors, &[], None)))
}

#[derive(Deserialize)]
struct CreatedQuery {
    #[serde(default)]
    created: Option<String>,
}

async fn edit_form(state: web::Data<AppState>, member: Member, path: web::Path<String>, q: web::Query<CreatedQuery>) -> Result<HttpResponse, AppError> {
    let (p, (form, schemes)) = state.db(on_editable(&member, path.into_inner(), |c, _, p| Ok((knowledge::form_for(c, p)?, registry::scheme_terms(c)?)))).await?;
    let notice = q.created.as_ref().map(|_| member.ctx.t().saved_short);
    Ok(html(200, views::knowledge::editor(&member.ctx, &p, &form, &schemes, &FieldErrors::new(), &[], notice)))
}

async fn edit(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (f, publish) = (form_from(&form.1), form.1.all("action").iter().any(|a| a == "publish"));
    let (ff, env) = (f.clone(), state.env.clone());
    // The result is kept apart so the page comes back for the form shown again. Publishing
    // follows only a save that succeeded, and a refusal to publish goes to the error page.
    let (p, saved) = state
        .write(on_editable(&member, path.into_inner(), move |c, who, p| {
            let saved = knowledge::edit(c, who, p.id, &ff);
            if saved.is_ok() && publish {
                knowledge::publish(c, &env, who, p.id)?;
            }
            Ok(saved)
        }))
        .await?;
    match submitted(saved)? {
        Submitted::Done(broken) => {
            let id = p.id;
            let (p, form, schemes) = state
                .db(move |c| {
                    let p = page::find(c, id)?;
                    Ok((knowledge::form_for(c, &p)?, registry::scheme_terms(c)?, p))
                })
                .await
                .map(|(form, schemes, p)| (p, form, schemes))?;
            Ok(html(200, views::knowledge::editor(&member.ctx, &p, &form, &schemes, &FieldErrors::new(), &broken, Some(member.ctx.t().saved_short))))
        }
        Submitted::Invalid(errors) => {
            let schemes = state.db(registry::scheme_terms).await?;
            Ok(html(400, views::knowledge::editor(&member.ctx, &p, &f, &schemes, &errors, &[], None)))
        }
    }
}

#[derive(Deserialize)]
struct RenameForm {
    #[serde(default)]
    new_slug: String,
}

async fn rename(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<RenameForm>) -> Result<HttpResponse, AppError> {
    let new = form.0.new_slug;
    let (p, renamed) = state.write(on_editable(&member, path.into_inner(), move |c, who, p| Ok(knowledge::rename(c, who, p.id, &new)))).await?;
    match submitted(renamed)? {
        Submitted::Done(slug) => Ok(see_other(&paths::page_edit(&slug))),
        Submitted::Invalid(errors) => editor_again(&state, &member, &p, &errors).await,
    }
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    note: String,
}

async fn withdraw(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<WithdrawForm>) -> Result<HttpResponse, AppError> {
    let note = form.0.note;
    let (p, withdrawn) = state.write(on_editable(&member, path.into_inner(), move |c, who, p| Ok(knowledge::withdraw(c, who, p.id, &note)))).await?;
    match submitted(withdrawn)? {
        Submitted::Done(()) => Ok(see_other(&paths::page_edit(&p.slug))),
        Submitted::Invalid(errors) => editor_again(&state, &member, &p, &errors).await,
    }
}

async fn revisions(state: web::Data<AppState>, member: Member, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, ((p, revs), events)) = state
        .db(on_editable(&member, path.into_inner(), |c, who, p| Ok((knowledge::revisions(c, who, p.id)?, knowledge::events(c, who, p.id)?))))
        .await?;
    Ok(html(200, views::knowledge::revisions(&member.ctx, &p, &revs, &events)))
}

fn as_text(c: &page::Content) -> String {
    let themes = crate::models::list::decode(&c.themes).collect::<Vec<_>>().join(",");
    format!("# {}\n\n{}\n\n{}\n\n---\n{}\n{}\n{}", c.title, c.problem_md, c.solution_md, themes, c.contributors, c.sources)
}

async fn revision(state: web::Data<AppState>, member: Member, path: web::Path<(String, i32)>) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let (_, (p, revs)) = state.db(on_editable(&member, slug, |c, who, p| knowledge::revisions(c, who, p.id))).await?;
    let this = revs.iter().find(|r| r.number == n).ok_or(AppError::NotFound)?;
    let before = revs.iter().find(|r| r.number == n - 1).map(|r| as_text(&r.content)).unwrap_or_default();
    Ok(html(200, views::knowledge::revision_diff(&member.ctx, &p, n, &before, &as_text(&this.content))))
}

async fn restore(state: web::Data<AppState>, member: Member, path: web::Path<(String, i32)>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (slug, n) = path.into_inner();
    let (p, ()) = state.write(on_editable(&member, slug, move |c, who, p| knowledge::rollback(c, who, p.id, n))).await?;
    Ok(see_other(&paths::page_revisions(&p.slug)))
}

/// The accent colour of a theme's pages, as CSS, so looks change without recompiling.
async fn look_css(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let theme = path.into_inner();
    let look = state.db(move |c| Ok(page::look(c, &theme)?)).await?;
    let accent = look.map(|(_, a)| a).unwrap_or_else(|| knowledge::DEFAULT_LOOK.1.to_string());
    // The colour was checked as #rrggbb when saved; check again before writing CSS.
    let accent = if accent.len() == 7 && accent[1..].bytes().all(|b| b.is_ascii_hexdigit()) { accent } else { knowledge::DEFAULT_LOOK.1.to_string() };
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(format!("article.kb {{ --accent: {accent}; }}\narticle.kb h1, article.kb h2 {{ color: var(--accent); }}\n")))
}

async fn looks(state: web::Data<AppState>, Admin(admin): Admin) -> Result<HttpResponse, AppError> {
    let rows = state.db(|c| Ok(page::looks(c)?)).await?;
    Ok(html(200, views::knowledge::looks(&admin.ctx, &rows, &FieldErrors::new())))
}

#[derive(Deserialize)]
struct LookForm {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    layout: String,
    #[serde(default)]
    accent: String,
}

async fn set_look(state: web::Data<AppState>, Admin(admin): Admin, form: CsrfForm<LookForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let principal = admin.principal.clone();
    match submitted(state.write(move |c| knowledge::set_look(c, &principal, &f.theme, &f.layout, &f.accent)).await)? {
        Submitted::Done(()) => Ok(see_other("/admin/looks")),
        Submitted::Invalid(errors) => {
            let rows = state.db(|c| Ok(page::looks(c)?)).await?;
            Ok(html(400, views::knowledge::looks(&admin.ctx, &rows, &errors)))
        }
    }
}

async fn feed(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pages = state.db(|c| Ok(page::published(c, 50)?)).await?;
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(views::feeds::atom(&state.config.base_url, "solex knowledge base", paths::KB_FEED, &pages)))
}

async fn theme_feed(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let theme = path.into_inner();
    let t2 = theme.clone();
    let (pages, _) = state.db(move |c| knowledge::hub(c, &t2)).await?;
    let terms = state.vocabularies().await?;
    let title = format!("solex: {}", terms.name("theme", &theme, false));
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(views::feeds::atom(&state.config.base_url, &title, &paths::theme_feed(&theme), &pages)))
}

async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (pages, records, communities) = state
        .db(|c| Ok((page::published(c, 50_000)?, crate::services::registry::published_paths(c)?, crate::services::site::community_slugs(c)?)))
        .await?;
    let terms = state.vocabularies().await?;
    // Hubs of retired themes stay reachable, and listed, as their pages keep them.
    let themes: Vec<&str> = terms.of("theme").map(|t| t.code.as_str()).collect();
    let out = views::feeds::sitemap(&state.config.base_url, &pages, &themes, &records, &communities);
    Ok(HttpResponse::Ok().content_type("application/xml; charset=utf-8").body(out))
}
