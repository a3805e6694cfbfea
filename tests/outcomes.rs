//! "It worked?": members say whether a knowledge page or a registry best practice worked for
//! them (one answer each, which they may change); the counts show on the page and in search,
//! where "worked for at least one unit" is a filter; sixty days after a query is answered by a
//! page its asker is asked once by mail, and the mail's links record nothing until confirmed;
//! moderators fold members' notes into the page as a new revision.

mod common;

use common::world::{ask, decide, version_of, world, World};
use common::Client;
use diesel::prelude::*;
use solex::db::schema::outcomes as oc;

const PAGE: &str = "/kb/cutting-coke-use-in-cupola-furnaces";
const PRACTICE: &str = "/registry/practices/double-blast-cupolas-samalkha";

fn report(c: &Client, base: &str, verdict: &str, note: &str) -> common::Resp {
    let form = format!("{base}/outcome");
    c.submit(&form, &form, &[("verdict", verdict), ("note", note)])
}

/// Every stored answer: (user, subject, verdict, note).
fn stored(w: &World) -> Vec<(i64, String, String, String)> {
    let mut conn = w.app.db();
    oc::table.select((oc::user_id, oc::subject, oc::verdict, oc::note)).order(oc::id.asc()).load(&mut *conn).unwrap()
}

#[test]
fn one_answer_per_member_which_they_may_change_and_the_page_counts_them() {
    let w = world();
    let alice = w.app.user_id("alice@example.org");
    let anon = w.app.client();
    assert!(anon.get(PAGE).body.contains("No member has said yet"), "the page says nobody answered yet");
    let r = anon.get(&format!("{PAGE}/outcome"));
    assert_eq!((r.status, r.location.as_deref().map(|l| l.starts_with("/login"))), (303, Some(true)), "visitors sign in first");

    let r = report(&w.alice, PAGE, "worked", "Saved a fifth of our coke.");
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(&*format!("{PAGE}#outcomes-h")));
    let page = anon.get(PAGE).body;
    assert!(page.contains("Worked for 1 unit ·") && page.contains("did not work for 0"), "{page}");

    // Alice changes her mind: still one answer of hers, now the other way.
    let form = w.alice.get(&format!("{PAGE}/outcome")).body;
    assert!(form.contains(r#"value="worked" checked"#) && form.contains("Saved a fifth of our coke."), "her answer is shown again: {form}");
    assert_eq!(report(&w.alice, PAGE, "failed", "The blower was too small.").status, 303);
    assert_eq!(report(&w.bob, PAGE, "worked", "").status, 303);
    assert_eq!(report(&w.outsider, PAGE, "tried", "").status, 303);
    assert_eq!(
        stored(&w).into_iter().filter(|s| s.0 == alice).collect::<Vec<_>>(),
        [(alice, "page".to_string(), "failed".to_string(), "The blower was too small.".to_string())]
    );
    let page = anon.get(PAGE).body;
    assert!(page.contains("Worked for 1 unit ·") && page.contains("tried, no result yet: 1") && page.contains("did not work for 1"), "{page}");

    // Checked before anything is kept: a note too long, an answer not offered.
    let before = stored(&w);
    let r = report(&w.alice, PAGE, "worked", &"x".repeat(501));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("A note has at most 500 characters."), "{}", r.body);
    let r = report(&w.alice, PAGE, "maybe", "");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose one of the three answers."), "{}", r.body);
    assert_eq!(stored(&w), before, "nothing written");
    // The form, the counts and the message in Hindi.
    let r = w.alice.submit("/profile", "/profile", &[("name", "Alice Ahuja"), ("language", "hi")]);
    assert_eq!(r.status, 303);
    let r = report(&w.alice, PAGE, "", "");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("तीन उत्तरों में से एक चुनें।"), "{}", r.body);
    assert!(w.alice.get(PAGE).body.contains("1 इकाई के काम आया"));
    // A draft or unknown page takes no answers; a form without its token is refused.
    assert_eq!(w.bob.get("/kb/not-a-page/outcome").status, 404);
    assert_eq!(w.bob.post("/kb/not-a-page/outcome", &[("verdict", "worked")]).status, 404);
    assert_eq!(w.bob.post_raw(&format!("{PAGE}/outcome"), &[("verdict", "worked")]).status, 403);

    // Best practices take answers the same way, shown on the record's page.
    assert!(anon.get(PRACTICE).body.contains("No member has said yet"));
    assert_eq!(report(&w.bob, PRACTICE, "worked", "Our cupola too.").status, 303);
    assert_eq!(report(&w.bob, PRACTICE, "worked", "Our cupola, two years on.").status, 303);
    assert!(anon.get(PRACTICE).body.contains("Worked for 1 unit ·"));
    assert_eq!(w.bob.post("/registry/practices/no-such-practice/outcome", &[("verdict", "worked")]).status, 404);
    w.app.drain();
}

#[test]
fn search_filters_what_worked_and_shows_the_count_from_the_index() {
    let w = world();
    w.app.drain();
    let anon = w.app.client();
    let all = anon.get("/search?q=cupola").body;
    assert!(all.contains("Cutting coke use in cupola furnaces") && !all.contains("Worked for at least one unit"), "{all}");
    let none = anon.get("/search?q=cupola&worked=yes").body;
    assert!(none.contains("0 results"), "{none}");

    assert_eq!(report(&w.alice, PAGE, "worked", "").status, 303);
    assert_eq!(report(&w.bob, PAGE, "worked", "").status, 303);
    assert_eq!(report(&w.outsider, PRACTICE, "worked", "").status, 303);
    assert_eq!(report(&w.moderator, "/kb/safer-charging-and-housekeeping-in-foundries", "failed", "").status, 303);
    w.app.drain();

    let all = anon.get("/search?q=cupola").body;
    assert!(all.contains("Worked for at least one unit</a> (2)"), "the facet counts every match that worked: {all}");
    assert!(all.contains("Worked for 2 units") && all.contains("Worked for 1 unit"), "each hit shows its count: {all}");
    let worked = anon.get("/search?q=cupola&worked=yes").body;
    assert!(worked.contains("2 results") && worked.contains("Cutting coke use in cupola furnaces") && worked.contains("Double-blast cupolas"), "{worked}");
    assert!(!worked.contains("Safer charging"), "what did not work is left out: {worked}");
    let api: serde_json::Value = serde_json::from_str(&anon.get("/api/search?q=cupola&worked=yes&kind=page").body).unwrap();
    assert_eq!(api["total"], 1);
    assert_eq!(api["hits"][0]["worked"], 2);
    assert_eq!(anon.get("/api/search?q=cupola&worked=maybe").status, 400);

    // A changed answer reaches the index through the outbox.
    assert_eq!(report(&w.outsider, PRACTICE, "failed", "").status, 303);
    w.app.drain();
    let worked = anon.get("/search?q=cupola&worked=yes").body;
    assert!(worked.contains("1 results") || worked.contains("1 result"), "{worked}");
    assert!(!worked.contains("Double-blast cupolas"), "{worked}");
}

/// Alice's approved query, closed by the moderator with the shipped coke page.
fn answered_query(w: &World) -> i64 {
    let id = ask(w, &w.alice, "Too much coke in our cupola", "We burn 16% coke. What can we do?");
    decide(w, &w.moderator, id, &[("action", "approve")]);
    let close = format!("/c/{}/t/{id}/close", w.slug);
    let r = w.moderator.submit(&format!("/c/{}/t/{id}", w.slug), &close, &[("how", "existing_page"), ("page", "cutting-coke-use-in-cupola-furnaces")]);
    assert_eq!(r.status, 303, "{}", r.body);
    id
}

/// The scheduler's pass with the clock moved on: nothing at 59 days, one ask at 61, none again.
fn asks_once_after_sixty_days(w: &World) {
    let env = w.app.env();
    let now = solex::models::now();
    let ask_due = |days: i64| {
        let mut conn = w.app.db();
        solex::services::outcomes::ask_due(&mut conn, &env, now + chrono::Duration::days(days)).unwrap()
    };
    assert_eq!(ask_due(59), 0, "not before sixty days");
    assert_eq!(ask_due(61), 1);
    assert_eq!(ask_due(62), 0, "asked once");
}

#[test]
fn sixty_days_on_the_asker_is_asked_once_and_a_link_records_only_when_confirmed() {
    let w = world();
    let query = answered_query(&w);
    w.app.drain();
    asks_once_after_sixty_days(&w);
    w.app.drain();
    let mails: Vec<_> = w.app.mails().into_iter().filter(|m| m.to == "alice@example.org" && m.subject.contains("Did the answer")).collect();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.text.contains("Cutting coke use in cupola furnaces"), "{}", mail.text);
    for answer in ["tried", "worked", "failed"] {
        assert!(mail.text.contains(&format!("/outcomes/ask/{query}/")) && mail.text.contains(&format!("?answer={answer}")), "one link per answer: {}", mail.text);
    }
    let link = mail.link("?answer=worked");

    // A mail scanner fetching the link records nothing; the page shows the answer chosen.
    let scanner = w.app.client();
    let r = scanner.get(&link);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(r#"value="worked" checked"#) && r.body.contains("Confirm"), "{}", r.body);
    assert!(stored(&w).is_empty(), "GET records nothing");
    // Alice confirms, without signing in, with a note.
    let action = link.split('?').next().unwrap().to_string();
    let r = scanner.post(&action, &[("verdict", "worked"), ("note", "Down to 11% coke.")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let alice = w.app.user_id("alice@example.org");
    assert_eq!(stored(&w), [(alice, "page".to_string(), "worked".to_string(), "Down to 11% coke.".to_string())]);
    assert!(scanner.get(&r.location.unwrap()).body.contains("your answer is saved"));
    assert!(w.app.client().get(PAGE).body.contains("Worked for 1 unit"));
    // Another answer through the link replaces hers; a note too long is refused first.
    assert_eq!(scanner.post(&action, &[("verdict", "worked"), ("note", &"y".repeat(501))]).status, 400);
    assert_eq!(scanner.post(&action, &[("verdict", "tried"), ("note", "")]).status, 303);
    assert_eq!(stored(&w).len(), 1);
    // A link with another token, or for another query, holds nothing.
    let forged = action.replace(&action[action.len() - 6..], "000000");
    assert_eq!(scanner.get(&forged).status, 404);
    assert_eq!(scanner.post(&forged, &[("verdict", "worked")]).status, 404);
    let other = action.replace(&format!("/ask/{query}/"), &format!("/ask/{}/", query + 1000));
    assert_eq!(scanner.get(&other).status, 404);
    w.app.drain();
}

#[test]
fn a_query_closed_as_answered_by_a_page_gets_the_same_ask_sixty_days_on_in_the_askers_language() {
    let w = world();
    // Bob reads in Hindi; his query is closed in the queue as answered by the shipped page.
    let r = w.bob.submit("/profile", "/profile", &[("name", "Bob Bhatt"), ("organisation", ""), ("language", "hi")]);
    assert!(r.status < 400, "{}", r.body);
    let query = ask(&w, &w.bob, "Too much coke in our cupola", "We burn 16% coke. What can we do?");
    let page_id = {
        let mut conn = w.app.db();
        solex::models::page::find_by_slug(&mut conn, "cutting-coke-use-in-cupola-furnaces").unwrap().unwrap().id
    };
    let v = version_of(&w, query).to_string();
    let r = w.moderator.post(&format!("/c/{}/queue/{query}/answered", w.slug), &[("version", &v), ("target", &format!("page:{page_id}"))]);
    assert_eq!(r.status, 303, "{}", r.body);
    w.app.drain();
    let before = w.app.mail_count("bob@example.org");
    asks_once_after_sixty_days(&w);
    w.app.drain();
    assert_eq!(w.app.mail_count("bob@example.org"), before + 1);
    let mail = w.app.mail_for("bob@example.org", before + 1);
    assert!(mail.subject.contains("का उत्तर काम आया?") && mail.text.contains("Cutting coke use in cupola furnaces"), "in Hindi, naming the page: {} {}", mail.subject, mail.text);
    let link = mail.link("?answer=worked");
    assert!(link.contains(&format!("/outcomes/ask/{query}/")), "{link}");

    // The same confirm step: nothing on GET, his answer on POST, without signing in.
    let scanner = w.app.client();
    let r = scanner.get(&link);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(r#"value="worked" checked"#), "{}", r.body);
    assert!(stored(&w).is_empty(), "GET records nothing");
    let action = link.split('?').next().unwrap().to_string();
    assert_eq!(scanner.post(&action, &[("verdict", "worked"), ("note", "Coke down to 12%.")]).status, 303);
    let bob = w.app.user_id("bob@example.org");
    assert_eq!(stored(&w), [(bob, "page".to_string(), "worked".to_string(), "Coke down to 12%.".to_string())]);
    w.app.drain();
}

#[test]
fn moderators_read_the_notes_and_fold_them_into_the_page_as_a_revision() {
    let w = world();
    assert_eq!(report(&w.alice, PAGE, "worked", "Saved a fifth of our coke with a second blast row.").status, 303);
    assert_eq!(report(&w.bob, PAGE, "failed", "Our blower was too small.").status, 303);
    assert_eq!(report(&w.outsider, PAGE, "tried", "").status, 303);
    let notes = format!("{PAGE}/field-reports");
    assert_eq!(w.alice.get(&notes).status, 403, "members do not read others' notes");
    assert_eq!(w.other_moderator.get(&notes).status, 403, "nor moderators of another theme");
    let list = w.moderator.get(&notes);
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Saved a fifth of our coke") && list.body.contains("Our blower was too small.") && list.body.contains("Alice Ahuja"), "{}", list.body);
    assert!(w.moderator.get(PAGE).body.contains(&notes), "the page links its editors to the notes");

    let alice_note = {
        let mut conn = w.app.db();
        let alice = w.app.user_id("alice@example.org");
        oc::table.filter(oc::user_id.eq(alice)).select(oc::id).first::<i64>(&mut *conn).unwrap().to_string()
    };
    let revision = common::hidden_value(&list.body, "revision").unwrap();
    let r = w.moderator.post(&notes, &[("revision", &revision)]);
    assert_eq!(r.status, 400, "choosing none is refused");
    let r = w.moderator.post(&notes, &[("revision", &revision), ("notes", &alice_note)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = w.app.client().get(PAGE).body;
    assert!(page.contains("Field reports") && page.contains("Saved a fifth of our coke with a second blast row."), "{page}");
    assert!(!page.contains("Our blower was too small."), "only the chosen note");
    let next: i32 = revision.parse::<i32>().unwrap() + 1;
    let history = w.moderator.get(&format!("{PAGE}/revisions")).body;
    assert!(history.contains("field reports"), "a revision in the page's history: {history}");
    assert!(w.moderator.get(&format!("{PAGE}/revisions/{next}")).status == 200);
    let list = w.moderator.get(&notes).body;
    assert!(list.contains("on the page"), "{list}");
    // The same note again, or at a revision that moved on, is refused and changes nothing.
    let now = common::hidden_value(&list, "revision").unwrap();
    assert_eq!(now, next.to_string());
    assert_eq!(w.moderator.post(&notes, &[("revision", &now), ("notes", &alice_note)]).status, 400);
    assert_eq!(w.moderator.post(&notes, &[("revision", &revision), ("notes", &alice_note)]).status, 409);
    assert_eq!(common::hidden_value(&w.moderator.get(&notes).body, "revision").unwrap(), next.to_string());
    // A practice's notes are read by the focal points and reviewers who keep it.
    assert_eq!(report(&w.bob, PRACTICE, "worked", "Works in Batala too.").status, 303);
    assert_eq!(w.alice.get(&format!("{PRACTICE}/field-reports")).status, 403);
    w.app.drain();
}
