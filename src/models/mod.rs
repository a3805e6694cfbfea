//! Rows and queries, one file per aggregate. Functions take `&mut DbConn` and return
//! `QueryResult`; transactions belong to services.

pub mod attachment;
pub mod audit;
pub mod community;
pub mod content_import;
pub mod digest;
pub mod held_mail;
pub mod inbound;
pub mod mail_outbox;
pub mod membership;
pub mod moderation;
pub mod page;
pub mod post;
pub mod registry;
pub mod search_outbox;
pub mod security_event;
pub mod role;
pub mod session;
pub mod token;
pub mod user;
pub mod vocabulary;

/// The clock every model uses, truncated to microseconds so both backends store the same value.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}
