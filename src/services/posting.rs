//! Members posting queries and replies, resubmitting after a moderator asked for changes,
//! and flagging approved posts. Every post starts in the moderator queue unless the
//! community trusts the author; hold rules send a post to the queue whoever wrote it.

use std::path::Path;

use regex::Regex;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::markdown;
use crate::models::{self, attachment, community, moderation, post};
use crate::services::attachments::{self, CheckedFile, Received, Upload};
use crate::services::communities::Access;
use crate::services::Env;

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 20_000;

/// Members may post a few times a minute and a few dozen times an hour, on the web and by mail
/// alike. Every attempt counts against the hour, refused ones too, so a flood of forms the
/// checks send back is limited as well; only posts made count against the minute, so a member
/// correcting a form a few times is not stopped for it. Counted in the database's shared
/// buckets, across every portal process and every `solex mail ingest`.
const PER_MINUTE: i32 = 5;
const PER_HOUR: i32 = 40;
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;

fn limit_key(user_id: i64, window: &str) -> [u8; 16] {
    crate::db::cluster::key_of(&format!("post:{user_id}:{window}"))
}

/// Whether `user_id` may post now; counts the attempt against the hour. A refusal is
/// `AppError::RateLimited` with the seconds to wait.
pub fn allowed(conn: &mut DbConn, user_id: i64) -> Result<(), AppError> {
    use crate::db::cluster::{self, Bucket};
    if let Some(secs) = cluster::check_bucket(conn, &limit_key(user_id, "m"), PER_MINUTE, MINUTE_MS)? {
        return Err(AppError::RateLimited(secs));
    }
    match cluster::hit_bucket(conn, &limit_key(user_id, "h"), PER_HOUR, HOUR_MS)? {
        Bucket::Counted => Ok(()),
        Bucket::Refused { secs, .. } => Err(AppError::RateLimited(secs)),
    }
}

/// Counts a post made against the minute.
pub fn counted(conn: &mut DbConn, user_id: i64) -> Result<(), AppError> {
    Ok(crate::db::cluster::record_bucket(conn, &limit_key(user_id, "m"), MINUTE_MS)?)
}

/// Words, phrases or /regular expressions/ that always send a post to the queue.
pub struct HoldRules(Vec<(String, Regex)>);

impl HoldRules {
    pub fn parse(text: &str) -> Result<HoldRules, Message> {
        let mut rules = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let pattern = match line.strip_prefix('/').and_then(|l| l.strip_suffix('/')) {
                Some(re) if !re.is_empty() => format!("(?i){re}"),
                _ => format!(r"(?i)\b{}\b", regex::escape(line)),
            };
            let re = regex::RegexBuilder::new(&pattern)
                .size_limit(1 << 20)
                .build()
                // The regex crate explains in English only, so the moderator is told which line.
                .map_err(|_| Message::new("hold-rule-invalid").arg("line", n + 1).arg("rule", line))?;
            rules.push((line.to_string(), re));
        }
        Ok(HoldRules(rules))
    }

    /// The first rule the text matches.
    pub fn first_match(&self, text: &str) -> Option<&str> {
        self.0.iter().find(|(_, re)| re.is_match(text)).map(|(line, _)| line.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct PostInput {
    pub title: String,
    pub body: String,
    pub themes: Vec<String>,
    pub state: String,
    pub district: String,
    pub sector: String,
    /// The schemes of Annex I a new query points to (codes), checked when it is written.
    pub schemes: Vec<String>,
    /// "I am posting this for someone else" (facilitators only), as typed.
    pub behalf: crate::services::facilitation::BehalfInput,
}

struct Clean {
    title: String,
    body: String,
    html: String,
    themes: String,
    state: String,
    district: String,
    sector: String,
    /// As chosen; checked against the vocabulary when written (a reply points to none).
    schemes: Vec<String>,
    /// The unit owner a facilitator posts for, checked; recorded with the post.
    behalf: Option<crate::services::facilitation::Behalf>,
}

fn clean(input: &PostInput, is_query: bool, errors: &mut FieldErrors) -> Clean {
    let title = models::single_line(&input.title);
    let body = input.body.trim().replace("\r\n", "\n");
    // Sizes first: nothing is parsed or rendered before they are known to be right.
    if is_query {
        if title.is_empty() {
            errors.insert("title", "post-title-missing".into());
        } else if title.chars().count() > MAX_TITLE {
            errors.insert("title", Message::new("too-long").arg("max", MAX_TITLE));
        }
    }
    if body.is_empty() {
        errors.insert("body", "post-body-missing".into());
    } else if body.chars().count() > MAX_BODY {
        errors.insert("body", Message::new("post-body-too-long").arg("max", MAX_BODY).arg("count", body.chars().count()));
    }
    let themes = super::clean_themes(&input.themes, errors);
    let state = super::clean_state(&input.state, errors);
    let sector = super::clean_sector(&input.sector, errors);
    let district = input.district.trim().chars().take(100).collect();
    let behalf = crate::services::facilitation::check(&input.behalf, errors);
    // Rendered only once every size is known to be right; nesting too deep is refused while
    // parsing, before the sanitiser would spend time on it.
    let html = if errors.is_empty() {
        markdown::try_to_safe_html(&body).unwrap_or_else(|_| {
            errors.insert("body", markdown::too_deep_message());
            String::new()
        })
    } else {
        String::new()
    };
    let schemes = if is_query { input.schemes.clone() } else { Vec::new() };
    Clean { title: if is_query { title } else { String::new() }, body, html, themes: crate::models::list::encode(&themes), state, district, sector, schemes, behalf }
}

fn check_files(uploads: Vec<Received>, errors: &mut FieldErrors) -> Vec<CheckedFile> {
    let uploads: Vec<Received> = uploads.into_iter().filter(|u| !u.is_blank()).collect();
    if uploads.len() > attachments::MAX_FILES {
        errors.insert("files", Message::new("files-too-many").arg("max", attachments::MAX_FILES));
        return vec![];
    }
    let mut ok = Vec::new();
    let mut problems = Vec::new();
    for u in uploads {
        match attachments::check(u) {
            Ok(f) => ok.push(f),
            Err(e) => problems.push(e),
        }
    }
    if let Some(all) = Message::all(problems) {
        errors.insert("files", all);
    }
    ok
}

/// Why a post waits, stored for the moderators to read in their language.
fn held_by(rule: &impl std::fmt::Display) -> String {
    Message::new("held-hold-rule").arg("rule", rule.to_string()).to_stored()
}

/// Where a new post goes: the queue, unless the community trusts this author; hold rules win.
fn initial_status(conn: &mut DbConn, c: &community::Community, author: i64, text: &str) -> Result<(post::Status, String), AppError> {
    let rules = HoldRules::parse(&c.hold_rules).map_err(|m| AppError::Internal(format!("{m:?}")))?;
    if let Some(rule) = rules.first_match(text) {
        return Ok((post::Status::Pending, held_by(&rule)));
    }
    if c.premoderation == community::Premoderation::NewMembers && post::approved_count(conn, c.id, author)? >= i64::from(c.trusted_after) {
        return Ok((post::Status::Approved, String::new()));
    }
    Ok((post::Status::Pending, String::new()))
}

pub struct Submitted {
    pub post_id: i64,
    pub thread_id: i64,
    pub status: post::Status,
}

/// A post checked and rendered without the database: what `submit_prepared` writes.
pub struct Prepared {
    reply_to: Option<i64>,
    clean: Clean,
    files: Vec<CheckedFile>,
}

/// Checks a new query (`reply_to` None) or a reply and renders its Markdown, all without a
/// database connection: sizes first, then the text (its nesting capped), then the files.
pub fn prepare(reply_to: Option<i64>, input: &PostInput, uploads: Vec<Received>) -> Result<Prepared, AppError> {
    let mut errors = FieldErrors::new();
    let clean = clean(input, reply_to.is_none(), &mut errors);
    let files = check_files(uploads, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Prepared { reply_to, clean, files })
}

/// The thread a reply goes to: an approved query of this community.
fn root_of(conn: &mut DbConn, access: &Access, reply_to: Option<i64>) -> Result<Option<post::Post>, AppError> {
    if !access.is_member() {
        return Err(AppError::Forbidden);
    }
    let Some(id) = reply_to else { return Ok(None) };
    let root = post::find(conn, id)?;
    if root.community_id != access.community.id || !root.is_query() || root.status != post::Status::Approved {
        return Err(AppError::NotFound);
    }
    Ok(Some(root))
}

/// A new query (`reply_to` None) or a reply, checked, rendered and written in one call (mail).
pub fn submit(
    conn: &mut DbConn,
    env: &Env,
    access: &Access,
    author: i64,
    reply_to: Option<i64>,
    input: &PostInput,
    uploads: &[Upload],
) -> Result<Submitted, AppError> {
    root_of(conn, access, reply_to)?;
    let prepared = prepare(reply_to, input, uploads.iter().map(Received::from).collect())?;
    submit_prepared(conn, env, access, author, prepared)
}

/// Writes a prepared post. Files are written first; if the database write fails they are
/// removed again, so nothing half-written remains.
pub fn submit_prepared(conn: &mut DbConn, env: &Env, access: &Access, author: i64, prepared: Prepared) -> Result<Submitted, AppError> {
    let root = root_of(conn, access, prepared.reply_to)?;
    let Prepared { mut clean, files, .. } = prepared;
    // The schemes are checked before any file is stored: a wrong one leaves nothing behind.
    clean.schemes = crate::services::registry::checked_schemes(conn, &clean.schemes, &[])?;
    check_topics(conn, &mut clean, None)?;
    let mut stored = Vec::new();
    for f in &files {
        match attachments::store(&env.attachments_dir, f) {
            Ok(name) => stored.push(name),
            Err(e) => {
                remove_files(&env.attachments_dir, &stored);
                return Err(AppError::Internal(format!("cannot store attachment: {e}")));
            }
        }
    }
    let result = write_tx(conn, |tx| write_post(tx, env, access, author, root.as_ref(), &clean, &files, &stored));
    if result.is_err() {
        remove_files(&env.attachments_dir, &stored);
    }
    result
}

/// Writes a prepared post without files inside the caller's write transaction, so that the
/// caller's own change (a confirmation link used up) and the post commit or fail together.
pub fn submit_prepared_in(tx: &mut DbConn, env: &Env, access: &Access, author: i64, prepared: Prepared) -> Result<Submitted, AppError> {
    if !prepared.files.is_empty() {
        return Err(AppError::Internal("files need submit_prepared".into()));
    }
    let root = root_of(tx, access, prepared.reply_to)?;
    let mut clean = prepared.clean;
    clean.schemes = crate::services::registry::checked_schemes(tx, &clean.schemes, &[])?;
    check_topics(tx, &mut clean, None)?;
    write_post(tx, env, access, author, root.as_ref(), &clean, &[], &[])
}

/// The post's themes and sector checked against the database's lists and stored under their
/// codes; `kept` is the post as it stands, whose retired terms stay valid on it.
fn check_topics(conn: &mut DbConn, clean: &mut Clean, kept: Option<&post::Post>) -> Result<(), AppError> {
    (clean.themes, clean.sector) = crate::services::registry::checked_topics(conn, &clean.themes, &clean.sector, kept.map(|p| (p.themes.as_str(), p.sector.as_str())))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_post(tx: &mut DbConn, env: &Env, access: &Access, author: i64, root: Option<&post::Post>, clean: &Clean, files: &[CheckedFile], stored: &[String]) -> Result<Submitted, AppError> {
    let c = &access.community;
    let now = models::now();
    let (status, held_reason) = initial_status(tx, c, author, &format!("{}\n{}", clean.title, clean.body))?;
    let approved = status == post::Status::Approved;
    let id = post::insert(
        tx,
        &post::NewPost {
            community_id: c.id,
            thread_id: root.map(|r| r.id),
            author_id: author,
            title: &clean.title,
            body_md: &clean.body,
            body_html: &clean.html,
            themes: &clean.themes,
            state: &clean.state,
            district: &clean.district,
            sector: &clean.sector,
            status,
            held_reason: &held_reason,
            created_at: now,
            updated_at: now,
            approved_at: approved.then_some(now),
            response_due_at: (approved && root.is_none()).then(|| now + chrono::Duration::days(i64::from(c.response_days))),
        },
    )?;
    // Recorded before any mail or index row is written, so both name the owner.
    if let Some(behalf) = &clean.behalf {
        let owner_id = crate::services::facilitation::record(tx, author, behalf)?;
        crate::models::represented_owner::mark_post(tx, id, owner_id)?;
    }
    if root.is_none() && !clean.schemes.is_empty() {
        crate::models::scheme_link::set_for_post(tx, id, &clean.schemes)?;
    }
    for (f, name) in files.iter().zip(stored) {
        attachment::insert(
            tx,
            &attachment::NewAttachment { post_id: id, original_name: &f.original_name, stored_name: name, content_type: f.content_type, size_bytes: f.size as i64, created_at: now },
        )?;
    }
    let action = if approved { moderation::Action::ApprovedAutomatically } else { moderation::Action::Submitted };
    moderation::log(tx, &moderation::NewLogEntry { community_id: c.id, post_id: Some(id), actor_id: Some(author), action, reason: &held_reason, created_at: now })?;
    if approved {
        let published = post::find(tx, id)?;
        crate::services::deliver::post_approved(tx, env, &published)?;
        crate::models::search_outbox::push(tx, crate::models::search_outbox::Kind::Thread, published.root_id())?;
    } else {
        let queued = post::find(tx, id)?;
        crate::services::notify::post_queued(tx, env, &queued)?;
    }
    Ok(Submitted { post_id: id, thread_id: root.map(|r| r.id).unwrap_or(id), status })
}

fn remove_files(dir: &Path, names: &[String]) {
    for n in names {
        let _ = std::fs::remove_file(attachments::path_of(dir, n));
    }
}

/// The author edits a post a moderator sent back and puts it in the queue again.
pub fn resubmit(conn: &mut DbConn, env: &Env, access: &Access, author: i64, post_id: i64, version: i32, input: &PostInput) -> Result<(), AppError> {
    let p = post::find(conn, post_id)?;
    if p.author_id != author || p.community_id != access.community.id {
        return Err(AppError::NotFound);
    }
    if p.status != post::Status::ChangesRequested {
        return Err(AppError::Conflict("post-not-waiting".into()));
    }
    let mut errors = FieldErrors::new();
    let mut clean = clean(input, p.is_query(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    check_topics(conn, &mut clean, Some(&p))?;
    let rules = HoldRules::parse(&access.community.hold_rules).map_err(|m| AppError::Internal(format!("{m:?}")))?;
    let held = rules.first_match(&format!("{}\n{}", clean.title, clean.body)).map(|r| held_by(&r)).unwrap_or_default();
    write_tx(conn, |tx| {
        let now = models::now();
        let ok = post::decide(tx, p.id, version, post::Decision {
            status: Some(post::Status::Pending.into()),
            updated_at: Some(now),
            held_reason: Some(held.clone()),
            title: Some(clean.title.clone()),
            body_md: Some(clean.body.clone()),
            body_html: Some(clean.html.clone()),
            themes: Some(clean.themes.clone()),
            state: Some(clean.state.clone()),
            district: Some(clean.district.clone()),
            sector: Some(clean.sector.clone()),
            original_title: Some(None),
            original_body_md: Some(None),
            claimed_by: Some(None),
            claimed_until: Some(None),
            ..Default::default()
        })?;
        if !ok {
            return Err(AppError::Conflict("post-changed".into()));
        }
        moderation::log(tx, &moderation::NewLogEntry { community_id: p.community_id, post_id: Some(p.id), actor_id: Some(author), action: moderation::Action::Resubmitted, reason: "", created_at: now })?;
        let queued = post::find(tx, p.id)?;
        crate::services::notify::post_queued(tx, env, &queued)?;
        Ok(())
    })
}

/// A member flags an approved post they can read; the flag goes to the moderators' queue.
/// Returns the thread the post belongs to.
pub fn flag(conn: &mut DbConn, env: &Env, access: &Access, user_id: i64, post_id: i64, reason: &str) -> Result<i64, AppError> {
    let p = post::find(conn, post_id)?;
    let root = if p.is_query() { p.clone() } else { post::find(conn, p.root_id())? };
    if p.community_id != access.community.id || !access.may_read(&p, &root) || p.status != post::Status::Approved {
        return Err(AppError::NotFound);
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::field("reason", "flag-reason-invalid"));
    }
    write_tx(conn, |tx| {
        if moderation::has_open_flag_by(tx, p.id, user_id)? {
            return Err(AppError::field("reason", "flag-already"));
        }
        let now = models::now();
        moderation::flag(tx, &moderation::NewFlag { post_id: p.id, user_id, reason, created_at: now })?;
        moderation::log(tx, &moderation::NewLogEntry { community_id: p.community_id, post_id: Some(p.id), actor_id: Some(user_id), action: moderation::Action::Flagged, reason: "", created_at: now })?;
        crate::services::notify::queue_item(tx, env, p.community_id, Some(user_id), crate::models::mail_outbox::QueueWhat::Flag, &root.title)?;
        Ok(p.root_id())
    })
}

/// Everything a member wrote, in every state, with the community it went to.
pub fn my_posts(conn: &mut DbConn, author: i64) -> Result<Vec<(post::Post, community::Community)>, AppError> {
    let posts = post::by_author(conn, author)?;
    let mut out = Vec::with_capacity(posts.len());
    let mut cache: Vec<community::Community> = Vec::new();
    for p in posts {
        let c = match cache.iter().find(|c| c.id == p.community_id) {
            Some(c) => c.clone(),
            None => {
                let c = community::find(conn, p.community_id)?;
                cache.push(c.clone());
                c
            }
        };
        out.push((p, c));
    }
    Ok(out)
}

/// One of the author's own posts, for the edit form.
pub fn own_post(conn: &mut DbConn, access: &Access, author: i64, post_id: i64) -> Result<post::Post, AppError> {
    let p = post::find(conn, post_id)?;
    if p.author_id != author || p.community_id != access.community.id {
        return Err(AppError::NotFound);
    }
    Ok(p)
}
