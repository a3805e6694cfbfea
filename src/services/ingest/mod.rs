//! Inbound mail, a use case: replies to list mail become posts in the moderator queue; mail to
//! `post+` opens a new query; `unsubscribe+` stops list mail; `bounce+` counts hard bounces
//! (delivery-status reports, `dsn`).
//! Every message gets an outcome and a reason in the inbound_mail table; nothing panics on
//! bad input. A reply keeps every word: all its inline text parts, in order; parts the portal
//! does not take (signatures, winmail.dat, forwarded messages, ...) are left out with a reason
//! (`body`), and the member is told. The same message delivered twice is filed once.
//!
//! Identity: a message speaks for a member only through the token in the address it came to,
//! made for that member, that purpose and that thread or community (`tokens::address`). The From
//! header proves nothing (it is recorded, not trusted): a message in a member's name that came
//! any other way is held and the member, at their own address, is asked to confirm it; mail
//! from anyone else is refused with its reason recorded, and no notice goes to a From address
//! nobody has verified.

mod body;
mod dsn;

pub use body::{trim_reply, Dropped};

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

use crate::db::{write_tx, DbConn};
use crate::error::{loggable, one_line, AppError, Message};
use crate::models::{self, community, inbound, list, mail_outbox, membership, post, user};
use crate::services::communities::{self, Access};
use crate::services::mail_identity::{self, Held};
use crate::services::{notify, posting, Env};
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
    /// Says a reason in English for the MTA and the server log (the caller passes
    /// views::i18n::english; services do not import views).
    pub explain: fn(&Message) -> String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Posted { post_id: i64 },
    /// Held until the member it names confirms it by the link mailed to them.
    Held,
    Unsubscribed,
    Bounce { hard: bool },
    /// Filed before: the same Message-ID already came to the same address.
    Duplicate(Message),
    Refused(Message),
    /// Not an address of the portal, or one whose token names no one: the MTA bounces it.
    UnknownAddress(Message),
    /// Not a message that can be read: the MTA returns it as bad data.
    Malformed(Message),
}

impl Outcome {
    /// The outcome as stored in the log (pages show it by the key `inbound-outcome-…`).
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Posted { .. } => "accepted",
            Outcome::Held => "held for confirmation",
            Outcome::Unsubscribed => "unsubscribed",
            Outcome::Bounce { hard: true } => "hard bounce",
            Outcome::Bounce { hard: false } => "soft bounce",
            Outcome::Duplicate(_) => "duplicate",
            Outcome::Refused(_) => "refused",
            Outcome::UnknownAddress(_) => "unknown address",
            Outcome::Malformed(_) => "malformed",
        }
    }

    /// Why, for the outcomes that have a reason.
    pub fn reason(&self) -> Option<&Message> {
        match self {
            Outcome::Duplicate(m) | Outcome::Refused(m) | Outcome::UnknownAddress(m) | Outcome::Malformed(m) => Some(m),
            _ => None,
        }
    }
}

/// Longest text argument (a header's value, an error) kept in a stored reason.
const MAX_ARG: usize = 200;

/// A claim older than this whose message was never finished was left by a filing that died
/// (killed, or the machine stopped): a new delivery of the message takes it over.
const STALE_CLAIM_MINUTES: i64 = 15;

/// At most one notice of a refusal per member in this many milliseconds (an hour), so a
/// loop with an auto-responder, or a flood in a member's name, mails them little.
const REFUSAL_NOTICE_WINDOW_MS: i64 = 3_600_000;

fn first_address(a: Option<&Address>) -> Option<String> {
    a?.first()?.address().map(|s| s.trim().to_lowercase())
}

/// Mail no person wrote: auto-replies, bulk and list mail. `X-Auto-Response-Suppress` is not
/// among the signs: Outlook sets it on ordinary mail people write.
fn is_automatic(m: &mail_parser::Message) -> Option<Message> {
    let automatic = |header: &str| Some(Message::new("mail-refused-automatic").arg("header", one_line(header, 80)));
    if let Some(v) = m.header_raw("Auto-Submitted") {
        if !v.trim().eq_ignore_ascii_case("no") {
            return automatic(&format!("Auto-Submitted: {}", v.trim()));
        }
    }
    if let Some(v) = m.header_raw("Precedence") {
        let v = v.trim().to_lowercase();
        if ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str()) {
            return automatic(&format!("Precedence: {v}"));
        }
    }
    for h in ["X-Autoreply", "X-Autorespond", "X-Failed-Recipients"] {
        if m.header_raw(h).is_some() {
            return automatic(h);
        }
    }
    // Delivery reports, read receipts and abuse reports (RFC 6522), wherever they were sent:
    // a bounce that reached a reply or posting address is no member's words.
    if let Some(ct) = m.content_type() {
        if ct.ctype().eq_ignore_ascii_case("multipart") && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report")) {
            return automatic("Content-Type: multipart/report");
        }
    }
    // The null reverse-path (RFC 5321 4.5.5) is for notifications only, and MAILER-DAEMON or
    // the postmaster signs the bounces of mail servers that send no report.
    let daemon = |local: &str| ["mailer-daemon", "postmaster", "post_master"].iter().any(|d| local.eq_ignore_ascii_case(d));
    if let Some(path) = m.header_raw("Return-Path") {
        let path = path.trim().trim_start_matches('<').trim_end_matches('>');
        if path.is_empty() || daemon(path.split('@').next().unwrap_or("")) {
            return automatic(&format!("Return-Path: <{path}>"));
        }
    }
    let from = m.from().and_then(|a| a.first());
    let local = from.and_then(|a| a.address()).map(|a| a.split('@').next().unwrap_or("")).unwrap_or("");
    if daemon(local) || (local.is_empty() && from.and_then(|a| a.name()).is_some_and(daemon)) {
        return automatic("From: MAILER-DAEMON");
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

/// What filing a message found out besides its outcome.
#[derive(Default)]
struct Facts {
    community_id: Option<i64>,
    /// The member a token proved the message is from: they may be told what became of it.
    member: Option<user::User>,
    dropped: Vec<Dropped>,
}

/// The community and thread a target names; None when it is gone.
fn resolve(conn: &mut DbConn, target: Target, approved_only: bool) -> Result<Option<(community::Community, Option<i64>)>, AppError> {
    Ok(match target {
        Target::Thread(post_id) => match post::find(conn, post_id) {
            Ok(p) if !approved_only || p.status == post::Status::Approved => Some((community::find(conn, p.community_id)?, Some(p.root_id()))),
            _ => None,
        },
        Target::Community(cid) => community::find(conn, cid).ok().map(|c| (c, None)),
    })
}

fn gone(target: Target) -> Outcome {
    Outcome::Refused(Message::new(match target {
        Target::Thread(_) => "mail-refused-thread-gone",
        Target::Community(_) => "mail-refused-no-community",
    }))
}

/// Submits a message as `u`, who proved it is theirs with a token of the right purpose, under
/// the posting limits of the web.
fn post_as(conn: &mut DbConn, site: &Site, u: user::User, target: Target, title: String, body: body::Body, facts: &mut Facts) -> Result<Outcome, AppError> {
    facts.member = Some(u.clone());
    facts.dropped = body.dropped;
    let Some((c, thread)) = resolve(conn, target, false)? else { return Ok(gone(target)) };
    facts.community_id = Some(c.id);
    let who = mail_identity::principal_of(conn, u)?;
    let mut access: Access = communities::access(conn, &c.slug, Some(&who))?;
    if !access.is_member() {
        // An expert asked about this thread replies to it whether or not they are a member.
        match thread.map(|root| crate::services::experts::as_asked_expert(conn, &access, root, who.user.id)).transpose()?.flatten() {
            Some(asked) => access = asked,
            None => return Ok(Outcome::Refused(Message::new("mail-refused-not-member").arg("community", c.name.clone()))),
        }
    }
    let uid = who.user.id;
    if let Err(e) = posting::allowed(conn, uid) {
        return refused(e);
    }
    let input = posting::PostInput { title: if thread.is_some() { String::new() } else { title }, body: body.text, ..Default::default() };
    match posting::submit(conn, &site.env, &access, uid, thread, &input, &body.files) {
        Ok(s) => {
            posting::counted(conn, uid)?;
            Ok(Outcome::Posted { post_id: s.post_id })
        }
        Err(e) => refused(e),
    }
}

/// Posting's refusal as an outcome with its reason; other errors stay errors.
fn refused(e: AppError) -> Result<Outcome, AppError> {
    match e {
        AppError::Validation(errors) => Ok(Outcome::Refused(Message::all(errors.into_values().collect()).unwrap_or_else(|| Message::new("mail-refused-invalid")))),
        AppError::NotFound => Ok(Outcome::Refused(Message::new("mail-refused-thread-closed"))),
        AppError::Forbidden => Ok(Outcome::Refused(Message::new("mail-refused-not-allowed"))),
        AppError::RateLimited(secs) => Ok(Outcome::Refused(Message::new("mail-refused-rate").arg("minutes", secs.div_ceil(60).max(1)))),
        e => Err(e),
    }
}

/// A message that names a member only by its From header (or a token that is not theirs for
/// this purpose): held for that member to confirm, if From is a confirmed member who may post
/// there. Otherwise the address it came to proved no one: unknown to the MTA, which bounces
/// it. Nothing is mailed to an address that did not prove itself.
fn hold_or_refuse(conn: &mut DbConn, site: &Site, sender: &str, target: Target, title: &str, body: body::Body, facts: &mut Facts) -> Result<Outcome, AppError> {
    let not_proven = || Outcome::UnknownAddress(Message::new("mail-refused-not-proven"));
    facts.dropped = body.dropped;
    // Files do not wait with a held message: the member is shown the text only.
    facts.dropped.extend(body.files.iter().map(|f| Dropped(Message::new("mail-part-not-held").arg("name", f.filename.clone()))));
    // A disabled account is no one: nothing is held for it and nothing mailed to it.
    let Some(u) = user::find_by_email(conn, sender)?.filter(|u| u.is_verified() && u.mail_stopped_at.is_none() && !u.is_disabled()) else {
        return Ok(not_proven());
    };
    let Some((c, thread_id)) = resolve(conn, target, true)? else { return Ok(gone(target)) };
    facts.community_id = Some(c.id);
    let user_id = u.id;
    let who = mail_identity::principal_of(conn, u)?;
    if !communities::access(conn, &c.slug, Some(&who))?.is_member() {
        return Ok(not_proven());
    }
    // The checks posting makes (sizes, then nesting), now: a message that would be refused on
    // confirmation is refused here, and the member is not asked about it.
    let input = posting::PostInput { title: if thread_id.is_some() { String::new() } else { title.to_string() }, body: body.text.clone(), ..Default::default() };
    if let Err(e) = posting::prepare(thread_id, &input, vec![]) {
        return refused(e);
    }
    let held = Held { community_id: c.id, thread_id, title: if thread_id.is_some() { "" } else { title }, body: &body.text, sender };
    if mail_identity::hold(conn, &site.env, &who.user, &held)? {
        tracing::info!(user_id, "inbound mail held for the member to confirm");
        Ok(Outcome::Held)
    } else {
        Ok(Outcome::Refused(Message::new("mail-refused-too-many-held")))
    }
}

/// A bounce counts only as a delivery-status report (RFC 3464) to a valid bounce token that
/// names the member's own address as a failed recipient and returns the failed message's
/// headers (message/rfc822 or text/rfc822-headers) with the Message-ID of a message the portal
/// really sent to that address. A report without them proves nothing and counts nothing.
/// Only a permanent failure that says the address is bad counts as hard (`dsn::is_hard`).
fn bounce(conn: &mut DbConn, site: &Site, m: &mail_parser::Message, token: &Option<Token>) -> Result<Outcome, AppError> {
    let Some(u) = token_member(conn, token, MailPurpose::Bounce, 0)? else {
        return Ok(Outcome::UnknownAddress(Message::new("mail-refused-bounce-token")));
    };
    let Some(report) = dsn::parse(m) else {
        return Ok(Outcome::Refused(Message::new("mail-refused-not-a-report")));
    };
    let ours: Vec<&dsn::Recipient> = report.recipients.iter().filter(|r| r.names(&u.email)).collect();
    if ours.is_empty() {
        return Ok(Outcome::Refused(Message::new("mail-refused-report-not-member")));
    }
    let Some(mid) = &report.returned_message_id else {
        return Ok(Outcome::Refused(Message::new("mail-refused-report-no-headers")));
    };
    if !mail_outbox::sent_to(conn, mid, &u.email)? {
        return Ok(Outcome::Refused(Message::new("mail-refused-report-not-sent")));
    }
    let hard = ours.iter().any(|r| r.is_hard());
    if hard {
        user::record_bounce(conn, u.id, site.bounce_threshold, Some(mid), models::now())?;
    }
    Ok(Outcome::Bounce { hard })
}

/// Who sent a message, where to, and its Message-ID, as the log keeps them.
#[derive(Default)]
struct Envelope {
    sender: String,
    /// The address of ours it came to (else the envelope recipient), in full.
    recipient: String,
    message_id: String,
}

impl Envelope {
    /// The dedupe key: the same Message-ID to the same address is the same delivery. None
    /// without a Message-ID (nothing then says two messages are one).
    fn dedupe_key(&self) -> Option<String> {
        use sha2::{Digest, Sha256};
        let id = self.message_id.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase();
        (!id.is_empty()).then(|| hex::encode(Sha256::digest(format!("{id}\n{}", self.recipient.trim().to_lowercase()).as_bytes())))
    }

    fn row<'a>(&'a self, site: &Site, masked: &'a mut String, now: chrono::NaiveDateTime) -> inbound::NewInboundMail<'a> {
        *masked = one_line(&address::masked(&self.recipient, &site.env.mail_domain), 320);
        inbound::NewInboundMail {
            received_at: now,
            sender: &self.sender,
            recipient: masked,
            message_id: &self.message_id,
            outcome: inbound::RECEIVED,
            reason: "",
            post_id: None,
            dedupe_key: None,
            community_id: None,
            dropped: "",
        }
    }
}

/// Handles one inbound message and records what became of it. Only a database that cannot be
/// reached (or is busy) is an error, so the MTA retries; a message the portal fails on for any
/// other reason is refused for good and recorded, since trying it again would fail again.
pub fn ingest(conn: &mut DbConn, site: &Site, raw: &[u8], envelope_to: Option<&str>, max_bytes: usize) -> Result<Outcome, AppError> {
    if raw.len() > max_bytes {
        return refuse_oversized(conn, site, raw, raw.len() as u64, envelope_to, max_bytes);
    }
    let mut env = Envelope { recipient: envelope_to.unwrap_or("").trim().to_lowercase(), ..Envelope::default() };
    let Some(m) = MessageParser::default().parse(raw) else {
        return record(conn, site, &env, Outcome::Malformed(Message::new("mail-refused-malformed")), None);
    };
    if m.headers().is_empty() || m.from().is_none() && m.return_path().is_empty() {
        return record(conn, site, &env, Outcome::Malformed(Message::new("mail-refused-no-sender")), None);
    }
    env.sender = one_line(&first_address(m.from()).unwrap_or_default(), 320);
    env.message_id = one_line(m.message_id().unwrap_or(""), 200);
    let ours: Vec<(String, Local)> = recipients(&m, envelope_to)
        .into_iter()
        .filter_map(|r| address::parse(&r, &site.env.mail_domain).map(|l| (r, l)))
        .collect();
    // Bounces come to bounce+TOKEN whoever the From says; anything else goes by the first.
    let target = ours.iter().find(|(_, l)| matches!(l, Local::Bounce { .. })).or(ours.first()).cloned();
    if let Some((r, _)) = &target {
        env.recipient = r.clone();
    }
    let claim = match claim(conn, site, &env)? {
        Claim::Mine(id) => id,
        Claim::Duplicate(outcome) => return Ok(outcome),
    };
    let mut facts = Facts::default();
    let outcome = match file(conn, site, &m, target, &env, &mut facts) {
        Ok(outcome) => outcome,
        Err(e) if e.is_temporary() => {
            // Given back, so the MTA's next try is not taken for a second delivery (if this
            // fails too, the claim goes stale and the next try takes it over).
            let _ = inbound::release(conn, claim);
            return Err(e);
        }
        Err(e) => {
            tracing::error!("inbound mail could not be filed: {e}");
            Outcome::Refused(Message::new("mail-refused-failed").arg("error", one_line(&e.to_string(), MAX_ARG)))
        }
    };
    finish(conn, site, claim, outcome, &facts)
}

/// What became of a message, decided from its parts and the address it came to.
fn file(conn: &mut DbConn, site: &Site, m: &mail_parser::Message, target: Option<(String, Local)>, env: &Envelope, facts: &mut Facts) -> Result<Outcome, AppError> {
    if let Some((_, Local::Bounce { token })) = &target {
        return bounce(conn, site, m, token);
    }
    // The community the address names, so its moderators see even what is refused at once.
    facts.community_id = match &target {
        Some((_, Local::Reply { post_id, .. })) => post::find(conn, *post_id).ok().map(|p| p.community_id),
        Some((_, Local::Post { community_id, .. } | Local::Unsubscribe { community_id, .. })) => community::find(conn, *community_id).ok().map(|c| c.id),
        _ => None,
    };
    if let Some(reason) = is_automatic(m) {
        return Ok(Outcome::Refused(reason));
    }
    if env.sender.is_empty() {
        return Ok(Outcome::Refused(Message::new("mail-refused-no-from")));
    }
    let title = models::single_line(m.subject().unwrap_or(""));
    let Some((_, local)) = target else {
        // No address of ours (forwarded, or the client replied to From): the thread it
        // names may be ours, but the message proves no one's identity.
        let refs: Vec<String> = m.in_reply_to().as_text_list().into_iter().flatten().map(|s| s.to_string()).chain(references(m)).collect();
        return match refs.iter().find_map(|r| address::post_of_message_id(r, &site.env.mail_domain)) {
            Some(post_id) => hold_or_refuse(conn, site, &env.sender, Target::Thread(post_id), &title, body::read(m), facts),
            None => Ok(Outcome::UnknownAddress(Message::new("mail-refused-not-ours"))),
        };
    };
    match local {
        Local::Unsubscribe { token, community_id } => {
            // The token alone is the credential (RFC 8058 one-click); From is not asked for.
            let Some(u) = token_member(conn, &token, MailPurpose::Unsubscribe, community_id)? else {
                return Ok(Outcome::UnknownAddress(Message::new("mail-refused-unsubscribe-token")));
            };
            if let Some(mm) = membership::find(conn, community_id, u.id)? {
                membership::set_delivery(conn, mm.id, membership::Delivery::Web)?;
            }
            Ok(Outcome::Unsubscribed)
        }
        Local::Reply { token, post_id } => match token_member(conn, &token, MailPurpose::Reply, post_id)? {
            Some(u) => post_as(conn, site, u, Target::Thread(post_id), title, body::read(m), facts),
            None => hold_or_refuse(conn, site, &env.sender, Target::Thread(post_id), &title, body::read(m), facts),
        },
        Local::Post { token, community_id } => match token_member(conn, &token, MailPurpose::Post, community_id)? {
            Some(u) => post_as(conn, site, u, Target::Community(community_id), title, body::read(m), facts),
            None => hold_or_refuse(conn, site, &env.sender, Target::Community(community_id), &title, body::read(m), facts),
        },
        Local::Bounce { .. } => unreachable!("handled above"),
    }
}

enum Claim {
    /// This filing holds the message's row (its id).
    Mine(i64),
    /// Filed before; the duplicate is recorded.
    Duplicate(Outcome),
}

/// The error for a message another delivery is filing this moment: a conflict between two
/// writers of one key, so the MTA tries again later and then finds it filed.
fn filed_concurrently() -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    AppError::Db(Error::DatabaseError(DatabaseErrorKind::SerializationFailure, Box::new("the same message is being filed by another delivery".to_string())))
}

/// Claims a message before filing it: a row with its dedupe key, unique in the table. A key
/// already there is a second delivery: recorded as a duplicate unless the first never finished.
fn claim(conn: &mut DbConn, site: &Site, env: &Envelope) -> Result<Claim, AppError> {
    use diesel::result::{DatabaseErrorKind, Error};
    let key = env.dedupe_key();
    let now = models::now();
    if let Some(k) = &key {
        if let Some(first) = inbound::by_dedupe_key(conn, k)? {
            return again(conn, site, env, first, now);
        }
    }
    let mut masked = String::new();
    let row = inbound::NewInboundMail { dedupe_key: key.as_deref(), ..env.row(site, &mut masked, now) };
    match inbound::record(conn, &row) {
        Ok(id) => Ok(Claim::Mine(id)),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Err(filed_concurrently()),
        Err(e) => Err(e.into()),
    }
}

/// A second delivery of a message whose row is `first`.
fn again(conn: &mut DbConn, site: &Site, env: &Envelope, first: inbound::InboundMail, now: chrono::NaiveDateTime) -> Result<Claim, AppError> {
    if first.outcome == inbound::RECEIVED {
        let stale_before = now - chrono::Duration::minutes(STALE_CLAIM_MINUTES);
        return if inbound::take_over(conn, first.id, stale_before, now)? { Ok(Claim::Mine(first.id)) } else { Err(filed_concurrently()) };
    }
    let when = first.received_at.format("%Y-%m-%d %H:%M UTC").to_string();
    let outcome = Outcome::Duplicate(Message::new("mail-refused-duplicate").arg("date", when));
    record(conn, site, env, outcome, first.community_id).map(Claim::Duplicate)
}

/// Records a message over the size limit, refused unread: `head` is as much of it as was read
/// (enough for its headers), `size` its whole size or as much of it as was counted.
pub fn refuse_oversized(conn: &mut DbConn, site: &Site, head: &[u8], size: u64, envelope_to: Option<&str>, max_bytes: usize) -> Result<Outcome, AppError> {
    let headers = MessageParser::default().parse_headers(head);
    let env = Envelope {
        sender: one_line(&headers.as_ref().and_then(|m| first_address(m.from())).unwrap_or_default(), 320),
        recipient: envelope_to.unwrap_or("").trim().to_lowercase(),
        message_id: one_line(headers.as_ref().and_then(|m| m.message_id()).unwrap_or(""), 200),
    };
    let outcome = Outcome::Refused(Message::new("mail-refused-oversized").arg("size", size).arg("max", max_bytes));
    record(conn, site, &env, outcome, None)
}

fn stored_reason(outcome: &Outcome) -> String {
    outcome.reason().map(Message::to_stored).unwrap_or_default()
}

fn log_line(site: &Site, outcome: &Outcome) {
    // Only the outcome and a one-line reason without addresses reach the log.
    let reason = outcome.reason().map(site.explain).unwrap_or_default();
    tracing::info!(outcome = outcome.label(), reason = %loggable(&reason), "inbound mail");
}

/// Writes a finished row for a message that was never claimed (unreadable, oversized, a
/// duplicate): without a dedupe key, so it never stands for the message it repeats.
fn record(conn: &mut DbConn, site: &Site, env: &Envelope, outcome: Outcome, community_id: Option<i64>) -> Result<Outcome, AppError> {
    log_line(site, &outcome);
    let mut masked = String::new();
    let reason = stored_reason(&outcome);
    let row = inbound::NewInboundMail { outcome: outcome.label(), reason: &reason, community_id, ..env.row(site, &mut masked, models::now()) };
    inbound::record(conn, &row)?;
    Ok(outcome)
}

/// Finishes the claimed row with what became of the message and, in the same transaction,
/// queues what the member is told.
fn finish(conn: &mut DbConn, site: &Site, claim: i64, outcome: Outcome, facts: &Facts) -> Result<Outcome, AppError> {
    log_line(site, &outcome);
    let reason = stored_reason(&outcome);
    let dropped = list::encode(facts.dropped.iter().map(|d| d.0.to_stored()));
    let post_id = match outcome {
        Outcome::Posted { post_id } => Some(post_id),
        _ => None,
    };
    write_tx(conn, |tx| {
        let done = inbound::Finished { outcome: outcome.label(), reason: &reason, post_id, community_id: facts.community_id, dropped: &dropped };
        inbound::finish(tx, claim, &done)?;
        tell_member(tx, site, claim, &outcome, facts)
    })?;
    Ok(outcome)
}

/// A member whose token proved the message theirs is told of parts left out of their post,
/// and why a message was refused (at most once an hour), as they chose for notices about
/// their posts (at once, in the daily roundup, or not at all). Only a confirmed address that still
/// gets mail is written to: never an unproven From, so no backscatter.
fn tell_member(tx: &mut DbConn, site: &Site, inbound_id: i64, outcome: &Outcome, facts: &Facts) -> Result<(), AppError> {
    use crate::models::mail_outbox::OutboxKind;
    let Some(u) = &facts.member else { return Ok(()) };
    if !u.is_verified() || u.is_disabled() || u.mail_stopped_at.is_some() {
        return Ok(());
    }
    match outcome {
        Outcome::Posted { .. } if !facts.dropped.is_empty() => {
            notify::notify(tx, &site.env, u.id, OutboxKind::MailPartsDropped, Some(inbound_id), None)?;
        }
        Outcome::Refused(_) => {
            let key = crate::db::cluster::key_of(&format!("mail-refusal-notice:{}", u.id));
            if crate::db::cluster::hit_bucket(tx, &key, 1, REFUSAL_NOTICE_WINDOW_MS)? == crate::db::cluster::Bucket::Counted {
                notify::notify(tx, &site.env, u.id, OutboxKind::MailRefused, Some(inbound_id), None)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn references(m: &mail_parser::Message) -> Vec<String> {
    match m.header("References") {
        Some(HeaderValue::Text(t)) => vec![t.to_string()],
        Some(HeaderValue::TextList(l)) => l.iter().map(|s| s.to_string()).collect(),
        _ => vec![],
    }
}

/// One page of the inbound log (accepted and refused, newest first) for a community's
/// moderators: the messages that were for their community.
pub fn community_log(conn: &mut DbConn, access: &Access, page: i64) -> Result<(Vec<inbound::InboundMail>, bool), AppError> {
    access.require_moderator()?;
    log_page(conn, Some(access.community.id), page)
}

/// One page of the whole inbound log, for administrators (the caller checks the role).
pub fn admin_log(conn: &mut DbConn, page: i64) -> Result<(Vec<inbound::InboundMail>, bool), AppError> {
    log_page(conn, None, page)
}

pub const LOG_PAGE_SIZE: i64 = 50;

/// The rows of a page and whether another follows.
fn log_page(conn: &mut DbConn, community_id: Option<i64>, page: i64) -> Result<(Vec<inbound::InboundMail>, bool), AppError> {
    let mut rows = inbound::page(conn, community_id, LOG_PAGE_SIZE + 1, crate::services::page_offset(page, LOG_PAGE_SIZE))?;
    let more = rows.len() as i64 > LOG_PAGE_SIZE;
    rows.truncate(LOG_PAGE_SIZE as usize);
    Ok((rows, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dedupe_key_ignores_case_and_brackets_and_needs_a_message_id() {
        let e = |id: &str, to: &str| Envelope { message_id: id.into(), recipient: to.into(), ..Envelope::default() }.dedupe_key();
        assert_eq!(e("<ABC@x.in>", "Reply+1@S.in"), e("abc@x.in", "reply+1@s.in"));
        assert_ne!(e("abc@x.in", "reply+1@s.in"), e("abc@x.in", "reply+2@s.in"));
        assert_eq!(e("", "reply+1@s.in"), None);
    }

    #[test]
    fn outlook_suppressing_auto_responses_is_not_an_automatic_message() {
        let parse = |h: &str| {
            let raw = format!("From: a@b.c\r\nTo: x@y.z\r\n{h}Subject: s\r\n\r\nText\r\n");
            is_automatic(&MessageParser::default().parse(raw.as_bytes()).unwrap()).map(|m| m.key)
        };
        assert_eq!(parse("X-Auto-Response-Suppress: All\r\n"), None);
        assert_eq!(parse("Auto-Submitted: no\r\n"), None);
        assert_eq!(parse("Auto-Submitted: auto-replied\r\n"), Some("mail-refused-automatic"));
        assert_eq!(parse("Precedence: bulk\r\n"), Some("mail-refused-automatic"));
    }

    #[test]
    fn bounces_are_automatic_whatever_address_they_reached() {
        let parse = |raw: &str| is_automatic(&MessageParser::default().parse(raw.as_bytes()).unwrap()).map(|m| m.key);
        let report = "From: a@b.c\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\n\r\nfailed\r\n--x--\r\n";
        assert_eq!(parse(report), Some("mail-refused-automatic"));
        assert_eq!(parse("Return-Path: <>\r\nFrom: a@b.c\r\n\r\nfailed\r\n"), Some("mail-refused-automatic"));
        assert_eq!(parse("From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\r\n\r\nfailed\r\n"), Some("mail-refused-automatic"));
        assert_eq!(parse("X-Failed-Recipients: x@y.z\r\nFrom: a@b.c\r\n\r\nfailed\r\n"), Some("mail-refused-automatic"));
        assert_eq!(parse("Return-Path: <bob@example.org>\r\nFrom: Bob <bob@example.org>\r\n\r\nA reply.\r\n"), None);
        assert_eq!(parse("Return-Path: <MAILER-DAEMON>\r\nFrom: Postmaster <postmaster@example.jp>\r\n\r\nReturned mail\r\n"), Some("mail-refused-automatic"));
        assert_eq!(parse("From: MAILER-DAEMON <>\r\n\r\nMail delivery failed\r\n"), Some("mail-refused-automatic"));
        assert_eq!(parse("From: daemon-fan@example.org\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n"), None);
    }
}
