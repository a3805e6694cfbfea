//! Mail through a real SMTP server (aiosmtpd over TCP): each-message delivery with list
//! headers, one-click unsubscribe, digests, replies by email, bounces, and an outage.

mod common;

use std::process::{Command, Stdio};

use common::smtp::{header, SmtpServer};
use common::world::*;
use mail_parser::MessageParser;
use solex::tokens::MailPurpose;

fn text_of(raw: &[u8]) -> String {
    MessageParser::default().parse(raw).unwrap().body_text(0).unwrap().into_owned()
}

/// Changes the member's delivery mode through the profile form, as they would.
fn set_delivery(who: &common::Client, mode: &str) {
    let page = who.get("/profile").body;
    let id = page
        .split("name=\"d-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a delivery field on the profile")
        .to_string();
    let r = who.post("/profile/delivery", &[(&format!("d-{id}"), mode)]);
    assert_eq!(r.status, 303, "{}", r.body);
}

#[test]
fn approved_posts_reach_members_with_list_headers_and_threading() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let id = ask(&w, &w.alice, "Coke savings in Samalkha", "How much did **divided-blast** cupolas save?");
    assert!(smtp.list_messages_to("bob@example.org").is_empty(), "nothing before approval");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);

    let raw = smtp.delivered(&w.app, "bob@example.org", 1).remove(0);
    let bob = w.app.user_id("bob@example.org");
    let community = {
        let mut conn = w.app.db();
        solex::models::post::find(&mut conn, id).unwrap().community_id
    };
    let unsub = mail_token(&w, "bob@example.org", MailPurpose::Unsubscribe, community);
    assert_eq!(header(&raw, "Subject").unwrap(), "[Energy efficiency in foundries] Coke savings in Samalkha");
    assert_eq!(header(&raw, "Message-ID").unwrap(), format!("<p{id}.u{bob}@solex.localhost>"));
    assert_eq!(header(&raw, "List-Id").unwrap(), "\"Energy efficiency in foundries\" <foundry-energy.solex.localhost>");
    let unsubscribe = header(&raw, "List-Unsubscribe").unwrap();
    assert!(unsubscribe.contains(&format!("<mailto:unsubscribe+{unsub}-{community}@")) && unsubscribe.contains(&format!("{}/unsubscribe/{unsub}/foundry-energy>", w.app.base)), "{unsubscribe}");
    assert_eq!(header(&raw, "List-Unsubscribe-Post").unwrap(), "List-Unsubscribe=One-Click");
    let (post, reply, bounce) = (mail_token(&w, "bob@example.org", MailPurpose::Post, community), mail_token(&w, "bob@example.org", MailPurpose::Reply, id), mail_token(&w, "bob@example.org", MailPurpose::Bounce, 0));
    assert!(header(&raw, "List-Post").unwrap().contains(&format!("mailto:post+{post}-{community}@")));
    assert!(header(&raw, "Reply-To").unwrap().contains(&format!("reply+{reply}-{id}@solex.localhost")));
    assert_eq!(header(&raw, "X-MailFrom").unwrap(), format!("bounce+{bounce}@solex.localhost"), "VERP envelope sender");
    let m = MessageParser::default().parse(&raw).unwrap();
    assert!(m.body_text(0).unwrap().contains("How much did divided-blast cupolas save?"));
    assert!(m.body_html(0).unwrap().contains("<strong>divided-blast</strong>"));
    assert!(m.body_text(0).unwrap().contains("/unsubscribe/"));
    assert!(smtp.list_messages_to("alice@example.org").is_empty(), "the author is not sent her own post");

    // A reply threads under the query in the member's mail client.
    let r = w.bob.post_multipart(&format!("/c/{}/t/{id}/reply", w.slug), &[("body", "About a fifth.")], &[]);
    assert_eq!(r.status, 303);
    let reply_id = {
        let mut conn = w.app.db();
        solex::models::post::queue(&mut conn, 1, &[solex::models::post::Status::Pending], Some(false), 10).unwrap()[0].0.id
    };
    assert_eq!(decide(&w, &w.moderator, reply_id, &[("action", "approve")]).status, 303);
    let alice = w.app.user_id("alice@example.org");
    let replies = smtp.delivered(&w.app, "alice@example.org", 1);
    let raw = replies.iter().find(|r| header(r, "Subject").unwrap().starts_with("Re: [")).expect("reply mail");
    assert_eq!(header(raw, "In-Reply-To").unwrap(), format!("<p{id}.u{alice}@solex.localhost>"));
    assert_eq!(header(raw, "References").unwrap(), format!("<p{id}.u{alice}@solex.localhost>"));
}

#[test]
fn one_click_unsubscribe_works_without_signing_in_and_at_once() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let id = ask(&w, &w.alice, "First", "one");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let raw = smtp.delivered(&w.app, "bob@example.org", 1).remove(0);
    let list = header(&raw, "List-Unsubscribe").unwrap();
    let url = list.split('<').filter_map(|p| p.split('>').next()).find(|u| u.starts_with("http")).unwrap().to_string();
    let path = url.strip_prefix(&w.app.base).unwrap().to_string();
    // What a mail client does: a cookieless POST with the RFC 8058 body.
    let r = w.app.client().post_raw(&path, &[("List-Unsubscribe", "One-Click")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let id2 = ask(&w, &w.alice, "Second", "two");
    decide(&w, &w.moderator, id2, &[("action", "approve")]);
    // Bob posts a third: once Alice has it, the second (sent before it) has been handled too.
    let id3 = ask(&w, &w.bob, "Third from bob", "three");
    decide(&w, &w.moderator, id3, &[("action", "approve")]);
    smtp.delivered(&w.app, "alice@example.org", 1);
    assert_eq!(smtp.list_messages_to("bob@example.org").len(), 1, "no mail after unsubscribing");
    assert!(w.bob.get("/profile").body.contains("<option value=\"web\" selected>"));
    // The page linked from the footer shows the state and offers other modes; a bad token is 404.
    assert!(w.app.client().get(&path).body.contains("Web only"));
    assert_eq!(w.app.client().get("/unsubscribe/00000000000000000000000000000000/foundry-energy").status, 404);
}

#[test]
fn moderators_compose_preview_and_send_digests() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    set_delivery(&w.bob, "daily");
    let a = ask(&w, &w.alice, "Cupola lining", "Which refractory?");
    let b = ask(&w, &w.alice, "Off-topic chatter", "Lunch plans");
    let c = ask(&w, &w.alice, "Blower sizing", "What blower for a 3 tonne cupola?");
    for id in [a, b, c] {
        decide(&w, &w.moderator, id, &[("action", "approve")]);
    }
    let r = w.moderator.post(&format!("/c/{}/digests", w.slug), &[("audience", "daily")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page_path = r.location.unwrap();
    let page = w.moderator.get(&page_path).body;
    assert!(page.contains("Cupola lining") && page.contains("Off-topic chatter") && page.contains("1 recipients"), "{page}");
    assert_eq!(w.bob.get(&page_path).status, 403, "members do not compose digests");

    let items = {
        let mut conn = w.app.db();
        let did: i64 = page_path.rsplit('/').next().unwrap().parse().unwrap();
        solex::models::digest::items(&mut conn, did).unwrap()
    };
    let pos = |post: i64| items.iter().find(|(_, p, _)| p.id == post).unwrap().0.id.to_string();
    let (ia, ib, ic) = (pos(a), pos(b), pos(c));
    let token = common::hidden_value(&page, "csrf").unwrap();
    let fields = |action: &'static str| {
        vec![
            ("csrf", token.clone()), ("editorial", "This week: **cupolas**.".to_string()),
            ("include", ia.clone()), ("include", ic.clone()),
            (Box::leak(format!("pos-{ia}").into_boxed_str()) as &str, "2".to_string()),
            (Box::leak(format!("pos-{ib}").into_boxed_str()) as &str, "3".to_string()),
            (Box::leak(format!("pos-{ic}").into_boxed_str()) as &str, "1".to_string()),
            ("send_at", "2001-01-01T00:00".to_string()), ("action", action.to_string()),
        ]
    };
    let post = |action: &'static str| {
        let f = fields(action);
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.moderator.post_raw(&page_path, &refs)
    };
    let r = post("publish");
    assert_eq!(r.status, 400, "an action that is not one of the buttons is refused");
    assert!(r.body.contains("Choose save, schedule or send"), "{}", r.body);
    let r = post("schedule");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose a time in the future"));
    assert_eq!(post("save").status, 200);
    let preview = w.moderator.get(&format!("{page_path}/preview?format=text")).body;
    assert!(preview.contains("This week: cupolas."), "{preview}");
    let (blower, lining) = (preview.find("Blower sizing").unwrap(), preview.find("Cupola lining").unwrap());
    assert!(blower < lining, "the moderator's order");
    assert!(!preview.contains("Off-topic chatter"), "left-out items stay out");
    assert!(w.moderator.get(&format!("{page_path}/preview?format=html")).body.contains("<strong>cupolas</strong>"));

    let r = post("send");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Digest sent; recipients: 1"));
    let raw = smtp.delivered(&w.app, "bob@example.org", 1).remove(0);
    assert!(header(&raw, "Subject").unwrap().starts_with("[Energy efficiency in foundries] Digest"));
    assert!(header(&raw, "List-Unsubscribe-Post").is_some());
    let text = text_of(&raw);
    assert!(text.contains("This week: cupolas.") && text.contains("Blower sizing") && !text.contains("Off-topic"));
    assert_eq!(post("send").status, 409, "a digest goes out once");
    assert!(smtp.list_messages_to("bob@example.org").len() == 1);
}

#[test]
fn automatic_digests_and_summaries_on_schedule() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    set_delivery(&w.bob, "summary");
    let settings = format!("/c/{}/settings", w.slug);
    let r = w.moderator.submit(&settings, &settings, &[("name", "Energy efficiency in foundries"), ("theme", "energy-efficiency"), ("join_policy", "request"), ("premoderation", "all"), ("trusted_after", "3"), ("hold_rules", ""), ("canned_reasons", "Off topic"), ("response_days", "10"), ("auto_digest", "on")]);
    assert_eq!(r.status, 303);
    let id = ask(&w, &w.alice, "Slag handling", "Where does your slag go?\nSecond line.\nThird line is long and not shown.");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let sent = {
        let mut conn = w.app.db();
        let n = solex::services::digests::scheduler_tick(&mut conn, &w.app.env(), solex::models::now()).unwrap();
        let again = solex::services::digests::scheduler_tick(&mut conn, &w.app.env(), solex::models::now()).unwrap();
        (n, again)
    };
    assert_eq!(sent, (1, 0), "one summary, and not twice in a day");
    // Wake the sender: any request that queues mail does; a reset link is simplest.
    w.app.client().submit("/password/forgot", "/password/forgot", &[("email", "alice@example.org")]);
    let raw = smtp.delivered(&w.app, "bob@example.org", 1).remove(0);
    assert!(header(&raw, "Subject").unwrap().contains("Summary"));
    let text = text_of(&raw);
    assert!(text.contains("Slag handling") && text.contains("Where does your slag go? Second line.") && !text.contains("Third line"), "{text}");
}

/// A reply as a mail client writes it, with a Message-ID of its own (the same message
/// delivered twice is filed once).
fn reply_mail(from: &str, to: &str, body: &str, extra: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("From: Bob Bhatt <{from}>\r\nTo: <{to}>\r\nSubject: Re: [Energy efficiency in foundries] Coke\r\nMessage-ID: <r{n}@example.org>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n")
}

fn ingest_cli(w: &World, raw: &str, recipient: Option<&str>) -> (bool, String) {
    let (code, out) = ingest_code(w, raw, recipient);
    (code == 0, out)
}

/// `solex mail ingest` with the exit code the MTA would see.
fn ingest_code(w: &World, raw: &str, recipient: Option<&str>) -> (i32, String) {
    ingest_as_mta(w, raw.as_bytes(), recipient)
}

#[test]
fn replies_by_email_enter_the_queue_and_bad_mail_is_refused_with_a_reason() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let id = ask(&w, &w.alice, "Coke", "How much coke per tonne?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let token = mail_token(&w, "bob@example.org", MailPurpose::Reply, id);
    let to = format!("reply+{token}-{id}@solex.localhost");

    let body = "About 110 kg per tonne after the change.\r\n\r\nOn Mon, 1 Dec 2026, solex wrote:\r\n> How much coke per tonne?\r\n\r\n-- \r\nBob Bhatt, Howrah";
    let (ok, out) = ingest_cli(&w, &reply_mail("bob@example.org", &to, body, ""), Some(&to));
    assert!(ok && out.contains("accepted"), "{out}");
    let pending = {
        let mut conn = w.app.db();
        solex::models::post::queue(&mut conn, 1, &[solex::models::post::Status::Pending], Some(false), 10).unwrap()
    };
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].0.body_md, "About 110 kg per tonne after the change.", "quote and signature trimmed");
    assert_eq!(pending[0].0.thread_id, Some(id));
    assert_eq!(pending[0].1, "Bob Bhatt");

    // The HTTP relay endpoint does the same, behind its bearer token.
    let raw = reply_mail("BOB@example.org", &to, "Also check the blower.", "");
    let agent = ureq::AgentBuilder::new().build();
    let call = |token: &str, raw: &str| match agent.post(&format!("{}/mail/inbound", w.app.base)).set("Authorization", &format!("Bearer {token}")).set("X-Original-To", &to).send_string(raw) {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(call("wrong", &raw).0, 403);
    let (status, body) = call("relay-secret", &raw);
    assert_eq!(status, 200);
    assert!(body.contains("\"outcome\":\"accepted\""), "{body}");

    // Threaded only by References (the client replied to the From address instead): the From
    // header proves nothing, so it is held for Bob to confirm (tests/mail_identity.rs).
    let bob = w.app.user_id("bob@example.org");
    let refs = format!("In-Reply-To: <p{id}.u{bob}@solex.localhost>\r\nReferences: <p{id}.u{bob}@solex.localhost>\r\n");
    let (ok, out) = ingest_cli(&w, &reply_mail("bob@example.org", "noreply@solex.localhost", "Threaded by references.", &refs), None);
    assert!(ok && out.contains("held"), "{out}");
    let wrong_token = format!("reply+{}-{id}@solex.localhost", mail_token(&w, "bob@example.org", MailPurpose::Unsubscribe, 1));

    // Refusals, each with its reason, none of them a crash. An address that proves no one
    // is unknown to the MTA (67, it bounces), mail that cannot be read is bad data (65); any
    // other refusal is filed (0).
    let cases: Vec<(String, &str, i32)> = vec![
        (reply_mail("mallory@example.org", &wrong_token, "spoof", ""), "unknown address: not sent through the member's own reply address", 67),
        (reply_mail("bob@example.org", &to, "away", "Auto-Submitted: auto-replied\r\n"), "refused: automatic message", 0),
        (reply_mail("bob@example.org", &to, "listing", "Precedence: bulk\r\n"), "refused: automatic message", 0),
        (reply_mail("stranger@example.org", "someone@elsewhere.example", "hello", ""), "unknown address: not addressed", 67),
        ("this is not a mail at all".to_string(), "malformed: malformed message", 65),
        (reply_mail("bob@example.org", &to, "", ""), "refused: Write your message", 0),
        (reply_mail("bob@example.org", &to, &"x".repeat(11 * 1024 * 1024), ""), "refused: message of", 0),
    ];
    for (raw, reason, code) in cases {
        let (exit, out) = ingest_code(&w, &raw, None);
        assert_eq!(exit, code, "{reason}: {out}");
        assert!(out.contains(reason), "{reason}: {out}");
    }
    let log = {
        let mut conn = w.app.db();
        solex::models::inbound::recent(&mut conn, 50).unwrap()
    };
    let count = |outcome: &str| log.iter().filter(|l| l.outcome == outcome).count();
    assert_eq!(count("accepted"), 2);
    assert_eq!(count("held for confirmation"), 1);
    assert_eq!((count("refused"), count("unknown address"), count("malformed")), (4, 2, 1));
    assert!(log.iter().all(|l| l.outcome == "accepted" || l.outcome.starts_with("held") || !l.reason.is_empty()));

    // A new query by mail to the List-Post address.
    let post_to = format!("post+{}-1@solex.localhost", mail_token(&w, "bob@example.org", MailPurpose::Post, 1));
    let (ok, out) = ingest_cli(&w, &format!("From: <bob@example.org>\r\nTo: <{post_to}>\r\nSubject: Induction furnace power factor\r\nMessage-ID: <q1@example.org>\r\n\r\nWhat capacitor bank do you use?\r\n"), Some(&post_to));
    assert!(ok && out.contains("accepted"), "{out}");
    assert!(w.moderator.get(&format!("/c/{}/queue", w.slug)).body.contains("Induction furnace power factor"));
}

/// `solex mail ingest` as the MTA runs it: (exit code, what it said).
fn ingest_exit(url: &str, w: &World, raw: &[u8], recipient: &str) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_solex"));
    cmd.args(["mail", "ingest", "--recipient", recipient]).env("DATABASE_URL", url).env("SOLEX_ATTACHMENTS_DIR", &w.app.config.attachments_dir).env("RUST_LOG", "error");
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn control_characters_in_mail_and_forms_are_dropped_and_only_an_unreachable_database_is_retried() {
    use diesel::prelude::*;
    use solex::db::schema::{held_mail, inbound_mail, posts};
    let w = world_on(common::TestApp::start_with(|c| c.inbound_token = Some("relay-secret".into())), &[]);
    let url = w.app.config.database_url.clone();
    // A form: a NUL (sent as %00) and an escape leave the value; the rest is stored.
    let id = ask(&w, &w.alice, "Coke\0 per \u{1b}tonne", "How much\0 coke?\r\nPer tonne.");
    let stored = |conn: &mut solex::db::DbConn, id: i64| posts::table.find(id).select((posts::title, posts::body_md)).first::<(String, String)>(conn).unwrap();
    assert_eq!(stored(&mut w.app.db(), id), ("Coke per tonne".to_string(), "How much coke?\nPer tonne.".to_string()));
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let settings = format!("/c/{}/settings", w.slug);
    let r = w.moderator.submit(&settings, &settings, &[("name", "Energy\0 efficiency in foundries"), ("theme", "energy-efficiency"), ("join_policy", "request"), ("premoderation", "all"), ("trusted_after", "3"), ("hold_rules", ""), ("canned_reasons", "Off topic"), ("response_days", "10")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(solex::models::community::find(&mut w.app.db(), 1).unwrap().name, "Energy efficiency in foundries");

    // By mail, a new query with a NUL in its Subject and body is filed, without the NUL.
    let post_to = format!("post+{}-1@solex.localhost", mail_token(&w, "bob@example.org", MailPurpose::Post, 1));
    let query = |subject: &str, body: &str| format!("From: <bob@example.org>\r\nTo: <{post_to}>\r\nSubject: {subject}\r\nMessage-ID: <n{}@example.org>\r\n\r\n{body}\r\n", subject.len() + body.len());
    let (code, out) = ingest_exit(&url, &w, query("Induction\0 furnace", "What\0 capacitor\x07 bank?").as_bytes(), &post_to);
    assert_eq!(code, 0, "{out}");
    let post_id: i64 = out.split("post ").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).expect(&out);
    assert_eq!(stored(&mut w.app.db(), post_id), ("Induction furnace".to_string(), "What capacitor bank?".to_string()));
    // A reply without the member's token is held, without the NUL.
    let bob = w.app.user_id("bob@example.org");
    let refs = format!("References: <p{id}.u{bob}@solex.localhost>\r\n");
    let (code, out) = ingest_exit(&url, &w, reply_mail("bob@example.org", "noreply@solex.localhost", "Held\0 reply.", &refs).as_bytes(), "noreply@solex.localhost");
    assert_eq!((code, out.contains("held")), (0, true), "{out}");
    let held: Vec<String> = held_mail::table.select(held_mail::body).load(&mut *w.app.db()).unwrap();
    assert_eq!(held, ["Held reply."]);

    // The relay: the same, then a message over the limit (10 MB here), recorded and answered 413.
    let agent = ureq::AgentBuilder::new().build();
    let relay = |raw: &str| match agent.post(&format!("{}/mail/inbound", w.app.base)).set("Authorization", "Bearer relay-secret").set("X-Original-To", &post_to).send_string(raw) {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    };
    let (status, body) = relay(&query("Blower\0 sizing", "Which\0 blower?"));
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stored(&mut w.app.db(), v["post_id"].as_i64().expect(&body)), ("Blower sizing".to_string(), "Which blower?".to_string()));
    let big = query("Huge", &"x".repeat(25 * 1024 * 1024));
    let (status, body) = relay(&big);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains(&format!("message of {} bytes is over the", big.len())), "{body}");
    let last: (String, String, String) = inbound_mail::table.order(inbound_mail::id.desc()).select((inbound_mail::sender, inbound_mail::outcome, inbound_mail::reason)).first(&mut *w.app.db()).unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), ("bob@example.org", "refused"), "{last:?}");
    assert!(last.2.contains("mail-refused-oversized") && last.2.contains("10485760"), "{last:?}");
    // So is one over the limit by `solex mail ingest`.
    let (code, out) = ingest_exit(&url, &w, big.as_bytes(), &post_to);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("refused: message of {} bytes", big.len())), "{out}");
    let senders: Vec<String> = inbound_mail::table.filter(inbound_mail::reason.like("%mail-refused-oversized%")).select(inbound_mail::sender).load(&mut *w.app.db()).unwrap();
    assert_eq!(senders, ["bob@example.org", "bob@example.org"]);

    // Only a database that cannot be reached asks the MTA to try again later.
    let unreachable = if url.starts_with("postgres") {
        format!("postgres://postgres@127.0.0.1:{}/solex", common::free_port())
    } else {
        let file = w.app.config.attachments_dir.join("a-file");
        std::fs::write(&file, "not a folder").unwrap();
        format!("sqlite://{}/solex.db", file.display())
    };
    let (code, out) = ingest_exit(&unreachable, &w, query("Later", "Try again.").as_bytes(), &post_to);
    assert_eq!(code, 75, "{out}");
}

#[test]
fn hard_bounces_stop_mail_and_the_member_is_told() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let token = mail_token(&w, "bob@example.org", MailPurpose::Bounce, 0);
    // A report counts only if it returns the headers of a message we sent Bob.
    let id = ask(&w, &w.alice, "Before the bounces", "text");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let sent_id = header(&smtp.delivered(&w.app, "bob@example.org", 1).remove(0), "Message-ID").unwrap();
    let dsn = |status: &str| {
        format!("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: <bounce+{token}@solex.localhost>\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: {status}\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {sent_id}\r\nTo: bob@example.org\r\nSubject: [Energy] Before the bounces\r\n--b--\r\n")
    };
    let (ok, out) = ingest_cli(&w, &dsn("4.2.2"), None);
    assert!(ok && out.contains("soft bounce"), "{out}");
    for _ in 0..3 {
        let (ok, out) = ingest_cli(&w, &dsn("5.1.1"), None);
        assert!(ok && out.contains("hard bounce"), "{out}");
    }
    let profile = w.bob.get("/profile").body;
    assert!(profile.contains("kept bouncing"), "the member is told on the web");
    let for_bob = || {
        use diesel::prelude::*;
        use solex::db::schema::mail_outbox::dsl;
        let mut conn = w.app.db();
        dsl::mail_outbox.filter(dsl::recipient.eq("bob@example.org")).filter(dsl::kind.ne("raw")).count().get_result::<i64>(&mut *conn).unwrap()
    };
    let before = for_bob();
    let id = ask(&w, &w.alice, "After the bounces", "text");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    assert_eq!(for_bob(), before, "no mail is queued for a stopped address");
    assert_eq!(w.bob.post("/profile/resume-mail", &[]).status, 303);
    assert!(!w.bob.get("/profile").body.contains("kept bouncing"));
    let id = ask(&w, &w.alice, "After resuming", "text");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    smtp.delivered(&w.app, "bob@example.org", 2);
}

#[test]
fn an_smtp_outage_delays_mail_and_loses_none() {
    let mut smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    smtp.stop();
    let ids: Vec<i64> = (0..3).map(|i| ask(&w, &w.alice, &format!("During the outage {i}"), "text")).collect();
    for id in &ids {
        assert_eq!(decide(&w, &w.moderator, *id, &[("action", "approve")]).status, 303, "approving never waits for mail");
    }
    // The sender tries, fails and keeps the rows queued with the error.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let mut conn = w.app.db();
        let rows = solex::models::mail_outbox::due_ids(&mut conn, solex::models::now() + chrono::Duration::hours(2), 100).unwrap();
        let tried = rows.iter().filter(|id| {
            let r: solex::models::mail_outbox::OutboxMail = {
                use diesel::prelude::*;
                use solex::db::schema::mail_outbox::dsl;
                dsl::mail_outbox.find(**id).select(solex::models::mail_outbox::OutboxMail::as_select()).first(&mut *conn).unwrap()
            };
            r.attempts > 0 && !r.last_error.is_empty()
        }).count();
        if tried >= 3 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the sender should have tried");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(smtp.list_messages_to("bob@example.org").is_empty());
    smtp.resume();
    let got = smtp.wait_for("bob@example.org", 3);
    // Give any duplicate a chance to show up, then count exactly.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let got_after = smtp.list_messages_to("bob@example.org");
    assert_eq!(got.len(), 3);
    assert_eq!(got_after.len(), 3, "each message exactly once");
    let mut conn = w.app.db();
    assert_eq!(solex::models::mail_outbox::count_by_status(&mut conn, solex::models::mail_outbox::Status::Queued).unwrap(), 0);
}

/// Every mail is a typed outbox row rendered when it is sent: an account mail queued while
/// the SMTP server is away comes in the language its member reads when it goes out, and the
/// one-time secret of its link waits in the outbox only as long as the mail does.
#[test]
fn account_mail_is_rendered_when_sent_and_its_secret_does_not_stay() {
    use diesel::prelude::*;
    use solex::db::schema::mail_outbox::dsl;
    type Row = (String, String, Option<String>, String, String, String);
    let mut smtp = SmtpServer::start();
    let app = common::TestApp::with_smtp(&smtp, |c| c.mail_retry_secs = 1);
    let lata = app.member("lata@example.org", "sarees woven in Chanderi", "Lata Kumari");
    smtp.stop();
    let r = app.client().submit("/password/forgot", "/password/forgot", &[("email", "lata@example.org")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let resets = || -> Vec<Row> {
        let mut conn = app.db();
        dsl::mail_outbox
            .filter(dsl::kind.eq("reset_password"))
            .select((dsl::status, dsl::recipient, dsl::payload, dsl::subject, dsl::body_text, dsl::body_html))
            .load(&mut *conn)
            .unwrap()
    };
    let queued = resets();
    assert_eq!(queued.len(), 1, "one typed row, written with the request: {queued:?}");
    assert_eq!((queued[0].0.as_str(), queued[0].1.as_str()), ("queued", "lata@example.org"));
    assert!(queued[0].2.as_deref().is_some_and(|p| p.contains("secret")), "the link's secret waits in the payload: {queued:?}");
    assert!(queued[0].3.is_empty() && queued[0].4.is_empty() && queued[0].5.is_empty(), "nothing is rendered when queued");

    // The member switches to Hindi before the mail goes out.
    let r = lata.submit("/profile", "/profile", &[("name", "Lata Kumari"), ("language", "hi")]);
    assert_eq!(r.status, 303, "{}", r.body);
    smtp.resume();
    // Retries back off (1 s doubling), so the mail may take a few seconds to be tried again.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mail = loop {
        if let Some(m) = app.mails().into_iter().filter(|m| m.to == "lata@example.org").nth(1) {
            break m;
        }
        assert!(std::time::Instant::now() < deadline, "the reset mail should arrive once the server is back");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(mail.subject.contains("नया पासवर्ड"), "rendered in the member's language when sent: {}", mail.subject);
    let link = mail.link("/password/reset?token=");
    let secret = link.split("token=").nth(1).unwrap().to_string();

    // Once sent, the secret is nowhere in the outbox; the link still works (its hash is kept).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let sent = loop {
        let rows = resets();
        if rows.iter().all(|r| r.0 == "sent") {
            break rows;
        }
        assert!(std::time::Instant::now() < deadline, "the reset mail should be marked sent: {rows:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(sent[0].2.is_none(), "the payload is cleared once sent: {sent:?}");
    let anywhere: Vec<(String, String, String, Option<String>)> = {
        let mut conn = app.db();
        dsl::mail_outbox.select((dsl::subject, dsl::body_text, dsl::body_html, dsl::payload)).load(&mut *conn).unwrap()
    };
    assert!(
        anywhere.iter().all(|(s, t, h, p)| ![s.as_str(), t, h, p.as_deref().unwrap_or("")].iter().any(|c| c.contains(&secret))),
        "no outbox row keeps the secret"
    );
    let r = app.client().get(&link);
    assert_eq!(r.status, 200, "{}", r.body);
}
