//! A small WebDriver client over HTTP for Debian's chromium through chromedriver.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_binary(candidates: &[&str]) -> Option<String> {
    candidates.iter().find(|p| std::path::Path::new(p).exists()).map(|p| p.to_string())
}

impl Browser {
    /// Starts chromedriver and a headless chromium. Fails the test if either is missing:
    /// .ci/run installs both.
    pub fn start() -> Browser {
        Self::start_with(true)
    }

    /// A browser with page scripts switched off, as some readers browse.
    pub fn without_javascript() -> Browser {
        Self::start_with(false)
    }

    fn start_with(javascript: bool) -> Browser {
        let driver_bin = find_binary(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"])
            .expect("chromedriver not found: apt-get install chromium chromium-driver");
        let chromium = find_binary(&["/usr/bin/chromium", "/usr/lib/chromium/chromium"]).expect("chromium not found");
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = ureq::get(&format!("{base}/status")).call() {
                let v: Value = r.into_json().unwrap();
                if v["value"]["ready"].as_bool() == Some(true) {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless".to_string(), "--no-sandbox".into(), "--disable-gpu".into(), "--disable-dev-shm-usage".into(),
            "--disable-quic".into(), "--no-first-run".into(), "--disable-background-networking".into(),
            "--disable-component-update".into(), "--disable-sync".into(), "--window-size=400,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": { "binary": chromium, "args": args }
            }}
        });
        let r: Value = ureq::post(&format!("{base}/session"))
            .send_json(caps)
            .unwrap_or_else(|e| panic!("new session: {e:?}"))
            .into_json()
            .unwrap();
        let session = r["value"]["sessionId"].as_str().expect("session id").to_string();
        Browser { driver, base, session, _profile: profile }
    }

    fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let req = ureq::request(method, &url);
        let r = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match r {
            Ok(resp) => Ok(resp.into_json::<Value>().unwrap()["value"].clone()),
            Err(ureq::Error::Status(code, resp)) => Err(format!("webdriver {method} {path}: {code} {}", resp.into_string().unwrap_or_default())),
            Err(e) => Err(format!("webdriver {method} {path}: {e}")),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_cmd(method, path, body).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Retries `f` until it succeeds: clicks do not wait for the next page to load. Generous,
    /// for a machine that is also running the rest of the suite.
    fn eventually<T>(&self, what: &str, f: impl Fn() -> Result<T, String>) -> T {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match f() {
                Ok(v) => return v,
                Err(e) if Instant::now() > deadline => panic!("{what}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    fn try_find(&self, css: &str) -> Result<String, String> {
        let v = self.try_cmd("POST", "/element", Some(json!({ "using": "css selector", "value": css })))?;
        v[ELEMENT_KEY].as_str().map(str::to_string).ok_or_else(|| format!("no element {css}: {v}"))
    }

    /// Waits until the element exists and its text satisfies `pred`, then returns the text.
    pub fn wait_text(&self, css: &str, pred: impl Fn(&str) -> bool) -> String {
        self.eventually(css, || {
            let el = self.try_find(css)?;
            let t = self.try_cmd("GET", &format!("/element/{el}/text"), None)?;
            let t = t.as_str().unwrap_or("").to_string();
            if pred(&t) { Ok(t) } else { Err(format!("text of {css} is {t:?}")) }
        })
    }

    pub fn wait_url(&self, pred: impl Fn(&str) -> bool) -> String {
        self.eventually("url", || {
            let u = self.url();
            if pred(&u) { Ok(u) } else { Err(format!("url is {u}")) }
        })
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap_or("").to_string()
    }

    pub fn source(&self) -> String {
        self.cmd("GET", "/source", None).as_str().unwrap_or("").to_string()
    }

    pub fn find(&self, css: &str) -> String {
        self.eventually(css, || self.try_find(css))
    }

    pub fn fill(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/clear"), Some(json!({})));
        self.cmd("POST", &format!("/element/{el}/value"), Some(json!({ "text": text })));
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), Some(json!({})));
    }

    pub fn text(&self, css: &str) -> String {
        self.wait_text(css, |_| true)
    }

    /// Runs a script in the page (WebDriver's own channel, which the page's policy does not
    /// govern) and returns its result.
    pub fn execute(&self, script: &str) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": script, "args": [] })))
    }

    /// Runs a script that calls its last argument with the result.
    pub fn execute_async(&self, script: &str) -> Value {
        self.cmd("POST", "/timeouts", Some(json!({ "script": 60_000 })));
        self.cmd("POST", "/execute/async", Some(json!({ "script": script, "args": [] })))
    }

    /// Messages the browser's console received since the last call (Chromium reports
    /// Content-Security-Policy refusals there).
    pub fn console(&self) -> Vec<String> {
        let v = self.cmd("POST", "/se/log", Some(json!({ "type": "browser" })));
        v.as_array().map(|a| a.iter().map(|e| e["message"].as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        use std::io::Write;
        let b64 = self.cmd("GET", "/screenshot", None);
        let data = decode_base64(b64.as_str().unwrap_or(""));
        std::fs::File::create(path).unwrap().write_all(&data).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut buf, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let Some(v) = T.iter().position(|&t| t == c) else { continue };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}
