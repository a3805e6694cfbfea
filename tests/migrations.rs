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

/// The moderation log's English phrases become the codes the program reads, and back on down.
#[test]
fn old_moderation_log_phrases_become_action_codes() {
    use diesel::prelude::*;
    use diesel_migrations::MigrationHarness;
    use solex::db::schema::moderation_log;
    use solex::models::moderation::Action;

    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    db::run_migrations(&mut conn).unwrap();
    // Back to just before the change (later migrations, if any, go down first).
    let before_codes = |conn: &mut db::DbConn| loop {
        let reverted = match conn {
            db::DbConn::Sqlite(c) => c.revert_last_migration(db::SQLITE_MIGRATIONS),
            db::DbConn::Pg(c) => c.revert_last_migration(db::PG_MIGRATIONS),
        }
        .unwrap();
        // A version is its directory's date and number (2026-12-04-000006_moderation_action_codes).
        if reverted.to_string().replace('-', "") == "20261204000006" {
            break;
        }
    };
    before_codes(&mut conn);
    conn.batch_execute(
        "INSERT INTO communities (slug, name, description, theme, created_at) VALUES ('a', 'A', '', '', '2026-01-01 00:00:00');
         INSERT INTO moderation_log (community_id, action, reason, created_at) VALUES
           (1, 'approved automatically (trusted member)', '', '2026-01-01 00:00:00'),
           (1, 'thread made members-only', '', '2026-01-01 00:00:00'),
           (1, 'edited and approved', '', '2026-01-01 00:00:00'),
           (1, 'rejected', '', '2026-01-01 00:00:00');",
    )
    .unwrap();
    db::run_migrations(&mut conn).unwrap();
    let actions: Vec<Action> = moderation_log::table.order(moderation_log::id).select(moderation_log::action).load(&mut conn).unwrap();
    assert_eq!(actions, [Action::ApprovedAutomatically, Action::ThreadMadeMembersOnly, Action::EditedAndApproved, Action::Rejected]);
    before_codes(&mut conn);
    let phrases: Vec<String> = moderation_log::table.order(moderation_log::id).select(moderation_log::action).load(&mut conn).unwrap();
    assert_eq!(phrases, ["approved automatically (trusted member)", "thread made members-only", "edited and approved", "rejected"]);
    db::revert_all_migrations(&mut conn).unwrap();
    drop(conn);
    common::drop_database(&pg);
}
