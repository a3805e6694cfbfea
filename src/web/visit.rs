//! The request context: who is visiting (from the session cookie), in which language, and the
//! CSRF token their forms carry. The `context` middleware builds it once per request; the
//! extractors below hand it to handlers and enforce roles and CSRF on the server.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::services::accounts;
use crate::tokens;
use crate::views::{self, Ctx, Lang, Viewer};
use crate::web::{page_cache, AppState};

pub const SESSION_COOKIE: &str = "solex_session";
pub const CSRF_COOKIE: &str = "solex_csrf";
pub const LANG_COOKIE: &str = "solex_lang";

/// Secure cookies get the `__Host-` prefix: the browser then refuses them from subdomains
/// or over plain HTTP.
pub fn cookie_name(state: &AppState, base: &'static str) -> String {
    if state.config.cookies_secure() { format!("__Host-{base}") } else { base.to_string() }
}

pub fn make_cookie(state: &AppState, base: &'static str, value: String, max_age_days: Option<i64>) -> Cookie<'static> {
    let mut c = Cookie::build(cookie_name(state, base), value)
        .path("/")
        .http_only(true)
        .secure(state.config.cookies_secure())
        .same_site(SameSite::Lax)
        .finish();
    if let Some(days) = max_age_days {
        c.set_max_age(time::Duration::days(days));
    }
    c
}

pub fn removal_cookie(state: &AppState, base: &'static str) -> Cookie<'static> {
    let mut c = make_cookie(state, base, String::new(), None);
    c.make_removal();
    c
}

/// The answer with a cookie set; a cookie that cannot be a header is our fault, never the visitor's.
pub fn with_cookie(mut res: HttpResponse, cookie: Cookie<'_>) -> Result<HttpResponse, AppError> {
    res.add_cookie(&cookie).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(res)
}

/// What the middleware learned about this request.
#[derive(Clone)]
pub struct Visit {
    pub ctx: Ctx,
    pub principal: Option<Arc<accounts::Principal>>,
    pub client_ip: String,
}

fn skip_context(path: &str) -> bool {
    path.starts_with("/static/") || path == "/healthz" || path == "/metrics"
}

pub async fn context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if skip_context(req.path()) {
        let res = next.call(req).await?.map_into_boxed_body();
        if res.request().path().starts_with("/static/") && matches!(res.status().as_u16(), 404 | 500) {
            return Ok(static_miss(res));
        }
        return Ok(res);
    }
    let state = req.app_data::<web::Data<AppState>>().cloned().expect("AppState registered");
    let csrf_existing = req
        .cookie(&cookie_name(&state, CSRF_COOKIE))
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let csrf_is_new = csrf_existing.is_none();
    let csrf = csrf_existing.unwrap_or_else(tokens::random_token);

    let session_secret = req.cookie(&cookie_name(&state, SESSION_COOKIE)).map(|c| c.value().to_string());
    let is_write = !matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD);
    let principal = match session_secret.clone() {
        Some(secret) if !secret.is_empty() => match principal_of(&state, secret, is_write).await {
            Ok(p) => p,
            // The database did not answer: the error page, or JSON under /api, for a visitor
            // not known yet, never the framework's empty answer.
            Err(e) => {
                let ctx = Ctx { lang: accept_language(req.request()), csrf, path: req.path().to_string(), base_url: state.base_url.clone(), viewer: None, request_id: request_id_of(req.request()), terms: Default::default() };
                let json = wants_json(&req);
                let (http_req, _) = req.into_parts();
                return Ok(ServiceResponse::new(http_req, render_error(&ctx, &e, json)));
            }
        },
        _ => None,
    };
    let stale_session = session_secret.is_some() && principal.is_none();

    let lang = req
        .cookie(&cookie_name(&state, LANG_COOKIE))
        .and_then(|c| Lang::from_code(c.value()))
        .or_else(|| principal.as_ref().and_then(|p| Lang::from_code(&p.user.language)))
        .unwrap_or_else(|| accept_language(req.request()));
    let path = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{}", req.path(), q),
    };
    let client_ip = if state.config.trust_proxy {
        req.connection_info().realip_remote_addr().unwrap_or("unknown").to_string()
    } else {
        req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into())
    };
    // Labels and options for the views; a page still renders (terms as codes) when the
    // database does not answer.
    let terms = state.vocabularies().await.unwrap_or_else(|e| {
        tracing::warn!("vocabularies not read: {e}");
        Default::default()
    });
    let visit = Visit {
        ctx: Ctx {
            terms,
            lang,
            csrf: csrf.clone(),
            path,
            base_url: state.base_url.clone(),
            request_id: request_id_of(req.request()),
            viewer: principal.as_ref().map(|p| Viewer {
                id: p.user.id,
                name: p.user.name.clone(),
                is_admin: p.roles.is_admin(),
            }),
        },
        principal,
        client_ip,
    };
    req.extensions_mut().insert(visit.clone());
    // Filters and search terms are shown back and matched as text: bytes that are not UTF-8
    // would come back as replacement characters and match nothing, so such a query is refused.
    let query_is_text = percent_encoding::percent_decode_str(req.query_string()).decode_utf8().is_ok();
    let wants_json = wants_json(&req);

    let cache_path = (*req.method() == actix_web::http::Method::GET && visit.principal.is_none() && page_cache::applies(req.path()))
        .then(|| visit.ctx.path.clone());
    let stamp = state.pages.stamp(state.search.generation());
    if let Some(hit) = cache_path.as_deref().and_then(|p| state.pages.get(p, visit.ctx.lang, stamp)) {
        let mut response = HttpResponse::Ok();
        for (name, value) in hit.headers {
            response.insert_header((name, value));
        }
        let mut response = response.body(hit.body);
        set_visit_cookies(&state, &mut response, csrf_is_new.then_some(csrf), stale_session);
        if let Some(route) = hit.route {
            req.extensions_mut().insert(page_cache::Route(route));
        }
        return Ok(req.into_response(response));
    }

    if !query_is_text {
        let (http_req, _) = req.into_parts();
        let err = AppError::BadRequest("address-not-utf8".into());
        return Ok(ServiceResponse::new(http_req, render_error(&visit.ctx, &err, wants_json)));
    }
    let is_api = is_api(req.path());
    let res = next.call(req).await?;
    let (http_req, response) = res.into_parts();
    let mut response = match response.error().and_then(|e| e.as_error::<AppError>()) {
        Some(err) => render_error(&visit.ctx, err, wants_json),
        None if !is_api && !wants_json && is_bare_refusal(&response) => styled_refusal(&visit.ctx, response),
        None => response.map_into_boxed_body(),
    };
    if let Some(path) = cache_path.filter(|_| response.status() == actix_web::http::StatusCode::OK) {
        let (head, body) = response.into_parts();
        response = match body.try_into_bytes() {
            Ok(bytes) => {
                // str's substring search, not a comparison at every offset of the page.
                let carries_token = std::str::from_utf8(&bytes).map_or(true, |html| html.contains(csrf.as_str()));
                if !carries_token {
                    state.pages.put(path, visit.ctx.lang, stamp, http_req.match_pattern(), bytes.clone(), head.headers());
                }
                head.set_body(BoxBody::new(bytes))
            }
            Err(body) => head.set_body(body),
        };
    }
    // A refused request (4xx) wrote nothing (bad input loses nothing and leaves nothing half
    // written), so a flood of refused sign-ins or forged forms keeps every cached page; any
    // other write may have changed any page, unless its handler says it changed none.
    let refused = response.status().is_client_error();
    if is_write && !refused {
        state.note_change(response.extensions().get::<page_cache::NoPublicChange>().is_none()).await;
    }
    set_visit_cookies(&state, &mut response, csrf_is_new.then_some(csrf), stale_session);
    Ok(ServiceResponse::new(http_req, response))
}

/// Who the session with this secret belongs to. A request that only reads takes it from the
/// signed-in cache, kept until any write succeeds here or in another process (a sign-out, a
/// password changed, a role taken away) or for a few seconds; a write always reads it afresh.
async fn principal_of(state: &AppState, secret: String, is_write: bool) -> Result<Option<Arc<accounts::Principal>>, AppError> {
    let key = tokens::hash_token(&secret);
    let stamp = state.pages.signed_in_stamp(state.search.generation());
    if !is_write {
        if let Some(p) = state.principals.get(&key, stamp).filter(|p| p.session_ends_at > crate::models::now()) {
            return Ok(Some(p));
        }
    }
    let principal = state.db(move |c| accounts::principal_for_token(c, &secret)).await?.map(Arc::new);
    match &principal {
        Some(p) if !is_write => state.principals.put(key, stamp, p.clone()),
        Some(_) => {}
        None => state.principals.remove(&key),
    }
    Ok(principal)
}

/// A new visitor's CSRF token, and the removal of a session cookie that names no session.
fn set_visit_cookies(state: &AppState, response: &mut HttpResponse, new_csrf: Option<String>, stale_session: bool) {
    if let Some(token) = new_csrf {
        let _ = response.add_cookie(&make_cookie(state, CSRF_COOKIE, token, None));
    }
    if stale_session {
        let _ = response.add_cookie(&removal_cookie(state, SESSION_COOKIE));
    }
}

/// The id `observe` gave this request.
fn request_id_of(req: &HttpRequest) -> Option<std::sync::Arc<str>> {
    req.extensions().get::<crate::web::RequestId>().map(|r| r.0.clone())
}

/// The visitor's language from Accept-Language, English when none is supported.
fn accept_language(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::En)
}

/// A file under /static/ that is not there gets the portal's 404 page, not the file server's
/// bare answer. Static requests skip the session lookup, so the page is the anonymous one.
fn static_miss(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let (http_req, _) = res.into_parts();
    let state = http_req.app_data::<web::Data<AppState>>().cloned().expect("AppState registered");
    let lang = http_req
        .cookie(&cookie_name(&state, LANG_COOKIE))
        .and_then(|c| Lang::from_code(c.value()))
        .unwrap_or_else(|| accept_language(&http_req));
    let ctx = Ctx { lang, csrf: String::new(), path: http_req.path().to_string(), viewer: None, base_url: state.base_url.clone(), request_id: request_id_of(&http_req), terms: Default::default() };
    let response = render_error(&ctx, &AppError::NotFound, false);
    ServiceResponse::new(http_req, response)
}

/// The JSON API: every answer under /api, errors included, is JSON.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// An error answers this request as JSON: under /api, or for a client that asks for JSON only.
fn wants_json(req: &ServiceRequest) -> bool {
    is_api(req.path())
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

/// A 4xx the framework answered itself: a wrong method on a known path (405, no body), or an
/// extractor's refusal (its own plain-text message). A handler's own 4xx carries its type.
fn is_bare_refusal<B>(res: &HttpResponse<B>) -> bool {
    res.status().is_client_error() && (res.error().is_some() || !res.headers().contains_key(header::CONTENT_TYPE))
}

/// The portal's styled page for such a refusal, with the same status and headers (Allow,
/// Retry-After), in the visitor's language.
fn styled_refusal<B>(ctx: &Ctx, res: HttpResponse<B>) -> HttpResponse<BoxBody> {
    let status = res.status();
    let mut builder = HttpResponse::build(status);
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    builder.content_type("text/html; charset=utf-8").body(views::errors::page(ctx, status.as_u16(), None).into_string())
}

fn render_error(ctx: &Ctx, err: &AppError, wants_json: bool) -> HttpResponse<BoxBody> {
    let status = err.status_code();
    let code = actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    if status >= 500 {
        // The detail goes to the log only; the visitor gets a calm page.
        tracing::error!("{err}");
    }
    let detail: Option<String> = match err {
        AppError::BadRequest(m) | AppError::Conflict(m) => Some(ctx.t().msg(m)),
        AppError::Csrf => Some(ctx.t().error_csrf_body.to_string()),
        AppError::RateLimited(secs) => {
            let key = if ctx.path.starts_with("/login") { "too-many-attempts-seconds" } else { "too-many-requests" };
            Some(ctx.t().fmt(key, &[("seconds", (*secs).into())]))
        }
        AppError::Validation(fields) => Some(fields.values().map(|m| ctx.t().msg(m)).collect::<Vec<_>>().join(" ")),
        AppError::TooLarge => Some(ctx.t().error_413_body.to_string()),
        AppError::BodyTimeout => Some(ctx.t().error_408_body.to_string()),
        AppError::MethodNotAllowed(allow) => Some(ctx.t().fmt("method-not-allowed", &[("allowed", (*allow).into())])),
        _ => None,
    };
    if wants_json {
        let body = serde_json::json!({
            "error": match status { 401 => "unauthorized", 403 => "forbidden", 404 => "not_found", 405 => "method_not_allowed", 410 => "gone", 429 => "rate_limited", 400 => "bad_request", 409 => "conflict", 408 => "timeout", 413 => "too_large", _ => "internal" },
            "status": status,
            "message": detail.clone().unwrap_or_else(|| if status >= 500 { "internal error".into() } else { err.to_string() }),
        });
        let mut body = body;
        if let Some(id) = ctx.request_id.as_deref() {
            body["request_id"] = id.into();
        }
        return with_headers(HttpResponse::build(code), err).json(body);
    }
    if status == 401 {
        let next = views::urlencode(&ctx.path);
        return HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/login?next={next}"))).finish();
    }
    with_headers(HttpResponse::build(code), err)
        .content_type("text/html; charset=utf-8")
        .body(views::errors::page(ctx, status, detail.as_deref()).into_string())
}

/// A refusal for going too fast says when to come back, one for a method says which methods
/// the path takes, as a page or as JSON.
fn with_headers(mut builder: actix_web::HttpResponseBuilder, err: &AppError) -> actix_web::HttpResponseBuilder {
    match err {
        AppError::RateLimited(secs) => {
            builder.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        AppError::MethodNotAllowed(allow) => {
            builder.insert_header((header::ALLOW, *allow));
        }
        _ => {}
    }
    builder
}

fn visit_of(req: &HttpRequest) -> Result<Visit, AppError> {
    req.extensions()
        .get::<Visit>()
        .cloned()
        .ok_or_else(|| AppError::Internal("request context missing".into()))
}

impl FromRequest for Visit {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(visit_of(req))
    }
}

/// A signed-in member; anonymous visitors are sent to sign in.
pub struct Member {
    pub ctx: Ctx,
    pub principal: Arc<accounts::Principal>,
}

impl FromRequest for Member {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(visit_of(req).and_then(|v| match v.principal {
            Some(principal) => Ok(Member { ctx: v.ctx, principal }),
            None => Err(AppError::Unauthorized),
        }))
    }
}

/// An administrator; others get 403, anonymous visitors are sent to sign in.
pub struct Admin(pub Member);

impl FromRequest for Admin {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        std::future::ready(match Member::from_request(req, payload).into_inner() {
            Ok(m) if m.principal.roles.is_admin() => Ok(Admin(m)),
            Ok(_) => Err(AppError::Forbidden),
            Err(e) => Err(e),
        })
    }
}

/// A url-encoded form whose `csrf` field must match the visitor's CSRF cookie, sent from a page
/// of this site. Every state-changing handler takes its input through this type.
pub struct CsrfForm<T>(pub T, pub RawForm);

/// The typed part of a `CsrfForm` that carries nothing but its token, or whose fields are read
/// from the raw pairs.
#[derive(serde::Deserialize)]
pub struct Empty {}

/// Every name-value pair of a form, for fields that repeat (checkbox lists).
pub struct RawForm(pub Vec<(String, String)>);

impl RawForm {
    /// The first value of a field, or "" when the form has none.
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

const FORM_LIMIT: usize = 256 * 1024;

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let visit = visit_of(&req)?;
            let body = bytes.await.map_err(|_| AppError::BadRequest(crate::error::Message::new("form-unreadable")))?;
            if body.len() > FORM_LIMIT {
                return Err(AppError::BadRequest("form-too-large".into()));
            }
            let mut raw = RawForm(serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default());
            let token = raw.0.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
            check_origin_and_token(&req, &visit, token)?;
            // Control characters (a %00 above all, which PostgreSQL refuses in text) leave every
            // value here, once for all forms, before anything checks or stores it.
            let mut cleaned = false;
            for (_, value) in raw.0.iter_mut() {
                if let std::borrow::Cow::Owned(clean) = crate::models::storable(value) {
                    *value = clean;
                    cleaned = true;
                }
            }
            let body = if cleaned { web::Bytes::from(serde_urlencoded::to_string(&raw.0).unwrap_or_default()) } else { body };
            serde_urlencoded::from_bytes(&body)
                .map(|value| CsrfForm(value, raw))
                .map_err(|_| AppError::BadRequest(crate::error::Message::new("form-unreadable")))
        })
    }
}

/// The form's token must equal the CSRF cookie that came with this request (a token minted for
/// this response proves nothing), and the post must come from a page of this site.
pub fn check_origin_and_token(req: &HttpRequest, visit: &Visit, token: &str) -> Result<(), AppError> {
    if !same_origin(req) {
        return Err(AppError::Csrf);
    }
    let cookie = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| req.cookie(&cookie_name(s, CSRF_COOKIE)))
        .map(|c| c.value().to_string());
    match cookie {
        Some(c) if !token.is_empty() && tokens::constant_time_eq(&c, token) && c == visit.ctx.csrf => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

/// Browsers send Origin on form posts; when present it must name this host.
fn same_origin(req: &HttpRequest) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == "null" {
        return false;
    }
    let host = req.connection_info().host().to_string();
    match url::Url::parse(origin) {
        Ok(u) => {
            let origin_host = match u.port() {
                Some(p) => format!("{}:{p}", u.host_str().unwrap_or("")),
                None => u.host_str().unwrap_or("").to_string(),
            };
            origin_host.eq_ignore_ascii_case(&host)
        }
        Err(_) => false,
    }
}
