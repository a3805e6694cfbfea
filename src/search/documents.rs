//! What the index holds for each item: one document per published page, approved thread
//! (public, or members-only with its community as audience) and published registry record,
//! keyed `kind:id` so a change deletes then re-adds it.

use tantivy::schema::TantivyDocument;
use tantivy::doc;

use super::audience::{members_of, PUBLIC};
use super::schema::Fields;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{community, outcome, page, post, registry, search_outbox, user, vocabulary};

fn is_hindi(text: &str) -> bool {
    text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
}

/// A published page's document.
/// `worked`: how many members said the page worked for them.
pub(super) fn page_document(f: &Fields, p: &page::Page, worked: i64) -> Option<TantivyDocument> {
    if p.status != page::Status::Published {
        return None;
    }
    let mut d = doc!(
        f.key => format!("page:{}", p.id),
        f.kind => "page",
        f.title => p.title.clone(),
        f.body => format!("{}\n{}", crate::markdown::to_plain_text(&p.problem_md), crate::markdown::to_plain_text(&p.solution_md)),
        f.url => crate::paths::page(&p.slug),
        f.state => p.state.clone(),
        f.sector => p.sector.clone(),
        f.language => p.language.clone(),
        f.audience => PUBLIC,
    );
    for t in p.theme_list() {
        d.add_text(f.theme, t);
    }
    f.add_worked(&mut d, worked);
    f.add_facet_set(&mut d);
    Some(d)
}

/// The document for one item, or None when it is not to be found (then it is only deleted):
/// threads are in once approved (withdrawn, rejected, held or pending ones never), readable
/// by everyone or by their community's members as the thread page decides.
pub(super) fn document(conn: &mut DbConn, f: &Fields, kind: search_outbox::Kind, id: i64) -> Result<Option<TantivyDocument>, AppError> {
    match kind {
        search_outbox::Kind::Page => {
            let Ok(p) = page::find(conn, id) else { return Ok(None) };
            let worked = outcome::counts(conn, outcome::Subject::Page, p.id)?.worked;
            Ok(page_document(f, &p, worked))
        }
        search_outbox::Kind::Thread => {
            let Ok(root) = post::find(conn, id) else { return Ok(None) };
            let c = community::find(conn, root.community_id)?;
            if !root.is_query() || root.status != post::Status::Approved {
                return Ok(None);
            }
            let audience = if root.is_public || c.public_threads { PUBLIC.to_string() } else { members_of(c.id) };
            let replies = post::replies(conn, root.id, None, false)?;
            let answered = root.answered().is_some() || !replies.is_empty();
            let mut body = crate::markdown::to_plain_text(&root.body_md);
            for (r, _) in replies {
                body.push('\n');
                body.push_str(&crate::markdown::to_plain_text(&r.body_md));
            }
            let _ = user::find(conn, root.author_id)?;
            let language = if is_hindi(&format!("{} {body}", root.title)) { "hi" } else { "en" };
            let mut d = doc!(
                f.key => format!("thread:{}", root.id),
                f.kind => "thread",
                f.title => root.title.clone(),
                f.body => body,
                f.url => crate::paths::thread(&c.slug, root.id),
                f.state => root.state.clone(),
                f.sector => root.sector.clone(),
                f.language => language,
                f.audience => audience,
                f.community => c.id.to_string(),
            );
            if answered {
                d.add_text(f.answered, "yes");
            }
            for t in root.theme_list() {
                d.add_text(f.theme, t);
            }
            f.add_facet_set(&mut d);
            Ok(Some(d))
        }
        search_outbox::Kind::Record => {
            let Ok(r) = registry::find(conn, id) else { return Ok(None) };
            let terms = vocabulary::all(conn)?;
            record_document(conn, f, &terms, &r)
        }
        _ => Ok(None),
    }
}

/// A published registry record's document: its title, and every published value as text
/// (vocabulary codes by their labels), so a search for "child labour" finds the initiatives
/// tagged with it.
pub(super) fn record_document(conn: &mut DbConn, f: &Fields, terms: &[vocabulary::Term], r: &registry::Record) -> Result<Option<TantivyDocument>, AppError> {
    let Some(n) = r.published_version else { return Ok(None) };
    let v = registry::version(conn, r.id, n)?;
    let values: std::collections::BTreeMap<String, String> = serde_json::from_str(&v.fields).unwrap_or_default();
    let mut body = String::new();
    for (name, value) in &values {
        if matches!(name.as_str(), "title" | "name" | "pages" | "threads") {
            continue;
        }
        // Multi-valued fields hold a list (models::list); other text is read line by line too.
        for item in crate::models::list::decode(value) {
            let label = terms.iter().find(|t| t.code == item && t.vocab != "state").map(|t| t.label.as_str()).unwrap_or(item);
            body.push_str(label);
            body.push('\n');
        }
    }
    let language = if is_hindi(&format!("{} {body}", r.title)) { "hi" } else { "en" };
    let mut d = doc!(
        f.key => format!("record:{}", r.id),
        f.kind => r.kind.clone(),
        f.title => r.title.clone(),
        f.body => body,
        f.url => crate::paths::registry_record_of(&r.kind, &r.slug),
        f.state => r.state.clone(),
        f.sector => r.sector.clone(),
        f.language => language,
        f.district => values.get("district").cloned().unwrap_or_default(),
        f.summary => telling(&r.kind, &values),
        f.audience => PUBLIC,
    );
    if r.kind == "practice" {
        f.add_worked(&mut d, outcome::counts(conn, outcome::Subject::Practice, r.id)?.worked);
    }
    f.add_facet_set(&mut d);
    Ok(Some(d))
}

/// A field value on one line, cut at a word.
fn line_of(values: &std::collections::BTreeMap<String, String>, name: &str) -> Option<String> {
    values.get(name).map(|v| crate::markdown::one_line(v, 140)).filter(|v| !v.is_empty())
}

/// The one value that tells most about a record in a list of results: an initiative's first
/// indicator (baseline to latest) or else its outcomes, a practice's economic benefit, a
/// cluster's product, an agency's type.
fn telling(kind: &str, values: &std::collections::BTreeMap<String, String>) -> String {
    let indicator = || {
        let first = values.get("indicators")?.lines().find(|l| !l.trim().is_empty())?;
        let parts: Vec<&str> = first.split('|').map(str::trim).collect();
        match parts.as_slice() {
            [name, baseline, latest, unit, ..] if !latest.is_empty() => Some(format!("{name}: {baseline} → {latest} {unit}").replace(":  → ", ": ").trim().to_string()),
            [name, ..] => Some(name.to_string()),
            [] => None,
        }
    };
    let found = match kind {
        "initiative" => indicator().or_else(|| line_of(values, "outcomes")),
        "practice" => line_of(values, "economic_benefit").or_else(|| line_of(values, "intervention")),
        "cluster" => line_of(values, "product").or_else(|| line_of(values, "description")),
        "agency" => line_of(values, "agency_type").or_else(|| line_of(values, "mandate")),
        _ => None,
    };
    found.unwrap_or_default()
}
