//! Similar solved answers while asking: the check step before a query is posted, in both
//! languages through the bilingual glossary; "this answers me" and "post anyway"; visibility of
//! members-only threads; moderators closing a queued query as answered by an existing page;
//! the administrators' glossary page.

mod common;

use common::world::*;
use common::Client;
use solex::models::similar_answer::TargetKind;

/// The shipped English page on coke in cupolas (content/), and a page the tests publish.
const SHIPPED: &str = "href=\"/kb/cutting-coke-use-in-cupola-furnaces\"";
const TUYERE_PAGE: &str = "Tuyere cleaning in the cupola";

/// Publishes an English knowledge page (as an import would) and indexes it; returns its id.
fn publish_page(w: &World, slug: &str, title: &str, problem: &str, solution: &str, theme: &str) -> i64 {
    let form = solex::services::knowledge::PageForm {
        slug: slug.into(),
        title: title.into(),
        problem: problem.into(),
        solution: solution.into(),
        themes: vec![theme.into()],
        language: "en".into(),
        ..Default::default()
    };
    let mut conn = w.app.db();
    solex::services::knowledge::create(&mut conn, None, &form, solex::models::page::Status::Published, Some(solex::models::now())).unwrap();
    let id = solex::models::page::find_by_slug(&mut conn, slug).unwrap().unwrap().id;
    drop(conn);
    w.app.drain();
    id
}

/// A page of the community's theme on tuyeres (a word no other shipped title has).
fn tuyere_page(w: &World) -> i64 {
    publish_page(w, "tuyere-cleaning", TUYERE_PAGE, "Blocked tuyeres waste coke.", "Clean the tuyeres every shift.", "energy-efficiency")
}

fn check(who: &Client, slug: &str, fields: &[(&str, &str)]) -> common::Resp {
    who.post_multipart(&format!("/c/{slug}/check"), fields, &[])
}

fn answered_rows(w: &World) -> Vec<(String, i64, String, Option<i64>, i64)> {
    use diesel::prelude::*;
    use solex::db::schema::similar_answers as s;
    let mut conn = w.app.db();
    s::table.order(s::id.asc()).select((s::target_kind, s::target_id, s::source, s::post_id, s::user_id)).load(&mut *conn).unwrap()
}

fn glossary_id(w: &World, en: &str) -> i64 {
    let mut conn = w.app.db();
    solex::models::glossary::all(&mut conn).unwrap().into_iter().find(|e| e.term_en == en).unwrap().id
}

#[test]
fn a_hindi_question_finds_an_english_page_through_the_glossary() {
    let w = world();
    // (No word of it but the glossary's cupola and coke is in the English page: "बचत", saving,
    // or "ढलाई", foundry, would be.)
    let hindi = [("title", "कुपोला में कोक कम कैसे करें?"), ("body", "हमारी इकाई में बहुत कोक लगता है।\nकोई उपाय?"), ("themes", "energy-efficiency")];
    let r = check(&w.alice, &w.slug, &hindi);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(SHIPPED), "the English page is found: {}", r.body);
    assert!(!r.body.contains("href=\"/kb/treating-rice-mill-waste-water\""), "a page sharing no word is not");
    assert!(r.body.contains("value=\"कुपोला में कोक कम कैसे करें?\""), "the draft is kept");

    // The glossary is what finds it: with its two pairs retired, the Hindi words alone do not.
    let page = w.admin.get("/admin/glossary");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("कुपोला") && page.body.contains("अपशिष्ट जल") && page.body.contains("बाल श्रम"), "seeded pairs");
    for (en, hi) in [("cupola", "कुपोला"), ("coke", "कोक")] {
        let id = glossary_id(&w, en);
        let r = w.admin.submit("/admin/glossary", &format!("/admin/glossary/{id}"), &[("term_en", en), ("term_hi", hi), ("retired", "true")]);
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let r = check(&w.alice, &w.slug, &hindi);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("href=\"/kb/samalkha-cupola-coke-bachat\""), "the Hindi page still is");
    assert!(!r.body.contains(SHIPPED), "without the glossary the Hindi question does not find the English page");

    // An administrator adds a pair; the English question now finds through the Hindi one.
    let bad = w.admin.submit("/admin/glossary", "/admin/glossary", &[("term_en", ""), ("term_hi", "भट्ठी")]);
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Write the term.") && bad.body.contains("value=\"भट्ठी\""), "the form comes back with its message and typing");
    let dup = w.admin.submit("/admin/glossary", "/admin/glossary", &[("term_en", "furnace"), ("term_hi", "भट्ठी")]);
    assert_eq!(dup.status, 400, "the pair is seeded already");
    let divided = [("title", "विभाजित ब्लास्ट"), ("body", "?")];
    assert!(!check(&w.alice, &w.slug, &divided).body.contains(SHIPPED), "not before the pair is added");
    let r = w.admin.submit("/admin/glossary", "/admin/glossary", &[("term_en", "Divided Blast"), ("term_hi", "विभाजित ब्लास्ट")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(w.admin.get("/admin/glossary").body.contains("value=\"divided blast\""), "stored lowercased");
    assert_eq!(w.alice.get("/admin/glossary").status, 403, "members do not keep the glossary");
    assert!(check(&w.alice, &w.slug, &divided).body.contains(SHIPPED), "the added pair finds the page's 'divided-blast'");
    for (en, hi) in [("cupola", "कुपोला"), ("coke", "कोक")] {
        let id = glossary_id(&w, en);
        assert_eq!(w.admin.submit("/admin/glossary", &format!("/admin/glossary/{id}"), &[("term_en", en), ("term_hi", hi)]).status, 303, "restored");
    }
    assert!(check(&w.alice, &w.slug, &hindi).body.contains(SHIPPED), "restored pairs work again");

    // In Hindi the step speaks Hindi.
    w.alice.get("/lang/hi?next=/");
    let r = check(&w.alice, &w.slug, &hindi);
    assert!(r.body.contains("पोस्ट करने से पहले देख लें") && r.body.contains("फिर भी पोस्ट करें") && r.body.contains("इससे मेरा उत्तर मिल गया"));
}

/// An approved, answered query in `slug` by `asker`, approved by `moderator`.
fn answered_thread(w: &World, slug: &str, asker: &Client, moderator: &Client, title: &str, body: &str) -> i64 {
    let r = asker.post_multipart(&format!("/c/{slug}/posts"), &[("title", title), ("body", body)], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = id_from(&r);
    let approve = |post: i64| {
        let v = version_of(w, post).to_string();
        let r = moderator.post(&format!("/c/{slug}/queue/{post}/decide"), &[("version", v.as_str()), ("action", "approve")]);
        assert_eq!(r.status, 303, "{}", r.body);
    };
    approve(id);
    let r = asker.post_multipart(&format!("/c/{slug}/t/{id}/reply"), &[("body", "We fixed it with a divided blast.")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut conn = w.app.db();
    let reply = solex::models::post::replies(&mut conn, id, None, true).unwrap().last().unwrap().0.id;
    drop(conn);
    approve(reply);
    w.app.drain();
    id
}

#[test]
fn a_members_only_thread_of_another_community_is_never_shown() {
    let w = world();
    let ours = answered_thread(&w, &w.slug, &w.bob, &w.moderator, "Tuyere blockage in our foundry", "Our tuyeres block every week.");
    let theirs = answered_thread(&w, "child-labour", &w.other_moderator, &w.other_moderator, "Tuyere blockage and child helpers", "Children clean the tuyeres.");
    let unanswered = w.bob.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Tuyere blockage without answer"), ("body", "tuyeres blocked")], &[]);
    let unanswered = id_from(&unanswered);
    decide(&w, &w.moderator, unanswered, &[("action", "approve")]);
    w.app.drain();

    let draft = [("title", "Tuyere blockage"), ("body", "Our tuyeres block.")];
    let r = check(&w.alice, &w.slug, &draft);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&format!("/c/{}/t/{ours}", w.slug)), "a thread of the member's own community is shown: {}", r.body);
    assert!(!r.body.contains(&format!("/t/{theirs}")) && !r.body.contains("child helpers"), "another community's members-only thread is not");
    assert!(!r.body.contains(&format!("/t/{unanswered}\"")), "an unanswered thread is not offered");
    // It is in the index: its own community's members find it.
    let r = check(&w.other_moderator, "child-labour", &draft);
    assert!(r.body.contains(&format!("/c/child-labour/t/{theirs}")), "{}", r.body);
    // Neither members-only thread reaches the public search.
    let public = w.app.client().get("/search?q=tuyere+blockage");
    assert!(!public.body.contains(&format!("/t/{theirs}")) && !public.body.contains(&format!("/t/{ours}")), "{}", public.body);
    // Nor can a member count it as their answer, nor check in a community they are not in.
    let r = w.alice.post(&format!("/c/{}/answered", w.slug), &[("target", &format!("thread:{theirs}"))]);
    assert_eq!(r.status, 404);
    assert_eq!(check(&w.outsider, &w.slug, &draft).status, 403);
    assert!(answered_rows(&w).is_empty());

    // Alice joins the other community too: her own check shows its thread, but beside her
    // queued query this community's moderator, who may not read that community, never sees
    // it, nor can close her query with it.
    join_and_approve(&w.app, "child-labour", &w.alice, "alice@example.org", &w.other_moderator);
    let r = check(&w.alice, &w.slug, &draft);
    assert!(r.body.contains(&format!("/c/child-labour/t/{theirs}")), "{}", r.body);
    let queued = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &draft, &[]);
    let queued = id_from(&queued);
    for page in [format!("/c/{}/queue", w.slug), format!("/c/{}/queue/{queued}", w.slug)] {
        let body = w.moderator.get(&page).body;
        assert!(body.contains(&format!("/c/{}/t/{ours}", w.slug)), "{page}: {body}");
        assert!(!body.contains(&format!("/t/{theirs}")) && !body.contains("child helpers"), "{page}: {body}");
    }
    let v = version_of(&w, queued).to_string();
    let r = w.moderator.post(&format!("/c/{}/queue/{queued}/answered", w.slug), &[("version", &v), ("target", &format!("thread:{theirs}"))]);
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn this_answers_me_is_counted_and_nothing_is_posted() {
    let w = world();
    let page = tuyere_page(&w);
    let draft = [("title", "How often to clean a tuyere"), ("body", "Ours block.")];
    let r = check(&w.alice, &w.slug, &draft);
    let target = format!("page:{page}");
    assert!(r.body.contains(&format!("value=\"{target}\"")) && r.body.contains("This answers me"), "{}", r.body);
    assert!(!r.body.contains("Answered 0 questions"), "members are not shown the counts");

    for _ in 0..2 {
        let r = w.alice.post(&format!("/c/{}/answered", w.slug), &[("target", &target)]);
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/c/foundry-energy?done=answered")));
    }
    assert!(w.alice.get("/c/foundry-energy?done=answered").body.contains("Nothing was posted."));
    let r = w.bob.post(&format!("/c/{}/answered", w.slug), &[("target", &target)]);
    assert_eq!(r.status, 303);
    let alice = w.app.user_id("alice@example.org");
    let rows = answered_rows(&w);
    assert_eq!(rows.len(), 2, "once per member: {rows:?}");
    assert_eq!((rows[0].0.as_str(), rows[0].1, rows[0].2.as_str(), rows[0].3, rows[0].4), (TargetKind::Page.as_str(), page, "member", None, alice));
    {
        let mut conn = w.app.db();
        assert!(solex::models::post::by_author(&mut conn, alice).unwrap().is_empty(), "nothing posted");
    }
    assert_eq!(w.alice.post(&format!("/c/{}/answered", w.slug), &[("target", "page:999999")]).status, 404);
    assert_eq!(w.alice.post(&format!("/c/{}/answered", w.slug), &[("target", "nonsense")]).status, 400);

    // Moderators see the count beside the queued query that finds the page.
    let id = ask(&w, &w.bob, "Tuyere cleaning", "How do we keep tuyeres clean?");
    let queue = w.moderator.get(&format!("/c/{}/queue", w.slug)).body;
    assert!(queue.contains(TUYERE_PAGE) && queue.contains("Answered 2 questions before they were posted"), "{queue}");
    let review = w.moderator.get(&format!("/c/{}/queue/{id}", w.slug)).body;
    assert!(review.contains("Answered 2 questions before they were posted"));
    // And on the page itself, for those who edit it (the community's moderator edits its theme).
    assert!(w.moderator.get("/kb/tuyere-cleaning").body.contains("Answered 2 questions before they were posted"));
    assert!(!w.alice.get("/kb/tuyere-cleaning").body.contains("Answered 2 questions"), "not for readers");
}

#[test]
fn racing_clicks_count_once_and_a_moderators_close_still_records_the_query() {
    let w = world();
    let page = tuyere_page(&w);
    let target = format!("page:{page}");
    let action = format!("/c/{}/answered", w.slug);
    // Eight clicks at once, as a double-tap on a slow line sends them.
    std::thread::scope(|s| {
        let clicks: Vec<_> = (0..8).map(|_| s.spawn(|| w.alice.post(&action, &[("target", &target)]).status)).collect();
        for c in clicks {
            assert_eq!(c.join().unwrap(), 303);
        }
    });
    let alice = w.app.user_id("alice@example.org");
    let rows = answered_rows(&w);
    assert_eq!(rows.iter().filter(|r| r.4 == alice && r.2 == "member").count(), 1, "{rows:?}");

    // Alice asks anyway and the moderator closes her query with the same page: the closing
    // is recorded with the query beside her own mark.
    let id = ask(&w, &w.alice, "Tuyere cleaning again", "Our tuyeres block every shift.");
    let v = version_of(&w, id).to_string();
    let r = w.moderator.post(&format!("/c/{}/queue/{id}/answered", w.slug), &[("version", &v), ("target", &target)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let rows = answered_rows(&w);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[1].1, rows[1].2.as_str(), rows[1].3, rows[1].4), (page, "moderator", Some(id), alice));
}

/// The value of the draft form's field `name` on the check page.
fn field(body: &str, re: &str) -> Vec<String> {
    regex::Regex::new(re).unwrap().captures_iter(body).map(|c| c[1].replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")).collect()
}

#[test]
fn post_anyway_posts_exactly_the_draft() {
    let w = world();
    tuyere_page(&w);
    let draft = [
        ("title", "Tuyere & cupola: \"cleaning\" <worth it>?"),
        ("body", "We melt 12 tonnes a day.\n\nWhat did Samalkha units save on coke?"),
        ("themes", "energy-efficiency"),
        ("themes", "air-pollution"),
        ("state", "West Bengal"),
        ("district", "Howrah"),
        ("sector", "Metal and foundry"),
    ];
    let r = check(&w.alice, &w.slug, &draft);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(TUYERE_PAGE));
    // The draft form posts to the community's posts, and holds everything typed.
    let form_start = r.body.find("action=\"/c/foundry-energy/posts\"").expect("the draft form posts the query");
    let form = &r.body[form_start..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("Post anyway") && form.contains("formaction=\"/c/foundry-energy/check\""));
    let title = field(form, r#"id="title" name="title"[^>]*value="([^"]*)""#);
    let body = field(form, r#"(?s)<textarea[^>]*name="body"[^>]*>(.*?)</textarea>"#);
    let themes = field(form, r#"value="([a-z-]+)" checked"#);
    let state = field(form, r#"<option value="([^"]*)" selected"#);
    let district = field(form, r#"name="district"[^>]*value="([^"]*)""#);
    assert_eq!(title, [draft[0].1], "{form}");
    assert_eq!(body, [draft[1].1]);
    assert_eq!(themes, ["energy-efficiency", "air-pollution"]);
    assert_eq!(state, ["West Bengal", "Metal and foundry"]);
    assert_eq!(district, ["Howrah"]);
    assert_eq!(answered_rows(&w).len(), 0);
    {
        let mut conn = w.app.db();
        assert!(solex::models::post::by_author(&mut conn, w.app.user_id("alice@example.org")).unwrap().is_empty(), "checking posts nothing");
    }

    // "Post anyway" sends the form as it stands.
    let mut sent: Vec<(&str, &str)> = vec![("title", &title[0]), ("body", &body[0]), ("district", &district[0]), ("state", &state[0]), ("sector", &state[1])];
    for t in &themes {
        sent.push(("themes", t));
    }
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &sent, &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = id_from(&r);
    let mut conn = w.app.db();
    let p = solex::models::post::find(&mut conn, id).unwrap();
    assert_eq!((p.title.as_str(), p.body_md.as_str(), p.state.as_str(), p.district.as_str(), p.sector.as_str()), (draft[0].1, draft[1].1, "West Bengal", "Howrah", "Metal and foundry"));
    assert_eq!(p.theme_list(), ["energy-efficiency", "air-pollution"]);
    assert_eq!(solex::models::post::by_author(&mut conn, p.author_id).unwrap().len(), 1, "exactly one post");

    // A draft with mistakes comes back as the first form, with its messages.
    let r = check(&w.alice, &w.slug, &[("title", ""), ("body", "only a body")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Give your question a title.") && r.body.contains("only a body"));
}

#[test]
fn a_moderator_closes_a_query_as_answered_and_the_asker_is_mailed_the_link() {
    let w = world();
    let page = tuyere_page(&w);
    // Bob reads in Hindi: his mail comes in Hindi.
    let r = w.bob.submit("/profile", "/profile", &[("name", "Bob Bhatt"), ("organisation", ""), ("language", "hi")]);
    assert!(r.status < 400, "{}", r.body);
    let id = ask(&w, &w.bob, "Cleaning the tuyeres", "Our tuyeres block and waste coke.");
    let before = w.app.mail_count("bob@example.org");

    let review = w.moderator.get(&format!("/c/{}/queue/{id}", w.slug)).body;
    let action = format!("/c/{}/queue/{id}/answered", w.slug);
    assert!(review.contains(&format!("action=\"{action}\"")) && review.contains(&format!("value=\"page:{page}\"")), "{review}");
    let v = version_of(&w, id).to_string();
    let target = format!("page:{page}");
    assert_eq!(w.other_moderator.post(&action, &[("version", &v), ("target", &target)]).status, 403, "only this community's moderators");
    assert_eq!(w.moderator.post(&action, &[("version", "999"), ("target", &target)]).status, 409, "a stale version is refused");
    assert_eq!(w.moderator.post(&action, &[("version", &v), ("target", "thread:999999")]).status, 400);
    let r = w.moderator.post(&action, &[("version", &v), ("target", &target)]);
    assert_eq!(r.status, 303, "{}", r.body);

    let mut conn = w.app.db();
    let p = solex::models::post::find(&mut conn, id).unwrap();
    drop(conn);
    assert_eq!(p.status, solex::models::post::Status::Rejected);
    assert!(p.moderator_note.contains("similar-closed-note") && p.moderator_note.contains("/kb/tuyere-cleaning"));
    let rows = answered_rows(&w);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].1, rows[0].2.as_str(), rows[0].3), (page, "moderator", Some(id)));

    assert_eq!(w.app.mail_count("bob@example.org"), before + 1);
    let mail = w.app.mail_for("bob@example.org", before + 1);
    assert!(mail.text.contains("आपके प्रश्न का उत्तर एक मौजूदा पन्ने में है") && mail.text.contains(TUYERE_PAGE), "{}", mail.text);
    assert!(mail.text.contains(&format!("{}/kb/tuyere-cleaning", w.app.base)), "the mail carries the page's link: {}", mail.text);
    assert_eq!(w.moderator.post(&action, &[("version", &version_of(&w, id).to_string()), ("target", &target)]).status, 409, "closed already");
}

#[test]
fn pages_threads_and_practices_show_how_many_members_they_answered() {
    let w = world();
    let page = tuyere_page(&w);
    let thread = answered_thread(&w, &w.slug, &w.bob, &w.moderator, "Tuyere blockage in our foundry", "Our tuyeres block every week.");
    let practice = "/registry/practices/double-blast-cupolas-samalkha";
    let record = {
        let mut conn = w.app.db();
        solex::models::registry::find_by_slug(&mut conn, "practice", "double-blast-cupolas-samalkha").unwrap().unwrap().id
    };
    let visitor = w.app.client();
    for path in ["/kb/tuyere-cleaning", practice] {
        assert!(!visitor.get(path).body.contains("answered-members"), "nothing before anyone found an answer: {path}");
    }
    assert!(!w.alice.get(&format!("/c/{}/t/{thread}", w.slug)).body.contains("answered-members"));

    let answered = |who: &Client, target: String| assert_eq!(who.post(&format!("/c/{}/answered", w.slug), &[("target", &target)]).status, 303);
    answered(&w.alice, format!("page:{page}"));
    answered(&w.bob, format!("page:{page}"));
    answered(&w.alice, format!("thread:{thread}"));
    answered(&w.alice, format!("record:{record}"));
    // Bob's query closed with the page he had marked: still one member, two questions.
    let id = ask(&w, &w.bob, "Cleaning the tuyeres", "Our tuyeres block and waste coke.");
    let v = version_of(&w, id).to_string();
    assert_eq!(w.moderator.post(&format!("/c/{}/queue/{id}/answered", w.slug), &[("version", &v), ("target", &format!("page:{page}"))]).status, 303);

    let kb = visitor.get("/kb/tuyere-cleaning").body;
    assert!(kb.contains("This answered 2 members&#39; questions") || kb.contains("This answered 2 members' questions"), "{kb}");
    assert!(w.moderator.get("/kb/tuyere-cleaning").body.contains("Answered 3 questions before they were posted"), "editors still see the questions");
    let t = w.alice.get(&format!("/c/{}/t/{thread}", w.slug)).body;
    assert!(t.contains("This answered 1 member&#39;s question") || t.contains("This answered 1 member's question"), "{t}");
    let rec = visitor.get(practice).body;
    assert!(rec.contains("This answered 1 member&#39;s question") || rec.contains("This answered 1 member's question"), "{rec}");
    // In Hindi for a Hindi reader.
    let hindi = w.app.client();
    hindi.get("/lang/hi?next=/");
    assert!(hindi.get("/kb/tuyere-cleaning").body.contains("इससे 2 सदस्यों को अपने प्रश्नों का उत्तर मिला"));
    assert!(hindi.get(practice).body.contains("इससे 1 सदस्य को अपने प्रश्न का उत्तर मिला"));
}
