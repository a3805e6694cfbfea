//! The JSON API keeps the contract static/api/openapi.json states: parameters out of range are a
//! 400, unknown paths a 404 and other methods a 405, each as JSON in the shared Error shape; the
//! kinds results carry are the kinds the description lists. (scripts/check-api runs schemathesis
//! over the same description.)

mod common;

use common::{Client, Resp, TestApp};

fn spec() -> serde_json::Value {
    serde_json::from_str(include_str!("../static/api/openapi.json")).unwrap()
}

/// The answer is JSON in the Error schema of the description, with this status.
fn assert_error(r: &Resp, status: u16, what: &str) -> String {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    let ct = r.header("content-type").unwrap_or("");
    assert!(ct.starts_with("application/json"), "{what}: content-type {ct}: {}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", r.body));
    let schema = &spec()["components"]["schemas"]["Error"];
    let obj = v.as_object().unwrap();
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    let mut want = required.clone();
    want.sort();
    assert_eq!(keys, want, "{what}: {}", r.body);
    let codes = schema["properties"]["error"]["enum"].as_array().unwrap();
    assert!(codes.contains(&v["error"]), "{what}: error code {} not in the description", v["error"]);
    assert_eq!(v["status"], status, "{what}");
    let message = v["message"].as_str().unwrap().to_string();
    assert!(!message.is_empty(), "{what}");
    message
}

fn request(c: &Client, method: &str, path: &str) -> Resp {
    let r = match c.agent.request(method, &format!("{}{path}", c.base)).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = r.status();
    let headers = r.headers_names().into_iter().map(|n| (n.clone(), r.header(&n).unwrap_or("").to_string())).collect();
    let body = if method == "HEAD" { String::new() } else { r.into_string().unwrap() };
    Resp { status, body, location: None, headers }
}

#[test]
fn parameters_out_of_range_are_a_400_in_json_saying_which() {
    let app = TestApp::start();
    let c = app.client();
    for limit in ["abc", "0", "101", "-1", "1.5", "", "+5", "99999999999999999999999"] {
        let m = assert_error(&c.get(&format!("/api/search?q=coke&limit={limit}")), 400, &format!("limit={limit}"));
        assert!(m.contains("limit") && m.contains("100"), "limit={limit}: {m}");
    }
    for limit in ["1", "100"] {
        assert_eq!(c.get(&format!("/api/search?q=coke&limit={limit}")).status, 200, "limit={limit}");
    }
    for kind in ["pages", "record", "PAGE", ""] {
        let m = assert_error(&c.get(&format!("/api/search?q=coke&kind={kind}")), 400, &format!("kind={kind}"));
        assert!(m.contains("kind") && m.contains("initiative"), "kind={kind}: {m}");
    }
    for language in ["fr", "english", ""] {
        let m = assert_error(&c.get(&format!("/api/search?q=coke&language={language}")), 400, &format!("language={language}"));
        assert!(m.contains("language") && m.contains("hi"), "language={language}: {m}");
    }
    let long = "a".repeat(501);
    let m = assert_error(&c.get(&format!("/api/search?q={long}")), 400, "q of 501 characters");
    assert!(m.contains('q') && m.contains("500"), "{m}");
    // 500 characters, Hindi ones (three bytes each) too, are within the limit.
    assert_eq!(c.get(&format!("/api/search?q={}", "a".repeat(500))).status, 200);
    let hindi = url::form_urlencoded::byte_serialize("क".repeat(500).as_bytes()).collect::<String>();
    assert_eq!(c.get(&format!("/api/search?q={hindi}")).status, 200);
    let hindi = url::form_urlencoded::byte_serialize("क".repeat(501).as_bytes()).collect::<String>();
    assert_error(&c.get(&format!("/api/search?q={hindi}")), 400, "501 Hindi characters");
    // A parameter given twice, and bytes that are not UTF-8, cannot be read: 400 JSON too.
    assert_error(&c.get("/api/search?q=coke&kind=page&kind=thread"), 400, "kind twice");
    assert_error(&c.get("/api/search?q=%FF"), 400, "not UTF-8");
    // In Hindi, the message is Hindi.
    let r = c.get_with("/api/search?q=coke&limit=0", &[("Accept-Language", "hi")]);
    let m = assert_error(&r, 400, "limit=0 in Hindi");
    assert!(m.contains("पूर्ण संख्या"), "{m}");
}

#[test]
fn every_kind_the_description_lists_is_accepted_and_every_hit_carries_one() {
    let app = TestApp::start();
    let c = app.client();
    let spec = spec();
    let param_kinds = spec["paths"]["/api/search"]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "kind").unwrap()["schema"]["enum"].clone();
    let hit_kinds = spec["components"]["schemas"]["Hit"]["properties"]["kind"]["enum"].clone();
    assert_eq!(param_kinds, hit_kinds);
    let kinds: Vec<&str> = hit_kinds.as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    for kind in solex::services::registry::Kind::ALL {
        assert!(kinds.contains(&kind.code()), "{} is searchable but not in the description", kind.code());
    }
    let mut seen = std::collections::BTreeSet::new();
    for kind in &kinds {
        let r = c.get(&format!("/api/search?kind={kind}&q=cluster&limit=100"));
        assert_eq!(r.status, 200, "kind={kind}: {}", r.body);
        assert!(r.header("content-type").unwrap().starts_with("application/json"));
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        for hit in v["hits"].as_array().unwrap() {
            assert_eq!(hit["kind"], *kind, "{hit}");
            seen.insert(hit["kind"].as_str().unwrap().to_string());
        }
    }
    // The demo content (content/) has pages and registry records of every kind.
    for kind in ["page", "cluster", "initiative", "practice", "agency"] {
        assert!(seen.contains(kind), "no {kind} found: {seen:?}");
    }
}

#[test]
fn unknown_api_paths_and_other_methods_are_json_errors() {
    let app = TestApp::start();
    let c = app.client();
    for path in ["/api", "/api/", "/api/nope", "/api/search/more", "/api/openapi.yaml", "/api/search%20x?q=1"] {
        assert_error(&c.get(path), 404, path);
    }
    for path in ["/api/search?q=coke", "/api/openapi.json"] {
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let r = request(&c, method, path);
            assert_error(&r, 405, &format!("{method} {path}"));
            assert_eq!(r.header("allow"), Some("GET"), "{method} {path}");
        }
    }
    assert_error(&request(&c, "DELETE", "/api/nope"), 404, "DELETE /api/nope");
    // Outside /api the same mistakes still get the portal's HTML page.
    let r = c.get("/no-such-page");
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let r = c.get("/apis");
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
}

#[test]
fn every_api_answer_and_error_is_described() {
    let app = TestApp::start();
    let c = app.client();
    let spec: serde_json::Value = serde_json::from_str(&c.get("/api/openapi.json").body).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let responses = item["get"]["responses"].as_object().unwrap_or_else(|| panic!("{path}"));
        for status in ["200", "404", "405", "413", "429", "500", "default"] {
            assert!(responses.contains_key(status), "{path} does not describe {status}");
        }
        for (status, r) in responses {
            if status != "200" {
                assert_eq!(r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error", "{path} {status}");
            }
        }
    }
    assert!(spec["paths"]["/api/search"]["get"]["responses"]["400"].is_object());
    // Too many searches: 429 in JSON with Retry-After.
    let app = TestApp::start_with(|c| c.search_per_minute = 2);
    let c = app.client();
    for _ in 0..2 {
        assert_eq!(c.get("/api/search?q=coke").status, 200);
    }
    let r = c.get("/api/search?q=coke");
    assert_error(&r, 429, "the third search in a minute");
    assert!(r.header("retry-after").is_some());
}
