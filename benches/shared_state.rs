//! What the state several portal processes share costs: a rate-limit bucket hit (a sign-in
//! makes two, a post two or three), the change stamp's bump (every write request that was not
//! refused) and its read (each process, four times a second). Prints microseconds per call on
//! one connection, then calls per second from THREADS connections at once on distinct keys
//! and on one key.
//! Run: `cargo bench --bench shared_state` (SQLite in a temporary file; PostgreSQL with
//! SOLEX_BENCH_PG=postgres://postgres@127.0.0.1:5432). N calls each (default 5,000).

mod common;

use std::sync::{Arc, Barrier};
use std::time::Instant;

use solex::db::cluster;
use solex::db::{self, DatabaseUrl, DbConn};
use solex::web::ratelimit::key_of;

const THREADS: usize = 4;

fn per_call(n: usize, what: &str, mut f: impl FnMut(usize)) {
    let t = Instant::now();
    for i in 0..n {
        f(i);
    }
    println!("  {what:<44} {:>8.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
}

fn concurrent(url: &DatabaseUrl, n: usize, what: &str, one_key: bool) {
    let start = Arc::new(Barrier::new(THREADS + 1));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let mut conn = db::establish(url).unwrap();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                for i in 0..n {
                    let key = if one_key { key_of("login-ip:10.0.0.1") } else { key_of(&format!("login-email:t{t}-{i}@example.org")) };
                    cluster::hit_bucket(&mut conn, &key, i32::MAX, 3_600_000).unwrap();
                }
            })
        })
        .collect();
    start.wait();
    let t = Instant::now();
    for th in threads {
        th.join().unwrap();
    }
    println!("  {what:<44} {:>8.0} /s", (THREADS * n) as f64 / t.elapsed().as_secs_f64());
}

fn main() {
    let n: usize = std::env::var("SOLEX_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let bench_db = common::BenchDb::new();
    let url = bench_db.parsed();
    let mut conn: DbConn = db::establish(&url).unwrap();
    db::run_migrations(&mut conn).unwrap();
    println!("{} ({n} calls each)", url.backend_name());

    let hot = key_of("login-ip:10.0.0.1");
    per_call(n, "hit_bucket, new key (insert)", |i| {
        cluster::hit_bucket(&mut conn, &key_of(&format!("login-email:u{i}@example.org")), 5, 900_000).unwrap();
    });
    per_call(n, "hit_bucket, one key (update)", |_| {
        cluster::hit_bucket(&mut conn, &hot, i32::MAX, 900_000).unwrap();
    });
    per_call(n, "check_bucket", |_| {
        cluster::check_bucket(&mut conn, &hot, 5, 900_000).unwrap();
    });
    per_call(n, "bump_changes (every write request)", |_| cluster::bump_changes(&mut conn, true).unwrap());
    per_call(n, "changes (each process, 4 a second)", |_| {
        cluster::changes(&mut conn).unwrap();
    });
    concurrent(&url, n, &format!("hit_bucket, {THREADS} connections, distinct keys"), false);
    concurrent(&url, n, &format!("hit_bucket, {THREADS} connections, one key"), true);
    drop(conn);
}
