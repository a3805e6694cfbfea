//! The moderator queue. Each action is a versioned update of the post plus a log entry in one
//! transaction: when two moderators act on one item, the second finds the version moved and is
//! told so; a live claim by another moderator refuses the action outright.

use chrono::{Duration, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Message};
use crate::markdown;
use crate::models::{self, attachment, moderation, page, post, search_outbox, user};
use crate::services::communities::Access;
use crate::services::deliver;
use crate::services::posting::{MAX_BODY, MAX_TITLE};
use crate::services::Env;

const CLAIM_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Waiting,
    Held,
    Flags,
    Sent,
}

impl Filter {
    pub fn parse(s: &str) -> Filter {
        match s {
            "held" => Filter::Held,
            "flags" => Filter::Flags,
            "sent" => Filter::Sent,
            _ => Filter::Waiting,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::Waiting => "waiting",
            Filter::Held => "held",
            Filter::Flags => "flags",
            Filter::Sent => "sent",
        }
    }
}

pub struct QueueItem {
    pub post: post::Post,
    pub author: String,
    pub claimed_by_name: Option<String>,
    pub attachments: Vec<attachment::Attachment>,
    pub flags: Vec<moderation::Flag>,
    /// The unit owner a facilitator posted this for, with the contact (moderators see it).
    pub behalf: Option<crate::services::facilitation::ForOwner>,
}

pub struct Queue {
    pub items: Vec<QueueItem>,
    pub counts: [(Filter, i64); 4],
}

/// `kind`: Some(true) queries only, Some(false) replies only.
pub fn queue(conn: &mut DbConn, access: &Access, filter: Filter, kind: Option<bool>) -> Result<Queue, AppError> {
    access.require_moderator()?;
    let cid = access.community.id;
    let rows: Vec<(post::Post, String, Vec<moderation::Flag>)> = match filter {
        Filter::Flags => {
            let mut by_post: Vec<(post::Post, Vec<moderation::Flag>)> = Vec::new();
            for (f, p) in moderation::open_flags(conn, cid)? {
                match by_post.iter_mut().find(|(q, _)| q.id == p.id) {
                    Some((_, flags)) => flags.push(f),
                    None => by_post.push((p, vec![f])),
                }
            }
            let mut out = Vec::new();
            for (p, flags) in by_post {
                if kind.is_none_or(|q| q == p.is_query()) {
                    let author = user::find(conn, p.author_id)?.name;
                    out.push((p, author, flags));
                }
            }
            out
        }
        _ => {
            let statuses: &[post::Status] = match filter {
                Filter::Held => &[post::Status::Held],
                Filter::Sent => &[post::Status::ChangesRequested],
                _ => &[post::Status::Pending],
            };
            post::queue(conn, cid, statuses, kind, 500)?.into_iter().map(|(p, a)| (p, a, vec![])).collect()
        }
    };
    let ids: Vec<i64> = rows.iter().map(|(p, _, _)| p.id).collect();
    let files = attachment::for_posts(conn, &ids)?;
    let mut behalf = crate::services::facilitation::for_posts(conn, &rows.iter().map(|(p, _, _)| p).collect::<Vec<_>>())?;
    let now = models::now();
    let mut items = Vec::with_capacity(rows.len());
    for (p, author, flags) in rows {
        let claimed_by_name = match (p.claimed_by, p.claimed_until) {
            (Some(by), Some(until)) if until > now => Some(user::find(conn, by)?.name),
            _ => None,
        };
        let attachments = files.iter().filter(|a| a.post_id == p.id).cloned().collect();
        let behalf = behalf.iter().position(|(id, _)| *id == p.id).map(|i| behalf.swap_remove(i).1);
        items.push(QueueItem { post: p, author, claimed_by_name, attachments, flags, behalf });
    }
    let flagged = {
        let mut ids: Vec<i64> = moderation::open_flags(conn, cid)?.into_iter().map(|(_, p)| p.id).collect();
        ids.dedup();
        ids.len() as i64
    };
    let counts = [
        (Filter::Waiting, post::count_in_status(conn, cid, post::Status::Pending)?),
        (Filter::Held, post::count_in_status(conn, cid, post::Status::Held)?),
        (Filter::Flags, flagged),
        (Filter::Sent, post::count_in_status(conn, cid, post::Status::ChangesRequested)?),
    ];
    Ok(Queue { items, counts })
}

pub struct Review {
    pub post: post::Post,
    pub author: String,
    pub thread_title: String,
    pub claimed_by_name: Option<String>,
    pub attachments: Vec<attachment::Attachment>,
    pub flags: Vec<moderation::Flag>,
    pub history: Vec<(moderation::LogEntry, Option<String>)>,
    /// For a query: the experts asked and those who may be.
    pub experts: Option<crate::services::experts::Panel>,
    /// The schemes the query points to (codes), and every scheme term to choose from.
    pub schemes: Vec<String>,
    pub scheme_terms: Vec<crate::models::vocabulary::Term>,
    /// The unit owner a facilitator posted this for, with the contact (moderators see it).
    pub behalf: Option<crate::services::facilitation::ForOwner>,
}

pub fn post_in(conn: &mut DbConn, access: &Access, post_id: i64) -> Result<post::Post, AppError> {
    access.require_moderator()?;
    let p = post::find(conn, post_id)?;
    if p.community_id != access.community.id {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

pub fn review(conn: &mut DbConn, access: &Access, post_id: i64) -> Result<Review, AppError> {
    let p = post_in(conn, access, post_id)?;
    let author = user::find(conn, p.author_id)?.name;
    let thread_title = if p.is_query() { p.title.clone() } else { post::find(conn, p.root_id())?.title };
    let claimed_by_name = match (p.claimed_by, p.claimed_until) {
        (Some(by), Some(until)) if until > models::now() => Some(user::find(conn, by)?.name),
        _ => None,
    };
    let experts = if p.is_query() { crate::services::experts::panel(conn, access, p.id)? } else { None };
    let behalf = crate::services::facilitation::for_posts(conn, &[&p])?.pop().map(|(_, f)| f);
    Ok(Review {
        behalf,
        experts,
        attachments: attachment::for_posts(conn, &[p.id])?,
        flags: moderation::open_flags_for_post(conn, p.id)?,
        history: moderation::log_for_post(conn, p.id)?,
        schemes: crate::models::scheme_link::of_post(conn, p.id)?,
        scheme_terms: crate::services::registry::scheme_terms(conn)?,
        post: p,
        author,
        thread_title,
        claimed_by_name,
    })
}

/// Claims an item so other moderators see it is being handled.
pub fn claim(conn: &mut DbConn, access: &Access, actor: i64, post_id: i64) -> Result<(), AppError> {
    let p = post_in(conn, access, post_id)?;
    let now = models::now();
    write_tx(conn, |tx| {
        if !post::claim(tx, p.id, actor, now, now + Duration::minutes(CLAIM_MINUTES))? {
            let who = p.claimed_by.map(|id| user::find(tx, id).map(|u| u.name)).transpose()?.unwrap_or_default();
            return Err(AppError::Conflict(Message::new("review-claimed").arg("name", who)));
        }
        moderation::log(tx, &moderation::NewLogEntry { community_id: p.community_id, post_id: Some(p.id), actor_id: Some(actor), action: moderation::Action::Claimed, reason: "", created_at: now })?;
        Ok(())
    })
}

crate::text_enum! {
    /// What a moderator does with a flagged post.
    pub enum FlagOutcome {
        Keep,
        Remove,
    }
}

crate::text_enum! {
    /// What a moderator does with one item in the queue.
    pub enum Decision {
        Approve,
        EditApprove,
        Changes,
        Reject,
        Hold,
    }
}

impl Decision {
    /// What the log records for this decision.
    pub fn logged(self) -> moderation::Action {
        match self {
            Decision::Approve => moderation::Action::Approved,
            Decision::EditApprove => moderation::Action::EditedAndApproved,
            Decision::Changes => moderation::Action::ChangesRequested,
            Decision::Reject => moderation::Action::Rejected,
            Decision::Hold => moderation::Action::Held,
        }
    }
}

crate::text_enum! {
    /// What a moderator does with many selected items at once.
    pub enum Bulk {
        Approve,
        Reject,
    }
}

/// The words a decision carries, as the moderator wrote or chose them.
#[derive(Debug, Clone, Default)]
pub struct DecisionText {
    /// A canned reason chosen from the community's list.
    pub canned: String,
    /// A written reason or message to the author; it wins over the canned one.
    pub message: String,
    /// The edited title and body, for `EditApprove`.
    pub title: String,
    pub body: String,
    /// The schemes of Annex I the query points to, for `EditApprove`; None leaves them.
    pub schemes: Option<Vec<String>>,
}

/// One moderator decision on one item, at the version the moderator saw.
#[derive(Debug, Clone)]
pub struct Decide {
    pub decision: Decision,
    pub version: i32,
    pub text: DecisionText,
}

fn stale() -> AppError {
    AppError::Conflict("review-stale".into())
}

fn claimed_by_other(conn: &mut DbConn, p: &post::Post, actor: i64, now: NaiveDateTime) -> Result<(), AppError> {
    if let (Some(by), Some(until)) = (p.claimed_by, p.claimed_until) {
        if by != actor && until > now {
            let who = user::find(conn, by)?.name;
            return Err(AppError::Conflict(Message::new("review-claimed-wait").arg("name", who)));
        }
    }
    Ok(())
}

/// The canned reasons a new community starts with, as stored in its settings (English) and
/// as the locale key a reader sees them by. A decision giving one of these stores the key, so
/// the author reads the reason in their language.
pub const STANDARD_REASONS: &[(&str, &str)] = &[
    ("Off topic for this community", "canned-off-topic"),
    ("Advertising or promotion", "canned-advertising"),
    ("Personal information that should not be shared", "canned-personal-information"),
    ("Duplicate of an existing thread", "canned-duplicate"),
    ("Not respectful to other members", "canned-not-respectful"),
];

/// A reason as stored: a standard one by its key, any other as written.
fn stored_reason(reason: &str) -> String {
    match STANDARD_REASONS.iter().find(|(text, _)| *text == reason) {
        Some((_, key)) => Message::new(*key).to_stored(),
        None => reason.to_string(),
    }
}

/// Applies one moderator decision; returns the action logged.
pub fn decide(conn: &mut DbConn, env: &Env, access: &Access, actor: i64, post_id: i64, cmd: &Decide) -> Result<moderation::Action, AppError> {
    let p = post_in(conn, access, post_id)?;
    write_tx(conn, |tx| decide_in(tx, env, access, actor, p.id, cmd))
}

/// `decide` inside the caller's write transaction, after the caller checked the moderator's
/// rights and that the post is in this community, so the caller's own change commits with it.
pub fn decide_in(tx: &mut DbConn, env: &Env, access: &Access, actor: i64, post_id: i64, cmd: &Decide) -> Result<moderation::Action, AppError> {
    let c = &access.community;
    let text = &cmd.text;
    let reason = stored_reason(if text.message.trim().is_empty() { text.canned.trim() } else { text.message.trim() });
    {
        let now = models::now();
        let current = post::find(tx, post_id)?;
        if current.version != cmd.version {
            return Err(stale());
        }
        claimed_by_other(tx, &current, actor, now)?;
        if !current.in_queue() {
            return Err(stale());
        }
        let approve = |mut d: post::Decision| {
            d.status = Some(post::Status::Approved.into());
            d.approved_at = Some(Some(now));
            d.approved_by = Some(Some(actor));
            if current.is_query() {
                d.response_due_at = Some(Some(now + Duration::days(i64::from(c.response_days))));
            }
            d
        };
        let base = post::Decision { updated_at: Some(now), claimed_by: Some(None), claimed_until: Some(None), ..Default::default() };
        let decision = match cmd.decision {
            Decision::Approve => approve(base),
            Decision::EditApprove => {
                let title = crate::models::single_line(&text.title);
                let body = text.body.trim().replace("\r\n", "\n");
                if body.is_empty() || body.chars().count() > MAX_BODY {
                    return Err(AppError::field("body", Message::new("edit-body-length").arg("max", MAX_BODY)));
                }
                if current.is_query() && (title.is_empty() || title.chars().count() > MAX_TITLE) {
                    return Err(AppError::field("title", Message::new("edit-title-length").arg("max", MAX_TITLE)));
                }
                let mut d = approve(base);
                // Keep the author's own words the first time, so they can see what changed.
                d.original_title = Some(Some(current.original_title.clone().unwrap_or_else(|| current.title.clone())));
                d.original_body_md = Some(Some(current.original_body_md.clone().unwrap_or_else(|| current.body_md.clone())));
                d.body_html = Some(markdown::to_safe_html(&body));
                d.body_md = Some(body);
                if current.is_query() {
                    d.title = Some(title);
                    // A retired scheme the query already points to may stay; none is newly chosen.
                    if let Some(chosen) = &text.schemes {
                        let already = crate::models::scheme_link::of_post(tx, current.id)?;
                        let codes = crate::services::registry::checked_schemes(tx, chosen, &already)?;
                        crate::models::scheme_link::set_for_post(tx, current.id, &codes)?;
                    }
                }
                d.moderator_note = Some(reason.clone());
                d
            }
            Decision::Changes => {
                if reason.is_empty() {
                    return Err(AppError::field("message", "decide-changes-message"));
                }
                post::Decision { status: Some(post::Status::ChangesRequested.into()), moderator_note: Some(reason.clone()), ..base }
            }
            Decision::Reject => {
                if reason.is_empty() {
                    return Err(AppError::field("message", "decide-reject-reason"));
                }
                post::Decision { status: Some(post::Status::Rejected.into()), moderator_note: Some(reason.clone()), ..base }
            }
            Decision::Hold => post::Decision { status: Some(post::Status::Held.into()), moderator_note: Some(reason.clone()), ..base },
        };
        let action = cmd.decision.logged();
        if !post::decide(tx, current.id, current.version, decision)? {
            return Err(stale());
        }
        moderation::log(tx, &moderation::NewLogEntry { community_id: c.id, post_id: Some(current.id), actor_id: Some(actor), action, reason: &reason, created_at: now })?;
        let decided = post::find(tx, current.id)?;
        if decided.status == post::Status::Approved {
            deliver::post_approved(tx, env, &decided)?;
            search_outbox::push(tx, search_outbox::Kind::Thread, decided.root_id())?;
        }
        // The author hears of every decision but a hold (the post still waits).
        if cmd.decision != Decision::Hold {
            deliver::notify_author(tx, env, &decided)?;
        }
        Ok(action)
    }
}

/// Approves or rejects many items at once. Items another moderator holds or has already
/// decided are skipped and counted.
pub fn bulk(conn: &mut DbConn, env: &Env, access: &Access, actor: i64, ids: &[i64], action: Bulk, reason: &str) -> Result<(usize, usize), AppError> {
    access.require_moderator()?;
    if action == Bulk::Reject && reason.trim().is_empty() {
        return Err(AppError::field("message", "bulk-reason"));
    }
    let decision = match action {
        Bulk::Approve => Decision::Approve,
        Bulk::Reject => Decision::Reject,
    };
    let mut done = 0;
    let mut skipped = 0;
    for &id in ids.iter().take(500) {
        let p = match post::find(conn, id) {
            Ok(p) if p.community_id == access.community.id => p,
            _ => {
                skipped += 1;
                continue;
            }
        };
        let cmd = Decide { decision, version: p.version, text: DecisionText { message: reason.into(), ..Default::default() } };
        match decide(conn, env, access, actor, id, &cmd) {
            Ok(_) => done += 1,
            Err(AppError::Conflict(_)) => skipped += 1,
            Err(e) => return Err(e),
        }
    }
    Ok((done, skipped))
}

/// Closes the flags on a post: keep it, or remove it from the thread.
pub fn resolve_flags(conn: &mut DbConn, env: &Env, access: &Access, actor: i64, post_id: i64, remove: bool, reason: &str) -> Result<(), AppError> {
    let p = post_in(conn, access, post_id)?;
    write_tx(conn, |tx| {
        let now = models::now();
        let outcome = if remove { "removed" } else { "kept" };
        if remove {
            let current = post::find(tx, p.id)?;
            let d = post::Decision { status: Some(post::Status::Removed.into()), updated_at: Some(now), moderator_note: Some(reason.trim().into()), ..Default::default() };
            if !post::decide(tx, current.id, current.version, d)? {
                return Err(stale());
            }
            let removed = post::find(tx, current.id)?;
            deliver::notify_author(tx, env, &removed)?;
            search_outbox::push(tx, search_outbox::Kind::Thread, removed.root_id())?;
        }
        if moderation::resolve_flags(tx, p.id, actor, outcome, now)? == 0 {
            return Err(stale());
        }
        let action = if remove { moderation::Action::RemovedAfterFlags } else { moderation::Action::FlagsDismissed };
        moderation::log(tx, &moderation::NewLogEntry { community_id: p.community_id, post_id: Some(p.id), actor_id: Some(actor), action, reason: reason.trim(), created_at: now })?;
        Ok(())
    })
}

/// Makes one approved thread readable by everyone, or members only again.
pub fn set_public(conn: &mut DbConn, access: &Access, actor: i64, post_id: i64, public: bool) -> Result<(), AppError> {
    let p = post_in(conn, access, post_id)?;
    if !p.is_query() {
        return Err(AppError::BadRequest("public-whole-thread".into()));
    }
    write_tx(conn, |tx| {
        let now = models::now();
        if !post::decide(tx, p.id, p.version, post::Decision { is_public: Some(public), updated_at: Some(now), ..Default::default() })? {
            return Err(stale());
        }
        search_outbox::push(tx, search_outbox::Kind::Thread, p.id)?;
        let action = if public { moderation::Action::ThreadMadePublic } else { moderation::Action::ThreadMadeMembersOnly };
        moderation::log(tx, &moderation::NewLogEntry { community_id: p.community_id, post_id: Some(p.id), actor_id: Some(actor), action, reason: "", created_at: now })?;
        Ok(())
    })
}

/// Approved queries still without a consolidated reply, soonest due first.
pub fn due(conn: &mut DbConn, access: &Access) -> Result<Vec<(post::Post, String)>, AppError> {
    access.require_moderator()?;
    Ok(post::awaiting_consolidation(conn, access.community.id)?)
}

/// How a moderator closes a query without making a new page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Close {
    /// The thread's replies answer it.
    InThread,
    /// A published page already answers it (its web name).
    ByPage(String),
}

/// Closes an approved query as answered without a new page; the asker and those who replied
/// are told, with the page's link when there is one.
pub fn close_query(conn: &mut DbConn, env: &Env, access: &Access, actor: i64, post_id: i64, close: &Close) -> Result<(), AppError> {
    let q = post_in(conn, access, post_id)?;
    if !q.is_query() || q.status != post::Status::Approved {
        return Err(AppError::NotFound);
    }
    let (kind, page_id, action, note) = match close {
        Close::InThread => (post::AnswerKind::InThread, None, moderation::Action::AnsweredInThread, String::new()),
        Close::ByPage(slug) => {
            let slug = slug.trim().trim_start_matches("/kb/").trim_matches('/');
            if slug.is_empty() {
                return Err(AppError::field("page", "close-page-missing"));
            }
            let found = match page::find_by_slug(conn, slug)? {
                Some(p) => Some(p),
                None => match page::redirect_target(conn, slug)? {
                    Some(to) => page::find_by_slug(conn, &to)?,
                    None => None,
                },
            };
            let Some(p) = found.filter(|p| p.status == page::Status::Published) else {
                return Err(AppError::field("page", Message::new("close-page-unknown").arg("slug", slug)));
            };
            (post::AnswerKind::ExistingPage, Some(p.id), moderation::Action::AnsweredByPage, p.slug)
        }
    };
    write_tx(conn, |tx| {
        let now = models::now();
        if !post::mark_answered(tx, q.id, kind, page_id, Some(actor), now)? {
            return Err(AppError::Conflict("close-already".into()));
        }
        moderation::log(tx, &moderation::NewLogEntry { community_id: q.community_id, post_id: Some(q.id), actor_id: Some(actor), action, reason: &note, created_at: now })?;
        crate::services::notify::query_answered(tx, env, &q, kind)?;
        Ok(())
    })
}
