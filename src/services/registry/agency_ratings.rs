//! Implementing agencies: members' requests to register one, decided by the state focal
//! point, and the focal points' ratings on the book's suggested selection criteria.
//!
//! Table 2.10, "Suggested selection criteria for implementing agencies" (book 001:4909-5238,
//! from the Foundation for MSME Clusters' 2007 policy paper), was flattened in the text; it
//! is rebuilt below as three groups of criteria, each criterion with its scoring pattern (the
//! first item scores its points, each "+" item adds) and its maximum, 100 in all:
//! - Institutional strengths (25), 001:4922-4990: qualified staff 5 (001:4923-4944),
//!   experience in MSME development 10 (001:4945-4963), financial strength 5 (001:4965-4995),
//!   institutional mandate 5 (001:5006-5033).
//! - In-house competencies in cluster development (45), 001:5034-5144: CD projects 15
//!   (001:5036-5071), BDS expertise 15 (001:5042-5092), SEE experience 15 (001:5097-5144).
//! - Implementation capabilities (30), 001:5137-5238: support from specialised institutions
//!   10 (001:5150-5190), networking with support institutions 5 (001:5191-5205), location 15
//!   (001:5208-5238).
//!
//! A rater gives each criterion a whole number from 0 to its maximum, reading the pattern;
//! the portal adds up each group and the total and keeps every dated rating.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Arg, FieldErrors, Message};
use crate::models::agency_rating::{self as rating, Rating, Request, RequestStatus};
use crate::models::{self, registry};
use crate::services::accounts::Principal;
use crate::services::{notify, Env};
use crate::models::mail_outbox::{OutboxKind, Payload, SubmissionDecision};

use super::browse::Browse;
use super::spec::Kind;
use super::values::{clean, columns, parse_values, title_of, to_json, Values};
use super::vocabularies::{audit_entry, Vocabs};
use super::workflow::{may_draft, may_draft_in, may_edit_record, tell_reviewers, unique_slug};

/// One line of a criterion's scoring pattern: its label (a locale key) and its points.
#[derive(Debug)]
pub struct Item {
    pub label: &'static str,
    pub points: i32,
}

#[derive(Debug)]
pub struct Criterion {
    /// The form field and the key in a stored rating.
    pub field: &'static str,
    pub label: &'static str,
    pub max: i32,
    pub items: &'static [Item],
}

#[derive(Debug)]
pub struct Group {
    pub label: &'static str,
    pub max: i32,
    pub criteria: &'static [Criterion],
}

const fn item(label: &'static str, points: i32) -> Item {
    Item { label, points }
}

/// Table 2.10 as data (see the module's comment for the book's lines).
pub static TABLE: &[Group] = &[
    Group {
        label: "rating-group-strengths",
        max: 25,
        criteria: &[
            Criterion {
                field: "score_staff",
                label: "rating-staff",
                max: 5,
                items: &[item("rating-staff-three", 1), item("rating-staff-four", 2), item("rating-staff-technical", 2)],
            },
            Criterion {
                field: "score_msme_experience",
                label: "rating-msme-experience",
                max: 10,
                items: &[item("rating-msme-experience-consultancy", 5), item("rating-msme-experience-training", 5)],
            },
            Criterion {
                field: "score_finance",
                label: "rating-finance",
                max: 5,
                items: &[item("rating-finance-no-reserves", 0), item("rating-finance-self-sustaining", 3), item("rating-finance-surplus", 2)],
            },
            Criterion {
                field: "score_mandate",
                label: "rating-mandate",
                max: 5,
                items: &[item("rating-mandate-msme", 2), item("rating-mandate-not-for-profit", 3)],
            },
        ],
    },
    Group {
        label: "rating-group-competencies",
        max: 45,
        criteria: &[
            Criterion {
                field: "score_cd_projects",
                label: "rating-cd-projects",
                max: 15,
                items: &[item("rating-cd-projects-one", 5), item("rating-cd-projects-three-years", 5), item("rating-cd-projects-executives", 5)],
            },
            Criterion {
                field: "score_bds",
                label: "rating-bds",
                max: 15,
                items: &[item("rating-bds-paid", 5), item("rating-bds-core", 5), item("rating-bds-specialists", 5)],
            },
            Criterion {
                field: "score_see",
                label: "rating-see",
                max: 15,
                items: &[item("rating-see-one-two-years", 2), item("rating-see-three-years", 3), item("rating-see-cluster", 5), item("rating-see-specialists", 5)],
            },
        ],
    },
    Group {
        label: "rating-group-capabilities",
        max: 30,
        criteria: &[
            Criterion {
                field: "score_support",
                label: "rating-support",
                max: 10,
                items: &[item("rating-support-project", 2), item("rating-support-sustained", 3), item("rating-support-ppp", 5)],
            },
            Criterion {
                field: "score_networking",
                label: "rating-networking",
                max: 5,
                items: &[item("rating-networking-officials", 2), item("rating-networking-joint", 3)],
            },
            Criterion {
                field: "score_location",
                label: "rating-location",
                max: 15,
                items: &[item("rating-location-hq", 5), item("rating-location-district", 5), item("rating-location-near", 5)],
            },
        ],
    },
];

pub const TOTAL: i32 = 100;

pub fn criteria() -> impl Iterator<Item = &'static Criterion> {
    TABLE.iter().flat_map(|g| g.criteria.iter())
}

/// Points given per criterion, by field name.
pub type Scores = BTreeMap<String, i32>;

/// The sums a rating shows: each group's criteria with their points, the group's sum, and
/// the total.
pub struct Working {
    pub groups: Vec<(&'static Group, Vec<(&'static Criterion, i32)>, i32)>,
    pub total: i32,
}

pub fn working(scores: &Scores) -> Working {
    let mut total = 0;
    let groups = TABLE
        .iter()
        .map(|g| {
            let rows: Vec<(&'static Criterion, i32)> = g.criteria.iter().map(|c| (c, scores.get(c.field).copied().unwrap_or(0))).collect();
            let sum = rows.iter().map(|(_, p)| p).sum();
            total += sum;
            (g, rows, sum)
        })
        .collect();
    Working { groups, total }
}

/// A list's `min_rating` as a number from 0 to 100; anything else filters nothing.
pub fn min_rating_filter(text: &str) -> Option<i32> {
    text.trim().parse().ok().filter(|n| (0..=TOTAL).contains(n))
}

/// An agency's latest rating as lists and its page show it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latest {
    pub total: i32,
    pub rated_on: NaiveDateTime,
    /// Older than the review period: due for a new rating.
    pub stale: bool,
}

fn is_stale(rated_on: NaiveDateTime, now: NaiveDateTime, review_days: i64) -> bool {
    rated_on < now - Duration::days(review_days)
}

/// Adds the latest ratings of a list's agencies.
pub fn attach(conn: &mut DbConn, b: &mut Browse, review_days: i64) -> Result<(), AppError> {
    if b.kind != Kind::Agency {
        return Ok(());
    }
    let ids: Vec<i64> = b.records.iter().map(|r| r.id).collect();
    for (id, total, rated_on) in rating::latest_of(conn, &ids)? {
        b.ratings.insert(id, Latest { total, rated_on, stale: is_stale(rated_on, b.now, review_days) });
    }
    Ok(())
}

/// The latest ratings of agencies by record id, for exports.
pub fn latest_totals(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, i32>, AppError> {
    Ok(rating::latest_of(conn, ids)?.into_iter().map(|(id, total, _)| (id, total)).collect())
}

/// May this person rate an agency of this state? Its state's focal points and the national
/// focal point.
pub fn may_rate(p: &Principal, state: &str) -> bool {
    may_draft(p) && may_draft_in(p, state)
}

pub struct PastRating {
    pub rating: Rating,
    pub rated_by: Option<String>,
    pub working: Working,
}

/// What an agency's page shows of its ratings.
pub struct AgencyRatings {
    pub latest: Option<Latest>,
    /// Newest first.
    pub history: Vec<PastRating>,
    pub may_rate: bool,
    pub review_days: i64,
}

fn scores_of(r: &Rating) -> Scores {
    serde_json::from_str(&r.scores).unwrap_or_default()
}

pub fn for_record(conn: &mut DbConn, env: &Env, who: Option<&Principal>, rec: &registry::Record) -> Result<AgencyRatings, AppError> {
    let now = models::now();
    let history: Vec<PastRating> = rating::of_record(conn, rec.id)?
        .into_iter()
        .map(|(r, by)| {
            let working = working(&scores_of(&r));
            PastRating { rating: r, rated_by: by, working }
        })
        .collect();
    let latest = history.iter().find(|p| p.rating.latest).map(|p| Latest { total: p.rating.total, rated_on: p.rating.rated_on, stale: is_stale(p.rating.rated_on, now, env.agency_rating_review_days) });
    Ok(AgencyRatings { latest, history, may_rate: who.is_some_and(|p| may_rate(p, &rec.state)), review_days: env.agency_rating_review_days })
}

/// A record's page as `read::view` builds it, with an agency's ratings.
pub fn view_with_ratings(conn: &mut DbConn, env: &Env, who: Option<&Principal>, kind: Kind, slug: &str) -> Result<super::read::Lookup, AppError> {
    let mut found = super::read::view(conn, who, kind, slug)?;
    if let (Kind::Agency, super::read::Lookup::Found(v)) = (kind, &mut found) {
        v.ratings = Some(for_record(conn, env, who, &v.record)?);
    }
    Ok(found)
}

/// A rating as the form sent it: text per criterion field, the day and a note.
#[derive(Debug, Clone, Default)]
pub struct RatingForm {
    pub scores: BTreeMap<String, String>,
    pub rated_on: String,
    pub note: String,
}

/// Checks a rating form: each criterion a whole number from 0 to its maximum, the day (empty
/// for today) not in the future.
pub fn check_rating(form: &RatingForm, today: NaiveDate) -> Result<(Scores, NaiveDate), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut scores = Scores::new();
    for c in criteria() {
        let text = form.scores.get(c.field).map(|s| s.trim()).unwrap_or("");
        match text.parse::<i32>() {
            Ok(n) if (0..=c.max).contains(&n) => {
                scores.insert(c.field.to_string(), n);
            }
            _ if text.is_empty() => {
                errors.insert(c.field, Message::new("rating-score-missing").arg("max", c.max));
            }
            _ => {
                errors.insert(c.field, Message::new("rating-score-range").arg("max", c.max));
            }
        }
    }
    let day = match form.rated_on.trim() {
        "" => Some(today),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
    };
    let day = match day {
        Some(d) if d > today => {
            errors.insert("rated_on", "rating-date-future".into());
            today
        }
        Some(d) if d.year_ce().1 < 2000 => {
            errors.insert("rated_on", "rating-date-invalid".into());
            today
        }
        Some(d) => d,
        None => {
            errors.insert("rated_on", "rating-date-invalid".into());
            today
        }
    };
    if form.note.chars().count() > 2000 {
        errors.insert("note", Message::new("rating-note-long").arg("max", 2000));
    }
    if errors.is_empty() { Ok((scores, day)) } else { Err(errors) }
}

use chrono::Datelike;

/// A published agency, for the rating form, if this person may rate it.
pub fn rate_view(conn: &mut DbConn, who: &Principal, slug: &str) -> Result<registry::Record, AppError> {
    let rec = registry::find_by_slug(conn, Kind::Agency.code(), slug)?.filter(|r| r.is_published()).ok_or(AppError::NotFound)?;
    if !may_rate(who, &rec.state) {
        return Err(AppError::Forbidden);
    }
    Ok(rec)
}

/// Keeps a new rating of a published agency; returns its total.
pub fn rate(conn: &mut DbConn, who: &Principal, slug: &str, form: &RatingForm) -> Result<i32, AppError> {
    let rec = rate_view(conn, who, slug)?;
    let now = models::now();
    let (scores, day) = check_rating(form, now.date()).map_err(AppError::Validation)?;
    let total = working(&scores).total;
    let json = serde_json::to_string(&scores).expect("scores serialise");
    let note: String = form.note.trim().to_string();
    write_tx(conn, |tx| {
        rating::insert(tx, rec.id, Some(who.user.id), day.and_time(chrono::NaiveTime::MIN), &json, total, &note, now)?;
        rating::mark_latest(tx, rec.id)?;
        audit_entry(tx, who.user.id, "agency rate", &Message::new("audit-agency-rated").arg("slug", &rec.slug).arg("total", total).to_stored())?;
        Ok::<_, AppError>(())
    })?;
    Ok(total)
}

/// Imports the shipped ratings (content/registry/agency-ratings.csv: slug, rated_on, one
/// column per criterion field, note): a row whose agency has no rating of that day is added,
/// by nobody; others are left as they are. Returns how many were added.
pub fn import_seed(conn: &mut DbConn, path: &std::path::Path) -> Result<usize, AppError> {
    let Ok(text) = std::fs::read_to_string(path) else { return Ok(0) };
    let rows = super::csv::parse(&text).map_err(|p| AppError::BadRequest(p.message))?;
    let Some((head, rows)) = rows.split_first() else { return Ok(0) };
    let col = |row: &super::csv::Row, name: &str| head.cells.iter().position(|h| h == name).and_then(|i| row.cells.get(i)).cloned().unwrap_or_default();
    let now = models::now();
    let mut added = 0;
    for row in rows {
        let Some(rec) = registry::find_by_slug(conn, Kind::Agency.code(), &col(row, "slug"))? else { continue };
        let form = RatingForm { scores: criteria().map(|c| (c.field.to_string(), col(row, c.field))).collect(), rated_on: col(row, "rated_on"), note: col(row, "note") };
        let (scores, day) = check_rating(&form, now.date()).map_err(AppError::Validation)?;
        let day = day.and_time(chrono::NaiveTime::MIN);
        if rating::exists_on(conn, rec.id, day)? {
            continue;
        }
        let json = serde_json::to_string(&scores).expect("scores serialise");
        write_tx(conn, |tx| {
            rating::insert(tx, rec.id, None, day, &json, working(&scores).total, form.note.trim(), now)?;
            rating::mark_latest(tx, rec.id)
        })?;
        added += 1;
    }
    Ok(added)
}

// --- requests to register an agency ---

/// Fields a member fills in: the registry's agency fields but the knowledge pages.
pub fn request_fields() -> impl Iterator<Item = &'static super::spec::Spec> {
    Kind::Agency.fields().iter().filter(|s| s.name != "pages")
}

/// What the request form starts from: an existing agency's published values (the form asks
/// to bring it up to date), or nothing; and the vocabularies its fields choose from.
pub fn request_start(conn: &mut DbConn, existing: &str) -> Result<(Values, Vocabs), AppError> {
    let values = match existing.trim() {
        "" => Values::new(),
        slug => {
            let rec = registry::find_by_slug(conn, Kind::Agency.code(), slug)?.filter(|r| r.is_published()).ok_or(AppError::NotFound)?;
            super::workflow::published_values(conn, &rec)?.unwrap_or_default()
        }
    };
    Ok((values, Vocabs::load(conn)?))
}

/// A member asks for an agency to be registered (`existing` empty) or an existing one's
/// record to be brought up to date; the request goes to its state's focal points.
pub fn request(conn: &mut DbConn, who: &Principal, existing: &str, input: &Values) -> Result<i64, AppError> {
    let record_id = match existing.trim() {
        "" => None,
        slug => Some(registry::find_by_slug(conn, Kind::Agency.code(), slug)?.filter(|r| r.is_published()).ok_or_else(|| AppError::field("agency", "agency-request-unknown"))?.id),
    };
    let mut input = input.clone();
    input.remove("pages");
    let vocabs = Vocabs::load(conn)?;
    let (values, errors) = clean(conn, &vocabs, Kind::Agency, &input, None)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let state = values.get("state").cloned().unwrap_or_default();
    let name = title_of(&values);
    write_tx(conn, |tx| {
        let id = rating::insert_request(tx, who.user.id, record_id, &state, &name, &to_json(&values), models::now())?;
        audit_entry(tx, who.user.id, "agency request", &Message::new("audit-agency-requested").arg("name", &name).arg("state", &state).to_stored())?;
        Ok(id)
    })
}

/// A request as its page shows it.
pub struct RequestView {
    pub request: Request,
    pub values: Values,
    pub requested_by: String,
    /// The agency it updates, or the one its approval created.
    pub agency: Option<registry::Record>,
    pub may_decide: bool,
    pub vocabs: Vocabs,
}

fn may_decide(p: &Principal, r: &Request) -> bool {
    may_draft(p) && may_draft_in(p, &r.state)
}

/// The requester and the focal points who may decide it see a request; others get 403.
pub fn request_view(conn: &mut DbConn, who: &Principal, id: i64) -> Result<RequestView, AppError> {
    let r = rating::find_request(conn, id).map_err(|_| AppError::NotFound)?;
    let decide = may_decide(who, &r);
    if !decide && r.requested_by != who.user.id {
        return Err(AppError::Forbidden);
    }
    let agency = match r.record_id {
        Some(rid) => Some(registry::find(conn, rid)?),
        None => None,
    };
    let requested_by = crate::models::user::find(conn, r.requested_by)?.name;
    Ok(RequestView { values: parse_values(&r.fields), requested_by, agency, may_decide: decide && r.status == RequestStatus::Pending, vocabs: Vocabs::load(conn)?, request: r })
}

/// A member's own requests, and the pending ones this person may decide.
pub struct Requests {
    pub mine: Vec<Request>,
    pub to_decide: Vec<(Request, String)>,
}

pub fn requests(conn: &mut DbConn, who: &Principal) -> Result<Requests, AppError> {
    let to_decide = if may_draft(who) { rating::pending_in(conn, super::workflow::drafting_states(who).as_deref())? } else { Vec::new() };
    Ok(Requests { mine: rating::requests_by(conn, who.user.id)?, to_decide })
}

/// The member who asked hears of the state focal point's decision, in their language.
fn tell_requester(tx: &mut DbConn, env: &Env, who: &Principal, r: &Request, outcome: &str, reason: &str) -> Result<(), AppError> {
    if r.requested_by == who.user.id {
        return Ok(());
    }
    let decided = SubmissionDecision { what: "agency-request".into(), title: r.name.clone(), outcome: outcome.into(), note: reason.to_string(), path: crate::paths::agency_request(r.id) };
    notify::notify(tx, env, r.requested_by, OutboxKind::SubmissionDecided, Some(r.id), Some(Payload::decided(decided)))?;
    Ok(())
}

/// The state focal point's decision. Approval writes the agency through the registry's
/// workflow: a new record, or a new version of the existing one, submitted for the national
/// focal point's review. A decline needs a reason, which the member reads.
/// `approve` is None when the form chose neither.
pub fn decide_request(conn: &mut DbConn, env: &Env, who: &Principal, id: i64, approve: Option<bool>, reason: &str) -> Result<Option<String>, AppError> {
    let r = rating::find_request(conn, id).map_err(|_| AppError::NotFound)?;
    if !may_decide(who, &r) {
        return Err(AppError::Forbidden);
    }
    let Some(approve) = approve else {
        return Err(AppError::field("decision", "registry-decision-choose"));
    };
    if r.status != RequestStatus::Pending {
        return Err(AppError::Conflict("agency-request-decided".into()));
    }
    let reason: String = reason.trim().chars().take(2000).collect();
    let now = models::now();
    if !approve {
        if reason.is_empty() {
            return Err(AppError::field("reason", "agency-request-reason-missing"));
        }
        return write_tx(conn, |tx| {
            if !rating::decide(tx, r.id, RequestStatus::Declined, &reason, r.record_id, who.user.id, now)? {
                return Err(AppError::Conflict("agency-request-decided".into()));
            }
            audit_entry(tx, who.user.id, "agency request decline", &Message::new("audit-agency-request-declined").arg("name", &r.name).to_stored())?;
            tell_requester(tx, env, who, &r, "declined", &reason)?;
            Ok(None)
        });
    }
    // Checked again: a term may have been retired since the member asked.
    let vocabs = Vocabs::load(conn)?;
    let (values, errors) = clean(conn, &vocabs, Kind::Agency, &parse_values(&r.fields), None)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let existing = match r.record_id {
        Some(rid) => {
            let rec = registry::find(conn, rid)?;
            let open = registry::open_version(conn, rid)?;
            if !may_edit_record(who, &rec, open.as_ref()) {
                return Err(AppError::Forbidden);
            }
            if open.is_some() {
                return Err(AppError::Conflict("agency-request-open-version".into()));
            }
            Some(rec)
        }
        None => None,
    };
    let slug = match &existing {
        Some(rec) => rec.slug.clone(),
        None => unique_slug(conn, Kind::Agency, "", &title_of(&values))?,
    };
    let state = values.get("state").cloned().unwrap_or_default();
    write_tx(conn, |tx| {
        let record_id = match &existing {
            Some(rec) => {
                // The page keeps its knowledge pages: a member's form does not carry them.
                let mut merged = values.clone();
                if let Some(p) = super::workflow::published_values(tx, rec)?.and_then(|v| v.get("pages").cloned()) {
                    merged.insert("pages".into(), p);
                }
                let n = registry::last_number(tx, rec.id)? + 1;
                registry::insert_version(tx, rec.id, n, &to_json(&merged), &state, registry::Status::Submitted, Some(who.user.id), now)?;
                rec.id
            }
            None => {
                let cols = columns(&values);
                let rid = registry::insert_record(tx, Kind::Agency.code(), &slug, &cols, Some(who.user.id), now)?;
                registry::insert_version(tx, rid, 1, &to_json(&values), &state, registry::Status::Submitted, Some(who.user.id), now)?;
                rid
            }
        };
        if !rating::decide(tx, r.id, RequestStatus::Approved, &reason, Some(record_id), who.user.id, now)? {
            return Err(AppError::Conflict("agency-request-decided".into()));
        }
        tell_reviewers(tx, env, who, record_id)?;
        tell_requester(tx, env, who, &r, "approved", &reason)?;
        audit_entry(tx, who.user.id, "agency request approve", &Message::new("audit-agency-request-approved").arg("name", &r.name).arg("kind", Arg::Key(Kind::Agency.singular_key())).to_stored())?;
        Ok(Some(slug))
    })
}
