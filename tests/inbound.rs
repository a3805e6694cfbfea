//! Replies by mail (issue 16): every word is kept, parts the portal does not take are left out
//! and the member told, a message delivered twice is one post, mail obeys the posting limits,
//! the MTA hears what to do by the exit code, moderators and administrators read the log, and
//! bounces count only when they should. Over a real SMTP server, on both databases.

mod common;

use common::smtp::{header, SmtpServer};
use common::world::*;
use diesel::prelude::*;
use solex::db::schema::{inbound_mail, mail_outbox, users};
use solex::tokens::MailPurpose;

const DOMAIN: &str = "solex.localhost";

/// A Message-ID no other message of the run has.
fn fresh_id() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A plain-text reply from Bob to `to`.
fn plain(to: &str, extra: &str, body: &str) -> String {
    format!("From: Bob Bhatt <bob@example.org>\r\nTo: <{to}>\r\nSubject: Re: Coke\r\nMessage-ID: <i{}@example.org>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n", fresh_id())
}

/// Bob's reply address for thread `id`.
fn reply_to(w: &World, id: i64) -> String {
    format!("reply+{}-{id}@{DOMAIN}", mail_token(w, "bob@example.org", MailPurpose::Reply, id))
}

fn approved_query(w: &World, title: &str) -> i64 {
    let id = ask(w, &w.alice, title, "How much coke per tonne?");
    assert_eq!(decide(w, &w.moderator, id, &[("action", "approve")]).status, 303);
    id
}

/// Replies waiting in the queue for thread `id`, oldest first.
fn replies(w: &World, id: i64) -> Vec<solex::models::post::Post> {
    use solex::db::schema::posts;
    posts::table.filter(posts::thread_id.eq(id)).order(posts::id.asc()).select(solex::models::post::Post::as_select()).load(&mut *w.app.db()).unwrap()
}

fn last_log(w: &World) -> solex::models::inbound::InboundMail {
    solex::models::inbound::recent(&mut w.app.db(), 1).unwrap().remove(0)
}

fn outbox_kinds_for(w: &World, email: &str, kind: &str) -> i64 {
    mail_outbox::table.filter(mail_outbox::recipient.eq(email)).filter(mail_outbox::kind.eq(kind)).count().get_result(&mut *w.app.db()).unwrap()
}

/// Every message the portal sent to `to`, list mail or not, once the sender has run.
fn mail_to(w: &World, smtp: &SmtpServer, to: &str) -> Vec<Vec<u8>> {
    w.app.drain();
    smtp.messages_to(to)
}

/// The decoded Subject of a raw message.
fn subject_of(raw: &[u8]) -> String {
    mail_parser::MessageParser::default().parse(raw).and_then(|m| m.subject().map(str::to_string)).unwrap_or_default()
}

fn text_of(raw: &[u8]) -> String {
    mail_parser::MessageParser::default().parse(raw).unwrap().body_text(0).unwrap().into_owned()
}

/// Apple Mail's "text, photo, text" with, besides, every kind of part the portal does not take.
fn reply_with_parts(to: &str) -> String {
    let jpeg = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==";
    format!(
        "From: Bob Bhatt <bob@example.org>\r\nTo: <{to}>\r\nSubject: Re: Coke\r\nMessage-ID: <parts{}@example.org>\r\nX-Auto-Response-Suppress: All\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n\
--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFirst paragraph: we use 110 kg per tonne.\r\n\
--B\r\nContent-Type: image/jpeg; name=\"furnace.jpg\"\r\nContent-Disposition: inline; filename=\"furnace.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{jpeg}\r\n\
--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSecond paragraph: after the photo.\r\n\r\nOn Mon, 3 Dec 2026 at 10:00, Alice Ahuja <\r\nalice@example.org> wrote:\r\n> How much coke per tonne?\r\n\
--B\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\nabc\r\n-----END PGP SIGNATURE-----\r\n\
--B\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAA\r\n\
--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@example.net\r\nSubject: Fwd\r\n\r\nForwarded text.\r\n\
--B\r\nContent-Type: text/plain; name=\"notes.txt\"\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nnotes\r\n\
--B\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUg==\r\n--B--\r\n",
        fresh_id()
    )
}

#[test]
fn a_reply_keeps_every_word_and_the_member_is_told_which_parts_were_left_out() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let id = approved_query(&w, "Coke per tonne");
    let to = reply_to(&w, id);

    let (code, out) = ingest_as_mta(&w, reply_with_parts(&to).as_bytes(), Some(&to));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("accepted"), "X-Auto-Response-Suppress is ordinary mail: {out}");
    let posted = replies(&w, id);
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].body_md, "First paragraph: we use 110 kg per tonne.\n\nSecond paragraph: after the photo.");
    let files = solex::models::attachment::for_posts(&mut w.app.db(), &[posted[0].id]).unwrap();
    assert_eq!(files.iter().map(|f| f.original_name.as_str()).collect::<Vec<_>>(), ["furnace.jpg"]);
    let log = last_log(&w);
    assert_eq!((log.outcome.as_str(), log.post_id), ("accepted", Some(posted[0].id)));
    assert_eq!(solex::models::list::decode(&log.dropped).count(), 5, "{}", log.dropped);

    // Bob is told, in his language, which parts were left out and why.
    let notices = |w: &World| mail_to(w, &smtp, "bob@example.org").into_iter().filter(|raw| subject_of(raw).contains("left out") || subject_of(raw).contains("छोड़")).collect::<Vec<_>>();
    let told = notices(&w);
    assert_eq!(told.len(), 1);
    assert_eq!(header(&told[0], "Auto-Submitted").as_deref(), Some("auto-replied"));
    let text = text_of(&told[0]);
    for part in ["signature.asc: a digital signature", "winmail.dat: Outlook's winmail.dat", "forwarded message", "notes.txt: only PDF", "an image inside the text without a file name"] {
        assert!(text.contains(part), "{part}: {text}");
    }
    diesel::update(users::table.filter(users::email.eq("bob@example.org"))).set(users::language.eq("hi")).execute(&mut *w.app.db()).unwrap();
    let signed = format!("From: Bob Bhatt <bob@example.org>\r\nTo: <{to}>\r\nSubject: Re: Coke\r\nMessage-ID: <s{}@example.org>\r\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"S\"\r\n\r\n--S\r\nContent-Type: text/plain\r\n\r\nSigned and kept.\r\n--S\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\nsig\r\n--S--\r\n", fresh_id());
    assert_eq!(ingest_as_mta(&w, signed.as_bytes(), Some(&to)).0, 0);
    assert_eq!(replies(&w, id)[1].body_md, "Signed and kept.");
    let hindi = notices(&w);
    assert_eq!(hindi.len(), 2);
    assert!(text_of(&hindi[1]).contains("डिजिटल हस्ताक्षर"), "{}", text_of(&hindi[1]));

    // These notices are about Bob's posts: he can turn them off with the rest of that topic.
    assert_eq!(w.bob.post("/profile/notices", &[("n-post_status", "off")]).status, 303);
    assert_eq!(ingest_as_mta(&w, reply_with_parts(&to).as_bytes(), Some(&to)).0, 0);
    assert_eq!(replies(&w, id).len(), 3, "the reply is still posted");
    assert_eq!(notices(&w).len(), 2, "no notice once he turned them off");
}

#[test]
fn subjects_in_any_charset_make_one_line_titles_and_list_mail_stays_well_formed() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let c = solex::models::community::find_by_slug(&mut w.app.db(), &w.slug).unwrap().id;
    let post_to = format!("post+{}-{c}@{DOMAIN}", mail_token(&w, "bob@example.org", MailPurpose::Post, c));
    let query = |subject: &str, charset: &str, body: &[u8]| {
        let mut raw = format!("From: <bob@example.org>\r\nTo: <{post_to}>\r\nSubject: {subject}\r\nMessage-ID: <q{}@example.org>\r\nContent-Type: text/plain; charset={charset}\r\n\r\n", fresh_id()).into_bytes();
        raw.extend_from_slice(body);
        let (code, out) = ingest_as_mta(&w, &raw, Some(&post_to));
        assert_eq!(code, 0, "{out}");
        let id: i64 = out.split("post ").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).expect(&out);
        solex::models::post::find(&mut w.app.db(), id).unwrap()
    };
    let jp = query("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "ISO-2022-JP", b"\x1b$BF|K\\8l\x1b(B\r\n");
    assert_eq!((jp.title.as_str(), jp.body_md.as_str()), ("日本語", "日本語"));
    let kr = query("=?EUC-KR?B?x9Gxub7u?=", "EUC-KR", b"\xc7\xd1\xb1\xb9\xbe\xee\r\n");
    assert_eq!((kr.title.as_str(), kr.body_md.as_str()), ("한국어", "한국어"));
    let cn = query("=?GB2312?B?1tDOxA==?=", "GB2312", b"\xd6\xd0\xce\xc4\r\n");
    assert_eq!((cn.title.as_str(), cn.body_md.as_str()), ("中文", "中文"));
    // A line break encoded into the Subject never reaches the title or a Subject we send.
    let broken = query("=?utf-8?Q?Blower_sizing=0D=0ABcc:_all@example.org=09now?=", "utf-8", b"Which blower?\r\n");
    assert_eq!(broken.title, "Blower sizing Bcc: all@example.org now");

    // A community with a Hindi name: List-Id carries it encoded, and it reads back.
    let settings = format!("/c/{}/settings", w.slug);
    let hindi = "फाउंड्री में ऊर्जा दक्षता";
    let r = w.admin.submit(&settings, &settings, &[("name", hindi), ("theme", "energy-efficiency"), ("join_policy", "request"), ("premoderation", "all"), ("trusted_after", "3"), ("hold_rules", ""), ("canned_reasons", "Off topic"), ("response_days", "10")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(decide(&w, &w.moderator, broken.id, &[("action", "approve")]).status, 303);
    let raw = smtp.delivered(&w.app, "alice@example.org", 1).remove(0);
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.lines().any(|l| l.starts_with("Bcc:")), "{text}");
    let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(m.subject(), Some(format!("[{hindi}] Blower sizing Bcc: all@example.org now").as_str()));
    let list = m.header("List-Id").and_then(|h| h.as_address()).and_then(|a| a.first()).expect("List-Id");
    assert_eq!((list.name(), list.address()), (Some(hindi), Some("foundry-energy.solex.localhost")), "{text}");
}

#[test]
fn a_message_delivered_twice_is_one_post_and_mail_obeys_the_posting_limits() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    let id = approved_query(&w, "Limits by mail");
    let to = reply_to(&w, id);
    let once = plain(&to, "", "Only once, please.");
    assert!(ingest_as_mta(&w, once.as_bytes(), Some(&to)).1.contains("accepted"));
    let (code, out) = ingest_as_mta(&w, once.as_bytes(), Some(&to));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("duplicate: the same message"), "{out}");
    assert_eq!(replies(&w, id).len(), 1);
    let log = last_log(&w);
    assert_eq!(log.outcome, "duplicate");
    assert!(log.reason.contains("mail-refused-duplicate") && log.dedupe_key.is_none(), "{log:?}");

    // Five posts a minute, as on the web: the sixth is refused with its reason; the member is
    // told once, however many follow within the hour.
    for n in 2..=5 {
        let (code, out) = ingest_as_mta(&w, plain(&to, "", &format!("Reply number {n}.")).as_bytes(), Some(&to));
        assert!(code == 0 && out.contains("accepted"), "{n}: {out}");
    }
    for n in 6..=7 {
        let (code, out) = ingest_as_mta(&w, plain(&to, "", &format!("Reply number {n}.")).as_bytes(), Some(&to));
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("refused: too many posts in a short time"), "{n}: {out}");
    }
    assert_eq!(replies(&w, id).len(), 5);
    assert_eq!(outbox_kinds_for(&w, "bob@example.org", "mail_refused"), 1, "one notice an hour");
    let told: Vec<Vec<u8>> = mail_to(&w, &smtp, "bob@example.org").into_iter().filter(|raw| subject_of(raw).contains("was not posted")).collect();
    assert_eq!(told.len(), 1);
    assert!(text_of(&told[0]).contains("Why: too many posts in a short time"), "{}", text_of(&told[0]));
    // The web counts the same posts: Bob may not post there either.
    let r = w.bob.post_multipart(&format!("/c/{}/t/{id}/reply", w.slug), &[("body", "From the web.")], &[]);
    assert_eq!(r.status, 429, "{}", r.body);

    // A refusal of mail from an address that proved no one is never answered.
    let before = mail_outbox::table.count().get_result::<i64>(&mut *w.app.db()).unwrap();
    let stranger = format!("From: <mallory@example.net>\r\nTo: <reply+1-{id}@{DOMAIN}>\r\nSubject: x\r\nMessage-ID: <x{}@example.net>\r\n\r\nSpam.\r\n", fresh_id());
    assert_eq!(ingest_as_mta(&w, stranger.as_bytes(), None).0, 67);
    assert_eq!(mail_outbox::table.count().get_result::<i64>(&mut *w.app.db()).unwrap(), before, "no backscatter");
}

#[test]
fn the_exit_code_tells_the_mta_to_bounce_an_unknown_address_and_unreadable_mail() {
    let w = world();
    let id = {
        let id = ask(&w, &w.alice, "Exit codes", "text");
        decide(&w, &w.moderator, id, &[("action", "approve")]);
        id
    };
    let to = reply_to(&w, id);
    let stranger = |to: &str| plain(to, "", "Hello?").replace("bob@example.org", "mallory@example.net");
    let bounce_with_reply_token = format!("bounce+{}@{DOMAIN}", mail_token(&w, "bob@example.org", MailPurpose::Reply, id));
    let cases: Vec<(String, Option<&str>, i32, &str)> = vec![
        // No such local part; a reply address whose token names no one; a token of the wrong
        // purpose: the MTA bounces them as unknown users.
        (stranger("info@solex.localhost"), Some("info@solex.localhost"), 67, "unknown address"),
        (stranger(&format!("reply+garbage-{id}@{DOMAIN}")), None, 67, "unknown address"),
        (stranger(&bounce_with_reply_token), Some(&bounce_with_reply_token), 67, "unknown address"),
        // Not mail at all: returned as bad data.
        ("\u{1}\u{2}\u{3} not mail at all".to_string(), Some(&to), 65, "malformed"),
        (plain(&to, "", "A good reply."), Some(&to), 0, "accepted"),
    ];
    for (raw, recipient, expected, outcome) in cases {
        let (code, out) = ingest_as_mta(&w, raw.as_bytes(), recipient);
        assert_eq!(code, expected, "{out}");
        assert!(out.starts_with(outcome), "{out}");
        assert_eq!(last_log(&w).outcome, outcome, "every message is recorded");
    }
}

#[test]
fn moderators_and_administrators_read_the_inbound_log_in_their_language() {
    let w = world();
    let id = ask(&w, &w.alice, "The log", "text");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let to = reply_to(&w, id);
    assert_eq!(ingest_as_mta(&w, plain(&to, "", "Logged reply.").as_bytes(), Some(&to)).0, 0);
    assert_eq!(ingest_as_mta(&w, plain(&to, "Auto-Submitted: auto-replied\r\n", "Away.").as_bytes(), Some(&to)).0, 0);
    assert_eq!(ingest_as_mta(&w, plain("nobody@solex.localhost", "", "Lost.").as_bytes(), Some("nobody@solex.localhost")).0, 67);

    let page = w.moderator.get(&format!("/c/{}/mail-log", w.slug));
    assert_eq!(page.status, 200, "{}", page.body);
    let (accepted, automatic) = (page.body.find(">accepted<").expect("the accepted reply"), page.body.find("automatic message (Auto-Submitted: auto-replied)").expect("the refusal and why"));
    assert!(automatic < accepted, "newest first");
    assert!(!page.body.contains("not addressed to a list address"), "mail for no community is not this community's");
    assert!(w.moderator.get(&format!("/c/{}", w.slug)).body.contains("/mail-log"), "linked from the community");
    w.moderator.get(&format!("/lang/hi?next=/c/{}/mail-log", w.slug));
    let hindi = w.moderator.get(&format!("/c/{}/mail-log", w.slug)).body;
    assert!(hindi.contains("आई हुई ईमेल") && hindi.contains("स्वचालित संदेश") && hindi.contains("स्वीकृत"), "{hindi}");
    assert!(w.other_moderator.get(&format!("/c/{}/mail-log", w.slug)).status >= 403);
    assert!(w.alice.get(&format!("/c/{}/mail-log", w.slug)).status >= 403);

    let admin = w.admin.get("/admin/mail-log").body;
    assert!(admin.contains("not addressed to a list address") && admin.contains("automatic message"), "{admin}");

    // Paged, fifty a page, newest first.
    let c = solex::models::community::find_by_slug(&mut w.app.db(), &w.slug).unwrap().id;
    for n in 0..60 {
        let row = solex::models::inbound::NewInboundMail {
            received_at: solex::models::now(),
            sender: "bob@example.org",
            recipient: "reply+…@solex.localhost",
            message_id: &format!("page{n}@example.org"),
            outcome: "refused",
            reason: &solex::error::Message::new("mail-refused-thread-gone").to_stored(),
            post_id: None,
            dedupe_key: None,
            community_id: Some(c),
            dropped: "",
        };
        solex::models::inbound::record(&mut w.app.db(), &row).unwrap();
    }
    let first = w.moderator.get(&format!("/c/{}/mail-log", w.slug)).body;
    assert_eq!(first.matches("<tr>").count(), 51, "a header row and fifty");
    assert!(first.contains("rel=\"next\""));
    let second = w.moderator.get(&format!("/c/{}/mail-log?page=2", w.slug)).body;
    assert_eq!(second.matches("<tr>").count(), 1 + 62 - 50);
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
}

/// A delivery-status report for Bob's bounce address about message `sent_id`.
fn dsn(w: &World, status: &str, sent_id: &str) -> String {
    let token = mail_token(w, "bob@example.org", MailPurpose::Bounce, 0);
    format!("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: <bounce+{token}@{DOMAIN}>\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <dsn{}@mx.example.org>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; bob@example.org\r\nAction: failed\r\nStatus: {status}\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {sent_id}\r\nTo: bob@example.org\r\n--b--\r\n", fresh_id())
}

fn bob_bounces(w: &World) -> (i32, bool) {
    let u = solex::models::user::find_by_email(&mut w.app.db(), "bob@example.org").unwrap().unwrap();
    (u.bounce_count, u.mail_stopped_at.is_some())
}

fn set_last_bounce(w: &World, days_ago: i64) {
    let at = solex::models::now() - chrono::Duration::days(days_ago);
    diesel::update(users::table.filter(users::email.eq("bob@example.org"))).set(users::last_bounce_at.eq(Some(at))).execute(&mut *w.app.db()).unwrap();
}

#[test]
fn soft_bounces_never_count_hard_ones_decay_and_stopped_members_are_shown_and_restarted() {
    let smtp = SmtpServer::start();
    let w = world_with_smtp(&smtp);
    approved_query(&w, "First to Bob");
    let first = header(&smtp.delivered(&w.app, "bob@example.org", 1).remove(0), "Message-ID").unwrap();
    let bounce = |status: &str| ingest_as_mta(&w, dsn(&w, status, &first).as_bytes(), None);

    // A full mailbox and a temporary failure are soft, however many.
    for status in ["5.2.2", "4.2.2", "5.2.2"] {
        let (code, out) = bounce(status);
        assert!(code == 0 && out.contains("soft bounce"), "{out}");
    }
    assert_eq!(bob_bounces(&w), (0, false));
    assert!(bounce("5.1.1").1.contains("hard bounce"));
    assert_eq!(bob_bounces(&w), (1, false));
    // A hard bounce older than 30 days no longer counts.
    set_last_bounce(&w, 31);
    bounce("5.1.1");
    assert_eq!(bob_bounces(&w), (1, false), "the count started again");
    bounce("5.1.1");
    assert_eq!(bob_bounces(&w), (2, false));
    // Mail delivered since the last bounce (sent after it, and long enough ago that its own
    // bounce would have come) starts the count again.
    approved_query(&w, "Second to Bob");
    smtp.delivered(&w.app, "bob@example.org", 2);
    set_last_bounce(&w, 4);
    let two_days_ago = solex::models::now() - chrono::Duration::hours(50);
    diesel::update(mail_outbox::table.filter(mail_outbox::recipient.eq("bob@example.org")).filter(mail_outbox::message_id.ne(&first)))
        .set(mail_outbox::sent_at.eq(Some(two_days_ago)))
        .execute(&mut *w.app.db())
        .unwrap();
    bounce("5.1.1");
    assert_eq!(bob_bounces(&w), (1, false), "a delivery since the last bounce starts the count again");
    bounce("5.1.1");
    bounce("5.1.1");
    assert_eq!(bob_bounces(&w), (3, true), "stopped after three");

    // The moderator sees it on the members page and restarts Bob's mail.
    let members = format!("/c/{}/members", w.slug);
    let page = w.moderator.get(&members).body;
    assert!(page.contains("Mail stopped after bounces") && page.contains("after 3 bounces"), "{page}");
    let bob = w.app.user_id("bob@example.org");
    assert_eq!(w.moderator.submit(&members, &format!("{members}/{bob}/mail"), &[]).status, 303);
    assert_eq!(bob_bounces(&w), (0, false));
    assert!(!w.moderator.get(&members).body.contains("Mail stopped after bounces"));
    assert!(w.moderator.get(&format!("/c/{}/log", w.slug)).body.contains("restarted a member&#39;s mail") || w.moderator.get(&format!("/c/{}/log", w.slug)).body.contains("restarted a member's mail"));

    // Stopped again; an administrator sees it on the account's page and restarts it.
    for _ in 0..3 {
        bounce("5.1.1");
    }
    assert_eq!(bob_bounces(&w), (3, true));
    let account = format!("/admin/users/{bob}");
    assert!(w.admin.get(&account).body.contains("Mail stopped after bounces"));
    assert_eq!(w.admin.submit(&account, &format!("{account}/mail/restart"), &[]).status, 303);
    assert_eq!(bob_bounces(&w), (0, false));
    assert!(w.admin.get("/admin/audit").body.contains("mail restarted"));
    approved_query(&w, "Third to Bob");
    let subjects: Vec<String> = smtp.delivered(&w.app, "bob@example.org", 3).iter().filter_map(|raw| header(raw, "Subject")).collect();
    assert!(subjects.iter().any(|s| s.contains("Third to Bob")), "{subjects:?}");
}

#[test]
fn a_filing_that_died_half_way_is_taken_over_and_one_in_progress_is_retried() {
    let w = world();
    let id = ask(&w, &w.alice, "Claims", "text");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let to = reply_to(&w, id);
    let raw = plain(&to, "", "Filed after a crash.");
    // A claim as a filing leaves it when it dies before it finishes.
    let mid = raw.split("Message-ID: <").nth(1).unwrap().split('>').next().unwrap().to_string();
    let key = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(format!("{}\n{}", mid.to_lowercase(), to.to_lowercase()).as_bytes()))
    };
    let claim = |minutes_ago: i64| {
        diesel::delete(inbound_mail::table.filter(inbound_mail::dedupe_key.eq(&key))).execute(&mut *w.app.db()).unwrap();
        let row = solex::models::inbound::NewInboundMail {
            received_at: solex::models::now() - chrono::Duration::minutes(minutes_ago),
            sender: "bob@example.org",
            recipient: "",
            message_id: &mid,
            outcome: solex::models::inbound::RECEIVED,
            reason: "",
            post_id: None,
            dedupe_key: Some(&key),
            community_id: None,
            dropped: "",
        };
        solex::models::inbound::record(&mut w.app.db(), &row).unwrap()
    };
    // Another delivery is filing it this moment: the MTA is asked to try again later.
    claim(1);
    assert_eq!(ingest_as_mta(&w, raw.as_bytes(), Some(&to)).0, 75);
    assert!(replies(&w, id).is_empty());
    // The filing died long ago: this delivery takes its claim over and files the message.
    let row = claim(30);
    let (code, out) = ingest_as_mta(&w, raw.as_bytes(), Some(&to));
    assert!(code == 0 && out.contains("accepted"), "{out}");
    assert_eq!(replies(&w, id).len(), 1);
    assert_eq!(solex::models::inbound::find(&mut w.app.db(), row).unwrap().outcome, "accepted");
}
