//! Cluster ratings: "regular ratings of clusters on various factors over a three-year time
//! frame" (§7.2.3, 001:5569-5571), the rating system the national focal point formulates
//! (Table 2.1, 001:2938-2945; §8.5, 001:5791-5807). The factors are data
//! (`rating_components`); each rating is dated, scores every factor and keeps its total.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::series::{self as store, Component, Rating};
use crate::models::{self, registry};
use crate::services::accounts::Principal;

use super::csv::{parse, Out};
use super::workflow::is_reviewer;
use super::Kind;

/// One rating as the history shows it.
#[derive(Debug, Clone)]
pub struct Rated {
    pub rating: Rating,
    pub rater: Option<String>,
    /// Score by component code.
    pub scores: BTreeMap<String, i32>,
}

/// A cluster's ratings, newest first.
pub struct History {
    pub record: registry::Record,
    pub components: Vec<Component>,
    pub ratings: Vec<Rated>,
    /// The national focal point rates.
    pub may_rate: bool,
}

fn with_scores(conn: &mut DbConn, ratings: Vec<(Rating, Option<String>)>) -> Result<Vec<Rated>, AppError> {
    let ids: Vec<i64> = ratings.iter().map(|(r, _)| r.id).collect();
    let mut scores: BTreeMap<i64, BTreeMap<String, i32>> = BTreeMap::new();
    for (id, code, score) in store::scores_of(conn, &ids)? {
        scores.entry(id).or_default().insert(code, score);
    }
    Ok(ratings.into_iter().map(|(rating, rater)| Rated { scores: scores.remove(&rating.id).unwrap_or_default(), rating, rater }).collect())
}

/// The history of a published cluster's ratings (the national focal point also sees an
/// unpublished one's, to rate it).
pub fn history(conn: &mut DbConn, who: Option<&Principal>, slug: &str) -> Result<History, AppError> {
    let may_rate = who.is_some_and(is_reviewer);
    let rec = registry::find_by_slug(conn, Kind::Cluster.code(), slug)?.filter(|r| r.is_published() || may_rate).ok_or(AppError::NotFound)?;
    let components = store::components(conn)?;
    let rated = store::ratings_of(conn, rec.id)?;
    let ratings = with_scores(conn, rated)?;
    Ok(History { record: rec, components, ratings, may_rate })
}

/// What the rating form sent: the date, a note and a score per component code.
#[derive(Debug, Clone, Default)]
pub struct RatingForm {
    pub date: String,
    pub note: String,
    pub scores: BTreeMap<String, String>,
}

/// Field name of a component's score in the form.
pub fn score_field(code: &str) -> String {
    format!("score_{code}")
}

/// Checks a rating: a date, and every component scored by a whole number from 0 to its
/// maximum. Errors are keyed by field (`date`, `note`, `score_CODE`).
/// A rating checked: its date (YYYY-MM-DD), note, and (component code, score) pairs.
type Checked = (String, String, Vec<(String, i32)>);

fn check(components: &[Component], form: &RatingForm) -> Result<Checked, BTreeMap<String, Message>> {
    let mut errors = BTreeMap::new();
    let date = form.date.trim();
    let day = match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        _ if date.is_empty() => {
            errors.insert("date".to_string(), "series-date-missing".into());
            None
        }
        Ok(d) if (1900..=2100).contains(&chrono::Datelike::year(&d)) => Some(d),
        _ => {
            errors.insert("date".to_string(), Message::new("series-date-invalid").arg("value", date.chars().take(40).collect::<String>()));
            None
        }
    };
    let mut scores = Vec::new();
    for c in components {
        let raw = form.scores.get(&c.code).map(|s| s.trim()).unwrap_or("");
        match raw.parse::<i32>() {
            Ok(n) if (0..=c.max_score).contains(&n) => scores.push((c.code.clone(), n)),
            _ if raw.is_empty() => {
                errors.insert(score_field(&c.code), "cluster-rating-score-missing".into());
            }
            _ => {
                errors.insert(score_field(&c.code), Message::new("cluster-rating-score-invalid").arg("max", c.max_score));
            }
        }
    }
    let note = models::storable(form.note.trim()).into_owned();
    if note.chars().count() > 2000 {
        errors.insert("note".to_string(), Message::new("too-long").arg("max", 2000));
    }
    match day {
        Some(d) if errors.is_empty() => Ok((d.format("%Y-%m-%d").to_string(), note, scores)),
        _ => Err(errors),
    }
}

/// Field messages for a form whose score fields are named at run time: FieldErrors keys are
/// static, so each component's field name is the one `score_field` gives, leaked once per code
/// (the components are a short, fixed list).
fn field_errors(errors: BTreeMap<String, Message>) -> FieldErrors {
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<Vec<&'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Mutex::new(Vec::new()));
    let mut out = FieldErrors::new();
    for (k, m) in errors {
        let mut known = names.lock().expect("names");
        let name = match known.iter().find(|n| **n == k) {
            Some(n) => *n,
            None => {
                let leaked: &'static str = Box::leak(k.into_boxed_str());
                known.push(leaked);
                leaked
            }
        };
        out.insert(name, m);
    }
    out
}

/// The national focal point rates a cluster.
pub fn rate(conn: &mut DbConn, who: &Principal, slug: &str, form: &RatingForm) -> Result<i64, AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let rec = registry::find_by_slug(conn, Kind::Cluster.code(), slug)?.ok_or(AppError::NotFound)?;
    let components = store::components(conn)?;
    let (date, note, scores) = check(&components, form).map_err(|e| AppError::Validation(field_errors(e)))?;
    write_tx(conn, |tx| Ok(store::insert_rating(tx, rec.id, &date, &note, &scores, Some(who.user.id), models::now())?))
}

/// A cluster's newest rating in the national table.
#[derive(Debug, Clone)]
pub struct Latest {
    pub slug: String,
    pub title: String,
    pub state: String,
    pub rated: Rated,
}

pub struct National {
    pub components: Vec<Component>,
    pub rows: Vec<Latest>,
    /// The column sorted by: a component code, "total" or "cluster".
    pub sort: String,
}

/// Every published cluster's newest rating, sorted by a component's score (highest first),
/// by the total (the default), or by the cluster's name.
pub fn national(conn: &mut DbConn, sort: &str) -> Result<National, AppError> {
    let components = store::components(conn)?;
    let mut newest: Vec<(Rating, String, String, String)> = Vec::new();
    for row in store::published_cluster_ratings(conn)? {
        if newest.last().is_none_or(|(r, ..)| r.record_id != row.0.record_id) {
            newest.push(row);
        }
    }
    let places: Vec<(String, String, String)> = newest.iter().map(|(_, slug, title, state)| (slug.clone(), title.clone(), state.clone())).collect();
    let rated = with_scores(conn, newest.into_iter().map(|(r, ..)| (r, None)).collect())?;
    let mut rows: Vec<Latest> = rated.into_iter().zip(places).map(|(rated, (slug, title, state))| Latest { slug, title, state, rated }).collect();
    let sort = if sort == "cluster" || components.iter().any(|c| c.code == sort) { sort.to_string() } else { "total".to_string() };
    match sort.as_str() {
        "cluster" => rows.sort_by(|a, b| a.title.cmp(&b.title)),
        "total" => rows.sort_by(|a, b| b.rated.rating.total.cmp(&a.rated.rating.total).then(a.title.cmp(&b.title))),
        code => rows.sort_by(|a, b| b.rated.scores.get(code).cmp(&a.rated.scores.get(code)).then(a.title.cmp(&b.title))),
    }
    Ok(National { components, rows, sort })
}

/// The national table as CSV, in the order shown.
pub fn national_csv(n: &National) -> String {
    let mut out = Out::new();
    let mut head: Vec<&str> = vec!["cluster", "title", "state", "rated_on"];
    head.extend(n.components.iter().map(|c| c.code.as_str()));
    head.push("total");
    out.row(&head);
    for r in &n.rows {
        let scores: Vec<String> = n.components.iter().map(|c| r.rated.scores.get(&c.code).map(|s| s.to_string()).unwrap_or_default()).collect();
        let total = r.rated.rating.total.to_string();
        let mut cells: Vec<&str> = vec![&r.slug, &r.title, &r.state, &r.rated.rating.rated_on];
        cells.extend(scores.iter().map(String::as_str));
        cells.push(&total);
        out.row(&cells);
    }
    out.finish()
}

/// Ratings shipped in content/registry/cluster_ratings.csv (columns cluster, rated_on, note,
/// then one per component code), brought in only for clusters nobody has rated yet.
pub fn import_seed(conn: &mut DbConn, dir: &std::path::Path) -> Result<usize, AppError> {
    let Ok(text) = std::fs::read_to_string(dir.join("cluster_ratings.csv")) else { return Ok(0) };
    let rows = parse(&text).map_err(|p| AppError::Internal(format!("cluster_ratings.csv line {}", p.line)))?;
    let Some((head, body)) = rows.split_first() else { return Ok(0) };
    let components = store::components(conn)?;
    let mut by_cluster: BTreeMap<String, Vec<RatingForm>> = BTreeMap::new();
    for row in body {
        let mut form = RatingForm::default();
        let mut cluster = String::new();
        for (name, cell) in head.cells.iter().zip(&row.cells) {
            match name.trim() {
                "cluster" => cluster = cell.trim().to_string(),
                "rated_on" => form.date = cell.clone(),
                "note" => form.note = cell.clone(),
                code => {
                    form.scores.insert(code.to_string(), cell.clone());
                }
            }
        }
        by_cluster.entry(cluster).or_default().push(form);
    }
    let mut added = 0;
    for (slug, forms) in by_cluster {
        let Some(rec) = registry::find_by_slug(conn, Kind::Cluster.code(), &slug)? else { continue };
        if store::has_ratings(conn, rec.id)? {
            continue;
        }
        let mut checked = Vec::new();
        for f in &forms {
            checked.push(check(&components, f).map_err(|e| AppError::Internal(format!("cluster_ratings.csv: {slug}: {:?}", e.keys().collect::<Vec<_>>())))?);
        }
        write_tx(conn, |tx| {
            let now = models::now();
            for (date, note, scores) in &checked {
                store::insert_rating(tx, rec.id, date, note, scores, None, now)?;
            }
            Ok::<_, AppError>(())
        })?;
        added += checked.len();
    }
    Ok(added)
}
