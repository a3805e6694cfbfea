//! Which processes serve a database, so maintenance never changes the schema beneath them.
//! Every serving portal holds a shared lock for as long as it runs: on PostgreSQL a session
//! advisory lock on a connection of its own (so portals on other machines count), on SQLite an
//! operating-system lock on a file beside the database (`FILE-serving`). Either ends with its
//! process, however that ends. Migrations are applied only under the exclusive lock, that is
//! when no portal serves; a portal that starts while they run waits for them.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::sqlite::Sqlite;
use diesel_migrations::MigrationHarness;

use super::{establish, run_migrations, DatabaseUrl, DbConn, PG_MIGRATIONS, SQLITE_MIGRATIONS};
use crate::error::AppError;

/// The advisory lock's two keys: "sole", "serv".
const KEYS: (i32, i32) = (0x736f_6c65, 0x7365_7276);

/// A hold on the database's serving lock, shared or exclusive; released when dropped.
pub struct ServingLock {
    /// Behind a mutex only so the portal's shared state may hold it (a connection is not Sync).
    hold: std::sync::Mutex<Hold>,
}

enum Hold {
    Pg(PgConnection),
    File(File),
}

fn lock_file(path: &std::path::Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-serving");
    PathBuf::from(name)
}

fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::Config(format!("cannot lock {}: {e}", path.display()))
}

impl ServingLock {
    fn open(url: &DatabaseUrl, role: &str) -> Result<Hold, AppError> {
        Ok(match url {
            DatabaseUrl::Postgres(_) => {
                let DbConn::Pg(mut c) = establish(url)? else { unreachable!("a PostgreSQL URL") };
                // Named, so a refusal can say who serves.
                let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
                let name = format!("solex {role} pid {} on {host}", std::process::id()).replace('\'', "");
                c.batch_execute(&format!("SET application_name = '{}'", name.chars().take(60).collect::<String>()))?;
                Hold::Pg(c)
            }
            DatabaseUrl::Sqlite(path) => {
                let file = lock_file(path);
                Hold::File(OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&file).map_err(io(&file))?)
            }
        })
    }

    /// The exclusive lock if no portal serves and no migration runs; None otherwise.
    pub fn try_exclusive(url: &DatabaseUrl, role: &str) -> Result<Option<ServingLock>, AppError> {
        let mut hold = Self::open(url, role)?;
        let got = match &mut hold {
            Hold::Pg(c) => {
                #[derive(QueryableByName)]
                struct Got {
                    #[diesel(sql_type = diesel::sql_types::Bool)]
                    got: bool,
                }
                let r: Got = diesel::sql_query(format!("SELECT pg_try_advisory_lock({}, {}) AS got", KEYS.0, KEYS.1)).get_result(c)?;
                r.got
            }
            Hold::File(f) => match f.try_lock() {
                Ok(()) => true,
                Err(TryLockError::WouldBlock) => false,
                Err(TryLockError::Error(e)) => return Err(AppError::Config(format!("cannot lock the database's serving file: {e}"))),
            },
        };
        Ok(got.then_some(ServingLock { hold: hold.into() }))
    }

    /// The shared lock a serving portal holds; waits while a migration holds the exclusive one.
    pub fn shared(url: &DatabaseUrl, role: &str) -> Result<ServingLock, AppError> {
        let mut hold = Self::open(url, role)?;
        match &mut hold {
            Hold::Pg(c) => c.batch_execute(&format!("SELECT pg_advisory_lock_shared({}, {})", KEYS.0, KEYS.1))?,
            Hold::File(f) => f.lock_shared().map_err(|e| AppError::Config(format!("cannot lock the database's serving file: {e}")))?,
        }
        Ok(ServingLock { hold: hold.into() })
    }

    /// From exclusive to shared, with no moment between in which a migration could start.
    pub fn downgrade(self) -> Result<ServingLock, AppError> {
        match &mut *self.hold.lock().unwrap_or_else(|e| e.into_inner()) {
            Hold::Pg(c) => c.batch_execute(&format!("SELECT pg_advisory_lock_shared({0}, {1}); SELECT pg_advisory_unlock({0}, {1})", KEYS.0, KEYS.1))?,
            // flock converts the lock in place.
            Hold::File(f) => f.lock_shared().map_err(|e| AppError::Config(format!("cannot lock the database's serving file: {e}")))?,
        }
        Ok(self)
    }
}

/// Who serves the database, as far as it can be told: on PostgreSQL the name of each process
/// holding the lock, on SQLite only that some process does.
fn who_serves(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Postgres(_) => {
            #[derive(QueryableByName)]
            struct Name {
                #[diesel(sql_type = diesel::sql_types::Text)]
                name: String,
            }
            let names = establish(url).ok().and_then(|mut c| {
                diesel::sql_query(format!(
                    "SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND l.objid = {} AND l.objsubid = 2 ORDER BY 1",
                    KEYS.0, KEYS.1
                ))
                .load::<Name>(&mut c)
                .ok()
            });
            match names.filter(|n| !n.is_empty()) {
                Some(n) => n.into_iter().map(|n| format!("`{}`", n.name)).collect::<Vec<_>>().join(", "),
                None => "another solex process".into(),
            }
        }
        DatabaseUrl::Sqlite(path) => format!("a `solex serve` process (it holds {})", lock_file(path).display()),
    }
}

/// Names of the migrations this binary has that the database has not applied.
pub fn pending(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let e = |e: Box<dyn std::error::Error + Send + Sync>| AppError::Internal(format!("cannot read the applied migrations: {e}"));
    Ok(match conn {
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map_err(e)?.iter().map(|m| m.name().to_string()).collect(),
        DbConn::Pg(c) => c.pending_migrations(PG_MIGRATIONS).map_err(e)?.iter().map(|m| m.name().to_string()).collect(),
    })
}

/// Versions of migrations the database has applied that this binary does not know: a newer
/// solex migrated it.
pub fn unknown_migrations(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let e = |e: Box<dyn std::error::Error + Send + Sync>| AppError::Internal(format!("cannot read the applied migrations: {e}"));
    let (known, applied): (Vec<String>, Vec<String>) = match conn {
        DbConn::Sqlite(c) => (
            MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS).map_err(e)?.iter().map(|m| m.name().version().to_string()).collect(),
            c.applied_migrations().map_err(e)?.iter().map(|v| v.to_string()).collect(),
        ),
        DbConn::Pg(c) => (
            MigrationSource::<Pg>::migrations(&PG_MIGRATIONS).map_err(e)?.iter().map(|m| m.name().version().to_string()).collect(),
            c.applied_migrations().map_err(e)?.iter().map(|v| v.to_string()).collect(),
        ),
    };
    let mut unknown: Vec<String> = applied.into_iter().filter(|v| !known.contains(v)).collect();
    unknown.sort();
    Ok(unknown)
}

/// What a binary older than its database says, and then does nothing.
pub fn newer_schema_message(unknown: &[String]) -> String {
    format!(
        "the database schema is newer than this solex knows (migrations {} were applied by a newer version): run that newer solex, or restore the backup taken before the upgrade",
        unknown.join(", ")
    )
}

/// What `solex migrate` would apply, in order, without applying it (`--dry-run`); refused
/// like any other start on a database a newer solex migrated. A missing SQLite file is not
/// made: every migration would be applied to it.
pub fn dry_run(url: &DatabaseUrl) -> Result<Vec<String>, AppError> {
    if let DatabaseUrl::Sqlite(path) = url {
        if !path.exists() {
            let e = |e: Box<dyn std::error::Error + Send + Sync>| AppError::Internal(format!("cannot read the embedded migrations: {e}"));
            let mut all: Vec<String> = MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS).map_err(e)?.iter().map(|m| m.name().to_string()).collect();
            all.sort();
            return Ok(all);
        }
    }
    let mut conn = establish(url)?;
    refuse_newer(&mut conn)?;
    pending(&mut conn)
}

/// Applies pending migrations if no portal serves the database, and returns their names.
/// With portals serving, pending migrations are refused (they would change the schema beneath
/// portals that do not know it) unless `force`; with nothing pending there is nothing to
/// refuse. `what` names the command for the refusal.
pub fn migrate(url: &DatabaseUrl, conn: &mut DbConn, force: bool, what: &str) -> Result<Vec<String>, AppError> {
    refuse_newer(conn)?;
    if let Some(_alone) = ServingLock::try_exclusive(url, "migrate")? {
        return run_migrations(conn);
    }
    let pending = pending(conn)?;
    if pending.is_empty() {
        return Ok(vec![]);
    }
    if force {
        tracing::warn!("applying migrations while {} serves the database, as forced", who_serves(url));
        return run_migrations(conn);
    }
    Err(AppError::Config(format!(
        "{what} refused: the database needs migrations ({}) and {} serves it; migrating beneath a running portal can break it. Stop the portals, then run `solex migrate` (or `solex migrate --force` to apply them anyway)",
        pending.join(", "),
        who_serves(url)
    )))
}

/// Refuses a database a newer solex migrated: this binary does not know its schema, so
/// reading or writing it could lose what the newer one keeps.
pub fn refuse_newer(conn: &mut DbConn) -> Result<(), AppError> {
    let unknown = unknown_migrations(conn)?;
    if unknown.is_empty() { Ok(()) } else { Err(AppError::Config(newer_schema_message(&unknown))) }
}

/// For a portal starting: migrates the database if no other portal serves it, or checks that
/// the serving ones left nothing pending, and returns the shared lock it serves under.
pub fn start_serving(url: &DatabaseUrl, conn: &mut DbConn) -> Result<ServingLock, AppError> {
    refuse_newer(conn)?;
    if let Some(alone) = ServingLock::try_exclusive(url, "serve")? {
        run_migrations(conn)?;
        return alone.downgrade();
    }
    // Others serve, or a migration runs: the shared lock waits for that to end.
    let lock = ServingLock::shared(url, "serve")?;
    refuse_newer(conn)?;
    let pending = pending(conn)?;
    if !pending.is_empty() {
        return Err(AppError::Config(format!(
            "this solex needs migrations ({}) and {} serves the database on the older schema: stop it first, or run `solex migrate --force` to migrate beneath it",
            pending.join(", "),
            who_serves(url)
        )));
    }
    Ok(lock)
}
