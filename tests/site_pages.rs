//! The pages that say who runs the portal (about, contact, privacy, accessibility, terms): in
//! the visitor's language, linked from every page's footer, edited by administrators only;
//! robots.txt and the sitemap; styled refusals for unknown paths and wrong methods.

mod common;

use common::world::create_community;
use common::TestApp;

const HINDI: (&str, &str) = ("Accept-Language", "hi-IN,hi;q=0.9");

fn run_by_ministry() -> TestApp {
    TestApp::start_with(|c| {
        c.host_institution = "Ministry of MSME & Partners".into();
        c.contact_email = "solex@msme.example".into();
        c.grievance_officer = "Shri R. Kumar, Director".into();
        c.grievance_email = "grievance@msme.example".into();
    })
}

#[test]
fn site_pages_come_in_the_visitors_language_with_the_settings_they_name() {
    let app = run_by_ministry();
    let c = app.client();
    let pages = [
        ("/about", "About solex", "solex के बारे में"),
        ("/contact", "<h1>Contact</h1>", "<h1>संपर्क</h1>"),
        ("/privacy", "Privacy statement", "गोपनीयता वक्तव्य"),
        ("/accessibility", "WCAG) 2.1 at level AA", "GIGW"),
        ("/terms", "moderation policy", "मॉडरेशन नीति"),
    ];
    for (path, en, hi) in pages {
        let r = c.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains(en) && r.body.contains("<html lang=\"en\""), "{path}: {}", r.body);
        let r = app.client().get_with(path, &[HINDI]);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains(hi) && r.body.contains("<html lang=\"hi\""), "{path} in Hindi: {}", r.body);
    }
    // The settings: the host on About and Contact, the grievance officer on Privacy and Contact.
    let about = c.get("/about").body;
    assert!(about.contains("Ministry of MSME &amp; Partners") && !about.contains("Ministry of MSME & Partners"), "escaped: {about}");
    let privacy = c.get("/privacy").body;
    assert!(privacy.contains("Shri R. Kumar, Director") && privacy.contains("href=\"mailto:grievance@msme.example\""), "{privacy}");
    let contact = app.client().get_with("/contact", &[HINDI]).body;
    assert!(contact.contains("शिकायत अधिकारी") && contact.contains("mailto:solex@msme.example") && contact.contains("Ministry of MSME"), "{contact}");
    // The other language through the switch, kept for the next page.
    let r = c.get("/lang/hi?next=/privacy");
    assert_eq!(r.location.as_deref(), Some("/privacy"));
    assert!(c.get("/privacy").body.contains("गोपनीयता वक्तव्य"));
    // Every page's footer links the five, in a navigation landmark of its own.
    for path in ["/", "/kb", "/registry", "/about", "/no-such-page"] {
        let body = app.client().get(path).body;
        let footer = &body[body.find("<footer").unwrap_or_else(|| panic!("{path}: no footer"))..];
        assert!(footer.contains("<nav class=\"footer-nav\" aria-label=\"About this site\">"), "{path}: {footer}");
        for link in ["/about", "/contact", "/privacy", "/accessibility", "/terms", "/sitemap.xml"] {
            assert!(footer.contains(&format!("href=\"{link}\"")), "{path}: footer lacks {link}");
        }
        assert_eq!(body.matches("aria-label=\"About this site\"").count(), 1);
    }
}

#[test]
fn an_administrators_edit_is_public_at_once_sanitised_and_audited() {
    let app = TestApp::start();
    let admin = app.admin("asha@example.org", "correct horse battery");
    let visitor = app.client();
    // Read (and so kept in the page cache) before the edit.
    for _ in 0..2 {
        assert!(visitor.get("/privacy").body.contains("Privacy statement"));
    }
    let r = admin.get("/admin/site");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("href=\"/admin/site/privacy/hi\""), "{}", r.body);
    assert_eq!(r.body.matches("as shipped").count(), 10);
    let form = admin.get("/admin/site/privacy/en");
    assert!(form.body.contains("# Privacy statement") && form.body.contains("name=\"csrf\""), "{}", form.body);
    let text = "# Privacy\n\nWe keep **almost nothing**.\n\n<script>alert(1)</script><a href=\"javascript:alert(2)\">x</a>";
    let r = admin.submit("/admin/site/privacy/en", "/admin/site/privacy/en", &[("body", text)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/admin/site/privacy/en?saved=1"));
    assert!(admin.get("/admin/site/privacy/en?saved=1").body.contains("Saved and published."));

    let page = visitor.get("/privacy").body;
    assert!(page.contains("We keep <strong>almost nothing</strong>."), "the edit shows at once: {page}");
    assert!(!page.contains("<script>alert") && !page.contains("javascript:"), "{page}");
    assert!(page.contains("Last updated"));
    let hindi = app.client().get_with("/privacy", &[HINDI]).body;
    assert!(hindi.contains("गोपनीयता वक्तव्य") && !hindi.contains("almost nothing"), "the Hindi page is its own");
    // The editor shows the Markdown as saved; the administrators' list and audit log say so.
    assert!(admin.get("/admin/site/privacy/en").body.contains("We keep **almost nothing**."));
    assert_eq!(admin.get("/admin/site").body.matches("as shipped").count(), 9, "one page of ten is edited");
    let audit = admin.get("/admin/audit").body;
    assert!(audit.contains("site page") && audit.contains("privacy (en) saved"), "{audit}");
    // An administrator sees an edit link on the page; a visitor does not.
    assert!(admin.get("/privacy").body.contains("href=\"/admin/site/privacy/en\""));
    assert!(!page.contains("/admin/site/"));
}

#[test]
fn bad_text_comes_back_with_its_field_error_and_others_are_refused() {
    let app = TestApp::start();
    let admin = app.admin("asha@example.org", "correct horse battery");
    let r = admin.submit("/admin/site/terms/hi", "/admin/site/terms/hi", &[("body", "  \n ")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("पृष्ठ का पाठ लिखिए।") || r.body.contains("Write the page's text."), "{}", r.body);
    assert!(r.body.contains("aria-invalid=\"true\"") && r.body.contains("href=\"#body\""), "{}", r.body);
    let long = format!("# Terms\n\n{}", "शर्त ".repeat(3000));
    let r = admin.post("/admin/site/terms/en", &[("body", &long)]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("The text is too long: at most 32 KiB."), "{}", r.body);
    assert!(r.body.contains("शर्त शर्त"), "the submitted text comes back to be shortened");
    assert!(app.client().get("/terms").body.contains("Terms of participation"), "nothing was saved");
    // Unknown pages and languages are not there.
    assert_eq!(admin.get("/admin/site/imprint/en").status, 404);
    assert_eq!(admin.post("/admin/site/about/fr", &[("body", "# x")]).status, 404);
    // A member, a visitor and a forged form change nothing.
    let member = app.member("ravi@example.org", "correct horse battery", "Ravi");
    assert_eq!(member.post("/admin/site/terms/en", &[("body", "# Mine")]).status, 403);
    let anon = app.client();
    let r = anon.post("/admin/site/terms/en", &[("body", "# Mine")]);
    assert_eq!(r.status, 303);
    assert!(r.location.unwrap().starts_with("/login"));
    let r = admin.post_raw("/admin/site/terms/en", &[("csrf", "0".repeat(64).as_str()), ("body", "# Mine")]);
    assert_eq!(r.status, 403);
    assert!(!app.client().get("/terms").body.contains("Mine"));
}

#[test]
fn robots_and_the_sitemap_name_the_public_pages() {
    let app = TestApp::start();
    let base = app.config.base_url.clone();
    let c = app.client();
    let r = c.get("/robots.txt");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    for line in ["User-agent: *", "Disallow: /admin\n", "Disallow: /api/\n", "Disallow: /login\n", "Disallow: /unsubscribe/\n", "Disallow: /password/\n"] {
        assert!(r.body.contains(line), "{line}: {}", r.body);
    }
    assert!(r.body.contains(&format!("Sitemap: {base}/sitemap.xml\n")), "{}", r.body);
    assert!(!r.body.contains("Disallow: /kb\n") && !r.body.contains("Disallow: /\n"));

    let admin = app.admin("asha@example.org", "correct horse battery");
    let r = create_community(&admin, "Foundry energy", "foundry-energy", "", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = c.get("/sitemap.xml");
    assert_eq!(r.status, 200);
    let loc = |p: &str| format!("<loc>{base}{p}</loc>");
    for p in [
        "/", "/communities", "/c/foundry-energy", "/kb", "/kb/themes/energy-efficiency", "/kb/cutting-coke-use-in-cupola-furnaces", "/registry",
        "/registry/clusters", "/registry/initiatives", "/registry/practices", "/registry/agencies", "/about", "/contact", "/privacy",
        "/accessibility", "/terms",
    ] {
        assert!(r.body.contains(&loc(p)), "sitemap lacks {p}: {}", r.body);
    }
    assert!(!r.body.contains("/admin") && !r.body.contains("/login"));
}

/// Posts text that is not a form, as a broken client would.
fn post_text(c: &common::Client, path: &str, lang: &str) -> (u16, String, String) {
    let r = c.agent.post(&format!("{}{}", c.base, path)).set("Content-Type", "text/plain").set("Accept-Language", lang).send_string("delivery=web");
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{path}: {e}"),
    };
    (resp.status(), resp.content_type().to_string(), resp.into_string().unwrap())
}

#[test]
fn unknown_paths_wrong_methods_and_unreadable_bodies_get_the_styled_page_in_the_visitors_language() {
    let app = TestApp::start();
    let c = app.client();
    // (An unknown path's page: tests/system.rs, tests/errors.rs; its footer: above.) A method a
    // known path does not take names nothing there: the same page.
    for path in ["/about", "/kb", "/registry/initiatives", "/robots.txt", "/sitemap.xml"] {
        let r = c.post(path, &[]);
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(r.header("content-type").unwrap().starts_with("text/html"), "{path}");
        assert!(r.body.contains("Page not found") && r.body.contains("<main id=\"main\""), "{path}: {}", r.body);
    }
    let r = c.post_with_headers("/terms", &[], &[HINDI]);
    assert_eq!(r.status, 404);
    assert!(r.body.contains("पृष्ठ नहीं मिला") && r.body.contains("<html lang=\"hi\""), "{}", r.body);
    // A body the framework's form reader refuses: its plain-text answer becomes the page.
    c.csrf();
    let (status, kind, body) = post_text(&c, "/unsubscribe/nope/foundry-energy/mode", "en");
    assert_eq!(status, 415, "{body}");
    assert!(kind.starts_with("text/html") && body.contains("Something is not right") && body.contains("<main id=\"main\""), "{kind}: {body}");
    let (status, _, body) = post_text(&c, "/notices/nope", "hi");
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("<html lang=\"hi\"") && body.contains("footer-nav"), "{body}");
}
