//! Themes and sectors as data: administrators add, relabel and retire them on the vocabulary
//! pages, and communities, posts, pages, hubs and search follow without a code change.

mod common;

use common::world::PW;
use common::{hidden_value, Client, TestApp};

const ZED_HI: &str = "ज़ेड प्रमाणन";
const PAGE: &str = "/kb/bronze-level-for-foundries";

/// The fields of the page form for the bronze-level page, with these themes.
fn page_fields<'a>(themes: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("slug", "bronze-level-for-foundries"),
        ("title", "Bronze level for small foundries"),
        ("problem", "Buyers ask small foundries for a rating of their practices."),
        ("solution", "Document the furnace log and the safety drill, then apply online."),
        ("sector", "Leather"),
        ("language", "en"),
    ];
    f.extend(themes.iter().map(|t| ("themes", *t)));
    f
}

/// Saves (or publishes) the page from its edit form with these themes; true when it took.
fn save_page(moderator: &Client, themes: &[&str], action: &str) -> bool {
    let edit = moderator.get(&format!("{PAGE}/edit")).body;
    let rev = hidden_value(&edit, "revision").expect("revision");
    let mut fields = page_fields(themes);
    fields.extend([("revision", rev.as_str()), ("action", action)]);
    let r = moderator.post(&format!("{PAGE}/edit"), &fields);
    r.status == 200 || r.status == 303
}

fn hindi_reader(app: &TestApp) -> Client {
    let c = app.client();
    assert_eq!(c.get("/lang/hi?next=/").status, 303);
    c
}

/// A query with `theme` asked in the community `slug` by its moderator and approved: the
/// thread the page builder starts from.
fn approved_thread(app: &TestApp, moderator: &Client, slug: &str, theme: &str) -> i64 {
    let r = moderator.post_multipart(&format!("/c/{slug}/posts"), &[("title", "Which rating first?"), ("body", "Bronze or silver?"), ("themes", theme)], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r.location.as_deref().unwrap().split("/t/").nth(1).unwrap().split(['?', '#']).next().unwrap().parse().unwrap();
    let p = solex::models::post::find(&mut app.db(), id).unwrap();
    assert_eq!(p.themes, theme, "stored as its code");
    if p.status != solex::models::post::Status::Approved {
        let v = p.version.to_string();
        let r = moderator.post(&format!("/c/{slug}/queue/{id}/decide"), &[("version", v.as_str()), ("action", "approve")]);
        assert_eq!(r.status, 303, "{}", r.body);
    }
    id
}

/// An option or checkbox offering the theme `code` on a form.
fn offers(html: &str, code: &str) -> bool {
    html.contains(&format!("value=\"{code}\""))
}

#[test]
fn a_theme_added_by_an_administrator_is_offered_used_searched_and_survives_retirement() {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", PW);
    let moderator = app.member("mod@example.org", PW, "Meena Moderator");
    let member = app.member("alice@example.org", PW, "Alice Ahuja");
    let anon = app.client();

    // Themes are a vocabulary of the same administration pages, seeded from the book's list.
    let themes = admin.get("/admin/vocabularies/theme");
    assert_eq!(themes.status, 200);
    assert!(themes.body.contains("Energy efficiency") && themes.body.contains("child-labour"), "{}", themes.body);
    assert!(!offers(&admin.get("/admin/communities").body, "zed-certification"));

    // Only an administrator adds a term.
    let r = member.post("/admin/vocabularies/theme", &[("code", "zed-certification"), ("label", "ZED certification")]);
    assert_eq!(r.status, 403);
    let r = admin.submit("/admin/vocabularies/theme", "/admin/vocabularies/theme", &[("code", "zed-certification"), ("label", "ZED certification"), ("label_hi", ZED_HI)]);
    assert_eq!(r.status, 303, "{}", r.body);

    // The community form offers it at once; a community is made with it.
    assert!(offers(&admin.get("/admin/communities").body, "zed-certification"));
    let fields = [("name", "ZED in Rajkot foundries"), ("slug", "zed-rajkot"), ("description", "Getting rated"), ("theme", "zed-certification"), ("moderators", "mod@example.org")];
    let r = admin.submit("/admin/communities", "/admin/communities", &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(anon.get("/c/zed-rajkot").body.contains("ZED certification"));
    assert!(offers(&moderator.get("/c/zed-rajkot/new").body, "zed-certification"), "the question form");

    // The page form offers it; its community's moderator writes and publishes a page with it.
    let thread = approved_thread(&app, &moderator, "zed-rajkot", "zed-certification");
    let builder = format!("/kb/new?thread={thread}");
    let form = moderator.get(&builder);
    assert!(offers(&form.body, "zed-certification") && form.body.contains("ZED certification"), "{}", form.body);
    let mut new = page_fields(&["zed-certification"]);
    new.push(("action", "save"));
    let r = moderator.submit(&builder, "/kb/new", &new);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(save_page(&moderator, &["zed-certification"], "publish"));
    app.drain();

    // Its hub lists the page, in English and in Hindi; the home page counts it.
    let hub = anon.get("/kb/themes/zed-certification");
    assert_eq!(hub.status, 200);
    assert!(hub.body.contains("ZED certification") && hub.body.contains("Bronze level for small foundries"), "{}", hub.body);
    let hindi = hindi_reader(&app);
    assert!(hindi.get("/kb/themes/zed-certification").body.contains(ZED_HI));
    assert!(hindi.get(PAGE).body.contains(ZED_HI));
    assert!(anon.get("/").body.contains("/kb/themes/zed-certification"));

    // Search stores the code and shows the label as a facet.
    let found = anon.get("/search?q=bronze");
    assert!(found.body.contains("theme=zed-certification") && found.body.contains("ZED certification"), "{}", found.body);
    assert!(hindi.get("/search?q=bronze").body.contains(ZED_HI));

    // Retired: no longer offered where it is not already chosen, refused on a new page...
    let r = admin.submit("/admin/vocabularies/theme", "/admin/vocabularies/theme/zed-certification", &[("label", "ZED certification"), ("label_hi", ZED_HI), ("retired", "1")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(!offers(&admin.get("/admin/communities").body, "zed-certification"));
    assert!(offers(&moderator.get(&builder).body, "zed-certification"), "a builder keeps its thread's theme");
    let other = approved_thread(&app, &moderator, "zed-rajkot", "energy-efficiency");
    assert!(!offers(&moderator.get(&format!("/kb/new?thread={other}")).body, "zed-certification"));
    let r = moderator.post_multipart("/c/zed-rajkot/posts", &[("title", "Silver?"), ("body", "Next step"), ("themes", "zed-certification")], &[]);
    assert_eq!(r.status, 400, "a new question cannot take a retired theme");
    assert!(!offers(&moderator.get("/c/zed-rajkot/new").body, "zed-certification"), "the question form");
    let mut again = page_fields(&["zed-certification"]);
    again[0].1 = "bronze-level-again";
    let r = moderator.post("/kb/new", &again);
    assert_eq!(r.status, 400, "{}", r.body);

    // ...while the old page, its hub and its community keep it, with its label.
    let page = anon.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ZED certification"));
    let hub = anon.get("/kb/themes/zed-certification");
    assert_eq!(hub.status, 200);
    assert!(hub.body.contains("Bronze level for small foundries"));
    assert!(hindi.get("/kb/themes/zed-certification").body.contains(ZED_HI));
    let settings = moderator.get("/c/zed-rajkot/settings").body;
    assert!(offers(&settings, "zed-certification"), "the community's own theme stays selectable");
    assert!(offers(&moderator.get(&format!("{PAGE}/edit")).body, "zed-certification"), "the page's own theme stays on its form");
    assert!(save_page(&moderator, &["zed-certification"], "save"), "the page saves again with its retired theme");
    app.drain();
}

#[test]
fn a_relabelled_sector_shows_at_once_and_only_administrators_edit_terms() {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", PW);
    let moderator = app.member("mod@example.org", PW, "Meena Moderator");
    let anon = app.client();
    let fields = [("name", "Energy in foundries"), ("slug", "foundry-energy"), ("description", "Coke"), ("theme", "energy-efficiency"), ("moderators", "mod@example.org")];
    assert_eq!(admin.submit("/admin/communities", "/admin/communities", &fields).status, 303);
    let mut new = page_fields(&["energy-efficiency"]);
    new.push(("action", "save"));
    assert_eq!(moderator.post("/kb/new", &new).status, 303);
    assert!(save_page(&moderator, &["energy-efficiency"], "publish"));
    // Read once, so a kept copy of the page would show the old name.
    assert!(anon.get(PAGE).body.contains("Leather"));

    let r = moderator.post("/admin/vocabularies/sector/Leather", &[("label", "Leather goods")]);
    assert_eq!(r.status, 403, "a moderator does not edit vocabularies");
    let r = admin.submit("/admin/vocabularies/sector", "/admin/vocabularies/sector/Leather", &[("label", "Leather and footwear"), ("label_hi", "चमड़ा और जूते")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = anon.get(PAGE).body;
    assert!(page.contains("Leather and footwear"), "{page}");
    assert!(hindi_reader(&app).get(PAGE).body.contains("चमड़ा और जूते"));
    assert!(moderator.get(&format!("{PAGE}/edit")).body.contains("Leather and footwear"), "the forms name it so too");
    app.drain();
}
