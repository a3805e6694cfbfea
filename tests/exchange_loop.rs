//! The exchange loop by mail (Figure 2.4), over a real SMTP server: authors hear of each step
//! of their posts, moderators get what waits (daily, and at once when a query waits too long),
//! a consolidated reply reaches the asker, those who replied and the community, and each
//! member chooses per topic how notices come.

mod common;

use chrono::{Duration, NaiveDateTime, Timelike};
use common::smtp::{header, SmtpServer};
use common::world::*;
use mail_parser::MessageParser;

/// Notices to `to` so far (mail marked Auto-Submitted, not list mail), as (subject, text).
fn notices(w: &World, smtp: &SmtpServer, to: &str) -> Vec<(String, String)> {
    w.app.drain();
    smtp.messages_to(to)
        .into_iter()
        .filter(|raw| header(raw, "Auto-Submitted").is_some() && header(raw, "List-Id").is_none())
        .map(|raw| {
            let m = MessageParser::default().parse(&raw).unwrap();
            (m.subject().unwrap_or_default().to_string(), m.body_text(0).unwrap().into_owned())
        })
        .collect()
}

fn subjects(list: &[(String, String)]) -> Vec<&str> {
    list.iter().map(|(s, _)| s.as_str()).collect()
}

/// The one notice to `to` whose subject starts with `start`.
fn notice(w: &World, smtp: &SmtpServer, to: &str, start: &str) -> String {
    let all = notices(w, smtp, to);
    let found: Vec<&(String, String)> = all.iter().filter(|(s, _)| s.starts_with(start)).collect();
    assert_eq!(found.len(), 1, "one notice {start:?} to {to}: {:?}", subjects(&all));
    found[0].1.clone()
}

fn reply(w: &World, who: &common::Client, thread: i64, body: &str) -> i64 {
    let r = who.post_multipart(&format!("/c/{}/t/{thread}/reply", w.slug), &[("body", body)], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let mut conn = w.app.db();
    solex::models::post::queue(&mut conn, 1, &[solex::models::post::Status::Pending], Some(false), 10).unwrap().last().unwrap().0.id
}

/// The scheduler's daily pass at `now`, as the server runs it every minute.
fn daily(w: &World, now: NaiveDateTime) -> usize {
    let mut conn = w.app.db();
    solex::services::notify::daily_tick(&mut conn, &w.app.env(), now).unwrap()
}

/// Today at noon (UTC), after the daily mail hour.
fn noon() -> NaiveDateTime {
    solex::models::now().with_hour(12).unwrap()
}

#[test]
fn authors_hear_when_a_post_is_received_sent_back_approved_or_rejected() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let id = ask(&w, &w.alice, "Cupola lining life", "How long does a lining last?");
    let text = notice(&w, &smtp, "alice@example.org", "solex: received · Cupola lining life");
    assert!(text.contains("Energy efficiency in foundries") && text.contains(&format!("/my/posts#post-{id}")), "{text}");
    assert!(notices(&w, &smtp, "mod@example.org").is_empty(), "moderators take their queue daily by default");

    let r = decide(&w, &w.moderator, id, &[("action", "changes"), ("message", "Say which refractory you use.")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let text = notice(&w, &smtp, "alice@example.org", "solex: Cupola lining life · ");
    assert!(text.contains("Say which refractory you use.") && text.contains(&format!("/c/{}/posts/{id}/edit", w.slug)), "the note and the link to change it: {text}");

    // Sent in again: a receipt again; approved: the link to the post.
    let edit = w.alice.get(&format!("/c/{}/posts/{id}/edit", w.slug));
    assert_eq!(edit.status, 200, "{}", edit.body);
    let version = common::hidden_value(&edit.body, "version").unwrap();
    let r = w.alice.post(&format!("/c/{}/posts/{id}/edit", w.slug), &[("version", &version), ("title", "Cupola lining life"), ("body", "Silica ramming mass: how long does it last?"), ("themes", "energy-efficiency")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(notices(&w, &smtp, "alice@example.org").iter().filter(|(s, _)| s.starts_with("solex: received")).count(), 2);
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let approved: Vec<String> = notices(&w, &smtp, "alice@example.org").into_iter().filter(|(s, _)| s.ends_with("Published")).map(|(_, t)| t).collect();
    assert_eq!(approved.len(), 1, "one approval notice");
    assert!(approved[0].contains(&format!("/c/{}/t/{id}#post-{id}", w.slug)), "{}", approved[0]);

    // A rejection carries its reason; a reply's notices name its thread.
    let r_id = reply(&w, &w.bob, id, "Ours lasts a week.");
    assert!(notices(&w, &smtp, "bob@example.org").iter().any(|(s, _)| s == "solex: received · Re: Cupola lining life"));
    assert_eq!(decide(&w, &w.moderator, r_id, &[("action", "reject"), ("message", "Please add how you measured it.")]).status, 303);
    let text = notice(&w, &smtp, "bob@example.org", "solex: Re: Cupola lining life · ");
    assert!(text.contains("Please add how you measured it."), "{text}");
}

#[test]
fn moderators_get_what_waits_once_a_day_and_a_query_left_too_long_at_once() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let waiting = ask(&w, &w.alice, "Blower sizing", "What blower for a 3 tonne cupola?");
    let answered = ask(&w, &w.bob, "Coke ash", "Where does the ash go?");
    assert_eq!(decide(&w, &w.moderator, answered, &[("action", "approve")]).status, 303);
    assert_eq!(w.outsider.post(&format!("/c/{}/join", w.slug), &[]).status, 303);

    // Before the daily hour nothing goes; after it, one mail a day.
    let early = noon().with_hour(1).unwrap();
    assert_eq!(daily(&w, early), 0);
    assert!(notices(&w, &smtp, "mod@example.org").is_empty());
    assert_eq!(daily(&w, noon()), 1);
    assert_eq!(daily(&w, noon() + Duration::minutes(5)), 0, "once a day");
    let text = notice(&w, &smtp, "mod@example.org", "solex: 2 items wait in your queues");
    assert!(text.contains("Energy efficiency in foundries: 1 posts, 0 flags and 1 join requests waiting."), "{text}");
    assert!(text.contains("Blower sizing") && text.contains(&format!("/c/{}/queue/{waiting}", w.slug)), "each item links to it: {text}");
    assert!(!notices(&w, &smtp, "othermod@example.org").iter().any(|(s, _)| s.contains("queues")), "another community's moderator hears nothing");

    // A query waiting longer than allowed (24 hours) goes out at once, once.
    let created = {
        let mut conn = w.app.db();
        solex::models::post::find(&mut conn, waiting).unwrap().created_at
    };
    daily(&w, created + Duration::hours(23));
    assert!(notices(&w, &smtp, "mod@example.org").iter().all(|(s, _)| !s.starts_with("solex: waiting")));
    daily(&w, created + Duration::hours(25));
    daily(&w, created + Duration::hours(26));
    let urgent = notice(&w, &smtp, "mod@example.org", "solex: waiting 25 hours · Blower sizing");
    assert!(urgent.contains(&format!("/c/{}/queue/{waiting}", w.slug)), "{urgent}");

    // Due soon: an approved query whose reply is due within two days (the community allows
    // 10; this one has waited eight already).
    let due = solex::models::now() + Duration::days(1);
    {
        use diesel::prelude::*;
        use solex::db::schema::posts;
        let mut conn = w.app.db();
        diesel::update(posts::table.find(answered)).set(posts::response_due_at.eq(Some(due))).execute(&mut *conn).unwrap();
    }
    assert_eq!(daily(&w, noon() + Duration::days(2)), 1, "that day's mail (the urgent query was told already)");
    let text = notices(&w, &smtp, "mod@example.org").into_iter().filter(|(s, _)| s.contains("wait in your queues")).next_back().unwrap().1;
    assert!(text.contains(&format!("reply due {}: Coke ash", due.format("%Y-%m-%d"))), "{text}");

    // A moderator who takes the queue at once hears of each new item as it comes.
    let r = w.moderator.post("/profile/notices", &[("n-moderator_queue", "now")]);
    assert_eq!(r.status, 303, "{}", r.body);
    ask(&w, &w.alice, "Scrap prices", "Where do you buy scrap?");
    let text = notice(&w, &smtp, "mod@example.org", "solex: new in the Energy efficiency in foundries queue");
    assert!(text.contains("A post waits for moderation: Scrap prices"), "{text}");
}

#[test]
fn a_consolidated_reply_reaches_the_asker_those_who_replied_and_the_community() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    // Olga takes each message; Omar takes the daily digest.
    join_and_approve(&w.app, &w.slug, &w.outsider, "out@example.org", &w.moderator);
    join_and_approve(&w.app, &w.slug, &w.other_moderator, "othermod@example.org", &w.moderator);
    let membership = {
        let mut conn = w.app.db();
        let community = solex::models::community::find_by_slug(&mut conn, &w.slug).unwrap().id;
        solex::models::membership::find(&mut conn, community, w.app.user_id("othermod@example.org")).unwrap().unwrap().id
    };
    assert_eq!(w.other_moderator.post("/profile/delivery", &[(&format!("d-{membership}"), "daily")]).status, 303);

    let id = ask(&w, &w.alice, "Slag from cupolas", "Where can we use 3,000 tonnes of slag?");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let r_id = reply(&w, &w.bob, id, "We sold ours to a brick maker.");
    assert_eq!(decide(&w, &w.moderator, r_id, &[("action", "approve")]).status, 303);
    let thread = w.alice.get(&format!("/c/{}/t/{id}", w.slug)).body;
    assert!(thread.contains("Consolidated reply due by"), "the response window shows on the thread");

    let path = format!("/kb/new?thread={id}");
    let r = w.moderator.submit(&path, &path, &[
        ("title", "Using foundry slag"), ("slug", ""), ("problem", "Slag piles up along roads."), ("solution", "Sell it to brick makers."),
        ("themes", "energy-efficiency"), ("language", "en"), ("source_threads", &id.to_string()),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(notices(&w, &smtp, "alice@example.org").iter().all(|(s, _)| !s.starts_with("solex: answered")), "a draft answers no one");
    let edit = w.moderator.get("/kb/using-foundry-slag/edit").body;
    let rev = common::hidden_value(&edit, "revision").unwrap();
    let r = w.moderator.post("/kb/using-foundry-slag/edit", &[
        ("revision", &rev), ("action", "publish"), ("title", "Using foundry slag"), ("problem", "Slag piles up along roads."), ("solution", "Sell it to brick makers."),
        ("themes", "energy-efficiency"), ("language", "en"), ("source_threads", &id.to_string()),
    ]);
    assert!(r.status == 200 || r.status == 303, "{}", r.body);

    let asker = notice(&w, &smtp, "alice@example.org", "solex: answered · Slag from cupolas");
    assert!(asker.contains("Your query \"Slag from cupolas\" has a consolidated reply: Using foundry slag.") && asker.contains("/kb/using-foundry-slag"), "{asker}");
    let contributor = notice(&w, &smtp, "bob@example.org", "solex: answered · Slag from cupolas");
    assert!(contributor.contains("A query you replied to"), "{contributor}");
    assert!(smtp.list_messages_to("bob@example.org").iter().all(|raw| !header(raw, "Subject").unwrap().contains("Consolidated reply")), "those told in person get no list copy");

    let list = smtp.delivered(&w.app, "out@example.org", 1);
    let raw = list.iter().find(|raw| header(raw, "Subject").unwrap().contains("Consolidated reply")).expect("the list mail");
    let parsed = MessageParser::default().parse(raw).unwrap();
    assert_eq!(parsed.subject().unwrap(), "[Energy efficiency in foundries] Consolidated reply: Using foundry slag");
    let olga = w.app.user_id("out@example.org");
    assert_eq!(header(raw, "In-Reply-To").unwrap(), format!("<p{id}.u{olga}@solex.localhost>"), "it threads under the query");
    assert!(header(raw, "Reply-To").unwrap().contains(&format!("-{id}@solex.localhost")), "a reply goes to the thread");
    let text = MessageParser::default().parse(raw).unwrap().body_text(0).unwrap().into_owned();
    assert!(text.contains("Slag piles up along roads.") && text.contains("/kb/using-foundry-slag"), "{text}");

    // The thread links to its answer and leaves the due list; digest members get it under its own heading.
    let thread = w.bob.get(&format!("/c/{}/t/{id}", w.slug)).body;
    assert!(thread.contains("Answered:") && thread.contains("href=\"/kb/using-foundry-slag\""), "{thread}");
    assert!(!thread.contains("Consolidated reply due by"));
    let r = w.moderator.post(&format!("/c/{}/digests", w.slug), &[("audience", "daily")]);
    let page_path = r.location.unwrap();
    let edit = w.moderator.get(&page_path).body;
    let token = common::hidden_value(&edit, "csrf").unwrap();
    let r = w.moderator.post_raw(&page_path, &[("csrf", &token), ("editorial", ""), ("action", "send")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let digest = smtp.delivered(&w.app, "othermod@example.org", 1).into_iter().find(|raw| header(raw, "Subject").unwrap().contains("Digest")).unwrap();
    let text = MessageParser::default().parse(&digest).unwrap().body_text(0).unwrap().into_owned();
    assert!(text.contains("Consolidated replies") && text.contains("Using foundry slag") && text.contains("/kb/using-foundry-slag"), "{text}");
}

#[test]
fn a_query_is_closed_without_a_page_and_its_asker_gets_the_link() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let id = ask(&w, &w.alice, "Cutting coke", "How do others cut coke use?");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let close = format!("/c/{}/t/{id}/close", w.slug);
    assert_eq!(w.alice.post(&close, &[("how", "in_thread")]).status, 403, "members do not close queries");

    let r = w.moderator.post(&close, &[("how", "existing_page"), ("page", "no-such-page")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("No published page has the web name no-such-page"), "{}", r.body);
    let r = w.moderator.post(&close, &[("how", "by_magic")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose how the query was answered"), "{}", r.body);
    assert!(notices(&w, &smtp, "alice@example.org").iter().all(|(s, _)| !s.starts_with("solex: answered")), "a refused close tells no one");

    let r = w.moderator.post(&close, &[("how", "existing_page"), ("page", "/kb/cutting-coke-use-in-cupola-furnaces")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let text = notice(&w, &smtp, "alice@example.org", "solex: answered · Cutting coke");
    assert!(text.contains("an existing page answers") && text.contains("/kb/cutting-coke-use-in-cupola-furnaces"), "{text}");
    let thread = w.alice.get(&format!("/c/{}/t/{id}", w.slug)).body;
    assert!(thread.contains("Answered by an existing page:") && thread.contains("href=\"/kb/cutting-coke-use-in-cupola-furnaces\""));
    assert_eq!(w.moderator.post(&close, &[("how", "in_thread")]).status, 409, "answered once");
    assert!(!w.moderator.get(&format!("/c/{}/due", w.slug)).body.contains("Cutting coke"));
    assert!(w.moderator.get(&format!("/c/{}/log", w.slug)).body.contains("marked the query answered by an existing page"));
}

#[test]
fn each_member_chooses_per_topic_at_once_daily_or_off_from_the_profile_or_the_mail() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let profile = w.alice.get("/profile").body;
    assert!(profile.contains("name=\"n-post_status\"") && profile.contains("name=\"n-answers\""));
    assert!(!profile.contains("name=\"n-moderator_queue\""), "a member is not offered moderators' notices");
    assert!(w.moderator.get("/profile").body.contains("name=\"n-moderator_queue\""));

    let r = w.alice.post("/profile/notices", &[("n-post_status", "off")]);
    assert_eq!(r.status, 303, "{}", r.body);
    ask(&w, &w.alice, "Quiet one", "No receipt please.");
    assert!(notices(&w, &smtp, "alice@example.org").is_empty());

    let r = w.alice.post("/profile/notices", &[("n-post_status", "daily")]);
    assert_eq!(r.status, 303);
    let a = ask(&w, &w.alice, "Gathered one", "A receipt in the roundup.");
    assert_eq!(decide(&w, &w.moderator, a, &[("action", "approve")]).status, 303);
    assert!(notices(&w, &smtp, "alice@example.org").is_empty(), "daily notices wait for the roundup");
    daily(&w, noon());
    let roundup = notice(&w, &smtp, "alice@example.org", "solex: your notices of");
    assert!(roundup.contains("Published") && roundup.contains("Gathered one"), "{roundup}");
    assert!(!roundup.contains("solex: received"), "a receipt for a post decided since says nothing any more: {roundup}");
    daily(&w, noon() + Duration::minutes(1));
    assert_eq!(notices(&w, &smtp, "alice@example.org").len(), 1, "one roundup a day");

    // The link in the mail works without signing in, for this member only.
    let link = roundup.split_whitespace().find(|w| w.contains("/notices/")).unwrap().to_string();
    let path = link.trim_start_matches(&w.app.base).to_string();
    let anonymous = w.app.client();
    let page = anonymous.get(&path);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"n-post_status\""), "{}", page.body);
    let r = anonymous.post_raw(&path, &[("n-post_status", "now"), ("n-answers", "off")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Your notice settings are saved."));
    let r = anonymous.post_raw(&path, &[("n-post_status", "sometimes")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose at once, daily roundup or off."), "{}", r.body);
    let r = anonymous.post_raw(&path, &[("n-moderator_urgent", "daily")]);
    assert_eq!(r.status, 400, "a mode the topic does not offer");
    let forged = format!("{}0", path.trim_end_matches(|c: char| c.is_ascii_hexdigit()));
    assert_eq!(anonymous.get(&forged).status, 404);
    ask(&w, &w.alice, "Loud one", "Receipt at once again.");
    assert!(notices(&w, &smtp, "alice@example.org").iter().any(|(s, _)| s == "solex: received · Loud one"));
}

#[test]
fn each_item_of_a_digest_carries_its_reader_s_own_reply_address() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let membership = {
        let mut conn = w.app.db();
        let community = solex::models::community::find_by_slug(&mut conn, &w.slug).unwrap().id;
        solex::models::membership::find(&mut conn, community, w.app.user_id("bob@example.org")).unwrap().unwrap().id
    };
    assert_eq!(w.bob.post("/profile/delivery", &[(&format!("d-{membership}"), "daily")]).status, 303);
    let a = ask(&w, &w.alice, "Cupola lining", "Which refractory?");
    let b = ask(&w, &w.alice, "Blower sizing", "What blower for a 3 tonne cupola?");
    for id in [a, b] {
        assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    }
    let r = w.moderator.post(&format!("/c/{}/digests", w.slug), &[("audience", "daily")]);
    let page_path = r.location.unwrap();
    let preview = w.moderator.get(&format!("{page_path}/preview?format=text")).body;
    assert!(preview.contains(&format!("reply+…-{a}@solex.localhost")), "the preview shows where replies go: {preview}");
    let token = common::hidden_value(&w.moderator.get(&page_path).body, "csrf").unwrap();
    assert_eq!(w.moderator.post_raw(&page_path, &[("csrf", &token), ("editorial", ""), ("action", "send")]).status, 200);

    let raw = smtp.delivered(&w.app, "bob@example.org", 1).into_iter().find(|raw| header(raw, "Subject").unwrap().contains("Digest")).unwrap();
    let m = MessageParser::default().parse(&raw).unwrap();
    let (text, html) = (m.body_text(0).unwrap().into_owned(), m.body_html(0).unwrap().into_owned());
    let community = 1;
    for id in [a, b] {
        let to = format!("reply+{}-{id}@solex.localhost", mail_token(&w, "bob@example.org", solex::tokens::MailPurpose::Reply, id));
        assert!(text.contains(&to) && html.contains(&format!("mailto:{to}")), "item {id} carries bob's own reply address: {text}");
    }
    assert!(!text.contains('\u{E000}') && !html.contains('\u{E000}'), "no marker is left");
    let post_to = format!("post+{}-{community}@solex.localhost", mail_token(&w, "bob@example.org", solex::tokens::MailPurpose::Post, community));
    assert!(header(&raw, "Reply-To").unwrap().contains(&post_to), "a reply to the whole digest goes to the community, never to a dead address");
    assert!(text.contains("reply to its own address"), "the footer says what replying does: {text}");

    // Replying to one item's address answers that thread.
    let to = format!("reply+{}-{b}@solex.localhost", mail_token(&w, "bob@example.org", solex::tokens::MailPurpose::Reply, b));
    let mail = format!("From: Bob Bhatt <bob@example.org>\r\nTo: <{to}>\r\nSubject: Re: Digest\r\nMessage-ID: <digest-reply@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA 5 HP blower.\r\n");
    let r = ureq::post(&format!("{}/mail/inbound", w.app.base)).set("Authorization", "Bearer relay-secret").set("X-Original-To", &to).send_string(&mail);
    assert!(r.is_ok(), "{r:?}");
    let mut conn = w.app.db();
    let pending = solex::models::post::queue(&mut conn, 1, &[solex::models::post::Status::Pending], Some(false), 10).unwrap();
    assert!(pending.iter().any(|(p, _)| p.thread_id == Some(b) && p.body_md.contains("A 5 HP blower.")), "{pending:?}");
}
