//! Members' rights over their data: the "your data" page, downloads of one's own data, deleting
//! one's account (password and a confirming box), an administrator deleting an account on the
//! member's request, and the moderators' queue of removal requests. Every handler takes the
//! signed-in member from the session: nobody names whose data they get.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::paths;
use crate::services::accounts::{self, DeletedBy};
use crate::views;
use crate::web::page_cache::no_public_change;
use crate::web::visit::{removal_cookie, with_cookie, Admin, CsrfForm, Member, Visit, SESSION_COOKIE};
use crate::web::{html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/data", web::get().to(your_data))
        .route("/account/export", web::post().to(export))
        .route("/account/delete", web::get().to(delete_form))
        .route("/account/delete", web::post().to(delete))
        .route("/admin/users/{id}/delete", web::post().to(admin_delete))
        .route("/c/{slug}/removals", web::get().to(removals))
        .route("/c/{slug}/removals/{id}", web::post().to(decide_removal));
}

/// The grievance officer from the settings, as the notice names them.
pub fn grievance(state: &AppState) -> views::rights::Grievance<'_> {
    views::rights::Grievance { officer: &state.config.grievance_officer, email: &state.config.grievance_email }
}

async fn your_data(state: web::Data<AppState>, member: Member) -> HttpResponse {
    let u = &member.principal.user;
    html(200, views::rights::your_data(&member.ctx, &grievance(&state), u.data_consent_at.as_ref(), &u.data_notice_version))
}

#[derive(Deserialize)]
struct ExportForm {
    #[serde(default)]
    format: String,
}

/// The signed-in member's own data, as a file: JSON, or a page to read (`format=html`).
async fn export(state: web::Data<AppState>, member: Member, form: CsrfForm<ExportForm>) -> Result<HttpResponse, AppError> {
    let user_id = member.principal.user.id;
    let data = state.db(move |c| accounts::export(c, user_id)).await?;
    let day = data.exported_at.format("%Y-%m-%d");
    let (body, kind, ext) = match form.0.format.as_str() {
        "html" => (views::rights::export_page(&member.ctx, &data).into_string(), "text/html; charset=utf-8", "html"),
        _ => (accounts::export_json(&data)?, "application/json", "json"),
    };
    Ok(no_public_change(
        HttpResponse::Ok()
            .content_type(kind)
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"solex-my-data-{day}.{ext}\"")))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
    ))
}

async fn delete_form(member: Member) -> HttpResponse {
    html(200, views::rights::delete_form(&member.ctx, &member.principal.user.email, false, &FieldErrors::new()))
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    remove_posts: Option<String>,
    #[serde(default)]
    confirm: Option<String>,
}

async fn delete(state: web::Data<AppState>, member: Member, visit: Visit, form: CsrfForm<DeleteForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let u = &member.principal.user;
    let key = super::accounts::limit_own_password_guesses(&state, "account-delete", u.id).await?;
    let mut errors = FieldErrors::new();
    if !state.passwords.check(f.password, Some(u.password_hash.clone())).await? {
        errors.insert("password", "current-password-wrong".into());
    }
    if f.confirm.is_none() {
        errors.insert("confirm", "delete-confirm-missing".into());
    }
    if !errors.is_empty() {
        return Ok(html(400, views::rights::delete_form(&member.ctx, &u.email, f.remove_posts.is_some(), &errors)));
    }
    state.clear_shared(&key).await;
    let (user_id, remove, address) = (u.id, f.remove_posts.is_some(), visit.client_ip.clone());
    state.write(move |c| accounts::delete_account(c, user_id, DeletedBy::Member, remove, &address)).await?;
    let mut ctx = member.ctx.clone();
    ctx.viewer = None;
    let t = ctx.t();
    let page = html(200, views::accounts::message(&ctx, t.deleted_title, t.deleted_body, Some(("/", t.nav_home))));
    with_cookie(page, removal_cookie(&state, SESSION_COOKIE))
}

#[derive(Deserialize)]
struct AdminDeleteForm {
    #[serde(default)]
    confirm: Option<String>,
    #[serde(default)]
    remove_posts: Option<String>,
}

/// An administrator carries out a member's request to delete their account.
async fn admin_delete(state: web::Data<AppState>, Admin(admin): Admin, visit: Visit, path: web::Path<i64>, form: CsrfForm<AdminDeleteForm>) -> Result<HttpResponse, AppError> {
    let user_id = path.into_inner();
    if form.0.confirm.is_none() {
        return Err(AppError::field("confirm", "delete-confirm-missing"));
    }
    let (actor, remove, address) = (admin.principal.user.id, form.0.remove_posts.is_some(), visit.client_ip);
    state.write(move |c| accounts::delete_account(c, user_id, DeletedBy::Admin(actor), remove, &address)).await?;
    Ok(see_other(&format!("/admin/users/{user_id}")))
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn removals_page(state: &AppState, visit: &Visit, slug: String, done: bool, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let (a, items) = state.with_access(slug, visit, accounts::removal_queue).await?;
    Ok(html(status, views::rights::removal_queue(&visit.ctx, &a, &items, done, errors)))
}

async fn removals(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<DoneQuery>) -> Result<HttpResponse, AppError> {
    removals_page(&state, &visit, path.into_inner(), q.done.is_some(), &FieldErrors::new(), 200).await
}

#[derive(Deserialize)]
struct RemovalForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn decide_removal(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<RemovalForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let f = form.0;
    let (actor, approve) = (member.principal.user.id, f.decision == "approve");
    let result = state.write_with_access(slug.clone(), &visit, move |c, a| accounts::decide_removal(c, a, actor, id, approve, &f.reason)).await;
    match submitted(result)? {
        Submitted::Done(_) => Ok(see_other(&format!("{}?done=1", paths::community_page(&slug, "removals")))),
        Submitted::Invalid(errors) => removals_page(&state, &visit, slug, false, &errors, 400).await,
    }
}
