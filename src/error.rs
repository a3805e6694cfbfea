//! The one error type. Services return it; the web layer turns it into an HTML page or JSON.

use std::collections::BTreeMap;

/// Messages for form fields, keyed by field name, shown beside the field.
pub type FieldErrors = BTreeMap<&'static str, Message>;

/// Something to tell a person, as a key of the locale files (src/views/locales) and its named
/// arguments. Services say what happened; views say it in the reader's language. It has no
/// Display on purpose, so a page cannot print a key by mistake (maud prints any Display).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
    /// Messages shown after this one, for one field with several problems (files refused).
    pub more: Vec<Message>,
}

/// One argument of a message. Numbers stay numbers so the locale can choose a plural form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// Another argument-free message, in the reader's language (a field's label, a kind).
    Key(&'static str),
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Message { key, args: Vec::new(), more: Vec::new() }
    }

    /// This message followed by the rest, or `None` if there are none.
    pub fn all(messages: Vec<Message>) -> Option<Message> {
        let mut it = messages.into_iter();
        let mut first = it.next()?;
        first.more.extend(it);
        Some(first)
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The message as text for a column the portal fills itself (why a post was held, what a
    /// log entry records), so each reader sees it in their language later:
    /// `{"key":"k","args":{"name":"text"|1|{"key":"k"}}}`, with `"more":[…]` when it has
    /// messages after it. Views read it with `Strings::stored`;
    /// text that is not such an object (older rows, what people typed) is shown as it is.
    pub fn to_stored(&self) -> String {
        use serde_json::{json, Map, Value};
        let args: Map<String, Value> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let v = match arg {
                    Arg::Text(t) => json!(t),
                    Arg::Number(n) => json!(n),
                    Arg::Key(k) => json!({ "key": k }),
                };
                (name.to_string(), v)
            })
            .collect();
        let mut stored = json!({ "key": self.key, "args": args });
        if !self.more.is_empty() {
            let more: Vec<Value> = self.more.iter().map(|m| serde_json::from_str(&m.to_stored()).expect("a stored message is JSON")).collect();
            stored["more"] = Value::Array(more);
        }
        stored.to_string()
    }
}

impl From<&'static str> for Message {
    fn from(key: &'static str) -> Self {
        Message::new(key)
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
    #[error("bad request: {}", .0.key)]
    BadRequest(Message),
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("conflict: {}", .0.key)]
    Conflict(Message),
    #[error("gone")]
    Gone,
    /// The request body is larger than this route takes (413).
    #[error("request body too large")]
    TooLarge,
    /// The request body did not arrive in time (408).
    #[error("request body timed out")]
    BodyTimeout,
    /// The path exists but not with this method (405); the methods it takes, for `Allow`.
    #[error("method not allowed")]
    MethodNotAllowed(&'static str),
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
    /// The database could not be reached, or was too busy to answer: the same request may
    /// succeed later (an MTA retries on this; on anything else it must not).
    pub fn is_temporary(&self) -> bool {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match self {
            AppError::Pool(_) => true,
            AppError::Db(E::DatabaseError(K::ClosedConnection | K::UnableToSendCommand | K::SerializationFailure, _)) => true,
            // SQLite's busy_timeout ran out while another process held the write lock.
            AppError::Db(E::DatabaseError(_, info)) => info.message().contains("database is locked"),
            AppError::Db(E::BrokenTransactionManager) => true,
            _ => false,
        }
    }

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
            AppError::MethodNotAllowed(_) => 405,
            AppError::Config(_) | AppError::Db(_) | AppError::Pool(_) | AppError::Internal(_) => 500,
        }
    }

    /// One field error, the common case for services.
    pub fn field(name: &'static str, message: impl Into<Message>) -> Self {
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
