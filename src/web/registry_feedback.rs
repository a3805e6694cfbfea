//! Feedback on registry records, and each kind's Atom feed: anyone sends feedback from a
//! published record's page; the focal points of its state (and the national ones) keep the
//! queue. Every right is checked by the service.

use std::time::Duration;

use actix_web::{web, HttpResponse};

use crate::error::{AppError, FieldErrors};
use crate::paths;
use crate::services::registry::{self, FeedbackAction, FeedbackForm, Kind};
use crate::views;
use crate::web::visit::{CsrfForm, Empty, Member, Visit};
use crate::web::{html, see_other, submitted, AppState, Done, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry/feedback", web::get().to(queue))
        .route("/registry/feedback/{id}", web::get().to(item))
        .route("/registry/feedback/{id}", web::post().to(resolve))
        .route("/registry/{kind}/feed.atom", web::get().to(feed))
        .route("/registry/{kind}/{slug}/feedback", web::post().to(send));
}

const HOUR: Duration = Duration::from_secs(3600);
/// Feedback one client address may send in an hour, on any records.
const FEEDBACK_PER_HOUR: usize = 10;

fn kind_of(plural: &str) -> Result<Kind, AppError> {
    Kind::from_plural(plural).ok_or(AppError::NotFound)
}

async fn feed(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path.into_inner())?;
    let records = state.db(move |c| registry::feed_records(c, kind)).await?;
    let title = format!("solex registry: {}", views::Lang::En.strings().get(kind.label_key()));
    let body = views::feeds::registry_atom(&state.config.base_url, &title, &paths::registry_feed(kind.plural()), &paths::registry_list(kind.plural()), &records);
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(body))
}

async fn send(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, String)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, slug) = path.into_inner();
    let kind = kind_of(&plural)?;
    state.limit_shared(&format!("registry-feedback:{}", visit.client_ip), FEEDBACK_PER_HOUR, HOUR).await?;
    let done = format!("{}?done=feedback#feedback-h", paths::registry_record(kind.plural(), &slug));
    // A filled-in hidden field is a program's: it is told what a person is told, and nothing is kept.
    if !form.1.get("feedback_website").is_empty() {
        return Ok(see_other(&done));
    }
    let fb = FeedbackForm { kind: form.1.get("feedback_kind"), text: form.1.get("feedback_text"), name: form.1.get("feedback_name"), contact: form.1.get("feedback_contact") };
    let (f, s, env, lang) = (fb.clone(), slug.clone(), state.env.clone(), visit.ctx.lang.code());
    match submitted(state.write(move |c| registry::send_feedback(c, &env, kind, &s, &f, lang)).await)? {
        Submitted::Done(_) => Ok(see_other(&done)),
        Submitted::Invalid(errors) => {
            let p = visit.principal.clone();
            match state.db(move |c| registry::view(c, p.as_deref(), kind, &slug)).await? {
                registry::Lookup::Found(v) => Ok(html(400, views::registry::record_with_feedback(&visit.ctx, &v, None, &errors, &fb))),
                registry::Lookup::Gone { .. } => Err(AppError::Gone),
            }
        }
    }
}

async fn queue(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    let items = state.db(move |c| registry::feedback_queue(c, &p)).await?;
    Ok(html(200, views::registry::feedback_queue(&member.ctx, &items)))
}

async fn item(state: web::Data<AppState>, member: Member, path: web::Path<i64>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let p = member.principal.clone();
    let (f, r) = state.db(move |c| registry::feedback_item(c, &p, id)).await?;
    let flash = (!q.done.is_empty()).then_some(member.ctx.t().registry_feedback_saved);
    Ok(html(200, views::registry::feedback_item(&member.ctx, &f, &r, "", flash, &FieldErrors::new())))
}

async fn resolve(state: web::Data<AppState>, member: Member, path: web::Path<i64>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let action: Option<FeedbackAction> = form.1.get("action").parse().ok();
    let note = form.1.get("note");
    let (p, n, env) = (member.principal.clone(), note.clone(), state.env.clone());
    match submitted(state.write(move |c| registry::resolve_feedback(c, &env, &p, id, action, &n)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}?done=1", paths::registry_feedback_item(id)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let (f, r) = state.db(move |c| registry::feedback_item(c, &p, id)).await?;
            Ok(html(400, views::registry::feedback_item(&member.ctx, &f, &r, &note, None, &errors)))
        }
    }
}
