//! The pages that say who runs the portal (public, in the visitor's language), their editor
//! for administrators, and /robots.txt.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::paths;
use crate::services::site;
use crate::views;
use crate::web::visit::{Admin, CsrfForm, Visit};
use crate::web::{html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    // Written out, so the route table in tests/security.rs reads them (paths::SITE_PAGES).
    cfg.route("/about", web::get().to(|s: web::Data<AppState>, v: Visit| show(s, v, "about")))
        .route("/contact", web::get().to(|s: web::Data<AppState>, v: Visit| show(s, v, "contact")))
        .route("/privacy", web::get().to(|s: web::Data<AppState>, v: Visit| show(s, v, "privacy")))
        .route("/accessibility", web::get().to(|s: web::Data<AppState>, v: Visit| show(s, v, "accessibility")))
        .route("/terms", web::get().to(|s: web::Data<AppState>, v: Visit| show(s, v, "terms")))
        .route("/admin/site", web::get().to(list))
        .route("/admin/site/{slug}/{lang}", web::get().to(edit_form))
        .route("/admin/site/{slug}/{lang}", web::post().to(edit))
        .route("/robots.txt", web::get().to(robots));
}

fn runner(state: &AppState) -> views::site::Runner<'_> {
    let c = &state.config;
    views::site::Runner { institution: &c.host_institution, contact_email: &c.contact_email, grievance_officer: &c.grievance_officer, grievance_email: &c.grievance_email }
}

/// A site page in the visitor's language (anonymous readers get it from the page cache).
async fn show(state: web::Data<AppState>, visit: Visit, slug: &'static str) -> Result<HttpResponse, AppError> {
    let lang = visit.ctx.lang.code();
    let text = state.db(move |c| site::read(c, slug, lang)).await?;
    Ok(html(200, views::site::page(&visit.ctx, &text, &runner(&state))))
}

async fn list(state: web::Data<AppState>, Admin(admin): Admin) -> Result<HttpResponse, AppError> {
    let principal = admin.principal.clone();
    let pages = state.db(move |c| site::list(c, &principal)).await?;
    Ok(html(200, views::site::list(&admin.ctx, &pages)))
}

#[derive(Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn edit_form(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<(String, String)>, q: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    let (slug, lang) = path.into_inner();
    let principal = admin.principal.clone();
    let text = state.db(move |c| site::editable(c, &principal, &slug, &lang)).await?;
    Ok(html(200, views::site::editor(&admin.ctx, &text, &text.body_md, &FieldErrors::new(), q.saved.is_some())))
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    body: String,
}

async fn edit(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<(String, String)>, form: CsrfForm<EditForm>) -> Result<HttpResponse, AppError> {
    let (slug, lang) = path.into_inner();
    let body = form.0.body;
    let (principal, s2, l2, b2) = (admin.principal.clone(), slug.clone(), lang.clone(), body.clone());
    match submitted(state.write(move |c| site::edit(c, &principal, &s2, &l2, &b2)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}?saved=1", paths::site_page_edit(&slug, &lang)))),
        Submitted::Invalid(errors) => {
            let principal = admin.principal.clone();
            let text = state.db(move |c| site::editable(c, &principal, &slug, &lang)).await?;
            Ok(html(400, views::site::editor(&admin.ctx, &text, &body, &errors, false)))
        }
    }
}

/// Where crawlers may go: the public pages, not the forms, accounts, tokens or the API.
async fn robots(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(views::feeds::robots(&state.config.base_url))
}
