//! Who may do what, and the record's life: draft, submit, review, publish, withdraw, and the
//! yearly reminder to verify.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Arg, FieldErrors, Message};
use crate::models::mail_outbox::{OutboxKind, Payload, RegistryDecision};
use crate::models::{self, registry, role, search_outbox};
use crate::services::accounts::Principal;
use crate::services::notify;
use crate::services::Env;

use super::spec::Kind;
use super::values::{clean, columns, parse_values, tags, title_of, to_json, Values};
use super::vocabularies::{audit_entry, Vocabs};

pub fn is_reviewer(p: &Principal) -> bool {
    p.roles.is_national_focal_point()
}

/// States whose records this person may draft: all for the national focal point.
pub fn drafting_states(p: &Principal) -> Option<Vec<String>> {
    if is_reviewer(p) {
        None
    } else {
        Some(p.roles.focal_point_states().into_iter().map(str::to_string).collect())
    }
}

pub fn may_draft(p: &Principal) -> bool {
    p.roles.is_focal_point()
}

pub(crate) fn may_draft_in(p: &Principal, state: &str) -> bool {
    match drafting_states(p) {
        None => true,
        Some(states) => states.iter().any(|s| s == state),
    }
}

/// May this person work on this record? Both its published state and the state of any open
/// version must be theirs, so a record cannot be moved out of another focal point's hands.
pub(crate) fn may_edit_record(p: &Principal, rec: &registry::Record, open: Option<&registry::Version>) -> bool {
    may_draft_in(p, &rec.state) && open.is_none_or(|v| may_draft_in(p, &v.state))
}

/// The sector of a version: its own value, else the record's.
pub(crate) fn version_sector(rec: &registry::Record, v: &registry::Version) -> String {
    parse_values(&v.fields).get("sector").cloned().filter(|s| !s.is_empty()).unwrap_or_else(|| rec.sector.clone())
}

/// A sector focal point of the version's sector: gives technical input in its review, never
/// decides it.
pub fn advises_on(p: &Principal, rec: &registry::Record, v: &registry::Version) -> bool {
    let sector = version_sector(rec, v);
    !sector.is_empty() && p.roles.focal_point_sectors().contains(&sector.as_str())
}

/// The cluster records this person chairs as cluster focal point today.
pub(crate) fn chaired_clusters(conn: &mut DbConn, p: &Principal) -> Result<Vec<registry::Record>, AppError> {
    let mut out = Vec::new();
    for id in p.roles.focal_point_clusters() {
        if let Some(r) = diesel::OptionalExtension::optional(registry::find(conn, id))?.filter(|r| r.kind == Kind::Cluster.code()) {
            out.push(r);
        }
    }
    Ok(out)
}

/// Whether the record belongs to a cluster this person chairs today: the cluster itself, or a
/// record whose newest values and open version both name it.
pub(crate) fn in_chaired_cluster(conn: &mut DbConn, p: &Principal, rec: &registry::Record, open: Option<&registry::Version>) -> Result<bool, AppError> {
    let clusters = chaired_clusters(conn, p)?;
    if clusters.is_empty() {
        return Ok(false);
    }
    if rec.kind == Kind::Cluster.code() {
        return Ok(clusters.iter().any(|c| c.id == rec.id));
    }
    Ok(names_cluster(&clusters, &latest_values(conn, rec)?) && open.is_none_or(|v| names_cluster(&clusters, &parse_values(&v.fields))))
}

fn names_cluster(clusters: &[registry::Record], values: &Values) -> bool {
    values.get("cluster").is_some_and(|c| super::values::multi_values(c).iter().any(|s| clusters.iter().any(|k| k.slug == *s)))
}

/// May this person work on the record: as its state's focal point, or as focal point of the
/// cluster it belongs to.
pub(crate) fn may_work_on(conn: &mut DbConn, p: &Principal, rec: &registry::Record, open: Option<&registry::Version>) -> Result<bool, AppError> {
    Ok((may_draft(p) && may_edit_record(p, rec, open)) || in_chaired_cluster(conn, p, rec, open)?)
}

/// A cluster focal point's update keeps the record where it is: in its state, and (for
/// records of a cluster) naming a cluster they chair.
fn check_cluster_scope(conn: &mut DbConn, who: &Principal, rec: &registry::Record, values: &Values, errors: &mut FieldErrors) -> Result<(), AppError> {
    if values.get("state").is_some_and(|s| *s != rec.state) {
        errors.insert("state", "registry-state-not-yours".into());
    }
    if rec.kind != Kind::Cluster.code() && !names_cluster(&chaired_clusters(conn, who)?, values) {
        errors.insert("cluster", "levels-cluster-not-yours".into());
    }
    Ok(())
}

const RESERVED_SLUGS: &[&str] = &["new", "import", "review", "export"];

pub(crate) fn valid_slug(s: &str) -> bool {
    !RESERVED_SLUGS.contains(&s) && !s.is_empty() && s.len() <= 80 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') && !s.starts_with('-')
}

pub(crate) fn unique_slug(conn: &mut DbConn, kind: Kind, wanted: &str, title: &str) -> Result<String, AppError> {
    unique_slug_by(kind, wanted, title, |s| Ok(registry::find_by_slug(conn, kind.code(), s)?.is_some()))
}

/// `unique_slug` with `taken` telling whether a web name of the kind is in use (an import
/// asks a set of them, loaded once).
pub(crate) fn unique_slug_by(kind: Kind, wanted: &str, title: &str, mut taken: impl FnMut(&str) -> Result<bool, AppError>) -> Result<String, AppError> {
    if !wanted.trim().is_empty() {
        let s = wanted.trim();
        if !valid_slug(s) {
            return Err(AppError::field("slug", "slug-invalid"));
        }
        if taken(s)? {
            return Err(AppError::field("slug", Message::new("slug-taken").arg("slug", s)));
        }
        return Ok(s.to_string());
    }
    let base = match crate::services::slugify(title, 70) {
        s if s.is_empty() || RESERVED_SLUGS.contains(&s.as_str()) => format!("{}-{}", kind.code(), models::now().format("%Y%m%d%H%M%S")),
        s => s,
    };
    let mut slug = base.clone();
    let mut n = 2;
    while taken(&slug)? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

/// A record's state must be one the person keeps the registry for.
fn check_state_is_theirs(who: &Principal, values: &Values, errors: &mut FieldErrors) {
    if values.get("state").is_some_and(|state| !may_draft_in(who, state)) {
        errors.insert("state", "registry-state-not-yours".into());
    }
}

pub struct Saved {
    pub slug: String,
    pub submitted: bool,
}

/// Creates a record with its first version, as a draft or submitted for review.
pub fn create(conn: &mut DbConn, env: &Env, who: &Principal, kind: Kind, slug: &str, input: &Values, submit: bool) -> Result<Saved, AppError> {
    if !may_draft(who) {
        return Err(AppError::Forbidden);
    }
    let vocabs = Vocabs::load(conn)?;
    let (values, mut errors) = clean(conn, &vocabs, kind, input, None)?;
    check_state_is_theirs(who, &values, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let slug = unique_slug(conn, kind, slug, &title_of(&values))?;
    let status = if submit { registry::Status::Submitted } else { registry::Status::Draft };
    write_tx(conn, |tx| {
        let now = models::now();
        let cols = columns(&values);
        let id = registry::insert_record(tx, kind.code(), &slug, &cols, Some(who.user.id), now)?;
        registry::insert_version(tx, id, 1, &to_json(&values), &cols.state, status, Some(who.user.id), now)?;
        if submit {
            tell_reviewers(tx, env, who, id)?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(Saved { slug, submitted: submit })
}

/// What an edit form saw of the version open for work: its number and lock (0 and 0 when
/// none was open), so that a change made meanwhile is refused rather than overwritten.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen {
    pub version: i32,
    pub lock: i32,
}

/// Saves changes to a record: into its open version, or as a new version copied from the
/// published one.
pub fn save(conn: &mut DbConn, env: &Env, who: &Principal, kind: Kind, slug: &str, input: &Values, seen: Seen, submit: bool) -> Result<Saved, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    let as_state = may_draft(who) && may_edit_record(who, &rec, open.as_ref());
    if !as_state && !in_chaired_cluster(conn, who, &rec, open.as_ref())? {
        return Err(AppError::Forbidden);
    }
    // Retired terms the record already carries may stay.
    let previous = Some(latest_values(conn, &rec)?);
    let vocabs = Vocabs::load(conn)?;
    let (values, mut errors) = clean(conn, &vocabs, kind, input, previous.as_ref())?;
    if as_state {
        check_state_is_theirs(who, &values, &mut errors);
    } else {
        check_cluster_scope(conn, who, &rec, &values, &mut errors)?;
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let status = if submit { registry::Status::Submitted } else { registry::Status::Draft };
    let state = values.get("state").cloned().unwrap_or_default();
    write_tx(conn, |tx| {
        let now = models::now();
        match registry::open_version(tx, rec.id)? {
            Some(v) => {
                if v.number != seen.version || v.lock_version != seen.lock || !registry::update_fields(tx, v.id, seen.lock, &to_json(&values), &state, status, now)? {
                    return Err(AppError::Conflict("registry-record-changed".into()));
                }
            }
            None if seen.version != 0 => {
                return Err(AppError::Conflict("registry-version-decided".into()));
            }
            None => {
                let n = registry::last_number(tx, rec.id)? + 1;
                registry::insert_version(tx, rec.id, n, &to_json(&values), &state, status, Some(who.user.id), now)?;
            }
        }
        if !rec.is_published() {
            // Until something is published, the record row follows the draft, so the focal
            // point's lists show the current title.
            registry::set_columns(tx, rec.id, &columns(&values), now)?;
        }
        if submit {
            tell_reviewers(tx, env, who, rec.id)?;
        }
        Ok(())
    })?;
    Ok(Saved { slug: rec.slug, submitted: submit })
}

pub(crate) fn published_values(conn: &mut DbConn, rec: &registry::Record) -> Result<Option<Values>, AppError> {
    match rec.published_version {
        Some(n) => Ok(Some(parse_values(&registry::version(conn, rec.id, n)?.fields))),
        None => Ok(None),
    }
}

/// The newest version's values: the published one, or for a withdrawn record the one that
/// was withdrawn.
pub(super) fn latest_values(conn: &mut DbConn, rec: &registry::Record) -> Result<Values, AppError> {
    Ok(registry::versions(conn, rec.id)?.first().map(|v| parse_values(&v.fields)).unwrap_or_default())
}

/// Takes a published record out of the registry with a reason the public will read. Its focal
/// point may submit it again; approval publishes it again.
pub fn withdraw(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, note: &str) -> Result<(), AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let note: String = note.trim().chars().take(500).collect();
    if note.is_empty() {
        return Err(AppError::field("note", "registry-withdraw-note-missing"));
    }
    write_tx(conn, |tx| {
        let rec = registry::find_by_slug(tx, kind.code(), slug)?.ok_or(AppError::NotFound)?;
        let Some(n) = rec.published_version else {
            return Err(AppError::Conflict("registry-not-published".into()));
        };
        let v = registry::version(tx, rec.id, n)?;
        let now = models::now();
        registry::set_version_status(tx, v.id, registry::Status::Withdrawn)?;
        registry::mark_withdrawn(tx, rec.id, &note, now)?;
        registry::set_tags(tx, rec.id, kind.code(), &[])?;
        search_outbox::push(tx, search_outbox::Kind::Record, rec.id)?;
        audit_entry(tx, who.user.id, "registry withdraw", &Message::new("audit-registry-withdrawn").arg("kind", Arg::Key(kind.singular_key())).arg("slug", &rec.slug).arg("note", &note).to_stored())?;
        Ok(())
    })
}

crate::text_enum! {
    /// What the national focal point does with a submitted version.
    pub enum Decision {
        Approve,
        Return,
    }
}

/// The national focal point's decision on a submitted version. Comments are keyed by field
/// name; "" holds the general comment. A return needs at least one comment.
pub fn review(
    conn: &mut DbConn,
    who: &Principal,
    env: &Env,
    kind: Kind,
    slug: &str,
    number: i32,
    lock: i32,
    decision: Decision,
    comments: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let comments: BTreeMap<String, String> = comments
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().chars().take(2000).collect::<String>()))
        .filter(|(k, v)| !v.is_empty() && (k.is_empty() || kind.spec(k).is_some()))
        .collect();
    if decision == Decision::Return && comments.is_empty() {
        return Err(AppError::field("comment", "registry-return-comment"));
    }
    let comments_json = serde_json::to_string(&comments).expect("comments serialise");
    write_tx(conn, |tx| {
        let v = registry::version(tx, rec.id, number)?;
        let now = models::now();
        let to = if decision == Decision::Approve { registry::Status::Published } else { registry::Status::Returned };
        if v.status != registry::Status::Submitted || !registry::review(tx, v.id, lock, registry::Status::Submitted, to, who.user.id, &comments_json, now)? {
            return Err(AppError::Conflict("registry-not-waiting".into()));
        }
        let values = parse_values(&v.fields);
        if decision == Decision::Approve {
            publish_in(tx, kind, &rec, number, &values, Some(who.user.id), now)?;
        }
        let action = if decision == Decision::Approve { "registry publish" } else { "registry return" };
        audit_entry(tx, who.user.id, action, &Message::new("audit-registry-version").arg("kind", Arg::Key(kind.singular_key())).arg("slug", &rec.slug).arg("number", number).to_stored())?;
        // The version's author and the focal points of its state hear of the decision.
        let mut told: Vec<i64> = v.author_id.into_iter().collect();
        for g in role::focal_points(tx)? {
            if !v.state.is_empty() && g.state == v.state && !told.contains(&g.user_id) {
                told.push(g.user_id);
            }
        }
        let decided = RegistryDecision { title: title_of(&values), published: decision == Decision::Approve, note: comments.get("").cloned().unwrap_or_default() };
        for uid in told.into_iter().filter(|u| *u != who.user.id) {
            notify::notify(tx, env, uid, OutboxKind::RegistryDecision, Some(rec.id), Some(Payload::registry(decided.clone())))?;
        }
        Ok(())
    })
}

/// Makes version `number` the published one, in the caller's transaction: the record's
/// columns and tags follow it and the search index is told.
pub(crate) fn publish_in(tx: &mut DbConn, kind: Kind, rec: &registry::Record, number: i32, values: &Values, by: Option<i64>, now: NaiveDateTime) -> diesel::QueryResult<()> {
    if let Some(old) = rec.published_version.filter(|o| *o != number) {
        let old_v = registry::version(tx, rec.id, old)?;
        registry::set_version_status(tx, old_v.id, registry::Status::Superseded)?;
    }
    registry::set_columns(tx, rec.id, &columns(values), now)?;
    registry::set_tags(tx, rec.id, kind.code(), &tags(kind, values))?;
    registry::mark_published(tx, rec.id, number, by, now)?;
    search_outbox::push(tx, search_outbox::Kind::Record, rec.id)?;
    Ok(())
}

/// A version was submitted: the national focal points, who review, are told (not the one
/// who submitted it).
pub(super) fn tell_reviewers(tx: &mut DbConn, env: &Env, who: &Principal, record_id: i64) -> Result<(), AppError> {
    for g in role::focal_points(tx)?.into_iter().filter(|g| g.state.is_empty() && g.user_id != who.user.id) {
        notify::notify(tx, env, g.user_id, OutboxKind::RegistrySubmitted, Some(record_id), None)?;
    }
    // The sector focal points of the version's sector, who give technical input, hear of it
    // once per version (a returned version sent again is the same version).
    let rec = registry::find(tx, record_id)?;
    let Some(v) = registry::open_version(tx, record_id)? else { return Ok(()) };
    let sector = version_sector(&rec, &v);
    if sector.is_empty() {
        return Ok(());
    }
    for g in role::holding(tx, role::Role::SectorFocalPoint)?.into_iter().filter(|g| g.sector == sector && g.user_id != who.user.id) {
        let key = format!("registry.sector.{record_id}.v{}.u{}", v.number, g.user_id);
        notify::notify_once(tx, env, g.user_id, OutboxKind::RegistrySectorSubmitted, Some(record_id), None, &key)?;
    }
    Ok(())
}

pub const VERIFY_EVERY_DAYS: i64 = 365;

pub fn is_overdue(rec: &registry::Record, now: NaiveDateTime) -> bool {
    rec.verified_at.is_some_and(|at| at < now - Duration::days(VERIFY_EVERY_DAYS))
}

/// Mails the focal points of each record not verified for a year, at most once a month per
/// record; the national focal points hear of records in states that have none.
pub fn remind_overdue(conn: &mut DbConn, env: &Env, now: NaiveDateTime) -> Result<usize, AppError> {
    let stale = registry::overdue(conn, now - Duration::days(VERIFY_EVERY_DAYS), now - Duration::days(30))?;
    if stale.is_empty() {
        return Ok(0);
    }
    let grants = role::focal_points(conn)?;
    let mut sent = 0;
    for rec in stale {
        let mut to: Vec<i64> = grants.iter().filter(|g| g.state == rec.state).map(|g| g.user_id).collect();
        if to.is_empty() {
            to = grants.iter().filter(|g| g.state.is_empty()).map(|g| g.user_id).collect();
        }
        write_tx(conn, |tx| {
            for uid in &to {
                if notify::notify(tx, env, *uid, OutboxKind::RegistryReminder, Some(rec.id), None)? {
                    sent += 1;
                }
            }
            registry::mark_reminded(tx, rec.id, now)?;
            Ok::<_, AppError>(())
        })?;
    }
    Ok(sent)
}
