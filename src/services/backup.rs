//! Backups an operator can trust, and restores from them.
//!
//! A backup folder holds the database's native copy (`solex.db`, made through SQLite's online
//! backup API, or `solex.pgdump`, pg_dump's custom format), a backend-neutral copy of every
//! table (`tables/NAME.jsonl`, one JSON object a row), the attachments the copy refers to
//! (`attachments/`) and `manifest.json`, written last: the version, backend, migrations, time,
//! each table's row count and the sha256 of every other file. Counts, the neutral copy and the
//! native copy are all one moment of the database, taken while the portal serves.
//!
//! A restore goes only into an empty database and an empty attachments folder: it checks
//! every checksum first, loads the native copy when the backend is the same and the neutral
//! one otherwise (in one transaction, or into a file renamed into place at the end), puts the
//! attachments back, applies newer migrations and rebuilds the search index.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::db::{self, backup as sql, DatabaseUrl, DbConn};
use crate::error::AppError;

pub const MANIFEST: &str = "manifest.json";
pub const SQLITE_FILE: &str = "solex.db";
pub const PG_FILE: &str = "solex.pgdump";
pub const TABLES: &str = "tables";
pub const ATTACHMENTS: &str = "attachments";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub solex_version: String,
    /// `sqlite` or `postgres`: which native copy the folder holds.
    pub backend: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Versions of the migrations applied to the copied database, in order.
    pub migrations: Vec<String>,
    /// Rows per table in the copy.
    pub tables: BTreeMap<String, i64>,
    /// sha256 (hex) of every file in the folder but this one, by its path inside the folder.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Manifest, AppError> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| AppError::Config(format!("{}: {e} (a backup folder is complete only once solex backup wrote its manifest)", path.display())))?;
        serde_json::from_str(&text).map_err(|e| AppError::Config(format!("{}: {e}", path.display())))
    }

    pub fn attachments(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().filter_map(|(path, sum)| path.strip_prefix("attachments/").map(|name| (name, sum.as_str())))
    }
}

/// What a backup wrote.
#[derive(Debug)]
pub struct Backup {
    pub manifest: Manifest,
}

/// What a restore loaded.
#[derive(Debug)]
pub struct Restored {
    /// `native` or `neutral`: which copy was loaded.
    pub copy: &'static str,
    pub tables: BTreeMap<String, i64>,
    pub attachments: usize,
    pub migrations_applied: Vec<String>,
    pub documents_indexed: Option<usize>,
}

fn io(what: &str, path: &Path) -> impl Fn(std::io::Error) -> AppError {
    let what = format!("{what} {}", path.display());
    move |e| AppError::Config(format!("cannot {what}: {e}"))
}

/// The sha256 of a file, read in pieces.
pub fn sha256_file(path: &Path) -> Result<String, AppError> {
    let mut f = std::fs::File::open(path).map_err(io("read", path))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(io("read", path))?;
    Ok(hex::encode(h.finalize()))
}

fn is_empty_dir(dir: &Path) -> Result<bool, AppError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(io("read", dir)(e)),
    }
}

/// A stored attachment's name as the attachments table has it: a random name and an extension,
/// never a path.
fn plain_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
}

/// Writes a backup of the configured database and attachments into `dir` (new or empty).
pub fn backup(config: &Config, dir: &Path) -> Result<Backup, AppError> {
    if !is_empty_dir(dir)? {
        return Err(AppError::Config(format!("{} is not empty: a backup goes into a new or empty folder", dir.display())));
    }
    std::fs::create_dir_all(dir.join(TABLES)).map_err(io("create", &dir.join(TABLES)))?;
    // The copy holds password hashes, mail keys and visitors' contacts: only its owner may read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io("protect", dir))?;
    }
    let url = config.database()?;
    let (migrations, tables) = match &url {
        DatabaseUrl::Sqlite(path) => {
            let copy = dir.join(SQLITE_FILE);
            sql::sqlite_online_copy(path, &copy)?;
            // Counts and the neutral copy are read from the copy itself: the same moment.
            let mut conn = sql::open_copy(&copy)?;
            let migrations = sql::applied_versions(&mut conn)?;
            (migrations, dump_tables(&mut conn, dir)?)
        }
        DatabaseUrl::Postgres(u) => {
            let mut conn = db::establish(&url)?;
            sql::in_snapshot(&mut conn, |conn, snapshot| {
                let snapshot = snapshot.expect("PostgreSQL exports its snapshot");
                // pg_dump reads the moment this transaction sees, while it stays open.
                let (mut cmd, password) = pg_command("pg_dump", u)?;
                cmd.arg("--format=custom").arg(format!("--snapshot={snapshot}")).arg("--file").arg(dir.join(PG_FILE));
                run_pg(cmd, "pg_dump", password.as_deref())?;
                let migrations = sql::applied_versions(conn)?;
                Ok((migrations, dump_tables(conn, dir)?))
            })?
        }
    };
    copy_attachments(config, dir)?;
    let mut files = BTreeMap::new();
    for rel in files_in(dir)? {
        if rel != MANIFEST {
            files.insert(rel.clone(), sha256_file(&dir.join(&rel))?);
        }
    }
    let manifest = Manifest {
        solex_version: env!("CARGO_PKG_VERSION").to_string(),
        backend: url.backend_name().to_string(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        migrations,
        tables,
        files,
    };
    // Written last, and whole: a folder without it is not a backup.
    let tmp = dir.join(format!(".{MANIFEST}.part"));
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| AppError::Internal(e.to_string()))?;
    std::fs::write(&tmp, text + "\n").map_err(io("write", &tmp))?;
    std::fs::rename(&tmp, dir.join(MANIFEST)).map_err(io("write", &dir.join(MANIFEST)))?;
    Ok(Backup { manifest })
}

/// The neutral copy of every table, into dir/tables; the rows written, by table.
fn dump_tables(conn: &mut DbConn, dir: &Path) -> Result<BTreeMap<String, i64>, AppError> {
    let mut counts = BTreeMap::new();
    for table in sql::tables(conn)? {
        let path = dir.join(TABLES).join(format!("{}.jsonl", table.name));
        let file = std::fs::File::create(&path).map_err(io("create", &path))?;
        let mut out = std::io::BufWriter::new(file);
        let n = sql::dump_table(conn, &table, &mut out)?;
        out.flush().map_err(io("write", &path))?;
        counts.insert(table.name, n);
    }
    Ok(counts)
}

/// The attachments the copied attachments table names, into dir/attachments. Taken after
/// the database's copy: a file is stored before its row is written, so every row in the copy
/// has its file by now.
fn copy_attachments(config: &Config, dir: &Path) -> Result<usize, AppError> {
    let listing = dir.join(TABLES).join("attachments.jsonl");
    let target = dir.join(ATTACHMENTS);
    std::fs::create_dir_all(&target).map_err(io("create", &target))?;
    let text = std::fs::read_to_string(&listing).map_err(io("read", &listing))?;
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).map_err(|e| AppError::Internal(format!("{}: {e}", listing.display())))?;
        let name = row.get("stored_name").and_then(|v| v.as_str()).unwrap_or_default();
        if !plain_name(name) {
            return Err(AppError::Config(format!("an attachment is stored under the name `{name}`, which is not a file name")));
        }
        let from = config.attachments_dir.join(name);
        std::fs::copy(&from, target.join(name)).map_err(|e| AppError::Config(format!("cannot copy the attachment {}: {e}", from.display())))?;
        n += 1;
    }
    Ok(n)
}

/// Paths of the files under `dir`, relative to it, `/`-separated, sorted.
fn files_in(dir: &Path) -> Result<Vec<String>, AppError> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), AppError> {
        for entry in std::fs::read_dir(dir).map_err(io("read", dir))? {
            let entry = entry.map_err(io("read", dir))?;
            let path = entry.path();
            if entry.file_type().map_err(io("read", &path))?.is_dir() {
                walk(base, &path, out)?;
            } else {
                let rel = path.strip_prefix(base).expect("under the base").components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>();
                out.push(rel.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// pg_dump or pg_restore for `url`, with the password (if any) for the environment only: it
/// never appears on a command line, where any user of the machine could read it, nor in
/// anything printed.
fn pg_command(program: &str, url: &str) -> Result<(Command, Option<String>), AppError> {
    let mut parsed = url::Url::parse(url).map_err(|e| AppError::Config(format!("the PostgreSQL URL cannot be read: {e}")))?;
    let password = parsed.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned());
    let _ = parsed.set_password(None);
    let mut cmd = Command::new(program);
    cmd.arg(format!("--dbname={parsed}"));
    if let Some(p) = &password {
        cmd.env("PGPASSWORD", p);
    }
    Ok((cmd, password))
}

fn run_pg(mut cmd: Command, program: &str, password: Option<&str>) -> Result<(), AppError> {
    let out = cmd.output().map_err(|e| AppError::Config(format!("cannot run {program} (install the PostgreSQL client programs): {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    let mut said = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        said = said.replace(p, "***");
    }
    Err(AppError::Config(format!("{program} failed ({}): {said}", out.status)))
}

/// Restores the backup in `dir` into the configured database and attachments folder, which
/// must both be empty, then rebuilds the search index.
pub fn restore(config: &Config, dir: &Path) -> Result<Restored, AppError> {
    let manifest = Manifest::read(dir)?;
    for (rel, sum) in &manifest.files {
        if rel.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            return Err(AppError::Config(format!("the manifest names {rel}, which is not a path inside the backup")));
        }
        let path = dir.join(rel);
        if !path.is_file() {
            return Err(AppError::Config(format!("{rel} is missing from the backup: nothing was restored")));
        }
        if sha256_file(&path)? != *sum {
            return Err(AppError::Config(format!("{rel} does not match its checksum in the manifest (changed or damaged since the backup): nothing was restored")));
        }
    }
    let url = config.database()?;
    refuse_occupied(&url)?;
    if !is_empty_dir(&config.attachments_dir)? {
        return Err(AppError::Config(format!("the attachments folder {} is not empty: restore only into an empty one", config.attachments_dir.display())));
    }
    // Attachments wait beside their folder until the database is in place.
    let staging = staging_dir(&config.attachments_dir);
    let _ = std::fs::remove_dir_all(&staging);
    let staged = Staged(staging.clone());
    std::fs::create_dir_all(&staging).map_err(io("create", &staging))?;
    let mut attachments = 0;
    for (name, _) in manifest.attachments() {
        std::fs::copy(dir.join(ATTACHMENTS).join(name), staging.join(name)).map_err(io("write", &staging.join(name)))?;
        attachments += 1;
    }
    let same = manifest.backend == url.backend_name();
    let migrations_applied = match &url {
        DatabaseUrl::Sqlite(path) => restore_sqlite(&manifest, dir, path, same)?,
        DatabaseUrl::Postgres(u) => restore_pg(&manifest, dir, &url, u, same)?,
    };
    if config.attachments_dir.exists() {
        std::fs::remove_dir(&config.attachments_dir).map_err(io("replace", &config.attachments_dir))?;
    }
    std::fs::rename(&staging, &config.attachments_dir).map_err(io("create", &config.attachments_dir))?;
    std::mem::forget(staged);
    let mut conn = db::establish(&url)?;
    // What `solex reindex` does when no portal holds the index (none should serve a database
    // being restored), without its request row, so the tables keep the backup's counts.
    let documents_indexed = match crate::search::IndexLock::try_acquire(&config.index_dir, crate::search::Role::Reindex)? {
        Ok(lock) => Some(crate::search::rebuild_into(&lock, &mut conn)?),
        Err(_) => match crate::search::reindex(&config.index_dir, &mut conn)? {
            crate::search::Reindexed::Here { documents } => Some(documents),
            crate::search::Reindexed::ByHolder(_) => None,
        },
    };
    Ok(Restored { copy: if same { "native" } else { "neutral" }, tables: manifest.tables.clone(), attachments, migrations_applied, documents_indexed })
}

fn staging_dir(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".restoring");
    PathBuf::from(name)
}

/// Removes a staging folder or file unless the restore got through.
struct Staged(PathBuf);

impl Drop for Staged {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// Refuses versions this binary does not have: the backup comes from a newer solex.
fn check_known(conn: &DbConn, manifest: &Manifest) -> Result<(), AppError> {
    let known = sql::known_versions(conn)?;
    let unknown: Vec<&String> = manifest.migrations.iter().filter(|v| !known.contains(v)).collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::Config(format!("the backup was taken by a newer solex (migrations {} are unknown here): restore it with that version", unknown.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "))))
    }
}

/// Every table the manifest counts has that many rows.
fn check_counts(conn: &mut DbConn, manifest: &Manifest) -> Result<(), AppError> {
    for (table, expected) in &manifest.tables {
        let n = sql::count(conn, table)?;
        if n != *expected {
            return Err(AppError::Internal(format!("table {table} has {n} rows after loading, the backup {expected}")));
        }
    }
    Ok(())
}

/// A restore goes only into a database without tables (or an SQLite file not there yet).
fn refuse_occupied(url: &DatabaseUrl) -> Result<(), AppError> {
    let occupied = match url {
        DatabaseUrl::Sqlite(target) => match std::fs::metadata(target) {
            Ok(m) if m.len() > 0 => sql::all_table_count(&mut sql::open_copy(target)?)? > 0,
            _ => false,
        },
        DatabaseUrl::Postgres(_) => sql::all_table_count(&mut db::establish(url)?)? > 0,
    };
    if occupied {
        let which = match url {
            DatabaseUrl::Sqlite(path) => format!("the SQLite database {}", path.display()),
            DatabaseUrl::Postgres(_) => "the PostgreSQL database".to_string(),
        };
        return Err(AppError::Config(format!("{which} already has tables: restore only into an empty database")));
    }
    Ok(())
}

/// Into a file beside the target, renamed into place once loaded, counted and migrated.
fn restore_sqlite(manifest: &Manifest, dir: &Path, target: &Path, same: bool) -> Result<Vec<String>, AppError> {
    let tmp = staging_dir(target);
    for leftover in ["", "-wal", "-shm"] {
        let mut p = tmp.as_os_str().to_owned();
        p.push(leftover);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let staged = Staged(tmp.clone());
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io("create", parent))?;
    }
    if same {
        std::fs::copy(dir.join(SQLITE_FILE), &tmp).map_err(io("write", &tmp))?;
    }
    let applied = {
        let mut conn = db::establish(&DatabaseUrl::Sqlite(tmp.clone()))?;
        check_known(&conn, manifest)?;
        if same {
            check_counts(&mut conn, manifest)?;
        } else {
            load_neutral(&mut conn, manifest, dir)?;
        }
        db::run_migrations(&mut conn)?
        // Closing the last connection folds the WAL into the file.
    };
    std::fs::rename(&tmp, target).map_err(io("create", target))?;
    std::mem::forget(staged);
    Ok(applied)
}

fn restore_pg(manifest: &Manifest, dir: &Path, url: &DatabaseUrl, raw_url: &str, same: bool) -> Result<Vec<String>, AppError> {
    let mut conn = db::establish(url)?;
    // Checked again on the connection that loads (the first look was before the checksums).
    if sql::all_table_count(&mut conn)? > 0 {
        return Err(AppError::Config("the PostgreSQL database already has tables: restore only into an empty database".into()));
    }
    check_known(&conn, manifest)?;
    let loaded = (|| {
        if same {
            let (mut cmd, password) = pg_command("pg_restore", raw_url)?;
            cmd.args(["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]).arg(dir.join(PG_FILE));
            run_pg(cmd, "pg_restore", password.as_deref())?;
            check_counts(&mut conn, manifest)?;
        } else {
            load_neutral(&mut conn, manifest, dir)?;
        }
        db::run_migrations(&mut conn)
    })();
    // The load commits before the count check and the newer migrations; a failure there would
    // leave a full database that a second restore refuses, so it is emptied again.
    loaded.map_err(|e| match sql::empty_pg_schema(&mut conn) {
        Ok(()) => AppError::Config(format!("{e}; the database was emptied again, so the restore can be run again")),
        Err(again) => AppError::Config(format!("{e}; emptying the database again failed too ({again}): empty it by hand before restoring again")),
    })
}

/// The schema the backup was taken on, then its rows, in one transaction: a failure leaves
/// the database as empty as it was.
fn load_neutral(conn: &mut DbConn, manifest: &Manifest, dir: &Path) -> Result<(), AppError> {
    use diesel::Connection;
    conn.transaction(|conn| {
        sql::migrate_to(conn, &manifest.migrations)?;
        sql::defer_foreign_keys(conn)?;
        let tables = sql::tables(conn)?;
        let ordered = sql::load_order(conn, tables)?;
        // Migrations seed some rows; the backup has its own copy of them.
        sql::clear(conn, &ordered)?;
        for table in &ordered {
            let file = dir.join(TABLES).join(format!("{}.jsonl", table.name));
            if manifest.tables.contains_key(&table.name) {
                sql::load_table(conn, table, &file)?;
            }
        }
        for name in manifest.tables.keys() {
            if !ordered.iter().any(|t| &t.name == name) {
                return Err(AppError::Config(format!("the backup has a table {name} this database does not have")));
            }
        }
        sql::reset_sequences(conn, &ordered)?;
        check_counts(conn, manifest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_dump_gets_the_password_in_its_environment_only() {
        let (cmd, password) = pg_command("pg_dump", "postgres://solex:s%40cret@127.0.0.1:5432/solex?sslmode=disable").unwrap();
        assert_eq!(password.as_deref(), Some("s@cret"));
        let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(args, ["--dbname=postgres://solex@127.0.0.1:5432/solex?sslmode=disable"]);
        let env: Vec<_> = cmd.get_envs().collect();
        assert_eq!(env, [(std::ffi::OsStr::new("PGPASSWORD"), Some(std::ffi::OsStr::new("s@cret")))]);
        let (cmd, password) = pg_command("pg_restore", "postgres://postgres@127.0.0.1/solex").unwrap();
        assert_eq!((password, cmd.get_envs().count()), (None, 0));
    }

    #[test]
    fn a_failing_pg_dump_never_repeats_the_password() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo 'password authentication failed: hunter22' >&2; exit 1"]);
        let e = run_pg(cmd, "pg_dump", Some("hunter22")).unwrap_err().to_string();
        assert!(e.contains("pg_dump failed") && !e.contains("hunter22"), "{e}");
    }
}
