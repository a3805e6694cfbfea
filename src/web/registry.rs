//! Registry routes: public overview, lists, exports and record pages; the focal points'
//! forms, import and work list; the national focal point's review; vocabularies for
//! administrators. Every permission is checked by the service.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors, Message};
use crate::services::registry::{self, Decision, Filters, Kind, TermForm, Values};
use crate::services::registry::import::Importer;
use crate::paths;
use crate::views;
use crate::web::upload::MultipartForm;
use crate::web::visit::{Admin, CsrfForm, Empty, Member, RawForm, Visit};
use crate::web::{blocking, html, see_other, submitted, AppState, Done, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/registry", web::get().to(overview))
        .route("/registry/charts", web::get().to(charts))
        .route("/registry/work", web::get().to(work))
        .route("/registry/import", web::get().to(import_form))
        .route("/registry/import", web::post().to(import))
        .route("/registry/{kind}", web::get().to(list))
        .route("/registry/{kind}/new", web::get().to(new_form))
        .route("/registry/{kind}/new", web::post().to(create))
        .route("/registry/{kind}/{slug}", web::get().to(show))
        .route("/registry/{kind}/{slug}/edit", web::get().to(edit_form))
        .route("/registry/{kind}/{slug}/edit", web::post().to(edit))
        .route("/registry/{kind}/{slug}/withdraw", web::post().to(withdraw))
        .route("/registry/{kind}/{slug}/review/{n}", web::get().to(review_form))
        .route("/registry/{kind}/{slug}/review/{n}", web::post().to(review))
        .route("/registry/{kind}/{slug}/review/{n}/notes", web::post().to(add_note))
        .route("/admin/vocabularies", web::get().to(vocabularies))
        .route("/admin/vocabularies/{vocab}", web::get().to(vocabulary))
        .route("/admin/vocabularies/{vocab}", web::post().to(add_term))
        .route("/admin/vocabularies/{vocab}/{code}", web::post().to(update_term));
}

fn kind_of(plural: &str) -> Result<Kind, AppError> {
    Kind::from_plural(plural).ok_or(AppError::NotFound)
}

#[derive(Deserialize, Default)]
struct MapQuery {
    #[serde(default)]
    map: String,
}

/// The front page reads the same for everyone: its counts are read once per change (the page
/// cache's stamp, taken before the read), not at every request.
async fn overview(state: web::Data<AppState>, visit: Visit, q: web::Query<MapQuery>) -> Result<HttpResponse, AppError> {
    let stamp = state.pages.stamp(state.search.generation());
    let ov = state.kept(&state.registry_pictures.overview, String::new(), stamp, registry::overview).await?;
    let fp = visit.principal.as_deref().is_some_and(registry::may_draft);
    Ok(html(200, views::registry::overview(&visit.ctx, &ov, views::registry::map_kind(&q.map), fp)))
}

/// Initiatives by stage, per state and per sector: read once per change and language.
async fn charts(state: web::Data<AppState>, visit: Visit) -> Result<HttpResponse, AppError> {
    let hindi = visit.ctx.lang == views::Lang::Hi;
    let stamp = state.pages.stamp(state.search.generation());
    let c = state.kept(&state.registry_pictures.charts, hindi.to_string(), stamp, move |conn| registry::stage_charts(conn, hindi)).await?;
    Ok(html(200, views::registry::stage_charts(&visit.ctx, &c)))
}

async fn work(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    let p = member.principal.clone();
    let w = state.db(move |c| registry::work(c, &p)).await?;
    Ok(html(200, views::registry::work(&member.ctx, &w)))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default)]
    template: String,
}

/// A list, or its export when the path ends in .csv or .json.
async fn list(state: web::Data<AppState>, visit: Visit, path: web::Path<String>, req: actix_web::HttpRequest) -> Result<HttpResponse, AppError> {
    let q: ListQuery = serde_urlencoded::from_str(req.query_string()).map_err(|_| AppError::BadRequest(Message::new("registry-filter-invalid")))?;
    let segment = path.into_inner();
    let (name, format) = match segment.rsplit_once('.') {
        Some((n, f)) if f == "csv" || f == "json" => (n.to_string(), Some(f.to_string())),
        _ => (segment.clone(), None),
    };
    let kind = kind_of(&name)?;
    match format.as_deref() {
        Some("csv") => {
            let filters = q.filters.clone();
            let template = !q.template.is_empty();
            let rows = if template { Vec::new() } else { state.db(move |c| registry::csv::exported(c, kind, &filters)).await? };
            let body = registry::csv::to_csv(kind, &state.env, &rows);
            Ok(super::csv_file(kind.plural(), body))
        }
        Some(_) => {
            let filters = q.filters.clone();
            let (rows, series) = state
                .db(move |c| {
                    let rows = registry::csv::exported(c, kind, &filters)?;
                    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
                    Ok::<_, AppError>((rows, registry::series::by_record(c, &ids)?))
                })
                .await?;
            Ok(HttpResponse::Ok().content_type("application/json").body(registry::csv::to_json_with_series(kind, &state.env, &rows, &series)))
        }
        None => {
            // A list reads the same for everyone (who may draft changes only a link): its data is
            // read once per change (the page cache's stamp, taken before the read) and
            // rendered for each reader, signed in or not, whatever else the address carries.
            let hindi = visit.ctx.lang == views::Lang::Hi;
            // The body also shows the filters as typed (the district's case, an unknown value),
            // which the data's key leaves out.
            let mut key = registry::browse_key(kind, &q.filters, hindi);
            key.push('\n');
            key.push_str(&q.filters.query_page(0));
            key.push_str(&q.filters.page);
            let stamp = state.pages.stamp(state.search.generation());
            let filters = q.filters.clone();
            let review_days = state.env.agency_rating_review_days;
            let kept = state
                .kept(&state.registry_lists, key, stamp, move |c| {
                    let mut b = registry::browse(c, kind, &filters, hindi)?;
                    registry::agency_ratings::attach(c, &mut b, review_days)?;
                    Ok(KeptList::new(b))
                })
                .await?;
            let fp = visit.principal.as_deref().is_some_and(registry::may_draft);
            let body = kept.bodies[usize::from(fp)].get_or_init(|| views::registry::list_body(&visit.ctx, &kept.browse, &q.filters, fp).into_string());
            Ok(html(200, views::registry::list_page(&visit.ctx, kind, maud::PreEscaped(body.as_str()))))
        }
    }
}

/// A registry list's data, and its body rendered once for readers who may not draft and once
/// for those who may (the only difference between readers), when first asked for. Rendering
/// fifty records and their facets costs more than the rest of the request.
pub struct KeptList {
    browse: registry::Browse,
    bodies: [std::sync::OnceLock<String>; 2],
}

impl KeptList {
    fn new(browse: registry::Browse) -> Self {
        KeptList { browse, bodies: Default::default() }
    }
}

async fn show(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, String)>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let (plural, slug) = path.into_inner();
    let kind = kind_of(&plural)?;
    let (p, env) = (visit.principal.clone(), state.env.clone());
    let v = match state.db(move |c| registry::agency_ratings::view_with_ratings(c, &env, p.as_deref(), kind, &slug)).await? {
        registry::Lookup::Found(v) => v,
        registry::Lookup::Gone { title, note } => return Ok(html(410, views::registry::gone(&visit.ctx, kind, &title, &note))),
    };
    let t = visit.ctx.t();
    let flash = match q.done.as_str() {
        "saved" => Some(t.registry_saved),
        "submitted" => Some(t.registry_sent),
        "published" => Some(t.registry_published_notice),
        "returned" => Some(t.registry_returned_notice),
        "withdrawn" => Some(t.registry_withdrawn_notice),
        "rated" => Some(t.rating_saved),
        "feedback" => Some(t.registry_feedback_sent),
        _ => None,
    };
    Ok(html(200, views::registry::record(&visit.ctx, &v, flash, &FieldErrors::new())))
}

async fn withdraw(state: web::Data<AppState>, member: Member, path: web::Path<(String, String)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, slug) = path.into_inner();
    let kind = kind_of(&plural)?;
    let note = form.1.get("note");
    let (p, s) = (member.principal.clone(), slug.clone());
    match submitted(state.write(move |c| registry::withdraw(c, &p, kind, &s, &note)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}?done=withdrawn", paths::registry_record(kind.plural(), &slug)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            match state.db(move |c| registry::view(c, Some(&p), kind, &slug)).await? {
                registry::Lookup::Found(v) => Ok(html(400, views::registry::record(&member.ctx, &v, None, &errors))),
                registry::Lookup::Gone { .. } => Err(AppError::Gone),
            }
        }
    }
}

/// The record's values as the form sent them; checkboxes become a list (models::list).
fn values_from(kind: Kind, raw: &RawForm) -> Values {
    let mut v = Values::new();
    for spec in kind.fields() {
        let value = match spec.input {
            registry::Input::Terms(_) => crate::models::list::encode(raw.all(spec.name)),
            _ => raw.get(spec.name),
        };
        v.insert(spec.name.to_string(), value);
    }
    v
}

async fn new_form(state: web::Data<AppState>, member: Member, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path.into_inner())?;
    let p = member.principal.clone();
    let e = state.db(move |c| registry::edit_view(c, &p, kind, None)).await?;
    let mut values = Values::new();
    if let Some([only]) = e.states.as_deref() {
        values.insert("state".into(), only.clone());
    }
    Ok(html(200, views::registry::edit_form(&member.ctx, kind, &e, &values, "", &FieldErrors::new())))
}

async fn create(state: web::Data<AppState>, member: Member, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&path.into_inner())?;
    let values = values_from(kind, &form.1);
    let slug = form.1.get("slug");
    let submit = form.1.get("action") == "submit";
    let (p, v, s, env) = (member.principal.clone(), values.clone(), slug.clone(), state.env.clone());
    match submitted(state.write(move |c| registry::create(c, &env, &p, kind, &s, &v, submit)).await)? {
        Submitted::Done(saved) => Ok(saved_record(kind, &saved)),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let e = state.db(move |c| registry::edit_view(c, &p, kind, None)).await?;
            Ok(html(400, views::registry::edit_form(&member.ctx, kind, &e, &values, &slug, &errors)))
        }
    }
}

/// To the record just saved, saying whether it went for review.
fn saved_record(kind: Kind, saved: &registry::Saved) -> HttpResponse {
    see_other(&format!("{}?done={}", paths::registry_record(kind.plural(), &saved.slug), if saved.submitted { "submitted" } else { "saved" }))
}

async fn edit_form(state: web::Data<AppState>, member: Member, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (plural, slug) = path.into_inner();
    let kind = kind_of(&plural)?;
    let p = member.principal.clone();
    let e = state.db(move |c| registry::edit_view(c, &p, kind, Some(&slug))).await?;
    let values = e.values.clone();
    Ok(html(200, views::registry::edit_form(&member.ctx, kind, &e, &values, "", &FieldErrors::new())))
}

async fn edit(state: web::Data<AppState>, member: Member, path: web::Path<(String, String)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, slug) = path.into_inner();
    let kind = kind_of(&plural)?;
    let values = values_from(kind, &form.1);
    let seen = registry::Seen { version: form.1.get("version").parse().unwrap_or(0), lock: form.1.get("lock").parse().unwrap_or(0) };
    let submit = form.1.get("action") == "submit";
    let (p, v, s, env) = (member.principal.clone(), values.clone(), slug.clone(), state.env.clone());
    match submitted(state.write(move |c| registry::save(c, &env, &p, kind, &s, &v, seen, submit)).await)? {
        Submitted::Done(saved) => Ok(saved_record(kind, &saved)),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let mut e = state.db(move |c| registry::edit_view(c, &p, kind, Some(&slug))).await?;
            e.seen = seen;
            Ok(html(400, views::registry::edit_form(&member.ctx, kind, &e, &values, "", &errors)))
        }
    }
}

async fn review_form(state: web::Data<AppState>, member: Member, path: web::Path<(String, String, i32)>) -> Result<HttpResponse, AppError> {
    let (plural, slug, n) = path.into_inner();
    let kind = kind_of(&plural)?;
    let p = member.principal.clone();
    let v = state.db(move |c| registry::review_view(c, &p, kind, &slug, n)).await?;
    Ok(html(200, views::registry::review(&member.ctx, &v, &FieldErrors::new())))
}

async fn review(state: web::Data<AppState>, member: Member, path: web::Path<(String, String, i32)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, slug, n) = path.into_inner();
    let kind = kind_of(&plural)?;
    // Who may review is settled before anything in the form is read.
    if !registry::is_reviewer(&member.principal) {
        return Err(AppError::Forbidden);
    }
    let decision: Result<Decision, AppError> = super::choice(&form.1.get("decision"), "decision", "registry-decision-choose");
    let lock: i32 = form.1.get("lock").parse().unwrap_or(-1);
    let mut comments = BTreeMap::new();
    for (k, v) in &form.1 .0 {
        if k == "comment" {
            comments.insert(String::new(), v.clone());
        } else if let Some(field) = k.strip_prefix("comment_") {
            comments.insert(field.to_string(), v.clone());
        }
    }
    let (p, s, env) = (member.principal.clone(), slug.clone(), state.env.clone());
    // An unknown decision is answered before a connection is taken.
    let reviewed = match decision {
        Ok(decision) => state.write(move |c| registry::review(c, &p, &env, kind, &s, n, lock, decision, &comments).map(|()| decision)).await,
        Err(e) => Err(e),
    };
    match submitted(reviewed)? {
        Submitted::Done(decision) => {
            let done = if decision == Decision::Approve { "published" } else { "returned" };
            Ok(see_other(&format!("{}?done={done}", paths::registry_record(kind.plural(), &slug))))
        }
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let v = state.db(move |c| registry::review_view(c, &p, kind, &slug, n)).await?;
            Ok(html(400, views::registry::review(&member.ctx, &v, &errors)))
        }
    }
}

/// A note in a review's thread (a sector focal point's technical input, or an answer to it).
async fn add_note(state: web::Data<AppState>, member: Member, path: web::Path<(String, String, i32)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (plural, slug, n) = path.into_inner();
    let kind = kind_of(&plural)?;
    let (p, s, body) = (member.principal.clone(), slug.clone(), form.1.get("note"));
    match submitted(state.write(move |c| registry::add_review_note(c, &p, kind, &s, n, &body)).await)? {
        Submitted::Done(()) => Ok(see_other(&format!("{}#notes", paths::registry_review(kind.plural(), &slug, n)))),
        Submitted::Invalid(errors) => {
            let p = member.principal.clone();
            let v = state.db(move |c| registry::review_view(c, &p, kind, &slug, n)).await?;
            Ok(html(400, views::registry::review(&member.ctx, &v, &errors)))
        }
    }
}

async fn import_form(member: Member) -> Result<HttpResponse, AppError> {
    if !registry::may_draft(&member.principal) {
        return Err(AppError::Forbidden);
    }
    Ok(html(200, views::registry::import(&member.ctx, Kind::Initiative, None, &FieldErrors::new())))
}

/// Each check of a file holds a database connection for a while: a focal point checks and
/// imports a few dozen files an hour at most.
const IMPORTS_PER_HOUR: usize = 30;

async fn import(state: web::Data<AppState>, member: Member, visit: Visit, form: MultipartForm) -> Result<HttpResponse, AppError> {
    if !registry::may_draft(&member.principal) {
        return Err(AppError::Forbidden);
    }
    let hour = std::time::Duration::from_secs(3600);
    // Counted across every portal process on the database.
    state.check_shared(&format!("import-ip:{}", visit.client_ip), 2 * IMPORTS_PER_HOUR, hour).await?;
    state.limit_shared(&format!("import:{}", member.principal.user.id), IMPORTS_PER_HOUR, hour).await?;
    state.record_shared(&format!("import-ip:{}", visit.client_ip), hour).await;
    let form = form.read().await?;
    let kind = Kind::from_code(&form.get("kind")).unwrap_or(Kind::Initiative);
    let dry_run = form.get("mode") != "import";
    let text = match uploaded_csv(form.files).await? {
        Ok(t) => t,
        Err(errors) => return Ok(html(400, views::registry::import(&member.ctx, kind, None, &errors))),
    };
    let p = member.principal.clone();
    let report = state.write(move |c| registry::import::import(c, Importer::FocalPoint(&p), kind, &text, dry_run)).await?;
    let status = if report.problems.is_empty() { 200 } else { 400 };
    Ok(html(status, views::registry::import(&member.ctx, kind, Some(&report), &FieldErrors::new())))
}

/// The CSV file an import form sent, as text; or the message for its file field (none sent,
/// too large, not UTF-8).
pub(crate) async fn uploaded_csv(files: Vec<crate::services::attachments::Received>) -> Result<Result<String, FieldErrors>, AppError> {
    let Some(file) = files.into_iter().next() else { return Ok(Err(error("file", "csv-choose-file".into()))) };
    if file.size > registry::import::MAX_BYTES {
        return Ok(Err(error("file", "csv-too-large".into())));
    }
    let bytes = blocking(move || file.read_all()).await??;
    Ok(String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        error("file", Message::new("csv-not-utf8").arg("line", line))
    }))
}

fn error(field: &'static str, msg: Message) -> FieldErrors {
    let mut e = FieldErrors::new();
    e.insert(field, msg);
    e
}

async fn vocabularies(admin: Admin) -> Result<HttpResponse, AppError> {
    Ok(html(200, views::registry::vocabularies(&admin.0.ctx, registry::vocabulary_names())))
}

fn vocab_title(name: &str) -> Result<&'static str, AppError> {
    registry::vocabulary_names().iter().find(|(n, _)| *n == name).map(|(_, t)| *t).ok_or(AppError::NotFound)
}

async fn vocabulary(state: web::Data<AppState>, admin: Admin, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    let flash = (!q.done.is_empty()).then_some(admin.0.ctx.t().registry_saved);
    vocabulary_page(&state, &admin.0, path.into_inner(), &TermForm::default(), &FieldErrors::new(), flash, 200).await
}

async fn vocabulary_page(state: &AppState, admin: &Member, name: String, form: &TermForm, errors: &FieldErrors, flash: Option<&str>, status: u16) -> Result<HttpResponse, AppError> {
    let title = vocab_title(&name)?;
    let (p, n) = (admin.principal.clone(), name.clone());
    let terms = state.db(move |c| registry::vocabulary(c, &p, &n)).await?;
    Ok(html(status, views::registry::vocabulary(&admin.ctx, &name, title, &terms, form, errors, flash)))
}

fn term_form(raw: &RawForm) -> TermForm {
    TermForm {
        code: raw.get("code"),
        label: raw.get("label"),
        label_hi: raw.get("label_hi"),
        grp: raw.get("grp"),
        retired: !raw.get("retired").is_empty(),
    }
}

async fn add_term(state: web::Data<AppState>, admin: Admin, path: web::Path<String>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    save_term(&state, &admin.0, path.into_inner(), None, &form.1).await
}

async fn update_term(state: web::Data<AppState>, admin: Admin, path: web::Path<(String, String)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (name, code) = path.into_inner();
    save_term(&state, &admin.0, name, Some(code), &form.1).await
}

/// Adds a term to the vocabulary `name`, or changes the term `code`. A new term's form comes
/// back filled in on a mistake; a change's errors show over an empty form for the next term.
async fn save_term(state: &AppState, admin: &Member, name: String, code: Option<String>, raw: &RawForm) -> Result<HttpResponse, AppError> {
    vocab_title(&name)?;
    let tf = term_form(raw);
    let (p, n, f, new) = (admin.principal.clone(), name.clone(), tf.clone(), code.is_none());
    let saved = state
        .write(move |c| match code {
            Some(code) => registry::update_term(c, &p, &n, &code, &f),
            None => registry::add_term(c, &p, &n, &f),
        })
        .await;
    match submitted(saved)? {
        Submitted::Done(()) => Ok(see_other(&format!("/admin/vocabularies/{name}?done=1"))),
        Submitted::Invalid(errors) => {
            let shown = if new { tf } else { TermForm::default() };
            vocabulary_page(state, admin, name, &shown, &errors, None, 400).await
        }
    }
}
