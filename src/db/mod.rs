//! Connections to either backend, the pool, migrations and write transactions.
//! The URL scheme alone picks the backend; nothing else in the crate needs to know.

pub mod backup;
pub mod cluster;
pub mod schema;
pub mod serving;
pub mod text_enum;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Where the data lives, decided from the URL once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://` / `postgresql://` pick PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a bare
    /// path pick SQLite. Any other scheme is refused so a typo never creates a stray file.
    pub fn parse(url: &str) -> Result<Self, AppError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(AppError::Config("the database URL is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        let path = if let Some(rest) = url.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            rest
        } else if url.contains("://") || looks_like_scheme(url) {
            let scheme = url.split(':').next().unwrap_or("");
            return Err(AppError::Config(format!(
                "unsupported database URL scheme `{scheme}`: use postgres://USER@HOST/DB or sqlite://PATH"
            )));
        } else {
            url
        };
        if path.is_empty() || path == ":memory:" {
            return Err(AppError::Config("an SQLite database needs a file path".into()));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

/// `mysql:foo` or `postgress:x` look like schemes; `C:\\x` (a drive letter) and `data/x.db` do not.
fn looks_like_scheme(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1 && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        }
        None => false,
    }
}

/// Opens one connection and applies the per-connection settings.
pub fn establish(url: &DatabaseUrl) -> Result<DbConn, AppError> {
    match url {
        DatabaseUrl::Postgres(u) => PgConnection::establish(u)
            .map(DbConn::Pg)
            .map_err(|e| AppError::Config(format!("cannot connect to PostgreSQL: {e}"))),
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    AppError::Config(format!("cannot create database folder {}: {e}", dir.display()))
                })?;
            }
            let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                .map_err(|e| AppError::Config(format!("cannot open SQLite file {}: {e}", path.display())))?;
            // WAL lets readers run beside the one writer; busy_timeout makes writers queue
            // instead of failing; foreign keys are off by default in SQLite.
            // busy_timeout first: switching to WAL needs a lock another connection may hold.
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )?;
            Ok(DbConn::Sqlite(conn))
        }
    }
}

pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = AppError;

    fn connect(&self) -> Result<DbConn, AppError> {
        establish(&self.url)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), AppError> {
        conn.batch_execute("SELECT 1").map_err(AppError::from)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// Builds the pool after checking one connection, so a wrong URL fails at start-up with its
/// own message instead of a pool time-out.
pub fn pool(url: &DatabaseUrl, size: u32) -> Result<Pool, AppError> {
    drop(establish(url)?);
    // Connections open as they are needed, up to `size`: the pool is sized for bursts (the
    // mail sender's workers), and on PostgreSQL every idle connection is a server process.
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(size.min(2)))
        .connection_timeout(Duration::from_secs(10))
        .build(ConnectionManager { url: url.clone() })
        .map_err(|e| AppError::Config(format!("cannot build the connection pool: {e}")))
}

pub fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConn::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS),
    }
    .map_err(|e| AppError::Internal(format!("migration failed: {e}")))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

pub fn revert_all_migrations(conn: &mut DbConn) -> Result<(), AppError> {
    match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Pg(c) => c.revert_all_migrations(PG_MIGRATIONS).map(|_| ()),
    }
    .map_err(|e| AppError::Internal(format!("migration revert failed: {e}")))
}

/// Names of the migration folders of one backend's tree, sorted.
pub fn migration_names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Bound parameters one statement may carry on both backends: SQLite allows 32,766 and
/// PostgreSQL 65,535, so multi-row INSERTs are cut to the smaller.
pub const MAX_BIND_PARAMS: usize = 32_766;

/// Rows of `columns` bound values each that fit in one statement on both backends.
pub const fn rows_per_statement(columns: usize) -> usize {
    MAX_BIND_PARAMS / columns
}

/// Runs one statement on whichever backend `conn` holds, typed for that backend: for what
/// diesel builds per backend but not for the two at once (a multi-row INSERT).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

/// Refreshes the planner's statistics for some tables after a bulk change, so the next
/// queries do not plan against an empty table's numbers. Both backends accept the same words.
pub fn analyze(conn: &mut DbConn, tables: &[&str]) -> diesel::QueryResult<()> {
    for t in tables {
        debug_assert!(t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        conn.batch_execute(&format!("ANALYZE {t}"))?;
    }
    Ok(())
}

/// Runs `f` in a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so the write lock is
/// taken up front and concurrent writers wait on busy_timeout instead of failing with
/// SQLITE_BUSY when a read transaction tries to upgrade.
pub fn write_tx<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if matches!(conn, DbConn::Sqlite(_)) {
        conn.batch_execute("BEGIN IMMEDIATE")?;
        let mut guard = RollbackGuard { conn: Some(conn) };
        let result = f(guard.conn.as_deref_mut().expect("connection present"));
        let conn = guard.conn.take().expect("connection present");
        match result {
            Ok(value) => {
                if let Err(e) = conn.batch_execute("COMMIT") {
                    let _ = conn.batch_execute("ROLLBACK");
                    return Err(e.into());
                }
                Ok(value)
            }
            Err(e) => {
                conn.batch_execute("ROLLBACK")?;
                Err(e)
            }
        }
    } else {
        conn.transaction(f)
    }
}

/// Key of the transaction lock around changes to who administers the portal.
const ADMINS_LOCK: i64 = 0x736f_6c65_7801;

/// Inside a `write_tx`: serialises changes to the set of administrators, so that "is this the
/// last administrator?" and the change that follows are one step. On PostgreSQL two
/// transactions could both see two administrators and each remove one; a transaction-scoped
/// advisory lock makes the second wait for the first to commit. SQLite's `BEGIN IMMEDIATE`
/// already lets one writer in at a time.
pub fn lock_admins(conn: &mut DbConn) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Pg(c) => c.batch_execute(&format!("SELECT pg_advisory_xact_lock({ADMINS_LOCK})")),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Lock class of the per-member lock around holding mail (see `lock_user`).
pub const HELD_MAIL_LOCK: i32 = 0x6d61_696c;

/// Lock class around asking experts about one query (keyed by the query's id), so the count
/// of experts asked and the requests added are one step.
pub const EXPERT_REQUESTS_LOCK: i32 = 0x6578_7074;

/// Inside a `write_tx`: serialises one kind of change (`purpose`) for one user, so a count and
/// the insert that depends on it are one step. On PostgreSQL a transaction-scoped advisory lock
/// on (purpose, user) makes a second transaction wait for the first to commit; SQLite's
/// `BEGIN IMMEDIATE` already lets one writer in at a time.
pub fn lock_user(conn: &mut DbConn, purpose: i32, user_id: i64) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Pg(c) => {
            // The two-key form takes two int4: the user id is folded into 32 bits (a shared
            // lock between two users only makes one of them wait).
            let key = (user_id ^ (user_id >> 32)) as i32;
            c.batch_execute(&format!("SELECT pg_advisory_xact_lock({purpose}, {key})"))
        }
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Rolls back if the closure panics, so a pooled connection never keeps an open transaction.
struct RollbackGuard<'a> {
    conn: Option<&'a mut DbConn>,
}

impl Drop for RollbackGuard<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.batch_execute("ROLLBACK");
        }
    }
}
