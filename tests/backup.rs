//! `solex backup` and `solex restore` as an operator runs them, on real SQLite files and real
//! PostgreSQL databases: a backup taken while members write, restored into an empty target and
//! served; a SQLite backup carried into PostgreSQL and back; a damaged backup refused.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::process::{self, Portal};
use common::world::{decide, id_from, world, world_on, PW};
use common::{fresh_database, pg_server, Client, TestApp};
use solex::db::{self, DatabaseUrl};
use solex::services::backup::{sha256_file, Manifest};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// `solex ARGS` with the settings a portal in `dir` would have: its database, its
/// attachments in dir/data/attachments and its index in dir/search-index (the defaults).
fn solex(dir: &Path, url: &str, attachments: &Path, args: &[&str]) -> std::process::Output {
    process::command(dir, url, args)
        .env("SOLEX_ATTACHMENTS_DIR", attachments)
        .env("SOLEX_INDEX_DIR", dir.join("search-index"))
        .env("SOLEX_CONTENT_DIR", dir.join("none"))
        .output()
        .unwrap()
}

/// Backs up a test portal into `into`; its manifest.
fn back_up(app: &TestApp, into: &Path) -> Manifest {
    back_up_from(app.dir.path(), &app.config.database_url, &app.config.attachments_dir, into)
}

/// Backs up the database at `url` and the attachments in `attachments` into `into`.
fn back_up_from(dir: &Path, url: &str, attachments: &Path, into: &Path) -> Manifest {
    let out = solex(dir, url, attachments, &["backup", into.to_str().unwrap()]);
    assert!(out.status.success(), "backup failed: {}", process::said(&out));
    Manifest::read(into).unwrap()
}

/// Restores `from` into `target` (its database `url`); what the command said, and whether it
/// succeeded.
fn restore(target: &Path, url: &str, from: &Path) -> (bool, String) {
    let out = solex(target, url, &target.join("data/attachments"), &["restore", from.to_str().unwrap()]);
    (out.status.success(), process::said(&out))
}

/// Rows in every portal table of the database at `url`.
fn counts(url: &str) -> BTreeMap<String, i64> {
    let mut conn = db::establish(&DatabaseUrl::parse(url).unwrap()).unwrap();
    let tables = db::backup::tables(&mut conn).unwrap();
    tables.into_iter().map(|t| (t.name.clone(), db::backup::count(&mut conn, &t.name).unwrap())).collect()
}

/// Rows in each table's neutral copy in a backup folder.
fn lines_per_table(dir: &Path) -> BTreeMap<String, i64> {
    std::fs::read_dir(dir.join("tables"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, process::read(&path).lines().filter(|l| !l.is_empty()).count() as i64)
        })
        .collect()
}

/// A query with a PDF attached, by `who`, in foundry-energy; its id.
fn ask_with_file(who: &Client, title: &str) -> i64 {
    let r = who.post_multipart("/c/foundry-energy/posts", &[("title", title), ("body", "Our coke ratio is 1:8; what did you change?"), ("themes", "energy-efficiency")], &[("files", "cupola audit.pdf", PDF)]);
    assert_eq!(r.status, 303, "{}", r.body);
    id_from(&r)
}

fn draft_initiative(focal_point: &Client, n: usize) -> bool {
    let slug = format!("panipat-energy-audit-{n}");
    let title = format!("Energy audit {n} for Panipat foundries");
    let fields = [
        ("slug", slug.as_str()),
        ("title", title.as_str()),
        ("cluster", "samalkha-foundry"),
        ("state", "Haryana"),
        ("district", "Panipat"),
        ("sector", "Metal and foundry"),
        ("start_year", "2024"),
        ("stage", "implementation"),
        ("action", "draft"),
    ];
    focal_point.submit("/registry/initiatives/new", "/registry/initiatives/new", &fields).status == 303
}

#[test]
fn a_backup_taken_while_members_write_restores_whole_into_an_empty_portal() {
    let w = world();
    let answered = ask_with_file(&w.alice, "Cupola coke ratio in Samalkha");
    assert_eq!(decide(&w, &w.moderator, answered, &[("action", "approve")]).status, 303);
    ask_with_file(&w.bob, "Waiting for the moderator: blower sizes");
    w.app.grant_focal_point(&w.admin, "alice@example.org", "Haryana");

    // Members keep writing (registry drafts, and queries with files) while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (stop, writes, alice, bob) = (stop.clone(), writes.clone(), w.alice.clone(), w.bob.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                assert!(draft_initiative(&alice, n), "draft {n}");
                // Well within the posting limit of five a minute each.
                if n % 3 == 0 && n <= 12 {
                    ask_with_file(if n % 2 == 0 { &bob } else { &alice }, &format!("Question {n} on cupola linings"));
                }
                writes.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    process::wait_for("writes before the backup", 30, || writes.load(Ordering::SeqCst) >= 3);
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().join("nightly");
    let manifest = back_up(&w.app, &dir);
    let after_backup = writes.load(Ordering::SeqCst);
    process::wait_for("writes after the backup", 30, || writes.load(Ordering::SeqCst) >= after_backup + 2);
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();

    let expected_backend = if pg_server().is_some() { "postgres" } else { "sqlite" };
    assert_eq!(manifest.backend, expected_backend);
    assert_eq!(manifest.solex_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest.migrations.len(), std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count());
    // The counts are the backup's own: its neutral copy, and on SQLite its database file.
    assert_eq!(lines_per_table(&dir), manifest.tables);
    if expected_backend == "sqlite" {
        let mut copy = db::backup::open_copy(&dir.join("solex.db")).unwrap();
        for (table, n) in &manifest.tables {
            assert_eq!(db::backup::count(&mut copy, table).unwrap(), *n, "{table} in solex.db");
        }
    }
    // Every attachment row of the copy has its file, and every file its checksum.
    assert_eq!(manifest.attachments().count() as i64, manifest.tables["attachments"]);
    assert!(manifest.tables["attachments"] >= 2 && manifest.tables["posts"] >= 2);
    for (path, sum) in &manifest.files {
        assert_eq!(&sha256_file(&dir.join(path)).unwrap(), sum, "{path}");
    }
    assert!(manifest.files.contains_key(if expected_backend == "sqlite" { "solex.db" } else { "solex.pgdump" }));
    // The portal went on writing after the backup's moment; the backup has none of that.
    assert!(counts(&w.app.config.database_url)["registry_records"] > manifest.tables["registry_records"]);

    let target = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(target.path());
    let (ok, said) = restore(target.path(), &url, &dir);
    assert!(ok, "restore failed: {said}");
    assert!(said.contains("documents indexed"), "{said}");
    assert_eq!(counts(&url), manifest.tables, "every table as the manifest counts it");
    for (name, sum) in manifest.attachments() {
        assert_eq!(sha256_file(&target.path().join("data/attachments").join(name)).unwrap(), sum, "{name}");
    }

    // The restored portal serves what the old one had, to its old members with their passwords.
    {
        let portal = Portal::start(target.path(), &url, "restored", false);
        let anonymous = Client::new(&portal.base);
        assert!(anonymous.get("/kb/cutting-coke-use-in-cupola-furnaces").body.contains("Cutting coke use in cupola furnaces"));
        assert!(anonymous.get("/registry/clusters/samalkha-foundry").body.contains("Samalkha foundry"));
        let alice = Client::new(&portal.base);
        assert_eq!(alice.sign_in("alice@example.org", PW).status, 303);
        let thread = alice.get(&format!("/c/foundry-energy/t/{answered}"));
        assert_eq!(thread.status, 200);
        assert!(thread.body.contains("Cupola coke ratio in Samalkha"));
        let file_id = {
            let mut conn = db::establish(&DatabaseUrl::parse(&url).unwrap()).unwrap();
            solex::models::attachment::for_posts(&mut conn, &[answered]).unwrap()[0].id
        };
        let (status, bytes, _, _) = alice.get_bytes(&format!("/files/{file_id}/x.pdf"));
        assert_eq!((status, bytes.as_slice()), (200, PDF));
        let moderator = Client::new(&portal.base);
        assert_eq!(moderator.sign_in("mod@example.org", PW).status, 303);
        assert!(moderator.get("/c/foundry-energy/queue").body.contains("Waiting for the moderator: blower sizes"));
        // The index was rebuilt from the restored database.
        assert!(anonymous.get("/search?q=cupola").body.contains("/kb/cutting-coke-use-in-cupola-furnaces"));
    }
    common::drop_database(&pg);
}

#[test]
fn a_sqlite_backup_restores_into_postgresql_and_back() {
    if pg_server().is_none() {
        eprintln!("SOLEX_TEST_PG is unset: the SQLite-to-PostgreSQL restore runs on the PostgreSQL run");
        return;
    }
    let source = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", source.path().join("source.db").display());
    let w = world_on(TestApp::start_with(|c| c.database_url = sqlite_url.clone()), &[]);
    let id = ask_with_file(&w.alice, "Cupola coke ratio in Samalkha");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let backups = tempfile::tempdir().unwrap();
    let first = back_up(&w.app, &backups.path().join("from-sqlite"));
    assert_eq!(first.backend, "sqlite");

    // Into PostgreSQL: the neutral copy, then new rows get fresh ids past the restored ones.
    let on_pg = tempfile::tempdir().unwrap();
    let (pg_url, pg) = fresh_database(on_pg.path());
    assert!(pg_url.starts_with("postgres"));
    let (ok, said) = restore(on_pg.path(), &pg_url, &backups.path().join("from-sqlite"));
    assert!(ok, "restore into PostgreSQL failed: {said}");
    assert!(said.contains("neutral copy"), "{said}");
    assert_eq!(counts(&pg_url), first.tables);
    {
        let portal = Portal::start(on_pg.path(), &pg_url, "on-pg", false);
        let alice = Client::new(&portal.base);
        assert_eq!(alice.sign_in("alice@example.org", PW).status, 303);
        assert!(alice.get(&format!("/c/foundry-energy/t/{id}")).body.contains("Cupola coke ratio in Samalkha"));
        let r = alice.post_multipart("/c/foundry-energy/posts", &[("title", "Asked after the move"), ("body", "Anyone?"), ("themes", "energy-efficiency")], &[]);
        assert_eq!(r.status, 303, "a new post after the restore: {}", r.body);
        assert!(id_from(&r) > id);
    }
    let second = back_up_from(on_pg.path(), &pg_url, &on_pg.path().join("data/attachments"), &backups.path().join("from-pg"));
    assert_eq!(second.backend, "postgres");
    assert_eq!(second.tables["posts"], first.tables["posts"] + 1);

    // And back into SQLite: the same rows, and every value reads the same as PostgreSQL's.
    let on_sqlite = tempfile::tempdir().unwrap();
    let back_url = format!("sqlite://{}", on_sqlite.path().join("solex.db").display());
    let (ok, said) = restore(on_sqlite.path(), &back_url, &backups.path().join("from-pg"));
    assert!(ok, "restore into SQLite failed: {said}");
    assert_eq!(counts(&back_url), second.tables);
    let third = back_up_from(on_sqlite.path(), &back_url, &on_sqlite.path().join("data/attachments"), &backups.path().join("back-on-sqlite"));
    for table in second.tables.keys() {
        let read = |name: &str| process::read(&backups.path().join(name).join("tables").join(format!("{table}.jsonl")));
        assert_eq!(read("back-on-sqlite"), read("from-pg"), "{table} reads the same on both backends");
    }
    assert_eq!(third.attachments().collect::<Vec<_>>(), first.attachments().collect::<Vec<_>>());
    common::drop_database(&pg);
}

#[test]
fn a_changed_attachment_makes_the_restore_refuse_and_leave_the_target_empty() {
    let w = world();
    ask_with_file(&w.alice, "Cupola coke ratio in Samalkha");
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().join("nightly");
    let manifest = back_up(&w.app, &dir);
    let (name, _) = manifest.attachments().next().expect("an attachment");
    let damaged = dir.join("attachments").join(name);
    let mut bytes = std::fs::read(&damaged).unwrap();
    bytes.push(b'\n');
    std::fs::write(&damaged, bytes).unwrap();

    let target = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(target.path());
    let (ok, said) = restore(target.path(), &url, &dir);
    assert!(!ok, "a damaged backup was restored: {said}");
    assert!(said.contains(&format!("attachments/{name} does not match its checksum")), "{said}");
    let mut conn = db::establish(&DatabaseUrl::parse(&url).unwrap()).unwrap();
    assert_eq!(db::backup::all_table_count(&mut conn).unwrap(), 0, "nothing restored");
    assert!(!target.path().join("data/attachments").exists());
    drop(conn);
    common::drop_database(&pg);

    // A target with data is refused, whole backup or not.
    std::fs::write(&damaged, PDF).unwrap();
    let (ok, said) = restore(w.app.dir.path(), &w.app.config.database_url, &dir);
    assert!(!ok && said.contains("already has tables"), "{said}");
}

#[test]
fn a_backup_from_before_the_newest_migration_is_restored_and_then_migrated() {
    // A backup as an older solex (without the newest migration) wrote it: its
    // SQLite copy taken back one migration, its manifest written to match.
    let source = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", source.path().join("source.db").display());
    let w = world_on(TestApp::start_with(|c| c.database_url = sqlite_url.clone()), &[]);
    ask_with_file(&w.alice, "Cupola coke ratio in Samalkha");
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().join("older");
    let mut manifest = back_up(&w.app, &dir);
    let newest = manifest.migrations.pop().unwrap();
    let folder = db::migration_names(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))).unwrap().pop().unwrap();
    assert_eq!(folder.replace(['-', '_'], "").get(..newest.len()), Some(newest.as_str()), "{folder} is the newest migration");
    {
        use diesel::connection::SimpleConnection;
        let mut copy = db::backup::open_copy(&dir.join("solex.db")).unwrap();
        let down = process::read(&Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).join(&folder).join("down.sql"));
        copy.batch_execute(&down).unwrap();
        copy.batch_execute(&format!("DELETE FROM __diesel_schema_migrations WHERE version = '{newest}'")).unwrap();
        // The tables the newest migration made are gone from the older copy, and so from its manifest.
        let gone: Vec<String> = manifest.tables.keys().filter(|t| copy.batch_execute(&format!("SELECT 1 FROM {t} LIMIT 0")).is_err()).cloned().collect();
        for table in gone {
            manifest.tables.remove(&table);
            manifest.files.remove(&format!("tables/{table}.jsonl"));
            std::fs::remove_file(dir.join(format!("tables/{table}.jsonl"))).unwrap();
        }
    }
    manifest.files.insert("solex.db".into(), sha256_file(&dir.join("solex.db")).unwrap());
    std::fs::write(dir.join("manifest.json"), serde_json::to_string(&manifest).unwrap()).unwrap();

    // Into SQLite (the native copy), or on the PostgreSQL run into PostgreSQL (the neutral one).
    let target = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(target.path());
    let (ok, said) = restore(target.path(), &url, &dir);
    assert!(ok, "restore failed: {said}");
    assert!(said.contains(&format!("applied {newest}")), "the newer migration is applied: {said}");
    let restored = counts(&url);
    assert_eq!(restored.get("site_pages"), Some(&0), "the newer table is there");
    for (table, n) in &manifest.tables {
        assert_eq!(restored[table], *n, "{table}");
    }
    common::drop_database(&pg);
}

#[test]
fn a_restore_that_fails_after_loading_leaves_the_target_empty_to_run_again() {
    let w = world();
    ask_with_file(&w.alice, "Cupola coke ratio in Samalkha");
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path().join("nightly");
    let mut manifest = back_up(&w.app, &dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "password hashes and contacts are for the backup's owner only");
    }
    // A manifest that disagrees with the copy is only found out after the data has loaded.
    let good = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    *manifest.tables.get_mut("posts").unwrap() += 1;
    std::fs::write(dir.join("manifest.json"), serde_json::to_string(&manifest).unwrap()).unwrap();

    let target = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(target.path());
    let (ok, said) = restore(target.path(), &url, &dir);
    assert!(!ok && said.contains("table posts has"), "{said}");
    {
        let mut conn = db::establish(&DatabaseUrl::parse(&url).unwrap()).unwrap();
        assert_eq!(db::backup::all_table_count(&mut conn).unwrap(), 0, "the half-done restore was undone: {said}");
    }
    assert!(!target.path().join("data/attachments").exists() || std::fs::read_dir(target.path().join("data/attachments")).unwrap().next().is_none());

    // So the same command, with the manifest put right, simply runs again.
    std::fs::write(dir.join("manifest.json"), good).unwrap();
    let (ok, said) = restore(target.path(), &url, &dir);
    assert!(ok, "{said}");
    assert_eq!(counts(&url)["posts"], manifest.tables["posts"] - 1);
    common::drop_database(&pg);
}
