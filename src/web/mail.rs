//! Mail-facing routes: delivery settings, one-click unsubscribe, digests, inbound relay.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::models::membership::Delivery;
use crate::mail;
use crate::models::notification::{Mode, Topic};
use crate::services::{communities, ingest, mail_identity, notify};

use crate::services::digests::{self, DigestAction, DigestEdit};
use crate::paths;
use crate::views;
use crate::web::page_cache::no_public_change;
use crate::web::visit::{CsrfForm, Empty, Member, Visit};
use crate::web::{choice_or, html, see_other, submitted, AppState, Submitted};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/profile/delivery", web::post().to(set_delivery))
        .route("/profile/notices", web::post().to(set_notices))
        .route("/notices/{token}", web::get().to(notices_page))
        .route("/notices/{token}", web::post().to(notices_by_token))
        .route("/profile/resume-mail", web::post().to(resume_mail))
        .route("/profile/mail-links/reset", web::post().to(reset_mail_links))
        .route("/mail/confirm/{token}", web::get().to(held_page))
        .route("/mail/confirm/{token}", web::post().to(confirm_held))
        .route("/unsubscribe/{token}/{slug}", web::get().to(unsubscribe_page))
        .route("/unsubscribe/{token}/{slug}", web::post().to(unsubscribe))
        .route("/unsubscribe/{token}/{slug}/mode", web::post().to(unsubscribe_mode))
        .route("/c/{slug}/digests", web::get().to(digest_list))
        .route("/c/{slug}/digests", web::post().to(digest_new))
        .route("/c/{slug}/digests/{id}", web::get().to(digest_page))
        .route("/c/{slug}/digests/{id}", web::post().to(digest_edit))
        .route("/c/{slug}/digests/{id}/preview", web::get().to(digest_preview))
        .route("/mail/inbound", web::post().to(inbound));
}

/// The message when a delivery mode is not one of the choices.
const DELIVERY_CHOOSE: &str = "delivery-choose-missing";

async fn set_delivery(state: web::Data<AppState>, member: Member, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    // Fields are named d-MEMBERSHIP_ID with the chosen mode.
    let changes = form
        .1
         .0
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("d-").and_then(|id| id.parse().ok()).map(|id| (id, v)))
        .map(|(id, v)| Ok((id, super::choice(v, "delivery", DELIVERY_CHOOSE)?)))
        .collect::<Result<Vec<(i64, Delivery)>, AppError>>()?;
    let uid = member.principal.user.id;
    state.write(move |c| communities::set_deliveries(c, uid, &changes)).await?;
    Ok(no_public_change(see_other("/profile?saved=1#delivery")))
}

/// The notice modes a form chose: fields named n-TOPIC, each holding a mode.
fn notice_choices(pairs: &[(String, String)]) -> Result<Vec<(Topic, Mode)>, AppError> {
    pairs
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("n-").map(|topic| (topic, v)))
        .map(|(topic, v)| {
            let topic: Topic = super::choice(topic, "notices", "notify-mode-choose")?;
            Ok((topic, super::choice(v, topic.field(), "notify-mode-choose")?))
        })
        .collect()
}

async fn set_notices(state: web::Data<AppState>, member: Member, form: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let choices = notice_choices(&form.1 .0)?;
    let uid = member.principal.user.id;
    state.write(move |c| notify::set_settings(c, uid, &choices)).await?;
    Ok(no_public_change(see_other("/profile?saved=1#notices")))
}

/// The settings link in every notice: the token is the credential (the member's own, for
/// this purpose only), so the page works without signing in, like unsubscribing.
async fn notices_page(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let t2 = token.clone();
    let rows = state
        .db(move |c| {
            let uid = notify::member_by_token(c, &t2)?.id;
            notify::settings(c, uid)
        })
        .await?;
    Ok(html(200, views::mail_pages::notices_by_token(&visit.ctx, &token, &rows, false)))
}

async fn notices_by_token(state: web::Data<AppState>, visit: Visit, path: web::Path<String>, form: web::Form<Vec<(String, String)>>) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let t2 = token.clone();
    // The token is checked before the form is read.
    let uid = state.db(move |c| Ok(notify::member_by_token(c, &t2)?.id)).await?;
    let choices = notice_choices(&form.into_inner())?;
    let rows = state
        .write(move |c| {
            notify::set_settings(c, uid, &choices)?;
            notify::settings(c, uid)
        })
        .await?;
    Ok(no_public_change(html(200, views::mail_pages::notices_by_token(&visit.ctx, &token, &rows, true))))
}

async fn resume_mail(state: web::Data<AppState>, member: Member, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let uid = member.principal.user.id;
    state.write(move |c| communities::resume_mail(c, uid)).await?;
    Ok(no_public_change(see_other("/profile?saved=1#delivery")))
}

async fn reset_mail_links(state: web::Data<AppState>, member: Member, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let uid = member.principal.user.id;
    state.write(move |c| mail_identity::reset_links(c, uid, uid)).await?;
    Ok(no_public_change(see_other("/profile?saved=1#delivery")))
}

/// A member's message that came by mail without their reply token: shown, not posted.
async fn held_page(state: web::Data<AppState>, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let secret = path.into_inner();
    let s2 = secret.clone();
    let v = state.db(move |c| mail_identity::view_held(c, &s2)).await?;
    Ok(html(200, views::mail_pages::held(&visit.ctx, &secret, &v, false)))
}

/// The link (single use, stored hashed) is the credential, as for a password reset; the form
/// carries CSRF so no other site can submit it.
async fn confirm_held(state: web::Data<AppState>, visit: Visit, path: web::Path<String>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let secret = path.into_inner();
    let (s2, env) = (secret.clone(), state.env.clone());
    let v = state
        .write(move |c| {
            let v = mail_identity::view_held(c, &s2)?;
            mail_identity::confirm_held(c, &env, &s2)?;
            Ok::<_, AppError>(v)
        })
        .await?;
    Ok(html(200, views::mail_pages::held(&visit.ctx, &secret, &v, true)))
}

async fn unsubscribe_page(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (token, slug) = path.into_inner();
    let (t2, s2) = (token.clone(), slug.clone());
    let (_, c, m) = state.db(move |conn| communities::by_mail_token(conn, &t2, &s2)).await?;
    Ok(html(200, views::mail_pages::unsubscribe(&visit.ctx, &token, &c, m.delivery, false)))
}

/// RFC 8058: mail clients POST `List-Unsubscribe=One-Click` without cookies; the token in the
/// address is the credential, so this form needs no CSRF token.
async fn unsubscribe(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (token, slug) = path.into_inner();
    let (t2, s2) = (token.clone(), slug.clone());
    let c = state.write(move |conn| communities::set_delivery_by_token(conn, &t2, &s2, Delivery::Web)).await?;
    Ok(html(200, views::mail_pages::unsubscribe(&visit.ctx, &token, &c, Delivery::Web, true)))
}

#[derive(Deserialize)]
struct ModeForm {
    #[serde(default)]
    delivery: String,
}

async fn unsubscribe_mode(state: web::Data<AppState>, visit: Visit, path: web::Path<(String, String)>, form: web::Form<ModeForm>) -> Result<HttpResponse, AppError> {
    let (token, slug) = path.into_inner();
    let mode: Delivery = super::choice(&form.into_inner().delivery, "delivery", DELIVERY_CHOOSE)?;
    let (t2, s2) = (token.clone(), slug.clone());
    let c = state.write(move |conn| communities::set_delivery_by_token(conn, &t2, &s2, mode)).await?;
    Ok(html(200, views::mail_pages::unsubscribe(&visit.ctx, &token, &c, mode, true)))
}

async fn digest_list(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (a, list) = state.with_access(path.into_inner(), &visit, digests::list).await?;
    Ok(html(200, views::mail_pages::digests(&visit.ctx, &a, &list)))
}

#[derive(Deserialize)]
struct NewDigestForm {
    #[serde(default)]
    audience: String,
}

async fn digest_new(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<String>, form: CsrfForm<NewDigestForm>) -> Result<HttpResponse, AppError> {
    let audience: Result<Delivery, AppError> = super::choice(&form.0.audience, "audience", "digest-audience-choose");
    let (slug, uid) = (path.into_inner(), member.principal.user.id);
    // Rights first: a member who may not make digests hears that, not a complaint about the form.
    let (_, id) = state
        .write_with_access(slug.clone(), &visit, move |c, a| {
            a.require_moderator()?;
            digests::draft(c, a, uid, audience?)
        })
        .await?;
    Ok(see_other(&paths::digest(&slug, id)))
}

async fn digest_view(state: &AppState, visit: &Visit, slug: String, id: i64, edit: Option<&DigestEdit>, errors: &FieldErrors, notice: Option<String>, status: u16) -> Result<HttpResponse, AppError> {
    let (a, v) = state.with_access(slug, visit, move |c, a| digests::view(c, a, id)).await?;
    Ok(html(status, views::mail_pages::digest(&visit.ctx, &a, &v, edit, errors, notice.as_deref())))
}

async fn digest_page(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<(String, i64)>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    digest_view(&state, &visit, slug, id, None, &FieldErrors::new(), None, 200).await
}

#[derive(Deserialize)]
struct DigestForm {
    #[serde(default)]
    editorial: String,
    #[serde(default)]
    send_at: String,
    #[serde(default)]
    action: String,
}

async fn digest_edit(state: web::Data<AppState>, member: Member, visit: Visit, path: web::Path<(String, i64)>, form: CsrfForm<DigestForm>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let included: Vec<i64> = form.1.all("include").iter().filter_map(|v| v.parse().ok()).collect();
    // Every item has a position field pos-ITEM; unchecked items are kept but left out.
    let items: Vec<(i64, i32, bool)> = form
        .1
         .0
        .iter()
        .filter_map(|(k, v)| {
            let item: i64 = k.strip_prefix("pos-")?.parse().ok()?;
            Some((item, v.trim().parse().unwrap_or(999), included.contains(&item)))
        })
        .collect();
    // Every registry record has a field rec-ITEM; those left unchecked are left out.
    let chosen_records: Vec<i64> = form.1.all("include_record").iter().filter_map(|v| v.parse().ok()).collect();
    let records: Vec<(i64, bool)> = form.1 .0.iter().filter_map(|(k, _)| k.strip_prefix("rec-")?.parse().ok()).map(|item| (item, chosen_records.contains(&item))).collect();
    let f = form.0;
    let mut errors = FieldErrors::new();
    let action = choice_or(&f.action, DigestAction::Save, "action", "digest-action-choose", &mut errors);
    let edit = DigestEdit { editorial: f.editorial, items, records, send_at: f.send_at, action };
    if !errors.is_empty() {
        return digest_view(&state, &visit, slug, id, Some(&edit), &errors, None, 400).await;
    }
    let (uid, e, env) = (member.principal.user.id, edit.clone(), state.env.clone());
    match submitted(state.write_with_access(slug.clone(), &visit, move |c, a| digests::edit(c, &env, a, uid, id, &e)).await)? {
        Submitted::Done((_, sent)) => {
            let notice = match sent {
                Some(n) => format!("{} {n}", visit.ctx.t().digest_sent_to),
                None => visit.ctx.t().saved_short.to_string(),
            };
            digest_view(&state, &visit, slug, id, None, &FieldErrors::new(), Some(notice), 200).await
        }
        Submitted::Invalid(errors) => digest_view(&state, &visit, slug, id, Some(&edit), &errors, None, 400).await,
    }
}

#[derive(Deserialize)]
struct PreviewQuery {
    #[serde(default)]
    format: String,
}

async fn digest_preview(state: web::Data<AppState>, _m: Member, visit: Visit, path: web::Path<(String, i64)>, q: web::Query<PreviewQuery>) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    // An identity the configuration cannot make is reported only once the standing allows the page.
    let identity = mail::Identity::from_config(&state.config);
    let lang = visit.ctx.lang.code().to_string();
    let (_, body) = state
        .with_access(slug, &visit, move |c, a| {
            let identity = identity?;
            let d = digests::for_preview(c, a, id)?;
            mail::render::preview_digest(c, &identity, d.id, &lang)
        })
        .await?;
    Ok(if q.format == "text" {
        HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(format!("Subject: {}\n\n{}", body.subject, body.text))
    } else {
        // The preview is the mail's own HTML, whose style attributes a mail client needs; the
        // policy allows exactly those styles by their hashes and nothing inline besides.
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, preview_policy(&body.html)))
            .body(body.html)
    })
}

/// A policy for a mail's HTML: no script, no plugin, no frame; style attributes only as
/// written by our mail templates (the sanitiser removes any a member writes). Those values
/// hold no character HTML escapes, so the text between the quotes is what the browser hashes.
fn preview_policy(html: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hashes: Vec<String> = html
        .split(" style=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|style| format!("'sha256-{}'", base64(&Sha256::digest(style.as_bytes()))))
        .collect();
    hashes.sort();
    hashes.dedup();
    format!("default-src 'none'; style-src 'unsafe-hashes' {}; img-src 'self' data:; sandbox; frame-ancestors 'self'", hashes.join(" "))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() { T[(n >> (18 - 6 * i)) as usize & 63] as char } else { '=' });
        }
    }
    out
}

/// Of a message over the limit, only this much is kept: enough for its headers (the sender
/// and Message-ID recorded with the refusal). The rest is read and counted, up to
/// `OVERSIZED_DRAIN` times the limit, so the relay gets its answer rather than a broken pipe;
/// beyond that the connection is closed unread.
const OVERSIZED_HEAD: usize = 64 * 1024;
const OVERSIZED_DRAIN: u64 = 4;

/// For relays that deliver by HTTP: the raw RFC 5322 message as the body, the envelope
/// recipient in X-Original-To, and the shared token as a bearer token. The body is read here
/// against the message limit, so a message over it is recorded as refused (413) rather than
/// cut off by the framework with no record.
async fn inbound(state: web::Data<AppState>, req: HttpRequest, mut payload: web::Payload) -> Result<HttpResponse, AppError> {
    use futures_util::StreamExt;
    let Some(expected) = state.config.inbound_token.clone() else { return Err(AppError::NotFound) };
    let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    if !crate::tokens::constant_time_eq(given, &expected) {
        return Err(AppError::Forbidden);
    }
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    // Per process: only the operator's relay holds the token, so this guards against a relay
    // gone wrong, not an attacker spread over processes.
    state.limiter.hit(&format!("inbound:{ip}"), 600, std::time::Duration::from_secs(60)).map_err(AppError::RateLimited)?;
    let recipient = req.headers().get("X-Original-To").and_then(|v| v.to_str().ok()).map(str::to_string);
    let max = state.config.inbound_max_bytes;
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    // Kept: a message within the limit, or the head of one over it (declared or found so).
    let keep = if declared.is_some_and(|n| n > max as u64) { OVERSIZED_HEAD.min(max) } else { max + 1 };
    let mut body = web::BytesMut::new();
    let mut size: u64 = 0;
    while size <= max as u64 * OVERSIZED_DRAIN {
        let Some(chunk) = payload.next().await else { break };
        let chunk = chunk.map_err(|e| AppError::BadRequest(crate::error::Message::new("form-unreadable").arg("error", e.to_string())))?;
        size += chunk.len() as u64;
        if body.len() < keep {
            body.extend_from_slice(&chunk[..chunk.len().min(keep - body.len())]);
        }
    }
    let site = ingest::Site { env: (*state.env).clone(), bounce_threshold: state.config.bounce_threshold, explain: views::i18n::english };
    let size = size.max(declared.unwrap_or(0));
    let oversized = size > max as u64;
    let outcome = if oversized {
        state.write(move |c| ingest::refuse_oversized(c, &site, &body, size, recipient.as_deref(), max)).await?
    } else {
        state.write(move |c| ingest::ingest(c, &site, &body, recipient.as_deref(), max)).await?
    };
    let reason = outcome.reason().map(views::i18n::english).unwrap_or_default();
    let post_id = match outcome {
        ingest::Outcome::Posted { post_id } => Some(post_id),
        _ => None,
    };
    let label = outcome.label();
    let mut response = if oversized { HttpResponse::PayloadTooLarge() } else { HttpResponse::Ok() };
    Ok(response.json(serde_json::json!({ "outcome": label, "reason": reason, "post_id": post_id })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_preview_policy_names_each_style_once_and_nothing_unsafe_inline() {
        let p = super::preview_policy("<p style=\"color:#555\">a</p><p style=\"color:#555\">b</p><h1 style=\"font-size:1.3em\">c</h1>");
        assert_eq!(p.matches("'sha256-").count(), 2, "{p}");
        assert!(!p.contains("'unsafe-inline'") && p.contains("frame-ancestors") && p.contains("sandbox"));
    }
}
