//! Settings: defaults for the embedded setup, then solex.toml, then SOLEX_* environment variables.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::db::DatabaseUrl;
use crate::error::AppError;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// Public address used in mail links; no trailing slash.
    pub base_url: String,
    /// `sqlite://data/solex.db` (default), a plain file path, or `postgres://...`.
    pub database_url: String,
    pub index_dir: PathBuf,
    pub static_dir: PathBuf,
    pub content_dir: PathBuf,
    /// Load the demo community of `content_dir/demo/` (once per database): unset means only
    /// on the embedded default database (`sqlite://data/solex.db`), never on any other
    /// unless set to true.
    pub demo: Option<bool>,
    /// Where mail is written as .eml files when no SMTP server is configured.
    pub outbox_dir: PathBuf,
    /// Files attached to posts, stored under random names.
    pub attachments_dir: PathBuf,
    /// `smtp://host:port` (plain, for a local relay), `smtp://...:587?tls=required` (STARTTLS) or `smtps://...`,
    /// with optional `user:password@`. Unset means the outbox folder.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Domain of the portal's own addresses: reply+, post+, unsubscribe+ and bounce+.
    pub mail_domain: String,
    /// Parallel SMTP connections of the sender.
    pub smtp_workers: usize,
    /// First retry delay after a temporary delivery failure; it doubles up to an hour.
    pub mail_retry_secs: i64,
    /// How long a sender holds the messages it claimed. After a crash they wait this long
    /// before a sender takes them again; it must outlast sending one batch.
    pub mail_lease_secs: i64,
    /// Hard bounces after which an address stops receiving mail.
    pub bounce_threshold: i32,
    /// Bearer token a relay must send to POST /mail/inbound; unset disables the endpoint.
    pub inbound_token: Option<String>,
    /// Largest inbound message accepted, in bytes.
    pub inbound_max_bytes: usize,
    /// Secure cookies; defaults to true when base_url is https.
    pub secure_cookies: Option<bool>,
    pub session_days: i64,
    pub pool_size: u32,
    pub workers: usize,
    /// Trust X-Forwarded-For for the client address (only behind a proxy you run).
    pub trust_proxy: bool,
    /// Sign-in attempts allowed per address and per account in `login_window_secs`.
    pub login_attempts: usize,
    pub login_window_secs: u64,
    /// Seconds a request body may take to arrive (plus one second per 16 KiB received, so
    /// a large upload on a slow line still gets through); a body that trickles is cut off.
    pub body_timeout_secs: u64,
    /// Searches (page and API) allowed per client address per minute; 0 turns the limit off
    /// (load tests from one address).
    pub search_per_minute: usize,
    /// Seconds between runs of the digest scheduler and the registry reminders.
    pub scheduler_secs: u64,
    /// How long one portal process keeps the scheduler once it runs it (renewed every run).
    /// When that process dies, another takes the scheduler over after at most this long.
    pub scheduler_lease_secs: u64,
    /// The hour (UTC) from which the day's roundups and moderators' daily mail go out
    /// (3 UTC is 08:30 in India).
    pub daily_mail_hour: u32,
    /// Hours a query may wait in the queue before its moderators are told at once.
    pub moderator_urgent_hours: u32,
    /// Days feedback on a registry record waits for its state's focal points before it goes to
    /// the national focal points.
    pub registry_feedback_days: u32,
    /// The institution that runs the portal, named on the About and Contact pages.
    pub host_institution: String,
    /// Where visitors write to the team (Contact and Accessibility pages); empty hides it.
    pub contact_email: String,
    /// Name and designation of the grievance officer (Privacy and Contact pages).
    pub grievance_officer: String,
    pub grievance_email: String,
    /// Days after which an implementing agency's latest rating (Table 2.10) is due for review.
    pub agency_rating_review_days: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            base_url: "http://127.0.0.1:8080".into(),
            database_url: "sqlite://data/solex.db".into(),
            index_dir: "search-index".into(),
            static_dir: "static".into(),
            content_dir: "content".into(),
            demo: None,
            outbox_dir: "outbox".into(),
            attachments_dir: "data/attachments".into(),
            smtp_url: None,
            mail_from: "solex <noreply@solex.localhost>".into(),
            mail_domain: "solex.localhost".into(),
            smtp_workers: 8,
            bounce_threshold: 3,
            mail_retry_secs: 30,
            mail_lease_secs: 600,
            inbound_token: None,
            inbound_max_bytes: 10 * 1024 * 1024,
            secure_cookies: None,
            session_days: 30,
            pool_size: 8,
            workers: 2,
            trust_proxy: false,
            login_attempts: 5,
            login_window_secs: 900,
            body_timeout_secs: 30,
            search_per_minute: 120,
            scheduler_secs: 60,
            scheduler_lease_secs: 180,
            daily_mail_hour: 3,
            moderator_urgent_hours: 24,
            agency_rating_review_days: 730,
            registry_feedback_days: 14,
            host_institution: String::new(),
            contact_email: String::new(),
            grievance_officer: String::new(),
            grievance_email: String::new(),
        }
    }
}

impl Config {
    /// Reads `path` (which must exist if given), else `solex.toml` if present, then the environment.
    pub fn load(path: Option<&Path>) -> Result<Config, AppError> {
        let mut config = match path {
            Some(p) => Self::from_file(p)?,
            None if Path::new("solex.toml").exists() => Self::from_file(Path::new("solex.toml"))?,
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        config.validate()?;
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config, AppError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Config(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| AppError::Config(format!("{}: {e}", path.display())))
    }

    /// Environment overrides: SOLEX_<FIELD> for every field; DATABASE_URL is also read.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), AppError> {
        fn parse<T: std::str::FromStr>(key: &str, v: &str) -> Result<T, AppError> {
            v.parse().map_err(|_| AppError::Config(format!("{key}: cannot read `{v}`")))
        }
        if let Some(v) = get("DATABASE_URL") {
            self.database_url = v;
        }
        let s = |k: &str| get(&format!("SOLEX_{k}"));
        if let Some(v) = s("DATABASE_URL") { self.database_url = v; }
        if let Some(v) = s("BIND") { self.bind = v; }
        if let Some(v) = s("BASE_URL") { self.base_url = v; }
        if let Some(v) = s("INDEX_DIR") { self.index_dir = v.into(); }
        if let Some(v) = s("STATIC_DIR") { self.static_dir = v.into(); }
        if let Some(v) = s("CONTENT_DIR") { self.content_dir = v.into(); }
        if let Some(v) = s("DEMO") { self.demo = Some(parse("SOLEX_DEMO", &v)?); }
        if let Some(v) = s("OUTBOX_DIR") { self.outbox_dir = v.into(); }
        if let Some(v) = s("ATTACHMENTS_DIR") { self.attachments_dir = v.into(); }
        if let Some(v) = s("SMTP_URL") { self.smtp_url = Some(v).filter(|v| !v.is_empty()); }
        if let Some(v) = s("MAIL_FROM") { self.mail_from = v; }
        if let Some(v) = s("MAIL_DOMAIN") { self.mail_domain = v; }
        if let Some(v) = s("SMTP_WORKERS") { self.smtp_workers = parse("SOLEX_SMTP_WORKERS", &v)?; }
        if let Some(v) = s("MAIL_RETRY_SECS") { self.mail_retry_secs = parse("SOLEX_MAIL_RETRY_SECS", &v)?; }
        if let Some(v) = s("MAIL_LEASE_SECS") { self.mail_lease_secs = parse("SOLEX_MAIL_LEASE_SECS", &v)?; }
        if let Some(v) = s("BOUNCE_THRESHOLD") { self.bounce_threshold = parse("SOLEX_BOUNCE_THRESHOLD", &v)?; }
        if let Some(v) = s("INBOUND_TOKEN") { self.inbound_token = Some(v).filter(|v| !v.is_empty()); }
        if let Some(v) = s("INBOUND_MAX_BYTES") { self.inbound_max_bytes = parse("SOLEX_INBOUND_MAX_BYTES", &v)?; }
        if let Some(v) = s("SECURE_COOKIES") { self.secure_cookies = Some(parse("SOLEX_SECURE_COOKIES", &v)?); }
        if let Some(v) = s("SESSION_DAYS") { self.session_days = parse("SOLEX_SESSION_DAYS", &v)?; }
        if let Some(v) = s("POOL_SIZE") { self.pool_size = parse("SOLEX_POOL_SIZE", &v)?; }
        if let Some(v) = s("WORKERS") { self.workers = parse("SOLEX_WORKERS", &v)?; }
        if let Some(v) = s("TRUST_PROXY") { self.trust_proxy = parse("SOLEX_TRUST_PROXY", &v)?; }
        if let Some(v) = s("LOGIN_ATTEMPTS") { self.login_attempts = parse("SOLEX_LOGIN_ATTEMPTS", &v)?; }
        if let Some(v) = s("LOGIN_WINDOW_SECS") { self.login_window_secs = parse("SOLEX_LOGIN_WINDOW_SECS", &v)?; }
        if let Some(v) = s("BODY_TIMEOUT_SECS") { self.body_timeout_secs = parse("SOLEX_BODY_TIMEOUT_SECS", &v)?; }
        if let Some(v) = s("SEARCH_PER_MINUTE") { self.search_per_minute = parse("SOLEX_SEARCH_PER_MINUTE", &v)?; }
        if let Some(v) = s("SCHEDULER_SECS") { self.scheduler_secs = parse("SOLEX_SCHEDULER_SECS", &v)?; }
        if let Some(v) = s("SCHEDULER_LEASE_SECS") { self.scheduler_lease_secs = parse("SOLEX_SCHEDULER_LEASE_SECS", &v)?; }
        if let Some(v) = s("DAILY_MAIL_HOUR") { self.daily_mail_hour = parse("SOLEX_DAILY_MAIL_HOUR", &v)?; }
        if let Some(v) = s("MODERATOR_URGENT_HOURS") { self.moderator_urgent_hours = parse("SOLEX_MODERATOR_URGENT_HOURS", &v)?; }
        if let Some(v) = s("AGENCY_RATING_REVIEW_DAYS") { self.agency_rating_review_days = parse("SOLEX_AGENCY_RATING_REVIEW_DAYS", &v)?; }
        if let Some(v) = s("REGISTRY_FEEDBACK_DAYS") { self.registry_feedback_days = parse("SOLEX_REGISTRY_FEEDBACK_DAYS", &v)?; }
        if let Some(v) = s("HOST_INSTITUTION") { self.host_institution = v; }
        if let Some(v) = s("CONTACT_EMAIL") { self.contact_email = v; }
        if let Some(v) = s("GRIEVANCE_OFFICER") { self.grievance_officer = v; }
        if let Some(v) = s("GRIEVANCE_EMAIL") { self.grievance_email = v; }
        Ok(())
    }

    pub fn validate(&mut self) -> Result<(), AppError> {
        DatabaseUrl::parse(&self.database_url)?;
        self.base_url = self.base_url.trim_end_matches('/').to_string();
        url::Url::parse(&self.base_url)
            .map_err(|e| AppError::Config(format!("base_url `{}`: {e}", self.base_url)))?;
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| AppError::Config(format!("mail_from `{}`: {e}", self.mail_from)))?;
        if self.pool_size == 0 || self.workers == 0 || self.smtp_workers == 0 || self.body_timeout_secs == 0 {
            return Err(AppError::Config("pool_size, workers, smtp_workers and body_timeout_secs must be at least 1".into()));
        }
        // A lease shorter than two runs would pass from process to process while its holder
        // is only between runs, and could end while a run is still going.
        if self.daily_mail_hour > 23 || self.moderator_urgent_hours == 0 {
            return Err(AppError::Config("daily_mail_hour must be 0-23 and moderator_urgent_hours at least 1".into()));
        }
        if self.scheduler_secs == 0 || self.scheduler_lease_secs < 2 * self.scheduler_secs {
            return Err(AppError::Config("scheduler_secs must be at least 1 and scheduler_lease_secs at least twice scheduler_secs".into()));
        }
        format!("bounce@{}", self.mail_domain)
            .parse::<lettre::Address>()
            .map_err(|e| AppError::Config(format!("mail_domain `{}`: {e}", self.mail_domain)))?;
        Ok(())
    }

    pub fn database(&self) -> Result<DatabaseUrl, AppError> {
        DatabaseUrl::parse(&self.database_url)
    }

    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| self.base_url.starts_with("https://"))
    }
}
