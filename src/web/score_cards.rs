//! ESR score card routes: a cluster's cards, the focal point's form, a card's page with the
//! reviewer's decision, and the short lists with their CSV and JSON. Registered before the
//! registry's own routes, whose `/registry/{kind}` would otherwise take `/registry/short-lists`.
//! Every permission is checked by the service.

use actix_web::{web, HttpResponse};

use crate::error::{AppError, FieldErrors};
use crate::services::registry::score_cards::{self as sc, CardInput};
use crate::services::registry::Decision;
use crate::views;
use crate::views::registry::score_cards::{self as pages, SHORT_LISTS};
use crate::web::visit::{CsrfForm, Empty, Member, RawForm, Visit};
use crate::web::{html, see_other, submitted, AppState, Done, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry/short-lists", web::get().to(short_lists))
        .route("/registry/short-lists", web::post().to(publish))
        .route("/registry/short-lists/{name}", web::get().to(short_list))
        .route("/registry/clusters/{slug}/score-cards", web::get().to(cluster_cards))
        .route("/registry/clusters/{slug}/score-cards/new", web::get().to(new_form))
        .route("/registry/clusters/{slug}/score-cards/new", web::post().to(create))
        .route("/registry/clusters/{slug}/score-cards/{id}", web::get().to(show))
        .route("/registry/clusters/{slug}/score-cards/{id}/edit", web::get().to(edit_form))
        .route("/registry/clusters/{slug}/score-cards/{id}/edit", web::post().to(edit))
        .route("/registry/clusters/{slug}/score-cards/{id}/review", web::post().to(review));
}

/// The card's fields as the form sent them.
fn input_from(raw: &RawForm) -> CardInput {
    CardInput {
        assessed_on: raw.get("assessed_on"),
        note: raw.get("note"),
        scores: sc::score_fields().map(|f| (f.to_string(), raw.get(f))).collect(),
    }
}

/// A card's fields as its form shows them again.
fn input_of(card: &sc::Card) -> CardInput {
    let digits = card.card.scores.as_bytes();
    CardInput {
        assessed_on: card.card.assessed_on.clone(),
        note: card.card.note.clone(),
        scores: sc::score_fields().zip(digits).map(|(f, d)| (f.to_string(), char::from(*d).to_string())).collect(),
    }
}

async fn cluster_cards(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let p = visit.principal.clone();
    let slug = path.into_inner();
    let cc = state.db(move |c| sc::cluster_cards(c, p.as_deref(), &slug)).await?;
    Ok(html(200, pages::cluster_cards(&visit.ctx, &cc)))
}

async fn new_form(state: web::Data<AppState>, member: Member, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (p, slug) = (member.principal.clone(), path.into_inner());
    let cluster = state.db(move |c| sc::new_card(c, &p, &slug)).await?;
    Ok(html(200, pages::card_form(&member.ctx, &cluster, None, &CardInput::default(), &FieldErrors::new())))
}

fn saved(slug: &str, id: i64, submit: bool) -> HttpResponse {
    see_other(&format!("{}?done={}", pages::card_path(slug, id), if submit { "submitted" } else { "saved" }))
}

async fn create(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let input = input_from(&form.1);
    let submit = form.1.get("action") == "submit";
    let (p, s, i) = (member.principal.clone(), slug.clone(), input.clone());
    match submitted(state.write(move |c| sc::create(c, &p, &s, &i, submit)).await)? {
        Submitted::Done(id) => Ok(saved(&slug, id, submit)),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let cluster = state.db(move |c| sc::new_card(c, &p, &slug)).await?;
            Ok(html(400, pages::card_form(&member.ctx, &cluster, None, &input, &errors)))
        }
    }
}

async fn show(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, i64)>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let p = visit.principal.clone();
    let v = state.db(move |c| sc::card_view(c, p.as_deref(), &slug, id)).await?;
    let t = visit.ctx.t();
    let flash = match q.done.as_str() {
        "saved" => Some(t.registry_saved),
        "submitted" => Some(t.registry_sent),
        "approved" => Some(t.esr_approved_notice),
        "returned" => Some(t.registry_returned_notice),
        _ => None,
    };
    Ok(html(200, pages::card_page(&visit.ctx, &v, flash, &FieldErrors::new())))
}

async fn edit_form(state: web::Data<AppState>, member: Member, path: web::Path<(String, i64)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let p = member.principal.clone();
    let v = state.db(move |c| sc::edit_card(c, &p, &slug, id)).await?;
    Ok(html(200, pages::card_form(&member.ctx, &v.cluster, Some(&v), &input_of(&v.card), &FieldErrors::new())))
}

async fn edit(state: web::Data<AppState>, member: Member, path: web::Path<(String, i64)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let input = input_from(&form.1);
    let submit = form.1.get("action") == "submit";
    let lock: i32 = form.1.get("lock").parse().unwrap_or(-1);
    let (p, s, i) = (member.principal.clone(), slug.clone(), input.clone());
    match submitted(state.write(move |c| sc::save(c, &p, &s, id, lock, &i, submit)).await)? {
        Submitted::Done(()) => Ok(saved(&slug, id, submit)),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let v = state.db(move |c| sc::edit_card(c, &p, &slug, id)).await?;
            Ok(html(400, pages::card_form(&member.ctx, &v.cluster, Some(&v), &input, &errors)))
        }
    }
}

async fn review(state: web::Data<AppState>, member: Member, path: web::Path<(String, i64)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    // Who may review is settled before anything in the form is read.
    if !crate::services::registry::is_reviewer(&member.principal) {
        return Err(AppError::Forbidden);
    }
    let decision: Result<Decision, AppError> = super::choice(&form.1.get("decision"), "decision", "registry-decision-choose");
    let lock: i32 = form.1.get("lock").parse().unwrap_or(-1);
    let comment = form.1.get("comment");
    let (p, s, env) = (member.principal.clone(), slug.clone(), state.env.clone());
    let reviewed = match decision {
        Ok(d) => state.write(move |c| sc::review(c, &env, &p, &s, id, lock, d, &comment).map(|()| d)).await,
        Err(e) => Err(e),
    };
    match submitted(reviewed)? {
        Submitted::Done(d) => Ok(see_other(&format!("{}?done={}", pages::card_path(&slug, id), if d == Decision::Approve { "approved" } else { "returned" }))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let v = state.db(move |c| sc::card_view(c, Some(&p), &slug, id)).await?;
            Ok(html(400, pages::card_page(&member.ctx, &v, None, &errors)))
        }
    }
}

async fn short_lists(state: web::Data<AppState>, visit: Visit, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let p = visit.principal.clone();
    let sl = state.db(move |c| sc::short_lists(c, p.as_deref())).await?;
    let flash = (q.done == "published").then_some(visit.ctx.t().esr_short_list_published);
    Ok(html(200, pages::short_lists(&visit.ctx, &sl, flash, &FieldErrors::new())))
}

async fn publish(state: web::Data<AppState>, member: Member, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let note = form.1.get("note");
    let p = member.principal.clone();
    match submitted(state.write(move |c| sc::publish(c, &p, &note)).await)? {
        Submitted::Done(id) => Ok(see_other(&format!("{SHORT_LISTS}/{id}"))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let sl = state.db(move |c| sc::short_lists(c, Some(&p))).await?;
            Ok(html(400, pages::short_lists(&member.ctx, &sl, None, &errors)))
        }
    }
}

/// A published short list: its page, or its CSV or JSON when the name ends in .csv or .json.
async fn short_list(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    let (number, format) = match name.rsplit_once('.') {
        Some((n, f)) if f == "csv" || f == "json" => (n.to_string(), Some(f.to_string())),
        _ => (name.clone(), None),
    };
    let id: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let (list, entries) = state.db(move |c| sc::short_list(c, id)).await?;
    Ok(match format.as_deref() {
        Some("csv") => super::csv_file(&format!("short-list-{id}"), sc::to_csv(&entries)),
        Some(_) => HttpResponse::Ok().content_type("application/json").body(sc::to_json(&list, &entries)),
        None => html(200, views::registry::score_cards::short_list(&visit.ctx, &list, &entries)),
    })
}
