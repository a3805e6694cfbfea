//! Feedback on published records (issue 22, "stakeholders are heard"): anyone may send a
//! correction, an update or a complaint; the focal points of the record's state answer it, act
//! on it or decline it; what waits longer than `Env::registry_feedback_days` goes on to the
//! national focal points. Only those focal points see the items and the contact left with them.

use chrono::{Duration, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors};
use crate::models::mail_outbox::{self, OutboxKind, Outgoing, Payload};
use crate::models::registry_feedback::{self as fb, Feedback, NewFeedback};
use crate::models::{self, registry, role};
use crate::services::accounts::Principal;
use crate::services::notify;
use crate::services::Env;
use crate::tokens::address;

use super::spec::Kind;
use super::workflow::{chaired_clusters, in_chaired_cluster, is_reviewer, may_draft, may_draft_in};

pub use crate::models::registry_feedback::{Feedback as FeedbackItem, Kind as FeedbackKind, Status as FeedbackStatus};

/// Characters a feedback text may have.
pub const FEEDBACK_MAX_CHARS: usize = 4000;
const NAME_MAX_CHARS: usize = 100;
const CONTACT_MAX_CHARS: usize = 200;
/// Items a queue page lists.
const QUEUE_MAX: i64 = 200;

/// What a visitor typed into a record's feedback form.
#[derive(Debug, Clone, Default)]
pub struct FeedbackForm {
    pub kind: String,
    pub text: String,
    pub name: String,
    pub contact: String,
}

/// A contact is a mail address (answers are mailed to it) or a phone number.
pub fn contact_is_mail(contact: &str) -> bool {
    contact.contains('@')
}

fn valid_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (7..=15).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

/// The form checked: every mistake by field, or the tidied values.
fn check(form: &FeedbackForm) -> Result<(fb::Kind, String, String, String), AppError> {
    let mut errors = FieldErrors::new();
    let kind = form.kind.parse::<fb::Kind>().ok();
    if kind.is_none() {
        errors.insert("feedback_kind", "registry-feedback-kind-choose".into());
    }
    let text = models::storable(form.text.trim()).into_owned();
    if text.is_empty() {
        errors.insert("feedback_text", "registry-feedback-text-missing".into());
    } else if text.chars().count() > FEEDBACK_MAX_CHARS {
        errors.insert("feedback_text", "registry-feedback-text-long".into());
    }
    let name = models::single_line(form.name.trim());
    if name.chars().count() > NAME_MAX_CHARS {
        errors.insert("feedback_name", "registry-feedback-name-long".into());
    }
    let contact = models::single_line(form.contact.trim());
    let contact_ok = contact.is_empty()
        || (contact.chars().count() <= CONTACT_MAX_CHARS
            && if contact_is_mail(&contact) { contact.parse::<lettre::Address>().is_ok() } else { valid_phone(&contact) });
    if !contact_ok {
        errors.insert("feedback_contact", "registry-feedback-contact-invalid".into());
    }
    match kind {
        Some(k) if errors.is_empty() => Ok((k, text, name, contact)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Stores a visitor's feedback on a published record and tells the focal points of its state
/// (the national ones when the state has none). Nothing is stored when the form has a mistake.
pub fn send_feedback(conn: &mut DbConn, env: &Env, kind: Kind, slug: &str, form: &FeedbackForm, lang: &str) -> Result<i64, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.filter(|r| r.is_published()).ok_or(AppError::NotFound)?;
    let (fkind, text, name, contact) = check(form)?;
    write_tx(conn, |tx| {
        let id = fb::insert(
            tx,
            &NewFeedback { record_id: rec.id, state: &rec.state, kind: fkind, body: &text, name: &name, contact: &contact, lang, status: fb::Status::Open, note: "", created_at: models::now() },
        )?;
        let grants = role::focal_points(tx)?;
        let mut to: Vec<i64> = grants.iter().filter(|g| !rec.state.is_empty() && g.state == rec.state).map(|g| g.user_id).collect();
        if to.is_empty() {
            to = grants.iter().filter(|g| g.state.is_empty()).map(|g| g.user_id).collect();
        }
        to.dedup();
        for uid in to {
            notify::notify(tx, env, uid, OutboxKind::RegistryFeedback, Some(id), None)?;
        }
        Ok(id)
    })
}

/// May this person see and answer the item: a focal point of its state, or a national one.
pub fn may_handle_feedback(p: &Principal, f: &Feedback) -> bool {
    may_draft(p) && (is_reviewer(p) || may_draft_in(p, &f.state))
}

/// A focal point's feedback queue: items of their states (every state for the national focal
/// points), open ones first, each with its record.
pub fn feedback_queue(conn: &mut DbConn, who: &Principal) -> Result<Vec<(Feedback, registry::Record)>, AppError> {
    let items = if may_draft(who) {
        let states: Option<Vec<String>> = if is_reviewer(who) { None } else { Some(who.roles.focal_point_states().into_iter().map(str::to_string).collect()) };
        fb::in_states(conn, states.as_deref(), QUEUE_MAX)?
    } else {
        // A cluster focal point: items on the records of the clusters they chair.
        let clusters = chaired_clusters(conn, who)?;
        if clusters.is_empty() {
            return Err(AppError::Forbidden);
        }
        let mut ids = Vec::new();
        for c in clusters {
            ids.extend(registry::tagged(conn, Kind::Cluster.code(), &c.slug)?.into_iter().map(|r| r.id));
            ids.push(c.id);
        }
        fb::for_records(conn, &ids, QUEUE_MAX)?
    };
    let mut out = Vec::with_capacity(items.len());
    for f in items {
        let r = registry::find(conn, f.record_id)?;
        out.push((f, r));
    }
    Ok(out)
}

/// One item for a focal point who may handle it; 403 for anyone else.
pub fn feedback_item(conn: &mut DbConn, who: &Principal, id: i64) -> Result<(Feedback, registry::Record), AppError> {
    use diesel::OptionalExtension;
    let f = fb::find(conn, id).optional()?.ok_or(AppError::NotFound)?;
    let r = registry::find(conn, f.record_id)?;
    if !(may_handle_feedback(who, &f) || in_chaired_cluster(conn, who, &r, None)?) {
        return Err(AppError::Forbidden);
    }
    Ok((f, r))
}

crate::text_enum! {
    /// What a focal point does with an item.
    pub enum FeedbackAction {
        Answer,
        Acted,
        Declined,
    }
}

/// A focal point answers an item (the answer is mailed to the contact when it is an address),
/// or marks it acted on or declined with a note. An item is resolved once.
pub fn resolve_feedback(conn: &mut DbConn, env: &Env, who: &Principal, id: i64, action: Option<FeedbackAction>, note: &str) -> Result<(), AppError> {
    let (f, _) = feedback_item(conn, who, id)?;
    let note = models::storable(note.trim()).into_owned();
    let mut errors = FieldErrors::new();
    if action.is_none() {
        errors.insert("action", "registry-feedback-action-choose".into());
    }
    if note.is_empty() {
        errors.insert("note", "registry-feedback-note-missing".into());
    } else if note.chars().count() > FEEDBACK_MAX_CHARS {
        errors.insert("note", "registry-feedback-text-long".into());
    }
    let Some(action) = action.filter(|_| errors.is_empty()) else { return Err(AppError::Validation(errors)) };
    let status = match action {
        FeedbackAction::Answer => fb::Status::Answered,
        FeedbackAction::Acted => fb::Status::Acted,
        FeedbackAction::Declined => fb::Status::Declined,
    };
    write_tx(conn, |tx| {
        if !fb::resolve(tx, f.id, status, &note, who.user.id, models::now())? {
            return Err(AppError::Conflict("registry-feedback-resolved".into()));
        }
        if action == FeedbackAction::Answer && contact_is_mail(&f.contact) {
            let message_id = address::keyed_message_id(&address::web_host(&env.base_url), &format!("feedback.answer.{}", f.id));
            let payload = Payload { lang: Some(f.lang.clone()), ..Payload::default() };
            mail_outbox::enqueue_once(tx, &Outgoing { message_id: &message_id, recipient: &f.contact, kind: OutboxKind::RegistryFeedbackAnswer, ref_id: Some(f.id), user_id: None, payload: Some(payload) })?;
        }
        Ok(())
    })
}

/// (open, resolved) counts of a record's feedback, for its page.
pub fn feedback_counts(conn: &mut DbConn, record_id: i64) -> Result<(i64, i64), AppError> {
    Ok(fb::counts(conn, record_id)?)
}

/// Items open longer than the setting go to the national focal points, once each. Returns how
/// many notices were queued. Run by the scheduler with the registry reminders.
pub fn escalate_feedback(conn: &mut DbConn, env: &Env, now: NaiveDateTime) -> Result<usize, AppError> {
    let due = fb::due_for_escalation(conn, now - Duration::days(i64::from(env.registry_feedback_days)))?;
    if due.is_empty() {
        return Ok(0);
    }
    let national: Vec<i64> = role::focal_points(conn)?.into_iter().filter(|g| g.state.is_empty()).map(|g| g.user_id).collect();
    let mut sent = 0;
    for f in due {
        write_tx(conn, |tx| {
            if fb::mark_escalated(tx, f.id, now)? == 0 {
                return Ok::<_, AppError>(());
            }
            for uid in &national {
                if notify::notify_once(tx, env, *uid, OutboxKind::RegistryFeedbackEscalated, Some(f.id), None, &format!("feedback.escalate.{}.u{uid}", f.id))? {
                    sent += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(sent)
}

/// Whether an item's deadline for its state's focal points has passed.
pub fn feedback_overdue(env: &Env, f: &Feedback, now: NaiveDateTime) -> bool {
    f.status == fb::Status::Open && f.created_at < now - Duration::days(i64::from(env.registry_feedback_days))
}
