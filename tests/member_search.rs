//! Members find the members-only threads of their own communities in search, with counts,
//! facets and snippets that are theirs alone; anonymous visitors, outsiders and members of
//! other communities see no trace of them; "my communities" narrows to one's own; leaving a
//! community hides them at the next search.

mod common;

use common::world::*;
use common::Client;

const TITLE: &str = "Induction furnace harmonics";
/// "cupola" is also in shipped public pages, so counts mix public and members-only results.
const BODY: &str = "Our capacitor bank keeps failing beside the cupola.";

/// The search page for `params`: (its result count, its HTML).
fn search(c: &Client, params: &str) -> (usize, String) {
    let r = c.get(&format!("/search?{params}"));
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.body.find("<p class=\"meta\">").unwrap_or_else(|| panic!("no count: {}", r.body)) + "<p class=\"meta\">".len();
    let total = r.body[at..].split(' ').next().unwrap().parse().unwrap();
    (total, r.body)
}

/// The count beside the facet link that ends with `param` (e.g. "kind=thread", "mine=1").
fn facet(body: &str, param: &str) -> Option<usize> {
    let at = body.find(&format!("{param}\">"))?;
    let rest = &body[at..];
    let open = rest.find("</a> (")? + "</a> (".len();
    rest[open..].split(')').next()?.parse().ok()
}

/// Alice asks in foundry-energy (members only), a moderator approves, the index takes it in.
fn asked() -> (World, i64) {
    let w = world();
    let id = ask(&w, &w.alice, TITLE, BODY);
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "approve")]).status, 303);
    w.app.drain();
    (w, id)
}

#[test]
fn members_find_their_communities_threads_and_no_one_else_sees_a_trace() {
    let (w, id) = asked();
    let anon = w.app.client();
    let (public, _) = search(&anon, "q=cupola");
    assert!(public > 0, "shipped pages mention cupolas");

    // Members and the community's moderator find it, counted and with its snippet; so does an
    // administrator, whom the thread page lets read it too.
    for (who, c) in [("alice", &w.alice), ("bob", &w.bob), ("moderator", &w.moderator), ("admin", &w.admin)] {
        let (n, body) = search(c, "q=capacitor");
        assert_eq!(n, 1, "{who}");
        assert!(body.contains(TITLE) && body.contains("<b>capacitor</b>"), "{who}: {body}");
        let (n, body) = search(c, "q=cupola");
        assert_eq!(n, public + 1, "{who}");
        assert_eq!(facet(&body, "kind=thread"), Some(1), "{who}");
    }
    assert_eq!(w.admin.get(&format!("/c/{}/t/{id}", w.slug)).status, 200, "the thread page lets administrators read it");
    let (_, body) = search(&w.alice, "q=cupola");
    assert_eq!(facet(&body, "mine=1"), Some(1), "alice's communities hold one match");
    assert_eq!(facet(&search(&w.admin, "q=cupola").1, "mine=1"), None, "an administrator belongs to no community");

    // Anonymous visitors, a signed-in outsider and another community's moderator: no result,
    // no count, no snippet, no facet; the thread page refuses them alike.
    let dev = w.app.member("dev@example.org", PW, "Dev Dyer");
    join_and_approve(&w.app, "child-labour", &dev, "dev@example.org", &w.other_moderator);
    for (who, c) in [("anonymous", &anon), ("outsider", &w.outsider), ("other moderator", &w.other_moderator), ("other member", &dev)] {
        let (n, body) = search(c, "q=capacitor");
        assert_eq!(n, 0, "{who}");
        assert!(!body.contains("Induction furnace") && !body.contains("capacitor</b>") && !body.contains("capacitor bank"), "{who}: {body}");
        let (n, body) = search(c, "q=cupola");
        assert_eq!(n, public, "{who}");
        assert_eq!(facet(&body, "kind=thread"), None, "{who}");
        assert_eq!(facet(&body, "mine=1"), None, "{who}");
        let (n, _) = search(c, "q=cupola&mine=1");
        assert!(n == 0 || n == public, "{who}: my communities hold none of it ({n})");
        let (n, _) = search(c, "q=capacitr");
        assert_eq!(n, 0, "{who}: not through a typo either");
        assert_eq!(c.get(&format!("/c/{}/t/{id}", w.slug)).status, 404, "{who}");
    }

    // The JSON API answers everyone as an anonymous visitor, cookie or not.
    for c in [&anon, &w.alice] {
        let v: serde_json::Value = serde_json::from_str(&c.get("/api/search?q=capacitor").body).unwrap();
        assert_eq!(v["total"], 0, "{v}");
        let v: serde_json::Value = serde_json::from_str(&c.get("/api/search?q=cupola&mine=1").body).unwrap();
        assert_eq!(v["total"], public, "{v}");
        assert!(v.get("mine").is_none() && !v["facets"].as_array().unwrap().iter().any(|f| f[1] == "thread"), "{v}");
    }
}

#[test]
fn my_communities_narrows_to_ones_own_threads_and_leaving_hides_them_at_once() {
    let (w, _) = asked();
    let (public, _) = search(&w.app.client(), "q=cupola");
    let (n, body) = search(&w.alice, "q=cupola&mine=1");
    assert_eq!(n, 1, "only the community's thread");
    assert!(body.contains(TITLE) && body.contains("name=\"mine\" value=\"1\""), "the filter is kept in the search form: {body}");
    assert!(body.contains("My communities"), "shown as an active filter");
    let (n, _) = search(&w.alice, "q=cupola&mine=1&kind=page");
    assert_eq!(n, 0, "filters combine");
    let r = w.alice.get("/search?q=cupola");
    assert_eq!(r.header("cache-control"), Some("private, no-store"), "a member's results stay out of shared caches");

    // Leaving: the next search no longer finds it, no reindex needed.
    assert_eq!(w.alice.post(&format!("/c/{}/leave", w.slug), &[]).status, 303);
    assert_eq!(search(&w.alice, "q=capacitor").0, 0);
    let (n, body) = search(&w.alice, "q=cupola");
    assert_eq!((n, facet(&body, "mine=1")), (public, None));
    assert_eq!(search(&w.bob, "q=capacitor").0, 1, "bob is still a member");
}

#[test]
fn rejected_posts_are_never_found_and_a_community_going_public_or_private_is_followed() {
    let (w, _) = asked();
    let anon = w.app.client();
    let rejected = ask(&w, &w.bob, "Foundry sand reclamation", "Selling reclaimed sand cheap.");
    assert_eq!(decide(&w, &w.moderator, rejected, &[("action", "reject"), ("canned", "Advertising or promotion")]).status, 303);
    w.app.drain();
    for c in [&w.bob, &w.alice, &w.moderator, &w.admin] {
        assert_eq!(search(c, "q=reclamation").0, 0, "a rejected post is not in the index");
    }

    let settings = format!("/c/{}/settings", w.slug);
    let change = |public: bool| {
        let mut fields = vec![("name", "Energy efficiency in foundries"), ("theme", "energy-efficiency"), ("join_policy", "request"), ("premoderation", "all"), ("trusted_after", "3"), ("hold_rules", ""), ("canned_reasons", "Off topic"), ("response_days", "10")];
        if public {
            fields.push(("public_threads", "on"));
        }
        assert_eq!(w.moderator.submit(&settings, &settings, &fields).status, 303);
        w.app.drain();
    };
    change(true);
    assert_eq!(search(&anon, "q=capacitor").0, 1, "the community's threads became public");
    assert_eq!(search(&w.outsider, "q=capacitor").0, 1);
    change(false);
    assert_eq!(search(&anon, "q=capacitor").0, 0, "members only again");
    assert_eq!(search(&w.outsider, "q=capacitor").0, 0);
    assert_eq!(search(&w.alice, "q=capacitor").0, 1);
}
