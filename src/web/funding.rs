//! The funding clearing house: its front page, the public lists of offers and proposals with
//! their CSV and JSON, a post's page with its matches and the focal point's decision, the
//! posting forms, and the national focal point's national picture. Registered before the
//! registry's own routes, whose `/registry/{kind}` would otherwise take `/registry/funding`.
//! Every permission is checked by the service.

use std::time::Duration;

use actix_web::{web, HttpResponse};

use crate::error::{AppError, FieldErrors};
use crate::models::funding::Kind;
use crate::services::registry::funding::{self as fu, Filter, PostForm};
use crate::services::registry::Decision;
use crate::views::registry::funding as pages;
use crate::web::visit::{CsrfForm, Empty, Member, RawForm, Visit};
use crate::web::{html, see_other, submitted, AppState, Done, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry/funding", web::get().to(hub))
        .route("/registry/funding/national", web::get().to(national))
        .route("/registry/funding/{list}", web::get().to(list))
        .route("/registry/funding/{list}/new", web::get().to(new_form))
        .route("/registry/funding/{list}/new", web::post().to(create))
        .route("/registry/funding/{list}/{id}", web::get().to(show))
        .route("/registry/funding/{list}/{id}/review", web::post().to(review))
        .route("/registry/funding/{list}/{id}/edit", web::get().to(edit_form))
        .route("/registry/funding/{list}/{id}/edit", web::post().to(edit))
        .route("/registry/funding/{list}/{id}/close", web::post().to(close));
}

const HOUR: Duration = Duration::from_secs(3600);
/// Offers and proposals one member may post in an hour.
const POSTS_PER_HOUR: usize = 10;

fn kind_of(plural: &str) -> Result<Kind, AppError> {
    fu::kind_of(plural).ok_or(AppError::NotFound)
}

async fn hub(state: web::Data<AppState>, visit: Visit, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let p = visit.principal.clone();
    let h = state.db(move |c| fu::hub(c, p.as_deref())).await?;
    Ok(html(200, pages::hub(&visit.ctx, &h, visit.principal.is_some(), &q.done)))
}

async fn national(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    let pic = state.db(move |c| fu::picture(c, &p)).await?;
    Ok(html(200, pages::national(&member.ctx, &pic)))
}

/// A public list, or its CSV or JSON when the name ends in .csv or .json.
async fn list(state: web::Data<AppState>, visit: Visit, path: web::Path<String>, q: web::Query<Filter>) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    let (plural, format) = match name.rsplit_once('.') {
        Some((n, f)) if f == "csv" || f == "json" => (n.to_string(), Some(f.to_string())),
        _ => (name.clone(), None),
    };
    let kind = kind_of(&plural)?;
    let filter = q.into_inner();
    let (f, fmt) = (filter.clone(), format.clone());
    let (listing, export) = state
        .db(move |c| {
            let l = fu::listing(c, kind, &f)?;
            let out = match fmt.as_deref() {
                Some("csv") => Some(fu::to_csv(c, &l)?),
                Some(_) => Some(fu::to_json(c, &l)?),
                None => None,
            };
            Ok::<_, AppError>((l, out))
        })
        .await?;
    Ok(match (format.as_deref(), export) {
        (Some("csv"), Some(body)) => super::csv_file(&format!("funding-{plural}"), body),
        (Some(_), Some(body)) => HttpResponse::Ok().content_type("application/json").body(body),
        _ => html(200, pages::list(&visit.ctx, &listing, &filter)),
    })
}

fn form_of(raw: &RawForm) -> PostForm {
    PostForm {
        title: raw.get("title"),
        scheme: raw.get("scheme"),
        funder: raw.get("funder"),
        partners: raw.get("partners"),
        cluster: raw.get("cluster"),
        amount_min: raw.get("amount_min"),
        amount_max: raw.get("amount_max"),
        budget: raw.get("budget"),
        sectors: raw.all("sectors"),
        states: raw.all("states"),
        deadline: raw.get("deadline"),
        body: raw.get("body"),
        contact: raw.get("contact"),
    }
}

async fn new_form(state: web::Data<AppState>, member: Member, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path.into_inner())?;
    let choices = state.db(fu::choices).await?;
    Ok(html(200, pages::form(&member.ctx, kind, &choices, &PostForm::default(), &FieldErrors::new(), None)))
}

async fn create(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path.into_inner())?;
    state.limit_shared(&format!("funding-post:{}", member.principal.user.id), POSTS_PER_HOUR, HOUR).await?;
    let input = form_of(&form.1);
    let (p, i, env) = (member.principal.clone(), input.clone(), state.env.clone());
    match submitted(state.write(move |c| fu::create(c, &env, &p, kind, &i)).await)? {
        Submitted::Done((id, published)) => {
            let done = if published { "published" } else { "submitted" };
            Ok(see_other(&format!("{}?done={done}", crate::paths::funding_post(fu::plural(kind), id))))
        }
        Submitted::Invalid(errors) => {
            let choices = state.db(fu::choices).await?;
            Ok(html(400, pages::form(&member.ctx, kind, &choices, &input, &errors, None)))
        }
    }
}

async fn edit_form(state: web::Data<AppState>, member: Member, path: web::Path<(String, i64)>) -> Result<HttpResponse, AppError> {
    let (plural, id) = path.into_inner();
    let kind = kind_of(&plural)?;
    let p = member.principal.clone();
    let (form, lock, choices) = state.db(move |c| fu::edit_form(c, &p, kind, id)).await?;
    Ok(html(200, pages::form(&member.ctx, kind, &choices, &form, &FieldErrors::new(), Some((id, lock)))))
}

async fn edit(state: web::Data<AppState>, member: Member, path: web::Path<(String, i64)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, id) = path.into_inner();
    let kind = kind_of(&plural)?;
    let lock: i32 = form.1.get("lock").parse().unwrap_or(-1);
    let input = form_of(&form.1);
    let (p, i, env) = (member.principal.clone(), input.clone(), state.env.clone());
    match submitted(state.write(move |c| fu::edit(c, &env, &p, kind, id, lock, &i)).await)? {
        Submitted::Done(published) => {
            let done = if published { "saved" } else { "submitted" };
            Ok(see_other(&format!("{}?done={done}", crate::paths::funding_post(&plural, id))))
        }
        Submitted::Invalid(errors) => {
            let choices = state.db(fu::choices).await?;
            Ok(html(400, pages::form(&member.ctx, kind, &choices, &input, &errors, Some((id, lock)))))
        }
    }
}

async fn close(state: web::Data<AppState>, member: Member, path: web::Path<(String, i64)>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, id) = path.into_inner();
    let kind = kind_of(&plural)?;
    let p = member.principal.clone();
    state.write(move |c| fu::close(c, &p, kind, id)).await?;
    Ok(see_other(&format!("{}?done=closed", crate::paths::funding_post(&plural, id))))
}

async fn show(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, i64)>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let (plural, id) = path.into_inner();
    let kind = kind_of(&plural)?;
    let p = visit.principal.clone();
    let v = state.db(move |c| fu::view(c, p.as_deref(), kind, id)).await?;
    Ok(html(200, pages::post(&visit.ctx, &v, &q.done, &FieldErrors::new())))
}

async fn review(state: web::Data<AppState>, member: Member, path: web::Path<(String, i64)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, id) = path.into_inner();
    let kind = kind_of(&plural)?;
    // Only focal points decide: settled before anything in the form is read.
    if !member.principal.roles.is_focal_point() {
        return Err(AppError::Forbidden);
    }
    let decision: Result<Decision, AppError> = super::choice(&form.1.get("decision"), "decision", "registry-decision-choose");
    let lock: i32 = form.1.get("lock").parse().unwrap_or(-1);
    let comment = form.1.get("comment");
    let p = member.principal.clone();
    let reviewed = match decision {
        Ok(d) => state.write(move |c| fu::review(c, &p, kind, id, lock, d, &comment).map(|()| d)).await,
        Err(e) => Err(e),
    };
    match submitted(reviewed)? {
        Submitted::Done(d) => Ok(see_other(&format!("{}?done={}", crate::paths::funding_post(&plural, id), if d == Decision::Approve { "published" } else { "returned" }))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let v = state.db(move |c| fu::view(c, Some(&p), kind, id)).await?;
            Ok(html(400, pages::post(&member.ctx, &v, "", &errors)))
        }
    }
}
