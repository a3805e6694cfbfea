//! HTTP: routes per area, the request context (visitor, language, CSRF token), middleware,
//! and the mapping of errors to pages.

pub mod accounts;
pub mod admin;
pub mod cluster;
pub mod communities;
pub mod knowledge;
pub mod limits;
pub mod mail;
pub mod moderation;
pub mod outcomes;
pub mod page_cache;
pub mod password_workers;
pub mod upload;
pub mod experts;
pub mod facilitator;
pub mod metrics;
pub mod ratelimit;
pub mod agency_ratings;
pub mod funding;
pub mod awards;
pub mod registry;
pub mod score_cards;
pub mod schemes;
pub mod rights;
pub mod registry_feedback;
pub mod search;
pub mod series;
pub mod similar;
pub mod site;
pub mod state;
pub mod system;
pub mod visit;

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse, ResponseError};

use crate::error::{AppError, FieldErrors};
pub use state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    system::routes(cfg);
    accounts::routes(cfg);
    admin::routes(cfg);
    communities::routes(cfg);
    moderation::routes(cfg);
    similar::routes(cfg);
    experts::routes(cfg);
    facilitator::routes(cfg);
    mail::routes(cfg);
    knowledge::routes(cfg);
    search::routes(cfg);
    // Before the registry's, whose /registry/{kind}/{slug}/... would take the practices' paths.
    outcomes::routes(cfg);
    // Before the registry's, whose /registry/{kind} would take /registry/short-lists.
    score_cards::routes(cfg);
    funding::routes(cfg);
    awards::routes(cfg);
    agency_ratings::routes(cfg);
    series::routes(cfg);
    schemes::routes(cfg);
    // Before the registry's own routes, whose /registry/{kind}/{slug} would take these paths.
    registry_feedback::routes(cfg);
    registry::routes(cfg);
    site::routes(cfg);
    rights::routes(cfg);
}

impl ResponseError for AppError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::from_u16(AppError::status_code(self))
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// A bare response; `visit::context` middleware replaces it with a page or JSON
    /// in the visitor's language once it knows who asked.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(ResponseError::status_code(self)).finish()
    }
}

/// Outermost middleware: security headers, the access log and metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let method = metrics::method_label(req.method().as_str());
    // Query strings and paths (unsubscribe, verify, reset and confirm links) carry secrets: the
    // log names the route pattern, and a request that matched no route only as `<unmatched>`.
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let request_id = RequestId::of(&req, state.as_ref().is_some_and(|s| s.config.trust_proxy));
    actix_web::HttpMessage::extensions_mut(&req).insert(request_id.clone());
    let mut res = next.call(req).await?.map_into_boxed_body();
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    let unread = actix_web::HttpMessage::extensions(res.request()).get::<limits::BodyRead>().is_some_and(|b| !b.finished());
    if unread || status == 408 || status == 413 {
        // The rest of that body is not wanted: the connection closes after this answer.
        res.response_mut().head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
    }
    // Matching the path against every route again is costly; a page served from the page
    // cache says which route it came from.
    let known = actix_web::HttpMessage::extensions(res.request()).get::<page_cache::Route>().map(|r| r.0.clone());
    let matched = known.or_else(|| res.request().match_pattern());
    let route = matched.unwrap_or_else(|| "<unmatched>".into());
    let path = &route;
    if let Some(state) = state {
        state.metrics.observe(method, &route, status, elapsed.as_secs_f64());
        let headers = res.headers_mut();
        let secure = state.config.cookies_secure();
        set_security_headers(headers, secure);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id.0) {
        res.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
    }
    let request_id = &request_id.0;
    if status >= 500 {
        tracing::error!(%request_id, %method, %path, status, us = elapsed.as_micros() as u64, "request failed");
    } else {
        tracing::info!(%request_id, %method, %path, status, us = elapsed.as_micros() as u64, "request");
    }
    Ok(res)
}

/// What a member quotes when something went wrong, and what finds that request in the log: the
/// id the proxy in front gave it (nginx's `$request_id`), when the portal trusts its proxy and
/// the id is a plain token, or a new one.
#[derive(Debug, Clone)]
pub struct RequestId(pub std::sync::Arc<str>);

impl RequestId {
    fn of(req: &ServiceRequest, trust_proxy: bool) -> RequestId {
        let given = req.headers().get("x-request-id").filter(|_| trust_proxy).and_then(|v| v.to_str().ok()).filter(|v| {
            (8..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        match given {
            Some(id) => RequestId(id.into()),
            None => RequestId(format!("{:016x}", rand::random::<u64>()).into()),
        }
    }
}

fn set_security_headers(headers: &mut actix_web::http::header::HeaderMap, secure: bool) {
    let set = |h: &mut actix_web::http::header::HeaderMap, name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    // No inline script or style anywhere, so the policy needs no 'unsafe-inline'.
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    if secure {
        set(headers, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
}

/// Only paths on this site may be redirect targets after sign-in or a language switch.
pub fn safe_next(next: &str, fallback: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control());
    if ok { next.to_string() } else { fallback.to_string() }
}

/// An HTML page with a status (forms that come back with errors use 400).
pub fn html(status: u16, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("valid status"))
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// The query of a page reached after a form was sent (`?done=saved`): which confirmation
/// to show, the key each page reads its own way.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    pub done: String,
}

/// A CSV download: every export names its file `solex-{name}.csv` so a downloads folder groups them.
pub fn csv_file(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"solex-{name}.csv\"")))
        .body(body)
}

/// Runs blocking work (the database, files, the search index) on actix's blocking pool, never
/// on an async worker.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    web::block(f).await.map_err(|e| AppError::Internal(format!("blocking task: {e}")))
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

/// A form's choice (a status, an action, a delivery mode) as its typed value; any other text is
/// a field error, so use cases never see a form's words.
pub fn choice<T: std::str::FromStr>(value: &str, field: &'static str, message: &'static str) -> Result<T, AppError> {
    value.parse().map_err(|_| AppError::field(field, message))
}

/// A choice on a form that is shown again with all its problems at once: the typed value, or
/// `fallback` with the field's message added to `errors`. An empty value (a field the form
/// left out) is the fallback without a message.
pub fn choice_or<T: std::str::FromStr>(value: &str, fallback: T, field: &'static str, message: &'static str, errors: &mut FieldErrors) -> T {
    if value.is_empty() {
        return fallback;
    }
    value.parse().unwrap_or_else(|_| {
        errors.insert(field, message.into());
        fallback
    })
}

/// A command read from a form, or the problems reading it, as a use case would refuse it.
pub fn checked<T>(command: T, errors: FieldErrors) -> Result<T, AppError> {
    if errors.is_empty() { Ok(command) } else { Err(AppError::Validation(errors)) }
}

/// What became of a submitted form: done, or to be shown again with a message per field.
/// Any other error passes on to the error page.
pub enum Submitted<T> {
    Done(T),
    Invalid(FieldErrors),
}

/// Splits a use case's result for a form handler: `match submitted(result)? { Done(..) => the
/// redirect, Invalid(errors) => the form again with 400 }`.
pub fn submitted<T>(result: Result<T, AppError>) -> Result<Submitted<T>, AppError> {
    match result {
        Ok(value) => Ok(Submitted::Done(value)),
        Err(AppError::Validation(errors)) => Ok(Submitted::Invalid(errors)),
        Err(e) => Err(e),
    }
}
