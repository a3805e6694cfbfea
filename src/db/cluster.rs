//! What several portal processes on one database share: rate-limit buckets, the change stamp
//! and job leases. Their times are milliseconds on the database's clock, so processes whose
//! clocks differ still agree; reading that clock is the only SQL that differs per backend.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary, Integer, Text};

use crate::db::schema::{change_stamp, job_leases, rate_buckets};
use crate::db::DbConn;

/// The fixed-size name of a rate-limit key: the first 16 bytes of its SHA-256, so no address
/// or account name is stored in a bucket.
pub fn key_of(key: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&digest[..16]);
    k
}

/// `text` for this connection's backend: `NOW` becomes the database's clock in milliseconds
/// since 1970 (PostgreSQL's now() is fixed for a transaction and SQLite's 'now' for a
/// statement, so every use in one statement agrees), and on SQLite `$n` becomes `?n`: SQLite
/// reads `$n` as a name and numbers names in order of first use, not by their digits.
fn sql(conn: &DbConn, text: &str) -> String {
    match conn {
        DbConn::Pg(_) => text.replace("NOW", "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)"),
        DbConn::Sqlite(_) => text.replace("NOW", "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)").replace('$', "?"),
    }
}

#[derive(QueryableByName)]
struct BucketRow {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = Integer)]
    refusals: i32,
    #[diesel(sql_type = BigInt)]
    window_start: i64,
    #[diesel(sql_type = BigInt)]
    at_ms: i64,
}

impl BucketRow {
    /// Whole seconds (at least one) until the bucket's window ends. At most the window: on
    /// PostgreSQL a statement reads the clock when it starts, so one that waited for the row
    /// may find a window begun by a later statement, a little after its own "now".
    fn wait_secs(&self, window_ms: i64) -> u64 {
        let left = (self.window_start + window_ms - self.at_ms).clamp(0, window_ms.max(0)) as u64;
        left.div_ceil(1000).max(1)
    }
}

/// What a shared bucket said about one hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Counted,
    /// Refused for this many seconds; `first` when no process was refused since the key's
    /// last counted hit.
    Refused { secs: u64, first: bool },
}

/// Counts a hit on `key` unless it already has `max` in its window, in one statement, so
/// concurrent hits from any number of processes never pass the limit together. A window
/// begins at the first hit after the previous one ended.
pub fn hit_bucket(conn: &mut DbConn, key: &[u8], max: i32, window_ms: i64) -> QueryResult<Bucket> {
    let sql = sql(
        conn,
        "INSERT INTO rate_buckets (key_hash, window_start, hits, refusals) VALUES ($1, NOW, 1, 0) \
         ON CONFLICT (key_hash) DO UPDATE SET \
           window_start = CASE WHEN rate_buckets.window_start + $3 <= NOW THEN NOW ELSE rate_buckets.window_start END, \
           hits = CASE WHEN rate_buckets.window_start + $3 <= NOW THEN 1 \
                       WHEN rate_buckets.hits < $2 THEN rate_buckets.hits + 1 ELSE rate_buckets.hits END, \
           refusals = CASE WHEN rate_buckets.window_start + $3 <= NOW OR rate_buckets.hits < $2 THEN 0 \
                           ELSE rate_buckets.refusals + 1 END \
         RETURNING hits, refusals, window_start, NOW AS at_ms",
    );
    let row: BucketRow = diesel::sql_query(sql)
        .bind::<Binary, _>(key)
        .bind::<Integer, _>(max)
        .bind::<BigInt, _>(window_ms)
        .get_result(conn)?;
    Ok(match row.refusals {
        0 => Bucket::Counted,
        n => Bucket::Refused { secs: row.wait_secs(window_ms), first: n == 1 },
    })
}

/// Some(seconds to wait) when `key` has `max` hits inside its window; counts nothing.
pub fn check_bucket(conn: &mut DbConn, key: &[u8], max: i32, window_ms: i64) -> QueryResult<Option<u64>> {
    let sql = sql(conn, "SELECT hits, refusals, window_start, NOW AS at_ms FROM rate_buckets WHERE key_hash = $1");
    let row: Option<BucketRow> = diesel::sql_query(sql).bind::<Binary, _>(key).get_result(conn).optional()?;
    Ok(row.filter(|r| r.at_ms < r.window_start + window_ms && r.hits >= max).map(|r| r.wait_secs(window_ms)))
}

/// Counts a hit on `key` without a check.
pub fn record_bucket(conn: &mut DbConn, key: &[u8], window_ms: i64) -> QueryResult<()> {
    let sql = sql(
        conn,
        "INSERT INTO rate_buckets (key_hash, window_start, hits, refusals) VALUES ($1, NOW, 1, 0) \
         ON CONFLICT (key_hash) DO UPDATE SET \
           window_start = CASE WHEN rate_buckets.window_start + $2 <= NOW THEN NOW ELSE rate_buckets.window_start END, \
           hits = CASE WHEN rate_buckets.window_start + $2 <= NOW THEN 1 ELSE rate_buckets.hits + 1 END",
    );
    diesel::sql_query(sql).bind::<Binary, _>(key).bind::<BigInt, _>(window_ms).execute(conn).map(|_| ())
}

/// Notes a refusal this process made by itself; true when it is the first since the key's
/// last counted hit in any process (so one process reports it, not each).
pub fn note_refusal(conn: &mut DbConn, key: &[u8], window_ms: i64) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Refusals {
        #[diesel(sql_type = Integer)]
        refusals: i32,
    }
    let sql = sql(conn, "UPDATE rate_buckets SET refusals = refusals + 1 WHERE key_hash = $1 AND window_start + $2 > NOW RETURNING refusals");
    let row: Option<Refusals> = diesel::sql_query(sql).bind::<Binary, _>(key).bind::<BigInt, _>(window_ms).get_result(conn).optional()?;
    Ok(row.is_none_or(|r| r.refusals == 1))
}

/// Takes back one counted hit (an attempt that turned out to be a person's own).
pub fn forget_last_hit(conn: &mut DbConn, key: &[u8]) -> QueryResult<()> {
    diesel::update(rate_buckets::table.find(key).filter(rate_buckets::hits.gt(0)))
        .set(rate_buckets::hits.eq(rate_buckets::hits - 1))
        .execute(conn)
        .map(|_| ())
}

pub fn clear_bucket(conn: &mut DbConn, key: &[u8]) -> QueryResult<()> {
    diesel::delete(rate_buckets::table.find(key)).execute(conn).map(|_| ())
}

/// Deletes buckets whose window began more than `older_than_ms` ago.
pub fn sweep_buckets(conn: &mut DbConn, older_than_ms: i64) -> QueryResult<usize> {
    let sql = sql(conn, "DELETE FROM rate_buckets WHERE window_start < NOW - $1");
    diesel::sql_query(sql).bind::<BigInt, _>(older_than_ms).execute(conn)
}

pub fn count_buckets(conn: &mut DbConn) -> QueryResult<i64> {
    rate_buckets::table.count().get_result(conn)
}

/// A write request succeeded: `public` when it may have changed what a page shows (both
/// counters move), otherwise it changed only who someone is or what they set (a sign-in, a
/// sign-out, their own mail settings), which pages kept for signed-in readers depend on.
pub fn bump_changes(conn: &mut DbConn, public: bool) -> QueryResult<()> {
    fn bump(conn: &mut DbConn, public: bool) -> QueryResult<()> {
        let target = change_stamp::table.find(1);
        if public {
            diesel::update(target).set((change_stamp::changes.eq(change_stamp::changes + 1), change_stamp::writes.eq(change_stamp::writes + 1))).execute(conn)?;
        } else {
            diesel::update(target).set(change_stamp::writes.eq(change_stamp::writes + 1)).execute(conn)?;
        }
        Ok(())
    }
    match conn {
        // Every write request bumps the stamp. A bump lost in a crash of the database server
        // costs nothing (a process then drops its pages at the next one, or when they reach
        // their age limit), so its commit does not wait for the disk: under load that wait
        // was 0.4 to 3.5 ms here, the bump without it about 0.15 ms.
        DbConn::Pg(_) => conn.transaction(|c| {
            diesel::connection::SimpleConnection::batch_execute(c, "SET LOCAL synchronous_commit = off")?;
            bump(c, public)
        }),
        DbConn::Sqlite(_) => bump(conn, public),
    }
}

pub fn changes(conn: &mut DbConn) -> QueryResult<i64> {
    change_stamp::table.find(1).select(change_stamp::changes).first(conn)
}

/// Both shared counters in one read: (public changes, all writes).
pub fn stamps(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    change_stamp::table.find(1).select((change_stamp::changes, change_stamp::writes)).first(conn)
}

/// Takes or renews the lease on job `name` for `holder` until `lease_ms` from now: true when
/// `holder` has it, false while another holder's lease runs. One statement, so of several
/// processes asking at once exactly one gets a free or expired lease.
pub fn take_lease(conn: &mut DbConn, name: &str, holder: &str, lease_ms: i64) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Holder {
        #[diesel(sql_type = Text)]
        #[allow(dead_code)]
        holder: String,
    }
    let sql = sql(
        conn,
        "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, NOW + $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
         WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= NOW \
         RETURNING holder",
    );
    let rows: Vec<Holder> = diesel::sql_query(sql).bind::<Text, _>(name).bind::<Text, _>(holder).bind::<BigInt, _>(lease_ms).load(conn)?;
    Ok(!rows.is_empty())
}

/// Who holds the lease on job `name`, and until when (milliseconds on the database's clock).
pub fn lease_of(conn: &mut DbConn, name: &str) -> QueryResult<Option<(String, i64)>> {
    job_leases::table.find(name).select((job_leases::holder, job_leases::expires_at)).first(conn).optional()
}

/// This process, as a lease holder: host, process id and a random part (a restarted process
/// that got the same id is another holder).
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    let nonce: u32 = rand::random();
    format!("{host}:{}:{nonce:08x}", std::process::id())
}
