//! Inbound mail, a use case: replies to list mail become posts in the moderator queue; mail to
//! `post+` opens a new query; `unsubscribe+` stops list mail; `bounce+` counts hard bounces
//! (delivery-status reports, `dsn`).
//! Every message gets an outcome and a reason in the inbound_mail table; nothing panics on
//! bad input.
//!
//! Identity: a message speaks for a member only through the token in the address it came to,
//! made for that member, that purpose and that thread or community (`tokens::address`). The From
//! header proves nothing (it is recorded, not trusted): a message in a member's name that came
//! any other way is held and the member, at their own address, is asked to confirm it; mail
//! from anyone else is refused with its reason recorded, and no notice goes to a From address
//! nobody has verified.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

use crate::db::DbConn;
use crate::error::{loggable, one_line, AppError};
use crate::models::{self, community, inbound, mail_outbox, membership, post, storable, user};
use crate::services::attachments::Upload;
use crate::services::mail_identity::{self, Held};
use crate::services::{communities, posting, Env};
use crate::tokens::address::{self, Local, Token};
use crate::tokens::MailPurpose;

/// What inbound mail needs to know about the portal.
#[derive(Clone)]
pub struct Site {
    /// The mail domain, the web address (for the links in the mail a held message causes)
    /// and where attachments go.
    pub env: Env,
    /// Hard bounces after which mail to a member stops.
    pub bounce_threshold: i32,
    /// Says a posting refusal in English for the MTA and the inbound log (the caller passes
    /// views::i18n::english; services do not import views).
    pub explain: fn(&crate::error::Message) -> String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Posted { post_id: i64 },
    /// Held until the member it names confirms it by the link mailed to them.
    Held,
    Unsubscribed,
    Bounce { hard: bool },
    Refused(String),
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Posted { .. } => "accepted",
            Outcome::Held => "held for confirmation",
            Outcome::Unsubscribed => "unsubscribed",
            Outcome::Bounce { hard: true } => "hard bounce",
            Outcome::Bounce { hard: false } => "soft bounce",
            Outcome::Refused(_) => "refused",
        }
    }
}

/// Longest refusal reason kept in inbound_mail (and printed for the MTA).
pub const MAX_REASON: usize = 300;

fn first_address(a: Option<&Address>) -> Option<String> {
    a?.first()?.address().map(|s| s.trim().to_lowercase())
}

/// Cuts quoted text, "On … wrote:" lines and signatures from a reply.
pub fn trim_reply(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines() {
        let t = line.trim_end();
        let lower = t.to_lowercase();
        if t == "--" || t == "-- " || line == "-- " || lower.starts_with("-----original message") || lower.starts_with("________________") {
            break;
        }
        if (lower.starts_with("on ") && lower.ends_with("wrote:")) || lower.ends_with("लिखा:") {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        out.push(t);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n").trim().to_string()
}

fn is_automatic(m: &mail_parser::Message) -> Option<String> {
    if let Some(v) = m.header_raw("Auto-Submitted") {
        if !v.trim().eq_ignore_ascii_case("no") {
            return Some(format!("automatic message (Auto-Submitted: {})", one_line(v.trim(), 60)));
        }
    }
    if let Some(v) = m.header_raw("Precedence") {
        let v = v.trim().to_lowercase();
        if ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str()) {
            return Some(format!("automatic message (Precedence: {v})"));
        }
    }
    for h in ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"] {
        if m.header_raw(h).is_some() {
            return Some(format!("automatic message ({h})"));
        }
    }
    None
}

/// Candidate recipient addresses: the envelope recipient first, then the headers.
fn recipients(m: &mail_parser::Message, envelope: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = envelope.map(|e| e.trim().to_lowercase()).into_iter().collect();
    for h in ["Delivered-To", "X-Original-To"] {
        if let Some(v) = m.header_raw(h) {
            out.push(v.trim().to_lowercase());
        }
    }
    for a in [m.to(), m.cc()].into_iter().flatten() {
        for addr in a.iter() {
            if let Some(s) = addr.address() {
                out.push(s.to_lowercase());
            }
        }
    }
    out
}

fn attachments_of(m: &mail_parser::Message) -> Vec<Upload> {
    m.attachments()
        .take(crate::services::attachments::MAX_FILES + 1)
        .map(|a| Upload { filename: storable(a.attachment_name().unwrap_or("attachment")).into_owned(), bytes: a.contents().to_vec() })
        .collect()
}

/// The member whose token this is for this purpose and object, if any.
fn token_member(conn: &mut DbConn, token: &Option<Token>, purpose: MailPurpose, object_id: i64) -> Result<Option<user::User>, AppError> {
    match token {
        Some(t) => mail_identity::member_for(conn, t, purpose, object_id),
        None => Ok(None),
    }
}

/// Where a message is meant to go in the portal.
#[derive(Clone, Copy)]
enum Target {
    Thread(i64),
    Community(i64),
}

/// Submits a message as `u`, who proved it is theirs with a token of the right purpose.
fn post_as(conn: &mut DbConn, site: &Site, u: user::User, target: Target, title: String, body: String, uploads: &[Upload]) -> Result<Outcome, AppError> {
    let (c, thread) = match target {
        Target::Thread(post_id) => {
            let Ok(p) = post::find(conn, post_id) else { return Ok(Outcome::Refused("the thread no longer exists".into())) };
            (community::find(conn, p.community_id)?, Some(p.root_id()))
        }
        Target::Community(cid) => match community::find(conn, cid) {
            Ok(c) => (c, None),
            Err(_) => return Ok(Outcome::Refused("no such community".into())),
        },
    };
    let who = mail_identity::principal_of(conn, u)?;
    let access = communities::access(conn, &c.slug, Some(&who))?;
    if !access.is_member() {
        return Ok(Outcome::Refused("the sender is not a member of the community".into()));
    }
    let input = posting::PostInput { title: if thread.is_some() { String::new() } else { title }, body, ..Default::default() };
    match posting::submit(conn, &site.env, &access, who.user.id, thread, &input, uploads) {
        Ok(s) => Ok(Outcome::Posted { post_id: s.post_id }),
        Err(e) => refused(site, e),
    }
}

/// Posting's refusal as an outcome with its reason; other errors stay errors.
fn refused(site: &Site, e: AppError) -> Result<Outcome, AppError> {
    match e {
        AppError::Validation(errors) => Ok(Outcome::Refused(errors.values().map(site.explain).collect::<Vec<_>>().join(" "))),
        AppError::NotFound => Ok(Outcome::Refused("the thread is not open for replies".into())),
        e => Err(e),
    }
}

/// A message that names a member only by its From header (or a token that is not theirs for
/// this purpose): held for that member to confirm, if From is a confirmed member who may post
/// there; refused otherwise. Nothing is mailed to an address that did not prove itself.
fn hold_or_refuse(conn: &mut DbConn, site: &Site, sender: &str, target: Target, title: &str, body: &str) -> Result<Outcome, AppError> {
    const NOT_PROVEN: &str = "not sent through the member's own reply address, and the sender is not a confirmed member who may post there";
    // A disabled account is no one: nothing is held for it and nothing mailed to it.
    let Some(u) = user::find_by_email(conn, sender)?.filter(|u| u.is_verified() && u.mail_stopped_at.is_none() && !u.is_disabled()) else {
        return Ok(Outcome::Refused(NOT_PROVEN.into()));
    };
    let (c, thread_id) = match target {
        Target::Thread(post_id) => match post::find(conn, post_id) {
            Ok(p) if p.status == post::Status::Approved => (community::find(conn, p.community_id)?, Some(p.root_id())),
            _ => return Ok(Outcome::Refused("the thread no longer exists".into())),
        },
        Target::Community(cid) => match community::find(conn, cid) {
            Ok(c) => (c, None),
            Err(_) => return Ok(Outcome::Refused("no such community".into())),
        },
    };
    let user_id = u.id;
    let who = mail_identity::principal_of(conn, u)?;
    if !communities::access(conn, &c.slug, Some(&who))?.is_member() {
        return Ok(Outcome::Refused(NOT_PROVEN.into()));
    }
    // The checks posting makes (sizes, then nesting), now: a message that would be refused on
    // confirmation is refused here, and the member is not asked about it.
    let input = posting::PostInput { title: if thread_id.is_some() { String::new() } else { title.to_string() }, body: body.to_string(), ..Default::default() };
    if let Err(e) = posting::prepare(thread_id, &input, vec![]) {
        return refused(site, e);
    }
    let held = Held { community_id: c.id, thread_id, title: if thread_id.is_some() { "" } else { title }, body, sender };
    if mail_identity::hold(conn, &site.env, &who.user, &held)? {
        tracing::info!(user_id, "inbound mail held for the member to confirm");
        Ok(Outcome::Held)
    } else {
        Ok(Outcome::Refused("too many held messages already wait for this member's confirmation".into()))
    }
}

/// A bounce counts only as a delivery-status report (RFC 3464) to a valid bounce token that
/// names the member's own address as a failed recipient and returns the failed message's
/// headers (message/rfc822 or text/rfc822-headers) with the Message-ID of a message the portal
/// really sent to that address. A report without them proves nothing and counts nothing.
fn bounce(conn: &mut DbConn, site: &Site, m: &mail_parser::Message, token: &Option<Token>) -> Result<Outcome, AppError> {
    let Some(u) = token_member(conn, token, MailPurpose::Bounce, 0)? else {
        return Ok(Outcome::Refused("bounce address without a valid token".into()));
    };
    let Some(report) = dsn::parse(m) else {
        return Ok(Outcome::Refused("not a delivery-status report".into()));
    };
    let ours: Vec<&dsn::Recipient> = report.recipients.iter().filter(|r| r.names(&u.email)).collect();
    if ours.is_empty() {
        return Ok(Outcome::Refused("the report does not name this member's address".into()));
    }
    let Some(mid) = &report.returned_message_id else {
        return Ok(Outcome::Refused("the report does not return the failed message's headers".into()));
    };
    if !mail_outbox::sent_to(conn, mid, &u.email)? {
        return Ok(Outcome::Refused("the report names no message sent to this member".into()));
    }
    // A full mailbox (5.2.2) is a soft bounce: its owner empties it and mail works again.
    let hard = ours.iter().any(|r| r.status.starts_with("5.") && r.status != "5.2.2");
    if hard {
        user::record_bounce(conn, u.id, site.bounce_threshold, Some(mid.as_str()), models::now())?;
    }
    Ok(Outcome::Bounce { hard })
}

/// Handles one inbound message and records what became of it. Only a database that cannot be
/// reached (or is busy) is an error, so the MTA retries; a message the portal fails on for any
/// other reason is refused for good and recorded, since trying it again would fail again.
pub fn ingest(conn: &mut DbConn, site: &Site, raw: &[u8], envelope_to: Option<&str>, max_bytes: usize) -> Result<Outcome, AppError> {
    if raw.len() > max_bytes {
        return refuse_oversized(conn, site, raw, raw.len() as u64, envelope_to, max_bytes);
    }
    let mut sender = String::new();
    let mut recipient = envelope_to.unwrap_or("").to_string();
    let mut message_id = String::new();
    let outcome = (|| -> Result<Outcome, AppError> {
        let Some(m) = MessageParser::default().parse(raw) else {
            return Ok(Outcome::Refused("malformed message".into()));
        };
        if m.headers().is_empty() || m.from().is_none() && m.return_path().is_empty() {
            return Ok(Outcome::Refused("malformed message: no sender".into()));
        }
        sender = first_address(m.from()).map(|a| storable(&a).into_owned()).unwrap_or_default();
        message_id = storable(m.message_id().unwrap_or("")).into_owned();
        let ours: Vec<(String, Local)> = recipients(&m, envelope_to)
            .into_iter()
            .filter_map(|r| address::parse(&r, &site.env.mail_domain).map(|l| (r, l)))
            .collect();

        // Bounces come to bounce+TOKEN whoever the From says.
        if let Some((r, Local::Bounce { token })) = ours.iter().find(|(_, l)| matches!(l, Local::Bounce { .. })).cloned() {
            recipient = r;
            return bounce(conn, site, &m, &token);
        }
        if let Some(reason) = is_automatic(&m) {
            return Ok(Outcome::Refused(reason));
        }
        if sender.is_empty() {
            return Ok(Outcome::Refused("no From address".into()));
        }
        let text = m.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
        let body = trim_reply(&storable(&text));
        let title = storable(m.subject().unwrap_or("")).trim().to_string();

        let Some((r, local)) = ours.first().cloned() else {
            // No address of ours (forwarded, or the client replied to From): the thread it
            // names may be ours, but the message proves no one's identity.
            let refs: Vec<String> = m.in_reply_to().as_text_list().into_iter().flatten().map(|s| s.to_string()).chain(references(&m)).collect();
            return match refs.iter().find_map(|r| address::post_of_message_id(r, &site.env.mail_domain)) {
                Some(post_id) => hold_or_refuse(conn, site, &sender, Target::Thread(post_id), &title, &body),
                None => Ok(Outcome::Refused("not addressed to a list address of this portal".into())),
            };
        };
        recipient = r;
        match local {
            Local::Unsubscribe { token, community_id } => {
                // The token alone is the credential (RFC 8058 one-click); From is not asked for.
                let Some(u) = token_member(conn, &token, MailPurpose::Unsubscribe, community_id)? else {
                    return Ok(Outcome::Refused("unsubscribe address without a valid token".into()));
                };
                if let Some(mm) = membership::find(conn, community_id, u.id)? {
                    membership::set_delivery(conn, mm.id, membership::Delivery::Web)?;
                }
                Ok(Outcome::Unsubscribed)
            }
            Local::Reply { token, post_id } => match token_member(conn, &token, MailPurpose::Reply, post_id)? {
                Some(u) => post_as(conn, site, u, Target::Thread(post_id), title, body, &attachments_of(&m)),
                None => hold_or_refuse(conn, site, &sender, Target::Thread(post_id), &title, &body),
            },
            Local::Post { token, community_id } => match token_member(conn, &token, MailPurpose::Post, community_id)? {
                Some(u) => post_as(conn, site, u, Target::Community(community_id), title, body, &attachments_of(&m)),
                None => hold_or_refuse(conn, site, &sender, Target::Community(community_id), &title, &body),
            },
            Local::Bounce { .. } => unreachable!("handled above"),
        }
    })();
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) if e.is_temporary() => return Err(e),
        Err(e) => {
            tracing::error!("inbound mail could not be filed: {e}");
            Outcome::Refused(format!("the portal could not file the message ({e})"))
        }
    };
    record(conn, site, &sender, &recipient, &message_id, outcome)
}

/// Records a message over the size limit, refused unread: `head` is as much of it as was read
/// (enough for its headers), `size` its whole size or as much of it as was counted.
pub fn refuse_oversized(conn: &mut DbConn, site: &Site, head: &[u8], size: u64, envelope_to: Option<&str>, max_bytes: usize) -> Result<Outcome, AppError> {
    let headers = MessageParser::default().parse_headers(head);
    let sender = headers.as_ref().and_then(|m| first_address(m.from())).map(|a| storable(&a).into_owned()).unwrap_or_default();
    let message_id = headers.as_ref().and_then(|m| m.message_id()).map(|id| storable(id).into_owned()).unwrap_or_default();
    let outcome = Outcome::Refused(format!("message of {size} bytes is over the {max_bytes} byte limit"));
    record(conn, site, &sender, envelope_to.unwrap_or(""), &message_id, outcome)
}

/// Writes what became of a message into inbound_mail (and a line without addresses to the log).
fn record(conn: &mut DbConn, site: &Site, sender: &str, recipient: &str, message_id: &str, outcome: Outcome) -> Result<Outcome, AppError> {
    let outcome = match outcome {
        Outcome::Refused(r) => Outcome::Refused(one_line(&r, MAX_REASON)),
        other => other,
    };
    let reason = match &outcome {
        Outcome::Refused(r) => r.clone(),
        _ => String::new(),
    };
    // Only the outcome and a one-line reason without addresses reach the log.
    tracing::info!(outcome = outcome.label(), reason = %loggable(&reason), "inbound mail");
    inbound::record(
        conn,
        &inbound::NewInboundMail {
            received_at: models::now(),
            sender: &one_line(sender, 320),
            recipient: &one_line(&address::masked(recipient, &site.env.mail_domain), 320),
            message_id: &one_line(message_id, 200),
            outcome: outcome.label(),
            reason: &reason,
            post_id: match outcome {
                Outcome::Posted { post_id } => Some(post_id),
                _ => None,
            },
        },
    )?;
    Ok(outcome)
}

fn references(m: &mail_parser::Message) -> Vec<String> {
    match m.header("References") {
        Some(HeaderValue::Text(t)) => vec![t.to_string()],
        Some(HeaderValue::TextList(l)) => l.iter().map(|s| s.to_string()).collect(),
        _ => vec![],
    }
}

/// Delivery-status reports (RFC 3464), read from their message/delivery-status part.
mod dsn {
    use mail_parser::{MessageParser, MimeHeaders, PartType};

    pub struct Recipient {
        pub final_recipient: String,
        pub original_recipient: String,
        /// The status code, e.g. "5.1.1"; empty when missing or malformed.
        pub status: String,
    }

    impl Recipient {
        pub fn names(&self, email: &str) -> bool {
            [&self.final_recipient, &self.original_recipient].iter().any(|a| !a.is_empty() && a.eq_ignore_ascii_case(email))
        }
    }

    pub struct Report {
        pub recipients: Vec<Recipient>,
        /// The Message-ID of the failed message, from its returned copy or headers.
        pub returned_message_id: Option<String>,
    }

    /// Header-style field blocks separated by blank lines, with folded lines joined.
    fn blocks(text: &str) -> Vec<Vec<(String, String)>> {
        let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                if !out.last().is_some_and(Vec::is_empty) {
                    out.push(Vec::new());
                }
            } else if line.starts_with([' ', '\t']) {
                if let Some((_, v)) = out.last_mut().and_then(|b| b.last_mut()) {
                    v.push(' ');
                    v.push_str(line.trim());
                }
            } else if let Some((k, v)) = line.split_once(':') {
                out.last_mut().expect("a block").push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        out.retain(|b| !b.is_empty());
        out
    }

    fn field<'a>(block: &'a [(String, String)], name: &str) -> &'a str {
        block.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// "rfc822; bob@example.org" -> "bob@example.org".
    fn address(v: &str) -> String {
        let a = v.split_once(';').map(|(_, a)| a).unwrap_or(v);
        a.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase()
    }

    /// "5.1.1 (user unknown)" -> "5.1.1"; anything not shaped like a status code -> "".
    fn status(v: &str) -> String {
        let code = v.split_whitespace().next().unwrap_or("");
        let parts: Vec<&str> = code.split('.').collect();
        let ok = parts.len() == 3 && ["2", "4", "5"].contains(&parts[0]) && parts[1..].iter().all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
        if ok { code.to_string() } else { String::new() }
    }

    fn is(ct: Option<&mail_parser::ContentType>, ctype: &str, subtype: &str) -> bool {
        ct.is_some_and(|ct| ct.ctype().eq_ignore_ascii_case(ctype) && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case(subtype)))
    }

    /// The report, if the message is multipart/report; report-type=delivery-status with a
    /// message/delivery-status part. A text that merely says "Status: 5.1.1" is not one.
    pub fn parse(m: &mail_parser::Message) -> Option<Report> {
        let root = m.content_type();
        if !is(root, "multipart", "report") || !root.and_then(|ct| ct.attribute("report-type")).is_some_and(|t| t.eq_ignore_ascii_case("delivery-status")) {
            return None;
        }
        let status_part = m.parts.iter().find(|p| is(p.content_type(), "message", "delivery-status"))?;
        let text = String::from_utf8_lossy(status_part.contents());
        let recipients = blocks(&text)
            .iter()
            .skip(1) // the first block is about the message, the others one per recipient
            .map(|b| Recipient { final_recipient: address(field(b, "final-recipient")), original_recipient: address(field(b, "original-recipient")), status: status(field(b, "status")) })
            .filter(|r| !r.final_recipient.is_empty())
            .collect::<Vec<_>>();
        if recipients.is_empty() {
            return None;
        }
        let returned_message_id = m.parts.iter().find_map(|p| {
            if let PartType::Message(inner) = &p.body {
                return inner.message_id().map(|s| format!("<{s}>"));
            }
            if is(p.content_type(), "text", "rfc822-headers") {
                let headers = MessageParser::default().parse_headers(p.contents())?;
                return headers.message_id().map(|s| format!("<{s}>"));
            }
            None
        });
        Some(Report { recipients, returned_message_id })
    }
}

#[cfg(test)]
mod tests {
    use super::trim_reply;

    #[test]
    fn quotes_and_signatures_are_trimmed() {
        let text = "Thanks, this helped.\nWe will try it.\n\nOn Mon, 1 Dec 2026, Meena wrote:\n> old text\n> more\n";
        assert_eq!(trim_reply(text), "Thanks, this helped.\nWe will try it.");
        assert_eq!(trim_reply("Yes.\n-- \nRavi Kumar\nHowrah"), "Yes.");
        assert_eq!(trim_reply("> quoted only\nmine"), "mine");
    }
}
