//! Administration routes; every handler takes `Admin`, so the role is checked on the server.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::content::conflicts;
use crate::error::{AppError, FieldErrors};
use crate::services::roles::{self, GrantRequest};
use crate::views;
use crate::models::security_event;
use crate::services::accounts;
use crate::web::visit::{Admin, CsrfForm, Empty, Visit};
use crate::web::{html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(|_: Admin| async { see_other("/admin/users") }))
        .route("/admin/users", web::get().to(users))
        .route("/admin/users/{id}", web::get().to(user))
        .route("/admin/users/{id}/grants", web::post().to(grant))
        .route("/admin/grants/{id}/revoke", web::post().to(revoke))
        .route("/admin/users/{id}/mail-links/reset", web::post().to(reset_mail_links))
        .route("/admin/users/{id}/mail/restart", web::post().to(restart_mail))
        .route("/admin/mail-log", web::get().to(mail_log))
        .route("/admin/audit", web::get().to(audit))
        .route("/admin/users/{id}/disable", web::post().to(disable))
        .route("/admin/users/{id}/enable", web::post().to(enable))
        .route("/admin/security", web::get().to(security))
        .route("/admin/content", web::get().to(content_conflicts))
        .route("/admin/content/{id}", web::get().to(content_conflict))
        .route("/admin/content/{id}/take", web::post().to(take_file))
        .route("/admin/content/{id}/keep", web::post().to(keep_portal));
}


#[derive(Deserialize)]
struct PageQuery {
    #[serde(default)]
    page: Option<String>,
}

async fn users(state: web::Data<AppState>, Admin(admin): Admin, q: web::Query<PageQuery>) -> Result<HttpResponse, AppError> {
    let page = crate::services::page_number(q.page.as_deref());
    let (rows, has_next) = state.db(move |c| roles::users_page(c, page)).await?;
    Ok(html(200, views::admin::users(&admin.ctx, &rows, page, has_next)))
}

async fn user_page(state: &AppState, admin: &crate::web::visit::Member, user_id: i64, form: &GrantRequest, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let o = state.db(move |c| roles::user_overview(c, user_id)).await?;
    Ok(html(status, views::admin::user(&admin.ctx, &o.user, &o.grants, &o.communities, &o.sectors, form, errors, &o.history)))
}

async fn user(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    user_page(&state, &admin, path.into_inner(), &GrantRequest::default(), &FieldErrors::new(), 200).await
}

async fn grant(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>, form: CsrfForm<GrantRequest>) -> Result<HttpResponse, AppError> {
    let user_id = path.into_inner();
    let actor = admin.principal.user.id;
    let req = form.0;
    let r = req.clone();
    match submitted(state.write(move |c| roles::grant(c, actor, user_id, &r)).await)? {
        Submitted::Done(_) => Ok(see_other(&format!("/admin/users/{user_id}"))),
        Submitted::Invalid(errors) => user_page(&state, &admin, user_id, &req, &errors, 400).await,
    }
}

async fn revoke(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let grant_id = path.into_inner();
    let actor = admin.principal.user.id;
    let user_id = state.write(move |c| roles::revoke(c, actor, grant_id)).await?;
    Ok(see_other(&format!("/admin/users/{user_id}")))
}

/// Rotates the member's mail key (audited): addresses and links in mail already sent stop working.
async fn reset_mail_links(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let user_id = path.into_inner();
    let actor = admin.principal.user.id;
    state.write(move |c| crate::services::mail_identity::reset_links(c, actor, user_id)).await?;
    Ok(see_other(&format!("/admin/users/{user_id}")))
}

/// Restarts mail to a member whose mail stopped after bounces.
async fn restart_mail(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (user_id, actor) = (path.into_inner(), admin.principal.user.id);
    state.write(move |c| accounts::restart_mail(c, actor, user_id)).await?;
    Ok(see_other(&format!("/admin/users/{user_id}")))
}

/// Every message that came by mail, newest first.
async fn mail_log(state: web::Data<AppState>, Admin(admin): Admin, q: web::Query<PageQuery>) -> Result<HttpResponse, AppError> {
    let page = crate::services::page_number(q.page.as_deref());
    let (rows, has_next) = state.db(move |c| crate::services::ingest::admin_log(c, page)).await?;
    Ok(html(200, views::mail_pages::inbound_log(&admin.ctx, None, &rows, "/admin/mail-log", page, has_next)))
}

async fn audit(state: web::Data<AppState>, Admin(admin): Admin) -> Result<HttpResponse, AppError> {
    let rows = state.db(|c| roles::audit_log(c, 500)).await?;
    Ok(html(200, views::admin::audit(&admin.ctx, &rows)))
}

async fn disable(state: web::Data<AppState>, Admin(admin): Admin, visit: Visit, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (user_id, actor, address) = (path.into_inner(), admin.principal.user.id, visit.client_ip);
    state.write(move |c| accounts::disable(c, actor, user_id, &address)).await?;
    Ok(see_other(&format!("/admin/users/{user_id}")))
}

async fn enable(state: web::Data<AppState>, Admin(admin): Admin, visit: Visit, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (user_id, actor, address) = (path.into_inner(), admin.principal.user.id, visit.client_ip);
    state.write(move |c| accounts::enable(c, actor, user_id, &address)).await?;
    Ok(see_other(&format!("/admin/users/{user_id}")))
}

#[derive(Deserialize)]
struct SecurityQuery {
    #[serde(default)]
    user: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    address: String,
    /// Any text: read by `services::page_number`, so no value breaks the list.
    #[serde(default)]
    page: Option<String>,
}

async fn security(state: web::Data<AppState>, Admin(admin): Admin, q: web::Query<SecurityQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let filter = security_event::Filter {
        user_id: q.user.trim().parse().ok(),
        kind: q.kind.trim().chars().take(64).collect(),
        address: q.address.trim().chars().take(64).collect(),
    };
    let page = crate::services::page_number(q.page.as_deref());
    let f = filter.clone();
    let (rows, has_next) = state.db(move |c| accounts::security_events_page(c, &f, page)).await?;
    Ok(html(200, views::admin::security(&admin.ctx, &rows, &filter, page, has_next)))
}

/// Shipped content changed both in its file and on the portal.
async fn content_conflicts(state: web::Data<AppState>, Admin(admin): Admin) -> Result<HttpResponse, AppError> {
    let who = admin.principal.clone();
    let rows = state.db(move |c| conflicts::list(c, &who)).await?;
    let rows: Vec<_> = rows.iter().map(|r| (&r.item, r.title.as_str(), r.link.as_str())).collect();
    Ok(html(200, views::admin::content_conflicts(&admin.ctx, &rows)))
}

async fn content_conflict(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (id, who) = (path.into_inner(), admin.principal.clone());
    let d = state.db(move |c| conflicts::detail(c, &who, id)).await?;
    Ok(html(200, views::admin::content_conflict(&admin.ctx, &d.conflict.item, &d.conflict.title, &d.conflict.link, &d.portal, &d.file)))
}

async fn take_file(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (id, who) = (path.into_inner(), admin.principal.clone());
    state.write(move |c| conflicts::take_file(c, &who, id)).await?;
    Ok(see_other("/admin/content"))
}

async fn keep_portal(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (id, who) = (path.into_inner(), admin.principal.clone());
    state.write(move |c| conflicts::keep_portal(c, &who, id)).await?;
    Ok(see_other("/admin/content"))
}
