//! Posting on someone's behalf: the facilitator's page of the people they post for with claim
//! codes, and the owner's claim page. Rights are checked by the service; the claim link is
//! rate-limited per address like the other token pages.

use std::time::Duration;

use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::paths;
use crate::services::facilitation;
use crate::views;
use crate::web::visit::{CsrfForm, Empty, Member, Visit};
use crate::web::{html, AppState};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/facilitator", web::get().to(page))
        .route("/facilitator/owners/{id}/claim-code", web::post().to(claim_code))
        .route("/claim/{code}", web::get().to(claim_page))
        .route("/claim/{code}", web::post().to(claim));
}

const HOUR: Duration = Duration::from_secs(3600);
/// Claim links tried from one address in an hour (a code has 128 random bits; the limit keeps
/// the log and the database quiet rather than guarding the code).
const CLAIM_TRIES_PER_HOUR: usize = 30;

async fn page(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    facilitation::require(&member.principal)?;
    let who = member.principal.clone();
    let rows = state.db(move |c| facilitation::page(c, &who)).await?;
    Ok(html(200, views::facilitator::page(&member.ctx, &rows, None)))
}

/// A new claim code, shown once on the page (only its hash is kept).
async fn claim_code(state: web::Data<AppState>, member: Member, path: web::Path<i64>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (id, who) = (path.into_inner(), member.principal.clone());
    let (_, code) = state.write(move |c| facilitation::issue_claim(c, &who, id)).await?;
    let who = member.principal.clone();
    let rows = state.db(move |c| facilitation::page(c, &who)).await?;
    let link = state.env.url(&paths::claim(&code));
    Ok(html(200, views::facilitator::page(&member.ctx, &rows, Some((id, &link)))))
}

/// A refused link (unknown, used, expired) on a page of its own that says which.
fn link_refused(visit: &Visit, e: AppError) -> Result<HttpResponse, AppError> {
    let t = visit.ctx.t();
    match e {
        AppError::BadRequest(msg) => Ok(html(400, views::accounts::message(&visit.ctx, t.link_problem_title, &t.msg(&msg), Some(("/", t.get("facilitator-home")))))),
        e => Err(e),
    }
}

async fn claim_page(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    state.limit_shared(&format!("claim:{}", visit.client_ip), CLAIM_TRIES_PER_HOUR, HOUR).await?;
    let code = path.into_inner();
    let c2 = code.clone();
    match state.db(move |c| facilitation::claim_view(c, &c2)).await {
        Ok(v) => Ok(html(200, views::facilitator::claim(&visit.ctx, &code, &v, visit.principal.is_some()))),
        Err(e) => link_refused(&visit, e),
    }
}

async fn claim(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    state.limit_shared(&format!("claim:{}", visit.client_ip), CLAIM_TRIES_PER_HOUR, HOUR).await?;
    let (code, who, env) = (path.into_inner(), member.principal.clone(), state.env.clone());
    match state.write(move |c| facilitation::claim(c, &env, &who, &code)).await {
        Ok(_) => {
            let t = visit.ctx.t();
            Ok(html(200, views::accounts::message(&visit.ctx, t.get("facilitator-claim-done-title"), t.get("facilitator-claim-done"), Some((paths::MY_POSTS, t.my_posts_title)))))
        }
        Err(e) => link_refused(&visit, e),
    }
}
