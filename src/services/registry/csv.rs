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
                return Err(problem(line, column, "", "csv-text-after-quote"));
            }
            '"' => return Err(problem(line, column, "", "csv-stray-quote")),
            _ => cell.push(c),
        }
    }
    if let Some(start) = quoted_from {
        return Err(problem(start, column, "", "csv-quote-open"));
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

pub fn to_csv(kind: Kind, env: &Env, rows: &[(registry::Record, Values)]) -> String {
    let mut out = String::new();
    let head = header(kind);
    write_row(&mut out, &head);
    for (r, v) in rows {
        let url = env.url(&crate::paths::registry_record(kind.plural(), &r.slug));
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

pub fn to_json(kind: Kind, env: &Env, rows: &[(registry::Record, Values)]) -> String {
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
                    m.insert(spec.name.into(), json_value(spec.input, text));
                }
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
