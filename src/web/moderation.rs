//! Moderator routes: the queue and its decisions, members, settings, due queries; and the
//! administrators' community list. Services check the moderator role for each community.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::models;
use crate::models::community::{JoinPolicy, Premoderation};
use crate::services::communities::{self, NewCommunity, Profile, SettingsChange};
use crate::services::experts;
use crate::services::posting::PostInput;
use crate::services::moderate::{self, Bulk, Decide, Decision, DecisionText, Filter};
use crate::paths;
use crate::views;
use crate::web::communities::{done_text, Done};
use crate::web::visit::{Admin, CsrfForm, Empty, Member, Visit};
use crate::web::{checked, choice, choice_or, html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/{slug}/queue", web::get().to(queue))
        .route("/c/{slug}/queue/bulk", web::post().to(bulk))
        .route("/c/{slug}/queue/{id}", web::get().to(review))
        .route("/c/{slug}/queue/{id}/claim", web::post().to(claim))
        .route("/c/{slug}/queue/{id}/decide", web::post().to(decide))
        .route("/c/{slug}/queue/{id}/flags", web::post().to(flags))
        .route("/c/{slug}/t/{id}/visibility", web::post().to(visibility))
        .route("/c/{slug}/t/{id}/close", web::post().to(close_query))
        .route("/c/{slug}/t/{id}/experts", web::post().to(ask_experts))
        .route("/c/{slug}/due", web::get().to(due))
        .route("/c/{slug}/members", web::get().to(members))
        .route("/c/{slug}/members/{user_id}", web::post().to(decide_member))
        .route("/c/{slug}/members/{user_id}/mail", web::post().to(restart_member_mail))
        .route("/c/{slug}/mail-log", web::get().to(mail_log))
        .route("/c/{slug}/invite", web::post().to(invite))
        .route("/c/{slug}/settings", web::get().to(settings_form))
        .route("/c/{slug}/settings", web::post().to(settings))
        .route("/admin/communities", web::get().to(admin_list))
        .route("/admin/communities", web::post().to(admin_create));
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    #[serde(default)]
    show: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    done: String,
}

fn kind_of(k: &str) -> Option<bool> {
    match k {
        "queries" => Some(true),
        "replies" => Some(false),
        _ => None,
    }
}

async fn queue_page(state: &AppState, visit: &Visit, slug: String, q: &QueueQuery, notice_text: Option<String>, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let filter = Filter::parse(&q.show);
    let kind = if q.kind.is_empty() { "all".to_string() } else { q.kind.clone() };
    let k = kind_of(&kind);
    let index = state.search.clone();
    let (a, (queue, similar)) = state
        .with_access(slug, visit, move |c, a| {
            let queue = moderate::queue(c, a, filter, k)?;
            let waiting: Vec<&models::post::Post> = queue.items.iter().map(|i| &i.post).filter(|p| p.in_queue()).collect();
            let similar = crate::services::similar::for_queries(c, &index, a, &waiting)?;
            Ok((queue, similar))
        })
        .await?;
    let text = notice_text.or_else(|| done_text(visit.ctx.t(), &q.done).map(str::to_string));
    Ok(html(status, views::moderation::queue(&visit.ctx, &a, &queue, &similar, filter, &kind, text.as_deref(), errors)))
}

async fn queue(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<QueueQuery>) -> Result<HttpResponse, AppError> {
    queue_page(&state, &visit, path.into_inner(), &q, None, &FieldErrors::new(), 200).await
}

#[derive(Deserialize)]
struct BulkForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    canned: String,
    #[serde(default)]
    message: String,
}

async fn bulk(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<BulkForm>) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let ids: Vec<i64> = form.1.all("ids").iter().filter_map(|s| s.parse().ok()).collect();
    let f = form.0;
    let reason = if f.message.trim().is_empty() { f.canned.clone() } else { f.message.clone() };
    let action: Result<Bulk, AppError> = choice(&f.action, "action", "bulk-action-choose");
    let (uid, env) = (member.principal.user.id, state.env.clone());
    let result = state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            // Rights first: only a moderator hears what is wrong with the form.
            a.require_moderator()?;
            moderate::bulk(c, &env, a, uid, &ids, action?, &reason)
        })
        .await;
    match submitted(result)? {
        Submitted::Done((_, (done, skipped))) => {
            let text = format!("{done} ✓ · {skipped} ↷");
            queue_page(&state, &visit, slug, &QueueQuery::default(), Some(text), &FieldErrors::new(), 200).await
        }
        Submitted::Invalid(errors) => queue_page(&state, &visit, slug, &QueueQuery::default(), None, &errors, 400).await,
    }
}

/// The decision form as posted; `command` reads it into what the use case takes.
#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    canned: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// Read from the raw form (a repeated field): the schemes, when the form showed them.
    #[serde(skip)]
    schemes: Option<Vec<String>>,
}

impl DecisionForm {
    fn text(&self) -> DecisionText {
        DecisionText { canned: self.canned.clone(), message: self.message.clone(), title: self.title.clone(), body: self.body.clone(), schemes: self.schemes.clone() }
    }

    fn command(&self) -> Result<Decide, AppError> {
        let decision = choice(&self.action, "action", "decide-action-choose")?;
        Ok(Decide { decision, version: self.version, text: self.text() })
    }
}

/// The review page, with the decision form as sent (`None`: a fresh form, approve chosen).
async fn review_page(state: &AppState, visit: &Visit, slug: String, id: i64, form: Option<&DecisionForm>, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let index = state.search.clone();
    let (a, (r, similar)) = state
        .with_access(slug, visit, move |c, a| {
            let r = moderate::review(c, a, id)?;
            let similar = crate::services::similar::for_queries(c, &index, a, &[&r.post])?.pop().map(|(_, s)| s).unwrap_or_default();
            Ok((r, similar))
        })
        .await?;
    // A decision that is not one of the choices shows none chosen, beside its message.
    let chosen = form.map_or(Some(Decision::Approve), |f| f.action.parse().ok());
    let text = form.map(DecisionForm::text).unwrap_or_default();
    Ok(html(status, views::moderation::review(&visit.ctx, &a, &r, &similar, chosen, &text, errors)))
}

async fn review(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<(String, i64)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    review_page(&state, &visit, slug, id, None, &FieldErrors::new(), 200).await
}

async fn claim(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let ((slug, id), uid) = (path.into_inner(), member.principal.user.id);
    state.write_with_access(slug.clone(), &visit, move |c, a| moderate::claim(c, a, uid, id)).await?;
    Ok(see_other(&paths::queue_item(&slug, id)))
}

async fn decide(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<DecisionForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let schemes = (!form.1.get("schemes_shown").is_empty()).then(|| form.1.all("schemes"));
    let f = DecisionForm { schemes, ..form.0 };
    let (uid, cmd, env) = (member.principal.user.id, f.command(), state.env.clone());
    let result = state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            // Rights first: only a moderator hears what is wrong with the form.
            a.require_moderator()?;
            moderate::decide(c, &env, a, uid, id, &cmd?)
        })
        .await;
    match submitted(result)? {
        Submitted::Done(_) => Ok(see_other(&paths::community_page(&slug, "queue?done=ok"))),
        Submitted::Invalid(errors) => review_page(&state, &visit, slug, id, Some(&f), &errors, 400).await,
    }
}

#[derive(Deserialize)]
struct FlagsForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    message: String,
}

async fn flags(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<FlagsForm>) -> Result<HttpResponse, AppError> {
    let ((slug, id), f) = (path.into_inner(), form.0);
    let (uid, env) = (member.principal.user.id, state.env.clone());
    state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            // Rights first: only a moderator hears what is wrong with the form.
            a.require_moderator()?;
            let outcome: moderate::FlagOutcome = choice(&f.outcome, "outcome", "flag-outcome-choose")?;
            moderate::resolve_flags(c, &env, a, uid, id, outcome == moderate::FlagOutcome::Remove, &f.message)
        })
        .await?;
    Ok(see_other(&paths::community_page(&slug, "queue?show=flags&done=ok")))
}

#[derive(Deserialize)]
struct VisibilityForm {
    #[serde(default)]
    public: String,
}

async fn visibility(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<VisibilityForm>) -> Result<HttpResponse, AppError> {
    let ((slug, id), public, uid) = (path.into_inner(), form.0.public == "1", member.principal.user.id);
    state.write_with_access(slug.clone(), &visit, move |c, a| moderate::set_public(c, a, uid, id, public)).await?;
    Ok(see_other(&format!("{}?done=ok", paths::thread(&slug, id))))
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    how: String,
    #[serde(default)]
    page: String,
}

/// Closes a query without a new page. The choice is read after the moderator check; a
/// refusal (no such page) shows on the error page with its message.
async fn close_query(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<CloseForm>) -> Result<HttpResponse, AppError> {
    let ((slug, id), f, uid, env) = (path.into_inner(), form.0, member.principal.user.id, state.env.clone());
    state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            a.require_moderator()?;
            let close = match f.how.as_str() {
                "in_thread" => moderate::Close::InThread,
                "existing_page" => moderate::Close::ByPage(f.page),
                _ => return Err(AppError::field("how", "close-how-choose")),
            };
            moderate::close_query(c, &env, a, uid, id, &close)
        })
        .await?;
    Ok(see_other(&format!("{}?done=ok", paths::thread(&slug, id))))
}

/// A moderator asks experts about a query, from its review page in the queue or from the
/// thread; a refused choice shows on the page it came from.
async fn ask_experts(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let chosen: Vec<i64> = form.1.all("expert").iter().filter_map(|s| s.parse().ok()).collect();
    let from_queue = form.1.get("from") == "queue";
    let (uid, env) = (member.principal.user.id, state.env.clone());
    let result = state.write_with_access(slug.clone(), &visit, move |c, a| experts::ask(c, &env, a, uid, id, &chosen)).await;
    match submitted(result)? {
        Submitted::Done(_) if from_queue => Ok(see_other(&format!("{}?done=ok", paths::queue_item(&slug, id)))),
        Submitted::Done(_) => Ok(see_other(&format!("{}?done=ok#experts-asked-h", paths::thread(&slug, id)))),
        Submitted::Invalid(errors) if from_queue => review_page(&state, &visit, slug, id, None, &errors, 400).await,
        Submitted::Invalid(errors) => crate::web::communities::thread_page(&state, &visit, slug, id, &PostInput::default(), &errors, "", 400).await,
    }
}

async fn due(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (a, rows) = state.with_access(path.into_inner(), &visit, moderate::due).await?;
    Ok(html(200, views::moderation::due(&visit.ctx, &a, &rows, models::now())))
}

async fn members_page(state: &AppState, visit: &Visit, slug: String, email: &str, errors: &FieldErrors, done: &str, status: u16) -> Result<HttpResponse, AppError> {
    let (a, m) = state.with_access(slug, visit, communities::members).await?;
    Ok(html(status, views::moderation::members(&visit.ctx, &a, &m, email, errors, done_text(visit.ctx.t(), done))))
}

async fn members(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<Done>) -> Result<HttpResponse, AppError> {
    members_page(&state, &visit, path.into_inner(), "", &FieldErrors::new(), &q.done, 200).await
}

#[derive(Deserialize)]
struct MemberDecision {
    #[serde(default)]
    decision: String,
}

async fn decide_member(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<MemberDecision>) -> Result<HttpResponse, AppError> {
    let ((slug, user_id), uid, decision) = (path.into_inner(), member.principal.user.id, form.0.decision);
    state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            a.require_moderator()?;
            let decision: communities::MemberDecision = choice(&decision, "decision", "member-decision-choose")?;
            communities::decide_membership(c, a, uid, user_id, decision == communities::MemberDecision::Approve)
        })
        .await?;
    Ok(see_other(&paths::community_page(&slug, "members?done=ok")))
}

/// A moderator restarts mail to a member whose mail stopped after bounces.
async fn restart_member_mail(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let ((slug, user_id), uid) = (path.into_inner(), member.principal.user.id);
    state.write_with_access(slug.clone(), &visit, move |c, a| communities::restart_member_mail(c, a, uid, user_id)).await?;
    Ok(see_other(&paths::community_page(&slug, "members?done=ok")))
}

#[derive(Deserialize)]
struct LogPage {
    #[serde(default)]
    page: Option<String>,
}

/// The mail that came for this community, newest first, with what became of each message.
async fn mail_log(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<LogPage>) -> Result<HttpResponse, AppError> {
    let page = crate::services::page_number(q.page.as_deref());
    let slug = path.into_inner();
    let base = paths::community_page(&slug, "mail-log");
    let (a, (rows, has_next)) = state.with_access(slug, &visit, move |c, a| crate::services::ingest::community_log(c, a, page)).await?;
    Ok(html(200, views::mail_pages::inbound_log(&visit.ctx, Some(&a), &rows, &base, page, has_next)))
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
}

async fn invite(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<InviteForm>) -> Result<HttpResponse, AppError> {
    let (slug, email) = (path.into_inner(), form.0.email);
    let (uid, e) = (member.principal.user.id, email.clone());
    match submitted(state.write_with_access(slug.clone(), &visit, move |c, a| communities::invite(c, a, uid, &e)).await)? {
        Submitted::Done(_) => Ok(see_other(&paths::community_page(&slug, "members?done=ok"))),
        Submitted::Invalid(errors) => members_page(&state, &visit, slug, &email, &errors, "", 400).await,
    }
}

#[derive(Deserialize, Default)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// The fields the new-community form and the settings form share.
#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    join_policy: String,
    #[serde(default)]
    public_threads: Option<String>,
}

impl ProfileForm {
    fn read(&self, errors: &mut FieldErrors) -> Profile {
        Profile {
            name: self.name.clone(),
            description: self.description.clone(),
            theme: self.theme.clone(),
            join_policy: choice_or(&self.join_policy, JoinPolicy::Request, "join_policy", "join-policy-choose", errors),
            public_threads: self.public_threads.is_some(),
        }
    }
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(flatten)]
    profile: ProfileForm,
    #[serde(default)]
    premoderation: String,
    #[serde(default)]
    trusted_after: String,
    #[serde(default)]
    hold_rules: String,
    #[serde(default)]
    canned_reasons: String,
    #[serde(default)]
    response_days: String,
    #[serde(default)]
    auto_digest: Option<String>,
}

/// A whole number typed in a form, or 0 with the field's message.
fn number(value: &str, field: &'static str, message: &'static str, errors: &mut FieldErrors) -> i32 {
    value.trim().parse().unwrap_or_else(|_| {
        errors.insert(field, message.into());
        0
    })
}

impl SettingsForm {
    /// The change, with what could not be read noted in the errors (the form comes back with
    /// those fields at their fallback and a message beside them).
    fn read(&self) -> (SettingsChange, FieldErrors) {
        let mut errors = FieldErrors::new();
        let change = SettingsChange {
            profile: self.profile.read(&mut errors),
            premoderation: choice_or(&self.premoderation, Premoderation::All, "premoderation", "premoderation-choose", &mut errors),
            trusted_after: number(&self.trusted_after, "trusted_after", "trusted-after-invalid", &mut errors),
            hold_rules: self.hold_rules.clone(),
            canned_reasons: self.canned_reasons.clone(),
            response_days: number(&self.response_days, "response_days", "response-days-invalid", &mut errors),
            auto_digest: self.auto_digest.is_some(),
        };
        (change, errors)
    }
}

async fn settings_form(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>, q: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    let a = state.access(path.into_inner(), &visit).await?;
    a.require_steward()?;
    let f = SettingsChange::of(&a.community);
    Ok(html(200, views::moderation::settings(&visit.ctx, &a, &f, &FieldErrors::new(), q.saved.is_some())))
}

async fn settings(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<SettingsForm>) -> Result<HttpResponse, AppError> {
    let (slug, uid) = (path.into_inner(), member.principal.user.id);
    let (change, errors) = form.0.read();
    let command = checked(change.clone(), errors);
    // The result is kept apart so the standing comes back for the form shown again; rights
    // are checked before the form's problems are told.
    let (a, result) = state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            a.require_steward()?;
            Ok(command.and_then(|cmd| communities::update_settings(c, a, uid, &cmd)))
        })
        .await?;
    match submitted(result)? {
        Submitted::Done(()) => Ok(see_other(&paths::community_page(&slug, "settings?saved=1"))),
        Submitted::Invalid(errors) => Ok(html(400, views::moderation::settings(&visit.ctx, &a, &change, &errors, false))),
    }
}

#[derive(Deserialize)]
struct CommunityForm {
    #[serde(flatten)]
    profile: ProfileForm,
    #[serde(default)]
    slug: String,
    /// Email addresses of the first moderators, separated by commas, semicolons, spaces or lines.
    #[serde(default)]
    moderators: String,
}

impl CommunityForm {
    fn read(&self) -> (NewCommunity, FieldErrors) {
        let mut errors = FieldErrors::new();
        let new = NewCommunity {
            profile: self.profile.read(&mut errors),
            slug: self.slug.clone(),
            moderators: self.moderators.split([',', '\n', ';', ' ']).map(str::trim).filter(|e| !e.is_empty()).map(str::to_string).collect(),
        };
        (new, errors)
    }
}

async fn admin_page(state: &AppState, admin: &Member, new: &NewCommunity, errors: &FieldErrors, status: u16) -> Result<HttpResponse, AppError> {
    let principal = admin.principal.clone();
    let rows = state.db(move |c| communities::list(c, Some(&principal))).await?;
    Ok(html(status, views::moderation::admin_communities(&admin.ctx, &rows, new, errors)))
}

async fn admin_list(state: web::Data<AppState>, Admin(admin): Admin) -> Result<HttpResponse, AppError> {
    admin_page(&state, &admin, &NewCommunity::default(), &FieldErrors::new(), 200).await
}

async fn admin_create(state: web::Data<AppState>, Admin(admin): Admin, form: CsrfForm<CommunityForm>) -> Result<HttpResponse, AppError> {
    let (new, errors) = form.0.read();
    let (principal, command) = (admin.principal.clone(), checked(new.clone(), errors));
    match submitted(state.write(move |c| communities::create(c, &principal, &command?)).await)? {
        Submitted::Done(slug) => Ok(see_other(&paths::community(&slug))),
        Submitted::Invalid(errors) => admin_page(&state, &admin, &new, &errors, 400).await,
    }
}
