//! The one error type. Services return it; the web layer turns it into an HTML page or JSON.

use std::collections::BTreeMap;
use std::fmt;

/// Messages for form fields, keyed by field name, shown beside the field.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// Something to tell a person, as a key of the locale files (src/views/locales) and its named
/// arguments. Services say what happened; views say it in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// One argument of a message. Numbers stay numbers so the locale can choose a plural form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Message { key, args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

impl From<&'static str> for Message {
    fn from(key: &'static str) -> Self {
        Message::new(key)
    }
}

/// The key and arguments, for logs and tests; people read the rendered text.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        for (i, (name, value)) in self.args.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { ", " })?;
            match value {
                Arg::Text(s) => write!(f, "{name}: {s}")?,
                Arg::Number(n) => write!(f, "{name}: {n}")?,
            }
        }
        if !self.args.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i32, i64, u32, u64, usize);

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("the form has expired or did not come from this site")]
    Csrf,
    #[error("too many attempts; try again in {0} seconds")]
    RateLimited(u64),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("gone")]
    Gone,
    /// The request body is larger than this route takes (413).
    #[error("request body too large")]
    TooLarge,
    /// The request body did not arrive in time (408).
    #[error("request body timed out")]
    BodyTimeout,
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Db(diesel::result::Error::NotFound) => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::Csrf => 403,
            AppError::RateLimited(_) => 429,
            AppError::BadRequest(_) | AppError::Validation(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::Gone => 410,
            AppError::TooLarge => 413,
            AppError::BodyTimeout => 408,
            AppError::Config(_) | AppError::Db(_) | AppError::Pool(_) | AppError::Internal(_) => 500,
        }
    }

    /// One field error, the common case for services.
    pub fn field(name: &'static str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(name, message.into());
        AppError::Validation(errors)
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(format!("i/o: {e}"))
    }
}

/// Text from a message made fit for one log line or one table cell: every control character
/// (CR, LF, tab, NEL, line and paragraph separators...) becomes a space, and it is cut to `max`
/// characters, so a folded or CRLF-injected header cannot forge lines or grow without bound.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c })
        .take(max + 1)
        .collect();
    if out.chars().count() > max {
        out = out.chars().take(max.saturating_sub(1)).collect::<String>() + "…";
    }
    out
}

/// A reason as it may go into the server log: one line, and no address (anything with an @).
pub fn loggable(reason: &str) -> String {
    one_line(reason, 200).split(' ').map(|w| if w.contains('@') { "[address]" } else { w }).collect::<Vec<_>>().join(" ")
}
