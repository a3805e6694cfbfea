//! Stakeholders are heard: anyone sends feedback on a published registry record; the focal
//! points of its state get it by mail and in their queue, answer it (mailed to the sender) or
//! act on it; what waits too long goes to the national focal points. Each kind of record has an
//! Atom feed of what was newly published or updated.

mod common;

use common::{Client, TestApp};
use diesel::prelude::*;
use solex::db::schema::registry_feedback as rf;

const PW: &str = "kollegal silk reelers";
const RECORD: &str = "/registry/initiatives/panipat-energy-audits";

use common::world::{focal_points, submit_panipat, FocalPoints as Registry};

fn registry() -> Registry {
    focal_points(PW)
}

/// The Haryana focal point submits the Panipat initiative and the national focal point
/// publishes it.
fn publish_panipat(r: &Registry) {
    submit_panipat(r);
    let page = r.national.get(&format!("{RECORD}/review/1"));
    let lock = common::hidden_value(&page.body, "lock").expect("lock field");
    let resp = r.national.post(&format!("{RECORD}/review/1"), &[("lock", lock.as_str()), ("decision", "approve"), ("comment", "")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
}

fn send(c: &Client, fields: &[(&str, &str)]) -> common::Resp {
    c.submit(RECORD, &format!("{RECORD}/feedback"), fields)
}

fn stored(app: &TestApp) -> Vec<i64> {
    let mut conn = app.db();
    rf::table.select(rf::id).order(rf::id.asc()).load(&mut *conn).unwrap()
}

/// Mails to `to` whose subject has `about`, once everything due is sent.
fn mails_about(app: &TestApp, to: &str, about: &str) -> Vec<common::Mail> {
    app.drain();
    app.mails().into_iter().filter(|m| m.to == to && m.subject.contains(about)).collect()
}

#[test]
fn anonymous_feedback_reaches_the_state_focal_point_who_answers_the_sender() {
    let r = registry();
    publish_panipat(&r);
    let anon = r.app.client();
    let page = anon.get(RECORD);
    assert!(page.body.contains("0 feedback items resolved, 0 open"), "{}", page.body);

    let resp = send(&anon, &[("feedback_kind", "correction"), ("feedback_text", "The district is Karnal, not Panipat."), ("feedback_name", "Vikram"), ("feedback_contact", "vikram@example.net"), ("feedback_website", "")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let thanked = anon.get(resp.location.as_deref().unwrap());
    assert!(thanked.body.contains("Your feedback has gone to the focal point"), "{}", thanked.body);
    let ids = stored(&r.app);
    assert_eq!(ids.len(), 1);
    let item = format!("/registry/feedback/{}", ids[0]);

    // The state's focal point is told by mail, with the item's link, and finds it in the queue.
    let told = mails_about(&r.app, "hr@example.org", "feedback received (Correction)");
    assert_eq!(told.len(), 1, "one notice to the Haryana focal point");
    assert!(told[0].text.contains(&item), "{}", told[0].text);
    assert!(r.haryana.get("/registry/feedback").body.contains(&item));
    let seen = r.haryana.get(&item);
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("vikram@example.net") && seen.body.contains("The district is Karnal"), "{}", seen.body);

    // Nobody else sees it or the sender's contact: not another state's focal point, not a
    // member, not the public page.
    assert_eq!(r.punjab.get(&item).status, 403);
    assert!(!r.punjab.get("/registry/feedback").body.contains(&item));
    assert_eq!(r.member.get(&item).status, 403);
    assert_eq!(r.member.get("/registry/feedback").status, 403);
    assert_eq!(r.punjab.post(&item, &[("action", "declined"), ("note", "Not mine")]).status, 403);
    assert!(mails_about(&r.app, "pb@example.org", "feedback").is_empty());
    assert!(!anon.get(RECORD).body.contains("vikram@example.net"));

    // An answer without words is refused and changes nothing.
    let resp = r.haryana.submit(&item, &item, &[("action", "answer"), ("note", "  ")]);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("Write the answer or a note."), "{}", resp.body);

    // The answer goes to the address the visitor left, and the record counts it resolved.
    let resp = r.haryana.submit(&item, &item, &[("action", "answer"), ("note", "Thank you: corrected to Karnal.")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let answer = r.app.mail_for("vikram@example.net", 1);
    assert!(answer.subject.contains("Energy audits for Panipat foundries"), "{}", answer.subject);
    assert!(answer.text.contains("Thank you: corrected to Karnal.") && answer.text.contains("The district is Karnal"), "{}", answer.text);
    assert!(anon.get(RECORD).body.contains("1 feedback item resolved, 0 open"));
    // Answered once: a second answer is refused, and no second mail goes.
    assert_eq!(r.national.post(&item, &[("action", "answer"), ("note", "Again")]).status, 409);
    assert_eq!(r.app.mail_count("vikram@example.net"), 1);
}

#[test]
fn feedback_unanswered_past_the_deadline_goes_to_the_national_focal_point() {
    let r = registry();
    publish_panipat(&r);
    let anon = r.app.client();
    let resp = send(&anon, &[("feedback_kind", "update"), ("feedback_text", "The audits finished in 2025."), ("feedback_contact", "+91 98765 43210")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let id = stored(&r.app)[0];
    let item = format!("/registry/feedback/{id}");
    let env = r.app.env();
    assert_eq!(env.registry_feedback_days, 14, "the default deadline");
    let back_date = |days: i64| {
        let mut conn = r.app.db();
        let at = solex::models::now() - chrono::Duration::days(days);
        diesel::update(rf::table.find(id)).set(rf::created_at.eq(at)).execute(&mut *conn).unwrap();
    };
    let escalate = || {
        let mut conn = r.app.db();
        solex::services::registry::escalate_feedback(&mut conn, &env, solex::models::now()).unwrap()
    };

    // Within the deadline it stays with the state.
    back_date(13);
    assert_eq!(escalate(), 0);
    assert!(mails_about(&r.app, "nfp@example.org", "unanswered").is_empty());

    // Past it, the national focal point is told once, and sees the contact.
    back_date(15);
    assert_eq!(escalate(), 1);
    assert_eq!(escalate(), 0, "escalated once only");
    let told = mails_about(&r.app, "nfp@example.org", "feedback unanswered by the state's focal points (Update)");
    assert_eq!(told.len(), 1);
    assert!(told[0].text.contains(&item), "{}", told[0].text);
    let seen = r.national.get(&item);
    assert!(seen.body.contains("+91 98765 43210") && seen.body.contains("sent on to the national focal points"), "{}", seen.body);

    // The national focal point acts on it; a phone number gets no mail.
    let resp = r.national.submit(&item, &item, &[("action", "acted"), ("note", "End year set to 2025.")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    assert!(anon.get(RECORD).body.contains("1 feedback item resolved, 0 open"));
    assert!(r.app.mails().iter().all(|m| !m.to.contains("98765")));
}

#[test]
fn bad_feedback_is_shown_again_with_messages_and_nothing_is_stored() {
    let r = registry();
    publish_panipat(&r);
    let anon = r.app.client();
    let resp = send(&anon, &[("feedback_kind", "praise"), ("feedback_text", "   "), ("feedback_name", "Vikram"), ("feedback_contact", "call me maybe")]);
    assert_eq!(resp.status, 400);
    for message in ["Choose what kind of feedback this is.", "Write your feedback.", "Give a mail address (name@example.org) or a phone number"] {
        assert!(resp.body.contains(message), "{message}: {}", resp.body);
    }
    assert!(resp.body.contains("value=\"Vikram\""), "the form keeps what was typed");
    let long = "x".repeat(4001);
    assert_eq!(send(&anon, &[("feedback_kind", "complaint"), ("feedback_text", &long)]).status, 400);

    // In Hindi too.
    let hindi = r.app.client();
    hindi.get("/lang/hi?next=/");
    let resp = send(&hindi, &[("feedback_kind", ""), ("feedback_text", "")]);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("अपनी प्रतिक्रिया लिखें।") && resp.body.contains("चुनें कि यह किस प्रकार की प्रतिक्रिया है।"), "{}", resp.body);

    // Without the form's token, or with the field people do not see filled in, nothing is kept.
    let resp = anon.post_raw(&format!("{RECORD}/feedback"), &[("feedback_kind", "complaint"), ("feedback_text", "No token")]);
    assert!(resp.status >= 400, "{}", resp.status);
    let resp = send(&anon, &[("feedback_kind", "complaint"), ("feedback_text", "Cheap pumps here"), ("feedback_website", "http://spam.example")]);
    assert_eq!(resp.status, 303, "a program is answered like a person");
    assert!(stored(&r.app).is_empty());
    assert!(mails_about(&r.app, "hr@example.org", "feedback").is_empty());

    // Feedback on a record that is not published is refused.
    assert_eq!(anon.submit(RECORD, "/registry/initiatives/no-such-record/feedback", &[("feedback_kind", "update"), ("feedback_text", "x")]).status, 404);
}

#[test]
fn the_feed_of_a_kind_lists_a_newly_approved_record() {
    let r = registry();
    let anon = r.app.client();
    let list = anon.get("/registry/initiatives");
    assert!(list.body.contains(r#"<link rel="alternate" type="application/atom+xml" title="solex: Cluster-development initiatives" href="/registry/initiatives/feed.atom">"#), "{}", list.body);
    let before = anon.get("/registry/initiatives/feed.atom");
    assert!(!before.body.contains("Energy audits for Panipat foundries"));

    publish_panipat(&r);
    let feed = anon.get("/registry/initiatives/feed.atom");
    assert_eq!(feed.status, 200);
    assert!(feed.header("content-type").unwrap().starts_with("application/atom+xml"));
    assert!(feed.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"), "{}", feed.body);
    assert!(feed.body.contains("<title>Energy audits for Panipat foundries</title>"), "{}", feed.body);
    assert!(feed.body.contains(&format!("<id>{}{RECORD}</id>", r.app.base)), "{}", feed.body);
    // Last published first: the new record leads the seeded ones.
    let first = feed.body.split("<entry>").nth(1).unwrap();
    assert!(first.contains("Energy audits for Panipat foundries"), "{first}");
    assert_eq!(feed.body.matches("<entry>").count(), before.body.matches("<entry>").count() + 1);
    // Each kind has its own feed.
    assert!(!anon.get("/registry/practices/feed.atom").body.contains("Energy audits for Panipat foundries"));
    assert_eq!(anon.get("/registry/nonsense/feed.atom").status, 404);
}
