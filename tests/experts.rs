//! Experts and referral (issue 19): members offer their expertise by theme, sector and state;
//! a public directory shows those who agreed (never a mail address); a moderator asks up to
//! five matching experts about a query, each once, paused ones never; each asked expert gets
//! the query by mail, in their language, with the thread's reply address (a reply by mail enters
//! the queue) and a link to read that one thread; the thread shows who was asked and who
//! answered.

mod common;

use common::world::*;
use common::{Client, Resp};
use diesel::prelude::*;
use solex::db::schema::{expert_profiles, expert_requests, posts, users};
use solex::tokens::MailPurpose;

fn offer(c: &Client, fields: &[(&str, &str)]) -> Resp {
    c.submit("/experts/profile", "/experts/profile", fields)
}

/// A new member with an expert profile on the foundry community's theme.
fn expert(w: &World, email: &str, name: &str, extra: &[(&str, &str)]) -> Client {
    let c = w.app.member(email, PW, name);
    let mut fields = vec![("themes", "energy-efficiency"), ("experience", "Twenty years of cupola audits."), ("languages", "en"), ("listed", "1")];
    fields.extend_from_slice(extra);
    let r = offer(&c, &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    c
}

fn profiles(w: &World) -> i64 {
    expert_profiles::table.count().get_result(&mut *w.app.db()).unwrap()
}

fn requests(w: &World, id: i64) -> i64 {
    expert_requests::table.filter(expert_requests::post_id.eq(id)).count().get_result(&mut *w.app.db()).unwrap()
}

fn ask_experts(w: &World, page: &str, id: i64, from: &str, who: &[i64]) -> Resp {
    let ids: Vec<String> = who.iter().map(i64::to_string).collect();
    let mut fields = vec![("from", from)];
    fields.extend(ids.iter().map(|i| ("expert", i.as_str())));
    w.moderator.submit(page, &format!("/c/{}/t/{id}/experts", w.slug), &fields)
}

/// Request mails to `to`, once everything due is sent.
fn requests_to(w: &World, to: &str) -> Vec<common::Mail> {
    w.app.drain();
    w.app.mails().into_iter().filter(|m| m.to == to && (m.subject.contains("Your input is requested") || m.subject.contains("आपकी राय माँगी गई है"))).collect()
}

#[test]
fn a_profile_with_mistakes_is_refused_field_by_field_in_either_language_and_nothing_is_stored() {
    let w = world();
    let c = w.app.member("ex@example.org", PW, "Esha Expert");
    let long = "x".repeat(201);
    let bad = [("themes", "not-a-theme"), ("sectors", "Spaceflight"), ("states", "Atlantis"), ("organisation", long.as_str()), ("experience", "  ")];
    let r = offer(&c, &bad);
    assert_eq!(r.status, 400, "{}", r.body);
    for said in [
        "Choose at least one theme from the list.",
        "Choose sectors from the list.",
        "Choose states from the list.",
        "Choose at least one language from the list.",
        "Describe your experience in a few lines.",
        "Use at most 200 characters.",
    ] {
        assert!(r.body.contains(said), "{said} missing in {}", r.body);
    }
    assert_eq!(profiles(&w), 0, "nothing is stored from a refused form");
    // The same in Hindi.
    assert_eq!(c.get("/lang/hi?next=/").status, 303);
    let r = offer(&c, &[("themes", "energy-efficiency"), ("experience", "Audits.")]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("सूची से कम से कम एक भाषा चुनें।"), "{}", r.body);
    assert_eq!(profiles(&w), 0);
    // Put right, it is stored, and the form shows it back.
    let r = offer(&c, &[("themes", "energy-efficiency"), ("sectors", "Metal and foundry"), ("states", "Haryana"), ("organisation", "Foundry Institute"), ("experience", "Audits."), ("languages", "hi"), ("languages", "en")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(profiles(&w), 1);
    let page = c.get(r.location.as_deref().unwrap());
    assert!(page.body.contains("Foundry Institute") && page.body.contains("आपकी विशेषज्ञ प्रोफ़ाइल सहेज ली गई"), "{}", page.body);
    let p = expert_profiles::table.select(solex::models::expert::Profile::as_select()).first(&mut *w.app.db()).unwrap();
    assert_eq!((p.sectors.as_str(), p.states.as_str(), p.languages.as_str(), p.listed, p.paused), ("Metal and foundry", "Haryana", "hi\nen", false, false));
    // Only a signed-in member has a profile.
    let anon = w.app.client();
    assert!(anon.get("/experts/profile").location.as_deref().is_some_and(|l| l.starts_with("/login")));
}

#[test]
fn the_directory_shows_only_listed_experts_and_never_a_mail_address() {
    let w = world();
    let listed = expert(&w, "listed@example.org", "Lata Listed", &[("sectors", "Metal and foundry"), ("states", "Haryana"), ("languages", "hi"), ("organisation", "Cupola Works")]);
    // Unticked means not listed (the browser sends nothing for the box).
    let c = w.app.member("hidden@example.org", PW, "Hema Hidden");
    assert_eq!(offer(&c, &[("themes", "energy-efficiency"), ("experience", "Kilns."), ("languages", "en")]).status, 303);
    let w2 = w.app.member("child@example.org", PW, "Chetan Child");
    assert_eq!(offer(&w2, &[("themes", "child-labour"), ("experience", "Schools."), ("languages", "en"), ("listed", "1")]).status, 303);

    let anon = w.app.client();
    let all = anon.get("/experts");
    assert_eq!(all.status, 200);
    assert!(all.body.contains("Lata Listed") && all.body.contains("Cupola Works") && all.body.contains("Chetan Child"), "{}", all.body);
    assert!(!all.body.contains("Hema Hidden"), "an expert who did not agree is not listed");
    assert!(!all.body.contains("@example.org"), "no mail address is shown: {}", all.body);
    let energy = anon.get("/experts?theme=energy-efficiency");
    assert!(energy.body.contains("Lata Listed") && !energy.body.contains("Chetan Child"));
    for filter in ["sector=Metal+and+foundry", "state=Haryana", "language=hi"] {
        let page = anon.get(&format!("/experts?{filter}"));
        assert!(page.body.contains("Lata Listed") && !page.body.contains("Chetan Child"), "{filter}: {}", page.body);
    }
    assert!(!anon.get("/experts?state=Kerala").body.contains("Lata Listed"));
    // Unlisting, then deleting, takes her out.
    assert_eq!(offer(&listed, &[("themes", "energy-efficiency"), ("experience", "Audits."), ("languages", "hi")]).status, 303);
    assert!(!anon.get("/experts").body.contains("Lata Listed"));
    assert_eq!(listed.submit("/experts/profile", "/experts/profile/delete", &[]).status, 303);
    assert!(expert_profiles::table.find(w.app.user_id("listed@example.org")).count().get_result::<i64>(&mut *w.app.db()).unwrap() == 0);
}

#[test]
fn a_moderator_asks_at_most_five_experts_once_each_and_paused_ones_are_neither_offered_nor_mailed() {
    let w = world();
    let names = ["Anil One", "Bina Two", "Chand Three", "Dev Four", "Ela Five", "Farah Six"];
    let (mut ids, mut clients) = (Vec::new(), Vec::new());
    for (n, name) in names.iter().enumerate() {
        let email = format!("e{n}@example.org");
        clients.push(expert(&w, &email, name, &[]));
        ids.push(w.app.user_id(&email));
    }
    expert(&w, "paused@example.org", "Pavan Paused", &[("paused", "1")]);
    let paused = w.app.user_id("paused@example.org");
    let id = ask(&w, &w.alice, "Cupola lining life", "How long should a lining last?");
    let page = format!("/c/{}/queue/{id}", w.slug);

    let review = w.moderator.get(&page);
    for name in names {
        assert!(review.body.contains(name), "{name} offered: {}", review.body);
    }
    assert!(!review.body.contains("Pavan Paused"), "a paused expert is not offered");
    assert!(review.body.contains("the experts are mailed when it is approved"));

    // Members, other moderators and administrators may not ask.
    for who in [&w.alice, &w.other_moderator, &w.admin] {
        let r = who.post(&format!("/c/{}/t/{id}/experts", w.slug), &[("expert", &ids[0].to_string())]);
        assert!(r.status == 403 || r.status == 404, "{} {}", r.status, r.body);
    }
    assert_eq!(requests(&w, id), 0);
    // A paused expert cannot be asked even by a form made by hand; none chosen is refused.
    let r = ask_experts(&w, &page, id, "queue", &[paused]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("cannot be asked now"), "{}", r.body);
    assert_eq!(ask_experts(&w, &page, id, "queue", &[]).status, 400);

    assert_eq!(ask_experts(&w, &page, id, "queue", &ids[..3]).status, 303);
    assert_eq!(requests(&w, id), 3);
    // Asked before: refused, and nothing else of that form is asked.
    let r = ask_experts(&w, &page, id, "queue", &[ids[0], ids[3]]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("asked about this query already"), "{}", r.body);
    // Three and three are six: refused on the server, whatever the page offered.
    let r = ask_experts(&w, &page, id, "queue", &ids[3..6]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("At most 5 experts may be asked about one query."), "{}", r.body);
    assert_eq!(requests(&w, id), 3);
    assert_eq!(ask_experts(&w, &page, id, "queue", &ids[3..5]).status, 303);
    assert_eq!(requests(&w, id), 5);
    let r = ask_experts(&w, &page, id, "queue", &[ids[5]]);
    assert_eq!(r.status, 400, "the sixth is refused");
    assert_eq!(requests(&w, id), 5);
    assert!(w.moderator.get(&page).body.contains("At most 5 experts"));

    // Nothing leaves while the query waits; approval mails the five, once each.
    for n in 0..5 {
        assert!(requests_to(&w, &format!("e{n}@example.org")).is_empty());
    }
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    for n in 0..5 {
        let got = requests_to(&w, &format!("e{n}@example.org"));
        assert_eq!(got.len(), 1, "expert {n}");
        assert!(got[0].text.contains("How long should a lining last?"));
    }
    assert!(requests_to(&w, "e5@example.org").is_empty());
    assert!(requests_to(&w, "paused@example.org").is_empty(), "a paused expert is not mailed");

    // The moderation log says who asked whom about which query: the two asks that went
    // through, not the refused ones; the query's own history shows them too.
    let log = w.moderator.get(&format!("/c/{}/log", w.slug)).body;
    assert_eq!(log.matches("asked experts for their input").count(), 2, "{log}");
    assert!(log.contains("Anil One, Bina Two, Chand Three") && log.contains("Dev Four, Ela Five") && !log.contains("Farah Six"), "{log}");
    assert!(log.contains(&format!("/t/{id}")), "names the query: {log}");
    let history = w.moderator.get(&page).body;
    assert!(history.contains("asked experts for their input") && history.contains("Dev Four, Ela Five"), "{history}");

    // An expert who deletes their account leaves the log as "former member".
    let r = clients[1].submit("/account/delete", "/account/delete", &[("password", PW), ("confirm", "yes")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let log = w.moderator.get(&format!("/c/{}/log", w.slug)).body;
    assert!(!log.contains("Bina Two"), "{log}");
    assert!(log.contains("Anil One, (former member), Chand Three") && log.contains("Dev Four, Ela Five"), "{log}");
}

#[test]
fn an_asked_expert_reads_the_thread_by_the_link_and_answers_by_mail_into_the_queue() {
    let w = world();
    // Not a member of the (members-only) foundry community; reads and writes Hindi.
    let e = expert(&w, "guru@example.org", "Guru Ganesh", &[("states", "Haryana")]);
    let guru = w.app.user_id("guru@example.org");
    diesel::update(users::table.find(guru)).set(users::language.eq("hi")).execute(&mut *w.app.db()).unwrap();
    let other = ask(&w, &w.bob, "Another private question", "Not for the expert.");
    decide(&w, &w.moderator, other, &[("action", "approve")]);
    let id = ask(&w, &w.alice, "Coke per tonne", "How much coke per tonne of iron?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let thread = format!("/c/{}/t/{id}", w.slug);
    assert_eq!(e.get(&thread).status, 404, "not a member: the thread is hidden");

    // Asked from the thread of an approved query: mailed at once, in Hindi.
    let r = ask_experts(&w, &thread, id, "thread", &[guru]);
    assert_eq!(r.status, 303, "{}", r.body);
    let mails = requests_to(&w, "guru@example.org");
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert!(m.subject.contains("आपकी राय माँगी गई है") && m.subject.contains("Coke per tonne"), "{}", m.subject);
    let reply_to = format!("reply+{}-{id}@{}", mail_token(&w, "guru@example.org", MailPurpose::Reply, id), w.app.config.mail_domain);
    assert!(m.text.contains(&reply_to), "the reply address is in the mail: {}", m.text);
    assert!(m.text.contains("How much coke per tonne of iron?"));
    // The link opens that thread, to anyone holding it, and nothing else.
    let link = m.link("/experts/asked/");
    let anon = w.app.client();
    let seen = anon.get(&link);
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(seen.body.contains("How much coke per tonne of iron?"));
    let token = link.trim_end_matches('?').rsplit('/').next().unwrap().to_string();
    assert_eq!(anon.get(&format!("/experts/asked/{other}/{token}")).status, 404, "the token is for one thread");
    assert_eq!(anon.get(&format!("/experts/asked/{id}/1-00000000000000000000000000000000")).status, 404);
    assert_eq!(e.get(&format!("/c/{}/t/{other}", w.slug)).status, 404);

    // The thread shows who was asked.
    let page = w.alice.get(&thread);
    assert!(page.body.contains("Experts asked") && page.body.contains("Guru Ganesh") && page.body.contains("no answer yet"), "{}", page.body);

    // A reply to that address enters the queue as Guru's.
    let raw = format!("From: Guru Ganesh <guru@example.org>\r\nTo: <{reply_to}>\r\nSubject: Re: Coke per tonne\r\nMessage-ID: <guru1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAbout 110 kg per tonne with a divided blast.\r\n");
    let (code, out) = ingest_as_mta(&w, raw.as_bytes(), Some(&reply_to));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("accepted"), "{out}");
    let (reply, status): (i64, String) = posts::table.filter(posts::thread_id.eq(id)).filter(posts::author_id.eq(guru)).select((posts::id, posts::status)).first(&mut *w.app.db()).unwrap();
    assert_eq!(status, "pending");
    let queue = w.moderator.get(&format!("/c/{}/queue", w.slug));
    assert!(queue.body.contains("About 110 kg per tonne"), "{}", queue.body);
    // Approved, it counts as Guru's answer.
    assert_eq!(decide(&w, &w.moderator, reply, &[("action", "approve")]).status, 303);
    let page = w.alice.get(&thread);
    assert!(page.body.contains("Guru Ganesh · answered"), "{}", page.body);
    assert!(anon.get(&link).body.contains("About 110 kg per tonne"));
    // Not asked about the other thread: a reply there by mail is refused.
    let other_to = format!("reply+{}-{other}@{}", mail_token(&w, "guru@example.org", MailPurpose::Reply, other), w.app.config.mail_domain);
    let raw = format!("From: Guru Ganesh <guru@example.org>\r\nTo: <{other_to}>\r\nSubject: Re: x\r\nMessage-ID: <guru2@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nUninvited.\r\n");
    let (_, out) = ingest_as_mta(&w, raw.as_bytes(), Some(&other_to));
    assert!(!out.contains("accepted"), "{out}");
    w.app.drain();
}
