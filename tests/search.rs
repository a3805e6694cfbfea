//! Search: shipped pages by English and Hindi words, typos, phrases, exclusion, field filters,
//! facets, snippets; public threads searchable within a second; rebuild after corruption.

mod common;

use common::world::*;
use common::TestApp;

fn api(c: &common::Client, q: &str) -> serde_json::Value {
    let r = c.get(&format!("/api/search?{}", url::form_urlencoded::Serializer::new(String::new()).append_pair("q", q).finish()));
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn titles(v: &serde_json::Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect()
}

#[test]
fn shipped_pages_are_found_in_english_and_hindi_with_typos_and_operators() {
    let app = TestApp::start();
    let c = app.client();
    let v = api(&c, "coke");
    assert!(titles(&v)[..2].iter().all(|t| t.contains("coke")), "title matches rank first: {:?}", titles(&v));
    assert!(titles(&api(&c, "coke kind:page"))[0].contains("Cutting coke use"));
    assert!(titles(&api(&c, "cupolas")).iter().any(|t| t.contains("Samalkha")), "stemming: cupolas ~ cupola");
    assert!(titles(&api(&c, "cupla")).iter().any(|t| t.contains("Samalkha")), "a typo still finds it");
    assert!(titles(&api(&c, "बाल श्रम")).iter().any(|t| t.contains("जालंधर")), "Hindi words find the Hindi page");
    assert!(titles(&api(&c, "क्लस्टर")).iter().any(|t| t.contains("जालंधर")), "a conjunct stays one word");
    let phrase = titles(&api(&c, "\"effluent treatment plant\" kind:page"));
    assert_eq!(phrase.len(), 1, "{phrase:?}");
    let excluded = titles(&api(&c, "child labour -myrada kind:page"));
    assert!(excluded.iter().any(|t| t.contains("Jalandhar")) && !excluded.iter().any(|t| t.contains("Kollegal")), "{excluded:?}");
    let filtered = titles(&api(&c, "बाल theme:child-labour language:hi"));
    assert!(filtered.iter().all(|t| t.contains("जालंधर")) && !filtered.is_empty(), "{filtered:?}");

    let v = api(&c, "labour");
    let facets = v["facets"].as_array().unwrap();
    assert!(facets.iter().any(|f| f[0] == "theme" && f[1] == "child-labour"));
    assert!(facets.iter().any(|f| f[0] == "state" && f[1] == "Punjab"));
    let snippet = v["hits"][0]["snippet_html"].as_str().unwrap();
    assert!(snippet.contains("<b>"), "highlighted snippet: {snippet}");

    let page = c.get("/search?q=labour&state=Karnataka");
    assert!(page.body.contains("Kollegal") && !page.body.contains("Jalandhar sports goods cluster</a>"), "facet filter narrows");
    let none = c.get("/search?q=xyzzyq%20weaving");
    assert!(none.body.contains("0 results"));
    assert!(c.get("/").body.contains("role=\"search\""), "a search box on every page");
    assert!(!c.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").body.contains("<script>alert"));
}

#[test]
fn public_threads_become_searchable_within_a_second_and_pending_ones_never() {
    let w = world_with(&[("public_threads", "on")]);
    let id = ask(&w, &w.alice, "Induction furnace harmonics", "Our capacitor bank keeps failing.");
    let anon = w.app.client();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    assert!(titles(&api(&anon, "harmonics")).is_empty(), "pending posts are not searchable");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let start = std::time::Instant::now();
    loop {
        if titles(&api(&anon, "harmonics")).iter().any(|t| t.contains("Induction furnace")) {
            break;
        }
        if start.elapsed() > std::time::Duration::from_secs(3) {
            let mut conn = w.app.db();
            let rows = solex::models::search_outbox::after(&mut conn, 0, 100).unwrap();
            let p = solex::models::post::find(&mut conn, id).unwrap();
            let c = solex::models::community::find(&mut conn, p.community_id).unwrap();
            let all = api(&anon, "capacitor");
            let w2 = api(&anon, "induction");
            panic!("not searchable in time: outbox {rows:?}; post {} public {} community public {}; {all} {w2}", p.status, p.is_public, c.public_threads);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    println!("searchable after {:?}", start.elapsed());
    // A withdrawn page leaves the index.
    w.moderator.post("/kb/treating-rice-mill-waste-water/withdraw", &[("note", "Outdated.")]);
    std::thread::sleep(std::time::Duration::from_millis(1200));
    assert!(!titles(&api(&anon, "par-boiling kind:page")).iter().any(|t| t.contains("Kalady")));
    assert!(titles(&api(&anon, "par-boiling")).iter().any(|t| t.contains("Kalady rice mills")), "the registry's Kalady records stay");
}

#[test]
fn a_corrupt_index_is_rebuilt_at_start_up() {
    let app = TestApp::start();
    let dir = app.config.index_dir.clone();
    let pool = app.pool.clone();
    drop(app.client());
    // Damage the live index, then open it again as a restarting process would.
    let current = solex::search::current_dir(&dir);
    std::fs::write(current.join("meta.json"), b"{ not json").unwrap();
    let mut conn = pool.get().unwrap();
    let index = solex::search::SearchIndex::open(&dir, &mut conn).unwrap();
    let r = index.search("coke", &Default::default(), 10);
    assert!(r.total > 0, "rebuilt from the database");
}

#[test]
fn two_processes_on_one_database_each_keep_their_own_index() {
    let w = world_with(&[("public_threads", "on")]);
    let other = w.app.second_process();
    assert_ne!(w.app.config.index_dir, other.config.index_dir);
    let id = ask(&w, &w.alice, "Cupola blower sizing", "What blower for a three tonne cupola?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let c = other.client();
    let start = std::time::Instant::now();
    while !titles(&api(&c, "blower")).iter().any(|t| t.contains("Cupola blower")) {
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "the second process never saw the thread");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(titles(&api(&w.app.client(), "blower")).iter().any(|t| t.contains("Cupola blower")));

    // A page published through the first process appears in the second one's index too.
    let path = format!("/kb/new?thread={id}");
    let r = w.moderator.submit(&path, &path, &[("title", "Sizing cupola blowers"), ("slug", "sizing-cupola-blowers"), ("problem", "Undersized blowers."), ("solution", "Match air to the melt rate."), ("themes", "energy-efficiency"), ("language", "en")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let rev = common::hidden_value(&w.moderator.get("/kb/sizing-cupola-blowers/edit").body, "revision").unwrap();
    let r = w.moderator.post("/kb/sizing-cupola-blowers/edit", &[("revision", &rev), ("action", "publish"), ("title", "Sizing cupola blowers"), ("problem", "Undersized blowers."), ("solution", "Match air to the melt rate."), ("themes", "energy-efficiency"), ("language", "en")]);
    assert_eq!(r.status, 200);
    let start = std::time::Instant::now();
    while !titles(&api(&c, "melt rate")).iter().any(|t| t == "Sizing cupola blowers") {
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "the second process never saw the page");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn openapi_and_opensearch_descriptions() {
    let app = TestApp::start();
    let c = app.client();
    let spec: serde_json::Value = serde_json::from_str(&c.get("/api/openapi.json").body).unwrap();
    assert_eq!(spec["openapi"], "3.0.3");
    assert_eq!(spec["servers"][0]["url"], app.base.as_str());
    assert!(spec["paths"]["/api/search"]["get"].is_object());
    let os = c.get("/opensearch.xml");
    assert!(os.header("content-type").unwrap().starts_with("application/opensearchdescription+xml"));
    assert!(os.body.contains(&format!("{}/search?q={{searchTerms}}", app.base)));
    assert!(c.get("/").body.contains("rel=\"search\""));
    let long = "x".repeat(600);
    assert_eq!(c.get(&format!("/api/search?q={long}")).status, 400);
}

#[test]
fn a_change_committed_while_the_portal_was_down_is_searchable_after_restart() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_solex"))
            .current_dir(dir.path())
            .env("DATABASE_URL", &url)
            .env("SOLEX_BIND", format!("127.0.0.1:{port}"))
            .env("SOLEX_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("SOLEX_CONTENT_DIR", dir.path().join("none"))
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let base = format!("http://127.0.0.1:{port}");
    let wait = || {
        let t = std::time::Instant::now();
        while ureq::get(&format!("{base}/healthz")).call().is_err() {
            assert!(t.elapsed() < std::time::Duration::from_secs(20));
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let find = |q: &str| -> usize {
        let v: serde_json::Value = ureq::get(&format!("{base}/api/search?q={q}")).call().unwrap().into_json().unwrap();
        v["total"].as_u64().unwrap() as usize
    };
    let mut portal = start();
    wait();
    assert_eq!(find("cupola"), 0);
    // The process dies without warning; then a page is committed to the database (with its
    // search outbox row) while no indexer runs, as when a crash falls between the two commits.
    portal.kill().unwrap();
    portal.wait().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_solex"))
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .args(["content", "import", concat!(env!("CARGO_MANIFEST_DIR"), "/content")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut portal = start();
    wait();
    assert!(find("cupola") >= 1, "the restarted indexer applied what the outbox held");
    portal.kill().unwrap();
    portal.wait().unwrap();
    common::drop_database(&pg);
}
