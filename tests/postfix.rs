//! A real Postfix in front of `solex mail ingest`: a private instance on 127.0.0.1 (its own
//! config, queue and data folders in a temp dir; the machine's /etc/postfix is only read for
//! Postfix's own file list) with the settings README.md gives an operator. A member's reply sent
//! over SMTP ends in the moderator queue; an address that is no portal address is refused at
//! RCPT, and one the portal does not know (a forged token) is bounced by Postfix with the
//! portal's exit code 67 (EX_NOUSER, "5.1.1 user unknown").
//! Needs Debian's postfix (`bash .ci/run` installs it) and root, as `postfix start` does.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::world::*;
use lettre::address::Envelope;
use lettre::{SmtpTransport, Transport};
use solex::models::post::{self, Status};
use solex::tokens::MailPurpose;

const DOMAIN: &str = "solex.localhost";
/// The unprivileged user the pipe runs `solex` as (Postfix refuses root and its own user).
const PIPE_USER: &str = "nobody";

/// One Postfix instance, stopped (with every process it started) when dropped.
struct Postfix {
    dir: tempfile::TempDir,
    port: u16,
}

impl Postfix {
    /// Started and listening; mail for `DOMAIN` goes to `solex mail ingest` on `database_url`,
    /// mail for example.org (the members' and senders' domain) into one local maildir, so
    /// bounces can be read.
    fn start(database_url: &str) -> Postfix {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        // Postfix's daemons (user postfix) and the pipe (user nobody) walk into this folder.
        chmod(&d, 0o755);
        let conf = d.join("conf");
        std::fs::create_dir_all(&conf).unwrap();
        std::fs::create_dir_all(d.join("queue")).unwrap();
        let uid = run(Command::new("id").args(["-u", PIPE_USER])).trim().to_string();
        let gid = run(Command::new("id").args(["-g", PIPE_USER])).trim().to_string();
        let mailboxes = d.join("mailboxes");
        std::fs::create_dir_all(&mailboxes).unwrap();
        run(Command::new("chown").arg(format!("{uid}:{gid}")).arg(&mailboxes));
        // What the ingest command may write besides the database.
        let attachments = d.join("attachments");
        std::fs::create_dir_all(&attachments).unwrap();
        chmod(&attachments, 0o777);
        if let Some(path) = database_url.strip_prefix("sqlite://") {
            open_sqlite_to_all(Path::new(path));
        }
        std::fs::write(
            conf.join("solex.toml"),
            format!("database_url = {database_url:?}\nattachments_dir = {:?}\nmail_domain = {DOMAIN:?}\n", attachments.display().to_string()),
        )
        .unwrap();
        let solex = solex_binary_for_pipe(&d);

        let port = common::free_port();
        let d_ = d.display();
        // The operator's settings (README.md, "Postfix in front"), then what makes it a private
        // instance: its own folders, loopback only, no DNS, a log file instead of syslog.
        let main_cf = format!(
            "relay_domains = {DOMAIN}\n\
             transport_maps = hash:{d_}/conf/transport\n\
             relay_recipient_maps = regexp:{d_}/conf/solex_recipients\n\
             solex_destination_recipient_limit = 1\n\
             \n\
             compatibility_level = 3.6\n\
             queue_directory = {d_}/queue\n\
             data_directory = {d_}/data\n\
             myhostname = mx.{DOMAIN}\n\
             inet_interfaces = 127.0.0.1\n\
             inet_protocols = ipv4\n\
             mynetworks = 127.0.0.0/8\n\
             mydestination =\n\
             alias_maps =\n\
             alias_database =\n\
             smtp_dns_support_level = disabled\n\
             virtual_mailbox_domains = example.org\n\
             virtual_mailbox_base = {d_}/mailboxes\n\
             virtual_mailbox_maps = static:sink/\n\
             virtual_uid_maps = static:{uid}\n\
             virtual_gid_maps = static:{gid}\n\
             maillog_file = {d_}/maillog\n\
             maillog_file_prefixes = {d_}\n\
             # A deferred delivery (a loaded machine) is retried within the test's patience.\n\
             queue_run_delay = 5s\n\
             minimal_backoff_time = 5s\n\
             maximal_backoff_time = 10s\n"
        );
        std::fs::write(conf.join("main.cf"), main_cf).unwrap();
        let master_cf = format!(
            "127.0.0.1:{port} inet n - n - - smtpd\n\
             cleanup   unix n - n - 0 cleanup\n\
             qmgr      unix n - n 300 1 qmgr\n\
             rewrite   unix - - n - - trivial-rewrite\n\
             bounce    unix - - n - 0 bounce\n\
             defer     unix - - n - 0 bounce\n\
             trace     unix - - n - 0 bounce\n\
             flush     unix n - n 1000? 0 flush\n\
             proxymap  unix - - n - - proxymap\n\
             showq     unix n - n - - showq\n\
             error     unix - - n - - error\n\
             retry     unix - - n - - error\n\
             anvil     unix - - n - 1 anvil\n\
             scache    unix - - n - 1 scache\n\
             postlog   unix-dgram n - n - 1 postlogd\n\
             virtual   unix - n n - - virtual\n\
             solex     unix - n n - - pipe\n  \
               flags=DRq user={PIPE_USER} argv={} --config {d_}/conf/solex.toml mail ingest --recipient ${{original_recipient}}\n",
            solex.display()
        );
        std::fs::write(conf.join("master.cf"), master_cf).unwrap();
        std::fs::write(conf.join("transport"), format!("{DOMAIN} solex:\n")).unwrap();
        std::fs::write(conf.join("solex_recipients"), recipient_table(DOMAIN)).unwrap();
        let confdir = conf.display().to_string();
        run(Command::new(sbin("postmap")).args(["-c", &confdir, &format!("hash:{confdir}/transport")]));
        let postfix = Postfix { dir, port };
        // `postfix start` returns once the master daemon listens (master -w).
        let out = Command::new(sbin("postfix")).args(["-c", &confdir, "start"]).output().expect("run postfix (install Debian's postfix: bash .ci/run does)");
        assert!(out.status.success(), "postfix start: {}{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr), postfix.log());
        postfix
    }

    fn conf(&self) -> String {
        self.dir.path().join("conf").display().to_string()
    }

    fn log(&self) -> String {
        common::process::read(&self.dir.path().join("maillog"))
    }

    /// The mail delivered to example.org so far (the bounces Postfix sent back).
    fn delivered(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.path().join("mailboxes/sink/new")) else { return vec![] };
        entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect()
    }

    /// A message sent over SMTP, as a mail client or another server would.
    fn send(&self, from: &str, to: &str, raw: &str) -> Result<(), lettre::transport::smtp::Error> {
        let smtp = SmtpTransport::builder_dangerous("127.0.0.1").port(self.port).timeout(Some(Duration::from_secs(60))).build();
        let envelope = Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()]).unwrap();
        smtp.send_raw(&envelope, raw.as_bytes()).map(|_| ())
    }

    /// Waits (at most `secs`) until `done`; failing, shows Postfix's log.
    fn wait_for(&self, what: &str, secs: u64, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !done() {
            assert!(Instant::now() < deadline, "gave up waiting: {what}\nPostfix log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.dir.path().join("queue/pid/master.pid")).unwrap_or_default().trim().to_string();
        // `postfix stop` ends the master, which ends its children; it kills them itself after
        // five seconds. Then wait for the master's process group to be gone, and end what is
        // left of it (only this instance's processes are in it).
        let _ = Command::new(sbin("postfix")).args(["-c", &self.conf(), "stop"]).output();
        if pid.parse::<u32>().is_ok() {
            // The shell's own kill: signals a process group, on any Debian.
            let kill = |signal: &str| Command::new("sh").args(["-c", &format!("kill -{signal} -{pid} 2>/dev/null")]).status().is_ok_and(|s| s.success());
            let alive = || kill("0");
            let deadline = Instant::now() + Duration::from_secs(15);
            while alive() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            if alive() {
                kill("KILL");
            }
        }
    }
}

/// The portal's own address shapes (src/tokens/address.rs) and its From address (a reply to
/// it is held by its References), for Postfix's recipient validation: anything else is refused
/// during SMTP, so no bounce goes to a forged sender.
fn recipient_table(domain: &str) -> String {
    let domain = domain.replace('.', "\\.");
    format!("/^(reply|post|unsubscribe|bounce)\\+[^@]+@{domain}$/ OK\n/^noreply@{domain}$/ OK\n")
}

/// The built binary, or a copy in `dir` when the pipe's user cannot reach it where it is.
fn solex_binary_for_pipe(dir: &Path) -> PathBuf {
    let built = PathBuf::from(env!("CARGO_BIN_EXE_solex"));
    let reachable = Command::new(sbin("runuser")).args(["-u", PIPE_USER, "--", "test", "-x"]).arg(&built).status().is_ok_and(|s| s.success());
    if reachable {
        return built;
    }
    let copy = dir.join("solex");
    std::fs::copy(&built, &copy).unwrap();
    chmod(&copy, 0o755);
    copy
}

/// A SQLite database the pipe's user can write: its folder (journal files) and its files.
fn open_sqlite_to_all(db: &Path) {
    let folder = db.parent().unwrap();
    chmod(folder, 0o777);
    let name = db.file_name().unwrap().to_string_lossy().to_string();
    for e in std::fs::read_dir(folder).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with(&name) {
            chmod(&e.path(), 0o666);
        }
    }
}

/// An administrator's command by its full path: a test's PATH may lack /usr/sbin.
fn sbin(name: &str) -> PathBuf {
    let path = Path::new("/usr/sbin").join(name);
    if path.exists() { path } else { PathBuf::from(name) }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn mail(from: &str, to: &str, message_id: &str, body: &str) -> String {
    format!("From: Bob Bhatt <{from}>\r\nTo: <{to}>\r\nSubject: Re: [Energy efficiency in foundries] Coke\r\nMessage-ID: <{message_id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n")
}

#[test]
fn postfix_delivers_a_reply_into_the_queue_and_bounces_an_unknown_address_with_the_portals_exit_code() {
    let w = world();
    let id = ask(&w, &w.alice, "Coke", "How much coke per tonne?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let community = {
        let mut conn = w.app.db();
        post::find(&mut conn, id).unwrap().community_id
    };
    let pending = || {
        let mut conn = w.app.db();
        post::queue(&mut conn, community, &[Status::Pending], Some(false), 10).unwrap()
    };
    assert!(pending().is_empty());
    // Declared after the world: stopped before the world's database is dropped.
    let postfix = Postfix::start(&w.app.config.database_url);

    // Bob replies from his mail client to his own reply address.
    let to = format!("reply+{}-{id}@{DOMAIN}", mail_token(&w, "bob@example.org", MailPurpose::Reply, id));
    let body = "About 110 kg per tonne after the change.\r\n\r\nOn Mon, 1 Dec 2026, solex wrote:\r\n> How much coke per tonne?";
    postfix.send("bob@example.org", &to, &mail("bob@example.org", &to, "r1@example.org", body)).unwrap_or_else(|e| panic!("{e}\n{}", postfix.log()));
    postfix.wait_for("the reply is in the moderator queue", 60, || !pending().is_empty());
    let queued = pending();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].0.thread_id, Some(id));
    assert_eq!(queued[0].0.body_md, "About 110 kg per tonne after the change.", "quote trimmed");
    assert_eq!(queued[0].1, "Bob Bhatt");
    let delivered = format!("to=<{to}>, relay=solex,");
    postfix.wait_for("Postfix logs the delivery to solex", 30, || postfix.log().contains(&delivered));
    let line = postfix.log().lines().find(|l| l.contains(&delivered)).unwrap().to_string();
    assert!(line.contains("dsn=2.0.0, status=sent (delivered via solex service"), "{line}");

    // A reply to the From address, threaded by its References: taken, and held for Bob to
    // confirm (tests/mail_identity.rs), which the ingest command reports to Postfix.
    let bob = w.app.user_id("bob@example.org");
    let noreply = format!("noreply@{DOMAIN}");
    let refs = format!("In-Reply-To: <p{id}.u{bob}@{DOMAIN}>\r\nReferences: <p{id}.u{bob}@{DOMAIN}>\r\n");
    let threaded = mail("bob@example.org", &noreply, "r2@example.org", "Threaded by references.").replacen("Content-Type", &format!("{refs}Content-Type"), 1);
    postfix.send("bob@example.org", &noreply, &threaded).unwrap_or_else(|e| panic!("{e}\n{}", postfix.log()));
    let to_noreply = format!("to=<{noreply}>, relay=solex,");
    postfix.wait_for("Postfix logs the delivery to noreply", 60, || postfix.log().contains(&to_noreply));
    let line = postfix.log().lines().find(|l| l.contains(&to_noreply)).unwrap().to_string();
    assert!(line.contains("dsn=2.0.0, status=sent") && line.contains("held"), "{line}");

    // Not one of the portal's address shapes: refused during SMTP, nothing is queued.
    let err = postfix.send("stranger@example.org", &format!("nosuch@{DOMAIN}"), &mail("stranger@example.org", "nosuch@solex.localhost", "n1@example.org", "hello")).unwrap_err();
    assert!(err.is_permanent() && err.to_string().contains("5.1.1"), "{err}");

    // A portal address with a forged token: Postfix takes it, `solex mail ingest` exits 67 and
    // Postfix bounces it to the sender as "5.1.1 user unknown", with the portal's reason.
    let forged = format!("reply+{bob}-{}-{id}@{DOMAIN}", "0".repeat(32));
    postfix.send("stranger@example.org", &forged, &mail("stranger@example.org", &forged, "f1@example.org", "spoof")).unwrap_or_else(|e| panic!("{e}\n{}", postfix.log()));
    postfix.wait_for("the bounce reaches the sender", 60, || !postfix.delivered().is_empty());
    let bounces = postfix.delivered();
    assert_eq!(bounces.len(), 1, "only the forged message bounced: {bounces:?}");
    let dsn = &bounces[0];
    assert!(dsn.contains(&format!("Final-Recipient: rfc822; {forged}")), "{dsn}");
    assert!(dsn.contains("Status: 5.1.1"), "the portal's EX_NOUSER, as Postfix maps it: {dsn}");
    assert!(dsn.contains("user unknown"), "{dsn}");
    assert!(dsn.contains("unknown address"), "the portal's reason reaches the sender: {dsn}");
    assert!(!dsn.contains('\u{1b}'), "no terminal colours in the notice: {dsn}");
    assert!(postfix.log().contains("dsn=5.1.1, status=bounced (user unknown."), "{}", postfix.log());
    assert_eq!(pending().len(), 1, "the forged message made no post");
}
