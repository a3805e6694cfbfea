//! Member-facing community routes: browse, join, post, reply, flag, resubmit, files, log.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::models;
use crate::error::{AppError, FieldErrors};
use crate::services::communities::{self, Access};
use crate::services::experts;
use crate::services::posting::{self, PostInput};
use crate::services::attachments;
use crate::paths;
use crate::views;
use crate::web::upload::{FormData, MultipartForm};
use crate::web::visit::{CsrfForm, Empty, Member, Visit};
use crate::web::{blocking, html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/communities", web::get().to(list))
        .route("/my/posts", web::get().to(my_posts))
        .route("/files/{id}/{name}", web::get().to(file))
        .route("/c/{slug}", web::get().to(community))
        .route("/c/{slug}/join", web::post().to(join))
        .route("/c/{slug}/leave", web::post().to(leave))
        .route("/c/{slug}/new", web::get().to(new_query_form))
        .route("/c/{slug}/posts", web::post().to(new_query))
        .route("/c/{slug}/t/{id}", web::get().to(thread))
        .route("/c/{slug}/t/{id}/reply", web::post().to(reply))
        .route("/c/{slug}/posts/{id}/flag", web::post().to(flag))
        .route("/c/{slug}/posts/{id}/edit", web::get().to(edit_form))
        .route("/c/{slug}/posts/{id}/edit", web::post().to(edit))
        .route("/c/{slug}/log", web::get().to(log));
}

/// A short confirmation carried across a redirect as a key, never as free text.
#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: String,
    /// Any text: read by `services::page_number`, so no value breaks the list.
    #[serde(default)]
    pub page: Option<String>,
}

pub fn done_text(t: &views::Strings, key: &str) -> Option<&'static str> {
    match key {
        "submitted" => Some(t.post_submitted),
        "published" => Some(t.post_published),
        "flagged" => Some(t.flag_thanks),
        "requested" => Some(t.join_requested),
        "joined" => Some(t.member_badge),
        "ok" => Some(t.action_done),
        "answered" => Some(t.similar_thanks),
        _ => None,
    }
}

async fn list(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, AppError> {
    let principal = visit.principal.clone();
    let rows = state.db(move |c| communities::list(c, principal.as_deref())).await?;
    Ok(html(200, views::communities::list(&visit.ctx, &rows, visit.principal.is_some())))
}

async fn community(state: web::Data<AppState>, visit: Visit, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let page_no = crate::services::page_number(q.page.as_deref());
    let (a, page) = state.with_access(path.into_inner(), &visit, move |c, a| communities::community_page(c, a, page_no)).await?;
    Ok(html(200, views::communities::community(&visit.ctx, &a, &page, page_no, done_text(visit.ctx.t(), &q.done))))
}

async fn join(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (slug, uid, env) = (path.into_inner(), member.principal.user.id, state.env.clone());
    let (_, status) = state.write_with_access(slug.clone(), &visit, move |c, a| communities::join(c, &env, a, uid)).await?;
    let key = if status == models::membership::Status::Active { "joined" } else { "requested" };
    Ok(see_other(&format!("{}?done={key}", paths::community(&slug))))
}

async fn leave(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (slug, uid) = (path.into_inner(), member.principal.user.id);
    state.write_with_access(slug.clone(), &visit, move |c, a| communities::leave(c, a, uid)).await?;
    Ok(see_other(&format!("{}?done=ok", paths::community(&slug))))
}

async fn new_query_form(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let a = state.access(path.into_inner(), &visit).await?;
    if !a.is_member() {
        return Err(AppError::Forbidden);
    }
    if let Some(ask) = crate::web::accounts::credit_question_first(&visit) { return Ok(ask); }
    let schemes = state.db(crate::services::registry::scheme_terms).await?;
    let offer = behalf_offer(&state, &visit).await?;
    Ok(html(200, views::communities::new_query(&visit.ctx, &a.community, &PostInput::default(), &schemes, offer.as_deref(), &FieldErrors::new())))
}

pub(crate) fn input_from(form: &FormData) -> PostInput {
    PostInput {
        title: form.get("title"),
        body: form.get("body"),
        themes: form.all("themes"),
        state: form.get("state"),
        district: form.get("district"),
        sector: form.get("sector"),
        schemes: form.all("schemes"),
        behalf: crate::services::facilitation::BehalfInput {
            for_other: !form.get("behalf").is_empty(),
            owner: form.get("owner"),
            name: form.get("owner_name"),
            place: form.get("owner_place"),
            state: form.get("owner_state"),
            phone: form.get("owner_phone"),
            address: form.get("owner_address"),
            consent: !form.get("owner_consent").is_empty(),
        },
    }
}

/// Only facilitators post for someone else: anyone else sending those fields is refused before
/// anything is checked (the write checks the role again).
pub(crate) fn refuse_behalf(visit: &Visit, input: &PostInput) -> Result<(), AppError> {
    let facilitator = visit.principal.as_ref().is_some_and(|p| p.roles.is_facilitator());
    if input.behalf.requested() && !facilitator { Err(AppError::Forbidden) } else { Ok(()) }
}

/// The owners a facilitator may pick on a post form (None for anyone else).
pub(crate) async fn behalf_offer(state: &AppState, visit: &Visit) -> Result<Option<Vec<crate::models::represented_owner::Owner>>, AppError> {
    match visit.principal.clone() {
        Some(p) if p.roles.is_facilitator() => state.db(move |c| crate::services::facilitation::offer(c, Some(&p))).await,
        _ => Ok(None),
    }
}

/// The common steps of a new query and a reply, in the order that keeps heavy work last: the
/// member's standing and the posting limit, then reading the form (files go to disk), then
/// checking and rendering it without a database connection, then one write.
async fn post_from_form(state: &AppState, member: &Member, visit: &Visit, a: &Access, reply_to: Option<i64>, form: MultipartForm) -> Result<(PostInput, Result<posting::Submitted, AppError>), AppError> {
    if !a.is_member() {
        return Err(AppError::Forbidden);
    }
    let uid = member.principal.user.id;
    state.db(move |c| posting::allowed(c, uid)).await?;
    let form = form.read().await?;
    let input = input_from(&form);
    refuse_behalf(visit, &input)?;
    let inp = input.clone();
    let prepared = blocking(move || posting::prepare(reply_to, &inp, form.files)).await?;
    let prepared = match prepared {
        Ok(p) => p,
        // Themes and sectors are checked against the database's lists when written; a form
        // refused before then shows their mistakes with the others.
        Err(AppError::Validation(mut errors)) => {
            member.ctx.terms.clean_topics(&input.themes, &input.sector, &[], "", &mut errors);
            return Ok((input, Err(AppError::Validation(errors))));
        }
        Err(e) => return Ok((input, Err(e))),
    };
    let (acc, env) = (a.clone(), state.env.clone());
    let result = state.write(move |c| posting::submit_prepared(c, &env, &acc, uid, prepared)).await;
    if result.is_ok() {
        // The post is made: a failure to count it is logged, not shown as an error.
        if let Err(e) = state.db(move |c| posting::counted(c, uid)).await {
            tracing::warn!("posting limit not counted: {e}");
        }
    }
    Ok((input, result))
}

async fn new_query(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: MultipartForm) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let a = state.access(slug.clone(), &visit).await?;
    let (input, result) = post_from_form(&state, &member, &visit, &a, None, form).await?;
    match submitted(result)? {
        Submitted::Done(s) => Ok(see_other(&format!("{}?done={}", paths::thread(&slug, s.thread_id), posted_key(&s)))),
        Submitted::Invalid(errors) => {
            let schemes = state.db(crate::services::registry::scheme_terms).await?;
            let offer = behalf_offer(&state, &visit).await?;
            Ok(html(400, views::communities::new_query(&visit.ctx, &a.community, &input, &schemes, offer.as_deref(), &errors)))
        }
    }
}

/// The confirmation for a post: published at once, or waiting for a moderator.
fn posted_key(s: &posting::Submitted) -> &'static str {
    if s.status == models::post::Status::Approved { "published" } else { "submitted" }
}

pub(crate) async fn thread_page(state: &AppState, visit: &Visit, slug: String, id: i64, reply: &PostInput, errors: &FieldErrors, done: &str, status: u16) -> Result<HttpResponse, AppError> {
    let (a, (view, panel)) = state.with_access(slug, visit, move |c, a| Ok((communities::thread(c, a, id)?, experts::panel(c, a, id)?))).await?;
    let offer = behalf_offer(state, visit).await?;
    Ok(html(status, views::communities::thread(&visit.ctx, &a, &view, reply, errors, done_text(visit.ctx.t(), done), panel.as_ref(), offer.as_deref())))
}

/// A thread's data is read once per change (the page cache's stamp, taken before the read)
/// and each reader sees it through their own standing, itself kept until any write.
async fn thread(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, i64)>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let a = state.standing(slug, &visit).await?;
    let stamp = state.pages.stamp(state.search.generation());
    let data = state.kept(&state.threads, id.to_string(), stamp, move |c| communities::thread_data(c, id)).await?;
    let view = data.view_for(&a)?;
    // Moderators see the experts they may ask, read afresh.
    let panel = if a.moderator { let access = (*a).clone(); state.db(move |c| experts::panel(c, &access, id)).await? } else { None };
    let offer = behalf_offer(&state, &visit).await?;
    Ok(html(200, views::communities::thread(&visit.ctx, &a, &view, &PostInput::default(), &FieldErrors::new(), done_text(visit.ctx.t(), &q.done), panel.as_ref(), offer.as_deref())))
}

async fn reply(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: MultipartForm) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let a = state.access(slug.clone(), &visit).await?;
    let (input, result) = post_from_form(&state, &member, &visit, &a, Some(id), form).await?;
    match submitted(result)? {
        Submitted::Done(s) => Ok(see_other(&crate::web::accounts::after_post(&visit, &format!("{}?done={}#post-{}", paths::thread(&slug, id), posted_key(&s), s.post_id)))),
        Submitted::Invalid(errors) => thread_page(&state, &visit, slug, id, &input, &errors, "", 400).await,
    }
}

#[derive(Deserialize)]
struct FlagForm {
    #[serde(default)]
    reason: String,
}

async fn flag(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<FlagForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (uid, reason, env) = (member.principal.user.id, form.0.reason, state.env.clone());
    // The flag form sits under each post, so a refused flag (no reason, flagged already) is
    // shown on the error page with its message rather than as a form again.
    let (_, root) = state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            if !a.is_member() {
                return Err(AppError::Forbidden);
            }
            posting::flag(c, &env, a, uid, id, &reason)
        })
        .await?;
    Ok(see_other(&format!("{}?done=flagged#post-{id}", paths::thread(&slug, root))))
}

async fn my_posts(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    let uid = member.principal.user.id;
    let rows = state.db(move |c| posting::my_posts(c, uid)).await?;
    Ok(html(200, views::communities::my_posts(&member.ctx, &rows)))
}

fn input_of(p: &crate::models::post::Post) -> PostInput {
    PostInput {
        title: p.title.clone(),
        body: p.body_md.clone(),
        themes: p.theme_list().into_iter().map(str::to_string).collect(),
        state: p.state.clone(),
        district: p.district.clone(),
        sector: p.sector.clone(),
        schemes: Vec::new(),
        ..Default::default()
    }
}

async fn edit_form(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (a, p) = own_post(&state, &member, &visit, slug, id).await?;
    if p.status != crate::models::post::Status::ChangesRequested {
        return Err(AppError::Conflict("post-not-waiting".into()));
    }
    Ok(html(200, views::communities::edit_post(&visit.ctx, &a.community, &p, &input_of(&p), &FieldErrors::new())))
}

/// A post of this member's in the community, with the member's standing there.
async fn own_post(state: &AppState, member: &Member, visit: &Visit, slug: String, id: i64) -> Result<(Access, crate::models::post::Post), AppError> {
    let uid = member.principal.user.id;
    state.with_access(slug, visit, move |c, a| posting::own_post(c, a, uid, id)).await
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    sector: String,
}

async fn edit(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<EditForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    // Checkbox lists repeat the field name, so they come from the raw pairs.
    let themes = form.1.all("themes");
    let f = form.0;
    let input = PostInput { title: f.title, body: f.body, themes, state: f.state, district: f.district, sector: f.sector, schemes: Vec::new(), ..Default::default() };
    let (inp, uid, version) = (input.clone(), member.principal.user.id, f.version);
    let env = state.env.clone();
    match submitted(state.write_with_access(slug.clone(), &visit, move |c, a| posting::resubmit(c, &env, a, uid, id, version, &inp)).await)? {
        Submitted::Done(_) => Ok(see_other(paths::MY_POSTS)),
        Submitted::Invalid(errors) => {
            let (a, p) = own_post(&state, &member, &visit, slug, id).await?;
            Ok(html(400, views::communities::edit_post(&visit.ctx, &a.community, &p, &input, &errors)))
        }
    }
}

async fn log(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (a, rows) = state.with_access(path.into_inner(), &visit, communities::moderation_log).await?;
    Ok(html(200, views::moderation::log(&visit.ctx, &a, &rows)))
}

async fn file(state: web::Data<AppState>, visit: Visit, path: web::Path<(i64, String)>) -> Result<HttpResponse, AppError> {
    let (id, _name) = path.into_inner();
    let principal = visit.principal.clone();
    let a = state.db(move |c| communities::attachment_for(c, principal.as_deref(), id)).await?;
    let path = attachments::path_of(&state.env.attachments_dir, &a.stored_name);
    let bytes = blocking(move || std::fs::read(path)).await?.map_err(|_| AppError::NotFound)?;
    let disposition = if attachments::inline(&a.content_type) { "inline" } else { "attachment" };
    let ascii_name: String = a.original_name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    Ok(HttpResponse::Ok()
        .content_type(a.content_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, format!("{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{}", views::urlencode(&a.original_name))))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        // A file must never run as a page of this site.
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox; frame-ancestors 'none'"))
        .body(bytes))
}
