//! Moderator routes: the queue and its decisions, members, settings, due queries; and the
//! administrators' community list. Services check the moderator role for each community.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::models;
use crate::services::communities::{self, CommunityForm, SettingsForm};
use crate::services::moderate::{self, DecisionForm, Filter};
use crate::views;
use crate::web::communities::{access_for, done_text, Done};
use crate::web::visit::{Admin, CsrfForm, Member, Visit};
use crate::web::{html, see_other, AppState};

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
    let a = access_for(state, slug, visit).await?;
    let filter = Filter::parse(&q.show);
    let kind = if q.kind.is_empty() { "all".to_string() } else { q.kind.clone() };
    let k = kind_of(&kind);
    let acc = a.clone();
    let queue = state.db(move |c| moderate::queue(c, &acc, filter, k)).await?;
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
    let a = access_for(&state, slug.clone(), &visit).await?;
    let ids: Vec<i64> = form.1.all("ids").iter().filter_map(|s| s.parse().ok()).collect();
    let f = form.0;
    let reason = if f.message.trim().is_empty() { f.canned.clone() } else { f.message.clone() };
    let (acc, uid, action, domain) = (a.clone(), member.principal.user.id, f.action.clone(), state.config.mail_domain.clone());
    let result = state.db(move |c| moderate::bulk(c, &domain, &acc, uid, &ids, &action, &reason)).await;
    state.wake_mailer();
    match result {
        Ok((done, skipped)) => {
            let text = format!("{done} ✓ · {skipped} ↷");
            queue_page(&state, &visit, slug, &QueueQuery::default(), Some(text), &FieldErrors::new(), 200).await
        }
        Err(AppError::Validation(errors)) => queue_page(&state, &visit, slug, &QueueQuery::default(), None, &errors, 400).await,
        Err(e) => Err(e),
    }
}

async fn review_page(state: &AppState, visit: &Visit, slug: String, id: i64, form: &DecisionForm, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let a = access_for(state, slug, visit).await?;
    let acc = a.clone();
    let r = state.db(move |c| moderate::review(c, &acc, id)).await?;
    Ok(html(status, views::moderation::review(&visit.ctx, &a, &r, form, errors)))
}

async fn review(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<(String, i64)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    review_page(&state, &visit, slug, id, &DecisionForm::default(), &FieldErrors::new(), 200).await
}

#[derive(Deserialize)]
struct Empty {}

async fn claim(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let a = access_for(&state, slug.clone(), &visit).await?;
    let uid = member.principal.user.id;
    state.db(move |c| moderate::claim(c, &a, uid, id)).await?;
    Ok(see_other(&format!("/c/{slug}/queue/{id}")))
}

async fn decide(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<DecisionForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let a = access_for(&state, slug.clone(), &visit).await?;
    let f = form.0;
    let (acc, uid, ff, domain) = (a.clone(), member.principal.user.id, f.clone(), state.config.mail_domain.clone());
    match state.db(move |c| moderate::decide(c, &domain, &acc, uid, id, &ff)).await {
        Ok(_) => {
            state.wake_mailer();
            Ok(see_other(&format!("/c/{slug}/queue?done=ok")))
        }
        Err(AppError::Validation(errors)) => review_page(&state, &visit, slug, id, &f, &errors, 400).await,
        Err(e) => Err(e),
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
    let (slug, id) = path.into_inner();
    let a = access_for(&state, slug.clone(), &visit).await?;
    let f = form.0;
    let (uid, domain) = (member.principal.user.id, state.config.mail_domain.clone());
    state.db(move |c| moderate::resolve_flags(c, &domain, &a, uid, id, f.outcome == "remove", &f.message)).await?;
    state.wake_mailer();
    Ok(see_other(&format!("/c/{slug}/queue?show=flags&done=ok")))
}

#[derive(Deserialize)]
struct VisibilityForm {
    #[serde(default)]
    public: String,
}

async fn visibility(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<VisibilityForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let a = access_for(&state, slug.clone(), &visit).await?;
    let public = form.0.public == "1";
    let uid = member.principal.user.id;
    state.db(move |c| moderate::set_public(c, &a, uid, id, public)).await?;
    Ok(see_other(&format!("/c/{slug}/t/{id}?done=ok")))
}

async fn due(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let a = access_for(&state, path.into_inner(), &visit).await?;
    let acc = a.clone();
    let rows = state.db(move |c| moderate::due(c, &acc)).await?;
    Ok(html(200, views::moderation::due(&visit.ctx, &a, &rows, models::now())))
}

async fn members_page(state: &AppState, visit: &Visit, slug: String, email: &str, errors: &FieldErrors, done: &str, status: u16) -> Result<HttpResponse, AppError> {
    let a = access_for(state, slug, visit).await?;
    let acc = a.clone();
    let m = state.db(move |c| communities::members(c, &acc)).await?;
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
    let (slug, user_id) = path.into_inner();
    let a = access_for(&state, slug.clone(), &visit).await?;
    let approve = form.0.decision == "approve";
    let uid = member.principal.user.id;
    state.db(move |c| communities::decide_membership(c, &a, uid, user_id, approve)).await?;
    Ok(see_other(&format!("/c/{slug}/members?done=ok")))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
}

async fn invite(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<InviteForm>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let a = access_for(&state, slug.clone(), &visit).await?;
    let email = form.0.email;
    let (uid, e) = (member.principal.user.id, email.clone());
    match state.db(move |c| communities::invite(c, &a, uid, &e)).await {
        Ok(()) => Ok(see_other(&format!("/c/{slug}/members?done=ok"))),
        Err(AppError::Validation(errors)) => members_page(&state, &visit, slug, &email, &errors, "", 400).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn settings_form(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    let a = access_for(&state, path.into_inner(), &visit).await?;
    a.require_steward()?;
    let f = SettingsForm::from_settings(&communities::settings_of(&a.community));
    Ok(html(200, views::moderation::settings(&visit.ctx, &a, &f, &FieldErrors::new(), q.saved.is_some())))
}

async fn settings(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<SettingsForm>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let a = access_for(&state, slug.clone(), &visit).await?;
    let f = form.0;
    let (acc, uid, ff) = (a.clone(), member.principal.user.id, f.clone());
    match state.db(move |c| communities::update_settings(c, &acc, uid, &ff)).await {
        Ok(()) => Ok(see_other(&format!("/c/{slug}/settings?saved=1"))),
        Err(AppError::Validation(errors)) => Ok(html(400, views::moderation::settings(&visit.ctx, &a, &f, &errors, false))),
        Err(e) => Err(e),
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
    match state.db(move |c| communities::create(c, &principal, &ff)).await {
        Ok(slug) => Ok(see_other(&format!("/c/{slug}"))),
        Err(AppError::Validation(errors)) => admin_page(&state, &admin, &f, &errors, 400).await,
        Err(e) => Err(e),
    }
}
