//! The registry feeds the exchange: a digest carries "From the registry" (records published
//! or updated since the community's last digest whose themes match the community's), which
//! the moderator may trim; knowledge pages and queries point to schemes of Annex I, and each
//! scheme's page lists the initiatives that dovetail it and the pages and public queries that
//! point to it.

mod common;

use common::world::{ask, decide, world, World, PW};
use common::Client;

/// The national and Haryana's focal points, signed in.
fn focal_points(w: &World) -> (Client, Client) {
    let national = w.app.member("nfp@example.org", PW, "Nalini National");
    let haryana = w.app.member("hr@example.org", PW, "Harish Haryana");
    w.app.grant_focal_point(&w.admin, "nfp@example.org", "national");
    w.app.grant_focal_point(&w.admin, "hr@example.org", "Haryana");
    (national, haryana)
}

/// Haryana's focal point submits a record and the national focal point publishes it.
fn publish(national: &Client, haryana: &Client, plural: &str, slug: &str, fields: &[(&str, &str)]) {
    let new = format!("/registry/{plural}/new");
    let mut all = vec![("slug", slug), ("state", "Haryana"), ("action", "submit")];
    all.extend_from_slice(fields);
    let r = haryana.submit(&new, &new, &all);
    assert_eq!(r.status, 303, "{}", r.body);
    let review = format!("/registry/{plural}/{slug}/review/1");
    let lock = common::hidden_value(&national.get(&review).body, "lock").expect("lock field");
    let r = national.post(&review, &[("lock", lock.as_str()), ("decision", "approve"), ("comment", "")]);
    assert_eq!(r.status, 303, "{}", r.body);
}

/// Two energy initiatives (one dovetailing SIDBI's energy-saving scheme) and a child-labour
/// best practice, published.
fn three_records(w: &World) {
    let (national, haryana) = focal_points(w);
    publish(&national, &haryana, "initiatives", "panipat-energy", &[("title", "Energy audits in Panipat"), ("see_issues", "energy"), ("schemes", "sidbi-energy-saving")]);
    publish(&national, &haryana, "initiatives", "karnal-burners", &[("title", "Efficient burners in Karnal"), ("br_activities", "energy-efficient-technology")]);
    publish(&national, &haryana, "practices", "faridabad-tuition", &[
        ("title", "Tuition centres in Faridabad"), ("see_issues", "child-labour"), ("problem", "Children work."),
        ("intervention", "Evening classes."), ("economic_benefit", "Skilled workers later."),
    ]);
}

fn set_daily(who: &Client) {
    let page = who.get("/profile").body;
    let id = page.split("name=\"d-").nth(1).and_then(|s| s.split('"').next()).expect("a delivery field").to_string();
    assert_eq!(who.post("/profile/delivery", &[(&format!("d-{id}"), "daily")]).status, 303);
}

#[test]
fn a_digest_carries_matching_registry_records_and_what_the_moderator_drops_stays_out_of_the_mail() {
    let w = world();
    three_records(&w);
    set_daily(&w.bob);
    let r = w.moderator.post(&format!("/c/{}/digests", w.slug), &[("audience", "daily")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page_path = r.location.unwrap();
    let page = w.moderator.get(&page_path).body;
    assert!(page.contains("From the registry"), "{page}");
    assert!(page.contains("Energy audits in Panipat") && page.contains("Efficient burners in Karnal"), "energy records match an energy community: {page}");
    assert!(!page.contains("Tuition centres in Faridabad"), "a child-labour practice does not");

    // The child-labour community's draft has the practice and not the energy initiatives.
    let r = w.other_moderator.post("/c/child-labour/digests", &[("audience", "daily")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let other = w.other_moderator.get(r.location.as_deref().unwrap()).body;
    assert!(other.contains("Tuition centres in Faridabad") && !other.contains("Energy audits in Panipat") && !other.contains("Efficient burners"), "{other}");

    let did: i64 = page_path.rsplit('/').next().unwrap().parse().unwrap();
    let records = {
        let mut conn = w.app.db();
        solex::models::digest::records(&mut conn, did).unwrap()
    };
    let item = |slug: &str| records.iter().find(|(_, r)| r.slug == slug).unwrap().0.id.to_string();
    let (keep, drop) = (item("panipat-energy"), item("karnal-burners"));
    let (keep_field, drop_field) = (format!("rec-{keep}"), format!("rec-{drop}"));
    let post = |action: &str| w.moderator.post(&page_path, &[("editorial", ""), (&keep_field, "1"), (&drop_field, "1"), ("include_record", &keep), ("action", action)]);
    assert_eq!(post("save").status, 200);
    let preview = w.moderator.get(&format!("{page_path}/preview?format=text")).body;
    assert!(preview.contains("From the registry") && preview.contains("Energy audits in Panipat") && !preview.contains("Efficient burners"), "{preview}");

    let r = post("send");
    assert_eq!(r.status, 200, "{}", r.body);
    w.app.drain();
    let mut digests: Vec<common::Mail> = w.app.mails().into_iter().filter(|m| m.to == "bob@example.org" && m.subject.contains("Digest")).collect();
    assert_eq!(digests.len(), 1);
    let mail = digests.remove(0);
    assert!(mail.text.contains("From the registry") && mail.text.contains("Energy audits in Panipat"), "{}", mail.text);
    assert!(mail.text.contains("/registry/initiatives/panipat-energy"), "{}", mail.text);
    assert!(!mail.text.contains("Efficient burners") && !mail.html.contains("Efficient burners"), "the dropped record stays out");
    assert!(mail.html.contains("/registry/initiatives/panipat-energy\"") && mail.html.contains("Energy audits in Panipat"), "{}", mail.html);

    // The next digest looks only at what changed since this one went out.
    let r = w.moderator.post(&format!("/c/{}/digests", w.slug), &[("audience", "daily")]);
    let next = w.moderator.get(r.location.as_deref().unwrap()).body;
    assert!(!next.contains("Energy audits in Panipat") && !next.contains("From the registry"), "{next}");
}

#[test]
fn pages_and_queries_point_to_schemes_and_each_scheme_page_lists_them() {
    let w = world();
    three_records(&w);
    let visitor = w.app.client();
    let scheme = "/registry/schemes/sidbi-energy-saving";

    // A query pointing to a scheme, in a members-only community.
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Loans for new blowers"), ("body", "Who lends for efficient blowers?"), ("schemes", "sidbi-energy-saving")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let loans = common::world::id_from(&r);
    assert_eq!(decide(&w, &w.moderator, loans, &[("action", "approve")]).status, 303);
    for who in [&visitor, &w.outsider] {
        let body = who.get(scheme).body;
        assert!(body.contains("Energy audits in Panipat"), "the initiative that dovetails the scheme: {body}");
        assert!(!body.contains("Loans for new blowers"), "a members-only query never shows to outsiders");
    }
    assert!(!w.alice.get(scheme).body.contains("Loans for new blowers"), "the scheme's page is public: it lists public queries only");
    assert_eq!(w.moderator.post(&format!("/c/{}/t/{loans}/visibility", w.slug), &[("public", "1")]).status, 303);
    let body = visitor.get(scheme).body;
    assert!(body.contains("Loans for new blowers") && body.contains(&format!("/c/{}/t/{loans}", w.slug)), "{body}");

    // The moderator points a query to a scheme while editing it.
    let other = ask(&w, &w.alice, "Effluent plant share", "How do we share a CETP?");
    let r = decide(&w, &w.moderator, other, &[("action", "edit_approve"), ("title", "Sharing an effluent plant"), ("body", "How do we share a CETP?"), ("schemes_shown", "1"), ("schemes", "cetp")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(w.moderator.post(&format!("/c/{}/t/{other}/visibility", w.slug), &[("public", "1")]).status, 303);
    assert!(visitor.get("/registry/schemes/cetp").body.contains("Sharing an effluent plant"));

    // A knowledge page points to two schemes.
    let r = w.moderator.post("/kb/new", &[
        ("title", "Financing energy audits"), ("slug", "financing-energy-audits"), ("problem", "Audits cost money."), ("solution", "SIDBI lends for them."),
        ("themes", "energy-efficiency"), ("language", "en"), ("schemes_shown", "1"), ("schemes", "sidbi-energy-saving"), ("schemes", "cetp"),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);
    let edit = w.moderator.get("/kb/financing-energy-audits/edit").body;
    assert!(edit.contains("value=\"cetp\" checked"), "the editor shows the chosen schemes");
    let rev = common::hidden_value(&edit, "revision").unwrap();
    let fields = |schemes: &[&'static str]| {
        let mut f: Vec<(&str, String)> = vec![("revision", rev.clone()), ("action", "publish".into()), ("title", "Financing energy audits".into()), ("problem", "Audits cost money.".into()), ("solution", "SIDBI lends for them.".into()), ("themes", "energy-efficiency".into()), ("language", "en".into()), ("schemes_shown", "1".into())];
        f.extend(schemes.iter().map(|s| ("schemes", s.to_string())));
        f
    };
    let send = |f: Vec<(&str, String)>| {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.moderator.post("/kb/financing-energy-audits/edit", &refs)
    };
    let r = send(fields(&["sidbi-energy-saving", "no-such-scheme"]));
    assert_eq!(r.status, 400, "a bad scheme is a field error");
    assert!(r.body.contains("is not a scheme of the registry"), "{}", r.body);
    assert_eq!(visitor.get("/kb/financing-energy-audits").status, 404, "nothing was published");
    assert_eq!(send(fields(&["sidbi-energy-saving", "cetp"])).status, 200);
    let public = visitor.get("/kb/financing-energy-audits").body;
    assert!(public.contains("href=\"/registry/schemes/sidbi-energy-saving\"") && public.contains("Common effluent treatment plants"), "{public}");
    let body = visitor.get(scheme).body;
    assert!(body.contains("Financing energy audits") && body.contains("/kb/financing-energy-audits"), "{body}");
    let index = visitor.get("/registry/schemes").body;
    assert!(index.contains("Energy saving in MSMEs") && index.contains("/registry/schemes/cetp"), "{index}");

    // A retired scheme stays where it was chosen but cannot be chosen anew.
    let r = w.admin.submit("/admin/vocabularies/scheme", "/admin/vocabularies/scheme/cetp", &[("label", "Common effluent treatment plants"), ("retired", "1")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(visitor.get("/kb/financing-energy-audits").body.contains("href=\"/registry/schemes/cetp\""), "the page keeps its retired scheme");
    let rev = common::hidden_value(&w.moderator.get("/kb/financing-energy-audits/edit").body, "revision").unwrap();
    let mut again = fields(&["sidbi-energy-saving", "cetp"]);
    again[0].1 = rev;
    again[1].1 = "save".into();
    assert_eq!(send(again).status, 200, "a page may keep the retired scheme it had");
    assert_eq!(w.alice.post("/credit-consent", &[("consent", "yes")]).status, 303);
    let form = w.alice.get(&format!("/c/{}/new", w.slug)).body;
    assert!(form.contains("value=\"sidbi-energy-saving\"") && !form.contains("value=\"cetp\""), "retired schemes are not offered");
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Another plant"), ("body", "And now?"), ("schemes", "cetp")], &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("is no longer offered"), "{}", r.body);
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "A bad one"), ("body", "Which?"), ("schemes", "made-up")], &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("is not a scheme of the registry"), "{}", r.body);
    assert!(!w.moderator.get(&format!("/c/{}/queue", w.slug)).body.contains("A bad one"), "nothing was written");

    assert_eq!(visitor.get("/registry/schemes/no-such-scheme").status, 404);
}

#[test]
fn a_thread_shows_its_querys_schemes_as_links_in_the_readers_language() {
    let w = world();
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Loans for new blowers"), ("body", "Who lends for efficient blowers?"), ("schemes", "sidbi-energy-saving"), ("schemes", "cetp")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let loans = common::world::id_from(&r);
    assert_eq!(decide(&w, &w.moderator, loans, &[("action", "approve")]).status, 303);
    let plain = ask(&w, &w.alice, "Blower sizing", "Which blower for a 24 inch cupola?");
    assert_eq!(decide(&w, &w.moderator, plain, &[("action", "approve")]).status, 303);
    let thread = format!("/c/{}/t/{loans}", w.slug);

    let en = w.alice.get(&thread).body;
    assert!(en.contains("Schemes of Annex I"), "{en}");
    assert!(en.contains("<a href=\"/registry/schemes/sidbi-energy-saving\">Energy saving in MSMEs (JICA line of credit)</a>"), "{en}");
    assert!(en.contains("href=\"/registry/schemes/cetp\""), "{en}");
    // Bob reads in Hindi: the same links, labelled in Hindi.
    let r = w.bob.submit("/profile", "/profile", &[("name", "Bob Bhatt"), ("organisation", ""), ("language", "hi")]);
    assert!(r.status < 400, "{}", r.body);
    let hi = w.bob.get(&thread).body;
    assert!(hi.contains("अनुलग्नक I की योजनाएँ") && hi.contains("<a href=\"/registry/schemes/sidbi-energy-saving\">MSME में ऊर्जा बचत (JICA ऋण-सहायता)</a>"), "{hi}");
    // A query with no scheme shows no such list.
    let none = w.alice.get(&format!("/c/{}/t/{plain}", w.slug)).body;
    assert!(!none.contains("Schemes of Annex I") && !none.contains("/registry/schemes/"), "{none}");
}
