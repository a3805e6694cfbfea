//! ESR score cards and the selection of clusters (book §4.2.5, Tables 2.7-2.9).
//!
//! A state focal point scores one of their state's clusters on a date: for each of the seven
//! issues of the Cluster Responsibility Perceptions-based Score Card (UNIDO 2008) the
//! "existence", "diversity" (intensity) and "efforts" templates, 0-5, and the five economic
//! parameters of Table 2.8 on the six-point scale 0-5. The national focal point approves or
//! returns each card as it reviews registry versions; only approved cards count. Clusters are
//! ranked per state and per sector by their latest approved card's consolidated score, and
//! the national focal point publishes the ranking as a dated short list.
//!
//! The arithmetic (`working`) is the book's:
//! - existence and diversity: the average of the seven scores (at most 35 ÷ 7 = 5);
//! - efforts: 0 is a concrete initiative, 5 no effort, so the book inverts the score. Its
//!   worked numbers are 1 ÷ 35 ≈ 0.03 (no effort on any issue: the lowest engagement) and
//!   1 ÷ 5 = 0.2 (the highest engagement it counts), and it brings 0.2 to 5 "pro rata". So the
//!   engagement score is 5 × (1 ÷ T) ÷ 0.2 = 25 ÷ T for the efforts total T, at most 5: a
//!   total of 5 or less (down to 0, concrete initiatives on every issue) scores 5;
//! - economic: the average of the five parameters (at most 5);
//! - consolidated (Table 2.9): 20 % of existence, 25 % of intensity, 15 % of engagement and
//!   40 % of economic, at most 1.00 + 1.25 + 0.75 + 2.00 = 5.00.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Arg, FieldErrors, Message};
use crate::models::registry::{self, Record, Status};
use crate::models::score_card::{self as cards, CardText, ScoreCard, ShortList};
use crate::models::{self, user};
use crate::services::accounts::Principal;

use super::spec::Kind;
use super::vocabularies::audit_entry;
use super::workflow::{is_reviewer, may_draft, may_draft_in, Decision};

/// One of the seven issues of Table 2.7: its code, the key of its label, and the names of its
/// three scores in the form (existence, diversity, efforts).
pub struct Issue {
    pub code: &'static str,
    pub label: &'static str,
    pub fields: [&'static str; 3],
}

pub const ISSUES: [Issue; 7] = [
    Issue { code: "wages-benefits", label: "esr-issue-wages-benefits", fields: ["existence-wages-benefits", "diversity-wages-benefits", "efforts-wages-benefits"] },
    Issue { code: "collective-bargaining", label: "esr-issue-collective-bargaining", fields: ["existence-collective-bargaining", "diversity-collective-bargaining", "efforts-collective-bargaining"] },
    Issue { code: "hours-of-work", label: "esr-issue-hours-of-work", fields: ["existence-hours-of-work", "diversity-hours-of-work", "efforts-hours-of-work"] },
    Issue { code: "working-conditions", label: "esr-issue-working-conditions", fields: ["existence-working-conditions", "diversity-working-conditions", "efforts-working-conditions"] },
    Issue { code: "air-pollution", label: "esr-issue-air-pollution", fields: ["existence-air-pollution", "diversity-air-pollution", "efforts-air-pollution"] },
    Issue { code: "water-pollution", label: "esr-issue-water-pollution", fields: ["existence-water-pollution", "diversity-water-pollution", "efforts-water-pollution"] },
    Issue { code: "noise-pollution", label: "esr-issue-noise-pollution", fields: ["existence-noise-pollution", "diversity-noise-pollution", "efforts-noise-pollution"] },
];

/// The three templates of the score card, in the order of `Issue::fields`: keys of their
/// names and of what 0 and 5 mean.
pub const TEMPLATES: [(&str, &str); 3] = [("esr-existence", "esr-existence-hint"), ("esr-diversity", "esr-diversity-hint"), ("esr-efforts", "esr-efforts-hint")];

/// One economic parameter of Table 2.8: code, label key, hint key (what 5 means), form field.
pub struct Parameter {
    pub code: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub field: &'static str,
}

pub const ECONOMIC: [Parameter; 5] = [
    Parameter { code: "value-chain", label: "esr-econ-value-chain", hint: "esr-econ-value-chain-hint", field: "economic-value-chain" },
    Parameter { code: "raw-materials", label: "esr-econ-raw-materials", hint: "esr-econ-raw-materials-hint", field: "economic-raw-materials" },
    Parameter { code: "turnover", label: "esr-econ-turnover", hint: "esr-econ-turnover-hint", field: "economic-turnover" },
    Parameter { code: "exports", label: "esr-econ-exports", hint: "esr-econ-exports-hint", field: "economic-exports" },
    Parameter { code: "employment", label: "esr-econ-employment", hint: "esr-econ-employment-hint", field: "economic-employment" },
];

/// Table 2.9: the weight of each selection factor in percent (existence, intensity,
/// engagement, economic).
pub const WEIGHTS: [u32; 4] = [20, 25, 15, 40];

/// The highest score of every template and parameter.
pub const MAX_SCORE: u8 = 5;

/// A card's 26 scores, each 0-5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scores {
    pub existence: [u8; 7],
    pub diversity: [u8; 7],
    pub efforts: [u8; 7],
    pub economic: [u8; 5],
}

impl Scores {
    /// The stored form: 26 digits.
    pub fn to_digits(&self) -> String {
        self.existence.iter().chain(&self.diversity).chain(&self.efforts).chain(&self.economic).map(|d| char::from(b'0' + d)).collect()
    }

    pub fn from_digits(s: &str) -> Option<Scores> {
        let d: Vec<u8> = s.bytes().map(|b| b.wrapping_sub(b'0')).collect();
        if d.len() != 26 || d.iter().any(|x| *x > MAX_SCORE) {
            return None;
        }
        let mut out = Scores::default();
        out.existence.copy_from_slice(&d[0..7]);
        out.diversity.copy_from_slice(&d[7..14]);
        out.efforts.copy_from_slice(&d[14..21]);
        out.economic.copy_from_slice(&d[21..26]);
        Some(out)
    }

    /// The three scores of issue `i` (existence, diversity, efforts).
    pub fn of_issue(&self, i: usize) -> [u8; 3] {
        [self.existence[i], self.diversity[i], self.efforts[i]]
    }
}

/// The working of Tables 2.7-2.9 for one card, as the card's page shows it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Working {
    pub existence_total: u32,
    /// Awareness and number of BR issues: existence total ÷ 7.
    pub existence: f64,
    pub diversity_total: u32,
    /// Intensity of BR issues: diversity total ÷ 7.
    pub diversity: f64,
    pub efforts_total: u32,
    /// 1 ÷ efforts total (None when the total is 0: nothing to invert, the highest engagement).
    pub efforts_inverse: Option<f64>,
    /// Level of engagement on the 5-point scale: 25 ÷ efforts total, at most 5.
    pub engagement: f64,
    pub economic_total: u32,
    /// Economic importance: economic total ÷ 5.
    pub economic: f64,
    /// Each factor times its weight (Table 2.9), in the order of `WEIGHTS`.
    pub weighted: [f64; 4],
    /// The consolidated weighted score, at most 5.
    pub total: f64,
}

fn sum(scores: &[u8]) -> u32 {
    scores.iter().map(|s| u32::from(*s)).sum()
}

/// The book's engagement score for an efforts total (0-35): the inverse of the total brought
/// to the 5-point scale by equating 0.2 (1 ÷ 5) with 5, pro rata; never above 5.
pub fn engagement(efforts_total: u32) -> f64 {
    const HIGHEST: f64 = 1.0 / 5.0;
    if efforts_total == 0 {
        return f64::from(MAX_SCORE);
    }
    let inverse = 1.0 / f64::from(efforts_total);
    (inverse / HIGHEST * f64::from(MAX_SCORE)).min(f64::from(MAX_SCORE))
}

pub fn working(s: &Scores) -> Working {
    let (et, dt, ft, ct) = (sum(&s.existence), sum(&s.diversity), sum(&s.efforts), sum(&s.economic));
    let existence = f64::from(et) / 7.0;
    let diversity = f64::from(dt) / 7.0;
    let engagement = engagement(ft);
    let economic = f64::from(ct) / 5.0;
    let factors = [existence, diversity, engagement, economic];
    let mut weighted = [0.0; 4];
    for (i, w) in WEIGHTS.iter().enumerate() {
        weighted[i] = factors[i] * f64::from(*w) / 100.0;
    }
    Working {
        existence_total: et,
        existence,
        diversity_total: dt,
        diversity,
        efforts_total: ft,
        efforts_inverse: (ft > 0).then(|| 1.0 / f64::from(ft)),
        engagement,
        economic_total: ct,
        economic,
        weighted,
        total: weighted.iter().sum(),
    }
}

/// A score as people read it: two decimals.
pub fn two_places(x: f64) -> String {
    format!("{x:.2}")
}

/// What a focal point typed on a card's form, by field name.
#[derive(Debug, Clone, Default)]
pub struct CardInput {
    pub assessed_on: String,
    pub note: String,
    pub scores: BTreeMap<String, String>,
}

/// Every score field of the form, in the stored order.
pub fn score_fields() -> impl Iterator<Item = &'static str> {
    (0..3).flat_map(|t| ISSUES.iter().map(move |i| i.fields[t])).chain(ECONOMIC.iter().map(|p| p.field))
}

/// Every score field with the message it gets when out of range, naming the issue and
/// template, or the parameter (the form's summary lists many at once).
fn score_fields_named() -> impl Iterator<Item = (&'static str, Message)> {
    let issues = (0..3).flat_map(|t| {
        ISSUES.iter().map(move |i| (i.fields[t], Message::new("esr-issue-score-range").arg("issue", Arg::Key(i.label)).arg("template", Arg::Key(TEMPLATES[t].0))))
    });
    issues.chain(ECONOMIC.iter().map(|p| (p.field, Message::new("esr-econ-score-range").arg("parameter", Arg::Key(p.label)))))
}

const NOTE_CHARS: usize = 2000;

/// Checks a card's form: each score a whole number 0-5, the date a real day not in the future.
pub fn check(input: &CardInput, today: NaiveDate) -> Result<(String, Scores, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut digits = String::with_capacity(26);
    for (field, message) in score_fields_named() {
        let v = input.scores.get(field).map(|s| s.trim()).unwrap_or("");
        match v.parse::<u8>() {
            Ok(n) if n <= MAX_SCORE && v.bytes().all(|b| b.is_ascii_digit()) => digits.push(char::from(b'0' + n)),
            _ => {
                errors.insert(field, message);
            }
        }
    }
    let day = input.assessed_on.trim();
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) if d > today => {
            errors.insert("assessed_on", Message::new("esr-date-future"));
        }
        Ok(_) => {}
        Err(_) => {
            errors.insert("assessed_on", Message::new("esr-date-invalid"));
        }
    }
    let note = input.note.trim();
    if note.chars().count() > NOTE_CHARS {
        errors.insert("note", Message::new("esr-note-long").arg("max", NOTE_CHARS));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let scores = Scores::from_digits(&digits).expect("checked digits");
    // The date as parsed, so "2026-1-5" is stored as "2026-01-05" and sorts.
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("checked date").format("%Y-%m-%d").to_string();
    Ok((day, scores, note.to_string()))
}

/// May this person see a card that is not approved (its state's focal points, the reviewer)?
fn may_see_open(who: Option<&Principal>, card: &ScoreCard) -> bool {
    who.is_some_and(|p| may_draft(p) && may_draft_in(p, &card.state))
}

/// May this person score clusters of this state?
pub fn may_score(who: &Principal, state: &str) -> bool {
    may_draft(who) && may_draft_in(who, state)
}

fn cluster(conn: &mut DbConn, who: Option<&Principal>, slug: &str) -> Result<Record, AppError> {
    let rec = registry::find_by_slug(conn, Kind::Cluster.code(), slug)?.ok_or(AppError::NotFound)?;
    // A cluster the public cannot see has cards only its focal points can.
    if !rec.is_published() && !who.is_some_and(|p| may_score(p, &rec.state)) {
        return Err(AppError::NotFound);
    }
    Ok(rec)
}

/// A card with what its page shows.
pub struct Card {
    pub card: ScoreCard,
    pub scores: Scores,
    pub working: Working,
}

impl Card {
    fn of(card: ScoreCard) -> Card {
        let scores = Scores::from_digits(&card.scores).unwrap_or_default();
        Card { working: working(&scores), scores, card }
    }
}

/// A cluster's cards for this visitor: the approved ones, and the open ones for its focal
/// points and the reviewer.
pub struct ClusterCards {
    pub cluster: Record,
    pub cards: Vec<Card>,
    pub may_score: bool,
}

pub fn cluster_cards(conn: &mut DbConn, who: Option<&Principal>, slug: &str) -> Result<ClusterCards, AppError> {
    let cluster = cluster(conn, who, slug)?;
    let cards = cards::of_cluster(conn, cluster.id)?
        .into_iter()
        .filter(|c| c.status == Status::Published || may_see_open(who, c))
        .map(Card::of)
        .collect();
    let may_score = who.is_some_and(|p| may_score(p, &cluster.state));
    Ok(ClusterCards { cluster, cards, may_score })
}

pub struct CardView {
    pub cluster: Record,
    pub card: Card,
    pub author: Option<String>,
    pub reviewer: Option<String>,
    pub may_edit: bool,
    pub may_review: bool,
}

fn user_name(conn: &mut DbConn, id: Option<i64>) -> Option<String> {
    id.and_then(|i| user::find(conn, i).ok()).map(|u| u.name)
}

fn card_of(conn: &mut DbConn, who: Option<&Principal>, cluster: &Record, id: i64) -> Result<ScoreCard, AppError> {
    match cards::find(conn, id)? {
        Some(c) if c.cluster_id == cluster.id && (c.status == Status::Published || may_see_open(who, &c)) => Ok(c),
        _ => Err(AppError::NotFound),
    }
}

pub fn card_view(conn: &mut DbConn, who: Option<&Principal>, slug: &str, id: i64) -> Result<CardView, AppError> {
    let cluster = cluster(conn, who, slug)?;
    let card = card_of(conn, who, &cluster, id)?;
    let open = matches!(card.status, Status::Draft | Status::Returned);
    let may_edit = open && who.is_some_and(|p| may_score(p, &card.state));
    let may_review = card.status == Status::Submitted && who.is_some_and(is_reviewer);
    Ok(CardView {
        author: user_name(conn, card.author_id),
        reviewer: user_name(conn, card.reviewed_by),
        cluster,
        card: Card::of(card),
        may_edit,
        may_review,
    })
}

/// The form for a new card of this cluster (refused to those who may not score it).
pub fn new_card(conn: &mut DbConn, who: &Principal, slug: &str) -> Result<Record, AppError> {
    let cluster = cluster(conn, Some(who), slug)?;
    if !may_score(who, &cluster.state) {
        return Err(AppError::Forbidden);
    }
    Ok(cluster)
}

/// Saves a new card of a cluster, as a draft or submitted for review. Returns its id.
pub fn create(conn: &mut DbConn, who: &Principal, slug: &str, input: &CardInput, submit: bool) -> Result<i64, AppError> {
    let cluster = new_card(conn, who, slug)?;
    let (day, scores, note) = check(input, models::now().date()).map_err(AppError::Validation)?;
    let status = if submit { Status::Submitted } else { Status::Draft };
    let text = CardText { assessed_on: &day, scores: &scores.to_digits(), note: &note };
    Ok(cards::insert(conn, cluster.id, &cluster.state, &text, status, Some(who.user.id), models::now())?)
}

/// The open card for its edit form: only a draft or a returned card, by its state's focal point.
pub fn edit_card(conn: &mut DbConn, who: &Principal, slug: &str, id: i64) -> Result<CardView, AppError> {
    let v = card_view(conn, Some(who), slug, id)?;
    if !v.may_edit {
        return Err(AppError::Forbidden);
    }
    Ok(v)
}

/// Saves changes to an open card, unless it changed since the form was read (`lock`).
pub fn save(conn: &mut DbConn, who: &Principal, slug: &str, id: i64, lock: i32, input: &CardInput, submit: bool) -> Result<(), AppError> {
    edit_card(conn, who, slug, id)?;
    let (day, scores, note) = check(input, models::now().date()).map_err(AppError::Validation)?;
    let status = if submit { Status::Submitted } else { Status::Draft };
    let text = CardText { assessed_on: &day, scores: &scores.to_digits(), note: &note };
    if !cards::update(conn, id, lock, &text, status, models::now())? {
        return Err(AppError::Conflict("registry-record-changed".into()));
    }
    Ok(())
}

/// The national focal point approves a submitted card (it then counts) or returns it with a
/// comment saying what to change.
pub fn review(conn: &mut DbConn, env: &crate::services::Env, who: &Principal, slug: &str, id: i64, lock: i32, decision: Decision, comment: &str) -> Result<(), AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let cluster = cluster(conn, Some(who), slug)?;
    let card = card_of(conn, Some(who), &cluster, id)?;
    let comment: String = comment.trim().chars().take(NOTE_CHARS).collect();
    if decision == Decision::Return && comment.is_empty() {
        return Err(AppError::field("comment", "registry-return-comment"));
    }
    write_tx(conn, |tx| {
        let to = if decision == Decision::Approve { Status::Published } else { Status::Returned };
        if !cards::review(tx, card.id, lock, to, who.user.id, &comment, models::now())? {
            return Err(AppError::Conflict("registry-not-waiting".into()));
        }
        let action = if decision == Decision::Approve { "score card approve" } else { "score card return" };
        let detail = Message::new("audit-esr-card").arg("cluster", &cluster.slug).arg("date", &card.assessed_on).to_stored();
        audit_entry(tx, who.user.id, action, &detail)?;
        // The one who submitted the card hears of the decision.
        if let Some(author) = card.author_id.filter(|a| *a != who.user.id) {
            let outcome = if decision == Decision::Approve { "approved" } else { "returned" };
            let decided = crate::models::mail_outbox::SubmissionDecision { what: "score-card".into(), title: cluster.title.clone(), outcome: outcome.into(), note: comment.clone(), path: crate::paths::score_card(&cluster.slug, card.id) };
            crate::services::notify::notify(tx, env, author, crate::models::mail_outbox::OutboxKind::SubmissionDecided, Some(card.id), Some(crate::models::mail_outbox::Payload::decided(decided)))?;
        }
        Ok(())
    })
}

/// A cluster on a short list: its latest approved card's working.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub cluster: String,
    pub title: String,
    pub state: String,
    pub sector: String,
    pub card: i64,
    pub assessed_on: String,
    /// The four selection factors, each 0-5 (existence, intensity, engagement, economic).
    pub factors: [f64; 4],
    /// The factors weighted (Table 2.9).
    pub weighted: [f64; 4],
    pub total: f64,
}

impl Entry {
    /// The total in hundredths, as ranked: two clusters whose totals read the same share a rank.
    fn hundredths(&self) -> i64 {
        (self.total * 100.0).round() as i64
    }
}

/// Every published cluster with an approved card, by its latest one (assessment date, then
/// the card written last), highest consolidated score first.
pub fn ranking(conn: &mut DbConn) -> Result<Vec<Entry>, AppError> {
    let mut latest: BTreeMap<i64, ScoreCard> = BTreeMap::new();
    for c in cards::approved(conn)? {
        // Ordered newest first within each cluster: the first seen is the latest.
        latest.entry(c.cluster_id).or_insert(c);
    }
    let mut out = Vec::new();
    for (cluster_id, card) in latest {
        let rec = registry::find(conn, cluster_id)?;
        if !rec.is_published() {
            continue;
        }
        let (id, day) = (card.id, card.assessed_on.clone());
        let w = Card::of(card).working;
        out.push(Entry {
            cluster: rec.slug,
            title: rec.title,
            state: rec.state,
            sector: rec.sector,
            card: id,
            assessed_on: day,
            factors: [w.existence, w.diversity, w.engagement, w.economic],
            weighted: w.weighted,
            total: w.total,
        });
    }
    sort(&mut out);
    Ok(out)
}

fn sort(entries: &mut [Entry]) {
    entries.sort_by(|a, b| b.hundredths().cmp(&a.hundredths()).then_with(|| a.title.cmp(&b.title)));
}

/// Ranks within groups (per state, or per sector): each group's entries, highest first, with
/// their rank (equal totals to two places share one).
pub fn ranked_by<'a>(entries: &'a [Entry], key: impl Fn(&Entry) -> &str) -> Vec<(String, Vec<(usize, &'a Entry)>)> {
    let mut groups: BTreeMap<String, Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        groups.entry(key(e).to_string()).or_default().push(e);
    }
    groups
        .into_iter()
        .map(|(k, list)| {
            let ranked = list.iter().map(|e| (1 + list.iter().filter(|o| o.hundredths() > e.hundredths()).count(), *e)).collect();
            (k, ranked)
        })
        .collect()
}

/// The page of short lists: the ranking as it stands, the lists published, and the cards
/// waiting for this person (the reviewer's queue, a focal point's open cards).
pub struct ShortLists {
    pub current: Vec<Entry>,
    pub published: Vec<ShortList>,
    pub is_reviewer: bool,
    /// (card, cluster slug, cluster title)
    pub waiting: Vec<(ScoreCard, String, String)>,
}

pub fn short_lists(conn: &mut DbConn, who: Option<&Principal>) -> Result<ShortLists, AppError> {
    let reviewer = who.is_some_and(is_reviewer);
    let open = match who {
        Some(_) if reviewer => cards::submitted(conn)?,
        Some(p) if may_draft(p) => cards::open_in_states(conn, &p.roles.focal_point_states().into_iter().map(str::to_string).collect::<Vec<_>>())?,
        _ => Vec::new(),
    };
    let mut waiting = Vec::new();
    for c in open {
        let rec = registry::find(conn, c.cluster_id)?;
        waiting.push((c, rec.slug, rec.title));
    }
    Ok(ShortLists { current: ranking(conn)?, published: cards::short_lists(conn)?, is_reviewer: reviewer, waiting })
}

/// The national focal point publishes the ranking as it stands. Returns the list's number.
pub fn publish(conn: &mut DbConn, who: &Principal, note: &str) -> Result<i64, AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let note: String = note.trim().chars().take(500).collect();
    write_tx(conn, |tx| {
        let entries = ranking(tx)?;
        if entries.is_empty() {
            return Err(AppError::field("note", "esr-short-list-empty"));
        }
        let json = serde_json::to_string(&entries).expect("entries serialise");
        let id = cards::insert_short_list(tx, who.user.id, &note, &json, models::now())?;
        audit_entry(tx, who.user.id, "short list publish", &Message::new("audit-esr-short-list").arg("number", id).to_stored())?;
        Ok(id)
    })
}

/// A published short list with its entries.
pub fn short_list(conn: &mut DbConn, id: i64) -> Result<(ShortList, Vec<Entry>), AppError> {
    let list = cards::short_list(conn, id)?.ok_or(AppError::NotFound)?;
    let entries = serde_json::from_str(&list.entries).map_err(|e| AppError::Internal(format!("short list {id}: {e}")))?;
    Ok((list, entries))
}

/// The CSV columns of a short list.
pub const CSV_HEADER: [&str; 16] = [
    "rank_in_state", "rank_in_sector", "cluster", "title", "state", "sector", "assessed_on", "existence", "intensity", "engagement", "economic",
    "existence_weighted", "intensity_weighted", "engagement_weighted", "economic_weighted", "total",
];

/// A short list as CSV: one row per cluster, highest total first, with its rank in its state
/// and in its sector.
pub fn to_csv(entries: &[Entry]) -> String {
    let rank_in = |key: fn(&Entry) -> &str| -> BTreeMap<String, usize> {
        ranked_by(entries, key).into_iter().flat_map(|(_, l)| l.into_iter().map(|(r, e)| (e.cluster.clone(), r))).collect()
    };
    let (by_state, by_sector) = (rank_in(|e| &e.state), rank_in(|e| &e.sector));
    let mut out = super::csv::Out::new();
    out.row(&CSV_HEADER);
    for e in entries {
        let mut cells = vec![by_state[&e.cluster].to_string(), by_sector[&e.cluster].to_string(), e.cluster.clone(), e.title.clone(), e.state.clone(), e.sector.clone(), e.assessed_on.clone()];
        cells.extend(e.factors.iter().chain(&e.weighted).map(|x| two_places(*x)));
        cells.push(two_places(e.total));
        out.row(&cells.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out.finish()
}

/// A short list as JSON: when and the entries, numbers to two places.
pub fn to_json(list: &ShortList, entries: &[Entry]) -> String {
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "cluster": e.cluster, "title": e.title, "state": e.state, "sector": e.sector, "assessed_on": e.assessed_on,
                "existence": round(e.factors[0]), "intensity": round(e.factors[1]), "engagement": round(e.factors[2]), "economic": round(e.factors[3]),
                "weighted": e.weighted.map(round), "total": round(e.total),
            })
        })
        .collect();
    let doc = serde_json::json!({ "short_list": list.id, "published_at": list.published_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(), "note": list.note, "clusters": items });
    serde_json::to_string_pretty(&doc).expect("json")
}

/// Seeds approved cards from content/registry/score_cards.csv (columns cluster, assessed_on,
/// existence, diversity, efforts, economic, note; each score column the issues' scores in the
/// order of `ISSUES` or `ECONOMIC`, separated by spaces). A card is added once per cluster and
/// day; a cluster the registry lacks, or a row that does not check, is reported and skipped.
/// Returns the number added and the problems (line, what).
pub fn import_seed(conn: &mut DbConn, path: &std::path::Path) -> Result<(usize, Vec<(usize, String)>), AppError> {
    let Ok(text) = std::fs::read_to_string(path) else { return Ok((0, Vec::new())) };
    let rows = super::csv::parse(&text).map_err(|p| AppError::BadRequest(Message::new("csv-line").arg("line", p.line)))?;
    let mut added = 0;
    let mut problems = Vec::new();
    for row in rows.iter().skip(1) {
        let cell = |i: usize| row.cells.get(i).map(|c| super::csv::unguard(c).trim()).unwrap_or("");
        let mut input = CardInput { assessed_on: cell(1).to_string(), note: cell(6).to_string(), scores: BTreeMap::new() };
        let columns: [Vec<&str>; 4] = [2, 3, 4, 5].map(|i| cell(i).split_whitespace().collect());
        for (t, col) in columns.iter().enumerate().take(3) {
            for (i, issue) in ISSUES.iter().enumerate() {
                input.scores.insert(issue.fields[t].to_string(), col.get(i).copied().unwrap_or("").to_string());
            }
        }
        for (i, p) in ECONOMIC.iter().enumerate() {
            input.scores.insert(p.field.to_string(), columns[3].get(i).copied().unwrap_or("").to_string());
        }
        let Some(rec) = registry::find_by_slug(conn, Kind::Cluster.code(), cell(0))? else {
            problems.push((row.line, format!("no cluster {}", cell(0))));
            continue;
        };
        let (day, scores, note) = match check(&input, models::now().date()) {
            Ok(ok) => ok,
            Err(e) => {
                problems.push((row.line, format!("{} does not check", e.keys().copied().collect::<Vec<_>>().join(", "))));
                continue;
            }
        };
        if cards::exists_on(conn, rec.id, &day)? {
            continue;
        }
        let text = CardText { assessed_on: &day, scores: &scores.to_digits(), note: &note };
        // Approved as shipped, by nobody, like the registry's seed rows.
        cards::insert(conn, rec.id, &rec.state, &text, Status::Published, None, models::now())?;
        added += 1;
    }
    Ok((added, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(existence: [u8; 7], diversity: [u8; 7], efforts: [u8; 7], economic: [u8; 5]) -> Scores {
        Scores { existence, diversity, efforts, economic }
    }

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_book_s_maxima_add_up_to_five() {
        // Table 2.7: every issue at 5 is 35, an average of 5; Table 2.8: five parameters at 5
        // average 5; with concrete initiatives everywhere (efforts 0) engagement is 5.
        let w = working(&card([5; 7], [5; 7], [0; 7], [5; 5]));
        assert_eq!((w.existence_total, w.diversity_total, w.economic_total), (35, 35, 25));
        assert!(near(w.existence, 5.0) && near(w.diversity, 5.0) && near(w.engagement, 5.0) && near(w.economic, 5.0));
        // Table 2.9: 1.00, 1.25, 0.75, 2.00 and 5.00.
        let shown: Vec<String> = w.weighted.iter().map(|x| two_places(*x)).collect();
        assert_eq!(shown, ["1.00", "1.25", "0.75", "2.00"]);
        assert_eq!(two_places(w.total), "5.00");
    }

    #[test]
    fn efforts_are_inverted_and_brought_back_to_five_points_as_the_book_says() {
        // No effort on any issue: the total is 35 and its inverse "approximately 0.03 (1÷35)",
        // the lowest engagement, which pro rata to 0.2 = 5 is 25 ÷ 35.
        let none = working(&card([0; 7], [0; 7], [5; 7], [0; 5]));
        assert_eq!(none.efforts_total, 35);
        assert_eq!(format!("{:.2}", none.efforts_inverse.unwrap()), "0.03");
        assert!(near(none.engagement, 25.0 / 35.0));
        assert_eq!(two_places(none.engagement), "0.71");
        // "1÷5": an inverse of 0.2 is the highest engagement, 5.
        assert!(near(engagement(5), 5.0));
        assert_eq!(working(&card([0; 7], [0; 7], [1, 1, 1, 1, 1, 0, 0], [0; 5])).efforts_inverse, Some(0.2));
        // In between, pro rata: a total of 10 is 0.1, half of 0.2, so 2.5; more effort (a
        // lower total) never scores lower, and nothing passes 5.
        assert!(near(engagement(10), 2.5));
        let all: Vec<f64> = (0..=35).map(engagement).collect();
        assert!(all.windows(2).all(|w| w[0] >= w[1]), "{all:?}");
        assert!(all.iter().all(|e| *e <= 5.0 && *e > 0.7));
        assert!(near(engagement(0), 5.0) && near(engagement(3), 5.0));
    }

    #[test]
    fn a_mixed_card_works_out_factor_by_factor() {
        // Existence 4,3,3,4,5,2,3 = 24 (3.43); diversity 3,2,3,4,5,2,3 = 22 (3.14);
        // efforts 3,4,3,2,1,4,4 = 21 (inverse 0.048, engagement 25/21 = 1.19);
        // economic 4,2,4,1,3 = 14 (2.80).
        let w = working(&card([4, 3, 3, 4, 5, 2, 3], [3, 2, 3, 4, 5, 2, 3], [3, 4, 3, 2, 1, 4, 4], [4, 2, 4, 1, 3]));
        assert_eq!((w.existence_total, w.diversity_total, w.efforts_total, w.economic_total), (24, 22, 21, 14));
        assert!(near(w.existence, 24.0 / 7.0) && near(w.diversity, 22.0 / 7.0) && near(w.engagement, 25.0 / 21.0) && near(w.economic, 2.8));
        assert!(near(w.weighted[0], 0.2 * 24.0 / 7.0));
        assert!(near(w.weighted[1], 0.25 * 22.0 / 7.0));
        assert!(near(w.weighted[2], 0.15 * 25.0 / 21.0));
        assert!(near(w.weighted[3], 0.4 * 2.8));
        assert!(near(w.total, w.weighted.iter().sum()));
        // 0.69 + 0.79 + 0.18 + 1.12
        assert_eq!(w.weighted.map(two_places), ["0.69", "0.79", "0.18", "1.12"]);
        assert_eq!(two_places(w.total), "2.77");
    }

    #[test]
    fn scores_round_trip_through_their_digits() {
        let s = card([4, 3, 3, 4, 5, 2, 3], [3, 2, 3, 4, 5, 2, 3], [3, 4, 3, 2, 1, 4, 4], [4, 2, 4, 1, 3]);
        assert_eq!(s.to_digits(), "43345233234523343214442413"[..26].to_string());
        assert_eq!(Scores::from_digits(&s.to_digits()), Some(s));
        assert_eq!(Scores::from_digits("6"), None);
        assert_eq!(Scores::from_digits(&"6".repeat(26)), None);
    }

    #[test]
    fn out_of_range_scores_and_bad_dates_are_named_field_by_field() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let mut input = CardInput { assessed_on: "2026-12-01".into(), ..Default::default() };
        for f in score_fields() {
            input.scores.insert(f.into(), "3".into());
        }
        assert!(check(&input, today).is_ok());
        input.scores.insert("efforts-noise-pollution".into(), "6".into());
        input.scores.insert("economic-exports".into(), "2.5".into());
        input.scores.insert("existence-wages-benefits".into(), "-1".into());
        input.scores.remove("diversity-air-pollution");
        input.assessed_on = "2026-12-09".into();
        let e = check(&input, today).unwrap_err();
        let named: Vec<&str> = e.keys().copied().collect();
        assert_eq!(named, ["assessed_on", "diversity-air-pollution", "economic-exports", "efforts-noise-pollution", "existence-wages-benefits"]);
        input.assessed_on = "1 Dec".into();
        assert_eq!(check(&input, today).unwrap_err()["assessed_on"].key, "esr-date-invalid");
        assert_eq!(e["efforts-noise-pollution"].key, "esr-issue-score-range");
        assert_eq!(e["economic-exports"].key, "esr-econ-score-range");
    }

    fn entry(slug: &str, state: &str, sector: &str, total: f64) -> Entry {
        Entry { cluster: slug.into(), title: slug.into(), state: state.into(), sector: sector.into(), card: 1, assessed_on: "2026-01-01".into(), factors: [0.0; 4], weighted: [0.0; 4], total }
    }

    #[test]
    fn clusters_rank_per_state_and_per_sector_equal_totals_sharing_a_rank() {
        let mut all = vec![entry("a", "Punjab", "Foundry", 2.5), entry("b", "Punjab", "Foundry", 3.1), entry("c", "Punjab", "Sports", 2.5), entry("d", "Haryana", "Foundry", 4.0)];
        sort(&mut all);
        assert_eq!(all.iter().map(|e| e.cluster.as_str()).collect::<Vec<_>>(), ["d", "b", "a", "c"]);
        let states = ranked_by(&all, |e| &e.state);
        let punjab: Vec<(usize, &str)> = states[1].1.iter().map(|(r, e)| (*r, e.cluster.as_str())).collect();
        assert_eq!(states[1].0, "Punjab");
        assert_eq!(punjab, [(1, "b"), (2, "a"), (2, "c")]);
        let sectors = ranked_by(&all, |e| &e.sector);
        let foundry: Vec<(usize, &str)> = sectors[0].1.iter().map(|(r, e)| (*r, e.cluster.as_str())).collect();
        assert_eq!(foundry, [(1, "d"), (2, "b"), (3, "a")]);
        let csv = to_csv(&all);
        assert!(csv.starts_with("rank_in_state,rank_in_sector,cluster,"), "{csv}");
        assert!(csv.contains("\r\n2,3,a,a,Punjab,Foundry,2026-01-01,"), "{csv}");
    }
}
