//! "It worked?" routes: a member's report on a page or best practice, the notes for those who
//! keep them (folding into a page), and the page an asking mail's link opens. Registered
//! before the registry's own routes, whose /registry/{kind}/{slug}/... would take these paths.
//! Every right is checked by the service; a note's length is checked before anything else.
//!
//! The asking mail's links only show a form: mail scanners and link previews fetch every link
//! in a mail, so a GET records nothing and only the confirm button (a POST) does.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::models::outcome::Subject;
use crate::services::outcomes as oc;
use crate::views;
use crate::web::visit::{CsrfForm, Empty, Member, Visit};
use crate::web::{html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/kb/{slug}/outcome", web::get().to(page_form))
        .route("/kb/{slug}/outcome", web::post().to(page_report))
        .route("/kb/{slug}/field-reports", web::get().to(page_notes))
        .route("/kb/{slug}/field-reports", web::post().to(fold))
        .route("/registry/practices/{slug}/outcome", web::get().to(practice_form))
        .route("/registry/practices/{slug}/outcome", web::post().to(practice_report))
        .route("/registry/practices/{slug}/field-reports", web::get().to(practice_notes))
        .route("/outcomes/ask/{query}/{token}", web::get().to(ask))
        .route("/outcomes/ask/{query}/{token}", web::post().to(answer));
}

const HOUR: Duration = Duration::from_secs(3600);
/// Reports one member may send in an hour, on any pages.
const REPORTS_PER_HOUR: usize = 30;
/// Answers through mailed links one client address may send in an hour.
const ANSWERS_PER_HOUR: usize = 20;

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
    #[serde(default)]
    answer: String,
}

async fn form(state: web::Data<AppState>, member: Member, subject: Subject, slug: String) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    let (t, mine, counts) = state.db(move |c| oc::form(c, &p, subject, &slug)).await?;
    let (verdict, note) = mine.as_ref().map(|m| (m.verdict.as_str().to_string(), m.note.clone())).unwrap_or_default();
    Ok(html(200, views::outcomes::form_page(&member.ctx, &t, &counts, &verdict, &note, mine.as_ref(), &FieldErrors::new())))
}

async fn report(state: web::Data<AppState>, member: Member, subject: Subject, slug: String, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (verdict, note) = (form.1.get("verdict"), form.1.get("note"));
    // Too long a note is refused before the limit is counted or anything is read.
    let result = match oc::check_note(&note) {
        Err(e) => Err(e),
        Ok(()) => {
            state.limit_shared(&format!("outcome:{}", member.principal.user.id), REPORTS_PER_HOUR, HOUR).await?;
            let (p, s, v, n) = (member.principal.clone(), slug.clone(), verdict.clone(), note.clone());
            state.write(move |c| oc::report(c, &p, subject, &s, &v, &n)).await
        }
    };
    match submitted(result)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}#outcomes-h", oc::subject_path(subject, &slug)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let (t, mine, counts) = state.db(move |c| oc::form(c, &p, subject, &slug)).await?;
            Ok(html(400, views::outcomes::form_page(&member.ctx, &t, &counts, &verdict, &note, mine.as_ref(), &errors)))
        }
    }
}

async fn page_form(state: web::Data<AppState>, member: Member, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    form(state, member, Subject::Page, path.into_inner()).await
}

async fn page_report(state: web::Data<AppState>, member: Member, path: web::Path<String>, f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    report(state, member, Subject::Page, path.into_inner(), f).await
}

async fn practice_form(state: web::Data<AppState>, member: Member, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    form(state, member, Subject::Practice, path.into_inner()).await
}

async fn practice_report(state: web::Data<AppState>, member: Member, path: web::Path<String>, f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    report(state, member, Subject::Practice, path.into_inner(), f).await
}

async fn notes(state: &AppState, member: &Member, subject: Subject, slug: String, q: &Done, status: u16, errors: &FieldErrors) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    let n = state.db(move |c| oc::notes(c, &p, subject, &slug)).await?;
    let flash = (q.done == "folded").then(|| member.ctx.t().fmt("outcome-folded-notice", &[]));
    Ok(html(status, views::outcomes::notes_page(&member.ctx, &n, flash.as_deref(), errors)))
}

async fn page_notes(state: web::Data<AppState>, member: Member, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    notes(&state, &member, Subject::Page, path.into_inner(), &q, 200, &FieldErrors::new()).await
}

async fn practice_notes(state: web::Data<AppState>, member: Member, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    notes(&state, &member, Subject::Practice, path.into_inner(), &q, 200, &FieldErrors::new()).await
}

async fn fold(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let ids: Vec<i64> = form.1.all("notes").iter().filter_map(|v| v.parse().ok()).collect();
    let revision: i32 = form.1.get("revision").parse().unwrap_or(-1);
    let (p, s) = (member.principal.clone(), slug.clone());
    match submitted(state.write(move |c| oc::fold(c, &p, &s, revision, &ids)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}?done=folded", crate::paths::field_reports(&crate::paths::page(&slug))))),
        Submitted::Invalid(errors) => notes(&state, &member, Subject::Page, slug, &Done::default(), 400, &errors).await,
    }
}

async fn ask(state: web::Data<AppState>, visit: Visit, path: web::Path<(i64, String)>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let (query, token) = path.into_inner();
    let a = state.db(move |c| oc::ask(c, query, &token)).await?;
    let verdict = if q.answer.is_empty() { a.mine.as_ref().map(|m| m.verdict.as_str().to_string()).unwrap_or_default() } else { q.answer.clone() };
    let note = a.mine.as_ref().map(|m| m.note.clone()).unwrap_or_default();
    Ok(html(200, views::outcomes::ask_page(&visit.ctx, &a, &verdict, &note, q.done == "saved", &FieldErrors::new())))
}

async fn answer(state: web::Data<AppState>, visit: Visit, path: web::Path<(i64, String)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (query, token) = path.into_inner();
    let (verdict, note) = (form.1.get("verdict"), form.1.get("note"));
    let result = match oc::check_note(&note) {
        Err(e) => Err(e),
        Ok(()) => {
            state.limit_shared(&format!("outcome-ask:{}", visit.client_ip), ANSWERS_PER_HOUR, HOUR).await?;
            let (t, v, n) = (token.clone(), verdict.clone(), note.clone());
            state.write(move |c| oc::answer_ask(c, query, &t, &v, &n)).await
        }
    };
    match submitted(result)? {
        Submitted::Done(()) => Ok(see_other(&format!("/outcomes/ask/{query}/{token}?done=saved"))),
        Submitted::Invalid(errors) => {
            let a = state.db(move |c| oc::ask(c, query, &token)).await?;
            Ok(html(400, views::outcomes::ask_page(&visit.ctx, &a, &verdict, &note, false, &errors)))
        }
    }
}
