//! Indicators over time and cluster ratings: the export and import of indicator values, the
//! value form of an initiative, a cluster's rating history and the national table. Registered
//! before the registry's own routes, whose `/registry/{kind}` would take these addresses.
//! Every permission is checked by the service.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::models::series::Written;
use crate::paths;
use crate::services::registry::import::Importer;
use crate::services::registry::ratings::{self, RatingForm};
use crate::services::registry::series::{self, ValueForm};
use crate::services::registry::may_draft;
use crate::views;
use crate::web::upload::MultipartForm;
use crate::web::visit::{CsrfForm, Empty, Member, Visit};
use crate::web::{html, see_other, submitted, AppState, Done, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry/indicator_values.csv", web::get().to(values_csv))
        .route("/registry/indicator-values/import", web::get().to(import_form))
        .route("/registry/indicator-values/import", web::post().to(import))
        .route("/registry/initiatives/{slug}/indicators", web::get().to(entry_form))
        .route("/registry/initiatives/{slug}/indicators", web::post().to(enter))
        .route("/registry/ratings", web::get().to(national))
        .route("/registry/ratings.csv", web::get().to(national_csv))
        .route("/registry/clusters/{slug}/ratings", web::get().to(history))
        .route("/registry/clusters/{slug}/ratings", web::post().to(rate));
}

#[derive(Deserialize, Default)]
struct Sort {
    #[serde(default)]
    sort: String,
}

async fn values_csv(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let body = state.db(series::to_csv).await?;
    Ok(super::csv_file("indicator_values", body))
}

async fn entry_form(state: web::Data<AppState>, member: Member, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let p = member.principal.clone();
    let e = state.db(move |c| series::entry_view(c, &p, &slug)).await?;
    let flash = (q.done == "saved").then_some(member.ctx.t().series_saved);
    Ok(html(200, views::registry::series::entry_form(&member.ctx, &e, &ValueForm::default(), &FieldErrors::new(), flash)))
}

async fn enter(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let v = ValueForm { indicator: form.1.get("indicator"), date: form.1.get("date"), value: form.1.get("value"), source: form.1.get("source") };
    let (p, s, sent) = (member.principal.clone(), slug.clone(), v.clone());
    match submitted(state.write(move |c| series::enter_value(c, &p, &s, &sent)).await)? {
        Submitted::Done(Written::Created | Written::Updated | Written::Unchanged) => Ok(see_other(&format!("{}?done=saved", paths::registry_indicator_values(&slug)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let e = state.db(move |c| series::entry_view(c, &p, &slug)).await?;
            Ok(html(400, views::registry::series::entry_form(&member.ctx, &e, &v, &errors, None)))
        }
    }
}

async fn import_form(member: Member) -> Result<HttpResponse, AppError> {
    if !may_draft(&member.principal) {
        return Err(AppError::Forbidden);
    }
    Ok(html(200, views::registry::series::import_page(&member.ctx, None, &FieldErrors::new())))
}

/// Counted with the registry's own imports' limits in mind: a focal point brings a few
/// files an hour.
const IMPORTS_PER_HOUR: usize = 30;

async fn import(state: web::Data<AppState>, member: Member, form: MultipartForm) -> Result<HttpResponse, AppError> {
    if !may_draft(&member.principal) {
        return Err(AppError::Forbidden);
    }
    let hour = std::time::Duration::from_secs(3600);
    state.limit_shared(&format!("values-import:{}", member.principal.user.id), IMPORTS_PER_HOUR, hour).await?;
    let form = form.read().await?;
    let dry_run = form.get("mode") != "import";
    let text = match crate::web::registry::uploaded_csv(form.files).await? {
        Ok(t) => t,
        Err(errors) => return Ok(html(400, views::registry::series::import_page(&member.ctx, None, &errors))),
    };
    let p = member.principal.clone();
    let report = state.write(move |c| series::import(c, Importer::FocalPoint(&p), &text, dry_run)).await?;
    let status = if report.problems.is_empty() { 200 } else { 400 };
    Ok(html(status, views::registry::series::import_page(&member.ctx, Some(&report), &FieldErrors::new())))
}

async fn national(state: web::Data<AppState>, visit: Visit, q: web::Query<Sort>) -> Result<HttpResponse, AppError> {
    let sort = q.into_inner().sort;
    let n = state.db(move |c| ratings::national(c, &sort)).await?;
    Ok(html(200, views::registry::series::national(&visit.ctx, &n)))
}

async fn national_csv(state: web::Data<AppState>, q: web::Query<Sort>) -> Result<HttpResponse, AppError> {
    let sort = q.into_inner().sort;
    let n = state.db(move |c| ratings::national(c, &sort)).await?;
    Ok(super::csv_file("cluster-ratings", ratings::national_csv(&n)))
}

async fn history(state: web::Data<AppState>, visit: Visit, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let p = visit.principal.clone();
    let h = state.db(move |c| ratings::history(c, p.as_deref(), &slug)).await?;
    let flash = (q.done == "rated").then_some(visit.ctx.t().cluster_rating_saved);
    Ok(html(200, views::registry::series::history(&visit.ctx, &h, &RatingForm::default(), &FieldErrors::new(), flash)))
}

async fn rate(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let scores: BTreeMap<String, String> = form.1 .0.iter().filter_map(|(k, v)| k.strip_prefix("score_").map(|c| (c.to_string(), v.clone()))).collect();
    let sent = RatingForm { date: form.1.get("date"), note: form.1.get("note"), scores };
    let (p, s, f) = (member.principal.clone(), slug.clone(), sent.clone());
    match submitted(state.write(move |c| ratings::rate(c, &p, &s, &f)).await)? {
        Submitted::Done(_) => Ok(see_other(&format!("{}?done=rated", paths::registry_cluster_ratings(&slug)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let h = state.db(move |c| ratings::history(c, Some(&p), &slug)).await?;
            Ok(html(400, views::registry::series::history(&member.ctx, &h, &sent, &errors, None)))
        }
    }
}
