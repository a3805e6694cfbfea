//! What the record page, the edit form, the review page and the work lists are built from.

use std::collections::BTreeMap;

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{self, page, registry, user};
use crate::services::accounts::Principal;

use super::links::public_thread;
use super::spec::{Input, Kind, Spec};
use super::values::{multi_values, parse_values, Values};
use super::vocabularies::Vocabs;
use super::workflow::{advises_on, chaired_clusters, drafting_states, in_chaired_cluster, is_overdue, is_reviewer, latest_values, may_draft, may_edit_record, may_work_on, published_values, Seen};

/// One field of the review: the published value against the submitted one.
#[derive(Debug, Clone)]
pub struct FieldDiff {
    pub spec: &'static Spec,
    pub old: String,
    pub new: String,
    pub changed: bool,
}

pub fn diff(kind: Kind, old: Option<&Values>, new: &Values) -> Vec<FieldDiff> {
    kind.fields()
        .iter()
        .map(|spec| {
            let o = old.and_then(|v| v.get(spec.name)).cloned().unwrap_or_default();
            let n = new.get(spec.name).cloned().unwrap_or_default();
            FieldDiff { spec, changed: o != n, old: o, new: n }
        })
        .collect()
}

/// A record as its page shows it.
pub struct RecordView {
    pub kind: Kind,
    pub record: registry::Record,
    /// The published values (None when nothing is published yet).
    pub values: Option<Values>,
    /// The version open for work, shown to those who may see it.
    pub open: Option<registry::Version>,
    pub open_values: Option<Values>,
    pub verified_by: Option<String>,
    pub overdue: bool,
    /// Records naming this one (initiatives of a cluster, practices of an initiative).
    pub related: Vec<registry::Record>,
    /// Published records this one names, by (kind code, slug).
    pub refs: Vec<registry::Record>,
    /// Knowledge pages: named by the record or linking to it (slug, title, language).
    pub pages: Vec<(String, String, String)>,
    /// Public threads named by the record: (url, title).
    pub threads: Vec<(String, String)>,
    pub may_edit: bool,
    pub may_review: bool,
    pub history: Vec<(registry::Version, Option<String>)>,
    pub vocabs: Vocabs,
    /// An agency's ratings (Table 2.10), added by `agency_ratings::for_record`.
    pub ratings: Option<super::agency_ratings::AgencyRatings>,
    /// An initiative's indicators over time, in the order the record lists them.
    pub series: Vec<super::series::Series>,
    /// (open, resolved) items of feedback on the record.
    pub feedback_counts: (i64, i64),
    /// What members said of a published best practice ("It worked?"); None for other kinds.
    pub outcomes: Option<crate::models::outcome::Counts>,
    /// Awards the record holds, as nominee or as the practice a nomination rests on.
    pub awards: Vec<super::awards::RecordAward>,
    /// How many members found their answer in a published best practice before asking.
    pub answered_members: i64,
}
fn user_name(conn: &mut DbConn, id: Option<i64>) -> Option<String> {
    id.and_then(|i| user::find(conn, i).ok()).map(|u| u.name)
}

/// A record for a visitor: the public see only its published version; its focal points and
/// the reviewer also see the version under work.
pub enum Lookup {
    Found(Box<RecordView>),
    /// Withdrawn by the national focal point: the public get 410 with the reason.
    Gone { title: String, note: String },
}

pub fn view(conn: &mut DbConn, who: Option<&Principal>, kind: Kind, slug: &str) -> Result<Lookup, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    let may_edit = match who {
        Some(p) => may_work_on(conn, p, &rec, open.as_ref())?,
        None => false,
    };
    let may_review = who.is_some_and(is_reviewer);
    let insider = may_edit || may_review;
    if !rec.is_published() && !insider {
        return match rec.withdrawn_at {
            Some(_) => Ok(Lookup::Gone { title: rec.title, note: rec.withdrawn_note }),
            None => Err(AppError::NotFound),
        };
    }
    let values = published_values(conn, &rec)?;
    let shown = match (&values, &open) {
        (Some(v), _) => v.clone(),
        (None, Some(o)) => parse_values(&o.fields),
        (None, None) => latest_values(conn, &rec)?,
    };
    let mut refs = Vec::new();
    let mut pages = Vec::new();
    let mut threads = Vec::new();
    for spec in kind.fields() {
        let Some(v) = shown.get(spec.name) else { continue };
        match spec.input {
            Input::Ref(k) => {
                for s in multi_values(v) {
                    if let Some(r) = registry::find_by_slug(conn, k.code(), s)?.filter(|r| r.is_published()) {
                        refs.push(r);
                    }
                }
            }
            Input::Pages => {
                for s in multi_values(v) {
                    if let Some(p) = page::find_by_slug(conn, s)?.filter(|p| p.status == page::Status::Published) {
                        pages.push((p.slug, p.title, p.language));
                    }
                }
            }
            Input::Threads => {
                for s in multi_values(v) {
                    if let Some((url, title)) = s.parse().ok().and_then(|id| public_thread(conn, id)) {
                        threads.push((url, title));
                    }
                }
            }
            _ => {}
        }
    }
    for p in registry::linking_pages(conn, &format!("registry/{}/{}", kind.plural(), rec.slug))? {
        if !pages.iter().any(|(s, _, _)| *s == p.0) {
            pages.push(p);
        }
    }
    let related = registry::tagged(conn, kind.code(), &rec.slug)?;
    let history = if insider {
        registry::versions(conn, rec.id)?.into_iter().map(|v| {
            let name = user_name(conn, v.author_id);
            (v, name)
        }).collect()
    } else {
        Vec::new()
    };
    let series = if kind == Kind::Initiative { super::series::series_of(conn, rec.id, &shown)? } else { Vec::new() };
    let rec_id = rec.id;
    let published_practice = rec.is_published() && rec.withdrawn_at.is_none();
    Ok(Lookup::Found(Box::new(RecordView {
        ratings: None,
        kind,
        series,
        overdue: is_overdue(&rec, models::now()),
        verified_by: user_name(conn, rec.verified_by),
        open_values: if insider { open.as_ref().map(|v| parse_values(&v.fields)) } else { None },
        open: if insider { open } else { None },
        record: rec,
        values,
        related,
        refs,
        pages,
        threads,
        may_edit,
        may_review,
        history,
        vocabs: Vocabs::load(conn)?,
        feedback_counts: super::feedback::feedback_counts(conn, rec_id)?,
        outcomes: if kind == Kind::Practice && published_practice { Some(crate::models::outcome::counts(conn, crate::models::outcome::Subject::Practice, rec_id)?) } else { None },
        awards: super::awards::awards_of_record(conn, rec_id)?,
        answered_members: if kind == Kind::Practice && published_practice {
            crate::services::similar::answered_count(conn, crate::models::similar_answer::Target { kind: crate::models::similar_answer::TargetKind::Record, id: rec_id })?.members
        } else {
            0
        },
    })))
}
/// What the edit form starts from: the open version, or the published one.
pub struct EditView {
    pub record: Option<registry::Record>,
    pub values: Values,
    pub seen: Seen,
    pub comments: BTreeMap<String, String>,
    /// (number, status) of the open version, if one is open.
    pub status: Option<(i32, registry::Status)>,
    pub vocabs: Vocabs,
    pub states: Option<Vec<String>>,
}

pub fn edit_view(conn: &mut DbConn, who: &Principal, kind: Kind, slug: Option<&str>) -> Result<EditView, AppError> {
    let vocabs = Vocabs::load(conn)?;
    let Some(slug) = slug else {
        if !may_draft(who) {
            return Err(AppError::Forbidden);
        }
        return Ok(EditView { record: None, values: Values::new(), seen: Seen::default(), comments: BTreeMap::new(), status: None, vocabs, states: drafting_states(who) });
    };
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    let as_state = may_draft(who) && may_edit_record(who, &rec, open.as_ref());
    if !as_state && !in_chaired_cluster(conn, who, &rec, open.as_ref())? {
        return Err(AppError::Forbidden);
    }
    // A cluster focal point keeps the record in its state.
    let states = if as_state { drafting_states(who) } else { Some(vec![rec.state.clone()]) };
    let (values, seen, comments, status) = match &open {
        Some(v) => (parse_values(&v.fields), Seen { version: v.number, lock: v.lock_version }, serde_json::from_str(&v.comments).unwrap_or_default(), Some((v.number, v.status.clone()))),
        None => (latest_values(conn, &rec)?, Seen::default(), BTreeMap::new(), None),
    };
    Ok(EditView { record: Some(rec), values, seen, comments, status, vocabs, states })
}

pub struct ReviewView {
    pub kind: Kind,
    pub record: registry::Record,
    pub version: registry::Version,
    pub author: Option<String>,
    pub diff: Vec<FieldDiff>,
    pub vocabs: Vocabs,
    /// The viewer may approve or return this version (it is submitted and they review).
    pub may_decide: bool,
    /// The review's thread of notes (sector focal points' technical input and answers), each
    /// with its author's name.
    pub notes: Vec<(crate::models::review_note::Note, Option<String>)>,
    /// The viewer may add a note (the version waits for review).
    pub may_note: bool,
}

pub fn review_view(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, number: i32) -> Result<ReviewView, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let version = registry::version(conn, rec.id, number)?;
    let open = registry::open_version(conn, rec.id)?;
    if !may_see_review(conn, who, &rec, &version, open.as_ref())? {
        return Err(AppError::Forbidden);
    }
    let old = match rec.published_version {
        Some(n) if n != number => Some(parse_values(&registry::version(conn, rec.id, n)?.fields)),
        _ => None,
    };
    let new = parse_values(&version.fields);
    Ok(ReviewView {
        kind,
        may_decide: is_reviewer(who) && version.status == registry::Status::Submitted,
        diff: diff(kind, old.as_ref(), &new),
        author: user_name(conn, version.author_id),
        notes: crate::models::review_note::of_version(conn, version.id)?,
        may_note: version.status == registry::Status::Submitted,
        record: rec,
        version,
        vocabs: Vocabs::load(conn)?,
    })
}

/// Who reads a review and its notes: the reviewers, those who may work on the record (its
/// state's and its cluster's focal points), the version's author, and the focal points of its
/// sector.
pub(crate) fn may_see_review(conn: &mut DbConn, who: &Principal, rec: &registry::Record, v: &registry::Version, open: Option<&registry::Version>) -> Result<bool, AppError> {
    Ok(is_reviewer(who) || advises_on(who, rec, v) || v.author_id == Some(who.user.id) || may_work_on(conn, who, rec, open)?)
}

/// The most characters a note keeps.
pub const NOTE_MAX_CHARS: usize = 4000;

/// Adds a note to the review of a submitted version, for those who read the review.
pub fn add_review_note(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, number: i32, body: &str) -> Result<(), AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let version = registry::version(conn, rec.id, number)?;
    let open = registry::open_version(conn, rec.id)?;
    if !may_see_review(conn, who, &rec, &version, open.as_ref())? {
        return Err(AppError::Forbidden);
    }
    if version.status != registry::Status::Submitted {
        return Err(AppError::Conflict("registry-not-waiting".into()));
    }
    let body = models::storable(body.trim()).into_owned();
    if body.is_empty() {
        return Err(AppError::field("note", "levels-note-missing"));
    }
    if body.chars().count() > NOTE_MAX_CHARS {
        return Err(AppError::field("note", crate::error::Message::new("too-long").arg("max", NOTE_MAX_CHARS)));
    }
    crate::db::write_tx(conn, |tx| {
        crate::models::review_note::insert(tx, version.id, who.user.id, &body, models::now())?;
        Ok(())
    })
}

/// The reviewer's queue and a focal point's work list.
pub struct WorkList {
    pub waiting: Vec<(registry::Version, registry::Record)>,
    pub mine: Vec<(registry::Version, registry::Record)>,
    pub overdue: Vec<registry::Record>,
    pub is_reviewer: bool,
    /// A state or national focal point (who drafts, imports and decides agency requests).
    pub may_draft: bool,
    /// For a sector focal point: versions of their sectors waiting for review.
    pub sector_waiting: Vec<(registry::Version, registry::Record)>,
    /// For a cluster focal point: each cluster they chair with its records.
    pub clusters: Vec<(registry::Record, Vec<registry::Record>)>,
}

pub fn work(conn: &mut DbConn, who: &Principal) -> Result<WorkList, AppError> {
    let sectors = who.roles.focal_point_sectors();
    let chaired = chaired_clusters(conn, who)?;
    if !may_draft(who) && sectors.is_empty() && chaired.is_empty() {
        return Err(AppError::Forbidden);
    }
    let sector_waiting = if sectors.is_empty() { Vec::new() } else { registry::submitted(conn)?.into_iter().filter(|(v, r)| advises_on(who, r, v)).collect() };
    let mut clusters = Vec::new();
    for c in chaired {
        let records = registry::tagged(conn, Kind::Cluster.code(), &c.slug)?;
        clusters.push((c, records));
    }
    if !may_draft(who) {
        return Ok(WorkList { waiting: Vec::new(), mine: Vec::new(), overdue: Vec::new(), is_reviewer: false, may_draft: false, sector_waiting, clusters });
    }
    let states = drafting_states(who);
    let waiting = if is_reviewer(who) { registry::submitted(conn)? } else { Vec::new() };
    let mine = match &states {
        Some(s) => registry::open_in_states(conn, s)?,
        None => Vec::new(),
    };
    let now = models::now();
    let overdue = registry::in_states(conn, states.as_deref())?.into_iter().filter(|r| r.is_published() && is_overdue(r, now)).collect();
    Ok(WorkList { waiting, mine, overdue, is_reviewer: is_reviewer(who), may_draft: true, sector_waiting, clusters })
}

