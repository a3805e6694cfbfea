//! CSV and JSON for the registry. Exports write the same columns an import reads, so a file
//! taken out can be edited in a spreadsheet and brought back. An import checks every row
//! first and reports each problem by line and column; it changes nothing until the whole
//! file is clean, and then applies every row in one transaction.

use std::collections::{BTreeMap, HashSet};

use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::models::{self, registry};
use crate::services::accounts::Principal;
use crate::services::registry::{self as reg, Filters, Input, Kind, Values, Vocabs};

/// Imports of this many rows refresh the planner's statistics afterwards: on a young
/// database, PostgreSQL otherwise plans the filtered lists as if the tables were empty.
const ANALYZE_AFTER: usize = 200;

/// The largest file an import accepts.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// One parsed CSV record: the line it starts on and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub line: usize,
    /// 1-based; 0 when the problem is with the row as a whole.
    pub column: usize,
    pub header: String,
    pub message: String,
}

/// Names and messages quote what the file holds at most this far.
const QUOTE_CHARS: usize = 80;

fn problem(line: usize, column: usize, header: &str, message: impl Into<String>) -> Problem {
    let message: String = message.into();
    let message = if message.chars().count() > 8 * QUOTE_CHARS { format!("{}…", message.chars().take(8 * QUOTE_CHARS).collect::<String>()) } else { message };
    Problem { line, column, header: header.chars().take(QUOTE_CHARS).collect(), message }
}

/// Parses RFC 4180 CSV (commas, double quotes, quoted line breaks, CRLF or LF, an optional
/// byte-order mark). Blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Row>, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut row_line = 1;
    let mut column = 1;
    let mut chars = text.chars().peekable();
    let mut quoted_from: Option<usize> = None;
    let mut after_quote = false;
    let end_row = |cells: &mut Vec<String>, cell: &mut String, row_line: usize, rows: &mut Vec<Row>| {
        cells.push(std::mem::take(cell));
        if !(cells.len() == 1 && cells[0].is_empty()) {
            rows.push(Row { line: row_line, cells: std::mem::take(cells) });
        }
        cells.clear();
    };
    while let Some(c) = chars.next() {
        if quoted_from.is_some() {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => {
                    quoted_from = None;
                    after_quote = true;
                }
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                // Inside quotes every character is kept, carriage returns too; the checks
                // of each field normalise line ends.
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                cells.push(std::mem::take(&mut cell));
                column += 1;
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                end_row(&mut cells, &mut cell, row_line, &mut rows);
                line += 1;
                row_line = line;
                column = 1;
                after_quote = false;
            }
            '"' if cell.is_empty() && !after_quote => quoted_from = Some(line),
            _ if after_quote => {
                return Err(problem(line, column, "", "Text follows a closing quote; put the whole cell in quotes and double any quote inside it."));
            }
            '"' => return Err(problem(line, column, "", "A quote inside a cell that does not start with one; put the whole cell in quotes and double the quote.")),
            _ => cell.push(c),
        }
    }
    if let Some(start) = quoted_from {
        return Err(problem(start, column, "", "A quoted cell is never closed."));
    }
    if !cell.is_empty() || !cells.is_empty() {
        end_row(&mut cells, &mut cell, row_line, &mut rows);
    }
    Ok(rows)
}

const FORMULA_START: [char; 5] = ['=', '+', '-', '@', '\t'];

/// Does a spreadsheet read this cell (after any apostrophes) as a formula?
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// Spreadsheets run cells that start like a formula; such cells are written with one more
/// leading apostrophe, which the import removes again (so "'=x" survives too).
fn guard(cell: &str) -> String {
    if formula_like(cell) { format!("'{cell}") } else { cell.to_string() }
}

/// The cell as it was before `guard`.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

fn write_cell(out: &mut String, cell: &str) {
    let cell = guard(cell);
    // A leading byte-order mark would be taken for the file's own if the cell came first.
    if cell.contains([',', '"', '\n', '\r']) || cell.starts_with([' ', '\u{feff}']) || cell.ends_with(' ') {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&cell);
    }
}

pub fn write_row(out: &mut String, cells: &[&str]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_cell(out, c);
    }
    out.push_str("\r\n");
}

/// The columns of a kind's CSV: the web name, every field, then read-only columns.
pub fn header(kind: Kind) -> Vec<&'static str> {
    std::iter::once("slug").chain(kind.fields().iter().map(|s| s.name)).chain(reg::READ_ONLY_COLUMNS.iter().copied()).collect()
}

/// Published records matching the filters, with their values.
pub fn exported(conn: &mut DbConn, kind: Kind, filters: &Filters) -> Result<Vec<(registry::Record, Values)>, AppError> {
    let records = reg::all_matching(conn, kind, filters)?;
    let mut fields: BTreeMap<i64, String> = registry::published_fields(conn, kind.code())?.into_iter().collect();
    Ok(records.into_iter().map(|r| {
        let v = reg::parse_values(&fields.remove(&r.id).unwrap_or_default());
        (r, v)
    }).collect())
}

pub fn to_csv(kind: Kind, base_url: &str, rows: &[(registry::Record, Values)]) -> String {
    let mut out = String::new();
    let head = header(kind);
    write_row(&mut out, &head);
    for (r, v) in rows {
        let url = format!("{base_url}/registry/{}/{}", kind.plural(), r.slug);
        let verified = r.verified_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let cells: Vec<&str> = head
            .iter()
            .map(|h| match *h {
                "slug" => r.slug.as_str(),
                "url" => url.as_str(),
                "verified_at" => verified.as_str(),
                name => v.get(name).map(String::as_str).unwrap_or(""),
            })
            .collect();
        write_row(&mut out, &cells);
    }
    out
}

fn json_value(input: Input, text: &str) -> serde_json::Value {
    use serde_json::Value as J;
    match input {
        Input::Count | Input::Year => text.parse::<i64>().map(J::from).unwrap_or(J::Null),
        Input::Number(_) => text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(J::Number).unwrap_or(J::Null),
        Input::Terms(_) | Input::Pages | Input::Threads => J::Array(reg::multi_values(text).into_iter().map(J::from).collect()),
        Input::Indicators => J::Array(
            text.lines()
                .map(|l| {
                    let p: Vec<&str> = l.split('|').map(str::trim).collect();
                    let num = |s: Option<&&str>| s.and_then(|v| v.parse::<f64>().ok()).and_then(serde_json::Number::from_f64).map(J::Number).unwrap_or(J::Null);
                    serde_json::json!({ "name": p[0], "baseline": num(p.get(1)), "latest": num(p.get(2)), "unit": p.get(3).copied().unwrap_or("") })
                })
                .collect(),
        ),
        _ => J::from(text),
    }
}

pub fn to_json(kind: Kind, base_url: &str, rows: &[(registry::Record, Values)]) -> String {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|(r, v)| {
            let mut m = serde_json::Map::new();
            m.insert("kind".into(), kind.code().into());
            m.insert("slug".into(), r.slug.clone().into());
            m.insert("url".into(), format!("{base_url}/registry/{}/{}", kind.plural(), r.slug).into());
            m.insert("verified_at".into(), r.verified_at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()).into());
            for spec in kind.fields() {
                if let Some(text) = v.get(spec.name) {
                    m.insert(spec.name.into(), json_value(spec.input, text));
                }
            }
            serde_json::Value::Object(m)
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("json")
}

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
fn may_see(conn: &mut DbConn, who: &Importer, r: &registry::Record) -> Result<bool, AppError> {
    Ok(match who {
        Importer::FocalPoint(p) if !r.is_published() => reg::may_edit_record(p, r, registry::open_version(conn, r.id)?.as_ref()),
        _ => true,
    })
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
        report.note(problem(1, 0, "", "The file is empty; the first line must name the columns."));
        return Ok(report);
    };
    let names: Vec<String> = head.cells.iter().map(|c| c.trim().to_lowercase()).collect();
    let mut seen = HashSet::new();
    for (i, n) in names.iter().enumerate() {
        if n != "slug" && kind.spec(n).is_none() && !reg::READ_ONLY_COLUMNS.contains(&n.as_str()) {
            report.note(problem(head.line, i + 1, n, format!("Unknown column {:?}; the columns are: {}.", n.chars().take(QUOTE_CHARS).collect::<String>(), header(kind).join(", "))));
        } else if !seen.insert(n.clone()) {
            report.note(problem(head.line, i + 1, n, "This column appears twice."));
        }
    }
    for spec in kind.fields().iter().filter(|s| s.required) {
        if !names.iter().any(|n| n == spec.name) {
            report.note(problem(head.line, 0, spec.name, format!("The required column {:?} is missing.", spec.name)));
        }
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let col = |name: &str| names.iter().position(|n| n == name).map(|i| i + 1).unwrap_or(0);
    let vocabs = Vocabs::load(conn)?;
    let mut plans: Vec<Plan> = Vec::new();
    let mut slugs_in_file: HashSet<String> = HashSet::new();
    report.rows = body.len();
    for row in body {
        if row.cells.len() != names.len() {
            report.note(problem(row.line, 0, "", format!("This row has {} cells; the header has {}.", row.cells.len(), names.len())));
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
        let existing = if slug.is_empty() { None } else { registry::find_by_slug(conn, kind.code(), &slug)? };
        let existing = match existing {
            Some(r) if may_see(conn, &who, &r)? => Some(r),
            _ => None,
        };
        if !slug.is_empty() && existing.is_none() && !reg::valid_slug(&slug) {
            report.note(problem(row.line, col("slug"), "slug", "A web name has lowercase letters, digits and hyphens."));
            continue;
        }
        let previous = match &existing {
            Some(r) => reg::published_values(conn, r)?,
            None => None,
        };
        let (values, errors) = reg::clean(conn, &vocabs, kind, &input, previous.as_ref())?;
        let before = report.problem_count();
        for (field, message) in &errors {
            report.note(problem(row.line, col(field), field, message.clone()));
        }
        if let Importer::FocalPoint(p) = &who {
            if let Some(state) = values.get("state") {
                if !reg::may_draft_in(p, state) {
                    report.note(problem(row.line, col("state"), "state", format!("You keep the registry for other states, not {state}.")));
                }
            }
        }
        let open = match &existing {
            Some(r) => registry::open_version(conn, r.id)?,
            None => None,
        };
        if let Some(r) = &existing {
            let theirs = match &who {
                Importer::FocalPoint(p) => reg::may_edit_record(p, r, open.as_ref()),
                Importer::Seed => true,
            };
            if !theirs {
                report.note(problem(row.line, col("slug"), "slug", format!("{slug} belongs to {}, which you do not keep.", r.state)));
            } else if open.as_ref().is_some_and(|v| v.status == registry::SUBMITTED) {
                report.note(problem(row.line, col("slug"), "slug", format!("{slug} is waiting for review; an import cannot replace it now.")));
            }
        }
        let planned = if slug.is_empty() { reg::title_of(&values) } else { slug.clone() };
        if !planned.is_empty() && !slugs_in_file.insert(planned.clone()) {
            report.note(problem(row.line, col("slug"), "slug", format!("{planned} appears twice in this file.")));
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
    let status = if publish { registry::PUBLISHED } else { registry::SUBMITTED };
    let created = write_tx(conn, |tx| {
        let now = models::now();
        let mut created = Vec::new();
        for (i, plan) in plans.iter().enumerate() {
            if i > 0 && i % ANALYZE_AFTER == 0 && plans.len() >= 5 * ANALYZE_AFTER {
                // A long import into young tables: plans made for empty tables would scan them
                // once per row, so the statistics are refreshed as they grow.
                crate::db::analyze(tx, &["registry_records", "registry_versions", "registry_tags", "search_outbox"])?;
            }
            let (rec, number, values) = match plan {
                Plan::Create { slug, values } => {
                    let slug = reg::unique_slug(tx, kind, slug, &reg::title_of(values))?;
                    let cols = reg::columns(values);
                    let id = registry::insert_record(tx, kind.code(), &slug, &cols, author, now)?;
                    registry::insert_version(tx, id, 1, &reg::to_json(values), &cols.state, status, author, now)?;
                    created.push(slug);
                    (registry::find(tx, id)?, 1, values)
                }
                Plan::Update { record, values } => {
                    let state = values.get("state").cloned().unwrap_or_default();
                    let number = match registry::open_version(tx, record.id)? {
                        Some(v) => {
                            if !registry::update_fields(tx, v.id, v.lock_version, &reg::to_json(values), &state, registry::SUBMITTED, now)? {
                                return Err(AppError::Conflict(format!("{} changed during the import; nothing was imported.", record.slug)));
                            }
                            v.number
                        }
                        None => {
                            let n = registry::last_number(tx, record.id)? + 1;
                            registry::insert_version(tx, record.id, n, &reg::to_json(values), &state, registry::SUBMITTED, author, now)?;
                            n
                        }
                    };
                    if publish {
                        let v = registry::version(tx, record.id, number)?;
                        registry::set_version_status(tx, v.id, registry::PUBLISHED)?;
                    }
                    (record.clone(), number, values)
                }
            };
            if publish {
                reg::publish_in(tx, kind, &rec, number, values, None, now)?;
            }
        }
        Ok::<_, AppError>(created)
    })?;
    if plans.len() >= ANALYZE_AFTER {
        crate::db::analyze(conn, &["registry_records", "registry_versions", "registry_tags"])?;
    }
    report.created = created;
    report.applied = true;
    Ok(report)
}

/// Seeds the registry from content/registry/{clusters,agencies,initiatives,practices}.csv:
/// rows whose web name is not yet in the registry are published; others are left as the
/// focal points have made them.
pub fn import_seed_dir(conn: &mut DbConn, dir: &std::path::Path) -> Result<Vec<(String, Report)>, AppError> {
    let mut out = Vec::new();
    for kind in [Kind::Cluster, Kind::Agency, Kind::Initiative, Kind::Practice] {
        let path = dir.join(format!("{}.csv", kind.plural()));
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let filtered = only_new_rows(conn, kind, &text)?;
        let report = import(conn, Importer::Seed, kind, &filtered, false)?;
        out.push((path.display().to_string(), report));
    }
    Ok(out)
}

/// The header and the rows whose web name the registry does not have yet.
fn only_new_rows(conn: &mut DbConn, kind: Kind, text: &str) -> Result<String, AppError> {
    let rows = parse(text).map_err(|p| AppError::BadRequest(format!("line {}: {}", p.line, p.message)))?;
    let Some((head, body)) = rows.split_first() else { return Ok(String::new()) };
    let slug_col = head.cells.iter().position(|c| c.trim() == "slug");
    let mut out = String::new();
    write_row(&mut out, &head.cells.iter().map(String::as_str).collect::<Vec<_>>());
    for row in body {
        let slug = slug_col.and_then(|i| row.cells.get(i)).map(|s| s.trim()).unwrap_or("");
        if !slug.is_empty() && registry::find_by_slug(conn, kind.code(), slug)?.is_some() {
            continue;
        }
        write_row(&mut out, &row.cells.iter().map(|c| unguard(c)).collect::<Vec<_>>());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quotes_line_breaks_and_reports_positions() {
        let rows = parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\nthere\"\n\n1,2").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells, vec!["x, y".to_string(), "say \"hi\"\nthere".to_string()]);
        assert_eq!(rows[2].line, 5);
        let err = parse("a,b\n1,x\"y\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 2));
        let err = parse("a\n\"open\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn written_cells_read_back_the_same() {
        let cells = ["plain", "with, comma", "quote \"q\"", "line\nbreak", "=SUM(A1)", "-5", " padded ", "'=kept", "'plain", "\u{feff}bom"];
        let mut out = String::new();
        // First on the line, as the first cell of a file would be.
        write_row(&mut out, &cells[cells.len() - 1..]);
        write_row(&mut out, &cells);
        let rows = parse(&out).unwrap();
        assert_eq!(rows[0].cells, vec!["\u{feff}bom".to_string()], "a leading mark in a cell is not the file's");
        let back: Vec<&str> = rows[1].cells.iter().map(|c| unguard(c)).collect();
        assert_eq!(back, cells);
    }
}
