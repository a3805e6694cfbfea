//! Importing registry CSV. An import checks every row first and reports each problem by line
//! and column; it changes nothing until the whole file is clean, and then applies every row
//! in one transaction.

use std::collections::{HashMap, HashSet};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Message};
use crate::models::{self, content_import, registry, search_outbox};
use crate::services::accounts::Principal;

use super::csv::{field_cell, header, parse, problem, quoted, unguard, Out, Problem, QUOTE_CHARS};
use super::{self as reg, Kind, Values, Vocabs};

/// Imports of this many rows refresh the planner's statistics afterwards: on a young
/// database, PostgreSQL otherwise plans the filtered lists as if the tables were empty.
const ANALYZE_AFTER: usize = 200;

/// The largest file an import accepts.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Who brings the rows in: a focal point (rows become versions submitted for review) or the
/// portal's own seed from content/ (rows are published at once).
pub enum Importer<'a> {
    FocalPoint(&'a Principal),
    Seed,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub rows: usize,
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    /// The first `MAX_PROBLEMS` problems found.
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub more_problems: usize,
    /// True when the rows were written (not a dry run, and no problems).
    pub applied: bool,
    /// Web names of seed rows changed in their file and on the portal: the portal's stayed.
    pub conflicts: Vec<String>,
}

/// Problems listed at most: a file with a bad line on every row gets a report of bounded size.
pub const MAX_PROBLEMS: usize = 200;

impl Report {
    fn note(&mut self, p: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }

    /// Every problem found, listed or not.
    pub fn problem_count(&self) -> usize {
        self.problems.len() + self.more_problems
    }
}

enum Plan {
    Create { slug: String, values: Values },
    Update { record: registry::Record, values: Values },
}

/// May the importer know this record exists? Published records are public; an unpublished
/// one only to those who may work on it. Any other is answered for as a web name that does
/// not exist, so an import tells nobody about another state's drafts.
fn may_see(who: &Importer, r: &registry::Record, open: Option<&registry::Version>) -> bool {
    match who {
        Importer::FocalPoint(p) if !r.is_published() => reg::may_edit_record(p, r, open),
        _ => true,
    }
}

/// The records a file names by web name, with their open and published versions, read in a
/// few statements instead of several per row.
#[derive(Default)]
struct Named {
    records: HashMap<String, registry::Record>,
    open: HashMap<i64, registry::Version>,
    published: HashMap<i64, Values>,
}

impl Named {
    fn load(conn: &mut DbConn, kind: Kind, slugs: &[&str]) -> Result<Named, AppError> {
        let mut named = Named::default();
        if slugs.is_empty() {
            return Ok(named);
        }
        named.records = registry::find_by_slugs(conn, kind.code(), slugs)?.into_iter().map(|r| (r.slug.clone(), r)).collect();
        let ids: Vec<i64> = named.records.values().map(|r| r.id).collect();
        for v in registry::open_versions(conn, &ids)? {
            named.open.entry(v.record_id).or_insert(v);
        }
        named.published = registry::published_versions(conn, &ids)?.into_iter().map(|v| (v.record_id, reg::parse_values(&v.fields))).collect();
        Ok(named)
    }

    fn published_values(&self, conn: &mut DbConn, r: &registry::Record) -> Result<Option<Values>, AppError> {
        match self.published.get(&r.id) {
            Some(v) if r.is_published() => Ok(Some(v.clone())),
            _ => reg::published_values(conn, r),
        }
    }
}

/// Checks a CSV file and, unless `dry_run` or a problem was found, applies all of it.
pub fn import(conn: &mut DbConn, who: Importer, kind: Kind, text: &str, dry_run: bool) -> Result<Report, AppError> {
    if let Importer::FocalPoint(p) = &who {
        if !reg::may_draft(p) {
            return Err(AppError::Forbidden);
        }
    }
    let mut report = Report::default();
    let rows = match parse(text) {
        Ok(r) => r,
        Err(p) => {
            report.note(p);
            return Ok(report);
        }
    };
    let Some((head, body)) = rows.split_first() else {
        report.note(problem(1, 0, "", "csv-empty"));
        return Ok(report);
    };
    let names: Vec<String> = head.cells.iter().map(|c| c.trim().to_lowercase()).collect();
    let mut seen = HashSet::new();
    for (i, n) in names.iter().enumerate() {
        if n != "slug" && kind.spec(n).is_none() && !reg::READ_ONLY_COLUMNS.contains(&n.as_str()) {
            report.note(problem(head.line, i + 1, n, Message::new("csv-unknown-column").arg("column", format!("{:?}", n.chars().take(QUOTE_CHARS).collect::<String>())).arg("columns", header(kind).join(", "))));
        } else if !seen.insert(n.clone()) {
            report.note(problem(head.line, i + 1, n, "csv-column-twice"));
        }
    }
    for spec in kind.fields().iter().filter(|s| s.required) {
        if !names.iter().any(|n| n == spec.name) {
            report.note(problem(head.line, 0, spec.name, Message::new("csv-required-column").arg("column", format!("{:?}", spec.name))));
        }
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let col = |name: &str| names.iter().position(|n| n == name).map(|i| i + 1).unwrap_or(0);
    let vocabs = Vocabs::load(conn)?;
    let mut lookups = reg::Lookups::default();
    let slug_cell = names.iter().position(|n| n == "slug");
    let named_slugs: Vec<&str> = match slug_cell {
        Some(i) => body.iter().filter(|r| r.cells.len() == names.len()).map(|r| unguard(&r.cells[i]).trim()).filter(|s| !s.is_empty()).collect(),
        None => Vec::new(),
    };
    let named = Named::load(conn, kind, &named_slugs)?;
    let mut plans: Vec<Plan> = Vec::new();
    let mut slugs_in_file: HashSet<String> = HashSet::new();
    report.rows = body.len();
    for row in body {
        if row.cells.len() != names.len() {
            report.note(problem(row.line, 0, "", Message::new("csv-cell-count").arg("cells", row.cells.len()).arg("header", names.len())));
            continue;
        }
        let mut input = Values::new();
        let mut slug = String::new();
        for (name, cell) in names.iter().zip(&row.cells) {
            let cell = unguard(cell);
            if name == "slug" {
                slug = cell.trim().to_string();
            } else if kind.spec(name).is_some() {
                input.insert(name.clone(), cell.to_string());
            }
        }
        let existing = match named.records.get(&slug) {
            Some(r) if may_see(&who, r, named.open.get(&r.id)) => Some(r.clone()),
            _ => None,
        };
        if !slug.is_empty() && existing.is_none() && !reg::valid_slug(&slug) {
            report.note(problem(row.line, col("slug"), "slug", "csv-slug-invalid"));
            continue;
        }
        let previous = match &existing {
            Some(r) => named.published_values(conn, r)?,
            None => None,
        };
        let (values, errors) = reg::clean_with(conn, &vocabs, &mut lookups, kind, &input, previous.as_ref())?;
        let before = report.problem_count();
        for (field, message) in &errors {
            report.note(problem(row.line, col(field), field, message.clone()));
        }
        if let Importer::FocalPoint(p) = &who {
            if let Some(state) = values.get("state") {
                if !reg::may_draft_in(p, state) {
                    report.note(problem(row.line, col("state"), "state", Message::new("csv-state-not-yours").arg("state", quoted(state))));
                }
            }
        }
        let open = existing.as_ref().and_then(|r| named.open.get(&r.id)).cloned();
        if let Some(r) = &existing {
            let theirs = match &who {
                Importer::FocalPoint(p) => reg::may_edit_record(p, r, open.as_ref()),
                Importer::Seed => true,
            };
            if !theirs {
                report.note(problem(row.line, col("slug"), "slug", Message::new("csv-record-not-yours").arg("slug", quoted(&slug)).arg("state", &r.state)));
            } else if open.as_ref().is_some_and(|v| v.status == registry::Status::Submitted) {
                report.note(problem(row.line, col("slug"), "slug", Message::new("csv-record-waiting").arg("slug", quoted(&slug))));
            }
        }
        let planned = if slug.is_empty() { reg::title_of(&values) } else { slug.clone() };
        if !planned.is_empty() && !slugs_in_file.insert(planned.clone()) {
            report.note(problem(row.line, col("slug"), "slug", Message::new("csv-slug-twice").arg("slug", quoted(&planned))));
        }
        if report.problem_count() > before {
            continue;
        }
        match existing {
            Some(r) if previous.as_ref() == Some(&values) && open.is_none() => report.unchanged.push(r.slug),
            Some(r) => {
                report.updated.push(r.slug.clone());
                plans.push(Plan::Update { record: r, values });
            }
            None => {
                report.created.push(if slug.is_empty() { reg::title_of(&values) } else { slug.clone() });
                plans.push(Plan::Create { slug, values });
            }
        }
    }
    if !report.problems.is_empty() || dry_run {
        return Ok(report);
    }
    let author = match &who {
        Importer::FocalPoint(p) => Some(p.user.id),
        Importer::Seed => None,
    };
    let publish = matches!(who, Importer::Seed);
    let status = if publish { registry::Status::Published } else { registry::Status::Submitted };
    let created = write_tx(conn, |tx| {
        let now = models::now();
        let mut created = Vec::new();
        // New records are written together, a few statements for many rows; they wait in
        // `batch` until an update (written row by row, in file order) or the end comes.
        let mut batch: Vec<registry::NewRecord> = Vec::new();
        let flush = |tx: &mut DbConn, batch: &mut Vec<registry::NewRecord>| -> Result<(), AppError> {
            if batch.is_empty() {
                return Ok(());
            }
            let ids = registry::insert_records(tx, kind.code(), batch, status, author, now)?;
            if publish {
                search_outbox::push_many(tx, search_outbox::Kind::Record, &ids)?;
            }
            batch.clear();
            Ok(())
        };
        let mut taken: HashSet<String> = if plans.iter().any(|p| matches!(p, Plan::Create { .. })) { registry::slugs_of_kind(tx, kind.code())?.into_iter().collect() } else { HashSet::new() };
        let mut written_since_analyze = 0;
        for plan in &plans {
            match plan {
                Plan::Create { slug, values } => {
                    let slug = reg::unique_slug_by(kind, slug, &reg::title_of(values), |s| Ok(taken.contains(s)))?;
                    taken.insert(slug.clone());
                    let tags = if publish { reg::tags(kind, values) } else { Vec::new() };
                    batch.push(registry::NewRecord { slug: slug.clone(), cols: reg::columns(values), fields: reg::to_json(values), tags });
                    created.push(slug);
                }
                Plan::Update { record, values } => {
                    flush(tx, &mut batch)?;
                    if written_since_analyze >= ANALYZE_AFTER && plans.len() >= 5 * ANALYZE_AFTER {
                        // A long import into young tables: plans made for empty tables would
                        // scan them once per updated row, so the statistics are refreshed as
                        // they grow.
                        crate::db::analyze(tx, &["registry_records", "registry_versions", "registry_tags", "search_outbox"])?;
                        written_since_analyze = 0;
                    }
                    let state = values.get("state").cloned().unwrap_or_default();
                    let number = match registry::open_version(tx, record.id)? {
                        Some(v) => {
                            if !registry::update_fields(tx, v.id, v.lock_version, &reg::to_json(values), &state, registry::Status::Submitted, now)? {
                                return Err(AppError::Conflict(Message::new("csv-changed-during-import").arg("slug", &record.slug)));
                            }
                            v.number
                        }
                        None => {
                            let n = registry::last_number(tx, record.id)? + 1;
                            registry::insert_version(tx, record.id, n, &reg::to_json(values), &state, registry::Status::Submitted, author, now)?;
                            n
                        }
                    };
                    if publish {
                        let v = registry::version(tx, record.id, number)?;
                        registry::set_version_status(tx, v.id, registry::Status::Published)?;
                        reg::publish_in(tx, kind, record, number, values, None, now)?;
                    }
                }
            }
            written_since_analyze += 1;
        }
        flush(tx, &mut batch)?;
        Ok::<_, AppError>(created)
    })?;
    if plans.len() >= ANALYZE_AFTER {
        crate::db::analyze(conn, &["registry_records", "registry_versions", "registry_tags"])?;
    }
    report.created = created;
    report.applied = true;
    Ok(report)
}

/// Seeds the registry from content/registry/{clusters,agencies,initiatives,practices}.csv by
/// the rule for shipped content: a row whose record the registry lacks is published; a row
/// changed since the last import updates its record only if nobody changed the record on the
/// portal since; otherwise what people made stays, and a changed row waits for an
/// administrator as a conflict.
pub fn import_seed_dir(conn: &mut DbConn, dir: &std::path::Path) -> Result<Vec<(String, Report)>, AppError> {
    let mut out = Vec::new();
    for kind in [Kind::Cluster, Kind::Agency, Kind::Initiative, Kind::Practice] {
        let path = dir.join(format!("{}.csv", kind.plural()));
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let file = format!("registry/{}.csv", kind.plural());
        let rows = seed_rows(conn, kind, &file, &text)?;
        let mut report = import(conn, Importer::Seed, kind, &rows.text, false)?;
        if report.applied {
            for (slug, hash) in &rows.imported {
                if let Some(r) = registry::find_by_slug(conn, kind.code(), slug)? {
                    set_seed_baseline(conn, kind, slug, &file, hash, &r)?;
                }
            }
        }
        report.conflicts = rows.conflicts;
        out.push((path.display().to_string(), report));
    }
    reg::agency_ratings::import_seed(conn, &dir.join("agency-ratings.csv"))?;
    // Indicators over time and cluster ratings: shipped values first, then the baseline and
    // latest value of indicators that still have none become their series' first values.
    if let Some(report) = super::series::import_seed(conn, dir)? {
        out.push((dir.join("indicator_values.csv").display().to_string(), report));
    }
    super::series::adopt_record_values(conn)?;
    super::ratings::import_seed(conn, dir)?;
    Ok(out)
}

/// The rows of a seed file to import, and what became of the others.
#[derive(Default)]
struct SeedRows {
    /// The header and the rows to import.
    text: String,
    /// (web name, hash of its row) of the rows to import.
    imported: Vec<(String, String)>,
    /// Web names whose row and record both changed.
    conflicts: Vec<String>,
}

fn set_seed_baseline(conn: &mut DbConn, kind: Kind, slug: &str, file: &str, hash: &str, r: &registry::Record) -> Result<(), AppError> {
    let b = content_import::Baseline { kind: kind.code(), name: slug, target_id: r.id, file, file_hash: hash, revision: r.published_version.unwrap_or(0), status: "" };
    Ok(content_import::set_baseline(conn, &b)?)
}

fn seed_rows(conn: &mut DbConn, kind: Kind, file: &str, text: &str) -> Result<SeedRows, AppError> {
    let rows = parse(text).map_err(|p| AppError::BadRequest(Message { more: vec![p.message], ..Message::new("csv-line").arg("line", p.line) }))?;
    let mut out = SeedRows::default();
    let Some((head, body)) = rows.split_first() else { return Ok(out) };
    let head: Vec<&str> = head.cells.iter().map(String::as_str).collect();
    let slug_col = head.iter().position(|c| c.trim() == "slug");
    let mut text = Out::new();
    text.row(&head);
    for row in body {
        let cells: Vec<&str> = row.cells.iter().map(|c| unguard(c)).collect();
        let slug = slug_col.and_then(|i| cells.get(i)).map(|s| s.trim()).unwrap_or("");
        if slug.is_empty() {
            text.row(&cells);
            continue;
        }
        // The row alone, with its header: what is hashed, and what a conflict keeps.
        let mut one = Out::new();
        one.row(&head);
        one.row(&cells);
        let one = one.finish();
        let hash = content_import::hash_of(&one);
        let record = registry::find_by_slug(conn, kind.code(), slug)?;
        let seen = content_import::find(conn, kind.code(), slug)?;
        match (record, seen) {
            (None, _) => {
                text.row(&cells);
                out.imported.push((slug.to_string(), hash));
            }
            // A record from before the import kept records: as it is now, it is the baseline.
            (Some(r), None) => set_seed_baseline(conn, kind, slug, file, &hash, &r)?,
            (Some(_), Some(s)) if s.file_hash == hash => {
                if s.in_conflict() {
                    content_import::clear_conflict(conn, s.id)?;
                }
            }
            (Some(r), Some(s)) => {
                let untouched = r.published_version == Some(s.revision) && registry::open_version(conn, r.id)?.is_none();
                if untouched {
                    text.row(&cells);
                    out.imported.push((slug.to_string(), hash));
                } else {
                    content_import::set_conflict(conn, s.id, &hash, &one, models::now())?;
                    out.conflicts.push(slug.to_string());
                }
            }
        }
    }
    out.text = text.finish();
    Ok(out)
}

/// Publishes the seed row a conflict holds as the record's new version (an administrator's
/// choice). A record with a version open for work is refused: that work is someone's.
pub fn take_seed_row(conn: &mut DbConn, item: &content_import::ContentImport) -> Result<(), AppError> {
    let kind = Kind::from_code(&item.kind).ok_or(AppError::NotFound)?;
    let r = registry::find(conn, item.target_id)?;
    if registry::open_version(conn, r.id)?.is_some() {
        return Err(AppError::Conflict(Message::new("content-record-open").arg("slug", &r.slug)));
    }
    let report = import(conn, Importer::Seed, kind, &item.conflict_text, false)?;
    if let Some(p) = report.problems.first() {
        return Err(AppError::BadRequest(Message { more: vec![p.message.clone()], ..Message::new("csv-line").arg("line", p.line) }));
    }
    let r = registry::find(conn, item.target_id)?;
    set_seed_baseline(conn, kind, &item.name, &item.file, &item.conflict_hash, &r)
}

/// Marks a conflict resolved in the record's favour: its file's row becomes the baseline.
pub fn keep_record(conn: &mut DbConn, item: &content_import::ContentImport) -> Result<(), AppError> {
    let kind = Kind::from_code(&item.kind).ok_or(AppError::NotFound)?;
    let r = registry::find(conn, item.target_id)?;
    set_seed_baseline(conn, kind, &item.name, &item.file, &item.conflict_hash, &r)
}

/// A conflict's two sides as "column: value" lines: the record's published values and the
/// file's row, with the record's title and web address.
pub fn seed_conflict(conn: &mut DbConn, item: &content_import::ContentImport) -> Result<(String, String, String, String), AppError> {
    let kind = Kind::from_code(&item.kind).ok_or(AppError::NotFound)?;
    let r = registry::find(conn, item.target_id)?;
    let published = reg::published_values(conn, &r)?.unwrap_or_default();
    let rows = parse(&item.conflict_text).unwrap_or_default();
    let (mut portal, mut file) = (String::new(), String::new());
    if let [head, row, ..] = rows.as_slice() {
        for (name, cell) in head.cells.iter().zip(&row.cells) {
            let name = name.trim();
            if name == "slug" {
                continue;
            }
            file.push_str(&format!("{name}: {}\n", unguard(cell)));
            portal.push_str(&format!("{name}: {}\n", field_cell(kind, name, &published)));
        }
    }
    Ok((r.title.clone(), format!("/registry/{}/{}", kind.plural(), r.slug), portal, file))
}
