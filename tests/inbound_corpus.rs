//! A few hundred real-world messages (tests/corpus: the test data of mail libraries, from many
//! clients, in many charsets, some broken on purpose) through `solex mail ingest` as an MTA runs
//! it, each twice in a member's name: as a reply to a thread of its own (given the From every
//! real message has, which many of these fixtures of MIME parsers lack), and exactly as it is as
//! a new query. None panics, each is recorded with its outcome (and a reason when it is not
//! accepted), the exit code is one the MTA understands, and an accepted message keeps the text
//! of every plain-text part, in order.

mod common;

use std::path::Path;

use common::world::*;
use diesel::prelude::*;
use mail_parser::{MessageParser, MimeHeaders, PartType};
use solex::db::schema::{inbound_mail, rate_buckets};
use solex::tokens::MailPurpose;

/// Every message of the corpus, by path.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    for dir in ["dovecot", "rfc", "enmime", "python", "ruby-mail", "sisimai"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".eml") || name.ends_with(".raw") || name.starts_with("msg_") {
                out.push((format!("{dir}/{name}"), std::fs::read(&f).unwrap()));
            }
        }
    }
    out
}

/// The first lines of the plain-text parts as a reply keeps them (quotes, attributions and
/// signatures cut), in order.
fn kept_lines(raw: &[u8]) -> Vec<String> {
    let Some(m) = MessageParser::default().parse(raw) else { return vec![] };
    m.text_bodies()
        .filter_map(|p| match &p.body {
            PartType::Text(t) => Some(solex::services::ingest::trim_reply(&solex::models::storable(t))),
            _ => None,
        })
        .filter_map(|t| t.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_string))
        .collect()
}

/// Whether a message is a bounce or another report by its plain marks (a multipart/report, the
/// null return path, MAILER-DAEMON or the postmaster as sender), as a person reading it would see.
fn is_bounce(raw: &[u8]) -> bool {
    let Some(m) = MessageParser::default().parse_headers(raw) else { return false };
    let report = m.content_type().is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart") && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report")));
    let daemon = |a: &str| ["mailer-daemon", "postmaster"].iter().any(|d| a.to_ascii_lowercase().trim_matches(['<', '>', ' ']).starts_with(d));
    let null_path = m.header_raw("Return-Path").is_some_and(|v| v.trim() == "<>" || daemon(v));
    let from = m.from().and_then(|a| a.first());
    report || null_path || from.and_then(|a| a.address()).is_some_and(daemon) || from.and_then(|a| a.name()).is_some_and(daemon)
}

/// The message with a From header if it has none (a reply's sender; the token in the address,
/// not the From, says who it is).
fn with_from(raw: &[u8]) -> Vec<u8> {
    let has_from = MessageParser::default().parse_headers(raw).is_some_and(|m| m.from().is_some());
    if has_from {
        return raw.to_vec();
    }
    let mut out = b"From: Bob Bhatt <bob@example.org>\r\n".to_vec();
    out.extend_from_slice(raw);
    out
}

/// An approved query to reply to, stored as the posting service stores one.
fn thread(w: &World, community_id: i64, title: &str) -> i64 {
    let now = solex::models::now();
    let new = solex::models::post::NewPost {
        community_id,
        thread_id: None,
        author_id: w.app.user_id("alice@example.org"),
        title,
        body_md: "Replies from every mail client.",
        body_html: "<p>Replies from every mail client.</p>",
        themes: "energy-efficiency",
        state: "",
        district: "",
        sector: "",
        status: solex::models::post::Status::Approved,
        held_reason: "",
        created_at: now,
        updated_at: now,
        approved_at: Some(now),
        response_due_at: None,
    };
    solex::models::post::insert(&mut w.app.db(), &new).unwrap()
}

#[test]
fn real_world_mail_is_filed_without_a_panic_each_with_its_reason_and_accepted_text_is_kept() {
    let w = world();
    let c = solex::models::community::find_by_slug(&mut w.app.db(), &w.slug).unwrap().id;
    let post = format!("post+{}-{c}@solex.localhost", mail_token(&w, "bob@example.org", MailPurpose::Post, c));
    let messages = corpus();
    assert!(messages.len() >= 380, "the corpus is there: {}", messages.len());

    let mut outcomes: std::collections::BTreeMap<(bool, String), usize> = Default::default();
    let mut fed = 0;
    for (name, raw) in &messages {
        let id = thread(&w, c, name);
        let reply = format!("reply+{}-{id}@solex.localhost", mail_token(&w, "bob@example.org", MailPurpose::Reply, id));
        for (to, raw) in [(&reply, with_from(raw)), (&post, raw.clone())] {
            let is_reply = to == &reply;
            // The posting limits are tested on their own; here each message is judged on what
            // it is, not on how many came before it.
            diesel::delete(rate_buckets::table).execute(&mut *w.app.db()).unwrap();
            let before: i64 = inbound_mail::table.count().get_result(&mut *w.app.db()).unwrap();
            let (code, out) = ingest_as_mta(&w, &raw, Some(to));
            fed += 1;
            assert!(!out.contains("panicked"), "{name}: {out}");
            assert!([0, 65, 67].contains(&code), "{name} to {to}: exit {code}: {out}");
            let after: i64 = inbound_mail::table.count().get_result(&mut *w.app.db()).unwrap();
            assert_eq!(after, before + 1, "{name}: recorded once");
            let row = solex::models::inbound::recent(&mut w.app.db(), 1).unwrap().remove(0);
            assert_ne!(row.outcome, solex::models::inbound::RECEIVED, "{name}: finished");
            *outcomes.entry((is_reply, row.outcome.clone())).or_default() += 1;
            if row.outcome != "accepted" {
                assert!(!row.reason.is_empty(), "{name}: {} without a reason", row.outcome);
                continue;
            }
            assert!(!is_bounce(&raw), "{name}: a bounce or delivery report is never posted in a member's name");
            let p = solex::models::post::find(&mut w.app.db(), row.post_id.expect("an accepted message names its post")).unwrap();
            assert_eq!(p.thread_id, is_reply.then_some(id), "{name}");
            assert!(!p.body_md.trim().is_empty(), "{name}");
            assert!(!p.title.contains(['\r', '\n', '\t']), "{name}: {:?}", p.title);
            let mut from = 0;
            for line in kept_lines(&raw) {
                let at = p.body_md[from..].find(&line).unwrap_or_else(|| panic!("{name}: {line:?} is not in the post:\n{}", p.body_md));
                from += at + line.len();
            }
        }
    }
    eprintln!("{fed} messages filed, (as a reply?, outcome): {outcomes:?}");
    assert!(fed >= 760, "a few hundred messages: {fed}");
    // Most of the mail that is not a bounce has words to post: as replies, at least two in
    // three are posted (the others are empty, automatic, too long, or a forwarded message or
    // digest and nothing else).
    let replies_accepted = outcomes.get(&(true, "accepted".to_string())).copied().unwrap_or(0);
    let people = messages.iter().filter(|(_, raw)| !is_bounce(raw)).count();
    assert!(replies_accepted * 3 >= people * 2, "{people} messages not bounces: {outcomes:?}");
}
