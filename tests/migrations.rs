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

/// The version of 2026-12-04-000005_one_list_encoding.
const ONE_LIST_ENCODING: &str = "20261204000005";

/// Reverts the newest applied migration; returns its version.
fn revert_last(conn: &mut db::DbConn) -> String {
    use diesel_migrations::MigrationHarness;
    match conn {
        db::DbConn::Sqlite(c) => c.revert_last_migration(db::SQLITE_MIGRATIONS),
        db::DbConn::Pg(c) => c.revert_last_migration(db::PG_MIGRATIONS),
    }
    .unwrap()
    .to_string()
}

/// Reverts migrations, newest first, until the one of `version` is reverted.
fn revert_through(conn: &mut db::DbConn, version: &str) {
    while revert_last(conn).replace('-', "") != version {}
}

/// Rows written in the old encodings: themes and source threads joined with ',', registry
/// multi-valued fields (inside the version's JSON) with '; '.
const OLD_ROWS: &str = "
INSERT INTO users (id, email, password_hash, name, created_at) VALUES (1, 'a@example.org', 'x', 'A', '2026-01-01 00:00:00');
INSERT INTO communities (id, slug, name, description, theme, created_at) VALUES (1, 'c', 'C', '', 'child-labour', '2026-01-01 00:00:00');
INSERT INTO posts (id, community_id, author_id, title, body_md, body_html, themes, status, created_at, updated_at)
    VALUES (1, 1, 1, 'Q', 'b', 'b', 'energy-efficiency,child-labour', 'approved', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO pages (id, slug, title, problem_md, solution_md, body_html, themes, contributors, sources, source_threads, status, created_at, updated_at, published_at)
    VALUES (1, 'p', 'P', 'x', 'y', 'z', 'energy-efficiency,child-labour', 'Ravi | Foundry Owners, Samalkha', 'Vol. I, Box 1.1; Box 2.3', '1,2', 'published', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO pages (id, slug, title, problem_md, solution_md, body_html, status, created_at, updated_at, published_at)
    VALUES (2, 'no-themes', 'N', 'x', 'y', 'z', 'published', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO page_revisions (page_id, revision, snapshot, note, edited_at)
    VALUES (1, 1, '{\"title\":\"P\",\"themes\":\"energy-efficiency,child-labour\",\"contributors\":\"Ravi | Foundry Owners, Samalkha\",\"source_threads\":\"1,2\"}', 'created', '2026-01-01 00:00:00');
INSERT INTO registry_records (id, kind, slug, title, state, created_at, updated_at) VALUES (1, 'initiative', 'r', 'R', 'Haryana', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
INSERT INTO registry_versions (record_id, number, fields, state, status, created_at, updated_at)
    VALUES (1, 1, '{\"see_issues\":\"energy; air-pollution\",\"pages\":\"p; q\",\"threads\":\"1\",\"title\":\"R; and more\",\"sources\":\"Vol. I; Box 1.1\"}', 'Haryana', 'published', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
";

fn fields(conn: &mut db::DbConn) -> std::collections::BTreeMap<String, String> {
    serde_json::from_str(&solex::models::registry::version(conn, 1, 1).unwrap().fields).unwrap()
}

fn snapshot(conn: &mut db::DbConn) -> serde_json::Value {
    serde_json::from_str(&solex::models::page::revisions(conn, 1).unwrap()[0].1).unwrap()
}

#[test]
fn lists_move_to_one_value_a_line_and_back() {
    use solex::models::{community, page, post};
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    db::run_migrations(&mut conn).unwrap();
    revert_through(&mut conn, ONE_LIST_ENCODING);
    conn.batch_execute(OLD_ROWS).unwrap();

    let applied = db::run_migrations(&mut conn).unwrap();
    assert!(applied.iter().any(|v| v.replace('-', "") == ONE_LIST_ENCODING), "{applied:?}");
    let p = page::find(&mut conn, 1).unwrap();
    assert_eq!(p.themes, "energy-efficiency\nchild-labour");
    assert_eq!(p.theme_list(), ["energy-efficiency", "child-labour"]);
    assert_eq!(p.thread_ids(), [1, 2]);
    assert_eq!(p.contributors, "Ravi | Foundry Owners, Samalkha", "already one a line: untouched");
    assert_eq!(p.sources, "Vol. I, Box 1.1; Box 2.3");
    assert_eq!(post::find(&mut conn, 1).unwrap().themes, "energy-efficiency\nchild-labour");
    assert_eq!(community::find(&mut conn, 1).unwrap().themes(), ["child-labour"]);
    let snap = snapshot(&mut conn);
    assert_eq!((snap["themes"].as_str(), snap["source_threads"].as_str()), (Some("energy-efficiency\nchild-labour"), Some("1\n2")));
    assert_eq!(snap["contributors"], "Ravi | Foundry Owners, Samalkha");
    let f = fields(&mut conn);
    assert_eq!((f["see_issues"].as_str(), f["pages"].as_str(), f["threads"].as_str()), ("energy\nair-pollution", "p\nq", "1"));
    assert_eq!((f["title"].as_str(), f["sources"].as_str()), ("R; and more", "Vol. I; Box 1.1"), "text fields keep their semicolons");

    // The theme filter matches whole lines, exactly: no prefix, no LIKE wildcard, no case
    // folding, and an empty theme matches no page (not even one without themes).
    for (theme, found) in [("child-labour", true), ("energy-efficiency", true), ("energy", false), ("child_labour", false), ("%", false), ("_", false), ("", false), ("CHILD-LABOUR", false), ("efficiency\nchild", false)] {
        assert_eq!(page::published_with_theme(&mut conn, theme, 10).unwrap().len(), usize::from(found), "{theme:?}");
        assert_eq!(page::count_with_theme(&mut conn, theme).unwrap(), i64::from(found), "{theme:?}");
    }

    // Down restores the old encodings.
    revert_through(&mut conn, ONE_LIST_ENCODING);
    let p = page::find(&mut conn, 1).unwrap();
    assert_eq!((p.themes.as_str(), p.source_threads.as_str()), ("energy-efficiency,child-labour", "1,2"));
    assert_eq!(post_themes(&mut conn, 1), "energy-efficiency,child-labour");
    let snap = snapshot(&mut conn);
    assert_eq!((snap["themes"].as_str(), snap["source_threads"].as_str()), (Some("energy-efficiency,child-labour"), Some("1,2")));
    let f = fields(&mut conn);
    assert_eq!((f["see_issues"].as_str(), f["pages"].as_str(), f["title"].as_str()), ("energy; air-pollution", "p; q", "R; and more"));
    drop(conn);
    common::drop_database(&pg);
}

/// A post's themes, read without the columns later migrations add (the schema of today).
fn post_themes(conn: &mut db::DbConn, id: i64) -> String {
    use diesel::prelude::*;
    use solex::db::schema::posts;
    posts::table.find(id).select(posts::themes).first(conn).unwrap()
}

/// The version of 2026-12-05-000001_exchange_loop.
const EXCHANGE_LOOP: &str = "20261205000001";

/// Queries answered before answers were recorded get the published page that cites them (by
/// whole line of its source threads, so thread 1 is not found in "11"); a query marked
/// answered that no page cites was closed in its thread; and down takes the columns away.
#[test]
fn queries_answered_before_the_upgrade_keep_their_page() {
    use solex::models::post::{self, AnswerKind};
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    db::run_migrations(&mut conn).unwrap();
    revert_through(&mut conn, EXCHANGE_LOOP);
    conn.batch_execute(
        "
INSERT INTO users (id, email, password_hash, name, created_at) VALUES (1, 'a@example.org', 'x', 'A', '2026-01-01 00:00:00');
INSERT INTO communities (id, slug, name, description, theme, created_at) VALUES (1, 'c', 'C', '', '', '2026-01-01 00:00:00');
INSERT INTO posts (id, community_id, author_id, title, body_md, body_html, themes, status, created_at, updated_at, consolidated_at) VALUES
    (1, 1, 1, 'Q1', 'b', 'b', '', 'approved', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-02-01 00:00:00'),
    (2, 1, 1, 'Q2', 'b', 'b', '', 'approved', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-02-01 00:00:00'),
    (3, 1, 1, 'Q3', 'b', 'b', '', 'approved', '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL);
INSERT INTO pages (id, slug, title, problem_md, solution_md, body_html, source_threads, status, created_at, updated_at, published_at) VALUES
    (7, 'draft', 'D', 'x', 'y', 'z', '2', 'draft', '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL),
    (8, 'answer', 'A', 'x', 'y', 'z', '11
1', 'published', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
",
    )
    .unwrap();
    let applied = db::run_migrations(&mut conn).unwrap();
    assert!(applied.iter().any(|v| v.replace('-', "") == EXCHANGE_LOOP), "{applied:?}");
    let q1 = post::find(&mut conn, 1).unwrap();
    assert_eq!((q1.answered(), q1.answered_page_id), (Some(AnswerKind::Page), Some(8)));
    let q2 = post::find(&mut conn, 2).unwrap();
    assert_eq!((q2.answered(), q2.answered_page_id), (Some(AnswerKind::InThread), None), "a draft answers no one");
    let q3 = post::find(&mut conn, 3).unwrap();
    assert_eq!((q3.answered(), q3.answered_page_id), (None, None));
    revert_through(&mut conn, EXCHANGE_LOOP);
    assert!(conn.batch_execute("SELECT answer_kind FROM posts").is_err());
    assert!(conn.batch_execute("SELECT 1 FROM notification_settings").is_err());
    assert_eq!(post_themes(&mut conn, 1), "");
    drop(conn);
    common::drop_database(&pg);
}

/// The version of 2026-12-04-000006_moderation_action_codes.
const MODERATION_ACTION_CODES: &str = "20261204000006";

/// The moderation log's English phrases become the codes the program reads, and back on down.
#[test]
fn old_moderation_log_phrases_become_action_codes() {
    use diesel::prelude::*;
    use solex::db::schema::moderation_log;
    use solex::models::moderation::Action;

    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    db::run_migrations(&mut conn).unwrap();
    revert_through(&mut conn, MODERATION_ACTION_CODES);
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
    revert_through(&mut conn, MODERATION_ACTION_CODES);
    let phrases: Vec<String> = moderation_log::table.order(moderation_log::id).select(moderation_log::action).load(&mut conn).unwrap();
    assert_eq!(phrases, ["approved automatically (trusted member)", "thread made members-only", "edited and approved", "rejected"]);
    db::revert_all_migrations(&mut conn).unwrap();
    drop(conn);
    common::drop_database(&pg);
}

/// Reverts the newest migrations, `n` of them, as if this solex were newer than its database.
fn revert_newest(url: &str, n: usize) {
    let mut conn = db::establish(&db::DatabaseUrl::parse(url).unwrap()).unwrap();
    for _ in 0..n {
        revert_last(&mut conn);
    }
}

#[test]
fn migrate_dry_run_lists_what_is_pending_in_order_and_applies_nothing() {
    use common::process::{run as solex, said};
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let names = db::migration_names(&Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite")).unwrap();
    let listed = |out: &std::process::Output| -> Vec<String> {
        String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.strip_prefix("pending ")).map(str::to_string).collect()
    };

    // An empty database: every migration, oldest first.
    let out = solex(dir.path(), &url, &["migrate", "--dry-run"]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(listed(&out), names);
    let out = solex(dir.path(), &url, &["migrate", "--dry-run"]);
    assert_eq!(listed(&out), names, "the dry run applied nothing");
    if pg.is_none() {
        assert!(!dir.path().join("solex.db").exists(), "the dry run made no SQLite file");
    }

    let out = solex(dir.path(), &url, &["migrate"]);
    assert!(out.status.success(), "{}", said(&out));
    let out = solex(dir.path(), &url, &["migrate", "--dry-run"]);
    assert!(out.status.success() && said(&out).contains("none pending") && listed(&out).is_empty(), "{}", said(&out));

    // The two newest reverted: both listed, in the order they would be applied, and still pending after.
    revert_newest(&url, 2);
    let out = solex(dir.path(), &url, &["migrate", "--dry-run"]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(listed(&out), names[names.len() - 2..].to_vec());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    assert_eq!(db::serving::pending(&mut conn).unwrap().len(), 2, "nothing was applied");
    let out = solex(dir.path(), &url, &["migrate"]);
    // `migrate` names each by its version: the name's date and number.
    let newest = names[names.len() - 1].split('_').next().unwrap().replace('-', "");
    assert!(out.status.success() && said(&out).contains(&format!("applied {newest}")), "{}", said(&out));
    assert!(db::serving::pending(&mut conn).unwrap().is_empty());
    drop(conn);
    common::drop_database(&pg);
}

#[test]
fn a_database_migrated_by_a_newer_solex_is_refused_by_every_command_that_opens_it() {
    use common::process::{command, run as solex, said};
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    assert!(solex(dir.path(), &url, &["migrate"]).status.success());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    conn.batch_execute("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')").unwrap();
    let refused = |text: &str| text.contains("newer than this solex knows") && text.contains("29991231000000") && text.contains("run that newer solex, or restore the backup");

    let export = dir.path().join("export");
    for args in [
        &["migrate", "--dry-run"][..],
        &["migrate"],
        &["migrate", "--force"],
        &["user", "add", "--admin", "someone@example.org"],
        &["reindex"],
        &["digest", "tick"],
        &["registry", "remind"],
        &["content", "export", export.to_str().unwrap()],
    ] {
        let out = solex(dir.path(), &url, args);
        assert!(!out.status.success() && refused(&said(&out)), "{args:?}: {}", said(&out));
    }
    assert_eq!(solex::models::user::count(&mut conn).unwrap(), 0, "no account was made");
    assert!(!export.exists(), "nothing was exported");

    // check-config names it as a problem among the rest.
    let out = solex(dir.path(), &url, &["check-config"]);
    let text = said(&out);
    assert!(!out.status.success() && text.contains("PROBLEM database_url") && refused(&text), "{text}");

    // Mail is not filed, and the MTA is told to try again later (EX_TEMPFAIL), not to bounce it.
    let mut ingest = command(dir.path(), &url, &["mail", "ingest", "--recipient", "post+general@solex.localhost"]);
    ingest.stdin(std::process::Stdio::null());
    let out = ingest.output().unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", said(&out));
    assert!(refused(&said(&out)), "{}", said(&out));

    // The portal does not start on it.
    let log = dir.path().join("portal.log");
    let mut portal = common::portal_command(dir.path(), &url, common::free_port(), &log).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while portal.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Killed if still serving, so a failing run leaves no portal behind.
    let _ = portal.kill();
    let status = portal.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!status.success() && refused(&text), "{text}");

    // Once the newer solex's migration is gone (the backup restored), all is well again.
    conn.batch_execute("DELETE FROM __diesel_schema_migrations WHERE version = '29991231000000'").unwrap();
    let out = solex(dir.path(), &url, &["migrate", "--dry-run"]);
    assert!(out.status.success() && said(&out).contains("none pending"), "{}", said(&out));
    drop(conn);
    common::drop_database(&pg);
}

/// The version of 2026-12-11-000300_similar_answers_once.
const SIMILAR_ANSWERS_ONCE: &str = "20261211000300";

#[test]
fn a_members_duplicate_this_answers_me_marks_go_and_a_third_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut conn = db::establish(&db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    db::run_migrations(&mut conn).unwrap();
    revert_through(&mut conn, SIMILAR_ANSWERS_ONCE);
    // Member 1 marked page 7 twice (a race), member 2 once; a moderator closed two of
    // member 1's queries with page 7 (one row per query, kept).
    conn.batch_execute(
        "INSERT INTO users (id, email, password_hash, name, created_at) VALUES (1, 'a@example.org', 'x', 'A', '2026-01-01 00:00:00'), (2, 'b@example.org', 'x', 'B', '2026-01-01 00:00:00');
         INSERT INTO communities (id, slug, name, description, theme, created_at) VALUES (1, 'c', 'C', '', '', '2026-01-01 00:00:00');
         INSERT INTO similar_answers (community_id, user_id, target_kind, target_id, source, created_at) VALUES
           (1, 1, 'page', 7, 'member', '2026-01-01 00:00:00'), (1, 1, 'page', 7, 'member', '2026-01-01 00:00:01'),
           (1, 2, 'page', 7, 'member', '2026-01-01 00:00:00'), (1, 1, 'page', 8, 'member', '2026-01-01 00:00:00'),
           (1, 1, 'page', 7, 'moderator', '2026-01-02 00:00:00'), (1, 1, 'page', 7, 'moderator', '2026-01-03 00:00:00');",
    )
    .unwrap();
    db::run_migrations(&mut conn).unwrap();
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count = |conn: &mut db::DbConn, source: &str| -> i64 {
        use diesel::RunQueryDsl;
        let q = format!("SELECT COUNT(*) AS n FROM similar_answers WHERE source = '{source}'");
        solex::on_backend!(conn, |c| diesel::sql_query(q.clone()).get_result::<N>(c)).unwrap().n
    };
    assert_eq!(count(&mut conn, "member"), 3, "one mark per member and target");
    assert_eq!(count(&mut conn, "moderator"), 2, "closed queries are kept, one each");
    let again = conn.batch_execute("INSERT INTO similar_answers (community_id, user_id, target_kind, target_id, source, created_at) VALUES (1, 2, 'page', 7, 'member', '2026-01-04 00:00:00')");
    assert!(again.is_err(), "the database refuses a second mark");
    revert_through(&mut conn, SIMILAR_ANSWERS_ONCE);
    conn.batch_execute("INSERT INTO similar_answers (community_id, user_id, target_kind, target_id, source, created_at) VALUES (1, 2, 'page', 7, 'member', '2026-01-04 00:00:00')").unwrap();
    drop(conn);
    common::drop_database(&pg);
}
