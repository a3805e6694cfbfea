//! The portal's background workers, in one shape. A worker is a name, a step that does one
//! pass of its work (`run_once`: send what is due, index what is new, ...), a wake handle and
//! an interval; one runner gives each a thread and one stop signal. A pass is never cut in the
//! middle: on stop each worker finishes the pass it is in (the mail sender stops between
//! messages, records what it sent and gives back what it had not tried), commits and exits.
//! `solex serve` stops them after the HTTP server's graceful stop (SIGTERM, SIGINT).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::db::Pool;
use crate::error::{loggable, AppError};
use crate::mail::{self, Identity, Journal, Mailer};
use crate::models::{self, mail_outbox};
use crate::search::SearchIndex;
use crate::services;

/// One pass of a worker's work; the flag is the stop signal, for a pass long enough to look.
/// Returns how much it did.
type Step = Box<dyn FnMut(&AtomicBool) -> Result<usize, AppError> + Send>;
/// How many rows a worker's outbox still holds.
type Backlog = Box<dyn Fn() -> Result<i64, AppError> + Send + Sync>;

pub struct Worker {
    name: &'static str,
    every: Duration,
    /// The first pass waits an interval (the scheduler: a restart is not a due time).
    wait_first: bool,
    step: Mutex<Step>,
    backlog: Option<Backlog>,
    wake: Wake,
}

impl Worker {
    pub fn new(name: &'static str, every: Duration, step: impl FnMut(&AtomicBool) -> Result<usize, AppError> + Send + 'static) -> Worker {
        Worker { name, every, wait_first: false, step: Mutex::new(Box::new(step)), backlog: None, wake: Wake::default() }
    }

    pub fn waiting_first(mut self) -> Worker {
        self.wait_first = true;
        self
    }

    /// The worker consumes an outbox: `drain` runs it and reports what `backlog` counts.
    pub fn consuming(mut self, backlog: impl Fn() -> Result<i64, AppError> + Send + Sync + 'static) -> Worker {
        self.backlog = Some(Box::new(backlog));
        self
    }

    /// One pass, after any pass this worker's thread is in (passes never overlap).
    fn run_once(&self, stop: &AtomicBool) -> Result<usize, AppError> {
        let mut step = self.step.lock().unwrap_or_else(|p| p.into_inner());
        step(stop)
    }
}

/// Wakes a worker before its interval is up (a write that queued mail wakes the sender).
/// Cheap: a flag and a condition variable.
#[derive(Clone, Default)]
pub struct Wake(Arc<(Mutex<bool>, Condvar)>);

impl Wake {
    pub fn wake(&self) {
        let (woken, cv) = &*self.0;
        *woken.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_one();
    }

    /// Until woken, stopped or `timeout` is up. The stop flag is read under the lock that
    /// `Workers::stop` notifies under, so a stop is never missed.
    fn wait(&self, timeout: Duration, stop: &AtomicBool) {
        let (woken, cv) = &*self.0;
        let deadline = Instant::now() + timeout;
        let mut w = woken.lock().unwrap_or_else(|p| p.into_inner());
        while !*w && !stop.load(Ordering::Acquire) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            w = cv.wait_timeout(w, left).unwrap_or_else(|p| p.into_inner()).0;
        }
        *w = false;
    }

    fn nudge(&self) {
        let (woken, cv) = &*self.0;
        let _guard = woken.lock().unwrap_or_else(|p| p.into_inner());
        cv.notify_all();
    }
}

/// The runner: every worker on its own thread, one stop signal for all.
pub struct Workers {
    list: Vec<Arc<Worker>>,
    stop: Arc<AtomicBool>,
    done: Mutex<(mpsc::Sender<&'static str>, mpsc::Receiver<&'static str>)>,
}

impl Default for Workers {
    fn default() -> Workers {
        Workers { list: Vec::new(), stop: Arc::default(), done: Mutex::new(mpsc::channel()) }
    }
}

/// Tells the runner a worker's thread has ended, even by a panic.
struct Exit(&'static str, mpsc::Sender<&'static str>);
impl Drop for Exit {
    fn drop(&mut self) {
        let _ = self.1.send(self.0);
    }
}

impl Workers {
    /// Adds a worker (started by `start`); returns its wake handle.
    pub fn add(&mut self, worker: Worker) -> Wake {
        let wake = worker.wake.clone();
        self.list.push(Arc::new(worker));
        wake
    }

    pub fn start(&self) {
        let done = self.done.lock().expect("workers").0.clone();
        for worker in &self.list {
            let (worker, stop, exit) = (worker.clone(), self.stop.clone(), Exit(worker.name, done.clone()));
            std::thread::Builder::new()
                .name(worker.name.replace(' ', "-"))
                .spawn(move || {
                    let _exit = exit;
                    run(&worker, &stop)
                })
                .expect("spawn a background worker");
        }
    }

    /// Signals every worker to stop and waits, at most `within`, for each to finish its pass.
    /// Returns whether all did.
    pub fn stop(&self, within: Duration) -> bool {
        tracing::info!("stopping the background workers");
        self.stop.store(true, Ordering::Release);
        for w in &self.list {
            w.wake.nudge();
        }
        let done = self.done.lock().expect("workers");
        let deadline = Instant::now() + within;
        let mut running: Vec<&str> = self.list.iter().map(|w| w.name).collect();
        while !running.is_empty() {
            match done.1.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(name) => running.retain(|n| *n != name),
                Err(_) => break,
            }
        }
        if running.is_empty() {
            tracing::info!("background workers stopped");
        } else {
            tracing::warn!("background workers still busy after {} s, left to the exit: {}", within.as_secs(), running.join(", "));
        }
        running.is_empty()
    }

    /// Runs each outbox consumer once, here and now (after the pass its thread may be in), and
    /// returns what each outbox still holds by worker name: mail due later (a retry) or rows
    /// that failed count. For tests, so they need not wait for a worker's next turn.
    pub fn drain(&self) -> Result<Vec<(&'static str, i64)>, AppError> {
        let mut left = Vec::new();
        for w in &self.list {
            if let Some(backlog) = &w.backlog {
                w.run_once(&self.stop)?;
                left.push((w.name, backlog()?));
            }
        }
        Ok(left)
    }
}

/// A worker's thread: a pass, then wait for a wake, the interval or the stop.
fn run(worker: &Worker, stop: &AtomicBool) {
    if worker.wait_first {
        worker.wake.wait(worker.every, stop);
    }
    // One line when a worker starts failing (the database is down), not one per pass.
    let mut failing: Option<String> = None;
    while !stop.load(Ordering::Acquire) {
        match worker.run_once(stop) {
            Ok(_) => {
                if failing.take().is_some() {
                    tracing::info!("{}: working again", worker.name);
                }
            }
            Err(e) => {
                let text = loggable(&e.to_string());
                if failing.as_deref() != Some(text.as_str()) {
                    tracing::error!("{}: {text}", worker.name);
                }
                failing = Some(text);
            }
        }
        worker.wake.wait(worker.every, stop);
    }
}

/// Delivers due mail when woken and every two seconds, which also picks up retries. Mail the
/// SMTP server accepted before a crash is marked sent first (the journal).
pub fn mail_sender(pool: Pool, mailer: Mailer, journal: Journal, identity: Identity, connections: usize) -> Worker {
    if let Err(e) = journal.replay(&pool) {
        tracing::error!("mail journal: {e}");
    }
    let counting = pool.clone();
    Worker::new("mail sender", Duration::from_secs(2), move |stop| mail::deliver_due(&pool, &mailer, &journal, &identity, connections, stop))
        .consuming(move || Ok(mail_outbox::count_by_status(&mut *counting.get()?, mail_outbox::Status::Queued)?))
}

/// Applies the search outbox to this process's index when woken and every half second.
pub fn search_indexer(index: Arc<SearchIndex>, pool: Pool) -> Worker {
    let (counting, counted) = (pool.clone(), index.clone());
    Worker::new("search indexer", Duration::from_millis(500), move |_| index.apply_outbox(&mut *pool.get()?))
        .consuming(move || counted.backlog(&mut *counting.get()?))
}

/// Sends due digests, reminds focal points of unverified registry records, mails the week's
/// new funding matches and sends the day's notices (`services::notify::daily_tick`), every `every`.
/// Of several portal processes on one database only the holder of the scheduler's lease runs
/// it; it renews the lease each run, and when it dies another process takes the lease once it
/// has expired, so each due job runs once: never in two processes at a time, and not
/// forgotten when one is killed.
pub fn scheduler(pool: Pool, env: services::Env, mail: Wake, every: Duration, lease: Duration) -> Worker {
    let holder = crate::db::cluster::holder_name();
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    Worker::new("digest scheduler", every, move |_| {
        let mut conn = pool.get()?;
        if !crate::db::cluster::take_lease(&mut conn, services::digests::SCHEDULER_LEASE, &holder, lease_ms)? {
            return Ok(0);
        }
        let sent = services::digests::scheduler_tick(&mut conn, &env, models::now());
        // Registry records unverified for a year: their focal points are reminded, whatever
        // became of the digests.
        let reminded = services::registry::remind_overdue(&mut conn, &env, models::now());
        // Registry feedback unanswered too long goes to the national focal points.
        let escalated = services::registry::escalate_feedback(&mut conn, &env, models::now());
        // Award cycles whose nominations closed: their jury is told scoring is open.
        let juries = services::registry::awards::open_scoring(&mut conn, &env, models::now());
        if let Ok(n @ 1..) = juries {
            tracing::info!("told {n} jurors that award scoring is open");
        }
        if let Ok(n @ 1..) = escalated {
            tracing::info!("sent {n} notices of unanswered registry feedback to the national focal points");
        }
        // Askers whose answer is sixty days old: did it work? Once per query.
        let asked = services::outcomes::ask_due(&mut conn, &env, models::now());
        if let Ok(n @ 1..) = asked {
            tracing::info!("asked {n} askers whether their answer worked");
        }
        // The funding clearing house's weekly mail of new matches.
        let funding = services::registry::funding::weekly_tick(&mut conn, &env, models::now());
        if let Ok(n @ 1..) = funding {
            tracing::info!("mailed {n} people their new funding matches");
        }
        // Roundups, moderators' daily mail and urgent queries, whatever became of the rest.
        let noticed = services::notify::daily_tick(&mut conn, &env, models::now());
        if let Ok(n @ 1..) = sent {
            tracing::info!("scheduler sent {n} digests");
        }
        if let Ok(n @ 1..) = reminded {
            tracing::info!("reminded focal points of {n} unverified registry records");
        }
        if let Ok(n @ 1..) = noticed {
            tracing::info!("scheduler queued {n} notices");
        }
        if matches!(sent, Ok(1..)) || matches!(reminded, Ok(1..)) || matches!(noticed, Ok(1..)) || matches!(escalated, Ok(1..)) || matches!(asked, Ok(1..)) || matches!(funding, Ok(1..)) || matches!(juries, Ok(1..)) {
            mail.wake();
        }
        Ok(sent? + reminded? + noticed? + escalated? + asked? + funding? + juries?)
    })
    .waiting_first()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn a_woken_worker_runs_at_once_and_a_stopped_one_finishes_its_pass() {
        let passes = Arc::new(AtomicUsize::new(0));
        let mut workers = Workers::default();
        let p = passes.clone();
        let wake = workers.add(Worker::new("counter", Duration::from_secs(3600), move |_| {
            std::thread::sleep(Duration::from_millis(50));
            Ok(p.fetch_add(1, Ordering::SeqCst) + 1)
        }));
        workers.start();
        let deadline = Instant::now() + Duration::from_secs(30);
        while passes.load(Ordering::SeqCst) < 1 {
            assert!(Instant::now() < deadline, "the first pass runs at start");
            std::thread::sleep(Duration::from_millis(5));
        }
        wake.wake();
        while passes.load(Ordering::SeqCst) < 2 {
            assert!(Instant::now() < deadline, "a wake runs a pass long before the hour is up");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(workers.stop(Duration::from_secs(30)), "the worker stops within the bound");
        let after = passes.load(Ordering::SeqCst);
        wake.wake();
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(passes.load(Ordering::SeqCst), after, "no pass after the stop");
    }

    #[test]
    fn drain_runs_consumers_inline_and_reports_their_backlog() {
        let mut workers = Workers::default();
        let left = Arc::new(AtomicUsize::new(3));
        let l = left.clone();
        let c = left.clone();
        workers.add(Worker::new("outbox", Duration::from_secs(3600), move |_| Ok(l.swap(0, Ordering::SeqCst))).consuming(move || Ok(c.load(Ordering::SeqCst) as i64)));
        workers.add(Worker::new("not an outbox", Duration::from_secs(3600), |_| Ok(0)));
        // Not started: drain alone does the work.
        assert_eq!(workers.drain().unwrap(), vec![("outbox", 0)]);
    }
}
