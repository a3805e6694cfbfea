//! Inbound mail: replies to list mail become posts in the moderator queue; mail to `post+`
//! opens a new query; `unsubscribe+` stops list mail; `bounce+` counts hard bounces.
//! Every message gets an outcome and a reason in the inbound_mail table; nothing panics on
//! bad input.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

use crate::db::DbConn;
use crate::error::AppError;
use crate::mail::address::{self, Local};
use crate::mail::Identity;
use crate::models::{self, community, inbound, membership, post, role, user};
use crate::services::accounts::Principal;
use crate::services::attachments::Upload;
use crate::services::{communities, posting};

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Posted { post_id: i64 },
    Unsubscribed,
    Bounce { hard: bool },
    Refused(String),
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Posted { .. } => "accepted",
            Outcome::Unsubscribed => "unsubscribed",
            Outcome::Bounce { hard: true } => "hard bounce",
            Outcome::Bounce { hard: false } => "soft bounce",
            Outcome::Refused(_) => "refused",
        }
    }
}

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
            return Some(format!("automatic message (Auto-Submitted: {})", v.trim()));
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

fn principal(conn: &mut DbConn, u: user::User) -> Result<Principal, AppError> {
    let roles = role::for_user(conn, u.id)?;
    Ok(Principal { session_id: 0, user: u, roles })
}

/// The member a token names, if the message really comes from their confirmed address.
fn sender_is(conn: &mut DbConn, token: &str, from: &str) -> Result<Result<user::User, String>, AppError> {
    let Some(u) = user::find_by_mail_token(conn, token)? else { return Ok(Err("unknown address token".into())) };
    if !u.email.eq_ignore_ascii_case(from) || u.email_verified_at.is_none() {
        return Ok(Err("the sender is not the member this address belongs to".into()));
    }
    Ok(Ok(u))
}

fn attachments_of(m: &mail_parser::Message) -> Vec<Upload> {
    m.attachments()
        .take(crate::services::attachments::MAX_FILES + 1)
        .map(|a| Upload { filename: a.attachment_name().unwrap_or("attachment").to_string(), bytes: a.contents().to_vec() })
        .collect()
}

/// Handles one inbound message and records what became of it.
pub fn ingest(conn: &mut DbConn, id: &Identity, files_dir: &std::path::Path, raw: &[u8], envelope_to: Option<&str>, max_bytes: usize) -> Result<Outcome, AppError> {
    let mut sender = String::new();
    let mut recipient = envelope_to.unwrap_or("").to_string();
    let mut message_id = String::new();
    let outcome = (|| -> Result<Outcome, AppError> {
        if raw.len() > max_bytes {
            return Ok(Outcome::Refused(format!("message of {} bytes is over the {} byte limit", raw.len(), max_bytes)));
        }
        let Some(m) = MessageParser::default().parse(raw) else {
            return Ok(Outcome::Refused("malformed message".into()));
        };
        if m.headers().is_empty() || m.from().is_none() && m.return_path().is_empty() {
            return Ok(Outcome::Refused("malformed message: no sender".into()));
        }
        sender = first_address(m.from()).unwrap_or_default();
        message_id = m.message_id().unwrap_or("").chars().take(200).collect();
        let ours: Vec<(String, Local)> = recipients(&m, envelope_to)
            .into_iter()
            .filter_map(|r| address::parse(&r, &id.domain).map(|l| (r, l)))
            .collect();

        // Bounces come to bounce+TOKEN whoever the From says.
        if let Some((r, Local::Bounce { token })) = ours.iter().find(|(_, l)| matches!(l, Local::Bounce { .. })).cloned() {
            recipient = r;
            let text = String::from_utf8_lossy(raw);
            let hard = text.lines().any(|l| {
                let l = l.trim().to_lowercase();
                l.starts_with("status: 5.")
            });
            if hard {
                if let Some(u) = user::find_by_mail_token(conn, &token)? {
                    user::record_bounce(conn, u.id, id.bounce_threshold, models::now())?;
                }
            }
            return Ok(Outcome::Bounce { hard });
        }
        if let Some(reason) = is_automatic(&m) {
            return Ok(Outcome::Refused(reason));
        }
        if sender.is_empty() {
            return Ok(Outcome::Refused("no From address".into()));
        }
        let text = m.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
        let body = trim_reply(&text);

        let target = ours.first().cloned().or_else(|| {
            // No address of ours (forwarded, or the client replied to From): follow the thread.
            let refs: Vec<String> = m
                .in_reply_to()
                .as_text_list()
                .into_iter()
                .flatten()
                .map(|s| s.to_string())
                .chain(references(&m))
                .collect();
            refs.iter().find_map(|r| address::post_of_message_id(r, &id.domain)).map(|post_id| (String::new(), Local::Reply { token: String::new(), post_id }))
        });
        let Some((r, local)) = target else {
            return Ok(Outcome::Refused("not addressed to a list address of this portal".into()));
        };
        if !r.is_empty() {
            recipient = r;
        }
        match local {
            Local::Unsubscribe { token, community_id } => {
                let u = match sender_is(conn, &token, &sender)? {
                    Ok(u) => u,
                    // One-click by mail works from the address the mail went to, nothing else.
                    Err(reason) => return Ok(Outcome::Refused(reason)),
                };
                if let Some(mm) = membership::find(conn, community_id, u.id)? {
                    membership::set_delivery(conn, mm.id, "web")?;
                }
                Ok(Outcome::Unsubscribed)
            }
            Local::Reply { token, post_id } => {
                let u = if token.is_empty() {
                    match user::find_by_email(conn, &sender)? {
                        Some(u) if u.email_verified_at.is_some() => u,
                        _ => return Ok(Outcome::Refused("unknown sender".into())),
                    }
                } else {
                    match sender_is(conn, &token, &sender)? {
                        Ok(u) => u,
                        Err(reason) => return Ok(Outcome::Refused(reason)),
                    }
                };
                let Ok(p) = post::find(conn, post_id) else { return Ok(Outcome::Refused("the thread no longer exists".into())) };
                let c = community::find(conn, p.community_id)?;
                let who = principal(conn, u)?;
                let access = communities::access(conn, &c.slug, Some(&who))?;
                if !access.is_member() {
                    return Ok(Outcome::Refused("the sender is not a member of the community".into()));
                }
                let input = posting::PostInput { body, ..Default::default() };
                match posting::submit(conn, &id.domain, files_dir, &access, who.user.id, Some(p.root_id()), &input, &attachments_of(&m)) {
                    Ok(s) => Ok(Outcome::Posted { post_id: s.post_id }),
                    Err(AppError::Validation(errors)) => Ok(Outcome::Refused(errors.into_values().collect::<Vec<_>>().join(" "))),
                    Err(AppError::NotFound) => Ok(Outcome::Refused("the thread is not open for replies".into())),
                    Err(e) => Err(e),
                }
            }
            Local::Post { token, community_id } => {
                let u = match sender_is(conn, &token, &sender)? {
                    Ok(u) => u,
                    Err(reason) => return Ok(Outcome::Refused(reason)),
                };
                let Ok(c) = community::find(conn, community_id) else { return Ok(Outcome::Refused("no such community".into())) };
                let who = principal(conn, u)?;
                let access = communities::access(conn, &c.slug, Some(&who))?;
                if !access.is_member() {
                    return Ok(Outcome::Refused("the sender is not a member of the community".into()));
                }
                let title = m.subject().unwrap_or("").trim().to_string();
                let input = posting::PostInput { title, body, ..Default::default() };
                match posting::submit(conn, &id.domain, files_dir, &access, who.user.id, None, &input, &attachments_of(&m)) {
                    Ok(s) => Ok(Outcome::Posted { post_id: s.post_id }),
                    Err(AppError::Validation(errors)) => Ok(Outcome::Refused(errors.into_values().collect::<Vec<_>>().join(" "))),
                    Err(e) => Err(e),
                }
            }
            Local::Bounce { .. } => unreachable!("handled above"),
        }
    })()?;
    let reason = match &outcome {
        Outcome::Refused(r) => r.clone(),
        _ => String::new(),
    };
    if let Outcome::Refused(r) = &outcome {
        tracing::info!(reason = %r, "inbound mail refused");
    }
    inbound::record(
        conn,
        &inbound::NewInboundMail {
            received_at: models::now(),
            sender: &sender,
            recipient: &recipient,
            message_id: &message_id,
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
