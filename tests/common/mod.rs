//! Test harness: every test gets its own portal on a free port, its own database (a temp SQLite
//! file, or a fresh PostgreSQL database when SOLEX_TEST_PG is set), its own outbox folder.
#![allow(dead_code)]

pub mod process;
pub mod smtp;
pub mod webdriver;
pub mod world;

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use solex::db::{self, DatabaseUrl, DbConn};
use solex::Config;

pub struct TestApp {
    pub base: String,
    pub config: Config,
    pub pool: db::Pool,
    pub outbox: PathBuf,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
    /// Where mail arrives when the portal sends by SMTP to a test server.
    pub maildir: Option<PathBuf>,
    /// The portal's background workers, for `drain` (the portal runs in this process).
    workers: std::sync::Arc<solex::background::Workers>,
    /// Set by `leave_mail_queued`: the end-of-test check lets queued mail be.
    mail_may_stay: bool,
}

/// The PostgreSQL server to use, if the suite runs on PostgreSQL.
pub fn pg_server() -> Option<String> {
    std::env::var("SOLEX_TEST_PG").ok().filter(|s| !s.is_empty()).map(|s| s.trim_end_matches('/').to_string())
}

/// A fresh, empty database URL for this test (the database is created on PostgreSQL).
pub fn fresh_database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match pg_server() {
        Some(server) => {
            let name = format!("solex_t_{}", &solex::tokens::random_token()[..16]);
            let mut admin = db::establish(&DatabaseUrl::Postgres(format!("{server}/postgres?sslmode=disable&gssencmode=disable"))).expect("connect to PostgreSQL");
            admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
            // No TLS and no GSSAPI on loopback: libpq's OpenSSL and Kerberos clean-up at process
            // exit can race a background thread still inside libpq (reconnecting to the dropped
            // database) and abort the test process after the test has passed.
            (format!("{server}/{name}?sslmode=disable&gssencmode=disable"), Some((server, name)))
        }
        None => (format!("sqlite://{}", dir.join("solex.db").display()), None),
    }
}

/// The built binary serving `database_url` from `dir` with logs at `info` (stdout and stderr
/// piped), once it answers; returns the process and its base address.
pub fn spawn_portal(dir: &std::path::Path, database_url: &str) -> (std::process::Child, String) {
    spawn_portal_with(dir, database_url, &[])
}

/// `spawn_portal` with more settings in the environment (SOLEX_...).
pub fn spawn_portal_with(dir: &std::path::Path, database_url: &str, env: &[(&str, &str)]) -> (std::process::Child, String) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_solex"))
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("SOLEX_BIND", format!("127.0.0.1:{port}"))
        .env("SOLEX_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("SOLEX_CONTENT_DIR", dir.join("none"))
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while ureq::get(&format!("{base}/healthz")).call().is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, base)
}

/// A free port on the loopback interface.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The built binary set to serve `database_url` from `dir` on `port` (its index in
/// dir/search-index, no content/ folder), logging warnings and errors to `log`; not started.
pub fn portal_command(dir: &std::path::Path, database_url: &str, port: u16, log: &std::path::Path) -> std::process::Command {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_solex"));
    cmd.arg("serve")
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("SOLEX_BIND", format!("127.0.0.1:{port}"))
        .env("SOLEX_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("SOLEX_CONTENT_DIR", dir.join("none"))
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    cmd
}

pub fn drop_database(pg: &Option<(String, String)>) {
    if let Some((server, name)) = pg {
        if let Ok(mut admin) = db::establish(&DatabaseUrl::Postgres(format!("{server}/postgres?sslmode=disable&gssencmode=disable"))) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

impl TestApp {
    pub fn start() -> TestApp {
        Self::start_with(|_| {})
    }

    pub fn start_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg) = fresh_database(dir.path());
        Self::start_on(dir, database_url, pg, adjust)
    }

    /// Another portal process on this one's database, with its own index and outbox folder.
    pub fn second_process(&self) -> TestApp {
        let url = self.config.database_url.clone();
        Self::start_on(tempfile::tempdir().expect("temp dir"), url, None, |_| {})
    }

    fn start_on(dir: tempfile::TempDir, database_url: String, pg: Option<(String, String)>, adjust: impl FnOnce(&mut Config)) -> TestApp {
        // Warnings and errors of the portal show in a failing test's output.
        let _ = tracing_subscriber::fmt().with_env_filter("warn").with_test_writer().try_init();
        let listener = solex::listen("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let mut config = Config {
            bind: format!("127.0.0.1:{port}"),
            base_url: format!("http://127.0.0.1:{port}"),
            database_url,
            index_dir: dir.path().join("search-index"),
            outbox_dir: dir.path().join("outbox"),
            attachments_dir: dir.path().join("attachments"),
            static_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static"),
            content_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"),
            workers: 2,
            pool_size: 4,
            ..Config::default()
        };
        adjust(&mut config);
        config.validate().expect("valid test config");
        let state = solex::build_state(config.clone()).expect("build state");
        let pool = state.pool.clone();
        let workers = state.workers.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                solex::server(state, listener).expect("server").await.expect("server ran");
            })
        });
        let app = TestApp {
            base: config.base_url.clone(),
            outbox: config.outbox_dir.clone(),
            config,
            pool,
            dir,
            pg,
            maildir: None,
            workers,
            mail_may_stay: false,
        };
        app.wait_ready();
        app
    }

    /// A portal that sends its mail by SMTP to `smtp`; `mails()` then reads what arrived there.
    pub fn with_smtp(smtp: &smtp::SmtpServer, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let url = smtp.url();
        let mut app = Self::start_with(move |c| {
            c.smtp_url = Some(url);
            adjust(c);
        });
        app.maildir = Some(smtp.maildir.join("new"));
        app
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if ureq::get(&format!("{}/healthz", self.base)).call().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("portal did not start");
    }

    pub fn conn(&self) -> r2d2::PooledConnection<db::ConnectionManager> {
        self.pool.get().expect("connection")
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// All mail written to the outbox folder so far, parsed.
    pub fn mails(&self) -> Vec<Mail> {
        let dir = self.maildir.as_ref().unwrap_or(&self.outbox);
        let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
        let from_smtp = self.maildir.is_some();
        let mut mails: Vec<(std::time::SystemTime, Mail)> = entries
            .filter_map(|e| e.ok())
            .filter(|e| from_smtp || e.path().extension().is_some_and(|x| x == "eml"))
            // The sender may be halfway through writing a file; it is read again on the next poll.
            .filter_map(|e| {
                let raw = std::fs::read(e.path()).ok()?;
                let modified = e.metadata().and_then(|m| m.modified()).ok()?;
                Some((modified, Mail::try_parse(&raw)?))
            })
            .collect();
        mails.sort_by_key(|(t, _)| *t);
        mails.into_iter().map(|(_, m)| m).collect()
    }

    /// Runs the portal's mail sender and indexer here and now, and returns once both are
    /// through: every due mail is sent (an .eml file written, or accepted by the SMTP server),
    /// every search outbox row is in the index. Returns what each outbox still holds, by
    /// worker ("mail sender", "search indexer"): mail deferred after a failure, rows that
    /// failed. Tests that are not about timing call this instead of polling; the portal runs
    /// in this process, so no route or secret is needed to reach its workers.
    pub fn try_drain(&self) -> Vec<(&'static str, i64)> {
        self.workers.drain().expect("drain the outboxes")
    }

    /// `try_drain`, failing the test if anything is left. With a second process on the same
    /// database, its sender may hold some of the mail at that moment: then this drains again
    /// until it has sent them (a bounded wait for that condition, never a fixed sleep).
    pub fn drain(&self) {
        if let Err(left) = self.drain_until_empty(true) {
            panic!("the outboxes still hold rows after a drain: {left}");
        }
    }

    fn drain_until_empty(&self, with_mail: bool) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left: Vec<_> = self.workers.drain().map_err(|e| e.to_string())?.into_iter().filter(|&(name, n)| n > 0 && (with_mail || name != "mail sender")).collect();
            if left.is_empty() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("{left:?}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// For a test that means to end with mail queued (an SMTP outage): the end-of-test check
    /// then looks only at the search outbox.
    pub fn leave_mail_queued(&mut self) {
        self.mail_may_stay = true;
    }

    /// Drains, then returns the n-th mail to `to` (1-based).
    pub fn mail_for(&self, to: &str, n: usize) -> Mail {
        self.drain();
        let mine: Vec<Mail> = self.mails().into_iter().filter(|m| m.to == to).collect();
        let count = mine.len();
        mine.into_iter().nth(n - 1).unwrap_or_else(|| panic!("no mail #{n} for {to} ({count} for them); {} messages in all", self.mails().len()))
    }

    /// How many mails `to` has had, once everything due is sent (so a count of 0 means none
    /// was queued, not that the sender had not got to it yet).
    pub fn mail_count(&self, to: &str) -> usize {
        self.drain();
        self.mails().into_iter().filter(|m| m.to == to).count()
    }

    /// Registers through the web form and follows the mailed link: a verified member.
    pub fn member(&self, email: &str, password: &str, name: &str) -> Client {
        let c = self.client();
        let r = c.submit("/register", "/register", &[("email", email), ("password", password), ("name", name), ("data_consent", "yes")]);
        assert_eq!(r.status, 200, "register: {}", r.body);
        let mail = self.mail_for(email, 1);
        let link = mail.link("/verify?token=");
        let r = c.get(&link);
        assert_eq!(r.status, 200, "verify: {}", r.body);
        let r = c.sign_in(email, password);
        assert_eq!(r.status, 303, "sign in: {}", r.body);
        c
    }

    /// An administrator made the way a newcomer would: the console command's setup link.
    pub fn admin(&self, email: &str, password: &str) -> Client {
        let mut conn = self.conn();
        account_from_console(&mut conn, &self.base, email, "Asha Admin", password, true)
    }

    /// Makes the account with this address focal point for `state` ("national" for the
    /// national one), through the administrator's form.
    pub fn grant_focal_point(&self, admin: &Client, email: &str, state: &str) {
        let id = self.user_id(email);
        let r = admin.submit(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/grants"), &[("role", "focal_point"), ("state", state)]);
        assert_eq!(r.status, 303, "grant: {}", r.body);
    }

    pub fn user_id(&self, email: &str) -> i64 {
        let mut conn = self.conn();
        solex::models::user::find_by_email(&mut conn, email).unwrap().unwrap().id
    }

    /// What the use cases are given in this portal (as the server builds it).
    pub fn env(&self) -> solex::services::Env {
        solex::services::Env::from_config(&self.config)
    }

    pub fn db(&self) -> DbConnGuard {
        DbConnGuard(self.conn())
    }
}

/// An account made with `solex user add`'s one-time link, its password set and signed in over
/// HTTP at `base` (any portal: in this process or another).
pub fn account_from_console(conn: &mut DbConn, base: &str, email: &str, name: &str, password: &str, admin: bool) -> Client {
    // The console's settings with this portal's address: only the link's base comes from them.
    let env = solex::services::Env::from_config(&Config { base_url: base.to_string(), ..Config::default() });
    let link = solex::services::accounts::add_user_from_console(conn, &env, email, Some(name), admin).unwrap();
    let c = Client::new(base);
    let path = link.strip_prefix(base).unwrap().to_string();
    let token = path.split("token=").nth(1).unwrap().to_string();
    let r = c.submit(&path, "/password/reset", &[("token", &token), ("password", password)]);
    assert_eq!(r.status, 200, "set password: {}", r.body);
    let r = c.sign_in(email, password);
    assert_eq!(r.status, 303, "sign in: {}", r.body);
    c
}

pub struct DbConnGuard(pub r2d2::PooledConnection<db::ConnectionManager>);
impl std::ops::Deref for DbConnGuard {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.0
    }
}
impl std::ops::DerefMut for DbConnGuard {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.0
    }
}

/// At the end of every test both outboxes are empty once drained: no mail stuck in a retry or
/// a claim, no index change failing. Not while a test is already failing: a panic in a drop
/// during a panic aborts the whole test binary.
impl Drop for TestApp {
    fn drop(&mut self) {
        let left = if std::thread::panicking() { Ok(()) } else { self.drain_until_empty(!self.mail_may_stay) };
        drop_database(&self.pg);
        if let Err(left) = left {
            panic!("at the end of the test the outboxes are not empty: {left}");
        }
    }
}

pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl Mail {
    pub fn try_parse(raw: &[u8]) -> Option<Mail> {
        // Every message is multipart: it is complete once its closing boundary is written.
        if !raw.trim_ascii_end().ends_with(b"--") {
            return None;
        }
        let m = mail_parser::MessageParser::default().parse(raw)?;
        Some(Mail {
            to: m.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or("").to_string(),
            subject: m.subject().unwrap_or("").to_string(),
            text: m.body_text(0).map(|s| s.into_owned()).unwrap_or_default(),
            html: m.body_html(0).map(|s| s.into_owned()).unwrap_or_default(),
            message_id: m.message_id().unwrap_or("").to_string(),
        })
    }

    /// The path and query of the first link in the text part containing `marker`.
    pub fn link(&self, marker: &str) -> String {
        let line = self
            .text
            .split_whitespace()
            .find(|w| w.contains(marker))
            .unwrap_or_else(|| panic!("no link with {marker} in:\n{}", self.text));
        let url = url::Url::parse(line).expect("absolute link");
        format!("{}?{}", url.path(), url.query().unwrap_or(""))
    }
}

pub struct Resp {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }
}

/// A browser-like client: keeps cookies, does not follow redirects. Clones share the cookies.
#[derive(Clone)]
pub struct Client {
    pub agent: ureq::Agent,
    pub base: String,
    host: String,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent = ureq::AgentBuilder::new().redirects(0).timeout(Duration::from_secs(30)).build();
        let host = url::Url::parse(base).unwrap().host_str().unwrap().to_string();
        Client { agent, base: base.to_string(), host }
    }

    fn finish(r: Result<ureq::Response, ureq::Error>) -> Resp {
        Self::try_finish(r).unwrap_or_else(|e| panic!("transport error: {e}"))
    }

    /// A response, or the transport error (the server went away).
    fn try_finish(r: Result<ureq::Response, ureq::Error>) -> Result<Resp, String> {
        let resp = match r {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => return Err(e.to_string()),
        };
        let status = resp.status();
        let headers = resp
            .headers_names()
            .into_iter()
            .flat_map(|n| resp.all(&n).into_iter().map(|v| (n.clone(), v.to_string())).collect::<Vec<_>>())
            .collect();
        let location = resp.header("location").map(str::to_string);
        let body = resp.into_string().map_err(|e| e.to_string())?;
        Ok(Resp { status, body, location, headers })
    }

    pub fn try_get(&self, path: &str) -> Result<Resp, String> {
        Self::try_finish(self.agent.get(&format!("{}{}", self.base, path)).call())
    }

    /// Posts the fields with the CSRF token from the cookie; a transport error is returned.
    pub fn try_post(&self, path: &str, fields: &[(&str, &str)]) -> Result<Resp, String> {
        let token = self.cookie("solex_csrf").ok_or("no CSRF cookie yet")?;
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        Self::try_finish(self.agent.post(&format!("{}{}", self.base, path)).send_form(&all))
    }

    pub fn get(&self, path: &str) -> Resp {
        Self::finish(self.agent.get(&format!("{}{}", self.base, path)).call())
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.get(&format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        Self::finish(req.call())
    }

    /// Posts exactly these fields (no CSRF token added).
    pub fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        Self::finish(self.agent.post(&format!("{}{}", self.base, path)).send_form(fields))
    }

    pub fn post_with_headers(&self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.post(&format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        Self::finish(req.send_form(fields))
    }

    /// The same browser (its cookies) talking to the portal at `base`: another process of the
    /// same portal on another port (cookies do not depend on the port).
    pub fn on(&self, base: &str) -> Client {
        Client { agent: self.agent.clone(), ..Client::new(base) }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.agent.cookie_store().get(&self.host, "/", name).map(|c| c.value().to_string())
    }

    pub fn csrf(&self) -> String {
        if self.cookie("solex_csrf").is_none() {
            self.get("/");
        }
        self.cookie("solex_csrf").expect("csrf cookie")
    }

    /// Posts the fields with this visitor's CSRF token, as the page's form would.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all)
    }

    /// Opens the page first (as a person would), then posts its form.
    pub fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let p = self.get(page);
        assert!(p.status < 400, "GET {page}: {} {}", p.status, p.body);
        let token = hidden_value(&p.body, "csrf").expect("page has a CSRF field");
        assert_eq!(Some(token.clone()), self.cookie("solex_csrf"), "form token matches cookie");
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(action, &all)
    }

    /// Posts multipart/form-data with this visitor's CSRF token: text fields and (name, filename, bytes) files.
    pub fn post_multipart(&self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Resp {
        let token = self.csrf();
        let boundary = "solexTestBoundary7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let mut part = |headers: String, data: &[u8]| {
            body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        };
        part("Content-Disposition: form-data; name=\"csrf\"".into(), token.as_bytes());
        for (k, v) in fields {
            part(format!("Content-Disposition: form-data; name=\"{k}\""), v.as_bytes());
        }
        for (k, name, data) in files {
            part(format!("Content-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream"), data);
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Self::finish(
            self.agent
                .post(&format!("{}{}", self.base, path))
                .set("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
                .send_bytes(&body),
        )
    }

    pub fn get_bytes(&self, path: &str) -> (u16, Vec<u8>, Option<String>, Option<String>) {
        let r = match self.agent.get(&format!("{}{}", self.base, path)).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        let status = r.status();
        let ct = r.header("content-type").map(str::to_string);
        let cd = r.header("content-disposition").map(str::to_string);
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
        (status, bytes, ct, cd)
    }

    pub fn sign_in(&self, email: &str, password: &str) -> Resp {
        self.submit("/login", "/login", &[("email", email), ("password", password)])
    }
}

/// The value of the first hidden input with this name.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}
