//! Health, metrics, error pages, languages, security headers, static files, config and CLI.

mod common;

use std::process::Command;

use common::TestApp;
use solex::db::DatabaseUrl;

#[test]
fn health_and_metrics() {
    let app = TestApp::start();
    let c = app.client();
    let r = c.get("/healthz");
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["backend"], if common::pg_server().is_some() { "postgres" } else { "sqlite" });
    c.get("/");
    c.get("/");
    c.get("/no-such-page");
    let m = c.get("/metrics");
    assert_eq!(m.status, 200);
    assert!(m.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    assert!(m.body.contains("solex_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2"), "{}", m.body);
    assert!(m.body.contains("route=\"<unmatched>\",status=\"404\"} 1"));
    assert!(m.body.contains("# TYPE solex_http_request_duration_seconds histogram"));
    assert!(m.body.contains("solex_http_request_duration_seconds_count{route=\"/\"} 2"));
    assert!(m.body.contains("solex_mail_outbox{status=\"queued\"}"));
}

#[test]
fn error_pages_in_html_and_json() {
    let app = TestApp::start();
    let c = app.client();
    let r = c.get("/no-such-page");
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("Page not found") && r.body.contains("<main id=\"main\""));
    let r = c.get_with("/no-such-page", &[("Accept", "application/json")]);
    assert_eq!(r.status, 404);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"], "not_found");
    let r = c.get_with("/no-such-page", &[("Accept-Language", "hi-IN,hi;q=0.9,en;q=0.5")]);
    assert!(r.body.contains("पृष्ठ नहीं मिला"));
    let member = app.member("m@example.org", "clusters of Tirupur", "M");
    let r = member.get("/admin/users");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Not allowed"));
}

#[test]
fn language_switch_and_layout_landmarks() {
    let app = TestApp::start();
    let c = app.client();
    let home = c.get("/");
    for landmark in ["<a class=\"skip\" href=\"#main\">", "<header", "<nav aria-label=", "<main id=\"main\"", "<footer", "lang=\"en\""] {
        assert!(home.body.contains(landmark), "{landmark}");
    }
    assert!(!home.body.contains("<script"), "no JavaScript needed");
    assert!(!home.body.contains("style=\""), "no inline styles, so the CSP needs no unsafe-inline");
    let r = c.get("/lang/hi?next=/register");
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/register"));
    let page = c.get("/register").body;
    assert!(page.contains("lang=\"hi\"") && page.contains("solex से जुड़ें"));
    // Every label has its input.
    assert!(page.contains("<label for=\"email\">") && page.contains("id=\"email\""));
    let r = c.get("/lang/fr");
    assert_eq!(r.status, 404);
    let r = c.get("/lang/en?next=https://evil.example/");
    assert_eq!(r.location.as_deref(), Some("/"));
}

#[test]
fn security_headers_and_static_files() {
    let app = TestApp::start();
    let c = app.client();
    let r = c.get("/");
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.header("strict-transport-security").is_none(), "no HSTS over plain http");
    let css = c.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(c.get("/static/../Cargo.toml").status, 404);

    let secure = TestApp::start_with(|c| c.secure_cookies = Some(true));
    let r = secure.client().get("/login");
    assert!(r.header("strict-transport-security").unwrap().contains("max-age="));
    let cookie = r.headers_named("set-cookie").join("\n");
    assert!(cookie.contains("__Host-solex_csrf=") && cookie.contains("Secure"), "{cookie}");
}

#[test]
fn database_urls_pick_the_backend_or_fail_clearly() {
    assert_eq!(DatabaseUrl::parse("postgres://u@h/db").unwrap(), DatabaseUrl::Postgres("postgres://u@h/db".into()));
    assert_eq!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend_name(), "postgres");
    assert_eq!(DatabaseUrl::parse("sqlite://data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
    assert_eq!(DatabaseUrl::parse("sqlite:data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
    assert_eq!(DatabaseUrl::parse("data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
    for bad in ["mysql://root@localhost/db", "postgress://u@h/db", "", "sqlite://", "sqlite::memory:", "http:x"] {
        let err = DatabaseUrl::parse(bad).unwrap_err().to_string();
        assert!(!err.is_empty(), "{bad}");
    }
    let err = DatabaseUrl::parse("mysql://root@localhost/db").unwrap_err().to_string();
    assert!(err.contains("unsupported database URL scheme `mysql`"), "{err}");
}

fn solex_cmd(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_solex"));
    cmd.current_dir(dir).env_remove("DATABASE_URL").env("RUST_LOG", "error");
    cmd
}

#[test]
fn the_binary_refuses_a_wrong_url_without_leaving_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = solex_cmd(dir.path()).arg("migrate").env("DATABASE_URL", "postgress://postgres@127.0.0.1/x").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported database URL scheme"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no stray SQLite file");
    let out = solex_cmd(dir.path()).arg("migrate").env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect to PostgreSQL"));
    std::fs::write(dir.path().join("bad.toml"), "bind = \"127.0.0.1:1\"\ntypo_field = 1\n").unwrap();
    let out = solex_cmd(dir.path()).args(["--config", "bad.toml", "migrate"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `typo_field`"));
}

#[test]
fn help_documents_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = solex_cmd(dir.path()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["serve", "migrate", "user"] {
        assert!(help.contains(cmd), "{help}");
    }
    let out = solex_cmd(dir.path()).args(["user", "add", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("--admin"));
}

#[test]
fn user_add_admin_prints_a_working_one_time_link() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let out = solex_cmd(dir.path())
        .args(["user", "add", "--admin", "--name", "First Admin", "root@example.org"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    let link = stdout.split_whitespace().find(|w| w.contains("/password/reset?token=")).expect("link printed").to_string();
    let token = link.split("token=").nth(1).unwrap();
    let mut conn = solex::db::establish(&DatabaseUrl::parse(&url).unwrap()).unwrap();
    let user = solex::models::user::find_by_email(&mut conn, "root@example.org").unwrap().unwrap();
    assert_eq!(user.password_hash, "", "no default password");
    assert!(solex::models::role::for_user(&mut conn, user.id).unwrap().is_admin());
    solex::services::accounts::reset_password(&mut conn, token, "a long admin passphrase").unwrap();
    assert!(solex::services::accounts::reset_password(&mut conn, token, "a long admin passphrase").is_err(), "once only");
    let signed = solex::services::accounts::sign_in(&mut conn, &solex::services::Env::from_config(&solex::Config::default()), "root@example.org", "a long admin passphrase", "test", 1);
    assert!(signed.is_ok());
    drop(conn);
    common::drop_database(&pg);
}

#[test]
fn logs_never_carry_tokens_from_links() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let (mut child, base) = common::spawn_portal(dir.path(), &url);
    let secret = "0123456789abcdef0123456789abcdef";
    for path in [format!("/verify?token={secret}"), format!("/unsubscribe/{secret}/any"), format!("/password/reset?token={secret}")] {
        let _ = ureq::get(&format!("{base}{path}")).call();
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(log.contains("/unsubscribe/{token}/{slug}"), "requests are logged by route: {log}");
    assert!(!log.contains(secret), "{log}");
    common::drop_database(&pg);
}

#[test]
fn json_logs_carry_the_request_id_the_response_names() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let (mut child, base) = common::spawn_portal_with(dir.path(), &url, &[("SOLEX_LOG_FORMAT", "json")]);
    let ok = ureq::get(&format!("{base}/kb")).call().unwrap();
    let ok_id = ok.header("x-request-id").expect("every answer names its request").to_string();
    assert!(ok_id.len() == 16 && ok_id.bytes().all(|b| b.is_ascii_hexdigit()), "{ok_id}");
    let missing = match ureq::get(&format!("{base}/kb/no-such-page")).call() {
        Err(ureq::Error::Status(404, r)) => r,
        other => panic!("expected 404, got {other:?}"),
    };
    let missing_id = missing.header("x-request-id").unwrap().to_string();
    assert_ne!(ok_id, missing_id, "each request its own id");
    // Without a trusted proxy, an id sent by the client is not taken (it could name another's).
    let sent = ureq::get(&format!("{base}/kb")).set("x-request-id", "chosen-by-the-client").call().unwrap();
    assert_ne!(sent.header("x-request-id"), Some("chosen-by-the-client"));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let requests: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("not one JSON object a line ({e}): {l}")))
        .filter(|v| v["message"] == "request")
        .collect();
    let find = |id: &str| requests.iter().find(|v| v["request_id"] == id).unwrap_or_else(|| panic!("{id} not in {log}")).clone();
    let line = find(&ok_id);
    assert_eq!(line["path"], "/kb");
    assert_eq!(line["status"], 200);
    assert!(line["us"].as_u64().is_some(), "duration: {line}");
    let line = find(&missing_id);
    assert_eq!(line["path"], "/kb/{slug}", "route pattern, not the path asked for");
    assert_eq!(line["status"], 404);
    common::drop_database(&pg);
}

#[test]
fn check_config_tries_each_setting_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    let statics = concat!(env!("CARGO_MANIFEST_DIR"), "/static");
    // A developer's setup on this machine: ready (plain HTTP on loopback is fine there).
    let out = solex_cmd(dir.path())
        .arg("check-config")
        .env("DATABASE_URL", &url)
        .env("SOLEX_STATIC_DIR", statics)
        .env("SOLEX_BASE_URL", "http://127.0.0.1:8080")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("ok      database_url"), "{said}");
    assert!(said.contains("ok      index_dir"), "{said}");
    if let Some((_, name)) = &pg {
        assert!(said.contains("PostgreSQL answers"), "{name}: {said}");
    } else {
        assert!(!dir.path().join("solex.db").exists(), "checking makes no database");
    }

    // A public portal set up wrongly: every problem is named in one run, and the password in
    // the database URL is never printed.
    std::fs::write(dir.path().join("a-file"), b"not a folder").unwrap();
    let out = solex_cmd(dir.path())
        .arg("check-config")
        .env("DATABASE_URL", "postgres://postgres:s3cret-pw@127.0.0.1:1/none")
        .env("SOLEX_STATIC_DIR", statics)
        .env("SOLEX_BASE_URL", "http://portal.example.in")
        .env("SOLEX_SMTP_URL", "smtp://127.0.0.1:1")
        .env("SOLEX_INBOUND_TOKEN", "short")
        .env("SOLEX_ATTACHMENTS_DIR", dir.path().join("a-file").join("attachments"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{said}");
    for what in ["database_url", "base_url", "smtp_url", "mail_domain", "mail_from", "inbound_token", "attachments_dir"] {
        assert!(said.contains(&format!("PROBLEM {what}:")), "{what} named: {said}");
    }
    assert!(said.contains("ok      index_dir"), "{said}");
    assert!(err.contains("7 problem(s)"), "{err}");
    assert!(!said.contains("s3cret-pw") && !err.contains("s3cret-pw"), "{said}{err}");
    common::drop_database(&pg);
}

#[test]
fn error_pages_and_json_errors_name_the_request_id() {
    let app = TestApp::start();
    let c = app.client();
    let page = c.get("/kb/no-such-page");
    assert_eq!(page.status, 404);
    let id = page.header("x-request-id").expect("request id header").to_string();
    assert!(page.body.contains(&format!("<code>{id}</code>")), "the page shows the id a member can quote: {}", page.body);
    let api = c.get("/api/search?limit=abc");
    assert_eq!(api.status, 400);
    let id = api.header("x-request-id").unwrap().to_string();
    let body: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(body["request_id"], id.as_str(), "{body}");
}

#[test]
fn check_config_refuses_an_smtp_password_sent_in_clear() {
    use solex::services::system::{check_config, Verdict};
    let dir = tempfile::tempdir().unwrap();
    let in_clear = |smtp: &str| -> Vec<String> {
        let mut config = solex::Config { smtp_url: Some(smtp.into()), ..Default::default() };
        config.base_url = "https://portal.example.in".into();
        config.database_url = format!("sqlite://{}", dir.path().join("solex.db").display());
        for d in [&mut config.index_dir, &mut config.attachments_dir, &mut config.outbox_dir] {
            *d = dir.path().join(d.file_name().unwrap());
        }
        // The server's greeting is not what is judged here: it answers.
        let checks = check_config(&config, || Ok(()));
        checks.into_iter().filter(|c| c.what == "smtp_url" && c.verdict == Verdict::Problem).map(|c| c.detail).collect()
    };
    let problems = in_clear("smtp://solex:hunter2-pw@relay.example.in:587");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("in clear") && problems[0].contains("relay.example.in"), "{problems:?}");
    assert!(!problems[0].contains("hunter2-pw"), "the password is never printed: {problems:?}");
    for fine in [
        "smtp://solex:hunter2-pw@relay.example.in:587?tls=required",
        "smtps://solex:hunter2-pw@relay.example.in",
        "smtp://solex:hunter2-pw@127.0.0.1:25",
        "smtp://solex:hunter2-pw@[::1]:25",
        "smtp://solex:hunter2-pw@localhost:25",
        "smtp://relay.example.in:25",
    ] {
        assert!(in_clear(fine).is_empty(), "{fine}: {:?}", in_clear(fine));
    }
}
