//! Moderator routes: the queue and its decisions, members, settings, due queries; and the
//! administrators' community list. Services check the moderator role for each community.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::models;
use crate::services::communities::{self, CommunityForm, SettingsForm};
use crate::services::moderate::{self, DecisionForm, Filter};
use crate::paths;
use crate::views;
use crate::web::communities::{done_text, Done};
use crate::web::visit::{Admin, CsrfForm, Empty, Member, Visit};
use crate::web::{html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/queue", web::get().to(queue))
        .route("/c/{slug}/queue/bulk", web::post().to(bulk))
        .route("/c/{slug}/queue/{id}", web::get().to(review))
        .route("/c/{slug}/queue/{id}/claim", web::post().to(claim))
        .route("/c/{slug}/queue/{id}/decide", web::post().to(decide))
        .route("/c/{slug}/queue/{id}/flags", web::post().to(flags))
        .route("/c/{slug}/t/{id}/visibility", web::post().to(visibility))
        .route("/c/{slug}/due", web::get().to(due))
        .route("/c/{slug}/members", web::get().to(members))
        .route("/c/{slug}/members/{user_id}", web::post().to(decide_member))
        .route("/c/{slug}/invite", web::post().to(invite))
        .route("/c/{slug}/settings", web::get().to(settings_form))
        .route("/c/{slug}/settings", web::post().to(settings))
        .route("/admin/communities", web::get().to(admin_list))
        .route("/admin/communities", web::post().to(admin_create));
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    #[serde(default)]
    show: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    done: String,
}

fn kind_of(k: &str) -> Option<bool> {
    match k {
        "queries" => Some(true),
        "replies" => Some(false),
        _ => None,
    }
}

async fn queue_page(state: &AppState, visit: &Visit, slug: String, q: &QueueQuery, notice_text: Option<String>, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let filter = Filter::parse(&q.show);
    let kind = if q.kind.is_empty() { "all".to_string() } else { q.kind.clone() };
    let k = kind_of(&kind);
    let (a, queue) = state.with_access(slug, visit, move |c, a| moderate::queue(c, a, filter, k)).await?;
    let text = notice_text.or_else(|| done_text(visit.ctx.t(), &q.done).map(str::to_string));
    Ok(html(status, views::moderation::queue(&visit.ctx, &a, &queue, filter, &kind, text.as_deref(), errors)))
}

async fn queue(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<QueueQuery>) -> Result<HttpResponse, AppError> {
    queue_page(&state, &visit, path.into_inner(), &q, None, &FieldErrors::new(), 200).await
}

#[derive(Deserialize)]
struct BulkForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    canned: String,
    #[serde(default)]
    message: String,
}

async fn bulk(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<BulkForm>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let ids: Vec<i64> = form.1.all("ids").iter().filter_map(|s| s.parse().ok()).collect();
    let f = form.0;
    let reason = if f.message.trim().is_empty() { f.canned.clone() } else { f.message.clone() };
    let (uid, action, env) = (member.principal.user.id, f.action, state.env.clone());
    let result = state.write_with_access(slug.clone(), &visit, move |c, a| moderate::bulk(c, &env, a, uid, &ids, &action, &reason)).await;
    match submitted(result)? {
        Submitted::Done((_, (done, skipped))) => {
            let text = format!("{done} ✓ · {skipped} ↷");
            queue_page(&state, &visit, slug, &QueueQuery::default(), Some(text), &FieldErrors::new(), 200).await
        }
        Submitted::Invalid(errors) => queue_page(&state, &visit, slug, &QueueQuery::default(), None, &errors, 400).await,
    }
}

async fn review_page(state: &AppState, visit: &Visit, slug: String, id: i64, form: &DecisionForm, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let (a, r) = state.with_access(slug, visit, move |c, a| moderate::review(c, a, id)).await?;
    Ok(html(status, views::moderation::review(&visit.ctx, &a, &r, form, errors)))
}

async fn review(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<(String, i64)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    review_page(&state, &visit, slug, id, &DecisionForm::default(), &FieldErrors::new(), 200).await
}

async fn claim(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let ((slug, id), uid) = (path.into_inner(), member.principal.user.id);
    state.write_with_access(slug.clone(), &visit, move |c, a| moderate::claim(c, a, uid, id)).await?;
    Ok(see_other(&paths::queue_item(&slug, id)))
}

async fn decide(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<DecisionForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let f = form.0;
    let (uid, ff, env) = (member.principal.user.id, f.clone(), state.env.clone());
    match submitted(state.write_with_access(slug.clone(), &visit, move |c, a| moderate::decide(c, &env, a, uid, id, &ff)).await)? {
        Submitted::Done(_) => Ok(see_other(&paths::community_page(&slug, "queue?done=ok"))),
        Submitted::Invalid(errors) => review_page(&state, &visit, slug, id, &f, &errors, 400).await,
    }
}

#[derive(Deserialize)]
struct FlagsForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    message: String,
}

async fn flags(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<FlagsForm>) -> Result<HttpResponse, AppError> {
    let ((slug, id), f) = (path.into_inner(), form.0);
    let (uid, env) = (member.principal.user.id, state.env.clone());
    state.write_with_access(slug.clone(), &visit, move |c, a| moderate::resolve_flags(c, &env, a, uid, id, f.outcome == "remove", &f.message)).await?;
    Ok(see_other(&paths::community_page(&slug, "queue?show=flags&done=ok")))
}

#[derive(Deserialize)]
struct VisibilityForm {
    #[serde(default)]
    public: String,
}

async fn visibility(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<VisibilityForm>) -> Result<HttpResponse, AppError> {
    let ((slug, id), public, uid) = (path.into_inner(), form.0.public == "1", member.principal.user.id);
    state.write_with_access(slug.clone(), &visit, move |c, a| moderate::set_public(c, a, uid, id, public)).await?;
    Ok(see_other(&format!("{}?done=ok", paths::thread(&slug, id))))
}

async fn due(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (a, rows) = state.with_access(path.into_inner(), &visit, moderate::due).await?;
    Ok(html(200, views::moderation::due(&visit.ctx, &a, &rows, models::now())))
}

async fn members_page(state: &AppState, visit: &Visit, slug: String, email: &str, errors: &FieldErrors, done: &str, status: u16) -> Result<HttpResponse, AppError> {
    let (a, m) = state.with_access(slug, visit, communities::members).await?;
    Ok(html(status, views::moderation::members(&visit.ctx, &a, &m, email, errors, done_text(visit.ctx.t(), done))))
}

async fn members(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    members_page(&state, &visit, path.into_inner(), "", &FieldErrors::new(), &q.done, 200).await
}

#[derive(Deserialize)]
struct MemberDecision {
    #[serde(default)]
    decision: String,
}

async fn decide_member(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<MemberDecision>) -> Result<HttpResponse, AppError> {
    let ((slug, user_id), approve, uid) = (path.into_inner(), form.0.decision == "approve", member.principal.user.id);
    state.write_with_access(slug.clone(), &visit, move |c, a| communities::decide_membership(c, a, uid, user_id, approve)).await?;
    Ok(see_other(&paths::community_page(&slug, "members?done=ok")))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
}

async fn invite(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<InviteForm>) -> Result<HttpResponse, AppError> {
    let (slug, email) = (path.into_inner(), form.0.email);
    let (uid, e) = (member.principal.user.id, email.clone());
    match submitted(state.write_with_access(slug.clone(), &visit, move |c, a| communities::invite(c, a, uid, &e)).await)? {
        Submitted::Done(_) => Ok(see_other(&paths::community_page(&slug, "members?done=ok"))),
        Submitted::Invalid(errors) => members_page(&state, &visit, slug, &email, &errors, "", 400).await,
    }
}

#[derive(Deserialize, Default)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn settings_form(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    let a = state.access(path.into_inner(), &visit).await?;
    a.require_steward()?;
    let f = SettingsForm::from_settings(&communities::settings_of(&a.community));
    Ok(html(200, views::moderation::settings(&visit.ctx, &a, &f, &FieldErrors::new(), q.saved.is_some())))
}

async fn settings(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<SettingsForm>) -> Result<HttpResponse, AppError> {
    let (slug, f) = (path.into_inner(), form.0);
    let (uid, ff) = (member.principal.user.id, f.clone());
    // The result is kept apart so the standing comes back for the form shown again.
    let (a, result) = state.write_with_access(slug.clone(), &visit, move |c, a| Ok(communities::update_settings(c, a, uid, &ff))).await?;
    match submitted(result)? {
        Submitted::Done(()) => Ok(see_other(&paths::community_page(&slug, "settings?saved=1"))),
        Submitted::Invalid(errors) => Ok(html(400, views::moderation::settings(&visit.ctx, &a, &f, &errors, false))),
    }
}

async fn admin_page(state: &AppState, admin: &Member, form: &CommunityForm, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let principal = admin.principal.clone();
    let rows = state.db(move |c| communities::list(c, Some(&principal))).await?;
    Ok(html(status, views::moderation::admin_communities(&admin.ctx, &rows, form, errors)))
}

async fn admin_list(state: web::Data<AppState>, Admin(admin): Admin) -> Result<HttpResponse, AppError> {
    admin_page(&state, &admin, &CommunityForm::default(), &FieldErrors::new(), 200).await
}

async fn admin_create(state: web::Data<AppState>, Admin(admin): Admin, form: CsrfForm<CommunityForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let (principal, ff) = (admin.principal.clone(), f.clone());
    match submitted(state.write(move |c| communities::create(c, &principal, &ff)).await)? {
        Submitted::Done(slug) => Ok(see_other(&paths::community(&slug))),
        Submitted::Invalid(errors) => admin_page(&state, &admin, &f, &errors, 400).await,
    }
}
