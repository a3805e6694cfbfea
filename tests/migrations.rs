//! Both migration trees carry the same names, and go up, down and up again.

mod common;

use std::path::Path;

use diesel::connection::SimpleConnection;
use solex::db;

#[test]
fn both_trees_have_the_same_migration_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let sqlite = db::migration_names(&root.join("sqlite")).unwrap();
    let postgres = db::migration_names(&root.join("postgres")).unwrap();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                assert!(root.join(backend).join(name).join(file).exists(), "{backend}/{name}/{file}");
            }
        }
    }
}

#[test]
fn migrations_go_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    let applied = db::run_migrations(&mut conn).unwrap();
    assert!(!applied.is_empty());
    conn.batch_execute("INSERT INTO communities (slug, name, description, theme, created_at) VALUES ('a', 'A', '', '', '2026-01-01 00:00:00')").unwrap();
    db::revert_all_migrations(&mut conn).unwrap();
    assert!(conn.batch_execute("SELECT 1 FROM users").is_err(), "tables gone after down");
    let again = db::run_migrations(&mut conn).unwrap();
    assert_eq!(applied, again);
    assert!(db::run_migrations(&mut conn).unwrap().is_empty(), "nothing left to apply");
    let mut conn2 = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    solex::models::user::count(&mut conn2).unwrap();
    drop(conn);
    drop(conn2);
    common::drop_database(&pg);
}

#[test]
fn sqlite_connections_enforce_foreign_keys_and_use_wal() {
    let dir = tempfile::tempdir().unwrap();
    let url = db::DatabaseUrl::Sqlite(dir.path().join("fk.db"));
    let mut conn = db::establish(&url).unwrap();
    db::run_migrations(&mut conn).unwrap();
    let err = conn.batch_execute("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ('x', 424242, '2026-01-01', '2026-01-01', '2026-01-01')");
    assert!(err.is_err(), "foreign keys are on");
    assert!(dir.path().join("fk.db-wal").exists(), "WAL journal in use");
}
