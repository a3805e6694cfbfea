//! Similar solved answers while asking: the "check before you post" step, "this answers me",
//! a moderator closing a queued query as answered by an existing page, and the glossary's
//! admin page. Each route checks its role on the server (member, moderator, administrator).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::paths;
use crate::services::posting;
use crate::services::similar::{self, GlossaryForm};
use crate::views;
use crate::web::upload::MultipartForm;
use crate::web::visit::{Admin, CsrfForm, Member, Visit};
use crate::web::{blocking, html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/check", web::post().to(check))
        .route("/c/{slug}/answered", web::post().to(answered))
        .route("/c/{slug}/queue/{id}/answered", web::post().to(close))
        .route("/admin/glossary", web::get().to(glossary))
        .route("/admin/glossary", web::post().to(add_term))
        .route("/admin/glossary/{id}", web::post().to(update_term));
}

/// Checks a draft for similar answers, a few times a minute per member at most (each check
/// is a search); counted in this process, like the public search.
fn check_allowed(state: &AppState, uid: i64) -> Result<(), AppError> {
    match state.config.search_per_minute {
        0 => Ok(()),
        max => state.limiter.hit(&format!("similar:{uid}"), max, std::time::Duration::from_secs(60)).map_err(AppError::RateLimited),
    }
}

/// The check step: the draft is checked like a post (without writing anything), then shown
/// again, whole, under the answers closest to it.
async fn check(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: MultipartForm) -> Result<HttpResponse, AppError> {
    let a = state.access(path.into_inner(), &visit).await?;
    if !a.is_member() {
        return Err(AppError::Forbidden);
    }
    let uid = member.principal.user.id;
    check_allowed(&state, uid)?;
    let form = form.read().await?;
    let had_files = !form.files.is_empty();
    let input = crate::web::communities::input_from(&form);
    crate::web::communities::refuse_behalf(&visit, &input)?;
    let offer = crate::web::communities::behalf_offer(&state, &visit).await?;
    let inp = input.clone();
    // Files are not kept at this step: the draft form asks for them again.
    drop(form);
    let schemes = state.db(crate::services::registry::scheme_terms).await?;
    if let Err(e) = blocking(move || posting::prepare(None, &inp, vec![])).await? {
        return match e {
            AppError::Validation(errors) => Ok(html(400, views::communities::new_query(&visit.ctx, &a.community, &input, &schemes, offer.as_deref(), &errors))),
            e => Err(e),
        };
    }
    let (index, c, title, body) = (state.search.clone(), a.community.clone(), input.title.clone(), input.body.clone());
    let items = state.db(move |conn| similar::find(conn, &index, &c, uid, uid, &title, &body)).await?;
    Ok(html(200, views::similar::check(&visit.ctx, &a.community, &input, &schemes, offer.as_deref(), &items, had_files)))
}

#[derive(Deserialize)]
struct TargetForm {
    #[serde(default)]
    target: String,
}

/// "This answers me": counted, nothing posted; back to the community with thanks.
async fn answered(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<TargetForm>) -> Result<HttpResponse, AppError> {
    let (slug, uid, key) = (path.into_inner(), member.principal.user.id, form.0.target);
    state.write_with_access(slug.clone(), &visit, move |c, a| similar::answered_me(c, a, uid, &key)).await?;
    Ok(see_other(&format!("{}?done=answered", paths::community(&slug))))
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    target: String,
    #[serde(default)]
    version: i32,
}

/// A moderator closes a queued query as answered by an existing page; a refusal (a stale
/// version, an answer the asker may not read) shows on the error page with its message.
async fn close(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<CloseForm>) -> Result<HttpResponse, AppError> {
    let ((slug, id), f) = (path.into_inner(), form.0);
    let (uid, env) = (member.principal.user.id, state.env.clone());
    state.write_with_access(slug.clone(), &visit, move |c, a| similar::close_as_answered(c, &env, a, uid, id, f.version, &f.target)).await?;
    Ok(see_other(&paths::community_page(&slug, "queue?done=ok")))
}

#[derive(Deserialize, Default)]
struct GlossaryQuery {
    #[serde(default)]
    done: String,
}

async fn glossary_page(state: &AppState, admin: &Member, form: &GlossaryForm, errors: &FieldErrors, done: bool, status: u16) -> Result<HttpResponse, AppError> {
    let who = admin.principal.clone();
    let entries = state.db(move |c| similar::glossary(c, &who)).await?;
    let flash = done.then_some(admin.ctx.t().action_done);
    Ok(html(status, views::similar::glossary(&admin.ctx, &entries, form, errors, flash)))
}

async fn glossary(state: web::Data<AppState>, Admin(admin): Admin, q: web::Query<GlossaryQuery>) -> Result<HttpResponse, AppError> {
    glossary_page(&state, &admin, &GlossaryForm::default(), &FieldErrors::new(), q.done == "1", 200).await
}

async fn add_term(state: web::Data<AppState>, Admin(admin): Admin, form: CsrfForm<GlossaryForm>) -> Result<HttpResponse, AppError> {
    let (f, who) = (form.0, admin.principal.clone());
    let ff = f.clone();
    match submitted(state.write(move |c| similar::add_term(c, &who, &ff)).await)? {
        Submitted::Done(()) => Ok(see_other("/admin/glossary?done=1")),
        Submitted::Invalid(errors) => glossary_page(&state, &admin, &f, &errors, false, 400).await,
    }
}

async fn update_term(state: web::Data<AppState>, Admin(admin): Admin, path: web::Path<i64>, form: CsrfForm<GlossaryForm>) -> Result<HttpResponse, AppError> {
    let (id, f, who) = (path.into_inner(), form.0, admin.principal.clone());
    match submitted(state.write(move |c| similar::update_term(c, &who, id, &f)).await)? {
        Submitted::Done(()) => Ok(see_other("/admin/glossary?done=1")),
        Submitted::Invalid(errors) => glossary_page(&state, &admin, &GlossaryForm::default(), &errors, false, 400).await,
    }
}
