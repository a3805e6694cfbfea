//! Joining, confirming email, signing in and out, password reset, profile, dashboard, language.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::Markup;
use serde::Deserialize;

use crate::error::{AppError, FieldErrors, Message};
use crate::models::user::Profile;
use crate::paths;
use crate::services::accounts::{self, Registration};
use crate::views::{self, Lang};
use crate::web::visit::{make_cookie, removal_cookie, with_cookie, CsrfForm, Empty, Member, Visit, CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::web::page_cache::no_public_change;
use crate::web::ratelimit::Hit;
use crate::web::{html, safe_next, see_other, submitted, AppState, Submitted};
use crate::services::roles;
use crate::tokens;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/register", web::get().to(register_form))
        .route("/register", web::post().to(register))
        .route("/verify", web::get().to(verify))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/logout-everywhere", web::post().to(logout_everywhere))
        .route("/password/forgot", web::get().to(forgot_form))
        .route("/password/forgot", web::post().to(forgot))
        .route("/password/reset", web::get().to(reset_form))
        .route("/password/reset", web::post().to(reset))
        .route("/profile", web::get().to(profile_form))
        .route("/profile", web::post().to(profile))
        .route("/password/change", web::get().to(change_password_form))
        .route("/password/change", web::post().to(change_password))
        .route("/credit-consent", web::get().to(credit_form))
        .route("/credit-consent", web::post().to(credit))
        .route("/dashboard", web::get().to(dashboard))
        .route("/lang/{code}", web::get().to(switch_language));
}

const HOUR: Duration = Duration::from_secs(3600);

async fn register_form(state: web::Data<AppState>, visit: Visit) -> HttpResponse {
    html(200, views::accounts::register(&visit.ctx, &Registration::default(), &FieldErrors::new(), &crate::web::rights::grievance(&state)))
}

async fn register(state: web::Data<AppState>, visit: Visit, form: CsrfForm<Registration>) -> Result<HttpResponse, AppError> {
    let reg = form.0;
    state.limit_shared(&format!("register:{}", visit.client_ip), 20, HOUR).await?;
    let checked = match submitted(accounts::check_registration(&reg))? {
        Submitted::Done(checked) => checked,
        Submitted::Invalid(errors) => return Ok(html(400, views::accounts::register(&visit.ctx, &reg, &errors, &crate::web::rights::grievance(&state)))),
    };
    // Every sign-up costs one hash, taken address or not, and the hash holds no connection.
    let hash = state.passwords.hash(reg.password.clone()).await?;
    // At most a few mails an hour to one address, whoever fills in the form; the answer is the same.
    if state.hit_shared(&format!("register-email:{}", accounts::normalise_email(&reg.email)), 3, HOUR).await? == Hit::Counted {
        let env = state.env.clone();
        state.write(move |c| accounts::register_checked(c, &env, &checked, &hash)).await?;
    }
    let t = visit.ctx.t();
    Ok(html(200, views::accounts::message(&visit.ctx, t.register_done_title, t.register_done_body, None)))
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn verify(state: web::Data<AppState>, visit: Visit, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let t = visit.ctx.t();
    let secret = q.into_inner().token;
    match state.write(move |c| accounts::verify_email(c, &secret)).await {
        Ok(_) => Ok(html(200, views::accounts::message(&visit.ctx, t.verified_title, t.verified_body, Some(("/login", t.nav_sign_in))))),
        Err(AppError::BadRequest(msg)) => Ok(link_problem(&visit, &msg, ("/login", t.nav_sign_in))),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_form(visit: Visit, q: web::Query<NextQuery>) -> HttpResponse {
    if visit.principal.is_some() {
        return see_other(&safe_next(&q.next, "/dashboard"));
    }
    html(200, views::accounts::login(&visit.ctx, "", &q.next, &FieldErrors::new(), None))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn too_many_attempts(visit: &Visit, email: &str, next: &str, secs: u64) -> HttpResponse {
    let mut errors = FieldErrors::new();
    let minutes = secs.div_ceil(60);
    errors.insert("password", crate::error::Message::new("too-many-attempts").arg("minutes", minutes));
    let mut res = html(429, views::accounts::login(&visit.ctx, email, next, &errors, None));
    res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    res
}

async fn login(state: web::Data<AppState>, visit: Visit, req: HttpRequest, form: CsrfForm<LoginForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let window = Duration::from_secs(state.config.login_window_secs);
    let max = state.config.login_attempts;
    let email_key = format!("login-email:{}", accounts::normalise_email(&f.email));
    let ip_key = format!("login-ip:{}", visit.client_ip);
    // A storm of checks is answered at once, before it costs a lookup or one of the attempts.
    if state.passwords.full() {
        return Ok(too_many_attempts(&visit, &f.email, &f.next, 1));
    }
    // Counted in one step before the password is tested, so concurrent guesses cannot slip
    // past the limit. Per account the limit is tight; per address looser, since an office may
    // share one. The address first: a request it refuses never makes or counts an account key.
    // The first refusal of a key in its window goes to the security log (Some(account named or
    // None for the address)), later ones do not, so a flood writes no row per request.
    // Counted across every portal process on the database.
    let refused = match state.hit_shared(&ip_key, max * 4, window).await? {
        Hit::Counted => match state.hit_shared(&email_key, max, window).await? {
            Hit::Counted => None,
            Hit::FirstRefused(secs) => Some((secs, Some(Some(f.email.clone())))),
            Hit::Refused(secs) => Some((secs, None)),
        },
        Hit::FirstRefused(secs) => Some((secs, Some(None))),
        Hit::Refused(secs) => Some((secs, None)),
    };
    if let Some((secs, to_log)) = refused {
        if let Some(email) = to_log {
            let address = visit.client_ip.clone();
            state.write(move |c| accounts::sign_in_limited(c, email.as_deref(), &address)).await?;
        }
        return Ok(too_many_attempts(&visit, &f.email, &f.next, secs));
    }
    let agent = req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let days = state.config.session_days;
    // Look up (a short use of a connection), check the password (no connection held), then
    // open the session (another short use).
    let email = f.email.clone();
    let account = state.db(move |c| accounts::find_for_sign_in(c, &email)).await?;
    let stored = account.as_ref().map(|u| u.password_hash.clone());
    let password_ok = state.passwords.check(f.password.clone(), stored).await?;
    let (env, address) = (state.env.clone(), visit.client_ip.clone());
    let outcome = state
        .write(move |c| accounts::finish_sign_in(c, &env, account, password_ok, &accounts::Attempt { user_agent: &agent, address: &address }, days))
        .await;
    match submitted(outcome)? {
        Submitted::Done(signed_in) => {
            // A right password is not a guess: it costs neither the account nor the shared
            // address (an office or a training room signs in many people from one address).
            state.clear_shared(&email_key).await;
            state.forget_last_shared(&ip_key).await;
            let res = with_cookie(see_other(&safe_next(&f.next, "/dashboard")), make_cookie(&state, SESSION_COOKIE, signed_in.token, Some(days)))?;
            // A fresh CSRF token with the fresh session: nothing planted before sign-in survives it.
            with_cookie(res, make_cookie(&state, CSRF_COOKIE, tokens::random_token(), None)).map(no_public_change)
        }
        Submitted::Invalid(errors) => Ok(html(400, views::accounts::login(&visit.ctx, &f.email, &f.next, &errors, None))),
    }
}

async fn logout(state: web::Data<AppState>, req: HttpRequest, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    if let Some(c) = req.cookie(&crate::web::visit::cookie_name(&state, SESSION_COOKIE)) {
        let secret = c.value().to_string();
        state.write(move |conn| accounts::sign_out(conn, &secret)).await?;
    }
    with_cookie(see_other("/"), removal_cookie(&state, SESSION_COOKIE)).map(no_public_change)
}

async fn logout_everywhere(state: web::Data<AppState>, member: Member, _form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let user_id = member.principal.user.id;
    state.write(move |c| accounts::sign_out_everywhere(c, user_id)).await?;
    let t = member.ctx.t();
    signed_out(&state, &member.ctx, t.signed_out_everywhere, t.signed_out_everywhere)
}

/// A message for a visitor whose session has just ended: shown as to a stranger, with the
/// session cookie removed.
fn signed_out(state: &AppState, ctx: &views::Ctx, title: &str, body: &str) -> Result<HttpResponse, AppError> {
    let mut ctx = ctx.clone();
    ctx.viewer = None;
    let t = ctx.t();
    let page = html(200, views::accounts::message(&ctx, title, body, Some(("/login", t.nav_sign_in))));
    with_cookie(page, removal_cookie(state, SESSION_COOKIE))
}

/// A link that does not work (any more): what is wrong, and where to go instead.
fn link_problem(visit: &Visit, msg: &Message, next: (&str, &str)) -> HttpResponse {
    let t = visit.ctx.t();
    html(400, views::accounts::message(&visit.ctx, t.link_problem_title, &t.msg(msg), Some(next)))
}

async fn forgot_form(visit: Visit) -> HttpResponse {
    html(200, views::accounts::forgot(&visit.ctx, "", &FieldErrors::new(), false))
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn forgot(state: web::Data<AppState>, visit: Visit, form: CsrfForm<EmailForm>) -> Result<HttpResponse, AppError> {
    let email = form.0.email;
    // The address is checked before it becomes a limiter key, so a key is never more than a
    // valid address (at most 254 bytes).
    let normal = accounts::normalise_email(&email);
    let mut errors = FieldErrors::new();
    accounts::check_email(&normal, &mut errors);
    if !errors.is_empty() {
        let typed: String = email.chars().take(254).collect();
        return Ok(html(400, views::accounts::forgot(&visit.ctx, &typed, &errors, false)));
    }
    // Quietly cap mails per address so the form cannot be used to flood someone's inbox.
    let allowed = state.hit_shared(&format!("reset-ip:{}", visit.client_ip), 20, HOUR).await? == Hit::Counted
        && state.hit_shared(&format!("reset:{normal}"), 5, HOUR).await? == Hit::Counted;
    if allowed {
        let env = state.env.clone();
        let e = email.clone();
        if let Submitted::Invalid(errors) = submitted(state.write(move |c| accounts::request_password_reset(c, &env, &e)).await)? {
            return Ok(html(400, views::accounts::forgot(&visit.ctx, &email, &errors, false)));
        }
    }
    Ok(html(200, views::accounts::forgot(&visit.ctx, "", &FieldErrors::new(), true)))
}

async fn reset_form(state: web::Data<AppState>, visit: Visit, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let secret = q.into_inner().token;
    let s = secret.clone();
    match state.db(move |c| accounts::check_reset_link(c, &s)).await {
        Ok(u) => Ok(html(200, views::accounts::reset(&visit.ctx, &secret, &u.email, &FieldErrors::new()))),
        Err(AppError::BadRequest(msg)) => Ok(link_problem(&visit, &msg, (paths::PASSWORD_FORGOT, visit.ctx.t().forgot_link))),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn reset(state: web::Data<AppState>, visit: Visit, form: CsrfForm<ResetForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let t = visit.ctx.t();
    let result = reset_with_link(&state, &f.token, &f.password, &visit.client_ip).await;
    if let Err(AppError::BadRequest(msg)) = &result {
        return Ok(link_problem(&visit, msg, (paths::PASSWORD_FORGOT, t.forgot_link)));
    }
    match submitted(result)? {
        Submitted::Done(_) => signed_out(&state, &visit.ctx, t.reset_title, t.reset_done),
        Submitted::Invalid(errors) => {
            let s = f.token.clone();
            let email = state.db(move |c| accounts::check_reset_link(c, &s)).await?.email;
            Ok(html(400, views::accounts::reset(&visit.ctx, &f.token, &email, &errors)))
        }
    }
}

/// Checks the link and the new password, hashes it outside the pool, then sets it.
async fn reset_with_link(state: &AppState, secret: &str, password: &str, address: &str) -> Result<i64, AppError> {
    let s = secret.to_string();
    let u = state.db(move |c| accounts::check_reset_link(c, &s)).await?;
    accounts::check_new_password(password, &u.email)?;
    let hash = state.passwords.hash(password.to_string()).await?;
    let (s, address) = (secret.to_string(), address.to_string());
    state.write(move |c| accounts::reset_password_hashed(c, &s, &hash, &address)).await
}

#[derive(Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn profile_page(state: &AppState, member: &Member, form: &Profile, errors: &FieldErrors, saved: bool) -> Result<Markup, AppError> {
    let user_id = member.principal.user.id;
    let (sessions, deliveries, notices) = state
        .db(move |c| Ok((accounts::sessions_of(c, user_id)?, crate::services::communities::deliveries(c, user_id)?, crate::services::notify::settings(c, user_id)?)))
        .await?;
    let delivery = maud::html! {
        (views::mail_pages::delivery_settings(&member.ctx, &deliveries, member.principal.user.mail_stopped_at.is_some()))
        (views::mail_pages::notice_settings(&member.ctx, &notices))
    };
    Ok(views::accounts::profile(&member.ctx, &member.principal.user.email, form, errors, &sessions, member.principal.session_id, saved, &delivery))
}

async fn profile_form(state: web::Data<AppState>, member: Member, q: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    let u = &member.principal.user;
    let form = Profile {
        name: u.name.clone(),
        organisation: u.organisation.clone(),
        state: u.state.clone(),
        district: u.district.clone(),
        role_title: u.role_title.clone(),
        language: u.language.clone(),
        credit_consent: u.credit_consent,
    };
    Ok(html(200, profile_page(&state, &member, &form, &FieldErrors::new(), q.saved.is_some()).await?))
}

#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    role_title: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    credit_consent: Option<String>,
}

async fn profile(state: web::Data<AppState>, member: Member, form: CsrfForm<ProfileForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let p = Profile { name: f.name, organisation: f.organisation, state: f.state, district: f.district, role_title: f.role_title, language: f.language, credit_consent: f.credit_consent.is_some() };
    let user_id = member.principal.user.id;
    let q = p.clone();
    match submitted(state.write(move |c| accounts::update_profile(c, user_id, &q)).await)? {
        Submitted::Done(()) => {
            with_cookie(see_other("/profile?saved=1"), make_cookie(&state, LANG_COOKIE, p.language.clone(), Some(365)))
        }
        Submitted::Invalid(errors) => Ok(html(400, profile_page(&state, &member, &p, &errors, false).await?)),
    }
}

async fn dashboard(state: web::Data<AppState>, member: Member) -> Result<HttpResponse, AppError> {
    let user_id = member.principal.user.id;
    let principal = member.principal.clone();
    let (grants, board) = state
        .db(move |c| Ok((roles::grants_of(c, user_id)?, crate::services::communities::dashboard(c, &principal)?)))
        .await?;
    Ok(html(200, views::accounts::dashboard(&member.ctx, &member.principal.user, &grants, &board)))
}

async fn switch_language(state: web::Data<AppState>, path: web::Path<String>, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_code(&path.into_inner()).ok_or(AppError::NotFound)?;
    with_cookie(see_other(&safe_next(&q.next, "/")), make_cookie(&state, LANG_COOKIE, lang.code().to_string(), Some(365)))
}

async fn change_password_form(member: Member, q: web::Query<SavedQuery>) -> HttpResponse {
    html(200, views::accounts::change_password(&member.ctx, &member.principal.user.email, &FieldErrors::new(), q.saved.is_some()))
}

#[derive(Deserialize)]
struct ChangePasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
}

/// Guessing one's own password from a stolen session (to change it, or to delete the account)
/// is limited like signing in, per form. Returns the key to clear once the password was right.
pub(super) async fn limit_own_password_guesses(state: &AppState, form: &str, user_id: i64) -> Result<String, AppError> {
    let key = format!("{form}:{user_id}");
    let window = Duration::from_secs(state.config.login_window_secs);
    state.limit_shared(&key, state.config.login_attempts, window).await?;
    Ok(key)
}

async fn change_password(state: web::Data<AppState>, member: Member, visit: Visit, form: CsrfForm<ChangePasswordForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let u = &member.principal.user;
    let key = limit_own_password_guesses(&state, "password-change", u.id).await?;
    match submitted(change_own_password(&state, &member, &visit.client_ip, f).await)? {
        Submitted::Done(()) => {
            state.clear_shared(&key).await;
            Ok(see_other("/password/change?saved=1"))
        }
        Submitted::Invalid(errors) => Ok(html(400, views::accounts::change_password(&member.ctx, &u.email, &errors, false))),
    }
}

/// Checks the current password and hashes the new one outside the pool, then sets it.
async fn change_own_password(state: &AppState, member: &Member, address: &str, f: ChangePasswordForm) -> Result<(), AppError> {
    let u = &member.principal.user;
    let (user_id, session_id, address) = (u.id, member.principal.session_id, address.to_string());
    if !state.passwords.check(f.current_password, Some(u.password_hash.clone())).await? {
        return state.write(move |c| accounts::refuse_password_change(c, user_id, &address)).await;
    }
    accounts::check_new_password(&f.password, &u.email)?;
    let hash = state.passwords.hash(f.password).await?;
    let env = state.env.clone();
    state.write(move |c| accounts::change_password_hashed(c, &env, user_id, session_id, &hash, &address)).await
}

/// The consent question comes first for a member who has never answered it: the form they
/// opened (`next`) follows once they have. None when they have answered.
pub fn credit_question_first(visit: &Visit) -> Option<HttpResponse> {
    let p = visit.principal.as_ref()?;
    if p.user.credit_consent_at.is_some() {
        return None;
    }
    Some(see_other(&format!("/credit-consent?next={}", views::urlencode(&visit.ctx.path))))
}

/// Where to go after a post: the question first for a member who has never answered it.
pub fn after_post(visit: &Visit, location: &str) -> String {
    match visit.principal.as_ref() {
        Some(p) if p.user.credit_consent_at.is_none() => format!("/credit-consent?next={}", views::urlencode(location)),
        _ => location.to_string(),
    }
}

async fn credit_form(member: Member, q: web::Query<NextQuery>) -> HttpResponse {
    html(200, views::accounts::credit_question(&member.ctx, &safe_next(&q.next, "/dashboard")))
}

#[derive(Deserialize)]
struct CreditForm {
    #[serde(default)]
    consent: String,
    #[serde(default)]
    next: String,
}

async fn credit(state: web::Data<AppState>, member: Member, form: CsrfForm<CreditForm>) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let (user_id, consent) = (member.principal.user.id, f.consent == "yes");
    state.write(move |c| accounts::choose_credit(c, user_id, consent)).await?;
    Ok(see_other(&safe_next(&f.next, "/dashboard")))
}
