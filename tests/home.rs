//! The home page (live counts that follow changes, the way to ask for a visitor and for a
//! member, a small page) and the demo community (loaded once on the embedded default, and
//! otherwise only when asked).

mod common;

use common::process::{Portal, SHIPPED};
use common::world::*;
use common::world::World;
use common::{Client, TestApp};

/// The number shown in the home page's door to `href`.
fn door(home: &str, href: &str) -> i64 {
    let start = home.find(&format!("<a href=\"{href}\"><strong class=\"count\">")).unwrap_or_else(|| panic!("no door to {href}: {home}"));
    let rest = &home[start..];
    let rest = &rest[rest.find("\"count\">").unwrap() + "\"count\">".len()..];
    rest[..rest.find('<').unwrap()].parse().unwrap()
}

/// A moderator distils a new approved thread into a page and publishes it.
fn publish(w: &World, slug: &str, title: &str, problem: &str) {
    let id = ask(w, &w.alice, title, problem);
    decide(w, &w.moderator, id, &[("action", "approve")]);
    let thread = id.to_string();
    let fields = [("title", title), ("slug", slug), ("problem", problem), ("solution", "Sell it to brick makers."), ("themes", "energy-efficiency"), ("sector", "Metal and foundry"), ("state", "West Bengal"), ("language", "en"), ("source_threads", thread.as_str())];
    let path = format!("/kb/new?thread={id}");
    let r = w.moderator.submit(&path, &path, &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    let edit = w.moderator.get(&format!("/kb/{slug}/edit")).body;
    let rev = common::hidden_value(&edit, "revision").unwrap();
    let mut all = vec![("revision", rev.as_str()), ("action", "publish")];
    all.extend_from_slice(&fields);
    let r = w.moderator.post(&format!("/kb/{slug}/edit"), &all);
    assert!(r.status < 400, "{}", r.body);
}

#[test]
fn the_home_page_counts_what_there_is_and_follows_a_publication() {
    let w = world();
    let visitor = w.app.client();
    let home = visitor.get("/");
    assert_eq!(home.status, 200);
    let (solutions, communities, records) = (door(&home.body, "/kb"), door(&home.body, "/communities"), door(&home.body, "/registry"));
    {
        let mut conn = w.app.db();
        assert_eq!(solutions, solex::models::page::count_published(&mut conn).unwrap());
        assert_eq!(records, solex::models::registry::count_published(&mut conn).unwrap());
    }
    assert!(solutions >= 10 && records > 0, "the shipped pages and registry seed: {solutions}, {records}");
    assert_eq!(communities, 2);
    // Example questions lead to searches that find something; themes lead to their hubs.
    assert!(home.body.contains("href=\"/search?q=coke+cupola\"") && home.body.contains("How did foundries cut their coke use?"));
    assert!(visitor.get("/search?q=coke+cupola").body.contains("Samalkha"));
    assert!(home.body.contains("href=\"/kb/themes/energy-efficiency\""));
    assert!(home.body.contains("Newest solutions"));
    assert!(home.body.len() < 30 * 1024, "a small page: {} bytes", home.body.len());
    assert!(!home.body.contains("<script"));
    let hindi = w.app.client();
    hindi.get("/lang/hi?next=/");
    let hi = hindi.get("/").body;
    assert!(hi.contains("href=\"/search?q=%E0%A4%AC%E0%A4%BE%E0%A4%B2+%E0%A4%B6%E0%A5%8D%E0%A4%B0%E0%A4%AE\""), "examples in the visitor's language");
    // Every example question, in either language, finds something.
    for (client, page) in [(&visitor, &home.body), (&hindi, &hi)] {
        let list = page.split("<ul class=\"examples\">").nth(1).unwrap();
        let links: Vec<&str> = list[..list.find("</ul>").unwrap()].split("href=\"").skip(1).map(|l| &l[..l.find('"').unwrap()]).collect();
        assert_eq!(links.len(), 4);
        for link in links {
            let found = client.get(&link.replace("&amp;", "&")).body;
            assert!(found.contains("<ol class=\"results\"><li>"), "{link} finds nothing");
        }
    }

    publish(&w, "using-foundry-slag", "Using foundry slag", "Slag piles up along the roads. Nobody takes it.");
    let home = visitor.get("/").body;
    assert_eq!(door(&home, "/kb"), solutions + 1, "the count follows the publication");
    assert!(home.contains("Using foundry slag") && home.contains("Slag piles up along the roads.") && !home.contains("Nobody takes it"), "the newest solution with its problem in one line");
    // The signed-in page is read through the same kept data, and follows too.
    assert_eq!(door(&w.alice.get("/").body, "/kb"), solutions + 1);
}

#[test]
fn a_visitor_learns_what_membership_means_and_a_member_goes_straight_to_asking() {
    let w = world();
    let visitor = w.app.client();
    let home = visitor.get("/").body;
    assert!(home.contains("Membership is free") && home.contains("moderators accept members"), "what membership means");
    assert!(home.contains("href=\"/register\"") && home.contains("href=\"/login?next=%2Fask\""), "join, or sign in and come back to ask");
    let r = visitor.get("/ask");
    assert_eq!(r.status, 303);
    assert!(r.location.as_deref().unwrap().starts_with("/login"), "{:?}", r.location);

    // Signing in from the home page's link leads on to the question form.
    let c = w.app.client();
    let r = c.submit("/login?next=%2Fask", "/login", &[("email", "alice@example.org"), ("password", PW), ("next", "/ask")]);
    assert_eq!(r.location.as_deref(), Some("/ask"));
    let r = c.get("/ask");
    assert_eq!(r.location.as_deref(), Some("/c/foundry-energy/new"), "one community: straight to its question form");
    assert!(c.get("/c/foundry-energy/new").status < 400);
    let home = w.alice.get("/").body;
    assert!(home.contains("href=\"/c/foundry-energy/new\"") && !home.contains("Membership is free"));

    // Someone in no community is sent to choose one.
    assert_eq!(w.outsider.get("/ask").location.as_deref(), Some("/communities"));
    assert!(w.outsider.get("/").body.contains("Join a community to ask"));
    // Someone in several chooses on the home page.
    join_and_approve(&w.app, "child-labour", &w.alice, "alice@example.org", &w.other_moderator);
    assert_eq!(w.alice.get("/ask").location.as_deref(), Some("/#ask"));
    let home = w.alice.get("/").body;
    assert!(home.contains("href=\"/c/foundry-energy/new\"") && home.contains("href=\"/c/child-labour/new\""));
}

const DEMO_THREAD: &str = "Our induction furnace bill keeps rising: what did other foundries change?";

#[test]
fn the_demo_is_loaded_once_on_the_embedded_default() {
    let dir = tempfile::tempdir().unwrap();
    // The README's run command: no settings, so the embedded default database in data/.
    let check = |base: &str| {
        let c = Client::new(base);
        let list = c.get("/communities").body;
        assert!(list.contains("Demo: Foundry energy and safety"), "{list}");
        let community = c.get("/c/demo-foundry-energy").body;
        assert_eq!(community.matches(DEMO_THREAD).count(), 1, "the thread once: {community}");
        let home = c.get("/").body;
        assert_eq!(door(&home, "/communities"), 1);
    };
    let p = Portal::start(dir.path(), "sqlite://data/solex.db", "first", true);
    assert!(dir.path().join("data/solex.db").is_file());
    check(&p.base);
    drop(p);
    let p = Portal::start(dir.path(), "sqlite://data/solex.db", "second", true);
    check(&p.base);
}

#[test]
fn the_demo_shows_the_loop_only_when_asked() {
    // Any other database (a test file, PostgreSQL) gets no demo unless asked.
    let plain = TestApp::start();
    let c = plain.client();
    assert!(!c.get("/communities").body.contains("Demo:"));
    assert_eq!(c.get("/c/demo-foundry-energy").status, 404);
    assert!(!solex::content::demo::wanted(None, &plain.config.database_url));
    assert!(solex::content::demo::wanted(None, "sqlite://data/solex.db") && !solex::content::demo::wanted(Some(false), "sqlite://data/solex.db"));

    let app = TestApp::start_with(|c| c.demo = Some(true));
    app.drain();
    let c = app.client();
    let community = c.get("/c/demo-foundry-energy").body;
    assert!(community.contains(DEMO_THREAD), "approved threads are public: {community}");
    let id = {
        let mut conn = app.db();
        let c = solex::models::community::find_by_slug(&mut conn, "demo-foundry-energy").unwrap();
        let threads = solex::models::post::threads(&mut conn, c.id, false, 100, 0).unwrap();
        assert_eq!(threads.len(), 3);
        assert!(threads.iter().all(|(p, _)| p.status == solex::models::post::Status::Approved && p.approved_by.is_some()), "moderator approved");
        threads.iter().find(|(p, _)| p.title == DEMO_THREAD).unwrap().0.id
    };
    // The thread and the page made from it point at each other.
    let thread = c.get(&format!("/c/demo-foundry-energy/t/{id}")).body;
    assert!(thread.contains("/kb/demo-cutting-induction-furnace-power"), "{thread}");
    assert!(thread.contains("Log the units used per heat"), "its replies");
    let page = c.get("/kb/demo-cutting-induction-furnace-power").body;
    assert!(page.contains(&format!("/c/demo-foundry-energy/t/{id}")), "{page}");
    assert!(c.get("/search?q=induction+furnace").body.contains("Demo: Cutting the power"));
    // Loading again (another start, or the command) adds nothing.
    let dir = std::path::Path::new(SHIPPED).join("demo");
    let again = solex::content::demo::load(&mut app.db(), &dir).unwrap();
    assert_eq!(again, solex::content::demo::Outcome::AlreadyLoaded);
    let later = app.second_process();
    assert_eq!(later.client().get("/c/demo-foundry-energy").body.matches(DEMO_THREAD).count(), 1);
}
