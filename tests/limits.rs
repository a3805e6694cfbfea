//! Cheap checks before heavy work: sizes, nesting, rights and tokens are checked before a body
//! is read, parsed or rendered; every table keyed by client input has a bound; bodies that
//! trickle are cut off; nothing secret from a path reaches the log; search and registry
//! import are rate-limited.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::world::{world, World, PW};
use common::{Client, TestApp};

const DEEP_QUOTES: usize = 19_000;

fn post_body(w: &World, who: &Client, body: &str) -> common::Resp {
    who.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Nested"), ("body", body)], &[])
}

#[test]
fn deeply_nested_markdown_is_refused_with_a_field_message() {
    let w = world();
    // Sizes first: far over the limit, refused for its length before anything is parsed.
    for body in [">".repeat(40_000), "- ".repeat(40_000) + "x"] {
        let r = post_body(&w, &w.alice, &body);
        assert_eq!(r.status, 400);
        assert!(r.body.contains("at most 20000 characters"), "{}", &r.body[..r.body.len().min(2000)]);
    }
    // Within the length, nested too deep: refused with a message, the text kept in the form.
    for body in [">".repeat(DEEP_QUOTES), "- ".repeat(9_000) + "x", "1. ".repeat(6_000) + "x"] {
        let r = post_body(&w, &w.alice, &body);
        assert_eq!(r.status, 400, "{}", &body[..10]);
        assert!(r.body.contains("levels deep"), "{}", &r.body[..r.body.len().min(2000)]);
        let typed = body[..40].replace('>', "&gt;");
        assert!(r.body.contains(&typed), "what the member typed is kept");
    }
    // Ordinary nesting still posts.
    let r = post_body(&w, &w.alice, "> quoted\n>> twice\n\n- a\n  - b");
    assert_eq!(r.status, 303, "{}", r.body);
    let mut conn = w.app.db();
    assert_eq!(solex::models::post::by_author(&mut conn, w.app.user_id("alice@example.org")).unwrap().len(), 1);
}

#[test]
fn a_flood_of_nested_posts_leaves_the_portal_answering() {
    let w = world();
    let body = ">".repeat(DEEP_QUOTES);
    let senders: Vec<_> = (0..20)
        .map(|i| {
            let who = if i % 2 == 0 { w.alice.clone() } else { w.bob.clone() };
            let (path, body) = (format!("/c/{}/posts", w.slug), body.clone());
            std::thread::spawn(move || who.post_multipart(&path, &[("title", "Flood"), ("body", &body)], &[]).status)
        })
        .collect();
    let health = Client::new(&w.app.base);
    let mut checks = 0;
    while senders.iter().any(|s| !s.is_finished()) || checks == 0 {
        let r = health.get("/healthz");
        assert_eq!(r.status, 200, "health while nested posts arrive: {}", r.body);
        assert_eq!(health.get("/communities").status, 200);
        checks += 1;
    }
    for s in senders {
        assert_eq!(s.join().unwrap(), 400, "each nested post is refused");
    }
}

#[test]
fn refused_posts_count_against_the_posting_limit() {
    let w = world();
    let mut statuses = Vec::new();
    for _ in 0..41 {
        statuses.push(post_body(&w, &w.alice, "").status);
    }
    assert!(statuses[..40].iter().all(|s| *s == 400), "{statuses:?}");
    assert_eq!(statuses[40], 429, "the 41st attempt in an hour is refused for the rate");
}

/// A raw HTTP exchange: the request head, then `body` (chunked when `chunked`), written by
/// another thread until done or the server stops taking it. Returns the status, the response
/// body, whether the server closed the connection after answering, and the bytes the client
/// had written when the answer arrived.
fn raw_exchange(base: &str, head: &str, first: Vec<u8>, filler: usize, chunked: bool, trickle: bool) -> (u16, String, bool, usize) {
    let addr = base.trim_start_matches("http://");
    let stream = TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    writer.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = head.to_string();
    let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let written = progress.clone();
    let sender = std::thread::spawn(move || {
        let mut sent = 0usize;
        let mut send = |w: &mut TcpStream, data: &[u8]| -> bool {
            let ok = if chunked {
                w.write_all(format!("{:x}\r\n", data.len()).as_bytes()).and_then(|_| w.write_all(data)).and_then(|_| w.write_all(b"\r\n"))
            } else {
                w.write_all(data)
            };
            sent += data.len();
            written.store(sent, std::sync::atomic::Ordering::SeqCst);
            ok.is_ok()
        };
        if writer.write_all(head.as_bytes()).is_err() || !send(&mut writer, &first) {
            return sent;
        }
        let block = vec![b'a'; if trickle { 1 } else { 64 * 1024 }];
        let mut left = filler;
        while left > 0 {
            let n = left.min(block.len());
            if !send(&mut writer, &block[..n]) {
                return sent;
            }
            left -= n;
            if trickle {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        if chunked {
            let _ = writer.write_all(b"0\r\n\r\n");
        }
        sent
    });
    let mut reader = stream;
    reader.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let deadline = Instant::now() + Duration::from_secs(60);
    let (status, body_start, length, sent_at_answer) = loop {
        assert!(Instant::now() < deadline, "no answer in time");
        let n = reader.read(&mut chunk).unwrap_or(0);
        assert!(n > 0 || !buf.is_empty(), "the server closed without answering");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let sent_at_answer = progress.load(std::sync::atomic::Ordering::SeqCst);
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
            let length = head.lines().find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap()));
            break (status, end + 4, length, sent_at_answer);
        }
        if n == 0 {
            panic!("incomplete answer: {}", String::from_utf8_lossy(&buf));
        }
    };
    while buf.len() < body_start + length.unwrap_or(0) {
        let n = reader.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[body_start..]).to_string();
    // After the answer the connection must end (EOF or reset), not wait for the rest.
    let closed = match reader.read(&mut chunk) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
    };
    let _ = reader.shutdown(std::net::Shutdown::Both);
    sender.join().unwrap();
    (status, body, closed, sent_at_answer)
}

const BOUNDARY: &str = "solexRawBoundary";
const HUGE: usize = 39 * 1024 * 1024;

fn multipart_head(app: &TestApp, path: &str, cookies: &str, length: Option<usize>, extra: &str) -> String {
    let addr = app.base.trim_start_matches("http://");
    let framing = match length {
        Some(n) => format!("Content-Length: {n}\r\n"),
        None => "Transfer-Encoding: chunked\r\n".to_string(),
    };
    format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}Cookie: {cookies}\r\n{extra}\r\n")
}

/// The csrf part, then the start of a file part whose bytes follow.
fn multipart_start(token: &str) -> Vec<u8> {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n").into_bytes()
}

fn cookies_of(c: &Client) -> String {
    ["solex_session", "solex_csrf"].iter().filter_map(|n| c.cookie(n).map(|v| format!("{n}={v}"))).collect::<Vec<_>>().join("; ")
}

#[test]
fn a_huge_multipart_post_is_refused_before_it_is_read() {
    let w = world();
    let path = format!("/c/{}/posts", w.slug);
    let alice = cookies_of(&w.alice);
    let token = w.alice.csrf();
    let anonymous = Client::new(&w.app.base);
    let anonymous_cookies = format!("solex_csrf={}", anonymous.csrf());
    let cases = [
        ("anonymous", multipart_head(&w.app, &path, &anonymous_cookies, None, "Accept: application/json\r\n"), anonymous.csrf(), 401),
        ("a wrong CSRF token", multipart_head(&w.app, &path, &alice, None, ""), "0".repeat(64), 403),
        ("a declared length over the cap", multipart_head(&w.app, &path, &alice, Some(HUGE), ""), token.clone(), 413),
    ];
    for (what, head, csrf, expected) in cases {
        let (status, body, closed, sent) = raw_exchange(&w.app.base, &head, multipart_start(&csrf), HUGE, head.contains("chunked"), false);
        assert_eq!(status, expected, "{what}: {body}");
        assert!(closed, "{what}: the connection is closed after the answer");
        assert!(sent < HUGE / 2, "{what}: the server answered long before the end of the body ({sent} bytes sent)");
        if expected == 413 {
            assert!(body.contains("larger than this form takes"), "{what}: {body}");
        }
    }
    // Without a declared length the server stops at its cap, and no spooled file remains.
    let head = multipart_head(&w.app, &path, &alice, None, "");
    let (status, body, closed, _) = raw_exchange(&w.app.base, &head, multipart_start(&token), 2 * HUGE, true, false);
    assert_eq!(status, 413, "{body}");
    assert!(closed && body.contains("larger than this form takes"), "{body}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = std::fs::read_dir(&w.app.config.attachments_dir).map(|d| d.count()).unwrap_or(0);
        if left == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{left} temporary files left behind");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut conn = w.app.db();
    assert!(solex::models::post::by_author(&mut conn, w.app.user_id("alice@example.org")).unwrap().is_empty());
}

#[test]
fn attachments_are_spooled_to_disk_and_stored() {
    let w = world();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".repeat(10_000);
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Photo"), ("body", "b")], &[("files", "photo.png", &png)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let files: Vec<_> = std::fs::read_dir(&w.app.config.attachments_dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect();
    assert_eq!(files.len(), 1, "one stored file, no temporary one: {files:?}");
    let mut conn = w.app.db();
    let id = common::world::id_from(&r);
    let a = &solex::models::attachment::for_posts(&mut conn, &[id]).unwrap()[0];
    assert_eq!(a.size_bytes as usize, png.len());
    drop(conn);
    let (status, bytes, _, _) = w.alice.get_bytes(&format!("/files/{}/photo.png", a.id));
    assert_eq!((status, bytes.len()), (200, png.len()));
    assert!(bytes == png);
}

#[test]
fn a_body_that_trickles_in_is_cut_off() {
    let app = TestApp::start_with(|c| {
        c.body_timeout_secs = 1;
        c.inbound_token = Some("relay-secret".into());
    });
    let admin = app.admin("admin@example.org", PW);
    let addr = app.base.trim_start_matches("http://").to_string();
    let cookies = cookies_of(&admin);
    let form = format!("POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\nCookie: {cookies}\r\n\r\n");
    let mail = format!("POST /mail/inbound HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer relay-secret\r\nContent-Length: 1000\r\n\r\n");
    let upload = multipart_head(&app, "/registry/import", &cookies, Some(1000), "");
    for (what, head, first) in [("form", form, b"csrf=".to_vec()), ("inbound mail", mail, b"From: a".to_vec()), ("multipart", upload, format!("--{BOUNDARY}\r\n").into_bytes())] {
        let (status, body, closed, sent) = raw_exchange(&app.base, &head, first, 900, false, true);
        assert_eq!(status, 408, "{what}: {body}");
        assert!(closed, "{what}: the connection is freed");
        assert!(sent < 900, "{what}");
    }
}

#[test]
fn unmatched_paths_never_put_tokens_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let (mut child, base) = common::spawn_portal(dir.path(), &url);
    let secret = "f00dfeedcafe0123456789abcdef0123";
    for path in [format!("/unsubscribe/{secret}"), format!("/verify/{secret}"), format!("/password/reset/{secret}"), format!("/confirm/{secret}/x/y"), format!("/no-such?token={secret}")] {
        let r = ureq::get(&format!("{base}{path}")).call();
        assert!(matches!(r, Err(ureq::Error::Status(404, _))), "{path} matches no route");
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(log.contains("<unmatched>"), "unmatched requests are logged: {log}");
    assert!(!log.contains(secret), "{log}");
    common::drop_database(&pg);
}

fn gauge(c: &Client, name: &str) -> i64 {
    let m = c.get("/metrics").body;
    m.lines().find(|l| l.starts_with(name)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name} in /metrics"))
}

#[test]
fn forgot_password_checks_the_address_before_it_becomes_a_limiter_key() {
    let app = TestApp::start();
    let c = app.client();
    let before = gauge(&c, "solex_ratelimit_keys");
    for i in 0..300 {
        let address = format!("{i}{}@example.org", "a".repeat(200 * 1024));
        let r = c.post("/password/forgot", &[("email", &address)]);
        assert_eq!(r.status, 400, "an address this long is not valid");
        assert!(r.body.len() < 100_000, "the form does not echo the whole address");
    }
    assert!(gauge(&c, "solex_ratelimit_keys") <= before + 2, "no key per refused address");
    // Valid addresses still count, and the quiet answer is the same for all.
    for i in 0..3 {
        assert_eq!(c.post("/password/forgot", &[("email", &format!("nobody{i}@example.org"))]).status, 200);
    }
    assert!(gauge(&c, "solex_ratelimit_keys") >= before + 3);
}

#[test]
fn the_rate_limiter_holds_a_bounded_number_of_fixed_size_keys() {
    use solex::web::ratelimit::RateLimiter;
    let limiter = RateLimiter::with_capacity(1000);
    // Long keys (a hash is kept, whatever their length); 3,000 of 256 KB would only slow the test.
    let long = "k".repeat(8 * 1024);
    let hour = Duration::from_secs(3600);
    for i in 0..3000 {
        limiter.hit(&format!("reset:{i}{long}"), 5, hour).unwrap();
        assert!(limiter.len() <= 1000, "at most the capacity: {}", limiter.len());
    }
    // The newest keys are kept and still limit.
    let newest = format!("reset:2999{long}");
    for _ in 0..4 {
        limiter.hit(&newest, 5, hour).unwrap();
    }
    assert!(limiter.hit(&newest, 5, hour).is_err());
    // One key hammered keeps a bounded history.
    for _ in 0..5000 {
        limiter.record("busy");
    }
    assert!(limiter.check("busy", 1024, hour).is_err() && limiter.check("busy", 1025, hour).is_ok());
}

#[test]
fn odd_http_methods_share_one_metrics_label() {
    let app = TestApp::start();
    let c = app.client();
    c.get("/");
    let lines = |c: &Client| c.get("/metrics").body.lines().count();
    let before = lines(&c);
    for i in 0..3000 {
        let _ = c.agent.request(&format!("BREW{i}"), &format!("{}/", app.base)).call();
    }
    let after = lines(&c);
    assert!(after <= before + 30, "{before} -> {after} lines");
    assert!(c.get("/metrics").body.contains("method=\"OTHER\""));
}

/// A portal with a focal point for Haryana, signed in.
fn with_focal_point() -> (TestApp, Client) {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", PW);
    let hr = app.member("hr@example.org", PW, "Harpreet");
    app.grant_focal_point(&admin, "hr@example.org", "Haryana");
    (app, hr)
}

#[test]
fn a_csv_with_many_bad_lines_gives_a_report_of_bounded_size() {
    let (_app, hr) = with_focal_point();
    let mut csv = String::from("title,state\r\n");
    for _ in 0..100_000 {
        csv.push_str("x\r\n");
    }
    let r = hr.post_multipart("/registry/import", &[("kind", "initiative"), ("mode", "check")], &[("file", "bad.csv", csv.as_bytes())]);
    assert_eq!(r.status, 400);
    assert!(r.body.len() < 200_000, "report of {} bytes for {} bytes of input", r.body.len(), csv.len());
    assert!(r.body.contains("(100000)"), "the count of every problem");
    assert!(r.body.contains("99800 more problems"), "{}", &r.body[..2000]);
}

#[test]
fn search_is_rate_limited_per_address() {
    let app = TestApp::start_with(|c| c.search_per_minute = 5);
    let c = app.client();
    for i in 0..5 {
        let path = if i % 2 == 0 { "/search?q=coke" } else { "/api/search?q=coke" };
        assert_eq!(c.get(path).status, 200, "{path}");
    }
    let page = c.get("/search?q=coke");
    assert_eq!(page.status, 429);
    assert!(page.header("retry-after").is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
    assert!(page.body.contains("Please slow down"));
    let api = c.get("/api/search?q=coke");
    assert_eq!(api.status, 429);
    assert!(api.header("retry-after").is_some());
    let v: serde_json::Value = serde_json::from_str(&api.body).expect("JSON from the API");
    assert_eq!(v["error"], "rate_limited");
}

#[test]
fn registry_import_is_rate_limited() {
    let (_app, hr) = with_focal_point();
    let import = || hr.post_multipart("/registry/import", &[("kind", "initiative"), ("mode", "check")], &[("file", "one.csv", b"title\r\nOnly a title\r\n")]);
    for _ in 0..30 {
        assert_ne!(import().status, 429);
    }
    let r = import();
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some() && r.body.contains("Please slow down"));
}

/// A small form refused before it is read (here: not signed in) is read to its end after the
/// answer, so the connection goes on to the next request instead of closing over unread bytes
/// (which the kernel answers with a reset that can cost the client the answer).
#[test]
fn a_small_form_refused_before_it_is_read_leaves_the_connection_usable() {
    let app = TestApp::start();
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = "d-1=daily";
    let head = format!("POST /profile/delivery HTTP/1.1\r\nHost: solex\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).unwrap();
    // The body comes a moment after the head, as from a slow line: the refusal is decided by then.
    std::thread::sleep(Duration::from_millis(500));
    let _ = stream.write_all(format!("{body}GET /healthz HTTP/1.1\r\nHost: solex\r\nConnection: close\r\n\r\n").as_bytes());
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let answers = String::from_utf8_lossy(&raw);
    let statuses: Vec<&str> = answers.lines().filter(|l| l.starts_with("HTTP/1.1 ")).collect();
    assert_eq!(statuses.len(), 2, "both requests answered on one connection: {answers}");
    assert!(statuses[0].starts_with("HTTP/1.1 303") && statuses[1].starts_with("HTTP/1.1 200"), "{statuses:?}");
}
