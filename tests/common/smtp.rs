//! A real SMTP server for tests: aiosmtpd (from PyPI) on 127.0.0.1 (`smtp_sink.py`), storing
//! what it accepts in a Maildir, which the tests read back with a mail parser. It can be stopped
//! and started again on the same port to play an outage, or answer 451 for a while.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub port: u16,
    pub maildir: PathBuf,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut s = SmtpServer { port, maildir: dir.path().join("maildir"), child: None, _dir: dir };
        s.resume();
        s
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port.
    pub fn resume(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/smtp_sink.py");
        let child = Command::new("python3")
            .arg(script)
            .args(["--port", &self.port.to_string(), "--maildir"])
            .arg(&self.maildir)
            .arg("--refuse-flag")
            .arg(self.refuse_flag())
            .arg("--slow-flag")
            .arg(self.slow_flag())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn refuse_flag(&self) -> PathBuf {
        self.maildir.with_file_name("refuse")
    }

    fn slow_flag(&self) -> PathBuf {
        self.maildir.with_file_name("slow")
    }

    /// While set, the server takes this long over each message before it answers.
    pub fn slow_down(&self, each: Option<Duration>) {
        match each {
            Some(d) => std::fs::write(self.slow_flag(), d.as_millis().to_string()).unwrap(),
            None => {
                let _ = std::fs::remove_file(self.slow_flag());
            }
        }
    }

    /// While on, every recipient gets 451 (try again later); the connection itself works.
    pub fn refuse_temporarily(&self, on: bool) {
        if on {
            std::fs::write(self.refuse_flag(), b"451").unwrap();
        } else {
            let _ = std::fs::remove_file(self.refuse_flag());
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Raw messages received so far.
    pub fn raw_messages(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return vec![] };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort_by_key(|p| arrival(p.file_name().and_then(|n| n.to_str()).unwrap_or_default()));
        files.into_iter().filter_map(|p| std::fs::read(p).ok()).collect()
    }

    /// Waits until `n` list messages (community mail, with List-Id) to `to` have arrived and
    /// returns all of them.
    pub fn wait_for(&self, to: &str, n: usize) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mine = self.list_messages_to(to);
            if mine.len() >= n {
                return mine;
            }
            assert!(Instant::now() < deadline, "expected {n} messages to {to}, have {}", mine.len());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Drains `app` (whose sender delivers here, synchronously: the server has stored a
    /// message before it answers 250), then the list messages to `to`, which must be `n` or more.
    pub fn delivered(&self, app: &super::TestApp, to: &str, n: usize) -> Vec<Vec<u8>> {
        app.drain();
        let mine = self.list_messages_to(to);
        assert!(mine.len() >= n, "expected {n} messages to {to}, have {}", mine.len());
        mine
    }

    /// Community mail only: account mail (confirmation links) has no List-Id.
    pub fn list_messages_to(&self, to: &str) -> Vec<Vec<u8>> {
        self.messages_to(to).into_iter().filter(|raw| header(raw, "List-Id").is_some()).collect()
    }

    pub fn messages_to(&self, to: &str) -> Vec<Vec<u8>> {
        self.raw_messages()
            .into_iter()
            .filter(|raw| {
                let m = mail_parser::MessageParser::default().parse(raw);
                m.and_then(|m| m.to().and_then(|a| a.first()).and_then(|a| a.address()).map(|a| a == to)).unwrap_or(false)
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where a Maildir file name ("SECONDS.MmicrosPpidQcount.host", as Python's mailbox writes it)
/// puts the message in order of arrival: its microseconds are not zero-padded, so the names
/// themselves do not sort in that order within a second.
fn arrival(name: &str) -> (u64, u64, u64, String) {
    let number = |after: char, before: char| -> u64 {
        name.split_once(after).and_then(|(_, rest)| rest.split(before).next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let secs = name.split('.').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (secs, number('M', 'P'), number('Q', '.'), name.to_string())
}

/// One header of a raw message, as text.
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    let m = mail_parser::MessageParser::default().parse(raw)?;
    m.header_raw(name).map(|v| v.trim().to_string())
}
