//! Digests: the portal drafts one from what was approved since the last one; the moderator
//! picks, orders, adds an editorial note, previews and sends now or later. Communities may also
//! send them on schedule by themselves. Sending writes one small outbox row per recipient in
//! the same transaction that marks the digest sent.

use chrono::{Datelike, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Message};
use crate::models::membership::Delivery;
use crate::models::mail_outbox::{self, OutboxKind, Outgoing};
use crate::models::{self, community, digest, membership, moderation, post, registry};
use crate::services::communities::Access;
use crate::tokens::address;
use crate::services::Env;

const MAX_ITEMS: i64 = 200;
/// At most this many registry records in one digest's "From the registry".
const MAX_RECORDS: i64 = 50;
/// A community's first digest for an audience looks this far back in the registry.
const FIRST_REGISTRY_DAYS: i64 = 7;

/// Published registry records changed since `since` (or in the last week, for a first digest)
/// whose tags match the community's themes (`vocab::THEME_REGISTRY_TAGS`).
fn registry_since(conn: &mut DbConn, community_id: i64, since: Option<NaiveDateTime>) -> Result<Vec<registry::Record>, AppError> {
    let c = community::find(conn, community_id)?;
    let tags = crate::vocab::registry_tags_of_themes(&c.themes());
    if tags.is_empty() {
        return Ok(Vec::new());
    }
    let since = since.unwrap_or_else(|| models::now() - chrono::Duration::days(FIRST_REGISTRY_DAYS));
    Ok(registry::published_tagged_since(conn, &tags, since, MAX_RECORDS)?)
}

fn check_audience(audience: Delivery) -> Result<(), AppError> {
    if digest::AUDIENCES.contains(&audience) {
        Ok(())
    } else {
        Err(AppError::field("audience", "digest-audience-choose"))
    }
}

/// Creates a draft holding every post approved since the last digest for this audience.
fn create(conn: &mut DbConn, community_id: i64, audience: Delivery, actor: Option<i64>, period_key: Option<&str>) -> Result<Option<i64>, AppError> {
    let since = digest::last_sent(conn, community_id, audience)?;
    let posts = post::approved_since(conn, community_id, since, MAX_ITEMS)?;
    let answered = post::answered_by_page_since(conn, community_id, since, MAX_ITEMS)?;
    let records = registry_since(conn, community_id, since)?;
    if posts.is_empty() && answered.is_empty() && records.is_empty() && actor.is_none() {
        return Ok(None);
    }
    let id = digest::insert(
        conn,
        &digest::NewDigest { community_id, audience, status: digest::Status::Draft, editorial: "", period_key, created_by: actor, created_at: models::now() },
    )?;
    for (i, p) in posts.iter().enumerate() {
        digest::add_item(conn, id, p.id, i as i32 + 1)?;
    }
    for (query_id, page_id) in answered.iter().filter_map(|q| Some((q.id, q.answered_page_id?))) {
        digest::add_answer(conn, id, query_id, page_id)?;
    }
    for (i, r) in records.iter().enumerate() {
        digest::add_record(conn, id, r.id, i as i32 + 1)?;
    }
    Ok(Some(id))
}

pub fn draft(conn: &mut DbConn, access: &Access, actor: i64, audience: Delivery) -> Result<i64, AppError> {
    access.require_moderator()?;
    check_audience(audience)?;
    let cid = access.community.id;
    write_tx(conn, |tx| Ok(create(tx, cid, audience, Some(actor), None)?.expect("a moderator's draft is always created")))
}

pub struct DigestView {
    pub digest: digest::Digest,
    pub items: Vec<(digest::DigestItem, post::Post, String)>,
    /// "From the registry": the records matching the community's themes.
    pub records: Vec<(digest::DigestRecord, registry::Record)>,
    pub recipients: usize,
}

fn in_community(conn: &mut DbConn, access: &Access, id: i64) -> Result<digest::Digest, AppError> {
    access.require_moderator()?;
    let d = digest::find(conn, id)?;
    if d.community_id != access.community.id {
        return Err(AppError::NotFound);
    }
    Ok(d)
}

pub fn view(conn: &mut DbConn, access: &Access, id: i64) -> Result<DigestView, AppError> {
    let d = in_community(conn, access, id)?;
    let recipients = membership::recipients(conn, d.community_id, d.audience)?.len();
    Ok(DigestView { items: digest::items(conn, d.id)?, records: digest::records(conn, d.id)?, digest: d, recipients })
}

pub fn list(conn: &mut DbConn, access: &Access) -> Result<Vec<digest::Digest>, AppError> {
    access.require_moderator()?;
    Ok(digest::for_community(conn, access.community.id)?)
}

crate::text_enum! {
    /// What the moderator does with the digest after saving the choices.
    pub enum DigestAction {
        Save,
        Schedule,
        Send,
    }
}

#[derive(Debug, Clone)]
pub struct DigestEdit {
    pub editorial: String,
    /// (item id, position, included)
    pub items: Vec<(i64, i32, bool)>,
    /// (registry item id, included)
    pub records: Vec<(i64, bool)>,
    /// "YYYY-MM-DDTHH:MM" in UTC, for "send later".
    pub send_at: String,
    pub action: DigestAction,
}

/// Saves the moderator's choices; then sends now, schedules, or leaves a draft.
/// Returns the number of recipients when sent now.
pub fn edit(conn: &mut DbConn, env: &Env, access: &Access, actor: i64, id: i64, e: &DigestEdit) -> Result<Option<usize>, AppError> {
    let d = in_community(conn, access, id)?;
    if d.status == digest::Status::Sent || d.status == digest::Status::Sending {
        return Err(AppError::Conflict("digest-already-sent".into()));
    }
    if e.editorial.chars().count() > crate::services::posting::MAX_BODY {
        return Err(AppError::field("editorial", "digest-editorial-too-long"));
    }
    let (status, at) = match e.action {
        DigestAction::Schedule => {
            let at = NaiveDateTime::parse_from_str(e.send_at.trim(), "%Y-%m-%dT%H:%M")
                .map_err(|_| AppError::field("send_at", "digest-send-at-invalid"))?;
            if at <= models::now() {
                return Err(AppError::field("send_at", "digest-send-at-past"));
            }
            (digest::Status::Scheduled, Some(at))
        }
        DigestAction::Save | DigestAction::Send => (digest::Status::Draft, None),
    };
    write_tx(conn, |tx| {
        digest::set_editorial(tx, d.id, e.editorial.trim(), at, status)?;
        for (item, position, included) in &e.items {
            digest::set_item(tx, *item, d.id, *position, *included)?;
        }
        for (item, included) in &e.records {
            digest::set_record(tx, *item, d.id, *included)?;
        }
        moderation::log(tx, &moderation::NewLogEntry { community_id: d.community_id, post_id: None, actor_id: Some(actor), action: if status == digest::Status::Scheduled { moderation::Action::DigestScheduled } else { moderation::Action::DigestSaved }, reason: "", created_at: models::now() })?;
        Ok::<_, AppError>(())
    })?;
    if e.action == DigestAction::Send {
        return send(conn, env, d.id, Some(actor)).map(Some);
    }
    Ok(None)
}

/// Sends a draft or scheduled digest once: the status moves to `sending` first, so two
/// moderators (or two portal processes) cannot both send it.
pub fn send(conn: &mut DbConn, env: &Env, id: i64, actor: Option<i64>) -> Result<usize, AppError> {
    write_tx(conn, |tx| {
        let d = digest::find(tx, id)?;
        if !(digest::transition(tx, id, digest::Status::Draft, digest::Status::Sending)? || digest::transition(tx, id, digest::Status::Scheduled, digest::Status::Sending)?) {
            return Err(AppError::Conflict("digest-already-sent".into()));
        }
        if !digest::items(tx, id)?.iter().any(|(i, p, _)| i.included && p.status == post::Status::Approved)
            && !digest::records(tx, id)?.iter().any(|(i, r)| i.included && r.is_published())
        {
            return Err(AppError::field("items", "digest-items-empty"));
        }
        let recipients = membership::recipients(tx, d.community_id, d.audience)?;
        // The status guard above means these Message-IDs cannot exist yet, so no lookup per
        // recipient (100,000 of them would cost 100,000 lookups).
        // A few thousand rows a statement, built as they go, so 100,000 recipients never
        // hold all their rows in memory at once.
        for chunk in recipients.chunks(mail_outbox::ROWS_PER_STATEMENT) {
            let message_ids: Vec<String> = chunk.iter().map(|(uid, _)| address::digest_message_id(&env.mail_domain, id, *uid)).collect();
            let mails: Vec<Outgoing> = chunk
                .iter()
                .zip(&message_ids)
                .map(|((uid, email), message_id)| Outgoing { message_id, recipient: email, kind: OutboxKind::Digest, ref_id: Some(id), user_id: Some(*uid), payload: None })
                .collect();
            mail_outbox::enqueue_many(tx, &mails)?;
        }
        digest::mark_sent(tx, id, recipients.len() as i32, models::now())?;
        moderation::log(tx, &moderation::NewLogEntry { community_id: d.community_id, post_id: None, actor_id: actor, action: moderation::Action::DigestSent, reason: &Message::new("log-digest-recipients").arg("count", recipients.len()).to_stored(), created_at: models::now() })?;
        Ok(recipients.len())
    })
}

/// A digest of this community that its moderator may preview; the preview itself is the
/// mail as rendered (`mail::render::preview_digest`).
pub fn for_preview(conn: &mut DbConn, access: &Access, id: i64) -> Result<digest::Digest, AppError> {
    in_community(conn, access, id)
}

fn period_key(audience: Delivery, now: NaiveDateTime) -> String {
    match audience {
        Delivery::Weekly => {
            let w = now.date().iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        _ => now.date().format("%Y-%m-%d").to_string(),
    }
}

/// One pass of the scheduler: scheduled digests that are due, then automatic digests and
/// daily summaries for communities that ask for them. Returns how many digests went out.
pub fn scheduler_tick(conn: &mut DbConn, env: &Env, now: NaiveDateTime) -> Result<usize, AppError> {
    let mut sent = 0;
    for d in digest::due(conn, now)? {
        match send(conn, env, d.id, None) {
            Ok(_) => sent += 1,
            Err(AppError::Conflict(_)) | Err(AppError::Validation(_)) => {}
            Err(e) => return Err(e),
        }
    }
    for c in community::with_auto_digest(conn)? {
        for audience in digest::AUDIENCES {
            let due = match audience {
                Delivery::Weekly => digest::last_sent(conn, c.id, audience)?.is_none_or(|t| now - t >= chrono::Duration::days(7)),
                _ => digest::last_sent(conn, c.id, audience)?.is_none_or(|t| now - t >= chrono::Duration::hours(23)),
            };
            if !due || membership::recipients(conn, c.id, audience)?.is_empty() {
                continue;
            }
            let key = period_key(audience, now);
            if digest::exists_for_period(conn, c.id, audience, &key)? {
                continue;
            }
            // The unique (community, audience, period) index decides if two processes race here.
            let created = write_tx(conn, |tx| create(tx, c.id, audience, None, Some(&key)));
            match created {
                Ok(Some(id)) => {
                    send(conn, env, id, None)?;
                    sent += 1;
                }
                Ok(None) => {}
                Err(AppError::Db(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(sent)
}

/// The lease on the scheduler (table job_leases; see `background::scheduler`).
pub const SCHEDULER_LEASE: &str = "digest-scheduler";

