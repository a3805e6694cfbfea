//! Turns an outbox row into the message its recipient gets, at send time: every kind of mail
//! is rendered here, from the rows it names and `views::mail`, in the recipient's language as
//! it is when the mail goes out. Nothing renders mail when it is queued.

use std::collections::HashMap;

use diesel::OptionalExtension;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MessageBuilder, MultiPart};
use lettre::Message;

use crate::db::DbConn;
use crate::error::AppError;
use crate::markdown;
use crate::mail::Identity;
use crate::models::mail_outbox::{OutboxKind, OutboxMail};
use crate::models::{community, digest, inbound, membership, post, registry, user};
use crate::paths;
use crate::tokens::address::{self, Token};
use crate::tokens::MailPurpose;
use crate::views::mail as bodies;

/// The part of a digest every recipient shares, rendered once per sending thread.
#[derive(Clone)]
pub struct Shared {
    community: community::Community,
    audience: membership::Delivery,
    text: String,
    html: String,
    subject: String,
}

#[derive(Default)]
pub struct Cache {
    digests: HashMap<(i64, String), Shared>,
}

fn header(builder: MessageBuilder, name: &'static str, value: String) -> MessageBuilder {
    builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str(name), value))
}

fn mailbox(addr: &str) -> Result<Mailbox, AppError> {
    addr.parse().map_err(|e: lettre::address::AddressError| AppError::BadRequest(crate::error::Message::new("mail-address-invalid").arg("error", e.to_string())))
}

/// An absolute URL on the portal: the base URL and a path from `paths`.
fn url(id: &Identity, path: &str) -> String {
    format!("{}{path}", id.base_url)
}

/// The recipient's one-click unsubscribe link for a community (its token serves nothing else).
fn unsubscribe_url(id: &Identity, c: &community::Community, u: &user::User, key: &str) -> String {
    url(id, &paths::unsubscribe(&Token::derive(key, MailPurpose::Unsubscribe, u.id, c.id).to_string(), &c.slug))
}

/// List headers (RFC 2369, RFC 8058 one-click unsubscribe) for one recipient.
fn list_headers(b: MessageBuilder, id: &Identity, c: &community::Community, u: &user::User, key: &str) -> MessageBuilder {
    let unsubscribe_url = unsubscribe_url(id, c, u, key);
    let unsubscribe_to = address::unsubscribe(&id.domain, &Token::derive(key, MailPurpose::Unsubscribe, u.id, c.id), c.id);
    let b = b.raw_header(list_id(&c.name, &c.slug, &id.domain));
    let b = header(b, "List-Unsubscribe", format!("<mailto:{unsubscribe_to}?subject=unsubscribe>, <{unsubscribe_url}>"));
    let b = header(b, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into());
    let b = header(b, "List-Post", format!("<mailto:{}>", address::post(&id.domain, &Token::derive(key, MailPurpose::Post, u.id, c.id), c.id)));
    let b = header(b, "List-Archive", format!("<{}>", url(id, &paths::community(&c.slug))));
    header(b, "Precedence", "list".into())
}

/// List-Id (RFC 2919): the community's name as the phrase, then `<slug.domain>`. An ASCII
/// name is a quoted string; any other is RFC 2047 encoded words without quotes (a client does not
/// decode an encoded word inside quotes), folded between words. Built pre-encoded because lettre
/// would encode the whole value, the quotes and the angle brackets with it.
fn list_id(name: &str, slug: &str, domain: &str) -> HeaderValue {
    let name = crate::models::single_line(name);
    let id = format!("<{slug}.{domain}>");
    let words = if name.bytes().all(|b| (0x20..0x7f).contains(&b)) { vec![format!("\"{}\"", name.replace(['"', '\\'], "'"))] } else { encoded_words(&name) };
    let one_line = format!("{} {id}", words.join(" "));
    // Folded only when the line would pass 78 characters ("List-Id: " is 9).
    let encoded = if one_line.len() + 9 <= 78 { one_line } else { format!("{}\r\n {id}", words.join("\r\n ")) };
    HeaderValue::dangerous_new_pre_encoded(HeaderName::new_from_ascii_str("List-Id"), format!("{name} {id}"), encoded)
}

/// Text as RFC 2047 encoded words (UTF-8, base64), each within the 75 characters a word may
/// have: at most 45 bytes of text, split between characters.
fn encoded_words(text: &str) -> Vec<String> {
    use base64::Engine;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words.iter().filter(|w| !w.is_empty()).map(|w| format!("=?utf-8?b?{}?=", base64::engine::general_purpose::STANDARD.encode(w))).collect()
}

fn footer<'a>(id: &'a Identity, c: &'a community::Community, u: &'a user::User, key: &str, web_url: &'a str, urls: &'a mut (String, String)) -> bodies::ListFooter<'a> {
    urls.0 = url(id, paths::PROFILE_DELIVERY);
    urls.1 = unsubscribe_url(id, c, u, key);
    bodies::ListFooter {
        lang: &u.language,
        community: &c.name,
        web_url,
        settings_url: &urls.0,
        unsubscribe_url: &urls.1,
        reply_by_mail: true,
    }
}

fn finish(b: MessageBuilder, body: bodies::MailBody) -> Result<Message, AppError> {
    // Every kind's Subject goes through here: a line break from a title or a community name
    // would otherwise fold into a header of its own.
    b.subject(crate::models::single_line(&body.subject))
        .multipart(MultiPart::alternative_plain_html(body.text, body.html))
        .map_err(|e| AppError::Internal(format!("cannot build message: {e}")))
}

/// The recipient, if they are still an active member wanting this kind of mail.
fn member_wanting(conn: &mut DbConn, community_id: i64, user_id: i64, delivery: membership::Delivery) -> Result<Option<(user::User, String)>, AppError> {
    let u = user::find(conn, user_id)?;
    if u.mail_stopped_at.is_some() {
        return Ok(None);
    }
    let Some(m) = membership::find(conn, community_id, user_id)? else { return Ok(None) };
    if m.status != membership::Status::Active || m.delivery != delivery {
        return Ok(None);
    }
    let key = u.mail_token.clone().ok_or_else(|| AppError::Internal("member without a mail key".into()))?;
    Ok(Some((u, key)))
}

/// Builds the message for one outbox row; None when there is nothing to send any more.
pub fn message(conn: &mut DbConn, id: &Identity, row: &OutboxMail, cache: &mut Cache) -> Result<Option<Message>, AppError> {
    let base = Message::builder().from(id.from.clone()).message_id(Some(row.message_id.clone()));
    let kind = row.kind().map_err(AppError::Internal)?;
    match kind {
        OutboxKind::Raw => {
            let b = base.to(mailbox(&row.recipient)?);
            let body = bodies::MailBody { subject: row.subject.clone(), text: row.body_text.clone(), html: row.body_html.clone() };
            Ok(Some(finish(b, body)?))
        }
        OutboxKind::Post => {
            let (Some(post_id), Some(user_id)) = (row.ref_id, row.user_id) else { return Ok(None) };
            let Ok(p) = post::find(conn, post_id) else { return Ok(None) };
            if p.status != post::Status::Approved {
                return Ok(None);
            }
            let Some((u, key)) = member_wanting(conn, p.community_id, user_id, membership::Delivery::Each)? else { return Ok(None) };
            let c = community::find(conn, p.community_id)?;
            let root = if p.is_query() { p.clone() } else { post::find(conn, p.root_id())? };
            let author = user::find(conn, p.author_id)?.name;
            let thread_url = url(id, &paths::post(&c.slug, root.id, p.id));
            let subject = if p.is_query() { format!("[{}] {}", c.name, p.title) } else { format!("Re: [{}] {}", c.name, root.title) };
            let (text, html) = bodies::post_core(&u.language, &author, &markdown::to_plain_text(&p.body_md), &p.body_html, &thread_url);
            let mut urls = (String::new(), String::new());
            let body = bodies::list_mail(subject, &text, &html, &footer(id, &c, &u, &key, &thread_url, &mut urls));
            let mut b = list_headers(base.to(mailbox(&u.email)?), id, &c, &u, &key);
            b = b.reply_to(mailbox(&address::reply(&id.domain, &Token::derive(&key, MailPurpose::Reply, u.id, root.id), root.id))?);
            if !p.is_query() {
                let parent = address::post_message_id(&id.domain, root.id, u.id);
                b = b.in_reply_to(parent.clone()).references(parent);
            }
            b = b.envelope(envelope(&id.domain, &key, &u)?);
            Ok(Some(finish(b, body)?))
        }
        OutboxKind::Digest => {
            let (Some(digest_id), Some(user_id)) = (row.ref_id, row.user_id) else { return Ok(None) };
            let u = user::find(conn, user_id)?;
            let key = (digest_id, u.language.clone());
            let shared = match cache.digests.get(&key) {
                Some(s) => s.clone(),
                None => {
                    let s = shared_digest(conn, id, digest_id, &u.language)?;
                    cache.digests.insert(key, s.clone());
                    s
                }
            };
            let Some((u, key)) = member_wanting(conn, shared.community.id, user_id, shared.audience)? else { return Ok(None) };
            let c = &shared.community;
            let web_url = url(id, &paths::community(&c.slug));
            let mut urls = (String::new(), String::new());
            let body = bodies::list_mail(shared.subject.clone(), &shared.text, &shared.html, &footer(id, c, &u, &key, &web_url, &mut urls));
            let b = list_headers(base.to(mailbox(&u.email)?), id, c, &u, &key).envelope(envelope(&id.domain, &key, &u)?);
            Ok(Some(finish(b, body)?))
        }
        OutboxKind::Notice => {
            let (Some(post_id), Some(user_id)) = (row.ref_id, row.user_id) else { return Ok(None) };
            let Ok(p) = post::find(conn, post_id) else { return Ok(None) };
            let u = user::find(conn, user_id)?;
            if u.mail_stopped_at.is_some() {
                return Ok(None);
            }
            let t = crate::views::Lang::from_code(&u.language).unwrap_or(crate::views::Lang::En).strings();
            let title = if p.title.is_empty() { t.reply_heading.to_string() } else { p.title.clone() };
            let status = crate::views::communities::status_label(t, p.status);
            let body = bodies::notice(&u.language, &u.name, &title, status, &p.moderator_note, &url(id, &paths::my_post(p.id)));
            let mut b = base.to(mailbox(&u.email)?);
            if let Some(key) = &u.mail_token {
                b = b.envelope(envelope(&id.domain, key, &u)?);
            }
            Ok(Some(finish(header(b, "Auto-Submitted", "auto-generated".into()), body)?))
        }
        OutboxKind::VerifyEmail | OutboxKind::AlreadyRegistered | OutboxKind::ResetPassword | OutboxKind::PasswordChanged | OutboxKind::ConfirmHeld => {
            // A member deleted since is nothing to send; a database error is retried.
            let Some(user_id) = row.user_id else { return Ok(None) };
            let Some(u) = user::find(conn, user_id).optional()? else { return Ok(None) };
            let Some(body) = account_mail(conn, id, kind, row, &u)? else { return Ok(None) };
            // To the address the mail was queued for: the one the account had at the time.
            Ok(Some(finish(base.to(mailbox(&row.recipient)?), body)?))
        }
        OutboxKind::MailRefused | OutboxKind::MailPartsDropped => {
            let Some(body) = inbound_notice(conn, id, kind, row)? else { return Ok(None) };
            // RFC 3834: an answer a program wrote, so the member's auto-responder stays quiet.
            Ok(Some(finish(header(base.to(mailbox(&row.recipient)?), "Auto-Submitted", "auto-replied".into()), body)?))
        }
        OutboxKind::RegistryDecision | OutboxKind::RegistryReminder => {
            let (Some(record_id), Some(user_id)) = (row.ref_id, row.user_id) else { return Ok(None) };
            let (Some(u), Some(rec)) = (user::find(conn, user_id).optional()?, registry::find(conn, record_id).optional()?) else { return Ok(None) };
            let record_url = url(id, &paths::registry_record_of(&rec.kind, &rec.slug));
            let body = if kind == OutboxKind::RegistryDecision {
                let Some(d) = row.payload().registry else { return Ok(None) };
                bodies::registry_decision(&u.language, &u.name, &d.title, d.published, &d.note, &record_url)
            } else {
                let since = rec.verified_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
                bodies::registry_reminder(&u.language, &u.name, &rec.title, &since, &record_url)
            };
            Ok(Some(finish(base.to(mailbox(&row.recipient)?), body)?))
        }
    }
}

/// What became of a member's message by mail: refused and why, or posted without some parts.
/// Rendered from its inbound_mail row, in the member's language when it is sent.
fn inbound_notice(conn: &mut DbConn, id: &Identity, kind: OutboxKind, row: &OutboxMail) -> Result<Option<bodies::MailBody>, AppError> {
    let (Some(inbound_id), Some(user_id)) = (row.ref_id, row.user_id) else { return Ok(None) };
    let (Some(u), Some(log)) = (user::find(conn, user_id).optional()?, inbound::find(conn, inbound_id).optional()?) else { return Ok(None) };
    if u.mail_stopped_at.is_some() {
        return Ok(None);
    }
    let t = crate::views::Lang::from_code(&u.language).unwrap_or(crate::views::Lang::En).strings();
    let c = match log.community_id {
        Some(cid) => community::find(conn, cid).optional()?,
        None => None,
    };
    let community = c.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let received = log.received_at.format("%Y-%m-%d %H:%M UTC").to_string();
    let dropped: Vec<String> = crate::models::list::decode(&log.dropped).map(|d| t.stored(d).into_owned()).collect();
    Ok(Some(if kind == OutboxKind::MailRefused {
        let link = url(id, &c.map(|c| paths::community(&c.slug)).unwrap_or_else(|| paths::PROFILE_DELIVERY.to_string()));
        bodies::mail_refused(&u.language, &u.name, &community, &received, &t.stored(&log.reason), &dropped, &link)
    } else {
        bodies::mail_parts_dropped(&u.language, &u.name, &community, &received, &dropped, &url(id, &log.post_id.map(paths::my_post).unwrap_or_default()))
    }))
}

/// An account mail for `u`. A link with a one-time secret is rebuilt from the row's payload;
/// without its secret there is nothing to send.
fn account_mail(conn: &mut DbConn, id: &Identity, kind: OutboxKind, row: &OutboxMail, u: &user::User) -> Result<Option<bodies::MailBody>, AppError> {
    let secret = row.payload().secret;
    let forgot = url(id, paths::PASSWORD_FORGOT);
    Ok(Some(match kind {
        OutboxKind::VerifyEmail => {
            let Some(secret) = secret else { return Ok(None) };
            bodies::verify_email(&u.language, &u.name, &url(id, &paths::verify(&secret)))
        }
        OutboxKind::ResetPassword => {
            let Some(secret) = secret else { return Ok(None) };
            bodies::reset_password(&u.language, &u.name, &url(id, &paths::password_reset(&secret)))
        }
        OutboxKind::ConfirmHeld => {
            let (Some(secret), Some(community_id)) = (secret, row.ref_id) else { return Ok(None) };
            let Some(c) = community::find(conn, community_id).optional()? else { return Ok(None) };
            bodies::confirm_held(&u.language, &u.name, &c.name, &url(id, &paths::confirm_held(&secret)))
        }
        OutboxKind::AlreadyRegistered => bodies::already_registered(&u.language, &u.name, &forgot),
        OutboxKind::PasswordChanged => bodies::password_changed(&u.language, &u.name, &forgot),
        _ => return Ok(None),
    }))
}

/// Bounces come back to a per-recipient address (VERP), so each one names its member.
fn envelope(domain: &str, key: &str, u: &user::User) -> Result<lettre::address::Envelope, AppError> {
    let to = u.email.as_str();
    let from: lettre::Address = address::bounce(domain, &Token::derive(key, MailPurpose::Bounce, u.id, 0)).parse().map_err(|e| AppError::Internal(format!("bounce address: {e}")))?;
    let to: lettre::Address = to.parse().map_err(|e: lettre::address::AddressError| AppError::BadRequest(crate::error::Message::new("mail-address-invalid").arg("error", e.to_string())))?;
    lettre::address::Envelope::new(Some(from), vec![to]).map_err(|e| AppError::Internal(e.to_string()))
}

fn shared_digest(conn: &mut DbConn, id: &Identity, digest_id: i64, lang: &str) -> Result<Shared, AppError> {
    let d = digest::find(conn, digest_id)?;
    let c = community::find(conn, d.community_id)?;
    let mut entries = Vec::new();
    for (item, p, author) in digest::items(conn, d.id)? {
        if !item.included || p.status != post::Status::Approved {
            continue;
        }
        let root_title = if p.is_query() { p.title.clone() } else { post::find(conn, p.root_id())?.title };
        entries.push(bodies::DigestEntry {
            title: root_title,
            author,
            url: url(id, &paths::post(&c.slug, p.root_id(), p.id)),
            plain: markdown::to_plain_text(&p.body_md),
            html: p.body_html.clone(),
            is_reply: !p.is_query(),
        });
    }
    let summary = d.audience == membership::Delivery::Summary;
    let (text, html) = bodies::digest_core(lang, &c.name, &markdown::to_plain_text(&d.editorial), &markdown::to_safe_html(&d.editorial), &entries, summary);
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let kind = if summary { t.mail_summary_heading } else { t.mail_digest_heading };
    let date = d.sent_at.unwrap_or(d.created_at).format("%Y-%m-%d");
    Ok(Shared { subject: format!("[{}] {kind} {date}", c.name), community: c, audience: d.audience, text, html })
}

/// A digest as a given reader would see it, without personal links (for the moderator's preview).
pub fn preview_digest(conn: &mut DbConn, id: &Identity, digest_id: i64, lang: &str) -> Result<bodies::MailBody, AppError> {
    let shared = shared_digest(conn, id, digest_id, lang)?;
    let web_url = url(id, &paths::community(&shared.community.slug));
    let settings = url(id, paths::PROFILE_DELIVERY);
    let footer = bodies::ListFooter { lang, community: &shared.community.name, web_url: &web_url, settings_url: &settings, unsubscribe_url: &settings, reply_by_mail: true };
    Ok(bodies::list_mail(shared.subject.clone(), &shared.text, &shared.html, &footer))
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_id_encodes_only_the_name_and_parses_back() {
        for name in ["Energy efficiency in foundries", "फाउंड्री में ऊर्जा दक्षता और कोयले की बचत पर चर्चा", "Say \"hi\"\r\nBcc: x@y.z"] {
            let value = super::list_id(name, "foundry-energy", "solex.localhost");
            let m = lettre::Message::builder().from("a@b.c".parse().unwrap()).to("d@e.f".parse().unwrap()).raw_header(value).body(String::from("x")).unwrap();
            let raw = m.formatted();
            let text = String::from_utf8_lossy(&raw);
            assert!(text.lines().all(|l| l.len() <= 998 && !l.starts_with("Bcc:")), "{text}");
            let parsed = mail_parser::MessageParser::default().parse(&raw[..]).unwrap();
            let list = parsed.header("List-Id").and_then(|h| h.as_address()).and_then(|a| a.first()).expect("a List-Id");
            assert_eq!(list.address(), Some("foundry-energy.solex.localhost"), "{text}");
            let expected = crate::models::single_line(name).replace('"', "'");
            assert_eq!(list.name(), Some(expected.as_str()), "{text}");
        }
    }
}
