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
use crate::models::{award, community, digest, inbound, membership, page, post, registry, user};
use crate::paths;
use crate::tokens::address::{self, Token};
use crate::tokens::MailPurpose;
use crate::views::mail as bodies;

/// The part of a digest every recipient shares, rendered once per sending thread. Each item's
/// reply address is the recipient's own: the shared text holds a marker per thread (made
/// with a random nonce, so no post can forge one) that each recipient's address replaces.
#[derive(Clone)]
pub struct Shared {
    community: community::Community,
    audience: membership::Delivery,
    text: String,
    html: String,
    subject: String,
    /// (marker, thread) for each item's reply address.
    replies: Vec<(String, i64)>,
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
        reply: bodies::ReplyHint::Thread,
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
            let mut author = user::find(conn, p.author_id)?.name;
            // "X for Y (place)": the owner's name and place only, never their contact.
            if let Some((o, f)) = owner_of(conn, p.on_behalf_of)? {
                author = bodies::behalf_author(&u.language, &f, &o.name, &o.place, o.is_claimed());
            }
            let thread_url = url(id, &paths::post(&c.slug, root.id, p.id));
            let subject = if p.is_query() { format!("[{}] {}", c.name, p.title) } else { format!("Re: [{}] {}", c.name, root.title) };
            let (mut text, mut html) = bodies::post_core(&u.language, &author, &markdown::to_plain_text(&p.body_md), &p.body_html, &thread_url);
            // A reply to a question the reader posted for an owner: they pass it on.
            if let Some((o, _)) = owner_of(conn, root.on_behalf_of)?.filter(|(o, _)| !p.is_query() && root.author_id == u.id && o.facilitator_id == u.id) {
                let (t, h) = bodies::pass_on(&u.language, &o.name, &o.place);
                text = format!("{t}\n\n{text}");
                html = format!("{h}{html}");
            }
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
            let (mut text, mut html) = (shared.text.clone(), shared.html.clone());
            for (marker, thread) in &shared.replies {
                let to = address::reply(&id.domain, &Token::derive(&key, MailPurpose::Reply, u.id, *thread), *thread);
                text = text.replace(marker.as_str(), &to);
                html = html.replace(marker.as_str(), &to);
            }
            let mut urls = (String::new(), String::new());
            let mut f = footer(id, c, &u, &key, &web_url, &mut urls);
            f.reply = bodies::ReplyHint::Digest;
            let body = bodies::list_mail(shared.subject.clone(), &text, &html, &f);
            // A reply to the whole digest reaches the moderators as a new query, as the footer
            // says; each item carries its own reply address for answering it.
            let post_to = address::post(&id.domain, &Token::derive(&key, MailPurpose::Post, u.id, c.id), c.id);
            let b = list_headers(base.to(mailbox(&u.email)?), id, c, &u, &key).reply_to(mailbox(&post_to)?).envelope(envelope(&id.domain, &key, &u)?);
            Ok(Some(finish(b, body)?))
        }
        OutboxKind::Notice
        | OutboxKind::Receipt
        | OutboxKind::AnswerPersonal
        | OutboxKind::ModeratorItem
        | OutboxKind::ModeratorQueue
        | OutboxKind::ModeratorUrgent
        | OutboxKind::RegistrySubmitted
        | OutboxKind::RegistryDecision
        | OutboxKind::RegistryReminder
        | OutboxKind::RegistryFeedback
        | OutboxKind::RegistryFeedbackEscalated
        | OutboxKind::OutcomeAsk
        | OutboxKind::FundingMatches
        | OutboxKind::FundingSubmitted
        | OutboxKind::RegistrySectorSubmitted
        | OutboxKind::SubmissionDecided
        | OutboxKind::AwardScoringOpen
        | OutboxKind::AwardResults
        | OutboxKind::MailRefused
        | OutboxKind::MailPartsDropped
        | OutboxKind::Roundup => {
            let Some(u) = notice_recipient(conn, row)? else { return Ok(None) };
            let settings = notices_url(id, &u);
            let body = if kind == OutboxKind::Roundup {
                let mut notices = Vec::new();
                for n in row.payload().notices {
                    let Ok(kind) = n.kind.parse::<OutboxKind>() else { continue };
                    let payload = n.payload.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default();
                    if let Some(body) = notice_body(conn, id, kind, n.ref_id, &payload, &u)? {
                        notices.push(body);
                    }
                }
                if notices.is_empty() {
                    return Ok(None);
                }
                let date = row.created_at.format("%Y-%m-%d").to_string();
                bodies::roundup(&u.language, &u.name, &date, &notices, &settings)
            } else {
                let Some(n) = notice_body(conn, id, kind, row.ref_id, &row.payload(), &u)? else { return Ok(None) };
                bodies::single_notice(&u.language, &u.name, &n, &settings)
            };
            let mut b = base.to(mailbox(&u.email)?);
            if let Some(key) = &u.mail_token {
                b = b.envelope(envelope(&id.domain, key, &u)?);
            }
            // RFC 3834: a notice about a member's own message answers it ("auto-replied");
            // the rest a program wrote on its own. Either keeps auto-responders quiet.
            let auto = if matches!(kind, OutboxKind::MailRefused | OutboxKind::MailPartsDropped) { "auto-replied" } else { "auto-generated" };
            Ok(Some(finish(header(b, "Auto-Submitted", auto.into()), body)?))
        }
        OutboxKind::AnswerList => {
            let (Some(query_id), Some(user_id)) = (row.ref_id, row.user_id) else { return Ok(None) };
            let Some(q) = post::find(conn, query_id).optional()? else { return Ok(None) };
            let Some(page_id) = q.answered_page_id.filter(|_| q.answered() == Some(post::AnswerKind::Page)) else { return Ok(None) };
            let Some((u, key)) = member_wanting(conn, q.community_id, user_id, membership::Delivery::Each)? else { return Ok(None) };
            let c = community::find(conn, q.community_id)?;
            let pg = page::find(conn, page_id)?;
            let (page_url, thread_url) = (url(id, &paths::page(&pg.slug)), url(id, &paths::thread(&c.slug, q.id)));
            let t = crate::views::Lang::from_code(&u.language).unwrap_or(crate::views::Lang::En).strings();
            let subject = format!("[{}] {}: {}", c.name, t.fmt("answer-list-heading", &[]), crate::error::one_line(&pg.title, 200));
            let summary = first_words(&markdown::to_plain_text(&pg.problem_md), 600);
            let (text, html) = bodies::answer_core(&u.language, &q.title, &pg.title, &summary, &page_url, &thread_url);
            let mut urls = (String::new(), String::new());
            let body = bodies::list_mail(subject, &text, &html, &footer(id, &c, &u, &key, &page_url, &mut urls));
            let mut b = list_headers(base.to(mailbox(&u.email)?), id, &c, &u, &key);
            b = b.reply_to(mailbox(&address::reply(&id.domain, &Token::derive(&key, MailPurpose::Reply, u.id, q.id), q.id))?);
            let parent = address::post_message_id(&id.domain, q.id, u.id);
            b = b.in_reply_to(parent.clone()).references(parent).envelope(envelope(&id.domain, &key, &u)?);
            Ok(Some(finish(b, body)?))
        }
        OutboxKind::RegistryFeedbackAnswer => {
            // To the address the visitor left; the answer as the focal point wrote it.
            let Some(f) = (match row.ref_id {
                Some(r) => crate::models::registry_feedback::find(conn, r).optional()?,
                None => None,
            }) else {
                return Ok(None);
            };
            let rec = registry::find(conn, f.record_id)?;
            let lang = row.payload().lang.unwrap_or_else(|| "en".into());
            let body = bodies::registry_feedback_answer(&lang, &rec.title, &f.body, &f.note, &url(id, &paths::registry_record_of(&rec.kind, &rec.slug)));
            Ok(Some(finish(header(base.to(mailbox(&row.recipient)?), "Auto-Submitted", "auto-generated".into()), body)?))
        }
        OutboxKind::ExpertRequest => {
            // Only while the query is approved and the expert still gets mail; in their language.
            let Some(r) = (match row.ref_id {
                Some(r) => crate::models::expert::find_request(conn, r)?,
                None => None,
            }) else {
                return Ok(None);
            };
            let Some(q) = post::find(conn, r.post_id).optional()?.filter(|q| q.status == post::Status::Approved) else { return Ok(None) };
            let Some(u) = user::find(conn, r.expert_id).optional()?.filter(|u| u.mail_stopped_at.is_none() && !u.is_disabled() && !u.is_deleted()) else { return Ok(None) };
            let Some(key) = u.mail_token.clone() else { return Ok(None) };
            let c = community::find(conn, q.community_id)?;
            let reply_to = address::reply(&id.domain, &Token::derive(&key, MailPurpose::Reply, u.id, q.id), q.id);
            let link = url(id, &paths::expert_thread(q.id, &Token::derive(&key, MailPurpose::Expert, u.id, q.id).to_string()));
            let body = bodies::expert_request(&u.language, &u.name, &c.name, &q.title, &markdown::to_plain_text(&q.body_md), &reply_to, &link);
            // A moderator's request, answered by a person: no Auto-Submitted header.
            let b = base.to(mailbox(&u.email)?).reply_to(mailbox(&reply_to)?).envelope(envelope(&id.domain, &key, &u)?);
            Ok(Some(finish(b, body)?))
        }
        OutboxKind::VerifyEmail | OutboxKind::AlreadyRegistered | OutboxKind::ResetPassword | OutboxKind::PasswordChanged | OutboxKind::ConfirmHeld => {
            // A member deleted since is nothing to send; a database error is retried.
            let Some(user_id) = row.user_id else { return Ok(None) };
            let Some(u) = user::find(conn, user_id).optional()? else { return Ok(None) };
            let Some(body) = account_mail(conn, id, kind, row, &u)? else { return Ok(None) };
            // To the address the mail was queued for: the one the account had at the time.
            Ok(Some(finish(base.to(mailbox(&row.recipient)?), body)?))
        }
    }
}

/// The member a notice row is for, unless they are gone or their mail is stopped.
fn notice_recipient(conn: &mut DbConn, row: &OutboxMail) -> Result<Option<user::User>, AppError> {
    let Some(user_id) = row.user_id else { return Ok(None) };
    Ok(user::find(conn, user_id).optional()?.filter(|u| u.mail_stopped_at.is_none()))
}

/// Where a notice's reader chooses their notices: a link that works without signing in.
fn notices_url(id: &Identity, u: &user::User) -> String {
    match &u.mail_token {
        Some(key) => url(id, &paths::notices(&Token::derive(key, MailPurpose::Notices, u.id, 0).to_string())),
        None => url(id, paths::PROFILE_NOTICES),
    }
}

fn first_words(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    format!("{}…", cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut))
}

/// The unit owner a post was written for, with the facilitator's name.
fn owner_of(conn: &mut DbConn, owner: Option<i64>) -> Result<Option<(crate::models::represented_owner::Owner, String)>, AppError> {
    match owner {
        Some(o) => Ok(crate::models::represented_owner::with_facilitator(conn, &[o])?.pop()),
        None => Ok(None),
    }
}

/// A query's title, or a reply's thread's title.
fn title_of(conn: &mut DbConn, p: &post::Post) -> Result<String, AppError> {
    Ok(if p.is_query() { p.title.clone() } else { format!("Re: {}", post::find(conn, p.root_id())?.title) })
}

/// What one notice says, rendered now for its reader; None when it has nothing to say any
/// more (the post it is about was decided since, the record withdrawn, ...).
fn notice_body(conn: &mut DbConn, id: &Identity, kind: OutboxKind, ref_id: Option<i64>, payload: &crate::models::mail_outbox::Payload, u: &user::User) -> Result<Option<bodies::NoticeBody>, AppError> {
    let lang = u.language.as_str();
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let now = crate::models::now();
    let post_ref = |conn: &mut DbConn| -> Result<Option<post::Post>, AppError> {
        match ref_id {
            Some(i) => Ok(post::find(conn, i).optional()?),
            None => Ok(None),
        }
    };
    Ok(Some(match kind {
        OutboxKind::Receipt => {
            let Some(p) = post_ref(conn)?.filter(|p| p.in_queue()) else { return Ok(None) };
            let c = community::find(conn, p.community_id)?;
            bodies::receipt(lang, &title_of(conn, &p)?, &c.name, &url(id, &paths::my_post(p.id)))
        }
        OutboxKind::Notice => {
            let Some(p) = post_ref(conn)?.filter(|p| !p.in_queue()) else { return Ok(None) };
            let c = community::find(conn, p.community_id)?;
            let (link, action) = match p.status {
                post::Status::Approved => (paths::post(&c.slug, p.root_id(), p.id), t.fmt("decision-open-post", &[])),
                post::Status::ChangesRequested => (paths::post_edit(&c.slug, p.id), t.fmt("decision-open-edit", &[])),
                _ => (paths::my_post(p.id), t.my_posts_title.to_string()),
            };
            let status = crate::views::communities::status_label(t, p.status);
            bodies::decision(lang, &title_of(conn, &p)?, status, &p.moderator_note, &url(id, &link), &action)
        }
        OutboxKind::AnswerPersonal => {
            let Some(q) = post_ref(conn)? else { return Ok(None) };
            let Some(how) = q.answered() else { return Ok(None) };
            let c = community::find(conn, q.community_id)?;
            let pg = match q.answered_page_id {
                Some(pid) => page::find(conn, pid).optional()?,
                None => None,
            };
            let asker = q.author_id == u.id;
            let mut body = match (how, pg) {
                (post::AnswerKind::InThread, _) => bodies::answer(lang, &q.title, &bodies::Answered::InThread, asker, &url(id, &paths::thread(&c.slug, q.id))),
                (post::AnswerKind::Page, Some(pg)) => bodies::answer(lang, &q.title, &bodies::Answered::Page(&pg.title), asker, &url(id, &paths::page(&pg.slug))),
                (post::AnswerKind::ExistingPage, Some(pg)) => bodies::answer(lang, &q.title, &bodies::Answered::ExistingPage(&pg.title), asker, &url(id, &paths::page(&pg.slug))),
                (_, None) => return Ok(None),
            };
            // The facilitator who asked for an owner passes the answer on.
            if let Some((o, _)) = owner_of(conn, q.on_behalf_of)?.filter(|(o, _)| asker && o.facilitator_id == u.id && !o.is_claimed()) {
                body.lines.insert(0, bodies::pass_on(lang, &o.name, &o.place).0);
            }
            body
        }
        OutboxKind::ModeratorItem => {
            let (Some(cid), Some(item)) = (ref_id, payload.queue_item.as_ref()) else { return Ok(None) };
            let Some(c) = community::find(conn, cid).optional()? else { return Ok(None) };
            let rest = if item.what == crate::models::mail_outbox::QueueWhat::Join { "members" } else { "queue" };
            bodies::moderator_item(lang, &c.name, item.what, &item.title, &url(id, &paths::community_page(&c.slug, rest)))
        }
        OutboxKind::ModeratorQueue => {
            let waiting = crate::models::notification::waiting_for(conn, u.id, now)?;
            let Some(first) = waiting.first() else { return Ok(None) };
            let queue_url = url(id, &paths::community_page(&first.community.slug, "queue"));
            let mut queues = Vec::new();
            for w in &waiting {
                let mut posts = Vec::new();
                for p in &w.posts {
                    posts.push((title_of(conn, p)?, url(id, &paths::queue_item(&w.community.slug, p.id)), (now - p.created_at).num_days()));
                }
                let due_soon = w
                    .due_soon
                    .iter()
                    .map(|q| (q.title.clone(), url(id, &paths::thread(&w.community.slug, q.id)), q.response_due_at.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()))
                    .collect();
                queues.push(bodies::QueueSnapshot { community: w.community.name.clone(), queue_url: url(id, &paths::community_page(&w.community.slug, "queue")), posts, flags: w.flags, joins: w.joins, due_soon });
            }
            bodies::moderator_queue(lang, &queues, &queue_url)
        }
        OutboxKind::ModeratorUrgent => {
            let Some(p) = post_ref(conn)?.filter(|p| p.in_queue()) else { return Ok(None) };
            let c = community::find(conn, p.community_id)?;
            // How long it had waited when the moderator was told (the mail may go later).
            let waited = payload.waited_hours.unwrap_or_else(|| (now - p.created_at).num_hours());
            let hours = u32::try_from(waited.max(0)).unwrap_or(u32::MAX);
            bodies::moderator_urgent(lang, &c.name, &p.title, hours, &url(id, &paths::queue_item(&c.slug, p.id)))
        }
        OutboxKind::RegistrySubmitted | OutboxKind::RegistryDecision | OutboxKind::RegistryReminder => {
            let Some(rec) = (match ref_id {
                Some(r) => registry::find(conn, r).optional()?,
                None => None,
            }) else {
                return Ok(None);
            };
            let record_url = url(id, &paths::registry_record_of(&rec.kind, &rec.slug));
            match kind {
                OutboxKind::RegistrySubmitted => {
                    let Some(v) = registry::open_version(conn, rec.id)?.filter(|v| v.status == registry::Status::Submitted) else { return Ok(None) };
                    let plural = paths::registry_plural(&rec.kind).unwrap_or("initiatives");
                    bodies::registry_submitted(lang, &rec.title, &v.state, &url(id, &paths::registry_review(plural, &rec.slug, v.number)))
                }
                OutboxKind::RegistryDecision => {
                    let Some(d) = payload.registry.as_ref() else { return Ok(None) };
                    bodies::registry_decision(lang, &d.title, d.published, &d.note, &record_url)
                }
                _ => {
                    let since = rec.verified_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
                    bodies::registry_reminder(lang, &rec.title, &since, &record_url)
                }
            }
        }
        OutboxKind::RegistryFeedback | OutboxKind::RegistryFeedbackEscalated => {
            let Some(f) = (match ref_id {
                Some(r) => crate::models::registry_feedback::find(conn, r).optional()?,
                None => None,
            }) else {
                return Ok(None);
            };
            // Answered meanwhile: nothing left to tell.
            if f.status != crate::models::registry_feedback::Status::Open {
                return Ok(None);
            }
            let rec = registry::find(conn, f.record_id)?;
            bodies::registry_feedback(lang, &rec.title, f.kind.as_str(), &f.body, kind == OutboxKind::RegistryFeedbackEscalated, &url(id, &paths::registry_feedback_item(f.id)))
        }
        OutboxKind::OutcomeAsk => {
            // One link per answer, each with the asker's token for this query.
            let Some(q) = post_ref(conn)?.filter(|q| q.author_id == u.id) else { return Ok(None) };
            // The page asked about: the one that answered the query, or closed it in the queue.
            let (Some(page_id), Some(key)) = (crate::models::outcome::asked_page(conn, q.id)?, u.mail_token.as_deref()) else { return Ok(None) };
            let Some(pg) = page::find(conn, page_id).optional()?.filter(|p| p.status == page::Status::Published) else { return Ok(None) };
            let token = Token::derive(key, MailPurpose::Outcome, u.id, q.id).to_string();
            let links: Vec<(crate::models::outcome::Verdict, String)> =
                crate::models::outcome::Verdict::all().map(|v| (v, url(id, &paths::outcome_ask(q.id, &token, v.as_str())))).collect();
            crate::views::outcomes::ask_mail(lang, &q.title, &pg.title, &links, &url(id, &paths::page(&pg.slug)))
        }
        OutboxKind::FundingMatches => {
            if payload.funding.is_empty() {
                return Ok(None);
            }
            let items: Vec<(String, String)> = payload.funding.iter().map(|m| (bodies::funding_match_label(lang, &m.offer_title, &m.proposal_title, m.score), url(id, &m.path))).collect();
            bodies::funding_matches(lang, items, &url(id, paths::FUNDING))
        }
        OutboxKind::RegistrySectorSubmitted => {
            // Decided or taken back meanwhile: nothing waits for their input.
            let Some(rec) = ref_id.map(|r| registry::find(conn, r).optional()).transpose()?.flatten() else { return Ok(None) };
            let Some(v) = registry::open_version(conn, rec.id)?.filter(|v| v.status == registry::Status::Submitted) else { return Ok(None) };
            bodies::registry_sector_submitted(lang, &rec.title, &v.state, &url(id, paths::REGISTRY_WORK))
        }
        OutboxKind::FundingSubmitted => {
            // Decided, edited into another state's hands or closed meanwhile: nothing waits.
            use crate::models::funding;
            let Some(p) = ref_id.map(|r| funding::find(conn, r)).transpose()?.flatten().filter(|p| p.status == funding::Status::Submitted && p.closed_at.is_none()) else { return Ok(None) };
            let states: Vec<&str> = crate::models::list::decode(&p.states).collect();
            bodies::funding_submitted(lang, p.kind == funding::Kind::Offer, &p.title, &states, &url(id, paths::FUNDING))
        }
        OutboxKind::SubmissionDecided => {
            let Some(d) = payload.decided.as_ref() else { return Ok(None) };
            bodies::submission_decided(lang, &d.what, &d.title, &d.outcome, &d.note, &url(id, &d.path))
        }
        OutboxKind::AwardScoringOpen => {
            // Published meanwhile: nothing left to score.
            let Some(c) = ref_id.map(|r| award::find_cycle(conn, r)).transpose()?.flatten().filter(|c| c.published_at.is_none()) else { return Ok(None) };
            bodies::award_scoring_open(lang, &c.title, &c.jury_close, &url(id, &paths::award_cycle(c.id)))
        }
        OutboxKind::AwardResults => {
            let Some(n) = ref_id.map(|r| award::find_nomination(conn, r)).transpose()?.flatten() else { return Ok(None) };
            let Some(c) = award::find_cycle(conn, n.cycle_id)? else { return Ok(None) };
            let nominee = registry::find(conn, n.nominee_id)?;
            bodies::award_results(lang, &c.title, &nominee.title, &n.category, &n.place, &url(id, &paths::award_results(c.id)))
        }
        OutboxKind::MailRefused | OutboxKind::MailPartsDropped => {
            let Some(inbound_id) = ref_id else { return Ok(None) };
            let Some(body) = inbound_notice(conn, id, kind, inbound_id, u)? else { return Ok(None) };
            body
        }
        _ => return Ok(None),
    }))
}

/// What became of a member's message by mail: refused and why, or posted without some parts.
/// Rendered from its inbound_mail row, in the member's language when it is sent.
fn inbound_notice(conn: &mut DbConn, id: &Identity, kind: OutboxKind, inbound_id: i64, u: &user::User) -> Result<Option<bodies::NoticeBody>, AppError> {
    let Some(log) = inbound::find(conn, inbound_id).optional()? else { return Ok(None) };
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
        bodies::mail_refused(&u.language, &community, &received, &t.stored(&log.reason), &dropped, &link)
    } else {
        bodies::mail_parts_dropped(&u.language, &community, &received, &dropped, &url(id, &log.post_id.map(paths::my_post).unwrap_or_default()))
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
    let nonce = crate::tokens::random_token();
    let mut replies: Vec<(String, i64)> = Vec::new();
    for (item, p, author) in digest::items(conn, d.id)? {
        if !item.included || p.status != post::Status::Approved {
            continue;
        }
        let root_title = if p.is_query() { p.title.clone() } else { post::find(conn, p.root_id())?.title };
        let marker = format!("\u{E000}{nonce}:{}\u{E000}", p.root_id());
        if !replies.iter().any(|(m, _)| *m == marker) {
            replies.push((marker.clone(), p.root_id()));
        }
        entries.push(bodies::DigestEntry {
            reply_to: marker,
            title: root_title,
            author,
            url: url(id, &paths::post(&c.slug, p.root_id(), p.id)),
            plain: markdown::to_plain_text(&p.body_md),
            html: p.body_html.clone(),
            is_reply: !p.is_query(),
        });
    }
    let mut answers = Vec::new();
    for (q, page_slug, page_title) in digest::answers(conn, d.id)? {
        answers.push(bodies::DigestAnswer { query: q.title, page: page_title, url: url(id, &paths::page(&page_slug)) });
    }
    let hindi = lang == "hi";
    let records: Vec<bodies::DigestRecordEntry> = digest::records(conn, d.id)?
        .into_iter()
        .filter(|(item, r)| item.included && r.is_published())
        .map(|(_, r)| bodies::DigestRecordEntry { url: url(id, &paths::registry_record_of(&r.kind, &r.slug)), state: crate::vocab::state_label(&r.state, hindi).to_string(), kind: r.kind, title: r.title })
        .collect();
    let summary = d.audience == membership::Delivery::Summary;
    let (text, html) = bodies::digest_core(lang, &c.name, &markdown::to_plain_text(&d.editorial), &markdown::to_safe_html(&d.editorial), &entries, &answers, &records, summary);
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let kind = if summary { t.mail_summary_heading } else { t.mail_digest_heading };
    let date = d.sent_at.unwrap_or(d.created_at).format("%Y-%m-%d");
    Ok(Shared { subject: format!("[{}] {kind} {date}", c.name), community: c, audience: d.audience, text, html, replies })
}

/// A digest as a given reader would see it, without personal links (for the moderator's preview).
pub fn preview_digest(conn: &mut DbConn, id: &Identity, digest_id: i64, lang: &str) -> Result<bodies::MailBody, AppError> {
    let shared = shared_digest(conn, id, digest_id, lang)?;
    let web_url = url(id, &paths::community(&shared.community.slug));
    let settings = url(id, paths::PROFILE_DELIVERY);
    // Each reader's reply addresses are their own; the preview shows where they go.
    let (mut text, mut html) = (shared.text.clone(), shared.html.clone());
    for (marker, thread) in &shared.replies {
        let shown = format!("reply+…-{thread}@{}", id.domain);
        text = text.replace(marker.as_str(), &shown);
        html = html.replace(marker.as_str(), &shown);
    }
    let footer = bodies::ListFooter { lang, community: &shared.community.name, web_url: &web_url, settings_url: &settings, unsubscribe_url: &settings, reply: bodies::ReplyHint::Digest };
    Ok(bodies::list_mail(shared.subject.clone(), &text, &html, &footer))
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
