//! Registration, email verification, sign-in sessions, password reset and profiles.

use chrono::Duration;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::mail_outbox::{OutboxKind, Payload};
use crate::models::{self, audit, role, security_event, session, token, user};
use crate::services::{deliver, passwords, Env};
use crate::tokens;
use crate::vocab;

// Split by concern; each part shares this module's imports and helpers (`use super::*`).
mod register;
mod sessions;
mod profile;
mod admin;
mod rights;

pub use register::*;
pub use sessions::*;
pub use profile::*;
pub use admin::*;
pub use rights::*;

const VERIFY_TTL_HOURS: i64 = 48;
const RESET_TTL_HOURS: i64 = 2;
const SETUP_TTL_HOURS: i64 = 72;
const MAX_FIELD: usize = 200;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub role_title: String,
    #[serde(default)]
    pub language: String,
    /// The sign-up checkbox "name me as a contributor"; unticked unless the person ticks it.
    #[serde(default)]
    pub credit_consent: Option<String>,
    /// The sign-up checkbox "I have read the notice and agree": required.
    #[serde(default)]
    pub data_consent: Option<String>,
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The address normalised, or the field error a form shows for it.
fn valid_email(email: &str) -> Result<String, AppError> {
    let email = normalise_email(email);
    let mut errors = FieldErrors::new();
    check_email(&email, &mut errors);
    if errors.is_empty() { Ok(email) } else { Err(AppError::Validation(errors)) }
}

pub fn check_email(email: &str, errors: &mut FieldErrors) {
    if email.is_empty() {
        errors.insert("email", "email-missing".into());
    } else if email.len() > 254 || email.parse::<lettre::Address>().is_err() {
        errors.insert("email", "email-invalid".into());
    }
}

/// Checks and tidies the profile fields; the state is stored under its official name.
pub fn clean_profile(p: &user::Profile, errors: &mut FieldErrors) -> user::Profile {
    let mut out = user::Profile {
        name: p.name.trim().to_string(),
        organisation: p.organisation.trim().to_string(),
        state: String::new(),
        district: p.district.trim().to_string(),
        role_title: p.role_title.trim().to_string(),
        language: if p.language.is_empty() { "en".into() } else { p.language.clone() },
        credit_consent: p.credit_consent,
    };
    if out.name.is_empty() {
        errors.insert("name", "name-missing".into());
    }
    for (field, value) in [
        ("name", &out.name),
        ("organisation", &out.organisation),
        ("district", &out.district),
        ("role_title", &out.role_title),
    ] {
        if value.chars().count() > MAX_FIELD {
            errors.insert(field, Message::new("too-long").arg("max", MAX_FIELD));
        }
    }
    out.state = super::clean_state(&p.state, errors);
    if !vocab::is_language(&out.language) {
        errors.insert("language", "language-choose".into());
    }
    out
}

/// Writes a one-time token for `user_id` and returns the secret to put in the link.
fn issue_token(conn: &mut DbConn, user_id: i64, purpose: token::Purpose, ttl_hours: i64) -> diesel::QueryResult<String> {
    let now = models::now();
    token::retire_unused(conn, user_id, purpose, now)?;
    let secret = tokens::random_token();
    token::insert(
        conn,
        &token::NewAccountToken {
            user_id,
            purpose,
            token_hash: &tokens::hash_token(&secret),
            created_at: now,
            expires_at: now + Duration::hours(ttl_hours),
        },
    )?;
    Ok(secret)
}
