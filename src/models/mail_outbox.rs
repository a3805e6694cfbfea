//! The mail outbox: rows written in the same transaction as the change that causes the mail,
//! delivered later by the sender task, at least once, retried with backoff.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::mail_outbox;
use crate::db::DbConn;

crate::text_enum! {
    /// Where an outbox row stands.
    pub enum Status {
        Queued,
        Sent,
        Failed,
    }
}

crate::text_enum! {
    /// What an outbox row is. Each kind is rendered for its recipient, in their language, when it
    /// is sent (`mail::render`); a new notification is a new kind and a view, never a new path.
    /// Stored as text so both databases hold it alike.
    pub enum OutboxKind {
        /// Bodies stored in the row. Nothing writes these any more: they are mail queued before
        /// every mail became a typed kind, still sent after an upgrade.
        Raw,
        /// An approved post, to a member who takes each message (ref_id: the post).
        Post,
        /// A digest or daily summary (ref_id: the digest).
        Digest,
        /// A moderator's decision, to the post's author (ref_id: the post).
        Notice,
        /// A link to confirm a new account's address (payload: the link's secret).
        VerifyEmail,
        /// Someone tried to register with an address that has an account.
        AlreadyRegistered,
        /// A link to choose a new password (payload: the link's secret).
        ResetPassword,
        /// The account's password was changed.
        PasswordChanged,
        /// A message by mail held until the member confirms it (ref_id: the community; payload:
        /// the link's secret).
        ConfirmHeld,
        /// A registry reviewer's decision, to the version's focal point (ref_id: the record;
        /// payload: the decision).
        RegistryDecision,
        /// A registry record not verified for a year, to a focal point (ref_id: the record).
        RegistryReminder,
        /// A post has entered the moderator queue, to its author (ref_id: the post).
        Receipt,
        /// A query has its answer (a consolidated page, an existing page, or the thread
        /// itself), to the asker and to each who replied (ref_id: the query).
        AnswerPersonal,
        /// The consolidated reply as list mail, to members who take each message (ref_id:
        /// the query).
        AnswerList,
        /// Something new waits in a queue, to a moderator who takes their queue at once
        /// (ref_id: the community; payload: what it is).
        ModeratorItem,
        /// What waits in every queue a moderator keeps, and queries due soon; rendered from
        /// the queues as they are when sent.
        ModeratorQueue,
        /// A query has waited for a moderator longer than allowed (ref_id: the query).
        ModeratorUrgent,
        /// A registry version waits for review, to the national focal points (ref_id: the record).
        RegistrySubmitted,
        /// A member's daily roundup of notices (payload: the notices).
        Roundup,
        /// A member's message by mail was refused, and why (ref_id: its inbound_mail row).
        MailRefused,
        /// A member's message by mail was posted without some of its parts, and why (ref_id:
        /// its inbound_mail row).
        MailPartsDropped,
        /// Feedback on a registry record, to its state's focal points (ref_id: the feedback).
        RegistryFeedback,
        /// Feedback unanswered too long, to the national focal points (ref_id: the feedback).
        RegistryFeedbackEscalated,
        /// A focal point's answer, to the address the visitor left (ref_id: the feedback;
        /// payload: the visitor's language).
        RegistryFeedbackAnswer,
        /// A moderator asks an expert for their input on a query (ref_id: the expert_requests
        /// row), with the thread's reply address and a link to read it.
        ExpertRequest,
        /// Sixty days after a query was answered by a page, to its asker: did it work?
        /// (ref_id: the query).
        OutcomeAsk,
        /// A week's new matches between funding offers and proposals, to the author of one side
        /// of each (payload: the matches).
        FundingMatches,
        /// A decision on something a person submitted: an ESR score card approved or returned
        /// by the national focal point, an agency registration request decided by a state
        /// focal point; to its submitter (payload: the decision).
        SubmissionDecided,
        /// Nominations of an award cycle have closed, to each juror (ref_id: the cycle).
        AwardScoringOpen,
        /// An award cycle's results are published, to a nominator (ref_id: the nomination).
        AwardResults,
        /// A funding offer or proposal waits for review, to the focal points of its states (the
        /// national focal point when none); once per submission (ref_id: the post).
        FundingSubmitted,
        /// A registry version of their sector waits for review, to a sector focal point, who
        /// gives technical input; once per version (ref_id: the record).
        RegistrySectorSubmitted,
    }
}

/// What rendering needs that the rows named by ref_id and user_id cannot give, stored as JSON
/// in the row's payload. A one-time secret lives here only until the mail is sent or given
/// up: `mark_sent_many` and `mark_failed` clear the payload, so the database keeps no link
/// that still works (account_tokens holds only its hash).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Payload {
    /// The secret of a mailed one-time link (verify, reset, confirm a held message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// A registry reviewer's decision, as it was when made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryDecision>,
    /// What a new queue item is, for a moderator's at-once notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_item: Option<QueueItem>,
    /// How long a query had waited for a moderator when they were told, in hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waited_hours: Option<i64>,
    /// The notices a roundup carries, as they waited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// The language a visitor without an account wrote in (an answer to registry feedback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// New matches of the funding clearing house, as they stood when found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<FundingMatch>,
    /// A decision on a score card or an agency request, as it was when made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided: Option<SubmissionDecision>,
}

/// A match between a funding offer and a proposal, for the weekly mail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FundingMatch {
    pub offer_id: i64,
    pub offer_title: String,
    pub proposal_id: i64,
    pub proposal_title: String,
    pub score: u32,
    /// The page of the side the recipient did not post.
    pub path: String,
}

/// A focal point's decision on a person's submission; the words around it are the recipient's.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubmissionDecision {
    /// What was decided on: "score-card" or "agency-request".
    pub what: String,
    /// The cluster of a score card, the agency of a request.
    pub title: String,
    /// "approved", "returned" or "declined".
    pub outcome: String,
    /// The comment or reason given with it.
    #[serde(default)]
    pub note: String,
    /// Where the submitter reads it on the portal.
    pub path: String,
}

/// What kind of item arrived in a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueWhat {
    Post,
    Flag,
    Join,
}

/// A new item in a moderator's queue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueueItem {
    pub what: QueueWhat,
    /// A post's title, or a member's name for a join request.
    pub title: String,
}

/// One notice in a roundup: what its own mail would have been.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notice {
    pub kind: String,
    #[serde(default)]
    pub ref_id: Option<i64>,
    #[serde(default)]
    pub payload: Option<String>,
}

/// What a reviewer decided on a registry version; the words around it are the recipient's.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RegistryDecision {
    /// The title of the version decided on (the record may show another until it is published).
    pub title: String,
    /// Published, or returned with comments.
    pub published: bool,
    /// The reviewer's general comment.
    #[serde(default)]
    pub note: String,
}

impl OutboxKind {
    /// The topic a member turns this notice on, off or daily by; None for mail that is not a
    /// notice (account mail, list mail, a roundup itself).
    pub fn topic(self) -> Option<crate::models::notification::Topic> {
        use crate::models::notification::Topic;
        match self {
            OutboxKind::Receipt | OutboxKind::Notice | OutboxKind::MailRefused | OutboxKind::MailPartsDropped => Some(Topic::PostStatus),
            OutboxKind::AnswerPersonal | OutboxKind::OutcomeAsk => Some(Topic::Answers),
            OutboxKind::ModeratorItem | OutboxKind::ModeratorQueue => Some(Topic::ModeratorQueue),
            OutboxKind::ModeratorUrgent => Some(Topic::ModeratorUrgent),
            OutboxKind::RegistrySubmitted | OutboxKind::RegistryDecision | OutboxKind::RegistryReminder | OutboxKind::RegistryFeedback | OutboxKind::RegistryFeedbackEscalated | OutboxKind::FundingMatches | OutboxKind::FundingSubmitted | OutboxKind::SubmissionDecided => Some(Topic::Registry),
            OutboxKind::RegistrySectorSubmitted => Some(Topic::Registry),
            OutboxKind::AwardScoringOpen | OutboxKind::AwardResults => Some(Topic::Registry),
            _ => None,
        }
    }
}

impl Payload {
    pub fn secret(secret: String) -> Payload {
        Payload { secret: Some(secret), ..Payload::default() }
    }

    pub fn registry(decision: RegistryDecision) -> Payload {
        Payload { registry: Some(decision), ..Payload::default() }
    }

    pub fn decided(decision: SubmissionDecision) -> Payload {
        Payload { decided: Some(decision), ..Payload::default() }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxMail {
    pub id: i64,
    pub message_id: String,
    pub recipient: String,
    /// Subject and bodies are only filled in rows of the old `raw` kind.
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: Status,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// An `OutboxKind` as text, read by `kind()`: a row of a kind this version does not know
    /// then fails alone when it is rendered instead of failing the whole batch it is loaded in.
    pub kind: String,
    pub ref_id: Option<i64>,
    pub user_id: Option<i64>,
    pub lock_token: Option<String>,
    /// A `Payload` as JSON, while the mail waits.
    pub payload: Option<String>,
}

impl OutboxMail {
    pub fn kind(&self) -> Result<OutboxKind, String> {
        self.kind.parse().map_err(|_| crate::db::text_enum::UnknownWord::new("mail kind", &self.kind).to_string())
    }

    /// The payload; a row without one (or with one that no longer reads) gives the default.
    pub fn payload(&self) -> Payload {
        self.payload.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default()
    }
}

/// One mail to queue: who gets it, what kind, and what it is about.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// Chosen when queued and stable from then on, so a resend is the same message.
    pub message_id: &'a str,
    pub recipient: &'a str,
    pub kind: OutboxKind,
    pub ref_id: Option<i64>,
    pub user_id: Option<i64>,
    pub payload: Option<Payload>,
}

// Every field is written as given, None as NULL: with diesel's default (a field may mean
// DEFAULT), SQLite would take the rows one INSERT at a time inside a nested transaction.
#[derive(Debug, Insertable)]
#[diesel(table_name = mail_outbox, treat_none_as_default_value = false)]
struct NewOutboxMail<'a> {
    message_id: &'a str,
    recipient: &'a str,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    kind: &'a str,
    ref_id: Option<i64>,
    user_id: Option<i64>,
    payload: Option<String>,
}

/// Queues a mail in the caller's transaction, so it commits (or rolls back) with its cause.
/// Nothing is rendered here: the sender renders the row when it sends it.
pub fn enqueue(conn: &mut DbConn, m: &Outgoing) -> QueryResult<i64> {
    diesel::insert_into(mail_outbox::table).values(&new_row(m, crate::models::now())).returning(mail_outbox::id).get_result(conn)
}

fn new_row<'a>(m: &Outgoing<'a>, now: NaiveDateTime) -> NewOutboxMail<'a> {
    NewOutboxMail {
        message_id: m.message_id,
        recipient: m.recipient,
        subject: "",
        body_text: "",
        body_html: "",
        next_attempt_at: now,
        created_at: now,
        kind: m.kind.as_str(),
        ref_id: m.ref_id,
        user_id: m.user_id,
        payload: m.payload.as_ref().map(|p| serde_json::to_string(p).expect("a payload serialises")),
    }
}

/// Columns a queued row binds (see `NewOutboxMail`).
const OUTBOX_COLUMNS: usize = 11;
/// Queued rows that fit in one statement on both backends.
pub const ROWS_PER_STATEMENT: usize = crate::db::rows_per_statement(OUTBOX_COLUMNS);

/// Queues many mails in the caller's transaction, as `enqueue` does one: rows of as many
/// mails as one statement may bind go in one INSERT each (a digest to 100,000 members is a
/// few dozen statements, not 100,000). Returns how many were queued.
pub fn enqueue_many(conn: &mut DbConn, mails: &[Outgoing]) -> QueryResult<usize> {
    let now = crate::models::now();
    let mut queued = 0;
    for chunk in mails.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<NewOutboxMail> = chunk.iter().map(|m| new_row(m, now)).collect();
        queued += crate::on_backend!(&mut *conn, |c| diesel::insert_into(mail_outbox::table).values(&rows).execute(c))?;
    }
    Ok(queued)
}

/// Queues a mail unless its Message-ID is already queued (so approving twice, or a retried
/// transaction, never mails anyone twice). Returns whether it was queued.
pub fn enqueue_once(conn: &mut DbConn, m: &Outgoing) -> QueryResult<bool> {
    if exists(conn, m.message_id)? {
        return Ok(false);
    }
    enqueue(conn, m)?;
    Ok(true)
}

/// Ids of queued mail that is due and not held by another sender.
pub fn due_ids(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    mail_outbox::table
        .filter(mail_outbox::status.eq(Status::Queued))
        .filter(mail_outbox::next_attempt_at.le(now))
        .filter(mail_outbox::locked_until.is_null().or(mail_outbox::locked_until.lt(now)))
        .order(mail_outbox::id.asc())
        .limit(limit)
        .select(mail_outbox::id)
        .load(conn)
}

/// Takes up to `ids` for sending until `until`, marked with `token`; rows another sender holds
/// or that are done are left alone. Returns the rows taken.
pub fn claim_batch(conn: &mut DbConn, ids: &[i64], token: &str, now: NaiveDateTime, until: NaiveDateTime) -> QueryResult<Vec<OutboxMail>> {
    diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(ids))
            .filter(mail_outbox::status.eq(Status::Queued))
            .filter(mail_outbox::locked_until.is_null().or(mail_outbox::locked_until.lt(now))),
    )
    .set((mail_outbox::locked_until.eq(Some(until)), mail_outbox::lock_token.eq(Some(token))))
    .execute(conn)?;
    mail_outbox::table
        .filter(mail_outbox::id.eq_any(ids))
        .filter(mail_outbox::lock_token.eq(token))
        .filter(mail_outbox::status.eq(Status::Queued))
        .order(mail_outbox::id.asc())
        .select(OutboxMail::as_select())
        .load(conn)
}

/// Whether a message with this id was already queued (delivery is idempotent per message id).
pub fn exists(conn: &mut DbConn, message_id: &str) -> QueryResult<bool> {
    mail_outbox::table.filter(mail_outbox::message_id.eq(message_id)).count().get_result::<i64>(conn).map(|n| n > 0)
}

/// Marks many rows sent in one statement. What was only there to render them (a payload with
/// a link's secret, the bodies of an old raw row) is cleared: it is not needed any more.
pub fn mark_sent_many(conn: &mut DbConn, ids: &[i64], now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(ids)))
        .set((
            mail_outbox::status.eq(Status::Sent),
            mail_outbox::sent_at.eq(Some(now)),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            mail_outbox::payload.eq(None::<String>),
            mail_outbox::body_text.eq(""),
            mail_outbox::body_html.eq(""),
        ))
        .execute(conn)
}

/// Whether a row is still queued under this claim (not claimed again since, not marked).
pub fn still_claimed(conn: &mut DbConn, id: i64, claim: &str) -> QueryResult<bool> {
    mail_outbox::table
        .filter(mail_outbox::id.eq(id))
        .filter(mail_outbox::lock_token.eq(claim))
        .filter(mail_outbox::status.eq(Status::Queued))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Gives back rows claimed under `claim` that were never tried (the sender is stopping), so
/// the next sender takes them at once instead of after the claim's lease.
pub fn release(conn: &mut DbConn, ids: &[i64], claim: &str) -> QueryResult<usize> {
    diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(ids))
            .filter(mail_outbox::lock_token.eq(claim))
            .filter(mail_outbox::status.eq(Status::Queued)),
    )
    .set((mail_outbox::locked_until.eq(None::<NaiveDateTime>), mail_outbox::lock_token.eq(None::<String>)))
    .execute(conn)
}

pub fn mark_retry(conn: &mut DbConn, id: i64, error: &str, next: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::last_error.eq(error),
            mail_outbox::next_attempt_at.eq(next),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        ))
        .execute(conn)
}

/// Gives a row up; like sending, this clears what was kept only to render it.
pub fn mark_failed(conn: &mut DbConn, id: i64, error: &str) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq(Status::Failed),
            mail_outbox::last_error.eq(error),
            mail_outbox::locked_until.eq(None::<NaiveDateTime>),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            mail_outbox::payload.eq(None::<String>),
            mail_outbox::body_text.eq(""),
            mail_outbox::body_html.eq(""),
        ))
        .execute(conn)
}

pub fn count_by_status(conn: &mut DbConn, status: Status) -> QueryResult<i64> {
    mail_outbox::table.filter(mail_outbox::status.eq(status)).count().get_result(conn)
}

/// Whether the portal sent (or tried to send) the message with this Message-ID to `recipient`:
/// a bounce counts only for mail we really sent to that address. A row a sender has claimed
/// counts too: the message may be delivered (and bounced) before the sender records the 250.
pub fn sent_to(conn: &mut DbConn, message_id: &str, recipient: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        mail_outbox::table
            .filter(mail_outbox::message_id.eq(message_id))
            .filter(mail_outbox::recipient.eq(recipient))
            .filter(mail_outbox::status.ne(Status::Queued).or(mail_outbox::attempts.gt(0)).or(mail_outbox::lock_token.is_not_null())),
    ))
    .get_result(conn)
}

/// Whether the portal sent the member a message (other than `except`, by Message-ID) after
/// `after` and no later than `until`.
pub fn delivered_between(conn: &mut DbConn, user_id: i64, after: NaiveDateTime, until: NaiveDateTime, except: Option<&str>) -> QueryResult<bool> {
    let sent = mail_outbox::table
        .filter(mail_outbox::user_id.eq(user_id))
        .filter(mail_outbox::status.eq(Status::Sent))
        .filter(mail_outbox::sent_at.gt(after))
        .filter(mail_outbox::sent_at.le(until))
        .filter(mail_outbox::message_id.ne(except.unwrap_or("")));
    diesel::select(diesel::dsl::exists(sent)).get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_stored_as_their_names_and_read_back() {
        // The words are what rows already queued hold: renaming one strands its mail.
        let names: Vec<&str> = OutboxKind::all().map(OutboxKind::as_str).collect();
        assert_eq!(
            names,
            [
                "raw", "post", "digest", "notice", "verify_email", "already_registered", "reset_password",
                "password_changed", "confirm_held", "registry_decision", "registry_reminder", "receipt",
                "answer_personal", "answer_list", "moderator_item", "moderator_queue", "moderator_urgent",
                "registry_submitted", "roundup", "mail_refused", "mail_parts_dropped", "registry_feedback",
                "registry_feedback_escalated", "registry_feedback_answer", "expert_request", "outcome_ask", "funding_matches",
                "submission_decided", "award_scoring_open", "award_results", "funding_submitted",
                "registry_sector_submitted",
            ]
        );
        for k in OutboxKind::all() {
            assert_eq!(k.as_str().parse::<OutboxKind>(), Ok(k));
        }
        assert!("summary".parse::<OutboxKind>().is_err());
    }

    #[test]
    fn a_payload_holds_only_what_it_is_given() {
        assert_eq!(serde_json::to_string(&Payload::secret("abc".into())).unwrap(), r#"{"secret":"abc"}"#);
        let decided = Payload::registry(RegistryDecision { title: "Samalkha foundry".into(), published: false, note: "Add the year.".into() });
        let back: Payload = serde_json::from_str(&serde_json::to_string(&decided).unwrap()).unwrap();
        assert_eq!(back, decided);
        assert!(back.secret.is_none());
    }
}
