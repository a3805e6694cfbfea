//! The delivery engine. Changes write small typed rows to mail_outbox in the transaction that
//! causes them (`models::mail_outbox::enqueue`); the sender renders each row for its recipient
//! when it is sent (`render`: a digest to 100,000 members is 100,000 small rows, not 100,000
//! copies of the digest), delivers over a pool of SMTP connections or into the outbox folder,
//! retries temporary failures with backoff, and marks permanent ones (which count as hard
//! bounces).

mod nodelay;
pub mod render;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::Config;
use crate::db::{DbConn, Pool};
use crate::error::{loggable, AppError};
use crate::models::{self, mail_outbox, user};

pub enum Mailer {
    /// The embedded default: every message becomes an .eml file in a folder.
    File(PathBuf),
    /// The transport and the server's addresses (see `nodelay`).
    Smtp(Box<SmtpTransport>, Vec<std::net::SocketAddr>),
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

/// What the sender learnt from the SMTP server but may not have written to the database yet.
/// Each accepted message's row and claim go into this file the moment the server says 250;
/// marking rows sent needs the database's write lock, which may be busy for milliseconds. A
/// process killed in between replays the file when it starts again, so the message is not
/// sent twice. The file is emptied whenever every accepted message is marked in the database.
pub struct Journal {
    path: PathBuf,
    file: std::sync::Mutex<std::fs::File>,
}

impl Journal {
    pub fn open(dir: &std::path::Path) -> Result<Journal, AppError> {
        let io = |e: std::io::Error| AppError::Config(format!("mail journal in {}: {e}", dir.display()));
        std::fs::create_dir_all(dir).map_err(io)?;
        let path = dir.join("accepted.journal");
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io)?;
        Ok(Journal { path, file: std::sync::Mutex::new(file) })
    }

    /// One short append: it survives the process being killed (not the machine losing power).
    fn accepted(&self, id: i64, claim: &str) {
        use std::io::Write;
        let line = format!("{id} {claim}\n");
        if let Err(e) = self.file.lock().expect("mail journal").write_all(line.as_bytes()) {
            tracing::warn!("mail journal: {e}");
        }
    }

    fn clear(&self) {
        if let Err(e) = self.file.lock().expect("mail journal").set_len(0) {
            tracing::warn!("mail journal: {e}");
        }
    }

    /// Marks sent what an earlier run recorded, where the row is still under that run's claim.
    pub fn replay(&self, pool: &Pool) -> Result<usize, AppError> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        let entries: Vec<(i64, &str)> = text
            .lines()
            .filter_map(|l| {
                let (id, claim) = l.split_once(' ')?;
                Some((id.parse().ok()?, claim))
            })
            .collect();
        let mut conn = pool.get()?;
        let marked = crate::db::write_tx(&mut conn, |c| {
            let mut ids = Vec::new();
            for (id, claim) in &entries {
                if mail_outbox::still_claimed(c, *id, claim)? {
                    ids.push(*id);
                }
            }
            Ok::<_, AppError>(mail_outbox::mark_sent_many(c, &ids, models::now())?)
        })?;
        self.clear();
        if marked > 0 {
            tracing::info!("{marked} messages the SMTP server had accepted before a crash are marked sent");
        }
        Ok(marked)
    }
}

/// What every message needs to know about the portal.
#[derive(Clone)]
pub struct Identity {
    pub base_url: String,
    pub domain: String,
    pub from: Mailbox,
    pub bounce_threshold: i32,
    pub retry_secs: i64,
    pub lease_secs: i64,
}

impl Identity {
    pub fn from_config(config: &Config) -> Result<Identity, AppError> {
        Ok(Identity {
            base_url: config.base_url.trim_end_matches('/').to_string(),
            domain: config.mail_domain.clone(),
            from: config.mail_from.parse().map_err(|e| AppError::Config(format!("mail_from: {e}")))?,
            bounce_threshold: config.bounce_threshold,
            retry_secs: config.mail_retry_secs.max(1),
            lease_secs: config.mail_lease_secs.max(1),
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
                Ok(Mailer::Smtp(Box::new(transport), nodelay::smtp_peers(url)))
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
            Mailer::Smtp(..) => "sent by SMTP".into(),
        }
    }

    /// Greets the SMTP server (an outbox folder: makes sure it can be written); for checking
    /// the settings before a start.
    pub fn greet(&self) -> Result<(), AppError> {
        match self {
            Mailer::File(_) => Ok(()),
            Mailer::Smtp(transport, _) => match transport.test_connection() {
                Ok(true) => Ok(()),
                Ok(false) => Err(AppError::Config("the server did not answer the greeting".into())),
                Err(e) => Err(AppError::Config(e.to_string())),
            },
        }
    }

    /// Before a run of messages: opens (or reuses) a pooled SMTP connection and turns Nagle off
    /// on it, so even a connection's first message is not held back (see `nodelay`).
    pub fn prepare(&self) {
        if let Mailer::Smtp(transport, peers) = self {
            let _ = transport.test_connection();
            nodelay::sweep(peers);
        }
    }

    pub fn send(&self, message: &Message) -> Result<(), SendError> {
        match self {
            Mailer::File(dir) => FileTransport::new(dir)
                .send(message)
                .map(|_| ())
                .map_err(|e| SendError::Temporary(format!("outbox folder: {e}"))),
            Mailer::Smtp(transport, peers) => {
                let started = std::time::Instant::now();
                let sent = transport.send(message).map(|_| ()).map_err(|e| {
                    let text = e.to_string();
                    if e.is_permanent() && mailbox_full(e.status().map(|c| c.to_string()).as_deref(), &text) {
                        // A soft bounce: the address is good, so it never counts as hard.
                        SendError::Permanent(text)
                    } else if e.is_permanent() {
                        SendError::Rejected(text)
                    } else {
                        SendError::Temporary(text)
                    }
                });
                // A slow message means a new pooled connection still has Nagle on.
                if started.elapsed() > Duration::from_millis(30) {
                    nodelay::sweep(peers);
                }
                sent
            }
        }
    }
}

/// Whether a permanent SMTP refusal says the mailbox is full (552, or the enhanced status
/// 5.2.2 in its text): the owner empties it and mail works again.
fn mailbox_full(code: Option<&str>, text: &str) -> bool {
    code == Some("552") || text.split(|c: char| c.is_whitespace() || c == ':' || c == ',').any(|w| w == "5.2.2")
}

/// Backoff after the n-th failed attempt: `base` seconds doubling, capped at one hour.
fn backoff(base: i64, attempts: i32) -> chrono::Duration {
    let secs = base.saturating_mul(1i64 << attempts.clamp(0, 7));
    chrono::Duration::seconds(secs.min(3600))
}

const BATCH: i64 = 2000;

/// Delivers every due message; returns how many were sent. Work is split over
/// `workers` threads, each with its own database connection and SMTP connection. Once `stop`
/// is set, each thread finishes the message it is sending, what was sent is recorded, the
/// rest of the batch is given back unclaimed (so a restart sends it at once, not after the
/// lease), and it returns.
pub fn deliver_due(pool: &Pool, mailer: &Mailer, journal: &Journal, identity: &Identity, workers: usize, stop: &AtomicBool) -> Result<usize, AppError> {
    let mut total = 0;
    while !stop.load(Ordering::Acquire) {
        let now = models::now();
        let token = crate::tokens::mail_token();
        let claimed = {
            let mut conn = pool.get()?;
            let ids = mail_outbox::due_ids(&mut conn, now, BATCH)?;
            if ids.is_empty() {
                return Ok(total);
            }
            let mut rows = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                rows.extend(mail_outbox::claim_batch(&mut conn, chunk, &token, now, now + chrono::Duration::seconds(identity.lease_secs))?);
            }
            rows
        };
        if claimed.is_empty() {
            return Ok(total);
        }
        let per_worker = claimed.len().div_ceil(workers.max(1));
        let (tx, rx) = mpsc::channel::<(i64, i64, Option<i64>, Result<(), SendError>)>();
        let (results, untried): (Vec<Result<usize, AppError>>, Vec<i64>) = std::thread::scope(|s| {
            // One thread records outcomes in small transactions, so the sending threads never
            // queue for SQLite's single write lock.
            let recorder = s.spawn(move || record_outcomes(pool, identity, rx));
            let handles: Vec<_> = claimed
                .chunks(per_worker.max(1))
                .map(|chunk| {
                    let tx = tx.clone();
                    s.spawn(move || send_chunk(pool, mailer, journal, identity, chunk, tx, stop))
                })
                .collect();
            drop(tx);
            let mut out = Vec::new();
            let mut untried = Vec::new();
            for h in handles {
                match h.join() {
                    Ok(Ok(left)) => untried.extend(left),
                    Ok(Err(e)) => out.push(Err(e)),
                    Err(_) => out.push(Err(AppError::Internal("mail worker panicked".into()))),
                }
            }
            out.push(recorder.join().unwrap_or_else(|_| Err(AppError::Internal("mail recorder panicked".into()))));
            (out, untried)
        });
        if !untried.is_empty() {
            let mut conn = pool.get()?;
            let n = crate::db::write_tx(&mut conn, |c| untried.chunks(500).try_fold(0, |n, ids| Ok::<_, AppError>(n + mail_outbox::release(c, ids, &token)?)))?;
            tracing::info!("mail sender stopping: {n} messages left queued for the next run");
        }
        for r in results {
            total += r?;
        }
        // Every accepted message of this batch is marked in the database now.
        journal.clear();
    }
    Ok(total)
}

type Sent = (i64, i64, Option<i64>, Result<(), SendError>);

/// Renders and sends; outcomes go to the recorder. Returns the ids of the rows it did not try
/// because `stop` was set.
fn send_chunk(pool: &Pool, mailer: &Mailer, journal: &Journal, identity: &Identity, rows: &[mail_outbox::OutboxMail], out: mpsc::Sender<Sent>, stop: &AtomicBool) -> Result<Vec<i64>, AppError> {
    let mut conn = pool.get()?;
    let mut cache = render::Cache::default();
    mailer.prepare();
    for (i, row) in rows.iter().enumerate() {
        if stop.load(Ordering::Acquire) {
            return Ok(rows[i..].iter().map(|r| r.id).collect());
        }
        let outcome = match render::message(&mut conn, identity, row, &mut cache) {
            Ok(Some(message)) => mailer.send(&message).inspect(|_| journal.accepted(row.id, row.lock_token.as_deref().unwrap_or(""))),
            // The post or digest is gone, or the member left: nothing to send.
            Ok(None) => Err(SendError::Permanent("nothing to send any more".into())),
            Err(e) => Err(SendError::Temporary(format!("rendering: {e}"))),
        };
        if out.send((row.id, i64::from(row.attempts), row.user_id, outcome)).is_err() {
            break;
        }
    }
    Ok(Vec::new())
}

/// Writes delivery outcomes: sent rows together, failures one by one. Returns how many were sent.
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
    // Group commit: take whatever outcomes are waiting, then write them at once. A message the
    // SMTP server accepted is marked sent within one commit, so a crash re-sends almost none.
    let mut open = true;
    while open {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(item) => {
                let mut next = Some(item);
                while let Some((id, attempts, user_id, outcome)) = next.take() {
                    match outcome {
                        Ok(()) => batch.push(id),
                        Err(e) => record_failure(&mut conn, identity, id, attempts, user_id, e)?,
                    }
                    if batch.len() >= 500 {
                        break;
                    }
                    next = match rx.try_recv() {
                        Ok(item) => Some(item),
                        Err(mpsc::TryRecvError::Empty) => None,
                        Err(mpsc::TryRecvError::Disconnected) => {
                            open = false;
                            None
                        }
                    };
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => open = false,
        }
        sent_total += flush(&mut conn, &mut batch)?;
    }
    Ok(sent_total)
}

/// The log gets the mail id and the reason with any address masked (an SMTP reply often
/// quotes the recipient); the row's last_error keeps the full text for administrators.
fn record_failure(conn: &mut DbConn, identity: &Identity, id: i64, attempts: i64, user_id: Option<i64>, error: SendError) -> Result<(), AppError> {
    match error {
        SendError::Temporary(e) => {
            tracing::warn!(mail_id = id, attempts = attempts + 1, "mail delivery deferred: {}", loggable(&e));
            mail_outbox::mark_retry(conn, id, &e, models::now() + backoff(identity.retry_secs, attempts as i32))?;
        }
        SendError::Permanent(e) => {
            tracing::info!(mail_id = id, "mail dropped: {}", loggable(&e));
            mail_outbox::mark_failed(conn, id, &e)?;
        }
        SendError::Rejected(e) => {
            tracing::warn!(mail_id = id, "mail refused by the receiving server: {}", loggable(&e));
            mail_outbox::mark_failed(conn, id, &e)?;
            if let Some(uid) = user_id {
                user::record_bounce(conn, uid, identity.bounce_threshold, None, models::now())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_full_mailbox_is_told_by_its_code_or_its_enhanced_status() {
        assert!(super::mailbox_full(Some("552"), "552 mailbox over quota"));
        assert!(super::mailbox_full(Some("550"), "550 5.2.2 The email account that you tried to reach is over quota"));
        assert!(!super::mailbox_full(Some("550"), "550 5.1.1 user unknown"));
        assert!(!super::mailbox_full(None, "5.2.20 something else"));
    }
}
