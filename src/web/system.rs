//! The home page, health, metrics, static files and the 404 fallback.

use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::services::{home as home_data, system};
use crate::views;
use crate::web::visit::{Member, Visit};
use crate::web::{see_other, AppState};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/ask", web::get().to(ask))
        .route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(metrics));
}

async fn home(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, AppError> {
    // The counts are read once per change (any write here or in another portal, or a change
    // the indexer took in, outdates them), so a busy home page costs no count queries.
    let stamp = state.pages.stamp(state.search.generation());
    let data = state.kept(&state.home, "home".into(), stamp, home_data::read).await?;
    let ask_in = match &visit.principal {
        Some(p) => {
            let id = p.user.id;
            Some(state.db(move |c| home_data::ask_in(c, id)).await?)
        }
        None => None,
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(views::home::home(&visit.ctx, &data, ask_in.as_deref()).into_string()))
}

/// "Ask a question": a visitor signs in first (and comes back here); a member goes straight
/// to the question form of their community, or chooses among theirs on the home page.
async fn ask(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    let id = member.principal.user.id;
    Ok(see_other(&state.db(move |c| home_data::ask_target(c, id)).await?))
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.backend;
    // A newer solex may migrate the database while this one serves: it keeps serving what it
    // can, but says so here (503, so a load balancer stops sending it requests) and in its log.
    match state.db(|c| system::ping(c).and_then(|()| system::unknown_migrations(c))).await {
        Ok(unknown) if unknown.is_empty() => HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": "ok", "backend": backend })),
        Ok(unknown) => {
            let message = crate::db::serving::newer_schema_message(&unknown);
            tracing::error!("health check: {message}");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable", "database": "schema-newer", "backend": backend, "message": message }))
        }
        Err(e) => {
            tracing::error!("health check: {e}");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "unavailable", "database": "unreachable", "backend": backend }))
        }
    }
}

async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let outbox = state.db(system::mail_outbox_counts).await?;
    let limiter = vec![("all".to_string(), state.limiter.len() as i64)];
    let mut body = state.metrics.render(&[("solex_mail_outbox", "Mail rows by delivery status.", outbox), ("solex_ratelimit_keys", "Keys the rate limiter holds.", limiter)]);
    body.push_str("# HELP solex_change_stamp Changes made by any portal process on the database, as this process last read it.\n");
    body.push_str("# TYPE solex_change_stamp gauge\n");
    body.push_str(&format!("solex_change_stamp {}\n", state.pages.shared_seen()));
    body.push_str("# HELP solex_page_cache_hits_total Pages served from the page cache.\n");
    body.push_str("# TYPE solex_page_cache_hits_total counter\n");
    body.push_str(&format!("solex_page_cache_hits_total {}\n", state.pages.hits()));
    body.push_str("# HELP solex_page_cache_drops_total Times this process's write requests made every cached page outdated.\n");
    body.push_str("# TYPE solex_page_cache_drops_total counter\n");
    body.push_str(&format!("solex_page_cache_drops_total {}\n", state.pages.drops()));
    body.push_str("# HELP solex_password_checks_total Password checks (argon2), real or dummy.\n");
    body.push_str("# TYPE solex_password_checks_total counter\n");
    body.push_str(&format!("solex_password_checks_total {}\n", state.passwords.checks()));
    body.push_str("# HELP solex_password_hashes_total Passwords hashed (argon2).\n");
    body.push_str("# TYPE solex_password_hashes_total counter\n");
    body.push_str(&format!("solex_password_hashes_total {}\n", state.passwords.hashes()));
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(body))
}

pub async fn not_found(_: Visit) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
