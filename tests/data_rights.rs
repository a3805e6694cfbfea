//! Members' rights over their data (India's DPDP Act 2023), over HTTP on a real database:
//! consent to the data notice at sign-up, downloading one's own data, deleting one's account
//! (and what stays, under "former member"), removal requests reviewed by a moderator, and an
//! administrator deleting an account on the member's request.
//!
//! Decision: a deleted account's mail address is erased (replaced by an undeliverable
//! placeholder), so the address is free again and may open a new account.

mod common;

use common::world::{ask, decide, world, world_on, World, PW};
use common::{Client, TestApp};
use solex::models::{audit, post, user};

fn thread_path(w: &World, id: i64) -> String {
    format!("/c/{}/t/{id}", w.slug)
}

/// A reply by `who` to thread `root`, approved by the moderator; returns its id.
fn approved_reply(w: &World, who: &Client, email: &str, root: i64, body: &str) -> i64 {
    let r = who.post_multipart(&format!("{}/reply", thread_path(w, root)), &[("body", body)], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = {
        let mut conn = w.app.db();
        let author = user::find_by_email(&mut conn, email).unwrap().unwrap().id;
        post::by_author(&mut conn, author).unwrap().into_iter().find(|p| p.body_md == body).unwrap().id
    };
    assert_eq!(decide(w, &w.moderator, id, &[("action", "approve")]).status, 303);
    id
}

fn approved_query(w: &World, who: &Client, title: &str, body: &str) -> i64 {
    let id = ask(w, who, title, body);
    assert_eq!(decide(w, &w.moderator, id, &[("action", "approve")]).status, 303);
    id
}

#[test]
fn signing_up_needs_consent_to_the_data_notice() {
    let app = TestApp::start_with(|c| {
        c.grievance_officer = "Dr R. Iyer, Grievance Officer".into();
        c.grievance_email = "grievance@example.org".into();
    });
    let c = app.client();
    let form = c.get("/register").body;
    for part in ["What we keep", "Who sees it", "How long", "download all your data", "href=\"/privacy\"", "Dr R. Iyer", "mailto:grievance@example.org", "name=\"data_consent\""] {
        assert!(form.contains(part), "{part} missing from the sign-up notice");
    }

    // Unticked: the form comes back with the box's own message, and nothing is written.
    let fields = [("email", "kiran@example.org"), ("password", PW), ("name", "Kiran Kumar")];
    let r = c.submit("/register", "/register", &fields);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Tick the box to agree") && r.body.contains("id=\"data_consent-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"Kiran Kumar\""), "typing kept");
    assert_eq!(app.mail_count("kiran@example.org"), 0);
    assert!(user::find_by_email(&mut app.db(), "kiran@example.org").unwrap().is_none(), "no account without consent");

    // In Hindi the notice and the message are in Hindi.
    let h = app.client();
    h.get("/lang/hi?next=/register");
    let r = h.submit("/register", "/register", &fields);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("आपका डेटा और आपके अधिकार") && r.body.contains("बॉक्स पर टिक करें"), "{}", r.body);

    // Ticked: the account records when and to which notice its owner agreed.
    let before = solex::models::now();
    let mut ticked = fields.to_vec();
    ticked.push(("data_consent", "yes"));
    assert_eq!(c.submit("/register", "/register", &ticked).status, 200);
    let u = user::find_by_email(&mut app.db(), "kiran@example.org").unwrap().unwrap();
    assert_eq!(u.data_notice_version, solex::services::accounts::DATA_NOTICE_VERSION);
    assert!(u.data_consent_at.is_some_and(|at| at >= before - chrono::Duration::seconds(1)), "{:?}", u.data_consent_at);
}

#[test]
fn the_export_holds_ones_own_data_and_nobody_elses() {
    let w = world();
    approved_query(&w, &w.alice, "Alice asks about tuyere angles", "Alice's own words on tuyeres");
    ask(&w, &w.alice, "Alice waits in the queue", "still pending");
    approved_query(&w, &w.bob, "Bob asks about slag", "Bob's private words on slag");

    // The JSON file: an attachment, with alice's posts (and their status) and profile only.
    let r = w.alice.post("/account/export", &[("format", "json"), ("user", &w.app.user_id("bob@example.org").to_string())]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-disposition").is_some_and(|d| d.starts_with("attachment;") && d.contains(".json")), "{:?}", r.headers);
    assert!(r.header("content-type").is_some_and(|t| t.starts_with("application/json")));
    let data: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(data["profile"]["email"], "alice@example.org");
    assert_eq!(data["profile"]["name"], "Alice Ahuja");
    let posts = data["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert!(posts.iter().any(|p| p["title"] == "Alice asks about tuyere angles" && p["status"] == "approved"));
    assert!(posts.iter().any(|p| p["title"] == "Alice waits in the queue" && p["status"] == "pending"));
    assert_eq!(data["memberships"][0]["community"], "Energy efficiency in foundries");
    assert!(!data["sessions"].as_array().unwrap().is_empty());
    assert_eq!(data["consent"]["data_notice_version"], solex::services::accounts::DATA_NOTICE_VERSION);
    assert!(!r.body.contains("Bob") && !r.body.contains("slag"), "another member's data leaked: {}", r.body);
    // Session secrets and password hashes are never in it.
    let secrets = {
        let mut conn = w.app.db();
        let u = user::find_by_email(&mut conn, "alice@example.org").unwrap().unwrap();
        let sessions = solex::models::session::list_for_user(&mut conn, u.id, solex::models::now()).unwrap();
        let mut s: Vec<String> = sessions.into_iter().map(|s| s.token_hash).collect();
        s.push(u.password_hash);
        s.push(u.mail_token.unwrap());
        s
    };
    for s in &secrets {
        assert!(!r.body.contains(s.as_str()), "a secret is in the export");
    }

    // The readable copy: a web page to keep, with the same posts.
    let r = w.alice.post("/account/export", &[("format", "html")]);
    assert_eq!(r.status, 200);
    assert!(r.header("content-disposition").is_some_and(|d| d.starts_with("attachment;") && d.contains(".html")));
    assert!(r.body.contains("Alice&#39;s own words on tuyeres") || r.body.contains("Alice's own words on tuyeres"), "{}", r.body);
    assert!(!r.body.contains("Bob"), "{}", r.body);

    // Only for someone signed in.
    let stranger = w.app.client();
    let r = stranger.post("/account/export", &[("format", "json")]);
    assert!(r.status == 303 && r.location.as_deref().is_some_and(|l| l.starts_with("/login")), "{} {:?}", r.status, r.location);
}

#[test]
fn the_export_holds_ones_expert_profile_requests_outcomes_answers_and_funding_posts() {
    let w = world();
    let slug = w.slug.clone();
    let alice = w.app.user_id("alice@example.org");
    // Alice offers her expertise and is asked about Bob's query.
    let r = w.alice.submit("/experts/profile", "/experts/profile", &[("themes", "energy-efficiency"), ("experience", "Alice audits cupolas since 2009."), ("languages", "en"), ("listed", "1")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let query = ask(&w, &w.bob, "Bob asks about blowers", "Which blower?");
    let r = w.moderator.submit(&format!("/c/{slug}/queue/{query}"), &format!("/c/{slug}/t/{query}/experts"), &[("from", "queue"), ("expert", &alice.to_string())]);
    assert_eq!(r.status, 303, "{}", r.body);
    // She says the shipped page worked, and that it answered her before she asked.
    let page = "/kb/cutting-coke-use-in-cupola-furnaces";
    let r = w.alice.submit(&format!("{page}/outcome"), &format!("{page}/outcome"), &[("verdict", "worked"), ("note", "Alice saved a tonne of coke.")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page_id = solex::models::page::find_by_slug(&mut w.app.db(), "cutting-coke-use-in-cupola-furnaces").unwrap().unwrap().id;
    assert_eq!(w.alice.post(&format!("/c/{slug}/answered"), &[("target", &format!("page:{page_id}"))]).status, 303);
    // And she offers funding.
    let offers = "/registry/funding/offers/new";
    let r = w.alice.submit(offers, offers, &[
        ("title", "Alice's cupola fund"), ("funder", "Ahuja Trust"), ("scheme", "step"), ("amount_min", "1,00,000"), ("amount_max", "5,00,000"),
        ("sectors", "Metal and foundry"), ("states", "Punjab"), ("deadline", ""), ("body", "Grants for cupola upgrades."), ("contact", "trust@example.net"),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);

    let r = w.alice.post("/account/export", &[("format", "json")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let data: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let e = &data["expert_profile"];
    assert_eq!((e["experience"].as_str(), e["themes"][0].as_str(), e["listed"].as_bool()), (Some("Alice audits cupolas since 2009."), Some("energy-efficiency"), Some(true)), "{e}");
    let asked = data["expert_requests"].as_array().unwrap();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!((asked[0]["query_id"].as_i64(), asked[0]["query_title"].as_str()), (Some(query), Some("Bob asks about blowers")));
    let outcomes = data["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!((outcomes[0]["subject"].as_str(), outcomes[0]["subject_id"].as_i64(), outcomes[0]["verdict"].as_str(), outcomes[0]["note"].as_str()), (Some("page"), Some(page_id), Some("worked"), Some("Alice saved a tonne of coke.")));
    let answered = data["answered_by"].as_array().unwrap();
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert_eq!((answered[0]["target_kind"].as_str(), answered[0]["target_id"].as_i64(), answered[0]["source"].as_str()), (Some("page"), Some(page_id), Some("member")));
    let funding = data["funding_posts"].as_array().unwrap();
    assert_eq!(funding.len(), 1, "{funding:?}");
    assert_eq!((funding[0]["kind"].as_str(), funding[0]["title"].as_str(), funding[0]["funder"].as_str(), funding[0]["states"][0].as_str()), (Some("offer"), Some("Alice's cupola fund"), Some("Ahuja Trust"), Some("Punjab")));

    // The readable copy has them too.
    let html = w.alice.post("/account/export", &[("format", "html")]).body;
    for part in ["Alice audits cupolas since 2009.", "Bob asks about blowers", "Alice saved a tonne of coke.", "cupola fund", "Your funding offers and proposals"] {
        assert!(html.contains(part), "{part}: {html}");
    }
    // Bob's copy holds none of hers.
    let bob: serde_json::Value = serde_json::from_str(&w.bob.post("/account/export", &[("format", "json")]).body).unwrap();
    assert!(bob["expert_profile"].is_null());
    for list in ["expert_requests", "outcomes", "answered_by", "funding_posts"] {
        assert!(bob[list].as_array().unwrap().is_empty(), "{list}: {bob}");
    }
    w.app.drain();
}

#[test]
fn deleting_ones_account_ends_sessions_erases_the_profile_and_keeps_posts_as_former_member() {
    let w = world();
    let thread = approved_query(&w, &w.alice, "Alice asks about blast rates", "What blast rate suits a 24 inch cupola?");
    approved_reply(&w, &w.bob, "bob@example.org", thread, "Bob answers: about 90 cubic metres a minute.");
    let alice_id = w.app.user_id("alice@example.org");
    // Alice agreed to be named on knowledge pages, and a page drawn from her thread names her.
    assert_eq!(w.alice.post("/credit-consent", &[("consent", "yes")]).status, 303);
    let r = w.moderator.submit(&format!("/kb/new?thread={thread}"), &format!("/kb/new?thread={thread}"), &[
        ("title", "Blast rates for small cupolas"), ("slug", "blast-rates"), ("problem", "Too much blast."), ("solution", "Measure it."),
        ("themes", "energy-efficiency"), ("language", "en"), ("contributors", "Alice Ahuja\nBob Bhatt | SGMEA"),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(w.moderator.get("/kb/blast-rates").body.contains("Alice Ahuja"), "named before");
    // Alice is also signed in on another device.
    let phone = w.app.client();
    assert_eq!(phone.sign_in("alice@example.org", PW).status, 303);

    let page = w.alice.get("/account/delete");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("former member") && page.body.contains("href=\"/account/data\""));

    // The wrong password, or no confirmation: refused with a field message, nothing deleted.
    let r = w.alice.submit("/account/delete", "/account/delete", &[("password", "not my password at all"), ("confirm", "yes")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("id=\"password-error\""), "{}", r.body);
    let r = w.alice.submit("/account/delete", "/account/delete", &[("password", PW)]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("id=\"confirm-error\"") && r.body.contains("Tick the box to confirm"), "{}", r.body);
    assert!(!user::find(&mut w.app.db(), alice_id).unwrap().is_deleted());

    let r = w.alice.submit("/account/delete", "/account/delete", &[("password", PW), ("confirm", "yes")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Your account has been deleted"));

    // Every session ended: the old cookies now belong to nobody.
    for c in [&w.alice, &phone] {
        let r = c.get("/dashboard");
        assert!(r.status == 303 && r.location.as_deref().is_some_and(|l| l.starts_with("/login")), "{} {:?}", r.status, r.location);
    }
    assert_eq!(w.app.client().sign_in("alice@example.org", PW).status, 400, "signing in fails afterwards");

    // The row stays, without name, profile or address.
    let u = user::find(&mut w.app.db(), alice_id).unwrap();
    assert!(u.is_deleted() && u.name.is_empty() && u.password_hash.is_empty());
    assert_ne!(u.email, "alice@example.org");

    // The thread keeps alice's question and bob's answer, under "former member".
    let t = w.bob.get(&thread_path(&w, thread)).body;
    assert!(t.contains("What blast rate suits") && t.contains("Bob answers"), "{t}");
    assert!(t.contains("former member") && !t.contains("Alice Ahuja"), "{t}");
    let hi = w.app.client();
    hi.sign_in("bob@example.org", PW);
    hi.get(&format!("/lang/hi?next={}", thread_path(&w, thread)));
    assert!(hi.get(&thread_path(&w, thread)).body.contains("पूर्व सदस्य"));
    assert!(!w.bob.get(&format!("/c/{}", w.slug)).body.contains("Alice Ahuja"), "nor in the thread list");
    let page = w.moderator.get("/kb/blast-rates").body;
    assert!(page.contains("former member") && page.contains("Bob Bhatt, SGMEA") && !page.contains("Alice Ahuja"), "{page}");

    // The audit log names the account by number only.
    let rows = audit::for_subject(&mut w.app.db(), alice_id).unwrap();
    let deleted = rows.iter().find(|e| e.action == "account deleted").expect("audited");
    assert_eq!(deleted.actor_id, Some(alice_id));
    for e in audit::recent(&mut w.app.db(), 500).unwrap() {
        let text = format!("{:?}", e);
        assert!(!text.contains("alice@example.org") && !text.contains("Alice Ahuja"), "{text}");
    }

    // The address is free again: it opens a new, separate account.
    let sent_before = w.app.mail_count("alice@example.org");
    let again = w.app.client();
    let r = again.submit("/register", "/register", &[("email", "alice@example.org"), ("password", PW), ("name", "Alice Again"), ("data_consent", "yes")]);
    assert_eq!(r.status, 200);
    let mail = w.app.mail_for("alice@example.org", sent_before + 1);
    assert!(mail.subject.contains("confirm your email"), "a new account, not \"you tried to register\": {}", mail.subject);
    assert_eq!(again.get(&mail.link("/verify?token=")).status, 200);
    assert_eq!(again.sign_in("alice@example.org", PW).status, 303);
    assert!(again.get("/dashboard").body.contains("Alice Again"));
    assert_ne!(w.app.user_id("alice@example.org"), alice_id);
}

#[test]
fn the_password_for_deleting_is_rate_limited_like_sign_in() {
    let app = TestApp::start_with(|c| c.login_attempts = 3);
    let w = world_on(app, &[]);
    for _ in 0..3 {
        let r = w.alice.submit("/account/delete", "/account/delete", &[("password", "a wrong guess here"), ("confirm", "yes")]);
        assert_eq!(r.status, 400);
    }
    let r = w.alice.submit("/account/delete", "/account/delete", &[("password", PW), ("confirm", "yes")]);
    assert_eq!(r.status, 429, "the right password waits too once the limit is reached");
    assert!(!user::find(&mut w.app.db(), w.app.user_id("alice@example.org")).unwrap().is_deleted());
}

#[test]
fn a_moderator_reviews_a_former_members_removal_requests() {
    let w = world();
    let query = approved_query(&w, &w.alice, "Alice asks about lining", "Alice's lining details, Howrah works");
    let bobs = approved_reply(&w, &w.bob, "bob@example.org", query, "Bob: use a silica ramming mass.");
    let alices = approved_reply(&w, &w.alice, "alice@example.org", query, "Alice adds: our kiln is near the river.");
    let waiting = ask(&w, &w.alice, "Alice's unpublished question", "never shown");

    let r = w.alice.submit("/account/delete", "/account/delete", &[("password", PW), ("confirm", "yes"), ("remove_posts", "yes")]);
    assert_eq!(r.status, 200, "{}", r.body);
    // What nobody else saw goes at once.
    assert_eq!(post::find(&mut w.app.db(), waiting).unwrap().status, post::Status::Removed);

    // Only the community's moderators see the requests.
    assert_eq!(w.other_moderator.get(&format!("/c/{}/removals", w.slug)).status, 403);
    assert_eq!(w.bob.get(&format!("/c/{}/removals", w.slug)).status, 403);
    let queue = w.moderator.get(&format!("/c/{}/removals", w.slug));
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("Alice asks about lining") && queue.body.contains("our kiln is near the river"), "{}", queue.body);
    assert!(w.moderator.get(&format!("/c/{}/queue", w.slug)).body.contains("/removals"), "the queue links to them");
    let pending = solex::models::removal::pending_in(&mut w.app.db(), 1).unwrap();
    let request_for = |post_id: i64| pending.iter().find(|(_, p)| p.id == post_id).unwrap().0.id;
    assert_eq!(pending.len(), 2, "one per published post");

    // Declining needs a reason.
    let path = format!("/c/{}/removals/{}", w.slug, request_for(alices));
    let r = w.moderator.post(&path, &[("decision", "decline"), ("reason", "")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Give a reason"), "{}", r.body);
    assert_eq!(w.moderator.post(&path, &[("decision", "decline"), ("reason", "It answers the question for everyone.")]).status, 303);
    // Approving the query withdraws its text; its title and bob's reply keep the thread whole.
    let r = w.moderator.post(&format!("/c/{}/removals/{}", w.slug, request_for(query)), &[("decision", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(w.moderator.post(&format!("/c/{}/removals/{}", w.slug, request_for(query)), &[("decision", "approve")]).status, 409, "decided once");

    let t = w.bob.get(&thread_path(&w, query)).body;
    assert!(t.contains("Alice asks about lining") && t.contains("Withdrawn at the request of its author"), "{t}");
    assert!(!t.contains("Howrah works"), "the withdrawn text is gone: {t}");
    assert!(t.contains("silica ramming mass"), "others' replies stay");
    assert!(t.contains("our kiln is near the river"), "the declined reply stays");
    assert_eq!(post::find(&mut w.app.db(), bobs).unwrap().status, post::Status::Approved);
    assert!(w.moderator.get(&format!("/c/{}/removals", w.slug)).body.contains("No removal request is waiting"));
    // The moderation log says what happened.
    assert!(w.bob.get(&format!("/c/{}/log", w.slug)).body.contains("removed on its former author"));
}

#[test]
fn an_administrator_deletes_an_account_on_the_members_request() {
    let w = world();
    let thread = approved_query(&w, &w.bob, "Bob asks about pollution boards", "Which consent does a cupola need?");
    let bob_id = w.app.user_id("bob@example.org");
    let admin_id = w.app.user_id("admin@example.org");
    let page = w.admin.get(&format!("/admin/users/{bob_id}"));
    assert!(page.body.contains("Delete this account"), "{}", page.body);

    // Without the box that says the member asked: refused.
    let path = format!("/admin/users/{bob_id}/delete");
    assert_eq!(w.admin.post(&path, &[]).status, 400);
    assert!(!user::find(&mut w.app.db(), bob_id).unwrap().is_deleted());
    assert_eq!(w.admin.post(&format!("/admin/users/{admin_id}/delete"), &[("confirm", "yes")]).status, 409, "not one's own account from here");

    assert_eq!(w.admin.post(&path, &[("confirm", "yes")]).status, 303);
    let r = w.bob.get("/dashboard");
    assert!(r.status == 303 && r.location.as_deref().is_some_and(|l| l.starts_with("/login")), "bob is signed out");
    assert_eq!(w.app.client().sign_in("bob@example.org", PW).status, 400);
    assert!(w.alice.get(&thread_path(&w, thread)).body.contains("former member"));

    // "Account deleted by <admin> on request", with bob's id only.
    let rows = audit::for_subject(&mut w.app.db(), bob_id).unwrap();
    let e = rows.iter().find(|e| e.action == "account deleted").expect("audited");
    assert_eq!(e.actor_id, Some(admin_id));
    assert!(e.detail.contains("audit-account-deleted-on-request"), "{}", e.detail);
    let log = w.admin.get("/admin/audit").body;
    assert!(log.contains("by an administrator on the member&#39;s request") || log.contains("by an administrator on the member's request"), "{log}");
    assert!(!log.contains("Bob Bhatt") && !log.contains("bob@example.org"), "{log}");
    let page = w.admin.get(&format!("/admin/users/{bob_id}")).body;
    assert!(page.contains("Account deleted on") && page.contains("former member") && !page.contains("Delete this account"), "{page}");
    // Enabling it again is not possible.
    assert_eq!(w.admin.post(&format!("/admin/users/{bob_id}/enable"), &[]).status, 409);
}
