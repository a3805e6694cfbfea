//! Maintenance commands beside a serving portal (the built binary, as operating-system
//! processes): `content import` is taken in by the portal; `migrate` is refused while a portal
//! serves unless forced; a portal older than its database says so and keeps serving.

mod common;

use common::process::{read, run as solex, said, wait_for, Portal, SHIPPED};
use diesel::connection::SimpleConnection;
use diesel_migrations::MigrationHarness;
use solex::db::{self, DatabaseUrl, DbConn};

fn get(url: &str) -> (u16, String) {
    match ureq::get(url).call() {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => (0, e.to_string()),
    }
}

fn search_total(base: &str, q: &str) -> u64 {
    let (_, body) = get(&format!("{base}/api/search?q={q}"));
    serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["total"].as_u64()).unwrap_or(0)
}

fn connect(url: &str) -> DbConn {
    db::establish(&DatabaseUrl::parse(url).unwrap()).unwrap()
}

#[test]
fn content_import_beside_a_serving_portal_is_taken_in_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut portal = Portal::start(dir.path(), &url, "portal", true);
    let page = format!("{}/kb/treating-rice-mill-waste-water", portal.base);
    assert!(!get(&page).1.contains("Quillwort"), "served (and cached) before the import");
    // The same page with a new title, and a file that cannot be imported.
    let more = dir.path().join("more");
    std::fs::create_dir_all(&more).unwrap();
    let text = std::fs::read_to_string(format!("{SHIPPED}/treating-rice-mill-waste-water.md")).unwrap();
    let text: Vec<String> = text.lines().map(|l| if l.starts_with("title = ") { "title = \"Quillwort rice mills\"".to_string() } else { l.to_string() }).collect();
    std::fs::write(more.join("a.md"), text.join("\n") + "\n").unwrap();
    std::fs::write(more.join("b.md"), "no front matter\n").unwrap();
    let out = solex(dir.path(), &url, &["content", "import", more.to_str().unwrap()]);
    assert!(!out.status.success() && said(&out).contains("1 updated") && said(&out).contains("b.md: line 1"), "{}", said(&out));
    wait_for("the portal serves the new title", 30, || get(&page).1.contains("Quillwort rice mills"));
    wait_for("the portal's index has it", 30, || search_total(&portal.base, "quillwort") == 1);
    assert!(portal.running(), "{}", read(&portal.log));
    assert!(!std::fs::read_dir(dir.path().join("search-index")).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with('.')), "no rebuild folders");
    drop(portal);
    common::drop_database(&pg);
}

fn revert_last_migration(url: &str) {
    let mut conn = connect(url);
    match &mut conn {
        DbConn::Sqlite(c) => c.revert_last_migration(db::SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Pg(c) => c.revert_last_migration(db::PG_MIGRATIONS).map(|_| ()),
    }
    .unwrap();
}

#[test]
fn migrate_beside_a_serving_portal_is_refused_unless_forced_and_an_older_portal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut portal = Portal::start(dir.path(), &url, "portal", true);
    let out = solex(dir.path(), &url, &["migrate"]);
    assert!(out.status.success() && said(&out).contains("up to date"), "nothing pending, nothing to refuse: {}", said(&out));

    // The database now lacks the newest migration, as if this solex were newer than it.
    revert_last_migration(&url);
    let pending = || db::serving::pending(&mut connect(&url)).unwrap();
    let missing = pending();
    assert_eq!(missing.len(), 1);
    for args in [&["migrate"][..], &["content", "import", dir.path().join("none").to_str().unwrap()][..]] {
        let out = solex(dir.path(), &url, args);
        let text = said(&out);
        assert!(!out.status.success() && text.contains("refused") && text.contains(&missing[0]) && text.contains("--force"), "{args:?}: {text}");
        if pg.is_some() {
            assert!(text.contains(&format!("`solex serve pid {} on", portal.child.id())), "names the portal: {text}");
        }
    }
    assert_eq!(pending(), missing, "nothing was applied");
    let out = solex(dir.path(), &url, &["migrate", "--force"]);
    assert!(out.status.success() && said(&out).contains("applied"), "{}", said(&out));
    assert!(pending().is_empty());
    assert_eq!(get(&format!("{}/healthz", portal.base)).0, 200);
    assert!(portal.running(), "{}", read(&portal.log));

    // A newer solex migrated the database: the portal keeps serving and says so.
    connect(&url).batch_execute("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')").unwrap();
    let (status, body) = get(&format!("{}/healthz", portal.base));
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("schema-newer") && body.contains("29991231000000") && body.contains("newer than this solex knows"), "{body}");
    assert_eq!(get(&format!("{}/kb", portal.base)).0, 200, "pages are still served");
    assert!(portal.running(), "{}", read(&portal.log));
    // Nothing of this version starts on it, or migrates it.
    let other = tempfile::tempdir().unwrap();
    let mut late = Portal::spawn(other.path(), &url, "late", true);
    let status = late.child.wait().unwrap();
    assert!(!status.success() && read(&late.log).contains("newer than this solex knows"), "{}", read(&late.log));
    let out = solex(dir.path(), &url, &["migrate", "--force"]);
    assert!(!out.status.success() && said(&out).contains("newer than this solex knows"), "{}", said(&out));

    // With no portal serving, migrate applies what is pending without being forced.
    drop(portal);
    connect(&url).batch_execute("DELETE FROM __diesel_schema_migrations WHERE version = '29991231000000'").unwrap();
    revert_last_migration(&url);
    let out = solex(dir.path(), &url, &["migrate"]);
    assert!(out.status.success() && said(&out).contains("applied"), "{}", said(&out));
    assert!(pending().is_empty());
    common::drop_database(&pg);
}
