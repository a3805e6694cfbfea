//! "It worked?": members say of a knowledge page or a registry best practice that they tried
//! it, that it worked, or that it did not work for them, with an optional short note; one
//! report per member and subject, which they may change. The counts show on the page and in
//! the search index (a change re-indexes the page or record through the search outbox).
//!
//! Sixty days after a query was answered by a page (one made from its thread, or one that
//! existed), or was closed in the queue as answered by an existing page, its asker gets one mail asking whether the answer worked, with one link per
//! answer. A link only opens a page with that answer chosen and a confirm button: mail
//! scanners fetch links, so nothing is recorded on GET. The link carries a token derived from
//! the asker's mail key for this query, so the asker need not sign in.
//!
//! Editors of a page read its notes and fold chosen ones into the page's "Field reports"
//! section as a new revision; practices' notes are read by those who keep the record.

use chrono::{Duration, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::AppError;
use crate::models::mail_outbox::OutboxKind;
use crate::models::outcome::{self, Counts, Outcome, Subject, Verdict};
use crate::models::{self, page, post, registry, search_outbox};
use crate::paths;
use crate::services::accounts::Principal;
use crate::services::{knowledge, notify, Env};
use crate::tokens::address::Token;
use crate::tokens::MailPurpose;

/// The longest note, in characters.
pub const MAX_NOTE: usize = 500;
/// Days after a query's answer when its asker is asked whether it worked.
pub const ASK_AFTER_DAYS: i64 = 60;
/// Queries asked about in one scheduler pass.
const ASK_BATCH: i64 = 200;

/// What a report is about, as its pages show it.
#[derive(Debug, Clone)]
pub struct Target {
    pub subject: Subject,
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// Where the page or record is.
    pub url: String,
    /// Where a member reports on it.
    pub form_url: String,
}

/// Where a page or practice is.
pub fn subject_path(subject: Subject, slug: &str) -> String {
    match subject {
        Subject::Page => paths::page(slug),
        Subject::Practice => paths::registry_record_of("practice", slug),
    }
}

pub fn form_path(subject: Subject, slug: &str) -> String {
    paths::outcome_form(&subject_path(subject, slug))
}

pub fn notes_path(subject: Subject, slug: &str) -> String {
    paths::field_reports(&subject_path(subject, slug))
}

/// A published page or practice by its web name; 404 otherwise.
pub fn target(conn: &mut DbConn, subject: Subject, slug: &str) -> Result<Target, AppError> {
    let (id, title, url) = match subject {
        Subject::Page => {
            let p = page::find_by_slug(conn, slug)?.filter(|p| p.status == page::Status::Published).ok_or(AppError::NotFound)?;
            (p.id, p.title, paths::page(&p.slug))
        }
        Subject::Practice => {
            let r = registry::find_by_slug(conn, "practice", slug)?.filter(|r| r.is_published() && r.withdrawn_at.is_none()).ok_or(AppError::NotFound)?;
            (r.id, r.title, paths::registry_record_of("practice", &r.slug))
        }
    };
    Ok(Target { subject, id, slug: slug.to_string(), title, url, form_url: form_path(subject, slug) })
}

/// The note's length, checked before anything else is looked at.
pub fn check_note(note: &str) -> Result<(), AppError> {
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::field("note", crate::error::Message::new("outcome-note-long").arg("max", MAX_NOTE as i64)));
    }
    Ok(())
}

fn verdict_of(word: &str) -> Result<Verdict, AppError> {
    word.parse().map_err(|_| AppError::field("verdict", "outcome-verdict-choose"))
}

/// A member's report form: the subject, their report so far, and the counts.
pub fn form(conn: &mut DbConn, who: &Principal, subject: Subject, slug: &str) -> Result<(Target, Option<Outcome>, Counts), AppError> {
    let t = target(conn, subject, slug)?;
    let mine = outcome::mine(conn, subject, t.id, who.user.id)?;
    let counts = outcome::counts(conn, subject, t.id)?;
    Ok((t, mine, counts))
}

/// Writes the report and queues the subject for re-indexing, together.
fn record(conn: &mut DbConn, subject: Subject, subject_id: i64, user_id: i64, verdict: Verdict, note: &str) -> Result<(), AppError> {
    write_tx(conn, |tx| {
        outcome::save(tx, subject, subject_id, user_id, verdict, note, models::now())?;
        let kind = match subject {
            Subject::Page => search_outbox::Kind::Page,
            Subject::Practice => search_outbox::Kind::Record,
        };
        search_outbox::push(tx, kind, subject_id)?;
        Ok(())
    })
}

/// A signed-in member's report (new or changed).
pub fn report(conn: &mut DbConn, who: &Principal, subject: Subject, slug: &str, verdict: &str, note: &str) -> Result<(), AppError> {
    check_note(note)?;
    let verdict = verdict_of(verdict)?;
    let t = target(conn, subject, slug)?;
    record(conn, subject, t.id, who.user.id, verdict, note.trim())
}

/// The counts of a published subject (for pages that show them).
pub fn counts(conn: &mut DbConn, subject: Subject, id: i64) -> Result<Counts, AppError> {
    Ok(outcome::counts(conn, subject, id)?)
}

/// The notes on a subject, for those who keep it: a page's editors (who may fold them), a
/// practice's focal points and reviewers.
pub struct Notes {
    pub target: Target,
    pub notes: Vec<(Outcome, String)>,
    pub counts: Counts,
    pub may_fold: bool,
    /// The page's revision the notes were read at (folding checks it has not moved).
    pub revision: i32,
}

pub fn notes(conn: &mut DbConn, who: &Principal, subject: Subject, slug: &str) -> Result<Notes, AppError> {
    let (target, may_fold, revision) = match subject {
        Subject::Page => {
            let p = page::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
            let p = knowledge::require_page(conn, who, p.id)?;
            let t = Target { subject, id: p.id, slug: p.slug.clone(), title: p.title.clone(), url: paths::page(&p.slug), form_url: form_path(subject, &p.slug) };
            (t, true, p.revision)
        }
        Subject::Practice => {
            let v = match crate::services::registry::view(conn, Some(who), crate::services::registry::Kind::Practice, slug)? {
                crate::services::registry::Lookup::Found(v) => v,
                crate::services::registry::Lookup::Gone { .. } => return Err(AppError::Gone),
            };
            if !(v.may_edit || v.may_review) {
                return Err(AppError::Forbidden);
            }
            let r = &v.record;
            (Target { subject, id: r.id, slug: r.slug.clone(), title: r.title.clone(), url: paths::registry_record_of("practice", &r.slug), form_url: form_path(subject, &r.slug) }, false, 0)
        }
    };
    let notes = outcome::notes(conn, subject, target.id)?;
    let counts = outcome::counts(conn, subject, target.id)?;
    Ok(Notes { target, notes, counts, may_fold, revision })
}

/// The heading of the section notes are folded into, in the page's language.
fn field_reports_heading(language: &str) -> &'static str {
    if language == "hi" { "क्षेत्र से रिपोर्ट" } else { "Field reports" }
}

fn verdict_words(language: &str, v: Verdict) -> &'static str {
    match (language == "hi", v) {
        (false, Verdict::Tried) => "Tried",
        (false, Verdict::Worked) => "It worked",
        (false, Verdict::Failed) => "It did not work",
        (true, Verdict::Tried) => "आज़माया",
        (true, Verdict::Worked) => "काम आया",
        (true, Verdict::Failed) => "काम नहीं आया",
    }
}

/// `solution` with the notes appended to its "Field reports" section (made at the end when
/// it has none), one item each: the verdict, the month, the note on one line.
pub fn with_field_reports(solution: &str, language: &str, notes: &[&Outcome]) -> String {
    let heading = format!("## {}", field_reports_heading(language));
    let mut out = solution.trim_end().to_string();
    if !out.lines().any(|l| l.trim() == heading) {
        out.push_str("\n\n");
        out.push_str(&heading);
        out.push('\n');
    }
    out.push('\n');
    for n in notes {
        let note = n.note.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!("- {} ({}): {}\n", verdict_words(language, n.verdict), n.updated_at.format("%Y-%m"), note));
    }
    out
}

/// Folds chosen notes into the page as a new revision (the editor's right, the page's
/// revision as read, and the notes are checked); the notes are marked folded in the same
/// transaction as the revision.
pub fn fold(conn: &mut DbConn, who: &Principal, slug: &str, revision: i32, ids: &[i64]) -> Result<(), AppError> {
    let p = page::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
    let p = knowledge::require_page(conn, who, p.id)?;
    if ids.is_empty() {
        return Err(AppError::field("notes", "outcome-fold-choose"));
    }
    if revision != p.revision {
        return Err(AppError::Conflict("kb-edit-conflict".into()));
    }
    let chosen: Vec<Outcome> = outcome::notes(conn, Subject::Page, p.id)?.into_iter().map(|(o, _)| o).filter(|o| ids.contains(&o.id) && o.folded_at.is_none()).collect();
    if chosen.is_empty() {
        return Err(AppError::field("notes", "outcome-fold-choose"));
    }
    let mut chosen_sorted: Vec<&Outcome> = chosen.iter().collect();
    chosen_sorted.sort_by_key(|o| (o.updated_at, o.id));
    let mut form = knowledge::PageForm::of(&p);
    form.solution = with_field_reports(&p.solution_md, &p.language, &chosen_sorted);
    form.note = "field reports".into();
    let by = who.user.id;
    let folded: Vec<i64> = chosen.iter().map(|o| o.id).collect();
    knowledge::save_then(conn, Some(by), p.id, &form, move |tx| {
        if outcome::mark_folded(tx, Subject::Page, p.id, &folded, by, models::now())? != folded.len() {
            return Err(AppError::Conflict("outcome-fold-stale".into()));
        }
        Ok(())
    })?;
    Ok(())
}

/// Asks each asker whose query was answered by a page at least ASK_AFTER_DAYS before `now`,
/// or closed by a moderator as answered by an existing page as long ago, and who was not
/// asked yet; the ask is recorded with the mail, so each query's asker is asked once.
/// Returns the number of mails queued.
pub fn ask_due(conn: &mut DbConn, env: &Env, now: NaiveDateTime) -> Result<usize, AppError> {
    let before = now - Duration::days(ASK_AFTER_DAYS);
    let mut due = outcome::due_asks(conn, before, ASK_BATCH)?;
    due.extend(outcome::due_closed_asks(conn, before, ASK_BATCH)?);
    let mut sent = 0;
    for (query_id, asker, page_id) in due {
        write_tx(conn, |tx| {
            if !outcome::record_ask(tx, query_id, page_id, asker, now)? {
                return Ok::<_, AppError>(());
            }
            if notify::notify_once(tx, env, asker, OutboxKind::OutcomeAsk, Some(query_id), None, &format!("outcome.ask.{query_id}"))? {
                sent += 1;
            }
            Ok(())
        })?;
    }
    Ok(sent)
}

/// What an asking mail's link opens.
pub struct Ask {
    pub query_id: i64,
    pub query_title: String,
    pub page: Target,
    pub token: String,
    pub mine: Option<Outcome>,
}

/// The asker and the answer a link is for; NotFound for a link that does not hold (a wrong
/// token, a query never asked about, a page no longer published).
pub fn ask(conn: &mut DbConn, query_id: i64, token: &str) -> Result<Ask, AppError> {
    let t = Token::parse(token).ok_or(AppError::NotFound)?;
    let u = crate::services::mail_identity::member_for(conn, &t, MailPurpose::Outcome, query_id)?.ok_or(AppError::NotFound)?;
    let q = post::find(conn, query_id).map_err(|_| AppError::NotFound)?;
    if q.author_id != u.id {
        return Err(AppError::NotFound);
    }
    let page_id = outcome::asked_page(conn, query_id)?.ok_or(AppError::NotFound)?;
    let (slug, _) = outcome::page_title(conn, page_id)?.ok_or(AppError::NotFound)?;
    let page = target(conn, Subject::Page, &slug)?;
    let mine = outcome::mine(conn, Subject::Page, page.id, u.id)?;
    Ok(Ask { query_id, query_title: q.title, page, token: token.to_string(), mine })
}

/// The asker's answer through the mail's link, recorded as their report on the page.
pub fn answer_ask(conn: &mut DbConn, query_id: i64, token: &str, verdict: &str, note: &str) -> Result<(), AppError> {
    check_note(note)?;
    let a = ask(conn, query_id, token)?;
    let verdict = verdict_of(verdict)?;
    let user_id = Token::parse(token).map(|t| t.user_id).ok_or(AppError::NotFound)?;
    record(conn, Subject::Page, a.page.id, user_id, verdict, note.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(id: i64, verdict: Verdict, text: &str) -> Outcome {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap().and_hms_opt(9, 0, 0).unwrap();
        Outcome { id, subject: Subject::Page, subject_id: 1, user_id: id, verdict, note: text.into(), created_at: at, updated_at: at, folded_at: None, folded_by: None }
    }

    #[test]
    fn notes_go_under_one_field_reports_heading() {
        let (a, b) = (note(1, Verdict::Worked, "Saved 20%\nof coke."), note(2, Verdict::Failed, "Our blower was too small."));
        let once = with_field_reports("Sell it.\n", "en", &[&a]);
        assert_eq!(once, "Sell it.\n\n## Field reports\n\n- It worked (2026-11): Saved 20% of coke.\n");
        let twice = with_field_reports(&once, "en", &[&b]);
        assert_eq!(twice.matches("## Field reports").count(), 1, "{twice}");
        assert!(twice.ends_with("- It did not work (2026-11): Our blower was too small.\n"), "{twice}");
        assert!(with_field_reports("x", "hi", &[&a]).contains("## क्षेत्र से रिपोर्ट"));
    }

    #[test]
    fn a_long_note_is_refused_before_anything_else() {
        assert!(check_note(&"a".repeat(MAX_NOTE)).is_ok());
        assert!(check_note(&"अ".repeat(MAX_NOTE)).is_ok(), "characters, not bytes");
        assert!(check_note(&"a".repeat(MAX_NOTE + 1)).is_err());
    }
}
