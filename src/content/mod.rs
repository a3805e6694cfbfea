//! content/*.md: one knowledge page per file, TOML front matter between `+++` lines, then the
//! problem and the solution under `## Problem` and `## Solution`. Import creates or revises
//! pages by slug; export writes every page back the same way, so a round trip is lossless.

pub mod conflicts;
pub mod demo;

use std::path::Path;

use chrono::NaiveDateTime;
use diesel::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::content_import::{self, Baseline, ContentImport};
use crate::models::{list, page, search_outbox};
use crate::services::knowledge::{self, PageForm};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub slug: String,
    pub title: String,
    pub language: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sector: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub district: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub translation: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributors: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threads: Vec<i64>,
}

pub struct ParsedPage {
    pub front: FrontMatter,
    pub problem: String,
    pub solution: String,
}

const TIME: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// The shortest form that reads back to the same instant.
fn format_time(t: NaiveDateTime) -> String {
    use chrono::Timelike;
    if t.time() == chrono::NaiveTime::MIN {
        t.format("%Y-%m-%d").to_string()
    } else if t.nanosecond() == 0 {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        t.format(TIME).to_string()
    }
}

/// Front matter lists as a form's textarea takes them: one value a line.
fn lines(v: &[String]) -> String {
    v.join("\n")
}

fn values(stored: &str) -> Vec<String> {
    list::decode(stored).map(str::to_string).collect()
}

pub fn to_file(p: &page::Page) -> String {
    let front = FrontMatter {
        slug: p.slug.clone(),
        title: p.title.clone(),
        language: p.language.clone(),
        status: p.status.to_string(),
        published: p.published_at.map(format_time),
        themes: p.theme_list().into_iter().map(str::to_string).collect(),
        sector: p.sector.clone(),
        state: p.state.clone(),
        district: p.district.clone(),
        translation: p.translation_slug.clone(),
        contributors: values(&p.contributors),
        sources: values(&p.sources),
        threads: p.thread_ids(),
    };
    let toml = toml::to_string(&front).unwrap_or_default();
    format!("+++\n{toml}+++\n\n## Problem\n\n{}\n\n## Solution\n\n{}\n", p.problem_md, p.solution_md)
}

/// Parses one file; errors name the line.
pub fn parse(text: &str) -> Result<ParsedPage, String> {
    let text = text.replace("\r\n", "\n");
    let mut it = text.splitn(3, "+++\n");
    let (Some(""), Some(front), Some(body)) = (it.next(), it.next(), it.next()) else {
        return Err("line 1: the file must start with +++, the TOML front matter, and +++".into());
    };
    let front: FrontMatter = toml::from_str(front).map_err(|e| {
        let line = e.span().map(|s| front[..s.start].lines().count() + 1).unwrap_or(1);
        format!("line {line}: {}", e.message())
    })?;
    let body_start = text.len() - body.len();
    let line_of = |offset: usize| text[..body_start + offset].lines().count() + 1;
    let find = |marker: &[&str], from: usize| -> Option<(usize, usize)> {
        let mut pos = from;
        for l in body[from..].split_inclusive('\n') {
            if marker.contains(&l.trim_end()) {
                return Some((pos, pos + l.len()));
            }
            pos += l.len();
        }
        None
    };
    let Some((_, p_end)) = find(&["## Problem", "## समस्या"], 0) else {
        return Err(format!("line {}: no `## Problem` heading", line_of(0)));
    };
    let Some((s_start, s_end)) = find(&["## Solution", "## समाधान"], p_end) else {
        return Err(format!("line {}: no `## Solution` heading after the problem", line_of(p_end)));
    };
    Ok(ParsedPage { front, problem: body[p_end..s_start].trim().to_string(), solution: body[s_end..].trim().to_string() })
}

fn form_of(p: &ParsedPage, revision: i32) -> PageForm {
    PageForm {
        slug: p.front.slug.clone(),
        title: p.front.title.clone(),
        problem: p.problem.clone(),
        solution: p.solution.clone(),
        themes: p.front.themes.clone(),
        sector: p.front.sector.clone(),
        state: p.front.state.clone(),
        district: p.front.district.clone(),
        language: p.front.language.clone(),
        translation_slug: p.front.translation.clone(),
        contributors: lines(&p.front.contributors),
        sources: lines(&p.front.sources),
        source_threads: p.front.threads.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", "),
        revision,
        note: "imported from content/".into(),
        schemes: None,
    }
}

/// How an import treats a page whose file and portal version differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// What people changed on the portal wins: a file updates only a page nobody changed since
    /// the last import, and a page changed on both sides is listed as a conflict.
    KeepPortal,
    /// The files win, each as a new revision that can be rolled back (`--take-files`).
    TakeFiles,
}

#[derive(Debug, Default)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Files whose page was changed on the portal too: the portal's version stayed.
    pub conflicts: Vec<String>,
    /// (file, message with line)
    pub errors: Vec<(String, String)>,
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
    Conflict,
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TIME)
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
}

/// The status and publication time a file asks for, checked.
fn wanted_status(parsed: &ParsedPage) -> Result<(page::Status, Option<NaiveDateTime>), String> {
    let status: page::Status = match parsed.front.status.parse() {
        Ok(s) => s,
        Err(_) => return Err(format!("status `{}`: use draft, published or withdrawn", parsed.front.status)),
    };
    let published = match &parsed.front.published {
        Some(s) => Some(parse_time(s).ok_or_else(|| format!("published `{s}`: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"))?),
        None => None,
    };
    Ok((status, published))
}

fn describe(e: AppError) -> String {
    match e {
        AppError::Validation(f) => f.iter().map(|(k, v)| format!("{k}: {}", crate::views::Lang::En.strings().msg(v))).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// A file read and checked: its page, and the status and publication time it asks for.
struct Checked {
    parsed: ParsedPage,
    status: page::Status,
    published: Option<NaiveDateTime>,
}

fn check(text: &str) -> Result<Checked, String> {
    let parsed = parse(text)?;
    let (status, published) = wanted_status(&parsed)?;
    Ok(Checked { parsed, status, published })
}

/// Does the page say what the file says: content, status and publication time?
fn page_matches(p: &page::Page, parsed: &ParsedPage, status: page::Status, published: Option<NaiveDateTime>) -> bool {
    let mut errors = crate::error::FieldErrors::new();
    let wanted = knowledge::clean(&form_of(parsed, p.revision), &mut errors);
    errors.is_empty() && wanted == page::Content::of(p) && p.status == status && p.published_at == published
}

/// Gives page `p` the file's content (as a new revision, when it differs) and status; returns
/// the page as it is now. Its web name stays: a page renamed on the portal keeps its name.
fn apply_file(conn: &mut DbConn, by: Option<i64>, p: &page::Page, file: &Checked, note: &str) -> Result<page::Page, AppError> {
    let Checked { parsed, status, published } = file;
    let (status, published) = (*status, *published);
    let mut errors = crate::error::FieldErrors::new();
    let mut form = form_of(parsed, p.revision);
    form.note = note.to_string();
    if knowledge::clean(&form, &mut errors) != page::Content::of(p) || !errors.is_empty() {
        knowledge::save(conn, by, p.id, &form)?;
    }
    if p.status != status || p.published_at != published {
        crate::db::write_tx(conn, |tx| {
            let now = crate::models::now();
            page::set_status(tx, p.id, status, &p.withdrawn_note, published, now)?;
            if status != p.status && status != page::Status::Draft {
                let event = if status == page::Status::Published { page::Action::Published } else { page::Action::Withdrawn };
                page::add_event(tx, p.id, by, event, note, now)?;
            }
            search_outbox::push(tx, search_outbox::Kind::Page, p.id)?;
            Ok::<_, AppError>(())
        })?;
    }
    Ok(page::find(conn, p.id)?)
}

/// The page a file names: the one an import made from it (wherever it was renamed to), or
/// for a file never imported, the page at its web name or redirected from it.
fn page_of_file(conn: &mut DbConn, record: Option<&ContentImport>, slug: &str) -> Result<Option<page::Page>, AppError> {
    if let Some(r) = record {
        return Ok(page::find(conn, r.target_id).optional()?);
    }
    if let Some(p) = page::find_by_slug(conn, slug)? {
        return Ok(Some(p));
    }
    Ok(match page::redirect_target(conn, slug)? {
        Some(to) => page::find_by_slug(conn, &to)?,
        None => None,
    })
}

/// The rule for shipped content: add what the database lacks; update a page only when its
/// file changed since the last import and nobody changed the page on the portal since; when
/// both changed, keep the portal's version and hold the file's as a conflict.
fn import_one(conn: &mut DbConn, file: &str, text: &str, checked: &Checked, mode: Mode) -> Result<Outcome, AppError> {
    let Checked { parsed, status, published } = checked;
    let (status, published) = (*status, *published);
    let slug = parsed.front.slug.as_str();
    let hash = content_import::hash_of(text);
    let record = content_import::find(conn, content_import::PAGE, slug)?;
    let Some(p) = page_of_file(conn, record.as_ref(), slug)? else {
        if record.is_some() {
            // The page this file made is gone from the portal: it stays gone.
            return Ok(Outcome::Unchanged);
        }
        knowledge::create(conn, None, &form_of(parsed, 1), status, published)?;
        let p = page::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
        set_baseline(conn, slug, file, &hash, &p)?;
        return Ok(Outcome::Created);
    };
    if page_matches(&p, parsed, status, published) {
        // File and portal agree. A file without a record (a database older than the records)
        // becomes the baseline, as does one that settles its conflict; otherwise the baseline
        // stays, so importing an export of the portal never moves it away from content/.
        match &record {
            Some(r) if !(r.in_conflict() && r.conflict_hash == hash) => {}
            _ => set_baseline(conn, slug, file, &hash, &p)?,
        }
        return Ok(Outcome::Unchanged);
    }
    if mode == Mode::TakeFiles {
        let p = apply_file(conn, None, &p, checked, "taken from content/ (import --take-files)")?;
        set_baseline(conn, slug, file, &hash, &p)?;
        return Ok(Outcome::Updated);
    }
    let Some(r) = record else {
        // Differing, with no record of what was imported: whoever changed it, it stays.
        crate::db::write_tx(conn, |tx| {
            set_baseline(tx, slug, file, "", &p)?;
            let r = content_import::find(tx, content_import::PAGE, slug)?.ok_or(AppError::NotFound)?;
            content_import::set_conflict(tx, r.id, &hash, text, crate::models::now())?;
            Ok::<_, AppError>(())
        })?;
        return Ok(Outcome::Conflict);
    };
    if r.file_hash == hash {
        // The file is as it was imported: whatever the portal did since stands.
        if r.in_conflict() {
            content_import::clear_conflict(conn, r.id)?;
        }
        return Ok(Outcome::Unchanged);
    }
    let changed_on_portal = p.revision != r.revision || p.status.as_str() != r.status || p.slug != slug;
    if !changed_on_portal {
        let p = apply_file(conn, None, &p, checked, "imported from content/")?;
        set_baseline(conn, slug, file, &hash, &p)?;
        return Ok(Outcome::Updated);
    }
    content_import::set_conflict(conn, r.id, &hash, text, crate::models::now())?;
    Ok(Outcome::Conflict)
}

fn set_baseline(conn: &mut DbConn, slug: &str, file: &str, file_hash: &str, p: &page::Page) -> Result<(), AppError> {
    let b = Baseline { kind: content_import::PAGE, name: slug, target_id: p.id, file, file_hash, revision: p.revision, status: p.status.as_str() };
    Ok(content_import::set_baseline(conn, &b)?)
}

/// Imports every *.md file of `dir` (sorted by name) by the rule for shipped content: what
/// people changed on the portal wins. A bad file is reported with its line and skipped.
///
/// Safe beside serving portals: each page is written in database transactions that also queue
/// its search_outbox row, so every portal's indexer takes the change into its own index (the
/// index is never opened here), and the shared change stamp is bumped at the end so their
/// page caches drop what changed. An update stopped part-way (content, status and the record
/// of the import are separate transactions) is listed as a conflict at the next import: the
/// portal's state is kept and nothing is lost; an administrator takes the file's version.
pub fn import_dir(conn: &mut DbConn, dir: &Path) -> Result<Report, AppError> {
    import_dir_as(conn, dir, Mode::KeepPortal)
}

/// `import_dir` with a choice of who wins when a file and its page both changed.
pub fn import_dir_as(conn: &mut DbConn, dir: &Path, mode: Mode) -> Result<Report, AppError> {
    // Pages choose their themes and sectors from the vocabularies: a new database gets the
    // book's lists first (a filled one is left as its administrators made it).
    crate::services::registry::seed_vocabularies(conn)?;
    let mut report = Report::default();
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                report.errors.push((name, e.to_string()));
                continue;
            }
        };
        let checked = match check(&text) {
            Ok(c) => c,
            Err(e) => {
                report.errors.push((name, e));
                continue;
            }
        };
        match import_one(conn, &name, &text, &checked, mode) {
            Ok(Outcome::Created) => report.created += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Ok(Outcome::Conflict) => report.conflicts.push(name),
            Err(e) => report.errors.push((name, describe(e))),
        }
    }
    if report.created + report.updated > 0 {
        crate::db::cluster::bump_changes(conn, true)?;
    }
    Ok(report)
}

/// Writes every page as DIR/SLUG.md; returns how many.
pub fn export_dir(conn: &mut DbConn, dir: &Path) -> Result<usize, AppError> {
    std::fs::create_dir_all(dir)?;
    let pages = page::all(conn)?;
    for p in &pages {
        std::fs::write(dir.join(format!("{}.md", p.slug)), to_file(p))?;
    }
    Ok(pages.len())
}

/// Words mixed into generated pages so each differs from its model.
const GENERATED_WORDS: &[&str] = &[
    "cupola", "coke", "foundry", "weavers", "savings", "tailors", "training", "child", "labour", "silk", "reeling",
    "effluent", "paddy", "biogas", "polio", "vaccination", "brassware", "insurance", "slag", "sand", "charging",
    "ventilation", "exporters", "schools", "monitoring", "handloom", "ikat", "garment", "energy", "furnace",
    "blower", "lining", "kiln", "boiler", "dyeing", "tannery", "cluster", "consortium", "subsidy", "scheme",
    "बाल", "श्रम", "कोक", "भट्टी", "बचत", "क्लस्टर", "प्रशिक्षण", "सिलाई", "ऊर्जा", "महिला",
];

pub fn generated_word(i: usize) -> &'static str {
    GENERATED_WORDS[i % GENERATED_WORDS.len()]
}

/// Adds `n` published pages made from the files in `dir` (for load tests and benchmarks),
/// in one transaction, without revisions or search outbox rows: run `solex reindex` after.
pub fn generate(conn: &mut DbConn, dir: &Path, n: usize) -> Result<usize, AppError> {
    let mut models: Vec<ParsedPage> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect();
    files.sort();
    for f in files {
        if let Ok(p) = parse(&std::fs::read_to_string(f)?) {
            models.push(p);
        }
    }
    if models.is_empty() {
        return Err(AppError::BadRequest(crate::error::Message::new("content-no-pages").arg("dir", dir.display().to_string())));
    }
    crate::db::write_tx(conn, |c| {
        let now = crate::models::now();
        for i in 0..n {
            let src = &models[i % models.len()];
            let (w1, w2) = (generated_word(i), generated_word(i * 7 + 3));
            let solution = format!("{}\n\nNotes from cluster {i}: {w1}, {w2}.", src.solution);
            let content = page::Content {
                body_html: knowledge::render_body(&src.front.language, &src.problem, &solution),
                title: format!("{} ({w1} {w2} {i})", src.front.title),
                problem_md: src.problem.clone(),
                solution_md: solution,
                themes: list::encode(&src.front.themes),
                sector: src.front.sector.clone(),
                state: src.front.state.clone(),
                district: src.front.district.clone(),
                language: src.front.language.clone(),
                ..Default::default()
            };
            let slug = format!("{}-g{i}", src.front.slug);
            page::insert(c, &page::NewPage { slug: &slug, status: page::Status::Published, created_by: None, created_at: now, updated_at: now, published_at: Some(now) }, &content)?;
        }
        Ok::<_, AppError>(n)
    })
}
