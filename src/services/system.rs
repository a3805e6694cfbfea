//! Health and operational figures.

use diesel::connection::SimpleConnection;

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::mail_outbox;

pub fn ping(conn: &mut DbConn) -> Result<(), AppError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

/// Migrations the database has that this binary does not know (a newer solex applied them).
pub fn unknown_migrations(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    crate::db::serving::unknown_migrations(conn)
}

pub fn mail_outbox_counts(conn: &mut DbConn) -> Result<Vec<(String, i64)>, AppError> {
    [mail_outbox::Status::Queued, mail_outbox::Status::Sent, mail_outbox::Status::Failed]
        .iter()
        .map(|s| Ok((s.to_string(), mail_outbox::count_by_status(conn, *s)?)))
        .collect()
}

/// How one setting stands before the portal starts (`solex check-config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Works, but not as a production portal should (said, not counted as a failure).
    Warning,
    /// The portal would fail or be unsafe: fix before starting the service.
    Problem,
}

#[derive(Debug, Clone)]
pub struct Check {
    pub what: &'static str,
    pub verdict: Verdict,
    pub detail: String,
}

fn check(what: &'static str, verdict: Verdict, detail: impl Into<String>) -> Check {
    Check { what, verdict, detail: detail.into() }
}

/// Whether the portal answers only on this machine (a developer's setup), where plain HTTP and
/// the example mail domain are fine.
fn loopback_url(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    }
}

/// Creates `dir` if needed and writes and removes a file in it.
fn writable(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{} cannot be created: {e}", dir.display()))?;
    let probe = dir.join(format!(".solex-check-{}", std::process::id()));
    std::fs::write(&probe, b"check").map_err(|e| format!("{} is not writable: {e}", dir.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Why an SMTP address would send its password unencrypted: plain `smtp://` carrying one to
/// another machine without `?tls=required` (a relay on this machine is fine).
fn smtp_password_in_clear(smtp: &str) -> Option<String> {
    let url = url::Url::parse(smtp).ok()?;
    let required = url.query_pairs().any(|(k, v)| k == "tls" && v == "required");
    // smtp:// is not a scheme the URL standard knows, so its IP addresses stay text.
    let host = url.host_str().unwrap_or("");
    let local = host == "localhost" || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback());
    if url.scheme() != "smtp" || url.password().is_none() || required || local {
        return None;
    }
    Some(format!("the password for {host} would cross the network in clear: use smtps://{host}:465 or add ?tls=required"))
}

/// Every setting an operator gets wrong before the first start, each tried for real: the
/// database is connected to, the SMTP server greeted, folders written to. Reads nothing
/// from and writes nothing to the portal's data (a missing SQLite file is not created).
/// `greet_smtp` is the mail engine's greeting of the configured server.
pub fn check_config(config: &crate::config::Config, greet_smtp: impl FnOnce() -> Result<(), AppError>) -> Vec<Check> {
    use crate::db::DatabaseUrl;
    let mut checks = Vec::new();
    let base = url::Url::parse(&config.base_url).ok();
    let local = base.as_ref().is_some_and(loopback_url);

    match config.database() {
        Err(e) => checks.push(check("database_url", Verdict::Problem, e.to_string())),
        Ok(DatabaseUrl::Sqlite(path)) if !path.exists() => {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            checks.push(match writable(dir) {
                Ok(()) => check("database_url", Verdict::Ok, format!("SQLite file {} will be made at the first start", path.display())),
                Err(e) => check("database_url", Verdict::Problem, e),
            });
        }
        Ok(url) => {
            let name = match &url { DatabaseUrl::Sqlite(p) => format!("SQLite file {}", p.display()), DatabaseUrl::Postgres(_) => "PostgreSQL".to_string() };
            let state = |c: &mut DbConn| -> Result<(Vec<String>, Vec<String>), AppError> {
                ping(c)?;
                Ok((unknown_migrations(c)?, crate::db::serving::pending(c)?))
            };
            checks.push(match crate::db::establish(&url).and_then(|mut c| state(&mut c)) {
                Ok((unknown, _)) if !unknown.is_empty() => check("database_url", Verdict::Problem, format!("{name} answers, but {}", crate::db::serving::newer_schema_message(&unknown))),
                Ok((_, pending)) if pending.is_empty() => check("database_url", Verdict::Ok, format!("{name} answers; its schema is up to date")),
                Ok((_, pending)) => check("database_url", Verdict::Ok, format!("{name} answers; {} migrations will be applied at the start (`solex migrate`)", pending.len())),
                // The error names the server, never the URL (which may carry a password).
                Err(e) => check("database_url", Verdict::Problem, format!("{name} cannot be reached: {e}")),
            });
        }
    }

    match &base {
        None => checks.push(check("base_url", Verdict::Problem, format!("`{}` is not an address", config.base_url))),
        Some(u) if u.scheme() == "https" => checks.push(check("base_url", Verdict::Ok, config.base_url.clone())),
        Some(_) if local => checks.push(check("base_url", Verdict::Warning, format!("{} answers only on this machine (fine for trying it out)", config.base_url))),
        Some(_) => checks.push(check("base_url", Verdict::Problem, format!("{} is not https: sign-in cookies and passwords would cross the network in clear", config.base_url))),
    }
    if config.secure_cookies == Some(false) && !local {
        checks.push(check("secure_cookies", Verdict::Problem, "turned off on a public address: session cookies could be sent over plain HTTP"));
    }

    match &config.smtp_url {
        None if local => checks.push(check("smtp_url", Verdict::Ok, format!("unset: mail is written to {}", config.outbox_dir.display()))),
        None => checks.push(check("smtp_url", Verdict::Problem, format!("unset: no mail leaves this machine (it is written to {})", config.outbox_dir.display()))),
        Some(smtp) => {
            if let Some(why) = smtp_password_in_clear(smtp) {
                checks.push(check("smtp_url", Verdict::Problem, why));
            }
            checks.push(match greet_smtp() {
                Ok(()) => check("smtp_url", Verdict::Ok, "the SMTP server answers"),
                Err(e) => check("smtp_url", Verdict::Problem, format!("the SMTP server refuses or cannot be reached: {e}")),
            });
        }
    }
    let example = |d: &str| d == "solex.localhost" || d.ends_with(".localhost") || d.ends_with("example.org");
    if example(&config.mail_domain) && !local {
        checks.push(check("mail_domain", Verdict::Problem, format!("{} cannot receive replies: set the domain whose MX points at this portal", config.mail_domain)));
    } else {
        checks.push(check("mail_domain", Verdict::Ok, config.mail_domain.clone()));
    }
    if config.mail_from.contains(".localhost") && !local {
        checks.push(check("mail_from", Verdict::Problem, format!("{} is not a real sender: receiving servers will refuse it", config.mail_from)));
    }

    match &config.inbound_token {
        None => checks.push(check("inbound_token", Verdict::Warning, "unset: POST /mail/inbound is off (replies by mail still arrive through `solex mail ingest`)")),
        Some(t) if t.len() < 32 => checks.push(check("inbound_token", Verdict::Problem, format!("only {} characters: use at least 32 random ones (`openssl rand -hex 32`)", t.len()))),
        Some(_) => checks.push(check("inbound_token", Verdict::Ok, "set")),
    }

    for (what, dir) in [("index_dir", &config.index_dir), ("attachments_dir", &config.attachments_dir), ("outbox_dir", &config.outbox_dir)] {
        checks.push(match writable(dir) {
            Ok(()) => check(what, Verdict::Ok, format!("{} is writable", dir.display())),
            Err(e) => check(what, Verdict::Problem, e),
        });
    }
    for (what, dir) in [("static_dir", &config.static_dir), ("content_dir", &config.content_dir)] {
        checks.push(match std::fs::read_dir(dir) {
            Ok(_) => check(what, Verdict::Ok, format!("{} is readable", dir.display())),
            Err(_) if what == "content_dir" => check(what, Verdict::Warning, format!("{} cannot be read: no shipped pages will be imported", dir.display())),
            Err(e) => check(what, Verdict::Problem, format!("{} cannot be read: {e}", dir.display())),
        });
    }
    if config.trust_proxy && config.bind.parse::<std::net::SocketAddr>().is_ok_and(|a| !a.ip().is_loopback()) {
        checks.push(check("trust_proxy", Verdict::Warning, format!("on while listening on {}: a client reaching it directly can claim any address", config.bind)));
    }
    checks
}
