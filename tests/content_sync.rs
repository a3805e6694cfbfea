//! Shipped content against what people change on the portal: a restart (or `solex content
//! import`) adds what is missing and updates only what changed in its file alone; a page or
//! registry record changed on both sides keeps the portal's version and is listed for
//! administrators; `--take-files` takes the files as revisions; export then import changes nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::Client;
use solex::db::{DatabaseUrl, DbConn};
use solex::models::{page, registry};

const SILK: &str = "child-labour-free-silk-reeling";
const WEAVERS: &str = "women-weavers-savings-group";
const COKE: &str = "cutting-coke-use-in-cupola-furnaces";

/// A database and a copy of content/ that the test may change.
struct Site {
    dir: tempfile::TempDir,
    url: String,
    pg: Option<(String, String)>,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = common::fresh_database(dir.path());
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        copy_dir(&shipped, &dir.path().join("content"));
        Site { dir, url, pg }
    }

    fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    /// The portal serving this database with this content/ (a start imports it).
    fn start(&self) -> (Portal, String) {
        let content = self.content();
        let (child, base) = common::spawn_portal_with(self.dir.path(), &self.url, &[("SOLEX_CONTENT_DIR", content.to_str().unwrap())]);
        (Portal(Some(child)), base)
    }

    fn db(&self) -> DbConn {
        solex::db::establish(&DatabaseUrl::parse(&self.url).unwrap()).unwrap()
    }

    fn page(&self, slug: &str) -> page::Page {
        page::find_by_slug(&mut self.db(), slug).unwrap().unwrap()
    }

    /// Rewrites a file of the copy of content/.
    fn change_file(&self, name: &str, from: &str, to: &str) {
        let path = self.content().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name} has {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_solex")).current_dir(self.dir.path()).env("DATABASE_URL", &self.url).env("RUST_LOG", "error").args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "solex {args:?}: {stdout} {}", String::from_utf8_lossy(&out.stderr));
        stdout
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        common::drop_database(&self.pg);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            copy_dir(&p, &to.join(p.file_name().unwrap()));
        } else {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// A running portal; stopped when dropped, so a failing test leaves none behind.
struct Portal(Option<Child>);

impl Drop for Portal {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Stops a portal and returns what it logged.
fn stop(mut portal: Portal) -> String {
    let mut child = portal.0.take().expect("running");
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn admin(site: &Site, base: &str) -> Client {
    common::account_from_console(&mut site.db(), base, "admin@example.org", "Asha Admin", "silk reelers of Kollegal", true)
}

/// Signs the same administrator in on another start of the portal.
fn sign_in(base: &str) -> Client {
    let c = Client::new(base);
    assert_eq!(c.sign_in("admin@example.org", "silk reelers of Kollegal").status, 303);
    c
}

fn edit_silk(c: &Client, solution: &str) {
    let edit = c.get(&format!("/kb/{SILK}/edit"));
    let rev = common::hidden_value(&edit.body, "revision").unwrap();
    let r = c.post(&format!("/kb/{SILK}/edit"), &[
        ("revision", &rev), ("action", "save"), ("title", "Silk reeling without children"), ("problem", "Children reeled silk in Kollegal."),
        ("solution", solution), ("themes", "child-labour"), ("language", "en"),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Waits until a search for `word` does (or does not) find `title`.
fn wait_search(base: &str, word: &str, title: &str, found: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let body = Client::new(base).get(&format!("/search?q={word}")).body;
        if body.contains(title) == found {
            return;
        }
        assert!(Instant::now() < deadline, "search for {word}: expected found={found} for {title}: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_restart_keeps_edits_and_withdrawals_updates_untouched_pages_and_lists_conflicts() {
    let site = Site::new();
    let (portal, base) = site.start();
    let admin = admin(&site, &base);
    edit_silk(&admin, "Reelers were trained and paid; zinnwaldite marks this edit.");
    assert_eq!(admin.post(&format!("/kb/{COKE}/withdraw"), &[("note", "Replaced by a newer guide.")]).status, 303);
    wait_search(&base, "zinnwaldite", "Silk reeling without children", true);
    stop(portal);

    // Unchanged files: the edit and the withdrawal survive the restart, in search too.
    let (portal, base) = site.start();
    let anon = Client::new(&base);
    assert!(anon.get(&format!("/kb/{SILK}")).body.contains("zinnwaldite"), "the edit stays");
    assert_eq!(anon.get(&format!("/kb/{COKE}")).status, 410, "the page stays withdrawn");
    wait_search(&base, "zinnwaldite", "Silk reeling without children", true);
    let admin = sign_in(&base);
    assert!(admin.get("/admin/content").body.contains(&common_none()), "no conflict yet");
    stop(portal);

    // A changed file updates its untouched page; a file whose page was edited too leaves the
    // page as people made it and is listed; a deleted file withdraws nothing.
    site.change_file(&format!("{WEAVERS}.md"), "fifteen home-based weavers", "fifteen home-based weavers (tantalite)");
    site.change_file(&format!("{SILK}.md"), "about 110 children", "about 110 children (columbite)");
    site.change_file(&format!("{COKE}.md"), "has cast metal since the 1960s", "has cast metal since the 1960s (file)");
    std::fs::remove_file(site.content().join("polio-awareness-in-brassware-families.md")).unwrap();
    let (portal, base) = site.start();
    let anon = Client::new(&base);
    assert!(anon.get(&format!("/kb/{WEAVERS}")).body.contains("tantalite"), "an untouched page takes its file's change");
    wait_search(&base, "tantalite", "Maitree", true);
    let silk = anon.get(&format!("/kb/{SILK}")).body;
    assert!(silk.contains("zinnwaldite") && !silk.contains("columbite"), "the portal's version stays");
    assert_eq!(anon.get(&format!("/kb/{COKE}")).status, 410, "a withdrawn page is not brought back by its changed file");
    assert_eq!(anon.get("/kb/polio-awareness-in-brassware-families").status, 200, "a deleted file withdraws nothing");
    let admin = sign_in(&base);
    let list = admin.get("/admin/content").body;
    assert!(list.contains(&format!("content/{SILK}.md")) && list.contains(&format!("content/{COKE}.md")), "{list}");
    assert!(!list.contains(WEAVERS), "{list}");
    let log = stop(portal);
    assert!(log.contains(&format!("content/{SILK}.md: changed in the file and on the portal")), "{log}");

    // The administrator compares and keeps the portal's version of the withdrawn page, and
    // takes the file's version of the silk page: a new revision, which rolls back.
    let (portal, base) = site.start();
    let admin = sign_in(&base);
    let ids = conflict_ids(&admin);
    assert_eq!(ids.len(), 2, "listed again, once each");
    let coke_id = ids.iter().find(|(_, row)| row.contains(COKE)).unwrap().0;
    let silk_id = ids.iter().find(|(_, row)| row.contains(SILK)).unwrap().0;
    let detail = admin.get(&format!("/admin/content/{silk_id}")).body;
    assert!(detail.contains("<del>- Reelers were trained and paid; zinnwaldite") && detail.contains("columbite"), "{detail}");
    assert!(detail.contains("name=\"csrf\""), "forms carry the CSRF token");
    assert_eq!(admin.post_raw(&format!("/admin/content/{silk_id}/take"), &[]).status, 403, "no token, no change");
    assert_eq!(admin.submit(&format!("/admin/content/{coke_id}"), &format!("/admin/content/{coke_id}/keep"), &[]).status, 303);
    let before = site.page(SILK).revision;
    assert_eq!(admin.submit(&format!("/admin/content/{silk_id}"), &format!("/admin/content/{silk_id}/take"), &[]).status, 303);
    assert!(admin.get("/admin/content").body.contains(&common_none()));
    let silk = site.page(SILK);
    assert_eq!(silk.revision, before + 1, "taken as a new revision");
    assert!(silk.solution_md.contains("columbite"));
    wait_search(&base, "columbite", "Child-labour-free silk reeling", true);
    assert_eq!(admin.post(&format!("/kb/{SILK}/revisions/{before}/restore"), &[]).status, 303);
    assert!(site.page(SILK).solution_md.contains("zinnwaldite"), "rolled back to the portal's edit");
    stop(portal);

    // Resolved is resolved: the next start brings nothing back and lists nothing.
    let (portal, base) = site.start();
    assert!(Client::new(&base).get(&format!("/kb/{SILK}")).body.contains("zinnwaldite"));
    assert_eq!(Client::new(&base).get(&format!("/kb/{COKE}")).status, 410);
    assert!(sign_in(&base).get("/admin/content").body.contains(&common_none()));
    stop(portal);
}

fn common_none() -> String {
    "No conflicts".to_string()
}

/// (id, table row) of each listed conflict.
fn conflict_ids(admin: &Client) -> Vec<(i64, String)> {
    let list = admin.get("/admin/content").body;
    list.split("<tr>")
        .filter_map(|row| {
            let at = row.find("href=\"/admin/content/")? + "href=\"/admin/content/".len();
            let id = row[at..].split('"').next()?.parse().ok()?;
            Some((id, row.to_string()))
        })
        .collect()
}

#[test]
fn only_administrators_reach_the_conflicts() {
    let site = Site::new();
    let (portal, base) = site.start();
    let admin = admin(&site, &base);
    edit_silk(&admin, "An edit on the portal.");
    stop(portal);
    site.change_file(&format!("{SILK}.md"), "about 110 children", "about 111 children");
    let (portal, base) = site.start();
    let admin = sign_in(&base);
    let (id, _) = conflict_ids(&admin).pop().expect("a conflict");
    let member = common::account_from_console(&mut site.db(), &base, "member@example.org", "Mina Member", "brass workers of Moradabad", false);
    for c in [&member, &Client::new(&base)] {
        for path in ["/admin/content".to_string(), format!("/admin/content/{id}")] {
            assert!(matches!(c.get(&path).status, 303 | 403), "{path}");
        }
        for action in ["take", "keep"] {
            assert!(matches!(c.post(&format!("/admin/content/{id}/{action}"), &[]).status, 303 | 403), "{action}");
        }
    }
    assert_eq!(conflict_ids(&admin).len(), 1, "still open");
    assert!(!site.page(SILK).solution_md.contains("111 children"));
    stop(portal);
}

#[test]
fn take_files_makes_revisions_that_roll_back_and_export_then_import_changes_nothing() {
    let site = Site::new();
    let (portal, base) = site.start();
    let admin = admin(&site, &base);
    edit_silk(&admin, "Edited on the portal: pyrochlore.");
    stop(portal);
    site.change_file(&format!("{SILK}.md"), "about 110 children", "about 110 children (microlite)");
    let out = site.cli(&["content", "import", site.content().to_str().unwrap()]);
    assert!(out.contains("0 updated") && out.contains("1 in conflict"), "{out}");
    assert!(site.page(SILK).solution_md.contains("pyrochlore"), "the plain import keeps the portal's version");

    let edited = site.page(SILK).revision;
    let out = site.cli(&["content", "import", "--take-files", site.content().to_str().unwrap()]);
    assert!(out.contains("1 pages changed to their file's version"), "{out}");
    let silk = site.page(SILK);
    assert!(silk.solution_md.contains("microlite") && silk.revision == edited + 1, "a new revision");

    let (portal, base) = site.start();
    let admin = sign_in(&base);
    assert!(admin.get("/admin/content").body.contains(&common_none()), "taking the file settled the conflict");
    assert_eq!(admin.post(&format!("/kb/{SILK}/revisions/{edited}/restore"), &[]).status, 303);
    assert!(site.page(SILK).solution_md.contains("pyrochlore"), "rolled back");
    stop(portal);

    // The portal as it is now, out and in again: nothing changes.
    let before: Vec<(String, i32, String)> = page::all(&mut site.db()).unwrap().into_iter().map(|p| (p.slug, p.revision, p.status.as_str().to_string())).collect();
    let out_dir = site.dir.path().join("export");
    site.cli(&["content", "export", out_dir.to_str().unwrap()]);
    let out = site.cli(&["content", "import", out_dir.to_str().unwrap()]);
    assert!(out.starts_with("0 created, 0 updated, 10 unchanged, 0 in conflict, 0 with errors"), "{out}");
    let after: Vec<(String, i32, String)> = page::all(&mut site.db()).unwrap().into_iter().map(|p| (p.slug, p.revision, p.status.as_str().to_string())).collect();
    assert_eq!(before, after);
    // ... and the next start from content/ still keeps the rollback.
    let (portal, _) = site.start();
    stop(portal);
    assert!(site.page(SILK).solution_md.contains("pyrochlore"));
}

/// Publishes new values for a registry record as a review on the portal would.
fn publish_on_portal(conn: &mut DbConn, kind: &str, slug: &str, change: impl Fn(&mut serde_json::Map<String, serde_json::Value>)) -> i32 {
    let r = registry::find_by_slug(conn, kind, slug).unwrap().unwrap();
    let n = r.published_version.unwrap();
    let v = registry::version(conn, r.id, n).unwrap();
    let mut fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&v.fields).unwrap();
    change(&mut fields);
    let now = solex::models::now();
    registry::set_version_status(conn, v.id, registry::Status::Superseded).unwrap();
    registry::insert_version(conn, r.id, n + 1, &serde_json::to_string(&fields).unwrap(), &v.state, registry::Status::Published, None, now).unwrap();
    registry::mark_published(conn, r.id, n + 1, None, now).unwrap();
    n + 1
}

fn fields_of(conn: &mut DbConn, kind: &str, slug: &str) -> (i32, String) {
    let r = registry::find_by_slug(conn, kind, slug).unwrap().unwrap();
    let n = r.published_version.unwrap();
    (n, registry::version(conn, r.id, n).unwrap().fields)
}

#[test]
fn the_registry_seed_follows_the_same_rule() {
    let site = Site::new();
    let (portal, base) = site.start();
    admin(&site, &base);
    stop(portal);
    let people = publish_on_portal(&mut site.db(), "cluster", "chanderi-handloom", |f| {
        f.insert("description".into(), "Edited on the portal: brocade.".into());
    });
    site.change_file("registry/clusters.csv", "cites it as an example of a cluster's brand equity", "cites it for brand equity (file)");
    site.change_file("registry/clusters.csv", "the book's example of synergy inside a cluster", "the book's example of synergy (gallium)");
    let (portal, base) = site.start();
    let mut conn = site.db();
    let (n, fields) = fields_of(&mut conn, "cluster", "chanderi-handloom");
    assert_eq!(n, people, "what people published stays");
    assert!(fields.contains("brocade") && !fields.contains("(file)"));
    let (_, tirupur) = fields_of(&mut conn, "cluster", "tirupur-knitwear");
    assert!(tirupur.contains("gallium"), "an untouched record takes its row's change");
    let admin = sign_in(&base);
    let ids = conflict_ids(&admin);
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert!(ids[0].1.contains("content/registry/clusters.csv"));
    let detail = admin.get(&format!("/admin/content/{}", ids[0].0)).body;
    assert!(detail.contains("brocade") && detail.contains("(file)"), "{detail}");
    assert_eq!(admin.submit(&format!("/admin/content/{}", ids[0].0), &format!("/admin/content/{}/take", ids[0].0), &[]).status, 303);
    let (n, fields) = fields_of(&mut conn, "cluster", "chanderi-handloom");
    assert_eq!(n, people + 1);
    assert!(fields.contains("(file)"));
    assert!(conflict_ids(&admin).is_empty());
    stop(portal);
    let (portal, _) = site.start();
    stop(portal);
    assert_eq!(fields_of(&mut conn, "cluster", "chanderi-handloom").0, people + 1, "a restart changes nothing more");
}
