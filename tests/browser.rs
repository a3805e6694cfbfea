//! In headless Chromium: join, confirm through the outbox mail, sign in, see the dashboard,
//! switch to Hindi.

mod common;

use common::webdriver::Browser;
use common::TestApp;

fn sign_in(b: &Browser, base: &str, email: &str, password: &str) {
    b.goto(&format!("{base}/login"));
    b.fill("#email", email);
    b.fill("#password", password);
    b.click("form[action='/login'] button[type=submit]");
    b.wait_url(|u| u.ends_with("/dashboard"));
}

#[test]
fn a_newcomer_joins_confirms_and_reaches_the_dashboard() {
    let app = TestApp::start();
    let b = Browser::start();
    b.goto(&format!("{}/", app.base));
    b.click("a.button[href='/register']");
    b.wait_url(|u| u.ends_with("/register"));

    // A mistake first: the form comes back with the message and keeps the typing.
    b.fill("#email", "kavita@example.org");
    b.fill("#password", "short");
    b.fill("#name", "Kavita Rao");
    b.fill("#organisation", "Okhla Garment and Textile Cluster");
    // Agreeing to the data notice; the box stays ticked when the form comes back.
    b.click("#data_consent");
    b.click("form[action='/register'] button[type=submit]");
    b.wait_text(".error-summary", |t| t.contains("at least 10 characters"));
    assert!(b.source().contains("value=\"Okhla Garment and Textile Cluster\""), "typing kept");

    b.fill("#password", "stitching skills for Okhla");
    b.click("form[action='/register'] button[type=submit]");
    b.wait_text("h1", |t| t == "Check your email");

    let mail = app.mail_for("kavita@example.org", 1);
    b.goto(&format!("{}{}", app.base, mail.link("/verify?token=")));
    b.wait_text("h1", |t| t == "Email address confirmed");
    b.click("main a[href='/login']");

    b.fill("#email", "kavita@example.org");
    b.fill("#password", "stitching skills for Okhla");
    b.click("form[action='/login'] button[type=submit]");
    b.wait_url(|u| u.ends_with("/dashboard"));
    b.wait_text("h1", |t| t == "Welcome, Kavita Rao");

    b.click("a.lang");
    b.wait_text("h1", |t| t == "स्वागत है, Kavita Rao");
    assert!(b.url().ends_with("/dashboard"));
    if let Ok(path) = std::env::var("SOLEX_SCREENSHOT") {
        b.screenshot(std::path::Path::new(&path));
    }

    b.click("form[action='/logout'] button");
    b.find("nav a[href='/login']");
    b.goto(&format!("{}/dashboard", app.base));
    b.wait_url(|u| u.contains("/login?next=%2Fdashboard"));
}

#[test]
fn a_query_goes_from_a_member_through_the_queue_to_another_member() {
    let app = TestApp::start();
    let pw = "divided blast cupola";
    let admin = app.admin("admin@example.org", pw);
    let moderator = app.member("mod@example.org", pw, "Meena Moderator");
    let author = app.member("ravi@example.org", pw, "Ravi Kumar");
    let reader = app.member("sita@example.org", pw, "Sita Devi");
    let r = admin.submit("/admin/communities", "/admin/communities", &[("name", "Energy efficiency in foundries"), ("slug", "foundry-energy"), ("theme", "energy-efficiency"), ("moderators", "mod@example.org")]);
    assert_eq!(r.status, 303, "{}", r.body);
    for (c, email) in [(&author, "ravi@example.org"), (&reader, "sita@example.org")] {
        assert_eq!(c.post("/c/foundry-energy/join", &[]).status, 303);
        let uid = app.user_id(email);
        let r = moderator.submit("/c/foundry-energy/members", &format!("/c/foundry-energy/members/{uid}"), &[("decision", "approve")]);
        assert_eq!(r.status, 303);
    }

    let login = |b: &Browser, email: &str| sign_in(b, &app.base, email, pw);

    // The member asks.
    let b = Browser::start();
    login(&b, "ravi@example.org");
    b.goto(&format!("{}/c/foundry-energy", app.base));
    b.click("a.button[href='/c/foundry-energy/new']");
    b.fill("#title", "Coke savings from a divided-blast cupola?");
    b.fill("#body", "We melt 12 tonnes a day in Howrah. What did Samalkha units save?");
    b.click("input[value='energy-efficiency']");
    // The form goes to the check step first; "Post anyway" sends the draft.
    b.click("form[action='/c/foundry-energy/check'] button[type=submit]");
    b.wait_text("h1", |t| t == "Check before you post");
    b.click("form[action='/c/foundry-energy/posts'] button[type=submit]");
    b.wait_text(".notice", |t| t.contains("waiting for a moderator"));
    drop(b);

    // The moderator edits and approves.
    let b = Browser::start();
    login(&b, "mod@example.org");
    b.goto(&format!("{}/c/foundry-energy/queue", app.base));
    b.click("ol.queue h2 a");
    b.wait_text("h1", |t| t.contains("divided-blast"));
    b.click("input[value='edit_approve']");
    b.click("details summary");
    b.fill("#title", "Coke savings from a divided-blast cupola in Howrah");
    b.fill("#message", "Named the cluster in the title");
    b.click("form[action$='/decide'] button[type=submit]");
    b.wait_text(".notice", |t| t == "Done.");
    drop(b);

    // Another member reads it.
    let b = Browser::start();
    login(&b, "sita@example.org");
    b.goto(&format!("{}/c/foundry-energy", app.base));
    b.click("ul.threads a");
    b.wait_text("h1", |t| t == "Coke savings from a divided-blast cupola in Howrah");
    assert!(b.source().contains("What did Samalkha units save?"));
    b.find("form[action$='/reply'] textarea#body");
}

#[test]
fn a_moderator_turns_a_thread_into_a_page_that_a_visitor_reads() {
    use common::world::*;
    let w = world();
    let id = ask(&w, &w.alice, "Reusing foundry sand", "Where does your used sand go?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);

    let b = Browser::start();
    sign_in(&b, &w.app.base, "mod@example.org", PW);
    b.goto(&format!("{}/c/{}/t/{id}", w.app.base, w.slug));
    b.click(&format!("a[href='/kb/new?thread={id}']"));
    b.wait_text("h1", |t| t == "Consolidated reply");
    b.fill("#slug", "reusing-foundry-sand");
    b.fill("#problem", "Used moulding sand is dumped by the roadside.");
    b.fill("#solution", "Reclaim it mechanically; sell the rest to brick kilns.");
    b.click("input[name='themes'][value='solid-waste']");
    b.click("form[method='post'][action^='/kb/new'] button[type=submit]");
    b.wait_url(|u| u.contains("/kb/reusing-foundry-sand/edit"));
    b.click("button[value='publish']");
    b.wait_text(".notice", |t| t == "Saved.");
    drop(b);

    let visitor = Browser::start();
    visitor.goto(&format!("{}/kb/themes/solid-waste", w.app.base));
    visitor.click("a[href='/kb/reusing-foundry-sand']");
    visitor.wait_text("article.kb h1", |t| t == "Reusing foundry sand");
    assert!(visitor.source().contains("sell the rest to brick kilns"));
    assert!(!visitor.source().contains("/edit"), "no editing links for visitors");
}

#[test]
fn a_state_focal_point_submits_a_practice_and_the_national_focal_point_publishes_it() {
    let app = TestApp::start();
    let pw = "rice mill biogas plant";
    let admin = app.admin("admin@example.org", pw);
    let _ = app.member("kerala@example.org", pw, "Kamala Kerala");
    let _ = app.member("nfp@example.org", pw, "Nalini National");
    app.grant_focal_point(&admin, "kerala@example.org", "Kerala");
    app.grant_focal_point(&admin, "nfp@example.org", "national");
    let login = |b: &Browser, email: &str| sign_in(b, &app.base, email, pw);

    // The state focal point fills the form, forgets a required field, then submits.
    let b = Browser::start();
    login(&b, "kerala@example.org");
    b.goto(&format!("{}/registry/work", app.base));
    b.click("a[href='/registry/practices/new']");
    b.wait_text("h1", |t| t.contains("Best practice"));
    b.fill("#title", "Common effluent plant for seven Kalady mills");
    b.fill("#problem", "Seven small mills cannot each afford a treatment plant.");
    b.fill("#intervention", "The consortium designs one plant that all seven share.");
    b.click("#sector option[value='Food processing']");
    b.click("input[name='see_issues'][value='effluents']");
    b.click("button[value='submit']");
    b.wait_text(".error-summary", |t| t.contains("Economic benefit is required"));
    assert!(b.source().contains("Seven small mills cannot each afford"), "typing kept");
    b.fill("#economic_benefit", "Each mill pays a seventh of the cost.");
    b.click("button[value='submit']");
    b.wait_text(".notice", |t| t == "Submitted for review.");
    drop(b);

    // The national focal point sees the diff and publishes.
    let b = Browser::start();
    login(&b, "nfp@example.org");
    b.goto(&format!("{}/registry/work", app.base));
    b.click("ul.threads a");
    b.wait_text("h1", |t| t.contains("Common effluent plant for seven Kalady mills"));
    assert!(b.source().contains("<tr class=\"changed\">"));
    b.click("button[value='approve']");
    b.wait_text(".notice", |t| t == "Published.");
    drop(b);

    // Anyone can now find it in the Kerala list.
    let b = Browser::start();
    b.goto(&format!("{}/registry/practices", app.base));
    b.click("#state option[value='Kerala']");
    b.click("form.filters button[type=submit]");
    b.wait_url(|u| u.contains("state=Kerala"));
    b.click("a[href='/registry/practices/common-effluent-plant-for-seven-kalady-mills']");
    b.wait_text(".verified", |t| t.contains("Verified by Nalini National"));
}

/// Script that must never run, in the shapes attackers use: tags, handlers, URLs, broken-out
/// attributes, Markdown links and HTML in Markdown. Each sets `window.__xss`.
const XSS: &[&str] = &[
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "\"><svg onload=\"window.__xss=3\"></svg>",
    "'><details open ontoggle=\"window.__xss=4\">",
    "[click](javascript:window.__xss=5)",
    "<a href=\"javascript:window.__xss=6\">click</a>",
    "<iframe src=\"javascript:window.__xss=7\"></iframe>",
    "<input autofocus onfocus=\"window.__xss=8\">",
    "<math><mi xlink:href=\"javascript:window.__xss=9\">m</mi></math>",
    "<object data=\"data:text/html,<script>window.__xss=10</script>\"></object>",
];

/// In the loaded page: did any payload run, did any become an element, did the browser have
/// to refuse anything under the Content-Security-Policy (which would mean escaping failed and
/// only the policy saved the day), and is the payload's text on the page at all.
fn check_no_script_ran(b: &Browser, url: &str, expect_text: bool) {
    b.goto(url);
    let v = b.execute(
        "return { ran: window.__xss !== undefined, \
          injected: document.querySelectorAll('script, iframe, object, embed, math, [onerror], [onload], [ontoggle], [onfocus], a[href^=\"javascript:\"], [src^=\"javascript:\"]').length, \
          shown: document.body.innerText.includes('__xss') };",
    );
    assert_eq!(v["ran"], false, "a payload ran on {url}");
    assert_eq!(v["injected"], 0, "a payload became an element on {url}");
    let refused: Vec<String> = b.console().into_iter().filter(|m| m.contains("Content Security Policy")).collect();
    assert!(refused.is_empty(), "the policy had to block something on {url}: {refused:?}");
    if expect_text {
        assert_eq!(v["shown"], true, "the payload is shown as text on {url}");
    }
}

/// A query by alice waiting in the queue, stored as the posting service stores one.
fn queue_post(w: &common::world::World, title: &str, body: &str) -> i64 {
    let mut conn = w.app.db();
    let community = solex::models::community::find_by_slug(&mut conn, &w.slug).unwrap();
    let now = solex::models::now();
    solex::models::post::insert(
        &mut conn,
        &solex::models::post::NewPost {
            community_id: community.id, thread_id: None, author_id: w.app.user_id("alice@example.org"), title,
            body_md: body, body_html: &solex::markdown::to_safe_html(body), themes: "energy-efficiency", state: "", district: "",
            sector: "", status: solex::models::post::Status::Pending, held_reason: "", created_at: now, updated_at: now,
            approved_at: None, response_due_at: None,
        },
    )
    .unwrap()
}

#[test]
fn no_script_runs_from_any_field_a_user_can_write() {
    use common::world::*;
    let w = world();
    let base = w.app.base.clone();
    let all = XSS.join(" ");
    // Profile fields show wherever the member's name does.
    let r = w.alice.submit("/profile", "/profile", &[("name", "Alice <img src=x onerror=\"window.__xss=11\">"), ("organisation", XSS[2]), ("language", "en")]);
    assert_eq!(r.status, 303, "{}", r.body);
    // Queries and replies: one per payload, in title and body, approved; one left waiting;
    // one rejected with the payload as the reason.
    // (Written to the queue directly: a member may post only five times a minute.)
    let mut threads = Vec::new();
    for p in XSS {
        let id = queue_post(&w, &format!("Question {p}"), p);
        assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
        threads.push(id);
    }
    let r = w.bob.post_multipart(&format!("/c/{}/t/{}/reply", w.slug, threads[0]), &[("body", &all)], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let waiting = ask(&w, &w.bob, "Waiting <script>window.__xss=12</script>", &all);
    let rejected = ask(&w, &w.alice, "Rejected one", "text");
    let short = XSS[..4].join(" ");
    let r = decide(&w, &w.moderator, rejected, &[("action", "reject"), ("message", &short)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = w.bob.post(&format!("/c/{}/posts/{}/flag", w.slug, threads[1]), &[("reason", &short)]);
    assert_eq!(r.status, 303, "{}", r.body);
    // A digest editorial, a knowledge page and a registry record with every text field written.
    let r = w.moderator.post(&format!("/c/{}/digests", w.slug), &[("audience", "daily")]);
    let digest = r.location.unwrap();
    let form = w.moderator.get(&digest).body;
    let item = form.split("name=\"pos-").nth(1).unwrap().split('"').next().unwrap().to_string();
    let pos = format!("pos-{item}");
    assert_eq!(w.moderator.post(&digest, &[("editorial", &all), ("include", &item), (&pos, "1"), ("action", "save")]).status, 200);
    {
        let mut conn = w.app.db();
        let form = solex::services::knowledge::PageForm {
            slug: "xss-page".into(), title: format!("Page {}", XSS[1]), problem: all.clone(), solution: all.clone(),
            themes: vec!["energy-efficiency".into()], district: all.clone(), language: "en".into(),
            contributors: all.clone(), sources: all.clone(), ..Default::default()
        };
        solex::services::knowledge::create(&mut conn, None, &form, solex::models::page::Status::Published, Some(solex::models::now())).unwrap();
        let kind = solex::services::registry::Kind::Practice;
        let text_fields: Vec<&str> = kind
            .fields()
            .iter()
            .filter(|s| matches!(s.input, solex::services::registry::Input::Text(_) | solex::services::registry::Input::Long))
            .map(|s| s.name)
            .collect();
        // Registry fields are short: three payloads fit the narrowest.
        let cell = format!("\"{}\"", XSS[..3].join(" ").replace('"', "\"\""));
        let csv = format!("slug,state,{}\r\nxss-practice,Haryana,{}\r\n", text_fields.join(","), vec![cell.as_str(); text_fields.len()].join(","));
        let report = solex::services::registry::import::import(&mut conn, solex::services::registry::import::Importer::Seed, kind, &csv, false).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    let b = Browser::start();
    // What anyone reads, including queries reflected back.
    let q = url::form_urlencoded::byte_serialize(all.as_bytes()).collect::<String>();
    for (path, shown) in [
        ("/kb/xss-page".to_string(), true),
        ("/kb/themes/energy-efficiency".to_string(), true),
        ("/kb".to_string(), true),
        (format!("/search?q={q}"), false),
        ("/search?q=window".to_string(), false),
        ("/registry/practices/xss-practice".to_string(), true),
        ("/registry/practices".to_string(), true),
        (format!("/no-such-page/{q}"), false),
        (format!("/login?next={q}"), false),
    ] {
        check_no_script_ran(&b, &format!("{base}{path}"), shown);
    }
    // What members and moderators read.
    sign_in(&b, &base, "mod@example.org", PW);
    let mut pages = vec![
        format!("/c/{}/queue", w.slug),
        format!("/c/{}/queue/{waiting}", w.slug),
        format!("/c/{}/members", w.slug),
        digest.clone(),
        format!("{digest}/preview?format=html"),
        "/kb/xss-page/edit".to_string(),
        "/kb/xss-page/revisions".to_string(),
    ];
    pages.extend(threads.iter().map(|id| format!("/c/{}/t/{id}", w.slug)));
    for path in &pages {
        check_no_script_ran(&b, &format!("{base}{path}"), true);
    }
    b.click("form[action='/logout'] button");
    b.find("nav a[href='/login']"); // signed out before the next sign-in page loads
    sign_in(&b, &base, "alice@example.org", PW);
    for path in ["/my/posts", "/profile", "/dashboard"] {
        check_no_script_ran(&b, &format!("{base}{path}"), path == "/my/posts");
    }
    b.click("form[action='/logout'] button");
    b.find("nav a[href='/login']"); // signed out before the next sign-in page loads
    sign_in(&b, &base, "admin@example.org", PW);
    for path in ["/admin/users", "/admin/audit"] {
        check_no_script_ran(&b, &format!("{base}{path}"), path == "/admin/users");
    }
}

/// The public pages a reader reaches first, on the shipped demo content.
const PUBLIC_PAGES: &[&str] = &[
    "/",
    "/kb",
    "/kb/cutting-coke-use-in-cupola-furnaces",
    "/kb/themes/energy-efficiency",
    "/search?q=cupola",
    "/registry",
    "/registry/charts",
    "/registry/initiatives",
    "/communities",
    "/login",
    "/register",
];

#[test]
fn public_pages_are_light_and_work_without_javascript() {
    let app = TestApp::start();
    let c = app.client();
    let mut paths: Vec<String> = PUBLIC_PAGES.iter().map(|p| p.to_string()).collect();
    // Every shipped page and registry record too, not just the front door.
    let sitemap = c.get("/sitemap.xml").body;
    paths.extend(sitemap.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).map(|u| u.trim_start_matches(&app.base).to_string()));
    paths.sort();
    paths.dedup();
    assert!(paths.len() > 20, "{paths:?}");
    for path in &paths {
        let r = c.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.len() < 30 * 1024, "{path} is {} bytes of HTML", r.body.len());
        assert!(!r.body.contains("<script"), "{path} needs no script");
    }

    // With scripts switched off a reader searches, filters, opens a page and signs in.
    let b = Browser::without_javascript();
    b.goto(&format!("{}/", app.base));
    assert_eq!(b.execute("return 1"), serde_json::json!(1), "WebDriver's own scripts still run");
    b.fill("form.site-search input[name='q']", "cupola");
    b.click("form.site-search button[type=submit]");
    b.wait_url(|u| u.contains("/search?q=cupola"));
    b.click("main a[href='/kb/cutting-coke-use-in-cupola-furnaces']");
    b.wait_text("article.kb h1", |t| t.contains("coke"));
    b.goto(&format!("{}/registry/initiatives", app.base));
    b.find("main form[method='get'] select");
    b.click("main form[method='get'] button[type=submit]");
    b.wait_url(|u| u.contains("/registry/initiatives?"));
    app.member("reader@example.org", "reading without scripts", "Reader");
    sign_in(&b, &app.base, "reader@example.org", "reading without scripts");
}

/// axe-core (npm, tests/a11y) in headless Chromium over the main pages, public and signed in.
#[test]
fn the_main_pages_have_no_accessibility_violations() {
    use common::world::*;
    let axe_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/a11y/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(axe_path).unwrap_or_else(|_| panic!("{axe_path} missing: npm ci --prefix tests/a11y"));
    let w = world();
    let id = ask(&w, &w.alice, "Cupola lining life", "How long does a lining last?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let b = Browser::start();
    let audit = |path: &str| {
        b.goto(&format!("{}{path}", w.app.base));
        b.execute(&axe);
        let result = b.execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v => \
               v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))));",
        );
        let violations: Vec<String> = serde_json::from_value(result).unwrap();
        assert!(violations.is_empty(), "{path}: {violations:#?}");
    };
    for path in PUBLIC_PAGES {
        audit(path);
    }
    for path in ["/kb/themes/child-labour", "/registry/practices", "/about", "/privacy", "/accessibility"] {
        audit(path);
    }
    // A refused message by mail with a part left out, for the moderator's inbound log.
    let community_id = solex::models::community::find_by_slug(&mut w.app.db(), &w.slug).unwrap().id;
    let dropped = solex::error::Message::new("mail-part-winmail").arg("name", "winmail.dat").to_stored();
    let reason = solex::error::Message::new("mail-refused-rate").arg("minutes", 3).to_stored();
    let row = solex::models::inbound::NewInboundMail { received_at: solex::models::now(), sender: "bob@example.org", recipient: "reply+…@solex.localhost", message_id: "a11y@example.org", outcome: "refused", reason: &reason, post_id: None, dedupe_key: None, community_id: Some(community_id), dropped: &dropped };
    solex::models::inbound::record(&mut w.app.db(), &row).unwrap();
    sign_in(&b, &w.app.base, "mod@example.org", PW);
    for path in [
        format!("/c/{}/mail-log", w.slug),
        format!("/c/{}/members", w.slug),
        "/dashboard".to_string(),
        "/profile".to_string(),
        format!("/c/{}", w.slug),
        format!("/c/{}/t/{id}", w.slug),
        format!("/c/{}/new", w.slug),
        format!("/c/{}/queue", w.slug),
        format!("/kb/new?thread={id}"),
        "/account/data".to_string(),
        "/account/delete".to_string(),
        format!("/c/{}/removals", w.slug),
    ] {
        audit(&path);
    }
}

/// The "check before you post" step with page scripts switched off: a Hindi question finds
/// the English page through the glossary; "this answers me" stops there with nothing posted;
/// a second question keeps its draft through the check and "Post anyway" sends it.
#[test]
fn the_check_before_posting_works_without_javascript() {
    use common::world::*;
    let w = world();
    let b = Browser::without_javascript();
    sign_in(&b, &w.app.base, "alice@example.org", PW);
    b.goto(&format!("{}/c/{}/new", w.app.base, w.slug));
    b.fill("#title", "कुपोला में कोक कम कैसे करें?");
    b.fill("#body", "हमारी इकाई में बहुत कोक लगता है।");
    b.click("form[action='/c/foundry-energy/check'] button[type=submit]");
    b.wait_text("h1", |t| t == "Check before you post");
    b.find("ol.similar a[href='/kb/cutting-coke-use-in-cupola-furnaces']");
    assert_eq!(b.execute("return document.querySelector('#title').value"), serde_json::json!("कुपोला में कोक कम कैसे करें?"), "the draft is kept");
    b.click("ol.similar form[action='/c/foundry-energy/answered'] button[type=submit]");
    b.wait_text(".notice", |t| t.contains("Nothing was posted."));
    let alice = w.app.user_id("alice@example.org");
    assert!(solex::models::post::by_author(&mut w.app.db(), alice).unwrap().is_empty());

    b.goto(&format!("{}/c/{}/new", w.app.base, w.slug));
    b.fill("#title", "Lining life of a divided-blast cupola");
    b.fill("#body", "How many heats does the lining last?");
    b.click("input[value='energy-efficiency']");
    b.click("form[action='/c/foundry-energy/check'] button[type=submit]");
    b.wait_text("h1", |t| t == "Check before you post");
    // "Check again" keeps the draft too (a second button of the same form, no script).
    b.click("button[formaction='/c/foundry-energy/check']");
    b.wait_text("h1", |t| t == "Check before you post");
    assert_eq!(b.execute("return document.querySelector('#title').value"), serde_json::json!("Lining life of a divided-blast cupola"));
    b.click("form[action='/c/foundry-energy/posts'] button[type=submit]");
    b.wait_text(".notice", |t| t.contains("waiting for a moderator"));
    let posts = solex::models::post::by_author(&mut w.app.db(), alice).unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!((posts[0].title.as_str(), posts[0].body_md.as_str()), ("Lining life of a divided-blast cupola", "How many heats does the lining last?"));
    assert_eq!(posts[0].theme_list(), ["energy-efficiency"]);
}
