//! content/*.md: one knowledge page per file, TOML front matter between `+++` lines, then the
//! problem and the solution under `## Problem` and `## Solution`. Import creates or revises
//! pages by slug; export writes every page back the same way, so a round trip is lossless.

use std::path::Path;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::page;
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

fn lines(v: &[String]) -> String {
    v.join("\n")
}

fn split_lines(s: &str) -> Vec<String> {
    s.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
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
        contributors: split_lines(&p.contributors),
        sources: split_lines(&p.sources),
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
        source_threads: p.front.threads.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(","),
        revision,
        note: "imported from content/".into(),
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// (file, message with line)
    pub errors: Vec<(String, String)>,
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TIME)
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
}

fn import_one(conn: &mut DbConn, parsed: &ParsedPage) -> Result<&'static str, String> {
    let status: page::Status = match parsed.front.status.parse() {
        Ok(s) => s,
        Err(_) => return Err(format!("status `{}`: use draft, published or withdrawn", parsed.front.status)),
    };
    let published = match &parsed.front.published {
        Some(s) => Some(parse_time(s).ok_or_else(|| format!("published `{s}`: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"))?),
        None => None,
    };
    let describe = |e: AppError| match e {
        AppError::Validation(f) => f.iter().map(|(k, v)| format!("{k}: {}", crate::views::Lang::En.strings().msg(v))).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    };
    match page::find_by_slug(conn, &parsed.front.slug).map_err(|e| e.to_string())? {
        None => {
            knowledge::create(conn, None, &form_of(parsed, 1), status, published).map_err(describe)?;
            Ok("created")
        }
        Some(existing) => {
            let mut errors = crate::error::FieldErrors::new();
            let wanted = knowledge::clean(&form_of(parsed, existing.revision), &mut errors);
            let same_content = errors.is_empty() && wanted == page::Content::of(&existing);
            if same_content && existing.status == status && existing.published_at == published {
                return Ok("unchanged");
            }
            if !same_content {
                knowledge::save(conn, None, existing.id, &form_of(parsed, existing.revision)).map_err(describe)?;
            }
            page::set_status(conn, existing.id, status, &existing.withdrawn_note, published, crate::models::now()).map_err(|e| e.to_string())?;
            crate::models::search_outbox::push(conn, crate::models::search_outbox::Kind::Page, existing.id).map_err(|e| e.to_string())?;
            Ok("updated")
        }
    }
}

/// Imports every *.md file of `dir` (sorted by name). A bad file is reported with its line
/// and skipped; the others still import.
pub fn import_dir(conn: &mut DbConn, dir: &Path) -> Result<Report, AppError> {
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
        match parse(&text).and_then(|p| import_one(conn, &p)) {
            Ok("created") => report.created += 1,
            Ok("updated") => report.updated += 1,
            Ok(_) => report.unchanged += 1,
            Err(e) => report.errors.push((name, e)),
        }
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
                themes: src.front.themes.join(","),
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
