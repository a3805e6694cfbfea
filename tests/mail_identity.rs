//! Identity by mail (issue 13): a message speaks for a member only through that member's
//! per-purpose token; anything else is held for the member to confirm or refused; bounces count
//! only as real delivery-status reports; tokens rotate; inbound text never forges a log line.

mod common;

use std::process::{Command, Stdio};

use common::smtp::{header, SmtpServer};
use common::world::*;
use common::TestApp;
use solex::tokens::MailPurpose;

const DOMAIN: &str = "solex.localhost";

fn community_id(w: &World) -> i64 {
    let mut conn = w.app.db();
    solex::models::community::find_by_slug(&mut conn, &w.slug).unwrap().id
}

/// A Message-ID no other message of the test run has: each message a test writes is a new one
/// (the same one delivered twice is filed once).
fn fresh_id() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A plain message as a mail client (or a forger) writes it.
fn message(from: &str, to: &str, extra: &str, body: &str) -> String {
    format!("From: <{from}>\r\nTo: <{to}>\r\nSubject: Re: [Energy efficiency in foundries] Coke\r\nMessage-ID: <m{}@example.org>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n", fresh_id())
}

/// Delivers a message through the relay endpoint; returns (outcome, reason).
fn inbound(w: &World, envelope_to: &str, raw: &str) -> (String, String) {
    let r = ureq::post(&format!("{}/mail/inbound", w.app.base))
        .set("Authorization", "Bearer relay-secret")
        .set("X-Original-To", envelope_to)
        .send_string(raw)
        .unwrap_or_else(|e| panic!("inbound: {e}"));
    let v: serde_json::Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
    (v["outcome"].as_str().unwrap().to_string(), v["reason"].as_str().unwrap_or("").to_string())
}

/// Every post waiting in the community's queue, as (body, author name).
fn pending(w: &World) -> Vec<(String, String)> {
    let mut conn = w.app.db();
    solex::models::post::queue(&mut conn, community_id(w), &[solex::models::post::Status::Pending], None, 100).unwrap().into_iter().map(|(p, name)| (p.body_md, name)).collect()
}

/// Bob's delivery mode in the community, bounce count and whether his mail is stopped.
fn bob_mail_state(w: &World) -> (String, i32, bool) {
    let mut conn = w.app.db();
    let u = solex::models::user::find_by_email(&mut conn, "bob@example.org").unwrap().unwrap();
    let m = solex::models::membership::find(&mut conn, community_id(w), u.id).unwrap().unwrap();
    (m.delivery.to_string(), u.bounce_count, u.mail_stopped_at.is_some())
}

/// After a drain, the messages to `to` whose subject contains `subject`: `n` or more.
fn received_message(app: &TestApp, smtp: &SmtpServer, to: &str, subject: &str, n: usize) -> Vec<Vec<u8>> {
    app.drain();
    let found: Vec<Vec<u8>> = smtp.messages_to(to).into_iter().filter(|raw| header(raw, "Subject").is_some_and(|s| s.contains(subject))).collect();
    assert!(found.len() >= n, "expected {n} messages '{subject}' to {to}, have {}", found.len());
    found
}

fn confirm_link(raw: &[u8]) -> String {
    let text = mail_parser::MessageParser::default().parse(raw).unwrap().body_text(0).unwrap().into_owned();
    let url = text.split_whitespace().find(|w| w.contains("/mail/confirm/")).unwrap_or_else(|| panic!("no link in {text}")).to_string();
    url::Url::parse(&url).unwrap().path().to_string()
}

/// An approved query Bob has received by mail; returns its id and Bob's copy.
fn query_bob_received(w: &World, smtp: &SmtpServer, title: &str) -> (i64, Vec<u8>) {
    let before = smtp.list_messages_to("bob@example.org").len();
    let id = ask(w, &w.alice, title, "How much coke per tonne?");
    assert_eq!(decide(w, &w.moderator, id, &[("action", "approve")]).status, 303);
    let raw = smtp.delivered(&w.app, "bob@example.org", before + 1).into_iter().find(|r| header(r, "Subject").is_some_and(|s| s.contains(title))).unwrap();
    (id, raw)
}

fn reply_to_of(raw: &[u8]) -> String {
    let v = header(raw, "Reply-To").unwrap();
    v.trim_start_matches('<').trim_end_matches('>').to_string()
}

#[test]
fn a_reply_is_posted_only_through_the_members_own_reply_address_and_otherwise_held_for_them_to_confirm() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, raw) = query_bob_received(&w, &smtp, "Coke per tonne");
    let reply_to = reply_to_of(&raw);

    // Through the per-recipient address: posted as Bob, even from an alias; the alias is recorded.
    let (outcome, reason) = inbound(&w, &reply_to, &message("bob.alias@elsewhere.example", &reply_to, "", "About 110 kg."));
    assert_eq!(outcome, "accepted", "{reason}");
    assert_eq!(pending(&w), vec![("About 110 kg.".to_string(), "Bob Bhatt".to_string())]);
    let log = solex::models::inbound::recent(&mut w.app.db(), 1).unwrap().remove(0);
    assert_eq!(log.sender, "bob.alias@elsewhere.example");
    assert!(!log.recipient.contains(&mail_token(&w, "bob@example.org", MailPurpose::Reply, id)), "the token is not kept in the record");

    // Threaded only by In-Reply-To, From naming Bob: not posted, held, and Bob asked at his own address.
    let bob = w.app.user_id("bob@example.org");
    let refs = format!("In-Reply-To: <p{id}.u{bob}@{DOMAIN}>\r\nReferences: <p{id}.u{bob}@{DOMAIN}>\r\n");
    let (outcome, _) = inbound(&w, "noreply@solex.localhost", &message("bob@example.org", "noreply@solex.localhost", &refs, "Also check the blower."));
    assert_eq!(outcome, "held for confirmation");
    assert_eq!(pending(&w).len(), 1, "nothing posted yet");
    let ask_bob = received_message(&w.app, &smtp, "bob@example.org", "did you send this message", 1).remove(0);
    let link = confirm_link(&ask_bob);

    // Opening the link shows the text and changes nothing, however often.
    let visitor = w.app.client();
    for _ in 0..2 {
        let page = visitor.get(&link);
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Also check the blower.") && page.body.contains("name=\"csrf\""));
    }
    assert_eq!(pending(&w).len(), 1, "GET posts nothing");
    // The POST needs the page's CSRF token.
    assert_eq!(visitor.post_raw(&link, &[]).status, 403);
    assert_eq!(pending(&w).len(), 1);
    let r = visitor.submit(&link, &link, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("moderator queue"));
    let queue = pending(&w);
    assert_eq!(queue.len(), 2);
    assert!(queue.contains(&("Also check the blower.".to_string(), "Bob Bhatt".to_string())));
    // Single use.
    assert_eq!(visitor.submit_status_after_use(&link), 400);
    assert_eq!(pending(&w).len(), 2);

    // The same from someone who is not a confirmed member: refused with a reason, nobody mailed.
    let (outcome, reason) = inbound(&w, "noreply@solex.localhost", &message("mallory@example.net", "noreply@solex.localhost", &refs, "Spam."));
    assert_eq!(outcome, "unknown address");
    assert!(reason.contains("not sent through the member's own reply address"), "{reason}");
    // A new query to the list address without a valid token, From Bob: held too, not posted.
    let list = format!("post+{}-{}@{DOMAIN}", "0".repeat(32), community_id(&w));
    let (outcome, _) = inbound(&w, &list, &message("bob@example.org", &list, "", "A new question."));
    assert_eq!(outcome, "held for confirmation");
    received_message(&w.app, &smtp, "bob@example.org", "did you send this message", 2);
    assert_eq!(pending(&w).len(), 2);
    assert!(smtp.messages_to("mallory@example.net").is_empty(), "no backscatter to an unverified From");
}

trait UsedLink {
    fn submit_status_after_use(&self, link: &str) -> u16;
}

impl UsedLink for common::Client {
    /// Posts the form again with the visitor's CSRF token (the page itself now answers 400).
    fn submit_status_after_use(&self, link: &str) -> u16 {
        assert_eq!(self.get(link).status, 400);
        self.post(link, &[]).status
    }
}

#[test]
fn a_token_of_one_purpose_serves_no_other() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, _) = query_bob_received(&w, &smtp, "Purposes");
    let c = community_id(&w);
    let stranger = "stranger@example.net";
    let (reply, unsub, bounce) = (mail_token(&w, "bob@example.org", MailPurpose::Reply, id), mail_token(&w, "bob@example.org", MailPurpose::Unsubscribe, c), mail_token(&w, "bob@example.org", MailPurpose::Bounce, 0));

    // The unsubscribe token and the bounce token put in a reply address post nothing.
    for wrong in [&unsub, &bounce] {
        let to = format!("reply+{wrong}-{id}@{DOMAIN}");
        let (outcome, reason) = inbound(&w, &to, &message(stranger, &to, "", "Posted with the wrong token."));
        assert_eq!(outcome, "unknown address", "{reason}");
    }
    // A reply token for another thread posts nothing either.
    let other = ask(&w, &w.alice, "Another thread", "text");
    decide(&w, &w.moderator, other, &[("action", "approve")]);
    let to = format!("reply+{reply}-{other}@{DOMAIN}");
    assert_eq!(inbound(&w, &to, &message(stranger, &to, "", "Other thread.")).0, "unknown address");
    assert!(pending(&w).is_empty());

    // The reply token in an unsubscribe address or link unsubscribes no one.
    let to = format!("unsubscribe+{reply}-{c}@{DOMAIN}");
    assert_eq!(inbound(&w, &to, &message(stranger, &to, "", "unsubscribe")).0, "unknown address");
    assert_eq!(w.app.client().get(&format!("/unsubscribe/{reply}/{}", w.slug)).status, 404);
    assert_eq!(w.app.client().post_raw(&format!("/unsubscribe/{reply}/{}", w.slug), &[("List-Unsubscribe", "One-Click")]).status, 404);
    // The reply token in a bounce address counts no bounce.
    let to = format!("bounce+{reply}@{DOMAIN}");
    for _ in 0..3 {
        assert_eq!(inbound(&w, &to, &dsn(&to, "bob@example.org", "5.1.1", "")).0, "unknown address");
    }
    assert_eq!(bob_mail_state(&w), ("each".to_string(), 0, false));

    // Each token does serve its own purpose.
    let to = format!("unsubscribe+{unsub}-{c}@{DOMAIN}");
    assert_eq!(inbound(&w, &to, &message(stranger, &to, "", "unsubscribe")).0, "unsubscribed");
    assert_eq!(bob_mail_state(&w).0, "web");
}

/// A delivery-status report (RFC 3464) as an MTA writes it; `returned` adds the failed
/// message's headers as text/rfc822-headers.
fn dsn(to: &str, failed: &str, status: &str, returned: &str) -> String {
    let returned = if returned.is_empty() { String::new() } else { format!("--b\r\nContent-Type: text/rfc822-headers\r\n\r\n{returned}\r\n") };
    format!("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: <{to}>\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <dsn{}@mx.example.org>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: {status}\r\n{returned}--b--\r\n", fresh_id())
}

#[test]
fn forged_bounces_do_not_stop_mail_and_real_delivery_reports_do() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (_, raw) = query_bob_received(&w, &smtp, "Bounces");
    let to = header(&raw, "X-MailFrom").unwrap().trim_start_matches('<').trim_end_matches('>').to_string();
    let sent_id = header(&raw, "Message-ID").unwrap();

    // "Status: 5.1.1" in a text/plain body, three times: not a report, nothing counted.
    for _ in 0..3 {
        let forged = message("MAILER-DAEMON@mx.example.org", &to, "", "Delivery failed.\r\nStatus: 5.1.1\r\nFinal-Recipient: rfc822; bob@example.org");
        let (outcome, reason) = inbound(&w, &to, &forged);
        assert_eq!(outcome, "refused");
        assert!(reason.contains("not a delivery-status report"), "{reason}");
    }
    // Real reports about someone else's address, or about a message we never sent to Bob.
    for _ in 0..3 {
        assert_eq!(inbound(&w, &to, &dsn(&to, "someone@example.org", "5.1.1", "")).0, "refused");
        let unknown = "Message-ID: <p999.u1@solex.localhost>\r\nTo: bob@example.org";
        assert_eq!(inbound(&w, &to, &dsn(&to, "bob@example.org", "5.1.1", unknown)).0, "refused");
    }
    // A well-formed report naming Bob, but without the failed message's headers: proves
    // nothing, counts nothing.
    for _ in 0..3 {
        let (outcome, reason) = inbound(&w, &to, &dsn(&to, "bob@example.org", "5.1.1", ""));
        assert_eq!(outcome, "refused");
        assert!(reason.contains("does not return the failed message's headers"), "{reason}");
    }
    assert_eq!(bob_mail_state(&w), ("each".to_string(), 0, false), "forged bounces stop nothing");

    // Three real reports naming the message we sent to Bob: his mail stops.
    let returned = format!("Message-ID: {sent_id}\r\nTo: bob@example.org\r\nSubject: Bounces");
    for _ in 0..3 {
        assert_eq!(inbound(&w, &to, &dsn(&to, "bob@example.org", "5.1.1", &returned)).0, "hard bounce");
    }
    assert_eq!(bob_mail_state(&w), ("each".to_string(), 3, true));
}

#[test]
fn resetting_mail_links_retires_every_old_address_and_new_mail_carries_new_ones() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, raw) = query_bob_received(&w, &smtp, "Before the reset");
    let old_reply = reply_to_of(&raw);
    let old_unsubscribe = header(&raw, "List-Unsubscribe").unwrap();
    let old_web = old_unsubscribe.split('<').filter_map(|p| p.split('>').next()).find(|u| u.starts_with("http")).unwrap().strip_prefix(&w.app.base).unwrap().to_string();
    assert_eq!(w.app.client().get(&old_web).status, 200);

    // The member's button: a POST with CSRF from the profile page.
    let profile = w.bob.get("/profile").body;
    assert!(profile.contains("action=\"/profile/mail-links/reset\""));
    assert_eq!(w.bob.post_raw("/profile/mail-links/reset", &[]).status, 403, "CSRF is checked");
    assert_eq!(w.bob.submit("/profile", "/profile/mail-links/reset", &[]).status, 303);

    assert_eq!(w.app.client().get(&old_web).status, 404, "the old web unsubscribe link stops working");
    let stranger = "stranger@example.net";
    assert_eq!(inbound(&w, &old_reply, &message(stranger, &old_reply, "", "With the old address.")).0, "unknown address");
    assert!(pending(&w).is_empty());

    // New mail carries new addresses, and they work.
    let (id2, raw2) = query_bob_received(&w, &smtp, "After the reset");
    let new_reply = reply_to_of(&raw2);
    assert_ne!(new_reply.split('-').nth(1), old_reply.split('-').nth(1));
    assert!(new_reply.ends_with(&format!("-{id2}@{DOMAIN}")) && id2 != id);
    assert_eq!(inbound(&w, &new_reply, &message("bob@example.org", &new_reply, "", "With the new address.")).0, "accepted");

    // An administrator's reset, per member, audited.
    let bob = w.app.user_id("bob@example.org");
    let page = w.admin.get(&format!("/admin/users/{bob}")).body;
    assert!(page.contains(&format!("action=\"/admin/users/{bob}/mail-links/reset\"")));
    assert_eq!(w.alice.post(&format!("/admin/users/{bob}/mail-links/reset"), &[]).status, 403, "members cannot");
    assert_eq!(w.admin.post_raw(&format!("/admin/users/{bob}/mail-links/reset"), &[]).status, 403, "CSRF is checked");
    assert_eq!(w.admin.submit(&format!("/admin/users/{bob}"), &format!("/admin/users/{bob}/mail-links/reset"), &[]).status, 303);
    assert_eq!(inbound(&w, &new_reply, &message("bob@example.org", &new_reply, "", "Held now.")).0, "held for confirmation");
    let history = solex::models::audit::for_subject(&mut w.app.db(), bob).unwrap();
    assert_eq!(history.iter().filter(|a| a.action == "reset mail links").count(), 2, "both resets are in the audit log");
    assert!(history.iter().any(|a| a.action == "reset mail links" && a.actor_id != Some(bob)));
}

fn ingest_cli(w: &World, raw: &str, recipient: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_solex"))
        .args(["mail", "ingest", "--recipient", recipient])
        .env("DATABASE_URL", &w.app.config.database_url)
        .env("SOLEX_ATTACHMENTS_DIR", &w.app.config.attachments_dir)
        .env("RUST_LOG", "info")
        .env_remove("ORIGINAL_RECIPIENT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(raw.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn folded_inbound_headers_forge_no_log_line_and_reasons_are_bounded() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, _) = query_bob_received(&w, &smtp, "Logs");
    let to = format!("reply+{}-{id}@{DOMAIN}", mail_token(&w, "bob@example.org", MailPurpose::Reply, id));
    let folded = "Auto-Submitted: auto-replied\r\n\tFAKE log line level=ERROR user=admin\r\n";
    let out = ingest_cli(&w, &message("bob@example.org", &to, folded, "away"), &to);
    assert!(out.contains("refused") && out.contains("automatic message"), "{out}");
    for line in out.lines() {
        assert!(!line.contains("FAKE") || line.contains("automatic message"), "a forged line reached the output: {line:?}\n{out}");
    }
    assert!(!out.contains(&to), "no address with its token in the log: {out}");
    let huge = format!("Auto-Submitted: {}\r\n", "auto-replied ".repeat(5000));
    ingest_cli(&w, &message("bob@example.org", &to, &huge, "away"), &to);

    let log = solex::models::inbound::recent(&mut w.app.db(), 2).unwrap();
    assert_eq!(log.len(), 2);
    for l in &log {
        assert_eq!(l.outcome, "refused");
        for field in [&l.reason, &l.sender, &l.recipient, &l.message_id] {
            assert!(!field.chars().any(|c| c.is_control()), "{field:?}");
        }
        assert!(l.reason.chars().count() <= 300, "bounded: {}", l.reason.len());
    }
    assert!(pending(&w).is_empty());
}

#[test]
fn a_members_address_alone_lets_no_one_post_unsubscribe_or_stop_mail() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, _) = query_bob_received(&w, &smtp, "The attacker knows Bob's address");
    let (bob, c) = (w.app.user_id("bob@example.org"), community_id(&w));
    // Another member's own valid token with Bob's id put in front of it.
    let alice_unsub = mail_token(&w, "alice@example.org", MailPurpose::Unsubscribe, c);
    let foreign = format!("{bob}-{}", alice_unsub.split_once('-').unwrap().1);
    let guessed = format!("{bob}-{}", "0123456789abcdef".repeat(2));
    let forge = |to: &str, extra: &str, body: &str| inbound(&w, to, &message("bob@example.org", to, extra, body)).0;

    // Replies by In-Reply-To / References with guessed Message-IDs, to the list address, to a
    // reply address with a guessed token: held at most (Bob is asked), never posted.
    for pid in [id, id + 1, 1] {
        let refs = format!("In-Reply-To: <p{pid}.u{bob}@{DOMAIN}>\r\nReferences: <p{pid}.u{bob}@{DOMAIN}>\r\n");
        assert_ne!(forge("list@solex.localhost", &refs, "Posted by the attacker."), "accepted");
    }
    for to in [format!("post+{c}@{DOMAIN}"), format!("post+{guessed}-{c}@{DOMAIN}"), format!("reply+{guessed}-{id}@{DOMAIN}"), format!("reply+{id}@{DOMAIN}")] {
        assert_ne!(forge(&to, "", "Posted by the attacker."), "accepted", "{to}");
    }
    // Unsubscribing with a guessed or someone else's token.
    for t in [&guessed, &foreign] {
        let to = format!("unsubscribe+{t}-{c}@{DOMAIN}");
        assert_eq!(forge(&to, "", "unsubscribe"), "unknown address");
        assert_eq!(w.app.client().post_raw(&format!("/unsubscribe/{t}/{}", w.slug), &[("List-Unsubscribe", "One-Click")]).status, 404);
    }
    // Forged bounces: guessed token, and a well-formed report to a bare bounce address.
    for to in [format!("bounce+{guessed}@{DOMAIN}"), format!("bounce+{bob}@{DOMAIN}"), format!("bounce@{DOMAIN}")] {
        for _ in 0..3 {
            assert_ne!(inbound(&w, &to, &dsn(&to, "bob@example.org", "5.1.1", "")).0, "hard bounce");
        }
    }

    assert!(pending(&w).is_empty(), "nothing was posted: {:?}", pending(&w));
    assert_eq!(bob_mail_state(&w), ("each".to_string(), 0, false), "not unsubscribed, mail not stopped");
    assert_eq!(w.alice.get("/profile").status, 200);
    let alice_delivery = solex::models::membership::find(&mut w.app.db(), c, w.app.user_id("alice@example.org")).unwrap().unwrap().delivery;
    assert_eq!(alice_delivery, solex::models::membership::Delivery::Each);
    // And Bob still gets list mail.
    query_bob_received(&w, &smtp, "Bob still gets mail");
}

/// A message From Bob threaded only by In-Reply-To (no token): at most held for him to confirm.
fn from_bob_without_token(w: &World, thread: i64, body: &str) -> (String, String) {
    let refs = format!("In-Reply-To: <p{thread}.u{}@{DOMAIN}>\r\n", w.app.user_id("bob@example.org"));
    inbound(w, "noreply@solex.localhost", &message("bob@example.org", "noreply@solex.localhost", &refs, body))
}

/// Bob's held messages that still wait on a live link.
fn bob_waiting(w: &World) -> i64 {
    let bob = w.app.user_id("bob@example.org");
    solex::models::held_mail::waiting(&mut w.app.db(), bob, solex::models::now()).unwrap()
}

#[test]
fn a_disabled_member_posts_nothing_by_mail_and_nothing_is_held_for_them() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, raw) = query_bob_received(&w, &smtp, "Disabled by mail");
    let reply_to = reply_to_of(&raw);
    let bob = w.app.user_id("bob@example.org");
    // Held while Bob's account was in order; the link reaches him.
    assert_eq!(from_bob_without_token(&w, id, "Held before.").0, "held for confirmation");
    let link = confirm_link(&received_message(&w.app, &smtp, "bob@example.org", "did you send this message", 1).remove(0));

    let page = format!("/admin/users/{bob}");
    assert_eq!(w.admin.submit(&page, &format!("/admin/users/{bob}/disable"), &[]).status, 303);

    // His own reply address, his From alone, his post address: no one.
    let (outcome, reason) = inbound(&w, &reply_to, &message("bob@example.org", &reply_to, "", "Posted while disabled."));
    assert_eq!(outcome, "unknown address", "{reason}");
    assert!(!reason.is_empty());
    assert_eq!(from_bob_without_token(&w, id, "Held while disabled?").0, "unknown address");
    let c = community_id(&w);
    let post_to = format!("post+{}-{c}@{DOMAIN}", mail_token(&w, "bob@example.org", MailPurpose::Post, c));
    assert_eq!(inbound(&w, &post_to, &message("bob@example.org", &post_to, "", "A new question while disabled.")).0, "unknown address");
    assert_eq!(bob_waiting(&w), 1, "nothing new is held for a disabled account");
    let log = solex::models::inbound::recent(&mut w.app.db(), 3).unwrap();
    assert!(log.iter().all(|l| l.outcome == "unknown address" && !l.reason.is_empty()), "each refusal has its reason recorded");

    // The link mailed before the account was disabled posts nothing either.
    let visitor = w.app.client();
    assert_eq!(visitor.get(&link).status, 200);
    assert_eq!(visitor.submit(&link, &link, &[]).status, 403);
    assert!(pending(&w).is_empty(), "{:?}", pending(&w));
}

/// Sets a post's status directly (a moderator removing the thread while a message waits).
fn set_status(w: &World, post_id: i64, status: &str) {
    use diesel::prelude::*;
    use solex::db::schema::posts::dsl;
    diesel::update(dsl::posts.find(post_id)).set(dsl::status.eq(status)).execute(&mut *w.app.db()).unwrap();
}

#[test]
fn held_mail_is_checked_as_posting_would_and_a_refused_confirmation_keeps_its_link() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, _) = query_bob_received(&w, &smtp, "Held sizes");
    let from_bob = |body: &str| from_bob_without_token(&w, id, body);

    // Too long, or nested too deep: refused at once with posting's reason; Bob is not asked.
    let (outcome, reason) = from_bob(&"A long line of text here.\r\n".repeat(1000));
    assert_eq!(outcome, "refused");
    assert!(reason.contains("at most"), "{reason}");
    let (outcome, reason) = from_bob(&format!("{}deep", "- ".repeat(2000)));
    assert_eq!(outcome, "refused", "{reason}");
    assert_eq!(bob_waiting(&w), 0, "nothing held");

    // A message posting would take is held; if posting refuses it on confirmation (the thread
    // was removed meanwhile), the page says why and the link still works.
    assert_eq!(from_bob("Also check the blower.").0, "held for confirmation");
    let link = confirm_link(&received_message(&w.app, &smtp, "bob@example.org", "did you send this message", 1).remove(0));
    set_status(&w, id, "removed");
    let visitor = w.app.client();
    let r = visitor.submit(&link, &link, &[]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("no longer open for replies"), "{}", r.body);
    assert_eq!(bob_waiting(&w), 1, "the link is not used up");
    set_status(&w, id, "approved");
    let r = visitor.submit(&link, &link, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(pending(&w), vec![("Also check the blower.".to_string(), "Bob Bhatt".to_string())]);
    assert_eq!(bob_waiting(&w), 0);
}

#[test]
fn concurrent_forged_mail_holds_at_most_the_cap_for_one_member() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let (id, _) = query_bob_received(&w, &smtp, "Held cap");
    let outcomes: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let w = &w;
                s.spawn(move || from_bob_without_token(w, id, &format!("Forged number {i}.")).0)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let held = outcomes.iter().filter(|o| *o == "held for confirmation").count() as i64;
    assert_eq!(held, solex::services::mail_identity::MAX_WAITING, "{outcomes:?}");
    assert_eq!(bob_waiting(&w), solex::services::mail_identity::MAX_WAITING);
}
