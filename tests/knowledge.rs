//! The knowledge base: content/ import, pages, hubs, links, builder, revisions, redirects,
//! withdrawal, looks, feeds, sanitising, permissions, and the lossless content round trip.

mod common;

use common::world::*;
use common::TestApp;

#[test]
fn shipped_pages_are_public_with_translations_backlinks_hubs_and_feeds() {
    let app = TestApp::start();
    let anon = app.client();
    let home = anon.get("/kb");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Cutting coke use in cupola furnaces") && home.body.contains("/kb/themes/child-labour"));

    let page = anon.get("/kb/cutting-coke-use-in-cupola-furnaces").body;
    assert!(page.contains("<h2>Problem</h2>") && page.contains("<h2>Solution</h2>") && page.contains("<strong>divided-blast cupola</strong>"));
    assert!(page.contains("href=\"/kb/samalkha-cupola-coke-bachat\"") && page.contains("हिन्दी में पढ़ें"), "link to the Hindi page");
    assert!(page.contains("Pages that link here") && page.contains("Safer charging"), "backlink from the housekeeping page");
    assert!(page.contains("Box 1.1"), "sources listed");
    let hindi = anon.get("/kb/samalkha-cupola-coke-bachat").body;
    assert!(hindi.contains("lang=\"hi\"") && hindi.contains("<h2>समस्या</h2>") && hindi.contains("Read in English"));

    let hub = anon.get("/kb/themes/child-labour").body;
    assert!(hub.contains("Jalandhar") && hub.contains("Kollegal") && hub.contains("जालंधर"));
    assert!(hub.contains("Codes of conduct") || hub.contains("Skills and training"), "neighbouring themes");
    assert_eq!(anon.get("/kb/themes/astrology").status, 404);

    let feed = anon.get("/kb/feed.atom");
    assert!(feed.header("content-type").unwrap().starts_with("application/atom+xml"));
    assert!(feed.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">") && feed.body.matches("<entry>").count() == 10);
    let theme_feed = anon.get("/kb/themes/waste-water/feed.atom").body;
    assert!(theme_feed.contains("Kalady") && !theme_feed.contains("Jalandhar"));
    let sitemap = anon.get("/sitemap.xml").body;
    assert!(sitemap.contains(&format!("<loc>{}/kb/treating-rice-mill-waste-water</loc>", app.base)));
    assert_eq!(anon.get("/kb/no-such-page").status, 404);
}

#[test]
fn a_moderator_distils_a_thread_into_a_published_page() {
    let w = world();
    let id = ask(&w, &w.alice, "Slag from cupolas", "Where can we use 3,000 tonnes of slag?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let r = w.bob.post_multipart(&format!("/c/{}/t/{id}/reply", w.slug), &[("body", "We sold ours to a **brick** maker.")], &[]);
    assert_eq!(r.status, 303);
    let reply = {
        let mut conn = w.app.db();
        solex::models::post::queue(&mut conn, 1, &[solex::models::post::Status::Pending], Some(false), 10).unwrap()[0].0.id
    };
    decide(&w, &w.moderator, reply, &[("action", "approve")]);
    // Bob prefers not to be named; Alice agrees to be.
    let r = w.bob.submit("/profile", "/profile", &[("name", "Bob Bhatt"), ("organisation", "Howrah Foundry Association"), ("language", "en")]);
    assert_eq!(r.status, 303);
    let r = w.alice.submit("/profile", "/profile", &[("name", "Alice Ahuja"), ("language", "en"), ("credit_consent", "on")]);
    assert_eq!(r.status, 303);

    assert!(w.moderator.get(&format!("/c/{}/t/{id}", w.slug)).body.contains(&format!("/kb/new?thread={id}")), "the thread offers the builder");
    assert_eq!(w.bob.get(&format!("/kb/new?thread={id}")).status, 403, "members do not distil");
    let builder = w.moderator.get(&format!("/kb/new?thread={id}&pick={reply}"));
    assert_eq!(builder.status, 200);
    assert!(builder.body.contains("&gt; We sold ours to a **brick** maker.") && builder.body.contains("— A community member") && !builder.body.contains("— Bob Bhatt"), "the picked reply is quoted, credited as its author agreed");
    assert!(builder.body.contains("A community member") && builder.body.contains("Alice Ahuja"), "credit follows consent");

    let path = format!("/kb/new?thread={id}");
    let r = w.moderator.submit(&path, &path, &[("title", ""), ("problem", ""), ("solution", "x")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Give the subject") && r.body.contains("Describe the problem") && r.body.contains("Choose at least one theme"));
    let r = w.moderator.submit(&path, &path, &[
        ("title", "Using foundry slag"), ("slug", ""), ("problem", "Slag piles up along roads."),
        ("solution", "Sell it to brick makers. See [coke](/kb/cutting-coke-use-in-cupola-furnaces) and [missing](/kb/not-written-yet)."),
        ("themes", "solid-waste"), ("themes", "energy-efficiency"), ("sector", "Metal and foundry"), ("state", "West Bengal"), ("language", "en"),
        ("contributors", "Alice Ahuja\nA community member"), ("sources", "Thread in the community"), ("source_threads", &id.to_string()),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/kb/using-foundry-slag/edit?created=1"));
    assert_eq!(w.app.client().get("/kb/using-foundry-slag").status, 404, "drafts are not public");
    assert!(!w.app.client().get("/kb/themes/solid-waste").body.contains("Using foundry slag"));

    let edit = w.moderator.get("/kb/using-foundry-slag/edit").body;
    let rev = common::hidden_value(&edit, "revision").unwrap();
    let r = w.moderator.post("/kb/using-foundry-slag/edit", &[
        ("revision", &rev), ("action", "publish"), ("title", "Using foundry slag"), ("problem", "Slag piles up along roads."),
        ("solution", "Sell it to brick makers. See [coke](/kb/cutting-coke-use-in-cupola-furnaces) and [missing](/kb/not-written-yet)."),
        ("themes", "solid-waste"), ("themes", "energy-efficiency"), ("sector", "Metal and foundry"), ("state", "West Bengal"), ("language", "en"),
        ("contributors", "Alice Ahuja\nA community member"), ("source_threads", &id.to_string()),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("These links point to no page") && r.body.contains("/kb/not-written-yet"), "broken links reported");

    let public = w.app.client().get("/kb/using-foundry-slag");
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Sell it to brick makers") && public.body.contains("A community member"));
    assert!(w.app.client().get("/kb/themes/solid-waste").body.contains("Using foundry slag"), "the hub follows publication");
    assert!(w.app.client().get("/kb/cutting-coke-use-in-cupola-furnaces").body.contains("Using foundry slag"), "backlink appears on the linked page");
    assert!(!w.moderator.get(&format!("/c/{}/due", w.slug)).body.contains("Slag from cupolas"), "the query has its consolidated reply");
}

fn edit_fields<'a>(rev: &'a str, title: &'a str, solution: &'a str, theme: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("revision", rev), ("action", "save"), ("title", title), ("problem", "Children reel silk."), ("solution", solution), ("themes", theme), ("language", "en")]
}

#[test]
fn revisions_diff_rollback_retag_rename_and_withdraw() {
    // The child-labour page is edited by the child-labour community's moderator; moving it to
    // another theme only is for an administrator (or a knowledge editor).
    let w = world();
    let url = "/kb/child-labour-free-silk-reeling";
    let editor = &w.other_moderator;
    let rev = |c: &common::Client| common::hidden_value(&c.get(&format!("{url}/edit")).body, "revision").unwrap();
    let r1 = rev(editor);
    assert_eq!(editor.post(&format!("{url}/edit"), &edit_fields(&r1, "Silk reeling without children", "Train the reelers.", "child-labour")).status, 200);
    // A second editor with the old form is told, not silently overwritten.
    let stale = editor.post(&format!("{url}/edit"), &edit_fields(&r1, "Stale title", "Stale.", "child-labour"));
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("Someone saved this page"));
    let r2 = rev(editor);
    let away = edit_fields(&r2, "Silk reeling without children", "Train the reelers and pay them.", "skills-training");
    assert_eq!(editor.post(&format!("{url}/edit"), &away).status, 400, "a moderator keeps a theme they edit");
    assert_eq!(w.admin.post(&format!("{url}/edit"), &away).status, 200);

    let history = w.admin.get(&format!("{url}/revisions")).body;
    assert!(history.contains("r1") && history.contains("r2") && history.contains("r3") && history.contains("Omar Other"));
    let diff = w.admin.get(&format!("{url}/revisions/3")).body;
    assert!(diff.contains("<del>- Train the reelers.") && diff.contains("<ins>+ Train the reelers and pay them."), "{diff}");
    assert!(!w.app.client().get("/kb/themes/child-labour").body.contains("Silk reeling without children"), "retagged away from the hub");
    assert!(w.app.client().get("/kb/themes/skills-training").body.contains("Silk reeling without children"));
    assert_eq!(editor.get(&format!("{url}/edit")).status, 403, "no longer a page of the moderator's theme");

    assert_eq!(w.admin.post(&format!("{url}/revisions/1/restore"), &[]).status, 303);
    let page = w.app.client().get(url).body;
    assert!(page.contains("Child-labour-free silk reeling") && page.contains("Myrada"), "rolled back to the imported text");
    assert!(editor.get(&format!("{url}/revisions")).body.contains("rolled back to revision 1"));

    // Rename: the old address redirects and the Jalandhar page's link follows.
    let r = editor.post(&format!("{url}/rename"), &[("new_slug", "silk-reeling-without-children")]);
    assert_eq!(r.status, 303);
    let old = w.app.client().get(url);
    assert_eq!(old.status, 301);
    assert_eq!(old.location.as_deref(), Some("/kb/silk-reeling-without-children"));
    assert!(w.app.client().get("/kb/silk-reeling-without-children").body.contains("Ending child labour in football stitching"), "backlink kept");
    let r = editor.post("/kb/silk-reeling-without-children/rename", &[("new_slug", "cutting-coke-use-in-cupola-furnaces")]);
    assert_eq!(r.status, 400, "taken names are refused");

    // Withdraw: 410 with the note, and the hubs drop it.
    let r = editor.post("/kb/silk-reeling-without-children/withdraw", &[("note", "")]);
    assert_eq!(r.status, 400);
    assert_eq!(editor.post("/kb/silk-reeling-without-children/withdraw", &[("note", "Merged into the child labour overview.")]).status, 303);
    let gone = w.app.client().get("/kb/silk-reeling-without-children");
    assert_eq!(gone.status, 410);
    assert!(gone.body.contains("Merged into the child labour overview."));
    assert!(!w.app.client().get("/kb/themes/child-labour").body.contains("Kollegal"));
}

#[test]
fn readers_who_edit_nothing_see_each_change_at_once() {
    // Members who edit no page and visitors asking with a query string (no page cache) are
    // served the page's data read once per change: each change must reach them at once.
    let w = world();
    let url = "/kb/child-labour-free-silk-reeling";
    let editor = &w.other_moderator;
    let reads = |want: &str| {
        for body in [w.outsider.get(url).body, w.app.client().get(&format!("{url}?from=feed")).body, w.bob.get(url).body] {
            assert!(body.contains(want), "{want} in {body}");
        }
    };
    reads("Child-labour-free silk reeling");
    reads("Child-labour-free silk reeling");
    let rev = common::hidden_value(&editor.get(&format!("{url}/edit")).body, "revision").unwrap();
    assert_eq!(editor.post(&format!("{url}/edit"), &edit_fields(&rev, "Silk reeling without children", "Train the reelers.", "child-labour")).status, 200);
    reads("Silk reeling without children");
    // The editor's own view carries the tools a reader's does not.
    assert!(editor.get(url).body.contains(&format!("{url}/edit")));
    assert!(!w.outsider.get(url).body.contains(&format!("{url}/edit")));
    assert_eq!(editor.post(&format!("{url}/withdraw"), &[("note", "Merged into the overview.")]).status, 303);
    assert_eq!(w.outsider.get(url).status, 410);
    assert_eq!(w.app.client().get(&format!("{url}?from=feed")).status, 410);
}

#[test]
fn script_never_reaches_a_page_from_any_field() {
    let w = world();
    let payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "[x](javascript:alert(3))",
        "\"><svg onload=alert(4)>",
        "<a href=\"javascript:alert(5)\">y</a>",
        "<iframe src=//evil.example></iframe>",
    ];
    for (i, p) in payloads.iter().enumerate() {
        let slug = format!("xss-{i}");
        let mut conn = w.app.db();
        let form = solex::services::knowledge::PageForm {
            slug: slug.clone(), title: p.to_string(), problem: p.to_string(), solution: p.to_string(),
            themes: vec!["child-labour".into()], district: p.to_string(), language: "en".into(),
            contributors: p.to_string(), sources: p.to_string(), ..Default::default()
        };
        solex::services::knowledge::create(&mut conn, None, &form, solex::models::page::Status::Published, Some(solex::models::now())).unwrap();
        drop(conn);
        // Escaped text is fine ("&lt;img ... onerror"): without a real tag no handler can run.
        let page = w.app.client().get(&format!("/kb/{slug}")).body.to_lowercase();
        for bad in ["<script", "<img", "<iframe", "<svg", "href=\"javascript", "src=\"javascript"] {
            assert!(!page.contains(bad), "{p}: {bad} in {page}");
        }
    }
    let hub = w.app.client().get("/kb/themes/child-labour").body.to_lowercase();
    assert!(!hub.contains("<script") && !hub.contains("<img") && !hub.contains("<svg"));
}

#[test]
fn only_moderators_and_administrators_edit_pages_and_only_administrators_set_looks() {
    let w = world();
    let anon = w.app.client();
    for path in ["/kb/pages", "/kb/cutting-coke-use-in-cupola-furnaces/edit", "/kb/cutting-coke-use-in-cupola-furnaces/revisions", "/admin/looks"] {
        assert_eq!(anon.get(path).status, 303, "{path}");
        assert_eq!(w.bob.get(path).status, 403, "{path}");
    }
    assert_eq!(w.bob.post("/kb/cutting-coke-use-in-cupola-furnaces/withdraw", &[("note", "x")]).status, 403);
    assert_eq!(w.bob.post("/kb/cutting-coke-use-in-cupola-furnaces/rename", &[("new_slug", "x")]).status, 403);
    assert_eq!(w.app.client().get("/kb/cutting-coke-use-in-cupola-furnaces").status, 200, "untouched");
    assert_eq!(w.moderator.get("/kb/pages").status, 200);
    assert_eq!(w.moderator.get("/admin/looks").status, 403);

    let r = w.admin.submit("/admin/looks", "/admin/looks", &[("theme", "child-labour"), ("layout", "card"), ("accent", "red;}body{display:none")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Give a colour"));
    assert_eq!(w.admin.submit("/admin/looks", "/admin/looks", &[("theme", "child-labour"), ("layout", "card"), ("accent", "#aa3300")]).status, 303);
    let page = anon.get("/kb/ending-child-labour-in-sports-goods-stitching").body;
    assert!(page.contains("/static/themes/card.css") && page.contains("layout-card"));
    let css = anon.get("/looks/child-labour.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css") && css.body.contains("--accent: #aa3300"));
    assert_eq!(anon.get("/static/themes/card.css").status, 200);
}

#[test]
fn content_round_trip_is_lossless_and_bad_files_name_their_line() {
    let app = TestApp::start();
    let out = tempfile::tempdir().unwrap();
    {
        let mut conn = app.db();
        assert_eq!(solex::content::export_dir(&mut conn, out.path()).unwrap(), 10);
    }
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "md") {
            continue; // content/registry/ holds the registry's seed
        }
        let name = p.file_name().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), std::fs::read_to_string(out.path().join(name)).unwrap(), "{name:?}");
    }
    // Into a fresh database and out again: the same bytes, the same rows.
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let mut conn = solex::db::establish(&solex::db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    solex::db::run_migrations(&mut conn).unwrap();
    let report = solex::content::import_dir(&mut conn, out.path()).unwrap();
    assert_eq!((report.created, report.errors.len()), (10, 0));
    let again = tempfile::tempdir().unwrap();
    solex::content::export_dir(&mut conn, again.path()).unwrap();
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let p = entry.unwrap().path();
        assert_eq!(std::fs::read(&p).unwrap(), std::fs::read(again.path().join(p.file_name().unwrap())).unwrap());
    }
    let a = {
        let mut c = app.db();
        solex::models::page::all(&mut c).unwrap()
    };
    let b = solex::models::page::all(&mut conn).unwrap();
    let strip = |v: Vec<solex::models::page::Page>| v.into_iter().map(|p| (p.slug, p.title, p.problem_md, p.solution_md, p.body_html, p.themes, p.language, p.translation_slug, p.contributors, p.sources, p.status, p.published_at)).collect::<Vec<_>>();
    assert_eq!(strip(a), strip(b));
    assert_eq!(solex::content::import_dir(&mut conn, out.path()).unwrap().unchanged, 10, "a second import changes nothing");

    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("a.md"), "+++\nslug = \"a\"\ntitle = \"A\"\nlanguage = \"en\"\nstatus = \"published\"\nthemes = [\"child-labour\"\nbroken\n+++\n## Problem\nx\n## Solution\ny\n").unwrap();
    std::fs::write(bad.path().join("b.md"), "+++\nslug = \"b\"\ntitle = \"B\"\nlanguage = \"en\"\nstatus = \"published\"\nthemes = [\"child-labour\"]\n+++\n\n## Problem\n\nonly a problem\n").unwrap();
    std::fs::write(bad.path().join("c.md"), "no front matter").unwrap();
    let r = solex::content::import_dir(&mut conn, bad.path()).unwrap();
    assert_eq!(r.created, 0);
    let msgs: Vec<String> = r.errors.iter().map(|(f, e)| format!("{f}: {e}")).collect();
    assert!(msgs[0].starts_with("a.md: line "), "{msgs:?}");
    assert!(msgs[1].contains("b.md: line") && msgs[1].contains("Solution"), "{msgs:?}");
    assert!(msgs[2].contains("c.md: line 1"), "{msgs:?}");
    drop(conn);
    common::drop_database(&pg);
}

#[test]
fn a_pages_lists_keep_values_with_commas_through_the_form_the_store_and_its_file() {
    let w = world();
    let mut threads = Vec::new();
    for title in ["Slag from cupolas", "Slag in roads"] {
        let id = ask(&w, &w.alice, title, "Where can we use it?");
        assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
        threads.push(id);
    }
    let (a, b) = (threads[0], threads[1]);
    let typed = format!("{a}, {b}");
    let contributor = "Ravi Kumar | Foundry Owners' Association, Samalkha";
    let contributors = format!("{contributor}\nA community member");
    let source = "Fostering Business Responsibility in MSME Clusters, Vol. I; Box 1.1";
    let fields = |rev: &'static str, action: &'static str| -> Vec<(&str, String)> {
        vec![
            ("revision", rev.into()), ("action", action.into()), ("slug", "slag-lists".into()), ("title", "Slag lists".into()), ("problem", "Slag piles up.".into()),
            ("solution", "Sell it.".into()), ("themes", "energy-efficiency".into()), ("themes", "solid-waste".into()), ("language", "en".into()),
            ("contributors", contributors.clone()), ("sources", source.into()), ("source_threads", typed.clone()),
        ]
    };
    let pairs = |v: &[(&'static str, String)]| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let new = pairs(&fields("0", "save"));
    let builder = format!("/kb/new?thread={a}&thread={b}");
    let r = w.moderator.submit(&builder, "/kb/new", &new.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>());
    assert_eq!(r.status, 303, "{}", r.body);
    let stored = || {
        let mut conn = w.app.db();
        solex::models::page::find_by_slug(&mut conn, "slag-lists").unwrap().unwrap()
    };
    let p = stored();
    assert_eq!(p.themes, "energy-efficiency\nsolid-waste");
    assert_eq!(p.source_threads, format!("{a}\n{b}"));
    assert_eq!(p.contributors, contributors);
    assert_eq!(p.sources, source);

    // The form shows the lists as they are typed; sent back unchanged, they stay the same.
    let edit = w.moderator.get("/kb/slag-lists/edit").body;
    assert!(edit.contains(&format!("name=\"source_threads\" type=\"text\" value=\"{typed}\"")), "{edit}");
    assert!(edit.contains("Foundry Owners&#39; Association, Samalkha") || edit.contains("Foundry Owners' Association, Samalkha"));
    let rev = common::hidden_value(&edit, "revision").unwrap();
    let mut publish = pairs(&fields("0", "publish"));
    publish[0].1 = rev;
    let r = w.moderator.post("/kb/slag-lists/edit", &publish.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>());
    assert!(r.status == 200 || r.status == 303, "{}", r.body);
    let q = stored();
    assert_eq!(q.status.to_string(), "published");
    assert_eq!((q.themes, q.source_threads, q.contributors, q.sources), (p.themes, p.source_threads, p.contributors, p.sources));

    // Both hubs list it, another does not; the page names the contributor with the comma kept.
    for theme in ["energy-efficiency", "solid-waste"] {
        assert!(w.app.client().get(&format!("/kb/themes/{theme}")).body.contains("Slag lists"), "{theme}");
    }
    assert!(!w.app.client().get("/kb/themes/waste-water").body.contains("Slag lists"));
    let public = w.app.client().get("/kb/slag-lists").body;
    assert!(public.contains("Ravi Kumar, Foundry Owners") && public.contains("Vol. I; Box 1.1"), "{public}");

    // The content file carries TOML arrays, as before; imported again it changes nothing.
    let file = solex::content::to_file(&stored());
    assert!(file.contains("themes = [\"energy-efficiency\", \"solid-waste\"]"), "{file}");
    assert!(file.contains(&format!("contributors = [\"{contributor}\", \"A community member\"]")), "{file}");
    assert!(file.contains(&format!("threads = [{a}, {b}]")), "{file}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("slag-lists.md"), &file).unwrap();
    let report = solex::content::import_dir(&mut w.app.db(), dir.path()).unwrap();
    assert_eq!((report.unchanged, report.updated, report.errors.len()), (1, 0, 0), "{:?}", report.errors);
}
