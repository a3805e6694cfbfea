//! The SQL of backups and restores: SQLite's online backup API, the tables as the catalog
//! lists them, a backend-neutral copy of each (one JSON object a line), and loading that copy
//! into either backend. The orchestration (files, checksums, pg_dump) is services::backup.
//!
//! The neutral form of a value: booleans as JSON booleans, timestamps as text
//! `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC, no zone), binary as lowercase hex, everything else as
//! the database gives it. SQLite keeps booleans as 0/1 and PostgreSQL writes timestamps with a
//! `T` and binary with `\x`: each side's reader and writer translate.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{CStr, CString};
use std::io::{BufRead, Write};
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel_migrations::MigrationHarness;
use serde_json::{Map, Value};

use super::{DbConn, PG_MIGRATIONS, SQLITE_MIGRATIONS};
use crate::error::AppError;

/// Rows read or written per statement.
const BATCH: i64 = 1000;

/// The kinds of column whose values the two backends spell differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Timestamp,
    Binary,
    /// Floating point: PostgreSQL writes a whole double as `0`, SQLite as `0.0`.
    Real,
    Other,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    /// Columns in their declared order, with their kind.
    pub columns: Vec<(String, Kind)>,
    /// Primary key columns (the order rows are copied in).
    pub key: Vec<String>,
}

impl Table {
    fn kind(&self, column: &str) -> Option<Kind> {
        self.columns.iter().find(|(c, _)| c == column).map(|(_, k)| *k)
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    pk: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Json {
    #[diesel(sql_type = Text)]
    j: String,
}

#[derive(QueryableByName)]
struct Edge {
    #[diesel(sql_type = Text)]
    child: String,
    #[diesel(sql_type = Text)]
    parent: String,
}

/// Names come from the catalog, but are quoted anyway.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn io_error(what: &str, path: &Path) -> impl Fn(std::io::Error) -> AppError {
    let what = format!("{what} {}", path.display());
    move |e| AppError::Internal(format!("cannot {what}: {e}"))
}

/// Copies the SQLite database at `src` into a new file `dst` through SQLite's online backup
/// API: all pages in one step, under one read transaction, so the copy is one moment of the
/// database however many writers it has (in WAL mode they go on writing meanwhile). The copy
/// is left in rollback-journal mode, one file.
pub fn sqlite_online_copy(src: &Path, dst: &Path) -> Result<(), AppError> {
    use libsqlite3_sys as ffi;
    use std::os::unix::ffi::OsStrExt;
    let c_path = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|_| AppError::Config(format!("{}: a path with a NUL byte", p.display())));
    let (src_c, dst_c) = (c_path(src)?, c_path(dst)?);
    if !src.is_file() {
        return Err(AppError::Config(format!("no SQLite database at {}", src.display())));
    }
    // SAFETY: plain use of the C API: every handle opened here is closed here, on every path,
    // and no pointer outlives the call that returned it.
    unsafe {
        let message = |db: *mut ffi::sqlite3| CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy().into_owned();
        let mut from = std::ptr::null_mut();
        let mut to = std::ptr::null_mut();
        let result = (|| {
            if ffi::sqlite3_open_v2(src_c.as_ptr(), &mut from, ffi::SQLITE_OPEN_READWRITE, std::ptr::null()) != ffi::SQLITE_OK {
                return Err(format!("cannot open {}: {}", src.display(), message(from)));
            }
            ffi::sqlite3_busy_timeout(from, 10_000);
            if ffi::sqlite3_open_v2(dst_c.as_ptr(), &mut to, ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE, std::ptr::null()) != ffi::SQLITE_OK {
                return Err(format!("cannot create {}: {}", dst.display(), message(to)));
            }
            let main = c"main";
            let backup = ffi::sqlite3_backup_init(to, main.as_ptr(), from, main.as_ptr());
            if backup.is_null() {
                return Err(format!("cannot start the backup: {}", message(to)));
            }
            let mut tries = 0;
            loop {
                match ffi::sqlite3_backup_step(backup, -1) {
                    ffi::SQLITE_DONE => break,
                    // A writer holds a lock the read needs (a checkpoint): wait and go on.
                    ffi::SQLITE_BUSY | ffi::SQLITE_LOCKED if tries < 200 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    ffi::SQLITE_OK => {}
                    _ => {
                        ffi::sqlite3_backup_finish(backup);
                        return Err(format!("the backup failed: {}", message(to)));
                    }
                }
            }
            if ffi::sqlite3_backup_finish(backup) != ffi::SQLITE_OK {
                return Err(format!("the backup failed: {}", message(to)));
            }
            let delete = c"PRAGMA journal_mode = DELETE";
            if ffi::sqlite3_exec(to, delete.as_ptr(), None, std::ptr::null_mut(), std::ptr::null_mut()) != ffi::SQLITE_OK {
                return Err(format!("cannot finish the copy: {}", message(to)));
            }
            Ok(())
        })();
        ffi::sqlite3_close(to);
        ffi::sqlite3_close(from);
        result.map_err(AppError::Internal)
    }
}

/// A connection to a backup's SQLite copy that leaves the file as it is (no WAL switch).
pub fn open_copy(path: &Path) -> Result<DbConn, AppError> {
    SqliteConnection::establish(&path.to_string_lossy())
        .map(DbConn::Sqlite)
        .map_err(|e| AppError::Config(format!("cannot open {}: {e}", path.display())))
}

/// Runs `f` in one read-only transaction that sees one moment of the database; on PostgreSQL
/// `f` also gets that moment's snapshot name, for pg_dump --snapshot.
pub fn in_snapshot<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn, Option<String>) -> Result<T, AppError>) -> Result<T, AppError> {
    let snapshot = match conn {
        DbConn::Pg(c) => {
            c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            let s: Result<Name, _> = diesel::sql_query("SELECT pg_export_snapshot() AS name").get_result(c);
            match s {
                Ok(s) => Some(s.name),
                Err(e) => {
                    let _ = c.batch_execute("ROLLBACK");
                    return Err(e.into());
                }
            }
        }
        DbConn::Sqlite(c) => {
            c.batch_execute("BEGIN")?;
            None
        }
    };
    let result = f(conn, snapshot);
    // Read-only: nothing to keep either way.
    conn.batch_execute("ROLLBACK")?;
    result
}

fn kind_of(declared: &str) -> Kind {
    let d = declared.to_ascii_lowercase();
    if d.starts_with("bool") {
        Kind::Bool
    } else if d.starts_with("timestamp") {
        Kind::Timestamp
    } else if d == "blob" || d == "bytea" {
        Kind::Binary
    } else if d == "real" || d.starts_with("double") || d.starts_with("float") {
        Kind::Real
    } else {
        Kind::Other
    }
}

/// The portal's tables (not diesel's record of migrations), by name, with their columns.
pub fn tables(conn: &mut DbConn) -> Result<Vec<Table>, AppError> {
    let names: Vec<Name> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_diesel%' ESCAPE '\\' ORDER BY name").load(c)?,
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name NOT LIKE '\\_\\_diesel%' ORDER BY table_name",
        )
        .load(c)?,
    };
    let mut out = Vec::new();
    for Name { name } in names {
        let columns: Vec<Column> = match conn {
            DbConn::Sqlite(c) => diesel::sql_query("SELECT name, type AS kind, pk FROM pragma_table_info($1) ORDER BY cid").bind::<Text, _>(&name).load(c)?,
            DbConn::Pg(c) => diesel::sql_query(
                "SELECT c.column_name::text AS name, c.data_type::text AS kind, \
                 COALESCE((SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                           WHERE i.indrelid = (quote_ident(c.table_name))::regclass AND i.indisprimary AND a.attname = c.column_name), 0)::bigint AS pk \
                 FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = $1 ORDER BY c.ordinal_position",
            )
            .bind::<Text, _>(&name)
            .load(c)?,
        };
        let mut key: Vec<(i64, String)> = columns.iter().filter(|c| c.pk > 0).map(|c| (c.pk, c.name.clone())).collect();
        key.sort();
        out.push(Table { columns: columns.iter().map(|c| (c.name.clone(), kind_of(&c.kind))).collect(), key: key.into_iter().map(|(_, k)| k).collect(), name });
    }
    Ok(out)
}

/// The tables in an order that loads parents before children (foreign keys), names
/// alphabetical among equals. A table's references to itself are left to the statement.
pub fn load_order(conn: &mut DbConn, tables: Vec<Table>) -> Result<Vec<Table>, AppError> {
    let edges: Vec<Edge> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query("SELECT m.name AS child, p.\"table\" AS parent FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'").load(c)?,
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT cl.relname::text AS child, pl.relname::text AS parent FROM pg_constraint k \
             JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pl ON pl.oid = k.confrelid \
             WHERE k.contype = 'f' AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
        )
        .load(c)?,
    };
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in &edges {
        if e.child != e.parent {
            parents.entry(e.child.as_str()).or_default().insert(e.parent.as_str());
        }
    }
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut ordered = Vec::new();
    let mut left = tables;
    while !left.is_empty() {
        let known: BTreeSet<&str> = left.iter().map(|t| t.name.as_str()).collect();
        let ready: Vec<usize> = (0..left.len())
            .filter(|&i| parents.get(left[i].name.as_str()).is_none_or(|ps| ps.iter().all(|p| done.contains(*p) || !known.contains(p))))
            .collect();
        if ready.is_empty() {
            return Err(AppError::Internal(format!("the tables' foreign keys go round in a circle: {}", known.into_iter().collect::<Vec<_>>().join(", "))));
        }
        for i in ready.into_iter().rev() {
            let t = left.remove(i);
            done.insert(t.name.clone());
            ordered.push(t);
        }
    }
    // Within one round the order came out reversed; what matters is rounds.
    Ok(ordered)
}

pub fn count(conn: &mut DbConn, table: &str) -> Result<i64, AppError> {
    let q = format!("SELECT COUNT(*) AS n FROM {}", quoted(table));
    let r: Count = crate::on_backend!(conn, |c| diesel::sql_query(&q).get_result(c))?;
    Ok(r.n)
}

/// Every table in the database, diesel's too: zero means an empty database.
pub fn all_table_count(conn: &mut DbConn) -> Result<i64, AppError> {
    let r: Count = match conn {
        DbConn::Sqlite(c) => diesel::sql_query("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get_result(c)?,
        DbConn::Pg(c) => diesel::sql_query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()").get_result(c)?,
    };
    Ok(r.n)
}

/// Empties a PostgreSQL database a failed restore has half filled (its schema dropped and made
/// again, functions and sequences included), so that the restore can simply be run again.
pub fn empty_pg_schema(conn: &mut DbConn) -> Result<(), AppError> {
    if let DbConn::Pg(c) = conn {
        let schema: Name = diesel::sql_query("SELECT current_schema() AS name").get_result(c)?;
        let q = quoted(&schema.name);
        c.batch_execute(&format!("DROP SCHEMA {q} CASCADE; CREATE SCHEMA {q};"))?;
    }
    Ok(())
}

/// The versions of the migrations the database has applied, in order.
pub fn applied_versions(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let q = "SELECT version AS name FROM __diesel_schema_migrations ORDER BY version";
    let rows: Vec<Name> = crate::on_backend!(conn, |c| diesel::sql_query(q).load(c))?;
    Ok(rows.into_iter().map(|r| r.name).collect())
}

/// The versions of the migrations this binary has, in order.
pub fn known_versions(conn: &DbConn) -> Result<Vec<String>, AppError> {
    let e = |e: Box<dyn std::error::Error + Send + Sync>| AppError::Internal(format!("cannot read the migrations: {e}"));
    let mut v: Vec<String> = match conn {
        DbConn::Sqlite(_) => MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS).map_err(e)?.iter().map(|m| m.name().version().to_string()).collect(),
        DbConn::Pg(_) => MigrationSource::<Pg>::migrations(&PG_MIGRATIONS).map_err(e)?.iter().map(|m| m.name().version().to_string()).collect(),
    };
    v.sort();
    Ok(v)
}

/// Applies, in order, the pending migrations whose versions are in `versions` (the schema a
/// backup was taken on), and no others.
pub fn migrate_to(conn: &mut DbConn, versions: &[String]) -> Result<(), AppError> {
    let e = |e: Box<dyn std::error::Error + Send + Sync>| AppError::Internal(format!("migration failed: {e}"));
    match conn {
        DbConn::Sqlite(c) => {
            for m in c.pending_migrations(SQLITE_MIGRATIONS).map_err(e)? {
                if versions.contains(&m.name().version().to_string()) {
                    c.run_migration(&*m).map_err(e)?;
                }
            }
        }
        DbConn::Pg(c) => {
            for m in c.pending_migrations(PG_MIGRATIONS).map_err(e)? {
                if versions.contains(&m.name().version().to_string()) {
                    c.run_migration(&*m).map_err(e)?;
                }
            }
        }
    }
    Ok(())
}

/// A timestamp as diesel writes one to SQLite (`%F %T%.f`: a space, and the fraction in 3, 6
/// or 9 digits, none when zero), from either backend's text (PostgreSQL's JSON has a `T` and
/// drops trailing zeros), so both backends' copies of one moment read the same.
fn neutral_timestamp(s: &str) -> String {
    let s = s.replacen('T', " ", 1);
    let Some((whole, fraction)) = s.split_once('.') else { return s };
    let digits = fraction.trim_end_matches('0');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return if digits.is_empty() { whole.to_string() } else { s.clone() };
    }
    let width = if digits.len() <= 3 { 3 } else if digits.len() <= 6 { 6 } else { 9 };
    format!("{whole}.{digits:0<width$}")
}

/// One row as the database gave it, into the neutral form.
fn to_neutral(table: &Table, row: &mut Map<String, Value>) {
    for (column, value) in row.iter_mut() {
        match (table.kind(column), &*value) {
            (Some(Kind::Bool), Value::Number(n)) => *value = Value::Bool(n.as_i64() != Some(0)),
            (Some(Kind::Timestamp), Value::String(s)) => *value = Value::String(neutral_timestamp(s)),
            (Some(Kind::Binary), Value::String(s)) => *value = Value::String(s.trim_start_matches("\\x").to_ascii_lowercase()),
            (Some(Kind::Real), Value::Number(n)) => *value = n.as_f64().map(Value::from).unwrap_or(Value::Null),
            _ => {}
        }
    }
}

/// Writes every row of `table` to `out`, one neutral JSON object a line, in key order, and
/// returns how many.
pub fn dump_table(conn: &mut DbConn, table: &Table, out: &mut impl Write) -> Result<i64, AppError> {
    let order = if table.key.is_empty() { "1".to_string() } else { table.key.iter().map(|k| quoted(k)).collect::<Vec<_>>().join(", ") };
    let name = quoted(&table.name);
    let mut written = 0i64;
    loop {
        let rows: Vec<Json> = match conn {
            DbConn::Sqlite(c) => {
                let fields = table
                    .columns
                    .iter()
                    .map(|(col, kind)| {
                        let value = if *kind == Kind::Binary { format!("lower(hex({}))", quoted(col)) } else { quoted(col) };
                        format!("'{}', {value}", col.replace('\'', "''"))
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                diesel::sql_query(format!("SELECT json_object({fields}) AS j FROM {name} ORDER BY {order} LIMIT {BATCH} OFFSET {written}")).load(c)?
            }
            DbConn::Pg(c) => diesel::sql_query(format!("SELECT row_to_json(t)::text AS j FROM {name} t ORDER BY {order} LIMIT {BATCH} OFFSET {written}")).load(c)?,
        };
        for r in &rows {
            let mut row: Map<String, Value> = serde_json::from_str(&r.j).map_err(|e| AppError::Internal(format!("{}: a row that is not JSON: {e}", table.name)))?;
            to_neutral(table, &mut row);
            serde_json::to_writer(&mut *out, &row).map_err(|e| AppError::Internal(format!("cannot write {}: {e}", table.name)))?;
            out.write_all(b"\n").map_err(|e| AppError::Internal(format!("cannot write {}: {e}", table.name)))?;
        }
        written += rows.len() as i64;
        if (rows.len() as i64) < BATCH {
            return Ok(written);
        }
    }
}

/// Deletes every row of every table (what migrations seeded), children first. Inside the
/// restore's transaction.
pub fn clear(conn: &mut DbConn, ordered: &[Table]) -> Result<(), AppError> {
    for t in ordered.iter().rev() {
        conn.batch_execute(&format!("DELETE FROM {}", quoted(&t.name)))?;
    }
    Ok(())
}

/// On SQLite, foreign keys are checked at commit (the restore's rows arrive table by table).
pub fn defer_foreign_keys(conn: &mut DbConn) -> Result<(), AppError> {
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA defer_foreign_keys = ON")?;
    }
    Ok(())
}

/// Loads the neutral copy of `table` from `file` (a table of the target database) and
/// returns how many rows it loaded. Inside the restore's transaction.
pub fn load_table(conn: &mut DbConn, table: &Table, file: &Path) -> Result<i64, AppError> {
    let f = std::fs::File::open(file).map_err(io_error("read", file))?;
    let mut lines = std::io::BufReader::new(f).lines();
    let mut loaded = 0i64;
    let mut columns: Option<Vec<(String, Kind)>> = None;
    loop {
        let mut batch: Vec<Value> = Vec::new();
        for line in lines.by_ref() {
            let line = line.map_err(io_error("read", file))?;
            if line.trim().is_empty() {
                continue;
            }
            let mut row: Map<String, Value> = serde_json::from_str(&line).map_err(|e| AppError::Config(format!("{}: line {}: {e}", file.display(), loaded + batch.len() as i64 + 1)))?;
            if columns.is_none() {
                let mut cols = Vec::new();
                for key in row.keys() {
                    let kind = table.kind(key).ok_or_else(|| AppError::Config(format!("the backup's table {} has a column {key} this database does not have", table.name)))?;
                    cols.push((key.clone(), kind));
                }
                columns = Some(cols);
            }
            if matches!(conn, DbConn::Pg(_)) {
                for (column, value) in row.iter_mut() {
                    if let (Some(Kind::Binary), Value::String(s)) = (table.kind(column), &*value) {
                        *value = Value::String(format!("\\x{s}"));
                    }
                }
            }
            batch.push(Value::Object(row));
            if batch.len() as i64 == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            return Ok(loaded);
        }
        let cols = columns.as_ref().expect("set with the first row");
        let names = cols.iter().map(|(c, _)| quoted(c)).collect::<Vec<_>>().join(", ");
        let json = Value::Array(batch).to_string();
        let n = match conn {
            DbConn::Pg(c) => diesel::sql_query(format!("INSERT INTO {0} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{0}, $1::json)", quoted(&table.name)))
                .bind::<Text, _>(&json)
                .execute(c)?,
            DbConn::Sqlite(c) => {
                let values = cols
                    .iter()
                    .map(|(col, kind)| {
                        let v = format!("json_extract(value, '$.\"{}\"')", col.replace('\'', "''").replace('"', "\\\""));
                        if *kind == Kind::Binary { format!("unhex({v})") } else { v }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                diesel::sql_query(format!("INSERT INTO {} ({names}) SELECT {values} FROM json_each($1)", quoted(&table.name))).bind::<Text, _>(&json).execute(c)?
            }
        };
        loaded += n as i64;
    }
}

/// On PostgreSQL, each table's id sequence goes past the highest id loaded, so the next row
/// the portal adds does not collide with a restored one.
pub fn reset_sequences(conn: &mut DbConn, tables: &[Table]) -> Result<(), AppError> {
    #[derive(QueryableByName)]
    struct Sequence {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        name: Option<String>,
    }
    if let DbConn::Pg(c) = conn {
        for t in tables {
            let [column] = t.key.as_slice() else { continue };
            let s: Sequence = diesel::sql_query("SELECT pg_get_serial_sequence(quote_ident($1), $2) AS name").bind::<Text, _>(&t.name).bind::<Text, _>(column).get_result(c)?;
            if let Some(sequence) = s.name {
                diesel::sql_query(format!("SELECT setval($1::regclass, COALESCE(MAX({}), 0) + 1, false) FROM {}", quoted(column), quoted(&t.name)))
                    .bind::<Text, _>(&sequence)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_read_the_same_from_both_backends() {
        use super::neutral_timestamp as n;
        assert_eq!(n("2026-12-04T18:19:39.75816"), "2026-12-04 18:19:39.758160");
        assert_eq!(n("2026-12-04 18:19:39.758160"), "2026-12-04 18:19:39.758160");
        assert_eq!(n("2026-12-04T18:19:39.7"), "2026-12-04 18:19:39.700");
        assert_eq!(n("2026-12-04T18:19:39"), "2026-12-04 18:19:39");
        assert_eq!(n("2026-12-04 18:19:39.000"), "2026-12-04 18:19:39");
        assert_eq!(n("2026-12-04 18:19:39.123456789"), "2026-12-04 18:19:39.123456789");
    }
}
