//! Implementing agencies: members' requests to register one, the state focal point's decision,
//! and the focal points' ratings on Table 2.10. Every permission is checked by the service.

use actix_web::{web, HttpResponse};

use crate::error::{AppError, FieldErrors};
use crate::services::registry::agency_ratings::{self as ar, RatingForm};
use crate::services::registry::{Kind, Values};
use crate::views;
use crate::web::visit::{CsrfForm, Empty, Member, RawForm};
use crate::web::{html, see_other, submitted, AppState, Submitted};

/// Registered before the registry's own routes: `/registry/{kind}` would take these paths.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry/agency-requests", web::get().to(requests))
        .route("/registry/agency-requests/new", web::get().to(request_form))
        .route("/registry/agency-requests/new", web::post().to(request))
        .route("/registry/agency-requests/{id}", web::get().to(request_page))
        .route("/registry/agency-requests/{id}", web::post().to(decide))
        .route("/registry/agencies/{slug}/rate", web::get().to(rate_form))
        .route("/registry/agencies/{slug}/rate", web::post().to(rate));
}

const REQUESTS: &str = "/registry/agency-requests";

#[derive(serde::Deserialize, Default)]
struct Query {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    done: String,
}

async fn requests(state: web::Data<AppState>, member: Member, q: web::Query<Query>) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    let r = state.db(move |c| ar::requests(c, &p)).await?;
    let flash = (q.done == "sent").then_some(member.ctx.t().agency_request_sent);
    Ok(html(200, views::registry::agency_requests(&member.ctx, &r, flash)))
}

async fn request_form(state: web::Data<AppState>, member: Member, q: web::Query<Query>) -> Result<HttpResponse, AppError> {
    // Asking to bring an agency's record up to date starts from what it says now.
    let slug = q.agency.clone();
    let (values, vocabs) = state.db(move |c| ar::request_start(c, &slug)).await?;
    Ok(html(200, views::registry::agency_request_form(&member.ctx, &q.agency, &values, &vocabs, &FieldErrors::new())))
}

fn request_values(raw: &RawForm) -> Values {
    ar::request_fields().map(|s| (s.name.to_string(), raw.get(s.name))).collect()
}

async fn request(state: web::Data<AppState>, member: Member, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let values = request_values(&form.1);
    let existing = form.1.get("agency");
    let (p, v, e) = (member.principal.clone(), values.clone(), existing.clone());
    match submitted(state.write(move |c| ar::request(c, &p, &e, &v)).await)? {
        Submitted::Done(_) => Ok(see_other(&format!("{REQUESTS}?done=sent"))),
        Submitted::Invalid(errors) => {
            let (_, vocabs) = state.db(|c| ar::request_start(c, "")).await?;
            Ok(html(400, views::registry::agency_request_form(&member.ctx, &existing, &values, &vocabs, &errors)))
        }
    }
}

async fn request_page(state: web::Data<AppState>, member: Member, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (p, id) = (member.principal.clone(), path.into_inner());
    let v = state.db(move |c| ar::request_view(c, &p, id)).await?;
    Ok(html(200, views::registry::agency_request(&member.ctx, &v, &FieldErrors::new())))
}

async fn decide(state: web::Data<AppState>, member: Member, path: web::Path<i64>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    // Who may decide is settled by the service before the choice is read.
    let approve = match form.1.get("decision").as_str() {
        "approve" => Some(true),
        "decline" => Some(false),
        _ => None,
    };
    let reason = form.1.get("reason");
    let (p, env) = (member.principal.clone(), state.env.clone());
    match submitted(state.write(move |c| ar::decide_request(c, &env, &p, id, approve, &reason)).await)? {
        Submitted::Done(Some(slug)) => Ok(see_other(&format!("{}?done=submitted", crate::paths::registry_record(Kind::Agency.plural(), &slug)))),
        Submitted::Done(None) => Ok(see_other(REQUESTS)),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let v = state.db(move |c| ar::request_view(c, &p, id)).await?;
            Ok(html(400, views::registry::agency_request(&member.ctx, &v, &errors)))
        }
    }
}

async fn rate_form(state: web::Data<AppState>, member: Member, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (p, slug) = (member.principal.clone(), path.into_inner());
    let rec = state.db(move |c| ar::rate_view(c, &p, &slug)).await?;
    Ok(html(200, views::registry::rate_form(&member.ctx, &rec, &RatingForm::default(), &FieldErrors::new())))
}

async fn rate(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    // Who may rate is settled before the scores are read.
    let (p, s) = (member.principal.clone(), slug.clone());
    let rec = state.db(move |c| ar::rate_view(c, &p, &s)).await?;
    let rating = RatingForm {
        scores: ar::criteria().map(|c| (c.field.to_string(), form.1.get(c.field))).collect(),
        rated_on: form.1.get("rated_on"),
        note: form.1.get("note"),
    };
    let (p, s, r) = (member.principal.clone(), slug.clone(), rating.clone());
    match submitted(state.write(move |c| ar::rate(c, &p, &s, &r)).await)? {
        Submitted::Done(_) => Ok(see_other(&format!("{}?done=rated#ratings-h", crate::paths::registry_record(Kind::Agency.plural(), &slug)))),
        Submitted::Invalid(errors) => Ok(html(400, views::registry::rate_form(&member.ctx, &rec, &rating, &errors))),
    }
}
