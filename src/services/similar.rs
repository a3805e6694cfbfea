//! Similar solved answers while asking: before a member posts a query, the published pages,
//! registry practices and answered threads closest to their draft (title and first lines),
//! found in both languages through the bilingual glossary and the community's theme. The
//! member can stop there ("this answers me", counted per page, record or thread) or post
//! anyway; moderators see the same list beside each queued query and can close it as
//! answered by one of them, which mails the asker the link. Administrators keep the glossary.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::similar_answer::{self, Source, Target, TargetKind};
use crate::models::{self, audit, community, glossary, page, post, registry, role};
use crate::search::{Audience, Likeness, SearchIndex};
use crate::services::accounts::Principal;
use crate::services::communities::Access;
use crate::services::moderate::{self, Decide, Decision, DecisionText};
use crate::services::Env;

/// How many similar answers a draft is shown.
pub const SHOWN: usize = 5;
/// How much of a draft is looked up: its title and this many first lines of the body.
const FIRST_LINES: usize = 3;
const MAX_DRAFT_CHARS: usize = 600;

/// One existing answer close to a draft.
#[derive(Debug, Clone)]
pub struct Similar {
    pub target: Target,
    /// The index's kind: page, practice or thread.
    pub kind: String,
    pub title: String,
    pub url: String,
    pub snippet_html: String,
    /// How many times it answered someone before they posted (or a queued query).
    pub answered: i64,
}

/// The part of a draft that is looked up: the title and the body's first lines.
pub fn draft_text(title: &str, body: &str) -> String {
    let mut text = title.trim().to_string();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()).take(FIRST_LINES) {
        text.push('\n');
        text.push_str(line);
    }
    text.chars().take(MAX_DRAFT_CHARS).collect()
}

/// Whether `phrase` occurs in `text` (both lowercased) as whole words; an English phrase may
/// end in a plural "s" or "es".
fn has_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(at) = text[from..].find(phrase) {
        let start = from + at;
        let end = start + phrase.len();
        let before_ok = text[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let rest = &text[end..];
        let suffix = if rest.starts_with("es") && phrase.is_ascii() { 2 } else if rest.starts_with('s') && phrase.is_ascii() { 1 } else { 0 };
        let after = |skip: usize| rest[skip..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && (after(0) || (suffix > 0 && after(suffix))) {
            return true;
        }
        from = start + phrase.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The glossary's terms in the other language for every term `text` holds, both ways.
pub fn expand(entries: &[glossary::Entry], text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    for e in entries.iter().filter(|e| !e.retired) {
        for (found, other) in [(&e.term_en, &e.term_hi), (&e.term_hi, &e.term_en)] {
            if has_phrase(&lower, &found.to_lowercase()) && !out.contains(other) {
                out.push(other.clone());
            }
        }
    }
    out
}

/// The communities whose members-only threads `user_id` reads: where they are an active
/// member or a moderator.
pub fn readable_communities(conn: &mut DbConn, user_id: i64) -> Result<Vec<i64>, AppError> {
    let roles = role::for_user(conn, user_id)?;
    crate::services::communities::member_or_moderator_of(conn, user_id, &roles)
}

/// The existing answers closest to a draft, as `asker` may read them; shown to `viewer` (the
/// asker, or a moderator beside the queued query), so a members-only thread is listed only
/// when both may read it: the list must not open another community to its moderator.
pub fn find(conn: &mut DbConn, index: &SearchIndex, c: &community::Community, asker: i64, viewer: i64, title: &str, body: &str) -> Result<Vec<Similar>, AppError> {
    let draft = draft_text(title, body);
    let entries = glossary::active(conn)?;
    let mut text = draft.clone();
    for term in expand(&entries, &draft) {
        text.push('\n');
        text.push_str(&term);
    }
    let mut communities = readable_communities(conn, asker)?;
    if viewer != asker {
        let theirs = readable_communities(conn, viewer)?;
        communities.retain(|id| theirs.contains(id));
    }
    let hits = index.similar(&Likeness { text, theme: c.theme.clone(), audience: Audience { all: false, communities }, limit: SHOWN });
    let found: Vec<(Target, crate::search::Hit)> = hits.into_iter().filter_map(|h| Some((Target::parse(&h.key)?, h))).collect();
    let targets: Vec<Target> = found.iter().map(|(t, _)| *t).collect();
    let counts = similar_answer::counts(conn, &targets)?;
    Ok(found
        .into_iter()
        .map(|(target, h)| Similar {
            answered: counts.iter().find(|(t, _)| *t == target).map_or(0, |(_, n)| n.questions),
            target,
            kind: h.kind,
            title: h.title,
            url: h.url,
            snippet_html: h.snippet_html,
        })
        .collect())
}

/// A target's title and path if `reader` may read it: a published page, a published registry
/// record, or an approved query thread that is public or of a community they read.
fn readable_target(conn: &mut DbConn, reader: i64, target: Target) -> Result<Option<(String, String)>, AppError> {
    use diesel::OptionalExtension;
    Ok(match target.kind {
        TargetKind::Page => page::find(conn, target.id).optional()?.filter(|p| p.status == page::Status::Published).map(|p| (p.title, crate::paths::page(&p.slug))),
        TargetKind::Record => registry::find(conn, target.id)
            .optional()?
            .filter(|r| r.published_version.is_some())
            .map(|r| (r.title.clone(), crate::paths::registry_record_of(&r.kind, &r.slug))),
        TargetKind::Thread => {
            let Some(root) = post::find(conn, target.id).optional()?.filter(|p| p.is_query() && p.status == post::Status::Approved) else { return Ok(None) };
            let c = community::find(conn, root.community_id)?;
            let reads = root.is_public || c.public_threads || readable_communities(conn, reader)?.contains(&c.id);
            reads.then(|| (root.title.clone(), crate::paths::thread(&c.slug, root.id)))
        }
    })
}

fn target_of(key: &str) -> Result<Target, AppError> {
    Target::parse(key).ok_or_else(|| AppError::field("target", "similar-target-unknown"))
}

/// "This answers me": the member stops before posting; the answer that did it is counted
/// once per member. Nothing is posted.
pub fn answered_me(conn: &mut DbConn, access: &Access, member: i64, key: &str) -> Result<Target, AppError> {
    if !access.is_member() {
        return Err(AppError::Forbidden);
    }
    let target = target_of(key)?;
    if readable_target(conn, member, target)?.is_none() {
        return Err(AppError::NotFound);
    }
    // A second mark, even one racing this, does nothing: the unique index refuses it.
    write_tx(conn, |tx| {
        similar_answer::insert(
            tx,
            &similar_answer::NewAnswer { community_id: access.community.id, user_id: member, target, source: Source::Member, post_id: None, created_at: models::now() },
        )?;
        Ok(target)
    })
}

/// Queued queries a queue page looks up similar answers for at most (each is a search).
const QUEUE_LOOKUPS: usize = 50;

/// The similar answers beside each queued query, as its asker would have seen them (less any
/// members-only thread the moderator may not read).
pub fn for_queries(conn: &mut DbConn, index: &SearchIndex, access: &Access, queries: &[&post::Post]) -> Result<Vec<(i64, Vec<Similar>)>, AppError> {
    access.require_moderator()?;
    let moderator = access.viewer_id.ok_or(AppError::Forbidden)?;
    let mut out = Vec::new();
    for p in queries.iter().filter(|p| p.is_query()).take(QUEUE_LOOKUPS) {
        out.push((p.id, find(conn, index, &access.community, p.author_id, moderator, &p.title, &p.body_md)?));
    }
    Ok(out)
}

/// How often a target answered: the questions (for those who edit it) and the members whose
/// question it answered (for every reader of its page); one query.
pub fn answered_count(conn: &mut DbConn, target: Target) -> Result<similar_answer::Tally, AppError> {
    Ok(similar_answer::counts(conn, &[target])?.first().map_or_else(Default::default, |(_, n)| *n))
}

/// A moderator closes a queued query as answered by an existing page, record or thread the
/// asker may read: the query is rejected with that reason, the asker is mailed the link (in
/// their language, through the outbox) and the answer is counted, in one transaction.
pub fn close_as_answered(conn: &mut DbConn, env: &Env, access: &Access, actor: i64, post_id: i64, version: i32, key: &str) -> Result<(), AppError> {
    let p = moderate::post_in(conn, access, post_id)?;
    if !p.is_query() {
        return Err(AppError::NotFound);
    }
    let target = target_of(key)?;
    // Both must read it: the note names the target to the asker, and the moderator chose it.
    if readable_target(conn, actor, target)?.is_none() {
        return Err(AppError::field("target", "similar-target-unknown"));
    }
    let Some((title, path)) = readable_target(conn, p.author_id, target)? else { return Err(AppError::field("target", "similar-target-unknown")) };
    let note = Message::new("similar-closed-note").arg("title", title).arg("url", env.url(&path)).to_stored();
    let cmd = Decide { decision: Decision::Reject, version, text: DecisionText { message: note, ..Default::default() } };
    write_tx(conn, |tx| {
        moderate::decide_in(tx, env, access, actor, p.id, &cmd)?;
        similar_answer::insert(
            tx,
            &similar_answer::NewAnswer { community_id: access.community.id, user_id: p.author_id, target, source: Source::Moderator, post_id: Some(p.id), created_at: models::now() },
        )?;
        Ok(())
    })
}

// --- The glossary, kept by administrators ---

/// A glossary entry as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GlossaryForm {
    #[serde(default)]
    pub term_en: String,
    #[serde(default)]
    pub term_hi: String,
    #[serde(default)]
    pub retired: bool,
}

const MAX_TERM: usize = 80;

fn require_admin(who: &Principal) -> Result<(), AppError> {
    if who.roles.is_admin() { Ok(()) } else { Err(AppError::Forbidden) }
}

pub fn glossary(conn: &mut DbConn, who: &Principal) -> Result<Vec<glossary::Entry>, AppError> {
    require_admin(who)?;
    Ok(glossary::all(conn)?)
}

fn clean_pair(conn: &mut DbConn, form: &GlossaryForm, except: i64) -> Result<(String, String), AppError> {
    let mut errors = FieldErrors::new();
    let en = models::single_line(&form.term_en).to_lowercase();
    let hi = models::single_line(&form.term_hi);
    for (field, value) in [("term_en", &en), ("term_hi", &hi)] {
        if value.is_empty() {
            errors.insert(field, "similar-term-missing".into());
        } else if value.chars().count() > MAX_TERM {
            errors.insert(field, Message::new("too-long").arg("max", MAX_TERM));
        }
    }
    if errors.is_empty() && glossary::same_pair(conn, &en, &hi, except)? {
        errors.insert("term_en", "similar-term-taken".into());
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok((en, hi))
}

fn audit_entry(conn: &mut DbConn, actor: i64, key: &'static str, en: &str, hi: &str) -> diesel::QueryResult<usize> {
    let detail = Message::new(key).arg("en", en).arg("hi", hi).to_stored();
    audit::insert(conn, &audit::NewAuditEntry { actor_id: Some(actor), action: "glossary", subject_user_id: None, detail: &detail, created_at: models::now() })
}

pub fn add_term(conn: &mut DbConn, who: &Principal, form: &GlossaryForm) -> Result<(), AppError> {
    require_admin(who)?;
    let (en, hi) = clean_pair(conn, form, 0)?;
    write_tx(conn, |tx| {
        glossary::insert(tx, &en, &hi, models::now())?;
        audit_entry(tx, who.user.id, "similar-audit-added", &en, &hi)?;
        Ok(())
    })
}

/// Edits or retires an entry; a retired entry no longer expands drafts.
pub fn update_term(conn: &mut DbConn, who: &Principal, id: i64, form: &GlossaryForm) -> Result<(), AppError> {
    require_admin(who)?;
    glossary::find(conn, id)?;
    let (en, hi) = clean_pair(conn, form, id)?;
    write_tx(conn, |tx| {
        glossary::update(tx, id, &en, &hi, form.retired, models::now())?;
        audit_entry(tx, who.user.id, if form.retired { "similar-audit-retired" } else { "similar-audit-updated" }, &en, &hi)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(en: &str, hi: &str) -> glossary::Entry {
        let now = models::now();
        glossary::Entry { id: 0, term_en: en.into(), term_hi: hi.into(), retired: false, created_at: now, updated_at: now }
    }

    #[test]
    fn the_glossary_expands_both_ways_by_whole_words() {
        let g = [entry("cupola", "कुपोला"), entry("coke", "कोक"), entry("child labour", "बाल श्रम"), entry("energy", "ऊर्जा")];
        assert_eq!(expand(&g, "कुपोला में कोक की बचत"), ["cupola", "coke"]);
        assert_eq!(expand(&g, "Coke use in two Cupolas"), ["कुपोला", "कोक"], "in the glossary's order");
        assert_eq!(expand(&g, "Child labour in stitching"), ["बाल श्रम"]);
        assert!(expand(&g, "cokes? coked, energetic").len() == 1, "plural only: {:?}", expand(&g, "cokes? coked, energetic"));
        let mut retired = entry("energy", "ऊर्जा");
        retired.retired = true;
        assert!(expand(&[retired], "energy").is_empty());
    }

    #[test]
    fn a_draft_is_its_title_and_first_lines() {
        assert_eq!(draft_text(" Coke ", "one\n\n two\nthree\nfour"), "Coke\none\ntwo\nthree");
        assert_eq!(draft_text(&"x".repeat(700), "").chars().count(), MAX_DRAFT_CHARS);
    }
}
