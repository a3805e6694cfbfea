//! Public search: the HTML page and a JSON API.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::search::Filters;
use crate::views;
use crate::web::visit::Visit;
use crate::web::{blocking, html, AppState};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page))
        .route("/api/search", web::get().to(api))
        .route("/api/openapi.json", web::get().to(openapi))
        .route("/opensearch.xml", web::get().to(opensearch));
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    limit: Option<usize>,
}

impl SearchQuery {
    fn filters(&self) -> Filters {
        Filters { kind: self.kind.clone(), theme: self.theme.clone(), state: self.state.clone(), sector: self.sector.clone(), language: self.language.clone() }
    }
}

fn run(state: &AppState, q: &SearchQuery) -> Result<crate::search::Results, AppError> {
    if q.q.chars().count() > 500 {
        return Err(AppError::BadRequest("query-too-long".into()));
    }
    Ok(state.search.search(&q.q, &q.filters(), q.limit.unwrap_or(20).clamp(1, 100)))
}

/// Generous for a person, firm for a script: searches per client address per minute. Counted
/// in this process only: search is a reading path where a query per search would cost more
/// than the search, and behind N processes a script gets at most N times the limit.
fn search_allowed(state: &AppState, visit: &Visit) -> Result<(), AppError> {
    match state.config.search_per_minute {
        0 => Ok(()),
        max => state.limiter.hit(&format!("search:{}", visit.client_ip), max, std::time::Duration::from_secs(60)).map_err(AppError::RateLimited),
    }
}

async fn page(state: web::Data<AppState>, visit: Visit, q: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    search_allowed(&state, &visit)?;
    let st = state.clone();
    let q = q.into_inner();
    let filters = q.filters();
    let text = q.q.clone();
    let results = blocking(move || run(&st, &q)).await??;
    Ok(html(200, views::search::page(&visit.ctx, &text, &filters, &results)))
}

async fn api(state: web::Data<AppState>, visit: Visit, q: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    search_allowed(&state, &visit)?;
    let st = state.clone();
    let q = q.into_inner();
    let results = blocking(move || run(&st, &q)).await??;
    Ok(HttpResponse::Ok().json(results))
}

async fn openapi(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let path = state.config.static_dir.join("api/openapi.json");
    let body = blocking(move || std::fs::read_to_string(path)).await??;
    let mut spec: serde_json::Value = serde_json::from_str(&body).map_err(|e| AppError::Internal(format!("openapi.json: {e}")))?;
    spec["servers"] = serde_json::json!([{ "url": state.config.base_url }]);
    Ok(HttpResponse::Ok().json(spec))
}

/// Lets browsers add the portal as a search engine.
async fn opensearch(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/opensearchdescription+xml; charset=utf-8").body(views::feeds::opensearch(&state.config.base_url))
}
