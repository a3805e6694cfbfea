//! Checking what a writer typed into canonical values, and the columns and tags derived
//! from them.

use std::collections::{BTreeMap, HashMap};

use crate::db::DbConn;
use crate::error::{AppError, Arg, FieldErrors, Message};
use crate::models::{list, page, registry};
use crate::vocab;

use super::links::public_thread;
use super::spec::{Input, Kind, Spec};
use super::vocabularies::Vocabs;

/// Field name to canonical text value. Multi-valued fields (terms, pages, threads) and
/// indicators are stored lists (models::list), one value a line.
pub type Values = BTreeMap<String, String>;

/// The items of a multi-valued field as a writer types it (a CSV cell "a; b", a form) or as
/// it is stored (one a line): codes, web names and numbers hold neither ';' nor a line break.
pub(crate) fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '\n']).map(str::trim).filter(|v| !v.is_empty())
}

/// How a CSV cell writes the items of a multi-valued field: "a; b".
pub const CELL_SEPARATOR: &str = "; ";

/// A stored value as a CSV cell or a text input shows it: multi-valued fields as "a; b",
/// everything else as it is.
pub fn cell(input: Input, stored: &str) -> std::borrow::Cow<'_, str> {
    match input {
        Input::Terms(_) | Input::Pages | Input::Threads => list::decode(stored).collect::<Vec<_>>().join(CELL_SEPARATOR).into(),
        _ => stored.into(),
    }
}

pub(super) fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// One indicator of an initiative as stored ("name | baseline | latest | unit").
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub baseline: Option<f64>,
    pub latest: Option<f64>,
    /// As written, for showing beside the numbers.
    pub baseline_text: String,
    pub latest_text: String,
    pub unit: String,
}

/// The indicators of a stored value, one a line; a number that does not read is left out.
pub fn indicators(stored: &str) -> Vec<Indicator> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let p: Vec<&str> = line.split('|').map(str::trim).collect();
            let part = |i: usize| p.get(i).copied().unwrap_or("").to_string();
            Indicator { name: part(0), baseline: parse_number(&part(1)), latest: parse_number(&part(2)), baseline_text: part(1), latest_text: part(2), unit: part(3) }
        })
        .collect()
}

pub(super) fn format_number(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// What checking references found public, kept while many records are checked at once (an
/// import names the same few clusters on thousands of rows): each is looked up once.
#[derive(Debug, Default)]
pub(crate) struct Lookups {
    records: HashMap<(&'static str, String), bool>,
    pages: HashMap<String, bool>,
    threads: HashMap<i64, bool>,
}

impl Lookups {
    fn record_public(&mut self, conn: &mut DbConn, kind: Kind, slug: &str) -> Result<bool, Message> {
        if let Some(p) = self.records.get(&(kind.code(), slug.to_string())) {
            return Ok(*p);
        }
        let public = registry::find_by_slug(conn, kind.code(), slug).map_err(check_failed)?.is_some_and(|r| r.is_published());
        self.records.insert((kind.code(), slug.to_string()), public);
        Ok(public)
    }

    fn page_public(&mut self, conn: &mut DbConn, slug: &str) -> Result<bool, Message> {
        if let Some(p) = self.pages.get(slug) {
            return Ok(*p);
        }
        let public = page::find_by_slug(conn, slug).map_err(check_failed)?.is_some_and(|p| p.status == page::Status::Published);
        self.pages.insert(slug.to_string(), public);
        Ok(public)
    }

    fn thread_public(&mut self, conn: &mut DbConn, id: i64) -> bool {
        *self.threads.entry(id).or_insert_with(|| public_thread(conn, id).is_some())
    }
}

/// Checks one value and returns its canonical text, or a message for the field.
/// `previous` is the value the record already had: a retired term it carries may stay.
fn clean_value(conn: &mut DbConn, vocabs: &Vocabs, lookups: &mut Lookups, spec: &Spec, raw: &str, previous: Option<&str>) -> Result<String, Message> {
    let raw = raw.trim();
    if raw.is_empty() {
        return if spec.required { Err(Message::new("registry-required").arg("field", Arg::Key(spec.label))) } else { Ok(String::new()) };
    }
    let kept = |code: &str| previous.is_some_and(|p| list::holds(p, code));
    match spec.input {
        Input::Text(max) => {
            let one_line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            if one_line.chars().count() > max { Err(Message::new("too-long").arg("max", max)) } else { Ok(one_line) }
        }
        Input::Long => {
            let text = raw.replace("\r\n", "\n");
            if text.chars().count() > 20_000 { Err("registry-long-too-long".into()) } else { Ok(text) }
        }
        Input::Count => {
            let cleaned: String = raw.chars().filter(|c| *c != ',' && *c != ' ').collect();
            match cleaned.parse::<u64>() {
                Ok(n) if n <= 1_000_000_000 => Ok(n.to_string()),
                _ => Err(Message::new("registry-count-invalid").arg("value", format!("{raw:?}"))),
            }
        }
        Input::Number(max) => match parse_number(raw) {
            Some(v) if (0.0..=max).contains(&v) => Ok(format_number(v)),
            Some(_) => Err(Message::new("registry-number-range").arg("max", format_number(max))),
            None => Err(Message::new("registry-number-invalid").arg("value", format!("{raw:?}"))),
        },
        Input::Year => match raw.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(y.to_string()),
            _ => Err(Message::new("registry-year-invalid").arg("value", format!("{raw:?}"))),
        },
        Input::Choice(options) => options
            .iter()
            .find(|(o, _)| o.eq_ignore_ascii_case(raw))
            .map(|(o, _)| o.to_string())
            .ok_or_else(|| Message::new("registry-choice-invalid").arg("options", options.iter().map(|(o, _)| *o).collect::<Vec<_>>().join(", "))),
        Input::Term(name) => match vocabs.resolve(name, raw) {
            Some(t) if !t.retired || kept(&t.code) => Ok(t.code.clone()),
            Some(t) => Err(Message::new("registry-term-retired").arg("term", &t.label)),
            None => Err(Message::new("registry-term-unknown").arg("value", format!("{raw:?}")).arg("vocabulary", Arg::Key(vocab_title(name)))),
        },
        Input::Terms(name) => {
            let mut codes: Vec<String> = Vec::new();
            for item in split_list(raw) {
                match vocabs.resolve(name, item) {
                    Some(t) if !t.retired || kept(&t.code) => {
                        if !codes.contains(&t.code) {
                            codes.push(t.code.clone());
                        }
                    }
                    Some(t) => return Err(Message::new("registry-term-retired").arg("term", &t.label)),
                    None => return Err(Message::new("registry-term-unknown").arg("value", format!("{item:?}")).arg("vocabulary", Arg::Key(vocab_title(name)))),
                }
            }
            Ok(list::encode(codes))
        }
        // References name only what the public can see (or what the record already named):
        // another state's draft, a draft page or a closed community's thread is "not there"
        // to every writer, in the same words as what does not exist.
        Input::Ref(kind) => {
            let slug = raw.rsplit('/').next().unwrap_or(raw).trim();
            if lookups.record_public(conn, kind, slug)? || kept(slug) {
                Ok(slug.to_string())
            } else {
                Err(Message::new("registry-ref-unknown").arg("kind", kind.code()).arg("value", format!("{slug:?}")))
            }
        }
        Input::Indicators => {
            let mut lines = Vec::new();
            for (i, line) in raw.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
                let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                if parts.len() > 4 || parts[0].is_empty() {
                    return Err(Message::new("registry-indicator-shape").arg("number", i + 1));
                }
                let mut out = vec![parts[0].to_string()];
                for (j, what) in [(1, "baseline"), (2, "latest")] {
                    let v = parts.get(j).copied().unwrap_or("");
                    if v.is_empty() {
                        out.push(String::new());
                    } else {
                        match parse_number(v) {
                            Some(n) => out.push(format_number(n)),
                            None => return Err(Message::new("registry-indicator-number").arg("number", i + 1).arg("what", what)),
                        }
                    }
                }
                if out[1].is_empty() && out[2].is_empty() {
                    return Err(Message::new("registry-indicator-empty").arg("number", i + 1));
                }
                out.push(parts.get(3).copied().unwrap_or("").to_string());
                lines.push(out.join(" | "));
            }
            // Its own format, one indicator a line: a line keeps its trailing " | " for no unit.
            Ok(lines.join("\n"))
        }
        Input::Pages => {
            let mut slugs: Vec<String> = Vec::new();
            for item in split_list(raw) {
                let slug = item.trim_end_matches('/').rsplit('/').next().unwrap_or(item).to_string();
                if !lookups.page_public(conn, &slug)? && !kept(&slug) {
                    return Err(Message::new("registry-page-unknown").arg("value", format!("{slug:?}")));
                }
                if !slugs.contains(&slug) {
                    slugs.push(slug);
                }
            }
            Ok(list::encode(slugs))
        }
        Input::Threads => {
            let mut ids: Vec<String> = Vec::new();
            for item in split_list(raw) {
                let id = item.trim_end_matches('/').rsplit('/').next().unwrap_or(item);
                let found = id.parse::<i64>().ok().filter(|n| kept(&n.to_string()) || lookups.thread_public(conn, *n));
                match found {
                    Some(n) => {
                        if !ids.contains(&n.to_string()) {
                            ids.push(n.to_string());
                        }
                    }
                    None => return Err(Message::new("registry-thread-unknown").arg("value", format!("{item:?}"))),
                }
            }
            Ok(list::encode(ids))
        }
        Input::Url => match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u.to_string()),
            _ => Err("registry-url-invalid".into()),
        },
    }
}

/// A database error met while checking a value: logged for the operator; the writer is told
/// in their language that the check could not be done (the library's text is English).
fn check_failed(e: diesel::result::Error) -> Message {
    tracing::warn!(error = %e, "a registry value could not be checked");
    Message::new("check-failed")
}

fn vocab_title(name: &str) -> &'static str {
    vocab::REGISTRY_VOCABS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).unwrap_or("vocab-terms")
}

/// Checks every field of a record; errors are keyed by field name.
pub fn clean(conn: &mut DbConn, vocabs: &Vocabs, kind: Kind, input: &Values, previous: Option<&Values>) -> Result<(Values, FieldErrors), AppError> {
    clean_with(conn, vocabs, &mut Lookups::default(), kind, input, previous)
}

/// `clean` for one of many records checked together, sharing what was looked up.
pub(crate) fn clean_with(conn: &mut DbConn, vocabs: &Vocabs, lookups: &mut Lookups, kind: Kind, input: &Values, previous: Option<&Values>) -> Result<(Values, FieldErrors), AppError> {
    let mut out = Values::new();
    let mut errors = FieldErrors::new();
    for spec in kind.fields() {
        let raw = input.get(spec.name).map(String::as_str).unwrap_or("");
        let prev = previous.and_then(|p| p.get(spec.name)).map(String::as_str);
        match clean_value(conn, vocabs, lookups, spec, raw, prev) {
            Ok(v) => {
                if !v.is_empty() {
                    out.insert(spec.name.to_string(), v);
                }
            }
            Err(msg) => {
                errors.insert(spec.name, msg);
            }
        }
    }
    if let (Some(a), Some(b)) = (out.get("start_year"), out.get("end_year")) {
        if a.parse::<i32>().unwrap_or(0) > b.parse::<i32>().unwrap_or(0) {
            errors.insert("end_year", "registry-years-order".into());
        }
    }
    Ok((out, errors))
}

pub fn title_of(v: &Values) -> String {
    v.get("title").or_else(|| v.get("name")).cloned().unwrap_or_default()
}

pub(crate) fn columns(v: &Values) -> registry::Columns {
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    registry::Columns {
        title: title_of(v),
        state: get("state"),
        district: get("district"),
        sector: get("sector"),
        stage: get("stage"),
        start_year: v.get("start_year").and_then(|y| y.parse().ok()),
        end_year: v.get("end_year").and_then(|y| y.parse().ok()),
    }
}

/// The multi-valued facts the public filters and links by: vocabulary terms, and the
/// records, pages and threads a record names.
pub(super) fn tags(kind: Kind, v: &Values) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for spec in kind.fields() {
        let Some(value) = v.get(spec.name) else { continue };
        let vocab = match spec.input {
            Input::Terms(name) => name.to_string(),
            Input::Ref(k) => k.code().to_string(),
            Input::Pages => "page".into(),
            Input::Threads => "thread".into(),
            _ => continue,
        };
        for code in list::decode(value) {
            out.push((vocab.clone(), code.to_string()));
        }
    }
    out
}

pub fn parse_values(json: &str) -> Values {
    serde_json::from_str(json).unwrap_or_default()
}

pub(crate) fn to_json(v: &Values) -> String {
    serde_json::to_string(v).expect("values serialise")
}

/// The items of a stored multi-valued field.
pub fn multi_values(v: &str) -> Vec<&str> {
    list::decode(v).collect()
}
