//! The built binary as operating-system processes: a serving portal killed when dropped, and
//! the command-line tools run beside it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The shipped knowledge pages.
pub const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/content");

/// `solex serve` on `dir` (its index in dir/search-index), logging to dir/NAME.log.
pub struct Portal {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Portal {
    /// Started, not waited for; with the shipped pages as its content folder or none.
    pub fn spawn(dir: &Path, url: &str, name: &str, shipped_content: bool) -> Portal {
        let port = super::free_port();
        let log = dir.join(format!("{name}.log"));
        let mut cmd = super::portal_command(dir, url, port, &log);
        // The tests search as fast as they can.
        cmd.env("SOLEX_SEARCH_PER_MINUTE", "0");
        if shipped_content {
            cmd.env("SOLEX_CONTENT_DIR", SHIPPED);
        }
        Portal { child: cmd.spawn().unwrap(), base: format!("http://127.0.0.1:{port}"), log }
    }

    /// Started and answering; a portal that exits on the way fails the test with its log.
    pub fn start(dir: &Path, url: &str, name: &str, shipped_content: bool) -> Portal {
        let mut p = Self::spawn(dir, url, name, shipped_content);
        wait_for("the portal answers", 60, || {
            if let Some(status) = p.child.try_wait().unwrap() {
                panic!("the portal exited with {status}: {}", read(&p.log));
            }
            ureq::get(&format!("{}/healthz", p.base)).call().is_ok()
        });
        p
    }

    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// `solex ARGS` on `dir` and `url`, output captured; not started.
pub fn command(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_solex"));
    cmd.current_dir(dir).env("DATABASE_URL", url).env("RUST_LOG", "warn").args(args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// `solex ARGS` run to its end.
pub fn run(dir: &Path, url: &str, args: &[&str]) -> Output {
    command(dir, url, args).output().unwrap()
}

/// What a finished command printed, both streams.
pub fn said(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

/// Waits for a condition, at most `secs` seconds.
pub fn wait_for(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
