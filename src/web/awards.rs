//! Award routes (issue 22): the cycles, the national focal point's form to open one, a
//! cycle's page, nominating, a nomination's page with the juror's score sheet and conflict
//! declaration, publishing, and the results with their CSV and JSON. Registered before the
//! registry's own routes, whose `/registry/{kind}` would otherwise take `/registry/awards`.
//! Every right and every phase is checked by the service.

use actix_web::{web, HttpResponse};

use crate::error::{AppError, FieldErrors};
use crate::paths;
use crate::services::registry::awards::{self as aw, CycleInput, NominationInput, POINT_FIELDS, REMARK_FIELDS};
use crate::views::registry::awards as pages;
use crate::web::visit::{CsrfForm, Empty, Member, RawForm, Visit};
use crate::web::{html, see_other, submitted, AppState, Done, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry/awards", web::get().to(cycles))
        .route("/registry/awards/new", web::get().to(new_form))
        .route("/registry/awards/new", web::post().to(create))
        .route("/registry/awards/{id}", web::get().to(cycle))
        .route("/registry/awards/{id}/nominate", web::get().to(nominate_form))
        .route("/registry/awards/{id}/nominate", web::post().to(nominate))
        .route("/registry/awards/{id}/publish", web::post().to(publish))
        .route("/registry/awards/{id}/results", web::get().to(results))
        .route("/registry/awards/{id}/results.csv", web::get().to(results_csv))
        .route("/registry/awards/{id}/results.json", web::get().to(results_json))
        .route("/registry/awards/{id}/nominations/{nid}", web::get().to(nomination))
        .route("/registry/awards/{id}/nominations/{nid}/score", web::post().to(score))
        .route("/registry/awards/{id}/nominations/{nid}/conflict", web::post().to(conflict))
        .route("/registry/awards/{id}/nominations/{nid}/withdraw", web::post().to(withdraw))
        .route("/registry/awards/{id}/edit", web::get().to(edit_form))
        .route("/registry/awards/{id}/edit", web::post().to(edit));
}

fn flash(ctx: &crate::views::Ctx, done: &str) -> Option<String> {
    match done {
        "opened" | "nominated" | "scored" | "conflict" | "published" | "edited" | "withdrawn" => Some(ctx.t().fmt(&format!("award-done-{done}"), &[])),
        _ => None,
    }
}

async fn cycles(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, AppError> {
    let list = state.db(aw::cycles).await?;
    Ok(html(200, pages::cycles(&visit.ctx, &list, aw::may_run_awards(visit.principal.as_deref()))))
}

async fn new_form(member: Member) -> Result<HttpResponse, AppError> {
    aw::new_cycle_form(&member.principal)?;
    Ok(html(200, pages::cycle_form(&member.ctx, &CycleInput::default(), &FieldErrors::new(), None)))
}

fn cycle_input(raw: &RawForm) -> CycleInput {
    CycleInput {
        year: raw.get("year"),
        title: raw.get("title"),
        description: raw.get("description"),
        categories: raw.all("categories"),
        nominations_open: raw.get("nominations_open"),
        nominations_close: raw.get("nominations_close"),
        jury_close: raw.get("jury_close"),
        criteria: raw.get("criteria"),
        jurors: raw.get("jurors"),
    }
}

async fn create(state: web::Data<AppState>, member: Member, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    aw::new_cycle_form(&member.principal)?;
    let input = cycle_input(&form.1);
    let (p, i) = (member.principal.clone(), input.clone());
    match submitted(state.write(move |c| aw::open_cycle(c, &p, &i)).await)? {
        Submitted::Done(id) => Ok(see_other(&format!("{}?done=opened", paths::award_cycle(id)))),
        Submitted::Invalid(errors) => Ok(html(400, pages::cycle_form(&member.ctx, &input, &errors, None))),
    }
}

async fn edit_form(state: web::Data<AppState>, member: Member, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let p = member.principal.clone();
    let input = state.db(move |c| aw::edit_cycle_form(c, &p, id)).await?;
    Ok(html(200, pages::cycle_form(&member.ctx, &input, &FieldErrors::new(), Some(id))))
}

async fn edit(state: web::Data<AppState>, member: Member, path: web::Path<i64>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = cycle_input(&form.1);
    let (p, i) = (member.principal.clone(), input.clone());
    match submitted(state.write(move |c| aw::edit_cycle(c, &p, id, &i)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}?done=edited", paths::award_cycle(id)))),
        Submitted::Invalid(errors) => Ok(html(400, pages::cycle_form(&member.ctx, &input, &errors, Some(id)))),
    }
}

async fn withdraw(state: web::Data<AppState>, member: Member, path: web::Path<(i64, i64)>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (id, nid) = path.into_inner();
    let p = member.principal.clone();
    state.write(move |c| aw::withdraw(c, &p, id, nid)).await?;
    Ok(see_other(&format!("{}?done=withdrawn", paths::award_cycle(id))))
}

async fn cycle(state: web::Data<AppState>, visit: Visit, path: web::Path<i64>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let p = visit.principal.clone();
    let v = state.db(move |c| aw::cycle_view(c, p.as_deref(), id)).await?;
    Ok(html(200, pages::cycle(&visit.ctx, &v, flash(&visit.ctx, &q.done).as_deref())))
}

async fn nominate_form(state: web::Data<AppState>, member: Member, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let p = member.principal.clone();
    let f = state.db(move |c| aw::nomination_form(c, &p, id)).await?;
    Ok(html(200, pages::nomination_form(&member.ctx, &f, &NominationInput::default(), &FieldErrors::new())))
}

async fn nominate(state: web::Data<AppState>, member: Member, path: web::Path<i64>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = NominationInput { category: form.1.get("category"), nominee: form.1.get("nominee"), practice: form.1.get("practice"), statement: form.1.get("statement") };
    let (p, i) = (member.principal.clone(), input.clone());
    match submitted(state.write(move |c| aw::nominate(c, &p, id, &i)).await)? {
        Submitted::Done(nid) => Ok(see_other(&format!("{}?done=nominated", paths::award_nomination(id, nid)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let f = state.db(move |c| aw::nomination_form(c, &p, id)).await?;
            Ok(html(400, pages::nomination_form(&member.ctx, &f, &input, &errors)))
        }
    }
}

async fn nomination(state: web::Data<AppState>, visit: Visit, path: web::Path<(i64, i64)>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let (id, nid) = path.into_inner();
    let p = visit.principal.clone();
    let v = state.db(move |c| aw::nomination_view(c, p.as_deref(), id, nid)).await?;
    Ok(html(200, pages::nomination(&visit.ctx, &v, &[], flash(&visit.ctx, &q.done).as_deref(), &FieldErrors::new())))
}

async fn score(state: web::Data<AppState>, member: Member, path: web::Path<(i64, i64)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (id, nid) = path.into_inner();
    let input: aw::ScoreInput = POINT_FIELDS.iter().zip(REMARK_FIELDS).map(|(p, r)| (form.1.get(p), form.1.get(r))).collect();
    let (p, i) = (member.principal.clone(), input.clone());
    match submitted(state.write(move |c| aw::score(c, &p, id, nid, &i)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}?done=scored", paths::award_nomination(id, nid)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let v = state.db(move |c| aw::nomination_view(c, Some(&p), id, nid)).await?;
            Ok(html(400, pages::nomination(&member.ctx, &v, &input, None, &errors)))
        }
    }
}

async fn conflict(state: web::Data<AppState>, member: Member, path: web::Path<(i64, i64)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (id, nid) = path.into_inner();
    let (p, reason) = (member.principal.clone(), form.1.get("reason"));
    state.write(move |c| aw::declare_conflict(c, &p, id, nid, &reason)).await?;
    Ok(see_other(&format!("{}?done=conflict", paths::award_nomination(id, nid))))
}

async fn publish(state: web::Data<AppState>, member: Member, path: web::Path<i64>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (p, env) = (member.principal.clone(), state.env.clone());
    state.write(move |c| aw::publish(c, &env, &p, id)).await?;
    Ok(see_other(&format!("{}?done=published", paths::award_results(id))))
}

async fn results(state: web::Data<AppState>, visit: Visit, path: web::Path<i64>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let v = state.db(move |c| aw::results(c, id)).await?;
    Ok(html(200, pages::results(&visit.ctx, &v, flash(&visit.ctx, &q.done).as_deref())))
}

async fn results_csv(state: web::Data<AppState>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let v = state.db(move |c| aw::results(c, id)).await?;
    Ok(super::csv_file(&format!("awards-{}-{id}", v.cycle.year), aw::to_csv(&v)))
}

async fn results_json(state: web::Data<AppState>, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let v = state.db(move |c| aw::results(c, id)).await?;
    Ok(HttpResponse::Ok().content_type("application/json").body(aw::to_json(&v)))
}
