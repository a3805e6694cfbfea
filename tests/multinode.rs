//! Several portal processes on one database, as a national deployment grows past one machine:
//! rate limits, sessions, cached pages and the scheduler behave as one portal's. The portals
//! here run in this test process (`TestApp::second_process`, each with its own state, index
//! and page cache) or as the built binary; the scheduler test kills one, and needs
//! PostgreSQL (SOLEX_TEST_PG), the database several processes share.

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::world::{create_community, PW};
use common::{Client, TestApp};
use diesel::prelude::*;
use solex::db::cluster::{self, Bucket};
use solex::db::{self, DatabaseUrl};
use solex::models::security_event;

/// Waits for `cond`, up to `secs`.
fn wait_until(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < deadline, "waited {secs} s for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn gauge(app: &TestApp, name: &str) -> i64 {
    let m = app.client().get("/metrics").body;
    m.lines()
        .find(|l| l.starts_with(&format!("{name} ")))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

fn limited_events(app: &TestApp, user_id: Option<i64>) -> usize {
    let mut conn = app.db();
    let filter = security_event::Filter { user_id, kind: security_event::Kind::SignInLimited.to_string(), address: String::new() };
    security_event::page(&mut conn, &filter, 0, 1000).unwrap().len()
}

#[test]
fn failed_sign_ins_on_either_process_count_against_one_limit() {
    let a = TestApp::start();
    a.member("sam@example.org", PW, "Sam Member");
    let b = a.second_process();
    let limit = a.config.login_attempts;
    for i in 0..limit {
        let node = if i % 2 == 0 { &a } else { &b };
        assert_eq!(node.client().sign_in("sam@example.org", "a wrong guess 12345").status, 400, "guess {i}");
    }
    // Neither process has seen the limit by itself; together they have.
    for node in [&b, &a, &b] {
        assert_eq!(node.client().sign_in("sam@example.org", PW).status, 429, "the account waits, even for the right password");
    }
    let sam = a.user_id("sam@example.org");
    assert_eq!(limited_events(&a, Some(sam)), 1, "one process reports the refusal, not each");
}

#[test]
fn failed_sign_ins_from_one_address_on_either_process_count_against_one_limit() {
    let a = TestApp::start();
    let b = a.second_process();
    // Four times the account limit per address, spread over both processes and many names.
    let per_address = 4 * a.config.login_attempts;
    for i in 0..per_address {
        let node = if i % 2 == 0 { &a } else { &b };
        assert_eq!(node.client().sign_in(&format!("nobody{i}@example.org"), "a wrong guess 12345").status, 400, "guess {i}");
    }
    assert_eq!(a.client().sign_in("someone@example.org", "a wrong guess 12345").status, 429);
    assert_eq!(b.client().sign_in("someone.else@example.org", "a wrong guess 12345").status, 429);
}

#[test]
fn concurrent_guesses_on_two_processes_get_no_more_checks_than_the_limit() {
    let a = TestApp::start();
    a.member("target@example.org", PW, "Target");
    let b = a.second_process();
    const GUESSES: usize = 30;
    let start = Arc::new(Barrier::new(GUESSES));
    let threads: Vec<_> = (0..GUESSES)
        .map(|i| {
            let c = if i % 2 == 0 { a.client() } else { b.client() };
            let token = c.csrf();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let guess = format!("guess number {i} for you");
                c.post_raw("/login", &[("csrf", &token), ("email", "target@example.org"), ("password", &guess)]).status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 400 || *s == 429), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), a.config.login_attempts, "{statuses:?}");
}

#[test]
fn a_session_opened_on_one_process_works_on_the_other() {
    let a = TestApp::start();
    let b = a.second_process();
    let on_a = a.member("pat@example.org", PW, "Pat Member");
    let on_b = on_a.on(&b.base);
    let page = on_b.get("/dashboard");
    assert_eq!(page.status, 200, "signed in on B with A's cookie");
    assert!(page.body.contains("Pat Member"));
    // Signing out on B ends the session on A too: A keeps who a session belongs to for pages
    // that only read, and drops it when it next reads the shared stamp (every quarter second).
    let session = on_a.cookie("solex_session").expect("session cookie");
    let replay = || Client::new(&a.base).get_with("/dashboard", &[("Cookie", &format!("solex_session={session}"))]);
    assert_eq!(replay().status, 200, "A knows the session");
    assert_eq!(on_b.post("/logout", &[]).status, 303);
    wait_until(10, "A to refuse the session ended on B", || replay().status == 303);
    // A session ended on A itself is refused by A at once.
    let again = a.client();
    assert_eq!(again.sign_in("pat@example.org", PW).status, 303);
    let session = again.cookie("solex_session").expect("session cookie");
    let replay = || Client::new(&a.base).get_with("/dashboard", &[("Cookie", &format!("solex_session={session}"))]);
    assert_eq!(replay().status, 200);
    assert_eq!(again.post("/logout", &[]).status, 303);
    assert_eq!(replay().status, 303, "refused at the next request");
    // And a session opened on B works on A.
    let fresh = b.client();
    assert_eq!(fresh.sign_in("pat@example.org", PW).status, 303);
    assert_eq!(fresh.on(&a.base).get("/dashboard").status, 200);
}

#[test]
fn a_page_cached_on_one_process_is_dropped_after_a_change_on_the_other() {
    let a = TestApp::start();
    let admin = a.admin("admin@example.org", PW);
    let b = a.second_process();
    let changes = || cluster::changes(&mut a.db()).unwrap();
    // B has read every change made so far, so its next reading of the stamp is the edit's.
    let before = changes();
    wait_until(10, "B to read the change stamp", || gauge(&b, "solex_change_stamp") == before);
    let visitor = b.client();
    assert!(!visitor.get("/communities").body.contains("Brass foundries of Moradabad"));
    let hits = gauge(&b, "solex_page_cache_hits_total");
    assert!(!visitor.get("/communities").body.contains("Brass foundries of Moradabad"));
    assert!(gauge(&b, "solex_page_cache_hits_total") > hits, "B serves the page from its cache");

    let r = create_community(&admin, "Brass foundries of Moradabad", "moradabad-brass", "admin@example.org", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(changes() > before, "the edit bumped the stamp before it answered");
    wait_until(10, "B to read the edit's change stamp", || gauge(&b, "solex_change_stamp") > before);
    assert!(visitor.get("/communities").body.contains("Brass foundries of Moradabad"), "B renders the page again");
}

#[test]
fn refused_writes_and_sign_ins_leave_cached_pages_in_place() {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", PW);
    app.member("pat@example.org", PW, "Pat Member");
    let changes = || cluster::changes(&mut app.db()).unwrap();
    let visitor = app.client();
    assert_eq!(visitor.get("/communities").status, 200);
    let (stamp, drops) = (changes(), gauge(&app, "solex_page_cache_drops_total"));
    // A wrong password, a form without its token, a form that fails its checks, a sign-in and
    // a sign-out: none of them changes a public page.
    let stranger = app.client();
    assert_eq!(stranger.sign_in("pat@example.org", "not the password at all").status, 400);
    assert_eq!(stranger.post_raw("/login", &[("email", "pat@example.org"), ("password", PW)]).status, 403);
    assert_eq!(create_community(&admin, "", "", "admin@example.org", &[]).status, 400);
    let pat = app.client();
    assert_eq!(pat.sign_in("pat@example.org", PW).status, 303);
    assert_eq!(pat.post("/logout", &[]).status, 303);
    assert_eq!(gauge(&app, "solex_page_cache_drops_total"), drops, "the page cache kept its pages");
    assert_eq!(changes(), stamp, "no other process was told of a change");

    // A change that commits drops them, here and (through the stamp) everywhere.
    assert_eq!(create_community(&admin, "Brass foundries of Moradabad", "moradabad-brass", "admin@example.org", &[]).status, 303);
    assert!(gauge(&app, "solex_page_cache_drops_total") > drops);
    assert!(changes() > stamp);
    assert!(visitor.get("/communities").body.contains("Brass foundries of Moradabad"));
}

/// Connections of their own to the test's database, as another process would have.
fn connections(app: &TestApp, n: usize) -> Vec<db::DbConn> {
    let url = DatabaseUrl::parse(&app.config.database_url).unwrap();
    (0..n).map(|_| db::establish(&url).unwrap()).collect()
}

#[test]
fn a_shared_bucket_counts_concurrent_hits_from_many_connections_exactly() {
    let app = TestApp::start();
    const MAX: i32 = 7;
    let start = Arc::new(Barrier::new(8));
    let threads: Vec<_> = connections(&app, 8)
        .into_iter()
        .map(|mut conn| {
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                (0..5).map(|_| cluster::hit_bucket(&mut conn, b"0123456789abcdef", MAX, 60_000).unwrap()).collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<Bucket> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|r| **r == Bucket::Counted).count(), MAX as usize);
    let firsts = results.iter().filter(|r| matches!(r, Bucket::Refused { first: true, .. })).count();
    assert_eq!(firsts, 1, "one refusal is the first: {results:?}");
    assert!(results.iter().all(|r| match r {
        Bucket::Refused { secs, .. } => (1..=60).contains(secs),
        Bucket::Counted => true,
    }));
    let mut conn = app.db();
    let key = b"0123456789abcdef";
    assert_eq!(cluster::check_bucket(&mut conn, key, MAX, 60_000).unwrap().map(|s| s >= 1), Some(true));
    cluster::forget_last_hit(&mut conn, key).unwrap();
    assert_eq!(cluster::check_bucket(&mut conn, key, MAX, 60_000).unwrap(), None, "one hit taken back");
    assert_eq!(cluster::hit_bucket(&mut conn, key, MAX, 60_000).unwrap(), Bucket::Counted);
    assert!(matches!(cluster::hit_bucket(&mut conn, key, MAX, 60_000).unwrap(), Bucket::Refused { first: true, .. }), "first since the last counted hit");
    // A window that has ended starts again; a sweep deletes what is long over.
    assert_eq!(cluster::hit_bucket(&mut conn, key, MAX, 0).unwrap(), Bucket::Counted);
    cluster::record_bucket(&mut conn, b"another key 4567", 60_000).unwrap();
    assert_eq!(cluster::count_buckets(&mut conn).unwrap(), 2);
    wait_until(5, "a sweep to delete both", || {
        cluster::sweep_buckets(&mut conn, 0).unwrap();
        cluster::count_buckets(&mut conn).unwrap() == 0
    });
    cluster::clear_bucket(&mut conn, key).unwrap();
}

#[test]
fn a_lease_has_one_holder_until_it_expires() {
    let app = TestApp::start();
    let mut conns = connections(&app, 2);
    let (mut one, mut two) = (conns.remove(0), conns.remove(0));
    assert!(cluster::take_lease(&mut one, "job", "one", 60_000).unwrap());
    assert!(!cluster::take_lease(&mut two, "job", "two", 60_000).unwrap(), "held by one");
    assert!(cluster::take_lease(&mut one, "job", "one", 60_000).unwrap(), "renewed by its holder");
    assert!(cluster::take_lease(&mut two, "other job", "two", 60_000).unwrap(), "one lease per job");
    // A holder that stops renewing loses the lease once it has run out.
    assert!(cluster::take_lease(&mut one, "short", "one", 200).unwrap());
    wait_until(10, "the short lease to run out", || cluster::take_lease(&mut two, "short", "two", 60_000).unwrap());
    assert!(!cluster::take_lease(&mut one, "short", "one", 60_000).unwrap(), "taken over");
    assert_eq!(cluster::lease_of(&mut one, "short").unwrap().map(|(h, _)| h).as_deref(), Some("two"));
}

fn mails_to(conn: &mut db::DbConn, email: &str) -> i64 {
    use solex::db::schema::mail_outbox::dsl as m;
    m::mail_outbox.filter(m::recipient.eq(email)).count().get_result(conn).unwrap()
}

fn make_overdue(conn: &mut db::DbConn, slug: &str) {
    use solex::db::schema::registry_records::dsl as rr;
    let old = solex::models::now() - chrono::Duration::days(400);
    let n = diesel::update(rr::registry_records.filter(rr::slug.eq(slug))).set(rr::verified_at.eq(Some(old))).execute(conn).unwrap();
    assert_eq!(n, 1, "record {slug}");
}

fn reminded(conn: &mut db::DbConn, slug: &str) -> bool {
    use solex::db::schema::registry_records::dsl as rr;
    rr::registry_records.filter(rr::slug.eq(slug)).select(rr::reminded_at).first::<Option<chrono::NaiveDateTime>>(conn).unwrap().is_some()
}

/// The process id in a lease holder's name (host:pid:nonce).
fn holder_pid(conn: &mut db::DbConn) -> Option<u32> {
    let (holder, _) = cluster::lease_of(conn, solex::services::digests::SCHEDULER_LEASE).unwrap()?;
    holder.split(':').nth(1)?.parse().ok()
}

/// Portal processes, killed when the test ends, also when it fails: a process left running
/// keeps what it inherited open (the build's lock file among them).
struct Nodes(Vec<std::process::Child>);

impl Drop for Nodes {
    fn drop(&mut self) {
        for n in &mut self.0 {
            let _ = n.kill();
            let _ = n.wait();
        }
    }
}

fn lease_expiry(conn: &mut db::DbConn) -> i64 {
    cluster::lease_of(conn, solex::services::digests::SCHEDULER_LEASE).unwrap().map_or(0, |(_, until)| until)
}

#[test]
fn the_scheduler_runs_each_due_job_once_and_another_process_takes_over_from_a_killed_one() {
    if common::pg_server().is_none() {
        eprintln!("skipped: several processes share a PostgreSQL database (set SOLEX_TEST_PG)");
        return;
    }
    // This process sets up the portal; its own scheduler would first run in an hour.
    let app = TestApp::start_with(|c| {
        c.scheduler_secs = 3600;
        c.scheduler_lease_secs = 7200;
    });
    let admin = app.admin("admin@example.org", PW);
    app.member("nfp@example.org", PW, "Nalini National");
    app.grant_focal_point(&admin, "nfp@example.org", "national");
    // Their logs go to pipes nobody reads: warnings only, so a pipe never fills.
    let env = [("SOLEX_SCHEDULER_SECS", "1"), ("SOLEX_SCHEDULER_LEASE_SECS", "4"), ("RUST_LOG", "warn")];
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut nodes = Nodes(dirs.iter().map(|d| common::spawn_portal_with(d.path(), &app.config.database_url, &env).0).collect());
    let pids: Vec<u32> = nodes.0.iter().map(|n| n.id()).collect();
    let mut conn = app.db();

    wait_until(20, "one of the two processes to hold the scheduler", || holder_pid(&mut conn).is_some_and(|p| pids.contains(&p)));
    let before = mails_to(&mut conn, "nfp@example.org");
    make_overdue(&mut conn, "samalkha-foundry");
    wait_until(20, "the reminder", || reminded(&mut conn, "samalkha-foundry"));
    // Both processes keep looking: a few more runs of the holder, and none sends it again.
    let expiry = lease_expiry(&mut conn);
    wait_until(20, "two more runs of the scheduler", || lease_expiry(&mut conn) > expiry + 1500);
    assert_eq!(mails_to(&mut conn, "nfp@example.org") - before, 1, "reminded once");

    // The holder dies holding the lease; the next due job still runs once, in the other.
    let leader = holder_pid(&mut conn).unwrap();
    let i = pids.iter().position(|p| *p == leader).unwrap();
    nodes.0[i].kill().unwrap();
    nodes.0[i].wait().unwrap();
    let survivor = pids[1 - i];
    let before = mails_to(&mut conn, "nfp@example.org");
    make_overdue(&mut conn, "barpali-ikat-handloom");
    wait_until(60, "the other process to send the next reminder", || reminded(&mut conn, "barpali-ikat-handloom"));
    assert_eq!(holder_pid(&mut conn), Some(survivor));
    let expiry = lease_expiry(&mut conn);
    wait_until(20, "two more runs of the scheduler", || lease_expiry(&mut conn) > expiry + 1500);
    assert_eq!(mails_to(&mut conn, "nfp@example.org") - before, 1, "reminded once");
}
