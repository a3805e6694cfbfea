//! Posting on someone's behalf, with consent (issue 19): administrators grant the facilitator
//! role; a facilitator posts for a unit owner with the owner's consent; the owner's contact is
//! shown to the facilitator, moderators and administrators only; replies reach the facilitator
//! to pass on; the owner claims the posts with a single-use link.

mod common;

use common::world::{decide, id_from, world, World, PW};
use common::{Client, Mail};

const PHONE: &str = "98300 12345";
const ADDRESS: &str = "12 Foundry Lane, Liluah";

/// Grants bob the facilitator role through the administrator's form.
fn make_facilitator(w: &World) {
    let id = w.app.user_id("bob@example.org");
    let r = w.admin.submit(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/grants"), &[("role", "facilitator"), ("office_title", "Secretary, Howrah Foundry Association")]);
    assert_eq!(r.status, 303, "grant: {}", r.body);
}

fn behalf_fields<'a>(consent: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("title", "Cupola lining cracks after two heats"),
        ("body", "The lining of my cupola cracks after two heats. What refractory mix works?"),
        ("themes", "energy-efficiency"),
        ("behalf", "yes"),
        ("owner_name", "Ramesh Kumar"),
        ("owner_place", "Howrah"),
        ("owner_state", "West Bengal"),
        ("owner_phone", PHONE),
        ("owner_address", ADDRESS),
    ];
    if consent {
        f.push(("owner_consent", "yes"));
    }
    f
}

fn post_for_owner(w: &World, who: &Client, consent: bool) -> common::Resp {
    who.post_multipart(&format!("/c/{}/posts", w.slug), &behalf_fields(consent), &[])
}

/// The mails to `to` whose subject starts with `prefix`, once everything due is sent.
fn mails_to(w: &World, to: &str, prefix: &str) -> Vec<Mail> {
    w.app.drain();
    w.app.mails().into_iter().filter(|m| m.to == to && m.subject.starts_with(prefix)).collect()
}

#[test]
fn an_administrator_grants_the_role_and_only_facilitators_post_for_others() {
    let w = world();
    // Before the grant, bob's form has no such part and the server refuses the fields.
    assert!(!w.bob.get(&format!("/c/{}/new", w.slug)).body.contains("owner_consent"));
    assert_eq!(post_for_owner(&w, &w.bob, true).status, 403);
    // A member cannot grant it.
    let bob_id = w.app.user_id("bob@example.org");
    let r = w.alice.post(&format!("/admin/users/{bob_id}/grants"), &[("role", "facilitator")]);
    assert_eq!(r.status, 403);

    make_facilitator(&w);
    let page = w.admin.get(&format!("/admin/users/{bob_id}"));
    assert!(page.body.contains("Facilitator · Secretary, Howrah Foundry Association"), "{}", page.body);
    assert!(w.admin.get("/admin/audit").body.contains("facilitator (Secretary, Howrah Foundry Association)"));

    // Alice, a plain member, is refused on the server, directly and at the check step.
    assert_eq!(post_for_owner(&w, &w.alice, true).status, 403);
    let r = w.alice.post_multipart(&format!("/c/{}/check", w.slug), &behalf_fields(true), &[]);
    assert_eq!(r.status, 403);
    assert!(!w.alice.get(&format!("/c/{}/new", w.slug)).body.contains("owner_consent"));

    // Bob's form offers it, with the consent statement in full in both languages.
    let form = w.bob.get(&format!("/c/{}/new", w.slug)).body;
    assert!(form.contains("I am posting this for someone else") && form.contains("owner_consent"), "{form}");
    assert!(form.contains("replies come to me and I pass them on") && form.contains("उत्तर मेरे पास आएँ"), "{form}");

    // Without the consent ticked: the form again, with the message, everything typed kept.
    let r = post_for_owner(&w, &w.bob, false);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Tick the consent statement"), "{}", r.body);
    for kept in ["Ramesh Kumar", "Howrah", PHONE, ADDRESS, "Cupola lining cracks after two heats"] {
        assert!(r.body.contains(kept), "{kept} not kept: {}", r.body);
    }
    // The check step says the same.
    let r = w.bob.post_multipart(&format!("/c/{}/check", w.slug), &behalf_fields(false), &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Tick the consent statement") && r.body.contains("Ramesh Kumar"));
    // Neither a phone nor an address: refused by field.
    let mut f = behalf_fields(true);
    f.retain(|(k, _)| *k != "owner_phone" && *k != "owner_address");
    let r = w.bob.post_multipart(&format!("/c/{}/posts", w.slug), &f, &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Give a phone number or a postal address"), "{}", r.body);
    let mut conn = w.app.db();
    assert!(solex::models::represented_owner::of_facilitator(&mut conn, bob_id).unwrap().is_empty(), "nothing recorded from refused forms");
}

#[test]
fn the_owner_is_shown_to_all_but_the_contact_only_to_those_who_may_and_the_owner_claims_the_posts() {
    let w = world();
    make_facilitator(&w);
    let r = post_for_owner(&w, &w.bob, true);
    assert_eq!(r.status, 303, "{}", r.body);
    let thread = id_from(&r);

    // The queue shows whom it is for, with the contact, to the moderator.
    let queue = w.moderator.get(&format!("/c/{}/queue", w.slug)).body;
    assert!(queue.contains("Posted by Bob Bhatt for Ramesh Kumar (Howrah, West Bengal)"), "{queue}");
    assert!(queue.contains(PHONE) && queue.contains(ADDRESS), "{queue}");
    let review = w.moderator.get(&format!("/c/{}/queue/{thread}", w.slug)).body;
    assert!(review.contains("Ramesh Kumar") && review.contains(PHONE));
    let r = decide(&w, &w.moderator, thread, &[("action", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(w.moderator.post(&format!("/c/{}/t/{thread}/visibility", w.slug), &[("public", "1")]).status, 303);

    // The thread: everyone reads "posted by X for Y (place)"; the contact only the facilitator,
    // the moderator and the administrator.
    let path = format!("/c/{}/t/{thread}", w.slug);
    let anonymous = w.app.client();
    for (who, sees) in [(&w.bob, true), (&w.moderator, true), (&w.admin, true), (&w.alice, false), (&anonymous, false)] {
        let page = who.get(&path);
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Posted by Bob Bhatt for Ramesh Kumar (Howrah, West Bengal)"), "{}", page.body);
        assert_eq!(page.body.contains(PHONE), sees, "phone shown wrongly: {}", page.body);
        assert_eq!(page.body.contains(ADDRESS), sees, "address shown wrongly: {}", page.body);
    }

    // Search, its API and the mail to members carry the question, never the contact.
    w.app.drain();
    for who in [&w.alice, &anonymous] {
        let page = who.get("/search?q=refractory");
        assert!(page.body.contains("Cupola lining cracks"), "the thread is found: {}", page.body);
        let api = who.get("/api/search?q=refractory");
        assert!(api.body.contains("Cupola lining cracks"), "{}", api.body);
        for body in [&page.body, &api.body] {
            assert!(!body.contains(PHONE) && !body.contains("Foundry Lane"), "contact leaked: {body}");
        }
    }
    let to_alice = mails_to(&w, "alice@example.org", "[Energy efficiency in foundries] Cupola lining");
    assert_eq!(to_alice.len(), 1);
    assert!(to_alice[0].text.contains("Bob Bhatt for Ramesh Kumar (Howrah)"), "{}", to_alice[0].text);
    assert!(!to_alice[0].text.contains(PHONE) && !to_alice[0].html.contains(PHONE) && !to_alice[0].text.contains("Foundry Lane"));

    // A reply reaches the facilitator, saying whom to pass it on to.
    let r = w.alice.post_multipart(&format!("{path}/reply"), &[("body", "Use a high-alumina castable and dry it slowly.")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let reply = r.location.unwrap().rsplit("#post-").next().unwrap().parse::<i64>().unwrap();
    assert_eq!(decide(&w, &w.moderator, reply, &[("action", "approve")]).status, 303);
    let to_bob = mails_to(&w, "bob@example.org", "Re: [Energy efficiency in foundries]");
    assert_eq!(to_bob.len(), 1);
    assert!(to_bob[0].text.contains("You posted this question for Ramesh Kumar (Howrah): please pass this reply on"), "{}", to_bob[0].text);
    assert!(to_bob[0].text.contains("high-alumina castable"));
    let to_alice_re = mails_to(&w, "alice@example.org", "Re: ");
    assert!(to_alice_re.is_empty(), "the reply's author hears nothing of it");

    // The facilitator's data export names the owner; alice's does not.
    let r = w.bob.post("/account/export", &[("format", "json")]);
    let data: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(data["represented_owners"][0]["name"], "Ramesh Kumar");
    assert_eq!(data["represented_owners"][0]["phone"], PHONE);
    assert!(data["represented_owners"][0]["consent_statement"].as_str().unwrap().contains("pass them on"));
    let r = w.alice.post("/account/export", &[("format", "json")]);
    assert!(!r.body.contains("Ramesh"));
    // The readable copy has them too.
    let r = w.bob.post("/account/export", &[("format", "html")]);
    assert!(r.body.contains("People I post for (1)") && r.body.contains("Ramesh Kumar") && r.body.contains(PHONE), "{}", r.body);

    // Claiming: bob makes a claim link on his page.
    let page = w.bob.get("/facilitator");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ramesh Kumar") && page.body.contains("Cupola lining cracks"), "{}", page.body);
    assert_eq!(w.alice.get("/facilitator").status, 403);
    let owner_id = {
        let mut conn = w.app.db();
        solex::models::post::find(&mut conn, thread).unwrap().on_behalf_of.unwrap()
    };
    let r = w.bob.submit("/facilitator", &format!("/facilitator/owners/{owner_id}/claim-code"), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let link = r.body.split("/claim/").nth(1).unwrap();
    let code: String = link.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(code.len(), 32);
    {
        // Stored hashed, never as given.
        let mut conn = w.app.db();
        let o = solex::models::represented_owner::find(&mut conn, owner_id).unwrap();
        assert_ne!(o.claim_token_hash.as_deref(), Some(code.as_str()));
        assert_eq!(o.claim_token_hash.as_deref(), Some(solex::tokens::hash_token(&code).as_str()));
    }
    // Another member cannot make one for bob's owner.
    assert_eq!(w.alice.post(&format!("/facilitator/owners/{owner_id}/claim-code"), &[]).status, 403);

    // A wrong link: a clear refusal.
    let wrong = w.app.client().get(&format!("/claim/{}", "0".repeat(32)));
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("This claim link is not known"), "{}", wrong.body);
    // An expired link says so; a new one replaces it (the old one is no longer known).
    {
        use diesel::prelude::*;
        use solex::db::schema::represented_owners;
        let mut conn = w.app.db();
        let past = solex::models::now() - chrono::Duration::days(1);
        diesel::update(represented_owners::table.find(owner_id)).set(represented_owners::claim_expires_at.eq(Some(past))).execute(&mut *conn).unwrap();
    }
    let expired = w.app.client().get(&format!("/claim/{code}"));
    assert_eq!(expired.status, 400);
    assert!(expired.body.contains("This claim link has expired"), "{}", expired.body);
    let r = w.bob.submit("/facilitator", &format!("/facilitator/owners/{owner_id}/claim-code"), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let old = code;
    let code: String = r.body.split("/claim/").nth(1).unwrap().chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_ne!(code, old);
    assert!(w.app.client().get(&format!("/claim/{old}")).body.contains("This claim link is not known"));
    // Anonymous: asked to sign in or create an account first; nothing changes.
    let page = w.app.client().get(&format!("/claim/{code}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Bob Bhatt posted one post for Ramesh Kumar (Howrah)"), "{}", page.body);
    assert!(page.body.contains("/login?next=%2Fclaim%2F"), "{}", page.body);
    // The facilitator cannot claim for himself.
    let r = w.bob.submit(&format!("/claim/{code}"), &format!("/claim/{code}"), &[]);
    assert_eq!(r.status, 400);

    // Ramesh makes an account (the usual sign-up and confirmation) and claims.
    let ramesh = w.app.member("ramesh@example.org", PW, "Ramesh Kumar");
    let r = ramesh.submit(&format!("/claim/{code}"), &format!("/claim/{code}"), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("The posts are yours now"), "{}", r.body);
    let ramesh_id = w.app.user_id("ramesh@example.org");
    {
        let mut conn = w.app.db();
        let p = solex::models::post::find(&mut conn, thread).unwrap();
        assert_eq!(p.author_id, ramesh_id, "authorship moved");
        let o = solex::models::represented_owner::find(&mut conn, owner_id).unwrap();
        assert_eq!(o.claimed_by, Some(ramesh_id));
        assert!(o.phone.is_empty() && o.postal_address.is_empty(), "the contact goes with the claim");
    }
    // The claim is no way around the community's door: Ramesh has asked to join, and the
    // moderators decide (the request is in their members page and the community's log).
    {
        let mut conn = w.app.db();
        let c = solex::models::community::find_by_slug(&mut conn, "foundry-energy").unwrap();
        let m = solex::models::membership::find(&mut conn, c.id, ramesh_id).unwrap().expect("a request to join");
        assert_eq!(m.status, solex::models::membership::Status::Requested);
    }
    assert!(w.moderator.get("/c/foundry-energy/members").body.contains("Ramesh Kumar"));
    let r = w.moderator.submit("/c/foundry-energy/members", &format!("/c/foundry-energy/members/{ramesh_id}"), &[("decision", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = w.alice.get(&path).body;
    assert!(page.contains("Ramesh Kumar (posted for them by Bob Bhatt)"), "{page}");
    assert!(ramesh.get("/my/posts").body.contains("Cupola lining cracks"));

    // The link works once.
    let again = ramesh.post(&format!("/claim/{code}"), &[]);
    assert_eq!(again.status, 400);
    assert!(again.body.contains("This claim link has been used already"), "{}", again.body);
    assert_eq!(w.app.client().get(&format!("/claim/{code}")).status, 400);

    // Later replies reach the owner; the facilitator gets no pass-on line any more.
    let r = w.alice.post_multipart(&format!("{path}/reply"), &[("body", "Also check the tuyere angle.")], &[]);
    let second = r.location.unwrap().rsplit("#post-").next().unwrap().parse::<i64>().unwrap();
    assert_eq!(decide(&w, &w.moderator, second, &[("action", "approve")]).status, 303);
    let to_ramesh = mails_to(&w, "ramesh@example.org", "Re: [Energy efficiency in foundries]");
    assert_eq!(to_ramesh.len(), 1, "the owner hears of replies now");
    assert!(to_ramesh[0].text.contains("tuyere angle"));
    let to_bob = mails_to(&w, "bob@example.org", "Re: [Energy efficiency in foundries]");
    assert!(to_bob.iter().all(|m| !m.text.contains("tuyere angle") || !m.text.contains("pass this reply on")));
}

#[test]
fn a_facilitator_posts_again_for_the_same_owner_and_deletion_erases_the_contact() {
    let w = world();
    make_facilitator(&w);
    assert_eq!(post_for_owner(&w, &w.bob, true).status, 303);
    let bob_id = w.app.user_id("bob@example.org");
    let owner_id = {
        let mut conn = w.app.db();
        solex::models::represented_owner::of_facilitator(&mut conn, bob_id).unwrap()[0].id
    };
    // The form offers the owner posted for before; picking them needs the consent again.
    let form = w.bob.get(&format!("/c/{}/new", w.slug)).body;
    assert!(form.contains(&format!("value=\"{owner_id}\"")) && form.contains("Ramesh Kumar (Howrah)"), "{form}");
    let fields = [("title", "Second question for Ramesh"), ("body", "Where to buy low-ash coke?"), ("behalf", "yes"), ("owner", &owner_id.to_string())];
    let r = w.bob.post_multipart(&format!("/c/{}/posts", w.slug), &fields, &[]);
    assert_eq!(r.status, 400);
    let mut with_consent = fields.to_vec();
    with_consent.push(("owner_consent", "yes"));
    let r = w.bob.post_multipart(&format!("/c/{}/posts", w.slug), &with_consent, &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let second = id_from(&r);
    {
        let mut conn = w.app.db();
        let p = solex::models::post::find(&mut conn, second).unwrap();
        assert_eq!(p.on_behalf_of, Some(owner_id));
        assert_eq!(solex::models::represented_owner::of_facilitator(&mut conn, bob_id).unwrap().len(), 1);
    }

    // The answer reaches the facilitator, saying whom to pass it on to.
    assert_eq!(decide(&w, &w.moderator, second, &[("action", "approve")]).status, 303);
    let r = w.moderator.post(&format!("/c/{}/t/{second}/close", w.slug), &[("how", "in_thread")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let answered = mails_to(&w, "bob@example.org", "solex: answered");
    assert_eq!(answered.len(), 1);
    assert!(answered[0].text.contains("You posted this question for Ramesh Kumar (Howrah)"), "{}", answered[0].text);
    assert!(w.bob.get("/dashboard").body.contains("href=\"/facilitator\""));

    // Bob deletes his account: the owner's contact is erased, their name stays on the posts.
    let r = w.bob.submit("/account/delete", "/account/delete", &[("password", PW), ("confirm", "yes")]);
    assert!(r.status == 200 || r.status == 303, "{}", r.body);
    let mut conn = w.app.db();
    let o = solex::models::represented_owner::find(&mut conn, owner_id).unwrap();
    assert!(o.phone.is_empty() && o.postal_address.is_empty() && o.claim_token_hash.is_none(), "{o:?}");
    assert_eq!(o.name, "Ramesh Kumar");
}
