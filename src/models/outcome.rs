//! "It worked?": members' reports on a knowledge page or a registry best practice, one per
//! member and subject (editable), and the record of the one mail that asks an asker, sixty
//! days after their query was answered by a page, whether the answer worked.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{outcome_asks, outcomes, pages, posts, similar_answers, users};
use crate::db::DbConn;

crate::text_enum! {
    /// What a report is about.
    pub enum Subject {
        /// A knowledge page (subject_id: the page).
        Page,
        /// A registry best practice (subject_id: the record).
        Practice,
    }
}

crate::text_enum! {
    /// What a member says of a page or practice.
    pub enum Verdict {
        /// "I tried this" (no result yet).
        Tried,
        /// "It worked".
        Worked,
        /// "It did not work for us".
        Failed,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = outcomes)]
pub struct Outcome {
    pub id: i64,
    pub subject: Subject,
    pub subject_id: i64,
    pub user_id: i64,
    pub verdict: Verdict,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub folded_at: Option<NaiveDateTime>,
    pub folded_by: Option<i64>,
}

/// How many members said what of one subject.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub tried: i64,
    pub worked: i64,
    pub failed: i64,
}

impl Counts {
    pub fn total(&self) -> i64 {
        self.tried + self.worked + self.failed
    }
}

/// The member's report on a subject, if they made one.
pub fn mine(conn: &mut DbConn, subject: Subject, subject_id: i64, user_id: i64) -> QueryResult<Option<Outcome>> {
    outcomes::table
        .filter(outcomes::subject.eq(subject))
        .filter(outcomes::subject_id.eq(subject_id))
        .filter(outcomes::user_id.eq(user_id))
        .select(Outcome::as_select())
        .first(conn)
        .optional()
}

/// Writes the member's report, replacing the one they made before (its note is no longer
/// folded: it is new text). True when it was new.
pub fn save(conn: &mut DbConn, subject: Subject, subject_id: i64, user_id: i64, verdict: Verdict, note: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(outcomes::table.filter(outcomes::subject.eq(subject)).filter(outcomes::subject_id.eq(subject_id)).filter(outcomes::user_id.eq(user_id)))
        .set((outcomes::verdict.eq(verdict), outcomes::note.eq(note), outcomes::updated_at.eq(now), outcomes::folded_at.eq(None::<NaiveDateTime>), outcomes::folded_by.eq(None::<i64>)))
        .execute(conn)?;
    if n > 0 {
        return Ok(false);
    }
    diesel::insert_into(outcomes::table)
        .values((
            outcomes::subject.eq(subject),
            outcomes::subject_id.eq(subject_id),
            outcomes::user_id.eq(user_id),
            outcomes::verdict.eq(verdict),
            outcomes::note.eq(note),
            outcomes::created_at.eq(now),
            outcomes::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Every report one member made, oldest first (their data export).
pub fn by_member(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<Outcome>> {
    outcomes::table.filter(outcomes::user_id.eq(user_id)).order(outcomes::id.asc()).select(Outcome::as_select()).load(conn)
}

/// The counts of one subject.
pub fn counts(conn: &mut DbConn, subject: Subject, subject_id: i64) -> QueryResult<Counts> {
    let rows: Vec<(Verdict, i64)> = outcomes::table
        .filter(outcomes::subject.eq(subject))
        .filter(outcomes::subject_id.eq(subject_id))
        .group_by(outcomes::verdict)
        .select((outcomes::verdict, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(tally(&rows))
}

fn tally(rows: &[(Verdict, i64)]) -> Counts {
    let mut c = Counts::default();
    for (v, n) in rows {
        match v {
            Verdict::Tried => c.tried += n,
            Verdict::Worked => c.worked += n,
            Verdict::Failed => c.failed += n,
        }
    }
    c
}

/// How many members said "it worked" of each subject of a kind that has any (rebuilding the
/// index reads them all at once).
pub fn worked_by_subject(conn: &mut DbConn, subject: Subject) -> QueryResult<std::collections::HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = outcomes::table
        .filter(outcomes::subject.eq(subject))
        .filter(outcomes::verdict.eq(Verdict::Worked))
        .group_by(outcomes::subject_id)
        .select((outcomes::subject_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The reports with a note on a subject, newest first, with their authors' names.
pub fn notes(conn: &mut DbConn, subject: Subject, subject_id: i64) -> QueryResult<Vec<(Outcome, String)>> {
    outcomes::table
        .inner_join(users::table.on(users::id.eq(outcomes::user_id)))
        .filter(outcomes::subject.eq(subject))
        .filter(outcomes::subject_id.eq(subject_id))
        .filter(outcomes::note.ne(""))
        .order((outcomes::updated_at.desc(), outcomes::id.desc()))
        .select((Outcome::as_select(), users::name))
        .load(conn)
}

/// Marks notes of one subject folded into it; returns how many were still unfolded.
pub fn mark_folded(conn: &mut DbConn, subject: Subject, subject_id: i64, ids: &[i64], by: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outcomes::table.filter(outcomes::subject.eq(subject)).filter(outcomes::subject_id.eq(subject_id)).filter(outcomes::id.eq_any(ids.to_vec())).filter(outcomes::folded_at.is_null()))
        .set((outcomes::folded_at.eq(Some(now)), outcomes::folded_by.eq(Some(by))))
        .execute(conn)
}

/// Queries answered by a page (made from their thread, or one that existed) at or before
/// `before`, still approved, whose askers have not been asked yet; oldest answer first.
pub fn due_asks(conn: &mut DbConn, before: NaiveDateTime, limit: i64) -> QueryResult<Vec<(i64, i64, i64)>> {
    posts::table
        .left_join(outcome_asks::table.on(outcome_asks::query_id.eq(posts::id)))
        .filter(outcome_asks::query_id.is_null())
        .filter(posts::thread_id.is_null())
        .filter(posts::status.eq(crate::models::post::Status::Approved))
        .filter(posts::consolidated_at.le(before))
        .filter(posts::answered_page_id.is_not_null())
        .order((posts::consolidated_at.asc(), posts::id.asc()))
        .limit(limit)
        .select((posts::id, posts::author_id, posts::answered_page_id.assume_not_null()))
        .load(conn)
}

/// Queries a moderator closed as answered by an existing page at or before `before`, still
/// closed (rejected), whose askers have not been asked yet; oldest closing first. The same
/// (query, asker, page) as `due_asks`.
pub fn due_closed_asks(conn: &mut DbConn, before: NaiveDateTime, limit: i64) -> QueryResult<Vec<(i64, i64, i64)>> {
    use crate::models::similar_answer::{Source, TargetKind};
    similar_answers::table
        .inner_join(posts::table.on(posts::id.nullable().eq(similar_answers::post_id)))
        .left_join(outcome_asks::table.on(outcome_asks::query_id.nullable().eq(similar_answers::post_id)))
        .filter(outcome_asks::query_id.is_null())
        .filter(similar_answers::source.eq(Source::Moderator.as_str()))
        .filter(similar_answers::target_kind.eq(TargetKind::Page.as_str()))
        .filter(similar_answers::created_at.le(before))
        .filter(posts::status.eq(crate::models::post::Status::Rejected))
        .order((similar_answers::created_at.asc(), similar_answers::id.asc()))
        .limit(limit)
        .select((posts::id, posts::author_id, similar_answers::target_id))
        .load(conn)
}

/// Records that the asker of `query_id` was asked; false when they already were.
pub fn record_ask(conn: &mut DbConn, query_id: i64, page_id: i64, user_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n: i64 = outcome_asks::table.filter(outcome_asks::query_id.eq(query_id)).count().get_result(conn)?;
    if n > 0 {
        return Ok(false);
    }
    diesel::insert_into(outcome_asks::table)
        .values((outcome_asks::query_id.eq(query_id), outcome_asks::page_id.eq(page_id), outcome_asks::user_id.eq(user_id), outcome_asks::sent_at.eq(now)))
        .execute(conn)?;
    Ok(true)
}

/// The page the asker of `query_id` was asked about, once asked (and so may answer through
/// the mail's links): the ask row keeps it, whether the query was answered or closed by it.
pub fn asked_page(conn: &mut DbConn, query_id: i64) -> QueryResult<Option<i64>> {
    outcome_asks::table.find(query_id).select(outcome_asks::page_id).first(conn).optional()
}

/// A published page's title and slug, for the mail and the confirmation page.
pub fn page_title(conn: &mut DbConn, page_id: i64) -> QueryResult<Option<(String, String)>> {
    pages::table.find(page_id).select((pages::slug, pages::title)).first(conn).optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_by_verdict() {
        let c = tally(&[(Verdict::Worked, 7), (Verdict::Tried, 2), (Verdict::Failed, 1), (Verdict::Worked, 1)]);
        assert_eq!(c, Counts { tried: 2, worked: 8, failed: 1 });
        assert_eq!(c.total(), 11);
        assert_eq!(tally(&[]).total(), 0);
    }
}
