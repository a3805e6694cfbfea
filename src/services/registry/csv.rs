//! CSV and JSON for the registry. Exports write the same columns an import reads, so a file
//! taken out can be edited in a spreadsheet and brought back.

use std::collections::BTreeMap;

use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::models::registry;
use crate::services::Env;

use super::{self as reg, Filters, Input, Kind, Values};

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
    pub message: Message,
}

/// Names and messages quote what the file holds at most this far.
pub(super) const QUOTE_CHARS: usize = 80;

pub(super) fn problem(line: usize, column: usize, header: &str, message: impl Into<Message>) -> Problem {
    Problem { line, column, header: header.chars().take(QUOTE_CHARS).collect(), message: message.into() }
}

/// What a file holds, cut to a length a report can quote.
pub(super) fn quoted(text: &str) -> String {
    if text.chars().count() > 8 * QUOTE_CHARS { format!("{}…", text.chars().take(8 * QUOTE_CHARS).collect::<String>()) } else { text.to_string() }
}

/// Parses RFC 4180 CSV with the `csv` crate (commas, double quotes, quoted line breaks, CRLF
/// or LF, an optional byte-order mark). Blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Row>, Problem> {
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = ::csv::StringRecord::new();
    let (mut line, mut counted) = (1, 0);
    loop {
        let start = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            // The input is a &str, so the reader's only error left is invalid UTF-8 inside a
            // cell split by the parser, which cannot happen; report it at the row anyway.
            Err(_) => return Err(problem(line, 0, "", "csv-quote-open")),
        }
        // Counted here: the reader starts a record's position before the blank lines it skips.
        let from = start.byte() as usize;
        let at = from + text.as_bytes()[from..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        line += bytecount_newlines(&text.as_bytes()[counted..at]);
        counted = at;
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        let raw = &text.as_bytes()[start.byte() as usize..reader.position().byte() as usize];
        check_quotes(raw, line, &cells, reader.position().byte() as usize == text.len())?;
        rows.push(Row { line, cells });
    }
    Ok(rows)
}

fn bytecount_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// The `csv` crate reads a stray quote as text and an unclosed one to the end of the file;
/// a spreadsheet user is better told where the quoting went wrong than handed one long cell.
/// Well-formed quoting puts an even number of quotes in a record's raw text.
fn check_quotes(raw: &[u8], line: usize, cells: &[String], at_end: bool) -> Result<(), Problem> {
    if raw.iter().filter(|b| **b == b'"').count() % 2 == 0 {
        return Ok(());
    }
    // An open quote swallows the rest of the file, line ends included, into the last cell.
    let last = cells.last().map(String::as_str).unwrap_or("");
    if at_end && (!last.contains('"') || last.ends_with(['\n', '\r'])) {
        return Err(problem(line, cells.len(), "", "csv-quote-open"));
    }
    let column = cells.iter().position(|c| c.contains('"')).unwrap_or(0);
    let line = line + cells[..column].iter().map(|c| c.matches('\n').count()).sum::<usize>();
    Err(problem(line, column + 1, "", "csv-stray-quote"))
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

/// A CSV file being written: formula-like cells guarded, cells quoted only where they need
/// it, rows ended with CRLF as RFC 4180 asks.
pub struct Out(::csv::Writer<Vec<u8>>);

impl Out {
    pub fn new() -> Out {
        Out(::csv::WriterBuilder::new().flexible(true).terminator(::csv::Terminator::CRLF).from_writer(Vec::new()))
    }

    pub fn row(&mut self, cells: &[&str]) {
        self.0.write_record(cells.iter().map(|c| guard(c))).expect("writing to memory");
    }

    pub fn finish(self) -> String {
        String::from_utf8(self.0.into_inner().expect("writing to memory")).expect("cells are UTF-8")
    }
}

/// The columns of a kind's CSV: the web name, every field, then read-only columns.
pub fn header(kind: Kind) -> Vec<&'static str> {
    // The latest rating (Table 2.10) is an agency's only.
    std::iter::once("slug").chain(kind.fields().iter().map(|s| s.name)).chain(reg::READ_ONLY_COLUMNS.iter().copied().filter(|c| kind == Kind::Agency || *c != "latest_rating")).collect()
}

/// Published records matching the filters, with their values.
pub fn exported(conn: &mut DbConn, kind: Kind, filters: &Filters) -> Result<Vec<(registry::Record, Values)>, AppError> {
    let records = reg::all_matching(conn, kind, filters)?;
    let mut fields: BTreeMap<i64, String> = registry::published_fields(conn, kind.code())?.into_iter().collect();
    let ratings = if kind == Kind::Agency { reg::agency_ratings::latest_totals(conn, &records.iter().map(|r| r.id).collect::<Vec<_>>())? } else { Default::default() };
    Ok(records.into_iter().map(|r| {
        let mut v = reg::parse_values(&fields.remove(&r.id).unwrap_or_default());
        if let Some(total) = ratings.get(&r.id) {
            v.insert("latest_rating".into(), total.to_string());
        }
        (r, v)
    }).collect())
}

pub fn to_csv(kind: Kind, env: &Env, rows: &[(registry::Record, Values)]) -> String {
    let mut out = Out::new();
    let head = header(kind);
    out.row(&head);
    for (r, v) in rows {
        let url = env.url(&crate::paths::registry_record(kind.plural(), &r.slug));
        let verified = r.verified_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let cells: Vec<std::borrow::Cow<str>> = head
            .iter()
            .map(|h| match *h {
                "slug" => r.slug.as_str().into(),
                "url" => url.as_str().into(),
                "verified_at" => verified.as_str().into(),
                name => field_cell(kind, name, v),
            })
            .collect();
        out.row(&cells.iter().map(|c| c.as_ref()).collect::<Vec<_>>());
    }
    out.finish()
}

/// A field's cell, as an import reads it back: lists as "a; b".
pub(super) fn field_cell<'a>(kind: Kind, name: &str, v: &'a Values) -> std::borrow::Cow<'a, str> {
    match (kind.spec(name), v.get(name)) {
        (Some(spec), Some(stored)) => reg::cell(spec.input, stored),
        (None, Some(stored)) => stored.as_str().into(),
        (_, None) => "".into(),
    }
}

fn json_value(input: Input, text: &str, series: Option<&BTreeMap<String, Vec<crate::models::series::IndicatorValue>>>) -> serde_json::Value {
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
                    // The indicator's dated values, oldest first (indicators over time).
                    let values: Vec<serde_json::Value> = series
                        .and_then(|s| s.get(p[0]))
                        .map(|vs| vs.iter().map(|v| serde_json::json!({ "date": v.observed_on, "value": v.value, "source": v.source })).collect())
                        .unwrap_or_default();
                    serde_json::json!({ "name": p[0], "baseline": num(p.get(1)), "latest": num(p.get(2)), "unit": p.get(3).copied().unwrap_or(""), "values": values })
                })
                .collect(),
        ),
        _ => J::from(text),
    }
}

pub fn to_json(kind: Kind, env: &Env, rows: &[(registry::Record, Values)]) -> String {
    to_json_with_series(kind, env, rows, &reg::series::ByRecord::new())
}

/// `to_json` with each indicator's dated values nested under it.
pub fn to_json_with_series(kind: Kind, env: &Env, rows: &[(registry::Record, Values)], series: &reg::series::ByRecord) -> String {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|(r, v)| {
            let mut m = serde_json::Map::new();
            m.insert("kind".into(), kind.code().into());
            m.insert("slug".into(), r.slug.clone().into());
            m.insert("url".into(), env.url(&crate::paths::registry_record(kind.plural(), &r.slug)).into());
            m.insert("verified_at".into(), r.verified_at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()).into());
            for spec in kind.fields() {
                if let Some(text) = v.get(spec.name) {
                    m.insert(spec.name.into(), json_value(spec.input, text, series.get(&r.id)));
                }
            }
            if kind == Kind::Agency {
                m.insert("latest_rating".into(), json_value(Input::Count, v.get("latest_rating").map(String::as_str).unwrap_or(""), None));
            }
            serde_json::Value::Object(m)
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("json")
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
        assert_eq!((err.line, err.message.key), (2, "csv-quote-open"));
        let err = parse("title,state\r\n\"Open quote,Haryana\r\n").unwrap_err();
        assert_eq!((err.line, err.column, err.message.key), (2, 1, "csv-quote-open"));
    }

    #[test]
    fn written_cells_read_back_the_same() {
        let cells = ["plain", "with, comma", "quote \"q\"", "line\nbreak", "=SUM(A1)", "-5", " padded ", "'=kept", "'plain", "\u{feff}bom", ""];
        let mut out = Out::new();
        out.row(&["slug", "title"]);
        out.row(&cells);
        let out = out.finish();
        assert!(out.starts_with("slug,title\r\nplain,\"with, comma\",\"quote \"\"q\"\"\",\"line\nbreak\",'=SUM(A1),'-5,"), "{out}");
        let rows = parse(&out).unwrap();
        let back: Vec<&str> = rows[1].cells.iter().map(|c| unguard(c)).collect();
        assert_eq!(back, cells);
    }
}
