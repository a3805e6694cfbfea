//! The page form: what an editor types, cleaned into page content.

use super::*;

#[derive(Debug, Clone, Default)]
pub struct PageForm {
    pub slug: String,
    pub title: String,
    pub problem: String,
    pub solution: String,
    pub themes: Vec<String>,
    pub sector: String,
    pub state: String,
    pub district: String,
    pub language: String,
    pub translation_slug: String,
    pub contributors: String,
    pub sources: String,
    pub source_threads: String,
    pub revision: i32,
    pub note: String,
    /// The schemes of Annex I the page points to (codes); None leaves them as they are (an
    /// import, a rollback: schemes are links, not revisioned content).
    pub schemes: Option<Vec<String>>,
}

impl PageForm {
    pub fn of(p: &page::Page) -> PageForm {
        PageForm {
            slug: p.slug.clone(),
            title: p.title.clone(),
            problem: p.problem_md.clone(),
            solution: p.solution_md.clone(),
            themes: p.theme_list().into_iter().map(str::to_string).collect(),
            sector: p.sector.clone(),
            state: p.state.clone(),
            district: p.district.clone(),
            language: p.language.clone(),
            translation_slug: p.translation_slug.clone(),
            contributors: p.contributors.clone(),
            sources: p.sources.clone(),
            source_threads: threads_field(&p.source_threads),
            revision: p.revision,
            note: String::new(),
            schemes: None,
        }
    }
}

/// Stored source threads as the form's field shows them: "12, 15" (a text input keeps no
/// line breaks).
pub fn threads_field(stored: &str) -> String {
    list::decode(stored).collect::<Vec<_>>().join(", ")
}

/// Paths under /kb/ that are not pages.
const RESERVED: &[&str] = &["new", "pages", "themes", "feed-atom"];

pub(super) fn valid_slug(s: &str) -> bool {
    !RESERVED.contains(&s)
        && !s.is_empty() && s.len() <= 80 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') && !s.starts_with('-')
}

/// Slugs of other knowledge pages a text links to (`/kb/SLUG` links), and the registry
/// records it links to (`/registry/KIND/SLUG`, kept as `registry/KIND/SLUG`).
pub fn internal_links(markdown_text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut out = Vec::new();
    for ev in Parser::new(markdown_text) {
        if let Event::Start(Tag::Link { dest_url, .. }) = ev {
            let dest = dest_url.to_string();
            let path = dest.split(['?', '#']).next().unwrap_or("");
            if let Some(slug) = path.strip_prefix("/kb/") {
                let slug = slug.trim_end_matches('/');
                if valid_slug(slug) && !out.iter().any(|s: &String| s == slug) {
                    out.push(slug.to_string());
                }
            } else if let Some(rest) = path.strip_prefix("/registry/") {
                // Registry records are kept as "registry/KIND/SLUG", which no page slug can be.
                let target = format!("registry/{}", rest.trim_end_matches('/'));
                if target.split('/').count() == 3 && !out.contains(&target) {
                    out.push(target);
                }
            }
        }
    }
    out
}

/// The page body: both sections under headings in the page's language, sanitised.
pub fn render_body(language: &str, problem: &str, solution: &str) -> String {
    let (p, s) = if language == "hi" { ("समस्या", "समाधान") } else { ("Problem", "Solution") };
    format!(
        "<section class=\"problem\"><h2>{p}</h2>{}</section><section class=\"solution\"><h2>{s}</h2>{}</section>",
        markdown::to_safe_html(problem),
        markdown::to_safe_html(solution)
    )
}

/// A textarea of one value a line, as a stored list of at most `max_lines` values.
fn lines_clean(text: &str, max_lines: usize) -> String {
    list::encode(list::decode(text).take(max_lines).map(|l| l.chars().take(300).collect::<String>()))
}

/// The content's themes and sector checked against the database's lists and stored under
/// their codes; `kept` is the page as it stands, whose retired terms stay valid on it.
pub(super) fn check_topics(conn: &mut crate::db::DbConn, content: &mut page::Content, kept: Option<&page::Page>, errors: &mut FieldErrors) -> Result<(), crate::error::AppError> {
    (content.themes, content.sector) = crate::services::registry::clean_topics(conn, &content.themes, &content.sector, kept.map(|p| (p.themes.as_str(), p.sector.as_str())), errors)?;
    Ok(())
}

/// Checks a page form and turns it into stored content.
pub fn clean(form: &PageForm, errors: &mut FieldErrors) -> page::Content {
    let title = form.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        errors.insert("title", "kb-subject-invalid".into());
    }
    for (field, text, missing) in [("problem", &form.problem, "kb-problem-missing"), ("solution", &form.solution, "kb-solution-missing")] {
        if text.trim().is_empty() {
            errors.insert(field, Message::new(missing));
        } else if text.chars().count() > MAX_SECTION {
            errors.insert(field, Message::new("too-long").arg("max", MAX_SECTION));
        }
    }
    let themes = crate::services::clean_themes(&form.themes, errors);
    if themes.is_empty() && !errors.contains_key("themes") {
        errors.insert("themes", "kb-themes-missing".into());
    }
    let language = if form.language == "hi" { "hi" } else { "en" };
    let state = crate::services::clean_state(&form.state, errors);
    let sector = crate::services::clean_sector(&form.sector, errors);
    let translation_slug = form.translation_slug.trim().to_string();
    if !translation_slug.is_empty() && !valid_slug(&translation_slug) {
        errors.insert("translation_slug", "kb-translation-missing".into());
    }
    let threads: Vec<&str> = form.source_threads.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()).collect();
    if threads.iter().any(|t| t.parse::<i64>().is_err()) {
        errors.insert("source_threads", "kb-threads-invalid".into());
    }
    let problem = form.problem.trim().replace("\r\n", "\n");
    let solution = form.solution.trim().replace("\r\n", "\n");
    page::Content {
        body_html: render_body(language, &problem, &solution),
        title,
        problem_md: problem,
        solution_md: solution,
        themes: list::encode(&themes),
        sector,
        state,
        district: form.district.trim().chars().take(100).collect(),
        language: language.into(),
        translation_slug,
        contributors: lines_clean(&form.contributors, 50),
        sources: lines_clean(&form.sources, 50),
        source_threads: list::encode(threads),
    }
}
