//! Nothing is lost when the portal dies. The real binary is killed with SIGKILL at random
//! moments while a moderator approves posts, sends digests and publishes pages, and started
//! again; then the SMTP server answers 451 for a while. Afterwards the database, the mail the
//! SMTP server accepted and the search index must agree: every recipient got every message,
//! at most one message twice per SMTP connection per kill, nothing arrived that the database
//! does not know, and every published page and public thread (and nothing else) is searchable.
//!
//! The suite runs a short version; `scripts/no-loss` runs it with 200 kills and a ten-minute
//! outage (SOLEX_NO_LOSS_KILLS, SOLEX_NO_LOSS_OUTAGE_SECS).

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::smtp::SmtpServer;
use common::world::create_community;
use common::Client;
use diesel::prelude::*;
use solex::db::{self, DatabaseUrl, DbConn};
use solex::models::{self, membership, post, user};

const PW: &str = "moradabad brass polish";
const SLUG: &str = "foundry-energy";

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Small deterministic generator, so a failing run can be repeated with its seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// SMTP connections of the portal under test (`smtp_workers`).
const SMTP_WORKERS: usize = 8;

/// The portal as an operating system process.
struct Portal {
    child: Option<Child>,
    envs: Vec<(String, String)>,
    base: String,
    log: PathBuf,
}

impl Portal {
    /// Not started yet: the common settings (`portal_env`) and `extra`, logging to dir/portal.log.
    fn new(url: &str, port: u16, dir: &Path, extra: &[(&str, String)]) -> Portal {
        let envs = portal_env(url, port, dir).into_iter().chain(extra.iter().map(|(k, v)| (k.to_string(), v.clone()))).collect();
        Portal { child: None, envs, base: format!("http://127.0.0.1:{port}"), log: dir.join("portal.log") }
    }

    fn start(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_solex"))
            .arg("serve")
            .envs(self.envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start the solex binary");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while ureq::get(&format!("{}/healthz", self.base)).call().is_err() {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("the portal exited with {status}; log:\n{}", std::fs::read_to_string(&self.log).unwrap_or_default());
            }
            assert!(Instant::now() < deadline, "the portal did not come up");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM (by kill(1), so the tests need no libc), then waits at most `bound` for the
    /// process to exit; returns its status and how long it took.
    fn terminate(&mut self, bound: Duration) -> (std::process::ExitStatus, Duration) {
        let mut child = self.child.take().expect("a running portal");
        let started = Instant::now();
        let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(sent.success(), "kill -TERM");
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (status, started.elapsed());
            }
            if started.elapsed() > bound {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the portal did not exit within {bound:?} of SIGTERM; log:\n{}", std::fs::read_to_string(&self.log).unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no destructor, no flush, no goodbye.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The settings every portal of these tests has: its database, address and folders in `dir`.
fn portal_env(url: &str, port: u16, dir: &Path) -> Vec<(String, String)> {
    let d = |p: &str| dir.join(p).display().to_string();
    vec![
        ("DATABASE_URL".into(), url.to_string()),
        ("SOLEX_BIND".into(), format!("127.0.0.1:{port}")),
        ("SOLEX_BASE_URL".into(), format!("http://127.0.0.1:{port}")),
        ("SOLEX_INDEX_DIR".into(), d("search-index")),
        ("SOLEX_OUTBOX_DIR".into(), d("outbox")),
        ("SOLEX_ATTACHMENTS_DIR".into(), d("attachments")),
    ]
}

fn connect(url: &str) -> DbConn {
    db::establish(&DatabaseUrl::parse(url).unwrap()).expect("database")
}

/// A verified member with a delivery choice, written straight to the database.
fn member(conn: &mut DbConn, community_id: i64, email: &str, delivery: membership::Delivery) -> i64 {
    let now = models::now();
    let uid = user::insert(
        conn,
        &user::NewUser {
            email,
            password_hash: "",
            name: email,
            organisation: "",
            state: "",
            district: "",
            role_title: "",
            language: "en",
            email_verified_at: Some(now),
            created_at: now,
            mail_token: Some(&solex::tokens::mail_token()),
        },
    )
    .unwrap();
    let mid = membership::insert(
        conn,
        &membership::NewMembership { community_id, user_id: uid, status: membership::Status::Active, created_at: now, decided_by: None, decided_at: Some(now) },
    )
    .unwrap();
    membership::set_delivery(conn, mid, delivery).unwrap();
    uid
}

/// Queries waiting in the moderator's queue, each with a word of its own to search for.
fn queue_posts(conn: &mut DbConn, community_id: i64, author: i64, from: usize, n: usize) {
    for i in from..from + n {
        let now = models::now();
        let title = format!("Cupola question nlq{i}");
        post::insert(
            conn,
            &post::NewPost {
                community_id,
                thread_id: None,
                author_id: author,
                title: &title,
                body_md: "How much coke per tonne?",
                body_html: "<p>How much coke per tonne?</p>",
                themes: "energy-efficiency",
                state: "",
                district: "",
                sector: "",
                status: post::Status::Pending,
                held_reason: "",
                created_at: now,
                updated_at: now,
                approved_at: None,
                response_due_at: None,
            },
        )
        .unwrap();
    }
}

fn oldest_pending(conn: &mut DbConn) -> Option<(i64, i32)> {
    use solex::db::schema::posts::dsl;
    dsl::posts.filter(dsl::status.eq(post::Status::Pending)).order(dsl::id).select((dsl::id, dsl::version)).first(conn).optional().unwrap()
}

fn approved_threads(conn: &mut DbConn) -> Vec<i64> {
    use solex::db::schema::posts::dsl;
    dsl::posts.filter(dsl::status.eq(post::Status::Approved)).order(dsl::id).select(dsl::id).load(conn).unwrap()
}

/// What the moderator managed before the process died.
#[derive(Default, Debug)]
struct Done {
    approvals: usize,
    digests: usize,
    pages: usize,
}

type Step = Result<(), String>;

/// Approves the oldest waiting post; true if this request did it.
fn approve(moderator: &Client, conn: &mut DbConn) -> Result<bool, String> {
    let Some((id, version)) = oldest_pending(conn) else { return Ok(false) };
    let r = moderator.try_post(&format!("/c/{SLUG}/queue/{id}/decide"), &[("version", &version.to_string()), ("action", "approve")])?;
    match r.status {
        303 => Ok(true),
        409 => Ok(false),
        s => panic!("approve {id}: {s} {}", r.body),
    }
}

/// Composes and sends a digest of what is new; true if it went out (an empty one is refused).
fn send_digest(moderator: &Client) -> Result<bool, String> {
    let r = moderator.try_post(&format!("/c/{SLUG}/digests"), &[("audience", "daily")])?;
    assert_eq!(r.status, 303, "new digest: {}", r.body);
    let page = r.location.unwrap();
    let form = moderator.try_get(&page)?.body;
    let items: Vec<String> = form.split("name=\"pos-").skip(1).filter_map(|s| s.split('"').next().map(str::to_string)).collect();
    let positions: Vec<(String, String)> = items.iter().enumerate().map(|(i, id)| (format!("pos-{id}"), (i + 1).to_string())).collect();
    let mut fields: Vec<(&str, &str)> = vec![("editorial", "This week in the cupola community."), ("action", "send")];
    for id in &items {
        fields.push(("include", id));
    }
    for (k, v) in &positions {
        fields.push((k, v));
    }
    let r = moderator.try_post(&page, &fields)?;
    assert!(r.status == 200 || r.status == 400, "send digest: {} {}", r.status, r.body);
    Ok(r.status == 200 && r.body.contains("Digest sent"))
}

fn publish_page(moderator: &Client, thread: i64, n: usize) -> Step {
    let title = format!("Cupola practice nlp{n}");
    let fields = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut f = vec![
            ("title", title.clone()),
            ("problem", "Coke use is high.".to_string()),
            ("solution", "Use a divided blast cupola.".to_string()),
            ("themes", "energy-efficiency".to_string()),
            ("language", "en".to_string()),
            ("source_threads", thread.to_string()),
        ];
        f.extend_from_slice(extra);
        f
    };
    let create = fields(&[("slug", String::new())]);
    let refs: Vec<(&str, &str)> = create.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = moderator.try_post(&format!("/kb/new?thread={thread}"), &refs)?;
    assert_eq!(r.status, 303, "create page: {}", r.body);
    let edit_path = r.location.unwrap();
    let edit_path = edit_path.split('?').next().unwrap().to_string();
    let edit = moderator.try_get(&edit_path)?.body;
    let rev = common::hidden_value(&edit, "revision").expect("revision field");
    let publish = fields(&[("revision", rev), ("action", "publish".to_string())]);
    let refs: Vec<(&str, &str)> = publish.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = moderator.try_post(&edit_path, &refs)?;
    assert!(r.status < 400, "publish: {} {}", r.status, r.body);
    Ok(())
}

/// The moderator's day: mostly approvals, now and then a digest or a page, until told to stop
/// or the portal goes away.
fn work(moderator: &Client, url: &str, stop: &AtomicBool, pages_from: usize) -> Done {
    let mut conn = connect(url);
    let mut done = Done::default();
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let step = if n % 9 == 0 {
            send_digest(moderator).map(|sent| done.digests += usize::from(sent))
        } else if n % 5 == 0 {
            match approved_threads(&mut conn).last() {
                Some(&thread) => publish_page(moderator, thread, pages_from + done.pages).map(|_| done.pages += 1),
                None => Ok(()),
            }
        } else {
            approve(moderator, &mut conn).map(|ok| done.approvals += usize::from(ok))
        };
        if step.is_err() {
            break;
        }
        // A quick moderator, not a loop: the sender keeps up, so a kill interrupts
        // deliveries in flight rather than a backlog that only grows.
        std::thread::sleep(Duration::from_millis(100));
    }
    done
}

/// Waits until nothing is queued, as long as the queue keeps shrinking. The limit on a pause
/// covers a crashed sender's lease (3 s here) and the longest retry backoff (256 s).
fn drained(conn: &mut DbConn) -> bool {
    let mut last = i64::MAX;
    let mut since = Instant::now();
    loop {
        let queued = count_mail(conn, models::mail_outbox::Status::Queued);
        if queued == 0 {
            return true;
        }
        if queued < last {
            last = queued;
            since = Instant::now();
        } else if since.elapsed() > Duration::from_secs(300) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What is still queued, for a run that times out.
fn stuck(conn: &mut DbConn) -> String {
    use solex::db::schema::mail_outbox::dsl;
    let rows: Vec<(i64, String, i32, String, Option<chrono::NaiveDateTime>, chrono::NaiveDateTime)> = dsl::mail_outbox
        .filter(dsl::status.eq("queued"))
        .select((dsl::id, dsl::kind, dsl::attempts, dsl::last_error, dsl::locked_until, dsl::next_attempt_at))
        .limit(3)
        .load(conn)
        .unwrap();
    format!("now {}, for example {rows:?}", models::now())
}

fn count_mail(conn: &mut DbConn, status: models::mail_outbox::Status) -> i64 {
    models::mail_outbox::count_by_status(conn, status).unwrap()
}

/// (Message-ID, envelope recipient) of every message the SMTP server accepted, with counts.
fn received(maildir: &Path) -> HashMap<(String, String), usize> {
    let mut seen = HashMap::new();
    for entry in std::fs::read_dir(maildir.join("new")).into_iter().flatten().flatten() {
        let raw = std::fs::read(entry.path()).unwrap();
        let m = mail_parser::MessageParser::default().parse(&raw).expect("a parseable message");
        let id = format!("<{}>", m.message_id().unwrap_or(""));
        let rcpts = m.header_raw("X-RcptTo").unwrap_or("").trim().to_string();
        for r in rcpts.split(", ") {
            *seen.entry((id.clone(), r.to_string())).or_insert(0) += 1;
        }
    }
    seen
}

fn search_titles(c: &Client, q: &str) -> Vec<String> {
    let r = c.get(&format!("/api/search?q={q}&limit=50"));
    assert_eq!(r.status, 200, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect()
}

#[test]
fn killed_at_random_and_refused_by_smtp_the_portal_loses_nothing() {
    let kills = knob("SOLEX_NO_LOSS_KILLS", 6);
    let outage = Duration::from_secs(knob("SOLEX_NO_LOSS_OUTAGE_SECS", 4));
    let seed = knob("SOLEX_NO_LOSS_SEED", 0).max(1).wrapping_add(std::process::id() as u64 * 2_654_435_761);
    let mut rng = Rng(seed);
    println!("seed {seed}");

    let smtp = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut portal = Portal::new(&url, port, dir.path(), &[
        ("SOLEX_STATIC_DIR", root.join("static").display().to_string()),
        ("SOLEX_CONTENT_DIR", root.join("content").display().to_string()),
        ("SOLEX_SMTP_URL", smtp.url()),
        ("SOLEX_MAIL_RETRY_SECS", "2".into()),
        // One process: what a killed sender had claimed may be taken again soon.
        ("SOLEX_MAIL_LEASE_SECS", "3".into()),
        ("SOLEX_WORKERS", "2".into()),
        ("SOLEX_SMTP_WORKERS", SMTP_WORKERS.to_string()),
        // The final check searches once for every page and post, faster than a person.
        ("SOLEX_SEARCH_PER_MINUTE", "0".into()),
        ("RUST_LOG", "warn".into()),
    ]);
    portal.start();

    let mut conn = connect(&url);
    let admin = common::account_from_console(&mut conn, &base, "admin@example.org", "Asha Admin", PW, true);
    let moderator = common::account_from_console(&mut conn, &base, "mod@example.org", "Meena Moderator", PW, false);
    let r = create_community(&admin, "Energy efficiency in foundries", SLUG, "mod@example.org", &[("public_threads", "on")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let community_id = solex::models::community::find_by_slug(&mut conn, SLUG).unwrap().id;
    let author = member(&mut conn, community_id, "author@example.org", membership::Delivery::Web);
    let each: HashSet<String> = (0..150).map(|i| format!("each{i}@example.org")).collect();
    let daily: HashSet<String> = (0..20).map(|i| format!("daily{i}@example.org")).collect();
    for e in &each {
        member(&mut conn, community_id, e, membership::Delivery::Each);
    }
    for e in &daily {
        member(&mut conn, community_id, e, membership::Delivery::Daily);
    }

    let mut done = Done::default();
    let mut queued = 0;
    for round in 0..kills {
        if oldest_pending(&mut conn).is_none() || round == 0 {
            queue_posts(&mut conn, community_id, author, queued, 100);
            queued += 100;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let worker = {
            let (stop, url, moderator) = (stop.clone(), url.clone(), moderator.clone());
            let pages_from = round as usize * 1000;
            std::thread::spawn(move || work(&moderator, &url, &stop, pages_from))
        };
        std::thread::sleep(Duration::from_millis(1000 + rng.below(7000)));
        portal.kill();
        stop.store(true, Ordering::Relaxed);
        let d = worker.join().expect("the moderator's thread");
        done.approvals += d.approvals;
        done.digests += d.digests;
        done.pages += d.pages;
        portal.start();
    }
    println!("{kills} kills; the moderator finished {} approvals, {} digests, {} pages", done.approvals, done.digests, done.pages);

    // The SMTP server refuses with 451 for a while; approvals go on and nothing is lost.
    if !drained(&mut conn) {
        panic!("the mail from before the outage is still queued: {}", stuck(&mut conn));
    }
    let before = received(&smtp.maildir).len();
    smtp.refuse_temporarily(true);
    queue_posts(&mut conn, community_id, author, queued, 5);
    for _ in 0..5 {
        approve(&moderator, &mut conn).unwrap();
    }
    std::thread::sleep(outage);
    // The outage lasts until the sender has tried every message of it at least once: on a
    // loaded machine that can take longer than the set time (bounded wait).
    let tried = |conn: &mut DbConn| -> i64 {
        use solex::db::schema::mail_outbox::dsl;
        dsl::mail_outbox.filter(dsl::status.eq("queued")).filter(dsl::attempts.gt(0)).count().get_result(conn).unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut deferred = tried(&mut conn);
    while deferred < 5 * each.len() as i64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        deferred = tried(&mut conn);
    }
    assert_eq!(received(&smtp.maildir).len(), before, "nothing is accepted during the outage");
    assert!(deferred >= 5 * each.len() as i64, "every message of the outage was tried, refused and kept: {deferred}");
    smtp.refuse_temporarily(false);
    // Backoff doubles from 2 s and stops growing at 256 s.
    // The portal keeps running: its scheduler may queue mail of its own at any moment (the
    // moderators' daily mail once the day's hour has come), so the outbox is read again until
    // it holds nothing unsent.
    let load = |conn: &mut DbConn| -> Vec<(String, String, String, String, Option<i64>)> {
        use solex::db::schema::mail_outbox::dsl;
        dsl::mail_outbox.select((dsl::message_id, dsl::recipient, dsl::status, dsl::kind, dsl::ref_id)).load(conn).unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    let rows = loop {
        if !drained(&mut conn) {
            panic!("the deferred mail is still queued: {}", stuck(&mut conn));
        }
        let rows = load(&mut conn);
        let failed: Vec<_> = rows.iter().filter(|r| r.2 != "sent").collect();
        if failed.is_empty() {
            break rows;
        }
        assert!(Instant::now() < deadline, "every message was sent: {failed:?}");
    };

    // The database and the mail agree.
    // Every row is marked sent only after the server's 250; the files are read until they all
    // show (bounded), so a slow sink on a loaded machine is not taken for a loss.
    let deadline = Instant::now() + Duration::from_secs(60);
    let lost = loop {
        let got = received(&smtp.maildir);
        let lost: Vec<_> = rows.iter().filter(|r| !got.contains_key(&(r.0.clone(), r.1.clone()))).collect();
        if lost.is_empty() || Instant::now() > deadline {
            break lost;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(lost.is_empty(), "{} of {} messages never arrived: {:?}", lost.len(), rows.len(), &lost[..lost.len().min(5)]);
    // A row is written before its mail goes out: the outbox read after the mail knows all of it.
    let got = received(&smtp.maildir);
    let known: HashSet<(String, String)> = load(&mut conn).into_iter().map(|r| (r.0, r.1)).collect();
    let unknown: Vec<_> = got.keys().filter(|k| !known.contains(*k)).collect();
    assert!(unknown.is_empty(), "mail arrived that the database does not know: {unknown:?}");
    let twice: usize = got.values().map(|n| n - 1).sum();
    // A duplicate is a message the SMTP server took (its final dot was written) that the killed
    // process never heard accepted. Each SMTP connection carries one message at a time, so one
    // kill can leave at most one such message per connection: the bound is per kill, not per
    // message, and a slower machine (fewer messages sent) must not make it tighter.
    let bound = kills as usize * SMTP_WORKERS;
    println!("{} messages, {} received twice ({:.3}%), bound {bound} ({kills} kills x {SMTP_WORKERS} connections)", rows.len(), twice, 100.0 * twice as f64 / rows.len() as f64);
    assert!(twice <= bound, "at most one message in flight per connection at each kill: {twice} twice, bound {bound}");

    // Every approved post went to every member who takes each message; every sent digest to
    // every daily member.
    let recipients_of = |kind: &str, id: i64| -> HashSet<String> {
        rows.iter().filter(|r| r.3 == kind && r.4 == Some(id)).map(|r| r.1.clone()).collect()
    };
    let takes_each: HashSet<String> = membership::recipients(&mut conn, community_id, membership::Delivery::Each).unwrap().into_iter().map(|(_, e)| e).collect();
    assert!(takes_each.is_superset(&each));
    let approved = approved_threads(&mut conn);
    assert!(approved.len() >= done.approvals, "an approval that answered is in the database");
    for id in &approved {
        assert_eq!(recipients_of(solex::models::mail_outbox::OutboxKind::Post.as_str(), *id), takes_each, "post {id}");
    }
    let sent_digests: Vec<i64> = {
        use solex::db::schema::digests::dsl;
        dsl::digests.filter(dsl::status.eq(solex::models::digest::Status::Sent)).select(dsl::id).load(&mut conn).unwrap()
    };
    assert!(sent_digests.len() >= done.digests);
    for id in &sent_digests {
        assert_eq!(recipients_of(solex::models::mail_outbox::OutboxKind::Digest.as_str(), *id), daily, "digest {id}");
    }

    // The database and the search index agree: published pages and approved public threads
    // are found, pending posts and drafts are not.
    let anon = Client::new(&base);
    let pages: Vec<(String, String)> = {
        use solex::db::schema::pages::dsl;
        dsl::pages.filter(dsl::title.like("Cupola practice nlp%")).select((dsl::title, dsl::status)).load(&mut conn).unwrap()
    };
    assert!(pages.iter().filter(|p| p.1 == solex::models::page::Status::Published.as_str()).count() >= done.pages);
    let posts: Vec<(String, String)> = {
        use solex::db::schema::posts::dsl;
        dsl::posts.select((dsl::title, dsl::status)).load(&mut conn).unwrap()
    };
    let mismatches = || -> Vec<String> {
        let mut wrong = Vec::new();
        for (title, status) in pages.iter().chain(posts.iter()) {
            let word = title.rsplit(' ').next().unwrap();
            let found = search_titles(&anon, word).iter().any(|t| t == title);
            let public = status == solex::models::page::Status::Published.as_str() || status == post::Status::Approved.as_str();
            if found != public {
                wrong.push(format!("`{title}` ({status}) searchable: {found}"));
            }
        }
        wrong
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut wrong = mismatches();
    while !wrong.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        wrong = mismatches();
    }
    assert!(wrong.is_empty(), "the index disagrees with the database: {wrong:?}");
    let checked = pages.len() + posts.len();
    println!("{checked} pages and posts checked against the index");

    // SQLite's own check after all the killing.
    if pg.is_none() {
        let ok: Vec<String> = diesel::sql_query("PRAGMA integrity_check")
            .load::<IntegrityRow>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|r| r.integrity_check)
            .collect();
        assert_eq!(ok, vec!["ok".to_string()]);
    }
    drop(conn);
    portal.kill();
    common::drop_database(&pg);
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

/// SIGTERM while the sender is in the middle of a batch, against an SMTP server that takes its
/// time over each message: the portal finishes the messages in flight, records them, gives
/// the rest back and exits 0 well within the bound; no row stays claimed, every row marked
/// sent arrived once, and the next start sends the rest.
#[test]
fn stopped_by_sigterm_mid_batch_the_portal_exits_cleanly_and_loses_nothing() {
    const RECIPIENTS: usize = 60;
    const BOUND: Duration = Duration::from_secs(40);
    let smtp = SmtpServer::start();
    smtp.slow_down(Some(Duration::from_millis(200)));
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let port = common::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut portal = Portal::new(&url, port, dir.path(), &[
        ("SOLEX_CONTENT_DIR", dir.path().join("none").display().to_string()),
        ("SOLEX_SMTP_URL", smtp.url()),
        ("SOLEX_SMTP_WORKERS", "2".into()),
        ("RUST_LOG", "info,actix_server=warn".into()),
    ]);
    portal.start();
    let mut conn = connect(&url);
    let admin = common::account_from_console(&mut conn, &base, "admin@example.org", "Asha Admin", PW, true);
    let moderator = common::account_from_console(&mut conn, &base, "mod@example.org", "Meena Moderator", PW, false);
    let r = create_community(&admin, "Energy efficiency in foundries", SLUG, "mod@example.org", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let community_id = solex::models::community::find_by_slug(&mut conn, SLUG).unwrap().id;
    let author = member(&mut conn, community_id, "author@example.org", membership::Delivery::Web);
    for i in 0..RECIPIENTS {
        member(&mut conn, community_id, &format!("each{i}@example.org"), membership::Delivery::Each);
    }
    queue_posts(&mut conn, community_id, author, 0, 1);
    assert!(approve(&moderator, &mut conn).unwrap(), "the post is approved: its mail is queued");
    let post_mail = |conn: &mut DbConn| -> Vec<(String, String, Option<chrono::NaiveDateTime>)> {
        use solex::db::schema::mail_outbox::dsl;
        dsl::mail_outbox.filter(dsl::kind.eq(solex::models::mail_outbox::OutboxKind::Post.as_str())).filter(dsl::recipient.like("each%")).select((dsl::recipient, dsl::status, dsl::locked_until)).load(conn).unwrap()
    };
    assert_eq!(post_mail(&mut conn).len(), RECIPIENTS);

    let to_members = |maildir: &Path| -> Vec<(String, usize)> { received(maildir).into_iter().filter(|((_, to), _)| to.starts_with("each")).map(|((_, to), n)| (to, n)).collect() };
    // Mid-batch: some messages are through, most are claimed and waiting their turn.
    let deadline = Instant::now() + Duration::from_secs(60);
    while to_members(&smtp.maildir).len() < 3 {
        assert!(Instant::now() < deadline, "the sender never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (status, took) = portal.terminate(BOUND);
    let log = std::fs::read_to_string(&portal.log).unwrap();
    println!("exited {status} {took:?} after SIGTERM");
    assert!(status.success(), "exit code 0 after SIGTERM: {status}; log:\n{log}");
    assert!(log.contains("background workers stopped") && log.contains("messages left queued"), "the shutdown is logged:\n{log}");

    let rows = post_mail(&mut conn);
    let claimed: Vec<_> = rows.iter().filter(|r| r.1 == "queued" && r.2.is_some()).collect();
    assert!(claimed.is_empty(), "no row stays claimed: {claimed:?}");
    let sent: HashSet<&str> = rows.iter().filter(|r| r.1 == "sent").map(|r| r.0.as_str()).collect();
    let queued = rows.iter().filter(|r| r.1 == "queued").count();
    assert_eq!(sent.len() + queued, RECIPIENTS, "every row is sent or still queued: {rows:?}");
    assert!(queued > 0, "the stop came mid-batch");
    let got = to_members(&smtp.maildir);
    assert!(got.iter().all(|(_, n)| *n == 1), "nothing arrived twice: {got:?}");
    let arrived: HashSet<&str> = got.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(arrived, sent, "what arrived is exactly what is marked sent");

    // The next start sends the rest, at once (no lease to wait out).
    smtp.slow_down(None);
    portal.start();
    let deadline = Instant::now() + Duration::from_secs(60);
    while post_mail(&mut conn).iter().any(|r| r.1 != "sent") {
        assert!(Instant::now() < deadline, "the rest was not sent after the restart: {}", stuck(&mut conn));
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = to_members(&smtp.maildir);
    assert_eq!(got.len(), RECIPIENTS, "every member got the post");
    assert!(got.iter().all(|(_, n)| *n == 1), "each exactly once: {got:?}");
    let (status, _) = portal.terminate(BOUND);
    assert!(status.success());
    drop(conn);
    common::drop_database(&pg);
}
