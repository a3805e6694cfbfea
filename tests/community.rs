//! The moderated community: joining, posting, the queue and every moderator action, rules,
//! attachments, flags, visibility of pending posts for every role.

mod common;

use common::world::*;

#[test]
fn a_query_goes_through_the_queue_with_an_edit() {
    let w = world();
    let id = ask(&w, &w.alice, "Coke consumption in divided-blast cupolas", "How much coke did **Samalkha** units save?\n\nWe run 40 cupolas.");
    let r = w.alice.get(&format!("/c/{}/t/{id}?done=submitted", w.slug));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Waiting for a moderator") && r.body.contains("Your post is waiting for a moderator"));
    assert_eq!(w.bob.get(&format!("/c/{}/t/{id}", w.slug)).status, 404, "other members cannot see a pending post");
    assert!(!w.bob.get(&format!("/c/{}", w.slug)).body.contains("divided-blast"));

    let q = w.moderator.get(&format!("/c/{}/queue", w.slug));
    assert_eq!(q.status, 200);
    assert!(q.body.contains("Coke consumption in divided-blast cupolas") && q.body.contains("Alice Ahuja"));
    let page = w.moderator.get(&format!("/c/{}/queue/{id}", w.slug));
    assert!(page.body.contains("<strong>Samalkha</strong>"));

    let r = decide(&w, &w.moderator, id, &[("action", "edit_approve"), ("title", "Coke savings in divided-blast cupolas"), ("body", "How much coke did **Samalkha** units save?\n\nWe run 40 cupolas in Howrah."), ("message", "Added your cluster's name")]);
    assert_eq!(r.status, 303, "{}", r.body);

    let thread = w.bob.get(&format!("/c/{}/t/{id}", w.slug));
    assert_eq!(thread.status, 200);
    assert!(thread.body.contains("Coke savings in divided-blast cupolas") && thread.body.contains("40 cupolas in Howrah"));
    assert!(thread.body.contains("edited by a moderator"));
    assert!(w.bob.get(&format!("/c/{}", w.slug)).body.contains("Coke savings in divided-blast cupolas"));

    let mine = w.alice.get("/my/posts");
    assert!(mine.body.contains("What the moderator changed"));
    assert!(mine.body.contains("<del>- We run 40 cupolas.") && mine.body.contains("<ins>+ We run 40 cupolas in Howrah."), "{}", mine.body);
    assert!(mine.body.contains("Added your cluster"));

    let log = w.bob.get(&format!("/c/{}/log", w.slug));
    assert_eq!(log.status, 200);
    assert!(log.body.contains("edited and approved") && log.body.contains("Meena Moderator"));
    assert!(log.body.contains("submitted") && log.body.contains("Coke savings"));

    // A reply goes through the queue too, and the thread shows it once approved.
    let r = w.bob.post_multipart(&format!("/c/{}/t/{id}/reply", w.slug), &[("body", "About 20% with a divided-blast cupola.")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(!w.alice.get(&format!("/c/{}/t/{id}", w.slug)).body.contains("About 20%"));
    let reply_id: i64 = {
        let mut conn = w.app.db();
        solex::models::post::queue(&mut conn, 1, &[solex::models::post::Status::Pending], Some(false), 10).unwrap()[0].0.id
    };
    assert_eq!(decide(&w, &w.moderator, reply_id, &[("action", "approve")]).status, 303);
    let thread = w.alice.get(&format!("/c/{}/t/{id}", w.slug));
    assert!(thread.body.contains("About 20% with a divided-blast cupola.") && thread.body.contains("1 replies"));

    // The question now waits for a consolidated reply, due after the response window.
    let due = w.moderator.get(&format!("/c/{}/due", w.slug));
    assert!(due.body.contains("Coke savings in divided-blast cupolas") && due.body.contains("due"));
}

#[test]
fn pending_posts_are_shown_only_to_author_and_community_moderators() {
    let w = world();
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Secret pending question"), ("body", "draft text")], &[("files", "cupola report.pdf", pdf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = id_from(&r);
    let file_id = {
        let mut conn = w.app.db();
        solex::models::attachment::for_posts(&mut conn, &[id]).unwrap()[0].id
    };
    let anonymous = w.app.client();
    let thread = format!("/c/{}/t/{id}", w.slug);
    let file = format!("/files/{file_id}/x.pdf");
    let review = format!("/c/{}/queue/{id}", w.slug);
    let queue = format!("/c/{}/queue", w.slug);

    for (who, c) in [("anonymous", &anonymous), ("member", &w.bob), ("outsider", &w.outsider), ("other community's moderator", &w.other_moderator), ("administrator", &w.admin)] {
        let r = c.get(&thread);
        assert_eq!(r.status, 404, "{who} thread");
        assert!(!r.body.contains("Secret pending question"), "{who}");
        assert_eq!(c.get_bytes(&file).0, 404, "{who} file");
        for path in [&review, &queue] {
            let r = c.get(path);
            assert!(r.status == 403 || r.status == 303, "{who} {path}: {}", r.status);
            assert!(!r.body.contains("Secret pending question"));
        }
        assert!(!c.get(&format!("/c/{}", w.slug)).body.contains("Secret pending question"), "{who} list");
        assert!(!c.get(&format!("/c/{}/log", w.slug)).body.contains("Secret pending question"), "{who} log");
    }
    for (who, c) in [("author", &w.alice), ("moderator", &w.moderator)] {
        assert!(c.get(&thread).body.contains("Secret pending question"), "{who}");
        let (status, bytes, ct, cd) = c.get_bytes(&file);
        assert_eq!(status, 200, "{who} file");
        assert_eq!(bytes, pdf);
        assert_eq!(ct.as_deref(), Some("application/pdf"));
        assert!(cd.unwrap().starts_with("attachment;"));
    }
    assert!(w.moderator.get(&review).body.contains("Secret pending question"));
    assert_eq!(w.alice.get(&review).status, 403, "authors do not review");
    // Writes by the wrong people are refused on the server.
    for c in [&w.bob, &w.other_moderator, &w.admin, &w.alice] {
        let r = decide(&w, c, id, &[("action", "approve")]);
        assert_eq!(r.status, 403);
    }
    let r = anonymous.post(&format!("/c/{}/queue/{id}/decide", w.slug), &[("action", "approve"), ("version", "0")]);
    assert_eq!(r.status, 303);
    assert_eq!(version_of(&w, id), 0, "nothing changed");
}

#[test]
fn reject_and_ask_for_changes_tell_the_author_and_keep_the_text() {
    let w = world();
    let id = ask(&w, &w.alice, "Buy cheap coke here", "Call our sales office today.");
    let r = decide(&w, &w.moderator, id, &[("action", "reject"), ("canned", "")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose or write a reason"));
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "reject"), ("canned", "Advertising or promotion")]).status, 303);
    let mine = w.alice.get("/my/posts");
    assert!(mine.body.contains("Not published") && mine.body.contains("Advertising or promotion"));
    // A standard reason is kept as a message: the author reading Hindi reads it in Hindi.
    assert_eq!(w.alice.get("/lang/hi?next=/my/posts").status, 303);
    let mine = w.alice.get("/my/posts").body;
    assert!(mine.contains("विज्ञापन या प्रचार") && !mine.contains("Advertising or promotion"), "{mine}");
    assert_eq!(w.alice.get("/lang/en?next=/my/posts").status, 303);
    assert!(w.alice.get("/my/posts").body.contains("Call our sales office today."), "the author keeps the text");
    assert_eq!(w.bob.get(&format!("/c/{}/t/{id}", w.slug)).status, 404);

    let id = ask(&w, &w.alice, "Lining question", "Which lining?");
    let r = decide(&w, &w.moderator, id, &[("action", "changes"), ("message", "")]);
    assert_eq!(r.status, 400);
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "changes"), ("message", "Say which furnace you run")]).status, 303);
    let mine = w.alice.get("/my/posts");
    assert!(mine.body.contains("Changes requested") && mine.body.contains("Say which furnace you run"));
    let dash = w.alice.get("/dashboard").body;
    assert!(dash.contains("Changes requested") && dash.contains("Lining question"), "the dashboard points to it");
    assert!(w.moderator.get("/dashboard").body.contains("Moderator queue (0)"));
    let edit = format!("/c/{}/posts/{id}/edit", w.slug);
    let v = version_of(&w, id).to_string();
    let r = w.alice.submit(&edit, &edit, &[("version", &v), ("title", ""), ("body", "Which lining for an induction furnace?")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Give your question a title") && r.body.contains("Which lining for an induction furnace?"));
    let r = w.alice.submit(&edit, &edit, &[("version", &v), ("title", "Lining for an induction furnace"), ("body", "Which lining for an induction furnace?"), ("themes", "energy-efficiency"), ("themes", "occupational-health-safety")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(w.moderator.get(&format!("/c/{}/queue", w.slug)).body.contains("Lining for an induction furnace"));
    assert_eq!(w.bob.get(&edit).status, 404, "only the author edits");
    {
        let mut conn = w.app.db();
        let p = solex::models::post::find(&mut conn, id).unwrap();
        assert_eq!(p.status, solex::models::post::Status::Pending);
        assert_eq!(p.themes, "energy-efficiency\noccupational-health-safety", "one theme a line");
    }
    // Hold keeps it in the queue under "held".
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "hold"), ("message", "Ask the working group")]).status, 303);
    assert!(w.moderator.get(&format!("/c/{}/queue?show=held", w.slug)).body.contains("Lining for an induction furnace"));
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
}

#[test]
fn two_moderators_at_once_exactly_one_wins() {
    let w = world();
    let second = w.app.member("mod2@example.org", PW, "Second Moderator");
    let cid = {
        let mut conn = w.app.db();
        solex::models::community::find_by_slug(&mut conn, &w.slug).unwrap().id
    };
    let r = w.admin.submit(&format!("/admin/users/{}", w.app.user_id("mod2@example.org")), &format!("/admin/users/{}/grants", w.app.user_id("mod2@example.org")), &[("role", "moderator"), ("community_id", &cid.to_string())]);
    assert_eq!(r.status, 303);

    for round in 0..3 {
        let id = ask(&w, &w.alice, &format!("Race {round}"), "Which wins?");
        let v = version_of(&w, id).to_string();
        let barrier = std::sync::Barrier::new(2);
        let (a, b) = std::thread::scope(|s| {
            let one = s.spawn(|| {
                barrier.wait();
                w.moderator.post(&format!("/c/{}/queue/{id}/decide", w.slug), &[("version", &v), ("action", "approve")]).status
            });
            let two = s.spawn(|| {
                barrier.wait();
                second.post(&format!("/c/{}/queue/{id}/decide", w.slug), &[("version", &v), ("action", "reject"), ("message", "no")]).status
            });
            (one.join().unwrap(), two.join().unwrap())
        });
        let mut statuses = [a, b];
        statuses.sort();
        assert_eq!(statuses, [303, 409], "round {round}");
    }

    // A claim makes the other moderator's action fail with a clear message.
    let id = ask(&w, &w.alice, "Claimed item", "text");
    assert_eq!(second.post(&format!("/c/{}/queue/{id}/claim", w.slug), &[]).status, 303);
    let r = decide(&w, &w.moderator, id, &[("action", "approve")]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("Second Moderator is reviewing this item"), "{}", r.body);
    let r = w.moderator.post(&format!("/c/{}/queue/{id}/claim", w.slug), &[]);
    assert_eq!(r.status, 409);
    assert!(w.moderator.get(&format!("/c/{}/queue", w.slug)).body.contains("Being reviewed by Second Moderator"));
    assert_eq!(decide(&w, &second, id, &[("action", "approve")]).status, 303);
    // A stale form (old version) is refused.
    let id = ask(&w, &w.alice, "Stale", "text");
    let r = w.moderator.post(&format!("/c/{}/queue/{id}/decide", w.slug), &[("version", "7"), ("action", "approve")]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("Another moderator acted on this item first"));
}

#[test]
fn bulk_approve_and_reject() {
    let w = world();
    let ids: Vec<i64> = (0..4).map(|i| ask(&w, &w.alice, &format!("Bulk {i}"), "body")).collect();
    let queue = format!("/c/{}/queue", w.slug);
    let p = w.moderator.get(&queue);
    let token = common::hidden_value(&p.body, "csrf").unwrap();
    let (a, b, c, d) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string(), ids[3].to_string());
    let r = w.moderator.post_raw(&format!("{queue}/bulk"), &[("csrf", &token), ("ids", &a), ("ids", &b), ("action", "approve")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("2 ✓"));
    let r = w.moderator.post_raw(&format!("{queue}/bulk"), &[("csrf", &token), ("ids", &c), ("ids", &d), ("action", "reject")]);
    assert_eq!(r.status, 400, "a reason is needed to reject");
    let r = w.moderator.post_raw(&format!("{queue}/bulk"), &[("csrf", &token), ("ids", &c), ("ids", &d), ("ids", &a), ("action", "reject"), ("canned", "Duplicate of an existing thread")]);
    assert!(r.body.contains("2 ✓ · 1 ↷"), "the already-approved one is skipped: {}", r.body);
    let mut conn = w.app.db();
    let statuses: Vec<String> = ids.iter().map(|id| solex::models::post::find(&mut conn, *id).unwrap().status.to_string()).collect();
    assert_eq!(statuses, ["approved", "approved", "rejected", "rejected"]);
}

#[test]
fn trusted_members_skip_the_queue_but_hold_rules_always_apply() {
    let w = world();
    let settings = format!("/c/{}/settings", w.slug);
    let r = w.moderator.submit(&settings, &settings, &[("name", "Energy efficiency in foundries"), ("theme", "energy-efficiency"), ("join_policy", "request"), ("premoderation", "new_members"), ("trusted_after", "1"), ("hold_rules", "/\\bbrib(e|ery)\\b/\n/(unclosed/"), ("canned_reasons", "Off topic"), ("response_days", "7")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Line 2") && r.body.contains("not a valid rule"), "{}", r.body);
    let r = w.moderator.submit(&settings, &settings, &[("name", "Energy efficiency in foundries"), ("theme", "energy-efficiency"), ("join_policy", "request"), ("premoderation", "new_members"), ("trusted_after", "1"), ("hold_rules", "/\\bbrib(e|ery)\\b/\ncash payment"), ("canned_reasons", "Off topic"), ("response_days", "7")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(w.alice.get(&settings).status, 403, "members cannot change settings");

    let first = ask(&w, &w.alice, "First post", "new member");
    assert_eq!(version_of(&w, first), 0);
    assert_eq!(decide(&w, &w.moderator, first, &[("action", "approve")]).status, 303);
    let second = ask(&w, &w.alice, "Second post", "now trusted");
    let mut conn = w.app.db();
    assert_eq!(solex::models::post::find(&mut conn, second).unwrap().status, solex::models::post::Status::Approved);
    drop(conn);
    assert!(w.bob.get(&format!("/c/{}/t/{second}", w.slug)).body.contains("now trusted"));
    let third = ask(&w, &w.alice, "Inspector wants a BRIBE", "what now");
    let fourth = ask(&w, &w.alice, "Payment terms", "Only Cash Payment accepted");
    let mut conn = w.app.db();
    for id in [third, fourth] {
        let p = solex::models::post::find(&mut conn, id).unwrap();
        assert_eq!(p.status, solex::models::post::Status::Pending);
        assert!(p.held_reason.contains("held-hold-rule"), "stored as a message: {}", p.held_reason);
    }
    drop(conn);
    assert!(w.moderator.get(&format!("/c/{}/queue", w.slug)).body.contains("matched hold rule"));
    assert_eq!(w.moderator.get("/lang/hi?next=/").status, 303);
    let queue = w.moderator.get(&format!("/c/{}/queue", w.slug)).body;
    assert!(queue.contains("रोक का नियम लागू हुआ") && !queue.contains("matched hold rule"), "{queue}");
}

#[test]
fn bad_posts_get_field_errors_keep_the_text_and_write_nothing() {
    let w = world();
    let path = format!("/c/{}/posts", w.slug);
    let r = w.alice.post_multipart(&path, &[("title", ""), ("body", "  "), ("district", "Howrah")], &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Give your question a title") && r.body.contains("Write your message"));
    assert!(r.body.contains("value=\"Howrah\""));
    let long = "x".repeat(20_001);
    let r = w.alice.post_multipart(&path, &[("title", "Long"), ("body", &long)], &[]);
    assert!(r.body.contains("at most 20000 characters"));
    let r = w.alice.post_multipart(&path, &[("title", "T"), ("body", "B"), ("themes", "astrology"), ("state", "Gondwana")], &[]);
    assert!(r.body.contains("Choose themes from the list") && r.body.contains("Choose a state"));

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let cases: [(&str, &[u8], &str); 4] = [
        ("setup.exe", b"MZ\x90\0", "only PDF, images"),
        ("report.pdf", png, "does not match its type"),
        ("empty.pdf", b"", "the file is empty"),
        ("../../etc/passwd.docx", b"plain text", "does not match its type"),
    ];
    for (name, bytes, message) in cases {
        let r = w.alice.post_multipart(&path, &[("title", "With a file"), ("body", "See attached")], &[("files", name, bytes)]);
        assert_eq!(r.status, 400, "{name}");
        assert!(r.body.contains(message), "{name}: {}", r.body);
        assert!(r.body.contains("See attached"), "text kept");
        assert!(r.body.contains("attach them again"));
    }
    let big = vec![b'%'; 5 * 1024 * 1024 + 10];
    let mut big_pdf = b"%PDF-1.7\n".to_vec();
    big_pdf.extend_from_slice(&big);
    let r = w.alice.post_multipart(&path, &[("title", "Big"), ("body", "b")], &[("files", "big.pdf", &big_pdf)]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("at most 5 MB"));
    let six: Vec<(&str, &str, &[u8])> = (0..6).map(|_| ("files", "p.png", &png[..])).collect();
    let r = w.alice.post_multipart(&path, &[("title", "Many"), ("body", "b")], &six);
    assert!(r.body.contains("at most 5 files"));

    let mut conn = w.app.db();
    assert!(solex::models::post::by_author(&mut conn, w.app.user_id("alice@example.org")).unwrap().is_empty(), "no post row");
    let stored = std::fs::read_dir(&w.app.config.attachments_dir).unwrap().count();
    assert_eq!(stored, 0, "no files on disk");
    drop(conn);

    // A good image is stored under a random name and served inline as an image.
    let r = w.alice.post_multipart(&path, &[("title", "Photo"), ("body", "b")], &[("files", "../cupola <1>.png", png)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = id_from(&r);
    let mut conn = w.app.db();
    let a = &solex::models::attachment::for_posts(&mut conn, &[id]).unwrap()[0];
    assert_eq!(a.original_name, "cupola 1.png");
    assert!(a.stored_name.ends_with(".png") && !a.stored_name.contains("cupola"));
    let (status, _, ct, cd) = w.alice.get_bytes(&format!("/files/{}/x", a.id));
    assert_eq!((status, ct.as_deref()), (200, Some("image/png")));
    assert!(cd.unwrap().starts_with("inline;"));
}

#[test]
fn markdown_is_sanitised_in_posts() {
    let w = world();
    let id = ask(&w, &w.alice, "<script>alert('t')</script>", "<img src=x onerror=alert(1)> [x](javascript:alert(2)) <script>alert(3)</script>");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let page = w.bob.get(&format!("/c/{}/t/{id}", w.slug)).body;
    assert!(!page.contains("<script>alert") && !page.contains("onerror") && !page.contains("javascript:"), "{page}");
    assert!(page.contains("&lt;script&gt;alert"), "the title is escaped, not dropped");
}

#[test]
fn flags_reach_the_queue_and_moderators_decide() {
    let w = world();
    let id = ask(&w, &w.alice, "Flag me", "questionable");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let r = w.bob.post(&format!("/c/{}/posts/{id}/flag", w.slug), &[("reason", "")]);
    assert_eq!(r.status, 400);
    let r = w.bob.post(&format!("/c/{}/posts/{id}/flag", w.slug), &[("reason", "Shares a worker's phone number")]);
    assert_eq!(r.status, 303);
    let r = w.bob.post(&format!("/c/{}/posts/{id}/flag", w.slug), &[("reason", "again")]);
    assert_eq!(r.status, 400, "one open flag per member");
    assert_eq!(w.outsider.post(&format!("/c/{}/posts/{id}/flag", w.slug), &[("reason", "x")]).status, 403);
    let q = w.moderator.get(&format!("/c/{}/queue?show=flags", w.slug));
    assert!(q.body.contains("Flag me") && q.body.contains("Shares a worker&#39;s phone number") || q.body.contains("Shares a worker's phone number"), "{}", q.body);
    let r = w.moderator.post(&format!("/c/{}/queue/{id}/flags", w.slug), &[("outcome", "delete"), ("message", "Personal information")]);
    assert_eq!(r.status, 400, "an outcome that is not one of the choices is refused");
    assert_eq!(w.bob.get(&format!("/c/{}/t/{id}", w.slug)).status, 200, "and changes nothing");
    let r = w.moderator.post(&format!("/c/{}/queue/{id}/flags", w.slug), &[("outcome", "remove"), ("message", "Personal information")]);
    assert_eq!(r.status, 303);
    assert_eq!(w.bob.get(&format!("/c/{}/t/{id}", w.slug)).status, 404);
    assert!(w.alice.get("/my/posts").body.contains("Removed"));
    assert!(!w.moderator.get(&format!("/c/{}/queue?show=flags", w.slug)).body.contains("Flag me"));
}

#[test]
fn memberships_requests_invitations_and_public_threads() {
    let w = world();
    // Non-members cannot post or read members-only threads.
    let id = ask(&w, &w.alice, "Members only thread", "inside");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    assert_eq!(w.outsider.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "x"), ("body", "y")], &[]).status, 403);
    assert_eq!(w.outsider.get(&format!("/c/{}/t/{id}", w.slug)).status, 404);
    let anonymous = w.app.client();
    assert_eq!(anonymous.get(&format!("/c/{}/t/{id}", w.slug)).status, 404);
    assert_eq!(w.outsider.get(&format!("/c/{}/log", w.slug)).status, 403);
    // A moderator makes it public: now anyone may read it, but not reply.
    assert_eq!(w.moderator.post(&format!("/c/{}/t/{id}/visibility", w.slug), &[("public", "1")]).status, 303);
    let r = anonymous.get(&format!("/c/{}/t/{id}", w.slug));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("inside") && !r.body.contains("Send reply"));
    assert!(anonymous.get(&format!("/c/{}", w.slug)).body.contains("Members only thread"));

    // Invitation-only community.
    let r = create_community(&w.admin, "Closed circle", "closed", "mod@example.org", &[("join_policy", "invite")]);
    assert_eq!(r.status, 303);
    let r = w.outsider.post("/c/closed/join", &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("by invitation only"));
    let r = w.moderator.submit("/c/closed/members", "/c/closed/invite", &[("email", "nobody@example.org")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("No account uses that address"));
    assert_eq!(w.moderator.submit("/c/closed/members", "/c/closed/invite", &[("email", "out@example.org")]).status, 303);
    assert!(w.outsider.get("/communities").body.contains("You are invited"));
    assert_eq!(w.outsider.post("/c/closed/join", &[]).status, 303);
    assert!(w.outsider.get("/c/closed").body.contains("Ask a question"));
    // Moderation pages of one community are not open to another's moderator.
    assert_eq!(w.other_moderator.get("/c/closed/members").status, 403);
    assert_eq!(w.other_moderator.get("/c/closed/settings").status, 403);
    assert_eq!(w.admin.get("/c/closed/settings").status, 200, "administrators may change settings");
}

#[test]
fn kept_threads_and_standings_follow_each_change_at_once() {
    let w = world();
    let id = ask(&w, &w.alice, "Blower delivery below its plate", "Measured with a pitot tube");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let thread = format!("/c/{}/t/{id}", w.slug);
    // A reader who is not yet a member: refused, then let in the moment the request is approved.
    assert_eq!(w.outsider.post(&format!("/c/{}/join", w.slug), &[]).status, 303);
    assert_eq!(w.outsider.get(&thread).status, 404);
    assert_eq!(w.outsider.get(&thread).status, 404, "the same from the kept standing");
    let uid = w.app.user_id("out@example.org");
    let r = w.moderator.submit(&format!("/c/{}/members", w.slug), &format!("/c/{}/members/{uid}", w.slug), &[("decision", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(w.outsider.get(&thread).body.contains("Blower delivery below its plate"), "a member now");
    // A reply waiting in the queue: its author and the moderator see it, other members do not,
    // though all read the same kept thread; once approved everyone sees it.
    assert!(!w.alice.get(&thread).body.contains("Seal the wind box first"));
    let r = w.bob.post_multipart(&format!("{thread}/reply"), &[("body", "Seal the wind box first")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let reply = {
        let mut conn = w.app.db();
        solex::models::post::replies(&mut conn, id, None, true).unwrap().last().unwrap().0.id
    };
    for (who, c, sees) in [("author", &w.bob, true), ("moderator", &w.moderator, true), ("asker", &w.alice, false), ("new member", &w.outsider, false)] {
        assert_eq!(c.get(&thread).body.contains("Seal the wind box first"), sees, "{who} before approval");
    }
    assert_eq!(decide(&w, &w.moderator, reply, &[("action", "approve")]).status, 303);
    for (who, c) in [("asker", &w.alice), ("new member", &w.outsider)] {
        assert!(c.get(&thread).body.contains("Seal the wind box first"), "{who} after approval");
    }
    // Signing out is seen at the next request: the kept session no longer opens the thread.
    let session = w.alice.cookie("solex_session").unwrap();
    assert_eq!(w.alice.post("/logout", &[]).status, 303);
    let replayed = w.app.client().get_with(&thread, &[("Cookie", &format!("solex_session={session}"))]);
    assert_eq!(replayed.status, 404, "a visitor again");
}

#[test]
fn posting_is_rate_limited() {
    let w = world();
    for i in 0..5 {
        ask(&w, &w.alice, &format!("Post {i}"), "b");
    }
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Sixth"), ("body", "b")], &[]);
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Please slow down"));
}

#[test]
fn an_unknown_decision_comes_back_with_a_message_and_changes_nothing() {
    let w = world();
    let id = ask(&w, &w.alice, "Which lining?", "For an induction furnace.");
    let log_size = |w: &World| {
        use diesel::prelude::*;
        use solex::db::schema::moderation_log;
        moderation_log::table.count().get_result::<i64>(&mut *w.app.db()).unwrap()
    };
    let before = log_size(&w);
    for action in ["publish", "", "APPROVE"] {
        let r = decide(&w, &w.moderator, id, &[("action", action), ("message", "kept for the form")]);
        assert_eq!(r.status, 400, "{action:?}: {}", r.body);
        assert!(r.body.contains("Choose what to do with this item"), "{}", r.body);
        assert!(r.body.contains("kept for the form"), "what the moderator wrote comes back");
        assert!(!r.body.contains("checked"), "no decision is shown chosen: {}", r.body);
    }
    assert_eq!((version_of(&w, id), log_size(&w)), (0, before), "nothing changed");
    // Rights first: someone who may not decide is refused whatever the form says.
    assert_eq!(decide(&w, &w.bob, id, &[("action", "publish")]).status, 403);
    // The same for the bulk actions.
    let queue = format!("/c/{}/queue", w.slug);
    let token = common::hidden_value(&w.moderator.get(&queue).body, "csrf").unwrap();
    let r = w.moderator.post_raw(&format!("{queue}/bulk"), &[("csrf", &token), ("ids", &id.to_string()), ("action", "delete")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose approve or reject"), "{}", r.body);
    assert_eq!((version_of(&w, id), log_size(&w)), (0, before), "nothing changed");
    // Every decision the page offers is one the server takes.
    let page = w.moderator.get(&format!("{queue}/{id}")).body;
    for value in ["approve", "edit_approve", "changes", "reject", "hold"] {
        assert!(page.contains(&format!("value=\"{value}\"")), "{value}");
    }
    assert!(page.contains("value=\"approve\" checked"), "approve is the default: {page}");
}

#[test]
fn unknown_settings_choices_are_field_errors_not_defaults() {
    let w = world();
    let settings = format!("/c/{}/settings", w.slug);
    let fields = |policy: &'static str, premod: &'static str| {
        vec![("name", "Energy efficiency in foundries"), ("theme", "energy-efficiency"), ("join_policy", policy), ("premoderation", premod), ("trusted_after", "3"), ("hold_rules", ""), ("canned_reasons", "Off topic"), ("response_days", "10")]
    };
    let r = w.moderator.submit(&settings, &settings, &fields("closed", "all"));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose how people join."), "{}", r.body);
    let r = w.moderator.submit(&settings, &settings, &fields("invite", "some"));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose which posts wait for a moderator."), "{}", r.body);
    let c = solex::models::community::find_by_slug(&mut w.app.db(), &w.slug).unwrap();
    assert_eq!((c.join_policy, c.premoderation), (solex::models::community::JoinPolicy::Request, solex::models::community::Premoderation::All), "nothing changed");
    assert_eq!(w.moderator.submit(&settings, &settings, &fields("invite", "new_members")).status, 303);
    let c = solex::models::community::find_by_slug(&mut w.app.db(), &w.slug).unwrap();
    assert_eq!((c.join_policy, c.premoderation), (solex::models::community::JoinPolicy::Invite, solex::models::community::Premoderation::NewMembers));
    // A new community with an unknown policy is refused too.
    let r = create_community(&w.admin, "Closed circle", "closed", "mod@example.org", &[("join_policy", "secret")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose how people join."), "{}", r.body);
    assert!(solex::models::community::find_by_slug(&mut w.app.db(), "closed").is_err());
}

#[test]
fn the_moderation_log_reads_in_the_visitors_language() {
    let w = world();
    let id = ask(&w, &w.alice, "Cupola coke", "How much coke?");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "edit_approve"), ("title", "Coke per tonne in cupolas"), ("body", "How much coke per tonne?")]).status, 303);
    let stored: Vec<solex::models::moderation::Action> = solex::models::moderation::log_for_post(&mut w.app.db(), id).unwrap().into_iter().map(|(e, _)| e.action).collect();
    assert_eq!(stored, [solex::models::moderation::Action::Submitted, solex::models::moderation::Action::EditedAndApproved]);
    let log = format!("/c/{}/log", w.slug);
    assert!(w.bob.get(&log).body.contains("edited and approved"));
    assert_eq!(w.bob.get(&format!("/lang/hi?next={log}")).status, 303);
    let hindi = w.bob.get(&log).body;
    for words in ["संपादित और स्वीकृत", "भेजा गया", "सदस्यता स्वीकृत", "समुदाय बनाया गया"] {
        assert!(hindi.contains(words), "{words}: {hindi}");
    }
    assert!(!hindi.contains("edited and approved") && !hindi.contains("membership approved"), "{hindi}");
    // The item's history on the review page too.
    assert_eq!(w.moderator.get(&format!("/lang/hi?next={log}")).status, 303);
    let review = w.moderator.get(&format!("/c/{}/queue/{id}", w.slug)).body;
    assert!(review.contains("संपादित और स्वीकृत") && !review.contains("edited and approved"), "{review}");
}
