//! Indicators over time: each indicator an initiative lists becomes a dated series (baseline,
//! then quarterly or yearly values over the three-year frame of Figure 2.3, 001:5431-5503),
//! each value with its date and source. Those who may edit the initiative enter values one at
//! a time or bring a long-format CSV (`indicator_values.csv`) back in.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::series::{self as store, IndicatorValue, Written};
use crate::models::{self, registry};
use crate::services::accounts::Principal;

use super::csv::{parse, problem, quoted, unguard, Out, QUOTE_CHARS};
use super::import::{Importer, Report};
use super::values::{format_number, indicators, parse_number, parse_values, Values};
use super::workflow::{latest_values, may_draft, may_edit_record, may_work_on};
use super::Kind;

/// One dated value of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
    pub source: String,
}

/// An indicator the initiative lists, with its dated values, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub unit: String,
    pub points: Vec<Point>,
}

/// The columns of `indicator_values.csv`, which the import reads back.
pub const COLUMNS: [&str; 5] = ["initiative", "indicator", "date", "value", "source"];

/// The longest source a value keeps.
const SOURCE_CHARS: usize = 300;

fn point(v: &IndicatorValue) -> Option<Point> {
    Some(Point { date: NaiveDate::parse_from_str(&v.observed_on, "%Y-%m-%d").ok()?, value: v.value, source: v.source.clone() })
}

/// The series of each indicator the record's values list, in their order; values stored for
/// an indicator the record no longer lists are not shown.
pub fn series_of(conn: &mut DbConn, record_id: i64, values: &Values) -> Result<Vec<Series>, AppError> {
    let listed = indicators(values.get("indicators").map(String::as_str).unwrap_or(""));
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_name: HashMap<String, Vec<Point>> = HashMap::new();
    for v in store::values_of(conn, &[record_id])? {
        if let Some(p) = point(&v) {
            by_name.entry(v.indicator).or_default().push(p);
        }
    }
    Ok(listed.into_iter().map(|i| Series { points: by_name.remove(&i.name).unwrap_or_default(), name: i.name, unit: i.unit }).collect())
}

/// Values by record id and indicator name, for the JSON export's nested arrays.
pub type ByRecord = HashMap<i64, BTreeMap<String, Vec<IndicatorValue>>>;

pub fn by_record(conn: &mut DbConn, record_ids: &[i64]) -> Result<ByRecord, AppError> {
    let mut out = ByRecord::new();
    for v in store::values_of(conn, record_ids)? {
        out.entry(v.record_id).or_default().entry(v.indicator.clone()).or_default().push(v);
    }
    Ok(out)
}

/// The names of the indicators a record lists now (its newest version, or the one open for work).
fn listed_names(conn: &mut DbConn, rec: &registry::Record, open: Option<&registry::Version>) -> Result<Vec<String>, AppError> {
    let values = match open {
        Some(v) => parse_values(&v.fields),
        None => latest_values(conn, rec)?,
    };
    Ok(indicators(values.get("indicators").map(String::as_str).unwrap_or("")).into_iter().map(|i| i.name).collect())
}

/// What the value form sent.
#[derive(Debug, Clone, Default)]
pub struct ValueForm {
    pub indicator: String,
    pub date: String,
    pub value: String,
    pub source: String,
}

/// A value checked: (date as stored, number, source) or a message per field.
fn check(names: &[String], indicator: &str, date: &str, value: &str, source: &str) -> Result<(String, f64, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let indicator = indicator.trim();
    if indicator.is_empty() {
        errors.insert("indicator", "series-indicator-missing".into());
    } else if !names.iter().any(|n| n == indicator) {
        errors.insert("indicator", Message::new("series-indicator-unknown").arg("value", quoted(indicator)).arg("indicators", names.join("; ")));
    }
    let date = date.trim();
    let day = if date.is_empty() {
        errors.insert("date", "series-date-missing".into());
        None
    } else {
        match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(d) if (1900..=2100).contains(&chrono::Datelike::year(&d)) => Some(d),
            _ => {
                errors.insert("date", Message::new("series-date-invalid").arg("value", quoted(date)));
                None
            }
        }
    };
    let number = if value.trim().is_empty() {
        errors.insert("value", "series-value-missing".into());
        None
    } else {
        match parse_number(value) {
            Some(n) if n.abs() < 1e15 => Some(n),
            _ => {
                errors.insert("value", Message::new("series-value-invalid").arg("value", quoted(value.trim())));
                None
            }
        }
    };
    let source = models::single_line(source);
    if source.is_empty() {
        errors.insert("source", "series-source-missing".into());
    } else if source.chars().count() > SOURCE_CHARS {
        errors.insert("source", Message::new("too-long").arg("max", SOURCE_CHARS));
    }
    match (day, number) {
        (Some(d), Some(n)) if errors.is_empty() => Ok((d.format("%Y-%m-%d").to_string(), n, source)),
        _ => Err(errors),
    }
}

/// The initiative whose values this person may enter: the same right as editing the record.
fn editable(conn: &mut DbConn, who: &Principal, slug: &str) -> Result<(registry::Record, Option<registry::Version>), AppError> {
    let rec = registry::find_by_slug(conn, Kind::Initiative.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    // The record's state's focal points, or the focal point of the cluster it belongs to.
    if !may_work_on(conn, who, &rec, open.as_ref())? {
        return Err(AppError::Forbidden);
    }
    Ok((rec, open))
}

/// What the value form shows: the initiative, the indicators it lists and their series.
pub struct EntryView {
    pub record: registry::Record,
    pub names: Vec<String>,
    pub series: Vec<Series>,
}

pub fn entry_view(conn: &mut DbConn, who: &Principal, slug: &str) -> Result<EntryView, AppError> {
    let (rec, open) = editable(conn, who, slug)?;
    let values = match &open {
        Some(v) => parse_values(&v.fields),
        None => latest_values(conn, &rec)?,
    };
    let series = series_of(conn, rec.id, &values)?;
    let names = series.iter().map(|s| s.name.clone()).collect();
    Ok(EntryView { record: rec, names, series })
}

/// Enters (or corrects) the value of one indicator on one date.
pub fn enter_value(conn: &mut DbConn, who: &Principal, slug: &str, form: &ValueForm) -> Result<Written, AppError> {
    let (rec, open) = editable(conn, who, slug)?;
    let names = listed_names(conn, &rec, open.as_ref())?;
    let (date, value, source) = check(&names, &form.indicator, &form.date, &form.value, &form.source).map_err(AppError::Validation)?;
    let indicator = form.indicator.trim().to_string();
    write_tx(conn, |tx| Ok(store::put_value(tx, rec.id, &indicator, &date, value, &source, Some(who.user.id), models::now())?))
}

/// `indicator_values.csv`: one row per value of a published initiative.
pub fn to_csv(conn: &mut DbConn) -> Result<String, AppError> {
    let mut out = Out::new();
    out.row(&COLUMNS);
    for (slug, v) in store::published_values(conn, Kind::Initiative.code())? {
        out.row(&[&slug, &v.indicator, &v.observed_on, &format_number(v.value), &v.source]);
    }
    Ok(out.finish())
}

/// Imports `indicator_values.csv`: every row is checked first (line and column of each
/// problem); nothing is written unless the whole file is clean, then all of it in one
/// transaction. A row for a date that already has a value corrects it.
pub fn import(conn: &mut DbConn, who: Importer, text: &str, dry_run: bool) -> Result<Report, AppError> {
    if let Importer::FocalPoint(p) = &who {
        if !may_draft(p) {
            return Err(AppError::Forbidden);
        }
    }
    let mut report = Report::default();
    let rows = match parse(text) {
        Ok(r) => r,
        Err(p) => {
            report.problems.push(p);
            return Ok(report);
        }
    };
    let Some((head, body)) = rows.split_first() else {
        report.problems.push(problem(1, 0, "", "csv-empty"));
        return Ok(report);
    };
    let names: Vec<String> = head.cells.iter().map(|c| c.trim().to_lowercase()).collect();
    let mut seen = HashSet::new();
    for (i, n) in names.iter().enumerate() {
        if !COLUMNS.contains(&n.as_str()) {
            report.problems.push(problem(head.line, i + 1, n, Message::new("csv-unknown-column").arg("column", format!("{:?}", n.chars().take(QUOTE_CHARS).collect::<String>())).arg("columns", COLUMNS.join(", "))));
        } else if !seen.insert(n.clone()) {
            report.problems.push(problem(head.line, i + 1, n, "csv-column-twice"));
        }
    }
    for c in COLUMNS.iter().filter(|c| !names.iter().any(|n| n == *c)) {
        report.problems.push(problem(head.line, 0, c, Message::new("csv-required-column").arg("column", format!("{c:?}"))));
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let col = |name: &str| names.iter().position(|n| n == name).map(|i| i + 1).unwrap_or(0);
    let cell = |row: &[String], name: &str| unguard(&row[col(name) - 1]).to_string();
    // Each initiative named is read once: its record, whether the importer may enter its
    // values, the indicators it lists and the values it has.
    let mut records: HashMap<String, Option<(registry::Record, Vec<String>, bool)>> = HashMap::new();
    let mut existing: HashMap<(i64, String, String), (f64, String)> = HashMap::new();
    let mut plans: Vec<(i64, String, String, f64, String)> = Vec::new();
    let mut in_file: HashSet<(i64, String, String)> = HashSet::new();
    report.rows = body.len();
    for row in body {
        if row.cells.len() != names.len() {
            report.problems.push(problem(row.line, 0, "", Message::new("csv-cell-count").arg("cells", row.cells.len()).arg("header", names.len())));
            continue;
        }
        let slug = cell(&row.cells, "initiative").trim().to_string();
        if !records.contains_key(&slug) {
            let found = match registry::find_by_slug(conn, Kind::Initiative.code(), &slug)? {
                Some(r) => {
                    let open = registry::open_version(conn, r.id)?;
                    let mine = match &who {
                        Importer::FocalPoint(p) => may_edit_record(p, &r, open.as_ref()),
                        Importer::Seed => true,
                    };
                    // Another state's unpublished initiative is answered for as one that does not exist.
                    if !mine && !r.is_published() {
                        None
                    } else {
                        let listed = listed_names(conn, &r, open.as_ref())?;
                        for v in store::values_of(conn, &[r.id])? {
                            existing.insert((r.id, v.indicator, v.observed_on), (v.value, v.source));
                        }
                        Some((r, listed, mine))
                    }
                }
                None => None,
            };
            records.insert(slug.clone(), found);
        }
        let before = report.problems.len();
        let Some(Some((rec, listed, mine))) = records.get(&slug) else {
            report.problems.push(problem(row.line, col("initiative"), "initiative", Message::new("registry-ref-unknown").arg("kind", Kind::Initiative.code()).arg("value", format!("{:?}", quoted(&slug)))));
            continue;
        };
        if !mine {
            report.problems.push(problem(row.line, col("initiative"), "initiative", Message::new("csv-record-not-yours").arg("slug", quoted(&slug)).arg("state", &rec.state)));
            continue;
        }
        match check(listed, &cell(&row.cells, "indicator"), &cell(&row.cells, "date"), &cell(&row.cells, "value"), &cell(&row.cells, "source")) {
            Ok((date, value, source)) => {
                let indicator = cell(&row.cells, "indicator").trim().to_string();
                let key = (rec.id, indicator.clone(), date.clone());
                if !in_file.insert(key.clone()) {
                    report.problems.push(problem(row.line, col("date"), "date", Message::new("series-date-twice").arg("indicator", quoted(&indicator)).arg("date", &date)));
                }
                if report.problems.len() > before {
                    continue;
                }
                let label = format!("{slug}: {indicator} {date}");
                match existing.get(&key) {
                    Some((v, s)) if *v == value && *s == source => report.unchanged.push(label),
                    Some(_) => {
                        report.updated.push(label);
                        plans.push((rec.id, indicator, date, value, source));
                    }
                    None => {
                        report.created.push(label);
                        plans.push((rec.id, indicator, date, value, source));
                    }
                }
            }
            Err(errors) => {
                for (field, message) in errors {
                    let column = if field == "indicator" || field == "date" || field == "value" || field == "source" { col(field) } else { 0 };
                    report.problems.push(problem(row.line, column, field, message));
                }
            }
        }
    }
    // A file with a bad line on every row gets a report of bounded size.
    if report.problems.len() > super::import::MAX_PROBLEMS {
        report.more_problems = report.problems.len() - super::import::MAX_PROBLEMS;
        report.problems.truncate(super::import::MAX_PROBLEMS);
    }
    if !report.problems.is_empty() || dry_run {
        return Ok(report);
    }
    let by = match &who {
        Importer::FocalPoint(p) => Some(p.user.id),
        Importer::Seed => None,
    };
    write_tx(conn, |tx| {
        let now = models::now();
        for (id, indicator, date, value, source) in &plans {
            store::put_value(tx, *id, indicator, date, *value, source, by, now)?;
        }
        Ok::<_, AppError>(())
    })?;
    report.applied = true;
    Ok(report)
}

/// Values shipped in content/registry/indicator_values.csv, brought in only where an
/// initiative has no value yet for that indicator and date (what people entered stays).
pub fn import_seed(conn: &mut DbConn, dir: &std::path::Path) -> Result<Option<Report>, AppError> {
    let Ok(text) = std::fs::read_to_string(dir.join("indicator_values.csv")) else { return Ok(None) };
    let mut report = import(conn, Importer::Seed, &text, true)?;
    if !report.problems.is_empty() {
        return Ok(Some(report));
    }
    let rows = parse(&text).map_err(|_| AppError::Internal("indicator_values.csv".into()))?;
    let mut kept = Out::new();
    kept.row(&COLUMNS);
    let mut any = false;
    for row in rows.iter().skip(1) {
        let label = format!("{}: {} {}", row.cells[0].trim(), row.cells[1].trim(), row.cells[2].trim());
        if report.created.contains(&label) {
            kept.row(&row.cells.iter().map(String::as_str).collect::<Vec<_>>());
            any = true;
        }
    }
    if any {
        report = import(conn, Importer::Seed, &kept.finish(), false)?;
    }
    Ok(Some(report))
}

/// The baseline and latest value an initiative's indicators field holds become the first
/// values of its series, once: the baseline dated the first day of its start year, the latest
/// the day the record was last verified. Indicators with values already are left alone.
pub fn adopt_record_values(conn: &mut DbConn) -> Result<usize, AppError> {
    let mut adopted = 0;
    for (id, fields) in registry::published_fields(conn, Kind::Initiative.code())? {
        let values = parse_values(&fields);
        let listed = indicators(values.get("indicators").map(String::as_str).unwrap_or(""));
        if listed.is_empty() {
            continue;
        }
        let Some(rec) = store::record(conn, id)? else { continue };
        let have: HashSet<String> = store::values_of(conn, &[id])?.into_iter().map(|v| v.indicator).collect();
        let latest_on = rec.verified_at.unwrap_or(rec.updated_at).date();
        write_tx(conn, |tx| {
            let now = models::now();
            for ind in listed.iter().filter(|i| !have.contains(&i.name)) {
                if let (Some(b), Some(y)) = (ind.baseline, rec.start_year) {
                    if let Some(day) = NaiveDate::from_ymd_opt(y, 1, 1).filter(|d| *d < latest_on) {
                        store::put_value(tx, id, &ind.name, &day.format("%Y-%m-%d").to_string(), b, "Baseline in the registry record", None, now)?;
                        adopted += 1;
                    }
                }
                if let Some(l) = ind.latest {
                    store::put_value(tx, id, &ind.name, &latest_on.format("%Y-%m-%d").to_string(), l, "Latest value in the registry record", None, now)?;
                    adopted += 1;
                }
            }
            Ok::<_, AppError>(())
        })?;
    }
    Ok(adopted)
}
