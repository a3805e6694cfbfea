//! Public search: the HTML page and a JSON API.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::search::Filters;
use crate::views;
use crate::web::communities::html;
use crate::web::visit::Visit;
use crate::web::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page)).route("/api/search", web::get().to(api));
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
        return Err(AppError::BadRequest("The query is too long.".into()));
    }
    Ok(state.search.search(&q.q, &q.filters(), q.limit.unwrap_or(20).clamp(1, 100)))
}

async fn page(state: web::Data<AppState>, visit: Visit, q: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let q = q.into_inner();
    let filters = q.filters();
    let text = q.q.clone();
    let results = web::block(move || run(&st, &q)).await.map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(html(200, views::search::page(&visit.ctx, &text, &filters, &results)))
}

async fn api(state: web::Data<AppState>, q: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let q = q.into_inner();
    let results = web::block(move || run(&st, &q)).await.map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(HttpResponse::Ok().json(results))
}
