//! Annual awards for clusters and their business associations (issue 22).
//!
//! The national focal point opens a cycle: its year and title, its categories (clusters,
//! business associations), the days nominations open and close and the jury's deadline, the
//! criteria with their maximum points (public from the start, before nominations open), and
//! the jury (named accounts). Focal points nominate published registry records: a cluster, or
//! an agency that is a business association; a state focal point those of their state, the
//! national one any; a nomination may rest on a published best-practice record. Once
//! nominations close the jury is told by mail and scores each nomination on each criterion
//! (0 to the criterion's maximum, with a remark), except nominations a juror made or declared
//! a conflict with. The portal totals each juror's points, averages the totals across the
//! jurors who scored and ranks each category (`rank`). The national focal point publishes
//! the results (winner and runners-up), and the nominators are told by mail; after that
//! nothing in the cycle changes. Every phase is checked here, from the day on the server.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::award::{self as aw, Criterion, Cycle, NewCycle, NewNomination, Nomination, Score};
use crate::models::mail_outbox::OutboxKind;
use crate::models::registry::{self, Record};
use crate::models::{self, user};
use crate::services::accounts::Principal;
use crate::services::notify;
use crate::services::Env;

use super::spec::Kind;
use super::vocabularies::audit_entry;
use super::workflow::{is_reviewer, may_draft, may_draft_in};

/// A category of a cycle: its code, the registry kind its nominees are, its label key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub code: &'static str,
    pub kind: Kind,
    pub label: &'static str,
}

pub const CATEGORIES: [Category; 2] = [
    Category { code: "cluster", kind: Kind::Cluster, label: "award-category-cluster" },
    Category { code: "association", kind: Kind::Agency, label: "award-category-association" },
];

pub fn category(code: &str) -> Option<Category> {
    CATEGORIES.into_iter().find(|c| c.code == code)
}

/// The categories a cycle has, in the order of `CATEGORIES`.
pub fn categories_of(c: &Cycle) -> Vec<Category> {
    let codes: Vec<&str> = c.categories.split(',').map(str::trim).collect();
    CATEGORIES.into_iter().filter(|k| codes.contains(&k.code)).collect()
}

/// At most this many criteria a cycle has (each is a field of the jurors' form).
pub const MAX_CRITERIA: usize = 12;
/// The jurors' form fields, one per criterion in order.
pub const POINT_FIELDS: [&str; MAX_CRITERIA] = ["points-1", "points-2", "points-3", "points-4", "points-5", "points-6", "points-7", "points-8", "points-9", "points-10", "points-11", "points-12"];
pub const REMARK_FIELDS: [&str; MAX_CRITERIA] = ["remark-1", "remark-2", "remark-3", "remark-4", "remark-5", "remark-6", "remark-7", "remark-8", "remark-9", "remark-10", "remark-11", "remark-12"];
const MAX_POINTS: i32 = 100;
const MAX_JURORS: usize = 30;
const TEXT_CHARS: usize = 4000;
const REMARK_CHARS: usize = 1000;
/// Runners-up: the places after the winner that are named.
pub const RUNNERS_UP: usize = 2;

/// Where a cycle stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The criteria are public; nominations are not open yet.
    Announced,
    Nominating,
    /// Nominations closed; the jury scores until its deadline.
    Scoring,
    /// The jury's deadline passed; the results wait to be published.
    Deliberating,
    Published,
}

impl Phase {
    pub fn key(self) -> &'static str {
        match self {
            Phase::Announced => "award-phase-announced",
            Phase::Nominating => "award-phase-nominating",
            Phase::Scoring => "award-phase-scoring",
            Phase::Deliberating => "award-phase-deliberating",
            Phase::Published => "award-phase-published",
        }
    }
}

/// The phase of a cycle on `today` (YYYY-MM-DD; the days are stored so and compare as text).
pub fn phase(c: &Cycle, today: &str) -> Phase {
    if c.published_at.is_some() {
        Phase::Published
    } else if today < c.nominations_open.as_str() {
        Phase::Announced
    } else if today <= c.nominations_close.as_str() {
        Phase::Nominating
    } else if today <= c.jury_close.as_str() {
        Phase::Scoring
    } else {
        Phase::Deliberating
    }
}

fn today() -> String {
    models::now().date().format("%Y-%m-%d").to_string()
}

/// A place in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    Winner,
    RunnerUp,
}

impl Place {
    pub fn key(self) -> &'static str {
        match self {
            Place::Winner => "award-place-winner",
            Place::RunnerUp => "award-place-runner-up",
        }
    }
}

/// One nomination's standing: each juror's total (complete score sheets only), their
/// average, and its rank in its category (equal averages share a rank).
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub nomination: i64,
    pub totals: Vec<(i64, i64)>,
    pub average: Option<f64>,
    pub rank: Option<usize>,
    pub place: Option<Place>,
}

/// The ranking arithmetic. A juror's total for a nomination is the sum of their points on
/// every criterion; a sheet missing a criterion does not count. The average is the mean of
/// the totals of the jurors who scored. Within a category nominations are ranked by average,
/// highest first; equal averages share a rank and the next rank skips (1, 2, 2, 4); the
/// first rank wins and the next `RUNNERS_UP` ranks are runners-up. Unscored nominations are
/// listed last, without a rank. Returns the standings per category code.
pub fn rank(nominations: &[(i64, String)], criteria: &[i64], scores: &[(i64, i64, i64, i32)]) -> BTreeMap<String, Vec<Standing>> {
    // (nomination, juror) -> (criteria scored, total)
    let mut sheets: BTreeMap<(i64, i64), (Vec<i64>, i64)> = BTreeMap::new();
    for (nomination, juror, criterion, points) in scores {
        if criteria.contains(criterion) {
            let s = sheets.entry((*nomination, *juror)).or_default();
            if !s.0.contains(criterion) {
                s.0.push(*criterion);
                s.1 += i64::from(*points);
            }
        }
    }
    let mut out: BTreeMap<String, Vec<Standing>> = BTreeMap::new();
    for (id, cat) in nominations {
        let totals: Vec<(i64, i64)> = sheets.iter().filter(|((n, _), (c, _))| n == id && c.len() == criteria.len() && !criteria.is_empty()).map(|((_, j), (_, t))| (*j, *t)).collect();
        let average = (!totals.is_empty()).then(|| totals.iter().map(|(_, t)| *t as f64).sum::<f64>() / totals.len() as f64);
        out.entry(cat.clone()).or_default().push(Standing { nomination: *id, totals, average, rank: None, place: None });
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| match (a.average, b.average) {
            (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal).then(a.nomination.cmp(&b.nomination)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.nomination.cmp(&b.nomination),
        });
        let mut previous: Option<(f64, usize)> = None;
        for (i, s) in list.iter_mut().enumerate() {
            let Some(avg) = s.average else { continue };
            let r = match previous {
                Some((p, r)) if (p - avg).abs() < 1e-9 => r,
                _ => i + 1,
            };
            previous = Some((avg, r));
            s.rank = Some(r);
            s.place = match r {
                1 => Some(Place::Winner),
                r if r <= 1 + RUNNERS_UP => Some(Place::RunnerUp),
                _ => None,
            };
        }
    }
    out
}

/// An average as people read it: two decimals.
pub fn two_places(x: f64) -> String {
    format!("{x:.2}")
}

// ----- opening a cycle -----

/// What the national focal point typed to open a cycle.
#[derive(Debug, Clone, Default)]
pub struct CycleInput {
    pub year: String,
    pub title: String,
    pub description: String,
    pub categories: Vec<String>,
    pub nominations_open: String,
    pub nominations_close: String,
    pub jury_close: String,
    /// One criterion a line: name | maximum points | description.
    pub criteria: String,
    /// The jurors' mail addresses, one a line.
    pub jurors: String,
}

/// A criterion as checked: name, description, maximum points.
pub type CriterionText = (String, String, i32);

/// The criteria typed one a line as "name | maximum points | description"; a mistake names
/// its line.
pub fn parse_criteria(text: &str) -> Result<Vec<CriterionText>, Message> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.splitn(3, '|').map(str::trim).collect();
        let name = models::single_line(parts[0]);
        let max = parts.get(1).and_then(|m| m.parse::<i32>().ok()).filter(|m| (1..=MAX_POINTS).contains(m));
        match max {
            Some(max) if !name.is_empty() && name.chars().count() <= 200 => out.push((name, parts.get(2).map(|d| models::single_line(d)).unwrap_or_default(), max)),
            _ => return Err(Message::new("award-criterion-invalid").arg("line", i + 1).arg("max", MAX_POINTS)),
        }
    }
    if out.is_empty() || out.len() > MAX_CRITERIA {
        return Err(Message::new("award-criteria-count").arg("max", MAX_CRITERIA));
    }
    Ok(out)
}

fn day(s: &str) -> Option<String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().map(|d| d.format("%Y-%m-%d").to_string())
}

struct CheckedCycle {
    year: i32,
    title: String,
    description: String,
    categories: String,
    days: [String; 3],
    criteria: Vec<CriterionText>,
    jurors: Vec<i64>,
}

/// Checks a cycle's form; `jury` is the jury kept by an edit, which then reads none typed.
fn check_cycle(conn: &mut DbConn, input: &CycleInput, jury: Option<Vec<i64>>) -> Result<CheckedCycle, AppError> {
    let mut errors = FieldErrors::new();
    let year = input.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.insert("year", "award-year-invalid".into());
    }
    let title = models::single_line(input.title.trim());
    if title.is_empty() || title.chars().count() > 200 {
        errors.insert("title", "award-title-missing".into());
    }
    let description = models::storable(input.description.trim()).into_owned();
    if description.chars().count() > TEXT_CHARS {
        errors.insert("description", "award-text-long".into());
    }
    let cats: Vec<&str> = CATEGORIES.iter().map(|c| c.code).filter(|c| input.categories.iter().any(|i| i == c)).collect();
    if cats.is_empty() {
        errors.insert("categories", "award-categories-missing".into());
    }
    let days = [day(&input.nominations_open), day(&input.nominations_close), day(&input.jury_close)];
    for (field, d) in ["nominations_open", "nominations_close", "jury_close"].into_iter().zip(&days) {
        if d.is_none() {
            errors.insert(field, "award-date-invalid".into());
        }
    }
    if let [Some(open), Some(close), Some(jury)] = &days {
        if close < open {
            errors.insert("nominations_close", "award-dates-order".into());
        } else if jury <= close {
            errors.insert("jury_close", "award-dates-order".into());
        }
    }
    let criteria = parse_criteria(&input.criteria).map_err(|m| errors.insert("criteria", m)).unwrap_or_default();
    // An edit keeps the jury and types none.
    let mut jurors = jury.unwrap_or_default();
    for address in input.jurors.split(|c: char| c == '\n' || c == ',').map(str::trim).filter(|a| !a.is_empty()) {
        match user::find_by_email(conn, &address.to_lowercase())? {
            Some(u) if u.disabled_at.is_none() => {
                if !jurors.contains(&u.id) {
                    jurors.push(u.id);
                }
            }
            _ => {
                errors.insert("jurors", Message::new("award-juror-unknown").arg("address", address));
                break;
            }
        }
    }
    if jurors.is_empty() && !errors.contains_key("jurors") {
        errors.insert("jurors", "award-jurors-missing".into());
    } else if jurors.len() > MAX_JURORS {
        errors.insert("jurors", Message::new("award-jurors-many").arg("max", MAX_JURORS));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let [Some(a), Some(b), Some(c)] = days else { unreachable!("checked days") };
    Ok(CheckedCycle { year: year.expect("checked"), title, description, categories: cats.join(","), days: [a, b, c], criteria, jurors })
}

/// Writes a cycle's criteria in the order typed.
fn write_criteria(tx: &mut DbConn, id: i64, criteria: &[CriterionText]) -> diesel::QueryResult<()> {
    for (i, (name, description, max)) in criteria.iter().enumerate() {
        aw::insert_criterion(tx, id, i32::try_from(i).unwrap_or(0) + 1, name, description, *max)?;
    }
    Ok(())
}

/// The national focal point opens a cycle with its criteria and jury. Returns its number.
pub fn open_cycle(conn: &mut DbConn, who: &Principal, input: &CycleInput) -> Result<i64, AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let c = check_cycle(conn, input, None)?;
    write_tx(conn, |tx| {
        let new = NewCycle { year: c.year, title: &c.title, description: &c.description, categories: &c.categories, nominations_open: &c.days[0], nominations_close: &c.days[1], jury_close: &c.days[2] };
        let id = aw::insert_cycle(tx, &new, who.user.id, models::now())?;
        write_criteria(tx, id, &c.criteria)?;
        for j in &c.jurors {
            aw::insert_juror(tx, id, *j)?;
        }
        audit_entry(tx, who.user.id, "award cycle open", &Message::new("audit-award-cycle").arg("number", id).arg("title", c.title.as_str()).to_stored())?;
        Ok(id)
    })
}

/// May the cycle still be edited on `today`: before scoring opens (announced, or taking
/// nominations)?
pub fn editable(c: &Cycle, today: &str) -> bool {
    matches!(phase(c, today), Phase::Announced | Phase::Nominating)
}

/// The national focal point's edit form of a cycle, filled with what is stored; refused once
/// scoring has opened.
pub fn edit_cycle_form(conn: &mut DbConn, who: &Principal, id: i64) -> Result<CycleInput, AppError> {
    let cycle = cycle_or_404(conn, id)?;
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    if !editable(&cycle, &today()) {
        return Err(AppError::Conflict("award-refused-edit-scoring".into()));
    }
    let criteria = aw::criteria(conn, id)?.iter().map(|c| format!("{} | {} | {}", c.name, c.max_points, c.description)).collect::<Vec<_>>().join("\n");
    Ok(CycleInput {
        year: cycle.year.to_string(),
        title: cycle.title.clone(),
        description: cycle.description.clone(),
        categories: categories_of(&cycle).iter().map(|c| c.code.to_string()).collect(),
        nominations_open: cycle.nominations_open.clone(),
        nominations_close: cycle.nominations_close.clone(),
        jury_close: cycle.jury_close.clone(),
        criteria,
        jurors: String::new(),
    })
}

/// The national focal point edits a cycle's texts, days and criteria (names, maxima,
/// descriptions) until scoring opens, checked as when it was opened; its categories and jury
/// stay. Nominations may not be closed into the past by an edit.
pub fn edit_cycle(conn: &mut DbConn, who: &Principal, id: i64, input: &CycleInput) -> Result<(), AppError> {
    let cycle = cycle_or_404(conn, id)?;
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let day = today();
    if !editable(&cycle, &day) {
        return Err(AppError::Conflict("award-refused-edit-scoring".into()));
    }
    // What the edit does not change is checked as stored.
    let mut input = input.clone();
    input.categories = categories_of(&cycle).iter().map(|c| c.code.to_string()).collect();
    input.jurors = String::new();
    let jury = aw::jurors(conn, id)?.into_iter().map(|(uid, _)| uid).collect();
    let c = match check_cycle(conn, &input, Some(jury)) {
        Ok(c) if c.days[1] < day => return Err(AppError::field("nominations_close", "award-close-past")),
        other => other?,
    };
    write_tx(conn, |tx| {
        // Checked again inside the transaction: the day may have turned meanwhile.
        if !editable(&cycle_or_404(tx, id)?, &today()) {
            return Err(AppError::Conflict("award-refused-edit-scoring".into()));
        }
        let new = NewCycle { year: c.year, title: &c.title, description: &c.description, categories: &c.categories, nominations_open: &c.days[0], nominations_close: &c.days[1], jury_close: &c.days[2] };
        if aw::update_cycle(tx, id, &new)? != 1 {
            return Err(AppError::Conflict("award-refused-edit-scoring".into()));
        }
        // Nobody has scored before scoring opens, so the criteria are written afresh.
        aw::delete_criteria(tx, id)?;
        write_criteria(tx, id, &c.criteria)?;
        audit_entry(tx, who.user.id, "award cycle edit", &Message::new("audit-award-cycle").arg("number", id).arg("title", c.title.as_str()).to_stored())?;
        Ok(())
    })
}

/// May this person open cycles and publish results?
pub fn may_run_awards(who: Option<&Principal>) -> bool {
    who.is_some_and(is_reviewer)
}

pub fn new_cycle_form(who: &Principal) -> Result<(), AppError> {
    if is_reviewer(who) { Ok(()) } else { Err(AppError::Forbidden) }
}

// ----- reading -----

/// A nomination with the records it names.
#[derive(Debug, Clone)]
pub struct NominationRow {
    pub nomination: Nomination,
    pub nominee: Record,
    pub practice: Option<Record>,
    pub nominator: Option<String>,
}

/// A category's results: its standings with their nominations, best first.
pub struct CategoryResults {
    pub category: Category,
    pub rows: Vec<(Standing, NominationRow)>,
}

/// A cycle as this visitor may see it.
pub struct CycleView {
    pub cycle: Cycle,
    pub phase: Phase,
    pub categories: Vec<Category>,
    pub criteria: Vec<Criterion>,
    pub jurors: Vec<(i64, String)>,
    /// Nominations per category code.
    pub counts: BTreeMap<String, usize>,
    /// The nominations this visitor may see (all once published; the national focal point's
    /// and the jurors' before; a focal point's own).
    pub nominations: Vec<NominationRow>,
    /// The ranking (to the national focal point before publishing, to everyone after).
    pub results: Option<Vec<CategoryResults>>,
    pub max_total: i64,
    pub is_reviewer: bool,
    pub is_juror: bool,
    pub may_nominate: bool,
    /// The national focal point, before scoring opens.
    pub may_edit: bool,
    /// Nominations the juror has scored.
    pub scored: Vec<i64>,
}

fn cycle_or_404(conn: &mut DbConn, id: i64) -> Result<Cycle, AppError> {
    aw::find_cycle(conn, id)?.ok_or(AppError::NotFound)
}

fn is_juror(jurors: &[(i64, String)], who: Option<&Principal>) -> bool {
    who.is_some_and(|p| jurors.iter().any(|(id, _)| *id == p.user.id))
}

fn row_of(conn: &mut DbConn, n: Nomination) -> Result<NominationRow, AppError> {
    let nominee = registry::find(conn, n.nominee_id)?;
    let practice = match n.practice_id {
        Some(p) => Some(registry::find(conn, p)?),
        None => None,
    };
    let nominator = n.nominated_by.and_then(|u| user::find(conn, u).ok()).map(|u| u.name);
    Ok(NominationRow { nomination: n, nominee, practice, nominator })
}

/// May this person see a nomination before the results are out?
fn may_see(who: Option<&Principal>, n: &Nomination, juror: bool) -> bool {
    juror || who.is_some_and(|p| is_reviewer(p) || n.nominated_by == Some(p.user.id) || (may_draft(p) && may_draft_in(p, &n.state)))
}

/// The standings of a cycle's nominations with their records, per category.
fn results_of(conn: &mut DbConn, cycle: &Cycle, rows: &[NominationRow]) -> Result<Vec<CategoryResults>, AppError> {
    let mut ranked = standings(conn, cycle)?;
    Ok(categories_of(cycle)
        .into_iter()
        .map(|category| {
            let standings = ranked.remove(category.code).unwrap_or_default();
            let rows = standings.into_iter().filter_map(|s| rows.iter().find(|r| r.nomination.id == s.nomination).map(|r| (s, r.clone()))).collect();
            CategoryResults { category, rows }
        })
        .collect())
}

pub fn cycles(conn: &mut DbConn) -> Result<Vec<(Cycle, Phase)>, AppError> {
    let today = today();
    Ok(aw::cycles(conn)?.into_iter().map(|c| {
        let p = phase(&c, &today);
        (c, p)
    }).collect())
}

pub fn cycle_view(conn: &mut DbConn, who: Option<&Principal>, id: i64) -> Result<CycleView, AppError> {
    let cycle = cycle_or_404(conn, id)?;
    let phase = phase(&cycle, &today());
    let criteria = aw::criteria(conn, id)?;
    let jurors = aw::jurors(conn, id)?;
    let juror = is_juror(&jurors, who);
    let reviewer = who.is_some_and(is_reviewer);
    let all = aw::nominations(conn, id)?;
    let mut counts = BTreeMap::new();
    for n in &all {
        *counts.entry(n.category.clone()).or_insert(0) += 1;
    }
    let mut rows = Vec::new();
    for n in all {
        rows.push(row_of(conn, n)?);
    }
    let results = if phase == Phase::Published || (reviewer && matches!(phase, Phase::Scoring | Phase::Deliberating)) { Some(results_of(conn, &cycle, &rows)?) } else { None };
    let nominations = rows.into_iter().filter(|r| phase == Phase::Published || may_see(who, &r.nomination, juror)).collect();
    let scored = match who {
        Some(p) if juror => aw::scores_of_cycle(conn, id)?.into_iter().filter(|s| s.juror_id == p.user.id).map(|s| s.nomination_id).collect(),
        _ => Vec::new(),
    };
    Ok(CycleView {
        max_total: criteria.iter().map(|c| i64::from(c.max_points)).sum(),
        categories: categories_of(&cycle),
        may_nominate: phase == Phase::Nominating && who.is_some_and(may_draft),
        may_edit: reviewer && matches!(phase, Phase::Announced | Phase::Nominating),
        is_reviewer: reviewer,
        is_juror: juror,
        cycle,
        phase,
        criteria,
        jurors,
        counts,
        nominations,
        results,
        scored,
    })
}

/// The published results of a cycle (404 before they are published).
pub fn results(conn: &mut DbConn, id: i64) -> Result<CycleView, AppError> {
    let v = cycle_view(conn, None, id)?;
    if v.phase != Phase::Published {
        return Err(AppError::NotFound);
    }
    Ok(v)
}

// ----- nominating -----

/// What a focal point typed to nominate.
#[derive(Debug, Clone, Default)]
pub struct NominationInput {
    pub category: String,
    /// kind code:slug of the nominee.
    pub nominee: String,
    /// slug of a best-practice record, or empty.
    pub practice: String,
    pub statement: String,
}

/// What the nomination form offers: the cycle, the records this person may nominate and the
/// published best practices.
pub struct NominationForm {
    pub cycle: Cycle,
    pub categories: Vec<Category>,
    pub nominees: Vec<Record>,
    pub practices: Vec<Record>,
}

fn require_phase(cycle: &Cycle, wanted: Phase) -> Result<Phase, AppError> {
    let now = phase(cycle, &today());
    if now == wanted {
        return Ok(now);
    }
    Err(AppError::Conflict(Message::new(match (wanted, now) {
        (_, Phase::Published) => "award-refused-published",
        (Phase::Nominating, Phase::Announced) => "award-refused-not-open",
        (Phase::Nominating, _) => "award-refused-nominations-closed",
        (Phase::Scoring, Phase::Announced | Phase::Nominating) => "award-refused-scoring-not-open",
        _ => "award-refused-scoring-closed",
    })))
}

pub fn nomination_form(conn: &mut DbConn, who: &Principal, id: i64) -> Result<NominationForm, AppError> {
    let cycle = cycle_or_404(conn, id)?;
    if !may_draft(who) {
        return Err(AppError::Forbidden);
    }
    require_phase(&cycle, Phase::Nominating)?;
    let categories = categories_of(&cycle);
    let published = registry::all_published(conn)?;
    let nominees = published.iter().filter(|r| categories.iter().any(|c| c.kind.code() == r.kind) && may_draft_in(who, &r.state)).cloned().collect();
    let practices = published.into_iter().filter(|r| r.kind == Kind::Practice.code()).collect();
    Ok(NominationForm { cycle, categories, nominees, practices })
}

/// A focal point nominates a record of their state (the national one any). Returns its id.
pub fn nominate(conn: &mut DbConn, who: &Principal, id: i64, input: &NominationInput) -> Result<i64, AppError> {
    let form = nomination_form(conn, who, id)?;
    let mut errors = FieldErrors::new();
    let cat = form.categories.iter().find(|c| c.code == input.category).copied();
    if cat.is_none() {
        errors.insert("category", "award-category-choose".into());
    }
    let nominee = input.nominee.split_once(':').and_then(|(k, s)| form.nominees.iter().find(|r| r.kind == k && r.slug == s)).cloned();
    match (&nominee, cat) {
        (None, _) => {
            errors.insert("nominee", "award-nominee-choose".into());
        }
        (Some(r), Some(c)) if r.kind != c.kind.code() => {
            errors.insert("nominee", "award-nominee-kind".into());
        }
        (Some(r), Some(c)) if aw::nomination_exists(conn, id, c.code, r.id)? => {
            errors.insert("nominee", "award-nominee-taken".into());
        }
        _ => {}
    }
    let practice = match input.practice.trim() {
        "" => None,
        slug => match form.practices.iter().find(|p| p.slug == slug) {
            Some(p) => Some(p.id),
            None => {
                errors.insert("practice", "award-practice-unknown".into());
                None
            }
        },
    };
    let statement = models::storable(input.statement.trim()).into_owned();
    if statement.is_empty() {
        errors.insert("statement", "award-statement-missing".into());
    } else if statement.chars().count() > TEXT_CHARS {
        errors.insert("statement", "award-text-long".into());
    }
    let (Some(nominee), Some(cat), true) = (nominee, cat, errors.is_empty()) else { return Err(AppError::Validation(errors)) };
    write_tx(conn, |tx| {
        // Checked again inside the transaction: the day may have turned, or another focal
        // point nominated the same record meanwhile.
        require_phase(&cycle_or_404(tx, id)?, Phase::Nominating)?;
        if aw::nomination_exists(tx, id, cat.code, nominee.id)? {
            return Err(AppError::field("nominee", "award-nominee-taken"));
        }
        let new = NewNomination { cycle_id: id, category: cat.code, nominee_id: nominee.id, practice_id: practice, statement: &statement, state: &nominee.state };
        Ok(aw::insert_nomination(tx, &new, who.user.id, models::now())?)
    })
}

/// The nominator withdraws their nomination while nominations are open: it leaves the
/// jury's list and the results (the nominee is not nominated again in that category).
pub fn withdraw(conn: &mut DbConn, who: &Principal, cycle_id: i64, nid: i64) -> Result<(), AppError> {
    let (cycle, n) = nomination_in(conn, cycle_id, nid)?;
    if n.nominated_by != Some(who.user.id) {
        return Err(AppError::Forbidden);
    }
    require_phase(&cycle, Phase::Nominating)?;
    write_tx(conn, |tx| {
        require_phase(&cycle_or_404(tx, cycle_id)?, Phase::Nominating)?;
        if !aw::withdraw_nomination(tx, nid, models::now())? {
            return Err(AppError::NotFound);
        }
        audit_entry(tx, who.user.id, "award nomination withdraw", &Message::new("audit-award-cycle").arg("number", cycle_id).arg("title", cycle.title.as_str()).to_stored())?;
        Ok(())
    })
}

// ----- the jury -----

/// A nomination's page: the nomination, the criteria, the scores given (their own to a
/// juror; everyone's once published), and what this person may do.
pub struct NominationView {
    pub cycle: Cycle,
    pub phase: Phase,
    pub row: NominationRow,
    pub criteria: Vec<Criterion>,
    /// This juror's points and remarks by criterion id.
    pub mine: BTreeMap<i64, (i32, String)>,
    /// Every juror's sheet, once published or to the national focal point: (juror name, scores).
    pub sheets: Vec<(String, Vec<Score>)>,
    pub is_juror: bool,
    /// Why this juror may not score it: "own" or "conflict".
    pub barred: Option<&'static str>,
    pub may_score: bool,
    /// Its nominator, while nominations are open.
    pub may_withdraw: bool,
}

/// A nomination of the cycle, not withdrawn.
fn nomination_in(conn: &mut DbConn, cycle_id: i64, nid: i64) -> Result<(Cycle, Nomination), AppError> {
    let cycle = cycle_or_404(conn, cycle_id)?;
    match aw::find_nomination(conn, nid)? {
        Some(n) if n.cycle_id == cycle.id && n.withdrawn_at.is_none() => Ok((cycle, n)),
        _ => Err(AppError::NotFound),
    }
}

/// Why a juror may not score a nomination: they made it, or declared a conflict with it.
fn barred(conn: &mut DbConn, juror: i64, n: &Nomination) -> Result<Option<&'static str>, AppError> {
    if n.nominated_by == Some(juror) {
        return Ok(Some("own"));
    }
    let conflicted = aw::conflicts_of_cycle(conn, n.cycle_id)?.iter().any(|c| c.nomination_id == n.id && c.user_id == juror);
    Ok(conflicted.then_some("conflict"))
}

pub fn nomination_view(conn: &mut DbConn, who: Option<&Principal>, cycle_id: i64, nid: i64) -> Result<NominationView, AppError> {
    let (cycle, n) = nomination_in(conn, cycle_id, nid)?;
    let phase = phase(&cycle, &today());
    let jurors = aw::jurors(conn, cycle.id)?;
    let juror = is_juror(&jurors, who);
    if phase != Phase::Published && !may_see(who, &n, juror) {
        return Err(AppError::NotFound);
    }
    let criteria = aw::criteria(conn, cycle.id)?;
    let scores = aw::scores_of(conn, n.id)?;
    let (mut mine, mut bar) = (BTreeMap::new(), None);
    if let (Some(p), true) = (who, juror) {
        mine = scores.iter().filter(|s| s.juror_id == p.user.id).map(|s| (s.criterion_id, (s.points, s.remark.clone()))).collect();
        bar = barred(conn, p.user.id, &n)?;
    }
    let sheets = if phase == Phase::Published || who.is_some_and(is_reviewer) {
        jurors.iter().map(|(id, name)| (name.clone(), scores.iter().filter(|s| s.juror_id == *id).cloned().collect::<Vec<_>>())).filter(|(_, s)| !s.is_empty()).collect()
    } else {
        Vec::new()
    };
    Ok(NominationView {
        may_score: juror && bar.is_none() && phase == Phase::Scoring,
        may_withdraw: phase == Phase::Nominating && who.is_some_and(|p| n.nominated_by == Some(p.user.id)),
        row: row_of(conn, n)?,
        cycle,
        phase,
        criteria,
        mine,
        sheets,
        is_juror: juror,
        barred: bar,
    })
}

/// What a juror typed: points and remark per criterion, in the criteria's order.
pub type ScoreInput = Vec<(String, String)>;

/// A juror scores a nomination on every criterion (their earlier sheet is replaced).
pub fn score(conn: &mut DbConn, who: &Principal, cycle_id: i64, nid: i64, input: &ScoreInput) -> Result<(), AppError> {
    let (cycle, n) = nomination_in(conn, cycle_id, nid)?;
    if !is_juror(&aw::jurors(conn, cycle.id)?, Some(who)) {
        return Err(AppError::Forbidden);
    }
    if barred(conn, who.user.id, &n)?.is_some() {
        return Err(AppError::Forbidden);
    }
    require_phase(&cycle, Phase::Scoring)?;
    let criteria = aw::criteria(conn, cycle.id)?;
    let mut errors = FieldErrors::new();
    let mut sheet = Vec::new();
    for (i, c) in criteria.iter().enumerate().take(MAX_CRITERIA) {
        let (points, remark) = input.get(i).cloned().unwrap_or_default();
        let points = points.trim();
        match points.parse::<i32>() {
            Ok(p) if (0..=c.max_points).contains(&p) && points.bytes().all(|b| b.is_ascii_digit()) => {
                let remark = models::storable(remark.trim()).into_owned();
                if remark.chars().count() > REMARK_CHARS {
                    errors.insert(REMARK_FIELDS[i], "award-remark-long".into());
                }
                sheet.push((c.id, p, remark));
            }
            _ => {
                errors.insert(POINT_FIELDS[i], Message::new("award-points-range").arg("criterion", c.name.as_str()).arg("max", c.max_points));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_tx(conn, |tx| {
        require_phase(&cycle_or_404(tx, cycle_id)?, Phase::Scoring)?;
        aw::replace_scores(tx, n.id, who.user.id, &sheet, models::now())?;
        Ok(())
    })
}

/// A juror declares a conflict of interest with a nomination: they will not score it, and
/// any points they gave it are withdrawn.
pub fn declare_conflict(conn: &mut DbConn, who: &Principal, cycle_id: i64, nid: i64, reason: &str) -> Result<(), AppError> {
    let (cycle, n) = nomination_in(conn, cycle_id, nid)?;
    if !is_juror(&aw::jurors(conn, cycle.id)?, Some(who)) {
        return Err(AppError::Forbidden);
    }
    if phase(&cycle, &today()) == Phase::Published {
        return Err(AppError::Conflict("award-refused-published".into()));
    }
    let reason: String = models::single_line(reason.trim()).chars().take(500).collect();
    write_tx(conn, |tx| {
        if barred(tx, who.user.id, &n)?.is_none() {
            aw::insert_conflict(tx, n.id, who.user.id, &reason, models::now())?;
            aw::replace_scores(tx, n.id, who.user.id, &[], models::now())?;
        }
        Ok(())
    })
}

// ----- results -----

/// The national focal point publishes the results once nominations have closed; the
/// nominators are told by mail. Nothing in the cycle changes after.
pub fn publish(conn: &mut DbConn, env: &Env, who: &Principal, cycle_id: i64) -> Result<(), AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let cycle = cycle_or_404(conn, cycle_id)?;
    match phase(&cycle, &today()) {
        Phase::Scoring | Phase::Deliberating => {}
        Phase::Published => return Err(AppError::Conflict("award-refused-published".into())),
        _ => return Err(AppError::Conflict("award-refused-publish-early".into())),
    }
    write_tx(conn, |tx| {
        if !aw::mark_published(tx, cycle_id, who.user.id, models::now())? {
            return Err(AppError::Conflict("award-refused-published".into()));
        }
        // The ranking is kept with each nomination as it stands now: nothing changes after.
        for s in standings(tx, &cycle)?.values().flatten() {
            aw::set_place(tx, s.nomination, s.rank.and_then(|r| i32::try_from(r).ok()), place_code(s.place))?;
        }
        for n in aw::nominations(tx, cycle_id)? {
            if let Some(uid) = n.nominated_by {
                notify::notify_once(tx, env, uid, OutboxKind::AwardResults, Some(n.id), None, &format!("award.results.{}", n.id))?;
            }
        }
        audit_entry(tx, who.user.id, "award results publish", &Message::new("audit-award-results").arg("number", cycle_id).arg("title", cycle.title.as_str()).to_stored())?;
        Ok(())
    })
}

/// Tells the jury of each cycle whose nominations have closed that scoring is open, once.
/// Returns the notices queued. Run by the scheduler.
pub fn open_scoring(conn: &mut DbConn, env: &Env, now: chrono::NaiveDateTime) -> Result<usize, AppError> {
    let today = now.date().format("%Y-%m-%d").to_string();
    let mut sent = 0;
    for c in aw::due_for_scoring_mail(conn, &today)? {
        write_tx(conn, |tx| {
            if !aw::mark_scoring_mailed(tx, c.id, now)? {
                return Ok::<_, AppError>(());
            }
            for (uid, _) in aw::jurors(tx, c.id)? {
                if notify::notify_once(tx, env, uid, OutboxKind::AwardScoringOpen, Some(c.id), None, &format!("award.scoring.{}.u{uid}", c.id))? {
                    sent += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(sent)
}

fn standings(conn: &mut DbConn, cycle: &Cycle) -> Result<BTreeMap<String, Vec<Standing>>, AppError> {
    let criteria: Vec<i64> = aw::criteria(conn, cycle.id)?.iter().map(|c| c.id).collect();
    let noms: Vec<(i64, String)> = aw::nominations(conn, cycle.id)?.into_iter().map(|n| (n.id, n.category)).collect();
    let scores: Vec<(i64, i64, i64, i32)> = aw::scores_of_cycle(conn, cycle.id)?.into_iter().map(|s| (s.nomination_id, s.juror_id, s.criterion_id, s.points)).collect();
    Ok(rank(&noms, &criteria, &scores))
}

/// An award a registry record holds: a placed nomination in a published cycle naming it as
/// the nominee or as the practice it rests on.
#[derive(Debug, Clone)]
pub struct RecordAward {
    pub cycle_id: i64,
    pub year: i32,
    pub title: String,
    pub category: &'static str,
    pub place: Place,
    pub nominee: String,
}

pub fn awards_of_record(conn: &mut DbConn, record_id: i64) -> Result<Vec<RecordAward>, AppError> {
    let mut out = Vec::new();
    for n in aw::nominations_of_record(conn, record_id)? {
        let cycle = cycle_or_404(conn, n.cycle_id)?;
        if cycle.published_at.is_none() {
            continue;
        }
        let (Some(place), Some(cat)) = (place_of(&n.place), category(&n.category)) else { continue };
        let nominee = registry::find(conn, n.nominee_id)?.title;
        out.push(RecordAward { cycle_id: cycle.id, year: cycle.year, title: cycle.title, category: cat.label, place, nominee });
    }
    Ok(out)
}

// ----- exports -----

pub const CSV_HEADER: [&str; 12] = ["category", "rank", "place", "nominee_kind", "nominee", "nominee_title", "state", "practice", "practice_title", "average", "jurors", "max_total"];

fn place_of(code: &str) -> Option<Place> {
    match code {
        "winner" => Some(Place::Winner),
        "runner-up" => Some(Place::RunnerUp),
        _ => None,
    }
}

fn place_code(p: Option<Place>) -> &'static str {
    match p {
        Some(Place::Winner) => "winner",
        Some(Place::RunnerUp) => "runner-up",
        None => "",
    }
}

/// The results as CSV: one row per nomination, category by category, best first.
pub fn to_csv(v: &CycleView) -> String {
    let mut out = super::csv::Out::new();
    out.row(&CSV_HEADER);
    for cr in v.results.iter().flatten() {
        for (s, r) in &cr.rows {
            let rank = s.rank.map(|x| x.to_string()).unwrap_or_default();
            let avg = s.average.map(two_places).unwrap_or_default();
            let (ps, pt) = r.practice.as_ref().map(|p| (p.slug.as_str(), p.title.as_str())).unwrap_or(("", ""));
            let jurors = s.totals.len().to_string();
            let max = v.max_total.to_string();
            out.row(&[cr.category.code, &rank, place_code(s.place), &r.nominee.kind, &r.nominee.slug, &r.nominee.title, &r.nominee.state, ps, pt, &avg, &jurors, &max]);
        }
    }
    out.finish()
}

/// The results as JSON.
pub fn to_json(v: &CycleView) -> String {
    let categories: Vec<serde_json::Value> = v
        .results
        .iter()
        .flatten()
        .map(|cr| {
            let rows: Vec<serde_json::Value> = cr
                .rows
                .iter()
                .map(|(s, r)| {
                    serde_json::json!({
                        "rank": s.rank, "place": s.place, "nominee": { "kind": r.nominee.kind, "slug": r.nominee.slug, "title": r.nominee.title, "state": r.nominee.state },
                        "practice": r.practice.as_ref().map(|p| serde_json::json!({ "slug": p.slug, "title": p.title })),
                        "average": s.average.map(|a| (a * 100.0).round() / 100.0), "jurors": s.totals.len(),
                    })
                })
                .collect();
            serde_json::json!({ "category": cr.category.code, "nominations": rows })
        })
        .collect();
    let doc = serde_json::json!({
        "cycle": v.cycle.id, "year": v.cycle.year, "title": v.cycle.title,
        "published_at": v.cycle.published_at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "criteria": v.criteria.iter().map(|c| serde_json::json!({ "name": c.name, "description": c.description, "max_points": c.max_points })).collect::<Vec<_>>(),
        "max_total": v.max_total, "categories": categories,
    });
    serde_json::to_string_pretty(&doc).expect("json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noms(list: &[(i64, &str)]) -> Vec<(i64, String)> {
        list.iter().map(|(i, c)| (*i, c.to_string())).collect()
    }

    fn ranks(r: &BTreeMap<String, Vec<Standing>>, cat: &str) -> Vec<(i64, Option<usize>, Option<Place>)> {
        r[cat].iter().map(|s| (s.nomination, s.rank, s.place)).collect()
    }

    #[test]
    fn totals_are_summed_per_juror_and_averaged_across_jurors() {
        // Two criteria (ids 10 and 11). Nomination 1: juror 7 gives 8 + 5 = 13, juror 8 gives
        // 6 + 4 = 10, average 11.5. Nomination 2: juror 7 gives 9 + 9 = 18 only: 18.
        let scores = [(1, 7, 10, 8), (1, 7, 11, 5), (1, 8, 10, 6), (1, 8, 11, 4), (2, 7, 10, 9), (2, 7, 11, 9)];
        let r = rank(&noms(&[(1, "cluster"), (2, "cluster")]), &[10, 11], &scores);
        let list = &r["cluster"];
        assert_eq!(list[0].nomination, 2);
        assert_eq!(list[0].average, Some(18.0));
        assert_eq!(list[1].totals, vec![(7, 13), (8, 10)]);
        assert_eq!(list[1].average, Some(11.5));
        assert_eq!(two_places(list[1].average.unwrap()), "11.50");
        assert_eq!(ranks(&r, "cluster"), [(2, Some(1), Some(Place::Winner)), (1, Some(2), Some(Place::RunnerUp))]);
    }

    #[test]
    fn an_incomplete_sheet_and_points_on_other_criteria_do_not_count() {
        // Juror 8 scored only criterion 10 of nomination 1; a criterion of another cycle (99)
        // is ignored, and a repeated criterion counts once.
        let scores = [(1, 7, 10, 3), (1, 7, 11, 4), (1, 7, 99, 50), (1, 7, 10, 9), (1, 8, 10, 10)];
        let r = rank(&noms(&[(1, "cluster")]), &[10, 11], &scores);
        assert_eq!(r["cluster"][0].totals, vec![(7, 7)]);
        assert_eq!(r["cluster"][0].average, Some(7.0));
    }

    #[test]
    fn equal_averages_share_a_rank_and_the_next_rank_skips() {
        let scores = [(1, 7, 10, 5), (2, 7, 10, 9), (3, 7, 10, 5), (4, 7, 10, 2), (5, 7, 10, 1), (6, 7, 10, 8)];
        let r = rank(&noms(&[(1, "cluster"), (2, "cluster"), (3, "cluster"), (4, "cluster"), (5, "association"), (6, "association"), (7, "cluster")]), &[10], &scores);
        assert_eq!(
            ranks(&r, "cluster"),
            [(2, Some(1), Some(Place::Winner)), (1, Some(2), Some(Place::RunnerUp)), (3, Some(2), Some(Place::RunnerUp)), (4, Some(4), None), (7, None, None)]
        );
        // Each category is ranked on its own.
        assert_eq!(ranks(&r, "association"), [(6, Some(1), Some(Place::Winner)), (5, Some(2), Some(Place::RunnerUp))]);
        // Two sharing first place both win, and third is still a runner-up.
        let r = rank(&noms(&[(1, "c"), (2, "c"), (3, "c"), (4, "c")]), &[10], &[(1, 7, 10, 5), (2, 7, 10, 5), (3, 7, 10, 4), (4, 7, 10, 1)]);
        assert_eq!(ranks(&r, "c"), [(1, Some(1), Some(Place::Winner)), (2, Some(1), Some(Place::Winner)), (3, Some(3), Some(Place::RunnerUp)), (4, Some(4), None)]);
    }

    #[test]
    fn criteria_are_read_one_a_line_and_a_bad_line_is_named() {
        let c = parse_criteria("Economic benefit | 40 | Turnover and jobs gained\n\n  Social impact|30\n").unwrap();
        assert_eq!(c, vec![("Economic benefit".into(), "Turnover and jobs gained".into(), 40), ("Social impact".into(), String::new(), 30)]);
        let e = parse_criteria("Economic | 40\nSocial | lots").unwrap_err();
        assert_eq!(e.key, "award-criterion-invalid");
        assert_eq!(parse_criteria("A | 0").unwrap_err().key, "award-criterion-invalid");
        assert_eq!(parse_criteria("A | 101").unwrap_err().key, "award-criterion-invalid");
        assert_eq!(parse_criteria("  \n").unwrap_err().key, "award-criteria-count");
    }

    #[test]
    fn the_phase_follows_the_days_and_publishing() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let mut c = Cycle {
            id: 1, year: 2026, title: "x".into(), description: String::new(), categories: "cluster".into(),
            nominations_open: "2026-03-01".into(), nominations_close: "2026-03-31".into(), jury_close: "2026-04-30".into(),
            created_by: None, created_at: t, scoring_mailed_at: None, published_at: None, published_by: None,
        };
        assert_eq!(phase(&c, "2026-02-28"), Phase::Announced);
        assert_eq!(phase(&c, "2026-03-01"), Phase::Nominating);
        assert_eq!(phase(&c, "2026-03-31"), Phase::Nominating);
        assert_eq!(phase(&c, "2026-04-01"), Phase::Scoring);
        assert_eq!(phase(&c, "2026-04-30"), Phase::Scoring);
        assert_eq!(phase(&c, "2026-05-01"), Phase::Deliberating);
        c.published_at = Some(t);
        assert_eq!(phase(&c, "2026-03-15"), Phase::Published);
    }
}
