//! Sends one digest to N subscribers (default 100,000) through a local SMTP sink and reports
//! how long queueing and delivery took, messages per second and peak memory.
//! Run: `cargo bench --bench digest` (N from SOLEX_BENCH_SUBSCRIBERS, SQLite by default,
//! PostgreSQL with SOLEX_BENCH_PG=postgres://postgres@127.0.0.1:5432).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use solex::db::{self, DatabaseUrl};
use solex::models::{self, community, membership, post, user};
use solex::{mail, services, Config};

/// A minimal SMTP sink: accepts every message and counts it.
fn start_sink(count: Arc<AtomicUsize>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let count = count.clone();
            std::thread::spawn(move || serve(stream, count));
        }
    });
    port
}

fn serve(stream: TcpStream, count: Arc<AtomicUsize>) {
    let mut out = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let _ = out.write_all(b"220 sink ESMTP\r\n");
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let cmd = line.to_ascii_uppercase();
        let reply: &[u8] = if cmd.starts_with("EHLO") {
            b"250-sink\r\n250 PIPELINING\r\n"
        } else if cmd.starts_with("DATA") {
            let _ = out.write_all(b"354 go on\r\n");
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
            }
            count.fetch_add(1, Ordering::Relaxed);
            b"250 queued\r\n"
        } else if cmd.starts_with("QUIT") {
            let _ = out.write_all(b"221 bye\r\n");
            return;
        } else {
            b"250 ok\r\n"
        };
        if out.write_all(reply).is_err() {
            return;
        }
    }
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    let n: usize = std::env::var("SOLEX_BENCH_SUBSCRIBERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let workers: usize = std::env::var("SOLEX_BENCH_WORKERS").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    let bench_db = common::BenchDb::new();
    let url = bench_db.url.clone();
    let count = Arc::new(AtomicUsize::new(0));
    let port = start_sink(count.clone());
    let config = Config {
        database_url: url.clone(),
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        smtp_workers: workers,
        pool_size: workers as u32 + 2,
        ..Config::default()
    };
    let pool = db::pool(&DatabaseUrl::parse(&url).unwrap(), config.pool_size).unwrap();
    let mut conn = pool.get().unwrap();
    db::run_migrations(&mut conn).unwrap();

    let t = Instant::now();
    let cid = db::write_tx(&mut conn, |c| {
        let now = models::now();
        let cid = community::insert(c, &community::NewCommunity { slug: "bench", name: "Energy efficiency in foundries", description: "", theme: "energy-efficiency", created_at: now })?;
        for i in 0..n {
            let email = format!("member{i}@bench.example");
            let token = format!("{:032x}", i as u128 + 1);
            let uid = user::insert(c, &user::NewUser { email: &email, password_hash: "", name: &format!("Member {i}"), organisation: "", state: "", district: "", role_title: "", language: "en", email_verified_at: Some(now), created_at: now, mail_token: Some(&token) })?;
            let mid = membership::insert(c, &membership::NewMembership { community_id: cid, user_id: uid, status: membership::Status::Active, created_at: now, decided_by: None, decided_at: None })?;
            membership::set_delivery(c, mid, membership::Delivery::Daily)?;
        }
        let author = user::insert(c, &user::NewUser { email: "author@bench.example", password_hash: "", name: "Ravi Kumar", organisation: "", state: "", district: "", role_title: "", language: "en", email_verified_at: Some(now), created_at: now, mail_token: None })?;
        for k in 0..5 {
            let body = "We cut coke use by a fifth with a divided-blast cupola.\n\nDetails: **blower**, tuyeres, lining.";
            post::insert(c, &post::NewPost { community_id: cid, thread_id: None, author_id: author, title: &format!("Cupola question {k}"), body_md: body, body_html: &solex::markdown::to_safe_html(body), themes: "", state: "", district: "", sector: "", status: post::Status::Approved, held_reason: "", created_at: now, updated_at: now, approved_at: Some(now), response_due_at: None })?;
        }
        Ok::<_, solex::AppError>(cid)
    })
    .unwrap();
    println!("setup: {n} subscribers in {:.1} s", t.elapsed().as_secs_f64());

    let access = services::communities::Access { community: community::find(&mut conn, cid).unwrap(), viewer_id: None, membership: None, moderator: true, admin: false };
    let digest_id = services::digests::draft(&mut conn, &access, 1, solex::models::membership::Delivery::Daily).unwrap();
    let t = Instant::now();
    let queued = services::digests::send(&mut conn, &solex::services::Env::from_config(&config), digest_id, None).unwrap();
    let enqueue = t.elapsed().as_secs_f64();
    println!("queue: {queued} outbox rows in {enqueue:.1} s (one transaction)");
    drop(conn);

    let mailer = mail::Mailer::from_config(&config).unwrap();
    let identity = mail::Identity::from_config(&config).unwrap();
    let t = Instant::now();
    let journal = mail::Journal::open(&config.outbox_dir).unwrap();
    let sent = mail::deliver_due(&pool, &mailer, &journal, &identity, workers, &Default::default()).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let accepted = count.load(Ordering::Relaxed);
    println!(
        "deliver: {sent} sent, {accepted} accepted by the sink in {secs:.1} s = {:.0} messages/s with {workers} SMTP connections; peak memory {:.0} MB; backend {}",
        accepted as f64 / secs,
        peak_rss_mb(),
        bench_db.backend()
    );
    drop(pool);
}
