//! Outgoing mail: the transport (SMTP or an outbox folder of .eml files) and the sender task
//! that drains the mail_outbox table.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use chrono::NaiveDateTime;
use lettre::message::{Mailbox, MultiPart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::Config;
use crate::db::{DbConn, Pool};
use crate::error::AppError;
use crate::models::{self, mail_outbox};

pub enum Mailer {
    /// The embedded default: every message becomes an .eml file in a folder.
    File(PathBuf),
    Smtp(Box<SmtpTransport>),
}

/// Why a message was not delivered; temporary failures are retried.
#[derive(Debug)]
pub enum SendError {
    Temporary(String),
    Permanent(String),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, AppError> {
        match &config.smtp_url {
            Some(url) => {
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| AppError::Config(format!("smtp_url: {e}")))?
                    .timeout(Some(Duration::from_secs(30)))
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

    pub fn send(&self, from: &Mailbox, mail: &mail_outbox::OutboxMail) -> Result<(), SendError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("bad recipient address: {e}")))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            .message_id(Some(mail.message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(mail.body_text.clone(), mail.body_html.clone()))
            .map_err(|e| SendError::Permanent(format!("cannot build message: {e}")))?;
        match self {
            Mailer::File(dir) => FileTransport::new(dir)
                .send(&message)
                .map(|_| ())
                .map_err(|e| SendError::Temporary(format!("outbox folder: {e}"))),
            Mailer::Smtp(transport) => transport.send(&message).map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Temporary(e.to_string())
                }
            }),
        }
    }
}

/// A fresh Message-ID for the portal's host.
pub fn new_message_id(base_url: &str) -> String {
    let host = url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "solex.localhost".into());
    format!("<{}@{}>", crate::services::tokens::random_token(), host)
}

/// Queues one message in the caller's transaction.
pub fn enqueue(
    conn: &mut DbConn,
    base_url: &str,
    recipient: &str,
    subject: &str,
    body_text: &str,
    body_html: &str,
) -> diesel::QueryResult<i64> {
    let now = models::now();
    let message_id = new_message_id(base_url);
    mail_outbox::enqueue(
        conn,
        &mail_outbox::NewOutboxMail {
            message_id: &message_id,
            recipient,
            subject,
            body_text,
            body_html,
            next_attempt_at: now,
            created_at: now,
        },
    )
}

/// Backoff after the n-th failed attempt: 30 s doubling, capped at one hour.
fn backoff(attempts: i32) -> chrono::Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(0, 7));
    chrono::Duration::seconds(secs.min(3600))
}

/// Delivers every due message once; returns how many were sent.
pub fn deliver_due(pool: &Pool, mailer: &Mailer, from: &Mailbox) -> Result<usize, AppError> {
    let mut conn = pool.get()?;
    let now = models::now();
    let mut sent = 0;
    for id in mail_outbox::due_ids(&mut conn, now, 200)? {
        let lock_until: NaiveDateTime = now + chrono::Duration::minutes(5);
        let Some(mail) = mail_outbox::claim(&mut conn, id, now, lock_until)? else { continue };
        match mailer.send(from, &mail) {
            Ok(()) => {
                mail_outbox::mark_sent(&mut conn, id, models::now())?;
                sent += 1;
            }
            Err(SendError::Temporary(e)) => {
                tracing::warn!(mail_id = id, attempts = mail.attempts + 1, "mail delivery deferred: {e}");
                mail_outbox::mark_retry(&mut conn, id, &e, models::now() + backoff(mail.attempts))?;
            }
            Err(SendError::Permanent(e)) => {
                tracing::warn!(mail_id = id, "mail delivery failed for good: {e}");
                mail_outbox::mark_failed(&mut conn, id, &e)?;
            }
        }
    }
    Ok(sent)
}

/// Starts the sender thread. A message on the returned channel wakes it at once; otherwise it
/// looks for due mail every few seconds, which also picks up retries.
pub fn spawn_sender(pool: Pool, mailer: Mailer, from: Mailbox) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("mail-sender".into())
        .spawn(move || loop {
            if let Err(e) = deliver_due(&pool, &mailer, &from) {
                tracing::error!("mail sender: {e}");
            }
            match rx.recv_timeout(Duration::from_secs(5)) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {
                    while rx.try_recv().is_ok() {}
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        })
        .expect("spawn mail sender");
    tx
}
