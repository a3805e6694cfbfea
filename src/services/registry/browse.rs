//! Public browsing: filtered, faceted lists, the overview and the sitemap's paths.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{self, registry};

use super::spec::Kind;
use super::vocabularies::Vocabs;

/// Filters of a public list; empty strings mean "any".
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub see_issue: String,
    #[serde(default)]
    pub br_activity: String,
    #[serde(default)]
    pub scheme: String,
    #[serde(default)]
    pub year: String,
    /// "rating": agencies by latest rating (Table 2.10), highest first.
    #[serde(default)]
    pub sort: String,
    /// Agencies whose latest rating is at least this (0-100).
    #[serde(default)]
    pub min_rating: String,
    /// Text, as the list's query string is read through a flattened struct.
    #[serde(default)]
    pub page: String,
}

impl Filters {
    pub fn get(&self, name: &str) -> &str {
        match name {
            "state" => &self.state,
            "district" => &self.district,
            "sector" => &self.sector,
            "stage" => &self.stage,
            "see_issue" => &self.see_issue,
            "br_activity" => &self.br_activity,
            "scheme" => &self.scheme,
            "year" => &self.year,
            "sort" => &self.sort,
            "min_rating" => &self.min_rating,
            _ => "",
        }
    }

    /// The query string for another page of the same list.
    pub fn query_page(&self, page: i64) -> String {
        let base = self.query_with("", "");
        if base.is_empty() { format!("page={page}") } else { format!("{base}&page={page}") }
    }

    /// The query string that reproduces these filters (first page), with one of them replaced.
    pub fn query_with(&self, name: &str, value: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for key in ["state", "district", "sector", "stage", "see_issue", "br_activity", "scheme", "year", "sort", "min_rating"] {
            let v = if key == name { value } else { self.get(key) };
            if !v.is_empty() {
                q.append_pair(key, v);
            }
        }
        q.finish()
    }
}

pub struct Facet {
    pub name: &'static str,
    pub vocab: &'static str,
    /// (code, label, count), most frequent first.
    pub counts: Vec<(String, String, usize)>,
}

pub struct Browse {
    pub kind: Kind,
    /// This page of the matching records, by title.
    pub records: Vec<registry::Record>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub facets: Vec<Facet>,
    /// Years with at least one record active in them, with counts.
    pub years: Vec<(i32, usize)>,
    pub now: NaiveDateTime,
    /// Agencies' latest ratings by record id (filled by `agency_ratings::attach`).
    pub ratings: std::collections::HashMap<i64, super::agency_ratings::Latest>,
}

pub const PER_PAGE: i64 = 50;

fn query_of(kind: Kind, filters: &Filters) -> registry::Query {
    let mut tags = Vec::new();
    for (name, value) in [("see_issue", &filters.see_issue), ("br_activity", &filters.br_activity), ("scheme", &filters.scheme)] {
        if !value.is_empty() {
            tags.push((name.to_string(), value.clone()));
        }
    }
    registry::Query {
        kind: kind.code().to_string(),
        state: filters.state.clone(),
        sector: filters.sector.clone(),
        stage: filters.stage.clone(),
        district: filters.district.trim().chars().take(100).collect(),
        year: filters.year.trim().parse().ok(),
        tags,
        min_rating: if kind == Kind::Agency { super::agency_ratings::min_rating_filter(&filters.min_rating) } else { None },
        by_rating: kind == Kind::Agency && filters.sort == "rating",
    }
}

/// Every published record of a kind matching the filters (for exports).
pub fn all_matching(conn: &mut DbConn, kind: Kind, filters: &Filters) -> Result<Vec<registry::Record>, AppError> {
    Ok(registry::find_matching(conn, &query_of(kind, filters), None, 0)?)
}

/// What a list shows depends only on this text (the kind, the filters as the database reads
/// them, the page asked for and the language of the labels), never on who asks: lists with
/// the same key show the same records and counts.
pub fn browse_key(kind: Kind, filters: &Filters, hindi: bool) -> String {
    let q = query_of(kind, filters);
    let mut key = format!("{}\n{}\n{}\n{}\n{}\n{:?}\n{}\n{}\n{:?}\n{}", q.kind, q.state, q.sector, q.stage, q.district.to_lowercase(), q.year, crate::services::page_number(Some(&filters.page)), hindi, q.min_rating, q.by_rating);
    for (vocab, code) in &q.tags {
        key.push('\n');
        key.push_str(vocab);
        key.push('=');
        key.push_str(code);
    }
    key
}

/// One page of published records matching the filters, with counts for each facet over all
/// matching records. Filtering and counting happen in the database.
pub fn browse(conn: &mut DbConn, kind: Kind, filters: &Filters, hindi: bool) -> Result<Browse, AppError> {
    let q = query_of(kind, filters);
    let facts = registry::matching_facts(conn, &q)?;
    let total: i64 = facts.iter().map(|f| f.5).sum();
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = crate::services::page_number(Some(&filters.page)).min(pages);
    let records = registry::find_matching(conn, &q, Some(PER_PAGE), crate::services::page_offset(page, PER_PAGE))?;
    let vocabs = Vocabs::load(conn)?;
    let tag_vocabs: Vec<&str> = kind.facets().iter().filter(|(n, _)| !matches!(*n, "state" | "sector" | "stage")).map(|(_, v)| *v).collect();
    // (vocab, code) -> how many matching records carry it. Over the whole kind the counts
    // come from an index; under filters, from the tags of the matching records.
    let mut tag_counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    if !tag_vocabs.is_empty() && q.is_whole_kind() {
        for (vocab, code, n) in registry::tag_counts_of_kind_in(conn, &q.kind, &tag_vocabs)? {
            tag_counts.insert((vocab, code), n);
        }
    } else if !tag_vocabs.is_empty() {
        for (vocab, code, n) in registry::tag_counts_of_matching(conn, &q, &tag_vocabs)? {
            tag_counts.insert((vocab, code), n);
        }
    }
    let mut facets = Vec::new();
    for (name, vocab) in kind.facets() {
        let counts: Vec<(String, i64)> = match *name {
            "state" | "sector" | "stage" => {
                let mut m: BTreeMap<&str, i64> = BTreeMap::new();
                for (state, sector, stage, _, _, n) in &facts {
                    let v = match *name {
                        "state" => state,
                        "sector" => sector,
                        _ => stage,
                    };
                    if !v.is_empty() {
                        *m.entry(v).or_default() += n;
                    }
                }
                m.into_iter().map(|(v, n)| (v.to_string(), n)).collect()
            }
            _ => tag_counts.iter().filter(|((v, _), _)| v == vocab).map(|((_, code), n)| (code.clone(), *n)).collect(),
        };
        let mut counts: Vec<(String, String, usize)> = counts.into_iter().map(|(c, n)| (c.clone(), vocabs.label(vocab, &c, hindi), n as usize)).collect();
        counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        facets.push(Facet { name, vocab, counts });
    }
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    if matches!(kind, Kind::Initiative | Kind::Practice) {
        for (_, _, _, start, end, n) in &facts {
            let Some(s) = *start else { continue };
            for y in s..=end.unwrap_or(s).clamp(s, s + 50) {
                *years.entry(y).or_default() += *n as usize;
            }
        }
    }
    Ok(Browse { kind, records, total, page, pages, facets, years: years.into_iter().collect(), now: models::now(), ratings: Default::default() })
}

/// The registry's front page: counts per state and kind (the map and its table), and the
/// records verified last.
pub struct Overview {
    /// (state, counts in Kind::ALL order), states with at least one record, by name.
    pub states: Vec<(String, [usize; 4])>,
    pub totals: [usize; 4],
    pub recent: Vec<registry::Record>,
}

impl Overview {
    /// How many published records of a kind a state has.
    pub fn count(&self, state: &str, kind: Kind) -> usize {
        let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.states.iter().find(|(s, _)| s == state).map_or(0, |(_, c)| c[i])
    }
}

/// The front page's data, counted in the database. It reads the same for everyone.
pub fn overview(conn: &mut DbConn) -> Result<Overview, AppError> {
    let mut by_state: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut totals = [0; 4];
    for (state, kind, n) in registry::published_counts_by_state(conn)? {
        let Some(i) = Kind::ALL.iter().position(|k| k.code() == kind) else { continue };
        by_state.entry(state).or_default()[i] += n as usize;
        totals[i] += n as usize;
    }
    let recent = registry::recently_verified(conn, 8)?;
    Ok(Overview { states: by_state.into_iter().collect(), totals, recent })
}

/// One bar of a chart of initiatives by stage: a state or a sector (code as stored, empty for
/// "not given"), its label in the reader's language, and its counts in `StageCharts::stages`
/// order.
pub struct StageRow {
    pub code: String,
    pub label: String,
    pub counts: Vec<usize>,
}

impl StageRow {
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// Published initiatives by stage, per state and per sector.
pub struct StageCharts {
    /// (code, label) of each stage in the vocabulary's order; the last is ("", "") for
    /// initiatives with no stage given, when there are any.
    pub stages: Vec<(String, String)>,
    pub by_state: Vec<StageRow>,
    pub by_sector: Vec<StageRow>,
    pub total: usize,
}

/// The charts' data: initiatives counted by state, sector and stage in the database, then
/// folded into the two charts. Rows come most first.
pub fn stage_charts(conn: &mut DbConn, hindi: bool) -> Result<StageCharts, AppError> {
    let facts = registry::published_stage_counts(conn, Kind::Initiative.code())?;
    let vocabs = Vocabs::load(conn)?;
    let mut stages: Vec<(String, String)> = vocabs
        .of("stage")
        .filter(|t| !t.retired || facts.iter().any(|(_, _, stage, _)| *stage == t.code))
        .map(|t| (t.code.clone(), t.label_in(hindi).to_string()))
        .collect();
    for (_, _, stage, _) in &facts {
        if !stage.is_empty() && !stages.iter().any(|(c, _)| c == stage) {
            stages.push((stage.clone(), stage.clone()));
        }
    }
    if facts.iter().any(|(_, _, stage, _)| stage.is_empty()) {
        stages.push((String::new(), String::new()));
    }
    let column = |stage: &str| stages.iter().position(|(c, _)| c == stage).unwrap_or(0);
    let mut states: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut sectors: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut total = 0;
    for (state, sector, stage, n) in &facts {
        let (i, n) = (column(stage), *n as usize);
        states.entry(state).or_insert_with(|| vec![0; stages.len()])[i] += n;
        sectors.entry(sector).or_insert_with(|| vec![0; stages.len()])[i] += n;
        total += n;
    }
    let rows = |m: BTreeMap<&str, Vec<usize>>, vocab: &str| {
        let mut rows: Vec<StageRow> = m.into_iter().map(|(code, counts)| StageRow { label: if code.is_empty() { String::new() } else { vocabs.label(vocab, code, hindi) }, code: code.to_string(), counts }).collect();
        rows.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.code.is_empty().cmp(&b.code.is_empty())).then_with(|| a.label.cmp(&b.label)));
        rows
    };
    let by_state = rows(states, "state");
    let by_sector = rows(sectors, "sector");
    Ok(StageCharts { stages, by_state, by_sector, total })
}

/// (path, last change) of every published record, for the sitemap.
pub fn published_paths(conn: &mut DbConn) -> Result<Vec<(String, NaiveDateTime)>, AppError> {
    Ok(registry::all_published(conn)?
        .into_iter()
        .filter_map(|r| Kind::from_code(&r.kind).map(|k| (crate::paths::registry_record(k.plural(), &r.slug), r.updated_at)))
        .collect())
}
