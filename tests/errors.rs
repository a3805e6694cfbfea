//! Bad requests get the portal's own error page in the visitor's language (or JSON under
//! /api/), never the framework's bare text or an empty 500.

mod common;

use common::TestApp;

#[test]
fn a_missing_static_file_is_the_portals_404_page() {
    let app = TestApp::start();
    let c = app.client();
    assert_eq!(c.get("/static/style.css").status, 200, "the real file is served");
    for path in ["/static/no-such.css", "/static/no/such/dir.js", "/static/", "/static/themes/"] {
        let r = c.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"), "{path}");
        assert!(r.body.contains("Page not found") && r.body.contains("<main id=\"main\""), "{path}: {}", r.body);
    }
    let r = c.get_with("/static/no-such.css", &[("Accept-Language", "hi-IN,hi;q=0.9")]);
    assert_eq!(r.status, 404);
    assert!(r.body.contains("पृष्ठ नहीं मिला"), "{}", r.body);
}

#[test]
fn a_path_number_that_does_not_parse_is_a_404_page_in_the_visitors_language() {
    let app = TestApp::start();
    let c = app.client();
    let r = c.get("/c/anything/t/abc");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found") && !r.body.contains("can not parse"), "{}", r.body);
    let r = c.get_with("/c/anything/t/99999999999999999999999", &[("Accept-Language", "hi")]);
    assert_eq!(r.status, 404);
    assert!(r.body.contains("पृष्ठ नहीं मिला"), "{}", r.body);
}

#[test]
fn a_query_that_does_not_parse_is_a_400_page_or_json() {
    let app = TestApp::start();
    let c = app.client();
    let r = c.get("/api/search?q=cupola&limit=abc");
    assert_eq!(r.status, 400);
    assert!(r.header("content-type").unwrap().starts_with("application/json"), "{:?}", r.header("content-type"));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"], "bad_request");
    let r = c.get("/search?q=cupola&limit=abc");
    assert!(r.status == 400 || r.status == 200, "{}", r.status);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
}

#[test]
fn a_filter_that_is_not_utf8_is_refused_not_shown_back_as_garbage() {
    let app = TestApp::start();
    let c = app.client();
    for path in ["/registry/initiatives?state=%FF%FE", "/search?q=%C3%28", "/kb?theme=%80"] {
        let r = c.get(path);
        assert_eq!(r.status, 400, "{path}");
        assert!(r.body.contains("Something is not right") && r.body.contains("UTF-8"), "{path}: {}", r.body);
        assert!(!r.body.contains('\u{fffd}'), "{path} shows replacement characters");
    }
    let r = c.get_with("/api/search?q=%FF", &[]);
    assert_eq!(r.status, 400);
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
    // Percent-encoded UTF-8 (Hindi) is text and passes.
    let r = c.get("/search?q=%E0%A4%95%E0%A5%81%E0%A4%AA%E0%A5%8B%E0%A4%B2%E0%A4%BE");
    assert_eq!(r.status, 200);
}
