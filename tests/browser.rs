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
    b.click("form[action='/register'] button[type=submit]");
    b.wait_text(".error-summary", |t| t.contains("at least 10 characters"));
    assert!(b.source().contains("value=\"Okhla Garment and Textile Cluster\""), "typing kept");

    b.fill("#password", "stitching skills for Okhla");
    b.click("form[action='/register'] button[type=submit]");
    b.wait_text("h1", |t| t == "Check your email");

    let mail = app.wait_for_mail("kavita@example.org", 1);
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
    for (email, state) in [("kerala@example.org", "Kerala"), ("nfp@example.org", "national")] {
        let id = app.user_id(email);
        let r = admin.submit(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/grants"), &[("role", "focal_point"), ("state", state)]);
        assert_eq!(r.status, 303, "{}", r.body);
    }
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
