//! Outgoing mail. Changes write lightweight rows to mail_outbox in their own transaction; the
//! sender renders each row for its recipient when it is sent (a digest to 100,000 members is
//! 100,000 small rows, not 100,000 copies of the digest), delivers over a pool of SMTP
//! connections or into the outbox folder, retries temporary failures with backoff, and marks
//! permanent ones (which count as hard bounces).

pub mod address;
pub mod ingest;
pub mod render;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::Config;
use crate::db::{DbConn, Pool};
use crate::error::AppError;
use crate::models::{self, mail_outbox, user};

pub enum Mailer {
    /// The embedded default: every message becomes an .eml file in a folder.
    File(PathBuf),
    Smtp(Box<SmtpTransport>),
}

/// Why a message was not delivered; temporary failures are retried.
#[derive(Debug)]
pub enum SendError {
    Temporary(String),
    /// Cannot be sent (nothing left to send, or the message cannot be built).
    Permanent(String),
    /// The receiving server refused the recipient for good: a hard bounce.
    Rejected(String),
}

/// What every message needs to know about the portal.
#[derive(Clone)]
pub struct Identity {
    pub base_url: String,
    pub domain: String,
    pub from: Mailbox,
    pub bounce_threshold: i32,
    pub retry_secs: i64,
}

impl Identity {
    pub fn from_config(config: &Config) -> Result<Identity, AppError> {
        Ok(Identity {
            base_url: config.base_url.clone(),
            domain: config.mail_domain.clone(),
            from: config.mail_from.parse().map_err(|e| AppError::Config(format!("mail_from: {e}")))?,
            bounce_threshold: config.bounce_threshold,
            retry_secs: config.mail_retry_secs.max(1),
        })
    }
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, AppError> {
        match &config.smtp_url {
            Some(url) => {
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| AppError::Config(format!("smtp_url: {e}")))?
                    .timeout(Some(Duration::from_secs(30)))
                    .pool_config(PoolConfig::new().max_size(config.smtp_workers as u32))
                    .build();
                Ok(Mailer::Smtp(Box::new(transport)))
            }
            None => {
                std::fs::create_dir_all(&config.outbox_dir).map_err(|e| {
                    AppError::Config(format!("cannot create outbox folder {}: {e}", config.outbox_dir.display()))
                })?;
                Ok(Mailer::File(config.outbox_dir.clone()))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Mailer::File(dir) => format!("written as .eml files to {}/", dir.display()),
            Mailer::Smtp(_) => "sent by SMTP".into(),
        }
    }

    pub fn send(&self, message: &Message) -> Result<(), SendError> {
        match self {
            Mailer::File(dir) => FileTransport::new(dir)
                .send(message)
                .map(|_| ())
                .map_err(|e| SendError::Temporary(format!("outbox folder: {e}"))),
            Mailer::Smtp(transport) => transport.send(message).map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Rejected(e.to_string())
                } else {
                    SendError::Temporary(e.to_string())
                }
            }),
        }
    }
}

/// A fresh Message-ID for one-off mail.
pub fn new_message_id(domain: &str) -> String {
    format!("<{}@{}>", crate::services::tokens::random_token(), domain)
}

/// Queues one message whose bodies are already written (account mail), in the caller's
/// transaction. Its Message-ID names the portal's web host.
pub fn enqueue(conn: &mut DbConn, base_url: &str, recipient: &str, subject: &str, body_text: &str, body_html: &str) -> diesel::QueryResult<i64> {
    let domain = url::Url::parse(base_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| "solex.localhost".into());
    let domain = domain.as_str();
    let now = models::now();
    mail_outbox::enqueue(
        conn,
        &mail_outbox::NewOutboxMail {
            message_id: &new_message_id(domain),
            recipient,
            subject,
            body_text,
            body_html,
            next_attempt_at: now,
            created_at: now,
            kind: render::RAW,
            ref_id: None,
            user_id: None,
        },
    )
}

/// Queues a message rendered at send time, unless this Message-ID is already queued
/// (so approving twice, or a retried transaction, never mails anyone twice).
pub fn enqueue_rendered(conn: &mut DbConn, message_id: &str, recipient: &str, kind: &str, ref_id: i64, user_id: i64) -> diesel::QueryResult<bool> {
    if mail_outbox::exists(conn, message_id)? {
        return Ok(false);
    }
    enqueue_rendered_unchecked(conn, message_id, recipient, kind, ref_id, user_id)?;
    Ok(true)
}

/// Queues a rendered message whose Message-ID cannot exist yet (a digest being sent for the
/// first time, guarded by its status); skips the lookup that 100,000 recipients would cost.
pub fn enqueue_rendered_unchecked(conn: &mut DbConn, message_id: &str, recipient: &str, kind: &str, ref_id: i64, user_id: i64) -> diesel::QueryResult<i64> {
    let now = models::now();
    mail_outbox::enqueue(
        conn,
        &mail_outbox::NewOutboxMail {
            message_id,
            recipient,
            subject: "",
            body_text: "",
            body_html: "",
            next_attempt_at: now,
            created_at: now,
            kind,
            ref_id: Some(ref_id),
            user_id: Some(user_id),
        },
    )
}

/// Backoff after the n-th failed attempt: `base` seconds doubling, capped at one hour.
fn backoff(base: i64, attempts: i32) -> chrono::Duration {
    let secs = base.saturating_mul(1i64 << attempts.clamp(0, 7));
    chrono::Duration::seconds(secs.min(3600))
}

const BATCH: i64 = 2000;

/// Delivers every due message; returns how many were sent. Work is split over
/// `workers` threads, each with its own database connection and SMTP connection.
pub fn deliver_due(pool: &Pool, mailer: &Mailer, identity: &Identity, workers: usize) -> Result<usize, AppError> {
    let mut total = 0;
    loop {
        let now = models::now();
        let token = crate::services::tokens::mail_token();
        let claimed = {
            let mut conn = pool.get()?;
            let ids = mail_outbox::due_ids(&mut conn, now, BATCH)?;
            if ids.is_empty() {
                return Ok(total);
            }
            let mut rows = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                rows.extend(mail_outbox::claim_batch(&mut conn, chunk, &token, now, now + chrono::Duration::minutes(10))?);
            }
            rows
        };
        if claimed.is_empty() {
            return Ok(total);
        }
        let per_worker = claimed.len().div_ceil(workers.max(1));
        let (tx, rx) = mpsc::channel::<(i64, i64, Option<i64>, Result<(), SendError>)>();
        let results: Vec<Result<usize, AppError>> = std::thread::scope(|s| {
            // One thread records outcomes in small transactions, so the sending threads never
            // queue for SQLite's single write lock.
            let recorder = s.spawn(move || record_outcomes(pool, identity, rx));
            let handles: Vec<_> = claimed
                .chunks(per_worker.max(1))
                .map(|chunk| {
                    let tx = tx.clone();
                    s.spawn(move || send_chunk(pool, mailer, identity, chunk, tx))
                })
                .collect();
            drop(tx);
            let mut out: Vec<Result<usize, AppError>> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(AppError::Internal("mail worker panicked".into()))))
                .collect();
            out.push(recorder.join().unwrap_or_else(|_| Err(AppError::Internal("mail recorder panicked".into()))));
            out
        });
        for r in results {
            total += r?;
        }
    }
}

type Sent = (i64, i64, Option<i64>, Result<(), SendError>);

/// Renders and sends; outcomes go to the recorder. Returns nothing counted itself.
fn send_chunk(pool: &Pool, mailer: &Mailer, identity: &Identity, rows: &[mail_outbox::OutboxMail], out: mpsc::Sender<Sent>) -> Result<usize, AppError> {
    let mut conn = pool.get()?;
    let mut cache = render::Cache::default();
    for row in rows {
        let outcome = match render::message(&mut conn, identity, row, &mut cache) {
            Ok(Some(message)) => mailer.send(&message),
            // The post or digest is gone, or the member left: nothing to send.
            Ok(None) => Err(SendError::Permanent("nothing to send any more".into())),
            Err(e) => Err(SendError::Temporary(format!("rendering: {e}"))),
        };
        if out.send((row.id, i64::from(row.attempts), row.user_id, outcome)).is_err() {
            break;
        }
    }
    Ok(0)
}

/// Writes delivery outcomes: sent rows in batches, failures one by one. Returns how many were sent.
fn record_outcomes(pool: &Pool, identity: &Identity, rx: mpsc::Receiver<Sent>) -> Result<usize, AppError> {
    let mut conn = pool.get()?;
    let mut sent_total = 0;
    let mut batch: Vec<i64> = Vec::with_capacity(256);
    let flush = |conn: &mut DbConn, batch: &mut Vec<i64>| -> Result<usize, AppError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let n = batch.len();
        crate::db::write_tx(conn, |c| mail_outbox::mark_sent_many(c, batch, models::now()))?;
        batch.clear();
        Ok(n)
    };
    loop {
        // Flush when the batch is full or the senders pause, so a crash re-sends little.
        let item = match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(item) => Some(item),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let Some((id, attempts, user_id, outcome)) = item else {
            sent_total += flush(&mut conn, &mut batch)?;
            continue;
        };
        match outcome {
            Ok(()) => {
                batch.push(id);
                if batch.len() >= 200 {
                    sent_total += flush(&mut conn, &mut batch)?;
                }
            }
            Err(SendError::Temporary(e)) => {
                tracing::warn!(mail_id = id, attempts = attempts + 1, "mail delivery deferred: {e}");
                mail_outbox::mark_retry(&mut conn, id, &e, models::now() + backoff(identity.retry_secs, attempts as i32))?;
            }
            Err(SendError::Permanent(e)) => {
                tracing::info!(mail_id = id, "mail dropped: {e}");
                mail_outbox::mark_failed(&mut conn, id, &e)?;
            }
            Err(SendError::Rejected(e)) => {
                tracing::warn!(mail_id = id, "mail refused by the receiving server: {e}");
                mail_outbox::mark_failed(&mut conn, id, &e)?;
                if let Some(uid) = user_id {
                    user::record_bounce(&mut conn, uid, identity.bounce_threshold, models::now())?;
                }
            }
        }
    }
    sent_total += flush(&mut conn, &mut batch)?;
    Ok(sent_total)
}

/// Starts the sender thread. A message on the returned channel wakes it at once; otherwise it
/// looks for due mail every few seconds, which also picks up retries.
pub fn spawn_sender(pool: Pool, mailer: Mailer, identity: Identity, workers: usize) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("mail-sender".into())
        .spawn(move || loop {
            if let Err(e) = deliver_due(&pool, &mailer, &identity, workers) {
                tracing::error!("mail sender: {e}");
            }
            match rx.recv_timeout(Duration::from_secs(2)) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => while rx.try_recv().is_ok() {},
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        })
        .expect("spawn mail sender");
    tx
}
