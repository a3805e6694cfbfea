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
use super::workflow::{drafting_states, is_overdue, is_reviewer, latest_values, may_draft, may_edit_record, published_values, Seen};

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
    /// Awards the record holds, as nominee or as the practice a nomination rests on.
    pub awards: Vec<super::awards::RecordAward>,
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
    let may_edit = who.is_some_and(|p| may_draft(p) && may_edit_record(p, &rec, open.as_ref()));
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
        awards: super::awards::awards_of_record(conn, rec_id)?,
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
    if !may_draft(who) {
        return Err(AppError::Forbidden);
    }
    let vocabs = Vocabs::load(conn)?;
    let Some(slug) = slug else {
        return Ok(EditView { record: None, values: Values::new(), seen: Seen::default(), comments: BTreeMap::new(), status: None, vocabs, states: drafting_states(who) });
    };
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    if !may_edit_record(who, &rec, open.as_ref()) {
        return Err(AppError::Forbidden);
    }
    let (values, seen, comments, status) = match &open {
        Some(v) => (parse_values(&v.fields), Seen { version: v.number, lock: v.lock_version }, serde_json::from_str(&v.comments).unwrap_or_default(), Some((v.number, v.status.clone()))),
        None => (latest_values(conn, &rec)?, Seen::default(), BTreeMap::new(), None),
    };
    Ok(EditView { record: Some(rec), values, seen, comments, status, vocabs, states: drafting_states(who) })
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
}

pub fn review_view(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, number: i32) -> Result<ReviewView, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let version = registry::version(conn, rec.id, number)?;
    let open = registry::open_version(conn, rec.id)?;
    if !(is_reviewer(who) || may_edit_record(who, &rec, open.as_ref())) {
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
        record: rec,
        version,
        vocabs: Vocabs::load(conn)?,
    })
}

/// The reviewer's queue and a focal point's work list.
pub struct WorkList {
    pub waiting: Vec<(registry::Version, registry::Record)>,
    pub mine: Vec<(registry::Version, registry::Record)>,
    pub overdue: Vec<registry::Record>,
    pub is_reviewer: bool,
}

pub fn work(conn: &mut DbConn, who: &Principal) -> Result<WorkList, AppError> {
    if !may_draft(who) {
        return Err(AppError::Forbidden);
    }
    let states = drafting_states(who);
    let waiting = if is_reviewer(who) { registry::submitted(conn)? } else { Vec::new() };
    let mine = match &states {
        Some(s) => registry::open_in_states(conn, s)?,
        None => Vec::new(),
    };
    let now = models::now();
    let overdue = registry::in_states(conn, states.as_deref())?.into_iter().filter(|r| r.is_published() && is_overdue(r, now)).collect();
    Ok(WorkList { waiting, mine, overdue, is_reviewer: is_reviewer(who) })
}

