//! Experts: the public directory, a member's own expert profile, and the thread an asked
//! expert reads by the link in their mail. (Asking experts is a moderator's route, in
//! `web::moderation`.) Every right is checked by the service.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::models::expert::Filter;
use crate::paths;
use crate::services::experts::{self, ProfileForm};
use crate::views;
use crate::web::visit::{CsrfForm, Empty, Member, Visit};
use crate::web::{html, see_other, submitted, AppState, Done, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/experts", web::get().to(directory))
        .route("/experts/profile", web::get().to(profile))
        .route("/experts/profile", web::post().to(save))
        .route("/experts/profile/delete", web::post().to(delete))
        .route("/experts/asked/{id}/{token}", web::get().to(asked));
}

const HOUR: Duration = Duration::from_secs(3600);
/// Times a member may save their profile in an hour.
const SAVES_PER_HOUR: usize = 30;

#[derive(Deserialize, Default)]
struct DirectoryQuery {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    language: String,
}

fn short(s: &str) -> String {
    s.trim().chars().take(100).collect()
}

async fn directory(state: web::Data<AppState>, visit: Visit, q: web::Query<DirectoryQuery>) -> Result<HttpResponse, AppError> {
    let f = Filter { theme: short(&q.theme), sector: short(&q.sector), state: short(&q.state), language: short(&q.language) };
    let filter = f.clone();
    let rows = state.db(move |c| experts::directory(c, &filter)).await?;
    Ok(html(200, views::experts::directory(&visit.ctx, &f, &rows)))
}

async fn profile(state: web::Data<AppState>, member: Member, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    let mine = state.db(move |c| experts::my_profile(c, &p)).await?;
    let form = mine.as_ref().map(ProfileForm::of).unwrap_or_else(|| ProfileForm { listed: true, ..ProfileForm::default() });
    let t = member.ctx.t();
    let flash = match q.done.as_str() {
        "saved" => Some(t.experts_saved),
        "deleted" => Some(t.experts_deleted),
        _ => None,
    };
    Ok(html(200, views::experts::profile(&member.ctx, &form, mine.is_some(), &FieldErrors::new(), flash)))
}

async fn save(state: web::Data<AppState>, member: Member, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    state.limit_shared(&format!("expert-profile:{}", member.principal.user.id), SAVES_PER_HOUR, HOUR).await?;
    let raw = &form.1;
    let f = ProfileForm {
        themes: raw.all("themes"),
        sectors: raw.all("sectors"),
        states: raw.all("states"),
        organisation: raw.get("organisation"),
        experience: raw.get("experience"),
        languages: raw.all("languages"),
        listed: raw.get("listed") == "1",
        paused: raw.get("paused") == "1",
    };
    let (p, input) = (member.principal.clone(), f.clone());
    match submitted(state.write(move |c| experts::save_profile(c, &p, &input)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}?done=saved", paths::EXPERT_PROFILE))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let exists = state.db(move |c| experts::my_profile(c, &p)).await?.is_some();
            Ok(html(400, views::experts::profile(&member.ctx, &f, exists, &errors, None)))
        }
    }
}

async fn delete(state: web::Data<AppState>, member: Member, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    state.write(move |c| experts::delete_profile(c, &p)).await?;
    Ok(see_other(&format!("{}?done=deleted", paths::EXPERT_PROFILE)))
}

async fn asked(state: web::Data<AppState>, visit: Visit, path: web::Path<(i64, String)>) -> Result<HttpResponse, AppError> {
    let (id, token) = path.into_inner();
    let (c, view) = state.db(move |conn| experts::asked_thread(conn, id, &token)).await?;
    Ok(html(200, views::experts::asked_thread(&visit.ctx, &c, &view)))
}
