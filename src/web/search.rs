//! Search: the HTML page, where signed-in members also find the members-only threads of their
//! communities, and a JSON API, which answers everyone as an anonymous visitor.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::search::{Audience, Filters};
use crate::services::registry::Vocabs;
use crate::views;
use crate::web::visit::Visit;
use crate::web::{blocking, html, AppState};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page))
        .service(web::resource("/api/search").route(web::get().to(api)).default_service(web::to(get_only)))
        .service(web::resource("/api/openapi.json").route(web::get().to(openapi)).default_service(web::to(get_only)))
        .route("/opensearch.xml", web::get().to(opensearch));
}

/// The API's paths take GET only: any other method is a 405 (JSON, with `Allow`).
async fn get_only() -> Result<HttpResponse, AppError> {
    Err(AppError::MethodNotAllowed("GET"))
}

/// What a search through the API may ask for (static/api/openapi.json): the kinds the index
/// holds, the languages, and a limit of 1 to 100 results.
const API_KINDS: [&str; 6] = ["page", "thread", "cluster", "initiative", "practice", "agency"];
const API_LANGUAGES: [&str; 2] = ["en", "hi"];
const API_MAX_LIMIT: usize = 100;
const API_MAX_QUERY: usize = 500;
const DEFAULT_LIMIT: usize = 20;

/// The parameters as sent. The page takes what it can read of them; the API checks each
/// (`api_limit`), so a wrong value is a 400 that says which parameter and what it takes.
#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    kind: Option<String>,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    sector: String,
    language: Option<String>,
    limit: Option<String>,
    /// "1": only threads of the viewer's own communities (the page only).
    #[serde(default)]
    mine: String,
    /// "yes": only what worked for at least one member's unit.
    worked: Option<String>,
}

impl SearchQuery {
    fn filters(&self) -> Filters {
        let kind = self.kind.clone().unwrap_or_default();
        let language = self.language.clone().unwrap_or_default();
        let worked = self.worked.clone().unwrap_or_default();
        Filters { kind, theme: self.theme.clone(), state: self.state.clone(), sector: self.sector.clone(), language, mine: false, worked }
    }
}

/// The API's checks of the parameters, and the number of results asked for.
fn api_limit(q: &SearchQuery) -> Result<usize, AppError> {
    use crate::error::Message;
    let one_of = |name: &'static str, value: &Option<String>, allowed: &[&str]| match value {
        Some(v) if !allowed.contains(&v.as_str()) => Err(AppError::BadRequest(Message::new("api-parameter-one-of").arg("name", name).arg("allowed", allowed.join(", ")))),
        _ => Ok(()),
    };
    if q.q.chars().count() > API_MAX_QUERY {
        return Err(AppError::BadRequest(Message::new("api-q-too-long").arg("max", API_MAX_QUERY)));
    }
    one_of("kind", &q.kind, &API_KINDS)?;
    one_of("language", &q.language, &API_LANGUAGES)?;
    one_of("worked", &q.worked, &["yes"])?;
    match q.limit.as_deref() {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=API_MAX_LIMIT).contains(&n) && !v.starts_with('+') => Ok(n),
            _ => Err(AppError::BadRequest(Message::new("api-limit-range").arg("max", API_MAX_LIMIT))),
        },
    }
}

/// The results, with a theme suggested from the database's active themes when none matched.
fn run(state: &AppState, terms: &Vocabs, audience: &Audience, q: &str, filters: &Filters, limit: usize) -> Result<crate::search::Results, AppError> {
    if q.chars().count() > API_MAX_QUERY {
        return Err(AppError::BadRequest("query-too-long".into()));
    }
    let mut results = state.search.search_for(audience, q, filters, limit.clamp(1, API_MAX_LIMIT));
    if results.total == 0 {
        let themes = terms.of("theme").filter(|t| !t.retired).map(|t| (t.code.as_str(), t.label.as_str(), t.label_in(true)));
        results.suggestion = crate::search::nearest_theme(q, themes);
    }
    Ok(results)
}

/// Whose members-only threads this visitor finds: from their memberships and roles as they
/// are now, read once per search (one query; nothing per hit).
async fn audience(state: &AppState, visit: &Visit) -> Result<Audience, AppError> {
    match visit.principal.clone() {
        None => Ok(Audience::public()),
        Some(p) => state.db(move |c| crate::services::communities::search_audience(c, &p)).await,
    }
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
    let audience = audience(&state, &visit).await?;
    let filters = Filters { mine: q.mine == "1" && audience.has_communities(), ..q.filters() };
    let text = q.q.clone();
    let limit = q.limit.as_deref().and_then(|l| l.parse().ok()).unwrap_or(DEFAULT_LIMIT);
    let (f, signed_in) = (filters.clone(), visit.principal.is_some());
    let terms = visit.ctx.terms.clone();
    let results = blocking(move || run(&st, &terms, &audience, &q.q, &f, limit)).await??;
    let mut res = html(200, views::search::page(&visit.ctx, &text, &filters, &results));
    if signed_in {
        // A member's results may hold their communities' threads: no shared cache keeps them.
        res.headers_mut().insert(actix_web::http::header::CACHE_CONTROL, actix_web::http::header::HeaderValue::from_static("private, no-store"));
    }
    Ok(res)
}

async fn api(state: web::Data<AppState>, visit: Visit, q: web::Query<SearchQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let limit = api_limit(&q)?;
    search_allowed(&state, &visit)?;
    let st = state.clone();
    let terms = visit.ctx.terms.clone();
    let results = blocking(move || run(&st, &terms, &Audience::public(), &q.q, &q.filters(), limit)).await??;
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
